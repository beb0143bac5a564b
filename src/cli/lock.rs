use clap::Subcommand;
use serde::Serialize;

use super::common::{self, EnvArg, GateArgs};
use super::global::GlobalArgs;
use crate::exit::{CliError, CliResult, Exit};
use crate::model::LockInfo;
use crate::ui::Printer;

#[derive(Debug, Subcommand)]
pub enum LockCommand {
    /// Who holds which lock, per unit
    #[command(after_help = "Examples:
  rvmctl lock list -e production
  rvmctl lock list -e production -o json")]
    List {
        #[command(flatten)]
        env: EnvArg,
    },
    /// Break locks left by a run that is gone (ends its holder process on the host)
    #[command(after_help = "Examples:
  rvmctl lock release -e production --force
  rvmctl lock release -e production --force --yes

Locks of a killed run free themselves (host locks die with their holder
process; Kubernetes Leases expire). This is for the rest: a holder stuck on a
host. It refuses without --force.")]
    Release {
        #[command(flatten)]
        env: EnvArg,
        /// Really break the locks
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        gate: GateArgs,
    },
}

#[derive(Serialize)]
struct LockRow {
    target: String,
    unit: String,
    lock: Option<LockInfo>,
}

pub async fn run(g: &GlobalArgs, p: &Printer, c: LockCommand) -> CliResult {
    let (env_arg, release) = match &c {
        LockCommand::List { env } => (env, None),
        LockCommand::Release { env, force, gate } => (env, Some((*force, gate))),
    };
    let cfg = common::load(g, p)?;
    let env = common::pick_env(&cfg, env_arg)?;
    let drivers = common::drivers(g, &cfg, &env, false)?;
    let observed = common::observe(&env, &drivers, None).await?;
    let rows: Vec<LockRow> = observed
        .iter()
        .flat_map(|t| {
            t.units.iter().map(|u| LockRow { target: t.target.clone(), unit: u.unit.clone(), lock: u.lock.clone() })
        })
        .collect();
    let Some((force, gate)) = release else {
        p.emit(&rows, |_| {
            let held: Vec<String> = rows
                .iter()
                .filter_map(|r| {
                    r.lock.as_ref().map(|l| {
                        format!(
                            "{}/{}: {} since {} ({})",
                            r.target,
                            r.unit,
                            l.holder,
                            l.since.strftime("%Y-%m-%d %H:%M:%S UTC"),
                            l.operation
                        )
                    })
                })
                .collect();
            if held.is_empty() { format!("No locks held in {}.\n", env.name) } else { held.join("\n") + "\n" }
        })?;
        return Ok(Exit::Ok);
    };
    let held: Vec<&LockRow> = rows.iter().filter(|r| r.lock.is_some()).collect();
    if held.is_empty() {
        p.status(&format!("no locks held in {}", env.name));
        return Ok(Exit::Ok);
    }
    if !force {
        return Err(CliError::new(
            Exit::Usage,
            anyhow::anyhow!(
                "{n} lock(s) held; check with `rvmctl lock list -e {e}` that the run holding them is gone, then `rvmctl lock release -e {e} --force`",
                n = held.len(),
                e = env.name
            ),
        ));
    }
    common::gate_confirm(gate, &format!("Break {} lock(s) in {}?", held.len(), env.name))?;
    for r in held {
        let d = drivers
            .get(&r.target)
            .ok_or_else(|| CliError::new(Exit::Error, anyhow::anyhow!("no driver for {}", r.target)))?;
        d.break_lock(&r.unit).await.map_err(|e| CliError::new(Exit::Error, e))?;
        p.status(&format!("released {}/{}", r.target, r.unit));
    }
    Ok(Exit::Ok)
}
