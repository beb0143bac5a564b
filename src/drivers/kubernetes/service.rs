//! The Service whose `color` selector is the live pointer: the guarded
//! switch (never to a color without ready replicas; one write, guarded by
//! the resourceVersion rvmctl read) and the preview Service.

use k8s_openapi::api::core::v1::Service;
use kube::api::Patch;
use serde_json::{Value, json};

use super::client::ApiFailure;
use super::{ANN_CANARY_FROM, ANN_CANARY_PERCENT, FIELD_MANAGER, KubeDriver, MANAGED_BY};
use crate::drivers::driver::{DriverError, StepOutput};
use crate::model::Color;

pub(super) fn color_of_selector(svc: &Service) -> Option<Color> {
    svc.spec.as_ref()?.selector.as_ref()?.get("color").and_then(|c| Color::parse(c))
}

/// A canary under way: the Service selects both colors, and its
/// annotations say which color it started from and the share of replicas
/// the new color has (in percent).
pub(super) fn canary_of(svc: &Service) -> Option<(Color, f64)> {
    if color_of_selector(svc).is_some() {
        return None;
    }
    let ann = svc.metadata.annotations.as_ref()?;
    let from = ann.get(ANN_CANARY_FROM).and_then(|c| Color::parse(c))?;
    let percent = ann.get(ANN_CANARY_PERCENT).and_then(|p| p.parse().ok())?;
    Some((from, percent))
}

/// The live color: the one the selector names, or, during a canary, the
/// one it started from (and goes back to on a rollback).
pub(super) fn live_of(svc: &Service) -> Option<Color> {
    color_of_selector(svc).or_else(|| canary_of(svc).map(|(from, _)| from))
}

impl KubeDriver {
    pub(super) fn service_object(&self, name: &str, color: Color, ns: &str) -> Result<Value, String> {
        let port = self.app.port.ok_or_else(|| {
            format!(
                "Service {name} does not exist; set the app's `port` so rvmctl can create it, or create it yourself"
            )
        })?;
        Ok(json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": { "name": name, "namespace": ns, "labels": { "app": self.app_name, MANAGED_BY: FIELD_MANAGER } },
            "spec": {
                "selector": { "app": self.app_name, "color": color.as_str() },
                "ports": [{ "name": "http", "port": port, "targetPort": port, "protocol": "TCP" }]
            }
        }))
    }

    pub(super) async fn get_service(&self, name: &str) -> Result<Option<Service>, ApiFailure> {
        let (api, _) = self.api::<Service>().await.map_err(|e| ApiFailure::Unreachable(e.to_string()))?;
        self.call("get", "services", name, api.get_opt(name)).await
    }

    pub(super) async fn point_preview(&self, name: &str, color: Color) -> Result<(), DriverError> {
        let (api, ns) = self.api::<Service>().await?;
        let existing = self.get_service(name).await.map_err(|e| self.to_driver("preview", e))?;
        match existing {
            Some(_) => {
                let patch = json!({ "spec": { "selector": { "app": self.app_name, "color": color.as_str() } } });
                self.call("patch", "services", name, api.patch(name, &self.merge_pp(), &Patch::Merge(&patch)))
                    .await
                    .map_err(|e| self.to_driver("preview", e))?;
            }
            None => {
                let obj = self.service_object(name, color, &ns).map_err(|m| self.step_err("preview", m))?;
                let svc: Service = serde_json::from_value(obj).map_err(|e| self.step_err("preview", e.to_string()))?;
                self.call("create", "services", name, api.create(&self.post(), &svc))
                    .await
                    .map_err(|e| self.to_driver("preview", e))?;
            }
        }
        Ok(())
    }

    /// The switch: never to a color without ready replicas, and exactly one
    /// write to the Service, guarded by the resourceVersion read before.
    pub(super) async fn switch(&self, from: Option<Color>, to: Color) -> Result<StepOutput, DriverError> {
        let (api, ns) = self.api::<Service>().await?;
        let target = self.get_deployment(to).await.map_err(|e| self.to_driver("switch", e))?;
        let ready = target.as_ref().and_then(|d| d.status.as_ref()).and_then(|s| s.ready_replicas).unwrap_or(0);
        if ready == 0 && !self.dry_run {
            return Err(self.step_err(
                "switch",
                format!("refusing to switch to {to}: {} has 0 ready replicas", self.deployment_name(to)),
            ));
        }
        let name = self.service_name()?;
        let from = from.map(|f| format!("{f} → ")).unwrap_or_default();
        let existing = self.get_service(&name).await.map_err(|e| self.to_driver("switch", e))?;
        if let Some((started_from, percent)) = existing.as_ref().and_then(canary_of).filter(|(c, _)| *c == to) {
            return self.end_canary(started_from, percent, &ns, &name).await;
        }
        if let Some(svc) = existing {
            // One write, guarded by the resourceVersion rvmctl saw when it
            // observed (or, if it never did, the one just read).
            if let Ok(mut g) = self.service_rv.lock() {
                if g.is_none() {
                    *g = svc.metadata.resource_version.clone();
                }
            }
            self.select(Some(to), None, "switch").await?;
        } else {
            let obj = self.service_object(&name, to, &ns).map_err(|m| self.step_err("switch", m))?;
            let svc: Service = serde_json::from_value(obj).map_err(|e| self.step_err("switch", e.to_string()))?;
            let created = self.call("create", "services", &name, api.create(&self.post(), &svc)).await;
            let created = created.map_err(|e| self.to_driver("switch", e))?;
            if !self.dry_run {
                if let Ok(mut g) = self.service_rv.lock() {
                    *g = created.metadata.resource_version.clone();
                }
            }
        }
        Ok(StepOutput { detail: format!("Service {ns}/{name} selector color: {from}{to}"), skipped: false })
    }

    /// Going back from a canary under way (paused, or left by a run that
    /// stopped): the color it started from at full size again, then the
    /// Service on that color only (one guarded write), then the canary's
    /// color scaled to zero.
    async fn end_canary(&self, live: Color, percent: f64, ns: &str, name: &str) -> Result<StepOutput, DriverError> {
        let total = self.app.replicas.unwrap_or(1).max(1) as i32;
        self.scale(live, total, "switch").await?;
        if !self.dry_run {
            self.wait_ready(live).await?;
        }
        self.select(Some(live), None, "switch").await?;
        self.scale(live.other(), 0, "switch").await?;
        Ok(StepOutput {
            detail: format!(
                "canary of {} ended at {percent}%: Service {ns}/{name} selector color: {live} only, {} back to {total} replica(s), {} scaled to 0",
                live.other(),
                self.deployment_name(live),
                self.deployment_name(live.other())
            ),
            skipped: false,
        })
    }

    /// Writes the Service selector (`Some(color)`: that color only; `None`:
    /// both colors, a canary that started from `canary`'s color with its
    /// share of replicas in percent, written in the Service's annotations
    /// so the next run knows), guarded by the resourceVersion rvmctl last saw.
    pub(super) async fn select(
        &self,
        color: Option<Color>,
        canary: Option<(Color, f64)>,
        step: &str,
    ) -> Result<(), DriverError> {
        let (api, ns) = self.api::<Service>().await?;
        let name = self.service_name()?;
        let rv = self.service_rv.lock().ok().and_then(|g| g.clone());
        let color_value = color.map_or(Value::Null, |c| Value::String(c.to_string()));
        let (from, percent) = match canary.filter(|_| color.is_none()) {
            Some((c, p)) => (Value::String(c.to_string()), Value::String(p.to_string())),
            None => (Value::Null, Value::Null),
        };
        let patch = json!({
            "metadata": { "resourceVersion": rv, "annotations": { ANN_CANARY_FROM: from, ANN_CANARY_PERCENT: percent } },
            "spec": { "selector": { "app": self.app_name, "color": color_value } }
        });
        match self.call("patch", "services", &name, api.patch(&name, &self.merge_pp(), &Patch::Merge(&patch))).await {
            Ok(svc) => {
                if !self.dry_run {
                    if let Ok(mut g) = self.service_rv.lock() {
                        *g = svc.metadata.resource_version.clone();
                    }
                }
                Ok(())
            }
            Err(ApiFailure::Conflict(m)) => Err(self.step_err(
                step,
                format!(
                    "Service {ns}/{name} was changed by someone else since rvmctl read it ({m}); nothing was overwritten. \
                     Look at `kubectl get service {name} -n {ns} -o yaml`, then run `rvmctl plan` again"
                ),
            )),
            Err(e) => Err(self.to_driver(step, e)),
        }
    }
}
