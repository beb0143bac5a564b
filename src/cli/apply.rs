use std::path::PathBuf;

use clap::Args;

use super::common::{self, GateArgs};
use super::global::GlobalArgs;
use crate::exit::{CliError, CliResult, Exit};
use crate::plan::Plan;
use crate::ui::Printer;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rvmctl plan -e production --version 1.4.2 --out plan.json
  rvmctl apply plan.json --yes
  rvmctl apply plan.json --yes --wait-for-window 8h   (the plan file first)

The plan is refused (exit 6) when its file was edited, or when any target's
live state changed after it was made: make a new plan then.")]
pub struct ApplyArgs {
    /// A plan saved with `rvmctl plan --out`
    pub plan: PathBuf,
    #[command(flatten)]
    pub gate: GateArgs,
    #[command(flatten)]
    pub dry_run: common::DryRunArg,
    #[command(flatten)]
    pub wait: common::WaitArgs,
}

/// Reads and checks a plan file (see [`crate::plan::file::parse`]).
pub fn read_plan(path: &std::path::Path) -> CliResult<Plan> {
    use crate::plan::file::{PlanFileError, parse};
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::new(Exit::Usage, anyhow::anyhow!("cannot read plan {}: {e}", path.display())))?;
    parse(&text).map_err(|e| {
        let exit = if matches!(e, PlanFileError::Tampered) { Exit::StalePlan } else { Exit::Usage };
        CliError::new(exit, anyhow::anyhow!("{}: {e}", path.display()))
    })
}

/// The plan's targets and hosts only (a plan made with `--hosts` covers some
/// hosts; its fingerprint is of those).
fn restrict_to_plan(env: &mut crate::config::ResolvedEnv, plan: &Plan) {
    env.targets.retain(|t| plan.targets.iter().any(|p| p.target == t.name));
    for t in &mut env.targets {
        if let Some(p) = plan.targets.iter().find(|p| p.target == t.name) {
            if !t.hosts.is_empty() {
                t.hosts.retain(|h| p.units.iter().any(|u| u.unit == h.name));
            }
        }
    }
}

pub async fn run(g: &GlobalArgs, p: &Printer, a: ApplyArgs) -> CliResult {
    let plan = read_plan(&a.plan)?;
    let cfg = common::load(g, p)?;
    if plan.project != cfg.project() {
        return Err(CliError::new(
            Exit::StalePlan,
            anyhow::anyhow!(
                "this plan is for project '{}', the config is for '{}': pass the plan's config with -f, or make a new plan with `rvmctl plan --out`",
                plan.project,
                cfg.project()
            ),
        ));
    }
    let mut env = cfg.environment(&plan.environment).map_err(|e| CliError::new(Exit::StalePlan, e))?;
    restrict_to_plan(&mut env, &plan);
    common::validate_version(&plan.version)?;
    // Before the targets are read: the plan must still be fresh when the window opens.
    if let Some(code) = common::wait_for_window(p, &cfg, &env, &a.gate, &a.wait, "apply", &plan.version).await? {
        return Ok(code);
    }
    let drivers = common::drivers(g, &cfg, &env, a.dry_run.server())?;
    let version = matches!(plan.kind, crate::plan::PlanKind::Deploy).then_some(plan.version.as_str());
    let observed = common::observe(&env, &drivers, version).await?;
    if crate::plan::fingerprint(&observed) != plan.observed_fingerprint {
        return Err(CliError::new(
            Exit::StalePlan,
            anyhow::anyhow!(
                "the plan {} is stale: the live state of {} changed since it was made at {} (a deploy, rollback or artifact change); run `rvmctl plan` again",
                plan.short_hash(),
                plan.environment,
                plan.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")
            ),
        ));
    }
    // Gates are evaluated now, not when the plan was made.
    let mut current = plan.clone();
    current.gates = crate::gates::evaluate_gates(&env, common::now()?);
    let run =
        common::Run { p, cfg: &cfg, env: &env, drivers: &drivers, command: "apply", version: plan.version.clone() };
    let gates = run.gate(
        &current,
        &a.gate,
        &format!(
            "Apply plan {} ({} {} to {})?",
            plan.short_hash(),
            crate::model::wire_name(&plan.kind),
            plan.version,
            plan.environment
        ),
    )?;
    let report = run.execute(&plan, gates.clone()).await;
    if a.dry_run.server() {
        p.status("dry run (--dry-run=server): every write was validated by the API server and nothing was persisted");
    }
    run.finish(&plan, &report, &gates)
}
