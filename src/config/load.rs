//! Reading a config file: YAML → spanned tree → schema check → typed →
//! inventories → semantic checks. All problems are gathered before failing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use super::diagnostic::{ConfigError, Issues};
use super::resolve::Config;
use super::schema::{ConfigFile, HostEntry, Inventory, json_schema};
use super::yaml::{self, Node};

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(
        "cannot read config file {path}: {source}\n  hint: create it (see examples/quickstart/deployment-config.yaml), or pass -f/--config or set RVMCTL_CONFIG"
    )]
    Read { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Invalid(#[from] ConfigError),
}

/// Loads and validates the config at `path`.
pub fn load(path: &Path) -> Result<Config, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read { path: path.to_path_buf(), source })?;
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    load_str(&abs, &display_name(path), &text).map_err(LoadError::Invalid)
}

fn display_name(path: &Path) -> String {
    path.to_string_lossy().trim_start_matches("./").to_string()
}

/// Parses and checks one YAML document of type `T` against its schema.
fn parse_checked<'t, T: serde::de::DeserializeOwned>(
    name: &str,
    text: &'t str,
    schema: &serde_json::Value,
) -> Result<(T, Node<'t>), ConfigError> {
    let root = yaml::parse(text).map_err(|e| {
        let line = text.lines().nth(e.pos.line.saturating_sub(1) as usize).unwrap_or("");
        let help = if line.matches('{').count() > 1 && e.message.contains("flow") {
            "a value with {placeholders} inside a { ... } mapping must be quoted, e.g. { path: \"./dist/app-{version}\" }"
        } else {
            "check indentation and quoting around this place"
        };
        ConfigError::single(name, text, e.pos, format!("invalid YAML: {}", e.message), Some(help.into()))
    })?;
    let mut issues = Issues::new(name, &root);
    super::check::check(&root, schema, &mut issues);
    if !issues.list.is_empty() {
        return Err(ConfigError { file: name.into(), sources: vec![(name.into(), text.into())], issues: issues.list });
    }
    match T::deserialize(&root) {
        Ok(v) => Ok((v, root)),
        // The schema check should have caught this; still report it cleanly.
        Err(e) => Err(ConfigError::single(name, text, root.pos, e.to_string(), None)),
    }
}

pub fn load_str(path: &Path, name: &str, text: &str) -> Result<Config, ConfigError> {
    let (raw, root): (ConfigFile, Node) = parse_checked(name, text, json_schema())?;
    let mut cfg = Config { file: path.to_path_buf(), raw, inventories: IndexMap::new() };

    // Inventory files are part of the config: their errors point into them.
    static INVENTORY_SCHEMA: std::sync::LazyLock<serde_json::Value> =
        std::sync::LazyLock::new(|| serde_json::to_value(schemars::schema_for!(Inventory)).unwrap_or_default());
    let inv_schema = &*INVENTORY_SCHEMA;
    let mut other_errors: Vec<ConfigError> = Vec::new();
    let mut inv_issues = Issues::new(name, &root);
    for (env_name, env) in &cfg.raw.environments {
        for (ti, t) in env.targets.iter().enumerate() {
            let Some(inv) = &t.inventory else { continue };
            let inv_path = cfg.path(inv);
            let at = [
                yaml::PathSeg::Key("environments".into()),
                yaml::PathSeg::Key(env_name.clone()),
                yaml::PathSeg::Key("targets".into()),
                yaml::PathSeg::Index(ti),
                yaml::PathSeg::Key("inventory".into()),
            ];
            match std::fs::read_to_string(&inv_path) {
                Err(e) => inv_issues.at(
                    &at,
                    format!("cannot read inventory {}: {e}", inv_path.display()),
                    Some("fix the path (relative to the config file)".into()),
                ),
                Ok(inv_text) => match parse_checked::<Inventory>(inv, &inv_text, inv_schema) {
                    Ok((inv, _)) => {
                        cfg.inventories
                            .insert((env_name.clone(), t.name.clone()), inv.hosts.iter().map(|h| h.spec()).collect());
                    }
                    Err(e) => other_errors.push(e),
                },
            }
        }
    }

    let host_vars: BTreeSet<&str> = cfg
        .raw
        .environments
        .values()
        .flat_map(|e| e.targets.iter())
        .flat_map(|t| {
            t.hosts.iter().filter_map(|h| match h {
                HostEntry::Spec(s) => Some(s.vars.keys()),
                HostEntry::Name(_) => None,
            })
        })
        .chain(cfg.inventories.values().flatten().map(|h| h.vars.keys()))
        .flatten()
        .map(String::as_str)
        .collect();
    let mut issues = inv_issues;
    super::validate::validate(&cfg.raw, &host_vars, &mut issues);
    // Inventory duplicates and selectors that match nothing, per target.
    for (env_name, env) in &cfg.raw.environments {
        for (ti, t) in env.targets.iter().enumerate() {
            if t.selector.is_empty() && t.inventory.is_none() {
                continue;
            }
            let hosts = cfg.target_hosts(env_name, t);
            let at = |key: &str| {
                vec![
                    yaml::PathSeg::Key("environments".into()),
                    yaml::PathSeg::Key(env_name.clone()),
                    yaml::PathSeg::Key("targets".into()),
                    yaml::PathSeg::Index(ti),
                    yaml::PathSeg::Key(key.into()),
                ]
            };
            if !t.selector.is_empty() && hosts.is_empty() {
                issues.at(
                    &at("selector"),
                    format!("selector matches none of the hosts of target '{}'", t.name),
                    Some("check the host labels in the inventory".into()),
                );
            }
            if t.inventory.is_some() {
                let mut seen = BTreeSet::new();
                for h in &hosts {
                    let problems = crate::model::validate_host_name(&h.name)
                        .err()
                        .into_iter()
                        .chain(super::validate::validate_host_values(h));
                    for problem in problems {
                        issues.at(&at("inventory"), format!("in the inventory: {problem}"), None);
                    }
                    if !seen.insert(h.name.as_str()) {
                        issues.at(
                            &at("inventory"),
                            format!(
                                "duplicate host name '{}' in target '{}' (inline hosts + inventory)",
                                h.name, t.name
                            ),
                            None,
                        );
                    }
                }
            }
        }
    }
    if issues.list.is_empty() && other_errors.is_empty() {
        return Ok(cfg);
    }
    // The main file's issues first, then each inventory's.
    let mut err = ConfigError { file: name.into(), sources: vec![(name.into(), text.into())], issues: issues.list };
    for o in other_errors {
        err.merge(o);
    }
    Err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "apps:\n  edge:\n    artifact: { url: \"https://x/edge-{version}.tgz\", sha256: abc }\n";

    fn messages(dir: &Path, config: &str) -> Vec<String> {
        let path = dir.join("deployment-config.yaml");
        match load_str(&path, "deployment-config.yaml", config) {
            Ok(_) => Vec::new(),
            Err(e) => e.issues.into_iter().map(|i| i.message).collect(),
        }
    }

    #[test]
    fn inventory_duplicates_and_empty_selectors_are_found() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("inv.yaml"),
            "hosts:\n  - { name: a, labels: { site: x } }\n  - { name: b, labels: { site: x } }\n  - b\n",
        )
        .unwrap();
        let config = format!(
            "apiVersion: rvmctl/v1\nproject: p\nenvironments:\n  prod:\n    targets:\n\
             \x20     - {{ name: one, kind: ssh, app: edge, hosts: [a], inventory: inv.yaml }}\n\
             \x20     - {{ name: two, kind: ssh, app: edge, inventory: inv.yaml, selector: {{ site: nowhere }} }}\n\
             \x20     - {{ name: three, kind: ssh, app: edge, hosts: [c, d], selector: {{ site: x }} }}\n{APP}"
        );
        assert_eq!(
            messages(dir.path(), &config),
            [
                "duplicate host name 'a' in target 'one' (inline hosts + inventory)",
                "duplicate host name 'b' in target 'one' (inline hosts + inventory)",
                "selector matches none of the hosts of target 'two'",
                "selector matches none of the hosts of target 'three'",
            ]
        );
        let fine = config.replace("hosts: [a], ", "").replace("site: nowhere", "site: x");
        std::fs::write(
            dir.path().join("inv.yaml"),
            "hosts:\n  - { name: a, labels: { site: x } }\n  - { name: b, labels: { site: x } }\n",
        )
        .unwrap();
        let fine = fine.replace("hosts: [c, d], selector: { site: x }", "hosts: [c, d]");
        assert_eq!(messages(dir.path(), &fine), Vec::<String>::new());
    }
}
