//! A process crash never loses a committed write, whatever the durability setting: a child
//! process (this test binary run again with `--exact crashing_writer`) commits writes under
//! `Immediate`, `Periodic` or `Off` and then aborts without closing anything; the parent reopens
//! the directory and finds every write the child committed. Also: each mode survives an orderly
//! close and reopen.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use keyp::{Durability, ExpireCondition, StoreOptions, Ttl};

/// Set in the child's environment: the store directory. Its presence selects the child role.
const CHILD_DIR: &str = "KEYP_TEST_DURABILITY_DIR";
/// The durability the child opens with: "immediate", "periodic" or "off".
const CHILD_MODE: &str = "KEYP_TEST_DURABILITY_MODE";
const WRITES: usize = 300;

fn durability(mode: &str) -> Durability {
    match mode {
        "immediate" => Durability::Immediate,
        // Long enough that the syncer will not have run before the crash.
        "periodic" => Durability::Periodic(Duration::from_secs(3600)),
        _ => Durability::Off,
    }
}

/// The child's side: commit, report, abort. Does nothing in a normal test run.
#[test]
fn crashing_writer() -> keyp::Result<()> {
    let (Some(dir), Some(mode)) = (std::env::var_os(CHILD_DIR), std::env::var(CHILD_MODE).ok())
    else {
        return Ok(());
    };
    let store = StoreOptions::new()
        .durability(durability(&mode))
        .open(Path::new(&dir))?;
    for i in 0..WRITES {
        store.set(format!("k{i}"), format!("v{i}"))?;
    }
    store.transaction(|tx| {
        tx.incr_by("counter", 40)?;
        tx.rpush("list", &["a", "b", "c"])?;
        tx.expire("k0", 10_000, ExpireCondition::Always)?;
        Ok(())
    })?;
    store.del(&["k1"])?;
    println!("committed");
    // No destructor runs: no final sync, no orderly close of LMDB.
    std::process::abort();
}

fn crash_and_check(mode: &str) -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let output = Command::new(std::env::current_exe()?)
        .args([
            "--exact",
            "crashing_writer",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DIR, dir.path())
        .env(CHILD_MODE, mode)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !output.status.success(),
        "the child must have aborted ({mode})"
    );
    assert!(
        stdout.contains("committed"),
        "child did not commit ({mode}): {stdout}"
    );

    let store = StoreOptions::new()
        .durability(durability(mode))
        .open(dir.path())?;
    for i in 2..WRITES {
        assert_eq!(
            store.get(format!("k{i}"))?.as_deref(),
            Some(format!("v{i}").as_bytes()),
            "k{i} lost after a crash with {mode}"
        );
    }
    assert_eq!(store.get("k1")?, None, "the committed DEL holds ({mode})");
    assert_eq!(store.get("counter")?.as_deref(), Some(&b"40"[..]));
    assert_eq!(store.llen("list")?, 3);
    assert!(
        matches!(store.ttl("k0")?, Ttl::ExpiresIn(_)),
        "deadline kept ({mode})"
    );
    Ok(())
}

#[test]
fn a_crash_loses_nothing_committed_with_immediate() -> keyp::Result<()> {
    crash_and_check("immediate")
}

#[test]
fn a_crash_loses_nothing_committed_with_periodic() -> keyp::Result<()> {
    crash_and_check("periodic")
}

#[test]
fn a_crash_loses_nothing_committed_with_off() -> keyp::Result<()> {
    crash_and_check("off")
}

/// Every mode keeps its data across an orderly close; `Periodic` syncs in the background and
/// at close, and `Store::sync` forces a sync in any mode.
#[test]
fn every_mode_survives_close_and_reopen() -> keyp::Result<()> {
    for mode in [
        Durability::Immediate,
        Durability::Periodic(Duration::from_millis(20)),
        Durability::Off,
    ] {
        let dir = tempfile::tempdir()?;
        {
            let store = StoreOptions::new().durability(mode).open(dir.path())?;
            store.set("a", "1")?;
            store.sync()?;
            store.set("b", "2")?;
        }
        let store = StoreOptions::new().durability(mode).open(dir.path())?;
        assert_eq!(store.get("a")?.as_deref(), Some(&b"1"[..]), "{mode:?}");
        assert_eq!(store.get("b")?.as_deref(), Some(&b"2"[..]), "{mode:?}");
    }
    Ok(())
}
