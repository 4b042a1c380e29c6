//! A store with a small map, filled until writes fail with `Error::StoreFull`: the error names
//! the setting, a failed write leaves nothing behind, reads keep working, and deleting (DEL,
//! FLUSHDB, expiry) works on the full store and makes room for writes again.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use keyp::{Durability, Error, ExpireCondition, ManualClock, Store, StoreOptions};

const MAP_SIZE: usize = 1 << 20;

fn open(dir: &Path, clock: &Arc<ManualClock>) -> keyp::Result<Store> {
    StoreOptions::new()
        .map_size(MAP_SIZE)
        .durability(Durability::Off)
        .clock(clock.clone())
        .open(dir)
}

fn key(i: usize) -> String {
    format!("key:{i:06}")
}

fn value(i: usize, len: usize) -> Vec<u8> {
    let mut v = format!("{i}:").into_bytes();
    v.resize(len, b'v');
    v
}

/// Writes keys `0..` until a write fails; returns how many were written and the error.
fn fill(store: &Store, value_len: usize) -> (usize, Error) {
    let mut n = 0;
    loop {
        match store.set(key(n), value(n, value_len)) {
            Ok(()) => n += 1,
            Err(e) => return (n, e),
        }
        assert!(n < 1_000_000, "a {MAP_SIZE}-byte map never filled up");
    }
}

fn assert_store_full(error: &Error) {
    assert!(
        matches!(error, Error::StoreFull { map_size } if *map_size == MAP_SIZE),
        "expected StoreFull, got {error:?}"
    );
    let text = error.to_string();
    assert!(text.starts_with("OOM "), "{text}");
    assert!(text.contains("StoreOptions::map_size"), "{text}");
    assert!(text.contains(&MAP_SIZE.to_string()), "{text}");
}

fn assert_present(store: &Store, range: std::ops::Range<usize>, len: usize) -> keyp::Result<()> {
    for i in range {
        assert_eq!(
            store.get(key(i))?.as_deref(),
            Some(&value(i, len)[..]),
            "{}",
            key(i)
        );
    }
    Ok(())
}

#[test]
fn a_full_store_reads_and_recovers_by_deleting() -> keyp::Result<()> {
    for value_len in [100, 1000, 5000] {
        let dir = tempfile::tempdir()?;
        let clock = Arc::new(ManualClock::new(1_700_000_000_000));
        let store = open(dir.path(), &clock)?;
        assert_eq!(store.map_size(), MAP_SIZE);
        let (n, error) = fill(&store, value_len);
        assert_store_full(&error);
        // Most of the map holds data: the limit is the configured size, not far below it.
        assert!(
            n * value_len > MAP_SIZE / 3,
            "{n} values of {value_len} bytes"
        );

        // Reads work; the failed write left nothing; other writes fail as a whole.
        assert_present(&store, 0..n, value_len)?;
        assert_eq!(store.get(key(n))?, None);
        assert_eq!(store.dbsize()?, n as u64);
        let batch: Vec<(String, Vec<u8>)> = (n..n + 20).map(|i| (key(i), value(i, 5000))).collect();
        assert_store_full(&store.mset(&batch).unwrap_err());
        assert_eq!(
            store.exists(&batch.iter().map(|(k, _)| k).collect::<Vec<_>>())?,
            0
        );

        // Deleting works on the full store: one key per call, then many in one call.
        let tenth = n.div_ceil(10);
        for i in 0..tenth {
            assert_eq!(store.del(&[key(i)])?, 1, "DEL {} on a full store", key(i));
        }
        let many: Vec<String> = (tenth..2 * tenth).map(key).collect();
        assert_eq!(store.del(&many)?, many.len() as u64);

        // ... and makes room for new writes. Space is counted in LMDB pages: deleting small
        // values scattered over the pages frees whole pages only where pages empty, so fewer
        // new values fit than were deleted; values of their own pages (5000 bytes) free exactly.
        let deleted = 2 * tenth;
        let mut refill = 0;
        while store
            .set(key(n + refill), value(n + refill, value_len))
            .is_ok()
        {
            refill += 1;
        }
        let what = format!("{value_len}-byte values: {refill} written after deleting {deleted}");
        assert!(refill >= deleted / 8, "{what}");
        if value_len == 5000 {
            assert_eq!(refill, deleted, "{what}");
        }
        assert_present(&store, deleted..n + refill, value_len)?;
        assert_eq!(store.dbsize()?, (n + refill - deleted) as u64);
        // Overwrites that do not grow the data still work on the full store.
        store.set(key(n - 1), value(n - 2, value_len))?;
        assert_eq!(
            store.get(key(n - 1))?.as_deref(),
            Some(&value(n - 2, value_len)[..])
        );
    }
    Ok(())
}

#[test]
fn flushdb_empties_a_full_store() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(1_700_000_000_000));
    let store = open(dir.path(), &clock)?;
    let (n, error) = fill(&store, 100);
    assert_store_full(&error);
    store.flushdb()?;
    assert_eq!(store.dbsize()?, 0);
    // The space is reusable: the store fills up again to about the same size.
    let (again, error) = fill(&store, 100);
    assert_store_full(&error);
    assert!(
        again * 10 >= n * 9,
        "{again} keys fit after FLUSHDB, {n} before"
    );
    Ok(())
}

#[test]
fn expiry_frees_a_full_store() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(1_700_000_000_000));
    let store = open(dir.path(), &clock)?;
    let (n, error) = fill(&store, 1000);
    assert_store_full(&error);
    // EXPIRE with a deadline in the past deletes, so it works when full.
    let half = n / 2;
    for i in 0..half {
        assert!(store.expire(key(i), -1, ExpireCondition::Always)?);
    }
    assert_eq!(store.dbsize()?, (n - half) as u64);
    for i in n..n + half / 2 {
        store.set(key(i), value(i, 1000))?;
    }
    assert_present(&store, half..n + half / 2, 1000)?;
    Ok(())
}

#[test]
fn a_full_store_stays_full_across_a_reopen() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(1_700_000_000_000));
    let n = {
        let store = open(dir.path(), &clock)?;
        let (n, error) = fill(&store, 1000);
        assert_store_full(&error);
        n
    };
    let store = open(dir.path(), &clock)?;
    assert_present(&store, 0..n, 1000)?;
    assert_store_full(&store.set(key(n), value(n, 1000)).unwrap_err());
    let tenth: Vec<String> = (0..n / 10).map(key).collect();
    assert_eq!(store.del(&tenth)?, tenth.len() as u64);
    store.set(key(n), value(n, 1000))?;
    // A larger map lifts the limit.
    drop(store);
    let store = StoreOptions::new()
        .map_size(4 * MAP_SIZE)
        .clock(clock.clone())
        .open(dir.path())?;
    store.set_ex("more", vec![0u8; 100_000], Duration::from_secs(60))?;
    assert_present(&store, n / 10..n + 1, 1000)?;
    Ok(())
}
