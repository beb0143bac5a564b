//! Shared helpers for integration tests that drive the real `rvmctl` binary.
#![allow(dead_code)]

pub mod http;
pub mod local;
pub mod services;
pub mod slots;
pub mod smtp;
pub mod ssh;

#[allow(unused_imports)]
pub use ssh::*;

use std::path::Path;

use assert_cmd::Command;

/// `rvmctl` with a clean, non-interactive environment.
pub fn rvmctl(dir: &Path) -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("rvmctl");
    cmd.current_dir(dir)
        .env_remove("RVMCTL_CONFIG")
        .env_remove("RVMCTL_ENV")
        .env_remove("GITHUB_ACTIONS")
        .env("CI", "true")
        .env("NO_COLOR", "1")
        .env("RVMCTL_USER", "tester")
        .env("XDG_CACHE_HOME", dir.join(".cache"))
        .env("XDG_STATE_HOME", dir.join(".state"));
    cmd
}

/// `rvmctl` as an operator's terminal runs it (for a pseudo-terminal or a
/// pipe read line by line): no CI variables, a TERM, no colors.
pub fn interactive(dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("rvmctl"));
    cmd.current_dir(dir)
        .env_remove("CI")
        .env_remove("GITHUB_ACTIONS")
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env("RVMCTL_USER", "tester")
        .env("XDG_CACHE_HOME", dir.join(".cache"))
        .env("XDG_STATE_HOME", dir.join(".state"));
    cmd
}

/// A free TCP port on loopback that no other test process holds.
///
/// Binding to :0 and releasing the port (the old way) raced twice: the
/// kernel hands the same ephemeral port to another nextest process (each test
/// is its own process, so an in-process set cannot see it), and ephemeral
/// ports are also the source ports of every outgoing connection (ssh, curl).
/// So ports come from below the ephemeral range, and each is reserved across
/// processes with an exclusive `flock` on `<tmp>/rvmctl-test-ports/<port>`,
/// held until this process exits (the kernel drops it even on SIGKILL).
pub fn free_port() -> u16 {
    use std::os::fd::AsRawFd;
    const FIRST: u32 = 20000;
    const COUNT: u32 = 12000; // below the usual ephemeral range (32768–60999)
    static HELD: std::sync::Mutex<Vec<std::fs::File>> = std::sync::Mutex::new(Vec::new());
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let dir = std::env::temp_dir().join("rvmctl-test-ports");
    let _ = std::fs::create_dir_all(&dir);
    // Processes start at different places, so they rarely contend.
    let start = (std::process::id().wrapping_mul(2_654_435_761) >> 8) % COUNT;
    loop {
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        assert!(n < COUNT, "no free test port left in {FIRST}..{}", FIRST + COUNT);
        let port = (FIRST + (start + n) % COUNT) as u16;
        let Ok(file) =
            std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(dir.join(port.to_string()))
        else {
            continue;
        };
        // SAFETY: flock on a descriptor this function owns.
        let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
        if locked && std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            HELD.lock().unwrap_or_else(|p| p.into_inner()).push(file);
            return port;
        }
    }
}

/// Output of a finished command as (exit code, stdout, stderr).
/// Waits (up to a minute) until process `pid` is stopped (SIGSTOP, e.g. at
/// an `RVMCTL_FAULT` point with `RVMCTL_FAULT_ACTION=stop`); whether it is.
pub fn wait_stopped(pid: u32) -> bool {
    let stopped = || {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|s| s.rsplit_once(')').map(|(_, rest)| rest.trim_start().starts_with('T')))
            .unwrap_or(false)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !stopped() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    stopped()
}

pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("rvmctl runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
pub mod kube;
