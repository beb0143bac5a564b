//! Analyses against a real Prometheus scraping the real app's `/metrics`:
//! a release whose users get 5xx (while its /health stays green) is rolled
//! back by the error-rate analysis, and the history names the analysis, the
//! query and the value; a healthy release passes it; "no data" does what
//! `no_data` says.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use support::local::{LocalProject, Options};
use support::run;
use support::services::Prometheus;

const ERROR_RATE: &str = r#"(sum(rate(http_requests_total{code=~"5..",color="{color}"}[4s])) / sum(rate(http_requests_total{color="{color}"}[4s])))"#;

/// Users of every color of every host, until dropped: a request to `/` on
/// each every 20 ms.
struct Traffic(Arc<AtomicBool>);

impl Traffic {
    fn start(ports: &[(u16, u16)]) -> Traffic {
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let ports = ports.to_vec();
        std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                for (b, g) in &ports {
                    let _ = support::slots::get(*b, "/");
                    let _ = support::slots::get(*g, "/");
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        });
        Traffic(stop)
    }
}

impl Drop for Traffic {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// One host, a 10 s monitor watching `analysis` (YAML of one entry) as `watched`.
fn project(analysis: &str) -> (LocalProject, Prometheus) {
    let opts =
        Options { hosts: 1, monitor: "10s", extra_checks: "    analysis: [watched]\n".into(), ..Options::default() };
    project_with(opts, analysis)
}

/// `opts` with Prometheus scraping every host's two ports and `analysis`
/// defined as `watched` (`PROM` in it stands for Prometheus's URL); releases
/// 1.0.0 and 1.1.0 built.
fn project_with(opts: Options, analysis: &str) -> (LocalProject, Prometheus) {
    let ports: Vec<(u16, u16)> = (0..opts.hosts).map(|_| (support::free_port(), support::free_port())).collect();
    let all: Vec<u16> = ports.iter().flat_map(|(b, g)| [*b, *g]).collect();
    let prom = Prometheus::start(&all);
    let top =
        format!("analysis:\n  watched:\n    prometheus: \"{}\"\n{}", prom.url(), analysis.replace("PROM", &prom.url()));
    let extra_checks = opts.extra_checks.replace("PROM", &prom.url());
    let p = LocalProject::with_ports(Options { extra_top: top, extra_checks, ..opts }, ports);
    p.release("1.0.0", false);
    p.release("1.1.0", false);
    (p, prom)
}

fn deploy(p: &LocalProject, version: &str) -> (i32, String, String) {
    run(p.cmd().args(["deploy", "-e", "development", "--version", version, "--yes"]))
}

#[test]
fn a_release_whose_users_get_errors_is_rolled_back_by_the_error_rate_analysis() {
    let query = format!("    query: '{ERROR_RATE}'\n    max: 0.1\n    interval: 1s\n    failures: 2\n");
    let (p, _prom) = project(&query);
    let _users = Traffic::start(&p.ports);
    let (code, out, err) = deploy(&p, "1.0.0");
    assert_eq!(code, 0, "a healthy release passes its analysis:\n{out}\n{err}");
    assert!(out.contains("analysis watched ok") || err.contains("analysis watched ok"), "{out}\n{err}");

    std::fs::write(p.path().join("dist/edge-1.1.0/ERRORS"), "").expect("ERRORS");
    let (code, out, err) = deploy(&p, "1.1.0");
    assert_ne!(code, 0, "stdout: {out}\nstderr: {err}");
    let all = format!("{out}\n{err}");
    assert!(all.contains("analysis 'watched' tripped"), "{all}");
    assert!(all.contains("is above max 0.1"), "names the value and threshold: {all}");
    assert_eq!(p.live("sim-01").as_deref(), Some("blue"), "rolled back to the healthy color");
    let history = p.history_lines("sim-01");
    let rollback = history.iter().rev().find(|h| h["message"].as_str().is_some_and(|m| m.contains("tripped")));
    let message = rollback
        .and_then(|h| h["message"].as_str())
        .unwrap_or_else(|| panic!("no history entry names the trip: {history:?}"));
    assert!(message.contains("analysis 'watched'") && message.contains("color=\"green\""), "query as sent: {message}");
    let audit = std::fs::read_to_string(p.path().join(".state/rvmctl/audit.jsonl")).expect("audit log");
    let last: serde_json::Value = serde_json::from_str(audit.lines().last().unwrap_or_default()).expect("audit line");
    let detail = last["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("analysis 'watched' tripped") && detail.contains("is above max 0.1"), "audit: {last}");
    p.assert_safe();
}

#[test]
fn no_data_is_inconclusive_by_default_and_fails_when_configured() {
    let missing = "    query: 'sum(rate(no_such_metric{color=\"{color}\"}[4s]))'\n    max: 1\n    interval: 1s\n";
    let (p, _prom) = project(missing);
    let (code, out, err) = deploy(&p, "1.0.0");
    assert_eq!(code, 0, "{out}\n{err}");
    let all = format!("{out}\n{err}");
    assert!(all.contains("analysis watched inconclusive: no data"), "never a silent pass: {all}");

    let (p, _prom) = project(&format!("{missing}    no_data: fail\n"));
    let (code, out, err) = deploy(&p, "1.0.0");
    assert_ne!(code, 0, "{out}\n{err}");
    let all = format!("{out}\n{err}");
    assert!(all.contains("analysis 'watched' tripped") && all.contains("no data"), "{all}");
}

/// Per host: the error rate of this host's own instance of the new color.
const HOST_ERROR_RATE: &str = r#"sum(rate(http_requests_total{code=~"5..",instance="127.0.0.1:{port_{color}}"}[4s])) / sum(rate(http_requests_total{instance="127.0.0.1:{port_{color}}"}[4s]))"#;

fn canary(pause: &str) -> (LocalProject, Prometheus) {
    let opts = Options {
        hosts: 3,
        strategy: "canary",
        monitor: "0s",
        extra_env: format!("    canary: {{ steps: [33%, 100%], pause: {pause} }}\n"),
        ..Options::default()
    };
    project_with(opts, &format!("    query: '{HOST_ERROR_RATE}'\n    max: 0.1\n    interval: 1s\n    failures: 2\n"))
}

#[test]
fn a_canary_whose_analysis_holds_for_the_pause_is_promoted() {
    let (p, _prom) = canary("{ analysis: watched, for: 5s }");
    let _users = Traffic::start(&p.ports);
    let (code, out, err) = deploy(&p, "1.0.0");
    assert_eq!(code, 0, "{out}\n{err}");
    let (code, out, err) = deploy(&p, "1.1.0");
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(err.contains("edge-sim: analysis watched held for 5s; promoting"), "{err}");
    for h in &p.hosts {
        assert_eq!(p.live(h).as_deref(), Some("green"), "{h}");
    }
}

#[test]
fn a_canary_whose_analysis_trips_is_rolled_back_and_the_fleet_is_never_touched() {
    // Long enough that a loaded machine still sees two failed evaluations (~3 s
    // here); a trip ends the pause at once, so only the healthy 1.0.0 waits it out.
    let (p, _prom) = canary("{ analysis: watched, for: 10s }");
    let _users = Traffic::start(&p.ports);
    let (code, out, err) = deploy(&p, "1.0.0");
    assert_eq!(code, 0, "{out}\n{err}");
    std::fs::write(p.path().join("dist/edge-1.1.0/ERRORS"), "").expect("ERRORS");
    let (code, out, err) = deploy(&p, "1.1.0");
    assert_ne!(code, 0, "{out}\n{err}");
    let all = format!("{out}\n{err}");
    assert!(all.contains("canary analysis watched failed on sim-01 during the pause; not promoting"), "{all}");
    assert!(all.contains("sim-01: canary pause failed: analysis 'watched' tripped"), "{all}");
    assert!(all.contains("is above max 0.1"), "{all}");
    for h in &p.hosts {
        assert_eq!(p.live(h).as_deref(), Some("blue"), "{h}: the canary went back, the rest never moved");
    }
    assert!(p.history_lines("sim-02").iter().all(|h| h["version"] != "1.1.0"), "sim-02 never saw 1.1.0");
    p.assert_safe();
}

/// Three hosts rolled one at a time, the per-host error rate watched for
/// `watch` between waves (no post-switch monitor: only the pause watches).
fn rolling(watch: &str) -> (LocalProject, Prometheus) {
    let opts = Options {
        hosts: 3,
        strategy: "rolling",
        monitor: "0s",
        extra_env: format!("    batch_size: 1\n    pause_between_waves: {{ analysis: watched, for: {watch} }}\n"),
        ..Options::default()
    };
    project_with(opts, &format!("    query: '{HOST_ERROR_RATE}'\n    max: 0.1\n    interval: 1s\n    failures: 2\n"))
}

#[test]
fn a_rolling_deploy_whose_analysis_holds_between_waves_goes_on() {
    let (p, _prom) = rolling("4s");
    let _users = Traffic::start(&p.ports);
    let (code, out, err) = deploy(&p, "1.0.0");
    assert_eq!(code, 0, "{out}\n{err}");
    let (code, out, err) = run(p.cmd().args(["plan", "-e", "development", "--version", "1.1.0"]));
    assert_eq!(code, 0, "{out}\n{err}");
    let shown = format!("{out}{err}");
    assert!(shown.contains("wave 1/3 (sim-01): then watch analysis watched for 4s"), "{shown}");
    assert!(shown.contains("wave 3/3 (sim-03)\n"), "no pause after the last wave: {shown}");
    let (code, out, err) = deploy(&p, "1.1.0");
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(err.matches("edge-sim: analysis watched held for 4s; next wave").count(), 2, "{err}");
    for h in &p.hosts {
        assert_eq!(p.live(h).as_deref(), Some("green"), "{h}");
    }
}

#[test]
fn a_rolling_deploy_whose_analysis_trips_between_waves_rolls_back_the_first_wave_only() {
    // Long enough that a loaded machine still sees two failed evaluations; a
    // trip ends the pause at once.
    let (p, _prom) = rolling("8s");
    let _users = Traffic::start(&p.ports);
    let (code, out, err) = deploy(&p, "1.0.0");
    assert_eq!(code, 0, "{out}\n{err}");
    // 1.1.0 answers /health but gives its users 5xx.
    std::fs::write(p.path().join("dist/edge-1.1.0/ERRORS"), "").expect("ERRORS");
    let (code, out, err) = deploy(&p, "1.1.0");
    assert_eq!(code, 4, "{out}\n{err}");
    let all = format!("{out}\n{err}");
    assert!(all.contains("analysis watched failed on sim-01 between waves; the next wave is not started"), "{all}");
    assert!(all.contains("sim-01: pause between waves failed: analysis 'watched' tripped"), "{all}");
    assert!(all.contains("is above max 0.1"), "{all}");
    for h in &p.hosts {
        assert_eq!(p.live(h).as_deref(), Some("blue"), "{h}: the first wave went back, the rest never moved");
    }
    let history = p.history_lines("sim-01");
    let last = history.last().expect("sim-01 has history");
    assert_eq!(last["result"], "rolled_back", "{last}");
    let message = last["message"].as_str().unwrap_or_default();
    assert!(message.contains("analysis 'watched' tripped") && message.contains("is above max 0.1"), "{message}");
    assert!(message.contains("127.0.0.1:"), "the query as sent: {message}");
    for h in ["sim-02", "sim-03"] {
        assert!(p.history_lines(h).iter().all(|e| e["version"] != "1.1.0"), "{h} never saw 1.1.0");
    }
    let audit = std::fs::read_to_string(p.path().join(".state/rvmctl/audit.jsonl")).expect("audit log");
    let last: serde_json::Value = serde_json::from_str(audit.lines().last().unwrap_or_default()).expect("audit line");
    let detail = last["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("analysis 'watched' tripped") && detail.contains("is above max 0.1"), "audit: {last}");
    p.assert_safe();
}

#[test]
fn analysis_run_evaluates_the_live_colors_now_and_fails_when_one_trips() {
    let opts = Options {
        hosts: 2,
        monitor: "0s",
        extra_checks: "    analysis: [watched, impossible]\n".into(),
        ..Options::default()
    };
    let analysis = format!(
        "    query: '{HOST_ERROR_RATE}'\n    max: 0.1\n  impossible:\n    prometheus: \"PROM\"\n    query: 'sum(rate(http_requests_total{{instance=\"127.0.0.1:{{port_{{color}}}}\"}}[4s]))'\n    min: 1000000\n"
    );
    let (p, _prom) = project_with(opts, &analysis);
    let _users = Traffic::start(&p.ports);
    let (code, out, err) = deploy(&p, "1.0.0");
    assert_eq!(code, 0, "{out}\n{err}");

    // Until Prometheus has two scrapes of the new color, the rate is no data.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let (code, out, err) = loop {
        let (code, out, err) = run(p.cmd().args(["analysis", "run", "-e", "development", "-o", "json"]));
        if !out.contains("inconclusive") || std::time::Instant::now() > deadline {
            break (code, out, err);
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    };
    assert_eq!(code, 4, "a failing evaluation fails the command:\n{out}\n{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let rows = v["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 4, "two analyses on two hosts: {out}");
    for r in rows {
        assert_eq!(r["color"], "blue", "{r}");
        assert_eq!(r["version"], "1.0.0", "{r}");
        let want = if r["analysis"] == "watched" { "pass" } else { "fail" };
        assert_eq!(r["result"], want, "{r}");
        assert!(r["value"].is_number(), "{r}");
        assert!(r["query"].as_str().is_some_and(|q| q.contains("instance=\"127.0.0.1:")), "rendered per host: {r}");
    }
    assert_eq!(v["tripped"], 2);

    let (code, out, _) = run(p.cmd().args(["analysis", "run", "-e", "development"]));
    assert_eq!(code, 4);
    assert!(out.contains("is below min 1000000") && out.contains("2 evaluation(s) tripped in development."), "{out}");
}

#[test]
fn host_resources_are_measured_on_the_host_and_trip_like_a_metric() {
    // Thresholds of 1 always hold: this test is about measuring on the host,
    // and a busy CI machine may well use 95 % of its memory.
    let top = "analysis:\n  memory: { resource: memory, max: 1 }\n  cpu: { resource: cpu, max: 1 }\n  disk: { resource: disk, max: 1 }\n  tiny-memory: { resource: memory, max: 0.000001, interval: 500ms }\n  slot-memory: { resource: memory, scope: slot, max: 1 }\n  tiny-slot-memory: { resource: memory, scope: slot, max: 0.000000001, interval: 500ms }\n";
    let opts = |analysis: &str| Options {
        hosts: 1,
        monitor: "3s",
        extra_top: top.into(),
        extra_checks: format!("    analysis: [{analysis}]\n"),
        ..Options::default()
    };
    let p = LocalProject::new(opts("memory, cpu, disk"));
    p.release("1.0.0", false);
    let (code, out, err) = deploy(&p, "1.0.0");
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(err.contains("analysis disk ok"), "{err}");
    let (code, out, err) = run(p.cmd().args(["analysis", "run", "-e", "development", "-o", "json"]));
    assert_eq!(code, 0, "{out}\n{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let disk = v["rows"].as_array().and_then(|r| r.iter().find(|r| r["analysis"] == "disk")).expect("disk row");
    assert!(disk["query"].as_str().is_some_and(|q| q.starts_with("disk of ") && q.contains("sim-01")), "{disk}");
    for r in v["rows"].as_array().expect("rows") {
        let value = r["value"].as_f64().unwrap_or_else(|| panic!("a measured fraction: {r}"));
        assert!((0.0..=1.0).contains(&value), "{r}");
    }

    // status evaluates them on the live color, beside the health checks.
    let (code, out, err) = run(p.cmd().args(["status", "-e", "development", "-o", "json"]));
    assert_eq!(code, 0, "{out}\n{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let analysis = v["targets"][0]["units"][0]["analysis"].as_array().expect("analysis in status").clone();
    let names: Vec<&str> = analysis.iter().filter_map(|a| a["name"].as_str()).collect();
    assert_eq!(names, ["memory", "cpu", "disk"], "{out}");
    assert!(analysis.iter().all(|a| a["result"] == "pass"), "{out}");
    let (_, table, _) = run(p.cmd().args(["status", "-e", "development"]));
    assert!(table.contains("ANALYSIS") && table.contains("ok (3)"), "{table}");

    // A threshold the host is always past: the monitor trips and rolls back.
    let config = p.path().join("deployment-config.yaml");
    let yaml = std::fs::read_to_string(&config).expect("config");
    std::fs::write(&config, yaml.replace("analysis: [memory, cpu, disk]", "analysis: [tiny-memory]")).expect("config");
    p.release("1.1.0", false);
    let (code, out, err) = deploy(&p, "1.1.0");
    assert_ne!(code, 0, "{out}\n{err}");
    let all = format!("{out}\n{err}");
    assert!(all.contains("analysis 'tiny-memory' tripped: `memory of the host`"), "{all}");
    assert!(all.contains("is above max 0.000001"), "{all}");
    assert_eq!(p.live("sim-01").as_deref(), Some("blue"), "rolled back to 1.0.0");
    p.assert_safe();
    let (_, table, _) = run(p.cmd().args(["status", "-e", "development"]));
    assert!(table.contains("tiny-memory fail:"), "status shows what trips now: {table}");

    // The slot's own processes: the release's server runs in the green slot,
    // so any memory at all trips; `analysis run` measures the live slot.
    let yaml = std::fs::read_to_string(&config).expect("config");
    std::fs::write(&config, yaml.replace("analysis: [tiny-memory]", "analysis: [tiny-slot-memory]")).expect("config");
    let (code, out, err) = deploy(&p, "1.1.0");
    assert_ne!(code, 0, "{out}\n{err}");
    let all = format!("{out}\n{err}");
    assert!(all.contains("analysis 'tiny-slot-memory' tripped: `memory of the green slot's processes`"), "{all}");
    assert_eq!(p.live("sim-01").as_deref(), Some("blue"), "rolled back to 1.0.0");
    let yaml = std::fs::read_to_string(&config).expect("config");
    std::fs::write(&config, yaml.replace("analysis: [tiny-slot-memory]", "analysis: [slot-memory]")).expect("config");
    let (code, out, err) = run(p.cmd().args(["analysis", "run", "-e", "development", "-o", "json"]));
    assert_eq!(code, 0, "{out}\n{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let row = &v["rows"][0];
    assert_eq!(row["query"], "memory of the blue slot's processes", "{v}");
    assert!(row["value"].as_f64().is_some_and(|x| x > 0.0 && x < 1.0), "blue's server takes some memory: {v}");
}

#[test]
fn on_an_ssh_host_resources_are_measured_through_its_ssh_connection() {
    let f = support::Fleet::start(1);
    f.build_release("1.0.0", false);
    let config = f.write_config("", "");
    let mut yaml = std::fs::read_to_string(&config).expect("config");
    yaml.push_str("    analysis: [disk, memory]\nanalysis:\n  disk: { resource: disk, max: 1 }\n  memory: { resource: memory, max: 1 }\n");
    std::fs::write(&config, yaml).expect("config");
    let out = f.run(&["deploy", "-e", "field", "--version", "1.0.0", "--yes"]);
    assert!(out.status.success(), "{}", support::text(&out));
    let m = f.run_measured(&["analysis", "run", "-e", "field", "-o", "json"]);
    assert!(m.out.status.success(), "{}", support::text(&m.out));
    let v: serde_json::Value = serde_json::from_slice(&m.out.stdout).expect("json");
    let rows = v["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 2, "{v}");
    let base = f.hosts[0].base();
    assert_eq!(rows[0]["query"], format!("disk of {}", base.display()), "the host's base_dir: {v}");
    assert!(rows.iter().all(|r| r["result"] == "pass" && r["value"].is_number()), "{v}");
    // Observing is one session; each resource is one command on the host.
    let trips = m.round_trips.values().next().map(|t| t.sessions).unwrap_or_default();
    assert!(trips >= 3, "the measurements ran on the host over ssh: {:?}", m.round_trips);
}

#[test]
fn a_prometheus_health_check_gates_the_switch_on_one_query() {
    let check = |threshold: &str| Options {
        hosts: 1,
        monitor: "0s",
        extra_checks: format!(
            "      - {{ kind: prometheus, name: scraped, prometheus: \"PROM\", query: 'sum(up{{instance=\"127.0.0.1:{{port_{{color}}}}\"}})', {threshold}, interval: 500ms }}\n"
        ),
        ..Options::default()
    };
    // The new color is up in Prometheus's eyes before it gets traffic.
    let (p, _prom) = project_with(check("min: 1, retries: 20"), "    query: up\n    max: 1\n");
    let (code, out, err) = deploy(&p, "1.0.0");
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(p.live("sim-01").as_deref(), Some("blue"));

    let (p, _prom) = project_with(check("max: 0, retries: 0"), "    query: up\n    max: 1\n");
    let (code, out, err) = deploy(&p, "1.0.0");
    assert_ne!(code, 0, "{out}\n{err}");
    let all = format!("{out}\n{err}");
    assert!(all.contains("health check scraped failed"), "{all}");
    assert!(
        all.contains("instance=\"127.0.0.1:") && (all.contains("is above max 0") || all.contains("no data")),
        "{all}"
    );
    assert_eq!(p.live("sim-01"), None, "nothing switched");
}

#[test]
fn an_unreachable_prometheus_is_an_error_that_says_what_to_check() {
    let nobody = support::free_port();
    let p = LocalProject::new(Options {
        hosts: 1,
        monitor: "0s",
        extra_top: format!(
            "analysis:\n  watched: {{ prometheus: \"http://127.0.0.1:{nobody}\", query: up, min: 1 }}\n"
        ),
        extra_checks: "    analysis: [watched]\n".into(),
        ..Options::default()
    });
    p.release("1.0.0", false);
    let (code, out, err) = deploy(&p, "1.0.0");
    assert_eq!(code, 0, "{out}\n{err}");
    let (code, out, err) = run(p.cmd().args(["analysis", "run", "-e", "development", "-o", "json"]));
    assert_eq!(code, 4, "an analysis that cannot be evaluated cannot vouch:\n{out}\n{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let row = &v["rows"][0];
    assert_eq!(row["result"], "error", "{row}");
    let observed = row["observed"].as_str().unwrap_or_default();
    assert!(observed.contains(&format!("127.0.0.1:{nobody}")), "names the server: {row}");
    assert!(observed.contains("check that `prometheus:` is its base URL"), "says what to do: {row}");
}
