use clap::Subcommand;
use serde::Serialize;

use super::common::{self, EnvArg};
use super::global::GlobalArgs;
use crate::config::LoadError;
use crate::exit::{CliError, CliResult, Exit};
use crate::ui::{OutputFormat, Printer};

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Check the config; every problem is reported with file, line and column
    #[command(after_help = "Examples:
  rvmctl config validate
  rvmctl -f ./deploy/prod.yaml config validate -o json")]
    Validate,
    /// Show the fully resolved config (defaults applied, secrets redacted)
    #[command(after_help = "Examples:
  rvmctl config view
  rvmctl config view -e production -o json")]
    View {
        #[command(flatten)]
        env: EnvArg,
    },
    /// Print the JSON Schema of deployment-config.yaml (for editors)
    Schema,
}

#[derive(Serialize)]
struct ValidateView {
    file: String,
    valid: bool,
    environments: usize,
    targets: usize,
    hosts: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    issues: Vec<crate::config::diagnostic::Issue>,
}

pub async fn run(g: &GlobalArgs, p: &Printer, c: ConfigCommand) -> CliResult {
    match c {
        ConfigCommand::Validate => validate(g, p),
        ConfigCommand::View { env } => {
            let cfg = common::load(g, p)?;
            let names = match env.env {
                Some(e) => vec![e],
                None => cfg.env_names(),
            };
            let mut envs = Vec::new();
            for n in names {
                envs.push(cfg.environment(&n).map_err(|e| CliError::new(Exit::Usage, e))?);
            }
            let view = serde_json::json!({
                "apiVersion": cfg.raw.api_version,
                "project": cfg.raw.project,
                "global": redact(serde_json::to_value(&cfg.raw.global).unwrap_or_default()),
                "environments": redact(serde_json::to_value(&envs).unwrap_or_default()),
            });
            let human = matches!(p.format, OutputFormat::Table | OutputFormat::Wide);
            let p2 = if human { Printer { format: OutputFormat::Yaml, ..p.clone() } } else { p.clone() };
            p2.emit(&view, |_| String::new())?;
            Ok(Exit::Ok)
        }
        ConfigCommand::Schema => {
            let p2 = Printer { format: OutputFormat::Json, ..p.clone() };
            p2.emit(crate::config::schema::json_schema(), |_| String::new())?;
            Ok(Exit::Ok)
        }
    }
}

fn validate(g: &GlobalArgs, p: &Printer) -> CliResult {
    let file = g.config.display().to_string();
    match crate::config::load(&g.config) {
        Ok(cfg) => {
            let envs: Vec<_> = cfg.env_names().iter().filter_map(|n| cfg.environment(n).ok()).collect();
            let view = ValidateView {
                file,
                valid: true,
                environments: envs.len(),
                targets: envs.iter().map(|e| e.targets.len()).sum(),
                hosts: envs.iter().flat_map(|e| &e.targets).map(|t| t.hosts.len()).sum(),
                issues: Vec::new(),
            };
            p.emit(&view, |_| {
                format!(
                    "{}: valid ({} environments, {} targets, {} hosts)\n",
                    view.file, view.environments, view.targets, view.hosts
                )
            })?;
            Ok(Exit::Ok)
        }
        Err(LoadError::Invalid(e)) => {
            if matches!(p.format, OutputFormat::Json | OutputFormat::Yaml) {
                let view = ValidateView {
                    file,
                    valid: false,
                    environments: 0,
                    targets: 0,
                    hosts: 0,
                    issues: e.issues.clone(),
                };
                p.emit(&view, |_| String::new())?;
                return Ok(Exit::Usage);
            }
            Err(CliError { exit: Exit::Usage, rendered: Some(e.render(p.color)), error: e.into() })
        }
        Err(e) => Err(CliError::new(Exit::Usage, e)),
    }
}

/// Hides credentials in URLs (`user:pass@`, token-like query values).
pub fn redact(mut v: serde_json::Value) -> serde_json::Value {
    crate::notify::redact_value(&mut v);
    v
}
