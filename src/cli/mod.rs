//! Command-line interface: clap types and one file per subcommand. Each
//! command resolves its settings, calls into the core, and hands data to `ui`.

mod adopt;
mod analysis;
mod apply;
mod common;
mod completion;
mod config;
mod deploy;
mod global;
mod history;
mod host;
mod lock;
mod man;
mod plan;
mod promote;
mod releases;
mod resume;
mod rollback;
mod status;
mod update;
mod version;

use clap::{CommandFactory, Parser, Subcommand};

use global::GlobalArgs;

use crate::exit::{CliResult, Exit};
use crate::ui::Printer;

const EXAMPLES: &str = "\
Examples:
  rvmctl config validate                      check deployment-config.yaml
  rvmctl plan -e staging --version 1.4.2      show what a deploy would do
  rvmctl deploy -e development --version 1.0.0 --yes
  rvmctl status -e production -o json
  rvmctl rollback -e production --yes         switch back to the previous color
  rvmctl promote -e production                continue a canary paused for approval

Exit codes: 0 ok, 1 error, 2 usage/config error, 3 gate refused, 4 deploy failed
(traffic on a healthy color), 5 lock held, 6 stale plan, 7 pending (unreachable
units left as they were), 8 environment split (targets on different versions),
130 interrupted.";

#[derive(Debug, Parser)]
#[command(
    name = "rvmctl",
    version = crate::identity::BUILD.line(),
    about = "Blue-green deployments for reverse vending machine fleets (Jetson hosts and Kubernetes)",
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what a deploy would do, without changing anything
    Plan(plan::PlanArgs),
    /// Execute a saved plan exactly (refused if the targets changed since)
    Apply(apply::ApplyArgs),
    /// Plan and apply in one step, after confirmation
    Deploy(deploy::DeployArgs),
    /// Live color, versions per color, health, last deploy and lock per unit
    Status(status::StatusArgs),
    /// Evaluate the analyses (metric triggers) now, without deploying
    #[command(subcommand)]
    Analysis(analysis::AnalysisCommand),
    /// Continue a canary rollout paused at a step (`pause: manual`)
    Promote(promote::PromoteArgs),
    /// Switch back to the previous color instantly (no restaging)
    #[command(after_help = rollback::AFTER_HELP)]
    Rollback(common::ScopeArgs),
    /// Continue an interrupted deploy (from the journal on the targets)
    #[command(after_help = resume::RESUME_HELP)]
    Resume(common::ScopeArgs),
    /// Return units an interrupted run switched to their pre-run color
    #[command(after_help = resume::ABORT_HELP)]
    Abort(common::ScopeArgs),
    /// List or break locks
    #[command(subcommand)]
    Lock(lock::LockCommand),
    /// Bring hosts into the fleet and take them out: check, bootstrap, uninstall
    #[command(subcommand)]
    Host(host::HostCommand),
    /// Deploy and rollback history, read from the targets themselves
    History(history::HistoryArgs),
    /// Make an existing Deployment + Service (kubernetes) the blue color of rvmctl
    Adopt(adopt::AdoptArgs),
    /// Validate or show the configuration
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Print shell completions
    Completion(completion::CompletionArgs),
    /// Write man pages (used by `make man`)
    #[command(hide = true)]
    Man(man::ManArgs),
    /// List the GitHub Releases of global.github.repository by semantic version
    Releases(releases::ReleasesArgs),
    /// Check which units run an older version than the newest GitHub release
    #[command(subcommand)]
    Update(update::UpdateCommand),
    /// Version, git commit, build date and target of this binary
    Version(version::VersionArgs),
}

/// Answers a shell asking for completions (`COMPLETE=bash rvmctl -- …`):
/// prints the candidates and exits. An ordinary run returns at once.
pub fn complete_if_asked() {
    completion::complete_if_asked(Cli::command);
}

pub fn init_tracing(verbose: u8) {
    let level = match verbose {
        0 | 1 => "warn",
        2 => "debug",
        _ => "trace",
    };
    let asked = std::env::var_os("RVMCTL_LOG").is_some() || verbose >= 2;
    let filter = tracing_subscriber::EnvFilter::try_from_env("RVMCTL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let fmt = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // A debug log says when (seconds since start): where a slow run spends its time.
    let _ = if asked {
        fmt.with_timer(tracing_subscriber::fmt::time::uptime()).try_init()
    } else {
        fmt.without_time().try_init()
    };
}

/// Runs the command and turns the result into an exit code, printing errors
/// on stderr.
pub fn main(cli: Cli) -> Exit {
    let printer = Printer::new(cli.global.output, cli.global.no_color, cli.global.quiet, cli.global.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return Exit::Error;
        }
    };
    let result = runtime.block_on(run(cli, &printer));
    // Don't wait for stray blocking tasks (e.g. a stuck prompt) on exit.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    match result {
        Ok(code) => code,
        Err(e) => {
            match &e.rendered {
                Some(r) => eprint!("{r}"),
                None => eprintln!("error: {}", crate::notify::redact(&format!("{:#}", e.error))),
            }
            annotate(&e);
            e.exit
        }
    }
}

/// In GitHub Actions, an error becomes an annotation; a config error one per
/// problem, pointing at its file, line and column.
fn annotate(e: &crate::exit::CliError) {
    use crate::ui::gha;
    if !gha::enabled() {
        return;
    }
    match e.error.downcast_ref::<crate::config::ConfigError>() {
        Some(c) => {
            for i in &c.issues {
                let msg = match &i.help {
                    Some(h) => format!("{} ({h})", i.message),
                    None => i.message.clone(),
                };
                gha::emit(&gha::error_annotation(Some((&i.file, i.line, i.column)), "rvmctl: invalid config", &msg));
            }
        }
        None => gha::emit(&gha::error_annotation(None, "rvmctl", &format!("{:#}", e.error))),
    }
}

async fn run(cli: Cli, printer: &Printer) -> CliResult {
    let g = &cli.global;
    match cli.command {
        Command::Plan(a) => plan::run(g, printer, a).await,
        Command::Apply(a) => apply::run(g, printer, a).await,
        Command::Deploy(a) => deploy::run(g, printer, a).await,
        Command::Status(a) => status::run(g, printer, a).await,
        Command::Analysis(c) => analysis::run(g, printer, c).await,
        Command::Rollback(a) => rollback::run(g, printer, a).await,
        Command::Promote(a) => promote::run(g, printer, a).await,
        Command::History(a) => history::run(g, printer, a).await,
        Command::Resume(a) => resume::resume(g, printer, a).await,
        Command::Abort(a) => resume::abort(g, printer, a).await,
        Command::Lock(c) => lock::run(g, printer, c).await,
        Command::Host(c) => host::run(g, printer, c).await,
        Command::Adopt(a) => adopt::run(g, printer, a).await,
        Command::Config(c) => config::run(g, printer, c).await,
        Command::Completion(a) => completion::run(a, Cli::command()),
        Command::Man(a) => man::run(a, Cli::command()),
        Command::Releases(a) => releases::run(g, printer, a).await,
        Command::Update(c) => update::run(g, printer, c).await,
        Command::Version(a) => version::run(printer, a),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
