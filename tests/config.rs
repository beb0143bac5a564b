//! `rvmctl config validate` on broken files: every problem at once, each
//! with file, line, column, a snippet and what would be valid.

mod support;

use support::run;

const BROKEN: &str = r#"apiVersion: rvmctl/v1
project: myrvm
defaults:
  stratgy: canary
  timeout: 300
environments:
  production:
    deployment_window: { start: "02:00", end: "06:00", timezone: Asia/Jakrta }
    targets:
      - name: fleet
        kind: ssh
        app: edg
        hosts: [rvm-001, rvm-002, rvm-001]
      - name: backend
        kind: kubernets
        app: edge
apps:
  edge:
    artifact: { path: ./dist/edge.tar.gz }
    services:
      - { name: a, start: "run a", after: [c] }
      - { name: b, start: "run b", after: [a] }
      - { name: c, start: "run c", after: [b] }
      - { name: d, start: "run d", after: [camera] }
    health_checks:
      - { kind: http, url: "http://127.0.0.1:8003/health/{verison}" }
"#;

fn validate(text: &str) -> (i32, String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("deployment-config.yaml"), text).expect("write");
    run(support::rvmctl(dir.path()).args(["config", "validate"]))
}

#[test]
fn every_error_is_reported_with_position_and_hint() {
    let (code, out, err) = validate(BROKEN);
    assert_eq!(code, 2, "config errors exit 2\n{err}");
    assert!(out.is_empty(), "diagnostics go to stderr: {out}");
    let expect = [
        // unknown key, with suggestion
        ("deployment-config.yaml:4:3: unknown key 'stratgy'", "did you mean 'strategy'?"),
        // wrong type: a duration needs a unit
        ("deployment-config.yaml:5:12: expected a duration like 30s or 10m, found an integer", "add a unit, e.g. 300s"),
        // unknown timezone
        ("deployment-config.yaml:8:66: unknown time zone 'Asia/Jakrta'; did you mean 'Asia/Jakarta'?", ""),
        // bad enum value
        ("deployment-config.yaml:15:15: unknown value 'kubernets' for 'kind'", "did you mean 'kubernetes'?"),
    ];
    for (msg, help) in expect {
        assert!(err.contains(msg), "missing `{msg}` in:\n{err}");
        assert!(err.contains(help), "missing help `{help}` in:\n{err}");
    }
    // The schema errors are all reported at once; semantic ones need a file that parses.
    assert!(err.contains("4 problems in deployment-config.yaml"), "{err}");
    // A snippet with the offending line.
    assert!(err.contains("4 │   stratgy: canary"), "{err}");
}

#[test]
fn semantic_errors_are_reported_together() {
    let fixed = BROKEN
        .replace("stratgy", "strategy")
        .replace("timeout: 300\n", "timeout: 300s\n")
        .replace("Jakrta", "Jakarta")
        .replace("kubernets", "kubernetes");
    let (code, _, err) = validate(&fixed);
    assert_eq!(code, 2, "{err}");
    let expect = [
        ("deployment-config.yaml:12:14: target 'fleet' refers to undefined app 'edg'", "did you mean 'edge'?"),
        ("deployment-config.yaml:13:35: duplicate host name 'rvm-001' (also hosts[0])", ""),
        ("service dependency cycle: a → c → b → a", "remove one of these `after:` entries"),
        ("deployment-config.yaml:24:44: service 'd' depends on undefined service 'camera'", ""),
        ("deployment-config.yaml:26:28: unknown placeholder {verison}; did you mean {version}?", ""),
        ("kubernetes target 'backend' needs app 'edge' to have `image` or `manifest`", ""),
    ];
    for (msg, help) in expect {
        assert!(err.contains(msg), "missing `{msg}` in:\n{err}");
        assert!(err.contains(help), "missing help `{help}` in:\n{err}");
    }
    assert!(err.contains("6 problems"), "{err}");
}

#[test]
fn missing_required_keys_and_wrong_types() {
    let (code, _, err) = validate(
        "apiVersion: rvmctl/v1\nenvironments:\n  dev:\n    targets:\n      - name: x\n        kind: local\n        app: [a]\n",
    );
    assert_eq!(code, 2);
    assert!(err.contains("deployment-config.yaml:1:1: missing required key 'project' in the top level"), "{err}");
    assert!(err.contains("deployment-config.yaml:7:14: expected a string, found a list"), "{err}");
}

#[test]
fn each_health_check_kind_has_its_own_keys() {
    let config = |checks: &str| {
        format!(
            "apiVersion: rvmctl/v1\nproject: p\nenvironments: {{ dev: {{ targets: [{{ name: x, kind: local, app: edge, hosts: [h1] }}] }} }}\napps:\n  edge:\n    artifact: {{ path: ./dist }}\n    health_checks:\n{checks}"
        )
    };
    let (code, _, err) = validate(&config(concat!(
        "      - { kind: http, address: \"127.0.0.1:80\" }\n",
        "      - { kind: htp, url: \"http://127.0.0.1/health\" }\n",
        "      - { url: \"http://127.0.0.1/health\" }\n",
        "      - { kind: tcp, address: \"127.0.0.1:1883\", expect_status: 200 }\n",
        "      - { kind: command, run: \"true\", retries: many }\n",
        "      - { kind: postgres, query: \"SELECT 1\" }\n",
        "      - { kind: redis, address: \"127.0.0.1:6379\", password: hunter2 }\n",
        "      - { kind: mqtt, address: \"127.0.0.1:1883\", publish: { payload: x } }\n",
    )));
    assert_eq!(code, 2, "{err}");
    let expect = [
        // The variant `kind` names decides which keys are valid, and which are required.
        ("deployment-config.yaml:8:9: missing required key 'url' in 'apps.edge.health_checks[0]'", "add `url:`"),
        ("deployment-config.yaml:8:23: unknown key 'address' for kind http", "`address` belongs to kind: tcp"),
        (
            "deployment-config.yaml:9:17: unknown value 'htp' for 'kind'",
            "did you mean 'http'? valid values: http, tcp, command, redis, postgres, mqtt, prometheus",
        ),
        (
            "deployment-config.yaml:10:9: missing required key 'kind' in 'apps.edge.health_checks[2]'",
            "add `kind:` with one of http, tcp, command, redis, postgres, mqtt, prometheus",
        ),
        (
            "deployment-config.yaml:11:49: unknown key 'expect_status' for kind tcp",
            "`expect_status` belongs to kind: http",
        ),
        ("deployment-config.yaml:12:48: expected a whole number, found a string", ""),
        // A secret is named by the variable that holds it, never written in the file.
        (
            "deployment-config.yaml:13:9: missing required key 'dsn_env' in 'apps.edge.health_checks[5]'",
            "add `dsn_env:`",
        ),
        ("deployment-config.yaml:14:51: unknown key 'password'", "did you mean 'password_env'?"),
        (
            "deployment-config.yaml:15:59: missing required key 'topic' in 'apps.edge.health_checks[7].publish'",
            "add `topic:`",
        ),
    ];
    for (msg, help) in expect {
        assert!(err.contains(msg), "missing `{msg}` in:\n{err}");
        assert!(err.contains(help), "missing help `{help}` in:\n{err}");
    }
    assert!(err.contains("9 problems"), "one report per problem, not one per variant tried:\n{err}");

    let (code, _, err) = validate(&config(concat!(
        "      - { kind: http, url: \"http://127.0.0.1/health\", expect_status: 204, name: live }\n",
        "      - { kind: tcp, address: \"127.0.0.1:1883\", timeout: 2s, retries: 1, interval: 1s }\n",
        "      - { kind: command, run: \"true\" }\n",
    )));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_future_api_version_is_refused_clearly() {
    let (code, _, err) = validate("apiVersion: rvmctl/v9\nproject: p\nenvironments: {}\n");
    assert_eq!(code, 2);
    assert!(err.contains("unsupported apiVersion 'rvmctl/v9'"), "{err}");
    assert!(err.contains("a newer file needs a newer rvmctl"), "{err}");
}

#[test]
fn yaml_syntax_errors_point_at_the_place() {
    let (code, _, err) =
        validate("apiVersion: rvmctl/v1\nproject: p\napps:\n  edge:\n    artifact: { path: ./dist/x-{version} }\n");
    assert_eq!(code, 2);
    assert!(err.contains("deployment-config.yaml:5:"), "{err}");
    assert!(err.contains("must be quoted"), "{err}");
}

#[test]
fn json_output_lists_issues_for_tools() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("c.yaml"), "apiVersion: rvmctl/v1\nproject: p\nenvironments: {}\nextra: 1\n")
        .expect("write");
    let (code, out, _) = run(support::rvmctl(dir.path()).args(["-f", "c.yaml", "config", "validate", "-o", "json"]));
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["valid"], false);
    let issues = v["issues"].as_array().expect("issues");
    assert!(
        issues.iter().any(|i| i["line"] == 4 && i["column"] == 1 && i["message"] == "unknown key 'extra'"),
        "{out}"
    );
}

#[test]
fn inventory_files_and_selectors() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("inventory.yaml"),
        "hosts:\n  - { name: rvm-001, address: 10.0.0.1, labels: { site: jakarta } }\n  - { name: rvm-002, address: 10.0.0.2, labels: { site: bandung } }\n  - { name: rvm-003, adress: 10.0.0.3 }\n",
    )
    .expect("write");
    let cfg = "apiVersion: rvmctl/v1\nproject: p\nenvironments:\n  production:\n    targets:\n      - { name: fleet, kind: ssh, app: edge, inventory: ./inventory.yaml, selector: { site: jakarta } }\napps:\n  edge: { artifact: { url: \"https://x/{version}.tgz\", sha256: abc } }\n";
    std::fs::write(dir.path().join("deployment-config.yaml"), cfg).expect("write");
    let (code, _, err) = run(support::rvmctl(dir.path()).args(["config", "validate"]));
    assert_eq!(code, 2);
    assert!(err.contains("inventory.yaml:4:22: unknown key 'adress'"), "errors point into the inventory file: {err}");
    assert!(err.contains("did you mean 'address'?"), "{err}");
    // Fixed: the selector keeps the jakarta host only.
    std::fs::write(dir.path().join("inventory.yaml"), "hosts:\n  - { name: rvm-001, address: 10.0.0.1, labels: { site: jakarta } }\n  - { name: rvm-002, address: 10.0.0.2, labels: { site: bandung } }\n").expect("write");
    let (code, out, err) = run(support::rvmctl(dir.path()).args(["config", "view", "-e", "production", "-o", "json"]));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let hosts = v["environments"][0]["targets"][0]["hosts"].as_array().expect("hosts");
    assert_eq!(hosts.len(), 1);
    assert_eq!(hosts[0]["name"], "rvm-001");
}

#[test]
fn the_reference_example_and_the_quickstart_are_valid() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, out, err) =
        run(support::rvmctl(repo).args(["-f", "examples/quickstart/deployment-config.yaml", "config", "validate"]));
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) =
        run(support::rvmctl(repo).args(["-f", "examples/reference/deployment-config.yaml", "config", "validate"]));
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn config_view_redacts_secrets_and_applies_defaults() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = "apiVersion: rvmctl/v1\nproject: p\nglobal:\n  notifications:\n    - { kind: webhook, url: \"https://ops:s3cret@hooks.example.com/d?token=abc123\" }\ndefaults: { timeout: 10m }\nenvironments:\n  dev:\n    targets: [ { name: t, kind: local, app: a, hosts: [h1] } ]\napps:\n  a: { artifact: { path: ./x } }\n";
    std::fs::write(dir.path().join("deployment-config.yaml"), cfg).expect("write");
    let (code, out, err) = run(support::rvmctl(dir.path()).args(["config", "view"]));
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("s3cret") && !out.contains("abc123"), "{out}");
    assert!(out.contains("token=***"), "{out}");
    assert!(out.contains("timeout: 10m"), "{out}");
    assert!(out.contains("strategy: blue_green"), "built-in default shown: {out}");
}

#[test]
fn shell_syntax_in_host_names_vars_and_labels_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("inv.yaml"),
        "hosts:\n  - { name: \"rvm-$(reboot)\" }\n  - { name: rvm-2, labels: { site: \"x`id`\" } }\n",
    )
    .expect("write");
    let cfg = "apiVersion: rvmctl/v1\nproject: p\nenvironments:\n  dev:\n    targets:\n      - name: t\n        kind: local\n        app: a\n        hosts:\n          - { name: h1, vars: { port: \"$(touch /tmp/rvmctl-pwned)\" } }\n      - { name: u, kind: ssh, app: a, inventory: inv.yaml }\napps:\n  a: { artifact: { path: ./x }, services: [ { name: s, start: \"./run {port}\" } ] }\n";
    std::fs::write(dir.path().join("deployment-config.yaml"), cfg).expect("write");
    let (code, _, err) = run(support::rvmctl(dir.path()).args(["config", "validate"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("deployment-config.yaml:10:13: host 'h1': var port=\"$(touch /tmp/rvmctl-pwned)\" contains characters a shell would interpret"), "{err}");
    assert!(err.contains("in the inventory: invalid host name 'rvm-$(reboot)'"), "{err}");
    assert!(err.contains("host 'rvm-2': label site=\"x`id`\""), "{err}");
    assert!(!std::path::Path::new("/tmp/rvmctl-pwned").exists());
}

#[test]
fn a_bad_proxy_jump_is_reported_where_it_is_written() {
    let cfg = "apiVersion: rvmctl/v1\nproject: p\nenvironments:\n  dev:\n    targets:\n      - name: t\n        kind: ssh\n        app: a\n        ssh: { proxy_jump: \"bastion;reboot\" }\n        hosts:\n          - { name: h1, proxy_jump: \"ops@jump:99999\" }\n          - { name: h2, proxy_jump: \"ops@jump-1:2222,jump-2\" }\napps:\n  a: { artifact: { path: ./x }, services: [ { name: s, start: ./run } ] }\n";
    let (code, _, err) = validate(cfg);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("deployment-config.yaml:9:28: 'bastion;reboot' is not a jump host (the host may hold letters"),
        "{err}"
    );
    assert!(
        err.contains("deployment-config.yaml:11:37: 'ops@jump:99999' is not a jump host (the port must be a number from 1 to 65535); write [user@]host[:port]"),
        "{err}"
    );
    assert!(!err.contains(":12:"), "a valid multi-hop value is accepted: {err}");
    let (code, _, err) = validate(&cfg.replace("bastion;reboot", "ops@bastion:2222").replace(":99999", ":22"));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn analysis_errors_name_the_place_and_the_fix() {
    let (code, _, err) = validate(concat!(
        "apiVersion: rvmctl/v1\nproject: p\n",
        "environments: { dev: { targets: [{ name: x, kind: local, app: edge, hosts: [h1] }] } }\n",
        "analysis:\n",
        "  error-rate:\n",
        "    prometheus: \"http://127.0.0.1:9090\"\n",
        "    query: 'sum(rate(x{color=\"{colour}\"}[1m]))'\n",
        "  latency:\n",
        "    prometheus: \"http://127.0.0.1:9090\"\n",
        "    query: 'histogram_quantile(0.99, rate(d_bucket[5m]))'\n",
        "    max: 10\n",
        "apps:\n",
        "  edge:\n",
        "    artifact: { path: ./dist }\n",
        "    analysis: [error_rate, latency]\n",
    ));
    assert_eq!(code, 2, "{err}");
    for (msg, help) in [
        ("deployment-config.yaml:6:5: analysis 'error-rate' has no threshold", "add `max:` (fails above it) or `min:`"),
        ("deployment-config.yaml:7:12: unknown placeholder {colour}; did you mean {color}?", ""),
        (
            "deployment-config.yaml:15:16: app 'edge' refers to undefined analysis 'error_rate'",
            "did you mean 'error-rate'?",
        ),
    ] {
        assert!(err.contains(msg), "missing `{msg}` in:\n{err}");
        assert!(err.contains(help), "missing help `{help}` in:\n{err}");
    }
}

#[test]
fn an_analysis_no_data_policy_is_one_of_three() {
    let (code, _, err) = validate(concat!(
        "apiVersion: rvmctl/v1\nproject: p\n",
        "environments: { dev: { targets: [{ name: x, kind: local, app: edge, hosts: [h1] }] } }\n",
        "analysis:\n",
        "  latency: { prometheus: \"http://p:9090\", query: up, max: 1, no_data: ignore }\n",
        "apps: { edge: { artifact: { path: ./dist }, analysis: [latency] } }\n",
    ));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("deployment-config.yaml:5:71: unknown value 'ignore' for 'no_data'"), "{err}");
    assert!(err.contains("valid values: inconclusive, fail, pass"), "{err}");
}

#[test]
fn the_seed_triggers_in_docs_analysis_are_a_valid_config() {
    let doc = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/analysis.md"))
        .expect("docs");
    let seed = doc.split("## The seed's five rollback triggers").nth(1).expect("the seed's triggers section");
    let block = seed.split("```yaml\n").nth(1).and_then(|b| b.split("```").next()).expect("its yaml block");
    let config = format!(
        "apiVersion: rvmctl/v1\nproject: p\nenvironments: {{ dev: {{ targets: [{{ name: x, kind: local, app: myrvm, hosts: [h1] }}] }} }}\n{block}    artifact: {{ path: ./dist }}\n"
    );
    let (code, out, err) = validate(&config);
    assert_eq!(code, 0, "{out}\n{err}\n{config}");
}

#[test]
fn a_canary_pause_on_an_unknown_analysis_is_refused_with_its_place() {
    let (code, _, err) = validate(concat!(
        "apiVersion: rvmctl/v1\nproject: p\n",
        "environments:\n",
        "  prod:\n",
        "    canary: { steps: [10%, 100%], pause: { analysis: eror-rate, for: 5m } }\n",
        "    targets: [{ name: x, kind: local, app: edge, hosts: [h1] }]\n",
        "analysis:\n",
        "  error-rate: { prometheus: \"http://p:9090\", query: up, min: 1 }\n",
        "apps: { edge: { artifact: { path: ./dist } } }\n",
    ));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("deployment-config.yaml:5:54: the canary pause refers to undefined analysis 'eror-rate'"),
        "{err}"
    );
    assert!(err.contains("did you mean 'error-rate'?"), "{err}");
}

#[test]
fn a_pause_between_waves_on_an_unknown_analysis_is_refused_with_its_place() {
    let (code, _, err) = validate(concat!(
        "apiVersion: rvmctl/v1\nproject: p\n",
        "environments:\n",
        "  prod:\n",
        "    strategy: rolling\n",
        "    pause_between_waves: { analysis: eror-rate, for: 2m }\n",
        "    targets: [{ name: x, kind: local, app: edge, hosts: [h1, h2] }]\n",
        "analysis:\n",
        "  error-rate: { prometheus: \"http://p:9090\", query: up, min: 1 }\n",
        "apps: { edge: { artifact: { path: ./dist } } }\n",
    ));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("deployment-config.yaml:6:38: the pause between waves refers to undefined analysis 'eror-rate'"),
        "{err}"
    );
    assert!(err.contains("did you mean 'error-rate'?"), "{err}");
}

#[test]
fn an_analysis_measures_a_query_or_a_resource_not_both_nor_neither() {
    let config = |extra: &str| {
        format!(
            "apiVersion: rvmctl/v1\nproject: p\n\
             environments: {{ dev: {{ targets: [{{ name: x, kind: local, app: edge, hosts: [h1] }}] }} }}\n\
             analysis:\n\
             \x20 both: {{ resource: cpu, prometheus: \"http://p:9090\", query: up, max: 1 }}\n\
             \x20 neither: {{ max: 1 }}\n\
             \x20 orphan-query: {{ query: up, max: 1 }}\n\
             \x20 misplaced-path: {{ resource: memory, path: /data, max: 0.9 }}\n\
             \x20 scoped-query: {{ prometheus: \"http://p:9090\", query: up, scope: slot, max: 1 }}\n\
             \x20 slot-path: {{ resource: disk, scope: slot, path: /data, max: 0.9 }}\n\
             {extra}apps: {{ edge: {{ artifact: {{ path: ./dist }} }} }}\n"
        )
    };
    // A value the schema refuses is reported first, alone.
    let (code, _, err) = validate(&config("  ram: { resource: ram, max: 0.9 }\n"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("deployment-config.yaml:11:20: unknown value 'ram' for 'resource'"), "{err}");
    assert!(err.contains("valid values: memory, cpu, disk"), "{err}");

    let (code, _, err) = validate(&config(""));
    assert_eq!(code, 2, "{err}");
    for (msg, help) in [
        ("analysis 'both' has both a `resource` and a Prometheus query", "not both"),
        ("analysis 'neither' measures nothing", "or `resource: memory|cpu|disk`"),
        ("analysis 'orphan-query' has a query but no `prometheus:`", "add `prometheus: http://<host>:9090`"),
        ("deployment-config.yaml:8:45: analysis 'misplaced-path': `path` belongs to `resource: disk`", ""),
        (
            "deployment-config.yaml:9:66: analysis 'scoped-query': `scope` belongs to a `resource:` analysis",
            "remove `scope:`",
        ),
        ("analysis 'slot-path': `scope: slot` measures the slot itself, not `path`", "use `scope: host`"),
    ] {
        assert!(err.contains(msg), "missing `{msg}` in:\n{err}");
        assert!(err.contains(help), "missing help `{help}` in:\n{err}");
    }
}

#[test]
fn a_prometheus_check_needs_a_threshold() {
    let (code, _, err) = validate(concat!(
        "apiVersion: rvmctl/v1\nproject: p\n",
        "environments: { dev: { targets: [{ name: x, kind: local, app: edge, hosts: [h1] }] } }\n",
        "apps:\n  edge:\n    artifact: { path: ./dist }\n    health_checks:\n",
        "      - { kind: prometheus, prometheus: \"http://p:9090\", query: up }\n",
    ));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("deployment-config.yaml:8:9: a prometheus check has no threshold"), "{err}");
    assert!(err.contains("add `max:` (fails above it) or `min:`"), "{err}");
}

#[test]
fn target_order_and_rollback_groups_name_the_place_and_the_fix() {
    let config = |targets: &str, rollback: &str| {
        format!(
            "apiVersion: rvmctl/v1\nproject: p\nenvironments:\n  prod:\n{rollback}    targets:\n{targets}apps: {{ edge: {{ artifact: {{ path: ./dist }} }} }}\n"
        )
    };
    let targets = concat!(
        "      - { name: backend, kind: local, app: edge, hosts: [b1], after: [fleet] }\n",
        "      - { name: fleet, kind: local, app: edge, hosts: [h1], after: [backend] }\n",
        "      - { name: kiosk, kind: local, app: edge, hosts: [k1], after: [fleeet, kiosk] }\n",
    );
    let (code, _, err) =
        validate(&config(targets, "    rollback: { groups: { platform: [backend, flet], edge: [backend] } }\n"));
    assert_eq!(code, 2, "{err}");
    for (msg, help) in [
        (
            "deployment-config.yaml:7:70: target order cycle: backend → fleet → backend",
            "remove one of these `after:` entries",
        ),
        ("deployment-config.yaml:9:69: target 'kiosk' starts after undefined target 'fleeet'", "did you mean 'fleet'?"),
        ("deployment-config.yaml:9:77: target 'kiosk' cannot start after itself", "remove this entry"),
        (
            "deployment-config.yaml:5:47: rollback group 'platform' names undefined target 'flet'",
            "did you mean 'fleet'?",
        ),
        ("target 'backend' is in rollback groups 'edge' and 'platform'", "keep it in one"),
    ] {
        assert!(err.contains(msg), "missing `{msg}` in:\n{err}");
        assert!(err.contains(help), "missing help `{help}` in:\n{err}");
    }
    // `rollback:` is `together`, `independent` or `{ groups: … }`.
    let (code, _, err) = validate(&config(
        "      - { name: backend, kind: local, app: edge, hosts: [b1] }\n",
        "    rollback: togther\n",
    ));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("deployment-config.yaml:5:15"), "{err}");
    assert!(err.contains("did you mean 'together'? valid values: together, independent"), "{err}");
    let ok = "      - { name: backend, kind: local, app: edge, hosts: [b1] }\n      - { name: fleet, kind: local, app: edge, hosts: [h1], after: [backend] }\n";
    let (code, out, err) = validate(&config(ok, "    rollback: together\n"));
    assert_eq!(code, 0, "{out}\n{err}");
}

#[test]
fn the_email_example_in_docs_config_is_valid_and_plain_smtp_must_stay_local() {
    let doc =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/config.md")).expect("docs");
    let section = doc.split("## Notifications").nth(1).expect("the notifications section");
    let block = section.split("```yaml\n").nth(1).and_then(|b| b.split("```").next()).expect("its yaml block");
    let config = format!(
        "apiVersion: rvmctl/v1\nproject: p\n{block}environments:\n  dev:\n    targets: [ {{ name: t, kind: local, app: a, hosts: [h1] }} ]\n\
         apps:\n  a: {{ artifact: {{ path: ./x }} }}\n"
    );
    let (code, out, err) = validate(&config);
    assert_eq!(code, 0, "{out}\n{err}\n{config}");

    // Plain SMTP to another machine is refused where `tls` is written.
    let plain = config.replace("      tls: implicit\n", "      tls: none\n");
    let (code, _, err) = validate(&plain);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "deployment-config.yaml:14:12: `tls: none` is only allowed to a loopback host, not 'mail.factory.internal'"
        ),
        "{err}"
    );
    assert!(err.contains("use `tls: starttls` (port 587) or `tls: implicit` (port 465)"), "{err}");
}
