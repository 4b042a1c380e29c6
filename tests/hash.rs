//! Integration tests of the hash commands without field expiry (that is `hash_expire.rs`).
//! Expected values and error texts were checked against redis-server 7.0.15.

use std::sync::Arc;

use keyp::{
    parse_hrandfield_count, Bytes, Error, KeyType, ManualClock, Result, ScanOptions, Store,
    StoreOptions,
};

const NOW_MS: u64 = 1_700_000_000_000;

fn open() -> Result<(tempfile::TempDir, Store)> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(NOW_MS));
    let store = StoreOptions::new().clock(clock).open(dir.path())?;
    Ok((dir, store))
}

fn b(text: impl AsRef<[u8]>) -> Bytes {
    Bytes::copy_from_slice(text.as_ref())
}

fn pairs(list: &[(&str, &str)]) -> Vec<(Bytes, Bytes)> {
    let mut out: Vec<(Bytes, Bytes)> = list.iter().map(|(f, v)| (b(f), b(v))).collect();
    out.sort();
    out
}

fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items
}

fn error_text<T: std::fmt::Debug>(result: Result<T>) -> String {
    match result {
        Err(error) => error.to_string(),
        Ok(value) => panic!("expected an error, got {value:?}"),
    }
}

#[test]
fn hset_counts_new_fields_and_the_last_value_wins() -> Result<()> {
    let (_dir, store) = open()?;
    assert_eq!(store.hset("h", &[("a", "1"), ("b", "2")])?, 2);
    assert_eq!(store.hset("h", &[("a", "3"), ("c", "4"), ("c", "5")])?, 1);
    assert_eq!(
        sorted(store.hgetall("h")?),
        pairs(&[("a", "3"), ("b", "2"), ("c", "5")])
    );
    assert_eq!(store.hlen("h")?, 3);
    assert_eq!(store.key_type("h")?, Some(KeyType::Hash));
    // No pairs: nothing is created.
    let none: [(&str, &str); 0] = [];
    assert_eq!(store.hset("empty", &none)?, 0);
    assert_eq!(store.exists(&["empty"])?, 0);
    Ok(())
}

#[test]
fn hmset_hsetnx_hget_hmget() -> Result<()> {
    let (_dir, store) = open()?;
    store.hmset("h2", &[("a", "1"), ("b", "2")])?;
    assert_eq!(
        store.hmget("h2", &["a", "x", "b"])?,
        [Some(b("1")), None, Some(b("2"))]
    );
    assert_eq!(store.hmget("nokey", &["a", "b"])?, [None, None]);
    assert_eq!(store.hget("h2", "a")?, Some(b("1")));
    assert_eq!(store.hget("h2", "x")?, None);
    assert_eq!(store.hget("nokey", "a")?, None);
    assert!(!store.hsetnx("h2", "a", "x")?);
    assert_eq!(store.hget("h2", "a")?, Some(b("1")));
    assert!(store.hsetnx("h2", "c", "3")?);
    assert!(store.hsetnx("nk", "f", "v")?);
    assert_eq!(store.hgetall("nk")?, pairs(&[("f", "v")]));
    Ok(())
}

#[test]
fn hstrlen_hexists_hlen() -> Result<()> {
    let (_dir, store) = open()?;
    store.hset("h", &[("a", "1"), ("b", "hello"), ("", "")])?;
    assert_eq!(store.hstrlen("h", "b")?, 5);
    assert_eq!(store.hstrlen("h", "")?, 0);
    assert_eq!(store.hstrlen("h", "x")?, 0);
    assert_eq!(store.hstrlen("nokey", "x")?, 0);
    assert!(store.hexists("h", "")?);
    assert!(store.hexists("h", "a")?);
    assert!(!store.hexists("h", "z")?);
    assert!(!store.hexists("nokey", "a")?);
    assert_eq!(store.hlen("h")?, 3);
    assert_eq!(store.hlen("nokey")?, 0);
    Ok(())
}

#[test]
fn hdel_counts_each_field_once_and_an_emptied_hash_disappears() -> Result<()> {
    let (_dir, store) = open()?;
    store.hset("d", &[("a", "1"), ("b", "2")])?;
    assert_eq!(store.hdel("d", &["x"])?, 0);
    assert_eq!(store.hdel("d", &["a", "a", "b"])?, 2);
    assert_eq!(store.exists(&["d"])?, 0);
    assert_eq!(store.key_type("d")?, None);
    assert_eq!(store.hlen("d")?, 0);
    assert_eq!(store.hdel("d", &["a"])?, 0);
    assert_eq!(store.dbsize()?, 0);
    // The name can hold a new hash (or anything else) afterwards.
    assert_eq!(store.hset("d", &[("c", "3")])?, 1);
    assert_eq!(store.hgetall("d")?, pairs(&[("c", "3")]));
    Ok(())
}

#[test]
fn hkeys_hvals_and_hgetall_agree() -> Result<()> {
    let (_dir, store) = open()?;
    let list: Vec<(String, String)> = (0..300)
        .map(|i| (format!("f{i}"), format!("v{i}")))
        .collect();
    store.hset("big", &list)?;
    let all = store.hgetall("big")?;
    let keys = store.hkeys("big")?;
    let vals = store.hvals("big")?;
    assert_eq!(all.len(), 300);
    assert_eq!(keys, all.iter().map(|(f, _)| f.clone()).collect::<Vec<_>>());
    assert_eq!(vals, all.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>());
    let expected: Vec<(Bytes, Bytes)> = list.iter().map(|(f, v)| (b(f), b(v))).collect();
    assert_eq!(sorted(all), sorted(expected));
    assert!(store.hkeys("nokey")?.is_empty());
    assert!(store.hvals("nokey")?.is_empty());
    Ok(())
}

#[test]
fn hincr_by_follows_redis() -> Result<()> {
    let (_dir, store) = open()?;
    assert_eq!(store.hincr_by("h", "n", 5)?, 5);
    assert_eq!(store.hincr_by("h", "n", -7)?, -2);
    assert_eq!(store.hget("h", "n")?, Some(b("-2")));
    store.hset(
        "h",
        &[("i", "0"), ("space", " 1"), ("big", "9223372036854775807")],
    )?;
    assert_eq!(store.hincr_by("h", "i", i64::MIN)?, i64::MIN);
    assert!(matches!(store.hincr_by("h", "i", -1), Err(Error::Overflow)));
    assert!(matches!(
        store.hincr_by("h", "big", 1),
        Err(Error::Overflow)
    ));
    assert_eq!(
        error_text(store.hincr_by("h", "space", 1)),
        "ERR hash value is not an integer"
    );
    for bad in ["01", "+1", "1.0", "", "x"] {
        store.hset("h", &[("bad", bad)])?;
        assert!(matches!(
            store.hincr_by("h", "bad", 1),
            Err(Error::HashValueNotInteger)
        ));
    }
    // Failed increments change nothing.
    assert_eq!(store.hget("h", "big")?, Some(b("9223372036854775807")));
    assert_eq!(store.hget("h", "i")?, Some(b("-9223372036854775808")));
    Ok(())
}

#[test]
fn hincr_by_float_follows_redis_long_double_arithmetic() -> Result<()> {
    let (_dir, store) = open()?;
    assert_eq!(store.hincr_by_float("h", "n", "0.1")?, "0.1");
    assert_eq!(store.hincr_by_float("h", "n", "0.2")?, "0.3");
    assert_eq!(
        store.hincr_by_float("h", "n", "5.0e3")?,
        "5000.29999999999999982"
    );
    assert_eq!(store.hincr_by_float("h", "n", "-5000.3")?, "0");
    assert_eq!(store.hincr_by_float("h", "z", "1e-5")?, "0.00001");
    store.hset("h", &[("big", "9223372036854775807"), ("m", "1.1e4932")])?;
    assert_eq!(
        store.hincr_by_float("h", "big", "1.5")?,
        "9223372036854775808"
    );
    assert_eq!(
        error_text(store.hincr_by_float("h", "m", "1e4932")),
        "ERR increment would produce NaN or Infinity"
    );
    // An increment past the long double range is not a float at all.
    assert!(matches!(
        store.hincr_by_float("h", "m", "-2.2e4932"),
        Err(Error::NotFloat)
    ));
    assert_eq!(store.hget("h", "m")?, Some(b("1.1e4932")));
    assert_eq!(
        error_text(store.hincr_by_float("h", "m", "abc")),
        "ERR value is not a valid float"
    );
    assert_eq!(
        error_text(store.hincr_by_float("h", "m", "inf")),
        "ERR value is NaN or Infinity"
    );
    assert!(matches!(
        store.hincr_by_float("h", "m", "-inf"),
        Err(Error::ValueNanOrInfinity)
    ));
    store.hset("h", &[("space", " 1")])?;
    assert_eq!(
        error_text(store.hincr_by_float("h", "space", "1")),
        "ERR hash value is not a float"
    );
    // An infinite increment on a missing key creates nothing.
    assert!(store.hincr_by_float("nokey", "f", "inf").is_err());
    assert_eq!(store.exists(&["nokey"])?, 0);
    Ok(())
}

#[test]
fn hrandfield_without_count() -> Result<()> {
    let (_dir, store) = open()?;
    assert_eq!(store.hrandfield("nokey")?, None);
    store.hset("one", &[("only", "v")])?;
    assert_eq!(store.hrandfield("one")?, Some(b("only")));
    let list: Vec<(String, String)> = (0..500).map(|i| (format!("f{i}"), i.to_string())).collect();
    store.hset("big", &list)?;
    store.hset("small", &list[..5])?;
    for key in ["big", "small"] {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let field = store.hrandfield(key)?.ok_or(Error::NoSuchKey)?;
            assert!(store.hexists(key, &field)?);
            seen.insert(field);
        }
        assert!(seen.len() > 4, "{key}: only {} distinct fields", seen.len());
    }
    Ok(())
}

#[test]
fn hrandfield_with_counts() -> Result<()> {
    let (_dir, store) = open()?;
    assert!(store.hrandfield_count("nokey", 3)?.is_empty());
    assert!(store.hrandfield_with_values("nokey", -3)?.is_empty());
    store.hset("h", &[("a", "1"), ("b", "2"), ("c", "3")])?;
    assert!(store.hrandfield_count("h", 0)?.is_empty());
    assert_eq!(
        sorted(store.hrandfield_count("h", 3)?),
        [b("a"), b("b"), b("c")]
    );
    assert_eq!(
        sorted(store.hrandfield_count("h", 100)?),
        [b("a"), b("b"), b("c")]
    );
    let two = store.hrandfield_count("h", 2)?;
    assert_eq!(two.len(), 2);
    assert_ne!(two[0], two[1]);
    let repeated = store.hrandfield_with_values("h", -50)?;
    assert_eq!(repeated.len(), 50);
    let all = pairs(&[("a", "1"), ("b", "2"), ("c", "3")]);
    assert!(repeated.iter().all(|pair| all.contains(pair)));
    assert_eq!(sorted(store.hrandfield_with_values("h", 5)?), all);
    // Large hashes: every strategy (draws, drop-from-all, repeats) stays within the hash.
    let list: Vec<(String, String)> = (0..600)
        .map(|i| (format!("f{i}"), format!("v{i}")))
        .collect();
    store.hset("big", &list)?;
    for count in [1, 10, 150, 250, 599, 600, 601] {
        let got = store.hrandfield_with_values("big", count)?;
        assert_eq!(got.len() as i64, count.min(600), "count {count}");
        let distinct: std::collections::HashSet<_> = got.iter().map(|(f, _)| f.clone()).collect();
        assert_eq!(distinct.len(), got.len(), "count {count}");
        for (field, value) in &got {
            assert_eq!(store.hget("big", field)?.as_ref(), Some(value));
        }
    }
    let repeats = store.hrandfield_count("big", -1000)?;
    assert_eq!(repeats.len(), 1000);
    assert!(repeats.iter().all(|f| f.starts_with(b"f")));
    Ok(())
}

#[test]
fn hrandfield_count_errors_come_before_the_type_check() -> Result<()> {
    let (_dir, store) = open()?;
    store.set("s", "x")?;
    assert_eq!(
        error_text(store.hrandfield_count("s", i64::MIN)),
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
    );
    assert_eq!(
        error_text(store.hrandfield_with_values("s", -i64::MAX)),
        "ERR value is out of range"
    );
    assert_eq!(
        error_text(store.hrandfield_with_values("nokey", -4_611_686_018_427_387_904)),
        "ERR value is out of range"
    );
    assert!(matches!(
        store.hrandfield_count("s", -i64::MAX),
        Err(Error::WrongType)
    ));
    assert_eq!(
        parse_hrandfield_count(b"-4611686018427387903", true)?,
        -4_611_686_018_427_387_903
    );
    assert_eq!(
        parse_hrandfield_count(b"9223372036854775807", true)?,
        i64::MAX
    );
    for bad in [&b"x"[..], b"", b" 1", b"1.5", b"9223372036854775808"] {
        assert!(matches!(
            parse_hrandfield_count(bad, false),
            Err(Error::NotInteger)
        ));
    }
    Ok(())
}

/// Runs a full HSCAN and returns everything it gave, in order.
fn full_scan(store: &Store, key: &str, options: &ScanOptions) -> Result<Vec<(Bytes, Bytes)>> {
    let (mut cursor, mut found) = (0, Vec::new());
    loop {
        let (next, batch) = store.hscan(key, cursor, options)?;
        found.extend(batch);
        if next == 0 {
            return Ok(found);
        }
        assert!(next > cursor, "cursors increase");
        cursor = next;
    }
}

#[test]
fn hscan_visits_every_field_once() -> Result<()> {
    let (_dir, store) = open()?;
    assert_eq!(store.hscan("nokey", 0, &ScanOptions::new())?, (0, vec![]));
    // Options are checked only for an existing hash, as in Redis.
    assert_eq!(
        store.hscan("nokey", 0, &ScanOptions::new().count(0))?,
        (0, vec![])
    );
    let list: Vec<(String, String)> = (0..250)
        .map(|i| (format!("f{i}"), format!("v{i}")))
        .collect();
    store.hset("h", &list)?;
    store.hset("h", &[("", "empty")])?;
    let expected = sorted(store.hgetall("h")?);
    for count in [1, 7, 10, 1000] {
        let found = full_scan(&store, "h", &ScanOptions::new().count(count))?;
        assert_eq!(found.len(), 251, "count {count}");
        assert_eq!(sorted(found), expected);
    }
    let (next, first) = store.hscan("h", 0, &ScanOptions::new())?;
    assert!(next != 0 && (10..=12).contains(&first.len()));
    let matched = full_scan(&store, "h", &ScanOptions::new().pattern("f1?").count(5))?;
    let mut names: Vec<Bytes> = matched.into_iter().map(|(f, _)| f).collect();
    names.sort();
    assert_eq!(
        names,
        (10..20).map(|i| b(format!("f{i}"))).collect::<Vec<_>>()
    );
    // `*` matches everything, the empty field included; other patterns never match it.
    let everything = full_scan(&store, "h", &ScanOptions::new().pattern("*"))?;
    assert_eq!(everything.len(), 251);
    let some = full_scan(&store, "h", &ScanOptions::new().pattern("*1"))?;
    assert!(some.iter().all(|(f, _)| !f.is_empty() && f.ends_with(b"1")));
    // A cursor past every field ends the scan.
    assert_eq!(store.hscan("h", u64::MAX, &ScanOptions::new())?.0, 0);
    Ok(())
}

#[test]
fn hscan_option_errors() -> Result<()> {
    let (_dir, store) = open()?;
    store.hset("h", &[("a", "1")])?;
    assert_eq!(
        error_text(store.hscan("h", 0, &ScanOptions::new().count(0))),
        "ERR syntax error"
    );
    assert_eq!(
        error_text(store.hscan("h", 0, &ScanOptions::new().key_type(KeyType::Hash))),
        "ERR syntax error"
    );
    Ok(())
}

#[test]
fn every_command_refuses_a_key_of_another_type() -> Result<()> {
    let (_dir, store) = open()?;
    store.set("s", "x")?;
    let no_pairs: [(&str, &str); 0] = [];
    let wrong = |result: Result<()>| matches!(result, Err(Error::WrongType));
    assert!(wrong(store.hset("s", &[("f", "v")]).map(drop)));
    assert!(wrong(store.hset("s", &no_pairs).map(drop)));
    assert!(wrong(store.hmset("s", &[("f", "v")])));
    assert!(wrong(store.hsetnx("s", "f", "v").map(drop)));
    assert!(wrong(store.hget("s", "f").map(drop)));
    assert!(wrong(store.hmget("s", &["f"]).map(drop)));
    assert!(wrong(store.hdel("s", &["f"]).map(drop)));
    assert!(wrong(store.hlen("s").map(drop)));
    assert!(wrong(store.hstrlen("s", "f").map(drop)));
    assert!(wrong(store.hexists("s", "f").map(drop)));
    assert!(wrong(store.hkeys("s").map(drop)));
    assert!(wrong(store.hvals("s").map(drop)));
    assert!(wrong(store.hgetall("s").map(drop)));
    assert!(wrong(store.hincr_by("s", "f", 1).map(drop)));
    assert!(wrong(store.hincr_by_float("s", "f", "1").map(drop)));
    assert!(wrong(store.hrandfield("s").map(drop)));
    assert!(wrong(store.hrandfield_count("s", 2).map(drop)));
    assert!(wrong(store.hrandfield_with_values("s", 2).map(drop)));
    assert!(wrong(store.hscan("s", 0, &ScanOptions::new()).map(drop)));
    // An invalid increment is reported before the type, as Redis parses arguments first.
    assert!(matches!(
        store.hincr_by_float("s", "f", "x"),
        Err(Error::NotFloat)
    ));
    assert_eq!(store.get("s")?, Some(b("x")));
    // And the other way round: string commands refuse a hash; SET replaces it.
    store.hset("h", &[("f", "v")])?;
    assert!(matches!(store.get("h"), Err(Error::WrongType)));
    assert!(matches!(store.incr("h"), Err(Error::WrongType)));
    store.set("h", "now a string")?;
    assert_eq!(store.get("h")?, Some(b("now a string")));
    assert_eq!(store.hset("s2", &[("f", "v")])?, 1);
    Ok(())
}

#[test]
fn fields_and_values_of_every_size() -> Result<()> {
    let (_dir, store) = open()?;
    let sizes = [0usize, 600, 1 << 20];
    for (i, &field_len) in sizes.iter().enumerate() {
        for (j, &value_len) in sizes.iter().enumerate() {
            let mut field = vec![b'f'; field_len];
            if let Some(last) = field.last_mut() {
                *last = b'0' + (i * 3 + j) as u8;
            }
            let value = vec![b'0' + j as u8; value_len];
            store.hset("sized", &[(&field, &value)])?;
            assert_eq!(store.hget("sized", &field)?.as_deref(), Some(&value[..]));
            assert_eq!(store.hstrlen("sized", &field)?, value_len as u64);
            assert!(store.hexists("sized", &field)?);
        }
    }
    // 0-byte field: one per value size, the last wins.
    assert_eq!(store.hlen("sized")?, 7);
    let all = store.hgetall("sized")?;
    assert_eq!(all.len(), 7);
    let long_fields: Vec<&(Bytes, Bytes)> =
        all.iter().filter(|(f, _)| f.len() == 1 << 20).collect();
    assert_eq!(long_fields.len(), 3);
    let scanned = full_scan(&store, "sized", &ScanOptions::new().count(1))?;
    assert_eq!(sorted(scanned), sorted(all.clone()));
    let random = store.hrandfield_with_values("sized", 7)?;
    assert_eq!(sorted(random), sorted(all.clone()));
    // Long fields sharing their first 400 bytes stay distinct.
    let mut twin_a = vec![b'x'; 600];
    let mut twin_b = twin_a.clone();
    twin_a[599] = b'a';
    twin_b[599] = b'b';
    store.hset("twins", &[(&twin_a, "a"), (&twin_b, "b")])?;
    assert_eq!(store.hget("twins", &twin_b)?, Some(b("b")));
    assert_eq!(store.hdel("twins", &[&twin_a])?, 1);
    assert_eq!(store.hget("twins", &twin_a)?, None);
    assert_eq!(store.hget("twins", &twin_b)?, Some(b("b")));
    for (field, _) in &all {
        assert_eq!(store.hdel("sized", &[field])?, 1);
    }
    assert_eq!(store.exists(&["sized"])?, 0);
    Ok(())
}

#[test]
fn a_reader_keeps_its_snapshot_while_a_writer_changes_the_hash() -> Result<()> {
    let (_dir, store) = open()?;
    store.hset("h", &[("a", "1"), ("b", "2")])?;
    let writer = store.clone();
    store.read(|r| {
        assert_eq!(r.hget("h", "a")?, Some(b("1")));
        std::thread::scope(|scope| {
            scope
                .spawn(|| -> Result<()> {
                    writer.hset("h", &[("a", "changed"), ("c", "3")])?;
                    writer.hdel("h", &["b"])?;
                    writer.hincr_by("h", "n", 1)?;
                    Ok(())
                })
                .join()
                .map_err(|_| Error::Corrupt("writer panicked"))?
        })?;
        assert_eq!(r.hget("h", "a")?, Some(b("1")));
        assert_eq!(r.hlen("h")?, 2);
        assert_eq!(sorted(r.hgetall("h")?), pairs(&[("a", "1"), ("b", "2")]));
        assert_eq!(r.hscan("h", 0, &ScanOptions::new())?.1.len(), 2);
        Ok(())
    })?;
    assert_eq!(
        sorted(store.hgetall("h")?),
        pairs(&[("a", "changed"), ("c", "3"), ("n", "1")])
    );
    Ok(())
}

#[test]
fn a_failed_transaction_leaves_the_hash_unchanged() -> Result<()> {
    let (_dir, store) = open()?;
    store.hset("h", &[("a", "1")])?;
    let failed: Result<()> = store.transaction(|tx| {
        tx.hset("h", &[("a", "2"), ("b", "2")])?;
        tx.hdel("h", &["a"])?;
        assert_eq!(tx.hgetall("h")?, pairs(&[("b", "2")]));
        tx.hincr_by("h", "b", 1)?;
        tx.hincr_by("h", "b", i64::MAX)?;
        Ok(())
    });
    assert!(matches!(failed, Err(Error::Overflow)));
    assert_eq!(store.hgetall("h")?, pairs(&[("a", "1")]));
    Ok(())
}

#[test]
fn hashes_survive_a_reopen() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let list: Vec<(String, String)> = (0..200)
        .map(|i| (format!("f{i}"), format!("v{i}")))
        .collect();
    {
        let store = Store::open(dir.path())?;
        store.hset("h", &list)?;
        store.hdel("h", &["f0"])?;
        store.select(3)?.hset("other", &[("x", "y")])?;
    }
    let store = Store::open(dir.path())?;
    assert_eq!(store.hlen("h")?, 199);
    assert_eq!(store.hget("h", "f199")?, Some(b("v199")));
    assert_eq!(store.hget("h", "f0")?, None);
    assert_eq!(store.select(3)?.hgetall("other")?, pairs(&[("x", "y")]));
    Ok(())
}

#[test]
fn keyspace_commands_see_hashes() -> Result<()> {
    let (_dir, store) = open()?;
    store.hset("h", &[("a", "1"), ("b", "2")])?;
    store.rename("h", "renamed")?;
    assert_eq!(store.hgetall("renamed")?, pairs(&[("a", "1"), ("b", "2")]));
    assert!(store.copy("renamed", "copy", None, false)?);
    store.hset("copy", &[("a", "changed")])?;
    assert_eq!(store.hget("renamed", "a")?, Some(b("1")));
    assert!(store.move_key("copy", 2)?);
    assert_eq!(store.select(2)?.hget("copy", "a")?, Some(b("changed")));
    assert_eq!(store.del(&["renamed"])?, 1);
    assert_eq!(store.hlen("renamed")?, 0);
    Ok(())
}

#[test]
fn new_error_texts_are_redis_replies() {
    let cases: [(Error, &str); 9] = [
        (
            Error::HashValueNotInteger,
            "ERR hash value is not an integer",
        ),
        (Error::HashValueNotFloat, "ERR hash value is not a float"),
        (Error::ValueNanOrInfinity, "ERR value is NaN or Infinity"),
        (Error::OutOfRange, "ERR value is out of range"),
        (
            Error::OutOfRangeBetween { min: -5, max: 5 },
            "ERR value is out of range, value must between -5 and 5",
        ),
        (
            Error::FieldsArgumentMissing,
            "ERR Mandatory argument FIELDS is missing or not at the right position",
        ),
        (
            Error::NumFieldsNotPositive,
            "ERR Parameter `numFields` should be greater than 0",
        ),
        (
            Error::NumFieldsMismatch,
            "ERR The `numfields` parameter must match the number of arguments",
        ),
        (
            Error::NegativeExpireTime,
            "ERR invalid expire time, must be >= 0",
        ),
    ];
    for (error, text) in cases {
        assert_eq!(error.to_string(), text);
    }
}
