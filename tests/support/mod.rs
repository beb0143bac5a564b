//! Shared helpers for integration tests that drive the real `rvmctl` binary.
#![allow(dead_code)]

pub mod http;
pub mod local;
pub mod slots;
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

/// A free TCP port on loopback (bind to :0, read, release), never one this
/// process handed out before: with hundreds of hosts × colors the kernel
/// does offer a released port again.
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<std::collections::BTreeSet<u16>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());
    let mut given = GIVEN.lock().unwrap_or_else(|p| p.into_inner());
    loop {
        let port =
            std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(0);
        if given.insert(port) {
            return port;
        }
    }
}

/// Output of a finished command as (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("rvmctl runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
pub mod kube;
