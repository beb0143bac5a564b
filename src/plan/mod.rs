//! The plan engine: desired state (resolved environment + version) and
//! observed state (per unit) in, an ordered, explainable plan out. Pure: no
//! I/O, the clock is a parameter, so every decision is unit-testable.

pub mod file;
pub mod promotion;

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::config::schema::{Strategy, TargetKind};
use crate::config::{ResolvedEnv, ResolvedTarget, TemplateScope};
use crate::gates::{GateDecision, evaluate_gates};
use crate::model::{Color, ObservedTarget, SlotStatus, Step, UnitState, digest};

/// 2: monitor steps carry `max_failures` (the target's `health_check_failures`).
pub const PLAN_SCHEMA_VERSION: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitAction {
    Deploy,
    /// Already live at the requested version and healthy.
    Noop,
    /// Could not be observed: reported failed at apply.
    Unreachable,
    /// Cannot be done (e.g. nothing to roll back to); `reason` says why.
    Blocked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanKind {
    Deploy,
    Rollback,
    /// Return units touched by an interrupted run to their pre-run color.
    Abort,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitPlan {
    pub unit: String,
    pub action: UnitAction,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<Color>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Color>,
    /// The version this unit ends up on (rollbacks: the previous color's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Revision number the history entry of this run gets.
    pub next_revision: u64,
    pub steps: Vec<Step>,
    /// Held by someone else when the plan was made (apply will refuse).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked_by: Option<String>,
    /// kubernetes: the objects this unit's deploy creates or patches, as a readable diff.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
}

impl UnitPlan {
    /// This unit runs its target's migrations (the plan gave them to it).
    pub fn runs_migrations(&self) -> bool {
        self.steps.iter().any(|s| matches!(s, Step::Migrate { .. }))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wave {
    pub units: Vec<String>,
    /// blue_green: every unit of the wave is staged and healthy before any switches.
    pub switch_together: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetPlan {
    pub target: String,
    pub kind: TargetKind,
    pub app: String,
    pub strategy: Strategy,
    pub max_concurrency: u32,
    pub auto_rollback: bool,
    pub max_failure_rate: f64,
    /// Unreachable units count against `max_failure_rate` (default: they
    /// are pending and do not).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub count_unreachable: bool,
    /// Targets that must succeed before this one starts (`after:`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    /// Its rollback group: when a member fails, every member this run
    /// switched goes back too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback_group: Option<String>,
    /// Its migrations ran already for this version (an interrupted or
    /// partly pending run of the same release): not run again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub migrated: bool,
    pub units: Vec<UnitPlan>,
    pub waves: Vec<Wave>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub schema_version: u32,
    pub kind: PlanKind,
    pub project: String,
    pub environment: String,
    pub version: String,
    pub created_at: Timestamp,
    pub created_by: String,
    pub gates: Vec<GateDecision>,
    pub targets: Vec<TargetPlan>,
    /// Digest of the observed state the plan was computed from.
    pub observed_fingerprint: String,
    /// Digest of everything above; `apply` refuses a file whose hash does not match.
    pub hash: String,
}

impl Plan {
    pub fn is_noop(&self) -> bool {
        self.targets.iter().all(|t| t.units.iter().all(|u| u.action == UnitAction::Noop))
    }

    pub fn compute_hash(&self) -> String {
        let mut copy = self.clone();
        copy.hash = String::new();
        digest(&serde_json::to_vec(&copy).unwrap_or_default())
    }

    pub fn short_hash(&self) -> &str {
        &self.hash[..self.hash.len().min(12)]
    }
}

/// Digest of the parts of the observed state a plan depends on.
pub fn fingerprint(observed: &[ObservedTarget]) -> String {
    let mut parts: BTreeMap<String, String> = BTreeMap::new();
    for t in observed {
        for u in &t.units {
            let slot = |c: Color| {
                u.slot(c)
                    .map(|s| format!("{}:{:?}:{}", s.version, s.status, s.sha256.as_deref().unwrap_or("")))
                    .unwrap_or_default()
            };
            parts.insert(
                format!("{}/{}", t.target, u.unit),
                format!("{:?}|{}|{}|{}", u.live, slot(Color::Blue), slot(Color::Green), u.error.is_some()),
            );
        }
        parts.insert(format!("{}#artifact", t.target), t.artifact_sha256.clone().unwrap_or_default());
        for (unit, d) in &t.details {
            if let Some(g) = &d.guard {
                parts.insert(format!("{}/{unit}#guard", t.target), g.clone());
            }
        }
    }
    digest(&serde_json::to_vec(&parts).unwrap_or_default())
}

pub struct PlanRequest<'a> {
    pub project: &'a str,
    pub env: &'a ResolvedEnv,
    pub version: &'a str,
    pub observed: &'a [ObservedTarget],
    pub now: Timestamp,
    pub user: &'a str,
}

/// Computes the plan. Targets are listed in the order they start: after
/// the targets they name in `after:`, otherwise as the config lists them.
pub fn compute(req: &PlanRequest) -> Plan {
    let targets = in_start_order(req.env)
        .into_iter()
        .map(|t| {
            let obs = req.observed.iter().find(|o| o.target == t.name);
            let (after, rollback_group) = ordering(req.env, t);
            TargetPlan { after, rollback_group, ..plan_target(t, obs, req.version) }
        })
        .collect();
    assemble(req, PlanKind::Deploy, targets)
}

/// The environment's targets, each after the ones it names in `after:`
/// (validation refused cycles; names not in the environment, e.g. left out
/// by `--hosts`, do not order anything).
fn in_start_order(env: &ResolvedEnv) -> Vec<&ResolvedTarget> {
    let nodes: Vec<(String, Vec<String>)> = env.targets.iter().map(|t| (t.name.clone(), t.after.clone())).collect();
    in_order(env, &nodes)
}

/// The targets ordered so each comes after its `nodes` dependencies; ties
/// in declaration order.
fn in_order<'e>(env: &'e ResolvedEnv, nodes: &[(String, Vec<String>)]) -> Vec<&'e ResolvedTarget> {
    let order = crate::config::topo::order(nodes).unwrap_or_else(|_| nodes.iter().map(|(n, _)| n.clone()).collect());
    order.iter().filter_map(|n| env.targets.iter().find(|t| &t.name == n)).collect()
}

/// The ordering and grouping a target plan carries: `after:` names of
/// targets in the environment, and its rollback group.
fn ordering(env: &ResolvedEnv, t: &ResolvedTarget) -> (Vec<String>, Option<String>) {
    let after = t.after.iter().filter(|a| env.targets.iter().any(|o| &o.name == *a)).cloned().collect();
    (after, t.rollback_group.clone())
}

fn plan_target(t: &ResolvedTarget, obs: Option<&ObservedTarget>, version: &str) -> TargetPlan {
    let empty = Vec::new();
    let units_obs = obs.map(|o| &o.units).unwrap_or(&empty);
    let sha = obs.and_then(|o| o.artifact_sha256.clone());
    let mut units: Vec<UnitPlan> = units_obs
        .iter()
        .map(|u| {
            let mut p = plan_unit(t, u, version, sha.clone());
            if p.action == UnitAction::Deploy {
                p.changes = obs.and_then(|o| o.details.get(&u.unit)).map(|d| d.changes.clone()).unwrap_or_default();
            }
            p
        })
        .collect();
    let deploy: Vec<String> = units.iter().filter(|u| u.action == UnitAction::Deploy).map(|u| u.unit.clone()).collect();
    let waves = waves_of(t, &deploy, units.iter().filter(|u| u.action == UnitAction::Noop).count());
    let migrated = t.app.migrations.is_some() && units_obs.iter().any(|u| migrated_to(u, version));
    if let (Some(m), false) = (&t.app.migrations, migrated) {
        add_migrations(m, version, &waves, &mut units);
    }
    TargetPlan {
        target: t.name.clone(),
        kind: t.kind,
        app: t.app_name.clone(),
        strategy: t.settings.strategy,
        max_concurrency: t.settings.max_concurrency.max(1),
        auto_rollback: t.settings.auto_rollback,
        max_failure_rate: t.settings.max_failure_rate.fraction(),
        count_unreachable: t.settings.count_unreachable,
        after: Vec::new(),
        rollback_group: None,
        migrated,
        waves,
        units,
    }
}

/// An app with `config_files` (slot hosts) or `config_maps` (Kubernetes):
/// a release installs them when it goes live and a rollback puts back what
/// was there.
fn has_config_files(t: &ResolvedTarget) -> bool {
    match t.kind {
        TargetKind::Kubernetes => !t.app.config_maps.is_empty(),
        _ => !t.app.config_files.is_empty(),
    }
}

/// This unit records that the release's migrations ran on its target: its
/// journal (an interrupted run of `version`) or its last deploy.
fn migrated_to(u: &UnitState, version: &str) -> bool {
    u.journal.as_ref().is_some_and(|j| j.version == version && j.migrated)
        || u.last
            .as_ref()
            .is_some_and(|l| l.action == crate::model::HistoryAction::Deploy && l.version == version && l.migrated)
}

/// The target's migrations run once, on the first unit of the first wave
/// that switches, after its checks and before anything moves traffic (a
/// canary step or the switch); the executor runs that unit's part first.
fn add_migrations(m: &crate::config::schema::Migrations, version: &str, waves: &[Wave], units: &mut [UnitPlan]) {
    use crate::model::MigrationPhase;
    let first = waves
        .iter()
        .flat_map(|w| &w.units)
        .find(|n| units.iter().any(|u| &u.unit == *n && u.steps.iter().any(Step::is_switch)));
    let Some(u) = first.cloned().and_then(|n| units.iter_mut().find(|u| u.unit == n)) else { return };
    let Some(at) = u.steps.iter().position(|s| s.is_switch() || matches!(s, Step::Canary { .. })) else { return };
    let color = u.to.unwrap_or(Color::Blue);
    let phases = [
        (MigrationPhase::Backup, m.backup.is_some()),
        (MigrationPhase::DryRun, m.dry_run.is_some()),
        (MigrationPhase::Run, true),
    ];
    let steps = phases.into_iter().filter(|(_, on)| *on).map(|(phase, _)| Step::Migrate {
        phase,
        color,
        version: version.to_string(),
    });
    u.steps.splice(at..at, steps);
    u.reason.push_str("; runs the target's migrations first");
}

/// Splits the units to deploy into waves according to the strategy.
pub fn waves(t: &ResolvedTarget, deploy: &[String]) -> Vec<Wave> {
    waves_of(t, deploy, 0)
}

/// Like [`waves`], when `done` more units of the target are already live on
/// the version: canary percentages count the whole fleet, so a re-run or
/// `rvmctl promote` after a paused canary step continues with the next step
/// instead of starting the ramp again.
pub fn waves_of(t: &ResolvedTarget, deploy: &[String], done: usize) -> Vec<Wave> {
    if deploy.is_empty() {
        return Vec::new();
    }
    let s = &t.settings;
    let wave = |units: &[String], together: bool, pause: Option<String>| Wave {
        units: units.to_vec(),
        switch_together: together,
        pause_after: pause,
    };
    match s.strategy {
        Strategy::BlueGreen => vec![wave(deploy, true, None)],
        Strategy::Immediate => vec![wave(deploy, false, None)],
        Strategy::Rolling => {
            let n = (s.batch_size.max(1)) as usize;
            let pause = s.pause_between_waves.as_ref().map(|p| p.label());
            let mut out: Vec<Wave> = deploy.chunks(n).map(|c| wave(c, true, pause.clone())).collect();
            if let Some(last) = out.last_mut() {
                last.pause_after = None;
            }
            out
        }
        Strategy::Canary => {
            let n = deploy.len();
            let total = n + done;
            let mut out = Vec::new();
            let mut done = 0usize;
            let already = total - n;
            let pause = s.canary_pause.label();
            for p in &s.canary_steps {
                // Units of the whole fleet this step reaches, minus those already there.
                let upto =
                    ((p.fraction() * total as f64).ceil() as usize).clamp(1, total).saturating_sub(already).min(n);
                if upto > done {
                    out.push(wave(&deploy[done..upto], true, Some(pause.clone())));
                    done = upto;
                }
            }
            if done < n {
                out.push(wave(&deploy[done..], true, None));
            }
            if let Some(last) = out.last_mut() {
                last.pause_after = None;
            }
            out
        }
    }
}

fn plan_unit(t: &ResolvedTarget, u: &UnitState, version: &str, sha: Option<String>) -> UnitPlan {
    let base = UnitPlan {
        unit: u.unit.clone(),
        action: UnitAction::Deploy,
        reason: String::new(),
        live: u.live,
        live_version: u.live_version().map(str::to_string),
        to: None,
        version: Some(version.to_string()),
        next_revision: u.last.as_ref().map_or(1, |l| l.revision + 1),
        steps: Vec::new(),
        locked_by: u.lock.as_ref().map(|l| l.holder.clone()),
        changes: Vec::new(),
    };
    if let Some(err) = &u.error {
        let (action, reason) = unobserved(u, err);
        return UnitPlan { action, reason, ..base };
    }
    if let Some(live) = u.live {
        if let Some(slot) = u.slot(live) {
            let same_artifact = sha.is_none() || slot.sha256.is_none() || slot.sha256 == sha;
            let unrecorded = u.journal.as_ref().filter(|j| j.kind == "deploy" && j.version == version && j.to == live);
            if let (true, Some(j)) = (slot.version == version && same_artifact, unrecorded) {
                // An interrupted run switched this unit but never recorded it:
                // verify the live color and write the history it is missing.
                let mut steps = vec![Step::AcquireLock];
                // Killed between its switch and its config files: install
                // them now (the first backup is kept).
                if has_config_files(t) {
                    steps.push(Step::InstallConfig { color: live, from: j.from });
                }
                steps.extend(health_steps(t, live));
                steps.push(Step::ReleaseLock);
                return UnitPlan {
                    reason: format!(
                        "switched to {version} ({live}) by an interrupted run ({}); verify and record it",
                        &j.plan_hash[..j.plan_hash.len().min(12)]
                    ),
                    live: j.from,
                    live_version: None,
                    to: Some(live),
                    steps,
                    ..base
                };
            }
            if slot.version == version && same_artifact && slot.status == SlotStatus::Healthy {
                return UnitPlan {
                    action: UnitAction::Noop,
                    reason: format!("already live on {version} ({live})"),
                    ..base
                };
            }
        }
    }
    if let (Some(percent), Some(live)) = (u.canary, u.live) {
        return continue_canary(t, u, base, live, percent, version, sha);
    }
    let to = u.live.map(Color::other).unwrap_or(Color::Blue);
    let reuse = u.slot(to).is_some_and(|s| {
        s.version == version
            && s.sha256.is_some()
            && s.sha256 == sha
            && matches!(s.status, SlotStatus::Staged | SlotStatus::Healthy)
    });
    let reason = match (u.live, u.live_version()) {
        (Some(c), Some(v)) => format!("{v} live on {c}; deploy {version} into {to}"),
        _ => format!("first deploy: {version} into {to}"),
    };
    UnitPlan { reason, to: Some(to), steps: unit_steps(t, u.live, to, version, sha, reuse), ..base }
}

/// Kubernetes: a canary is under way (paused for `rvmctl promote`, or left
/// by a run that stopped): the same version continues with the canary step
/// after the one reached, without staging again; another version is
/// refused until the canary is promoted or rolled back.
fn continue_canary(
    t: &ResolvedTarget,
    u: &UnitState,
    base: UnitPlan,
    live: Color,
    percent: f64,
    version: &str,
    sha: Option<String>,
) -> UnitPlan {
    let to = live.other();
    let canary_version = u.canary_version().unwrap_or("?");
    if canary_version != version {
        return UnitPlan {
            action: UnitAction::Blocked,
            reason: format!(
                "a canary of {canary_version} is under way ({percent}% on {to}); `rvmctl promote` finishes it, `rvmctl rollback` ends it"
            ),
            ..base
        };
    }
    let mut steps = unit_steps(t, Some(live), to, version, sha, true);
    steps.retain(|s| match s {
        Step::Stage { .. } | Step::WaitReady { .. } | Step::PreDeploy { .. } | Step::StartService { .. } => false,
        Step::Canary { percent: p, .. } => *p > percent,
        _ => true,
    });
    UnitPlan {
        reason: format!("canary of {version} at {percent}% on {to}; continue with the next step"),
        to: Some(to),
        steps,
        ..base
    }
}

fn unit_steps(
    t: &ResolvedTarget,
    from: Option<Color>,
    to: Color,
    version: &str,
    sha256: Option<String>,
    reuse: bool,
) -> Vec<Step> {
    let s = &t.settings;
    let mut steps = vec![Step::AcquireLock, Step::Stage { color: to, version: version.to_string(), sha256, reuse }];
    if t.kind == TargetKind::Kubernetes {
        steps.push(Step::WaitReady { color: to });
    }
    steps.extend(t.app.pre_deploy.iter().map(|p| Step::PreDeploy { name: p.name.clone(), color: to }));
    steps.extend(t.app.service_order().into_iter().map(|name| Step::StartService { name, color: to }));
    steps.extend(health_steps(t, to));
    if let (TargetKind::Kubernetes, Strategy::Canary, Some(_)) = (t.kind, s.strategy, from) {
        let pause = Some(s.canary_pause.label());
        let last = s.canary_steps.len().saturating_sub(1);
        steps.extend(s.canary_steps.iter().enumerate().map(|(i, p)| Step::Canary {
            color: to,
            percent: p.0,
            pause: if i == last { None } else { pause.clone() },
        }));
    }
    steps.push(Step::Switch { from, to });
    if has_config_files(t) {
        steps.push(Step::InstallConfig { color: to, from });
    }
    if s.post_switch_monitor.get() > std::time::Duration::ZERO {
        steps.push(Step::Monitor {
            duration: s.post_switch_monitor,
            color: to,
            max_failures: s.health_check_failures,
            analyses: t.app.analysis.clone(),
        });
    }
    if let (false, Some(prev)) = (s.keep_previous, from) {
        steps.push(Step::StopPrevious { color: prev });
    }
    steps.push(Step::ReleaseLock);
    steps
}

/// Plans an instant rollback: every unit switches back to its other color,
/// if that color still holds a release that is not failed or half-staged.
pub fn rollback(req: &PlanRequest) -> Plan {
    switch_back(req, PlanKind::Rollback, rollback_unit)
}

/// Plans `rvmctl abort`: every unit an interrupted run switched goes back to
/// the color it had before that run (from its journal); the rest is untouched.
pub fn abort(req: &PlanRequest) -> Plan {
    switch_back(req, PlanKind::Abort, abort_unit)
}

/// A rollback of a release whose migrations ran on the target (its units'
/// last deploy says so) runs the app's `migrations.down` once, from the
/// release's slot right after that unit switched back; without `down` the
/// target's rollback is refused: the old code would run on the new schema.
/// An abort does the same for an interrupted run whose journal says its
/// migrations ran.
fn migrate_down(t: &ResolvedTarget, observed: &[UnitState], kind: PlanKind, units: &mut [UnitPlan]) {
    let migrated = observed.iter().find_map(|u| match kind {
        PlanKind::Abort => u.journal.as_ref().filter(|j| j.migrated).map(|j| j.version.clone()),
        _ => {
            let l = u.last.as_ref()?;
            let live = u.live_version() == Some(l.version.as_str());
            (l.migrated && l.action == crate::model::HistoryAction::Deploy && live).then(|| l.version.clone())
        }
    });
    let Some(version) = migrated else { return };
    let down = t.app.migrations.as_ref().and_then(|m| m.down.as_ref());
    let mut deploying = units.iter_mut().filter(|u| u.action == UnitAction::Deploy);
    if down.is_none() {
        for u in deploying {
            u.action = UnitAction::Blocked;
            u.steps.clear();
            u.reason = format!(
                "{version} migrated the schema and app {} has no `migrations.down`: switching back would run the old release on {version}'s schema; add `down:` (e.g. restore the backup) or deploy a fixed version",
                t.app_name
            );
        }
        return;
    }
    if let Some(u) = deploying.next() {
        let (Some(left), Some(at)) = (u.live, u.steps.iter().position(Step::is_switch)) else { return };
        let step = Step::Migrate { phase: crate::model::MigrationPhase::Down, color: left, version: version.clone() };
        u.steps.insert(at + 1, step);
        u.reason.push_str(&format!("; then undoes {version}'s migrations (migrations.down)"));
        return;
    }
    // An abort of a run killed after its migration but before any switch:
    // nothing goes back, but the schema must.
    let Some((obs, j)) = observed.iter().find_map(|o| o.journal.as_ref().filter(|j| j.migrated).map(|j| (o, j))) else {
        return;
    };
    let Some(u) = units.iter_mut().find(|u| u.unit == obs.unit) else { return };
    u.action = UnitAction::Deploy;
    u.to = obs.live;
    u.steps = vec![
        Step::AcquireLock,
        Step::Migrate { phase: crate::model::MigrationPhase::Down, color: j.to, version: version.clone() },
        Step::ReleaseLock,
    ];
    u.reason = format!(
        "the interrupted run migrated the schema to {version} before switching anything; undo it (migrations.down)"
    );
}

/// A switch back goes in the reverse order of a deploy: a target goes back
/// after the targets that started after it (the fleet before the backend
/// it talks to).
fn switch_back(req: &PlanRequest, kind: PlanKind, unit: fn(&ResolvedTarget, &UnitState) -> UnitPlan) -> Plan {
    let dependents = |name: &String| -> Vec<String> {
        req.env.targets.iter().filter(|o| o.after.contains(name)).map(|o| o.name.clone()).collect()
    };
    let nodes: Vec<(String, Vec<String>)> =
        req.env.targets.iter().map(|t| (t.name.clone(), dependents(&t.name))).collect();
    let targets = in_order(req.env, &nodes)
        .into_iter()
        .map(|t| {
            let after = dependents(&t.name);
            let empty = Vec::new();
            let units_obs = req.observed.iter().find(|o| o.target == t.name).map(|o| &o.units).unwrap_or(&empty);
            let mut units: Vec<UnitPlan> = units_obs.iter().map(|u| unit(t, u)).collect();
            if kind != PlanKind::Deploy {
                migrate_down(t, units_obs, kind, &mut units);
            }
            let deploy: Vec<String> =
                units.iter().filter(|u| u.action == UnitAction::Deploy).map(|u| u.unit.clone()).collect();
            TargetPlan {
                target: t.name.clone(),
                kind: t.kind,
                app: t.app_name.clone(),
                strategy: Strategy::Immediate,
                max_concurrency: t.settings.max_concurrency.max(1),
                auto_rollback: false,
                max_failure_rate: 1.0,
                count_unreachable: false,
                after,
                rollback_group: t.rollback_group.clone(),
                migrated: false,
                waves: if deploy.is_empty() {
                    Vec::new()
                } else {
                    vec![Wave { units: deploy, switch_together: false, pause_after: None }]
                },
                units,
            }
        })
        .collect();
    assemble(req, kind, targets)
}

/// A plan of `kind` over `targets`: its gates, the observed state's
/// fingerprint, per-unit step labels, and the hash over all of it.
fn assemble(req: &PlanRequest, kind: PlanKind, targets: Vec<TargetPlan>) -> Plan {
    let mut plan = Plan {
        schema_version: PLAN_SCHEMA_VERSION,
        kind,
        project: req.project.to_string(),
        environment: req.env.name.clone(),
        version: req.version.to_string(),
        created_at: req.now,
        created_by: req.user.to_string(),
        gates: evaluate_gates(req.env, req.now),
        targets,
        observed_fingerprint: fingerprint(req.observed),
        hash: String::new(),
    };
    label_checks(&mut plan, req);
    plan.hash = plan.compute_hash();
    plan
}

/// The app's health checks as steps against `color`, named as written;
/// [`label_checks`] renders the names per unit once the plan is whole.
fn health_steps(t: &ResolvedTarget, color: Color) -> impl Iterator<Item = Step> + '_ {
    t.app.health_checks.iter().enumerate().map(move |(index, h)| Step::HealthCheck {
        name: h.display_name(),
        index,
        color,
    })
}

/// Names each health-check step after what it probes on its own unit
/// (`http http://127.0.0.1:8004/health`, not `…:{port_{color}}/health`),
/// credentials in URLs masked; a template that needs a value only the
/// driver knows (`{base_dir}`, `{image}`) is shown as written.
fn label_checks(plan: &mut Plan, req: &PlanRequest) {
    let plan_version = plan.version.clone();
    for tp in &mut plan.targets {
        let Some(t) = req.env.targets.iter().find(|t| t.name == tp.target) else { continue };
        if t.app.health_checks.is_empty() {
            continue;
        }
        // By name, once per target: a lookup per unit must not scan the fleet.
        let hosts: std::collections::HashMap<&str, &crate::config::schema::HostSpec> =
            t.hosts.iter().map(|h| (h.name.as_str(), h)).collect();
        for u in &mut tp.units {
            let version = u.version.clone().unwrap_or_else(|| plan_version.clone());
            let host = hosts.get(u.unit.as_str()).copied();
            for step in &mut u.steps {
                let Step::HealthCheck { name, index, color } = step else { continue };
                let Some(check) = t.app.health_checks.get(*index) else { continue };
                let scope = TemplateScope {
                    project: req.project,
                    environment: &req.env.name,
                    target: &t.name,
                    app: &t.app_name,
                    host,
                    color: *color,
                    version: &version,
                };
                *name = check.label(&|tpl| tpl.render(&|n| scope.value(n)));
            }
        }
    }
}

fn abort_unit(t: &ResolvedTarget, u: &UnitState) -> UnitPlan {
    let mut p = rollback_unit(t, u);
    let Some(j) = &u.journal else {
        return UnitPlan {
            action: UnitAction::Noop,
            reason: "no interrupted run here".into(),
            steps: Vec::new(),
            to: None,
            version: None,
            ..p
        };
    };
    if u.error.is_some() || u.canary.is_some() {
        return p;
    }
    match (u.live, j.from) {
        (live, from) if live == from => UnitPlan {
            action: UnitAction::Noop,
            reason: format!(
                "the interrupted {} {} never switched this unit (stopped at {}); its journal is cleared",
                j.kind, j.version, j.step
            ),
            steps: Vec::new(),
            to: None,
            version: None,
            ..p
        },
        (Some(_), None) => UnitPlan {
            action: UnitAction::Blocked,
            reason: "an interrupted first deploy switched this unit: there is no earlier color to return to".into(),
            steps: Vec::new(),
            ..p
        },
        _ => {
            // The interrupted run switched it: the way back is the rollback path.
            p.reason = format!("interrupted {} {} (at {}) switched it; {}", j.kind, j.version, j.step, p.reason);
            p
        }
    }
}

/// A unit that could not be observed is unreachable (pending: a later run
/// reaches it), unless it refused us (host key, credentials): then it is
/// blocked until an operator looks. Its action and the reason.
fn unobserved(u: &UnitState, err: &str) -> (UnitAction, String) {
    if u.refused {
        (UnitAction::Blocked, format!("refused: {err}"))
    } else {
        (UnitAction::Unreachable, format!("unreachable: {err}"))
    }
}

/// The unit's last recorded run was a deploy into its other color that
/// failed or stopped before the switch: `live` is still what it was.
fn last_deploy_never_switched(u: &UnitState, live: Color) -> bool {
    u.last.as_ref().is_some_and(|e| {
        e.action == crate::model::HistoryAction::Deploy
            && matches!(e.result, crate::model::Outcome::Failed | crate::model::Outcome::Stopped)
            && e.from == Some(live)
            && e.to == live.other()
    })
}

fn rollback_unit(t: &ResolvedTarget, u: &UnitState) -> UnitPlan {
    let mut p = UnitPlan {
        unit: u.unit.clone(),
        action: UnitAction::Blocked,
        reason: String::new(),
        live: u.live,
        live_version: u.live_version().map(str::to_string),
        to: None,
        version: None,
        next_revision: u.last.as_ref().map_or(1, |l| l.revision + 1),
        steps: Vec::new(),
        locked_by: u.lock.as_ref().map(|l| l.holder.clone()),
        changes: Vec::new(),
    };
    if let Some(err) = &u.error {
        (p.action, p.reason) = unobserved(u, err);
        return p;
    }
    let Some(live) = u.live else {
        p.reason = "nothing is live yet; deploy first".into();
        return p;
    };
    if let Some(percent) = u.canary {
        // Kubernetes, a canary under way: traffic goes back to the color it
        // started from only, and the canary's color is scaled down.
        let canary = live.other();
        p.action = UnitAction::Deploy;
        p.live = Some(canary);
        p.live_version = u.canary_version().map(str::to_string);
        p.to = Some(live);
        p.version = u.live_version().map(str::to_string);
        p.reason = format!(
            "end the canary of {} ({percent}% on {canary}): the Service back on {live} ({}) only, {canary} scaled to 0",
            u.canary_version().unwrap_or("?"),
            u.live_version().unwrap_or("?")
        );
        let mut steps = vec![Step::AcquireLock];
        steps.extend(health_steps(t, live));
        steps.extend([Step::Switch { from: Some(canary), to: live }, Step::ReleaseLock]);
        p.steps = steps;
        return p;
    }
    let prev = live.other();
    match u.slot(prev) {
        Some(slot)
            if t.kind == TargetKind::Kubernetes && slot.ready.as_deref().is_some_and(|r| r.starts_with("0/")) =>
        {
            p.reason = format!(
                "previous color {prev} holds {} but has no ready replicas ({}); redeploy it with `rvmctl deploy --version {}`",
                slot.version,
                slot.ready.as_deref().unwrap_or("0/0"),
                slot.version
            );
        }
        // Its last deploy stopped before its switch: the other color never
        // went live, so there is nothing to go back from (an environment's
        // rollback leaves it where the rest returns to).
        Some(slot) if last_deploy_never_switched(u, live) => {
            p.action = UnitAction::Noop;
            p.reason = format!(
                "its last deploy ({}) never went live ({}): {} stayed live; nothing to roll back here",
                slot.version,
                crate::model::wire_name(&slot.status),
                u.live_version().unwrap_or("the previous release")
            );
        }
        Some(slot) if matches!(slot.status, SlotStatus::Healthy | SlotStatus::Staged) => {
            p.action = UnitAction::Deploy;
            p.to = Some(prev);
            p.version = Some(slot.version.clone());
            p.reason = format!("switch back {live} → {prev} ({})", slot.version);
            let mut steps = vec![Step::AcquireLock];
            if !t.settings.keep_previous {
                steps.extend(t.app.service_order().into_iter().map(|name| Step::StartService { name, color: prev }));
            }
            if t.kind == TargetKind::Kubernetes {
                steps.push(Step::WaitReady { color: prev });
            }
            steps.extend(health_steps(t, prev));
            steps.push(Step::Switch { from: Some(live), to: prev });
            if has_config_files(t) {
                steps.push(Step::RestoreConfig { color: live, to: prev });
            }
            steps.push(Step::ReleaseLock);
            p.steps = steps;
        }
        Some(slot) => {
            p.reason = format!(
                "previous color {prev} holds {} but it is {}; redeploy a good version with `rvmctl deploy --version <v>`",
                slot.version,
                crate::model::wire_name(&slot.status)
            );
        }
        None => {
            p.reason = format!(
                "previous color {prev} is empty; nothing to roll back to. Redeploy the version you want with `rvmctl deploy --version <v>`"
            );
        }
    }
    p
}

#[cfg(test)]
mod tests;
