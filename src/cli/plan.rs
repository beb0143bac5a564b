use std::path::PathBuf;

use clap::Args;

use super::common::{self, EnvArg, HostsArg};
use super::global::GlobalArgs;
use crate::exit::{CliResult, Exit, WithExit};
use crate::ui::Printer;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rvmctl plan -e staging --version 1.4.2
  rvmctl plan -e production --version 1.4.2 --out plan.json && rvmctl apply plan.json
  rvmctl plan -e development --version 1.0.0 -o json | jq '.targets[].units[].action'")]
pub struct PlanArgs {
    #[command(flatten)]
    pub env: EnvArg,
    #[command(flatten)]
    pub hosts: HostsArg,
    /// Version to deploy (`latest`: the newest GitHub release by semver)
    #[arg(long)]
    pub version: String,
    /// Also save the plan as JSON for `rvmctl apply`
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub async fn run(g: &GlobalArgs, p: &Printer, a: PlanArgs) -> CliResult {
    common::validate_version(&a.version)?;
    let cfg = common::load(g, p)?;
    let a = PlanArgs { version: crate::github::resolve_version(&cfg, &a.version).await?, ..a };
    let env = common::scoped_env(&cfg, &a.env, &a.hosts)?;
    let drivers = common::drivers(g, &cfg, &env, false)?;
    let observed = common::observe(&env, &drivers, Some(&a.version)).await?;
    let user = crate::identity::whoami();
    let plan = crate::plan::compute(&crate::plan::PlanRequest {
        project: cfg.project(),
        env: &env,
        version: &a.version,
        observed: &observed,
        now: common::now()?,
        user: &user,
    });
    if let Some(out) = &a.out {
        let json = serde_json::to_string_pretty(&plan).exit(Exit::Error)?;
        std::fs::write(out, json + "\n").map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))?;
        p.status(&format!(
            "plan {} saved to {}; run `rvmctl apply {}`",
            plan.short_hash(),
            out.display(),
            out.display()
        ));
    }
    p.emit(&plan, |p| crate::ui::table::plan(p, &plan))?;
    Ok(Exit::Ok)
}
