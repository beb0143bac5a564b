//! GitHub Deployments: with `global.github.deployments: true`, each deploy
//! creates a Deployment for the environment and moves it through
//! `in_progress` → `success`/`failure`; on success the previous deployment
//! of that environment is marked `inactive`, so the repository's
//! Environments page shows what is live.
//!
//! Every error here is meant to become a warning: GitHub being down or the
//! token lacking a scope never fails a deploy.

use serde::{Deserialize, Serialize};

use super::{Client, GithubError};
use crate::config::schema::GithubConfig;

/// What is being deployed, for the Deployment's ref, description and payload.
#[derive(Debug, Clone)]
pub struct DeployInfo<'a> {
    pub project: &'a str,
    pub environment: &'a str,
    pub version: &'a str,
    pub user: &'a str,
    /// `deploy` or `rollback`.
    pub task: &'a str,
}

#[derive(Debug)]
pub struct DeploymentTracker {
    client: Client,
    environment: String,
    /// The Deployment's id on GitHub.
    pub id: u64,
    /// The ref it was created for (`v1.2.3` when that tag exists, else the version).
    pub git_ref: String,
}

#[derive(Deserialize)]
struct WireDeployment {
    id: u64,
}

#[derive(Serialize)]
struct NewDeployment<'a> {
    #[serde(rename = "ref")]
    git_ref: &'a str,
    environment: &'a str,
    task: &'a str,
    description: String,
    auto_merge: bool,
    required_contexts: Vec<String>,
    payload: serde_json::Value,
}

#[derive(Serialize)]
struct NewStatus<'a> {
    state: &'a str,
    description: String,
    environment: &'a str,
}

/// GitHub limits descriptions to 140 characters.
fn short(s: &str) -> String {
    if s.chars().count() <= 140 { s.to_string() } else { s.chars().take(139).collect::<String>() + "…" }
}

impl DeploymentTracker {
    /// Creates the Deployment and sets it `in_progress`. `Ok(None)` when
    /// GitHub Deployments are not enabled in the config.
    pub async fn start(gh: Option<&GithubConfig>, info: &DeployInfo<'_>) -> Result<Option<Self>, GithubError> {
        let Some(gh) = gh.filter(|g| g.deployments) else {
            return Ok(None);
        };
        let client = Client::from_config(gh)?;
        if !client.has_token() {
            return Err(GithubError::MissingToken { env: client.token_env().to_string() });
        }
        let git_ref = client.deploy_ref(info.version).await?;
        let body = NewDeployment {
            git_ref: &git_ref,
            environment: info.environment,
            task: if info.task == "deploy" { "deploy" } else { "deploy:rollback" },
            description: short(&format!("rvmctl {} {} to {}", info.task, info.version, info.environment)),
            auto_merge: false,
            required_contexts: Vec::new(),
            payload: serde_json::json!({
                "tool": "rvmctl",
                "tool_version": env!("CARGO_PKG_VERSION"),
                "project": info.project,
                "version": info.version,
                "user": info.user,
                "task": info.task,
            }),
        };
        let route = format!("{}/deployments", client.repo_path());
        let created: WireDeployment =
            client.octo.post(&route, Some(&body)).await.map_err(|e| client.error(&format!("POST {route}"), e))?;
        let tracker = DeploymentTracker { client, environment: info.environment.to_string(), id: created.id, git_ref };
        tracker.status(tracker.id, "in_progress", &format!("rvmctl {} {} started", info.task, info.version)).await?;
        Ok(Some(tracker))
    }

    /// Posts `success` or `failure`; on success marks the previous
    /// deployment of the environment `inactive`.
    pub async fn finish(self, success: bool, description: &str) -> Result<(), GithubError> {
        let state = if success { "success" } else { "failure" };
        self.status(self.id, state, description).await?;
        if success {
            if let Some(prev) = self.previous().await? {
                self.status(prev, "inactive", &format!("superseded by deployment {}", self.id)).await?;
            }
        }
        Ok(())
    }

    async fn status(&self, id: u64, state: &str, description: &str) -> Result<(), GithubError> {
        let route = format!("{}/deployments/{id}/statuses", self.client.repo_path());
        let body = NewStatus { state, description: short(description), environment: &self.environment };
        let _: serde_json::Value = self
            .client
            .octo
            .post(&route, Some(&body))
            .await
            .map_err(|e| self.client.error(&format!("POST {route} ({state})"), e))?;
        Ok(())
    }

    /// The newest other deployment of this environment created before ours.
    async fn previous(&self) -> Result<Option<u64>, GithubError> {
        #[derive(Serialize)]
        struct Params<'a> {
            environment: &'a str,
            per_page: u8,
        }
        let route = format!("{}/deployments", self.client.repo_path());
        let list: Vec<WireDeployment> = self
            .client
            .octo
            .get(&route, Some(&Params { environment: &self.environment, per_page: 30 }))
            .await
            .map_err(|e| self.client.error(&format!("GET {route}"), e))?;
        // GitHub lists newest first; ids grow monotonically.
        Ok(list.iter().map(|d| d.id).filter(|id| *id < self.id).max())
    }
}

impl Client {
    /// `v{version}` when that tag exists, else the version as given (a tag,
    /// branch or commit GitHub can resolve).
    async fn deploy_ref(&self, version: &str) -> Result<String, GithubError> {
        if version.starts_with(['v', 'V']) {
            return Ok(version.to_string());
        }
        let tag = format!("v{version}");
        let route = format!("{}/git/ref/tags/{tag}", self.repo_path());
        match self.octo.get::<serde_json::Value, _, ()>(&route, None).await {
            Ok(_) => Ok(tag),
            Err(e) => match self.error(&format!("GET {route}"), e) {
                GithubError::NotFound { .. } => Ok(version.to_string()),
                other => Err(other),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn descriptions_fit_githubs_limit() {
        let long = "x".repeat(300);
        assert_eq!(super::short(&long).chars().count(), 140);
        assert_eq!(super::short("ok"), "ok");
    }
}
