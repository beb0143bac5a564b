//! Typed scalar values of the config: durations, percentages, times of day
//! and `{placeholder}` templates. Each parses from a string at load time and
//! has a JSON-Schema `format` so the schema check can report bad values with
//! their position before any typed deserialization happens.

use std::fmt;

pub use crate::model::Duration;
use crate::model::duration::string_format_schema;

/// A percentage written as `10%` (0–100, decimals allowed).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Percent(pub f64);

impl Percent {
    pub fn fraction(self) -> f64 {
        self.0 / 100.0
    }
}

impl std::str::FromStr for Percent {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("'{s}' is not a percentage; write e.g. 10% (between 0% and 100%)");
        let n: f64 = s.trim().strip_suffix('%').ok_or_else(bad)?.trim().parse().map_err(|_| bad())?;
        if !(0.0..=100.0).contains(&n) {
            return Err(bad());
        }
        Ok(Percent(n))
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0)
    }
}

string_format_schema!(Percent, "Percent", "percent", "e.g. 10%");

/// An amount of disk space written as `100MiB`, `2GiB`, `500MB` or `0`:
/// a whole number and a unit (`B`, `KB`/`MB`/`GB`/`TB` are powers of 1000,
/// `KiB`/`MiB`/`GiB`/`TiB` powers of 1024).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct ByteSize(pub u64);

const BYTE_UNITS: &[(&str, u64)] = &[
    ("TiB", 1 << 40),
    ("GiB", 1 << 30),
    ("MiB", 1 << 20),
    ("KiB", 1 << 10),
    ("TB", 1_000_000_000_000),
    ("GB", 1_000_000_000),
    ("MB", 1_000_000),
    ("KB", 1_000),
    ("kB", 1_000),
    ("B", 1),
];

impl ByteSize {
    pub fn bytes(self) -> u64 {
        self.0
    }

    /// Whole KiB, rounded up (what `df -Pk` counts in).
    pub fn kib_ceil(self) -> u64 {
        self.0.div_ceil(1024)
    }

    /// A measured amount for messages: `1.5 GiB`, `12.0 KiB`, `300 B`.
    pub fn human(self) -> String {
        let n = self.0;
        for (unit, size) in [("TiB", 1u64 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] {
            if n >= size {
                return format!("{:.1} {unit}", n as f64 / size as f64);
            }
        }
        format!("{n} B")
    }
}

impl std::str::FromStr for ByteSize {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("'{s}' is not a size; write a whole number with a unit, e.g. 100MiB, 2GiB, 500MB (or 0)");
        let t = s.trim();
        let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        if digits == 0 {
            return Err(bad());
        }
        let n: u64 = t[..digits].parse().map_err(|_| bad())?;
        let unit = t[digits..].trim();
        let mult = match unit {
            "" if n == 0 => 1,
            "" => return Err(bad()),
            u => BYTE_UNITS.iter().find(|(name, _)| *name == u).map(|(_, m)| *m).ok_or_else(bad)?,
        };
        n.checked_mul(mult).map(ByteSize).ok_or_else(|| format!("'{s}' is too large; the most is 16EiB"))
    }
}

impl fmt::Display for ByteSize {
    /// The largest unit that divides it exactly, so it parses back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0");
        }
        let (unit, size) = BYTE_UNITS.iter().find(|(_, size)| self.0 % size == 0).copied().unwrap_or(("B", 1));
        write!(f, "{}{unit}", self.0 / size)
    }
}

string_format_schema!(ByteSize, "ByteSize", "size", "e.g. 100MiB, 2GiB, 500MB");

/// A wall-clock time of day `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay {
    pub hour: i8,
    pub minute: i8,
}

impl std::str::FromStr for TimeOfDay {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("'{s}' is not a time of day; write HH:MM in 24-hour form, e.g. 02:00");
        let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
        let hour: i8 = h.parse().map_err(|_| bad())?;
        let minute: i8 = m.parse().map_err(|_| bad())?;
        if !(0..24).contains(&hour) || !(0..60).contains(&minute) || m.len() != 2 {
            return Err(bad());
        }
        Ok(TimeOfDay { hour, minute })
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

string_format_schema!(TimeOfDay, "TimeOfDay", "time-of-day", "HH:MM, 24-hour");

/// An IANA time-zone name such as `Asia/Jakarta`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeZoneName(pub String);

impl TimeZoneName {
    pub fn tz(&self) -> jiff::tz::TimeZone {
        // Validated at parse time; UTC is an unreachable fallback.
        jiff::tz::TimeZone::get(&self.0).unwrap_or(jiff::tz::TimeZone::UTC)
    }
}

impl std::str::FromStr for TimeZoneName {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match jiff::tz::TimeZone::get(s) {
            Ok(_) => Ok(TimeZoneName(s.to_string())),
            Err(_) => {
                let names: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
                let hint = crate::config::diagnostic::did_you_mean(s, names.iter().map(String::as_str))
                    .map(|m| format!("; did you mean '{m}'?"))
                    .unwrap_or_else(|| "; use an IANA name such as Europe/Berlin or Asia/Jakarta".into());
                Err(format!("unknown time zone '{s}'{hint}"))
            }
        }
    }
}

impl fmt::Display for TimeZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

string_format_schema!(TimeZoneName, "TimeZone", "timezone", "IANA time zone, e.g. Asia/Jakarta");

/// `proxy_jump` (an `ssh:` option, or a host's own): the bastion(s) an ssh
/// host is reached through, as OpenSSH's `ProxyJump` takes them —
/// `[user@]host[:port]` or a `Host` alias of the ssh config, comma-separated
/// for several hops (dialled in the order written).
///
/// Strict on purpose: the hops end up in the jump `ssh` command line that
/// OpenSSH runs through the shell, so only what host names, user names and
/// ports are made of is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyJump(pub Vec<JumpHop>);

/// One hop of a [`ProxyJump`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JumpHop {
    pub user: Option<String>,
    /// A name, an IPv4 address or an IPv6 address (without brackets).
    pub host: String,
    pub port: Option<u16>,
}

impl std::str::FromStr for JumpHop {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = |why: &str| {
            format!(
                "'{s}' is not a jump host ({why}); write [user@]host[:port] or a Host alias of the ssh config, e.g. admin@bastion.example.com:2222"
            )
        };
        let word = |w: &str| {
            !w.is_empty()
                && !w.starts_with(['-', '.'])
                && w.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        let rest = s.strip_prefix("ssh://").unwrap_or(s);
        let (user, rest) = match rest.rsplit_once('@') {
            Some((u, r)) if word(u) => (Some(u.to_string()), r),
            Some(_) => return Err(bad("the user may hold letters, digits, '-', '_' and '.'")),
            None => (None, rest),
        };
        let (host, port, named) = if let Some(v6) = rest.strip_prefix('[') {
            let (addr, after) = v6.split_once(']').ok_or_else(|| bad("an IPv6 address needs its closing ']'"))?;
            if addr.is_empty() || !addr.chars().all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.')) {
                return Err(bad("not an IPv6 address between '[' and ']'"));
            }
            match after {
                "" => (addr, None, false),
                p => (addr, Some(p.strip_prefix(':').ok_or_else(|| bad("write [address]:port"))?), false),
            }
        } else {
            match rest.split_once(':') {
                Some((h, p)) => (h, Some(p), true),
                None => (rest, None, true),
            }
        };
        if named && !word(host) {
            return Err(bad("the host may hold letters, digits, '-', '_' and '.'; IPv6 addresses go in brackets"));
        }
        let port = match port {
            None => None,
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 && p.chars().all(|c| c.is_ascii_digit()) => Some(n),
                _ => return Err(bad("the port must be a number from 1 to 65535")),
            },
        };
        Ok(JumpHop { user, host: host.to_string(), port })
    }
}

impl fmt::Display for JumpHop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(u) = &self.user {
            write!(f, "{u}@")?;
        }
        if self.host.contains(':') {
            write!(f, "[{}]", self.host)?;
        } else {
            f.write_str(&self.host)?;
        }
        if let Some(p) = self.port {
            write!(f, ":{p}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for ProxyJump {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s.trim().is_empty() {
            return Err("the jump host is empty; write [user@]host[:port] or a Host alias of the ssh config".into());
        }
        s.split(',').map(|h| h.trim().parse()).collect::<Result<Vec<JumpHop>, _>>().map(ProxyJump)
    }
}

impl fmt::Display for ProxyJump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, h) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{h}")?;
        }
        Ok(())
    }
}

string_format_schema!(
    ProxyJump,
    "ProxyJump",
    "proxy-jump",
    "[user@]host[:port] or a Host alias of the ssh config; comma-separated for several hops"
);

/// The placeholders any template may use.
pub const TEMPLATE_VARS: &[&str] = &[
    "version",
    "color",
    "base_dir",
    "slot_dir",
    "host",
    "address",
    "image",
    "environment",
    "project",
    "app",
    "target",
];

/// A string with `{placeholder}`s. Placeholders are expanded innermost first,
/// so `{port_{color}}` reads the host variable `port_blue` or `port_green`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Template(pub String);

impl Template {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Expands placeholders with `lookup`; an unknown name is an error.
    pub fn render(&self, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
        render_template(&self.0, lookup)
    }
}

pub fn render_template(s: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = s.to_string();
    // Each pass expands every innermost {name}; nesting depth is tiny.
    for _ in 0..8 {
        let mut changed = false;
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            match after.find(['{', '}']) {
                Some(i) if after.as_bytes()[i] == b'}' => {
                    let name = &after[..i];
                    // `${VAR}` belongs to the shell, not to us.
                    let shell_var = result_ends_with_dollar(&rest[..open]);
                    if shell_var || !is_placeholder_name(name) {
                        result.push_str(&rest[..open + 1]);
                        rest = after;
                        continue;
                    }
                    let value = lookup(name).ok_or_else(|| unknown_placeholder(name))?;
                    result.push_str(&rest[..open]);
                    result.push_str(&value);
                    rest = &after[i + 1..];
                    changed = true;
                }
                _ => {
                    result.push_str(&rest[..open + 1]);
                    rest = after;
                }
            }
        }
        result.push_str(rest);
        out = result;
        if !changed {
            return Ok(out);
        }
    }
    Ok(out)
}

fn result_ends_with_dollar(prefix: &str) -> bool {
    prefix.ends_with('$')
}

fn is_placeholder_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
}

fn unknown_placeholder(name: &str) -> String {
    let hint = crate::config::diagnostic::did_you_mean(name, TEMPLATE_VARS.iter().copied())
        .map(|m| format!("; did you mean {{{m}}}?"))
        .unwrap_or_default();
    format!(
        "unknown placeholder {{{name}}}{hint} (known: {}, and host vars)",
        TEMPLATE_VARS.iter().map(|v| format!("{{{v}}}")).collect::<Vec<_>>().join(" ")
    )
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Template {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(Template(s.to_string()))
    }
}

string_format_schema!(Template, "Template", "template", "text with {version} {color} {base_dir} … placeholders");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_print() {
        for (s, secs, shown) in [
            ("300s", 300, "5m"),
            ("10m", 600, "10m"),
            ("1h30m", 5400, "1h30m"),
            ("2h", 7200, "2h"),
            ("90s", 90, "1m30s"),
        ] {
            let d: Duration = s.parse().unwrap();
            assert_eq!(d.0.as_secs(), secs);
            assert_eq!(d.to_string(), shown);
            assert_eq!(d.to_string().parse::<Duration>().unwrap(), d, "display round-trips");
        }
        assert_eq!("500ms".parse::<Duration>().unwrap().0.as_millis(), 500);
        for bad in ["", "5", "5 minutes", "m5", "-3s", "1.5s"] {
            assert!(bad.parse::<Duration>().is_err(), "{bad}");
        }
    }

    #[test]
    fn percents() {
        assert_eq!("10%".parse::<Percent>().unwrap().fraction(), 0.1);
        assert_eq!("2.5%".parse::<Percent>().unwrap().0, 2.5);
        for bad in ["10", "101%", "x%", "-1%"] {
            assert!(bad.parse::<Percent>().is_err(), "{bad}");
        }
    }

    #[test]
    fn sizes_parse_print_and_round_trip() {
        for (s, bytes, shown) in [
            ("100MiB", 100 << 20, "100MiB"),
            ("2GiB", 2 << 30, "2GiB"),
            ("1024KiB", 1 << 20, "1MiB"),
            ("500MB", 500_000_000, "500MB"),
            ("0", 0, "0"),
            ("7B", 7, "7B"),
            (" 1 TiB ", 1 << 40, "1TiB"),
        ] {
            let b: ByteSize = s.parse().unwrap();
            assert_eq!(b.bytes(), bytes, "{s}");
            assert_eq!(b.to_string(), shown, "{s}");
            assert_eq!(b.to_string().parse::<ByteSize>().unwrap(), b, "display round-trips");
        }
        for bad in ["", "100", "1.5GiB", "MiB", "-1MiB", "10 mb", "99999999TiB"] {
            assert!(bad.parse::<ByteSize>().is_err(), "{bad}");
        }
        assert_eq!(ByteSize(1536).kib_ceil(), 2);
        assert_eq!(ByteSize(3 << 29).human(), "1.5 GiB");
        assert_eq!(ByteSize(300).human(), "300 B");
    }

    #[test]
    fn time_of_day() {
        assert_eq!("02:00".parse::<TimeOfDay>().unwrap().hour, 2);
        for bad in ["24:00", "2", "02:60", "02:5"] {
            assert!(bad.parse::<TimeOfDay>().is_err(), "{bad}");
        }
    }

    #[test]
    fn timezone_suggests() {
        assert!("Asia/Jakarta".parse::<TimeZoneName>().is_ok());
        let e = "Asia/Jakrta".parse::<TimeZoneName>().unwrap_err();
        assert!(e.contains("did you mean 'Asia/Jakarta'"), "{e}");
    }

    #[test]
    fn proxy_jumps_parse_strictly_and_print_back() {
        let j: ProxyJump = "admin@bastion.example.com:2222".parse().unwrap();
        assert_eq!(
            j.0,
            vec![JumpHop { user: Some("admin".into()), host: "bastion.example.com".into(), port: Some(2222) }]
        );
        for (s, shown) in [
            ("bastion", "bastion"),
            ("ssh://ops@10.0.0.1:22", "ops@10.0.0.1:22"),
            ("[::1]:2200", "[::1]:2200"),
            ("a@[fe80::1]", "a@[fe80::1]"),
            ("jump-1, u@jump-2:2022", "jump-1,u@jump-2:2022"),
        ] {
            let j: ProxyJump = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(j.to_string(), shown);
            assert_eq!(j.to_string().parse::<ProxyJump>().unwrap(), j, "display round-trips");
        }
        for bad in [
            "",
            "b;rm -rf ~",
            "b:0",
            "b:99999",
            "b:",
            "-oProxyCommand=x",
            "u@",
            "@b",
            "a b",
            "b,",
            "::1",
            "[::1",
            "[x]:22",
            "$(id)@b",
            "b:22x",
            "b'",
            "%h",
        ] {
            let e = bad.parse::<ProxyJump>().unwrap_err();
            assert!(e.contains("[user@]host[:port]"), "{bad}: {e}");
        }
    }

    #[test]
    fn templates_expand_innermost_first() {
        let vars = |k: &str| match k {
            "color" => Some("green".to_string()),
            "port_green" => Some("8102".to_string()),
            "version" => Some("1.2.0".to_string()),
            _ => None,
        };
        let t = Template("http://127.0.0.1:{port_{color}}/v{version}".into());
        assert_eq!(t.render(&vars).unwrap(), "http://127.0.0.1:8102/v1.2.0");
        let e = Template("x{verison}".into()).render(&vars).unwrap_err();
        assert!(e.contains("did you mean {version}"), "{e}");
        // shell braces that are not placeholders survive
        let t = Template("test $(df) -gt 1 && { echo ok; } ${HOME}".into());
        assert_eq!(t.render(&vars).unwrap(), "test $(df) -gt 1 && { echo ok; } ${HOME}");
    }
}
