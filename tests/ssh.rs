//! The ssh driver end to end: the real binary against real sshd hosts on
//! loopback (see tests/support).

mod support;

use support::{Fleet, text};

#[test]
fn ssh_deploy_to_one_host_then_redeploy_is_a_noop() {
    let fleet = Fleet::start(1);
    fleet.build_release("1.0.0", false);
    fleet.write_config("strategy: blue_green", "");
    let out = fleet.run(&["deploy", "-e", "field", "--version", "1.0.0", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(fleet.live(0).as_deref(), Some("blue"));
    assert_eq!(fleet.live_version(0).as_deref(), Some("1.0.0"));
    assert!(fleet.serving(0).unwrap_or_default().contains("\"version\": \"1.0.0\""), "{:?}", fleet.serving(0));

    let out = fleet.run(&["deploy", "-e", "field", "--version", "1.0.0", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Nothing to do"), "{}", text(&out));
}
