//! SINTER, SINTERCARD, SUNION, SDIFF and SINTERSTORE, SUNIONSTORE, SDIFFSTORE.

use std::time::Duration;

use keyp::{Error, ExpireCondition, KeyType, SinterCardArgs, Ttl};

use super::{is_wrongtype, open, sorted};

fn fixture() -> keyp::Result<(tempfile::TempDir, keyp::Store)> {
    let (dir, store) = open()?;
    store.sadd("a", &["1", "2", "3", "x"])?;
    store.sadd("b", &["2", "3", "4"])?;
    store.sadd("c", &["3", "x", "5"])?;
    store.set("str", "v")?;
    Ok((dir, store))
}

#[test]
fn sinter_keeps_members_in_every_set() -> keyp::Result<()> {
    let (_dir, store) = fixture()?;
    assert_eq!(sorted(store.sinter(&["a", "b"])?), ["2", "3"]);
    assert_eq!(store.sinter(&["a", "b", "c"])?, ["3"]);
    assert_eq!(sorted(store.sinter(&["a"])?), ["1", "2", "3", "x"]);
    assert_eq!(sorted(store.sinter(&["a", "a"])?), ["1", "2", "3", "x"]);
    assert!(store.sinter(&["a", "missing"])?.is_empty());
    assert!(store.sinter(&["missing", "a"])?.is_empty());
    assert!(store.sinter(&[] as &[&str])?.is_empty());
    store.sadd("d", &["9"])?;
    assert!(store.sinter(&["a", "d"])?.is_empty());
    Ok(())
}

#[test]
fn every_key_is_type_checked_even_after_a_missing_one() -> keyp::Result<()> {
    let (_dir, store) = fixture()?;
    assert!(is_wrongtype(store.sinter(&["missing", "str"])));
    assert!(is_wrongtype(store.sinter(&["str", "missing"])));
    assert!(is_wrongtype(store.sintercard(&["missing", "str"], 0)));
    assert!(is_wrongtype(store.sunion(&["missing", "str"])));
    assert!(is_wrongtype(store.sdiff(&["missing", "str"])));
    assert!(is_wrongtype(store.sdiff(&["a", "b", "str"])));
    assert!(is_wrongtype(store.sinterstore("dst", &["missing", "str"])));
    assert!(is_wrongtype(store.sunionstore("a", &["b", "str"])));
    assert!(is_wrongtype(store.sdiffstore("a", &["missing", "str"])));
    // The destinations were left alone.
    assert_eq!(store.exists(&["dst"])?, 0);
    assert_eq!(store.scard("a")?, 4);
    Ok(())
}

#[test]
fn sintercard_counts_up_to_the_limit() -> keyp::Result<()> {
    let (_dir, store) = fixture()?;
    assert_eq!(store.sintercard(&["a", "b"], 0)?, 2);
    assert_eq!(store.sintercard(&["a", "b"], 1)?, 1);
    assert_eq!(store.sintercard(&["a", "b"], 2)?, 2);
    assert_eq!(store.sintercard(&["a", "b"], 100)?, 2);
    assert_eq!(store.sintercard(&["a"], 3)?, 3);
    assert_eq!(store.sintercard(&["a", "a"], 0)?, 4);
    assert_eq!(store.sintercard(&["a", "b", "c"], 0)?, 1);
    assert_eq!(store.sintercard(&["a", "missing"], 0)?, 0);
    Ok(())
}

#[test]
fn sintercard_arguments_parse_as_redis_does() -> keyp::Result<()> {
    let parse = |args: &[&str]| SinterCardArgs::parse(args);
    let ok = |numkeys, limit| SinterCardArgs { numkeys, limit };
    assert_eq!(parse(&["1", "a"])?, ok(1, 0));
    assert_eq!(parse(&["2", "a", "b"])?, ok(2, 0));
    assert_eq!(parse(&["1", "a", "LIMIT", "0"])?, ok(1, 0));
    assert_eq!(parse(&["1", "a", "limit", "7"])?, ok(1, 7));
    assert_eq!(parse(&["1", "a", "LiMiT", "1", "limit", "2"])?, ok(1, 2));
    // A key named LIMIT is a key when numkeys covers it.
    assert_eq!(parse(&["2", "a", "limit"])?, ok(2, 0));
    let text = |args: &[&str]| parse(args).unwrap_err().to_string();
    for numkeys in ["0", "-1", "abc", "", "1.5", "01", "9223372036854775808"] {
        assert_eq!(
            text(&[numkeys, "a"]),
            "ERR numkeys should be greater than 0"
        );
    }
    assert_eq!(
        text(&["3", "a", "b"]),
        "ERR Number of keys can't be greater than number of args"
    );
    assert_eq!(
        text(&["9223372036854775807", "a"]),
        "ERR Number of keys can't be greater than number of args"
    );
    for limit in ["-1", "abc", "1.5", ""] {
        assert_eq!(
            text(&["1", "a", "LIMIT", limit]),
            "ERR LIMIT can't be negative"
        );
    }
    assert_eq!(
        text(&["1", "a", "LIMIT", "5", "LIMIT", "-1"]),
        "ERR LIMIT can't be negative"
    );
    assert!(matches!(parse(&["1", "a", "LIMIT"]), Err(Error::Syntax)));
    assert!(matches!(parse(&["1", "a", "foo"]), Err(Error::Syntax)));
    assert!(matches!(parse(&["1", "a", "foo", "1"]), Err(Error::Syntax)));
    Ok(())
}

#[test]
fn sunion_merges_without_repeats() -> keyp::Result<()> {
    let (_dir, store) = fixture()?;
    assert_eq!(
        sorted(store.sunion(&["a", "b", "c"])?),
        ["1", "2", "3", "4", "5", "x"]
    );
    assert_eq!(sorted(store.sunion(&["b", "missing"])?), ["2", "3", "4"]);
    assert_eq!(sorted(store.sunion(&["b", "b"])?), ["2", "3", "4"]);
    assert!(store.sunion(&["missing"])?.is_empty());
    // One order for every call: the members' hash order.
    let union = store.sunion(&["a", "b", "c"])?;
    assert_eq!(store.sunion(&["c", "b", "a"])?, union);
    store.sunionstore("u", &["a", "b", "c"])?;
    assert_eq!(store.smembers("u")?, union);
    Ok(())
}

#[test]
fn sdiff_keeps_members_of_the_first_set_only() -> keyp::Result<()> {
    let (_dir, store) = fixture()?;
    assert_eq!(sorted(store.sdiff(&["a", "b"])?), ["1", "x"]);
    assert_eq!(store.sdiff(&["a", "b", "c"])?, ["1"]);
    assert_eq!(
        sorted(store.sdiff(&["a", "missing"])?),
        ["1", "2", "3", "x"]
    );
    assert_eq!(sorted(store.sdiff(&["a"])?), ["1", "2", "3", "x"]);
    assert!(store.sdiff(&["missing", "a"])?.is_empty());
    assert!(store.sdiff(&["a", "a"])?.is_empty());
    assert!(store.sdiff(&["a", "missing", "a"])?.is_empty());
    Ok(())
}

#[test]
fn store_variants_replace_the_destination_and_return_the_size() -> keyp::Result<()> {
    let (_dir, store) = fixture()?;
    assert_eq!(store.sinterstore("i", &["a", "b"])?, 2);
    assert_eq!(sorted(store.smembers("i")?), ["2", "3"]);
    assert_eq!(store.sunionstore("u", &["a", "b"])?, 5);
    assert_eq!(sorted(store.smembers("u")?), ["1", "2", "3", "4", "x"]);
    assert_eq!(store.sdiffstore("d", &["a", "b"])?, 2);
    assert_eq!(sorted(store.smembers("d")?), ["1", "x"]);
    // A destination of another type, with a deadline, is replaced by a persistent set.
    store.expire("str", 100, ExpireCondition::Always)?;
    assert_eq!(store.sunionstore("str", &["b"])?, 3);
    assert_eq!(store.key_type("str")?, Some(KeyType::Set));
    assert_eq!(store.ttl("str")?, Ttl::Persistent);
    // So is a set destination: old members are gone, its deadline too.
    store.expire("i", 100, ExpireCondition::Always)?;
    assert_eq!(store.sdiffstore("i", &["c", "a"])?, 1);
    assert_eq!(store.smembers("i")?, ["5"]);
    assert_eq!(store.ttl("i")?, Ttl::Persistent);
    // The destination may be an input.
    assert_eq!(store.sinterstore("a", &["a", "b"])?, 2);
    assert_eq!(sorted(store.smembers("a")?), ["2", "3"]);
    assert_eq!(store.sunionstore("a", &["a", "c"])?, 4);
    assert_eq!(sorted(store.smembers("a")?), ["2", "3", "5", "x"]);
    Ok(())
}

#[test]
fn an_empty_result_deletes_the_destination() -> keyp::Result<()> {
    let (_dir, store) = fixture()?;
    store.set_ex("dst", "v", Duration::from_secs(100))?;
    assert_eq!(store.sinterstore("dst", &["a", "missing"])?, 0);
    assert_eq!(store.exists(&["dst"])?, 0);
    store.sadd("dst", &["old"])?;
    assert_eq!(store.sdiffstore("dst", &["b", "a"])?, 1);
    assert_eq!(store.smembers("dst")?, ["4"]);
    assert_eq!(store.sdiffstore("dst", &["b", "b"])?, 0);
    assert_eq!(store.exists(&["dst"])?, 0);
    store.sadd("dst", &["old"])?;
    assert_eq!(store.sunionstore("dst", &["missing"])?, 0);
    assert_eq!(store.exists(&["dst"])?, 0);
    // A missing destination with an empty result stays missing.
    assert_eq!(store.sinterstore("none", &["a", "missing"])?, 0);
    assert_eq!(store.exists(&["none"])?, 0);
    Ok(())
}

#[test]
fn bigger_sets_intersect_union_and_diff_correctly() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    let evens: Vec<String> = (0..600).step_by(2).map(|i| i.to_string()).collect();
    let threes: Vec<String> = (0..600).step_by(3).map(|i| i.to_string()).collect();
    store.sadd("evens", &evens)?;
    store.sadd("threes", &threes)?;
    let expect = |keep: &dyn Fn(u32) -> bool| -> Vec<keyp::Bytes> {
        let mut v: Vec<keyp::Bytes> = (0..600)
            .filter(|i| keep(*i))
            .map(|i| i.to_string().into())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        sorted(store.sinter(&["evens", "threes"])?),
        expect(&|i| i % 6 == 0)
    );
    assert_eq!(store.sintercard(&["threes", "evens"], 0)?, 100);
    assert_eq!(
        sorted(store.sunion(&["evens", "threes"])?),
        expect(&|i| i % 2 == 0 || i % 3 == 0)
    );
    assert_eq!(
        sorted(store.sdiff(&["evens", "threes"])?),
        expect(&|i| i % 2 == 0 && i % 3 != 0)
    );
    Ok(())
}
