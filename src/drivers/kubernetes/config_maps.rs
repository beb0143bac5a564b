//! The app's `config_maps:` follow the live release. When a color goes
//! live its release writes each ConfigMap's `data`; what was there is kept
//! first in `{name}-rvmctl-before-{color}` (once per release, with the
//! color that was live then, or a note that the ConfigMap did not exist).
//! Going back from that color puts the backup back when it was taken while
//! the returning color was live, otherwise the returning release writes its
//! own data (a rollback of a rollback).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, DeleteParams, Patch};
use serde_json::json;

use super::client::ApiFailure;
use super::{FIELD_MANAGER, KubeDriver, MANAGED_BY};
use crate::drivers::driver::{DriverError, StepOutput};
use crate::model::Color;

const ANN_FROM: &str = "rvmctl.io/backup-of-live-color";
const ANN_RELEASE: &str = "rvmctl.io/backup-before-version";
const ANN_ABSENT: &str = "rvmctl.io/backup-absent";

fn backup_name(name: &str, color: Color) -> String {
    format!("{name}-rvmctl-before-{color}")
}

impl KubeDriver {
    /// `color`'s release (`version`) goes live: back up, then write its data.
    pub(super) async fn install_config_maps(
        &self,
        color: Color,
        from: Option<Color>,
        version: &str,
    ) -> Result<StepOutput, DriverError> {
        let step = "install config maps";
        let (api, _) = self.api::<ConfigMap>().await?;
        let mut done = Vec::new();
        for cm in &self.app.config_maps {
            let backup = backup_name(&cm.name, color);
            let kept = self.get_cm(&api, &backup).await.map_err(|e| self.to_driver(step, e))?;
            let kept_for = kept.as_ref().and_then(|b| b.metadata.annotations.as_ref()?.get(ANN_RELEASE).cloned());
            if kept_for.as_deref() != Some(version) {
                let current = self.get_cm(&api, &cm.name).await.map_err(|e| self.to_driver(step, e))?;
                let annotations = json!({
                    ANN_FROM: from.map(|c| c.to_string()).unwrap_or_default(),
                    ANN_RELEASE: version,
                    ANN_ABSENT: current.is_none().to_string(),
                });
                let data = current.and_then(|c| c.data).unwrap_or_default();
                self.apply_cm(&api, &backup, data, Some(annotations)).await.map_err(|e| self.to_driver(step, e))?;
            }
            self.write_release_data(&api, &cm.name, color, version, step).await?;
            done.push(cm.name.clone());
        }
        Ok(StepOutput { detail: format!("wrote ConfigMap {}", done.join(", ")), skipped: false })
    }

    /// Going back from `color` to `to` (whose release is `version`).
    pub(super) async fn restore_config_maps(
        &self,
        color: Color,
        to: Color,
        version: &str,
    ) -> Result<StepOutput, DriverError> {
        let step = "restore config maps";
        let (api, _) = self.api::<ConfigMap>().await?;
        let mut done = Vec::new();
        for cm in &self.app.config_maps {
            let backup_cm = backup_name(&cm.name, color);
            let backup = self.get_cm(&api, &backup_cm).await.map_err(|e| self.to_driver(step, e))?;
            let ann = backup.as_ref().and_then(|b| b.metadata.annotations.clone()).unwrap_or_default();
            match backup {
                Some(b) if ann.get(ANN_FROM).map(String::as_str) == Some(to.as_str()) => {
                    if ann.get(ANN_ABSENT).is_some_and(|a| a == "true") {
                        self.delete_cm(&api, &cm.name).await.map_err(|e| self.to_driver(step, e))?;
                        done.push(format!("{} (removed: it did not exist before)", cm.name));
                    } else {
                        let data = b.data.unwrap_or_default();
                        self.apply_cm(&api, &cm.name, data, None).await.map_err(|e| self.to_driver(step, e))?;
                        done.push(format!("{} (from its backup)", cm.name));
                    }
                    self.delete_cm(&api, &backup_cm).await.map_err(|e| self.to_driver(step, e))?;
                }
                _ => {
                    self.write_release_data(&api, &cm.name, to, version, step).await?;
                    done.push(format!("{} ({version}'s own)", cm.name));
                }
            }
        }
        Ok(StepOutput { detail: format!("put back ConfigMap {}", done.join(", ")), skipped: false })
    }

    /// Writes ConfigMap `name` with the data its release renders.
    async fn write_release_data(
        &self,
        api: &Api<ConfigMap>,
        name: &str,
        color: Color,
        version: &str,
        step: &str,
    ) -> Result<(), DriverError> {
        let Some(cm) = self.app.config_maps.iter().find(|c| c.name == name) else { return Ok(()) };
        let lookup = self.lookup(color, version, "");
        let mut data = BTreeMap::new();
        for (k, v) in &cm.data {
            data.insert(k.clone(), v.render(&lookup).map_err(|m| self.step_err(step, m))?);
        }
        self.apply_cm(api, name, data, None).await.map_err(|e| self.to_driver(step, e))
    }

    async fn get_cm(&self, api: &Api<ConfigMap>, name: &str) -> Result<Option<ConfigMap>, ApiFailure> {
        self.call("get", "configmaps", name, api.get_opt(name)).await
    }

    async fn apply_cm(
        &self,
        api: &Api<ConfigMap>,
        name: &str,
        data: BTreeMap<String, String>,
        annotations: Option<serde_json::Value>,
    ) -> Result<(), ApiFailure> {
        let mut metadata = json!({ "name": name, "labels": { "app": self.app_name, MANAGED_BY: FIELD_MANAGER } });
        if let Some(a) = annotations {
            metadata["annotations"] = a;
        }
        let cm = json!({ "apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data });
        self.call("patch", "configmaps", name, api.patch(name, &self.pp(), &Patch::Apply(&cm))).await.map(drop)
    }

    async fn delete_cm(&self, api: &Api<ConfigMap>, name: &str) -> Result<(), ApiFailure> {
        match self.call("delete", "configmaps", name, api.delete(name, &DeleteParams::default())).await {
            Ok(_) | Err(ApiFailure::NotFound(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }
}
