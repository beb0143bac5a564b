//! Putting a release into a slot: verify the artifact, upload or fetch it
//! once per sha256, unpack it through a temporary folder.

use super::scripts::STAGE;
use super::{SlotDriver, SlotHost, sh_quote};
use crate::drivers::driver::{Driver, DriverError, StepOutput};
use crate::model::{Color, SlotStatus};

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
        let state = self.observe(&unit).await;
        let held = state.slot(color);
        if reuse && held.is_some_and(|s| s.version == version && s.sha256.as_deref() == Some(sha.as_str())) {
            return Ok(StepOutput {
                detail: format!("{version} already staged in {color} (sha256 {})", &sha[..12]),
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
            if let Some(local) = &art.local_file {
                h.transport
                    .upload(local, &remote, self.timeout())
                    .await
                    .map_err(|e| fail(format!("upload failed: {e}")))?;
            } else if let Some(url) = &art.url {
                let script = format!(
                    "{}set -eu\nmkdir -p \"$RVM_BASE/.rvmctl/artifacts\"\ncurl -fsSL --retry 2 -o {q}.part {u} && mv -f {q}.part {q}",
                    self.prelude(h, None, None, &[]),
                    q = sh_quote(&remote),
                    u = sh_quote(url)
                );
                self.exec_ok(h, script, self.timeout(), "download artifact").await?;
            }
        }
        let extra = [
            ("RVM_ARTIFACT", remote.clone()),
            ("RVM_SHA256", sha.clone()),
            ("RVM_META_STAGING", self.slot_meta(version, Some(sha.clone()), SlotStatus::Staging)),
            ("RVM_META", self.slot_meta(version, Some(sha.clone()), SlotStatus::Staged)),
        ];
        let script = format!("{}{STAGE}", self.prelude(h, Some(color), Some(version), &extra));
        self.exec_ok(h, script, self.timeout(), "stage").await?;
        Ok(StepOutput {
            detail: format!("{stopped}staged {version} into {color} (sha256 {})", &sha[..12]),
            skipped: false,
        })
    }
}
