//! Target drivers. Every target kind implements [`Driver`]: observe the
//! live state of a unit (a host, or a Kubernetes app), hold its lock, run one
//! plan step, read its history. Strategies in `rollout` only talk to this
//! trait, so each strategy is tested against every driver.

#[cfg(feature = "cli")]
pub mod artifact;
#[cfg(feature = "cli")]
pub mod kubernetes;
#[cfg(feature = "cli")]
pub mod local;
#[cfg(feature = "cli")]
pub mod slots;
#[cfg(feature = "cli")]
pub mod ssh;
#[cfg(feature = "cli")]
pub mod transport;

use std::fmt;
#[cfg(feature = "cli")]
use std::sync::Arc;

#[cfg(feature = "cli")]
use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[cfg(feature = "cli")]
use crate::config::ResolvedTarget;
#[cfg(feature = "cli")]
use crate::config::schema::TargetKind;
#[cfg(feature = "cli")]
use crate::plan::Step;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Color {
    Blue,
    Green,
}

impl Color {
    pub fn other(self) -> Color {
        match self {
            Color::Blue => Color::Green,
            Color::Green => Color::Blue,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Color::Blue => "blue",
            Color::Green => "green",
        }
    }
    pub fn parse(s: &str) -> Option<Color> {
        match s.trim() {
            "blue" => Some(Color::Blue),
            "green" => Some(Color::Green),
            _ => None,
        }
    }
}

impl fmt::Display for Color {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotStatus {
    /// Unpacking in progress (or interrupted while unpacking): never switch to it.
    Staging,
    Staged,
    Healthy,
    Failed,
}

/// What one release slot (one color) holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotState {
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    pub status: SlotStatus,
    pub updated_at: Timestamp,
    /// kubernetes: ready/desired replicas
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready: Option<String>,
}

/// Who holds a unit's lock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LockInfo {
    /// `user@machine (pid N)`
    pub holder: String,
    pub since: Timestamp,
    pub operation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_hash: Option<String>,
}

impl LockInfo {
    pub fn new(operation: &str, plan_hash: Option<String>) -> Self {
        LockInfo {
            holder: format!("{}@{} (pid {})", crate::whoami(), machine_name(), std::process::id()),
            since: Timestamp::now(),
            operation: operation.to_string(),
            plan_hash,
        }
    }
}

pub fn machine_name() -> String {
    gethostname::gethostname().to_string_lossy().into_owned()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryAction {
    Deploy,
    Rollback,
    Abort,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Success,
    Failed,
    RolledBack,
    Interrupted,
}

/// One line of a unit's history (append-only, kept on the unit itself).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub revision: u64,
    pub at: Timestamp,
    pub user: String,
    pub action: HistoryAction,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Color>,
    pub to: Color,
    pub result: Outcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Who approved this run (approval-gated environments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    /// Why the deployment window was overridden (`--ignore-window`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_override: Option<String>,
}

/// The observed state of one unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitState {
    pub unit: String,
    /// None when the unit could not be observed; `error` says why.
    pub live: Option<Color>,
    pub blue: Option<SlotState>,
    pub green: Option<SlotState>,
    pub lock: Option<LockInfo>,
    pub last: Option<HistoryEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Progress of the last run that touched this unit, when it did not finish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal: Option<JournalEntry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JournalState {
    Started,
    Done,
    Failed,
}

/// Where a run got to on a unit, written on the unit itself before and after
/// every side-effecting step. It outlives a killed run, so `status`, `resume`
/// and `abort` know what happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    pub plan_hash: String,
    pub kind: String,
    pub version: String,
    /// The live color before the run (what `abort` returns to).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Color>,
    pub to: Color,
    /// The step reached, as shown by `plan`.
    pub step: String,
    pub state: JournalState,
    pub holder: String,
    pub at: Timestamp,
}

impl UnitState {
    /// A unit nothing is known about yet (never deployed).
    pub fn empty(unit: &str) -> Self {
        UnitState {
            unit: unit.to_string(),
            live: None,
            blue: None,
            green: None,
            lock: None,
            last: None,
            error: None,
            journal: None,
        }
    }
    pub fn unreachable(unit: &str, error: String) -> Self {
        UnitState { error: Some(error), ..UnitState::empty(unit) }
    }
    pub fn slot(&self, c: Color) -> Option<&SlotState> {
        match c {
            Color::Blue => self.blue.as_ref(),
            Color::Green => self.green.as_ref(),
        }
    }
    pub fn live_version(&self) -> Option<&str> {
        self.live.and_then(|c| self.slot(c)).map(|s| s.version.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    #[error("{unit}: locked by {} since {} ({})", .info.holder, .info.since.strftime("%Y-%m-%d %H:%M:%S UTC"), .info.operation)]
    Locked { unit: String, info: LockInfo },
    #[error("{unit}: {step} failed: {message}{}", tail_suffix(.output))]
    StepFailed { unit: String, step: String, message: String, output: String },
    #[error("{unit}: unreachable: {message}")]
    Unreachable { unit: String, message: String },
    #[error("{unit}: interrupted")]
    Interrupted { unit: String },
    #[error("{unit}: {message}")]
    Other { unit: String, message: String },
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
    pub fn unit(&self) -> &str {
        match self {
            DriverError::Locked { unit, .. }
            | DriverError::StepFailed { unit, .. }
            | DriverError::Unreachable { unit, .. }
            | DriverError::Interrupted { unit }
            | DriverError::Other { unit, .. } => unit,
        }
    }
}

#[cfg(feature = "cli")]
/// A held lock; dropping it releases the lock too (best effort).
#[async_trait]
pub trait LockGuard: Send + Sync {
    async fn release(self: Box<Self>) -> Result<(), DriverError>;
}

#[cfg(feature = "cli")]
/// What a step needs to know beyond the step itself.
#[derive(Debug, Clone)]
pub struct StepContext {
    pub version: String,
    pub environment: String,
    /// Consecutive health-check failures that count as unhealthy during a monitor.
    pub health_check_failures: u32,
}

#[cfg(feature = "cli")]
/// What a step produced (shown with -v; the tail is shown on failure).
#[derive(Debug, Clone, Default, Serialize)]
pub struct StepOutput {
    pub detail: String,
    pub skipped: bool,
}

#[cfg(feature = "cli")]
#[async_trait]
pub trait Driver: Send + Sync {
    fn kind(&self) -> TargetKind;
    /// The units this driver deploys to (host names, or the app name).
    fn units(&self) -> Vec<String>;
    async fn observe(&self, unit: &str) -> UnitState;
    /// Resolves the artifact of `version` on the operator's side; its sha256
    /// when it has one (a plan records it, apply verifies it).
    async fn prepare(&self, version: &str) -> Result<Option<String>, String>;
    async fn lock(&self, unit: &str, info: &LockInfo) -> Result<Box<dyn LockGuard>, DriverError>;
    /// Runs one side-effecting step of a plan on one unit.
    async fn run_step(&self, unit: &str, step: &Step, ctx: &StepContext) -> Result<StepOutput, DriverError>;
    /// Runs the app's health checks against `color` once (no retries).
    async fn probe(&self, unit: &str, color: Color, version: &str) -> Result<(), DriverError>;
    async fn append_history(&self, unit: &str, entry: &HistoryEntry) -> Result<(), DriverError>;
    async fn history(&self, unit: &str) -> Result<Vec<HistoryEntry>, DriverError>;
    /// Forcibly clears a lock left by a dead run.
    async fn break_lock(&self, unit: &str) -> Result<(), DriverError>;
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

/// Driver-specific plan data (see [`Driver::plan_details`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanDetails {
    /// Readable lines: objects created or patched, field by field.
    pub changes: Vec<String>,
    /// e.g. the live Service's resourceVersion: a plan made before it changed is stale.
    pub guard: Option<String>,
}

#[cfg(feature = "cli")]
/// The post-switch monitor every driver runs: `probe` until `duration` is
/// over, failing after `max_failures` consecutive failed probes. The interval
/// is the shortest `interval` of the app's health checks (default 1 s).
pub async fn watch_health<F, Fut>(
    unit: &str,
    app: &crate::config::schema::App,
    duration: std::time::Duration,
    max_failures: u32,
    probe: F,
) -> Result<StepOutput, DriverError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<(), DriverError>>,
{
    let deadline = tokio::time::Instant::now() + duration;
    let interval = app
        .health_checks
        .iter()
        .filter_map(|c| c.interval)
        .map(|d| d.get())
        .min()
        .unwrap_or(std::time::Duration::from_secs(1));
    let (mut consecutive, mut probes) = (0u32, 0u32);
    loop {
        probes += 1;
        match probe().await {
            Ok(()) => consecutive = 0,
            Err(e) => {
                consecutive += 1;
                if consecutive >= max_failures.max(1) {
                    return Err(DriverError::StepFailed {
                        unit: unit.to_string(),
                        step: "post-switch monitor".into(),
                        message: format!("{consecutive} consecutive health-check failures: {e}"),
                        output: String::new(),
                    });
                }
            }
        }
        if tokio::time::Instant::now() + interval >= deadline {
            break;
        }
        tokio::time::sleep(interval).await;
    }
    Ok(StepOutput {
        detail: format!("healthy for {} ({probes} probes)", crate::config::types::Duration(duration)),
        skipped: false,
    })
}

/// Host names reach shells on hosts and paths on disk: keep them plain.
pub fn validate_host_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 253
        && !name.starts_with(['-', '.'])
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok { Ok(()) } else { Err(format!("invalid host name '{name}': use letters, digits, '-', '_' and '.' only")) }
}

/// Host `vars` are substituted into host commands and `labels` select hosts:
/// neither may carry shell syntax (`$(...)`, quotes, `;`, spaces).
pub fn validate_host_values(h: &crate::config::schema::HostSpec) -> Vec<String> {
    let safe = |v: &str| {
        v.len() <= 256
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '/' | '@' | '+' | '=' | ',' | '-'))
    };
    let mut problems = Vec::new();
    for (kind, map) in [
        ("var", h.vars.iter().map(|(k, v)| (k, v.0.as_str())).collect::<Vec<_>>()),
        ("label", h.labels.iter().map(|(k, v)| (k, v.as_str())).collect()),
    ] {
        for (k, v) in map {
            if !safe(k) || !safe(v) {
                problems.push(format!(
                    "host '{}': {kind} {k}={v:?} contains characters a shell would interpret; use letters, digits and . _ : / @ + = , - only",
                    h.name
                ));
            }
        }
    }
    problems
}

/// Versions reach shells on hosts: allow what release versions look like.
pub fn validate_version(v: &str) -> Result<(), String> {
    let ok = !v.is_empty()
        && v.len() <= 128
        && !v.starts_with(['-', '.'])
        && v.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid version '{v}': use letters, digits, '.', '-', '_' and '+' only (e.g. 1.4.2 or 1.5.0-rc.1)"
        ))
    }
}

#[cfg(feature = "cli")]
/// Builds the driver for a resolved target.
pub fn for_target(cfg: &crate::config::Config, env: &str, target: &ResolvedTarget) -> anyhow::Result<Arc<dyn Driver>> {
    for_target_with(cfg, env, target, &kubernetes::KubeOptions::default())
}

#[cfg(feature = "cli")]
/// [`for_target`] with command-line overrides for Kubernetes targets.
pub fn for_target_with(
    cfg: &crate::config::Config,
    env: &str,
    target: &ResolvedTarget,
    kube: &kubernetes::KubeOptions,
) -> anyhow::Result<Arc<dyn Driver>> {
    match target.kind {
        TargetKind::Local => Ok(Arc::new(local::new(cfg, env, target)?)),
        TargetKind::Ssh => Ok(Arc::new(ssh::new(cfg, env, target)?)),
        TargetKind::Kubernetes => Ok(Arc::new(kubernetes::new(cfg, env, target, kube)?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_and_versions_are_refused() {
        for v in ["1.0; rm -rf /", "$(reboot)", "1.0`id`", "", "-rf", "a b", "1.0\nx"] {
            assert!(validate_version(v).is_err(), "{v:?}");
        }
        for v in ["1.4.2", "1.5.0-rc.1", "2.0.0+build.7", "v3"] {
            assert!(validate_version(v).is_ok(), "{v:?}");
        }
        for h in ["rvm-001", "sim_01", "jetson.site-a"] {
            assert!(validate_host_name(h).is_ok());
        }
        for h in ["$(id)", "a/b", "..", "-x", "a b"] {
            assert!(validate_host_name(h).is_err(), "{h:?}");
        }
    }
}
