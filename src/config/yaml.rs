//! A YAML document as a tree of nodes that remember where they came from.
//!
//! serde-saphyr parses; every node and every mapping key keeps its
//! line/column and byte span so that schema and semantic checks can point at
//! the exact place in the file, long after parsing.

use std::borrow::Cow;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// Byte span plus the 1-based line/column of its start. 32 bits each, as
/// serde-saphyr keeps them (it counts lines and columns in `u32`): every node
/// and key has one, so its size is most of the tree's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
    pub offset: u32,
    pub len: u32,
}

/// `n` as `u32`, saturated (only a document past 4 GiB would need it).
fn narrow(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Pos {
    fn from_spanned<T>(s: &Spanned<T>) -> Self {
        let loc = s.referenced;
        let span = loc.span();
        Pos {
            line: narrow(loc.line()),
            column: narrow(loc.column()),
            offset: narrow(span.byte_offset().unwrap_or(span.offset())),
            len: narrow(span.byte_len().unwrap_or(span.len())),
        }
    }

    /// The byte range this position covers (at least one byte).
    pub fn range(&self) -> std::ops::Range<usize> {
        let start = self.offset as usize;
        start..start + self.len.max(1) as usize
    }
}

/// A node's value. Strings (scalars and mapping keys) are borrowed from the
/// document's text wherever YAML writes them as they are (plain, or quoted
/// without escapes): a host's keys and values are then no allocations of
/// their own.
#[derive(Debug, Clone)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'a, str>),
    Seq(Vec<Node<'a>>),
    Map(Vec<(Key<'a>, Node<'a>)>),
}

#[derive(Debug, Clone)]
pub struct Key<'a> {
    pub name: Cow<'a, str>,
    pub pos: Pos,
}

#[derive(Debug, Clone)]
pub struct Node<'a> {
    pub value: Value<'a>,
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

impl Node<'_> {
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

    pub fn get(&self, key: &str) -> Option<&Self> {
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
            Value::Str(s) => J::String(s.to_string()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(entries.iter().map(|(k, v)| (k.name.to_string(), v.to_json())).collect()),
        }
    }
}

impl Node<'_> {
    /// Whether [`Node::to_json`] gives `null` (a float that is not finite does).
    fn is_json_null(&self) -> bool {
        match self.value {
            Value::Null => true,
            Value::Float(f) => !f.is_finite(),
            _ => false,
        }
    }
}

/// Forwards each named method to the node's [`Node::to_json`].
macro_rules! scalars_via_json {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.to_json().$method(visitor)
        })*
    };
}

/// Each method reads the tree itself, as `deserialize_any` does, when the
/// node has the shape before its `=>`; any other node goes through its
/// [`Node::to_json`] (the same method there), which gives serde_json's error.
macro_rules! tree_or_json {
    ($($shape:pat => $($method:ident($($arg:ident: $ty:ty),*))*;)*) => {
        $($(fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Self::Error> {
            match self.value {
                $shape => self.deserialize_any(visitor),
                _ => self.to_json().$method($($arg,)* visitor),
            }
        })*)*
    };
}

/// Typed values read straight from the tree, exactly as
/// `serde_json::from_value(node.to_json())` reads them (same errors, mapping
/// keys in sorted order, the last of equal keys wins) without first copying
/// the whole document into JSON. Strings are lent to the visitor; other
/// scalars, and the shapes a type does not expect (errors), go through
/// [`Node::to_json`] of that one node.
impl<'de> serde::Deserializer<'de> for &'de Node<'_> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match &self.value {
            Value::Seq(items) => visit_items(items, visitor),
            Value::Map(entries) => visit_entries(entries, visitor),
            Value::Str(s) => visitor.visit_borrowed_str(s),
            _ => self.to_json().deserialize_any(visitor),
        }
    }

    tree_or_json! {
        Value::Str(_) => deserialize_str() deserialize_string();
        Value::Seq(_) => deserialize_seq()
            deserialize_tuple(len: usize)
            deserialize_tuple_struct(name: &'static str, len: usize);
        Value::Map(_) => deserialize_map();
        Value::Seq(_) | Value::Map(_) => deserialize_struct(name: &'static str, fields: &'static [&'static str]);
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        if self.is_json_null() { visitor.visit_none() } else { visitor.visit_some(self) }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.to_json().deserialize_enum(name, variants, visitor)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, Self::Error> {
        self.to_json().deserialize_unit_struct(name, visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    scalars_via_json!(
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128 deserialize_f32
        deserialize_f64 deserialize_char deserialize_bytes
        deserialize_byte_buf deserialize_unit deserialize_identifier
    );
}

fn visit_items<'de, V: Visitor<'de>>(items: &'de [Node<'_>], visitor: V) -> Result<V::Value, serde_json::Error> {
    let mut access = Items(items.iter());
    let value = visitor.visit_seq(&mut access)?;
    if access.0.len() == 0 {
        Ok(value)
    } else {
        Err(serde::de::Error::invalid_length(items.len(), &"fewer elements in array"))
    }
}

fn visit_entries<'de, V: Visitor<'de>>(
    entries: &'de [(Key<'_>, Node<'_>)],
    visitor: V,
) -> Result<V::Value, serde_json::Error> {
    // JSON objects (without serde_json's `preserve_order`) are sorted by key
    // and keep the last of equal keys: reversed, then a stable sort and
    // dedup keep the last.
    let mut sorted: Vec<&(Key, Node)> = entries.iter().rev().collect();
    sorted.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    sorted.dedup_by(|a, b| a.0.name == b.0.name);
    let len = sorted.len();
    let mut access = Entries { iter: sorted.into_iter(), value: None };
    let value = visitor.visit_map(&mut access)?;
    if access.iter.len() == 0 {
        Ok(value)
    } else {
        Err(serde::de::Error::invalid_length(len, &"fewer elements in map"))
    }
}

struct Items<'de, 'a>(std::slice::Iter<'de, Node<'a>>);

impl<'de> SeqAccess<'de> for Items<'de, '_> {
    type Error = serde_json::Error;

    fn next_element_seed<T: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Self::Error> {
        self.0.next().map(|n| seed.deserialize(n)).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Entries<'de, 'a> {
    iter: std::vec::IntoIter<&'de (Key<'a>, Node<'a>)>,
    value: Option<&'de Node<'a>>,
}

impl<'de> MapAccess<'de> for Entries<'de, '_> {
    type Error = serde_json::Error;

    fn next_key_seed<T: serde::de::DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Self::Error> {
        let Some((key, value)) = self.iter.next() else { return Ok(None) };
        self.value = Some(value);
        seed.deserialize(serde::de::value::BorrowedStrDeserializer::new(&key.name)).map(Some)
    }

    fn next_value_seed<T: serde::de::DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Self::Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(value),
            None => Err(serde::de::Error::custom("value is missing")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
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
pub fn parse(src: &str) -> Result<Node<'_>, SyntaxError> {
    if src.trim().is_empty() {
        return Ok(Node { value: Value::Null, pos: Pos::default() });
    }
    let parsed: Spanned<Raw> = serde_saphyr::from_str(src).map_err(|e| {
        let loc = e.location();
        let (line, column, offset) = loc
            .map(|l| {
                let span = l.span();
                (narrow(l.line()), narrow(l.column()), narrow(span.byte_offset().unwrap_or(span.offset())))
            })
            .unwrap_or((1, 1, 0));
        // The first line of serde-saphyr's message is the human part.
        let message = e.to_string().lines().next().unwrap_or("invalid YAML").to_string();
        SyntaxError { message, pos: Pos { line, column, offset, len: 1 } }
    })?;
    Ok(node(parsed))
}

fn node(s: Spanned<Raw<'_>>) -> Node<'_> {
    Node { pos: Pos::from_spanned(&s), value: s.value.0 }
}

/// A value as serde-saphyr reads it. Its children become [`Node`]s as they
/// are read, so the document is built once, not read into one tree and
/// copied into another.
struct Raw<'de>(Value<'de>);

impl<'de> Deserialize<'de> for Raw<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis;
        impl<'de> Visitor<'de> for Vis {
            type Value = Raw<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<Raw<'de>, E> {
                Ok(Raw(Value::Null))
            }
            fn visit_none<E>(self) -> Result<Raw<'de>, E> {
                Ok(Raw(Value::Null))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw<'de>, D::Error> {
                Raw::deserialize(d)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Raw<'de>, E> {
                Ok(Raw(Value::Bool(b)))
            }
            fn visit_i64<E>(self, i: i64) -> Result<Raw<'de>, E> {
                Ok(Raw(Value::Int(i)))
            }
            fn visit_u64<E>(self, i: u64) -> Result<Raw<'de>, E> {
                Ok(Raw(i64::try_from(i).map_or(Value::Float(i as f64), Value::Int)))
            }
            fn visit_f64<E>(self, f: f64) -> Result<Raw<'de>, E> {
                Ok(Raw(Value::Float(f)))
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Raw<'de>, E> {
                Ok(Raw(Value::Str(Cow::Borrowed(s))))
            }
            fn visit_str<E>(self, s: &str) -> Result<Raw<'de>, E> {
                Ok(Raw(Value::Str(Cow::Owned(s.to_string()))))
            }
            fn visit_string<E>(self, s: String) -> Result<Raw<'de>, E> {
                Ok(Raw(Value::Str(Cow::Owned(s))))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Raw<'de>, A::Error> {
                let mut items = Vec::new();
                while let Some(x) = a.next_element()? {
                    items.push(node(x));
                }
                items.shrink_to_fit();
                Ok(Raw(Value::Seq(items)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Raw<'de>, A::Error> {
                let mut entries = Vec::new();
                while let Some((k, v)) = a.next_entry::<Spanned<Text>, _>()? {
                    let pos = Pos::from_spanned(&k);
                    entries.push((Key { name: k.value.0, pos }, node(v)));
                }
                entries.shrink_to_fit();
                Ok(Raw(Value::Map(entries)))
            }
        }
        d.deserialize_any(Vis)
    }
}

/// A mapping key, read as a `String` is (same visits, same error) but
/// borrowed from the document when it can be.
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis;
        impl<'de> Visitor<'de> for Vis {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(s)))
            }
            fn visit_bytes<E: serde::de::Error>(self, b: &[u8]) -> Result<Text<'de>, E> {
                std::str::from_utf8(b)
                    .map(|s| Text(Cow::Owned(s.to_string())))
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Bytes(b), &self))
            }
        }
        d.deserialize_string(Vis)
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

    /// What `T::deserialize(&node)` gives and what `serde_json::from_value(node.to_json())`
    /// gives, each as JSON text (maps in their own order) or the error message.
    fn both_ways<T: serde::de::DeserializeOwned + serde::Serialize>(yaml: &str) -> (String, String) {
        let n = parse(yaml).unwrap();
        let show = |r: Result<T, serde_json::Error>| match r {
            Ok(v) => serde_json::to_string(&v).unwrap(),
            Err(e) => format!("error: {e}"),
        };
        (show(T::deserialize(&n)), show(serde_json::from_value(n.to_json())))
    }

    #[test]
    fn typed_values_from_the_tree_are_those_from_its_json() {
        use crate::config::schema::{ConfigFile, Inventory};
        use indexmap::IndexMap;
        for file in ["examples/quickstart/deployment-config.yaml", "examples/reference/deployment-config.yaml"] {
            let text = std::fs::read_to_string(file).unwrap();
            let (tree, json) = both_ways::<ConfigFile>(&text);
            assert!(!tree.starts_with("error"), "{file}: {tree}");
            assert_eq!(tree, json, "{file}");
        }
        let text = std::fs::read_to_string("examples/reference/inventory/production.yaml").unwrap();
        let (tree, json) = both_ways::<Inventory>(&text);
        assert_eq!(tree, json);
        // JSON objects are sorted by key: so are the maps read from the tree.
        let (tree, json) = both_ways::<IndexMap<String, u32>>("b: 1\na: 2\nc: 3\n");
        assert_eq!((tree.as_str(), json.as_str()), (r#"{"a":2,"b":1,"c":3}"#, r#"{"a":2,"b":1,"c":3}"#));
        // Values the schema check would have refused: the same message (or,
        // for a list, the same host read by position).
        for bad in [
            "hosts: [{ name: 7 }]",
            "hosts: [[a, b]]",
            "hosts: 3",
            "hosts: [{ name: a, port: 70000 }]",
            "hosts: [{ name: a, vars: { x: [1] } }]",
            "hosts: [{ name: a, labels: [] }]",
            "hosts: [{ name: a, nope: 1 }]",
            "{}",
        ] {
            let (tree, json) = both_ways::<Inventory>(bad);
            assert_eq!(tree, json, "{bad}");
        }
        for bad in
            ["strategy: sideways", "strategy: { canary: 1 }", "strategy: 3", "timeout: [1]", "canary: { steps: 5 }"]
        {
            let (tree, json) = both_ways::<crate::config::schema::Settings>(bad);
            assert!(tree.starts_with("error"), "{bad}: {tree}");
            assert_eq!(tree, json, "{bad}");
        }
    }
}
