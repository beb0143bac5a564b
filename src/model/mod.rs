//! The domain model: the plain data every layer speaks. A unit (a host, or a
//! Kubernetes app) has two colors; each color's slot holds a release; one
//! color is live; a run takes the unit's lock, journals its progress and
//! appends to its history; a plan is a list of [`Step`]s per unit.
//!
//! No I/O and no imports from the rest of the crate: `config`, `plan`,
//! `drivers`, `rollout`, `views` and `ui` all stand on this module and never
//! on each other's types (docs/architecture.md).

mod adopt;
mod color;
pub mod duration;
mod history;
mod host;
mod names;
mod redact;
mod split;
mod step;
mod unit;
mod wire;

pub use adopt::AdoptPlan;
pub use color::Color;
pub use duration::Duration;
pub use history::{HistoryAction, HistoryEntry, JournalEntry, JournalState, Outcome};
pub use host::{Check, CheckStatus, HostChange, HostCheck};
pub use names::{sh_quote, split_addr, validate_host_name, validate_version};
pub use redact::redact_url;
pub use split::{TargetVersions, split, split_advice, split_label};
pub use step::{MigrationPhase, Step};
pub use unit::{LockInfo, ObservedTarget, PlanDetails, SlotState, SlotStatus, UnitState};
pub use wire::{digest, wire_name};
