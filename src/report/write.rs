//! Encoding tables as CSV, JSON or Parquet and writing them whole: to a file through a
//! temporary file and a rename (never a half-written file), or to stdout in one write.

use std::ffi::{OsStr, OsString};
use std::io::{self, IsTerminal, Write};
use std::path::Path;

use tempfile::TempPath;

use super::table::{Table, Values};
use crate::error::{Error, Result};

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

/// Whether a spreadsheet would run this text as a formula: such text gets a leading
/// apostrophe in CSV (OWASP's advice for CSV injection); everything else is written as it is.
fn is_formula(text: &str) -> bool {
    matches!(
        text.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// Appends a whole number's decimal digits.
fn push_int(x: i64, out: &mut Vec<u8>) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    let mut v = x.unsigned_abs();
    loop {
        at -= 1;
        buf[at] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if x < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[at..]);
}

/// Appends the text of cell `r` of `values` as CSV writes it (before quoting): empty when
/// missing, times in RFC 3339 UTC, floats as Rust prints them (empty when not finite).
fn push_csv_cell(values: &Values, r: usize, out: &mut Vec<u8>) {
    use std::io::Write as _;
    match values {
        Values::Str(v) => {
            if let Some(s) = v[r].as_deref() {
                if is_formula(s) {
                    out.push(b'\'');
                }
                out.extend_from_slice(s.as_bytes());
            }
        }
        Values::Time(v) => {
            if let Some(t) = v[r] {
                crate::time::push_rfc3339(t, out);
            }
        }
        Values::Int(v) => {
            if let Some(x) = v[r] {
                push_int(x, out);
            }
        }
        Values::Float(v) => {
            if let Some(x) = v[r].filter(|x| x.is_finite()) {
                // Writing to a Vec cannot fail.
                let _ = write!(out, "{x}");
            }
        }
        Values::Bool(v) => {
            if let Some(x) = v[r] {
                out.extend_from_slice(if x { b"true" } else { b"false" });
            }
        }
    }
}

/// Rows per chunk when a table is built and encoded a part at a time, and so rows per
/// Parquet row group: a million-row table is never built whole, only this many rows of it.
pub const CHUNK_ROWS: usize = super::parquet::ROW_GROUP;

/// Encodes one table file from consecutive chunks of its rows (tables with the same
/// columns): the header or opening first, each chunk as it comes, the closing at
/// [`Encoder::finish`]. The file is the same however the rows are split.
pub enum Encoder<W: Write> {
    /// CSV through the csv crate's quoting (boxed, as the Parquet writer: both are large).
    Csv(Box<csv::Writer<W>>),
    /// A JSON array of objects, one per line.
    Json {
        /// The destination.
        w: W,
        /// `"name":` of each column.
        keys: Vec<String>,
        /// Rows written so far.
        rows: usize,
        /// One reused line.
        line: Vec<u8>,
    },
    /// Parquet, a row group per chunk (boxed: polars' writer state is large).
    Parquet(Box<super::parquet::Batched<W>>),
}

impl<W: Write> Encoder<W> {
    /// Starts a file for tables shaped like `first` (whose rows are not written yet).
    pub fn new(format: Format, mut w: W, first: &Table) -> io::Result<Self> {
        Ok(match format {
            Format::Csv => {
                let mut w = csv::Writer::from_writer(w);
                w.write_record(first.columns.iter().map(|c| c.name))?;
                Encoder::Csv(Box::new(w))
            }
            Format::Json => {
                let keys = first
                    .columns
                    .iter()
                    .map(|c| serde_json::to_string(c.name).map(|k| format!("{k}:")))
                    .collect::<Result<_, _>>()?;
                w.write_all(b"[")?;
                Encoder::Json {
                    w,
                    keys,
                    rows: 0,
                    line: Vec::with_capacity(512),
                }
            }
            Format::Parquet => Encoder::Parquet(Box::new(
                super::parquet::Batched::new(w, first)
                    .map_err(|e| io::Error::other(format!("encoding Parquet: {e}")))?,
            )),
        })
    }

    /// Writes the rows of `table`.
    pub fn chunk(&mut self, table: &Table) -> io::Result<()> {
        match self {
            Encoder::Csv(w) => csv_rows(table, w),
            Encoder::Json { w, keys, rows, line } => {
                json_rows(table, keys, *rows, line, w)?;
                *rows += table.rows();
                Ok(())
            }
            Encoder::Parquet(p) => p
                .write(table)
                .map_err(|e| io::Error::other(format!("encoding Parquet: {e}"))),
        }
    }

    /// Closes the file (the JSON array, Parquet's footer) and flushes it.
    pub fn finish(self) -> io::Result<()> {
        match self {
            Encoder::Csv(mut w) => w.flush(),
            Encoder::Json { mut w, .. } => {
                w.write_all(b"\n]\n")?;
                w.flush()
            }
            Encoder::Parquet(p) => p
                .finish()
                .map_err(|e| io::Error::other(format!("encoding Parquet: {e}"))),
        }
    }
}

/// Writes the rows of a table as CSV, one reused buffer for every cell (no allocation per
/// row).
fn csv_rows<W: Write>(table: &Table, w: &mut csv::Writer<W>) -> io::Result<()> {
    let mut cell = Vec::with_capacity(64);
    for r in 0..table.rows() {
        for c in &table.columns {
            cell.clear();
            push_csv_cell(&c.values, r, &mut cell);
            w.write_field(&cell)?;
        }
        w.write_record(None::<&[u8]>)?;
    }
    Ok(())
}

/// Writes the rows of a table as JSON objects, one per line, keys in column order; `before`
/// rows came earlier. Written by hand into one reused line buffer rather than through a
/// map per row: a million-row table would otherwise allocate every key and value a million
/// times.
fn json_rows<W: Write>(
    table: &Table,
    keys: &[String],
    before: usize,
    line: &mut Vec<u8>,
    w: &mut W,
) -> io::Result<()> {
    for r in 0..table.rows() {
        line.clear();
        line.extend_from_slice(if before + r == 0 { b"\n{" } else { b",\n{" });
        for (i, (c, key)) in table.columns.iter().zip(keys).enumerate() {
            if i > 0 {
                line.push(b',');
            }
            line.extend_from_slice(key.as_bytes());
            match &c.values {
                Values::Str(v) => match v[r].as_deref() {
                    Some(s) => serde_json::to_writer(&mut *line, s)?,
                    None => line.extend_from_slice(b"null"),
                },
                // RFC 3339 text needs no escaping.
                Values::Time(v) => match v[r] {
                    Some(t) => {
                        line.push(b'"');
                        crate::time::push_rfc3339(t, line);
                        line.push(b'"');
                    }
                    None => line.extend_from_slice(b"null"),
                },
                Values::Int(v) => match v[r] {
                    Some(x) => push_int(x, line),
                    None => line.extend_from_slice(b"null"),
                },
                // Non-finite floats have no JSON form: null, as serde_json writes them.
                Values::Float(v) => serde_json::to_writer(&mut *line, &v[r].filter(|x| x.is_finite()))?,
                Values::Bool(v) => line.extend_from_slice(match v[r] {
                    Some(true) => b"true",
                    Some(false) => b"false",
                    None => b"null",
                }),
            }
        }
        line.push(b'}');
        w.write_all(line)?;
    }
    Ok(())
}

/// Writes a whole table in the given format.
pub fn encode_to(table: &Table, format: Format, w: &mut dyn Write) -> io::Result<()> {
    let mut e = Encoder::new(format, w, table)?;
    e.chunk(table)?;
    e.finish()
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

/// A new, empty file in `dir` named `.NAME.XXXXXX.tmp`, deleted when dropped unless
/// persisted (renamed into place) first; [`finish_temp`] syncs and closes it.
///
/// Created as `File::create` would (read-write for all, less the umask), not with
/// `NamedTempFile::new_in`'s owner-only mode, since the file becomes the output; and written
/// through the plain `File`, so an error says what went wrong without the temporary name.
pub(super) fn create_temp(dir: &Path, name: &OsStr) -> io::Result<tempfile::NamedTempFile> {
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .make_in(dir, |p| {
            std::fs::OpenOptions::new().write(true).create_new(true).open(p)
        })
}

/// Syncs a temporary file written in full and closes it, keeping its path.
pub(super) fn finish_temp(tmp: tempfile::NamedTempFile) -> io::Result<TempPath> {
    tmp.as_file().sync_all()?;
    Ok(tmp.into_temp_path())
}

/// A temporary file in `dir` ([`create_temp`]) written in full by `fill`, synced and closed.
pub(super) fn write_temp(
    dir: &Path,
    name: &OsStr,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<TempPath> {
    let tmp = create_temp(dir, name)?;
    let mut w = io::BufWriter::with_capacity(1 << 16, tmp.as_file());
    fill(&mut w)?;
    w.flush()?;
    drop(w);
    finish_temp(tmp)
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
    fn whole_numbers_as_rust_prints_them() {
        for x in [
            0,
            7,
            -7,
            10,
            99,
            100,
            -1_000_000,
            i64::MAX,
            i64::MIN,
            1_714_564_800,
        ] {
            let mut out = Vec::new();
            push_int(x, &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), x.to_string());
        }
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let table = Table {
            columns: vec![
                Column {
                    name: "a",
                    values: Values::Str(vec![
                        Some("x,y".into()),
                        Some("say \"hi\"".into()),
                        Some("-1".into()),
                    ]),
                },
                Column {
                    name: "b",
                    values: Values::Str(vec![Some("two\nlines".into()), None, Some("plain".into())]),
                },
            ],
        };
        let text = String::from_utf8(encode(&table, Format::Csv).unwrap()).unwrap();
        assert_eq!(
            text,
            "a,b\n\"x,y\",\"two\nlines\"\n\"say \"\"hi\"\"\",\n'-1,plain\n"
        );
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
