use std::path::Path;

use super::*;

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
