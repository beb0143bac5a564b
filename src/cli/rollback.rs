use super::common::{self, ScopeArgs};
use super::global::GlobalArgs;
use crate::exit::{CliError, CliResult, Exit};
use crate::plan::{PlanKind, UnitAction};
use crate::ui::Printer;

/// `rvmctl rollback --help`, after the options.
pub const AFTER_HELP: &str = "Examples:
  rvmctl rollback -e production
  rvmctl rollback -e staging --yes -o json

Rollback switches each unit's live pointer back to its other color when that
color still holds a good release: no restaging, no download. When it does not,
rvmctl says so; redeploy the version you want with `rvmctl deploy`.";

pub async fn run(g: &GlobalArgs, p: &Printer, a: ScopeArgs) -> CliResult {
    switch_back(g, p, &a, PlanKind::Rollback).await
}

/// Rollback and abort: plan a switch back per unit, gate it, run it.
pub async fn switch_back(g: &GlobalArgs, p: &Printer, a: &ScopeArgs, kind: PlanKind) -> CliResult {
    let cfg = common::load(g, p)?;
    let env = common::scoped_env(&cfg, &a.env, &a.hosts)?;
    let drivers = common::drivers(g, &cfg, &env, false)?;
    let observed = common::observe(&env, &drivers, None).await?;
    let user = crate::identity::whoami();
    let req = crate::plan::PlanRequest {
        project: cfg.project(),
        env: &env,
        version: "previous",
        observed: &observed,
        now: common::now()?,
        user: &user,
    };
    let (plan, command) = match kind {
        PlanKind::Abort => (crate::plan::abort(&req), "abort"),
        _ => (crate::plan::rollback(&req), "rollback"),
    };
    if !p.quiet {
        eprint!("{}", crate::ui::table::plan(p, &plan));
    }
    // Abort: units the interrupted run never switched only need their journal cleared.
    if kind == PlanKind::Abort {
        // By name: a switch back lists targets in its own order.
        for t in &plan.targets {
            let Some(obs) = observed.iter().find(|o| o.target == t.target) else { continue };
            let Some(d) = drivers.get(&t.target) else { continue };
            for u in t.units.iter().filter(|u| u.action == UnitAction::Noop) {
                if obs.units.iter().any(|o| o.unit == u.unit && o.journal.is_some()) {
                    d.journal(&u.unit, None).await.map_err(|e| CliError::new(Exit::Error, e))?;
                }
            }
        }
    }
    let units: Vec<_> = plan.targets.iter().flat_map(|t| &t.units).collect();
    let switching = units.iter().filter(|u| u.action == UnitAction::Deploy).count();
    if switching == 0 {
        if kind == PlanKind::Abort && !units.iter().any(|u| u.action == UnitAction::Blocked) {
            p.status("nothing was switched by an interrupted run; every journal is cleared");
            return Ok(Exit::Ok);
        }
        let why: Vec<String> = units.iter().map(|u| format!("{}: {}", u.unit, u.reason)).collect();
        return Err(CliError::new(Exit::Error, anyhow::anyhow!("nothing to {command}:\n  {}", why.join("\n  "))));
    }
    let run = common::Run { p, cfg: &cfg, env: &env, drivers: &drivers, command, version: "previous".into() };
    let gates = run.gate(&plan, &a.gate, &format!("{command} {} ({switching} unit(s))?", env.name))?;
    let report = run.execute(&plan, gates.clone()).await;
    run.finish(&plan, &report, &gates)
}
