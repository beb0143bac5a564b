//! Fleet benchmark (not a timed test; `scripts/bench-fleet.sh` runs it).
//! For each fleet size in BENCH_HOSTS (real loopback sshd hosts) it deploys
//! the quickstart app at each max_concurrency in BENCH_LEVELS, then compares
//! rvmctl with the plain-ssh script an operator would otherwise run
//! (scripts/bench/ssh-loop-deploy.sh) doing the same work. Writes markdown
//! tables to BENCH_OUT.

mod support;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use support::{Fleet, text};

fn env_list(k: &str, d: &str) -> Vec<usize> {
    std::env::var(k).unwrap_or_else(|_| d.to_string()).split(',').map(|s| s.trim().parse().expect(k)).collect()
}

/// One rvmctl deploy over the fleet.
struct Run {
    /// The whole process, seconds.
    wall: f64,
    /// The executor only (the report's `duration_ms`), seconds.
    rollout: f64,
    /// Each host's steps, seconds.
    per_host: Vec<f64>,
    failed: usize,
    /// Remote commands per host (mean).
    round_trips: f64,
    /// rvmctl's peak resident memory.
    peak_rss_mib: f64,
    /// Mean ms per host in each kind of step (stage, start, health check, switch…).
    profile: std::collections::BTreeMap<String, f64>,
}

struct Bench<'a> {
    f: &'a Fleet,
}

impl Bench<'_> {
    /// One `rvmctl deploy` of `version` to every host. `minimal`: only the
    /// work the plain ssh loop does too (stage, start, one http check, switch).
    fn rvmctl(&self, version: &str, concurrency: usize, minimal: bool) -> Run {
        let f = self.f;
        f.build_release(version, false);
        // Generous timeouts: on a small shared machine the hosts' processes compete for the
        // same cores; a timeout would measure the machine, not the rollout.
        let settings = format!(
            "strategy: immediate\nmax_concurrency: {concurrency}\ntimeout: 300s\nrollback_criteria: {{ max_failure_rate: 100% }}"
        );
        let cfg = if minimal { f.write_config_like_ssh_loop(&settings) } else { f.write_config(&settings, "") };
        let text_cfg = std::fs::read_to_string(&cfg)
            .expect("config")
            .replace("timeout: 5s", "timeout: 60s")
            .replace("timeout: 10s", "timeout: 60s");
        std::fs::write(&cfg, text_cfg).expect("config");
        let started = Instant::now();
        let m = f.run_measured(&["deploy", "-e", "field", "--version", version, "--yes", "-o", "json"]);
        let (out, trips) = (m.out, m.round_trips);
        let wall = started.elapsed().as_secs_f64();
        let report: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", text(&out)));
        let units = report["targets"][0]["units"].as_array().cloned().unwrap_or_default();
        let failed = units.iter().filter(|u| u["result"] != "switched").count() + f.hosts.len() - units.len();
        if failed > 0 {
            eprintln!("deploy of {version} failed on {failed} host(s):\n{}", text(&out));
        }
        let per_host = units.iter().map(|u| u["duration_ms"].as_f64().unwrap_or(0.0) / 1000.0).collect();
        // Mean milliseconds per host in each kind of step (the label's first words).
        let mut profile = std::collections::BTreeMap::<String, f64>::new();
        for s in units.iter().filter_map(|u| u["steps"].as_array()).flatten() {
            let label = s["step"].as_str().unwrap_or("");
            let kind =
                if label.starts_with("health check") { "health check" } else { label.split(' ').next().unwrap_or("") };
            *profile.entry(kind.to_string()).or_default() +=
                s["duration_ms"].as_f64().unwrap_or(0.0) / units.len().max(1) as f64;
        }
        Run {
            wall,
            rollout: report["duration_ms"].as_f64().unwrap_or(0.0) / 1000.0,
            per_host,
            failed,
            round_trips: trips.values().map(|t| t.round_trips).sum::<usize>() as f64 / f.hosts.len().max(1) as f64,
            peak_rss_mib: m.peak_rss_kib as f64 / 1024.0,
            profile,
        }
    }

    /// One run of the plain ssh script over every host (its own slots under
    /// `{host}/loop`, its own ports); wall seconds.
    fn ssh_loop(&self, version: &str, concurrency: usize, ports: &[(u16, u16)]) -> f64 {
        let f = self.f;
        f.build_release(version, false);
        let tarball = f.path(&format!("dist/edge-{version}.tar.gz"));
        let st = Command::new("tar")
            .arg("-czf")
            .arg(&tarball)
            .arg("-C")
            .arg(f.path(&format!("dist/edge-{version}")))
            .arg(".")
            .status();
        assert!(st.is_ok_and(|s| s.success()), "tar");
        let hosts_file = f.path("loop-hosts");
        let lines: String = f
            .hosts
            .iter()
            .zip(ports)
            .map(|(h, (b, g))| format!("{} {} {b} {g}\n", h.name, h.dir.join("loop").display()))
            .collect();
        std::fs::write(&hosts_file, lines).expect("hosts file");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/bench/ssh-loop-deploy.sh");
        let started = Instant::now();
        let out = Command::new("bash")
            .arg(script)
            .env("SSH_CONFIG", &f.ssh_config)
            .env("KNOWN_HOSTS", &f.known_hosts)
            .env("TARBALL", &tarball)
            .env("VERSION", version)
            .env("CONCURRENCY", concurrency.to_string())
            .env("HOSTS_FILE", &hosts_file)
            .output()
            .expect("ssh loop");
        let wall = started.elapsed().as_secs_f64();
        assert!(out.status.success(), "ssh loop failed: {}", text(&out));
        for (i, h) in f.hosts.iter().enumerate() {
            let live = std::fs::read_link(h.dir.join("loop/current")).ok();
            let got = live.and_then(|c| std::fs::read_to_string(h.dir.join("loop").join(c).join("VERSION")).ok());
            assert_eq!(got.as_deref().map(str::trim), Some(version), "ssh loop on host {i}");
        }
        wall
    }

    /// Stops the apps the ssh loop started.
    fn stop_loop_apps(&self) {
        for h in &self.f.hosts {
            for e in std::fs::read_dir(h.dir.join("loop/run")).into_iter().flatten().flatten() {
                if e.path().extension().is_some_and(|x| x == "pid") {
                    if let Ok(pid) = std::fs::read_to_string(e.path()) {
                        let _ = Command::new("kill").args(["-KILL", pid.trim()]).status();
                    }
                }
            }
        }
    }
}

/// A key exchange that costs little CPU per connection (see bench_fleet).
const CHEAP_KEX: &str = "curve25519-sha256";

/// The plain ssh script's connections per host: one per command (readlink,
/// unpack with the tarball on stdin, start, check, switch).
const LOOP_ROUND_TRIPS: usize = 5;

#[test]
#[ignore = "benchmark: run scripts/bench-fleet.sh"]
fn bench_fleet() {
    let sizes = env_list("BENCH_HOSTS", "10,50,100");
    let levels = env_list("BENCH_LEVELS", "5,10,25,50,100");
    let out_path = std::env::var("BENCH_OUT").unwrap_or_else(|_| "bench-fleet.md".into());
    let mut full = String::from(
        "| hosts | max_concurrency | waves | wall time (s) | rollout time (s) | mean per host (s) | slowest host (s) | ideal = slowest × waves (s) | wall / ideal | round trips per host | rvmctl peak memory (MiB) | failed |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut cmp = String::from(
        "| hosts | concurrency | plain ssh loop (s) | loop round trips per host | rvmctl, same work (s) | rvmctl round trips per host | rvmctl / loop | rvmctl, full app (s) | full / loop |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut steps = String::from(
        "| hosts | concurrency | stage (ms) | start (ms) | health check (ms) | switch (ms) | all steps (ms) |\n|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut run = 0;
    let mut next_version = || {
        run += 1;
        format!("1.{run}.0")
    };
    for (si, &n) in sizes.iter().enumerate() {
        let f = Fleet::start(n);
        let b = Bench { f: &f };
        // Warm-up: first deploy everywhere (connections, python, page cache).
        let failed = b.rvmctl(&next_version(), 10, false).failed;
        assert_eq!(failed, 0, "warm-up deploy failed on {failed} hosts");
        let mut full_at = std::collections::HashMap::new();
        // Fleets above 100 hosts: one run at the highest level, for scale and
        // memory (every level would take many minutes on 2 cores).
        let top = levels.iter().copied().filter(|&c| c <= n).max().unwrap_or(n);
        let mut runs: Vec<(String, usize)> =
            levels.iter().filter(|&&c| c <= n && (n <= 100 || c == top)).map(|&c| (n.to_string(), c)).collect();
        // The key exchange OpenSSH 9.0-9.8 prefers (sntrup761x25519) costs each
        // end ~60 ms of CPU per connection here; curve25519 ~5 ms (and 9.9's
        // default, mlkem768x25519, is as cheap). Once per size, at the top level,
        // with the ssh config choosing curve25519: what the connections cost.
        if n == 100 {
            runs.push((format!("{n} ({CHEAP_KEX})"), top));
        }
        for (label, c) in runs {
            let cheap = label.contains(CHEAP_KEX);
            let cfg = std::fs::read_to_string(&f.ssh_config).expect("ssh config");
            if cheap {
                std::fs::write(&f.ssh_config, format!("{cfg}Host *\n  KexAlgorithms {CHEAP_KEX}\n"))
                    .expect("ssh config");
            }
            let r = b.rvmctl(&next_version(), c, false);
            std::fs::write(&f.ssh_config, cfg).expect("ssh config");
            let Run { wall, rollout, per_host, failed, round_trips, peak_rss_mib, .. } = r;
            let waves = n.div_ceil(c) as f64;
            let slowest = per_host.iter().cloned().fold(0.0, f64::max);
            let mean = per_host.iter().sum::<f64>() / per_host.len().max(1) as f64;
            let ideal = slowest * waves;
            if !cheap {
                full_at.insert(c, wall);
            }
            let _ = writeln!(
                full,
                "| {label} | {c} | {waves} | {wall:.1} | {rollout:.1} | {mean:.2} | {slowest:.2} | {ideal:.1} | {:.2} | {round_trips:.1} | {peak_rss_mib:.1} | {failed} |",
                wall / ideal
            );
            eprintln!("{label} hosts, concurrency {c}: wall {wall:.1}s, slowest host {slowest:.2}s, ideal {ideal:.1}s");
        }
        if n > 100 {
            continue;
        }
        // Side by side with the plain ssh script: the literal for loop on the smallest
        // fleet, and 10 hosts at a time everywhere.
        let loop_ports: Vec<(u16, u16)> =
            f.hosts.iter().map(|_| (support::free_port(), support::free_port())).collect();
        b.ssh_loop(&next_version(), 10, &loop_ports);
        let compare: Vec<usize> = if si == 0 { vec![1, 10.min(n)] } else { vec![10.min(n)] };
        for c in compare {
            let lp = b.ssh_loop(&next_version(), c, &loop_ports);
            let Run { wall: rv, failed, round_trips, profile: p, .. } = b.rvmctl(&next_version(), c, true);
            let ms = |k: &str| p.get(k).map_or("-".to_string(), |v| format!("{v:.0}"));
            let _ = writeln!(
                steps,
                "| {n} | {c} | {} | {} | {} | {} | {:.0} |",
                ms("stage"),
                ms("start"),
                ms("health check"),
                ms("switch"),
                p.values().sum::<f64>()
            );
            assert_eq!(failed, 0, "rvmctl (same work) failed on {failed} hosts");
            let full_cell = match full_at.get(&c) {
                Some(w) => format!("{w:.1} | {:.2}", w / lp),
                None => "- | -".into(),
            };
            let _ = writeln!(
                cmp,
                "| {n} | {c} | {lp:.1} | {LOOP_ROUND_TRIPS} | {rv:.1} | {round_trips:.1} | {:.2} | {full_cell} |",
                rv / lp
            );
            eprintln!("{n} hosts, concurrency {c}: ssh loop {lp:.1}s, rvmctl {rv:.1}s");
        }
        b.stop_loop_apps();
    }
    std::fs::write(&out_path, format!("{full}\n<!-- compare -->\n{cmp}\n<!-- steps -->\n{steps}"))
        .expect("write tables");
}
