//! Operator-side artifact preparation: a `path:` artifact (a .tar.gz, or a
//! folder packed reproducibly into one) and its sha256, computed streaming.

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::config::schema::Artifact;

/// The artifact to stage, prepared on the operator's side.
#[derive(Debug, Clone)]
pub struct PreparedArtifact {
    /// A .tar.gz on this machine, uploaded to the host.
    pub local_file: Option<PathBuf>,
    /// Or fetched on the host.
    pub url: Option<String>,
    pub sha256: Option<String>,
}

/// Resolves the artifact of a version (operator-side I/O, memoized).
pub type ArtifactFn = std::sync::Arc<dyn Fn(&str) -> Result<PreparedArtifact, String> + Send + Sync>;

pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

fn cache_dir() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("rvmctl")
        .join("artifacts")
}

/// Packs a folder into a reproducible .tar.gz (sorted, fixed mtime and owner),
/// so the same folder always has the same checksum.
fn pack_dir(dir: &Path, name: &str) -> Result<PathBuf, String> {
    let out_dir = cache_dir();
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    let out = out_dir.join(format!("{name}.tar.gz"));
    let tmp = out_dir.join(format!("{name}.{}.tmp", std::process::id()));
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg("tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C \"$1\" -cf - . | gzip -n > \"$2\"")
        .arg("pack")
        .arg(dir)
        .arg(&tmp)
        .status()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !status.success() {
        return Err(format!("packing {} failed (tar exited {status})", dir.display()));
    }
    std::fs::rename(&tmp, &out).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(out)
}

/// Resolves the artifact of `version` for an app.
pub fn prepare(cfg: &Config, app_name: &str, artifact: &Artifact, version: &str) -> Result<PreparedArtifact, String> {
    let lookup = |n: &str| match n {
        "version" => Some(version.to_string()),
        "app" => Some(app_name.to_string()),
        "project" => Some(cfg.project().to_string()),
        _ => None,
    };
    let expected = artifact.sha256.as_ref().map(|t| t.render(&lookup)).transpose()?;
    if let Some(path) = &artifact.path {
        let rendered = path.render(&lookup)?;
        let p = cfg.path(&rendered);
        let file = if p.is_dir() {
            pack_dir(&p, &format!("{app_name}-{version}"))?
        } else if p.is_file() {
            p.clone()
        } else {
            return Err(format!(
                "artifact for version {version} not found at {} (from artifact.path '{}'); build it first or check the version",
                p.display(),
                path
            ));
        };
        let sha = sha256_file(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        if let Some(exp) = &expected {
            if exp != &sha {
                return Err(format!(
                    "checksum mismatch for {}: expected {exp}, got {sha}; refusing to deploy it",
                    file.display()
                ));
            }
        }
        return Ok(PreparedArtifact { local_file: Some(file), url: None, sha256: Some(sha) });
    }
    let url = artifact.url.as_ref().map(|t| t.render(&lookup)).transpose()?;
    Ok(PreparedArtifact { local_file: None, url, sha256: expected })
}

/// Prepares each version once per run (packing a folder is not free).
pub fn memoize(f: impl Fn(&str) -> Result<PreparedArtifact, String> + Send + Sync + 'static) -> ArtifactFn {
    let cache: std::sync::Mutex<std::collections::HashMap<String, PreparedArtifact>> = Default::default();
    std::sync::Arc::new(move |version: &str| {
        let mut guard = cache.lock().map_err(|_| "artifact cache poisoned".to_string())?;
        if let Some(a) = guard.get(version) {
            return Ok(a.clone());
        }
        let a = f(version)?;
        guard.insert(version.to_string(), a.clone());
        Ok(a)
    })
}
