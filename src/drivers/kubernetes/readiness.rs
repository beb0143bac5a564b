//! When a color is really ready (not when `kubectl apply` returned): the
//! controller saw the latest spec and every replica is updated, ready and
//! available; and why not, with the pods' warning events, when it is not.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Event;
use kube::api::ListParams;

use super::{KubeDriver, POLL};
use crate::drivers::driver::{DriverError, StepOutput};
use crate::model::Color;

/// What a Deployment's status says about readiness.
#[derive(Debug, Clone, PartialEq)]
pub enum Readiness {
    Ready {
        replicas: i32,
    },
    Progressing {
        summary: String,
    },
    /// ProgressDeadlineExceeded or ReplicaFailure: it will not get ready on its own.
    Failed {
        reason: String,
    },
}

/// Ready means: the controller saw the latest spec (observedGeneration), and
/// updated == ready == available == desired > 0.
pub fn readiness(d: &Deployment) -> Readiness {
    let desired = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let generation = d.metadata.generation.unwrap_or(0);
    let st = d.status.clone().unwrap_or_default();
    let observed = st.observed_generation.unwrap_or(0);
    let (upd, ready, avail) =
        (st.updated_replicas.unwrap_or(0), st.ready_replicas.unwrap_or(0), st.available_replicas.unwrap_or(0));
    let conds = st.conditions.clone().unwrap_or_default();
    for c in &conds {
        let reason = c.reason.clone().unwrap_or_default();
        let failed = (c.type_ == "Progressing" && c.status == "False" && reason == "ProgressDeadlineExceeded")
            || (c.type_ == "ReplicaFailure" && c.status == "True");
        if failed && observed >= generation {
            return Readiness::Failed {
                reason: format!("{} ({reason}): {}", c.type_, c.message.clone().unwrap_or_default()),
            };
        }
    }
    if observed >= generation && desired > 0 && upd == desired && ready == desired && avail == desired {
        return Readiness::Ready { replicas: desired };
    }
    let mut summary = if observed < generation {
        format!("the controller has not seen generation {generation} yet (observed {observed})")
    } else {
        format!("{ready}/{desired} ready, {upd} updated, {avail} available")
    };
    let cs: Vec<String> = conds
        .iter()
        .map(|c| {
            format!(
                "{}={} ({}: {})",
                c.type_,
                c.status,
                c.reason.clone().unwrap_or_default(),
                c.message.clone().unwrap_or_default()
            )
        })
        .collect();
    if !cs.is_empty() {
        summary.push_str(&format!("; conditions: {}", cs.join("; ")));
    }
    Readiness::Progressing { summary }
}

impl KubeDriver {
    pub(super) async fn wait_ready(&self, color: Color) -> Result<StepOutput, DriverError> {
        if self.dry_run {
            return Ok(StepOutput { detail: "dry run: not waiting".into(), skipped: true });
        }
        let started = tokio::time::Instant::now();
        let deadline = started + self.settings.timeout.get();
        let name = self.deployment_name(color);
        loop {
            let d = self.get_deployment(color).await.map_err(|e| self.to_driver("wait ready", e))?;
            let Some(d) = d else {
                return Err(self.step_err("wait ready", format!("Deployment {name} does not exist")));
            };
            match readiness(&d) {
                Readiness::Ready { replicas } => {
                    let mut detail =
                        format!("{name}: {replicas}/{replicas} ready after {:.1}s", started.elapsed().as_secs_f64());
                    if let Some(p) = self.app.preview_service.clone() {
                        self.point_preview(&p, color).await?;
                        detail.push_str(&format!("; preview Service {p} → {color}"));
                    }
                    return Ok(StepOutput { detail, skipped: false });
                }
                Readiness::Failed { reason } => {
                    let events = self.pod_events(color).await;
                    return Err(self.step_err(
                        "wait ready",
                        format!("{name} will not become ready: {reason}{events}; traffic stays where it is"),
                    ));
                }
                Readiness::Progressing { summary } => {
                    if tokio::time::Instant::now() >= deadline {
                        let events = self.pod_events(color).await;
                        return Err(self.step_err(
                            "wait ready",
                            format!(
                                "{name} not ready after {}: {summary}{events}; traffic stays where it is. \
                                 Inspect with `kubectl describe deployment {name}`; raise `timeout` if it is just slow",
                                crate::model::Duration(self.settings.timeout.get())
                            ),
                        ));
                    }
                }
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Warning events of the color's pods (best effort: needs `list events`).
    pub(super) async fn pod_events(&self, color: Color) -> String {
        let Ok((api, _)) = self.api::<Event>().await else { return String::new() };
        let lp = ListParams::default().fields("involvedObject.kind=Pod,type=Warning");
        let prefix = format!("{}-", self.deployment_name(color));
        match self.call("list", "events", "", api.list(&lp)).await {
            Ok(list) => {
                let msgs: Vec<String> = list
                    .items
                    .iter()
                    .filter(|e| e.involved_object.name.as_deref().is_some_and(|n| n.starts_with(&prefix)))
                    .rev()
                    .take(5)
                    .map(|e| {
                        format!(
                            "{} {}: {}",
                            e.involved_object.name.clone().unwrap_or_default(),
                            e.reason.clone().unwrap_or_default(),
                            e.message.clone().unwrap_or_default()
                        )
                    })
                    .collect();
                if msgs.is_empty() { String::new() } else { format!("; pod events: {}", msgs.join(" | ")) }
            }
            Err(_) => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::apps::v1::{DeploymentCondition, DeploymentSpec, DeploymentStatus};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn dep(gen_: i64, observed: i64, desired: i32, ready: i32) -> Deployment {
        Deployment {
            metadata: ObjectMeta { generation: Some(gen_), ..Default::default() },
            spec: Some(DeploymentSpec { replicas: Some(desired), ..Default::default() }),
            status: Some(DeploymentStatus {
                observed_generation: Some(observed),
                updated_replicas: Some(ready),
                ready_replicas: Some(ready),
                available_replicas: Some(ready),
                ..Default::default()
            }),
        }
    }

    #[test]
    fn readiness_needs_the_latest_generation_and_every_replica() {
        assert_eq!(readiness(&dep(2, 2, 3, 3)), Readiness::Ready { replicas: 3 });
        assert!(matches!(readiness(&dep(3, 2, 3, 3)), Readiness::Progressing { .. }));
        assert!(matches!(readiness(&dep(2, 2, 3, 2)), Readiness::Progressing { .. }));
        assert!(matches!(readiness(&dep(2, 2, 0, 0)), Readiness::Progressing { .. }));
        let mut d = dep(2, 2, 3, 0);
        if let Some(s) = d.status.as_mut() {
            s.conditions = Some(vec![DeploymentCondition {
                type_: "Progressing".into(),
                status: "False".into(),
                reason: Some("ProgressDeadlineExceeded".into()),
                message: Some("ReplicaSet \"api-green-1\" has timed out progressing.".into()),
                ..Default::default()
            }]);
        }
        match readiness(&d) {
            Readiness::Failed { reason } => assert!(reason.contains("ProgressDeadlineExceeded"), "{reason}"),
            other => panic!("{other:?}"),
        }
    }
}
