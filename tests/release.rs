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
    // As a GitHub Actions step: the split is an output and a warning in the summary.
    let (summary, outputs) = (r.fleet.path("summary.md"), r.fleet.path("outputs.txt"));
    let mut cmd = r.cmd(V2);
    cmd.env("GITHUB_ACTIONS", "true").env("GITHUB_STEP_SUMMARY", &summary).env("GITHUB_OUTPUT", &outputs);
    let o = tokio::task::spawn_blocking(move || cmd.output().expect("run")).await.expect("join");
    assert_eq!(o.status.code(), Some(8), "a split environment is exit 8\n{}", text(&o));
    let out = std::fs::read_to_string(&outputs).expect("outputs");
    assert!(out.contains("split=backend=1.1.0,fleet=1.0.0\n"), "{out}");
    let md = std::fs::read_to_string(&summary).expect("summary");
    assert!(md.contains("**Environment split**: backend on 1.1.0, fleet on 1.0.0"), "{md}");
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
    r.fleet.settle();
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

/// `development` (two hosts) and `production` (one host) of the same app.
fn two_environments() -> support::local::LocalProject {
    let (b, g) = (support::free_port(), support::free_port());
    let production = format!(
        "  production:\n    targets:\n      - name: edge-prod\n        kind: local\n        root: ./prod\n        app: edge\n        hosts:\n          - {{ name: prod-01, vars: {{ port_blue: {b}, port_green: {g} }} }}\n"
    );
    support::local::LocalProject::new(support::local::Options {
        extra_env: production,
        monitor: "0s",
        ..Default::default()
    })
}

fn live_in_production(p: &support::local::LocalProject) -> Option<String> {
    support::slots::live(&p.path().join("prod/prod-01"))
}

#[test]
fn promotion_deploys_exactly_what_the_source_runs_and_refuses_otherwise() {
    let p = two_environments();
    p.release("1.0.0", false);
    p.release("1.1.0", false);
    let promote = ["deploy", "-e", "production", "--version", "from:development", "--yes", "-o", "json"];

    // Nothing live in development yet: nothing to promote.
    let (code, _, err) = support::run(p.cmd().args(promote));
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("cannot promote from development: edge-sim/sim-01 has nothing live"), "{err}");

    let (code, _, err) = support::run(p.cmd().args(["deploy", "-e", "development", "--version", "1.0.0", "--yes"]));
    assert_eq!(code, 0, "{err}");

    // Mid-rollout (one host on 1.1.0): refused.
    let (code, _, err) =
        support::run(p.cmd().args(["deploy", "-e", "development", "--version", "1.1.0", "--hosts", "sim-01", "--yes"]));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = support::run(p.cmd().args(promote));
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("target edge-sim is mid-rollout (1.0.0 + 1.1.0)"), "{err}");
    let (code, _, err) = support::run(p.cmd().args(["deploy", "-e", "development", "--version", "1.1.0", "--yes"]));
    assert_eq!(code, 0, "{err}");

    // The artifact changed since development got it: the checksum pin refuses it.
    let extra = p.path().join("dist/edge-1.1.0/EXTRA");
    std::fs::write(&extra, "rebuilt").expect("tamper");
    let (code, _, err) = support::run(p.cmd().args(promote));
    assert_ne!(code, 0, "a different build of 1.1.0 is not what development runs\n{err}");
    assert!(err.contains("sha256"), "{err}");
    assert_eq!(live_in_production(&p), None, "nothing changed in production");
    std::fs::remove_file(&extra).expect("restore");

    // Unhealthy: refused with the unit and the check.
    // (its command check reads the live slot's VERSION file)
    let version_file = p.host_dir("sim-02").join("current/VERSION");
    std::fs::write(&version_file, "broken\n").expect("make it unhealthy");
    let (code, _, err) = support::run(p.cmd().args(promote));
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("edge-sim/sim-02 is unhealthy right now"), "{err}");
    std::fs::write(&version_file, "1.1.0\n").expect("healthy again");

    // Healthy and whole: production gets exactly development's build.
    let (code, out, err) = support::run(p.cmd().args(promote));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("promoting 1.1.0 from development to production (edge: artifact sha256 "), "{err}");
    let report: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(report["version"], "1.1.0");
    assert_eq!(live_in_production(&p).as_deref(), Some("blue"));
    let o = support::run(p.cmd().args(["status", "-e", "production", "-o", "json"]));
    let status: Value = serde_json::from_str(&o.1).expect("status json");
    let dev = support::run(p.cmd().args(["status", "-e", "development", "-o", "json"]));
    let dev: Value = serde_json::from_str(&dev.1).expect("status json");
    assert_eq!(
        status["targets"][0]["units"][0]["blue"]["sha256"], dev["targets"][0]["units"][0]["green"]["sha256"],
        "the identical artifact"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn promotion_runs_the_image_the_source_runs_on_kubernetes() {
    use k8s_openapi::api::apps::v1::Deployment;
    use kube::api::{Api, Patch, PatchParams};
    let c = k::client("admin").await;
    let (staging, production) = (k::namespace(&c, "stg").await, k::namespace(&c, "prd").await);
    let (_k1, _k2) = (k::kubelet(&c, &staging), k::kubelet(&c, &production));
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join("deployment-config.yaml"),
        format!(
            "apiVersion: rvmctl/v1\nproject: rvm\ndefaults: {{ timeout: 20s, post_switch_monitor: 0s }}\nenvironments:\n  staging:\n    targets: [{{ name: backend, kind: kubernetes, app: api, namespace: {staging} }}]\n  production:\n    targets: [{{ name: backend, kind: kubernetes, app: api, namespace: {production} }}]\napps:\n  api: {{ image: \"registry.example/api:{{version}}\", replicas: 1, port: 8080, service: api }}\n"
        ),
    )
    .expect("config");
    let run = |args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rvmctl"));
        cmd.current_dir(dir.path())
            .args(["--context", "admin"])
            .args(args)
            .env("KUBECONFIG", &k::env().kubeconfig)
            .env("CI", "true")
            .env("NO_COLOR", "1");
        async move { tokio::task::spawn_blocking(move || cmd.output().expect("run")).await.expect("join") }
    };
    let o = run(&["deploy", "-e", "staging", "--version", "1.0.0", "--yes"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Staging runs 1.0.0 pinned by digest (as a pipeline that resolves digests leaves it).
    let pinned = "registry.example/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let stg: Api<Deployment> = Api::namespaced(c.clone(), &staging);
    let patch = serde_json::json!({ "spec": { "template": { "spec": { "containers": [{ "name": "api", "image": pinned }] } } } });
    stg.patch("api-blue", &PatchParams::default(), &Patch::Strategic(&patch)).await.expect("pin the image");

    let o = run(&["deploy", "-e", "production", "--version", "from:staging", "--yes"]).await;
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("promoting 1.0.0 from staging to production (api: image registry.example/api@sha256:0123"),
        "{}",
        text(&o)
    );
    let prd: Api<Deployment> = Api::namespaced(c.clone(), &production);
    let d = prd.get("api-blue").await.expect("production deployment");
    let image = d.spec.as_ref().and_then(|s| rvmctl::drivers::kubernetes::first_image(&s.template));
    assert_eq!(image.as_deref(), Some(pinned), "production runs the exact image staging runs");
    assert_eq!(k::selector(&c, &production, "api").await.get("color").map(String::as_str), Some("blue"));

    // Promoting from the environment itself is a usage error.
    let o = run(&["deploy", "-e", "staging", "--version", "from:staging", "--yes"]).await;
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}
