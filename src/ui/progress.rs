//! Progress of a rollout on stderr: one spinner line per unit at a
//! terminal (indicatif), plain log lines otherwise (CI logs, pipes).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Printer;
use crate::model::Step;
use crate::rollout::{Reporter, StepState};

pub struct Progress {
    multi: Option<MultiProgress>,
    bars: Mutex<HashMap<String, ProgressBar>>,
    started: Mutex<HashMap<String, Instant>>,
    verbose: bool,
    quiet: bool,
}

impl Progress {
    pub fn new(p: &Printer) -> Self {
        let multi = (p.stderr_tty && !p.quiet).then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        Progress {
            multi,
            bars: Mutex::new(HashMap::new()),
            started: Mutex::new(HashMap::new()),
            verbose: p.verbose > 0,
            quiet: p.quiet,
        }
    }

    fn bar(&self, key: &str) -> Option<ProgressBar> {
        let multi = self.multi.as_ref()?;
        let mut bars = self.bars.lock().ok()?;
        Some(
            bars.entry(key.to_string())
                .or_insert_with(|| {
                    let pb = multi.add(ProgressBar::new_spinner());
                    pb.set_style(
                        ProgressStyle::with_template("{spinner:.cyan} {prefix:<24} {wide_msg} {elapsed:>4}")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    );
                    pb.set_prefix(key.to_string());
                    pb.enable_steady_tick(Duration::from_millis(120));
                    pb
                })
                .clone(),
        )
    }

    /// Stops all spinners, leaving their last line on screen.
    pub fn finish(&self) {
        if let Ok(bars) = self.bars.lock() {
            for b in bars.values() {
                if !b.is_finished() {
                    b.finish();
                }
            }
        }
    }
}

impl Reporter for Progress {
    fn step(&self, target: &str, unit: &str, step: &Step, state: StepState, detail: &str) {
        if self.quiet {
            return;
        }
        let key = if target == unit { unit.to_string() } else { format!("{target}/{unit}") };
        let label = step.label();
        let elapsed = {
            let mut started = self.started.lock().unwrap_or_else(|p| p.into_inner());
            let skey = format!("{key}#{label}");
            match state {
                StepState::Started => {
                    started.insert(skey, Instant::now());
                    None
                }
                _ => started.remove(&skey).map(|t| t.elapsed()),
            }
        };
        let took = elapsed.map(|d| format!(" ({:.1}s)", d.as_secs_f64())).unwrap_or_default();
        let first_line = detail.lines().next().unwrap_or("");
        let line = match state {
            StepState::Started => format!("… {label}"),
            // What the monitor watched (probes, analyses) is its result.
            StepState::Done if matches!(step, Step::Monitor { .. }) && !first_line.is_empty() => {
                format!("✓ {label}{took}: {first_line}")
            }
            StepState::Done => format!("✓ {label}{took}"),
            StepState::Skipped => format!("↷ {label}{took}"),
            StepState::Failed => format!("✗ {label}{took}: {first_line}"),
        };
        match self.bar(&key) {
            Some(bar) => {
                if state == StepState::Failed {
                    bar.println(format!("{key}: {detail}"));
                }
                bar.set_message(line);
                if matches!(step, Step::ReleaseLock) || (state == StepState::Failed) {
                    bar.finish();
                }
            }
            None => {
                if state == StepState::Started {
                    return;
                }
                eprintln!("  {key:<24} {line}");
                if self.verbose && !detail.trim().is_empty() && state != StepState::Failed {
                    for l in detail.lines().take(20) {
                        eprintln!("  {:<24}   | {l}", "");
                    }
                }
                if state == StepState::Failed && detail.lines().count() > 1 {
                    for l in detail.lines().skip(1) {
                        eprintln!("  {:<24}   {l}", "");
                    }
                }
            }
        }
    }

    fn message(&self, msg: &str) {
        if self.quiet {
            return;
        }
        match &self.multi {
            Some(m) => {
                let _ = m.println(msg);
            }
            None => eprintln!("{msg}"),
        }
    }
}

/// The wait for a deployment window to open, on stderr: a live countdown at
/// a terminal, one line a minute otherwise (CI logs), nothing with -q.
pub struct Countdown {
    bar: Option<ProgressBar>,
    what: String,
    quiet: bool,
    /// Minutes left when the last line was written (no terminal).
    last_minute: Option<u64>,
}

impl Countdown {
    /// `what`: the window and when it opens, e.g. "02:00–06:00 Asia/Jakarta
    /// opens 2026-11-24 02:00 WIB".
    pub fn new(p: &Printer, what: &str) -> Self {
        let bar = (p.stderr_tty && !p.quiet).then(|| {
            let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            pb.set_style(
                ProgressStyle::with_template("{spinner:.cyan} {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            pb.enable_steady_tick(Duration::from_millis(120));
            pb
        });
        Countdown { bar, what: what.to_string(), quiet: p.quiet, last_minute: None }
    }

    /// `left`: the time until the window opens.
    pub fn tick(&mut self, left: Duration) {
        if self.quiet {
            return;
        }
        let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        match &self.bar {
            // The countdown first: a narrow terminal cuts the end of the line.
            Some(bar) => bar.set_message(format!(
                "{:02}:{:02}:{:02} until the deployment window {} (Ctrl-C stops the wait; nothing changes until then)",
                secs / 3600,
                secs / 60 % 60,
                secs % 60,
                self.what,
            )),
            None => {
                let minute = secs.div_ceil(60);
                if self.last_minute.is_some_and(|m| m <= minute) {
                    return;
                }
                self.last_minute = Some(minute);
                eprintln!("waiting for the deployment window: {}, in {}", self.what, human(secs));
            }
        }
    }

    /// Takes the countdown off the screen.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `7h 59m`, `3m 20s`, `5s`: for a line that stays in a log.
pub fn human(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m {s:02}s"),
        _ => format!("{h}h {m:02}m"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn human_durations() {
        assert_eq!(super::human(5), "5s");
        assert_eq!(super::human(200), "3m 20s");
        assert_eq!(super::human(8 * 3600 + 61), "8h 01m");
    }
}
