//! INCRBYFLOAT, whose arithmetic and formatting are C `long double`'s, as in Redis.

use keyp::{Error, Result};

use super::{error_text, open, some};

/// Runs INCRBYFLOAT with each increment on `key` set to `start` (missing for `None`), and
/// returns the replies.
fn run(start: Option<&str>, increments: &[&str]) -> Result<Vec<String>> {
    let (_dir, store, _) = open()?;
    if let Some(start) = start {
        store.set("x", start)?;
    }
    let mut replies = Vec::new();
    for increment in increments {
        let reply = store.incr_by_float("x", increment)?;
        assert_eq!(
            store.get("x")?,
            Some(reply.clone()),
            "stored value equals the reply"
        );
        replies.push(String::from_utf8_lossy(&reply).into_owned());
    }
    Ok(replies)
}

#[test]
fn redis_documentation_examples() -> Result<()> {
    assert_eq!(run(Some("10.50"), &["0.1", "-5"])?, ["10.6", "5.6"]);
    assert_eq!(run(Some("5.0e3"), &["2.0e2"])?, ["5200"]);
    Ok(())
}

#[test]
fn long_double_results_not_f64_ones() -> Result<()> {
    // f64 would give 0.30000000000000004.
    assert_eq!(run(None, &["0.1", "0.1", "0.1"])?, ["0.1", "0.2", "0.3"]);
    assert_eq!(run(Some("0.1"), &["0.2"])?, ["0.3"]);
    // ... and long double's own rounding shows through, exactly as in Redis.
    assert_eq!(run(Some("5.6"), &["2.0e2"])?, ["205.60000000000000001"]);
    // f64's own maximum prints differently once widened and printed as a long double.
    let max = concat!(
        "17976931348623156999592104677410443404838644694432917848531442076517662852312439635470",
        "18686083870855644287934194255206893087083634511360553578972780264776170734989776862883",
        "94835618163294045594434929537447290627480669417384648879122776218333598953852832103282",
        "504751611691208117720159985926376802466863339536384",
    );
    assert_eq!(run(None, &["1.7976931348623157e308"])?, [max]);
    assert_eq!(run(Some("1e17"), &["1"])?, ["100000000000000001"]);
    assert_eq!(
        run(Some("12345678901234567890"), &["1"])?,
        ["12345678901234567891"]
    );
    assert_eq!(
        run(Some("9223372036854775807"), &["1"])?,
        ["9223372036854775808"]
    );
    Ok(())
}

#[test]
fn formatting() -> Result<()> {
    assert_eq!(run(Some("1.5"), &["1.5"])?, ["3"]);
    assert_eq!(run(Some("1.0"), &["-1.0"])?, ["0"]);
    assert_eq!(run(Some("-1"), &["0.5"])?, ["-0.5"]);
    assert_eq!(run(None, &["-0.0"])?, ["0"]);
    assert_eq!(run(None, &["-1e-18"])?, ["0"]);
    assert_eq!(run(None, &["1e-18"])?, ["0"]);
    assert_eq!(run(None, &["1e-17"])?, ["0.00000000000000001"]);
    assert_eq!(run(Some("1"), &["1e-20"])?, ["1"]);
    assert_eq!(run(Some("123"), &["0"])?, ["123"]);
    assert_eq!(run(None, &["3.4e-10"])?, ["0.00000000034"]);
    // strtold's other spellings.
    assert_eq!(run(None, &["0x10"])?, ["16"]);
    assert_eq!(run(None, &["0x1p-3"])?, ["0.125"]);
    assert_eq!(run(None, &["1.5e+2"])?, ["150"]);
    assert_eq!(run(None, &["+1"])?, ["1"]);
    assert_eq!(run(None, &[".5"])?, ["0.5"]);
    assert_eq!(run(None, &["5."])?, ["5"]);
    Ok(())
}

#[test]
fn huge_results_are_printed_in_full() -> Result<()> {
    // 1e400 fits a long double (not an f64) and prints with all its integer digits.
    let replies = run(None, &["1e400"])?;
    let expected = concat!(
        "10000000000000000000281880683947586514586453433629052038625910693539685534008629862039",
        "36399484832416052209405392731761620029582277725925573402382897659334066101779744743454",
        "61739178624481166749717237789438243915933380474706750262466844013592375136038303437354",
        "85505244955964979021825038280091068414947402456898653040951017512658092615827588920183",
        "472511643316591362664138176309734806343732497430221946880"
    );
    assert_eq!(replies, [expected]);
    assert_eq!(expected.len(), 401);
    Ok(())
}

#[test]
fn invalid_increments() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.set("x", "1")?;
    for increment in [
        "nan", "-nan", " 1", "1 ", "", "1e", "abc", "1e5000", "1e-5000", "1,5",
    ] {
        let result = store.incr_by_float("x", increment);
        assert_eq!(
            error_text(result),
            "ERR value is not a valid float",
            "{increment:?}"
        );
        let result = store.incr_by_float("missing", increment);
        assert!(matches!(result, Err(Error::NotFloat)), "{increment:?}");
    }
    for increment in ["inf", "-inf", "infinity"] {
        let result = store.incr_by_float("x", increment);
        assert_eq!(
            error_text(result),
            "ERR increment would produce NaN or Infinity",
            "{increment:?}"
        );
    }
    // An increment longer than Redis's parse buffer.
    let long = format!("1{}", "0".repeat(6000));
    assert!(matches!(
        store.incr_by_float("x", long),
        Err(Error::NotFloat)
    ));
    assert_eq!(store.get("x")?, some("1"));
    assert_eq!(store.exists(&["missing"])?, 0);
    Ok(())
}

#[test]
fn invalid_current_values() -> Result<()> {
    let (_dir, store, _) = open()?;
    for value in ["  1", "1 ", "abc", "", "1e5000", "nan"] {
        store.set("x", value)?;
        let result = store.incr_by_float("x", "1");
        assert_eq!(
            error_text(result),
            "ERR value is not a valid float",
            "{value:?}"
        );
        // The current value is checked before the increment.
        assert!(matches!(
            store.incr_by_float("x", "inf"),
            Err(Error::NotFloat)
        ));
        assert_eq!(store.get("x")?, some(value));
    }
    store.set("x", "inf")?;
    assert!(matches!(
        store.incr_by_float("x", "1"),
        Err(Error::NanOrInfinity)
    ));
    store.set("x", "-inf")?;
    assert!(matches!(
        store.incr_by_float("x", "inf"),
        Err(Error::NanOrInfinity)
    ));
    // The largest long double plus itself overflows.
    store.set("x", "1e4932")?;
    assert!(matches!(
        store.incr_by_float("x", "1e4932"),
        Err(Error::NanOrInfinity)
    ));
    assert_eq!(store.get("x")?, some("1e4932"));
    Ok(())
}
