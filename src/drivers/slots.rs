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
//! {base}/.rvmctl/artifacts/          verified artifacts, by sha256
//! ```
//!
//! Values (versions, colors, metadata) reach the host's shell only as
//! single-quoted `export`s, never spliced into script text.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;

use super::transport::{ExecOutput, Held, Transport};
use super::{
    Color, Driver, DriverError, HistoryEntry, JournalEntry, LockGuard, LockInfo, SlotState, SlotStatus, StepContext,
    StepOutput, UnitState,
};
use crate::config::schema::{App, HostSpec, TargetKind};
use crate::config::types::Template;
use crate::config::{Effective, ResolvedTarget};
use crate::gates::health::{self, RenderedCheck};
use crate::plan::Step;

/// Single-quotes `s` for a POSIX shell.
pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// One host of a slot target.
pub struct SlotHost {
    pub spec: HostSpec,
    /// Absolute base directory on the host.
    pub base: String,
    pub transport: Arc<dyn Transport>,
}

/// The artifact to stage, prepared on the operator's side.
#[derive(Debug, Clone)]
pub struct PreparedArtifact {
    /// A .tar.gz on this machine, uploaded to the host.
    pub local_file: Option<PathBuf>,
    /// Or fetched on the host.
    pub url: Option<String>,
    pub sha256: Option<String>,
}

/// Resolves the artifact of a version (operator-side I/O, memoized).
pub type ArtifactFn = Arc<dyn Fn(&str) -> Result<PreparedArtifact, String> + Send + Sync>;

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

const OBSERVE: &str = r#"
S="$RVM_BASE/.rvmctl"
live=$(readlink "$RVM_BASE/current" 2>/dev/null || true)
echo "live=$live"
for c in blue green; do
  if [ -f "$S/$c.json" ]; then printf 'slot_%s=' "$c"; tr -d '\n' < "$S/$c.json"; echo; fi
done
if [ -f "$S/lock.json" ] && [ -f "$S/lock" ] && ! flock -n "$S/lock" true; then
  printf 'lock='; tr -d '\n' < "$S/lock.json"; echo
fi
if [ -f "$S/history.jsonl" ]; then printf 'last='; tail -n 1 "$S/history.jsonl"; fi
if [ -f "$S/journal.json" ]; then printf 'journal='; tr -d '\n' < "$S/journal.json"; echo; fi
true
"#;

const HOLD_LOCK: &str = r#"
S="$RVM_BASE/.rvmctl"
mkdir -p "$S" || exit 1
exec 9>>"$S/lock"
if ! flock -n 9; then printf 'HELD '; tr -d '\n' < "$S/lock.json" 2>/dev/null; echo; exit 75; fi
printf '%s\n' "$RVM_LOCK" > "$S/lock.json"
echo $$ > "$S/lock.pid"
echo LOCKED
cat >/dev/null
rm -f "$S/lock.json" "$S/lock.pid"
"#;

const BREAK_LOCK: &str = r#"
S="$RVM_BASE/.rvmctl"
if [ -f "$S/lock.pid" ]; then pid=$(cat "$S/lock.pid"); pkill -P "$pid" 2>/dev/null; kill "$pid" 2>/dev/null; fi
rm -f "$S/lock.json" "$S/lock.pid"
"#;

const WRITE_META: &str = r#"
S="$RVM_BASE/.rvmctl"; mkdir -p "$S"
printf '%s\n' "$RVM_META" > "$S/$RVM_COLOR.json.tmp" && mv -f "$S/$RVM_COLOR.json.tmp" "$S/$RVM_COLOR.json"
"#;

/// Checks an uploaded/fetched artifact, then unpacks it into the inactive
/// slot through a temporary folder, so a slot is either whole or absent.
const STAGE: &str = r#"
set -eu
S="$RVM_BASE/.rvmctl"; B="$RVM_BASE"; C="$RVM_COLOR"
live=$(readlink "$B/current" 2>/dev/null || true)
if [ "$live" = "$C" ]; then echo "refusing to stage into the live slot $C" >&2; exit 3; fi
sum=$(sha256sum "$RVM_ARTIFACT" | cut -d' ' -f1)
if [ "$sum" != "$RVM_SHA256" ]; then
  echo "checksum mismatch for $RVM_ARTIFACT: expected $RVM_SHA256, got $sum; the slot was not touched" >&2
  rm -f "$RVM_ARTIFACT"; exit 4
fi
printf '%s\n' "$RVM_META_STAGING" > "$S/$C.json.tmp" && mv -f "$S/$C.json.tmp" "$S/$C.json"
rm -rf "$B/.$C.new" "$B/.$C.old"
mkdir -p "$B/.$C.new"
tar -xzf "$RVM_ARTIFACT" -C "$B/.$C.new"
if [ -e "$B/$C" ]; then mv "$B/$C" "$B/.$C.old"; fi
mv "$B/.$C.new" "$B/$C"
rm -rf "$B/.$C.old"
printf '%s\n' "$RVM_META" > "$S/$C.json.tmp" && mv -f "$S/$C.json.tmp" "$S/$C.json"
# keep only artifacts a slot still refers to
for f in "$S"/artifacts/*.tar.gz; do
  [ -e "$f" ] || continue
  h=$(basename "$f" .tar.gz)
  grep -qs "$h" "$S/blue.json" "$S/green.json" || rm -f "$f"
done
"#;

/// The atomic switch: a new symlink renamed over the old one.
const SWITCH: &str = r#"
set -eu
B="$RVM_BASE"; C="$RVM_COLOR"; S="$RVM_BASE/.rvmctl"
[ -d "$B/$C" ] || { echo "slot $C does not exist on this host" >&2; exit 3; }
printf '%s\n' "$RVM_META" > "$S/$C.json.tmp" && mv -f "$S/$C.json.tmp" "$S/$C.json"
ln -sfn "$C" "$B/.current.tmp.$$"
mv -Tf "$B/.current.tmp.$$" "$B/current"
"#;

impl SlotDriver {
    fn host(&self, unit: &str) -> Result<&SlotHost, DriverError> {
        self.hosts.iter().find(|h| h.spec.name == unit).ok_or_else(|| stale_plan(unit, "host", unit))
    }

    /// Template variables for one host/color/version.
    fn lookup<'a>(&'a self, h: &'a SlotHost, color: Color, version: &'a str) -> impl Fn(&str) -> Option<String> + 'a {
        move |name: &str| {
            let v = match name {
                "version" => version.to_string(),
                "color" => color.to_string(),
                "base_dir" => h.base.clone(),
                "slot_dir" => format!("{}/{}", h.base, color),
                "host" => h.spec.name.clone(),
                "address" => h.spec.address.clone().unwrap_or_else(|| h.spec.name.clone()),
                "environment" => self.environment.clone(),
                "project" => self.project.clone(),
                "app" => self.app_name.clone(),
                "target" => self.target.clone(),
                _ => return h.spec.vars.get(name).map(|v| v.0.clone()),
            };
            Some(v)
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
            super::transport::TransportError::Connect(m) => {
                DriverError::Unreachable { unit: h.spec.name.clone(), message: m }
            }
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
        let s = SlotState { version: version.into(), sha256, status, updated_at: Timestamp::now(), ready: None };
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

    async fn stage(
        &self,
        h: &SlotHost,
        color: Color,
        version: &str,
        reuse: bool,
        planned_sha: Option<&str>,
    ) -> Result<StepOutput, DriverError> {
        let unit = h.spec.name.clone();
        let fail = |message: String| DriverError::StepFailed {
            unit: unit.clone(),
            step: "stage".into(),
            message,
            output: String::new(),
        };
        let art = (self.artifact)(version).map_err(fail)?;
        let sha =
            art.sha256.clone().ok_or_else(|| fail("the artifact's sha256 is unknown; set artifact.sha256".into()))?;
        if let Some(p) = planned_sha {
            if p != sha {
                return Err(fail(format!(
                    "the artifact changed since the plan was made (plan {p}, now {sha}); make a new plan"
                )));
            }
        }
        if reuse {
            let state = self.observe(&unit).await;
            if state.slot(color).is_some_and(|s| s.version == version && s.sha256.as_deref() == Some(sha.as_str())) {
                return Ok(StepOutput {
                    detail: format!("{version} already staged in {color} (sha256 {})", &sha[..12]),
                    skipped: true,
                });
            }
        }
        let remote = format!("{}/.rvmctl/artifacts/{sha}.tar.gz", h.base);
        let have = self
            .exec(
                h,
                format!(
                    "{}[ -f {} ] && sha256sum {} | cut -d' ' -f1",
                    self.prelude(h, None, None, &[]),
                    sh_quote(&remote),
                    sh_quote(&remote)
                ),
                self.timeout(),
                "stage",
            )
            .await?;
        if have.stdout.trim() != sha {
            if let Some(local) = &art.local_file {
                h.transport
                    .upload(local, &remote, self.timeout())
                    .await
                    .map_err(|e| fail(format!("upload failed: {e}")))?;
            } else if let Some(url) = &art.url {
                let script = format!(
                    "{}set -eu\nmkdir -p \"$RVM_BASE/.rvmctl/artifacts\"\ncurl -fsSL --retry 2 -o {q}.part {u} && mv -f {q}.part {q}",
                    self.prelude(h, None, None, &[]),
                    q = sh_quote(&remote),
                    u = sh_quote(url)
                );
                self.exec_ok(h, script, self.timeout(), "download artifact").await?;
            }
        }
        let extra = [
            ("RVM_ARTIFACT", remote.clone()),
            ("RVM_SHA256", sha.clone()),
            ("RVM_META_STAGING", self.slot_meta(version, Some(sha.clone()), SlotStatus::Staging)),
            ("RVM_META", self.slot_meta(version, Some(sha.clone()), SlotStatus::Staged)),
        ];
        let script = format!("{}{STAGE}", self.prelude(h, Some(color), Some(version), &extra));
        self.exec_ok(h, script, self.timeout(), "stage").await?;
        Ok(StepOutput { detail: format!("staged {version} into {color} (sha256 {})", &sha[..12]), skipped: false })
    }

    /// Runs a configured command in the slot dir with retries.
    async fn run_command(
        &self,
        h: &SlotHost,
        color: Color,
        version: &str,
        cmd: HostCommand<'_>,
    ) -> Result<StepOutput, DriverError> {
        let HostCommand { template, timeout, attempts, step } = cmd;
        let step = step.as_str();
        let rendered = self.render(h, color, version, template)?;
        let script =
            format!("{}cd \"$RVM_SLOT_DIR\" || exit 1\n{rendered}", self.prelude(h, Some(color), Some(version), &[]));
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
        super::watch_health(&h.spec.name, &self.app, duration, max_failures, || {
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

struct SlotLock {
    held: Box<dyn Held>,
    unit: String,
}

#[async_trait]
impl LockGuard for SlotLock {
    async fn release(self: Box<Self>) -> Result<(), DriverError> {
        let unit = self.unit.clone();
        self.held.release().await.map_err(|e| DriverError::Other { unit, message: format!("releasing the lock: {e}") })
    }
}

fn parse_observation(unit: &str, out: &str) -> UnitState {
    let mut st = UnitState::empty(unit);
    for line in out.lines() {
        let Some((k, v)) = line.split_once('=') else { continue };
        match k {
            "live" => st.live = Color::parse(v),
            "slot_blue" => st.blue = serde_json::from_str(v).ok(),
            "slot_green" => st.green = serde_json::from_str(v).ok(),
            "lock" => st.lock = serde_json::from_str(v).ok(),
            "last" => st.last = serde_json::from_str(v).ok(),
            "journal" => st.journal = serde_json::from_str(v).ok(),
            _ => {}
        }
    }
    st
}

#[async_trait]
impl Driver for SlotDriver {
    fn kind(&self) -> TargetKind {
        self.kind
    }

    fn units(&self) -> Vec<String> {
        self.hosts.iter().map(|h| h.spec.name.clone()).collect()
    }

    async fn observe(&self, unit: &str) -> UnitState {
        let h = match self.host(unit) {
            Ok(h) => h,
            Err(e) => return UnitState::unreachable(unit, e.to_string()),
        };
        let script = format!("{}{OBSERVE}", self.prelude(h, None, None, &[]));
        match h.transport.exec(&script, self.timeout().min(Duration::from_secs(60))).await {
            Ok(out) if out.success() => parse_observation(unit, &out.stdout),
            Ok(out) => UnitState::unreachable(unit, format!("observing the host failed: {}", out.combined().trim())),
            Err(e) => UnitState::unreachable(unit, e.to_string()),
        }
    }

    async fn prepare(&self, version: &str) -> Result<Option<String>, String> {
        let f = self.artifact.clone();
        let v = version.to_string();
        tokio::task::spawn_blocking(move || f(&v)).await.map_err(|e| e.to_string())?.map(|a| a.sha256)
    }

    async fn lock(&self, unit: &str, info: &LockInfo) -> Result<Box<dyn LockGuard>, DriverError> {
        let h = self.host(unit)?;
        let json = serde_json::to_string(info).unwrap_or_default();
        let script = format!("{}{HOLD_LOCK}", self.prelude(h, None, None, &[("RVM_LOCK", json)]));
        let (held, first) = h.transport.hold(&script, Duration::from_secs(30)).await.map_err(|e| {
            DriverError::Unreachable { unit: unit.into(), message: format!("cannot take the lock: {e}") }
        })?;
        if first.trim() == "LOCKED" {
            return Ok(Box::new(SlotLock { held, unit: unit.into() }));
        }
        let _ = held.release().await;
        let info =
            first.strip_prefix("HELD ").and_then(|j| serde_json::from_str::<LockInfo>(j).ok()).unwrap_or_else(|| {
                LockInfo {
                    holder: "another process".into(),
                    since: Timestamp::now(),
                    operation: "unknown".into(),
                    plan_hash: None,
                }
            });
        Err(DriverError::Locked { unit: unit.into(), info })
    }

    async fn run_step(&self, unit: &str, step: &Step, ctx: &StepContext) -> Result<StepOutput, DriverError> {
        let h = self.host(unit)?;
        let v = ctx.version.as_str();
        let result = match step {
            Step::AcquireLock | Step::ReleaseLock | Step::WaitReady { .. } | Step::Canary { .. } => {
                Ok(StepOutput::default())
            }
            Step::Stage { color, version, reuse, sha256 } => {
                self.stage(h, *color, version, *reuse, sha256.as_deref()).await
            }
            Step::PreDeploy { name, color } => match self.app.pre_deploy.iter().find(|p| &p.name == name) {
                Some(p) => {
                    let color = *color;
                    let t = p.timeout.map(|d| d.get()).unwrap_or(self.timeout());
                    self.run_command(
                        h,
                        color,
                        v,
                        HostCommand {
                            template: &p.run,
                            timeout: t,
                            attempts: 1,
                            step: format!("pre-deploy check {name}"),
                        },
                    )
                    .await
                }
                None => Err(stale_plan(unit, "pre-deploy check", name)),
            },
            Step::StartService { name, color } => match self.app.services.iter().find(|s| &s.name == name) {
                Some(s) => {
                    let t = s.timeout.map(|d| d.get()).unwrap_or(self.timeout());
                    let attempts = s.retries.unwrap_or(self.settings.retry_attempts.saturating_sub(1)) + 1;
                    self.run_command(
                        h,
                        *color,
                        v,
                        HostCommand { template: &s.start, timeout: t, attempts, step: format!("start {name}") },
                    )
                    .await
                }
                None => Err(stale_plan(unit, "service", name)),
            },
            Step::HealthCheck { index, color, name } => {
                let checks = self.checks(h, *color, v)?;
                let c = checks.get(*index).ok_or_else(|| stale_plan(unit, "health check", name))?;
                health::run(h.transport.as_ref(), c, &self.check_prelude(h, *color, v))
                    .await
                    .map(|detail| StepOutput { detail, skipped: false })
                    .map_err(|message| DriverError::StepFailed {
                        unit: unit.into(),
                        step: format!("health check {name}"),
                        message,
                        output: String::new(),
                    })
            }
            Step::Switch { to, .. } => {
                let state = self.observe(unit).await;
                if let (Some(message), None) = (&state.error, state.live) {
                    return Err(DriverError::Unreachable { unit: unit.into(), message: message.clone() });
                }
                let slot = state.slot(*to).cloned().ok_or_else(|| DriverError::Other {
                    unit: unit.into(),
                    message: format!("slot {to} is empty; deploy a version into it with `rvmctl deploy --version <v>`"),
                })?;
                if matches!(slot.status, SlotStatus::Staging) {
                    return Err(DriverError::Other {
                        unit: unit.into(),
                        message: format!(
                            "slot {to} is only half staged (an interrupted unpack); refusing to switch. Run the deploy again: it restages the slot"
                        ),
                    });
                }
                let meta = serde_json::to_string(&SlotState {
                    status: SlotStatus::Healthy,
                    updated_at: Timestamp::now(),
                    ..slot
                })
                .unwrap_or_default();
                let script = format!("{}{SWITCH}", self.prelude(h, Some(*to), Some(v), &[("RVM_META", meta)]));
                self.exec_ok(h, script, self.timeout(), "switch")
                    .await
                    .map(|_| StepOutput { detail: format!("live → {to}"), skipped: false })
            }
            Step::Monitor { duration, color } => {
                self.monitor(h, *color, v, duration.get(), ctx.health_check_failures).await
            }
            Step::StopPrevious { color } => {
                let state = self.observe(unit).await;
                let version = state.slot(*color).map(|s| s.version.clone()).unwrap_or_default();
                let mut detail = String::new();
                for s in self.app.services.iter().rev() {
                    if let Some(stop) = &s.stop {
                        let out = self
                            .run_command(
                                h,
                                *color,
                                &version,
                                HostCommand {
                                    template: stop,
                                    timeout: self.timeout(),
                                    attempts: 1,
                                    step: format!("stop {}", s.name),
                                },
                            )
                            .await?;
                        detail.push_str(&out.detail);
                    }
                }
                Ok(StepOutput { detail, skipped: false })
            }
        };
        // A slot whose gate, service or check failed must never be switched to.
        if let (
            Err(DriverError::StepFailed { .. }),
            Step::PreDeploy { color, .. } | Step::StartService { color, .. } | Step::HealthCheck { color, .. },
        ) = (&result, step)
        {
            self.mark_failed(h, *color).await;
        }
        result
    }

    async fn probe(&self, unit: &str, color: Color, version: &str) -> Result<(), DriverError> {
        let h = self.host(unit)?;
        let checks = self.checks(h, color, version)?;
        health::probe_all(h.transport.as_ref(), &checks, &self.check_prelude(h, color, version)).await.map_err(
            |(name, message)| DriverError::StepFailed {
                unit: unit.into(),
                step: format!("health check {name}"),
                message,
                output: String::new(),
            },
        )
    }

    async fn append_history(&self, unit: &str, entry: &HistoryEntry) -> Result<(), DriverError> {
        let h = self.host(unit)?;
        let line = serde_json::to_string(entry).unwrap_or_default();
        let script = format!(
            "{}mkdir -p \"$RVM_BASE/.rvmctl\" && printf '%s\\n' \"$RVM_ENTRY\" >> \"$RVM_BASE/.rvmctl/history.jsonl\"",
            self.prelude(h, None, None, &[("RVM_ENTRY", line)])
        );
        self.exec_ok(h, script, self.timeout(), "record history").await.map(drop)
    }

    async fn history(&self, unit: &str) -> Result<Vec<HistoryEntry>, DriverError> {
        let h = self.host(unit)?;
        let script =
            format!("{}cat \"$RVM_BASE/.rvmctl/history.jsonl\" 2>/dev/null; true", self.prelude(h, None, None, &[]));
        let out = self.exec_ok(h, script, self.timeout(), "read history").await?;
        Ok(out.stdout.lines().filter_map(|l| serde_json::from_str(l).ok()).collect())
    }

    async fn journal(&self, unit: &str, entry: Option<&JournalEntry>) -> Result<(), DriverError> {
        let h = self.host(unit)?;
        let script = match entry {
            Some(e) => {
                let json = serde_json::to_string(e).unwrap_or_default();
                format!(
                    "{}S=\"$RVM_BASE/.rvmctl\"; mkdir -p \"$S\" && printf '%s\\n' \"$RVM_JOURNAL\" > \"$S/journal.json.tmp\" && mv -f \"$S/journal.json.tmp\" \"$S/journal.json\"",
                    self.prelude(h, None, None, &[("RVM_JOURNAL", json)])
                )
            }
            None => format!("{}rm -f \"$RVM_BASE/.rvmctl/journal.json\"", self.prelude(h, None, None, &[])),
        };
        self.exec_ok(h, script, self.timeout(), "journal").await.map(drop)
    }

    async fn break_lock(&self, unit: &str) -> Result<(), DriverError> {
        let h = self.host(unit)?;
        let script = format!("{}{BREAK_LOCK}", self.prelude(h, None, None, &[]));
        self.exec_ok(h, script, self.timeout(), "break lock").await.map(drop)
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
            artifact: super::artifact::memoize(move |version| match &artifact {
                Some(a) => super::artifact::prepare(&cfg2, &app_name, a, version),
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
