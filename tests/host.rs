//! A host's lifecycle end to end against real sshd hosts on loopback:
//! `host check` finds each missing prerequisite and says how to fix it,
//! `host bootstrap` prepares a host once (a second run changes nothing),
//! `host uninstall` takes it out, keeping its history, and never while a
//! run holds it.

mod support;

use std::path::Path;

use support::{Fleet, text};

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(o)))
}

/// The check named `name` of host `host` in `host check -o json`.
fn check<'a>(v: &'a serde_json::Value, host: &str, name: &str) -> &'a serde_json::Value {
    let h = v["hosts"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|h| h["host"] == host)
        .unwrap_or_else(|| panic!("no {host}: {v}"));
    h["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {name} on {host}: {v}"))
}

#[test]
fn host_check_reports_each_failing_prerequisite_with_its_fix() {
    let mut f = Fleet::start(3);
    f.build_release("1.0.0", false);
    // rvm-002 lacks flock; rvm-003's key is not pinned (a new Jetson nobody vouched for).
    f.without_commands(1, &["flock"]);
    f.write_client_files(&["rvm-003"]);
    f.write_config("strategy: blue_green", "");

    let out = f.run(&["host", "check", "-e", "field", "-o", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let v = json(&out);
    assert_eq!(v["ready"], 1, "{v}");
    assert_eq!(check(&v, "rvm-001", "commands")["status"], "ok");
    let commands = check(&v, "rvm-002", "commands");
    assert_eq!(commands["status"], "failed", "{v}");
    assert_eq!(commands["detail"], "missing: flock");
    assert_eq!(commands["fix"], "install them on the host: sudo apt-get install util-linux");
    let reach = check(&v, "rvm-003", "reachable");
    assert_eq!(reach["status"], "failed", "{v}");
    assert!(reach["fix"].as_str().unwrap_or_default().contains("known_hosts"), "{v}");
    assert_eq!(check(&v, "rvm-003", "disk")["status"], "skipped");

    // The table says the same, with the fixes, and who is not ready.
    let out = f.run(&["host", "check", "-e", "field"]);
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("1/3 hosts of field ready"), "{s}");
    assert!(s.contains("rvm-002 (commands)"), "{s}");
    assert!(s.contains("apt-get install util-linux"), "{s}");

    // A disk too small for two releases, an artifact for another machine, a clock an hour off.
    f.write_client_files(&[]);
    f.write_config("strategy: blue_green\nmin_free_disk: 900TiB", "      arch: riscv64\n");
    let hour_ago = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1);
    let out = f
        .rvmctl()
        .args(["host", "check", "-e", "field", "--hosts", "rvm-001", "-o", "json"])
        .env("RVMCTL_NOW", hour_ago.to_string())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let v = json(&out);
    let disk = check(&v, "rvm-001", "disk");
    assert_eq!(disk["status"], "failed", "{v}");
    assert!(disk["fix"].as_str().unwrap_or_default().contains("min_free_disk"), "{v}");
    let arch = check(&v, "rvm-001", "arch");
    assert_eq!(arch["status"], "failed", "{v}");
    assert!(arch["detail"].as_str().unwrap_or_default().contains("built for riscv64"), "{v}");
    let clock = check(&v, "rvm-001", "clock");
    assert_eq!(clock["status"], "failed", "{v}");
    assert!(clock["detail"].as_str().unwrap_or_default().contains("ahead of this machine"), "{v}");
    assert!(clock["fix"].as_str().unwrap_or_default().contains("timedatectl set-ntp"), "{v}");

    // Sized for a release: --version reads the artifact's size.
    f.write_config("strategy: blue_green", "");
    let out = f.run(&["host", "check", "-e", "field", "--hosts", "rvm-001", "--version", "1.0.0", "-o", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let disk = json(&out);
    assert!(check(&disk, "rvm-001", "disk")["detail"].as_str().unwrap_or_default().contains("2 × "), "{disk}");
}

/// Config for a fleet whose app declares systemd units (installed under
/// each host's own dir, the manager "reloaded" by a counter).
fn systemd_config(f: &Fleet, unit: &str) {
    let units = format!(
        "    systemd:\n      dir: \"{{base_dir}}/../systemd\"\n      reload: \"echo reload >> {{base_dir}}/../reloads\"\n      units:\n        - name: edge-app@.service\n          content: |\n{}",
        unit.lines().map(|l| format!("            {l}\n")).collect::<String>()
    );
    f.write_config("strategy: blue_green", &units);
}

const UNIT: &str = "[Unit]\nDescription=edge app (%i)\n[Service]\nExecStart={base_dir}/%i/edge-ctl run\n";

fn reloads(f: &Fleet, i: usize) -> usize {
    std::fs::read_to_string(f.hosts[i].dir.join("reloads")).map(|s| s.lines().count()).unwrap_or(0)
}

#[test]
fn host_bootstrap_is_idempotent_and_installs_verified_units() {
    let f = Fleet::start(2);
    systemd_config(&f, UNIT);
    let out = f.run(&["host", "bootstrap", "-e", "field", "-o", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v = json(&out);
    for (i, h) in f.hosts.iter().enumerate() {
        let unit = std::fs::read_to_string(h.dir.join("systemd/edge-app@.service")).expect("unit installed");
        assert!(unit.contains(&format!("ExecStart={}/%i/edge-ctl run", h.base().display())), "{unit}");
        assert!(h.base().join(".rvmctl/artifacts").is_dir() && h.base().join(".rvmctl/logs").is_dir());
        assert_eq!(reloads(&f, i), 1, "reloaded once");
        assert_eq!(v["hosts"][i]["changed"], true, "{v}");
    }

    // Twice: nothing changes, nothing reloads, and the report says so.
    let out = f.run(&["host", "bootstrap", "-e", "field"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("bootstrap: 0 changed, 2 unchanged, 0 failed"), "{s}");
    assert_eq!((reloads(&f, 0), reloads(&f, 1)), (1, 1));

    // A unit systemd-analyze rejects installs nothing, on any host.
    systemd_config(&f, "[Service]\nExecStart=not-an-absolute-path\n");
    let out = f.run(&["host", "bootstrap", "-e", "field"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("systemd-analyze verify rejects edge-app@.service"), "{}", text(&out));
    let unit = std::fs::read_to_string(f.hosts[0].dir.join("systemd/edge-app@.service")).unwrap_or_default();
    assert!(unit.contains("edge-ctl run"), "the installed unit was left as it was: {unit}");

    // A changed unit is installed and reloaded once more; the first deploy then works.
    systemd_config(&f, &format!("{UNIT}Restart=on-failure\n"));
    let out = f.run(&["host", "bootstrap", "-e", "field", "--hosts", "rvm-001"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!((reloads(&f, 0), reloads(&f, 1)), (2, 1));
    f.build_release("1.0.0", false);
    let out = f.run(&["deploy", "-e", "field", "--version", "1.0.0", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    f.assert_all_live("blue", "1.0.0");
}

fn tar_list(path: &Path) -> String {
    let out = std::process::Command::new("tar").arg("tzf").arg(path).output().expect("tar");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn host_uninstall_stops_backs_up_removes_and_is_refused_while_locked() {
    let f = Fleet::start(2);
    for v in ["1.0.0", "1.1.0", "1.2.0"] {
        f.build_release(v, false);
        std::fs::write(f.path(&format!("dist/edge-{v}/edge.yaml")), format!("version: {v}\n")).expect("edge.yaml");
    }
    let files = "    config_files:\n      - { path: \"{base_dir}/../etc/edge.yaml\", source: edge.yaml }\n";
    f.write_config("strategy: blue_green", files);
    for v in ["1.0.0", "1.1.0"] {
        let out = f.run(&["deploy", "-e", "field", "--version", v, "--yes"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
    let h = &f.hosts[0];
    assert!(support::slots::get_health(h.port_blue).is_some(), "blue runs warm (keep_previous)");
    assert!(h.dir.join("etc/edge.yaml").exists());

    // Without a terminal and without --yes: refused, nothing touched.
    let out = f.run(&["host", "uninstall", "-e", "field", "--hosts", "rvm-001"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("pass --yes"), "{}", text(&out));
    assert_eq!(f.live(0).as_deref(), Some("green"));

    // While a deploy holds the host: refused with who holds it, nothing touched.
    std::fs::write(h.base().join("SLOW"), "").expect("SLOW");
    let mut slow =
        f.rvmctl().args(["deploy", "-e", "field", "--version", "1.2.0", "--yes"]).spawn().expect("slow deploy");
    let reached = h.base().join("SLOW.reached");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !reached.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(reached.exists(), "the slow deploy did not reach its pre-deploy step");
    let out = f.run(&["host", "uninstall", "-e", "field", "--hosts", "rvm-001", "--yes"]);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out));
    assert!(text(&out).contains("locked by tester@"), "{}", text(&out));
    assert!(h.base().join("green").is_dir() && h.base().join("blue").is_dir());
    let _ = slow.kill();
    let _ = slow.wait();
    std::fs::remove_file(h.base().join("SLOW")).expect("rm SLOW");
    f.settle();

    let out = f.run(&["host", "uninstall", "-e", "field", "--hosts", "rvm-001", "--yes", "-o", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v = json(&out);
    // Both colors stopped, slots, pointer, state and config file gone; the lock free.
    assert!(support::slots::get_health(h.port_blue).is_none() && support::slots::get_health(h.port_green).is_none());
    for gone in ["blue", "green", "current", ".rvmctl"] {
        assert!(!h.base().join(gone).exists() && !h.base().join(gone).is_symlink(), "{gone} left: {v}");
    }
    assert!(!h.dir.join("etc/edge.yaml").exists());
    assert!(!support::slots::lock_held(&h.base()));
    // The backup holds the history, the journal dir and the config file.
    let backup = v["hosts"][0]["backup"].as_str().unwrap_or_else(|| panic!("no backup: {v}")).to_string();
    let listed = tar_list(Path::new(&backup));
    assert!(listed.contains(".rvmctl/history.jsonl") && listed.contains("etc/edge.yaml"), "{listed}");
    assert!(!listed.contains(".rvmctl/artifacts/"), "artifacts are releases, not state: {listed}");
    // The other host was not touched; the uninstalled one can come back.
    assert_eq!(f.live(1).as_deref(), Some("green"));
    let out = f.run(&["host", "uninstall", "-e", "field", "--hosts", "rvm-001", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing installed there"), "{}", text(&out));
    let out = f.run(&["deploy", "-e", "field", "--version", "1.1.0", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(f.live_version(0).as_deref(), Some("1.1.0"));
}
