//! Real Redis, PostgreSQL, Mosquitto and Prometheus servers, one per test, on a free
//! loopback port with a password, stopped when dropped. The binaries come
//! from Debian packages `scripts/install-test-deps.sh` installs.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use super::free_port;

/// Waits until something accepts on `port`, or panics with `log`.
fn wait_listening(port: u16, child: &mut Option<Child>, what: &str, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Some(c) = child.as_mut() {
            if let Ok(Some(status)) = c.try_wait() {
                panic!("{what} exited ({status}): {}", std::fs::read_to_string(log).unwrap_or_default());
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("{what} did not listen on {port}: {}", std::fs::read_to_string(log).unwrap_or_default());
}

fn stop(child: &mut Option<Child>) {
    if let Some(mut c) = child.take() {
        let _ = c.kill();
        let _ = c.wait();
    }
}

pub struct Redis {
    pub port: u16,
    pub password: String,
    child: Option<Child>,
    _dir: TempDir,
}

impl Redis {
    pub fn start(password: &str) -> Redis {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let log = dir.path().join("redis.log");
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(["--requirepass", password, "--dir"])
            .arg(dir.path())
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).expect("log"))
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server (run scripts/install-test-deps.sh)");
        let mut child = Some(child);
        wait_listening(port, &mut child, "redis-server", &log);
        Redis { port, password: password.into(), child, _dir: dir }
    }

    /// Runs one command (after AUTH) and returns the first line of its answer.
    pub fn call(&self, args: &[&str]) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect redis");
        let mut req = Vec::new();
        for cmd in [vec!["AUTH", self.password.as_str()], args.to_vec()] {
            req.extend(format!("*{}\r\n", cmd.len()).into_bytes());
            for a in cmd {
                req.extend(format!("${}\r\n{a}\r\n", a.len()).into_bytes());
            }
        }
        s.write_all(&req).expect("write redis");
        let mut r = BufReader::new(s);
        let mut line = String::new();
        r.read_line(&mut line).expect("AUTH answer");
        line.clear();
        r.read_line(&mut line).expect("answer");
        line.trim_end().to_string()
    }

    pub fn stop(&mut self) {
        stop(&mut self.child);
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}

pub struct Mosquitto {
    pub port: u16,
    /// With TLS: the PEM of the CA that signed the broker's certificate
    /// (for `127.0.0.1` and `localhost`).
    pub ca_file: Option<PathBuf>,
    child: Option<Child>,
    _dir: TempDir,
}

/// A throwaway CA and a server certificate it signed for 127.0.0.1 and
/// localhost, in `dir`: (ca.pem, server.pem, server.key).
pub fn test_certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=rvm-test-ca",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    std::fs::write(dir.join("ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n").expect("ext");
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "ext",
    ]);
    (dir.join("ca.pem"), dir.join("server.pem"), dir.join("server.key"))
}

impl Mosquitto {
    /// A broker that accepts only `user` with `password`.
    pub fn start(user: &str, password: &str) -> Mosquitto {
        Self::start_with(user, password, false)
    }

    /// Like [`Mosquitto::start`], speaking only TLS (see `ca_file`).
    pub fn start_tls(user: &str, password: &str) -> Mosquitto {
        Self::start_with(user, password, true)
    }

    fn start_with(user: &str, password: &str, tls: bool) -> Mosquitto {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let passwd = dir.path().join("passwd");
        let ok = Command::new("mosquitto_passwd")
            .args(["-b", "-c"])
            .arg(&passwd)
            .args([user, password])
            .status()
            .expect("mosquitto_passwd (run scripts/install-test-deps.sh)");
        assert!(ok.success(), "mosquitto_passwd failed");
        let conf = dir.path().join("mosquitto.conf");
        let log = dir.path().join("mosquitto.log");
        // As root, mosquitto would switch to its own user, which cannot read
        // this temp dir; `user` keeps whoever runs the suite.
        let whoami = if unsafe { libc::geteuid() } == 0 { "root".to_string() } else { String::new() };
        let (ca_file, tls_lines) = if tls {
            let (ca, cert, key) = test_certificates(dir.path());
            let lines = format!("cafile {}\ncertfile {}\nkeyfile {}\n", ca.display(), cert.display(), key.display());
            (Some(ca), lines)
        } else {
            (None, String::new())
        };
        std::fs::write(
            &conf,
            format!(
                "listener {port} 127.0.0.1\n{tls_lines}allow_anonymous false\npassword_file {}\npersistence false\n\
                 log_dest file {}\n{}",
                passwd.display(),
                log.display(),
                if whoami.is_empty() { String::new() } else { format!("user {whoami}\n") }
            ),
        )
        .expect("mosquitto.conf");
        let child = Command::new(mosquitto_bin())
            .arg("-c")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("mosquitto (run scripts/install-test-deps.sh)");
        let mut child = Some(child);
        wait_listening(port, &mut child, "mosquitto", &log);
        Mosquitto { port, ca_file, child, _dir: dir }
    }
}

fn mosquitto_bin() -> PathBuf {
    let sbin = PathBuf::from("/usr/sbin/mosquitto");
    if sbin.exists() { sbin } else { PathBuf::from("mosquitto") }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

pub struct Postgres {
    pub port: u16,
    pub user: String,
    pub password: String,
    data: PathBuf,
    bin: PathBuf,
    _dir: TempDir,
}

/// The folder holding `initdb` and `pg_ctl`: on PATH, else Debian's.
fn pg_bin() -> PathBuf {
    if let Ok(out) = Command::new("sh").args(["-c", "command -v pg_ctl"]).output() {
        let p = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !p.is_empty() {
            if let Ok(real) = std::fs::canonicalize(&p) {
                return real.parent().map(Path::to_path_buf).unwrap_or_default();
            }
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is not installed (run scripts/install-test-deps.sh)")
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("pg_ctl").exists())
        .collect();
    versions.sort();
    versions.pop().expect("no pg_ctl under /usr/lib/postgresql (run scripts/install-test-deps.sh)")
}

impl Postgres {
    /// A fresh cluster whose superuser `rvm` logs in with `password` (SCRAM).
    pub fn start(password: &str) -> Postgres {
        Self::start_with(password, false).0
    }

    /// Like [`Postgres::start`], also speaking TLS (`ssl = on`) with a
    /// certificate for 127.0.0.1 from a throwaway CA: (server, CA file).
    pub fn start_tls(password: &str) -> (Postgres, PathBuf) {
        let (pg, ca) = Self::start_with(password, true);
        (pg, ca.expect("ca"))
    }

    fn start_with(password: &str, tls: bool) -> (Postgres, Option<PathBuf>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let bin = pg_bin();
        let root = unsafe { libc::geteuid() } == 0;
        let certs = tls.then(|| test_certificates(dir.path()));
        if let Some((_, _, key)) = &certs {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(key, std::fs::Permissions::from_mode(0o600)).expect("key mode");
        }
        if root {
            // PostgreSQL refuses to run as root: the cluster belongs to `postgres`.
            let ok = Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir.path()).status();
            assert!(ok.is_ok_and(|s| s.success()), "chown the cluster dir to postgres");
        }
        let as_owner = |prog: &str| {
            let mut c = cluster_owner(&bin, prog);
            c.current_dir(dir.path());
            c
        };
        let pwfile = dir.path().join("pw");
        std::fs::write(&pwfile, password).expect("pwfile");
        if root {
            let _ = Command::new("chown").args(["postgres:postgres"]).arg(&pwfile).status();
        }
        let data = dir.path().join("data");
        let out = as_owner("initdb")
            .args(["-A", "scram-sha-256", "-U", "rvm", "--no-sync", "--pwfile"])
            .arg(&pwfile)
            .arg("-D")
            .arg(&data)
            .output()
            .expect("initdb");
        assert!(out.status.success(), "initdb: {}", String::from_utf8_lossy(&out.stderr));
        let port = free_port();
        let log = dir.path().join("pg.log");
        let out = as_owner("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .arg("-o")
            .arg(format!(
                "-p {port} -c listen_addresses=127.0.0.1 -k {} -c fsync=off{}",
                dir.path().display(),
                match &certs {
                    Some((_, cert, key)) => {
                        format!(" -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}", cert.display(), key.display())
                    }
                    None => String::new(),
                }
            ))
            .args(["-w", "start"])
            .output()
            .expect("pg_ctl start");
        assert!(
            out.status.success(),
            "pg_ctl start: {} {}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        wait_listening(port, &mut None, "postgres", &log);
        let ca = certs.map(|(ca, _, _)| ca);
        (Postgres { port, user: "rvm".into(), password: password.into(), data, bin, _dir: dir }, ca)
    }

    /// A PostgreSQL client program (`psql`, `pg_dump`) of this cluster's version.
    pub fn program(&self, name: &str) -> PathBuf {
        self.bin.join(name)
    }

    pub fn dsn(&self, password: &str) -> String {
        format!("postgres://{}:{password}@127.0.0.1:{}/postgres", self.user, self.port)
    }

    /// Runs SQL with psql as the superuser.
    pub fn sql(&self, sql: &str) -> String {
        let out = Command::new(self.bin.join("psql"))
            .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(["-U", &self.user, "-d", "postgres", "-c", sql])
            .env("PGPASSWORD", &self.password)
            .output()
            .expect("psql");
        assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

/// `prog` of the PostgreSQL `bin` folder, run as the cluster's owner: the
/// `postgres` user when the suite runs as root (PostgreSQL refuses root).
fn cluster_owner(bin: &Path, prog: &str) -> Command {
    if unsafe { libc::geteuid() } == 0 {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin.join(prog));
        c
    } else {
        Command::new(bin.join(prog))
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = cluster_owner(&self.bin, "pg_ctl").arg("-D").arg(&self.data).args(["-m", "immediate", "stop"]).output();
    }
}

pub struct Prometheus {
    pub port: u16,
    child: Option<Child>,
    _dir: TempDir,
}

impl Prometheus {
    /// A server scraping `/metrics` of `targets` (loopback ports) every second.
    pub fn start(targets: &[u16]) -> Prometheus {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let list: Vec<String> = targets.iter().map(|p| format!("'127.0.0.1:{p}'")).collect();
        let conf = dir.path().join("prometheus.yml");
        std::fs::write(
            &conf,
            format!(
                "global: {{ scrape_interval: 1s, evaluation_interval: 1s }}\n\
                 scrape_configs:\n  - {{ job_name: app, static_configs: [ {{ targets: [{}] }} ] }}\n",
                list.join(", ")
            ),
        )
        .expect("prometheus.yml");
        let log = dir.path().join("prometheus.log");
        let child = Command::new("prometheus")
            .arg(format!("--config.file={}", conf.display()))
            .arg(format!("--storage.tsdb.path={}", dir.path().join("data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--log.level=warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log"))
            .spawn()
            .expect("prometheus (run scripts/install-test-deps.sh)");
        let mut child = Some(child);
        wait_listening(port, &mut child, "prometheus", &log);
        let p = Prometheus { port, child, _dir: dir };
        let deadline = Instant::now() + Duration::from_secs(30);
        while p.get("/-/ready").0 != 200 {
            assert!(
                Instant::now() < deadline,
                "prometheus not ready: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        p
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn get(&self, path: &str) -> (u16, String) {
        super::slots::get(self.port, path).unwrap_or((0, String::new()))
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}
