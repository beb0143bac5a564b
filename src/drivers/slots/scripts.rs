//! The shell scripts the slot model runs on a host, and the parser of what
//! `OBSERVE` prints. Values reach them only as single-quoted `export`s.

use crate::model::{Color, JournalEntry, JournalState, UnitState};

pub use crate::model::sh_quote;

/// `rvm_journal JSON`: replaces the unit's journal atomically (the one
/// writer of `journal.json`: the steps, the lock holder and the executor's
/// own journal writes all use it).
pub(super) const JOURNAL_FN: &str = "rvm_journal() { J=\"$RVM_BASE/.rvmctl\"; { [ -d \"$J\" ] || mkdir -p \"$J\"; } && printf '%s\\n' \"$1\" > \"$J/journal.json.tmp\" && mv -f \"$J/journal.json.tmp\" \"$J/journal.json\"; }\n";

/// Wraps a side-effecting step's script so the unit's journal says
/// `started` before it runs and `done` or `failed` after it, in the same
/// remote command: one round trip where there were three. The body runs in
/// a subshell, so its own `exit` and `set -e` end only it.
pub(super) fn journaled(body: &str, entry: Option<&JournalEntry>) -> String {
    let Some(e) = entry else { return body.to_string() };
    let json = |state| sh_quote(&serde_json::to_string(&JournalEntry { state, ..e.clone() }).unwrap_or_default());
    format!(
        "{JOURNAL_FN}rvm_journal {started}\n(\n{body}\n)\nrvm_rc=$?\n\
         if [ \"$rvm_rc\" -eq 0 ]; then rvm_journal {done}; else rvm_journal {failed}; fi\nexit \"$rvm_rc\"\n",
        started = json(JournalState::Started),
        done = json(JournalState::Done),
        failed = json(JournalState::Failed),
    )
}

pub(super) const OBSERVE: &str = r#"
S="$RVM_BASE/.rvmctl"
live=$(readlink "$RVM_BASE/current" 2>/dev/null || true)
echo "live=$live"
for c in blue green; do
  if [ -f "$S/$c.json" ]; then IFS= read -r l < "$S/$c.json"; echo "slot_$c=$l"; fi
  if [ -f "$S/$c.started" ]; then echo "started_$c=1"; fi
done
if [ -f "$S/lock.json" ] && [ -f "$S/lock" ] && ! flock -n "$S/lock" true; then
  IFS= read -r l < "$S/lock.json"; echo "lock=$l"
fi
if [ -f "$S/history.jsonl" ]; then printf 'last='; tail -n 1 "$S/history.jsonl"; fi
if [ -f "$S/journal.json" ]; then IFS= read -r l < "$S/journal.json"; echo "journal=$l"; fi
printf 'artifacts='
for f in "$S"/artifacts/*.tar.gz; do [ -e "$f" ] && f=${f##*/} && printf '%s ' "${f%.tar.gz}"; done
echo
true
"#;

/// Takes the host's lock and keeps it until stdin closes (rvmctl releases
/// it, exits or loses the connection). Once it holds the lock it writes
/// `RVM_JOURNAL` (the run's first journal entry, if any) and prints what
/// [`OBSERVE`] prints, then [`READY`](crate::drivers::transport::READY):
/// lock, journal and a fresh look at the host in one round trip.
pub(super) fn hold_lock_script() -> String {
    format!(
        r#"
S="$RVM_BASE/.rvmctl"
[ -d "$S" ] || mkdir -p "$S" || exit 1
exec 9>>"$S/lock"
if ! flock -n 9; then printf 'HELD '; tr -d '\n' < "$S/lock.json" 2>/dev/null; echo; echo {ready}; exit 75; fi
printf '%s\n' "$RVM_LOCK" > "$S/lock.json"
echo $$ > "$S/lock.pid"
{JOURNAL_FN}if [ -n "${{RVM_JOURNAL:-}}" ]; then rvm_journal "$RVM_JOURNAL"; fi
echo LOCKED
{OBSERVE}
echo {ready}
while IFS= read -r rvm_req; do
  case "$rvm_req" in
    "{record} "*) rvm_clear= ;;
    "{record_clear} "*) rvm_clear=1 ;;
    "{forget}") rm -f "$S/journal.json" && echo OK || echo "FAILED: cannot remove $S/journal.json"; echo {ready}; continue ;;
    *) echo "FAILED: unknown request"; echo {ready}; continue ;;
  esac
  if printf '%s\n' "${{rvm_req#* }}" >> "$S/history.jsonl" && {{ [ -z "$rvm_clear" ] || rm -f "$S/journal.json"; }}; then
    echo OK
  else
    echo "FAILED: cannot append to $S/history.jsonl"
  fi
  echo {ready}
done
rm -f "$S/lock.json" "$S/lock.pid"
"#,
        ready = crate::drivers::transport::READY,
        record = Request::RECORD,
        record_clear = Request::RECORD_CLEAR,
        forget = Request::FORGET,
    )
}

/// The last line [`observe_then_wait`] prints before it waits: the
/// observation above it is complete.
pub(super) const OBSERVED: &str = "RVM_OBSERVED";

/// Observes the host ([`OBSERVE`], then [`OBSERVED`] and `READY`) and
/// waits on stdin. `LOCK {lock json}<TAB>{journal json}` (see
/// [`Request::LOCK`]) makes it the lock holder ([`hold_lock_script`]) in the
/// session it already has: a deploy observes, plans, asks, then locks
/// without opening another session on the host. Anything else, or stdin
/// closing, ends it; it holds nothing while it waits.
pub(super) fn observe_then_wait() -> String {
    format!(
        "{OBSERVE}echo {OBSERVED}\necho {ready}\nIFS= read -r rvm_req || exit 0\n\
         case \"$rvm_req\" in \"{lock} \"*) ;; *) exit 0 ;; esac\n\
         rvm_req=${{rvm_req#{lock} }}\nRVM_LOCK=${{rvm_req%%\t*}}\nRVM_JOURNAL=${{rvm_req#*\t}}\n{hold}",
        ready = crate::drivers::transport::READY,
        lock = Request::LOCK,
        hold = hold_lock_script(),
    )
}

/// What the lock holder does on request while it holds the lock (one line
/// on its stdin; it answers `OK` or `FAILED: why`): the bookkeeping at the
/// end of a run rides on the lock's own session instead of a command each.
pub(super) struct Request;

impl Request {
    /// `LOCK {lock json}<TAB>{journal json}`: to a waiting [`observe_then_wait`], take the lock.
    pub const LOCK: &str = "LOCK";
    /// `RECORD {json}`: append a history line.
    pub const RECORD: &str = "RECORD";
    /// `RECORD_CLEAR {json}`: append a history line, then clear the journal.
    pub const RECORD_CLEAR: &str = "RECORD_CLEAR";
    /// `FORGET`: clear the journal.
    pub const FORGET: &str = "FORGET";
}

/// Takes the host's lock for the rest of one command (`host bootstrap`,
/// `host uninstall`): as [`hold_lock_script`] does, with `RVM_LOCK` as who
/// holds it, but released when the command ends, whatever ends it. Prints
/// `HELD {lock json}` and exits 75 when a run holds it; `did: created …`
/// for the dirs it had to create. Sets `S` (the state dir) and cleans
/// `$rvm_tmp` (a scratch dir, when the body makes one) on exit.
pub(super) const LOCK_ONCE: &str = r#"
S="$RVM_BASE/.rvmctl"
rvm_tmp=
for d in "$RVM_BASE" "$S"; do
  if [ ! -d "$d" ]; then mkdir -p "$d" || { echo "failed: cannot create $d (run rvmctl host check)"; exit 1; }; echo "did: created $d"; fi
done
exec 9>>"$S/lock"
if ! flock -n 9; then printf 'HELD '; tr -d '\n' < "$S/lock.json" 2>/dev/null; echo; exit 75; fi
printf '%s\n' "$RVM_LOCK" > "$S/lock.json"
echo $$ > "$S/lock.pid"
trap 'rm -f "$S/lock.json" "$S/lock.pid"; [ -z "$rvm_tmp" ] || rm -rf "$rvm_tmp"' EXIT
"#;

pub(super) const BREAK_LOCK: &str = r#"
S="$RVM_BASE/.rvmctl"
if [ -f "$S/lock.pid" ]; then pid=$(cat "$S/lock.pid"); pkill -P "$pid" 2>/dev/null; kill "$pid" 2>/dev/null; fi
rm -f "$S/lock.json" "$S/lock.pid"
"#;

pub(super) const WRITE_META: &str = r#"
S="$RVM_BASE/.rvmctl"; mkdir -p "$S"
printf '%s\n' "$RVM_META" > "$S/$RVM_COLOR.json.tmp" && mv -f "$S/$RVM_COLOR.json.tmp" "$S/$RVM_COLOR.json"
"#;

/// Before a service start: the slot's services may run from now on.
pub(super) const MARK_STARTED: &str = r#"mkdir -p "$RVM_BASE/.rvmctl" && : > "$RVM_BASE/.rvmctl/$RVM_COLOR.started"
"#;

/// Runs a rendered start command with its output in the service's start
/// log, `{base}/.rvmctl/logs/{color}-{service}.log` (`RVM_SERVICE`), emptied
/// at each start, then shows that output (its last 64 KiB). What the start
/// leaves running in the background inherits the log, not the ssh channel,
/// so the command ends when the start does (a process holding the channel's
/// pipes would hold it open) and what the service prints later stays
/// readable on the host.
pub(super) fn start_logged(rendered: &str) -> String {
    format!(
        "rvm_log=\"$RVM_BASE/.rvmctl/logs/$RVM_COLOR-$RVM_SERVICE.log\"\nmkdir -p \"$RVM_BASE/.rvmctl/logs\" || exit 1\n\
         (\n{rendered}\n) >\"$rvm_log\" 2>&1 </dev/null\nrvm_rc=$?\ntail -c 65536 \"$rvm_log\"\nexit \"$rvm_rc\"\n"
    )
}

/// Before a slot's stop commands: run them in the slot; a slot without a
/// folder has nothing to stop.
pub(super) const STOP_PRELUDE: &str = r#"
if ! cd "$RVM_SLOT_DIR" 2>/dev/null; then
  rm -f "$RVM_BASE/.rvmctl/$RVM_COLOR.started"; echo "slot $RVM_COLOR has no folder: nothing to stop"; exit 0
fi
"#;

/// After a slot's stop commands all succeeded.
pub(super) const CLEAR_STARTED: &str = r#"rm -f "$RVM_BASE/.rvmctl/$RVM_COLOR.started"
"#;

/// Shell functions the artifact scripts share: the disk-space check and the
/// estimate of an archive's unpacked size.
pub(super) const SPACE: &str = r#"
# rvm_space NEED_KIB UNPACKED_KIB FOR: fails, printing an RVM_NOSPACE line,
# when the filesystem of $RVM_BASE (or of its nearest existing parent) has
# less than NEED_KIB free. FOR says what needs it: upload, download, unpack.
rvm_space() {
  d="$RVM_BASE"
  while [ ! -d "$d" ]; do d=$(dirname "$d"); done
  free=$(df -Pk "$d" 2>/dev/null | awk 'NR == 2 { print $4 }')
  case "$free" in
    ''|*[!0-9]*) echo "warning: cannot read the free space of $d (df -Pk); not checked" >&2; return 0 ;;
  esac
  [ "$1" -le "$free" ] && return 0
  echo "RVM_NOSPACE for=$3 need_k=$1 unpacked_k=$2 free_k=$free dir=$d"
  return 1
}
# rvm_unpacked_k FILE: about how many KiB a .tar.gz unpacks to. gzip -l reads
# the trailer, which counts modulo 4 GiB: 4 GiB is added while it is clearly
# below the compressed size (as rvmctl does for a path: artifact).
rvm_unpacked_k() {
  set -- $(gzip -l "$1" 2>/dev/null | awk 'NR == 2 { print $1, $2 }')
  c=${1:-0}; u=${2:-0}
  while [ $((u + u / 100 + 1024)) -lt "$c" ]; do u=$((u + 4294967296)); done
  echo $(( (u + 1023) / 1024 ))
}
"#;

/// A `url:` artifact the host does not hold yet, fetched by the host into
/// `$A.part`. A transfer that breaks off is continued from the bytes it
/// kept (`curl -C -`) while attempts make progress; the part file outlives
/// a failed run, so the next run continues too. 4xx answers (but 408 and
/// 429) are final.
const FETCH: &str = r#"
rvm_fetch() {
  P="$A.part"; tries=0; stalls=0; got=-1
  mkdir -p "$S/artifacts"
  while :; do
    tries=$((tries + 1)); rc=0
    code=$(curl -fsSL --connect-timeout 20 --speed-limit 1 --speed-time 60 -w '%{http_code}' -C - -o "$P" "$RVM_URL") || rc=$?
    [ "$rc" = 0 ] && break
    case "$rc:$code" in
      22:416) break ;; # the part is whole already (or wrong): the checksum says which
      22:408|22:429|22:5*) ;;
      22:*) echo "the download of $RVM_URL_SHOWN was refused (HTTP $code); check the URL and that the host may read it" >&2; exit 6 ;;
      33:*) rm -f "$P" ;; # the server cannot continue a transfer: start over
    esac
    now=0; if [ -f "$P" ]; then now=$(wc -c < "$P"); now=$((now)); fi
    if [ "$now" -gt "$got" ]; then stalls=0; else stalls=$((stalls + 1)); fi
    got=$now
    if [ "$stalls" -ge 3 ]; then
      echo "the download of $RVM_URL_SHOWN failed (curl exit $rc, HTTP $code) after $tries attempts; $now bytes are kept in $P and the next run continues from there. Check that the host reaches the URL" >&2
      exit 6
    fi
    echo "the download broke off (curl exit $rc) with $now bytes; continuing" >&2
    sleep $((stalls + 1))
  done
  echo "RVM_FETCHED attempts=$tries"
}
"#;

/// Receives a `path:` artifact on stdin (`RVM_UPLOAD=1`, when the host
/// lacked it) or fetches a `url:` artifact the host lacks, checks the
/// artifact, checks the disk space its unpacking needs, stops the services
/// a warm slot still runs (`RVM_STOP_WARM`, that release's own stop
/// commands), then unpacks into the inactive slot through a temporary
/// folder, so a slot is either whole or absent. Keeps the `RVM_KEEP` most
/// recently staged artifacts and those a slot holds. One round trip.
pub(super) const STAGE: &str = r#"
set -eu
S="$RVM_BASE/.rvmctl"; B="$RVM_BASE"; C="$RVM_COLOR"; A="$RVM_ARTIFACT"
live=$(readlink "$B/current" 2>/dev/null || true)
if [ "$live" = "$C" ]; then echo "refusing to stage into the live slot $C" >&2; exit 3; fi
sum=""
if [ "${RVM_UPLOAD:-}" = 1 ]; then
  rvm_space "$RVM_NEED_K" "$RVM_UNPACKED_K" upload || exit 5
  mkdir -p "$S/artifacts"
  cat > "$A.part"
  rvm_accept "in what rvmctl sent" received "The transfer broke off, or the file changed while it was sent: run the deploy again"
elif [ -f "$A" ]; then
  sum=$(sha256sum "$A" | cut -d' ' -f1)
fi
if [ "$sum" != "$RVM_SHA256" ] && [ -n "${RVM_URL:-}" ]; then
  rm -f "$A"
  rvm_space "$RVM_MARGIN_K" 0 download || exit 5
  rvm_fetch
  rvm_accept "from $RVM_URL_SHOWN" downloaded "Check artifact.sha256 against the file at that URL"
fi
if [ "$sum" != "$RVM_SHA256" ]; then
  # A path: artifact the host no longer holds, or holds damaged: rvmctl sends it.
  echo RVM_NEED_UPLOAD; exit 9
fi
unpacked=$(rvm_unpacked_k "$A")
rvm_space $((unpacked + RVM_MARGIN_K)) "$unpacked" unpack || exit 5
if [ -n "${RVM_STOP_WARM:-}" ]; then
  ( set +eu; eval "$RVM_STOP_WARM" ) || { echo RVM_STOP_FAILED; exit 8; }
fi
printf '%s\n' "$RVM_META_STAGING" > "$S/$C.json.tmp" && mv -f "$S/$C.json.tmp" "$S/$C.json"
rm -rf "$B/.$C.new" "$B/.$C.old"
mkdir -p "$B/.$C.new"
tar -xzf "$A" -C "$B/.$C.new"
if [ -e "$B/$C" ]; then mv "$B/$C" "$B/.$C.old"; fi
mv "$B/.$C.new" "$B/$C"
rm -rf "$B/.$C.old" "$S/$C.started"
printf '%s\n' "$RVM_META" > "$S/$C.json.tmp" && mv -f "$S/$C.json.tmp" "$S/$C.json"
# the artifact cache: the RVM_KEEP most recently staged, and what a slot holds
U="$S/artifacts/used"
{ echo "$RVM_SHA256"; grep -vxF "$RVM_SHA256" "$U" 2>/dev/null || true; } | awk -v n="$RVM_KEEP" 'NR <= n' > "$U.tmp"
mv -f "$U.tmp" "$U"
for f in "$S"/artifacts/*.tar.gz; do
  [ -e "$f" ] || continue
  h=$(basename "$f" .tar.gz)
  grep -qsxF "$h" "$U" || grep -qsF "$h" "$S/blue.json" "$S/green.json" || rm -f "$f"
done
# parts of downloads no run continued for a day
find "$S/artifacts" -name '*.part' -mtime +0 -exec rm -f {} + 2>/dev/null || true
"#;

/// `rvm_accept FROM HOW ADVICE`: the `$A.part` received (HOW) from FROM
/// becomes the artifact `$A` if its sha256 is `RVM_SHA256` (left in `sum`);
/// else it is deleted and the stage fails with ADVICE.
const ACCEPT: &str = r#"
rvm_accept() {
  sum=$(sha256sum "$A.part" | cut -d' ' -f1)
  if [ "$sum" != "$RVM_SHA256" ]; then
    rm -f "$A.part"
    echo "checksum mismatch: expected $RVM_SHA256, got $sum $1; the $2 file was deleted and the slot was not touched. $3" >&2
    exit 4
  fi
  mv -f "$A.part" "$A"
}
"#;

/// [`STAGE`] with the functions it calls.
pub(super) fn stage_script() -> String {
    format!("{SPACE}{FETCH}{ACCEPT}{STAGE}")
}

/// The atomic switch: a new symlink renamed over the old one.
pub(super) const SWITCH: &str = r#"
set -eu
B="$RVM_BASE"; C="$RVM_COLOR"; S="$RVM_BASE/.rvmctl"
[ -d "$B/$C" ] || { echo "slot $C does not exist on this host" >&2; exit 3; }
printf '%s\n' "$RVM_META" > "$S/$C.json.tmp" && mv -f "$S/$C.json.tmp" "$S/$C.json"
ln -sfn "$C" "$B/.current.tmp.$$"
mv -Tf "$B/.current.tmp.$$" "$B/current"
"#;

/// The artifacts (sha256s) in the host's cache, from [`OBSERVE`]'s output.
pub(super) fn parse_artifacts(out: &str) -> Vec<String> {
    out.lines()
        .find_map(|l| l.strip_prefix("artifacts="))
        .map(|v| v.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

pub(super) fn parse_observation(unit: &str, out: &str) -> UnitState {
    let mut st = UnitState::empty(unit);
    for line in out.lines() {
        let Some((k, v)) = line.split_once('=') else { continue };
        match k {
            "live" => st.live = Color::parse(v),
            "slot_blue" => st.blue = serde_json::from_str(v).ok(),
            "slot_green" => st.green = serde_json::from_str(v).ok(),
            "lock" => st.lock = serde_json::from_str(v).ok(),
            "last" => st.last = serde_json::from_str(v).ok(),
            "journal" => st.journal = serde_json::from_str(v).ok(),
            _ => {}
        }
    }
    // The marker file, not the slot's JSON, says whether its services run.
    for color in [Color::Blue, Color::Green] {
        let started = out.lines().any(|l| l == format!("started_{color}=1"));
        if let Some(slot) = st.slot_mut(color) {
            slot.started = started;
        }
    }
    st
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::Duration;

    use super::*;
    use crate::drivers::transport::{Held, hold_command, shell};

    const WAIT: Duration = Duration::from_secs(10);

    async fn hold(base: &Path, script: &str) -> (Box<dyn Held>, String) {
        let script = format!("export RVM_BASE={}\n{script}", sh_quote(&base.to_string_lossy()));
        hold_command(shell(&script), WAIT).await.expect("the script starts")
    }

    fn read(base: &Path, file: &str) -> Option<String> {
        std::fs::read_to_string(base.join(".rvmctl").join(file)).ok()
    }

    /// The observation's session becomes the lock holder on `LOCK`, then
    /// does the run's bookkeeping on request, and lets go when released.
    #[tokio::test]
    async fn an_observation_takes_the_lock_then_records_on_request() {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = dir.path();
        let (mut held, said) = hold(base, &observe_then_wait()).await;
        assert!(said.lines().any(|l| l == OBSERVED), "{said}");
        assert_eq!(read(base, "lock.json"), None, "observing holds nothing");

        let said = held.ask(&format!("{} {{\"by\":\"ci\"}}\t{{\"step\":1}}", Request::LOCK), WAIT).await.expect("lock");
        assert_eq!(said.lines().next(), Some("LOCKED"), "{said}");
        assert_eq!(read(base, "lock.json").as_deref(), Some("{\"by\":\"ci\"}\n"));
        assert_eq!(read(base, "journal.json").as_deref(), Some("{\"step\":1}\n"));

        // A second holder meanwhile is told who holds it.
        let (other, said) = hold(base, &format!("export RVM_LOCK='{{}}'\n{}", hold_lock_script())).await;
        assert_eq!(said.lines().next(), Some("HELD {\"by\":\"ci\"}"), "{said}");
        other.release().await.expect("the refused holder ends");

        let said = held.ask(&format!("{} {{\"v\":1}}", Request::RECORD), WAIT).await.expect("record");
        assert_eq!(said.trim(), "OK");
        assert!(read(base, "journal.json").is_some(), "RECORD keeps the journal");
        let said = held.ask(&format!("{} {{\"v\":2}}", Request::RECORD_CLEAR), WAIT).await.expect("record");
        assert_eq!(said.trim(), "OK");
        assert_eq!(read(base, "journal.json"), None, "RECORD_CLEAR clears the journal");
        assert_eq!(read(base, "history.jsonl").as_deref(), Some("{\"v\":1}\n{\"v\":2}\n"));

        let said = held.ask("NONSENSE", WAIT).await.expect("an answer");
        assert!(said.starts_with("FAILED"), "{said}");
        assert!(held.ask("two\nlines", WAIT).await.is_err(), "a request is one line");

        held.release().await.expect("release");
        assert_eq!(read(base, "lock.json"), None, "released");
    }

    /// A request the holder cannot do is answered `FAILED: why`, and the
    /// holder goes on holding.
    #[tokio::test]
    async fn a_record_that_cannot_be_written_fails_and_the_lock_stays() {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = dir.path();
        std::fs::create_dir_all(base.join(".rvmctl/history.jsonl")).expect("a directory where the file goes");
        let (mut held, said) = hold(base, &format!("export RVM_LOCK='{{}}'\n{}", hold_lock_script())).await;
        assert_eq!(said.lines().next(), Some("LOCKED"), "{said}");
        let said = held.ask(&format!("{} {{}}", Request::RECORD), WAIT).await.expect("an answer");
        assert!(said.contains("FAILED: cannot append to") && said.contains("history.jsonl"), "{said}");
        assert_eq!(held.ask(Request::FORGET, WAIT).await.expect("an answer").trim(), "OK", "still holding");
        held.release().await.expect("release");
    }

    /// Anything but `LOCK`, or stdin closing, ends a waiting observation
    /// without taking the lock.
    #[tokio::test]
    async fn a_waiting_observation_ends_without_locking() {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = dir.path();
        let (mut held, _) = hold(base, &observe_then_wait()).await;
        assert!(held.ask(Request::RECORD, WAIT).await.is_err(), "it ended");
        let (held, _) = hold(base, &observe_then_wait()).await;
        held.release().await.expect("release");
        assert_eq!(read(base, "lock.json"), None);
    }
}
