//! Target drivers: one module per target kind, all behind the [`Driver`]
//! contract (driver.rs). `local` and `ssh` share the release-slot model
//! (`slots/`) over a [`transport::Transport`]; `kubernetes/` switches a
//! Service selector. This file only declares them and builds the driver of
//! a resolved target.

pub mod artifact;
pub mod driver;
pub mod kubernetes;
pub mod local;
pub mod slots;
pub mod ssh;
pub mod transport;

use std::sync::Arc;

pub use driver::{Driver, DriverError, LockGuard, StepContext, StepOutput, lock_info, watch_health};

use crate::config::ResolvedTarget;
use crate::config::schema::TargetKind;

/// Builds the driver for a resolved target.
pub fn for_target(cfg: &crate::config::Config, env: &str, target: &ResolvedTarget) -> anyhow::Result<Arc<dyn Driver>> {
    for_target_with(cfg, env, target, &kubernetes::KubeOptions::default())
}

/// [`for_target`] with command-line overrides for Kubernetes targets.
pub fn for_target_with(
    cfg: &crate::config::Config,
    env: &str,
    target: &ResolvedTarget,
    kube: &kubernetes::KubeOptions,
) -> anyhow::Result<Arc<dyn Driver>> {
    match target.kind {
        TargetKind::Local => Ok(Arc::new(local::new(cfg, env, target)?)),
        TargetKind::Ssh => Ok(Arc::new(ssh::new(cfg, env, target)?)),
        TargetKind::Kubernetes => Ok(Arc::new(kubernetes::new(cfg, env, target, kube)?)),
    }
}

/// The slot driver of a `local` or `ssh` target (their hosts' lifecycle:
/// `rvmctl host …`); `None` for a Kubernetes target, which has no hosts.
pub fn slot_driver(
    cfg: &crate::config::Config,
    env: &str,
    target: &ResolvedTarget,
) -> anyhow::Result<Option<slots::SlotDriver>> {
    match target.kind {
        TargetKind::Local => local::new(cfg, env, target).map(Some),
        TargetKind::Ssh => ssh::new(cfg, env, target).map(Some),
        TargetKind::Kubernetes => Ok(None),
    }
}
