//! `rvmctl adopt`: bring an existing Deployment + Service under rvmctl (a
//! blue copy of its pod template, then the guarded Service switch).

use k8s_openapi::api::apps::v1::Deployment;
use kube::api::Patch;
use serde_json::{Value, json};

use super::deployments::{label_value, merge_into};
use super::observe::diff_lines;
use super::service::color_of_selector;
use super::{ANN_VERSION, KubeDriver};
use crate::drivers::driver::DriverError;
use crate::model::{AdoptPlan, Color};

impl KubeDriver {
    /// What `rvmctl adopt` would do with an existing Deployment + Service.
    pub async fn adopt_plan(&self, existing: &str) -> Result<AdoptPlan, DriverError> {
        let (dapi, ns) = self.api::<Deployment>().await?;
        let svc_name = self.service_name()?;
        let d = self
            .call("get", "deployments", existing, dapi.get_opt(existing))
            .await
            .map_err(|e| self.to_driver("adopt", e))?
            .ok_or_else(|| {
                self.unit_err(format!("Deployment {ns}/{existing} does not exist; name it with --deployment"))
            })?;
        let svc = self
            .get_service(&svc_name)
            .await
            .map_err(|e| self.to_driver("adopt", e))?
            .ok_or_else(|| self.unit_err(format!("Service {ns}/{svc_name} does not exist; nothing to adopt")))?;
        if let Some(c) = color_of_selector(&svc) {
            return Err(self.unit_err(format!(
                "Service {svc_name} already selects color {c}: this app is managed by rvmctl already (see `rvmctl status`)"
            )));
        }
        if self.get_deployment(Color::Blue).await.map_err(|e| self.to_driver("adopt", e))?.is_some() {
            return Err(self.unit_err(format!(
                "Deployment {} exists already; delete it or finish with `rvmctl deploy`",
                self.deployment_name(Color::Blue)
            )));
        }
        let labels = d.metadata.labels.clone().unwrap_or_default();
        let image = d.spec.as_ref().and_then(|s| super::first_image(&s.template)).unwrap_or_default();
        let version = labels
            .get("version")
            .cloned()
            .or_else(|| image.rsplit_once(':').map(|(_, t)| t.to_string()).filter(|t| !t.contains('/')))
            .unwrap_or_else(|| "adopted".into());
        let mut template = serde_json::to_value(d.spec.as_ref().map(|s| s.template.clone())).unwrap_or(Value::Null);
        let blue_labels = self.labels(Color::Blue, &version);
        merge_into(&mut template["metadata"]["labels"], &blue_labels);
        let replicas = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
        let blue = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {
                "name": self.deployment_name(Color::Blue), "namespace": ns,
                "labels": blue_labels, "annotations": { ANN_VERSION: version },
            },
            "spec": {
                "replicas": replicas,
                "selector": { "matchLabels": { "app": self.app_name, "color": "blue" } },
                "template": template,
            }
        });
        let sel = svc.spec.as_ref().and_then(|s| s.selector.clone()).unwrap_or_default();
        let sel_s: Vec<String> = sel.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let rv = svc.metadata.resource_version.clone().unwrap_or_default();
        let mut changes = vec![format!(
            "create Deployment {ns}/{} as a copy of {existing}'s pod template ({image}, {replicas} replica(s)), labelled color=blue, version={}:",
            self.deployment_name(Color::Blue),
            label_value(&version)
        )];
        changes.extend(diff_lines(None, &blue));
        changes.push(format!("wait until {} is ready", self.deployment_name(Color::Blue)));
        changes.push(format!(
            "patch Service {ns}/{svc_name}: selector {{{}}} → {{app={}, color=blue}} (one write, guarded by resourceVersion {rv})",
            sel_s.join(", "),
            self.app_name
        ));
        changes.push(format!(
            "leave Deployment {ns}/{existing} untouched: once blue serves, scale or delete it yourself (kubectl delete deployment {existing} -n {ns})"
        ));
        Ok(AdoptPlan { namespace: ns, existing: existing.into(), version, blue, service_rv: rv, changes })
    }

    /// Creates the blue Deployment, waits for it, then moves the Service.
    pub async fn adopt_apply(&self, plan: &AdoptPlan) -> Result<Vec<String>, DriverError> {
        let (api, _) = self.api::<Deployment>().await?;
        let name = self.deployment_name(Color::Blue);
        self.call("patch", "deployments", &name, api.patch(&name, &self.pp(), &Patch::Apply(&plan.blue)))
            .await
            .map_err(|e| self.to_driver("adopt", e))?;
        let mut done = vec![format!("applied Deployment {name}")];
        done.push(self.wait_ready(Color::Blue).await?.detail);
        if let Ok(mut g) = self.service_rv.lock() {
            *g = Some(plan.service_rv.clone());
        }
        done.push(self.switch(None, Color::Blue).await?.detail);
        Ok(done)
    }
}
