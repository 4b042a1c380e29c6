//! Strings: GET, SET and its options, the counters (INCR..., INCRBYFLOAT), MGET/MSET, the range
//! commands (APPEND, GETRANGE, SETRANGE), LCS and the rest of Redis's string commands. A string's
//! bytes live inline in its metadata record, so a GET is one LMDB lookup.
//!
//! This module holds what the commands share (option types, integer parsing, the encoding Redis
//! would report); each submodule holds one group of commands and its `Store` wrappers.

mod counter;
mod get_set;
mod lcs;
mod range;
#[cfg(test)]
mod wrongtype_tests;

use bytes::Bytes;

use crate::error::{Error, Result};
use crate::storage::codec::EncodedKey;
use crate::storage::meta::{NOT_INT, RAW};
use crate::ttl::deadline_ms;
use crate::txn::{KeyInfo, WriteTxn};
use crate::types::KeyType;

pub(crate) use counter::{long_double_add, LongDoubleFailure, LONG_DOUBLE_CHARS};
pub use lcs::{LcsIdx, LcsMatch};

/// Redis's limit on a string's length: 512 MB.
pub const MAX_STRING_LEN: usize = 512 * 1024 * 1024;

/// Parses a Redis integer the way Redis does (`string2ll`): optional `-`, no `+`, no leading
/// zeros or spaces, at most 20 characters, within the i64 range.
pub(crate) fn parse_i64(bytes: &[u8]) -> Option<i64> {
    if bytes.is_empty() || bytes.len() > 20 {
        return None;
    }
    if bytes == b"0" {
        return Some(0);
    }
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    match digits.first() {
        Some(b'1'..=b'9') => {}
        _ => return None,
    }
    let mut value: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        let digit = i64::from(d - b'0');
        value = value.checked_mul(10)?;
        value = if negative {
            value.checked_sub(digit)?
        } else {
            value.checked_add(digit)?
        };
    }
    Some(value)
}

/// The encoding Redis's OBJECT ENCODING reports for a string holding `value` whose metadata
/// flags are `flags`.
///
/// Redis keeps a short decimal integer as "int", other strings of up to 44 bytes as "embstr"
/// (one allocation with the object header) and anything longer, or modified in place (APPEND,
/// SETRANGE: [`RAW`]), as "raw". INCRBYFLOAT stores its result as a plain string object even when
/// it looks like an integer ([`NOT_INT`]).
pub(crate) fn string_encoding(value: &[u8], flags: u8) -> &'static str {
    if flags & RAW != 0 {
        return "raw";
    }
    if flags & NOT_INT == 0 && value.len() <= 20 && parse_i64(value).is_some() {
        return "int";
    }
    if value.len() <= EMBSTR_MAX_LEN {
        "embstr"
    } else {
        "raw"
    }
}

/// The longest string Redis stores as "embstr".
const EMBSTR_MAX_LEN: usize = 44;

impl WriteTxn<'_> {
    /// The write-path lookup of a string key: its encoded key and, when it exists, its header.
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub(crate) fn find_string(&mut self, key: &[u8]) -> Result<(EncodedKey, Option<KeyInfo>)> {
        Ok(match self.find_typed(key, KeyType::String)? {
            Some((encoded, info)) => (encoded, Some(info)),
            None => (EncodedKey::new(self.db, key), None),
        })
    }
}

/// When SET writes: always, only if the key is missing (NX), only if it exists (XX).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SetCondition {
    /// Write whatever is there.
    #[default]
    Always,
    /// NX: only if the key does not exist.
    IfMissing,
    /// XX: only if the key exists.
    IfExists,
}

/// An expiry argument of SET and GETEX, exactly as Redis takes it. Relative forms must be
/// positive; all are validated as Redis does ([`Error::InvalidExpireTime`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expiry {
    /// EX: seconds from now.
    Ex(i64),
    /// PX: milliseconds from now.
    Px(i64),
    /// EXAT: Unix time in seconds.
    ExAt(i64),
    /// PXAT: Unix time in milliseconds.
    PxAt(i64),
}

impl Expiry {
    /// The absolute deadline in milliseconds, validated as Redis's SET and GETEX do.
    pub(crate) fn deadline_ms(self, now_ms: u64, command: &'static str) -> Result<u64> {
        let (value, seconds, base) = match self {
            Expiry::Ex(v) => (v, true, now_ms),
            Expiry::Px(v) => (v, false, now_ms),
            Expiry::ExAt(v) => (v, true, 0),
            Expiry::PxAt(v) => (v, false, 0),
        };
        if value <= 0 {
            return Err(Error::InvalidExpireTime(command));
        }
        let when = deadline_ms(value, seconds, base, command)?;
        Ok(when as u64)
    }
}

/// What SET does with the key's time to live.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SetTtl {
    /// No option: the new value has no deadline.
    #[default]
    Clear,
    /// KEEPTTL: keep the key's current deadline.
    Keep,
    /// EX / PX / EXAT / PXAT.
    Expire(Expiry),
}

/// The options of SET.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SetOptions {
    /// NX / XX.
    pub condition: SetCondition,
    /// EX / PX / EXAT / PXAT / KEEPTTL.
    pub ttl: SetTtl,
    /// GET: return the previous value.
    pub get: bool,
}

/// What SET did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SetOutcome {
    /// True if the value was written (false when NX/XX prevented it).
    pub written: bool,
    /// With [`SetOptions::get`]: the previous value, `None` if there was none.
    pub previous: Option<Bytes>,
}

/// What GETEX does to the time to live.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GetExAction {
    /// No option: leave it.
    #[default]
    Keep,
    /// PERSIST: remove the deadline.
    Persist,
    /// EX / PX / EXAT / PXAT: set a deadline.
    Expire(Expiry),
}

#[cfg(test)]
mod tests {
    use super::{parse_i64, string_encoding};
    use crate::storage::meta::{NOT_INT, RAW};

    #[test]
    fn integers_parse_as_redis_parses_them() {
        assert_eq!(parse_i64(b"0"), Some(0));
        assert_eq!(parse_i64(b"-12"), Some(-12));
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [
            &b""[..],
            b"-",
            b"-0",
            b"01",
            b"+1",
            b" 1",
            b"1 ",
            b"1.0",
            b"9223372036854775808",
            b"abc",
        ] {
            assert_eq!(parse_i64(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn encoding_rules() {
        assert_eq!(string_encoding(b"123", 0), "int");
        assert_eq!(string_encoding(b"-9223372036854775808", 0), "int");
        assert_eq!(string_encoding(b"0123", 0), "embstr");
        assert_eq!(string_encoding(b"123", RAW), "raw");
        assert_eq!(string_encoding(b"3", NOT_INT), "embstr");
        assert_eq!(string_encoding(&[b'x'; 44], 0), "embstr");
        assert_eq!(string_encoding(&[b'x'; 45], 0), "raw");
        assert_eq!(string_encoding(&[b'x'; 45], NOT_INT), "raw");
        assert_eq!(string_encoding(b"", 0), "embstr");
    }

    /// The encoding OBJECT ENCODING would report for `key` after the writes, checked against
    /// redis-server 7.0.15.
    #[test]
    fn stored_strings_report_redis_encodings() -> crate::Result<()> {
        let dir = tempfile::tempdir()?;
        let store = crate::Store::open(dir.path())?;
        let encoding = |key: &str| {
            store.read(|r| {
                let meta = r.lookup(key.as_bytes())?.ok_or(crate::Error::NoSuchKey)?;
                Ok(string_encoding(meta.body, meta.flags))
            })
        };
        store.set("a", "123")?;
        assert_eq!(encoding("a")?, "int");
        store.set("b", "0123")?;
        assert_eq!(encoding("b")?, "embstr");
        store.set("c", [b'1'; 45])?;
        assert_eq!(encoding("c")?, "raw");
        store.set("c", [b'1'; 44])?;
        assert_eq!(encoding("c")?, "embstr");
        store.append("d", "123")?;
        assert_eq!(encoding("d")?, "int");
        store.append("a", "")?;
        assert_eq!(encoding("a")?, "raw");
        store.incr("a")?;
        assert_eq!(encoding("a")?, "int");
        store.set("e", "5")?;
        store.append("e", "1")?;
        assert_eq!(encoding("e")?, "raw");
        store.setrange("f", 0, "12")?;
        assert_eq!(encoding("f")?, "raw");
        store.set("g", "12")?;
        store.setrange("g", 0, "")?;
        assert_eq!(encoding("g")?, "int");
        store.setrange("g", 0, "3")?;
        assert_eq!(encoding("g")?, "raw");
        store.incr("h")?;
        assert_eq!(encoding("h")?, "int");
        store.set("j", "1.5")?;
        store.incr_by_float("j", "1.5")?;
        assert_eq!(store.get("j")?.as_deref(), Some(&b"3"[..]));
        assert_eq!(encoding("j")?, "embstr");
        // The flag survives a rewrite of the header (EXPIRE, PERSIST).
        store.expire("j", 100, crate::ExpireCondition::Always)?;
        assert_eq!(encoding("j")?, "embstr");
        store.incr_by_float("k", "1e400")?;
        assert_eq!(encoding("k")?, "raw");
        store.set("j", "3")?;
        assert_eq!(encoding("j")?, "int");
        Ok(())
    }
}
