//! `status --watch`: what changed between two looks at an environment, as
//! data (one [`Change`] per unit and aspect). Pure: `ui` renders the lines.

use serde::Serialize;

use super::{StatusView, UnitStatus};
use crate::model::wire_name;

/// One aspect of one unit that is not what it was at the previous look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub target: String,
    pub unit: String,
    /// `live` (color and version), `health`, `lock`, `interrupted`, `unit` (appeared or went away).
    pub aspect: &'static str,
    pub from: String,
    pub to: String,
}

/// The aspects a watcher follows, as words: what a change line shows.
fn aspects(u: &UnitStatus) -> [(&'static str, String); 4] {
    let live = match (u.live, &u.live_version) {
        (Some(c), Some(v)) => format!("{v} ({c})"),
        (Some(c), None) => format!("? ({c})"),
        (None, _) => "-".into(),
    };
    let lock = u.lock.as_ref().map(|l| format!("held by {} ({})", l.holder, l.operation)).unwrap_or("free".into());
    let interrupted = u
        .interrupted
        .as_ref()
        .map(|j| format!("{} {} at \"{}\"", j.kind, j.version, j.step))
        .unwrap_or_else(|| "no".into());
    [("live", live), ("health", wire_name(&u.health)), ("lock", lock), ("interrupted", interrupted)]
}

/// Every unit of `v` by (target, unit).
fn index(v: &StatusView) -> std::collections::HashMap<(&str, &str), &UnitStatus> {
    v.targets.iter().flat_map(|t| t.units.iter().map(move |u| ((t.target.as_str(), u.unit.as_str()), u))).collect()
}

/// Everything that differs from `before` to `after`, in the order of `after`'s
/// targets and units (units that went away last).
pub fn changes(before: &StatusView, after: &StatusView) -> Vec<Change> {
    let mut out = Vec::new();
    // Every unit by (target, unit), once: a watch of 1,000 hosts looks again every few seconds.
    let (was, is) = (index(before), index(after));
    for t in &after.targets {
        for u in &t.units {
            let change = |aspect, from: String, to: String| Change {
                target: t.target.clone(),
                unit: u.unit.clone(),
                aspect,
                from,
                to,
            };
            match was.get(&(t.target.as_str(), u.unit.as_str())) {
                None => out.push(change("unit", "-".into(), "shown".into())),
                Some(old) => {
                    for ((aspect, from), (_, to)) in aspects(old).into_iter().zip(aspects(u)) {
                        if from != to {
                            out.push(change(aspect, from, to));
                        }
                    }
                }
            }
        }
    }
    for t in &before.targets {
        for u in t.units.iter().filter(|u| !is.contains_key(&(t.target.as_str(), u.unit.as_str()))) {
            out.push(Change {
                target: t.target.clone(),
                unit: u.unit.clone(),
                aspect: "unit",
                from: "shown".into(),
                to: "-".into(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::schema::TargetKind;
    use crate::model::{Color, LockInfo, UnitState};
    use crate::views::{Health, TargetStatus};

    fn unit(name: &str, live: Option<(Color, &str)>, health: Health) -> UnitStatus {
        let state = UnitState { live: live.map(|(c, _)| c), ..UnitState::empty(name) };
        let mut u = UnitStatus::from_state(state, health, None);
        u.live_version = live.map(|(_, v)| v.to_string());
        u
    }

    fn view(units: Vec<UnitStatus>) -> StatusView {
        let t = TargetStatus::new("fleet".into(), TargetKind::Ssh, "edge".into(), units, |_, _| true);
        StatusView {
            project: "rvm".into(),
            environment: "prod".into(),
            targets: vec![t],
            split: vec![],
            show_rows: false,
        }
    }

    #[test]
    fn nothing_changed_is_no_line() {
        let v = view(vec![unit("a", Some((Color::Blue, "1.0.0")), Health::Healthy)]);
        assert!(changes(&v, &v.clone()).is_empty());
    }

    #[test]
    fn a_switch_a_health_change_and_a_lock_are_one_line_each() {
        let before = view(vec![
            unit("a", Some((Color::Blue, "1.0.0")), Health::Healthy),
            unit("b", Some((Color::Blue, "1.0.0")), Health::Healthy),
        ]);
        let mut b = unit("b", Some((Color::Blue, "1.0.0")), Health::Unhealthy);
        b.lock = Some(LockInfo {
            holder: "ana@laptop (pid 7)".into(),
            since: jiff::Timestamp::UNIX_EPOCH,
            operation: "deploy 1.1.0".into(),
            plan_hash: None,
            expires: None,
        });
        let after = view(vec![unit("a", Some((Color::Green, "1.1.0")), Health::Healthy), b]);
        let got: Vec<(String, &str, String, String)> =
            changes(&before, &after).into_iter().map(|c| (c.unit, c.aspect, c.from, c.to)).collect();
        assert_eq!(
            got,
            vec![
                ("a".into(), "live", "1.0.0 (blue)".into(), "1.1.0 (green)".into()),
                ("b".into(), "health", "healthy".into(), "unhealthy".into()),
                ("b".into(), "lock", "free".into(), "held by ana@laptop (pid 7) (deploy 1.1.0)".into()),
            ]
        );
    }

    #[test]
    fn units_that_appear_or_go_away_are_said() {
        let before = view(vec![unit("a", None, Health::Unknown)]);
        let after = view(vec![unit("b", None, Health::Unknown)]);
        let got: Vec<(String, String)> = changes(&before, &after).into_iter().map(|c| (c.unit, c.to)).collect();
        assert_eq!(got, vec![("b".into(), "shown".into()), ("a".into(), "-".into())]);
    }
}
