//! The shape of `deployment-config.yaml`, as Rust types.
//!
//! These types are the single source of truth: serde deserializes them and
//! schemars derives the JSON Schema that [`super::check`] walks to report
//! every structural error at once (and that editors can use via
//! `rvmctl config schema`).

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::types::{ByteSize, Duration, Percent, ProxyJump, Template, TimeOfDay, TimeZoneName};

pub const API_VERSION: &str = "rvmctl/v1";

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Schema version; must be `rvmctl/v1`.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// Project name; used in names, locks and history.
    pub project: String,
    #[serde(default)]
    pub global: Global,
    #[serde(default)]
    pub defaults: Settings,
    pub environments: IndexMap<String, Environment>,
    #[serde(default)]
    pub apps: IndexMap<String, App>,
    /// Named analyses (metric triggers) apps refer to by name in their `analysis:`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub analysis: IndexMap<String, Analysis>,
}

/// A named analysis: a Prometheus instant query evaluated while a release
/// is watched (the post-switch monitor); a value past `max` or `min` is a
/// failed evaluation, and `failures` of them roll the unit back like a
/// failed health check.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Analysis {
    /// Base URL of the Prometheus HTTP API (`http://prometheus:9090`), as
    /// seen from the machine running rvmctl; with `query`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prometheus: Option<Template>,
    /// PromQL instant query; `{color}`, `{version}`, `{host}`, `{target}`
    /// and the other placeholders are filled in per unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<Template>,
    /// Instead of a query: a resource of the slot host, measured on the host
    /// itself (/proc, df) as a fraction from 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<Resource>,
    /// `resource: disk`: the path whose filesystem is measured (default `{base_dir}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<Template>,
    /// With `resource`: `host` (default: the whole host) or `slot` (the
    /// processes whose working directory is the watched color's slot, and
    /// for disk the slot's own files), as a fraction of the host's total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<ResourceScope>,
    /// The evaluation fails when the value is above this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// The evaluation fails when the value is below this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// How often to evaluate (default 10s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<Duration>,
    /// Failed evaluations that trip it (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<u32>,
    /// What an empty result (or NaN) means (default `inconclusive`: keep watching).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_data: Option<NoData>,
    /// One query's time limit (default 5s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
}

/// A host resource an analysis measures: `memory` (1 − MemAvailable/MemTotal),
/// `cpu` (busy share of all CPUs over one second), `disk` (used share of the
/// filesystem holding `path`, as df counts it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    Memory,
    Cpu,
    Disk,
}

/// What a resource analysis measures: the whole host, or the slot of the
/// color it watches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResourceScope {
    #[default]
    Host,
    Slot,
}

/// What an analysis does with a query that returns nothing: `inconclusive`
/// (neither passes nor fails; keep watching, and say so at the end), `fail`
/// or `pass` (counts as a failed or a passed evaluation).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoData {
    #[default]
    Inconclusive,
    Fail,
    Pass,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Global {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github: Option<GithubConfig>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notifications: Vec<Notification>,
    /// Local audit log (JSON lines). Default: ~/.local/state/rvmctl/audit.jsonl
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_log: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GithubConfig {
    /// `owner/name`
    pub repository: String,
    /// Name of the environment variable that holds the token.
    #[serde(default = "default_token_env")]
    pub token_env: String,
    #[serde(default)]
    pub deployments: bool,
}

fn default_token_env() -> String {
    "GITHUB_TOKEN".into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    Slack,
    Webhook,
    Email,
}

/// How an email notification secures its SMTP connection: `starttls`
/// (default, port 587: plain connect, then STARTTLS before anything else is
/// said; a server without it is an error), `implicit` (port 465: TLS from
/// the first byte) or `none` (port 25, only to a loopback host: a local relay
/// or a test server).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SmtpTls {
    #[default]
    Starttls,
    Implicit,
    None,
}

impl SmtpTls {
    /// The port a relay listens on for this kind of connection.
    pub fn default_port(self) -> u16 {
        match self {
            SmtpTls::Starttls => 587,
            SmtpTls::Implicit => 465,
            SmtpTls::None => 25,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotifyEvent {
    Start,
    Success,
    Failure,
    Rollback,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Notification {
    pub kind: NotificationKind,
    /// Env var holding a Slack incoming-webhook URL (never the URL itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_url_env: Option<String>,
    /// Plain webhook URL (kind: webhook).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Header name -> env var that holds its value.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub headers_env: IndexMap<String, String>,
    /// kind: email — the SMTP relay's host name or address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// kind: email — the relay's port (default: 587 for `starttls`, 465 for
    /// `implicit`, 25 for `none`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// kind: email — `starttls` (default), `implicit`, or `none` (loopback hosts only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<SmtpTls>,
    /// kind: email — PEM file of the CA(s) the relay's certificate must chain
    /// to, instead of the OS's roots (a relay with a self-signed certificate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
    /// kind: email — the sender, `ops@example.com` or `Deploys <ops@example.com>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// kind: email — the recipients.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<String>,
    /// kind: email — env vars holding the SMTP user name and password (never
    /// the values themselves); both or neither. Without them, no AUTH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username_env: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_env: Option<String>,
    /// kind: email — the time limit of one message, connect to QUIT (default 10s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    #[serde(default = "default_events")]
    pub on: Vec<NotifyEvent>,
}

fn default_events() -> Vec<NotifyEvent> {
    vec![NotifyEvent::Success, NotifyEvent::Failure, NotifyEvent::Rollback]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    #[default]
    BlueGreen,
    Canary,
    Rolling,
    Immediate,
}

impl std::fmt::Display for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Strategy::BlueGreen => "blue_green",
            Strategy::Canary => "canary",
            Strategy::Rolling => "rolling",
            Strategy::Immediate => "immediate",
        })
    }
}

/// Rollout settings: set in `defaults`, overridden per environment, then per target.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Strategy>,
    /// Per-step timeout (staging, services, health checks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_attempts: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_rollback: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_previous: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_switch_monitor: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback_criteria: Option<RollbackCriteria>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_concurrency: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canary: Option<CanaryConfig>,
    /// `strategy: rolling`: what happens after each wave but the last, before
    /// the next starts. Like a canary's `pause`: a duration, `manual` to wait
    /// for `rvmctl promote`, or `{ analysis: NAME, for: DURATION }` to watch
    /// the wave just switched and go on when it holds, roll back when it trips.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_between_waves: Option<Pause>,
    /// Slot hosts: space that must stay free on the base dir's filesystem
    /// after staging (checked before anything is written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_free_disk: Option<ByteSize>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RollbackCriteria {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_failure_rate: Option<Percent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check_failures: Option<u32>,
    /// Count hosts that cannot be reached against `max_failure_rate`
    /// (default false: they are pending, reported apart, and the run exits 7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count_unreachable: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CanaryConfig {
    pub steps: Vec<Percent>,
    /// A duration, `manual` to wait for `rvmctl promote`, or
    /// `{ analysis: NAME, for: DURATION }` to promote on a passing analysis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause: Option<Pause>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Pause {
    Manual,
    For(Duration),
    /// Watch an analysis on the wave just switched for a while: promote
    /// when it holds the whole time, roll back when it trips.
    Analysis(AnalysisPause),
}

/// `pause: { analysis: error-rate, for: 5m }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalysisPause {
    /// The name of a top-level `analysis:` entry.
    pub analysis: String,
    /// How long it must hold before the next wave.
    #[serde(rename = "for")]
    pub duration: Duration,
}

impl Pause {
    /// As a plan shows it: `manual`, `10m`, `5m analysis error-rate`.
    pub fn label(&self) -> String {
        match self {
            Pause::Manual => "manual".into(),
            Pause::For(d) => d.to_string(),
            Pause::Analysis(a) => format!("{} analysis {}", a.duration, a.analysis),
        }
    }

    /// As a sentence for the plan: `then wait for rvmctl promote`,
    /// `then pause 10m`, `then watch analysis error-rate for 5m`.
    pub fn describe(&self) -> String {
        match self {
            Pause::Manual => "then wait for `rvmctl promote`".into(),
            Pause::For(d) => format!("then pause {d}"),
            Pause::Analysis(a) => format!("then watch analysis {} for {}", a.analysis, a.duration),
        }
    }

    /// The inverse of [`Pause::label`] (plans store the label).
    pub fn from_label(s: &str) -> Option<Pause> {
        if s == "manual" {
            return Some(Pause::Manual);
        }
        match s.split_once(" analysis ") {
            Some((d, name)) => {
                Some(Pause::Analysis(AnalysisPause { analysis: name.to_string(), duration: d.parse().ok()? }))
            }
            None => s.parse().ok().map(Pause::For),
        }
    }
}

impl Serialize for Pause {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Pause::Manual => s.serialize_str("manual"),
            Pause::For(d) => s.collect_str(d),
            Pause::Analysis(a) => a.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Pause {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Text(String),
            Analysis(AnalysisPause),
        }
        match Repr::deserialize(d)? {
            Repr::Text(s) if s == "manual" => Ok(Pause::Manual),
            Repr::Text(s) => {
                s.parse().map(Pause::For).map_err(|e: String| serde::de::Error::custom(format!("{e}, or 'manual'")))
            }
            Repr::Analysis(a) => Ok(Pause::Analysis(a)),
        }
    }
}

impl JsonSchema for Pause {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Pause".into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let analysis = g.subschema_for::<AnalysisPause>();
        schemars::json_schema!({ "anyOf": [
            { "type": "string", "format": "pause", "description": "a duration or 'manual'" },
            analysis
        ] })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeploymentWindow {
    pub start: TimeOfDay,
    pub end: TimeOfDay,
    #[serde(default = "utc")]
    pub timezone: TimeZoneName,
    /// Days the window is open (default: every day): mon, tue, ...
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub days: Vec<Weekday>,
}

fn utc() -> TimeZoneName {
    TimeZoneName("UTC".into())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Environment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub auto_approve: bool,
    #[serde(default)]
    pub approval_required: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approvers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_window: Option<DeploymentWindow>,
    /// `together`: when any target fails or is rolled back, every target
    /// that switched in the same run goes back too. `{ groups: { NAME:
    /// [targets] } }`: the same, per group. Default `independent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback: Option<RollbackPolicy>,
    #[serde(flatten)]
    pub settings: Settings,
    pub targets: Vec<Target>,
}

/// Which targets of an environment come back together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RollbackPolicy {
    Mode(RollbackMode),
    Groups(RollbackGroups),
}

/// `together`: every target of the environment is one group;
/// `independent` (the default): each target rolls back on its own.
/// (Variants without doc comments: the schema lists them as one `enum`,
/// so a typo gets "valid values" and a did-you-mean.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RollbackMode {
    Together,
    Independent,
}

/// `rollback: { groups: { platform: [backend, fleet] } }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RollbackGroups {
    pub groups: IndexMap<String, Vec<String>>,
}

impl RollbackPolicy {
    /// The rollback group of each target named in `targets` (declaration
    /// order): `together` puts all of them in one group named after the
    /// environment.
    pub fn group_of(&self, env: &str, target: &str) -> Option<String> {
        match self {
            RollbackPolicy::Mode(RollbackMode::Together) => Some(env.to_string()),
            RollbackPolicy::Mode(RollbackMode::Independent) => None,
            RollbackPolicy::Groups(g) => {
                g.groups.iter().find(|(_, members)| members.iter().any(|m| m == target)).map(|(n, _)| n.clone())
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Local,
    Ssh,
    Kubernetes,
}

impl std::fmt::Display for TargetKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TargetKind::Local => "local",
            TargetKind::Ssh => "ssh",
            TargetKind::Kubernetes => "kubernetes",
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Target {
    pub name: String,
    pub kind: TargetKind,
    /// Name of an entry under `apps`.
    pub app: String,
    /// Targets of the same environment this one starts after: it rolls out
    /// only once they all succeeded. Targets with no order between them
    /// roll out at the same time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    #[serde(flatten)]
    pub settings: Settings,
    /// kind: local — folder that holds one sub-folder per simulated host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    /// kind: local/ssh — hosts inline (a name, or a mapping).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<HostEntry>,
    /// kind: ssh — a YAML file with a `hosts:` list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<String>,
    /// Only hosts whose labels match all of these.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub selector: IndexMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh: Option<SshOptions>,
    /// kind: kubernetes — kubeconfig context (default: current context).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// kind: kubernetes
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SshOptions {
    /// ssh_config file (default: ~/.ssh/config).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub known_hosts: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strict_host_key_checking: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_timeout: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_timeout: Option<Duration>,
    /// Bastion(s) to reach the hosts through (OpenSSH `ProxyJump`):
    /// `user@bastion:2222` or a `Host` alias of the ssh config. The jump hops
    /// are checked against the same `known_hosts`, with the same key and
    /// strictness as the hosts. A host's own `proxy_jump` wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy_jump: Option<ProxyJump>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum HostEntry {
    Name(String),
    Spec(Box<HostSpec>),
}

/// What `#[serde(untagged)]` would derive (a string is a name; a mapping,
/// or a list read by position, is a spec; anything else, or a spec that
/// does not read, fails with serde's untagged message), without first
/// buffering every host into serde's `Content`: one copy of each host less.
impl<'de> Deserialize<'de> for HostEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{Error, MapAccess, SeqAccess, Visitor, value};

        fn no_match<E: Error>() -> E {
            E::custom("data did not match any variant of untagged enum HostEntry")
        }

        /// The `Spec` variant, or the untagged message if it does not read.
        fn spec<'de, D: serde::Deserializer<'de>>(d: D) -> Result<HostEntry, D::Error> {
            HostSpec::deserialize(d).map(|s| HostEntry::Spec(Box::new(s))).map_err(|_| no_match())
        }

        /// Visits that no variant accepts.
        macro_rules! no_match {
            ($($method:ident($($arg:ty)?))*) => {
                $(fn $method<E: Error>(self $(, _: $arg)?) -> Result<HostEntry, E> {
                    Err(no_match())
                })*
            };
        }

        struct Vis;
        impl<'de> Visitor<'de> for Vis {
            type Value = HostEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a host name or a host mapping")
            }
            fn visit_str<E: Error>(self, s: &str) -> Result<HostEntry, E> {
                Ok(HostEntry::Name(s.to_string()))
            }
            fn visit_string<E: Error>(self, s: String) -> Result<HostEntry, E> {
                Ok(HostEntry::Name(s))
            }
            fn visit_bytes<E: Error>(self, b: &[u8]) -> Result<HostEntry, E> {
                std::str::from_utf8(b).map(|s| HostEntry::Name(s.to_string())).map_err(|_| no_match())
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<HostEntry, A::Error> {
                spec(value::MapAccessDeserializer::new(map))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<HostEntry, A::Error> {
                spec(value::SeqAccessDeserializer::new(seq))
            }
            fn visit_some<D: serde::Deserializer<'de>>(self, _: D) -> Result<HostEntry, D::Error> {
                Err(no_match())
            }
            fn visit_newtype_struct<D: serde::Deserializer<'de>>(self, _: D) -> Result<HostEntry, D::Error> {
                Err(no_match())
            }
            fn visit_enum<A: serde::de::EnumAccess<'de>>(self, _: A) -> Result<HostEntry, A::Error> {
                Err(no_match())
            }
            no_match!(visit_bool(bool) visit_i64(i64) visit_u64(u64) visit_i128(i128) visit_u128(u128)
                visit_f64(f64) visit_unit() visit_none());
        }
        d.deserialize_any(Vis)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HostSpec {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// kind: ssh — this host's bastion(s); overrides the target's `ssh.proxy_jump`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy_jump: Option<ProxyJump>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub labels: IndexMap<String, String>,
    /// Extra template variables for this host, e.g. `port_blue: 8101`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub vars: IndexMap<String, ScalarString>,
}

impl HostEntry {
    pub fn name(&self) -> &str {
        match self {
            HostEntry::Name(n) => n,
            HostEntry::Spec(s) => &s.name,
        }
    }

    pub fn spec(&self) -> HostSpec {
        self.as_spec().into_owned()
    }

    /// The host as a [`HostSpec`], borrowed when it is written as one (only
    /// a bare name builds one).
    pub fn as_spec(&self) -> std::borrow::Cow<'_, HostSpec> {
        match self {
            HostEntry::Name(n) => std::borrow::Cow::Owned(HostSpec {
                name: n.clone(),
                address: None,
                user: None,
                port: None,
                proxy_jump: None,
                labels: IndexMap::new(),
                vars: IndexMap::new(),
            }),
            HostEntry::Spec(s) => std::borrow::Cow::Borrowed(s),
        }
    }
}

/// An inventory file: `hosts: [...]`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    pub hosts: Vec<HostEntry>,
}

/// A scalar written as string, number or boolean, kept as its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(with = "ScalarSchema")]
pub struct ScalarString(pub String);

#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum ScalarSchema {
    S(String),
    I(i64),
    B(bool),
}

impl<'de> Deserialize<'de> for ScalarString {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => Ok(ScalarString(s)),
            serde_json::Value::Number(n) => Ok(ScalarString(n.to_string())),
            serde_json::Value::Bool(b) => Ok(ScalarString(b.to_string())),
            other => Err(serde::de::Error::custom(format!("expected a scalar, found {other}"))),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct App {
    // --- Kubernetes-served apps
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Template>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// The Service whose `color` selector is switched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview_service: Option<String>,
    /// Deployment YAML template with {color} {version} {image}.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
    // --- slot-deployed apps (local, ssh)
    /// Slots live at {base_dir}/blue and {base_dir}/green (default /opt/{project}/{app}).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_dir: Option<Template>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact: Option<Artifact>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<Service>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pre_deploy: Vec<PreDeploy>,
    // --- both
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub health_checks: Vec<HealthCheck>,
    /// Files outside the slots (e.g. `/etc/myrvm/edge.yaml`) that each
    /// release installs from its own slot when it goes live; the previous
    /// content is backed up first and put back when the release is rolled back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub config_files: Vec<SharedFile>,
    /// Kubernetes: ConfigMaps each release writes when it goes live (its
    /// `data` templated with `{version}` …); the previous data is backed up
    /// first and put back when the release is rolled back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub config_maps: Vec<SharedConfigMap>,
    /// Run once per release and target before it switches (see [`Migrations`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migrations: Option<Migrations>,
    /// Names of top-level `analysis:` entries watched after the switch.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub analysis: Vec<String>,
    /// Slot hosts: systemd unit templates `rvmctl host bootstrap` installs
    /// (e.g. `myrvm-main@.service`, started per color as `myrvm-main@blue`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub systemd: Option<Systemd>,
}

/// `systemd:` of a slot app: the unit files a host needs before its first
/// deploy. `host bootstrap` installs them (only those that changed) and
/// reloads the manager; `host uninstall` removes them again.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Systemd {
    /// Where the unit files go on the host (default `/etc/systemd/system`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dir: Option<Template>,
    /// Run after a unit file changed (default `systemctl daemon-reload`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reload: Option<Template>,
    pub units: Vec<SystemdUnit>,
}

impl Systemd {
    pub const DEFAULT_DIR: &str = "/etc/systemd/system";
    pub const DEFAULT_RELOAD: &str = "systemctl daemon-reload";
}

/// One unit file: its name and its text (inline, or a file next to the
/// config). Placeholders such as `{base_dir}` are expanded per host; the
/// color is systemd's instance (`%i`), since one template serves both.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemdUnit {
    /// The unit's file name, e.g. `myrvm-main@.service`.
    pub name: String,
    /// The unit file's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Template>,
    /// A file on the operator's machine holding the text (relative to the config file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl App {
    /// Service names in start order: each after the services it names in
    /// `after` (validation rejects cycles; declaration order regardless).
    pub fn service_order(&self) -> Vec<String> {
        let deps: Vec<(String, Vec<String>)> =
            self.services.iter().map(|s| (s.name.clone(), s.after.clone())).collect();
        super::topo::order(&deps).unwrap_or_else(|_| deps.into_iter().map(|(n, _)| n).collect())
    }
}

/// `config_files:` entry: `path` on the host gets the release's `source`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SharedFile {
    /// Where the file lives on the host, e.g. `/etc/myrvm/edge.yaml`.
    pub path: Template,
    /// The file in the release (relative to its slot), e.g. `config/edge.yaml`.
    pub source: Template,
}

/// `config_maps:` entry: ConfigMap `name` gets `data` (values are templates).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SharedConfigMap {
    pub name: String,
    #[serde(default)]
    pub data: IndexMap<String, Template>,
}

/// `migrations:` of an app: run once per release and target, before any
/// unit of the target switches, from the new release's slot (slot hosts:
/// on the first host deployed; kubernetes: on the operator's machine).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Migrations {
    /// Runs first, e.g. `pg_dump "$DATABASE_URL" -f /var/backups/myrvm-before-{version}.sql`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<Template>,
    /// Runs next; a failure stops the release before the migration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dry_run: Option<Template>,
    /// The migration itself, as a command (or give `job`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<Template>,
    /// Kubernetes: the migration as a Job from an image (instead of `run`),
    /// waited on; its pod's log is shown when it fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<MigrationJob>,
    /// Undoes it (a down migration, or a restore of the backup) when the
    /// release is rolled back; without it a rollback of a migrated release
    /// is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub down: Option<Template>,
    /// Per command (default: the target's `timeout`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
}

/// `migrations.job`: a Kubernetes Job that runs the migration.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MigrationJob {
    /// e.g. `registry.example/api-migrate:{version}`
    pub image: Template,
    /// The container's command (default: the image's entrypoint).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<Template>,
}

impl Migrations {
    /// The command of one phase.
    pub fn command(&self, phase: crate::model::MigrationPhase) -> Option<&Template> {
        use crate::model::MigrationPhase as P;
        match phase {
            P::Backup => self.backup.as_ref(),
            P::DryRun => self.dry_run.as_ref(),
            P::Run => self.run.as_ref(),
            P::Down => self.down.as_ref(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Artifact {
    /// Fetched on the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Template>,
    /// Uploaded from the operator's machine: a .tar.gz file or a directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<Template>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<Template>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256_url: Option<Template>,
    /// Artifacts each host keeps besides those its slots hold, most recently
    /// staged first (default 3), so a rollback or redeploy of a recent
    /// version needs no transfer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep: Option<u32>,
    /// The machine architecture the release is built for (`uname -m`:
    /// `aarch64` for a Jetson, `x86_64`); `host check` compares it with
    /// each host's (`arm64` and `amd64` are the same names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
}

impl Artifact {
    pub const DEFAULT_KEEP: u32 = 3;

    /// How many recently staged artifacts a host keeps.
    pub fn keep(&self) -> u32 {
        self.keep.unwrap_or(Self::DEFAULT_KEEP)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub name: String,
    /// Command that starts the service for a color (run in the slot dir).
    pub start: Template,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<Template>,
    /// Services that must be started first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PreDeploy {
    pub name: String,
    pub run: Template,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
}

/// Declares one kind of health check: its own required and optional fields
/// plus the fields every kind shares (`name`, `timeout`, `retries`,
/// `interval`). A macro rather than `#[serde(flatten)]`, which cannot be
/// combined with `deny_unknown_fields`.
macro_rules! health_check_kind {
    ($(#[$m:meta])* $kind:ident { $($(#[$fm:meta])* $field:ident : $ty:ty,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $kind {
            /// Shown in plans and reports (default: the kind and its target).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub name: Option<String>,
            $($(#[$fm])* pub $field: $ty,)*
            /// One attempt's time limit (default: the target's timeout, at most 10s).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub timeout: Option<Duration>,
            /// Attempts after the first before the check fails (default 3).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub retries: Option<u32>,
            /// Pause between attempts, and between post-switch probes (default 1s).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub interval: Option<Duration>,
        }

        impl $kind {
            fn common(&self) -> CheckCommon<'_> {
                CheckCommon { name: self.name.as_deref(), timeout: self.timeout, retries: self.retries, interval: self.interval }
            }
        }
    };
}

health_check_kind! {
    /// `kind: http` — GET a URL and expect a status (and optionally a body).
    HttpCheck {
        url: Template,
        /// Expected status (default 200).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expect_status: Option<u16>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expect_body_contains: Option<Template>,
    }
}

health_check_kind! {
    /// `kind: tcp` — open a TCP connection.
    TcpCheck {
        /// `host:port`
        address: Template,
    }
}

health_check_kind! {
    /// `kind: command` — run a shell command; exit 0 is healthy.
    CommandCheck {
        run: Template,
    }
}

health_check_kind! {
    /// `kind: redis` — PING a Redis server (optionally AUTH, and GET a key
    /// expecting a value), spoken by rvmctl over a connection opened from the
    /// unit's point of view.
    RedisCheck {
        /// `host:port`
        address: Template,
        /// ACL user for AUTH (default: the `default` user).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        username: Option<String>,
        /// Environment variable (on the machine running rvmctl) holding the
        /// password for AUTH; its value is never shown.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password_env: Option<String>,
        /// A key to GET after the PING.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<Template>,
        /// The value the key must hold (default: it must exist).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expect: Option<Template>,
    }
}

health_check_kind! {
    /// `kind: postgres` — connect with a DSN and run a query, optionally
    /// expecting a value (e.g. the schema version the release needs).
    PostgresCheck {
        /// Environment variable (on the machine running rvmctl) holding the
        /// DSN (`postgres://user:password@127.0.0.1:5432/db` or `host=… user=…`);
        /// its host and port are seen from the unit's point of view, and the
        /// DSN is never shown.
        dsn_env: String,
        /// Run with the simple query protocol (default `SELECT 1`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        query: Option<Template>,
        /// The first column of the first row, as text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expect: Option<Template>,
        /// With `sslmode=require` in the DSN: PEM file of the CA(s) the
        /// server's certificate must chain to (default: the OS's roots).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ca_file: Option<String>,
    }
}

/// A message an [`MqttCheck`] publishes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MqttPublish {
    pub topic: Template,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<Template>,
}

/// A message an [`MqttCheck`] waits for.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MqttExpect {
    /// Subscribed to before anything is published.
    pub topic: Template,
    /// Text the payload must contain (default: any message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contains: Option<Template>,
}

health_check_kind! {
    /// `kind: mqtt` — connect to a broker (MQTT 3.1.1), optionally publish
    /// and expect a message within the attempt's timeout: the "the device
    /// talks to its broker" check.
    MqttCheck {
        /// `host:port` of the broker.
        address: Template,
        /// Environment variables (on the machine running rvmctl) holding the
        /// user name and password; their values are never shown.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        username_env: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password_env: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        publish: Option<MqttPublish>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expect: Option<MqttExpect>,
        /// Speak TLS to the broker (verified against the OS's roots, or `ca_file`).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        tls: bool,
        /// PEM file of the CA(s) the broker's certificate must chain to, on
        /// the machine running rvmctl.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ca_file: Option<String>,
        /// The name the certificate must carry (default: the address's host).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        server_name: Option<String>,
    }
}

health_check_kind! {
    /// `kind: prometheus` — one Prometheus instant query whose value must
    /// stay within `max`/`min` (e.g. the new color's metrics are there and
    /// sane before the switch); for watching over time, see `analysis:`.
    PrometheusCheck {
        /// Base URL of the Prometheus HTTP API, as seen from the unit.
        prometheus: Template,
        query: Template,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// What an empty result means (default `fail` for a check).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        no_data: Option<NoData>,
    }
}

/// One health check; `kind` selects the variant and its required fields.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HealthCheck {
    Http(HttpCheck),
    Tcp(TcpCheck),
    Command(CommandCheck),
    Redis(RedisCheck),
    Postgres(PostgresCheck),
    Mqtt(MqttCheck),
    Prometheus(PrometheusCheck),
}

/// The fields every kind of health check shares.
#[derive(Debug, Clone, Copy)]
pub struct CheckCommon<'a> {
    pub name: Option<&'a str>,
    pub timeout: Option<Duration>,
    pub retries: Option<u32>,
    pub interval: Option<Duration>,
}

impl HealthCheck {
    pub fn common(&self) -> CheckCommon<'_> {
        match self {
            HealthCheck::Http(c) => c.common(),
            HealthCheck::Tcp(c) => c.common(),
            HealthCheck::Command(c) => c.common(),
            HealthCheck::Redis(c) => c.common(),
            HealthCheck::Postgres(c) => c.common(),
            HealthCheck::Mqtt(c) => c.common(),
            HealthCheck::Prometheus(c) => c.common(),
        }
    }

    /// The check's serde name (`http`, `tcp`, `command`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            HealthCheck::Http(_) => "http",
            HealthCheck::Tcp(_) => "tcp",
            HealthCheck::Command(_) => "command",
            HealthCheck::Redis(_) => "redis",
            HealthCheck::Postgres(_) => "postgres",
            HealthCheck::Mqtt(_) => "mqtt",
            HealthCheck::Prometheus(_) => "prometheus",
        }
    }

    /// The field that says what is probed, with its key: (`url`, …); `None`
    /// when that is a secret (a DSN in an environment variable).
    pub fn target(&self) -> Option<(&'static str, &Template)> {
        match self {
            HealthCheck::Http(c) => Some(("url", &c.url)),
            HealthCheck::Tcp(c) => Some(("address", &c.address)),
            HealthCheck::Command(c) => Some(("run", &c.run)),
            HealthCheck::Redis(c) => Some(("address", &c.address)),
            HealthCheck::Postgres(_) => None,
            HealthCheck::Mqtt(c) => Some(("address", &c.address)),
            HealthCheck::Prometheus(c) => Some(("query", &c.query)),
        }
    }

    /// Every template of the check with its key, for validation.
    pub fn templates(&self) -> Vec<(&'static str, &Template)> {
        fn opt<'a>(key: &'static str, t: &'a Option<Template>) -> Option<(&'static str, &'a Template)> {
            t.as_ref().map(|t| (key, t))
        }
        let mut all: Vec<_> = self.target().into_iter().collect();
        match self {
            HealthCheck::Http(c) => all.extend(opt("expect_body_contains", &c.expect_body_contains)),
            HealthCheck::Tcp(_) | HealthCheck::Command(_) => {}
            HealthCheck::Redis(c) => all.extend(opt("key", &c.key).into_iter().chain(opt("expect", &c.expect))),
            HealthCheck::Postgres(c) => all.extend(opt("query", &c.query).into_iter().chain(opt("expect", &c.expect))),
            HealthCheck::Prometheus(c) => all.push(("prometheus", &c.prometheus)),
            HealthCheck::Mqtt(c) => {
                if let Some(p) = &c.publish {
                    all.push(("publish.topic", &p.topic));
                    all.extend(opt("publish.payload", &p.payload));
                }
                if let Some(e) = &c.expect {
                    all.push(("expect.topic", &e.topic));
                    all.extend(opt("expect.contains", &e.contains));
                }
            }
        }
        all
    }

    /// The environment variables the check reads its secrets from, with their keys.
    pub fn secret_envs(&self) -> Vec<(&'static str, &str)> {
        match self {
            HealthCheck::Redis(c) => c.password_env.iter().map(|e| ("password_env", e.as_str())).collect(),
            HealthCheck::Postgres(c) => vec![("dsn_env", c.dsn_env.as_str())],
            HealthCheck::Mqtt(c) => {
                let user = c.username_env.iter().map(|e| ("username_env", e.as_str()));
                user.chain(c.password_env.iter().map(|e| ("password_env", e.as_str()))).collect()
            }
            HealthCheck::Http(_) | HealthCheck::Tcp(_) | HealthCheck::Command(_) | HealthCheck::Prometheus(_) => {
                Vec::new()
            }
        }
    }

    /// As written: `name`, or the kind and its target template.
    pub fn display_name(&self) -> String {
        self.label(&|t| Ok(t.as_str().to_string()))
    }

    /// For one unit: `name`, or the kind and its target rendered with
    /// `render` (as written where it cannot be), credentials in URLs masked.
    /// A check whose target is secret shows where the secret comes from.
    pub fn label(&self, render: &dyn Fn(&Template) -> Result<String, String>) -> String {
        if let Some(n) = self.common().name {
            return n.to_string();
        }
        match self.target() {
            Some((_, target)) => {
                let shown = render(target).unwrap_or_else(|_| target.as_str().to_string());
                format!("{} {}", self.kind(), crate::model::redact_url(&shown))
            }
            None => match self {
                HealthCheck::Postgres(c) => format!("postgres ${}", c.dsn_env),
                _ => self.kind().to_string(),
            },
        }
    }
}

/// The JSON Schema of the config file (generated once per process).
pub fn json_schema() -> &'static serde_json::Value {
    static SCHEMA: std::sync::LazyLock<serde_json::Value> = std::sync::LazyLock::new(|| {
        let schema =
            schemars::generate::SchemaSettings::draft2020_12().into_generator().into_root_schema_for::<ConfigFile>();
        serde_json::to_value(schema).unwrap_or(serde_json::Value::Null)
    });
    &SCHEMA
}

#[cfg(test)]
mod tests {
    use super::*;

    mod derived {
        /// What `#[serde(untagged)]` derives for [`super::HostEntry`] (same
        /// name: it is in the error message).
        #[derive(Debug, serde::Deserialize, serde::Serialize)]
        #[serde(untagged)]
        pub enum HostEntry {
            Name(String),
            Spec(Box<super::HostSpec>),
        }
    }
    use derived::HostEntry as Derived;

    #[test]
    fn host_entries_read_as_the_derived_untagged_enum_reads_them() {
        let show = |r: Result<String, String>| r.unwrap_or_else(|e| format!("error: {e}"));
        for yaml in [
            "h1",
            "{ name: a, address: 10.0.0.1, labels: { site: x }, vars: { port: 8101, on: true, s: x } }",
            "[a, 10.0.0.1]",
            "{ name: 7 }",
            "{ name: a, nope: 1 }",
            "{ name: a, port: 70000 }",
            "{ name: a, vars: { x: [1] } }",
            "{}",
            "[]",
            "7",
            "true",
            "1.5",
            "~",
        ] {
            let node = super::super::yaml::parse(yaml).unwrap();
            let json = node.to_json();
            let ours = |r: Result<HostEntry, serde_json::Error>| {
                show(r.map(|h| serde_json::to_string(&h).unwrap()).map_err(|e| e.to_string()))
            };
            let derived = |r: Result<Derived, serde_json::Error>| {
                show(r.map(|h| serde_json::to_string(&h).unwrap()).map_err(|e| e.to_string()))
            };
            let expected = derived(Derived::deserialize(&node));
            assert_eq!(ours(HostEntry::deserialize(&node)), expected, "{yaml}");
            assert_eq!(ours(serde_json::from_value(json.clone())), expected, "{yaml}");
            assert_eq!(derived(serde_json::from_value(json)), expected, "{yaml}");
        }
    }
}
