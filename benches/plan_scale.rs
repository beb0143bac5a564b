//! `make bench`: startup, config validation and planning at 10 … 10,000
//! hosts (time and peak memory). Each size runs in its own process so its
//! peak RSS is its own. Prints a Markdown table.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use rvmctl::model::{Color, ObservedTarget, SlotState, SlotStatus, UnitState};
use rvmctl::plan::{PlanRequest, compute};

fn config(hosts: usize) -> String {
    let mut s = String::from(
        "apiVersion: rvmctl/v1\nproject: bench\nenvironments:\n  production:\n    targets:\n      - name: fleet\n        kind: ssh\n        app: edge\n        strategy: canary\n        canary: { steps: [5%, 25%, 100%], pause: 10m }\n        hosts:\n",
    );
    for i in 0..hosts {
        s.push_str(&format!(
            "          - {{ name: rvm-{i:05}, address: 10.{}.{}.{}, labels: {{ site: s{} }}, vars: {{ port_blue: 8101, port_green: 8102 }} }}\n",
            i / 65536 % 256,
            i / 256 % 256,
            i % 256,
            i % 7
        ));
    }
    s.push_str(
        "apps:\n  edge:\n    base_dir: /opt/myrvm\n    artifact: { url: \"https://x/edge-{version}.tgz\", sha256: abc }\n    services:\n      - { name: config, start: \"systemctl restart config@{color}\" }\n      - { name: main, start: \"systemctl restart main@{color}\", after: [config] }\n    health_checks:\n      - { kind: http, url: \"http://127.0.0.1:{port_{color}}/health\" }\n",
    );
    s
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:").and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok()))
        .unwrap_or(0)
}

fn one(hosts: usize) {
    let text = config(hosts);
    let reps = if hosts >= 10_000 { 3 } else { 7 };
    let mut load = Vec::new();
    let mut cfg = None;
    for _ in 0..reps {
        let t = Instant::now();
        cfg = Some(
            rvmctl::config::load_str(Path::new("/bench/deployment-config.yaml"), "deployment-config.yaml", &text)
                .expect("valid"),
        );
        load.push(t.elapsed());
    }
    let cfg = cfg.expect("config");
    let env = cfg.environment("production").expect("env");
    let slot = |v: &str| SlotState {
        version: v.into(),
        sha256: Some("abc".into()),
        status: SlotStatus::Healthy,
        updated_at: jiff::Timestamp::UNIX_EPOCH,
        ready: None,
        image: None,
        started: false,
    };
    let observed = vec![ObservedTarget {
        target: "fleet".into(),
        units: env.targets[0]
            .hosts
            .iter()
            .map(|h| UnitState { live: Some(Color::Blue), blue: Some(slot("1.0.0")), ..UnitState::empty(&h.name) })
            .collect(),
        artifact_sha256: Some("abc".into()),
        details: Default::default(),
    }];
    let mut plan_t = Vec::new();
    for _ in 0..reps {
        let t = Instant::now();
        let plan = compute(&PlanRequest {
            project: "bench",
            env: &env,
            version: "1.1.0",
            observed: &observed,
            now: jiff::Timestamp::UNIX_EPOCH,
            user: "bench",
        });
        plan_t.push(t.elapsed());
        assert_eq!(plan.targets[0].units.len(), hosts);
    }
    println!(
        "{hosts}\t{:.2}\t{:.2}\t{}",
        median(load).as_secs_f64() * 1e3,
        median(plan_t).as_secs_f64() * 1e3,
        peak_kib()
    );
}

fn startup(bin: &str, arg: &str) -> Duration {
    let runs: Vec<Duration> = (0..20)
        .map(|_| {
            let t = Instant::now();
            let _ = Command::new(bin).arg(arg).output();
            t.elapsed()
        })
        .collect();
    median(runs)
}

fn main() {
    if let Ok(n) = std::env::var("RVMCTL_BENCH_HOSTS") {
        one(n.parse().expect("hosts"));
        return;
    }
    let me = std::env::current_exe().expect("exe");
    let bin = std::env::var("RVMCTL_BIN").unwrap_or_else(|_| "target/release/rvmctl".into());
    println!("| command | median of 20 runs |\n|---|---:|");
    for arg in ["--version", "--help"] {
        println!("| `rvmctl {arg}` | {:.1} ms |", startup(&bin, arg).as_secs_f64() * 1e3);
    }
    if Command::new("kubectl").arg("version").arg("--client").output().is_ok() {
        let k = startup("kubectl", "version");
        let r = startup(&bin, "--version");
        println!(
            "| `kubectl version --client` (for comparison) | {:.1} ms ({:.0}× rvmctl --version) |",
            k.as_secs_f64() * 1e3,
            k.as_secs_f64() / r.as_secs_f64()
        );
    }
    println!(
        "\n| hosts | config load + validate (ms) | plan (ms) | plan per host (µs) | peak RSS (MiB) |\n|---:|---:|---:|---:|---:|"
    );
    for hosts in [10, 100, 1_000, 10_000] {
        let out = Command::new(&me).env("RVMCTL_BENCH_HOSTS", hosts.to_string()).output().expect("run size");
        let line = String::from_utf8_lossy(&out.stdout);
        let f: Vec<&str> = line.trim().split('\t').collect();
        if f.len() == 4 {
            let plan_ms: f64 = f[2].parse().unwrap_or(0.0);
            let kib: f64 = f[3].parse().unwrap_or(0.0);
            println!(
                "| {} | {} | {} | {:.1} | {:.1} |",
                f[0],
                f[1],
                f[2],
                plan_ms * 1000.0 / hosts as f64,
                kib / 1024.0
            );
        } else {
            println!(
                "| {hosts} | failed: {} | | | |",
                String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("")
            );
        }
    }
}
