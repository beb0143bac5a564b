//! Data shapes printed by commands. JSON/YAML output serializes exactly
//! these (stable field names, documented in docs/output.md); tables render
//! them in `ui::table`.

pub mod stats;
pub mod watch;

use serde::Serialize;

use crate::config::schema::TargetKind;
use crate::model::{AdoptPlan, Color, HistoryEntry, JournalEntry, LockInfo, SlotState, UnitState};

/// `host check`: every host's prerequisites.
#[derive(Debug, Clone, Serialize)]
pub struct HostCheckView {
    pub environment: String,
    /// Hosts whose every check passed (warnings allowed).
    pub ready: usize,
    pub hosts: Vec<crate::model::HostCheck>,
    /// Targets without hosts (kubernetes), left out.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped_targets: Vec<String>,
}

/// `host bootstrap` / `host uninstall`: what changed on each host.
#[derive(Debug, Clone, Serialize)]
pub struct HostChangeView {
    pub environment: String,
    /// `bootstrap` or `uninstall`.
    pub operation: String,
    pub hosts: Vec<crate::model::HostChange>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped_targets: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    Healthy,
    Unhealthy,
    /// Nothing live, or not checked.
    Unknown,
    Unreachable,
    /// The target answered and refused us (a Kubernetes 403, an ssh key or
    /// host key it will not accept): retrying will not help; `error` says
    /// what is missing.
    Forbidden,
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
    /// The app's analyses evaluated now on the live color.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub analysis: Vec<AnalysisStatus>,
    /// Kubernetes: a canary stopped at a pause (not an interrupted run:
    /// `promote` continues it, `rollback` ends it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canary: Option<CanaryStatus>,
}

/// A canary paused between its steps: the version it brings in, the share
/// of replicas it has, and the step it stopped after.
#[derive(Debug, Clone, Serialize)]
pub struct CanaryStatus {
    pub version: Option<String>,
    pub percent: f64,
    pub step: Option<String>,
}

/// One analysis evaluated on a unit's live color.
#[derive(Debug, Clone, Serialize)]
pub struct AnalysisStatus {
    pub name: String,
    /// `pass`, `fail`, `inconclusive` or `error`.
    pub result: String,
    pub observed: String,
}

impl UnitStatus {
    pub fn from_state(s: UnitState, health: Health, health_detail: Option<String>) -> Self {
        let health = match (&s.error, s.refused) {
            (Some(_), true) => Health::Forbidden,
            (Some(_), false) => Health::Unreachable,
            (None, _) => health,
        };
        // A canary's journal says where it paused; it was not interrupted.
        let canary = s.canary.map(|percent| CanaryStatus {
            version: s.canary_version().map(str::to_string),
            percent,
            step: s.journal.as_ref().map(|j| j.step.clone()),
        });
        let interrupted = if s.lock.is_none() && canary.is_none() { s.journal.clone() } else { None };
        UnitStatus {
            canary,
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
            analysis: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetStatus {
    pub target: String,
    pub kind: TargetKind,
    pub app: String,
    /// Over every unit of the target, whatever `--filter` shows.
    pub summary: String,
    /// The version most units are live on, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fleet_version: Option<String>,
    /// Units not live on `fleet_version` (unreachable ones included), and since when.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub behind: Vec<Behind>,
    /// How many units the target has (`units` may be filtered).
    pub total: usize,
    /// Every version its reachable units are live on, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    pub units: Vec<UnitStatus>,
}

/// A unit behind the fleet: what it runs (if known) and since when.
#[derive(Debug, Clone, Serialize)]
pub struct Behind {
    pub unit: String,
    pub live_version: Option<String>,
    /// Its last recorded deploy (unknown for an unreachable unit).
    pub since: Option<jiff::Timestamp>,
    pub unreachable: bool,
}

impl TargetStatus {
    /// A target's status over all its units; `keep` picks the rows shown.
    pub fn new(
        target: String,
        kind: TargetKind,
        app: String,
        units: Vec<UnitStatus>,
        keep: impl Fn(&UnitStatus, Option<&str>) -> bool,
    ) -> Self {
        let summary = summarize(&units);
        let fleet_version = fleet_version(&units);
        let behind = units
            .iter()
            .filter(|u| u.live_version.is_none() || u.live_version != fleet_version)
            .filter(|u| fleet_version.is_some() && (u.live.is_some() || u.error.is_some()))
            .map(|u| Behind {
                unit: u.unit.clone(),
                live_version: u.live_version.clone(),
                since: u.last_deploy.as_ref().map(|h| h.at),
                unreachable: u.error.is_some(),
            })
            .collect();
        let total = units.len();
        let mut versions: Vec<String> = units.iter().filter_map(|u| u.live_version.clone()).collect();
        versions.sort();
        versions.dedup();
        let units = units.into_iter().filter(|u| keep(u, fleet_version.as_deref())).collect();
        TargetStatus { target, kind, app, summary, fleet_version, behind, total, versions, units }
    }
}

/// The environment's split, if its targets run different versions.
pub fn split(targets: &[TargetStatus]) -> Vec<crate::model::TargetVersions> {
    let versions: Vec<crate::model::TargetVersions> = targets
        .iter()
        .map(|t| crate::model::TargetVersions { target: t.target.clone(), versions: t.versions.clone() })
        .collect();
    crate::model::split(&versions)
}

/// The version most units are live on (ties: the higher version string).
pub fn fleet_version(units: &[UnitStatus]) -> Option<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for v in units.iter().filter(|u| u.error.is_none()).filter_map(|u| u.live_version.as_deref()) {
        match counts.iter_mut().find(|(k, _)| *k == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((v, 1)),
        }
    }
    counts.into_iter().max_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(b.0))).map(|(v, _)| v.to_string())
}

/// `status --filter KEY=VALUE`: which units a filter keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitFilter {
    Version(String),
    Color(Color),
    Health(Health),
    /// `state=`: `behind`, `interrupted`, `locked`, `unreachable`, `unhealthy`, `started`.
    State(String),
}

impl std::str::FromStr for UnitFilter {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        const STATES: [&str; 6] = ["behind", "interrupted", "locked", "unreachable", "unhealthy", "started"];
        let help = "write KEY=VALUE: version=1.4.2, color=blue|green, health=healthy|unhealthy|unknown|unreachable|forbidden, state=behind|interrupted|locked|unreachable|unhealthy|started";
        let (k, v) = s.split_once('=').ok_or_else(|| format!("'{s}': {help}"))?;
        match k {
            "version" => Ok(UnitFilter::Version(v.into())),
            "color" => Color::parse(v).map(UnitFilter::Color).ok_or_else(|| format!("'{s}': {help}")),
            "health" => serde_json::from_value(serde_json::Value::String(v.into()))
                .map(UnitFilter::Health)
                .map_err(|_| format!("'{s}': {help}")),
            "state" if STATES.contains(&v) => Ok(UnitFilter::State(v.into())),
            _ => Err(format!("'{s}': {help}")),
        }
    }
}

impl UnitFilter {
    pub fn keeps(&self, u: &UnitStatus, fleet_version: Option<&str>) -> bool {
        match self {
            UnitFilter::Version(v) => u.live_version.as_deref() == Some(v.as_str()),
            UnitFilter::Color(c) => u.live == Some(*c),
            UnitFilter::Health(h) => u.health == *h,
            UnitFilter::State(s) => match s.as_str() {
                "behind" => fleet_version.is_some() && u.live_version.as_deref() != fleet_version,
                "interrupted" => u.interrupted.is_some(),
                "locked" => u.lock.is_some(),
                "unreachable" => u.health == Health::Unreachable,
                "unhealthy" => u.health == Health::Unhealthy,
                "started" => [&u.blue, &u.green].iter().any(|s| s.as_ref().is_some_and(|s| s.started)),
                _ => false,
            },
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    pub project: String,
    pub environment: String,
    pub targets: Vec<TargetStatus>,
    /// The targets run different versions (a deploy failed after some of
    /// them switched): each target's versions. Empty when they agree.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub split: Vec<crate::model::TargetVersions>,
    /// Rows were asked for (`--hosts`, `--filter`, `--shard`): tables show
    /// them whatever the fleet's size.
    #[serde(skip)]
    pub show_rows: bool,
}

/// One analysis evaluated once for one unit's live color (`rvmctl analysis run`).
#[derive(Debug, Clone, Serialize)]
pub struct AnalysisRow {
    pub target: String,
    pub unit: String,
    /// The color and version evaluated (the live ones).
    pub color: Option<crate::model::Color>,
    pub version: Option<String>,
    pub analysis: String,
    pub query: String,
    pub threshold: String,
    /// `pass`, `fail`, `inconclusive`, `error`; `skipped` when the unit has
    /// nothing live (or could not be observed).
    pub result: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// What was seen, in words.
    pub observed: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnalysisView {
    pub environment: String,
    pub rows: Vec<AnalysisRow>,
    /// Rows whose result is `fail` or `error`.
    pub tripped: usize,
}

/// "3/3 on 1.1.0 (green)" or "2/3 on 1.1.0 (green), 1 unreachable".
///
/// Where a unit is, for counting: every unit is in exactly one place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// Live on a color, with the version it runs (None: unknown).
    Live {
        version: Option<String>,
        color: Color,
    },
    NeverDeployed,
    /// It could not be observed.
    Unreachable,
    /// It refused to be observed (see [`Health::Forbidden`]).
    Forbidden,
}

impl Place {
    pub fn of(u: &UnitStatus) -> Place {
        if u.health == Health::Forbidden {
            return Place::Forbidden;
        }
        match (u.error.is_some() || u.health == Health::Unreachable, u.live) {
            (true, _) => Place::Unreachable,
            (false, None) => Place::NeverDeployed,
            (false, Some(color)) => Place::Live { version: u.live_version.clone(), color },
        }
    }
}

/// How many units are in each [`Place`], most first (ties: known versions
/// first, then in place order).
pub fn places(units: &[UnitStatus]) -> Vec<(Place, usize)> {
    let mut counted: std::collections::BTreeMap<Place, usize> = std::collections::BTreeMap::new();
    for u in units {
        *counted.entry(Place::of(u)).or_default() += 1;
    }
    let mut v: Vec<(Place, usize)> = counted.into_iter().collect();
    // Known versions before an unknown one.
    let unknown = |p: &Place| matches!(p, Place::Live { version: None, .. });
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| unknown(&a.0).cmp(&unknown(&b.0))).then_with(|| a.0.cmp(&b.0)));
    v
}

/// One counting rule ([`places`]): every unit is in exactly one place — unreachable (it
/// could not be observed), live on a version and color, live on a color
/// whose version is unknown, or never deployed — so the places add up to the
/// total on every call. Unhealthy and interrupted are said of units already
/// counted, never instead of a place.
pub fn summarize(units: &[UnitStatus]) -> String {
    let total = units.len();
    if total == 0 {
        return "no units".into();
    }
    let counted = places(units);
    let count = |p: &Place| counted.iter().find(|(q, _)| q == p).map_or(0, |(_, n)| *n);
    let (never, unreachable) = (count(&Place::NeverDeployed), count(&Place::Unreachable));
    let mut parts: Vec<String> = counted
        .iter()
        .filter_map(|(p, n)| match p {
            Place::Live { version, color } => {
                Some((n, format!("{} ({color})", version.as_deref().unwrap_or("an unknown version"))))
            }
            _ => None,
        })
        .enumerate()
        .map(|(i, (n, place))| if i == 0 { format!("{n}/{total} on {place}") } else { format!("{n} on {place}") })
        .collect();
    if parts.is_empty() {
        parts.push(format!("0/{total} deployed"));
    } else if never > 0 {
        parts.push(format!("{never} never deployed"));
    }
    if unreachable > 0 {
        parts.push(format!("{unreachable} unreachable"));
    }
    let forbidden = count(&Place::Forbidden);
    if forbidden > 0 {
        parts.push(format!("{forbidden} forbidden"));
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
    /// One line per unit and run, newest first.
    pub entries: Vec<HistoryRow>,
    /// The same, one per run of a target (a fleet revision), newest first.
    pub runs: Vec<HistoryRun>,
    /// Show `entries` (`--units`) rather than `runs` in tables.
    #[serde(skip)]
    pub by_unit: bool,
}

/// One run over a target: its units' history lines taken together.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryRun {
    pub target: String,
    pub plan_hash: Option<String>,
    pub action: crate::model::HistoryAction,
    pub version: String,
    /// Newest line of the run.
    pub at: jiff::Timestamp,
    pub revisions: (u64, u64),
    pub units: Vec<String>,
    /// Per result, how many units: `[["success", 8], ["failed", 1]]`.
    pub results: Vec<(crate::model::Outcome, usize)>,
    pub users: Vec<String>,
}

/// Groups history lines (newest first) into runs: the lines of one target
/// with the same plan hash, action and version. Lines without a plan hash
/// (written by hand or by old versions) are runs of their own.
pub fn history_runs(entries: &[HistoryRow]) -> Vec<HistoryRun> {
    let mut runs: Vec<HistoryRun> = Vec::new();
    for r in entries {
        let e = &r.entry;
        let same = |run: &HistoryRun| {
            run.target == r.target
                && e.plan_hash.is_some()
                && run.plan_hash == e.plan_hash
                && run.action == e.action
                && run.version == e.version
        };
        let i = match runs.iter().position(same) {
            Some(i) => i,
            None => {
                runs.push(HistoryRun {
                    target: r.target.clone(),
                    plan_hash: e.plan_hash.clone(),
                    action: e.action,
                    version: e.version.clone(),
                    at: e.at,
                    revisions: (e.revision, e.revision),
                    units: Vec::new(),
                    results: Vec::new(),
                    users: Vec::new(),
                });
                runs.len() - 1
            }
        };
        let run = &mut runs[i];
        run.at = run.at.max(e.at);
        run.revisions = (run.revisions.0.min(e.revision), run.revisions.1.max(e.revision));
        run.units.push(r.unit.clone());
        match run.results.iter_mut().find(|(o, _)| *o == e.result) {
            Some((_, n)) => *n += 1,
            None => run.results.push((e.result, 1)),
        }
        if !run.users.contains(&e.by()) {
            run.users.push(e.by());
        }
    }
    runs.sort_by_key(|r| std::cmp::Reverse(r.at));
    runs
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
            analysis: Vec::new(),
            canary: None,
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
            // The status table's rows come from the same rule and add up too.
            assert_eq!(super::places(&units).iter().map(|(_, n)| n).sum::<usize>(), units.len());
            if !got.starts_with("0/") {
                assert_eq!(places(&got), units.len(), "{got}");
            }
            // The same fleet in another order says the same thing.
            let mut reversed = units.clone();
            reversed.reverse();
            assert_eq!(summarize(&reversed), want);
        }
    }

    /// A 1,000-unit fleet: the table leads with the summary, not 1,000 rows;
    /// filters pick rows; behind units are named with since when.
    #[test]
    fn a_large_fleets_status_leads_with_its_summary() {
        let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
        let units: Vec<UnitStatus> = (1..=1000)
            .map(|i| {
                let name = format!("rvm-{i:04}");
                let mut u = match i {
                    7 => unit(&name, None, Health::Unreachable, true),
                    13 | 14 => unit(&name, Some((Color::Blue, Some("1.0.0"))), Health::Healthy, false),
                    21 => unit(&name, Some((Color::Green, Some("1.1.0"))), Health::Unhealthy, false),
                    _ => unit(&name, Some((Color::Green, Some("1.1.0"))), Health::Healthy, false),
                };
                u.last_deploy = Some(HistoryEntry {
                    revision: 3,
                    at: at(if i == 13 { "2026-11-20T10:00:00Z" } else { "2026-11-30T10:00:00Z" }),
                    user: "ci".into(),
                    action: HistoryAction::Deploy,
                    version: "1.1.0".into(),
                    from: Some(Color::Blue),
                    to: Color::Green,
                    result: if i == 13 { Outcome::Failed } else { Outcome::Success },
                    plan_hash: None,
                    message: None,
                    approved_by: None,
                    window_override: None,
                    migrated: false,
                    identity: None,
                });
                u
            })
            .collect();
        let target = |units: Vec<UnitStatus>, filters: &[UnitFilter]| {
            TargetStatus::new("fleet".into(), TargetKind::Ssh, "edge".into(), units, |u, f| {
                filters.iter().all(|x| x.keeps(u, f))
            })
        };
        let all = target(units.clone(), &[]);
        assert_eq!(all.fleet_version.as_deref(), Some("1.1.0"));
        assert_eq!(
            all.behind.iter().map(|b| b.unit.as_str()).collect::<Vec<_>>(),
            ["rvm-0007", "rvm-0013", "rvm-0014"]
        );
        let view = |t: TargetStatus, show_rows| StatusView {
            project: "p".into(),
            environment: "production".into(),
            targets: vec![t],
            split: Vec::new(),
            show_rows,
        };
        let p = crate::ui::Printer {
            format: crate::ui::OutputFormat::Table,
            color: false,
            stderr_tty: false,
            quiet: false,
            verbose: 0,
        };
        insta::assert_snapshot!(crate::ui::table::status(&p, &view(all, false)));

        let behind = target(units, &["state=behind".parse().unwrap()]);
        let rows = crate::ui::table::status(&p, &view(behind, true));
        assert!(rows.contains("showing 3 of 1000 units"), "{rows}");
        assert!(rows.contains("rvm-0013") && !rows.contains("rvm-0100"), "{rows}");
        assert!("state=sideways".parse::<UnitFilter>().unwrap_err().contains("state=behind|interrupted"));
    }

    #[test]
    fn a_fleet_revision_is_one_history_run() {
        let line = |unit: &str, plan: Option<&str>, result: Outcome, rev: u64| HistoryRow {
            target: "fleet".into(),
            unit: unit.into(),
            entry: HistoryEntry {
                revision: rev,
                at: "2026-11-30T10:00:00Z".parse().unwrap(),
                user: "ci".into(),
                action: HistoryAction::Deploy,
                version: "1.1.0".into(),
                from: Some(Color::Blue),
                to: Color::Green,
                result,
                plan_hash: plan.map(str::to_string),
                message: None,
                approved_by: None,
                window_override: None,
                migrated: false,
                identity: None,
            },
        };
        let entries = [
            line("a", Some("p1"), Outcome::Success, 3),
            line("b", Some("p1"), Outcome::Success, 4),
            line("c", Some("p1"), Outcome::Failed, 3),
            line("d", Some("p2"), Outcome::Success, 3),
            line("e", None, Outcome::Success, 1),
            line("f", None, Outcome::Success, 1),
        ];
        let runs = history_runs(&entries);
        type Shape<'a> = (Vec<&'a str>, (u64, u64), Vec<(Outcome, usize)>);
        let shape: Vec<Shape> = runs
            .iter()
            .map(|r| (r.units.iter().map(String::as_str).collect(), r.revisions, r.results.clone()))
            .collect();
        assert_eq!(
            shape,
            [
                (vec!["a", "b", "c"], (3, 4), vec![(Outcome::Success, 2), (Outcome::Failed, 1)]),
                (vec!["d"], (3, 3), vec![(Outcome::Success, 1)]),
                (vec!["e"], (1, 1), vec![(Outcome::Success, 1)]),
                (vec!["f"], (1, 1), vec![(Outcome::Success, 1)]),
            ]
        );
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
