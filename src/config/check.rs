//! Structural check of a parsed document against the JSON Schema that
//! schemars derives from [`super::schema`]. It walks the whole tree and
//! reports every problem (unknown keys with suggestions, wrong types,
//! missing required keys, bad enum values, malformed durations/percentages/
//! times/time zones) with its position.

use serde_json::{Map, Value as J};

use super::diagnostic::{Issues, did_you_mean};
use super::types::{ByteSize, Duration, Percent, ProxyJump, TimeOfDay, TimeZoneName};
use super::yaml::{Node, PathSeg, Value};

pub fn check(root: &Node, schema: &J, issues: &mut Issues) {
    let empty = Map::new();
    let defs = schema.get("$defs").and_then(J::as_object).unwrap_or(&empty);
    let walker = Walker { defs };
    let mut path = Vec::new();
    walker.node(root, schema, &mut path, issues);
}

/// One step of the path to the node being checked, borrowed from the
/// document or the schema: the walk allocates a [`PathSeg`] path only for an
/// issue.
#[derive(Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn owned(path: &[Seg]) -> Vec<PathSeg> {
    path.iter()
        .map(|s| match *s {
            Seg::Key(k) => PathSeg::Key(k.to_string()),
            Seg::Index(i) => PathSeg::Index(i),
        })
        .collect()
}

struct Walker<'a> {
    defs: &'a Map<String, J>,
}

impl<'a> Walker<'a> {
    fn resolve(&self, schema: &'a J) -> &'a J {
        let mut s = schema;
        for _ in 0..16 {
            match s.get("$ref").and_then(J::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
                Some(name) => match self.defs.get(name) {
                    Some(d) => s = d,
                    None => return s,
                },
                None => return s,
            }
        }
        s
    }

    fn node(&self, node: &'a Node, schema: &'a J, path: &mut Vec<Seg<'a>>, issues: &mut Issues) {
        let schema = self.resolve(schema);
        if let Some(variants) = schema.get("anyOf").or_else(|| schema.get("oneOf")).and_then(J::as_array) {
            self.alternatives(node, variants, path, issues);
            return;
        }
        if !self.type_matches(node, schema) {
            let expected = describe(schema);
            issues.at(
                &owned(path),
                format!("expected {expected}, found {}", node.type_name()),
                type_help(node, schema),
            );
            return;
        }
        if let Some(allowed) = schema.get("enum").and_then(J::as_array) {
            self.enumeration(node, allowed, path, issues);
        }
        if let Some(c) = schema.get("const") {
            if &node.to_json() != c {
                issues.at(&owned(path), format!("expected {c}, found {}", node.to_json()), None);
            }
        }
        if let (Some(fmt), Value::Str(s)) = (schema.get("format").and_then(J::as_str), &node.value) {
            if let Err(e) = check_format(fmt, s) {
                issues.at(&owned(path), e, None);
            }
        }
        if let Value::Int(i) = node.value {
            let min = schema.get("minimum").and_then(J::as_f64);
            let max = schema.get("maximum").and_then(J::as_f64);
            if min.is_some_and(|m| (i as f64) < m) || max.is_some_and(|m| (i as f64) > m) {
                issues.at(
                    &owned(path),
                    format!("{i} is out of range"),
                    Some(format!(
                        "use a value between {} and {}",
                        min.map_or("-∞".into(), |m| m.to_string()),
                        max.map_or("∞".into(), |m| m.to_string())
                    )),
                );
            }
        }
        match &node.value {
            Value::Map(entries) => self.object(node, entries, schema, path, issues),
            Value::Seq(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        path.push(Seg::Index(i));
                        self.node(item, item_schema, path, issues);
                        path.pop();
                    }
                }
            }
            _ => {}
        }
    }

    fn alternatives(&self, node: &'a Node, variants: &'a [J], path: &mut Vec<Seg<'a>>, issues: &mut Issues) {
        if let Some((tag, kinds)) = self.discriminator(variants) {
            if let Value::Map(_) = node.value {
                self.tagged(node, tag, &kinds, path, issues);
                return;
            }
        }
        let mut best: Option<Vec<super::diagnostic::Issue>> = None;
        let mut type_matched = 0;
        for v in variants {
            let v = self.resolve(v);
            if !self.type_matches(node, v) {
                continue;
            }
            type_matched += 1;
            let mut sub = Issues::new(issues.file, issues.root);
            self.node(node, v, path, &mut sub);
            if sub.list.is_empty() {
                return;
            }
            if best.as_ref().is_none_or(|b| sub.list.len() < b.len()) {
                best = Some(sub.list);
            }
        }
        match best {
            Some(list) if type_matched > 0 => issues.list.extend(list),
            _ => {
                let non_null: Vec<&J> = variants
                    .iter()
                    .map(|v| self.resolve(v))
                    .filter(|v| v.get("type").and_then(J::as_str) != Some("null"))
                    .collect();
                let expected: Vec<String> = non_null.iter().map(|v| describe(v)).collect();
                let help = non_null.iter().find_map(|v| type_help(node, v));
                issues.at(
                    &owned(path),
                    format!("expected {}, found {}", expected.join(" or "), node.type_name()),
                    help,
                );
            }
        }
    }

    /// A tagged union (`#[serde(tag = "kind")]`): every variant is an object
    /// whose `tag` property is a string `const`. Returns the tag and each
    /// variant's tag value with its schema.
    fn discriminator(&self, variants: &'a [J]) -> Option<(&'a str, Vec<(String, &'a J)>)> {
        let mut tag: Option<&'a str> = None;
        let mut kinds = Vec::new();
        for v in variants {
            let v = self.resolve(v);
            let props = v.get("properties").and_then(J::as_object)?;
            let (name, value) = props.iter().find_map(|(k, p)| Some((k, p.get("const")?.as_str()?)))?;
            if tag.is_some_and(|t| t != name) {
                return None;
            }
            tag = Some(name);
            kinds.push((value.to_string(), v));
        }
        Some((tag?, kinds))
    }

    /// Checks a mapping against the variant its tag names; a missing or
    /// unknown tag is reported once, with the valid values.
    fn tagged(
        &self,
        node: &'a Node,
        tag: &'a str,
        kinds: &[(String, &'a J)],
        path: &mut Vec<Seg<'a>>,
        issues: &mut Issues,
    ) {
        let names: Vec<&str> = kinds.iter().map(|(k, _)| k.as_str()).collect();
        let Some(given) = node.get(tag) else {
            issues.at(
                &owned(path),
                format!("missing required key '{tag}' in {}", location(path)),
                Some(format!("add `{tag}:` with one of {}", names.join(", "))),
            );
            return;
        };
        let chosen = match &given.value {
            Value::Str(s) => kinds.iter().find(|(k, _)| k == s),
            _ => None,
        };
        match chosen {
            Some((kind, schema)) => {
                let mut sub = Issues::new(issues.file, issues.root);
                self.node(node, schema, path, &mut sub);
                // A key of another kind: say whose it is.
                for issue in &mut sub.list {
                    let Some(key) = issue.message.strip_prefix("unknown key '").and_then(|m| m.strip_suffix('\''))
                    else {
                        continue;
                    };
                    let owners: Vec<&str> = kinds
                        .iter()
                        .filter(|(_, v)| v.get("properties").and_then(|p| p.get(key)).is_some())
                        .map(|(k, _)| k.as_str())
                        .collect();
                    if !owners.is_empty() {
                        issue.help = Some(format!(
                            "`{key}` belongs to {tag}: {}; {}",
                            owners.join(", "),
                            issue.help.take().unwrap_or_default()
                        ));
                        issue.message = format!("unknown key '{key}' for {tag} {kind}");
                    }
                }
                issues.list.extend(sub.list);
            }
            None => {
                path.push(Seg::Key(tag));
                let allowed: Vec<J> = names.iter().map(|n| J::String(n.to_string())).collect();
                self.enumeration(given, &allowed, path, issues);
                path.pop();
            }
        }
    }

    fn enumeration(&self, node: &Node, allowed: &[J], path: &[Seg], issues: &mut Issues) {
        let v = node.to_json();
        if allowed.contains(&v) {
            return;
        }
        let names: Vec<&str> = allowed.iter().filter_map(J::as_str).collect();
        let given = v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string());
        let help = match did_you_mean(&given, names.iter().copied()) {
            Some(m) => format!("did you mean '{m}'? valid values: {}", names.join(", ")),
            None => format!("valid values: {}", names.join(", ")),
        };
        let key = path.iter().rev().find_map(|p| match *p {
            Seg::Key(k) => Some(k),
            Seg::Index(_) => None,
        });
        issues.at(&owned(path), format!("unknown value '{given}' for '{}'", key.unwrap_or("value")), Some(help));
    }

    fn object(
        &self,
        node: &'a Node,
        entries: &'a [(super::yaml::Key, Node)],
        schema: &'a J,
        path: &mut Vec<Seg<'a>>,
        issues: &mut Issues,
    ) {
        let props = schema.get("properties").and_then(J::as_object);
        let prop_names = || props.into_iter().flat_map(Map::keys);
        let additional = schema.get("additionalProperties");
        for (key, value) in entries {
            path.push(Seg::Key(&key.name));
            if let Some(prop) = props.and_then(|p| p.get(&*key.name)) {
                self.node(value, prop, path, issues);
            } else {
                match additional {
                    Some(J::Bool(false)) => {
                        let help = match did_you_mean(&key.name, prop_names().map(String::as_str)) {
                            Some(m) => format!("did you mean '{m}'?"),
                            None => {
                                format!("valid keys here: {}", prop_names().cloned().collect::<Vec<_>>().join(", "))
                            }
                        };
                        issues.at_key(&owned(path), format!("unknown key '{}'", key.name), Some(help));
                    }
                    Some(s @ J::Object(_)) => self.node(value, s, path, issues),
                    _ => {}
                }
            }
            path.pop();
        }
        if let Some(required) = schema.get("required").and_then(J::as_array) {
            for r in required.iter().filter_map(J::as_str) {
                if node.get(r).is_none() {
                    issues.at(
                        &owned(path),
                        format!("missing required key '{r}' in {}", location(path)),
                        Some(format!("add `{r}:`")),
                    );
                }
            }
        }
    }

    fn type_matches(&self, node: &Node, schema: &J) -> bool {
        let actual = match node.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Seq(_) => "array",
            Value::Map(_) => "object",
        };
        let matches = |t: &str| t == actual || (t == "number" && actual == "integer");
        match schema.get("type") {
            Some(J::String(t)) => matches(t),
            Some(J::Array(ts)) => ts.iter().filter_map(J::as_str).any(matches),
            _ => true,
        }
    }
}

/// Where a path points, for messages: `'apps.api'` or `the top level`.
fn location(path: &[Seg]) -> String {
    if path.is_empty() { "the top level".into() } else { format!("'{}'", super::yaml::path_string(&owned(path))) }
}

fn describe(schema: &J) -> String {
    if let Some(fmt) = schema.get("format").and_then(J::as_str) {
        match fmt {
            "duration" => return "a duration like 30s or 10m".into(),
            "percent" => return "a percentage like 10%".into(),
            "time-of-day" => return "a time like 02:00".into(),
            "timezone" => return "a time zone like Asia/Jakarta".into(),
            "pause" => return "a duration or 'manual'".into(),
            "proxy-jump" => return "a jump host like user@bastion:2222 or a Host alias".into(),
            "size" => return "a size like 100MiB".into(),
            _ => {}
        }
    }
    if let Some(e) = schema.get("enum").and_then(J::as_array) {
        let names: Vec<&str> = e.iter().filter_map(J::as_str).collect();
        return format!("one of {}", names.join(", "));
    }
    let t = match schema.get("type") {
        Some(J::String(t)) => t.clone(),
        Some(J::Array(ts)) => ts.iter().filter_map(J::as_str).filter(|t| *t != "null").collect::<Vec<_>>().join(" or "),
        _ => "a value".into(),
    };
    match t.as_str() {
        "object" => "a mapping".into(),
        "array" => "a list".into(),
        "string" => "a string".into(),
        "integer" => "a whole number".into(),
        "boolean" => "true or false".into(),
        "number" => "a number".into(),
        other => other.to_string(),
    }
}

fn type_help(node: &Node, schema: &J) -> Option<String> {
    let t = schema.get("type").and_then(J::as_str);
    let format = schema.get("format").and_then(J::as_str);
    match (&node.value, t) {
        (Value::Int(n), _) if format == Some("duration") => Some(format!("add a unit, e.g. {n}s")),
        (Value::Int(n), _) if format == Some("size") && *n != 0 => Some(format!("add a unit, e.g. \"{n}MiB\"")),
        (Value::Int(n), _) if format == Some("percent") => Some(format!("write it as a percentage, e.g. \"{n}%\"")),
        (Value::Int(_) | Value::Float(_) | Value::Bool(_), Some("string")) => {
            Some("quote the value to make it a string".into())
        }
        (Value::Str(s), Some("integer")) => Some(format!("write a whole number without quotes, not '{s}'")),
        (Value::Str(_), Some("array")) => Some("write a list, e.g. [a, b] or one `- item` per line".into()),
        _ => None,
    }
}

fn check_format(fmt: &str, s: &str) -> Result<(), String> {
    match fmt {
        "duration" => s.parse::<Duration>().map(drop),
        "percent" => s.parse::<Percent>().map(drop),
        "size" => s.parse::<ByteSize>().map(drop),
        "time-of-day" => s.parse::<TimeOfDay>().map(drop),
        "timezone" => s.parse::<TimeZoneName>().map(drop),
        "pause" if s == "manual" => Ok(()),
        "pause" => s.parse::<Duration>().map(drop).map_err(|e| format!("{e}, or 'manual'")),
        "proxy-jump" => s.parse::<ProxyJump>().map(drop),
        _ => Ok(()),
    }
}
