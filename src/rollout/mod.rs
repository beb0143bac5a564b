//! Executes a plan over a fleet: locks every unit first, runs each wave
//! (stage → services → health, then the atomic switch, then the monitor),
//! enforces the failure budget, rolls back switched units on failure, and
//! stops at a safe point when cancelled. The switch of one unit is a single
//! atomic step: it either happened or it did not.

//!
//! Files: `schedule.rs` orders the targets (`after:`, rollback groups),
//! `target.rs` runs one target in its phases, `unit.rs` one unit's steps,
//! `report.rs` is what a run reports, `fault.rs` the test suite's kill
//! switch.

pub mod fault;
mod report;
mod schedule;
mod target;
mod unit;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

pub use report::{ApplyOutcome, ApplyReport, TargetReport, UnitReport, UnitResult};

use crate::drivers::{Driver, LockGuard};
use crate::model::Step;
use crate::plan::{Plan, TargetPlan};

/// How far a step got, for progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepState {
    Started,
    Done,
    Skipped,
    Failed,
}

/// Receives progress; `ui` renders it (bars at a TTY, lines otherwise).
pub trait Reporter: Send + Sync {
    fn step(&self, target: &str, unit: &str, step: &Step, state: StepState, detail: &str);
    fn message(&self, msg: &str);
}

/// A reporter that shows nothing (tests, `-q`).
pub struct Silent;
impl Reporter for Silent {
    fn step(&self, _: &str, _: &str, _: &Step, _: StepState, _: &str) {}
    fn message(&self, _: &str) {}
}

/// Two levels of stopping: `soft` stops at the next safe point (first
/// Ctrl-C/SIGTERM), `hard` abandons in-flight steps too (second signal).
#[derive(Clone, Default)]
pub struct Cancel {
    pub soft: CancellationToken,
    pub hard: CancellationToken,
}

pub struct Executor<'a> {
    pub plan: &'a Plan,
    pub drivers: HashMap<String, Arc<dyn Driver>>,
    pub reporter: Arc<dyn Reporter>,
    pub cancel: Cancel,
    pub user: String,
    pub gates: crate::gates::GateRecord,
    /// Targets whose migrations ran (in this run, or in the interrupted run
    /// it continues) and were not undone; start with `Default::default()`.
    pub migrated: Migrated,
}

/// The targets of a run whose schema is migrated to the plan's version.
#[derive(Default)]
pub struct Migrated(Mutex<std::collections::HashSet<String>>);

impl Migrated {
    fn has(&self, target: &str) -> bool {
        lock_or_recover(&self.0).contains(target)
    }
    fn set(&self, target: &str, migrated: bool) {
        let mut set = lock_or_recover(&self.0);
        if migrated {
            set.insert(target.to_string());
        } else {
            set.remove(target);
        }
    }
}

/// One unit's progress through this run.
#[derive(Clone)]
struct UnitRun {
    report: UnitReport,
    switched: bool,
    /// Its steps before the switch ran already (the unit that ran the
    /// target's migrations does them first).
    prepared: bool,
    /// A switch back was attempted already: the target-wide rollback skips it.
    rollback_tried: bool,
}

/// Taking locks, switching back and recording history are cheap, short
/// commands: they need not wait in line behind `max_concurrency`, which
/// bounds the deploy work.
fn bookkeeping_concurrency(t: &TargetPlan) -> usize {
    (t.max_concurrency.max(1) as usize).max(64)
}

fn exceeds(failed: usize, total: usize, budget: f64) -> bool {
    failed > 0 && (failed as f64 / total as f64) > budget
}

fn lock_or_recover<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

async fn release_all(locks: HashMap<String, Box<dyn LockGuard>>) {
    futures::future::join_all(locks.into_values().map(|g| g.release())).await;
}

#[cfg(test)]
mod tests;
