//! GitHub integration through octocrab: release resolution (`version:
//! latest`, `rvmctl releases`, `rvmctl update check`) and GitHub
//! Deployments (see [`deployments`]).
//!
//! The API root is `GITHUB_API_URL` (GitHub Enterprise, tests), by default
//! `https://api.github.com`. The token is read from the environment variable
//! named by `global.github.token_env`; it is never printed, logged or put
//! into an error (every message built from a response goes through
//! [`Client::redact`]). This module returns data and errors; it never prints.

pub mod deployments;
pub mod views;

use jiff::Timestamp;
use serde::Deserialize;

use crate::config::Config;
use crate::config::schema::GithubConfig;

pub const DEFAULT_API_URL: &str = "https://api.github.com";
/// Safety stop for pagination (100 per page).
const MAX_PAGES: usize = 50;

#[derive(Debug, thiserror::Error)]
pub enum GithubError {
    #[error(
        "{what} needs `global.github.repository` in the config: add `github: {{ repository: owner/name }}` under `global:`"
    )]
    NotConfigured { what: &'static str },
    #[error("invalid GitHub repository '{0}': expected owner/name (e.g. acme/rvm-edge)")]
    BadRepository(String),
    #[error("invalid GITHUB_API_URL '{url}': {reason}; unset it to use {DEFAULT_API_URL}")]
    BadApiUrl { url: String, reason: String },
    #[error("${env} is not set: set it to a GitHub token with repo scope (or change global.github.token_env)")]
    MissingToken { env: String },
    #[error("the token in ${env} was rejected: check it has repo scope (GitHub said: {message})")]
    Unauthorized { env: String, message: String },
    #[error("{}", rate_limit_message(.reset, .env, *.authenticated))]
    RateLimited { reset: Option<Timestamp>, env: String, authenticated: bool },
    #[error("GitHub refused access to {repo}: {message}; check the token in ${env} has repo scope")]
    Forbidden { repo: String, env: String, message: String },
    #[error(
        "repository {repo} not found, or the token in ${env} has no access to it: check global.github.repository and the token"
    )]
    NotFound { repo: String, env: String },
    #[error(
        "{repo} has no published release with a semantic-version tag (v1.2.3 or 1.2.3) that is not a draft or prerelease: publish one, or pass an explicit --version"
    )]
    NoRelease { repo: String },
    #[error("GitHub API error {status} on {what}: {message}")]
    Api { status: u16, what: String, message: String },
    #[error("cannot reach the GitHub API at {url} ({what}): {message}; check the network or GITHUB_API_URL")]
    Transport { url: String, what: String, message: String },
    #[error("internal error: {0}; please report it")]
    Internal(&'static str),
}

impl GithubError {
    /// Errors the user fixes in the config or on the command line.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            GithubError::NotConfigured { .. } | GithubError::BadRepository(_) | GithubError::BadApiUrl { .. }
        )
    }
}

fn rate_limit_message(reset: &Option<Timestamp>, env: &str, authenticated: bool) -> String {
    let mut msg = "GitHub API rate limit exceeded".to_string();
    match reset {
        Some(t) => msg.push_str(&format!("; it resets at {} ({})", t.strftime("%Y-%m-%d %H:%M:%S UTC"), until(*t))),
        None => msg.push_str("; try again in a few minutes"),
    }
    if !authenticated {
        msg.push_str(&format!(" (unauthenticated requests get 60 per hour: set ${env} to a token for 5000)"));
    }
    msg
}

fn until(t: Timestamp) -> String {
    let secs = t.as_second() - Timestamp::now().as_second();
    match secs {
        s if s <= 0 => "now".into(),
        s if s < 60 => format!("in {s}s"),
        s if s < 3600 => format!("in {} min", (s + 59) / 60),
        s => format!("in {}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// `owner/name`, validated so it can go into a URL path as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    pub owner: String,
    pub name: String,
}

impl Repo {
    pub fn parse(s: &str) -> Result<Repo, GithubError> {
        let ok = |p: &str| {
            !p.is_empty() && p != "." && p != ".." && p.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        };
        match s.trim().split_once('/') {
            Some((o, n)) if ok(o) && ok(n) => Ok(Repo { owner: o.to_string(), name: n.to_string() }),
            _ => Err(GithubError::BadRepository(s.to_string())),
        }
    }
}

impl std::fmt::Display for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// A GitHub Release whose tag is a semantic version.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    pub tag: String,
    pub version: semver::Version,
    pub name: Option<String>,
    pub published_at: Option<Timestamp>,
    pub html_url: String,
    pub draft: bool,
    pub prerelease: bool,
}

impl Release {
    /// Not a draft, not marked prerelease, and no semver pre-release part
    /// (a `v2.0.0-rc.1` tag is never "latest", however it is marked).
    pub fn is_stable(&self) -> bool {
        !self.draft && !self.prerelease && self.version.pre.is_empty()
    }
}

/// Every release of a repository, newest semantic version first.
#[derive(Debug, Clone, Default)]
pub struct ReleaseList {
    pub releases: Vec<Release>,
    /// Tags of releases that are not semantic versions (ignored for `latest`).
    pub unversioned: Vec<String>,
}

impl ReleaseList {
    pub fn from_wire(wire: Vec<WireRelease>) -> ReleaseList {
        let mut list = ReleaseList::default();
        for r in wire {
            match parse_tag(&r.tag_name) {
                Some(version) => list.releases.push(Release {
                    version,
                    tag: r.tag_name,
                    name: r.name.filter(|n| !n.is_empty()),
                    published_at: r.published_at,
                    html_url: r.html_url,
                    draft: r.draft,
                    prerelease: r.prerelease,
                }),
                None => list.unversioned.push(r.tag_name),
            }
        }
        // Newest version first; for equal versions (v1.2.3 and 1.2.3) the stable one first.
        list.releases.sort_by(|a, b| b.version.cmp(&a.version).then(b.is_stable().cmp(&a.is_stable())));
        list
    }

    /// The newest stable release by semantic version (not by date).
    pub fn latest(&self) -> Option<&Release> {
        self.releases.iter().find(|r| r.is_stable())
    }
}

/// `v1.2.3`, `V1.2.3` or `1.2.3` (with optional pre-release/build parts).
pub fn parse_tag(tag: &str) -> Option<semver::Version> {
    let t = tag.trim();
    let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
    semver::Version::parse(t).ok()
}

/// A release as GitHub's REST API returns it (only the fields we use).
#[derive(Debug, Clone, Deserialize)]
pub struct WireRelease {
    pub tag_name: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub prerelease: bool,
    #[serde(default)]
    pub published_at: Option<Timestamp>,
    #[serde(default)]
    pub html_url: String,
}

/// An authenticated (or anonymous) client for one repository.
pub struct Client {
    octo: octocrab::Octocrab,
    pub repo: Repo,
    pub api_url: String,
    token_env: String,
    token: Option<String>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("repo", &self.repo)
            .field("api_url", &self.api_url)
            .field("token_env", &self.token_env)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl Client {
    /// From `global.github`, `GITHUB_API_URL` and the token variable.
    pub fn from_config(gh: &GithubConfig) -> Result<Client, GithubError> {
        let api_url = std::env::var("GITHUB_API_URL")
            .ok()
            .map(|u| u.trim().trim_end_matches('/').to_string())
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| DEFAULT_API_URL.to_string());
        let token = std::env::var(&gh.token_env).ok().map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
        Client::new(&gh.repository, &api_url, &gh.token_env, token)
    }

    pub fn new(repository: &str, api_url: &str, token_env: &str, token: Option<String>) -> Result<Client, GithubError> {
        let repo = Repo::parse(repository)?;
        // octocrab spawns its request buffer on the current runtime (it panics without one).
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(GithubError::Internal("the GitHub client was built outside the async runtime"));
        }
        let bad = |reason: &str| GithubError::BadApiUrl { url: api_url.to_string(), reason: reason.to_string() };
        if !(api_url.starts_with("https://") || api_url.starts_with("http://")) {
            return Err(bad("expected an http:// or https:// URL"));
        }
        let mut builder = octocrab::Octocrab::builder()
            .base_uri(api_url)
            .map_err(|_| bad("not a valid URL"))?
            // Transport errors and 5xx are retried; 429 too (rate limits are reported, not waited out).
            .add_retry_config(octocrab::service::middleware::retry::RetryConfig::Simple(2))
            .set_connect_timeout(Some(std::time::Duration::from_secs(10)))
            .set_read_timeout(Some(std::time::Duration::from_secs(30)));
        if let Some(t) = &token {
            builder = builder.personal_token(t.clone());
        }
        let octo = builder.build().map_err(|e| bad(&e.to_string()))?;
        Ok(Client { octo, repo, api_url: api_url.to_string(), token_env: token_env.to_string(), token })
    }

    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    pub fn token_env(&self) -> &str {
        &self.token_env
    }

    /// Removes the token from any text that could end up in front of a user.
    pub fn redact(&self, text: &str) -> String {
        match &self.token {
            Some(t) if t.len() >= 4 => text.replace(t.as_str(), "<redacted>"),
            _ => text.to_string(),
        }
    }

    pub(crate) fn repo_path(&self) -> String {
        format!("/repos/{}/{}", self.repo.owner, self.repo.name)
    }

    /// Turns an octocrab error into a message that says what to do next.
    pub(crate) fn error(&self, what: &str, e: octocrab::Error) -> GithubError {
        let env = self.token_env.clone();
        match e {
            octocrab::Error::GitHub { source, .. } => {
                let status = source.status_code.as_u16();
                let message = self.redact(source.message.lines().next().unwrap_or_default());
                let header = |name: &str| {
                    source.headers.as_ref().and_then(|h| h.get(name)).and_then(|v| v.to_str().ok()).map(str::to_string)
                };
                let exhausted = header("x-ratelimit-remaining").as_deref() == Some("0");
                let rate_limited = status == 429
                    || (status == 403 && (exhausted || message.to_ascii_lowercase().contains("rate limit")));
                if rate_limited {
                    let reset = source
                        .rate_limit_reset
                        .and_then(|s| i64::try_from(s).ok())
                        .or_else(|| {
                            header("retry-after")
                                .and_then(|s| s.trim().parse::<i64>().ok())
                                .map(|s| Timestamp::now().as_second() + s)
                        })
                        .and_then(|s| Timestamp::from_second(s).ok());
                    return GithubError::RateLimited { reset, env, authenticated: self.has_token() };
                }
                match status {
                    401 => GithubError::Unauthorized { env, message },
                    403 => GithubError::Forbidden { repo: self.repo.to_string(), env, message },
                    404 => GithubError::NotFound { repo: self.repo.to_string(), env },
                    _ => GithubError::Api { status, what: what.to_string(), message },
                }
            }
            other => {
                let mut message = other.to_string();
                let mut source = std::error::Error::source(&other);
                while let Some(s) = source {
                    let text = s.to_string();
                    if !message.contains(&text) {
                        message.push_str(": ");
                        message.push_str(&text);
                    }
                    source = s.source();
                }
                // Backtraces are noise for users.
                let message = message.lines().next().unwrap_or_default().to_string();
                GithubError::Transport {
                    url: self.api_url.clone(),
                    what: what.to_string(),
                    message: self.redact(&message),
                }
            }
        }
    }

    /// Every release of the repository (all pages), newest semantic version first.
    pub async fn releases(&self) -> Result<ReleaseList, GithubError> {
        #[derive(serde::Serialize)]
        struct Params {
            per_page: u8,
        }
        let what = format!("GET {}/releases", self.repo_path());
        let mut page: octocrab::Page<WireRelease> = self
            .octo
            .get(format!("{}/releases", self.repo_path()), Some(&Params { per_page: 100 }))
            .await
            .map_err(|e| self.error(&what, e))?;
        let mut all = std::mem::take(&mut page.items);
        for _ in 1..MAX_PAGES {
            match self.octo.get_page::<WireRelease>(&page.next).await.map_err(|e| self.error(&what, e))? {
                Some(mut next) => {
                    all.append(&mut next.items);
                    page = next;
                }
                None => break,
            }
        }
        Ok(ReleaseList::from_wire(all))
    }

    /// The newest non-draft, non-prerelease release by semantic version.
    pub async fn latest_release(&self) -> Result<Release, GithubError> {
        let list = self.releases().await?;
        list.latest().cloned().ok_or_else(|| GithubError::NoRelease { repo: self.repo.to_string() })
    }
}

/// The client for `global.github`, or a clear error naming what needed it.
pub fn client(cfg: &Config, what: &'static str) -> Result<Client, GithubError> {
    let gh = cfg.raw.global.github.as_ref().ok_or(GithubError::NotConfigured { what })?;
    Client::from_config(gh)
}

/// `latest` → the newest stable release's version (without a leading `v`,
/// e.g. `1.10.0`); anything else is returned unchanged without a request.
pub async fn resolve_version(cfg: &Config, requested: &str) -> Result<String, GithubError> {
    if requested != "latest" {
        return Ok(requested.to_string());
    }
    let client = client(cfg, "--version latest")?;
    Ok(client.latest_release().await?.version.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(tag: &str, draft: bool, prerelease: bool, published: &str) -> WireRelease {
        WireRelease {
            tag_name: tag.into(),
            name: None,
            draft,
            prerelease,
            published_at: published.parse().ok(),
            html_url: format!("https://github.com/acme/edge/releases/tag/{tag}"),
        }
    }

    #[test]
    fn tags_parse_with_or_without_v() {
        assert_eq!(parse_tag("v1.2.3"), Some(semver::Version::new(1, 2, 3)));
        assert_eq!(parse_tag("1.2.3"), Some(semver::Version::new(1, 2, 3)));
        assert!(parse_tag("v1.2.3-rc.1").is_some_and(|v| !v.pre.is_empty()));
        for bad in ["latest", "v1.2", "release-7", "", "vv1.2.3"] {
            assert_eq!(parse_tag(bad), None, "{bad}");
        }
    }

    #[test]
    fn latest_is_by_semver_not_by_date_and_skips_drafts_and_prereleases() {
        let list = ReleaseList::from_wire(vec![
            wire("v1.9.3", false, false, "2026-03-01T00:00:00Z"),
            wire("v1.10.0", false, false, "2026-01-01T00:00:00Z"),
            wire("v2.0.0-rc.1", false, false, "2026-04-01T00:00:00Z"),
            wire("v1.11.0", false, true, "2026-04-02T00:00:00Z"),
            wire("v1.12.0", true, false, ""),
            wire("nightly", false, false, "2026-04-03T00:00:00Z"),
        ]);
        assert_eq!(list.latest().map(|r| r.tag.as_str()), Some("v1.10.0"));
        let order: Vec<&str> = list.releases.iter().map(|r| r.tag.as_str()).collect();
        assert_eq!(order, ["v2.0.0-rc.1", "v1.12.0", "v1.11.0", "v1.10.0", "v1.9.3"]);
        assert_eq!(list.unversioned, ["nightly"]);
        assert!(ReleaseList::from_wire(vec![wire("v1.0.0", true, false, "")]).latest().is_none());
    }

    #[test]
    fn repositories_are_validated() {
        assert!(Repo::parse("acme/rvm-edge").is_ok());
        for bad in ["acme", "acme/", "/x", "a/b/c", "a b/c", "../x", "a/.."] {
            assert!(Repo::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rate_limit_message_says_when_it_resets() {
        let reset = Timestamp::from_second(1_893_456_000).ok();
        let m = rate_limit_message(&reset, "GITHUB_TOKEN", false);
        assert!(m.contains("resets at 2030-01-01 00:00:00 UTC"), "{m}");
        assert!(m.contains("set $GITHUB_TOKEN"), "{m}");
    }

    #[tokio::test]
    async fn debug_never_shows_the_token() {
        let c = Client::new("acme/edge", "http://127.0.0.1:9", "GITHUB_TOKEN", Some("tok-SECRET-123".into()));
        let c = c.unwrap_or_else(|e| panic!("{e}"));
        assert!(!format!("{c:?}").contains("tok-SECRET-123"));
        assert_eq!(c.redact("x tok-SECRET-123 y"), "x <redacted> y");
    }

    #[test]
    fn outside_a_runtime_is_an_error_not_a_panic() {
        let c = Client::new("acme/edge", "http://127.0.0.1:9", "GITHUB_TOKEN", None);
        assert!(matches!(c, Err(GithubError::Internal(_))));
    }
}
