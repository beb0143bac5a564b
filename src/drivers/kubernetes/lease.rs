//! The lock of a Kubernetes app: a Lease `{app}-rvmctl-lock`, renewed while
//! a run holds it, expired (and so free) LEASE_SECONDS after its holder died.

use std::collections::BTreeMap;

use async_trait::async_trait;
use jiff::Timestamp;
use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use kube::api::{Api, PostParams};
use tokio_util::sync::CancellationToken;

use super::client::ApiFailure;
use super::{ANN_OPERATION, ANN_PLAN, FIELD_MANAGER, KubeDriver, LEASE_SECONDS, MANAGED_BY, RENEW_EVERY};
use crate::drivers::driver::{DriverError, LockGuard};
use crate::model::LockInfo;

impl KubeDriver {
    /// Takes the Lease (refused while a live holder renews it) and renews it
    /// in the background until released.
    pub(super) async fn take_lease(&self, unit: &str, info: &LockInfo) -> Result<Box<dyn LockGuard>, DriverError> {
        let (api, _) = self.api::<Lease>().await?;
        let name = self.lease_name();
        let now = Timestamp::now();
        let existing =
            self.call("get", "leases", &name, api.get_opt(&name)).await.map_err(|e| self.to_driver("lock", e))?;
        if let Some(held) = existing.as_ref().and_then(lease_holder) {
            return Err(DriverError::Locked { unit: unit.into(), info: Box::new(held) });
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
                    expires: None,
                });
                Err(DriverError::Locked { unit: unit.into(), info: Box::new(held) })
            }
            Err(e) => Err(self.to_driver("lock", e)),
        }
    }

    /// Clears the Lease left by a dead run (`rvmctl lock release --force`).
    pub(super) async fn break_lease(&self) -> Result<(), DriverError> {
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
        self.call("update", "leases", &name, api.replace(&name, &self.post(), &lease))
            .await
            .map(drop)
            .map_err(|e| self.to_driver("break lock", e))
    }

    pub(super) async fn current_lock(&self) -> Result<Option<(LockInfo, Lease)>, ApiFailure> {
        let (api, _) = self.api::<Lease>().await.map_err(|e| ApiFailure::Unreachable(e.to_string()))?;
        let name = self.lease_name();
        let Some(lease) = self.call("get", "leases", &name, api.get_opt(&name)).await? else { return Ok(None) };
        Ok(lease_holder(&lease).map(|i| (i, lease)))
    }

    pub(super) fn lease_object(&self, info: &LockInfo, now: Timestamp, base: Option<&Lease>) -> Lease {
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
}

pub(super) fn lease_holder(lease: &Lease) -> Option<LockInfo> {
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
        expires: renewed.checked_add(jiff::SignedDuration::from_secs(duration)).ok(),
    })
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
