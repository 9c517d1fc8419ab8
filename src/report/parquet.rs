//! Parquet through polars, with real types: UTC timestamps, 64-bit integers, booleans.

use polars_core::prelude::*;
use polars_io::prelude::*;

use super::table::{Table, Values};

/// Rows per Parquet row group: small enough that a reader can skip groups by their
/// statistics and read them in parallel (DuckDB writes 122,880, polars 262,144), large
/// enough that each column chunk compresses well.
pub const ROW_GROUP: usize = 128 * 1024;

/// A table's columns as a polars frame (a copy: polars owns its buffers).
fn frame(table: &Table) -> PolarsResult<DataFrame> {
    let height = table.rows();
    let mut columns = Vec::with_capacity(table.columns.len());
    for c in &table.columns {
        let name: PlSmallStr = c.name.into();
        let series = match &c.values {
            Values::Str(v) => {
                let refs: Vec<Option<&str>> = v.iter().map(|s| s.as_deref()).collect();
                Series::new(name, refs)
            }
            Values::Int(v) => Series::new(name, v.as_slice()),
            Values::Float(v) => Series::new(name, v.as_slice()),
            Values::Bool(v) => Series::new(name, v.as_slice()),
            Values::Time(v) => {
                let ms: Vec<Option<i64>> = v.iter().map(|s| s.map(|s| s.saturating_mul(1000))).collect();
                // Built as a logical type directly: a cast would drop the time zone unless
                // polars' `timezones` feature (and chrono-tz with it) were compiled in.
                Int64Chunked::new(name, &ms)
                    .into_datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC))
                    .into_series()
            }
        };
        columns.push(series.into_column());
    }
    DataFrame::new(height, columns)
}

/// A Parquet file written a row group at a time: only one chunk of rows is ever copied into
/// polars' buffers.
pub struct Batched<W: std::io::Write> {
    writer: BatchedWriter<W>,
}

impl<W: std::io::Write> Batched<W> {
    /// Starts a file with the columns of `first` (its rows are not written).
    pub fn new(w: W, first: &Table) -> Result<Self, String> {
        let df = frame(first).map_err(|e| e.to_string())?;
        let writer = ParquetWriter::new(w)
            .with_compression(ParquetCompression::Zstd(None))
            .with_row_group_size(Some(ROW_GROUP))
            .batched(df.schema())
            .map_err(|e| e.to_string())?;
        Ok(Batched { writer })
    }

    /// Writes the rows of `table` as one row group (none when it has no rows).
    pub fn write(&mut self, table: &Table) -> Result<(), String> {
        if table.rows() == 0 {
            return Ok(());
        }
        let df = frame(table).map_err(|e| e.to_string())?;
        self.writer.write_batch(&df).map_err(|e| e.to_string())
    }

    /// Writes the footer.
    pub fn finish(self) -> Result<(), String> {
        self.writer.finish().map(|_| ()).map_err(|e| e.to_string())
    }
}

/// Encodes a table as a Parquet file in memory.
#[cfg(test)]
pub fn to_parquet(table: &Table) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut b = Batched::new(&mut out, table)?;
    b.write(table)?;
    b.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::table::Column;

    #[test]
    fn parquet_has_real_types() -> Result<(), Box<dyn std::error::Error>> {
        let table = Table {
            columns: vec![
                Column {
                    name: "s",
                    values: Values::Str(vec![Some("a".into()), None]),
                },
                Column {
                    name: "t",
                    values: Values::Time(vec![Some(1_714_564_800), None]),
                },
                Column {
                    name: "i",
                    values: Values::Int(vec![Some(-3), None]),
                },
                Column {
                    name: "f",
                    values: Values::Float(vec![Some(0.5), None]),
                },
                Column {
                    name: "b",
                    values: Values::Bool(vec![Some(true), None]),
                },
            ],
        };
        let bytes = to_parquet(&table)?;
        let df = ParquetReader::new(std::io::Cursor::new(bytes)).finish()?;
        let dtypes: Vec<DataType> = df.dtypes();
        assert_eq!(
            dtypes,
            vec![
                DataType::String,
                DataType::Datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC)),
                DataType::Int64,
                DataType::Float64,
                DataType::Boolean,
            ]
        );
        let t = df.column("t")?.cast(&DataType::Int64)?;
        assert_eq!(t.i64()?.get(0), Some(1_714_564_800_000));
        assert_eq!(df.column("i")?.null_count(), 1);
        Ok(())
    }
}
