//! The layering of `src/` (docs/architecture.md) held against the code.
//!
//! The table of which top-level module may import which is read from the
//! ```` ```layers ```` block of docs/architecture.md, so the document and the
//! check cannot drift apart. Every path a production file names
//! (`use crate::…`, `crate::…::f()`, `super::…`, `self::…`, `child::…`) is
//! resolved to the file it points at; then:
//!
//! - a file of module A may only name modules that A's row allows;
//! - the allowed table itself has no circle;
//! - the file-level import graph has no circle (a `mod.rs` that re-exports a
//!   child which imports the `mod.rs` back is one).
//!
//! Test code (`tests.rs` files and `#[cfg(test)] mod tests { … }`) is left
//! out: a unit test may render through a higher layer to show its result.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// `module → allowed, allowed` rows of the ```layers block; `*` allows all.
fn allowed_table() -> BTreeMap<String, BTreeSet<String>> {
    let doc = std::fs::read_to_string(Path::new(ROOT).join("docs/architecture.md")).expect("docs/architecture.md");
    let start = doc.find("```layers\n").expect("docs/architecture.md has a ```layers block") + "```layers\n".len();
    let end = start + doc[start..].find("```").expect("the ```layers block is closed");
    let mut table = BTreeMap::new();
    for line in doc[start..end].lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (module, deps) = line.split_once('→').unwrap_or_else(|| panic!("layers line without '→': {line}"));
        let deps = deps.split(',').map(str::trim).filter(|d| !d.is_empty()).map(String::from).collect();
        assert!(table.insert(module.trim().to_string(), deps).is_none(), "module listed twice: {line}");
    }
    table
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") && path.file_name().is_some_and(|n| n != "tests.rs") {
            out.push(path);
        }
    }
}

/// The module path of a file under src/: `src/drivers/slots/mod.rs` → [drivers, slots].
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel.iter().skip(1).map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    parts
}

/// Production code only: comments and `#[cfg(test)] mod … { … }` blocks removed.
fn production_code(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]"
            && lines.peek().is_some_and(|l| l.trim_start().starts_with("mod ") && l.ends_with('{'))
        {
            let mut depth = 0i32;
            for l in lines.by_ref() {
                depth += l.matches('{').count() as i32 - l.matches('}').count() as i32;
                if depth <= 0 {
                    break;
                }
            }
            continue;
        }
        let code = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// Expands `a::{b, c::{d, e}}` into [a::b, a::c::d, a::c::e].
fn expand_use(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else { return vec![tree.split(" as ").next().unwrap_or(tree).trim().to_string()] };
    let prefix = &tree[..open];
    let Some(close) = tree.rfind('}').filter(|c| *c > open) else { return Vec::new() };
    let inner = &tree[open + 1..close];
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .filter(|i| !i.trim().is_empty())
        .flat_map(expand_use)
        .map(|rest| if rest == "self" { prefix.trim_end_matches("::").to_string() } else { format!("{prefix}{rest}") })
        .collect()
}

/// Every path the code names that starts at crate, super, self or a child module.
fn named_paths(code: &str, children: &BTreeSet<String>) -> Vec<String> {
    let mut paths = Vec::new();
    // `use` statements: a line that starts with one, up to its `;`.
    let mut stmt: Option<String> = None;
    for line in code.lines() {
        let t = line.trim_start();
        let t = ["pub(crate) ", "pub(super) ", "pub "].iter().find_map(|p| t.strip_prefix(p)).unwrap_or(t);
        if stmt.is_none() {
            if let Some(rest) = t.strip_prefix("use ") {
                stmt = Some(rest.to_string());
            } else {
                continue;
            }
        } else if let Some(s) = stmt.as_mut() {
            s.push(' ');
            s.push_str(t);
        }
        if let Some(s) = stmt.take_if(|s| s.contains(';')) {
            let tree: String = s[..s.find(';').unwrap_or(s.len())].split_whitespace().collect::<Vec<_>>().join(" ");
            paths.extend(expand_use(&tree));
        }
    }
    // Qualified paths in expressions and types.
    let bytes = code.as_bytes();
    let roots: Vec<String> =
        ["crate", "super", "self"].iter().map(|s| s.to_string()).chain(children.iter().cloned()).collect();
    for root in &roots {
        let pat = format!("{root}::");
        let mut from = 0;
        while let Some(off) = code[from..].find(&pat) {
            let at = from + off;
            from = at + pat.len();
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_' || bytes[at - 1] == b':') {
                continue;
            }
            let end = code[at..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .map_or(code.len(), |e| at + e);
            paths.push(code[at..end].trim_end_matches(':').to_string());
        }
    }
    paths
}

/// The file a path points at: the deepest module of it that is a file.
fn resolve(
    path: &str,
    here: &[String],
    children: &BTreeSet<String>,
    files: &BTreeMap<Vec<String>, PathBuf>,
) -> Option<PathBuf> {
    let segs: Vec<&str> = path.split("::").collect();
    let mut module: Vec<String> = match segs[0] {
        "crate" => Vec::new(),
        "self" => here.to_vec(),
        "super" => here[..here.len().saturating_sub(1)].to_vec(),
        c if children.contains(c) => {
            let mut m = here.to_vec();
            m.push(c.to_string());
            m
        }
        _ => return None, // an external crate or std
    };
    let mut i = 1;
    while i < segs.len() && segs[i] == "super" {
        module.pop();
        i += 1;
    }
    for s in &segs[i..] {
        let mut next = module.clone();
        next.push(s.to_string());
        if files.contains_key(&next) {
            module = next;
        } else {
            break;
        }
    }
    files.get(&module).cloned()
}

struct Graph {
    /// file → files it names
    edges: BTreeMap<PathBuf, BTreeSet<PathBuf>>,
}

fn graph() -> Graph {
    let src = Path::new(ROOT).join("src");
    let mut list = Vec::new();
    rust_files(&src, &mut list);
    let rel = |p: &Path| p.strip_prefix(ROOT).map(Path::to_path_buf).unwrap_or_else(|_| p.to_path_buf());
    let files: BTreeMap<Vec<String>, PathBuf> = list
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n != "main.rs"))
        .map(|p| (module_of(&rel(p)), rel(p)))
        .collect();
    let mut edges = BTreeMap::new();
    for (module, file) in &files {
        let text = std::fs::read_to_string(Path::new(ROOT).join(file)).expect("read source");
        let code = production_code(&text);
        let children: BTreeSet<String> = code
            .lines()
            .filter_map(|l| {
                let l = l.trim();
                let l = l.strip_prefix("pub ").unwrap_or(l);
                l.strip_prefix("mod ").and_then(|m| m.strip_suffix(';')).map(str::to_string)
            })
            .collect();
        let targets: BTreeSet<PathBuf> = named_paths(&code, &children)
            .iter()
            .filter_map(|p| resolve(p, module, &children, &files))
            .filter(|t| t != file)
            .collect();
        edges.insert(file.clone(), targets);
    }
    Graph { edges }
}

/// `src/drivers/slots/mod.rs` → `drivers`; `src/views.rs` → `views`.
fn top_module(file: &Path) -> String {
    module_of(file).first().cloned().unwrap_or_else(|| "lib".into())
}

fn find_cycle<N: Ord + Clone>(edges: &BTreeMap<N, BTreeSet<N>>) -> Option<Vec<N>> {
    fn visit<N: Ord + Clone>(
        n: &N,
        edges: &BTreeMap<N, BTreeSet<N>>,
        state: &mut BTreeMap<N, u8>,
        stack: &mut Vec<N>,
    ) -> Option<Vec<N>> {
        state.insert(n.clone(), 1);
        stack.push(n.clone());
        for m in edges.get(n).into_iter().flatten() {
            match state.get(m).copied().unwrap_or(0) {
                1 => {
                    let at = stack.iter().position(|x| x == m).unwrap_or(0);
                    let mut cycle = stack[at..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(m, edges, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in edges.keys() {
        if state.get(n).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(n, edges, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn the_allowed_layers_have_no_circle() {
    let table = allowed_table();
    let edges: BTreeMap<String, BTreeSet<String>> =
        table.iter().map(|(m, deps)| (m.clone(), deps.iter().filter(|d| *d != "*").cloned().collect())).collect();
    assert_eq!(find_cycle(&edges), None, "the ```layers table of docs/architecture.md has a circle");
    for (m, deps) in &table {
        for d in deps.iter().filter(|d| *d != "*") {
            assert!(table.contains_key(d), "{m} → {d}: {d} has no row of its own in the ```layers table");
        }
    }
}

#[test]
fn every_import_follows_the_layers() {
    let table = allowed_table();
    let g = graph();
    let mut wrong = Vec::new();
    for (file, targets) in &g.edges {
        let from = top_module(file);
        if from == "lib" {
            continue; // the crate root only declares the modules
        }
        let Some(allowed) = table.get(&from) else {
            wrong.push(format!(
                "{}: module `{from}` has no row in the ```layers table of docs/architecture.md",
                file.display()
            ));
            continue;
        };
        for t in targets {
            let to = top_module(t);
            if to != from && to != "lib" && !allowed.contains(&to) && !allowed.contains("*") {
                wrong.push(format!(
                    "{} imports {} (`{from}` may import: {})",
                    file.display(),
                    t.display(),
                    allowed.iter().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against docs/architecture.md:\n  {}", wrong.join("\n  "));
}

#[test]
fn no_file_imports_itself_round_a_circle() {
    let g = graph();
    if let Some(cycle) = find_cycle(&g.edges) {
        let names: Vec<String> = cycle.iter().map(|p| p.display().to_string()).collect();
        panic!("import circle: {}", names.join(" → "));
    }
}

#[test]
fn main_is_thin() {
    let main = std::fs::read_to_string(Path::new(ROOT).join("src/main.rs")).expect("src/main.rs");
    let code = production_code(&main);
    assert!(code.lines().count() <= 15, "src/main.rs should only parse the command line and call rvmctl::cli");
    for line in code.lines().filter(|l| l.contains("rvmctl::")) {
        assert!(line.contains("rvmctl::cli::"), "src/main.rs reaches past cli: {line}");
    }
}

/// The check itself: a deliberately wrong import is caught.
#[test]
fn a_wrong_import_is_caught() {
    let children = BTreeSet::new();
    let code = production_code(
        "use crate::drivers::{self, Driver};\nfn f() { crate::ui::table::plan(); }\n// crate::cli::x\n",
    );
    let paths = named_paths(&code, &children);
    assert_eq!(paths, vec!["crate::drivers", "crate::drivers::Driver", "crate::drivers", "crate::ui::table::plan"]);
    let files: BTreeMap<Vec<String>, PathBuf> = [
        (vec!["drivers".to_string()], PathBuf::from("src/drivers/mod.rs")),
        (vec!["ui".to_string()], PathBuf::from("src/ui/mod.rs")),
        (vec!["ui".to_string(), "table".to_string()], PathBuf::from("src/ui/table.rs")),
    ]
    .into();
    let here = vec!["plan".to_string()];
    let resolved: Vec<PathBuf> = paths.iter().filter_map(|p| resolve(p, &here, &children, &files)).collect();
    assert!(resolved.contains(&PathBuf::from("src/ui/table.rs")));
    let table = allowed_table();
    assert!(!table["plan"].contains("ui") && !table["plan"].contains("drivers"), "plan may not import ui or drivers");
    assert_eq!(
        expand_use("super::{client::ApiFailure, KubeDriver, x::{self, y}}"),
        vec!["super::client::ApiFailure", "super::KubeDriver", "super::x", "super::x::y"]
    );
}
