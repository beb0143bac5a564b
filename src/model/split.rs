//! An environment split across versions: its targets do not all run the
//! same release (the backend switched, the fleet did not). `deploy`
//! reports it when a run leaves it so, `status` while it lasts.

use serde::Serialize;

/// One target's versions in an environment left on more than one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct TargetVersions {
    pub target: String,
    pub versions: Vec<String>,
}

/// The environment is split when its targets do not all run the same
/// version(s): e.g. the backend switched and the fleet did not. Returns
/// every target's versions then, nothing otherwise.
pub fn split(targets: &[TargetVersions]) -> Vec<TargetVersions> {
    let known: Vec<&TargetVersions> = targets.iter().filter(|t| !t.versions.is_empty()).collect();
    match known.first() {
        Some(first) if known.iter().any(|t| t.versions != first.versions) => known.into_iter().cloned().collect(),
        _ => Vec::new(),
    }
}

/// `backend on 1.5.0, fleet on 1.4.2` (a target on several: `1.4.2 + 1.5.0`).
pub fn split_label(split: &[TargetVersions]) -> String {
    split.iter().map(|t| format!("{} on {}", t.target, t.versions.join(" + "))).collect::<Vec<_>>().join(", ")
}

/// The split and what to do about it, as every output says it:
/// `backend on 1.5.0, fleet on 1.4.2; `rvmctl rollback -e production` …`.
pub fn split_advice(environment: &str, split: &[TargetVersions]) -> String {
    format!(
        "{}; `rvmctl rollback -e {environment}` puts the switched targets back, or fix the failure and deploy again",
        split_label(split)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tv(target: &str, versions: &[&str]) -> TargetVersions {
        TargetVersions { target: target.into(), versions: versions.iter().map(|v| v.to_string()).collect() }
    }

    #[test]
    fn one_version_everywhere_is_not_a_split() {
        assert!(split(&[tv("backend", &["1.5.0"]), tv("fleet", &["1.5.0"])]).is_empty());
        // A target that knows no version (nothing deployed, all unreachable) does not split.
        assert!(split(&[tv("backend", &["1.5.0"]), tv("fleet", &[])]).is_empty());
    }

    #[test]
    fn different_versions_name_every_target() {
        let s = split(&[tv("backend", &["1.5.0"]), tv("fleet", &["1.4.2"]), tv("kiosk", &[])]);
        assert_eq!(split_label(&s), "backend on 1.5.0, fleet on 1.4.2");
        let mixed = split(&[tv("backend", &["1.5.0"]), tv("fleet", &["1.4.2", "1.5.0"])]);
        assert_eq!(split_label(&mixed), "backend on 1.5.0, fleet on 1.4.2 + 1.5.0");
    }
}
