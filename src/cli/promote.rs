use clap::Args;

use super::common::{self, EnvArg, GateArgs, HostsArg};
use super::global::GlobalArgs;
use crate::exit::{CliError, CliResult, Exit};
use crate::model::{HistoryAction, Outcome};
use crate::plan::UnitAction;
use crate::ui::Printer;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rvmctl promote -e production              next canary step, then pause again
  rvmctl promote -e production --all --yes  every remaining step, no more pauses

A canary with `pause: manual` stops after each step (on Kubernetes, with the
Service selecting both colors). `promote` continues the
rollout of the version the paused canary deploys (the newest successful
deploy recorded on the hosts): units already live on it are left alone, the
next step's units are deployed. Re-running the same `rvmctl deploy` does the same.")]
pub struct PromoteArgs {
    #[command(flatten)]
    pub env: EnvArg,
    #[command(flatten)]
    pub hosts: HostsArg,
    /// Version to promote (default: the one the paused rollout deploys)
    #[arg(long)]
    pub version: Option<String>,
    /// Go through every remaining canary step without pausing
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub gate: GateArgs,
}

pub async fn run(g: &GlobalArgs, p: &Printer, a: PromoteArgs) -> CliResult {
    let cfg = common::load(g, p)?;
    let env = common::scoped_env(&cfg, &a.env, &a.hosts)?;
    let drivers = common::drivers(g, &cfg, &env, false)?;
    let version = match &a.version {
        Some(v) => v.clone(),
        None => {
            let observed = common::observe(&env, &drivers, None).await?;
            // A Kubernetes canary paused under way says its version itself.
            let canary = observed.iter().flat_map(|t| &t.units).find_map(|u| u.canary_version()).map(str::to_string);
            canary
                .or_else(|| {
                    observed
                        .iter()
                        .flat_map(|t| &t.units)
                        .filter_map(|u| u.last.as_ref())
                        .filter(|e| e.action == HistoryAction::Deploy && e.result == Outcome::Success)
                        .max_by_key(|e| e.at)
                        .map(|e| e.version.clone())
                })
                .ok_or_else(|| {
                    CliError::new(
                        Exit::Error,
                        anyhow::anyhow!(
                            "nothing to promote in {}: no host's last deploy succeeded; start one with `rvmctl deploy -e {} --version <v>`",
                            env.name,
                            env.name
                        ),
                    )
                })?
        }
    };
    common::validate_version(&version)?;
    let observed = common::observe(&env, &drivers, Some(&version)).await?;
    let v = Some(version.as_str());
    if !observed.iter().flat_map(|t| &t.units).any(|u| u.live_version() == v || u.canary_version() == v) {
        return Err(CliError::new(
            Exit::Error,
            anyhow::anyhow!(
                "nothing to promote: no host of {} is live on {version}; start the rollout with `rvmctl deploy -e {} --version {version}`",
                env.name,
                env.name
            ),
        ));
    }
    let user = crate::identity::whoami();
    let mut plan = crate::plan::compute(&crate::plan::PlanRequest {
        project: cfg.project(),
        env: &env,
        version: &version,
        observed: &observed,
        now: jiff::Timestamp::now(),
        user: &user,
    });
    if a.all {
        for t in &mut plan.targets {
            for w in &mut t.waves {
                w.pause_after = None;
            }
            for step in t.units.iter_mut().flat_map(|u| &mut u.steps) {
                if let crate::model::Step::Canary { pause, .. } = step {
                    if pause.as_deref() == Some("manual") {
                        *pause = None;
                    }
                }
            }
        }
        plan.hash = plan.compute_hash();
    }
    if !p.quiet {
        eprint!("{}", crate::ui::table::plan(p, &plan));
    }
    let units: usize =
        plan.targets.iter().map(|t| t.units.iter().filter(|u| u.action == UnitAction::Deploy).count()).sum();
    if plan.is_noop() || units == 0 {
        p.status(&format!("nothing left to promote: no host of {} needs {version} (see the plan above)", env.name));
        return Ok(Exit::Ok);
    }
    let run = common::Run { p, cfg: &cfg, env: &env, drivers: &drivers, command: "promote", version: version.clone() };
    let gates =
        run.gate(&plan, &a.gate, &format!("Promote {version} in {} ({units} more unit(s) to go)?", env.name))?;
    let report = run.execute(&plan, gates.clone()).await;
    run.finish(&plan, &report, &gates)
}
