use clap::{Args, Subcommand};

use super::common::{self, EnvArg, HostsArg};
use super::global::GlobalArgs;
use crate::exit::{CliResult, Exit};
use crate::gates::analysis::Verdict;
use crate::ui::Printer;
use crate::views::{AnalysisRow, AnalysisView};

#[derive(Debug, Subcommand)]
pub enum AnalysisCommand {
    /// Evaluate every analysis on every unit's live color now, without deploying
    #[command(after_help = "Examples:
  rvmctl analysis run -e production
  rvmctl analysis run -e production -o json | jq '.rows[] | select(.result == \"fail\")'

Exits 4 when an evaluation fails (a value past its threshold, Prometheus
unreachable, or no data where `no_data: fail`): usable as a CI gate or a
dashboard probe. Each analysis is evaluated once; `failures:` counts only
while a deploy watches.")]
    Run(RunArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub env: EnvArg,
    #[command(flatten)]
    pub hosts: HostsArg,
}

pub async fn run(g: &GlobalArgs, p: &Printer, c: AnalysisCommand) -> CliResult {
    let AnalysisCommand::Run(a) = c;
    let cfg = common::load(g, p)?;
    let env = common::scoped_env(&cfg, &a.env, &a.hosts)?;
    let drivers = common::drivers(g, &cfg, &env, false)?;
    let observed = common::observe(&env, &drivers, None).await?;
    let mut rows = Vec::new();
    for (t, obs) in env.targets.iter().zip(observed) {
        if t.app.analysis.is_empty() {
            continue;
        }
        let driver = drivers.get(&t.name).cloned();
        let per_unit = common::bounded(obs.units.into_iter().map(|u| {
            let driver = driver.clone();
            let target = t.name.clone();
            let names = t.app.analysis.clone();
            async move {
                let row = |analysis: &str, result: &str, observed: String| AnalysisRow {
                    target: target.clone(),
                    unit: u.unit.clone(),
                    color: u.live,
                    version: u.live_version().map(str::to_string),
                    analysis: analysis.to_string(),
                    query: String::new(),
                    threshold: String::new(),
                    result: result.to_string(),
                    value: None,
                    observed,
                };
                let (Some(d), Some(c), Some(v), None) = (&driver, u.live, u.live_version(), &u.error) else {
                    let why = u.error.clone().unwrap_or_else(|| "nothing live".into());
                    return names.iter().map(|n| row(n, "skipped", why.clone())).collect::<Vec<_>>();
                };
                match d.analyze(&u.unit, c, v).await {
                    Err(e) => names.iter().map(|n| row(n, "error", e.to_string())).collect(),
                    Ok(evals) => evals
                        .into_iter()
                        .map(|e| AnalysisRow {
                            query: e.query.clone(),
                            threshold: e.threshold.clone(),
                            result: e.result().to_string(),
                            value: match e.verdict {
                                Verdict::Pass { value } | Verdict::Fail { value, .. } => Some(value),
                                _ => None,
                            },
                            observed: e.observed(),
                            ..row(&e.analysis, "", String::new())
                        })
                        .collect(),
                }
            }
        }))
        .await;
        rows.extend(per_unit.into_iter().flatten());
    }
    let tripped = rows.iter().filter(|r| matches!(r.result.as_str(), "fail" | "error")).count();
    let view = AnalysisView { environment: env.name.clone(), rows, tripped };
    p.emit(&view, |p| crate::ui::table::analysis(p, &view))?;
    Ok(if tripped > 0 { Exit::DeployFailed } else { Exit::Ok })
}
