//! GitHub Actions integration: `::error` annotations (a config error points
//! at its file and line), `::group::` folding, a Markdown step summary and
//! step outputs. Active only when `GITHUB_ACTIONS=true`. Workflow commands go
//! to stderr so `-o json` on stdout stays clean.

use std::io::Write;

use crate::plan::PlanKind;
use crate::rollout::{ApplyOutcome, ApplyReport, UnitResult};

pub fn enabled() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `::error file=…,line=…,col=…,title=…::message`
pub fn error_annotation(file: Option<(&str, u64, u64)>, title: &str, message: &str) -> String {
    let mut props = Vec::new();
    if let Some((f, line, col)) = file {
        props.push(format!("file={}", escape_property(f)));
        props.push(format!("line={line}"));
        props.push(format!("col={col}"));
    }
    props.push(format!("title={}", escape_property(title)));
    format!("::error {}::{}", props.join(","), escape_data(&crate::notify::redact(message)))
}

pub fn emit(line: &str) {
    if enabled() {
        eprintln!("{line}");
    }
}

pub fn group(title: &str) {
    emit(&format!("::group::{}", escape_data(title)));
}

pub fn end_group() {
    emit("::endgroup::");
}

fn append(var: &str, text: &str) -> Result<(), String> {
    let Some(path) = std::env::var_os(var) else { return Ok(()) };
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| format!("cannot open ${var}: {e}"))?;
    f.write_all(text.as_bytes()).map_err(|e| format!("cannot write ${var}: {e}"))
}

/// The Markdown summary of a run.
pub fn summary_markdown(r: &ApplyReport, user: &str) -> String {
    let (icon, word) = match r.outcome {
        ApplyOutcome::Success => ("✅", "succeeded"),
        ApplyOutcome::Noop => ("✅", "nothing to do"),
        ApplyOutcome::Paused => ("⏸️", "paused for `rvmctl promote`"),
        ApplyOutcome::Failed => ("❌", "failed"),
        ApplyOutcome::RolledBack => ("↩️", "failed and was rolled back"),
        ApplyOutcome::Interrupted => ("⏹️", "was interrupted"),
        ApplyOutcome::LockHeld => ("🔒", "was refused: lock held"),
        ApplyOutcome::Pending => ("⏳", "reached every reachable unit; some are pending"),
    };
    let what = match r.kind {
        PlanKind::Deploy => format!("deploy {}", r.version),
        PlanKind::Rollback => "rollback".to_string(),
        PlanKind::Abort => "abort".to_string(),
    };
    let mut md = format!("### {icon} rvmctl {what} to `{}` {word}\n\n", r.environment);
    md.push_str("| Target | Unit | Before | After | Result |\n|---|---|---|---|---|\n");
    for t in &r.targets {
        for u in &t.units {
            let before = match (&u.version_before, u.before) {
                (Some(v), Some(c)) => format!("{v} ({c})"),
                _ => "–".into(),
            };
            let after = match (u.result, u.after) {
                (UnitResult::Switched, Some(c)) => format!("{} ({c})", u.version.as_deref().unwrap_or("?")),
                (_, Some(c)) => format!("{} ({c})", u.version_before.as_deref().unwrap_or("?")),
                _ => "–".into(),
            };
            let result = crate::model::wire_name(&u.result);
            md.push_str(&format!("| {} | {} | {before} | {after} | {result} |\n", t.target, u.unit));
        }
    }
    for line in super::went_back_together(r) {
        md.push_str(&format!("\n↩️ {line}\n"));
    }
    if !r.split.is_empty() {
        md.push_str(&format!(
            "\n> [!WARNING]\n> **Environment split**: {}.\n",
            crate::model::split_advice(&r.environment, &r.split)
        ));
    }
    md.push_str(&format!(
        "\nDuration {:.1}s · plan `{}` · by {user}\n",
        r.duration_ms as f64 / 1000.0,
        &r.plan_hash[..r.plan_hash.len().min(12)]
    ));
    if !r.errors.is_empty() {
        md.push_str("\n**Errors**\n\n");
        for e in &r.errors {
            md.push_str(&format!("- {}\n", crate::notify::redact(e).replace('\n', " ")));
        }
    }
    md.push('\n');
    md
}

/// `active_color`, `previous_color`, `version`, `revision` for later steps.
pub fn outputs(r: &ApplyReport, revision: u64) -> Vec<(&'static str, String)> {
    let units: Vec<_> = r.targets.iter().flat_map(|t| &t.units).collect();
    let most_common = |colors: Vec<String>| {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for c in colors {
            match counts.iter_mut().find(|(k, _)| *k == c) {
                Some((_, n)) => *n += 1,
                None => counts.push((c, 1)),
            }
        }
        counts.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        counts.into_iter().next().map(|(c, _)| c).unwrap_or_default()
    };
    let active = most_common(units.iter().filter_map(|u| u.after.map(|c| c.to_string())).collect());
    let previous = most_common(units.iter().filter_map(|u| u.before.map(|c| c.to_string())).collect());
    let version = most_common(
        units
            .iter()
            .filter_map(|u| if u.result == UnitResult::Switched { u.version.clone() } else { u.version_before.clone() })
            .collect(),
    );
    vec![
        ("active_color", active),
        ("previous_color", previous),
        ("version", version),
        ("revision", revision.to_string()),
        // `backend=1.5.0,fleet=1.4.2` when the run left targets on different versions, else empty.
        (
            "split",
            r.split.iter().map(|t| format!("{}={}", t.target, t.versions.join("+"))).collect::<Vec<_>>().join(","),
        ),
    ]
}

/// Writes the step summary and outputs when running in GitHub Actions.
pub fn publish(r: &ApplyReport, user: &str, revision: u64) -> Result<(), String> {
    if !enabled() {
        return Ok(());
    }
    append("GITHUB_STEP_SUMMARY", &summary_markdown(r, user))?;
    let lines: String = outputs(r, revision).into_iter().map(|(k, v)| format!("{k}={v}\n")).collect();
    append("GITHUB_OUTPUT", &lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_escape_their_payload() {
        let a =
            error_annotation(Some(("deploy/config.yaml", 4, 3)), "rvmctl: config", "unknown key 'x'\nsecond line 100%");
        assert_eq!(
            a,
            "::error file=deploy/config.yaml,line=4,col=3,title=rvmctl%3A config::unknown key 'x'%0Asecond line 100%25"
        );
    }
}
