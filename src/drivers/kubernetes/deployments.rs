//! The two color Deployments: rendered from the manifest template or
//! generated, applied server-side, scaled; and the digest that tells a plan
//! whether the spec changed.

use k8s_openapi::api::apps::v1::Deployment;
use kube::api::Patch;
use serde_json::{Value, json};

use super::client::ApiFailure;
use super::service::color_of_selector;
use super::{ANN_SPEC, ANN_VERSION, FIELD_MANAGER, KubeDriver, MANAGED_BY};
use crate::config::types::Template;
use crate::drivers::driver::{DriverError, StepOutput};
use crate::model::Color;

/// A Kubernetes label value from a version (`+` is not allowed there).
pub fn label_value(v: &str) -> String {
    let s: String =
        v.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect();
    let s: String = s.chars().take(63).collect();
    s.trim_matches(|c: char| !c.is_ascii_alphanumeric()).to_string()
}

impl KubeDriver {
    pub(super) fn lookup<'a>(
        &'a self,
        color: Color,
        version: &'a str,
        image: &'a str,
    ) -> impl Fn(&str) -> Option<String> + 'a {
        let scope = crate::config::TemplateScope {
            project: &self.project,
            environment: &self.environment,
            target: &self.target,
            app: &self.app_name,
            host: None,
            color,
            version,
        };
        move |name: &str| match name {
            "image" => Some(image.to_string()),
            _ => scope.value(name),
        }
    }

    pub(super) fn image(&self, version: &str) -> Result<String, String> {
        match &self.app.image {
            Some(t) => t.render(&|n| (n == "version").then(|| version.to_string())).map_err(|e| format!("image: {e}")),
            None => Ok(String::new()),
        }
    }

    pub(super) fn labels(&self, color: Color, version: &str) -> Value {
        json!({
            "app": self.app_name,
            "color": color.as_str(),
            "version": label_value(version),
            MANAGED_BY: FIELD_MANAGER,
        })
    }

    /// The Deployment of one color, from the manifest template or generated;
    /// validated (it must parse as a Deployment with at least one container).
    pub fn desired_deployment(&self, color: Color, version: &str, ns: &str) -> Result<Value, String> {
        let image = self.image(version)?;
        let mut obj = match &self.manifest {
            Some((path, text)) => {
                let rendered = Template(text.clone())
                    .render(&self.lookup(color, version, &image))
                    .map_err(|e| format!("manifest {path}: {e}"))?;
                let v: Value = serde_saphyr::from_str(&rendered)
                    .map_err(|e| format!("manifest {path} is not valid YAML after rendering: {e}"))?;
                if v.get("kind").and_then(Value::as_str) != Some("Deployment") {
                    return Err(format!("manifest {path} must be one `kind: Deployment` (apiVersion apps/v1)"));
                }
                v
            }
            None => {
                if image.is_empty() {
                    return Err("the app needs `image` or `manifest`".into());
                }
                let mut container = json!({ "name": self.app_name, "image": image });
                if let Some(p) = self.app.port {
                    container["ports"] = json!([{ "containerPort": p, "protocol": "TCP", "name": "http" }]);
                }
                json!({ "spec": { "replicas": self.app.replicas.unwrap_or(1), "template": { "spec": { "containers": [container] } } } })
            }
        };
        let labels = self.labels(color, version);
        obj["apiVersion"] = json!("apps/v1");
        obj["kind"] = json!("Deployment");
        obj["metadata"]["name"] = json!(self.deployment_name(color));
        obj["metadata"]["namespace"] = json!(ns);
        merge_into(&mut obj["metadata"]["labels"], &labels);
        obj["metadata"]["annotations"][ANN_VERSION] = json!(version);
        if let Some(r) = self.app.replicas {
            obj["spec"]["replicas"] = json!(r);
        }
        obj["spec"]["selector"] = json!({ "matchLabels": { "app": self.app_name, "color": color.as_str() } });
        merge_into(&mut obj["spec"]["template"]["metadata"]["labels"], &labels);
        let spec = spec_digest(&obj);
        obj["metadata"]["annotations"][ANN_SPEC] = json!(spec);
        let typed: Deployment =
            serde_json::from_value(obj.clone()).map_err(|e| format!("the Deployment is not valid: {e}"))?;
        let containers = typed.spec.and_then(|s| s.template.spec).map(|p| p.containers.len()).unwrap_or(0);
        if containers == 0 {
            return Err("the Deployment has no containers (spec.template.spec.containers)".into());
        }
        Ok(obj)
    }

    pub(super) async fn get_deployment(&self, c: Color) -> Result<Option<Deployment>, ApiFailure> {
        let (api, _) = self.api::<Deployment>().await.map_err(|e| ApiFailure::Unreachable(e.to_string()))?;
        let name = self.deployment_name(c);
        self.call("get", "deployments", &name, api.get_opt(&name)).await
    }

    pub(super) async fn stage(
        &self,
        color: Color,
        version: &str,
        planned: Option<&str>,
    ) -> Result<StepOutput, DriverError> {
        let (api, ns) = self.api::<Deployment>().await?;
        let svc_name = self.service_name()?;
        let svc = self.get_service(&svc_name).await.map_err(|e| self.to_driver("stage", e))?;
        if svc.as_ref().and_then(color_of_selector) == Some(color) {
            return Err(self.step_err("stage", format!("refusing to change {color}: it is the live color")));
        }
        let obj = self.desired_deployment(color, version, &ns).map_err(|m| self.step_err("stage", m))?;
        let spec = obj["metadata"]["annotations"][ANN_SPEC].as_str().unwrap_or_default().to_string();
        if let Some(p) = planned {
            if p != spec {
                return Err(self.step_err(
                    "stage",
                    format!("the Deployment spec changed since the plan was made (plan {p:.12}, now {spec:.12}); make a new plan"),
                ));
            }
        }
        let name = self.deployment_name(color);
        let pp = self.pp();
        self.call("patch", "deployments", &name, api.patch(&name, &pp, &Patch::Apply(&obj)))
            .await
            .map_err(|e| self.to_driver("stage", e))?;
        let image = obj["spec"]["template"]["spec"]["containers"][0]["image"].as_str().unwrap_or("?").to_string();
        let replicas = obj["spec"]["replicas"].as_i64().unwrap_or(1);
        Ok(StepOutput {
            detail: format!("applied Deployment {ns}/{name}: {image}, {replicas} replica(s)"),
            skipped: false,
        })
    }

    pub(super) async fn scale(&self, color: Color, replicas: i32, step: &str) -> Result<(), DriverError> {
        let (api, _) = self.api::<Deployment>().await?;
        let name = self.deployment_name(color);
        let patch = json!({ "spec": { "replicas": replicas } });
        self.call("patch", "deployments", &name, api.patch(&name, &self.merge_pp(), &Patch::Merge(&patch)))
            .await
            .map(drop)
            .map_err(|e| self.to_driver(step, e))
    }

    pub(super) async fn scale_to_zero(&self, color: Color) -> Result<StepOutput, DriverError> {
        let (api, ns) = self.api::<Deployment>().await?;
        let name = self.deployment_name(color);
        let patch = json!({ "spec": { "replicas": 0 } });
        self.call("patch", "deployments", &name, api.patch(&name, &self.merge_pp(), &Patch::Merge(&patch)))
            .await
            .map_err(|e| self.to_driver("stop previous", e))?;
        Ok(StepOutput { detail: format!("scaled {ns}/{name} to 0"), skipped: false })
    }
}

pub(super) fn merge_into(dst: &mut Value, src: &Value) {
    if !dst.is_object() {
        *dst = json!({});
    }
    if let (Some(d), Some(s)) = (dst.as_object_mut(), src.as_object()) {
        for (k, v) in s {
            d.insert(k.clone(), v.clone());
        }
    }
}

/// A digest of the Deployment spec that does not depend on the color.
pub(super) fn spec_digest(obj: &Value) -> String {
    let mut v = obj.clone();
    if let Some(m) = v["metadata"].as_object_mut() {
        m.remove("name");
        m.remove("annotations");
    }
    let text = serde_json::to_string(&v).unwrap_or_default().replace("\"green\"", "\"blue\"");
    crate::model::digest(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_become_label_values() {
        assert_eq!(label_value("2.0.0+build.7"), "2.0.0_build.7");
        assert_eq!(label_value("1.4.2"), "1.4.2");
    }
}
