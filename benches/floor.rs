//! The write floor under the server's durability schemes: raw LMDB (`lmdb-rkv`, no keyp code,
//! no network) doing what the server's commits do to its `keys` database under
//! `redis-benchmark`'s SET and MSET tests, timed as puts per second.
//!
//! Each scenario opens a fresh environment, puts 50,000 random keys (out of 100,000) with
//! 70-byte values (a 64-byte value and its record header; keys of 25 bytes in keyp's `keys`
//! encoding: database byte, 8-byte hash, user key), then times a run of random puts over the same
//! 100,000 keys in transactions of a given size, `NO_SYNC`, with what each `--appendfsync` mode
//! does around the commits on a second thread:
//!
//! - `writemap` or `pwrite`: pages written into the memory map (`MDB_WRITEMAP`, the server's
//!   default but with `always`) or with `pwrite` at commit;
//! - nothing more (no durability: the ceiling), or `sync 1 s`: `env.sync` every second
//!   (`everysec`), or `pinned checkpoints`: what the write-ahead log's checkpoints do under
//!   `always`, a sync every second or once the data file has grown 16 MiB, each sync's
//!   snapshot kept open until the next sync is done (so that a power loss finds the
//!   checkpoint's pages intact: LMDB cannot reuse a page that snapshot holds, and the file
//!   grows meanwhile).
//!
//! A transaction size is what one commit of the server can hold under `redis-benchmark -c 50`:
//! 160 puts is what a pipeline-1 MSET test commits at once on this machine (16 MSETs of 10
//! keys), 500 is all 50 clients' MSETs, 800 all 50 clients' 16 pipelined SETs, 8,000 their 16
//! pipelined MSETs. Everything the server does per write (reading and parsing requests, keyp's
//! records, the write-ahead log, replies) comes on top, and `redis-benchmark` shares the
//! machine's cores.
//!
//! Run: `cargo bench --bench floor` (about two minutes; `FLOOR_PUTS=500000` for a shorter run).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lmdb::{Database, Environment, EnvironmentFlags, RoTransaction, Transaction, WriteFlags};

mod common;
use common::Picker;

const KEY_SPACE: u64 = 100_000;
const FILLED: u64 = 50_000;
const VALUE: [u8; 70] = [b'v'; 70];
const SYNC_EVERY: Duration = Duration::from_secs(1);
const SYNC_GROWTH: usize = 16 << 20;
const PAGE: usize = 4096;

/// How the data file is written, and what happens around the commits.
#[derive(Clone, Copy)]
struct Scheme {
    /// `MDB_WRITEMAP`: pages written in the memory map; otherwise with `pwrite` at commit.
    write_map: bool,
    sync: Sync,
}

#[derive(Clone, Copy, PartialEq)]
enum Sync {
    /// None at all.
    Never,
    /// `env.sync` every second.
    Every,
    /// Checkpoints: every second or after 16 MiB of growth, each snapshot pinned until the next.
    Pinned,
}

impl Scheme {
    fn name(self) -> String {
        let write = if self.write_map { "writemap" } else { "pwrite" };
        match self.sync {
            Sync::Never => write.to_owned(),
            Sync::Every => format!("{write}, sync 1 s"),
            Sync::Pinned => format!("{write}, pinned checkpoints"),
        }
    }
}

const fn scheme(write_map: bool, sync: Sync) -> Scheme {
    Scheme { write_map, sync }
}

const SCENARIOS: [(Scheme, u64); 12] = [
    (scheme(true, Sync::Never), 8000),
    (scheme(true, Sync::Every), 800),
    (scheme(true, Sync::Every), 8000),
    (scheme(true, Sync::Pinned), 500),
    (scheme(true, Sync::Pinned), 8000),
    (scheme(false, Sync::Every), 160),
    (scheme(false, Sync::Every), 500),
    (scheme(false, Sync::Every), 8000),
    (scheme(false, Sync::Pinned), 160),
    (scheme(false, Sync::Pinned), 500),
    (scheme(false, Sync::Pinned), 800),
    (scheme(false, Sync::Pinned), 8000),
];

/// keyp's `keys` encoding of `key:NNNNNNNNNNNN`: database byte, 8-byte hash, the user key.
fn key(i: u64) -> [u8; 25] {
    let mut out = [0u8; 25];
    out[1..9].copy_from_slice(&i.wrapping_mul(0x9e37_79b9_7f4a_7c15).to_be_bytes());
    out[9..13].copy_from_slice(b"key:");
    out[13..].copy_from_slice(format!("{i:012}").as_bytes());
    out
}

fn open(path: &Path, scheme: Scheme, pick: &mut Picker) -> (Arc<Environment>, Database) {
    let mut flags =
        EnvironmentFlags::NO_TLS | EnvironmentFlags::NO_READAHEAD | EnvironmentFlags::NO_SYNC;
    if scheme.write_map {
        flags |= EnvironmentFlags::WRITE_MAP;
    }
    let env = Environment::new()
        .set_flags(flags)
        .set_map_size(16 << 30)
        .open(path)
        .expect("open the environment");
    let db = env.open_db(None).expect("open the main database");
    let mut txn = env.begin_rw_txn().expect("begin the fill");
    for _ in 0..FILLED {
        txn.put(db, &key(pick.next(KEY_SPACE)), &VALUE, WriteFlags::empty())
            .expect("fill");
    }
    txn.commit().expect("commit the fill");
    (Arc::new(env), db)
}

/// The data file's last page.
fn last_page(env: &Environment) -> usize {
    env.info().expect("environment info").last_pgno()
}

/// Syncs `env` until `stop`: every [`SYNC_EVERY`], and with `pinned` also once the data file
/// has grown [`SYNC_GROWTH`], keeping each sync's snapshot open until the next sync is done.
/// Returns the number of syncs.
fn syncer(env: Arc<Environment>, pinned: bool, stop: Arc<AtomicBool>) -> JoinHandle<u32> {
    std::thread::spawn(move || {
        let mut held: Option<RoTransaction<'_>> = None;
        let mut synced = (Instant::now(), last_page(&env));
        let mut syncs = 0;
        while !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(1));
            let grown = last_page(&env).saturating_sub(synced.1) * PAGE;
            if synced.0.elapsed() < SYNC_EVERY && !(pinned && grown >= SYNC_GROWTH) {
                continue;
            }
            let snapshot = env.begin_ro_txn().expect("begin the sync's snapshot");
            synced = (Instant::now(), last_page(&env));
            env.sync(true).expect("sync");
            syncs += 1;
            // The previous snapshot goes once this sync has made the newer one durable.
            held = pinned.then_some(snapshot);
        }
        drop(held);
        syncs
    })
}

/// Puts `puts` random keys in transactions of `per_txn`; returns puts per second, the number
/// of syncs and the data file's size in MiB at the end.
fn run(scheme: Scheme, per_txn: u64, puts: u64) -> (f64, u32, usize) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut pick = Picker(7);
    let (env, db) = open(dir.path(), scheme, &mut pick);
    let stop = Arc::new(AtomicBool::new(false));
    let background = (scheme.sync != Sync::Never).then(|| {
        syncer(
            Arc::clone(&env),
            scheme.sync == Sync::Pinned,
            Arc::clone(&stop),
        )
    });
    let start = Instant::now();
    let mut done = 0;
    while done < puts {
        let mut txn = env.begin_rw_txn().expect("begin");
        for _ in 0..per_txn {
            txn.put(db, &key(pick.next(KEY_SPACE)), &VALUE, WriteFlags::empty())
                .expect("put");
        }
        txn.commit().expect("commit");
        done += per_txn;
    }
    let rate = done as f64 / start.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let syncs = background.map_or(0, |thread| thread.join().expect("the syncer thread"));
    (rate, syncs, ((last_page(&env) + 1) * PAGE) >> 20)
}

fn main() {
    // `cargo bench` passes `--bench`; a name filter selects scenarios by their scheme's name.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let puts: u64 = std::env::var("FLOOR_PUTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000_000);
    println!("| scheme | puts per transaction | puts/s | syncs | data file, MiB |");
    println!("| --- | --- | --- | --- | --- |");
    for (scheme, per_txn) in SCENARIOS {
        let name = scheme.name();
        if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        let (rate, syncs, size) = run(scheme, per_txn, puts);
        println!("| {name} | {per_txn} | {rate:.0} | {syncs} | {size} |");
    }
}
