//! ZRANGE and its forms, ZRANGESTORE, ZCOUNT, ZLEXCOUNT, the ZREMRANGEBY commands, and the
//! parsing of their arguments.

use keyp::{
    Bytes, LexBound, Limit, Result, ScoreBound, Store, ZRange, ZRangeArgs, ZRangeBy, ZRangeCommand,
};

use super::{add, error_text, names, open, scored};

fn fixture(store: &Store) -> Result<()> {
    add(
        store,
        "z",
        &[(1.0, "a"), (2.0, "b"), (3.0, "c"), (4.0, "d"), (5.0, "e")],
    )?;
    add(
        store,
        "l",
        &[(0.0, ""), (0.0, "a"), (0.0, "b"), (0.0, "c"), (0.0, "d")],
    )?;
    Ok(())
}

/// The members `command key first second options...` selects, as parsed from wire arguments.
fn run(store: &Store, command: ZRangeCommand, key: &str, args: &[&str]) -> Result<Vec<String>> {
    let parsed = ZRangeArgs::parse(command, args[0].as_bytes(), args[1].as_bytes(), &args[2..])?;
    Ok(names(&store.zrange(key, &parsed.range)?))
}

fn zrange(store: &Store, key: &str, args: &[&str]) -> Result<Vec<String>> {
    run(store, ZRangeCommand::ZRange, key, args)
}

fn bytes(s: &str) -> Bytes {
    Bytes::copy_from_slice(s.as_bytes())
}

#[test]
fn by_rank() -> Result<()> {
    let (_dir, store) = open()?;
    fixture(&store)?;
    assert_eq!(
        store.zrange("z", &ZRange::rank(1, 3))?,
        scored(&[("b", 2.0), ("c", 3.0), ("d", 4.0)])
    );
    assert_eq!(zrange(&store, "z", &["-2", "-1"])?, ["d", "e"]);
    assert_eq!(
        zrange(&store, "z", &["0", "-1", "rev"])?,
        ["e", "d", "c", "b", "a"]
    );
    assert_eq!(zrange(&store, "z", &["1", "2", "REV"])?, ["d", "c"]);
    assert_eq!(zrange(&store, "z", &["5", "1"])?, Vec::<String>::new());
    assert_eq!(zrange(&store, "z", &["-100", "100"])?.len(), 5);
    let wide = ZRange::rank(i64::MIN, i64::MAX);
    assert_eq!(store.zrange("z", &wide)?.len(), 5);
    // LIMIT with a count of -1 passes as no LIMIT, offset ignored.
    assert_eq!(
        zrange(&store, "l", &["0", "-1", "limit", "3", "-1"])?,
        ["", "a", "b", "c", "d"]
    );
    assert_eq!(
        store.zrevrange("z", 0, 1)?,
        scored(&[("e", 5.0), ("d", 4.0)])
    );
    assert_eq!(store.zrange("missing", &ZRange::rank(0, -1))?, vec![]);
    // Every window of a larger set, read from either end.
    let pairs: Vec<(f64, String)> = (0..40)
        .map(|i| (f64::from(i), format!("m{i:02}")))
        .collect();
    store.zadd("big", keyp::ZAddOptions::default(), &pairs)?;
    for start in 0..40 {
        let got = store.zrange("big", &ZRange::rank(start, start + 2))?;
        let want: Vec<String> = (start..(start + 3).min(40))
            .map(|i| format!("m{i:02}"))
            .collect();
        assert_eq!(names(&got), want);
        let got = store.zrange("big", &ZRange::rank(start, start + 2).rev())?;
        let want: Vec<String> = (start..(start + 3).min(40))
            .map(|i| format!("m{:02}", 39 - i))
            .collect();
        assert_eq!(names(&got), want);
    }
    Ok(())
}

#[test]
fn by_score() -> Result<()> {
    let (_dir, store) = open()?;
    fixture(&store)?;
    let cases: [(&[&str], &[&str]); 10] = [
        (&["(1", "4", "byscore"], &["b", "c", "d"]),
        (&["4", "(1", "byscore", "rev"], &["d", "c", "b"]),
        (&["-inf", "+inf", "byscore", "limit", "1", "2"], &["b", "c"]),
        (
            &["+inf", "-inf", "byscore", "rev", "limit", "1", "2"],
            &["d", "c"],
        ),
        (
            &["-inf", "+inf", "byscore", "limit", "3", "-1"],
            &["d", "e"],
        ),
        (
            &["-inf", "+inf", "byscore", "limit", "3", "-5"],
            &["d", "e"],
        ),
        (&["-inf", "+inf", "byscore", "limit", "5", "1"], &[]),
        (&["-inf", "+inf", "byscore", "limit", "-1", "2"], &[]),
        (&["(2", "(3", "byscore"], &[]),
        (&["3", "3", "BYSCORE"], &["c"]),
    ];
    for (args, want) in cases {
        assert_eq!(zrange(&store, "z", args)?, want, "{args:?}");
    }
    assert_eq!(
        run(&store, ZRangeCommand::ZRangeByScore, "z", &["(1", "(5"])?,
        ["b", "c", "d"]
    );
    assert_eq!(
        store.zrevrangebyscore(
            "z",
            ScoreBound::Exclusive(5.0),
            ScoreBound::Exclusive(1.0),
            Some(Limit {
                offset: 0,
                count: 2
            })
        )?,
        scored(&[("d", 4.0), ("c", 3.0)])
    );
    assert_eq!(
        store.zrangebyscore(
            "z",
            ScoreBound::Inclusive(5.0),
            ScoreBound::Inclusive(1.0),
            None
        )?,
        vec![]
    );
    assert_eq!(
        error_text(store.zrangebyscore(
            "z",
            ScoreBound::Inclusive(f64::NAN),
            ScoreBound::MAX,
            None
        )),
        "ERR min or max is not a float"
    );
    Ok(())
}

#[test]
fn infinite_and_odd_bounds() -> Result<()> {
    let (_dir, store) = open()?;
    let pairs = [
        (0.0, "b"),
        (1e-320, "e"),
        (0.1, "d"),
        (5.0, "a"),
        (1.0, "one"),
        (f64::INFINITY, "pinf"),
        (f64::NEG_INFINITY, "ninf"),
    ];
    store.zadd("z", keyp::ZAddOptions::default(), &pairs)?;
    let byscore =
        |min: &str, max: &str| run(&store, ZRangeCommand::ZRangeByScore, "z", &[min, max]);
    assert_eq!(byscore("", "")?, ["b"]);
    assert_eq!(byscore("(", "(5")?, ["e", "d", "one"]);
    assert_eq!(byscore(" 1", "10")?, ["one", "a"]);
    assert_eq!(byscore("0x1", "10")?, ["one", "a"]);
    assert_eq!(byscore("(-inf", "(+inf")?, ["b", "e", "d", "one", "a"]);
    assert_eq!(byscore("-INF", "+Inf")?.len(), 7);
    assert_eq!(byscore("-infinity", "infinity")?.len(), 7);
    assert_eq!(byscore("1e500", "1e600")?, ["pinf"]);
    assert_eq!(byscore("-1e500", "1e-500")?, ["ninf", "b"]);
    assert_eq!(byscore("(inf", "+inf")?, Vec::<String>::new());
    assert_eq!(byscore("inf", "-inf")?, Vec::<String>::new());
    for (min, max) in [
        ("1abc", "10"),
        ("nan", "1"),
        ("-nan", "1"),
        ("1 ", "2"),
        ("((1", "2"),
        (" (5", "10"),
    ] {
        assert_eq!(
            error_text(byscore(min, max)),
            "ERR min or max is not a float",
            "{min} {max}"
        );
    }
    assert_eq!(store.zcount("z", ScoreBound::MIN, ScoreBound::MAX)?, 7);
    assert_eq!(
        store.zcount(
            "z",
            ScoreBound::Exclusive(f64::NEG_INFINITY),
            ScoreBound::MAX
        )?,
        6
    );
    Ok(())
}

#[test]
fn by_lex() -> Result<()> {
    let (_dir, store) = open()?;
    fixture(&store)?;
    let cases: [(&[&str], &[&str]); 5] = [
        (&["(a", "[c", "bylex"], &["b", "c"]),
        (&["[c", "(a", "bylex", "rev"], &["c", "b"]),
        (&["-", "+", "bylex", "limit", "2", "10"], &["b", "c", "d"]),
        (&["+", "-", "bylex", "rev", "limit", "0", "2"], &["d", "c"]),
        (&["[c", "[a", "BYLEX", "REV"], &["c", "b", "a"]),
    ];
    for (args, want) in cases {
        assert_eq!(zrange(&store, "l", args)?, want, "{args:?}");
    }
    let bylex = |args: &[&str]| run(&store, ZRangeCommand::ZRangeByLex, "l", args);
    assert_eq!(bylex(&["-", "+"])?, ["", "a", "b", "c", "d"]);
    assert_eq!(bylex(&["+", "-"])?, Vec::<String>::new());
    assert_eq!(bylex(&["[b", "(d"])?, ["b", "c"]);
    assert_eq!(bylex(&["(", "+"])?, ["a", "b", "c", "d"]);
    assert_eq!(bylex(&["[", "+"])?, ["", "a", "b", "c", "d"]);
    assert_eq!(bylex(&["(", "(a"])?, Vec::<String>::new());
    assert_eq!(bylex(&["-", "+", "limit", "1", "2"])?, ["a", "b"]);
    assert_eq!(
        bylex(&["-", "+", "limit", "-1", "2"])?,
        Vec::<String>::new()
    );
    assert_eq!(
        bylex(&["-", "+", "limit", "1", "-1"])?,
        ["a", "b", "c", "d"]
    );
    assert_eq!(bylex(&["-", "+", "limit", "1", "0"])?, Vec::<String>::new());
    let revlex = |args: &[&str]| run(&store, ZRangeCommand::ZRevRangeByLex, "l", args);
    assert_eq!(revlex(&["+", "-", "limit", "1", "2"])?, ["c", "b"]);
    assert_eq!(revlex(&["-", "+"])?, Vec::<String>::new());
    assert_eq!(revlex(&["(c", "-"])?, ["b", "a", ""]);
    let typed = store.zrangebylex("l", LexBound::Exclusive(bytes("a")), LexBound::Plus, None)?;
    assert_eq!(typed, [bytes("b"), bytes("c"), bytes("d")]);
    let typed =
        store.zrevrangebylex("l", LexBound::Inclusive(bytes("b")), LexBound::Minus, None)?;
    assert_eq!(typed, [bytes("b"), bytes("a"), bytes("")]);
    for bad in [["b", "+"], ["-x", "+"], ["", "+"]] {
        assert_eq!(
            error_text(bylex(&bad)),
            "ERR min or max not valid string range item"
        );
    }
    Ok(())
}

/// With unequal scores, lex ranges answer what Redis's listpack answers.
#[test]
fn by_lex_over_unequal_scores() -> Result<()> {
    let (_dir, store) = open()?;
    add(
        &store,
        "m",
        &[(3.0, "a"), (1.0, "b"), (2.0, "c"), (5.0, "e"), (4.0, "d")],
    )?;
    let bylex = |args: &[&str]| run(&store, ZRangeCommand::ZRangeByLex, "m", args);
    let revlex = |args: &[&str]| run(&store, ZRangeCommand::ZRevRangeByLex, "m", args);
    assert_eq!(bylex(&["[b", "[c"])?, ["b", "c", "a"]);
    assert_eq!(bylex(&["-", "[b"])?, ["b"]);
    assert_eq!(bylex(&["[a", "+"])?, ["b", "c", "a", "d", "e"]);
    assert_eq!(bylex(&["[c", "+"])?, ["c", "a", "d", "e"]);
    assert_eq!(bylex(&["(b", "[d"])?, ["c", "a", "d"]);
    assert_eq!(bylex(&["[a", "+", "limit", "1", "2"])?, ["c", "a"]);
    assert_eq!(bylex(&["[c", "[z", "limit", "1", "2"])?, ["a", "d"]);
    assert_eq!(revlex(&["+", "[c"])?, ["e", "d"]);
    assert_eq!(revlex(&["[d", "-"])?, ["d", "a", "c", "b"]);
    assert_eq!(revlex(&["[c", "[a"])?, ["a", "c", "b"]);
    assert_eq!(
        store.zlexcount("m", LexBound::Inclusive(bytes("c")), LexBound::Plus)?,
        4
    );
    let removed = store.zremrangebylex(
        "m",
        LexBound::Inclusive(bytes("c")),
        LexBound::Inclusive(bytes("d")),
    )?;
    assert_eq!(removed, 3);
    assert_eq!(names(&store.zrange("m", &ZRange::rank(0, -1))?), ["b", "e"]);
    Ok(())
}

#[test]
fn zrange_arguments_parse_in_redis_order() -> Result<()> {
    let parse = |command, args: &[&str]| {
        ZRangeArgs::parse(command, args[0].as_bytes(), args[1].as_bytes(), &args[2..])
    };
    use ZRangeCommand as C;
    let parsed = parse(C::ZRange, &["0", "1", "WithScores", "withscores"])?;
    assert!(parsed.withscores);
    assert_eq!(parsed.range, ZRange::rank(0, 1));
    let parsed = parse(
        C::ZRevRangeByScore,
        &["(5", "1", "limit", "0", "2", "withscores"],
    )?;
    assert_eq!(
        parsed.range,
        ZRange {
            by: ZRangeBy::Score {
                min: ScoreBound::Inclusive(1.0),
                max: ScoreBound::Exclusive(5.0),
                limit: Some(Limit {
                    offset: 0,
                    count: 2
                }),
            },
            rev: true,
        }
    );
    assert_eq!(
        parse(C::ZRevRange, &["0", "1"])?.range,
        ZRange::rank(0, 1).rev()
    );
    let syntax = "ERR syntax error";
    let limit =
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
    let withscores = "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
    let integer = "ERR value is not an integer or out of range";
    let cases: [(C, &[&str], &str); 22] = [
        (C::ZRange, &["0", "-1", "limit", "0", "1"], limit),
        (C::ZRange, &["0", "-1", "limit", "0", "-2"], limit),
        (C::ZRevRange, &["0", "1", "limit", "0", "1"], limit),
        (C::ZRange, &["-", "+", "bylex", "withscores"], withscores),
        (
            C::ZRange,
            &["-", "+", "bylex", "limit", "0", "1", "withscores"],
            withscores,
        ),
        (C::ZRangeByLex, &["-", "+", "withscores"], withscores),
        (C::ZRange, &["0", "-1", "rev", "rev"], syntax),
        (C::ZRange, &["0", "-1", "bylex", "byscore"], syntax),
        (C::ZRange, &["0", "-1", "byscore", "bylex"], syntax),
        (C::ZRange, &["0", "-1", "limit", "1"], syntax),
        (C::ZRange, &["0", "-1", "foo"], syntax),
        (C::ZRangeStore, &["0", "-1", "withscores"], syntax),
        (C::ZRangeByScore, &["0", "1", "rev"], syntax),
        (C::ZRangeByScore, &["0", "1", "byscore"], syntax),
        (C::ZRangeByLex, &["-", "+", "bylex"], syntax),
        (C::ZRevRange, &["0", "1", "rev"], syntax),
        (C::ZRange, &["a", "b"], integer),
        (C::ZRange, &["0", "1", "limit", "a", "b"], integer),
        (C::ZRange, &["0", "1", "limit", "0", "b"], integer),
        (
            C::ZRange,
            &["a", "b", "byscore"],
            "ERR min or max is not a float",
        ),
        (
            C::ZRangeByLex,
            &["a", "+"],
            "ERR min or max not valid string range item",
        ),
        // Option errors come before range errors.
        (C::ZRange, &["x", "y", "bogus"], syntax),
    ];
    for (command, args, text) in cases {
        assert_eq!(
            error_text(parse(command, args)),
            text,
            "{command:?} {args:?}"
        );
    }
    Ok(())
}

#[test]
fn zrangestore() -> Result<()> {
    let (_dir, store) = open()?;
    fixture(&store)?;
    let range = ZRange::by_score(ScoreBound::Inclusive(1.0), ScoreBound::Inclusive(3.0))
        .rev()
        .limit(0, 2);
    assert_eq!(store.zrangestore("dst", "z", &range)?, 2);
    assert_eq!(
        store.zrange("dst", &ZRange::rank(0, -1))?,
        scored(&[("b", 2.0), ("c", 3.0)])
    );
    let lex = ZRange::by_lex(LexBound::Minus, LexBound::Plus).limit(1, 1);
    assert_eq!(store.zrangestore("dst", "l", &lex)?, 1);
    assert_eq!(
        store.zrange("dst", &ZRange::rank(0, -1))?,
        scored(&[("a", 0.0)])
    );
    // An empty result, or a missing source, deletes the destination, whatever its type.
    assert_eq!(store.zrangestore("dst", "l", &ZRange::rank(5, 6))?, 0);
    assert_eq!(store.exists(&["dst"])?, 0);
    store.set("dst", "string")?;
    assert_eq!(
        store.zrangestore("dst", "missing", &ZRange::rank(0, -1))?,
        0
    );
    assert_eq!(store.exists(&["dst"])?, 0);
    store.set("dst", "string")?;
    assert_eq!(store.zrangestore("dst", "z", &ZRange::rank(0, 0))?, 1);
    assert_eq!(store.zscore("dst", "a")?, Some(1.0));
    // The destination may be the source.
    assert_eq!(store.zrangestore("z", "z", &ZRange::rank(-2, -1))?, 2);
    assert_eq!(names(&store.zrange("z", &ZRange::rank(0, -1))?), ["d", "e"]);
    Ok(())
}

#[test]
fn counts() -> Result<()> {
    let (_dir, store) = open()?;
    fixture(&store)?;
    assert_eq!(
        store.zcount("z", ScoreBound::Exclusive(1.0), ScoreBound::Inclusive(3.0))?,
        2
    );
    assert_eq!(store.zcount("z", ScoreBound::MIN, ScoreBound::MAX)?, 5);
    assert_eq!(
        store.zcount("z", ScoreBound::Inclusive(5.0), ScoreBound::Inclusive(1.0))?,
        0
    );
    assert_eq!(
        store.zcount("missing", ScoreBound::MIN, ScoreBound::MAX)?,
        0
    );
    assert_eq!(store.zlexcount("l", LexBound::Minus, LexBound::Plus)?, 5);
    let (a, c) = (
        LexBound::Exclusive(bytes("a")),
        LexBound::Inclusive(bytes("c")),
    );
    assert_eq!(store.zlexcount("l", a, c)?, 2);
    assert_eq!(store.zlexcount("l", LexBound::Plus, LexBound::Minus)?, 0);
    assert_eq!(
        error_text(store.zcount("z", ScoreBound::MIN, ScoreBound::Exclusive(f64::NAN))),
        "ERR min or max is not a float"
    );
    Ok(())
}

#[test]
fn remove_ranges() -> Result<()> {
    let (_dir, store) = open()?;
    fixture(&store)?;
    assert_eq!(
        store.zremrangebyscore("z", ScoreBound::Exclusive(4.0), ScoreBound::MAX)?,
        1
    );
    assert_eq!(store.zremrangebyrank("z", 0, 0)?, 1);
    assert_eq!(
        store.zrange("z", &ZRange::rank(0, -1))?,
        scored(&[("b", 2.0), ("c", 3.0), ("d", 4.0)])
    );
    assert_eq!(store.zremrangebyrank("z", 5, 10)?, 0);
    assert_eq!(store.zremrangebyrank("z", -100, -3)?, 1);
    let removed = store.zremrangebylex(
        "l",
        LexBound::Inclusive(bytes("a")),
        LexBound::Exclusive(bytes("c")),
    )?;
    assert_eq!(removed, 2);
    assert_eq!(
        names(&store.zrange("l", &ZRange::rank(0, -1))?),
        ["", "c", "d"]
    );
    assert_eq!(
        store.zremrangebyscore("missing", ScoreBound::MIN, ScoreBound::MAX)?,
        0
    );
    assert_eq!(store.zremrangebyrank("z", 0, -1)?, 2);
    assert_eq!(store.exists(&["z"])?, 0);
    assert_eq!(
        store.zremrangebylex("l", LexBound::Minus, LexBound::Plus)?,
        3
    );
    assert_eq!(store.exists(&["l"])?, 0);
    Ok(())
}
