//! `kind: postgres`: connect with a DSN from the unit's point of view and run
//! a query with the simple query protocol; the first column of the first row
//! may be expected to equal a value (e.g. the schema version a release needs).

use tokio_postgres::config::Host;
use tokio_postgres::config::SslMode;
use tokio_postgres::{NoTls, SimpleQueryMessage};

use super::ByteStream;
use super::shown;

/// The DSN parsed, and the `host:port` it names. The parser's errors quote
/// nothing of the DSN, which holds the password.
pub fn parse(dsn: &str) -> Result<(tokio_postgres::Config, String), String> {
    let config: tokio_postgres::Config =
        dsn.parse().map_err(|e| format!("the DSN is not a PostgreSQL connection string: {e}"))?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        Some(Host::Unix(_)) => {
            return Err(
                "the DSN names a Unix socket; give the server's host and port (host=127.0.0.1 port=5432)".into()
            );
        }
        None => "127.0.0.1".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let address = if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") };
    Ok((config, address))
}

/// Logs in over `stream` (opened to `address`) and runs `query`. With
/// `sslmode=require` in the DSN the session is TLS, and the server's
/// certificate must chain to `ca_file` (PEM) or the OS's roots.
pub async fn check(
    stream: Box<dyn ByteStream>,
    config: &tokio_postgres::Config,
    address: &str,
    query: &str,
    expect: Option<&str>,
    ca_file: Option<&str>,
) -> Result<String, String> {
    let stream = if config.get_ssl_mode() == SslMode::Require {
        let host = crate::model::split_addr(address).map_or(address, |(h, _)| h);
        start_tls(stream, host, ca_file).await.map_err(|e| format!("{address}: {e}"))?
    } else {
        stream
    };
    // TLS, when asked for, is already on: the login itself is plain to the driver.
    let mut plain = config.clone();
    plain.ssl_mode(SslMode::Disable);
    let (client, connection) = plain.connect_raw(stream, NoTls).await.map_err(|e| failed(address, &e))?;
    let driver = tokio::spawn(async move { drop(connection.await) });
    let rows = client.simple_query(query).await.map_err(|e| format!("`{query}`: {}", why(&e)));
    drop(client);
    driver.abort();
    let first = rows?.into_iter().find_map(|m| match m {
        SimpleQueryMessage::Row(r) => Some(r.get(0).map(str::to_string)),
        _ => None,
    });
    match (first, expect) {
        (Some(Some(v)), Some(want)) if v != want => {
            Err(format!("`{query}` returned '{}', expected '{want}'", shown(&v)))
        }
        (Some(Some(v)), _) => Ok(format!("`{query}` → '{}'", shown(&v))),
        (Some(None), Some(want)) => Err(format!("`{query}` returned NULL, expected '{want}'")),
        (None, Some(want)) => Err(format!("`{query}` returned no rows, expected '{want}'")),
        (_, None) => Ok(format!("`{query}` ran")),
    }
}

/// PostgreSQL's SSLRequest, then TLS over the same stream: the server's
/// certificate must chain to `ca_file` or the OS's roots.
async fn start_tls(
    mut stream: Box<dyn ByteStream>,
    host: &str,
    ca_file: Option<&str>,
) -> Result<Box<dyn ByteStream>, String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    const SSL_REQUEST: [u8; 8] = [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F]; // length 8, code 80877103
    let io = |e: std::io::Error| format!("asking for TLS: {e}");
    stream.write_all(&SSL_REQUEST).await.map_err(io)?;
    stream.flush().await.map_err(io)?;
    match stream.read_u8().await.map_err(io)? {
        b'S' => super::tls::connect(stream, host, ca_file).await,
        b'N' => Err("the server does not speak TLS (sslmode=require in the DSN asks for it)".into()),
        other => Err(format!("not a PostgreSQL answer to a TLS request ({other:#x})")),
    }
}

fn failed(address: &str, e: &tokio_postgres::Error) -> String {
    format!("{address}: {}", why(e))
}

/// The server's own message when there is one ("password authentication
/// failed for user …"), else the client's.
fn why(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) if db.code() == &tokio_postgres::error::SqlState::INVALID_PASSWORD => {
            format!("{} ({}); check the credentials in the DSN", db.message(), db.code().code())
        }
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}
