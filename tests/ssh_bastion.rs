//! `proxy_jump`: a fleet reached through a bastion, with a real second sshd
//! as the jump host (see tests/support). The hosts' sshd listen on loopback
//! too, so a direct connection would work: each test proves the jump either
//! from the bastion's own log of what it forwarded, or by stopping it.

mod support;

use std::time::{Duration, Instant};

use support::{BASTION, Fleet, text};

const V1: &[&str] = &["deploy", "-e", "field", "--version", "1.0.0", "--yes"];
const V2: &[&str] = &["deploy", "-e", "field", "--version", "1.1.0", "--yes"];

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `n` hosts, releases 1.0.0 and 1.1.0, and a bastion.
fn fleet(n: usize) -> Fleet {
    let mut f = Fleet::start(n);
    f.build_release("1.0.0", false);
    f.build_release("1.1.0", false);
    f.start_bastion();
    f
}

fn bastion_port(f: &Fleet) -> u16 {
    f.bastion.as_ref().map(|b| b.port).unwrap_or_default()
}

/// The fleet's config with `ssh.proxy_jump` = the bastion by address (not by
/// its Host alias: nothing in ssh_config then tells the jump hop which key and
/// known_hosts to use but rvmctl), plus `extra` ssh options; `host_jump`
/// gives one host a `proxy_jump` of its own.
fn write_config(f: &Fleet, extra: &str, host_jump: Option<(&str, &str)>) {
    let ssh =
        format!("identity_file: {}, proxy_jump: \"root@127.0.0.1:{}\"{extra}", f.client_key.display(), bastion_port(f));
    let path = f.write_config_ssh("strategy: blue_green", "", &ssh);
    if let Some((host, jump)) = host_jump {
        let cfg = std::fs::read_to_string(&path).expect("config");
        let cfg = cfg.replace(&format!("{{ name: {host}, "), &format!("{{ name: {host}, proxy_jump: \"{jump}\", "));
        std::fs::write(&path, cfg).expect("config");
    }
}

#[test]
fn a_fleet_behind_a_bastion_deploys_and_switches_through_it() {
    let f = fleet(2);
    // rvm-002 names the bastion by its Host alias, as a host's own proxy_jump.
    write_config(&f, "", Some(("rvm-002", "bastion")));
    let out = f.run(V1);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    f.assert_all_live("blue", "1.0.0");
    let out = f.run(V2);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    f.assert_all_live("green", "1.1.0");
    f.assert_safe();
    f.assert_history_consistent(Some("1.1.0"));

    // Every connection to every host went through the bastion: one master
    // per host and run, each a connection the bastion forwarded.
    for h in &f.hosts {
        let n = f.bastion_forwards_to(h.port);
        assert!(n >= 2, "the bastion forwarded {n} connections to {} (port {})", h.name, h.port);
    }
}

#[test]
fn a_stopped_bastion_fails_fast_and_traffic_stays() {
    let mut f = fleet(2);
    write_config(&f, "", None);
    let out = f.run(V1);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    f.assert_all_live("blue", "1.0.0");

    // The hosts' sshd still answer; only the way to them is gone.
    f.kill_sshd(BASTION);
    let started = Instant::now();
    let out = f.run(V2);
    let took = started.elapsed();
    // The hosts cannot be reached: pending (exit 7), not a failed release.
    assert_eq!(out.status.code(), Some(7), "{}", text(&out));
    assert!(took < Duration::from_secs(20), "took {took:?}: {}", text(&out));
    let err = stderr(&out);
    let jump = format!("cannot reach the bastion root@127.0.0.1:{}", bastion_port(&f));
    for h in &f.hosts {
        assert!(err.contains(&format!("{jump} on the way to {}: check that it is up", h.name)), "{}", text(&out));
    }
    assert!(err.contains("Connection refused"), "{}", text(&out));
    f.assert_all_live("blue", "1.0.0");
    for h in &f.hosts {
        assert!(!h.base().join("green").exists(), "{}: nothing staged", h.name);
    }

    // The bastion comes back: the same deploy goes through.
    f.start_sshd(BASTION);
    f.write_client_files(&[]);
    write_config(&f, "", None);
    let out = f.run(V2);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    f.assert_all_live("green", "1.1.0");
}

#[test]
fn an_unknown_bastion_key_is_refused_unless_opted_out() {
    let f = fleet(2);
    // The hosts' keys are pinned; the bastion's is not.
    f.write_client_files(&["bastion"]);
    write_config(&f, "", None);
    let out = f.run(V1);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    let err = stderr(&out);
    let refused = format!("the host key of the bastion root@127.0.0.1:{} (on the way to", bastion_port(&f));
    assert!(err.contains(&refused) && err.contains("Host key verification failed"), "{}", text(&out));
    assert!(err.contains(&f.known_hosts.display().to_string()), "says where to pin it: {}", text(&out));
    for h in &f.hosts {
        assert!(!h.base().exists(), "{}: nothing may happen behind an unverified bastion", h.name);
        assert_eq!(f.bastion_forwards_to(h.port), 0, "{}", h.name);
    }
    let kh = std::fs::read_to_string(&f.known_hosts).expect("known_hosts");
    assert!(!kh.contains(&format!("]:{} ", bastion_port(&f))), "{kh}");

    write_config(&f, ", strict_host_key_checking: false", None);
    let out = f.run(V1);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    f.assert_all_live("blue", "1.0.0");
}
