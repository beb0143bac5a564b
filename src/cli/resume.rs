use super::common::{self, ScopeArgs};
use super::deploy::DeployArgs;
use super::global::GlobalArgs;
use super::rollback::switch_back;
use crate::exit::{CliError, CliResult, Exit};
use crate::plan::PlanKind;
use crate::ui::Printer;

/// `rvmctl resume --help`, after the options.
pub const RESUME_HELP: &str = "Examples:
  rvmctl status -e production          # shows \"interrupted at <step>\" per unit
  rvmctl resume -e production --yes    # continue the interrupted deploy
  rvmctl abort -e production --yes     # or: put every touched unit back where it was

resume re-plans the interrupted deploy's version against what is live now:
units already live on it are skipped, staged slots are reused, and the
rest continues from where it stopped. Re-running the same deploy does the same.";

/// `rvmctl abort --help`, after the options.
pub const ABORT_HELP: &str = "Examples:
  rvmctl abort -e production
  rvmctl abort -e staging --yes -o json

Every unit an interrupted run switched goes back to the color it had before
that run (recorded in its journal), after a health check of that color;
units it never switched are left alone and their journal is cleared.";

pub async fn resume(g: &GlobalArgs, p: &Printer, a: ScopeArgs) -> CliResult {
    let cfg = common::load(g, p)?;
    let env = common::scoped_env(&cfg, &a.env, &a.hosts)?;
    let drivers = common::drivers(g, &cfg, &env, false)?;
    let mut observed = common::observe(&env, &drivers, None).await?;
    let mut versions: Vec<String> = observed
        .iter()
        .flat_map(|t| &t.units)
        .filter_map(|u| u.journal.as_ref())
        .filter(|j| j.kind == "deploy")
        .map(|j| j.version.clone())
        .collect();
    versions.sort();
    versions.dedup();
    let version = match versions.as_slice() {
        [] => {
            return Err(CliError::new(
                Exit::Error,
                anyhow::anyhow!(
                    "nothing to resume in {e}: no unit has an interrupted deploy (`rvmctl status -e {e}` shows each unit; `rvmctl deploy -e {e} --version <v>` starts a new one)",
                    e = env.name
                ),
            ));
        }
        [v] => v.clone(),
        many => {
            return Err(CliError::new(
                Exit::Error,
                anyhow::anyhow!(
                    "interrupted deploys of several versions ({}); run `rvmctl deploy --version <v>` or `rvmctl abort`",
                    many.join(", ")
                ),
            ));
        }
    };
    p.status(&format!("resuming the interrupted deploy of {version} in {}", env.name));
    common::for_version(&drivers, &mut observed, Some(&version)).await?;
    let args =
        DeployArgs { scope: a, version, dry_run: Default::default(), until_converged: None, wait: Default::default() };
    let run =
        common::Run { p, cfg: &cfg, env: &env, drivers: &drivers, command: "deploy", version: args.version.clone() };
    super::deploy::deploy(&run, &args, &observed).await
}

pub async fn abort(g: &GlobalArgs, p: &Printer, a: ScopeArgs) -> CliResult {
    switch_back(g, p, &a, PlanKind::Abort).await
}
