//! Dynamic completion through the real binary, the way a shell asks for it:
//! `COMPLETE=<shell> rvmctl -- <words…>` (bash adds the index of the word
//! under the cursor in `_CLAP_COMPLETE_INDEX` and the separator in
//! `_CLAP_IFS`; fish and zsh complete the last word). Environment and host
//! names come from the config the command line would use.

mod support;

use std::path::Path;

const CONFIG: &str = r#"apiVersion: rvmctl/v1
project: comp
environments:
  lab:
    description: Bench in the lab
    targets:
      - { name: sims, kind: local, root: ./sandbox, app: edge, hosts: [sim-01, sim-02] }
  field:
    targets:
      - name: backend
        kind: kubernetes
        app: api
      - name: fleet
        kind: ssh
        app: edge
        hosts:
          - { name: rvm-a, address: 10.0.0.1 }
        inventory: ./inventory.yaml
apps:
  edge:
    artifact: { path: "./dist/edge-{version}" }
    services:
      - { name: edge-app, start: "true", stop: "true" }
  api:
    image: example.org/api:{version}
    port: 8080
    service: api
"#;

const INVENTORY: &str = "hosts:\n  - { name: rvm-b, address: 10.0.0.2 }\n  - { name: rvm-c, address: 10.0.0.3 }\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("deployment-config.yaml"), CONFIG).expect("config");
    std::fs::write(dir.path().join("inventory.yaml"), INVENTORY).expect("inventory");
    dir
}

/// What bash gets for `rvmctl <line><TAB>` (the last word is the one
/// completed; an empty one when `line` ends in a space): (candidates, stderr, exit code).
fn bash(dir: &Path, line: &str) -> (Vec<String>, String, i32) {
    let words: Vec<&str> = std::iter::once("rvmctl").chain(line.split(' ')).collect();
    let (code, out, err) = support::run(
        support::rvmctl(dir)
            .env("COMPLETE", "bash")
            .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
            .env("_CLAP_IFS", "\n")
            .arg("--")
            .args(&words),
    );
    (out.lines().filter(|l| !l.is_empty()).map(str::to_string).collect(), err, code)
}

fn candidates(dir: &Path, line: &str) -> Vec<String> {
    let (c, err, code) = bash(dir, line);
    assert_eq!(code, 0, "`{line}`: {err}");
    assert_eq!(err, "", "`{line}`: completing prints nothing on stderr");
    c
}

#[test]
fn environments_for_every_command_that_takes_one() {
    let p = project();
    for line in
        ["deploy -e ", "deploy --env ", "status -e ", "rollback -e ", "history -e ", "plan -e ", "lock list -e "]
    {
        assert_eq!(candidates(p.path(), line), ["field", "lab"], "`{line}`");
    }
    assert_eq!(candidates(p.path(), "deploy -e fi"), ["field"]);
    assert_eq!(candidates(p.path(), "deploy --env=l"), ["--env=lab"]);
}

#[test]
fn hosts_of_the_environment_on_the_line_or_of_all() {
    let p = project();
    // Inline hosts and the inventory's; none of a kubernetes target.
    // Environments come in name order, hosts in the config's.
    assert_eq!(candidates(p.path(), "deploy -e field --hosts "), ["rvm-a", "rvm-b", "rvm-c"]);
    assert_eq!(candidates(p.path(), "deploy --hosts "), ["rvm-a", "rvm-b", "rvm-c", "sim-01", "sim-02"]);
    assert_eq!(candidates(p.path(), "status --env lab --hosts sim"), ["sim-01", "sim-02"]);
    // After a comma: the rest of the list, without the hosts already named.
    assert_eq!(candidates(p.path(), "deploy -e field --hosts rvm-b,"), ["rvm-b,rvm-a", "rvm-b,rvm-c"]);
    assert_eq!(candidates(p.path(), "host uninstall -e lab --hosts "), ["sim-01", "sim-02"]);
}

#[test]
fn the_config_named_on_the_line_or_in_the_environment() {
    let p = project();
    let other = p.path().join("other");
    std::fs::create_dir(&other).expect("dir");
    std::fs::write(other.join("alt.yaml"), CONFIG.replace("  lab:", "  bench:")).expect("alt");
    std::fs::write(other.join("inventory.yaml"), INVENTORY).expect("inventory");
    assert_eq!(candidates(p.path(), "-f other/alt.yaml deploy -e "), ["bench", "field"]);
    assert_eq!(candidates(p.path(), "deploy --config=other/alt.yaml -e "), ["bench", "field"]);
    // Inventories are found next to the config named, not in the working directory.
    let (c, _, _) = bash(&other, "deploy -f alt.yaml -e field --hosts ");
    assert_eq!(c, ["rvm-a", "rvm-b", "rvm-c"]);
    let (code, out, err) = support::run(
        support::rvmctl(p.path())
            .env("COMPLETE", "bash")
            .env("_CLAP_COMPLETE_INDEX", "3")
            .env("RVMCTL_CONFIG", other.join("alt.yaml"))
            .args(["--", "rvmctl", "deploy", "-e", ""]),
    );
    assert_eq!((code, out.lines().collect::<Vec<_>>(), err.as_str()), (0, vec!["bench", "field"], ""));
}

#[test]
fn a_broken_or_missing_config_gives_no_candidates_and_no_noise() {
    let p = project();
    std::fs::write(p.path().join("broken.yaml"), "apiVersion: rvmctl/v1\nenvironments: [\n").expect("broken");
    std::fs::write(p.path().join("invalid.yaml"), "apiVersion: rvmctl/v1\nproject: x\nstrategy: fast\n")
        .expect("invalid");
    for line in [
        "-f broken.yaml deploy -e ",
        "-f invalid.yaml deploy -e ",
        "-f missing.yaml deploy -e ",
        "-f broken.yaml deploy --hosts ",
    ] {
        assert_eq!(candidates(p.path(), line), Vec::<String>::new(), "`{line}`");
    }
    // The inventory a target names is missing: the config is invalid.
    std::fs::remove_file(p.path().join("inventory.yaml")).expect("rm");
    assert_eq!(candidates(p.path(), "deploy --hosts "), Vec::<String>::new());
}

#[test]
fn fish_and_zsh_get_descriptions_and_every_shell_a_registration_script() {
    let p = project();
    // zsh passes the index like bash; fish completes the last word.
    let ask = |shell: &str| {
        support::run(
            support::rvmctl(p.path())
                .env("COMPLETE", shell)
                .env("_CLAP_COMPLETE_INDEX", "3")
                .env("_CLAP_IFS", "\n")
                .args(["--", "rvmctl", "deploy", "-e", ""]),
        )
    };
    let (code, out, err) = ask("fish");
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out, "field\nlab\tBench in the lab\n");
    let (code, out, _) = ask("zsh");
    assert_eq!(code, 0);
    assert_eq!(out.lines().collect::<Vec<_>>(), ["field", "lab:Bench in the lab"]);
    for (shell, needle) in [("bash", "complete "), ("zsh", "compdef"), ("fish", "complete ")] {
        let (code, out, err) = support::run(support::rvmctl(p.path()).env("COMPLETE", shell));
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(out.contains(needle) && out.contains("rvmctl"), "{shell}:\n{out}");
    }
}

#[test]
fn an_ordinary_run_is_not_a_completion() {
    let p = project();
    let (code, out, _) = support::run(support::rvmctl(p.path()).env("COMPLETE", "0").args(["config", "validate"]));
    assert_eq!(code, 0);
    assert!(!out.contains("complete "), "{out}");
}

/// The registration script a user sources, run by the real shell: what it
/// puts on the line for `<TAB>` is what the user sees.
fn in_shell(dir: &Path, shell: &str, script: &str) -> Vec<String> {
    let bin = std::path::PathBuf::from(assert_cmd::cargo::cargo_bin!("rvmctl"));
    let path = format!("{}:{}", bin.parent().expect("bin dir").display(), std::env::var("PATH").unwrap_or_default());
    let out = std::process::Command::new(shell)
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("RVMCTL_CONFIG")
        .env_remove("RVMCTL_ENV")
        .args(["-c", script])
        .output()
        .unwrap_or_else(|e| panic!("{shell}: {e} (scripts/install-test-deps.sh installs it)"));
    assert!(out.status.success(), "{shell}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| l.split('\t').next().unwrap_or(l).to_string()).collect()
}

#[test]
fn a_real_bash_and_fish_complete_through_the_sourced_script() {
    let p = project();
    let bash = |words: &str, cword: usize, cur: &str, prev: &str| {
        in_shell(
            p.path(),
            "bash",
            &format!(
                "source <(COMPLETE=bash rvmctl); COMP_WORDS=({words}); COMP_CWORD={cword}; \
                 _clap_complete_rvmctl rvmctl '{cur}' '{prev}'; printf '%s\\n' \"${{COMPREPLY[@]}}\""
            ),
        )
    };
    assert_eq!(bash("rvmctl deploy -e ''", 3, "", "-e"), ["field", "lab"]);
    assert_eq!(bash("rvmctl status -e lab --hosts ''", 5, "", "--hosts"), ["sim-01", "sim-02"]);
    assert_eq!(bash("rvmctl rollback -e fi", 3, "fi", "-e"), ["field"]);

    let fish = |line: &str| {
        in_shell(p.path(), "fish", &format!("COMPLETE=fish rvmctl | source; complete --do-complete '{line}'"))
    };
    assert_eq!(fish("rvmctl deploy -e "), ["field", "lab"]);
    assert_eq!(fish("rvmctl deploy -e field --hosts "), ["rvm-a", "rvm-b", "rvm-c"]);
}
