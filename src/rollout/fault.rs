//! Fault injection for the test suite: `RVMCTL_FAULT=before:switch` (or
//! `after:stage`, …) makes this process SIGKILL itself at that point of the
//! first unit that reaches it: no cleanup, no Drop, exactly like `kill -9`
//! or a lost machine. With `RVMCTL_FAULT_ACTION=stop` the process SIGSTOPs
//! itself there instead (once), so a test can break something else at that
//! exact moment (kill the host's sshd) and then `kill -CONT` it. Off unless
//! the variable is set.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::model::Step;

static FIRED: AtomicBool = AtomicBool::new(false);

pub fn inject(step: &Step, when: &str) {
    // Off unless set: a step's kind costs a serialization, not paid per step.
    if std::env::var_os("RVMCTL_FAULT").is_some() {
        inject_point(&step.kind(), when);
    }
}

/// A named point that is not a step: `before:rollback_together` (a group
/// member failed; the others are about to go back) and
/// `after:rollback_together` (the first of them is back).
pub fn inject_point(point: &str, when: &str) {
    let Ok(spec) = std::env::var("RVMCTL_FAULT") else { return };
    let Some((at, kind)) = spec.split_once(':') else { return };
    if at != when || kind != point {
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
