//! `kind: email`: one plain-text message per event over SMTP, encrypted with
//! STARTTLS (default) or implicit TLS, through the process's rustls (ring)
//! provider; unencrypted only to a loopback relay (config validation refuses
//! anything else). The whole exchange has one time limit, so a dead relay
//! delays a deploy by at most that much and never fails it.
//!
//! Credentials come only from environment variables, read when a message is
//! sent: `config validate` runs where the secrets are not (CI, a laptop), so
//! a missing variable is the sender's warning, like Slack's `webhook_url_env`.
//! Their values never reach a message, an error or a log line.

use std::path::Path;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::message::Event;
use crate::config::schema::{Notification, SmtpTls};

/// How long one message may take, connect to QUIT, unless `timeout:` says.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a message was not sent. Never carries a credential.
#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    #[error("${0} is not set")]
    MissingEnv(String),
    #[error("no `{0}` (run `rvmctl config validate`)")]
    Missing(&'static str),
    #[error("'{address}' is not an email address: {reason}")]
    Address { address: String, reason: String },
    #[error("cannot read the CA file {path}: {reason}")]
    CaFile { path: String, reason: String },
    #[error("cannot build the message: {0}")]
    Message(String),
    #[error("{server}: {reason}")]
    Smtp { server: String, reason: String },
    #[error("{server}: no answer within {}s", .limit.as_secs_f64())]
    Timeout { server: String, limit: Duration },
}

/// Sends `event` as one message to the notification's recipients. Relative
/// paths (`ca_file`) are resolved against `base`, the config file's folder.
pub async fn send(n: &Notification, base: &Path, event: &Event) -> Result<(), EmailError> {
    let host = n
        .host
        .as_deref()
        .map(|h| h.trim().trim_start_matches('[').trim_end_matches(']'))
        .filter(|h| !h.is_empty())
        .ok_or(EmailError::Missing("host"))?;
    let mode = n.tls.unwrap_or_default();
    let port = n.port.unwrap_or(mode.default_port());
    let server = format!("{host}:{port}");
    let limit = n.timeout.map(|t| t.get()).unwrap_or(DEFAULT_TIMEOUT);
    let message = message(n, event)?;
    let credentials = credentials(n)?;
    let secret = credentials.as_ref().map(|(_, password)| password.clone()).unwrap_or_default();

    // lettre calls a builder "dangerous" when it starts without TLS; `tls`
    // sets it right below (STARTTLS required, implicit, or loopback-only none).
    let mut transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(port)
        .timeout(Some(limit))
        .tls(tls(mode, host, n.ca_file.as_deref(), base)?);
    if let Some((user, password)) = credentials {
        transport = transport.credentials(Credentials::new(user, password));
    }
    let transport = transport.build();
    match tokio::time::timeout(limit, transport.send(message)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(EmailError::Smtp { server, reason: scrub(&crate::exit::error_chain(&e), &secret) }),
        Err(_) => Err(EmailError::Timeout { server, limit }),
    }
}

/// The message: the event's subject and plain-text body, from and to as configured.
fn message(n: &Notification, event: &Event) -> Result<Message, EmailError> {
    let mailbox = |address: &str| {
        address
            .trim()
            .parse::<Mailbox>()
            .map_err(|e| EmailError::Address { address: address.to_string(), reason: e.to_string() })
    };
    let mut builder = Message::builder()
        .from(mailbox(n.from.as_deref().ok_or(EmailError::Missing("from"))?)?)
        .subject(event.subject())
        // Relays usually add one; some filters drop mail without it.
        .message_id(None);
    if n.to.is_empty() {
        return Err(EmailError::Missing("to"));
    }
    for to in &n.to {
        builder = builder.to(mailbox(to)?);
    }
    builder.header(ContentType::TEXT_PLAIN).body(event.body()).map_err(|e| EmailError::Message(e.to_string()))
}

/// (user, password) from the named env vars, or none without them.
fn credentials(n: &Notification) -> Result<Option<(String, String)>, EmailError> {
    let (Some(user_var), Some(password_var)) = (&n.username_env, &n.password_env) else {
        return Ok(None);
    };
    let read = |var: &str| std::env::var(var).map_err(|_| EmailError::MissingEnv(var.to_string()));
    Ok(Some((read(user_var)?, read(password_var)?)))
}

/// The connection's security: the relay's certificate must carry `host` and
/// chain to `ca_file`'s CAs, or to the OS's roots without one.
fn tls(mode: SmtpTls, host: &str, ca_file: Option<&str>, base: &Path) -> Result<Tls, EmailError> {
    let wrap: fn(TlsParameters) -> Tls = match mode {
        SmtpTls::None => return Ok(Tls::None),
        SmtpTls::Starttls => Tls::Required,
        SmtpTls::Implicit => Tls::Wrapper,
    };
    let mut params = TlsParameters::builder(host.to_string());
    if let Some(ca) = ca_file {
        let path = base.join(ca);
        let shown = path.display().to_string();
        let pem =
            std::fs::read(&path).map_err(|e| EmailError::CaFile { path: shown.clone(), reason: e.to_string() })?;
        let cert = Certificate::from_pem(&pem)
            .map_err(|e| EmailError::CaFile { path: shown.clone(), reason: crate::exit::error_chain(&e) })?;
        params = params.certificate_store(CertificateStore::None).add_root_certificate(cert);
    }
    let params = params
        .build_rustls()
        .map_err(|e| EmailError::Smtp { server: host.to_string(), reason: crate::exit::error_chain(&e) })?;
    Ok(wrap(params))
}

/// `text` without `secret` (a server may echo what it was sent), and
/// without the repeats of lettre's nested errors (`Connection error:
/// Connection error: ...`).
fn scrub(text: &str, secret: &str) -> String {
    let text = if secret.is_empty() { text.to_string() } else { text.replace(secret, "***") };
    let mut parts: Vec<&str> = text.split(": ").collect();
    parts.dedup();
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::schema::NotifyEvent;

    fn notification(yaml_from: &str, to: &[&str]) -> Notification {
        Notification {
            kind: crate::config::schema::NotificationKind::Email,
            webhook_url_env: None,
            url: None,
            headers_env: Default::default(),
            host: Some("127.0.0.1".into()),
            port: Some(1),
            tls: Some(SmtpTls::None),
            ca_file: None,
            from: Some(yaml_from.into()),
            to: to.iter().map(|s| s.to_string()).collect(),
            username_env: None,
            password_env: None,
            timeout: None,
            on: vec![NotifyEvent::Success],
        }
    }

    fn event() -> Event {
        Event {
            event: NotifyEvent::Failure,
            project: "edge".into(),
            environment: "production".into(),
            version: "1.4.2".into(),
            result: "failed".into(),
            user: "ana".into(),
            duration_ms: 1_000,
        }
    }

    #[test]
    fn the_message_has_the_event_subject_and_every_recipient() {
        let n = notification("Deploys <deploys@example.com>", &["ops@example.com", "Lead <lead@example.com>"]);
        let raw = String::from_utf8(message(&n, &event()).expect("message").formatted()).expect("utf-8");
        assert!(raw.contains("From: Deploys <deploys@example.com>\r\n"), "{raw}");
        assert!(raw.contains("To: ops@example.com, Lead <lead@example.com>\r\n"), "{raw}");
        // Non-ASCII (the arrow) is encoded; the facts are in the subject's text.
        assert!(raw.contains("Subject: "), "{raw}");
        assert!(raw.contains("Content-Type: text/plain; charset=utf-8"), "{raw}");
        assert!(raw.contains("\r\nDate: ") && raw.contains("\r\nMessage-ID: <"), "{raw}");
    }

    #[test]
    fn a_bad_address_is_an_error_not_a_panic() {
        let n = notification("not an address", &["ops@example.com"]);
        let e = message(&n, &event()).expect_err("refused");
        assert!(e.to_string().starts_with("'not an address' is not an email address"), "{e}");
    }

    #[test]
    fn missing_credentials_name_the_variable_only() {
        let mut n = notification("a@example.com", &["b@example.com"]);
        n.username_env = Some("RVMCTL_TEST_SMTP_USER_UNSET".into());
        n.password_env = Some("RVMCTL_TEST_SMTP_PASSWORD_UNSET".into());
        let e = credentials(&n).expect_err("unset");
        assert_eq!(e.to_string(), "$RVMCTL_TEST_SMTP_USER_UNSET is not set");
        n.username_env = None;
        assert!(credentials(&n).expect("no auth").is_none(), "AUTH needs both");
    }

    #[test]
    fn a_secret_echoed_by_a_server_is_masked() {
        assert_eq!(scrub("535 bad password hunter22", "hunter22"), "535 bad password ***");
        assert_eq!(scrub("535 denied", ""), "535 denied");
        assert_eq!(
            scrub("Connection error: Connection error: invalid peer certificate: UnknownIssuer", ""),
            "Connection error: invalid peer certificate: UnknownIssuer"
        );
    }
}
