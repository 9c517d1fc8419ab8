//! Encoding tables as CSV, JSON or Parquet: one encoder per file, fed a chunk of rows at a
//! time, so that a file is the same however its rows are split.

use std::io::{self, Write};

use super::table::{Table, Values};

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
