//! `rvmctl update check`: which units run an older version than the newest release.

use clap::{Args, Subcommand};

use super::common::{self, EnvArg};
use super::global::GlobalArgs;
use crate::exit::{CliResult, Exit};
use crate::ui::Printer;

#[derive(Debug, Subcommand)]
#[command(after_help = "Examples:
  rvmctl update check -e production
  rvmctl update check -e production -o json | jq '.units[] | select(.behind)'")]
pub enum UpdateCommand {
    /// Compare what is live on each unit with the newest GitHub release
    Check(CheckArgs),
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rvmctl update check -e production
  rvmctl update check -e staging -o json | jq -r '.units[] | select(.behind) | .unit'
  rvmctl update check -e production && rvmctl deploy -e production --version latest

Always exits 0 when the check could be made; `behind` (per unit, and the
count at the top level) says what is out of date. A unit with nothing live
counts as behind; an unreachable one does not.")]
pub struct CheckArgs {
    #[command(flatten)]
    pub env: EnvArg,
}

pub async fn run(g: &GlobalArgs, p: &Printer, c: UpdateCommand) -> CliResult {
    let UpdateCommand::Check(a) = c;
    let cfg = common::load(g, p)?;
    let env = common::pick_env(&cfg, &a.env)?;
    let client = crate::github::client(&cfg, "`rvmctl update check`")?;
    let drivers = common::drivers(g, &cfg, &env, false)?;
    // Ask GitHub and the targets at the same time.
    let (latest, observed) = tokio::join!(client.latest_release(), common::observe(&env, &drivers, None));
    let (latest, observed) = (latest?, observed?);
    let view = crate::github::views::update_view(&client.repo.to_string(), &env.name, &latest, &observed);
    p.emit(&view, |p| crate::ui::github::update(p, &view))?;
    Ok(Exit::Ok)
}
