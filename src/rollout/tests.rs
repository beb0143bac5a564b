//! The executor's strategy logic against an in-memory driver: failure
//! budgets, canary stops, rollback of switched units, locks. (Each real
//! driver runs the same strategies in the integration tests.)

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;

use super::*;
use crate::config::schema::TargetKind;
use crate::drivers::{DriverError, StepContext, StepOutput};
use crate::model::{Color, HistoryEntry, JournalEntry, LockInfo, SlotState, SlotStatus, UnitState};
use crate::plan::{PlanKind, UnitAction, UnitPlan};

#[derive(Default)]
struct Fake {
    units: Vec<String>,
    fail_health: HashSet<String>,
    fail_monitor: HashSet<String>,
    locked: HashSet<String>,
    live: Mutex<HashMap<String, Color>>,
    log: Mutex<Vec<String>>,
    /// How long staging takes (to see targets overlap, or not).
    stage_for: std::time::Duration,
    /// Switches back to blue in flight now, and the most seen at once.
    backs: AtomicUsize,
    max_backs: AtomicUsize,
}

struct NoLock;
#[async_trait]
impl LockGuard for NoLock {
    async fn release(self: Box<Self>) -> Result<(), DriverError> {
        Ok(())
    }
}

#[async_trait]
impl Driver for Fake {
    fn kind(&self) -> TargetKind {
        TargetKind::Local
    }
    fn units(&self) -> Vec<String> {
        self.units.clone()
    }
    async fn observe(&self, unit: &str) -> UnitState {
        let live = self.live.lock().unwrap().get(unit).copied();
        let slot = |v: &str| {
            Some(SlotState {
                version: v.into(),
                sha256: None,
                status: SlotStatus::Healthy,
                updated_at: jiff::Timestamp::UNIX_EPOCH,
                ready: None,
                image: None,
                started: false,
            })
        };
        UnitState { live, blue: slot("1"), ..UnitState::empty(unit) }
    }
    async fn prepare(&self, _: &str) -> Result<Option<String>, String> {
        Ok(None)
    }
    async fn lock(
        &self,
        unit: &str,
        _: &LockInfo,
        _: Option<&JournalEntry>,
    ) -> Result<Box<dyn LockGuard>, DriverError> {
        if self.locked.contains(unit) {
            return Err(DriverError::Locked {
                unit: unit.into(),
                info: Box::new(crate::drivers::lock_info("deploy", None)),
            });
        }
        Ok(Box::new(NoLock))
    }
    async fn run_step(&self, unit: &str, step: &Step, _: &StepContext) -> Result<StepOutput, DriverError> {
        self.log.lock().unwrap().push(format!("{unit}: {}", step.label()));
        let fail = |what: &str| {
            Err(DriverError::StepFailed {
                unit: unit.into(),
                step: what.into(),
                message: "boom".into(),
                output: String::new(),
            })
        };
        match step {
            Step::Stage { .. } if !self.stage_for.is_zero() => {
                tokio::time::sleep(self.stage_for).await;
                Ok(StepOutput::default())
            }
            Step::HealthCheck { .. } if self.fail_health.contains(unit) => fail("health"),
            Step::Monitor { .. } if self.fail_monitor.contains(unit) => fail("monitor"),
            Step::Switch { to: Color::Blue, .. } => {
                // A switch back takes a moment, long enough to see whether they overlap.
                let now = self.backs.fetch_add(1, Ordering::SeqCst) + 1;
                self.max_backs.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                self.backs.fetch_sub(1, Ordering::SeqCst);
                self.live.lock().unwrap().insert(unit.into(), Color::Blue);
                Ok(StepOutput::default())
            }
            Step::Switch { to, .. } => {
                self.live.lock().unwrap().insert(unit.into(), *to);
                Ok(StepOutput::default())
            }
            _ => Ok(StepOutput::default()),
        }
    }
    async fn probe(&self, _: &str, _: Color, _: &str) -> Result<(), DriverError> {
        Ok(())
    }
    async fn append_history(&self, unit: &str, e: &HistoryEntry) -> Result<(), DriverError> {
        self.log.lock().unwrap().push(format!("{unit}: history {:?}", e.result));
        Ok(())
    }
    async fn history(&self, _: &str) -> Result<Vec<HistoryEntry>, DriverError> {
        Ok(Vec::new())
    }
    async fn break_lock(&self, _: &str) -> Result<(), DriverError> {
        Ok(())
    }
}

fn unit_plan(name: &str) -> UnitPlan {
    UnitPlan {
        unit: name.into(),
        action: UnitAction::Deploy,
        reason: String::new(),
        live: Some(Color::Blue),
        live_version: Some("1".into()),
        to: Some(Color::Green),
        version: Some("2".into()),
        next_revision: 2,
        steps: vec![
            Step::AcquireLock,
            Step::Stage { color: Color::Green, version: "2".into(), sha256: None, reuse: false },
            Step::HealthCheck { name: "h".into(), index: 0, color: Color::Green },
            Step::Switch { from: Some(Color::Blue), to: Color::Green },
            Step::Monitor {
                duration: crate::model::Duration::from_secs(1),
                color: Color::Green,
                max_failures: 3,
                analyses: Vec::new(),
            },
            Step::ReleaseLock,
        ],
        locked_by: None,
        changes: Vec::new(),
    }
}

fn plan(
    n: usize,
    strategy: crate::config::schema::Strategy,
    waves: Vec<Vec<usize>>,
    together: bool,
    budget: f64,
) -> Plan {
    let units: Vec<UnitPlan> = (0..n).map(|i| unit_plan(&format!("u{i}"))).collect();
    Plan {
        schema_version: 1,
        kind: PlanKind::Deploy,
        project: "p".into(),
        environment: "e".into(),
        version: "2".into(),
        created_at: jiff::Timestamp::UNIX_EPOCH,
        created_by: "t".into(),
        gates: vec![],
        targets: vec![TargetPlan {
            target: "t".into(),
            kind: TargetKind::Local,
            app: "a".into(),
            strategy,
            max_concurrency: 4,
            auto_rollback: true,
            max_failure_rate: budget,
            count_unreachable: false,
            after: Vec::new(),
            rollback_group: None,
            migrated: false,
            waves: waves
                .into_iter()
                .map(|w| crate::plan::Wave {
                    units: w.into_iter().map(|i| format!("u{i}")).collect(),
                    switch_together: together,
                    pause_after: None,
                })
                .collect(),
            units,
        }],
        observed_fingerprint: String::new(),
        hash: "h".into(),
    }
}

fn fake(n: usize) -> Fake {
    let f = Fake { units: (0..n).map(|i| format!("u{i}")).collect(), ..Fake::default() };
    for u in &f.units {
        f.live.lock().unwrap().insert(u.clone(), Color::Blue);
    }
    f
}

async fn execute(plan: &Plan, driver: Arc<Fake>) -> ApplyReport {
    execute_all(plan, &[("t", driver)]).await
}

fn results(r: &ApplyReport) -> Vec<UnitResult> {
    r.targets[0].units.iter().map(|u| u.result).collect()
}

use crate::config::schema::Strategy;

#[tokio::test]
async fn blue_green_switches_nobody_when_staging_breaks_the_budget() {
    let mut f = fake(4);
    f.fail_health.insert("u2".into());
    let f = Arc::new(f);
    let r = execute(&plan(4, Strategy::BlueGreen, vec![vec![0, 1, 2, 3]], true, 0.1), f.clone()).await;
    assert_eq!(r.outcome, ApplyOutcome::Failed);
    assert!(f.live.lock().unwrap().values().all(|c| *c == Color::Blue), "nobody switched");
    assert_eq!(results(&r)[2], UnitResult::Failed);
    assert!(r.errors.iter().any(|e| e.contains("nothing in this wave was switched")), "{:?}", r.errors);
}

#[tokio::test]
async fn blue_green_within_budget_switches_the_healthy_ones() {
    let mut f = fake(10);
    f.fail_health.insert("u3".into());
    let f = Arc::new(f);
    let r = execute(&plan(10, Strategy::BlueGreen, vec![(0..10).collect()], true, 0.2), f.clone()).await;
    let live = f.live.lock().unwrap().clone();
    assert_eq!(live.values().filter(|c| **c == Color::Green).count(), 9);
    assert_eq!(live["u3"], Color::Blue);
    assert_eq!(r.outcome, ApplyOutcome::Failed, "a failed unit is still a failed deploy (exit 4)");
}

#[tokio::test]
async fn canary_stops_and_rolls_back_switched_units() {
    let mut f = fake(6);
    f.fail_monitor.insert("u3".into());
    let f = Arc::new(f);
    let r = execute(&plan(6, Strategy::Canary, vec![vec![0], vec![1, 2, 3], vec![4, 5]], true, 0.1), f.clone()).await;
    assert_eq!(r.outcome, ApplyOutcome::RolledBack);
    let live = f.live.lock().unwrap().clone();
    assert!(live.values().all(|c| *c == Color::Blue), "everything switched was switched back: {live:?}");
    let res = results(&r);
    assert_eq!(res[0], UnitResult::RolledBack);
    assert_eq!(res[3], UnitResult::RolledBack);
    assert_eq!(res[4], UnitResult::Skipped, "the last wave never started");
    let log = f.log.lock().unwrap().clone();
    assert!(!log.iter().any(|l| l.starts_with("u4:") && l.contains("stage")), "{log:?}");
}

#[tokio::test]
async fn switched_units_are_rolled_back_together_not_one_by_one() {
    let mut f = fake(5);
    f.fail_health.insert("u4".into());
    let f = Arc::new(f);
    let r = execute(&plan(5, Strategy::Rolling, vec![vec![0, 1, 2, 3], vec![4]], true, 0.0), f.clone()).await;
    assert_eq!(r.outcome, ApplyOutcome::RolledBack);
    assert!(f.live.lock().unwrap().values().all(|c| *c == Color::Blue));
    // Traffic goes back everywhere at once: a bad release is not left live on
    // the last host while the first ones are switched back.
    assert_eq!(f.max_backs.load(Ordering::SeqCst), 4, "all four switched units at once");
}

#[tokio::test]
async fn immediate_switches_each_unit_when_it_is_ready() {
    let f = Arc::new(fake(3));
    let r = execute(&plan(3, Strategy::Immediate, vec![vec![0, 1, 2]], false, 0.0), f.clone()).await;
    assert_eq!(r.outcome, ApplyOutcome::Success);
    assert!(results(&r).iter().all(|r| *r == UnitResult::Switched));
    let log = f.log.lock().unwrap().clone();
    assert_eq!(log.iter().filter(|l| l.ends_with("history Success")).count(), 3);
}

#[tokio::test]
async fn a_held_lock_refuses_before_any_change() {
    let mut f = fake(3);
    f.locked.insert("u1".into());
    let f = Arc::new(f);
    let r = execute(&plan(3, Strategy::BlueGreen, vec![vec![0, 1, 2]], true, 0.5), f.clone()).await;
    assert_eq!(r.outcome, ApplyOutcome::LockHeld);
    let log = f.log.lock().unwrap().clone();
    assert!(log.is_empty(), "no step and no history on any unit: {log:?}");
}

#[tokio::test]
async fn a_cancelled_run_stops_before_the_next_wave() {
    let f = Arc::new(fake(4));
    let p = plan(4, Strategy::Rolling, vec![vec![0, 1], vec![2, 3]], true, 0.0);
    let cancel = Cancel::default();
    cancel.soft.cancel();
    let exec = Executor {
        plan: &p,
        drivers: HashMap::from([("t".to_string(), f.clone() as Arc<dyn Driver>)]),
        reporter: Arc::new(Silent),
        cancel,
        user: "t".into(),
        gates: Default::default(),
        migrated: Default::default(),
    };
    let r = exec.run().await;
    assert_eq!(r.outcome, ApplyOutcome::Interrupted);
    assert!(f.live.lock().unwrap().values().all(|c| *c == Color::Blue));
}

/// An environment of several targets, each its own fake driver: `(name,
/// units, after, rollback group)`.
fn environment(targets: &[(&str, usize, &[&str], Option<&str>)]) -> Plan {
    let mut p = plan(0, Strategy::Immediate, vec![], false, 0.0);
    p.targets = targets
        .iter()
        .map(|(name, n, after, group)| {
            let mut one = plan(*n, Strategy::Immediate, vec![(0..*n).collect()], false, 0.0).targets.remove(0);
            for u in &mut one.units {
                u.unit = format!("{name}-{}", u.unit);
            }
            for w in &mut one.waves {
                w.units = w.units.iter().map(|u| format!("{name}-{u}")).collect();
            }
            TargetPlan {
                target: name.to_string(),
                after: after.iter().map(|a| a.to_string()).collect(),
                rollback_group: group.map(str::to_string),
                ..one
            }
        })
        .collect();
    p
}

fn fake_for(name: &str, n: usize) -> Fake {
    let f = Fake { units: (0..n).map(|i| format!("{name}-u{i}")).collect(), ..Fake::default() };
    for u in &f.units {
        f.live.lock().unwrap().insert(u.clone(), Color::Blue);
    }
    f
}

async fn execute_all(plan: &Plan, drivers: &[(&str, Arc<Fake>)]) -> ApplyReport {
    let exec = Executor {
        plan,
        drivers: drivers.iter().map(|(n, d)| (n.to_string(), d.clone() as Arc<dyn Driver>)).collect(),
        reporter: Arc::new(Silent),
        cancel: Cancel::default(),
        user: "t".into(),
        gates: Default::default(),
        migrated: Default::default(),
    };
    exec.run().await
}

fn target<'r>(r: &'r ApplyReport, name: &str) -> &'r TargetReport {
    r.targets.iter().find(|t| t.target == name).expect("target in the report")
}

#[tokio::test]
async fn after_orders_targets_and_independent_ones_overlap() {
    let slow = |name: &str| Arc::new(Fake { stage_for: std::time::Duration::from_millis(300), ..fake_for(name, 1) });
    let (backend, fleet, kiosk) = (slow("backend"), slow("fleet"), slow("kiosk"));
    let p = environment(&[("backend", 1, &[], None), ("fleet", 1, &["backend"], None), ("kiosk", 1, &[], None)]);
    let r = execute_all(&p, &[("backend", backend), ("fleet", fleet), ("kiosk", kiosk)]).await;
    assert_eq!(r.outcome, ApplyOutcome::Success);
    let span = |n: &str| (target(&r, n).started_at.unwrap(), target(&r, n).finished_at.unwrap());
    let (b, f, k) = (span("backend"), span("fleet"), span("kiosk"));
    assert!(f.0 >= b.1, "fleet starts after backend finished: {b:?} {f:?}");
    assert!(k.0 < b.1 && b.0 < k.1, "kiosk and backend overlap: {b:?} {k:?}");
    assert!(r.split.is_empty());
}

#[tokio::test]
async fn a_failed_member_brings_its_group_back() {
    let backend = Arc::new(fake_for("backend", 1));
    let mut fleet = fake_for("fleet", 2);
    fleet.fail_monitor.insert("fleet-u0".into());
    fleet.fail_monitor.insert("fleet-u1".into());
    let fleet = Arc::new(fleet);
    let p = environment(&[("backend", 1, &[], Some("platform")), ("fleet", 2, &["backend"], Some("platform"))]);
    let r = execute_all(&p, &[("backend", backend.clone()), ("fleet", fleet.clone())]).await;
    assert_eq!(r.outcome, ApplyOutcome::RolledBack);
    assert_eq!(backend.live.lock().unwrap()["backend-u0"], Color::Blue, "the backend went back with the fleet");
    assert!(fleet.live.lock().unwrap().values().all(|c| *c == Color::Blue));
    let b = target(&r, "backend");
    assert!(b.rolled_back_with.as_deref().is_some_and(|c| c.contains("fleet")), "{b:?}");
    assert_eq!(b.units[0].result, UnitResult::RolledBack);
    assert!(b.units[0].error.as_deref().is_some_and(|e| e.contains("rolled back together")));
    assert!(r.split.is_empty(), "nothing is split: {:?}", r.split);
    // The backend's history is written once, after the group was decided.
    let log = backend.log.lock().unwrap().clone();
    assert_eq!(log.iter().filter(|l| l.contains("history")).collect::<Vec<_>>(), ["backend-u0: history RolledBack"]);
}

#[tokio::test]
async fn without_a_group_a_late_failure_reports_the_split() {
    let backend = Arc::new(fake_for("backend", 1));
    let mut fleet = fake_for("fleet", 1);
    fleet.fail_health.insert("fleet-u0".into());
    let fleet = Arc::new(fleet);
    let p = environment(&[("backend", 1, &[], None), ("fleet", 1, &["backend"], None), ("kiosk", 1, &["fleet"], None)]);
    let kiosk = Arc::new(fake_for("kiosk", 1));
    let r = execute_all(&p, &[("backend", backend.clone()), ("fleet", fleet), ("kiosk", kiosk.clone())]).await;
    assert_eq!(r.outcome, ApplyOutcome::Failed);
    assert_eq!(backend.live.lock().unwrap()["backend-u0"], Color::Green, "not in a group: it stays");
    assert_eq!(crate::model::split_label(&r.split), "backend on 2, fleet on 1, kiosk on 1");
    assert!(r.errors.iter().any(|e| e.contains("environment e is split")), "{:?}", r.errors);
    let k = target(&r, "kiosk");
    assert_eq!(k.units[0].result, UnitResult::Skipped);
    assert_eq!(k.units[0].error.as_deref(), Some("not attempted: target fleet failed"));
    assert!(kiosk.log.lock().unwrap().is_empty(), "a target after a failed one is never touched");
}

#[tokio::test]
async fn a_rollback_plan_goes_on_for_every_target() {
    // The fleet goes back after the backend, which fails.
    let mut p = environment(&[("backend", 1, &[], None), ("fleet", 1, &["backend"], None)]);
    p.kind = PlanKind::Rollback;
    let mut backend = fake_for("backend", 1);
    backend.fail_health.insert("backend-u0".into());
    let fleet = Arc::new(fake_for("fleet", 1));
    let r = execute_all(&p, &[("backend", Arc::new(backend)), ("fleet", fleet.clone())]).await;
    assert_eq!(
        target(&r, "fleet").units[0].result,
        UnitResult::Switched,
        "a failure elsewhere does not stop a switch back"
    );
}

#[tokio::test]
async fn a_group_member_that_migrated_goes_back_and_down_with_its_group() {
    use crate::model::MigrationPhase;
    let backend = Arc::new(fake_for("backend", 1));
    let mut fleet = fake_for("fleet", 1);
    fleet.fail_health.insert("fleet-u0".into());
    let fleet = Arc::new(fleet);
    let mut p = environment(&[("backend", 1, &[], Some("platform")), ("fleet", 1, &["backend"], Some("platform"))]);
    // The backend's unit runs its target's migration before its switch.
    let u = &mut p.targets[0].units[0];
    let at = u.steps.iter().position(Step::is_switch).unwrap();
    u.steps.insert(at, Step::Migrate { phase: MigrationPhase::Run, color: Color::Green, version: "2".into() });
    let r = execute_all(&p, &[("backend", backend.clone()), ("fleet", fleet)]).await;
    assert_eq!(r.outcome, ApplyOutcome::RolledBack);
    let log = backend.log.lock().unwrap().clone();
    let order: Vec<&str> = log
        .iter()
        .filter(|l| l.contains("migration") || l.contains("switch") || l.contains("history"))
        .map(String::as_str)
        .collect();
    assert_eq!(
        order,
        [
            "backend-u0: migration run of 2 (green)",
            "backend-u0: switch live blue → green",
            "backend-u0: switch live green → blue",
            "backend-u0: migration down of 2 (green)",
            "backend-u0: history RolledBack",
        ],
        "switched back with its group, then down, then its history"
    );
}
