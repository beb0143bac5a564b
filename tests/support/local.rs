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
    /// Extra lines at the end of the app: 6-space indent continues its
    /// `health_checks:`, 4-space indent adds keys (e.g. `analysis:`).
    pub extra_checks: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            hosts: 2,
            strategy: "blue_green",
            monitor: "1s",
            extra_env: String::new(),
            extra_top: String::new(),
            extra_checks: String::new(),
        }
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl LocalProject {
    pub fn new(opts: Options) -> Self {
        let ports = (0..opts.hosts).map(|_| (super::free_port(), super::free_port())).collect();
        Self::with_ports(opts, ports)
    }

    /// Like [`LocalProject::new`], with the (blue, green) ports of each host
    /// chosen beforehand (e.g. for a Prometheus that scrapes them).
    pub fn with_ports(opts: Options, ports: Vec<(u16, u16)>) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let hosts: Vec<String> = (1..=opts.hosts).map(|i| format!("sim-{i:02}")).collect();
        assert_eq!(ports.len(), hosts.len(), "one (blue, green) pair per host");
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
{extra_checks}"#,
            strategy = opts.strategy,
            monitor = opts.monitor,
            extra_env = opts.extra_env,
            extra_top = opts.extra_top,
            extra_checks = opts.extra_checks,
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

    /// Waits until a killed run has let go of every host (see [`super::slots::settle`]).
    pub fn settle(&self) {
        super::slots::settle(&self.hosts.iter().map(|h| self.host_dir(h)).collect::<Vec<_>>());
    }

    pub fn host_dir(&self, host: &str) -> PathBuf {
        self.path().join("sandbox").join(host)
    }

    /// Where `current` points on a host (blue/green), if anywhere.
    pub fn live(&self, host: &str) -> Option<String> {
        super::slots::live(&self.host_dir(host))
    }

    pub fn history_lines(&self, host: &str) -> Vec<serde_json::Value> {
        super::slots::history_lines(&self.host_dir(host))
    }

    pub fn cmd(&self) -> assert_cmd::Command {
        super::rvmctl(self.path())
    }
    /// The invariants that must hold whenever rvmctl is not running (see
    /// [`super::slots::assert_host_safe`]), on every host.
    pub fn assert_safe(&self) {
        for (h, ports) in self.hosts.iter().zip(&self.ports) {
            super::slots::assert_host_safe(h, &self.host_dir(h), *ports);
        }
    }

    /// [`super::slots::assert_history_consistent`] on every host.
    pub fn assert_history_consistent(&self, version: Option<&str>) {
        for h in &self.hosts {
            super::slots::assert_history_consistent(h, &self.host_dir(h), version);
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
