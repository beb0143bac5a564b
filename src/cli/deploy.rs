use clap::Args;

use super::common::{self, ScopeArgs};
use super::global::GlobalArgs;
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
    pub scope: ScopeArgs,
    /// Version to deploy (`latest`: the newest GitHub release by semver)
    #[arg(long)]
    pub version: String,
    #[command(flatten)]
    pub dry_run: common::DryRunArg,
}

pub async fn run(g: &GlobalArgs, p: &Printer, a: DeployArgs) -> CliResult {
    common::validate_version(&a.version)?;
    let cfg = common::load(g, p)?;
    let a = DeployArgs { version: crate::github::resolve_version(&cfg, &a.version).await?, ..a };
    let env = common::scoped_env(&cfg, &a.scope.env, &a.scope.hosts)?;
    let drivers = common::drivers(g, &cfg, &env, a.dry_run.server())?;
    let observed = common::observe(&env, &drivers, Some(&a.version)).await?;
    deploy(p, &cfg, &env, &drivers, &a, &observed).await
}

/// Plan, confirm, apply and report `a.version` over drivers and observed
/// state the caller has (resume reuses its own: no second config load,
/// connection or observation).
pub async fn deploy(
    p: &Printer,
    cfg: &crate::config::Config,
    env: &crate::config::ResolvedEnv,
    drivers: &common::Drivers,
    a: &DeployArgs,
    observed: &[crate::model::ObservedTarget],
) -> CliResult {
    let user = crate::identity::whoami();
    let plan = crate::plan::compute(&crate::plan::PlanRequest {
        project: cfg.project(),
        env,
        version: &a.version,
        observed,
        now: common::now()?,
        user: &user,
    });
    if !p.quiet {
        eprint!("{}", crate::ui::table::plan(p, &plan));
    }
    let run = common::Run { p, cfg, env, drivers, command: "deploy", version: a.version.clone() };
    if plan.is_noop() {
        let report = run.execute(&plan, Default::default()).await;
        if a.dry_run.server() {
            p.status(
                "dry run (--dry-run=server): every write was validated by the API server and nothing was persisted",
            );
        }
        return run.finish(&plan, &report, &Default::default());
    }
    let units: usize = plan
        .targets
        .iter()
        .map(|t| t.units.iter().filter(|u| u.action == crate::plan::UnitAction::Deploy).count())
        .sum();
    let gates = run.gate(
        &plan,
        &a.scope.gate,
        &format!("Deploy {} to {} ({units} unit{})?", a.version, env.name, if units == 1 { "" } else { "s" }),
    )?;
    let report = run.execute(&plan, gates.clone()).await;
    if a.dry_run.server() {
        p.status("dry run (--dry-run=server): every write was validated by the API server and nothing was persisted");
    }
    let code = run.finish(&plan, &report, &gates)?;
    if code == Exit::Ok {
        p.status(&format!("see `rvmctl status -e {}`", env.name));
    }
    Ok(code)
}
