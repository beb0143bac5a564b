//! The contract every target kind implements: observe a unit (a host, or a
//! Kubernetes app), hold its lock, run one plan step, probe its health, keep
//! its history and journal. Strategies in `rollout` only talk to [`Driver`],
//! so each strategy is tested against every driver.

use async_trait::async_trait;
use jiff::Timestamp;
use serde::Serialize;

use crate::config::schema::TargetKind;
use crate::model::{Color, HistoryEntry, JournalEntry, LockInfo, PlanDetails, Step, UnitState};

#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    #[error("{unit}: locked by {} since {} ({}){}", .info.holder, .info.since.strftime("%Y-%m-%d %H:%M:%S UTC"), .info.operation, expiry_suffix(.info))]
    Locked { unit: String, info: Box<LockInfo> },
    #[error("{unit}: {step} failed: {message}{}", tail_suffix(.output))]
    StepFailed { unit: String, step: String, message: String, output: String },
    #[error("{unit}: unreachable: {message}")]
    Unreachable { unit: String, message: String },
    /// The unit answered but refused us (its host key, our credentials):
    /// not pending like an unreachable one; an operator must look.
    #[error("{unit}: {message}")]
    Refused { unit: String, message: String },
    #[error("{unit}: interrupted")]
    Interrupted { unit: String },
    #[error("{unit}: {message}")]
    Other { unit: String, message: String },
}

/// For a lock that frees itself: when, and that waiting is enough.
fn expiry_suffix(info: &LockInfo) -> String {
    let Some(at) = info.expires else { return String::new() };
    let left = at.as_second() - Timestamp::now().as_second();
    format!(
        ". If that run is still going, wait for it; if it was killed, its Lease expires by itself at {} (in {}s) and the next run takes it: `--force` is not needed",
        at.strftime("%H:%M:%S UTC"),
        left.max(0)
    )
}

fn tail_suffix(output: &str) -> String {
    let lines: Vec<&str> = output.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return String::new();
    }
    let start = lines.len().saturating_sub(10);
    format!("\n    last output:\n      {}", lines[start..].join("\n      "))
}

impl DriverError {
    /// Why `state` could not be observed, as the error of a step that needed it.
    pub fn unobserved(state: &UnitState) -> Option<DriverError> {
        let (Some(message), None) = (&state.error, state.live) else { return None };
        let (unit, message) = (state.unit.clone(), message.clone());
        Some(if state.refused {
            DriverError::Refused { unit, message }
        } else {
            DriverError::Unreachable { unit, message }
        })
    }

    pub fn unit(&self) -> &str {
        match self {
            DriverError::Locked { unit, .. }
            | DriverError::StepFailed { unit, .. }
            | DriverError::Unreachable { unit, .. }
            | DriverError::Refused { unit, .. }
            | DriverError::Interrupted { unit }
            | DriverError::Other { unit, .. } => unit,
        }
    }
}

/// A held lock; dropping it releases the lock too (best effort).
#[async_trait]
pub trait LockGuard: Send + Sync {
    async fn release(self: Box<Self>) -> Result<(), DriverError>;
}

/// What a step needs to know beyond the step itself.
#[derive(Debug, Clone)]
pub struct StepContext {
    pub version: String,
    pub environment: String,
    /// This step's journal entry (state `started`), for a driver that folds
    /// journal writes into the step's own remote command
    /// ([`Driver::folds_journal`]); `None` otherwise.
    pub journal: Option<JournalEntry>,
}

/// What a step produced (shown with -v; the tail is shown on failure).
#[derive(Debug, Clone, Default, Serialize)]
pub struct StepOutput {
    pub detail: String,
    pub skipped: bool,
}

#[async_trait]
pub trait Driver: Send + Sync {
    fn kind(&self) -> TargetKind;
    /// The units this driver deploys to (host names, or the app name).
    fn units(&self) -> Vec<String>;
    async fn observe(&self, unit: &str) -> UnitState;
    /// Resolves the artifact of `version` on the operator's side; its sha256
    /// when it has one (a plan records it, apply verifies it).
    async fn prepare(&self, version: &str) -> Result<Option<String>, String>;
    /// Takes the unit's lock. A driver that folds its journal
    /// ([`Driver::folds_journal`]) records `journal` (the run's first entry
    /// on this unit) as it takes it, so a run killed before its first step
    /// still shows as interrupted; others ignore it.
    async fn lock(
        &self,
        unit: &str,
        info: &LockInfo,
        journal: Option<&JournalEntry>,
    ) -> Result<Box<dyn LockGuard>, DriverError>;
    /// Runs one side-effecting step of a plan on one unit.
    async fn run_step(&self, unit: &str, step: &Step, ctx: &StepContext) -> Result<StepOutput, DriverError>;
    /// Runs the app's health checks against `color` once (no retries).
    async fn probe(&self, unit: &str, color: Color, version: &str) -> Result<(), DriverError>;
    /// Watches `unit` on `color` for `duration` (a canary pause, or a pause
    /// between rolling waves: `step` names it in errors): its health checks
    /// and the analysis named `analysis`; fails when either does.
    async fn watch(
        &self,
        unit: &str,
        color: Color,
        version: &str,
        duration: std::time::Duration,
        analysis: &str,
        step: &str,
    ) -> Result<StepOutput, DriverError> {
        let _ = (color, version, duration, step);
        Err(DriverError::Other {
            unit: unit.to_string(),
            message: format!("this target cannot watch analysis '{analysis}' between waves"),
        })
    }
    /// Evaluates the app's analyses for `unit` on `color` once, now.
    async fn analyze(
        &self,
        unit: &str,
        color: Color,
        version: &str,
    ) -> Result<Vec<crate::gates::analysis::Evaluation>, DriverError> {
        let _ = (unit, color, version);
        Ok(Vec::new())
    }
    async fn append_history(&self, unit: &str, entry: &HistoryEntry) -> Result<(), DriverError>;
    async fn history(&self, unit: &str) -> Result<Vec<HistoryEntry>, DriverError>;
    /// Forcibly clears a lock left by a dead run.
    async fn break_lock(&self, unit: &str) -> Result<(), DriverError>;
    /// Appends `entry` to the unit's history and, when the run finished
    /// (`clear_journal`), removes its journal. Default: the two calls; a
    /// driver may do both in one round trip.
    async fn record(&self, unit: &str, entry: &HistoryEntry, clear_journal: bool) -> Result<(), DriverError> {
        self.append_history(unit, entry).await?;
        if clear_journal {
            let _ = self.journal(unit, None).await;
        }
        Ok(())
    }
    /// The driver records the journal of its steps itself: `started` before
    /// and `done`/`failed` after the side effect, inside the step's own
    /// remote command (one round trip, not three); read-only steps (health
    /// checks, the monitor) record nothing. The executor then writes only
    /// the unit's first entry, with the lock. Default: no, the executor
    /// writes each.
    fn folds_journal(&self) -> bool {
        false
    }
    /// Records progress on the unit (`None`: the run finished; clear it).
    /// Drivers without a journal keep the default, which records nothing.
    async fn journal(&self, unit: &str, entry: Option<&JournalEntry>) -> Result<(), DriverError> {
        let _ = (unit, entry);
        Ok(())
    }
    /// Called after [`Driver::observe`]: the exact changes a deploy of
    /// `version` would make (shown by `plan`), and a token of observed state
    /// the plan's fingerprint covers. Default: nothing to add.
    async fn plan_details(&self, _unit: &str, _version: Option<&str>) -> PlanDetails {
        PlanDetails::default()
    }
}

/// The post-switch monitor every driver runs: `probe` until `duration` is
/// over, failing after `max_failures` consecutive failed probes (the
/// interval is the shortest `interval` of the app's health checks, default
/// 1 s), and evaluating each analysis at its own interval, failing when one
/// trips. Either failure rolls the unit back like a failed health check.
#[allow(clippy::too_many_arguments)]
pub async fn watch_health<F, Fut, V>(
    unit: &str,
    step: &str,
    app: &crate::config::schema::App,
    duration: std::time::Duration,
    max_failures: u32,
    analyses: Vec<crate::gates::analysis::RenderedAnalysis>,
    at: &V,
    probe: F,
) -> Result<StepOutput, DriverError>
where
    V: crate::gates::health::Vantage + ?Sized,
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<(), DriverError>>,
{
    use crate::gates::analysis::{Watch, evaluate};
    use tokio::time::Instant;
    let start = Instant::now();
    let deadline = start + duration;
    let interval = app
        .health_checks
        .iter()
        .filter_map(|c| c.common().interval)
        .map(|d| d.get())
        .min()
        .unwrap_or(std::time::Duration::from_secs(1));
    // Prometheus is asked from the operator's machine, whatever the unit's
    // own point of view (resources are measured from that one, `at`).
    let operator = super::transport::LocalTransport::operator();
    let mut watches: Vec<Watch> = analyses.into_iter().map(|a| Watch::new(a, start)).collect();
    let (mut consecutive, mut probes, mut health_due) = (0u32, 0u32, start);
    let failed = |message: String| DriverError::StepFailed {
        unit: unit.to_string(),
        step: step.to_string(),
        message,
        output: String::new(),
    };
    loop {
        if Instant::now() >= health_due {
            probes += 1;
            match probe().await {
                Ok(()) => consecutive = 0,
                Err(e) => {
                    consecutive += 1;
                    if consecutive >= max_failures.max(1) {
                        return Err(failed(format!("{consecutive} consecutive health-check failures: {e}")));
                    }
                }
            }
            health_due = Instant::now() + interval;
        }
        for w in watches.iter_mut().filter(|w| Instant::now() >= w.due) {
            let e = evaluate(operator, at, &w.analysis).await;
            tracing::debug!(unit, analysis = %w.analysis.name, observed = %e.observed(), "analysis evaluated");
            if let Some(trip) = w.record(e, Instant::now()) {
                return Err(failed(trip));
            }
        }
        let next = watches.iter().map(|w| w.due).chain([health_due]).min().unwrap_or(health_due);
        if next >= deadline {
            break;
        }
        tokio::time::sleep_until(next).await;
    }
    let mut detail = format!("healthy for {} ({probes} probes)", crate::model::Duration(duration));
    for w in &watches {
        detail.push_str("; ");
        detail.push_str(&w.summary());
    }
    Ok(StepOutput { detail, skipped: false })
}

/// Evaluates each analysis once, in order; resources from the unit's point of view `at`.
pub async fn evaluate_all<V: crate::gates::health::Vantage + ?Sized>(
    analyses: &[crate::gates::analysis::RenderedAnalysis],
    at: &V,
) -> Vec<crate::gates::analysis::Evaluation> {
    let operator = super::transport::LocalTransport::operator();
    let mut out = Vec::with_capacity(analyses.len());
    for a in analyses {
        out.push(crate::gates::analysis::evaluate(operator, at, a).await);
    }
    out
}

/// The lock record of this process: `user@machine (pid N)`, now, what it does.
/// The command of a migration phase of `app`, or what to do without one.
pub fn migration_command<'a>(
    app: &'a crate::config::schema::App,
    phase: crate::model::MigrationPhase,
    unit: &str,
    version: &str,
) -> Result<(&'a crate::config::types::Template, Option<crate::config::types::Duration>), DriverError> {
    let m = app.migrations.as_ref();
    match m.and_then(|m| m.command(phase)) {
        Some(cmd) => Ok((cmd, m.and_then(|m| m.timeout))),
        None if phase == crate::model::MigrationPhase::Down => Err(DriverError::Other {
            unit: unit.into(),
            message: format!(
                "the app has no `migrations.down`: the schema stays as {version}'s migrations left it; restore it by hand (its `backup` ran first) or add `down:`"
            ),
        }),
        None => Err(DriverError::Other {
            unit: unit.into(),
            message: format!(
                "the plan runs the migration {}, which the config does not define (any more); make a new plan with `rvmctl plan`",
                phase.word()
            ),
        }),
    }
}

pub fn lock_info(operation: &str, plan_hash: Option<String>) -> LockInfo {
    LockInfo {
        holder: format!(
            "{}@{} (pid {})",
            crate::identity::whoami(),
            crate::identity::machine_name(),
            std::process::id()
        ),
        since: Timestamp::now(),
        operation: operation.to_string(),
        plan_hash,
        expires: None,
    }
}
