//! Production gates through the real binary: approvals, deployment windows
//! at injected instants, and the records they leave (history, audit log).

mod support;

use support::local::{LocalProject, Options};
use support::run;

const APPROVAL: &str = "    approval_required: true\n    approvers: [ops-lead, platform-oncall]\n";
// 02:00–06:00 in Jakarta (UTC+7): 03:00 WIB = 20:00 UTC, 12:00 WIB = 05:00 UTC.
const WINDOW: &str = "    deployment_window: { start: \"02:00\", end: \"06:00\", timezone: Asia/Jakarta }\n";
const INSIDE: &str = "2026-11-23T20:00:00Z";
const OUTSIDE: &str = "2026-11-23T05:00:00Z";

fn audit(p: &LocalProject) -> Vec<serde_json::Value> {
    std::fs::read_to_string(p.path().join(".state/rvmctl/audit.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("audit line is JSON"))
        .collect()
}

#[test]
fn approval_needs_approve_and_an_approver_not_just_yes() {
    let p = LocalProject::new(Options { extra_env: APPROVAL.into(), ..Options::default() });
    p.release("1.0.0", false);
    let (code, _, err) = run(p.cmd().args(["deploy", "-e", "development", "--version", "1.0.0", "--yes"]));
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("requires approval"), "{err}");
    assert!(err.contains("--yes alone does not approve"), "{err}");
    assert_eq!(p.live("sim-01"), None);

    let (code, _, err) =
        run(p.cmd().args(["deploy", "-e", "development", "--version", "1.0.0", "--approve", "--approver", "mallory"]));
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("'mallory' is not an approver of development (approvers: ops-lead, platform-oncall)"),
        "{err}"
    );

    let (code, _, err) = run(p
        .cmd()
        .args(["deploy", "-e", "development", "--version", "1.0.0", "--approve"])
        .env("GITHUB_ACTOR", "ops-lead")
        .env_remove("RVMCTL_USER"));
    assert_eq!(code, 0, "{err}");
    let last = p.history_lines("sim-01").pop().expect("history");
    assert_eq!(last["approved_by"], "ops-lead");
    let a = audit(&p);
    assert_eq!(a.len(), 3, "two refusals and one deploy: {a:?}");
    assert_eq!(a[0]["result"], "refused");
    assert_eq!(a[1]["result"], "refused");
    assert_eq!(a[2]["result"], "success");
    assert_eq!(a[2]["approved_by"], "ops-lead");
    assert_eq!(a[2]["user"], "ops-lead");
    assert_eq!(a[2]["version"], "1.0.0");
}

#[test]
fn outside_the_window_is_refused_with_the_next_opening() {
    let p = LocalProject::new(Options { extra_env: WINDOW.into(), ..Options::default() });
    p.release("1.0.0", false);
    let (code, _, err) =
        run(p.cmd().args(["deploy", "-e", "development", "--version", "1.0.0", "--yes"]).env("RVMCTL_NOW", OUTSIDE));
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("outside deployment window 02:00–06:00 Asia/Jakarta; next opening 2026-11-24 02:00 WIB"),
        "{err}"
    );
    assert_eq!(p.live("sim-01"), None);

    let (code, _, err) =
        run(p.cmd().args(["deploy", "-e", "development", "--version", "1.0.0", "--yes"]).env("RVMCTL_NOW", INSIDE));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn ignore_window_overrides_and_is_recorded() {
    let p = LocalProject::new(Options { extra_env: WINDOW.into(), ..Options::default() });
    p.release("1.0.0", false);
    let (code, _, err) = run(p
        .cmd()
        .args([
            "deploy",
            "-e",
            "development",
            "--version",
            "1.0.0",
            "--yes",
            "--ignore-window",
            "hotfix for CVE-2026-1234",
        ])
        .env("RVMCTL_NOW", OUTSIDE));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("overridden: hotfix for CVE-2026-1234"), "{err}");
    assert_eq!(p.history_lines("sim-02")[0]["window_override"], "hotfix for CVE-2026-1234");
    assert_eq!(audit(&p)[0]["window_override"], "hotfix for CVE-2026-1234");
}

#[test]
fn notifications_fire_and_a_broken_endpoint_is_only_a_warning() {
    let hook = support::http::Recorder::start(200);
    let slack = support::http::Recorder::start(200);
    let dead = format!("http://127.0.0.1:{}/hook", support::free_port());
    let top = format!(
        "global:\n  notifications:\n    - {{ kind: webhook, url: \"{}/deploy\", headers_env: {{ Authorization: HOOK_TOKEN }}, on: [start, success, failure] }}\n    - {{ kind: slack, webhook_url_env: SLACK_WEBHOOK_URL }}\n    - {{ kind: webhook, url: \"{dead}\" }}\n",
        hook.url
    );
    let p = LocalProject::new(Options { extra_top: top, ..Options::default() });
    p.release("1.0.0", false);
    let secret_hook = format!("{}/services/T000/B000/very-secret-slack-path", slack.url);
    let (code, out, err) = run(p
        .cmd()
        .args(["deploy", "-e", "development", "--version", "1.0.0", "--yes"])
        .env("HOOK_TOKEN", "Bearer hook-token-123456")
        .env("SLACK_WEBHOOK_URL", &secret_hook));
    assert_eq!(code, 0, "a failing notification never fails the deploy: {err}");
    assert!(err.contains("warning: webhook notification failed (the deploy is not affected)"), "{err}");
    assert!(!err.contains("very-secret-slack-path") && !out.contains("very-secret-slack-path"), "{err}");
    let bodies = hook.bodies();
    assert_eq!(bodies.len(), 2, "start + success: {bodies:?}");
    assert_eq!(bodies[0]["event"], "start");
    assert_eq!(bodies[1]["event"], "success");
    assert_eq!(bodies[1]["environment"], "development");
    assert_eq!(bodies[1]["version"], "1.0.0");
    assert_eq!(bodies[1]["user"], "tester");
    let reqs = hook.requests.lock().expect("lock").clone();
    assert!(reqs[0].headers.iter().any(|(k, v)| k == "authorization" && v == "Bearer hook-token-123456"));
    let slack_bodies = slack.bodies();
    assert_eq!(slack_bodies.len(), 1, "slack defaults to success/failure/rollback");
    assert!(
        slack_bodies[0]["text"].as_str().unwrap_or_default().contains("testrvm 1.0.0 → development: success"),
        "{slack_bodies:?}"
    );
}

#[test]
fn github_actions_outputs_summary_and_annotations() {
    let p = LocalProject::new(Options::default());
    p.release("1.0.0", false);
    p.release("1.1.0", false);
    let summary = p.path().join("summary.md");
    let output = p.path().join("output.txt");
    let gha = |cmd: &mut assert_cmd::Command| {
        cmd.env("GITHUB_ACTIONS", "true").env("GITHUB_STEP_SUMMARY", &summary).env("GITHUB_OUTPUT", &output);
    };
    assert_eq!(run(p.cmd().args(["deploy", "-e", "development", "--version", "1.0.0", "--yes"])).0, 0);
    let mut cmd = p.cmd();
    cmd.args(["deploy", "-e", "development", "--version", "1.1.0", "--yes"]);
    gha(&mut cmd);
    let (code, _, err) = run(&mut cmd);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("::group::rvmctl deploy 1.1.0 to development"), "{err}");
    assert!(err.contains("::endgroup::"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&output).expect("outputs"),
        "active_color=green\nprevious_color=blue\nversion=1.1.0\nrevision=2\nsplit=\n"
    );
    let md = std::fs::read_to_string(&summary).expect("summary");
    let md = regex_lite_replace(&md);
    insta::assert_snapshot!(md);

    // A config error becomes an annotation on its file and line.
    std::fs::write(p.path().join("bad.yaml"), "apiVersion: rvmctl/v1\nproject: p\nenvironments: {}\nstrategy: fast\n")
        .expect("write");
    let mut cmd = p.cmd();
    cmd.args(["-f", "bad.yaml", "config", "validate"]);
    gha(&mut cmd);
    let (code, _, err) = run(&mut cmd);
    assert_eq!(code, 2);
    assert!(
        err.contains("::error file=bad.yaml,line=4,col=1,title=rvmctl%3A invalid config::unknown key 'strategy'"),
        "{err}"
    );
}

/// Masks durations and plan hashes, which change every run.
fn regex_lite_replace(md: &str) -> String {
    md.lines()
        .map(|l| {
            if l.starts_with("Duration ") {
                "Duration [masked] · plan [masked] · by tester".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn secrets_never_reach_any_output() {
    let hook = support::http::Recorder::start(500);
    let top = format!(
        "global:\n  audit_log: ./audit.jsonl\n  notifications:\n    - {{ kind: webhook, url: \"{}/x?token=tok-in-url-987654\", on: [success, failure] }}\n",
        hook.url.replace("http://", "http://ops:pw-in-url-555@")
    );
    let p = LocalProject::new(Options { extra_top: top, ..Options::default() });
    p.release("1.0.0", false);
    let (code, out, err) = run(p
        .cmd()
        .args(["deploy", "-e", "development", "--version", "1.0.0", "--yes", "-v"])
        .env("GITHUB_TOKEN", "ghp_supersecrettoken0000")
        .env("GITHUB_ACTIONS", "true"));
    assert_eq!(code, 0, "{err}");
    let (_, view, _) = run(p.cmd().args(["config", "view"]));
    let audit = std::fs::read_to_string(p.path().join("audit.jsonl")).unwrap_or_default();
    let history = std::fs::read_to_string(p.host_dir("sim-01").join(".rvmctl/history.jsonl")).unwrap_or_default();
    for secret in ["ghp_supersecrettoken0000", "tok-in-url-987654", "pw-in-url-555"] {
        for (name, text) in
            [("stdout", &out), ("stderr", &err), ("config view", &view), ("audit", &audit), ("history", &history)]
        {
            assert!(!text.contains(secret), "{secret} leaked into {name}:\n{text}");
        }
    }
    assert!(err.contains("the endpoint answered 500"), "{err}");
}

// The window opens at 2026-11-23T19:00:00Z (02:00 WIB on the 24th).
const JUST_BEFORE: &str = "2026-11-23T18:59:58Z";

#[test]
fn wait_for_window_waits_for_the_opening_then_deploys() {
    let p = LocalProject::new(Options { extra_env: WINDOW.into(), ..Options::default() });
    p.release("1.0.0", false);
    let started = std::time::Instant::now();
    let (code, _, err) = run(p
        .cmd()
        .args(["deploy", "-e", "development", "--version", "1.0.0", "--yes", "--wait-for-window", "8h"])
        .env("RVMCTL_NOW", JUST_BEFORE));
    assert_eq!(code, 0, "{err}");
    assert!(started.elapsed() >= std::time::Duration::from_secs(2), "it waited the 2 s: {err}");
    assert!(
        err.contains("waiting for the deployment window: 02:00–06:00 Asia/Jakarta opens 2026-11-24 02:00 WIB, in 2s"),
        "{err}"
    );
    assert!(err.contains("the deployment window 02:00–06:00 Asia/Jakarta is open (waited 2s)"), "{err}");
    assert_eq!(p.live("sim-01").as_deref(), Some("blue"));
    assert_eq!(audit(&p).last().map(|a| a["result"].clone()), Some("success".into()));
}

#[test]
fn wait_for_window_refuses_an_opening_beyond_max_at_once() {
    let p = LocalProject::new(Options { extra_env: WINDOW.into(), ..Options::default() });
    p.release("1.0.0", false);
    // 05:00 UTC: the window opens in 14 h.
    let started = std::time::Instant::now();
    let (code, _, err) = run(p
        .cmd()
        .args(["deploy", "-e", "development", "--version", "1.0.0", "--yes", "--wait-for-window", "8h"])
        .env("RVMCTL_NOW", OUTSIDE));
    assert_eq!(code, 3, "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "refused without waiting");
    assert!(err.contains("next opening 2026-11-24 02:00 WIB, in 14h 00m: later than --wait-for-window 8h"), "{err}");
    assert_eq!(p.live("sim-01"), None);
    assert_eq!(audit(&p)[0]["result"], "refused");

    // Without a terminal, a confirmation that would be refused after the wait is refused now.
    let (code, _, err) = run(p
        .cmd()
        .args(["deploy", "-e", "development", "--version", "1.0.0", "--wait-for-window"])
        .env("RVMCTL_NOW", OUTSIDE));
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("pass --yes"), "{err}");
    assert!(!err.contains("waiting for"), "{err}");

    // --ignore-window and --wait-for-window say opposite things.
    let (code, _, err) = run(p.cmd().args([
        "deploy",
        "-e",
        "development",
        "--version",
        "1.0.0",
        "--yes",
        "--wait-for-window",
        "--ignore-window",
        "now",
    ]));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn sigint_while_waiting_for_the_window_exits_130_and_touches_nothing() {
    for (signal, word) in [(libc::SIGINT, "interrupted"), (libc::SIGTERM, "terminated")] {
        stop_the_wait(signal, word);
    }
}

fn stop_the_wait(signal: i32, word: &str) {
    use std::io::BufRead;
    let p = LocalProject::new(Options { extra_env: WINDOW.into(), ..Options::default() });
    p.release("1.0.0", false);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("rvmctl"))
        .current_dir(p.path())
        .args(["deploy", "-e", "development", "--version", "1.0.0", "--yes", "--wait-for-window"])
        .env("CI", "true")
        .env("RVMCTL_USER", "tester")
        .env("XDG_CACHE_HOME", p.path().join(".cache"))
        .env("XDG_STATE_HOME", p.path().join(".state"))
        .env("RVMCTL_NOW", OUTSIDE)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stderr = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    let mut seen = String::new();
    while !seen.contains("waiting for the deployment window") {
        let mut line = String::new();
        if stderr.read_line(&mut line).expect("read") == 0 {
            break;
        }
        seen.push_str(&line);
    }
    assert!(seen.contains("in 14h 00m"), "{seen}");
    // SAFETY: a signal to the child this test spawned.
    assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut stderr, &mut rest);
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(130), "{seen}{rest}");
    assert!(rest.contains(&format!("{word} while waiting for the deployment window; nothing was changed")), "{rest}");
    for h in ["sim-01", "sim-02"] {
        assert!(!p.host_dir(h).join(".rvmctl/lock.json").exists(), "{h}: no lock taken");
        assert!(!p.host_dir(h).join(".rvmctl/lock").exists(), "{h}: no lock file");
        assert_eq!(p.live(h), None, "{h}: nothing deployed");
    }
    assert!(audit(&p).is_empty(), "nothing ran, nothing refused");
}
