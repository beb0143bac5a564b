//! `kind: local`: the Jetson slot layout under a local folder,
//! `{root}/{host}/{blue,green}`, with real services and health checks.
//! Same slot logic as `ssh`; only the transport differs.

use std::sync::Arc;

use super::slots::{SlotDriver, hosts_for};
use super::transport::{LocalTransport, Transport};
use crate::config::{Config, ResolvedTarget};

pub fn new(cfg: &Config, env: &str, target: &ResolvedTarget) -> anyhow::Result<SlotDriver> {
    let root = target.root.clone().unwrap_or_else(|| cfg.path("./.rvmctl/sandbox"));
    let transport: Arc<dyn Transport> = Arc::new(LocalTransport::new());
    let hosts = hosts_for(target, |h| root.join(&h.name).to_string_lossy().into_owned(), |_| transport.clone());
    Ok(SlotDriver::for_target(cfg, env, target, hosts))
}
