//! The library against raw LMDB: each keyp operation beside the same work done with direct
//! `lmdb-rkv` calls on a plain key → value database, over 1,000,000 keys of 16 bytes with
//! 16-byte and 64-byte values. Both sides use the same LMDB flags (NO_SYNC unless the bench
//! says "durable"), the same key order and the same random access pattern.
//!
//! Run: `cargo bench --bench store` (add `-- --quick` for a shorter run).

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use keyp::{Durability, Store, StoreOptions};
use lmdb::{Database, DatabaseFlags, Environment, EnvironmentFlags, Transaction, WriteFlags};

mod common;
use common::Picker;

const KEYS: u64 = 1_000_000;
const MAP_SIZE: usize = 8 << 30;

fn key(i: u64) -> [u8; 16] {
    let mut out = *b"key:000000000000";
    let digits = format!("{i:012}");
    out[4..].copy_from_slice(digits.as_bytes());
    out
}

struct Raw {
    env: Environment,
    db: Database,
}

impl Raw {
    fn open(path: &Path, durable: bool) -> Raw {
        Raw::open_with(path, durable, false)
    }

    fn open_with(path: &Path, durable: bool, write_map: bool) -> Raw {
        let mut flags = EnvironmentFlags::NO_TLS | EnvironmentFlags::NO_READAHEAD;
        if !durable {
            flags |= EnvironmentFlags::NO_SYNC;
        }
        if write_map {
            flags |= EnvironmentFlags::WRITE_MAP;
        }
        let env = Environment::new()
            .set_flags(flags)
            .set_max_dbs(2)
            .set_map_size(MAP_SIZE)
            .open(path)
            .unwrap();
        let db = env.create_db(Some("kv"), DatabaseFlags::empty()).unwrap();
        Raw { env, db }
    }

    fn fill(&self, value: &[u8]) {
        for chunk in 0..KEYS / 10_000 {
            let mut txn = self.env.begin_rw_txn().unwrap();
            for i in chunk * 10_000..(chunk + 1) * 10_000 {
                txn.put(self.db, &key(i), &value, WriteFlags::empty())
                    .unwrap();
            }
            txn.commit().unwrap();
        }
    }
}

fn open_store(path: &Path, durability: Durability) -> Store {
    StoreOptions::new()
        .map_size(MAP_SIZE)
        .durability(durability)
        .open(path)
        .unwrap()
}

fn fill_store(store: &Store, value: &[u8]) {
    for chunk in 0..KEYS / 10_000 {
        store
            .transaction(|tx| {
                for i in chunk * 10_000..(chunk + 1) * 10_000 {
                    tx.set(key(i), value)?;
                }
                Ok(())
            })
            .unwrap();
    }
}

fn reads(c: &mut Criterion) {
    for value_len in [16usize, 64] {
        let value = vec![b'v'; value_len];
        let raw_dir = tempfile::tempdir().unwrap();
        let store_dir = tempfile::tempdir().unwrap();
        let raw = Raw::open(raw_dir.path(), false);
        raw.fill(&value);
        let store = open_store(store_dir.path(), Durability::Off);
        fill_store(&store, &value);

        let mut group = c.benchmark_group(format!("get_{value_len}B"));
        let mut pick = Picker(1);
        group.bench_function("raw_lmdb", |b| {
            b.iter(|| {
                let txn = raw.env.begin_ro_txn().unwrap();
                let v = txn.get(raw.db, &key(pick.next(KEYS))).unwrap();
                black_box(v.len());
            })
        });
        let mut pick = Picker(1);
        group.bench_function("keyp_get", |b| {
            b.iter(|| black_box(store.get(key(pick.next(KEYS))).unwrap()))
        });
        let mut pick = Picker(1);
        group.bench_function("keyp_get_with", |b| {
            b.iter(|| {
                black_box(
                    store
                        .get_with(key(pick.next(KEYS)), |v| v.map(<[u8]>::len))
                        .unwrap(),
                )
            })
        });
        group.finish();

        let mut group = c.benchmark_group(format!("mget100_{value_len}B"));
        let mut pick = Picker(2);
        group.bench_function("raw_lmdb", |b| {
            b.iter(|| {
                let txn = raw.env.begin_ro_txn().unwrap();
                let out: Vec<Vec<u8>> = (0..100)
                    .map(|_| txn.get(raw.db, &key(pick.next(KEYS))).unwrap().to_vec())
                    .collect();
                black_box(out);
            })
        });
        let mut pick = Picker(2);
        group.bench_function("keyp", |b| {
            b.iter(|| {
                let keys: Vec<[u8; 16]> = (0..100).map(|_| key(pick.next(KEYS))).collect();
                black_box(store.mget(&keys).unwrap());
            })
        });
        group.finish();
    }
}

fn writes(c: &mut Criterion) {
    let value = vec![b'v'; 64];
    let raw_dir = tempfile::tempdir().unwrap();
    let store_dir = tempfile::tempdir().unwrap();
    let raw = Raw::open(raw_dir.path(), false);
    raw.fill(&value);
    let store = open_store(store_dir.path(), Durability::Off);
    fill_store(&store, &value);

    let mut group = c.benchmark_group("set_1_per_txn");
    let mut pick = Picker(3);
    group.bench_function("raw_lmdb", |b| {
        b.iter(|| {
            let mut txn = raw.env.begin_rw_txn().unwrap();
            txn.put(raw.db, &key(pick.next(KEYS)), &value, WriteFlags::empty())
                .unwrap();
            txn.commit().unwrap();
        })
    });
    let mut pick = Picker(3);
    group.bench_function("keyp", |b| {
        b.iter(|| store.set(key(pick.next(KEYS)), &value).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("set_1000_per_txn");
    group.sample_size(20);
    let mut pick = Picker(4);
    group.bench_function("raw_lmdb", |b| {
        b.iter(|| {
            let mut txn = raw.env.begin_rw_txn().unwrap();
            for _ in 0..1000 {
                txn.put(raw.db, &key(pick.next(KEYS)), &value, WriteFlags::empty())
                    .unwrap();
            }
            txn.commit().unwrap();
        })
    });
    let mut pick = Picker(4);
    group.bench_function("keyp", |b| {
        b.iter(|| {
            store
                .transaction(|tx| {
                    for _ in 0..1000 {
                        tx.set(key(pick.next(KEYS)), &value)?;
                    }
                    Ok(())
                })
                .unwrap()
        })
    });
    group.finish();

    let mut group = c.benchmark_group("incr");
    let counters: Vec<[u8; 16]> = (0..1000)
        .map(|i| *format!("ctr:{i:012}").as_bytes().first_chunk().unwrap())
        .collect();
    let mut n = 0usize;
    group.bench_function("raw_lmdb", |b| {
        b.iter(|| {
            n = (n + 1) % counters.len();
            let mut txn = raw.env.begin_rw_txn().unwrap();
            let current = match txn.get(raw.db, &counters[n]) {
                Ok(v) => std::str::from_utf8(v).unwrap().parse::<i64>().unwrap(),
                Err(lmdb::Error::NotFound) => 0,
                Err(e) => panic!("{e}"),
            };
            let next = (current + 1).to_string();
            txn.put(raw.db, &counters[n], &next, WriteFlags::empty())
                .unwrap();
            txn.commit().unwrap();
        })
    });
    let mut n = 0usize;
    group.bench_function("keyp", |b| {
        b.iter(|| {
            n = (n + 1) % counters.len();
            black_box(store.incr(counters[n]).unwrap())
        })
    });
    group.finish();
}

/// Batched SETs with `StoreOptions::write_map` on, beside raw LMDB with `MDB_WRITEMAP` too.
fn write_map_writes(c: &mut Criterion) {
    let value = vec![b'v'; 64];
    let raw_dir = tempfile::tempdir().unwrap();
    let store_dir = tempfile::tempdir().unwrap();
    let raw = Raw::open_with(raw_dir.path(), false, true);
    raw.fill(&value);
    let store = StoreOptions::new()
        .map_size(MAP_SIZE)
        .durability(Durability::Off)
        .write_map(true)
        .open(store_dir.path())
        .unwrap();
    fill_store(&store, &value);
    let mut group = c.benchmark_group("set_1000_per_txn_write_map");
    group.sample_size(20);
    let mut pick = Picker(6);
    group.bench_function("raw_lmdb", |b| {
        b.iter(|| {
            let mut txn = raw.env.begin_rw_txn().unwrap();
            for _ in 0..1000 {
                txn.put(raw.db, &key(pick.next(KEYS)), &value, WriteFlags::empty())
                    .unwrap();
            }
            txn.commit().unwrap();
        })
    });
    let mut pick = Picker(6);
    group.bench_function("keyp", |b| {
        b.iter(|| {
            store
                .transaction(|tx| {
                    for _ in 0..1000 {
                        tx.set(key(pick.next(KEYS)), &value)?;
                    }
                    Ok(())
                })
                .unwrap()
        })
    });
    group.finish();
}

fn durable_writes(c: &mut Criterion) {
    let value = vec![b'v'; 64];
    let mut group = c.benchmark_group("set_1_per_txn_durable");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(5));
    let raw_dir = tempfile::tempdir().unwrap();
    let raw = Raw::open(raw_dir.path(), true);
    let mut pick = Picker(5);
    group.bench_function("raw_lmdb", |b| {
        b.iter_batched(
            || key(pick.next(KEYS)),
            |k| {
                let mut txn = raw.env.begin_rw_txn().unwrap();
                txn.put(raw.db, &k, &value, WriteFlags::empty()).unwrap();
                txn.commit().unwrap();
            },
            BatchSize::SmallInput,
        )
    });
    // LMDB's durable commit, then the same durability through the write-ahead log (one
    // sequential append and sync).
    for (name, durability) in [
        ("keyp", Durability::Immediate),
        ("keyp_write_ahead_log", Durability::WriteAheadLog),
    ] {
        let store_dir = tempfile::tempdir().unwrap();
        let store = open_store(store_dir.path(), durability);
        let mut pick = Picker(5);
        group.bench_function(name, |b| {
            b.iter_batched(
                || key(pick.next(KEYS)),
                |k| store.set(k, &value).unwrap(),
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = reads, writes, write_map_writes, durable_writes
}
criterion_main!(benches);
