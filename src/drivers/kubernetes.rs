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

use std::collections::BTreeMap;
use std::future::Future;
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::api::core::v1::{ConfigMap, Event, Service};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use kube::{Client, Config};
use serde_json::{Value, json};
use tokio::sync::OnceCell;
use tokio_util::sync::CancellationToken;

use super::transport::LocalTransport;
use super::{
    Color, Driver, DriverError, HistoryEntry, JournalEntry, LockGuard, LockInfo, PlanDetails, SlotState, SlotStatus,
    StepContext, StepOutput, UnitState,
};
use crate::config::schema::{App, TargetKind};
use crate::config::types::Template;
use crate::config::{Config as RvmConfig, Effective, ResolvedTarget};
use crate::gates::health::{self, RenderedCheck};
use crate::plan::Step;

pub const FIELD_MANAGER: &str = "rvmctl";
pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
pub const ANN_VERSION: &str = "rvmctl.io/version";
pub const ANN_SPEC: &str = "rvmctl.io/spec-sha256";
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
    crate::drivers::validate_host_name(&target.app_name)
        .map_err(|e| anyhow::anyhow!("app name '{}' cannot name Kubernetes objects: {e}", target.app_name))?;
    Ok(KubeDriver {
        target: target.name.clone(),
        app_name: target.app_name.clone(),
        app: target.app.clone(),
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

/// A Kubernetes label value from a version (`+` is not allowed there).
pub fn label_value(v: &str) -> String {
    let s: String =
        v.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect();
    let s: String = s.chars().take(63).collect();
    s.trim_matches(|c: char| !c.is_ascii_alphanumeric()).to_string()
}

fn rbac_hint(verb: &str, resource: &str, ns: &str, server: &str) -> String {
    format!(
        "permission denied: the current user may not {verb} {resource} in namespace {ns} ({server}); \
         grant the Role in docs/rbac.yaml (it needs `{verb}` on `{resource}`): kubectl apply -n {ns} -f docs/rbac.yaml"
    )
}

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

/// Leaf paths of a JSON value: `spec.template.spec.containers[0].image = "x"`.
fn flatten(prefix: &str, v: &Value, out: &mut BTreeMap<String, Value>) {
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

fn color_of_selector(svc: &Service) -> Option<Color> {
    svc.spec.as_ref()?.selector.as_ref()?.get("color").and_then(|c| Color::parse(c))
}

impl KubeDriver {
    fn unit_err(&self, message: impl Into<String>) -> DriverError {
        DriverError::Other { unit: self.app_name.clone(), message: message.into() }
    }

    fn step_err(&self, step: &str, message: impl Into<String>) -> DriverError {
        DriverError::StepFailed {
            unit: self.app_name.clone(),
            step: step.into(),
            message: message.into(),
            output: String::new(),
        }
    }

    /// The client and namespace: kubeconfig like kubectl (KUBECONFIG, then
    /// ~/.kube/config; the target's or the flag's context), else in-cluster.
    async fn client(&self) -> Result<&(Client, String), DriverError> {
        self.client
            .get_or_try_init(|| async {
                let opts = kube::config::KubeConfigOptions { context: self.context.clone(), ..Default::default() };
                let config = match Config::from_kubeconfig(&opts).await {
                    Ok(c) => c,
                    Err(kerr) => {
                        if self.context.is_some() {
                            return Err(format!(
                                "kubeconfig: {kerr}; check the context name with `kubectl config get-contexts`"
                            ));
                        }
                        Config::incluster().map_err(|ierr| {
                            format!(
                                "no usable kubeconfig ({kerr}) and not running in a cluster ({ierr}); set KUBECONFIG or pass --context"
                            )
                        })?
                    }
                };
                let ns = self.namespace.clone().unwrap_or_else(|| config.default_namespace.clone());
                let client = Client::try_from(config).map_err(|e| format!("cannot build a Kubernetes client: {e}"))?;
                Ok((client, ns))
            })
            .await
            .map_err(|message: String| DriverError::Unreachable { unit: self.app_name.clone(), message })
    }

    async fn api<K>(&self) -> Result<(Api<K>, String), DriverError>
    where
        K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>,
        <K as kube::Resource>::DynamicType: Default,
    {
        let (c, ns) = self.client().await?;
        Ok((Api::namespaced(c.clone(), ns), ns.clone()))
    }

    /// Number of API requests made so far (for `--verbose` and the benchmark).
    pub fn api_calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// One API request: counted, logged, and with a 403 turned into advice.
    async fn call<T, F>(&self, verb: &str, resource: &str, name: &str, fut: F) -> Result<T, ApiFailure>
    where
        F: Future<Output = Result<T, kube::Error>>,
    {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let dry = if self.dry_run && matches!(verb, "create" | "patch" | "update") { " (dry run)" } else { "" };
        tracing::debug!("k8s api: {verb} {resource}/{name}{dry}");
        let started = Timestamp::now();
        let result = fut.await;
        if let Some(path) = &self.api_log {
            // `<start unix µs> <duration µs> <verb> <resource> <name>`: read by tests and scripts/bench-k8s.sh.
            if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
                let took = Timestamp::now().as_microsecond() - started.as_microsecond();
                let _ = writeln!(f, "{} {took} {verb} {resource} {name}{dry}", started.as_microsecond());
            }
        }
        let ns = self.client.get().map(|(_, ns)| ns.clone()).unwrap_or_default();
        result.map_err(|e| match e {
            kube::Error::Api(s) if s.code == 403 => ApiFailure::Forbidden(rbac_hint(verb, resource, &ns, &s.message)),
            kube::Error::Api(s) if s.code == 409 => ApiFailure::Conflict(s.message),
            kube::Error::Api(s) if s.code == 404 => ApiFailure::NotFound(s.message),
            kube::Error::Api(s) => ApiFailure::Other(format!("{verb} {resource}/{name}: {} ({})", s.message, s.code)),
            other => ApiFailure::Unreachable(format!("{verb} {resource}/{name}: {other}")),
        })
    }

    fn to_driver(&self, step: &str, e: ApiFailure) -> DriverError {
        match e {
            ApiFailure::Unreachable(m) => DriverError::Unreachable { unit: self.app_name.clone(), message: m },
            other => self.step_err(step, other.to_string()),
        }
    }

    fn deployment_name(&self, c: Color) -> String {
        format!("{}-{c}", self.app_name)
    }
    fn lease_name(&self) -> String {
        format!("{}-rvmctl-lock", self.app_name)
    }
    fn history_name(&self) -> String {
        format!("{}-rvmctl-history", self.app_name)
    }
    fn service_name(&self) -> Result<String, DriverError> {
        self.app.service.clone().ok_or_else(|| self.unit_err("the app has no `service`"))
    }

    fn pp(&self) -> PatchParams {
        PatchParams { dry_run: self.dry_run, ..PatchParams::apply(FIELD_MANAGER).force() }
    }
    fn merge_pp(&self) -> PatchParams {
        PatchParams { dry_run: self.dry_run, field_manager: Some(FIELD_MANAGER.into()), ..Default::default() }
    }
    fn post(&self) -> PostParams {
        PostParams { dry_run: self.dry_run, field_manager: Some(FIELD_MANAGER.into()) }
    }

    fn lookup<'a>(&'a self, color: Color, version: &'a str, image: &'a str) -> impl Fn(&str) -> Option<String> + 'a {
        move |name: &str| {
            Some(match name {
                "version" => version.to_string(),
                "color" => color.to_string(),
                "image" => image.to_string(),
                "app" => self.app_name.clone(),
                "environment" => self.environment.clone(),
                "project" => self.project.clone(),
                "target" => self.target.clone(),
                _ => return None,
            })
        }
    }

    fn image(&self, version: &str) -> Result<String, String> {
        match &self.app.image {
            Some(t) => t.render(&|n| (n == "version").then(|| version.to_string())).map_err(|e| format!("image: {e}")),
            None => Ok(String::new()),
        }
    }

    fn labels(&self, color: Color, version: &str) -> Value {
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

    fn service_object(&self, name: &str, color: Color, ns: &str) -> Result<Value, String> {
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

    async fn get_deployment(&self, c: Color) -> Result<Option<Deployment>, ApiFailure> {
        let (api, _) = self.api::<Deployment>().await.map_err(|e| ApiFailure::Unreachable(e.to_string()))?;
        let name = self.deployment_name(c);
        self.call("get", "deployments", &name, api.get_opt(&name)).await
    }

    async fn get_service(&self, name: &str) -> Result<Option<Service>, ApiFailure> {
        let (api, _) = self.api::<Service>().await.map_err(|e| ApiFailure::Unreachable(e.to_string()))?;
        self.call("get", "services", name, api.get_opt(name)).await
    }

    fn slot(&self, d: &Deployment, live: bool) -> SlotState {
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
        }
    }

    async fn observe_inner(&self) -> Result<UnitState, ApiFailure> {
        let svc_name = self.service_name().map_err(|e| ApiFailure::Other(e.to_string()))?;
        let svc = self.get_service(&svc_name).await?;
        let live = svc.as_ref().and_then(color_of_selector);
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
            error: None,
            journal,
        })
    }

    /// What the plan's deploy of `version` would create or change, as readable lines.
    pub async fn changes(&self, version: &str) -> Result<Vec<String>, DriverError> {
        let (_, ns) = self.api::<Deployment>().await?;
        let svc_name = self.service_name()?;
        let svc = self.get_service(&svc_name).await.map_err(|e| self.to_driver("plan", e))?;
        let live = svc.as_ref().and_then(color_of_selector);
        let to = live.map(Color::other).unwrap_or(Color::Blue);
        let desired = self.desired_deployment(to, version, &ns).map_err(|m| self.step_err("plan", m))?;
        let existing = self.get_deployment(to).await.map_err(|e| self.to_driver("plan", e))?;
        let mut out = Vec::new();
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

    // ------------------------------------------------------------------ lock

    async fn current_lock(&self) -> Result<Option<(LockInfo, Lease)>, ApiFailure> {
        let (api, _) = self.api::<Lease>().await.map_err(|e| ApiFailure::Unreachable(e.to_string()))?;
        let name = self.lease_name();
        let Some(lease) = self.call("get", "leases", &name, api.get_opt(&name)).await? else { return Ok(None) };
        Ok(lease_holder(&lease).map(|i| (i, lease)))
    }

    fn lease_object(&self, info: &LockInfo, now: Timestamp, base: Option<&Lease>) -> Lease {
        let mut ann = BTreeMap::new();
        ann.insert(ANN_OPERATION.to_string(), info.operation.clone());
        if let Some(h) = &info.plan_hash {
            ann.insert(ANN_PLAN.to_string(), h.clone());
        }
        Lease {
            metadata: ObjectMeta {
                name: Some(self.lease_name()),
                resource_version: base.and_then(|b| b.metadata.resource_version.clone()),
                annotations: Some(ann),
                labels: Some(BTreeMap::from([
                    ("app".to_string(), self.app_name.clone()),
                    (MANAGED_BY.to_string(), FIELD_MANAGER.to_string()),
                ])),
                ..Default::default()
            },
            spec: Some(LeaseSpec {
                holder_identity: Some(info.holder.clone()),
                acquire_time: Some(MicroTime(info.since)),
                renew_time: Some(MicroTime(now)),
                lease_duration_seconds: Some(LEASE_SECONDS),
                lease_transitions: base.and_then(|b| b.spec.as_ref()).and_then(|s| s.lease_transitions).map(|n| n + 1),
                ..Default::default()
            }),
        }
    }

    // --------------------------------------------------------------- history

    fn journal_name(&self) -> String {
        format!("{}-rvmctl-journal", self.app_name)
    }

    /// The journal of an unfinished run, if any (`{app}-rvmctl-journal`, key `journal`).
    async fn read_journal(&self) -> Result<Option<JournalEntry>, ApiFailure> {
        let (api, _) = self.api::<ConfigMap>().await.map_err(|e| ApiFailure::Unreachable(e.to_string()))?;
        let name = self.journal_name();
        let cm = self.call("get", "configmaps", &name, api.get_opt(&name)).await?;
        Ok(cm.and_then(|c| c.data).and_then(|d| d.get("journal").and_then(|j| serde_json::from_str(j).ok())))
    }

    async fn read_history(&self) -> Result<(Option<ConfigMap>, Vec<HistoryEntry>), ApiFailure> {
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

    // ----------------------------------------------------------------- steps

    async fn stage(&self, color: Color, version: &str, planned: Option<&str>) -> Result<StepOutput, DriverError> {
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

    async fn wait_ready(&self, color: Color) -> Result<StepOutput, DriverError> {
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
                                crate::config::types::Duration(self.settings.timeout.get())
                            ),
                        ));
                    }
                }
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Warning events of the color's pods (best effort: needs `list events`).
    async fn pod_events(&self, color: Color) -> String {
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

    async fn point_preview(&self, name: &str, color: Color) -> Result<(), DriverError> {
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
    async fn switch(&self, from: Option<Color>, to: Color) -> Result<StepOutput, DriverError> {
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
        if let Some(svc) = existing {
            // One write, guarded by the resourceVersion rvmctl saw when it
            // observed (or, if it never did, the one just read).
            if let Ok(mut g) = self.service_rv.lock() {
                if g.is_none() {
                    *g = svc.metadata.resource_version.clone();
                }
            }
            self.select(Some(to), "switch").await?;
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

    async fn scale(&self, color: Color, replicas: i32, step: &str) -> Result<(), DriverError> {
        let (api, _) = self.api::<Deployment>().await?;
        let name = self.deployment_name(color);
        let patch = json!({ "spec": { "replicas": replicas } });
        self.call("patch", "deployments", &name, api.patch(&name, &self.merge_pp(), &Patch::Merge(&patch)))
            .await
            .map(drop)
            .map_err(|e| self.to_driver(step, e))
    }

    /// Writes the Service selector (`Some(color)`: that color only; `None`:
    /// both colors), guarded by the resourceVersion rvmctl last saw.
    async fn select(&self, color: Option<Color>, step: &str) -> Result<(), DriverError> {
        let (api, ns) = self.api::<Service>().await?;
        let name = self.service_name()?;
        let rv = self.service_rv.lock().ok().and_then(|g| g.clone());
        let color_value = color.map_or(Value::Null, |c| Value::String(c.to_string()));
        let patch = json!({ "metadata": { "resourceVersion": rv }, "spec": { "selector": { "app": self.app_name, "color": color_value } } });
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

    /// One canary step: `percent` of the replicas on `to`, the rest on the
    /// live color, the Service selecting both; health-checked, then paused.
    /// On failure the Service goes back to the live color only.
    async fn canary(
        &self,
        to: Color,
        percent: f64,
        pause: Option<&str>,
        version: &str,
    ) -> Result<StepOutput, DriverError> {
        let step = "canary";
        let total = self.app.replicas.unwrap_or(1).max(1) as i32;
        let new_n = ((total as f64 * percent / 100.0).ceil() as i32).clamp(1, total);
        let old = to.other();
        let attempt = async {
            self.scale(to, new_n, step).await?;
            if percent < 100.0 {
                self.scale(old, (total - new_n).max(1), step).await?;
            }
            if !self.dry_run {
                self.wait_ready(to).await?;
            }
            self.select(None, step).await?;
            if !self.dry_run {
                self.probe(&self.app_name, to, version).await?;
                if let Some(d) = pause.and_then(|p| p.parse::<crate::config::types::Duration>().ok()) {
                    tokio::time::sleep(d.get()).await;
                    self.probe(&self.app_name, to, version).await?;
                }
            }
            Ok::<(), DriverError>(())
        };
        match attempt.await {
            Ok(()) => Ok(StepOutput {
                detail: format!("{new_n}/{total} replicas on {to}, Service selects both colors (replica-weighted)"),
                skipped: false,
            }),
            Err(e) => {
                // Traffic back to the live color only, before reporting.
                let _ = self.select(Some(old), "canary restore").await;
                let _ = self.scale(old, total, "canary restore").await;
                Err(e)
            }
        }
    }

    async fn scale_to_zero(&self, color: Color) -> Result<StepOutput, DriverError> {
        let (api, ns) = self.api::<Deployment>().await?;
        let name = self.deployment_name(color);
        let patch = json!({ "spec": { "replicas": 0 } });
        self.call("patch", "deployments", &name, api.patch(&name, &self.merge_pp(), &Patch::Merge(&patch)))
            .await
            .map_err(|e| self.to_driver("stop previous", e))?;
        Ok(StepOutput { detail: format!("scaled {ns}/{name} to 0"), skipped: false })
    }

    fn checks(&self, color: Color, version: &str) -> Result<Vec<RenderedCheck>, DriverError> {
        let image = self.image(version).unwrap_or_default();
        let lookup = self.lookup(color, version, &image);
        let render = |t: &Template| t.render(&lookup);
        self.app
            .health_checks
            .iter()
            .map(|c| RenderedCheck::new(c, &render, self.settings.timeout.get()))
            .collect::<Result<_, _>>()
            .map_err(|m| self.unit_err(m))
    }

    async fn monitor(&self, color: Color, version: &str, d: Duration, max: u32) -> Result<StepOutput, DriverError> {
        if self.dry_run {
            return Ok(StepOutput { detail: "dry run: not monitoring".into(), skipped: true });
        }
        super::watch_health(&self.app_name, &self.app, d, max, || self.probe(&self.app_name, color, version)).await
    }

    // ------------------------------------------------------------------ adopt

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
        let image = d
            .spec
            .as_ref()
            .and_then(|s| s.template.spec.as_ref())
            .and_then(|p| p.containers.first())
            .and_then(|c| c.image.clone())
            .unwrap_or_default();
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

/// What adoption will do, shown before asking.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AdoptPlan {
    pub namespace: String,
    pub existing: String,
    pub version: String,
    #[serde(skip)]
    pub blue: Value,
    pub service_rv: String,
    pub changes: Vec<String>,
}

fn merge_into(dst: &mut Value, src: &Value) {
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
fn spec_digest(obj: &Value) -> String {
    let mut v = obj.clone();
    if let Some(m) = v["metadata"].as_object_mut() {
        m.remove("name");
        m.remove("annotations");
    }
    let text = serde_json::to_string(&v).unwrap_or_default().replace("\"green\"", "\"blue\"");
    crate::plan::digest(text.as_bytes())
}

fn lease_holder(lease: &Lease) -> Option<LockInfo> {
    let spec = lease.spec.as_ref()?;
    let holder = spec.holder_identity.clone().filter(|h| !h.is_empty())?;
    let renewed = spec.renew_time.as_ref().or(spec.acquire_time.as_ref()).map(|t| t.0)?;
    let duration = i64::from(spec.lease_duration_seconds.unwrap_or(LEASE_SECONDS));
    if renewed.as_second() + duration < Timestamp::now().as_second() {
        return None; // expired: its holder died without releasing it
    }
    let ann = lease.metadata.annotations.clone().unwrap_or_default();
    Some(LockInfo {
        holder,
        since: spec.acquire_time.as_ref().map(|t| t.0).unwrap_or(renewed),
        operation: ann.get(ANN_OPERATION).cloned().unwrap_or_else(|| "unknown".into()),
        plan_hash: ann.get(ANN_PLAN).cloned(),
    })
}

#[derive(Debug, thiserror::Error)]
enum ApiFailure {
    #[error("{0}")]
    Forbidden(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("{0}")]
    Unreachable(String),
    #[error("{0}")]
    Other(String),
}

struct KubeLock {
    api: Api<Lease>,
    name: String,
    holder: String,
    unit: String,
    stop: CancellationToken,
    renewer: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for KubeLock {
    fn drop(&mut self) {
        // Best effort: stop renewing; the Lease expires after LEASE_SECONDS.
        self.stop.cancel();
    }
}

#[async_trait]
impl LockGuard for KubeLock {
    async fn release(mut self: Box<Self>) -> Result<(), DriverError> {
        self.stop.cancel();
        if let Some(h) = self.renewer.take() {
            let _ = h.await;
        }
        let err =
            |m: String| DriverError::Other { unit: self.unit.clone(), message: format!("releasing the Lease: {m}") };
        let Some(mut lease) = self.api.get_opt(&self.name).await.map_err(|e| err(e.to_string()))? else {
            return Ok(());
        };
        let ours = lease.spec.as_ref().and_then(|s| s.holder_identity.as_deref()) == Some(self.holder.as_str());
        if !ours {
            return Ok(());
        }
        if let Some(s) = lease.spec.as_mut() {
            s.holder_identity = None;
            s.renew_time = None;
            s.acquire_time = None;
        }
        let pp = PostParams { dry_run: false, field_manager: Some(FIELD_MANAGER.into()) };
        self.api.replace(&self.name, &pp, &lease).await.map_err(|e| err(e.to_string()))?;
        Ok(())
    }
}

/// A lock that only checked (dry run): nothing to release.
struct NoLock;
#[async_trait]
impl LockGuard for NoLock {
    async fn release(self: Box<Self>) -> Result<(), DriverError> {
        Ok(())
    }
}

async fn renew(api: Api<Lease>, name: String, holder: String, stop: CancellationToken) {
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(RENEW_EVERY) => {}
        }
        match api.get_opt(&name).await {
            Ok(Some(mut lease)) => {
                let ours = lease.spec.as_ref().and_then(|s| s.holder_identity.as_deref()) == Some(holder.as_str());
                if !ours {
                    tracing::warn!("lost the Lease {name}: someone else holds it now");
                    return;
                }
                if let Some(s) = lease.spec.as_mut() {
                    s.renew_time = Some(MicroTime(Timestamp::now()));
                }
                let pp = PostParams { dry_run: false, field_manager: Some(FIELD_MANAGER.into()) };
                if let Err(e) = api.replace(&name, &pp, &lease).await {
                    tracing::warn!("renewing the Lease {name}: {e}");
                }
            }
            Ok(None) => {
                tracing::warn!("the Lease {name} was deleted while held");
                return;
            }
            Err(e) => tracing::warn!("renewing the Lease {name}: {e}"),
        }
    }
}

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
            Err(e) => UnitState::unreachable(unit, e.to_string()),
        }
    }

    async fn prepare(&self, version: &str) -> Result<Option<String>, String> {
        let ns = self.namespace.clone().unwrap_or_else(|| "default".into());
        let obj =
            self.desired_deployment(Color::Blue, version, &ns).map_err(|e| format!("app {}: {e}", self.app_name))?;
        Ok(obj["metadata"]["annotations"][ANN_SPEC].as_str().map(str::to_string))
    }

    async fn lock(&self, unit: &str, info: &LockInfo) -> Result<Box<dyn LockGuard>, DriverError> {
        let (api, _) = self.api::<Lease>().await?;
        let name = self.lease_name();
        let now = Timestamp::now();
        let existing =
            self.call("get", "leases", &name, api.get_opt(&name)).await.map_err(|e| self.to_driver("lock", e))?;
        if let Some(held) = existing.as_ref().and_then(lease_holder) {
            return Err(DriverError::Locked { unit: unit.into(), info: held });
        }
        let lease = self.lease_object(info, now, existing.as_ref());
        let result = match &existing {
            None => self.call("create", "leases", &name, api.create(&self.post(), &lease)).await,
            Some(_) => self.call("update", "leases", &name, api.replace(&name, &self.post(), &lease)).await,
        };
        match result {
            Ok(_) if self.dry_run => Ok(Box::new(NoLock)),
            Ok(_) => {
                let stop = CancellationToken::new();
                let renewer = tokio::spawn(renew(api.clone(), name.clone(), info.holder.clone(), stop.clone()));
                Ok(Box::new(KubeLock {
                    api,
                    name,
                    holder: info.holder.clone(),
                    unit: unit.into(),
                    stop,
                    renewer: Some(renewer),
                }))
            }
            // Someone took it between our read and our write.
            Err(ApiFailure::Conflict(_)) => {
                let held = self.current_lock().await.ok().flatten().map(|(i, _)| i).unwrap_or(LockInfo {
                    holder: "another rvmctl".into(),
                    since: now,
                    operation: "unknown".into(),
                    plan_hash: None,
                });
                Err(DriverError::Locked { unit: unit.into(), info: held })
            }
            Err(e) => Err(self.to_driver("lock", e)),
        }
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
                let cmd = p.run.render(&self.lookup(Color::Blue, &ctx.version, "")).map_err(|m| self.unit_err(m))?;
                let t = p.timeout.map(|d| d.get()).unwrap_or(self.settings.timeout.get());
                let out = super::transport::Transport::exec(&LocalTransport::new(), &cmd, t)
                    .await
                    .map_err(|e| self.step_err(&format!("pre-deploy check {name}"), e.to_string()))?;
                if out.success() {
                    Ok(StepOutput { detail: out.combined(), skipped: false })
                } else {
                    Err(DriverError::StepFailed {
                        unit: self.app_name.clone(),
                        step: format!("pre-deploy check {name}"),
                        message: "failed".into(),
                        output: out.combined(),
                    })
                }
            }
            Step::StartService { .. } => Ok(StepOutput { detail: "kubernetes starts the pods".into(), skipped: true }),
            Step::HealthCheck { name, index, color } => {
                if self.dry_run {
                    return Ok(StepOutput { detail: "dry run: not checked".into(), skipped: true });
                }
                let checks = self.checks(*color, &ctx.version)?;
                let c = checks.get(*index).ok_or_else(|| self.unit_err(format!("unknown health check {name}")))?;
                health::run(&LocalTransport::new(), c, "")
                    .await
                    .map(|detail| StepOutput { detail, skipped: false })
                    .map_err(|m| self.step_err(&format!("health check {name}"), m))
            }
            Step::Canary { color, percent, pause } => {
                self.canary(*color, *percent, pause.as_deref(), &ctx.version).await
            }
            Step::Switch { from, to } => self.switch(*from, *to).await,
            Step::Monitor { duration, color } => {
                self.monitor(*color, &ctx.version, duration.get(), ctx.health_check_failures).await
            }
            Step::StopPrevious { color } => self.scale_to_zero(*color).await,
        }
    }

    async fn probe(&self, unit: &str, color: Color, version: &str) -> Result<(), DriverError> {
        let checks = self.checks(color, version)?;
        health::probe_all(&LocalTransport::new(), &checks, "").await.map_err(|(name, message)| {
            DriverError::StepFailed {
                unit: unit.into(),
                step: format!("health check {name}"),
                message,
                output: String::new(),
            }
        })
    }

    async fn append_history(&self, _unit: &str, entry: &HistoryEntry) -> Result<(), DriverError> {
        let (api, _) = self.api::<ConfigMap>().await?;
        let name = self.history_name();
        // A concurrent writer makes the guarded write fail: read again and retry.
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

    /// The journal lives in its own ConfigMap, written by server-side apply
    /// (the same verbs as the history, so docs/rbac.yaml covers it); a
    /// finished run empties it.
    async fn journal(&self, _unit: &str, entry: Option<&JournalEntry>) -> Result<(), DriverError> {
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

    async fn break_lock(&self, unit: &str) -> Result<(), DriverError> {
        let (api, _) = self.api::<Lease>().await?;
        let name = self.lease_name();
        let Some(mut lease) =
            self.call("get", "leases", &name, api.get_opt(&name)).await.map_err(|e| self.to_driver("break lock", e))?
        else {
            return Ok(());
        };
        if let Some(s) = lease.spec.as_mut() {
            s.holder_identity = None;
            s.renew_time = None;
            s.acquire_time = None;
        }
        self.call("update", "leases", &name, api.replace(&name, &self.post(), &lease)).await.map(drop).map_err(|e| {
            let _ = unit;
            self.to_driver("break lock", e)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::apps::v1::{DeploymentCondition, DeploymentSpec, DeploymentStatus};

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

    #[test]
    fn diff_shows_only_changed_fields() {
        let old = json!({"spec": {"replicas": 2, "template": {"image": "a:1"}}, "status": {"x": 1}});
        let new = json!({"spec": {"replicas": 2, "template": {"image": "a:2"}}});
        assert_eq!(diff_lines(Some(&old), &new), vec!["  ~ spec.template.image: a:1 → a:2".to_string()]);
        assert_eq!(diff_lines(None, &json!({"a": {"b": 1}})), vec!["  + a.b: 1".to_string()]);
    }

    #[test]
    fn versions_become_label_values() {
        assert_eq!(label_value("2.0.0+build.7"), "2.0.0_build.7");
        assert_eq!(label_value("1.4.2"), "1.4.2");
    }
}
