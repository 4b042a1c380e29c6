//! ZPOPMIN, ZPOPMAX, ZMPOP, ZRANDMEMBER, ZSCAN and the parsing of their arguments.

use std::collections::HashSet;

use keyp::{Bytes, Result, ScanOptions, ScoreEnd, ZMPopArgs, ZRange};

use super::{add, error_text, names, open, scored};

#[test]
fn zpopmin_and_zpopmax() -> Result<()> {
    let (_dir, store) = open()?;
    add(&store, "p", &[(1.0, "a"), (2.0, "b"), (3.0, "c")])?;
    assert_eq!(store.zpopmin("p", 0)?, vec![]);
    assert_eq!(store.zpopmax("p", 2)?, scored(&[("c", 3.0), ("b", 2.0)]));
    assert_eq!(store.zpopmin("p", 1)?, scored(&[("a", 1.0)]));
    assert_eq!(store.exists(&["p"])?, 0);
    assert_eq!(store.zpopmin("p", 1)?, vec![]);
    add(&store, "p", &[(1.0, "a"), (2.0, "b")])?;
    assert_eq!(store.zpopmin("p", 10)?, scored(&[("a", 1.0), ("b", 2.0)]));
    assert_eq!(store.exists(&["p"])?, 0);
    assert_eq!(keyp::parse_pop_count(b"3")?, 3);
    assert_eq!(keyp::parse_pop_count(b"0")?, 0);
    for bad in ["-1", "x", ""] {
        assert_eq!(
            error_text(keyp::parse_pop_count(bad.as_bytes())),
            "ERR value is out of range, must be positive"
        );
    }
    Ok(())
}

#[test]
fn zmpop() -> Result<()> {
    let (_dir, store) = open()?;
    add(&store, "p", &[(1.0, "a"), (2.0, "b"), (3.0, "c")])?;
    store.set("str", "v")?;
    let popped = store.zmpop(&["missing", "p", "str"], ScoreEnd::Max, 2)?;
    assert_eq!(
        popped,
        Some((Bytes::from("p"), scored(&[("c", 3.0), ("b", 2.0)])))
    );
    let popped = store.zmpop(&["p"], ScoreEnd::Min, 5)?;
    assert_eq!(popped, Some((Bytes::from("p"), scored(&[("a", 1.0)]))));
    assert_eq!(store.zmpop(&["p"], ScoreEnd::Min, 1)?, None);
    let wrongtype = "WRONGTYPE Operation against a key holding the wrong kind of value";
    assert_eq!(
        error_text(store.zmpop(&["missing", "str"], ScoreEnd::Min, 1)),
        wrongtype
    );
    let none: [&str; 0] = [];
    assert_eq!(
        error_text(store.zmpop(&none, ScoreEnd::Min, 1)),
        "ERR numkeys should be greater than 0"
    );
    assert_eq!(
        error_text(store.zmpop(&["p"], ScoreEnd::Min, 0)),
        "ERR count should be greater than 0"
    );
    Ok(())
}

#[test]
fn zmpop_arguments() -> Result<()> {
    let parsed = ZMPopArgs::parse(&["2", "a", "b", "MAX", "count", "3"])?;
    assert_eq!(
        parsed,
        ZMPopArgs {
            keys: vec![Bytes::from("a"), Bytes::from("b")],
            end: ScoreEnd::Max,
            count: 3
        }
    );
    assert_eq!(ZMPopArgs::parse(&["1", "a", "min"])?.count, 1);
    let numkeys = "ERR numkeys should be greater than 0";
    let count = "ERR count should be greater than 0";
    let syntax = "ERR syntax error";
    let cases: [(&[&str], &str); 11] = [
        (&["0", "p", "min"], numkeys),
        (&["-1", "p", "min"], numkeys),
        (&["x", "p", "min"], numkeys),
        (&["2", "p", "min"], syntax),
        (&["1", "p", "mid"], syntax),
        (&["1", "p", "min", "count", "0"], count),
        (&["1", "p", "min", "count", "-1"], count),
        (&["1", "p", "min", "count", "x"], count),
        (&["1", "p", "min", "count", "1", "count", "2"], syntax),
        (&["1", "p", "min", "foo"], syntax),
        (&["1", "p", "min", "count"], syntax),
    ];
    for (args, text) in cases {
        assert_eq!(error_text(ZMPopArgs::parse(args)), text, "{args:?}");
    }
    Ok(())
}

#[test]
fn zrandmember() -> Result<()> {
    let (_dir, store) = open()?;
    assert_eq!(store.zrandmember("missing")?, None);
    assert_eq!(store.zrandmember_count("missing", 5, false)?, vec![]);
    assert_eq!(store.zrandmember_count("missing", -5, true)?, vec![]);
    let pairs: Vec<(f64, String)> = (0..20).map(|i| (f64::from(i), format!("m{i}"))).collect();
    store.zadd("z", keyp::ZAddOptions::default(), &pairs)?;
    let all: HashSet<Bytes> = pairs.iter().map(|(_, m)| Bytes::from(m.clone())).collect();
    for _ in 0..20 {
        assert!(all.contains(&store.zrandmember("z")?.unwrap()));
    }
    // At least the whole set: all of it, in order.
    assert_eq!(
        store.zrandmember_count("z", 20, false)?,
        store.zrange("z", &ZRange::rank(0, -1))?
    );
    assert_eq!(store.zrandmember_count("z", 0, true)?, vec![]);
    for count in [3, 10, 19] {
        let got = store.zrandmember_count("z", count, true)?;
        let distinct: HashSet<Bytes> = got.iter().map(|(m, _)| m.clone()).collect();
        assert_eq!(distinct.len(), count as usize);
        for (member, score) in &got {
            assert!(all.contains(member));
            assert_eq!(store.zscore("z", member)?, Some(*score));
        }
    }
    let got = store.zrandmember_count("z", -50, false)?;
    assert_eq!(got.len(), 50);
    assert!(got.iter().all(|(m, _)| all.contains(m)));
    // Drawing with repetition from one member.
    add(&store, "one", &[(1.0, "x")])?;
    assert_eq!(
        store.zrandmember_count("one", -3, true)?,
        scored(&[("x", 1.0), ("x", 1.0), ("x", 1.0)])
    );
    assert_eq!(
        error_text(store.zrandmember_count("z", i64::MIN, false)),
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
    );
    assert_eq!(
        error_text(store.zrandmember_count("z", -(i64::MAX / 2) - 1, true)),
        "ERR value is out of range"
    );
    assert_eq!(
        store.zrandmember_count("missing", -(i64::MAX / 2), true)?,
        vec![]
    );
    assert_eq!(
        keyp::parse_zrandmember(b"-3", Some(b"WITHSCORES"))?,
        (-3, true)
    );
    assert_eq!(keyp::parse_zrandmember(b"3", None)?, (3, false));
    let cases: [(&str, Option<&str>, &str); 4] = [
        ("x", None, "ERR value is not an integer or out of range"),
        ("1", Some("withscore"), "ERR syntax error"),
        ("-9223372036854775808", Some("x"), "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"),
        ("-4611686018427387904", Some("withscores"), "ERR value is out of range"),
    ];
    for (count, option, text) in cases {
        let parsed = keyp::parse_zrandmember(count.as_bytes(), option.map(str::as_bytes));
        assert_eq!(error_text(parsed), text, "{count} {option:?}");
    }
    Ok(())
}

#[test]
fn zscan_small_sets_come_whole() -> Result<()> {
    let (_dir, store) = open()?;
    add(
        &store,
        "k",
        &[(10.0, "a"), (5.0, "b"), (0.0, "c"), (0.0, "new2")],
    )?;
    let everything = scored(&[("c", 0.0), ("new2", 0.0), ("b", 5.0), ("a", 10.0)]);
    assert_eq!(
        store.zscan("k", 0, &ScanOptions::new())?,
        (0, everything.clone())
    );
    assert_eq!(
        store.zscan("k", 5, &ScanOptions::new().count(1))?,
        (0, everything)
    );
    let matched = store.zscan("k", 0, &ScanOptions::new().pattern("[ab]*"))?;
    assert_eq!(matched, (0, scored(&[("b", 5.0), ("a", 10.0)])));
    assert_eq!(store.zscan("missing", 0, &ScanOptions::new())?, (0, vec![]));
    assert_eq!(
        error_text(store.zscan("k", 0, &ScanOptions::new().count(0))),
        "ERR syntax error"
    );
    let typed = ScanOptions::new().key_type(keyp::KeyType::ZSet);
    assert_eq!(error_text(store.zscan("k", 0, &typed)), "ERR syntax error");
    // redis-server 7.0.15: `ZSCAN missing 0 COUNT 0` replies an empty scan, not an error.
    let zero = ScanOptions::new().count(0);
    assert_eq!(store.zscan("missing", 0, &zero)?, (0, vec![]));
    Ok(())
}

#[test]
fn zscan_large_sets_page_by_cursor() -> Result<()> {
    let (_dir, store) = open()?;
    let pairs: Vec<(f64, String)> = (0..300)
        .map(|i| (f64::from(i), format!("member:{i}")))
        .collect();
    store.zadd("big", keyp::ZAddOptions::default(), &pairs)?;
    let mut seen = Vec::new();
    let mut cursor = 0;
    let mut calls = 0;
    loop {
        let (next, page) = store.zscan("big", cursor, &ScanOptions::new().count(25))?;
        assert!(page.len() <= 26);
        seen.extend(page);
        calls += 1;
        if next == 0 {
            break;
        }
        cursor = next;
    }
    assert!(calls >= 12);
    seen.sort_by(|a, b| a.1.total_cmp(&b.1));
    assert_eq!(
        names(&seen),
        pairs.iter().map(|(_, m)| m.clone()).collect::<Vec<_>>()
    );
    let (_, matched) = store.zscan(
        "big",
        0,
        &ScanOptions::new().pattern("member:29?").count(1000),
    )?;
    assert_eq!(matched.len(), 10);
    Ok(())
}
