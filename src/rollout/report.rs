//! What a run did, per unit and per target: the data `ui` renders as the
//! report table, `-o json`, the GitHub step summary and outputs.

use jiff::Timestamp;
use serde::Serialize;

use crate::model::{Color, TargetVersions};
use crate::plan::{PlanKind, TargetPlan, UnitAction, UnitPlan};

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
    /// Prepared and verified, then deliberately not switched: the failure
    /// budget stopped the rollout. Live color untouched; nothing to resume.
    Stopped,
    /// Kubernetes canary with `pause: manual`: a share of the replicas runs
    /// the new version and the Service selects both colors; `rvmctl
    /// promote` continues, `rvmctl rollback` ends it.
    Paused,
    /// Could not be reached: not a failed release. Untouched (or stopped
    /// where the link dropped, live color unchanged); the next run of the same
    /// deploy, or `--until-converged`, deploys it.
    Pending,
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
    /// The link was lost while the switch command ran: it may or may not
    /// have happened on the unit, and switching back could not be confirmed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub switch_unknown: bool,
    pub duration_ms: u128,
    /// Each step this run ran on the unit, in order, with how long it took.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<StepTime>,
}

/// One step of a unit's run: what, how it ended, how long it took.
#[derive(Debug, Clone, Serialize)]
pub struct StepTime {
    pub step: String,
    /// `done`, `skipped` or `failed`.
    pub state: &'static str,
    pub duration_ms: u128,
}

impl UnitReport {
    /// Live on another color than before the run (switched, and not back).
    pub fn moved(&self) -> bool {
        self.after.is_some() && self.after != self.before
    }
    /// Whether the run did anything on it: a step ran, or it moved, or its
    /// switch may have happened. A unit refused before its first step (it
    /// could not be observed, it refused us) was not attempted.
    pub fn attempted(&self) -> bool {
        !self.steps.is_empty() || self.moved() || self.switch_unknown
    }
    /// Version live after the run, as far as this run knows.
    pub fn version_after(&self) -> Option<&str> {
        if self.moved() { self.version.as_deref() } else { self.version_before.as_deref() }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetReport {
    pub target: String,
    /// When its rollout started and when its last wave (and monitor) ended;
    /// absent for a target that was not attempted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<Timestamp>,
    /// Switched back with its rollback group because another target failed
    /// (`rollback: together`): which one, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rolled_back_with: Option<String>,
    pub units: Vec<UnitReport>,
}

impl TargetReport {
    /// The versions its units run after the run (pending units, which
    /// were not reached, aside), deduplicated in order.
    pub fn versions_after(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for u in self.units.iter().filter(|u| u.result != UnitResult::Pending) {
            if let Some(v) = u.version_after() {
                if !out.iter().any(|x| x == v) {
                    out.push(v.to_string());
                }
            }
        }
        out
    }
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
    /// Every reachable unit is on the version; some units could not be
    /// reached and are pending (exit 7).
    Pending,
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
    /// Set when the run ended with its targets on different versions (a
    /// target failed after another switched, without `rollback:
    /// together`): each target's versions. Exit code 8.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub split: Vec<TargetVersions>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
}

pub(super) fn new_unit_report(u: &UnitPlan, result: UnitResult, error: Option<String>) -> UnitReport {
    UnitReport {
        unit: u.unit.clone(),
        before: u.live,
        after: u.live,
        version_before: u.live_version.clone(),
        version: u.version.clone(),
        result,
        error,
        switch_unknown: false,
        duration_ms: 0,
        steps: Vec::new(),
    }
}

pub(super) fn skipped_target(t: &TargetPlan, why: &str) -> TargetReport {
    TargetReport {
        target: t.target.clone(),
        started_at: None,
        finished_at: None,
        rolled_back_with: None,
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
