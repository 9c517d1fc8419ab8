//! A service: a name and the path globs of its code (`--service NAME=GLOB[,GLOB...]`, or
//! `[services]` in the configuration file).

use std::sync::Arc;

use globset::Glob;

use super::compile_path_glob;

/// What `--service` expects, for errors.
const EXPECTED: &str = "expected NAME=GLOB[,GLOB...]";

/// A named set of path globs; a change belongs to the service when one of its paths matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// The name users gave, as reports show it.
    pub name: Arc<str>,
    globs: Vec<Glob>,
}

impl Service {
    /// Parses `NAME=GLOB[,GLOB...]`. Blanks around the name and the globs are dropped; commas
    /// inside `{a,b}` alternatives belong to the glob. The error quotes the spec and says what
    /// is wrong (callers add `--service: `).
    pub fn parse(spec: &str) -> Result<Service, String> {
        let Some((name, globs)) = spec.split_once('=') else {
            return Err(format!("'{spec}': {EXPECTED}"));
        };
        let globs = split_globs(globs);
        build(name, &globs).map_err(|p| match p {
            Problem::Glob(why) => format!("'{spec}': {why}"),
            p => format!("'{spec}': {} ({EXPECTED})", p.say()),
        })
    }

    /// A service from its name and globs (the configuration file's `name = ["glob", ...]`).
    /// The error names the service.
    pub fn new(name: &str, globs: &[String]) -> Result<Service, String> {
        let globs: Vec<&str> = globs.iter().map(String::as_str).collect();
        build(name, &globs).map_err(|p| match p {
            Problem::NoName => "a service needs a name".into(),
            p => format!("service '{}': {}", name.trim(), p.say()),
        })
    }

    /// The globs, as compiled (a leading `/` dropped).
    pub fn globs(&self) -> impl Iterator<Item = &str> {
        self.globs.iter().map(Glob::glob)
    }

    /// The compiled globs.
    pub(super) fn compiled(&self) -> &[Glob] {
        &self.globs
    }
}

/// What is wrong with a name and its globs.
enum Problem {
    NoName,
    NoGlob,
    EmptyGlob,
    /// `'GLOB': why`.
    Glob(String),
}

impl Problem {
    fn say(self) -> String {
        match self {
            Problem::NoName => "the name is empty".into(),
            Problem::NoGlob => "no glob".into(),
            Problem::EmptyGlob => "an empty glob in the list".into(),
            Problem::Glob(why) => why,
        }
    }
}

/// Checks a name and its globs.
fn build(name: &str, globs: &[&str]) -> Result<Service, Problem> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Problem::NoName);
    }
    if globs.iter().all(|g| g.trim().is_empty()) {
        return Err(Problem::NoGlob);
    }
    let mut compiled = Vec::with_capacity(globs.len());
    for g in globs {
        let g = g.trim();
        if g.is_empty() {
            return Err(Problem::EmptyGlob);
        }
        compiled.push(compile_path_glob(g).map_err(Problem::Glob)?);
    }
    Ok(Service {
        name: Arc::from(name),
        globs: compiled,
    })
}

/// Splits at the commas outside `{...}` and not escaped by `\`.
fn split_globs(list: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start, mut escaped) = (0usize, 0, false);
    for (i, c) in list.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                out.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&list[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn globs(s: &Service) -> Vec<&str> {
        s.globs().collect()
    }

    #[test]
    fn parses_name_and_globs() {
        let s = Service::parse("api=services/api/**,libs/api-*/**").unwrap();
        assert_eq!(&*s.name, "api");
        assert_eq!(globs(&s), ["services/api/**", "libs/api-*/**"]);
        // Blanks around the parts, a leading '/', commas inside alternatives.
        let s = Service::parse(" web = /apps/web/** , {ui,www}/** ").unwrap();
        assert_eq!(&*s.name, "web");
        assert_eq!(globs(&s), ["apps/web/**", "{ui,www}/**"]);
        // Only the first '=' separates.
        assert_eq!(
            globs(&Service::parse("cfg=conf/a=b.toml").unwrap()),
            ["conf/a=b.toml"]
        );
    }

    #[test]
    fn spec_errors_quote_the_spec_and_say_what_is_wrong() {
        let err = |spec: &str| Service::parse(spec).unwrap_err();
        assert_eq!(err("api"), "'api': expected NAME=GLOB[,GLOB...]");
        assert_eq!(
            err("=a/**"),
            "'=a/**': the name is empty (expected NAME=GLOB[,GLOB...])"
        );
        assert_eq!(
            err(" =a/**"),
            "' =a/**': the name is empty (expected NAME=GLOB[,GLOB...])"
        );
        assert_eq!(err("api="), "'api=': no glob (expected NAME=GLOB[,GLOB...])");
        assert_eq!(err("api= "), "'api= ': no glob (expected NAME=GLOB[,GLOB...])");
        assert_eq!(
            err("api=a/**,,b/**"),
            "'api=a/**,,b/**': an empty glob in the list (expected NAME=GLOB[,GLOB...])"
        );
        assert_eq!(
            err("api=a/**,"),
            "'api=a/**,': an empty glob in the list (expected NAME=GLOB[,GLOB...])"
        );
        assert_eq!(
            err("api=src/[a"),
            "'api=src/[a': 'src/[a': unclosed character class; missing ']'"
        );
        assert_eq!(
            err("api=services/api/"),
            "'api=services/api/': 'services/api/': matches no file (paths name files, not directories); \
             write 'services/api/**' for everything below"
        );
        assert_eq!(err("api=/"), "'api=/': '/': an empty glob matches no path");
    }

    #[test]
    fn new_names_the_service_in_errors() {
        let s = Service::new("api", &["services/api/**".into()]).unwrap();
        assert_eq!(globs(&s), ["services/api/**"]);
        assert_eq!(Service::new("api", &[]).unwrap_err(), "service 'api': no glob");
        assert_eq!(
            Service::new("api", &["a/**".into(), " ".into()]).unwrap_err(),
            "service 'api': an empty glob in the list"
        );
        assert_eq!(
            Service::new("api", &["a/{b".into()]).unwrap_err(),
            "service 'api': 'a/{b': unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)"
        );
        assert_eq!(
            Service::new(" ", &["a".into()]).unwrap_err(),
            "a service needs a name"
        );
    }

    #[test]
    fn split_keeps_alternatives_and_escapes_together() {
        assert_eq!(split_globs("a,{b,c},d\\,e"), ["a", "{b,c}", "d\\,e"]);
        assert_eq!(split_globs(""), [""]);
    }
}
