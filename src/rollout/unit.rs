//! One unit's part of a run: its steps before the switch, the switch and
//! the monitor, and its switch back; each step journaled on the unit and
//! reported, and a hard cancel honoured except during the switch itself.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use jiff::Timestamp;

use super::report::{StepTime, UnitResult};
use super::{Executor, StepState, UnitRun, fault, lock_or_recover};
use crate::drivers::{Driver, DriverError, StepContext};
use crate::model::{Color, JournalEntry, JournalState, MigrationPhase, Step};
use crate::plan::{TargetPlan, UnitPlan};

impl Executor<'_> {
    fn ctx(&self, u: &UnitPlan) -> StepContext {
        StepContext {
            version: u.version.clone().unwrap_or_else(|| self.plan.version.clone()),
            environment: self.plan.environment.clone(),
            journal: None,
        }
    }

    /// Records on the unit where this run is (best effort: a unit that cannot
    /// take the write fails its step right after anyway).
    pub(super) async fn journal(
        &self,
        t: &TargetPlan,
        driver: &dyn Driver,
        u: &UnitPlan,
        step: &Step,
        state: JournalState,
    ) {
        let entry = self.journal_entry(t, u, step, state);
        if let Err(e) = driver.journal(&u.unit, Some(&entry)).await {
            tracing::debug!("journal on {}: {e}", u.unit);
        }
    }

    pub(super) fn journal_entry(&self, t: &TargetPlan, u: &UnitPlan, step: &Step, state: JournalState) -> JournalEntry {
        JournalEntry {
            plan_hash: self.plan.hash.clone(),
            kind: crate::model::wire_name(&self.plan.kind),
            version: u.version.clone().unwrap_or_else(|| self.plan.version.clone()),
            from: u.live,
            to: u.to.unwrap_or(Color::Blue),
            step: step.label(),
            state,
            holder: self.user.clone(),
            at: Timestamp::now(),
            migrated: self.migrated.has(&t.target),
        }
    }

    /// One step with progress and journal, honouring a hard cancel; its
    /// timing is added to `times`.
    pub(super) async fn step(
        &self,
        t: &TargetPlan,
        driver: &dyn Driver,
        u: &UnitPlan,
        step: &Step,
        times: &mut Vec<StepTime>,
    ) -> Result<(), DriverError> {
        let started = Instant::now();
        self.reporter.step(&t.target, &u.unit, step, StepState::Started, "");
        let folded = driver.folds_journal();
        if !folded {
            self.journal(t, driver, u, step, JournalState::Started).await;
        }
        fault::inject(step, "before");
        let mut ctx = self.ctx(u);
        if folded {
            ctx.journal = Some(self.journal_entry(t, u, step, JournalState::Started));
        }
        let r = tokio::select! {
            r = driver.run_step(&u.unit, step, &ctx) => r,
            _ = self.cancel.hard.cancelled(), if !step.is_switch() => Err(DriverError::Interrupted { unit: u.unit.clone() }),
            // Watching health changes nothing: the first signal may end it.
            _ = self.cancel.soft.cancelled(), if matches!(step, Step::Monitor { .. }) => Err(DriverError::Interrupted { unit: u.unit.clone() }),
        };
        // The target's schema moved (or came back): every journal entry
        // from now on says so, so a resumed run does not migrate again.
        let mut moved = false;
        if let (Ok(_), Step::Migrate { phase, .. }) = (&r, step) {
            moved = matches!(phase, MigrationPhase::Run | MigrationPhase::Down);
            if moved {
                self.migrated.set(&t.target, *phase == MigrationPhase::Run);
            }
        }
        // A driver that folds the journal into its step wrote it before the
        // step ran: the schema's move is recorded here, before anything else.
        if !folded || moved {
            self.journal(t, driver, u, step, if r.is_ok() { JournalState::Done } else { JournalState::Failed }).await;
        }
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
        let state = match &r {
            Ok(out) if out.skipped => "skipped",
            Ok(_) => "done",
            Err(_) => "failed",
        };
        times.push(StepTime { step: step.label(), state, duration_ms: started.elapsed().as_millis() });
        r.map(drop)
    }

    pub(super) async fn pre_switch(
        &self,
        t: &TargetPlan,
        driver: Arc<dyn Driver>,
        u: &UnitPlan,
        runs: Arc<Mutex<HashMap<String, UnitRun>>>,
    ) -> bool {
        if lock_or_recover(&runs).get(&u.unit).is_some_and(|r| r.prepared) {
            return true;
        }
        let started = Instant::now();
        let mut times = Vec::new();
        let mut cancelled = false;
        for step in u.steps.iter().take_while(|s| !s.is_switch()) {
            if matches!(step, Step::AcquireLock) {
                continue;
            }
            if self.cancel.soft.is_cancelled() {
                cancelled = true;
                break;
            }
            if let Err(e) = self.step(t, driver.as_ref(), u, step, &mut times).await {
                if let Some(run) = lock_or_recover(&runs).get_mut(&u.unit) {
                    run.report.steps.append(&mut times);
                    run.report.result = if matches!(e, DriverError::Interrupted { .. }) {
                        UnitResult::Skipped
                    } else {
                        super::target::pending_or_failed(&e)
                    };
                    run.report.error = Some(e.to_string());
                    run.report.duration_ms = started.elapsed().as_millis();
                }
                return false;
            }
            if step.pauses() {
                // A canary step with `pause: manual`: the unit stops here,
                // its canary serving, until `rvmctl promote`.
                if let Some(run) = lock_or_recover(&runs).get_mut(&u.unit) {
                    run.report.steps.append(&mut times);
                    run.report.result = UnitResult::Paused;
                    run.report.duration_ms += started.elapsed().as_millis();
                }
                return false;
            }
        }
        if let Some(run) = lock_or_recover(&runs).get_mut(&u.unit) {
            run.report.steps.append(&mut times);
            run.prepared = !cancelled;
            if !cancelled {
                // The unit's duration covers staging too, not only switch and monitor.
                run.report.duration_ms += started.elapsed().as_millis();
            }
        }
        !cancelled
    }

    pub(super) async fn switch_and_monitor(
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
        let mut times = Vec::new();
        for step in u.steps.iter().skip_while(|s| !s.is_switch()) {
            if matches!(step, Step::ReleaseLock) {
                continue;
            }
            if after_switch && self.cancel.hard.is_cancelled() {
                break;
            }
            let r = self.step(t, driver.as_ref(), u, step, &mut times).await;
            if let Some(run) = lock_or_recover(&runs).get_mut(&u.unit) {
                run.report.steps.append(&mut times);
            }
            match r {
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
                    // The link dropped while the switch command ran: it may
                    // have happened. Treat the unit as switched, so the
                    // rollback puts it back (a no-op if it never moved).
                    let unknown = step.is_switch() && matches!(e, DriverError::Unreachable { .. });
                    let snapshot = {
                        let mut guard = lock_or_recover(&runs);
                        guard.get_mut(&u.unit).map(|run| {
                            run.report.error = Some(e.to_string());
                            run.report.duration_ms += started.elapsed().as_millis();
                            // Failed before the switch, or unhealthy after it.
                            run.report.result = UnitResult::Failed;
                            if unknown {
                                run.switched = true;
                                run.report.switch_unknown = true;
                            }
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
                // Already live (switched by an interrupted run of this
                // release), verified just now: if the release fails, it goes
                // back with the units this run switched.
                run.report.result = UnitResult::Switched;
                run.report.after = u.to;
                run.switched = u.live.is_some() && u.live != u.to;
            }
        }
        true
    }

    /// Switches a unit back to the color it had before this run.
    pub(super) async fn switch_back(&self, t: &TargetPlan, driver: &dyn Driver, u: &UnitPlan, run: &mut UnitRun) {
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
        match self.step(t, driver, u, &step, &mut run.report.steps).await {
            Ok(()) => {
                run.switched = false;
                run.report.result = UnitResult::RolledBack;
                run.report.after = Some(prev);
                run.report.switch_unknown = false;
                // The release installed its config files: put back what was there.
                if u.steps.iter().any(|s| matches!(s, Step::InstallConfig { .. })) {
                    let restore = Step::RestoreConfig { color: to, to: prev };
                    if let Err(e) = self.step(t, driver, u, &restore, &mut run.report.steps).await {
                        run.report.error = Some(format!(
                            "{}; its config files were not restored: {e}",
                            run.report.error.clone().unwrap_or_default()
                        ));
                    }
                }
            }
            Err(e) => {
                run.report.error =
                    Some(format!("{}; rollback failed too: {e}", run.report.error.clone().unwrap_or_default()));
                run.report.result = UnitResult::Failed;
            }
        }
    }
}
