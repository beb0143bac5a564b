//! Inheritance: built-in defaults ← `defaults` ← environment ← target.
//! The result is concrete: every setting has a value, paths are absolute.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Serialize;

use super::schema::{
    Analysis, App, ConfigFile, DeploymentWindow, Environment, HostSpec, Pause, Settings, SshOptions, Strategy, Target,
    TargetKind,
};
use super::types::{ByteSize, Duration, Percent};

/// Settings with every value filled in.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Effective {
    pub strategy: Strategy,
    pub timeout: Duration,
    pub retry_attempts: u32,
    pub auto_rollback: bool,
    pub keep_previous: bool,
    pub post_switch_monitor: Duration,
    pub max_failure_rate: Percent,
    pub health_check_failures: u32,
    pub count_unreachable: bool,
    pub max_concurrency: u32,
    pub batch_size: u32,
    pub canary_steps: Vec<Percent>,
    pub canary_pause: Pause,
    /// `strategy: rolling`: the pause after each wave but the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pause_between_waves: Option<Pause>,
    pub min_free_disk: ByteSize,
}

impl Default for Effective {
    fn default() -> Self {
        Effective {
            strategy: Strategy::BlueGreen,
            timeout: Duration::from_secs(300),
            retry_attempts: 3,
            auto_rollback: true,
            keep_previous: true,
            post_switch_monitor: Duration::from_secs(30),
            max_failure_rate: Percent(10.0),
            health_check_failures: 3,
            count_unreachable: false,
            max_concurrency: 10,
            batch_size: 1,
            canary_steps: vec![Percent(10.0), Percent(50.0), Percent(100.0)],
            canary_pause: Pause::For(Duration::from_secs(60)),
            pause_between_waves: None,
            min_free_disk: ByteSize(100 << 20),
        }
    }
}

impl Effective {
    fn apply(mut self, s: &Settings) -> Self {
        macro_rules! take {
            ($($f:ident),*) => { $( if let Some(v) = s.$f.clone() { self.$f = v; } )* };
        }
        take!(
            strategy,
            timeout,
            retry_attempts,
            auto_rollback,
            keep_previous,
            post_switch_monitor,
            max_concurrency,
            batch_size,
            min_free_disk
        );
        if let Some(rc) = &s.rollback_criteria {
            if let Some(v) = rc.max_failure_rate {
                self.max_failure_rate = v;
            }
            if let Some(v) = rc.health_check_failures {
                self.health_check_failures = v;
            }
            if let Some(v) = rc.count_unreachable {
                self.count_unreachable = v;
            }
        }
        if let Some(p) = &s.pause_between_waves {
            self.pause_between_waves = Some(p.clone());
        }
        if let Some(c) = &s.canary {
            self.canary_steps = c.steps.clone();
            if let Some(p) = &c.pause {
                self.canary_pause = p.clone();
            }
        }
        self
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ResolvedEnv {
    pub name: String,
    pub description: Option<String>,
    pub approval_required: bool,
    pub auto_approve: bool,
    pub approvers: Vec<String>,
    pub deployment_window: Option<DeploymentWindow>,
    pub targets: Vec<ResolvedTarget>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResolvedTarget {
    pub name: String,
    pub kind: TargetKind,
    pub app_name: String,
    pub app: App,
    pub settings: Effective,
    /// Hosts after inventory loading and selector filtering.
    pub hosts: Vec<HostSpec>,
    /// kind: local — absolute folder holding one sub-folder per host.
    pub root: Option<PathBuf>,
    pub ssh: SshOptions,
    pub context: Option<String>,
    pub namespace: Option<String>,
    /// The analyses the app names, with their names, in its order.
    pub analysis: Vec<(String, Analysis)>,
    /// Targets of the environment this one starts after.
    pub after: Vec<String>,
    /// The rollback group this target belongs to (`rollback: together`
    /// or `groups:`): its members come back together.
    pub rollback_group: Option<String>,
}

/// The loaded, validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub file: PathBuf,
    pub raw: ConfigFile,
    /// Hosts per (environment, target) loaded from inventory files.
    pub inventories: IndexMap<(String, String), Vec<HostSpec>>,
}

impl Config {
    /// The folder relative paths in the config are resolved against.
    pub fn dir(&self) -> &Path {
        self.file.parent().unwrap_or(Path::new("."))
    }

    pub fn project(&self) -> &str {
        &self.raw.project
    }

    pub fn env_names(&self) -> Vec<String> {
        self.raw.environments.keys().cloned().collect()
    }

    /// Makes `p` absolute relative to the config file (and expands `~`).
    pub fn path(&self, p: &str) -> PathBuf {
        let expanded = expand_home(p);
        if expanded.is_absolute() {
            expanded
        } else {
            let joined = self.dir().join(expanded);
            std::path::absolute(&joined).unwrap_or(joined)
        }
    }

    pub fn environment(&self, name: &str) -> Result<ResolvedEnv, UnknownEnvironment> {
        let env = self.raw.environments.get(name).ok_or_else(|| UnknownEnvironment {
            name: name.to_string(),
            suggestion: super::diagnostic::did_you_mean(name, self.raw.environments.keys().map(String::as_str))
                .map(str::to_string),
            known: self.env_names(),
        })?;
        Ok(self.resolve_env(name, env))
    }

    fn resolve_env(&self, name: &str, env: &Environment) -> ResolvedEnv {
        let base = Effective::default().apply(&self.raw.defaults).apply(&env.settings);
        ResolvedEnv {
            name: name.to_string(),
            description: env.description.clone(),
            approval_required: env.approval_required,
            auto_approve: env.auto_approve,
            approvers: env.approvers.clone(),
            deployment_window: env.deployment_window.clone(),
            targets: env
                .targets
                .iter()
                .map(|t| ResolvedTarget {
                    rollback_group: env.rollback.as_ref().and_then(|r| r.group_of(name, &t.name)),
                    ..self.resolve_target(name, t, &base)
                })
                .collect(),
        }
    }

    /// The hosts of target `t` of environment `env`: inline, then from its
    /// inventory, those its selector matches.
    pub fn target_hosts(&self, env: &str, t: &Target) -> Vec<HostSpec> {
        let mut hosts: Vec<HostSpec> = t.hosts.iter().map(|h| h.spec()).collect();
        if let Some(inv) = self.inventories.get(&(env.to_string(), t.name.clone())) {
            hosts.extend(inv.iter().cloned());
        }
        if !t.selector.is_empty() {
            hosts.retain(|h| t.selector.iter().all(|(k, v)| h.labels.get(k) == Some(v)));
        }
        hosts
    }

    fn resolve_target(&self, env: &str, t: &Target, base: &Effective) -> ResolvedTarget {
        let hosts = self.target_hosts(env, t);
        let root = match t.kind {
            TargetKind::Local => Some(self.path(t.root.as_deref().unwrap_or("./.rvmctl/sandbox"))),
            _ => None,
        };
        let app = self.raw.apps.get(&t.app).cloned().unwrap_or_default();
        let settings = base.clone().apply(&t.settings);
        // The app's analyses, and those a canary pause or the pause between
        // rolling waves watches; validation refused names that do not exist.
        let mut names: Vec<&String> = app.analysis.iter().collect();
        for pause in [Some(&settings.canary_pause), settings.pause_between_waves.as_ref()] {
            if let Some(Pause::Analysis(a)) = pause {
                if !names.contains(&&a.analysis) {
                    names.push(&a.analysis);
                }
            }
        }
        let analysis =
            names.into_iter().filter_map(|n| self.raw.analysis.get(n).map(|a| (n.clone(), a.clone()))).collect();
        ResolvedTarget {
            name: t.name.clone(),
            kind: t.kind,
            app_name: t.app.clone(),
            app,
            analysis,
            after: t.after.clone(),
            rollback_group: None,
            settings,
            hosts,
            root,
            ssh: t.ssh.clone().unwrap_or_default(),
            context: t.context.clone(),
            namespace: t.namespace.clone(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown environment '{name}'{}; known environments: {}", .suggestion.as_ref().map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default(), .known.join(", "))]
pub struct UnknownEnvironment {
    pub name: String,
    pub suggestion: Option<String>,
    pub known: Vec<String>,
}

pub fn expand_home(p: &str) -> PathBuf {
    match p.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default().join(rest),
        None => PathBuf::from(p),
    }
}
