//! Plumbing shared by commands: loading the config, choosing the
//! environment, building drivers, observing, gating and executing plans.

use std::collections::HashMap;
use std::sync::Arc;

use clap::Args;
use clap_complete::engine::ArgValueCandidates;

use super::global::GlobalArgs;
use crate::config::schema::NotifyEvent;
use crate::config::{Config, LoadError, ResolvedEnv};
use crate::drivers::{self, Driver};
use crate::exit::{CliError, CliResult, Exit, WithExit};
use crate::gates::{GateKind, GateRecord, GateStatus};
use crate::model::ObservedTarget;
use crate::notify::{self, audit::AuditEntry};
use crate::plan::Plan;
use crate::rollout::{ApplyOutcome, ApplyReport, Cancel, Executor};
use crate::ui::{Printer, gha, progress::Progress, prompt};

#[derive(Debug, Args, Clone)]
pub struct EnvArg {
    /// Environment (as named under `environments:`); asked for at a terminal when omitted
    #[arg(short = 'e', long = "env", env = "RVMCTL_ENV", add = ArgValueCandidates::new(super::completion::environments))]
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
                .map_err(|e| {
                    CliError::new(Exit::Usage, anyhow::anyhow!("no environment chosen ({e}); pass -e <environment>"))
                })?;
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

/// The drivers of every target; `--context`/`-n` override the kubeconfig
/// context and namespace of Kubernetes targets, `dry_run` sends their writes
/// as server-side dry runs.
pub fn drivers(g: &GlobalArgs, cfg: &Config, env: &ResolvedEnv, dry_run: bool) -> CliResult<Drivers> {
    let kube = drivers::kubernetes::KubeOptions { context: g.context.clone(), namespace: g.namespace.clone(), dry_run };
    env.targets
        .iter()
        .map(|t| drivers::for_target_with(cfg, &env.name, t, &kube).map(|d| (t.name.clone(), d)))
        .collect::<anyhow::Result<_>>()
        .exit(Exit::Usage)
}

/// How many units are observed (or probed) at once: a fleet of 1,000 hosts
/// is read in a rolling window, not with 1,000 connections opened together.
pub const OBSERVE_CONCURRENCY: usize = 64;

/// Runs `futs` at most [`OBSERVE_CONCURRENCY`] at a time; results in order.
/// A slow unit (e.g. one whose connection times out) holds only its own
/// place in the window, not the start of the units after it.
pub async fn bounded<T>(futs: impl IntoIterator<Item = impl std::future::Future<Output = T>>) -> Vec<T> {
    use futures::StreamExt;
    let mut done: Vec<(usize, T)> =
        futures::stream::iter(futs.into_iter().enumerate().map(|(i, f)| async move { (i, f.await) }))
            .buffer_unordered(OBSERVE_CONCURRENCY)
            .collect()
            .await;
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, v)| v).collect()
}

/// Observes every unit of every target, [`OBSERVE_CONCURRENCY`] at a time; with a version, also
/// what deploying it would change (see [`for_version`]).
pub async fn observe(env: &ResolvedEnv, drivers: &Drivers, version: Option<&str>) -> CliResult<Vec<ObservedTarget>> {
    let mut out = Vec::new();
    for t in &env.targets {
        let Some(d) = drivers.get(&t.name) else { continue };
        let units = bounded(d.units().into_iter().map(|u| {
            let d = d.clone();
            async move { d.observe(&u).await }
        }))
        .await;
        out.push(ObservedTarget { target: t.name.clone(), units, artifact_sha256: None, details: Default::default() });
    }
    for_version(drivers, &mut out, version).await?;
    Ok(out)
}

/// Adds to observed targets what a deploy of `version` would change per
/// unit and, with a version, prepares its artifact (a missing artifact is an
/// error before any change). Reads no unit state again: `resume` observes
/// once to find the interrupted version, then asks for its details.
pub async fn for_version(drivers: &Drivers, observed: &mut [ObservedTarget], version: Option<&str>) -> CliResult<()> {
    for t in observed {
        let Some(d) = drivers.get(&t.target) else { continue };
        let details = bounded(t.units.iter().map(|u| {
            let d = d.clone();
            async move { (u.unit.clone(), d.plan_details(&u.unit, version).await) }
        }))
        .await;
        t.details = details.into_iter().filter(|(_, d)| *d != crate::model::PlanDetails::default()).collect();
        t.artifact_sha256 = match version {
            Some(v) => d
                .prepare(v)
                .await
                .map_err(|e| CliError::new(Exit::Error, anyhow::anyhow!("target {}: {e}", t.target)))?,
            None => None,
        };
    }
    Ok(())
}

/// The instant gates are evaluated at: now, or `RVMCTL_NOW` (RFC 3339) to
/// ask "would the window be open then?" and to test windows without waiting.
/// `RVMCTL_NOW` is where the clock starts, not a stopped clock: it is the
/// instant of the first reading, and later readings add the time that has
/// passed since in whole seconds (so a run that waits for a window sees it open).
pub fn now() -> CliResult<jiff::Timestamp> {
    static FIRST_READING: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let since_first = FIRST_READING.get_or_init(std::time::Instant::now).elapsed();
    match std::env::var("RVMCTL_NOW") {
        Ok(v) if !v.is_empty() => {
            let start: jiff::Timestamp = v.parse().map_err(|e| {
                CliError::new(
                    Exit::Usage,
                    anyhow::anyhow!(
                        "RVMCTL_NOW='{v}' is not an RFC 3339 instant ({e}); e.g. 2026-11-24T02:30:00+07:00"
                    ),
                )
            })?;
            // Whole seconds: an instant given to the second stays readable (and exact) in output.
            let elapsed = jiff::SignedDuration::from_secs(i64::try_from(since_first.as_secs()).unwrap_or(0));
            Ok(start.checked_add(elapsed).unwrap_or(start))
        }
        _ => Ok(jiff::Timestamp::now()),
    }
}

pub fn validate_version(v: &str) -> CliResult<()> {
    crate::model::validate_version(v).map_err(|e| CliError::new(Exit::Usage, anyhow::anyhow!(e)))
}

/// `--dry-run=server`: every write to a Kubernetes target is a server-side dry run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DryRun {
    /// Send every write with dryRun=All: the API server validates and admits it, nothing is persisted
    Server,
}

#[derive(Debug, Args, Clone, Default)]
pub struct DryRunArg {
    /// Kubernetes targets: send every write as a server-side dry run (nothing changes)
    #[arg(long = "dry-run", value_enum, value_name = "MODE")]
    pub dry_run: Option<DryRun>,
}

impl DryRunArg {
    pub fn server(&self) -> bool {
        self.dry_run == Some(DryRun::Server)
    }
}

#[derive(Debug, Args, Clone, Default)]
pub struct GateArgs {
    /// Answer yes to confirmations (never to a production approval; see --approve)
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Approve an approval-gated environment without a prompt (CI)
    #[arg(long)]
    pub approve: bool,
    /// Who approves (default: $GITHUB_ACTOR, then the OS user); checked against `approvers`
    #[arg(long, value_name = "NAME")]
    pub approver: Option<String>,
    /// Deploy outside the deployment window; the reason is recorded in history and the audit log
    #[arg(long, value_name = "REASON")]
    pub ignore_window: Option<String>,
}

/// `--wait-for-window [MAX]` (deploy, apply).
#[derive(Debug, Args, Clone, Default)]
pub struct WaitArgs {
    /// Outside the deployment window, wait for it to open instead of refusing (countdown on stderr; Ctrl-C stops, exit 130); with MAX (e.g. 8h), refuse at once (exit 3) when it opens later than that
    #[arg(long, value_name = "MAX", num_args = 0..=1, conflicts_with = "ignore_window")]
    pub wait_for_window: Option<Option<crate::model::Duration>>,
}

/// One changing command (deploy, apply, rollback) in progress: gates it,
/// executes it, and reports it (stdout, annotations, step summary, outputs,
/// notifications, audit log) the same way for every command.
pub struct Run<'a> {
    pub p: &'a Printer,
    pub cfg: &'a Config,
    pub env: &'a ResolvedEnv,
    pub drivers: &'a Drivers,
    pub command: &'static str,
    pub version: String,
}

impl Run<'_> {
    fn audit(
        &self,
        plan_hash: Option<&str>,
        result: &str,
        exit: Exit,
        gates: &GateRecord,
        duration_ms: Option<u128>,
        detail: Option<String>,
    ) {
        let entry = AuditEntry {
            at: jiff::Timestamp::now(),
            user: crate::identity::whoami(),
            machine: crate::identity::machine_name(),
            command: self.command.to_string(),
            project: self.cfg.project().to_string(),
            environment: self.env.name.clone(),
            version: self.version.clone(),
            plan_hash: plan_hash.map(str::to_string),
            result: result.to_string(),
            exit_code: exit as i32,
            approved_by: gates.approved_by.clone(),
            window_override: gates.window_override.clone(),
            duration_ms,
            detail,
        };
        if let Err(e) = crate::notify::audit::append(self.cfg, &entry) {
            self.p.warn(&format!("audit log: {e}"));
        }
    }

    /// Applies the gates of a plan: the deployment window, the approval, then
    /// a confirmation. Refusals are audited.
    pub fn gate(&self, plan: &Plan, args: &GateArgs, what: &str) -> CliResult<GateRecord> {
        let r = gate(self.p, &plan.gates, self.env, args, what);
        if let Err(e) = &r {
            self.audit(
                Some(&plan.hash),
                "refused",
                e.exit,
                &GateRecord::default(),
                None,
                Some(format!("{:#}", e.error)),
            );
        }
        r
    }

    /// Runs a plan with progress on stderr; SIGINT/SIGTERM stop it at a safe point.
    pub async fn execute(&self, plan: &Plan, gates: GateRecord) -> ApplyReport {
        let notifications = &self.cfg.raw.global.notifications;
        let event = |event: NotifyEvent, result: &str, duration_ms: u128| notify::Event {
            event,
            project: self.cfg.project().to_string(),
            environment: self.env.name.clone(),
            version: self.version.clone(),
            result: result.to_string(),
            user: crate::identity::whoami(),
            duration_ms,
        };
        if !plan.is_noop() {
            for w in notify::send(notifications, self.cfg.dir(), &event(NotifyEvent::Start, "started", 0)).await {
                self.p.warn(&w);
            }
        }
        let tracker = self.github_start(plan).await;
        gha::group(&format!("rvmctl {} {} to {}", self.command, self.version, self.env.name));
        let cancel = Cancel::default();
        let signals = tokio::spawn(watch_signals(cancel.clone()));
        let progress = Arc::new(Progress::new(self.p));
        let exec = Executor {
            plan,
            drivers: self.drivers.clone(),
            reporter: progress.clone(),
            cancel,
            user: crate::identity::whoami(),
            gates: gates.clone(),
            migrated: Default::default(),
        };
        let report = exec.run().await;
        progress.finish();
        signals.abort();
        gha::end_group();
        self.github_finish(plan, tracker, &report).await;
        let end = match report.outcome {
            ApplyOutcome::Success if plan.kind == crate::plan::PlanKind::Rollback => Some(NotifyEvent::Rollback),
            ApplyOutcome::Success => Some(NotifyEvent::Success),
            ApplyOutcome::RolledBack => Some(NotifyEvent::Rollback),
            ApplyOutcome::Failed | ApplyOutcome::Interrupted | ApplyOutcome::LockHeld | ApplyOutcome::Pending => {
                Some(NotifyEvent::Failure)
            }
            ApplyOutcome::Noop | ApplyOutcome::Paused => None,
        };
        if let Some(e) = end {
            let result = crate::model::wire_name(&report.outcome);
            for w in notify::send(notifications, self.cfg.dir(), &event(e, &result, report.duration_ms)).await {
                self.p.warn(&w);
            }
        }
        report
    }

    /// Records the run as a GitHub Deployment when `global.github.deployments`
    /// is on; any GitHub failure is a warning.
    async fn github_start(&self, plan: &Plan) -> Option<crate::github::deployments::DeploymentTracker> {
        use crate::github::deployments::{DeployInfo, DeploymentTracker};
        if plan.is_noop() {
            return None;
        }
        let (user, version) = (crate::identity::whoami(), github_version(plan));
        let info = DeployInfo {
            project: &plan.project,
            environment: &plan.environment,
            version: &version,
            user: &user,
            task: self.command,
        };
        match DeploymentTracker::start(self.cfg.raw.global.github.as_ref(), &info).await {
            Ok(t) => t,
            Err(e) => {
                self.p.warn(&format!("GitHub deployment not recorded: {e}"));
                None
            }
        }
    }

    async fn github_finish(
        &self,
        plan: &Plan,
        tracker: Option<crate::github::deployments::DeploymentTracker>,
        report: &ApplyReport,
    ) {
        let Some(t) = tracker else { return };
        let ok = matches!(report.outcome, ApplyOutcome::Success | ApplyOutcome::Noop);
        let description = format!(
            "rvmctl {} {} to {}: {:?} in {:.1}s",
            self.command,
            github_version(plan),
            plan.environment,
            report.outcome,
            report.duration_ms as f64 / 1000.0
        );
        if let Err(e) = t.finish(ok, &description).await {
            self.p.warn(&format!("GitHub deployment status not updated: {e}"));
        }
    }

    /// Prints the report (stdout) and its errors (stderr), publishes it to
    /// GitHub Actions and the audit log; returns the exit code.
    pub fn finish(&self, plan: &Plan, report: &ApplyReport, gates: &GateRecord) -> CliResult {
        self.p.emit(report, |p| crate::ui::table::report(p, report))?;
        for e in &report.errors {
            eprintln!("error: {}", crate::notify::redact(e));
            gha::emit(&gha::error_annotation(None, &format!("rvmctl {} {}", self.command, self.env.name), e));
        }
        let revision = plan.targets.iter().flat_map(|t| &t.units).map(|u| u.next_revision).max().unwrap_or(0);
        if let Err(e) = gha::publish(report, &crate::identity::whoami(), revision) {
            self.p.warn(&e);
        }
        Ok(self.audit_report(report, gates))
    }

    /// An attempt that is not the result (it will be retried): one line on
    /// stderr and the audit log; the exit code it would have had.
    pub fn record(&self, report: &ApplyReport, gates: &GateRecord) -> Exit {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for u in report.targets.iter().flat_map(|t| &t.units) {
            let word = crate::model::wire_name(&u.result);
            match counts.iter_mut().find(|(w, _)| *w == word) {
                Some((_, n)) => *n += 1,
                None => counts.push((word, 1)),
            }
        }
        let counts: Vec<String> = counts.iter().map(|(w, n)| format!("{n} {w}")).collect();
        self.p.status(&format!("attempt {}: {}", report.plan_hash.get(..12).unwrap_or_default(), counts.join(", ")));
        self.audit_report(report, gates)
    }

    fn audit_report(&self, report: &ApplyReport, gates: &GateRecord) -> Exit {
        let exit = exit_for(report);
        let result = crate::model::wire_name(&report.outcome);
        self.audit(
            Some(&report.plan_hash),
            &result,
            exit,
            gates,
            Some(report.duration_ms),
            // The target's verdict and what caused it (a check, an analysis
            // with its query and value), not every unit of a large fleet.
            (!report.errors.is_empty()).then(|| report.errors.iter().take(3).cloned().collect::<Vec<_>>().join("; ")),
        );
        exit
    }
}

/// The gates themselves (see [`Run::gate`]).
fn gate(
    p: &Printer,
    decisions: &[crate::gates::GateDecision],
    env: &ResolvedEnv,
    args: &GateArgs,
    what: &str,
) -> CliResult<GateRecord> {
    let refuse = |msg: String| CliError::new(Exit::GateRefused, anyhow::anyhow!(msg));
    let mut record = GateRecord::default();
    let mut approved_interactively = false;
    for g in decisions {
        match (g.gate, g.status) {
            (GateKind::Window, GateStatus::Closed) => match &args.ignore_window {
                Some(reason) if !reason.trim().is_empty() => {
                    p.warn(&format!("{}; overridden: {reason}", g.detail));
                    record.window_override = Some(reason.trim().to_string());
                }
                _ => return Err(refuse(format!("{}; deploy then, or pass --ignore-window \"<reason>\"", g.detail))),
            },
            (GateKind::Approval, GateStatus::Required) => {
                let who = args.approver.clone().unwrap_or_else(crate::identity::whoami);
                if args.approve {
                    crate::gates::may_approve(env, &who).map_err(refuse)?;
                } else if prompt::interactive() {
                    crate::gates::may_approve(env, &who).map_err(refuse)?;
                    p.status(&format!("! {}", g.detail));
                    prompt::type_to_confirm(
                        &env.name,
                        &format!("To approve as {who}, type the environment name ({})", env.name),
                        "--approve",
                    )
                    .map_err(|e| CliError::new(Exit::GateRefused, e))?;
                    approved_interactively = true;
                } else {
                    return Err(refuse(format!(
                        "{} requires approval ({}); pass --approve (approver: --approver NAME, $GITHUB_ACTOR or the OS user) — --yes alone does not approve",
                        env.name, g.detail
                    )));
                }
                record.approved_by = Some(who);
            }
            _ => {}
        }
    }
    if approved_interactively || args.approve {
        return Ok(record);
    }
    prompt::confirm(what, args.yes, "--yes").map_err(|e| CliError::new(Exit::GateRefused, e))?;
    Ok(record)
}

/// Asks for confirmation (or --yes), for commands without a plan.
pub fn gate_confirm(args: &GateArgs, what: &str) -> CliResult<()> {
    prompt::confirm(what, args.yes, "--yes").map_err(|e| CliError::new(Exit::GateRefused, e))
}

/// `--wait-for-window`: outside the environment's deployment window, waits
/// until it opens, before anything is observed, locked or changed. Refused
/// at once (exit 3, audited) when it opens later than MAX, or when what
/// would be refused after the wait (an approval or a confirmation without a
/// terminal) is already certain. SIGINT/SIGTERM end the wait: exit 130,
/// nothing touched. `Ok(None)`: go on (the window is open now or there is
/// none); `Ok(Some(code))`: stop with that code.
pub async fn wait_for_window(
    p: &Printer,
    cfg: &Config,
    env: &ResolvedEnv,
    gates: &GateArgs,
    wait: &WaitArgs,
    command: &'static str,
    version: &str,
) -> CliResult<Option<Exit>> {
    let (Some(max), Some(w)) = (&wait.wait_for_window, &env.deployment_window) else { return Ok(None) };
    let start = now()?;
    let decision = crate::gates::window::evaluate(w, start);
    if decision.open {
        return Ok(None);
    }
    let no_drivers = Drivers::new();
    let run = Run { p, cfg, env, drivers: &no_drivers, command, version: version.to_string() };
    let refused = |msg: String| {
        let e = CliError::new(Exit::GateRefused, anyhow::anyhow!(msg));
        run.audit(None, "refused", e.exit, &GateRecord::default(), None, Some(format!("{:#}", e.error)));
        e
    };
    let Some(opening) = crate::gates::window::next_opening(w, start) else {
        return Err(refused(format!("{}; it never opens again", decision.describe(w))));
    };
    let left = start.duration_until(opening).unsigned_abs();
    if let Some(max) = max {
        if left > max.get() {
            return Err(refused(format!(
                "{}, in {}: later than --wait-for-window {max}; deploy then, or pass a longer MAX",
                decision.describe(w),
                crate::ui::progress::human(left.as_secs() + u64::from(left.subsec_nanos() > 0))
            )));
        }
    }
    // Without a terminal, the approval and the confirmation are decided now,
    // not after hours of waiting.
    if !prompt::interactive() {
        let others: Vec<_> =
            crate::gates::evaluate_gates(env, start).into_iter().filter(|g| g.gate != GateKind::Window).collect();
        let what = format!("{command} {version} to {}", env.name);
        if let Err(e) = gate(p, &others, env, gates, &what) {
            run.audit(None, "refused", e.exit, &GateRecord::default(), None, Some(format!("{:#}", e.error)));
            return Err(e);
        }
    }
    let mut stop = Stop::new()?;
    let opens = format!(
        "{}–{} {} opens {}",
        w.start,
        w.end,
        w.timezone,
        opening.to_zoned(w.timezone.tz()).strftime("%Y-%m-%d %H:%M %Z")
    );
    let mut countdown = crate::ui::progress::Countdown::new(p, &opens);
    let waited = std::time::Instant::now();
    loop {
        let left = now()?.duration_until(opening);
        if left <= jiff::SignedDuration::ZERO {
            break;
        }
        let left = left.unsigned_abs();
        countdown.tick(left);
        tokio::select! {
            _ = tokio::time::sleep(left.min(std::time::Duration::from_secs(1))) => {}
            how = stop.next() => {
                countdown.finish();
                p.status(&format!("{how} while waiting for the deployment window; nothing was changed"));
                return Ok(Some(Exit::Interrupted));
            }
        }
    }
    countdown.finish();
    p.status(&format!(
        "the deployment window {}–{} {} is open (waited {})",
        w.start,
        w.end,
        w.timezone,
        crate::ui::progress::human(waited.elapsed().as_secs())
    ));
    Ok(None)
}

/// SIGINT and SIGTERM as one source: what Ctrl-C, or a CI runner's cancel,
/// means to every wait (a rollout, a deployment window, `status --watch`).
pub struct Stop {
    int: tokio::signal::unix::Signal,
    term: tokio::signal::unix::Signal,
}

impl Stop {
    pub fn new() -> CliResult<Stop> {
        use tokio::signal::unix::{SignalKind, signal};
        match (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) {
            (Ok(int), Ok(term)) => Ok(Stop { int, term }),
            (Err(e), _) | (_, Err(e)) => Err(CliError::new(
                Exit::Error,
                anyhow::anyhow!("cannot listen for Ctrl-C ({e}); nothing was changed, run the command again"),
            )),
        }
    }

    /// The next SIGINT (`interrupted`) or SIGTERM (`terminated`).
    pub async fn next(&mut self) -> &'static str {
        tokio::select! {
            _ = self.int.recv() => "interrupted",
            _ = self.term.recv() => "terminated",
        }
    }
}

async fn watch_signals(cancel: Cancel) {
    let Ok(mut stop) = Stop::new() else { return };
    let mut count = 0;
    loop {
        stop.next().await;
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
        ApplyOutcome::Failed | ApplyOutcome::RolledBack | ApplyOutcome::LockHeld if !report.split.is_empty() => {
            Exit::Split
        }
        ApplyOutcome::Success | ApplyOutcome::Noop | ApplyOutcome::Paused => Exit::Ok,
        ApplyOutcome::Failed | ApplyOutcome::RolledBack => Exit::DeployFailed,
        ApplyOutcome::Interrupted => Exit::Interrupted,
        ApplyOutcome::LockHeld => Exit::LockHeld,
        ApplyOutcome::Pending => Exit::Pending,
    }
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

/// Which units a rollback, resume or abort acts on, and its gates.
#[derive(Debug, Args, Clone)]
pub struct ScopeArgs {
    #[command(flatten)]
    pub env: EnvArg,
    #[command(flatten)]
    pub hosts: HostsArg,
    #[command(flatten)]
    pub gate: GateArgs,
}

#[derive(Debug, Args, Clone, Default)]
pub struct HostsArg {
    /// Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)
    #[arg(long, value_delimiter = ',', value_name = "HOST,...", add = ArgValueCandidates::new(super::completion::hosts))]
    pub hosts: Vec<String>,
    /// Only shard K of N of the hosts (after --hosts), e.g. --shard 2/3 in a CI matrix: hosts sorted by name and dealt round-robin; Kubernetes targets run in shard 1 only
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::config::shard::Shard>,
}

/// The environment `-e` picks, narrowed to `--hosts`, then to `--shard`.
pub fn scoped_env(cfg: &Config, env: &EnvArg, hosts: &HostsArg) -> CliResult<ResolvedEnv> {
    let mut resolved = pick_env(cfg, env)?;
    only_hosts(&mut resolved, hosts)?;
    if let Some(shard) = hosts.shard {
        resolved.only_shard(shard);
    }
    Ok(resolved)
}

/// Narrows the environment to the hosts named with `--hosts`. An unknown
/// name is a usage error (with a suggestion); targets left without hosts
/// (and targets that have no hosts, like kubernetes) are dropped.
fn only_hosts(env: &mut ResolvedEnv, a: &HostsArg) -> CliResult<()> {
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn observing_a_large_fleet_keeps_a_bounded_window_and_the_order() {
        let (now, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let out = super::bounded((0..500).map(|i| {
            let (now, peak) = (&now, &peak);
            async move {
                let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(n, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(1 + (i % 3))).await;
                now.fetch_sub(1, Ordering::SeqCst);
                i
            }
        }))
        .await;
        assert_eq!(out, (0..500).collect::<Vec<_>>());
        assert_eq!(peak.load(Ordering::SeqCst), super::OBSERVE_CONCURRENCY);
    }

    #[tokio::test]
    async fn a_slow_unit_does_not_hold_back_the_units_after_it() {
        // Unit 0 finishes only once the last unit has started: a window that
        // waited for its first unit before starting more would never get there.
        let last_started = tokio::sync::Notify::new();
        let n = 4 * super::OBSERVE_CONCURRENCY;
        let all = super::bounded((0..n).map(|i| {
            let last_started = &last_started;
            async move {
                if i == 0 {
                    last_started.notified().await;
                } else if i == n - 1 {
                    last_started.notify_one();
                }
                i
            }
        }));
        let out =
            tokio::time::timeout(std::time::Duration::from_secs(10), all).await.expect("no head-of-line blocking");
        assert_eq!(out, (0..n).collect::<Vec<_>>());
    }
}
