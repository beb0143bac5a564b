//! Fault injection for the test suite: `RVMCTL_FAULT=before:switch` (or
//! `after:stage`, …) makes this process SIGKILL itself at that point of the
//! first unit that reaches it: no cleanup, no Drop, exactly like `kill -9`
//! or a lost machine. With `RVMCTL_FAULT_ACTION=stop` the process SIGSTOPs
//! itself there instead (once), so a test can break something else at that
//! exact moment (kill the host's sshd) and then `kill -CONT` it. Off unless
//! the variable is set.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::plan::Step;

/// The step kind as written in plan JSON (`stage`, `switch`, …).
pub fn step_kind(step: &Step) -> String {
    // Steps serialize as {"step": "<kind>", …}; the kind is the tag.
    serde_json::to_value(step).ok().and_then(|v| v.get("step").map(crate::views::wire_name)).unwrap_or_default()
}

static FIRED: AtomicBool = AtomicBool::new(false);

pub fn inject(step: &Step, when: &str) {
    let Ok(spec) = std::env::var("RVMCTL_FAULT") else { return };
    let Some((at, kind)) = spec.split_once(':') else { return };
    if at != when || kind != step_kind(step) {
        return;
    }
    let stop = std::env::var("RVMCTL_FAULT_ACTION").is_ok_and(|a| a == "stop");
    if stop && FIRED.swap(true, Ordering::SeqCst) {
        return;
    }
    let signal = if stop { libc::SIGSTOP } else { libc::SIGKILL };
    // SAFETY: kill(2) on our own pid.
    unsafe {
        libc::kill(libc::getpid(), signal);
    }
}
