//! Data shapes printed by commands. JSON/YAML output serializes exactly
//! these (stable field names, documented in docs/output.md); tables render
//! them in `ui::table`.

use serde::Serialize;

use crate::config::schema::TargetKind;
use crate::model::{AdoptPlan, Color, HistoryEntry, JournalEntry, LockInfo, SlotState, UnitState};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    Healthy,
    Unhealthy,
    /// Nothing live, or not checked.
    Unknown,
    Unreachable,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitStatus {
    pub unit: String,
    pub live: Option<Color>,
    pub live_version: Option<String>,
    pub blue: Option<SlotState>,
    pub green: Option<SlotState>,
    pub health: Health,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_detail: Option<String>,
    pub last_deploy: Option<HistoryEntry>,
    pub lock: Option<LockInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Set when a run stopped on this unit without finishing (and no run holds its lock).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interrupted: Option<JournalEntry>,
}

impl UnitStatus {
    pub fn from_state(s: UnitState, health: Health, health_detail: Option<String>) -> Self {
        let health = if s.error.is_some() { Health::Unreachable } else { health };
        let interrupted = if s.lock.is_none() { s.journal.clone() } else { None };
        UnitStatus {
            interrupted,
            live_version: s.live_version().map(str::to_string),
            unit: s.unit,
            live: s.live,
            blue: s.blue,
            green: s.green,
            health,
            health_detail,
            last_deploy: s.last,
            lock: s.lock,
            error: s.error,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetStatus {
    pub target: String,
    pub kind: TargetKind,
    pub app: String,
    pub summary: String,
    pub units: Vec<UnitStatus>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    pub project: String,
    pub environment: String,
    pub targets: Vec<TargetStatus>,
}

/// "3/3 on 1.1.0 (green)" or "2/3 on 1.1.0 (green), 1 unreachable".
pub fn summarize(units: &[UnitStatus]) -> String {
    let total = units.len();
    if total == 0 {
        return "no units".into();
    }
    let mut groups: Vec<((String, Color), usize)> = Vec::new();
    for u in units {
        if let (Some(v), Some(c)) = (&u.live_version, u.live) {
            match groups.iter_mut().find(|(k, _)| k.0 == *v && k.1 == c) {
                Some((_, n)) => *n += 1,
                None => groups.push(((v.clone(), c), 1)),
            }
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.1));
    let mut parts: Vec<String> = groups
        .iter()
        .enumerate()
        .map(|(i, ((v, c), n))| if i == 0 { format!("{n}/{total} on {v} ({c})") } else { format!("{n} on {v} ({c})") })
        .collect();
    let none = units.iter().filter(|u| u.live.is_none() && u.error.is_none()).count();
    let unreachable = units.iter().filter(|u| u.health == Health::Unreachable).count();
    let unhealthy = units.iter().filter(|u| u.health == Health::Unhealthy).count();
    if parts.is_empty() {
        parts.push(format!("0/{total} deployed"));
    } else if none > 0 {
        parts.push(format!("{none} never deployed"));
    }
    if unhealthy > 0 {
        parts.push(format!("{unhealthy} unhealthy"));
    }
    if unreachable > 0 {
        parts.push(format!("{unreachable} unreachable"));
    }
    let interrupted = units.iter().filter(|u| u.interrupted.is_some()).count();
    if interrupted > 0 {
        parts.push(format!("{interrupted} interrupted"));
    }
    parts.join(", ")
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryRow {
    pub target: String,
    pub unit: String,
    #[serde(flatten)]
    pub entry: HistoryEntry,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryView {
    pub environment: String,
    pub entries: Vec<HistoryRow>,
}

/// `rvmctl adopt`: what was planned and what was done.
#[derive(Debug, Clone, Serialize)]
pub struct AdoptView {
    pub app: String,
    pub plan: AdoptPlan,
    pub done: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{HistoryAction, Outcome, wire_name};
    use crate::rollout::ApplyOutcome;

    #[test]
    fn human_words_match_the_json_words() {
        assert_eq!(wire_name(&Outcome::RolledBack), "rolled_back");
        assert_eq!(wire_name(&ApplyOutcome::LockHeld), "lock_held");
        assert_eq!(wire_name(&HistoryAction::Rollback), "rollback");
        assert_eq!(wire_name(&Health::Unreachable), "unreachable");
        assert_eq!(wire_name(&"not an enum".len()), "");
    }
}
