//! Dependency ordering of services (Kahn's algorithm, stable by declaration
//! order) with cycle detection that names the cycle.

use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleError {
    /// The services on the cycle, first repeated at the end: a → b → a.
    pub cycle: Vec<String>,
}

/// Orders `nodes` (name, dependencies) so every node comes after its
/// dependencies; ties keep declaration order. Unknown dependencies are ignored
/// (validation reports them).
pub fn order(nodes: &[(String, Vec<String>)]) -> Result<Vec<String>, CycleError> {
    let index: HashMap<&str, usize> = nodes.iter().enumerate().map(|(i, (n, _))| (n.as_str(), i)).collect();
    let mut indegree = vec![0usize; nodes.len()];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for (i, (_, deps)) in nodes.iter().enumerate() {
        for d in deps {
            if let Some(&j) = index.get(d.as_str()) {
                indegree[i] += 1;
                dependents[j].push(i);
            }
        }
    }
    let mut out = Vec::with_capacity(nodes.len());
    let mut done = vec![false; nodes.len()];
    // Lowest declaration index among ready nodes: deterministic order.
    while let Some(next) = (0..nodes.len()).find(|&i| !done[i] && indegree[i] == 0) {
        done[next] = true;
        out.push(nodes[next].0.clone());
        for &d in &dependents[next] {
            indegree[d] -= 1;
        }
    }
    if out.len() == nodes.len() {
        return Ok(out);
    }
    Err(CycleError { cycle: find_cycle(nodes, &index, &done) })
}

fn find_cycle(nodes: &[(String, Vec<String>)], index: &HashMap<&str, usize>, done: &[bool]) -> Vec<String> {
    // Walk dependencies from any unfinished node until a node repeats.
    let start = done.iter().position(|d| !d).unwrap_or(0);
    let mut path = vec![start];
    let mut cur = start;
    loop {
        let next = nodes[cur].1.iter().filter_map(|d| index.get(d.as_str()).copied()).find(|&j| !done[j]);
        let Some(next) = next else { break };
        if let Some(pos) = path.iter().position(|&p| p == next) {
            // Read as "a needs c needs b needs a".
            let mut cycle: Vec<String> = path[pos..].iter().map(|&p| nodes[p].0.clone()).collect();
            cycle.push(nodes[next].0.clone());
            return cycle;
        }
        path.push(next);
        cur = next;
    }
    vec![nodes[start].0.clone()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(name: &str, deps: &[&str]) -> (String, Vec<String>) {
        (name.into(), deps.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn orders_by_dependencies_then_declaration() {
        let nodes = vec![
            n("config", &[]),
            n("logging", &[]),
            n("security", &["config"]),
            n("api", &["config", "security"]),
            n("camera", &["config", "logging"]),
            n("detection", &["camera", "api"]),
            n("main", &["detection"]),
        ];
        assert_eq!(order(&nodes).unwrap(), ["config", "logging", "security", "api", "camera", "detection", "main"]);
    }

    #[test]
    fn names_the_cycle() {
        let nodes = vec![n("a", &["c"]), n("b", &["a"]), n("c", &["b"]), n("d", &[])];
        let err = order(&nodes).unwrap_err();
        assert_eq!(err.cycle.first(), err.cycle.last());
        assert_eq!(err.cycle.len(), 4, "{:?}", err.cycle);
        for s in ["a", "b", "c"] {
            assert!(err.cycle.contains(&s.to_string()));
        }
    }

    #[test]
    fn self_dependency_is_a_cycle() {
        let err = order(&[n("a", &["a"])]).unwrap_err();
        assert_eq!(err.cycle, ["a", "a"]);
    }
}
