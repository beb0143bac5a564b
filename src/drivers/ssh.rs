//! `kind: ssh`: the Jetson slot model (see `slots.rs`) over OpenSSH.
//!
//! Built on the `openssh` crate with `native-mux`: one `ssh -M` master
//! connection per host, started lazily by the system `ssh` client (so
//! `~/.ssh/config`, `ProxyJump`, ssh-agent and `known_hosts` behave exactly as
//! for the operator's own `ssh`), and every command of a rollout opened as a
//! channel over that master. Why this crate and not `russh`: docs/design-ssh.md.
//!
//! - `exec`: `timeout -k 5 N sh -c SCRIPT` on the host, so a timed-out
//!   command is killed there too, not only abandoned here.
//! - `exec_with_input`: a command with a local file streamed to its stdin
//!   (the stage script receives an artifact this way: upload and unpack in
//!   one round trip); never read into memory whole.
//! - `hold` (the lock): a remote `sh` whose stdin stays open. When rvmctl
//!   exits or the connection dies, sshd closes that stdin, the holder ends
//!   and the host's flock is released.
//! - `http_get` / `tcp_connect`: run on the host (`curl`, and bash's
//!   `/dev/tcp` or `nc`), i.e. from the host's own point of view: a check of
//!   `http://127.0.0.1:8003/health` means the host's loopback, and works for a
//!   host behind NAT that the operator cannot reach directly.
//! - `connect` (redis, postgres, mqtt checks): a local forward of the master
//!   to `addr` as the host sees it, through a Unix socket in a private
//!   folder; rvmctl speaks the protocol, the host needs no client program.
//! - `proxy_jump`: the hops are dialled by a `ProxyCommand` that is exactly
//!   what OpenSSH builds for `ProxyJump` (`ssh -W '[%h]:%p' bastion`), plus
//!   `-F` of a generated config that gives the jump hops the target's own
//!   known_hosts, key and strictness (OpenSSH hands a `ProxyJump` hop only
//!   `-F`, none of our `-o`/`-i`), and `-E` of a log, so a failure at the
//!   bastion is reported as such (the master's stderr is /dev/null).

use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use openssh::{ControlPersist, KnownHosts, Session, SessionBuilder, Stdio};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};

use super::slots::{SlotDriver, hosts_for, sh_quote};
use super::transport::{ExecOutput, Held, Transport, TransportError, read_until_ready};
use crate::config::schema::{HostSpec, SshOptions};
use crate::config::types::ProxyJump;
use crate::config::{Config, ResolvedTarget};
use crate::gates::probes::ByteStream;
use crate::model::split_addr;

/// How one host is reached.
#[derive(Debug, Clone)]
pub struct SshSettings {
    /// What is handed to `ssh`: the host's `address`, else its name (which
    /// may be a `Host` alias of the ssh config).
    pub destination: String,
    pub user: Option<String>,
    pub port: Option<u16>,
    pub config: Option<PathBuf>,
    pub known_hosts: Option<PathBuf>,
    pub identity_file: Option<PathBuf>,
    pub strict_host_key_checking: bool,
    pub connect_timeout: Duration,
    /// Upper bound for any single remote command (None: the step's own timeout).
    pub command_timeout: Option<Duration>,
    /// Bastion(s) in between: the host's own `proxy_jump`, else the target's.
    pub proxy_jump: Option<ProxyJump>,
}

impl SshSettings {
    pub fn new(cfg: &Config, opts: &SshOptions, host: &HostSpec) -> Self {
        SshSettings {
            destination: host.address.clone().unwrap_or_else(|| host.name.clone()),
            user: host.user.clone(),
            port: host.port,
            config: opts.config.as_deref().map(|p| cfg.path(p)),
            known_hosts: opts.known_hosts.as_deref().map(|p| cfg.path(p)),
            identity_file: opts.identity_file.as_deref().map(|p| cfg.path(p)),
            strict_host_key_checking: opts.strict_host_key_checking.unwrap_or(true),
            connect_timeout: opts.connect_timeout.map(|d| d.get()).unwrap_or(Duration::from_secs(10)),
            command_timeout: opts.command_timeout.map(|d| d.get()),
            proxy_jump: host.proxy_jump.clone().or_else(|| opts.proxy_jump.clone()),
        }
    }
}

/// Runs commands on one host over a multiplexed OpenSSH connection.
pub struct SshTransport {
    host: String,
    settings: SshSettings,
    conn: tokio::sync::Mutex<Conn>,
}

#[derive(Default)]
struct Conn {
    /// The master connection; `None` until first use, and again after it
    /// was found dead (the next call reconnects).
    session: Option<Arc<Session>>,
    /// `proxy_jump` only: a private folder for the generated ssh configs and
    /// the jump hop's log, removed with the transport.
    jump_dir: Option<tempfile::TempDir>,
    /// Connection attempts so far (each gets its own jump log).
    attempts: u32,
}

impl SshTransport {
    pub fn new(host: &str, settings: SshSettings) -> Self {
        SshTransport { host: host.to_string(), settings, conn: tokio::sync::Mutex::new(Conn::default()) }
    }

    fn builder(&self) -> SessionBuilder {
        let s = &self.settings;
        let mut b = SessionBuilder::default();
        b.known_hosts_check(if s.strict_host_key_checking { KnownHosts::Strict } else { KnownHosts::Accept })
            .connect_timeout(s.connect_timeout.max(Duration::from_secs(1)))
            // Notice a host that vanished (no RST, e.g. a dropped link) within ~30 s.
            .server_alive_interval(Duration::from_secs(10))
            // A master left behind by a killed rvmctl goes away by itself.
            .control_persist(ControlPersist::IdleFor(
                std::num::NonZeroUsize::new(60).unwrap_or(std::num::NonZeroUsize::MIN),
            ));
        if let Some(u) = &s.user {
            b.user(u.clone());
        }
        if let Some(p) = s.port {
            b.port(p);
        }
        if let Some(c) = &s.config {
            b.config_file(c);
        }
        if let Some(k) = &s.known_hosts {
            b.user_known_hosts_file(k);
        }
        if let Some(i) = &s.identity_file {
            b.keyfile(i);
        }
        b
    }

    /// The master connection, started on first use.
    async fn session(&self) -> Result<Arc<Session>, TransportError> {
        let mut guard = self.conn.lock().await;
        if let Some(s) = guard.session.as_ref() {
            return Ok(s.clone());
        }
        let mut builder = self.builder();
        let jump_log = match &self.settings.proxy_jump {
            Some(jump) => {
                let (config, log) = self.write_jump_files(&mut guard, jump).map_err(TransportError::Connect)?;
                builder.config_file(config);
                Some(log)
            }
            None => None,
        };
        let started = std::time::Instant::now();
        // ConnectTimeout covers the TCP connect; the backstop covers a stuck handshake.
        let limit = self.settings.connect_timeout * 2 + Duration::from_secs(5);
        let session = match tokio::time::timeout(limit, builder.connect_mux(&self.settings.destination)).await {
            Ok(Ok(s)) => Arc::new(s),
            Ok(Err(e)) => return Err(self.connect_error(&e, jump_log.as_deref())),
            Err(_) => {
                let via = match &self.settings.proxy_jump {
                    Some(j) => format!(" through the bastion {j}"),
                    None => String::new(),
                };
                return Err(TransportError::Connect(format!(
                    "ssh to {}{via} did not finish connecting within {}; check the address and that sshd answers{}",
                    self.settings.destination,
                    crate::model::Duration(limit),
                    if via.is_empty() { "" } else { " there and on the bastion" }
                )));
            }
        };
        round_trip(&self.host, "connect", started);
        guard.session = Some(session.clone());
        Ok(session)
    }

    /// Writes the ssh configs of a connection through `jump` into the
    /// transport's private folder: the one handed to the master (`-F`) and
    /// the jump hops'. Returns that config and the jump hop's log.
    fn write_jump_files(&self, conn: &mut Conn, jump: &ProxyJump) -> Result<(PathBuf, PathBuf), String> {
        let cannot = |e: std::io::Error| {
            format!(
                "cannot write the ssh configs for the bastion {jump} of {} in {}: {e}; check that the temporary directory is writable (TMPDIR)",
                self.host,
                std::env::temp_dir().display()
            )
        };
        if conn.jump_dir.is_none() {
            conn.jump_dir = Some(tempfile::Builder::new().prefix("rvmctl-jump-").tempdir().map_err(cannot)?);
        }
        let Some(dir) = conn.jump_dir.as_ref().map(|d| d.path().to_path_buf()) else {
            return Err(format!("no folder for the ssh configs of the bastion {jump}"));
        };
        conn.attempts += 1;
        let (config, inner, log) = (
            dir.join(format!("ssh_config.{}", conn.attempts)),
            dir.join(format!("ssh_config.jump.{}", conn.attempts)),
            dir.join(format!("jump.{}.log", conn.attempts)),
        );
        let (outer_text, inner_text) = jump_configs(&self.settings, jump, &inner, &log)
            .map_err(|e| format!("{}: cannot connect through the bastion {jump}: {e}", self.host))?;
        std::fs::write(&inner, inner_text).map_err(cannot)?;
        std::fs::write(&config, outer_text).map_err(cannot)?;
        std::fs::write(&log, "").map_err(cannot)?;
        Ok((config, log))
    }

    /// Forgets a master that stopped answering, so the next call reconnects.
    async fn forget(&self) {
        self.conn.lock().await.session = None;
    }

    fn known_hosts_file(&self) -> String {
        self.settings
            .known_hosts
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "~/.ssh/known_hosts".into())
    }

    /// Why the master connection failed: refused (host key, our key) or
    /// not reached, with what to do.
    fn connect_error(&self, e: &openssh::Error, jump_log: Option<&Path>) -> TransportError {
        if let (Some(jump), Some(log)) = (&self.settings.proxy_jump, jump_log) {
            let said = std::fs::read_to_string(log).unwrap_or_default();
            if let Some(e) = jump_error(&self.host, &self.settings.destination, jump, &self.known_hosts_file(), &said) {
                return e;
            }
        }
        let detail = crate::exit::error_chain(e).replace("\r\n", "\n");
        let detail = detail.trim();
        let dest = &self.settings.destination;
        if host_key_refused(detail) {
            let file = self.known_hosts_file();
            TransportError::Refused(format!(
                "the host key of {} ({dest}) is unknown or has changed, so the connection was refused. Verify the key out of band and add it to {file} (e.g. `ssh-keyscan`), or set `ssh: {{ strict_host_key_checking: false }}` on the target to opt out: {detail}",
                self.host
            ))
        } else if detail.contains("Permission denied") {
            TransportError::Refused(format!(
                "{} ({dest}) refused our key: check the user, `ssh.identity_file` or that ssh-agent holds the key: {detail}",
                self.host
            ))
        } else {
            TransportError::Connect(format!(
                "cannot open an ssh connection to {} ({dest}); check the address and that sshd runs there: {detail}",
                self.host
            ))
        }
    }

    /// Maps a failure of a command on an established master.
    async fn command_error(&self, what: &str, e: openssh::Error) -> TransportError {
        match e {
            openssh::Error::Disconnected | openssh::Error::RemoteProcessTerminated | openssh::Error::SshMux(_) => {
                self.forget().await;
                TransportError::Connect(format!(
                    "the ssh connection to {} ({}) was lost during {what}: {}",
                    self.host,
                    self.settings.destination,
                    crate::exit::error_chain(&e)
                ))
            }
            other => TransportError::Io(format!("{what} on {}: {}", self.host, crate::exit::error_chain(&other))),
        }
    }

    fn limit(&self, timeout: Duration) -> Duration {
        match self.settings.command_timeout {
            Some(c) => timeout.min(c),
            None => timeout,
        }
    }

    /// Starts `sh -c script` on the host with the given stdin.
    async fn spawn(
        &self,
        script: &str,
        timeout: Option<Duration>,
        stdin: Stdio,
        what: &str,
    ) -> Result<openssh::Child<Arc<Session>>, TransportError> {
        let session = self.session().await?;
        let mut cmd = match timeout {
            // Enforced on the host as well: the process group is killed there at the deadline.
            Some(t) => {
                let mut c = Session::to_command(session, "timeout");
                c.arg("-k").arg("5").arg(t.as_secs().max(1).to_string()).arg("sh");
                c
            }
            None => Session::to_command(session, "sh"),
        };
        cmd.arg("-c").arg(script).stdin(stdin).stdout(Stdio::piped()).stderr(Stdio::piped());
        match cmd.spawn().await {
            Ok(c) => Ok(c),
            Err(e) => Err(self.command_error(what, e).await),
        }
    }
}

impl SshTransport {
    /// Runs `sh -c script` on the host (with `input` streamed to its stdin),
    /// killed there at `timeout`; its exit status and output.
    async fn run(&self, script: &str, input: Option<&Path>, timeout: Duration) -> Result<ExecOutput, TransportError> {
        let timeout = self.limit(timeout);
        let what = if input.is_some() { "sending the artifact" } else { "a command" };
        let mut file = match input {
            Some(p) => Some(tokio::fs::File::from_std(super::transport::open_input(p)?)),
            None => None,
        };
        let started = std::time::Instant::now();
        let stdin = if file.is_some() { Stdio::piped() } else { Stdio::null() };
        let mut child = self.spawn(script, Some(timeout), stdin, what).await?;
        let run = async {
            let mut broke = None;
            if let (Some(file), Some(mut stdin)) = (file.as_mut(), child.stdin().take()) {
                broke = tokio::io::copy(file, &mut stdin).await.err();
                let _ = stdin.shutdown().await;
            }
            let (status, stdout, mut stderr) = finish(child).await;
            let status = match status {
                Ok(s) => s,
                Err(e) => return Err(self.command_error(what, e).await),
            };
            // A script may end before it read everything (no room for it):
            // its own output says why; otherwise the stream broke.
            if let (Some(e), Some(p)) = (broke, input) {
                if status.success() || stdout.is_empty() && stderr.is_empty() {
                    stderr.push_str(&format!(
                        "\nsending {} to {} broke off: {e}; check the link to the host and run the deploy again",
                        p.display(),
                        self.host
                    ));
                }
            }
            Ok(ExecOutput { code: status.code(), stdout, stderr })
        };
        // The host kills the command at `timeout`; give it a moment to say so.
        let local = timeout + self.settings.connect_timeout + Duration::from_secs(10);
        let out = match tokio::time::timeout(local, run).await {
            Ok(r) => r?,
            Err(_) => {
                self.forget().await;
                return Err(TransportError::Timeout(timeout));
            }
        };
        round_trip(&self.host, if input.is_some() { "command with upload" } else { "command" }, started);
        if out.code == Some(124) {
            return Err(TransportError::Timeout(timeout));
        }
        Ok(out)
    }
}

/// What a reader has read so far: kept even when it never sees the end.
type Sink = Arc<std::sync::Mutex<Vec<u8>>>;

fn collect<R: AsyncRead + Unpin + Send + 'static>(r: Option<R>) -> (Sink, tokio::task::JoinHandle<()>) {
    let sink = Sink::default();
    let into = sink.clone();
    let task = tokio::spawn(async move {
        if let Some(mut r) = r {
            let mut chunk = [0u8; 8192];
            while let Ok(n) = r.read(&mut chunk).await {
                if n == 0 {
                    break;
                }
                into.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(&chunk[..n]);
            }
        }
    });
    (sink, task)
}

/// Waits for a remote command: its exit status and everything it printed.
///
/// The exit status can arrive before the last output (a loaded machine had
/// the readers lose a 300 ms race and the whole output was dropped: an
/// observation came back empty, "slot green is empty"). The readers now
/// get up to 2 s after the exit, and whatever they read by then is kept; the
/// bound is for a process the command left running in the background that
/// still holds the pipes open.
async fn finish(mut child: openssh::Child<Arc<Session>>) -> (Result<ExitStatus, openssh::Error>, String, String) {
    let (out, out_task) = collect(child.stdout().take());
    let (err, err_task) = collect(child.stderr().take());
    let readers = async {
        let _ = out_task.await;
        let _ = err_task.await;
    };
    tokio::pin!(readers);
    let wait = child.wait();
    tokio::pin!(wait);
    let status = tokio::select! {
        _ = &mut readers => wait.await,
        s = &mut wait => {
            let _ = tokio::time::timeout(Duration::from_secs(2), &mut readers).await;
            s
        }
    };
    let take = |s: &Sink| String::from_utf8_lossy(&s.lock().unwrap_or_else(|p| p.into_inner())).into_owned();
    (status, take(&out), take(&err))
}

#[async_trait]
impl Transport for SshTransport {
    async fn exec(&self, script: &str, timeout: Duration) -> Result<ExecOutput, TransportError> {
        self.run(script, None, timeout).await
    }

    async fn exec_with_input(
        &self,
        script: &str,
        input: &Path,
        timeout: Duration,
    ) -> Result<ExecOutput, TransportError> {
        self.run(script, Some(input), timeout).await
    }

    async fn hold(&self, script: &str, timeout: Duration) -> Result<(Box<dyn Held>, String), TransportError> {
        let started = std::time::Instant::now();
        let mut child = self.spawn(script, None, Stdio::piped(), "taking the lock").await?;
        let stdin = child.stdin().take();
        let Some(stdout) = child.stdout().take() else {
            return Err(TransportError::Io("no stdout from the lock holder".into()));
        };
        let mut lines = BufReader::new(stdout).lines();
        match tokio::time::timeout(timeout, read_until_ready(&mut lines)).await {
            Ok((text, ready)) if ready || !text.is_empty() => {
                round_trip(&self.host, "hold", started);
                Ok((Box::new(RemoteHolder { child: Some(child), stdin, lines, host: self.host.clone() }), text))
            }
            Ok(_) => {
                drop(stdin);
                let mut stderr = String::new();
                if let Some(mut e) = child.stderr().take() {
                    let _ = tokio::time::timeout(Duration::from_secs(2), e.read_to_string(&mut stderr)).await;
                }
                let _ = tokio::time::timeout(Duration::from_secs(2), child.wait()).await;
                Err(TransportError::Connect(format!(
                    "the lock holder on {} exited early: {}",
                    self.host,
                    if stderr.trim().is_empty() { "the connection was closed" } else { stderr.trim() }
                )))
            }
            Err(_) => Err(TransportError::Timeout(timeout)),
        }
    }

    async fn http_get(&self, url: &str, timeout: Duration) -> Result<(u16, String), TransportError> {
        // The status code goes on a line of its own after the body.
        let secs = format!("{:.1}", timeout.as_secs_f64().max(0.5));
        let script = format!(
            "curl -sS -o - -w '\\n%{{http_code}}' --noproxy '*' --connect-timeout {secs} --max-time {secs} {}",
            sh_quote(url)
        );
        // curl enforces the check's timeout; the slack covers starting processes on a busy host.
        let out = self.exec(&script, timeout + CHECK_SLACK).await?;
        if out.code == Some(127) {
            return Err(TransportError::Io(format!(
                "curl is not installed on {}; http health checks run on the host and need it",
                self.host
            )));
        }
        if !out.success() {
            return Err(TransportError::Connect(format!("GET {url} (from {}): {}", self.host, out.stderr.trim())));
        }
        let text = out.stdout;
        let (body, code) = text.rsplit_once('\n').unwrap_or(("", text.as_str()));
        let status = code.trim().parse::<u16>().map_err(|_| {
            TransportError::Io(format!("GET {url} (from {}): unexpected curl output {:?}", self.host, code.trim()))
        })?;
        Ok((status, body.to_string()))
    }

    async fn tcp_connect(&self, addr: &str, timeout: Duration) -> Result<(), TransportError> {
        let (host, port) = split_addr(addr)
            .ok_or_else(|| TransportError::Io(format!("'{addr}' is not host:port (e.g. 127.0.0.1:8080)")))?;
        let secs = timeout.as_secs().max(1);
        let script = format!(
            "h={h}; p={p}\nif command -v bash >/dev/null 2>&1; then exec bash -c 'exec 3<>\"/dev/tcp/$1/$2\"' rvmctl \"$h\" \"$p\"\n\
             elif command -v nc >/dev/null 2>&1; then exec nc -z -w {secs} \"$h\" \"$p\"\n\
             else echo 'neither bash nor nc on this host' >&2; exit 127; fi",
            h = sh_quote(host),
            p = sh_quote(port)
        );
        // A refused port fails at once; an unanswered one is cut off at the deadline.
        let out = self.exec(&script, timeout + CHECK_SLACK).await?;
        if out.success() {
            Ok(())
        } else {
            Err(TransportError::Connect(format!("connect {addr} (from {}): {}", self.host, out.stderr.trim())))
        }
    }

    async fn connect(&self, addr: &str, timeout: Duration) -> Result<Box<dyn ByteStream>, TransportError> {
        let bad = || TransportError::Io(format!("'{addr}' is not host:port (e.g. 127.0.0.1:6379)"));
        let (host, port) = split_addr(addr).ok_or_else(bad)?;
        let port: u16 = port.parse().map_err(|_| bad())?;
        let session = self.session().await?;
        let started = std::time::Instant::now();
        let dir = tempfile::Builder::new()
            .prefix("rvmctl-fwd-")
            .tempdir()
            .map_err(|e| TransportError::Io(format!("cannot make a folder for the forward to {addr}: {e}")))?;
        let socket = dir.path().join("s");
        let remote = openssh::Socket::new(host.to_string(), port);
        let forward = session.request_port_forward(openssh::ForwardType::Local, socket.clone(), remote);
        match tokio::time::timeout(timeout, forward).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                return Err(TransportError::Connect(format!("cannot forward to {addr} from {}: {e}", self.host)));
            }
            Err(_) => return Err(TransportError::Timeout(timeout)),
        }
        let stream = tokio::time::timeout(timeout, tokio::net::UnixStream::connect(&socket)).await;
        let forwarded = |stream| Forwarded {
            stream,
            session: session.clone(),
            socket: socket.clone(),
            remote: (host.to_string(), port),
            dir: Some(dir),
        };
        round_trip(&self.host, "forward", started);
        let err = match stream {
            Ok(Ok(s)) => return Ok(Box::new(forwarded(s))),
            Ok(Err(e)) => TransportError::Connect(format!("connect {addr} (from {}): {e}", self.host)),
            Err(_) => TransportError::Timeout(timeout),
        };
        let remote = openssh::Socket::new(host.to_string(), port);
        let _ = session.close_port_forward(openssh::ForwardType::Local, socket.clone(), remote).await;
        Err(err)
    }
}

/// A connection forwarded through a host's master ([`Transport::connect`]):
/// the forward and its private folder go when the connection does.
struct Forwarded {
    stream: tokio::net::UnixStream,
    session: Arc<Session>,
    socket: PathBuf,
    remote: (String, u16),
    dir: Option<tempfile::TempDir>,
}

impl Drop for Forwarded {
    fn drop(&mut self) {
        let (session, socket, (host, port), dir) =
            (self.session.clone(), self.socket.clone(), self.remote.clone(), self.dir.take());
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                let remote = openssh::Socket::new(host, port);
                let _ = session.close_port_forward(openssh::ForwardType::Local, socket, remote).await;
                drop(dir);
            });
        }
    }
}

impl tokio::io::AsyncRead for Forwarded {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for Forwarded {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.stream).poll_write(cx, buf)
    }
    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_flush(cx)
    }
    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Logs one round trip to the host (a remote command, the lock holder's
/// answer, an upload, or the master connection's handshake) and how long it
/// took: `RVMCTL_LOG=rvmctl::round_trip=debug` shows them, and the fleet
/// benchmark counts them per host.
fn round_trip(host: &str, what: &str, started: std::time::Instant) {
    tracing::debug!(target: "rvmctl::round_trip", host, what, ms = started.elapsed().as_millis() as u64, "ssh round trip");
}

/// Added to a health check's own timeout for the remote command that runs
/// it: starting `sh`/`curl` on a loaded Jetson is not the app being slow.
const CHECK_SLACK: Duration = Duration::from_secs(5);

/// The ssh configs of a connection through `jump`: `(master, hops)`.
///
/// The master's (`-F`) sets `ProxyCommand` to what OpenSSH itself builds for
/// `ProxyJump` — `ssh [-l user] [-p port] [-J earlier,hops] -W '[%h]:%p'
/// last-hop` — plus `-F hops -E log`, then includes the ssh config the target
/// would have used (`ssh.config`, else `~/.ssh/config` and the system one;
/// the first value of an option wins, so the explicit jump wins over any
/// `ProxyJump` there). The hops' config sets what rvmctl sets on the master's
/// command line for the host — BatchMode, strict host key checking, the
/// known_hosts file, the key, the connect timeout, keepalives — and includes
/// the same ssh config, so a `Host` alias of the bastion still resolves.
fn jump_configs(s: &SshSettings, jump: &ProxyJump, hops_config: &Path, log: &Path) -> Result<(String, String), String> {
    let Some((last, earlier)) = jump.0.split_last() else {
        return Err("`proxy_jump` names no host".into());
    };
    let includes = match &s.config {
        Some(c) => format!("Include {}\n", config_quoted(c, "ssh.config", false)?),
        None => "Include ~/.ssh/config\nInclude /etc/ssh/ssh_config\n".to_string(),
    };
    let mut cmd = format!("ssh -E {} -F {}", command_quoted(log)?, command_quoted(hops_config)?);
    if let Some(u) = &last.user {
        cmd.push_str(&format!(" -l '{u}'"));
    }
    if let Some(p) = last.port {
        cmd.push_str(&format!(" -p {p}"));
    }
    if !earlier.is_empty() {
        cmd.push_str(&format!(" -J '{}'", ProxyJump(earlier.to_vec())));
    }
    cmd.push_str(&format!(" -W '[%h]:%p' '{}'", last.host));
    let master =
        format!("# Generated by rvmctl: reach the host through `proxy_jump: {jump}`.\nProxyCommand {cmd}\n{includes}");

    let mut hops = format!(
        "# Generated by rvmctl: the jump hops of `proxy_jump: {jump}` are checked like the hosts.\n\
         BatchMode yes\nStrictHostKeyChecking {}\nConnectTimeout {}\nServerAliveInterval 10\n",
        if s.strict_host_key_checking { "yes" } else { "no" },
        s.connect_timeout.as_secs().max(1)
    );
    if let Some(k) = &s.known_hosts {
        hops.push_str(&format!("UserKnownHostsFile {}\n", config_quoted(k, "ssh.known_hosts", true)?));
    }
    if let Some(i) = &s.identity_file {
        hops.push_str(&format!("IdentityFile {}\nIdentitiesOnly yes\n", config_quoted(i, "ssh.identity_file", true)?));
    }
    hops.push_str(&includes);
    Ok((master, hops))
}

/// A path as a double-quoted ssh_config argument; `%` is doubled where ssh
/// expands `%` tokens in it.
fn config_quoted(p: &Path, what: &str, tokens: bool) -> Result<String, String> {
    let text = p.to_str().unwrap_or_default();
    let bad = |c: &str| text.is_empty() || text.contains(c);
    if ["\"", "\\", "\n", "${"].iter().any(|c| bad(c)) || (!tokens && text.contains('%')) {
        return Err(format!(
            "`{what}` ({}) has characters that cannot be passed on in an ssh config (\", \\, ${{, %, a newline, or not UTF-8); move the file to a plainer path",
            p.display()
        ));
    }
    Ok(format!("\"{}\"", if tokens { text.replace('%', "%%") } else { text.to_string() }))
}

/// A path (of rvmctl's own temporary folder) single-quoted for the shell
/// that runs `ProxyCommand`, with `%` doubled for ssh's token expansion.
fn command_quoted(p: &Path) -> Result<String, String> {
    let text = p.to_str().unwrap_or_default();
    if text.is_empty() || text.contains(['\'', '\n']) {
        return Err(format!(
            "the temporary directory {} has a quote or newline in its path; set TMPDIR to a plainer one",
            std::env::temp_dir().display()
        ));
    }
    Ok(format!("'{}'", text.replace('%', "%%")))
}

/// What ssh says when it refuses a host key (unknown, or changed).
fn host_key_refused(said: &str) -> bool {
    said.contains("Host key verification failed")
        || said.contains("host key is known")
        || said.contains("HOST IDENTIFICATION HAS CHANGED")
}

/// What went wrong at the bastion, from what the jump `ssh` logged; `None`
/// when it logged nothing (the failure was at the host itself).
fn jump_error(host: &str, dest: &str, jump: &ProxyJump, known_hosts: &str, said: &str) -> Option<TransportError> {
    let lines: Vec<&str> =
        said.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("Warning: Permanently added")).collect();
    if lines.is_empty() {
        return None;
    }
    let detail = lines[lines.len().saturating_sub(6)..].join("\n");
    let has = |s: &str| detail.contains(s);
    Some(if host_key_refused(&detail) {
        TransportError::Refused(format!(
            "the host key of the bastion {jump} (on the way to {host}) is unknown or has changed, so the connection was refused. Verify the bastion's key out of band and add it to {known_hosts} (e.g. `ssh-keyscan`), or set `ssh: {{ strict_host_key_checking: false }}` on the target to opt out: {detail}"
        ))
    } else if has("Permission denied") {
        TransportError::Refused(format!(
            "the bastion {jump} refused our key (on the way to {host}): check the bastion's user in `proxy_jump` (user@host), `ssh.identity_file` or that ssh-agent holds the key: {detail}"
        ))
    } else if has("stdio forwarding failed") || has("open failed") {
        TransportError::Connect(format!(
            "the bastion {jump} answered but could not connect on to {host} ({dest}): check that the host is up and that the bastion can reach its address and port: {detail}"
        ))
    } else {
        TransportError::Connect(format!(
            "cannot reach the bastion {jump} on the way to {host}: check that it is up and that `proxy_jump` names it correctly (user@host:port, or a Host alias of `ssh.config`): {detail}"
        ))
    })
}

/// The lock holder: a remote process whose stdin we keep open.
struct RemoteHolder {
    child: Option<openssh::Child<Arc<Session>>>,
    stdin: Option<openssh::ChildStdin>,
    /// Kept open while holding; [`Held::ask`] reads its answers here.
    lines: tokio::io::Lines<BufReader<openssh::ChildStdout>>,
    host: String,
}

#[async_trait]
impl Held for RemoteHolder {
    async fn release(mut self: Box<Self>) -> Result<(), TransportError> {
        if let Some(mut s) = self.stdin.take() {
            let _ = s.shutdown().await;
        }
        let Some(child) = self.child.take() else { return Ok(()) };
        match tokio::time::timeout(Duration::from_secs(10), child.wait()).await {
            Ok(_) => Ok(()),
            Err(_) => Err(TransportError::Timeout(Duration::from_secs(10))),
        }
    }

    async fn ask(&mut self, request: &str, timeout: Duration) -> Result<String, TransportError> {
        let started = std::time::Instant::now();
        let answer =
            crate::drivers::transport::ask_holder(self.stdin.as_mut(), &mut self.lines, request, timeout).await;
        round_trip(&self.host, "message", started);
        answer
    }
}

/// Builds the slot driver of an ssh target: one transport (one master
/// connection) per host.
pub fn new(cfg: &Config, env: &str, target: &ResolvedTarget) -> anyhow::Result<SlotDriver> {
    let base_t = target.app.base_dir.clone();
    let project = cfg.project().to_string();
    let app_name = target.app_name.clone();
    let mut bases = std::collections::HashMap::new();
    for h in &target.hosts {
        crate::model::validate_host_name(&h.name).map_err(anyhow::Error::msg)?;
        let base = match &base_t {
            Some(t) => t
                .render(&|n: &str| match n {
                    "project" => Some(project.clone()),
                    "app" => Some(app_name.clone()),
                    "environment" => Some(env.to_string()),
                    "target" => Some(target.name.clone()),
                    "host" => Some(h.name.clone()),
                    _ => h.vars.get(n).map(|v| v.0.clone()),
                })
                .map_err(|e| anyhow::anyhow!("target '{}', host {}: base_dir: {e}", target.name, h.name))?,
            None => format!("/opt/{project}/{app_name}"),
        };
        if !base.starts_with('/') {
            anyhow::bail!(
                "target '{}', host {}: base_dir must be an absolute path on the host, got '{base}'",
                target.name,
                h.name
            );
        }
        bases.insert(h.name.clone(), base.trim_end_matches('/').to_string());
    }
    let hosts = hosts_for(
        target,
        |h| bases.get(&h.name).cloned().unwrap_or_default(),
        |h| Arc::new(SshTransport::new(&h.name, SshSettings::new(cfg, &target.ssh, h))) as Arc<dyn Transport>,
    );
    Ok(SlotDriver::for_target(cfg, env, target, hosts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split() {
        assert_eq!(split_addr("127.0.0.1:8080"), Some(("127.0.0.1", "8080")));
        assert_eq!(split_addr("[::1]:80"), Some(("::1", "80")));
        assert_eq!(split_addr("localhost"), None);
        assert_eq!(split_addr("h:x"), None);
    }
}

#[cfg(test)]
mod jump_tests {
    use super::*;

    fn settings(jump: &str) -> (SshSettings, ProxyJump) {
        let j: ProxyJump = jump.parse().expect("jump");
        let s = SshSettings {
            destination: "rvm-001".into(),
            user: Some("deploy".into()),
            port: Some(22),
            config: Some(PathBuf::from("/etc/rvm/ssh_config")),
            known_hosts: Some(PathBuf::from("/etc/rvm/known_hosts")),
            identity_file: Some(PathBuf::from("/etc/rvm/id_%u")),
            strict_host_key_checking: true,
            connect_timeout: Duration::from_secs(7),
            command_timeout: None,
            proxy_jump: Some(j.clone()),
        };
        (s, j)
    }

    #[test]
    fn the_master_jumps_like_proxyjump_and_the_hops_get_our_settings() {
        let (s, j) = settings("ops@jump-1:2200,admin@[::1]:2222");
        let (master, hops) =
            jump_configs(&s, &j, Path::new("/tmp/rvmctl-jump-x/hops"), Path::new("/tmp/rvmctl-jump-x/jump.1.log"))
                .expect("configs");
        assert!(
            master.contains(
                "\nProxyCommand ssh -E '/tmp/rvmctl-jump-x/jump.1.log' -F '/tmp/rvmctl-jump-x/hops' -l 'admin' -p 2222 -J 'ops@jump-1:2200' -W '[%h]:%p' '::1'\nInclude \"/etc/rvm/ssh_config\"\n"
            ),
            "{master}"
        );
        for line in [
            "BatchMode yes",
            "StrictHostKeyChecking yes",
            "ConnectTimeout 7",
            "UserKnownHostsFile \"/etc/rvm/known_hosts\"",
            "IdentityFile \"/etc/rvm/id_%%u\"",
            "IdentitiesOnly yes",
            "Include \"/etc/rvm/ssh_config\"",
        ] {
            assert!(hops.lines().any(|l| l == line), "missing `{line}` in:\n{hops}");
        }
        // Our settings come before the include: the first value wins in ssh_config.
        assert!(hops.find("StrictHostKeyChecking").unwrap_or(usize::MAX) < hops.find("Include").unwrap_or(0));

        let (mut s, j) = settings("bastion");
        s.strict_host_key_checking = false;
        s.config = None;
        s.known_hosts = None;
        s.identity_file = None;
        let (master, hops) = jump_configs(&s, &j, Path::new("/t/h"), Path::new("/t/l")).expect("configs");
        assert!(master.contains("ProxyCommand ssh -E '/t/l' -F '/t/h' -W '[%h]:%p' 'bastion'\n"), "{master}");
        assert!(master.ends_with("Include ~/.ssh/config\nInclude /etc/ssh/ssh_config\n"), "{master}");
        assert!(hops.contains("StrictHostKeyChecking no\n") && !hops.contains("IdentityFile"), "{hops}");

        let (mut s, j) = settings("bastion");
        s.config = Some(PathBuf::from("/etc/rvm\"x/ssh_config"));
        let e = jump_configs(&s, &j, Path::new("/t/h"), Path::new("/t/l")).unwrap_err();
        assert!(e.contains("`ssh.config`") && e.contains("plainer path"), "{e}");
        let e = jump_configs(&settings("b").0, &j, Path::new("/t/it's"), Path::new("/t/l")).unwrap_err();
        assert!(e.contains("TMPDIR"), "{e}");
    }

    #[test]
    fn a_hosts_own_proxy_jump_wins_over_the_targets() {
        let text = "apiVersion: rvmctl/v1\nproject: p\nenvironments:\n  e:\n    targets:\n      - name: t\n        kind: ssh\n        app: a\n        ssh: { proxy_jump: \"ops@bastion-a:2222\", known_hosts: ./kh }\n        hosts: [h1, { name: h2, proxy_jump: \"jump-1,bastion-b\" }]\napps:\n  a: { artifact: { path: ./x }, services: [ { name: s, start: ./run } ] }\n";
        let cfg = crate::config::load_str(Path::new("/etc/rvm/c.yaml"), "c.yaml", text).expect("config");
        let env = cfg.environment("e").expect("env");
        let t = &env.targets[0];
        let jump = |i: usize| SshSettings::new(&cfg, &t.ssh, &t.hosts[i]).proxy_jump.map(|j| j.to_string());
        assert_eq!(jump(0).as_deref(), Some("ops@bastion-a:2222"));
        assert_eq!(jump(1).as_deref(), Some("jump-1,bastion-b"));
        assert_eq!(SshSettings::new(&cfg, &t.ssh, &t.hosts[0]).known_hosts, Some(PathBuf::from("/etc/rvm/kh")));
    }

    #[test]
    fn failures_at_the_bastion_are_told_apart_from_the_hosts() {
        // What ssh 9.x logs at the jump hop (-E) in each case.
        let j: ProxyJump = "root@127.0.0.1:24101".parse().expect("jump");
        let refused =
            |said: &str| matches!(jump_error("rvm-001", "rvm-001", &j, "/kh", said), Some(TransportError::Refused(_)));
        let err = |said: &str| jump_error("rvm-001", "rvm-001", &j, "/kh", said).map(|e| e.to_string());
        assert_eq!(err(""), None, "nothing at the bastion: the host's own failure");
        assert_eq!(
            err("Warning: Permanently added '[127.0.0.1]:24101' (ED25519) to the list of known hosts.\r\n"),
            None
        );
        let said_key = "No ED25519 host key is known for [127.0.0.1]:24101 and you have requested strict checking.\r\nHost key verification failed.\r\n";
        assert!(refused(said_key) && refused("Permission denied (publickey)."), "an operator must look");
        assert!(!refused("ssh: connect to host 127.0.0.1 port 24101: Connection refused"), "down: pending");
        let key = err(said_key);
        let key = key.unwrap_or_default();
        assert!(
            key.starts_with("the host key of the bastion root@127.0.0.1:24101 (on the way to rvm-001) is unknown"),
            "{key}"
        );
        assert!(key.contains("add it to /kh") && key.contains("strict_host_key_checking: false"), "{key}");
        let denied = err("root@127.0.0.1: Permission denied (publickey,keyboard-interactive).").unwrap_or_default();
        assert!(denied.starts_with("the bastion root@127.0.0.1:24101 refused our key"), "{denied}");
        let onward = err("channel 0: open failed: connect failed: Connection refused\nstdio forwarding failed")
            .unwrap_or_default();
        assert!(onward.contains("answered but could not connect on to rvm-001"), "{onward}");
        let down = err("ssh: connect to host 127.0.0.1 port 24101: Connection refused").unwrap_or_default();
        assert!(
            down.starts_with(
                "cannot reach the bastion root@127.0.0.1:24101 on the way to rvm-001: check that it is up"
            ) && down.ends_with("port 24101: Connection refused"),
            "{down}"
        );
    }
}
