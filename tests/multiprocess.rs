//! Two processes with the same store open at once: a child process (this test binary run again
//! with `--exact child_process`, told the directory by an environment variable) reads what the
//! parent wrote, writes while the parent writes, and the parent reads the child's writes.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use keyp::{ExpireCondition, ExpireTime, Store};

/// Set in the child's environment: the store directory. Its presence selects the child role.
const CHILD_DIR: &str = "KEYP_TEST_MULTIPROCESS_DIR";
const KEYS: usize = 50;
const INCRS: i64 = 200;
/// A deadline the child sets (2100-01-01), absolute so the check does not race the clock.
const FAR_FUTURE_MS: u64 = 4_102_444_800_000;

/// The child's side; does nothing in a normal test run (no directory given).
#[test]
fn child_process() -> keyp::Result<()> {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return Ok(());
    };
    let store = Store::open(Path::new(&dir))?;
    assert_eq!(
        store.get("from:parent")?.as_deref(),
        Some(&b"hello child"[..]),
        "the child reads the parent's write"
    );
    for i in 0..KEYS {
        store.set(format!("child:{i}"), format!("value {i}"))?;
    }
    store.pexpire_at("child:0", FAR_FUTURE_MS as i64, ExpireCondition::Always)?;
    store.del(&["from:parent"])?;
    for _ in 0..INCRS {
        store.incr("shared")?;
    }
    store.set("child:done", std::process::id().to_string())?;
    Ok(())
}

fn spawn_child(dir: &Path) -> std::io::Result<std::process::Child> {
    Command::new(std::env::current_exe()?)
        .args([
            "--exact",
            "child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DIR, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
}

fn assert_child_succeeded(output: &Output) {
    assert!(
        output.status.success(),
        "child failed: {}\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The child's writes, as the parent must see them.
fn assert_child_writes(store: &Store, child_pid: u32) -> keyp::Result<()> {
    let done = store.get("child:done")?;
    assert_eq!(done.as_deref(), Some(child_pid.to_string().as_bytes()));
    for i in 0..KEYS {
        let want = format!("value {i}");
        assert_eq!(
            store.get(format!("child:{i}"))?.as_deref(),
            Some(want.as_bytes())
        );
    }
    assert_eq!(
        store.expire_time("child:0")?,
        ExpireTime::AtMs(FAR_FUTURE_MS)
    );
    assert_eq!(store.get("from:parent")?, None, "the child's DEL");
    Ok(())
}

#[test]
fn a_second_process_writes_and_the_first_reads_its_writes() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    store.set("from:parent", "hello child")?;
    let child = spawn_child(dir.path())?;
    let child_pid = child.id();
    // Both processes increment the same counter at the same time.
    for _ in 0..INCRS {
        store.incr("shared")?;
    }
    let output = child.wait_with_output()?;
    assert_child_succeeded(&output);
    assert_child_writes(&store, child_pid)?;
    let shared = (2 * INCRS).to_string();
    assert_eq!(store.get("shared")?.as_deref(), Some(shared.as_bytes()));
    assert_eq!(store.dbsize()?, KEYS as u64 + 2);
    Ok(())
}

/// A snapshot taken before the child ran does not see its writes; the next one does.
#[test]
fn a_snapshot_is_isolated_from_another_process() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    store.set("from:parent", "hello child")?;
    let child_pid = store.read(|snapshot| {
        let child = spawn_child(dir.path())?;
        let child_pid = child.id();
        let output = child.wait_with_output()?;
        assert_child_succeeded(&output);
        assert_eq!(snapshot.get("child:done")?, None);
        assert_eq!(snapshot.get("shared")?, None);
        assert_eq!(
            snapshot.get("from:parent")?.as_deref(),
            Some(&b"hello child"[..])
        );
        assert_eq!(snapshot.dbsize()?, 1);
        Ok(child_pid)
    })?;
    assert_child_writes(&store, child_pid)?;
    assert_eq!(
        store.get("shared")?.as_deref(),
        Some(INCRS.to_string().as_bytes())
    );
    Ok(())
}
