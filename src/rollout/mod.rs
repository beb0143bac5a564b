//! Executes a plan over a fleet: locks every unit first, runs each wave
//! (stage → services → health, then the atomic switch, then the monitor),
//! enforces the failure budget, rolls back switched units on failure, and
//! stops at a safe point when cancelled. The switch of one unit is a single
//! atomic step: it either happened or it did not.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use futures::StreamExt;
use jiff::Timestamp;
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::drivers::{Driver, DriverError, LockGuard, StepContext};
use crate::model::Step;
use crate::model::{Color, HistoryAction, HistoryEntry, JournalEntry, JournalState, Outcome};
use crate::plan::{Plan, PlanKind, TargetPlan, UnitAction, UnitPlan};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitResult {
    /// Now live on the requested version.
    Switched,
    /// Nothing to do.
    Unchanged,
    /// Failed before the switch: live color untouched.
    Failed,
    /// Switched, then switched back.
    RolledBack,
    /// Not attempted (budget exceeded, interrupted, earlier failure).
    Skipped,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitReport {
    pub unit: String,
    pub before: Option<Color>,
    pub after: Option<Color>,
    pub version_before: Option<String>,
    pub version: Option<String>,
    pub result: UnitResult,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub duration_ms: u128,
}

impl UnitReport {
    /// Live on another color than before the run (switched, and not back).
    pub fn moved(&self) -> bool {
        self.after.is_some() && self.after != self.before
    }
    /// Version live after the run, as far as this run knows.
    pub fn version_after(&self) -> Option<&str> {
        if self.moved() { self.version.as_deref() } else { self.version_before.as_deref() }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetReport {
    pub target: String,
    pub units: Vec<UnitReport>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplyOutcome {
    Success,
    Noop,
    /// Failed; traffic stayed on or went back to the previous color.
    Failed,
    RolledBack,
    Interrupted,
    LockHeld,
    /// Stopped at a canary step with `pause: manual`; `rvmctl promote` continues.
    Paused,
}

#[derive(Debug, Clone, Serialize)]
pub struct ApplyReport {
    pub environment: String,
    pub version: String,
    pub kind: PlanKind,
    pub plan_hash: String,
    pub outcome: ApplyOutcome,
    pub started_at: Timestamp,
    pub duration_ms: u128,
    pub targets: Vec<TargetReport>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
}

pub struct Executor<'a> {
    pub plan: &'a Plan,
    pub drivers: HashMap<String, Arc<dyn Driver>>,
    pub reporter: Arc<dyn Reporter>,
    pub cancel: Cancel,
    pub user: String,
    pub gates: crate::gates::GateRecord,
}

type LockResult = (String, Result<Box<dyn LockGuard>, DriverError>);

#[derive(Clone)]
struct UnitRun {
    report: UnitReport,
    switched: bool,
    /// A switch back was attempted already: the target-wide rollback skips it.
    rollback_tried: bool,
}

impl Executor<'_> {
    pub async fn run(&self) -> ApplyReport {
        let started = Instant::now();
        let started_at = Timestamp::now();
        let mut report = ApplyReport {
            environment: self.plan.environment.clone(),
            version: self.plan.version.clone(),
            kind: self.plan.kind,
            plan_hash: self.plan.hash.clone(),
            outcome: ApplyOutcome::Success,
            started_at,
            duration_ms: 0,
            targets: Vec::new(),
            errors: Vec::new(),
        };
        if self.plan.is_noop() {
            report.outcome = ApplyOutcome::Noop;
        }
        for t in &self.plan.targets {
            if report.outcome != ApplyOutcome::Success && report.outcome != ApplyOutcome::Noop {
                // An earlier target failed (or paused): later targets are not touched.
                let why = if report.outcome == ApplyOutcome::Paused {
                    "not attempted: an earlier target is paused (rvmctl promote continues)"
                } else {
                    "not attempted: an earlier target failed"
                };
                report.targets.push(skipped_target(t, why));
                continue;
            }
            let Some(driver) = self.drivers.get(&t.target).cloned() else {
                report.errors.push(format!("no driver for target {}", t.target));
                report.outcome = ApplyOutcome::Failed;
                continue;
            };
            let (tr, outcome, errors) = self.run_target(t, driver).await;
            report.targets.push(tr);
            report.errors.extend(errors);
            if outcome != ApplyOutcome::Success {
                report.outcome = outcome;
            }
        }
        report.duration_ms = started.elapsed().as_millis();
        report
    }

    async fn run_target(&self, t: &TargetPlan, driver: Arc<dyn Driver>) -> (TargetReport, ApplyOutcome, Vec<String>) {
        let mut errors = Vec::new();
        let deploy: Vec<&UnitPlan> = t.units.iter().filter(|u| u.action == UnitAction::Deploy).collect();
        let mut runs: HashMap<String, UnitRun> = t
            .units
            .iter()
            .map(|u| {
                let result = match u.action {
                    UnitAction::Deploy => UnitResult::Skipped,
                    UnitAction::Noop => UnitResult::Unchanged,
                    UnitAction::Unreachable | UnitAction::Blocked => UnitResult::Failed,
                };
                let error = (u.action != UnitAction::Deploy && u.action != UnitAction::Noop).then(|| u.reason.clone());
                (
                    u.unit.clone(),
                    UnitRun { report: new_unit_report(u, result, error), switched: false, rollback_tried: false },
                )
            })
            .collect();
        let total = t.units.len().max(1);
        let budget = t.max_failure_rate;
        let failed_count = |runs: &HashMap<String, UnitRun>| {
            runs.values().filter(|r| matches!(r.report.result, UnitResult::Failed | UnitResult::RolledBack)).count()
        };

        // 1. Every lock first: a second deploy is refused before anything changes.
        let info = crate::drivers::lock_info(
            &format!("{} {}", crate::model::wire_name(&self.plan.kind), self.plan.version),
            Some(self.plan.hash.clone()),
        );
        let mut locks: HashMap<String, Box<dyn LockGuard>> = HashMap::new();
        let lock_results: Vec<LockResult> = futures::stream::iter(deploy.iter().map(|u| {
            let d = driver.clone();
            let info = info.clone();
            let unit = u.unit.clone();
            let reporter = self.reporter.clone();
            let target = t.target.clone();
            async move {
                reporter.step(&target, &unit, &Step::AcquireLock, StepState::Started, "");
                let r = d.lock(&unit, &info).await;
                let state = if r.is_ok() { StepState::Done } else { StepState::Failed };
                reporter.step(
                    &target,
                    &unit,
                    &Step::AcquireLock,
                    state,
                    &r.as_ref().err().map(ToString::to_string).unwrap_or_default(),
                );
                (unit, r)
            }
        }))
        .buffer_unordered(bookkeeping_concurrency(t))
        .collect()
        .await;
        let mut held_elsewhere = Vec::new();
        for (unit, r) in lock_results {
            match r {
                Ok(g) => {
                    locks.insert(unit, g);
                }
                Err(e @ DriverError::Locked { .. }) => held_elsewhere.push(e.to_string()),
                Err(e) => {
                    if let Some(run) = runs.get_mut(&unit) {
                        run.report.result = UnitResult::Failed;
                        run.report.error = Some(e.to_string());
                    }
                    errors.push(e.to_string());
                }
            }
        }
        if !held_elsewhere.is_empty() {
            release_all(locks).await;
            let tr = TargetReport {
                target: t.target.clone(),
                units: t
                    .units
                    .iter()
                    .map(|u| {
                        runs.remove(&u.unit)
                            .map(|r| r.report)
                            .unwrap_or_else(|| new_unit_report(u, UnitResult::Skipped, None))
                    })
                    .collect(),
            };
            return (tr, ApplyOutcome::LockHeld, held_elsewhere);
        }

        // 2. Waves.
        let runs = Arc::new(Mutex::new(runs));
        let mut outcome = ApplyOutcome::Success;
        'waves: for (wi, wave) in t.waves.iter().enumerate() {
            if self.cancel.soft.is_cancelled() {
                outcome = ApplyOutcome::Interrupted;
                break;
            }
            let units: Vec<&UnitPlan> = wave
                .units
                .iter()
                .filter_map(|n| deploy.iter().copied().find(|u| &u.unit == n))
                .filter(|u| locks.contains_key(&u.unit))
                .collect();
            if t.waves.len() > 1 {
                self.reporter.message(&format!(
                    "{}: wave {}/{} ({} unit{})",
                    t.target,
                    wi + 1,
                    t.waves.len(),
                    units.len(),
                    if units.len() == 1 { "" } else { "s" }
                ));
            }
            if wave.switch_together {
                // Stage and verify the whole wave, then switch it only if the budget holds.
                let ok = self.for_each(&units, t, |u| self.pre_switch(t, driver.clone(), u, runs.clone())).await;
                let failed = failed_count(&lock_or_recover(&runs));
                if self.cancel.soft.is_cancelled() {
                    outcome = ApplyOutcome::Interrupted;
                    break 'waves;
                }
                if exceeds(failed, total, budget) {
                    errors.push(format!("{}: {failed} of {total} units failed before the switch (budget {:.0}%); nothing in this wave was switched", t.target, budget * 100.0));
                    outcome = ApplyOutcome::Failed;
                    break 'waves;
                }
                let ready: Vec<&UnitPlan> = units.iter().copied().filter(|u| ok.contains(&u.unit)).collect();
                self.for_each(&ready, t, |u| self.switch_and_monitor(t, driver.clone(), u, runs.clone())).await;
            } else {
                self.for_each(&units, t, |u| {
                    let d = driver.clone();
                    let runs = runs.clone();
                    async move {
                        if self.pre_switch(t, d.clone(), u, runs.clone()).await {
                            self.switch_and_monitor(t, d, u, runs).await
                        } else {
                            false
                        }
                    }
                })
                .await;
            }
            let failed = failed_count(&lock_or_recover(&runs));
            if self.cancel.soft.is_cancelled() {
                outcome = ApplyOutcome::Interrupted;
                break;
            }
            if exceeds(failed, total, budget) {
                errors.push(format!("{}: {failed} of {total} units failed (budget {:.0}%)", t.target, budget * 100.0));
                outcome = ApplyOutcome::Failed;
                break;
            }
            if let Some(p) = &wave.pause_after {
                if p == "manual" {
                    self.reporter.message(&format!(
                        "{}: paused after wave {}/{} (canary pause: manual); `rvmctl promote -e {}` continues",
                        t.target,
                        wi + 1,
                        t.waves.len(),
                        self.plan.environment
                    ));
                    outcome = ApplyOutcome::Paused;
                    break;
                } else if let Ok(d) = p.parse::<crate::model::Duration>() {
                    self.reporter.message(&format!("{}: pausing {d} before the next wave", t.target));
                    tokio::select! {
                        _ = tokio::time::sleep(d.get()) => {}
                        _ = self.cancel.soft.cancelled() => { outcome = ApplyOutcome::Interrupted; break; }
                    }
                }
            }
        }

        // 3. Failure: put switched units back when auto_rollback is on.
        let mut runs = std::mem::take(&mut *lock_or_recover(&runs));
        if outcome == ApplyOutcome::Failed && t.auto_rollback {
            let switched: Vec<&UnitPlan> = deploy
                .iter()
                .copied()
                .filter(|u| runs.get(&u.unit).is_some_and(|r| r.switched && !r.rollback_tried))
                .collect();
            if !switched.is_empty() {
                self.reporter.message(&format!("{}: rolling back {} switched unit(s)", t.target, switched.len()));
                // All at once (a switch back is one atomic write per unit): the failed
                // release must not stay live on the last unit while the first go back.
                let back: Vec<(&UnitPlan, UnitRun)> =
                    switched.into_iter().filter_map(|u| runs.remove(&u.unit).map(|r| (u, r))).collect();
                let done: Vec<(String, UnitRun)> = futures::stream::iter(back.into_iter().map(|(u, mut run)| {
                    let d = driver.clone();
                    async move {
                        self.switch_back(t, d.as_ref(), u, &mut run).await;
                        (u.unit.clone(), run)
                    }
                }))
                .buffer_unordered(bookkeeping_concurrency(t))
                .collect()
                .await;
                runs.extend(done);
            }
            if runs.values().any(|r| r.report.result == UnitResult::RolledBack) {
                outcome = ApplyOutcome::RolledBack;
            }
        }
        if matches!(outcome, ApplyOutcome::Success | ApplyOutcome::Paused)
            && runs.values().any(|r| r.report.result == UnitResult::Failed)
        {
            outcome = ApplyOutcome::Failed;
        }

        // 4. History on every touched unit (concurrently: pure bookkeeping), then the locks.
        let mut entries: Vec<(String, HistoryEntry)> = Vec::new();
        for u in &deploy {
            let Some(run) = runs.get(&u.unit) else { continue };
            if !locks.contains_key(&u.unit)
                || run.report.result == UnitResult::Skipped && outcome != ApplyOutcome::Interrupted
            {
                continue;
            }
            let result = match (run.report.result, outcome) {
                // Switched, but the monitor was cut short by a signal.
                (UnitResult::Switched, ApplyOutcome::Interrupted) if run.report.error.is_some() => Outcome::Interrupted,
                (UnitResult::Switched, _) => Outcome::Success,
                (UnitResult::RolledBack, _) => Outcome::RolledBack,
                (_, ApplyOutcome::Interrupted) => Outcome::Interrupted,
                _ => Outcome::Failed,
            };
            let entry = HistoryEntry {
                revision: u.next_revision,
                at: Timestamp::now(),
                user: self.user.clone(),
                action: match self.plan.kind {
                    PlanKind::Deploy => HistoryAction::Deploy,
                    PlanKind::Rollback => HistoryAction::Rollback,
                    PlanKind::Abort => HistoryAction::Abort,
                },
                version: u.version.clone().unwrap_or_else(|| self.plan.version.clone()),
                from: u.live,
                to: u.to.unwrap_or(Color::Blue),
                result,
                plan_hash: Some(self.plan.hash.clone()),
                message: run.report.error.clone(),
                approved_by: self.gates.approved_by.clone(),
                window_override: self.gates.window_override.clone(),
            };
            entries.push((u.unit.clone(), entry));
        }
        let recorded: Vec<String> = futures::stream::iter(entries.into_iter().map(|(unit, entry)| {
            let d = driver.clone();
            async move {
                match d.append_history(&unit, &entry).await {
                    Err(e) => Some(format!("{unit}: could not record history: {e}")),
                    Ok(()) => {
                        // Finished, either way: nothing left here to resume or abort.
                        if entry.result != Outcome::Interrupted {
                            let _ = d.journal(&unit, None).await;
                        }
                        None
                    }
                }
            }
        }))
        .buffer_unordered(bookkeeping_concurrency(t))
        .filter_map(|e| async move { e })
        .collect()
        .await;
        errors.extend(recorded);
        release_all(locks).await;
        let tr = TargetReport {
            target: t.target.clone(),
            units: t
                .units
                .iter()
                .map(|u| {
                    runs.remove(&u.unit)
                        .map(|r| r.report)
                        .unwrap_or_else(|| new_unit_report(u, UnitResult::Skipped, None))
                })
                .collect(),
        };
        for u in &tr.units {
            if let (Some(e), UnitResult::Failed | UnitResult::RolledBack) = (&u.error, u.result) {
                if !errors.iter().any(|x| x == e) {
                    errors.push(e.clone());
                }
            }
        }
        (tr, outcome, errors)
    }

    /// Runs `f` over units with the target's concurrency; returns the units
    /// for which it returned true.
    async fn for_each<'u, F, Fut>(&self, units: &[&'u UnitPlan], t: &TargetPlan, f: F) -> Vec<String>
    where
        F: Fn(&'u UnitPlan) -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        futures::stream::iter(units.iter().map(|u| {
            let fut = f(u);
            async move { (u.unit.clone(), fut.await) }
        }))
        .buffer_unordered(t.max_concurrency.max(1) as usize)
        .filter_map(|(u, ok)| async move { ok.then_some(u) })
        .collect()
        .await
    }

    fn ctx(&self, u: &UnitPlan) -> StepContext {
        StepContext {
            version: u.version.clone().unwrap_or_else(|| self.plan.version.clone()),
            environment: self.plan.environment.clone(),
        }
    }

    /// Records on the unit where this run is (best effort: a unit that cannot
    /// take the write fails its step right after anyway).
    async fn journal(&self, driver: &dyn Driver, u: &UnitPlan, step: &Step, state: JournalState) {
        let entry = JournalEntry {
            plan_hash: self.plan.hash.clone(),
            kind: crate::model::wire_name(&self.plan.kind),
            version: u.version.clone().unwrap_or_else(|| self.plan.version.clone()),
            from: u.live,
            to: u.to.unwrap_or(Color::Blue),
            step: step.label(),
            state,
            holder: self.user.clone(),
            at: Timestamp::now(),
        };
        if let Err(e) = driver.journal(&u.unit, Some(&entry)).await {
            tracing::debug!("journal on {}: {e}", u.unit);
        }
    }

    /// One step with progress and journal, honouring a hard cancel.
    async fn step(&self, t: &TargetPlan, driver: &dyn Driver, u: &UnitPlan, step: &Step) -> Result<(), DriverError> {
        self.reporter.step(&t.target, &u.unit, step, StepState::Started, "");
        self.journal(driver, u, step, JournalState::Started).await;
        fault::inject(step, "before");
        let ctx = self.ctx(u);
        let r = tokio::select! {
            r = driver.run_step(&u.unit, step, &ctx) => r,
            _ = self.cancel.hard.cancelled(), if !step.is_switch() => Err(DriverError::Interrupted { unit: u.unit.clone() }),
            // Watching health changes nothing: the first signal may end it.
            _ = self.cancel.soft.cancelled(), if matches!(step, Step::Monitor { .. }) => Err(DriverError::Interrupted { unit: u.unit.clone() }),
        };
        self.journal(driver, u, step, if r.is_ok() { JournalState::Done } else { JournalState::Failed }).await;
        fault::inject(step, "after");
        match &r {
            Ok(out) => self.reporter.step(
                &t.target,
                &u.unit,
                step,
                if out.skipped { StepState::Skipped } else { StepState::Done },
                &out.detail,
            ),
            Err(e) => self.reporter.step(&t.target, &u.unit, step, StepState::Failed, &e.to_string()),
        }
        r.map(drop)
    }

    async fn pre_switch(
        &self,
        t: &TargetPlan,
        driver: Arc<dyn Driver>,
        u: &UnitPlan,
        runs: Arc<Mutex<HashMap<String, UnitRun>>>,
    ) -> bool {
        let started = Instant::now();
        for step in u.steps.iter().take_while(|s| !s.is_switch()) {
            if matches!(step, Step::AcquireLock) {
                continue;
            }
            if self.cancel.soft.is_cancelled() {
                return false;
            }
            if let Err(e) = self.step(t, driver.as_ref(), u, step).await {
                if let Some(run) = lock_or_recover(&runs).get_mut(&u.unit) {
                    run.report.result = if matches!(e, DriverError::Interrupted { .. }) {
                        UnitResult::Skipped
                    } else {
                        UnitResult::Failed
                    };
                    run.report.error = Some(e.to_string());
                    run.report.duration_ms = started.elapsed().as_millis();
                }
                return false;
            }
        }
        // The unit's duration covers staging too, not only switch and monitor.
        if let Some(run) = lock_or_recover(&runs).get_mut(&u.unit) {
            run.report.duration_ms += started.elapsed().as_millis();
        }
        true
    }

    async fn switch_and_monitor(
        &self,
        t: &TargetPlan,
        driver: Arc<dyn Driver>,
        u: &UnitPlan,
        runs: Arc<Mutex<HashMap<String, UnitRun>>>,
    ) -> bool {
        let started = Instant::now();
        if self.cancel.soft.is_cancelled() {
            return false;
        }
        let mut after_switch = false;
        for step in u.steps.iter().skip_while(|s| !s.is_switch()) {
            if matches!(step, Step::ReleaseLock) {
                continue;
            }
            if after_switch && self.cancel.hard.is_cancelled() {
                break;
            }
            match self.step(t, driver.as_ref(), u, step).await {
                Ok(()) => {
                    if step.is_switch() {
                        after_switch = true;
                        if let Some(run) = lock_or_recover(&runs).get_mut(&u.unit) {
                            run.switched = true;
                            run.report.result = UnitResult::Switched;
                            run.report.after = u.to;
                        }
                    }
                }
                Err(DriverError::Interrupted { .. }) if after_switch => {
                    // Interrupted while watching: the unit stays switched, the run reports it.
                    if let Some(run) = lock_or_recover(&runs).get_mut(&u.unit) {
                        run.report.error = Some("post-switch monitor interrupted".into());
                    }
                    return false;
                }
                Err(e) => {
                    let snapshot = {
                        let mut guard = lock_or_recover(&runs);
                        guard.get_mut(&u.unit).map(|run| {
                            run.report.error = Some(e.to_string());
                            run.report.duration_ms += started.elapsed().as_millis();
                            // Failed before the switch, or unhealthy after it.
                            run.report.result = UnitResult::Failed;
                            run.clone()
                        })
                    };
                    // A monitor failure on a switched unit: switch it back right away.
                    if let Some(mut r) =
                        snapshot.filter(|r| r.switched && t.auto_rollback && matches!(step, Step::Monitor { .. }))
                    {
                        self.switch_back(t, driver.as_ref(), u, &mut r).await;
                        if let Some(run) = lock_or_recover(&runs).get_mut(&u.unit) {
                            *run = r;
                        }
                    }
                    return false;
                }
            }
        }
        if let Some(run) = lock_or_recover(&runs).get_mut(&u.unit) {
            run.report.duration_ms += started.elapsed().as_millis();
            if !u.steps.iter().any(Step::is_switch) {
                // Already live (switched by an interrupted run), verified just now.
                run.report.result = UnitResult::Switched;
                run.report.after = u.to;
            }
        }
        true
    }

    /// Switches a unit back to the color it had before this run.
    async fn switch_back(&self, t: &TargetPlan, driver: &dyn Driver, u: &UnitPlan, run: &mut UnitRun) {
        let (Some(prev), Some(to)) = (u.live, u.to) else {
            let msg = "no previous color to return to (first deploy); it stays on the new color".to_string();
            run.report.error = Some(match run.report.error.take() {
                Some(e) => format!("{e}; {msg}"),
                None => msg,
            });
            run.report.result = UnitResult::Failed;
            return;
        };
        if !run.switched {
            return;
        }
        run.rollback_tried = true;
        let step = Step::Switch { from: Some(to), to: prev };
        match self.step(t, driver, u, &step).await {
            Ok(()) => {
                run.switched = false;
                run.report.result = UnitResult::RolledBack;
                run.report.after = Some(prev);
            }
            Err(e) => {
                run.report.error =
                    Some(format!("{}; rollback failed too: {e}", run.report.error.clone().unwrap_or_default()));
                run.report.result = UnitResult::Failed;
            }
        }
    }
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

fn new_unit_report(u: &UnitPlan, result: UnitResult, error: Option<String>) -> UnitReport {
    UnitReport {
        unit: u.unit.clone(),
        before: u.live,
        after: u.live,
        version_before: u.live_version.clone(),
        version: u.version.clone(),
        result,
        error,
        duration_ms: 0,
    }
}

fn skipped_target(t: &TargetPlan, why: &str) -> TargetReport {
    TargetReport {
        target: t.target.clone(),
        units: t
            .units
            .iter()
            .map(|u| {
                new_unit_report(
                    u,
                    if u.action == UnitAction::Noop { UnitResult::Unchanged } else { UnitResult::Skipped },
                    Some(why.to_string()),
                )
            })
            .collect(),
    }
}

pub mod fault;

#[cfg(test)]
mod tests;
