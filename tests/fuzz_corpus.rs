//! The committed fuzz corpus must exercise every key of the config schema,
//! so the fuzzer starts from inputs that reach every part of the loader.

use std::collections::BTreeSet;

fn keys(schema: &serde_json::Value, out: &mut BTreeSet<String>) {
    match schema {
        serde_json::Value::Object(o) => {
            if let Some(serde_json::Value::Object(props)) = o.get("properties") {
                out.extend(props.keys().cloned());
            }
            o.values().for_each(|v| keys(v, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

#[test]
fn corpus_covers_every_config_key() {
    let mut all = BTreeSet::new();
    keys(rvmctl::config::schema::json_schema(), &mut all);
    assert!(all.len() > 60, "schema walk found only {} keys", all.len());
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/config_load");
    let corpus: String = std::fs::read_dir(&dir)
        .expect("fuzz/corpus/config_load")
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    let missing: Vec<&String> = all.iter().filter(|k| !corpus.contains(&format!("{k}:"))).collect();
    assert!(missing.is_empty(), "keys not in the fuzz corpus: {missing:?}");
}
