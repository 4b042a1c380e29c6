//! GET, SET (conditions and GET option), SETNX, MGET, MSET, MSETNX, GETSET, GETDEL, STRLEN and
//! binary safety.

use keyp::{Error, Result, SetCondition, SetOptions, SetOutcome, SetTtl, MAX_STRING_LEN};

use super::{open, some};

fn options(condition: SetCondition, get: bool) -> SetOptions {
    SetOptions {
        condition,
        ttl: SetTtl::Clear,
        get,
    }
}

#[test]
fn get_and_set() -> Result<()> {
    let (_dir, store, _) = open()?;
    assert_eq!(store.get("k")?, None);
    store.set("k", "v1")?;
    assert_eq!(store.get("k")?, some("v1"));
    store.set("k", "v2")?;
    assert_eq!(store.get("k")?, some("v2"));
    store.set("empty", "")?;
    assert_eq!(store.get("empty")?, some(""));
    assert_eq!(store.exists(&["empty"])?, 1);
    assert_eq!(
        store.get_with("k", |v| v.map(<[u8]>::to_vec))?,
        Some(b"v2".to_vec())
    );
    assert!(store.get_with("nope", |v| v.is_none())?);
    Ok(())
}

#[test]
fn values_are_binary_safe() -> Result<()> {
    let (_dir, store, _) = open()?;
    let all_bytes: Vec<u8> = (0..=255u8).collect();
    store.set(&all_bytes, &all_bytes)?;
    assert_eq!(store.get(&all_bytes)?, some(&all_bytes));
    assert_eq!(store.strlen(&all_bytes)?, 256);
    assert_eq!(store.getrange(&all_bytes, 250, -1)?, &all_bytes[250..]);
    assert_eq!(store.append(&all_bytes, [0u8, 255])?, 258);
    let mut expected = all_bytes.clone();
    expected.extend_from_slice(&[0, 255]);
    assert_eq!(store.get(&all_bytes)?, some(&expected));

    let big: Vec<u8> = (0..1 << 20).map(|i: u32| (i % 251) as u8).collect();
    store.set("big", &big)?;
    assert_eq!(store.get("big")?, some(&big));
    assert_eq!(store.strlen("big")?, 1 << 20);
    assert_eq!(store.getrange("big", -3, -1)?, &big[big.len() - 3..]);
    Ok(())
}

#[test]
fn values_over_512_mb_are_refused() -> Result<()> {
    let (_dir, store, _) = open()?;
    // Zeroed allocations are lazily mapped: cheap even at this size.
    let too_long = vec![0u8; MAX_STRING_LEN + 1];
    assert!(matches!(
        store.set("k", &too_long),
        Err(Error::StringTooLong)
    ));
    assert!(matches!(
        store.append("k", &too_long),
        Err(Error::StringTooLong)
    ));
    assert_eq!(store.exists(&["k"])?, 0);
    Ok(())
}

#[test]
fn set_conditions() -> Result<()> {
    let (_dir, store, _) = open()?;
    let written = |previous| SetOutcome {
        written: true,
        previous,
    };
    let skipped = |previous| SetOutcome {
        written: false,
        previous,
    };
    // XX on a missing key: nothing written.
    let xx = options(SetCondition::IfExists, false);
    assert_eq!(store.set_with("k", "a", xx)?, skipped(None));
    assert_eq!(store.exists(&["k"])?, 0);
    // NX on a missing key writes; on an existing one it does not.
    let nx = options(SetCondition::IfMissing, false);
    assert_eq!(store.set_with("k", "a", nx)?, written(None));
    assert_eq!(store.set_with("k", "b", nx)?, skipped(None));
    assert_eq!(store.get("k")?, some("a"));
    // XX on an existing key writes.
    assert_eq!(store.set_with("k", "c", xx)?, written(None));
    assert_eq!(store.get("k")?, some("c"));
    // No condition.
    let always = options(SetCondition::Always, false);
    assert_eq!(store.set_with("k", "d", always)?, written(None));
    assert_eq!(store.get("k")?, some("d"));
    Ok(())
}

#[test]
fn set_with_get_returns_the_previous_value() -> Result<()> {
    let (_dir, store, _) = open()?;
    let get = options(SetCondition::Always, true);
    assert_eq!(store.set_with("k", "1", get)?.previous, None);
    let outcome = store.set_with("k", "2", get)?;
    assert_eq!((outcome.written, outcome.previous), (true, some("1")));

    // NX + GET (allowed since Redis 7.0): existing key -> old value, not written.
    let nx_get = options(SetCondition::IfMissing, true);
    let outcome = store.set_with("k", "3", nx_get)?;
    assert_eq!((outcome.written, outcome.previous), (false, some("2")));
    assert_eq!(store.get("k")?, some("2"));
    let outcome = store.set_with("new", "3", nx_get)?;
    assert_eq!((outcome.written, outcome.previous), (true, None));
    assert_eq!(store.get("new")?, some("3"));

    // XX + GET: missing key -> nothing, not created; existing -> old value, written.
    let xx_get = options(SetCondition::IfExists, true);
    let outcome = store.set_with("absent", "x", xx_get)?;
    assert_eq!((outcome.written, outcome.previous), (false, None));
    assert_eq!(store.exists(&["absent"])?, 0);
    let outcome = store.set_with("k", "4", xx_get)?;
    assert_eq!((outcome.written, outcome.previous), (true, some("2")));
    assert_eq!(store.get("k")?, some("4"));
    Ok(())
}

#[test]
fn setnx() -> Result<()> {
    let (_dir, store, _) = open()?;
    assert!(store.setnx("k", "a")?);
    assert!(!store.setnx("k", "b")?);
    assert_eq!(store.get("k")?, some("a"));
    Ok(())
}

#[test]
fn mget_mset_msetnx() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.mset(&[("a", "1"), ("b", "2"), ("a", "3")])?;
    // A key given twice takes its last value.
    assert_eq!(
        store.mget(&["a", "b", "c"])?,
        vec![some("3"), some("2"), None]
    );
    assert_eq!(store.mget(&[] as &[&str])?, Vec::new());

    assert!(!store.msetnx(&[("c", "x"), ("a", "y")])?);
    assert_eq!(store.mget(&["a", "c"])?, vec![some("3"), None]);
    assert!(store.msetnx(&[("c", "x"), ("d", "y")])?);
    assert_eq!(store.mget(&["c", "d"])?, vec![some("x"), some("y")]);
    Ok(())
}

#[test]
fn getset_getdel_strlen() -> Result<()> {
    let (_dir, store, _) = open()?;
    assert_eq!(store.getset("k", "1")?, None);
    assert_eq!(store.getset("k", "2")?, some("1"));
    assert_eq!(store.get("k")?, some("2"));

    assert_eq!(store.strlen("k")?, 1);
    assert_eq!(store.strlen("missing")?, 0);
    store.set("empty", "")?;
    assert_eq!(store.strlen("empty")?, 0);

    assert_eq!(store.getdel("k")?, some("2"));
    assert_eq!(store.exists(&["k"])?, 0);
    assert_eq!(store.getdel("k")?, None);
    Ok(())
}

#[test]
fn a_transaction_sees_its_own_writes_and_rolls_back() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.transaction(|tx| {
        tx.set("k", "a")?;
        assert_eq!(tx.append("k", "b")?, 2);
        assert_eq!(tx.get("k")?, some("ab"));
        Ok(())
    })?;
    let failed: Result<()> = store.transaction(|tx| {
        tx.setrange("k", 0, "zz")?;
        tx.incr("k").map(|_| ())
    });
    assert!(matches!(failed, Err(Error::NotInteger)));
    assert_eq!(store.get("k")?, some("ab"));
    Ok(())
}
