//! `rvmctl history --stats` end to end: a known sequence of real deploys,
//! rollbacks and failures on a `local` target, read back as delivery figures.

mod support;

use support::local::{LocalProject, Options};
use support::run;

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

fn deploy(p: &LocalProject, version: &str) -> i32 {
    let (code, out, err) = run(p.cmd().args(["deploy", "-e", "development", "--version", version, "--yes"]));
    eprintln!("deploy {version} → {code}\n{out}\n{err}");
    code
}

fn stats(p: &LocalProject, args: &[&str], now: Option<&str>) -> (i32, String, String) {
    let mut cmd = p.cmd();
    cmd.args(["history", "-e", "development", "--stats"]).args(args);
    if let Some(now) = now {
        cmd.env("RVMCTL_NOW", now);
    }
    run(&mut cmd)
}

fn stats_json(p: &LocalProject, args: &[&str], now: Option<&str>) -> serde_json::Value {
    let (code, out, err) = stats(p, &[args, &["-o", "json"]].concat(), now);
    assert_eq!(code, 0, "{out}\n{err}");
    json(&out)
}

/// Each revision's history line on every host gets the instant `at[rev - 1]`,
/// so the restore times are known to the second.
fn pin_times(p: &LocalProject, at: &[&str]) {
    for h in &p.hosts {
        let path = p.host_dir(h).join(".rvmctl/history.jsonl");
        let lines: Vec<String> = p
            .history_lines(h)
            .into_iter()
            .map(|mut e| {
                let rev = e["revision"].as_u64().expect("a revision") as usize;
                e["at"] = at[rev - 1].into();
                e.to_string()
            })
            .collect();
        assert_eq!(lines.len(), at.len(), "{h}: one instant per history line");
        std::fs::write(&path, lines.join("\n") + "\n").expect("rewrite history");
    }
}

#[test]
fn delivery_figures_of_a_known_sequence() {
    // Two hosts: every run is over the fleet, and counts once.
    let p = LocalProject::new(Options { monitor: "3s", ..Options::default() });
    for v in ["1.0.0", "1.1.0", "1.2.1"] {
        p.release(v, false);
    }
    p.release_with("1.2.0", false, true); // unhealthy once live: rolled back automatically
    p.release("1.3.0", true); // fails its checks before the switch

    // No history yet: zero figures and a plain sentence, not an error.
    let v = stats_json(&p, &[], None);
    assert_eq!(v["overall"]["deploys"], 0);
    assert_eq!(v["overall"]["change_failure_rate"], serde_json::Value::Null);
    assert_eq!(v["targets"][0]["target"], "edge-sim");
    let (code, out, _) = stats(&p, &[], None);
    assert_eq!(code, 0);
    assert!(out.contains("No deploys in development in this window"), "{out}");

    assert_eq!(deploy(&p, "1.0.0"), 0);
    assert_eq!(deploy(&p, "1.1.0"), 0);
    let (code, out, err) = run(p.cmd().args(["rollback", "-e", "development", "--yes"]));
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(deploy(&p, "1.2.0"), 4, "1.2.0 is unhealthy once live");
    assert_eq!(p.history_lines("sim-01").last().map(|e| e["result"].clone()), Some("rolled_back".into()));
    assert_eq!(deploy(&p, "1.2.1"), 0);
    assert_eq!(deploy(&p, "1.3.0"), 4, "1.3.0 fails its checks");
    assert_eq!(p.history_lines("sim-01").last().map(|e| e["result"].clone()), Some("failed".into()));

    // With the real clock: exact counts, restore times as they came.
    let v = stats_json(&p, &[], None);
    let t = &v["targets"][0];
    for (field, want) in [("deploys", 5), ("successful", 2), ("change_failures", 3), ("interrupted", 0)] {
        assert_eq!(t[field], want, "{field}: {t}");
        assert_eq!(v["overall"][field], want, "overall {field}: {v}");
    }
    assert_eq!(t["change_failure_rate"], 0.6);
    assert_eq!(t["time_to_restore"]["restored"], 2);
    assert_eq!(t["time_to_restore"]["not_restored"], 1);
    let kinds: Vec<(&str, &str)> = t["failures"]
        .as_array()
        .expect("failures")
        .iter()
        .map(|f| (f["version"].as_str().unwrap_or("?"), f["kind"].as_str().unwrap_or("?")))
        .collect();
    assert_eq!(kinds, [("1.1.0", "reverted"), ("1.2.0", "rolled_back"), ("1.3.0", "failed")]);
    let failures = t["failures"].as_array().expect("failures");
    assert_eq!(failures[0]["restored_by"], "rollback");
    assert_eq!(failures[1]["restored_by"], "deploy");
    assert!(failures[1]["restored_at"].as_str() > failures[1]["at"].as_str(), "{t}");
    assert!(failures[0]["restore_seconds"].is_u64() && failures[1]["restore_seconds"].is_u64(), "{t}");
    assert_eq!(failures[2]["restored_at"], serde_json::Value::Null);
    assert_eq!(failures[2]["restore_seconds"], serde_json::Value::Null);
    let median = t["time_to_restore"]["median_seconds"].as_u64().expect("a median");
    let p90 = t["time_to_restore"]["p90_seconds"].as_u64().expect("a p90");
    assert!(median <= p90, "{t}");

    // The same history on a known calendar: the times are exact too.
    pin_times(
        &p,
        &[
            "2026-11-20T10:00:00Z", // deploy 1.0.0
            "2026-11-21T10:00:00Z", // deploy 1.1.0
            "2026-11-21T10:30:00Z", // rollback: 1.1.0 restored after 30m
            "2026-11-22T10:00:00Z", // deploy 1.2.0, rolled back
            "2026-11-22T12:00:00Z", // deploy 1.2.1: 1.2.0 restored after 2h
            "2026-11-30T10:00:00Z", // deploy 1.3.0, failed, not restored
        ],
    );
    let now = Some("2026-12-01T00:00:00Z");
    let v = stats_json(&p, &["--since", "30d"], now);
    let t = &v["targets"][0];
    assert_eq!(v["from"], "2026-11-01T00:00:00Z");
    assert_eq!(v["days"], 30.0);
    assert_eq!(t["deploys"], 5);
    assert_eq!(t["per_week"].as_f64().map(|x| (x * 1000.0).round()), Some(1167.0), "5 in 30 days: {t}");
    // Restores of 1800 s and 7200 s: median 4500 s, p90 6660 s.
    assert_eq!(t["time_to_restore"]["median_seconds"], 4500);
    assert_eq!(t["time_to_restore"]["p90_seconds"], 6660);
    let secs: Vec<&serde_json::Value> =
        t["failures"].as_array().expect("failures").iter().map(|f| &f["restore_seconds"]).collect();
    assert_eq!(secs, [&serde_json::json!(1800), &serde_json::json!(7200), &serde_json::Value::Null]);

    let (code, out, err) = stats(&p, &["--since", "30d"], now);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);

    // A 2-day window holds only the failed 1.3.0; `w` is a unit.
    let v = stats_json(&p, &["--since", "2d"], now);
    assert_eq!((v["overall"]["deploys"].as_u64(), v["overall"]["change_failure_rate"].as_f64()), (Some(1), Some(1.0)));
    assert_eq!(v["overall"]["time_to_restore"]["median_seconds"], serde_json::Value::Null);
    let v = stats_json(&p, &["--since", "1w"], now);
    assert_eq!(v["overall"]["deploys"], 1, "only 1.3.0 is within a week: {v}");
    let v = stats_json(&p, &["--since", "1w2d"], now);
    assert_eq!(v["overall"]["deploys"], 3, "1.2.0, 1.2.1 and 1.3.0 are within 9 days: {v}");
    assert_eq!(v["overall"]["time_to_restore"]["median_seconds"], 7200, "{v}");

    // YAML goes through the same view.
    let (code, out, _) = stats(&p, &["-o", "yaml"], now);
    assert_eq!(code, 0);
    assert!(out.contains("change_failures: 3"), "{out}");
}

#[test]
fn stats_flags_that_make_no_sense_together_are_refused() {
    let p = LocalProject::new(Options { hosts: 1, ..Options::default() });
    for (args, said) in [
        (&["--units"][..], "cannot be used with"),
        (&["--limit", "5"][..], "cannot be used with"),
        (&["--since", "0s"][..], "the window must be longer than 0s"),
        (&["--since", "3x"][..], "'3x' is not a duration"),
    ] {
        let (code, _, err) = stats(&p, args, None);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(said), "{args:?}: {err}");
    }
    let (code, _, err) = run(p.cmd().args(["history", "-e", "development", "--since", "2d"]));
    assert_eq!(code, 2, "--since without --stats: {err}");
    let (code, _, err) = stats(&p, &[], Some("yesterday"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("RVMCTL_NOW"), "{err}");
}
