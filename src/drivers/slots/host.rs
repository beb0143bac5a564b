//! A slot host's lifecycle: `host check` (are its prerequisites there?),
//! `host bootstrap` (its layout and systemd units, idempotently) and `host
//! uninstall` (stop, back up, remove, lock left free). Each is one round
//! trip; bootstrap and uninstall hold the host's lock while they work, as a
//! deploy does, so they never race one.

use std::time::Duration;

use jiff::Timestamp;

use super::scripts::{self, sh_quote};
use super::{SlotDriver, SlotHost};
use crate::drivers::transport::TransportError;
use crate::model::{Check, Color, HostChange, HostCheck, LockInfo};

/// A unit file of the app's `systemd:`, its text read on the operator's side.
#[derive(Debug, Clone)]
pub struct UnitFile {
    pub name: String,
    /// The text as configured (placeholders not yet expanded).
    pub text: String,
}

/// Above this difference between a host's clock and ours, `host check` fails.
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(30);

/// What a host said about itself (the `KEY=VALUE` lines of [`CHECK`]).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Facts {
    pub arch: String,
    /// The host's clock, seconds since the epoch.
    pub clock: Option<i64>,
    pub has: Vec<String>,
    /// The base dir, or its nearest existing parent.
    pub existing: String,
    pub writable: bool,
    pub free_k: Option<u64>,
    /// The larger of the host's slots, KiB (a release as big as what it runs).
    pub slot_k: Option<u64>,
    pub lock: Option<String>,
    pub systemd_dir: Option<String>,
    pub systemd_writable: bool,
}

impl Facts {
    pub fn parse(out: &str) -> Facts {
        let mut f = Facts::default();
        for line in out.lines() {
            let Some((k, v)) = line.split_once('=') else { continue };
            match k {
                "arch" => f.arch = v.trim().to_string(),
                "clock" => f.clock = v.trim().parse().ok(),
                "has" => f.has.push(v.trim().to_string()),
                "existing" => f.existing = v.to_string(),
                "writable" => f.writable = v == "1",
                "free_k" => f.free_k = v.trim().parse().ok(),
                "slot_k" => f.slot_k = v.trim().parse().ok().filter(|k| *k > 0),
                "lock" => f.lock = Some(v.to_string()),
                "systemd_dir" => f.systemd_dir = Some(v.to_string()),
                "systemd_writable" => f.systemd_writable = v == "1",
                _ => {}
            }
        }
        f
    }
}

/// What a host must have, from the config (and `--version`).
#[derive(Debug, Clone)]
pub struct Expect {
    pub base: String,
    /// Each entry is one requirement: any of its commands will do.
    pub commands: Vec<Vec<&'static str>>,
    pub arch: Option<String>,
    /// A release's size on disk, KiB, when known (`--version`'s artifact).
    pub release_k: Option<u64>,
    /// The artifact's own size, KiB: the host keeps it in its cache.
    pub artifact_k: Option<u64>,
    pub min_free_k: u64,
    /// The operator's clock when the host answered (the middle of the round trip).
    pub operator_clock: i64,
    /// The app declares `systemd:` units.
    pub systemd: bool,
}

/// The Debian/JetPack package that provides a command.
fn package_of(command: &str) -> &'static str {
    match command {
        "flock" => "util-linux",
        "sha256sum" | "df" | "du" | "mktemp" => "coreutils",
        "tar" => "tar",
        "gzip" => "gzip",
        "curl" => "curl",
        "wget" => "wget",
        "systemctl" => "systemd",
        _ => "the package that provides it",
    }
}

/// `arm64` and `aarch64`, `amd64` and `x86_64` are the same machine.
fn normalize_arch(a: &str) -> String {
    match a.trim().to_ascii_lowercase().as_str() {
        "arm64" | "aarch64" => "aarch64".into(),
        "amd64" | "x86_64" | "x86-64" => "x86_64".into(),
        other => other.to_string(),
    }
}

fn kib(k: u64) -> String {
    crate::config::types::ByteSize(k * 1024).to_string()
}

/// The verdict on each prerequisite, from what the host said (pure).
pub fn evaluate(f: &Facts, e: &Expect) -> Vec<Check> {
    let mut checks = vec![Check::ok("reachable", "ssh session opened")];
    // The deploy user can write the base dir (or create it).
    checks.push(if f.writable {
        let how = if f.existing == e.base { "writable" } else { "can be created (its parent is writable)" };
        Check::ok("base_dir", format!("{} {how}", e.base))
    } else {
        Check::failed(
            "base_dir",
            format!("{} cannot be written by the deploy user (nearest existing: {})", e.base, f.existing),
            format!(
                "create it and give it to the deploy user: sudo mkdir -p {b} && sudo chown \"$USER\" {b}",
                b = sh_quote(&e.base)
            ),
        )
    });
    // Room for two releases, the cached artifact and the margin.
    let release = e.release_k.or(f.slot_k);
    let need = release.map_or(0, |r| 2 * r) + e.artifact_k.unwrap_or(0) + e.min_free_k;
    let sized = match (e.release_k, f.slot_k) {
        (Some(r), _) => format!(
            "2 × {} release + {} artifact + min_free_disk {}",
            kib(r),
            kib(e.artifact_k.unwrap_or(0)),
            kib(e.min_free_k)
        ),
        (None, Some(s)) => format!("2 × {} (its largest slot) + min_free_disk {}", kib(s), kib(e.min_free_k)),
        (None, None) => format!("min_free_disk {}; pass --version to size a release", kib(e.min_free_k)),
    };
    checks.push(match f.free_k {
        Some(free) if free >= need => {
            Check::ok("disk", format!("{} free on {}, needs {} ({sized})", kib(free), f.existing, kib(need)))
        }
        Some(free) => Check::failed(
            "disk",
            format!("{} free on {}, needs {} ({sized})", kib(free), f.existing, kib(need)),
            "free space on that filesystem (old releases, logs), or lower `min_free_disk` for this target",
        ),
        None => Check::warn(
            "disk",
            format!("cannot read the free space of {} (df -Pk)", f.existing),
            "install coreutils (df)",
        ),
    });
    // The commands rvmctl runs there.
    let missing: Vec<&Vec<&str>> =
        e.commands.iter().filter(|any| !any.iter().any(|c| f.has.iter().any(|h| h == c))).collect();
    checks.push(if missing.is_empty() {
        let all: Vec<&str> =
            e.commands.iter().filter_map(|any| any.iter().find(|c| f.has.iter().any(|h| h == *c)).copied()).collect();
        Check::ok("commands", all.join(" "))
    } else {
        let names: Vec<String> = missing.iter().map(|any| any.join(" or ")).collect();
        let mut packages: Vec<&str> = missing.iter().map(|any| package_of(any[0])).collect();
        packages.dedup();
        Check::failed(
            "commands",
            format!("missing: {}", names.join(", ")),
            format!("install them on the host: sudo apt-get install {}", packages.join(" ")),
        )
    });
    // The release's architecture against the host's.
    checks.push(match &e.arch {
        None => Check::ok("arch", format!("{} (the artifact declares none)", f.arch)),
        Some(want) if normalize_arch(want) == normalize_arch(&f.arch) => {
            Check::ok("arch", format!("{} matches the artifact", f.arch))
        }
        Some(want) => Check::failed(
            "arch",
            format!("the host is {}, the artifact is built for {want}", f.arch),
            format!("build the release for {} (or correct `artifact.arch`)", normalize_arch(&f.arch)),
        ),
    });
    // History, windows and locks carry times.
    checks.push(match f.clock {
        None => Check::warn("clock", "the host did not say its time (date +%s)", "check that `date` works on the host"),
        Some(c) => {
            let skew = c - e.operator_clock;
            let said = if skew == 0 {
                "in step with this machine".to_string()
            } else {
                format!("{}s {} this machine", skew.abs(), if skew > 0 { "ahead of" } else { "behind" })
            };
            if skew.unsigned_abs() > MAX_CLOCK_SKEW.as_secs() {
                Check::failed(
                    "clock",
                    said,
                    "enable time sync on the host (timedatectl set-ntp true) and check this machine's clock",
                )
            } else {
                Check::ok("clock", said)
            }
        }
    });
    if e.systemd {
        let dir = f.systemd_dir.clone().unwrap_or_default();
        checks.push(if f.systemd_writable {
            Check::ok("systemd", format!("{dir} writable"))
        } else {
            Check::failed(
                "systemd",
                format!("{dir} cannot be written by the deploy user"),
                "run as a user that may install units there, or set `systemd.dir` to a directory it may write",
            )
        });
    }
    checks.push(match &f.lock {
        None => Check::ok("lock", "free"),
        Some(l) => Check::warn(
            "lock",
            format!("held now: {}", describe_lock(l)),
            "a run is in progress there; wait for it (`rvmctl lock list`)",
        ),
    });
    checks
}

fn describe_lock(json: &str) -> String {
    match serde_json::from_str::<LockInfo>(json) {
        Ok(l) => format!("{} since {} ({})", l.holder, l.since.strftime("%Y-%m-%d %H:%M:%S UTC"), l.operation),
        Err(_) => json.trim().to_string(),
    }
}

/// Prints what [`Facts::parse`] reads. `RVM_SYSTEMD_DIR` when the app has units.
const CHECK: &str = r#"
echo "arch=$(uname -m)"
echo "clock=$(date +%s)"
for c in sh tar gzip sha256sum flock df du mktemp curl wget systemctl systemd-analyze; do
  command -v "$c" >/dev/null 2>&1 && echo "has=$c"
done
rvm_writable() {
  d="$1"; while [ ! -d "$d" ]; do d=$(dirname "$d"); done
  echo "$d"
  t="$d/.rvmctl-check.$$"
  if ( : > "$t" ) 2>/dev/null; then rm -f "$t"; return 0; fi
  return 1
}
if d=$(rvm_writable "$RVM_BASE"); then echo "existing=$d"; echo writable=1; else echo "existing=$d"; fi
echo "free_k=$(df -Pk "$d" 2>/dev/null | awk 'NR == 2 { print $4 }')"
k=0
for c in blue green; do
  if [ -d "$RVM_BASE/$c" ]; then s=$(du -sk "$RVM_BASE/$c" 2>/dev/null | cut -f1); [ "${s:-0}" -gt "$k" ] && k=$s; fi
done
echo "slot_k=$k"
S="$RVM_BASE/.rvmctl"
if [ -f "$S/lock" ] && command -v flock >/dev/null 2>&1 && ! flock -n "$S/lock" true; then
  printf 'lock='; tr -d '\n' < "$S/lock.json" 2>/dev/null; echo
fi
if [ -n "${RVM_SYSTEMD_DIR:-}" ]; then
  if d=$(rvm_writable "$RVM_SYSTEMD_DIR"); then echo "systemd_dir=$RVM_SYSTEMD_DIR"; echo systemd_writable=1; else echo "systemd_dir=$RVM_SYSTEMD_DIR"; fi
fi
true
"#;

/// The result line of a lifecycle script: `did: …`, `backup: …`, `failed: …`.
fn change_from(target: &str, host: &str, out: &str) -> HostChange {
    let mut c = HostChange { target: target.into(), host: host.into(), ..HostChange::default() };
    for line in out.lines() {
        if let Some(a) = line.strip_prefix("did: ") {
            c.actions.push(a.to_string());
        } else if let Some(b) = line.strip_prefix("backup: ") {
            c.backup = Some(b.to_string());
        } else if let Some(f) = line.strip_prefix("failed: ") {
            c.error = Some(f.to_string());
        }
    }
    c.changed = !c.actions.is_empty();
    c
}

impl SlotDriver {
    fn systemd_dir(&self, h: &SlotHost) -> Result<Option<String>, String> {
        Ok(self.systemd_vars(h)?.map(|v| v[0].1.clone()))
    }

    /// `RVM_SYSTEMD_DIR` and `RVM_RELOAD` for `h`, when the app has units.
    fn systemd_vars(&self, h: &SlotHost) -> Result<Option<[(String, String); 2]>, String> {
        use crate::config::schema::Systemd;
        let Some(sd) = &self.app.systemd else { return Ok(None) };
        let render = |t: Option<&crate::config::types::Template>, default: &str, key: &str| match t {
            Some(t) => t.render(&self.unit_lookup(h)).map_err(|e| format!("systemd.{key}: {e}")),
            None => Ok(default.to_string()),
        };
        let dir = render(sd.dir.as_ref(), Systemd::DEFAULT_DIR, "dir")?;
        let reload = render(sd.reload.as_ref(), Systemd::DEFAULT_RELOAD, "reload")?;
        Ok(Some([("RVM_SYSTEMD_DIR".into(), dir.trim_end_matches('/').to_string()), ("RVM_RELOAD".into(), reload)]))
    }

    /// The placeholders a unit file (and `systemd.dir`/`reload`) may use:
    /// the host's, not a color's (systemd's `%i` is the color).
    fn unit_lookup<'a>(&'a self, h: &'a SlotHost) -> impl Fn(&str) -> Option<String> + 'a {
        let host = self.lookup(h, Color::Blue, "");
        move |name: &str| match name {
            "color" | "version" | "slot_dir" | "image" => None,
            _ => host(name),
        }
    }

    fn render_unit(&self, h: &SlotHost, u: &UnitFile) -> Result<String, String> {
        crate::config::types::render_template(&u.text, &self.unit_lookup(h)).map_err(|e| {
            format!("systemd unit {}: {e} (one unit file serves both colors: use systemd's %i for the color)", u.name)
        })
    }

    fn commands(&self) -> Vec<Vec<&'static str>> {
        let mut c: Vec<Vec<&'static str>> =
            vec![vec!["sh"], vec!["tar"], vec!["gzip"], vec!["sha256sum"], vec!["flock"], vec!["df"], vec!["mktemp"]];
        if self.app.artifact.as_ref().is_some_and(|a| a.url.is_some()) {
            c.push(vec!["curl", "wget"]);
        }
        if let Some(sd) = &self.app.systemd {
            if sd.reload.is_none() {
                c.push(vec!["systemctl"]);
            }
        }
        c
    }

    /// `host check` on one host: every prerequisite with its verdict.
    pub async fn check_host(&self, unit: &str, now: Timestamp, version: Option<&str>) -> HostCheck {
        let Some(h) = self.hosts.iter().find(|h| h.spec.name == unit) else {
            return HostCheck::new(
                &self.target,
                unit,
                vec![Check::failed("reachable", "not a host of this target", "")],
            );
        };
        let systemd_dir = match self.systemd_dir(h) {
            Ok(d) => d,
            Err(e) => {
                return HostCheck::new(
                    &self.target,
                    unit,
                    vec![Check::failed("systemd", e, "fix `systemd.dir` in the config")],
                );
            }
        };
        let (mut release_k, mut artifact_k) = (None, None);
        if let Some(v) = version {
            match (self.artifact)(v) {
                Ok(a) => {
                    release_k = a.unpacked.map(|b| b.div_ceil(1024));
                    artifact_k = a.size.map(|b| b.div_ceil(1024));
                }
                Err(e) => {
                    return HostCheck::new(
                        &self.target,
                        unit,
                        vec![Check::failed("artifact", e, "build the release first, or check `--version`")],
                    );
                }
            }
        }
        let extra: Vec<(&str, String)> = systemd_dir.iter().map(|d| ("RVM_SYSTEMD_DIR", d.clone())).collect();
        let script = format!("{}{CHECK}", self.prelude(h, None, None, &extra));
        let started = std::time::Instant::now();
        let out = h.transport.exec(&script, self.timeout().min(Duration::from_secs(60))).await;
        let half = started.elapsed() / 2;
        let names = ["base_dir", "disk", "commands", "arch", "clock", "lock"];
        let unreachable = |detail: String, fix: &str| {
            let mut checks = vec![Check::failed("reachable", detail, fix)];
            checks.extend(names.iter().map(|n| Check::skipped(n, "the host could not be reached")));
            HostCheck::new(&self.target, unit, checks)
        };
        let out = match out {
            Ok(o) if o.success() => o,
            Ok(o) => {
                return unreachable(
                    format!("the check script failed: {}", o.combined().trim()),
                    "check that the deploy user's shell is a POSIX sh",
                );
            }
            Err(TransportError::Refused(m)) => {
                return unreachable(
                    m,
                    "pin the host's key in known_hosts (ssh-keyscan it and compare the fingerprint), or fix the deploy user's key",
                );
            }
            Err(e) => {
                return unreachable(
                    e.to_string(),
                    "check the host's address, that sshd runs, and the network path (bastion, VPN)",
                );
            }
        };
        let expect = Expect {
            base: h.base.clone(),
            commands: self.commands(),
            arch: self.app.artifact.as_ref().and_then(|a| a.arch.clone()),
            release_k,
            artifact_k,
            min_free_k: self.settings.min_free_disk.0 / 1024,
            operator_clock: (now + jiff::SignedDuration::try_from(half).unwrap_or_default()).as_second(),
            systemd: systemd_dir.is_some(),
        };
        HostCheck::new(&self.target, unit, evaluate(&Facts::parse(&out.stdout), &expect))
    }

    /// `host bootstrap` on one host: the base and state dirs, and the app's
    /// systemd units (verified, then installed where they differ, then the
    /// manager reloaded once). Changes nothing on a host already so.
    pub async fn bootstrap_host(&self, unit: &str, units: &[UnitFile], info: &LockInfo) -> HostChange {
        let fail = |e: String| HostChange::failed(&self.target, unit, e);
        let h = match self.host(unit) {
            Ok(h) => h,
            Err(e) => return fail(e.to_string()),
        };
        let mut vars = vec![("RVM_LOCK".to_string(), serde_json::to_string(info).unwrap_or_default())];
        let mut body = String::from(
            "for d in \"$S/artifacts\" \"$S/logs\"; do\n  \
             if [ ! -d \"$d\" ]; then mkdir -p \"$d\" || { echo \"failed: cannot create $d\"; exit 1; }; echo \"did: created $d\"; fi\n\
             done\n",
        );
        match self.systemd_vars(h) {
            Err(e) => return fail(e),
            Ok(None) => {}
            Ok(Some(systemd)) => {
                let mut texts = Vec::new();
                for (i, u) in units.iter().enumerate() {
                    match self.render_unit(h, u) {
                        Ok(mut t) => {
                            if !t.ends_with('\n') {
                                t.push('\n');
                            }
                            texts.push((format!("RVM_UNIT_{i}"), u.name.clone(), t));
                        }
                        Err(e) => return fail(e),
                    }
                }
                vars.extend(systemd);
                body.push_str(&units_script(&texts));
                vars.extend(texts.into_iter().map(|(var, _, text)| (var, text)));
            }
        }
        self.run_locked(h, unit, &vars, "", &body).await
    }

    /// `host uninstall` on one host: stops both colors' services (the idle
    /// color first; each in reverse start order), keeps a tarball of the
    /// state dir and the config files beside the base dir unless `purge`,
    /// then removes the units, the config files, the slots, the live
    /// pointer and the state dir. The lock is free afterwards.
    pub async fn uninstall_host(&self, unit: &str, purge: bool, stamp: &str, info: &LockInfo) -> HostChange {
        let fail = |e: String| HostChange::failed(&self.target, unit, e);
        let h = match self.host(unit) {
            Ok(h) => h,
            Err(e) => return fail(e.to_string()),
        };
        let state = self.look(h).await.state;
        if let Some(e) = &state.error {
            return fail(e.clone());
        }
        let mut body = String::from("rvm_tmp=$(mktemp -d) || exit 1\n");
        let live = state.live;
        let order = [Color::Blue, Color::Green];
        for color in order.iter().filter(|c| Some(**c) != live).chain(order.iter().filter(|c| Some(**c) == live)) {
            let Some(slot) = state.slot(*color) else { continue };
            let (stop, _) = match self.stop_script(h, *color, &slot.version) {
                Ok(s) => s,
                Err(e) => return fail(e.to_string()),
            };
            body.push_str(&format!(
                "if [ -d \"$RVM_BASE/{color}\" ]; then\n( {stop}\n) > \"$rvm_tmp/stop.out\" 2>&1 || {{ echo \"failed: stopping {color} ({v}) failed; nothing was removed: $(tail -n 5 \"$rvm_tmp/stop.out\" | tr '\\n' ' ')\"; exit 1; }}\n\
                 echo \"did: stopped the services of {color} ({v})\"\nfi\n",
                v = slot.version
            ));
        }
        let mut config_files = Vec::new();
        for f in &self.app.config_files {
            match self.render(h, Color::Blue, "", &f.path) {
                Ok(p) => config_files.push(p),
                Err(e) => return fail(e.to_string()),
            }
        }
        let files: String = config_files.iter().map(|p| format!(" {}", sh_quote(p.trim_start_matches('/')))).collect();
        let backup = format!("{}.rvmctl-backup-{stamp}.tar.gz", h.base);
        if !purge {
            body.push_str(&format!(
                "rvm_files=\nfor f in{files}; do [ -e \"/$f\" ] && rvm_files=\"$rvm_files $f\"; done\n\
                 tar -czf {b} -C / --exclude=\"${{RVM_BASE#/}}/.rvmctl/artifacts\" --exclude=\"${{RVM_BASE#/}}/.rvmctl/lock\" \
                 --exclude=\"${{RVM_BASE#/}}/.rvmctl/lock.json\" --exclude=\"${{RVM_BASE#/}}/.rvmctl/lock.pid\" \"${{RVM_BASE#/}}/.rvmctl\" $rvm_files \
                 || {{ echo 'failed: cannot write the backup {b}; nothing was removed (or pass --purge)'; exit 1; }}\n\
                 printf 'backup: %s\\n' {b}\nprintf 'did: kept history, journal and config files in %s\\n' {b}\n",
                b = sh_quote(&backup),
            ));
        }
        let mut vars = vec![("RVM_LOCK".to_string(), serde_json::to_string(info).unwrap_or_default())];
        let systemd = match self.systemd_vars(h) {
            Ok(v) => v,
            Err(e) => return fail(e),
        };
        if let Some(systemd) = systemd {
            let names: String =
                self.app.systemd.iter().flat_map(|s| &s.units).map(|u| format!(" {}", sh_quote(&u.name))).collect();
            body.push_str(&format!(
                "rvm_removed=\nfor u in{names}; do if [ -e \"$RVM_SYSTEMD_DIR/$u\" ]; then rm -f \"$RVM_SYSTEMD_DIR/$u\" && echo \"did: removed unit $RVM_SYSTEMD_DIR/$u\" && rvm_removed=1; fi; done\n\
                 if [ -n \"$rvm_removed\" ]; then sh -c \"$RVM_RELOAD\" >/dev/null 2>&1 && echo 'did: reloaded the service manager' || echo 'did: reloading the service manager failed (the units are removed)'; fi\n"
            ));
            vars.extend(systemd);
        }
        for p in &config_files {
            let q = sh_quote(p);
            body.push_str(&format!("if [ -e {q} ]; then rm -f {q} && printf 'did: removed %s\\n' {q}; fi\n"));
        }
        // The state dir goes last, the lock file with it: this command still
        // holds the lock (its descriptor), and the next run starts afresh.
        body.push_str(
            "for x in blue green current; do if [ -e \"$RVM_BASE/$x\" ] || [ -L \"$RVM_BASE/$x\" ]; then rm -rf \"${RVM_BASE:?}/$x\" && echo \"did: removed $RVM_BASE/$x\"; fi; done\n\
             rm -rf \"${S:?}\" && echo \"did: removed the state dir $S\"\n\
             rmdir \"$RVM_BASE\" 2>/dev/null && echo \"did: removed $RVM_BASE (empty)\"\ntrue\n",
        );
        // A host never set up has nothing to uninstall (and is not set up by it).
        let pre = "rvm_any=\nfor x in blue green current .rvmctl; do if [ -e \"$RVM_BASE/$x\" ] || [ -L \"$RVM_BASE/$x\" ]; then rvm_any=1; fi; done\n\
                   [ -n \"$rvm_any\" ] || { echo \"nothing: no slots or state under $RVM_BASE\"; exit 0; }\n";
        self.run_locked(h, unit, &vars, pre, &body).await
    }

    /// Runs `body` on `h` holding the host's lock (taken and released in
    /// the same command; `S` is the state dir). A held lock is refused.
    async fn run_locked(
        &self,
        h: &SlotHost,
        unit: &str,
        vars: &[(String, String)],
        pre: &str,
        body: &str,
    ) -> HostChange {
        let vars: Vec<(&str, String)> = vars.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        let script = format!("{}{pre}{}{body}", self.prelude(h, None, None, &vars), scripts::LOCK_ONCE);
        let timeout = self.timeout() * (2 + self.app.services.len() as u32 * 2);
        match h.transport.exec(&script, timeout).await {
            Ok(out) => {
                let mut c = change_from(&self.target, unit, &out.stdout);
                if out.code == Some(75) {
                    let held = out.stdout.lines().find_map(|l| l.strip_prefix("HELD ")).unwrap_or_default();
                    c.locked = true;
                    c.error = Some(format!(
                        "locked by {}; nothing was changed. Wait for that run to end, then run this again",
                        describe_lock(held)
                    ));
                } else if !out.success() && c.error.is_none() {
                    c.error = Some(format!("failed: {}", out.combined().trim()));
                }
                c
            }
            Err(e) => HostChange {
                target: self.target.clone(),
                host: unit.into(),
                error: Some(format!("{e}")),
                ..HostChange::default()
            },
        }
    }
}

/// Verifies every unit (with `systemd-analyze verify` where the host has
/// it), then installs those whose text differs, then reloads once.
fn units_script(units: &[(String, String, String)]) -> String {
    let mut s = String::from("rvm_tmp=$(mktemp -d) || exit 1\nrvm_changed=\n");
    s.push_str("if [ ! -d \"$RVM_SYSTEMD_DIR\" ]; then mkdir -p \"$RVM_SYSTEMD_DIR\" || { echo \"failed: cannot create $RVM_SYSTEMD_DIR\"; exit 1; }; echo \"did: created $RVM_SYSTEMD_DIR\"; fi\n");
    for (var, name, _) in units {
        let n = sh_quote(name);
        // An instance name lets systemd-analyze expand %i: `x@.service` → `x@blue.service`.
        let instance = sh_quote(&name.replacen("@.", "@blue.", 1));
        s.push_str(&format!(
            "printf '%s' \"${var}\" > \"$rvm_tmp/\"{n}\n\
             if command -v systemd-analyze >/dev/null 2>&1; then\n  \
               mkdir -p \"$rvm_tmp/verify\" && cp \"$rvm_tmp/\"{n} \"$rvm_tmp/verify/\"{instance}\n  \
               if ! systemd-analyze verify \"$rvm_tmp/verify/\"{instance} > \"$rvm_tmp/verify.out\" 2>&1; then\n    \
                 if grep -v \"$RVM_BASE/.* is not executable\" \"$rvm_tmp/verify.out\" | grep -q .; then\n      \
                   echo \"failed: systemd-analyze verify rejects {name}: $(grep -v \"$RVM_BASE/.* is not executable\" \"$rvm_tmp/verify.out\" | tr '\\n' ' ')nothing was installed\"; exit 1\n    \
                 fi\n  \
               fi\n\
             fi\n"
        ));
    }
    for (_, name, _) in units {
        let n = sh_quote(name);
        s.push_str(&format!(
            "if ! cmp -s \"$rvm_tmp/\"{n} \"$RVM_SYSTEMD_DIR/\"{n}; then\n  \
               cp \"$rvm_tmp/\"{n} \"$RVM_SYSTEMD_DIR/\"{n}.rvmctl-new && mv -f \"$RVM_SYSTEMD_DIR/\"{n}.rvmctl-new \"$RVM_SYSTEMD_DIR/\"{n} \
             || {{ echo \"failed: cannot write $RVM_SYSTEMD_DIR/{name}\"; exit 1; }}\n  \
               echo \"did: installed unit $RVM_SYSTEMD_DIR/{name}\"; rvm_changed=1\n\
             fi\n"
        ));
    }
    s.push_str(
        "if [ -n \"$rvm_changed\" ]; then\n  \
           sh -c \"$RVM_RELOAD\" > \"$rvm_tmp/reload.out\" 2>&1 || { echo \"failed: the units are installed but '$RVM_RELOAD' failed: $(tr '\\n' ' ' < \"$rvm_tmp/reload.out\")\"; exit 1; }\n  \
           echo \"did: reloaded the service manager ($RVM_RELOAD)\"\n\
         fi\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CheckStatus;

    fn expect() -> Expect {
        Expect {
            base: "/opt/rvm/edge".into(),
            commands: vec![vec!["sh"], vec!["flock"], vec!["curl", "wget"]],
            arch: Some("arm64".into()),
            release_k: None,
            artifact_k: None,
            min_free_k: 100 * 1024,
            operator_clock: 1_000_000,
            systemd: false,
        }
    }

    fn facts() -> Facts {
        Facts::parse(
            "arch=aarch64\nclock=1000002\nhas=sh\nhas=flock\nhas=wget\nexisting=/opt/rvm/edge\nwritable=1\nfree_k=2048000\nslot_k=0\n",
        )
    }

    fn status(checks: &[Check], name: &str) -> CheckStatus {
        checks.iter().find(|c| c.name == name).map(|c| c.status).unwrap_or(CheckStatus::Skipped)
    }

    #[test]
    fn a_ready_host_passes_every_check() {
        let checks = evaluate(&facts(), &expect());
        assert!(checks.iter().all(|c| c.status == CheckStatus::Ok), "{checks:#?}");
        let clock = checks.iter().find(|c| c.name == "clock").map(|c| c.detail.clone());
        assert_eq!(clock.as_deref(), Some("2s ahead of this machine"));
    }

    #[test]
    fn each_missing_prerequisite_fails_with_its_fix() {
        let mut f = facts();
        f.has.retain(|c| c != "flock" && c != "wget");
        f.writable = false;
        f.existing = "/opt".into();
        f.free_k = Some(1024);
        f.arch = "x86_64".into();
        f.clock = Some(1_000_000 - 45);
        let checks = evaluate(&f, &expect());
        for name in ["base_dir", "disk", "commands", "arch", "clock"] {
            assert_eq!(status(&checks, name), CheckStatus::Failed, "{name}: {checks:#?}");
            assert!(checks.iter().find(|c| c.name == name).and_then(|c| c.fix.as_ref()).is_some(), "{name} has no fix");
        }
        let commands = checks.iter().find(|c| c.name == "commands").cloned().unwrap_or_else(|| Check::ok("", ""));
        assert_eq!(commands.detail, "missing: flock, curl or wget");
        assert_eq!(commands.fix.as_deref(), Some("install them on the host: sudo apt-get install util-linux curl"));
        assert!(checks.iter().any(|c| c.name == "clock" && c.detail == "45s behind this machine"));
    }

    #[test]
    fn disk_needs_two_releases_the_artifact_and_the_margin() {
        let mut e = expect();
        e.release_k = Some(800 * 1024);
        e.artifact_k = Some(300 * 1024);
        // 2 × 800 + 300 + 100 MiB = 2000 MiB needed; 2000 MiB free is enough, one KiB less is not.
        let mut f = facts();
        f.free_k = Some(2000 * 1024);
        assert_eq!(status(&evaluate(&f, &e), "disk"), CheckStatus::Ok);
        f.free_k = Some(2000 * 1024 - 1);
        assert_eq!(status(&evaluate(&f, &e), "disk"), CheckStatus::Failed);
        // Without --version, the largest slot stands for a release.
        let mut f = facts();
        f.slot_k = Some(1000 * 1024);
        f.free_k = Some(2000 * 1024);
        assert_eq!(status(&evaluate(&f, &expect()), "disk"), CheckStatus::Failed);
    }

    #[test]
    fn a_held_lock_is_a_warning_not_a_failure() {
        let mut f = facts();
        f.lock = Some(
            "{\"holder\":\"ci@runner (pid 7)\",\"since\":\"2026-12-01T10:00:00Z\",\"operation\":\"deploy\"}".into(),
        );
        let checks = evaluate(&f, &expect());
        assert_eq!(status(&checks, "lock"), CheckStatus::Warn);
        assert!(HostCheck::new("t", "h", checks).ready);
    }

    #[test]
    fn lifecycle_output_becomes_a_change() {
        let c = change_from("t", "h", "did: created /a\nnoise\nbackup: /a.tgz\n");
        assert!(c.changed);
        assert_eq!(c.actions, ["created /a"]);
        assert_eq!(c.backup.as_deref(), Some("/a.tgz"));
        assert!(!change_from("t", "h", "").changed);
    }
}
