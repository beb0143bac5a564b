//! `rvmctl version`: the version, commit, build date and target, for people
//! (`-o table`) and scripts (`-o json|yaml`).

use clap::Args;

use crate::exit::{CliResult, Exit};
use crate::identity::BUILD;
use crate::ui::Printer;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rvmctl version                      0.1.0 (1a2b3c4 2026-12-02)
  rvmctl version -o json | jq -r .commit

`rvmctl --version` prints the same line. The commit is `unknown` for a build
without git metadata; the build date is SOURCE_DATE_EPOCH when the build set it.")]
pub struct VersionArgs {}

pub fn run(p: &Printer, _a: VersionArgs) -> CliResult {
    p.emit(&BUILD, |_| format!("rvmctl {}\n", BUILD.line()))?;
    Ok(Exit::Ok)
}
