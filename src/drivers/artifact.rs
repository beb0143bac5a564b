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
    /// `path:` artifacts: bytes to upload, and about how many they unpack to
    /// (see [`unpacked_size`]); both unknown for a `url:` until it arrives.
    pub size: Option<u64>,
    pub unpacked: Option<u64>,
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

/// About how many bytes a .tar.gz unpacks to, read from the gzip trailer
/// (ISIZE, the size modulo 4 GiB: what `gzip -l` shows) without unpacking
/// it. Past 4 GiB the trailer wraps, so while it is clearly below the
/// compressed size (gzip never grows data by more than a few bytes per
/// block) 4 GiB is added: a lower bound, never more than the truth. The
/// host estimates the same way (`STAGE`).
pub fn unpacked_size(path: &Path) -> std::io::Result<u64> {
    use std::io::{Seek, SeekFrom};
    let mut f = std::fs::File::open(path)?;
    let compressed = f.metadata()?.len();
    if compressed < 4 {
        return Ok(0);
    }
    f.seek(SeekFrom::End(-4))?;
    let mut trailer = [0u8; 4];
    f.read_exact(&mut trailer)?;
    Ok(unwrap_isize(u64::from(u32::from_le_bytes(trailer)), compressed))
}

/// The smallest size ≡ `isize` (mod 4 GiB) that gzip could have compressed
/// into `compressed` bytes.
pub fn unwrap_isize(isize: u64, compressed: u64) -> u64 {
    let mut u = isize;
    while u + u / 100 + 1024 < compressed {
        u += 1 << 32;
    }
    u
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
    let expected = match (&artifact.sha256, &artifact.sha256_url) {
        (Some(t), _) => Some(t.render(&lookup)?),
        (None, Some(u)) => Some(fetch_sha256(&u.render(&lookup)?)?),
        (None, None) => None,
    };
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
        let size = std::fs::metadata(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?.len();
        let unpacked = unpacked_size(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        return Ok(PreparedArtifact {
            local_file: Some(file),
            url: None,
            sha256: Some(sha),
            size: Some(size),
            unpacked: Some(unpacked),
        });
    }
    let url = artifact.url.as_ref().map(|t| t.render(&lookup)).transpose()?;
    Ok(PreparedArtifact { local_file: None, url, sha256: expected, size: None, unpacked: None })
}

/// The sha256 published at `url` (`artifact.sha256_url`): a `sha256sum`
/// line or the bare digest, fetched on the operator's side (once per
/// version and run, see [`memoize`]). Errors never show the URL's secrets.
fn fetch_sha256(url: &str) -> Result<String, String> {
    let shown = crate::model::redact_url(url);
    let failed = |why: String| {
        format!(
            "cannot read the artifact's sha256 from {shown} (artifact.sha256_url): {}; check that URL, or set artifact.sha256",
            crate::model::redact_url(&why)
        )
    };
    let owned = url.to_string();
    // Its own thread and runtime: this runs inside the caller's runtime.
    let body = std::thread::spawn(move || -> Result<String, String> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
        rt.block_on(async {
            let client = reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .map_err(|e| crate::exit::error_chain(&e))?;
            let resp = client.get(&owned).send().await.map_err(|e| crate::exit::error_chain(&e))?;
            if !resp.status().is_success() {
                return Err(format!("HTTP {}", resp.status().as_u16()));
            }
            resp.text().await.map_err(|e| crate::exit::error_chain(&e))
        })
    })
    .join()
    .map_err(|_| failed("the download stopped unexpectedly".into()))?
    .map_err(failed)?;
    parse_sha256(&body).ok_or_else(|| {
        format!(
            "{shown} (artifact.sha256_url) does not start with a sha256 (64 hex digits), e.g. the output of `sha256sum FILE`; check that URL, or set artifact.sha256"
        )
    })
}

/// The digest a checksum file starts with: `sha256sum` output or the bare hex.
fn parse_sha256(body: &str) -> Option<String> {
    let first = body.split_whitespace().next()?.to_ascii_lowercase();
    (first.len() == 64 && first.bytes().all(|b| b.is_ascii_hexdigit())).then_some(first)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checksum_file_is_read_as_sha256sum_writes_it() {
        let sha = "9852f636eff9f9ff532d4ff4e44df5c491a2cc1f5503b9444d8d2417aad51d40";
        assert_eq!(parse_sha256(&format!("{sha}  edge-1.0.0.tar.gz\n")).as_deref(), Some(sha));
        assert_eq!(parse_sha256(&format!("{}\n", sha.to_uppercase())).as_deref(), Some(sha));
        assert_eq!(parse_sha256("not found"), None);
        assert_eq!(parse_sha256(&sha[..40]), None);
        assert_eq!(parse_sha256(""), None);
    }

    #[test]
    fn unpacked_size_reads_the_gzip_trailer() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        std::fs::write(&data, vec![b'x'; 300_000]).expect("write");
        let status = std::process::Command::new("gzip").arg("-k").arg(&data).status().expect("gzip");
        assert!(status.success());
        assert_eq!(unpacked_size(&dir.path().join("data.gz")).expect("size"), 300_000);
    }

    #[test]
    fn a_wrapped_trailer_is_unwrapped_only_when_it_cannot_be_true() {
        // Incompressible data: a few bytes larger compressed; no wrap.
        assert_eq!(unwrap_isize(1_000_000, 1_000_200), 1_000_000);
        // A trailer that could be true is kept (5 GiB of text packed into
        // 1 GiB shows 1 GiB too: the estimate is a lower bound).
        assert_eq!(unwrap_isize(1 << 30, 1 << 30), 1 << 30);
        // 6 GiB of random data (6 GiB compressed) shows 2 GiB in the trailer.
        assert_eq!(unwrap_isize(2 << 30, 6 << 30), (2u64 << 30) + (4 << 30));
        assert_eq!(unwrap_isize(0, 0), 0);
    }
}
