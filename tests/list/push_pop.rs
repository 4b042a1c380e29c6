//! LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP (with and without COUNT), LLEN; item sizes,
//! persistence, expiry.

use std::time::Duration;

use keyp::{KeyType, Result, Store};

use super::{all, items, open, some};

#[test]
fn pushes_at_both_ends() -> Result<()> {
    let (_dir, store, _) = open()?;
    assert_eq!(store.lpush("l", &["a", "b", "c"])?, 3);
    assert_eq!(store.rpush("l", &["d", "e"])?, 5);
    assert_eq!(all(&store, "l")?, items(&["c", "b", "a", "d", "e"]));
    assert_eq!(store.llen("l")?, 5);
    assert_eq!(store.llen("missing")?, 0);
    assert_eq!(store.key_type("l")?, Some(KeyType::List));
    assert_eq!(store.object_encoding("l")?, Some("quicklist"));
    // No items: nothing is created, the length is reported.
    let none: [&str; 0] = [];
    assert_eq!(store.lpush("new", &none)?, 0);
    assert_eq!(store.rpush("l", &none)?, 5);
    assert_eq!(store.exists(&["new"])?, 0);
    Ok(())
}

#[test]
fn pushx_needs_an_existing_list() -> Result<()> {
    let (_dir, store, _) = open()?;
    assert_eq!(store.lpushx("l", &["a"])?, 0);
    assert_eq!(store.rpushx("l", &["a"])?, 0);
    assert_eq!(store.exists(&["l"])?, 0);
    store.rpush("l", &["first"])?;
    assert_eq!(store.lpushx("l", &["a", "b"])?, 3);
    assert_eq!(store.rpushx("l", &["y", "z"])?, 5);
    assert_eq!(all(&store, "l")?, items(&["b", "a", "first", "y", "z"]));
    Ok(())
}

#[test]
fn single_pops_and_the_emptied_list_disappears() -> Result<()> {
    let (_dir, store, _) = open()?;
    assert_eq!(store.lpop("l")?, None);
    assert_eq!(store.rpop("l")?, None);
    store.rpush("l", &["a", "b", "c"])?;
    assert_eq!(store.lpop("l")?, some("a"));
    assert_eq!(store.rpop("l")?, some("c"));
    assert_eq!(store.llen("l")?, 1);
    assert_eq!(store.rpop("l")?, some("b"));
    assert_eq!(store.exists(&["l"])?, 0);
    assert_eq!(store.key_type("l")?, None);
    assert_eq!(store.lpop("l")?, None);
    // A new list of the same name starts afresh.
    store.lpush("l", &["x"])?;
    assert_eq!(all(&store, "l")?, items(&["x"]));
    Ok(())
}

#[test]
fn counted_pops() -> Result<()> {
    let (_dir, store, _) = open()?;
    // A missing key is a null array, whatever the count (0 included).
    assert_eq!(store.lpop_count("l", 0)?, None);
    assert_eq!(store.rpop_count("l", 1)?, None);
    store.rpush("l", &["a", "b", "c", "d", "e"])?;
    assert_eq!(store.lpop_count("l", 2)?, Some(items(&["a", "b"])));
    assert_eq!(store.rpop_count("l", 2)?, Some(items(&["e", "d"])));
    // Count 0 on an existing list: an empty array, nothing popped.
    assert_eq!(store.rpop_count("l", 0)?, Some(Vec::new()));
    assert_eq!(store.lpop_count("l", 0)?, Some(Vec::new()));
    assert_eq!(store.llen("l")?, 1);
    // More than there is: all of it, and the key goes.
    assert_eq!(store.lpop_count("l", 5)?, Some(items(&["c"])));
    assert_eq!(store.exists(&["l"])?, 0);
    store.rpush("l", &["1", "2", "3"])?;
    assert_eq!(
        store.rpop_count("l", u64::MAX)?,
        Some(items(&["3", "2", "1"]))
    );
    assert_eq!(store.exists(&["l"])?, 0);
    Ok(())
}

#[test]
fn many_items_at_both_ends() -> Result<()> {
    let (_dir, store, _) = open()?;
    let left: Vec<String> = (0..300).map(|i| format!("l{i}")).collect();
    let right: Vec<String> = (0..300).map(|i| format!("r{i}")).collect();
    store.lpush("l", &left)?;
    store.rpush("l", &right)?;
    assert_eq!(store.llen("l")?, 600);
    assert_eq!(store.lindex("l", 0)?, some("l299"));
    assert_eq!(store.lindex("l", 299)?, some("l0"));
    assert_eq!(store.lindex("l", 300)?, some("r0"));
    assert_eq!(store.lindex("l", -1)?, some("r299"));
    assert_eq!(
        store.lrange("l", 298, 301)?,
        items(&["l1", "l0", "r0", "r1"])
    );
    assert_eq!(store.lpop_count("l", 299)?.map(|v| v.len()), Some(299));
    assert_eq!(store.lpop("l")?, some("l0"));
    assert_eq!(store.rpop("l")?, some("r299"));
    assert_eq!(store.llen("l")?, 299);
    Ok(())
}

#[test]
fn items_of_0_bytes_600_bytes_and_1_mib() -> Result<()> {
    let (_dir, store, _) = open()?;
    let empty = Vec::new();
    let medium = vec![b'm'; 600];
    let mut large = vec![0u8; 1 << 20];
    for (i, byte) in large.iter_mut().enumerate() {
        *byte = (i % 251) as u8;
    }
    let values = [empty.clone(), medium.clone(), large.clone()];
    assert_eq!(store.rpush("l", &values)?, 3);
    assert_eq!(store.lindex("l", 0)?, some(&empty));
    assert_eq!(store.lindex("l", 1)?, some(&medium));
    assert_eq!(store.lindex("l", 2)?, some(&large));
    let range = store.lrange("l", 0, -1)?;
    assert_eq!(range.len(), 3);
    assert_eq!(
        (&range[0][..], &range[1][..], &range[2][..]),
        (&empty[..], &medium[..], &large[..])
    );
    let any = keyp::LposOptions::default();
    assert_eq!(store.lpos("l", &large, any)?, Some(2));
    assert_eq!(store.lpos("l", &empty, any)?, Some(0));
    // Middle edits move big items around.
    assert_eq!(
        store.linsert("l", keyp::InsertPosition::After, &medium, &large)?,
        4
    );
    assert_eq!(store.lrem("l", 1, &medium)?, 1);
    assert_eq!(store.lindex("l", 1)?, some(&large));
    store.lset("l", 0, &large)?;
    assert_eq!(store.lrem("l", 0, &large)?, 3);
    assert_eq!(store.exists(&["l"])?, 0);
    // Pops give the bytes back exactly.
    store.rpush("l", &values)?;
    assert_eq!(store.rpop("l")?, some(&large));
    assert_eq!(store.rpop("l")?, some(&medium));
    assert_eq!(store.rpop("l")?, some(&empty));
    assert_eq!(store.exists(&["l"])?, 0);
    Ok(())
}

#[test]
fn lists_survive_a_reopen() -> Result<()> {
    let dir = tempfile::tempdir()?;
    {
        let store = Store::open(dir.path())?;
        store.rpush("l", &["a", "b", "c"])?;
        store.lpush("l", &["z"])?;
        store.lpop("l")?;
        store.rpush("other", &["x"])?;
    }
    let store = Store::open(dir.path())?;
    assert_eq!(all(&store, "l")?, items(&["a", "b", "c"]));
    assert_eq!(store.rpush("l", &["d"])?, 4);
    assert_eq!(store.lpush("l", &["0"])?, 5);
    assert_eq!(all(&store, "l")?, items(&["0", "a", "b", "c", "d"]));
    assert_eq!(all(&store, "other")?, items(&["x"]));
    Ok(())
}

#[test]
fn writes_keep_the_deadline_and_expiry_removes_the_list() -> Result<()> {
    let (_dir, store, clock) = open()?;
    store.rpush("l", &["a", "b"])?;
    assert!(store.expire("l", 10, keyp::ExpireCondition::Always)?);
    store.rpush("l", &["c"])?;
    store.lpop("l")?;
    store.lset("l", 0, "B")?;
    assert_eq!(
        store.ttl("l")?,
        keyp::Ttl::ExpiresIn(Duration::from_secs(10))
    );
    // Alive at its deadline's millisecond, gone one after (Redis: now > deadline).
    clock.advance(Duration::from_secs(10));
    assert_eq!(store.llen("l")?, 2);
    clock.advance(Duration::from_millis(1));
    assert_eq!(store.llen("l")?, 0);
    assert_eq!(store.lpop("l")?, None);
    // A push after the deadline makes a fresh list without one.
    assert_eq!(store.rpush("l", &["new"])?, 1);
    assert_eq!(all(&store, "l")?, items(&["new"]));
    assert_eq!(store.ttl("l")?, keyp::Ttl::Persistent);
    Ok(())
}

#[test]
fn copy_and_rename_carry_the_items() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.rpush("l", &["a", "b", "c"])?;
    store.lpush("l", &["z"])?;
    assert!(store.copy("l", "c", None, false)?);
    store.rename("l", "r")?;
    assert_eq!(all(&store, "r")?, items(&["z", "a", "b", "c"]));
    // The copy is independent and keeps working at both ends.
    store.rpop("r")?;
    assert_eq!(store.lpush("c", &["y"])?, 5);
    assert_eq!(store.rpush("c", &["d"])?, 6);
    assert_eq!(all(&store, "c")?, items(&["y", "z", "a", "b", "c", "d"]));
    assert_eq!(all(&store, "r")?, items(&["z", "a", "b"]));
    Ok(())
}

#[test]
fn a_transaction_sees_its_own_list_writes_and_rolls_back() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.rpush("l", &["a"])?;
    let seen = store.transaction(|tx| {
        tx.rpush("l", &["b"])?;
        tx.lpop("l")?;
        tx.lrange("l", 0, -1)
    })?;
    assert_eq!(seen, items(&["b"]));
    let failed: Result<()> = store.transaction(|tx| {
        tx.rpush("l", &["c"])?;
        tx.lpush("other", &["x"])?;
        Err(keyp::Error::Syntax)
    });
    assert!(failed.is_err());
    assert_eq!(all(&store, "l")?, items(&["b"]));
    assert_eq!(store.exists(&["other"])?, 0);
    Ok(())
}
