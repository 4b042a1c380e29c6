//! Unit tests of the list internals: index arithmetic, argument parsing, and which side of a
//! middle insertion or removal gets renumbered.

use std::time::Duration;

use super::{offset_of, parse_pop_count, parse_timeout, range_of, LmpopArgs, LposOptions};
use super::{InsertPosition, ListEnd, START_SEQ};
use crate::error::Error;
use crate::Store;

#[test]
fn indexes_normalize_as_redis_does() {
    assert_eq!(offset_of(3, 0), Some(0));
    assert_eq!(offset_of(3, 2), Some(2));
    assert_eq!(offset_of(3, 3), None);
    assert_eq!(offset_of(3, -1), Some(2));
    assert_eq!(offset_of(3, -3), Some(0));
    assert_eq!(offset_of(3, -4), None);
    assert_eq!(offset_of(3, i64::MIN), None);
    assert_eq!(offset_of(3, i64::MAX), None);
    assert_eq!(offset_of(0, 0), None);

    assert_eq!(range_of(5, 0, -1), Some((0, 4)));
    assert_eq!(range_of(5, -100, 100), Some((0, 4)));
    assert_eq!(range_of(5, 2, 1), None);
    assert_eq!(range_of(5, 5, 10), None);
    assert_eq!(range_of(5, -2, -1), Some((3, 4)));
    assert_eq!(range_of(5, 0, -6), None);
    assert_eq!(range_of(5, i64::MIN, i64::MAX), Some((0, 4)));
    assert_eq!(range_of(5, i64::MAX, i64::MIN), None);
    assert_eq!(range_of(0, 0, -1), None);
}

fn text(result: crate::Result<impl std::fmt::Debug>) -> String {
    match result {
        Err(e) => e.to_string(),
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}

#[test]
fn lpos_options_parse_in_argument_order() {
    let none: [&[u8]; 0] = [];
    assert_eq!(
        LposOptions::parse(&none).unwrap(),
        (LposOptions { rank: 1, maxlen: 0 }, None)
    );
    assert_eq!(
        LposOptions::parse(&["rank", "-2", "COUNT", "0", "MaxLen", "7"]).unwrap(),
        (
            LposOptions {
                rank: -2,
                maxlen: 7
            },
            Some(0)
        )
    );
    // The last of a repeated option wins.
    assert_eq!(
        LposOptions::parse(&["RANK", "1", "RANK", "2"])
            .unwrap()
            .0
            .rank,
        2
    );
    assert_eq!(
        LposOptions::parse(&["RANK", "-9223372036854775808"])
            .unwrap()
            .0
            .rank,
        i64::MIN
    );
    let rank_zero = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the \
                     second ... or use negative to start from the end of the list";
    assert_eq!(text(LposOptions::parse(&["RANK", "0"])), rank_zero);
    assert_eq!(
        text(LposOptions::parse(&["RANK", "0", "COUNT", "abc"])),
        rank_zero
    );
    assert_eq!(
        text(LposOptions::parse(&["COUNT", "abc", "RANK", "0"])),
        "ERR COUNT can't be negative"
    );
    assert_eq!(
        text(LposOptions::parse(&["RANK", "x"])),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        text(LposOptions::parse(&["RANK", "9223372036854775808"])),
        "ERR value is not an integer or out of range"
    );
    for count in ["-1", "9223372036854775808", "1.5"] {
        assert_eq!(
            text(LposOptions::parse(&["COUNT", count])),
            "ERR COUNT can't be negative"
        );
    }
    for maxlen in ["-1", "x"] {
        assert_eq!(
            text(LposOptions::parse(&["MAXLEN", maxlen])),
            "ERR MAXLEN can't be negative"
        );
    }
    for bad in [
        &["FOO"][..],
        &["RANK"],
        &["FOO", "1"],
        &["COUNT", "1", "MAXLEN"],
    ] {
        assert!(
            matches!(LposOptions::parse(bad), Err(Error::Syntax)),
            "{bad:?}"
        );
    }
}

#[test]
fn lmpop_arguments_parse_with_redis_errors() {
    let args = LmpopArgs::parse(&["2", "a", "b", "right", "COUNT", "5"]).unwrap();
    assert_eq!(args.keys, vec![&b"a"[..], b"b"]);
    assert_eq!((args.end, args.count), (ListEnd::Right, 5));
    let args = LmpopArgs::parse(&["1", "k", "LEFT"]).unwrap();
    assert_eq!(
        (args.keys.len(), args.end, args.count),
        (1, ListEnd::Left, 1)
    );

    for numkeys in ["0", "-1", "abc", ""] {
        assert_eq!(
            text(LmpopArgs::parse(&[numkeys, "k", "LEFT"])),
            "ERR numkeys should be greater than 0"
        );
    }
    for count in ["0", "-1", "abc", "9223372036854775808"] {
        assert_eq!(
            text(LmpopArgs::parse(&["1", "k", "LEFT", "COUNT", count])),
            "ERR count should be greater than 0"
        );
    }
    for bad in [
        &["2", "k", "LEFT"][..],
        &["9223372036854775807", "k", "LEFT"],
        &["1", "k", "UP"],
        &["1", "k", "LEFT", "COUNT"],
        &["1", "k", "LEFT", "COUNT", "1", "COUNT", "2"],
        &["1", "k", "LEFT", "FOO", "1"],
        &[],
    ] {
        assert!(
            matches!(LmpopArgs::parse(bad), Err(Error::Syntax)),
            "{bad:?}"
        );
    }
}

#[test]
fn small_parsers() {
    assert_eq!(ListEnd::parse(b"lEfT").unwrap(), ListEnd::Left);
    assert_eq!(ListEnd::parse(b"RIGHT").unwrap(), ListEnd::Right);
    assert!(matches!(ListEnd::parse(b"up"), Err(Error::Syntax)));
    assert_eq!(
        InsertPosition::parse(b"before").unwrap(),
        InsertPosition::Before
    );
    assert_eq!(
        InsertPosition::parse(b"AFTER").unwrap(),
        InsertPosition::After
    );
    assert!(matches!(
        InsertPosition::parse(b"middle"),
        Err(Error::Syntax)
    ));

    assert_eq!(parse_pop_count(b"0").unwrap(), 0);
    assert_eq!(
        parse_pop_count(b"9223372036854775807").unwrap(),
        i64::MAX as u64
    );
    for bad in [&b"-1"[..], b"abc", b"1.0", b"9223372036854775808"] {
        assert_eq!(
            text(parse_pop_count(bad)),
            "ERR value is out of range, must be positive"
        );
    }
}

#[test]
fn timeouts_round_up_to_milliseconds_as_redis_7_0_does() {
    let ms = |arg: &str| parse_timeout(arg.as_bytes()).map(|d| d.as_millis());
    assert_eq!(ms("0").unwrap(), 0);
    assert_eq!(ms("-0").unwrap(), 0);
    // Redis 7.0.15: BLPOP k -0.0001 blocks forever, BLPOP k 0.0001 times out.
    assert_eq!(ms("-0.0001").unwrap(), 0);
    assert_eq!(ms("0.0001").unwrap(), 1);
    assert_eq!(ms("0.001").unwrap(), 1);
    assert_eq!(ms("0.0015").unwrap(), 2);
    assert_eq!(ms("1.5").unwrap(), 1500);
    assert_eq!(ms(".5").unwrap(), 500);
    assert_eq!(ms("5.").unwrap(), 5000);
    assert_eq!(ms("+1").unwrap(), 1000);
    assert_eq!(ms("1e3").unwrap(), 1_000_000);
    assert_eq!(ms("0x10").unwrap(), 16_000);
    assert_eq!(ms("9223372036854775.807").unwrap(), i64::MAX as u128);
    for negative in ["-1", "-0.9", "inf", "-inf", "1e400", "9999999999999999"] {
        assert_eq!(text(ms(negative)), "ERR timeout is negative", "{negative}");
    }
    for bad in ["abc", "nan", " 1", "1 ", "", "1e-5000"] {
        assert_eq!(
            text(ms(bad)),
            "ERR timeout is not a float or out of range",
            "{bad:?}"
        );
    }
    assert_eq!(parse_timeout(b"2").unwrap(), Duration::from_secs(2));
}

/// The sequence range `[head, tail)` the list at `key` occupies.
fn bounds(store: &Store, key: &str) -> (u64, u64) {
    let view = store
        .read(|r| r.list_view(key.as_bytes()))
        .unwrap()
        .unwrap();
    (view.head, view.tail)
}

#[test]
fn middle_changes_renumber_the_shorter_side() -> crate::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let items: Vec<String> = (0..10).map(|i| i.to_string()).collect();
    store.rpush("l", &items)?;
    assert_eq!(bounds(&store, "l"), (START_SEQ, START_SEQ + 10));

    // Near the head: the head side moves out by one, the tail stays.
    store.linsert("l", InsertPosition::Before, "2", "x")?;
    assert_eq!(bounds(&store, "l"), (START_SEQ - 1, START_SEQ + 10));
    // Near the tail: the tail side moves.
    store.linsert("l", InsertPosition::After, "8", "y")?;
    assert_eq!(bounds(&store, "l"), (START_SEQ - 1, START_SEQ + 11));
    assert_eq!(
        store.lrange("l", 0, -1)?,
        ["0", "1", "x", "2", "3", "4", "5", "6", "7", "8", "y", "9"]
    );

    // Removing near the head closes the gap from the head side.
    store.lrem("l", 1, "1")?;
    assert_eq!(bounds(&store, "l"), (START_SEQ, START_SEQ + 11));
    // Removing near the tail closes it from the tail side.
    store.lrem("l", -1, "y")?;
    assert_eq!(bounds(&store, "l"), (START_SEQ, START_SEQ + 10));
    // Two removals spread apart: the cheaper of the two sides moves.
    store.lrem("l", 0, "x")?;
    store.rpush("l", &["x"])?;
    store.lpush("l", &["x"])?;
    assert_eq!(bounds(&store, "l"), (START_SEQ, START_SEQ + 11));
    // Nine survivors on either side: the tail side moves left.
    assert_eq!(store.lrem("l", 0, "x")?, 2);
    assert_eq!(bounds(&store, "l"), (START_SEQ, START_SEQ + 9));
    assert_eq!(
        store.lrange("l", 0, -1)?,
        ["0", "2", "3", "4", "5", "6", "7", "8", "9"]
    );
    Ok(())
}
