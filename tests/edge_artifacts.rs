//! Artifacts at the edge, on real sshd hosts: a host's download that
//! breaks off is continued, not restarted, and verified before unpacking;
//! each host keeps its recent artifacts, so a redeploy transfers nothing;
//! and a host without the disk space fails before anything is written.

mod support;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use support::{Fleet, text};

/// One request the artifact server answered: its path (query dropped) and
/// its `Range:` header.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    range: Option<String>,
}

/// A loopback HTTP server for artifacts: serves `files` by path, honours
/// `Range: bytes=N-` (206, or 416 past the end), and cuts the connection
/// half-way through the body of the next `cuts` answers (headers announce
/// the whole length, so the client sees a transfer that broke off).
struct ArtifactServer {
    url: String,
    files: Arc<Mutex<HashMap<String, Vec<u8>>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    cuts: Arc<AtomicUsize>,
}

impl ArtifactServer {
    fn start() -> ArtifactServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let server =
            ArtifactServer { url, files: Arc::default(), seen: Arc::default(), cuts: Arc::new(AtomicUsize::new(0)) };
        let (files, seen, cuts) = (server.files.clone(), server.seen.clone(), server.cuts.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (files, seen, cuts) = (files.clone(), seen.clone(), cuts.clone());
                std::thread::spawn(move || answer(stream, &files, &seen, &cuts));
            }
        });
        server
    }

    fn serve(&self, path: &str, body: Vec<u8>) {
        self.files.lock().expect("files").insert(path.to_string(), body);
    }

    fn seen(&self, path: &str) -> Vec<Seen> {
        self.seen.lock().expect("seen").iter().filter(|s| s.path == path).cloned().collect()
    }

    fn all_seen(&self) -> usize {
        self.seen.lock().expect("seen").len()
    }
}

fn answer(stream: TcpStream, files: &Mutex<HashMap<String, Vec<u8>>>, seen: &Mutex<Vec<Seen>>, cuts: &AtomicUsize) {
    let Ok(clone) = stream.try_clone() else { return };
    let mut reader = BufReader::new(clone);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let target = line.split_whitespace().nth(1).unwrap_or_default();
    let path = target.split('?').next().unwrap_or_default().to_string();
    let mut range = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.trim().split_once(':') {
            if k.eq_ignore_ascii_case("range") {
                range = Some(v.trim().to_string());
            }
        }
    }
    seen.lock().expect("seen").push(Seen { path: path.clone(), range: range.clone() });
    let body = files.lock().expect("files").get(&path).cloned();
    let mut s = stream;
    let Some(body) = body else {
        let _ = write!(s, "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        return;
    };
    let total = body.len();
    let from = range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse::<usize>().ok());
    let (head, part) = match from {
        Some(n) if n >= total => {
            let _ = write!(
                s,
                "HTTP/1.1 416 Range Not Satisfiable\r\ncontent-range: bytes */{total}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
            return;
        }
        Some(n) => {
            (format!("HTTP/1.1 206 Partial Content\r\ncontent-range: bytes {n}-{}/{total}\r\n", total - 1), &body[n..])
        }
        None => ("HTTP/1.1 200 OK\r\n".to_string(), &body[..]),
    };
    let _ = write!(
        s,
        "{head}content-type: application/gzip\r\naccept-ranges: bytes\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        part.len()
    );
    let cut = cuts.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |c| c.checked_sub(1)).is_ok();
    if cut {
        let _ = s.write_all(&part[..part.len() / 2]);
        let _ = s.flush();
        // The request was read whole: this is a FIN mid-body, not a reset.
        let _ = s.shutdown(Shutdown::Write);
        return;
    }
    let _ = s.write_all(part);
    let _ = s.flush();
}

/// Release `version` with `kib` KiB of incompressible bytes in it (so a
/// transfer spans many packets), packed as `dist/edge-VERSION.tar.gz`:
/// its bytes and sha256.
fn release(f: &Fleet, version: &str, kib: usize) -> (Vec<u8>, String) {
    f.build_release(version, false);
    let mut x: u64 =
        0x9E37_79B9_7F4A_7C15 ^ version.bytes().fold(7u64, |a, b| a.wrapping_mul(31).wrapping_add(b.into()));
    let blob: Vec<u8> = (0..kib * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let dir = f.path(&format!("dist/edge-{version}"));
    std::fs::write(dir.join("blob.bin"), blob).expect("blob");
    let tar = f.path(&format!("dist/edge-{version}.tar.gz"));
    let st = std::process::Command::new("tar").arg("-czf").arg(&tar).arg("-C").arg(&dir).arg(".").status();
    assert!(st.is_ok_and(|s| s.success()), "tar {version}");
    let bytes = std::fs::read(&tar).expect("tarball");
    let sha = rvmctl::drivers::artifact::sha256_file(&tar).expect("sha256");
    (bytes, sha)
}

/// The fleet's config with a `url:` artifact at `url` and `sha256`.
fn url_config(f: &Fleet, settings: &str, url: &str, sha: &str) {
    let path = f.write_config(settings, "");
    let root = f.dir.path().display().to_string();
    let cfg = std::fs::read_to_string(&path).expect("config");
    let path_line = format!("      path: \"{root}/dist/edge-{{version}}\"\n");
    assert!(cfg.contains(&path_line), "the fixture's artifact changed shape:\n{cfg}");
    let cfg = cfg.replace(&path_line, &format!("      url: \"{url}\"\n      sha256: \"{sha}\"\n"));
    std::fs::write(&path, cfg).expect("config");
}

fn deploy(f: &Fleet, version: &str) -> std::process::Output {
    f.run(&["deploy", "-e", "field", "--version", version, "--yes", "-v"])
}

fn artifacts(base: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(base.join(".rvmctl/artifacts"))
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn cached(base: &Path, sha: &str) -> PathBuf {
    base.join(format!(".rvmctl/artifacts/{sha}.tar.gz"))
}

#[test]
fn a_download_cut_mid_body_is_continued_from_where_it_stopped_and_verified() {
    let f = Fleet::start(1);
    let server = ArtifactServer::start();
    let (bytes, sha) = release(&f, "1.0.0", 512);
    let total = bytes.len();
    server.serve("/edge-1.0.0.tar.gz", bytes);
    server.cuts.store(1, Ordering::SeqCst);
    // A token in the URL: the host needs it, nobody may read it.
    url_config(&f, "strategy: blue_green", &format!("{}/edge-{{version}}.tar.gz?token=S3CRET", server.url), &sha);

    let o = deploy(&f, "1.0.0");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let seen = server.seen("/edge-1.0.0.tar.gz");
    assert_eq!(seen.len(), 2, "one cut request, one that continued it: {seen:?}");
    assert_eq!(seen[0].range, None, "the first request starts at byte 0: {seen:?}");
    let from: usize = seen[1]
        .range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the second request asks for the rest: {seen:?}"));
    assert!(from > 0 && from < total, "it continued at byte {from} of {total}, not from the start");
    assert!(text(&o).contains("in 2 attempts, continuing where each broke off"), "{}", text(&o));
    assert_eq!(f.live_version(0).as_deref(), Some("1.0.0"));
    let base = f.hosts[0].base();
    assert!(base.join("blue/blob.bin").is_file(), "the slot holds the whole release");
    assert_eq!(artifacts(&base), vec![cached(&base, &sha), base.join(".rvmctl/artifacts/used")], "no part file left");
    assert!(!text(&o).contains("S3CRET"), "{}", text(&o));

    // A file that does not match its sha256 is deleted, and the error says so;
    // the slot is not touched.
    let (good, sha2) = release(&f, "1.1.0", 64);
    let mut bad = good.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0xff;
    server.serve("/edge-1.1.0.tar.gz", bad);
    url_config(&f, "strategy: blue_green", &format!("{}/edge-{{version}}.tar.gz?token=S3CRET", server.url), &sha2);
    let o = deploy(&f, "1.1.0");
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    let all = text(&o);
    assert!(all.contains(&format!("checksum mismatch: expected {sha2}, got ")), "{all}");
    assert!(all.contains("/edge-1.1.0.tar.gz?token=*** "), "the URL is shown masked: {all}");
    assert!(all.contains("the downloaded file was deleted and the slot was not touched"), "{all}");
    assert!(!all.contains("S3CRET"), "{all}");
    assert!(!cached(&base, &sha2).exists(), "nothing kept under the artifact's name");
    assert!(!base.join(format!(".rvmctl/artifacts/{sha2}.tar.gz.part")).exists(), "nor its part");
    assert!(!base.join("green").exists(), "the slot was not touched");

    // Once the server has the right file, the next run starts over and succeeds.
    server.serve("/edge-1.1.0.tar.gz", good);
    let o = deploy(&f, "1.1.0");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let seen = server.seen("/edge-1.1.0.tar.gz");
    assert_eq!(seen.last().map(|s| s.range.clone()), Some(None), "a deleted file is fetched from byte 0: {seen:?}");
    assert_eq!(f.live_version(0).as_deref(), Some("1.1.0"));
    f.assert_safe();
}

#[test]
fn a_part_left_by_an_earlier_run_is_continued_by_the_next() {
    let f = Fleet::start(1);
    let server = ArtifactServer::start();
    let base = f.hosts[0].base();
    let part = |sha: &str| base.join(format!(".rvmctl/artifacts/{sha}.tar.gz.part"));
    std::fs::create_dir_all(base.join(".rvmctl/artifacts")).expect("artifacts dir");

    // Half of 1.0.0 arrived before the last run was cut off (a timeout).
    let (bytes, sha) = release(&f, "1.0.0", 256);
    let half = bytes.len() / 2;
    std::fs::write(part(&sha), &bytes[..half]).expect("part");
    server.serve("/edge-1.0.0.tar.gz", bytes);
    url_config(&f, "strategy: blue_green", &format!("{}/edge-{{version}}.tar.gz", server.url), &sha);
    let o = deploy(&f, "1.0.0");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let seen = server.seen("/edge-1.0.0.tar.gz");
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].range.as_deref(), Some(format!("bytes={half}-").as_str()), "{seen:?}");
    assert_eq!(f.live_version(0).as_deref(), Some("1.0.0"));

    // All of 1.1.0 arrived, but the run ended before it was checked: the
    // server has nothing more to send (416), and the part is verified as is.
    let (bytes, sha) = release(&f, "1.1.0", 16);
    std::fs::write(part(&sha), &bytes).expect("part");
    server.serve("/edge-1.1.0.tar.gz", bytes);
    url_config(&f, "strategy: blue_green", &format!("{}/edge-{{version}}.tar.gz", server.url), &sha);
    let o = deploy(&f, "1.1.0");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(f.live_version(0).as_deref(), Some("1.1.0"));
    assert!(!part(&sha).exists() && cached(&base, &sha).is_file());
}

#[test]
fn a_redeploy_of_a_recent_url_release_downloads_nothing() {
    let f = Fleet::start(1);
    let server = ArtifactServer::start();
    let mut shas = HashMap::new();
    for v in ["1.0.0", "1.1.0", "1.2.0", "1.3.0"] {
        let (bytes, sha) = release(&f, v, 16);
        server.serve(&format!("/edge-{v}.tar.gz"), bytes);
        shas.insert(v, sha);
    }
    let url = format!("{}/edge-{{version}}.tar.gz", server.url);
    // One sha256 per version: the config names the one being deployed.
    let run = |v: &str| {
        url_config(&f, "strategy: blue_green", &url, &shas[v]);
        let o = deploy(&f, v);
        assert_eq!(o.status.code(), Some(0), "{v}: {}", text(&o));
        assert_eq!(f.live_version(0).as_deref(), Some(v));
        o
    };
    for v in ["1.0.0", "1.1.0", "1.2.0"] {
        run(v);
    }
    // 1.0.0 is in no slot any more (blue 1.2.0, green 1.1.0), but among the
    // 3 most recent: the host stages it from its cache.
    let before = server.all_seen();
    let o = run("1.0.0");
    assert_eq!(server.all_seen(), before, "no request at all: {:?}", server.seen("/edge-1.0.0.tar.gz"));
    assert!(text(&o).contains("artifact from the host's cache"), "{}", text(&o));

    // The cache stays bounded: 1.1.0 is neither recent nor in a slot.
    run("1.3.0");
    let base = f.hosts[0].base();
    let mut want: Vec<PathBuf> = ["1.0.0", "1.2.0", "1.3.0"].iter().map(|v| cached(&base, &shas[v])).collect();
    want.push(base.join(".rvmctl/artifacts/used"));
    want.sort();
    assert_eq!(artifacts(&base), want);
    f.assert_safe();
}

/// `n` hosts that had 1.0.0, 1.1.0 and 1.2.0 deployed from `path:`
/// artifacts (1.2.0 live, 1.0.0 in their caches), and 1.0.0's sha256.
fn deployed_three_releases(n: usize) -> (Fleet, String) {
    let f = Fleet::start(n);
    for v in ["1.0.0", "1.1.0", "1.2.0"] {
        f.build_release(v, false);
    }
    f.write_config("strategy: blue_green", "");
    for v in ["1.0.0", "1.1.0", "1.2.0"] {
        let o = deploy(&f, v);
        assert_eq!(o.status.code(), Some(0), "{v}: {}", text(&o));
    }
    // The packed 1.0.0 and its sha256 (the folder packs reproducibly).
    let packed = f.path("cache/rvmctl/artifacts/edge-1.0.0.tar.gz");
    let sha = rvmctl::drivers::artifact::sha256_file(&packed).expect("packed 1.0.0");
    (f, sha)
}

#[test]
fn path_uploads_skip_every_host_that_holds_the_checksum() {
    let (f, sha) = deployed_three_releases(2);
    let (a, b) = (f.hosts[0].base(), f.hosts[1].base());
    let kept = std::fs::metadata(cached(&a, &sha)).expect("rvm-001 keeps 1.0.0");
    // rvm-002 lost it (a cleanup, a new disk): it alone gets an upload.
    std::fs::remove_file(cached(&b, &sha)).expect("rvm-002 keeps 1.0.0");

    let o = deploy(&f, "1.0.0");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let all = text(&o);
    assert_eq!(all.matches("artifact from the host's cache").count(), 1, "{all}");
    assert_eq!(all.matches("artifact uploaded").count(), 1, "{all}");
    let now = std::fs::metadata(cached(&a, &sha)).expect("rvm-001 still has it");
    assert_eq!(
        (now.ino(), now.mtime_nsec(), now.mtime()),
        (kept.ino(), kept.mtime_nsec(), kept.mtime()),
        "not rewritten"
    );
    assert!(cached(&b, &sha).is_file(), "rvm-002 got it back");
    for i in 0..2 {
        assert_eq!(f.live_version(i).as_deref(), Some("1.0.0"), "{}", f.hosts[i].name);
    }
    f.assert_safe();
}

/// The lock holder saw the artifact in the host's cache, so rvmctl planned
/// no upload; the file vanished before the stage ran. The stage asks for it
/// and gets it, instead of failing the host.
#[test]
fn a_cached_artifact_that_vanished_after_the_lock_is_sent_after_all() {
    let (f, sha) = deployed_three_releases(1);
    let base = f.hosts[0].base();
    assert!(cached(&base, &sha).is_file(), "the host keeps 1.0.0");

    let child = f
        .rvmctl()
        .args(["deploy", "-e", "field", "--version", "1.0.0", "--yes", "-v"])
        .env("RVMCTL_FAULT", "before:stage")
        .env("RVMCTL_FAULT_ACTION", "stop")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn rvmctl");
    assert!(support::wait_stopped(child.id()), "rvmctl never reached its stage");
    std::fs::remove_file(cached(&base, &sha)).expect("remove the cached 1.0.0");
    let _ = std::process::Command::new("kill").args(["-CONT", &child.id().to_string()]).status();
    let o = child.wait_with_output().expect("rvmctl ends");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("artifact uploaded"), "{}", text(&o));
    assert!(cached(&base, &sha).is_file(), "the host holds it again");
    assert_eq!(f.live_version(0).as_deref(), Some("1.0.0"));
    f.assert_safe();
}

/// A cached copy that is damaged (a bad disk, a half-written file) is not
/// trusted: the stage finds its checksum wrong and rvmctl sends the release.
#[test]
fn a_damaged_cached_artifact_is_sent_again() {
    let (f, sha) = deployed_three_releases(1);
    let base = f.hosts[0].base();
    std::fs::write(cached(&base, &sha), b"not the release").expect("damage the cached 1.0.0");
    let o = deploy(&f, "1.0.0");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("artifact uploaded"), "{}", text(&o));
    let now = rvmctl::drivers::artifact::sha256_file(&cached(&base, &sha)).expect("cached 1.0.0");
    assert_eq!(now, sha, "the cache holds the release again");
    assert_eq!(f.live_version(0).as_deref(), Some("1.0.0"));
    f.assert_safe();
}

#[test]
fn a_host_without_the_disk_space_fails_its_stage_before_anything_is_written() {
    let f = Fleet::start(1);
    f.build_release("1.0.0", false);
    let base = f.hosts[0].base();
    let nothing_written = |o: &std::process::Output| {
        assert!(artifacts(&base).is_empty(), "no artifact: {:?}\n{}", artifacts(&base), text(o));
        assert!(!base.join("blue").exists() && !base.join(".rvmctl/blue.json").exists(), "no slot: {}", text(o));
    };
    let absurd = "min_free_disk: 1000TiB";

    // path: checked before the upload, with the real df of the host.
    f.write_config(&format!("strategy: blue_green\n{absurd}"), "");
    let o = deploy(&f, "1.0.0");
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    let all = text(&o);
    for part in [
        "not enough disk space on rvm-001 for 1.0.0",
        "(upload ",
        " + unpacked ",
        " + min_free_disk 1000TiB)",
        &format!("on the filesystem of {}", base.display()),
        "free; nothing was written",
        "lower `min_free_disk`",
    ] {
        assert!(all.contains(part), "{part:?} in:\n{all}");
    }
    nothing_written(&o);

    // url: checked on the host before its download starts.
    let server = ArtifactServer::start();
    let (bytes, sha) = release(&f, "1.0.0", 16);
    server.serve("/edge-1.0.0.tar.gz", bytes);
    url_config(
        &f,
        &format!("strategy: blue_green\n{absurd}"),
        &format!("{}/edge-{{version}}.tar.gz", server.url),
        &sha,
    );
    let o = deploy(&f, "1.0.0");
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    let all = text(&o);
    assert!(all.contains("not enough disk space on rvm-001 for 1.0.0"), "{all}");
    assert!(all.contains("(min_free_disk 1000TiB before the download; its own size"), "{all}");
    assert_eq!(server.all_seen(), 0, "nothing was downloaded");
    nothing_written(&o);

    // With room, the same deploy goes through.
    url_config(&f, "strategy: blue_green", &format!("{}/edge-{{version}}.tar.gz", server.url), &sha);
    let o = deploy(&f, "1.0.0");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(f.live_version(0).as_deref(), Some("1.0.0"));
}

/// `sha256_url:` instead of `sha256:`: rvmctl reads the published checksum
/// file (as `sha256sum` writes it) and the host verifies the download
/// against it; a checksum that does not match, or none published, stops
/// the deploy with what to do, and the live release stays.
#[test]
fn a_url_artifact_is_verified_against_its_published_checksum_file() {
    let f = Fleet::start(1);
    let server = ArtifactServer::start();
    let (bytes, sha) = release(&f, "1.0.0", 16);
    server.serve("/edge-1.0.0.tar.gz", bytes);
    server.serve("/edge-1.0.0.tar.gz.sha256", format!("{sha}  edge-1.0.0.tar.gz\n").into_bytes());
    url_config(&f, "strategy: immediate", &format!("{}/edge-{{version}}.tar.gz", server.url), &sha);
    let path = f.path("deployment-config.yaml");
    let cfg = std::fs::read_to_string(&path).expect("config");
    let line = format!("      sha256: \"{sha}\"\n");
    assert!(cfg.contains(&line), "{cfg}");
    let published = format!("      sha256_url: \"{}/edge-{{version}}.tar.gz.sha256\"\n", server.url);
    std::fs::write(&path, cfg.replace(&line, &published)).expect("config");

    let o = deploy(&f, "1.0.0");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(f.live_version(0).as_deref(), Some("1.0.0"));
    assert_eq!(server.seen("/edge-1.0.0.tar.gz.sha256").len(), 1, "read once per run");

    // The published checksum is not the file's: the host refuses the download.
    let (bytes, _) = release(&f, "2.0.0", 16);
    server.serve("/edge-2.0.0.tar.gz", bytes);
    server.serve("/edge-2.0.0.tar.gz.sha256", format!("{}  edge-2.0.0.tar.gz\n", "0".repeat(64)).into_bytes());
    let o = deploy(&f, "2.0.0");
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("checksum mismatch"), "{}", text(&o));
    assert_eq!(f.live_version(0).as_deref(), Some("1.0.0"), "traffic stays");

    // Nothing published for 3.0.0: said before anything happens.
    release(&f, "3.0.0", 16);
    let o = deploy(&f, "3.0.0");
    assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    let all = text(&o);
    assert!(all.contains("artifact.sha256_url") && all.contains("HTTP 404"), "{all}");
    assert!(server.seen("/edge-3.0.0.tar.gz").is_empty(), "no host fetched it: {all}");
    assert_eq!(f.live_version(0).as_deref(), Some("1.0.0"));
    f.assert_safe();
}
