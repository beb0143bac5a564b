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
        ApplyOutcome::Success | ApplyOutcome::Noop | ApplyOutcome::Paused => Exit::Ok,
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

#[derive(Debug, Args, Clone, Default)]
pub struct HostsArg {
    /// Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)
    #[arg(long, value_delimiter = ',', value_name = "HOST,...")]
    pub hosts: Vec<String>,
}

/// Narrows the environment to the hosts named with `--hosts`. An unknown
/// name is a usage error (with a suggestion); targets left without hosts
/// (and targets that have no hosts, like kubernetes) are dropped.
pub fn only_hosts(env: &mut ResolvedEnv, a: &HostsArg) -> CliResult<()> {
    if a.hosts.is_empty() {
        return Ok(());
    }
    let known: Vec<&str> = env.targets.iter().flat_map(|t| t.hosts.iter().map(|h| h.name.as_str())).collect();
    for name in &a.hosts {
        if !known.contains(&name.as_str()) {
            let hint = crate::config::diagnostic::did_you_mean(name, known.iter().copied())
                .map(|s| format!(" (did you mean '{s}'?)"))
                .unwrap_or_default();
            return Err(CliError::new(
                Exit::Usage,
                anyhow::anyhow!(
                    "--hosts: no host '{name}' in environment {}{hint}; `rvmctl status -e {}` lists its hosts",
                    env.name,
                    env.name
                ),
            ));
        }
    }
    for t in &mut env.targets {
        t.hosts.retain(|h| a.hosts.contains(&h.name));
    }
    env.targets.retain(|t| !t.hosts.is_empty());
    Ok(())
}
