//! `rvmctl releases`: the repository's GitHub Releases by semantic version.

use clap::Args;

use super::common;
use super::global::GlobalArgs;
use crate::config::schema::GithubConfig;
use crate::exit::{CliError, CliResult, Exit};
use crate::github::GithubError;
use crate::ui::Printer;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rvmctl releases                              releases of global.github.repository
  rvmctl releases --limit 5
  rvmctl releases --repo acme/rvm-edge -o json | jq -r .latest
  GITHUB_API_URL=https://ghe.example.com/api/v3 rvmctl releases

`latest` is the newest release by semantic version (tags v1.2.3 or 1.2.3) that
is neither a draft nor a prerelease; `rvmctl deploy --version latest` deploys it.
The token is read from the variable named by global.github.token_env
(default GITHUB_TOKEN).")]
pub struct ReleasesArgs {
    /// Repository as owner/name (default: global.github.repository)
    #[arg(long)]
    pub repo: Option<String>,
    /// Show only the N newest
    #[arg(long)]
    pub limit: Option<usize>,
}

pub async fn run(g: &GlobalArgs, p: &Printer, a: ReleasesArgs) -> CliResult {
    let gh = match a.repo {
        // --repo works without a config file; the config still names the token variable.
        Some(repo) => {
            let token_env =
                if g.config.exists() { common::load(g, p)?.raw.global.github.map(|gh| gh.token_env) } else { None };
            GithubConfig {
                repository: repo,
                token_env: token_env.unwrap_or_else(|| "GITHUB_TOKEN".into()),
                deployments: false,
            }
        }
        None => common::load(g, p)?
            .raw
            .global
            .github
            .ok_or(GithubError::NotConfigured { what: "`rvmctl releases` (or pass --repo owner/name)" })?,
    };
    let client = crate::github::Client::from_config(&gh)?;
    let list = client.releases().await?;
    let view = crate::github::views::releases_view(&client.repo.to_string(), &list, a.limit);
    p.emit(&view, |p| crate::ui::github::releases(p, &view))?;
    Ok(Exit::Ok)
}

impl From<GithubError> for CliError {
    fn from(e: GithubError) -> Self {
        CliError::new(if e.is_usage() { Exit::Usage } else { Exit::Error }, e)
    }
}
