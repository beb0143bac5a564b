use std::path::PathBuf;

use clap::Args;

use crate::exit::{CliError, CliResult, Exit};

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Folder to write rvmctl.1 and rvmctl-<command>.1 into
    pub dir: PathBuf,
}

/// Writes man pages for rvmctl and every subcommand (`make man`).
/// `cmd`: the whole command tree (`Cli::command()`).
pub fn run(a: ManArgs, cmd: clap::Command) -> CliResult {
    let io = |e: std::io::Error| {
        CliError::new(Exit::Error, anyhow::anyhow!("writing man pages to {}: {e}", a.dir.display()))
    };
    std::fs::create_dir_all(&a.dir).map_err(io)?;
    // The commit and date of `--version` would make every commit's pages
    // differ; the pages say the crate version only.
    let cmd = cmd.version(env!("CARGO_PKG_VERSION")).long_version(None::<&str>);
    let mut pages = vec![("rvmctl".to_string(), cmd.clone())];
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        pages.push((format!("rvmctl-{}", sub.get_name()), sub.clone().name(format!("rvmctl-{}", sub.get_name()))));
        for subsub in sub.get_subcommands() {
            let name = format!("rvmctl-{}-{}", sub.get_name(), subsub.get_name());
            pages.push((name.clone(), subsub.clone().name(name)));
        }
    }
    for (name, page) in pages {
        let mut buf = Vec::new();
        clap_mangen::Man::new(page).render(&mut buf).map_err(io)?;
        std::fs::write(a.dir.join(format!("{name}.1")), buf).map_err(io)?;
    }
    Ok(Exit::Ok)
}
