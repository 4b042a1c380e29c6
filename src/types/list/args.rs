//! The typed arguments of the list commands, and the helpers that parse them from wire arguments
//! with Redis 7.0's exact errors, in Redis's order of checks.

use std::os::raw::{c_char, c_int, c_longlong};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::types::string::parse_i64;

extern "C" {
    /// A blocking command's timeout argument (seconds) as Redis 7.0 converts it: long double,
    /// times 1000, rounded up. Returns 0 on success (`*out_ms` >= 0), 1 if the argument is not
    /// a float, 2 if the timeout is negative.
    fn keyp_timeout_ms(arg: *const c_char, len: usize, out_ms: *mut c_longlong) -> c_int;
}

/// An end of a list: where LPUSH/RPUSH add, LPOP/RPOP take, and LMOVE's `LEFT`/`RIGHT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ListEnd {
    /// The head: index 0, where LPUSH adds and LPOP takes.
    Left,
    /// The tail: index -1, where RPUSH adds and RPOP takes.
    Right,
}

impl ListEnd {
    /// Parses `LEFT` or `RIGHT` (case-insensitive).
    ///
    /// # Errors
    /// [`Error::Syntax`] for anything else.
    pub fn parse(arg: &[u8]) -> Result<ListEnd> {
        if arg.eq_ignore_ascii_case(b"left") {
            Ok(ListEnd::Left)
        } else if arg.eq_ignore_ascii_case(b"right") {
            Ok(ListEnd::Right)
        } else {
            Err(Error::Syntax)
        }
    }
}

/// Where LINSERT puts the new item relative to the pivot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InsertPosition {
    /// BEFORE: at the pivot's index, moving the pivot right.
    Before,
    /// AFTER: just after the pivot.
    After,
}

impl InsertPosition {
    /// Parses `BEFORE` or `AFTER` (case-insensitive).
    ///
    /// # Errors
    /// [`Error::Syntax`] for anything else.
    pub fn parse(arg: &[u8]) -> Result<InsertPosition> {
        if arg.eq_ignore_ascii_case(b"before") {
            Ok(InsertPosition::Before)
        } else if arg.eq_ignore_ascii_case(b"after") {
            Ok(InsertPosition::After)
        } else {
            Err(Error::Syntax)
        }
    }
}

/// The RANK and MAXLEN options of LPOS (COUNT chooses between
/// [`ReadTxn::lpos`](crate::ReadTxn::lpos) and [`ReadTxn::lpos_count`](crate::ReadTxn::lpos_count)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LposOptions {
    /// Which match to start from: 1 (the default) is the first from the head, 2 the second...;
    /// -1 is the first from the tail, -2 the second from the tail... 0 is an error
    /// ([`Error::RankZero`]). As in Redis 7.0, `i64::MIN` searches from the tail with no limit
    /// on the matches reported.
    pub rank: i64,
    /// Compare at most this many items (0, the default: the whole list).
    pub maxlen: u64,
}

impl Default for LposOptions {
    fn default() -> Self {
        LposOptions { rank: 1, maxlen: 0 }
    }
}

impl LposOptions {
    /// Parses LPOS's options (the arguments after the element: `RANK rank`, `COUNT num`,
    /// `MAXLEN len`, any order, case-insensitive, the last of a repeated option winning) into
    /// the options and the COUNT, if given. Checks happen in argument order, as Redis does.
    ///
    /// # Errors
    /// [`Error::NotInteger`] for a RANK that is not an integer; [`Error::RankZero`];
    /// [`Error::CountNegative`] and [`Error::MaxlenNegative`] for a COUNT or MAXLEN that is
    /// negative or not an integer; [`Error::Syntax`] for anything else (an unknown option, a
    /// missing value).
    pub fn parse(args: &[impl AsRef<[u8]>]) -> Result<(LposOptions, Option<u64>)> {
        let mut options = LposOptions::default();
        let mut count = None;
        let mut rest = args.iter().map(AsRef::as_ref);
        while let Some(option) = rest.next() {
            let Some(value) = rest.next() else {
                return Err(Error::Syntax);
            };
            if option.eq_ignore_ascii_case(b"rank") {
                options.rank = parse_i64(value).ok_or(Error::NotInteger)?;
                if options.rank == 0 {
                    return Err(Error::RankZero);
                }
            } else if option.eq_ignore_ascii_case(b"count") {
                count = Some(parse_non_negative(value).ok_or(Error::CountNegative)?);
            } else if option.eq_ignore_ascii_case(b"maxlen") {
                options.maxlen = parse_non_negative(value).ok_or(Error::MaxlenNegative)?;
            } else {
                return Err(Error::Syntax);
            }
        }
        Ok((options, count))
    }
}

/// The arguments of LMPOP (and of BLMPOP after its timeout): `numkeys key [key ...]
/// LEFT|RIGHT [COUNT count]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LmpopArgs<'a> {
    /// The keys, tried in order.
    pub keys: Vec<&'a [u8]>,
    /// The end to pop from.
    pub end: ListEnd,
    /// How many items to pop at most (1 without COUNT).
    pub count: u64,
}

impl<'a> LmpopArgs<'a> {
    /// Parses `numkeys key [key ...] LEFT|RIGHT [COUNT count]`. For BLMPOP, Redis checks these
    /// before the timeout (which comes first on the wire): parse them, then [`parse_timeout`].
    ///
    /// # Errors
    /// [`Error::NumkeysNotPositive`] when numkeys is not an integer of at least 1;
    /// [`Error::Syntax`] when fewer keys follow, for a direction other than LEFT/RIGHT, an
    /// unknown or repeated option or a missing COUNT value; [`Error::CountNotPositive`] when
    /// COUNT is not an integer of at least 1.
    pub fn parse(args: &'a [impl AsRef<[u8]>]) -> Result<LmpopArgs<'a>> {
        let (numkeys, rest) = args.split_first().ok_or(Error::Syntax)?;
        let numkeys = parse_i64(numkeys.as_ref())
            .filter(|&n| n >= 1)
            .ok_or(Error::NumkeysNotPositive)?;
        let numkeys = usize::try_from(numkeys).map_err(|_| Error::Syntax)?;
        if numkeys >= rest.len() {
            return Err(Error::Syntax);
        }
        let (keys, rest) = rest.split_at(numkeys);
        let (end, mut options) = rest.split_first().ok_or(Error::Syntax)?;
        let end = ListEnd::parse(end.as_ref())?;
        let mut count = None;
        while let Some((option, tail)) = options.split_first() {
            match tail.split_first() {
                Some((value, tail))
                    if count.is_none() && option.as_ref().eq_ignore_ascii_case(b"count") =>
                {
                    count = Some(
                        parse_i64(value.as_ref())
                            .filter(|&c| c >= 1)
                            .ok_or(Error::CountNotPositive)? as u64,
                    );
                    options = tail;
                }
                _ => return Err(Error::Syntax),
            }
        }
        Ok(LmpopArgs {
            keys: keys.iter().map(AsRef::as_ref).collect(),
            end,
            count: count.unwrap_or(1),
        })
    }
}

/// Parses LPOP/RPOP's optional COUNT: an integer from 0 up.
///
/// # Errors
/// [`Error::NotPositive`] when it is negative or not an integer.
pub fn parse_pop_count(arg: &[u8]) -> Result<u64> {
    parse_non_negative(arg).ok_or(Error::NotPositive)
}

/// Parses a blocking command's timeout (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP): seconds, a
/// decimal number, rounded up to whole milliseconds as Redis 7.0 does (so 0.0001 waits 1 ms).
/// [`Duration::ZERO`] means wait forever.
///
/// ```
/// use std::time::Duration;
/// assert_eq!(keyp::parse_timeout(b"1.5")?, Duration::from_millis(1500));
/// assert_eq!(keyp::parse_timeout(b"0")?, Duration::ZERO);
/// assert_eq!(keyp::parse_timeout(b"-1").unwrap_err().to_string(), "ERR timeout is negative");
/// # Ok::<(), keyp::Error>(())
/// ```
///
/// # Errors
/// [`Error::TimeoutNotFloat`] when it is not a number (or is NaN); [`Error::TimeoutNegative`]
/// when it is negative, or too large to count in 64-bit milliseconds (as Redis 7.0 reports it).
pub fn parse_timeout(arg: &[u8]) -> Result<Duration> {
    let mut ms: c_longlong = 0;
    // SAFETY: the pointer and length describe the live slice `arg`; the shim copies at most
    // `len` bytes from it into its own buffer, writes only through the pointer to our local
    // `ms`, and keeps nothing after returning.
    let status = unsafe { keyp_timeout_ms(arg.as_ptr().cast::<c_char>(), arg.len(), &mut ms) };
    match status {
        0 => Ok(Duration::from_millis(u64::try_from(ms).unwrap_or(0))),
        2 => Err(Error::TimeoutNegative),
        _ => Err(Error::TimeoutNotFloat),
    }
}

/// An integer from 0 to `i64::MAX`, as Redis's range-checked argument parsers accept it.
fn parse_non_negative(arg: &[u8]) -> Option<u64> {
    parse_i64(arg).and_then(|v| u64::try_from(v).ok())
}
