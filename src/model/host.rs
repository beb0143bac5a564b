//! A host's lifecycle as data: what `host check` found on it, and what
//! `host bootstrap` and `host uninstall` changed. Drivers fill these in;
//! `ui` renders them.

use serde::Serialize;

/// One prerequisite of a host, as `host check` found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// `reachable`, `base_dir`, `disk`, `commands`, `arch`, `clock`, `lock`, `systemd`.
    pub name: String,
    pub status: CheckStatus,
    /// What was found.
    pub detail: String,
    /// What to do about a failure or a warning.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Ok,
    /// Worth knowing, not in the way of a deploy (e.g. the lock is held now).
    Warn,
    Failed,
    /// Not looked at: an earlier check failed (the host cannot be reached).
    Skipped,
}

impl Check {
    pub fn ok(name: &str, detail: impl Into<String>) -> Check {
        Check { name: name.into(), status: CheckStatus::Ok, detail: detail.into(), fix: None }
    }
    pub fn failed(name: &str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check { name: name.into(), status: CheckStatus::Failed, detail: detail.into(), fix: Some(fix.into()) }
    }
    pub fn warn(name: &str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check { name: name.into(), status: CheckStatus::Warn, detail: detail.into(), fix: Some(fix.into()) }
    }
    pub fn skipped(name: &str, why: impl Into<String>) -> Check {
        Check { name: name.into(), status: CheckStatus::Skipped, detail: why.into(), fix: None }
    }
}

/// Every check of one host.
#[derive(Debug, Clone, Serialize)]
pub struct HostCheck {
    pub target: String,
    pub host: String,
    /// True when no check failed (warnings allowed).
    pub ready: bool,
    pub checks: Vec<Check>,
}

impl HostCheck {
    pub fn new(target: &str, host: &str, checks: Vec<Check>) -> HostCheck {
        let ready = checks.iter().all(|c| c.status != CheckStatus::Failed && c.status != CheckStatus::Skipped);
        HostCheck { target: target.into(), host: host.into(), ready, checks }
    }
    /// The checks that failed, by name.
    pub fn failed(&self) -> Vec<&str> {
        self.checks.iter().filter(|c| c.status == CheckStatus::Failed).map(|c| c.name.as_str()).collect()
    }
}

/// What `host bootstrap` or `host uninstall` did on one host.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HostChange {
    pub target: String,
    pub host: String,
    /// False when the host already was as asked (a second bootstrap).
    pub changed: bool,
    /// What was done, one line each (`created /opt/x/blue`, `installed unit …`).
    pub actions: Vec<String>,
    /// `host uninstall`: the tarball kept on the host (state dir and config files).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup: Option<String>,
    /// Why this host could not be changed (nothing was, or what `actions` lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// With `error`: another run held the host's lock, so nothing was tried.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub locked: bool,
}

impl HostChange {
    /// Nothing was changed on `host`, for `error`.
    pub fn failed(target: &str, host: &str, error: String) -> HostChange {
        HostChange { target: target.into(), host: host.into(), error: Some(error), ..HostChange::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_is_ready_unless_a_check_failed_or_was_skipped() {
        let ok = HostCheck::new("t", "h", vec![Check::ok("a", ""), Check::warn("lock", "held", "wait")]);
        assert!(ok.ready);
        let failed = HostCheck::new("t", "h", vec![Check::ok("a", ""), Check::failed("disk", "full", "free it")]);
        assert!(!failed.ready);
        assert_eq!(failed.failed(), ["disk"]);
        let skipped = HostCheck::new("t", "h", vec![Check::failed("reachable", "", ""), Check::skipped("disk", "")]);
        assert!(!skipped.ready);
    }
}
