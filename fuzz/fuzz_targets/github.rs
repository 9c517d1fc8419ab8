//! The github importers on arbitrary bytes.
#![no_main]

#[path = "common.rs"]
mod common;

use dorascope::import::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::run(&[Format::GithubDeployments, Format::GithubDeploymentStatuses, Format::GithubActionsRuns, Format::GithubPulls, Format::GithubIssues], data);
});
