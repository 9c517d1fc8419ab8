//! The files of `dorascope report --out DIR`, written all or nothing.

use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tempfile::TempPath;

use super::encode::{CHUNK_ROWS, Encoder, Format};
use super::table::{self, Table};
use super::write::{create_temp, finish_temp, write_temp};
use crate::error::{Error, Result};
use crate::metrics::Summary;

crate::model::choice! {
    /// What `--format` can ask for.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    pub enum ReportFormat {
        Table = "table", "The terminal summary on stdout";
        Csv = "csv", "The four tables as CSV";
        Parquet = "parquet", "The four tables as Parquet";
        Json = "json", "The four tables as JSON";
        Html = "html", "report.html";
        Openmetrics = "openmetrics", "dora.om and grafana-dashboard.json";
    }
}

/// Everything a report's files are made from (the HTML page reads all of it). Records are
/// those of the report's range.
pub use super::html::HtmlInput as ReportData;

/// summary.json's bytes: pretty JSON and a final newline (also what `--json` prints).
pub fn summary_json(summary: &Summary) -> Result<Vec<u8>> {
    json_bytes(summary, "summary.json")
}

fn json_bytes(v: &impl Serialize, what: &str) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(v).map_err(|e| Error::Internal(format!("{what}: {e}")))?;
    out.push(b'\n');
    Ok(out)
}

/// Builds the table of a range of rows.
type BuildRows<'a> = dyn Fn(Range<usize>) -> Table + Sync + 'a;

/// Files written to temporary names beside their places, renamed together at the end. Those
/// not renamed are deleted when the stage is dropped.
struct Stage<'d> {
    dir: &'d Path,
    staged: Vec<(TempPath, PathBuf)>,
    names: Vec<String>,
}

impl Stage<'_> {
    fn file(&mut self, name: &str, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
        let path = self.dir.join(name);
        if path.is_dir() {
            // Found now rather than at the rename, when earlier files would already be in place.
            return Err(Error::output(&path, "is a directory"));
        }
        let tmp = write_temp(self.dir, name.as_ref(), fill).map_err(|e| Error::output(&path, e))?;
        self.staged.push((tmp, path));
        self.names.push(name.to_owned());
        Ok(())
    }

    /// Stages one table in every format of `formats` (as `name.SUFFIX`), built and encoded
    /// `chunk` rows at a time ([`CHUNK_ROWS`]): `build` makes the table of a range of its
    /// `rows` rows.
    /// The formats encode each chunk side by side; each file is written by one encoder in
    /// row order, so it is the same whatever the thread count.
    fn table(
        &mut self,
        name: &str,
        rows: usize,
        build: &BuildRows,
        formats: &[(Format, &str)],
        chunk: usize,
    ) -> Result<()> {
        let chunk_rows = chunk.max(1);
        let first = build(0..rows.min(chunk_rows));
        let mut files = Vec::with_capacity(formats.len());
        for &(format, suffix) in formats {
            let file = format!("{name}.{suffix}");
            let path = self.dir.join(&file);
            if path.is_dir() {
                return Err(Error::output(&path, "is a directory"));
            }
            let tmp = create_temp(self.dir, file.as_ref()).map_err(|e| Error::output(&path, e))?;
            files.push((format, file, path, tmp));
        }
        {
            let mut encoders = files
                .iter()
                .map(|(format, _, path, tmp)| {
                    let w = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file());
                    Encoder::new(*format, w, &first)
                        .map(|e| (e, path))
                        .map_err(|e| Error::output(path, e))
                })
                .collect::<Result<Vec<_>>>()?;
            let mut chunk = Some(first);
            let mut start = 0;
            while let Some(t) = chunk.take() {
                // Parquet goes through polars, whose own thread pool is never entered from
                // other parallel work: it encodes on this thread while each text format gets
                // a thread of its own.
                std::thread::scope(|s| -> Result<()> {
                    let (parquet, text): (Vec<_>, Vec<_>) = encoders
                        .iter_mut()
                        .partition(|(e, _)| matches!(e, Encoder::Parquet(_)));
                    let t = &t;
                    let threads: Vec<_> = text
                        .into_iter()
                        .map(|(e, path)| s.spawn(move || e.chunk(t).map_err(|e| Error::output(&**path, e))))
                        .collect();
                    for (e, path) in parquet {
                        e.chunk(t).map_err(|e| Error::output(&**path, e))?;
                    }
                    for th in threads {
                        th.join()
                            .map_err(|_| Error::Internal("a table writer's thread panicked".into()))??;
                    }
                    Ok(())
                })?;
                start += t.rows();
                // A builder may return more rows than asked (the periods table comes whole),
                // never none while rows remain.
                if start < rows && t.rows() > 0 {
                    chunk = Some(build(start..rows.min(start + chunk_rows)));
                }
            }
            for (e, path) in encoders {
                e.finish().map_err(|e| Error::output(path, e))?;
            }
        }
        for (_, file, path, tmp) in files {
            let tmp = finish_temp(tmp).map_err(|e| Error::output(&path, e))?;
            self.staged.push((tmp, path));
            self.names.push(file);
        }
        Ok(())
    }

    fn commit(self) -> Result<Vec<String>> {
        // On an error, the files not yet renamed are dropped with the iterator, which deletes them.
        for (tmp, path) in self.staged {
            tmp.persist(&path).map_err(|e| Error::output(&path, e.error))?;
        }
        Ok(self.names)
    }
}

/// Writes every file `formats` asks for into `dir` (created if missing) and returns their
/// names in the order written. Every file is first written in full to a temporary file beside
/// its place; only when all are complete are they renamed into place, so an error leaves the
/// previous report (or nothing), never a mix or a half-written file. Tables stream to disk and
/// are built one at a time, each dropped once its files are written: a million-row table is
/// never held encoded in memory, nor four tables at once.
///
/// `summary` is summary.json's content ([`summary_json`]), encoded once by the caller, which
/// also prints it for `--json`.
pub fn write(
    dir: &Path,
    data: &ReportData<'_>,
    summary: &[u8],
    formats: &[ReportFormat],
) -> Result<Vec<String>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::output(dir, e))?;
    let mut stage = Stage {
        dir,
        staged: Vec::new(),
        names: Vec::new(),
    };
    // On an error the stage is dropped, and its temporary files with it.
    stage_all(&mut stage, data, summary, formats)?;
    stage.commit()
}

fn stage_all(
    stage: &mut Stage<'_>,
    data: &ReportData<'_>,
    summary: &[u8],
    formats: &[ReportFormat],
) -> Result<()> {
    stage.file("summary.json", |w| w.write_all(summary))?;
    let provenance = json_bytes(data.provenance, "provenance.json")?;
    stage.file("provenance.json", |w| w.write_all(&provenance))?;
    let table_formats: Vec<(Format, &str)> = [
        (ReportFormat::Csv, Format::Csv, "csv"),
        (ReportFormat::Parquet, Format::Parquet, "parquet"),
        (ReportFormat::Json, Format::Json, "json"),
    ]
    .into_iter()
    .filter(|(f, _, _)| formats.contains(f))
    .map(|(_, format, suffix)| (format, suffix))
    .collect();
    if !table_formats.is_empty() {
        let (changes, deployments, incidents) = (data.changes, data.deployments, data.incidents);
        let periods = table::periods_table(data.summary);
        let builders: [(&str, usize, &BuildRows); 4] = [
            ("changes", changes.len(), &|r| table::changes_table(&changes[r])),
            ("deployments", deployments.len(), &|r: Range<usize>| {
                table::deployments_table_with_reasons(&deployments[r.clone()], &data.failure_reasons[r])
            }),
            ("incidents", incidents.len(), &|r: Range<usize>| {
                table::incidents_table_attributed(&incidents[r.clone()], Some(&data.incident_attribution[r]))
            }),
            // Small: built once, whole.
            ("periods", periods.rows(), &|_| periods.clone()),
        ];
        for (name, rows, build) in builders {
            stage.table(name, rows, build, &table_formats, CHUNK_ROWS)?;
        }
    }
    if formats.contains(&ReportFormat::Html) {
        let page = super::html::render(data);
        stage.file("report.html", |w| w.write_all(page.as_bytes()))?;
    }
    if formats.contains(&ReportFormat::Openmetrics) {
        let om = super::openmetrics::render(data.summary);
        stage.file("dora.om", |w| w.write_all(om.as_bytes()))?;
        let dashboard = super::grafana::dashboard(data.summary);
        stage.file("grafana-dashboard.json", |w| w.write_all(dashboard.as_bytes()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::table::{Column, Values};

    /// Rows `r` of a table.
    fn rows_of(t: &Table, r: Range<usize>) -> Table {
        let columns = t
            .columns
            .iter()
            .map(|c| Column {
                name: c.name,
                values: match &c.values {
                    Values::Str(v) => Values::Str(v[r.clone()].to_vec()),
                    Values::Time(v) => Values::Time(v[r.clone()].to_vec()),
                    Values::Int(v) => Values::Int(v[r.clone()].to_vec()),
                    Values::Float(v) => Values::Float(v[r.clone()].to_vec()),
                    Values::Bool(v) => Values::Bool(v[r.clone()].to_vec()),
                },
            })
            .collect();
        Table { columns }
    }

    #[test]
    fn tables_written_in_chunks_equal_the_whole() {
        let n = 10usize;
        let whole = Table {
            columns: vec![
                Column {
                    name: "s",
                    values: Values::Str(
                        (0..n)
                            .map(|i| (i % 3 != 0).then(|| format!("=x,{i}").into()))
                            .collect(),
                    ),
                },
                Column {
                    name: "t",
                    values: Values::Time(
                        (0..n)
                            .map(|i| (i % 4 != 0).then_some(i as i64 * 86_399))
                            .collect(),
                    ),
                },
                Column {
                    name: "i",
                    values: Values::Int((0..n).map(|i| Some(i as i64 - 5)).collect()),
                },
                Column {
                    name: "f",
                    values: Values::Float((0..n).map(|i| Some(i as f64 / 3.0)).collect()),
                },
                Column {
                    name: "b",
                    values: Values::Bool((0..n).map(|i| (i % 5 != 0).then_some(i % 2 == 0)).collect()),
                },
            ],
        };
        let formats = [
            (Format::Csv, "csv"),
            (Format::Json, "json"),
            (Format::Parquet, "parquet"),
        ];
        for chunk in [1, 3, 10, 64] {
            let dir = tempfile::tempdir().unwrap();
            let mut stage = Stage {
                dir: dir.path(),
                staged: Vec::new(),
                names: Vec::new(),
            };
            stage
                .table("t", n, &|r| rows_of(&whole, r), &formats, chunk)
                .unwrap();
            stage.commit().unwrap();
            for (format, suffix) in formats {
                let got = std::fs::read(dir.path().join(format!("t.{suffix}"))).unwrap();
                let mut want = Vec::new();
                super::super::encode::encode_to(&whole, format, &mut want).unwrap();
                if format == Format::Parquet {
                    // Row groups differ; the rows read back do not.
                    use polars_io::SerReader;
                    let read = |b: Vec<u8>| {
                        polars_io::parquet::read::ParquetReader::new(std::io::Cursor::new(b))
                            .finish()
                            .unwrap()
                    };
                    assert!(read(got).equals_missing(&read(want)), "chunk {chunk}");
                } else {
                    assert_eq!(
                        String::from_utf8(got).unwrap(),
                        String::from_utf8(want).unwrap(),
                        "{suffix}, chunk {chunk}"
                    );
                }
            }
        }
    }
}
