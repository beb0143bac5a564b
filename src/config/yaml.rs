//! A YAML document as a tree of nodes that remember where they came from.
//!
//! serde-saphyr parses; every node and every mapping key keeps its
//! line/column and byte span so that schema and semantic checks can point at
//! the exact place in the file, long after parsing.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// Byte span plus the 1-based line/column of its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: u64,
    pub column: u64,
    pub offset: usize,
    pub len: usize,
}

impl Pos {
    fn from_spanned<T>(s: &Spanned<T>) -> Self {
        let loc = s.referenced;
        let span = loc.span();
        Pos {
            line: loc.line(),
            column: loc.column(),
            offset: span.byte_offset().unwrap_or(span.offset()) as usize,
            len: span.byte_len().unwrap_or(span.len()) as usize,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone)]
pub struct Key {
    pub name: String,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

/// One step of a path from the document root to a node.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

impl std::fmt::Display for PathSeg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PathSeg::Key(k) => write!(f, ".{k}"),
            PathSeg::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// Renders a path as `environments.production.targets[1].app`.
pub fn path_string(path: &[PathSeg]) -> String {
    let s: String = path.iter().map(ToString::to_string).collect();
    s.trim_start_matches('.').to_string()
}

impl Node {
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The position that best represents `path`: the node's value, or for a
    /// missing tail, the deepest node that exists.
    pub fn locate(&self, path: &[PathSeg]) -> Pos {
        self.locate_inner(path, false)
    }

    /// Like [`Node::locate`] but points at the mapping key for the last
    /// segment (used for "unknown key" style errors).
    pub fn locate_key(&self, path: &[PathSeg]) -> Pos {
        self.locate_inner(path, true)
    }

    fn locate_inner(&self, path: &[PathSeg], want_key: bool) -> Pos {
        let Some((first, rest)) = path.split_first() else {
            return self.pos;
        };
        match (&self.value, first) {
            (Value::Map(entries), PathSeg::Key(k)) => match entries.iter().find(|(key, _)| &key.name == k) {
                Some((key, _)) if rest.is_empty() && want_key => key.pos,
                Some((_, v)) => v.locate_inner(rest, want_key),
                None => self.pos,
            },
            (Value::Seq(items), PathSeg::Index(i)) => match items.get(*i) {
                Some(v) => v.locate_inner(rest, want_key),
                None => self.pos,
            },
            _ => self.pos,
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(entries.iter().map(|(k, v)| (k.name.clone(), v.to_json())).collect()),
        }
    }
}

/// A YAML syntax error with its position.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    pub message: String,
    pub pos: Pos,
}

/// Parses one YAML document into a [`Node`] tree.
pub fn parse(src: &str) -> Result<Node, SyntaxError> {
    if src.trim().is_empty() {
        return Ok(Node { value: Value::Null, pos: Pos::default() });
    }
    let parsed: Spanned<RawValue> = serde_saphyr::from_str(src).map_err(|e| {
        let loc = e.location();
        let (line, column, offset) = loc
            .map(|l| {
                let span = l.span();
                (l.line(), l.column(), span.byte_offset().unwrap_or(span.offset()) as usize)
            })
            .unwrap_or((1, 1, 0));
        // The first line of serde-saphyr's message is the human part.
        let message = e.to_string().lines().next().unwrap_or("invalid YAML").to_string();
        SyntaxError { message, pos: Pos { line, column, offset, len: 1 } }
    })?;
    Ok(convert(parsed))
}

fn convert(s: Spanned<RawValue>) -> Node {
    let pos = Pos::from_spanned(&s);
    let value = match s.value {
        RawValue::Null => Value::Null,
        RawValue::Bool(b) => Value::Bool(b),
        RawValue::Int(i) => Value::Int(i),
        RawValue::Float(f) => Value::Float(f),
        RawValue::Str(s) => Value::Str(s),
        RawValue::Seq(items) => Value::Seq(items.into_iter().map(convert).collect()),
        RawValue::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let kpos = Pos::from_spanned(&k);
                    (Key { name: k.value, pos: kpos }, convert(v))
                })
                .collect(),
        ),
    };
    Node { value, pos }
}

enum RawValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<RawValue>>),
    Map(Vec<(Spanned<String>, Spanned<RawValue>)>),
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis;
        impl<'de> Visitor<'de> for Vis {
            type Value = RawValue;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<RawValue, E> {
                Ok(RawValue::Null)
            }
            fn visit_none<E>(self) -> Result<RawValue, E> {
                Ok(RawValue::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawValue, D::Error> {
                RawValue::deserialize(d)
            }
            fn visit_bool<E>(self, b: bool) -> Result<RawValue, E> {
                Ok(RawValue::Bool(b))
            }
            fn visit_i64<E>(self, i: i64) -> Result<RawValue, E> {
                Ok(RawValue::Int(i))
            }
            fn visit_u64<E>(self, i: u64) -> Result<RawValue, E> {
                Ok(i64::try_from(i).map_or(RawValue::Float(i as f64), RawValue::Int))
            }
            fn visit_f64<E>(self, f: f64) -> Result<RawValue, E> {
                Ok(RawValue::Float(f))
            }
            fn visit_str<E>(self, s: &str) -> Result<RawValue, E> {
                Ok(RawValue::Str(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<RawValue, E> {
                Ok(RawValue::Str(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<RawValue, A::Error> {
                let mut items = Vec::new();
                while let Some(x) = a.next_element()? {
                    items.push(x);
                }
                Ok(RawValue::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<RawValue, A::Error> {
                let mut entries = Vec::new();
                while let Some(e) = a.next_entry()? {
                    entries.push(e);
                }
                Ok(RawValue::Map(entries))
            }
        }
        d.deserialize_any(Vis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_of_keys_and_values() {
        let n = parse("a: 1\nb:\n  c: x\n").unwrap();
        let path = [PathSeg::Key("b".into()), PathSeg::Key("c".into())];
        assert_eq!((n.locate(&path).line, n.locate(&path).column), (3, 6));
        assert_eq!((n.locate_key(&path).line, n.locate_key(&path).column), (3, 3));
    }

    #[test]
    fn syntax_error_has_a_position() {
        let e = parse("a: [1,\nb: 2").unwrap_err();
        assert!(e.pos.line >= 1, "{e:?}");
    }
}
