//! One target of a plan, in four phases: every lock first, the waves (with
//! the failure budget and canary pauses), the switch back of switched units
//! when the run failed, and history on every touched unit before the locks go.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use jiff::Timestamp;

use super::report::{ApplyOutcome, TargetReport, UnitResult, new_unit_report};
use super::{Executor, StepState, UnitRun, bookkeeping_concurrency, exceeds, lock_or_recover, release_all};
use crate::config::schema::{AnalysisPause, Pause, Strategy};
use crate::drivers::{Driver, DriverError, LockGuard};
use crate::model::{Color, HistoryAction, HistoryEntry, Outcome, Step};
use crate::plan::{PlanKind, TargetPlan, UnitAction, UnitPlan};

type Locks = HashMap<String, Box<dyn LockGuard>>;
type LockResult = (String, Result<Box<dyn LockGuard>, DriverError>);
type Runs = Arc<Mutex<HashMap<String, UnitRun>>>;

/// What the migrations and the waves of one target work on.
#[derive(Clone, Copy)]
struct Phase<'r> {
    t: &'r TargetPlan,
    driver: &'r Arc<dyn Driver>,
    deploy: &'r [&'r UnitPlan],
    locks: &'r Locks,
    runs: &'r Runs,
}

/// A target whose waves are done (phases 1–3) but whose history is not
/// written and whose locks are still held: a member of a rollback group
/// stays open until the group is decided.
pub(super) struct Opened<'p> {
    pub t: &'p TargetPlan,
    driver: Arc<dyn Driver>,
    runs: HashMap<String, UnitRun>,
    locks: Locks,
    pub outcome: ApplyOutcome,
    errors: Vec<String>,
    started_at: Timestamp,
    finished_at: Timestamp,
    rolled_back_with: Option<String>,
}

impl Opened<'_> {
    /// Units of this target the run switched (and did not put back).
    pub fn switched(&self) -> usize {
        self.runs.values().filter(|r| r.switched && !r.rollback_tried).count()
    }
}

/// What running a target's phases gave: open (waves done, history and
/// locks pending), or already closed (a lock held elsewhere: nothing ran).
pub(super) enum Ran<'p> {
    Open(Opened<'p>),
    Closed(TargetReport, ApplyOutcome, Vec<String>),
}

impl Executor<'_> {
    /// Phases 1–3 of a target: every lock, the waves, the switch back of
    /// switched units when it failed.
    pub(super) async fn open_target<'p>(&self, t: &'p TargetPlan, driver: Arc<dyn Driver>) -> Ran<'p> {
        let started_at = Timestamp::now();
        let mut errors = Vec::new();
        let deploy: Vec<&UnitPlan> = t.units.iter().filter(|u| u.action == UnitAction::Deploy).collect();
        let mut runs: HashMap<String, UnitRun> = t
            .units
            .iter()
            .map(|u| {
                let result = match u.action {
                    UnitAction::Deploy => UnitResult::Skipped,
                    UnitAction::Noop => UnitResult::Unchanged,
                    UnitAction::Unreachable => UnitResult::Pending,
                    UnitAction::Blocked => UnitResult::Failed,
                };
                let error = (u.action != UnitAction::Deploy && u.action != UnitAction::Noop).then(|| u.reason.clone());
                (
                    u.unit.clone(),
                    UnitRun {
                        report: new_unit_report(u, result, error),
                        switched: false,
                        prepared: false,
                        rollback_tried: false,
                    },
                )
            })
            .collect();

        // 1. Every lock first: a second deploy is refused before anything changes.
        let (locks, held_elsewhere) = self.lock_all(t, &driver, &deploy, &mut runs, &mut errors).await;
        if !held_elsewhere.is_empty() {
            release_all(locks).await;
            let mut tr = target_report(t, runs);
            tr.started_at = Some(started_at);
            return Ran::Closed(tr, ApplyOutcome::LockHeld, held_elsewhere);
        }

        // 2. The migrations (once, on one unit, before anything switches), then the waves.
        let runs: Runs = Arc::new(Mutex::new(runs));
        let phase = Phase { t, driver: &driver, deploy: &deploy, locks: &locks, runs: &runs };
        let mut outcome = match self.migrate(phase, &mut errors).await {
            None => self.run_waves(phase, &mut errors).await,
            Some(stopped) => stopped,
        };

        // 3. Failure: put switched units back when auto_rollback is on, then
        // undo the migrations.
        let mut runs = std::mem::take(&mut *lock_or_recover(&runs));
        if outcome == ApplyOutcome::Failed && t.auto_rollback {
            self.roll_back_switched(t, &driver, &mut runs).await;
            if runs.values().any(|r| r.report.result == UnitResult::RolledBack) {
                outcome = ApplyOutcome::RolledBack;
            }
            errors.extend(self.migrate_down(t, &driver, &mut runs).await);
        }
        if matches!(outcome, ApplyOutcome::Success | ApplyOutcome::Paused)
            && runs.values().any(|r| r.report.result == UnitResult::Failed)
        {
            outcome = ApplyOutcome::Failed;
        }
        if outcome == ApplyOutcome::Success && runs.values().any(|r| r.report.result == UnitResult::Pending) {
            outcome = ApplyOutcome::Pending;
        }
        Ran::Open(Opened {
            t,
            driver,
            runs,
            locks,
            outcome,
            errors,
            started_at,
            finished_at: Timestamp::now(),
            rolled_back_with: None,
        })
    }

    /// Phase 4: history on every touched unit, then the locks.
    pub(super) async fn close_target(&self, o: Opened<'_>) -> (TargetReport, ApplyOutcome, Vec<String>) {
        let Opened { t, driver, runs, locks, outcome, mut errors, started_at, finished_at, rolled_back_with } = o;
        let deploy: Vec<&UnitPlan> = t.units.iter().filter(|u| u.action == UnitAction::Deploy).collect();
        errors.extend(self.record_history(t, &driver, &deploy, &runs, &locks, outcome).await);
        release_all(locks).await;
        let mut tr = target_report(t, runs);
        tr.started_at = Some(started_at);
        tr.finished_at = Some(finished_at);
        tr.rolled_back_with = rolled_back_with;
        for u in &tr.units {
            if let (Some(e), UnitResult::Failed | UnitResult::RolledBack) = (&u.error, u.result) {
                if !errors.iter().any(|x| x == e) {
                    errors.push(e.clone());
                }
            }
        }
        (tr, outcome, errors)
    }

    /// `rollback: together`: another member of the group failed (`cause`
    /// says which and why), so every unit of this target the run switched
    /// goes back, each in one guarded switch, and says why in its history.
    pub(super) async fn roll_back_together(&self, o: &mut Opened<'_>, cause: &str) {
        let why = format!("rolled back together: {cause}");
        super::fault::inject_point("rollback_together", "before");
        self.reporter.message(&format!("{}: {why}", o.t.target));
        for run in o.runs.values_mut().filter(|r| r.switched && !r.rollback_tried) {
            run.report.error = Some(why.clone());
        }
        self.roll_back_switched(o.t, &o.driver, &mut o.runs).await;
        let down = self.migrate_down(o.t, &o.driver, &mut o.runs).await;
        o.errors.extend(down);
        if o.runs.values().any(|r| r.report.result == UnitResult::RolledBack) {
            o.outcome = ApplyOutcome::RolledBack;
            o.rolled_back_with = Some(cause.to_string());
            o.errors.push(format!("{}: {why}", o.t.target));
        } else if o.switched() > 0 || o.runs.values().any(|r| r.report.result == UnitResult::Failed) {
            o.outcome = ApplyOutcome::Failed;
        }
        super::fault::inject_point("rollback_together", "after");
    }

    /// The target's migrations run on the unit the plan gave them to: its
    /// steps before the switch (stage, checks, then backup, dry run, run)
    /// go first, before any wave. None: go on with the waves; otherwise the
    /// target stops here and nothing of it has switched.
    async fn migrate(&self, phase: Phase<'_>, errors: &mut Vec<String>) -> Option<ApplyOutcome> {
        let Phase { t, driver, deploy, locks, runs } = phase;
        let u = deploy.iter().find(|u| u.runs_migrations()).filter(|u| locks.contains_key(&u.unit))?;
        self.reporter.message(&format!("{}: migrations first, on {}", t.target, u.unit));
        if self.pre_switch(t, driver.clone(), u, runs.clone()).await {
            return None;
        }
        if self.cancel.soft.is_cancelled() {
            return Some(ApplyOutcome::Interrupted);
        }
        let why = lock_or_recover(runs).get(&u.unit).and_then(|r| r.report.error.clone()).unwrap_or_default();
        let stop = format!("not attempted: the migrations on {} failed, nothing of {} switched", u.unit, t.target);
        for run in lock_or_recover(runs).values_mut().filter(|r| r.report.result == UnitResult::Skipped) {
            run.report.error = Some(stop.clone());
        }
        errors.push(format!("{}: the migrations failed before any switch: {why}", t.target));
        Some(ApplyOutcome::Failed)
    }

    /// The release failed after its migrations ran: `migrations.down` runs
    /// once, from the release's slot on the unit that migrated. Returns
    /// what went wrong (no `down`, or a failing one).
    async fn migrate_down(
        &self,
        t: &TargetPlan,
        driver: &Arc<dyn Driver>,
        runs: &mut HashMap<String, UnitRun>,
    ) -> Option<String> {
        if !self.migrated.has(&t.target) {
            return None;
        }
        let u = t
            .units
            .iter()
            .find(|u| u.runs_migrations())
            .or_else(|| t.units.iter().find(|u| u.action == UnitAction::Deploy))?;
        let color = u.to?;
        let step = Step::Migrate {
            phase: crate::model::MigrationPhase::Down,
            color,
            version: u.version.clone().unwrap_or_else(|| self.plan.version.clone()),
        };
        let mut times = Vec::new();
        let r = self.step(t, driver.as_ref(), u, &step, &mut times).await;
        if let Some(run) = runs.get_mut(&u.unit) {
            run.report.steps.append(&mut times);
        }
        r.err().map(|e| format!("{}: {e}", t.target))
    }

    /// Takes every unit's lock (concurrently). Units whose lock could not be
    /// taken for another reason than a holder are failed; the second list says
    /// who holds the others.
    async fn lock_all(
        &self,
        t: &TargetPlan,
        driver: &Arc<dyn Driver>,
        deploy: &[&UnitPlan],
        runs: &mut HashMap<String, UnitRun>,
        errors: &mut Vec<String>,
    ) -> (Locks, Vec<String>) {
        let info = crate::drivers::lock_info(
            &format!("{} {}", crate::model::wire_name(&self.plan.kind), self.plan.version),
            Some(self.plan.hash.clone()),
        );
        let results: Vec<LockResult> = futures::stream::iter(deploy.iter().map(|u| {
            let (d, info, unit) = (driver.clone(), info.clone(), u.unit.clone());
            // A driver that journals inside its steps records the unit's first
            // entry with the lock, so a run killed before its first step shows.
            let first = u.steps.iter().find(|s| !matches!(s, Step::AcquireLock));
            let journal = first
                .filter(|_| driver.folds_journal())
                .map(|s| self.journal_entry(t, u, s, crate::model::JournalState::Started));
            async move {
                self.reporter.step(&t.target, &unit, &Step::AcquireLock, StepState::Started, "");
                let r = d.lock(&unit, &info, journal.as_ref()).await;
                let state = if r.is_ok() { StepState::Done } else { StepState::Failed };
                let detail = r.as_ref().err().map(ToString::to_string).unwrap_or_default();
                self.reporter.step(&t.target, &unit, &Step::AcquireLock, state, &detail);
                (unit, r)
            }
        }))
        .buffer_unordered(bookkeeping_concurrency(t))
        .collect()
        .await;
        let mut locks = Locks::new();
        let mut held_elsewhere = Vec::new();
        for (unit, r) in results {
            match r {
                Ok(g) => {
                    locks.insert(unit, g);
                }
                Err(e @ DriverError::Locked { .. }) => held_elsewhere.push(e.to_string()),
                Err(e) => {
                    if let Some(run) = runs.get_mut(&unit) {
                        run.report.result = pending_or_failed(&e);
                        run.report.error = Some(e.to_string());
                    }
                    errors.push(e.to_string());
                }
            }
        }
        (locks, held_elsewhere)
    }

    /// Runs the waves in order until one fails the budget, a pause waits
    /// for `promote` or an analysis trips during one, or a signal asks to stop.
    async fn run_waves(&self, phase: Phase<'_>, errors: &mut Vec<String>) -> ApplyOutcome {
        let Phase { t, driver, deploy, locks, runs } = phase;
        let total = t.units.len().max(1);
        let budget = t.max_failure_rate;
        let pause_name = pause_name(t);
        let failed_count = || {
            lock_or_recover(runs)
                .values()
                .filter(|r| match r.report.result {
                    UnitResult::Failed | UnitResult::RolledBack => true,
                    UnitResult::Pending => t.count_unreachable,
                    _ => false,
                })
                .count()
        };
        for (wi, wave) in t.waves.iter().enumerate() {
            if self.cancel.soft.is_cancelled() {
                return ApplyOutcome::Interrupted;
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
                let failed = failed_count();
                if self.cancel.soft.is_cancelled() {
                    return ApplyOutcome::Interrupted;
                }
                if exceeds(failed, total, budget) {
                    let why = format!(
                        "{}: {failed} of {total} units failed before the switch (budget {:.0}%); nothing in this wave was switched",
                        t.target,
                        budget * 100.0
                    );
                    // Deliberately not switched: not an interruption to resume.
                    for run in lock_or_recover(runs).values_mut().filter(|r| ok.contains(&r.report.unit)) {
                        run.report.result = UnitResult::Stopped;
                        run.report.error = Some(format!("not switched: {why}"));
                    }
                    errors.push(why);
                    return ApplyOutcome::Failed;
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
            let failed = failed_count();
            if self.cancel.soft.is_cancelled() {
                return ApplyOutcome::Interrupted;
            }
            if exceeds(failed, total, budget) {
                errors.push(format!("{}: {failed} of {total} units failed (budget {:.0}%)", t.target, budget * 100.0));
                return ApplyOutcome::Failed;
            }
            let paused = lock_or_recover(runs).values().filter(|r| r.report.result == UnitResult::Paused).count();
            if paused > 0 {
                self.reporter.message(&format!(
                    "{}: paused in the canary of {paused} unit(s) (canary pause: manual); `rvmctl promote -e {}` continues, `rvmctl rollback -e {}` ends it",
                    t.target, self.plan.environment, self.plan.environment
                ));
                return ApplyOutcome::Paused;
            }
            // The plan stores the pause as its label; a saved plan is hash-checked.
            match wave.pause_after.as_deref().and_then(Pause::from_label) {
                None => {}
                Some(Pause::Manual) => {
                    self.reporter.message(&format!(
                        "{}: paused after wave {}/{} ({pause_name}: manual): {}; `rvmctl promote -e {}` continues",
                        t.target,
                        wi + 1,
                        t.waves.len(),
                        standing(t, runs, &self.plan.version),
                        self.plan.environment
                    ));
                    return ApplyOutcome::Paused;
                }
                Some(Pause::For(d)) => {
                    self.reporter.message(&format!(
                        "{}: {}; pausing {d} before the next wave",
                        t.target,
                        standing(t, runs, &self.plan.version)
                    ));
                    tokio::select! {
                        _ = tokio::time::sleep(d.get()) => {}
                        _ = self.cancel.soft.cancelled() => return ApplyOutcome::Interrupted,
                    }
                }
                Some(Pause::Analysis(a)) => match self.watch_wave(t, driver, &units, runs, &a).await {
                    WaveWatch::Held => {}
                    WaveWatch::Interrupted => return ApplyOutcome::Interrupted,
                    WaveWatch::Tripped(why) => {
                        errors.push(why);
                        return ApplyOutcome::Failed;
                    }
                },
            }
        }
        ApplyOutcome::Success
    }

    /// A canary pause, or a pause between rolling waves, on an analysis:
    /// watches every unit of the wave that switched (health and the
    /// analysis) for the pause's duration. Held: go on with the next wave;
    /// tripped on any unit: that unit fails, and the target's failure puts
    /// every switched unit back (`auto_rollback`).
    async fn watch_wave(
        &self,
        t: &TargetPlan,
        driver: &Arc<dyn Driver>,
        units: &[&UnitPlan],
        runs: &Runs,
        a: &AnalysisPause,
    ) -> WaveWatch {
        let switched: Vec<(&UnitPlan, Color)> = units
            .iter()
            .copied()
            .filter(|u| lock_or_recover(runs).get(&u.unit).is_some_and(|r| r.switched))
            .filter_map(|u| u.to.map(|c| (u, c)))
            .collect();
        self.reporter.message(&format!(
            "{}: {}; watching analysis {} on the {} switched unit(s) for {} before the next wave",
            t.target,
            standing(t, runs, &self.plan.version),
            a.analysis,
            switched.len(),
            a.duration
        ));
        let version = &self.plan.version;
        let step = pause_name(t);
        // The first unit that trips ends the pause for all: the target's
        // failure then puts every switched unit back at once.
        let mut watches: futures::stream::FuturesUnordered<_> = switched
            .iter()
            .map(|(u, color)| async move {
                (u, driver.watch(&u.unit, *color, version, a.duration.get(), &a.analysis, step).await)
            })
            .collect();
        loop {
            let next = tokio::select! {
                next = watches.next() => next,
                _ = self.cancel.soft.cancelled() => return WaveWatch::Interrupted,
            };
            match next {
                None => break,
                Some((_, Ok(_))) => {}
                Some((u, Err(e))) => {
                    if let Some(run) = lock_or_recover(runs).get_mut(&u.unit) {
                        run.report.result = UnitResult::Failed;
                        run.report.error = Some(e.to_string());
                    }
                    return WaveWatch::Tripped(match t.strategy {
                        Strategy::Rolling => format!(
                            "{}: analysis {} failed on {} between waves; the next wave is not started",
                            t.target, a.analysis, u.unit
                        ),
                        _ => format!(
                            "{}: canary analysis {} failed on {} during the pause; not promoting",
                            t.target, a.analysis, u.unit
                        ),
                    });
                }
            }
        }
        let next = if t.strategy == Strategy::Rolling { "next wave" } else { "promoting" };
        self.reporter.message(&format!("{}: analysis {} held for {}; {next}", t.target, a.analysis, a.duration));
        WaveWatch::Held
    }

    /// Switches every switched unit back, all at once (a switch back is one
    /// atomic write per unit): the failed release must not stay live on the
    /// last unit while the first go back. Units whose own monitor already
    /// switched them back are skipped.
    async fn roll_back_switched(&self, t: &TargetPlan, driver: &Arc<dyn Driver>, runs: &mut HashMap<String, UnitRun>) {
        let switched: Vec<&UnitPlan> = t
            .units
            .iter()
            .filter(|u| u.action == UnitAction::Deploy)
            .filter(|u| runs.get(&u.unit).is_some_and(|r| r.switched && !r.rollback_tried))
            .collect();
        if switched.is_empty() {
            return;
        }
        self.reporter.message(&format!("{}: rolling back {} switched unit(s)", t.target, switched.len()));
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

    /// Appends a history entry on every unit this run touched (concurrently:
    /// pure bookkeeping) and clears the journal of units that finished.
    /// Returns the units whose history could not be written.
    async fn record_history(
        &self,
        t: &TargetPlan,
        driver: &Arc<dyn Driver>,
        deploy: &[&UnitPlan],
        runs: &HashMap<String, UnitRun>,
        locks: &Locks,
        outcome: ApplyOutcome,
    ) -> Vec<String> {
        // A pending unit cannot take a history line: it is unreachable. A
        // skipped one gets none, but the first journal entry its lock wrote
        // goes: this run will not come back for it.
        let entries: Vec<(String, Option<HistoryEntry>)> = deploy
            .iter()
            .filter(|u| locks.contains_key(&u.unit))
            .filter_map(|u| {
                let run = runs.get(&u.unit)?;
                match run.report.result {
                    // Its journal stays: it says where the canary stopped,
                    // and promote or rollback finishes the run.
                    UnitResult::Pending | UnitResult::Paused => None,
                    UnitResult::Skipped if outcome != ApplyOutcome::Interrupted => {
                        driver.folds_journal().then(|| (u.unit.clone(), None))
                    }
                    _ => Some((u.unit.clone(), Some(self.history_entry(t, u, run, outcome)))),
                }
            })
            .collect();
        futures::stream::iter(entries.into_iter().map(|(unit, entry)| {
            let d = driver.clone();
            async move {
                let Some(entry) = entry else {
                    return d
                        .journal(&unit, None)
                        .await
                        .err()
                        .map(|e| format!("{unit}: could not clear its journal: {e}"));
                };
                // Finished, either way (unless interrupted): nothing left here to resume or abort.
                let finished = entry.result != Outcome::Interrupted;
                d.record(&unit, &entry, finished).await.err().map(|e| format!("{unit}: could not record history: {e}"))
            }
        }))
        .buffer_unordered(bookkeeping_concurrency(t))
        .filter_map(|e| async move { e })
        .collect()
        .await
    }

    fn history_entry(&self, t: &TargetPlan, u: &UnitPlan, run: &UnitRun, outcome: ApplyOutcome) -> HistoryEntry {
        let result = match (run.report.result, outcome) {
            // Switched, but the monitor was cut short by a signal.
            (UnitResult::Switched, ApplyOutcome::Interrupted) if run.report.error.is_some() => Outcome::Interrupted,
            (UnitResult::Switched, _) => Outcome::Success,
            (UnitResult::RolledBack, _) => Outcome::RolledBack,
            (UnitResult::Stopped, _) => Outcome::Stopped,
            (_, ApplyOutcome::Interrupted) => Outcome::Interrupted,
            _ => Outcome::Failed,
        };
        HistoryEntry {
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
            // Live on the version whose migrations ran here (and stayed).
            migrated: self.migrated.has(&t.target) && run.report.result == UnitResult::Switched,
            identity: None,
        }
    }

    /// Runs `f` over units with the target's concurrency; returns the units
    /// for which it returned true.
    pub(super) async fn for_each<'u, F, Fut>(&self, units: &[&'u UnitPlan], t: &TargetPlan, f: F) -> Vec<String>
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
}

/// A unit that could not be reached is pending, not failed; one that
/// refused us ([`DriverError::Refused`]: its host key, our credentials) is
/// failed: someone must look at it.
pub(super) fn pending_or_failed(e: &DriverError) -> UnitResult {
    match e {
        DriverError::Unreachable { .. } => UnitResult::Pending,
        _ => UnitResult::Failed,
    }
}

/// The target's report: every unit in plan order, as far as this run got.
fn target_report(t: &TargetPlan, mut runs: HashMap<String, UnitRun>) -> TargetReport {
    TargetReport {
        target: t.target.clone(),
        started_at: None,
        finished_at: None,
        rolled_back_with: None,
        units: t
            .units
            .iter()
            .map(|u| {
                runs.remove(&u.unit).map(|r| r.report).unwrap_or_else(|| new_unit_report(u, UnitResult::Skipped, None))
            })
            .collect(),
    }
}

/// Where the target stands at a pause, for the operator watching the run:
/// `3/10 units on 1.1.0, 7 not yet (1 failed)`.
fn standing(t: &TargetPlan, runs: &Runs, version: &str) -> String {
    let runs = lock_or_recover(runs);
    let total = t.units.len();
    let on = runs.values().filter(|r| r.report.version_after() == Some(version)).count();
    let failed =
        runs.values().filter(|r| matches!(r.report.result, UnitResult::Failed | UnitResult::RolledBack)).count();
    let failed = if failed > 0 { format!(" ({failed} failed)") } else { String::new() };
    format!("{on}/{total} units on {version}, {} not yet{failed}", total - on)
}

/// What a wave's pause is called in messages and errors.
fn pause_name(t: &TargetPlan) -> &'static str {
    match t.strategy {
        Strategy::Rolling => "pause between waves",
        _ => "canary pause",
    }
}

/// How a pause on an analysis ended.
enum WaveWatch {
    Held,
    Tripped(String),
    Interrupted,
}
