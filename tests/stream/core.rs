//! XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM, XSETID, XREAD.

use keyp::{Result, StreamId, Trim, TrimStrategy, XAddArgs, XAddId, XSetIdArgs};

use super::*;

#[test]
fn xadd_generates_monotonic_ids() -> Result<()> {
    let (_dir, store, clock) = open()?;
    assert_eq!(add(&store, "s", "*", &[("f", "v")])?, StreamId::new(T0, 0));
    assert_eq!(add(&store, "s", "*", &[("f", "v")])?, StreamId::new(T0, 1));
    clock.set(5);
    // The clock went back: the ID keeps the last millisecond and counts on.
    assert_eq!(add(&store, "s", "*", &[("f", "v")])?, StreamId::new(T0, 2));
    clock.set(T0 + 7);
    assert_eq!(
        add(&store, "s", "*", &[("f", "v")])?,
        StreamId::new(T0 + 7, 0)
    );
    assert_eq!(
        add(&store, "s", "2000000-*", &[("f", "v")])?,
        id("2000000-0")
    );
    assert_eq!(
        add(&store, "s", "2000000-*", &[("f", "v")])?,
        id("2000000-1")
    );
    assert_eq!(
        add(&store, "s", "2000000-9", &[("f", "v")])?,
        id("2000000-9")
    );
    assert_eq!(add(&store, "s", "2000001", &[("f", "v")])?, id("2000001-0"));
    let too_small =
        "ERR The ID specified in XADD is equal or smaller than the target stream top item";
    assert_eq!(
        error_text(add(&store, "s", "2000001-0", &[("f", "v")])),
        too_small
    );
    assert_eq!(
        error_text(add(&store, "s", "1-*", &[("f", "v")])),
        too_small
    );
    assert_eq!(
        error_text(add(&store, "s", "2000000-*", &[("f", "v")])),
        too_small
    );
    assert_eq!(
        error_text(add(&store, "s", "0-0", &[("f", "v")])),
        "ERR The ID specified in XADD must be greater than 0-0"
    );
    assert_eq!(
        error_text(add(&store, "new", "0", &[("f", "v")])),
        "ERR The ID specified in XADD must be greater than 0-0"
    );
    assert_eq!(store.exists(&["new"])?, 0);
    assert_eq!(add(&store, "new", "0-*", &[("f", "v")])?, id("0-1"));
    assert_eq!(store.xlen("s")?, 8);
    Ok(())
}

#[test]
fn xadd_at_the_end_of_the_id_space() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    let max = "18446744073709551615-18446744073709551615";
    add(&store, "x", max, &[("f", "v")])?;
    let exhausted = "ERR The stream has exhausted the last possible ID, unable to add more items";
    assert_eq!(error_text(add(&store, "x", "*", &[("f", "v")])), exhausted);
    assert_eq!(
        error_text(add(&store, "x", "1-1", &[("f", "v")])),
        exhausted
    );
    // A full sequence at one millisecond moves on to the next millisecond with `*`...
    add(&store, "y", "2000000-18446744073709551615", &[("f", "v")])?;
    assert_eq!(add(&store, "y", "*", &[("f", "v")])?, id("2000001-0"));
    // ...but `ms-*` cannot.
    add(&store, "z", "5-18446744073709551615", &[("f", "v")])?;
    assert_eq!(
        error_text(add(&store, "z", "5-*", &[("f", "v")])),
        "ERR The ID specified in XADD is equal or smaller than the target stream top item"
    );
    Ok(())
}

#[test]
fn xadd_keeps_fields_in_order_with_any_bytes() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    let big = vec![b'x'; 1 << 20];
    let long = vec![b'y'; 600];
    let pairs: Vec<(&[u8], &[u8])> =
        vec![(b"b", b"2"), (b"", b""), (&long, &big), (b"b", b"again")];
    let args = XAddArgs::new(XAddId::Explicit(StreamId::new(1, 1)));
    store.xadd("s", args, &pairs)?;
    let entries = store
        .xrange("s", StreamId::MIN, StreamId::MAX, None)?
        .unwrap();
    let got: Vec<(Vec<u8>, Vec<u8>)> = entries[0]
        .fields
        .iter()
        .map(|(f, v)| (f.to_vec(), v.to_vec()))
        .collect();
    let want: Vec<(Vec<u8>, Vec<u8>)> = pairs
        .iter()
        .map(|(f, v)| (f.to_vec(), v.to_vec()))
        .collect();
    assert_eq!(got, want);
    Ok(())
}

#[test]
fn xadd_nomkstream_and_trimming_options() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    assert_eq!(xadd_line(&store, "s", "NOMKSTREAM * f v")?, None);
    assert_eq!(store.exists(&["s"])?, 0);
    fill(&store, "s", 5)?;
    assert_eq!(
        xadd_line(&store, "s", "nomkstream 6-0 f v")?,
        Some(id("6-0"))
    );
    assert_eq!(xadd_line(&store, "s", "MAXLEN 3 7-0 f v")?, Some(id("7-0")));
    let all = store
        .xrange("s", StreamId::MIN, StreamId::MAX, None)?
        .unwrap();
    assert_eq!(ids(&all), ["5-0", "6-0", "7-0"]);
    xadd_line(&store, "s", "MINID = 7 8-0 f v")?;
    assert_eq!(store.xlen("s")?, 2);
    // `~` removes only whole nodes: nothing here, the one node is needed.
    xadd_line(&store, "s", "MAXLEN ~ 1 9-0 f v")?;
    assert_eq!(store.xlen("s")?, 3);
    xadd_line(&store, "s", "MAXLEN ~ 1 LIMIT 0 10-0 f v")?;
    assert_eq!(store.xlen("s")?, 4);
    Ok(())
}

#[test]
fn xadd_and_xtrim_argument_errors() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    let cases = [
        ("", "ERR wrong number of arguments for 'xadd' command"),
        (
            "NOMKSTREAM",
            "ERR wrong number of arguments for 'xadd' command",
        ),
        (
            "MAXLEN ~ 5",
            "ERR wrong number of arguments for 'xadd' command",
        ),
        ("* f", "ERR wrong number of arguments for 'xadd' command"),
        (
            "MAXLEN = 5 * f v g",
            "ERR wrong number of arguments for 'xadd' command",
        ),
        (
            "MAXLEN ~ x * f v",
            "ERR value is not an integer or out of range",
        ),
        (
            "MAXLEN ~5 * f v",
            "ERR value is not an integer or out of range",
        ),
        ("MAXLEN -1 * f v", "ERR The MAXLEN argument must be >= 0."),
        (
            "MINID ~ x * f v",
            "ERR Invalid stream ID specified as stream command argument",
        ),
        (
            "MINID - * f v",
            "ERR Invalid stream ID specified as stream command argument",
        ),
        (
            "LIMIT x * f v",
            "ERR value is not an integer or out of range",
        ),
        ("LIMIT -1 * f v", "ERR The LIMIT argument must be >= 0."),
        (
            "LIMIT 5 * f v",
            "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
        ),
        (
            "LIMIT 0 * f v",
            "ERR syntax error, LIMIT cannot be used without the special ~ option",
        ),
        (
            "MINID 5 LIMIT 5 * f v",
            "ERR syntax error, LIMIT cannot be used without the special ~ option",
        ),
        (
            "MAXLEN 1 MINID 2 * f v",
            "ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
        ),
        (
            "MAXLEN 1 MAXLEN 2 * f v",
            "ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
        ),
        (
            "MAXLEN ~ 5 = * f v",
            "ERR Invalid stream ID specified as stream command argument",
        ),
        (
            "1-2-3 f v",
            "ERR Invalid stream ID specified as stream command argument",
        ),
        (
            "foo f v",
            "ERR Invalid stream ID specified as stream command argument",
        ),
        (
            "- f v",
            "ERR Invalid stream ID specified as stream command argument",
        ),
    ];
    for (line, want) in cases {
        assert_eq!(
            error_text(XAddArgs::parse(&words(line))),
            want,
            "XADD s {line}"
        );
    }
    let trims = [
        (
            "",
            "ERR syntax error, XTRIM must be called with a trimming strategy",
        ),
        ("foo", "ERR syntax error"),
        ("MAXLEN ~", "ERR value is not an integer or out of range"),
        ("MAXLEN 5 foo", "ERR syntax error"),
        (
            "LIMIT 5",
            "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
        ),
        (
            "MAXLEN 5 LIMIT 2",
            "ERR syntax error, LIMIT cannot be used without the special ~ option",
        ),
        (
            "MINID -",
            "ERR Invalid stream ID specified as stream command argument",
        ),
        ("* 5", "ERR syntax error"),
    ];
    for (line, want) in trims {
        assert_eq!(
            error_text(Trim::parse(&words(line))),
            want,
            "XTRIM s {line}"
        );
    }
    assert_eq!(
        Trim::parse(&words("minid ~ 5 limit 7"))?,
        Trim {
            strategy: TrimStrategy::MinId(id("5-0")),
            approx: true,
            limit: Some(7)
        }
    );
    // The typed API refuses LIMIT on an exact trim too.
    let exact_limit = Trim {
        limit: Some(3),
        ..Trim::maxlen(1)
    };
    assert_eq!(
        error_text(store.xtrim("s", exact_limit)),
        "ERR syntax error, LIMIT cannot be used without the special ~ option"
    );
    let no_fields: &[(&str, &str)] = &[];
    assert_eq!(
        error_text(store.xadd("s", XAddArgs::new(XAddId::Auto), no_fields)),
        "ERR wrong number of arguments for 'xadd' command"
    );
    Ok(())
}

#[test]
fn xrange_and_xrevrange() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    assert_eq!(
        store.xrange("none", StreamId::MIN, StreamId::MAX, Some(0))?,
        Some(vec![])
    );
    for at in ["1-1", "1-2", "2-0", "3-5", "3-6"] {
        add(&store, "s", at, &[("k", at)])?;
    }
    let range = |start: &str, end: &str, count: Option<u64>| -> Result<Option<Vec<String>>> {
        let start = StreamId::parse_range_start(start.as_bytes())?;
        let end = StreamId::parse_range_end(end.as_bytes())?;
        Ok(store.xrange("s", start, end, count)?.map(|e| ids(&e)))
    };
    let rev = |end: &str, start: &str, count: Option<u64>| -> Result<Option<Vec<String>>> {
        let end = StreamId::parse_range_end(end.as_bytes())?;
        let start = StreamId::parse_range_start(start.as_bytes())?;
        Ok(store.xrevrange("s", end, start, count)?.map(|e| ids(&e)))
    };
    let some = |v: &[&str]| Some(v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert_eq!(
        range("-", "+", None)?,
        some(&["1-1", "1-2", "2-0", "3-5", "3-6"])
    );
    assert_eq!(range("-", "+", Some(2))?, some(&["1-1", "1-2"]));
    assert_eq!(range("-", "+", Some(0))?, None);
    assert_eq!(range("1", "1", None)?, some(&["1-1", "1-2"]));
    assert_eq!(range("(1-1", "(3-6", None)?, some(&["1-2", "2-0", "3-5"]));
    assert_eq!(
        range("(1", "3", None)?,
        some(&["1-1", "1-2", "2-0", "3-5", "3-6"])
    );
    assert_eq!(range("3", "1", None)?, some(&[]));
    assert_eq!(
        rev("+", "-", None)?,
        some(&["3-6", "3-5", "2-0", "1-2", "1-1"])
    );
    assert_eq!(rev("+", "-", Some(1))?, some(&["3-6"]));
    assert_eq!(rev("3", "(1-2", None)?, some(&["3-6", "3-5", "2-0"]));
    assert_eq!(rev("-", "+", None)?, some(&[]));
    let entries = store.xrange("s", id("2-0"), id("2-0"), None)?.unwrap();
    assert_eq!(entries[0].fields, fields(&[("k", "2-0")]));
    assert_eq!(
        error_text(range("(-", "+", None)),
        "ERR Invalid stream ID specified as stream command argument"
    );
    assert_eq!(
        error_text(range("x", "+", None)),
        "ERR Invalid stream ID specified as stream command argument"
    );
    assert_eq!(
        error_text(range("-", "(0-0", None)),
        "ERR invalid end ID for the interval"
    );
    assert_eq!(
        error_text(range(
            "(18446744073709551615-18446744073709551615",
            "+",
            None
        )),
        "ERR invalid start ID for the interval"
    );
    Ok(())
}

#[test]
fn xdel_keeps_an_emptied_stream() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    assert_eq!(store.xdel("none", &[id("1-0")])?, 0);
    fill(&store, "s", 3)?;
    assert_eq!(store.xdel("s", &[id("2-0"), id("2-0"), id("9-0")])?, 1);
    assert_eq!(store.xlen("s")?, 2);
    let info = store.xinfo_stream("s")?;
    assert_eq!(info.max_deleted_entry_id, id("2-0"));
    assert_eq!(info.recorded_first_entry_id, id("1-0"));
    assert_eq!(store.xdel("s", &[id("1-0")])?, 1);
    assert_eq!(store.xinfo_stream("s")?.recorded_first_entry_id, id("3-0"));
    assert_eq!(store.xdel("s", &[id("3-0")])?, 1);
    assert_eq!(store.xlen("s")?, 0);
    assert_eq!(store.exists(&["s"])?, 1);
    assert_eq!(store.key_type("s")?, Some(keyp::KeyType::Stream));
    let info = store.xinfo_stream("s")?;
    assert_eq!(
        (info.length, info.radix_tree_keys, info.radix_tree_nodes),
        (0, 0, 1)
    );
    assert_eq!(info.last_generated_id, id("3-0"));
    assert_eq!(info.max_deleted_entry_id, id("3-0"));
    assert_eq!(info.recorded_first_entry_id, StreamId::MIN);
    assert_eq!((info.first_entry, info.last_entry), (None, None));
    // IDs go on from the last generated one.
    assert_eq!(
        error_text(add(&store, "s", "3-0", &[("f", "v")])),
        "ERR The ID specified in XADD is equal or smaller than the target stream top item"
    );
    add(&store, "s", "3-1", &[("f", "v")])?;
    assert_eq!(store.xlen("s")?, 1);
    Ok(())
}

#[test]
fn xtrim_whole_nodes_and_within_them() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    assert_eq!(store.xtrim("none", Trim::maxlen(0))?, 0);
    let approx = |line: &str| Trim::parse(&words(line)).unwrap();
    fill(&store, "t", 250)?;
    assert_eq!(store.xtrim("t", approx("MAXLEN ~ 120"))?, 100);
    assert_eq!(store.xtrim("t", approx("MAXLEN ~ 10"))?, 100);
    assert_eq!(store.xlen("t")?, 50);
    let info = store.xinfo_stream("t")?;
    assert_eq!((info.radix_tree_keys, info.radix_tree_nodes), (1, 2));
    assert_eq!(info.recorded_first_entry_id, id("201-0"));

    store.del(&["t"])?;
    fill(&store, "t", 250)?;
    assert_eq!(store.xtrim("t", approx("MAXLEN ~ 0 LIMIT 150"))?, 100);
    assert_eq!(store.xtrim("t", approx("MAXLEN 0"))?, 150);
    let info = store.xinfo_stream("t")?;
    assert_eq!(
        (info.length, info.radix_tree_keys, info.radix_tree_nodes),
        (0, 0, 1)
    );
    assert_eq!(info.entries_added, 250);
    assert_eq!(info.recorded_first_entry_id, StreamId::MIN);

    store.del(&["t"])?;
    fill(&store, "t", 250)?;
    assert_eq!(store.xdel("t", &[id("150"), id("160")])?, 2);
    assert_eq!(store.xtrim("t", approx("MINID ~ 155"))?, 100);
    assert_eq!(store.xlen("t")?, 148);
    assert_eq!(store.xtrim("t", approx("MINID 155"))?, 53);
    assert_eq!(store.xlen("t")?, 95);
    assert_eq!(store.xtrim("t", approx("MINID 201"))?, 45);
    let info = store.xinfo_stream("t")?;
    assert_eq!(
        (info.length, info.radix_tree_keys, info.radix_tree_nodes),
        (50, 1, 2)
    );
    assert_eq!(info.max_deleted_entry_id, id("160-0"));
    assert_eq!(info.recorded_first_entry_id, id("201-0"));
    // Exact MAXLEN within a node marks entries deleted; the node stays.
    assert_eq!(store.xtrim("t", Trim::maxlen(3))?, 47);
    let rest = store
        .xrange("t", StreamId::MIN, StreamId::MAX, None)?
        .unwrap();
    assert_eq!(ids(&rest), ["248-0", "249-0", "250-0"]);
    assert_eq!(store.xinfo_stream("t")?.radix_tree_keys, 1);
    Ok(())
}

#[test]
fn xsetid_checks_and_effects() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    let setid = |line: &str| -> Result<()> { store.xsetid("s", XSetIdArgs::parse(&words(line))?) };
    assert_eq!(error_text(setid("1-1")), "ERR no such key");
    fill(&store, "s", 5)?;
    store.xdel("s", &[id("5-0")])?;
    assert_eq!(
        error_text(setid("x")),
        "ERR Invalid stream ID specified as stream command argument"
    );
    assert_eq!(
        error_text(setid("+")),
        "ERR Invalid stream ID specified as stream command argument"
    );
    assert_eq!(error_text(setid("9 foo")), "ERR syntax error");
    assert_eq!(error_text(setid("9 ENTRIESADDED")), "ERR syntax error");
    assert_eq!(
        error_text(setid("9 ENTRIESADDED x")),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        error_text(setid("9 ENTRIESADDED -1")),
        "ERR entries_added must be positive"
    );
    assert_eq!(
        error_text(setid("1-1 MAXDELETEDID 2-2")),
        "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"
    );
    // Below the recorded maximal deleted ID (5-0) but not below the top entry (4-0): Redis
    // 7.0 accepts it (the check against max_deleted_entry_id came in a later version).
    setid("4-5")?;
    assert_eq!(store.xinfo_stream("s")?.last_generated_id, id("4-5"));
    store.xdel("s", &[id("1-0")])?;
    assert_eq!(store.xinfo_stream("s")?.max_deleted_entry_id, id("5-0"));
    assert_eq!(
        error_text(setid("9 ENTRIESADDED 2")),
        "ERR The entries_added specified in XSETID is smaller than the target stream length"
    );
    setid("9-9 ENTRIESADDED 100 MAXDELETEDID 7-0")?;
    let info = store.xinfo_stream("s")?;
    assert_eq!(info.last_generated_id, id("9-9"));
    assert_eq!(info.entries_added, 100);
    assert_eq!(info.max_deleted_entry_id, id("7-0"));
    // MAXDELETEDID 0-0 leaves it alone.
    setid("10 MAXDELETEDID 0-0")?;
    assert_eq!(store.xinfo_stream("s")?.max_deleted_entry_id, id("7-0"));
    assert_eq!(add(&store, "s", "*", &[("f", "v")])?, StreamId::new(T0, 0));
    // Below the top item.
    assert_eq!(
        error_text(setid("10")),
        "ERR The ID specified in XSETID is smaller than the target stream top item"
    );
    // An empty stream takes any ID at or above its max deleted ID.
    store.xtrim("s", Trim::maxlen(0))?;
    setid("7-0")?;
    assert_eq!(store.xinfo_stream("s")?.last_generated_id, id("7-0"));
    assert_eq!(
        error_text(XSetIdArgs::parse(&[])),
        "ERR wrong number of arguments for 'xsetid' command"
    );
    Ok(())
}

#[test]
fn wrongtype_everywhere() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    store.set("str", "x")?;
    let full = (StreamId::MIN, StreamId::MAX);
    assert_eq!(
        error_text(add(&store, "str", "*", &[("f", "v")])),
        WRONGTYPE
    );
    assert_eq!(
        error_text(xadd_line(&store, "str", "NOMKSTREAM * f v")),
        WRONGTYPE
    );
    assert_eq!(error_text(store.xlen("str")), WRONGTYPE);
    assert_eq!(
        error_text(store.xrange("str", full.0, full.1, None)),
        WRONGTYPE
    );
    assert_eq!(
        error_text(store.xrevrange("str", full.1, full.0, None)),
        WRONGTYPE
    );
    assert_eq!(error_text(store.xdel("str", &[id("1")])), WRONGTYPE);
    assert_eq!(error_text(store.xtrim("str", Trim::maxlen(1))), WRONGTYPE);
    assert_eq!(
        error_text(store.xsetid("str", XSetIdArgs::parse(&words("1"))?)),
        WRONGTYPE
    );
    assert_eq!(error_text(store.xinfo_stream("str")), WRONGTYPE);
    assert_eq!(error_text(store.xinfo_stream_full("str", 10)), WRONGTYPE);
    assert_eq!(error_text(store.xinfo_groups("str")), WRONGTYPE);
    assert_eq!(error_text(store.xinfo_consumers("str", "g")), WRONGTYPE);
    // And the other way round: a stream is not a string.
    add(&store, "s", "1", &[("f", "v")])?;
    assert_eq!(error_text(store.get("s")), WRONGTYPE);
    assert_eq!(store.object_encoding("s")?, Some("stream"));
    Ok(())
}
