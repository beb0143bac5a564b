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
