//! Shell completion, two ways: `rvmctl completion SHELL` prints a static
//! script (what `make completions` commits), and `COMPLETE=SHELL rvmctl`
//! prints a script that calls rvmctl back at every TAB, so environment and
//! host names come from the config the command line would use.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::Args;
use clap_complete::Shell;
use clap_complete::engine::CompletionCandidate;

use super::global::{CONFIG_ENV, DEFAULT_CONFIG};
use crate::exit::{CliResult, Exit};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  rvmctl completion bash > /etc/bash_completion.d/rvmctl
  rvmctl completion zsh > \"${fpath[1]}/_rvmctl\"
  rvmctl completion fish > ~/.config/fish/completions/rvmctl.fish

These scripts complete commands and flags. To also complete environment and
host names from the config (`-e <TAB>`, `--hosts <TAB>`), load the dynamic
script instead, e.g. in ~/.bashrc:
  source <(COMPLETE=bash rvmctl)")]
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

/// The variable that turns a run into a completion request.
const COMPLETE_VAR: &str = "COMPLETE";

/// Answers a completion request (`COMPLETE=<shell> rvmctl [-- words…]`) and
/// exits; returns at once otherwise. Completing never prints anything but
/// candidates: a panic while reading the config is silenced, and yields none.
pub fn complete_if_asked(factory: fn() -> clap::Command) {
    if std::env::var_os(COMPLETE_VAR).is_none_or(|v| v.is_empty() || v == "0") {
        return;
    }
    std::panic::set_hook(Box::new(|_| {}));
    clap_complete::CompleteEnv::with_factory(factory).var(COMPLETE_VAR).complete();
}

/// The environments of the config, with their descriptions (shown by fish
/// and zsh).
pub fn environments() -> Vec<CompletionCandidate> {
    quietly(|| {
        let line = Line::from_args();
        let Some(cfg) = line.config() else { return Vec::new() };
        cfg.raw
            .environments
            .iter()
            .map(|(name, env)| CompletionCandidate::new(name).help(env.description.clone().map(Into::into)))
            .collect()
    })
}

/// The hosts of the environment named on the line (`-e`, `RVMCTL_ENV`), or
/// of every environment when none is; inline and from inventories alike.
pub fn hosts() -> Vec<CompletionCandidate> {
    quietly(|| {
        let line = Line::from_args();
        let Some(cfg) = line.config() else { return Vec::new() };
        let envs = match &line.env {
            Some(e) if cfg.raw.environments.contains_key(e) => vec![e.clone()],
            _ => cfg.env_names(),
        };
        // In the config's order, each once (a fleet may list thousands).
        let mut seen: std::collections::HashSet<String> = line.hosts_given.iter().cloned().collect();
        let mut out = Vec::new();
        for env in envs.iter().filter_map(|e| cfg.environment(e).ok()) {
            for t in env.targets.iter().filter(|t| t.kind != crate::config::schema::TargetKind::Kubernetes) {
                for h in &t.hosts {
                    if seen.insert(h.name.clone()) {
                        out.push(CompletionCandidate::new(&h.name));
                    }
                }
            }
        }
        out
    })
}

/// Runs a candidate function; whatever goes wrong in it means no candidates.
fn quietly(f: impl FnOnce() -> Vec<CompletionCandidate> + std::panic::UnwindSafe) -> Vec<CompletionCandidate> {
    std::panic::catch_unwind(f).unwrap_or_default()
}

/// What the command line being completed says about where to look: the
/// engine hands candidate functions nothing but the word under the cursor,
/// so `-f` and `-e` are read from the words the shell passed (after `--`).
#[derive(Debug, Default, PartialEq)]
struct Line {
    config: Option<PathBuf>,
    env: Option<String>,
    /// Hosts a `--hosts` value already lists before its last comma: not
    /// offered again.
    hosts_given: Vec<String>,
}

impl Line {
    fn from_args() -> Self {
        let args: Vec<OsString> = std::env::args_os().collect();
        // After `--`: the program's name, then the words typed.
        let words = args.iter().position(|a| a == "--").and_then(|i| args.get(i + 2..)).unwrap_or_default();
        let words: Vec<String> = words.iter().map(|w| w.to_string_lossy().into_owned()).collect();
        let mut line = Line::parse(&words);
        line.config = line.config.or_else(|| std::env::var_os(CONFIG_ENV).filter(|v| !v.is_empty()).map(PathBuf::from));
        line.env = line.env.or_else(|| std::env::var("RVMCTL_ENV").ok().filter(|v| !v.is_empty()));
        line
    }

    /// `-f X`, `-fX`, `--config X`, `--config=X` and the same for `-e`/`--env`;
    /// the last one wins, as when parsing. Nothing after a bare `--`.
    fn parse(words: &[String]) -> Self {
        let mut line = Line::default();
        let mut it = words.iter();
        while let Some(w) = it.next() {
            if w == "--" {
                break;
            }
            let (flag, inline) = match w.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f, Some(v)),
                _ if !w.starts_with("--") && w.len() > 2 && (w.starts_with("-f") || w.starts_with("-e")) => {
                    w.split_at_checked(2).map_or((w.as_str(), None), |(f, v)| (f, Some(v)))
                }
                _ => (w.as_str(), None),
            };
            if !matches!(flag, "-f" | "--config" | "-e" | "--env" | "--hosts") {
                continue;
            }
            let Some(value) = inline.or_else(|| it.next().map(String::as_str)) else { break };
            match flag {
                "-f" | "--config" => line.config = Some(PathBuf::from(value)),
                "--hosts" => {
                    if let Some((done, _typing)) = value.rsplit_once(',') {
                        line.hosts_given.extend(done.split(',').map(str::to_string));
                    }
                }
                _ => line.env = Some(value.to_string()),
            }
        }
        line
    }

    /// The loaded config, or nothing when it cannot be read or is invalid.
    fn config(&self) -> Option<crate::config::Config> {
        let path = self.config.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG));
        crate::config::load(&path).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::Line;

    fn parse(line: &str) -> (Option<String>, Option<String>) {
        let l = Line::parse(&words(line));
        (l.config.map(|p| p.display().to_string()), l.env)
    }

    fn words(line: &str) -> Vec<String> {
        line.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn reads_the_config_and_environment_from_the_line() {
        assert_eq!(parse("deploy -e "), (None, Some(String::new())));
        assert_eq!(parse("-f a.yaml deploy --hosts "), (Some("a.yaml".into()), None));
        assert_eq!(parse("deploy -fa.yaml -eprod --hosts "), (Some("a.yaml".into()), Some("prod".into())));
        assert_eq!(
            parse("deploy --config=b.yaml --env=staging --hosts x"),
            (Some("b.yaml".into()), Some("staging".into()))
        );
        assert_eq!(parse("deploy --config b.yaml -f c.yaml --env"), (Some("c.yaml".into()), None));
        assert_eq!(parse("deploy -- -f a.yaml"), (None, None));
        assert_eq!(parse("deploy --everything -e prod"), (None, Some("prod".into())));
    }

    #[test]
    fn hosts_already_listed_are_remembered_but_not_the_one_being_typed() {
        assert_eq!(Line::parse(&words("deploy --hosts a,b,c")).hosts_given, ["a", "b"]);
        assert_eq!(Line::parse(&words("deploy --hosts=a,")).hosts_given, ["a"]);
        assert!(Line::parse(&words("deploy --hosts a")).hosts_given.is_empty());
    }
}
