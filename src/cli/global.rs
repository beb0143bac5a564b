//! Options every command takes (`-f`, `-o`, `-v`, `--context`, …).

use std::path::PathBuf;

use clap::Args;

use crate::ui::OutputFormat;

/// The config file when neither `-f` nor [`CONFIG_ENV`] names one.
pub const DEFAULT_CONFIG: &str = "deployment-config.yaml";
/// The variable that names the config file.
pub const CONFIG_ENV: &str = "RVMCTL_CONFIG";

#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Config file
    #[arg(
        short = 'f',
        long = "config",
        env = CONFIG_ENV,
        global = true,
        default_value = DEFAULT_CONFIG,
        value_hint = clap::ValueHint::FilePath
    )]
    pub config: PathBuf,
    /// Output format for data on stdout
    #[arg(short, long, global = true, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// Never use colors (NO_COLOR is honoured too)
    #[arg(long, global = true)]
    pub no_color: bool,
    /// More detail (-v: step output; -vv: debug logs)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors on stderr
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Kubernetes targets: kubeconfig context to use (overrides the target's `context:`)
    #[arg(long, global = true, env = "RVMCTL_CONTEXT")]
    pub context: Option<String>,
    /// Kubernetes targets: namespace (overrides the target's `namespace:`)
    #[arg(short = 'n', long, global = true)]
    pub namespace: Option<String>,
}
