//! Semantic checks that a schema cannot express: references between
//! sections, duplicates, dependency cycles, per-kind required keys,
//! template placeholders. Every problem is collected, none stops the rest.

use std::collections::{BTreeSet, HashMap};

use super::diagnostic::{Issues, did_you_mean};
use super::schema::{API_VERSION, App, ConfigFile, HostSpec, Notification, NotificationKind, SmtpTls, TargetKind};
use super::topo;
use super::types::{TEMPLATE_VARS, Template};
use super::yaml::PathSeg;

fn k(s: &str) -> PathSeg {
    PathSeg::Key(s.to_string())
}
fn i(n: usize) -> PathSeg {
    PathSeg::Index(n)
}

pub fn validate(cfg: &ConfigFile, host_vars: &BTreeSet<&str>, issues: &mut Issues) {
    if cfg.api_version != API_VERSION {
        issues.at(
            &[k("apiVersion")],
            format!("unsupported apiVersion '{}'", cfg.api_version),
            Some(format!("this rvmctl reads '{API_VERSION}'; a newer file needs a newer rvmctl")),
        );
    }
    if cfg.environments.is_empty() {
        issues.at(
            &[k("environments")],
            "no environments defined",
            Some("add e.g. `development:` with a target".into()),
        );
    }
    for (ni, n) in cfg.global.notifications.iter().enumerate() {
        validate_notification(n, &[k("global"), k("notifications"), i(ni)], issues);
    }
    for (app_name, app) in &cfg.apps {
        validate_app(app_name, app, host_vars, issues);
    }
    validate_analysis(cfg, host_vars, issues);
    let app_names: Vec<&str> = cfg.apps.keys().map(String::as_str).collect();
    for (env_name, env) in &cfg.environments {
        let ep = [k("environments"), k(env_name)];
        if env.targets.is_empty() {
            issues.at(
                &ep,
                format!("environment '{env_name}' has no targets"),
                Some("add at least one entry under `targets:`".into()),
            );
        }
        let mut seen = HashMap::new();
        for (ti, t) in env.targets.iter().enumerate() {
            let tp = [ep[0].clone(), ep[1].clone(), k("targets"), i(ti)];
            if let Some(prev) = seen.insert(t.name.as_str(), ti) {
                issues.at(
                    &[&tp[..], &[k("name")]].concat(),
                    format!("duplicate target name '{}' (also targets[{prev}])", t.name),
                    Some("target names must be unique within an environment".into()),
                );
            }
            match cfg.apps.get(&t.app) {
                None => {
                    let help = match did_you_mean(&t.app, app_names.iter().copied()) {
                        Some(m) => format!("did you mean '{m}'? defined apps: {}", app_names.join(", ")),
                        None if app_names.is_empty() => "define it under `apps:`".into(),
                        None => format!("defined apps: {}", app_names.join(", ")),
                    };
                    issues.at(
                        &[&tp[..], &[k("app")]].concat(),
                        format!("target '{}' refers to undefined app '{}'", t.name, t.app),
                        Some(help),
                    );
                }
                Some(app) => match t.kind {
                    TargetKind::Kubernetes if app.image.is_none() && app.manifest.is_none() => issues.at(
                        &[&tp[..], &[k("app")]].concat(),
                        format!("kubernetes target '{}' needs app '{}' to have `image` or `manifest`", t.name, t.app),
                        None,
                    ),
                    TargetKind::Kubernetes if app.service.is_none() => issues.at(
                        &[&tp[..], &[k("app")]].concat(),
                        format!("kubernetes target '{}' needs app '{}' to name its `service`", t.name, t.app),
                        Some("the Service whose `color` selector rvmctl switches".into()),
                    ),
                    TargetKind::Kubernetes if !app.config_files.is_empty() => issues.at(
                        &[&tp[..], &[k("app")]].concat(),
                        format!("kubernetes target '{}' cannot install app '{}''s `config_files`", t.name, t.app),
                        Some("config_files are files on slot hosts; give a Kubernetes app `config_maps:`".into()),
                    ),
                    TargetKind::Kubernetes if app.systemd.is_some() => issues.at(
                        &[&tp[..], &[k("app")]].concat(),
                        format!("kubernetes target '{}' cannot install app '{}''s `systemd` units", t.name, t.app),
                        Some("systemd units are for slot hosts (kind: ssh or local); a Kubernetes app runs as Deployments".into()),
                    ),
                    TargetKind::Local | TargetKind::Ssh if app.migrations.as_ref().is_some_and(|m| m.job.is_some()) => {
                        issues.at(
                            &[&tp[..], &[k("app")]].concat(),
                            format!("{} target '{}' cannot run app '{}''s migration `job`", t.kind, t.name, t.app),
                            Some("a Job runs on Kubernetes; slot hosts run `migrations.run` from the release".into()),
                        )
                    }
                    TargetKind::Local | TargetKind::Ssh if !app.config_maps.is_empty() => issues.at(
                        &[&tp[..], &[k("app")]].concat(),
                        format!("{} target '{}' cannot write app '{}''s `config_maps`", t.kind, t.name, t.app),
                        Some("config_maps are Kubernetes objects; give a slot app `config_files:`".into()),
                    ),
                    TargetKind::Local | TargetKind::Ssh if app.artifact.is_none() => issues.at(
                        &[&tp[..], &[k("app")]].concat(),
                        format!("{} target '{}' needs app '{}' to have an `artifact`", t.kind, t.name, t.app),
                        Some("add `artifact: { path: ./dist/app-{version}.tar.gz }` or `url:`".into()),
                    ),
                    _ => {}
                },
            }
            if matches!(t.kind, TargetKind::Local | TargetKind::Ssh) && t.hosts.is_empty() && t.inventory.is_none() {
                issues.at(
                    &tp,
                    format!("target '{}' has no hosts", t.name),
                    Some("add `hosts: [...]` or `inventory: <file>`".into()),
                );
            }
            let mut host_seen: HashMap<&str, usize> = HashMap::with_capacity(t.hosts.len());
            for (hi, h) in t.hosts.iter().enumerate() {
                let name = h.name();
                if let Some(prev) = host_seen.insert(name, hi) {
                    issues.at(
                        &[&tp[..], &[k("hosts"), i(hi)]].concat(),
                        format!("duplicate host name '{name}' (also hosts[{prev}])"),
                        Some("host names must be unique within a target".into()),
                    );
                }
                if let Err(e) = crate::model::validate_host_name(name) {
                    issues.at(&[&tp[..], &[k("hosts"), i(hi)]].concat(), e, None);
                }
                for problem in validate_host_values(&h.as_spec()) {
                    issues.at(&[&tp[..], &[k("hosts"), i(hi)]].concat(), problem, None);
                }
            }
            let settings_path = |key: &str| [&tp[..], &[k(key)]].concat();
            validate_canary(t.settings.canary.as_ref(), &settings_path("canary"), issues);
        }
        validate_canary(env.settings.canary.as_ref(), &[ep[0].clone(), ep[1].clone(), k("canary")], issues);
        validate_order(env, &ep, issues);
    }
    validate_canary(cfg.defaults.canary.as_ref(), &[k("defaults"), k("canary")], issues);
}

/// Targets' `after:` (known targets of the same environment, no cycle) and
/// the environment's rollback groups (known targets, each in one group).
/// The keys each notification kind needs, and no key of another kind: a
/// `host:` on a webhook is a mistake worth saying, not a silent no-op.
fn validate_notification(n: &Notification, p: &[PathSeg], issues: &mut Issues) {
    let at = |key: &str| [p, &[k(key)]].concat();
    let kind = crate::model::wire_name(&n.kind);
    let email_keys = [
        ("host", n.host.is_some()),
        ("port", n.port.is_some()),
        ("tls", n.tls.is_some()),
        ("ca_file", n.ca_file.is_some()),
        ("from", n.from.is_some()),
        ("to", !n.to.is_empty()),
        ("username_env", n.username_env.is_some()),
        ("password_env", n.password_env.is_some()),
        ("timeout", n.timeout.is_some()),
    ];
    let http_keys = [
        ("webhook_url_env", n.webhook_url_env.is_some()),
        ("url", n.url.is_some()),
        ("headers_env", !n.headers_env.is_empty()),
    ];
    let foreign: &[(&str, bool)] = match n.kind {
        NotificationKind::Email => &http_keys,
        NotificationKind::Slack | NotificationKind::Webhook => &email_keys,
    };
    for (key, _) in foreign.iter().filter(|(_, set)| *set) {
        issues.at_key(&at(key), format!("`{key}` is not a key of `kind: {kind}`"), None);
    }
    match n.kind {
        NotificationKind::Slack if n.webhook_url_env.is_none() => issues.at(
            p,
            "a slack notification needs `webhook_url_env`",
            Some("name the env var that holds the webhook URL".into()),
        ),
        NotificationKind::Webhook if n.url.is_none() => issues.at(p, "a webhook notification needs `url`", None),
        NotificationKind::Email => validate_email(n, p, issues),
        _ => {}
    }
}

fn validate_email(n: &Notification, p: &[PathSeg], issues: &mut Issues) {
    let at = |key: &str| [p, &[k(key)]].concat();
    match n.host.as_deref().map(str::trim) {
        None | Some("") => issues.at(
            p,
            "an email notification needs `host`",
            Some("the SMTP relay, e.g. `host: smtp.example.com`".into()),
        ),
        Some(host) if n.tls == Some(SmtpTls::None) && !is_loopback(host) => issues.at(
            &at("tls"),
            format!("`tls: none` is only allowed to a loopback host, not '{host}'"),
            Some(
                "use `tls: starttls` (port 587) or `tls: implicit` (port 465); \
                 an unencrypted relay must listen on localhost"
                    .into(),
            ),
        ),
        Some(_) => {}
    }
    match n.from.as_deref() {
        None => issues.at(p, "an email notification needs `from`", Some("e.g. `from: deploys@example.com`".into())),
        Some(from) => {
            if let Err(why) = check_mailbox(from) {
                issues.at(&at("from"), format!("`from` is not an email address: {why}"), None);
            }
        }
    }
    if n.to.is_empty() {
        issues.at(p, "an email notification needs `to`", Some("e.g. `to: [ops@example.com]`".into()));
    }
    for (ti, to) in n.to.iter().enumerate() {
        if let Err(why) = check_mailbox(to) {
            issues.at(&[p, &[k("to"), i(ti)]].concat(), format!("'{to}' is not an email address: {why}"), None);
        }
    }
    match (&n.username_env, &n.password_env) {
        (Some(_), None) => issues.at_key(
            &at("username_env"),
            "`username_env` needs `password_env` beside it",
            Some("name the env var that holds the SMTP password".into()),
        ),
        (None, Some(_)) => issues.at_key(
            &at("password_env"),
            "`password_env` needs `username_env` beside it",
            Some("name the env var that holds the SMTP user name".into()),
        ),
        _ => {}
    }
    if n.port == Some(0) {
        issues.at(&at("port"), "port 0 is not a port", None);
    }
    if n.timeout.is_some_and(|t| t.get().is_zero()) {
        issues.at(&at("timeout"), "a zero timeout would never send", Some("the default is 10s".into()));
    }
}

/// `localhost` or a loopback address (127.0.0.0/8, ::1): a relay on this
/// machine, the only place an unencrypted SMTP connection is acceptable.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim().trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// A mailbox as a sender or recipient: `local@domain`, optionally as
/// `Display Name <local@domain>`; one address, nothing that could end a
/// header line.
fn check_mailbox(s: &str) -> Result<(), &'static str> {
    if s.chars().any(|c| c.is_control()) {
        return Err("it holds a control character");
    }
    let addr = match (s.find('<'), s.strip_suffix('>')) {
        (Some(open), Some(inner)) => &inner[open + 1..],
        (None, None) => s.trim(),
        _ => return Err("an unbalanced `<...>`"),
    };
    if addr.chars().any(|c| c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>')) {
        return Err("one address without spaces, commas or brackets");
    }
    match addr.rsplit_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() && !domain.contains('@') => Ok(()),
        _ => Err("write it as name@domain"),
    }
}

fn validate_order(env: &super::schema::Environment, ep: &[PathSeg], issues: &mut Issues) {
    use super::schema::RollbackPolicy;
    let names: Vec<&str> = env.targets.iter().map(|t| t.name.as_str()).collect();
    let unknown = |name: &str| {
        did_you_mean(name, names.iter().copied())
            .map(|m| format!("did you mean '{m}'? targets here: {}", names.join(", ")))
            .unwrap_or_else(|| format!("targets here: {}", names.join(", ")))
    };
    let tp = |ti: usize, rest: &[PathSeg]| [ep, &[k("targets"), i(ti)], rest].concat();
    for (ti, t) in env.targets.iter().enumerate() {
        for (di, dep) in t.after.iter().enumerate() {
            if dep == &t.name {
                issues.at(
                    &tp(ti, &[k("after"), i(di)]),
                    format!("target '{}' cannot start after itself", t.name),
                    Some("remove this entry".into()),
                );
            } else if !names.contains(&dep.as_str()) {
                issues.at(
                    &tp(ti, &[k("after"), i(di)]),
                    format!("target '{}' starts after undefined target '{dep}'", t.name),
                    Some(unknown(dep)),
                );
            }
        }
    }
    let deps: Vec<(String, Vec<String>)> = env
        .targets
        .iter()
        .map(|t| {
            let known = t.after.iter().filter(|d| *d != &t.name && names.contains(&d.as_str()));
            (t.name.clone(), known.cloned().collect())
        })
        .collect();
    if let Err(topo::CycleError { cycle }) = topo::order(&deps) {
        let first = env.targets.iter().position(|t| t.name == cycle[0]).unwrap_or(0);
        issues.at(
            &tp(first, &[k("after")]),
            format!("target order cycle: {}", cycle.join(" → ")),
            Some("remove one of these `after:` entries: targets start in an order, not in a circle".into()),
        );
    }
    if let Some(RollbackPolicy::Groups(g)) = &env.rollback {
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for (group, members) in &g.groups {
            for (mi, m) in members.iter().enumerate() {
                let at = [ep, &[k("rollback"), k("groups"), k(group), i(mi)]].concat();
                if !names.contains(&m.as_str()) {
                    issues.at(&at, format!("rollback group '{group}' names undefined target '{m}'"), Some(unknown(m)));
                } else if let Some(prev) = seen.insert(m.as_str(), group.as_str()) {
                    issues.at(
                        &at,
                        format!("target '{m}' is in rollback groups '{prev}' and '{group}'"),
                        Some("a target rolls back with one group: keep it in one".into()),
                    );
                }
            }
        }
    }
}

fn validate_canary(c: Option<&super::schema::CanaryConfig>, path: &[PathSeg], issues: &mut Issues) {
    let Some(c) = c else { return };
    let steps: Vec<f64> = c.steps.iter().map(|p| p.0).collect();
    if steps.is_empty() || steps.windows(2).any(|w| w[0] >= w[1]) || steps.last() != Some(&100.0) {
        issues.at(
            &[path, &[k("steps")]].concat(),
            "canary steps must rise and end at 100%",
            Some("e.g. steps: [5%, 25%, 100%]".into()),
        );
    }
}

/// A systemd unit file name rvmctl may write: one path component with a unit type.
fn validate_unit_name(name: &str) -> Result<(), &'static str> {
    const TYPES: &[&str] = &[".service", ".socket", ".timer", ".path", ".target", ".mount"];
    if name.is_empty() || name.contains('/') || name.starts_with('.') {
        return Err("must be a file name (no `/`)");
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || "@._-:".contains(c)) {
        return Err("may hold letters, digits and `@._-:` only");
    }
    if !TYPES.iter().any(|t| name.ends_with(t)) {
        return Err("needs a unit type: .service, .socket, .timer, .path, .target or .mount");
    }
    Ok(())
}

fn validate_app(name: &str, app: &App, host_vars: &BTreeSet<&str>, issues: &mut Issues) {
    let ap = [k("apps"), k(name)];
    let at = |rest: &[PathSeg]| [&ap[..], rest].concat();
    let mut templates: Vec<(Vec<PathSeg>, &Template)> = Vec::new();
    // Services: duplicates, unknown dependencies, cycles.
    let names: Vec<&str> = app.services.iter().map(|s| s.name.as_str()).collect();
    let mut seen = HashMap::new();
    for (si, s) in app.services.iter().enumerate() {
        if let Some(prev) = seen.insert(s.name.as_str(), si) {
            issues.at(
                &at(&[k("services"), i(si), k("name")]),
                format!("duplicate service '{}' (also services[{prev}])", s.name),
                None,
            );
        }
        for (di, dep) in s.after.iter().enumerate() {
            if !names.contains(&dep.as_str()) {
                let help = did_you_mean(dep, names.iter().copied())
                    .map(|m| format!("did you mean '{m}'?"))
                    .unwrap_or_else(|| format!("services of app '{name}': {}", names.join(", ")));
                issues.at(
                    &at(&[k("services"), i(si), k("after"), i(di)]),
                    format!("service '{}' depends on undefined service '{dep}'", s.name),
                    Some(help),
                );
            }
        }
        templates.push((at(&[k("services"), i(si), k("start")]), &s.start));
        if let Some(stop) = &s.stop {
            templates.push((at(&[k("services"), i(si), k("stop")]), stop));
        }
    }
    let deps: Vec<(String, Vec<String>)> = app
        .services
        .iter()
        .map(|s| (s.name.clone(), s.after.iter().filter(|d| names.contains(&d.as_str())).cloned().collect()))
        .collect();
    if let Err(topo::CycleError { cycle }) = topo::order(&deps) {
        let first = app.services.iter().position(|s| s.name == cycle[0]).unwrap_or(0);
        issues.at(
            &at(&[k("services"), i(first), k("after")]),
            format!("service dependency cycle: {}", cycle.join(" → ")),
            Some("remove one of these `after:` entries".into()),
        );
    }
    for (pi, p) in app.pre_deploy.iter().enumerate() {
        templates.push((at(&[k("pre_deploy"), i(pi), k("run")]), &p.run));
    }
    for (ci, cm) in app.config_maps.iter().enumerate() {
        for (key, v) in &cm.data {
            templates.push((at(&[k("config_maps"), i(ci), k("data"), k(key)]), v));
        }
    }
    for (fi, f) in app.config_files.iter().enumerate() {
        templates.push((at(&[k("config_files"), i(fi), k("path")]), &f.path));
        templates.push((at(&[k("config_files"), i(fi), k("source")]), &f.source));
    }
    if let Some(sd) = &app.systemd {
        for (key, t) in [("dir", sd.dir.as_ref()), ("reload", sd.reload.as_ref())] {
            if let Some(t) = t {
                templates.push((at(&[k("systemd"), k(key)]), t));
            }
        }
        for (ui, u) in sd.units.iter().enumerate() {
            let unit_at = |key: &str| at(&[k("systemd"), k("units"), i(ui), k(key)]);
            if let Err(why) = validate_unit_name(&u.name) {
                issues.at(
                    &unit_at("name"),
                    format!("systemd unit name '{}' {why}", u.name),
                    Some("e.g. `myrvm-main@.service` (started per color as `myrvm-main@blue`)".into()),
                );
            }
            match (&u.content, &u.file) {
                (Some(c), None) => templates.push((unit_at("content"), c)),
                (None, Some(_)) => {}
                (None, None) => issues.at(
                    &at(&[k("systemd"), k("units"), i(ui)]),
                    format!("systemd unit '{}' has no text", u.name),
                    Some("add `content: |` with the unit file, or `file: deploy/NAME` (next to the config)".into()),
                ),
                (Some(_), Some(_)) => issues.at(
                    &unit_at("file"),
                    format!("systemd unit '{}' takes `content` or `file`, not both", u.name),
                    Some("keep the one that holds the unit file".into()),
                ),
            }
        }
    }
    if let Some(m) = &app.migrations {
        for (key, tpl) in [
            ("backup", m.backup.as_ref()),
            ("dry_run", m.dry_run.as_ref()),
            ("run", m.run.as_ref()),
            ("down", m.down.as_ref()),
        ] {
            if let Some(tpl) = tpl {
                templates.push((at(&[k("migrations"), k(key)]), tpl));
            }
        }
        if let Some(j) = &m.job {
            templates.push((at(&[k("migrations"), k("job"), k("image")]), &j.image));
            for (ci, c) in j.command.iter().enumerate() {
                templates.push((at(&[k("migrations"), k("job"), k("command"), i(ci)]), c));
            }
        }
        match (&m.run, &m.job) {
            (None, None) => issues.at(
                &at(&[k("migrations")]),
                format!("app '{name}': migrations need `run` (a command) or `job` (Kubernetes)"),
                Some("add `run: ./migrate up`, or `job: { image: \"registry/app-migrate:{version}\" }`".into()),
            ),
            (Some(_), Some(_)) => issues.at(
                &at(&[k("migrations"), k("job")]),
                format!("app '{name}': migrations take `run` or `job`, not both"),
                Some("keep the one that runs the migration".into()),
            ),
            _ => {}
        }
    }
    for (hi, h) in app.health_checks.iter().enumerate() {
        if let super::schema::HealthCheck::Prometheus(p) = h {
            if p.max.is_none() && p.min.is_none() {
                issues.at(
                    &at(&[k("health_checks"), i(hi)]),
                    "a prometheus check has no threshold",
                    Some("add `max:` (fails above it) or `min:` (fails below it)".into()),
                );
            }
        }
        for (key, t) in h.templates() {
            templates.push((at(&[k("health_checks"), i(hi), k(key)]), t));
        }
    }
    if let Some(a) = &app.artifact {
        let ap2 = at(&[k("artifact")]);
        if a.url.is_none() == a.path.is_none() {
            issues.at(&ap2, "an artifact needs exactly one of `path` or `url`", None);
        }
        if a.url.is_some() && a.sha256.is_none() && a.sha256_url.is_none() {
            issues.at(
                &ap2,
                "a downloaded artifact needs `sha256` or `sha256_url`",
                Some("rvmctl verifies every artifact before unpacking it".into()),
            );
        }
        for (key, t) in [("url", &a.url), ("path", &a.path), ("sha256", &a.sha256), ("sha256_url", &a.sha256_url)] {
            if let Some(t) = t {
                templates.push(([&ap2[..], &[k(key)]].concat(), t));
            }
        }
    }
    if let Some(t) = &app.image {
        templates.push((at(&[k("image")]), t));
    }
    if let Some(t) = &app.base_dir {
        templates.push((at(&[k("base_dir")]), t));
    }
    check_templates(templates, host_vars, issues);
}

/// Every template renders with the known placeholders and host vars, for both colors.
fn check_templates(templates: Vec<(Vec<PathSeg>, &Template)>, host_vars: &BTreeSet<&str>, issues: &mut Issues) {
    for (path, t) in templates {
        for color in ["blue", "green"] {
            let lookup = |n: &str| {
                if n == "color" {
                    Some(color.to_string())
                } else if TEMPLATE_VARS.contains(&n) || host_vars.contains(n) {
                    Some(String::new())
                } else {
                    None
                }
            };
            if let Err(e) = t.render(&lookup) {
                issues.at(&path, e, None);
                break;
            }
        }
    }
}

/// Each analysis has a threshold and renders; every name an app gives exists.
fn validate_analysis(cfg: &ConfigFile, host_vars: &BTreeSet<&str>, issues: &mut Issues) {
    let mut templates = Vec::new();
    for (name, a) in &cfg.analysis {
        let p = [k("analysis"), k(name)];
        if a.max.is_none() && a.min.is_none() {
            issues.at(
                &p,
                format!("analysis '{name}' has no threshold"),
                Some("add `max:` (fails above it) or `min:` (fails below it)".into()),
            );
        }
        if let (Some(lo), Some(hi)) = (a.min, a.max) {
            if lo > hi {
                issues.at(
                    &[&p[..], &[k("min")]].concat(),
                    format!("analysis '{name}': min {lo} is above max {hi}, so every value fails"),
                    None,
                );
            }
        }
        if a.failures == Some(0) {
            issues.at(
                &[&p[..], &[k("failures")]].concat(),
                "`failures: 0` would trip before any evaluation",
                Some("use 1 or more".into()),
            );
        }
        match (&a.prometheus, &a.query, a.resource) {
            (Some(_), Some(_), None) | (None, None, Some(_)) => {}
            (_, _, Some(_)) => issues.at(
                &p,
                format!("analysis '{name}' has both a `resource` and a Prometheus query"),
                Some("keep `resource:` (measured on the host) or `prometheus:` + `query:`, not both".into()),
            ),
            (None, None, None) => issues.at(
                &p,
                format!("analysis '{name}' measures nothing"),
                Some("add `prometheus:` and `query:`, or `resource: memory|cpu|disk`".into()),
            ),
            (None, Some(_), None) => issues.at(
                &p,
                format!("analysis '{name}' has a query but no `prometheus:`"),
                Some("add `prometheus: http://<host>:9090` (as seen from where rvmctl runs)".into()),
            ),
            (Some(_), None, None) => {
                issues.at(&p, format!("analysis '{name}' has no `query:`"), Some("add a PromQL instant query".into()))
            }
        }
        if a.path.is_some() && a.resource != Some(super::schema::Resource::Disk) {
            issues.at(
                &[&p[..], &[k("path")]].concat(),
                format!("analysis '{name}': `path` belongs to `resource: disk`"),
                None,
            );
        }
        if a.scope.is_some() && a.resource.is_none() {
            issues.at(
                &[&p[..], &[k("scope")]].concat(),
                format!("analysis '{name}': `scope` belongs to a `resource:` analysis"),
                Some("remove `scope:`, or measure `resource: memory|cpu|disk`".into()),
            );
        }
        if a.scope == Some(super::schema::ResourceScope::Slot) && a.path.is_some() {
            issues.at(
                &[&p[..], &[k("path")]].concat(),
                format!("analysis '{name}': `scope: slot` measures the slot itself, not `path`"),
                Some("remove `path:`, or use `scope: host` to measure the filesystem of `path`".into()),
            );
        }
        for (key, t) in [("prometheus", &a.prometheus), ("query", &a.query), ("path", &a.path)] {
            if let Some(t) = t {
                templates.push(([&p[..], &[k(key)]].concat(), t));
            }
        }
    }
    check_templates(templates, host_vars, issues);
    let defined: Vec<&str> = cfg.analysis.keys().map(String::as_str).collect();
    // (where, who refers, the name)
    let mut refs: Vec<(Vec<PathSeg>, String, &str)> = Vec::new();
    for (app_name, app) in &cfg.apps {
        for (ai, n) in app.analysis.iter().enumerate() {
            refs.push((vec![k("apps"), k(app_name), k("analysis"), i(ai)], format!("app '{app_name}'"), n));
        }
    }
    /// The analyses the pauses of a scope watch: (where under the scope, who, the name).
    fn pauses(s: &super::schema::Settings) -> Vec<(Vec<PathSeg>, &'static str, &str)> {
        let canary = s.canary.as_ref().and_then(|c| c.pause.as_ref());
        let at_canary = vec![k("canary"), k("pause"), k("analysis")];
        let at_waves = vec![k("pause_between_waves"), k("analysis")];
        [(canary, at_canary, "the canary pause"), (s.pause_between_waves.as_ref(), at_waves, "the pause between waves")]
            .into_iter()
            .filter_map(|(p, at, who)| match p {
                Some(super::schema::Pause::Analysis(a)) => Some((at, who, a.analysis.as_str())),
                _ => None,
            })
            .collect()
    }
    let mut scopes: Vec<(Vec<PathSeg>, &super::schema::Settings)> = vec![(vec![k("defaults")], &cfg.defaults)];
    for (env_name, env) in &cfg.environments {
        scopes.push((vec![k("environments"), k(env_name)], &env.settings));
        for (ti, t) in env.targets.iter().enumerate() {
            scopes.push((vec![k("environments"), k(env_name), k("targets"), i(ti)], &t.settings));
        }
    }
    for (at, settings) in scopes {
        for (under, who, n) in pauses(settings) {
            refs.push(([&at[..], &under[..]].concat(), who.into(), n));
        }
    }
    for (path, who, n) in refs {
        if cfg.analysis.contains_key(n) {
            continue;
        }
        let help = match did_you_mean(n, defined.iter().copied()) {
            Some(m) => format!("did you mean '{m}'? defined analyses: {}", defined.join(", ")),
            None if defined.is_empty() => {
                format!("define it under a top-level `analysis:` as `{n}: {{ prometheus: …, query: …, max: … }}`")
            }
            None => format!("defined analyses: {}", defined.join(", ")),
        };
        issues.at(&path, format!("{who} refers to undefined analysis '{n}'"), Some(help));
    }
}

/// Host `vars` are substituted into host commands and `labels` select hosts:
/// neither may carry shell syntax (`$(...)`, quotes, `;`, spaces).
pub fn validate_host_values(h: &HostSpec) -> Vec<String> {
    let safe = |v: &str| {
        v.len() <= 256
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '/' | '@' | '+' | '=' | ',' | '-'))
    };
    let vars = h.vars.iter().map(|(k, v)| ("var", k, v.0.as_str()));
    let labels = h.labels.iter().map(|(k, v)| ("label", k, v.as_str()));
    vars.chain(labels)
        .filter(|(_, k, v)| !safe(k) || !safe(v))
        .map(|(kind, k, v)| {
            format!(
                "host '{}': {kind} {k}={v:?} contains characters a shell would interpret; use letters, digits and . _ : / @ + = , - only",
                h.name
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    /// `file:line:column: message` of every issue of a config whose only
    /// `global.notifications` entry is `notification` (a flow mapping).
    fn issues(notification: &str) -> Vec<String> {
        let text = format!(
            "apiVersion: rvmctl/v1\nproject: p\nglobal:\n  notifications:\n    - {notification}\n\
             environments:\n  dev:\n    targets: [ {{ name: t, kind: local, app: a, hosts: [h1] }} ]\n\
             apps:\n  a: {{ artifact: {{ path: ./x }} }}\n"
        );
        let path = std::path::Path::new("deployment-config.yaml");
        match crate::config::load_str(path, "deployment-config.yaml", &text) {
            Ok(_) => Vec::new(),
            Err(e) => e.issues.iter().map(|i| format!("{}:{}:{}: {}", i.file, i.line, i.column, i.message)).collect(),
        }
    }

    const EMAIL: &str = "kind: email, host: smtp.example.com, from: deploys@example.com, to: [ops@example.com]";

    #[test]
    fn a_complete_email_notification_is_valid() {
        assert_eq!(issues(&format!("{{ {EMAIL} }}")), Vec::<String>::new());
        let full = format!(
            "{{ {EMAIL}, port: 2525, tls: implicit, ca_file: relay-ca.pem, username_env: SMTP_USER, \
             password_env: SMTP_PASSWORD, timeout: 5s, on: [failure] }}"
        );
        assert_eq!(issues(&full), Vec::<String>::new());
    }

    #[test]
    fn unencrypted_smtp_is_refused_unless_the_relay_is_on_this_machine() {
        let none = |host: &str| {
            issues(&format!("{{ kind: email, host: \"{host}\", tls: none, from: a@example.com, to: [b@example.com] }}"))
        };
        assert_eq!(
            none("smtp.example.com"),
            ["deployment-config.yaml:5:53: `tls: none` is only allowed to a loopback host, not 'smtp.example.com'"]
        );
        assert_eq!(none("10.0.0.7").len(), 1);
        for host in ["localhost", "127.0.0.1", "127.0.1.1", "::1", "[::1]", "LOCALHOST"] {
            assert_eq!(none(host), Vec::<String>::new(), "{host}");
        }
    }

    #[test]
    fn an_email_notification_names_what_it_lacks() {
        assert_eq!(
            issues("{ kind: email }"),
            [
                "deployment-config.yaml:5:7: an email notification needs `host`",
                "deployment-config.yaml:5:7: an email notification needs `from`",
                "deployment-config.yaml:5:7: an email notification needs `to`",
            ]
        );
        let half = issues(&format!("{{ {EMAIL}, username_env: SMTP_USER }}"));
        assert_eq!(half, ["deployment-config.yaml:5:96: `username_env` needs `password_env` beside it"]);
        let half = issues(&format!("{{ {EMAIL}, password_env: SMTP_PASSWORD }}"));
        assert_eq!(half, ["deployment-config.yaml:5:96: `password_env` needs `username_env` beside it"]);
    }

    #[test]
    fn addresses_are_one_mailbox_each() {
        let bad = issues(
            "{ kind: email, host: h, from: \"ops\", to: [\"a@x.org, b@y.org\", \"Ops <ops@x.org\", \"Ops <ops@x.org>\"] }",
        );
        assert_eq!(
            bad,
            [
                "deployment-config.yaml:5:37: `from` is not an email address: write it as name@domain",
                "deployment-config.yaml:5:49: 'a@x.org, b@y.org' is not an email address: one address without spaces, commas or brackets",
                "deployment-config.yaml:5:69: 'Ops <ops@x.org' is not an email address: an unbalanced `<...>`",
            ]
        );
    }

    #[test]
    fn keys_of_another_kind_are_mistakes() {
        assert_eq!(
            issues("{ kind: webhook, url: \"https://x\", host: smtp.example.com, to: [a@b.c] }"),
            [
                "deployment-config.yaml:5:42: `host` is not a key of `kind: webhook`",
                "deployment-config.yaml:5:66: `to` is not a key of `kind: webhook`",
            ]
        );
        assert_eq!(
            issues(&format!("{{ {EMAIL}, url: \"https://x\" }}")),
            ["deployment-config.yaml:5:96: `url` is not a key of `kind: email`"]
        );
    }
}
