//! HyperLogLog: PFADD, PFCOUNT and PFMERGE. Every count and every value's bytes were taken
//! from redis-server 7.0.15 (`redis-cli --raw GET k | xxd`, or a small RESP client for the
//! large values pinned in `tests/data/hll/`). PFMERGE in `hll/merge.rs`, damaged values and
//! wrong types in `hll/errors.rs`.

#[path = "hll/errors.rs"]
mod errors;
#[path = "hll/merge.rs"]
mod merge;

use std::sync::Arc;

use keyp::{Error, ExpireCondition, KeyType, ManualClock, Result, Store, StoreOptions, Ttl};
use tempfile::TempDir;

/// The clock reading every test starts at (Unix ms, November 2023).
pub const NOW_MS: u64 = 1_700_000_000_000;

/// A fresh store on a manual clock; keep the tempdir alive as long as the store.
pub fn open() -> Result<(TempDir, Store, Arc<ManualClock>)> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(NOW_MS));
    let store = StoreOptions::new().clock(clock.clone()).open(dir.path())?;
    Ok((dir, store, clock))
}

/// Bytes from hex (whitespace ignored).
pub fn unhex(hex: &str) -> Vec<u8> {
    let digits: Vec<u8> = hex.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
        .collect()
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The value at `key` in hex.
pub fn get_hex(store: &Store, key: &str) -> Result<String> {
    Ok(hex(&store.get(key)?.expect("key exists")))
}

/// `prefix0`, `prefix1`, ... `prefix{n-1}`.
pub fn elements(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

/// The letters a to z, one element each.
pub fn letters() -> Vec<String> {
    (b'a'..=b'z').map(|c| char::from(c).to_string()).collect()
}

/// The header of a fresh HyperLogLog whose cache is stale, then XZERO:16384.
pub const EMPTY_STALE: &str = "48594c4c0100000000000000000000807fff";

/// The letters a..z as Redis stores them (sparse, cache stale) ...
pub const LETTERS: &str = "48594c4c01000000000000000000008044458c42268040898846e89441758440ec840e8040c484449094446680426280443c843880408f8041ac8047d18043b08042ed8441fc8c43938443188840df80426d8041d080407e8408";
/// ... and after PFCOUNT stored their count, 25, in the cache.
pub const LETTERS_COUNTED: &str = "48594c4c01000000190000000000000044458c42268040898846e89441758440ec840e8040c484449094446680426280443c843880408f8041ac8047d18043b08042ed8441fc8c43938443188840df80426d8041d080407e8408";

/// `d:0` .. `d:4999`, as Redis stores them: dense (it turned dense at the 1,683rd element),
/// cache stale.
pub const DENSE_5000: &str = include_str!("data/hll/dense_5000.hex");

#[test]
fn pfadd_creates_the_key_and_reports_register_changes() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    // A missing key is created, even with no elements: 1 as in Redis, cache marked stale.
    assert!(store.pfadd("h", &[] as &[&str])?);
    assert_eq!(get_hex(&store, "h")?, EMPTY_STALE);
    assert!(!store.pfadd("h", &[] as &[&str])?);
    assert_eq!(store.pfcount(&["h"])?, 0);
    assert!(store.pfadd("pages", &["/", "/about", "/"])?);
    assert!(!store.pfadd("pages", &["/about"])?);
    assert_eq!(store.pfcount(&["pages"])?, 2);
    // The empty element hashes like any other.
    assert!(store.pfadd("e", &[""])?);
    assert_eq!(store.pfcount(&["e"])?, 1);
    // It is a string: TYPE, STRLEN, GET.
    assert_eq!(store.key_type("pages")?, Some(KeyType::String));
    assert!(store.get("pages")?.unwrap().starts_with(b"HYLL\x01"));
    Ok(())
}

#[test]
fn small_sets_count_exactly_as_redis() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    // (elements, PFCOUNT, length of the value) from redis-server 7.0.15.
    let cases = [
        ("letters", letters(), 25, 90),
        ("num100", elements("", 100), 100, 287),
        ("user1000", elements("user:", 1000), 1007, 1910),
        ("e10000", elements("e:", 10_000), 10_077, 12_304),
        ("item100000", elements("item:", 100_000), 100_310, 12_304),
    ];
    for (key, members, count, len) in cases {
        store.pfadd(key, &members)?;
        assert_eq!(store.pfcount(&[key])?, count, "{key}");
        assert_eq!(store.strlen(key)?, len, "{key}");
        // The cached count answers the same.
        assert_eq!(store.pfcount(&[key])?, count, "{key}");
        assert!(!store.pfadd(key, &members[..10])?, "{key}");
    }
    Ok(())
}

#[test]
fn a_million_distinct_elements_count_within_two_percent() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    let members = elements("element:", 1_000_000);
    store.transaction(|tx| {
        for batch in members.chunks(250_000) {
            tx.pfadd("million", batch)?;
        }
        Ok(())
    })?;
    let count = store.pfcount(&["million"])?;
    assert!((count as f64 - 1e6).abs() < 0.02 * 1e6, "{count}");
    // Redis 7.0.15 counts the same elements as exactly this.
    assert_eq!(count, 1_010_357);
    Ok(())
}

#[test]
fn a_sparse_value_is_byte_for_byte_redis() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    store.pfadd("letters", &letters())?;
    assert_eq!(get_hex(&store, "letters")?, LETTERS);
    assert_eq!(store.pfcount(&["letters"])?, 25);
    assert_eq!(get_hex(&store, "letters")?, LETTERS_COUNTED);
    // Redis's bytes written with SET count the same and take further elements the same way.
    store.set("copy", unhex(LETTERS))?;
    assert_eq!(store.pfcount(&["copy"])?, 25);
    assert_eq!(get_hex(&store, "copy")?, LETTERS_COUNTED);
    assert!(!store.pfadd("copy", &letters())?);
    store.set("copy", unhex(EMPTY_STALE))?;
    assert!(store.pfadd("copy", &letters())?);
    assert_eq!(get_hex(&store, "copy")?, LETTERS);
    Ok(())
}

#[test]
fn a_dense_value_is_byte_for_byte_redis() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    store.pfadd("d", &elements("d:", 5000))?;
    assert_eq!(get_hex(&store, "d")?, DENSE_5000);
    assert_eq!(store.pfcount(&["d"])?, 4954);
    // The count, 4954 = 0x135a, is now cached, little-endian.
    let counted = get_hex(&store, "d")?;
    assert_eq!(&counted[..32], "48594c4c000000005a13000000000000");
    assert_eq!(&counted[32..], &DENSE_5000[32..]);
    store.set("copy", unhex(DENSE_5000))?;
    assert_eq!(store.pfcount(&["copy"])?, 4954);
    assert_eq!(get_hex(&store, "copy")?, counted);
    // The value turns dense exactly where Redis's does: at the 1,683rd element.
    let grow = elements("d:", 1683);
    store.pfadd("grow", &grow[..1682])?;
    assert_eq!(store.get("grow")?.unwrap()[4], 1);
    store.pfadd("grow", &grow[1682..])?;
    assert_eq!(store.strlen("grow")?, 12_304);
    assert_eq!(store.get("grow")?.unwrap()[4], 0);
    Ok(())
}

#[test]
fn pfcount_of_several_keys_counts_the_union_and_writes_nothing() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    store.pfadd("letters", &letters())?;
    store.pfadd("num100", &elements("", 100))?;
    store.pfadd("d5000", &elements("d:", 5000))?;
    assert_eq!(store.pfcount(&["letters", "num100"])?, 125);
    assert_eq!(
        store.pfcount(&["letters", "num100", "d5000", "nokey"])?,
        5076
    );
    assert_eq!(store.pfcount(&["nokey", "nokey2"])?, 0);
    assert_eq!(store.pfcount(&[] as &[&str])?, 0);
    // The same key twice is a union too, and the caches stay stale.
    assert_eq!(store.pfcount(&["letters", "letters"])?, 25);
    assert_eq!(get_hex(&store, "letters")?, LETTERS);
    store.transaction(|tx| {
        assert_eq!(tx.pfcount(&["letters", "num100"])?, 125);
        Ok(())
    })?;
    assert_eq!(get_hex(&store, "letters")?, LETTERS);
    Ok(())
}

#[test]
fn pfcount_stores_a_refreshed_cache_only_in_a_write_transaction() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    store.pfadd("letters", &letters())?;
    // A read transaction counts but cannot store the cache.
    assert_eq!(store.read(|r| r.pfcount(&["letters"]))?, 25);
    assert_eq!(get_hex(&store, "letters")?, LETTERS);
    // A write transaction stores it, as Redis does; WATCH sees that as a change.
    let watch = store.watch(&["letters"]);
    assert_eq!(store.transaction(|tx| tx.pfcount(&["letters"]))?, 25);
    assert_eq!(get_hex(&store, "letters")?, LETTERS_COUNTED);
    assert!(watch.changed());
    // A valid cache is answered without a write.
    let watch = store.watch(&["letters"]);
    assert_eq!(store.pfcount(&["letters"])?, 25);
    assert_eq!(store.read(|r| r.pfcount(&["letters"]))?, 25);
    assert!(!watch.changed());
    // A change marks the cache stale (top bit of byte 15) and keeps the old count bits.
    assert!(store.pfadd("letters", &["new"])?);
    assert_eq!(&get_hex(&store, "letters")?[16..32], "1900000000000080");
    assert_eq!(store.pfcount(&["letters"])?, 26);
    Ok(())
}

#[test]
fn writes_keep_the_deadline_and_an_expired_key_starts_empty() -> Result<()> {
    let (_dir, store, clock) = open()?;
    store.pfadd("h", &["a"])?;
    store.expire("h", 100, ExpireCondition::Always)?;
    store.pfadd("h", &["b"])?;
    assert_eq!(store.pfcount(&["h"])?, 2);
    store.pfmerge("h", &["nokey"])?;
    assert_eq!(
        store.ttl("h")?,
        Ttl::ExpiresIn(std::time::Duration::from_secs(100))
    );
    clock.advance(std::time::Duration::from_secs(101));
    assert_eq!(store.pfcount(&["h"])?, 0);
    assert!(store.pfadd("h", &["a"])?);
    assert_eq!(store.ttl("h")?, Ttl::Persistent);
    assert_eq!(store.pfcount(&["h"])?, 1);
    Ok(())
}

#[test]
fn values_turn_raw_as_redis_unshares_them() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    // Redis creates HyperLogLogs as "raw" strings.
    store.pfadd("h", &["a"])?;
    assert_eq!(store.object_encoding("h")?, Some("raw"));
    // A short one written with SET is "embstr"; PFADD and single-key PFCOUNT unshare it
    // into a "raw" string even when they change nothing, the union PFCOUNT does not.
    let empty_counted = "48594c4c0100000000000000000000007fff";
    for (touch, raw) in [(0, false), (1, true), (2, true), (3, true)] {
        store.set("e", unhex(empty_counted))?;
        assert_eq!(store.object_encoding("e")?, Some("embstr"));
        let watch = store.watch(&["e"]);
        match touch {
            0 => assert_eq!(store.pfcount(&["e", "e"])?, 0),
            1 => assert_eq!(store.pfcount(&["e"])?, 0),
            2 => assert!(!store.pfadd("e", &[] as &[&str])?),
            _ => store.pfmerge("e", &[] as &[&str])?,
        }
        let expected = if raw { "raw" } else { "embstr" };
        assert_eq!(store.object_encoding("e")?, Some(expected), "{touch}");
        // Unsharing is no change for WATCH; PFMERGE is.
        assert_eq!(watch.changed(), touch == 3, "{touch}");
        assert_eq!(store.get("e")?.unwrap().len(), 18);
    }
    Ok(())
}

/// A dense value whose 16,384 registers are `registers`, with a stale cache.
pub fn dense_with(registers: impl Fn(usize) -> u8) -> Vec<u8> {
    let mut packed = vec![0u8; 12_289];
    for index in 0..16_384 {
        let value = u16::from(registers(index));
        let (byte, shift) = (index * 6 / 8, index * 6 % 8);
        packed[byte] |= (value << shift) as u8;
        packed[byte + 1] |= (value >> (8 - shift)) as u8;
    }
    let mut value = b"HYLL\0\0\0\0\0\0\0\0\0\0\0\x80".to_vec();
    value.extend_from_slice(&packed[..12_288]);
    value
}

#[test]
fn crafted_registers_count_as_redis_even_past_i64() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    // (register value of every register, redis-server 7.0.15's PFCOUNT). Redis replies
    // -9223372036854775808 where the estimate leaves the i64 range: the same 64 bits.
    let overflow = i64::MIN as u64;
    let cases: [(u8, u64); 8] = [
        (1, 23_637),
        (32, 50_760_319_129_350),
        (33, 101_520_638_258_700),
        (40, 12_994_641_697_113_596),
        (50, overflow),
        (51, overflow),
        (52, overflow),
        (63, overflow),
    ];
    for (register, count) in cases {
        store.set("k", dense_with(|_| register))?;
        assert_eq!(store.pfcount(&["k", "nokey"])?, count, "{register}");
        assert_eq!(store.pfcount(&["k"])?, count, "{register}");
    }
    // A count with its top bit set cannot be cached: the cache stays stale.
    assert!(store.get("k")?.unwrap()[15] & 0x80 != 0);
    store.set("k", dense_with(|i| if i < 8192 { 51 } else { 0 }))?;
    assert_eq!(store.pfcount(&["k"])?, 13_268);
    store.set("k", dense_with(|i| if i == 0 { 51 } else { 0 }))?;
    assert_eq!(store.pfcount(&["k"])?, 1);
    Ok(())
}

#[test]
fn the_two_errors_carry_redis_texts() {
    // The two HyperLogLog errors carry Redis's exact reply texts.
    assert_eq!(
        Error::NotHyperLogLog.to_string(),
        "WRONGTYPE Key is not a valid HyperLogLog string value."
    );
    assert_eq!(
        Error::CorruptHyperLogLog.to_string(),
        "INVALIDOBJ Corrupted HLL object detected"
    );
}
