//! Email notifications against a real SMTP relay (aiosmtpd): a deploy on a
//! `local` target sends its message over STARTTLS or implicit TLS with AUTH,
//! to the right recipients, saying the environment, version and outcome; a
//! relay that is down, silent, untrusted or refuses the login only costs a
//! warning; the SMTP password never reaches the output.

mod support;

use std::time::{Duration, Instant};

use support::local::{LocalProject, Options};
use support::run;
use support::smtp::{Smtp, SmtpMode};

const USER: &str = "deployer";
// Deliberately not named *PASSWORD*: the generic redaction of well-known
// secret variables must not be what keeps it out of the output.
const PASS: &str = "smtp-s3cret-7731x";

/// A project whose `global:` holds `notifications` (6-space indented items).
fn project(notifications: &str) -> LocalProject {
    let p = LocalProject::new(Options {
        extra_top: format!("global:\n  notifications:\n{notifications}"),
        ..Options::default()
    });
    p.release("1.0.0", false);
    p
}

fn deploy(p: &LocalProject, password: &str) -> (i32, String, String, Duration) {
    let start = Instant::now();
    let (code, out, err) = run(p
        .cmd()
        .args(["deploy", "-e", "development", "--version", "1.0.0", "--yes", "-v"])
        .env("SMTP_USER", USER)
        .env("SMTP_PASS", password));
    (code, out, err, start.elapsed())
}

fn assert_no_password(out: &str, err: &str, password: &str) {
    assert!(!out.contains(password) && !err.contains(password), "the password leaked:\n{out}\n{err}");
}

#[test]
fn a_deploy_sends_one_email_over_starttls_with_auth() {
    let smtp = Smtp::start(SmtpMode::Starttls, Some((USER, PASS)));
    let p = project(&format!(
        "    - kind: email\n      host: 127.0.0.1\n      port: {}\n      ca_file: relay-ca.pem\n      \
         from: \"rvmctl <deploys@example.com>\"\n      to: [ops@example.com, \"Lead <lead@example.com>\"]\n      \
         username_env: SMTP_USER\n      password_env: SMTP_PASS\n",
        smtp.port
    ));
    // Relative to the config file, not to wherever rvmctl runs.
    std::fs::copy(&smtp.ca_file, p.path().join("relay-ca.pem")).expect("copy CA");
    let (code, out, err, _) = deploy(&p, PASS);
    assert_eq!(code, 0, "{err}\nrelay: {}", smtp.log());
    assert!(!err.contains("notification failed"), "{err}\nrelay: {}", smtp.log());
    assert_no_password(&out, &err, PASS);

    let mails = smtp.messages();
    assert_eq!(mails.len(), 1, "the default events: success, failure, rollback; not start: {mails:?}");
    let m = &mails[0];
    assert_eq!(m["encrypted"], true, "STARTTLS before the message: {m}");
    assert_eq!(m["login"], USER, "{m}");
    assert_eq!(m["mail_from"], "deploys@example.com");
    assert_eq!(m["rcpt_tos"], serde_json::json!(["ops@example.com", "lead@example.com"]));
    assert_eq!(m["from"], "rvmctl <deploys@example.com>");
    assert_eq!(m["to"], "ops@example.com, Lead <lead@example.com>");
    assert_eq!(m["subject"], "[rvmctl] testrvm 1.0.0 → development: success");
    assert_eq!(m["content_type"], "text/plain");
    let body = m["body"].as_str().unwrap_or_default();
    assert!(body.starts_with("✅ testrvm 1.0.0 → development: success (by tester, "), "{body}");
    for fact in
        ["environment: development\n", "version:     1.0.0\n", "event:       success\n", "by:          tester\n"]
    {
        assert!(body.contains(fact), "missing `{fact}` in:\n{body}");
    }
}

#[test]
fn implicit_tls_sends_the_start_and_the_outcome() {
    let smtp = Smtp::start(SmtpMode::Implicit, Some((USER, PASS)));
    let p = project(&format!(
        "    - {{ kind: email, host: localhost, port: {}, tls: implicit, ca_file: \"{}\", from: deploys@example.com, \
         to: [ops@example.com], username_env: SMTP_USER, password_env: SMTP_PASS, on: [start, success] }}\n",
        smtp.port,
        smtp.ca_file.display()
    ));
    let (code, out, err, _) = deploy(&p, PASS);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("notification failed"), "{err}\nrelay: {}", smtp.log());
    assert_no_password(&out, &err, PASS);
    let mails = smtp.messages();
    let subjects: Vec<&str> = mails.iter().filter_map(|m| m["subject"].as_str()).collect();
    assert_eq!(
        subjects,
        ["[rvmctl] testrvm 1.0.0 → development: started", "[rvmctl] testrvm 1.0.0 → development: success"]
    );
    assert!(mails.iter().all(|m| m["encrypted"] == true && m["login"] == USER), "{mails:?}");
    assert_eq!(mails[0]["rcpt_tos"], serde_json::json!(["ops@example.com"]));
}

#[test]
fn a_plain_relay_on_loopback_needs_no_tls_and_no_auth() {
    let smtp = Smtp::start(SmtpMode::Plain, None);
    let p = project(&format!(
        "    - {{ kind: email, host: 127.0.0.1, port: {}, tls: none, from: deploys@example.com, to: [ops@example.com] }}\n",
        smtp.port
    ));
    let (code, _, err, _) = deploy(&p, PASS);
    assert_eq!(code, 0, "{err}");
    let mails = smtp.messages();
    assert_eq!(mails.len(), 1, "{err}\nrelay: {}", smtp.log());
    assert_eq!(mails[0]["encrypted"], false);
    assert_eq!(mails[0]["login"], serde_json::Value::Null);
}

#[test]
fn a_relay_that_is_down_silent_untrusted_unencrypted_or_refuses_the_login_is_only_a_warning() {
    // Nothing listens on `down`; `silent` accepts connections and never says
    // a word (only the time limit ends the wait); `strict` is a real relay
    // whose certificate no configured CA signed, then one that refuses the
    // password; `plain` offers no STARTTLS, and a message that would cross
    // it in clear text is not sent.
    let down = support::free_port();
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let silent_port = silent.local_addr().expect("addr").port();
    let strict = Smtp::start(SmtpMode::Starttls, Some((USER, "another-password-0000")));
    let plain = Smtp::start(SmtpMode::Plain, None);
    let item = |port: u16, extra: &str| {
        format!(
            "    - {{ kind: email, host: 127.0.0.1, port: {port}, from: deploys@example.com, to: [ops@example.com], \
             username_env: SMTP_USER, password_env: SMTP_PASS, timeout: 2s{extra} }}\n"
        )
    };
    let p = project(
        &[
            item(down, ""),
            item(silent_port, ""),
            item(strict.port, ""),
            item(strict.port, &format!(", ca_file: \"{}\"", strict.ca_file.display())),
            item(plain.port, ""),
        ]
        .concat(),
    );
    let (code, out, err, took) = deploy(&p, PASS);
    assert_eq!(code, 0, "a failing notification never fails the deploy: {err}");
    let warnings: Vec<&str> =
        err.lines().filter(|l| l.contains("warning: email notification failed (the deploy is not affected)")).collect();
    assert_eq!(warnings.len(), 5, "one warning per relay:\n{err}");
    assert!(warnings[0].contains(&format!("127.0.0.1:{down}: ")), "{}", warnings[0]);
    assert!(warnings[1].contains(&format!("127.0.0.1:{silent_port}: no answer within 2s")), "{}", warnings[1]);
    assert!(warnings[2].to_lowercase().contains("certificate"), "an untrusted relay is refused: {}", warnings[2]);
    assert!(warnings[3].contains("535"), "the login is refused: {}", warnings[3]);
    assert!(warnings[4].contains(&format!("127.0.0.1:{}: ", plain.port)), "{}", warnings[4]);
    assert!(plain.messages().is_empty(), "no STARTTLS, no message");
    assert!(took < Duration::from_secs(15), "the silent relay costs its 2s limit, not more: {took:?}");
    assert_no_password(&out, &err, PASS);
    assert!(strict.messages().is_empty());
    drop(silent);
}

#[test]
fn a_missing_credential_variable_is_a_warning_naming_it() {
    let smtp = Smtp::start(SmtpMode::Starttls, Some((USER, PASS)));
    let p = project(&format!(
        "    - {{ kind: email, host: 127.0.0.1, port: {}, ca_file: \"{}\", from: deploys@example.com, \
         to: [ops@example.com], username_env: SMTP_USER, password_env: SMTP_PASS_UNSET }}\n",
        smtp.port,
        smtp.ca_file.display()
    ));
    let (code, _, err, _) = deploy(&p, PASS);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: email notification failed (the deploy is not affected): $SMTP_PASS_UNSET is not set"),
        "{err}"
    );
    assert!(smtp.messages().is_empty());
}
