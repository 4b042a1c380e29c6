//! ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD, and the parsing of their arguments.
//! (Plain sets as inputs are tested inside the crate, where a set can be written.)

use keyp::{Aggregate, Result, Store, ZCombine, ZCombineArgs, ZCombineCommand, ZRange};

use super::{add, error_text, names, open, scored};

fn fixture(store: &Store) -> Result<()> {
    add(store, "a", &[(1.0, "x"), (2.0, "y"), (3.0, "z")])?;
    add(store, "b", &[(10.0, "y"), (20.0, "z"), (30.0, "w")])?;
    Ok(())
}

fn with(weights: &[f64], aggregate: Aggregate) -> ZCombine {
    ZCombine {
        weights: weights.to_vec(),
        aggregate,
    }
}

#[test]
fn union_inter_diff() -> Result<()> {
    let (_dir, store) = open()?;
    fixture(&store)?;
    let plain = ZCombine::default();
    assert_eq!(
        store.zunion(&["a", "b"], &plain)?,
        scored(&[("x", 1.0), ("y", 12.0), ("z", 23.0), ("w", 30.0)])
    );
    assert_eq!(
        store.zunion(&["a", "b"], &with(&[2.0, 3.0], Aggregate::Sum))?,
        scored(&[("x", 2.0), ("y", 34.0), ("z", 66.0), ("w", 90.0)])
    );
    assert_eq!(
        store.zunion(&["a", "b"], &with(&[], Aggregate::Min))?,
        scored(&[("x", 1.0), ("y", 2.0), ("z", 3.0), ("w", 30.0)])
    );
    assert_eq!(
        store.zunion(&["a", "b"], &with(&[], Aggregate::Max))?,
        scored(&[("x", 1.0), ("y", 10.0), ("z", 20.0), ("w", 30.0)])
    );
    assert_eq!(
        store.zunion(&["a", "missing"], &plain)?,
        scored(&[("x", 1.0), ("y", 2.0), ("z", 3.0)])
    );
    assert_eq!(
        store.zunion(&["a"], &with(&[f64::INFINITY], Aggregate::Sum))?,
        scored(&[
            ("x", f64::INFINITY),
            ("y", f64::INFINITY),
            ("z", f64::INFINITY)
        ])
    );
    assert_eq!(
        store.zinter(&["a", "b"], &plain)?,
        scored(&[("y", 12.0), ("z", 23.0)])
    );
    assert_eq!(store.zinter(&["a", "missing"], &plain)?, vec![]);
    assert_eq!(
        store.zinter(&["a", "a"], &with(&[1.0, 2.0], Aggregate::Sum))?,
        scored(&[("x", 3.0), ("y", 6.0), ("z", 9.0)])
    );
    assert_eq!(store.zdiff(&["a", "b"])?, scored(&[("x", 1.0)]));
    assert_eq!(
        store.zdiff(&["a"])?,
        scored(&[("x", 1.0), ("y", 2.0), ("z", 3.0)])
    );
    assert_eq!(store.zdiff(&["a", "a"])?, vec![]);
    assert_eq!(store.zdiff(&["missing", "a"])?, vec![]);
    assert_eq!(store.zintercard(&["a", "b"], 0)?, 2);
    assert_eq!(store.zintercard(&["a", "b"], 1)?, 1);
    assert_eq!(store.zintercard(&["a", "b"], 5)?, 2);
    assert_eq!(store.zintercard(&["a", "missing"], 0)?, 0);
    Ok(())
}

#[test]
fn infinities_weights_and_input_order() -> Result<()> {
    let (_dir, store) = open()?;
    add(&store, "inf", &[(f64::INFINITY, "m")])?;
    add(&store, "ninf", &[(f64::NEG_INFINITY, "m")])?;
    add(&store, "five", &[(5.0, "m")])?;
    let sum = |weights: &[f64]| with(weights, Aggregate::Sum);
    // inf + -inf is 0; 0 * inf is 0.
    assert_eq!(
        store.zunion(&["inf", "ninf"], &sum(&[]))?,
        scored(&[("m", 0.0)])
    );
    assert_eq!(
        store.zunion(&["inf", "inf"], &sum(&[1.0, -1.0]))?,
        scored(&[("m", 0.0)])
    );
    assert_eq!(
        store.zunion(&["inf", "inf"], &sum(&[0.0, 1.0]))?,
        scored(&[("m", f64::INFINITY)])
    );
    assert_eq!(store.zunion(&["inf"], &sum(&[0.0]))?, scored(&[("m", 0.0)]));
    // ZINTER zeroes a NaN product only for the smallest input: later, it makes the SUM NaN
    // (then 0) and is ignored by MIN and MAX.
    assert_eq!(
        store.zinter(&["five", "inf"], &sum(&[1.0, 0.0]))?,
        scored(&[("m", 0.0)])
    );
    assert_eq!(
        store.zunion(&["five", "inf"], &sum(&[1.0, 0.0]))?,
        scored(&[("m", 5.0)])
    );
    assert_eq!(
        store.zinter(&["inf", "five"], &sum(&[0.0, 1.0]))?,
        scored(&[("m", 5.0)])
    );
    for aggregate in [Aggregate::Min, Aggregate::Max] {
        let combine = with(&[1.0, 0.0], aggregate);
        assert_eq!(
            store.zinter(&["five", "inf"], &combine)?,
            scored(&[("m", 5.0)])
        );
    }
    // Inputs are added smallest first: -2^53 + 1 + 2^53 = 1, whatever the key order.
    let big = 9_007_199_254_740_992.0;
    add(&store, "c2", &[(-big, "m")])?;
    add(&store, "b", &[(1.0, "m"), (1.0, "n")])?;
    add(&store, "a2", &[(big, "m"), (1.0, "x"), (2.0, "y")])?;
    let expect = scored(&[("m", 1.0), ("n", 1.0), ("x", 1.0), ("y", 2.0)]);
    assert_eq!(store.zunion(&["a2", "b", "c2"], &sum(&[]))?, expect);
    assert_eq!(store.zunion(&["c2", "b", "a2"], &sum(&[]))?, expect);
    assert_eq!(
        store.zinter(&["a2", "b", "c2"], &sum(&[]))?,
        scored(&[("m", 1.0)])
    );
    Ok(())
}

#[test]
fn store_forms() -> Result<()> {
    let (_dir, store) = open()?;
    fixture(&store)?;
    let plain = ZCombine::default();
    assert_eq!(store.zunionstore("d", &["a", "b"], &plain)?, 4);
    assert_eq!(store.zinterstore("d", &["a", "b"], &plain)?, 2);
    assert_eq!(
        store.zrange("d", &ZRange::rank(0, -1))?,
        scored(&[("y", 12.0), ("z", 23.0)])
    );
    assert_eq!(store.zdiffstore("d", &["a", "b"])?, 1);
    assert_eq!(
        store.zrange("d", &ZRange::rank(0, -1))?,
        scored(&[("x", 1.0)])
    );
    // An empty result deletes the destination, whatever it held.
    store.set("d", "string")?;
    assert_eq!(store.zdiffstore("d", &["missing"])?, 0);
    assert_eq!(store.exists(&["d"])?, 0);
    assert_eq!(store.zinterstore("d", &["a", "missing"], &plain)?, 0);
    assert_eq!(store.exists(&["d"])?, 0);
    // The destination may be an input.
    assert_eq!(
        store.zunionstore("a", &["a", "b"], &with(&[1.0, 0.5], Aggregate::Sum))?,
        4
    );
    assert_eq!(
        store.zrange("a", &ZRange::rank(0, -1))?,
        scored(&[("x", 1.0), ("y", 7.0), ("z", 13.0), ("w", 15.0)])
    );
    // A stored -0 follows the destination's encoding: a small result is a listpack.
    add(&store, "zero", &[(0.0, "m")])?;
    let negated = with(&[-1.0], Aggregate::Sum);
    let reply = store.zunion(&["zero"], &negated)?;
    assert!(reply[0].1 == 0.0 && reply[0].1.is_sign_negative());
    store.zunionstore("d", &["zero"], &negated)?;
    assert!(store.zscore("d", "m")?.is_some_and(f64::is_sign_positive));
    Ok(())
}

#[test]
fn typed_argument_errors() -> Result<()> {
    let (_dir, store) = open()?;
    fixture(&store)?;
    let none: [&str; 0] = [];
    let plain = ZCombine::default();
    assert_eq!(
        error_text(store.zunion(&none, &plain)),
        "ERR at least 1 input key is needed for 'zunion' command"
    );
    assert_eq!(
        error_text(store.zinterstore("d", &none, &plain)),
        "ERR at least 1 input key is needed for 'zinterstore' command"
    );
    assert_eq!(
        error_text(store.zdiff(&none)),
        "ERR at least 1 input key is needed for 'zdiff' command"
    );
    assert_eq!(
        error_text(store.zintercard(&none, 0)),
        "ERR at least 1 input key is needed for 'zintercard' command"
    );
    assert_eq!(
        error_text(store.zunion(&["a", "b"], &with(&[1.0], Aggregate::Sum))),
        "ERR syntax error"
    );
    assert_eq!(
        error_text(store.zunion(&["a"], &with(&[f64::NAN], Aggregate::Sum))),
        "ERR weight value is not a float"
    );
    Ok(())
}

#[test]
fn arguments_parse_in_redis_order() -> Result<()> {
    use ZCombineCommand as C;
    let parse = |command, args: &[&str]| ZCombineArgs::parse(command, args);
    let parsed = parse(
        C::ZUnion,
        &[
            "2",
            "a",
            "b",
            "weights",
            "2",
            "3",
            "aggregate",
            "MIN",
            "withscores",
        ],
    )?;
    assert_eq!(names_of(&parsed.keys), ["a", "b"]);
    assert_eq!(parsed.combine, with(&[2.0, 3.0], Aggregate::Min));
    assert!(parsed.withscores);
    // Repeated options: the last wins.
    let parsed = parse(
        C::ZInter,
        &[
            "2",
            "a",
            "b",
            "weights",
            "1",
            "1",
            "weights",
            "2",
            "2",
            "aggregate",
            "min",
            "aggregate",
            "max",
        ],
    )?;
    assert_eq!(parsed.combine, with(&[2.0, 2.0], Aggregate::Max));
    let parsed = parse(C::ZDiff, &["1", "a", "withscores", "withscores"])?;
    assert!(parsed.withscores);
    let syntax = "ERR syntax error";
    let weight = "ERR weight value is not a float";
    let cases: [(C, &[&str], &str); 17] = [
        (
            C::ZUnion,
            &["2", "a", "b", "weights", "2", "withscores"],
            weight,
        ),
        (C::ZUnion, &["2", "a", "b", "weights", "2", "x"], weight),
        (C::ZUnion, &["1", "a", "weights", "nan"], weight),
        (C::ZUnion, &["2", "a", "b", "weights", "2"], syntax),
        (C::ZUnion, &["2", "a", "b", "aggregate", "foo"], syntax),
        (C::ZUnion, &["2", "a", "b", "aggregate"], syntax),
        (
            C::ZUnion,
            &["0", "a"],
            "ERR at least 1 input key is needed for 'zunion' command",
        ),
        (
            C::ZUnion,
            &["-1", "a"],
            "ERR at least 1 input key is needed for 'zunion' command",
        ),
        (
            C::ZUnion,
            &["x", "a"],
            "ERR value is not an integer or out of range",
        ),
        (C::ZUnion, &["3", "a", "b"], syntax),
        (C::ZUnionStore, &["2", "a", "b", "withscores"], syntax),
        (C::ZInterStore, &["2", "k", "k", "weights", "1"], syntax),
        (C::ZDiff, &["2", "a", "b", "weights", "1", "1"], syntax),
        (C::ZDiff, &["2", "a", "b", "aggregate", "sum"], syntax),
        (
            C::ZDiff,
            &["0", "a"],
            "ERR at least 1 input key is needed for 'zdiff' command",
        ),
        (C::ZDiffStore, &["1", "a", "withscores"], syntax),
        (
            C::ZUnionStore,
            &["0", "a"],
            "ERR at least 1 input key is needed for 'zunionstore' command",
        ),
    ];
    for (command, args, text) in cases {
        assert_eq!(
            error_text(parse(command, args)),
            text,
            "{command:?} {args:?}"
        );
    }
    let (keys, limit) = keyp::parse_zintercard(&["2", "a", "b", "LIMIT", "1"])?;
    assert_eq!(
        (names_of(&keys), limit),
        (vec!["a".to_string(), "b".to_string()], 1)
    );
    assert_eq!(keyp::parse_zintercard(&["2", "a", "b", "limit", "0"])?.1, 0);
    let cases: [(&[&str], &str); 6] = [
        (
            &["2", "a", "b", "limit", "-1"],
            "ERR LIMIT can't be negative",
        ),
        (
            &["2", "a", "b", "limit", "x"],
            "ERR LIMIT can't be negative",
        ),
        (
            &["0", "a"],
            "ERR at least 1 input key is needed for 'zintercard' command",
        ),
        (&["3", "a", "b"], syntax),
        (&["2", "a", "b", "foo"], syntax),
        (&["2", "a", "b", "limit"], syntax),
    ];
    for (args, text) in cases {
        assert_eq!(error_text(keyp::parse_zintercard(args)), text, "{args:?}");
    }
    Ok(())
}

fn names_of(keys: &[keyp::Bytes]) -> Vec<String> {
    names(&keys.iter().map(|k| (k.clone(), 0.0)).collect::<Vec<_>>())
}
