//! `Durability::WriteAheadLog`: a power loss, a crash, a clean close, and other processes.
//!
//! A power loss under `Durability::WriteAheadLog`. What the disk holds afterwards is the last
//! checkpoint's data file, any mix of the pages written to it since (its meta pages included:
//! the kernel writes dirty pages back in no particular order), and the log up to its last sync,
//! maybe followed by a torn record. Opening such a directory must give back every write that
//! was acknowledged, nothing else, and a store that works.
//!
//! The disk is built from two copies of the files: one taken right after a checkpoint (all the
//! data file is known to hold) and one taken at the "crash", mixed page by page.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use keyp::{Durability, KeyType, Store, StoreOptions, ZAddOptions, ZRange};

/// xorshift64*: a small deterministic generator, so a failing seed can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn options(durability: Durability, write_map: bool) -> StoreOptions {
    StoreOptions::new()
        .durability(durability)
        .write_map(write_map)
        .auto_checkpoint(false)
        .background_reclaim(false)
}

/// Everything the store holds, as text per key.
fn dump(store: &Store) -> keyp::Result<BTreeMap<Vec<u8>, String>> {
    let mut all = BTreeMap::new();
    for key in store.keys("*")? {
        let text = match store.key_type(&key)? {
            Some(KeyType::String) => format!("{:?}", store.get(&key)?),
            Some(KeyType::List) => format!("{:?}", store.lrange(&key, 0, -1)?),
            Some(KeyType::Hash) => {
                let mut pairs = store.hgetall(&key)?;
                pairs.sort();
                format!("{pairs:?}")
            }
            Some(KeyType::Set) => {
                let mut members = store.smembers(&key)?;
                members.sort();
                format!("{members:?}")
            }
            Some(KeyType::ZSet) => format!("{:?}", store.zrange(&key, &ZRange::rank(0, -1))?),
            other => format!("{other:?}"),
        };
        all.insert(key.to_vec(), text);
    }
    Ok(all)
}

/// `n` random commands, each its own transaction (so its own commit and log record), on keys
/// that keep their type (no WRONGTYPE).
fn random_writes(store: &Store, rng: &mut Rng, n: usize) -> keyp::Result<()> {
    for _ in 0..n {
        let k = rng.below(200);
        let len = rng.below(300) as usize;
        let value: Vec<u8> = (0..len).map(|i| (i as u64 ^ k) as u8).collect();
        match rng.below(12) {
            0..=2 => store.set(format!("s{k}"), &value)?,
            3 if rng.below(30) == 0 => store.flushall()?,
            3 => {
                store.del(&[format!("s{k}"), format!("l{k}"), format!("h{k}")])?;
            }
            4 => {
                store.lpush(format!("l{k}"), &[&value])?;
            }
            5 => {
                store.lpop(format!("l{k}"))?;
            }
            6 => {
                store.hset(format!("h{k}"), &[(format!("f{}", rng.below(40)), &value)])?;
            }
            7 => {
                store.hdel(format!("h{k}"), &[format!("f{}", rng.below(40))])?;
            }
            8 => {
                store.sadd(format!("t{k}"), &[format!("m{}", rng.below(60))])?;
            }
            9 => {
                store.srem(format!("t{k}"), &[format!("m{}", rng.below(60))])?;
            }
            10 => {
                let score = rng.below(1000) as f64 / 7.0;
                let member = format!("z{}", rng.below(80));
                store.zadd(format!("z{k}"), ZAddOptions::default(), &[(score, member)])?;
            }
            _ => {
                // Several commands in one transaction: one record.
                store.transaction(|tx| {
                    tx.set(format!("s{k}"), &value)?;
                    tx.incr(format!("n{}", k % 7))?;
                    tx.sadd(format!("t{k}"), &[format!("m{}", k % 60)])?;
                    Ok(())
                })?;
            }
        }
    }
    Ok(())
}

/// LMDB's page size, from the data file's first meta page (the free-list database record's
/// first field holds it).
fn page_size(data: &[u8]) -> usize {
    let raw: [u8; 4] = data[40..44].try_into().unwrap();
    u32::from_le_bytes(raw) as usize
}

/// The pages of the data file in `dir` that LMDB uses (with the write map the file is as long
/// as the whole map, sparse): up to the last page either meta page names.
fn read_data(dir: &Path) -> Vec<u8> {
    use std::os::unix::fs::FileExt;
    let file = std::fs::File::open(dir.join("data.mdb")).unwrap();
    let mut first = vec![0u8; 4096];
    file.read_exact_at(&mut first, 0).unwrap();
    let page = page_size(&first);
    let mut metas = vec![0u8; 2 * page];
    file.read_exact_at(&mut metas, 0).unwrap();
    // In each meta page: a 16-byte page header, then magic, version, address, map size, two
    // database records of 48 bytes, and the last page number.
    let last = (0..2)
        .map(|i| {
            let at = i * page + 16 + 4 + 4 + 8 + 8 + 2 * 48;
            u64::from_le_bytes(metas[at..at + 8].try_into().unwrap())
        })
        .max()
        .unwrap();
    let mut data = vec![0u8; (last as usize + 1) * page];
    file.read_exact_at(&mut data, 0).unwrap();
    data
}

/// The data file after the crash: `synced` (all the last checkpoint guarantees), with each page
/// that differs in `latest` taken from it with probability `p` out of 4.
fn mix(synced: &[u8], latest: &[u8], rng: &mut Rng, p: u64) -> Vec<u8> {
    let page = page_size(synced);
    let len = synced.len().max(latest.len());
    let mut out = vec![0u8; len];
    for start in (0..len).step_by(page) {
        let end = (start + page).min(len);
        let old = synced.get(start..end);
        let new = latest.get(start..end);
        let take_new = new.is_some() && old != new && rng.below(4) < p;
        let chosen = if take_new { new } else { old };
        if let Some(bytes) = chosen {
            out[start..start + bytes.len()].copy_from_slice(bytes);
        }
    }
    out
}

const FILES: [&str; 3] = ["wal.0", "wal.1", "checkpoint"];

/// Builds the crashed disk in `to`: the log files as `from` holds them now, each followed by
/// torn bytes (a record the crash cut short, never acknowledged), and the mixed data file.
fn crashed_disk(from: &Path, to: &Path, data: &[u8], rng: &mut Rng) {
    for name in FILES {
        let mut bytes = std::fs::read(from.join(name)).unwrap();
        if name != "checkpoint" {
            tear(&mut bytes, rng);
        }
        std::fs::write(to.join(name), bytes).unwrap();
    }
    std::fs::write(to.join("data.mdb"), data).unwrap();
}

/// Writes, right after the last record of a log segment, the start of the next one as a crash
/// leaves it: its header (the right magic, a length, the next sequence number, a checksum)
/// and part of its payload. Records are `magic:u32 len:u64 seq:u64 checksum:u64 payload`,
/// little-endian; the segment's unused end is zeros.
fn tear(segment: &mut Vec<u8>, rng: &mut Rng) {
    const MAGIC: u32 = 0x4b57_414c;
    let field = |bytes: &[u8], at: usize| {
        let mut raw = [0u8; 8];
        raw.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(raw)
    };
    let (mut at, mut seq) = (0usize, 0u64);
    while segment.len() >= at + 28 && segment[at..at + 4] == MAGIC.to_le_bytes() {
        let next = at + 28 + field(segment, at + 4) as usize;
        // A full-length record whose sequence number does not follow is a leftover.
        if next > segment.len() || (seq != 0 && field(segment, at + 12) != seq + 1) {
            break;
        }
        seq = field(segment, at + 12);
        at = next;
    }
    let mut torn = MAGIC.to_le_bytes().to_vec();
    torn.extend_from_slice(&(400 + rng.below(400)).to_le_bytes());
    torn.extend_from_slice(&(seq + 1).to_le_bytes());
    torn.extend_from_slice(&rng.next().to_le_bytes());
    torn.extend((0..rng.below(300)).map(|_| rng.next() as u8));
    if segment.len() < at + torn.len() {
        segment.resize(at + torn.len(), 0);
    }
    segment[at..at + torn.len()].copy_from_slice(&torn);
}

/// A store with the log in a new directory: `before` random writes (and `checkpoints` more
/// rounds of a checkpoint and 300 writes), a checkpoint, `after` writes; then the disk a power
/// loss leaves (`p` as for [`mix`]) built in another directory. Returns that directory and
/// what the store held when the power went.
fn power_loss(
    rng: &mut Rng,
    write_map: bool,
    (before, checkpoints, after): (usize, usize, usize),
    p: u64,
) -> (tempfile::TempDir, BTreeMap<Vec<u8>, String>) {
    let live = tempfile::tempdir().unwrap();
    let store = options(Durability::WriteAheadLog, write_map)
        .open(live.path())
        .unwrap();
    random_writes(&store, rng, before).unwrap();
    for _ in 0..checkpoints {
        store.sync().unwrap();
        random_writes(&store, rng, 300).unwrap();
    }
    store.sync().unwrap();
    let synced = read_data(live.path());
    random_writes(&store, rng, after).unwrap();
    let expected = dump(&store).unwrap();
    let latest = read_data(live.path());
    let crashed = tempfile::tempdir().unwrap();
    let data = mix(&synced, &latest, rng, p);
    crashed_disk(live.path(), crashed.path(), &data, rng);
    (crashed, expected)
}

fn power_loss_round(seed: u64, write_map: bool, checkpoints: usize, p: u64) {
    let mut rng = Rng(seed);
    // Enough churn after the checkpoint that pages freed since are reused many times over.
    let (crashed, expected) = power_loss(&mut rng, write_map, (400, checkpoints, 1200), p);
    let store = options(Durability::WriteAheadLog, write_map)
        .open(crashed.path())
        .unwrap();
    let context = format!("seed {seed}, write map {write_map}, p {p}/4");
    assert_eq!(dump(&store).unwrap(), expected, "{context}");
    // The recovered store works, and a crash of it recovers in turn.
    random_writes(&store, &mut rng, 200).unwrap();
    let expected = dump(&store).unwrap();
    drop(store);
    let store = options(Durability::WriteAheadLog, write_map)
        .open(crashed.path())
        .unwrap();
    assert_eq!(dump(&store).unwrap(), expected, "{context}, reopened");
}

#[test]
fn acknowledged_writes_survive_a_power_loss() {
    for (round, p) in [0u64, 1, 2, 3, 4].into_iter().enumerate() {
        let seed = 0x5eed_0000 + round as u64;
        power_loss_round(seed, round % 2 == 1, round % 3, p);
    }
}

/// A store last used with the log, crashed, then opened with another durability: the log is
/// applied all the same, then removed.
#[test]
fn a_crashed_log_is_applied_whatever_the_durability_next() {
    let mut rng = Rng(77);
    let (crashed, expected) = power_loss(&mut rng, false, (300, 0, 600), 2);

    let store = options(Durability::Periodic(Duration::from_secs(3600)), false)
        .open(crashed.path())
        .unwrap();
    assert_eq!(dump(&store).unwrap(), expected);
    for name in FILES {
        assert!(!crashed.path().join(name).exists(), "{name} left behind");
    }
    drop(store);
    let store = options(Durability::WriteAheadLog, false)
        .open(crashed.path())
        .unwrap();
    assert_eq!(dump(&store).unwrap(), expected);
}

/// A crash during the very first open with the log can leave a `checkpoint` file with no valid
/// slot (and empty segments): nothing was ever logged, so any open goes on from the data file
/// and a store without the log removes the files.
#[test]
fn a_log_that_never_checkpointed_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let store = options(Durability::Off, false).open(dir.path()).unwrap();
    store.set("k", "v").unwrap();
    drop(store);
    std::fs::write(dir.path().join("checkpoint"), vec![0u8; 4096]).unwrap();
    std::fs::write(dir.path().join("wal.0"), b"").unwrap();
    let store = options(Durability::Off, false).open(dir.path()).unwrap();
    assert_eq!(store.get("k").unwrap().as_deref(), Some(&b"v"[..]));
    for name in FILES {
        assert!(!dir.path().join(name).exists(), "{name} left behind");
    }
    drop(store);
    std::fs::write(dir.path().join("checkpoint"), vec![0u8; 4096]).unwrap();
    let store = options(Durability::WriteAheadLog, false)
        .open(dir.path())
        .unwrap();
    assert_eq!(store.get("k").unwrap().as_deref(), Some(&b"v"[..]));
}

/// A clean close checkpoints everything and removes the log: the directory is a plain LMDB
/// environment again, which any durability opens with everything in it.
#[test]
fn a_clean_close_leaves_no_log() {
    let mut rng = Rng(5);
    let dir = tempfile::tempdir().unwrap();
    let store = options(Durability::WriteAheadLog, false)
        .open(dir.path())
        .unwrap();
    random_writes(&store, &mut rng, 500).unwrap();
    let expected = dump(&store).unwrap();
    drop(store);
    for name in FILES {
        assert!(!dir.path().join(name).exists(), "{name} left behind");
    }
    let store = options(Durability::Off, false).open(dir.path()).unwrap();
    assert_eq!(dump(&store).unwrap(), expected);
    drop(store);
    let store = options(Durability::WriteAheadLog, false)
        .open(dir.path())
        .unwrap();
    assert_eq!(dump(&store).unwrap(), expected);
}

/// Holds an flock on the directory's lock file as another process would.
fn foreign_lock(dir: &Path, mode: i32) -> std::fs::File {
    use std::os::fd::AsRawFd;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(dir.join("keyp.lock"))
        .unwrap();
    // SAFETY: flock on a descriptor this test owns. (A second open file description conflicts
    // with this one exactly as another process's would.)
    let rc = unsafe { libc::flock(file.as_raw_fd(), mode | libc::LOCK_NB) };
    assert_eq!(rc, 0);
    file
}

/// The log needs the directory alone: not while another process has it open, and no other
/// process while it is.
#[test]
fn the_log_needs_the_directory_alone() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path()).unwrap());
    let shared = foreign_lock(dir.path(), libc::LOCK_SH);
    let error = options(Durability::WriteAheadLog, false)
        .open(dir.path())
        .unwrap_err();
    assert!(matches!(error, keyp::Error::InUse(_)), "{error:?}");
    // Sharing without the log is what several processes do.
    drop(
        options(Durability::Immediate, false)
            .open(dir.path())
            .unwrap(),
    );
    drop(shared);

    let exclusive = foreign_lock(dir.path(), libc::LOCK_EX);
    for durability in [Durability::Immediate, Durability::WriteAheadLog] {
        let error = options(durability, false).open(dir.path()).unwrap_err();
        assert!(matches!(error, keyp::Error::InUse(_)), "{error:?}");
    }
    drop(exclusive);
    let store = options(Durability::WriteAheadLog, false)
        .open(dir.path())
        .unwrap();
    store.set("k", "v").unwrap();
    assert_eq!(store.get("k").unwrap().as_deref(), Some(&b"v"[..]));
}

/// The entries of one LMDB database, in key order.
type Entries = Vec<(Vec<u8>, Vec<u8>)>;

/// Every entry of each of keyp's LMDB databases in the environment of `dir`, read with LMDB
/// itself (no recovery: what the files say).
fn raw_entries(dir: &Path) -> Vec<(&'static str, Entries)> {
    use lmdb::{Cursor, Transaction};
    let env = lmdb::Environment::new()
        .set_max_dbs(8)
        .set_map_size(1 << 32)
        .open(dir)
        .unwrap();
    let mut all = Vec::new();
    for name in ["keys", "elements", "expiry", "system", "reclaim"] {
        let db = env.open_db(Some(name)).unwrap();
        let txn = env.begin_ro_txn().unwrap();
        let mut cursor = txn.open_ro_cursor(db).unwrap();
        let entries = cursor
            .iter_start()
            .map(|item| {
                let (key, value) = item.unwrap();
                (key.to_vec(), value.to_vec())
            })
            .collect();
        all.push((name, entries));
    }
    all
}

#[allow(dead_code)]
#[path = "differential/mod.rs"]
mod harness;

/// The log holds every write any command makes: random commands of every family (the
/// differential test's generator, through the server's `Session`, so through group commit and
/// the syncer), then the data file as the last checkpoint left it (or as the process left it)
/// plus the log must give back, entry for entry, what LMDB held at the crash.
#[test]
fn the_log_holds_every_command_s_writes() {
    use harness::generator::{Gen, TEMPLATES};
    use keyp::resp::{PushSink, Session, Shared};
    for seed in [11u64, 12] {
        let live = tempfile::tempdir().unwrap();
        let store = options(Durability::WriteAheadLog, seed % 2 == 0)
            .expire_interval(Duration::from_secs(3600))
            .open(live.path())
            .unwrap();
        let shared = Shared::new(store.clone()).unwrap();
        let push: PushSink = std::sync::Arc::new(|_: &[u8]| {});
        let mut session = Session::new(shared.clone(), push);
        let mut gen = Gen::new(seed);
        let mut run = |session: &mut Session, n: usize| {
            for _ in 0..n {
                let template = gen.rng.pick(TEMPLATES);
                let args: Vec<keyp::Bytes> = gen
                    .command(template)
                    .into_iter()
                    .map(keyp::Bytes::from)
                    .collect();
                session.execute(&args);
            }
        };
        run(&mut session, 400);
        store.sync().unwrap();
        let synced = read_data(live.path());
        run(&mut session, 1500);
        let latest = read_data(live.path());
        let at_crash = tempfile::tempdir().unwrap();
        let power_lost = tempfile::tempdir().unwrap();
        let mut rng = Rng(seed);
        crashed_disk(live.path(), at_crash.path(), &latest, &mut rng);
        crashed_disk(live.path(), power_lost.path(), &synced, &mut rng);
        drop(session);
        drop(shared);
        drop(store);

        // What LMDB held at the crash: the latest data file read as it is.
        let expected = {
            let plain = tempfile::tempdir().unwrap();
            std::fs::write(plain.path().join("data.mdb"), &latest).unwrap();
            raw_entries(plain.path())
        };
        for (what, dir) in [("process crash", &at_crash), ("power loss", &power_lost)] {
            drop(
                options(Durability::WriteAheadLog, false)
                    .open(dir.path())
                    .unwrap(),
            );
            let recovered = raw_entries(dir.path());
            for ((name, want), (_, got)) in expected.iter().zip(&recovered) {
                assert_eq!(
                    want.len(),
                    got.len(),
                    "seed {seed}, {what}: entries of {name}"
                );
                assert!(want == got, "seed {seed}, {what}: {name} differs");
            }
        }
    }
}
