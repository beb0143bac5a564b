//! `kind: kubernetes`: blue-green by Service selector.
//!
//! ```text
//! Deployment {app}-blue   labels app, color=blue,  version, app.kubernetes.io/managed-by=rvmctl
//! Deployment {app}-green  labels app, color=green, version, ...
//! Service {service}       selector {app, color: <live>}   ← the live pointer, read, never remembered
//! Service {preview}       selector {app, color: <new>}    ← pointed at the new color before health checks
//! Lease {app}-rvmctl-lock                                  ← one deploy at a time, renewed while running
//! ConfigMap {app}-rvmctl-history                           ← the last HISTORY_LIMIT entries
//! ```
//!
//! Every write is server-side apply (field manager `rvmctl`) or a patch
//! guarded by `resourceVersion`; the switch is exactly one write to the
//! Service. Every API call goes through [`KubeDriver::call`], which counts it,
//! logs it (`-vv`, or `RVMCTL_K8S_API_LOG=<file>`) and turns a 403 into an
//! error that names the verb and resource and points at docs/rbac.yaml.
//!
//! One file per concern: `client.rs` (the API client, every call counted and
//! logged, RBAC hints), `deployments.rs` (the color Deployments),
//! `readiness.rs` (when a color is really ready), `service.rs` (the guarded
//! Service switch and the preview Service), `canary.rs`, `lease.rs` (the
//! lock), `records.rs` (journal and history ConfigMaps), `observe.rs` (live
//! state and the plan diff), `adopt.rs`, `health.rs` (checks run from the
//! operator's side), and `operations.rs` (the [`Driver`] contract).
//!
//! [`Driver`]: crate::drivers::driver::Driver

mod adopt;
mod canary;
mod client;
mod config_maps;
mod deployments;
mod health;
mod jobs;
mod lease;
mod observe;
mod operations;
mod readiness;
mod records;
mod service;

use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use kube::Client;
use tokio::sync::OnceCell;

use crate::config::schema::App;
use crate::config::{Config as RvmConfig, Effective, ResolvedTarget};
use crate::drivers::driver::DriverError;
use crate::model::Color;

pub const FIELD_MANAGER: &str = "rvmctl";
pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
pub const ANN_VERSION: &str = "rvmctl.io/version";
pub const ANN_SPEC: &str = "rvmctl.io/spec-sha256";

/// The image of a pod template's first container (a Deployment's, a Job's).
pub fn first_image(template: &k8s_openapi::api::core::v1::PodTemplateSpec) -> Option<String> {
    template.spec.as_ref()?.containers.first()?.image.clone()
}
/// On the Service during a canary: the color it started from, and the share
/// of replicas (percent) its last step gave the new color.
const ANN_CANARY_FROM: &str = "rvmctl.io/canary-from";
const ANN_CANARY_PERCENT: &str = "rvmctl.io/canary-percent";
const ANN_OPERATION: &str = "rvmctl.io/operation";
const ANN_PLAN: &str = "rvmctl.io/plan-hash";
/// History entries kept in the ConfigMap (a few hundred bytes each: far below 1 MiB).
pub const HISTORY_LIMIT: usize = 50;
const HISTORY_KEY: &str = "history.jsonl";
const LEASE_SECONDS: i32 = 30;
const RENEW_EVERY: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(250);

/// Flags that override the target's kubeconfig settings, and `--dry-run=server`.
#[derive(Debug, Clone, Default)]
pub struct KubeOptions {
    pub context: Option<String>,
    pub namespace: Option<String>,
    pub dry_run: bool,
}

pub struct KubeDriver {
    pub target: String,
    pub app_name: String,
    pub app: App,
    /// The analyses watched after the switch (name, spec).
    pub analysis: Vec<(String, crate::config::schema::Analysis)>,
    pub settings: Effective,
    project: String,
    environment: String,
    manifest: Option<(String, String)>,
    context: Option<String>,
    namespace: Option<String>,
    pub dry_run: bool,
    client: OnceCell<(Client, String)>,
    /// resourceVersion of the live Service when it was last read by `observe`
    /// (or written by our own switch): the precondition of the next switch.
    service_rv: Mutex<Option<String>>,
    calls: AtomicU64,
    api_log: Option<std::path::PathBuf>,
}

pub fn new(cfg: &RvmConfig, env: &str, target: &ResolvedTarget, opts: &KubeOptions) -> anyhow::Result<KubeDriver> {
    let manifest = match &target.app.manifest {
        Some(p) => {
            let path = cfg.path(p);
            let text = std::fs::read_to_string(&path).map_err(|e| {
                anyhow::anyhow!("app '{}': cannot read manifest {}: {e}", target.app_name, path.display())
            })?;
            Some((path.display().to_string(), text))
        }
        None => None,
    };
    crate::model::validate_host_name(&target.app_name)
        .map_err(|e| anyhow::anyhow!("app name '{}' cannot name Kubernetes objects: {e}", target.app_name))?;
    Ok(KubeDriver {
        target: target.name.clone(),
        app_name: target.app_name.clone(),
        app: target.app.clone(),
        analysis: target.analysis.clone(),
        settings: target.settings.clone(),
        project: cfg.project().to_string(),
        environment: env.to_string(),
        manifest,
        context: opts.context.clone().or_else(|| target.context.clone()),
        namespace: opts.namespace.clone().or_else(|| target.namespace.clone()),
        dry_run: opts.dry_run,
        client: OnceCell::new(),
        service_rv: Mutex::new(None),
        calls: AtomicU64::new(0),
        api_log: std::env::var_os("RVMCTL_K8S_API_LOG").map(Into::into),
    })
}
impl KubeDriver {
    pub(super) fn deployment_name(&self, c: Color) -> String {
        format!("{}-{c}", self.app_name)
    }

    pub(super) fn lease_name(&self) -> String {
        format!("{}-rvmctl-lock", self.app_name)
    }

    pub(super) fn history_name(&self) -> String {
        format!("{}-rvmctl-history", self.app_name)
    }

    pub(super) fn service_name(&self) -> Result<String, DriverError> {
        self.app.service.clone().ok_or_else(|| self.unit_err("the app has no `service`"))
    }

    pub(super) fn journal_name(&self) -> String {
        format!("{}-rvmctl-journal", self.app_name)
    }
}
