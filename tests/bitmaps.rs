//! Bitmap commands on strings: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP (BITFIELD is in
//! `bitfield.rs`). Expected values were checked against redis-server 7.0.

use std::sync::Arc;
use std::time::Duration;

use keyp::{
    parse_bit_offset, parse_bit_value, parse_bitpos_bit, BitOp, BitPosRange, BitRange, BitUnit,
    Error, ExpireCondition, ManualClock, Store, StoreOptions, Ttl,
};
use tempfile::TempDir;

/// 2^32: the first bit offset beyond the 512 MB limit.
const BIT_LIMIT: u64 = 1 << 32;

fn open() -> keyp::Result<(TempDir, Store)> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    Ok((dir, store))
}

fn open_with_clock() -> keyp::Result<(TempDir, Store, Arc<ManualClock>)> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(1_000_000));
    let store = StoreOptions::new().clock(clock.clone()).open(dir.path())?;
    Ok((dir, store, clock))
}

fn value(store: &Store, key: &str) -> keyp::Result<Option<Vec<u8>>> {
    Ok(store.get(key)?.map(|bytes| bytes.to_vec()))
}

#[test]
fn setbit_and_getbit_docs_examples() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    assert!(!store.setbit("mykey", 7, true)?);
    assert!(store.setbit("mykey", 7, false)?);
    assert_eq!(value(&store, "mykey")?, Some(vec![0]));

    assert!(!store.setbit("other", 7, true)?);
    assert!(!store.getbit("other", 0)?);
    assert!(store.getbit("other", 7)?);
    assert!(!store.getbit("other", 100)?);
    assert!(!store.getbit("missing", 0)?);
    Ok(())
}

#[test]
fn setbit_grows_zero_padded_and_returns_the_old_bit() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    assert!(!store.setbit("sb", 17, true)?);
    assert_eq!(value(&store, "sb")?, Some(vec![0x00, 0x00, 0x40]));
    // "a" is 0x61 = 0110_0001.
    store.set("a", "a")?;
    assert!(store.setbit("a", 1, true)?);
    assert!(!store.setbit("a", 0, true)?);
    assert_eq!(value(&store, "a")?, Some(vec![0xe1]));
    assert_eq!(store.strlen("a")?, 1);
    Ok(())
}

#[test]
fn setbit_keeps_the_deadline_and_restarts_an_expired_key() -> keyp::Result<()> {
    let (_dir, store, clock) = open_with_clock()?;
    store.set("k", "abc")?;
    store.expire("k", 100, ExpireCondition::Always)?;
    assert!(!store.setbit("k", 100, true)?);
    assert_eq!(store.ttl("k")?, Ttl::ExpiresIn(Duration::from_secs(100)));
    assert_eq!(store.strlen("k")?, 13);

    clock.advance(Duration::from_secs(101));
    assert!(!store.setbit("k", 3, true)?);
    assert_eq!(value(&store, "k")?, Some(vec![0x10]));
    assert_eq!(store.ttl("k")?, Ttl::Persistent);
    Ok(())
}

#[test]
fn setbit_that_changes_nothing_is_not_a_modification() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.set("n", "123")?;
    let watch = store.watch(&["n"]);
    // '1' is 0x31: bit 0 is already 0.
    assert!(!store.setbit("n", 0, false)?);
    assert!(!watch.changed());
    assert_eq!(value(&store, "n")?, Some(b"123".to_vec()));
    assert!(!store.setbit("n", 1, true)?);
    assert!(watch.changed());
    assert_eq!(value(&store, "n")?, Some(b"q23".to_vec()));
    Ok(())
}

#[test]
fn bit_offsets_stop_below_2_pow_32() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    assert!(matches!(
        store.setbit("k", BIT_LIMIT, true),
        Err(Error::BitOffset)
    ));
    assert!(matches!(
        store.getbit("k", BIT_LIMIT),
        Err(Error::BitOffset)
    ));
    assert!(matches!(
        store.setbit("k", u64::MAX, true),
        Err(Error::BitOffset)
    ));
    assert_eq!(store.exists(&["k"])?, 0);
    // The last valid offset reads without allocating anything.
    assert!(!store.getbit("k", BIT_LIMIT - 1)?);

    assert_eq!(parse_bit_offset(b"0")?, 0);
    assert_eq!(parse_bit_offset(b"4294967295")?, BIT_LIMIT - 1);
    for bad in [&b"4294967296"[..], b"-1", b"abc", b"01", b"+1", b"", b"1.5"] {
        assert!(
            matches!(parse_bit_offset(bad), Err(Error::BitOffset)),
            "{bad:?}"
        );
    }
    assert_eq!(
        Error::BitOffset.to_string(),
        "ERR bit offset is not an integer or out of range"
    );
    Ok(())
}

#[test]
fn setbit_value_parses_only_0_and_1() -> keyp::Result<()> {
    assert!(!parse_bit_value(b"0")?);
    assert!(parse_bit_value(b"1")?);
    for bad in [&b"2"[..], b"-1", b"x", b"", b"01"] {
        assert!(
            matches!(parse_bit_value(bad), Err(Error::BitValue)),
            "{bad:?}"
        );
    }
    assert_eq!(
        Error::BitValue.to_string(),
        "ERR bit is not an integer or out of range"
    );
    Ok(())
}

#[test]
fn bitcount_docs_example() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.set("mykey", "foobar")?;
    assert_eq!(store.bitcount("mykey", None)?, 26);
    assert_eq!(store.bitcount("mykey", Some(BitRange::bytes(0, 0)))?, 4);
    assert_eq!(store.bitcount("mykey", Some(BitRange::bytes(1, 1)))?, 6);
    let explicit = BitRange {
        start: 1,
        end: 1,
        unit: BitUnit::Byte,
    };
    assert_eq!(store.bitcount("mykey", Some(explicit))?, 6);
    assert_eq!(store.bitcount("mykey", Some(BitRange::bits(5, 30)))?, 17);
    Ok(())
}

#[test]
fn bitcount_ranges_follow_redis_7() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.set("k", b"\xff\xf0\x00")?;
    let count = |range| store.bitcount("k", Some(range));
    // Bit ranges crossing byte boundaries.
    assert_eq!(count(BitRange::bits(4, 11))?, 8);
    assert_eq!(count(BitRange::bits(6, 9))?, 4);
    assert_eq!(count(BitRange::bits(-13, -10))?, 1);
    assert_eq!(count(BitRange::bits(-5, -1))?, 0);
    assert_eq!(count(BitRange::bits(-100, 100))?, 12);
    // Byte ranges: clamped into the string.
    assert_eq!(count(BitRange::bytes(0, 100))?, 12);
    assert_eq!(count(BitRange::bytes(-3, -1))?, 12);
    assert_eq!(count(BitRange::bytes(2, 1))?, 0);
    // Both negative and start > end: empty; both clamped to 0 otherwise.
    assert_eq!(count(BitRange::bytes(-1, -3))?, 0);
    assert_eq!(count(BitRange::bytes(-100, -200))?, 0);
    assert_eq!(count(BitRange::bytes(-200, -100))?, 8);
    assert_eq!(count(BitRange::bits(-1, -3))?, 0);

    assert_eq!(store.bitcount("missing", None)?, 0);
    assert_eq!(store.bitcount("missing", Some(BitRange::bytes(0, -1)))?, 0);
    store.set("empty", "")?;
    assert_eq!(store.bitcount("empty", None)?, 0);
    assert_eq!(store.bitcount("empty", Some(BitRange::bits(0, -1)))?, 0);
    Ok(())
}

#[test]
fn bit_units_parse_case_insensitively() -> keyp::Result<()> {
    assert_eq!(BitUnit::parse(b"BYTE")?, BitUnit::Byte);
    assert_eq!(BitUnit::parse(b"bit")?, BitUnit::Bit);
    assert_eq!(BitUnit::parse(b"Bit")?, BitUnit::Bit);
    assert_eq!(BitUnit::default(), BitUnit::Byte);
    assert!(matches!(BitUnit::parse(b"bits"), Err(Error::Syntax)));
    Ok(())
}

#[test]
fn bitpos_docs_example() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.set("mykey", b"\xff\xf0\x00")?;
    assert_eq!(store.bitpos("mykey", false, None)?, 12);
    store.set("mykey", b"\x00\xff\xf0")?;
    assert_eq!(
        store.bitpos("mykey", true, Some(BitPosRange::from_start(0)))?,
        8
    );
    assert_eq!(
        store.bitpos("mykey", true, Some(BitPosRange::from_start(2)))?,
        16
    );
    assert_eq!(
        store.bitpos("mykey", true, Some(BitPosRange::bytes(2, -1)))?,
        16
    );
    assert_eq!(
        store.bitpos("mykey", true, Some(BitPosRange::bits(7, 15)))?,
        8
    );
    store.set("mykey", b"\x00\x00\x00")?;
    assert_eq!(store.bitpos("mykey", true, None)?, -1);
    assert_eq!(
        store.bitpos("mykey", true, Some(BitPosRange::bits(7, -3)))?,
        -1
    );
    Ok(())
}

#[test]
fn bitpos_bit_ranges_cross_bytes() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.set("k", b"\x00\xff\xf0")?;
    let pos = |bit, range| store.bitpos("k", bit, Some(range));
    assert_eq!(pos(false, BitPosRange::bits(8, 20))?, 20);
    assert_eq!(pos(true, BitPosRange::bits(3, 9))?, 8);
    assert_eq!(pos(false, BitPosRange::bits(9, 14))?, -1);
    assert_eq!(pos(true, BitPosRange::bits(17, 100))?, 17);
    assert_eq!(pos(false, BitPosRange::bits(-4, -1))?, 20);
    assert_eq!(pos(true, BitPosRange::from_start(-1))?, 16);
    assert_eq!(pos(false, BitPosRange::from_start(1))?, 20);
    assert_eq!(pos(false, BitPosRange::bytes(1, 1))?, -1);
    assert_eq!(pos(false, BitPosRange::bytes(2, 1))?, -1);
    Ok(())
}

#[test]
fn bitpos_special_cases() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.set("ones", b"\xff\xff\xff")?;
    let pos = |bit, range| store.bitpos("ones", bit, range);
    // Looking for 0 without an explicit end: the first bit after the string.
    assert_eq!(pos(false, None)?, 24);
    assert_eq!(pos(false, Some(BitPosRange::from_start(1)))?, 24);
    // With an explicit end: none in the range.
    assert_eq!(pos(false, Some(BitPosRange::bytes(0, -1)))?, -1);
    assert_eq!(pos(false, Some(BitPosRange::bits(0, 23)))?, -1);
    assert_eq!(pos(true, Some(BitPosRange::from_start(-1)))?, 16);
    assert_eq!(pos(true, Some(BitPosRange::from_start(100)))?, -1);
    // A missing key is endless zeros; an existing empty string holds no bit at all.
    assert_eq!(store.bitpos("missing", true, None)?, -1);
    assert_eq!(store.bitpos("missing", false, None)?, 0);
    assert_eq!(
        store.bitpos("missing", false, Some(BitPosRange::bytes(5, 6)))?,
        0
    );
    store.set("empty", "")?;
    assert_eq!(store.bitpos("empty", false, None)?, -1);
    assert_eq!(store.bitpos("empty", true, None)?, -1);
    assert_eq!(
        store.bitpos("empty", false, Some(BitPosRange::from_start(0)))?,
        -1
    );
    Ok(())
}

#[test]
fn bitpos_bit_argument_parses_only_0_and_1() -> keyp::Result<()> {
    assert!(!parse_bitpos_bit(b"0")?);
    assert!(parse_bitpos_bit(b"1")?);
    assert!(matches!(parse_bitpos_bit(b"2"), Err(Error::BitposBit)));
    assert!(matches!(parse_bitpos_bit(b"-1"), Err(Error::BitposBit)));
    assert!(matches!(parse_bitpos_bit(b"x"), Err(Error::NotInteger)));
    assert_eq!(
        Error::BitposBit.to_string(),
        "ERR The bit argument must be 1 or 0."
    );
    Ok(())
}

#[test]
fn bitop_docs_example_and_each_operation() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.set("key1", "foobar")?;
    store.set("key2", "abcdef")?;
    assert_eq!(store.bitop(BitOp::And, "dest", &["key1", "key2"])?, 6);
    assert_eq!(value(&store, "dest")?, Some(b"`bc`ab".to_vec()));
    assert_eq!(store.bitop(BitOp::Or, "dest", &["key1", "key2"])?, 6);
    assert_eq!(value(&store, "dest")?, Some(b"goofev".to_vec()));
    assert_eq!(store.bitop(BitOp::Xor, "dest", &["key1", "key2"])?, 6);
    assert_eq!(
        value(&store, "dest")?,
        Some(b"\x07\x0d\x0c\x06\x04\x14".to_vec())
    );
    Ok(())
}

#[test]
fn bitop_zero_fills_short_and_missing_sources() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.set("short", b"\xf0")?;
    store.set("long", b"\x0f\x0f\x0f")?;
    assert_eq!(store.bitop(BitOp::And, "d", &["short", "long"])?, 3);
    assert_eq!(value(&store, "d")?, Some(vec![0, 0, 0]));
    assert_eq!(store.bitop(BitOp::Or, "d", &["short", "long"])?, 3);
    assert_eq!(value(&store, "d")?, Some(vec![0xff, 0x0f, 0x0f]));
    assert_eq!(
        store.bitop(BitOp::Xor, "d", &["short", "long", "missing"])?,
        3
    );
    assert_eq!(value(&store, "d")?, Some(vec![0xff, 0x0f, 0x0f]));
    assert_eq!(store.bitop(BitOp::And, "d", &["long", "missing"])?, 3);
    assert_eq!(value(&store, "d")?, Some(vec![0, 0, 0]));
    assert_eq!(store.bitop(BitOp::Not, "d", &["short"])?, 1);
    assert_eq!(value(&store, "d")?, Some(vec![0x0f]));
    // The destination may be a source.
    assert_eq!(store.bitop(BitOp::Not, "long", &["long"])?, 3);
    assert_eq!(value(&store, "long")?, Some(vec![0xf0, 0xf0, 0xf0]));
    Ok(())
}

#[test]
fn bitop_empty_result_deletes_dest_and_writes_replace_it() -> keyp::Result<()> {
    let (_dir, store, _clock) = open_with_clock()?;
    store.set("d", "v")?;
    assert_eq!(store.bitop(BitOp::And, "d", &["missing1", "missing2"])?, 0);
    assert_eq!(store.exists(&["d"])?, 0);
    store.set("d", "v")?;
    assert_eq!(store.bitop(BitOp::Not, "d", &["missing"])?, 0);
    assert_eq!(store.exists(&["d"])?, 0);
    store.set("e", "")?;
    store.set("d", "v")?;
    assert_eq!(store.bitop(BitOp::Or, "d", &["e"])?, 0);
    assert_eq!(store.exists(&["d"])?, 0);

    store.set("s1", "foobar")?;
    store.set("d", "x")?;
    store.expire("d", 100, ExpireCondition::Always)?;
    assert_eq!(store.bitop(BitOp::Or, "d", &["s1"])?, 6);
    assert_eq!(store.ttl("d")?, Ttl::Persistent);
    assert_eq!(value(&store, "d")?, Some(b"foobar".to_vec()));
    Ok(())
}

#[test]
fn bitop_not_takes_exactly_one_source() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.set("a", "a")?;
    let none: [&str; 0] = [];
    assert!(matches!(
        store.bitop(BitOp::Not, "d", &["a", "a"]),
        Err(Error::BitopNotSingleSource)
    ));
    assert!(matches!(
        store.bitop(BitOp::Not, "d", &none),
        Err(Error::BitopNotSingleSource)
    ));
    assert_eq!(store.exists(&["d"])?, 0);
    assert_eq!(
        Error::BitopNotSingleSource.to_string(),
        "ERR BITOP NOT must be called with a single source key."
    );
    Ok(())
}

#[test]
fn bitop_names_parse_case_insensitively() -> keyp::Result<()> {
    assert_eq!(BitOp::parse(b"AND")?, BitOp::And);
    assert_eq!(BitOp::parse(b"or")?, BitOp::Or);
    assert_eq!(BitOp::parse(b"XoR")?, BitOp::Xor);
    assert_eq!(BitOp::parse(b"not")?, BitOp::Not);
    assert!(matches!(BitOp::parse(b"foo"), Err(Error::Syntax)));
    Ok(())
}
