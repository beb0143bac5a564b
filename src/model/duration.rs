//! Durations as operators write them (`30s`, `10m`, `1h30m`, `30d`, `2w`):
//! config settings, plan steps (`monitor green for 30s`) and look-back
//! windows (`history --stats --since 30d`) speak the same type.

use std::fmt;

/// JSON Schema (`type: string` with a `format`), Serialize (Display) and
/// Deserialize (FromStr) for a value type written as a string.
macro_rules! string_format_schema {
    ($ty:ty, $name:literal, $format:literal, $desc:literal) => {
        impl ::schemars::JsonSchema for $ty {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed($name)
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({ "type": "string", "format": $format, "description": $desc })
            }
        }
        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as ::serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(::serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use string_format_schema;

/// A duration written as `300s`, `10m`, `1h30m`, `500ms`, `30d`, `2w`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration(pub std::time::Duration);

impl Duration {
    pub fn from_secs(s: u64) -> Self {
        Duration(std::time::Duration::from_secs(s))
    }
    pub fn get(self) -> std::time::Duration {
        self.0
    }
}

impl std::str::FromStr for Duration {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let hint =
            || format!("'{s}' is not a duration; write a number with a unit, e.g. 500ms, 30s, 10m, 1h30m, 30d, 2w");
        let s = s.trim();
        if s.is_empty() {
            return Err(hint());
        }
        let mut total = std::time::Duration::ZERO;
        let mut rest = s;
        while !rest.is_empty() {
            let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
            if digits == 0 {
                return Err(hint());
            }
            let n: u64 = rest[..digits].parse().map_err(|_| hint())?;
            rest = &rest[digits..];
            let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
            let unit = &rest[..unit_len];
            rest = &rest[unit_len..];
            let secs_per_unit = match unit {
                "ms" => None,
                "s" => Some(1),
                "m" => Some(60),
                "h" => Some(3600),
                "d" => Some(86_400),
                "w" => Some(7 * 86_400),
                _ => return Err(hint()),
            };
            // An absurdly large number is an error, not an overflow.
            let d = match secs_per_unit {
                None => Some(std::time::Duration::from_millis(n)),
                Some(k) => n.checked_mul(k).map(std::time::Duration::from_secs),
            };
            total = d.and_then(|d| total.checked_add(d)).ok_or_else(hint)?;
        }
        Ok(Duration(total))
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.as_millis();
        if ms == 0 {
            return f.write_str("0s");
        }
        if ms % 1000 != 0 {
            return write!(f, "{ms}ms");
        }
        let mut secs = self.0.as_secs();
        let h = secs / 3600;
        secs %= 3600;
        let m = secs / 60;
        secs %= 60;
        if h > 0 {
            write!(f, "{h}h")?;
        }
        if m > 0 {
            write!(f, "{m}m")?;
        }
        if secs > 0 {
            write!(f, "{secs}s")?;
        }
        Ok(())
    }
}

string_format_schema!(Duration, "Duration", "duration", "e.g. 500ms, 30s, 10m, 1h30m");

#[cfg(test)]
mod tests {
    use super::Duration;

    #[test]
    fn days_and_weeks_are_look_back_units() {
        for (s, secs) in
            [("1d", 86_400), ("30d", 30 * 86_400), ("2w", 14 * 86_400), ("1w2d", 9 * 86_400), ("12h", 43_200)]
        {
            assert_eq!(s.parse::<Duration>().map(|d| d.get().as_secs()), Ok(secs), "{s}");
        }
        for bad in ["2W", "w", "3wk", "1y", "-1d"] {
            assert!(bad.parse::<Duration>().is_err(), "{bad}");
        }
    }

    #[test]
    fn an_overflowing_duration_is_an_error_not_a_panic() {
        let huge = format!("{}w", u64::MAX / 1000);
        assert!(huge.parse::<Duration>().is_err_and(|e| e.contains("is not a duration")));
        assert!(format!("{}s{}s", u64::MAX, u64::MAX).parse::<Duration>().is_err());
    }
}
