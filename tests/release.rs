//! One release across the backend and the edge: a Kubernetes target (the
//! real kube-apiserver the suite starts) and an ssh fleet (real sshd hosts)
//! in one environment. The fleet starts after the backend; with `rollback:
//! together` a fleet that fails puts the backend's Service back on its old
//! color; without it the run and `status` report the split; a SIGKILL in
//! the middle of the coupled rollback leaves journals from which `abort` or
//! `resume` bring the whole environment back together.

mod support;

use std::process::{Command, Output};

use kube::Client;
use serde_json::Value;
use support::kube::{self as k, Kubelet};
use support::{Fleet, text};

struct Release {
    fleet: Fleet,
    c: Client,
    ns: String,
    _kubelet: Kubelet,
}

const V1: &[&str] = &["deploy", "-e", "field", "--version", "1.0.0", "--yes"];
const V2: &[&str] = &["deploy", "-e", "field", "--version", "1.1.0", "--yes", "-o", "json"];

impl Release {
    /// Two ssh hosts after a Kubernetes backend; 1.0.0 is good, 1.1.0 fails
    /// the fleet's health checks (the backend has none: it goes live).
    /// `rollback` is spliced into the environment.
    async fn new(prefix: &str, rollback: &str) -> Release {
        let c = k::client("admin").await;
        let ns = k::namespace(&c, prefix).await;
        let kubelet = k::kubelet(&c, &ns);
        let fleet = tokio::task::spawn_blocking(|| {
            let f = Fleet::start(2);
            f.build_release("1.0.0", false);
            f.build_release("1.1.0", true);
            f.write_config("after: [backend]", "");
            f
        })
        .await
        .expect("fleet");
        let path = fleet.path("deployment-config.yaml");
        let config = std::fs::read_to_string(&path).expect("config");
        let backend = format!(
            "  field:\n{rollback}    targets:\n      - name: backend\n        kind: kubernetes\n        app: api\n        namespace: {ns}\n        post_switch_monitor: 0s\n"
        );
        let api = "apps:\n  api:\n    image: registry.example/api:{version}\n    replicas: 1\n    port: 8080\n    service: api\n";
        let config = config.replacen("  field:\n    targets:\n", &backend, 1).replacen("apps:\n", api, 1);
        std::fs::write(&path, config).expect("write config");
        Release { fleet, c, ns, _kubelet: kubelet }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = self.fleet.rvmctl();
        cmd.env("KUBECONFIG", &k::env().kubeconfig).args(["--context", "admin"]).args(args);
        cmd
    }

    async fn run(&self, args: &[&str]) -> Output {
        let mut cmd = self.cmd(args);
        tokio::task::spawn_blocking(move || cmd.output().expect("run rvmctl")).await.expect("join")
    }

    async fn color(&self) -> String {
        k::selector(&self.c, &self.ns, "api").await.get("color").cloned().unwrap_or_default()
    }

    fn fleet_live(&self) -> Vec<Option<String>> {
        (0..self.fleet.hosts.len()).map(|i| self.fleet.live(i)).collect()
    }

    /// 1.0.0 live everywhere: the Service on blue, every host on blue.
    async fn deployed(prefix: &str, rollback: &str) -> Release {
        let r = Release::new(prefix, rollback).await;
        let o = r.run(V1).await;
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert_eq!(r.color().await, "blue");
        assert_eq!(r.fleet_live(), [Some("blue".to_string()), Some("blue".to_string())]);
        r
    }
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
}

fn target<'v>(report: &'v Value, name: &str) -> &'v Value {
    report["targets"].as_array().and_then(|t| t.iter().find(|t| t["target"] == name)).expect("target in the report")
}

fn at(v: &Value) -> jiff::Timestamp {
    v.as_str().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("a timestamp: {v}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_fleet_brings_the_backend_back_when_they_roll_back_together() {
    let r = Release::deployed("together", "    rollback: together\n").await;

    // The plan shows the order and the group.
    let o = r.run(&["plan", "-e", "field", "--version", "1.1.0"]).await;
    let shown = text(&o);
    assert!(shown.contains("starts after backend has succeeded"), "{shown}");
    assert!(shown.contains("rolls back together with fleet (group field)"), "{shown}");

    let o = r.run(V2).await;
    assert_eq!(o.status.code(), Some(4), "a failed release that went back is exit 4\n{}", text(&o));
    let report = json(&o);
    assert_eq!(report["outcome"], "rolled_back", "{report}");
    assert!(report.get("split").is_none(), "nothing is split: {report}");
    let (backend, fleet) = (target(&report, "backend"), target(&report, "fleet"));
    // The fleet started only once the backend had switched.
    assert!(at(&fleet["started_at"]) >= at(&backend["finished_at"]), "{report}");
    assert!(backend["rolled_back_with"].as_str().is_some_and(|c| c.contains("target fleet failed")), "{report}");
    assert_eq!(backend["units"][0]["result"], "rolled_back", "{report}");

    // Traffic is back on the old release everywhere.
    assert_eq!(r.color().await, "blue", "the Service selector is back on the old color");
    assert_eq!(r.fleet_live(), [Some("blue".to_string()), Some("blue".to_string())]);
    r.fleet.assert_safe();

    // The backend's history says why it went back.
    let o = r.run(&["history", "-e", "field", "-o", "json"]).await;
    let v = json(&o);
    let backend_last = v["entries"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["target"] == "backend"))
        .cloned()
        .expect("backend history");
    assert_eq!(backend_last["version"], "1.1.0", "{v}");
    assert_eq!(backend_last["result"], "rolled_back", "{v}");
    assert!(backend_last["message"].as_str().is_some_and(|m| m.contains("rolled back together")), "{v}");

    // And nothing is left split or locked.
    let o = r.run(&["status", "-e", "field", "--no-health", "-o", "json"]).await;
    assert!(json(&o).get("split").is_none(), "{}", text(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_group_the_split_is_reported_until_it_is_resolved() {
    let r = Release::deployed("split", "").await;
    let o = r.run(V2).await;
    assert_eq!(o.status.code(), Some(8), "a split environment is exit 8\n{}", text(&o));
    let report = json(&o);
    assert_eq!(
        report["split"],
        serde_json::json!([{ "target": "backend", "versions": ["1.1.0"] }, { "target": "fleet", "versions": ["1.0.0"] }]),
        "{report}"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("environment field is split"), "{}", text(&o));
    assert_eq!(r.color().await, "green", "not in a group: the backend stays on the new release");

    let o = r.run(&["status", "-e", "field", "--no-health"]).await;
    assert!(text(&o).contains("ENVIRONMENT SPLIT: backend on 1.1.0, fleet on 1.0.0"), "{}", text(&o));

    // `rollback -e` brings the switched target back; the fleet, whose deploy
    // never went live, has nothing to go back from.
    let o = r.run(&["rollback", "-e", "field", "--yes"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("never went live"), "{}", text(&o));
    assert_eq!(r.color().await, "blue");
    let o = r.run(&["status", "-e", "field", "--no-health", "-o", "json"]).await;
    assert!(json(&o).get("split").is_none(), "resolved: {}", text(&o));
}

/// rvmctl SIGKILLed inside the coupled rollback (`point`); `finish` (abort
/// or resume) then brings the whole environment back to 1.0.0.
async fn killed_during_the_coupled_rollback(point: &str, finish: &str) {
    let r = Release::deployed("killgroup", "    rollback: together\n").await;
    let mut cmd = r.cmd(V2);
    cmd.env("RVMCTL_FAULT", point);
    let o = tokio::task::spawn_blocking(move || cmd.output().expect("run")).await.expect("join");
    assert_eq!(o.status.code(), None, "{point}: killed\n{}", text(&o));
    let expect_backend = if point.starts_with("before") { "green" } else { "blue" };
    assert_eq!(r.color().await, expect_backend, "{point}: where the kill left the backend");
    // Every member of the group still shows the run: it never recorded its
    // end (the backend's journal sits with its Lease, shown as its lock).
    let o = r.run(&["status", "-e", "field", "--no-health", "-o", "json"]).await;
    let v = json(&o);
    let backend = &target(&v, "backend")["units"][0];
    assert!(!backend["lock"].is_null() || !backend["interrupted"].is_null(), "{point}: {v}");
    let fleet = target(&v, "fleet")["units"].as_array().cloned().unwrap_or_default();
    assert!(fleet.iter().all(|u| !u["interrupted"].is_null()), "{point}: {v}");

    // The dead run's Lease protects the backend until it is released.
    let o = r.run(&["lock", "release", "-e", "field", "--force", "--yes"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = r.run(&[finish, "-e", "field", "--yes"]).await;
    let code = if finish == "abort" { 0 } else { 4 };
    assert_eq!(o.status.code(), Some(code), "{point} then {finish}\n{}", text(&o));
    assert_eq!(r.color().await, "blue", "{point} then {finish}: the backend is back");
    assert_eq!(r.fleet_live(), [Some("blue".to_string()), Some("blue".to_string())], "{point} then {finish}");
    r.fleet.assert_safe();
    let o = r.run(&["status", "-e", "field", "--no-health", "-o", "json"]).await;
    let status = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(!status.contains("\"interrupted\""), "{point} then {finish}: journals cleared: {status}");
    assert!(json(&o).get("split").is_none(), "{point} then {finish}: {status}");
}

macro_rules! coupled_kill_matrix {
    ($($name:ident => ($point:literal, $finish:literal),)*) => {
        $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { killed_during_the_coupled_rollback($point, $finish).await; } )*
    };
}

coupled_kill_matrix! {
    kill_before_the_coupled_rollback_then_abort => ("before:rollback_together", "abort"),
    kill_before_the_coupled_rollback_then_resume => ("before:rollback_together", "resume"),
    kill_after_the_backend_went_back_then_abort => ("after:rollback_together", "abort"),
    kill_after_the_backend_went_back_then_resume => ("after:rollback_together", "resume"),
}
