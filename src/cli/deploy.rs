use clap::Args;

use super::GlobalArgs;
use super::common::{self, EnvArg, GateArgs, HostsArg};
use crate::exit::{CliResult, Exit};
use crate::ui::Printer;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rvmctl deploy -e development --version 1.0.0
  rvmctl deploy -e staging --version 1.4.2 --yes -o json
  CI=true rvmctl deploy -e staging --version 1.4.2 --yes

Re-running the same deploy after a failure or interruption converges: units
already live on the version are skipped, staged ones are reused.")]
pub struct DeployArgs {
    #[command(flatten)]
    pub env: EnvArg,
    #[command(flatten)]
    pub hosts: HostsArg,
    /// Version to deploy
    #[arg(long)]
    pub version: String,
    #[command(flatten)]
    pub gate: GateArgs,
}

pub async fn run(g: &GlobalArgs, p: &Printer, a: DeployArgs) -> CliResult {
    common::validate_version(&a.version)?;
    let cfg = common::load(g, p)?;
    let mut env = common::pick_env(&cfg, &a.env)?;
    common::only_hosts(&mut env, &a.hosts)?;
    let drivers = common::drivers(&cfg, &env)?;
    let observed = common::observe(&env, &drivers, Some(&a.version)).await?;
    let user = crate::whoami();
    let plan = crate::plan::compute(&crate::plan::PlanRequest {
        project: cfg.project(),
        env: &env,
        version: &a.version,
        observed: &observed,
        now: jiff::Timestamp::now(),
        user: &user,
    });
    if !p.quiet {
        eprint!("{}", crate::ui::table::plan(p, &plan));
    }
    if plan.is_noop() {
        let report = common::execute(p, &plan, &env, &drivers).await;
        return common::finish(p, &report);
    }
    let units: usize = plan
        .targets
        .iter()
        .map(|t| t.units.iter().filter(|u| u.action == crate::plan::UnitAction::Deploy).count())
        .sum();
    common::gate(
        p,
        &plan,
        &a.gate,
        &format!("Deploy {} to {} ({units} unit{})?", a.version, env.name, if units == 1 { "" } else { "s" }),
    )?;
    let report = common::execute(p, &plan, &env, &drivers).await;
    let code = common::finish(p, &report)?;
    if code == Exit::Ok {
        p.status(&format!("see `rvmctl status -e {}`", env.name));
    }
    Ok(code)
}
