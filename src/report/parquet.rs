//! Parquet through polars, with real types: UTC timestamps, 64-bit integers, booleans.

use polars::prelude::*;

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
                Series::new(name, ms)
                    .cast(&DataType::Datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC)))
                    .map_err(|e| e.to_string())?
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
