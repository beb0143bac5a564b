//! Edge fleets as operators run them: warm slots, budgets that stop a
//! rollout, status that adds up, labels that show rendered values. Each test
//! is on real sshd hosts and failed before its fix (issue 14).

mod support;

use support::{Fleet, text};

fn deploy(f: &Fleet, version: &str) -> std::process::Output {
    f.run(&["deploy", "-e", "field", "--version", version, "--yes"])
}

/// A release whose start script keeps its pid file inside the slot (many
/// real apps do), and whose stop fails while a `FAIL_STOP` file is in the slot.
fn build_release_with_pid_in_slot(f: &Fleet, version: &str) {
    f.build_release(version, false);
    let ctl = f.path(&format!("dist/edge-{version}/edge-ctl"));
    let script = std::fs::read_to_string(&ctl).expect("edge-ctl");
    let script = script.replace("run_dir=\"${RVM_BASE:-.}/run\"", "run_dir=\"$PWD/run\"").replacen(
        "stop() {\n",
        "stop() {\n  if [ -e FAIL_STOP ]; then echo \"cannot stop: FAIL_STOP\" >&2; exit 1; fi\n",
        1,
    );
    assert!(script.contains("$PWD/run") && script.contains("FAIL_STOP"), "edge-ctl changed shape:\n{script}");
    std::fs::write(&ctl, script).expect("write edge-ctl");
}

fn serves(port: u16) -> String {
    support::slots::get_health(port).map(|(_, body)| body).unwrap_or_default()
}

#[test]
fn a_warm_idle_slot_is_stopped_by_its_own_release_before_it_is_restaged() {
    let f = Fleet::start(2);
    for v in ["1.0.0", "2.0.0", "3.0.0", "4.0.0"] {
        build_release_with_pid_in_slot(&f, v);
    }
    // keep_previous: true (the fixture's default) keeps the idle color running.
    f.write_config("strategy: blue_green", "");
    for v in ["1.0.0", "2.0.0"] {
        let o = deploy(&f, v);
        assert_eq!(o.status.code(), Some(0), "{v}: {}", text(&o));
    }
    for h in &f.hosts {
        assert!(serves(h.port_blue).contains("1.0.0"), "{}: blue stays warm on 1.0.0", h.name);
    }
    let o = f.run(&["status", "-e", "field", "--no-health", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("status json");
    assert_eq!(v["targets"][0]["units"][0]["blue"]["started"], true, "status shows the warm slot: {v}");
    let o = f.run(&["status", "-e", "field", "--no-health"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("1.0.0 (idle, warm)"), "{}", text(&o));

    // 3.0.0 goes into blue, where 1.0.0 still runs and holds the port.
    let o = deploy(&f, "3.0.0");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    for (i, h) in f.hosts.iter().enumerate() {
        assert_eq!(f.live(i).as_deref(), Some("blue"), "{}", h.name);
        assert!(serves(h.port_blue).contains("3.0.0"), "{}: blue serves {}", h.name, serves(h.port_blue));
        assert!(serves(h.port_green).contains("2.0.0"), "{}: green stays warm", h.name);
    }

    // A stop that fails fails its host before anything is unpacked.
    let broken = &f.hosts[1];
    std::fs::write(broken.base().join("green/FAIL_STOP"), "").expect("FAIL_STOP");
    let o = deploy(&f, "4.0.0");
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    let all = text(&o);
    assert!(all.contains("cannot stop: FAIL_STOP"), "the stop's own output is shown:\n{all}");
    assert!(all.contains("nothing was unpacked"), "{all}");
    let version = std::fs::read_to_string(broken.base().join("green/VERSION")).expect("VERSION");
    assert_eq!(version.trim(), "2.0.0", "the failing host's slot was not touched");
    assert!(serves(broken.port_green).contains("2.0.0"), "and its warm release still runs");
    assert_eq!(f.live(1).as_deref(), Some("blue"), "traffic stays on the healthy color");
    f.assert_safe();
}

#[test]
fn a_rollout_stopped_by_the_budget_says_what_happened_and_leaves_nothing_to_resume() {
    let f = Fleet::start(6);
    for v in ["1.0.0", "1.1.0"] {
        f.build_release(v, false);
    }
    // Waves [rvm-001, rvm-002], [rvm-003, rvm-004], [rvm-005, rvm-006]; budget 0 %.
    f.write_config("strategy: rolling\nbatch_size: 2", "");
    let o = deploy(&f, "1.0.0");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // rvm-004 fails its pre-switch check; rvm-003, in the same wave, passes.
    std::fs::write(f.hosts[3].base().join("FAIL_HEALTH"), "").expect("FAIL_HEALTH");
    let o = f.run(&["deploy", "-e", "field", "--version", "1.1.0", "--yes", "-o", "json"]);
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("report json");
    let result = |unit: &str| {
        report["targets"][0]["units"]
            .as_array()
            .and_then(|us| us.iter().find(|u| u["unit"] == unit))
            .map(|u| u["result"].as_str().unwrap_or_default().to_string())
            .unwrap_or_default()
    };
    assert_eq!(result("rvm-001"), "rolled_back", "{report}");
    assert_eq!(result("rvm-003"), "stopped", "prepared, deliberately not switched: {report}");
    assert_eq!(result("rvm-004"), "failed", "{report}");
    assert_eq!(result("rvm-005"), "skipped", "{report}");
    for i in 0..6 {
        assert_eq!(f.live_version(i).as_deref(), Some("1.0.0"), "{}: traffic on the healthy color", f.hosts[i].name);
    }

    // The human verdict does not claim a failure after the switch.
    let o = deploy(&f, "1.1.0");
    let err = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(!err.contains("failed after the switch"), "{err}");
    assert!(
        err.contains(
            "ROLLED BACK: 1 unit(s) failed before their switch; the 2 switched unit(s) are back on the previous color."
        ),
        "{err}"
    );
    assert!(err.lines().any(|l| l.contains("rvm-003") && l.contains("1.1.0") && l.contains("stopped")), "{err}");
    // A unit the run never touched shows no version in the report.
    let untouched = err.lines().find(|l| l.contains("rvm-005")).unwrap_or_default();
    assert!(untouched.contains("skipped") && !untouched.contains("1.1.0"), "{err}");

    // Nothing is "interrupted": a deliberate stop clears the journal.
    let o = f.run(&["status", "-e", "field", "--no-health", "-o", "json"]);
    let status: serde_json::Value = serde_json::from_slice(&o.stdout).expect("status json");
    assert!(!status.to_string().contains("\"interrupted\""), "{status}");
    assert_eq!(status["targets"][0]["summary"], "6/6 on 1.0.0 (blue)", "{status}");
    // LAST DEPLOY says the deploy did not succeed.
    let o = f.run(&["status", "-e", "field", "--no-health"]);
    let table = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(table.lines().any(|l| l.contains("rvm-003") && l.contains("deploy 1.1.0 (stopped)")), "{table}");
    assert!(table.lines().any(|l| l.contains("rvm-004") && l.contains("deploy 1.1.0 (failed)")), "{table}");
    // And there is nothing to resume.
    let o = f.run(&["resume", "-e", "field", "--yes"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("nothing to resume"), "{}", text(&o));
    f.assert_safe();
}

#[test]
fn step_labels_show_each_units_rendered_values_with_secrets_masked() {
    let f = Fleet::start(2);
    f.build_release("1.0.0", false);
    f.build_release("1.1.0", true); // answers /health with 503
    let path = f.write_config("strategy: blue_green", "");
    let config = std::fs::read_to_string(&path).expect("config").replace(
        "    health_checks:\n",
        "    health_checks:\n      - { kind: http, url: \"http://rvm:s3cret-pw@127.0.0.1:{port_{color}}/health?token=abc123&v={version}\", timeout: 5s, retries: 0 }\n",
    );
    std::fs::write(&path, config).expect("config");

    let o = f.run(&["plan", "-e", "field", "--version", "1.0.0", "-o", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let plan = String::from_utf8_lossy(&o.stdout).into_owned();
    for h in &f.hosts {
        let want = format!("http http://rvm:***@127.0.0.1:{}/health?token=***&v=1.0.0", h.port_blue);
        assert!(plan.contains(&want), "plan names {want}:\n{plan}");
        assert!(plan.contains(&format!("tcp 127.0.0.1:{}", h.port_blue)), "{plan}");
    }
    assert!(!plan.contains("{port_"), "no template left in the plan:\n{plan}");

    let o = deploy(&f, "1.0.0");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let progress = text(&o);
    assert!(progress.contains(&format!("tcp 127.0.0.1:{}", f.hosts[0].port_blue)), "{progress}");
    assert!(!progress.contains("{port_"), "{progress}");

    // A failing check names the URL it probed on that unit.
    let o = deploy(&f, "1.1.0");
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    let all = text(&o);
    let want = format!("health check http http://rvm:***@127.0.0.1:{}/health?token=***&v=1.1.0", f.hosts[1].port_green);
    assert!(all.contains(&want), "{want} in:\n{all}");
    assert!(!all.contains("{port_") && !all.contains("s3cret-pw") && !all.contains("abc123"), "{all}");
}

#[test]
fn shards_run_together_and_cover_the_fleet_exactly_once() {
    let f = Fleet::start(5);
    f.build_release("1.0.0", false);
    f.write_config("strategy: rolling\nbatch_size: 1", "");
    // Three CI jobs of a matrix, at the same time.
    let jobs: Vec<std::process::Child> = (1..=3)
        .map(|k| {
            f.rvmctl()
                .args(["deploy", "-e", "field", "--version", "1.0.0", "--yes", "-o", "json", "--shard"])
                .arg(format!("{k}/3"))
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let mut deployed = Vec::new();
    for job in jobs {
        let o = job.wait_with_output().expect("wait");
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("report");
        for u in report["targets"][0]["units"].as_array().cloned().unwrap_or_default() {
            assert_eq!(u["result"], "switched", "{report}");
            deployed.push(u["unit"].as_str().unwrap_or_default().to_string());
        }
    }
    deployed.sort();
    let all: Vec<String> = f.hosts.iter().map(|h| h.name.clone()).collect();
    assert_eq!(deployed, all, "every host by exactly one shard");
    for i in 0..f.hosts.len() {
        assert_eq!(f.live_version(i).as_deref(), Some("1.0.0"));
    }
    f.assert_history_consistent(Some("1.0.0"));

    // The split is the same on every call: a plan of shard 2/3 names the same hosts.
    let o = f.run(&["plan", "-e", "field", "--version", "1.0.0", "--shard", "2/3", "-o", "json"]);
    let plan: serde_json::Value = serde_json::from_slice(&o.stdout).expect("plan");
    let units: Vec<&str> = plan["targets"][0]["units"]
        .as_array()
        .map(|u| u.iter().filter_map(|u| u["unit"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(units, ["rvm-002", "rvm-005"], "{plan}");
    let o = f.run(&["plan", "-e", "field", "--version", "1.0.0", "--shard", "4/3"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("write K/N with 1 ≤ K ≤ N"), "{}", text(&o));
}

#[test]
fn an_unreachable_host_is_pending_not_failed_and_until_converged_finishes_it() {
    let mut f = Fleet::start(4);
    for v in ["1.0.0", "1.1.0", "1.2.0"] {
        f.build_release(v, false);
    }
    // Budget 0 % (the fixture's): one failed host would stop the rollout.
    f.write_config("strategy: rolling\nbatch_size: 2", "");
    assert_eq!(deploy(&f, "1.0.0").status.code(), Some(0));

    // rvm-002 is switched off: the others deploy; it is pending, exit 7.
    f.kill_sshd(1);
    let o = f.run(&["deploy", "-e", "field", "--version", "1.1.0", "--yes", "-o", "json"]);
    assert_eq!(o.status.code(), Some(7), "{}", text(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("report");
    assert_eq!(report["outcome"], "pending", "{report}");
    let results: Vec<(String, String)> = report["targets"][0]["units"]
        .as_array()
        .map(|us| {
            us.iter()
                .map(|u| {
                    (u["unit"].as_str().unwrap_or_default().into(), u["result"].as_str().unwrap_or_default().into())
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        results,
        [("rvm-001", "switched"), ("rvm-002", "pending"), ("rvm-003", "switched"), ("rvm-004", "switched")]
            .map(|(a, b)| (a.to_string(), b.to_string())),
        "{report}"
    );
    let o = f.run(&["deploy", "-e", "field", "--version", "1.1.0", "--yes"]);
    assert!(
        text(&o).contains("PENDING: every reachable unit runs 1.1.0; 1 unit(s) could not be reached"),
        "{}",
        text(&o)
    );

    // Counted against the budget when the config says so.
    let path = f.path("deployment-config.yaml");
    let cfg = std::fs::read_to_string(&path).expect("config");
    std::fs::write(
        &path,
        cfg.replace("health_check_failures: 2 }", "health_check_failures: 2, count_unreachable: true }"),
    )
    .expect("config");
    let o = f.run(&["deploy", "-e", "field", "--version", "1.2.0", "--yes"]);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    f.write_config("strategy: rolling\nbatch_size: 2", "");

    // --until-converged: the host comes back while rvmctl waits, and only it is deployed.
    let child = f
        .rvmctl()
        .args(["deploy", "-e", "field", "--version", "1.1.0", "--yes", "-o", "json", "--until-converged", "2m"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(std::time::Duration::from_secs(2));
    f.start_sshd(1);
    let o = child.wait_with_output().expect("wait");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("converging: 1 unit(s) pending (rvm-002)"), "{}", text(&o));
    // One report on stdout: the last attempt's.
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON report");
    let switched: Vec<&str> = report["targets"][0]["units"]
        .as_array()
        .map(|us| us.iter().filter(|u| u["result"] == "switched").filter_map(|u| u["unit"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(switched, ["rvm-002"], "{report}");
    for i in 0..4 {
        assert_eq!(f.live_version(i).as_deref(), Some("1.1.0"), "{}", f.hosts[i].name);
    }
    // Nothing else was touched twice: one 1.1.0 entry per host.
    f.assert_history_consistent(Some("1.1.0"));
    f.assert_safe();
}

/// Issue 14's budget: a deploy costs a host at most seven ssh round trips
/// (the top-level observe, the lock, stage with its upload, start, one
/// check, switch, history), counted from rvmctl's own log of its ssh use,
/// in at most five sessions: the observation's session stays open and
/// becomes the lock holder, which also writes the history. A redeploy onto a warm slot (keep_previous) is the case that
/// used to cost most: the restage first stops the slot's old release.
#[test]
fn a_deploy_costs_each_host_seven_round_trips_in_five_sessions() {
    let f = Fleet::start(2);
    for v in ["1.0.0", "1.1.0", "1.2.0"] {
        f.build_release(v, false);
    }
    f.write_config_like_ssh_loop("strategy: immediate");
    for v in ["1.0.0", "1.1.0"] {
        let out = deploy(&f, v);
        assert!(out.status.success(), "{}", text(&out));
    }
    // 1.2.0 goes into the slot 1.0.0 still runs in (warm), with an upload.
    let support::Measured { out, round_trips: trips, .. } =
        f.run_measured(&["deploy", "-e", "field", "--version", "1.2.0", "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(trips.len(), 2, "every host counted: {trips:?}\n{}", text(&out));
    for (host, t) in &trips {
        let log = String::from_utf8_lossy(&out.stderr);
        assert!(t.round_trips <= 7, "{host} took {} round trips:\n{log}", t.round_trips);
        assert!(t.sessions <= 5, "{host} opened {} sessions:\n{log}", t.sessions);
        assert_eq!(t.connections, 1, "{host}: one ssh connection for the whole run:\n{log}");
    }
    f.assert_safe();
}

/// A start command that leaves a process running with the command's own
/// output (no redirection, as many start scripts do): that process writes
/// to the service's start log on the host, not to the ssh channel, so the
/// step ends with the start and what the process prints later is kept.
#[test]
fn what_a_start_leaves_running_prints_to_the_start_log_not_the_channel() {
    let f = Fleet::start(1);
    f.build_release("1.0.0", false);
    let path = f.write_config("strategy: immediate", "");
    let cfg = std::fs::read_to_string(&path).expect("config");
    let start = r#"start: "./edge-ctl start {port_{color}}""#;
    assert!(cfg.contains(start), "the fixture changed shape:\n{cfg}");
    let background = r#"start: "./edge-ctl start {port_{color}}; (sleep 1; echo printed-later-by-the-service) &""#;
    std::fs::write(&path, cfg.replace(start, background)).expect("config");

    let out = f.run(&["deploy", "-e", "field", "--version", "1.0.0", "--yes", "-v"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("listening on 127.0.0.1"), "the start's own output is shown: {}", text(&out));
    let log = f.hosts[0].base().join(format!(".rvmctl/logs/{}-edge-app.log", f.live(0).expect("live")));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let read = || std::fs::read_to_string(&log).unwrap_or_default();
    while !read().contains("printed-later") && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(read().contains("printed-later-by-the-service"), "{}: {}", log.display(), read());
    assert!(read().contains("listening on 127.0.0.1"), "the start's output is in its log too: {}", read());
    assert!(!text(&out).contains("printed-later"), "nothing after the start reached rvmctl");
}
