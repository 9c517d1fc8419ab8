//! The aws importers on arbitrary bytes.
#![no_main]

#[path = "common.rs"]
mod common;

use dorascope::import::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::run(
        &[
            Format::AwsCodepipeline,
            Format::AwsCloudwatchAlarms,
            Format::AwsCloudwatchMetricStatistics,
            Format::AwsCodecommitCommits,
        ],
        data,
    );
});
