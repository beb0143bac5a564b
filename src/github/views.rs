//! Output shapes of `rvmctl releases` and `rvmctl update check` (JSON/YAML
//! serialize exactly these; `ui::github` renders them as tables).

use jiff::Timestamp;
use serde::Serialize;

use super::{Release, ReleaseList, parse_tag};
use crate::model::ObservedTarget;

#[derive(Debug, Clone, Serialize)]
pub struct ReleaseRow {
    pub tag: String,
    pub version: String,
    pub name: Option<String>,
    pub published_at: Option<Timestamp>,
    pub html_url: String,
    pub draft: bool,
    pub prerelease: bool,
    /// The release `--version latest` resolves to.
    pub latest: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReleasesView {
    pub repository: String,
    /// Version `--version latest` resolves to, if any.
    pub latest: Option<String>,
    /// Newest semantic version first.
    pub releases: Vec<ReleaseRow>,
    /// Release tags that are not semantic versions (never `latest`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored_tags: Vec<String>,
}

pub fn releases_view(repository: &str, list: &ReleaseList, limit: Option<usize>) -> ReleasesView {
    let latest = list.latest().map(|r| r.tag.clone());
    ReleasesView {
        repository: repository.to_string(),
        latest: list.latest().map(|r| r.version.to_string()),
        releases: list
            .releases
            .iter()
            .take(limit.unwrap_or(usize::MAX))
            .map(|r| ReleaseRow {
                tag: r.tag.clone(),
                version: r.version.to_string(),
                name: r.name.clone(),
                published_at: r.published_at,
                html_url: r.html_url.clone(),
                draft: r.draft,
                prerelease: r.prerelease,
                latest: latest.as_deref() == Some(r.tag.as_str()),
            })
            .collect(),
        ignored_tags: list.unversioned.clone(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitUpdateState {
    /// Live on the newest release.
    Current,
    /// Live on an older version.
    Behind,
    /// Live on a newer version than the newest release (e.g. a prerelease).
    Ahead,
    /// Nothing live yet.
    NotDeployed,
    /// The live version is not a semantic version: cannot compare.
    Unknown,
    /// The unit could not be observed.
    Unreachable,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitUpdate {
    pub target: String,
    pub unit: String,
    pub live_version: Option<String>,
    pub state: UnitUpdateState,
    /// True when the unit does not run the newest release (behind, or nothing live).
    pub behind: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LatestRelease {
    pub tag: String,
    pub version: String,
    pub published_at: Option<Timestamp>,
    pub html_url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct UpdateView {
    pub repository: String,
    pub environment: String,
    pub latest: LatestRelease,
    /// How many units are behind.
    pub behind: usize,
    pub units: Vec<UnitUpdate>,
}

pub fn update_view(repository: &str, environment: &str, latest: &Release, observed: &[ObservedTarget]) -> UpdateView {
    let units: Vec<UnitUpdate> = observed
        .iter()
        .flat_map(|t| {
            t.units.iter().map(move |u| {
                let live = u.live_version().map(str::to_string);
                let state = if u.error.is_some() {
                    UnitUpdateState::Unreachable
                } else {
                    match live.as_deref().map(parse_tag) {
                        None => UnitUpdateState::NotDeployed,
                        Some(None) => UnitUpdateState::Unknown,
                        Some(Some(v)) => match v.cmp_precedence(&latest.version) {
                            std::cmp::Ordering::Less => UnitUpdateState::Behind,
                            std::cmp::Ordering::Equal => UnitUpdateState::Current,
                            std::cmp::Ordering::Greater => UnitUpdateState::Ahead,
                        },
                    }
                };
                UnitUpdate {
                    target: t.target.clone(),
                    unit: u.unit.clone(),
                    live_version: live,
                    behind: matches!(state, UnitUpdateState::Behind | UnitUpdateState::NotDeployed),
                    state,
                    error: u.error.clone(),
                }
            })
        })
        .collect();
    UpdateView {
        repository: repository.to_string(),
        environment: environment.to_string(),
        latest: LatestRelease {
            tag: latest.tag.clone(),
            version: latest.version.to_string(),
            published_at: latest.published_at,
            html_url: latest.html_url.clone(),
        },
        behind: units.iter().filter(|u| u.behind).count(),
        units,
    }
}
