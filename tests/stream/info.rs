//! XINFO STREAM (basic and FULL), XINFO GROUPS, XINFO CONSUMERS.

use std::time::Duration;

use keyp::{
    parse_xinfo_full_count, GroupReadId, GroupStartId, Result, Store, StreamEntry, StreamId,
    XGroupCreateOptions,
};

use super::*;

fn create(store: &Store, key: &str, group: &str, at: &str) -> Result<()> {
    let id = GroupStartId::parse(at.as_bytes(), false)?;
    store.xgroup_create(key, group, id, XGroupCreateOptions::default())
}

/// A group's name, read counter and lag.
type Lag = (String, Option<i64>, Option<i64>);

fn lags(store: &Store, key: &str) -> Result<Vec<Lag>> {
    Ok(store
        .xinfo_groups(key)?
        .into_iter()
        .map(|g| {
            (
                String::from_utf8_lossy(&g.name).into_owned(),
                g.entries_read,
                g.lag,
            )
        })
        .collect())
}

#[test]
fn group_lag_as_redis_computes_it() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    add(&store, "s", "1-1", &[("f", "v")])?;
    add(&store, "s", "2-1", &[("f", "v")])?;
    create(&store, "s", "g", "$")?;
    create(&store, "s", "g2", "0")?;
    create(&store, "s", "g3", "1-1")?;
    create(&store, "s", "g4", "1-0")?;
    assert_eq!(
        lags(&store, "s")?,
        [
            ("g".into(), None, Some(0)),
            ("g2".into(), None, Some(2)),
            ("g3".into(), None, Some(1)),
            ("g4".into(), None, Some(2))
        ]
    );
    add(&store, "s", "5-1", &[("f", "v")])?;
    add(&store, "s", "7-0", &[("f", "v")])?;
    assert_eq!(
        lags(&store, "s")?,
        [
            ("g".into(), None, None),
            ("g2".into(), None, Some(4)),
            ("g3".into(), None, Some(3)),
            ("g4".into(), None, Some(4))
        ]
    );
    store.xreadgroup("g2", "c1", &[("s", GroupReadId::New)], Some(1), false)?;
    assert_eq!(lags(&store, "s")?[1], ("g2".into(), Some(1), Some(3)));
    // A fresh stream has lag 0 whatever the group says.
    store.xgroup_create(
        "e",
        "g",
        GroupStartId::Id(id("5")),
        XGroupCreateOptions {
            mkstream: true,
            entries_read: Some(9),
        },
    )?;
    assert_eq!(lags(&store, "e")?, [("g".into(), Some(9), Some(0))]);
    // A read counter above the entries added gives a negative lag, as in Redis.
    add(&store, "e", "6", &[("f", "v")])?;
    assert_eq!(lags(&store, "e")?, [("g".into(), Some(9), Some(-8))]);
    Ok(())
}

#[test]
fn xinfo_stream_basic_and_full() -> Result<()> {
    let (_dir, store, clock) = open()?;
    assert_eq!(error_text(store.xinfo_stream("s")), "ERR no such key");
    assert_eq!(
        error_text(store.xinfo_stream_full("s", 10)),
        "ERR no such key"
    );
    assert_eq!(error_text(store.xinfo_groups("s")), "ERR no such key");
    assert_eq!(
        error_text(store.xinfo_consumers("s", "g")),
        "ERR no such key"
    );
    add(&store, "s", "1-1", &[("f", "v")])?;
    let info = store.xinfo_stream("s")?;
    let entry = |at: &str| StreamEntry {
        id: id(at),
        fields: fields(&[("f", "v")]),
    };
    assert_eq!(
        (
            info.length,
            info.radix_tree_keys,
            info.radix_tree_nodes,
            info.last_generated_id,
            info.entries_added
        ),
        (1, 1, 2, id("1-1"), 1)
    );
    assert_eq!(
        (info.first_entry.clone(), info.last_entry.clone()),
        (Some(entry("1-1")), Some(entry("1-1")))
    );
    for at in ["2-1", "5-1", "7-0", "8-0"] {
        add(&store, "s", at, &[("f", "v")])?;
    }
    create(&store, "s", "g", "0")?;
    create(&store, "s", "h", "$")?;
    store.xreadgroup("g", "c1", &[("s", GroupReadId::New)], Some(2), false)?;
    clock.advance(Duration::from_millis(7));
    store.xreadgroup("g", "c2", &[("s", GroupReadId::New)], Some(1), false)?;
    let full = store.xinfo_stream_full("s", 1)?;
    assert_eq!(
        (
            full.length,
            full.radix_tree_keys,
            full.radix_tree_nodes,
            full.entries_added
        ),
        (5, 1, 2, 5)
    );
    assert_eq!(
        (full.recorded_first_entry_id, full.max_deleted_entry_id),
        (id("1-1"), StreamId::MIN)
    );
    assert_eq!(full.entries, [entry("1-1")]);
    assert_eq!(full.groups.len(), 2);
    let g = &full.groups[0];
    assert_eq!(
        (
            &g.name[..],
            g.last_delivered_id,
            g.entries_read,
            g.lag,
            g.pel_count
        ),
        (&b"g"[..], id("5-1"), Some(3), Some(2), 3)
    );
    assert_eq!(g.pending, [(id("1-1"), "c1".into(), T0, 1)]);
    assert_eq!(g.consumers.len(), 2);
    assert_eq!(
        (
            &g.consumers[0].name[..],
            g.consumers[0].seen_time,
            g.consumers[0].pel_count
        ),
        (&b"c1"[..], T0, 2)
    );
    assert_eq!(g.consumers[0].pending, [(id("1-1"), T0, 1)]);
    assert_eq!(g.consumers[1].pending, [(id("5-1"), T0 + 7, 1)]);
    let h = &full.groups[1];
    assert_eq!(
        (h.entries_read, h.lag, h.pel_count, h.consumers.len()),
        (None, Some(0), 0, 0)
    );
    let all = store.xinfo_stream_full("s", 0)?;
    assert_eq!(
        (
            all.entries.len(),
            all.groups[0].pending.len(),
            all.groups[0].consumers[0].pending.len()
        ),
        (5, 3, 2)
    );
    clock.advance(Duration::from_millis(3));
    let consumers = store.xinfo_consumers("s", "g")?;
    let view: Vec<(&[u8], u64, u64)> = consumers
        .iter()
        .map(|c| (&c.name[..], c.pending, c.idle))
        .collect();
    assert_eq!(view, [(&b"c1"[..], 2, 10), (&b"c2"[..], 1, 3)]);
    assert_eq!(
        error_text(store.xinfo_consumers("s", "nog")),
        "NOGROUP No such consumer group 'nog' for key name 's'"
    );
    let groups = store.xinfo_groups("s")?;
    assert_eq!((groups[0].consumers, groups[0].pending), (2, 3));
    Ok(())
}

#[test]
fn xinfo_full_count_parsing() -> Result<()> {
    assert_eq!(parse_xinfo_full_count(b"STREAM", &[])?, None);
    assert_eq!(parse_xinfo_full_count(b"STREAM", &words("full"))?, Some(10));
    assert_eq!(
        parse_xinfo_full_count(b"STREAM", &words("FULL COUNT 3"))?,
        Some(3)
    );
    assert_eq!(
        parse_xinfo_full_count(b"STREAM", &words("FULL COUNT -5"))?,
        Some(0)
    );
    let unknown =
        "ERR unknown subcommand or wrong number of arguments for 'stream'. Try XINFO HELP.";
    assert_eq!(
        error_text(parse_xinfo_full_count(b"stream", &words("FULL COUNT"))),
        unknown
    );
    assert_eq!(
        error_text(parse_xinfo_full_count(
            b"stream",
            &words("FULL COUNT 1 COUNT 2")
        )),
        unknown
    );
    assert_eq!(
        error_text(parse_xinfo_full_count(b"stream", &words("FOO"))),
        unknown
    );
    assert_eq!(
        error_text(parse_xinfo_full_count(b"stream", &words("FULL COUNT x"))),
        "ERR value is not an integer or out of range"
    );
    Ok(())
}

#[test]
fn radix_tree_figures_follow_redis_nodes() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    // Figures read from redis-server 7.0.15 for the same IDs.
    let figures = |store: &Store| -> Result<(u64, u64)> {
        let info = store.xinfo_stream("t")?;
        Ok((info.radix_tree_keys, info.radix_tree_nodes))
    };
    let cases: [(u64, (u64, u64)); 6] = [
        (2, (1, 2)),
        (100, (1, 2)),
        (101, (2, 6)),
        (250, (3, 8)),
        (1000, (10, 22)),
        (5000, (50, 102)),
    ];
    for (n, want) in cases {
        store.del(&["t"])?;
        store.transaction(|tx| {
            for i in 1..=n {
                let at = StreamId::new(i * 7 + 1000, i % 3);
                tx.xadd(
                    "t",
                    keyp::XAddArgs::new(keyp::XAddId::Explicit(at)),
                    &[("f", "v")],
                )?;
            }
            Ok(())
        })?;
        assert_eq!(figures(&store)?, want, "{n} entries");
    }
    store.del(&["t"])?;
    store.transaction(|tx| {
        for i in 1..=1000 {
            tx.xadd(
                "t",
                keyp::XAddArgs::new(keyp::XAddId::Explicit(StreamId::new(5, i))),
                &[("f", "v")],
            )?;
        }
        Ok(())
    })?;
    assert_eq!(figures(&store)?, (10, 16));
    // Nodes also end at 4096 bytes of listpack (figures from redis-server 7.0.15).
    let sized: [(u64, usize, bool, (u64, u64)); 4] = [
        (500, 100, false, (14, 32)),
        (50, 1000, false, (13, 28)),
        (300, 3000, false, (300, 604)),
        (300, 30, true, (4, 11)),
    ];
    for (n, size, alternate, want) in sized {
        store.del(&["t"])?;
        let value = "x".repeat(size);
        store.transaction(|tx| {
            for i in 1..=n {
                let field = if !alternate {
                    "f"
                } else if i % 2 == 1 {
                    "a"
                } else {
                    "bb"
                };
                let at = keyp::XAddId::Explicit(StreamId::new(i, 0));
                tx.xadd("t", keyp::XAddArgs::new(at), &[(field, value.as_str())])?;
            }
            Ok(())
        })?;
        assert_eq!(figures(&store)?, want, "{n} entries of {size} bytes");
    }
    // Trimming and deleting follow the same nodes.
    let (x, y) = ("x".repeat(100), "y".repeat(40));
    store.del(&["t"])?;
    for i in 1..=500 {
        add(&store, "t", &format!("{i}"), &[("f", &x)])?;
    }
    assert_eq!(
        store.xtrim("t", keyp::Trim::parse(&words("MAXLEN ~ 250"))?)?,
        216
    );
    store.xdel(
        "t",
        &(250..300).map(|i| StreamId::new(i, 0)).collect::<Vec<_>>(),
    )?;
    for i in 501..530 {
        add(&store, "t", &format!("{i}"), &[("g", &y)])?;
    }
    assert_eq!(
        store.xtrim("t", keyp::Trim::parse(&words("MINID ~ 420"))?)?,
        130
    );
    let info = store.xinfo_stream("t")?;
    assert_eq!(
        (info.length, info.radix_tree_keys, info.radix_tree_nodes),
        (133, 4, 10)
    );
    // Deleting a node's last live entry drops the node; the next entry starts a new one, as the
    // remaining node is full (100 entries, live or deleted).
    store.del(&["t"])?;
    fill(&store, "t", 150)?;
    let tail: Vec<StreamId> = (101..=150).map(|i| StreamId::new(i, 0)).collect();
    store.xdel("t", &tail)?;
    assert_eq!(figures(&store)?.0, 1);
    add(&store, "t", "151", &[("f", "v")])?;
    assert_eq!(figures(&store)?.0, 2);
    Ok(())
}
