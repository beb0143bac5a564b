//! Who is running rvmctl and where: recorded in locks, history and the audit log.

/// Who is running rvmctl: `RVMCTL_USER`, then `GITHUB_ACTOR`, then the OS user.
pub fn whoami() -> String {
    ["RVMCTL_USER", "GITHUB_ACTOR", "USER", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .or_else(os_user)
        .unwrap_or_else(|| "unknown".into())
}

/// The login name of the current uid (when USER is not set, e.g. in cron or containers).
fn os_user() -> Option<String> {
    // SAFETY: getpwuid returns a pointer into static storage or null; we copy the name out at once.
    unsafe {
        let pw = libc::getpwuid(libc::getuid());
        if pw.is_null() || (*pw).pw_name.is_null() {
            return None;
        }
        std::ffi::CStr::from_ptr((*pw).pw_name).to_str().ok().map(str::to_string)
    }
}

/// This machine's host name.
pub fn machine_name() -> String {
    gethostname::gethostname().to_string_lossy().into_owned()
}

/// What this binary is: `rvmctl version` and `--version` (captured by build.rs).
#[derive(Debug, Clone, serde::Serialize)]
pub struct BuildInfo {
    pub version: &'static str,
    /// Short git commit, `unknown` when built without git.
    pub commit: &'static str,
    /// RFC 3339, UTC (`SOURCE_DATE_EPOCH` when the build set it).
    pub build_date: &'static str,
    /// The Rust target triple, e.g. `x86_64-unknown-linux-gnu`.
    pub target: &'static str,
}

pub const BUILD: BuildInfo = BuildInfo {
    version: env!("CARGO_PKG_VERSION"),
    commit: env!("RVMCTL_BUILD_COMMIT"),
    build_date: env!("RVMCTL_BUILD_DATE"),
    target: env!("RVMCTL_BUILD_TARGET"),
};

impl BuildInfo {
    /// `0.1.0 (1a2b3c4 2026-12-02)`, the shape of `cargo --version`.
    pub fn line(&self) -> String {
        let date = self.build_date.get(..10).unwrap_or(self.build_date);
        format!("{} ({} {date})", self.version, self.commit)
    }
}
