//! Property test: random sequences of deploy, failing deploy, rollback,
//! SIGKILL at a random step, resume and abort on the local driver. After
//! every operation: each live host serves a whole, healthy release, no lock
//! is held, history is append-only; a successful deploy leaves every host
//! on its version. Bounded: few cases, no shrinking (each step runs the
//! real binary against real services).

mod support;

use proptest::prelude::*;
use support::local::{LocalProject, Options};
use support::run;

#[derive(Debug, Clone)]
enum Op {
    Deploy(&'static str),
    DeployFailing,
    Rollback,
    KillDuringDeploy(&'static str, &'static str),
    Resume,
    Abort,
}

fn op() -> impl Strategy<Value = Op> {
    let versions = prop::sample::select(vec!["1.0.0", "1.1.0", "1.2.0"]);
    let points = prop::sample::select(vec![
        "after:stage",
        "before:switch",
        "after:switch",
        "before:monitor",
        "after:health_check",
    ]);
    prop_oneof![
        3 => versions.clone().prop_map(Op::Deploy),
        1 => Just(Op::DeployFailing),
        2 => Just(Op::Rollback),
        2 => (versions, points).prop_map(|(v, p)| Op::KillDuringDeploy(v, p)),
        1 => Just(Op::Resume),
        1 => Just(Op::Abort),
    ]
}

fn apply(p: &LocalProject, op: &Op) {
    let deploy =
        |v: &str| p.cmd().args(["deploy", "-e", "development", "--version", v, "--yes"]).output().expect("run");
    match op {
        Op::Deploy(v) => {
            let out = deploy(v);
            let code = out.status.code();
            // 0 (done), or refused/failed cleanly; never killed, never a panic (101).
            assert!(
                matches!(code, Some(0) | Some(1) | Some(4)),
                "deploy {v}: {code:?} {}",
                String::from_utf8_lossy(&out.stderr)
            );
            if code == Some(0) {
                for h in &p.hosts {
                    let live = p.live(h).expect("live after a successful deploy");
                    let version =
                        std::fs::read_to_string(p.host_dir(h).join(&live).join("VERSION")).unwrap_or_default();
                    assert_eq!(version.trim(), *v, "{h} after deploying {v}");
                }
            }
        }
        Op::DeployFailing => {
            let before: Vec<Option<String>> = p.hosts.iter().map(|h| p.live(h)).collect();
            let code = deploy("9.0.0").status.code();
            assert!(
                matches!(code, Some(4) | Some(1)),
                "failing deploy exits 4 (or 1 with an unfinished journal): {code:?}"
            );
            let after: Vec<Option<String>> = p.hosts.iter().map(|h| p.live(h)).collect();
            assert_eq!(before, after, "a failing deploy changes no live pointer");
        }
        Op::Rollback => {
            let code = run(p.cmd().args(["rollback", "-e", "development", "--yes"])).0;
            assert!(matches!(code, 0 | 1 | 4), "rollback: {code}");
        }
        Op::KillDuringDeploy(v, point) => {
            let out = p
                .cmd()
                .args(["deploy", "-e", "development", "--version", v, "--yes"])
                .env("RVMCTL_FAULT", *point)
                .output()
                .expect("run");
            assert!(matches!(out.status.code(), None | Some(0) | Some(1) | Some(4)), "{:?}", out.status);
            std::thread::sleep(std::time::Duration::from_millis(400));
        }
        Op::Resume => {
            let code = run(p.cmd().args(["resume", "-e", "development", "--yes"])).0;
            assert!(matches!(code, 0 | 1 | 4), "resume: {code}");
        }
        Op::Abort => {
            let code = run(p.cmd().args(["abort", "-e", "development", "--yes"])).0;
            assert!(matches!(code, 0 | 1 | 4), "abort: {code}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, max_shrink_iters: 0, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_operations_keep_every_host_safe(ops in prop::collection::vec(op(), 3..7)) {
        let p = LocalProject::new(Options { hosts: 2, monitor: "500ms", ..Options::default() });
        for v in ["1.0.0", "1.1.0", "1.2.0"] {
            p.release(v, false);
        }
        p.release("9.0.0", true);
        for op in &ops {
            apply(&p, op);
            p.assert_safe();
            p.assert_history_consistent(None);
        }
        // Whatever happened, one more deploy converges.
        let (code, out, err) = run(p.cmd().args(["deploy", "-e", "development", "--version", "1.2.0", "--yes"]));
        prop_assert_eq!(code, 0, "{}\n{}", out, err);
        p.assert_safe();
    }
}
