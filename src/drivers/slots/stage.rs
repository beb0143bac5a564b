//! Putting a release into a slot: verify the artifact, upload or fetch it
//! once per sha256, unpack it through a temporary folder.

use super::scripts::stage_script;
use super::{SlotDriver, SlotHost, sh_quote};
use crate::config::schema::Artifact;
use crate::drivers::driver::{Driver, DriverError, StepOutput};
use crate::model::{Color, SlotStatus, redact_url};

impl SlotDriver {
    pub(super) async fn stage(
        &self,
        h: &SlotHost,
        color: Color,
        version: &str,
        reuse: bool,
        planned_sha: Option<&str>,
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
        let state = self.observe(&unit).await;
        let held = state.slot(color);
        if reuse && held.is_some_and(|s| s.version == version && s.sha256.as_deref() == Some(sha.as_str())) {
            return Ok(StepOutput {
                detail: format!("{version} already staged in {color} (sha256 {short_sha})"),
                skipped: true,
            });
        }
        // A warm slot (kept running by keep_previous, or a start that never
        // got stopped): its own release stops its services before anything
        // is unpacked over them, or they keep the port and pid files vanish.
        let mut stopped = String::new();
        if let Some(old) = held.filter(|s| s.started || s.status == SlotStatus::Healthy) {
            self.stop_services(h, color, &old.version, "stage").await.map_err(|e| match e {
                DriverError::StepFailed { unit, message, output, .. } => DriverError::StepFailed {
                    unit,
                    step: format!("stop {} in {color} before restaging", old.version),
                    message: format!("{message}; nothing was unpacked"),
                    output,
                },
                other => other,
            })?;
            stopped = format!("stopped {} in {color}; ", old.version);
        }
        let remote = format!("{}/.rvmctl/artifacts/{sha}.tar.gz", h.base);
        let mut how = "from the host's cache".to_string();
        if let Some(local) = &art.local_file {
            let have = self
                .exec(
                    h,
                    format!(
                        "{}[ -f {} ] && sha256sum {} | cut -d' ' -f1",
                        self.prelude(h, None, None, &[]),
                        sh_quote(&remote),
                        sh_quote(&remote)
                    ),
                    self.timeout(),
                    "stage",
                )
                .await?;
            if have.stdout.trim() != sha {
                h.transport
                    .upload(local, &remote, self.timeout())
                    .await
                    .map_err(|e| fail(format!("upload failed: {e}; run the deploy again")))?;
                how = "uploaded".into();
            }
        }
        // A url: artifact is fetched by the host within the stage command.
        let url = art.url.as_deref().unwrap_or("");
        let extra = [
            ("RVM_ARTIFACT", remote.clone()),
            ("RVM_SHA256", sha.clone()),
            ("RVM_URL", url.to_string()),
            ("RVM_URL_SHOWN", redact_url(url)),
            ("RVM_KEEP", self.app.artifact.as_ref().map_or(Artifact::DEFAULT_KEEP, Artifact::keep).to_string()),
            ("RVM_META_STAGING", self.slot_meta(version, Some(sha.clone()), SlotStatus::Staging)),
            ("RVM_META", self.slot_meta(version, Some(sha.clone()), SlotStatus::Staged)),
        ];
        let script = format!("{}{}", self.prelude(h, Some(color), Some(version), &extra), stage_script());
        // A download by the host and the unpacking each had a timeout when
        // they were two commands; together they have both.
        let timeout = if url.is_empty() { self.timeout() } else { self.timeout() * 2 };
        let out = self.exec(h, script, timeout, "stage").await?;
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
