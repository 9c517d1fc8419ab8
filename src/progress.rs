//! Progress reporting on stderr. Bars are drawn only when stderr is a terminal and progress
//! is not switched off, so call sites never branch: a disabled factory hands out hidden bars.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

/// How many warnings alike are printed before the count of the others.
pub const SHOWN_ALIKE: usize = 5;

/// Hands out progress bars, or hidden ones when progress is off, and prints warnings (none
/// when quiet: `-q` leaves errors only). Bars share one [`MultiProgress`], so repositories
/// read in parallel each get their own line.
#[derive(Debug, Clone)]
pub struct Progress {
    multi: Option<MultiProgress>,
    quiet: bool,
}

impl Progress {
    /// Progress on stderr if it is a terminal and `quiet` is false; `quiet` also silences
    /// warnings (errors are the caller's to print).
    pub fn new(quiet: bool) -> Self {
        Progress {
            multi: (!quiet && std::io::stderr().is_terminal()).then(MultiProgress::new),
            quiet,
        }
    }

    /// No progress bars (tests, library use, parallel work under one bar); warnings are
    /// still printed.
    pub fn hidden() -> Self {
        Progress {
            multi: None,
            quiet: false,
        }
    }

    /// A bar counting items of unknown total.
    pub fn counter(&self, message: &str) -> ProgressBar {
        let Some(multi) = &self.multi else {
            return ProgressBar::hidden();
        };
        let bar = multi.add(ProgressBar::new_spinner().with_message(message.to_owned()));
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}: {human_pos} ({elapsed})") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    /// A bar over a known number of items.
    pub fn bar(&self, total: u64, message: &str) -> ProgressBar {
        let Some(multi) = &self.multi else {
            return ProgressBar::hidden();
        };
        let bar = multi.add(ProgressBar::new(total).with_message(message.to_owned()));
        if let Ok(style) = ProgressStyle::with_template("{msg} [{wide_bar}] {pos}/{len} ({elapsed})") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    /// A spinner for a step without a count.
    pub fn spinner(&self, message: &str) -> ProgressBar {
        let Some(multi) = &self.multi else {
            return ProgressBar::hidden();
        };
        let bar = multi.add(ProgressBar::new_spinner().with_message(message.to_owned()));
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    /// Prints a warning line on stderr without tearing a bar that is being drawn; nothing
    /// when quiet.
    pub fn warn(&self, message: &str) {
        if self.quiet {
            return;
        }
        match &self.multi {
            Some(multi) => multi.suspend(|| eprintln!("warning: {message}")),
            None => eprintln!("warning: {message}"),
        }
    }

    /// Prints warnings alike (one per file of a kind, one per record): the first
    /// [`SHOWN_ALIKE`], then how many more.
    pub fn warn_alike<S: AsRef<str>>(&self, messages: &[S]) {
        for line in alike(messages) {
            self.warn(&line);
        }
    }
}

/// The lines [`Progress::warn_alike`] prints.
fn alike<S: AsRef<str>>(messages: &[S]) -> Vec<String> {
    let mut lines: Vec<String> = messages
        .iter()
        .take(SHOWN_ALIKE)
        .map(|m| m.as_ref().to_owned())
        .collect();
    if messages.len() > SHOWN_ALIKE {
        lines.push(format!("… and {} more like it", messages.len() - SHOWN_ALIKE));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_alike_are_summarised() {
        let few: Vec<String> = (1..=5).map(|i| format!("file {i}")).collect();
        assert_eq!(alike(&few), few);
        let many: Vec<String> = (1..=166).map(|i| format!("file {i}")).collect();
        let lines = alike(&many);
        assert_eq!(lines.len(), 6);
        assert_eq!(lines[..5], many[..5]);
        assert_eq!(lines[5], "… and 161 more like it");
        assert!(alike::<&str>(&[]).is_empty());
    }
}
