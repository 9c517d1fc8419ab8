//! Every importer on arbitrary bytes: the first byte picks the format (or detection), the
//! rest is the file. Any panic is a bug; errors are fine.
#![no_main]

use clap::ValueEnum;
use dorascope::import::{Format, ImportOptions, Zone, import_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };
    let formats = Format::value_variants();
    let forced = formats.get(selector as usize % (formats.len() + 1)).copied();
    let zone = (selector & 0x80 != 0).then(|| Zone::parse("Europe/Berlin").ok()).flatten();
    for strict in [false, true] {
        let options = ImportOptions { zone, strict };
        let _ = import_bytes("fuzz", body, forced, &options);
    }
});
