//! XGROUP, XREADGROUP, XACK, XPENDING.

use std::time::Duration;

use keyp::{
    GroupReadEntry, GroupReadId, GroupStartId, PendingEntry, PendingSummary, Result, Store,
    StreamId, XGroupCreateOptions, XPendingArgs,
};

use super::*;

fn create(store: &Store, key: &str, group: &str, at: &str) -> Result<()> {
    let id = GroupStartId::parse(at.as_bytes(), false)?;
    store.xgroup_create(key, group, id, XGroupCreateOptions::default())
}

fn read_new(
    store: &Store,
    group: &str,
    consumer: &str,
    key: &str,
    count: Option<u64>,
) -> Result<Vec<String>> {
    let read = store.xreadgroup(group, consumer, &[(key, GroupReadId::New)], count, false)?;
    Ok(read
        .into_iter()
        .flat_map(|(_, e)| e)
        .map(|(id, _)| id.to_string())
        .collect())
}

fn history(
    store: &Store,
    group: &str,
    consumer: &str,
    key: &str,
    after: &str,
) -> Result<Vec<GroupReadEntry>> {
    let read = store.xreadgroup(
        group,
        consumer,
        &[(key, GroupReadId::Pending(id(after)))],
        None,
        false,
    )?;
    assert_eq!(read.len(), 1);
    Ok(read.into_iter().next().unwrap().1)
}

fn pending(store: &Store, key: &str, group: &str, line: &str) -> Result<Vec<PendingEntry>> {
    let args = XPendingArgs::parse(&words(line))?.unwrap();
    store.xpending(key, group, &args)
}

#[test]
fn xgroup_create_and_its_errors() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    let no_key = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.";
    assert_eq!(error_text(create(&store, "s", "g", "$")), no_key);
    let mkstream = XGroupCreateOptions::parse(b"CREATE", &words("MKSTREAM"))?;
    store.xgroup_create("s", "g", GroupStartId::Last, mkstream)?;
    assert_eq!(store.exists(&["s"])?, 1);
    assert_eq!(store.xlen("s")?, 0);
    assert_eq!(
        error_text(create(&store, "s", "g", "0")),
        "BUSYGROUP Consumer Group name already exists"
    );
    assert_eq!(
        error_text(store.xgroup_create("s", "g", GroupStartId::Last, mkstream)),
        "BUSYGROUP Consumer Group name already exists"
    );
    fill(&store, "s", 3)?;
    create(&store, "s", "at-end", "$")?;
    let with_read = XGroupCreateOptions::parse(b"create", &words("ENTRIESREAD 2"))?;
    store.xgroup_create("s", "counted", GroupStartId::Id(id("2-0")), with_read)?;
    let groups = store.xinfo_groups("s")?;
    let names: Vec<&[u8]> = groups.iter().map(|g| &g.name[..]).collect();
    assert_eq!(names, [&b"at-end"[..], b"counted", b"g"]);
    assert_eq!(groups[0].last_delivered_id, id("3-0"));
    assert_eq!((groups[0].entries_read, groups[0].lag), (None, Some(0)));
    assert_eq!((groups[1].entries_read, groups[1].lag), (Some(2), Some(1)));
    assert_eq!(
        (groups[2].last_delivered_id, groups[2].lag),
        (StreamId::MIN, Some(3))
    );
    assert_eq!(store.xinfo_stream("s")?.groups, 3);
    store.set("str", "x")?;
    assert_eq!(error_text(create(&store, "str", "g", "$")), WRONGTYPE);
    let parse_err = |line: &str| error_text(XGroupCreateOptions::parse(b"create", &words(line)));
    assert_eq!(
        parse_err("FOO"),
        "ERR unknown subcommand or wrong number of arguments for 'create'. Try XGROUP HELP."
    );
    assert_eq!(
        parse_err("ENTRIESREAD"),
        "ERR unknown subcommand or wrong number of arguments for 'create'. Try XGROUP HELP."
    );
    assert_eq!(
        parse_err("ENTRIESREAD -2"),
        "ERR value for ENTRIESREAD must be positive or -1"
    );
    assert_eq!(
        parse_err("ENTRIESREAD x"),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        XGroupCreateOptions::parse(b"create", &words("entriesread -1 mkstream"))?,
        XGroupCreateOptions {
            mkstream: true,
            entries_read: None
        }
    );
    assert_eq!(
        error_text(GroupStartId::parse(b"x", false)),
        "ERR Invalid stream ID specified as stream command argument"
    );
    assert_eq!(
        error_text(GroupStartId::parse(b"+", false)),
        "ERR Invalid stream ID specified as stream command argument"
    );
    assert_eq!(
        GroupStartId::parse(b"+", true)?,
        GroupStartId::Id(StreamId::MAX)
    );
    Ok(())
}

#[test]
fn xgroup_setid_destroy_and_consumers() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    let no_key = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.";
    assert_eq!(
        error_text(store.xgroup_setid("s", "g", GroupStartId::Last, None)),
        no_key
    );
    assert_eq!(error_text(store.xgroup_destroy("s", "g")), no_key);
    assert_eq!(
        error_text(store.xgroup_createconsumer("s", "g", "c")),
        no_key
    );
    assert_eq!(error_text(store.xgroup_delconsumer("s", "g", "c")), no_key);
    fill(&store, "s", 5)?;
    let nogroup = "NOGROUP No such consumer group 'g' for key name 's'";
    assert_eq!(
        error_text(store.xgroup_setid("s", "g", GroupStartId::Last, None)),
        nogroup
    );
    assert_eq!(
        error_text(store.xgroup_createconsumer("s", "g", "c")),
        nogroup
    );
    assert_eq!(error_text(store.xgroup_delconsumer("s", "g", "c")), nogroup);
    assert!(!store.xgroup_destroy("s", "g")?);
    create(&store, "s", "g", "0")?;
    assert!(store.xgroup_createconsumer("s", "g", "dave")?);
    assert!(!store.xgroup_createconsumer("s", "g", "dave")?);
    assert_eq!(
        read_new(&store, "g", "alice", "s", Some(3))?,
        ["1-0", "2-0", "3-0"]
    );
    store.xgroup_setid("s", "g", GroupStartId::Id(id("1-0")), Some(1))?;
    let group = &store.xinfo_groups("s")?[0];
    assert_eq!(
        (group.last_delivered_id, group.entries_read, group.lag),
        (id("1-0"), Some(1), Some(4))
    );
    // Re-delivering a pending entry to another consumer moves it, with a fresh count.
    assert_eq!(read_new(&store, "g", "bob", "s", Some(1))?, ["2-0"]);
    let summary = store.xpending_summary("s", "g")?;
    assert_eq!(summary.consumers, [("alice".into(), 2), ("bob".into(), 1)]);
    store.xgroup_setid("s", "g", GroupStartId::Last, None)?;
    let group = &store.xinfo_groups("s")?[0];
    assert_eq!(
        (group.last_delivered_id, group.entries_read, group.lag),
        (id("5-0"), None, Some(0))
    );
    assert_eq!(store.xgroup_delconsumer("s", "g", "alice")?, 2);
    assert_eq!(store.xgroup_delconsumer("s", "g", "alice")?, 0);
    let summary = store.xpending_summary("s", "g")?;
    assert_eq!(summary.count, 1);
    assert_eq!(summary.consumers, [("bob".into(), 1)]);
    let group = &store.xinfo_groups("s")?[0];
    assert_eq!((group.consumers, group.pending), (2, 1));
    assert!(store.xgroup_destroy("s", "g")?);
    assert!(store.xinfo_groups("s")?.is_empty());
    assert_eq!(store.xinfo_stream("s")?.groups, 0);
    // A new group of the same name starts afresh.
    create(&store, "s", "g", "0")?;
    assert_eq!(store.xpending_summary("s", "g")?, PendingSummary::default());
    assert!(store.xinfo_consumers("s", "g")?.is_empty());
    Ok(())
}

#[test]
fn xreadgroup_delivers_tracks_and_rereads() -> Result<()> {
    let (_dir, store, clock) = open()?;
    let nogroup = "NOGROUP No such key 's' or consumer group 'grp' in XREADGROUP with GROUP option";
    assert_eq!(
        error_text(read_new(&store, "grp", "alice", "s", None)),
        nogroup
    );
    for i in 1..=5 {
        add(&store, "s", &format!("{i}-0"), &[("f", &format!("v{i}"))])?;
    }
    assert_eq!(
        error_text(read_new(&store, "grp", "alice", "s", None)),
        nogroup
    );
    create(&store, "s", "grp", "0")?;
    let read = store.xreadgroup("grp", "alice", &[("s", GroupReadId::New)], Some(2), false)?;
    assert_eq!(&read[0].0[..], b"s");
    assert_eq!(
        read[0].1,
        [
            (id("1-0"), Some(fields(&[("f", "v1")]))),
            (id("2-0"), Some(fields(&[("f", "v2")])))
        ]
    );
    let group = &store.xinfo_groups("s")?[0];
    assert_eq!(
        (group.entries_read, group.lag, group.pending),
        (Some(2), Some(3), 2)
    );
    store.xdel("s", &[id("4-0")])?;
    assert_eq!(store.xinfo_groups("s")?[0].lag, None);
    clock.advance(Duration::from_millis(10));
    assert_eq!(read_new(&store, "grp", "bob", "s", None)?, ["3-0", "5-0"]);
    let group = &store.xinfo_groups("s")?[0];
    assert_eq!(
        (group.last_delivered_id, group.entries_read, group.lag),
        (id("5-0"), Some(5), Some(0))
    );
    assert_eq!((group.consumers, group.pending), (2, 4));
    // Nothing new: nil, and no consumer is created.
    assert!(store
        .xreadgroup("grp", "carol", &[("s", GroupReadId::New)], None, false)?
        .is_empty());
    assert_eq!(store.xinfo_consumers("s", "grp")?.len(), 2);
    // History: the consumer's own pending entries.
    clock.advance(Duration::from_millis(10));
    let h = history(&store, "grp", "alice", "s", "0")?;
    assert_eq!(
        h.iter().map(|(i, _)| i.to_string()).collect::<Vec<_>>(),
        ["1-0", "2-0"]
    );
    store.xdel("s", &[id("1-0")])?;
    clock.advance(Duration::from_millis(10));
    let h = history(&store, "grp", "alice", "s", "0")?;
    assert_eq!(
        h,
        [(id("1-0"), None), (id("2-0"), Some(fields(&[("f", "v2")])))]
    );
    assert_eq!(history(&store, "grp", "alice", "s", "1-0")?.len(), 1);
    assert!(history(&store, "grp", "nobody", "s", "0")?.is_empty());
    assert_eq!(store.xinfo_consumers("s", "grp")?.len(), 3);
    clock.advance(Duration::from_millis(5));
    let all = pending(&store, "s", "grp", "- + 10")?;
    let view: Vec<(String, &[u8], u64, u64)> = all
        .iter()
        .map(|p| (p.id.to_string(), &p.consumer[..], p.idle, p.deliveries))
        .collect();
    assert_eq!(
        view,
        [
            ("1-0".into(), &b"alice"[..], 15, 2),
            ("2-0".into(), b"alice", 5, 4),
            ("3-0".into(), b"bob", 25, 1),
            ("5-0".into(), b"bob", 25, 1),
        ]
    );
    // NOACK delivers without a PEL entry.
    add(&store, "s", "6-0", &[("f", "v6")])?;
    let read = store.xreadgroup("grp", "bob", &[("s", GroupReadId::New)], None, true)?;
    assert_eq!(read[0].1.len(), 1);
    assert_eq!(store.xpending_summary("s", "grp")?.count, 4);
    store.set("str", "x")?;
    assert_eq!(
        error_text(store.xreadgroup(
            "grp",
            "c",
            &[("s", GroupReadId::New), ("str", GroupReadId::New)],
            None,
            false
        )),
        WRONGTYPE
    );
    Ok(())
}

#[test]
fn xreadgroup_over_several_streams() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    fill(&store, "a", 2)?;
    fill(&store, "b", 2)?;
    create(&store, "a", "g", "$")?;
    create(&store, "b", "g", "0")?;
    let read = store.xreadgroup(
        "g",
        "c",
        &[("a", GroupReadId::New), ("b", GroupReadId::New)],
        Some(1),
        false,
    )?;
    assert_eq!(read.len(), 1);
    assert_eq!(&read[0].0[..], b"b");
    // A history read answers for every stream, even with nothing in it.
    let read = store.xreadgroup(
        "g",
        "c",
        &[
            ("a", GroupReadId::Pending(StreamId::MIN)),
            ("b", GroupReadId::Pending(StreamId::MIN)),
        ],
        None,
        false,
    )?;
    assert_eq!(read.len(), 2);
    assert!(read[0].1.is_empty());
    assert_eq!(read[1].1.len(), 1);
    assert_eq!(
        error_text(store.xreadgroup(
            "g",
            "c",
            &[("a", GroupReadId::New), ("none", GroupReadId::New)],
            None,
            false
        )),
        "NOGROUP No such key 'none' or consumer group 'g' in XREADGROUP with GROUP option"
    );
    Ok(())
}

#[test]
fn xack_and_xpending() -> Result<()> {
    let (_dir, store, clock) = open()?;
    assert_eq!(store.xack("s", "g", &[id("1")])?, 0);
    let nogroup = "NOGROUP No such key 's' or consumer group 'g'";
    assert_eq!(error_text(store.xpending_summary("s", "g")), nogroup);
    assert_eq!(error_text(pending(&store, "s", "g", "- + 10")), nogroup);
    fill(&store, "s", 6)?;
    assert_eq!(store.xack("s", "g", &[id("1")])?, 0);
    create(&store, "s", "g", "0")?;
    assert_eq!(store.xpending_summary("s", "g")?, PendingSummary::default());
    read_new(&store, "g", "bob", "s", Some(2))?;
    clock.advance(Duration::from_millis(100));
    read_new(&store, "g", "alice", "s", Some(3))?;
    clock.advance(Duration::from_millis(50));
    let summary = store.xpending_summary("s", "g")?;
    assert_eq!(
        summary,
        PendingSummary {
            count: 5,
            first: Some(id("1-0")),
            last: Some(id("5-0")),
            consumers: vec![("alice".into(), 3), ("bob".into(), 2)]
        }
    );
    let ids_of =
        |entries: Vec<PendingEntry>| entries.iter().map(|p| p.id.to_string()).collect::<Vec<_>>();
    assert_eq!(ids_of(pending(&store, "s", "g", "- + 2")?), ["1-0", "2-0"]);
    assert_eq!(
        ids_of(pending(&store, "s", "g", "(1 3 10")?),
        ["2-0", "3-0"]
    );
    assert_eq!(
        ids_of(pending(&store, "s", "g", "- + 10 alice")?),
        ["3-0", "4-0", "5-0"]
    );
    assert_eq!(
        ids_of(pending(&store, "s", "g", "- 4 10 alice")?),
        ["3-0", "4-0"]
    );
    assert_eq!(ids_of(pending(&store, "s", "g", "- + 1 alice")?), ["3-0"]);
    assert_eq!(
        ids_of(pending(&store, "s", "g", "- + 10 nobody")?),
        Vec::<String>::new()
    );
    assert_eq!(
        ids_of(pending(&store, "s", "g", "IDLE 100 - + 10")?),
        ["1-0", "2-0"]
    );
    assert_eq!(
        ids_of(pending(&store, "s", "g", "IDLE 100 - + 10 alice")?),
        Vec::<String>::new()
    );
    assert_eq!(ids_of(pending(&store, "s", "g", "IDLE -5 - + 1")?), ["1-0"]);
    assert_eq!(
        ids_of(pending(&store, "s", "g", "- + 0")?),
        Vec::<String>::new()
    );
    assert_eq!(
        ids_of(pending(&store, "s", "g", "- + -3")?),
        Vec::<String>::new()
    );
    let first = &pending(&store, "s", "g", "- + 1")?[0];
    assert_eq!(
        (first.idle, first.deliveries, &first.consumer[..]),
        (150, 1, &b"bob"[..])
    );
    assert_eq!(
        store.xack("s", "g", &[id("1-0"), id("1-0"), id("4-0"), id("9-0")])?,
        2
    );
    let summary = store.xpending_summary("s", "g")?;
    assert_eq!(summary.count, 3);
    assert_eq!(summary.consumers, [("alice".into(), 2), ("bob".into(), 1)]);
    assert_eq!(store.xack("s", "other", &[id("2-0")])?, 0);
    let cases = [
        ("-", "ERR syntax error"),
        ("- +", "ERR syntax error"),
        ("- + x", "ERR value is not an integer or out of range"),
        (
            "x + 1",
            "ERR Invalid stream ID specified as stream command argument",
        ),
        (
            "IDLE x - + 1",
            "ERR value is not an integer or out of range",
        ),
        ("IDLE 5 - +", "ERR syntax error"),
        ("a b c d e f g", "ERR syntax error"),
        (
            "(+ + 1",
            "ERR Invalid stream ID specified as stream command argument",
        ),
    ];
    for (line, want) in cases {
        assert_eq!(
            error_text(XPendingArgs::parse(&words(line))),
            want,
            "{line}"
        );
    }
    assert_eq!(XPendingArgs::parse(&[])?, None);
    store.set("str", "x")?;
    assert_eq!(error_text(store.xpending_summary("str", "g")), WRONGTYPE);
    assert_eq!(error_text(store.xack("str", "g", &[id("1")])), WRONGTYPE);
    assert_eq!(
        error_text(store.xreadgroup("g", "c", &[("str", GroupReadId::New)], None, false)),
        WRONGTYPE
    );
    Ok(())
}

/// As in Redis 7.0, the consumer group commands and XSETID do not count as a change of the
/// stream for WATCH (Redis does not signal them); a stream MKSTREAM creates does, and XADD.
#[test]
fn group_commands_leave_a_watched_stream_unchanged() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    let before_mkstream = store.watch(&["s"]);
    let mkstream = XGroupCreateOptions {
        mkstream: true,
        entries_read: None,
    };
    store.xgroup_create("s", "g", GroupStartId::Last, mkstream)?;
    assert!(before_mkstream.changed());
    add(&store, "s", "1-1", &[("f", "v")])?;
    let watch = store.watch(&["s"]);
    create(&store, "s", "g2", "0")?;
    assert_eq!(read_new(&store, "g2", "c", "s", None)?, ["1-1"]);
    store.xack("s", "g2", &[id("1-1")])?;
    store.xgroup_createconsumer("s", "g2", "c2")?;
    store.xgroup_delconsumer("s", "g2", "c2")?;
    store.xgroup_destroy("s", "g2")?;
    store.xsetid("s", keyp::XSetIdArgs::parse(&words("5-5"))?)?;
    assert!(!watch.changed());
    add(&store, "s", "6-1", &[("f", "v")])?;
    assert!(watch.changed());
    Ok(())
}
