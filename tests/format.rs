//! The on-disk format version: a directory written by this version reopens; one whose recorded
//! version differs (written here straight into the `system` LMDB database) is refused with
//! `Error::IncompatibleFormat` and left untouched; a pinned directory written by format version 1
//! (tests/data/format-v1) still reads back exactly.

use std::path::{Path, PathBuf};

use keyp::{Error, ExpireTime, KeyType, Store, Ttl};
use lmdb::{Environment, Transaction, WriteFlags};

/// The version this build writes. Changing the on-disk format means bumping it, keeping the
/// old fixture, and saying here what becomes of old directories.
const FORMAT_VERSION: u32 = 1;
const FORMAT_KEY: &[u8] = b"format_version";

fn env(dir: &Path) -> lmdb::Result<Environment> {
    Environment::new().set_max_dbs(8).open(dir)
}

/// The raw `format_version` record, read with LMDB directly.
fn read_version_record(dir: &Path) -> lmdb::Result<Option<Vec<u8>>> {
    let env = env(dir)?;
    let system = env.open_db(Some("system"))?;
    let txn = env.begin_ro_txn()?;
    match txn.get(system, &FORMAT_KEY) {
        Ok(raw) => Ok(Some(raw.to_vec())),
        Err(lmdb::Error::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Replaces (or with `None` deletes) the `format_version` record of a closed store.
fn write_version_record(dir: &Path, record: Option<&[u8]>) -> lmdb::Result<()> {
    let env = env(dir)?;
    let system = env.open_db(Some("system"))?;
    let mut txn = env.begin_rw_txn()?;
    match record {
        Some(bytes) => txn.put(system, &FORMAT_KEY, &bytes, WriteFlags::empty())?,
        None => txn.del(system, &FORMAT_KEY, None)?,
    }
    txn.commit()
}

fn lmdb_err(e: lmdb::Error) -> Error {
    Error::Io(std::io::Error::other(e))
}

/// A closed store holding a little data.
fn closed_store() -> keyp::Result<tempfile::TempDir> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    store.set("k", "v")?;
    store.set(vec![b'L'; 1000], "long")?;
    Ok(dir)
}

fn open_error(dir: &Path) -> Error {
    match Store::open(dir) {
        Ok(_) => panic!("opened a directory it should refuse"),
        Err(e) => e,
    }
}

#[test]
fn a_directory_records_the_format_version_and_reopens() -> keyp::Result<()> {
    let dir = closed_store()?;
    let record = read_version_record(dir.path()).map_err(lmdb_err)?;
    assert_eq!(record, Some(FORMAT_VERSION.to_be_bytes().to_vec()));
    let store = Store::open(dir.path())?;
    assert_eq!(store.get("k")?.as_deref(), Some(&b"v"[..]));
    assert_eq!(store.get(vec![b'L'; 1000])?.as_deref(), Some(&b"long"[..]));
    assert_eq!(store.dbsize()?, 2);
    Ok(())
}

#[test]
fn another_format_version_is_refused_and_left_untouched() -> keyp::Result<()> {
    let dir = closed_store()?;
    for found in [0, FORMAT_VERSION + 1, u32::MAX] {
        write_version_record(dir.path(), Some(&found.to_be_bytes())).map_err(lmdb_err)?;
        let error = open_error(dir.path());
        assert!(
            matches!(error, Error::IncompatibleFormat { found: f, expected: FORMAT_VERSION } if f == found),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            format!(
                "ERR incompatible data directory: on-disk format version {found}, \
                 this keyp reads version {FORMAT_VERSION}"
            )
        );
        // The refused directory was not rewritten.
        let record = read_version_record(dir.path()).map_err(lmdb_err)?;
        assert_eq!(record, Some(found.to_be_bytes().to_vec()));
    }
    // Put back, the data is all there.
    write_version_record(dir.path(), Some(&FORMAT_VERSION.to_be_bytes())).map_err(lmdb_err)?;
    let store = Store::open(dir.path())?;
    assert_eq!(store.get("k")?.as_deref(), Some(&b"v"[..]));
    Ok(())
}

#[test]
fn a_damaged_or_missing_version_record_is_corrupt() -> keyp::Result<()> {
    let dir = closed_store()?;
    write_version_record(dir.path(), Some(&[0, 1])).map_err(lmdb_err)?;
    let error = open_error(dir.path());
    assert!(matches!(error, Error::Corrupt(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        "ERR corrupt data in the store: format version record"
    );

    // Data but no version: not a directory this keyp wrote.
    write_version_record(dir.path(), None).map_err(lmdb_err)?;
    let error = open_error(dir.path());
    assert!(matches!(error, Error::Corrupt(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        "ERR corrupt data in the store: data without a format version"
    );
    Ok(())
}

// ---- pinned data of format version 1 ----------------------------------------------------

const FAR_FUTURE_MS: u64 = 4_102_444_800_000; // 2100-01-01

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/format-v1")
}

/// Writes tests/data/format-v1 (run once, when format version 1 was current; kept as the
/// record of what the fixture holds). `cargo test --test format -- --ignored` after deleting
/// the directory.
#[test]
#[ignore = "writes the pinned fixture"]
fn write_format_v1_fixture() -> keyp::Result<()> {
    let dir = fixture_dir();
    assert!(!dir.join("data.mdb").exists(), "the fixture is pinned");
    let scratch = tempfile::tempdir()?;
    {
        let store = Store::open(scratch.path())?;
        store.set("string", "value")?;
        store.set("empty", "")?;
        store.set([0u8, 0xff, b'\n'], [0xfeu8, 0])?;
        store.set(vec![b'L'; 1000], vec![b'x'; 600])?;
        store.set("counter", "41")?;
        store.incr("counter")?;
        store.set("expiring", "until 2100")?;
        store.pexpire_at("expiring", FAR_FUTURE_MS as i64, Default::default())?;
        store.select(3)?.set("in db 3", "three")?;
        store.sync()?;
    }
    std::fs::create_dir_all(&dir)?;
    std::fs::copy(scratch.path().join("data.mdb"), dir.join("data.mdb"))?;
    Ok(())
}

#[test]
fn format_v1_data_still_reads() -> keyp::Result<()> {
    // Opened from a copy: opening creates a lock file, and the expirer may write.
    let dir = tempfile::tempdir()?;
    std::fs::copy(fixture_dir().join("data.mdb"), dir.path().join("data.mdb"))?;
    let store = Store::open(dir.path())?;
    assert_eq!(store.get("string")?.as_deref(), Some(&b"value"[..]));
    assert_eq!(store.get("empty")?.as_deref(), Some(&b""[..]));
    assert_eq!(
        store.get([0u8, 0xff, b'\n'])?.as_deref(),
        Some(&[0xfeu8, 0][..])
    );
    assert_eq!(
        store.get(vec![b'L'; 1000])?.as_deref(),
        Some(&[b'x'; 600][..])
    );
    assert_eq!(store.incr("counter")?, 43);
    assert_eq!(store.get("expiring")?.as_deref(), Some(&b"until 2100"[..]));
    assert_eq!(
        store.expire_time("expiring")?,
        ExpireTime::AtMs(FAR_FUTURE_MS)
    );
    assert_eq!(store.ttl("string")?, Ttl::Persistent);
    assert_eq!(store.key_type("string")?, Some(KeyType::String));
    assert_eq!(store.dbsize()?, 6);
    let db3 = store.select(3)?;
    assert_eq!(db3.get("in db 3")?.as_deref(), Some(&b"three"[..]));
    assert_eq!(db3.dbsize()?, 1);
    // And it takes new writes.
    store.set("new", "write")?;
    assert_eq!(store.dbsize()?, 7);
    Ok(())
}

/// LMDB forbids one environment open twice in a process: the second open is refused with a
/// clear error, and succeeds once the first store (every clone of it) is dropped.
#[test]
fn a_directory_opens_once_per_process() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = keyp::Store::open(dir.path())?;
    store.set("k", "v")?;
    let clone = store.clone();
    match keyp::Store::open(dir.path()) {
        Err(e @ keyp::Error::AlreadyOpen(_)) => {
            assert!(
                e.to_string().contains("already open in this process"),
                "{e}"
            );
        }
        other => panic!("expected AlreadyOpen, got {other:?}"),
    }
    drop(store);
    assert!(matches!(
        keyp::Store::open(dir.path()),
        Err(keyp::Error::AlreadyOpen(_))
    ));
    drop(clone);
    let reopened = keyp::Store::open(dir.path())?;
    assert_eq!(reopened.get("k")?.as_deref(), Some(&b"v"[..]));
    Ok(())
}
