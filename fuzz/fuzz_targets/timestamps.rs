//! The timestamp parser on arbitrary text, with and without a zone.
#![no_main]

use dorascope::time::parse::{Zone, parse_text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_text(text, None);
        if let Ok(zone) = Zone::parse("America/New_York") {
            let _ = parse_text(text, Some(&zone));
        }
    }
});
