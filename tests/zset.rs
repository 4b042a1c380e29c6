//! Integration tests of the sorted-set commands, one submodule per command group. Expected
//! values and error texts were checked against redis-server 7.0.15.

use keyp::{Bytes, Error, Result, Store, ZAddOptions};

#[path = "zset/add.rs"]
mod add;
#[path = "zset/aggregate.rs"]
mod aggregate;
#[path = "zset/blocking.rs"]
mod blocking;
#[path = "zset/members.rs"]
mod members;
#[path = "zset/pop.rs"]
mod pop;
#[path = "zset/range.rs"]
mod range;

/// A fresh store; keep the tempdir alive as long as the store.
pub fn open() -> Result<(tempfile::TempDir, Store)> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    Ok((dir, store))
}

/// ZADD without options.
pub fn add(store: &Store, key: &str, pairs: &[(f64, &str)]) -> Result<u64> {
    store.zadd(key, ZAddOptions::default(), pairs)
}

/// Members with scores, as the commands return them.
pub fn scored(pairs: &[(&str, f64)]) -> Vec<(Bytes, f64)> {
    pairs
        .iter()
        .map(|(m, s)| (Bytes::copy_from_slice(m.as_bytes()), *s))
        .collect()
}

/// The members of a result, as strings.
pub fn names(result: &[(Bytes, f64)]) -> Vec<String> {
    result
        .iter()
        .map(|(m, _)| String::from_utf8_lossy(m).into_owned())
        .collect()
}

/// The Redis error text of a result that must be an error.
pub fn error_text<T: std::fmt::Debug>(result: Result<T>) -> String {
    match result {
        Err(error) => error.to_string(),
        Ok(value) => panic!("expected an error, got {value:?}"),
    }
}

/// The WRONGTYPE reply.
pub const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

#[test]
fn error_texts_are_redis_replies() {
    let cases: [(Error, &str); 16] = [
        (
            Error::ZaddXxAndNx,
            "ERR XX and NX options at the same time are not compatible",
        ),
        (
            Error::ZaddGtLtNx,
            "ERR GT, LT, and/or NX options at the same time are not compatible",
        ),
        (
            Error::ZaddIncrPair,
            "ERR INCR option supports a single increment-element pair",
        ),
        (Error::ScoreNan, "ERR resulting score is not a number (NaN)"),
        (Error::MinMaxNotFloat, "ERR min or max is not a float"),
        (
            Error::MinMaxNotStringRange,
            "ERR min or max not valid string range item",
        ),
        (
            Error::LimitNeedsByScoreOrByLex,
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        ),
        (
            Error::WithScoresByLex,
            "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
        ),
        (Error::WeightNotFloat, "ERR weight value is not a float"),
        (
            Error::NoInputKeys("zunionstore"),
            "ERR at least 1 input key is needed for 'zunionstore' command",
        ),
        (Error::NegativeLimit, "ERR LIMIT can't be negative"),
        (
            Error::NotPositive,
            "ERR value is out of range, must be positive",
        ),
        (Error::CountNotPositive, "ERR count should be greater than 0"),
        (
            Error::NumkeysNotPositive,
            "ERR numkeys should be greater than 0",
        ),
        (
            Error::OutOfRangeBetween { min: -i64::MAX, max: i64::MAX },
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        ),
        (Error::OutOfRange, "ERR value is out of range"),
    ];
    for (error, text) in cases {
        assert_eq!(error.to_string(), text);
    }
}

#[test]
fn scores_print_as_redis_replies() {
    for (score, text) in [
        (1.0, "1"),
        (-2.5, "-2.5"),
        (0.1, "0.10000000000000001"),
        (1e22, "1e+22"),
        (1.5e300, "1.5000000000000001e+300"),
        (123456789012345678.0, "1.2345678901234568e+17"),
        (1e-320, "9.9998886718268301e-321"),
        (-0.0, "-0"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
    ] {
        assert_eq!(keyp::format_score(score), text);
    }
}

#[test]
fn score_arguments_parse_as_redis() -> Result<()> {
    for (arg, value) in [
        ("1", 1.0),
        ("-1.5", -1.5),
        ("0x10", 16.0),
        ("1e-310", 1e-310),
        ("inf", f64::INFINITY),
        ("+inf", f64::INFINITY),
        ("-inf", f64::NEG_INFINITY),
        ("infinity", f64::INFINITY),
        ("-Infinity", f64::NEG_INFINITY),
    ] {
        assert_eq!(keyp::parse_score(arg.as_bytes())?, value, "{arg}");
    }
    for arg in [
        "", " 1", "1 ", "nan", "-nan", "1e400", "1e-400", "abc", "1\u{0}",
    ] {
        assert_eq!(
            error_text(keyp::parse_score(arg.as_bytes())),
            "ERR value is not a valid float",
            "{arg:?}"
        );
    }
    assert_eq!(
        error_text(keyp::parse_weight(b"x")),
        "ERR weight value is not a float"
    );
    Ok(())
}
