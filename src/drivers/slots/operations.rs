//! The [`Driver`] contract on slot hosts: observe, lock, run a plan step,
//! probe, history, journal.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;

use super::scripts::{
    BREAK_LOCK, JOURNAL_FN, OBSERVED, Request, SWITCH, hold_lock_script, journaled, observe_then_wait, parse_artifacts,
    parse_observation,
};
use super::{ConfigMove, Holders, HostCommand, HostView, Known, SharedHeld, SlotDriver, stale_plan};
use crate::config::schema::TargetKind;
use crate::drivers::driver::{Driver, DriverError, LockGuard, StepContext, StepOutput, evaluate_all};
use crate::drivers::transport::TransportError;
use crate::gates::analysis::Evaluation;
use crate::gates::health;
use crate::model::{Color, HistoryEntry, JournalEntry, LockInfo, SlotState, SlotStatus, Step, UnitState};

struct SlotLock {
    held: SharedHeld,
    unit: String,
    known: Known,
    holders: Holders,
}

#[async_trait]
impl LockGuard for SlotLock {
    async fn release(self: Box<Self>) -> Result<(), DriverError> {
        let unit = self.unit.clone();
        self.known.forget(&unit);
        self.holders.remove(&unit);
        let Some(held) = self.held.lock().await.take() else { return Ok(()) };
        held.release().await.map_err(|e| DriverError::Other { unit, message: format!("releasing the lock: {e}") })
    }
}

#[async_trait]
impl Driver for SlotDriver {
    fn kind(&self) -> TargetKind {
        self.kind
    }

    fn units(&self) -> Vec<String> {
        self.hosts.iter().map(|h| h.spec.name.clone()).collect()
    }

    /// One session on the host that observes it and then waits: a lock
    /// taken after the plan rides on it (see [`observe_then_wait`]).
    async fn observe(&self, unit: &str) -> UnitState {
        let h = match self.host(unit) {
            Ok(h) => h,
            Err(e) => return UnitState::unreachable(unit, e.to_string()),
        };
        let script = format!("{}{}", self.prelude(h, None, None, &[]), observe_then_wait());
        match h.transport.hold(&script, self.timeout().min(Duration::from_secs(60))).await {
            Ok((held, said)) if said.lines().any(|l| l == OBSERVED) => {
                self.waiting.put(unit, held);
                parse_observation(unit, &said)
            }
            // It ended before it finished looking: a plain look says why.
            Ok((held, _)) => {
                let _ = held.release().await;
                self.look(h).await.state
            }
            Err(TransportError::Refused(m)) => UnitState::refusing(unit, m),
            Err(e) => UnitState::unreachable(unit, e.to_string()),
        }
    }

    async fn prepare(&self, version: &str) -> Result<Option<String>, String> {
        let f = self.artifact.clone();
        let v = version.to_string();
        tokio::task::spawn_blocking(move || f(&v)).await.map_err(|e| e.to_string())?.map(|a| a.sha256)
    }

    async fn lock(
        &self,
        unit: &str,
        info: &LockInfo,
        journal: Option<&JournalEntry>,
    ) -> Result<Box<dyn LockGuard>, DriverError> {
        let h = self.host(unit)?;
        let json = serde_json::to_string(info).unwrap_or_default();
        let entry = journal.map(|e| serde_json::to_string(e).unwrap_or_default()).unwrap_or_default();
        let vars = [("RVM_LOCK", json), ("RVM_JOURNAL", entry)];
        let wait = Duration::from_secs(30);
        // The session of this unit's observation, if it is still open, takes the lock.
        let mut reused = None;
        if let Some(mut w) = self.waiting.take(unit) {
            let [(_, lock), (_, journal)] = &vars;
            match w.ask(&format!("{} {lock}\t{journal}", Request::LOCK), wait).await {
                Ok(said) => reused = Some((w, said)),
                Err(e) => {
                    tracing::debug!(unit, error = %e, "the observation's session could not take the lock; opening one");
                    let _ = w.release().await;
                }
            }
        }
        let (held, said) = match reused {
            Some(r) => r,
            None => {
                let script = format!("{}{}", self.prelude(h, None, None, &vars), hold_lock_script());
                h.transport.hold(&script, wait).await.map_err(|e| match e {
                    TransportError::Refused(message) => DriverError::Refused { unit: unit.into(), message },
                    e => DriverError::Unreachable { unit: unit.into(), message: format!("cannot take the lock: {e}") },
                })?
            }
        };
        let first = said.lines().next().unwrap_or_default();
        if first.trim() == "LOCKED" {
            // What the holder saw once it held the lock: the steps start from it.
            let view = HostView { state: parse_observation(unit, &said), artifacts: parse_artifacts(&said) };
            self.known.set(unit, view);
            let held: SharedHeld = Arc::new(tokio::sync::Mutex::new(Some(held)));
            self.holders.insert(unit, held.clone());
            return Ok(Box::new(SlotLock {
                held,
                unit: unit.into(),
                known: self.known.clone(),
                holders: self.holders.clone(),
            }));
        }
        let _ = held.release().await;
        let info =
            first.strip_prefix("HELD ").and_then(|j| serde_json::from_str::<LockInfo>(j).ok()).unwrap_or_else(|| {
                LockInfo {
                    holder: "another process".into(),
                    since: Timestamp::now(),
                    operation: "unknown".into(),
                    plan_hash: None,
                    expires: None,
                }
            });
        Err(DriverError::Locked { unit: unit.into(), info: Box::new(info) })
    }

    async fn run_step(&self, unit: &str, step: &Step, ctx: &StepContext) -> Result<StepOutput, DriverError> {
        let h = self.host(unit)?;
        let v = ctx.version.as_str();
        let result = match step {
            Step::AcquireLock | Step::ReleaseLock | Step::WaitReady { .. } | Step::Canary { .. } => {
                Ok(StepOutput::default())
            }
            Step::Stage { color, version, reuse, sha256 } => {
                self.stage(h, *color, version, *reuse, sha256.as_deref(), ctx.journal.as_ref()).await
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
                            starts: None,
                            journal: ctx.journal.as_ref(),
                        },
                    )
                    .await
                }
                None => Err(stale_plan(unit, "pre-deploy check", name)),
            },
            Step::Migrate { phase, color, version } => {
                let (template, timeout) = crate::drivers::driver::migration_command(&self.app, *phase, unit, version)?;
                self.run_command(
                    h,
                    *color,
                    version,
                    HostCommand {
                        template,
                        timeout: timeout.map(|d| d.get()).unwrap_or(self.timeout()),
                        attempts: 1,
                        step: step.label(),
                        starts: None,
                        journal: ctx.journal.as_ref(),
                    },
                )
                .await
            }
            Step::InstallConfig { color, from } => {
                self.move_config(h, *color, v, ConfigMove::Install { from: *from }, ctx).await
            }
            Step::RestoreConfig { color, to } => {
                self.move_config(h, *color, v, ConfigMove::Restore { to: *to }, ctx).await
            }
            Step::StartService { name, color } => match self.app.services.iter().find(|s| &s.name == name) {
                Some(s) => {
                    let t = s.timeout.map(|d| d.get()).unwrap_or(self.timeout());
                    let attempts = s.retries.unwrap_or(self.settings.retry_attempts.saturating_sub(1)) + 1;
                    self.run_command(
                        h,
                        *color,
                        v,
                        HostCommand {
                            template: &s.start,
                            timeout: t,
                            attempts,
                            step: format!("start {name}"),
                            starts: Some(name),
                            journal: ctx.journal.as_ref(),
                        },
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
                let state = self.view(h).await.state;
                if let Some(e) = DriverError::unobserved(&state) {
                    return Err(e);
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
                let script = format!(
                    "{}{}",
                    self.prelude(h, Some(*to), Some(v), &[("RVM_META", meta)]),
                    journaled(SWITCH, ctx.journal.as_ref())
                );
                let out = self.exec_ok(h, script, self.timeout(), "switch").await;
                if out.is_ok() {
                    self.known.update(unit, |v| {
                        v.state.live = Some(*to);
                        if let Some(s) = v.state.slot_mut(*to) {
                            s.status = SlotStatus::Healthy;
                        }
                    });
                }
                out.map(|_| StepOutput { detail: format!("live → {to}"), skipped: false })
            }
            Step::Monitor { duration, color, max_failures, analyses } => {
                self.monitor(h, *color, v, duration.get(), *max_failures, analyses, "post-switch monitor").await
            }
            Step::StopPrevious { color } => {
                let state = self.view(h).await.state;
                let version = state.slot(*color).map(|s| s.version.clone()).unwrap_or_default();
                self.stop_services(h, *color, &version, "stop previous", ctx.journal.as_ref()).await
            }
        };
        // What a failed step left behind is looked at again when needed.
        if result.is_err() {
            self.known.forget(unit);
        }
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

    async fn watch(
        &self,
        unit: &str,
        color: Color,
        version: &str,
        duration: Duration,
        analysis: &str,
        step: &str,
    ) -> Result<StepOutput, DriverError> {
        let h = self.host(unit)?;
        let names = [analysis.to_string()];
        self.monitor(h, color, version, duration, self.settings.health_check_failures, &names, step).await
    }

    async fn analyze(&self, unit: &str, color: Color, version: &str) -> Result<Vec<Evaluation>, DriverError> {
        let h = self.host(unit)?;
        let analyses = self.analyses(h, color, version, &self.app.analysis)?;
        Ok(evaluate_all(&analyses, h.transport.as_ref()).await)
    }

    async fn append_history(&self, unit: &str, entry: &HistoryEntry) -> Result<(), DriverError> {
        self.record(unit, entry, false).await
    }

    async fn record(&self, unit: &str, entry: &HistoryEntry, clear_journal: bool) -> Result<(), DriverError> {
        let h = self.host(unit)?;
        let line = serde_json::to_string(entry).unwrap_or_default();
        let request = if clear_journal { Request::RECORD_CLEAR } else { Request::RECORD };
        if self.ask_holder(unit, &format!("{request} {line}"), "record history").await? {
            return Ok(());
        }
        let clear = if clear_journal { " && rm -f \"$RVM_BASE/.rvmctl/journal.json\"" } else { "" };
        let script = format!(
            "{}mkdir -p \"$RVM_BASE/.rvmctl\" && printf '%s\\n' \"$RVM_ENTRY\" >> \"$RVM_BASE/.rvmctl/history.jsonl\"{clear}",
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
                    "{}{JOURNAL_FN}rvm_journal \"$RVM_JOURNAL\"",
                    self.prelude(h, None, None, &[("RVM_JOURNAL", json)])
                )
            }
            None => {
                if self.ask_holder(unit, Request::FORGET, "clear the journal").await? {
                    return Ok(());
                }
                format!("{}rm -f \"$RVM_BASE/.rvmctl/journal.json\"", self.prelude(h, None, None, &[]))
            }
        };
        self.exec_ok(h, script, self.timeout(), "journal").await.map(drop)
    }

    fn folds_journal(&self) -> bool {
        true
    }

    async fn break_lock(&self, unit: &str) -> Result<(), DriverError> {
        let h = self.host(unit)?;
        let script = format!("{}{BREAK_LOCK}", self.prelude(h, None, None, &[]));
        self.exec_ok(h, script, self.timeout(), "break lock").await.map(drop)
    }
}

impl SlotDriver {
    /// Has `unit`'s lock holder do `request` (`what`, for errors): `true`
    /// once done, `false` when this driver does not hold `unit` or its holder
    /// is gone (the caller then runs its own command).
    async fn ask_holder(&self, unit: &str, request: &str, what: &str) -> Result<bool, DriverError> {
        match self.holders.ask(unit, request, self.timeout()).await {
            Some(Ok(answer)) if answer.trim() == "OK" => Ok(true),
            Some(Ok(answer)) => {
                Err(DriverError::Other { unit: unit.into(), message: format!("{what}: {}", answer.trim()) })
            }
            // It may have done it: doing it again could write history twice.
            Some(Err(e @ TransportError::Timeout(_))) => Err(DriverError::Other {
                unit: unit.into(),
                message: format!("{what}: the lock holder did not answer: {e}"),
            }),
            Some(Err(e)) => {
                tracing::debug!(unit, what, error = %e, "the lock holder did not answer; running a command instead");
                Ok(false)
            }
            None => Ok(false),
        }
    }
}
