//! Real sshd hosts on loopback for the SSH driver's tests.
//! Test harness: N real `sshd` processes on loopback, one per simulated
//! Jetson host, each with its own host key, authorized key, base directory
//! and free port; a generated `ssh_config` and pinned `known_hosts` (never
//! the user's own); the quickstart edge app as the release; and cleanup on
//! Drop (sshd process trees and the app servers the rollouts started).
//!
//! Needs `/usr/sbin/sshd` (`scripts/install-test-deps.sh` installs it).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const SSHD: &str = "/usr/sbin/sshd";

pub use super::free_port;

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

pub struct Host {
    pub name: String,
    pub port: u16,
    pub port_blue: u16,
    pub port_green: u16,
    pub dir: PathBuf,
    pub labels: Vec<(String, String)>,
    /// The PATH of this host's sessions, when [`Fleet::without_commands`] narrowed it.
    path: Option<PathBuf>,
    sshd: Option<Child>,
}

impl Host {
    /// The app's base dir on this host (`{base_dir}` in the config).
    pub fn base(&self) -> PathBuf {
        self.dir.join("app")
    }
    pub fn sshd_running(&self) -> bool {
        self.sshd.is_some()
    }
}

/// The index [`Fleet::start_sshd`] and [`Fleet::kill_sshd`] take for the bastion.
pub const BASTION: usize = usize::MAX;

pub struct Fleet {
    pub dir: tempfile::TempDir,
    pub hosts: Vec<Host>,
    /// A jump host (`Host bastion` in ssh_config, its key pinned): one more
    /// real sshd, logging at DEBUG1 so its log shows each connection it
    /// forwards. `None` unless [`Fleet::start_bastion`] was called.
    pub bastion: Option<Host>,
    pub ssh_config: PathBuf,
    pub known_hosts: PathBuf,
    pub client_key: PathBuf,
}

impl Fleet {
    /// Starts `n` hosts named rvm-001… (labels: site=a for odd, site=b for even).
    pub fn start(n: usize) -> Fleet {
        assert!(Path::new(SSHD).exists(), "{SSHD} missing: run scripts/install-test-deps.sh");
        let dir = tempfile::Builder::new().prefix("rvm-ssh").tempdir().expect("tempdir");
        let root = dir.path().to_path_buf();
        let client_key = root.join("client_key");
        run(Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "rvmctl-test", "-f"])
            .arg(&client_key));
        let pubkey = std::fs::read_to_string(root.join("client_key.pub")).expect("pubkey");
        let mut fleet = Fleet {
            ssh_config: root.join("ssh_config"),
            known_hosts: root.join("known_hosts"),
            client_key,
            hosts: Vec::new(),
            bastion: None,
            dir,
        };
        for i in 1..=n {
            let name = format!("rvm-{i:03}");
            let hdir = root.join("hosts").join(&name);
            std::fs::create_dir_all(&hdir).expect("host dir");
            run(Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-C", &name, "-f"])
                .arg(hdir.join("hostkey")));
            std::fs::write(hdir.join("authorized_keys"), &pubkey).expect("authorized_keys");
            let site = if i % 2 == 1 { "a" } else { "b" };
            fleet.hosts.push(Host {
                name,
                port: 0,
                port_blue: free_port(),
                port_green: free_port(),
                dir: hdir,
                labels: vec![("site".into(), site.into())],
                path: None,
                sshd: None,
            });
        }
        for i in 0..n {
            fleet.start_sshd(i);
        }
        fleet.write_client_files(&[]);
        fleet
    }

    /// Host `i`, or the bastion for [`BASTION`].
    fn machine(&mut self, i: usize) -> &mut Host {
        match i {
            BASTION => self.bastion.as_mut().expect("no bastion: call start_bastion"),
            i => &mut self.hosts[i],
        }
    }

    /// Starts a bastion with its own host key, authorized key and free port,
    /// and rewrites ssh_config and known_hosts with it. The hosts stay
    /// reachable directly too: tests prove the jump from the bastion's log
    /// ([`Fleet::bastion_forwards_to`]) or by stopping it.
    pub fn start_bastion(&mut self) {
        let dir = self.dir.path().join("bastion");
        std::fs::create_dir_all(&dir).expect("bastion dir");
        run(Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "bastion", "-f"])
            .arg(dir.join("hostkey")));
        std::fs::copy(self.client_key.with_extension("pub"), dir.join("authorized_keys")).expect("authorized_keys");
        self.bastion = Some(Host {
            name: "bastion".into(),
            port: 0,
            port_blue: 0,
            port_green: 0,
            dir,
            labels: Vec::new(),
            path: None,
            sshd: None,
        });
        self.start_sshd(BASTION);
        self.write_client_files(&[]);
    }

    /// How many connections the bastion's sshd forwarded to `port` (its log
    /// at DEBUG1: `server_request_direct_tcpip: … target 127.0.0.1 port P`).
    pub fn bastion_forwards_to(&self, port: u16) -> usize {
        let Some(b) = &self.bastion else { return 0 };
        let log = std::fs::read_to_string(b.dir.join("sshd.log")).unwrap_or_default();
        let target = format!("target 127.0.0.1 port {port}");
        log.lines().filter(|l| l.contains("server_request_direct_tcpip") && l.trim_end().ends_with(&target)).count()
    }

    /// (Re)starts host `i`'s sshd on its port (a new free one the first time).
    pub fn start_sshd(&mut self, i: usize) {
        for attempt in 0..5 {
            let h = self.machine(i);
            if h.port == 0 || attempt > 0 {
                h.port = free_port();
            }
            let cfg = h.dir.join("sshd_config");
            // `SetEnv SHLVL=1`: bash sources ~/.bashrc for commands sshd runs
            // only as a top-level shell (SHLVL < 2). The test user is whoever
            // runs the suite, and their rc files (a `pyenv init` that waits 60 s
            // on a lock a killed shell left behind was seen here) are not part
            // of the host we simulate: a Jetson's deploy user has a plain shell.
            std::fs::write(
                &cfg,
                format!(
                    "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/hostkey\nPidFile none\n\
                     AuthorizedKeysFile {d}/authorized_keys\nStrictModes no\nPermitRootLogin prohibit-password\n\
                     PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n\
                     MaxSessions 100\nMaxStartups 100:30:200\nSubsystem sftp internal-sftp\nLogLevel {level}\n\
                     SetEnv SHLVL=1{path}\n",
                    port = h.port,
                    d = h.dir.display(),
                    level = if i == BASTION { "DEBUG1" } else { "ERROR" },
                    path = h.path.as_ref().map(|p| format!(" PATH={}", p.display())).unwrap_or_default(),
                ),
            )
            .expect("sshd_config");
            let log = std::fs::File::create(h.dir.join("sshd.log")).expect("sshd log");
            let mut sshd = Command::new(SSHD);
            // A host's init reaps what its services leave behind at once (a
            // Jetson runs systemd). Here that init would be this machine's
            // pid 1, which may take seconds: a stopped service then lingers
            // as a zombie, `kill -0` still finds it, and every stop waits for
            // it. sshd as the subreaper of its sessions' orphans reaps them
            // (it waits for any child), as the host's init would.
            // SAFETY: prctl(2) in the forked child before exec; no memory is touched.
            unsafe {
                use std::os::unix::process::CommandExt;
                sshd.pre_exec(|| {
                    libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
                    Ok(())
                });
            }
            let mut child = sshd
                .args(["-D", "-e", "-f"])
                .arg(&cfg)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .expect("start sshd");
            let deadline = Instant::now() + Duration::from_secs(5);
            let mut up = false;
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                if std::net::TcpStream::connect(("127.0.0.1", h.port)).is_ok() {
                    up = true;
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            if up {
                h.sshd = Some(child);
                return;
            }
            let _ = child.kill();
            let _ = child.wait();
            if attempt == 4 {
                panic!(
                    "sshd for {} did not start: {}",
                    h.name,
                    std::fs::read_to_string(h.dir.join("sshd.log")).unwrap_or_default()
                );
            }
        }
    }

    /// Restarts host `i`'s sshd with sessions whose PATH holds every command
    /// of this machine but `missing`: a host that lacks them (a Jetson
    /// image without util-linux's flock, say).
    pub fn without_commands(&mut self, i: usize, missing: &[&str]) {
        let bin = self.hosts[i].dir.join("bin");
        std::fs::create_dir_all(&bin).expect("bin dir");
        for dir in ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"] {
            let Ok(entries) = std::fs::read_dir(dir) else { continue };
            for e in entries.flatten() {
                let name = e.file_name();
                let link = bin.join(&name);
                if missing.iter().any(|m| name == **m) || link.exists() {
                    continue;
                }
                let _ = std::os::unix::fs::symlink(e.path(), link);
            }
        }
        self.hosts[i].path = Some(bin);
        self.kill_sshd(i);
        self.start_sshd(i);
    }

    /// Kills host `i`'s sshd, its connections and the remote commands they
    /// run: the host is gone from the network (its services run on).
    pub fn kill_sshd(&mut self, i: usize) {
        if let Some(mut c) = self.machine(i).sshd.take() {
            // Its sessions and what they run die; services they left running
            // (sshd reaps them, see start_sshd) live on, as on a host whose
            // sshd died.
            // (`sshd`; `sshd-session` since OpenSSH 9.8.)
            kill_tree_where(c.id() as i32, |comm| comm.starts_with("sshd"));
            let _ = c.wait();
        }
    }

    /// Writes ssh_config (one `Host` alias per host, and the bastion's) and
    /// known_hosts with the host keys pinned; hosts in `unpinned` (and
    /// `bastion`) are left out of known_hosts.
    pub fn write_client_files(&self, unpinned: &[&str]) {
        let mut cfg = String::new();
        let mut kh = String::new();
        for h in self.hosts.iter().chain(&self.bastion) {
            let _ = write!(
                cfg,
                "Host {n}\n  HostName 127.0.0.1\n  Port {p}\n  User root\n  IdentityFile {k}\n  IdentitiesOnly yes\n  GlobalKnownHostsFile /dev/null\n  LogLevel ERROR\n\n",
                n = h.name,
                p = h.port,
                k = self.client_key.display()
            );
            if unpinned.contains(&h.name.as_str()) {
                continue;
            }
            let key = std::fs::read_to_string(h.dir.join("hostkey.pub")).expect("hostkey.pub");
            let mut parts = key.split_whitespace();
            let (t, k) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let _ = writeln!(kh, "[127.0.0.1]:{} {t} {k}", h.port);
        }
        std::fs::write(&self.ssh_config, cfg).expect("ssh_config");
        std::fs::write(&self.known_hosts, kh).expect("known_hosts");
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Builds release folder `dist/edge-VERSION` from the quickstart app.
    pub fn build_release(&self, version: &str, failing: bool) {
        let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quickstart/app");
        let out = self.path(&format!("dist/edge-{version}"));
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(&out).expect("dist");
        for f in ["server.py", "edge-ctl"] {
            std::fs::copy(app.join(f), out.join(f)).expect("copy app");
        }
        std::fs::write(out.join("VERSION"), format!("{version}\n")).expect("VERSION");
        if failing {
            std::fs::write(out.join("FAIL_HEALTH"), "").expect("FAIL_HEALTH");
        }
    }

    /// Writes `deployment-config.yaml` for environment `field`, target
    /// `fleet` over every host. `settings` is YAML spliced into the target
    /// (e.g. `strategy: rolling`), `artifact_extra` into the artifact.
    pub fn write_config(&self, settings: &str, artifact_extra: &str) -> PathBuf {
        self.write_config_ssh(settings, artifact_extra, "")
    }

    /// Like [`Fleet::write_config`], with extra `ssh:` options (e.g. `strict_host_key_checking: false`).
    pub fn write_config_ssh(&self, settings: &str, artifact_extra: &str, ssh_extra: &str) -> PathBuf {
        let mut hosts = String::new();
        for h in &self.hosts {
            let labels: Vec<String> = h.labels.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            let _ = writeln!(
                hosts,
                "          - {{ name: {}, labels: {{ {} }}, vars: {{ port_blue: {}, port_green: {} }} }}",
                h.name,
                labels.join(", "),
                h.port_blue,
                h.port_green
            );
        }
        let settings: String = settings.lines().map(|l| format!("        {l}\n")).collect();
        let cfg = format!(
            r#"apiVersion: rvmctl/v1
project: fleettest
defaults:
  timeout: 30s
  keep_previous: true
  post_switch_monitor: 1s
  max_concurrency: 10
  rollback_criteria: {{ max_failure_rate: 0%, health_check_failures: 2 }}
environments:
  field:
    targets:
      - name: fleet
        kind: ssh
        app: edge
        ssh: {{ config: {cfg}, known_hosts: {kh}, connect_timeout: 5s{ssh_extra} }}
{settings}        hosts:
{hosts}apps:
  edge:
    base_dir: "{root}/hosts/{{host}}/app"
    artifact:
      path: "{root}/dist/edge-{{version}}"
{artifact_extra}    services:
      - name: edge-app
        start: "./edge-ctl start {{port_{{color}}}}"
        stop: "./edge-ctl stop {{port_{{color}}}}"
    pre_deploy:
      - {{ name: marker, run: "if [ -e ../SLOW ]; then touch ../SLOW.reached; sleep 20; fi" }}
    health_checks:
      - {{ kind: http, url: "http://127.0.0.1:{{port_{{color}}}}/health", expect_status: 200, expect_body_contains: "{{version}}", timeout: 5s, retries: 2, interval: 300ms }}
      - {{ kind: tcp, address: "127.0.0.1:{{port_{{color}}}}", timeout: 5s, retries: 1 }}
      - {{ kind: command, name: host-marker, run: "test ! -e ../FAIL_HEALTH", timeout: 10s, retries: 0 }}
"#,
            cfg = self.ssh_config.display(),
            kh = self.known_hosts.display(),
            root = self.dir.path().display(),
            ssh_extra = if ssh_extra.is_empty() { String::new() } else { format!(", {ssh_extra}") },
        );
        let path = self.path("deployment-config.yaml");
        std::fs::write(&path, cfg).expect("config");
        path
    }

    /// Waits until a killed run has let go of every host (see [`super::slots::settle`]).
    pub fn settle(&self) {
        super::slots::settle(&self.hosts.iter().map(Host::base).collect::<Vec<_>>());
    }

    /// `rvmctl` with this fleet's config and a private cache/state dir.
    pub fn rvmctl(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_rvmctl"));
        c.arg("-f")
            .arg(self.path("deployment-config.yaml"))
            .env("XDG_CACHE_HOME", self.path("cache"))
            .env("XDG_STATE_HOME", self.path("state"))
            .env("RVMCTL_USER", "tester")
            .env("NO_COLOR", "1")
            .env_remove("RVMCTL_ENV")
            .env_remove("RVMCTL_CONFIG")
            .stdin(Stdio::null());
        c
    }

    /// Runs rvmctl with `args` and returns its output.
    pub fn run(&self, args: &[&str]) -> Output {
        self.rvmctl().args(args).output().expect("run rvmctl")
    }

    /// Runs rvmctl with `args`; counts, per host, the ssh round trips it
    /// logs under `rvmctl::round_trip`, and reads its peak memory.
    // wait4(2) below reaps the child (std's wait cannot return its rusage).
    #[allow(clippy::zombie_processes)]
    pub fn run_measured(&self, args: &[&str]) -> Measured {
        use std::io::Read as _;
        use std::os::unix::process::ExitStatusExt as _;
        let mut child = self
            .rvmctl()
            .env("RVMCTL_LOG", "rvmctl::round_trip=debug")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run rvmctl");
        let reader = |r: Option<Box<dyn std::io::Read + Send>>| {
            std::thread::spawn(move || {
                let mut v = Vec::new();
                if let Some(mut r) = r {
                    let _ = r.read_to_end(&mut v);
                }
                v
            })
        };
        let stdout = reader(child.stdout.take().map(|s| Box::new(s) as _));
        let stderr = reader(child.stderr.take().map(|s| Box::new(s) as _));
        let (mut status, mut usage) = (0, unsafe { std::mem::zeroed::<libc::rusage>() });
        // SAFETY: wait4(2) on our own child with valid out-pointers.
        let waited = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
        assert_eq!(waited, child.id() as i32, "wait4 rvmctl");
        let out = Output {
            status: std::process::ExitStatus::from_raw(status),
            stdout: stdout.join().unwrap_or_default(),
            stderr: stderr.join().unwrap_or_default(),
        };
        let mut counts = std::collections::BTreeMap::new();
        for line in String::from_utf8_lossy(&out.stderr).lines().filter(|l| l.contains("rvmctl::round_trip")) {
            let Some(host) = line.split_whitespace().find_map(|w| w.strip_prefix("host=")) else { continue };
            let c: &mut HostTrips = counts.entry(host.trim_matches('"').to_string()).or_default();
            if line.contains("what=\"connect\"") {
                c.connections += 1;
            } else {
                c.round_trips += 1;
                // A message to a holding session is a round trip in a session already open.
                c.sessions += usize::from(!line.contains("what=\"message\""));
            }
        }
        Measured { out, round_trips: counts, peak_rss_kib: usage.ru_maxrss as u64 }
    }

    /// Rewrites the config [`Fleet::write_config`] wrote down to the work a
    /// plain ssh script does too (stage, start, one http check, switch): no
    /// pre-deploy check, no tcp or command check, no post-switch monitor.
    pub fn write_config_like_ssh_loop(&self, settings: &str) -> PathBuf {
        let path = self.write_config(settings, "");
        let cfg = std::fs::read_to_string(&path).expect("config");
        let kept: Vec<&str> = cfg
            .lines()
            .filter(|l| !l.contains("pre_deploy:") && !l.contains("name: marker"))
            .filter(|l| !l.contains("kind: tcp") && !l.contains("kind: command"))
            .collect();
        let out = kept.join("\n").replace("post_switch_monitor: 1s", "post_switch_monitor: 0s");
        assert!(out.len() < cfg.len() && out.contains("post_switch_monitor: 0s"), "config template changed: {cfg}");
        std::fs::write(&path, out).expect("config");
        path
    }

    /// Live color of host `i` (the `current` symlink), if any.
    pub fn live(&self, i: usize) -> Option<String> {
        super::slots::live(&self.hosts[i].base())
    }

    /// [`super::slots::assert_host_safe`] on every host.
    pub fn assert_safe(&self) {
        for h in &self.hosts {
            super::slots::assert_host_safe(&h.name, &h.base(), (h.port_blue, h.port_green));
        }
    }

    /// [`super::slots::assert_history_consistent`] on every host.
    pub fn assert_history_consistent(&self, version: Option<&str>) {
        for h in &self.hosts {
            super::slots::assert_history_consistent(&h.name, &h.base(), version);
        }
    }

    /// Every host is live on `color` with `version`, and its app says so.
    pub fn assert_all_live(&self, color: &str, version: &str) {
        for i in 0..self.hosts.len() {
            assert_eq!(self.live(i).as_deref(), Some(color), "{}", self.hosts[i].name);
            assert_eq!(self.live_version(i).as_deref(), Some(version), "{}", self.hosts[i].name);
            let health = self.serving(i).unwrap_or_default();
            assert!(health.contains(&format!("\"version\": \"{version}\"")), "{}: {health}", self.hosts[i].name);
        }
    }

    /// Version in the live slot of host `i`.
    pub fn live_version(&self, i: usize) -> Option<String> {
        std::fs::read_to_string(self.hosts[i].base().join("current/VERSION")).ok().map(|s| s.trim().to_string())
    }

    /// What `GET /health` on host `i`'s live color answers.
    pub fn serving(&self, i: usize) -> Option<String> {
        let h = &self.hosts[i];
        let port = match self.live(i)?.as_str() {
            "blue" => h.port_blue,
            _ => h.port_green,
        };
        let out = Command::new("curl")
            .args(["-s", "--max-time", "2"])
            .arg(format!("http://127.0.0.1:{port}/health"))
            .output()
            .ok()?;
        Some(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// Kills `pid` and its descendants (walking /proc), children first.
pub fn kill_tree(pid: i32) {
    kill_tree_where(pid, |_| true);
}

/// Kills `pid` and those of its children for which `kill_child(comm)` holds
/// (whole subtrees); its other children live on.
fn kill_tree_where(pid: i32, kill_child: impl Fn(&str) -> bool) {
    // Stop the parent first so it cannot fork new children while we walk.
    let _ = Command::new("kill").args(["-STOP", &pid.to_string()]).status();
    let mut children: Vec<i32> = Vec::new();
    if let Ok(rd) = std::fs::read_dir("/proc") {
        for e in rd.flatten() {
            let Some(p) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else { continue };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) else { continue };
            // pid (comm) state ppid ...
            let Some((head, after)) = stat.rsplit_once(')') else { continue };
            let comm = head.split_once('(').map_or("", |x| x.1);
            let ppid = after.split_whitespace().nth(1).and_then(|s| s.parse::<i32>().ok());
            if ppid == Some(pid) && kill_child(comm) {
                children.push(p);
            }
        }
    }
    for c in children {
        kill_tree(c);
    }
    let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
}

/// What [`Fleet::run_measured`] saw.
/// One host's share of a measured run, from rvmctl's own log of its ssh use.
#[derive(Debug, Default)]
pub struct HostTrips {
    /// Requests that waited for the host's answer: remote commands and
    /// messages to a session already open on it.
    pub round_trips: usize,
    /// Remote commands: each a session (a channel, a shell) on the host.
    pub sessions: usize,
    /// ssh master connections.
    pub connections: usize,
}

pub struct Measured {
    pub out: Output,
    /// Per host: what the run cost it on the wire.
    pub round_trips: std::collections::BTreeMap<String, HostTrips>,
    /// rvmctl's peak resident memory.
    pub peak_rss_kib: u64,
}

impl Drop for Fleet {
    fn drop(&mut self) {
        for i in 0..self.hosts.len() {
            self.kill_sshd(i);
        }
        if self.bastion.is_some() {
            self.kill_sshd(BASTION);
        }
        // The edge app servers the rollouts started (their pid files).
        for h in &self.hosts {
            if let Ok(rd) = std::fs::read_dir(h.base().join("run")) {
                for e in rd.flatten() {
                    if e.path().extension().is_some_and(|x| x == "pid") {
                        if let Ok(pid) = std::fs::read_to_string(e.path()) {
                            let _ = Command::new("kill").args(["-KILL", pid.trim()]).status();
                        }
                    }
                }
            }
        }
    }
}

/// stdout + stderr of a run, for assertion messages.
pub fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
