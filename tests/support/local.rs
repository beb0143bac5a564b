//! A throwaway project with a `local` target: N simulated hosts under a temp
//! folder, the quickstart's real HTTP app as the release, free ports per
//! host and color, and cleanup of every service it started.

use std::path::{Path, PathBuf};

use tempfile::TempDir;

pub struct LocalProject {
    pub dir: TempDir,
    pub hosts: Vec<String>,
    /// (blue, green) port of each host's app.
    pub ports: Vec<(u16, u16)>,
}

pub struct Options {
    pub hosts: usize,
    pub strategy: &'static str,
    pub monitor: &'static str,
    /// Extra keys of the `development` environment (4-space indent).
    pub extra_env: String,
    /// Extra top-level keys (e.g. `global:`).
    pub extra_top: String,
}

impl Default for Options {
    fn default() -> Self {
        Options { hosts: 2, strategy: "blue_green", monitor: "1s", extra_env: String::new(), extra_top: String::new() }
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl LocalProject {
    pub fn new(opts: Options) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let hosts: Vec<String> = (1..=opts.hosts).map(|i| format!("sim-{i:02}")).collect();
        let ports: Vec<(u16, u16)> = hosts.iter().map(|_| (super::free_port(), super::free_port())).collect();
        let host_lines: String = hosts
            .iter()
            .zip(&ports)
            .map(|(h, (b, g))| format!("          - {{ name: {h}, vars: {{ port_blue: {b}, port_green: {g} }} }}\n"))
            .collect();
        let config = format!(
            r#"apiVersion: rvmctl/v1
project: testrvm
{extra_top}
defaults:
  strategy: {strategy}
  timeout: 20s
  post_switch_monitor: {monitor}
  rollback_criteria: {{ max_failure_rate: 0%, health_check_failures: 2 }}
environments:
  development:
    targets:
      - name: edge-sim
        kind: local
        root: ./sandbox
        app: edge
        hosts:
{host_lines}{extra_env}
apps:
  edge:
    artifact: {{ path: "./dist/edge-{{version}}" }}
    services:
      - {{ name: edge-app, start: "./edge-ctl start {{port_{{color}}}}", stop: "./edge-ctl stop {{port_{{color}}}}" }}
    health_checks:
      - {{ kind: http, url: "http://127.0.0.1:{{port_{{color}}}}/health", expect_body_contains: "{{version}}", timeout: 2s, retries: 2, interval: 200ms }}
      - {{ kind: tcp, address: "127.0.0.1:{{port_{{color}}}}", timeout: 1s, retries: 1 }}
      - {{ kind: command, run: "grep -qx {{version}} VERSION && test \"$RVM_COLOR\" = {{color}}", timeout: 2s, retries: 0 }}
"#,
            strategy = opts.strategy,
            monitor = opts.monitor,
            extra_env = opts.extra_env,
            extra_top = opts.extra_top,
        );
        std::fs::write(dir.path().join("deployment-config.yaml"), config).expect("write config");
        LocalProject { dir, hosts, ports }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Builds `dist/edge-VERSION` from the quickstart app.
    pub fn release(&self, version: &str, failing: bool) {
        self.release_with(version, failing, false);
    }

    /// Like [`release`]; with `fail_when_live` the app is unhealthy exactly while
    /// its own slot is live (healthy before the switch, failing after it).
    pub fn release_with(&self, version: &str, failing: bool, fail_when_live: bool) {
        let out = self.path().join("dist").join(format!("edge-{version}"));
        std::fs::create_dir_all(&out).expect("dist dir");
        for f in ["server.py", "edge-ctl"] {
            std::fs::copy(repo().join("examples/quickstart/app").join(f), out.join(f)).expect("copy app");
        }
        std::fs::write(out.join("VERSION"), format!("{version}\n")).expect("VERSION");
        if failing {
            std::fs::write(out.join("FAIL_HEALTH"), "").expect("FAIL_HEALTH");
        }
        if fail_when_live {
            std::fs::write(out.join("FAIL_WHEN_LIVE"), "").expect("FAIL_WHEN_LIVE");
        }
    }

    pub fn host_dir(&self, host: &str) -> PathBuf {
        self.path().join("sandbox").join(host)
    }

    /// Where `current` points on a host (blue/green), if anywhere.
    pub fn live(&self, host: &str) -> Option<String> {
        std::fs::read_link(self.host_dir(host).join("current")).ok().map(|p| p.to_string_lossy().into_owned())
    }

    pub fn history_lines(&self, host: &str) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.host_dir(host).join(".rvmctl/history.jsonl"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    pub fn cmd(&self) -> assert_cmd::Command {
        super::rvmctl(self.path())
    }
    /// The invariants that must hold whenever rvmctl is not running: every host
    /// that has a live pointer serves a whole, healthy release, and no lock is held.
    pub fn assert_safe(&self) {
        for (h, (blue, green)) in self.hosts.iter().zip(&self.ports) {
            let dir = self.host_dir(h);
            let free = std::process::Command::new("flock").arg("-n").arg(dir.join(".rvmctl/lock")).arg("true").status();
            assert!(!dir.join(".rvmctl/lock").exists() || free.is_ok_and(|s| s.success()), "{h}: lock left held");
            let Some(live) = self.live(h) else { continue };
            assert!(dir.join(&live).join("VERSION").is_file(), "{h}: live slot {live} is not a whole release");
            let meta: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(dir.join(format!(".rvmctl/{live}.json"))).unwrap_or_default(),
            )
            .unwrap_or_default();
            assert_eq!(meta["status"], "healthy", "{h}: live slot {live} is {}", meta["status"]);
            let port = if live == "blue" { *blue } else { *green };
            let (status, body) =
                get_health(port).unwrap_or_else(|| panic!("{h}: live color {live} does not answer on {port}"));
            assert_eq!(status, 200, "{h}: live color unhealthy: {body}");
            assert!(body.contains(meta["version"].as_str().unwrap_or("?")), "{h}: {body}");
        }
    }

    /// History is append-only: revisions unique and increasing on every host;
    /// with `version`, exactly one successful deploy of it per host.
    pub fn assert_history_consistent(&self, version: Option<&str>) {
        for h in &self.hosts {
            let entries = self.history_lines(h);
            let revs: Vec<u64> = entries.iter().map(|e| e["revision"].as_u64().unwrap_or(0)).collect();
            assert!(revs.windows(2).all(|w| w[0] < w[1]), "{h}: revisions not unique and increasing {revs:?}");
            if let Some(v) = version {
                let ok = entries
                    .iter()
                    .filter(|e| e["version"] == v && e["result"] == "success" && e["action"] == "deploy")
                    .count();
                assert_eq!(ok, 1, "{h}: {ok} successful deploys of {v}: {entries:?}");
            }
        }
    }
}

impl Drop for LocalProject {
    fn drop(&mut self) {
        // Stop every app the deploys started (pid files live in {host}/run/).
        for h in &self.hosts {
            if let Ok(entries) = std::fs::read_dir(self.host_dir(h).join("run")) {
                for e in entries.flatten() {
                    if e.path().extension().is_some_and(|x| x == "pid") {
                        if let Ok(pid) = std::fs::read_to_string(e.path()) {
                            let _ = std::process::Command::new("kill").arg(pid.trim()).status();
                        }
                    }
                }
            }
        }
    }
}

/// GET /health on a loopback port: (status, body).
pub fn get_health(port: u16) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(s, "GET /health HTTP/1.0\r\nHost: x\r\n\r\n").ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let status = out.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, out.split("\r\n\r\n").nth(1).unwrap_or_default().to_string()))
}
