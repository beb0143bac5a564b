//! Fault injection for the test suite: `RVMCTL_FAULT=before:switch` (or
//! `after:stage`, …) makes this process SIGKILL itself at that point of the
//! first unit that reaches it: no cleanup, no Drop, exactly like `kill -9`
//! or a lost machine. Off unless the variable is set.

use crate::plan::Step;

/// The step kind as written in plan JSON (`stage`, `switch`, …).
pub fn step_kind(step: &Step) -> String {
    // Steps serialize as {"step": "<kind>", …}; the kind is the tag.
    serde_json::to_value(step).ok().and_then(|v| v.get("step").map(crate::views::wire_name)).unwrap_or_default()
}

pub fn maybe_kill(step: &Step, when: &str) {
    let Ok(spec) = std::env::var("RVMCTL_FAULT") else { return };
    let Some((at, kind)) = spec.split_once(':') else { return };
    if at == when && kind == step_kind(step) {
        // SAFETY: kill(2) on our own pid; the process ends here.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
    }
}
