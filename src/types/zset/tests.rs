//! Crate-internal tests: OBJECT ENCODING's answer, plain sets as inputs of ZUNION and its
//! siblings (written here directly, as the sets module will store them), and the index's
//! entries. Expected values were checked against redis-server 7.0.15.

use bytes::Bytes;

use super::encoding;
use crate::storage::element::{ElementKey, ElementKind};
use crate::types::KeyType;
use crate::{Result, Store, ZAddOptions, ZCombine, ZRange};

fn open() -> Result<(tempfile::TempDir, Store)> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    Ok((dir, store))
}

fn encoding_of(store: &Store, key: &str) -> Result<&'static str> {
    store.read(|r| {
        let view = r.collection(key.as_bytes(), KeyType::ZSet)?;
        Ok(view.map_or("none", |v| encoding(&v)))
    })
}

fn add(store: &Store, key: &str, pairs: &[(f64, &str)]) -> Result<u64> {
    store.zadd(key, ZAddOptions::default(), pairs)
}

#[test]
fn encoding_follows_redis_thresholds() -> Result<()> {
    let (_dir, store) = open()?;
    let long65 = "y".repeat(65);
    let long64 = "y".repeat(64);
    // 129 pairs naming one member: still small.
    let same: Vec<(f64, &str)> = (0..129).map(|_| (1.0, "same")).collect();
    add(&store, "dup", &same)?;
    assert_eq!(encoding_of(&store, "dup")?, "listpack");
    let names: Vec<String> = (1..=128).map(|i| format!("m{i}")).collect();
    let pairs: Vec<(f64, &str)> = names.iter().map(|n| (1.0, n.as_str())).collect();
    add(&store, "k128", &pairs)?;
    assert_eq!(encoding_of(&store, "k128")?, "listpack");
    add(&store, "k128", &[(0.0, "extra")])?;
    assert_eq!(encoding_of(&store, "k128")?, "skiplist");
    // Never converted back by removals.
    store.zremrangebyrank("k128", 0, -3)?;
    assert_eq!(encoding_of(&store, "k128")?, "skiplist");
    add(&store, "l64", &[(1.0, &long64)])?;
    assert_eq!(encoding_of(&store, "l64")?, "listpack");
    add(&store, "l65", &[(1.0, &long65)])?;
    assert_eq!(encoding_of(&store, "l65")?, "skiplist");
    // Emptied, the key goes; a new one starts small.
    store.zrem("l65", &[&long65])?;
    add(&store, "l65", &[(1.0, "a")])?;
    assert_eq!(encoding_of(&store, "l65")?, "listpack");
    add(&store, "big", &[(1.0, &long65), (2.0, "b")])?;
    store.zrem("big", &[&long65])?;
    assert_eq!(encoding_of(&store, "big")?, "skiplist");
    // STORE destinations are encoded afresh.
    store.zunionstore("u", &["big"], &ZCombine::default())?;
    assert_eq!(encoding_of(&store, "u")?, "listpack");
    store.zrangestore("r", "big", &ZRange::rank(0, -1))?;
    assert_eq!(encoding_of(&store, "r")?, "listpack");
    store.zrangestore("r", "k128", &ZRange::rank(0, -1))?;
    assert_eq!(encoding_of(&store, "r")?, "listpack");
    store.zunionstore("r2", &["dup", "k128"], &ZCombine::default())?;
    assert_eq!(encoding_of(&store, "r2")?, "listpack");
    add(&store, "r3", &pairs)?;
    store.zunionstore("r4", &["r3", "dup"], &ZCombine::default())?;
    assert_eq!(encoding_of(&store, "r4")?, "skiplist");
    // ZINCRBY and ZADD NX of a long member convert; ZADD XX that adds nothing does not.
    add(&store, "inc", &[(1.0, "a")])?;
    store.zincrby("inc", 1.0, &long65)?;
    assert_eq!(encoding_of(&store, "inc")?, "skiplist");
    let nx = ZAddOptions {
        nx: true,
        ..Default::default()
    };
    store.zadd("nx1", nx, &[(1.0, &long65)])?;
    assert_eq!(encoding_of(&store, "nx1")?, "skiplist");
    let xx = ZAddOptions {
        xx: true,
        ..Default::default()
    };
    add(&store, "m1", &[(1.0, "a")])?;
    store.zadd("m1", xx, &[(1.0, &long65)])?;
    assert_eq!(encoding_of(&store, "m1")?, "listpack");
    // COPY keeps the encoding.
    store.copy("big", "big2", None, false)?;
    assert_eq!(encoding_of(&store, "big2")?, "skiplist");
    Ok(())
}

/// Writes a plain set the way the sets module stores one.
fn write_set(store: &Store, key: &str, members: &[&str]) -> Result<()> {
    store.transaction(|tx| {
        let mut set = tx.open_or_create(key.as_bytes(), KeyType::Set, &[])?;
        for member in members {
            let element = ElementKey::hashed(set.key_id, ElementKind::SetMember, member.as_bytes());
            tx.put_element(&element, member.as_bytes(), &[])?;
            set.count += 1;
        }
        tx.save_collection(key.as_bytes(), &set)
    })
}

fn scored(pairs: &[(&str, f64)]) -> Vec<(Bytes, f64)> {
    pairs
        .iter()
        .map(|(m, s)| (Bytes::copy_from_slice(m.as_bytes()), *s))
        .collect()
}

#[test]
fn plain_sets_count_as_score_one() -> Result<()> {
    let (_dir, store) = open()?;
    add(&store, "a", &[(1.0, "x"), (2.0, "y"), (3.0, "z")])?;
    write_set(&store, "s", &["y", "w", "v"])?;
    let plain = ZCombine::default();
    assert_eq!(
        store.zunion(&["a", "s"], &plain)?,
        scored(&[("v", 1.0), ("w", 1.0), ("x", 1.0), ("y", 3.0), ("z", 3.0)])
    );
    let weighted = ZCombine {
        weights: vec![1.0, 5.0],
        ..Default::default()
    };
    assert_eq!(
        store.zunion(&["a", "s"], &weighted)?,
        scored(&[("x", 1.0), ("z", 3.0), ("v", 5.0), ("w", 5.0), ("y", 7.0)])
    );
    assert_eq!(store.zinter(&["a", "s"], &plain)?, scored(&[("y", 3.0)]));
    let max = ZCombine {
        aggregate: crate::Aggregate::Max,
        ..Default::default()
    };
    assert_eq!(store.zinter(&["s", "a"], &max)?, scored(&[("y", 2.0)]));
    assert_eq!(store.zdiff(&["a", "s"])?, scored(&[("x", 1.0), ("z", 3.0)]));
    assert_eq!(store.zdiff(&["s", "a"])?, scored(&[("v", 1.0), ("w", 1.0)]));
    assert_eq!(store.zintercard(&["s", "a"], 0)?, 1);
    assert_eq!(store.zunionstore("d", &["s", "s"], &plain)?, 3);
    assert_eq!(
        store.zrange("d", &ZRange::rank(0, -1))?,
        scored(&[("v", 2.0), ("w", 2.0), ("y", 2.0)])
    );
    // Sets are inputs only: the other commands answer WRONGTYPE.
    assert!(matches!(store.zcard("s"), Err(crate::Error::WrongType)));
    Ok(())
}

#[test]
fn every_member_has_one_entry_of_each_kind() -> Result<()> {
    let (_dir, store) = open()?;
    let long = "l".repeat(500);
    add(&store, "z", &[(1.0, "a"), (2.0, &long), (3.0, "c")])?;
    add(&store, "z", &[(5.0, "a"), (-1.0, &long)])?;
    store.zrem("z", &["c"])?;
    store.read(|r| {
        let view = r
            .collection(b"z", KeyType::ZSet)?
            .ok_or(crate::Error::NoSuchKey)?;
        assert_eq!(view.count, 2);
        let mut kinds = Vec::new();
        for kind in [ElementKind::ZsetMember, ElementKind::ZsetScore] {
            let from = crate::types::collection::Walk::Forward([0; 8]);
            r.walk(view.key_id, kind, from, |entry| {
                kinds.push((kind as u8, entry.element.to_vec()));
                Ok(true)
            })?;
        }
        assert_eq!(kinds.len(), 4);
        Ok(())
    })
}
