//! Promotion between environments (`deploy --version from:staging`): what
//! is live and healthy in the source environment right now, pinned: the
//! version, each app's artifact sha256 (slot hosts) and image (Kubernetes).
//! The target environment then deploys exactly that, or nothing. Pure: the
//! observed state and the health probed now come in, a decision goes out.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::ResolvedEnv;
use crate::config::schema::TargetKind;
use crate::config::types::Template;
use crate::model::{ObservedTarget, TargetVersions};

/// What `deploy --version from:ENV` deploys.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub environment: String,
    pub version: String,
    /// Per app, the build its units run in the source environment.
    pub apps: BTreeMap<String, Build>,
}

/// One app's build as the source environment runs it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Build {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

/// Why the source environment cannot be promoted now.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("cannot promote from {environment}: {why}")]
pub struct Refused {
    pub environment: String,
    pub why: String,
}

/// The release `env` runs, if every unit is reachable, unlocked, not
/// interrupted, live on one version, healthy (`unhealthy`: unit and why,
/// as probed now) and each app on one build.
pub fn source(
    env: &ResolvedEnv,
    observed: &[ObservedTarget],
    unhealthy: &[(String, String)],
) -> Result<Source, Refused> {
    let refuse = |why: String| Refused { environment: env.name.clone(), why };
    let units = || observed.iter().flat_map(|t| t.units.iter().map(move |u| (t, u)));
    if units().next().is_none() {
        return Err(refuse("it has no units (no hosts, or --hosts left none); check its targets in the config".into()));
    }
    for (t, u) in units() {
        let name = format!("{}/{}", t.target, u.unit);
        if let Some(e) = &u.error {
            return Err(refuse(format!("{name} could not be observed ({e}); promote once every unit is reachable")));
        }
        if let Some(l) = &u.lock {
            return Err(refuse(format!(
                "{name} is locked by {} ({}): a rollout is in progress; promote once it has finished (`rvmctl status -e {}`)",
                l.holder, l.operation, env.name
            )));
        }
        if let Some(j) = &u.journal {
            return Err(refuse(format!(
                "{name} has an interrupted {} of {} (at {}); `rvmctl resume` or `rvmctl abort -e {}` first",
                j.kind, j.version, j.step, env.name
            )));
        }
        if u.live.is_none() {
            return Err(refuse(format!("{name} has nothing live; deploy it first")));
        }
    }
    let per_target: Vec<TargetVersions> = observed
        .iter()
        .map(|t| {
            let mut versions: Vec<String> =
                t.units.iter().filter_map(|u| u.live_version().map(str::to_string)).collect();
            versions.sort();
            versions.dedup();
            TargetVersions { target: t.target.clone(), versions }
        })
        .collect();
    let split = crate::model::split(&per_target);
    if !split.is_empty() {
        return Err(refuse(format!("it is split ({})", crate::model::split_label(&split))));
    }
    if let Some(t) = per_target.iter().find(|t| t.versions.len() > 1) {
        return Err(refuse(format!(
            "target {} is mid-rollout ({}); finish it with `rvmctl promote -e {}` or roll it back",
            t.target,
            t.versions.join(" + "),
            env.name
        )));
    }
    if let Some((unit, why)) = unhealthy.first() {
        return Err(refuse(format!("{unit} is unhealthy right now: {why}")));
    }
    let version = per_target.iter().find_map(|t| t.versions.first().cloned()).unwrap_or_default();
    let mut apps: BTreeMap<String, Build> = BTreeMap::new();
    for (t, u) in units() {
        let app = env.targets.iter().find(|r| r.name == t.target).map(|r| r.app_name.clone()).unwrap_or_default();
        let slot = u.live.and_then(|c| u.slot(c));
        let build = Build { sha256: slot.and_then(|s| s.sha256.clone()), image: slot.and_then(|s| s.image.clone()) };
        let build = match env.targets.iter().find(|r| r.name == t.target).map(|r| r.kind) {
            // A Deployment's spec digest differs per environment (its
            // namespace, its labels): the image is what is promoted.
            Some(TargetKind::Kubernetes) => Build { sha256: None, ..build },
            _ => Build { image: None, ..build },
        };
        match apps.get(&app) {
            None => {
                apps.insert(app, build);
            }
            Some(b) if *b == build => {}
            Some(b) => {
                return Err(refuse(format!(
                    "app {app} runs two builds of {version} ({} and {}); redeploy one build there first",
                    b.label(),
                    build.label()
                )));
            }
        }
    }
    Ok(Source { environment: env.name.clone(), version, apps })
}

impl Build {
    /// `sha256 3f2a…` / `image registry/api@sha256:…`
    pub fn label(&self) -> String {
        match (&self.sha256, &self.image) {
            (Some(s), _) => format!("artifact sha256 {}", &s[..s.len().min(12)]),
            (None, Some(i)) => format!("image {}", crate::model::redact_url(i)),
            (None, None) => "an unrecorded build".into(),
        }
    }
}

/// Pins `env` (the environment promoted to) to the source's builds: slot
/// targets verify the artifact against the sha256 the source runs,
/// Kubernetes targets run the source's image as written. Every app of
/// `env` must run in the source.
pub fn pin(env: &mut ResolvedEnv, source: &Source) -> Result<(), Refused> {
    for t in &mut env.targets {
        let Some(build) = source.apps.get(&t.app_name) else {
            return Err(Refused {
                environment: source.environment.clone(),
                why: format!(
                    "it runs no target of app {} (which {} target {} deploys): nothing to promote for it",
                    t.app_name, env.name, t.name
                ),
            });
        };
        match t.kind {
            TargetKind::Kubernetes => {
                if let Some(image) = &build.image {
                    t.app.image = Some(Template(image.clone()));
                }
            }
            TargetKind::Local | TargetKind::Ssh => {
                if let (Some(sha), Some(artifact)) = (&build.sha256, t.app.artifact.as_mut()) {
                    artifact.sha256 = Some(Template(sha.clone()));
                    artifact.sha256_url = None;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::model::{Color, JournalEntry, JournalState, SlotState, SlotStatus, UnitState};

    fn envs() -> (ResolvedEnv, ResolvedEnv) {
        let text = concat!(
            "apiVersion: rvmctl/v1\nproject: p\nenvironments:\n",
            "  staging:\n    targets:\n",
            "      - { name: api, kind: kubernetes, app: api }\n",
            "      - { name: fleet, kind: local, app: edge, hosts: [s1, s2] }\n",
            "  production:\n    targets:\n",
            "      - { name: api, kind: kubernetes, app: api }\n",
            "      - { name: fleet, kind: local, app: edge, hosts: [p1] }\n",
            "apps:\n",
            "  api: { image: \"r/api:{version}\", service: api }\n",
            "  edge: { artifact: { path: ./dist, sha256_url: \"https://x/{version}.sha256\" } }\n",
        );
        let cfg = crate::config::load_str(Path::new("/tmp/c.yaml"), "c.yaml", text).expect("config");
        (cfg.environment("staging").expect("staging"), cfg.environment("production").expect("production"))
    }

    fn live(unit: &str, version: &str, sha: Option<&str>, image: Option<&str>) -> UnitState {
        UnitState {
            live: Some(Color::Green),
            green: Some(SlotState {
                version: version.into(),
                sha256: sha.map(str::to_string),
                status: SlotStatus::Healthy,
                updated_at: jiff::Timestamp::UNIX_EPOCH,
                ready: None,
                image: image.map(str::to_string),
                started: false,
            }),
            ..UnitState::empty(unit)
        }
    }

    fn staging(fleet: Vec<UnitState>) -> Vec<ObservedTarget> {
        let t = |target: &str, units| ObservedTarget {
            target: target.into(),
            units,
            artifact_sha256: None,
            details: Default::default(),
        };
        vec![t("api", vec![live("api", "1.5.0", Some("spec"), Some("r/api@sha256:abc"))]), t("fleet", fleet)]
    }

    #[test]
    fn a_healthy_staging_is_promoted_exactly() {
        let (s, mut p) = envs();
        let obs = staging(vec![live("s1", "1.5.0", Some("f00d"), None), live("s2", "1.5.0", Some("f00d"), None)]);
        let src = source(&s, &obs, &[]).expect("promotable");
        assert_eq!(src.version, "1.5.0");
        assert_eq!(src.apps["api"], Build { sha256: None, image: Some("r/api@sha256:abc".into()) });
        assert_eq!(src.apps["edge"], Build { sha256: Some("f00d".into()), image: None });
        pin(&mut p, &src).expect("pinned");
        assert_eq!(p.targets[0].app.image.as_ref().map(Template::as_str), Some("r/api@sha256:abc"));
        let artifact = p.targets[1].app.artifact.as_ref().expect("artifact");
        assert_eq!(artifact.sha256.as_ref().map(Template::as_str), Some("f00d"));
        assert!(artifact.sha256_url.is_none(), "the pinned checksum wins over a published one");
    }

    #[test]
    fn staging_split_mid_rollout_unhealthy_or_interrupted_is_refused() {
        let (s, _) = envs();
        let why = |obs: Vec<ObservedTarget>, unhealthy: &[(String, String)]| {
            source(&s, &obs, unhealthy).expect_err("refused").to_string()
        };
        let split = staging(vec![live("s1", "1.4.2", Some("a"), None), live("s2", "1.4.2", Some("a"), None)]);
        assert_eq!(why(split, &[]), "cannot promote from staging: it is split (api on 1.5.0, fleet on 1.4.2)");
        let mixed = staging(vec![live("s1", "1.5.0", Some("a"), None), live("s2", "1.4.2", Some("b"), None)]);
        assert!(why(mixed, &[]).contains("it is split (api on 1.5.0, fleet on 1.4.2 + 1.5.0)"));
        let healthy = || staging(vec![live("s1", "1.5.0", Some("a"), None), live("s2", "1.5.0", Some("a"), None)]);
        let sick = [("fleet/s2".to_string(), "http 503".to_string())];
        assert!(why(healthy(), &sick).ends_with("fleet/s2 is unhealthy right now: http 503"));
        let mut interrupted = healthy();
        interrupted[1].units[0].journal = Some(JournalEntry {
            plan_hash: "h".into(),
            kind: "deploy".into(),
            version: "1.6.0".into(),
            from: Some(Color::Green),
            to: Color::Blue,
            step: "switch".into(),
            state: JournalState::Started,
            holder: "ci".into(),
            at: jiff::Timestamp::UNIX_EPOCH,
            migrated: false,
        });
        assert!(why(interrupted, &[]).contains("fleet/s1 has an interrupted deploy of 1.6.0"));
        let two_builds = staging(vec![live("s1", "1.5.0", Some("a"), None), live("s2", "1.5.0", Some("b"), None)]);
        assert!(why(two_builds, &[]).contains("app edge runs two builds of 1.5.0"));
    }
}
