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
