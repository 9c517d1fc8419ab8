//! The config file (`dorascope.toml`, `--config FILE`): the same settings as the command
//! line, kept beside the data so that an audit re-runs with one command.
//!
//! Keys are the long option names (`deploy-tags = "v*"`, `incidents = ["pd.json"]`,
//! `include-merges = true`). Top-level keys apply to every command that has the option; a
//! table named after a command (`[report]`) applies to that command only. Relative paths are
//! read from the config file's directory. An option given on the command line wins over the
//! file. The file is turned into command-line arguments before parsing, so clap validates
//! every value exactly as if it had been typed.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The file read when `--config` is not given, if it exists in the current directory.
pub const DEFAULT_FILE: &str = "dorascope.toml";

/// Options whose values are paths, read relative to the config file.
const PATH_OPTIONS: &[&str] = &[
    "repo",
    "deployments",
    "incidents",
    "merge-requests",
    "merge-request-commits",
    "reference-data",
    "repos-from",
    "codeowners",
    "out",
    "output",
];

/// Commands that read the config file (the others take no settings from it).
const COMMANDS: &[&str] = &["changes", "deployments", "incidents", "report"];

/// The command line with the config file's settings inserted after the command name (keys in
/// sorted order, top-level ones first), and
/// the file used, if any. `command` describes the options of every subcommand.
pub fn expand(args: Vec<OsString>, command: &clap::Command) -> Result<(Vec<OsString>, Option<PathBuf>)> {
    let explicit = config_arg(&args);
    let Some(sub_at) = args
        .iter()
        .enumerate()
        .skip(1)
        .find(|(i, a)| !a.to_string_lossy().starts_with('-') && !is_config_value(&args, *i))
        .map(|(i, _)| i)
    else {
        return Ok((args, None));
    };
    let name = args[sub_at].to_string_lossy().into_owned();
    let path = match explicit {
        Some(p) => Some(p),
        None => {
            Some(PathBuf::from(DEFAULT_FILE)).filter(|p| p.is_file() && COMMANDS.contains(&name.as_str()))
        }
    };
    let Some(path) = path else {
        return Ok((args, None));
    };
    let Some(sub) = command.find_subcommand(&name) else {
        return Ok((args, Some(path)));
    };
    if !COMMANDS.contains(&name.as_str()) {
        return Ok((args, Some(path)));
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Error::Input(format!("{}: cannot read the config file: {e}", path.display())))?;
    let table: toml::Table = toml::from_str(&text).map_err(|e: toml::de::Error| {
        Error::Input(format!("{}: {}", path.display(), one_line(&e.to_string())))
    })?;
    let base = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let known = |cmd: &clap::Command, key: &str| cmd.get_arguments().any(|a| a.get_long() == Some(key));
    let given: Vec<String> = args[sub_at + 1..]
        .iter()
        .filter_map(|a| a.to_str())
        .filter_map(|a| a.strip_prefix("--"))
        .map(|a| a.split('=').next().unwrap_or(a).to_owned())
        .collect();
    let mut inserted: Vec<OsString> = Vec::new();
    let mut add = |key: &str, value: &toml::Value, scope: &str| -> Result<()> {
        if given.iter().any(|g| g == key) {
            return Ok(());
        }
        let at = |what: &str| Error::Input(format!("{}: {scope}{key}: {what}", path.display()));
        let flag = OsString::from(format!("--{key}"));
        let scalar = |v: &toml::Value| -> Result<OsString> {
            let text = match v {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::Datetime(d) => d.to_string(),
                _ => return Err(at("expected a string, a number or a list of them")),
            };
            Ok(if PATH_OPTIONS.contains(&key) && Path::new(&text).is_relative() {
                base.join(text).into_os_string()
            } else {
                OsString::from(text)
            })
        };
        match value {
            toml::Value::Boolean(true) => inserted.push(flag),
            toml::Value::Boolean(false) => {}
            toml::Value::Array(items) => {
                for item in items {
                    inserted.push(flag.clone());
                    inserted.push(scalar(item)?);
                }
            }
            v => {
                inserted.push(flag);
                inserted.push(scalar(v)?);
            }
        }
        Ok(())
    };
    let mut service_args = Vec::new();
    let mut sections: Vec<(&str, &toml::Table)> = Vec::new();
    for (key, value) in table.iter() {
        let key: &str = key;
        match value {
            toml::Value::Table(t) => sections.push((key, t)),
            v => {
                let anywhere = command.get_subcommands().any(|c| known(c, key));
                if !anywhere {
                    return Err(Error::Input(format!(
                        "{}: {key}: not a dorascope option (keys are long option names, like deploy-tags or failure-window)",
                        path.display()
                    )));
                }
                if known(sub, key) {
                    add(key, v, "")?;
                }
            }
        }
    }
    for (section, t) in sections {
        if section == SERVICES {
            if known(sub, "service") && !given.iter().any(|g| g == "service") {
                service_args = services(t, &path)?;
            }
            continue;
        }
        if command.find_subcommand(section).is_none() {
            return Err(Error::Input(format!(
                "{}: [{section}]: not a command (expected [changes], [deployments], [incidents], [report] or [services])",
                path.display()
            )));
        }
        if section != name {
            continue;
        }
        for (key, v) in t.iter() {
            let key: &str = key;
            if !known(sub, key) {
                return Err(Error::Input(format!(
                    "{}: [{section}] {key}: not an option of dorascope {section}",
                    path.display()
                )));
            }
            add(key, v, &format!("[{section}] "))?;
        }
    }
    inserted.extend(service_args);
    let mut out = args;
    out.splice(sub_at + 1..sub_at + 1, inserted);
    Ok((out, Some(path)))
}

/// The table of services: `[services]` with `NAME = "GLOB"` or `NAME = ["GLOB", ...]`.
const SERVICES: &str = "services";

/// `[services]` as `--service NAME=GLOB,GLOB` arguments.
fn services(table: &toml::Table, path: &Path) -> Result<Vec<OsString>> {
    let mut out = Vec::new();
    for (name, value) in table.iter() {
        let bad = || {
            Error::Input(format!(
                "{}: [services] {name}: expected a glob or a list of globs, like {name} = [\"services/{name}/**\"]",
                path.display()
            ))
        };
        let globs: Vec<&str> = match value {
            toml::Value::String(g) => vec![g.as_str()],
            toml::Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().ok_or_else(bad))
                .collect::<Result<_>>()?,
            _ => return Err(bad()),
        };
        if globs.is_empty() || globs.iter().any(|g| g.contains(',')) {
            return Err(bad());
        }
        out.push(OsString::from("--service"));
        out.push(OsString::from(format!("{name}={}", globs.join(","))));
    }
    Ok(out)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The value of `--config`, as `--config FILE` or `--config=FILE`.
fn config_arg(args: &[OsString]) -> Option<PathBuf> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == OsStr::new("--config") {
            return it.next().map(PathBuf::from);
        }
        if let Some(p) = a.to_str().and_then(|a| a.strip_prefix("--config=")) {
            return Some(PathBuf::from(p));
        }
    }
    None
}

/// Whether `args[i]` is the value of a preceding `--config`.
fn is_config_value(args: &[OsString], i: usize) -> bool {
    i > 0 && args[i - 1] == OsStr::new("--config")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn run(text: &str, args: &[&str]) -> Result<Vec<String>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.toml");
        std::fs::write(&path, text).unwrap();
        let mut full: Vec<OsString> = vec!["dorascope".into(), "--config".into(), path.clone().into()];
        full.extend(args.iter().map(OsString::from));
        let (out, used) = expand(full, &crate::cli::Cli::command())?;
        assert_eq!(used.as_deref(), Some(path.as_path()));
        let base = dir.path().display().to_string();
        Ok(out
            .iter()
            .skip(3)
            .map(|a| a.to_string_lossy().replace(&base, "<dir>"))
            .collect())
    }

    #[test]
    fn services_table_becomes_service_arguments() {
        let text = r#"
            ignore-paths = ["docs/**"]
            [services]
            api = ["services/api/**", "libs/api-*/**"]
            web = "web/**"
        "#;
        assert_eq!(
            run(text, &["report"]).unwrap(),
            [
                "report",
                "--ignore-paths",
                "docs/**",
                "--service",
                "api=services/api/**,libs/api-*/**",
                "--service",
                "web=web/**"
            ]
        );
        // The command line's services replace the file's.
        assert_eq!(
            run(text, &["changes", "--service", "x=x/**"]).unwrap(),
            ["changes", "--ignore-paths", "docs/**", "--service", "x=x/**"]
        );
        let e = run("[services]\napi = 3\n", &["report"]).unwrap_err().to_string();
        assert!(
            e.contains("[services] api: expected a glob or a list of globs"),
            "{e}"
        );
    }

    #[test]
    fn settings_become_arguments_and_the_command_line_wins() {
        let text = r#"
            repo = ["api", "/abs/web"]
            deploy-tags = "v*"
            include-merges = true
            include-backlog = false
            period = "week"          # report only: not given to deployments
            [report]
            failure-window = "24h"
            format = ["csv", "html"]
        "#;
        assert_eq!(
            run(text, &["report", "--period", "month"]).unwrap(),
            [
                "report",
                "--deploy-tags",
                "v*",
                "--include-merges",
                "--repo",
                "<dir>/api",
                "--repo",
                "/abs/web",
                "--failure-window",
                "24h",
                "--format",
                "csv",
                "--format",
                "html",
                "--period",
                "month"
            ]
        );
        assert_eq!(
            run(text, &["deployments"]).unwrap(),
            [
                "deployments",
                "--deploy-tags",
                "v*",
                "--include-merges",
                "--repo",
                "<dir>/api",
                "--repo",
                "/abs/web"
            ]
        );
    }

    #[test]
    fn unknown_keys_and_sections_name_the_file_and_key() {
        let e = run("deploy-tag = \"v*\"\n", &["report"]).unwrap_err().to_string();
        assert!(
            e.contains("audit.toml: deploy-tag: not a dorascope option"),
            "{e}"
        );
        let e = run("[reports]\nperiod = \"week\"\n", &["report"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("[reports]: not a command"), "{e}");
        let e = run("[deployments]\nperiod = \"week\"\n", &["deployments"])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("[deployments] period: not an option of dorascope deployments"),
            "{e}"
        );
        let e = run("[report]\nperiod = [[1]]\n", &["report"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("[report] period: expected a string"), "{e}");
        let e = run("period = \"week\n", &["report"]).unwrap_err().to_string();
        assert!(e.contains("audit.toml:"), "{e}");
    }

    #[test]
    fn without_a_config_the_arguments_are_unchanged() {
        let args: Vec<OsString> = ["dorascope", "check", "x.json"]
            .iter()
            .map(OsString::from)
            .collect();
        let (out, used) = expand(args.clone(), &crate::cli::Cli::command()).unwrap();
        assert_eq!((out, used), (args, None));
    }
}
