//! Scores and range bounds: reading them from command arguments with Redis's rules and errors,
//! comparing members against them, and printing a score the way Redis replies with it.
//!
//! Redis reads scores with C's `strtod` (through `string2d` for ZADD, ZINCRBY and WEIGHTS, and
//! bare for range bounds), so hexadecimal floats, `inf`, `infinity` and, in bounds only,
//! leading white space and the empty string are accepted. The same C function does it here, so
//! every accepted spelling and every rounding is the same.

use std::cmp::Ordering;
use std::os::raw::c_char;

use bytes::Bytes;

use crate::error::{Error, Result};

extern "C" {
    /// The C library's `strtod`.
    fn strtod(text: *const c_char, end: *mut *mut c_char) -> f64;
    /// `snprintf(out, out_cap, "%.17g", value)`; the length written, 0 if it did not fit
    /// (csrc/longdouble.c).
    fn keyp_format_double_g17(value: f64, out: *mut c_char, out_cap: usize) -> usize;
}

/// What `strtod` made of the C string at the start of an argument.
struct Parsed {
    value: f64,
    /// Bytes consumed.
    consumed: usize,
    /// Length of the C string: the bytes before the first NUL.
    c_len: usize,
    /// `strtod` would have set `ERANGE` and returned an infinity or a zero.
    range_error: bool,
}

/// C's `isspace` in the C locale.
fn is_c_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Runs `strtod` on `arg` as C would see it (up to its first NUL byte).
fn c_strtod(arg: &[u8]) -> Parsed {
    let c_len = arg.iter().position(|&b| b == 0).unwrap_or(arg.len());
    let text = &arg[..c_len];
    let mut buf = Vec::with_capacity(c_len + 1);
    buf.extend_from_slice(text);
    buf.push(0);
    let mut end: *mut c_char = std::ptr::null_mut();
    // SAFETY: `buf` is NUL-terminated and outlives the call; `strtod` reads no further than the
    // terminator and stores in `end` a pointer into `buf` (or `buf` itself when nothing was
    // read). Only the address is used afterwards, never dereferenced.
    let value = unsafe { strtod(buf.as_ptr().cast::<c_char>(), &mut end) };
    let consumed = (end as usize)
        .saturating_sub(buf.as_ptr() as usize)
        .min(c_len);
    let read = &text[..consumed];
    Parsed {
        value,
        consumed,
        c_len,
        range_error: (value.is_infinite() && !spells_infinity(read))
            || (value == 0.0 && has_nonzero_digit(read)),
    }
}

/// The number text without leading white space and sign.
fn unsigned_part(text: &[u8]) -> &[u8] {
    let start = text
        .iter()
        .position(|&b| !is_c_space(b))
        .unwrap_or(text.len());
    let text = &text[start..];
    match text.first() {
        Some(b'+' | b'-') => &text[1..],
        _ => text,
    }
}

/// True when the text is an infinity literal rather than a number that overflowed.
fn spells_infinity(text: &[u8]) -> bool {
    unsigned_part(text)
        .first()
        .is_some_and(|b| b.eq_ignore_ascii_case(&b'i'))
}

/// True when the mantissa has a non-zero digit: a zero result is then an underflow.
fn has_nonzero_digit(text: &[u8]) -> bool {
    let text = unsigned_part(text);
    let hex = text.len() >= 2 && text[0] == b'0' && text[1].eq_ignore_ascii_case(&b'x');
    let (digits, exponent) = if hex {
        (&text[2..], b'p')
    } else {
        (text, b'e')
    };
    digits
        .iter()
        .take_while(|b| !b.eq_ignore_ascii_case(&exponent))
        .any(|&b| b != b'0' && b != b'.')
}

/// Redis's `string2d`: the whole argument is a float; no leading space, no NaN, no overflow
/// to an infinity and no underflow to zero.
fn string_to_double(arg: &[u8]) -> Option<f64> {
    match arg.first() {
        None => return None,
        Some(&b) if is_c_space(b) => return None,
        Some(_) => {}
    }
    let parsed = c_strtod(arg);
    let whole = parsed.consumed == arg.len();
    (whole && !parsed.range_error && !parsed.value.is_nan()).then_some(parsed.value)
}

/// Parses a score argument (ZADD, ZINCRBY) as Redis does: a C float literal taking the whole
/// argument (`1.5`, `-3`, `1e10`, `0x1p4`, `inf`, `+inf`, `-inf`, `infinity`), no leading
/// space, no NaN, nothing that overflows to an infinity or underflows to zero.
///
/// ```
/// use keyp::parse_score;
/// assert_eq!(parse_score(b"1.5")?, 1.5);
/// assert_eq!(parse_score(b"-inf")?, f64::NEG_INFINITY);
/// assert!(parse_score(b"nan").is_err());
/// # Ok::<(), keyp::Error>(())
/// ```
///
/// # Errors
/// [`Error::NotFloat`] for anything else.
pub fn parse_score(arg: &[u8]) -> Result<f64> {
    string_to_double(arg).ok_or(Error::NotFloat)
}

/// Parses a WEIGHTS value of ZUNION, ZINTER and their STORE forms: the rules of
/// [`parse_score`].
///
/// # Errors
/// [`Error::WeightNotFloat`].
pub fn parse_weight(arg: &[u8]) -> Result<f64> {
    string_to_double(arg).ok_or(Error::WeightNotFloat)
}

/// Prints a score as Redis 7.0 replies with it: `inf`, `-inf`, or C's `%.17g` (`1`, `0.5`,
/// `0.10000000000000001`, `1e+22`, `-0`).
///
/// ```
/// assert_eq!(keyp::format_score(2.0), "2");
/// assert_eq!(keyp::format_score(0.1), "0.10000000000000001");
/// assert_eq!(keyp::format_score(f64::NEG_INFINITY), "-inf");
/// ```
pub fn format_score(score: f64) -> String {
    if score.is_infinite() {
        return if score > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    let mut out = [0u8; 40];
    // SAFETY: `out` is a live buffer whose exact length is passed; the shim writes at most
    // that many bytes (terminator included) and returns how many characters it wrote.
    let len =
        unsafe { keyp_format_double_g17(score, out.as_mut_ptr().cast::<c_char>(), out.len()) };
    String::from_utf8_lossy(out.get(..len).unwrap_or_default()).into_owned()
}

/// One end of a score range: `1.5` (inclusive), `(1.5` (exclusive), `-inf`, `+inf`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ScoreBound {
    /// The score itself is in the range.
    Inclusive(f64),
    /// The score itself is not (`(` prefix).
    Exclusive(f64),
}

impl ScoreBound {
    /// Every score: `-inf` as a minimum.
    pub const MIN: ScoreBound = ScoreBound::Inclusive(f64::NEG_INFINITY);
    /// Every score: `+inf` as a maximum.
    pub const MAX: ScoreBound = ScoreBound::Inclusive(f64::INFINITY);

    /// Parses a range bound as Redis does: an optional `(` for an exclusive bound, then what C's
    /// `strtod` reads up to the end of the argument (so leading white space, hexadecimal,
    /// `inf` and even the empty string, read as 0, are accepted); NaN is not.
    ///
    /// ```
    /// use keyp::ScoreBound;
    /// assert_eq!(ScoreBound::parse(b"(1.5")?, ScoreBound::Exclusive(1.5));
    /// assert_eq!(ScoreBound::parse(b"-inf")?, ScoreBound::MIN);
    /// assert!(ScoreBound::parse(b"one").is_err());
    /// # Ok::<(), keyp::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::MinMaxNotFloat`].
    pub fn parse(arg: &[u8]) -> Result<ScoreBound> {
        let (exclusive, text) = match arg.split_first() {
            Some((b'(', rest)) => (true, rest),
            _ => (false, arg),
        };
        let parsed = c_strtod(text);
        if parsed.consumed != parsed.c_len || parsed.value.is_nan() {
            return Err(Error::MinMaxNotFloat);
        }
        Ok(if exclusive {
            ScoreBound::Exclusive(parsed.value)
        } else {
            ScoreBound::Inclusive(parsed.value)
        })
    }

    /// The bound's score.
    pub fn value(self) -> f64 {
        match self {
            ScoreBound::Inclusive(v) | ScoreBound::Exclusive(v) => v,
        }
    }

    /// [`Error::MinMaxNotFloat`] for a NaN bound (only a Rust caller can build one).
    pub(super) fn check(self) -> Result<ScoreBound> {
        if self.value().is_nan() {
            return Err(Error::MinMaxNotFloat);
        }
        Ok(self)
    }

    /// `score` is at or above this bound taken as a minimum.
    pub(super) fn admits_above(self, score: f64) -> bool {
        match self {
            ScoreBound::Inclusive(min) => score >= min,
            ScoreBound::Exclusive(min) => score > min,
        }
    }

    /// `score` is at or below this bound taken as a maximum.
    pub(super) fn admits_below(self, score: f64) -> bool {
        match self {
            ScoreBound::Inclusive(max) => score <= max,
            ScoreBound::Exclusive(max) => score < max,
        }
    }
}

/// One end of a lexicographic range: `[a` (inclusive), `(a` (exclusive), `-` (below every
/// member), `+` (above every member). Members compare as raw bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LexBound {
    /// `-`: lower than every member.
    Minus,
    /// `+`: higher than every member.
    Plus,
    /// `[member`: the member itself is in the range.
    Inclusive(Bytes),
    /// `(member`: the member itself is not.
    Exclusive(Bytes),
}

impl LexBound {
    /// Parses a lexicographic bound: `-`, `+`, or `[` or `(` followed by the member.
    ///
    /// ```
    /// use keyp::LexBound;
    /// assert_eq!(LexBound::parse(b"[apple")?, LexBound::Inclusive("apple".into()));
    /// assert_eq!(LexBound::parse(b"-")?, LexBound::Minus);
    /// assert!(LexBound::parse(b"apple").is_err());
    /// # Ok::<(), keyp::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::MinMaxNotStringRange`] for anything else.
    pub fn parse(arg: &[u8]) -> Result<LexBound> {
        // Redis reads `-` and `+` as C strings: a NUL right after them ends them.
        let alone = arg.get(1).map_or(true, |&b| b == 0);
        match arg.first() {
            Some(b'-') if alone => Ok(LexBound::Minus),
            Some(b'+') if alone => Ok(LexBound::Plus),
            Some(b'[') => Ok(LexBound::Inclusive(Bytes::copy_from_slice(&arg[1..]))),
            Some(b'(') => Ok(LexBound::Exclusive(Bytes::copy_from_slice(&arg[1..]))),
            _ => Err(Error::MinMaxNotStringRange),
        }
    }

    /// The bound's member, `None` for `-` and `+`.
    pub(super) fn member(&self) -> Option<&[u8]> {
        match self {
            LexBound::Minus | LexBound::Plus => None,
            LexBound::Inclusive(m) | LexBound::Exclusive(m) => Some(m),
        }
    }

    fn is_exclusive(&self) -> bool {
        !matches!(self, LexBound::Inclusive(_))
    }

    /// How `member` compares with the bound (`-` and `+` never equal a member).
    fn compare(&self, member: &[u8]) -> Ordering {
        match self {
            LexBound::Minus => Ordering::Greater,
            LexBound::Plus => Ordering::Less,
            LexBound::Inclusive(m) | LexBound::Exclusive(m) => member.cmp(m),
        }
    }

    /// `member` is at or above this bound taken as a minimum.
    pub(super) fn admits_above(&self, member: &[u8]) -> bool {
        match self.compare(member) {
            Ordering::Greater => true,
            Ordering::Equal => !self.is_exclusive(),
            Ordering::Less => false,
        }
    }

    /// `member` is at or below this bound taken as a maximum.
    pub(super) fn admits_below(&self, member: &[u8]) -> bool {
        match self.compare(member) {
            Ordering::Less => true,
            Ordering::Equal => !self.is_exclusive(),
            Ordering::Greater => false,
        }
    }

    fn rank(&self) -> u8 {
        match self {
            LexBound::Minus => 0,
            LexBound::Inclusive(_) | LexBound::Exclusive(_) => 1,
            LexBound::Plus => 2,
        }
    }
}

/// True when no member can lie between `min` and `max` (Redis's early test: `min` above `max`,
/// or equal with either end exclusive).
pub(super) fn lex_range_is_empty(min: &LexBound, max: &LexBound) -> bool {
    let order = min
        .rank()
        .cmp(&max.rank())
        .then_with(|| min.member().cmp(&max.member()));
    order == Ordering::Greater
        || (order == Ordering::Equal && (min.is_exclusive() || max.is_exclusive()))
}

/// Sorted-set order: by score (-0 equals 0), then by member bytes.
pub(super) fn compare_entries(a: (f64, &[u8]), b: (f64, &[u8])) -> Ordering {
    a.0.partial_cmp(&b.0)
        .unwrap_or(Ordering::Equal)
        .then_with(|| a.1.cmp(b.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_arguments_follow_string2d() {
        assert_eq!(parse_score(b"0x10").ok(), Some(16.0));
        assert_eq!(parse_score(b"+inf").ok(), Some(f64::INFINITY));
        assert_eq!(parse_score(b"-Infinity").ok(), Some(f64::NEG_INFINITY));
        assert_eq!(parse_score(b"1e-310").ok(), Some(1e-310));
        for bad in [
            &b""[..],
            b" 1",
            b"1 ",
            b"nan",
            b"1e400",
            b"-1e400",
            b"1e-400",
            b"0x1p-2000",
            b"1\0",
            b"abc",
        ] {
            assert!(parse_score(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_score(b"0e-500").ok(), Some(0.0));
    }

    #[test]
    fn bounds_follow_bare_strtod() {
        assert_eq!(
            ScoreBound::parse(b"").ok(),
            Some(ScoreBound::Inclusive(0.0))
        );
        assert_eq!(
            ScoreBound::parse(b"(").ok(),
            Some(ScoreBound::Exclusive(0.0))
        );
        assert_eq!(
            ScoreBound::parse(b" 1").ok(),
            Some(ScoreBound::Inclusive(1.0))
        );
        assert_eq!(ScoreBound::parse(b"1e500").ok(), Some(ScoreBound::MAX));
        assert_eq!(
            ScoreBound::parse(b"2\0x").ok(),
            Some(ScoreBound::Inclusive(2.0))
        );
        for bad in [&b"1 "[..], b"((1", b"nan", b"(-nan", b"x"] {
            assert!(ScoreBound::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn scores_print_like_redis() {
        assert_eq!(format_score(0.0), "0");
        assert_eq!(format_score(-0.0), "-0");
        assert_eq!(format_score(1.5e300), "1.5000000000000001e+300");
        assert_eq!(format_score(1e22), "1e+22");
        assert_eq!(format_score(123456789012345678.0), "1.2345678901234568e+17");
        assert_eq!(format_score(f64::INFINITY), "inf");
    }

    #[test]
    fn lex_bounds() {
        assert_eq!(LexBound::parse(b"+\0x").ok(), Some(LexBound::Plus));
        assert!(LexBound::parse(b"-x").is_err());
        assert!(LexBound::parse(b"").is_err());
        assert_eq!(
            LexBound::parse(b"(").ok(),
            Some(LexBound::Exclusive(Bytes::new()))
        );
        let b = |s: &str| LexBound::Inclusive(Bytes::copy_from_slice(s.as_bytes()));
        assert!(lex_range_is_empty(&LexBound::Plus, &LexBound::Minus));
        assert!(lex_range_is_empty(&LexBound::Minus, &LexBound::Minus));
        assert!(!lex_range_is_empty(&LexBound::Minus, &LexBound::Plus));
        assert!(!lex_range_is_empty(&b("a"), &b("a")));
        assert!(lex_range_is_empty(&b("b"), &b("a")));
        assert!(LexBound::Minus.admits_above(b""));
        assert!(!LexBound::Minus.admits_below(b""));
    }
}
