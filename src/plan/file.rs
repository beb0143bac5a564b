//! Plan files (`rvmctl plan --out`, `rvmctl apply`): parsing and every check
//! a file must pass before it is trusted. Pure: text in, plan or error out.

use super::{PLAN_SCHEMA_VERSION, Plan, Step};

#[derive(Debug, thiserror::Error)]
pub enum PlanFileError {
    #[error("not a plan file (invalid JSON: {0})")]
    Json(String),
    #[error(
        "plan schema version {found:?}; this rvmctl reads version {PLAN_SCHEMA_VERSION}: make the plan again with this rvmctl"
    )]
    SchemaVersion { found: Option<u64> },
    #[error("not a valid plan: {0}")]
    Shape(String),
    #[error("{0}")]
    Value(String),
    #[error("modified after it was made (hash mismatch); make a new plan with `rvmctl plan --out`")]
    Tampered,
}

/// Parses a plan file and checks its schema version, the values that can
/// reach a host shell, and its integrity hash.
pub fn parse(text: &str) -> Result<Plan, PlanFileError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| PlanFileError::Json(e.to_string()))?;
    let found = value.get("schema_version").and_then(serde_json::Value::as_u64);
    if found != Some(PLAN_SCHEMA_VERSION as u64) {
        return Err(PlanFileError::SchemaVersion { found });
    }
    let plan: Plan = serde_json::from_value(value).map_err(|e| PlanFileError::Shape(e.to_string()))?;
    // The hash detects edits, not intent (anyone can recompute it): every
    // value that can reach a host shell is validated again.
    let versions =
        std::iter::once(plan.version.as_str()).chain(plan.targets.iter().flat_map(|t| &t.units).flat_map(|u| {
            u.version.as_deref().into_iter().chain(u.steps.iter().filter_map(|s| match s {
                Step::Stage { version, .. } => Some(version.as_str()),
                _ => None,
            }))
        }));
    for v in versions.filter(|v| *v != "previous") {
        crate::model::validate_version(v).map_err(PlanFileError::Value)?;
    }
    for u in plan.targets.iter().flat_map(|t| &t.units) {
        crate::model::validate_host_name(&u.unit).map_err(PlanFileError::Value)?;
    }
    if plan.compute_hash() != plan.hash {
        return Err(PlanFileError::Tampered);
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for text in ["", "null", "[]", "{}", "{\"schema_version\": 1}", "{\"schema_version\": 99}", "\u{0}"] {
            assert!(parse(text).is_err(), "{text:?}");
        }
        // Plans of another schema (older: version 1 had no `max_failures` on
        // monitor steps) are refused with "make the plan again".
        assert!(matches!(parse("{\"schema_version\": 1}"), Err(PlanFileError::SchemaVersion { found: Some(1) })));
        assert!(matches!(parse("{\"schema_version\": 3}"), Err(PlanFileError::SchemaVersion { found: Some(3) })));
    }
}
