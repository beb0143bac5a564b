//! How slot logic reaches a host: run a shell script, move a file, hold a
//! long-lived process (the lock), and probe HTTP/TCP from the host's own
//! point of view. `local` runs on this machine; `ssh` runs on a Jetson.

use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};

use crate::gates::health::Vantage;
use crate::gates::probes::ByteStream;

#[derive(Debug, Clone, Default)]
pub struct ExecOutput {
    /// None when killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl ExecOutput {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
    /// stdout and stderr together, for error messages.
    pub fn combined(&self) -> String {
        let mut s = self.stdout.clone();
        if !self.stderr.is_empty() {
            if !s.is_empty() && !s.ends_with('\n') {
                s.push('\n');
            }
            s.push_str(&self.stderr);
        }
        s
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("timed out after {}", crate::model::Duration(*.0))]
    Timeout(Duration),
    /// The host could not be reached (down, offline, link lost): it may
    /// well be fine, and a later run reaches it.
    #[error("{0}")]
    Connect(String),
    /// The host (or a bastion on the way) answered but the connection was
    /// refused: its host key is unknown or changed, or it refused our key.
    /// Retrying will not help; an operator must look.
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Io(String),
}

/// A process kept alive on the host (used to hold a flock); dropping it or
/// calling [`Held::release`] ends it.
#[async_trait]
pub trait Held: Send + Sync {
    async fn release(self: Box<Self>) -> Result<(), TransportError>;
    /// Sends `request` (one line) to the holding script and returns what it
    /// answers before its next [`READY`] line: work done while holding,
    /// without a command (a new session on the host) of its own.
    async fn ask(&mut self, request: &str, timeout: Duration) -> Result<String, TransportError>;
}

/// [`Held::ask`] over a holder's stdin and stdout lines.
pub async fn ask_holder<W, R>(
    stdin: Option<&mut W>,
    lines: &mut tokio::io::Lines<R>,
    request: &str,
    timeout: Duration,
) -> Result<String, TransportError>
where
    W: tokio::io::AsyncWrite + Unpin + Send,
    R: tokio::io::AsyncBufRead + Unpin + Send,
{
    use tokio::io::AsyncWriteExt as _;
    let Some(stdin) = stdin else { return Err(TransportError::Io("the holder was released".into())) };
    if request.contains('\n') {
        return Err(TransportError::Io("a request to the holder is one line".into()));
    }
    let exchange = async {
        stdin.write_all(format!("{request}\n").as_bytes()).await?;
        stdin.flush().await?;
        Ok::<_, std::io::Error>(read_until_ready(lines).await)
    };
    match tokio::time::timeout(timeout, exchange).await {
        // As for `hold`: a holder that ended having answered (e.g. that the lock is held) answered.
        Ok(Ok((text, ready))) if ready || !text.is_empty() => Ok(text),
        Ok(Ok(_)) => Err(TransportError::Connect("the holder ended before it answered".into())),
        Ok(Err(e)) => Err(TransportError::Connect(format!("writing to the holder: {e}"))),
        Err(_) => Err(TransportError::Timeout(timeout)),
    }
}

#[async_trait]
pub trait Transport: Send + Sync {
    /// Runs `script` with `sh -c`; a non-zero exit is not an error here.
    async fn exec(&self, script: &str, timeout: Duration) -> Result<ExecOutput, TransportError>;
    /// Runs `script` with the local file `input` streamed to its stdin (never
    /// read whole): an upload and what the host does with it, in one round
    /// trip. A script that ends before it read everything is not an error
    /// here; its exit status and output say why.
    async fn exec_with_input(
        &self,
        script: &str,
        input: &Path,
        timeout: Duration,
    ) -> Result<ExecOutput, TransportError>;
    /// Starts `script` with stdin open and returns what it printed up to a
    /// line [`READY`] (not included), or everything it printed if it ended
    /// first having printed something (e.g. that the lock is held).
    async fn hold(&self, script: &str, timeout: Duration) -> Result<(Box<dyn Held>, String), TransportError>;
    /// GET `url` as seen from the host: (status, body).
    async fn http_get(&self, url: &str, timeout: Duration) -> Result<(u16, String), TransportError>;
    /// TCP connect to `addr` as seen from the host.
    async fn tcp_connect(&self, addr: &str, timeout: Duration) -> Result<(), TransportError>;
    /// A TCP connection to `addr` as seen from the host, for the protocols
    /// health checks speak themselves.
    async fn connect(&self, addr: &str, timeout: Duration) -> Result<Box<dyn ByteStream>, TransportError>;
}

/// Opens the local file a command gets on its stdin ([`Transport::exec_with_input`]).
pub fn open_input(path: &Path) -> Result<std::fs::File, TransportError> {
    std::fs::File::open(path).map_err(|e| TransportError::Io(format!("cannot read {}: {e}", path.display())))
}

/// The line a [`Transport::hold`] script prints once it holds what it holds.
pub const READY: &str = "RVM_READY";

/// Reads lines until [`READY`]: the text before it, and whether it came.
pub async fn read_until_ready<R: tokio::io::AsyncBufRead + Unpin>(lines: &mut tokio::io::Lines<R>) -> (String, bool) {
    let mut text = String::new();
    while let Ok(Some(line)) = lines.next_line().await {
        if line == READY {
            return (text, true);
        }
        text.push_str(&line);
        text.push('\n');
    }
    (text, false)
}

/// Runs commands on this machine.
pub struct LocalTransport {
    http: reqwest::Client,
}

impl LocalTransport {
    pub fn new() -> Self {
        LocalTransport { http: reqwest::Client::builder().no_proxy().build().unwrap_or_default() }
    }

    /// The operator's machine as a point of view, built once per process:
    /// Kubernetes checks, Prometheus queries and analyses share its HTTP
    /// client (and its connections) instead of building one per probe.
    pub fn operator() -> &'static LocalTransport {
        static OPERATOR: std::sync::OnceLock<LocalTransport> = std::sync::OnceLock::new();
        OPERATOR.get_or_init(LocalTransport::new)
    }
}

impl Default for LocalTransport {
    fn default() -> Self {
        Self::new()
    }
}

/// `sh -c script` in its own process group, so a Ctrl-C at the terminal
/// reaches rvmctl (which stops at a safe point) and not the host commands.
pub fn shell(script: &str) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(script).process_group(0).kill_on_drop(true);
    cmd
}

/// Kills the whole process group of `child` (the shell and what it started
/// in the foreground).
pub fn kill_group(child: &Child) {
    if let Some(pid) = child.id() {
        // SAFETY: kill(2) with a negative pid signals a process group; no memory is touched.
        unsafe {
            libc::kill(-(pid as i32), libc::SIGKILL);
        }
    }
}

fn collect<R: AsyncRead + Unpin + Send + 'static>(r: Option<R>) -> (Arc<Mutex<Vec<u8>>>, tokio::task::JoinHandle<()>) {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let b = buf.clone();
    let task = tokio::spawn(async move {
        let Some(mut r) = r else { return };
        let mut chunk = [0u8; 8192];
        while let Ok(n) = r.read(&mut chunk).await {
            if n == 0 {
                break;
            }
            if let Ok(mut g) = b.lock() {
                g.extend_from_slice(&chunk[..n]);
            }
        }
    });
    (buf, task)
}

fn take(buf: &Arc<Mutex<Vec<u8>>>) -> String {
    buf.lock().map(|g| String::from_utf8_lossy(&g).into_owned()).unwrap_or_default()
}

/// Runs a prepared command to completion with a timeout. Output is read
/// until the process exits plus a short grace: a service started in the
/// background may keep our pipes open for its whole life.
pub async fn run_command(mut cmd: Command, timeout: Duration) -> Result<ExecOutput, TransportError> {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    run_spawned(cmd, timeout).await
}

/// [`run_command`] for a command whose stdio is set up already.
async fn run_spawned(mut cmd: Command, timeout: Duration) -> Result<ExecOutput, TransportError> {
    let mut child = cmd.spawn().map_err(|e| TransportError::Io(format!("cannot start command: {e}")))?;
    let (out, out_task) = collect(child.stdout.take());
    let (err, err_task) = collect(child.stderr.take());
    let status = match tokio::time::timeout(timeout, child.wait()).await {
        Ok(s) => s.map_err(|e| TransportError::Io(e.to_string()))?,
        Err(_) => {
            kill_group(&child);
            let _ = child.wait().await;
            return Err(TransportError::Timeout(timeout));
        }
    };
    let grace = Duration::from_millis(300);
    let _ = tokio::time::timeout(grace, out_task).await;
    let _ = tokio::time::timeout(grace, err_task).await;
    Ok(ExecOutput { code: status.code(), stdout: take(&out), stderr: take(&err) })
}

/// Starts `cmd` with stdin piped and waits for its [`READY`] line (see
/// [`Transport::hold`]).
pub async fn hold_command(mut cmd: Command, timeout: Duration) -> Result<(Box<dyn Held>, String), TransportError> {
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| TransportError::Io(format!("cannot start command: {e}")))?;
    let stdin = child.stdin.take();
    let Some(stdout) = child.stdout.take() else {
        return Err(TransportError::Io("no stdout".into()));
    };
    let mut lines = BufReader::new(stdout).lines();
    let first = match tokio::time::timeout(timeout, read_until_ready(&mut lines)).await {
        Ok((text, ready)) if ready || !text.is_empty() => text,
        Ok(_) => {
            let mut stderr = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = tokio::time::timeout(Duration::from_secs(2), e.read_to_string(&mut stderr)).await;
            }
            let _ = child.wait().await;
            return Err(TransportError::Io(format!("lock holder exited early: {}", stderr.trim())));
        }
        Err(_) => {
            kill_group(&child);
            return Err(TransportError::Timeout(timeout));
        }
    };
    Ok((Box::new(HeldChild { child, stdin, out: lines }), first))
}

struct HeldChild {
    child: Child,
    stdin: Option<ChildStdin>,
    /// Kept open: a holder writing after [`READY`] must not get SIGPIPE.
    /// [`Held::ask`] reads its answers here.
    out: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
}

#[async_trait]
impl Held for HeldChild {
    async fn release(mut self: Box<Self>) -> Result<(), TransportError> {
        drop(self.stdin.take());
        match tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await {
            Ok(_) => Ok(()),
            Err(_) => {
                kill_group(&self.child);
                Err(TransportError::Timeout(Duration::from_secs(10)))
            }
        }
    }

    async fn ask(&mut self, request: &str, timeout: Duration) -> Result<String, TransportError> {
        ask_holder(self.stdin.as_mut(), &mut self.out, request, timeout).await
    }
}

#[async_trait]
impl Transport for LocalTransport {
    async fn exec(&self, script: &str, timeout: Duration) -> Result<ExecOutput, TransportError> {
        run_command(shell(script), timeout).await
    }

    async fn exec_with_input(
        &self,
        script: &str,
        input: &Path,
        timeout: Duration,
    ) -> Result<ExecOutput, TransportError> {
        let mut cmd = shell(script);
        cmd.stdin(Stdio::from(open_input(input)?)).stdout(Stdio::piped()).stderr(Stdio::piped());
        run_spawned(cmd, timeout).await
    }

    async fn hold(&self, script: &str, timeout: Duration) -> Result<(Box<dyn Held>, String), TransportError> {
        hold_command(shell(script), timeout).await
    }

    async fn http_get(&self, url: &str, timeout: Duration) -> Result<(u16, String), TransportError> {
        let resp = self.http.get(url).timeout(timeout).send().await.map_err(|e| {
            if e.is_timeout() {
                TransportError::Timeout(timeout)
            } else {
                TransportError::Connect(format!("GET {url}: {}", crate::exit::error_chain(&e)))
            }
        })?;
        let status = resp.status().as_u16();
        let body = resp.text().await.unwrap_or_default();
        Ok((status, body))
    }

    async fn tcp_connect(&self, addr: &str, timeout: Duration) -> Result<(), TransportError> {
        Transport::connect(self, addr, timeout).await.map(drop)
    }

    async fn connect(&self, addr: &str, timeout: Duration) -> Result<Box<dyn ByteStream>, TransportError> {
        match tokio::time::timeout(timeout, tokio::net::TcpStream::connect(addr)).await {
            Ok(Ok(s)) => Ok(Box::new(s)),
            Ok(Err(e)) => Err(TransportError::Connect(format!("connect {addr}: {e}"))),
            Err(_) => Err(TransportError::Timeout(timeout)),
        }
    }
}

/// Health checks run where the transport runs: on the host itself for ssh,
/// on this machine for local targets and Kubernetes apps.
#[async_trait]
impl<T: Transport + ?Sized> Vantage for T {
    async fn http_get(&self, url: &str, timeout: Duration) -> Result<(u16, String), String> {
        // Transport errors quote the URL: never with its credentials.
        Transport::http_get(self, url, timeout).await.map_err(|e| crate::model::redact_url(&e.to_string()))
    }
    async fn tcp_connect(&self, addr: &str, timeout: Duration) -> Result<(), String> {
        Transport::tcp_connect(self, addr, timeout).await.map_err(|e| e.to_string())
    }
    async fn exec(&self, script: &str, timeout: Duration) -> Result<(Option<i32>, String), String> {
        let out = Transport::exec(self, script, timeout).await.map_err(|e| e.to_string())?;
        Ok((out.code, out.combined()))
    }
    async fn connect(&self, addr: &str, timeout: Duration) -> Result<Box<dyn ByteStream>, String> {
        Transport::connect(self, addr, timeout).await.map_err(|e| e.to_string())
    }
}
