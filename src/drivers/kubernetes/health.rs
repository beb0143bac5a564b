//! Health checks of Kubernetes apps run from the operator's side (the
//! machine running rvmctl), like `kubectl port-forward` checks would.

use std::time::Duration;

use super::KubeDriver;
use crate::config::types::Template;
use crate::drivers::driver::{Driver, DriverError, StepOutput, watch_health};
use crate::drivers::transport::LocalTransport;
use crate::gates::analysis::{self, RenderedAnalysis};
use crate::gates::health::RenderedCheck;
use crate::model::Color;

impl KubeDriver {
    pub(super) fn checks(&self, color: Color, version: &str) -> Result<Vec<RenderedCheck>, DriverError> {
        let image = self.image(version).unwrap_or_default();
        let lookup = self.lookup(color, version, &image);
        let render = |t: &Template| t.render(&lookup);
        self.app
            .health_checks
            .iter()
            .map(|c| RenderedCheck::new(c, &render, self.settings.timeout.get()))
            .collect::<Result<_, _>>()
            .map_err(|m| self.unit_err(m))
    }

    /// The analyses `names`, rendered for `color`. A resource analysis
    /// measures a host, and a Kubernetes app has none.
    pub(super) fn analyses(
        &self,
        color: Color,
        version: &str,
        names: &[String],
    ) -> Result<Vec<RenderedAnalysis>, DriverError> {
        let resource =
            self.analysis.iter().filter(|(n, _)| names.contains(n)).find_map(|(n, a)| a.resource.map(|r| (n, r)));
        if let Some((name, r)) = resource {
            return Err(self.unit_err(format!(
                "analysis '{name}' measures the {r:?} of a host; a Kubernetes app has none: use a Prometheus query"
            )));
        }
        let image = self.image(version).unwrap_or_default();
        let lookup = self.lookup(color, version, &image);
        analysis::render_named(&self.analysis, names, &|t: &Template| t.render(&lookup)).map_err(|m| self.unit_err(m))
    }

    /// Health and the analyses `names` (as the plan says) on `color` for
    /// `d`; `step` names the watch in failures.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn monitor(
        &self,
        color: Color,
        version: &str,
        d: Duration,
        max: u32,
        names: &[String],
        step: &str,
    ) -> Result<StepOutput, DriverError> {
        if self.dry_run {
            return Ok(StepOutput { detail: "dry run: not monitoring".into(), skipped: true });
        }
        let analyses = self.analyses(color, version, names)?;
        watch_health(&self.app_name, step, &self.app, d, max, analyses, LocalTransport::operator(), || {
            self.probe(&self.app_name, color, version)
        })
        .await
    }
}
