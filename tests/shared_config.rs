//! `config_files:` on slot hosts: config that lives outside the slots
//! (`/etc/myrvm/edge.yaml` on a Jetson) follows the live release. It is
//! backed up before a release installs its own, put back by a rollback
//! (asked for, automatic, or an abort after a SIGKILL), survives a
//! resumed run, and a hand-edited file from before rvmctl is kept.

mod support;

use support::local::{LocalProject, Options};
use support::run;

fn project(monitor: &'static str) -> LocalProject {
    let p = LocalProject::new(Options {
        monitor,
        extra_checks: "    config_files:\n      - { path: \"{base_dir}/etc/edge.yaml\", source: edge.yaml }\n      - { path: \"{base_dir}/etc/new-in-1.1.yaml\", source: extra.yaml }\n".into(),
        ..Options::default()
    });
    for h in &p.hosts {
        let etc = p.host_dir(h).join("etc");
        std::fs::create_dir_all(&etc).expect("etc");
        std::fs::write(etc.join("edge.yaml"), "hand: edited\n").expect("hand-edited config");
    }
    p
}

fn release(p: &LocalProject, version: &str, fail_when_live: bool) {
    p.release_with(version, false, fail_when_live);
    let dir = p.path().join(format!("dist/edge-{version}"));
    std::fs::write(dir.join("edge.yaml"), format!("version: {version}\n")).expect("edge.yaml");
    std::fs::write(dir.join("extra.yaml"), format!("extra: {version}\n")).expect("extra.yaml");
}

fn config(p: &LocalProject, file: &str) -> Vec<Option<String>> {
    p.hosts.iter().map(|h| std::fs::read_to_string(p.host_dir(h).join("etc").join(file)).ok()).collect()
}

fn all(v: Option<&str>, n: usize) -> Vec<Option<String>> {
    vec![v.map(str::to_string); n]
}

/// 1.0.0 live, then a deploy of `version` SIGKILLed right after the first
/// host installed its config files.
fn killed_after_install(p: &LocalProject, version: &str) {
    if version != "1.0.0" {
        assert_eq!(deploy(p, "1.0.0").0, 0);
    }
    let out = p
        .cmd()
        .args(["deploy", "-e", "development", "--version", version, "--yes"])
        .env("RVMCTL_FAULT", "after:install_config")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), None, "killed after installing {version}'s config");
    p.settle();
}

fn deploy(p: &LocalProject, version: &str) -> (i32, String, String) {
    run(p.cmd().args(["deploy", "-e", "development", "--version", version, "--yes"]))
}

#[test]
fn config_files_follow_the_live_release_and_come_back_on_rollback() {
    let p = project("0s");
    release(&p, "1.0.0", false);
    release(&p, "1.1.0", false);
    assert_eq!(deploy(&p, "1.0.0").0, 0);
    assert_eq!(config(&p, "edge.yaml"), all(Some("version: 1.0.0\n"), 2));
    assert_eq!(deploy(&p, "1.1.0").0, 0);
    assert_eq!(config(&p, "edge.yaml"), all(Some("version: 1.1.0\n"), 2));

    let (code, out, err) = run(p.cmd().args(["rollback", "-e", "development", "--yes"]));
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(config(&p, "edge.yaml"), all(Some("version: 1.0.0\n"), 2), "back to 1.0.0's config");
    // A rollback of the rollback puts 1.1.0 live again, with its own files.
    let (code, out, err) = run(p.cmd().args(["rollback", "-e", "development", "--yes"]));
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(config(&p, "edge.yaml"), all(Some("version: 1.1.0\n"), 2), "a rollback of a rollback is 1.1.0 again");
}

#[test]
fn a_release_that_fails_live_puts_the_previous_config_back() {
    let p = project("3s");
    release(&p, "1.0.0", false);
    release(&p, "1.1.0", true);
    assert_eq!(deploy(&p, "1.0.0").0, 0);
    let (code, out, err) = deploy(&p, "1.1.0");
    assert_eq!(code, 4, "{out}\n{err}");
    assert_eq!(config(&p, "edge.yaml"), all(Some("version: 1.0.0\n"), 2));
    assert_eq!(config(&p, "new-in-1.1.yaml"), all(Some("extra: 1.0.0\n"), 2));
}

#[test]
fn abort_after_a_kill_restores_the_config_and_the_color() {
    let p = project("0s");
    release(&p, "1.0.0", false);
    release(&p, "1.1.0", false);
    killed_after_install(&p, "1.1.0");
    assert!(config(&p, "edge.yaml").contains(&Some("version: 1.1.0\n".to_string())));

    let (code, out, err) = run(p.cmd().args(["abort", "-e", "development", "--yes"]));
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(p.hosts.iter().map(|h| p.live(h)).collect::<Vec<_>>(), all(Some("blue"), 2));
    assert_eq!(config(&p, "edge.yaml"), all(Some("version: 1.0.0\n"), 2), "1.0.0's config, as before the run");
}

#[test]
fn a_killed_run_resumed_keeps_the_first_backup() {
    let p = project("0s");
    release(&p, "1.0.0", false);
    release(&p, "1.1.0", false);
    killed_after_install(&p, "1.1.0");
    let (code, out, err) = run(p.cmd().args(["resume", "-e", "development", "--yes"]));
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(config(&p, "edge.yaml"), all(Some("version: 1.1.0\n"), 2));
    // The backup taken before the kill (1.0.0's) survived the resume's reinstall.
    let (code, out, err) = run(p.cmd().args(["rollback", "-e", "development", "--yes"]));
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(config(&p, "edge.yaml"), all(Some("version: 1.0.0\n"), 2));
    assert_eq!(config(&p, "new-in-1.1.yaml"), all(Some("extra: 1.0.0\n"), 2));
}

#[test]
fn the_first_release_keeps_a_backup_of_a_hand_edited_file() {
    let p = project("0s");
    release(&p, "1.0.0", false);
    killed_after_install(&p, "1.0.0");
    // Killed right after installing: what was there before rvmctl is kept
    // on the host (a first deploy has no earlier color to go back to).
    let backup = p.host_dir(&p.hosts[0]).join(".rvmctl/config-backup/blue/0");
    assert_eq!(std::fs::read_to_string(backup).ok().as_deref(), Some("hand: edited\n"));
    assert_eq!(config(&p, "new-in-1.1.yaml")[0].as_deref(), Some("extra: 1.0.0\n"));
}
