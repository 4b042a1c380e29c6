//! HyperLogLog commands on dense HyperLogLogs of 100,000 elements (12,304-byte values), with
//! `Durability::Off` so commits measure keyp, not the disk. Each call is its own transaction.
//!
//! - `pfadd/new_element`: PFADD of one element never added before (with 100,000 elements in,
//!   most leave the registers as they are and write nothing; the others rewrite the value).
//! - `pfadd/changing_element`: PFADD of one element that raises a register of a dense value
//!   (all registers 0, reset before each call, untimed): the 12 KB value is rewritten.
//! - `pfadd/seen_element`: PFADD of one element already added (a read, no write).
//! - `pfcount/cached`: PFCOUNT of one key whose cached cardinality is valid.
//! - `pfcount/uncached_read`: PFCOUNT of one key with a stale cache in a read transaction: all
//!   16,384 registers counted, nothing written.
//! - `pfcount/uncached_store`: `Store::pfcount` of one key with a stale cache: counted in a write
//!   transaction that stores the refreshed cache, as Redis does (the cache is made stale again
//!   before each call, untimed).
//! - `pfcount/union_10_keys`: PFCOUNT of 10 keys (the registers of all ten max'd, then counted).
//!
//! Run: `cargo bench --bench hll` (add `-- --quick` for a short run).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use keyp::{Durability, Store, StoreOptions};

const ELEMENTS: usize = 100_000;
const KEYS: usize = 10;

fn key(i: usize) -> String {
    format!("hll:{i}")
}

/// A store holding `KEYS` dense HyperLogLogs of `ELEMENTS` elements each (overlapping by
/// half), caches stale.
fn populated(dir: &std::path::Path) -> Store {
    let store = StoreOptions::new()
        .durability(Durability::Off)
        .open(dir)
        .unwrap();
    store
        .transaction(|tx| {
            for k in 0..KEYS {
                let start = k * ELEMENTS / 2;
                let elements: Vec<String> = (start..start + ELEMENTS)
                    .map(|i| format!("element:{i}"))
                    .collect();
                tx.pfadd(key(k), &elements)?;
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(store.strlen(key(0)).unwrap(), 12_304);
    store
}

fn bench_hll(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = populated(dir.path());
    let keys: Vec<String> = (0..KEYS).map(key).collect();

    let mut group = c.benchmark_group("pfadd");
    let mut next = 0u64;
    group.bench_function("new_element", |b| {
        b.iter(|| {
            next += 1;
            black_box(store.pfadd(&keys[1], &[format!("new:{next}")]).unwrap())
        })
    });
    // A dense value whose registers are all 0: any element raises one.
    let mut zeros = b"HYLL\0\0\0\0\0\0\0\0\0\0\0\x80".to_vec();
    zeros.resize(12_304, 0);
    group.bench_function("changing_element", |b| {
        b.iter_batched(
            || store.set("zeros", &zeros).unwrap(),
            |()| {
                next += 1;
                black_box(store.pfadd("zeros", &[format!("new:{next}")]).unwrap())
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("seen_element", |b| {
        b.iter(|| black_box(store.pfadd(&keys[1], &["element:100000"]).unwrap()))
    });
    group.finish();

    let mut group = c.benchmark_group("pfcount");
    store.pfcount(&keys[..1]).unwrap();
    group.bench_function("cached", |b| {
        b.iter(|| black_box(store.pfcount(&keys[..1]).unwrap()))
    });
    group.bench_function("uncached_read", |b| {
        b.iter(|| black_box(store.read(|r| r.pfcount(&keys[2..3])).unwrap()))
    });
    group.bench_function("uncached_store", |b| {
        b.iter_batched(
            // PFMERGE of the key alone changes no register but marks the cache stale.
            || store.pfmerge(&keys[3], &[] as &[&str]).unwrap(),
            |()| black_box(store.pfcount(&keys[3..4]).unwrap()),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("union_10_keys", |b| {
        b.iter(|| black_box(store.pfcount(&keys).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench_hll);
criterion_main!(benches);
