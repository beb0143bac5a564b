//! The [`Driver`] contract for Kubernetes apps: each operation delegates to
//! the file that owns its concern.

use async_trait::async_trait;

use super::client::ApiFailure;
use super::{ANN_SPEC, KubeDriver};
use crate::config::schema::TargetKind;
use crate::drivers::driver::{Driver, DriverError, LockGuard, StepContext, StepOutput, evaluate_all};
use crate::drivers::transport::LocalTransport;
use crate::gates::analysis::Evaluation;
use crate::gates::health;
use crate::model::{Color, HistoryEntry, JournalEntry, LockInfo, PlanDetails, Step, UnitState};

#[async_trait]
impl Driver for KubeDriver {
    fn kind(&self) -> TargetKind {
        TargetKind::Kubernetes
    }

    fn units(&self) -> Vec<String> {
        vec![self.app_name.clone()]
    }

    async fn observe(&self, unit: &str) -> UnitState {
        match self.observe_inner().await {
            Ok(s) => s,
            // A 403 is an answer, not an outage: retrying will not help.
            Err(e @ ApiFailure::Forbidden(_)) => UnitState::refusing(unit, e.to_string()),
            Err(e) => UnitState::unreachable(unit, e.to_string()),
        }
    }

    async fn prepare(&self, version: &str) -> Result<Option<String>, String> {
        let ns = self.namespace.clone().unwrap_or_else(|| "default".into());
        let obj =
            self.desired_deployment(Color::Blue, version, &ns).map_err(|e| format!("app {}: {e}", self.app_name))?;
        Ok(obj["metadata"]["annotations"][ANN_SPEC].as_str().map(str::to_string))
    }

    async fn lock(
        &self,
        unit: &str,
        info: &LockInfo,
        _: Option<&crate::model::JournalEntry>,
    ) -> Result<Box<dyn LockGuard>, DriverError> {
        self.take_lease(unit, info).await
    }

    async fn run_step(&self, unit: &str, step: &Step, ctx: &StepContext) -> Result<StepOutput, DriverError> {
        let _ = unit;
        match step {
            Step::AcquireLock | Step::ReleaseLock => Ok(StepOutput::default()),
            Step::Stage { color, version, sha256, .. } => self.stage(*color, version, sha256.as_deref()).await,
            Step::WaitReady { color } => self.wait_ready(*color).await,
            Step::PreDeploy { name, .. } => {
                let p = self
                    .app
                    .pre_deploy
                    .iter()
                    .find(|p| &p.name == name)
                    .ok_or_else(|| self.unit_err(format!("unknown pre-deploy check {name}")))?;
                self.operator_command(&p.run, p.timeout, &format!("pre-deploy check {name}"), &ctx.version).await
            }
            Step::Migrate { phase: crate::model::MigrationPhase::Run, version, .. }
                if self.app.migrations.as_ref().is_some_and(|m| m.job.is_some()) =>
            {
                self.migration_job(version).await
            }
            Step::Migrate { phase, version, .. } => {
                let (cmd, timeout) =
                    crate::drivers::driver::migration_command(&self.app, *phase, &self.app_name, version)?;
                self.operator_command(cmd, timeout, &step.label(), version).await
            }
            Step::InstallConfig { color, from } => self.install_config_maps(*color, *from, &ctx.version).await,
            Step::RestoreConfig { color, to } => self.restore_config_maps(*color, *to, &ctx.version).await,
            Step::StartService { .. } => Ok(StepOutput { detail: "kubernetes starts the pods".into(), skipped: true }),
            Step::HealthCheck { name, index, color } => {
                if self.dry_run {
                    return Ok(StepOutput { detail: "dry run: not checked".into(), skipped: true });
                }
                let checks = self.checks(*color, &ctx.version)?;
                let c = checks.get(*index).ok_or_else(|| self.unit_err(format!("unknown health check {name}")))?;
                health::run(LocalTransport::operator(), c, "")
                    .await
                    .map(|detail| StepOutput { detail, skipped: false })
                    .map_err(|m| self.step_err(&format!("health check {name}"), m))
            }
            Step::Canary { color, percent, pause } => {
                self.canary(*color, *percent, pause.as_deref(), &ctx.version).await
            }
            Step::Switch { from, to } => self.switch(*from, *to).await,
            Step::Monitor { duration, color, max_failures, analyses } => {
                self.monitor(*color, &ctx.version, duration.get(), *max_failures, analyses, "post-switch monitor").await
            }
            Step::StopPrevious { color } => self.scale_to_zero(*color).await,
        }
    }

    async fn probe(&self, unit: &str, color: Color, version: &str) -> Result<(), DriverError> {
        let checks = self.checks(color, version)?;
        health::probe_all(LocalTransport::operator(), &checks, "").await.map_err(|(name, message)| {
            DriverError::StepFailed {
                unit: unit.into(),
                step: format!("health check {name}"),
                message,
                output: String::new(),
            }
        })
    }

    async fn analyze(&self, _: &str, color: Color, version: &str) -> Result<Vec<Evaluation>, DriverError> {
        let analyses = self.analyses(color, version, &self.app.analysis)?;
        Ok(evaluate_all(&analyses, LocalTransport::operator()).await)
    }

    async fn append_history(&self, _unit: &str, entry: &HistoryEntry) -> Result<(), DriverError> {
        self.append_history_entry(entry).await
    }

    async fn history(&self, _unit: &str) -> Result<Vec<HistoryEntry>, DriverError> {
        self.read_history().await.map(|(_, e)| e).map_err(|e| self.to_driver("read history", e))
    }

    async fn plan_details(&self, _unit: &str, version: Option<&str>) -> PlanDetails {
        let changes = match version {
            Some(v) => self.changes(v).await.unwrap_or_else(|e| vec![format!("cannot compute the changes: {e}")]),
            None => Vec::new(),
        };
        PlanDetails { changes, guard: self.observed_service_version().map(|rv| format!("service-rv:{rv}")) }
    }

    async fn journal(&self, _unit: &str, entry: Option<&JournalEntry>) -> Result<(), DriverError> {
        self.write_journal(entry).await
    }

    async fn break_lock(&self, _unit: &str) -> Result<(), DriverError> {
        self.break_lease().await
    }
}

impl KubeDriver {
    /// A command of the app run on the operator's machine (pre-deploy
    /// checks, migrations): the cluster runs only the app's pods.
    async fn operator_command(
        &self,
        template: &crate::config::types::Template,
        timeout: Option<crate::config::types::Duration>,
        step: &str,
        version: &str,
    ) -> Result<StepOutput, DriverError> {
        let cmd = template.render(&self.lookup(Color::Blue, version, "")).map_err(|m| self.unit_err(m))?;
        let t = timeout.map(|d| d.get()).unwrap_or(self.settings.timeout.get());
        let out = crate::drivers::transport::Transport::exec(LocalTransport::operator(), &cmd, t)
            .await
            .map_err(|e| self.step_err(step, e.to_string()))?;
        if out.success() {
            Ok(StepOutput { detail: out.combined(), skipped: false })
        } else {
            Err(DriverError::StepFailed {
                unit: self.app_name.clone(),
                step: step.to_string(),
                message: "failed".into(),
                output: out.combined(),
            })
        }
    }
}
