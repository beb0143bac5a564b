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
///
/// One counting rule: every unit is in exactly one place — unreachable (it
/// could not be observed), live on a version and color, live on a color
/// whose version is unknown, or never deployed — so the places add up to the
/// total on every call. Unhealthy and interrupted are said of units already
/// counted, never instead of a place.
pub fn summarize(units: &[UnitStatus]) -> String {
    let total = units.len();
    if total == 0 {
        return "no units".into();
    }
    let mut groups: Vec<(String, usize)> = Vec::new();
    let (mut never, mut unreachable) = (0, 0);
    for u in units {
        let place = match (u.error.is_some() || u.health == Health::Unreachable, u.live) {
            (true, _) => {
                unreachable += 1;
                continue;
            }
            (false, None) => {
                never += 1;
                continue;
            }
            (false, Some(c)) => format!("{} ({c})", u.live_version.as_deref().unwrap_or("an unknown version")),
        };
        match groups.iter_mut().find(|(k, _)| *k == place) {
            Some((_, n)) => *n += 1,
            None => groups.push((place, 1)),
        }
    }
    groups.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut parts: Vec<String> = groups
        .iter()
        .enumerate()
        .map(|(i, (place, n))| if i == 0 { format!("{n}/{total} on {place}") } else { format!("{n} on {place}") })
        .collect();
    if parts.is_empty() {
        parts.push(format!("0/{total} deployed"));
    } else if never > 0 {
        parts.push(format!("{never} never deployed"));
    }
    if unreachable > 0 {
        parts.push(format!("{unreachable} unreachable"));
    }
    let unhealthy = units.iter().filter(|u| u.health == Health::Unhealthy).count();
    if unhealthy > 0 {
        parts.push(format!("{unhealthy} unhealthy"));
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

    fn unit(name: &str, live: Option<(Color, Option<&str>)>, health: Health, error: bool) -> UnitStatus {
        UnitStatus {
            unit: name.into(),
            live: live.map(|l| l.0),
            live_version: live.and_then(|l| l.1).map(str::to_string),
            blue: None,
            green: None,
            health,
            health_detail: None,
            last_deploy: None,
            lock: None,
            error: error.then(|| "ssh: connection refused".into()),
            interrupted: None,
        }
    }

    /// The numbers of the places (not the remarks) in a summary.
    fn places(summary: &str) -> usize {
        summary
            .split(", ")
            .filter(|p| !p.ends_with("unhealthy") && !p.ends_with("interrupted"))
            .map(|p| p.split(['/', ' ']).next().and_then(|n| n.parse::<usize>().ok()).unwrap_or(0))
            .sum()
    }

    #[test]
    fn every_unit_is_counted_in_exactly_one_place() {
        let g = Some((Color::Green, Some("2.1.0")));
        let cases: Vec<(Vec<UnitStatus>, &str)> = vec![
            (vec![unit("a", g, Health::Healthy, false); 3], "3/3 on 2.1.0 (green)"),
            // Live, but the slot's version could not be read: still counted.
            (
                vec![
                    unit("a", g, Health::Healthy, false),
                    unit("b", Some((Color::Green, None)), Health::Unknown, false),
                ],
                "1/2 on 2.1.0 (green), 1 on an unknown version (green)",
            ),
            // An observation error wins over a stale live color: counted once.
            (
                vec![unit("a", g, Health::Healthy, false), unit("b", g, Health::Unreachable, true)],
                "1/2 on 2.1.0 (green), 1 unreachable",
            ),
            (
                vec![
                    unit("a", g, Health::Unhealthy, false),
                    unit("b", None, Health::Unknown, false),
                    unit("c", None, Health::Unreachable, true),
                ],
                "1/3 on 2.1.0 (green), 1 never deployed, 1 unreachable, 1 unhealthy",
            ),
            (vec![unit("a", None, Health::Unknown, false)], "0/1 deployed"),
        ];
        for (units, want) in cases {
            let got = summarize(&units);
            assert_eq!(got, want);
            if !got.starts_with("0/") {
                assert_eq!(places(&got), units.len(), "{got}");
            }
            // The same fleet in another order says the same thing.
            let mut reversed = units.clone();
            reversed.reverse();
            assert_eq!(summarize(&reversed), want);
        }
    }

    #[test]
    fn human_words_match_the_json_words() {
        assert_eq!(wire_name(&Outcome::RolledBack), "rolled_back");
        assert_eq!(wire_name(&ApplyOutcome::LockHeld), "lock_held");
        assert_eq!(wire_name(&HistoryAction::Rollback), "rollback");
        assert_eq!(wire_name(&Health::Unreachable), "unreachable");
        assert_eq!(wire_name(&"not an enum".len()), "");
    }
}
