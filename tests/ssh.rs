//! The ssh driver end to end: the real binary against real sshd hosts on
//! loopback (see tests/support).

mod support;

use support::{Fleet, text};

#[test]
fn ssh_deploy_to_one_host_then_redeploy_is_a_noop() {
    let fleet = Fleet::start(1);
    fleet.build_release("1.0.0", false);
    fleet.write_config("strategy: blue_green", "");
    let out = fleet.run(&["deploy", "-e", "field", "--version", "1.0.0", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(fleet.live(0).as_deref(), Some("blue"));
    assert_eq!(fleet.live_version(0).as_deref(), Some("1.0.0"));
    assert!(fleet.serving(0).unwrap_or_default().contains("\"version\": \"1.0.0\""), "{:?}", fleet.serving(0));

    let out = fleet.run(&["deploy", "-e", "field", "--version", "1.0.0", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Nothing to do"), "{}", text(&out));
}

const V1: &[&str] = &["deploy", "-e", "field", "--version", "1.0.0", "--yes"];
const V2: &[&str] = &["deploy", "-e", "field", "--version", "1.1.0", "--yes"];

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fleet of `n` hosts with releases 1.0.0 and 1.1.0 built.
fn fleet(n: usize) -> Fleet {
    let f = Fleet::start(n);
    f.build_release("1.0.0", false);
    f.build_release("1.1.0", false);
    f
}

#[test]
fn ssh_fleet_blue_green_status_and_rollback() {
    let f = fleet(10);
    f.write_config("strategy: blue_green", "");
    let out = f.run(V1);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    f.assert_all_live("blue", "1.0.0");
    let out = f.run(V2);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    f.assert_all_live("green", "1.1.0");

    let out = f.run(&["status", "-e", "field", "-o", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("status json");
    assert_eq!(v["targets"][0]["summary"], "10/10 on 1.1.0 (green)", "{}", text(&out));
    assert_eq!(v["targets"][0]["units"].as_array().map(Vec::len), Some(10));
    assert!(v["targets"][0]["units"].as_array().into_iter().flatten().all(|u| u["health"] == "healthy"), "{v}");

    let out = f.run(&["rollback", "-e", "field", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    f.assert_all_live("blue", "1.0.0");
    let out = f.run(&["history", "-e", "field", "-o", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("\"rollback\""), "{}", text(&out));
}

#[test]
fn ssh_fleet_rolling_in_batches_after_a_hosts_subset() {
    let f = fleet(10);
    f.write_config("strategy: rolling\nbatch_size: 3", "");
    // --hosts limits plan and deploy to the named hosts.
    let out = f.run(&["plan", "-e", "field", "--version", "1.0.0", "--hosts", "rvm-001,rvm-002", "-o", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).expect("plan json");
    assert_eq!(plan["targets"][0]["units"].as_array().map(Vec::len), Some(2), "{plan}");
    let out = f.run(&["deploy", "-e", "field", "--version", "1.0.0", "--yes", "--hosts", "rvm-001,rvm-002"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(f.live_version(0).as_deref(), Some("1.0.0"));
    assert_eq!(f.live_version(1).as_deref(), Some("1.0.0"));
    assert_eq!(f.live(2), None);
    let out = f.run(&["deploy", "-e", "field", "--version", "1.0.0", "--yes", "--hosts", "rvm-01"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(stderr(&out).contains("did you mean"), "{}", text(&out));

    // The rest in batches of 3: 8 hosts → 3 waves.
    let out = f.run(V1);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stderr(&out).contains("wave 3/3"), "{}", text(&out));
    f.assert_all_live("blue", "1.0.0");
    let out = f.run(V2);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stderr(&out).contains("wave 4/4"), "{}", text(&out));
    f.assert_all_live("green", "1.1.0");
}

#[test]
fn ssh_fleet_immediate_with_selector() {
    let f = fleet(10);
    f.write_config("strategy: immediate\nmax_concurrency: 4\nselector: { site: a }", "");
    let out = f.run(V1);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    for i in 0..10 {
        // site=a are the odd-numbered hosts rvm-001, rvm-003, …
        let expect = if i % 2 == 0 { Some("1.0.0") } else { None };
        assert_eq!(f.live_version(i).as_deref(), expect, "{}", f.hosts[i].name);
    }
}

#[test]
fn ssh_fleet_canary_manual_pause_then_promote() {
    let f = fleet(10);
    f.write_config("strategy: canary\ncanary: { steps: [10%, 50%, 100%], pause: manual }", "");
    let live = |f: &Fleet| (0..10).filter(|&i| f.live_version(i).as_deref() == Some("1.0.0")).count();
    let out = f.run(V1);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("PAUSED"), "{}", text(&out));
    assert_eq!(live(&f), 1, "{}", text(&out));
    // The progress says where the fleet stands at the pause.
    assert!(stderr(&out).contains("1/10 units on 1.0.0, 9 not yet"), "{}", text(&out));

    let out = f.run(&["promote", "-e", "field", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("PAUSED"), "{}", text(&out));
    assert_eq!(live(&f), 5, "{}", text(&out));

    // Re-running the deploy continues just like promote does.
    let out = f.run(V1);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stdout(&out).contains("Done"), "{}", text(&out));
    f.assert_all_live("blue", "1.0.0");
    let out = f.run(&["promote", "-e", "field", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn ssh_canary_health_failure_stops_and_rolls_back() {
    let f = fleet(5);
    f.write_config("strategy: blue_green", "");
    let out = f.run(V1);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // rvm-003's health check fails from now on: 5 hosts, steps 20% (rvm-001),
    // 60% (rvm-002, rvm-003: fails before the switch), 100% (never reached).
    std::fs::write(f.hosts[2].base().join("FAIL_HEALTH"), "").expect("marker");
    f.write_config("strategy: canary\ncanary: { steps: [20%, 60%, 100%], pause: 0s }", "");
    let out = f.run(V2);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    let err = stderr(&out);
    assert!(err.contains("rvm-003") && err.contains("host-marker"), "{}", text(&out));
    assert!(err.contains("rolling back 1 switched unit(s)"), "{}", text(&out));
    assert!(stdout(&out).contains("ROLLED BACK"), "{}", text(&out));
    // Nobody after the failing step was touched; the canaries are back.
    f.assert_all_live("blue", "1.0.0");
    assert!(!f.hosts[4].base().join("green").exists(), "wave 3 must not have been staged");
}

#[test]
fn ssh_host_killed_mid_rollout_is_pending_alone_and_rerun_converges() {
    let mut f = fleet(6);
    let settings = "strategy: immediate\nrollback_criteria: { max_failure_rate: 20% }";
    f.write_config(settings, "");
    std::fs::create_dir_all(f.hosts[3].base()).expect("base");
    std::fs::write(f.hosts[3].base().join("SLOW"), "").expect("marker");
    let child = f.rvmctl().args(V1).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn();
    let child = child.expect("spawn rvmctl");
    let reached = f.hosts[3].base().join("SLOW.reached");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !reached.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(reached.exists(), "rvm-004 never reached its pre-deploy check");
    f.kill_sshd(3);
    let out = child.wait_with_output().expect("rvmctl");
    // Lost, not failed: pending (exit 7), named, and the others deployed.
    assert_eq!(out.status.code(), Some(7), "{}", text(&out));
    assert!(stderr(&out).contains("rvm-004"), "{}", text(&out));
    assert!(stdout(&out).contains("could not be reached and were left as they were: rvm-004"), "{}", text(&out));
    for i in (0..6).filter(|&i| i != 3) {
        assert_eq!(f.live_version(i).as_deref(), Some("1.0.0"), "{}: {}", f.hosts[i].name, text(&out));
    }
    assert_eq!(f.live(3), None);

    // The host comes back; the same deploy converges.
    std::fs::remove_file(f.hosts[3].base().join("SLOW")).expect("rm marker");
    f.start_sshd(3);
    f.write_client_files(&[]);
    f.write_config(settings, "");
    let out = f.run(V1);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stderr(&out).contains("already staged"), "{}", text(&out));
    f.assert_all_live("blue", "1.0.0");
}

#[test]
fn ssh_unknown_host_key_is_refused_unless_opted_out() {
    let f = fleet(2);
    f.write_client_files(&["rvm-002"]);
    f.write_config("strategy: blue_green", "");
    let out = f.run(V1);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    let err = stderr(&out);
    assert!(err.contains("rvm-002") && err.contains("host key"), "{}", text(&out));
    assert!(!f.hosts[1].base().exists(), "nothing may happen on a host with an unverified key");
    let kh = std::fs::read_to_string(&f.known_hosts).expect("known_hosts");
    assert!(
        !kh.contains(&format!(":{}]", f.hosts[1].port)) && !kh.contains(&format!("]:{} ", f.hosts[1].port)),
        "{kh}"
    );

    f.write_config_ssh("strategy: blue_green", "", "strict_host_key_checking: false");
    let out = f.run(V1);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    f.assert_all_live("blue", "1.0.0");
}

#[test]
fn ssh_checksum_mismatch_is_refused_before_the_slot_is_touched() {
    let f = fleet(2);
    let bad = "0".repeat(64);
    // path: artifact, checked on the operator's side before any host is touched.
    f.write_config("strategy: blue_green", &format!("      sha256: \"{bad}\"\n"));
    let out = f.run(V1);
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    assert!(stderr(&out).contains("checksum mismatch"), "{}", text(&out));
    for h in &f.hosts {
        assert!(!h.base().join("blue").exists() && !h.base().join("current").exists(), "{}", h.name);
    }

    // url: artifact, fetched and checked on the host before unpacking.
    let dist = f.path("dist");
    let tar = dist.join("edge-1.0.0.tar.gz");
    let st = std::process::Command::new("tar")
        .arg("-czf")
        .arg(&tar)
        .arg("-C")
        .arg(dist.join("edge-1.0.0"))
        .arg(".")
        .status();
    assert!(st.is_ok_and(|s| s.success()));
    let port = support::free_port();
    let mut http = std::process::Command::new("python3")
        .args(["-m", "http.server", "--bind", "127.0.0.1", &port.to_string(), "--directory"])
        .arg(&dist)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("http.server");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let cfg = f.write_config("strategy: blue_green", "");
    let text_cfg = std::fs::read_to_string(&cfg).expect("cfg");
    let root = f.dir.path().display().to_string();
    let text_cfg = text_cfg.replace(
        &format!("      path: \"{root}/dist/edge-{{version}}\"\n"),
        &format!("      url: \"http://127.0.0.1:{port}/edge-{{version}}.tar.gz\"\n      sha256: \"{bad}\"\n"),
    );
    std::fs::write(&cfg, text_cfg).expect("cfg");
    let out = f.run(V1);
    let _ = http.kill();
    let _ = http.wait();
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert!(
        stderr(&out).contains("checksum mismatch") && stderr(&out).contains("the slot was not touched"),
        "{}",
        text(&out)
    );
    for h in &f.hosts {
        assert!(!h.base().join("blue").exists() && !h.base().join("current").exists(), "{}", h.name);
    }
}
