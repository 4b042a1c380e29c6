//! DEL and UNLINK of a set of 1,000,000 members. Both are O(1) in keyp: they drop the key's
//! record and queue its key id, and the background reclaimer frees the elements afterwards in
//! batches. Each timed DEL is one whole call: one write transaction, commit included.
//!
//! - `set_1m_<durability>/del` and `/unlink`: every iteration builds a fresh 1,000,000-member
//!   set after the reclaimer has freed the previous one (untimed), then times one DEL.
//! - `set_1m_<durability>/del_while_reclaiming`: a DEL issued just after another
//!   1,000,000-member set was deleted, while the reclaimer frees it. The two share LMDB's
//!   single write lock, so this DEL may wait for one reclaimer batch.
//! - `commit_baseline/<durability>`: SET of a small string, the cost of any one-key write
//!   transaction. With `Immediate` durability every commit waits for an fsync, which dominates
//!   DEL's time too, and varies a lot on a shared virtual disk; `Off` shows DEL's own cost.
//!
//! Building the sets dominates the run (one to three seconds each, about 90 of them).
//! Run: `cargo bench --bench reclaim`.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use keyp::{Durability, Store, StoreOptions};

const MEMBERS: usize = 1_000_000;

fn wait_for_reclaim(store: &Store) {
    while store.pending_reclaim().unwrap() > 0 {
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn build(store: &Store, key: &str, members: &[String]) {
    assert_eq!(store.sadd(key, members).unwrap(), MEMBERS as u64);
}

fn timed_del(store: &Store, key: &str, unlink: bool) -> Duration {
    let start = Instant::now();
    let deleted = if unlink {
        store.unlink(&[key])
    } else {
        store.del(&[key])
    };
    let elapsed = start.elapsed();
    assert_eq!(deleted.unwrap(), 1);
    elapsed
}

fn del_big_set(c: &mut Criterion) {
    let members: Vec<String> = (0..MEMBERS).map(|i| format!("member:{i}")).collect();
    for (label, durability) in [
        ("immediate", Durability::Immediate),
        ("off", Durability::Off),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let store = StoreOptions::new()
            .durability(durability)
            .open(dir.path())
            .unwrap();
        let mut group = c.benchmark_group(format!("set_1m_{label}"));
        // One DEL per sample: the iteration count must stay small, since each builds a set.
        group
            .sample_size(10)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_millis(1))
            .measurement_time(Duration::from_millis(1));
        for (name, unlink) in [("del", false), ("unlink", true)] {
            group.bench_function(name, |b| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| {
                            wait_for_reclaim(&store);
                            build(&store, "big", &members);
                            timed_del(&store, "big", unlink)
                        })
                        .sum()
                })
            });
        }
        group.bench_function("del_while_reclaiming", |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        wait_for_reclaim(&store);
                        build(&store, "first", &members);
                        build(&store, "second", &members);
                        timed_del(&store, "first", false);
                        // Past the reclaimer's start delay: it is freeing `first` now.
                        std::thread::sleep(Duration::from_millis(5));
                        timed_del(&store, "second", false)
                    })
                    .sum()
            })
        });
        group.finish();
    }
}

fn commit_baseline(c: &mut Criterion) {
    let mut group = c.benchmark_group("commit_baseline");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(2));
    for (label, durability) in [
        ("immediate", Durability::Immediate),
        ("off", Durability::Off),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let store = StoreOptions::new()
            .durability(durability)
            .open(dir.path())
            .unwrap();
        group.bench_function(label, |b| b.iter(|| store.set("k", "v").unwrap()));
    }
    group.finish();
}

criterion_group!(benches, del_big_set, commit_baseline);
criterion_main!(benches);
