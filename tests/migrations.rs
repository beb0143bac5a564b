//! `migrations:` against a real PostgreSQL (Debian's, a throwaway cluster
//! per test): backup, dry run and the migration run once per release and
//! target before anything switches; a failed migration switches nothing; a
//! killed release resumes without migrating twice; a rollback (asked for, or
//! automatic after a failed monitor) runs `down`, which restores the backup;
//! without `down` a rollback of a migrated release is refused.

mod support;

use support::local::{LocalProject, Options};
use support::services::Postgres;

const PASSWORD: &str = "migr4te-secret";

struct Fx {
    pg: Postgres,
    p: LocalProject,
    _backups: tempfile::TempDir,
}

impl Fx {
    /// Two local hosts; table `items` holds one row. The migration logs
    /// each run in `migrations_log` and rewrites the row; `down` restores
    /// the row from the backup taken before the migration.
    fn new(with_down: bool, monitor: &'static str) -> Fx {
        let pg = Postgres::start(PASSWORD);
        pg.sql("CREATE TABLE items (id int, note text); INSERT INTO items VALUES (1, 'original'); CREATE TABLE migrations_log (version text)");
        let backups = tempfile::tempdir().expect("backups");
        let psql = format!(
            "{} -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p {} -U rvm -d postgres",
            pg.program("psql").display(),
            pg.port
        );
        let dump = format!(
            "{} -h 127.0.0.1 -p {} -U rvm -d postgres --data-only -t items",
            pg.program("pg_dump").display(),
            pg.port
        );
        let b = backups.path().display();
        let down = if with_down {
            format!("      down: \"{psql} -c 'TRUNCATE items' && {psql} -f {b}/before-{{version}}.sql\"\n")
        } else {
            String::new()
        };
        let migrations = format!(
            "    migrations:\n      backup: \"{dump} -f {b}/before-{{version}}.sql\"\n      dry_run: \"test ! -e FAIL_MIGRATION && {psql} -c 'SELECT count(*) FROM items'\"\n      run: \"{psql} -c \\\"INSERT INTO migrations_log VALUES ('{{version}}'); UPDATE items SET note = 'migrated to {{version}}'\\\"\"\n{down}"
        );
        let p = LocalProject::new(Options { monitor, extra_checks: migrations, ..Options::default() });
        Fx { pg, p, _backups: backups }
    }

    fn rvmctl(&self, args: &[&str]) -> (i32, String, String) {
        support::run(self.p.cmd().args(args).env("PGPASSWORD", PASSWORD))
    }

    fn deploy(&self, version: &str) -> (i32, String, String) {
        self.rvmctl(&["deploy", "-e", "development", "--version", version, "--yes"])
    }

    /// A deploy of `version` SIGKILLed right after its migration ran.
    fn killed_after_the_migration(&self, version: &str) {
        let out = self
            .p
            .cmd()
            .args(["deploy", "-e", "development", "--version", version, "--yes"])
            .env("PGPASSWORD", PASSWORD)
            .env("RVMCTL_FAULT", "after:migrate_run")
            .output()
            .expect("run");
        assert_eq!(out.status.code(), None, "killed right after the migration");
        self.p.settle();
    }

    fn runs_of(&self, version: &str) -> usize {
        self.pg.sql(&format!("SELECT count(*) FROM migrations_log WHERE version = '{version}'")).parse().expect("count")
    }

    fn note(&self) -> String {
        self.pg.sql("SELECT note FROM items WHERE id = 1")
    }

    fn live(&self) -> Vec<Option<String>> {
        self.p.hosts.iter().map(|h| self.p.live(h)).collect()
    }
}

fn all(color: &str, n: usize) -> Vec<Option<String>> {
    vec![Some(color.to_string()); n]
}

#[test]
fn a_release_migrates_once_and_a_failed_migration_switches_nothing() {
    let fx = Fx::new(true, "0s");
    fx.p.release("1.0.0", false);
    let (code, out, err) = fx.deploy("1.0.0");
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(fx.runs_of("1.0.0"), 1, "once per release and target, not per host");
    assert_eq!(fx.note(), "migrated to 1.0.0");
    // The plan shows where the migration runs.
    fx.p.release("1.1.0", false);
    std::fs::write(fx.p.path().join("dist/edge-1.1.0/FAIL_MIGRATION"), "").expect("marker");
    let (_, plan, _) = fx.rvmctl(&["plan", "-e", "development", "--version", "1.1.0", "-o", "wide"]);
    assert!(
        plan.contains("migration backup of 1.1.0 (green)") && plan.contains("migration run of 1.1.0 (green)"),
        "{plan}"
    );
    assert!(plan.contains("runs the target's migrations first"), "{plan}");

    // 1.1.0's dry run fails: nothing switches, the migration never runs.
    let (code, out, err) = fx.rvmctl(&["deploy", "-e", "development", "--version", "1.1.0", "--yes", "-o", "json"]);
    assert_eq!(code, 4, "{out}\n{err}");
    assert!(err.contains("the migrations failed before any switch"), "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        report["targets"][0]["units"][1]["error"],
        "not attempted: the migrations on sim-01 failed, nothing of edge-sim switched",
        "{report}"
    );
    assert_eq!(fx.live(), all("blue", 2), "traffic stays on 1.0.0 everywhere");
    assert_eq!(fx.runs_of("1.1.0"), 0);
    assert_eq!(fx.note(), "migrated to 1.0.0");
    assert!(!err.contains(PASSWORD) && !out.contains(PASSWORD), "the password never shows");
}

#[test]
fn a_killed_release_resumes_without_migrating_twice() {
    let fx = Fx::new(true, "0s");
    fx.p.release("1.0.0", false);
    fx.p.release("1.1.0", false);
    assert_eq!(fx.deploy("1.0.0").0, 0);
    fx.killed_after_the_migration("1.1.0");
    assert_eq!(fx.runs_of("1.1.0"), 1);
    assert_eq!(fx.live(), all("blue", 2), "nothing switched yet");

    let (code, out, err) = fx.rvmctl(&["resume", "-e", "development", "--yes"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(err.contains("its migrations of 1.1.0 ran already"), "the plan says so:\n{err}");
    assert_eq!(fx.runs_of("1.1.0"), 1, "the resumed release did not migrate again");
    assert_eq!(fx.live(), all("green", 2));
}

#[test]
fn a_rollback_runs_down_and_the_backup_is_restored() {
    let fx = Fx::new(true, "0s");
    fx.p.release("1.0.0", false);
    fx.p.release("1.1.0", false);
    assert_eq!(fx.deploy("1.0.0").0, 0);
    assert_eq!(fx.deploy("1.1.0").0, 0);
    assert_eq!(fx.note(), "migrated to 1.1.0");
    // The status table says which release moved the schema (a rollback will run down).
    let (_, table, _) = fx.rvmctl(&["status", "-e", "development", "--no-health"]);
    assert!(table.contains("deploy 1.1.0 (schema migrated)"), "{table}");
    let (code, out, err) = fx.rvmctl(&["rollback", "-e", "development", "--yes"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(fx.live(), all("blue", 2));
    assert_eq!(fx.note(), "migrated to 1.0.0", "the data is back as it was before 1.1.0");
    let (_, table, _) = fx.rvmctl(&["status", "-e", "development", "--no-health"]);
    assert!(!table.contains("schema migrated"), "{table}");
    // Rolled back and down: a second rollback has nothing migrated to undo.
    let (_, history, _) = fx.rvmctl(&["history", "-e", "development", "-o", "json"]);
    assert!(history.contains("\"action\": \"rollback\""), "{history}");
}

#[test]
fn a_release_that_fails_after_its_switch_goes_back_and_down() {
    let fx = Fx::new(true, "3s");
    fx.p.release("1.0.0", false);
    fx.p.release_with("1.1.0", false, true);
    assert_eq!(fx.deploy("1.0.0").0, 0);
    let (code, out, err) = fx.deploy("1.1.0");
    assert_eq!(code, 4, "{out}\n{err}");
    assert_eq!(fx.live(), all("blue", 2), "switched back");
    assert_eq!(fx.runs_of("1.1.0"), 1);
    assert_eq!(fx.note(), "migrated to 1.0.0", "down restored the backup");
}

#[test]
fn without_down_a_rollback_of_a_migrated_release_is_refused() {
    let fx = Fx::new(false, "0s");
    fx.p.release("1.0.0", false);
    fx.p.release("1.1.0", false);
    assert_eq!(fx.deploy("1.0.0").0, 0);
    assert_eq!(fx.deploy("1.1.0").0, 0);
    let (code, out, err) = fx.rvmctl(&["rollback", "-e", "development", "--yes"]);
    assert_ne!(code, 0, "{out}\n{err}");
    assert!(
        err.contains("1.1.0 migrated the schema and app edge has no `migrations.down`"),
        "the refusal says why and what to do:\n{err}"
    );
    assert_eq!(fx.live(), all("green", 2), "nothing switched");
}

#[test]
fn abort_after_a_migration_that_switched_nothing_undoes_it() {
    let fx = Fx::new(true, "0s");
    fx.p.release("1.0.0", false);
    fx.p.release("1.1.0", false);
    assert_eq!(fx.deploy("1.0.0").0, 0);
    fx.killed_after_the_migration("1.1.0");
    assert_eq!(fx.note(), "migrated to 1.1.0");

    let (code, out, err) = fx.rvmctl(&["abort", "-e", "development", "--yes"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(err.contains("migrated the schema to 1.1.0 before switching anything"), "{err}");
    assert_eq!(fx.live(), all("blue", 2));
    assert_eq!(fx.note(), "migrated to 1.0.0", "the schema went back with the release");
    let (_, status, _) = fx.rvmctl(&["status", "-e", "development", "-o", "json"]);
    assert!(!status.contains("\"interrupted\""), "journals cleared: {status}");
}
