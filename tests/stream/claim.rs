//! XCLAIM and XAUTOCLAIM.

use std::time::Duration;

use keyp::{
    GroupReadId, GroupStartId, PendingEntry, Result, Store, StreamId, XAutoClaimArgs, XClaimArgs,
    XClaimOptions, XGroupCreateOptions, XPendingArgs,
};

use super::*;

/// Stream `k` with entries 1..=6 and group `g`, consumer `a` holding 1..=4.
fn setup(store: &Store) -> Result<()> {
    for i in 1..=6 {
        add(store, "k", &format!("{i}-0"), &[("f", &format!("v{i}"))])?;
    }
    store.xgroup_create(
        "k",
        "g",
        GroupStartId::Id(StreamId::MIN),
        XGroupCreateOptions::default(),
    )?;
    store.xreadgroup("g", "a", &[("k", GroupReadId::New)], Some(4), false)?;
    Ok(())
}

fn claim(store: &Store, consumer: &str, line: &str) -> Result<Vec<String>> {
    let args = XClaimArgs::parse(&words(line))?;
    Ok(ids(&store.xclaim("k", "g", consumer, &args)?))
}

/// (id, consumer, idle, deliveries) of every pending entry.
fn pel(store: &Store) -> Result<Vec<(String, String, u64, u64)>> {
    let args = XPendingArgs::parse(&words("- + 100"))?.unwrap();
    let entries: Vec<PendingEntry> = store.xpending("k", "g", &args)?;
    Ok(entries
        .into_iter()
        .map(|p| {
            (
                p.id.to_string(),
                String::from_utf8_lossy(&p.consumer).into_owned(),
                p.idle,
                p.deliveries,
            )
        })
        .collect())
}

fn row(id: &str, consumer: &str, idle: u64, deliveries: u64) -> (String, String, u64, u64) {
    (id.into(), consumer.into(), idle, deliveries)
}

#[test]
fn xclaim_options() -> Result<()> {
    let (_dir, store, clock) = open()?;
    setup(&store)?;
    clock.advance(Duration::from_millis(10));
    assert!(claim(&store, "b", "3600000 1-0 2-0")?.is_empty());
    assert_eq!(claim(&store, "b", "5 1-0 2-0 9-0 JUSTID")?, ["1-0", "2-0"]);
    let entries = store.xclaim("k", "g", "b", &XClaimArgs::parse(&words("0 1-0"))?)?;
    assert_eq!(entries[0].fields, fields(&[("f", "v1")]));
    assert_eq!(
        pel(&store)?,
        [
            row("1-0", "b", 0, 2),
            row("2-0", "b", 0, 1),
            row("3-0", "a", 10, 1),
            row("4-0", "a", 10, 1)
        ]
    );
    // A deleted entry leaves the PEL; IDLE and RETRYCOUNT set the delivery facts.
    store.xdel("k", &[id("2-0")])?;
    assert_eq!(
        claim(&store, "b", "0 2-0 3-0 IDLE 5000 RETRYCOUNT 7")?,
        ["3-0"]
    );
    assert_eq!(
        pel(&store)?,
        [
            row("1-0", "b", 0, 2),
            row("3-0", "b", 5000, 7),
            row("4-0", "a", 10, 1)
        ]
    );
    // FORCE creates a PEL entry (one delivery, none more with JUSTID); LASTID raises the group.
    assert_eq!(
        claim(&store, "b", "0 5-0 FORCE LASTID 5-0 JUSTID")?,
        ["5-0"]
    );
    let group = &store.xinfo_groups("k")?[0];
    assert_eq!(
        (
            group.last_delivered_id,
            group.entries_read,
            group.lag,
            group.pending
        ),
        (id("5-0"), Some(4), Some(2), 4)
    );
    assert_eq!(claim(&store, "b", "0 6-0 FORCE")?, ["6-0"]);
    assert!(claim(&store, "b", "0 7-0 FORCE")?.is_empty());
    assert_eq!(pel(&store)?.last(), Some(&row("6-0", "b", 0, 2)));
    // Without FORCE nothing happens to an entry that is not pending.
    store.xack("k", "g", &[id("6-0")])?;
    assert!(claim(&store, "b", "0 6-0 TIME 1")?.is_empty());
    // A TIME in the future (or negative) counts as now; RETRYCOUNT 0 is kept.
    clock.advance(Duration::from_millis(30));
    assert_eq!(
        claim(
            &store,
            "c",
            &format!("0 1-0 3-0 TIME {} RETRYCOUNT 0", T0 * 1000)
        )?,
        ["1-0", "3-0"]
    );
    assert_eq!(pel(&store)?[0], row("1-0", "c", 0, 0));
    clock.advance(Duration::from_millis(30));
    assert_eq!(claim(&store, "c", &format!("0 1-0 TIME {}", T0))?, ["1-0"]);
    assert_eq!(pel(&store)?[0], row("1-0", "c", 70, 1));
    assert_eq!(claim(&store, "c", "0 1-0 TIME -5 RETRYCOUNT -1")?, ["1-0"]);
    assert_eq!(pel(&store)?[0], row("1-0", "c", 0, 2));
    // min-idle-time filters; a negative one is 0.
    clock.advance(Duration::from_millis(100));
    assert!(claim(&store, "d", "101 1-0")?.is_empty());
    assert_eq!(claim(&store, "d", "-7 1-0")?, ["1-0"]);
    let consumers: Vec<(String, u64)> = store
        .xinfo_consumers("k", "g")?
        .into_iter()
        .map(|c| (String::from_utf8_lossy(&c.name).into_owned(), c.pending))
        .collect();
    assert_eq!(
        consumers,
        [
            ("a".into(), 1),
            ("b".into(), 1),
            ("c".into(), 1),
            ("d".into(), 1)
        ]
    );
    Ok(())
}

#[test]
fn xclaim_errors() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    let args = XClaimArgs::parse(&words("0 1-0"))?;
    assert_eq!(
        error_text(store.xclaim("k", "g", "c", &args)),
        "NOGROUP No such key 'k' or consumer group 'g'"
    );
    setup(&store)?;
    assert_eq!(
        error_text(store.xclaim("k", "nog", "c", &args)),
        "NOGROUP No such key 'k' or consumer group 'nog'"
    );
    store.set("str", "x")?;
    assert_eq!(error_text(store.xclaim("str", "g", "c", &args)), WRONGTYPE);
    let cases = [
        ("x 1-0", "ERR Invalid min-idle-time argument for XCLAIM"),
        ("0 1-0 foo", "ERR Unrecognized XCLAIM option 'foo'"),
        ("0 1-0 FORCE 2-0", "ERR Unrecognized XCLAIM option '2-0'"),
        (
            "0 1-0 IDLE x",
            "ERR Invalid IDLE option argument for XCLAIM",
        ),
        (
            "0 1-0 TIME x",
            "ERR Invalid TIME option argument for XCLAIM",
        ),
        (
            "0 1-0 RETRYCOUNT x",
            "ERR Invalid RETRYCOUNT option argument for XCLAIM",
        ),
        (
            "0 1-0 LASTID x",
            "ERR Invalid stream ID specified as stream command argument",
        ),
        ("0 1-0 IDLE", "ERR Unrecognized XCLAIM option 'IDLE'"),
        ("0", "ERR wrong number of arguments for 'xclaim' command"),
    ];
    for (line, want) in cases {
        assert_eq!(error_text(XClaimArgs::parse(&words(line))), want, "{line}");
    }
    let parsed = XClaimArgs::parse(&words(
        "-3 1 2-2 idle 5 time 9 retrycount 2 force justid lastid 3",
    ))?;
    assert_eq!(parsed.min_idle, 0);
    assert_eq!(parsed.ids, [id("1-0"), id("2-2")]);
    assert_eq!(
        parsed.options,
        XClaimOptions {
            idle: None,
            time: Some(9),
            retry_count: Some(2),
            force: true,
            justid: true,
            last_id: Some(id("3-0"))
        }
    );
    // No IDs at all: an option right away.
    assert!(XClaimArgs::parse(&words("0 FORCE"))?.ids.is_empty());
    Ok(())
}

#[test]
fn xautoclaim_scans_the_pel() -> Result<()> {
    let (_dir, store, clock) = open()?;
    let auto = |line: &str| XAutoClaimArgs::parse(&words(line)).unwrap();
    assert_eq!(
        error_text(store.xautoclaim("k", "g", "d", &auto("0 0"))),
        "NOGROUP No such key 'k' or consumer group 'g'"
    );
    setup(&store)?;
    clock.advance(Duration::from_millis(50));
    store.xdel("k", &[id("2-0")])?;
    // The deleted entry counts against COUNT and is reported.
    let r = store.xautoclaim("k", "g", "d", &auto("0 0 COUNT 2"))?;
    assert_eq!(
        (r.next, ids(&r.claimed), r.deleted.clone()),
        (id("3-0"), vec!["1-0".to_string()], vec![id("2-0")])
    );
    assert_eq!(r.claimed[0].fields, fields(&[("f", "v1")]));
    let r = store.xautoclaim("k", "g", "e", &auto("0 0 COUNT 2 JUSTID"))?;
    assert_eq!(
        (r.next, ids(&r.claimed)),
        (id("4-0"), vec!["1-0".to_string(), "3-0".to_string()])
    );
    assert!(r.claimed[0].fields.is_empty());
    assert_eq!(
        pel(&store)?,
        [
            row("1-0", "e", 0, 2),
            row("3-0", "e", 0, 1),
            row("4-0", "a", 50, 1)
        ]
    );
    // The idle filter: only 4-0 has been idle 40 ms.
    let r = store.xautoclaim("k", "g", "f", &auto("40 - "))?;
    assert_eq!(
        (r.next, ids(&r.claimed)),
        (StreamId::MIN, vec!["4-0".to_string()])
    );
    let r = store.xautoclaim("k", "g", "f", &auto("0 (3"))?;
    assert_eq!(
        (r.next, ids(&r.claimed)),
        (StreamId::MIN, vec!["4-0".to_string()])
    );
    assert_eq!(pel(&store)?.last(), Some(&row("4-0", "f", 0, 3)));
    let r = store.xautoclaim("k", "g", "f", &auto("0 (5"))?;
    assert!(r.claimed.is_empty() && r.deleted.is_empty() && r.next == StreamId::MIN);
    // At most ten PEL entries are examined per COUNT.
    for i in 7..=40 {
        add(&store, "k", &format!("{i}-0"), &[("f", "v")])?;
    }
    store.xreadgroup("g", "a", &[("k", GroupReadId::New)], None, false)?;
    let r = store.xautoclaim("k", "g", "z", &auto("1000 0 COUNT 1"))?;
    assert!(r.claimed.is_empty());
    assert_eq!(r.next, id("12-0"));
    let cases = [
        ("x 0", "ERR Invalid min-idle-time argument for XAUTOCLAIM"),
        (
            "0 x",
            "ERR Invalid stream ID specified as stream command argument",
        ),
        (
            "0 (18446744073709551615-18446744073709551615",
            "ERR invalid start ID for the interval",
        ),
        ("0 0 COUNT 0", "ERR COUNT must be > 0"),
        ("0 0 COUNT x", "ERR COUNT must be > 0"),
        ("0 0 COUNT 2305843009213693951", "ERR COUNT must be > 0"),
        ("0 0 COUNT", "ERR syntax error"),
        ("0 0 FOO", "ERR syntax error"),
        (
            "0",
            "ERR wrong number of arguments for 'xautoclaim' command",
        ),
    ];
    for (line, want) in cases {
        assert_eq!(
            error_text(XAutoClaimArgs::parse(&words(line))),
            want,
            "{line}"
        );
    }
    assert_eq!(
        XAutoClaimArgs::parse(&words("0 0 COUNT 576460752303423487"))?.count,
        576_460_752_303_423_487
    );
    store.set("str", "x")?;
    assert_eq!(
        error_text(store.xautoclaim("str", "g", "c", &auto("0 0"))),
        WRONGTYPE
    );
    Ok(())
}
