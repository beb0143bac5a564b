//! The local audit log: one JSON line per command that changes (or was
//! refused permission to change) something. Secrets never reach it.

use std::io::Write;
use std::path::PathBuf;

use jiff::Timestamp;
use serde::Serialize;

use crate::config::Config;

#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub at: Timestamp,
    pub user: String,
    pub machine: String,
    pub command: String,
    pub project: String,
    pub environment: String,
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_hash: Option<String>,
    /// success, noop, failed, rolled_back, interrupted, lock_held, refused
    pub result: String,
    pub exit_code: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window_override: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u128>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// `global.audit_log`, else `$XDG_STATE_HOME/rvmctl/audit.jsonl`, else `~/.local/state/rvmctl/audit.jsonl`.
pub fn path(cfg: &Config) -> PathBuf {
    if let Some(p) = &cfg.raw.global.audit_log {
        return cfg.path(p);
    }
    std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir)
        .join("rvmctl/audit.jsonl")
}

/// Appends one line; the error is for the caller to show as a warning.
pub fn append(cfg: &Config, entry: &AuditEntry) -> Result<(), String> {
    let p = path(cfg);
    let mut value = serde_json::to_value(entry).map_err(|e| e.to_string())?;
    crate::notify::redact_value(&mut value);
    let line = serde_json::to_string(&value).map_err(|e| e.to_string())? + "\n";
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&p)
        .map_err(|e| format!("cannot open audit log {}: {e}", p.display()))?;
    f.write_all(line.as_bytes()).map_err(|e| format!("cannot write audit log {}: {e}", p.display()))
}
