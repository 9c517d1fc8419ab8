//! Writing files whole: to a file through a temporary file and a rename (never a
//! half-written file), or to stdout in one write.

use std::ffi::{OsStr, OsString};
use std::io::{self, IsTerminal, Write};
use std::path::Path;

use tempfile::TempPath;

use super::encode::{Format, encode_to};
use super::table::Table;
use crate::error::{Error, Result};

/// Writes `path` atomically: `fill` writes a temporary file beside it, which is renamed over
/// `path` only once complete. On any error the temporary file is removed.
///
/// A path that exists and is not a regular file (`/dev/null`, `/dev/stdout`, a named pipe) is
/// written in place: renaming over it would replace the device with a file.
pub fn write_atomic(path: &Path, fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|f| {
                let mut w = io::BufWriter::with_capacity(1 << 16, f);
                fill(&mut w)?;
                w.flush()
            })
            .map_err(|e| Error::output(path, e));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::output(path, "not a file name"))?;
    // On error the temporary file is dropped, which removes it.
    write_temp(dir, name, fill)
        .and_then(|tmp| tmp.persist(path).map_err(io::Error::from))
        .map_err(|e| Error::output(path, e))
}

/// A new, empty file in `dir` named `.NAME.XXXXXX.tmp`, deleted when dropped unless
/// persisted (renamed into place) first; [`finish_temp`] syncs and closes it.
///
/// Created as `File::create` would (read-write for all, less the umask), not with
/// `NamedTempFile::new_in`'s owner-only mode, since the file becomes the output; and written
/// through the plain `File`, so an error says what went wrong without the temporary name.
pub(super) fn create_temp(dir: &Path, name: &OsStr) -> io::Result<tempfile::NamedTempFile> {
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .make_in(dir, |p| {
            std::fs::OpenOptions::new().write(true).create_new(true).open(p)
        })
}

/// Syncs a temporary file written in full and closes it, keeping its path.
pub(super) fn finish_temp(tmp: tempfile::NamedTempFile) -> io::Result<TempPath> {
    tmp.as_file().sync_all()?;
    Ok(tmp.into_temp_path())
}

/// A temporary file in `dir` ([`create_temp`]) written in full by `fill`, synced and closed.
pub(super) fn write_temp(
    dir: &Path,
    name: &OsStr,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<TempPath> {
    let tmp = create_temp(dir, name)?;
    let mut w = io::BufWriter::with_capacity(1 << 16, tmp.as_file());
    fill(&mut w)?;
    w.flush()?;
    drop(w);
    finish_temp(tmp)
}

/// Writes a table to `out` (a path, or stdout for `None` / `-`).
pub fn write_table(table: &Table, format: Format, out: Option<&Path>) -> Result<()> {
    let to_stdout = out.is_none_or(|p| p == Path::new("-"));
    if to_stdout && format == Format::Parquet && io::stdout().is_terminal() {
        return Err(Error::Usage(
            "refusing to write Parquet to a terminal: give -o FILE or redirect stdout".into(),
        ));
    }
    match out {
        Some(p) if !to_stdout => write_atomic(p, |w| encode_to(table, format, w)),
        _ => stdout_with(|w| encode_to(table, format, w)),
    }
}

/// Writes to stdout through a buffer; a closed pipe (`| head`) is not an error.
fn stdout_with(fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    match fill(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::output("-", e)),
    }
}

/// Writes all bytes to stdout; a closed pipe is not an error.
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    stdout_with(|w| w.write_all(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn atomic_write_replaces_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        std::fs::write(&p, "previous").unwrap();
        let e = write_atomic(&p, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert_eq!(e.to_string(), format!("cannot write {}: disk full", p.display()));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "previous");
        assert_eq!(names(dir.path()), ["out.csv"], "no temporary file left");

        write_atomic(&p, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(names(dir.path()), ["out.csv"]);

        let missing = dir.path().join("no-such-dir").join("x.csv");
        let e = write_atomic(&missing, |w| w.write_all(b"x")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with(&format!("cannot write {}: ", missing.display())),
            "{e}"
        );
        assert!(!e.to_string().contains(".x.csv."), "no temporary name: {e}");
    }

    /// The output gets a new file's usual mode (0666 less the umask), as `File::create`
    /// gives, not a temporary file's owner-only 0600.
    #[cfg(unix)]
    #[test]
    fn atomic_write_keeps_the_usual_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).unwrap();
        let p = dir.path().join("atomic");
        write_atomic(&p, |w| w.write_all(b"x")).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode();
        assert_eq!(mode(&p), mode(&plain));
    }
}
