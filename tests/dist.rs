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
