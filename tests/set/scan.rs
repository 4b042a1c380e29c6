//! SSCAN.

use keyp::{Bytes, Error, KeyType, ScanOptions, Store};

use super::{is_wrongtype, open, sorted};

/// Runs a full SSCAN; also returns how many calls it took.
fn full_scan(store: &Store, key: &str, options: &ScanOptions) -> keyp::Result<(Vec<Bytes>, usize)> {
    let (mut cursor, mut found, mut calls) = (0, Vec::new(), 0);
    loop {
        let (next, batch) = store.sscan(key, cursor, options)?;
        calls += 1;
        found.extend(batch);
        if next == 0 {
            return Ok((found, calls));
        }
        cursor = next;
    }
}

#[test]
fn sscan_visits_every_member_once_count_at_a_time() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    let members: Vec<String> = (0..100).map(|i| format!("m{i}")).collect();
    store.sadd("s", &members)?;
    let (found, calls) = full_scan(&store, "s", &ScanOptions::new())?;
    assert_eq!(found, store.smembers("s")?);
    assert_eq!(calls, 10);
    let (found, calls) = full_scan(&store, "s", &ScanOptions::new().count(30))?;
    assert_eq!(found.len(), 100);
    assert_eq!(calls, 4);
    let (next, batch) = store.sscan("s", 0, &ScanOptions::new().count(1))?;
    assert_eq!(batch.len(), 1);
    assert_ne!(next, 0);
    // A cursor past every member ends the scan.
    let (last, _) = store.sscan("s", u64::MAX, &ScanOptions::new())?;
    assert_eq!(last, 0);
    Ok(())
}

#[test]
fn sscan_match_filters_after_visiting() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    let members: Vec<String> = (0..50).map(|i| format!("m{i}")).collect();
    store.sadd("s", &members)?;
    store.sadd("s", &["", "other"])?;
    let (found, _) = full_scan(&store, "s", &ScanOptions::new().pattern("m1?"))?;
    let expected: Vec<String> = (10..20).map(|i| format!("m{i}")).collect();
    assert_eq!(sorted(found), expected);
    // `*` returns everything, the empty member too; `?*` does not match the empty member.
    let (all, _) = full_scan(&store, "s", &ScanOptions::new().pattern("*"))?;
    assert_eq!(all.len(), 52);
    let (non_empty, _) = full_scan(&store, "s", &ScanOptions::new().pattern("?*"))?;
    assert_eq!(non_empty.len(), 51);
    let (empty, _) = full_scan(&store, "s", &ScanOptions::new().pattern(""))?;
    assert_eq!(empty, [""]);
    let (none, calls) = full_scan(&store, "s", &ScanOptions::new().pattern("zzz"))?;
    assert!(none.is_empty());
    assert_eq!(calls, 6);
    Ok(())
}

#[test]
fn sscan_keeps_its_place_across_writes_and_a_reopen() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let members: Vec<String> = (0..60).map(|i| format!("m{i}")).collect();
    let options = ScanOptions::new().count(20);
    let (cursor, mut found) = {
        let store = Store::open(dir.path())?;
        store.sadd("s", &members)?;
        store.sscan("s", 0, &options)?
    };
    let store = Store::open(dir.path())?;
    // Members added meanwhile may or may not show; every original member shows once.
    store.sadd("s", &["new1", "new2"])?;
    let mut cursor = cursor;
    while cursor != 0 {
        let (next, batch) = store.sscan("s", cursor, &options)?;
        found.extend(batch);
        cursor = next;
    }
    let original: Vec<Bytes> = found
        .iter()
        .filter(|m| m.starts_with(b"m"))
        .cloned()
        .collect();
    let mut expected: Vec<Bytes> = members.iter().map(|m| Bytes::from(m.clone())).collect();
    expected.sort();
    assert_eq!(sorted(original), expected);
    Ok(())
}

#[test]
fn sscan_errors_and_missing_keys() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.sadd("s", &["a"])?;
    store.set("str", "x")?;
    // A missing key is an empty, finished scan, whatever the options (Redis checks them only
    // for an existing set).
    let bad_count = ScanOptions::new().count(0);
    assert_eq!(store.sscan("missing", 0, &bad_count)?, (0, vec![]));
    assert!(matches!(
        store.sscan("s", 0, &bad_count),
        Err(Error::Syntax)
    ));
    let with_type = ScanOptions::new().key_type(KeyType::Set);
    assert!(matches!(
        store.sscan("s", 0, &with_type),
        Err(Error::Syntax)
    ));
    assert!(is_wrongtype(store.sscan("str", 0, &bad_count)));
    assert_eq!(
        store.sscan("s", 0, &ScanOptions::new())?,
        (0, vec!["a".into()])
    );
    Ok(())
}
