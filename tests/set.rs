//! Sets: SADD, SREM, SISMEMBER, SMISMEMBER, SCARD, SMEMBERS, SMOVE, errors and odd members
//! here; SPOP and SRANDMEMBER in `set/random.rs`; SINTER, SINTERCARD, SUNION, SDIFF and the
//! STORE variants in `set/algebra.rs`; SSCAN in `set/scan.rs`.
//!
//! Expected replies were checked against redis-server 7.0.15.

#[path = "set/algebra.rs"]
mod algebra;
#[path = "set/random.rs"]
mod random;
#[path = "set/scan.rs"]
mod scan;

use std::sync::Arc;
use std::time::Duration;

use keyp::{Bytes, Error, ExpireCondition, KeyType, ManualClock, Store, StoreOptions, Ttl};
use tempfile::TempDir;

pub const NOW_MS: u64 = 1_700_000_000_000;

pub fn open() -> keyp::Result<(TempDir, Store)> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    Ok((dir, store))
}

pub fn sorted(mut members: Vec<Bytes>) -> Vec<Bytes> {
    members.sort();
    members
}

pub fn is_wrongtype<T: std::fmt::Debug>(result: keyp::Result<T>) -> bool {
    matches!(result, Err(Error::WrongType))
}

#[test]
fn sadd_counts_new_members_and_scard_sismember_smembers_see_them() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    assert_eq!(store.sadd("s", &["a", "b", "a", "c"])?, 3);
    assert_eq!(store.sadd("s", &["c", "d"])?, 1);
    assert_eq!(store.sadd("s", &["a"])?, 0);
    assert_eq!(store.scard("s")?, 4);
    assert_eq!(store.key_type("s")?, Some(KeyType::Set));
    assert!(store.sismember("s", "d")?);
    assert!(!store.sismember("s", "e")?);
    assert!(!store.sismember("missing", "a")?);
    assert_eq!(store.scard("missing")?, 0);
    assert_eq!(
        store.smismember("s", &["a", "x", "d", "a"])?,
        [true, false, true, true]
    );
    assert_eq!(store.smismember("missing", &["a", "b"])?, [false, false]);
    assert_eq!(sorted(store.smembers("s")?), ["a", "b", "c", "d"]);
    assert!(store.smembers("missing")?.is_empty());
    Ok(())
}

#[test]
fn smembers_order_is_stable_and_shared_by_every_reply() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    let members: Vec<String> = (0..200).map(|i| format!("member:{i}")).collect();
    store.sadd("s", &members)?;
    let order = store.smembers("s")?;
    assert_eq!(order.len(), 200);
    assert_eq!(store.smembers("s")?, order);
    // The same order from the commands that walk a set: SUNION and SINTER of one set, SDIFF
    // against a missing key, a full SSCAN.
    assert_eq!(store.sunion(&["s"])?, order);
    assert_eq!(store.sinter(&["s", "s"])?, order);
    assert_eq!(store.sdiff(&["s", "missing"])?, order);
    let (next, all) = store.sscan("s", 0, &keyp::ScanOptions::new().count(1000))?;
    assert_eq!((next, all), (0, order.clone()));
    // Built in another order, the same members come back in the same order.
    let reversed: Vec<&String> = members.iter().rev().collect();
    store.sadd("t", &reversed)?;
    assert_eq!(store.smembers("t")?, order);
    Ok(())
}

#[test]
fn srem_removes_and_an_emptied_set_disappears() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    assert_eq!(store.srem("missing", &["a"])?, 0);
    store.sadd("s", &["a", "b", "c"])?;
    assert_eq!(store.srem("s", &["a", "x", "a"])?, 1);
    assert_eq!(sorted(store.smembers("s")?), ["b", "c"]);
    assert_eq!(store.srem("s", &["x"])?, 0);
    assert_eq!(store.srem("s", &["b", "c", "d"])?, 2);
    assert_eq!(store.exists(&["s"])?, 0);
    assert_eq!(store.key_type("s")?, None);
    assert_eq!(store.scard("s")?, 0);
    // A set created again under the name starts empty.
    assert_eq!(store.sadd("s", &["z"])?, 1);
    assert_eq!(store.smembers("s")?, ["z"]);
    Ok(())
}

#[test]
fn writes_keep_the_deadline_and_an_expired_set_is_gone() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(NOW_MS));
    let store = StoreOptions::new().clock(clock.clone()).open(dir.path())?;
    store.sadd("s", &["a", "b"])?;
    store.expire("s", 10, ExpireCondition::Always)?;
    store.sadd("s", &["c"])?;
    store.srem("s", &["a"])?;
    assert_eq!(store.ttl("s")?, Ttl::ExpiresIn(Duration::from_secs(10)));
    clock.advance(Duration::from_secs(11));
    assert_eq!(store.scard("s")?, 0);
    assert!(!store.sismember("s", "b")?);
    assert!(store.smembers("s")?.is_empty());
    // A write to the expired name builds a new set without a deadline.
    assert_eq!(store.sadd("s", &["b"])?, 1);
    assert_eq!(store.smembers("s")?, ["b"]);
    assert_eq!(store.ttl("s")?, Ttl::Persistent);
    Ok(())
}

#[test]
fn a_sadd_or_srem_that_changes_nothing_is_not_a_write() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.sadd("s", &["a"])?;
    let watch = store.watch(&["s"]);
    store.sadd("s", &["a"])?;
    store.srem("s", &["b"])?;
    assert!(!watch.changed());
    store.sadd("s", &["b"])?;
    assert!(watch.changed());
    Ok(())
}

#[test]
fn smove_moves_a_member_between_sets() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.sadd("src", &["a", "b"])?;
    store.sadd("dst", &["c"])?;
    assert!(store.smove("src", "dst", "a")?);
    assert_eq!(store.smembers("src")?, ["b"]);
    assert_eq!(sorted(store.smembers("dst")?), ["a", "c"]);
    assert!(!store.smove("src", "dst", "x")?);
    assert!(!store.smove("missing", "dst", "a")?);
    // A member the destination already has: it leaves the source, and the reply is true.
    store.sadd("src", &["c"])?;
    assert!(store.smove("src", "dst", "c")?);
    assert_eq!(store.smembers("src")?, ["b"]);
    assert_eq!(store.scard("dst")?, 2);
    // The last member moves: the source disappears, a missing destination is created.
    assert!(store.smove("src", "new", "b")?);
    assert_eq!(store.exists(&["src"])?, 0);
    assert_eq!(store.smembers("new")?, ["b"]);
    // Source and destination the same key: nothing changes, the reply says membership.
    assert!(store.smove("new", "new", "b")?);
    assert!(!store.smove("new", "new", "zz")?);
    assert_eq!(store.smembers("new")?, ["b"]);
    Ok(())
}

#[test]
fn smove_checks_types_in_redis_order() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.set("str", "x")?;
    store.sadd("s", &["1"])?;
    // A missing source replies 0 before the destination's type is looked at.
    assert!(!store.smove("missing", "str", "1")?);
    assert!(is_wrongtype(store.smove("str", "s", "1")));
    assert!(is_wrongtype(store.smove("s", "str", "1")));
    // Even for a member the source does not have.
    assert!(is_wrongtype(store.smove("s", "str", "99")));
    assert!(is_wrongtype(store.smove("str", "str", "1")));
    assert_eq!(store.smembers("s")?, ["1"]);
    assert_eq!(store.get("str")?.as_deref(), Some(&b"x"[..]));
    Ok(())
}

#[test]
fn every_command_is_wrongtype_on_a_string() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.set("str", "x")?;
    store.sadd("s", &["a"])?;
    let options = keyp::ScanOptions::new();
    assert!(is_wrongtype(store.sadd("str", &["a"])));
    assert!(is_wrongtype(store.srem("str", &["a"])));
    assert!(is_wrongtype(store.sismember("str", "a")));
    assert!(is_wrongtype(store.smismember("str", &["a"])));
    assert!(is_wrongtype(store.scard("str")));
    assert!(is_wrongtype(store.smembers("str")));
    assert!(is_wrongtype(store.spop("str")));
    assert!(is_wrongtype(store.spop_count("str", 0)));
    assert!(is_wrongtype(store.spop_count("str", 1)));
    assert!(is_wrongtype(store.srandmember("str")));
    assert!(is_wrongtype(store.srandmember_count("str", 0)));
    assert!(is_wrongtype(store.srandmember_count("str", -3)));
    assert!(is_wrongtype(store.sinter(&["s", "str"])));
    assert!(is_wrongtype(store.sintercard(&["s", "str"], 0)));
    assert!(is_wrongtype(store.sunion(&["str"])));
    assert!(is_wrongtype(store.sdiff(&["s", "str"])));
    assert!(is_wrongtype(store.sinterstore("d", &["str"])));
    assert!(is_wrongtype(store.sunionstore("d", &["s", "str"])));
    assert!(is_wrongtype(store.sdiffstore("d", &["str", "s"])));
    assert!(is_wrongtype(store.sscan("str", 0, &options)));
    // Nothing was written.
    assert_eq!(store.get("str")?.as_deref(), Some(&b"x"[..]));
    assert_eq!(store.exists(&["d"])?, 0);
    assert_eq!(store.smembers("s")?, ["a"]);
    Ok(())
}

#[test]
fn error_replies_are_redis_texts() {
    assert_eq!(
        Error::NotPositive.to_string(),
        "ERR value is out of range, must be positive"
    );
    assert_eq!(
        Error::OutOfRangeBetween {
            min: -i64::MAX,
            max: i64::MAX
        }
        .to_string(),
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
    );
    assert_eq!(
        Error::NumkeysNotPositive.to_string(),
        "ERR numkeys should be greater than 0"
    );
    assert_eq!(
        Error::NumkeysTooMany.to_string(),
        "ERR Number of keys can't be greater than number of args"
    );
    assert_eq!(
        Error::NegativeLimit.to_string(),
        "ERR LIMIT can't be negative"
    );
}

#[test]
fn members_of_0_600_and_1mib_bytes() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    let empty = Vec::new();
    let medium = vec![b'm'; 600];
    let mut medium2 = medium.clone();
    *medium2.last_mut().unwrap() = b'n'; // shares a 599-byte prefix with `medium`
    let huge: Vec<u8> = (0..1 << 20).map(|i| (i % 251) as u8).collect();
    let members = [&empty, &medium, &medium2, &huge];
    assert_eq!(store.sadd("s", &members)?, 4);
    assert_eq!(store.sadd("s", &members)?, 0);
    assert_eq!(store.scard("s")?, 4);
    for member in members {
        assert!(store.sismember("s", member)?);
    }
    let mut other = huge.clone();
    other[12345] ^= 1;
    assert!(!store.sismember("s", &other)?);
    assert_eq!(
        store.smismember("s", &[&other, &huge, &empty])?,
        [false, true, true]
    );
    let mut expected: Vec<Bytes> = members.iter().map(|m| Bytes::from(m.to_vec())).collect();
    expected.sort();
    assert_eq!(sorted(store.smembers("s")?), expected);
    assert_eq!(sorted(store.sunion(&["s", "missing"])?), expected);
    assert!(store.smove("s", "t", &huge)?);
    assert_eq!(store.smembers("t")?, [Bytes::from(huge.clone())]);
    assert_eq!(store.srem("s", &[&other, &medium2])?, 1);
    assert_eq!(store.sadd("u", &[&medium, &huge, &empty])?, 3);
    assert_eq!(
        sorted(store.sinter(&["s", "u"])?),
        [&empty[..], &medium[..]]
    );
    assert_eq!(store.sdiff(&["u", "s"])?, [Bytes::from(huge.clone())]);
    // Popping returns the full bytes; the set empties and disappears.
    let mut popped = store.spop_count("u", 10)?;
    popped.sort();
    let mut all = vec![empty.clone(), medium.clone(), huge.clone()];
    all.sort();
    assert_eq!(popped, all);
    assert_eq!(store.exists(&["u"])?, 0);
    Ok(())
}

#[test]
fn sets_live_in_their_own_database_and_survive_a_reopen() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    {
        let store = Store::open(dir.path())?;
        store.sadd("s", &["a", "b"])?;
        store.select(1)?.sadd("s", &["z"])?;
    }
    let store = Store::open(dir.path())?;
    assert_eq!(sorted(store.smembers("s")?), ["a", "b"]);
    assert_eq!(store.select(1)?.smembers("s")?, ["z"]);
    assert!(store.smove("s", "t", "a")?);
    assert_eq!(store.select(1)?.scard("t")?, 0);
    Ok(())
}

#[test]
fn operations_in_one_transaction_see_each_other_and_roll_back_together() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.sadd("s", &["a"])?;
    let seen = store.transaction(|tx| {
        tx.sadd("s", &["b"])?;
        tx.srem("s", &["a"])?;
        tx.smembers("s")
    })?;
    assert_eq!(seen, ["b"]);
    let failed: keyp::Result<()> = store.transaction(|tx| {
        tx.sadd("s", &["c"])?;
        tx.sadd("t", &["d"])?;
        Err(Error::Syntax)
    });
    assert!(failed.is_err());
    assert_eq!(store.smembers("s")?, ["b"]);
    assert_eq!(store.exists(&["t"])?, 0);
    Ok(())
}
