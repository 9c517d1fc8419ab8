//! Progress reporting on stderr. Bars are drawn only when stderr is a terminal and progress
//! is not switched off, so call sites never branch: a disabled factory hands out hidden bars.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

/// Hands out progress bars, or hidden ones when progress is off. Bars share one
/// [`MultiProgress`], so repositories read in parallel each get their own line.
#[derive(Debug, Clone)]
pub struct Progress {
    multi: Option<MultiProgress>,
}

impl Progress {
    /// Progress on stderr if it is a terminal and `quiet` is false.
    pub fn new(quiet: bool) -> Self {
        Progress {
            multi: (!quiet && std::io::stderr().is_terminal()).then(MultiProgress::new),
        }
    }

    /// No progress at all (tests, library use).
    pub fn hidden() -> Self {
        Progress { multi: None }
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

    /// Prints a warning line on stderr without tearing a bar that is being drawn.
    pub fn warn(&self, message: &str) {
        match &self.multi {
            Some(multi) => multi.suspend(|| eprintln!("warning: {message}")),
            None => eprintln!("warning: {message}"),
        }
    }
}
