//! Stream operations on a stream of 1,000,000 entries (one 8-byte field and a 16-byte value
//! each): XADD, XRANGE of 100 entries from a random place, and XREADGROUP COUNT 1 + XACK of
//! what it read (one consumer group working through the stream).
//!
//! Run: `cargo bench --bench streams` (add `-- --quick` for a short run).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use keyp::{
    Durability, GroupReadId, GroupStartId, Store, StoreOptions, StreamId, XAddArgs, XAddId,
    XGroupCreateOptions,
};

mod common;
use common::Picker;

const ENTRIES: u64 = 1_000_000;
/// Entries written per transaction while populating.
const BATCH: u64 = 10_000;
const KEY: &[u8] = b"stream";

fn populate() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = StoreOptions::new()
        .map_size(8 << 30)
        .durability(Durability::Off)
        .open(dir.path())
        .unwrap();
    for start in (0..ENTRIES).step_by(BATCH as usize) {
        store
            .transaction(|tx| {
                for i in start..start + BATCH {
                    let id = XAddId::Explicit(StreamId::new(1 + i, 0));
                    let value = format!("value:{i:010}");
                    tx.xadd(KEY, XAddArgs::new(id), &[("payload:", value.as_str())])?;
                }
                Ok(())
            })
            .unwrap();
    }
    store
        .xgroup_create(
            KEY,
            "workers",
            GroupStartId::Id(StreamId::MIN),
            XGroupCreateOptions::default(),
        )
        .unwrap();
    (dir, store)
}

fn bench(c: &mut Criterion) {
    let (_dir, store) = populate();
    let mut group = c.benchmark_group("stream_1m");
    group.bench_function("xadd", |b| {
        b.iter(|| {
            store
                .xadd(
                    KEY,
                    XAddArgs::new(XAddId::Auto),
                    &[("payload:", "value:0123456789")],
                )
                .unwrap()
        })
    });
    let mut picker = Picker(7);
    group.bench_function("xrange_100", |b| {
        b.iter(|| {
            let start = StreamId::new(1 + picker.next(ENTRIES - 100), 0);
            let entries = store.xrange(KEY, start, StreamId::MAX, Some(100)).unwrap();
            black_box(entries.map(|e| e.len()))
        })
    });
    group.bench_function("xreadgroup_1_xack", |b| {
        b.iter(|| {
            let read = store
                .xreadgroup("workers", "w1", &[(KEY, GroupReadId::New)], Some(1), false)
                .unwrap();
            let id = read[0].1[0].0;
            black_box(store.xack(KEY, "workers", &[id]).unwrap())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
