use clap::Args;
use clap_complete::Shell;

use crate::exit::{CliResult, Exit};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rvmctl completion bash > /etc/bash_completion.d/rvmctl
  rvmctl completion zsh > \"${fpath[1]}/_rvmctl\"
  rvmctl completion fish > ~/.config/fish/completions/rvmctl.fish")]
pub struct CompletionArgs {
    /// Shell to generate completions for
    #[arg(value_enum)]
    pub shell: Shell,
}

/// `cmd`: the whole command tree (`Cli::command()`).
pub fn run(a: CompletionArgs, mut cmd: clap::Command) -> CliResult {
    clap_complete::generate(a.shell, &mut cmd, "rvmctl", &mut std::io::stdout());
    Ok(Exit::Ok)
}
