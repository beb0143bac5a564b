//! Tables (comfy-table) for plans, status, history and deploy reports.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, Color as TColor, ContentArrangement, Table};

use super::{Printer, paint};
use crate::gates::GateStatus;
use crate::model::wire_name;
use crate::model::{Color, SlotState, SlotStatus};
use crate::plan::{Plan, PlanKind, UnitAction};
use crate::rollout::{ApplyOutcome, ApplyReport, UnitResult};
use crate::views::stats::StatsView;
use crate::views::{AnalysisView, Health, HistoryView, StatusView};

fn table(headers: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
    t.set_header(headers.iter().map(Cell::new));
    t
}

fn color_cell(p: &Printer, c: Option<Color>) -> Cell {
    match c {
        Some(Color::Blue) => paint(p, "blue", TColor::Blue),
        Some(Color::Green) => paint(p, "green", TColor::Green),
        None => Cell::new("-"),
    }
}

fn slot_text(s: Option<&SlotState>, live: bool) -> String {
    match s {
        None => "-".into(),
        Some(s) => {
            let status = match s.status {
                SlotStatus::Healthy if live => "live",
                // keep_previous: its services still run, a rollback is instant.
                SlotStatus::Healthy if s.started => "idle, warm",
                SlotStatus::Healthy => "idle",
                SlotStatus::Staged => "staged",
                SlotStatus::Staging => "half-staged",
                SlotStatus::Failed => "failed",
            };
            match &s.ready {
                Some(r) => format!("{} ({status}, {r} ready)", s.version),
                None => format!("{} ({status})", s.version),
            }
        }
    }
}

fn when(t: &jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string()
}

pub fn plan(p: &Printer, plan: &Plan) -> String {
    let mut out = String::new();
    let verb = match plan.kind {
        PlanKind::Deploy => format!("Deploy {}", plan.version),
        PlanKind::Rollback => "Rollback".to_string(),
        PlanKind::Abort => "Abort the interrupted run".to_string(),
    };
    out.push_str(&format!("{verb} to {} (project {}), plan {}\n", plan.environment, plan.project, plan.short_hash()));
    for g in &plan.gates {
        let mark = match g.status {
            GateStatus::Pass => "✓",
            GateStatus::Required => "!",
            GateStatus::Closed => "✗",
        };
        out.push_str(&format!("  {mark} {}\n", g.detail));
    }
    for t in &plan.targets {
        out.push_str(&format!(
            "\nTarget {} ({}, app {}, strategy {}, {} wave{})\n",
            t.target,
            t.kind,
            t.app,
            t.strategy,
            t.waves.len(),
            if t.waves.len() == 1 { "" } else { "s" }
        ));
        out.push_str(&ordering(plan, t));
        let mut tab = table(&["UNIT", "ACTION", "LIVE", "TO", "STEPS", "WHY"]);
        for u in &t.units {
            let action = match u.action {
                UnitAction::Deploy if plan.kind != PlanKind::Deploy => paint(p, "switch back", TColor::Yellow),
                UnitAction::Deploy => paint(p, "deploy", TColor::Cyan),
                UnitAction::Noop => Cell::new("no-op"),
                UnitAction::Unreachable => paint(p, "unreachable", TColor::Red),
                UnitAction::Blocked => paint(p, "blocked", TColor::Red),
            };
            let steps = if p.wide() {
                u.steps.iter().map(|s| s.label()).collect::<Vec<_>>().join("\n")
            } else {
                u.steps.len().to_string()
            };
            let mut why = u.reason.clone();
            if let Some(l) = &u.locked_by {
                why.push_str(&format!("; LOCKED by {l}"));
            }
            tab.add_row(vec![
                Cell::new(&u.unit),
                action,
                color_cell(p, u.live),
                color_cell(p, u.to),
                Cell::new(steps),
                Cell::new(why),
            ]);
        }
        out.push_str(&tab.to_string());
        out.push('\n');
        for u in t.units.iter().filter(|u| !u.changes.is_empty()) {
            out.push_str(&format!("Changes for {}:\n", u.unit));
            for c in &u.changes {
                out.push_str(&format!("  {c}\n"));
            }
        }
        if !p.wide() {
            if let Some(u) = t.units.iter().find(|u| u.action == UnitAction::Deploy) {
                out.push_str(&format!("Steps per unit (as for {}):\n", u.unit));
                for (i, s) in u.steps.iter().enumerate() {
                    out.push_str(&format!("  {:>2}. {}\n", i + 1, s.label()));
                }
            }
        }
    }
    if plan.is_noop() {
        out.push_str("\nNothing to do: every unit is already live on this version.\n");
    }
    out
}

/// When a target starts and what comes back with it: `starts after
/// backend` / `rolls back together with fleet (group platform)`.
fn ordering(plan: &Plan, t: &crate::plan::TargetPlan) -> String {
    let mut out = String::new();
    if !t.after.is_empty() {
        let when = if plan.kind == PlanKind::Deploy { "starts after" } else { "goes back after" };
        out.push_str(&format!("  {when} {} has succeeded\n", t.after.join(", ")));
    }
    if t.migrated {
        out.push_str(&format!(
            "  its migrations of {} ran already (an interrupted or pending run of this release): not run again\n",
            plan.version
        ));
    }
    // The pauses between waves (canary steps, rolling waves), and what
    // each waits for: a duration, `rvmctl promote`, or an analysis.
    if t.waves.iter().any(|w| w.pause_after.is_some()) {
        for (i, w) in t.waves.iter().enumerate() {
            let mut units: Vec<&str> = w.units.iter().take(3).map(String::as_str).collect();
            if w.units.len() > 3 {
                units.push("…");
            }
            let then = w.pause_after.as_deref().map(|l| match crate::config::schema::Pause::from_label(l) {
                Some(p) => format!(": {}", p.describe()),
                None => format!(": then pause {l}"),
            });
            out.push_str(&format!(
                "  wave {}/{} ({}){}\n",
                i + 1,
                t.waves.len(),
                units.join(", "),
                then.unwrap_or_default()
            ));
        }
    }
    if let (Some(g), PlanKind::Deploy) = (&t.rollback_group, plan.kind) {
        let others: Vec<&str> = plan
            .targets
            .iter()
            .filter(|o| o.target != t.target && o.rollback_group.as_ref() == Some(g))
            .map(|o| o.target.as_str())
            .collect();
        if !others.is_empty() {
            out.push_str(&format!(
                "  rolls back together with {} (group {g}): if one fails, every one this run switched goes back\n",
                others.join(", ")
            ));
        }
    }
    out
}

pub fn status(p: &Printer, v: &StatusView) -> String {
    let mut out = String::new();
    if !v.split.is_empty() {
        out.push_str(&format!("ENVIRONMENT SPLIT: {}.\n\n", crate::model::split_advice(&v.environment, &v.split)));
    }
    for t in &v.targets {
        out.push_str(&format!("Target {} ({}, app {}) in {}: {}\n", t.target, t.kind, t.app, v.environment, t.summary));
        if !v.show_rows && !p.wide() && t.units.len() > STATUS_ROWS {
            out.push_str(&status_summary(t));
            out.push_str(&unobserved_lines(t));
            continue;
        }
        if t.units.len() < t.total {
            out.push_str(&format!("showing {} of {} units\n", t.units.len(), t.total));
        }
        let mut headers = vec!["UNIT", "LIVE", "VERSION", "BLUE", "GREEN", "HEALTH", "LAST DEPLOY", "LOCK"];
        let analysed = t.units.iter().any(|u| !u.analysis.is_empty());
        if analysed {
            headers.push("ANALYSIS");
        }
        if p.wide() {
            headers.push("DETAIL");
        }
        let mut tab = table(&headers);
        for u in &t.units {
            let health = match u.health {
                Health::Healthy => paint(p, "healthy", TColor::Green),
                Health::Unhealthy => paint(p, "unhealthy", TColor::Red),
                Health::Unknown => Cell::new("-"),
                Health::Unreachable => paint(p, "unreachable", TColor::Red),
                Health::Forbidden => paint(p, "forbidden", TColor::Red),
            };
            let last = u
                .last_deploy
                .as_ref()
                .map(|h| {
                    // A deploy that did not succeed says so, in the history's words.
                    let result = match h.result {
                        crate::model::Outcome::Success => String::new(),
                        other => format!(" ({})", wire_name(&other)),
                    };
                    // Its schema moved with it: a rollback runs `migrations.down` first.
                    let result = if h.migrated { format!("{result} (schema migrated)") } else { result };
                    format!(
                        "r{} {} {}{result} by {}, {}",
                        h.revision,
                        wire_name(&h.action),
                        h.version,
                        h.by(),
                        when(&h.at)
                    )
                })
                .unwrap_or_else(|| "-".into());
            let lock =
                u.lock.as_ref().map(|l| format!("{} since {}", l.holder, when(&l.since))).unwrap_or_else(|| "-".into());
            let mut row = vec![
                Cell::new(&u.unit),
                color_cell(p, u.live),
                Cell::new(u.live_version.as_deref().unwrap_or("-")),
                Cell::new(slot_text(u.blue.as_ref(), u.live == Some(Color::Blue))),
                Cell::new(slot_text(u.green.as_ref(), u.live == Some(Color::Green))),
                health,
                Cell::new(last),
                Cell::new(lock),
            ];
            if analysed {
                row.push(analysis_cell(p, &u.analysis));
            }
            if p.wide() {
                row.push(Cell::new(u.error.clone().or_else(|| u.health_detail.clone()).unwrap_or_default()));
            }
            tab.add_row(row);
        }
        out.push_str(&tab.to_string());
        out.push('\n');
        out.push_str(&behind_line(t));
        for u in &t.units {
            if let Some(j) = u.interrupted.as_ref().filter(|_| t.units.len() <= STATUS_ROWS || v.show_rows) {
                out.push_str(&format!(
                    "! {}: {} {} was interrupted at \"{}\" ({:?}, plan {}, by {}, {}): run `rvmctl resume -e {env}` to continue or `rvmctl abort -e {env}` to undo\n",
                    u.unit,
                    j.kind,
                    j.version,
                    j.step,
                    wire_name(&j.state),
                    &j.plan_hash[..j.plan_hash.len().min(12)],
                    j.holder,
                    when(&j.at),
                    env = v.environment
                ));
            }
        }
        for u in t.units.iter().filter(|_| t.units.len() <= STATUS_ROWS || v.show_rows) {
            if let Some(c) = &u.canary {
                out.push_str(&format!(
                    "‖ {}: the canary of {} is paused at {}% of replicas{}: `rvmctl promote -e {env}` continues it, `rvmctl rollback -e {env}` ends it\n",
                    u.unit,
                    c.version.as_deref().unwrap_or("the new release"),
                    c.percent,
                    c.step.as_deref().map(|s| format!(" (after \"{s}\")")).unwrap_or_default(),
                    env = v.environment
                ));
            }
        }
        out.push_str(&unobserved_lines(t));
    }
    out
}

/// `status --watch` without a terminal: per change a line
/// (`12:03:07 fleet/rvm-004 live: 1.0.0 (blue) → 1.1.0 (green)`), or with
/// `-o json`/`-o yaml` a JSON object (with `at`) per line.
pub fn change_lines(p: &Printer, changes: &[crate::views::watch::Change], at: jiff::Timestamp) -> Vec<String> {
    changes
        .iter()
        .map(|c| {
            if p.machine() {
                let mut v = serde_json::to_value(c).unwrap_or_default();
                v["at"] = serde_json::Value::String(at.to_string());
                v.to_string()
            } else {
                format!("{} {}", at.strftime("%H:%M:%S"), change_text(c))
            }
        })
        .collect()
}

/// `fleet/rvm-004 live: 1.0.0 (blue) → 1.1.0 (green)`: one change, in a line or a frame.
fn change_text(c: &crate::views::watch::Change) -> String {
    format!("{}/{} {}: {} → {}", c.target, c.unit, c.aspect, c.from, c.to)
}

/// One frame of `status --watch` at a terminal: when, the status, and what
/// changed since the previous frame.
pub fn status_watch(
    p: &Printer,
    v: &crate::views::StatusView,
    changes: &[crate::views::watch::Change],
    at: jiff::Timestamp,
    every: std::time::Duration,
) -> String {
    let mut out = format!(
        "Every {}s: rvmctl status -e {}   {}   (Ctrl-C to stop)\n\n",
        every.as_secs_f64(),
        v.environment,
        at.strftime("%Y-%m-%d %H:%M:%S UTC")
    );
    out.push_str(&status(p, v));
    if !changes.is_empty() {
        out.push_str("\nChanged since the last look:\n");
        for c in changes.iter().take(20) {
            out.push_str(&format!("  {}\n", change_text(c)));
        }
        if changes.len() > 20 {
            out.push_str(&format!("  and {} more\n", changes.len() - 20));
        }
    }
    out
}

/// Why units could not be observed, in the words of the failure (a 403
/// names the verb and resource it lacks): the first few, then a count.
fn unobserved_lines(t: &crate::views::TargetStatus) -> String {
    const SHOWN: usize = 5;
    let failed: Vec<&crate::views::UnitStatus> = t.units.iter().filter(|u| u.error.is_some()).collect();
    let mut out = String::new();
    for u in failed.iter().take(SHOWN) {
        let what = if u.health == Health::Forbidden { "forbidden" } else { "unreachable" };
        out.push_str(&format!("! {} {what}: {}\n", u.unit, u.error.as_deref().unwrap_or_default()));
    }
    if failed.len() > SHOWN {
        out.push_str(&format!(
            "! and {} more units could not be observed (`-o json` has every reason)\n",
            failed.len() - SHOWN
        ));
    }
    out
}

/// "behind 1.1.0: rvm-003 on 1.0.0 since 2h ago, rvm-007 unreachable", or nothing.
fn behind_line(t: &crate::views::TargetStatus) -> String {
    let (Some(fleet), false) = (&t.fleet_version, t.behind.is_empty()) else { return String::new() };
    let shown: Vec<String> = t
        .behind
        .iter()
        .take(10)
        .map(|b| match (&b.live_version, b.unreachable, &b.since) {
            (_, true, _) => format!("{} unreachable", b.unit),
            (Some(v), _, Some(at)) => format!("{} on {v} since {}", b.unit, when(at)),
            (Some(v), _, None) => format!("{} on {v}", b.unit),
            (None, _, _) => format!("{} on an unknown version", b.unit),
        })
        .collect();
    let more = t.behind.len().saturating_sub(shown.len());
    format!(
        "behind {fleet}: {}{}\n",
        shown.join(", "),
        if more > 0 { format!(" (+{more} more)") } else { String::new() }
    )
}

/// Above this many units, a target's status leads with a summary; rows on request.
const STATUS_ROWS: usize = 25;

/// A large target at a glance: units per version and color, per state, and
/// who is behind the fleet since when.
fn status_summary(t: &crate::views::TargetStatus) -> String {
    let mut tab = table(&["VERSION", "LIVE", "UNITS"]);
    for (place, n) in crate::views::places(&t.units) {
        let (version, live) = match place {
            crate::views::Place::Live { version, color } => (version.unwrap_or_else(|| "?".into()), color.to_string()),
            crate::views::Place::NeverDeployed => ("-".into(), "never deployed".into()),
            crate::views::Place::Unreachable => ("-".into(), "unreachable".into()),
            crate::views::Place::Forbidden => ("-".into(), "forbidden".into()),
        };
        tab.add_row(vec![Cell::new(version), Cell::new(live), Cell::new(n)]);
    }
    let mut out = format!("{tab}\n");
    let count = |f: &dyn Fn(&crate::views::UnitStatus) -> bool| t.units.iter().filter(|u| f(u)).count();
    let states = [
        ("healthy", count(&|u| u.health == Health::Healthy)),
        ("unhealthy", count(&|u| u.health == Health::Unhealthy)),
        ("unreachable", count(&|u| u.health == Health::Unreachable)),
        ("forbidden", count(&|u| u.health == Health::Forbidden)),
        ("interrupted", count(&|u| u.interrupted.is_some())),
        ("locked", count(&|u| u.lock.is_some())),
    ];
    let states: Vec<String> = states.iter().filter(|(_, n)| *n > 0).map(|(s, n)| format!("{n} {s}")).collect();
    if !states.is_empty() {
        out.push_str(&format!("states: {}\n", states.join(", ")));
    }
    out.push_str(&behind_line(t));
    out.push_str(&format!("{} units: rows with --filter KEY=VALUE (e.g. state=behind), --hosts or -o wide\n", t.total));
    out
}

/// `ok (2)` when every analysis passes, else what did not: `memory: 0.97 is above max 0.95`.
fn analysis_cell(p: &Printer, a: &[crate::views::AnalysisStatus]) -> Cell {
    if a.is_empty() {
        return Cell::new("-");
    }
    let off: Vec<String> =
        a.iter().filter(|x| x.result != "pass").map(|x| format!("{} {}: {}", x.name, x.result, x.observed)).collect();
    match off.is_empty() {
        true => paint(p, &format!("ok ({})", a.len()), TColor::Green),
        false if a.iter().any(|x| matches!(x.result.as_str(), "fail" | "error")) => {
            paint(p, &off.join("; "), TColor::Red)
        }
        false => paint(p, &off.join("; "), TColor::Yellow),
    }
}

pub fn analysis(p: &Printer, v: &AnalysisView) -> String {
    if v.rows.is_empty() {
        return format!(
            "No analysis applies in {}: name top-level `analysis:` entries in an app's `analysis:`.\n",
            v.environment
        );
    }
    let mut tab = table(&["TARGET", "UNIT", "LIVE", "ANALYSIS", "RESULT", "OBSERVED"]);
    for r in &v.rows {
        let live = match (&r.color, &r.version) {
            (Some(c), Some(ver)) => format!("{ver} ({c})"),
            _ => "-".into(),
        };
        let result = match r.result.as_str() {
            "pass" => paint(p, "pass", TColor::Green),
            "inconclusive" | "skipped" => paint(p, &r.result, TColor::Yellow),
            other => paint(p, other, TColor::Red),
        };
        tab.add_row(vec![
            Cell::new(&r.target),
            Cell::new(&r.unit),
            Cell::new(live),
            Cell::new(&r.analysis),
            result,
            Cell::new(&r.observed),
        ]);
    }
    let verdict = match v.tripped {
        0 => format!("No analysis trips in {}.", v.environment),
        n => format!("{n} evaluation(s) tripped in {}.", v.environment),
    };
    format!("{tab}\n{verdict}\n")
}

pub fn history(p: &Printer, v: &HistoryView) -> String {
    if v.entries.is_empty() {
        return format!("No history in {} yet.\n", v.environment);
    }
    let paint_result = |o: crate::model::Outcome, text: &str| match o {
        crate::model::Outcome::Success => paint(p, text, TColor::Green),
        crate::model::Outcome::Stopped => paint(p, text, TColor::Yellow),
        _ => paint(p, text, TColor::Red),
    };
    if !v.by_unit {
        let mut tab = table(&["REV", "WHEN", "TARGET", "UNITS", "ACTION", "VERSION", "RESULT", "BY"]);
        for r in &v.runs {
            let rev = match r.revisions {
                (a, b) if a == b => a.to_string(),
                (a, b) => format!("{a}-{b}"),
            };
            let units = match r.units.as_slice() {
                [one] => one.clone(),
                many => format!("{} units", many.len()),
            };
            let results: Vec<String> = r.results.iter().map(|(o, n)| format!("{n} {}", wire_name(o))).collect();
            let worst = r.results.iter().map(|(o, _)| *o).find(|o| *o != crate::model::Outcome::Success);
            tab.add_row(vec![
                Cell::new(rev),
                Cell::new(when(&r.at)),
                Cell::new(&r.target),
                Cell::new(units),
                Cell::new(wire_name(&r.action)),
                Cell::new(&r.version),
                paint_result(worst.unwrap_or(crate::model::Outcome::Success), &results.join(", ")),
                Cell::new(r.users.join(", ")),
            ]);
        }
        return tab.to_string() + "\n";
    }
    let mut tab = table(&["REV", "WHEN", "TARGET", "UNIT", "ACTION", "VERSION", "FROM", "TO", "RESULT", "BY"]);
    for r in &v.entries {
        let e = &r.entry;
        tab.add_row(vec![
            Cell::new(e.revision),
            Cell::new(when(&e.at)),
            Cell::new(&r.target),
            Cell::new(&r.unit),
            Cell::new(wire_name(&e.action)),
            Cell::new(&e.version),
            color_cell(p, e.from),
            color_cell(p, Some(e.to)),
            paint_result(e.result, &wire_name(&e.result)),
            Cell::new(e.by()),
        ]);
    }
    tab.to_string() + "\n"
}

/// `history --stats`: one row per target and one for them all, then what
/// the figures leave out.
pub fn history_stats(p: &Printer, v: &StatsView) -> String {
    let window = format!("{} → {} ({} days)", when(&v.from), when(&v.to), number(v.days));
    let mut out = format!("Delivery in {}, {window}\n", v.environment);
    if v.overall.deploys == 0 {
        out.push_str(&format!("No deploys in {} in this window: nothing to measure.\n", v.environment));
        return out;
    }
    let mut tab = table(&[
        "TARGET",
        "DEPLOYS",
        "PER DAY",
        "PER WEEK",
        "FAILED",
        "FAILURE RATE",
        "RESTORED",
        "NOT RESTORED",
        "RESTORE MEDIAN",
        "RESTORE P90",
    ]);
    let rows = v.targets.iter().map(|t| (t.target.as_str(), &t.figures));
    let overall = (v.targets.len() > 1).then_some(("(overall)", &v.overall));
    for (name, f) in rows.chain(overall) {
        let r = &f.time_to_restore;
        let rate = match f.change_failure_rate {
            None => Cell::new("-"),
            Some(0.0) => paint(p, "0%", TColor::Green),
            Some(x) => paint(p, &percent(x), TColor::Red),
        };
        let not_restored = match r.not_restored {
            0 => Cell::new("0"),
            n => paint(p, &n.to_string(), TColor::Red),
        };
        let secs = |s: Option<u64>| s.map_or("-".to_string(), |s| crate::model::Duration::from_secs(s).to_string());
        tab.add_row(vec![
            Cell::new(name),
            Cell::new(f.deploys),
            Cell::new(number(f.per_day)),
            Cell::new(number(f.per_week)),
            Cell::new(f.change_failures),
            rate,
            Cell::new(r.restored),
            not_restored,
            Cell::new(secs(r.median_seconds)),
            Cell::new(secs(r.p90_seconds)),
        ]);
    }
    out.push_str(&format!("{tab}\n"));
    let not_restored = v.overall.time_to_restore.not_restored;
    if not_restored > 0 {
        out.push_str(&format!(
            "{not_restored} failure{} not restored yet: left out of the restore times.\n",
            if not_restored == 1 { "" } else { "s" }
        ));
    }
    if v.overall.interrupted > 0 {
        out.push_str(&format!(
            "{} interrupted deploy(s) counted as neither success nor failure.\n",
            v.overall.interrupted
        ));
    }
    out.push_str("Lead time for changes is not shown: rvmctl does not know when a version's commits were made.\n");
    out
}

/// `0.13`, `2`, `12.5`: two decimals at most, no trailing zeros.
fn number(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A 0–1 fraction as a percent: `50%`, `33.3%`.
fn percent(x: f64) -> String {
    let s = format!("{:.1}", x * 100.0);
    format!("{}%", s.trim_end_matches('0').trim_end_matches('.'))
}

pub fn report(p: &Printer, r: &ApplyReport) -> String {
    let mut tab = table(&["TARGET", "UNIT", "BEFORE", "AFTER", "VERSION", "RESULT", "TIME"]);
    for t in &r.targets {
        for u in &t.units {
            let before = match (&u.version_before, u.before) {
                (Some(v), Some(c)) => format!("{v} ({c})"),
                _ => "-".into(),
            };
            let after = match u.after {
                Some(c) => format!("{} ({c})", u.version_after().unwrap_or("?")),
                None => "-".into(),
            };
            let result = match u.result {
                UnitResult::Switched => paint(p, "switched", TColor::Green),
                UnitResult::Unchanged => Cell::new("unchanged"),
                UnitResult::Failed => paint(p, "failed", TColor::Red),
                UnitResult::RolledBack => paint(p, "rolled back", TColor::Yellow),
                UnitResult::Skipped => Cell::new("skipped"),
                UnitResult::Stopped => paint(p, "stopped", TColor::Yellow),
                UnitResult::Pending => paint(p, "pending", TColor::Yellow),
                UnitResult::Paused => paint(p, "paused (canary)", TColor::Yellow),
            };
            // The version this run put (or tried to put) on the unit; none
            // for a unit it never touched.
            let version = match u.result {
                UnitResult::Skipped => "-",
                _ => u.version.as_deref().unwrap_or("-"),
            };
            tab.add_row(vec![
                Cell::new(&t.target),
                Cell::new(&u.unit),
                Cell::new(before),
                Cell::new(after),
                Cell::new(version),
                result,
                Cell::new(format!("{:.1}s", u.duration_ms as f64 / 1000.0)),
            ]);
        }
    }
    let verdict = match r.outcome {
        ApplyOutcome::Success if r.kind != PlanKind::Deploy => {
            let mut versions: Vec<&str> = r
                .targets
                .iter()
                .flat_map(|t| &t.units)
                .filter(|u| u.result == UnitResult::Switched)
                .filter_map(|u| u.version.as_deref())
                .collect();
            versions.dedup();
            format!("Rolled back: {} is live again in {}.", versions.join(", "), r.environment)
        }
        ApplyOutcome::Success => format!("Done: {} is live in {}.", r.version, r.environment),
        ApplyOutcome::Noop => format!("Nothing to do: {} is already live in {}.", r.version, r.environment),
        ApplyOutcome::Failed => {
            let units = || r.targets.iter().flat_map(|t| &t.units);
            let stranded = units().filter(|u| u.result == UnitResult::Failed && u.moved()).count();
            let unknown: Vec<&str> = units().filter(|u| u.switch_unknown).map(|u| u.unit.as_str()).collect();
            let unknown = if unknown.is_empty() {
                String::new()
            } else {
                format!(
                    " {} unit(s) lost the link during their switch, which may or may not have happened: {}; `rvmctl status -e {}` shows where they are once reachable.",
                    unknown.len(),
                    unknown.join(", "),
                    r.environment
                )
            };
            let not_attempted = units().filter(|u| u.result == UnitResult::Failed && !u.attempted()).count();
            if stranded == 0 {
                let failed =
                    units().filter(|u| u.result == UnitResult::Failed && u.attempted() && !u.switch_unknown).count();
                if failed == 0 && unknown.is_empty() {
                    format!(
                        "NOT ATTEMPTED: nothing was changed; {not_attempted} unit(s) could not be deployed to (see the errors below). Fix that, then run the same deploy again."
                    )
                } else {
                    format!(
                        "FAILED: traffic stayed on the previous color; {failed} unit(s) failed before their switch{} (see the errors below).{unknown}",
                        not_attempted_clause(not_attempted)
                    )
                }
            } else {
                format!(
                    "FAILED: {stranded} unit(s) could not be switched back and stay on {} (it passed its health checks before the switch); the rest stayed on the previous color. Once they are reachable, re-run the deploy or `rvmctl rollback -e {}`.{unknown}",
                    r.version, r.environment
                )
            }
        }
        ApplyOutcome::RolledBack => rolled_back_verdict(r),
        ApplyOutcome::Interrupted => {
            "INTERRUPTED: stopped at a safe point; no unit is half-switched. Re-run the same command to continue."
                .into()
        }
        ApplyOutcome::LockHeld => "REFUSED: another run holds the lock.".into(),
        ApplyOutcome::Pending => {
            let pending: Vec<&str> = r
                .targets
                .iter()
                .flat_map(|t| &t.units)
                .filter(|u| u.result == UnitResult::Pending)
                .map(|u| u.unit.as_str())
                .collect();
            format!(
                "PENDING: every reachable unit runs {}; {} unit(s) could not be reached and were left as they were: {}. Re-run the same deploy when they are back (only they are touched), or add `--until-converged 2h`.",
                r.version,
                pending.len(),
                pending.join(", ")
            )
        }
        ApplyOutcome::Paused => {
            let units = r.targets.iter().flat_map(|t| &t.units);
            let switched = units.clone().filter(|u| u.result == UnitResult::Switched).count();
            let canaries = units.filter(|u| u.result == UnitResult::Paused).count();
            let what = match canaries {
                0 => format!("{switched} more unit(s) now run {}", r.version),
                _ => format!(
                    "{canaries} canary(ies) of {} serve beside the live color (the Service selects both)",
                    r.version
                ),
            };
            format!(
                "PAUSED (pause: manual): {what}. Check them, then `rvmctl promote -e {}` to continue, or `rvmctl rollback -e {}`.",
                r.environment, r.environment
            )
        }
    };
    let mut extra: String =
        super::went_back_together(r).map(|line| format!("Rolled back together: {line}.\n")).collect();
    if !r.split.is_empty() {
        extra.push_str(&format!(
            "ENVIRONMENT SPLIT: {}. `rvmctl status -e {}` shows it until it is resolved.\n",
            crate::model::split_advice(&r.environment, &r.split),
            r.environment
        ));
    }
    format!("{tab}\n{verdict} ({:.1}s)\n{extra}", r.duration_ms as f64 / 1000.0)
}

/// What made a run roll back, counted from its units: failures before a
/// switch (e.g. a later wave under the budget) are not "failed after the switch".
fn rolled_back_verdict(r: &ApplyReport) -> String {
    let units: Vec<&crate::rollout::UnitReport> = r.targets.iter().flat_map(|t| &t.units).collect();
    let count = |f: &dyn Fn(&crate::rollout::UnitReport) -> bool| units.iter().filter(|u| f(u)).count();
    let before = count(&|u| u.result == UnitResult::Failed && !u.moved() && u.attempted());
    let not_attempted = count(&|u| u.result == UnitResult::Failed && !u.attempted());
    // A unit switched back because its own monitor failed carries that error.
    let after = count(&|u| u.result == UnitResult::RolledBack && u.error.is_some());
    let back = count(&|u| u.result == UnitResult::RolledBack);
    let mut why = Vec::new();
    if before > 0 {
        why.push(format!("{before} unit(s) failed before their switch"));
    }
    if after > 0 {
        why.push(format!("{after} failed after it"));
    }
    let why = if why.is_empty() { "the rollout failed".to_string() } else { why.join(", ") };
    format!(
        "ROLLED BACK: {why}{}; the {back} switched unit(s) are back on the previous color.",
        not_attempted_clause(not_attempted)
    )
}

/// ", 2 not attempted (nothing was done on them)", or nothing: every
/// failure verdict counts the units a run never touched the same way.
fn not_attempted_clause(n: usize) -> String {
    if n == 0 { String::new() } else { format!(", {n} not attempted (nothing was done on them)") }
}

/// What `rvmctl adopt` will do (stderr, before asking).
pub fn adopt(app: &str, plan: &crate::model::AdoptPlan) -> String {
    let mut out = format!(
        "Adopt Deployment {}/{} into rvmctl's blue/green model for app {app} (version {}):\n",
        plan.namespace, plan.existing, plan.version
    );
    for (i, c) in plan.changes.iter().enumerate() {
        if c.starts_with("  ") {
            out.push_str(&format!("      {}\n", c.trim_start()));
        } else {
            out.push_str(&format!("  {:>2}. {c}\n", i + 1));
        }
    }
    out
}

pub fn adopted(v: &crate::views::AdoptView) -> String {
    let mut out = String::new();
    for d in &v.done {
        out.push_str(&format!("✓ {d}\n"));
    }
    out.push_str(&format!(
        "Adopted: {} is live on blue ({}). Delete the old Deployment {} when you are happy; the next `rvmctl deploy` goes to green.\n",
        v.app, v.plan.version, v.plan.existing
    ));
    out
}

/// `host check`: per host, its failures and warnings with their fixes; the
/// checks that passed on one line (all of them with `-o wide`).
pub fn host_checks(p: &Printer, v: &crate::views::HostCheckView) -> String {
    use crate::model::CheckStatus;
    let mut tab = table(&["HOST", "CHECK", "RESULT", "DETAIL", "FIX"]);
    for h in &v.hosts {
        let host = if v.hosts.iter().any(|o| o.target != h.target) {
            format!("{} ({})", h.host, h.target)
        } else {
            h.host.clone()
        };
        let mut passed = Vec::new();
        for c in &h.checks {
            if c.status == CheckStatus::Ok && !p.wide() {
                passed.push(c.name.as_str());
                continue;
            }
            let result = match c.status {
                CheckStatus::Ok => paint(p, "ok", TColor::Green),
                CheckStatus::Warn => paint(p, "warn", TColor::Yellow),
                CheckStatus::Failed => paint(p, "FAILED", TColor::Red),
                CheckStatus::Skipped => Cell::new("skipped"),
            };
            tab.add_row(vec![
                Cell::new(&host),
                Cell::new(&c.name),
                result,
                Cell::new(&c.detail),
                Cell::new(c.fix.as_deref().unwrap_or("")),
            ]);
        }
        if !passed.is_empty() {
            tab.add_row(vec![
                Cell::new(&host),
                Cell::new(passed.join(", ")),
                paint(p, "ok", TColor::Green),
                Cell::new(""),
                Cell::new(""),
            ]);
        }
    }
    let mut out = format!("{tab}\n");
    out.push_str(&format!("{}/{} hosts of {} ready.", v.ready, v.hosts.len(), v.environment));
    let not_ready: Vec<String> = v
        .hosts
        .iter()
        .filter(|h| !h.ready)
        .map(|h| {
            let failed = h.failed();
            if failed.is_empty() { h.host.clone() } else { format!("{} ({})", h.host, failed.join(", ")) }
        })
        .collect();
    if !not_ready.is_empty() {
        out.push_str(&format!(" Not ready: {}.", not_ready.join("; ")));
    }
    out.push('\n');
    for t in &v.skipped_targets {
        out.push_str(&format!("(target {t} has no hosts: left out)\n"));
    }
    out
}

/// `host bootstrap` / `host uninstall`: what each host had done to it.
pub fn host_changes(p: &Printer, v: &crate::views::HostChangeView) -> String {
    let mut tab = table(&["HOST", "RESULT", "WHAT"]);
    for h in &v.hosts {
        let (result, what) = match (&h.error, h.changed) {
            (Some(e), _) => (paint(p, "FAILED", TColor::Red), {
                let mut lines = h.actions.clone();
                lines.push(e.clone());
                lines.join("\n")
            }),
            (None, true) => (paint(p, "changed", TColor::Yellow), h.actions.join("\n")),
            (None, false) if v.operation == "uninstall" => {
                (paint(p, "unchanged", TColor::Green), "nothing installed there".to_string())
            }
            (None, false) => (paint(p, "unchanged", TColor::Green), "already as configured".to_string()),
        };
        tab.add_row(vec![Cell::new(&h.host), result, Cell::new(what)]);
    }
    let failed = v.hosts.iter().filter(|h| h.error.is_some()).count();
    let changed = v.hosts.iter().filter(|h| h.error.is_none() && h.changed).count();
    let mut out = format!("{tab}\n");
    out.push_str(&format!(
        "{}: {changed} changed, {} unchanged, {failed} failed.\n",
        v.operation,
        v.hosts.len() - changed - failed
    ));
    for h in &v.hosts {
        if let Some(b) = &h.backup {
            out.push_str(&format!("{}: backup kept at {b}\n", h.host));
        }
    }
    for t in &v.skipped_targets {
        out.push_str(&format!("(target {t} has no hosts: left out)\n"));
    }
    out
}
