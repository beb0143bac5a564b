//! `rvmctl status --watch`: at a real pseudo-terminal the status is redrawn
//! with what changed under it; through a pipe, one line (or JSON object) per
//! change. Ctrl-C stops it without touching anything.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use expectrl::{ControlCode, Eof, Expect, Session};
use support::local::{LocalProject, Options};
use support::run;

fn watched(p: &LocalProject, args: &[&str]) -> Command {
    let mut cmd = support::interactive(p.path());
    cmd.args(["status", "-e", "development", "--no-health"]).args(args);
    cmd
}

fn deployed(version: &str) -> LocalProject {
    let p = LocalProject::new(Options::default());
    for v in ["1.0.0", "1.1.0"] {
        p.release(v, false);
    }
    let (code, _, err) = run(p.cmd().args(["deploy", "-e", "development", "--version", version, "--yes"]));
    assert_eq!(code, 0, "{err}");
    p
}

fn deploy(p: &LocalProject, version: &str) {
    let (code, _, err) = run(p.cmd().args(["deploy", "-e", "development", "--version", version, "--yes"]));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn watch_redraws_at_a_terminal_shows_the_switch_and_stops_on_ctrl_c() {
    let p = deployed("1.0.0");
    let mut s = Session::spawn(watched(&p, &["--watch", "1s"])).expect("spawn under a pty");
    s.set_expect_timeout(Some(Duration::from_secs(30)));
    s.expect("Every 1s: rvmctl status -e development").expect("the frame's header");
    s.expect("2/2 on 1.0.0 (blue)").expect("the status itself");

    deploy(&p, "1.1.0");
    s.expect("Changed since the last look:").expect("a frame with changes");
    s.expect("edge-sim/sim-01 live: 1.0.0 (blue) → 1.1.0 (green)").expect("the switch, per unit");
    s.expect("2/2 on 1.1.0 (green)").expect("the redrawn status");

    s.send(ControlCode::EndOfText).expect("Ctrl-C");
    s.expect(Eof).expect("stops");
    match s.get_process_mut().wait() {
        Ok(expectrl::process::unix::WaitStatus::Exited(_, code)) => assert_eq!(code, 0),
        other => panic!("unexpected wait status {other:?}"),
    }
    assert_eq!(p.live("sim-01").as_deref(), Some("green"), "watching touched nothing");
    p.assert_safe();
}

/// Reads the child's stdout on a thread; `until` waits for a line that contains `what`.
struct Lines(mpsc::Receiver<String>, Vec<String>);

impl Lines {
    fn until(&mut self, what: &str) -> String {
        loop {
            match self.0.recv_timeout(Duration::from_secs(30)) {
                Ok(l) if l.contains(what) => return l,
                Ok(l) => self.1.push(l),
                Err(_) => panic!("no line with {what:?}; got:\n{}", self.1.join("\n")),
            }
        }
    }
}

fn spawn_lines(mut cmd: Command) -> (std::process::Child, Lines) {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("spawn");
    let out = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(l);
        }
    });
    (child, Lines(rx, Vec::new()))
}

fn interrupt(mut child: std::process::Child) -> Option<i32> {
    // SAFETY: signalling our own child by its pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    child.wait().expect("wait").code()
}

#[test]
fn watch_through_a_pipe_prints_one_line_per_change() {
    let p = deployed("1.0.0");
    let (child, mut lines) = spawn_lines(watched(&p, &["--watch", "300ms"]));
    lines.until("2/2 on 1.0.0 (blue)");
    deploy(&p, "1.1.0");
    for h in ["sim-01", "sim-02"] {
        let l = lines.until(&format!("edge-sim/{h} live:"));
        assert!(l.ends_with("live: 1.0.0 (blue) → 1.1.0 (green)"), "{l}");
    }
    assert_eq!(interrupt(child), Some(0), "Ctrl-C ends a watch cleanly");
    assert_eq!(p.live("sim-02").as_deref(), Some("green"));
}

#[test]
fn watch_with_json_prints_one_object_per_change() {
    let p = deployed("1.0.0");
    let (child, mut lines) = spawn_lines(watched(&p, &["--watch", "300ms", "-o", "json"]));
    lines.until("\"environment\": \"development\"");
    deploy(&p, "1.1.0");
    let l = lines.until("\"aspect\":\"live\"");
    let v: serde_json::Value = serde_json::from_str(&l).expect("one JSON object per line");
    assert_eq!(v["target"], "edge-sim");
    assert_eq!(v["from"], "1.0.0 (blue)");
    assert_eq!(v["to"], "1.1.0 (green)");
    assert!(v["at"].as_str().is_some_and(|a| a.ends_with('Z')), "{v}");
    assert_eq!(interrupt(child), Some(0));
}
