//! `--shard K/N`: N CI jobs roll out one fleet together, each taking a
//! deterministic, disjoint share of the selected hosts.
//!
//! The hosts of each target are sorted by name and dealt round-robin, so
//! shard sizes differ by at most one and the split does not depend on the
//! order hosts are listed in. Targets without hosts (Kubernetes) belong to
//! shard 1 only: the backend is switched once, not N times. Each shard runs
//! the target's strategy and failure budget over its own hosts; per-host
//! locks keep two shards (or a shard and anyone else) from colliding.

use std::fmt;
use std::str::FromStr;

use super::ResolvedEnv;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: u32,
    pub count: u32,
}

impl FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("'{s}' is not a shard: write K/N with 1 ≤ K ≤ N, e.g. 2/3");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count) = (k.trim().parse::<u32>().map_err(|_| bad())?, n.trim().parse::<u32>().map_err(|_| bad())?);
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl ResolvedEnv {
    /// Keeps this shard's hosts of every target; drops targets left empty.
    pub fn only_shard(&mut self, shard: Shard) {
        let (k, n) = (shard.index as usize - 1, shard.count as usize);
        for t in &mut self.targets {
            let mut names: Vec<String> = t.hosts.iter().map(|h| h.name.clone()).collect();
            names.sort();
            let mine: std::collections::HashSet<String> = names.into_iter().skip(k).step_by(n).collect();
            t.hosts.retain(|h| mine.contains(&h.name));
        }
        self.targets.retain(|t| !t.hosts.is_empty() || (t.kind == super::schema::TargetKind::Kubernetes && k == 0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(hosts: usize) -> ResolvedEnv {
        let hosts: String = (1..=hosts).rev().map(|i| format!("rvm-{i:03}, ")).collect();
        let text = format!(
            "apiVersion: rvmctl/v1\nproject: p\nenvironments:\n  prod:\n    targets:\n      - {{ name: fleet, kind: ssh, app: edge, hosts: [{hosts}] }}\n      - {{ name: api, kind: kubernetes, app: api }}\napps:\n  edge: {{ artifact: {{ path: ./d }} }}\n  api: {{ image: \"x:{{version}}\", service: api }}\n"
        );
        let cfg = crate::config::load_str(std::path::Path::new("/c.yaml"), "c.yaml", &text).expect("config");
        cfg.environment("prod").expect("env")
    }

    #[test]
    fn shards_cover_every_host_exactly_once_and_balance() {
        for (hosts, n) in [(10, 3), (3, 3), (2, 5), (1000, 7)] {
            let mut seen = Vec::new();
            let mut sizes = Vec::new();
            for k in 1..=n {
                let mut e = env(hosts);
                e.only_shard(Shard { index: k, count: n });
                let mine: Vec<String> = e
                    .targets
                    .iter()
                    .filter(|t| t.name == "fleet")
                    .flat_map(|t| t.hosts.iter().map(|h| h.name.clone()))
                    .collect();
                sizes.push(mine.len());
                seen.extend(mine);
                // The backend is in shard 1 only.
                assert_eq!(e.targets.iter().any(|t| t.name == "api"), k == 1, "shard {k}/{n}");
            }
            seen.sort();
            seen.dedup();
            assert_eq!(seen.len(), hosts, "{hosts} hosts in {n} shards");
            assert!(sizes.iter().max().unwrap_or(&0) - sizes.iter().min().unwrap_or(&0) <= 1, "{sizes:?}");
        }
    }

    #[test]
    fn shard_syntax() {
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
            assert!(bad.parse::<Shard>().unwrap_err().contains("e.g. 2/3"), "{bad}");
        }
    }
}
