//! A real SMTP relay for the email notifications: Debian's `python3-aiosmtpd`
//! (installed by `scripts/install-test-deps.sh`) on a free loopback port,
//! speaking STARTTLS, implicit TLS or plain SMTP with a throwaway
//! certificate, optionally requiring AUTH. Every message it accepts becomes
//! one JSON file (envelope, decoded headers and body, whether the session was
//! encrypted and who logged in). Stopped when dropped.
//!
//! aiosmtpd's command line has no authenticator, so the server is a short
//! script around its `SMTP` class rather than `python3 -m aiosmtpd`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use super::free_port;

const SERVER: &str = r#"
import asyncio, email, email.policy, json, os, ssl, sys
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

outdir, port, mode, cert, key, user, password = sys.argv[1:8]

class Handler:
    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(msg["from"]),
            "to": str(msg["to"]),
            "subject": str(msg["subject"]),
            "content_type": msg.get_content_type(),
            "body": body.get_content().replace("\r\n", "\n") if body is not None else "",
            "encrypted": server.transport.get_extra_info("ssl_object") is not None,
            "login": getattr(session.auth_data, "login", b"").decode() if session.authenticated else None,
        }
        n = len(os.listdir(outdir))
        tmp = os.path.join(outdir, f".{n}.tmp")
        with open(tmp, "w") as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(outdir, f"{n:04}.json"))
        return "250 OK"

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
    # handled=False: aiosmtpd answers 535 itself (with the default, nobody would).
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

def context():
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx

async def main():
    loop = asyncio.get_running_loop()
    kw = {"loop": loop}
    if mode == "starttls":
        kw.update(tls_context=context(), require_starttls=True)
    if user:
        # Implicit TLS is encrypted from the first byte, which aiosmtpd's
        # STARTTLS-based check does not see.
        kw.update(authenticator=authenticator, auth_required=True, auth_require_tls=(mode == "starttls"))
    server = await loop.create_server(
        lambda: SMTP(Handler(), **kw), "127.0.0.1", int(port), ssl=context() if mode == "implicit" else None
    )
    async with server:
        await server.serve_forever()

asyncio.run(main())
"#;

/// How the relay secures its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpMode {
    Starttls,
    Implicit,
    Plain,
}

pub struct Smtp {
    pub port: u16,
    /// The PEM of the CA that signed the relay's certificate (127.0.0.1, localhost).
    pub ca_file: PathBuf,
    child: Option<Child>,
    dir: TempDir,
}

impl Smtp {
    /// A relay in `mode`; with `auth`, it accepts mail only after AUTH as
    /// that (user, password).
    pub fn start(mode: SmtpMode, auth: Option<(&str, &str)>) -> Smtp {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let (ca_file, cert, key) = super::services::test_certificates(dir.path());
        let mail = dir.path().join("mail");
        std::fs::create_dir(&mail).expect("mail dir");
        let log = dir.path().join("smtp.log");
        let mode_arg = match mode {
            SmtpMode::Starttls => "starttls",
            SmtpMode::Implicit => "implicit",
            SmtpMode::Plain => "plain",
        };
        let (user, password) = auth.unwrap_or(("", ""));
        // Debian's package installs for the system interpreter, which may not
        // be the first `python3` on PATH.
        let out = std::fs::File::create(&log).expect("log");
        let python = if std::path::Path::new("/usr/bin/python3").exists() { "/usr/bin/python3" } else { "python3" };
        let child = Command::new(python)
            .arg("-c")
            .arg(SERVER)
            .arg(&mail)
            .arg(port.to_string())
            .args([mode_arg])
            .arg(&cert)
            .arg(&key)
            .args([user, password])
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("log"))
            .stderr(out)
            .spawn()
            .expect("python3 with aiosmtpd (run scripts/install-test-deps.sh)");
        let mut smtp = Smtp { port, ca_file, child: Some(child), dir };
        smtp.wait_listening(&log);
        smtp
    }

    fn wait_listening(&mut self, log: &std::path::Path) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                panic!("the SMTP relay exited ({status}): {}", std::fs::read_to_string(log).unwrap_or_default());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the SMTP relay did not listen on {}: {}", self.port, std::fs::read_to_string(log).unwrap_or_default());
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<serde_json::Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path().join("mail"))
            .expect("mail dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).expect("message")).expect("JSON"))
            .collect()
    }

    /// What the relay logged (its errors, for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("smtp.log")).unwrap_or_default()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
