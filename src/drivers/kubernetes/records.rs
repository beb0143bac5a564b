//! What a Kubernetes app remembers: its history (ConfigMap
//! `{app}-rvmctl-history`, the last HISTORY_LIMIT entries) and the journal
//! of an unfinished run (ConfigMap `{app}-rvmctl-journal`).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::Patch;
use serde_json::json;

use super::client::ApiFailure;
use super::{FIELD_MANAGER, HISTORY_KEY, HISTORY_LIMIT, KubeDriver, MANAGED_BY};
use crate::drivers::driver::DriverError;
use crate::model::{HistoryEntry, JournalEntry};

impl KubeDriver {
    /// The journal of an unfinished run, if any (`{app}-rvmctl-journal`, key `journal`).
    pub(super) async fn read_journal(&self) -> Result<Option<JournalEntry>, ApiFailure> {
        let (api, _) = self.api::<ConfigMap>().await.map_err(|e| ApiFailure::Unreachable(e.to_string()))?;
        let name = self.journal_name();
        let cm = self.call("get", "configmaps", &name, api.get_opt(&name)).await?;
        Ok(cm.and_then(|c| c.data).and_then(|d| d.get("journal").and_then(|j| serde_json::from_str(j).ok())))
    }

    pub(super) async fn read_history(&self) -> Result<(Option<ConfigMap>, Vec<HistoryEntry>), ApiFailure> {
        let (api, _) = self.api::<ConfigMap>().await.map_err(|e| ApiFailure::Unreachable(e.to_string()))?;
        let name = self.history_name();
        let cm = self.call("get", "configmaps", &name, api.get_opt(&name)).await?;
        let entries = cm
            .as_ref()
            .and_then(|c| c.data.as_ref())
            .and_then(|d| d.get(HISTORY_KEY))
            .map(|t| t.lines().filter_map(|l| serde_json::from_str(l).ok()).collect())
            .unwrap_or_default();
        Ok((cm, entries))
    }

    /// Appends to the history ConfigMap (guarded by its resourceVersion),
    /// keeping the last HISTORY_LIMIT entries.
    pub(super) async fn append_history_entry(&self, entry: &HistoryEntry) -> Result<(), DriverError> {
        let (api, _) = self.api::<ConfigMap>().await?;
        let name = self.history_name();
        // A concurrent writer makes the guarded write fail: read again and retry.
        let mut entry = entry.clone();
        if entry.identity.is_none() {
            entry.identity = self.identity().map(|user| format!("k8s user {user}"));
        }
        for _ in 0..5 {
            let (cm, mut entries) = self.read_history().await.map_err(|e| self.to_driver("record history", e))?;
            entries.push(entry.clone());
            let keep = entries.len().saturating_sub(HISTORY_LIMIT);
            let text: String =
                entries[keep..].iter().filter_map(|e| serde_json::to_string(e).ok()).map(|l| l + "\n").collect();
            let result = match cm {
                None => {
                    let cm = ConfigMap {
                        metadata: ObjectMeta {
                            name: Some(name.clone()),
                            labels: Some(BTreeMap::from([
                                ("app".to_string(), self.app_name.clone()),
                                (MANAGED_BY.to_string(), FIELD_MANAGER.to_string()),
                            ])),
                            ..Default::default()
                        },
                        data: Some(BTreeMap::from([(HISTORY_KEY.to_string(), text)])),
                        ..Default::default()
                    };
                    self.call("create", "configmaps", &name, api.create(&self.post(), &cm)).await.map(drop)
                }
                Some(cm) => {
                    let patch = json!({
                        "metadata": { "resourceVersion": cm.metadata.resource_version },
                        "data": { HISTORY_KEY: text }
                    });
                    self.call("patch", "configmaps", &name, api.patch(&name, &self.merge_pp(), &Patch::Merge(&patch)))
                        .await
                        .map(drop)
                }
            };
            match result {
                Ok(()) => return Ok(()),
                Err(ApiFailure::Conflict(_)) => continue,
                Err(e) => return Err(self.to_driver("record history", e)),
            }
        }
        Err(self.step_err("record history", "the history ConfigMap kept changing; gave up after 5 attempts"))
    }

    /// The journal lives in its own ConfigMap, written by server-side apply
    /// (the same verbs as the history, so docs/rbac.yaml covers it); a
    /// finished run empties it.
    pub(super) async fn write_journal(&self, entry: Option<&JournalEntry>) -> Result<(), DriverError> {
        let (api, _) = self.api::<ConfigMap>().await?;
        let name = self.journal_name();
        let data = match entry {
            Some(e) => json!({ "journal": serde_json::to_string(e).unwrap_or_default() }),
            None => json!({}),
        };
        let cm = json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": { "name": name, "labels": { "app": self.app_name, MANAGED_BY: FIELD_MANAGER } },
            "data": data,
        });
        self.call("patch", "configmaps", &name, api.patch(&name, &self.pp(), &Patch::Apply(&cm)))
            .await
            .map(drop)
            .map_err(|e| self.to_driver("journal", e))
    }
}
