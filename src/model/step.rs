//! What a step is: one side-effecting action on one unit. `plan` decides the
//! steps; `drivers` carry them out; `rollout` orders them; `ui` shows them.

use serde::{Deserialize, Serialize};

use super::color::Color;
use super::duration::Duration;
use super::wire::wire_name;

/// One side-effecting step on one unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    AcquireLock,
    /// Put the release into the inactive slot (skipped when already there).
    Stage {
        color: Color,
        version: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sha256: Option<String>,
        reuse: bool,
    },
    /// kubernetes: wait until the new color's Deployment is really ready.
    WaitReady {
        color: Color,
    },
    /// A quality gate run in the new color's slot before its services start.
    PreDeploy {
        name: String,
        color: Color,
    },
    StartService {
        name: String,
        color: Color,
    },
    HealthCheck {
        name: String,
        index: usize,
        color: Color,
    },
    /// kubernetes canary: replica counts set the traffic share of `color`
    /// while the Service selects both colors (replica-weighted, not request-exact).
    Canary {
        color: Color,
        percent: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pause: Option<String>,
    },
    /// The atomic switch of the live pointer / Service selector.
    Switch {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<Color>,
        to: Color,
    },
    /// Watch the new live color's health checks for `duration`; fail after
    /// `max_failures` consecutive failed probes (the target's
    /// `health_check_failures`, carried by the plan so a saved plan applies
    /// what it showed).
    Monitor {
        duration: Duration,
        color: Color,
        max_failures: u32,
        /// The analyses watched with the health checks (the app's `analysis:`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        analyses: Vec<String>,
    },
    StopPrevious {
        color: Color,
    },
    /// Slot hosts: the app's `config_files` from `color`'s release go in
    /// place (what was there is backed up first, once per release).
    InstallConfig {
        color: Color,
        /// The color live before (whose config the backup holds).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<Color>,
    },
    /// Puts back the config files as they were before `color`'s release
    /// installed its own (a rollback, after the switch back).
    RestoreConfig {
        color: Color,
        /// The color going live again: the backup is restored when it was
        /// taken while `to` was live, otherwise `to`'s release installs its own.
        to: Color,
    },
    /// One phase of the app's migrations, run from `color`'s slot; once per
    /// release and target, before any of its units switches (down: when
    /// the release is rolled back).
    Migrate {
        phase: MigrationPhase,
        color: Color,
        /// The release whose migrations these are (for `down` in a
        /// rollback: the release being left, not the one returned to).
        version: String,
    },
    ReleaseLock,
}

/// The phases of an app's `migrations:`, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MigrationPhase {
    Backup,
    DryRun,
    Run,
    Down,
}

impl MigrationPhase {
    pub fn word(self) -> &'static str {
        match self {
            MigrationPhase::Backup => "backup",
            MigrationPhase::DryRun => "dry run",
            MigrationPhase::Run => "run",
            MigrationPhase::Down => "down",
        }
    }
}

impl Step {
    /// A Kubernetes canary step with `pause: manual`: the run stops after it.
    pub fn pauses(&self) -> bool {
        matches!(self, Step::Canary { pause: Some(p), .. } if p == "manual")
    }
    pub fn label(&self) -> String {
        match self {
            Step::AcquireLock => "acquire lock".into(),
            Step::Stage { color, version, reuse: true, .. } => {
                format!("stage {version} into {color} (already staged, reuse)")
            }
            Step::Stage { color, version, .. } => format!("stage {version} into {color}"),
            Step::WaitReady { color } => format!("wait until {color} is ready"),
            Step::PreDeploy { name, color } => format!("pre-deploy check {name} ({color})"),
            Step::StartService { name, color } => format!("start {name} ({color})"),
            Step::HealthCheck { name, color, .. } => format!("health check {name} ({color})"),
            Step::Canary { color, percent, .. } => format!("canary: {percent}% of replicas on {color}"),
            Step::Switch { from: Some(f), to } => format!("switch live {f} → {to}"),
            Step::Switch { from: None, to } => format!("switch live → {to}"),
            Step::Monitor { duration, color, analyses, .. } if !analyses.is_empty() => {
                format!("monitor {color} for {duration} with analysis {}", analyses.join(", "))
            }
            Step::Monitor { duration, color, .. } => format!("monitor {color} for {duration}"),
            Step::StopPrevious { color } => format!("stop {color}"),
            Step::InstallConfig { color, .. } => format!("install config files of {color}"),
            Step::RestoreConfig { color, to } => format!("put back {to}'s config files (from before {color})"),
            Step::Migrate { phase, color, version } => format!("migration {} of {version} ({color})", phase.word()),
            Step::ReleaseLock => "release lock".into(),
        }
    }

    /// Steps up to and including this one run before traffic moves.
    pub fn is_switch(&self) -> bool {
        matches!(self, Step::Switch { .. })
    }

    /// The step kind as written in plan JSON (`stage`, `switch`, …); a
    /// migration's is `migrate_<phase>` (`migrate_run`), so each phase is
    /// its own fault point.
    pub fn kind(&self) -> String {
        if let Step::Migrate { phase, .. } = self {
            return format!("migrate_{}", wire_name(phase));
        }
        // Steps serialize as {"step": "<kind>", …}; the kind is the tag.
        serde_json::to_value(self).ok().and_then(|v| v.get("step").map(wire_name)).unwrap_or_default()
    }
}
