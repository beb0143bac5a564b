//! Where checks run from (a [`Vantage`]), and the protocols they speak
//! themselves, each over a [`ByteStream`] that vantage opened: on a slot host
//! that is a channel of the host's own ssh connection, so `127.0.0.1:6379` is
//! the host's loopback and the host needs no client program. Each returns
//! what it saw (`Ok`) or why it is unhealthy. Health checks and analyses both
//! stand on this module, and it on neither.
//!
//! Redis (RESP) and MQTT 3.1.1 are small enough to write here; PostgreSQL's
//! wire protocol (authentication, SCRAM) is `tokio-postgres`'s, driven over
//! the same kind of stream (`connect_raw`).

use std::time::Duration;

use async_trait::async_trait;

pub mod mqtt;
pub mod postgres;
pub mod redis;
pub mod tls;

/// Where a check runs from. Drivers provide it (a host's transport runs
/// `curl` on the host; the operator's machine probes directly), so a check of
/// `http://127.0.0.1:8003/health` means the unit's own loopback.
#[async_trait]
pub trait Vantage: Send + Sync {
    /// GET `url`: (status, body).
    async fn http_get(&self, url: &str, timeout: Duration) -> Result<(u16, String), String>;
    async fn tcp_connect(&self, addr: &str, timeout: Duration) -> Result<(), String>;
    /// Runs a shell command: its exit code (None: killed by a signal) and its
    /// stdout and stderr together.
    async fn exec(&self, script: &str, timeout: Duration) -> Result<(Option<i32>, String), String>;
    /// A TCP connection to `addr` (`host:port`) opened from this point of
    /// view, for the protocols rvmctl speaks itself.
    async fn connect(&self, addr: &str, timeout: Duration) -> Result<Box<dyn ByteStream>, String>;
}

/// A connection a point of view opened: bytes both ways.
pub trait ByteStream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> ByteStream for T {}

/// A value read from an environment variable that must never be shown:
/// its `Debug` is `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// What a server said, cut to a line's length for a message.
fn shown(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() > 120 { format!("{}…", s.chars().take(120).collect::<String>()) } else { s.to_string() }
}
