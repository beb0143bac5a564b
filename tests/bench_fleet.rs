//! Fleet benchmark (not a timed test; `scripts/bench-fleet.sh` runs it):
//! deploys to BENCH_HOSTS loopback sshd hosts at each concurrency in
//! BENCH_LEVELS and writes a markdown table to BENCH_OUT.

mod support;

use std::fmt::Write as _;
use std::time::Instant;

use support::{Fleet, text};

fn env_or(k: &str, d: &str) -> String {
    std::env::var(k).unwrap_or_else(|_| d.to_string())
}

#[test]
#[ignore = "benchmark: run scripts/bench-fleet.sh"]
fn bench_fleet() {
    let hosts: usize = env_or("BENCH_HOSTS", "50").parse().expect("BENCH_HOSTS");
    let levels: Vec<u32> =
        env_or("BENCH_LEVELS", "5,10,25,50").split(',').map(|s| s.trim().parse().expect("BENCH_LEVELS")).collect();
    let out_path = env_or("BENCH_OUT", "bench-fleet.md");
    let f = Fleet::start(hosts);
    let deploy = |version: &str, concurrency: u32| {
        f.build_release(version, false);
        // Generous timeouts: on a small shared machine, 50 hosts' processes compete for
        // the same cores; a timeout would measure the machine, not the rollout.
        let cfg = f.write_config(
            &format!(
                "strategy: immediate\nmax_concurrency: {concurrency}\ntimeout: 300s\nrollback_criteria: {{ max_failure_rate: 100% }}"
            ),
            "",
        );
        let text_cfg = std::fs::read_to_string(&cfg).expect("config");
        std::fs::write(&cfg, text_cfg.replace("timeout: 5s", "timeout: 60s").replace("timeout: 10s", "timeout: 60s"))
            .expect("config");
        let started = Instant::now();
        let out = f.run(&["deploy", "-e", "field", "--version", version, "--yes", "-o", "json"]);
        let wall = started.elapsed().as_secs_f64();
        let report: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", text(&out)));
        let failed = report["targets"][0]["units"]
            .as_array()
            .map(|u| u.iter().filter(|u| u["result"] != "switched").count())
            .unwrap_or(hosts);
        let per_host: Vec<f64> = report["targets"][0]["units"]
            .as_array()
            .expect("units")
            .iter()
            .map(|u| u["duration_ms"].as_f64().unwrap_or(0.0) / 1000.0)
            .collect();
        (wall, report["duration_ms"].as_f64().unwrap_or(0.0) / 1000.0, per_host, failed)
    };
    // Warm-up: first deploy everywhere (connections, python, page cache).
    let (_, _, _, failed) = deploy("0.9.0", 10);
    assert_eq!(failed, 0, "warm-up deploy failed on {failed} hosts");
    let mut table = String::from(
        "| hosts | max_concurrency | waves | wall time (s) | rollout time (s) | mean per host (s) | slowest host (s) | ideal = slowest × waves (s) | wall / ideal | failed |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for (i, c) in levels.iter().enumerate() {
        let version = format!("1.{i}.0");
        let (wall, rollout, per_host, failed) = deploy(&version, *c);
        let waves = hosts.div_ceil(*c as usize) as f64;
        let slowest = per_host.iter().cloned().fold(0.0, f64::max);
        let mean = per_host.iter().sum::<f64>() / per_host.len().max(1) as f64;
        let ideal = slowest * waves;
        let _ = writeln!(
            table,
            "| {hosts} | {c} | {waves} | {wall:.1} | {rollout:.1} | {mean:.2} | {slowest:.2} | {ideal:.1} | {:.2} | {failed} |",
            wall / ideal
        );
        eprintln!("concurrency {c}: wall {wall:.1}s, slowest host {slowest:.2}s, ideal {ideal:.1}s");
    }
    std::fs::write(&out_path, table).expect("write table");
}
