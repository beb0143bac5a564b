//! Analysis: named Prometheus queries (or host resources) with a threshold,
//! evaluated while a release is watched. A query goes from the machine
//! running rvmctl to the Prometheus HTTP API (`GET /api/v1/query`):
//! Prometheus is a central service, and the query names the unit (`{host}`,
//! `{color}`) itself. A resource (memory, CPU, disk) is measured on the unit
//! itself, through its own point of view, by a POSIX script over /proc and df.
//!
//! [`verdict`] is pure (a response body in, a verdict out); [`Watch`]
//! counts evaluations and decides when an analysis trips.

use std::time::Duration;

use serde::Serialize;

use super::probes::Vantage;
use crate::config::schema::{Analysis, NoData, Resource, ResourceScope};
use crate::config::types::Template;

/// An analysis with its templates filled in for one unit and color.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedAnalysis {
    pub name: String,
    pub source: Source,
    /// The query as sent (or the resource measured), for messages and reports.
    pub query: String,
    pub max: Option<f64>,
    pub min: Option<f64>,
    pub interval: Duration,
    pub failures: u32,
    pub no_data: NoData,
    pub timeout: Duration,
}

/// The analyses `names` (as a plan or an app lists them) out of `defined`,
/// rendered with `render`. A name `defined` lacks is a plan made from an
/// older config: an error that says to plan again.
pub fn render_named(
    defined: &[(String, Analysis)],
    names: &[String],
    render: &dyn Fn(&Template) -> Result<String, String>,
) -> Result<Vec<RenderedAnalysis>, String> {
    names
        .iter()
        .map(|n| match defined.iter().find(|(d, _)| d == n) {
            Some((_, a)) => RenderedAnalysis::new(n, a, render),
            None => Err(format!(
                "the plan names analysis '{n}', which the config does not define (any more); make a new plan with `rvmctl plan`"
            )),
        })
        .collect()
}

/// Where an analysis's value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// `{prometheus}/api/v1/query?query=…`, asked from the operator's machine.
    Prometheus { url: String },
    /// A script run from the unit's point of view that prints one fraction.
    Resource { script: String },
}

impl RenderedAnalysis {
    pub fn new(
        name: &str,
        a: &Analysis,
        render: &dyn Fn(&Template) -> Result<String, String>,
    ) -> Result<RenderedAnalysis, String> {
        let (source, query) = match (&a.prometheus, &a.query, a.resource) {
            (_, _, Some(r)) if a.scope == Some(ResourceScope::Slot) => {
                let (slot, color) =
                    (render(&Template("{base_dir}/{color}".into()))?, render(&Template("{color}".into()))?);
                (Source::Resource { script: slot_resource_script(r, &slot) }, slot_resource_label(r, &color))
            }
            (_, _, Some(r)) => {
                let path = render(a.path.as_ref().unwrap_or(&Template("{base_dir}".into())))?;
                (Source::Resource { script: resource_script(r, &path) }, resource_label(r, &path))
            }
            (Some(base), Some(query), None) => {
                let (base, query) = (render(base)?, render(query)?);
                let url = format!("{}/api/v1/query?query={}", base.trim_end_matches('/'), encode(&query));
                (Source::Prometheus { url }, query)
            }
            _ => return Err(format!("analysis '{name}' has neither a query nor a resource")),
        };
        Ok(RenderedAnalysis {
            name: name.to_string(),
            source,
            query,
            max: a.max,
            min: a.min,
            interval: a.interval.map(|d| d.get()).unwrap_or(Duration::from_secs(10)),
            failures: a.failures.unwrap_or(1).max(1),
            no_data: a.no_data.unwrap_or_default(),
            timeout: a.timeout.map(|d| d.get()).unwrap_or(Duration::from_secs(5)),
        })
    }

    /// `max 0.1`, `min 5`, `between 1 and 5`.
    pub fn threshold(&self) -> String {
        match (self.min, self.max) {
            (Some(lo), Some(hi)) => format!("between {lo} and {hi}"),
            (None, Some(hi)) => format!("max {hi}"),
            (Some(lo), None) => format!("min {lo}"),
            (None, None) => "no threshold".into(),
        }
    }
}

/// The outcome of one evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "verdict")]
pub enum Verdict {
    /// Within the threshold (the value that decided it).
    Pass { value: f64 },
    /// Past the threshold.
    Fail { value: f64, why: String },
    /// The query returned no series (or only NaN).
    NoData,
    /// Prometheus could not be asked, or refused the query.
    Error { why: String },
}

/// One evaluation, for reports.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub analysis: String,
    pub query: String,
    pub threshold: String,
    #[serde(flatten)]
    pub verdict: Verdict,
    /// The analysis's policy for an empty result.
    #[serde(skip)]
    pub no_data: NoData,
}

impl Evaluation {
    /// Whether it counts as a failed evaluation (no data per the policy).
    pub fn failed(&self) -> bool {
        match &self.verdict {
            Verdict::Fail { .. } | Verdict::Error { .. } => true,
            Verdict::NoData => self.no_data == NoData::Fail,
            Verdict::Pass { .. } => false,
        }
    }

    /// `pass`, `fail`, `inconclusive` (no data, and that is the policy) or `error`.
    pub fn result(&self) -> &'static str {
        match &self.verdict {
            Verdict::Error { .. } => "error",
            _ if self.failed() => "fail",
            Verdict::NoData if self.no_data == NoData::Inconclusive => "inconclusive",
            _ => "pass",
        }
    }

    /// `0.42 (max 0.1)`, `no data`, or why Prometheus could not answer.
    pub fn observed(&self) -> String {
        match &self.verdict {
            Verdict::Pass { value } => format!("{} ({})", shown(*value), self.threshold),
            Verdict::Fail { why, .. } => why.clone(),
            Verdict::NoData => "no data".into(),
            Verdict::Error { why } => why.clone(),
        }
    }
}

/// Evaluates `a` once: a query from `operator` (the machine running
/// rvmctl), a resource from `unit` (the unit's own point of view).
pub async fn evaluate<O: Vantage + ?Sized, U: Vantage + ?Sized>(
    operator: &O,
    unit: &U,
    a: &RenderedAnalysis,
) -> Evaluation {
    let verdict = match &a.source {
        Source::Prometheus { url } => match operator.http_get(url, a.timeout).await {
            Err(e) => Verdict::Error {
                why: format!(
                    "cannot query Prometheus: {e}; check that `prometheus:` is its base URL and that it answers from here"
                ),
            },
            Ok((status, body)) => verdict(a, status, &body),
        },
        Source::Resource { script } => match unit.exec(script, a.timeout).await {
            Err(e) => Verdict::Error { why: format!("cannot measure {}: {e}", a.query) },
            Ok((Some(0), out)) => match out.trim().parse::<f64>() {
                Ok(v) => judge(a, vec![v]),
                Err(_) => {
                    Verdict::Error { why: format!("measuring {} printed '{}', not a number", a.query, out.trim()) }
                }
            },
            Ok((code, out)) => Verdict::Error {
                why: format!(
                    "measuring {} failed (exit {}): {}",
                    a.query,
                    code.map_or("-".into(), |c| c.to_string()),
                    out.trim()
                ),
            },
        },
    };
    Evaluation {
        analysis: a.name.clone(),
        query: a.query.clone(),
        threshold: a.threshold(),
        verdict,
        no_data: a.no_data,
    }
}

/// `memory of the host`, `disk of /opt/myrvm`.
fn resource_label(r: Resource, path: &str) -> String {
    match r {
        Resource::Memory => "memory of the host".into(),
        Resource::Cpu => "cpu of the host".into(),
        Resource::Disk => format!("disk of {path}"),
    }
}

/// `memory of the green slot's processes`, `disk of the green slot`.
fn slot_resource_label(r: Resource, color: &str) -> String {
    match r {
        Resource::Memory => format!("memory of the {color} slot's processes"),
        Resource::Cpu => format!("cpu of the {color} slot's processes"),
        Resource::Disk => format!("disk of the {color} slot"),
    }
}

/// A POSIX script printing the share of the host's `r` that the slot at
/// `slot` takes: the resident memory or the CPU time (over one second, of
/// all CPUs) of the processes whose working directory is in the slot
/// (services start there), or the slot's files against its filesystem. A
/// slot that does not exist takes nothing (0).
fn slot_resource_script(r: Resource, slot: &str) -> String {
    // `$d`: the slot's real path; `in_slot PID-DIR`: true for its processes
    // (others' processes we may not look into are skipped).
    let prelude = format!(
        r#"d=$(cd {} 2>/dev/null && pwd -P) || {{ echo 0; exit 0; }}; in_slot() {{ c=$(readlink "$1/cwd" 2>/dev/null) || return 1; case "$c/" in "$d"/*) return 0;; esac; return 1; }}; "#,
        crate::model::sh_quote(slot)
    );
    let body = match r {
        Resource::Memory => {
            r#"s=0; for p in /proc/[0-9]*; do in_slot "$p" || continue; r=$(awk '/^VmRSS:/ {print $2}' "$p/status" 2>/dev/null); s=$((s + ${r:-0})); done; awk -v s="$s" '/^MemTotal:/ {if ($2 > 0) printf "%.9f\n", s / $2; else exit 1}' /proc/meminfo"#
        }
        // utime + stime: fields 14 and 15 of /proc/PID/stat, counted after the `(comm)` that may hold spaces.
        Resource::Cpu => {
            r#"ticks() { n=0; for p in /proc/[0-9]*; do in_slot "$p" || continue; t=$(sed 's/^.*) //' "$p/stat" 2>/dev/null | awk '{print $12 + $13}'); n=$((n + ${t:-0})); done; echo "$n"; }; a=$(ticks); sleep 1; b=$(ticks); awk -v a="$a" -v b="$b" -v hz="$(getconf CLK_TCK)" -v n="$(nproc)" 'BEGIN {v = (b - a) / (hz * n); if (v < 0) v = 0; printf "%.9f\n", v}'"#
        }
        Resource::Disk => {
            r#"u=$(du -sk "$d" | awk '{print $1}'); df -Pk "$d" | awk -v u="$u" 'NR == 2 {if ($2 > 0) printf "%.9f\n", u / $2; else exit 1}'"#
        }
    };
    prelude + body
}

/// A POSIX script printing the used fraction of `r` (0 to 1).
fn resource_script(r: Resource, path: &str) -> String {
    match r {
        Resource::Memory => "awk '/^MemTotal:/ {t=$2} /^MemAvailable:/ {a=$2} END {if (t > 0) printf \"%.6f\\n\", 1 - a / t; else exit 1}' /proc/meminfo".into(),
        // user..steal of the `cpu` line, twice a second apart; busy = all but idle and iowait.
        Resource::Cpu => "a=$(head -n 1 /proc/stat); sleep 1; b=$(head -n 1 /proc/stat); echo \"$a $b\" | awk '{for (i = 2; i <= 9; i++) t1 += $i; for (i = 13; i <= 20; i++) t2 += $i; idle = ($16 + $17) - ($5 + $6); if (t2 > t1) printf \"%.6f\\n\", 1 - idle / (t2 - t1); else exit 1}'".into(),
        Resource::Disk => format!(
            "df -P {} | awk 'NR == 2 {{if ($3 + $4 > 0) printf \"%.6f\\n\", $3 / ($3 + $4); else exit 1}}'",
            crate::model::sh_quote(path)
        ),
    }
}

/// What a Prometheus `/api/v1/query` answer means for `a`. Of several
/// series, the one furthest past the threshold decides.
pub fn verdict(a: &RenderedAnalysis, status: u16, body: &str) -> Verdict {
    let parsed: serde_json::Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(_) => {
            return Verdict::Error {
                why: format!("Prometheus answered HTTP {status} with something that is not its JSON API"),
            };
        }
    };
    if parsed["status"] != "success" {
        let why = parsed["error"].as_str().unwrap_or("no reason given");
        return Verdict::Error { why: format!("Prometheus refused the query (HTTP {status}): {why}") };
    }
    let data = &parsed["data"];
    let samples: Vec<&serde_json::Value> = match data["resultType"].as_str() {
        Some("vector") => {
            data["result"].as_array().map(|r| r.iter().map(|s| &s["value"]).collect()).unwrap_or_default()
        }
        Some("scalar") => vec![&data["result"]],
        other => {
            return Verdict::Error {
                why: format!(
                    "the query returns a {}, not a number: write an instant vector or scalar (e.g. wrap it in sum(...))",
                    other.unwrap_or("nothing")
                ),
            };
        }
    };
    let values: Vec<f64> =
        samples.iter().filter_map(|v| v.get(1).and_then(|x| x.as_str()).and_then(|x| x.parse::<f64>().ok())).collect();
    judge(a, values)
}

/// The verdict on measured `values` (NaN is no value): the one furthest
/// past the threshold decides.
fn judge(a: &RenderedAnalysis, values: Vec<f64>) -> Verdict {
    // How far past the threshold a value is (positive: failing).
    let past = |v: f64| (v - a.max.unwrap_or(f64::INFINITY)).max(a.min.unwrap_or(f64::NEG_INFINITY) - v);
    let Some(worst) = values.into_iter().filter(|v| !v.is_nan()).max_by(|x, y| past(*x).total_cmp(&past(*y))) else {
        return Verdict::NoData;
    };
    if past(worst) > 0.0 {
        let side = match a.max {
            Some(hi) if worst > hi => format!("above max {hi}"),
            _ => format!("below min {}", a.min.unwrap_or_default()),
        };
        Verdict::Fail { value: worst, why: format!("{} is {side}", shown(worst)) }
    } else {
        Verdict::Pass { value: worst }
    }
}

/// The running tally of one analysis over a watch.
#[derive(Debug)]
pub struct Watch {
    pub analysis: RenderedAnalysis,
    pub due: tokio::time::Instant,
    pub evaluations: u32,
    pub failed: u32,
    pub no_data: u32,
    pub last: Option<Evaluation>,
}

impl Watch {
    pub fn new(analysis: RenderedAnalysis, now: tokio::time::Instant) -> Watch {
        // The first evaluation waits one interval: the new color must have served.
        let due = now + analysis.interval;
        Watch { analysis, due, evaluations: 0, failed: 0, no_data: 0, last: None }
    }

    /// Counts `e`; the message of the trip when this evaluation trips it.
    pub fn record(&mut self, e: Evaluation, now: tokio::time::Instant) -> Option<String> {
        self.evaluations += 1;
        self.due = now + self.analysis.interval;
        self.no_data += u32::from(e.verdict == Verdict::NoData);
        let failed = e.failed();
        self.failed += u32::from(failed);
        let tripped = failed && self.failed >= self.analysis.failures;
        let message = tripped.then(|| {
            format!(
                "analysis '{}' tripped: `{}` → {} ({} of {} evaluations failed; {} trip it)",
                self.analysis.name,
                self.analysis.query,
                e.observed(),
                self.failed,
                self.evaluations,
                self.analysis.failures
            )
        });
        self.last = Some(e);
        message
    }

    /// `error-rate ok (5 evaluations)`, or inconclusive when it never saw data.
    pub fn summary(&self) -> String {
        let name = &self.analysis.name;
        if self.evaluations > 0 && self.no_data == self.evaluations && self.analysis.no_data == NoData::Inconclusive {
            format!("analysis {name} inconclusive: no data in {} evaluations", self.evaluations)
        } else {
            format!("analysis {name} ok ({} evaluations, {} failed)", self.evaluations, self.failed)
        }
    }
}

/// A measured value for a message: at most 4 decimals, no trailing zeros.
fn shown(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
    s.to_string()
}

/// Percent-encodes a query parameter (RFC 3986 unreserved characters stay).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analysis_spec() -> Analysis {
        Analysis {
            prometheus: Some(Template("http://p:9090/".into())),
            query: Some(Template("rate(x{color=\"{color}\"}[1m])".into())),
            resource: None,
            path: None,
            scope: None,
            max: Some(0.1),
            min: None,
            interval: None,
            failures: Some(2),
            no_data: None,
            timeout: None,
        }
    }

    fn analysis(min: Option<f64>, max: Option<f64>) -> RenderedAnalysis {
        let spec = Analysis { min, max, ..analysis_spec() };
        RenderedAnalysis::new("err", &spec, &|t| Ok(t.as_str().replace("{color}", "green"))).expect("renders")
    }

    fn vector(values: &[&str]) -> String {
        let series: Vec<String> =
            values.iter().map(|v| format!(r#"{{"metric":{{}},"value":[1700000000.1,"{v}"]}}"#)).collect();
        format!(r#"{{"status":"success","data":{{"resultType":"vector","result":[{}]}}}}"#, series.join(","))
    }

    #[test]
    fn the_query_is_encoded_into_the_api_url() {
        let a = analysis(None, Some(0.1));
        let url = "http://p:9090/api/v1/query?query=rate%28x%7Bcolor%3D%22green%22%7D%5B1m%5D%29";
        assert_eq!(a.source, Source::Prometheus { url: url.into() });
    }

    #[test]
    fn the_series_furthest_past_the_threshold_decides() {
        let a = analysis(None, Some(0.1));
        assert_eq!(
            verdict(&a, 200, &vector(&["0.05", "0.5", "0.2"])),
            Verdict::Fail { value: 0.5, why: "0.5 is above max 0.1".into() }
        );
        assert_eq!(verdict(&a, 200, &vector(&["0.05", "0.1"])), Verdict::Pass { value: 0.1 });
        let a = analysis(Some(1.0), None);
        assert!(matches!(verdict(&a, 200, &vector(&["3", "0.5"])), Verdict::Fail { value, .. } if value == 0.5));
        let scalar = r#"{"status":"success","data":{"resultType":"scalar","result":[1700000000,"2"]}}"#;
        assert_eq!(verdict(&a, 200, scalar), Verdict::Pass { value: 2.0 });
    }

    #[test]
    fn resource_scripts_print_a_fraction_here() {
        for r in [Resource::Memory, Resource::Cpu, Resource::Disk] {
            let script = resource_script(r, "/tmp");
            let out = std::process::Command::new("sh").args(["-c", &script]).output().expect("sh");
            let text = String::from_utf8_lossy(&out.stdout);
            let v: f64 = text.trim().parse().unwrap_or_else(|_| panic!("{r:?}: {text:?} {:?}", out.stderr));
            assert!((0.0..=1.0).contains(&v), "{r:?}: {v}");
        }
        assert!(resource_script(Resource::Disk, "/a b/it's").contains("'/a b/it'\\''s'"), "quoted for the shell");
    }

    /// The slot's share: a process started in the slot counts, one elsewhere
    /// does not, and a slot that does not exist takes nothing.
    #[test]
    fn slot_resource_scripts_count_the_slots_own_processes_and_files() {
        let measure = |r: Resource, slot: &std::path::Path| -> f64 {
            let script = slot_resource_script(r, &slot.to_string_lossy());
            let out = std::process::Command::new("sh").args(["-c", &script]).output().expect("sh");
            let text = String::from_utf8_lossy(&out.stdout);
            text.trim().parse().unwrap_or_else(|_| panic!("{r:?}: {text:?} {:?}", out.stderr))
        };
        let dir = tempfile::tempdir().expect("tmp");
        let (slot, other) = (dir.path().join("green"), dir.path().join("blue"));
        std::fs::create_dir_all(&slot).expect("slot");
        std::fs::create_dir_all(&other).expect("other");
        std::fs::write(slot.join("data"), vec![7u8; 64 * 1024]).expect("file");
        assert_eq!(measure(Resource::Memory, &slot), 0.0, "nothing runs there yet");
        // A busy process started in the slot, as a service is.
        let mut busy = std::process::Command::new("sh")
            .args(["-c", "while :; do :; done"])
            .current_dir(&slot)
            .spawn()
            .expect("spawn");
        let (memory, cpu, disk) =
            (measure(Resource::Memory, &slot), measure(Resource::Cpu, &slot), measure(Resource::Disk, &slot));
        let elsewhere = measure(Resource::Memory, &other);
        let _ = busy.kill();
        let _ = busy.wait();
        assert!(memory > 0.0 && memory < 0.5, "its resident memory: {memory}");
        assert!(cpu > 0.1 / num_cpus(), "a spinning process shows: {cpu}");
        assert!(disk > 0.0 && disk < 1.0, "the slot's files: {disk}");
        assert_eq!(elsewhere, 0.0, "another slot's processes are not counted");
        assert_eq!(measure(Resource::Cpu, &dir.path().join("missing")), 0.0);
        assert!(slot_resource_script(Resource::Disk, "/a b/it's").contains("'/a b/it'\\''s'"), "quoted for the shell");
    }

    fn num_cpus() -> f64 {
        std::thread::available_parallelism().map(|n| n.get() as f64).unwrap_or(1.0)
    }

    #[test]
    fn named_analyses_render_in_order_and_a_missing_one_says_to_plan_again() {
        let spec = |q: &str| Analysis { query: Some(Template(q.into())), ..analysis_spec() };
        let defined = vec![("a".to_string(), spec("qa")), ("b".to_string(), spec("qb"))];
        let id = |t: &Template| Ok(t.as_str().to_string());
        let got = render_named(&defined, &["b".into(), "a".into()], &id).expect("both defined");
        assert_eq!(
            got.iter().map(|a| (a.name.as_str(), a.query.as_str())).collect::<Vec<_>>(),
            [("b", "qb"), ("a", "qa")]
        );
        let e = render_named(&defined, &["gone".into()], &id).unwrap_err();
        assert!(e.contains("analysis 'gone'") && e.contains("make a new plan with `rvmctl plan`"), "{e}");
    }

    #[test]
    fn values_are_shown_short() {
        assert_eq!(shown(0.917132943536906), "0.9171");
        assert_eq!(shown(2.0), "2");
        assert_eq!(shown(1e9), "1000000000");
    }

    #[test]
    fn empty_and_nan_are_no_data_and_errors_say_why() {
        let a = analysis(None, Some(0.1));
        assert_eq!(verdict(&a, 200, &vector(&[])), Verdict::NoData);
        assert_eq!(verdict(&a, 200, &vector(&["NaN"])), Verdict::NoData);
        let bad = r#"{"status":"error","errorType":"bad_data","error":"parse error at char 5"}"#;
        assert!(matches!(verdict(&a, 400, bad), Verdict::Error { why } if why.contains("parse error at char 5")));
        assert!(matches!(verdict(&a, 502, "<html>"), Verdict::Error { why } if why.contains("HTTP 502")));
        let matrix = r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#;
        assert!(matches!(verdict(&a, 200, matrix), Verdict::Error { why } if why.contains("not a number")));
    }

    #[test]
    fn a_watch_trips_after_its_failures_and_no_data_follows_the_policy() {
        let now = tokio::time::Instant::now();
        let eval = |verdict| Evaluation {
            analysis: "err".into(),
            query: "q".into(),
            threshold: "max 0.1".into(),
            verdict,
            no_data: NoData::Inconclusive,
        };
        let mut w = Watch::new(analysis(None, Some(0.1)), now);
        assert_eq!(w.record(eval(Verdict::NoData), now), None, "inconclusive counts as nothing");
        assert_eq!(w.record(eval(Verdict::Fail { value: 0.5, why: "0.5 is above max 0.1".into() }), now), None);
        assert_eq!(w.record(eval(Verdict::Pass { value: 0.0 }), now), None);
        let trip = w
            .record(eval(Verdict::Error { why: "cannot query Prometheus".into() }), now)
            .expect("second failure trips");
        assert!(trip.contains("analysis 'err' tripped") && trip.contains("2 of 4 evaluations failed"), "{trip}");

        let mut w = Watch::new(analysis(None, Some(0.1)), now);
        w.record(eval(Verdict::NoData), now);
        assert!(w.summary().contains("inconclusive: no data in 1 evaluations"), "{}", w.summary());
        let no_data_fails = || Evaluation { no_data: NoData::Fail, ..eval(Verdict::NoData) };
        assert_eq!(no_data_fails().result(), "fail");
        assert_eq!(eval(Verdict::NoData).result(), "inconclusive");
        assert!(w.record(no_data_fails(), now).is_none(), "one of the two failures");
        assert!(w.record(no_data_fails(), now).is_some(), "no_data: fail counts");
    }
}
