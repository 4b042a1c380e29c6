//! SCAN and KEYS.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use keyp::{Bytes, Error, ExpireCondition, KeyType, ScanOptions, Store};

use super::{open, open_with_clock, sorted};

/// Runs a full scan; returns every key with how many times it came back, and the call count.
fn full_scan(store: &Store, options: &ScanOptions) -> keyp::Result<(HashMap<Bytes, usize>, usize)> {
    let (mut cursor, mut calls, mut seen) = (0, 0, HashMap::new());
    loop {
        let (next, keys) = store.scan(cursor, options)?;
        calls += 1;
        for key in keys {
            *seen.entry(key).or_insert(0) += 1;
        }
        if next == 0 {
            return Ok((seen, calls));
        }
        cursor = next;
    }
}

#[test]
fn scan_of_an_empty_database() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    assert_eq!(store.scan(0, &ScanOptions::new())?, (0, vec![]));
    assert_eq!(store.scan(12345, &ScanOptions::new())?, (0, vec![]));
    assert_eq!(store.keys("*")?, Vec::<Bytes>::new());
    Ok(())
}

#[test]
fn scan_returns_every_key_once_count_entries_at_a_time() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    for i in 0..100 {
        store.set(format!("k{i}"), "v")?;
    }
    store.select(1)?.set("other-db", "v")?;
    for count in [1usize, 7, 10, 100, 1000] {
        let options = ScanOptions::new().count(count);
        let (seen, calls) = full_scan(&store, &options)?;
        assert_eq!(seen.len(), 100);
        assert!(seen.values().all(|&n| n == 1));
        assert_eq!(calls, 100usize.div_ceil(count), "count {count}");
    }
    // The default COUNT is 10.
    let (first_cursor, first) = store.scan(0, &ScanOptions::new())?;
    assert_eq!(first.len(), 10);
    assert_ne!(first_cursor, 0);
    // Cursors increase: they are hashes, visited in order.
    let mut cursor = 0;
    loop {
        let (next, _) = store.scan(cursor, &ScanOptions::new().count(3))?;
        if next == 0 {
            break;
        }
        assert!(next > cursor);
        cursor = next;
    }
    // A cursor past every hash ends the scan at once.
    assert_eq!(store.scan(u64::MAX, &ScanOptions::new())?.1.len(), 0);
    Ok(())
}

#[test]
fn scan_count_zero_is_a_syntax_error() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    let err = store.scan(0, &ScanOptions::new().count(0)).unwrap_err();
    assert!(matches!(err, Error::Syntax));
    assert_eq!(err.to_string(), "ERR syntax error");
    Ok(())
}

#[test]
fn scan_match_and_type_filters() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    for i in 0..30 {
        store.set(format!("user:{i}"), "v")?;
        store.set(format!("order:{i}"), "v")?;
    }
    let users = ScanOptions::new().pattern("user:*").count(7);
    let (seen, _) = full_scan(&store, &users)?;
    assert_eq!(seen.len(), 30);
    assert!(seen.keys().all(|k| k.starts_with(b"user:")));
    // Filtering happens after visiting: calls may come back empty but the scan goes on.
    let (seen, calls) = full_scan(&store, &ScanOptions::new().pattern("user:1?").count(5))?;
    assert_eq!(seen.len(), 10);
    assert_eq!(calls, 12);
    let strings = ScanOptions::new().key_type(KeyType::String).count(1000);
    assert_eq!(store.scan(0, &strings)?.1.len(), 60);
    for other in [
        KeyType::List,
        KeyType::Hash,
        KeyType::Set,
        KeyType::ZSet,
        KeyType::Stream,
    ] {
        let options = ScanOptions::new().key_type(other).count(1000);
        assert_eq!(store.scan(0, &options)?, (0, vec![]));
    }
    let both = ScanOptions::new()
        .pattern("order:2*")
        .key_type(KeyType::String)
        .count(1000);
    assert_eq!(store.scan(0, &both)?.1.len(), 11);
    Ok(())
}

#[test]
fn the_empty_key_and_the_star_pattern() -> keyp::Result<()> {
    // Redis skips matching for "*" only; no other pattern but "" matches the empty key.
    let (_dir, store) = open()?;
    store.mset(&[("", "empty"), ("a", "1")])?;
    assert_eq!(sorted(store.keys("*")?), ["", "a"]);
    assert_eq!(store.keys("**")?, ["a"]);
    assert_eq!(store.keys("?")?, ["a"]);
    assert_eq!(store.keys("")?, [""]);
    let all = ScanOptions::new().pattern("*").count(100);
    assert_eq!(sorted(store.scan(0, &all)?.1), ["", "a"]);
    let stars = ScanOptions::new().pattern("**").count(100);
    assert_eq!(store.scan(0, &stars)?.1, ["a"]);
    Ok(())
}

#[test]
fn keys_patterns() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    let names = [
        "hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "h[llo", "h\\llo",
    ];
    for name in names {
        store.set(name, "v")?;
    }
    let cases: [(&str, &[&str]); 12] = [
        (
            "h?llo",
            &["h*llo", "h[llo", "h\\llo", "hallo", "hello", "hxllo"],
        ),
        (
            "h*llo",
            &[
                "h*llo", "h[llo", "h\\llo", "hallo", "heeeello", "hello", "hllo", "hxllo",
            ],
        ),
        ("h[ae]llo", &["hallo", "hello"]),
        ("h[^e]llo", &["h*llo", "h[llo", "h\\llo", "hallo", "hxllo"]),
        ("h[a-b]llo", &["hallo"]),
        ("h[x-a]llo", &["hallo", "hello", "hxllo"]),
        ("h\\*llo", &["h*llo"]),
        ("h\\[llo", &["h[llo"]),
        ("h\\\\llo", &["h\\llo"]),
        ("h[\\[]llo", &["h[llo"]),
        ("hello", &["hello"]),
        ("nothing*", &[]),
    ];
    for (pattern, expected) in cases {
        assert_eq!(sorted(store.keys(pattern)?), expected, "{pattern}");
    }
    // Only the current database.
    assert_eq!(store.select(1)?.keys("*")?, Vec::<Bytes>::new());
    Ok(())
}

#[test]
fn expired_keys_are_never_returned() -> keyp::Result<()> {
    let (_dir, store, clock) = open_with_clock()?;
    for i in 0..40 {
        store.set(format!("k{i}"), "v")?;
        if i % 2 == 0 {
            store.pexpire(format!("k{i}"), 10, ExpireCondition::Always)?;
        }
    }
    clock.advance(Duration::from_millis(11));
    let (seen, _) = full_scan(&store, &ScanOptions::new().count(3))?;
    assert_eq!(seen.len(), 20);
    assert_eq!(store.keys("k*")?.len(), 20);
    // Expired entries still count as visited: one call with COUNT 40 visits all 40 entries.
    let (cursor, keys) = store.scan(0, &ScanOptions::new().count(40))?;
    assert_eq!((cursor, keys.len()), (0, 20));
    Ok(())
}

#[test]
fn every_key_present_throughout_is_returned_despite_writes() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    let stable: HashSet<Bytes> = (0..2000)
        .map(|i| Bytes::from(format!("stable:{i}")))
        .collect();
    store.transaction(|tx| {
        for key in &stable {
            tx.set(key, "v")?;
        }
        for i in 0..1000 {
            tx.set(format!("doomed:{i}"), "v")?;
        }
        Ok(())
    })?;
    let options = ScanOptions::new().count(37);
    let (mut cursor, mut step, mut seen) = (0, 0, HashMap::new());
    loop {
        let (next, keys) = store.scan(cursor, &options)?;
        for key in keys {
            *seen.entry(key).or_insert(0usize) += 1;
        }
        // Between calls: delete some keys, add others, overwrite some stable ones.
        store.transaction(|tx| {
            for i in 0..12 {
                tx.del(&[format!("doomed:{}", step * 12 + i)])?;
                tx.set(format!("added:{step}:{i}"), "v")?;
            }
            tx.set(format!("stable:{}", step * 7 % 2000), "rewritten")
        })?;
        step += 1;
        if next == 0 {
            break;
        }
        cursor = next;
    }
    for key in &stable {
        assert_eq!(seen.get(key), Some(&1), "{key:?}");
    }
    // Anything else returned did exist at some point.
    for key in seen.keys() {
        assert!(
            key.starts_with(b"stable:")
                || key.starts_with(b"doomed:")
                || key.starts_with(b"added:")
        );
    }
    assert!(seen.values().all(|&n| n == 1));
    Ok(())
}

#[test]
fn a_scan_continues_across_a_reopen() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut all: HashSet<Bytes> = HashSet::new();
    let options = ScanOptions::new().count(25);
    let mut seen = Vec::new();
    let mut cursor;
    {
        let store = Store::open(dir.path())?;
        for i in 0..500 {
            let key = Bytes::from(format!("key:{i}"));
            store.set(&key, "v")?;
            all.insert(key);
        }
        let (next, keys) = store.scan(0, &options)?;
        seen.extend(keys);
        cursor = next;
        let (next, keys) = store.scan(cursor, &options)?;
        seen.extend(keys);
        cursor = next;
    }
    assert_ne!(cursor, 0);
    let store = Store::open(dir.path())?;
    while cursor != 0 {
        let (next, keys) = store.scan(cursor, &options)?;
        seen.extend(keys);
        cursor = next;
    }
    assert_eq!(seen.len(), 500);
    assert_eq!(seen.into_iter().collect::<HashSet<_>>(), all);
    Ok(())
}

#[test]
fn scan_and_keys_inside_a_transaction_see_its_writes() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.set("before", "v")?;
    let (keys, scanned) = store.transaction(|tx| {
        tx.set("during", "v")?;
        tx.del(&["before"])?;
        Ok((tx.keys("*")?, tx.scan(0, &ScanOptions::new())?))
    })?;
    assert_eq!(keys, ["during"]);
    assert_eq!(scanned, (0, vec![Bytes::from("during")]));
    Ok(())
}
