//! A real kube-apiserver for the tests (scripts/kube-test-env.sh).
//!
//! One environment per test process: started on first use, stopped when the
//! process exits. A watchdog shell started with it stops it even when the
//! test process is killed. `make test` starts one environment for the whole
//! run and passes its directory in `RVMCTL_KUBE_TEST_ENV`; tests then reuse it.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Namespace, Service};
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use kube::{Client, Config};
use serde_json::json;

pub struct KubeEnv {
    pub dir: PathBuf,
    pub kubeconfig: PathBuf,
    pub vars: BTreeMap<String, String>,
}

static ENV: OnceLock<KubeEnv> = OnceLock::new();

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

extern "C" fn stop_at_exit() {
    if let Some(env) = ENV.get() {
        if std::env::var_os("RVMCTL_KUBE_TEST_ENV").is_none() {
            let _ = Command::new(repo().join("scripts/kube-test-env.sh"))
                .arg("stop")
                .arg(&env.dir)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let _ = std::fs::remove_dir_all(&env.dir);
        }
    }
}

fn read_env(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(dir.join("env"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('=').map(|(k, v)| (k.to_string(), v.trim_matches('\'').to_string())))
        .collect()
}

/// The shared environment (started on first use).
pub fn env() -> &'static KubeEnv {
    ENV.get_or_init(|| {
        if let Some(dir) = std::env::var_os("RVMCTL_KUBE_TEST_ENV") {
            let dir = PathBuf::from(dir);
            return KubeEnv { kubeconfig: dir.join("kubeconfig"), vars: read_env(&dir), dir };
        }
        let dir = std::env::temp_dir().join(format!("rvmctl-kube-{}", std::process::id()));
        let out = Command::new(repo().join("scripts/kube-test-env.sh"))
            .arg("start")
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .expect("run scripts/kube-test-env.sh");
        assert!(out.status.success(), "kube-test-env start failed:\n{}", String::from_utf8_lossy(&out.stderr));
        // Stop at exit, and from a watchdog if this process dies without exiting normally.
        unsafe {
            libc::atexit(stop_at_exit);
        }
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; '{s}' stop '{d}'; rm -rf '{d}'",
            pid = std::process::id(),
            s = repo().join("scripts/kube-test-env.sh").display(),
            d = dir.display()
        );
        let _ = Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn();
        KubeEnv { kubeconfig: dir.join("kubeconfig"), vars: read_env(&dir), dir }
    })
}

use std::os::unix::process::CommandExt;

pub async fn client(context: &str) -> Client {
    let kc = kube::config::Kubeconfig::read_from(&env().kubeconfig).expect("read kubeconfig");
    let opts = kube::config::KubeConfigOptions { context: Some(context.into()), ..Default::default() };
    let cfg = Config::from_custom_kubeconfig(kc, &opts).await.expect("kubeconfig");
    Client::try_from(cfg).expect("client")
}

/// A fresh namespace (1.20 never finishes deleting namespaces: don't try).
pub async fn namespace(c: &Client, prefix: &str) -> String {
    let name = format!("{prefix}-{}-{}", std::process::id(), rand_suffix());
    let ns: Namespace = serde_json::from_value(json!({ "metadata": { "name": name } })).unwrap();
    Api::<Namespace>::all(c.clone()).create(&PostParams::default(), &ns).await.expect("create namespace");
    name
}

fn rand_suffix() -> String {
    let n = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{:x}", n % 0xfffff)
}

/// Stands in for the kubelet and controller-manager: marks rvmctl-managed
/// Deployments ready by patching their status, except those listed in `hold`.
pub struct Kubelet {
    pub hold: Arc<Mutex<HashSet<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Kubelet {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub fn kubelet(c: &Client, ns: &str) -> Kubelet {
    let hold: Arc<Mutex<HashSet<String>>> = Arc::default();
    let api: Api<Deployment> = Api::namespaced(c.clone(), ns);
    let h = hold.clone();
    let task = tokio::spawn(async move {
        loop {
            if let Ok(list) = api.list(&ListParams::default()).await {
                for d in list.items {
                    let name = d.metadata.name.clone().unwrap_or_default();
                    if h.lock().unwrap().contains(&name) {
                        continue;
                    }
                    let want = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
                    let generation = d.metadata.generation.unwrap_or(1);
                    let st = d.status.clone().unwrap_or_default();
                    if st.observed_generation == Some(generation) && st.ready_replicas.unwrap_or(0) == want {
                        continue;
                    }
                    let _ = set_status(&api, &name, generation, want).await;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    Kubelet { hold, task }
}

pub async fn set_status(api: &Api<Deployment>, name: &str, generation: i64, ready: i32) -> kube::Result<Deployment> {
    let status = json!({ "status": {
        "observedGeneration": generation, "replicas": ready, "updatedReplicas": ready,
        "readyReplicas": ready, "availableReplicas": ready,
    }});
    api.patch_status(name, &PatchParams::default(), &Patch::Merge(&status)).await
}

pub async fn selector(c: &Client, ns: &str, svc: &str) -> BTreeMap<String, String> {
    let s = Api::<Service>::namespaced(c.clone(), ns).get(svc).await.expect("get service");
    s.spec.and_then(|s| s.selector).unwrap_or_default()
}
