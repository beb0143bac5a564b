//! Side channels of a run: the audit log and notifications (Slack, plain
//! webhooks, email). A failing notification is a warning, never a failed deploy.

pub mod audit;
pub mod email;
pub mod message;

use std::path::Path;
use std::time::Duration;

pub use message::Event;

use crate::config::schema::{Notification, NotificationKind};

/// Replaces every secret this process knows of (values of env vars named
/// in the config, tokens in URLs) inside a JSON value.
pub fn redact_value(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => *s = redact(s),
        serde_json::Value::Array(a) => a.iter_mut().for_each(redact_value),
        serde_json::Value::Object(o) => o.values_mut().for_each(redact_value),
        _ => {}
    }
}

/// Masks credentials in URLs (`user:pass@`, token-like query values) and the
/// values of well-known secret environment variables.
pub fn redact(s: &str) -> String {
    let mut out = crate::model::redact_url(s);
    for (k, v) in std::env::vars() {
        let k = k.to_ascii_uppercase();
        let secret = ["TOKEN", "SECRET", "PASSWORD", "WEBHOOK", "API_KEY"].iter().any(|w| k.contains(w));
        if secret && v.len() >= 6 && out.contains(&v) {
            out = out.replace(&v, "***");
        }
    }
    out
}

/// Sends `event` to every notification that subscribes to it; returns
/// warnings. `base` is the config file's folder (relative paths in a
/// notification, e.g. an email's `ca_file`).
pub async fn send(notifications: &[Notification], base: &Path, event: &Event) -> Vec<String> {
    let client = match reqwest::Client::builder().timeout(Duration::from_secs(5)).build() {
        Ok(c) => c,
        Err(e) => return vec![format!("notifications disabled: {e}")],
    };
    let mut warnings = Vec::new();
    for n in notifications.iter().filter(|n| n.on.contains(&event.event)) {
        let sent = match n.kind {
            NotificationKind::Email => email::send(n, base, event).await.map_err(|e| e.to_string()),
            NotificationKind::Slack | NotificationKind::Webhook => send_one(&client, n, event).await,
        };
        if let Err(e) = sent {
            warnings.push(format!(
                "{} notification failed (the deploy is not affected): {e}",
                crate::model::wire_name(&n.kind)
            ));
        }
    }
    warnings
}

async fn send_one(client: &reqwest::Client, n: &Notification, event: &Event) -> Result<(), String> {
    let (url, body) = match n.kind {
        NotificationKind::Slack => {
            let var = n.webhook_url_env.as_deref().unwrap_or("SLACK_WEBHOOK_URL");
            let url = std::env::var(var).map_err(|_| format!("${var} is not set"))?;
            (url, serde_json::json!({ "text": event.text() }))
        }
        NotificationKind::Webhook => {
            let url = n.url.clone().ok_or("no url")?;
            (url, serde_json::to_value(event).map_err(|e| e.to_string())?)
        }
        NotificationKind::Email => return Err("an email is not sent over HTTP".into()),
    };
    let mut req = client.post(&url).json(&body);
    for (header, var) in &n.headers_env {
        let value = std::env::var(var).map_err(|_| format!("${var} (header {header}) is not set"))?;
        req = req.header(header, value);
    }
    // Errors must not carry the URL: it is often the secret itself.
    let resp = req.send().await.map_err(|e| crate::exit::error_chain(&e.without_url()))?;
    if !resp.status().is_success() {
        return Err(format!("the endpoint answered {}", resp.status()));
    }
    Ok(())
}
