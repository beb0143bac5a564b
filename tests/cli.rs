//! The command-line surface: help with examples, completions kept current,
//! exit codes for usage errors.

mod support;

use support::run;

fn repo() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_command_has_examples_in_its_help() {
    for cmd in ["plan", "apply", "deploy", "status", "rollback", "history", "completion"] {
        let (code, out, _) = run(support::rvmctl(repo()).args([cmd, "--help"]));
        assert_eq!(code, 0, "{cmd}");
        assert!(out.contains("Examples:"), "`rvmctl {cmd} --help` has no examples:\n{out}");
    }
    for sub in ["validate", "view"] {
        let (_, out, _) = run(support::rvmctl(repo()).args(["config", sub, "--help"]));
        assert!(out.contains("Examples:"), "config {sub}: {out}");
    }
    let (_, out, _) = run(support::rvmctl(repo()).arg("--help"));
    assert!(out.contains("Exit codes:"), "{out}");
}

#[test]
fn committed_completions_are_current() {
    for (shell, file) in
        [("bash", "rvmctl.bash"), ("zsh", "rvmctl.zsh"), ("fish", "rvmctl.fish"), ("powershell", "rvmctl.powershell")]
    {
        let (code, out, _) = run(support::rvmctl(repo()).args(["completion", shell]));
        assert_eq!(code, 0);
        let committed = std::fs::read_to_string(repo().join("completions").join(file)).unwrap_or_default();
        assert!(out == committed, "completions/{file} is stale: run `make completions`");
    }
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, err) = run(support::rvmctl(repo()).args(["deploy", "--bogus"]));
    assert_eq!(code, 2, "{err}");
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = run(support::rvmctl(dir.path()).args(["status", "-e", "x"]));
    assert_eq!(code, 2);
    assert!(err.contains("cannot read config file deployment-config.yaml"), "{err}");
    assert!(err.contains("pass -f/--config or set RVMCTL_CONFIG"), "{err}");
    let (code, _, err) = run(support::rvmctl(repo()).args([
        "-f",
        "examples/reference/deployment-config.yaml",
        "status",
        "-e",
        "prodution",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("unknown environment 'prodution' (did you mean 'production'?)"), "{err}");
    let (code, _, err) =
        run(support::rvmctl(repo()).args(["-f", "examples/reference/deployment-config.yaml", "status"]));
    assert_eq!(code, 2, "several environments and no TTY: ask for the flag");
    assert!(err.contains("pass -e/--env"), "{err}");
}

#[test]
fn committed_man_pages_are_current() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = run(support::rvmctl(repo()).arg("man").arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    let mut generated: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    generated.sort();
    assert!(generated.contains(&"rvmctl-deploy.1".to_string()), "{generated:?}");
    for name in &generated {
        let fresh = std::fs::read_to_string(dir.path().join(name)).unwrap_or_default();
        let committed = std::fs::read_to_string(repo().join("docs/man").join(name)).unwrap_or_default();
        assert!(fresh == committed, "docs/man/{name} is stale: run `make man`");
    }
}

/// The composite action's run step, executed with a stand-in `rvmctl` that
/// prints its arguments: `promote-from` becomes a promotion, `args` is
/// passed through, neither is an error.
#[test]
fn the_composite_action_promotes_or_passes_args_through() {
    let action: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(repo().join("action.yml")).expect("action.yml"))
            .expect("action.yml parses");
    let script = action["runs"]["steps"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["id"] == "run"))
        .and_then(|s| s["run"].as_str())
        .expect("the run step")
        .to_string();
    let bin = tempfile::tempdir().expect("dir");
    let fake = bin.path().join("rvmctl");
    std::fs::write(&fake, "#!/bin/sh\necho \"rvmctl $*\"\n").expect("fake");
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
    let path = format!("{}:{}", bin.path().display(), std::env::var("PATH").unwrap_or_default());
    let action = |vars: &[(&str, &str)]| {
        let mut cmd = std::process::Command::new("bash");
        cmd.args(["-e", "-c", &script]).env("PATH", &path);
        for k in ["ARGS", "ENVIRONMENT", "PROMOTE_FROM"] {
            cmd.env_remove(k);
        }
        cmd.envs(vars.iter().copied());
        let o = cmd.output().expect("bash");
        (o.status.code(), String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    assert_eq!(
        action(&[("PROMOTE_FROM", "staging"), ("ENVIRONMENT", "production")]),
        (Some(0), "rvmctl deploy -e production --version from:staging --yes --approve".to_string())
    );
    assert_eq!(
        action(&[("ARGS", "deploy -e staging --version 1.4.2 --yes")]),
        (Some(0), "rvmctl deploy -e staging --version 1.4.2 --yes".to_string())
    );
    assert_eq!(action(&[("PROMOTE_FROM", "staging")]).0, Some(2), "promote-from needs environment");
    assert_eq!(action(&[]).0, Some(2));
}

/// `--version` says version, commit and build date; `version -o json` gives
/// the same to scripts, with the target triple.
#[test]
fn version_names_the_commit_and_the_build_date() {
    let (code, line, err) = run(support::rvmctl(repo()).arg("--version"));
    assert_eq!(code, 0, "{err}");
    let (code, json, err) = run(support::rvmctl(repo()).args(["version", "-o", "json"]));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let field = |k: &str| v[k].as_str().unwrap_or_else(|| panic!("{k} in {json}")).to_string();
    assert_eq!(field("version"), env!("CARGO_PKG_VERSION"));
    let (commit, date) = (field("commit"), field("build_date"));
    assert!(commit == "unknown" || (commit.len() == 7 && commit.bytes().all(|b| b.is_ascii_hexdigit())), "{commit}");
    let shape = date.len() == 20
        && date.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b'T',
            13 | 16 => b == b':',
            19 => b == b'Z',
            _ => b.is_ascii_digit(),
        });
    assert!(shape, "build_date is RFC 3339 UTC: {date}");
    assert!(!field("target").is_empty());
    assert_eq!(line.trim(), format!("rvmctl {} ({commit} {})", env!("CARGO_PKG_VERSION"), &date[..10]));
    // In a checkout the commit is the one checked out (build.rs reruns when HEAD moves).
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=7", "HEAD"])
        .current_dir(repo())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    if let Some(head) = head {
        assert_eq!(commit, head, "the binary was built from another commit");
    }
    let (_, table, _) = run(support::rvmctl(repo()).arg("version"));
    assert_eq!(table, line);
}
