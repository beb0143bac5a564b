use clap::Args;

use super::common::{self, EnvArg, HostsArg};
use super::global::GlobalArgs;
use crate::exit::{CliResult, Exit};
use crate::ui::Printer;
use crate::views::{AnalysisStatus, Health, StatusView, TargetStatus, UnitStatus};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rvmctl status -e production
  rvmctl status -e production -o wide
  rvmctl status -e production --filter state=behind
  rvmctl status -e production --filter version=1.4.1 --filter color=blue
  rvmctl status -e staging -o json | jq '.targets[].summary'

A target with more than 25 units leads with its summary, the versions it
runs and the units behind the fleet; --hosts, --filter or -o wide show the
unit rows.

Exits 1 when a unit could not be observed (unreachable, or forbidden: the
line below the table names what is missing), 0 otherwise.")]
pub struct StatusArgs {
    #[command(flatten)]
    pub env: EnvArg,
    #[command(flatten)]
    pub hosts: HostsArg,
    /// Skip probing the live color's health checks and evaluating its analyses
    #[arg(long)]
    pub no_health: bool,
    /// Keep watching: redraw the status in place every INTERVAL at a terminal
    /// (default 2s); without one, print one line per change (JSON lines with
    /// -o json). Ctrl-C stops watching; nothing is touched.
    #[arg(long, short = 'w', value_name = "INTERVAL", num_args = 0..=1, default_missing_value = "2s")]
    pub watch: Option<crate::model::Duration>,
    /// Only units matching KEY=VALUE (repeatable, all must match): version=V, color=blue|green, health=H, state=behind|interrupted|locked|unreachable|unhealthy|started
    #[arg(long, value_name = "KEY=VALUE")]
    pub filter: Vec<crate::views::UnitFilter>,
}

pub async fn run(g: &GlobalArgs, p: &Printer, a: StatusArgs) -> CliResult {
    let cfg = common::load(g, p)?;
    let env = common::scoped_env(&cfg, &a.env, &a.hosts)?;
    let drivers = common::drivers(g, &cfg, &env, false)?;
    let look = || look(&cfg, &env, &drivers, &a);
    if let Some(every) = a.watch {
        return watch(p, look, every).await;
    }
    let view = look().await?;
    p.emit(&view, |p| crate::ui::table::status(p, &view))?;
    // A status that could not see every unit is not a clean bill of health.
    Ok(if unobserved(&view) { Exit::Error } else { Exit::Ok })
}

fn unobserved(view: &StatusView) -> bool {
    view.targets.iter().flat_map(|t| &t.units).any(|u| u.error.is_some())
}

/// Looks again every `every` until Ctrl-C/SIGTERM: at a terminal the whole
/// status redrawn with what changed under it; otherwise the first status,
/// then one line (or JSON object) per change.
async fn watch<F, Fut>(p: &Printer, look: F, every: crate::model::Duration) -> CliResult
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = CliResult<StatusView>>,
{
    let every = every.get().max(std::time::Duration::from_millis(200));
    let mut stop = common::Stop::new()?;
    let mut before: Option<StatusView> = None;
    loop {
        let view = tokio::select! {
            v = look() => v?,
            _ = stop.next() => return Ok(Exit::Ok),
        };
        let now = jiff::Timestamp::now();
        match &before {
            _ if p.stdout_tty() && !p.machine() => {
                let changes = before.as_ref().map(|b| crate::views::watch::changes(b, &view)).unwrap_or_default();
                p.redraw(&crate::ui::table::status_watch(p, &view, &changes, now, every));
            }
            None => p.emit(&view, |p| crate::ui::table::status(p, &view))?,
            Some(b) => p.write_lines(&crate::ui::table::change_lines(p, &crate::views::watch::changes(b, &view), now)),
        }
        before = Some(view);
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.next() => return Ok(Exit::Ok),
        }
    }
}

/// One look at every unit of the environment (and its health, unless `--no-health`).
async fn look(
    cfg: &crate::config::Config,
    env: &crate::config::ResolvedEnv,
    drivers: &common::Drivers,
    a: &StatusArgs,
) -> CliResult<StatusView> {
    let observed = common::observe(env, drivers, None).await?;
    let mut targets = Vec::new();
    for (t, obs) in env.targets.iter().zip(observed) {
        let driver = drivers.get(&t.name).cloned();
        let units = common::bounded(obs.units.into_iter().map(|u| {
            let driver = driver.clone();
            async move {
                // The live color's health checks and analyses, probed now.
                let (health, detail, analysis) = match (&driver, u.live, u.live_version(), a.no_health) {
                    (Some(d), Some(c), Some(v), false) if u.error.is_none() => {
                        let (health, detail) = match d.probe(&u.unit, c, v).await {
                            Ok(()) => (Health::Healthy, None),
                            Err(e) => (Health::Unhealthy, Some(e.to_string())),
                        };
                        let analysis = match d.analyze(&u.unit, c, v).await {
                            Ok(evals) => evals
                                .iter()
                                .map(|e| AnalysisStatus {
                                    name: e.analysis.clone(),
                                    result: e.result().into(),
                                    observed: e.observed(),
                                })
                                .collect(),
                            Err(e) => vec![AnalysisStatus {
                                name: "-".into(),
                                result: "error".into(),
                                observed: e.to_string(),
                            }],
                        };
                        (health, detail, analysis)
                    }
                    _ => (Health::Unknown, None, Vec::new()),
                };
                UnitStatus { analysis, ..UnitStatus::from_state(u, health, detail) }
            }
        }))
        .await;
        let keep = |u: &UnitStatus, fleet: Option<&str>| a.filter.iter().all(|f| f.keeps(u, fleet));
        targets.push(TargetStatus::new(t.name.clone(), t.kind, t.app_name.clone(), units, keep));
    }
    let show_rows = !a.filter.is_empty() || !a.hosts.hosts.is_empty() || a.hosts.shard.is_some();
    let split = crate::views::split(&targets);
    Ok(StatusView { project: cfg.project().to_string(), environment: env.name.clone(), targets, split, show_rows })
}
