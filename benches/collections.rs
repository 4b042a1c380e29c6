//! Collection operations on a collection of 100 elements beside the same operation on one of
//! 1,000,000: how each command's cost grows with the collection. Elements are 16 bytes (list
//! items, hash fields and values, zset members); each collection lives in a store of its own,
//! so the disk use measured after populating it belongs to that collection alone.
//!
//! After populating, the bench prints to stderr (criterion's stdout stays clean) a table of
//! disk bytes per element: the `data.mdb` file size, and the pages LMDB really uses (last page
//! number + 1 minus the free list, read with raw `lmdb-rkv` after the store is closed).
//!
//! Beside them, raw LMDB at the same two sizes (`lmdb_get`, `lmdb_put_existing`): the floor,
//! what one random lookup and one single-put transaction cost the storage engine itself.
//!
//! Run: `cargo bench --bench collections` (about 5 minutes; add `-- --quick` for less).

use std::hint::black_box;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode};
use keyp::{Durability, ScoreBound, Store, StoreOptions, ZAddOptions, ZRange};
use lmdb::{Environment, EnvironmentFlags};

mod common;
use common::Picker;

const SIZES: [u64; 2] = [100, 1_000_000];
/// Elements written per transaction while populating.
const BATCH: u64 = 10_000;
const MAP_SIZE: usize = 8 << 30;
const KEY: &[u8] = b"collection";

/// A 16-byte element: `prefix` (4 bytes) then the index in 12 digits.
fn element(prefix: &[u8; 4], i: u64) -> [u8; 16] {
    let mut out = [0u8; 16];
    out[..4].copy_from_slice(prefix);
    out[4..].copy_from_slice(format!("{i:012}").as_bytes());
    out
}

fn field(i: u64) -> [u8; 16] {
    element(b"fld:", i)
}

fn member(i: u64) -> [u8; 16] {
    element(b"mbr:", i)
}

fn open_store(path: &Path) -> Store {
    StoreOptions::new()
        .map_size(MAP_SIZE)
        .durability(Durability::Off)
        .open(path)
        .unwrap()
}

/// One row of the disk table.
struct DiskRow {
    kind: &'static str,
    elements: u64,
    file_bytes: u64,
    live_bytes: u64,
}

static DISK: Mutex<Vec<DiskRow>> = Mutex::new(Vec::new());

/// A populated collection in a store of its own.
struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    n: u64,
}

/// Opens a fresh store, calls `fill(tx, range)` for each batch of `0..n` in its own
/// transaction, records the disk use, and returns the store reopened.
fn populate(
    kind: &'static str,
    n: u64,
    fill: impl Fn(&mut keyp::WriteTxn<'_>, std::ops::Range<u64>) -> keyp::Result<()>,
) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path());
    let mut start = 0;
    while start < n {
        let end = (start + BATCH).min(n);
        store.transaction(|tx| fill(tx, start..end)).unwrap();
        start = end;
    }
    store.sync().unwrap();
    drop(store);
    let file_bytes = std::fs::metadata(dir.path().join("data.mdb"))
        .unwrap()
        .len();
    let live_bytes = live_bytes(dir.path());
    DISK.lock().unwrap().push(DiskRow {
        kind,
        elements: n,
        file_bytes,
        live_bytes,
    });
    let store = open_store(dir.path());
    Fixture {
        _dir: dir,
        store,
        n,
    }
}

/// Bytes of the pages in use (not on the free list) in the closed environment at `path`.
fn live_bytes(path: &Path) -> u64 {
    let env = Environment::new()
        .set_flags(EnvironmentFlags::NO_TLS | EnvironmentFlags::READ_ONLY)
        .set_max_dbs(8)
        .set_map_size(MAP_SIZE)
        .open(path)
        .unwrap();
    let pages = env.info().unwrap().last_pgno() + 1 - env.freelist().unwrap();
    pages as u64 * u64::from(env.stat().unwrap().page_size())
}

fn lists(c: &mut Criterion) {
    let fixtures: Vec<Fixture> = SIZES
        .iter()
        .map(|&n| {
            populate("list", n, |tx, range| {
                let items: Vec<[u8; 16]> = range.map(|i| element(b"itm:", i)).collect();
                tx.rpush(KEY, &items).map(|_| ())
            })
        })
        .collect();

    let mut g = c.benchmark_group("lpush_rpop");
    for f in &fixtures {
        let item = element(b"new:", 0);
        g.bench_function(f.n.to_string(), |b| {
            b.iter(|| {
                f.store.lpush(KEY, &[item]).unwrap();
                black_box(f.store.rpop(KEY).unwrap())
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("lindex_mid");
    for f in &fixtures {
        let middle = (f.n / 2) as i64;
        g.bench_function(f.n.to_string(), |b| {
            b.iter(|| black_box(f.store.lindex(KEY, middle).unwrap()))
        });
    }
    g.finish();
}

fn hashes(c: &mut Criterion) {
    let value = [b'v'; 16];
    let fixtures: Vec<Fixture> = SIZES
        .iter()
        .map(|&n| {
            populate("hash", n, |tx, range| {
                let pairs: Vec<([u8; 16], [u8; 16])> = range.map(|i| (field(i), value)).collect();
                tx.hset(KEY, &pairs).map(|_| ())
            })
        })
        .collect();

    let mut g = c.benchmark_group("hset_existing");
    for f in &fixtures {
        let mut pick = Picker(1);
        let new_value = [b'w'; 16];
        g.bench_function(f.n.to_string(), |b| {
            b.iter(|| {
                black_box(
                    f.store
                        .hset(KEY, &[(field(pick.next(f.n)), new_value)])
                        .unwrap(),
                )
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("hget");
    for f in &fixtures {
        let mut pick = Picker(2);
        g.bench_function(f.n.to_string(), |b| {
            b.iter(|| black_box(f.store.hget(KEY, field(pick.next(f.n))).unwrap()))
        });
    }
    g.finish();
}

fn zsets(c: &mut Criterion) {
    // Member i has score i; updates move it by less than 0.5, so every rank stays put.
    let fixtures: Vec<Fixture> = SIZES
        .iter()
        .map(|&n| {
            let f = populate("zset", n, |tx, range| {
                let pairs: Vec<(f64, [u8; 16])> = range.map(|i| (i as f64, member(i))).collect();
                tx.zadd(KEY, ZAddOptions::default(), &pairs).map(|_| ())
            });
            // With its rank index, as after a first ZRANK: writes keep it up to date.
            f.store.zset_index_ranks(KEY).unwrap();
            f
        })
        .collect();

    let mut g = c.benchmark_group("zadd_update");
    for f in &fixtures {
        let mut pick = Picker(3);
        let mut step = 0u64;
        g.bench_function(f.n.to_string(), |b| {
            b.iter(|| {
                step = step % 1000 + 1;
                let i = pick.next(f.n);
                let score = i as f64 + step as f64 / 2048.0;
                black_box(
                    f.store
                        .zadd(KEY, ZAddOptions::default(), &[(score, member(i))])
                        .unwrap(),
                )
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("zscore");
    for f in &fixtures {
        let mut pick = Picker(4);
        g.bench_function(f.n.to_string(), |b| {
            b.iter(|| black_box(f.store.zscore(KEY, member(pick.next(f.n))).unwrap()))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("zrange_0_99");
    let range = ZRange::rank(0, 99);
    for f in &fixtures {
        g.bench_function(f.n.to_string(), |b| {
            b.iter(|| black_box(f.store.zrange(KEY, &range).unwrap()))
        });
    }
    g.finish();

    // A new member each iteration; the setup (not timed) removes the one added before, so
    // the set keeps its size.
    let mut g = c.benchmark_group("zadd_new");
    for f in &fixtures {
        let mut pick = Picker(5);
        let mut added: Option<[u8; 16]> = None;
        g.bench_function(f.n.to_string(), |b| {
            b.iter_batched(
                || {
                    if let Some(old) = added.take() {
                        f.store.zrem(KEY, &[old]).unwrap();
                    }
                    let i = pick.next(f.n);
                    let new = element(b"new:", i);
                    added = Some(new);
                    (i as f64 + 0.25, new)
                },
                |(score, new)| {
                    black_box(
                        f.store
                            .zadd(KEY, ZAddOptions::default(), &[(score, new)])
                            .unwrap(),
                    )
                },
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();

    // The middle 100 members: the start is found by rank.
    let mut g = c.benchmark_group("zrange_mid_100");
    for f in &fixtures {
        let start = (f.n / 2) as i64;
        let range = ZRange::rank(start, start + 99);
        g.bench_function(f.n.to_string(), |b| {
            b.iter(|| black_box(f.store.zrange(KEY, &range).unwrap()))
        });
    }
    g.finish();

    // The middle half of the scores, counted.
    let mut g = c.benchmark_group("zcount_half");
    g.sampling_mode(SamplingMode::Flat).sample_size(10);
    for f in &fixtures {
        let (min, max) = ((f.n / 4) as f64, (3 * f.n / 4) as f64);
        g.bench_function(f.n.to_string(), |b| {
            b.iter(|| {
                black_box(
                    f.store
                        .zcount(KEY, ScoreBound::Inclusive(min), ScoreBound::Inclusive(max))
                        .unwrap(),
                )
            })
        });
    }
    g.finish();

    // ZRANK of the middle member.
    let mut g = c.benchmark_group("zrank_mid");
    g.sampling_mode(SamplingMode::Flat).sample_size(10);
    for f in &fixtures {
        let middle = member(f.n / 2);
        g.bench_function(f.n.to_string(), |b| {
            b.iter(|| black_box(f.store.zrank(KEY, middle).unwrap()))
        });
    }
    g.finish();
}

fn sets(c: &mut Criterion) {
    let fixtures: Vec<Fixture> = SIZES
        .iter()
        .map(|&n| {
            populate("set", n, |tx, range| {
                let members: Vec<[u8; 16]> = range.map(member).collect();
                tx.sadd(KEY, &members).map(|_| ())
            })
        })
        .collect();

    let mut g = c.benchmark_group("sadd_existing");
    for f in &fixtures {
        let mut pick = Picker(7);
        g.bench_function(f.n.to_string(), |b| {
            b.iter(|| black_box(f.store.sadd(KEY, &[member(pick.next(f.n))]).unwrap()))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("sismember");
    for f in &fixtures {
        let mut pick = Picker(8);
        g.bench_function(f.n.to_string(), |b| {
            b.iter(|| black_box(f.store.sismember(KEY, member(pick.next(f.n))).unwrap()))
        });
    }
    g.finish();
}

/// A raw LMDB database shaped like a collection's entries in the `elements` database: keys of
/// key id, kind, an 8-byte hash and the 16-byte element (33 bytes), 16-byte values, written in
/// hash order 10,000 to a transaction. The floor under the collection operations: what one
/// lookup and one single-put transaction cost LMDB itself at each size.
struct RawFixture {
    _dir: tempfile::TempDir,
    env: Environment,
    db: lmdb::Database,
    n: u64,
}

fn raw_key(i: u64) -> [u8; 33] {
    // splitmix64's finaliser: the order of the keys is unrelated to i, as a hash order is.
    let mut h = i.wrapping_add(0x9e37_79b9_7f4a_7c15);
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    let mut key = [0u8; 33];
    key[..8].copy_from_slice(&7u64.to_be_bytes());
    key[8] = 1;
    key[9..17].copy_from_slice(&h.to_be_bytes());
    key[17..].copy_from_slice(&field(i));
    key
}

fn raw_populate(n: u64) -> RawFixture {
    use lmdb::{DatabaseFlags, Transaction, WriteFlags};
    let dir = tempfile::tempdir().unwrap();
    let env = Environment::new()
        .set_flags(
            EnvironmentFlags::NO_SYNC | EnvironmentFlags::NO_META_SYNC | EnvironmentFlags::NO_TLS,
        )
        .set_max_dbs(8)
        .set_map_size(MAP_SIZE)
        .open(dir.path())
        .unwrap();
    let db = env
        .create_db(Some("elements"), DatabaseFlags::empty())
        .unwrap();
    let mut start = 0;
    while start < n {
        let end = (start + BATCH).min(n);
        let mut tx = env.begin_rw_txn().unwrap();
        for i in start..end {
            tx.put(db, &raw_key(i), &[b'v'; 16], WriteFlags::empty())
                .unwrap();
        }
        tx.commit().unwrap();
        start = end;
    }
    RawFixture {
        _dir: dir,
        env,
        db,
        n,
    }
}

fn raw_lmdb(c: &mut Criterion) {
    use lmdb::{Transaction, WriteFlags};
    let fixtures: Vec<RawFixture> = SIZES.iter().map(|&n| raw_populate(n)).collect();

    let mut g = c.benchmark_group("lmdb_get");
    for f in &fixtures {
        let mut pick = Picker(9);
        g.bench_function(f.n.to_string(), |b| {
            b.iter(|| {
                let tx = f.env.begin_ro_txn().unwrap();
                let found = tx.get(f.db, &raw_key(pick.next(f.n))).map(<[u8]>::len);
                black_box(found.unwrap())
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("lmdb_put_existing");
    for f in &fixtures {
        let mut pick = Picker(10);
        g.bench_function(f.n.to_string(), |b| {
            b.iter(|| {
                let mut tx = f.env.begin_rw_txn().unwrap();
                tx.put(
                    f.db,
                    &raw_key(pick.next(f.n)),
                    &[b'w'; 16],
                    WriteFlags::empty(),
                )
                .unwrap();
                tx.commit().unwrap()
            })
        });
    }
    g.finish();
}

/// Prints the disk table gathered while populating (runs last).
fn disk_report(_c: &mut Criterion) {
    let rows = DISK.lock().unwrap();
    eprintln!();
    eprintln!(
        "disk use after populating (16-byte elements; data.mdb after sync, then live pages):"
    );
    eprintln!(
        "{:<6} {:>10} {:>14} {:>12} {:>14} {:>12}",
        "type", "elements", "data.mdb B", "file B/elem", "live B", "live B/elem"
    );
    for row in rows.iter() {
        eprintln!(
            "{:<6} {:>10} {:>14} {:>12.1} {:>14} {:>12.1}",
            row.kind,
            row.elements,
            row.file_bytes,
            row.file_bytes as f64 / row.elements as f64,
            row.live_bytes,
            row.live_bytes as f64 / row.elements as f64
        );
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = lists, hashes, sets, zsets, raw_lmdb, disk_report
}
criterion_main!(benches);
