//! Prompts answered for real under a pseudo-terminal: the approval prompt
//! (type the environment name), the environment picker, the confirmation.
//! The non-TTY side (no prompt, ever) is in tests/local.rs and tests/gates.rs.

mod support;

use std::time::Duration;

use expectrl::{Eof, Expect, Session};
use support::local::{LocalProject, Options};

fn pty(p: &LocalProject, args: &[&str]) -> expectrl::session::OsSession {
    let mut cmd = support::interactive(p.path());
    cmd.args(args);
    let mut s = Session::spawn(cmd).expect("spawn under a pty");
    s.set_expect_timeout(Some(Duration::from_secs(30)));
    s
}

fn exit_code(s: &mut expectrl::session::OsSession) -> i32 {
    match s.get_process_mut().wait() {
        Ok(expectrl::process::unix::WaitStatus::Exited(_, code)) => code,
        other => panic!("unexpected wait status {other:?}"),
    }
}

#[test]
fn approval_prompt_wants_the_environment_name() {
    let p = LocalProject::new(Options {
        extra_env: "    approval_required: true\n    approvers: [ops-lead, tester]\n".into(),
        ..Options::default()
    });
    p.release("1.0.0", false);

    let mut s = pty(&p, &["deploy", "-e", "development", "--version", "1.0.0", "--yes"]);
    s.expect("approval required from ops-lead, tester").expect("gate shown");
    s.expect("To approve as tester, type the environment name (development)").expect("prompt");
    s.send_line("production").expect("type");
    s.expect("expected 'development'").expect("wrong name refused");
    s.expect(Eof).expect("exits");
    assert_eq!(exit_code(&mut s), 3);
    assert_eq!(p.live("sim-01"), None, "nothing deployed");

    let mut s = pty(&p, &["deploy", "-e", "development", "--version", "1.0.0"]);
    s.expect("type the environment name (development)").expect("prompt");
    s.send_line("development").expect("type");
    s.expect("Done: 1.0.0 is live in development").expect("deployed");
    s.expect(Eof).expect("exits");
    assert_eq!(exit_code(&mut s), 0);
    assert_eq!(p.history_lines("sim-01")[0]["approved_by"], "tester");
}

#[test]
fn confirmation_and_environment_picker_at_a_terminal() {
    let p = LocalProject::new(Options::default());
    p.release("1.0.0", false);
    let mut s = pty(&p, &["deploy", "-e", "development", "--version", "1.0.0"]);
    s.expect("Deploy 1.0.0 to development (2 units)?").expect("confirmation");
    s.send("y").expect("answer");
    s.expect("Done: 1.0.0 is live").expect("deployed");
    s.expect(Eof).expect("exits");
    assert_eq!(exit_code(&mut s), 0);

    // Two environments and no -e: a fuzzy picker.
    let cfg = std::fs::read_to_string(p.path().join("deployment-config.yaml")).expect("config");
    let staging = cfg
        .replace("  development:\n", "  staging:\n")
        .split("environments:\n")
        .nth(1)
        .map(|s| s.split("\napps:").next().unwrap_or("").to_string())
        .unwrap_or_default();
    let two = cfg.replace("\napps:", &format!("\n{}\napps:", staging.trim_end()));
    std::fs::write(p.path().join("two.yaml"), two).expect("write");
    let mut s = pty(&p, &["-f", "two.yaml", "status", "--no-health"]);
    s.expect("Environment").expect("picker");
    s.send("stag").expect("filter");
    std::thread::sleep(Duration::from_millis(300));
    s.send("\r").expect("select");
    s.expect("in staging").expect("status of the picked environment");
    s.expect(Eof).expect("exits");
    assert_eq!(exit_code(&mut s), 0);
}

#[test]
fn a_live_countdown_while_waiting_for_the_window() {
    let p = LocalProject::new(Options {
        extra_env: "    deployment_window: { start: \"02:00\", end: \"06:00\", timezone: Asia/Jakarta }\n".into(),
        ..Options::default()
    });
    p.release("1.0.0", false);
    // 3 s before the window opens (02:00 WIB = 19:00 UTC).
    let mut cmd = support::interactive(p.path());
    cmd.args(["deploy", "-e", "development", "--version", "1.0.0", "--yes", "--wait-for-window"])
        .env("RVMCTL_NOW", "2026-11-23T18:59:57Z");
    let mut s = Session::spawn(cmd).expect("spawn under a pty");
    s.set_expect_timeout(Some(Duration::from_secs(30)));
    s.expect("00:00:0").expect("countdown");
    s.expect("until the deployment window 02:00–06:00 Asia/Jakarta opens 2026-11-24").expect("what it waits for");
    // It counts down in place (hh:mm:ss), not a line a minute.
    s.expect("00:00:01 until").expect("the countdown moves");
    s.expect("is open (waited").expect("the window opened");
    s.expect("Done: 1.0.0 is live in development").expect("deployed");
    s.expect(Eof).expect("exits");
    assert_eq!(exit_code(&mut s), 0);
}
