//! Health checks (http, tcp, command), run from the unit's own point of view
//! (a [`Vantage`]: the host itself for slot apps, the operator's machine for
//! Kubernetes apps), with retries and an interval between attempts.

use std::time::Duration;

use async_trait::async_trait;

use crate::config::schema::HealthCheck;

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
}

/// What one attempt of a check does, with its templates filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    Http { url: String, expect_status: u16, expect_body: Option<String> },
    Tcp { address: String },
    Command { run: String },
}

/// A health check with its templates filled in for one host and color.
#[derive(Debug, Clone)]
pub struct RenderedCheck {
    pub name: String,
    pub probe: Probe,
    pub timeout: Duration,
    pub attempts: u32,
    pub interval: Duration,
}

impl RenderedCheck {
    pub fn new(
        c: &HealthCheck,
        render: &dyn Fn(&crate::config::types::Template) -> Result<String, String>,
        default_timeout: Duration,
    ) -> Result<Self, String> {
        let probe = match c {
            HealthCheck::Http(h) => Probe::Http {
                url: render(&h.url)?,
                expect_status: h.expect_status.unwrap_or(200),
                expect_body: h.expect_body_contains.as_ref().map(render).transpose()?,
            },
            HealthCheck::Tcp(t) => Probe::Tcp { address: render(&t.address)? },
            HealthCheck::Command(x) => Probe::Command { run: render(&x.run)? },
        };
        let common = c.common();
        Ok(RenderedCheck {
            name: c.label(render),
            probe,
            timeout: common.timeout.map(|d| d.get()).unwrap_or(default_timeout.min(Duration::from_secs(10))),
            attempts: common.retries.unwrap_or(3) + 1,
            interval: common.interval.map(|d| d.get()).unwrap_or(Duration::from_secs(1)),
        })
    }
}

/// One attempt. `command_prelude` is prepended to command checks (env, cwd).
pub async fn attempt<V: Vantage + ?Sized>(t: &V, c: &RenderedCheck, command_prelude: &str) -> Result<String, String> {
    match &c.probe {
        Probe::Http { url, expect_status, expect_body } => {
            let (status, body) = t.http_get(url, c.timeout).await?;
            // What is shown never carries the URL's credentials.
            let shown = crate::model::redact_url(url);
            if status != *expect_status {
                return Err(format!(
                    "GET {shown} returned {status}, expected {expect_status}; body: {}",
                    snippet(&body)
                ));
            }
            if let Some(want) = expect_body {
                if !body.contains(want.as_str()) {
                    return Err(format!("GET {shown} body does not contain '{want}'; body: {}", snippet(&body)));
                }
            }
            Ok(format!("GET {shown} → {status}"))
        }
        Probe::Tcp { address } => t.tcp_connect(address, c.timeout).await.map(|_| format!("connected to {address}")),
        Probe::Command { run } => {
            let (code, output) = t.exec(&format!("{command_prelude}{run}"), c.timeout).await?;
            if code == Some(0) {
                Ok(format!("`{run}` exited 0"))
            } else {
                Err(format!(
                    "`{run}` exited {}: {}",
                    code.map_or("by signal".into(), |c| c.to_string()),
                    snippet(&output)
                ))
            }
        }
    }
}

/// One attempt of every check in order; the first failure as (check name, why).
pub async fn probe_all<V: Vantage + ?Sized>(
    t: &V,
    checks: &[RenderedCheck],
    command_prelude: &str,
) -> Result<(), (String, String)> {
    for c in checks {
        attempt(t, c, command_prelude).await.map_err(|why| (c.name.clone(), why))?;
    }
    Ok(())
}

/// Attempts until success or `attempts` are used up; the error is the last failure.
pub async fn run<V: Vantage + ?Sized>(t: &V, c: &RenderedCheck, command_prelude: &str) -> Result<String, String> {
    let mut last = String::new();
    for i in 0..c.attempts.max(1) {
        if i > 0 {
            tokio::time::sleep(c.interval).await;
        }
        match attempt(t, c, command_prelude).await {
            Ok(ok) => return Ok(ok),
            Err(e) => last = e,
        }
    }
    Err(format!("{} (after {} attempt{})", last, c.attempts, if c.attempts == 1 { "" } else { "s" }))
}

fn snippet(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() > 200 { format!("{}…", s.chars().take(200).collect::<String>()) } else { s.to_string() }
}
