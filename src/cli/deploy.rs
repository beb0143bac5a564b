use clap::Args;

use super::common::{self, ScopeArgs};
use super::global::GlobalArgs;
use crate::exit::{CliError, CliResult, Exit, WithExit};
use crate::ui::Printer;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rvmctl deploy -e development --version 1.0.0
  rvmctl deploy -e staging --version 1.4.2 --yes -o json
  CI=true rvmctl deploy -e staging --version 1.4.2 --yes
  rvmctl deploy -e production --version 1.4.2 --yes --until-converged 2h
  rvmctl deploy -e production --version from:staging --approve
  rvmctl deploy -e production --version 1.4.2 --yes --approve --wait-for-window 8h

--version from:ENV promotes: it deploys exactly what ENV runs now (the
version, each app's artifact sha256 and image), and refuses (exit 3) when ENV
is split, mid-rollout, interrupted, unreachable or unhealthy.

Re-running the same deploy after a failure or interruption converges: units
already live on the version are skipped, staged ones are reused. Units that
cannot be reached are pending (exit 7), not failed: the next run deploys
them, or --until-converged keeps retrying them.

Outside the environment's deployment window a deploy is refused (exit 3);
--wait-for-window waits for it to open instead, touching nothing until then
(Ctrl-C ends the wait: exit 130). At a terminal the approval and the
confirmation are asked for when it opens; without one, pass --yes (and
--approve) up front.")]
#[derive(Clone)]
pub struct DeployArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Version to deploy (`latest`: the newest GitHub release by semver; `from:ENV`: exactly the build live and healthy in ENV)
    #[arg(long)]
    pub version: String,
    #[command(flatten)]
    pub dry_run: common::DryRunArg,
    /// Keep retrying units that could not be reached (pending) with backoff (5s doubling to 60s) until every unit converges or DURATION has passed, e.g. 2h
    #[arg(long, value_name = "DURATION")]
    pub until_converged: Option<crate::model::Duration>,
    #[command(flatten)]
    pub wait: common::WaitArgs,
}

pub async fn run(g: &GlobalArgs, p: &Printer, a: DeployArgs) -> CliResult {
    let from = a.version.strip_prefix("from:").map(str::to_string);
    if from.is_none() {
        common::validate_version(&a.version)?;
    }
    let cfg = common::load(g, p)?;
    let mut env = common::scoped_env(&cfg, &a.scope.env, &a.scope.hosts)?;
    // Before anything is read from the targets: after a long wait, the
    // state (and a promotion's source) is read as it is when the window opens.
    if let Some(code) = common::wait_for_window(p, &cfg, &env, &a.scope.gate, &a.wait, "deploy", &a.version).await? {
        return Ok(code);
    }
    let version = match &from {
        Some(source) => {
            let source = promotion_source(g, p, &cfg, source, &env.name).await?;
            crate::plan::promotion::pin(&mut env, &source).map_err(|e| CliError::new(Exit::GateRefused, e))?;
            let builds: Vec<String> = source.apps.iter().map(|(app, b)| format!("{app}: {}", b.label())).collect();
            p.status(&format!(
                "promoting {} from {} to {} ({})",
                source.version,
                source.environment,
                env.name,
                builds.join("; ")
            ));
            source.version
        }
        None => crate::github::resolve_version(&cfg, &a.version).await?,
    };
    common::validate_version(&version)?;
    let a = DeployArgs { version, ..a };
    let drivers = common::drivers(g, &cfg, &env, a.dry_run.server())?;
    let observed = common::observe(&env, &drivers, Some(&a.version)).await?;
    let run = common::Run { p, cfg: &cfg, env: &env, drivers: &drivers, command: "deploy", version: a.version.clone() };
    deploy(&run, &a, &observed).await
}

/// What `from` (the environment promoted from) runs now, live and
/// healthy, probed now; refused (exit 3) when it is not one healthy release.
async fn promotion_source(
    g: &GlobalArgs,
    p: &Printer,
    cfg: &crate::config::Config,
    from: &str,
    to: &str,
) -> CliResult<crate::plan::promotion::Source> {
    if from == to {
        return Err(CliError::new(
            Exit::Usage,
            anyhow::anyhow!("--version from:{from} promotes from another environment; {to} is the one deployed to"),
        ));
    }
    let env = cfg.environment(from).exit(Exit::Usage)?;
    let drivers = common::drivers(g, cfg, &env, false)?;
    let observed = common::observe(&env, &drivers, None).await?;
    p.status(&format!("checking what {from} runs (health checks of every live unit)"));
    let probes = observed.iter().flat_map(|t| {
        let d = drivers.get(&t.target).cloned();
        t.units.iter().map(move |u| {
            let (d, target) = (d.clone(), t.target.clone());
            async move {
                let (Some(d), Some(c), Some(v), None) = (d, u.live, u.live_version(), &u.error) else { return None };
                d.probe(&u.unit, c, v).await.err().map(|e| (format!("{target}/{}", u.unit), e.to_string()))
            }
        })
    });
    let unhealthy: Vec<(String, String)> = common::bounded(probes).await.into_iter().flatten().collect();
    crate::plan::promotion::source(&env, &observed, &unhealthy).map_err(|e| CliError::new(Exit::GateRefused, e))
}

/// Plan, confirm, apply and report `a.version` over drivers and observed
/// state the caller has (resume reuses its own: no second config load,
/// connection or observation). With `--until-converged`, pending units are
/// retried with backoff; only the last attempt's report goes to stdout.
pub async fn deploy(run: &common::Run<'_>, a: &DeployArgs, observed: &[crate::model::ObservedTarget]) -> CliResult {
    let (p, env, drivers) = (run.p, run.env, run.drivers);
    let deadline = a.until_converged.map(|d| tokio::time::Instant::now() + d.get());
    let mut args = a.clone();
    let mut observed = observed.to_vec();
    let mut wait = std::time::Duration::from_secs(5);
    loop {
        let retry_possible = deadline.is_some_and(|d| tokio::time::Instant::now() + wait < d);
        let (code, pending) = attempt(run, &args, &observed, retry_possible).await?;
        let Some(deadline) = deadline.filter(|_| code == Exit::Pending && retry_possible) else {
            return Ok(code);
        };
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        p.status(&format!(
            "converging: {} unit(s) pending ({}); trying again in {}s ({}s left of --until-converged)",
            pending.len(),
            pending.join(", "),
            wait.as_secs(),
            left.as_secs()
        ));
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = tokio::signal::ctrl_c() => return Ok(Exit::Interrupted),
        }
        wait = (wait * 2).min(std::time::Duration::from_secs(60));
        // Confirmed once: the retries of the same deploy do not ask again
        // (an approval and the deployment window are still checked).
        args.scope.gate.yes = true;
        observed = common::observe(env, drivers, Some(&a.version)).await?;
    }
}

/// One plan-confirm-apply of `a.version`: its exit code and the units left
/// pending. `more_to_come`: a pending result will be retried, so its report
/// is summarized on stderr instead of printed as the result.
async fn attempt(
    run: &common::Run<'_>,
    a: &DeployArgs,
    observed: &[crate::model::ObservedTarget],
    more_to_come: bool,
) -> CliResult<(Exit, Vec<String>)> {
    let (p, cfg, env) = (run.p, run.cfg, run.env);
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
    let gates = if plan.is_noop() {
        Default::default()
    } else {
        let units: usize = plan
            .targets
            .iter()
            .map(|t| t.units.iter().filter(|u| u.action == crate::plan::UnitAction::Deploy).count())
            .sum();
        run.gate(
            &plan,
            &a.scope.gate,
            &format!("Deploy {} to {} ({units} unit{})?", a.version, env.name, if units == 1 { "" } else { "s" }),
        )?
    };
    let report = run.execute(&plan, gates.clone()).await;
    if a.dry_run.server() {
        p.status("dry run (--dry-run=server): every write was validated by the API server and nothing was persisted");
    }
    let pending: Vec<String> = report
        .targets
        .iter()
        .flat_map(|t| &t.units)
        .filter(|u| u.result == crate::rollout::UnitResult::Pending)
        .map(|u| u.unit.clone())
        .collect();
    let code = if more_to_come && report.outcome == crate::rollout::ApplyOutcome::Pending {
        run.record(&report, &gates)
    } else {
        run.finish(&plan, &report, &gates)?
    };
    if code == Exit::Ok && !plan.is_noop() {
        p.status(&format!("see `rvmctl status -e {}`", env.name));
    }
    Ok((code, pending))
}
