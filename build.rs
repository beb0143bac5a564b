//! Records what `rvmctl --version` reports beyond the crate version: the git
//! commit it was built from, when, and for which target.
//!
//! - Commit: `RVMCTL_BUILD_COMMIT` when the build sets it (release builds
//!   in a container without git), else `.cargo_vcs_info.json` when built from
//!   a published crate (cargo writes the commit there at `cargo package`),
//!   else `git rev-parse` in a checkout, else `unknown`.
//! - Date: `SOURCE_DATE_EPOCH` when set (reproducible builds: the same
//!   source and epoch give the same binary), else the time this script ran.
//! - Reruns only when HEAD or the branch it points at moves, or the epoch
//!   changes, so an ordinary edit does not rebuild for a new date.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    println!("cargo:rerun-if-env-changed=RVMCTL_BUILD_COMMIT");
    println!("cargo:rerun-if-changed=build.rs");

    let given = std::env::var("RVMCTL_BUILD_COMMIT")
        .ok()
        .map(|c| c.chars().filter(char::is_ascii_alphanumeric).take(40).collect::<String>())
        .filter(|c| !c.is_empty());
    let commit = given
        .or_else(|| vcs_info_commit(&manifest))
        .or_else(|| git_commit(&manifest))
        .unwrap_or_else(|| "unknown".into());
    let epoch =
        std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
        });
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".into());

    println!("cargo:rustc-env=RVMCTL_BUILD_COMMIT={commit}");
    println!("cargo:rustc-env=RVMCTL_BUILD_DATE={}", rfc3339(epoch));
    println!("cargo:rustc-env=RVMCTL_BUILD_TARGET={target}");
}

/// The commit `cargo package` recorded (`"sha1": "<40 hex>"`), shortened.
fn vcs_info_commit(manifest: &Path) -> Option<String> {
    let path = manifest.join(".cargo_vcs_info.json");
    watch(&path);
    let text = std::fs::read_to_string(path).ok()?;
    let rest = &text[text.find("\"sha1\"")? + 6..];
    let start = rest.find('"')? + 1;
    let sha: String = rest[start..].chars().take_while(char::is_ascii_hexdigit).collect();
    (sha.len() >= 7).then(|| sha[..7].to_string())
}

/// `git rev-parse --short HEAD`, and rerun when HEAD or its branch moves.
fn git_commit(manifest: &Path) -> Option<String> {
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git").args(args).current_dir(manifest).output().ok()?;
        let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
        (out.status.success() && !s.is_empty()).then_some(s)
    };
    // A worktree's HEAD lives in its own git dir; branches in the common one.
    if let Some(dir) = git(&["rev-parse", "--absolute-git-dir"]) {
        watch(&Path::new(&dir).join("HEAD"));
    }
    if let (Some(common), Some(branch)) =
        (git(&["rev-parse", "--git-common-dir"]), git(&["symbolic-ref", "-q", "HEAD"]))
    {
        let common = manifest.join(common);
        // A fresh clone keeps its branch in packed-refs; the first commit
        // then writes a loose ref file, which only its folder's change shows.
        let reference = common.join(branch);
        match reference.ancestors().find(|p| p.exists()) {
            Some(existing) => watch(existing),
            None => watch(&common),
        }
        watch(&common.join("packed-refs"));
    }
    git(&["rev-parse", "--short=7", "HEAD"])
}

/// Cargo reruns a script on every build when a watched path is missing, so
/// only existing files are watched.
fn watch(path: &Path) {
    if path.exists() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

/// `2026-12-02T13:25:42Z` from seconds since the epoch (UTC; civil-from-days).
fn rfc3339(epoch: i64) -> String {
    let (days, secs) = (epoch.div_euclid(86_400), epoch.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}
