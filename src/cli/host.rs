//! `rvmctl host check|bootstrap|uninstall`: bringing a Jetson into the
//! fleet and taking it out (the slot hosts of `ssh` and `local` targets).

use clap::{Args, Subcommand};

use super::common::{self, EnvArg, HostsArg};
use super::global::GlobalArgs;
use crate::config::{Config, ResolvedEnv};
use crate::drivers::slots::SlotDriver;
use crate::drivers::slots::host::UnitFile;
use crate::exit::{CliError, CliResult, Exit, WithExit};
use crate::model::{HostChange, HostCheck};
use crate::ui::{Printer, prompt};
use crate::views::{HostChangeView, HostCheckView};

#[derive(Debug, Subcommand)]
pub enum HostCommand {
    /// Check each host's prerequisites (ssh, base_dir, disk, commands, arch, clock), with the fix for each failure
    #[command(after_help = "Examples:
  rvmctl host check -e production
  rvmctl host check -e production --hosts rvm-017 --version 1.4.2   (size the disk check for 1.4.2)
  rvmctl host check -e production -o json

Exits 0 when every host is ready, 1 when any is not. A held lock is a warning.")]
    Check(CheckArgs),
    /// Prepare hosts for their first deploy: base and state dirs, systemd units (idempotent)
    #[command(after_help = "Examples:
  rvmctl host bootstrap -e production --hosts rvm-042
  rvmctl host bootstrap -e production           (a second run changes nothing)

Installs the app's `systemd:` units (checked with systemd-analyze verify where the
host has it) and reloads the manager when one changed. Takes each host's lock
while it works; a host another run holds is refused (exit 5).")]
    Bootstrap(BootstrapArgs),
    /// Take hosts out: stop both colors, keep a backup of history and config, remove slots and units
    #[command(after_help = "Examples:
  rvmctl host uninstall -e production --hosts rvm-042
  rvmctl host uninstall -e production --hosts rvm-042 --yes --purge

Stops the services of both colors (the idle color first, each in reverse start
order), keeps a tarball of the state dir (history, journal) and of the config
files beside the base dir (unless --purge), then removes the units, the config
files, the slots, the live pointer and the state dir. At a terminal you type
the number of hosts; elsewhere pass --yes. Refused on a host another run holds
(exit 5).")]
    Uninstall(UninstallArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub env: EnvArg,
    #[command(flatten)]
    pub hosts: HostsArg,
    /// Size the disk check for this version's artifact (default: the host's largest slot)
    #[arg(long)]
    pub version: Option<String>,
}

#[derive(Debug, Args)]
pub struct BootstrapArgs {
    #[command(flatten)]
    pub env: EnvArg,
    #[command(flatten)]
    pub hosts: HostsArg,
}

#[derive(Debug, Args)]
pub struct UninstallArgs {
    #[command(flatten)]
    pub env: EnvArg,
    /// The hosts to take out, e.g. --hosts rvm-041,rvm-042 (required: never a whole environment by default)
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "HOST,...",
        required = true,
        add = clap_complete::engine::ArgValueCandidates::new(super::completion::hosts)
    )]
    pub hosts: Vec<String>,
    /// Keep no backup of the state dir and config files
    #[arg(long)]
    pub purge: bool,
    /// Proceed without typing the host count (needed without a terminal)
    #[arg(short = 'y', long)]
    pub yes: bool,
}

pub async fn run(g: &GlobalArgs, p: &Printer, c: HostCommand) -> CliResult {
    match c {
        HostCommand::Check(a) => check(g, p, a).await,
        HostCommand::Bootstrap(a) => bootstrap(g, p, a).await,
        HostCommand::Uninstall(a) => uninstall(g, p, a).await,
    }
}

/// The slot drivers of the environment's targets, and the targets without hosts.
fn slot_drivers(cfg: &Config, env: &ResolvedEnv) -> CliResult<(Vec<SlotDriver>, Vec<String>)> {
    let mut drivers = Vec::new();
    let mut skipped = Vec::new();
    for t in &env.targets {
        match crate::drivers::slot_driver(cfg, &env.name, t).exit(Exit::Usage)? {
            Some(d) => drivers.push(d),
            None => skipped.push(t.name.clone()),
        }
    }
    if drivers.is_empty() {
        return Err(CliError::new(
            Exit::Usage,
            anyhow::anyhow!(
                "environment {} has no hosts (its targets are Kubernetes): `rvmctl host` is for ssh and local targets",
                env.name
            ),
        ));
    }
    Ok((drivers, skipped))
}

async fn check(g: &GlobalArgs, p: &Printer, a: CheckArgs) -> CliResult {
    let cfg = common::load(g, p)?;
    let env = common::scoped_env(&cfg, &a.env, &a.hosts)?;
    if let Some(v) = &a.version {
        common::validate_version(v)?;
    }
    let (drivers, skipped_targets) = slot_drivers(&cfg, &env)?;
    let now = common::now()?;
    let version = a.version.as_deref();
    let hosts: Vec<HostCheck> = common::bounded(
        drivers.iter().flat_map(|d| d.hosts.iter().map(move |h| d.check_host(&h.spec.name, now, version))),
    )
    .await;
    let ready = hosts.iter().filter(|h| h.ready).count();
    let all = hosts.len();
    let view = HostCheckView { environment: env.name.clone(), ready, hosts, skipped_targets };
    p.emit(&view, |p| crate::ui::table::host_checks(p, &view))?;
    Ok(if ready == all { Exit::Ok } else { Exit::Error })
}

/// The text of each of the app's systemd units, read on this machine.
fn unit_files(cfg: &Config, d: &SlotDriver) -> CliResult<Vec<UnitFile>> {
    let Some(sd) = &d.app.systemd else { return Ok(Vec::new()) };
    sd.units
        .iter()
        .map(|u| {
            let text = match (&u.content, &u.file) {
                (Some(c), _) => c.as_str().to_string(),
                (None, Some(f)) => {
                    let path = cfg.path(f);
                    std::fs::read_to_string(&path).map_err(|e| {
                        CliError::new(
                            Exit::Usage,
                            anyhow::anyhow!(
                                "app '{}': systemd unit {}: cannot read {}: {e}; fix `file:` (relative to the config file)",
                                d.app_name,
                                u.name,
                                path.display()
                            ),
                        )
                    })?
                }
                (None, None) => String::new(),
            };
            Ok(UnitFile { name: u.name.clone(), text })
        })
        .collect()
}

/// The exit code of a lifecycle run: 5 if a host was refused for its lock
/// (and none failed otherwise), 1 if any failed, else 0.
fn exit_of(changes: &[HostChange]) -> Exit {
    let failed: Vec<&HostChange> = changes.iter().filter(|c| c.error.is_some()).collect();
    if failed.is_empty() {
        Exit::Ok
    } else if failed.iter().all(|c| c.locked) {
        Exit::LockHeld
    } else {
        Exit::Error
    }
}

async fn bootstrap(g: &GlobalArgs, p: &Printer, a: BootstrapArgs) -> CliResult {
    let cfg = common::load(g, p)?;
    let env = common::scoped_env(&cfg, &a.env, &a.hosts)?;
    let (drivers, skipped_targets) = slot_drivers(&cfg, &env)?;
    let info = crate::drivers::lock_info("host bootstrap", None);
    let mut work = Vec::new();
    for d in &drivers {
        let units = unit_files(&cfg, d)?;
        for h in &d.hosts {
            let (info, units) = (&info, units.clone());
            work.push(async move { d.bootstrap_host(&h.spec.name, &units, info).await });
        }
    }
    let hosts = common::bounded(work).await;
    let exit = exit_of(&hosts);
    let view = HostChangeView { environment: env.name.clone(), operation: "bootstrap".into(), hosts, skipped_targets };
    p.emit(&view, |p| crate::ui::table::host_changes(p, &view))?;
    Ok(exit)
}

async fn uninstall(g: &GlobalArgs, p: &Printer, a: UninstallArgs) -> CliResult {
    let cfg = common::load(g, p)?;
    let scope = HostsArg { hosts: a.hosts.clone(), shard: None };
    let env = common::scoped_env(&cfg, &a.env, &scope)?;
    let (drivers, skipped_targets) = slot_drivers(&cfg, &env)?;
    let count = drivers.iter().map(|d| d.hosts.len()).sum::<usize>();
    let names: Vec<&str> = drivers.iter().flat_map(|d| d.hosts.iter().map(|h| h.spec.name.as_str())).collect();
    if !a.yes && !prompt::interactive() {
        return Err(CliError::new(
            Exit::GateRefused,
            anyhow::anyhow!(
                "uninstalling {count} host(s) from {} needs confirmation, and there is no terminal to ask; pass --yes to proceed",
                env.name
            ),
        ));
    }
    if !a.yes {
        let question = format!(
            "This stops and removes {} from {} ({}). Type the number of hosts ({count}) to go on",
            names.join(", "),
            env.name,
            if a.purge { "no backup is kept" } else { "a backup of history and config files is kept on each" }
        );
        prompt::type_to_confirm(&count.to_string(), &question, "--yes")
            .map_err(|e| CliError::new(Exit::GateRefused, e))?;
    }
    let info = crate::drivers::lock_info("host uninstall", None);
    let stamp = common::now()?.strftime("%Y%m%dT%H%M%SZ").to_string();
    let hosts = common::bounded(drivers.iter().flat_map(|d| {
        let (info, stamp) = (&info, &stamp);
        d.hosts.iter().map(move |h| d.uninstall_host(&h.spec.name, a.purge, stamp, info))
    }))
    .await;
    let exit = exit_of(&hosts);
    let view = HostChangeView { environment: env.name.clone(), operation: "uninstall".into(), hosts, skipped_targets };
    p.emit(&view, |p| crate::ui::table::host_changes(p, &view))?;
    Ok(exit)
}
