use std::path::Path;

use jiff::Timestamp;

use super::*;
use crate::config::load_str;
use crate::model::{HistoryAction, HistoryEntry, LockInfo, Outcome, SlotState};
use crate::ui::{OutputFormat, Printer};

const CONFIG: &str = r#"
apiVersion: rvmctl/v1
project: myrvm
defaults:
  post_switch_monitor: 30s
environments:
  production:
    approval_required: true
    approvers: [ops-lead]
    deployment_window: { start: "02:00", end: "06:00", timezone: Asia/Jakarta }
    targets:
      - name: fleet
        kind: local
        app: edge
        strategy: canary
        canary: { steps: [5%, 25%, 100%], pause: 10m }
        hosts: [h01, h02, h03, h04, h05, h06, h07, h08, h09, h10, h11, h12, h13, h14, h15, h16, h17, h18, h19, h20]
      - name: bench
        kind: local
        app: edge
        strategy: rolling
        batch_size: 3
        keep_previous: false
        hosts: [b1, b2, b3, b4, b5, b6, b7]
apps:
  edge:
    artifact: { path: ./dist }
    services:
      - { name: main_application, start: "start main", after: [detection] }
      - { name: detection, start: "start det", after: [config] }
      - { name: config, start: "start config" }
    pre_deploy:
      - { name: disk_space, run: "true" }
    health_checks:
      - { kind: http, url: "http://127.0.0.1:8003/health" }
    analysis: [error-rate, memory]
analysis:
  error-rate: { prometheus: "http://prometheus:9090", query: 'sum(rate(errors{host="{host}"}[5m]))', max: 0.1 }
  memory: { resource: memory, max: 0.95 }
"#;

fn env() -> crate::config::ResolvedEnv {
    let cfg =
        load_str(Path::new("/tmp/deployment-config.yaml"), "deployment-config.yaml", CONFIG).expect("valid config");
    cfg.environment("production").expect("env")
}

fn at(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

fn slot(version: &str, status: SlotStatus) -> SlotState {
    SlotState {
        version: version.into(),
        sha256: Some("aaaa".into()),
        status,
        updated_at: at("2026-11-01T00:00:00Z"),
        ready: None,
        image: None,
        started: false,
    }
}

fn fresh(unit: &str) -> UnitState {
    UnitState::empty(unit)
}

fn live_blue(unit: &str, version: &str) -> UnitState {
    UnitState {
        live: Some(Color::Blue),
        blue: Some(slot(version, SlotStatus::Healthy)),
        last: Some(HistoryEntry {
            revision: 4,
            at: at("2026-11-01T00:00:00Z"),
            user: "ops".into(),
            action: HistoryAction::Deploy,
            version: version.into(),
            from: None,
            to: Color::Blue,
            result: Outcome::Success,
            plan_hash: None,
            message: None,
            approved_by: None,
            window_override: None,
            migrated: false,
            identity: None,
        }),
        ..fresh(unit)
    }
}

fn observed(env: &crate::config::ResolvedEnv, f: impl Fn(&str) -> UnitState) -> Vec<ObservedTarget> {
    env.targets
        .iter()
        .map(|t| ObservedTarget {
            target: t.name.clone(),
            units: t.hosts.iter().map(|h| f(&h.name)).collect(),
            artifact_sha256: Some("aaaa".into()),
            details: Default::default(),
        })
        .collect()
}

fn request<'a>(env: &'a ResolvedEnv, obs: &'a [ObservedTarget], version: &'a str, now: &str) -> PlanRequest<'a> {
    PlanRequest { project: "myrvm", env, version, observed: obs, now: at(now), user: "tester" }
}

fn plan_for(obs: &[ObservedTarget], version: &str, now: &str) -> Plan {
    compute(&request(&env(), obs, version, now))
}

fn rollback_for(env: &ResolvedEnv, obs: &[ObservedTarget]) -> Plan {
    rollback(&request(env, obs, "previous", NIGHT_IN_JAKARTA))
}

const NIGHT_IN_JAKARTA: &str = "2026-11-23T20:00:00Z"; // 03:00 WIB
const NOON_IN_JAKARTA: &str = "2026-11-23T05:00:00Z"; // 12:00 WIB

#[test]
fn first_deploy_orders_steps_and_services() {
    let e = env();
    let obs = observed(&e, fresh);
    let plan = plan_for(&obs, "1.4.2", NIGHT_IN_JAKARTA);
    let u = &plan.targets[0].units[0];
    assert_eq!(u.action, UnitAction::Deploy);
    assert_eq!(u.to, Some(Color::Blue));
    let labels: Vec<String> = u.steps.iter().map(Step::label).collect();
    assert_eq!(
        labels,
        [
            "acquire lock",
            "stage 1.4.2 into blue",
            "pre-deploy check disk_space (blue)",
            "start config (blue)",
            "start detection (blue)",
            "start main_application (blue)",
            "health check http http://127.0.0.1:8003/health (blue)",
            "switch live → blue",
            "monitor blue for 30s with analysis error-rate, memory",
            "release lock",
        ]
    );
    // keep_previous: false on bench → stop the previous color after the monitor.
    let b = &plan.targets[1].units[0];
    assert!(!b.steps.iter().any(|s| matches!(s, Step::StopPrevious { .. })), "nothing to stop on a first deploy");
}

#[test]
fn canary_and_rolling_waves() {
    let e = env();
    let plan = plan_for(&observed(&e, fresh), "1.4.2", NIGHT_IN_JAKARTA);
    let sizes: Vec<usize> = plan.targets[0].waves.iter().map(|w| w.units.len()).collect();
    assert_eq!(sizes, [1, 4, 15], "5% of 20 → 1, 25% → 5 cumulative, then the rest");
    assert_eq!(plan.targets[0].waves[0].pause_after.as_deref(), Some("10m"));
    assert_eq!(plan.targets[0].waves[2].pause_after, None);
    let sizes: Vec<usize> = plan.targets[1].waves.iter().map(|w| w.units.len()).collect();
    assert_eq!(sizes, [3, 3, 1]);
}

#[test]
fn live_version_is_a_noop_and_staged_slot_is_reused() {
    let e = env();
    let obs = observed(&e, |u| {
        let mut s = live_blue(u, "1.4.2");
        if u == "h02" {
            s = live_blue(u, "1.4.1");
            s.green = Some(slot("1.4.2", SlotStatus::Staged));
        }
        s
    });
    let plan = plan_for(&obs, "1.4.2", NIGHT_IN_JAKARTA);
    let units = &plan.targets[0].units;
    assert_eq!(units[0].action, UnitAction::Noop);
    assert_eq!(units[0].reason, "already live on 1.4.2 (blue)");
    assert_eq!(units[1].action, UnitAction::Deploy);
    assert_eq!(units[1].to, Some(Color::Green));
    assert_eq!(units[1].next_revision, 5);
    assert!(matches!(units[1].steps[1], Step::Stage { reuse: true, .. }), "{:?}", units[1].steps[1]);
    assert_eq!(plan.targets[0].waves.iter().map(|w| w.units.len()).sum::<usize>(), 1, "only h02 is deployed");
    // A different artifact under the same version is not a no-op.
    let mut other = obs.clone();
    other[0].artifact_sha256 = Some("bbbb".into());
    let plan = plan_for(&other, "1.4.2", NIGHT_IN_JAKARTA);
    assert_eq!(plan.targets[0].units[0].action, UnitAction::Deploy);
}

#[test]
fn unreachable_and_locked_units_are_explained() {
    let e = env();
    let obs = observed(&e, |u| match u {
        "h03" => UnitState::unreachable(u, "connection refused".into()),
        "h02" => UnitState::refusing(u, "the host key of h02 is unknown or has changed".into()),
        "h04" => UnitState {
            lock: Some(LockInfo {
                holder: "ana@laptop (pid 7)".into(),
                since: at("2026-11-23T19:00:00Z"),
                operation: "deploy 1.4.1".into(),
                plan_hash: None,
                expires: None,
            }),
            ..fresh(u)
        },
        _ => fresh(u),
    });
    let plan = plan_for(&obs, "1.4.2", NIGHT_IN_JAKARTA);
    let u3 = &plan.targets[0].units[2];
    assert_eq!(u3.action, UnitAction::Unreachable);
    assert_eq!(u3.reason, "unreachable: connection refused");
    // Refused (host key, credentials) is not pending: an operator must look.
    let u2 = &plan.targets[0].units[1];
    assert_eq!(u2.action, UnitAction::Blocked);
    assert_eq!(u2.reason, "refused: the host key of h02 is unknown or has changed");
    assert_eq!(plan.targets[0].units[3].locked_by.as_deref(), Some("ana@laptop (pid 7)"));
}

#[test]
fn gates_are_evaluated_at_the_given_instant() {
    let e = env();
    let obs = observed(&e, fresh);
    let night = plan_for(&obs, "1.4.2", NIGHT_IN_JAKARTA);
    let noon = plan_for(&obs, "1.4.2", NOON_IN_JAKARTA);
    use crate::gates::{GateKind, GateStatus};
    let window = |p: &Plan| p.gates.iter().find(|g| g.gate == GateKind::Window).cloned().expect("window gate");
    assert_eq!(window(&night).status, GateStatus::Pass);
    assert_eq!(window(&noon).status, GateStatus::Closed);
    assert_eq!(window(&noon).next_open, Some(at("2026-11-23T19:00:00Z")));
    assert!(night.gates.iter().any(|g| g.gate == GateKind::Approval && g.status == GateStatus::Required));
}

#[test]
fn hash_and_fingerprint_track_content() {
    let e = env();
    let obs = observed(&e, fresh);
    let a = plan_for(&obs, "1.4.2", NIGHT_IN_JAKARTA);
    let b = plan_for(&obs, "1.4.2", NIGHT_IN_JAKARTA);
    assert_eq!(a.hash, b.hash, "deterministic");
    assert_eq!(a.hash, a.compute_hash());
    let c = plan_for(&obs, "1.4.3", NIGHT_IN_JAKARTA);
    assert_ne!(a.hash, c.hash);
    let changed = observed(&e, |u| live_blue(u, "1.4.0"));
    assert_ne!(fingerprint(&obs), fingerprint(&changed));
    // Locks and history do not make a plan stale; the live state does.
    let locked = observed(&e, |u| UnitState { lock: live_blue(u, "x").lock, ..fresh(u) });
    assert_eq!(fingerprint(&obs), fingerprint(&locked));
}

#[test]
fn rollback_switches_back_only_to_a_good_previous_color() {
    let e = env();
    let obs = observed(&e, |u| match u {
        "h01" => UnitState {
            live: Some(Color::Green),
            green: Some(slot("1.4.2", SlotStatus::Healthy)),
            blue: Some(slot("1.4.1", SlotStatus::Healthy)),
            ..fresh(u)
        },
        "h02" => UnitState {
            live: Some(Color::Green),
            green: Some(slot("1.4.2", SlotStatus::Healthy)),
            blue: Some(slot("1.4.1", SlotStatus::Failed)),
            ..fresh(u)
        },
        "h03" => UnitState { live: Some(Color::Blue), blue: Some(slot("1.4.2", SlotStatus::Healthy)), ..fresh(u) },
        _ => fresh(u),
    });
    let plan = rollback_for(&e, &obs);
    let units = &plan.targets[0].units;
    assert_eq!(units[0].action, UnitAction::Deploy);
    assert_eq!(units[0].to, Some(Color::Blue));
    assert_eq!(units[0].version.as_deref(), Some("1.4.1"));
    assert!(!units[0].steps.iter().any(|s| matches!(s, Step::Stage { .. })), "no restaging");
    assert_eq!(units[1].action, UnitAction::Blocked);
    assert!(units[1].reason.contains("is failed"), "{}", units[1].reason);
    assert_eq!(units[2].action, UnitAction::Blocked);
    assert!(units[2].reason.contains("is empty; nothing to roll back to"), "{}", units[2].reason);
    assert_eq!(units[3].reason, "nothing is live yet; deploy first");
    // keep_previous: false → the previous color's services start before the switch back.
    let obs = observed(&e, |u| UnitState {
        live: Some(Color::Green),
        green: Some(slot("2", SlotStatus::Healthy)),
        blue: Some(slot("1", SlotStatus::Healthy)),
        ..fresh(u)
    });
    let plan = rollback_for(&e, &obs);
    assert!(plan.targets[1].units[0].steps.iter().any(|s| matches!(s, Step::StartService { .. })));
}

fn printer(format: OutputFormat) -> Printer {
    Printer { format, color: false, stderr_tty: false, quiet: false, verbose: 0 }
}

#[test]
fn plan_table_snapshot() {
    let e = env();
    let obs = observed(&e, |u| match u {
        "h01" => live_blue(u, "1.4.2"),
        "h02" => UnitState::unreachable(u, "ssh: connect to host h02 port 22: Connection refused".into()),
        _ => live_blue(u, "1.4.1"),
    });
    let plan = plan_for(&obs, "1.4.2", NOON_IN_JAKARTA);
    insta::assert_snapshot!(crate::ui::table::plan(&printer(OutputFormat::Table), &plan));
}

#[test]
fn plan_json_snapshot() {
    let e = env();
    let obs = observed(&e, |u| live_blue(u, "1.4.1"));
    let mut plan = plan_for(&obs, "1.4.2", NIGHT_IN_JAKARTA);
    plan.targets.truncate(1);
    plan.targets[0].units.truncate(1);
    insta::assert_json_snapshot!(plan, { ".hash" => "[hash]", ".observed_fingerprint" => "[fingerprint]" });
}

fn canary_target(n: usize) -> ResolvedTarget {
    let hosts: Vec<String> = (1..=n).map(|i| format!("h{i:02}")).collect();
    let text = format!(
        "apiVersion: rvmctl/v1\nproject: p\nenvironments:\n  e:\n    targets:\n      - {{ name: t, kind: local, app: a, strategy: canary, canary: {{ steps: [10%, 50%, 100%], pause: manual }}, hosts: [{}] }}\napps:\n  a:\n    artifact: {{ path: ./x }}\n",
        hosts.join(", ")
    );
    let cfg = crate::config::load_str(Path::new("/tmp/c.yaml"), "c.yaml", &text).expect("config");
    cfg.environment("e").expect("env").targets.remove(0)
}

fn names(r: std::ops::RangeInclusive<usize>) -> Vec<String> {
    r.map(|i| format!("h{i:02}")).collect()
}

#[test]
fn canary_steps_count_the_whole_fleet_when_resuming() {
    let t = canary_target(10);
    let fresh = waves(&t, &names(1..=10));
    let sizes: Vec<usize> = fresh.iter().map(|w| w.units.len()).collect();
    assert_eq!(sizes, vec![1, 4, 5]);
    assert_eq!(fresh[0].pause_after.as_deref(), Some("manual"));
    assert_eq!(fresh[2].pause_after, None);

    // One canary already live: the next run goes on to 50%, then 100%.
    let resumed = waves_of(&t, &names(2..=10), 1);
    let sizes: Vec<usize> = resumed.iter().map(|w| w.units.len()).collect();
    assert_eq!(sizes, vec![4, 5]);
    assert_eq!(resumed[0].pause_after.as_deref(), Some("manual"));

    // Half live: only the last step is left, without a pause.
    let last = waves_of(&t, &names(6..=10), 5);
    assert_eq!(last.len(), 1);
    assert_eq!(last[0].units.len(), 5);
    assert_eq!(last[0].pause_after, None);
}

/// backend ← fleet ← kiosk, plus an independent `reports`; one group.
fn ordered_env() -> ResolvedEnv {
    let text = concat!(
        "apiVersion: rvmctl/v1\nproject: p\nenvironments:\n  prod:\n    rollback: { groups: { platform: [backend, fleet] } }\n    targets:\n",
        "      - { name: kiosk, kind: local, app: a, hosts: [k1], after: [fleet] }\n",
        "      - { name: fleet, kind: local, app: a, hosts: [f1], after: [backend] }\n",
        "      - { name: reports, kind: local, app: a, hosts: [r1] }\n",
        "      - { name: backend, kind: local, app: a, hosts: [b1] }\n",
        "apps:\n  a:\n    artifact: { path: ./x }\n",
    );
    let cfg = load_str(Path::new("/tmp/c.yaml"), "c.yaml", text).expect("config");
    cfg.environment("prod").expect("env")
}

#[test]
fn targets_are_planned_in_start_order_and_switched_back_in_reverse() {
    let e = ordered_env();
    let obs = observed(&e, |u| UnitState {
        live: Some(Color::Green),
        green: Some(slot("2", SlotStatus::Healthy)),
        blue: Some(slot("1", SlotStatus::Healthy)),
        ..fresh(u)
    });
    let plan = compute(&request(&e, &obs, "3", NIGHT_IN_JAKARTA));
    let order: Vec<(&str, Vec<String>, Option<&str>)> =
        plan.targets.iter().map(|t| (t.target.as_str(), t.after.clone(), t.rollback_group.as_deref())).collect();
    assert_eq!(
        order,
        [
            ("reports", vec![], None),
            ("backend", vec![], Some("platform")),
            ("fleet", vec!["backend".to_string()], Some("platform")),
            ("kiosk", vec!["fleet".to_string()], None),
        ]
    );
    // A rollback goes back the other way: each target after those that started after it.
    let back = rollback_for(&e, &obs);
    let order: Vec<(&str, Vec<String>)> = back.targets.iter().map(|t| (t.target.as_str(), t.after.clone())).collect();
    assert_eq!(
        order,
        [
            ("kiosk", vec![]),
            ("fleet", vec!["kiosk".to_string()]),
            ("reports", vec![]),
            ("backend", vec!["fleet".to_string()]),
        ]
    );
    // The plan table says when each starts and what comes back with it.
    let shown = crate::ui::table::plan(&printer(OutputFormat::Table), &plan);
    assert!(shown.contains("Target fleet (local, app a, strategy blue_green, 1 wave)\n  starts after backend has succeeded\n  rolls back together with backend (group platform)"), "{shown}");
}

#[test]
fn a_unit_whose_last_deploy_never_went_live_has_nothing_to_roll_back() {
    let e = env();
    let obs = observed(&e, |u| {
        let mut s = live_blue(u, "1.4.1");
        s.green = Some(slot("1.4.2", SlotStatus::Failed));
        if let Some(last) = s.last.as_mut() {
            (last.version, last.from, last.to, last.result) =
                ("1.4.2".into(), Some(Color::Blue), Color::Green, Outcome::Failed);
        }
        s
    });
    let plan = rollback_for(&e, &obs);
    let u = &plan.targets[0].units[0];
    assert_eq!(u.action, UnitAction::Noop, "{u:?}");
    assert!(u.reason.contains("its last deploy (1.4.2) never went live (failed): 1.4.1 stayed live"), "{}", u.reason);
}
