//! The release-slot model of a Jetson host, written once for every
//! transport:
//!
//! ```text
//! {base}/blue/  {base}/green/        release slots
//! {base}/current -> blue             live pointer, replaced by rename(2)
//! {base}/.rvmctl/lock                flock held by a holder process for a whole deploy
//! {base}/.rvmctl/lock.json           who holds it (stale once the flock is free)
//! {base}/.rvmctl/{blue,green}.json   slot metadata: version, sha256, status
//! {base}/.rvmctl/history.jsonl       append-only history
//! {base}/.rvmctl/artifacts/          verified artifacts, by sha256: the slots' and the `keep` latest
//! {base}/.rvmctl/logs/               each service start's output (what it leaves running writes on)
//! ```
//!
//! Values (versions, colors, metadata) reach the host's shell only as
//! single-quoted `export`s, never spliced into script text.
//!
//! Files: this one holds the driver's data and the helpers every operation
//! uses; `scripts.rs` the shell scripts run on a host; `stage.rs` putting a
//! release into a slot; `operations.rs` the [`Driver`] contract itself.

pub mod host;
mod operations;
mod scripts;
mod stage;

pub use scripts::sh_quote;
use scripts::{
    CLEAR_STARTED, MARK_STARTED, OBSERVE, STOP_PRELUDE, WRITE_META, journaled, parse_artifacts, start_logged,
};

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use super::artifact::{self, ArtifactFn};
use super::driver::{Driver, DriverError, StepOutput, watch_health};
use super::transport::{ExecOutput, Transport, TransportError};
use crate::config::schema::{App, HostSpec, TargetKind};
use crate::config::types::Template;
use crate::config::{Effective, ResolvedTarget, TemplateScope};
use crate::gates::analysis::{self, RenderedAnalysis};
use crate::gates::health::RenderedCheck;
use crate::model::{Color, JournalEntry, SlotState, SlotStatus};

/// One host of a slot target.
pub struct SlotHost {
    pub spec: HostSpec,
    /// Absolute base directory on the host.
    pub base: String,
    pub transport: Arc<dyn Transport>,
}

pub struct SlotDriver {
    pub kind: TargetKind,
    pub project: String,
    pub environment: String,
    pub target: String,
    pub app_name: String,
    pub app: App,
    /// The analyses watched after the switch (name, spec).
    pub analysis: Vec<(String, crate::config::schema::Analysis)>,
    pub settings: Effective,
    pub hosts: Vec<SlotHost>,
    /// Resolves the artifact for a version (operator-side I/O).
    pub artifact: ArtifactFn,
    /// What is known of each host whose lock this driver holds.
    known: Known,
    /// The lock holders of the hosts this driver holds, for work that rides
    /// on the lock's session ([`scripts::Request`]).
    holders: Holders,
    /// Observations still open on their host, waiting to become its lock
    /// holder ([`scripts::observe_then_wait`]).
    waiting: Waiting,
}

/// Per unit, the session of its last observation, waiting for a `LOCK`.
#[derive(Clone, Default)]
struct Waiting(Arc<std::sync::Mutex<std::collections::HashMap<String, Box<dyn super::transport::Held>>>>);

impl Waiting {
    fn map(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Box<dyn super::transport::Held>>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
    /// Keeps `held` for `unit`; an older one ends (its stdin closes).
    fn put(&self, unit: &str, held: Box<dyn super::transport::Held>) {
        self.map().insert(unit.to_string(), held);
    }
    fn take(&self, unit: &str) -> Option<Box<dyn super::transport::Held>> {
        self.map().remove(unit)
    }
}

/// A held lock's holding script, shared by the lock guard (which releases
/// it) and the driver (which sends it requests while it holds).
type SharedHeld = Arc<tokio::sync::Mutex<Option<Box<dyn super::transport::Held>>>>;

#[derive(Clone, Default)]
struct Holders(Arc<std::sync::Mutex<std::collections::HashMap<String, SharedHeld>>>);

impl Holders {
    fn map(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, SharedHeld>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
    fn insert(&self, unit: &str, held: SharedHeld) {
        self.map().insert(unit.to_string(), held);
    }
    fn remove(&self, unit: &str) -> Option<SharedHeld> {
        self.map().remove(unit)
    }
    /// Sends `request` to `unit`'s lock holder: its answer, or `None` when
    /// this driver does not hold `unit` (or its holder is gone).
    async fn ask(&self, unit: &str, request: &str, timeout: Duration) -> Option<Result<String, TransportError>> {
        let held = self.map().get(unit).cloned()?;
        let mut guard = held.lock().await;
        let h = guard.as_mut()?;
        Some(h.ask(request, timeout).await)
    }
}

/// What the driver knows of the hosts it holds the lock of: their state as
/// the lock holder saw it when it took the lock, kept up to date by this
/// driver's own writes. Nobody else changes a locked host's slots, so steps
/// need not look again (a round trip each). A step that fails forgets the
/// host: what it left behind is looked at again when needed.
#[derive(Clone, Default)]
struct Known(Arc<std::sync::Mutex<std::collections::HashMap<String, HostView>>>);

/// A host's slots, and the artifacts (sha256s) its cache holds.
#[derive(Clone, Debug)]
struct HostView {
    state: crate::model::UnitState,
    artifacts: Vec<String>,
}

impl Known {
    fn map(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, HostView>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
    fn get(&self, unit: &str) -> Option<HostView> {
        self.map().get(unit).cloned()
    }
    fn set(&self, unit: &str, view: HostView) {
        self.map().insert(unit.to_string(), view);
    }
    fn forget(&self, unit: &str) {
        self.map().remove(unit);
    }
    /// Applies `f` to what is known of `unit` (nothing if nothing is known).
    fn update(&self, unit: &str, f: impl FnOnce(&mut HostView)) {
        if let Some(v) = self.map().get_mut(unit) {
            f(v);
        }
    }
    /// Whether the services of `unit`'s `color` slot run (its started marker).
    fn set_started(&self, unit: &str, color: Color, started: bool) {
        self.update(unit, |v| {
            if let Some(slot) = v.state.slot_mut(color) {
                slot.started = started;
            }
        });
    }
}

impl SlotDriver {
    fn host(&self, unit: &str) -> Result<&SlotHost, DriverError> {
        self.hosts.iter().find(|h| h.spec.name == unit).ok_or_else(|| stale_plan(unit, "host", unit))
    }

    /// Template variables for one host/color/version.
    fn lookup<'a>(&'a self, h: &'a SlotHost, color: Color, version: &'a str) -> impl Fn(&str) -> Option<String> + 'a {
        let scope = TemplateScope {
            project: &self.project,
            environment: &self.environment,
            target: &self.target,
            app: &self.app_name,
            host: Some(&h.spec),
            color,
            version,
        };
        move |name: &str| match name {
            "base_dir" => Some(h.base.clone()),
            "slot_dir" => Some(format!("{}/{}", h.base, color)),
            _ => scope.value(name),
        }
    }

    fn render(&self, h: &SlotHost, color: Color, version: &str, t: &Template) -> Result<String, DriverError> {
        t.render(&self.lookup(h, color, version))
            .map_err(|message| DriverError::Other { unit: h.spec.name.clone(), message })
    }

    /// `export` lines for a host command: base, slot, color, version, host vars.
    fn prelude(&self, h: &SlotHost, color: Option<Color>, version: Option<&str>, extra: &[(&str, String)]) -> String {
        let mut vars: Vec<(String, String)> =
            vec![("RVM_BASE".into(), h.base.clone()), ("RVM_HOST".into(), h.spec.name.clone())];
        vars.push(("RVM_ENVIRONMENT".into(), self.environment.clone()));
        if let Some(c) = color {
            vars.push(("RVM_COLOR".into(), c.to_string()));
            vars.push(("RVM_SLOT_DIR".into(), format!("{}/{}", h.base, c)));
        }
        if let Some(v) = version {
            vars.push(("RVM_VERSION".into(), v.to_string()));
        }
        for (k, v) in &h.spec.vars {
            let key: String =
                k.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
            vars.push((format!("RVM_VAR_{key}"), v.0.clone()));
        }
        vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
        vars.iter().map(|(k, v)| format!("export {k}={}\n", sh_quote(v))).collect()
    }

    async fn exec(
        &self,
        h: &SlotHost,
        script: String,
        timeout: Duration,
        step: &str,
    ) -> Result<ExecOutput, DriverError> {
        h.transport.exec(&script, timeout).await.map_err(|e| self.transport_error(h, e, step))
    }

    fn transport_error(&self, h: &SlotHost, e: TransportError, step: &str) -> DriverError {
        match e {
            TransportError::Connect(m) => DriverError::Unreachable { unit: h.spec.name.clone(), message: m },
            TransportError::Refused(m) => DriverError::Refused { unit: h.spec.name.clone(), message: m },
            other => DriverError::StepFailed {
                unit: h.spec.name.clone(),
                step: step.into(),
                message: other.to_string(),
                output: String::new(),
            },
        }
    }

    /// [`SlotDriver::exec`] with the local file `input` on the command's stdin.
    async fn exec_input(
        &self,
        h: &SlotHost,
        script: String,
        input: &std::path::Path,
        timeout: Duration,
    ) -> Result<ExecOutput, DriverError> {
        h.transport.exec_with_input(&script, input, timeout).await.map_err(|e| self.transport_error(h, e, "stage"))
    }

    async fn exec_ok(
        &self,
        h: &SlotHost,
        script: String,
        timeout: Duration,
        step: &str,
    ) -> Result<ExecOutput, DriverError> {
        let out = self.exec(h, script, timeout, step).await?;
        if out.success() {
            Ok(out)
        } else {
            Err(DriverError::StepFailed {
                unit: h.spec.name.clone(),
                step: step.into(),
                message: format!("exited {}", out.code.map_or("by signal".into(), |c| c.to_string())),
                output: out.combined(),
            })
        }
    }

    fn timeout(&self) -> Duration {
        self.settings.timeout.get()
    }

    /// A slot's metadata as of now: `version` (`sha256`) in `status`.
    fn slot_state(version: &str, sha256: Option<String>, status: SlotStatus) -> SlotState {
        SlotState {
            version: version.into(),
            sha256,
            status,
            updated_at: Timestamp::now(),
            ready: None,
            image: None,
            started: false,
        }
    }

    /// [`SlotDriver::slot_state`] as the JSON the host keeps.
    fn slot_meta(&self, version: &str, sha256: Option<String>, status: SlotStatus) -> String {
        serde_json::to_string(&Self::slot_state(version, sha256, status)).unwrap_or_default()
    }

    async fn write_meta(&self, h: &SlotHost, color: Color, state: &SlotState) -> Result<(), DriverError> {
        let meta = serde_json::to_string(state).unwrap_or_default();
        let script = format!("{}{WRITE_META}", self.prelude(h, Some(color), None, &[("RVM_META", meta)]));
        self.exec_ok(h, script, self.timeout(), "write slot metadata").await.map(drop)
    }

    /// Marks a slot failed after a failing step (best effort: the error that
    /// caused it is what the operator needs to see).
    async fn mark_failed(&self, h: &SlotHost, color: Color) {
        let state = self.view(h).await.state;
        if let Some(mut slot) = state.slot(color).cloned() {
            slot.status = SlotStatus::Failed;
            slot.updated_at = Timestamp::now();
            let _ = self.write_meta(h, color, &slot).await;
        }
    }

    /// Runs a configured command in the slot dir with retries.
    async fn run_command(
        &self,
        h: &SlotHost,
        color: Color,
        version: &str,
        cmd: HostCommand<'_>,
    ) -> Result<StepOutput, DriverError> {
        let HostCommand { template, timeout, attempts, step, starts, journal } = cmd;
        let step = step.as_str();
        let rendered = self.render(h, color, version, template)?;
        // A start marks the slot started first: interrupted or not, its
        // services may run from now on, and a restage must stop them. Its
        // output goes through the service's start log (`start_logged`).
        let (body, extra) = match starts {
            Some(service) => (
                format!("{MARK_STARTED}cd \"$RVM_SLOT_DIR\" || exit 1\n{}", start_logged(&rendered)),
                vec![("RVM_SERVICE", file_name(service))],
            ),
            None => (format!("cd \"$RVM_SLOT_DIR\" || exit 1\n{rendered}"), Vec::new()),
        };
        let script = format!("{}{}", self.prelude(h, Some(color), Some(version), &extra), journaled(&body, journal));
        let mut last = None;
        for i in 0..attempts.max(1) {
            if i > 0 {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            match self.exec_ok(h, script.clone(), timeout, step).await {
                Ok(out) => {
                    if starts.is_some() {
                        self.known.set_started(&h.spec.name, color, true);
                    }
                    return Ok(StepOutput { detail: out.combined(), skipped: false });
                }
                // Retrying cannot reach a host that is gone or refuses us.
                Err(e @ (DriverError::Unreachable { .. } | DriverError::Refused { .. })) => return Err(e),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| DriverError::Other { unit: h.spec.name.clone(), message: "no attempt made".into() }))
    }

    /// The script that installs or puts back the app's `config_files`
    /// around `color`'s release. Install backs up what is in place first,
    /// once per release (re-running it for the same release, e.g. on
    /// resume, keeps the first backup) and notes which color was live then,
    /// then puts each file in place with a rename. Restore, when the
    /// backup was taken while `to` was live, puts it back (a file that did
    /// not exist is removed again) and drops it; otherwise `to`'s release
    /// installs its own files (a rollback of a rollback).
    fn config_script(&self, h: &SlotHost, color: Color, version: &str, how: ConfigMove) -> Result<String, DriverError> {
        let mut files = Vec::new();
        for f in &self.app.config_files {
            let path = self.render(h, color, version, &f.path)?;
            let source = self.render(h, color, version, &f.source)?;
            files.push((sh_quote(&path), sh_quote(&source)));
        }
        let install = |s: &mut String, slot: &str| {
            s.push_str(&format!("cd {} || exit 1\n", sh_quote(&format!("{}/{slot}", h.base))));
            for (path, source) in &files {
                s.push_str(&format!(
                    "mkdir -p \"$(dirname {path})\" && cp {source} {path}.rvmctl-new && mv -f {path}.rvmctl-new {path} || exit 1\necho installed {path}\n"
                ));
            }
        };
        let mut s = format!("b={}\n", sh_quote(&format!("{}/.rvmctl/config-backup/{color}", h.base)));
        match how {
            ConfigMove::Install { from } => {
                s.push_str("if [ \"$(cat \"$b/version\" 2>/dev/null)\" != \"$RVM_VERSION\" ]; then\n");
                s.push_str("  rm -rf \"$b.tmp\" && mkdir -p \"$b.tmp\" || exit 1\n");
                for (i, (path, _)) in files.iter().enumerate() {
                    s.push_str(&format!(
                        "  if [ -e {path} ]; then cp -p {path} \"$b.tmp/{i}\" || exit 1; else : > \"$b.tmp/{i}.absent\"; fi\n"
                    ));
                }
                let from = from.map(|c| c.to_string()).unwrap_or_default();
                s.push_str(&format!("  printf '%s' {} > \"$b.tmp/from\" || exit 1\n", sh_quote(&from)));
                s.push_str("  printf '%s' \"$RVM_VERSION\" > \"$b.tmp/version\" && rm -rf \"$b\" && mv \"$b.tmp\" \"$b\" || exit 1\nfi\n");
                install(&mut s, &color.to_string());
            }
            ConfigMove::Restore { to } => {
                s.push_str(&format!(
                    "if [ -f \"$b/version\" ] && [ \"$(cat \"$b/from\" 2>/dev/null)\" = {} ]; then\n",
                    sh_quote(&to.to_string())
                ));
                for (i, (path, _)) in files.iter().enumerate() {
                    s.push_str(&format!(
                        "  if [ -e \"$b/{i}.absent\" ]; then rm -f {path}; elif [ -e \"$b/{i}\" ]; then cp -p \"$b/{i}\" {path}.rvmctl-new && mv -f {path}.rvmctl-new {path} || exit 1; fi\n  echo restored {path}\n"
                    ));
                }
                s.push_str("  rm -rf \"$b\"\nelse\n");
                install(&mut s, &to.to_string());
                s.push_str("fi\n");
            }
        }
        Ok(s)
    }

    /// Runs [`SlotDriver::config_script`] as one journaled host command.
    async fn move_config(
        &self,
        h: &SlotHost,
        color: Color,
        version: &str,
        how: ConfigMove,
        ctx: &crate::drivers::driver::StepContext,
    ) -> Result<crate::drivers::driver::StepOutput, DriverError> {
        let body = self.config_script(h, color, version, how)?;
        let script =
            format!("{}{}", self.prelude(h, Some(color), Some(version), &[]), journaled(&body, ctx.journal.as_ref()));
        let step = match how {
            ConfigMove::Install { .. } => "install config files",
            ConfigMove::Restore { .. } => "restore config files",
        };
        let out = self.exec_ok(h, script, self.timeout(), step).await?;
        Ok(crate::drivers::driver::StepOutput { detail: out.combined(), skipped: false })
    }

    /// The script that stops the services of `color`'s slot (holding
    /// release `version`) in reverse start order, in that slot, then clears
    /// its started marker; exports of its own, so it can run inside another
    /// step's command. The first stop that fails ends it with its output,
    /// and nothing after it runs. Also: how many stops it runs.
    fn stop_script(&self, h: &SlotHost, color: Color, version: &str) -> Result<(String, u32), DriverError> {
        let mut script = STOP_PRELUDE.to_string();
        let mut stops = 0u32;
        for name in self.app.service_order().iter().rev() {
            let Some(stop) = self.app.services.iter().find(|s| &s.name == name).and_then(|s| s.stop.as_ref()) else {
                continue;
            };
            let rendered = self.render(h, color, version, stop)?;
            let q = sh_quote(&format!("stop {name} ({color}, {version})"));
            script.push_str(&format!("echo {q}\n( {rendered}\n) || {{ echo {q}' failed' >&2; exit 1; }}\n"));
            stops += 1;
        }
        script.push_str(CLEAR_STARTED);
        Ok((format!("{}{script}", self.prelude(h, Some(color), Some(version), &[])), stops))
    }

    /// Stops the services of `color`'s slot in one host command (see
    /// [`SlotDriver::stop_script`]).
    async fn stop_services(
        &self,
        h: &SlotHost,
        color: Color,
        version: &str,
        step: &str,
        journal: Option<&JournalEntry>,
    ) -> Result<StepOutput, DriverError> {
        let (script, stops) = self.stop_script(h, color, version)?;
        let out = self.exec_ok(h, journaled(&script, journal), self.timeout() * stops.max(1), step).await?;
        self.known.set_started(&h.spec.name, color, false);
        Ok(StepOutput { detail: out.combined().trim().to_string(), skipped: false })
    }

    /// The host as it is: what is known under its lock, else a fresh look.
    async fn view(&self, h: &SlotHost) -> HostView {
        match self.known.get(&h.spec.name) {
            Some(v) => v,
            None => self.look(h).await,
        }
    }

    /// A fresh look at the host (one round trip).
    async fn look(&self, h: &SlotHost) -> HostView {
        let script = format!("{}{OBSERVE}", self.prelude(h, None, None, &[]));
        match h.transport.exec(&script, self.timeout().min(Duration::from_secs(60))).await {
            Ok(out) if out.success() => HostView {
                state: scripts::parse_observation(&h.spec.name, &out.stdout),
                artifacts: parse_artifacts(&out.stdout),
            },
            Ok(out) => HostView {
                state: crate::model::UnitState::unreachable(
                    &h.spec.name,
                    format!("observing the host failed: {}", out.combined().trim()),
                ),
                artifacts: Vec::new(),
            },
            Err(TransportError::Refused(m)) => {
                HostView { state: crate::model::UnitState::refusing(&h.spec.name, m), artifacts: Vec::new() }
            }
            Err(e) => HostView {
                state: crate::model::UnitState::unreachable(&h.spec.name, e.to_string()),
                artifacts: Vec::new(),
            },
        }
    }

    fn checks(&self, h: &SlotHost, color: Color, version: &str) -> Result<Vec<RenderedCheck>, DriverError> {
        let render = |t: &Template| t.render(&self.lookup(h, color, version));
        self.app
            .health_checks
            .iter()
            .map(|c| RenderedCheck::new(c, &render, self.timeout()))
            .collect::<Result<_, _>>()
            .map_err(|message| DriverError::Other { unit: h.spec.name.clone(), message })
    }

    /// The analyses `names`, rendered for this host and color.
    fn analyses(
        &self,
        h: &SlotHost,
        color: Color,
        version: &str,
        names: &[String],
    ) -> Result<Vec<RenderedAnalysis>, DriverError> {
        let render = |t: &Template| t.render(&self.lookup(h, color, version));
        analysis::render_named(&self.analysis, names, &render)
            .map_err(|message| DriverError::Other { unit: h.spec.name.clone(), message })
    }

    fn check_prelude(&self, h: &SlotHost, color: Color, version: &str) -> String {
        format!("{}cd \"$RVM_SLOT_DIR\" 2>/dev/null\n", self.prelude(h, Some(color), Some(version), &[]))
    }

    /// Watches a host's health for `duration` with the analyses `names` (as
    /// the plan says: the post-switch monitor's, or a canary pause's one);
    /// `step` names the watch in failures.
    #[allow(clippy::too_many_arguments)]
    async fn monitor(
        &self,
        h: &SlotHost,
        color: Color,
        version: &str,
        duration: Duration,
        max_failures: u32,
        names: &[String],
        step: &str,
    ) -> Result<StepOutput, DriverError> {
        let analyses = self.analyses(h, color, version, names)?;
        watch_health(&h.spec.name, step, &self.app, duration, max_failures, analyses, h.transport.as_ref(), || {
            self.probe(&h.spec.name, color, version)
        })
        .await
    }
}

/// A configured command to run in a slot.
struct HostCommand<'a> {
    template: &'a Template,
    timeout: Duration,
    attempts: u32,
    step: String,
    /// A service start (its name): mark the slot started before running
    /// it, and keep its output in the service's start log.
    starts: Option<&'a str>,
    /// The step's journal entry, written around the command (folded).
    journal: Option<&'a JournalEntry>,
}

/// `name` as one safe path component.
fn file_name(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect()
}

/// A saved plan names something the config no longer has.
/// What [`SlotDriver::config_script`] does with the app's config files.
#[derive(Debug, Clone, Copy)]
enum ConfigMove {
    /// `color`'s release goes live; `from` was live before.
    Install { from: Option<Color> },
    /// `color`'s release is left for `to`.
    Restore { to: Color },
}

fn stale_plan(unit: &str, what: &str, name: &str) -> DriverError {
    DriverError::Other {
        unit: unit.into(),
        message: format!(
            "the plan names {what} '{name}', which the config does not define (any more); make a new plan with `rvmctl plan`"
        ),
    }
}

impl SlotDriver {
    /// A slot driver for `target` over the given hosts (each with its transport).
    pub fn for_target(
        cfg: &crate::config::Config,
        env: &str,
        target: &ResolvedTarget,
        hosts: Vec<SlotHost>,
    ) -> SlotDriver {
        let cfg2 = cfg.clone();
        let app_name = target.app_name.clone();
        let artifact = target.app.artifact.clone();
        SlotDriver {
            kind: target.kind,
            project: cfg.project().to_string(),
            environment: env.to_string(),
            target: target.name.clone(),
            app_name: target.app_name.clone(),
            app: target.app.clone(),
            analysis: target.analysis.clone(),
            settings: target.settings.clone(),
            hosts,
            artifact: artifact::memoize(move |version| match &artifact {
                Some(a) => artifact::prepare(&cfg2, &app_name, a, version),
                None => Err(format!("app '{app_name}' has no artifact")),
            }),
            known: Known::default(),
            holders: Holders::default(),
            waiting: Waiting::default(),
        }
    }
}

/// Convenience: the resolved target's hosts as `SlotHost`s over one transport factory.
pub fn hosts_for(
    target: &ResolvedTarget,
    base: impl Fn(&HostSpec) -> String,
    transport: impl Fn(&HostSpec) -> Arc<dyn Transport>,
) -> Vec<SlotHost> {
    target.hosts.iter().map(|h| SlotHost { spec: h.clone(), base: base(h), transport: transport(h) }).collect()
}
