use clap::Args;

use super::GlobalArgs;
use super::common::{self, EnvArg, GateArgs, HostsArg};
use crate::exit::{CliError, CliResult, Exit};
use crate::plan::UnitAction;
use crate::ui::Printer;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rvmctl rollback -e production
  rvmctl rollback -e staging --yes -o json

Rollback switches each unit's live pointer back to its other color when that
color still holds a good release: no restaging, no download. When it does not,
rvmctl says so; redeploy the version you want with `rvmctl deploy`.")]
pub struct RollbackArgs {
    #[command(flatten)]
    pub env: EnvArg,
    #[command(flatten)]
    pub hosts: HostsArg,
    #[command(flatten)]
    pub gate: GateArgs,
}

pub async fn run(g: &GlobalArgs, p: &Printer, a: RollbackArgs) -> CliResult {
    let cfg = common::load(g, p)?;
    let mut env = common::pick_env(&cfg, &a.env)?;
    common::only_hosts(&mut env, &a.hosts)?;
    let drivers = common::drivers(&cfg, &env)?;
    let observed = common::observe(&env, &drivers, None).await?;
    let user = crate::whoami();
    let plan = crate::plan::rollback(&crate::plan::PlanRequest {
        project: cfg.project(),
        env: &env,
        version: "previous",
        observed: &observed,
        now: jiff::Timestamp::now(),
        user: &user,
    });
    if !p.quiet {
        eprint!("{}", crate::ui::table::plan(p, &plan));
    }
    let units: Vec<_> = plan.targets.iter().flat_map(|t| &t.units).collect();
    if !units.iter().any(|u| u.action == UnitAction::Deploy) {
        let why: Vec<String> = units.iter().map(|u| format!("{}: {}", u.unit, u.reason)).collect();
        return Err(CliError::new(Exit::Error, anyhow::anyhow!("nothing to roll back:\n  {}", why.join("\n  "))));
    }
    common::gate(
        p,
        &plan,
        &a.gate,
        &format!(
            "Roll back {} ({} unit(s))?",
            env.name,
            units.iter().filter(|u| u.action == UnitAction::Deploy).count()
        ),
    )?;
    let report = common::execute(p, &plan, &env, &drivers).await;
    common::finish(p, &report)
}
