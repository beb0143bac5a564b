//! What a unit looks like when observed: its two slots, the live color, who
//! holds its lock, its last history entry and an unfinished run's journal.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::color::Color;
use super::history::{HistoryEntry, JournalEntry};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotStatus {
    /// Unpacking in progress (or interrupted while unpacking): never switch to it.
    Staging,
    Staged,
    Healthy,
    Failed,
}

/// What one release slot (one color) holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotState {
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    pub status: SlotStatus,
    pub updated_at: Timestamp,
    /// kubernetes: ready/desired replicas
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready: Option<String>,
    /// kubernetes: the image the slot's Deployment runs (its first
    /// container), as written (a tag, or pinned `@sha256:`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Slot hosts: the slot's services were started and not stopped since
    /// (a warm idle slot with `keep_previous`); restaging it stops them first.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub started: bool,
}

/// Who holds a unit's lock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LockInfo {
    /// `user@machine (pid N)`
    pub holder: String,
    pub since: Timestamp,
    pub operation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_hash: Option<String>,
    /// A lock that frees itself (a Kubernetes Lease its holder must keep
    /// renewing): when it does, unless renewed. None: held until released.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Timestamp>,
}

/// The observed state of one unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitState {
    pub unit: String,
    /// None when the unit could not be observed; `error` says why.
    pub live: Option<Color>,
    pub blue: Option<SlotState>,
    pub green: Option<SlotState>,
    pub lock: Option<LockInfo>,
    pub last: Option<HistoryEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// With `error`: the unit answered but refused us (its host key, our
    /// credentials). Not merely unreachable: retrying will not help.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub refused: bool,
    /// Progress of the last run that touched this unit, when it did not finish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal: Option<JournalEntry>,
    /// Kubernetes: a canary of the other color is under way or paused (the
    /// Service selects both colors); the share of replicas, in percent, its
    /// last step gave the new color. `live` is then the color it started from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canary: Option<f64>,
}

impl UnitState {
    /// A unit nothing is known about yet (never deployed).
    pub fn empty(unit: &str) -> Self {
        UnitState {
            unit: unit.to_string(),
            live: None,
            blue: None,
            green: None,
            lock: None,
            last: None,
            error: None,
            refused: false,
            journal: None,
            canary: None,
        }
    }
    pub fn unreachable(unit: &str, error: String) -> Self {
        UnitState { error: Some(error), ..UnitState::empty(unit) }
    }
    /// Observed as refusing us: see [`UnitState::refused`].
    pub fn refusing(unit: &str, error: String) -> Self {
        UnitState { refused: true, ..UnitState::unreachable(unit, error) }
    }
    pub fn slot(&self, c: Color) -> Option<&SlotState> {
        match c {
            Color::Blue => self.blue.as_ref(),
            Color::Green => self.green.as_ref(),
        }
    }
    pub fn slot_mut(&mut self, c: Color) -> Option<&mut SlotState> {
        match c {
            Color::Blue => self.blue.as_mut(),
            Color::Green => self.green.as_mut(),
        }
    }
    pub fn set_slot(&mut self, c: Color, slot: SlotState) {
        match c {
            Color::Blue => self.blue = Some(slot),
            Color::Green => self.green = Some(slot),
        }
    }
    /// The version a canary under way (or paused) is bringing in: the other
    /// color's release, when [`UnitState::canary`] says one is.
    pub fn canary_version(&self) -> Option<&str> {
        self.canary?;
        self.slot(self.live?.other()).map(|s| s.version.as_str())
    }
    pub fn live_version(&self) -> Option<&str> {
        self.live.and_then(|c| self.slot(c)).map(|s| s.version.as_str())
    }
}

/// Target-kind-specific plan data for one unit: the exact changes a deploy
/// would make (shown by `plan`), and a token of observed state the plan's
/// fingerprint covers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanDetails {
    /// Readable lines: objects created or patched, field by field.
    pub changes: Vec<String>,
    /// e.g. the live Service's resourceVersion: a plan made before it changed is stale.
    pub guard: Option<String>,
}

/// What was observed for one target: the input of planning.
#[derive(Debug, Clone)]
pub struct ObservedTarget {
    pub target: String,
    pub units: Vec<UnitState>,
    /// sha256 of the artifact that would be staged (slot drivers).
    pub artifact_sha256: Option<String>,
    /// Per unit: driver-specific plan data (kubernetes: changes and the Service's resourceVersion).
    pub details: BTreeMap<String, PlanDetails>,
}
