//! The protocols health checks speak themselves, each over a [`ByteStream`]
//! the check's point of view (`health::Vantage`) opened: on a slot host that is a channel of the host's own ssh
//! connection, so `127.0.0.1:6379` is the host's loopback and the host needs
//! no client program. Each returns what it saw (`Ok`) or why it is unhealthy.
//!
//! Redis (RESP) and MQTT 3.1.1 are small enough to write here; PostgreSQL's
//! wire protocol (authentication, SCRAM) is `tokio-postgres`'s, driven over
//! the same kind of stream (`connect_raw`).

pub mod mqtt;
pub mod postgres;
pub mod redis;
pub mod tls;

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
