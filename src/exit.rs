//! Exit codes, decided in one place (see docs/exit-codes.md), and the
//! errors that carry them to the edge.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    /// Anything unexpected: I/O, unreachable targets, bugs.
    Error = 1,
    /// Bad command line or invalid config.
    Usage = 2,
    /// A gate refused: approval missing, outside the window, confirmation declined.
    GateRefused = 3,
    /// The deploy failed; traffic stayed on (or returned to) a healthy color.
    DeployFailed = 4,
    /// Another run holds a lock.
    LockHeld = 5,
    /// `apply` of a plan whose observed state or file no longer matches.
    StalePlan = 6,
    /// Every reachable unit is on the version; unreachable units are pending.
    Pending = 7,
    /// The deploy failed after other targets switched: the environment runs
    /// two versions (named in the report and in `status`).
    Split = 8,
    /// Stopped by SIGINT/SIGTERM at a safe point.
    Interrupted = 130,
}

/// An error with the exit code it maps to.
pub struct CliError {
    pub exit: Exit,
    pub error: anyhow::Error,
    /// Already rendered for the terminal (config diagnostics).
    pub rendered: Option<String>,
}

impl CliError {
    pub fn new(exit: Exit, error: impl Into<anyhow::Error>) -> Self {
        CliError { exit, error: error.into(), rendered: None }
    }
}

impl fmt::Debug for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {:#}", self.exit, self.error)
    }
}

impl From<anyhow::Error> for CliError {
    fn from(error: anyhow::Error) -> Self {
        CliError { exit: Exit::Error, error, rendered: None }
    }
}

pub type CliResult<T = Exit> = Result<T, CliError>;

pub trait WithExit<T> {
    fn exit(self, code: Exit) -> CliResult<T>;
}

impl<T, E: Into<anyhow::Error>> WithExit<T> for Result<T, E> {
    fn exit(self, code: Exit) -> CliResult<T> {
        self.map_err(|e| CliError::new(code, e))
    }
}

/// "error: cause: cause" for errors whose Display hides the cause.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        let m = c.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        src = c.source();
    }
    s
}
