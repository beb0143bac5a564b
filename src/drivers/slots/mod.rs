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
//! ```
//!
//! Values (versions, colors, metadata) reach the host's shell only as
//! single-quoted `export`s, never spliced into script text.
//!
//! Files: this one holds the driver's data and the helpers every operation
//! uses; `scripts.rs` the shell scripts run on a host; `stage.rs` putting a
//! release into a slot; `operations.rs` the [`Driver`] contract itself.

mod operations;
mod scripts;
mod stage;

pub use scripts::sh_quote;
use scripts::{CLEAR_STARTED, MARK_STARTED, STOP_PRELUDE, WRITE_META, journaled};

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use super::artifact::{self, ArtifactFn};
use super::driver::{Driver, DriverError, StepOutput, watch_health};
use super::transport::{ExecOutput, Transport, TransportError};
use crate::config::schema::{App, HostSpec, TargetKind};
use crate::config::types::Template;
use crate::config::{Effective, ResolvedTarget, TemplateScope};
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
    pub settings: Effective,
    pub hosts: Vec<SlotHost>,
    /// Resolves the artifact for a version (operator-side I/O).
    pub artifact: ArtifactFn,
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
        h.transport.exec(&script, timeout).await.map_err(|e| match e {
            TransportError::Connect(m) => DriverError::Unreachable { unit: h.spec.name.clone(), message: m },
            other => DriverError::StepFailed {
                unit: h.spec.name.clone(),
                step: step.into(),
                message: other.to_string(),
                output: String::new(),
            },
        })
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

    fn slot_meta(&self, version: &str, sha256: Option<String>, status: SlotStatus) -> String {
        let s = SlotState {
            version: version.into(),
            sha256,
            status,
            updated_at: Timestamp::now(),
            ready: None,
            started: false,
        };
        serde_json::to_string(&s).unwrap_or_default()
    }

    async fn write_meta(&self, h: &SlotHost, color: Color, state: &SlotState) -> Result<(), DriverError> {
        let meta = serde_json::to_string(state).unwrap_or_default();
        let script = format!("{}{WRITE_META}", self.prelude(h, Some(color), None, &[("RVM_META", meta)]));
        self.exec_ok(h, script, self.timeout(), "write slot metadata").await.map(drop)
    }

    /// Marks a slot failed after a failing step (best effort: the error that
    /// caused it is what the operator needs to see).
    async fn mark_failed(&self, h: &SlotHost, color: Color) {
        let state = self.observe(&h.spec.name).await;
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
        // services may run from now on, and a restage must stop them.
        let mark = if starts { MARK_STARTED } else { "" };
        let script = format!(
            "{}{}",
            self.prelude(h, Some(color), Some(version), &[]),
            journaled(&format!("{mark}cd \"$RVM_SLOT_DIR\" || exit 1\n{rendered}"), journal)
        );
        let mut last = None;
        for i in 0..attempts.max(1) {
            if i > 0 {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            match self.exec_ok(h, script.clone(), timeout, step).await {
                Ok(out) => return Ok(StepOutput { detail: out.combined(), skipped: false }),
                Err(e @ DriverError::Unreachable { .. }) => return Err(e),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| DriverError::Other { unit: h.spec.name.clone(), message: "no attempt made".into() }))
    }

    /// Stops the services of `color`'s slot (holding release `version`) in
    /// reverse start order, in one host command run in that slot, then
    /// clears its started marker. The first stop that fails fails the step
    /// with its output, and nothing after it runs.
    async fn stop_services(
        &self,
        h: &SlotHost,
        color: Color,
        version: &str,
        step: &str,
        journal: Option<&JournalEntry>,
    ) -> Result<StepOutput, DriverError> {
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
        let script = format!("{}{}", self.prelude(h, Some(color), Some(version), &[]), journaled(&script, journal));
        let out = self.exec_ok(h, script, self.timeout() * stops.max(1), step).await?;
        Ok(StepOutput { detail: out.combined().trim().to_string(), skipped: false })
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

    fn check_prelude(&self, h: &SlotHost, color: Color, version: &str) -> String {
        format!("{}cd \"$RVM_SLOT_DIR\" 2>/dev/null\n", self.prelude(h, Some(color), Some(version), &[]))
    }

    async fn monitor(
        &self,
        h: &SlotHost,
        color: Color,
        version: &str,
        duration: Duration,
        max_failures: u32,
    ) -> Result<StepOutput, DriverError> {
        watch_health(&h.spec.name, &self.app, duration, max_failures, || self.probe(&h.spec.name, color, version)).await
    }
}

/// A configured command to run in a slot.
struct HostCommand<'a> {
    template: &'a Template,
    timeout: Duration,
    attempts: u32,
    step: String,
    /// A service start: mark the slot started before running it.
    starts: bool,
    /// The step's journal entry, written around the command (folded).
    journal: Option<&'a JournalEntry>,
}

/// A saved plan names something the config no longer has.
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
            settings: target.settings.clone(),
            hosts,
            artifact: artifact::memoize(move |version| match &artifact {
                Some(a) => artifact::prepare(&cfg2, &app_name, a, version),
                None => Err(format!("app '{app_name}' has no artifact")),
            }),
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
