//! The Kubernetes API client: kubeconfig like kubectl, every request counted
//! and logged, and API errors turned into errors that say what to do (a 403
//! names the verb and resource and points at docs/rbac.yaml).

use std::future::Future;
use std::io::Write;
use std::sync::atomic::Ordering;

use jiff::Timestamp;
use kube::api::{Api, PatchParams, PostParams};
use kube::{Client, Config};

use super::{FIELD_MANAGER, KubeDriver};
use crate::drivers::driver::DriverError;

pub(super) fn rbac_hint(verb: &str, resource: &str, ns: &str, server: &str) -> String {
    format!(
        "permission denied: the current user may not {verb} {resource} in namespace {ns} ({server}); \
         grant the Role in docs/rbac.yaml (it needs `{verb}` on `{resource}`): kubectl apply -n {ns} -f docs/rbac.yaml"
    )
}

impl KubeDriver {
    pub(super) fn unit_err(&self, message: impl Into<String>) -> DriverError {
        DriverError::Other { unit: self.app_name.clone(), message: message.into() }
    }

    pub(super) fn step_err(&self, step: &str, message: impl Into<String>) -> DriverError {
        DriverError::StepFailed {
            unit: self.app_name.clone(),
            step: step.into(),
            message: message.into(),
            output: String::new(),
        }
    }

    /// The client and namespace: kubeconfig like kubectl (KUBECONFIG, then
    /// ~/.kube/config; the target's or the flag's context), else in-cluster.
    pub(super) async fn client(&self) -> Result<&(Client, String), DriverError> {
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

    /// The user this run talks to the API server as, as the kubeconfig
    /// names it (the context's `user`); None in a cluster or without one.
    pub(super) fn identity(&self) -> Option<String> {
        let kc = kube::config::Kubeconfig::read().ok()?;
        let name = self.context.clone().or(kc.current_context.clone())?;
        kc.contexts.iter().find(|c| c.name == name)?.context.as_ref()?.user.clone()
    }

    pub(super) async fn api<K>(&self) -> Result<(Api<K>, String), DriverError>
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
    pub(super) async fn call<T, F>(&self, verb: &str, resource: &str, name: &str, fut: F) -> Result<T, ApiFailure>
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

    pub(super) fn to_driver(&self, step: &str, e: ApiFailure) -> DriverError {
        match e {
            ApiFailure::Unreachable(m) => DriverError::Unreachable { unit: self.app_name.clone(), message: m },
            other => self.step_err(step, other.to_string()),
        }
    }

    pub(super) fn pp(&self) -> PatchParams {
        PatchParams { dry_run: self.dry_run, ..PatchParams::apply(FIELD_MANAGER).force() }
    }

    pub(super) fn merge_pp(&self) -> PatchParams {
        PatchParams { dry_run: self.dry_run, field_manager: Some(FIELD_MANAGER.into()), ..Default::default() }
    }

    pub(super) fn post(&self) -> PostParams {
        PostParams { dry_run: self.dry_run, field_manager: Some(FIELD_MANAGER.into()) }
    }
}

#[derive(Debug, thiserror::Error)]
pub(super) enum ApiFailure {
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
