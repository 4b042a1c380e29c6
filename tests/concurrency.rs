//! Many threads on one store: read-modify-write transactions lose no update, INCR from many
//! threads is exact, and readers always see a consistent snapshot.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;

use keyp::{Durability, Store, StoreOptions};

const THREADS: usize = 16;

/// Commits are not synced: what is under test is isolation, not durability.
fn open(dir: &std::path::Path) -> keyp::Result<Store> {
    StoreOptions::new().durability(Durability::Off).open(dir)
}

/// Joins every thread, then returns the first error any of them returned.
fn join_all(handles: Vec<thread::ScopedJoinHandle<'_, keyp::Result<()>>>) -> keyp::Result<()> {
    let results: Vec<keyp::Result<()>> = handles
        .into_iter()
        .map(|h| h.join().expect("thread panicked"))
        .collect();
    results.into_iter().collect()
}

fn parse(value: Option<keyp::Bytes>) -> u64 {
    value.map_or(0, |v| std::str::from_utf8(&v).unwrap().parse().unwrap())
}

/// GET then SET of value + 1 inside one transaction, from 16 threads on 4 shared keys.
#[test]
fn read_modify_write_transactions_lose_no_update() -> keyp::Result<()> {
    const ROUNDS: usize = 40;
    const KEYS: usize = 4;
    let dir = tempfile::tempdir()?;
    let store = open(dir.path())?;
    thread::scope(|s| {
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                let store = store.clone();
                s.spawn(move || -> keyp::Result<()> {
                    for round in 0..ROUNDS {
                        let key = format!("rmw:{}", (t + round) % KEYS);
                        store.transaction(|tx| {
                            let current = parse(tx.get(&key)?);
                            // Let other threads run between the read and the write.
                            thread::yield_now();
                            tx.set(&key, (current + 1).to_string())
                        })?;
                    }
                    Ok(())
                })
            })
            .collect();
        join_all(workers)
    })?;
    for k in 0..KEYS {
        let count = parse(store.get(format!("rmw:{k}"))?);
        assert_eq!(count, (THREADS * ROUNDS / KEYS) as u64, "rmw:{k}");
    }
    Ok(())
}

/// INCR, INCRBY and DECR from 16 threads: the final values are exact.
#[test]
fn incr_from_many_threads_is_exact() -> keyp::Result<()> {
    const ROUNDS: i64 = 100;
    let dir = tempfile::tempdir()?;
    let store = open(dir.path())?;
    let last_seen = AtomicU64::new(0);
    thread::scope(|s| {
        let workers: Vec<_> = (0..THREADS as i64)
            .map(|t| {
                let store = store.clone();
                let last_seen = &last_seen;
                s.spawn(move || -> keyp::Result<()> {
                    for _ in 0..ROUNDS {
                        let now = store.incr("hits")?;
                        assert!(now >= 1 && now <= THREADS as i64 * ROUNDS);
                        last_seen.fetch_max(now as u64, Ordering::Relaxed);
                        store.incr_by("weighted", t + 1)?;
                        store.decr("down")?;
                    }
                    Ok(())
                })
            })
            .collect();
        join_all(workers)
    })?;
    let total = THREADS as i64 * ROUNDS;
    assert_eq!(
        store.get("hits")?.as_deref(),
        Some(total.to_string().as_bytes())
    );
    assert_eq!(last_seen.load(Ordering::Relaxed), total as u64);
    let weighted: i64 = (1..=THREADS as i64).map(|w| w * ROUNDS).sum();
    assert_eq!(
        store.get("weighted")?.as_deref(),
        Some(weighted.to_string().as_bytes())
    );
    assert_eq!(
        store.get("down")?.as_deref(),
        Some((-total).to_string().as_bytes())
    );
    Ok(())
}

/// Writers always set `a` and `b` together in one transaction; readers reading both in one
/// `Store::read` never see them differ, and never see them go backwards.
#[test]
fn readers_see_consistent_snapshots() -> keyp::Result<()> {
    const WRITERS: usize = 4;
    const READERS: usize = THREADS - WRITERS;
    const ROUNDS: usize = 100;
    let dir = tempfile::tempdir()?;
    let store = open(dir.path())?;
    store.mset(&[("a", "0"), ("b", "0")])?;
    let done = AtomicBool::new(false);
    thread::scope(|s| {
        let mut writers = Vec::new();
        for _ in 0..WRITERS {
            let store = store.clone();
            writers.push(s.spawn(move || -> keyp::Result<()> {
                for _ in 0..ROUNDS {
                    store.transaction(|tx| {
                        let next = parse(tx.get("a")?) + 1;
                        tx.set("a", next.to_string())?;
                        thread::yield_now();
                        tx.set("b", next.to_string())
                    })?;
                }
                Ok(())
            }));
        }
        let mut readers = Vec::new();
        for _ in 0..READERS {
            let store = store.clone();
            let done = &done;
            readers.push(s.spawn(move || -> keyp::Result<()> {
                let mut last = 0;
                let mut reads = 0;
                while !done.load(Ordering::Acquire) || reads == 0 {
                    let (a, b) = store.read(|r| {
                        let a = parse(r.get("a")?);
                        // Give writers a chance to commit while this snapshot is open.
                        thread::yield_now();
                        let b = parse(r.get("b")?);
                        Ok((a, b))
                    })?;
                    assert_eq!(a, b, "a snapshot saw half a transaction");
                    assert!(a >= last, "a snapshot went back in time: {a} after {last}");
                    last = a;
                    reads += 1;
                }
                Ok(())
            }));
        }
        let written = join_all(writers);
        done.store(true, Ordering::Release);
        written.and(join_all(readers))
    })?;
    let total = (WRITERS * ROUNDS).to_string();
    assert_eq!(store.get("a")?.as_deref(), Some(total.as_bytes()));
    assert_eq!(store.get("b")?.as_deref(), Some(total.as_bytes()));
    Ok(())
}
