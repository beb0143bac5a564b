//! Gates between a plan and its execution: approvals, deployment windows,
//! health checks. Decisions are pure functions of config and an instant.

#[cfg(feature = "cli")]
pub mod analysis;
#[cfg(feature = "cli")]
pub mod health;
#[cfg(feature = "cli")]
pub mod probes;
pub mod window;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::config::ResolvedEnv;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateKind {
    Approval,
    Window,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateStatus {
    /// Nothing stands in the way.
    Pass,
    /// An operator must approve (prompt, or --approve in CI).
    Required,
    /// Outside the deployment window.
    Closed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateDecision {
    pub gate: GateKind,
    pub status: GateStatus,
    pub detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_open: Option<Timestamp>,
}

/// What the gates decided for one run; recorded in history and the audit log.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GateRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_override: Option<String>,
}

/// Whether `who` may approve, given the environment's `approvers` (empty: anyone).
pub fn may_approve(env: &ResolvedEnv, who: &str) -> Result<(), String> {
    if env.approvers.is_empty() || env.approvers.iter().any(|a| a == who) {
        Ok(())
    } else {
        Err(format!("'{who}' is not an approver of {} (approvers: {})", env.name, env.approvers.join(", ")))
    }
}

pub fn evaluate_gates(env: &ResolvedEnv, now: Timestamp) -> Vec<GateDecision> {
    let mut out = Vec::new();
    if env.approval_required && !env.auto_approve {
        let who = if env.approvers.is_empty() { "any operator".to_string() } else { env.approvers.join(", ") };
        out.push(GateDecision {
            gate: GateKind::Approval,
            status: GateStatus::Required,
            detail: format!("approval required from {who}"),
            next_open: None,
        });
    }
    if let Some(w) = &env.deployment_window {
        let d = window::evaluate(w, now);
        out.push(GateDecision {
            gate: GateKind::Window,
            status: if d.open { GateStatus::Pass } else { GateStatus::Closed },
            detail: d.describe(w),
            next_open: d.next_open,
        });
    }
    out
}
