//! `kind: postgres`: connect with a DSN from the unit's point of view and run
//! a query with the simple query protocol; the first column of the first row
//! may be expected to equal a value (e.g. the schema version a release needs).

use tokio_postgres::config::Host;
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

/// Logs in over `stream` (opened to `address`) and runs `query`.
pub async fn check(
    stream: Box<dyn ByteStream>,
    config: &tokio_postgres::Config,
    address: &str,
    query: &str,
    expect: Option<&str>,
) -> Result<String, String> {
    let (client, connection) =
        config.connect_raw(stream, NoTls).await.map_err(|e| format!("{address}: {}", why(&e)))?;
    let driver = tokio::spawn(connection);
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
