//! Every importer, detection included, on arbitrary bytes.
#![no_main]

#[path = "common.rs"]
mod common;

use clap::ValueEnum;
use dorascope::import::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::run(Format::value_variants(), data);
});
