//! Encoding tables as CSV, JSON or Parquet and writing them whole: to a file through a
//! temporary file and a rename (never a half-written file), or to stdout in one write.

use std::ffi::{OsStr, OsString};
use std::io::{self, IsTerminal, Write};
use std::path::Path;

use tempfile::TempPath;

use super::table::{Table, Values};
use crate::error::{Error, Result};
use crate::time::rfc3339;

crate::model::choice! {
    /// A table file format.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub enum Format {
        #[default]
        Csv = "csv", "Comma-separated values with a header row, UTF-8, RFC 3339 times";
        Json = "json", "A JSON array of objects, one per row, with the same columns";
        Parquet = "parquet", "Apache Parquet with typed columns";
    }
}

/// Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice
/// for CSV injection); everything else is written as it is.
fn neutralize(text: &str) -> std::borrow::Cow<'_, str> {
    match text.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

fn float_text(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

/// Writes a table as CSV.
fn csv_to(table: &Table, w: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record(table.columns.iter().map(|c| c.name))?;
    let mut row: Vec<String> = Vec::with_capacity(table.columns.len());
    for r in 0..table.rows() {
        row.clear();
        for c in &table.columns {
            row.push(match &c.values {
                Values::Str(v) => v[r]
                    .as_deref()
                    .map(|s| neutralize(s).into_owned())
                    .unwrap_or_default(),
                Values::Time(v) => v[r].map(rfc3339).unwrap_or_default(),
                Values::Int(v) => v[r].map(|x| x.to_string()).unwrap_or_default(),
                Values::Float(v) => v[r].map(float_text).unwrap_or_default(),
                Values::Bool(v) => v[r].map(|x| x.to_string()).unwrap_or_default(),
            });
        }
        w.write_record(&row)?;
    }
    w.flush()
}

/// Writes a table as a JSON array of objects, one object per line, keys in column order.
/// Written by hand rather than through a map per row: a million-row table would otherwise
/// allocate every key a million times.
fn json_to(table: &Table, w: &mut dyn Write) -> io::Result<()> {
    let keys: Vec<String> = table
        .columns
        .iter()
        .map(|c| serde_json::to_string(c.name).map(|k| format!("{k}:")))
        .collect::<Result<_, _>>()?;
    let mut line = Vec::with_capacity(512);
    w.write_all(b"[")?;
    for r in 0..table.rows() {
        line.clear();
        line.extend_from_slice(if r == 0 { b"\n{" } else { b",\n{" });
        for (i, (c, key)) in table.columns.iter().zip(&keys).enumerate() {
            if i > 0 {
                line.push(b',');
            }
            line.extend_from_slice(key.as_bytes());
            match &c.values {
                Values::Str(v) => match v[r].as_deref() {
                    Some(s) => serde_json::to_writer(&mut line, s)?,
                    None => line.extend_from_slice(b"null"),
                },
                Values::Time(v) => match v[r] {
                    Some(t) => serde_json::to_writer(&mut line, &rfc3339(t))?,
                    None => line.extend_from_slice(b"null"),
                },
                Values::Int(v) => match v[r] {
                    Some(x) => line.extend_from_slice(x.to_string().as_bytes()),
                    None => line.extend_from_slice(b"null"),
                },
                // Non-finite floats have no JSON form: null, as serde_json writes them.
                Values::Float(v) => serde_json::to_writer(&mut line, &v[r].filter(|x| x.is_finite()))?,
                Values::Bool(v) => serde_json::to_writer(&mut line, &v[r])?,
            }
        }
        line.push(b'}');
        w.write_all(&line)?;
    }
    w.write_all(b"\n]\n")
}

/// Writes a table in the given format. Rows stream out as they are encoded (CSV, JSON), so a
/// million-row table never sits in memory twice; Parquet is built whole by its writer.
pub fn encode_to(table: &Table, format: Format, w: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Csv => csv_to(table, w),
        Format::Json => json_to(table, w),
        Format::Parquet => {
            let bytes = super::parquet::to_parquet(table)
                .map_err(|e| io::Error::other(format!("encoding Parquet: {e}")))?;
            w.write_all(&bytes)
        }
    }
}

/// Writes `path` atomically: `fill` writes a temporary file beside it, which is renamed over
/// `path` only once complete. On any error the temporary file is removed.
///
/// A path that exists and is not a regular file (`/dev/null`, `/dev/stdout`, a named pipe) is
/// written in place: renaming over it would replace the device with a file.
pub fn write_atomic(path: &Path, fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|f| {
                let mut w = io::BufWriter::with_capacity(1 << 16, f);
                fill(&mut w)?;
                w.flush()
            })
            .map_err(|e| Error::output(path, e));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::output(path, "not a file name"))?;
    // On error the temporary file is dropped, which removes it.
    write_temp(dir, name, fill)
        .and_then(|tmp| tmp.persist(path).map_err(io::Error::from))
        .map_err(|e| Error::output(path, e))
}

/// A file in `dir` named `.NAME.XXXXXX.tmp`, written in full by `fill`, synced and closed: it
/// is deleted when dropped, unless persisted (renamed into place) first.
///
/// Created as `File::create` would (read-write for all, less the umask), not with
/// `NamedTempFile::new_in`'s owner-only mode, since the file becomes the output; and written
/// through the plain `File`, so an error says what went wrong without the temporary name.
pub(super) fn write_temp(
    dir: &Path,
    name: &OsStr,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<TempPath> {
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    let tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .make_in(dir, |p| {
            std::fs::OpenOptions::new().write(true).create_new(true).open(p)
        })?;
    let mut w = io::BufWriter::with_capacity(1 << 16, tmp.as_file());
    fill(&mut w)?;
    w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok(tmp.into_temp_path())
}

/// Writes a table to `out` (a path, or stdout for `None` / `-`).
pub fn write_table(table: &Table, format: Format, out: Option<&Path>) -> Result<()> {
    let to_stdout = out.is_none_or(|p| p == Path::new("-"));
    if to_stdout && format == Format::Parquet && io::stdout().is_terminal() {
        return Err(Error::Usage(
            "refusing to write Parquet to a terminal: give -o FILE or redirect stdout".into(),
        ));
    }
    match out {
        Some(p) if !to_stdout => write_atomic(p, |w| encode_to(table, format, w)),
        _ => stdout_with(|w| encode_to(table, format, w)),
    }
}

/// Writes to stdout through a buffer; a closed pipe (`| head`) is not an error.
fn stdout_with(fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    match fill(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::output("-", e)),
    }
}

/// Writes all bytes to stdout; a closed pipe is not an error.
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    stdout_with(|w| w.write_all(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(table: &Table, format: Format) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        encode_to(table, format, &mut out)?;
        Ok(out)
    }
    use crate::report::table::Column;

    fn sample() -> Table {
        Table {
            columns: vec![
                Column {
                    name: "name",
                    values: Values::Str(vec![Some("=HYPERLINK(1)".into()), None]),
                },
                Column {
                    name: "at",
                    values: Values::Time(vec![Some(0), None]),
                },
                Column {
                    name: "n",
                    values: Values::Int(vec![Some(-5), None]),
                },
                Column {
                    name: "h",
                    values: Values::Float(vec![Some(1.5), None]),
                },
                Column {
                    name: "ok",
                    values: Values::Bool(vec![Some(true), None]),
                },
            ],
        }
    }

    #[test]
    fn csv_neutralizes_formulas_and_writes_utc() {
        let text = String::from_utf8(encode(&sample(), Format::Csv).unwrap()).unwrap();
        assert_eq!(
            text,
            "name,at,n,h,ok\n'=HYPERLINK(1),1970-01-01T00:00:00Z,-5,1.5,true\n,,,,\n"
        );
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn atomic_write_replaces_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        std::fs::write(&p, "previous").unwrap();
        let e = write_atomic(&p, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert_eq!(e.to_string(), format!("cannot write {}: disk full", p.display()));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "previous");
        assert_eq!(names(dir.path()), ["out.csv"], "no temporary file left");

        write_atomic(&p, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(names(dir.path()), ["out.csv"]);

        let missing = dir.path().join("no-such-dir").join("x.csv");
        let e = write_atomic(&missing, |w| w.write_all(b"x")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with(&format!("cannot write {}: ", missing.display())),
            "{e}"
        );
        assert!(!e.to_string().contains(".x.csv."), "no temporary name: {e}");
    }

    /// The output gets a new file's usual mode (0666 less the umask), as `File::create`
    /// gives, not a temporary file's owner-only 0600.
    #[cfg(unix)]
    #[test]
    fn atomic_write_keeps_the_usual_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).unwrap();
        let p = dir.path().join("atomic");
        write_atomic(&p, |w| w.write_all(b"x")).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode();
        assert_eq!(mode(&p), mode(&plain));
    }

    #[test]
    fn json_keeps_types_and_nulls() {
        let v: serde_json::Value = serde_json::from_slice(&encode(&sample(), Format::Json).unwrap()).unwrap();
        assert_eq!(v[0]["name"], "=HYPERLINK(1)");
        assert_eq!(v[0]["at"], "1970-01-01T00:00:00Z");
        assert_eq!(v[0]["n"], -5);
        assert_eq!(v[0]["ok"], true);
        assert!(v[1]["n"].is_null());
    }
}
