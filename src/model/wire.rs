//! How model values are written out: the word an enum serializes as, and
//! the digest that fingerprints plans, observed state and specs.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The word a value is serialized as (`rolled_back`, `deploy`, …), so tables,
/// summaries, notifications and the journal say what `-o json` says.
pub fn wire_name<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Hex sha256 of `bytes`: plan hashes, observed-state fingerprints, spec digests.
pub fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
