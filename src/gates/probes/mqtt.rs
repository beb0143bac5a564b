//! `kind: mqtt`: an MQTT 3.1.1 exchange with a broker: CONNECT (with user
//! name and password when configured), then optionally SUBSCRIBE to the
//! expected topic, PUBLISH, and wait for a message there. QoS 0 only: a
//! health check wants to know the broker routes messages now.

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::shown;
use super::{ByteStream, Secret};

/// One mqtt check with its templates rendered and its secrets read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    pub address: String,
    pub username: Option<Secret>,
    pub password: Option<Secret>,
    /// (topic, payload)
    pub publish: Option<(String, String)>,
    /// (topic, text the payload contains)
    pub expect: Option<(String, Option<String>)>,
    /// TLS: (server name, CA file) when the broker speaks it.
    pub tls: Option<(String, Option<String>)>,
}

const CONNECT: u8 = 0x10;
const CONNACK: u8 = 0x20;
const PUBLISH: u8 = 0x30;
const SUBSCRIBE: u8 = 0x82;
const SUBACK: u8 = 0x90;
const DISCONNECT: u8 = 0xE0;

impl Exchange {
    pub async fn run(&self, mut s: Box<dyn ByteStream>) -> Result<String, String> {
        let mut flags = 0x02; // clean session
        let mut payload = string(&format!("rvmctl-{}", std::process::id()));
        if let Some(u) = &self.username {
            flags |= 0x80;
            payload.extend(string(&u.0));
        }
        if let Some(p) = &self.password {
            flags |= 0x40;
            payload.extend(string(&p.0));
        }
        let mut body = string("MQTT");
        body.extend([4, flags, 0, 30]); // level 3.1.1, flags, keep-alive 30 s
        body.extend(payload);
        send(&mut s, CONNECT, &body).await?;
        let (kind, ack) = read(&mut s).await?;
        if kind & 0xF0 != CONNACK || ack.len() < 2 {
            return Err(format!("{}: not an MQTT broker (answered packet type {kind:#x})", self.address));
        }
        match ack[1] {
            0 => {}
            4 | 5 => {
                return Err(format!(
                    "{}: the broker refused the credentials (CONNACK {}); check username_env and password_env",
                    self.address, ack[1]
                ));
            }
            c => return Err(format!("{}: the broker refused the connection (CONNACK {c})", self.address)),
        }
        let mut seen = vec!["connected".to_string()];
        if let Some((topic, _)) = &self.expect {
            let mut body = vec![0, 1]; // packet id 1
            body.extend(string(topic));
            body.push(0); // QoS 0
            send(&mut s, SUBSCRIBE, &body).await?;
            loop {
                let (kind, ack) = read(&mut s).await?;
                if kind & 0xF0 != SUBACK {
                    continue;
                }
                if ack.get(2).is_none_or(|&c| c == 0x80) {
                    return Err(format!("the broker refused the subscription to '{topic}'"));
                }
                break;
            }
        }
        if let Some((topic, message)) = &self.publish {
            let mut body = string(topic);
            body.extend(message.as_bytes());
            send(&mut s, PUBLISH, &body).await?;
            seen.push(format!("published to {topic}"));
        }
        if let Some((_, contains)) = &self.expect {
            loop {
                let (kind, body) = read(&mut s).await?;
                if kind & 0xF0 != PUBLISH {
                    continue;
                }
                let Some((got, message)) = publish_parts(kind, &body) else { continue };
                let text = String::from_utf8_lossy(message);
                match contains {
                    Some(want) if !text.contains(want.as_str()) => {
                        return Err(format!("the message on '{got}' does not contain '{want}': {}", shown(&text)));
                    }
                    _ => {
                        seen.push(format!("got a message on {got}"));
                        break;
                    }
                }
            }
        }
        let _ = send(&mut s, DISCONNECT, &[]).await;
        Ok(seen.join(", "))
    }
}

/// An MQTT UTF-8 string: two bytes of length, then the bytes.
fn string(s: &str) -> Vec<u8> {
    let mut v = (s.len().min(u16::MAX as usize) as u16).to_be_bytes().to_vec();
    v.extend(&s.as_bytes()[..s.len().min(u16::MAX as usize)]);
    v
}

async fn send(s: &mut Box<dyn ByteStream>, kind: u8, body: &[u8]) -> Result<(), String> {
    let mut packet = vec![kind];
    let mut n = body.len();
    loop {
        let byte = (n % 128) as u8;
        n /= 128;
        packet.push(if n > 0 { byte | 0x80 } else { byte });
        if n == 0 {
            break;
        }
    }
    packet.extend_from_slice(body);
    let io = |e: std::io::Error| format!("talking to the broker: {e}");
    s.write_all(&packet).await.map_err(io)?;
    s.flush().await.map_err(io)
}

/// One packet: (first byte, body).
async fn read(s: &mut Box<dyn ByteStream>) -> Result<(u8, Vec<u8>), String> {
    let closed = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::UnexpectedEof => {
            "the connection closed before the broker answered (nothing listening there, or not MQTT?)".to_string()
        }
        _ => format!("talking to the broker: {e}"),
    };
    let kind = s.read_u8().await.map_err(closed)?;
    let (mut len, mut shift) = (0usize, 0);
    loop {
        let b = s.read_u8().await.map_err(closed)?;
        len |= ((b & 0x7F) as usize) << shift;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
        if shift > 21 {
            return Err("not an MQTT packet (bad length)".into());
        }
    }
    let mut body = vec![0; len];
    s.read_exact(&mut body).await.map_err(closed)?;
    Ok((kind, body))
}

/// A PUBLISH's topic and payload (skipping the packet id of QoS 1 and 2).
fn publish_parts(kind: u8, body: &[u8]) -> Option<(String, &[u8])> {
    let n = u16::from_be_bytes([*body.first()?, *body.get(1)?]) as usize;
    let topic = String::from_utf8_lossy(body.get(2..2 + n)?).into_owned();
    let id = if (kind >> 1) & 3 > 0 { 2 } else { 0 };
    Some((topic, body.get(2 + n + id..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_parts_skip_the_packet_id_above_qos_0() {
        let mut body = string("a/b");
        body.extend(b"hi");
        assert_eq!(publish_parts(0x30, &body), Some(("a/b".into(), &b"hi"[..])));
        let mut body = string("a/b");
        body.extend([0, 9]);
        body.extend(b"hi");
        assert_eq!(publish_parts(0x32, &body), Some(("a/b".into(), &b"hi"[..])));
        assert_eq!(publish_parts(0x30, &[0, 9, b'x']), None);
    }
}
