//! Commands on keys whatever their type: DEL, UNLINK, EXISTS, TOUCH, TYPE, DBSIZE, FLUSHDB,
//! FLUSHALL, SELECT, RENAME, RENAMENX, COPY, MOVE, SWAPDB, RANDOMKEY and OBJECT; SCAN and KEYS
//! are in `keyspace/scan.rs`, long and binary keys in `keyspace/odd_keys.rs`.
//!
//! Expected replies were checked against redis-server 7.0.15.

#[path = "keyspace/odd_keys.rs"]
mod odd_keys;
#[path = "keyspace/scan.rs"]
mod scan;

use std::sync::Arc;
use std::time::Duration;

use keyp::{Error, ExpireCondition, KeyType, ManualClock, Store, StoreOptions, Ttl};
use tempfile::TempDir;

pub const NOW_MS: u64 = 1_700_000_000_000;

pub fn open() -> keyp::Result<(TempDir, Store)> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    Ok((dir, store))
}

pub fn open_with_clock() -> keyp::Result<(TempDir, Store, Arc<ManualClock>)> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(NOW_MS));
    let store = StoreOptions::new().clock(clock.clone()).open(dir.path())?;
    Ok((dir, store, clock))
}

pub fn sorted(mut keys: Vec<keyp::Bytes>) -> Vec<keyp::Bytes> {
    keys.sort();
    keys
}

#[test]
fn del_unlink_and_exists_count_keys() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.mset(&[("a", "1"), ("b", "2"), ("c", "3")])?;
    assert_eq!(store.exists(&["a", "a", "b", "nokey"])?, 3);
    assert_eq!(store.exists(&[] as &[&str])?, 0);
    assert_eq!(store.del(&["a", "a", "nokey"])?, 1);
    assert_eq!(store.exists(&["a"])?, 0);
    assert_eq!(store.unlink(&["b", "c", "b"])?, 2);
    assert_eq!(store.dbsize()?, 0);
    assert_eq!(store.del(&["a"])?, 0);
    Ok(())
}

#[test]
fn touch_counts_existing_keys_with_repeats() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.set("a", "1")?;
    assert_eq!(store.touch(&["a", "a", "nokey"])?, 2);
    // Inside a transaction too, where it sees the transaction's own writes.
    let touched = store.transaction(|tx| {
        tx.set("b", "2")?;
        tx.touch(&["a", "b", "c"])
    })?;
    assert_eq!(touched, 2);
    Ok(())
}

#[test]
fn type_names() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.set("s", "v")?;
    assert_eq!(store.key_type("s")?, Some(KeyType::String));
    assert_eq!(store.key_type("nokey")?, None);
    let names = [
        (KeyType::String, "string"),
        (KeyType::List, "list"),
        (KeyType::Hash, "hash"),
        (KeyType::Set, "set"),
        (KeyType::ZSet, "zset"),
        (KeyType::Stream, "stream"),
    ];
    for (kind, name) in names {
        assert_eq!(kind.as_str(), name);
        assert_eq!(kind.to_string(), name);
        assert_eq!(KeyType::parse(name.as_bytes()), Some(kind));
        assert_eq!(KeyType::parse(name.to_uppercase().as_bytes()), Some(kind));
    }
    assert_eq!(KeyType::parse(b"none"), None);
    assert_eq!(KeyType::parse(b"strings"), None);
    Ok(())
}

#[test]
fn dbsize_counts_only_live_keys_of_the_current_database() -> keyp::Result<()> {
    let (_dir, store, clock) = open_with_clock()?;
    store.mset(&[("a", "1"), ("b", "2")])?;
    store.select(1)?.set("other", "x")?;
    store.pexpire("b", 10, ExpireCondition::Always)?;
    assert_eq!(store.dbsize()?, 2);
    clock.advance(Duration::from_millis(11));
    assert_eq!(store.dbsize()?, 1);
    assert_eq!(store.select(1)?.dbsize()?, 1);
    Ok(())
}

#[test]
fn flushdb_empties_one_database_and_flushall_every_one() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    let dbs: Vec<Store> = (0..16)
        .map(|db| store.select(db))
        .collect::<Result<_, _>>()?;
    for (i, db) in dbs.iter().enumerate() {
        db.mset(&[("k", i.to_string()), ("shared", "x".to_string())])?;
        db.set_ex("ttl", "x", Duration::from_secs(100))?;
    }
    assert_eq!(store.pending_expiries()?, 16);
    dbs[3].flushdb()?;
    assert_eq!(dbs[3].dbsize()?, 0);
    assert_eq!(dbs[4].dbsize()?, 3);
    assert_eq!(store.pending_expiries()?, 15);
    store.flushall()?;
    for db in &dbs {
        assert_eq!(db.dbsize()?, 0);
    }
    assert_eq!(store.pending_expiries()?, 0);
    Ok(())
}

#[test]
fn select_checks_the_database_index() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = StoreOptions::new().databases(4).open(dir.path())?;
    assert_eq!(store.select(3)?.db(), 3);
    let err = store.select(4).unwrap_err();
    assert!(matches!(err, Error::DbIndexOutOfRange));
    assert_eq!(err.to_string(), "ERR DB index is out of range");
    let in_txn = store.transaction(|tx| tx.select(4));
    assert!(matches!(in_txn, Err(Error::DbIndexOutOfRange)));
    let db_in_txn = store.transaction(|tx| {
        tx.select(2)?;
        tx.set("k", "db2")?;
        Ok(tx.db())
    })?;
    assert_eq!(db_in_txn, 2);
    assert_eq!(store.select(2)?.get("k")?.as_deref(), Some(&b"db2"[..]));
    // Databases are independent namespaces.
    assert_eq!(store.get("k")?, None);
    store.set("k", "db0")?;
    store.select(1)?.set("k", "db1")?;
    assert_eq!(store.get("k")?.as_deref(), Some(&b"db0"[..]));
    assert_eq!(store.select(1)?.get("k")?.as_deref(), Some(&b"db1"[..]));
    Ok(())
}

#[test]
fn rename_moves_the_value_and_its_deadline() -> keyp::Result<()> {
    let (_dir, store, _clock) = open_with_clock()?;
    store.set("src", "v")?;
    store.pexpire("src", 5_000, ExpireCondition::Always)?;
    store.set("dst", "old")?;
    store.rename("src", "dst")?;
    assert_eq!(store.get("src")?, None);
    assert_eq!(store.get("dst")?.as_deref(), Some(&b"v"[..]));
    assert_eq!(
        store.ttl("dst")?,
        Ttl::ExpiresIn(Duration::from_millis(5_000))
    );
    assert_eq!(store.pending_expiries()?, 1);
    // A persistent key renamed over one with a deadline leaves no deadline.
    store.set("p", "persistent")?;
    store.rename("p", "dst")?;
    assert_eq!(store.ttl("dst")?, Ttl::Persistent);
    assert_eq!(store.pending_expiries()?, 0);
    Ok(())
}

#[test]
fn rename_errors_and_same_key() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    let err = store.rename("nokey", "b").unwrap_err();
    assert!(matches!(err, Error::NoSuchKey));
    assert_eq!(err.to_string(), "ERR no such key");
    assert!(matches!(
        store.rename("nokey", "nokey"),
        Err(Error::NoSuchKey)
    ));
    assert!(matches!(
        store.renamenx("nokey", "b"),
        Err(Error::NoSuchKey)
    ));
    assert!(matches!(
        store.renamenx("nokey", "nokey"),
        Err(Error::NoSuchKey)
    ));
    store.set("a", "1")?;
    store.rename("a", "a")?;
    assert_eq!(store.get("a")?.as_deref(), Some(&b"1"[..]));
    // RENAMENX of a key to itself replies 0 in Redis.
    assert!(!store.renamenx("a", "a")?);
    // The failed rename wrote nothing.
    assert_eq!(store.dbsize()?, 1);
    Ok(())
}

#[test]
fn renamenx_only_into_a_missing_key() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.mset(&[("a", "1"), ("b", "2")])?;
    assert!(!store.renamenx("a", "b")?);
    assert_eq!(
        store.mget(&["a", "b"])?,
        [Some("1".into()), Some("2".into())]
    );
    assert!(store.renamenx("a", "c")?);
    assert_eq!(store.mget(&["a", "c"])?, [None, Some("1".into())]);
    Ok(())
}

#[test]
fn rename_into_an_expired_key_treats_it_as_missing() -> keyp::Result<()> {
    let (_dir, store, clock) = open_with_clock()?;
    store.mset(&[("a", "1"), ("b", "2")])?;
    store.pexpire("b", 1, ExpireCondition::Always)?;
    clock.advance(Duration::from_millis(2));
    assert!(store.renamenx("a", "b")?);
    assert_eq!(store.get("b")?.as_deref(), Some(&b"1"[..]));
    assert_eq!(store.ttl("b")?, Ttl::Persistent);
    assert!(matches!(store.rename("a", "c"), Err(Error::NoSuchKey)));
    Ok(())
}

#[test]
fn copy_within_and_across_databases() -> keyp::Result<()> {
    let (_dir, store, _clock) = open_with_clock()?;
    store.set("src", "value")?;
    store.pexpire("src", 7_000, ExpireCondition::Always)?;
    assert!(store.copy("src", "dst", None, false)?);
    assert_eq!(store.get("dst")?.as_deref(), Some(&b"value"[..]));
    assert_eq!(
        store.ttl("dst")?,
        Ttl::ExpiresIn(Duration::from_millis(7_000))
    );
    assert_eq!(store.get("src")?.as_deref(), Some(&b"value"[..]));
    // Without REPLACE an existing destination stops it; with REPLACE it is overwritten.
    store.set("taken", "old")?;
    assert!(!store.copy("src", "taken", None, false)?);
    assert_eq!(store.get("taken")?.as_deref(), Some(&b"old"[..]));
    assert!(store.copy("src", "taken", None, true)?);
    assert_eq!(store.get("taken")?.as_deref(), Some(&b"value"[..]));
    // Into another database, and the same name there is not "the same object".
    assert!(store.copy("src", "src", Some(2), false)?);
    let db2 = store.select(2)?;
    assert_eq!(db2.get("src")?.as_deref(), Some(&b"value"[..]));
    assert_eq!(
        db2.ttl("src")?,
        Ttl::ExpiresIn(Duration::from_millis(7_000))
    );
    assert!(!store.copy("src", "src", Some(2), false)?);
    assert!(store.copy("src", "src", Some(2), true)?);
    // The current database named explicitly is the same database.
    assert!(matches!(
        store.copy("src", "src", Some(0), false),
        Err(Error::SameObject)
    ));
    // From a database other than 0 back into 0.
    assert!(db2.copy("src", "back", Some(0), false)?);
    assert_eq!(store.get("back")?.as_deref(), Some(&b"value"[..]));
    assert!(!store.copy("nokey", "x", None, true)?);
    assert!(!store.copy("nokey", "x", Some(3), true)?);
    assert_eq!(store.pending_expiries()?, 5);
    Ok(())
}

#[test]
fn copy_errors() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = StoreOptions::new().databases(4).open(dir.path())?;
    // The same key in the same database is an error whether or not it exists.
    let err = store.copy("x", "x", None, false).unwrap_err();
    assert!(matches!(err, Error::SameObject));
    assert_eq!(
        err.to_string(),
        "ERR source and destination objects are the same"
    );
    store.set("x", "1")?;
    assert!(matches!(
        store.copy("x", "x", None, true),
        Err(Error::SameObject)
    ));
    let err = store.copy("x", "y", Some(4), false).unwrap_err();
    assert!(matches!(err, Error::DbIndexOutOfRange));
    assert_eq!(err.to_string(), "ERR DB index is out of range");
    // Checked before anything else, missing source included.
    assert!(matches!(
        store.copy("nokey", "y", Some(4), false),
        Err(Error::DbIndexOutOfRange)
    ));
    assert_eq!(store.dbsize()?, 1);
    Ok(())
}

#[test]
fn copy_with_replace_drops_the_destinations_deadline() -> keyp::Result<()> {
    let (_dir, store, _clock) = open_with_clock()?;
    store.set("src", "v")?;
    store.set_ex("dst", "old", Duration::from_secs(50))?;
    assert!(store.copy("src", "dst", None, true)?);
    assert_eq!(store.ttl("dst")?, Ttl::Persistent);
    assert_eq!(store.pending_expiries()?, 0);
    Ok(())
}

#[test]
fn move_between_databases() -> keyp::Result<()> {
    let (_dir, store, _clock) = open_with_clock()?;
    let db1 = store.select(1)?;
    store.set("k", "v")?;
    store.pexpire("k", 9_000, ExpireCondition::Always)?;
    assert!(store.move_key("k", 1)?);
    assert_eq!(store.exists(&["k"])?, 0);
    assert_eq!(db1.get("k")?.as_deref(), Some(&b"v"[..]));
    assert_eq!(db1.ttl("k")?, Ttl::ExpiresIn(Duration::from_millis(9_000)));
    assert_eq!(store.pending_expiries()?, 1);
    // The key exists in the target: nothing moves.
    store.set("k", "again")?;
    assert!(!store.move_key("k", 1)?);
    assert_eq!(store.get("k")?.as_deref(), Some(&b"again"[..]));
    assert_eq!(db1.get("k")?.as_deref(), Some(&b"v"[..]));
    // Missing source.
    assert!(!store.move_key("nokey", 1)?);
    // And back from 1 to 0 after deleting the copy in 0.
    store.del(&["k"])?;
    assert!(db1.move_key("k", 0)?);
    assert_eq!(store.get("k")?.as_deref(), Some(&b"v"[..]));
    assert_eq!(db1.dbsize()?, 0);
    Ok(())
}

#[test]
fn move_errors() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = StoreOptions::new().databases(2).open(dir.path())?;
    store.set("k", "v")?;
    let err = store.move_key("k", 0).unwrap_err();
    assert!(matches!(err, Error::SameObject));
    assert_eq!(
        err.to_string(),
        "ERR source and destination objects are the same"
    );
    assert!(matches!(store.move_key("nokey", 0), Err(Error::SameObject)));
    // The range is checked first, as in Redis.
    assert!(matches!(
        store.move_key("k", 2),
        Err(Error::DbIndexOutOfRange)
    ));
    assert!(matches!(
        store.move_key("nokey", 200),
        Err(Error::DbIndexOutOfRange)
    ));
    assert_eq!(store.get("k")?.as_deref(), Some(&b"v"[..]));
    Ok(())
}

#[test]
fn move_onto_an_expired_key_in_the_target() -> keyp::Result<()> {
    let (_dir, store, clock) = open_with_clock()?;
    let db1 = store.select(1)?;
    db1.set("k", "old")?;
    db1.pexpire("k", 1, ExpireCondition::Always)?;
    store.set("k", "new")?;
    clock.advance(Duration::from_millis(2));
    assert!(store.move_key("k", 1)?);
    assert_eq!(db1.get("k")?.as_deref(), Some(&b"new"[..]));
    assert_eq!(db1.ttl("k")?, Ttl::Persistent);
    assert_eq!(store.pending_expiries()?, 0);
    Ok(())
}

#[test]
fn swapdb_exchanges_everything() -> keyp::Result<()> {
    let (_dir, store, clock) = open_with_clock()?;
    let (db0, db1, db2) = (store.clone(), store.select(1)?, store.select(2)?);
    db0.mset(&[("only0", "a"), ("both", "from0")])?;
    db0.pexpire("both", 1_000, ExpireCondition::Always)?;
    db1.mset(&[("only1", "b"), ("both", "from1")])?;
    db1.pexpire("only1", 2_000, ExpireCondition::Always)?;
    for i in 0..300 {
        db0.set(format!("many:{i}"), "x")?;
    }
    db2.set("untouched", "z")?;
    store.swapdb(0, 1)?;
    assert_eq!(db0.dbsize()?, 2);
    assert_eq!(db1.dbsize()?, 302);
    assert_eq!(db0.get("only1")?.as_deref(), Some(&b"b"[..]));
    assert_eq!(db0.get("both")?.as_deref(), Some(&b"from1"[..]));
    assert_eq!(db0.ttl("both")?, Ttl::Persistent);
    assert_eq!(
        db0.ttl("only1")?,
        Ttl::ExpiresIn(Duration::from_millis(2_000))
    );
    assert_eq!(db1.get("both")?.as_deref(), Some(&b"from0"[..]));
    assert_eq!(
        db1.ttl("both")?,
        Ttl::ExpiresIn(Duration::from_millis(1_000))
    );
    assert_eq!(db1.get("many:299")?.as_deref(), Some(&b"x"[..]));
    assert_eq!(db0.exists(&["only0", "many:0"])?, 0);
    assert_eq!(db2.dbsize()?, 1);
    assert_eq!(store.pending_expiries()?, 2);
    // The deadlines moved with the keys: they expire where they now are.
    clock.advance(Duration::from_millis(1_001));
    assert_eq!(db1.exists(&["both"])?, 0);
    assert_eq!(db0.exists(&["both", "only1"])?, 2);
    // Swapping back restores the start (minus the expired key); a database with itself is a
    // no-op; with an empty database it moves everything.
    store.swapdb(1, 0)?;
    assert_eq!(db0.dbsize()?, 301);
    store.swapdb(0, 0)?;
    assert_eq!(db0.dbsize()?, 301);
    store.swapdb(0, 7)?;
    assert_eq!(db0.dbsize()?, 0);
    assert_eq!(store.select(7)?.dbsize()?, 301);
    Ok(())
}

#[test]
fn swapdb_errors_and_watchers() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = StoreOptions::new().databases(3).open(dir.path())?;
    let err = store.swapdb(0, 3).unwrap_err();
    assert!(matches!(err, Error::DbIndexOutOfRange));
    assert!(matches!(store.swapdb(3, 0), Err(Error::DbIndexOutOfRange)));
    assert!(matches!(store.swapdb(3, 3), Err(Error::DbIndexOutOfRange)));
    // As in Redis, SWAPDB changes a watched key only if it exists in one of the two
    // databases: one absent from both reads the same before and after.
    let absent = store.select(2)?.watch(&["k"]);
    store.swapdb(1, 2)?;
    assert!(!absent.changed());
    store.select(1)?.set("k", "v")?;
    let in_other = store.select(2)?.watch(&["k"]);
    let in_own = store.select(1)?.watch(&["k"]);
    let elsewhere = store.select(0)?.watch(&["k"]);
    store.swapdb(1, 2)?;
    assert!(in_other.changed());
    assert!(in_own.changed());
    assert!(!elsewhere.changed());
    Ok(())
}

#[test]
fn randomkey_returns_live_keys() -> keyp::Result<()> {
    let (_dir, store, clock) = open_with_clock()?;
    assert_eq!(store.randomkey()?, None);
    store.set("only", "1")?;
    for _ in 0..20 {
        assert_eq!(store.randomkey()?.as_deref(), Some(&b"only"[..]));
    }
    for i in 0..50 {
        store.set(format!("k{i}"), "x")?;
    }
    let mut seen = std::collections::HashSet::new();
    for _ in 0..300 {
        let key = store.randomkey()?.ok_or(Error::NoSuchKey)?;
        assert_eq!(store.exists(&[&key])?, 1);
        seen.insert(key);
    }
    assert!(seen.len() > 10, "only {} distinct keys", seen.len());
    // Expired keys are skipped, wrapping around the hash space.
    for i in 0..50 {
        store.pexpire(format!("k{i}"), 5, ExpireCondition::Always)?;
    }
    clock.advance(Duration::from_millis(6));
    for _ in 0..50 {
        assert_eq!(store.randomkey()?.as_deref(), Some(&b"only"[..]));
    }
    store.del(&["only"])?;
    assert_eq!(store.randomkey()?, None);
    // Other databases are not consulted.
    store.select(1)?.set("elsewhere", "x")?;
    assert_eq!(store.randomkey()?, None);
    Ok(())
}

#[test]
fn object_encoding_and_refcount() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    let cases: [(&[u8], &str, u64); 9] = [
        (b"0", "int", 2147483647),
        (b"9999", "int", 2147483647),
        (b"10000", "int", 1),
        (b"-1", "int", 1),
        (b"-9223372036854775808", "int", 1),
        (b"9223372036854775808", "embstr", 1),
        (b"007", "embstr", 1),
        (&[b'x'; 44], "embstr", 1),
        (&[b'x'; 45], "raw", 1),
    ];
    for (value, encoding, refcount) in cases {
        store.set("k", value)?;
        assert_eq!(store.object_encoding("k")?, Some(encoding), "{value:?}");
        assert_eq!(store.object_refcount("k")?, Some(refcount), "{value:?}");
    }
    store.incr_by("n", 5)?;
    assert_eq!(store.object_encoding("n")?, Some("int"));
    assert_eq!(store.object_encoding("nokey")?, None);
    assert_eq!(store.object_refcount("nokey")?, None);
    Ok(())
}

#[test]
fn object_idletime_counts_from_the_last_write() -> keyp::Result<()> {
    let (_dir, store, clock) = open_with_clock()?;
    store.set("k", "v")?;
    assert_eq!(store.object_idletime("k")?, Some(0));
    clock.advance(Duration::from_millis(5_400));
    assert_eq!(store.object_idletime("k")?, Some(5));
    // Reads do not reset it (keyp records no accesses).
    store.get("k")?;
    store.touch(&["k"])?;
    assert_eq!(store.object_idletime("k")?, Some(5));
    store.set("k", "w")?;
    assert_eq!(store.object_idletime("k")?, Some(0));
    clock.advance(Duration::from_secs(3));
    store.rename("k", "r")?;
    assert_eq!(store.object_idletime("r")?, Some(0));
    assert_eq!(store.object_idletime("nokey")?, None);
    Ok(())
}

#[test]
fn object_freq_needs_an_lfu_policy() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    assert_eq!(store.object_freq("nokey")?, None);
    store.set("k", "v")?;
    let err = store.object_freq("k").unwrap_err();
    assert!(matches!(err, Error::LfuNotSelected));
    assert_eq!(
        err.to_string(),
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note \
         that when switching between policies at runtime LRU and LFU data will take some time \
         to adjust."
    );
    Ok(())
}

#[test]
fn keyspace_writes_roll_back_with_their_transaction() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.mset(&[("a", "1"), ("b", "2")])?;
    store.select(1)?.set("c", "3")?;
    let failed: keyp::Result<()> = store.transaction(|tx| {
        tx.rename("a", "renamed")?;
        tx.copy("b", "copied", Some(2), false)?;
        tx.move_key("b", 3)?;
        tx.swapdb(0, 1)?;
        tx.flushall()?;
        Err(Error::Syntax)
    });
    assert!(failed.is_err());
    assert_eq!(sorted(store.keys("*")?), ["a", "b"]);
    assert_eq!(store.select(1)?.keys("*")?, ["c"]);
    assert_eq!(store.select(2)?.dbsize()? + store.select(3)?.dbsize()?, 0);
    Ok(())
}
