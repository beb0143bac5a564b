//! Plumbing shared by commands: loading the config, choosing the
//! environment, building drivers, observing, gating and executing plans.

use std::collections::HashMap;
use std::sync::Arc;

use clap::Args;

use super::GlobalArgs;
use crate::config::{Config, LoadError, ResolvedEnv};
use crate::drivers::{self, Driver};
use crate::exit::{CliError, CliResult, Exit, WithExit};
use crate::gates::{GateKind, GateStatus};
use crate::plan::{ObservedTarget, Plan};
use crate::rollout::{ApplyOutcome, ApplyReport, Cancel, Executor};
use crate::ui::{Printer, progress::Progress, prompt};

#[derive(Debug, Args, Clone)]
pub struct EnvArg {
    /// Environment (as named under `environments:`); asked for at a terminal when omitted
    #[arg(short = 'e', long = "env", env = "RVMCTL_ENV")]
    pub env: Option<String>,
}

pub fn load(g: &GlobalArgs, p: &Printer) -> CliResult<Config> {
    match crate::config::load(&g.config) {
        Ok(c) => Ok(c),
        Err(LoadError::Invalid(e)) => {
            Err(CliError { exit: Exit::Usage, rendered: Some(e.render(p.color)), error: e.into() })
        }
        Err(e @ LoadError::Read { .. }) => Err(CliError::new(Exit::Usage, e)),
    }
}

/// The environment to work on: the flag, the only one there is, or a
/// fuzzy-select at a terminal. Never prompts without one.
pub fn pick_env(cfg: &Config, arg: &EnvArg) -> CliResult<ResolvedEnv> {
    let names = cfg.env_names();
    let name = match &arg.env {
        Some(n) => n.clone(),
        None if names.len() == 1 => names[0].clone(),
        None if prompt::interactive() => {
            let i = dialoguer::FuzzySelect::new()
                .with_prompt("Environment")
                .items(&names)
                .default(0)
                .interact()
                .map_err(|e| CliError::new(Exit::Usage, anyhow::anyhow!("no environment chosen: {e}")))?;
            names[i].clone()
        }
        None => {
            return Err(CliError::new(
                Exit::Usage,
                anyhow::anyhow!(
                    "which environment? pass -e/--env (or set RVMCTL_ENV); environments: {}",
                    names.join(", ")
                ),
            ));
        }
    };
    cfg.environment(&name).exit(Exit::Usage)
}

pub type Drivers = HashMap<String, Arc<dyn Driver>>;

pub fn drivers(cfg: &Config, env: &ResolvedEnv) -> CliResult<Drivers> {
    env.targets
        .iter()
        .map(|t| drivers::for_target(cfg, &env.name, t).map(|d| (t.name.clone(), d)))
        .collect::<anyhow::Result<_>>()
        .exit(Exit::Usage)
}

/// Observes every unit of every target concurrently; with a version, also
/// prepares its artifact (a missing artifact is an error before any change).
pub async fn observe(env: &ResolvedEnv, drivers: &Drivers, version: Option<&str>) -> CliResult<Vec<ObservedTarget>> {
    let mut out = Vec::new();
    for t in &env.targets {
        let Some(d) = drivers.get(&t.name) else { continue };
        let units = futures::future::join_all(d.units().into_iter().map(|u| {
            let d = d.clone();
            async move { d.observe(&u).await }
        }))
        .await;
        let artifact_sha256 = match version {
            Some(v) => {
                d.prepare(v).await.map_err(|e| CliError::new(Exit::Error, anyhow::anyhow!("target {}: {e}", t.name)))?
            }
            None => None,
        };
        out.push(ObservedTarget { target: t.name.clone(), units, artifact_sha256 });
    }
    Ok(out)
}

pub fn validate_version(v: &str) -> CliResult<()> {
    drivers::validate_version(v).map_err(|e| CliError::new(Exit::Usage, anyhow::anyhow!(e)))
}

#[derive(Debug, Args, Clone, Default)]
pub struct GateArgs {
    /// Answer yes to confirmations (never to a production approval; see --approve)
    #[arg(short = 'y', long)]
    pub yes: bool,
}

/// Refuses when a gate is closed; asks for confirmation (or --yes).
pub fn gate(p: &Printer, plan: &Plan, args: &GateArgs, what: &str) -> CliResult<()> {
    for g in &plan.gates {
        match (g.gate, g.status) {
            (GateKind::Window, GateStatus::Closed) => {
                return Err(CliError::new(Exit::GateRefused, anyhow::anyhow!("{}; try again then", g.detail)));
            }
            (GateKind::Approval, GateStatus::Required) => {
                p.status(&format!("! {}", g.detail));
            }
            _ => {}
        }
    }
    prompt::confirm(what, args.yes, "--yes").map_err(|e| CliError::new(Exit::GateRefused, e))
}

/// Runs a plan with progress on stderr; SIGINT/SIGTERM stop it at a safe point.
pub async fn execute(p: &Printer, plan: &Plan, env: &ResolvedEnv, drivers: &Drivers) -> ApplyReport {
    let cancel = Cancel::default();
    let signals = tokio::spawn(watch_signals(cancel.clone()));
    let progress = Arc::new(Progress::new(p));
    let exec = Executor {
        plan,
        drivers: drivers.clone(),
        reporter: progress.clone(),
        cancel,
        user: crate::whoami(),
        health_check_failures: env.targets.iter().map(|t| (t.name.clone(), t.settings.health_check_failures)).collect(),
    };
    let report = exec.run().await;
    progress.finish();
    signals.abort();
    report
}

async fn watch_signals(cancel: Cancel) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut int), Ok(mut term)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) else {
        return;
    };
    let mut count = 0;
    loop {
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
        count += 1;
        if count == 1 {
            eprintln!(
                "\nstopping at the next safe point (a switch in progress completes); signal again to abandon running steps"
            );
            cancel.soft.cancel();
        } else {
            eprintln!("\nabandoning running steps; locks are still released and no switch is left half-done");
            cancel.hard.cancel();
        }
    }
}

pub fn exit_for(report: &ApplyReport) -> Exit {
    match report.outcome {
        ApplyOutcome::Success | ApplyOutcome::Noop => Exit::Ok,
        ApplyOutcome::Failed | ApplyOutcome::RolledBack => Exit::DeployFailed,
        ApplyOutcome::Interrupted => Exit::Interrupted,
        ApplyOutcome::LockHeld => Exit::LockHeld,
    }
}

/// Prints the report (stdout) and its errors (stderr); returns the exit code.
pub fn finish(p: &Printer, report: &ApplyReport) -> CliResult {
    p.emit(report, |p| crate::ui::table::report(p, report))?;
    for e in &report.errors {
        eprintln!("error: {e}");
    }
    Ok(exit_for(report))
}

// --- GitHub Deployments (global.github.deployments) -------------------------
// A separate block so merges stay easy: `execute` plus a GitHub Deployment
// for the environment. GitHub failures are warnings; they never change the
// outcome or the exit code of the deploy.

/// [`execute`], recording the run as a GitHub Deployment when
/// `global.github.deployments: true` (`in_progress` → `success`/`failure`,
/// previous deployment → `inactive`).
pub async fn execute_tracked(
    p: &Printer,
    cfg: &Config,
    plan: &Plan,
    env: &ResolvedEnv,
    drivers: &Drivers,
) -> ApplyReport {
    use crate::github::deployments::{DeployInfo, DeploymentTracker};
    let user = crate::whoami();
    let version = github_version(plan);
    let info = DeployInfo {
        project: &plan.project,
        environment: &plan.environment,
        version: &version,
        user: &user,
        task: match plan.kind {
            crate::plan::PlanKind::Deploy => "deploy",
            crate::plan::PlanKind::Rollback => "rollback",
        },
    };
    let tracker = match DeploymentTracker::start(cfg.raw.global.github.as_ref(), &info).await {
        Ok(t) => t,
        Err(e) => {
            p.warn(&format!("GitHub deployment not recorded: {e}"));
            None
        }
    };
    let report = execute(p, plan, env, drivers).await;
    if let Some(t) = tracker {
        let ok = matches!(report.outcome, ApplyOutcome::Success | ApplyOutcome::Noop);
        let description = format!(
            "rvmctl {} {} to {}: {:?} in {:.1}s",
            info.task,
            version,
            plan.environment,
            report.outcome,
            report.duration_ms as f64 / 1000.0
        );
        if let Err(e) = t.finish(ok, &description).await {
            p.warn(&format!("GitHub deployment status not updated: {e}"));
        }
    }
    report
}

/// The version a run ends on: the plan's, or for a rollback the previous
/// color's when every unit rolls back to the same one.
fn github_version(plan: &Plan) -> String {
    let mut versions = plan
        .targets
        .iter()
        .flat_map(|t| &t.units)
        .filter(|u| u.action == crate::plan::UnitAction::Deploy)
        .filter_map(|u| u.version.as_deref());
    match (plan.kind, versions.next()) {
        (crate::plan::PlanKind::Rollback, Some(first)) if versions.all(|v| v == first) => first.to_string(),
        _ => plan.version.clone(),
    }
}
