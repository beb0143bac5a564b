use std::path::PathBuf;

use clap::Args;

use super::GlobalArgs;
use super::common::{self, EnvArg, HostsArg};
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
    /// Version to deploy
    #[arg(long)]
    pub version: String,
    /// Also save the plan as JSON for `rvmctl apply`
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub async fn run(g: &GlobalArgs, p: &Printer, a: PlanArgs) -> CliResult {
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
