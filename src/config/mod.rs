//! `deployment-config.yaml`: schema, loading, validation, resolution.

pub mod check;
pub mod diagnostic;
pub mod load;
pub mod resolve;
pub mod schema;
pub mod scope;
pub mod shard;
pub mod topo;
pub mod types;
pub mod validate;
pub mod yaml;

pub use diagnostic::ConfigError;
pub use load::{LoadError, load, load_str};
pub use resolve::{Config, Effective, ResolvedEnv, ResolvedTarget};
pub use scope::TemplateScope;
