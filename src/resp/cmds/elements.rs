//! Argument helpers the collection families (lists, hashes, sets, sorted sets) share: integer
//! arguments, "is the key of this type" checks for the commands Redis looks keys up in before
//! parsing, and the cursor and options of HSCAN, SSCAN and ZSCAN.

use crate::keyspace::ScanOptions;
use crate::resp::reply::Reply;
use crate::types::string::parse_i64;
use crate::types::KeyType;
use crate::{Error, ReadTxn, Result};

/// An integer argument: Redis's `getLongFromObjectOrReply`.
pub(super) fn int_arg(arg: &[u8]) -> Result<i64> {
    parse_i64(arg).ok_or(Error::NotInteger)
}

/// Whether `key` exists holding `kind`: `Ok(false)` when it is missing, WRONGTYPE when it holds
/// another type.
pub(super) fn key_must_be(r: &ReadTxn<'_>, key: &[u8], kind: KeyType) -> Result<bool> {
    match r.key_type(key)? {
        None => Ok(false),
        Some(found) if found == kind => Ok(true),
        Some(_) => Err(Error::WrongType),
    }
}

/// A SCAN-family cursor as Redis 7.0 reads one (`strtoul`): decimal digits with an optional
/// sign (a negative value wraps around), no leading space, nothing after; the empty string is
/// 0. `None` answers "ERR invalid cursor".
pub(super) fn parse_cursor(arg: &[u8]) -> Option<u64> {
    // Redis sees the argument as a C string: it ends at a NUL byte.
    let arg = arg.split(|&b| b == 0).next().unwrap_or(&[]);
    let Some(&first) = arg.first() else {
        return Some(0);
    };
    if first.is_ascii_whitespace() || first == 0x0b {
        return None;
    }
    let (negative, digits) = match first {
        b'-' => (true, arg.get(1..).unwrap_or(&[])),
        b'+' => (false, arg.get(1..).unwrap_or(&[])),
        _ => (false, arg),
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(if negative {
        value.wrapping_neg()
    } else {
        value
    })
}

/// The reply to an unreadable cursor.
pub(super) fn invalid_cursor() -> Reply {
    Reply::Error("ERR invalid cursor".to_owned())
}

/// The MATCH and COUNT options of HSCAN, SSCAN and ZSCAN (the arguments after the cursor), as
/// Redis checks them once the key is found: a COUNT that is not an integer, a COUNT below 1, an
/// unknown option or a missing value are errors.
pub(super) fn element_scan_options(options: &[bytes::Bytes]) -> Result<ScanOptions> {
    let mut scan = ScanOptions::new();
    let mut rest = options.iter();
    while let Some(option) = rest.next() {
        let Some(value) = rest.next() else {
            return Err(Error::Syntax);
        };
        if option.eq_ignore_ascii_case(b"count") {
            let count = int_arg(value)?;
            if count < 1 {
                return Err(Error::Syntax);
            }
            scan = scan.count(usize::try_from(count).unwrap_or(usize::MAX));
        } else if option.eq_ignore_ascii_case(b"match") {
            scan = scan.pattern(value);
        } else {
            return Err(Error::Syntax);
        }
    }
    Ok(scan)
}

/// A SCAN-family reply: the next cursor (a bulk string) and the elements.
pub(super) fn scan_reply(cursor: u64, elements: Vec<Reply>) -> Reply {
    Reply::Array(vec![
        Reply::bulk(cursor.to_string()),
        Reply::Array(elements),
    ])
}

#[cfg(test)]
mod tests {
    use super::parse_cursor;

    #[test]
    fn cursors_read_as_strtoul() {
        assert_eq!(parse_cursor(b"0"), Some(0));
        assert_eq!(parse_cursor(b""), Some(0));
        assert_eq!(parse_cursor(b"+5"), Some(5));
        assert_eq!(parse_cursor(b"-1"), Some(u64::MAX));
        assert_eq!(parse_cursor(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_cursor(b"18446744073709551616"), None);
        assert_eq!(parse_cursor(b" 5"), None);
        assert_eq!(parse_cursor(b"5 "), None);
        assert_eq!(parse_cursor(b"x"), None);
        assert_eq!(parse_cursor(b"-"), None);
        assert_eq!(parse_cursor(b"7\0x"), Some(7));
    }
}
