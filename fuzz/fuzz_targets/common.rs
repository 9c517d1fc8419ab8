//! Shared by the import fuzz targets: the first byte picks one of the target's formats (or
//! detection) and whether naive times have a zone; the rest is the file. Errors are fine;
//! a panic is a bug.

use dorascope::import::{Format, ImportOptions, Zone, import_bytes};

pub fn run(formats: &[Format], data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else { return };
    let pick = selector as usize & 0x3f;
    let forced = formats.get(pick % (formats.len() + 1)).copied();
    let zone = (selector & 0x80 != 0).then(|| Zone::parse("Europe/Berlin").ok()).flatten();
    for strict in [false, true] {
        let options = ImportOptions { zone, strict };
        let _ = import_bytes("fuzz", body, forced, &options);
    }
}
