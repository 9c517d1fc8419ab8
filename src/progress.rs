//! Progress reporting on stderr. Bars are drawn only when stderr is a terminal and progress
//! is not switched off, so call sites never branch: a disabled factory hands out hidden bars.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// Hands out progress bars, or hidden ones when progress is off.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    enabled: bool,
}

impl Progress {
    /// Progress on stderr if it is a terminal and `quiet` is false.
    pub fn new(quiet: bool) -> Self {
        Progress {
            enabled: !quiet && std::io::stderr().is_terminal(),
        }
    }

    /// No progress at all (tests, library use).
    pub fn hidden() -> Self {
        Progress { enabled: false }
    }

    /// A bar counting items of unknown total.
    pub fn counter(&self, message: &str) -> ProgressBar {
        if !self.enabled {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new_spinner().with_message(message.to_owned());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}: {human_pos} ({per_sec})") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    /// A spinner for a step without a count.
    pub fn spinner(&self, message: &str) -> ProgressBar {
        if !self.enabled {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new_spinner().with_message(message.to_owned());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    /// Prints a warning line on stderr without tearing a bar that is being drawn.
    pub fn warn(&self, message: &str) {
        eprintln!("warning: {message}");
    }
}
