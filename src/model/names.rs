//! Values that reach shells on hosts and paths on disk (host names,
//! versions) are checked wherever they enter: config, command line, plan file.

/// Host names reach shells on hosts and paths on disk: keep them plain.
pub fn validate_host_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 253
        && !name.starts_with(['-', '.'])
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok { Ok(()) } else { Err(format!("invalid host name '{name}': use letters, digits, '-', '_' and '.' only")) }
}

/// Versions reach shells on hosts: allow what release versions look like.
pub fn validate_version(v: &str) -> Result<(), String> {
    let ok = !v.is_empty()
        && v.len() <= 128
        && !v.starts_with(['-', '.'])
        && v.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid version '{v}': use letters, digits, '.', '-', '_' and '+' only (e.g. 1.4.2 or 1.5.0-rc.1)"
        ))
    }
}

/// Single-quotes `s` for a POSIX shell.
pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `host:port` or `[v6]:port`.
pub fn split_addr(addr: &str) -> Option<(&str, &str)> {
    let (h, p) = addr.rsplit_once(':')?;
    let h = h.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(h);
    (!h.is_empty() && !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())).then_some((h, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_and_versions_are_refused() {
        for v in ["1.0; rm -rf /", "$(reboot)", "1.0`id`", "", "-rf", "a b", "1.0\nx"] {
            assert!(validate_version(v).is_err(), "{v:?}");
        }
        for v in ["1.4.2", "1.5.0-rc.1", "2.0.0+build.7", "v3"] {
            assert!(validate_version(v).is_ok(), "{v:?}");
        }
        for h in ["rvm-001", "sim_01", "jetson.site-a"] {
            assert!(validate_host_name(h).is_ok());
        }
        for h in ["$(id)", "a/b", "..", "-x", "a b"] {
            assert!(validate_host_name(h).is_err(), "{h:?}");
        }
    }
}
