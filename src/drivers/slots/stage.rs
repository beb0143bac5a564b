//! Putting a release into a slot: verify the artifact, upload or fetch it
//! once per sha256, unpack it through a temporary folder.

use super::scripts::{journaled, stage_script};
use super::{SlotDriver, SlotHost};
use crate::config::schema::Artifact;
use crate::config::types::ByteSize;
use crate::drivers::driver::{DriverError, StepOutput};
use crate::model::{Color, SlotStatus, redact_url};

impl SlotDriver {
    pub(super) async fn stage(
        &self,
        h: &SlotHost,
        color: Color,
        version: &str,
        reuse: bool,
        planned_sha: Option<&str>,
        journal: Option<&crate::model::JournalEntry>,
    ) -> Result<StepOutput, DriverError> {
        let unit = h.spec.name.clone();
        let fail = |message: String| DriverError::StepFailed {
            unit: unit.clone(),
            step: "stage".into(),
            message,
            output: String::new(),
        };
        let art = (self.artifact)(version).map_err(fail)?;
        let sha =
            art.sha256.clone().ok_or_else(|| fail("the artifact's sha256 is unknown; set artifact.sha256".into()))?;
        if let Some(p) = planned_sha {
            if p != sha {
                return Err(fail(format!(
                    "the artifact changed since the plan was made (plan {p}, now {sha}); make a new plan"
                )));
            }
        }
        let short_sha = sha.get(..12).unwrap_or(&sha).to_string();
        let view = self.view(h).await;
        if let Some(e) = DriverError::unobserved(&view.state) {
            return Err(e);
        }
        let held = view.state.slot(color);
        if reuse && held.is_some_and(|s| s.version == version && s.sha256.as_deref() == Some(sha.as_str())) {
            return Ok(StepOutput {
                detail: format!("{version} already staged in {color} (sha256 {short_sha})"),
                skipped: true,
            });
        }
        let remote = format!("{}/.rvmctl/artifacts/{sha}.tar.gz", h.base);
        let margin = self.settings.min_free_disk;
        let space = Space { host: &h.spec.name, version, base: &h.base, margin };
        // A path: artifact the host lacks travels on the stage command's own
        // stdin: upload, checks and unpacking in one round trip.
        let upload = art.local_file.as_ref().filter(|_| !view.artifacts.contains(&sha));
        let (size, unpacked) = (art.size.unwrap_or(0), art.unpacked.unwrap_or(0));
        let need_k = size.div_ceil(1024) + unpacked.div_ceil(1024) + margin.kib_ceil();
        // A warm slot (kept running by keep_previous, or a start that never
        // got stopped): its own release stops its services before anything
        // is unpacked over them, or they keep the port and pid files vanish.
        let warm = held.filter(|s| s.started || s.status == SlotStatus::Healthy);
        let stop_warm = match warm {
            Some(old) => self.stop_script(h, color, &old.version)?.0,
            None => String::new(),
        };
        let url = art.url.as_deref().unwrap_or("");
        let staged = Self::slot_state(version, Some(sha.clone()), SlotStatus::Staged);
        let extra = [
            ("RVM_ARTIFACT", remote.clone()),
            ("RVM_SHA256", sha.clone()),
            ("RVM_URL", url.to_string()),
            ("RVM_URL_SHOWN", redact_url(url)),
            ("RVM_MARGIN_K", margin.kib_ceil().to_string()),
            ("RVM_NEED_K", need_k.to_string()),
            ("RVM_UNPACKED_K", unpacked.div_ceil(1024).to_string()),
            ("RVM_STOP_WARM", stop_warm),
            ("RVM_KEEP", self.app.artifact.as_ref().map_or(Artifact::DEFAULT_KEEP, Artifact::keep).to_string()),
            ("RVM_META_STAGING", self.slot_meta(version, Some(sha.clone()), SlotStatus::Staging)),
            ("RVM_META", serde_json::to_string(&staged).unwrap_or_default()),
        ];
        let body = journaled(&stage_script(), journal);
        let script = |upload: bool| {
            let mut vars = extra.to_vec();
            vars.push(("RVM_UPLOAD", if upload { "1" } else { "" }.to_string()));
            format!("{}{body}", self.prelude(h, Some(color), Some(version), &vars))
        };
        // A download or an upload, and the unpacking, each had a timeout when
        // they were separate commands; together they have both.
        let timeout = if url.is_empty() && upload.is_none() { self.timeout() } else { self.timeout() * 2 };
        let mut out = match upload {
            Some(local) => self.exec_input(h, script(true), local, timeout).await?,
            None => self.exec(h, script(false), timeout, "stage").await?,
        };
        let uploaded = format!("uploaded {}", ByteSize(size).human());
        let mut how = if upload.is_some() { uploaded.clone() } else { "from the host's cache".to_string() };
        // The host no longer holds what it held when the lock was taken, or
        // its copy is damaged: send it.
        if let (Some(local), true) = (&art.local_file, out.stdout.lines().any(|l| l == "RVM_NEED_UPLOAD")) {
            out = self.exec_input(h, script(true), local, self.timeout() * 2).await?;
            how = uploaded;
        }
        if let Some(short) = NoSpace::parse(&out.stdout) {
            return Err(fail(space.message(&short)));
        }
        if let (Some(old), true) = (warm, out.stdout.lines().any(|l| l == "RVM_STOP_FAILED")) {
            return Err(DriverError::StepFailed {
                unit: unit.clone(),
                step: format!("stop {} in {color} before restaging", old.version),
                message: format!(
                    "a stop command of {} failed; nothing was unpacked. Make its stop work (or stop its services on the host by hand), then run the deploy again",
                    old.version
                ),
                output: redact_url(&shown(&out.combined())),
            });
        }
        if !out.success() {
            return Err(DriverError::StepFailed {
                unit: unit.clone(),
                step: "stage".into(),
                message: format!("exited {}", out.code.map_or("by signal".into(), |c| c.to_string())),
                output: redact_url(&shown(&out.combined())),
            });
        }
        if let Some(attempts) = out.stdout.lines().find_map(|l| l.strip_prefix("RVM_FETCHED attempts=")) {
            how = match attempts.trim() {
                "1" => "downloaded by the host".into(),
                n => format!("downloaded by the host in {n} attempts, continuing where each broke off"),
            };
        }
        let stopped = warm.map(|old| format!("stopped {} in {color}; ", old.version)).unwrap_or_default();
        self.known.update(&unit, |v| {
            v.state.set_slot(color, staged);
            if !v.artifacts.contains(&sha) {
                v.artifacts.push(sha.clone());
            }
        });
        Ok(StepOutput {
            detail: format!("{stopped}staged {version} into {color} (sha256 {short_sha}; artifact {how})"),
            skipped: false,
        })
    }
}

/// A script's output without the `RVM_…` lines it reports to rvmctl with.
fn shown(output: &str) -> String {
    output.lines().filter(|l| !l.starts_with("RVM_")).collect::<Vec<_>>().join("\n")
}

/// What `rvm_space` printed when a host lacks the room (`RVM_NOSPACE …`).
#[derive(Debug, PartialEq)]
struct NoSpace {
    /// What needs the room: `upload`, `download` or `unpack`.
    what: String,
    need_k: u64,
    unpacked_k: u64,
    free_k: u64,
    dir: String,
}

impl NoSpace {
    fn parse(stdout: &str) -> Option<NoSpace> {
        let line = stdout.lines().find_map(|l| l.strip_prefix("RVM_NOSPACE "))?;
        let (nums, dir) = line.split_once(" dir=")?;
        let field = |name: &str| {
            nums.split_whitespace().find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=')?.parse::<u64>().ok())
        };
        let what = nums.split_whitespace().find_map(|kv| kv.strip_prefix("for="))?.to_string();
        Some(NoSpace {
            what,
            need_k: field("need_k")?,
            unpacked_k: field("unpacked_k")?,
            free_k: field("free_k")?,
            dir: dir.to_string(),
        })
    }
}

/// Where a space check ran, for its message.
struct Space<'a> {
    host: &'a str,
    version: &'a str,
    base: &'a str,
    margin: ByteSize,
}

impl Space<'_> {
    fn message(&self, s: &NoSpace) -> String {
        let kib = |k: u64| ByteSize(k.saturating_mul(1024)).human();
        let unpacked = kib(s.unpacked_k);
        let what = match s.what.as_str() {
            "upload" => {
                let upload = s.need_k.saturating_sub(s.unpacked_k).saturating_sub(self.margin.kib_ceil());
                format!("upload {} + unpacked {unpacked} + min_free_disk {}", kib(upload), self.margin)
            }
            "download" => {
                format!("min_free_disk {} before the download; its own size is known once it is here", self.margin)
            }
            _ => format!("unpacked {unpacked} + min_free_disk {}", self.margin),
        };
        let untouched = match s.what.as_str() {
            "unpack" => "the slot was not touched (the artifact stays in the host's cache)",
            _ => "nothing was written",
        };
        let at =
            if s.dir == self.base { self.base.to_string() } else { format!("{} (measured at {})", self.base, s.dir) };
        format!(
            "not enough disk space on {host} for {version}: it needs {need} ({what}) on the filesystem of {at}, which has {free} free; {untouched}. Free space on that filesystem of {host}, or lower `min_free_disk` for this target",
            host = self.host,
            version = self.version,
            need = kib(s.need_k),
            free = kib(s.free_k),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_no_space_line_parses_with_a_dir_that_has_spaces() {
        let out = "have=\nRVM_NOSPACE for=upload need_k=2048 unpacked_k=12 free_k=1024 dir=/srv/my app\n";
        assert_eq!(
            NoSpace::parse(out),
            Some(NoSpace {
                what: "upload".into(),
                need_k: 2048,
                unpacked_k: 12,
                free_k: 1024,
                dir: "/srv/my app".into()
            })
        );
        assert_eq!(NoSpace::parse("have=abc\n"), None);
    }

    #[test]
    fn the_no_space_message_names_host_sizes_path_and_what_to_do() {
        let space = Space { host: "rvm-001", version: "1.2.0", base: "/opt/app", margin: ByteSize(100 << 20) };
        let s = NoSpace {
            what: "unpack".into(),
            need_k: 300 * 1024,
            unpacked_k: 200 * 1024,
            free_k: 150 * 1024,
            dir: "/opt".into(),
        };
        let m = space.message(&s);
        for part in [
            "rvm-001",
            "1.2.0",
            "needs 300.0 MiB",
            "(unpacked 200.0 MiB + min_free_disk 100MiB)",
            "/opt/app (measured at /opt)",
            "150.0 MiB free",
            "the slot was not touched",
            "lower `min_free_disk`",
        ] {
            assert!(m.contains(part), "{part:?} missing from: {m}");
        }
    }
}
