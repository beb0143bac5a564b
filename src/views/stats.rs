//! `history --stats`: delivery figures computed from the history the targets
//! already keep — deployment frequency, change failure rate and time to
//! restore (three of the four DORA measures; lead time for changes needs
//! commit times, which rvmctl does not know).
//!
//! Pure: the history lines, the instant "now" and the window are parameters.
//!
//! The unit of counting is a run over a target ([`history_runs`]): a deploy
//! over a fleet of 200 units is one deploy, not 200. Per target, in time order:
//!
//! - a **deploy** is a run whose action is `deploy`. It is a *change failure*
//!   when one of its units `failed`, `rolled_back` or was `stopped` by the
//!   failure budget, or when a later `rollback` run switched back from it
//!   (`reverted`: the rollback undoes the newest successful deploy before
//!   it). An `interrupted` deploy (Ctrl-C, a killed run) is a deploy but
//!   neither a success nor a change failure.
//! - a **restore** is a run (deploy, rollback or abort) whose every unit
//!   succeeded: it ends every change failure still open on the target. The
//!   time to restore is from the failing deploy's history line (when it
//!   ended) to the restoring run's; for a reverted deploy, from the deploy to
//!   the rollback. A failure nothing restored yet is `not_restored` and left
//!   out of the median and p90.
//!
//! The figures are about the deploys made in the window `(now - since, now]`;
//! lines after `now` are ignored, lines before the window only set the state
//! a deploy in it starts from.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::{HistoryRow, HistoryRun, history_runs};
use crate::model::{HistoryAction, Outcome};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum StatsError {
    #[error("the window must be longer than 0s")]
    EmptyWindow,
    #[error("a window of {0:?} reaches before the earliest instant a timestamp can hold; pick a shorter --since")]
    WindowTooLong(std::time::Duration),
}

/// `rvmctl history --stats`.
#[derive(Debug, Clone, Serialize)]
pub struct StatsView {
    pub environment: String,
    /// Start of the window (exclusive).
    pub from: Timestamp,
    /// End of the window (now, or `RVMCTL_NOW`).
    pub to: Timestamp,
    /// Length of the window in days.
    pub days: f64,
    /// One per target of the environment, in config order.
    pub targets: Vec<TargetStats>,
    /// The targets taken together: a run over three targets is three deploys.
    pub overall: Figures,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetStats {
    pub target: String,
    #[serde(flatten)]
    pub figures: Figures,
    /// Each change failure of the window, oldest first.
    pub failures: Vec<ChangeFailure>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Deploy runs in the window.
    pub deploys: usize,
    /// `deploys` per day and per week of the window.
    pub per_day: f64,
    pub per_week: f64,
    /// Deploys every unit of which succeeded and that no rollback undid.
    pub successful: usize,
    /// Deploys that failed, rolled back or were reverted.
    pub change_failures: usize,
    /// Deploys that were interrupted (neither successful nor failed).
    pub interrupted: usize,
    /// `change_failures / deploys`, from 0 to 1; null without deploys.
    pub change_failure_rate: Option<f64>,
    pub time_to_restore: TimeToRestore,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TimeToRestore {
    /// Change failures restored (the samples of the median and p90).
    pub restored: usize,
    /// Change failures nothing has restored yet: not in the median or p90.
    pub not_restored: usize,
    /// Whole seconds; null without a restored failure.
    pub median_seconds: Option<u64>,
    pub p90_seconds: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// A unit's deploy failed (or was stopped by the failure budget).
    Failed,
    /// The run switched back by itself after a failure.
    RolledBack,
    /// A later rollback run switched back from it.
    Reverted,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeFailure {
    pub version: String,
    pub kind: FailureKind,
    /// The failing deploy's history line (when it ended).
    pub at: Timestamp,
    /// The run that restored the target, if one did.
    pub restored_at: Option<Timestamp>,
    pub restored_by: Option<HistoryAction>,
    pub restore_seconds: Option<u64>,
}

/// How a run over a target ended, over all its units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RunResult {
    Success,
    Failed(FailureKind),
    /// Neither: some unit was interrupted, none failed.
    Interrupted,
}

fn run_result(run: &HistoryRun) -> RunResult {
    let has = |o: Outcome| run.results.iter().any(|(r, n)| *r == o && *n > 0);
    if has(Outcome::RolledBack) {
        RunResult::Failed(FailureKind::RolledBack)
    } else if has(Outcome::Failed) || has(Outcome::Stopped) {
        RunResult::Failed(FailureKind::Failed)
    } else if has(Outcome::Interrupted) {
        RunResult::Interrupted
    } else {
        RunResult::Success
    }
}

/// The figures of `environment` over `targets` (their order is kept) for the
/// window of length `since` ending at `now`.
pub fn compute(
    environment: &str,
    targets: &[String],
    rows: &[HistoryRow],
    now: Timestamp,
    since: std::time::Duration,
) -> Result<StatsView, StatsError> {
    if since.is_zero() {
        return Err(StatsError::EmptyWindow);
    }
    let from = SignedDuration::try_from(since)
        .ok()
        .and_then(|d| now.checked_sub(d).ok())
        .ok_or(StatsError::WindowTooLong(since))?;
    let days = since.as_secs_f64() / 86_400.0;
    let known: Vec<HistoryRow> = rows.iter().filter(|r| r.entry.at <= now).cloned().collect();
    let runs = history_runs(&known);
    let per_target: Vec<TargetStats> = targets
        .iter()
        .map(|t| {
            let mut mine: Vec<&HistoryRun> = runs.iter().filter(|r| &r.target == t).collect();
            mine.sort_by_key(|r| r.at);
            target_stats(t, &mine, from, days)
        })
        .collect();
    let all_failures: Vec<&ChangeFailure> = per_target.iter().flat_map(|t| &t.failures).collect();
    let sum = |f: fn(&Figures) -> usize| per_target.iter().map(|t| f(&t.figures)).sum::<usize>();
    let overall = figures(sum(|f| f.deploys), sum(|f| f.successful), sum(|f| f.interrupted), &all_failures, days);
    Ok(StatsView { environment: environment.to_string(), from, to: now, days, targets: per_target, overall })
}

/// One target's runs, oldest first.
fn target_stats(target: &str, runs: &[&HistoryRun], from: Timestamp, days: f64) -> TargetStats {
    let in_window = |at: Timestamp| at > from;
    let (mut deploys, mut interrupted) = (0, 0);
    let mut failures: Vec<ChangeFailure> = Vec::new();
    // Successful deploys (and whether the window counts them); `last_good`
    // is the newest one (its index) a rollback would undo.
    let mut successes: Vec<(&HistoryRun, bool)> = Vec::new();
    let mut last_good: Option<usize> = None;
    let failure = |run: &HistoryRun, kind| ChangeFailure {
        version: run.version.clone(),
        kind,
        at: run.at,
        restored_at: None,
        restored_by: None,
        restore_seconds: None,
    };
    for run in runs {
        let result = run_result(run);
        match run.action {
            HistoryAction::Deploy => {
                let counted = in_window(run.at);
                deploys += usize::from(counted);
                match result {
                    RunResult::Success => {
                        successes.push((run, counted));
                        last_good = Some(successes.len() - 1);
                    }
                    RunResult::Failed(kind) if counted => failures.push(failure(run, kind)),
                    RunResult::Failed(_) => {}
                    RunResult::Interrupted => interrupted += usize::from(counted),
                }
            }
            // Whatever came of it, a rollback says the deploy it went back
            // from was a bad change.
            HistoryAction::Rollback => {
                if let Some((deploy, counted)) = last_good.take().map(|i| successes[i]) {
                    if counted {
                        failures.push(failure(deploy, FailureKind::Reverted));
                    }
                }
            }
            HistoryAction::Abort => {}
        }
        if result == RunResult::Success {
            for f in failures.iter_mut().filter(|f| f.restored_at.is_none() && f.at <= run.at) {
                f.restored_at = Some(run.at);
                f.restored_by = Some(run.action);
                f.restore_seconds = Some(seconds(run.at.duration_since(f.at)));
            }
        }
    }
    // Each reverted failure is one of the counted successes (a rollback takes it once).
    let successful = successes.iter().filter(|(_, counted)| *counted).count()
        - failures.iter().filter(|f| f.kind == FailureKind::Reverted).count();
    failures.sort_by_key(|f| f.at);
    let refs: Vec<&ChangeFailure> = failures.iter().collect();
    TargetStats {
        target: target.to_string(),
        figures: figures(deploys, successful, interrupted, &refs, days),
        failures,
    }
}

fn figures(deploys: usize, successful: usize, interrupted: usize, failures: &[&ChangeFailure], days: f64) -> Figures {
    let mut samples: Vec<f64> =
        failures.iter().filter_map(|f| f.restored_at.map(|r| r.duration_since(f.at).as_secs_f64())).collect();
    samples.sort_by(f64::total_cmp);
    let per_day = deploys as f64 / days;
    Figures {
        deploys,
        per_day,
        per_week: per_day * 7.0,
        successful,
        change_failures: failures.len(),
        interrupted,
        change_failure_rate: (deploys > 0).then(|| failures.len() as f64 / deploys as f64),
        time_to_restore: TimeToRestore {
            restored: samples.len(),
            not_restored: failures.len() - samples.len(),
            median_seconds: percentile(&samples, 0.5).map(round_seconds),
            p90_seconds: percentile(&samples, 0.9).map(round_seconds),
        },
    }
}

/// The `q` quantile (0–1) of sorted samples, interpolating linearly between
/// the two nearest ranks (the median of two samples is their mean); none
/// without samples.
pub fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let rank = q.clamp(0.0, 1.0) * last as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    let (a, b) = (sorted[lo], sorted[hi.min(last)]);
    Some(a + (b - a) * (rank - lo as f64))
}

fn round_seconds(s: f64) -> u64 {
    s.max(0.0).round() as u64
}

fn seconds(d: SignedDuration) -> u64 {
    round_seconds(d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Color, HistoryEntry};

    const NOW: &str = "2026-12-01T00:00:00Z";

    fn at(s: &str) -> Timestamp {
        s.parse().expect("a timestamp")
    }

    /// One history line of `target`'s unit `unit`; each call is its own run
    /// unless `plan` ties lines together.
    fn line(target: &str, unit: &str, when: &str, action: HistoryAction, version: &str, result: Outcome) -> HistoryRow {
        HistoryRow {
            target: target.into(),
            unit: unit.into(),
            entry: HistoryEntry {
                revision: 1,
                at: at(when),
                user: "ci".into(),
                action,
                version: version.into(),
                from: Some(Color::Blue),
                to: Color::Green,
                result,
                plan_hash: Some(format!("{target}-{version}-{}-{when}", crate::model::wire_name(&action))),
                message: None,
                approved_by: None,
                window_override: None,
                migrated: false,
                identity: None,
            },
        }
    }

    fn deploy(when: &str, version: &str, result: Outcome) -> HistoryRow {
        line("edge", "a", when, HistoryAction::Deploy, version, result)
    }

    fn rollback(when: &str, version: &str) -> HistoryRow {
        line("edge", "a", when, HistoryAction::Rollback, version, Outcome::Success)
    }

    fn stats(rows: &[HistoryRow], since: u64) -> StatsView {
        compute("production", &["edge".into()], rows, at(NOW), std::time::Duration::from_secs(since * 86_400))
            .expect("a valid window")
    }

    const DAY: u64 = 86_400;

    #[test]
    fn percentiles_of_zero_one_and_two_samples() {
        assert_eq!(percentile(&[], 0.5), None);
        assert_eq!(percentile(&[], 0.9), None);
        assert_eq!(percentile(&[60.0], 0.5), Some(60.0));
        assert_eq!(percentile(&[60.0], 0.9), Some(60.0));
        assert_eq!(percentile(&[60.0, 160.0], 0.5), Some(110.0));
        assert_eq!(percentile(&[60.0, 160.0], 0.9), Some(150.0));
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile(&ten, 0.5), Some(5.5));
        assert_eq!(percentile(&ten, 0.9).map(|p| (p * 10.0).round() / 10.0), Some(9.1));
        assert_eq!(percentile(&ten, 0.0), Some(1.0));
        assert_eq!(percentile(&ten, 1.0), Some(10.0));
    }

    #[test]
    fn no_history_is_zero_figures() {
        let v = stats(&[], 30);
        let f = &v.targets[0].figures;
        assert_eq!((f.deploys, f.change_failures, f.per_day), (0, 0, 0.0));
        assert_eq!(f.change_failure_rate, None);
        assert_eq!(f.time_to_restore, TimeToRestore::default());
        assert_eq!(v.overall, Figures::default());
        assert_eq!(v.from, at("2026-11-01T00:00:00Z"));
        assert_eq!(v.days, 30.0);
    }

    #[test]
    fn the_known_sequence_gives_the_known_figures() {
        let rows = [
            deploy("2026-11-20T10:00:00Z", "1.0.0", Outcome::Success),
            deploy("2026-11-21T10:00:00Z", "1.1.0", Outcome::Success),
            // 1.1.0 turns out bad: rolled back 30 minutes later.
            rollback("2026-11-21T10:30:00Z", "1.0.0"),
            // 1.2.0 fails after its switch and goes back by itself; 1.2.1 fixes it 2h later.
            deploy("2026-11-22T10:00:00Z", "1.2.0", Outcome::RolledBack),
            deploy("2026-11-22T12:00:00Z", "1.2.1", Outcome::Success),
            // 1.3.0 fails its checks; nothing has fixed it yet.
            deploy("2026-11-30T10:00:00Z", "1.3.0", Outcome::Failed),
        ];
        let v = stats(&rows, 30);
        let f = &v.targets[0].figures;
        assert_eq!((f.deploys, f.successful, f.change_failures, f.interrupted), (5, 2, 3, 0));
        assert_eq!(f.change_failure_rate, Some(0.6));
        assert_eq!(f.per_day, 5.0 / 30.0);
        assert_eq!(f.per_week, 5.0 / 30.0 * 7.0);
        assert_eq!(
            f.time_to_restore,
            TimeToRestore { restored: 2, not_restored: 1, median_seconds: Some(4500), p90_seconds: Some(6660) }
        );
        let failures: Vec<_> = v.targets[0]
            .failures
            .iter()
            .map(|f| (f.version.as_str(), f.kind, f.restored_by, f.restore_seconds))
            .collect();
        assert_eq!(
            failures,
            [
                ("1.1.0", FailureKind::Reverted, Some(HistoryAction::Rollback), Some(1800)),
                ("1.2.0", FailureKind::RolledBack, Some(HistoryAction::Deploy), Some(7200)),
                ("1.3.0", FailureKind::Failed, None, None),
            ]
        );
        assert_eq!(v.overall, *f, "one target: overall is that target");

        // A 5-day window sees only the failing 1.3.0.
        let v = stats(&rows, 5);
        let f = &v.targets[0].figures;
        assert_eq!((f.deploys, f.change_failures, f.change_failure_rate), (1, 1, Some(1.0)));
        assert_eq!(f.time_to_restore.not_restored, 1);
        assert_eq!(f.time_to_restore.median_seconds, None);
    }

    #[test]
    fn a_fleet_run_is_one_deploy_and_one_failed_unit_fails_it() {
        let mut rows: Vec<HistoryRow> = ["a", "b", "c"]
            .iter()
            .map(|u| line("edge", u, "2026-11-30T10:00:00Z", HistoryAction::Deploy, "2.0.0", Outcome::Success))
            .collect();
        rows[2].entry.result = Outcome::Failed;
        let v = stats(&rows, 30);
        assert_eq!((v.overall.deploys, v.overall.change_failures), (1, 1));
        assert_eq!(v.targets[0].failures[0].kind, FailureKind::Failed);
    }

    #[test]
    fn an_abort_restores_and_an_interruption_is_no_failure() {
        let rows = [
            deploy("2026-11-28T10:00:00Z", "1.0.0", Outcome::Failed),
            line("edge", "a", "2026-11-28T10:05:00Z", HistoryAction::Abort, "1.0.0", Outcome::Success),
            deploy("2026-11-29T10:00:00Z", "1.1.0", Outcome::Interrupted),
        ];
        let v = stats(&rows, 30);
        let f = &v.targets[0].figures;
        assert_eq!((f.deploys, f.successful, f.change_failures, f.interrupted), (2, 0, 1, 1));
        assert_eq!(f.change_failure_rate, Some(0.5));
        assert_eq!(f.time_to_restore.median_seconds, Some(300));
        assert_eq!(v.targets[0].failures[0].restored_by, Some(HistoryAction::Abort));
    }

    #[test]
    fn the_window_and_now_bound_what_is_counted() {
        let rows = [
            // Before the window: it sets state (the rollback undoes it) but is not counted.
            deploy("2026-10-01T10:00:00Z", "0.9.0", Outcome::Success),
            rollback("2026-11-29T10:00:00Z", "0.8.0"),
            deploy("2026-11-30T10:00:00Z", "1.0.0", Outcome::Failed),
            // After now (RVMCTL_NOW in the past): ignored, so 1.0.0 is not restored.
            deploy("2026-12-02T10:00:00Z", "1.0.1", Outcome::Success),
        ];
        let v = stats(&rows, 30);
        let f = &v.targets[0].figures;
        assert_eq!((f.deploys, f.change_failures), (1, 1));
        assert_eq!(f.time_to_restore.not_restored, 1);
    }

    #[test]
    fn the_overall_row_adds_the_targets_up() {
        let rows = [
            deploy("2026-11-30T10:00:00Z", "1.0.0", Outcome::Failed),
            deploy("2026-11-30T10:01:40Z", "1.0.1", Outcome::Success),
            line("cloud", "web", "2026-11-30T10:00:00Z", HistoryAction::Deploy, "1.0.0", Outcome::RolledBack),
            line("cloud", "web", "2026-11-30T10:10:00Z", HistoryAction::Deploy, "1.0.1", Outcome::Success),
            line("cloud", "web", "2026-11-30T11:00:00Z", HistoryAction::Deploy, "1.0.2", Outcome::Success),
        ];
        let targets = ["edge".to_string(), "cloud".to_string(), "idle".to_string()];
        let v = compute("production", &targets, &rows, at(NOW), std::time::Duration::from_secs(7 * DAY))
            .expect("a valid window");
        assert_eq!(v.targets.iter().map(|t| t.target.as_str()).collect::<Vec<_>>(), targets);
        assert_eq!(v.targets[2].figures.deploys, 0);
        let o = &v.overall;
        assert_eq!((o.deploys, o.successful, o.change_failures), (5, 3, 2));
        assert_eq!(o.change_failure_rate, Some(0.4));
        assert!((o.per_week - 5.0).abs() < 1e-9, "{}", o.per_week);
        // Restores of 100 s and 600 s: median 350 s, p90 550 s.
        assert_eq!(o.time_to_restore.median_seconds, Some(350));
        assert_eq!(o.time_to_restore.p90_seconds, Some(550));

        // The table: a row per target, then one for them all.
        let p = crate::ui::Printer {
            format: crate::ui::OutputFormat::Table,
            color: false,
            stderr_tty: false,
            quiet: true,
            verbose: 0,
        };
        insta::assert_snapshot!(crate::ui::table::history_stats(&p, &v));
    }

    #[test]
    fn an_empty_or_endless_window_is_an_error() {
        let compute = |d| compute("p", &[], &[], at(NOW), d).map(|_| ());
        assert_eq!(compute(std::time::Duration::ZERO), Err(StatsError::EmptyWindow));
        assert!(matches!(compute(std::time::Duration::from_secs(u64::MAX)), Err(StatsError::WindowTooLong(_))));
    }
}
