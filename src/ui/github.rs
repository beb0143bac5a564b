//! Tables for `rvmctl releases` and `rvmctl update check`.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, Color as TColor, ContentArrangement, Table};

use super::{Printer, paint};
use crate::github::views::{ReleasesView, UnitUpdateState, UpdateView};

fn table(headers: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
    t.set_header(headers.iter().map(Cell::new));
    t
}

fn date(t: &Option<jiff::Timestamp>) -> String {
    t.map(|t| t.strftime("%Y-%m-%d").to_string()).unwrap_or_else(|| "-".into())
}

pub fn releases(p: &Printer, v: &ReleasesView) -> String {
    let mut out = format!(
        "Releases of {} (newest version first); latest: {}\n",
        v.repository,
        v.latest.as_deref().unwrap_or("none")
    );
    let mut headers = vec!["TAG", "VERSION", "PUBLISHED", "KIND"];
    if p.wide() {
        headers.extend(["NAME", "URL"]);
    }
    let mut tab = table(&headers);
    for r in &v.releases {
        let kind = if r.draft {
            paint(p, "draft", TColor::DarkGrey)
        } else if r.prerelease {
            paint(p, "prerelease", TColor::Yellow)
        } else if r.latest {
            paint(p, "latest", TColor::Green)
        } else if !r.version.contains('-') {
            Cell::new("release")
        } else {
            paint(p, "pre-release tag", TColor::Yellow)
        };
        let mut row = vec![Cell::new(&r.tag), Cell::new(&r.version), Cell::new(date(&r.published_at)), kind];
        if p.wide() {
            row.push(Cell::new(r.name.as_deref().unwrap_or("")));
            row.push(Cell::new(&r.html_url));
        }
        tab.add_row(row);
    }
    if v.releases.is_empty() {
        out.push_str("no releases with a semantic-version tag\n");
    } else {
        out.push_str(&format!("{tab}\n"));
    }
    if !v.ignored_tags.is_empty() {
        out.push_str(&format!("ignored (not semantic versions): {}\n", v.ignored_tags.join(", ")));
    }
    out
}

pub fn update(p: &Printer, v: &UpdateView) -> String {
    let mut out = format!(
        "Newest release of {}: {} ({}); {} of {} unit{} in {} behind\n",
        v.repository,
        v.latest.tag,
        date(&v.latest.published_at),
        v.behind,
        v.units.len(),
        if v.units.len() == 1 { "" } else { "s" },
        v.environment
    );
    let mut headers = vec!["TARGET", "UNIT", "LIVE VERSION", "STATE"];
    if p.wide() {
        headers.push("DETAIL");
    }
    let mut tab = table(&headers);
    for u in &v.units {
        let state = match u.state {
            UnitUpdateState::Current => paint(p, "current", TColor::Green),
            UnitUpdateState::Behind => paint(p, &format!("behind → {}", v.latest.version), TColor::Yellow),
            UnitUpdateState::Ahead => Cell::new("ahead"),
            UnitUpdateState::NotDeployed => paint(p, "not deployed", TColor::Yellow),
            UnitUpdateState::Unknown => Cell::new("unknown (not a semantic version)"),
            UnitUpdateState::Unreachable => paint(p, "unreachable", TColor::Red),
        };
        let mut row =
            vec![Cell::new(&u.target), Cell::new(&u.unit), Cell::new(u.live_version.as_deref().unwrap_or("-")), state];
        if p.wide() {
            row.push(Cell::new(u.error.as_deref().unwrap_or("")));
        }
        tab.add_row(row);
    }
    out.push_str(&format!("{tab}\n"));
    out
}
