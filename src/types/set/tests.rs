//! The encoding Redis 7.0 reports for sets, through each way a set is made or changed. The
//! expected values were read from redis-server 7.0.15's OBJECT ENCODING.

use super::encoding;
use crate::types::KeyType;
use crate::{Result, Store};

fn encoding_of(store: &Store, key: &str) -> Result<Option<&'static str>> {
    store.read(|r| {
        Ok(r.collection(key.as_bytes(), KeyType::Set)?
            .map(|v| encoding(&v)))
    })
}

fn ints(range: std::ops::RangeInclusive<u32>) -> Vec<String> {
    range.map(|i| i.to_string()).collect()
}

#[test]
fn intset_until_a_non_integer_or_513_members_and_never_back() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    store.sadd("s", &["1", "-5", "9223372036854775807"])?;
    assert_eq!(encoding_of(&store, "s")?, Some("intset"));
    store.sadd("s", &["x"])?;
    assert_eq!(encoding_of(&store, "s")?, Some("hashtable"));
    store.srem("s", &["x"])?;
    assert_eq!(encoding_of(&store, "s")?, Some("hashtable"));
    // Not integers by Redis's rules: leading zero, "-0", beyond i64, "+1", spaces.
    for member in ["01", "-0", "9223372036854775808", "+1", " 1", ""] {
        store.del(&["t"])?;
        store.sadd("t", &[member])?;
        assert_eq!(encoding_of(&store, "t")?, Some("hashtable"), "{member:?}");
    }
    store.sadd("big", &ints(1..=512))?;
    assert_eq!(encoding_of(&store, "big")?, Some("intset"));
    // Adding an existing member changes nothing.
    store.sadd("big", &["512"])?;
    assert_eq!(encoding_of(&store, "big")?, Some("intset"));
    store.sadd("big", &["513"])?;
    assert_eq!(encoding_of(&store, "big")?, Some("hashtable"));
    store.srem("big", &ints(100..=513))?;
    assert_eq!(encoding_of(&store, "big")?, Some("hashtable"));
    Ok(())
}

#[test]
fn store_commands_and_smove_build_fresh_encodings() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    store.sadd("a", &["1", "2", "x"])?;
    store.sadd("b", &["1", "2", "3"])?;
    store.sinterstore("d", &["a", "b"])?;
    assert_eq!(encoding_of(&store, "d")?, Some("intset"));
    store.sunionstore("d", &["a", "b"])?;
    assert_eq!(encoding_of(&store, "d")?, Some("hashtable"));
    store.sdiffstore("d", &["a", "b"])?;
    assert_eq!(encoding_of(&store, "d")?, Some("hashtable"));
    store.sdiffstore("d", &["b", "a"])?;
    assert_eq!(encoding_of(&store, "d")?, Some("intset"));
    store.sadd("many", &ints(1..=600))?;
    store.sunionstore("d", &["many"])?;
    assert_eq!(encoding_of(&store, "d")?, Some("hashtable"));
    store.smove("b", "c", "1")?;
    assert_eq!(encoding_of(&store, "c")?, Some("intset"));
    store.smove("a", "c", "x")?;
    assert_eq!(encoding_of(&store, "c")?, Some("hashtable"));
    store.smove("a", "e", "x")?; // gone from a already
    assert_eq!(encoding_of(&store, "e")?, None);
    Ok(())
}

#[test]
fn spop_rebuilds_the_encoding_only_when_few_members_remain() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    // 513 integers: a hashtable. Popping 500 leaves 13 (13 * 5 <= 500): rebuilt as an intset.
    store.sadd("rebuilt", &ints(1..=513))?;
    store.spop_count("rebuilt", 500)?;
    assert_eq!(store.scard("rebuilt")?, 13);
    assert_eq!(encoding_of(&store, "rebuilt")?, Some("intset"));
    // Popping 10 leaves 503: popped in place, still a hashtable.
    store.sadd("kept", &ints(1..=513))?;
    store.spop_count("kept", 10)?;
    assert_eq!(encoding_of(&store, "kept")?, Some("hashtable"));
    // A rebuilt set with a non-integer left in it is a hashtable.
    store.sadd(
        "mixed",
        &["x", "y", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"],
    )?;
    store.spop_count("mixed", 10)?;
    let left = store.smembers("mixed")?;
    let expected = if left
        .iter()
        .all(|m| crate::types::string::parse_i64(m).is_some())
    {
        "intset"
    } else {
        "hashtable"
    };
    assert_eq!(encoding_of(&store, "mixed")?, Some(expected));
    // Single SPOPs never change it.
    store.sadd("one", &ints(1..=513))?;
    for _ in 0..5 {
        store.spop("one")?;
    }
    assert_eq!(encoding_of(&store, "one")?, Some("hashtable"));
    Ok(())
}

#[test]
fn copy_keeps_the_encoding() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    store.sadd("h", &["x"])?;
    store.srem("h", &["nothing"])?;
    store.sadd("h", &["1"])?;
    store.srem("h", &["x"])?;
    assert!(store.copy("h", "h2", None, false)?);
    assert_eq!(encoding_of(&store, "h2")?, Some("hashtable"));
    Ok(())
}
