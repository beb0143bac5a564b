//! What is live (the Service selector, both Deployments, the Lease, the
//! last history entry, an unfinished journal) and what a deploy would
//! change, field by field (the plan diff).

use std::collections::BTreeMap;

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::Deployment;
use serde_json::Value;

use super::client::ApiFailure;
use super::readiness::{Readiness, readiness};
use super::service::{canary_of, live_of};
use super::{ANN_SPEC, ANN_VERSION, KubeDriver};
use crate::drivers::driver::DriverError;
use crate::model::{Color, SlotState, SlotStatus, UnitState};

/// Leaf paths of a JSON value: `spec.template.spec.containers[0].image = "x"`.
pub(super) fn flatten(prefix: &str, v: &Value, out: &mut BTreeMap<String, Value>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&p, v, out);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for (i, v) in a.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), v, out);
            }
        }
        other => {
            out.insert(prefix.to_string(), other.clone());
        }
    }
}

/// A readable diff of the fields rvmctl sets: what `desired` would change in `existing`.
pub fn diff_lines(existing: Option<&Value>, desired: &Value) -> Vec<String> {
    let mut want = BTreeMap::new();
    flatten("", desired, &mut want);
    want.retain(|k, _| !k.starts_with("apiVersion") && !k.starts_with("kind") && !k.starts_with("metadata.namespace"));
    let mut have = BTreeMap::new();
    if let Some(e) = existing {
        flatten("", e, &mut have);
    }
    let show = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    want.iter()
        .filter_map(|(k, v)| match have.get(k) {
            None if existing.is_none() => Some(format!("  + {k}: {}", show(v))),
            None => Some(format!("  + {k}: {}", show(v))),
            Some(old) if old != v => Some(format!("  ~ {k}: {} → {}", show(old), show(v))),
            Some(_) => None,
        })
        .collect()
}

impl KubeDriver {
    pub(super) fn slot(&self, d: &Deployment, live: bool) -> SlotState {
        let ann = d.metadata.annotations.clone().unwrap_or_default();
        let labels = d.metadata.labels.clone().unwrap_or_default();
        let version = ann.get(ANN_VERSION).or_else(|| labels.get("version")).cloned().unwrap_or_else(|| "?".into());
        let desired = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
        let ready = d.status.as_ref().and_then(|s| s.ready_replicas).unwrap_or(0);
        let status = match readiness(d) {
            Readiness::Ready { .. } if live => SlotStatus::Healthy,
            Readiness::Ready { .. } => SlotStatus::Staged,
            Readiness::Failed { .. } => SlotStatus::Failed,
            // Scaled to zero on purpose: staged but not serving (rollback refuses it).
            Readiness::Progressing { .. } if desired == 0 => SlotStatus::Staged,
            Readiness::Progressing { .. } if live && ready > 0 => SlotStatus::Healthy,
            Readiness::Progressing { .. } => SlotStatus::Staging,
        };
        let updated_at = d.metadata.creation_timestamp.as_ref().map(|t| t.0).unwrap_or_else(Timestamp::now);
        SlotState {
            version,
            sha256: ann.get(ANN_SPEC).cloned(),
            status,
            updated_at,
            ready: Some(format!("{ready}/{desired}")),
            image: d.spec.as_ref().and_then(|s| super::first_image(&s.template)),
            started: false,
        }
    }

    pub(super) async fn observe_inner(&self) -> Result<UnitState, ApiFailure> {
        let svc_name = self.service_name().map_err(|e| ApiFailure::Other(e.to_string()))?;
        let svc = self.get_service(&svc_name).await?;
        let live = svc.as_ref().and_then(live_of);
        let canary = svc.as_ref().and_then(canary_of).map(|(_, p)| p);
        if let Ok(mut rv) = self.service_rv.lock() {
            *rv = svc.as_ref().and_then(|s| s.metadata.resource_version.clone());
        }
        let blue = self.get_deployment(Color::Blue).await?;
        let green = self.get_deployment(Color::Green).await?;
        let lock = self.current_lock().await?.map(|(info, _)| info);
        let last = self.read_history().await?.1.pop();
        let journal = self.read_journal().await?;
        Ok(UnitState {
            unit: self.app_name.clone(),
            live,
            blue: blue.as_ref().map(|d| self.slot(d, live == Some(Color::Blue))),
            green: green.as_ref().map(|d| self.slot(d, live == Some(Color::Green))),
            lock,
            last,
            journal,
            canary,
            ..UnitState::empty(&self.app_name)
        })
    }

    /// What the plan's deploy of `version` would create or change, as readable lines.
    pub async fn changes(&self, version: &str) -> Result<Vec<String>, DriverError> {
        let (_, ns) = self.api::<Deployment>().await?;
        let svc_name = self.service_name()?;
        let svc = self.get_service(&svc_name).await.map_err(|e| self.to_driver("plan", e))?;
        let live = svc.as_ref().and_then(live_of);
        let canary = svc.as_ref().and_then(canary_of);
        let to = live.map(Color::other).unwrap_or(Color::Blue);
        let desired = self.desired_deployment(to, version, &ns).map_err(|m| self.step_err("plan", m))?;
        let existing = self.get_deployment(to).await.map_err(|e| self.to_driver("plan", e))?;
        let mut out = Vec::new();
        if let Some((from, percent)) = canary {
            out.push(format!(
                "a canary of {to} is under way at {percent}% (the Service selects both colors; {from} is what a rollback returns to)"
            ));
        }
        let name = self.deployment_name(to);
        match existing {
            None => out.push(format!("create Deployment {ns}/{name} (server-side apply, field manager rvmctl):")),
            Some(_) => out.push(format!("patch Deployment {ns}/{name} (server-side apply, field manager rvmctl):")),
        }
        let existing_v = existing.map(|d| serde_json::to_value(d).unwrap_or(Value::Null));
        let lines = diff_lines(existing_v.as_ref(), &desired);
        if lines.is_empty() {
            out.push("  (no change)".into());
        }
        out.extend(lines);
        if let Some(p) = &self.app.preview_service {
            out.push(format!("point Service {ns}/{p} at {to} (selector color: {to}) before health checks"));
        }
        match &svc {
            None => out.push(format!("create Service {ns}/{svc_name} selecting app={}, color={to}", self.app_name)),
            Some(s) => {
                let sel = s.spec.as_ref().and_then(|s| s.selector.clone()).unwrap_or_default();
                let rv = s.metadata.resource_version.clone().unwrap_or_default();
                match live {
                    Some(l) => out.push(format!(
                        "patch Service {ns}/{svc_name}: selector color: {l} → {to} (one write, guarded by resourceVersion {rv})"
                    )),
                    None => {
                        let sel_s: Vec<String> = sel.iter().map(|(k, v)| format!("{k}={v}")).collect();
                        out.push(format!(
                            "ADOPT Service {ns}/{svc_name}: selector {{{}}} → add color={to} (one write, guarded by resourceVersion {rv}); \
                             the pods it selects today stop receiving traffic, their Deployment is left as it is",
                            sel_s.join(", ")
                        ));
                    }
                }
            }
        }
        if let (false, Some(l)) = (self.settings.keep_previous, live) {
            out.push(format!("scale Deployment {ns}/{} to 0 after the monitor", self.deployment_name(l)));
        }
        Ok(out)
    }

    /// The resourceVersion of the live Service, for the plan's fingerprint.
    pub fn observed_service_version(&self) -> Option<String> {
        self.service_rv.lock().ok().and_then(|g| g.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_shows_only_changed_fields() {
        let old = json!({"spec": {"replicas": 2, "template": {"image": "a:1"}}, "status": {"x": 1}});
        let new = json!({"spec": {"replicas": 2, "template": {"image": "a:2"}}});
        assert_eq!(diff_lines(Some(&old), &new), vec!["  ~ spec.template.image: a:1 → a:2".to_string()]);
        assert_eq!(diff_lines(None, &json!({"a": {"b": 1}})), vec!["  + a.b: 1".to_string()]);
    }
}
