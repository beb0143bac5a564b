//! The template values every target knows for one unit, color and version:
//! `{version} {color} {host} {address} {environment} {project} {app}
//! {target}` and the host's `vars`. Drivers add what only they know
//! (`{base_dir}`, `{slot_dir}`, `{image}`); the plan renders step labels
//! with it (a label that needs a driver-only value keeps its template).

use super::schema::HostSpec;
use crate::model::Color;

#[derive(Debug, Clone, Copy)]
pub struct TemplateScope<'a> {
    pub project: &'a str,
    pub environment: &'a str,
    pub target: &'a str,
    pub app: &'a str,
    /// The unit's host (none for Kubernetes apps).
    pub host: Option<&'a HostSpec>,
    pub color: Color,
    pub version: &'a str,
}

impl TemplateScope<'_> {
    pub fn value(&self, name: &str) -> Option<String> {
        Some(match name {
            "version" => self.version.to_string(),
            "color" => self.color.to_string(),
            "environment" => self.environment.to_string(),
            "project" => self.project.to_string(),
            "app" => self.app.to_string(),
            "target" => self.target.to_string(),
            "host" => self.host?.name.clone(),
            "address" => self.host.map(|h| h.address.clone().unwrap_or_else(|| h.name.clone()))?,
            _ => return self.host?.vars.get(name).map(|v| v.0.clone()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_vars_and_nesting() {
        let host: HostSpec =
            serde_json::from_value(serde_json::json!({"name": "rvm-001", "vars": {"port_green": "8004"}})).unwrap();
        let scope = TemplateScope {
            project: "p",
            environment: "field",
            target: "fleet",
            app: "edge",
            host: Some(&host),
            color: Color::Green,
            version: "2.0.0",
        };
        let t = crate::config::types::Template("http://{address}:{port_{color}}/v/{version}".into());
        assert_eq!(t.render(&|n| scope.value(n)).unwrap(), "http://rvm-001:8004/v/2.0.0");
        assert_eq!(TemplateScope { host: None, ..scope }.value("host"), None);
    }
}
