//! Health checks (http, tcp, command, redis, postgres, mqtt), run from the
//! unit's own point of view (a [`Vantage`]: the host itself for slot apps,
//! the operator's machine for Kubernetes apps), with retries and an interval
//! between attempts. The protocols rvmctl speaks itself are in [`super::probes`].

use std::time::Duration;

pub use super::probes::{ByteStream, Secret, Vantage};

use crate::config::schema::HealthCheck;

/// What one attempt of a check does, with its templates filled in.
#[derive(Debug, Clone, PartialEq)]
pub enum Probe {
    Http {
        url: String,
        expect_status: u16,
        expect_body: Option<String>,
    },
    Tcp {
        address: String,
    },
    Command {
        run: String,
    },
    Redis {
        address: String,
        username: Option<String>,
        password: Option<Secret>,
        key: Option<String>,
        expect: Option<String>,
    },
    Postgres {
        dsn: Secret,
        query: String,
        expect: Option<String>,
        ca_file: Option<String>,
    },
    Mqtt(super::probes::mqtt::Exchange),
    /// One evaluation of a query, from the unit's point of view.
    Prometheus(super::analysis::RenderedAnalysis),
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
            HealthCheck::Redis(r) => Probe::Redis {
                address: render(&r.address)?,
                username: r.username.clone(),
                password: r.password_env.as_deref().map(|v| secret(c, "password_env", v)).transpose()?,
                key: r.key.as_ref().map(render).transpose()?,
                expect: r.expect.as_ref().map(render).transpose()?,
            },
            HealthCheck::Postgres(p) => Probe::Postgres {
                dsn: secret(c, "dsn_env", &p.dsn_env)?,
                query: p.query.as_ref().map(render).transpose()?.unwrap_or_else(|| "SELECT 1".into()),
                expect: p.expect.as_ref().map(render).transpose()?,
                ca_file: p.ca_file.clone(),
            },
            HealthCheck::Prometheus(p) => {
                let spec = crate::config::schema::Analysis {
                    prometheus: Some(p.prometheus.clone()),
                    query: Some(p.query.clone()),
                    resource: None,
                    path: None,
                    scope: None,
                    max: p.max,
                    min: p.min,
                    interval: None,
                    failures: None,
                    // A check vouches for a release: no data is a failure unless said otherwise.
                    no_data: Some(p.no_data.unwrap_or(crate::config::schema::NoData::Fail)),
                    timeout: p.timeout,
                };
                Probe::Prometheus(super::analysis::RenderedAnalysis::new(&c.display_name(), &spec, render)?)
            }
            HealthCheck::Mqtt(m) => {
                let address = render(&m.address)?;
                // The name the broker's certificate must carry: its host, unless said.
                let tls = m.tls.then(|| {
                    let host = crate::model::split_addr(&address).map_or(address.as_str(), |(h, _)| h);
                    (m.server_name.clone().unwrap_or_else(|| host.to_string()), m.ca_file.clone())
                });
                Probe::Mqtt(super::probes::mqtt::Exchange {
                    tls,
                    address,
                    username: m.username_env.as_deref().map(|v| secret(c, "username_env", v)).transpose()?,
                    password: m.password_env.as_deref().map(|v| secret(c, "password_env", v)).transpose()?,
                    publish: m
                        .publish
                        .as_ref()
                        .map(|p| {
                            Ok::<_, String>((
                                render(&p.topic)?,
                                p.payload.as_ref().map(render).transpose()?.unwrap_or_default(),
                            ))
                        })
                        .transpose()?,
                    expect: m
                        .expect
                        .as_ref()
                        .map(|e| Ok::<_, String>((render(&e.topic)?, e.contains.as_ref().map(render).transpose()?)))
                        .transpose()?,
                })
            }
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

/// The value of `var`, the environment variable `key` of check `c` names.
fn secret(c: &HealthCheck, key: &str, var: &str) -> Result<Secret, String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Ok(Secret(v)),
        _ => Err(format!(
            "health check '{}': the environment variable {var} (its {key}) is not set where rvmctl runs; \
             export it (in GitHub Actions, from a secret: `env: {var}: ${{{{ secrets.{var} }}}}`)",
            c.display_name()
        )),
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
        Probe::Redis { address, username, password, key, expect } => {
            let stream = t.connect(address, c.timeout).await?;
            let auth = password.as_ref().map(|p| (username.as_deref(), p.0.as_str()));
            let get = key.as_deref().map(|k| (k, expect.as_deref()));
            within(c.timeout, address, super::probes::redis::check(stream, auth, get)).await
        }
        Probe::Postgres { dsn, query, expect, ca_file } => {
            let (config, address) = super::probes::postgres::parse(&dsn.0)?;
            let stream = t.connect(&address, c.timeout).await?;
            let work =
                super::probes::postgres::check(stream, &config, &address, query, expect.as_deref(), ca_file.as_deref());
            within(c.timeout, &address, work).await
        }
        Probe::Prometheus(a) => {
            let e = super::analysis::evaluate(t, t, a).await;
            if e.failed() { Err(format!("`{}` → {}", e.query, e.observed())) } else { Ok(e.observed()) }
        }
        Probe::Mqtt(x) => {
            let work = async {
                let mut stream = t.connect(&x.address, c.timeout).await?;
                if let Some((name, ca)) = &x.tls {
                    stream = super::probes::tls::connect(stream, name, ca.as_deref()).await?;
                }
                x.run(stream).await
            };
            within(c.timeout, &x.address, work).await
        }
    }
}

/// `work`, cut off at the attempt's `timeout` with an error naming `what`.
async fn within(
    timeout: Duration,
    what: &str,
    work: impl std::future::Future<Output = Result<String, String>>,
) -> Result<String, String> {
    tokio::time::timeout(timeout, work)
        .await
        .unwrap_or_else(|_| Err(format!("{what} did not answer within {}", crate::model::Duration(timeout))))
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
