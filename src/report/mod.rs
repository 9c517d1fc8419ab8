//! Output: tables built from records, and the writers for CSV, JSON and Parquet.
//! Polars types stay inside this module (and `metrics`); everything else hands over records.

pub mod bundle;
pub mod grafana;
pub mod openmetrics;
pub mod parquet;
pub mod provenance;
pub mod summary;
pub mod table;
pub mod write;

pub use table::{Table, changes_table, deployments_table, incidents_table};
pub use write::{Format, write_table};
