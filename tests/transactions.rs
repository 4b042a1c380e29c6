//! Transactions: all or nothing (an error or a panic rolls back every write, deadlines and
//! deletes included), a transaction reads its own writes, others never see them before the
//! commit, a snapshot does not see later commits; `Store::watch` change detection; logical
//! databases are isolated.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use keyp::{
    Error, ExpireCondition, ExpireTime, GetExAction, ManualClock, Store, StoreOptions, Ttl,
};

const T0: u64 = 1_700_000_000_000;

fn open() -> keyp::Result<(tempfile::TempDir, Store, Arc<ManualClock>)> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(T0));
    let store = StoreOptions::new()
        .clock(clock.clone())
        .databases(4)
        .open(dir.path())?;
    Ok((dir, store, clock))
}

/// Keys with and without deadlines, and what a check of them must find.
fn seed(store: &Store) -> keyp::Result<()> {
    store.set("plain", "1")?;
    store.set("expiring", "2")?;
    store.expire("expiring", 100, ExpireCondition::Always)?;
    store.set("counter", "10")?;
    store.select(1)?.set("other db", "x")?;
    Ok(())
}

fn assert_seeded(store: &Store) -> keyp::Result<()> {
    assert_eq!(store.get("plain")?.as_deref(), Some(&b"1"[..]));
    assert_eq!(store.get("expiring")?.as_deref(), Some(&b"2"[..]));
    assert_eq!(
        store.expire_time("expiring")?,
        ExpireTime::AtMs(T0 + 100_000)
    );
    assert_eq!(store.ttl("plain")?, Ttl::Persistent);
    assert_eq!(store.get("counter")?.as_deref(), Some(&b"10"[..]));
    assert_eq!(store.get("created")?, None);
    assert_eq!(store.dbsize()?, 3);
    assert_eq!(
        store.select(1)?.get("other db")?.as_deref(),
        Some(&b"x"[..])
    );
    assert_eq!(store.select(1)?.dbsize()?, 1);
    Ok(())
}

/// Every kind of write, as one transaction body.
fn write_everything(tx: &mut keyp::WriteTxn<'_>) -> keyp::Result<()> {
    tx.set("created", "new")?;
    tx.set("plain", "changed")?;
    tx.incr_by("counter", 5)?;
    tx.persist("expiring")?;
    tx.expire("plain", 5, ExpireCondition::Always)?;
    tx.getex("counter", GetExAction::Expire(keyp::Expiry::Ex(7)))?;
    tx.del(&["expiring"])?;
    tx.select(1)?;
    tx.flushdb()?;
    tx.select(0)?;
    Ok(())
}

#[test]
fn an_error_rolls_back_every_write() -> keyp::Result<()> {
    let (_dir, store, _clock) = open()?;
    seed(&store)?;
    let result: keyp::Result<()> = store.transaction(|tx| {
        write_everything(tx)?;
        Err(Error::NoSuchKey)
    });
    assert!(matches!(result, Err(Error::NoSuchKey)), "{result:?}");
    assert_seeded(&store)?;

    // A command's own error inside the closure, propagated with `?`, rolls back the same way.
    let result = store.transaction(|tx| {
        write_everything(tx)?;
        tx.set("not a number", "x")?;
        tx.incr("not a number")
    });
    assert!(matches!(result, Err(Error::NotInteger)), "{result:?}");
    assert_seeded(&store)?;
    assert_eq!(store.get("not a number")?, None);

    // The same body committed does everything.
    store.transaction(write_everything)?;
    assert_eq!(store.get("created")?.as_deref(), Some(&b"new"[..]));
    assert_eq!(store.ttl("plain")?, Ttl::ExpiresIn(Duration::from_secs(5)));
    assert_eq!(store.get("counter")?.as_deref(), Some(&b"15"[..]));
    assert_eq!(
        store.ttl("counter")?,
        Ttl::ExpiresIn(Duration::from_secs(7))
    );
    assert_eq!(store.get("expiring")?, None);
    assert_eq!(store.select(1)?.dbsize()?, 0);
    Ok(())
}

#[test]
fn a_panic_rolls_back_and_releases_the_write_lock() -> keyp::Result<()> {
    let (_dir, store, _clock) = open()?;
    seed(&store)?;
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        store.transaction(|tx| -> keyp::Result<()> {
            write_everything(tx)?;
            panic!("in the middle of a transaction");
        })
    }));
    assert!(outcome.is_err(), "the panic propagates");
    assert_seeded(&store)?;
    // Writers are not blocked by the abandoned transaction, in this thread or another.
    store.set("after", "panic")?;
    let other = store.clone();
    thread::spawn(move || other.incr("counter"))
        .join()
        .unwrap()?;
    assert_eq!(store.get("counter")?.as_deref(), Some(&b"11"[..]));
    Ok(())
}

#[test]
fn a_transaction_reads_its_own_writes_and_others_do_not() -> keyp::Result<()> {
    let (_dir, store, _clock) = open()?;
    seed(&store)?;
    store.transaction(|tx| {
        tx.set("created", "new")?;
        assert_eq!(tx.get("created")?.as_deref(), Some(&b"new"[..]));
        assert_eq!(tx.incr("counter")?, 11);
        assert_eq!(tx.get("counter")?.as_deref(), Some(&b"11"[..]));
        tx.del(&["plain"])?;
        assert_eq!(tx.exists(&["plain", "created"])?, 1);
        tx.expire("created", 9, ExpireCondition::Always)?;
        assert_eq!(tx.ttl("created")?, Ttl::ExpiresIn(Duration::from_secs(9)));
        assert_eq!(tx.dbsize()?, 3);
        let mget = tx.mget(&["created", "plain", "counter"])?;
        assert_eq!(
            mget.iter().map(Option::is_some).collect::<Vec<_>>(),
            [true, false, true]
        );

        // Another thread reading meanwhile sees the state before the transaction.
        let reader = store.clone();
        let seen = thread::spawn(move || -> keyp::Result<_> {
            Ok((
                reader.get("created")?,
                reader.get("plain")?,
                reader.get("counter")?,
            ))
        })
        .join()
        .unwrap()?;
        assert_eq!(seen.0, None);
        assert_eq!(seen.1.as_deref(), Some(&b"1"[..]));
        assert_eq!(seen.2.as_deref(), Some(&b"10"[..]));
        Ok(())
    })?;
    assert_eq!(store.get("created")?.as_deref(), Some(&b"new"[..]));
    assert_eq!(store.get("plain")?, None);
    Ok(())
}

#[test]
fn a_snapshot_does_not_see_later_commits() -> keyp::Result<()> {
    let (_dir, store, clock) = open()?;
    seed(&store)?;
    store.read(|snapshot| {
        assert_eq!(snapshot.get("plain")?.as_deref(), Some(&b"1"[..]));
        // Commits made while the snapshot is open, from this thread and another.
        store.set("plain", "changed")?;
        store.del(&["counter"])?;
        let writer = store.clone();
        thread::spawn(move || writer.set("created", "new"))
            .join()
            .unwrap()?;
        assert_eq!(store.get("plain")?.as_deref(), Some(&b"changed"[..]));

        assert_eq!(snapshot.get("plain")?.as_deref(), Some(&b"1"[..]));
        assert_eq!(snapshot.get("counter")?.as_deref(), Some(&b"10"[..]));
        assert_eq!(snapshot.get("created")?, None);
        assert_eq!(snapshot.dbsize()?, 3);

        // The snapshot's clock reading is fixed too: a deadline passing meanwhile does not
        // make the key vanish halfway through it.
        clock.advance(Duration::from_secs(101));
        assert_eq!(snapshot.get("expiring")?.as_deref(), Some(&b"2"[..]));
        assert_eq!(store.get("expiring")?, None);
        Ok(())
    })?;
    assert_eq!(store.get("counter")?, None);
    assert_eq!(store.get("created")?.as_deref(), Some(&b"new"[..]));
    Ok(())
}

#[test]
fn watch_sees_writes_from_other_handles_and_threads() -> keyp::Result<()> {
    let (_dir, store, _clock) = open()?;
    store.set("watched", "0")?;
    let watch = store.watch(&["watched"]);
    assert_eq!(watch.len(), 1);
    assert!(!watch.changed());
    store.set("unrelated", "1")?;
    store
        .select(1)?
        .set("watched", "same name, other database")?;
    assert!(!watch.changed(), "other keys and databases do not count");
    let other = store.clone();
    thread::spawn(move || other.incr("watched"))
        .join()
        .unwrap()?;
    assert!(watch.changed());

    // A rolled-back transaction changes nothing, so it is not seen.
    let watch = store.watch(&["watched"]);
    let _ = store.transaction(|tx| {
        tx.set("watched", "rolled back")?;
        Err::<(), _>(Error::Syntax)
    });
    assert!(!watch.changed());
    store.transaction(|tx| tx.set("watched", "committed"))?;
    assert!(watch.changed());
    Ok(())
}

#[test]
fn watch_sees_deletion_expiry_and_flush() -> keyp::Result<()> {
    let (_dir, store, _clock) = open()?;
    let reset = |key: &str| -> keyp::Result<keyp::Watch> {
        store.set(key, "v")?;
        Ok(store.watch(&[key]))
    };

    let watch = reset("k")?;
    assert_eq!(store.del(&["missing"])?, 0);
    assert!(!watch.changed());
    store.del(&["k"])?;
    assert!(watch.changed(), "DEL");

    let watch = reset("k")?;
    store.getdel("k")?;
    assert!(watch.changed(), "GETDEL");

    let watch = reset("k")?;
    assert!(store.expire("k", -1, ExpireCondition::Always)?);
    assert!(watch.changed(), "EXPIRE in the past");

    let watch = reset("k")?;
    assert!(store.pexpire_at("k", 1, ExpireCondition::Always)?);
    assert!(watch.changed(), "PEXPIREAT in the past");

    let watch = reset("k")?;
    store.expire("k", 10, ExpireCondition::Always)?;
    assert!(watch.changed(), "setting a deadline is a write");
    let watch = store.watch(&["k"]);
    store.persist("k")?;
    assert!(watch.changed(), "PERSIST");

    let watch = reset("k")?;
    store.set("elsewhere", "v")?;
    store.select(2)?.flushdb()?;
    assert!(!watch.changed(), "FLUSHDB of another database");
    store.flushdb()?;
    assert!(watch.changed(), "FLUSHDB");

    let watch = reset("k")?;
    store.select(3)?.set("x", "y")?;
    store.flushall()?;
    assert!(watch.changed(), "FLUSHALL");

    // As Redis 7.0 (touchAllWatchedKeysInDb): a flush changes only watched keys that existed.
    store.set("other", "v")?;
    let watch = store.watch(&["never-set"]);
    store.flushdb()?;
    assert!(
        !watch.changed(),
        "FLUSHDB of a database without the watched key"
    );
    let watch = store.watch(&["created"]);
    store.set("created", "v")?;
    store.flushdb()?;
    assert!(watch.changed(), "created after WATCH, then flushed");

    Ok(())
}

/// As in Redis 7: a watched key that reaches its deadline counts as changed at once, whether
/// or not the expirer has deleted it yet; one already expired when the watch began does not.
#[test]
fn watch_sees_a_deadline_pass() -> keyp::Result<()> {
    let (_dir, store, clock) = open()?;
    store.set("k", "v")?;
    store.pexpire("k", 10, ExpireCondition::Always)?;
    store.set("gone", "v")?;
    store.pexpire("gone", 5, ExpireCondition::Always)?;
    clock.advance(Duration::from_millis(6));
    let watch = store.watch(&["k", "gone", "missing"]);
    assert!(!watch.changed());
    clock.advance(Duration::from_millis(4));
    assert!(!watch.changed(), "alive in its last millisecond");
    clock.advance(Duration::from_millis(1));
    assert!(watch.changed());

    // A deadline moved after the watch began: the move is a write.
    store.set("k", "v")?;
    store.pexpire("k", 10, ExpireCondition::Always)?;
    let watch = store.watch(&["k"]);
    store.persist("k")?;
    assert!(watch.changed());
    Ok(())
}

#[test]
fn databases_are_isolated() -> keyp::Result<()> {
    let (_dir, store, _clock) = open()?;
    assert_eq!(store.databases(), 4);
    assert_eq!(store.db(), 0);
    let dbs: Vec<Store> = (0..4)
        .map(|i| store.select(i))
        .collect::<keyp::Result<_>>()?;
    for (i, db) in dbs.iter().enumerate() {
        assert_eq!(db.db(), i as u8);
        db.set("shared name", format!("db {i}"))?;
        db.set(vec![b'L'; 700], format!("long in db {i}"))?;
        db.set(format!("only in {i}"), "x")?;
        db.expire("shared name", 10 + i as i64, ExpireCondition::Always)?;
    }
    for (i, db) in dbs.iter().enumerate() {
        assert_eq!(db.get("shared name")?, Some(format!("db {i}").into()));
        assert_eq!(
            db.get(vec![b'L'; 700])?,
            Some(format!("long in db {i}").into())
        );
        assert_eq!(db.ttl("shared name")?.as_secs_reply(), 10 + i as i64);
        assert_eq!(db.dbsize()?, 3);
        let others: Vec<String> = (0..4)
            .filter(|j| *j != i)
            .map(|j| format!("only in {j}"))
            .collect();
        assert_eq!(db.exists(&others)?, 0);
    }
    dbs[1].flushdb()?;
    assert_eq!(dbs[1].dbsize()?, 0);
    assert_eq!(dbs[0].dbsize()?, 3);
    assert_eq!(dbs[2].get("shared name")?, Some("db 2".into()));

    // SELECT inside a transaction: writes to several databases commit or roll back together.
    let result = store.transaction(|tx| {
        tx.set("in 0", "a")?;
        tx.select(3)?;
        tx.set("in 3", "b")?;
        assert_eq!(tx.db(), 3);
        Err::<(), _>(Error::Syntax)
    });
    assert!(result.is_err());
    assert_eq!((dbs[0].get("in 0")?, dbs[3].get("in 3")?), (None, None));
    store.transaction(|tx| {
        tx.set("in 0", "a")?;
        tx.select(3)?;
        tx.set("in 3", "b")
    })?;
    assert_eq!(dbs[0].get("in 0")?, Some("a".into()));
    assert_eq!(dbs[3].get("in 3")?, Some("b".into()));
    assert_eq!(dbs[0].get("in 3")?, None);
    Ok(())
}

#[test]
fn database_indexes_are_checked() -> keyp::Result<()> {
    let (_dir, store, _clock) = open()?;
    let error = store.select(4).unwrap_err();
    assert!(matches!(error, Error::DbIndexOutOfRange));
    assert_eq!(error.to_string(), "ERR DB index is out of range");
    let result = store.transaction(|tx| tx.select(u32::MAX));
    assert!(matches!(result, Err(Error::DbIndexOutOfRange)));
    assert_eq!(store.read(|r| Ok(r.db()))?, 0);
    assert_eq!(store.select(2)?.read(|r| Ok(r.db()))?, 2);
    for count in [0, 257] {
        let dir = tempfile::tempdir()?;
        let error = StoreOptions::new()
            .databases(count)
            .open(dir.path())
            .unwrap_err();
        assert!(
            matches!(error, Error::Syntax),
            "databases({count}): {error:?}"
        );
    }
    let dir = tempfile::tempdir()?;
    let store = StoreOptions::new().databases(256).open(dir.path())?;
    store.select(255)?.set("last", "db")?;
    assert_eq!(store.select(255)?.get("last")?, Some("db".into()));
    Ok(())
}
