//! ZADD and its options, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK.

use keyp::{Result, ZAddArgs, ZAddOptions};

use super::{add, error_text, open, scored, WRONGTYPE};

fn opts(flags: &str) -> ZAddOptions {
    ZAddOptions {
        nx: flags.contains("nx"),
        xx: flags.contains("xx"),
        gt: flags.contains("gt"),
        lt: flags.contains("lt"),
        ch: flags.contains("ch"),
    }
}

#[test]
fn zadd_adds_updates_and_counts() -> Result<()> {
    let (_dir, store) = open()?;
    assert_eq!(add(&store, "k", &[(1.0, "a"), (2.0, "a")])?, 1);
    assert_eq!(store.zscore("k", "a")?, Some(2.0));
    // Added, then updated in the same call: CH counts both.
    assert_eq!(store.zadd("k", opts("ch"), &[(1.0, "b"), (3.0, "b")])?, 2);
    assert_eq!(store.zadd("k", opts("ch"), &[(3.0, "b")])?, 0);
    // a=2, b=3: GT lowers nothing; c is new.
    assert_eq!(
        store.zadd("k", opts("ch gt"), &[(1.0, "a"), (5.0, "b"), (0.0, "c")])?,
        2
    );
    assert_eq!(
        store.zadd("k", opts("ch lt"), &[(1.0, "a"), (5.0, "b"), (0.0, "c")])?,
        1
    );
    // XX never adds; XX GT updates upwards.
    assert_eq!(
        store.zadd("k", opts("xx gt ch"), &[(10.0, "a"), (10.0, "new")])?,
        1
    );
    assert_eq!(
        store.zrange("k", &keyp::ZRange::rank(0, -1))?,
        scored(&[("c", 0.0), ("b", 5.0), ("a", 10.0)])
    );
    // NX never updates.
    assert_eq!(store.zadd("k", opts("nx"), &[(99.0, "a"), (7.0, "d")])?, 1);
    assert_eq!(store.zscore("k", "a")?, Some(10.0));
    // XX on a missing key creates nothing.
    assert_eq!(store.zadd("none", opts("xx"), &[(1.0, "a")])?, 0);
    assert_eq!(store.exists(&["none"])?, 0);
    assert_eq!(store.zcard("k")?, 4);
    Ok(())
}

#[test]
fn zadd_incr_and_zincrby() -> Result<()> {
    let (_dir, store) = open()?;
    assert_eq!(store.zadd_incr("z", opts(""), 1.0, "a")?, Some(1.0));
    assert_eq!(store.zadd_incr("z", opts("nx"), 1.0, "a")?, None);
    assert_eq!(store.zadd_incr("z", opts("xx"), 1.0, "q")?, None);
    assert_eq!(store.zadd_incr("z", opts("gt"), -5.0, "a")?, None);
    assert_eq!(store.zadd_incr("z", opts("gt"), 0.0, "a")?, None);
    assert_eq!(store.zadd_incr("z", opts("lt"), 0.0, "a")?, None);
    assert_eq!(store.zadd_incr("z", opts("lt"), -5.0, "a")?, Some(-4.0));
    assert_eq!(store.zadd_incr("z", opts("nx"), 0.0, "new")?, Some(0.0));
    assert_eq!(store.zadd_incr("none", opts("xx"), 1.0, "a")?, None);
    assert_eq!(store.exists(&["none"])?, 0);
    assert_eq!(store.zincrby("z", f64::INFINITY, "a")?, f64::INFINITY);
    assert_eq!(
        error_text(store.zincrby("z", f64::NEG_INFINITY, "a")),
        "ERR resulting score is not a number (NaN)"
    );
    assert_eq!(store.zscore("z", "a")?, Some(f64::INFINITY));
    assert_eq!(store.zincrby("fresh", 2.5, "m")?, 2.5);
    assert_eq!(store.zincrby("fresh", -0.5, "m")?, 2.0);
    assert_eq!(
        error_text(store.zincrby("fresh", f64::NAN, "m")),
        "ERR value is not a valid float"
    );
    Ok(())
}

#[test]
fn zadd_option_errors() -> Result<()> {
    let (_dir, store) = open()?;
    let pair = [(1.0, "a")];
    assert_eq!(
        error_text(store.zadd("z", opts("xx nx"), &pair)),
        "ERR XX and NX options at the same time are not compatible"
    );
    for bad in ["gt lt", "gt nx", "lt nx"] {
        assert_eq!(
            error_text(store.zadd("z", opts(bad), &pair)),
            "ERR GT, LT, and/or NX options at the same time are not compatible"
        );
    }
    assert_eq!(
        error_text(store.zadd("z", opts(""), &[(f64::NAN, "a")])),
        "ERR value is not a valid float"
    );
    let none: [(f64, &str); 0] = [];
    assert_eq!(
        error_text(store.zadd("z", opts(""), &none)),
        "ERR syntax error"
    );
    assert_eq!(store.exists(&["z"])?, 0);
    Ok(())
}

#[test]
fn zadd_arguments_parse_in_redis_order() -> Result<()> {
    let parse = |args: &[&str]| ZAddArgs::parse(args);
    let parsed = parse(&["ch", "XX", "gt", "1", "a", "2.5", "b"])?;
    assert_eq!(parsed.options, opts("ch xx gt"));
    assert!(!parsed.incr);
    assert_eq!(parsed.pairs, vec![(1.0, "a".into()), (2.5, "b".into())]);
    let parsed = parse(&["INCR", "-inf", "m"])?;
    assert!(parsed.incr);
    // A flag name after the first score is a member.
    assert_eq!(parse(&["1", "nx"])?.pairs, vec![(1.0, "nx".into())]);
    let cases: [(&[&str], &str); 9] = [
        (
            &["xx", "nx", "1", "a"],
            "ERR XX and NX options at the same time are not compatible",
        ),
        (
            &["gt", "lt", "1", "a"],
            "ERR GT, LT, and/or NX options at the same time are not compatible",
        ),
        (
            &["gt", "nx", "1", "a"],
            "ERR GT, LT, and/or NX options at the same time are not compatible",
        ),
        (
            &["incr", "1", "a", "2", "b"],
            "ERR INCR option supports a single increment-element pair",
        ),
        (&["1", "a", "2"], "ERR syntax error"),
        (&["ch"], "ERR syntax error"),
        // The syntax check comes before the option checks.
        (&["xx", "nx", "1"], "ERR syntax error"),
        (&["nan", "x"], "ERR value is not a valid float"),
        (&["1", "a", "x", "b"], "ERR value is not a valid float"),
    ];
    for (args, text) in cases {
        assert_eq!(error_text(parse(args)), text, "{args:?}");
    }
    Ok(())
}

#[test]
fn zrem_zcard_zscore_zmscore() -> Result<()> {
    let (_dir, store) = open()?;
    add(&store, "z", &[(1.0, "a"), (2.0, "b"), (3.0, "c")])?;
    assert_eq!(store.zrem("z", &["nope", "a", "a"])?, 1);
    assert_eq!(store.zrem("missing", &["a"])?, 0);
    assert_eq!(store.zcard("z")?, 2);
    assert_eq!(store.zcard("missing")?, 0);
    assert_eq!(store.zscore("z", "b")?, Some(2.0));
    assert_eq!(store.zscore("z", "a")?, None);
    assert_eq!(store.zscore("missing", "a")?, None);
    assert_eq!(
        store.zmscore("z", &["c", "nope", "b"])?,
        vec![Some(3.0), None, Some(2.0)]
    );
    assert_eq!(store.zmscore("missing", &["a", "b"])?, vec![None, None]);
    // The last member's removal deletes the key.
    assert_eq!(store.zrem("z", &["b", "c"])?, 2);
    assert_eq!(store.exists(&["z"])?, 0);
    assert_eq!(store.zcard("z")?, 0);
    Ok(())
}

#[test]
fn zrank_and_zrevrank() -> Result<()> {
    let (_dir, store) = open()?;
    let pairs: Vec<(f64, String)> = (0..50)
        .map(|i| (f64::from(i / 2), format!("m{i:02}")))
        .collect();
    store.zadd("z", ZAddOptions::default(), &pairs)?;
    for (i, (_, member)) in pairs.iter().enumerate() {
        assert_eq!(store.zrank("z", member)?, Some(i as u64));
        assert_eq!(store.zrevrank("z", member)?, Some(49 - i as u64));
    }
    assert_eq!(store.zrank("z", "nope")?, None);
    assert_eq!(store.zrevrank("missing", "a")?, None);
    Ok(())
}

#[test]
fn negative_zero_follows_the_encoding() -> Result<()> {
    let (_dir, store) = open()?;
    // A listpack stores -0 as 0; Redis still replies with the score it computed.
    add(&store, "small", &[(-0.0, "a")])?;
    assert!(store
        .zscore("small", "a")?
        .is_some_and(|s| s == 0.0 && s.is_sign_positive()));
    let reply = store.zincrby("small", -0.0, "q")?;
    assert!(reply == 0.0 && reply.is_sign_negative());
    assert!(store
        .zscore("small", "q")?
        .is_some_and(f64::is_sign_positive));
    // A skiplist (a member over 64 bytes) keeps it, in ranges too.
    add(&store, "big", &[(1.0, &"x".repeat(70)), (-0.0, "a")])?;
    assert!(store.zscore("big", "a")?.is_some_and(f64::is_sign_negative));
    let range = store.zrange("big", &keyp::ZRange::rank(0, 0))?;
    assert!(range[0].1 == 0.0 && range[0].1.is_sign_negative());
    // ZRANGESTORE fills a listpack in order: a -0 met before it becomes a skiplist is 0.
    let negative = |key: &str| -> Result<bool> {
        Ok(store.zscore(key, "a")?.is_some_and(f64::is_sign_negative))
    };
    let (all, first) = (keyp::ZRange::rank(0, -1), keyp::ZRange::rank(0, 0));
    store.zrangestore("d", "big", &first)?;
    assert!(!negative("d")?);
    store.zrangestore("d", "big", &all)?;
    assert!(!negative("d")?);
    // The other STORE commands encode the finished result.
    store.zdiffstore("d", &["big"])?;
    assert!(negative("d")?);
    let pairs: Vec<(f64, String)> = (1..=130).map(|i| (f64::from(i), format!("m{i}"))).collect();
    store.zadd("many", ZAddOptions::default(), &pairs)?;
    store.zadd("many", ZAddOptions::default(), &[(-0.0, "a")])?;
    assert!(negative("many")?);
    let (min, max) = (keyp::ScoreBound::MIN, keyp::ScoreBound::MAX);
    let cases = [
        (all.clone(), true),
        (all.clone().rev(), true),
        (keyp::ZRange::by_score(min, max), false),
        (keyp::ZRange::by_score(min, max).rev(), true),
        (
            keyp::ZRange::by_lex(keyp::LexBound::Minus, keyp::LexBound::Plus),
            false,
        ),
    ];
    for (range, kept) in cases {
        assert_eq!(store.zrangestore("r", "many", &range)?, 131);
        assert_eq!(negative("r")?, kept, "{range:?}");
    }
    store.zunionstore("u", &["many"], &keyp::ZCombine::default())?;
    assert!(negative("u")?);
    // ZADD fills in order too; a long member converts before it is stored.
    let long = "x".repeat(70);
    add(&store, "t", &[(-0.0, "a"), (1.0, &long)])?;
    assert!(!negative("t")?);
    store.zincrby("t3", -0.0, &long)?;
    assert!(store
        .zscore("t3", &long)?
        .is_some_and(f64::is_sign_negative));
    Ok(())
}

#[test]
fn commands_on_another_type_fail_with_wrongtype() -> Result<()> {
    let (_dir, store) = open()?;
    store.set("s", "v")?;
    let none = ZAddOptions::default();
    assert_eq!(error_text(store.zadd("s", none, &[(1.0, "a")])), WRONGTYPE);
    assert_eq!(error_text(store.zadd_incr("s", none, 1.0, "a")), WRONGTYPE);
    assert_eq!(error_text(store.zincrby("s", 1.0, "a")), WRONGTYPE);
    assert_eq!(error_text(store.zrem("s", &["a"])), WRONGTYPE);
    assert_eq!(error_text(store.zcard("s")), WRONGTYPE);
    assert_eq!(error_text(store.zscore("s", "a")), WRONGTYPE);
    assert_eq!(error_text(store.zmscore("s", &["a"])), WRONGTYPE);
    assert_eq!(error_text(store.zrank("s", "a")), WRONGTYPE);
    assert_eq!(error_text(store.zrevrank("s", "a")), WRONGTYPE);
    let all = keyp::ZRange::rank(0, -1);
    assert_eq!(error_text(store.zrange("s", &all)), WRONGTYPE);
    assert_eq!(error_text(store.zrangestore("d", "s", &all)), WRONGTYPE);
    assert_eq!(error_text(store.zrevrange("s", 0, -1)), WRONGTYPE);
    let (min, max) = (keyp::ScoreBound::MIN, keyp::ScoreBound::MAX);
    let (lo, hi) = (keyp::LexBound::Minus, keyp::LexBound::Plus);
    assert_eq!(
        error_text(store.zrangebyscore("s", min, max, None)),
        WRONGTYPE
    );
    assert_eq!(
        error_text(store.zrevrangebyscore("s", max, min, None)),
        WRONGTYPE
    );
    assert_eq!(
        error_text(store.zrangebylex("s", lo.clone(), hi.clone(), None)),
        WRONGTYPE
    );
    assert_eq!(
        error_text(store.zrevrangebylex("s", hi.clone(), lo.clone(), None)),
        WRONGTYPE
    );
    assert_eq!(error_text(store.zcount("s", min, max)), WRONGTYPE);
    assert_eq!(
        error_text(store.zlexcount("s", lo.clone(), hi.clone())),
        WRONGTYPE
    );
    assert_eq!(error_text(store.zremrangebyrank("s", 0, -1)), WRONGTYPE);
    assert_eq!(error_text(store.zremrangebyscore("s", min, max)), WRONGTYPE);
    assert_eq!(error_text(store.zremrangebylex("s", lo, hi)), WRONGTYPE);
    assert_eq!(error_text(store.zpopmin("s", 1)), WRONGTYPE);
    assert_eq!(error_text(store.zpopmax("s", 0)), WRONGTYPE);
    assert_eq!(
        error_text(store.zmpop(&["s"], keyp::ScoreEnd::Min, 1)),
        WRONGTYPE
    );
    assert_eq!(error_text(store.zrandmember("s")), WRONGTYPE);
    assert_eq!(
        error_text(store.zrandmember_count("s", 0, false)),
        WRONGTYPE
    );
    let scan = keyp::ScanOptions::new();
    assert_eq!(error_text(store.zscan("s", 0, &scan)), WRONGTYPE);
    let combine = keyp::ZCombine::default();
    assert_eq!(error_text(store.zunion(&["s"], &combine)), WRONGTYPE);
    assert_eq!(error_text(store.zinter(&["s"], &combine)), WRONGTYPE);
    assert_eq!(error_text(store.zdiff(&["s"])), WRONGTYPE);
    assert_eq!(
        error_text(store.zunionstore("d", &["s"], &combine)),
        WRONGTYPE
    );
    assert_eq!(
        error_text(store.zinterstore("d", &["s"], &combine)),
        WRONGTYPE
    );
    assert_eq!(error_text(store.zdiffstore("d", &["s"])), WRONGTYPE);
    assert_eq!(error_text(store.zintercard(&["s"], 0)), WRONGTYPE);
    let wait = std::time::Duration::from_millis(1);
    assert_eq!(error_text(store.bzpopmin(&["s"], wait)), WRONGTYPE);
    assert_eq!(error_text(store.bzpopmax(&["s"], wait)), WRONGTYPE);
    assert_eq!(
        error_text(store.bzmpop(wait, &["s"], keyp::ScoreEnd::Max, 1)),
        WRONGTYPE
    );
    // The string is untouched.
    assert_eq!(store.get("s")?.as_deref(), Some(&b"v"[..]));
    Ok(())
}
