//! `redis`, `postgres` and `mqtt` health checks against real servers
//! (redis-server, PostgreSQL, Mosquitto) on loopback: a deploy passes when
//! they answer as configured, fails with a message that says why when they
//! do not, and never shows a password or a DSN.

mod support;

use support::local::{LocalProject, Options};
use support::run;
use support::services::{Mosquitto, Postgres, Redis};

const REDIS_PW: &str = "redis-s3cret-pw";
const PG_PW: &str = "pg-s3cret-pw";
const MQTT_PW: &str = "mqtt-s3cret-pw";

/// The three servers, seeded: redis key `schema` = `7`, a `schema_version`
/// table holding `7`.
struct Servers {
    redis: Redis,
    pg: Postgres,
    mqtt: Mosquitto,
}

fn servers() -> Servers {
    let redis = Redis::start(REDIS_PW);
    assert_eq!(redis.call(&["SET", "schema", "7"]), "+OK");
    let pg = Postgres::start(PG_PW);
    pg.sql("CREATE TABLE schema_version (v int); INSERT INTO schema_version VALUES (7)");
    let mqtt = Mosquitto::start("rvm", MQTT_PW);
    Servers { redis, pg, mqtt }
}

/// The checks, with `expect` as the value each must see.
fn checks(s: &Servers, expect: &str) -> String {
    format!(
        "      - {{ kind: redis, address: \"127.0.0.1:{r}\", password_env: TEST_REDIS_PW, key: schema, expect: \"{expect}\", timeout: 3s, retries: 0 }}\n\
         \x20     - {{ kind: postgres, dsn_env: TEST_PG_DSN, query: \"SELECT v FROM schema_version\", expect: \"{expect}\", timeout: 5s, retries: 0 }}\n\
         \x20     - {{ kind: mqtt, name: broker, address: \"127.0.0.1:{m}\", username_env: TEST_MQTT_USER, password_env: TEST_MQTT_PW,\n\
         \x20          publish: {{ topic: \"rvm/{{host}}/ping\", payload: \"hello {{version}}\" }}, expect: {{ topic: \"rvm/+/ping\", contains: \"hello\" }}, timeout: 3s, retries: 0 }}\n",
        r = s.redis.port,
        m = s.mqtt.port,
    )
}

fn project(s: &Servers, expect: &str) -> LocalProject {
    let p =
        LocalProject::new(Options { hosts: 1, monitor: "0s", extra_checks: checks(s, expect), ..Options::default() });
    p.release("1.0.0", false);
    p.release("1.1.0", false);
    p
}

/// `rvmctl deploy` with the secrets in its environment: (code, stdout, stderr).
fn deploy(p: &LocalProject, s: &Servers, version: &str, wrong: Option<&str>) -> (i32, String, String) {
    let pw =
        |kind: &str, right: &str| if wrong == Some(kind) { "wrong-password".to_string() } else { right.to_string() };
    let mut cmd = p.cmd();
    cmd.args(["deploy", "-e", "development", "--version", version, "--yes"])
        .env("TEST_REDIS_PW", pw("redis", REDIS_PW))
        .env("TEST_PG_DSN", s.pg.dsn(&pw("postgres", PG_PW)))
        .env("TEST_MQTT_USER", "rvm")
        .env("TEST_MQTT_PW", pw("mqtt", MQTT_PW));
    run(&mut cmd)
}

fn assert_no_secret(out: &str, err: &str) {
    for secret in [REDIS_PW, PG_PW, MQTT_PW, "wrong-password"] {
        assert!(!out.contains(secret) && !err.contains(secret), "a secret was shown:\n{out}\n{err}");
    }
}

#[test]
fn a_deploy_passes_when_redis_postgres_and_the_broker_answer_as_expected() {
    let s = servers();
    let p = project(&s, "7");
    let (code, out, err) = deploy(&p, &s, "1.0.0", None);
    assert_eq!(code, 0, "stdout: {out}\nstderr: {err}");
    assert_eq!(p.live("sim-01").as_deref(), Some("blue"));
    assert_no_secret(&out, &err);
}

#[test]
fn wrong_credentials_fail_the_deploy_with_the_servers_reason_and_keep_the_live_color() {
    let s = servers();
    let p = project(&s, "7");
    let (code, out, err) = deploy(&p, &s, "1.0.0", None);
    assert_eq!(code, 0, "stdout: {out}\nstderr: {err}");
    for (kind, why) in [
        ("redis", "redis refused the credentials"),
        ("postgres", "password authentication failed for user \"rvm\""),
        ("mqtt", "the broker refused the credentials"),
    ] {
        let (code, out, err) = deploy(&p, &s, "1.1.0", Some(kind));
        assert_ne!(code, 0, "{kind}: stdout: {out}\nstderr: {err}");
        assert!(out.contains(why) || err.contains(why), "{kind}: wanted '{why}':\n{out}\n{err}");
        assert_eq!(p.live("sim-01").as_deref(), Some("blue"), "{kind}: traffic stays on the healthy color");
        assert_no_secret(&out, &err);
        p.assert_safe();
    }
}

#[test]
fn a_value_other_than_the_expected_one_fails_the_deploy_and_names_both() {
    let s = servers();
    let p = project(&s, "8");
    let (code, out, err) = deploy(&p, &s, "1.0.0", None);
    assert_ne!(code, 0, "stdout: {out}\nstderr: {err}");
    let all = format!("{out}\n{err}");
    assert!(all.contains("GET schema is '7', expected '8'"), "{all}");
    assert_eq!(p.live("sim-01"), None, "a first deploy that fails makes nothing live");
    assert_no_secret(&out, &err);
}

#[test]
fn a_server_that_is_down_or_a_missing_secret_fails_with_what_to_do() {
    let mut s = servers();
    let p = project(&s, "7");
    s.redis.stop();
    let (code, out, err) = deploy(&p, &s, "1.0.0", None);
    assert_ne!(code, 0, "stdout: {out}\nstderr: {err}");
    let all = format!("{out}\n{err}");
    assert!(all.contains(&format!("127.0.0.1:{}", s.redis.port)), "names the address: {all}");

    let (code, out, err) = run(p.cmd().args(["deploy", "-e", "development", "--version", "1.0.0", "--yes"]));
    assert_ne!(code, 0, "stdout: {out}\nstderr: {err}");
    assert!(err.contains("the environment variable TEST_REDIS_PW (its password_env) is not set"), "{err}");
}

#[test]
fn on_an_ssh_host_the_checks_connect_from_the_host_through_its_ssh_connection() {
    let s = servers();
    let f = support::Fleet::start(1);
    f.build_release("1.0.0", false);
    let config = f.write_config("", "");
    let mut yaml = std::fs::read_to_string(&config).expect("config");
    yaml.push_str(&checks(&s, "7"));
    std::fs::write(&config, yaml).expect("config");
    // SAFETY: set before any thread of this test process reads the environment;
    // the rvmctl child inherits it.
    unsafe {
        std::env::set_var("TEST_REDIS_PW", REDIS_PW);
        std::env::set_var("TEST_PG_DSN", s.pg.dsn(PG_PW));
        std::env::set_var("TEST_MQTT_USER", "rvm");
        std::env::set_var("TEST_MQTT_PW", MQTT_PW);
    }
    let m = f.run_measured(&["deploy", "-e", "field", "--version", "1.0.0", "--yes"]);
    let (out, err) = (String::from_utf8_lossy(&m.out.stdout), String::from_utf8_lossy(&m.out.stderr));
    assert!(m.out.status.success(), "stdout: {out}\nstderr: {err}");
    assert_eq!(f.live(0).as_deref(), Some("blue"));
    // Each of the three checks opened its connection as a forward of the
    // host's ssh connection (before the switch and in the post-switch monitor).
    let forwards = err.lines().filter(|l| l.contains("rvmctl::round_trip") && l.contains("what=\"forward\"")).count();
    assert!(forwards >= 3, "{forwards} forwards:\n{err}");
    assert_no_secret(&out, &err);
}

#[test]
fn an_mqtt_check_speaks_tls_verified_against_the_given_ca() {
    let broker = Mosquitto::start_tls("rvm", MQTT_PW);
    let ca = broker.ca_file.clone().expect("ca");
    let check = |tls: &str| {
        format!(
            "      - {{ kind: mqtt, name: broker, address: \"127.0.0.1:{}\", username_env: TEST_MQTT_USER, password_env: TEST_MQTT_PW, {tls}\n\
             \x20          publish: {{ topic: t, payload: hi }}, expect: {{ topic: t, contains: hi }}, timeout: 3s, retries: 0 }}\n",
            broker.port
        )
    };
    let deploy = |tls: &str| {
        let p = LocalProject::new(Options { hosts: 1, monitor: "0s", extra_checks: check(tls), ..Options::default() });
        p.release("1.0.0", false);
        let mut cmd = p.cmd();
        cmd.args(["deploy", "-e", "development", "--version", "1.0.0", "--yes"])
            .env("TEST_MQTT_USER", "rvm")
            .env("TEST_MQTT_PW", MQTT_PW);
        let (code, out, err) = run(&mut cmd);
        (code, format!("{out}\n{err}"))
    };
    let (code, all) = deploy(&format!("tls: true, ca_file: \"{}\",", ca.display()));
    assert_eq!(code, 0, "{all}");
    // The broker's certificate chains to no root the OS trusts.
    let (code, all) = deploy("tls: true,");
    assert_ne!(code, 0, "{all}");
    assert!(all.contains("TLS handshake with 127.0.0.1") && all.contains("certificate"), "{all}");
    // A plain client gets nothing a broker would say.
    let (code, all) = deploy("");
    assert_ne!(code, 0, "{all}");
    assert!(!all.contains(MQTT_PW), "{all}");
}

#[test]
fn a_postgres_check_with_sslmode_require_logs_in_over_verified_tls() {
    let (pg, ca) = Postgres::start_tls(PG_PW);
    let check = |extra: &str| {
        format!(
            "      - {{ kind: postgres, dsn_env: TEST_PG_DSN, query: \"SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()\", expect: \"t\", {extra}timeout: 5s, retries: 0 }}\n"
        )
    };
    let deploy = |extra: &str, dsn: String| {
        let p =
            LocalProject::new(Options { hosts: 1, monitor: "0s", extra_checks: check(extra), ..Options::default() });
        p.release("1.0.0", false);
        let mut cmd = p.cmd();
        cmd.args(["deploy", "-e", "development", "--version", "1.0.0", "--yes"]).env("TEST_PG_DSN", dsn);
        let (code, out, err) = run(&mut cmd);
        (code, format!("{out}\n{err}"))
    };
    let require = format!("{}?sslmode=require", pg.dsn(PG_PW));
    // The session itself says it is TLS.
    let (code, all) = deploy(&format!("ca_file: \"{}\", ", ca.display()), require.clone());
    assert_eq!(code, 0, "{all}");
    // The server's certificate chains to no root the OS trusts.
    let (code, all) = deploy("", require);
    assert_ne!(code, 0, "{all}");
    assert!(all.contains("TLS handshake with 127.0.0.1") && all.contains("certificate"), "{all}");
    // Without sslmode=require the session is plain, and the check says so.
    let (code, all) = deploy("", pg.dsn(PG_PW));
    assert_ne!(code, 0, "{all}");
    assert!(all.contains("returned 'f', expected 't'"), "{all}");
    assert!(!all.contains(PG_PW), "{all}");
}
