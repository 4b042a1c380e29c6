//! String commands on a key of another type. No collection type is public yet, so these tests
//! write a list's metadata record directly (an empty list body: key id and count 0).

use crate::error::{Error, Result};
use crate::storage::codec::EncodedKey;
use crate::types::KeyType;
use crate::{Expiry, GetExAction, SetCondition, SetOptions, SetTtl, Store};

fn open() -> Result<(tempfile::TempDir, Store)> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    Ok((dir, store))
}

/// Writes a list record at `key`, with a deadline if `expire_at_ms` is not 0.
fn make_list(store: &Store, key: &str, expire_at_ms: u64) -> Result<()> {
    store.transaction(|tx| {
        let encoded = EncodedKey::new(tx.db, key.as_bytes());
        let header = tx.header(key.as_bytes(), KeyType::List, 0, expire_at_ms);
        let mut body = [0u8; 16];
        body[..8].copy_from_slice(&42u64.to_be_bytes());
        tx.put_record(&encoded, &header, &body)?;
        tx.reindex_expiry(&encoded, 0, expire_at_ms)
    })
}

fn is_wrong_type<T: std::fmt::Debug>(result: Result<T>) -> bool {
    match result {
        Err(Error::WrongType) => true,
        other => panic!("expected WRONGTYPE, got {other:?}"),
    }
}

#[test]
fn reads_refuse_other_types() -> Result<()> {
    let (_dir, store) = open()?;
    make_list(&store, "l", 0)?;
    assert!(is_wrong_type(store.get("l")));
    assert!(is_wrong_type(store.get_with("l", |v| v.is_some())));
    assert!(is_wrong_type(store.strlen("l")));
    assert!(is_wrong_type(store.getrange("l", 0, -1)));
    assert!(is_wrong_type(store.substr("l", 0, -1)));
    // MGET answers nil for them instead.
    store.set("s", "v")?;
    assert_eq!(store.mget(&["l", "s"])?, vec![None, Some("v".into())]);
    Ok(())
}

#[test]
fn writes_that_read_first_refuse_and_leave_the_key() -> Result<()> {
    let (_dir, store) = open()?;
    make_list(&store, "l", 0)?;
    for condition in [
        SetCondition::Always,
        SetCondition::IfMissing,
        SetCondition::IfExists,
    ] {
        let options = SetOptions {
            condition,
            ttl: SetTtl::Keep,
            get: true,
        };
        assert!(is_wrong_type(store.set_with("l", "v", options)));
    }
    assert!(is_wrong_type(store.getset("l", "v")));
    assert!(is_wrong_type(store.getdel("l")));
    for action in [
        GetExAction::Keep,
        GetExAction::Persist,
        GetExAction::Expire(Expiry::Ex(10)),
        // The type is checked before the expiry, as in Redis 7.0.
        GetExAction::Expire(Expiry::Ex(0)),
    ] {
        assert!(is_wrong_type(store.getex("l", action)));
    }
    assert!(is_wrong_type(store.incr("l")));
    assert!(is_wrong_type(store.decr("l")));
    assert!(is_wrong_type(store.incr_by("l", 5)));
    assert!(is_wrong_type(store.decr_by("l", 5)));
    assert!(matches!(
        store.decr_by("l", i64::MIN),
        Err(Error::DecrementOverflow)
    ));
    assert!(is_wrong_type(store.incr_by_float("l", "1.5")));
    assert!(is_wrong_type(store.incr_by_float("l", "not a float")));
    assert!(is_wrong_type(store.append("l", "x")));
    assert!(is_wrong_type(store.append("l", "")));
    assert!(is_wrong_type(store.setrange("l", 0, "x")));
    assert!(is_wrong_type(store.setrange("l", 0, "")));
    // A negative offset is refused before the key is looked at.
    assert!(matches!(
        store.setrange("l", -1, "x"),
        Err(Error::OffsetOutOfRange)
    ));
    assert!(!store.setnx("l", "v")?);
    assert!(!store.msetnx(&[("new", "v"), ("l", "v")])?);
    assert_eq!(store.exists(&["new"])?, 0);
    assert_eq!(store.key_type("l")?, Some(KeyType::List));
    Ok(())
}

#[test]
fn lcs_refuses_other_types_with_its_own_error() -> Result<()> {
    let (_dir, store) = open()?;
    make_list(&store, "l", 0)?;
    store.set("s", "abc")?;
    for (a, b) in [
        ("l", "s"),
        ("s", "l"),
        ("l", "missing"),
        ("missing", "l"),
        ("l", "l"),
    ] {
        let text = store.lcs(a, b).map_err(|e| e.to_string());
        assert_eq!(
            text,
            Err("ERR The specified keys must contain string values".to_string())
        );
        assert!(matches!(store.lcs_len(a, b), Err(Error::LcsNotString)));
        assert!(matches!(store.lcs_idx(a, b, 0), Err(Error::LcsNotString)));
    }
    Ok(())
}

#[test]
fn plain_writes_replace_other_types() -> Result<()> {
    let (_dir, store) = open()?;
    make_list(&store, "a", 0)?;
    store.set("a", "1")?;
    assert_eq!(store.get("a")?.as_deref(), Some(&b"1"[..]));
    make_list(&store, "b", 0)?;
    store.setex("b", 10, "2")?;
    assert_eq!(store.get("b")?.as_deref(), Some(&b"2"[..]));
    make_list(&store, "c", 0)?;
    store.psetex("c", 10_000, "3")?;
    assert_eq!(store.get("c")?.as_deref(), Some(&b"3"[..]));
    make_list(&store, "d", 0)?;
    store.mset(&[("d", "4")])?;
    assert_eq!(store.get("d")?.as_deref(), Some(&b"4"[..]));
    // KEEPTTL keeps the list's deadline for the new string, as Redis does.
    let deadline = store.read(|r| Ok(r.now_ms()))? + 60_000;
    make_list(&store, "e", deadline)?;
    let keep = SetOptions {
        ttl: SetTtl::Keep,
        ..SetOptions::default()
    };
    assert!(store.set_with("e", "5", keep)?.written);
    assert_eq!(store.get("e")?.as_deref(), Some(&b"5"[..]));
    assert_eq!(store.expire_time("e")?, crate::ExpireTime::AtMs(deadline));
    for key in ["a", "b", "c", "d", "e"] {
        assert_eq!(store.key_type(key)?, Some(KeyType::String));
    }
    Ok(())
}
