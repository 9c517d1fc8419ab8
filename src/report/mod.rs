//! Output: tables built from records, the writers for CSV, JSON and Parquet, and the HTML
//! report with its SVG charts.
//! Polars types stay inside `parquet.rs`; everything else hands over records.

pub mod bundle;
pub mod charts;
pub mod encode;
pub mod grafana;
pub mod html;
pub mod markup;
pub mod openmetrics;
pub mod parquet;
pub mod provenance;
pub mod summary;
pub mod svg;
pub mod table;
pub mod write;

pub use encode::Format;
pub use table::{Table, changes_table, deployments_table, incidents_table};
pub use write::write_table;
