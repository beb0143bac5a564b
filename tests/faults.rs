//! Fault injection: rvmctl is SIGKILLed (no cleanup at all) before or after
//! every side-effecting step of a deploy on the local driver. Afterwards:
//! every host serves a live color that passed its health checks, no
//! half-unpacked slot is live, no lock is left held, the interrupted run is
//! visible, `resume` converges, and history is neither lost nor duplicated.

mod support;

use std::collections::HashSet;
use std::process::Command;

use support::local::{LocalProject, Options};
use support::run;

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

fn get(port: u16) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(s, "GET /health HTTP/1.0\r\nHost: x\r\n\r\n").ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let status = out.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, out.split("\r\n\r\n").nth(1).unwrap_or_default().to_string()))
}

/// The invariants that must hold whenever rvmctl is not running.
fn assert_safe(p: &LocalProject) {
    for (h, (blue, green)) in p.hosts.iter().zip(&p.ports) {
        let Some(live) = p.live(h) else { panic!("{h}: no live pointer") };
        let dir = p.host_dir(h);
        assert!(dir.join(&live).join("VERSION").is_file(), "{h}: live slot {live} is not a whole release");
        let meta = json(&std::fs::read_to_string(dir.join(format!(".rvmctl/{live}.json"))).expect("slot metadata"));
        assert_eq!(meta["status"], "healthy", "{h}: live slot {live} is {}", meta["status"]);
        let port = if live == "blue" { *blue } else { *green };
        let (status, body) = get(port).unwrap_or_else(|| panic!("{h}: live color {live} does not answer on {port}"));
        assert_eq!(status, 200, "{h}: live color unhealthy: {body}");
        assert!(body.contains(meta["version"].as_str().unwrap_or("?")), "{h}: {body}");
        let free = Command::new("flock").arg("-n").arg(dir.join(".rvmctl/lock")).arg("true").status().expect("flock");
        assert!(free.success(), "{h}: lock left held");
    }
}

fn assert_history_consistent(p: &LocalProject, version: &str) {
    for h in &p.hosts {
        let entries = p.history_lines(h);
        let revs: Vec<u64> = entries.iter().map(|e| e["revision"].as_u64().unwrap_or(0)).collect();
        let unique: HashSet<u64> = revs.iter().copied().collect();
        assert_eq!(unique.len(), revs.len(), "{h}: duplicated revisions {revs:?}");
        assert!(revs.windows(2).all(|w| w[0] < w[1]), "{h}: revisions not increasing {revs:?}");
        let successes = entries.iter().filter(|e| e["version"] == version && e["result"] == "success").count();
        assert_eq!(successes, 1, "{h}: {successes} success entries for {version}: {entries:?}");
    }
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
    assert_safe(&p);

    let (code, out, _) = run(p.cmd().args(["status", "-e", "development", "-o", "json"]));
    assert_eq!(code, 0);
    let status = json(&out);
    let units = status["targets"][0]["units"].as_array().cloned().unwrap_or_default();
    assert!(units.iter().any(|u| !u["interrupted"].is_null()), "{point}: status must show the interrupted run: {out}");

    let (code, out, err) = run(p.cmd().args(["resume", "-e", "development", "--yes"]));
    assert_eq!(code, 0, "{point}: resume\n{out}\n{err}");
    assert_safe(&p);
    for h in &p.hosts {
        assert_eq!(p.live(h).as_deref(), Some("green"), "{point}: {h} not on 1.1.0 after resume");
    }
    assert_history_consistent(&p, "1.1.0");
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
    assert_safe(&p);
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
    let (code, _, err) = run(p.cmd().args(["lock", "release", "-e", "development", "--force", "--yes"]));
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = run(p.cmd().args(["lock", "list", "-e", "development"]));
    assert!(out.contains("No locks held"), "{out}");
    let _ = child.kill();
    let _ = child.wait();
}
