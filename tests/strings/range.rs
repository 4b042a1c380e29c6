//! APPEND, GETRANGE, SUBSTR, SETRANGE.

use keyp::{Error, Result, MAX_STRING_LEN};

use super::{error_text, open, some};

#[test]
fn append() -> Result<()> {
    let (_dir, store, _) = open()?;
    assert_eq!(store.append("k", "Hello")?, 5);
    assert_eq!(store.append("k", " World")?, 11);
    assert_eq!(store.get("k")?, some("Hello World"));
    assert_eq!(store.append("k", "")?, 11);
    assert_eq!(store.get("k")?, some("Hello World"));
    assert_eq!(store.append("empty", "")?, 0);
    assert_eq!(store.get("empty")?, some(""));
    store.set("n", "12")?;
    assert_eq!(store.append("n", "3")?, 3);
    assert_eq!(store.incr("n")?, 124);
    Ok(())
}

#[test]
fn append_past_512_mb_is_refused() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.set("k", "x")?;
    // Zeroed allocations are lazily mapped: cheap even at this size.
    let value = vec![0u8; MAX_STRING_LEN];
    assert_eq!(
        error_text(store.append("k", &value)),
        "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
    );
    assert_eq!(store.get("k")?, some("x"));
    Ok(())
}

#[test]
fn getrange_follows_redis_index_rules() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.set("s", "This is a string")?;
    let cases: [(i64, i64, &str); 15] = [
        (0, 3, "This"),
        (-3, -1, "ing"),
        (0, -1, "This is a string"),
        (10, 100, "string"),
        (-100, -50, "T"),
        (-100, 2, "Thi"),
        (15, 20, "g"),
        (16, 20, ""),
        (-1, -5, ""),
        (5, 3, ""),
        (3, -100, ""),
        (-1, -1, "g"),
        (0, 0, "T"),
        (i64::MIN, i64::MAX, "This is a string"),
        (i64::MAX, i64::MAX, ""),
    ];
    for (start, end, expected) in cases {
        assert_eq!(store.getrange("s", start, end)?, expected, "{start} {end}");
        assert_eq!(store.substr("s", start, end)?, expected, "{start} {end}");
    }
    assert_eq!(store.getrange("missing", 0, -1)?, "");
    store.set("e", "")?;
    assert_eq!(store.getrange("e", 0, -1)?, "");
    assert_eq!(store.getrange("e", -1, 0)?, "");
    Ok(())
}

#[test]
fn setrange() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.set("k", "Hello World")?;
    assert_eq!(store.setrange("k", 6, "Redis")?, 11);
    assert_eq!(store.get("k")?, some("Hello Redis"));
    // Growing past the end.
    assert_eq!(store.setrange("k", 10, "s!!")?, 13);
    assert_eq!(store.get("k")?, some("Hello Redis!!"));
    // Zero padding, on a missing key and past an existing end.
    assert_eq!(store.setrange("z", 3, "ab")?, 5);
    assert_eq!(store.get("z")?, some(b"\0\0\0ab"));
    assert_eq!(store.setrange("z", 7, "c")?, 8);
    assert_eq!(store.get("z")?, some(b"\0\0\0ab\0\0c"));
    assert_eq!(store.setrange("z", 0, "xyz")?, 8);
    assert_eq!(store.get("z")?, some(b"xyzab\0\0c"));
    // Binary values.
    assert_eq!(store.setrange("z", 1, [0u8, 255])?, 8);
    assert_eq!(store.get("z")?, some(b"x\0\xffab\0\0c"));
    Ok(())
}

#[test]
fn setrange_with_an_empty_value_writes_nothing() -> Result<()> {
    let (_dir, store, _) = open()?;
    assert_eq!(store.setrange("missing", 5, "")?, 0);
    assert_eq!(store.setrange("missing", MAX_STRING_LEN as i64, "")?, 0);
    assert_eq!(store.exists(&["missing"])?, 0);
    store.set("k", "abc")?;
    assert_eq!(store.setrange("k", 0, "")?, 3);
    assert_eq!(store.setrange("k", 10, "")?, 3);
    assert_eq!(store.setrange("k", i64::MAX, "")?, 3);
    assert_eq!(store.get("k")?, some("abc"));
    Ok(())
}

#[test]
fn setrange_errors() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.set("k", "abc")?;
    for (key, value) in [("k", "x"), ("k", ""), ("missing", "x"), ("missing", "")] {
        assert_eq!(
            error_text(store.setrange(key, -1, value)),
            "ERR offset is out of range"
        );
        assert!(matches!(
            store.setrange(key, i64::MIN, value),
            Err(Error::OffsetOutOfRange)
        ));
    }
    let too_long = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    for (key, offset, value) in [
        ("k", MAX_STRING_LEN as i64, "a"),
        ("missing", MAX_STRING_LEN as i64, "a"),
        ("k", MAX_STRING_LEN as i64 - 1, "ab"),
        ("k", i64::MAX, "a"),
        ("missing", i64::MAX, "a"),
    ] {
        assert_eq!(
            error_text(store.setrange(key, offset, value)),
            too_long,
            "{key} {offset}"
        );
    }
    assert_eq!(store.get("k")?, some("abc"));
    assert_eq!(store.exists(&["missing"])?, 0);
    Ok(())
}
