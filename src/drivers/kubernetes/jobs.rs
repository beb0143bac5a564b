//! `migrations.job`: the migration as a Kubernetes Job (`{app}-migrate-
//! {version}`) from the release's migration image, waited on until it
//! succeeds or fails (or the target's `timeout` passes); a failure quotes
//! the Job's condition and its pod's log. The same release's Job is reused
//! when it exists (a retried step does not start a second migration).

use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{ListParams, LogParams, PostParams};
use serde_json::json;

use super::{FIELD_MANAGER, KubeDriver, MANAGED_BY};
use crate::drivers::driver::{DriverError, StepOutput};
use crate::model::Color;

/// How the Job ended (or not yet).
enum JobState {
    Running,
    Succeeded,
    Failed(String),
}

fn job_state(j: &Job) -> JobState {
    let status = j.status.clone().unwrap_or_default();
    let failed = status.conditions.unwrap_or_default().into_iter().find(|c| c.type_ == "Failed" && c.status == "True");
    match (status.succeeded.unwrap_or(0), status.failed.unwrap_or(0), failed) {
        (s, _, _) if s > 0 => JobState::Succeeded,
        (_, _, Some(c)) => JobState::Failed([c.reason, c.message].into_iter().flatten().collect::<Vec<_>>().join(": ")),
        (_, f, None) if f > 0 => JobState::Failed(format!("{f} pod(s) failed")),
        _ => JobState::Running,
    }
}

impl KubeDriver {
    /// The Job's name for `version`: a DNS label of at most 63 characters.
    fn job_name(&self, version: &str) -> String {
        let raw = format!("{}-migrate-{version}", self.app_name).to_ascii_lowercase();
        let s: String = raw.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).take(63).collect();
        s.trim_matches('-').to_string()
    }

    pub(super) async fn migration_job(&self, version: &str) -> Result<StepOutput, DriverError> {
        let step = "migration run (job)";
        let Some(spec) = self.app.migrations.as_ref().and_then(|m| m.job.clone()) else {
            return Err(self.step_err(step, "no `migrations.job` in the config; plan again"));
        };
        let lookup = self.lookup(Color::Blue, version, "");
        let image = spec.image.render(&lookup).map_err(|m| self.step_err(step, m))?;
        let command = spec
            .command
            .iter()
            .map(|c| c.render(&lookup))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|m| self.step_err(step, m))?;
        let (api, _) = self.api::<Job>().await?;
        let name = self.job_name(version);
        let existing =
            self.call("get", "jobs", &name, api.get_opt(&name)).await.map_err(|e| self.to_driver(step, e))?;
        if existing.is_none() {
            let mut container = json!({ "name": "migrate", "image": image });
            if !command.is_empty() {
                container["command"] = json!(command);
            }
            let job: Job = serde_json::from_value(json!({
                "apiVersion": "batch/v1",
                "kind": "Job",
                "metadata": { "name": name, "labels": { "app": self.app_name, MANAGED_BY: FIELD_MANAGER, "rvmctl.io/migration": "true" } },
                "spec": {
                    "backoffLimit": 0,
                    "template": {
                        "metadata": { "labels": { "app": self.app_name, "rvmctl.io/migration": "true" } },
                        "spec": { "restartPolicy": "Never", "containers": [container] }
                    }
                }
            }))
            .map_err(|e| self.step_err(step, format!("the Job is not valid: {e}")))?;
            let pp = PostParams { dry_run: self.dry_run, field_manager: Some(FIELD_MANAGER.into()) };
            self.call("create", "jobs", &name, api.create(&pp, &job)).await.map_err(|e| self.to_driver(step, e))?;
            if self.dry_run {
                return Ok(StepOutput { detail: format!("dry run: Job {name} validated, not run"), skipped: true });
            }
        }
        let deadline = tokio::time::Instant::now() + self.settings.timeout.get();
        loop {
            let job = self.call("get", "jobs", &name, api.get(&name)).await.map_err(|e| self.to_driver(step, e))?;
            match job_state(&job) {
                JobState::Succeeded => {
                    return Ok(StepOutput { detail: format!("Job {name} ({image}) succeeded"), skipped: false });
                }
                JobState::Failed(why) => {
                    return Err(DriverError::StepFailed {
                        unit: self.app_name.clone(),
                        step: step.into(),
                        message: format!("Job {name} ({image}) failed: {why}"),
                        output: self.job_log(&name).await,
                    });
                }
                JobState::Running if tokio::time::Instant::now() >= deadline => {
                    return Err(DriverError::StepFailed {
                        unit: self.app_name.clone(),
                        step: step.into(),
                        message: format!(
                            "Job {name} ({image}) did not finish within {}; it keeps running: see `kubectl logs job/{name}`",
                            self.settings.timeout
                        ),
                        output: self.job_log(&name).await,
                    });
                }
                JobState::Running => tokio::time::sleep(std::time::Duration::from_millis(500)).await,
            }
        }
    }

    /// The log of the Job's (last) pod, or why there is none.
    async fn job_log(&self, job: &str) -> String {
        let Ok((pods, _)) = self.api::<Pod>().await else { return String::new() };
        let lp = ListParams::default().labels(&format!("job-name={job}"));
        let list = match self.call("list", "pods", job, pods.list(&lp)).await {
            Ok(l) => l,
            Err(e) => return format!("(no pod log: {e})"),
        };
        let Some(last) = list.items.last() else {
            return "(no pod log: the Job has no pod)".into();
        };
        let pod = last.metadata.name.clone().unwrap_or_default();
        let params = LogParams { tail_lines: Some(50), ..Default::default() };
        match self.call("get", "pods/log", &pod, pods.logs(&pod, &params)).await {
            Ok(log) if !log.trim().is_empty() => log,
            // No log (the node is gone, logs are not kept): how its containers ended still says why.
            Ok(_) => terminations(last).unwrap_or_else(|| format!("(pod {pod} left no log)")),
            Err(e) => match terminations(last) {
                Some(t) => format!("{t}\n(no pod log: {e})"),
                None => format!("(no pod log: {e})"),
            },
        }
    }
}

/// How the pod's containers ended, from its status (what `kubectl describe
/// pod` shows): `container migrate: exit 3 (Error): relation "items" does not exist`.
fn terminations(pod: &Pod) -> Option<String> {
    let statuses = pod.status.as_ref()?.container_statuses.as_ref()?;
    let lines: Vec<String> = statuses
        .iter()
        .filter_map(|c| {
            let t = c.state.as_ref()?.terminated.as_ref().or(c.last_state.as_ref()?.terminated.as_ref())?;
            let reason = t.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
            let message = t.message.as_deref().map(|m| format!(": {}", m.trim())).unwrap_or_default();
            Some(format!("container {}: exit {}{reason}{message}", c.name, t.exit_code))
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}
