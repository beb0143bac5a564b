//! The only place that writes to the terminal: tables, JSON/YAML, progress,
//! prompts, GitHub Actions output. Data goes to stdout; progress, prompts
//! and diagnostics go to stderr.

pub mod gha;
pub mod github;
pub mod progress;
pub mod prompt;
pub mod table;

use std::io::{IsTerminal, Write};

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum OutputFormat {
    /// Human-readable table
    #[default]
    Table,
    /// Table with more columns
    Wide,
    Json,
    Yaml,
}

/// Output settings resolved once per run.
#[derive(Debug, Clone)]
pub struct Printer {
    pub format: OutputFormat,
    pub color: bool,
    pub stderr_tty: bool,
    pub quiet: bool,
    pub verbose: u8,
}

impl Printer {
    pub fn new(format: OutputFormat, no_color: bool, quiet: bool, verbose: u8) -> Self {
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Printer {
            format,
            color: !no_color && !no_color_env && std::io::stdout().is_terminal(),
            stderr_tty: std::io::stderr().is_terminal(),
            quiet,
            verbose,
        }
    }

    /// Writes `view` as JSON/YAML, or calls `table` for the human formats.
    pub fn emit<T: Serialize>(&self, view: &T, table: impl FnOnce(&Printer) -> String) -> anyhow::Result<()> {
        let text = match self.format {
            OutputFormat::Json => serde_json::to_string_pretty(view)? + "\n",
            OutputFormat::Yaml => to_yaml(view)?,
            OutputFormat::Table | OutputFormat::Wide => table(self),
        };
        let mut out = std::io::stdout().lock();
        // A closed pipe (`| head`) is not an error worth reporting.
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
        Ok(())
    }

    /// Data goes to JSON or YAML (not a table).
    pub fn machine(&self) -> bool {
        matches!(self.format, OutputFormat::Json | OutputFormat::Yaml)
    }

    /// Whether stdout is a terminal (a redrawn view), not a pipe or file (lines).
    pub fn stdout_tty(&self) -> bool {
        std::io::stdout().is_terminal()
    }

    /// Replaces the terminal's screen with `text` (`status --watch` at a TTY).
    pub fn redraw(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "\x1b[H\x1b[2J{text}");
        let _ = out.flush();
    }

    /// Lines of data on stdout, flushed at once (a watcher's reader sees each as it comes).
    pub fn write_lines(&self, lines: &[String]) {
        let mut out = std::io::stdout().lock();
        for l in lines {
            let _ = writeln!(out, "{l}");
        }
        let _ = out.flush();
    }

    pub fn wide(&self) -> bool {
        self.format == OutputFormat::Wide
    }

    /// A status line on stderr (suppressed by -q).
    pub fn status(&self, msg: &str) {
        if !self.quiet {
            eprintln!("{msg}");
        }
    }

    pub fn warn(&self, msg: &str) {
        eprintln!("warning: {msg}");
    }
}

pub fn to_yaml<T: Serialize>(v: &T) -> anyhow::Result<String> {
    // Through serde_json::Value so maps with non-string keys and enums serialize plainly.
    let value = serde_json::to_value(v)?;
    Ok(serde_saphyr::to_string(&value)?)
}

/// `backend went back with its rollback group: target fleet failed`, per
/// target a run switched back because another member failed.
pub fn went_back_together(r: &crate::rollout::ApplyReport) -> impl Iterator<Item = String> + '_ {
    r.targets.iter().filter_map(|t| {
        t.rolled_back_with.as_ref().map(|cause| format!("{} went back with its rollback group: {cause}", t.target))
    })
}

/// Paints text when color is on.
pub fn paint(p: &Printer, text: &str, color: comfy_table::Color) -> comfy_table::Cell {
    let cell = comfy_table::Cell::new(text);
    if p.color { cell.fg(color) } else { cell }
}
