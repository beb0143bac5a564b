//! Gates between a plan and its execution: approvals, deployment windows,
//! health checks. Decisions are pure functions of config and an instant.

pub mod health;
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
