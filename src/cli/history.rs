use clap::Args;

use super::common::{self, EnvArg};
use super::global::GlobalArgs;
use crate::exit::{CliError, CliResult, Exit};
use crate::ui::Printer;
use crate::views::{HistoryRow, HistoryView, history_runs};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rvmctl history -e production
  rvmctl history -e production --units --limit 50
  rvmctl history -e production --limit 5 -o json
  rvmctl history -e production --stats --since 2w

A run over a fleet is one row (its units and results counted); --units
shows one row per unit.

--stats turns the history into delivery figures per target: deploys per
day and week, change failure rate, and time to restore (median and p90).
A run over a fleet is one deploy; lead time for changes is not measured.")]
pub struct HistoryArgs {
    #[command(flatten)]
    pub env: EnvArg,
    /// Show at most this many runs (with --units: entries), newest first
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// One row per unit instead of one per run
    #[arg(long)]
    pub units: bool,
    /// Delivery figures instead of the runs: deploys, change failure rate, time to restore
    #[arg(long, conflicts_with_all = ["limit", "units"])]
    pub stats: bool,
    /// With --stats: how far back to look, e.g. 12h, 30d, 2w
    #[arg(long, requires = "stats", default_value = "30d", value_name = "DURATION")]
    pub since: crate::model::Duration,
}

pub async fn run(g: &GlobalArgs, p: &Printer, a: HistoryArgs) -> CliResult {
    let cfg = common::load(g, p)?;
    let env = common::pick_env(&cfg, &a.env)?;
    let drivers = common::drivers(g, &cfg, &env, false)?;
    let mut entries = Vec::new();
    for t in &env.targets {
        let Some(d) = drivers.get(&t.name) else { continue };
        let read = common::bounded(d.units().into_iter().map(|unit| {
            let d = d.clone();
            async move { (d.history(&unit).await, unit) }
        }))
        .await;
        for (history, unit) in read {
            match history {
                Ok(h) => entries.extend(h.into_iter().map(|entry| HistoryRow {
                    target: t.name.clone(),
                    unit: unit.clone(),
                    entry,
                })),
                Err(e) => p.warn(&format!("{e}")),
            }
        }
    }
    if a.stats {
        let targets: Vec<String> = env.targets.iter().map(|t| t.name.clone()).collect();
        let view = crate::views::stats::compute(&env.name, &targets, &entries, common::now()?, a.since.get())
            .map_err(|e| CliError::new(Exit::Usage, anyhow::anyhow!("--since {}: {e}", a.since)))?;
        p.emit(&view, |p| crate::ui::table::history_stats(p, &view))?;
        return Ok(Exit::Ok);
    }
    entries.sort_by(|a, b| b.entry.at.cmp(&a.entry.at).then_with(|| a.unit.cmp(&b.unit)));
    let mut runs = history_runs(&entries);
    runs.truncate(a.limit);
    entries.truncate(a.limit);
    let view = HistoryView { environment: env.name.clone(), entries, runs, by_unit: a.units };
    p.emit(&view, |p| crate::ui::table::history(p, &view))?;
    Ok(Exit::Ok)
}
