//! rvmctl: blue-green deployments for reverse vending machine fleets.
//!
//! Layers, bottom up (docs/architecture.md; held by tests/layering.rs):
//! `model` is the plain data every layer speaks; `config` reads and validates
//! the file; `gates` decide whether to proceed; `plan` decides what to do
//! (pure); `drivers` act on targets; `rollout` executes a plan over a fleet;
//! `views` shape data for output; `ui` renders it; `cli` wires commands.

#[cfg(feature = "cli")]
pub mod cli;
pub mod config;
#[cfg(feature = "cli")]
pub mod drivers;
pub mod exit;
pub mod gates;
#[cfg(feature = "cli")]
pub mod github;
pub mod identity;
pub mod model;
#[cfg(feature = "cli")]
pub mod notify;
pub mod plan;
#[cfg(feature = "cli")]
pub mod rollout;
#[cfg(feature = "cli")]
pub mod ui;
pub mod views;
