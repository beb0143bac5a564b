//! The Kubernetes driver through the binary, against a real kube-apiserver
//! (v1.20, no kubelet: `support::kube::kubelet` marks Deployments ready).

mod support;

use std::path::PathBuf;
use std::process::Output;
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{ConfigMap, Service};
use kube::api::{Api, DynamicObject, Patch, PatchParams, PostParams};
use kube::{Client, ResourceExt};
use serde_json::{Value, json};
use support::kube::{self as k, Kubelet};

struct Fx {
    c: Client,
    ns: String,
    dir: tempfile::TempDir,
    kubelet: Kubelet,
}

const APP: &str = r#"
apps:
  api:
    image: registry.example/api:{version}
    replicas: 2
    port: 8080
    service: api
    preview_service: api-preview
"#;

impl Fx {
    async fn new(prefix: &str) -> Fx {
        let c = k::client("admin").await;
        let ns = k::namespace(&c, prefix).await;
        let kubelet = k::kubelet(&c, &ns);
        let fx = Fx { c, ns, dir: tempfile::tempdir().unwrap(), kubelet };
        fx.config("", "");
        fx
    }

    /// Writes the config: `settings` replace the defaults, `extra` is appended to app `api`.
    fn config(&self, settings: &str, extra: &str) {
        let settings = if settings.is_empty() { "  timeout: 20s\n  post_switch_monitor: 0s\n" } else { settings };
        let text = format!(
            "apiVersion: rvmctl/v1\nproject: rvm\ndefaults:\n{settings}\
             environments:\n  dev:\n    targets:\n      - name: backend\n        kind: kubernetes\n        app: api\n        namespace: {ns}\n{APP}{extra}",
            ns = self.ns
        );
        std::fs::write(self.dir.path().join("deployment-config.yaml"), text).unwrap();
    }

    fn api_log(&self) -> PathBuf {
        self.dir.path().join("api.log")
    }

    async fn run(&self, args: &[&str]) -> Output {
        self.run_as("admin", args).await
    }

    async fn run_as(&self, context: &str, args: &[&str]) -> Output {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rvmctl"));
        cmd.current_dir(self.dir.path())
            .args(["--context", context])
            .args(args)
            .env("KUBECONFIG", &k::env().kubeconfig)
            .env("CI", "true")
            .env("RVMCTL_USER", "tester")
            .env("NO_COLOR", "1")
            .env("RVMCTL_K8S_API_LOG", self.api_log());
        tokio::task::spawn_blocking(move || cmd.output().unwrap()).await.unwrap()
    }

    async fn deploy(&self, version: &str) -> Output {
        self.run(&["deploy", "-e", "dev", "--version", version, "--yes"]).await
    }

    fn deployments(&self) -> Api<Deployment> {
        Api::namespaced(self.c.clone(), &self.ns)
    }

    async fn selector(&self, svc: &str) -> Vec<(String, String)> {
        k::selector(&self.c, &self.ns, svc).await.into_iter().collect()
    }
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn sel(color: &str) -> Vec<(String, String)> {
    vec![("app".into(), "api".into()), ("color".into(), color.into())]
}

fn assert_code(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "{}", text(o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k8s_first_deploy_creates_both_objects_and_the_second_flips_with_one_service_write() {
    let fx = Fx::new("flip").await;
    let o = fx.deploy("1.0.0").await;
    assert_code(&o, 0);
    let blue = fx.deployments().get("api-blue").await.unwrap();
    let labels = blue.labels();
    assert_eq!(labels.get("color").map(String::as_str), Some("blue"));
    assert_eq!(labels.get("version").map(String::as_str), Some("1.0.0"));
    assert_eq!(labels.get("app.kubernetes.io/managed-by").map(String::as_str), Some("rvmctl"));
    assert_eq!(fx.selector("api").await, sel("blue"));
    let svc: Service = Api::namespaced(fx.c.clone(), &fx.ns).get("api").await.unwrap();
    assert_eq!(svc.spec.unwrap().ports.unwrap()[0].protocol.as_deref(), Some("TCP"));

    // Second deploy: plan shows the diff, then exactly one write to Service api.
    let o = fx.run(&["plan", "-e", "dev", "--version", "1.1.0"]).await;
    assert_code(&o, 0);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("patch Service") && out.contains("selector color: blue → green"), "{out}");
    assert!(out.contains("create Deployment") && out.contains("registry.example/api:1.1.0"), "{out}");

    let _ = std::fs::remove_file(fx.api_log());
    let rv_before = svc.metadata.resource_version.clone().unwrap();
    let o = fx.deploy("1.1.0").await;
    assert_code(&o, 0);
    assert_eq!(fx.selector("api").await, sel("green"));
    assert_eq!(fx.selector("api-preview").await, sel("green"));
    let log = std::fs::read_to_string(fx.api_log()).unwrap();
    let writes: Vec<&str> = log
        .lines()
        .filter(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.len() >= 5 && f[2] != "get" && f[3] == "services" && f[4] == "api"
        })
        .collect();
    assert_eq!(writes.len(), 1, "one write to Service api, got:\n{log}");
    // And the API server agrees: one new resourceVersion (list with the old one as the watch start).
    let svc_api: Api<Service> = Api::namespaced(fx.c.clone(), &fx.ns);
    let now = svc_api.get("api").await.unwrap();
    assert_ne!(now.metadata.resource_version.unwrap(), rv_before);
    let _ = fx.kubelet.hold.lock().unwrap().len();

    // status reads it back from the cluster.
    let o = fx.run(&["status", "-e", "dev", "--no-health", "-o", "json"]).await;
    assert_code(&o, 0);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let u = &v["targets"][0]["units"][0];
    assert_eq!(u["live"], "green", "{v}");
    assert_eq!(u["green"]["version"], "1.1.0");
    assert_eq!(u["green"]["ready"], "2/2");
    assert_eq!(u["blue"]["version"], "1.0.0");

    // Rollback: one guarded write back to blue.
    let o = fx.run(&["rollback", "-e", "dev", "--yes"]).await;
    assert_code(&o, 0);
    assert_eq!(fx.selector("api").await, sel("blue"));
    let o = fx.run(&["history", "-e", "dev", "-o", "json"]).await;
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let entries = v["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "{v}");
    assert_eq!(entries[0]["action"], "rollback");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k8s_a_deployment_that_never_gets_ready_is_not_switched_to() {
    let fx = Fx::new("unready").await;
    assert_code(&fx.deploy("1.0.0").await, 0);
    fx.kubelet.hold.lock().unwrap().insert("api-green".into());
    // The controller gave up: ProgressDeadlineExceeded.
    let api = fx.deployments();
    let patcher = {
        let api = api.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(200)).await;
                if let Ok(d) = api.get("api-green").await {
                    let status = json!({ "status": {
                        "observedGeneration": d.metadata.generation,
                        "replicas": 2, "updatedReplicas": 2, "readyReplicas": 0, "availableReplicas": 0,
                        "conditions": [{
                            "type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                            "message": "ReplicaSet \"api-green-6d4cf56db6\" has timed out progressing."
                        }]
                    }});
                    let _ = api.patch_status("api-green", &PatchParams::default(), &Patch::Merge(&status)).await;
                    return;
                }
            }
        })
    };
    let o = fx.deploy("1.1.0").await;
    patcher.abort();
    assert_code(&o, 4);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("ProgressDeadlineExceeded") && err.contains("has timed out progressing"), "{}", text(&o));
    assert_eq!(fx.selector("api").await, sel("blue"));

    // Without a condition: the timeout names what is missing.
    fx.config("  timeout: 2s\n  post_switch_monitor: 0s\n", "");
    let o = fx.deploy("1.2.0").await;
    assert_code(&o, 4);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not ready after 2s") && err.contains("has not seen generation"), "{}", text(&o));
    assert_eq!(fx.selector("api").await, sel("blue"));
}

/// A health endpoint that fails while the Service's `color` selector is
/// `fail_when` ("" = no color: both colors serve, as during a canary).
async fn health_server(c: Client, ns: String, fail_when: &'static str) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else { return };
            let c = c.clone();
            let ns = ns.clone();
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut buf = [0u8; 2048];
                let _ = sock.read(&mut buf).await;
                let live = k::selector(&c, &ns, "api").await.get("color").cloned().unwrap_or_default();
                let status = if live == fail_when { "500 Internal Server Error" } else { "200 OK" };
                let body = format!("live={live}");
                let resp =
                    format!("HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
                let _ = sock.write_all(resp.as_bytes()).await;
            });
        }
    });
    port
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k8s_a_health_check_failing_after_the_switch_rolls_back() {
    let fx = Fx::new("health").await;
    assert_code(&fx.deploy("1.0.0").await, 0);
    let port = health_server(fx.c.clone(), fx.ns.clone(), "green").await;
    fx.config(
        "  timeout: 20s\n  post_switch_monitor: 3s\n  rollback_criteria:\n    health_check_failures: 2\n",
        &format!("    health_checks:\n      - kind: http\n        url: http://127.0.0.1:{port}/healthz?color={{color}}\n        retries: 0\n        interval: 200ms\n"),
    );
    let o = fx.deploy("1.1.0").await;
    assert_code(&o, 4);
    let all = text(&o);
    assert!(all.contains("ROLLED BACK"), "{all}");
    assert!(all.contains("returned 500"), "{all}");
    assert_eq!(fx.selector("api").await, sel("blue"));
    let o = fx.run(&["history", "-e", "dev", "-o", "json"]).await;
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["entries"][0]["result"], "rolled_back", "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k8s_a_concurrent_deploy_is_refused_by_the_lease() {
    let fx = Fx::new("lease").await;
    let now = jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%S.000000Z").to_string();
    let lease: Lease = serde_json::from_value(json!({
        "metadata": { "name": "api-rvmctl-lock", "annotations": { "rvmctl.io/operation": "deploy 9.9.9" } },
        "spec": { "holderIdentity": "alice@laptop (pid 4242)", "acquireTime": now, "renewTime": now, "leaseDurationSeconds": 300 }
    }))
    .unwrap();
    Api::<Lease>::namespaced(fx.c.clone(), &fx.ns).create(&PostParams::default(), &lease).await.unwrap();
    let o = fx.deploy("1.0.0").await;
    assert_code(&o, 5);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("locked by alice@laptop (pid 4242) since") && err.contains("deploy 9.9.9"), "{}", text(&o));
    // A Lease frees itself: say when, and that no --force is needed.
    assert!(err.contains("its Lease expires by itself at") && err.contains("`--force` is not needed"), "{}", text(&o));
    assert!(fx.deployments().get_opt("api-blue").await.unwrap().is_none(), "nothing applied");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k8s_a_service_changed_by_someone_else_is_never_overwritten() {
    let fx = Fx::new("conflict").await;
    assert_code(&fx.deploy("1.0.0").await, 0);
    let svc: Api<Service> = Api::namespaced(fx.c.clone(), &fx.ns);

    // Between plan and apply: the saved plan is stale.
    let plan = fx.dir.path().join("plan.json");
    let o = fx.run(&["plan", "-e", "dev", "--version", "1.1.0", "--out", plan.to_str().unwrap()]).await;
    assert_code(&o, 0);
    let label = json!({ "metadata": { "labels": { "edited-by": "someone" } } });
    svc.patch("api", &PatchParams::default(), &Patch::Merge(&label)).await.unwrap();
    let o = fx.run(&["apply", plan.to_str().unwrap(), "--yes"]).await;
    assert_code(&o, 6);
    assert!(String::from_utf8_lossy(&o.stderr).contains("stale"), "{}", text(&o));

    // Between observation and switch (while rvmctl waits for green): a conflict, nothing overwritten.
    fx.kubelet.hold.lock().unwrap().insert("api-green".into());
    let deploy = {
        let fx_dir = fx.dir.path().to_path_buf();
        let kubeconfig = k::env().kubeconfig.clone();
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_rvmctl"))
                .current_dir(fx_dir)
                .args(["deploy", "-e", "dev", "--version", "1.1.0", "--yes"])
                .env("KUBECONFIG", kubeconfig)
                .env("CI", "true")
                .output()
                .unwrap()
        })
    };
    // Wait until rvmctl applied green, then someone else edits the Service, then green gets ready.
    let deps = fx.deployments();
    for _ in 0..100 {
        if deps.get_opt("api-green").await.unwrap().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let other = json!({ "spec": { "selector": { "color": "blue", "edited": "by-hand" } } });
    svc.patch("api", &PatchParams::default(), &Patch::Merge(&other)).await.unwrap();
    fx.kubelet.hold.lock().unwrap().clear();
    let o = deploy.await.unwrap();
    assert_code(&o, 4);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("changed by someone else") && err.contains("nothing was overwritten"), "{}", text(&o));
    let s = k::selector(&fx.c, &fx.ns, "api").await;
    assert_eq!(s.get("color").map(String::as_str), Some("blue"));
    assert_eq!(s.get("edited").map(String::as_str), Some("by-hand"));
}

async fn apply_yaml(c: &Client, ns: &str, doc: &Value) {
    let gvk = kube::api::GroupVersionKind::try_from(&kube::api::TypeMeta {
        api_version: doc["apiVersion"].as_str().unwrap().into(),
        kind: doc["kind"].as_str().unwrap().into(),
    })
    .unwrap();
    let ar = kube::api::ApiResource::from_gvk(&gvk);
    let api: Api<DynamicObject> = Api::namespaced_with(c.clone(), ns, &ar);
    let name = doc["metadata"]["name"].as_str().unwrap();
    api.patch(name, &PatchParams::apply("test").force(), &Patch::Apply(doc)).await.unwrap();
}

/// docs/rbac.yaml's Role, optionally without the rule for `drop`, bound to the restricted user.
async fn grant(fx: &Fx, drop: Option<&str>) {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rbac.yaml")).unwrap();
    for doc in text.split("\n---") {
        let mut v: Value = serde_saphyr::from_str(doc).unwrap();
        if v["kind"] != "Role" {
            continue;
        }
        let rules = v["rules"].as_array().unwrap().clone();
        v["rules"] = Value::Array(
            rules
                .into_iter()
                .filter(|r| !r["resources"].as_array().unwrap().iter().any(|x| Some(x.as_str().unwrap()) == drop))
                .collect(),
        );
        apply_yaml(&fx.c, &fx.ns, &v).await;
    }
    let binding = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
        "metadata": { "name": "rvmctl-deployer-test" },
        "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "rvmctl-deployer" },
        "subjects": [{ "apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "ci-deployer" }]
    });
    apply_yaml(&fx.c, &fx.ns, &binding).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k8s_the_rbac_role_is_enough_and_a_missing_rule_is_named() {
    let fx = Fx::new("rbac").await;
    // Without any grant: a 403 that names verb, resource and the file.
    let o = fx.run_as("restricted", &["deploy", "-e", "dev", "--version", "1.0.0", "--yes"]).await;
    assert_ne!(o.status.code(), Some(0));
    let all = text(&o);
    assert!(all.contains("may not get services") && all.contains("docs/rbac.yaml"), "{all}");

    // docs/rbac.yaml minus the leases rule: the lock step says what is missing.
    grant(&fx, Some("leases")).await;
    let o = fx.run_as("restricted", &["deploy", "-e", "dev", "--version", "1.0.0", "--yes"]).await;
    assert_ne!(o.status.code(), Some(0));
    let all = text(&o);
    assert!(all.contains("may not get leases") && all.contains("docs/rbac.yaml"), "{all}");

    // The whole file: two deploys (create everything, then switch) and a rollback work.
    grant(&fx, None).await;
    assert_code(&fx.run_as("restricted", &["deploy", "-e", "dev", "--version", "1.0.0", "--yes"]).await, 0);
    assert_code(&fx.run_as("restricted", &["deploy", "-e", "dev", "--version", "1.1.0", "--yes"]).await, 0);
    assert_code(&fx.run_as("restricted", &["rollback", "-e", "dev", "--yes"]).await, 0);
    assert_eq!(fx.selector("api").await, sel("blue"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k8s_history_is_capped_in_one_configmap() {
    let fx = Fx::new("history").await;
    let entry = |r: u64| {
        json!({"revision": r, "at": "2026-01-01T00:00:00Z", "user": "old", "action": "deploy", "version": format!("0.{r}.0"), "to": "blue", "result": "success"})
            .to_string()
    };
    let lines: String = (1..=50).map(|r| entry(r) + "\n").collect();
    let cm: ConfigMap = serde_json::from_value(json!({
        "metadata": { "name": "api-rvmctl-history" }, "data": { "history.jsonl": lines }
    }))
    .unwrap();
    Api::<ConfigMap>::namespaced(fx.c.clone(), &fx.ns).create(&PostParams::default(), &cm).await.unwrap();
    assert_code(&fx.deploy("1.0.0").await, 0);
    let cm = Api::<ConfigMap>::namespaced(fx.c.clone(), &fx.ns).get("api-rvmctl-history").await.unwrap();
    let text = cm.data.unwrap().remove("history.jsonl").unwrap();
    assert_eq!(text.lines().count(), 50);
    assert!(text.len() < 64 * 1024, "{} bytes", text.len());
    let last: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(last["revision"], 51);
    assert_eq!(last["version"], "1.0.0");
    let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["revision"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k8s_an_existing_deployment_and_service_are_adopted_as_blue() {
    let fx = Fx::new("adopt").await;
    let dep: Deployment = serde_json::from_value(json!({
        "metadata": { "name": "api", "labels": { "app": "api" } },
        "spec": { "replicas": 2, "selector": { "matchLabels": { "app": "api" } },
          "template": { "metadata": { "labels": { "app": "api" } },
            "spec": { "containers": [{ "name": "api", "image": "registry.example/api:0.9.0" }] } } }
    }))
    .unwrap();
    fx.deployments().create(&PostParams::default(), &dep).await.unwrap();
    let svc: Service = serde_json::from_value(json!({
        "metadata": { "name": "api" },
        "spec": { "selector": { "app": "api" }, "ports": [{ "port": 80, "targetPort": 8080, "protocol": "TCP" }] }
    }))
    .unwrap();
    Api::<Service>::namespaced(fx.c.clone(), &fx.ns).create(&PostParams::default(), &svc).await.unwrap();

    // Without --yes and without a terminal: explains, then refuses to act.
    let o = fx.run(&["adopt", "-e", "dev"]).await;
    assert_code(&o, 3);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("create Deployment") && err.contains("api-blue") && err.contains("selector {app=api}"),
        "{err}"
    );
    assert!(fx.deployments().get_opt("api-blue").await.unwrap().is_none());

    let o = fx.run(&["adopt", "-e", "dev", "--yes"]).await;
    assert_code(&o, 0);
    assert_eq!(fx.selector("api").await, sel("blue"));
    let blue = fx.deployments().get("api-blue").await.unwrap();
    let image = blue.spec.unwrap().template.spec.unwrap().containers[0].image.clone();
    assert_eq!(image.as_deref(), Some("registry.example/api:0.9.0"));
    assert!(fx.deployments().get_opt("api").await.unwrap().is_some(), "the old Deployment is left alone");

    // The next deploy goes to green.
    assert_code(&fx.deploy("1.0.0").await, 0);
    assert_eq!(fx.selector("api").await, sel("green"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k8s_dry_run_server_changes_nothing() {
    let fx = Fx::new("dryrun").await;
    let o = fx.run(&["deploy", "-e", "dev", "--version", "1.0.0", "--yes", "--dry-run=server"]).await;
    assert_code(&o, 0);
    assert!(String::from_utf8_lossy(&o.stderr).contains("dry run"), "{}", text(&o));
    assert!(fx.deployments().get_opt("api-blue").await.unwrap().is_none());
    assert!(Api::<Service>::namespaced(fx.c.clone(), &fx.ns).get_opt("api").await.unwrap().is_none());
    assert!(Api::<Lease>::namespaced(fx.c.clone(), &fx.ns).get_opt("api-rvmctl-lock").await.unwrap().is_none());
    let log = std::fs::read_to_string(fx.api_log()).unwrap();
    assert!(
        log.lines().filter(|l| !l.contains(" get ") && !l.contains(" list ")).all(|l| l.ends_with("(dry run)")),
        "{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k8s_canary_weights_traffic_by_replicas_then_switches() {
    let fx = Fx::new("canary").await;
    fx.config(
        "  timeout: 20s\n  post_switch_monitor: 0s\n  strategy: canary\n  canary: { steps: [50%, 100%], pause: 3s }\n",
        "",
    );
    assert_code(&fx.deploy("1.0.0").await, 0);
    assert_eq!(fx.selector("api").await, sel("blue"));

    // Deploy 1.1.0 in the background and watch the cluster while it ramps.
    let dir = fx.dir.path().to_path_buf();
    let kubeconfig = k::env().kubeconfig.clone();
    let run = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_rvmctl"))
            .current_dir(dir)
            .args(["--context", "admin", "deploy", "-e", "dev", "--version", "1.1.0", "--yes"])
            .env("KUBECONFIG", kubeconfig)
            .env("CI", "true")
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    });
    let mut saw_split = false;
    for _ in 0..200 {
        if run.is_finished() {
            break;
        }
        let selector = fx.selector("api").await;
        if !selector.iter().any(|(k, _)| k == "color") && !selector.is_empty() {
            let green = fx.deployments().get("api-green").await.unwrap();
            let blue = fx.deployments().get("api-blue").await.unwrap();
            let replicas = |d: &Deployment| d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(-1);
            if replicas(&green) == 1 && replicas(&blue) == 1 {
                saw_split = true;
                break;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let o = run.await.unwrap();
    assert_code(&o, 0);
    assert!(saw_split, "during the 50% step the Service selects both colors with 1 replica each");
    assert_eq!(fx.selector("api").await, sel("green"), "promote ends with the selector on the new color");
    let green = fx.deployments().get("api-green").await.unwrap();
    assert_eq!(green.spec.and_then(|s| s.replicas), Some(2), "the new color at full size");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("canary: 50% of replicas on green"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k8s_a_canary_that_fails_under_traffic_puts_the_service_back() {
    let fx = Fx::new("canaryfail").await;
    assert_code(&fx.deploy("1.0.0").await, 0);
    let port = health_server(fx.c.clone(), fx.ns.clone(), "").await;
    fx.config(
        "  timeout: 20s\n  post_switch_monitor: 0s\n  strategy: canary\n  canary: { steps: [50%, 100%], pause: 1s }\n",
        &format!(
            "    health_checks:\n      - kind: http\n        url: http://127.0.0.1:{port}/healthz\n        retries: 0\n"
        ),
    );
    let o = fx.deploy("1.1.0").await;
    assert_code(&o, 4);
    let all = text(&o);
    assert!(all.contains("returned 500"), "{all}");
    assert_eq!(fx.selector("api").await, sel("blue"), "traffic back on the live color only");
    let blue = fx.deployments().get("api-blue").await.unwrap();
    assert_eq!(blue.spec.and_then(|s| s.replicas), Some(2), "the live color back at full size");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k8s_a_canary_pause_on_a_tripping_analysis_puts_the_service_back() {
    let fx = Fx::new("canaryanalysis").await;
    assert_code(&fx.deploy("1.0.0").await, 0);
    // A real Prometheus with nothing to scrape: `vector(1)` is a value it computes.
    let prom = support::services::Prometheus::start(&[]);
    fx.config(
        "  timeout: 20s\n  post_switch_monitor: 0s\n  strategy: canary\n  canary: { steps: [50%, 100%], pause: { analysis: errors, for: 20s } }\n",
        &format!("analysis:\n  errors: {{ prometheus: \"{}\", query: 'vector(1)', max: 0, interval: 500ms }}\n", prom.url()),
    );
    let o = fx.deploy("1.1.0").await;
    assert_code(&o, 4);
    let all = text(&o);
    assert!(all.contains("canary pause failed: analysis 'errors' tripped"), "{all}");
    assert!(all.contains("1 is above max 0"), "{all}");
    assert_eq!(fx.selector("api").await, sel("blue"), "traffic back on the live color only");
    let blue = fx.deployments().get("api-blue").await.unwrap();
    assert_eq!(blue.spec.and_then(|s| s.replicas), Some(2), "the live color back at full size");
}

/// Replicas wanted of `api-{color}`.
async fn replicas(fx: &Fx, color: &str) -> i32 {
    let d = fx.deployments().get(&format!("api-{color}")).await.unwrap();
    d.spec.and_then(|s| s.replicas).unwrap_or(-1)
}

/// The Service's own annotations (the canary's record of where it stands).
async fn service_annotations(fx: &Fx) -> std::collections::BTreeMap<String, String> {
    let svc = Api::<Service>::namespaced(fx.c.clone(), &fx.ns).get("api").await.unwrap();
    svc.metadata.annotations.unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k8s_a_manual_canary_pause_stops_until_promote_and_rollback_ends_it() {
    let fx = Fx::new("canarymanual").await;
    fx.config(
        "  timeout: 20s\n  post_switch_monitor: 0s\n  strategy: canary\n  canary: { steps: [50%, 100%], pause: manual }\n",
        "",
    );
    assert_code(&fx.deploy("1.0.0").await, 0);
    assert_eq!(fx.selector("api").await, sel("blue"));

    // 1.1.0 stops after its 50% step: both colors serve, one replica each.
    let o = fx.deploy("1.1.0").await;
    assert_code(&o, 0);
    let all = text(&o);
    assert!(all.contains("PAUSED (pause: manual)"), "{all}");
    assert!(all.contains("rvmctl promote -e dev"), "{all}");
    assert!(!all.contains("✓ canary: 100% of replicas"), "the next step did not run: {all}");
    assert_eq!(fx.selector("api").await, vec![("app".to_string(), "api".to_string())], "both colors serve");
    assert_eq!((replicas(&fx, "blue").await, replicas(&fx, "green").await), (1, 1));
    let ann = service_annotations(&fx).await;
    assert_eq!(ann.get("rvmctl.io/canary-from").map(String::as_str), Some("blue"), "{ann:?}");
    assert_eq!(ann.get("rvmctl.io/canary-percent").map(String::as_str), Some("50"), "{ann:?}");
    // The lock is released; the journal says where the run stopped.
    let o = fx.run(&["status", "-e", "dev", "--no-health", "-o", "json"]).await;
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let unit = &v["targets"][0]["units"][0];
    assert!(unit["lock"].is_null(), "{v}");
    assert_eq!(unit["live"], "blue", "the canary started from blue: {v}");
    // Paused, not interrupted: status says how to go on or back.
    assert!(unit["interrupted"].is_null(), "{v}");
    assert_eq!(unit["canary"]["version"], "1.1.0", "{v}");
    assert_eq!(unit["canary"]["percent"], 50.0, "{v}");
    assert_eq!(unit["canary"]["step"], "canary: 50% of replicas on green", "{v}");
    let o = fx.run(&["status", "-e", "dev", "--no-health"]).await;
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("the canary of 1.1.0 is paused at 50% of replicas"), "{table}");
    assert!(table.contains("`rvmctl promote -e dev` continues it") && !table.contains("interrupted"), "{table}");
    // Another version is refused while the canary is under way.
    let o = fx.run(&["plan", "-e", "dev", "--version", "1.2.0"]).await;
    assert!(text(&o).contains("a canary of 1.1.0 is under way"), "{}", text(&o));

    // promote continues with the next step (100%), then switches.
    let o = fx.run(&["promote", "-e", "dev", "--yes"]).await;
    assert_code(&o, 0);
    let all = text(&o);
    assert!(all.contains("canary: 100% of replicas on green"), "{all}");
    assert!(!all.contains("canary: 50% of replicas on green"), "the 50% step is not run again: {all}");
    assert_eq!(fx.selector("api").await, sel("green"));
    assert_eq!(replicas(&fx, "green").await, 2, "the new color at full size");
    assert!(!service_annotations(&fx).await.contains_key("rvmctl.io/canary-from"));
    let o = fx.run(&["status", "-e", "dev", "--no-health", "-o", "json"]).await;
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["targets"][0]["units"][0]["interrupted"].is_null(), "journal cleared: {v}");
    assert_eq!(v["targets"][0]["units"][0]["live_version"], "1.1.0", "{v}");

    // 1.2.0 pauses at 50% on blue; a rollback puts traffic back on green only
    // and scales the canary down.
    assert_code(&fx.deploy("1.2.0").await, 0);
    assert_eq!((replicas(&fx, "green").await, replicas(&fx, "blue").await), (1, 1));
    let o = fx.run(&["rollback", "-e", "dev", "--yes"]).await;
    assert_code(&o, 0);
    assert!(text(&o).contains("end the canary of 1.2.0"), "{}", text(&o));
    assert_eq!(fx.selector("api").await, sel("green"), "traffic back on the old color only");
    assert_eq!(replicas(&fx, "green").await, 2, "the old color back at full size");
    assert_eq!(replicas(&fx, "blue").await, 0, "the canary scaled down");
    assert!(!service_annotations(&fx).await.contains_key("rvmctl.io/canary-from"));
    let o = fx.run(&["status", "-e", "dev", "--no-health", "-o", "json"]).await;
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let unit = &v["targets"][0]["units"][0];
    assert!(unit["interrupted"].is_null(), "journal cleared: {v}");
    assert_eq!(unit["live"], "green", "{v}");
    assert_eq!(unit["live_version"], "1.1.0", "{v}");
    // Nothing left to promote.
    let o = fx.run(&["promote", "-e", "dev", "--yes"]).await;
    assert!(!text(&o).contains("canary: 100%"), "{}", text(&o));
}

/// rvmctl SIGKILLed at `point` of a deploy: the Service never selects a color
/// without ready pods, the dead run's Lease protects the app until released,
/// the journal says what was interrupted, resume converges, history once.
async fn k8s_kill_at(point: &'static str) {
    let fx = Fx::new("kill").await;
    // A monitor step too, so every step of a Kubernetes deploy can be a kill point.
    fx.config("  timeout: 20s\n  post_switch_monitor: 1s\n", "");
    assert_code(&fx.deploy("1.0.0").await, 0);
    let dir = fx.dir.path().to_path_buf();
    let kubeconfig = k::env().kubeconfig.clone();
    let o = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_rvmctl"))
            .current_dir(dir)
            .args(["--context", "admin", "deploy", "-e", "dev", "--version", "1.1.0", "--yes"])
            .env("KUBECONFIG", kubeconfig)
            .env("CI", "true")
            .env("RVMCTL_FAULT", point)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(o.status.code(), None, "{point}: killed\n{}", text(&o));

    // The Service selects exactly one color, and that color has ready pods.
    let selector = fx.selector("api").await;
    let live = selector.iter().find(|(k, _)| k == "color").map(|(_, v)| v.clone()).expect("a color is selected");
    let d = fx.deployments().get(&format!("api-{live}")).await.unwrap();
    assert!(d.status.and_then(|s| s.ready_replicas).unwrap_or(0) > 0, "{point}: live color {live} has no ready pods");

    let o = fx.run(&["status", "-e", "dev", "--no-health", "-o", "json"]).await;
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        !v["targets"][0]["units"][0]["lock"].is_null() || !v["targets"][0]["units"][0]["interrupted"].is_null(),
        "{point}: {v}"
    );

    // The dead run's Lease still protects the app until it expires or is released.
    assert_code(&fx.run(&["resume", "-e", "dev", "--yes"]).await, 5);
    assert_code(&fx.run(&["lock", "release", "-e", "dev", "--force", "--yes"]).await, 0);
    let o = fx.run(&["status", "-e", "dev", "--no-health", "-o", "json"]).await;
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let j = &v["targets"][0]["units"][0]["interrupted"];
    assert_eq!(j["version"], "1.1.0", "{point}: the journal says what was interrupted: {v}");

    let _ = std::fs::remove_file(fx.api_log());
    let o = fx.run(&["resume", "-e", "dev", "--yes"]).await;
    assert_code(&o, 0);
    assert_eq!(fx.selector("api").await, sel("green"), "{point}");
    // resume observes once: one read of the Lease to show who holds it, one
    // to take it; not a second observation inside the deploy it hands over to.
    let log = std::fs::read_to_string(fx.api_log()).unwrap();
    let before_lock: Vec<&str> =
        log.lines().take_while(|l| !l.contains(" create leases ") && !l.contains(" update leases ")).collect();
    let reads = before_lock.iter().filter(|l| l.contains(" get leases ")).count();
    assert_eq!(reads, 2, "{point}: API calls before the lock:\n{}", before_lock.join("\n"));
    let o = fx.run(&["history", "-e", "dev", "-o", "json"]).await;
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let ok =
        v["entries"].as_array().unwrap().iter().filter(|e| e["version"] == "1.1.0" && e["result"] == "success").count();
    assert_eq!(ok, 1, "{point}: recorded once: {v}");
    let o = fx.run(&["status", "-e", "dev", "--no-health", "-o", "json"]).await;
    assert!(!String::from_utf8_lossy(&o.stdout).contains("\"interrupted\""), "{point}: journal cleared");
}

macro_rules! k8s_fault_matrix {
    ($($name:ident => $point:literal,)*) => {
        $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { k8s_kill_at($point).await; } )*
    };
}

k8s_fault_matrix! {
    k8s_kill_before_stage => "before:stage",
    k8s_kill_after_stage => "after:stage",
    k8s_kill_before_wait_ready => "before:wait_ready",
    k8s_kill_after_wait_ready => "after:wait_ready",
    k8s_kill_before_switch => "before:switch",
    k8s_kill_after_switch => "after:switch",
    k8s_kill_before_monitor => "before:monitor",
    k8s_kill_after_monitor => "after:monitor",
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k8s_config_maps_follow_the_live_release_and_come_back_on_rollback() {
    let fx = Fx::new("cfgmap").await;
    fx.config(
        "",
        "    config_maps:\n      - { name: api-config, data: { RELEASE: \"{version}\", COLOR: \"{color}\" } }\n",
    );
    let cms: Api<ConfigMap> = Api::namespaced(fx.c.clone(), &fx.ns);
    // Made by hand before rvmctl: kept as the first backup.
    let hand: ConfigMap = serde_json::from_value(json!({
        "metadata": { "name": "api-config" }, "data": { "RELEASE": "by-hand", "LOG_LEVEL": "debug" }
    }))
    .unwrap();
    cms.create(&PostParams::default(), &hand).await.unwrap();
    let data = |cm: ConfigMap| cm.data.unwrap_or_default();
    let release = || async { data(cms.get("api-config").await.unwrap()).get("RELEASE").cloned() };

    assert_code(&fx.deploy("1.0.0").await, 0);
    assert_eq!(release().await.as_deref(), Some("1.0.0"));
    let backup = data(cms.get("api-config-rvmctl-before-blue").await.unwrap());
    assert_eq!(backup.get("RELEASE").map(String::as_str), Some("by-hand"), "the hand-made data is kept");
    assert_code(&fx.deploy("1.1.0").await, 0);
    assert_eq!(release().await.as_deref(), Some("1.1.0"));

    assert_code(&fx.run(&["rollback", "-e", "dev", "--yes"]).await, 0);
    assert_eq!(fx.selector("api").await, sel("blue"));
    assert_eq!(release().await.as_deref(), Some("1.0.0"), "1.0.0's data is back");
    assert!(cms.get_opt("api-config-rvmctl-before-green").await.unwrap().is_none(), "a restored backup is dropped");
    // A rollback of the rollback: 1.1.0 writes its own data again.
    assert_code(&fx.run(&["rollback", "-e", "dev", "--yes"]).await, 0);
    assert_eq!(release().await.as_deref(), Some("1.1.0"));
}

/// Stands in for the Job controller: a migration Job whose image ends in
/// `fail_tag` fails (BackoffLimitExceeded), any other succeeds.
fn job_controller(c: &Client, ns: &str, fail_tag: &'static str) -> tokio::task::JoinHandle<()> {
    use k8s_openapi::api::batch::v1::Job;
    let api: Api<Job> = Api::namespaced(c.clone(), ns);
    tokio::spawn(async move {
        loop {
            if let Ok(list) = api.list(&Default::default()).await {
                for j in list.items.iter().filter(|j| j.status.as_ref().and_then(|s| s.start_time.as_ref()).is_none()) {
                    let name = j.metadata.name.clone().unwrap_or_default();
                    let image = j
                        .spec
                        .as_ref()
                        .and_then(|s| rvmctl::drivers::kubernetes::first_image(&s.template))
                        .unwrap_or_default();
                    let now = "2026-01-01T00:00:00Z";
                    let status = if image.ends_with(fail_tag) {
                        json!({ "status": { "startTime": now, "failed": 1, "conditions": [{ "type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit", "lastTransitionTime": now }] } })
                    } else {
                        json!({ "status": { "startTime": now, "completionTime": now, "succeeded": 1, "conditions": [{ "type": "Complete", "status": "True", "lastTransitionTime": now }] } })
                    };
                    let _ = api.patch_status(&name, &PatchParams::default(), &Patch::Merge(&status)).await;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k8s_a_migration_job_runs_before_the_switch_and_a_failed_one_switches_nothing() {
    use k8s_openapi::api::batch::v1::Job;
    let fx = Fx::new("migjob").await;
    fx.config(
        "",
        "    migrations:\n      job: { image: \"registry.example/api-migrate:{version}\", command: [./migrate, up, \"{version}\"] }\n",
    );
    let controller = job_controller(&fx.c, &fx.ns, ":1.1.0");
    let jobs: Api<Job> = Api::namespaced(fx.c.clone(), &fx.ns);

    let o = fx.deploy("1.0.0").await;
    assert_code(&o, 0);
    let j = jobs.get("api-migrate-1-0-0").await.expect("the migration Job");
    let c = j.spec.and_then(|s| s.template.spec).map(|p| p.containers[0].clone()).expect("container");
    assert_eq!(c.image.as_deref(), Some("registry.example/api-migrate:1.0.0"));
    assert_eq!(c.command, Some(vec!["./migrate".into(), "up".into(), "1.0.0".into()]));
    assert_eq!(fx.selector("api").await, sel("blue"));

    let o = fx.deploy("1.1.0").await;
    assert_code(&o, 4);
    let t = text(&o);
    assert!(
        t.contains("Job api-migrate-1-1-0 (registry.example/api-migrate:1.1.0) failed: BackoffLimitExceeded"),
        "{t}"
    );
    assert!(t.contains("the migrations failed before any switch"), "{t}");
    assert_eq!(fx.selector("api").await, sel("blue"), "nothing switched");
    controller.abort();
}

/// Credentials without RBAC rights: `status` says `forbidden` and what is
/// missing, and exits non-zero; a deploy says nothing was attempted (not
/// "traffic stayed on the previous color"); history says who the cluster
/// knew the run as.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k8s_forbidden_is_said_as_such_and_nothing_is_claimed() {
    let fx = Fx::new("forbidden").await;
    assert_code(&fx.deploy("1.0.0").await, 0);

    let o = fx.run_as("restricted", &["status", "-e", "dev", "--no-health"]).await;
    assert_code(&o, 1);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.lines().any(|l| l.contains("api") && l.contains("forbidden")), "{}", text(&o));
    assert!(out.contains("! api forbidden:") && out.contains("may not get services"), "{}", text(&o));
    assert!(out.contains("1 forbidden") && !out.contains("unreachable"), "{}", text(&o));
    let o = fx.run_as("restricted", &["status", "-e", "dev", "--no-health", "-o", "json"]).await;
    assert_code(&o, 1);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["targets"][0]["units"][0]["health"], "forbidden", "{v}");

    let o = fx.run_as("restricted", &["deploy", "-e", "dev", "--version", "1.1.0", "--yes"]).await;
    assert_code(&o, 4);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("NOT ATTEMPTED: nothing was changed"), "{}", text(&o));
    assert!(!out.contains("traffic stayed") && !out.contains("PENDING"), "{}", text(&o));
    assert_eq!(fx.selector("api").await, sel("blue"), "untouched");

    let o = fx.run(&["history", "-e", "dev", "-o", "json"]).await;
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["entries"][0]["identity"], "k8s user admin", "{v}");
    let o = fx.run(&["history", "-e", "dev"]).await;
    assert!(String::from_utf8_lossy(&o.stdout).contains("tester (k8s user admin)"), "{}", text(&o));
}
