//! Config problems with positions, rendered like a compiler: file, line,
//! column, a source snippet and a hint of what would be valid.

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};
use serde::Serialize;

use super::yaml::{Node, PathSeg, Pos, path_string};

/// The closest candidate to `input`, if it is close enough to be a typo.
pub fn did_you_mean<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let input_lc = input.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&input_lc, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d > 0 && *d <= (c.len().max(input.len()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// One problem in a config file.
#[derive(Debug, Clone, Serialize)]
pub struct Issue {
    pub file: String,
    pub line: u64,
    pub column: u64,
    /// Dotted path to the offending key, e.g. `environments.production.targets[1].app`.
    pub path: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(skip)]
    pub pos: Pos,
}

/// Collects issues against one file, turning paths into positions.
pub struct Issues<'a> {
    pub file: &'a str,
    pub root: &'a Node<'a>,
    pub list: Vec<Issue>,
}

impl<'a> Issues<'a> {
    pub fn new(file: &'a str, root: &'a Node<'a>) -> Self {
        Issues { file, root, list: Vec::new() }
    }

    /// An issue about the value at `path`.
    pub fn at(&mut self, path: &[PathSeg], message: impl Into<String>, help: Option<String>) {
        let pos = self.root.locate(path);
        self.push(pos, path, message, help);
    }

    /// An issue about the key of the last segment of `path`.
    pub fn at_key(&mut self, path: &[PathSeg], message: impl Into<String>, help: Option<String>) {
        let pos = self.root.locate_key(path);
        self.push(pos, path, message, help);
    }

    fn push(&mut self, pos: Pos, path: &[PathSeg], message: impl Into<String>, help: Option<String>) {
        self.list.push(Issue {
            file: self.file.to_string(),
            line: u64::from(pos.line.max(1)),
            column: u64::from(pos.column.max(1)),
            path: path_string(path),
            message: message.into(),
            help,
            pos,
        });
    }
}

/// Every problem found in a config file (never just the first).
#[derive(Debug, Clone, thiserror::Error, Serialize)]
#[error("{}", render_plain(.issues))]
pub struct ConfigError {
    pub file: String,
    /// (file name, text) of every file the issues point into.
    #[serde(skip)]
    pub sources: Vec<(String, String)>,
    pub issues: Vec<Issue>,
}

fn render_plain(issues: &[Issue]) -> String {
    issues
        .iter()
        .map(|i| {
            let help = i.help.as_deref().map(|h| format!(" ({h})")).unwrap_or_default();
            format!("{}:{}:{}: {}{help}", i.file, i.line, i.column, i.message)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl ConfigError {
    /// Adds another file's problems (an inventory) to this error.
    pub fn merge(&mut self, other: ConfigError) {
        self.sources.extend(other.sources);
        self.issues.extend(other.issues);
    }

    pub fn single(file: &str, source_text: &str, pos: Pos, message: String, help: Option<String>) -> Self {
        ConfigError {
            file: file.to_string(),
            sources: vec![(file.to_string(), source_text.to_string())],
            issues: vec![Issue {
                file: file.to_string(),
                line: u64::from(pos.line.max(1)),
                column: u64::from(pos.column.max(1)),
                path: String::new(),
                message,
                help,
                pos,
            }],
        }
    }

    /// Compiler-style rendering: a snippet with a label and help per issue.
    pub fn render(&self, color: bool) -> String {
        let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
        let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
        let mut out = String::new();
        let n = self.issues.len();
        for issue in &self.issues {
            let at = format!("{}:{}:{}", issue.file, issue.line, issue.column);
            let mut diag = MietteDiagnostic::new(format!("{at}: {}", issue.message))
                .with_label(LabeledSpan::at(issue.pos.range(), "here"));
            if let Some(h) = &issue.help {
                diag = diag.with_help(h.clone());
            }
            let text = self.sources.iter().find(|(f, _)| f == &issue.file).map(|(_, t)| t.clone()).unwrap_or_default();
            let report = miette::Report::new(diag).with_source_code(NamedSource::new(&issue.file, text));
            let _ = handler.render_report(&mut out, report.as_ref());
        }
        out.push_str(&format!(
            "\n{n} problem{} in {}; fix {} and run `rvmctl config validate` again.\n",
            if n == 1 { "" } else { "s" },
            self.sources.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>().join(", "),
            if n == 1 { "it" } else { "them" }
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_close_matches_only() {
        let keys = ["strategy", "timeout", "targets"];
        assert_eq!(did_you_mean("stratgy", keys), Some("strategy"));
        assert_eq!(did_you_mean("tagrets", keys), Some("targets"));
        assert_eq!(did_you_mean("zzzzzz", keys), None);
    }
}
