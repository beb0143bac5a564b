//! The invariants of a slot host (local or over SSH: both keep the same
//! layout under their base dir) that must hold whenever rvmctl is not
//! running, whatever happened to it.

use std::path::Path;

/// The host's history, one JSON value per line.
pub fn history_lines(base: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(base.join(".rvmctl/history.jsonl"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Where `current` points (blue/green), if anywhere.
pub fn live(base: &Path) -> Option<String> {
    std::fs::read_link(base.join("current")).ok().map(|p| p.to_string_lossy().into_owned())
}

/// Whether some process holds the host's deploy lock (its flock).
pub fn lock_held(base: &Path) -> bool {
    let lock = base.join(".rvmctl/lock");
    lock.exists()
        && !std::process::Command::new("flock").arg("-n").arg(&lock).arg("true").status().is_ok_and(|s| s.success())
}

/// After a killed run: host commands it started finish on their own (as on
/// a real host) and each lock holder ends once its link is gone. Waits (up
/// to 15 s) until no host's lock is held, then a moment for the rest.
pub fn settle(bases: &[std::path::PathBuf]) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while bases.iter().any(|b| lock_held(b)) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
}

/// No lock held; a live pointer (if any) names a whole release whose slot
/// passed its checks, and that color's app answers /health with its version.
pub fn assert_host_safe(name: &str, base: &Path, (blue, green): (u16, u16)) {
    assert!(!lock_held(base), "{name}: lock left held");
    let Some(live) = live(base) else { return };
    assert!(base.join(&live).join("VERSION").is_file(), "{name}: live slot {live} is not a whole release");
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(base.join(format!(".rvmctl/{live}.json"))).unwrap_or_default())
            .unwrap_or_default();
    assert_eq!(meta["status"], "healthy", "{name}: live slot {live} is {}", meta["status"]);
    let port = if live == "blue" { blue } else { green };
    let (status, body) =
        get_health(port).unwrap_or_else(|| panic!("{name}: live color {live} does not answer on {port}"));
    assert_eq!(status, 200, "{name}: live color unhealthy: {body}");
    assert!(body.contains(meta["version"].as_str().unwrap_or("?")), "{name}: {body}");
}

/// History is append-only: revisions unique and increasing; with `version`,
/// exactly one successful deploy of it.
pub fn assert_history_consistent(name: &str, base: &Path, version: Option<&str>) {
    let entries = history_lines(base);
    let revs: Vec<u64> = entries.iter().map(|e| e["revision"].as_u64().unwrap_or(0)).collect();
    assert!(revs.windows(2).all(|w| w[0] < w[1]), "{name}: revisions not unique and increasing {revs:?}");
    if let Some(v) = version {
        let ok =
            entries.iter().filter(|e| e["version"] == v && e["result"] == "success" && e["action"] == "deploy").count();
        assert_eq!(ok, 1, "{name}: {ok} successful deploys of {v}: {entries:?}");
    }
}

/// GET /health on a loopback port: (status, body).
pub fn get_health(port: u16) -> Option<(u16, String)> {
    get(port, "/health")
}

/// GET `path` on a loopback port over HTTP/1.0: (status, body).
pub fn get(port: u16, path: &str) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let status = out.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, out.split("\r\n\r\n").nth(1).unwrap_or_default().to_string()))
}
