//! Parquet through polars, with real types: UTC timestamps, 64-bit integers, booleans.

use polars_core::prelude::*;
use polars_io::prelude::*;

use super::table::{Table, Values};

/// Encodes a table as a Parquet file in memory.
pub fn to_parquet(table: &Table) -> Result<Vec<u8>, String> {
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
    let mut df = DataFrame::new(height, columns).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    ParquetWriter::new(&mut out)
        .with_compression(ParquetCompression::Zstd(None))
        .finish(&mut df)
        .map_err(|e| e.to_string())?;
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
