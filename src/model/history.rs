//! What a unit remembers about runs: an append-only history, and the journal
//! of a run that has not finished.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::color::Color;

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
    /// Prepared, then not switched because the failure budget stopped the run.
    Stopped,
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
    /// After this run the target's schema is migrated to `version` (its
    /// migrations ran here and were not undone): a rollback runs the
    /// app's `migrations.down` first, or is refused without one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub migrated: bool,
    /// Who the target itself knew the run as, beside `user` (e.g. the
    /// Kubernetes user of the kubeconfig context: `k8s user ci-deployer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
}

impl HistoryEntry {
    /// `user`, and the target's identity when it has one: `ana (k8s user ci-deployer)`.
    pub fn by(&self) -> String {
        match &self.identity {
            Some(i) => format!("{} ({i})", self.user),
            None => self.user.clone(),
        }
    }
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
    /// This run's migrations (of `version`) ran on this target: a resumed
    /// run does not run them again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub migrated: bool,
}
