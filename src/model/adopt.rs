use serde::Serialize;

/// What `rvmctl adopt` will do with an existing Deployment + Service (a
/// Kubernetes app first brought under rvmctl), shown before asking.
#[derive(Debug, Clone, Serialize)]
pub struct AdoptPlan {
    pub namespace: String,
    pub existing: String,
    pub version: String,
    /// The blue Deployment to apply (not shown: `changes` describes it).
    #[serde(skip)]
    pub blue: serde_json::Value,
    pub service_rv: String,
    pub changes: Vec<String>,
}
