//! INCR, DECR, INCRBY, DECRBY.

use keyp::{Error, Result};

use super::{error_text, open, some};

#[test]
fn counting_up_and_down() -> Result<()> {
    let (_dir, store, _) = open()?;
    assert_eq!(store.incr("n")?, 1);
    assert_eq!(store.incr("n")?, 2);
    assert_eq!(store.decr("n")?, 1);
    assert_eq!(store.incr_by("n", 10)?, 11);
    assert_eq!(store.incr_by("n", -20)?, -9);
    assert_eq!(store.decr_by("n", 1)?, -10);
    assert_eq!(store.decr_by("n", -15)?, 5);
    assert_eq!(store.get("n")?, some("5"));
    assert_eq!(store.decr("fresh")?, -1);
    assert_eq!(store.incr_by("fresh2", 0)?, 0);
    assert_eq!(store.get("fresh2")?, some("0"));
    assert_eq!(store.decr_by("fresh3", 7)?, -7);
    // Values that SET stored as strings count too.
    store.set("s", "-9223372036854775807")?;
    assert_eq!(store.decr("s")?, i64::MIN);
    assert_eq!(store.get("s")?, some("-9223372036854775808"));
    store.set("s", "9223372036854775806")?;
    assert_eq!(store.incr("s")?, i64::MAX);
    Ok(())
}

#[test]
fn overflow_is_refused_and_nothing_changes() -> Result<()> {
    let (_dir, store, _) = open()?;
    let text = "ERR increment or decrement would overflow";
    store.set("max", "9223372036854775807")?;
    assert_eq!(error_text(store.incr("max")), text);
    assert_eq!(error_text(store.incr_by("max", 1)), text);
    assert_eq!(error_text(store.decr_by("max", -1)), text);
    assert_eq!(store.get("max")?, some("9223372036854775807"));
    store.set("min", "-9223372036854775808")?;
    assert_eq!(error_text(store.decr("min")), text);
    assert_eq!(error_text(store.incr_by("min", -1)), text);
    assert_eq!(error_text(store.decr_by("min", 1)), text);
    assert_eq!(store.get("min")?, some("-9223372036854775808"));
    store.set("n", "1")?;
    assert_eq!(error_text(store.incr_by("n", i64::MAX)), text);
    assert_eq!(store.incr_by("n", i64::MAX - 1)?, i64::MAX);
    store.set("n", "-1")?;
    assert_eq!(store.incr_by("n", i64::MIN + 1)?, i64::MIN);
    Ok(())
}

#[test]
fn decrby_i64_min_is_refused_before_the_key_is_read() -> Result<()> {
    let (_dir, store, _) = open()?;
    assert_eq!(
        error_text(store.decr_by("n", i64::MIN)),
        "ERR decrement would overflow"
    );
    assert_eq!(store.exists(&["n"])?, 0);
    store.set("text", "abc")?;
    assert!(matches!(
        store.decr_by("text", i64::MIN),
        Err(Error::DecrementOverflow)
    ));
    // INCRBY by i64::MIN is an ordinary increment.
    assert_eq!(store.incr_by("zero", i64::MIN)?, i64::MIN);
    Ok(())
}

#[test]
fn only_redis_integers_count() -> Result<()> {
    let (_dir, store, _) = open()?;
    let not_integers = [
        "01",
        " 1",
        "1 ",
        "1.0",
        "-0",
        "+1",
        "abc",
        "",
        "-",
        "0x10",
        "1e3",
        "9223372036854775808",
        "-9223372036854775809",
        "123456789012345678901",
    ];
    for value in not_integers {
        store.set("v", value)?;
        for result in [
            store.incr("v"),
            store.decr("v"),
            store.incr_by("v", 2),
            store.decr_by("v", 2),
        ] {
            assert_eq!(
                error_text(result),
                "ERR value is not an integer or out of range",
                "{value:?}"
            );
        }
        assert_eq!(store.get("v")?, some(value));
    }
    Ok(())
}
