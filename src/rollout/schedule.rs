//! The order of a run's targets: each once the targets in its `after:`
//! have succeeded, independent ones at the same time, no new one after a
//! failure; rollback groups decided at the end; the split, if any.

use std::collections::HashMap;
use std::time::Instant;

use futures::StreamExt;
use jiff::Timestamp;

use super::Executor;
use super::report::{self, ApplyOutcome, ApplyReport, TargetReport};
use super::target::{Opened, Ran};
use crate::model::TargetVersions;
use crate::plan::{PlanKind, TargetPlan};

impl Executor<'_> {
    /// Runs the plan's targets: each once the targets in its `after:` have
    /// succeeded, targets with no order between them at the same time. A
    /// failure (or a pause) starts no further target; the ones running
    /// finish. Rollback groups are decided at the end: a failed member puts
    /// back every member this run switched, newest first.
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
            split: Vec::new(),
            errors: Vec::new(),
        };
        if self.plan.is_noop() {
            report.outcome = ApplyOutcome::Noop;
        }
        for t in self.plan.targets.iter().filter(|t| t.migrated) {
            self.migrated.set(&t.target, true);
        }
        let targets = &self.plan.targets;
        let index: HashMap<&str, usize> = targets.iter().enumerate().map(|(i, t)| (t.target.as_str(), i)).collect();
        let deps: Vec<Vec<usize>> =
            targets.iter().map(|t| t.after.iter().filter_map(|a| index.get(a.as_str()).copied()).collect()).collect();
        // A switch back goes on for every target: it is how traffic gets back.
        let stops_line = self.plan.kind == PlanKind::Deploy;
        let mut state: Vec<Slot> = targets.iter().map(|_| Slot::Waiting).collect();
        let mut open: Vec<(usize, Opened)> = Vec::new();
        // Each target's report, outcome and errors, by plan index, once closed.
        let mut closed: Vec<Option<Closed>> = targets.iter().map(|_| None).collect();
        // The first target whose outcome stops the line, and that outcome.
        let mut stopped: Option<(usize, ApplyOutcome)> = None;
        let mut running = futures::stream::FuturesUnordered::new();
        loop {
            if stopped.is_none() || !stops_line {
                for (i, t) in targets.iter().enumerate() {
                    let ready = matches!(state[i], Slot::Waiting)
                        && deps[i].iter().all(|&d| matches!(state[d], Slot::Done(o) if proceeds(o) || !stops_line));
                    if !ready {
                        continue;
                    }
                    let Some(driver) = self.drivers.get(&t.target).cloned() else {
                        report.errors.push(format!("no driver for target {}", t.target));
                        state[i] = Slot::Done(ApplyOutcome::Failed);
                        stopped.get_or_insert((i, ApplyOutcome::Failed));
                        continue;
                    };
                    state[i] = Slot::Running;
                    running.push(async move { (i, self.open_target(t, driver).await) });
                }
            }
            let Some((i, ran)) = running.next().await else { break };
            let outcome = match &ran {
                Ran::Open(o) => o.outcome,
                Ran::Closed(_, o, _) => *o,
            };
            state[i] = Slot::Done(outcome);
            if !proceeds(outcome) {
                stopped.get_or_insert((i, outcome));
            }
            match ran {
                // A group member stays open (locks held, history unwritten)
                // until its group is decided.
                Ran::Open(o) if o.t.rollback_group.is_some() && stops_line => open.push((i, o)),
                Ran::Open(o) => closed[i] = Some(self.close_target(o).await),
                Ran::Closed(tr, o, e) => closed[i] = Some((tr, o, e)),
            }
        }
        let mut rolled_back_together = false;
        for group in groups(targets) {
            let members: Vec<usize> =
                (0..targets.len()).filter(|&i| targets[i].rollback_group.as_ref() == Some(&group)).collect();
            let cause = self.group_cause(&members, &state, stopped);
            let (mut mine, rest): (Vec<_>, Vec<_>) =
                std::mem::take(&mut open).into_iter().partition(|(_, o)| o.t.rollback_group.as_ref() == Some(&group));
            open = rest;
            if let Some(cause) = cause {
                // Newest first: the member that switched last goes back first.
                for (_, o) in mine.iter_mut().rev().filter(|(_, o)| o.switched() > 0) {
                    self.roll_back_together(o, &cause).await;
                    rolled_back_together = true;
                }
            }
            for (i, o) in mine {
                closed[i] = Some(self.close_target(o).await);
            }
        }
        for (i, o) in std::mem::take(&mut open) {
            closed[i] = Some(self.close_target(o).await);
        }

        let mut pending = false;
        for (i, (t, closed)) in targets.iter().zip(closed).enumerate() {
            match closed {
                Some((tr, outcome, errors)) => {
                    pending |= outcome == ApplyOutcome::Pending;
                    report.targets.push(tr);
                    report.errors.extend(errors);
                }
                None => {
                    report.targets.push(report::skipped_target(t, &not_attempted(targets, &deps[i], &state, stopped)))
                }
            }
        }
        report.outcome = match stopped {
            Some((_, ApplyOutcome::Failed)) if rolled_back_together => ApplyOutcome::RolledBack,
            Some((_, o)) => o,
            None if pending => ApplyOutcome::Pending,
            None => report.outcome,
        };
        let versions: Vec<TargetVersions> = report
            .targets
            .iter()
            .map(|t| TargetVersions { target: t.target.clone(), versions: t.versions_after() })
            .collect();
        report.split = crate::model::split(&versions);
        if !report.split.is_empty() && fails(report.outcome) {
            let advice = crate::model::split_advice(&self.plan.environment, &report.split);
            report.errors.push(format!("environment {} is split: {advice}", self.plan.environment));
        }
        report.duration_ms = started.elapsed().as_millis();
        report
    }

    /// Why a rollback group must come back, if it must: a member failed (or
    /// could not take its locks), or was not attempted because the run
    /// failed. An interruption or a pause decides nothing: `resume`,
    /// `abort` and `promote` do.
    fn group_cause(&self, members: &[usize], state: &[Slot], stopped: Option<(usize, ApplyOutcome)>) -> Option<String> {
        let name = |i: usize| &self.plan.targets[i].target;
        let failed = members.iter().find_map(|&i| match state[i] {
            Slot::Done(o) if fails(o) => Some((i, o)),
            _ => None,
        });
        if let Some((i, o)) = failed {
            return Some(format!("target {} {}", name(i), failure_word(o)));
        }
        let (s, o) = stopped.filter(|(_, o)| fails(*o))?;
        let i = members.iter().copied().find(|&i| matches!(state[i], Slot::Waiting))?;
        Some(format!("target {} was not attempted (target {} {})", name(i), name(s), failure_word(o)))
    }
}

/// A target's place in the run.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Waiting,
    Running,
    Done(ApplyOutcome),
}

/// A target's report, outcome and errors.
type Closed = (TargetReport, ApplyOutcome, Vec<String>);

/// Targets after this one may start.
fn proceeds(o: ApplyOutcome) -> bool {
    matches!(o, ApplyOutcome::Success | ApplyOutcome::Noop | ApplyOutcome::Pending)
}

/// The release failed here (as opposed to paused or interrupted).
fn fails(o: ApplyOutcome) -> bool {
    matches!(o, ApplyOutcome::Failed | ApplyOutcome::RolledBack | ApplyOutcome::LockHeld)
}

fn failure_word(o: ApplyOutcome) -> &'static str {
    match o {
        ApplyOutcome::LockHeld => "is locked by another run",
        ApplyOutcome::RolledBack => "failed and was rolled back",
        ApplyOutcome::Paused => "is paused (rvmctl promote continues)",
        ApplyOutcome::Interrupted => "was interrupted",
        _ => "failed",
    }
}

/// The rollback groups of a plan, in the order they first appear.
fn groups(targets: &[TargetPlan]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for g in targets.iter().filter_map(|t| t.rollback_group.as_ref()) {
        if !out.contains(g) {
            out.push(g.clone());
        }
    }
    out
}

/// Why a target was not attempted: a target it starts after did not
/// succeed, or the run stopped before it.
fn not_attempted(
    targets: &[TargetPlan],
    deps: &[usize],
    state: &[Slot],
    stopped: Option<(usize, ApplyOutcome)>,
) -> String {
    let blocker = deps
        .iter()
        .find_map(|&d| match state[d] {
            Slot::Done(o) if !proceeds(o) => Some((d, o)),
            _ => None,
        })
        .or(stopped);
    match blocker {
        Some((d, o)) => format!("not attempted: target {} {}", targets[d].target, failure_word(o)),
        None => "not attempted".to_string(),
    }
}
