//! Reclaiming the elements of deleted and overwritten collections in the background.
//!
//! DEL, UNLINK and every overwrite drop a collection's record and queue its key id: O(1)
//! whatever its size (the time of DEL on a 1,000,000-member set is measured by
//! `benches/reclaim.rs`). A background thread then frees the elements in bounded batches, and
//! a new key of the same name, which gets a new key id, never sees them: not while they wait,
//! not after a restart in the middle of reclaiming.
//!
//! The background thread is waited for by polling `pending_reclaim` in a bounded loop: it has
//! no completion signal, and these tests are about what it does on its own.

use std::path::Path;
use std::time::{Duration, Instant};

use keyp::{Store, StoreOptions};

/// Enough members for many reclaimer batches (1,000 elements each).
const MEMBERS: usize = 35_000;
/// How long the background reclaimer may take before a test fails: generous, for slow CI.
const PATIENCE: Duration = Duration::from_secs(120);

fn members(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

fn open_paused(dir: &Path) -> keyp::Result<Store> {
    StoreOptions::new().background_reclaim(false).open(dir)
}

/// Waits, boundedly, for the background reclaimer to empty its queue.
fn wait_for_reclaim(store: &Store) -> keyp::Result<()> {
    let start = Instant::now();
    while store.pending_reclaim()? > 0 {
        assert!(
            start.elapsed() < PATIENCE,
            "reclaimer still has {} collections queued after {PATIENCE:?}",
            store.pending_reclaim()?
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok(())
}

#[test]
fn del_and_unlink_queue_the_elements_and_the_reclaimer_frees_them() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    store.sadd("deleted", &members("d", MEMBERS))?;
    store.sadd("unlinked", &members("u", MEMBERS))?;
    store.sadd("kept", &["k1", "k2"])?;
    assert_eq!(store.stored_elements()?, 2 * MEMBERS as u64 + 2);
    assert_eq!(store.del(&["deleted"])?, 1);
    assert_eq!(store.unlink(&["unlinked"])?, 1);
    assert_eq!(store.exists(&["deleted", "unlinked"])?, 0);
    wait_for_reclaim(&store)?;
    assert_eq!(store.stored_elements()?, 2);
    assert_eq!(store.smembers("kept")?.len(), 2);
    Ok(())
}

#[test]
fn overwrites_and_flushes_queue_the_old_elements_too() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = open_paused(dir.path())?;
    for key in ["a", "b", "c", "d", "e"] {
        store.sadd(key, &members(key, 100))?;
    }
    store.set("a", "now a string")?;
    store.sunionstore("b", &["c"])?;
    store.rename("c", "d")?;
    store.select(0)?.sadd("f", &["1"])?;
    store.select(1)?.sadd("g", &["1", "2"])?;
    store.flushdb()?;
    // a, the old b, the old d (replaced by the rename), then at the flush the new b, c (now
    // d), e and f.
    assert_eq!(store.pending_reclaim()?, 7);
    while store.reclaim_step(1000)? {}
    assert_eq!(store.pending_reclaim()?, 0);
    // Only database 1's set is left.
    assert_eq!(store.stored_elements()?, 2);
    assert_eq!(store.select(1)?.scard("g")?, 2);
    Ok(())
}

#[test]
fn a_flush_of_every_key_frees_the_elements_at_once() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = open_paused(dir.path())?;
    // FLUSHALL, then FLUSHDB of the one database with keys: nothing is left to reclaim, not
    // even what was queued before; key deadlines go with their keys.
    for flush_all in [true, false] {
        store.del(&["queued"])?;
        store.sadd("queued", &members("q", 500))?;
        store.del(&["queued"])?;
        store.sadd("s", &members("s", 2000))?;
        store.rpush("l", &members("l", 100))?;
        store.hset("h", &[("f", "v")])?;
        store.set("k", "v")?;
        store.expire("k", 100_000, keyp::ExpireCondition::Always)?;
        assert_eq!(store.pending_reclaim()?, 1);
        assert_eq!(store.pending_expiries()?, 1);
        if flush_all {
            store.flushall()?;
        } else {
            store.select(2)?.set("elsewhere", "v")?;
            store.select(2)?.flushdb()?;
            store.flushdb()?;
        }
        assert_eq!(store.pending_reclaim()?, 0);
        assert_eq!(store.stored_elements()?, 0);
        assert_eq!(store.pending_expiries()?, 0);
        assert_eq!(store.dbsize()?, 0);
        // The same names start afresh.
        assert_eq!(store.sadd("s", &["new"])?, 1);
        assert_eq!(store.smembers("s")?, ["new"]);
        assert_eq!(store.llen("l")?, 0);
        store.del(&["s"])?;
        while store.reclaim_step(1000)? {}
    }
    // With another database holding keys, FLUSHDB leaves it (and the queue) alone.
    store.sadd("here", &members("h", 10))?;
    store.select(1)?.sadd("there", &members("t", 10))?;
    store.flushdb()?;
    assert_eq!(store.pending_reclaim()?, 1);
    assert_eq!(store.select(1)?.scard("there")?, 10);
    while store.reclaim_step(1000)? {}
    assert_eq!(store.stored_elements()?, 10);
    Ok(())
}

#[test]
fn a_new_key_of_the_same_name_never_sees_the_old_elements() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = open_paused(dir.path())?;
    store.sadd("s", &members("old", 1000))?;
    store.del(&["s"])?;
    // The old elements are all still stored, queued.
    assert_eq!(store.pending_reclaim()?, 1);
    assert_eq!(store.stored_elements()?, 1000);
    assert_eq!(store.scard("s")?, 0);
    assert!(!store.sismember("s", "old1")?);
    assert_eq!(store.sadd("s", &["old1", "new"])?, 2);
    assert_eq!(store.scard("s")?, 2);
    let mut now = store.smembers("s")?;
    now.sort();
    assert_eq!(now, ["new", "old1"]);
    assert_eq!(store.srem("s", &["old2"])?, 0);
    assert!(store
        .srandmember_count("s", -20)?
        .iter()
        .all(|m| m == "new" || m == "old1"));
    // Reclaiming the old id leaves the new set alone.
    while store.reclaim_step(300)? {}
    assert_eq!(store.stored_elements()?, 2);
    assert_eq!(store.scard("s")?, 2);
    assert!(store.sismember("s", "old1")?);
    Ok(())
}

#[test]
fn a_restart_in_the_middle_of_reclaiming_resumes_it() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    {
        let store = open_paused(dir.path())?;
        store.sadd("s", &members("old", MEMBERS))?;
        store.del(&["s"])?;
        // One batch freed, the rest still queued: the middle of reclaiming.
        assert!(store.reclaim_step(10_000)?);
        assert_eq!(store.pending_reclaim()?, 1);
        assert_eq!(store.stored_elements()?, MEMBERS as u64 - 10_000);
        store.sadd("s", &["fresh"])?;
    }
    let store = Store::open(dir.path())?;
    // The new key is independent of the half-freed old one, before and after reclaiming.
    assert_eq!(store.smembers("s")?, ["fresh"]);
    assert!(!store.sismember("s", "old7")?);
    wait_for_reclaim(&store)?;
    assert_eq!(store.stored_elements()?, 1);
    assert_eq!(store.smembers("s")?, ["fresh"]);
    Ok(())
}

#[test]
fn dropping_the_store_while_the_reclaimer_works_loses_nothing() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    {
        let store = Store::open(dir.path())?;
        store.sadd("s", &members("old", MEMBERS))?;
        store.del(&["s"])?;
        store.sadd("s", &["fresh"])?;
        // Dropped at once, most likely while the reclaimer is between batches; it stops at
        // the next one and the queue waits on disk.
    }
    let store = Store::open(dir.path())?;
    assert_eq!(store.smembers("s")?, ["fresh"]);
    wait_for_reclaim(&store)?;
    assert_eq!(store.stored_elements()?, 1);
    assert_eq!(store.smembers("s")?, ["fresh"]);
    Ok(())
}
