use clap::Args;

use super::common::{self, EnvArg, GateArgs};
use super::global::GlobalArgs;
use crate::config::schema::TargetKind;
use crate::drivers::Driver;
use crate::drivers::kubernetes::{self, KubeOptions};
use crate::exit::{CliError, CliResult, Exit, WithExit};
use crate::model::{Color, HistoryAction, HistoryEntry, Outcome};
use crate::ui::Printer;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rvmctl adopt -e production                   adopt Deployment <app> + the app's Service
  rvmctl adopt -e production --deployment api-v1 --yes

Adoption copies the existing Deployment's pod template into {app}-blue (labelled
color=blue), waits until it is ready, then adds `color: blue` to the Service's
selector in one guarded write. The old Deployment is left untouched: delete it
once blue serves. Nothing changes until you confirm.")]
pub struct AdoptArgs {
    #[command(flatten)]
    pub env: EnvArg,
    /// The existing Deployment to adopt (default: the app's name)
    #[arg(long)]
    pub deployment: Option<String>,
    /// The kubernetes target to adopt into (default: the environment's only one)
    #[arg(long)]
    pub target: Option<String>,
    #[command(flatten)]
    pub gate: GateArgs,
}

pub async fn run(g: &GlobalArgs, p: &Printer, a: AdoptArgs) -> CliResult {
    let cfg = common::load(g, p)?;
    let env = common::pick_env(&cfg, &a.env)?;
    let targets: Vec<_> = env
        .targets
        .iter()
        .filter(|t| t.kind == TargetKind::Kubernetes)
        .filter(|t| a.target.as_ref().is_none_or(|n| &t.name == n))
        .collect();
    let target = match targets.as_slice() {
        [t] => *t,
        [] => {
            return Err(CliError::new(
                Exit::Usage,
                anyhow::anyhow!(
                    "environment {} has no kubernetes target{}",
                    env.name,
                    a.target.as_ref().map(|t| format!(" named {t}")).unwrap_or_default()
                ),
            ));
        }
        _ => {
            return Err(CliError::new(
                Exit::Usage,
                anyhow::anyhow!("environment {} has several kubernetes targets; pick one with --target", env.name),
            ));
        }
    };
    let opts = KubeOptions { context: g.context.clone(), namespace: g.namespace.clone(), dry_run: false };
    let driver = kubernetes::new(&cfg, &env.name, target, &opts).exit(Exit::Usage)?;
    let existing = a.deployment.clone().unwrap_or_else(|| target.app_name.clone());
    let plan = driver.adopt_plan(&existing).await.exit(Exit::Error)?;
    if !p.quiet {
        eprint!("{}", crate::ui::table::adopt(&target.app_name, &plan));
    }
    common::gate_confirm(&a.gate, &format!("Adopt {}/{existing} as {}-blue?", plan.namespace, target.app_name))?;
    let info = crate::drivers::lock_info("adopt", None);
    let lock = driver.lock(&target.app_name, &info, None).await.map_err(|e| {
        let code = if matches!(e, crate::drivers::DriverError::Locked { .. }) { Exit::LockHeld } else { Exit::Error };
        CliError::new(code, e)
    })?;
    let result = driver.adopt_apply(&plan).await;
    let entry = HistoryEntry {
        revision: 1,
        at: jiff::Timestamp::now(),
        user: crate::identity::whoami(),
        action: HistoryAction::Deploy,
        version: plan.version.clone(),
        from: None,
        to: Color::Blue,
        result: if result.is_ok() { Outcome::Success } else { Outcome::Failed },
        plan_hash: None,
        message: Some(match &result {
            Ok(_) => format!("adopted from Deployment {existing}"),
            Err(e) => e.to_string(),
        }),
        approved_by: None,
        window_override: None,
        migrated: false,
        identity: None,
    };
    let recorded = driver.append_history(&target.app_name, &entry).await;
    let _ = lock.release().await;
    let done = result.exit(Exit::DeployFailed)?;
    if let Err(e) = recorded {
        p.warn(&format!("could not record history: {e}"));
    }
    let view = crate::views::AdoptView { app: target.app_name.clone(), plan, done };
    p.emit(&view, |_| crate::ui::table::adopted(&view))?;
    Ok(Exit::Ok)
}
