//! Masking credentials in text that is shown or logged.

/// Masks credentials in every URL in `s`: the password of `user:pass@`, and
/// query values whose names look secret (`token`, `key`, `secret`,
/// `password`, `sig`, `signature`). Text around the URLs is kept as is.
pub fn redact_url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("://") {
        let start = rest[..i]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(0, |p| p + 1);
        let end = rest[i + 3..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ')' | '<' | '>' | '`'))
            .map_or(rest.len(), |e| i + 3 + e);
        out.push_str(&rest[..start]);
        out.push_str(&one_url(&rest[start..i], &rest[i + 3..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn one_url(scheme: &str, after: &str) -> String {
    let host_end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let authority = &after[..host_end];
    let mut out = format!("{scheme}://");
    match authority.rfind('@') {
        Some(at) => {
            let user = authority[..at].split(':').next().unwrap_or("");
            out.push_str(&format!("{user}:***@{}", &authority[at + 1..]));
        }
        None => out.push_str(authority),
    }
    let tail = &after[host_end..];
    let Some((path, query)) = tail.split_once('?') else {
        out.push_str(tail);
        return out;
    };
    let masked: Vec<String> = query
        .split('&')
        .map(|kv| match kv.split_once('=') {
            Some((k, _))
                if ["token", "key", "secret", "password", "sig", "signature"]
                    .iter()
                    .any(|w| k.to_ascii_lowercase().contains(w)) =>
            {
                format!("{k}=***")
            }
            _ => kv.to_string(),
        })
        .collect();
    out.push_str(&format!("{path}?{}", masked.join("&")));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_credentials() {
        assert_eq!(redact_url("https://bob:hunter2@example.com/x"), "https://bob:***@example.com/x");
        assert_eq!(redact_url("https://h.example.com/d?token=abc&x=1"), "https://h.example.com/d?token=***&x=1");
        assert_eq!(redact_url("plain text"), "plain text");
        // Every URL in a message, and the text around them.
        assert_eq!(
            redact_url(
                "GET http://u:pw@h:1/x?sig=s&a=1: error sending request for url (http://u:pw@h:1/x?sig=s&a=1) & more"
            ),
            "GET http://u:***@h:1/x?sig=***&a=1: error sending request for url (http://u:***@h:1/x?sig=***&a=1) & more"
        );
    }
}
