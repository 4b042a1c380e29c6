//! Write-path profiling aid: `cargo run --release --example profile_set -- [count] [raw]`
//! fills 1,000,000 keys, then times `count` SETs of random keys (durability Off), one per
//! transaction or `BATCH` per transaction; with `raw`, the same work through lmdb-rkv directly.
//! `WRITE_MAP=1` turns on MDB_WRITEMAP for either side; `KEEP=1` keeps the directory.
/// Bytes this process has passed to write calls so far.
fn written() -> u64 {
    std::fs::read_to_string("/proc/self/io")
        .ok()
        .and_then(|io| {
            io.lines()
                .find_map(|l| l.strip_prefix("wchar: ").map(str::to_owned))
        })
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

fn main() -> keyp::Result<()> {
    let count: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200_000);
    match std::env::args().nth(2).as_deref() {
        Some("raw") => return raw(count, false),
        Some("raw-random-fill") => return raw(count, true),
        _ => {}
    }
    let dir = std::env::temp_dir().join(format!("keyp-profile-{}", std::process::id()));
    let store = keyp::StoreOptions::new()
        .durability(keyp::Durability::Off)
        .write_map(std::env::var_os("WRITE_MAP").is_some())
        .open(&dir)?;
    let value = [b'v'; 64];
    for chunk in 0..100u64 {
        store.transaction(|tx| {
            for i in chunk * 10_000..(chunk + 1) * 10_000 {
                tx.set(format!("key:{i:012}"), value)?;
            }
            Ok(())
        })?;
    }
    let mut x: u64 = 1;
    let start = std::time::Instant::now();
    let written_before = written();
    for _ in 0..count {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let key = format!("key:{:012}", (x >> 33) % 1_000_000);
        store.set(key, value)?;
    }
    let elapsed = start.elapsed();
    println!("written: {} pages", (written() - written_before) / 4096);
    println!(
        "{count} SETs in {elapsed:?}: {:.0}/s",
        count as f64 / elapsed.as_secs_f64()
    );
    println!(
        "data file: {} bytes",
        std::fs::metadata(dir.join("data.mdb"))?.len()
    );
    drop(store);
    if std::env::var_os("KEEP").is_some() {
        println!("kept {}", dir.display());
        return Ok(());
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// The same work with direct lmdb-rkv calls, for comparison.
fn raw(count: u64, random_fill: bool) -> keyp::Result<()> {
    use lmdb::{EnvironmentFlags, Transaction, WriteFlags};
    let dir = std::env::temp_dir().join(format!("keyp-profile-raw-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let env = lmdb::Environment::new()
        .set_flags(
            EnvironmentFlags::NO_TLS
                | EnvironmentFlags::NO_READAHEAD
                | EnvironmentFlags::NO_SYNC
                | if std::env::var_os("WRITE_MAP").is_some() {
                    EnvironmentFlags::WRITE_MAP
                } else {
                    EnvironmentFlags::empty()
                },
        )
        .set_max_dbs(8)
        .set_map_size(1 << 34)
        .open(&dir)
        .map_err(keyp::Error::Lmdb)?;
    let db = env
        .create_db(Some("kv"), lmdb::DatabaseFlags::empty())
        .map_err(keyp::Error::Lmdb)?;
    let value = [b'v'; 64];
    for chunk in 0..100u64 {
        let mut txn = env.begin_rw_txn().map_err(keyp::Error::Lmdb)?;
        for i in chunk * 10_000..(chunk + 1) * 10_000 {
            // Random fill: the order keyp's hash-ordered keys database sees.
            let i = if random_fill {
                i.wrapping_mul(0x9e37_79b9_7f4a_7c15) % 1_000_003 % 1_000_000
            } else {
                i
            };
            txn.put(db, &format!("key:{i:012}"), &value, WriteFlags::empty())
                .map_err(keyp::Error::Lmdb)?;
        }
        txn.commit().map_err(keyp::Error::Lmdb)?;
    }
    let mut x: u64 = 1;
    let start = std::time::Instant::now();
    let written_before = written();
    for _ in 0..count {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let key = format!("key:{:012}", (x >> 33) % 1_000_000);
        let mut txn = env.begin_rw_txn().map_err(keyp::Error::Lmdb)?;
        txn.put(db, &key, &value, WriteFlags::empty())
            .map_err(keyp::Error::Lmdb)?;
        txn.commit().map_err(keyp::Error::Lmdb)?;
    }
    let elapsed = start.elapsed();
    println!("written: {} pages", (written() - written_before) / 4096);
    println!(
        "raw: {count} puts in {elapsed:?}: {:.0}/s",
        count as f64 / elapsed.as_secs_f64()
    );
    println!(
        "data file: {} bytes",
        std::fs::metadata(dir.join("data.mdb"))?.len()
    );
    drop(env);
    if std::env::var_os("KEEP").is_some() {
        println!("kept {}", dir.display());
        return Ok(());
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
