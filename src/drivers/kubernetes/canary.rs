//! The replica-weighted canary: a share of the replicas on the new color
//! while the Service selects both colors; on failure the Service goes back
//! to the live color only.

use super::KubeDriver;
use crate::config::schema::Pause;
use crate::drivers::driver::{Driver, DriverError, StepOutput};
use crate::model::Color;

impl KubeDriver {
    /// One canary step: `percent` of the replicas on `to`, the rest on the
    /// live color, the Service selecting both; health-checked, then paused.
    /// On failure the Service goes back to the live color only.
    pub(super) async fn canary(
        &self,
        to: Color,
        percent: f64,
        pause: Option<&str>,
        version: &str,
    ) -> Result<StepOutput, DriverError> {
        let step = "canary";
        let total = self.app.replicas.unwrap_or(1).max(1) as i32;
        let new_n = ((total as f64 * percent / 100.0).ceil() as i32).clamp(1, total);
        let old = to.other();
        let attempt = async {
            self.scale(to, new_n, step).await?;
            if percent < 100.0 {
                self.scale(old, (total - new_n).max(1), step).await?;
            }
            if !self.dry_run {
                self.wait_ready(to).await?;
            }
            self.select(None, Some((old, percent)), step).await?;
            if !self.dry_run {
                self.probe(&self.app_name, to, version).await?;
                match pause.and_then(Pause::from_label) {
                    Some(Pause::For(d)) => {
                        tokio::time::sleep(d.get()).await;
                        self.probe(&self.app_name, to, version).await?;
                    }
                    Some(Pause::Analysis(a)) => {
                        let max = self.settings.health_check_failures;
                        let names = [a.analysis.clone()];
                        self.monitor(to, version, a.duration.get(), max, &names, "canary pause").await?;
                    }
                    Some(Pause::Manual) | None => {}
                }
            }
            Ok::<(), DriverError>(())
        };
        let manual = matches!(pause.and_then(Pause::from_label), Some(Pause::Manual));
        match attempt.await {
            Ok(()) => Ok(StepOutput {
                detail: format!(
                    "{new_n}/{total} replicas on {to}, Service selects both colors (replica-weighted){}",
                    if manual { "; paused here for `rvmctl promote`" } else { "" }
                ),
                skipped: false,
            }),
            Err(e) => {
                // Traffic back to the live color only, before reporting.
                let _ = self.select(Some(old), None, "canary restore").await;
                let _ = self.scale(old, total, "canary restore").await;
                Err(e)
            }
        }
    }
}
