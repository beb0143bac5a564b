//! `kind: redis`: PING (after AUTH when a password is configured), then
//! optionally GET a key, in RESP2.

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

use super::ByteStream;
use super::shown;

/// One RESP2 reply.
#[derive(Debug, PartialEq)]
enum Reply {
    Simple(String),
    Error(String),
    Int(i64),
    Bulk(Option<Vec<u8>>),
    Array(usize),
}

/// `auth`: (user, password); `get`: (key, expected value).
pub async fn check(
    stream: Box<dyn ByteStream>,
    auth: Option<(Option<&str>, &str)>,
    get: Option<(&str, Option<&str>)>,
) -> Result<String, String> {
    let mut conn = BufReader::new(stream);
    if let Some((user, password)) = auth {
        let args: Vec<&str> = match user {
            Some(u) => vec!["AUTH", u, password],
            None => vec!["AUTH", password],
        };
        match call(&mut conn, &args).await? {
            Reply::Simple(_) => {}
            Reply::Error(e) => {
                return Err(format!(
                    "redis refused the credentials (check the password in password_env): {}",
                    shown(&e)
                ));
            }
            other => return Err(format!("unexpected answer to AUTH: {other:?}")),
        }
    }
    match call(&mut conn, &["PING"]).await? {
        Reply::Simple(p) if p == "PONG" => {}
        Reply::Error(e) if e.starts_with("NOAUTH") => {
            return Err(format!("redis wants a password: {}; set password_env", shown(&e)));
        }
        Reply::Error(e) => return Err(format!("PING: {}", shown(&e))),
        other => return Err(format!("PING answered {other:?}, expected PONG")),
    }
    let Some((key, expect)) = get else { return Ok("PING → PONG".into()) };
    let value = match call(&mut conn, &["GET", key]).await? {
        Reply::Bulk(Some(v)) => String::from_utf8_lossy(&v).into_owned(),
        Reply::Bulk(None) => return Err(format!("GET {key}: the key does not exist")),
        Reply::Error(e) => return Err(format!("GET {key}: {}", shown(&e))),
        other => return Err(format!("GET {key} answered {other:?}")),
    };
    match expect {
        Some(want) if value != want => Err(format!("GET {key} is '{}', expected '{want}'", shown(&value))),
        _ => Ok(format!("PING → PONG, GET {key} → '{}'", shown(&value))),
    }
}

async fn call<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    conn: &mut BufReader<S>,
    args: &[&str],
) -> Result<Reply, String> {
    let mut req = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        req.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        req.extend_from_slice(a.as_bytes());
        req.extend_from_slice(b"\r\n");
    }
    let io = |e: std::io::Error| format!("talking to redis: {e}");
    conn.get_mut().write_all(&req).await.map_err(io)?;
    conn.get_mut().flush().await.map_err(io)?;
    read_reply(conn).await
}

async fn read_reply<R: tokio::io::AsyncBufRead + Unpin>(conn: &mut R) -> Result<Reply, String> {
    let io = |e: std::io::Error| format!("talking to redis: {e}");
    let mut line = String::new();
    if conn.read_line(&mut line).await.map_err(io)? == 0 {
        return Err("the connection closed before redis answered (nothing listening there, or not redis?)".into());
    }
    let line = line.trim_end_matches(['\r', '\n']);
    let (kind, rest) = line.split_at(line.chars().next().map_or(0, char::len_utf8));
    let int = |s: &str| s.parse::<i64>().map_err(|_| format!("not a redis answer: {}", shown(line)));
    match kind {
        "+" => Ok(Reply::Simple(rest.to_string())),
        "-" => Ok(Reply::Error(rest.to_string())),
        ":" => Ok(Reply::Int(int(rest)?)),
        "$" => {
            let n = int(rest)?;
            if n < 0 {
                return Ok(Reply::Bulk(None));
            }
            let mut v = vec![0; n as usize + 2];
            conn.read_exact(&mut v).await.map_err(io)?;
            v.truncate(n as usize);
            Ok(Reply::Bulk(Some(v)))
        }
        "*" => Ok(Reply::Array(int(rest)?.max(0) as usize)),
        _ => Err(format!("not a redis answer: {}", shown(line))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn replies_parse() {
        let mut r = BufReader::new(&b"+PONG\r\n-ERR no\r\n:7\r\n$3\r\nabc\r\n$-1\r\n*2\r\n"[..]);
        assert_eq!(read_reply(&mut r).await, Ok(Reply::Simple("PONG".into())));
        assert_eq!(read_reply(&mut r).await, Ok(Reply::Error("ERR no".into())));
        assert_eq!(read_reply(&mut r).await, Ok(Reply::Int(7)));
        assert_eq!(read_reply(&mut r).await, Ok(Reply::Bulk(Some(b"abc".to_vec()))));
        assert_eq!(read_reply(&mut r).await, Ok(Reply::Bulk(None)));
        assert_eq!(read_reply(&mut r).await, Ok(Reply::Array(2)));
        assert!(read_reply(&mut r).await.unwrap_err().contains("closed"));
        let mut r = BufReader::new(&b"HTTP/1.1 400\r\n"[..]);
        assert!(read_reply(&mut r).await.unwrap_err().contains("not a redis answer"));
    }
}
