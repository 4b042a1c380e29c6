//! Stream IDs: the `ms-seq` pair, its text form, and Redis 7.0's exact parsing rules.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::types::string::parse_i64;

/// A stream entry ID: milliseconds and a sequence number, ordered as the pair.
///
/// Displayed as `ms-seq`, as Redis writes it.
///
/// ```
/// use keyp::StreamId;
/// let id = StreamId::parse(b"1526919030474-55")?;
/// assert_eq!(id, StreamId::new(1526919030474, 55));
/// assert_eq!(id.to_string(), "1526919030474-55");
/// assert_eq!(StreamId::parse(b"7")?, StreamId::new(7, 0));
/// # Ok::<(), keyp::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamId {
    /// The millisecond part.
    pub ms: u64,
    /// The sequence part.
    pub seq: u64,
}

impl StreamId {
    /// `0-0`, the least ID (what `-` stands for).
    pub const MIN: StreamId = StreamId { ms: 0, seq: 0 };
    /// The greatest ID (what `+` stands for).
    pub const MAX: StreamId = StreamId {
        ms: u64::MAX,
        seq: u64::MAX,
    };

    /// The ID `ms-seq`.
    pub const fn new(ms: u64, seq: u64) -> StreamId {
        StreamId { ms, seq }
    }

    /// The next ID, `None` after [`StreamId::MAX`].
    pub fn next(self) -> Option<StreamId> {
        if self.seq == u64::MAX {
            (self.ms != u64::MAX).then(|| StreamId::new(self.ms + 1, 0))
        } else {
            Some(StreamId::new(self.ms, self.seq + 1))
        }
    }

    /// The previous ID, `None` before [`StreamId::MIN`].
    pub fn prev(self) -> Option<StreamId> {
        if self.seq == 0 {
            (self.ms != 0).then(|| StreamId::new(self.ms - 1, u64::MAX))
        } else {
            Some(StreamId::new(self.ms, self.seq - 1))
        }
    }

    /// Parses an ID argument where a real ID is needed (XDEL, XACK, XCLAIM, XREAD, XSETID,
    /// MINID, ...): `ms-seq`, or `ms` meaning `ms-0`; `-` and `+` are refused.
    ///
    /// # Errors
    /// [`Error::StreamIdInvalid`].
    pub fn parse(arg: &[u8]) -> Result<StreamId> {
        parse_generic(arg, 0, true, false).map(|(id, _)| id)
    }

    /// Parses an ID where `-` and `+` are accepted (XGROUP SETID): `ms` alone means `ms-0`.
    ///
    /// # Errors
    /// [`Error::StreamIdInvalid`].
    pub fn parse_lenient(arg: &[u8]) -> Result<StreamId> {
        parse_generic(arg, 0, false, false).map(|(id, _)| id)
    }

    /// Parses the start of a range (XRANGE, XREVRANGE's second, XPENDING, XAUTOCLAIM): `-`,
    /// `ms` (meaning `ms-0`), `ms-seq`, or `(id` for an exclusive start; returns the first ID
    /// included.
    ///
    /// # Errors
    /// [`Error::StreamIdInvalid`]; [`Error::StreamStartInterval`] for `(` before the greatest ID.
    pub fn parse_range_start(arg: &[u8]) -> Result<StreamId> {
        let (id, exclusive) = parse_interval(arg, 0)?;
        if exclusive {
            return id.next().ok_or(Error::StreamStartInterval);
        }
        Ok(id)
    }

    /// Parses the end of a range: `+`, `ms` (meaning `ms-18446744073709551615`), `ms-seq`, or
    /// `(id` for an exclusive end; returns the last ID included.
    ///
    /// # Errors
    /// [`Error::StreamIdInvalid`]; [`Error::StreamEndInterval`] for `(0-0`.
    pub fn parse_range_end(arg: &[u8]) -> Result<StreamId> {
        let (id, exclusive) = parse_interval(arg, u64::MAX)?;
        if exclusive {
            return id.prev().ok_or(Error::StreamEndInterval);
        }
        Ok(id)
    }

    pub(crate) fn to_bytes(self) -> [u8; 16] {
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&self.ms.to_be_bytes());
        out[8..].copy_from_slice(&self.seq.to_be_bytes());
        out
    }

    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<StreamId> {
        let ms = u64::from_be_bytes(bytes.get(..8)?.try_into().ok()?);
        let seq = u64::from_be_bytes(bytes.get(8..16)?.try_into().ok()?);
        Some(StreamId { ms, seq })
    }

    /// True for 0-0.
    pub(crate) fn is_zero(self) -> bool {
        self == StreamId::MIN
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

impl FromStr for StreamId {
    type Err = Error;

    /// As [`StreamId::parse`].
    fn from_str(s: &str) -> Result<StreamId> {
        StreamId::parse(s.as_bytes())
    }
}

/// Parses an interval bound: `(` before an ID (more than one byte in all) makes it exclusive,
/// and the ID after it must then be a real one.
fn parse_interval(arg: &[u8], missing_seq: u64) -> Result<(StreamId, bool)> {
    match arg {
        [b'(', rest @ ..] if !rest.is_empty() => {
            Ok((parse_generic(rest, missing_seq, true, false)?.0, true))
        }
        _ => Ok((parse_generic(arg, missing_seq, false, false)?.0, false)),
    }
}

/// Redis's ID parser. `strict` refuses `-` and `+`; `auto_seq` accepts `ms-*` (XADD), which
/// it reports as a sequence not given (`false`). Like Redis, it reads the argument as a C
/// string (up to a first NUL byte) and refuses arguments longer than 127 bytes.
pub(crate) fn parse_generic(
    arg: &[u8],
    missing_seq: u64,
    strict: bool,
    auto_seq: bool,
) -> Result<(StreamId, bool)> {
    if arg.len() > 127 {
        return Err(Error::StreamIdInvalid);
    }
    let arg = match arg.iter().position(|&b| b == 0) {
        Some(nul) => &arg[..nul],
        None => arg,
    };
    if strict && (arg == b"-" || arg == b"+") {
        return Err(Error::StreamIdInvalid);
    }
    if arg == b"-" {
        return Ok((StreamId::MIN, true));
    }
    if arg == b"+" {
        return Ok((StreamId::MAX, true));
    }
    let (ms_part, seq_part) = match arg.iter().position(|&b| b == b'-') {
        Some(dash) => (&arg[..dash], Some(&arg[dash + 1..])),
        None => (arg, None),
    };
    let ms = string_to_u64(ms_part).ok_or(Error::StreamIdInvalid)?;
    match seq_part {
        Some(b"*") if auto_seq => Ok((StreamId::new(ms, 0), false)),
        Some(seq) => {
            let seq = string_to_u64(seq).ok_or(Error::StreamIdInvalid)?;
            Ok((StreamId::new(ms, seq), true))
        }
        None => Ok((StreamId::new(ms, missing_seq), true)),
    }
}

/// Redis's `string2ull`: a strict 64-bit integer when it is one (negative ones refused),
/// otherwise what C's `strtoull` accepts in base 10 when it consumes the whole string
/// (leading white space, a sign, values up to 2^64 - 1; a minus sign negates modulo 2^64).
fn string_to_u64(s: &[u8]) -> Option<u64> {
    if let Some(v) = parse_i64(s) {
        return u64::try_from(v).ok();
    }
    let mut rest = s;
    while let [b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r', tail @ ..] = rest {
        rest = tail;
    }
    let negative = match rest {
        [b'-', tail @ ..] => {
            rest = tail;
            true
        }
        [b'+', tail @ ..] => {
            rest = tail;
            false
        }
        _ => false,
    };
    if rest.is_empty() || !rest.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut value: u64 = 0;
    for &digit in rest {
        value = value
            .checked_mul(10)?
            .checked_add(u64::from(digit - b'0'))?;
    }
    Some(if negative {
        value.wrapping_neg()
    } else {
        value
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_as_redis() {
        let ok = |s: &str| StreamId::parse(s.as_bytes()).ok();
        assert_eq!(ok("1-2"), Some(StreamId::new(1, 2)));
        assert_eq!(ok("5"), Some(StreamId::new(5, 0)));
        assert_eq!(ok(" 5-1"), Some(StreamId::new(5, 1)));
        assert_eq!(ok("5--0"), Some(StreamId::new(5, 0)));
        assert_eq!(ok("5--1"), None);
        assert_eq!(
            ok("18446744073709551615-18446744073709551615"),
            Some(StreamId::MAX)
        );
        assert_eq!(ok("18446744073709551616"), None);
        assert_eq!(ok("1-2-3"), None);
        assert_eq!(ok("-"), None);
        assert_eq!(ok("+"), None);
        assert_eq!(ok(""), None);
        assert_eq!(ok("-1"), None);
        assert_eq!(ok("1-"), None);
        assert_eq!(ok("a"), None);
        assert_eq!(StreamId::parse(b"7\0junk").ok(), Some(StreamId::new(7, 0)));
        assert_eq!(StreamId::parse(&[b'1'; 128]).ok(), None);
        assert_eq!(StreamId::parse_lenient(b"+").ok(), Some(StreamId::MAX));
        assert_eq!(
            parse_generic(b"3-*", 0, true, true).ok(),
            Some((StreamId::new(3, 0), false))
        );
        assert!(StreamId::parse(b"3-*").is_err());
    }

    #[test]
    fn ranges() {
        assert_eq!(StreamId::parse_range_start(b"-").ok(), Some(StreamId::MIN));
        assert_eq!(StreamId::parse_range_end(b"+").ok(), Some(StreamId::MAX));
        assert_eq!(
            StreamId::parse_range_end(b"5").ok(),
            Some(StreamId::new(5, u64::MAX))
        );
        assert_eq!(
            StreamId::parse_range_start(b"(5").ok(),
            Some(StreamId::new(5, 1))
        );
        assert_eq!(
            StreamId::parse_range_end(b"(5").ok(),
            Some(StreamId::new(5, u64::MAX - 1))
        );
        assert!(matches!(
            StreamId::parse_range_end(b"(0-0"),
            Err(Error::StreamEndInterval)
        ));
        assert!(matches!(
            StreamId::parse_range_start(b"(18446744073709551615-18446744073709551615"),
            Err(Error::StreamStartInterval)
        ));
        assert!(matches!(
            StreamId::parse_range_start(b"(-"),
            Err(Error::StreamIdInvalid)
        ));
        assert_eq!(StreamId::parse_range_start(b"(").ok(), None);
    }
}
