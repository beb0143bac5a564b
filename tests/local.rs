//! The foundation end to end: the real binary against the `local` driver,
//! real HTTP services and real health checks.

mod support;

use std::time::{Duration, Instant};

use support::local::{LocalProject, Options};
use support::run;

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

fn deploy(p: &LocalProject, version: &str) -> (i32, String, String) {
    run(p.cmd().args(["deploy", "-e", "development", "--version", version, "--yes"]))
}

#[test]
fn deploy_flip_status_rollback_history() {
    let p = LocalProject::new(Options::default());
    p.release("1.0.0", false);
    p.release("1.1.0", false);

    let (code, out, err) = deploy(&p, "1.0.0");
    assert_eq!(code, 0, "stdout: {out}\nstderr: {err}");
    for h in &p.hosts {
        assert_eq!(p.live(h).as_deref(), Some("blue"), "{h}");
    }
    assert!(out.contains("Done: 1.0.0 is live in development"), "{out}");

    let (code, out, err) = deploy(&p, "1.1.0");
    assert_eq!(code, 0, "stdout: {out}\nstderr: {err}");
    for h in &p.hosts {
        assert_eq!(p.live(h).as_deref(), Some("green"), "{h}");
    }

    let (code, out, _) = run(p.cmd().args(["status", "-e", "development", "-o", "json"]));
    assert_eq!(code, 0);
    let v = json(&out);
    let units = v["targets"][0]["units"].as_array().expect("units");
    assert_eq!(units.len(), 2);
    for u in units {
        assert_eq!(u["live"], "green");
        assert_eq!(u["live_version"], "1.1.0");
        assert_eq!(u["blue"]["version"], "1.0.0");
        assert_eq!(u["health"], "healthy");
        assert_eq!(u["last_deploy"]["user"], "tester");
        assert!(u["lock"].is_null());
    }
    assert_eq!(v["targets"][0]["summary"], "2/2 on 1.1.0 (green)");

    // Rollback is instant: the blue slot is not restaged (same inode).
    let blue = p.host_dir("sim-01").join("blue");
    let inode = std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&blue).expect("blue slot"));
    let started = Instant::now();
    let (code, out, err) = run(p.cmd().args(["rollback", "-e", "development", "--yes"]));
    let took = started.elapsed();
    assert_eq!(code, 0, "stdout: {out}\nstderr: {err}");
    assert!(out.contains("Rolled back: 1.0.0 is live again"), "{out}");
    for h in &p.hosts {
        assert_eq!(p.live(h).as_deref(), Some("blue"), "{h}");
    }
    assert_eq!(inode, std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&blue).expect("blue slot")));
    assert!(!err.contains("stage"), "rollback must not restage: {err}");
    eprintln!("rollback took {took:?}");

    let (code, out, _) = run(p.cmd().args(["history", "-e", "development", "-o", "json"]));
    assert_eq!(code, 0);
    let entries = json(&out)["entries"].as_array().cloned().expect("entries");
    assert_eq!(entries.len(), 6, "3 runs x 2 hosts: {out}");
    assert_eq!(entries[0]["action"], "rollback");
    assert_eq!(entries[0]["revision"], 3);
    let revisions: Vec<u64> = p.history_lines("sim-01").iter().map(|e| e["revision"].as_u64().unwrap_or(0)).collect();
    assert_eq!(revisions, [1, 2, 3]);
}

#[test]
fn same_version_again_is_a_noop() {
    let p = LocalProject::new(Options::default());
    p.release("1.0.0", false);
    assert_eq!(deploy(&p, "1.0.0").0, 0);
    let (code, out, err) = deploy(&p, "1.0.0");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Nothing to do"), "{out}");
    assert!(err.contains("already live on 1.0.0"), "{err}");
    assert_eq!(p.history_lines("sim-01").len(), 1, "a no-op writes no history");
}

#[test]
fn failing_health_check_leaves_live_color_untouched() {
    let p = LocalProject::new(Options::default());
    p.release("1.0.0", false);
    p.release("2.0.0", true);
    assert_eq!(deploy(&p, "1.0.0").0, 0);

    let (code, out, err) = deploy(&p, "2.0.0");
    assert_eq!(code, 4, "deploy failed → exit 4\nstdout: {out}\nstderr: {err}");
    for h in &p.hosts {
        assert_eq!(p.live(h).as_deref(), Some("blue"), "{h} must stay on the healthy color");
    }
    // The failing check's own output is shown.
    assert!(err.contains("returned 503"), "{err}");
    assert!(err.contains("\"status\": \"failing\""), "{err}");
    assert!(out.contains("FAILED"), "{out}");
    let (_, out, _) = run(p.cmd().args(["status", "-e", "development", "-o", "json"]));
    let v = json(&out);
    assert_eq!(v["targets"][0]["units"][0]["green"]["status"], "failed");
    assert_eq!(v["targets"][0]["units"][0]["health"], "healthy");
    let last = p.history_lines("sim-01").pop().expect("history");
    assert_eq!(last["result"], "failed");
    assert_eq!(last["version"], "2.0.0");
}

#[test]
fn unhealthy_after_switch_is_rolled_back_automatically() {
    let p = LocalProject::new(Options { monitor: "3s", ..Options::default() });
    p.release("1.0.0", false);
    p.release_with("1.1.0", false, true);
    assert_eq!(deploy(&p, "1.0.0").0, 0);

    let (code, out, err) = deploy(&p, "1.1.0");
    assert_eq!(code, 4, "stdout: {out}\nstderr: {err}");
    assert!(out.contains("ROLLED BACK"), "{out}");
    for h in &p.hosts {
        assert_eq!(p.live(h).as_deref(), Some("blue"), "{h}");
        let last = p.history_lines(h).pop().expect("history");
        assert_eq!(last["result"], "rolled_back", "{h}: {last}");
    }
    assert!(err.contains("consecutive health-check failures"), "{err}");
}

#[test]
fn concurrent_deploy_is_refused_by_the_lock() {
    // A long monitor keeps the first run's locks held while the second one tries.
    let p = LocalProject::new(Options { monitor: "20s", ..Options::default() });
    p.release("1.0.0", false);
    let mut first = std::process::Command::new(assert_cmd::cargo::cargo_bin!("rvmctl"));
    first
        .current_dir(p.path())
        .args(["deploy", "-e", "development", "--version", "1.0.0", "--yes", "-q"])
        .env("CI", "true")
        .env("RVMCTL_USER", "first-operator")
        .env("XDG_CACHE_HOME", p.path().join(".cache"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = first.spawn().expect("first deploy");
    // Wait until the first run holds the locks.
    let lock_info = p.host_dir("sim-01").join(".rvmctl/lock.json");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !lock_info.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(lock_info.exists(), "first deploy never took the lock");

    let (code, out, err) = deploy(&p, "1.0.0");
    assert_eq!(code, 5, "lock held → exit 5\nstdout: {out}\nstderr: {err}");
    assert!(err.contains("locked by first-operator@"), "{err}");
    assert!(out.contains("REFUSED"), "{out}");

    let status = child.wait().expect("first deploy finishes");
    assert!(status.success(), "the first deploy is not disturbed");
    assert!(!lock_info.exists(), "lock info removed on release");
    // The second run wrote no history and changed nothing.
    assert_eq!(p.history_lines("sim-01").len(), 1);
}

#[test]
fn apply_refuses_a_stale_or_edited_plan() {
    let p = LocalProject::new(Options::default());
    p.release("1.0.0", false);
    p.release("1.1.0", false);
    assert_eq!(deploy(&p, "1.0.0").0, 0);

    let (code, _, err) = run(p.cmd().args(["plan", "-e", "development", "--version", "1.1.0", "--out", "plan.json"]));
    assert_eq!(code, 0, "{err}");
    let plan_text = std::fs::read_to_string(p.path().join("plan.json")).expect("plan.json");

    // Edited plan: refused by its hash.
    std::fs::write(p.path().join("edited.json"), plan_text.replace("\"1.1.0\"", "\"6.6.6\"")).expect("write");
    let (code, _, err) = run(p.cmd().args(["apply", "edited.json", "--yes"]));
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("modified after it was made"), "{err}");

    // Someone deploys in between: the saved plan is stale.
    assert_eq!(run(p.cmd().args(["rollback", "-e", "development", "--yes"])).0, 1, "nothing to roll back yet");
    assert_eq!(deploy(&p, "1.1.0").0, 0);
    assert_eq!(run(p.cmd().args(["rollback", "-e", "development", "--yes"])).0, 0);
    let (code, _, err) = run(p.cmd().args(["apply", "plan.json", "--yes"]));
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("is stale"), "{err}");
    assert!(err.contains("run `rvmctl plan` again"), "{err}");
}

#[test]
fn apply_executes_exactly_the_saved_plan() {
    let p = LocalProject::new(Options::default());
    p.release("1.0.0", false);
    let (code, _, err) =
        run(p.cmd().args(["plan", "-e", "development", "--version", "1.0.0", "--out", "plan.json", "-o", "json"]));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(p.cmd().args(["apply", "plan.json", "--yes", "-o", "json"]));
    assert_eq!(code, 0, "{out}\n{err}");
    let report = json(&out);
    assert_eq!(report["outcome"], "success");
    let plan = json(&std::fs::read_to_string(p.path().join("plan.json")).expect("plan"));
    assert_eq!(report["plan_hash"], plan["hash"]);
    assert_eq!(p.history_lines("sim-02")[0]["plan_hash"], plan["hash"]);
    // Each unit's steps, in order, with their timing: a per-step profile.
    for unit in report["targets"][0]["units"].as_array().expect("units") {
        let steps: Vec<&str> =
            unit["steps"].as_array().expect("steps").iter().filter_map(|s| s["step"].as_str()).collect();
        assert!(steps.first().is_some_and(|s| s.starts_with("stage ")), "{unit}");
        assert!(steps.iter().any(|s| s.starts_with("switch ")), "{unit}");
        for s in unit["steps"].as_array().expect("steps") {
            assert_eq!(s["state"], "done", "{unit}");
            assert!(s["duration_ms"].is_u64(), "{unit}");
        }
    }
}

#[test]
fn no_tty_means_no_prompt() {
    let p = LocalProject::new(Options::default());
    p.release("1.0.0", false);
    let (code, _, err) = run(p.cmd().args(["deploy", "-e", "development", "--version", "1.0.0"]));
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("pass --yes"), "{err}");
    assert_eq!(p.live("sim-01"), None, "nothing changed");
    // No -e and several environments: a clear error, not a prompt.
    let (code, _, err) = run(p.cmd().args(["status"]));
    assert_eq!(code, 0, "a single environment is chosen implicitly: {err}");
}

#[test]
fn ctrl_c_stops_at_a_safe_point_and_a_rerun_converges() {
    let p = LocalProject::new(Options { monitor: "60s", ..Options::default() });
    p.release("1.0.0", false);
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("rvmctl"))
        .current_dir(p.path())
        .args(["deploy", "-e", "development", "--version", "1.0.0", "--yes"])
        .env("CI", "true")
        .env("XDG_CACHE_HOME", p.path().join(".cache"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("deploy");
    // Wait for the switch, then interrupt during the post-switch monitor.
    let deadline = Instant::now() + Duration::from_secs(20);
    while p.hosts.iter().any(|h| p.live(h).is_none()) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: plain kill(2) on our own child.
    unsafe {
        libc_kill(child.id() as i32, 2);
    }
    let interrupted_at = Instant::now();
    let out = child.wait_with_output().expect("deploy exits");
    // Far below the 60 s monitor: the signal ended it, the run did not wait it out.
    assert!(interrupted_at.elapsed() < Duration::from_secs(30), "the monitor is a safe point: stop promptly");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "interrupted → exit 130: {stderr}");
    assert!(stderr.contains("stopping at the next safe point"), "{stderr}");
    for h in &p.hosts {
        // The live pointer is whole and points at a real slot; the lock is free.
        let live = p.live(h).expect("live pointer present");
        assert!(p.host_dir(h).join(&live).is_dir(), "{h}: current → {live} dangles");
        let lock = p.host_dir(h).join(".rvmctl/lock");
        let free = std::process::Command::new("flock").arg("-n").arg(&lock).arg("true").status().expect("flock");
        assert!(free.success(), "{h}: lock still held after Ctrl-C");
    }
    let last = p.history_lines("sim-01").pop().expect("history");
    assert_eq!(last["result"], "interrupted", "{last}");
    // Running the same deploy again converges.
    let (code, out, err) = deploy(&p, "1.0.0");
    assert_eq!(code, 0, "{out}\n{err}");
}

unsafe extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, sig: i32) -> i32;
}

#[test]
fn json_and_yaml_output_are_machine_readable() {
    let p = LocalProject::new(Options::default());
    p.release("1.0.0", false);
    let (code, out, _) = run(p.cmd().args(["plan", "-e", "development", "--version", "1.0.0", "-o", "json"]));
    assert_eq!(code, 0);
    let plan = json(&out);
    assert_eq!(plan["schema_version"], 2);
    assert_eq!(plan["targets"][0]["units"][0]["action"], "deploy");
    assert_eq!(plan["targets"][0]["units"][0]["steps"][0]["step"], "acquire_lock");
    let (code, out, _) = run(p.cmd().args(["plan", "-e", "development", "--version", "1.0.0", "-o", "yaml"]));
    assert_eq!(code, 0);
    assert!(out.contains("schema_version: 2"), "{out}");
}

#[test]
fn a_missing_artifact_fails_before_anything_changes() {
    let p = LocalProject::new(Options::default());
    let (code, _, err) = deploy(&p, "9.9.9");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("artifact for version 9.9.9 not found"), "{err}");
    assert!(!p.path().join("sandbox/sim-01/.rvmctl/lock.json").exists());
}

#[test]
fn hostile_versions_are_refused() {
    let p = LocalProject::new(Options::default());
    let (code, _, err) = deploy(&p, "1.0; touch /tmp/rvmctl-pwned");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("invalid version"), "{err}");
    assert!(!std::path::Path::new("/tmp/rvmctl-pwned").exists());
}

#[test]
fn a_plan_file_with_a_hostile_version_is_refused_even_with_a_valid_hash() {
    let p = LocalProject::new(Options::default());
    p.release("1.0.0", false);
    let (code, _, err) = run(p.cmd().args(["plan", "-e", "development", "--version", "1.0.0", "--out", "plan.json"]));
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(p.path().join("plan.json")).expect("plan");
    let mut plan: serde_json::Value = serde_json::from_str(&text).expect("json");
    plan["targets"][0]["units"][0]["steps"][1]["version"] = "1.0.0; touch /tmp/rvmctl-plan-pwned".into();
    // Recompute the hash the way rvmctl does, as an attacker could.
    let typed: rvmctl::plan::Plan = serde_json::from_value(plan).expect("plan");
    let mut typed = typed;
    typed.hash = typed.compute_hash();
    std::fs::write(p.path().join("evil.json"), serde_json::to_string(&typed).expect("json")).expect("write");
    let (code, _, err) = run(p.cmd().args(["apply", "evil.json", "--yes"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("invalid version"), "{err}");
    assert!(!std::path::Path::new("/tmp/rvmctl-plan-pwned").exists());
    assert_eq!(p.live("sim-01"), None);
}
