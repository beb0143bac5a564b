//! Fault injection: rvmctl is SIGKILLed (no cleanup at all) before or after
//! every side-effecting step of a deploy on the local driver. Afterwards:
//! every host serves a live color that passed its health checks, no
//! half-unpacked slot is live, no lock is left held, the interrupted run is
//! visible, `resume` converges, and history is neither lost nor duplicated.

mod support;

use std::process::Command;

use support::local::{LocalProject, Options};
use support::run;

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

fn kill_at(point: &str) {
    let p = LocalProject::new(Options { hosts: 3, monitor: "1s", ..Options::default() });
    p.release("1.0.0", false);
    p.release("1.1.0", false);
    let (code, _, err) = run(p.cmd().args(["deploy", "-e", "development", "--version", "1.0.0", "--yes"]));
    assert_eq!(code, 0, "{err}");

    let out = p
        .cmd()
        .args(["deploy", "-e", "development", "--version", "1.1.0", "--yes"])
        .env("RVMCTL_FAULT", point)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), None, "{point}: rvmctl should have been killed");
    // Host commands started before the kill finish on their own (as on a real host).
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(p.hosts.iter().all(|h| p.live(h).is_some()), "{point}: a live pointer went missing");
    p.assert_safe();

    let (code, out, _) = run(p.cmd().args(["status", "-e", "development", "-o", "json"]));
    assert_eq!(code, 0);
    let status = json(&out);
    let units = status["targets"][0]["units"].as_array().cloned().unwrap_or_default();
    assert!(units.iter().any(|u| !u["interrupted"].is_null()), "{point}: status must show the interrupted run: {out}");

    let (code, out, err) = run(p.cmd().args(["resume", "-e", "development", "--yes"]));
    assert_eq!(code, 0, "{point}: resume\n{out}\n{err}");
    p.assert_safe();
    for h in &p.hosts {
        assert_eq!(p.live(h).as_deref(), Some("green"), "{point}: {h} not on 1.1.0 after resume");
    }
    p.assert_history_consistent(Some("1.1.0"));
    let (_, out, _) = run(p.cmd().args(["status", "-e", "development", "-o", "json"]));
    assert!(!out.contains("\"interrupted\""), "{point}: journals left after resume: {out}");
}

macro_rules! fault_matrix {
    ($($name:ident => $point:literal,)*) => { $( #[test] fn $name() { kill_at($point); } )* };
}

fault_matrix! {
    kill_before_stage => "before:stage",
    kill_after_stage => "after:stage",
    kill_before_start => "before:start_service",
    kill_after_start => "after:start_service",
    kill_before_health => "before:health_check",
    kill_after_health => "after:health_check",
    kill_before_switch => "before:switch",
    kill_after_switch => "after:switch",
    kill_during_monitor => "before:monitor",
    kill_after_monitor => "after:monitor",
}

#[test]
fn abort_returns_switched_units_to_their_previous_color() {
    let p = LocalProject::new(Options { hosts: 3, strategy: "immediate", ..Options::default() });
    p.release("1.0.0", false);
    p.release("1.1.0", false);
    assert_eq!(run(p.cmd().args(["deploy", "-e", "development", "--version", "1.0.0", "--yes"])).0, 0);
    let out = p
        .cmd()
        .args(["deploy", "-e", "development", "--version", "1.1.0", "--yes"])
        .env("RVMCTL_FAULT", "after:switch")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), None);
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(p.hosts.iter().any(|h| p.live(h).as_deref() == Some("green")), "one unit was switched before the kill");

    let (code, out, err) = run(p.cmd().args(["abort", "-e", "development", "--yes"]));
    assert_eq!(code, 0, "{out}\n{err}");
    p.assert_safe();
    for h in &p.hosts {
        assert_eq!(p.live(h).as_deref(), Some("blue"), "{h} back on 1.0.0");
    }
    let (_, out, _) = run(p.cmd().args(["status", "-e", "development", "-o", "json"]));
    assert!(!out.contains("\"interrupted\""), "journals cleared: {out}");
    let (code, _, err) = run(p.cmd().args(["abort", "-e", "development", "--yes"]));
    assert_eq!(code, 0, "a second abort finds nothing to do: {err}");
}

#[test]
fn lock_list_and_forced_release() {
    let p = LocalProject::new(Options { hosts: 1, monitor: "30s", ..Options::default() });
    p.release("1.0.0", false);
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("rvmctl"))
        .current_dir(p.path())
        .args(["deploy", "-e", "development", "--version", "1.0.0", "--yes", "-q"])
        .env("CI", "true")
        .env("XDG_CACHE_HOME", p.path().join(".cache"))
        .env("XDG_STATE_HOME", p.path().join(".state"))
        .env("RVMCTL_USER", "stuck-run")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("deploy");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while p.live("sim-01").is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let (code, out, _) = run(p.cmd().args(["lock", "list", "-e", "development"]));
    assert_eq!(code, 0);
    assert!(out.contains("edge-sim/sim-01: stuck-run@"), "{out}");
    let (code, _, err) = run(p.cmd().args(["lock", "release", "-e", "development"]));
    assert_eq!(code, 2, "needs --force: {err}");
    assert!(err.contains("rvmctl lock list -e development") && err.contains("--force"), "says what to do: {err}");
    let (code, _, err) = run(p.cmd().args(["lock", "release", "-e", "development", "--force", "--yes"]));
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = run(p.cmd().args(["lock", "list", "-e", "development"]));
    assert!(out.contains("No locks held"), "{out}");
    let _ = child.kill();
    let _ = child.wait();
}
