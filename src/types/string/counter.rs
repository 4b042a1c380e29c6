//! The counters: INCR, DECR, INCRBY, DECRBY and INCRBYFLOAT.
//!
//! Integer counters are checked 64-bit arithmetic on values parsed as Redis parses them.
//! INCRBYFLOAT is computed in C `long double` by the shim in `csrc/longdouble.c`, because Redis
//! parses, adds and prints in that type and `f64` gives different digits (0.1 + 0.1 + 0.1).

use std::os::raw::{c_char, c_int};

use bytes::Bytes;

use super::{parse_i64, NOT_INT};
use crate::error::{Error, Result};
use crate::storage::codec::EncodedKey;
use crate::store::store_ops;
use crate::txn::WriteTxn;
use crate::types::KeyType;

extern "C" {
    /// `current` (null for a missing key, read as 0) plus `increment`, both parsed like Redis's
    /// `strtold`-based parser, formatted into `out` (`*out_len` bytes, no terminator).
    /// Returns 0 on success, 1 if `current` is not a float, 2 if `increment` is not, 3 if the sum
    /// is NaN or infinite, 4 if `out` is too small.
    fn keyp_incrbyfloat(
        current: *const c_char,
        current_len: usize,
        increment: *const c_char,
        increment_len: usize,
        out: *mut c_char,
        out_cap: usize,
        out_len: *mut usize,
    ) -> c_int;
}

/// Room for any long double printed with 17 decimals (the largest has 4933 integer digits);
/// Redis formats into a buffer of the same size.
pub(crate) const LONG_DOUBLE_CHARS: usize = 5 * 1024;

/// Why a long double addition failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LongDoubleFailure {
    /// The current value is not a float.
    Current,
    /// The increment is not a float.
    Increment,
    /// The sum is NaN or infinite.
    NanOrInfinity,
}

/// Redis's INCRBYFLOAT / HINCRBYFLOAT arithmetic: `current` (`None` for a missing value, read
/// as 0) plus `increment`, both parsed as Redis parses floats, written into `out` as Redis
/// formats it; the length written.
pub(crate) fn long_double_add(
    current: Option<&[u8]>,
    increment: &[u8],
    out: &mut [u8],
) -> Result<usize, LongDoubleFailure> {
    let (current_ptr, current_len) = match current {
        Some(bytes) => (bytes.as_ptr().cast::<c_char>(), bytes.len()),
        None => (std::ptr::null(), 0),
    };
    let mut out_len = 0usize;
    // SAFETY: every pointer comes from a live slice (or is null for `current`, which the shim
    // reads as a missing value) and is passed with that slice's exact length; the shim copies
    // its inputs into its own buffer before parsing, never writes past `out.len()` bytes of
    // `out`, and writes `out_len` only through the pointer to our local. Nothing is retained
    // after the call returns.
    let status = unsafe {
        keyp_incrbyfloat(
            current_ptr,
            current_len,
            increment.as_ptr().cast::<c_char>(),
            increment.len(),
            out.as_mut_ptr().cast::<c_char>(),
            out.len(),
            &mut out_len,
        )
    };
    match status {
        0 if out_len <= out.len() => Ok(out_len),
        1 => Err(LongDoubleFailure::Current),
        3 => Err(LongDoubleFailure::NanOrInfinity),
        // 2: the increment is not a float. 4 (no room) cannot happen with LONG_DOUBLE_CHARS;
        // Redis has no reply for it either, so it is reported as the operand's fault rather
        // than invented.
        _ => Err(LongDoubleFailure::Increment),
    }
}

/// [`long_double_add`] with INCRBYFLOAT's errors.
fn add_long_double(current: Option<&[u8]>, increment: &[u8], out: &mut [u8]) -> Result<usize> {
    long_double_add(current, increment, out).map_err(|failure| match failure {
        LongDoubleFailure::NanOrInfinity => Error::NanOrInfinity,
        LongDoubleFailure::Current | LongDoubleFailure::Increment => Error::NotFloat,
    })
}

impl WriteTxn<'_> {
    /// INCR: adds 1 to the integer at `key` (0 if missing); the new value.
    ///
    /// # Errors
    /// [`Error::NotInteger`] if the value is not an integer; [`Error::Overflow`];
    /// [`Error::WrongType`].
    pub fn incr(&mut self, key: impl AsRef<[u8]>) -> Result<i64> {
        self.incr_by(key, 1)
    }

    /// DECR: subtracts 1; as [`incr`](Self::incr).
    ///
    /// # Errors
    /// As [`incr`](Self::incr).
    pub fn decr(&mut self, key: impl AsRef<[u8]>) -> Result<i64> {
        self.incr_by(key, -1)
    }

    /// DECRBY: subtracts `delta`; as [`incr`](Self::incr).
    ///
    /// # Errors
    /// As [`incr`](Self::incr); [`Error::DecrementOverflow`] for `i64::MIN` (checked before the
    /// key is looked at, as Redis does).
    pub fn decr_by(&mut self, key: impl AsRef<[u8]>, delta: i64) -> Result<i64> {
        let negated = delta.checked_neg().ok_or(Error::DecrementOverflow)?;
        self.incr_by(key, negated)
    }

    /// INCRBY: adds `delta` to the integer at `key` (0 if missing), keeping its deadline.
    ///
    /// # Errors
    /// As [`incr`](Self::incr).
    pub fn incr_by(&mut self, key: impl AsRef<[u8]>, delta: i64) -> Result<i64> {
        let key = key.as_ref();
        let (encoded, old, current) = match self.find_typed_with(key, KeyType::String, parse_i64)? {
            Some((encoded, info, current)) => {
                (encoded, Some(info), current.ok_or(Error::NotInteger)?)
            }
            None => (EncodedKey::new(self.db, key), None, 0),
        };
        let value = current.checked_add(delta).ok_or(Error::Overflow)?;
        let digits = itoa_buf(value);
        let deadline = old.map_or(0, |i| i.expire_at_ms);
        self.write_string(&encoded, key, old.as_ref(), digits.as_bytes(), deadline, 0)?;
        Ok(value)
    }

    /// INCRBYFLOAT: adds the float `increment` to the number at `key` (0 if missing), keeping its
    /// deadline; the new value exactly as Redis formats and stores it (`"10.6"`, `"5200"`).
    ///
    /// `increment` is the argument's bytes, parsed as Redis parses it (C `strtold`: decimal,
    /// exponent and hexadecimal forms; no surrounding spaces; `nan` refused). The arithmetic is
    /// done in C `long double`, as in Redis, so results match it digit for digit.
    ///
    /// # Errors
    /// [`Error::WrongType`]; [`Error::NotFloat`] if the current value or `increment` is not a
    /// valid float (checked in that order); [`Error::NanOrInfinity`] if the sum is not finite
    /// (for example an increment of `inf`).
    pub fn incr_by_float(
        &mut self,
        key: impl AsRef<[u8]>,
        increment: impl AsRef<[u8]>,
    ) -> Result<Bytes> {
        let key = key.as_ref();
        let (encoded, old) = self.find_string(key)?;
        let mut out = [0u8; LONG_DOUBLE_CHARS];
        let len = match old {
            Some(_) => {
                let current = self.string_bytes(key)?.unwrap_or_default();
                add_long_double(Some(current), increment.as_ref(), &mut out)?
            }
            None => add_long_double(None, increment.as_ref(), &mut out)?,
        };
        let value = out.get(..len).unwrap_or_default();
        let deadline = old.map_or(0, |i| i.expire_at_ms);
        // Redis stores the formatted result as a plain string object, never int-encoded.
        self.write_string(&encoded, key, old.as_ref(), value, deadline, NOT_INT)?;
        Ok(Bytes::copy_from_slice(value))
    }
}

/// Formats an i64 into a small stack string.
fn itoa_buf(value: i64) -> StackStr {
    use std::io::Write;
    let mut out = StackStr {
        buf: [0; 24],
        len: 0,
    };
    let mut cursor = std::io::Cursor::new(&mut out.buf[..]);
    // 24 bytes always hold an i64 in decimal.
    let _ = write!(cursor, "{value}");
    out.len = cursor.position() as usize;
    out
}

struct StackStr {
    buf: [u8; 24],
    len: usize,
}

impl StackStr {
    fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }
}

store_ops! {
    /// INCR; see [`WriteTxn::incr`].
    write fn incr(key: impl AsRef<[u8]>) -> i64;
    /// DECR; see [`WriteTxn::decr`].
    write fn decr(key: impl AsRef<[u8]>) -> i64;
    /// INCRBY; see [`WriteTxn::incr_by`].
    write fn incr_by(key: impl AsRef<[u8]>, delta: i64) -> i64;
    /// DECRBY; see [`WriteTxn::decr_by`].
    write fn decr_by(key: impl AsRef<[u8]>, delta: i64) -> i64;
    /// INCRBYFLOAT; see [`WriteTxn::incr_by_float`].
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// store.set("price", "10.50")?;
    /// assert_eq!(store.incr_by_float("price", "0.1")?, "10.6");
    /// assert_eq!(store.incr_by_float("price", "-5")?, "5.6");
    /// store.set("total", "5.0e3")?;
    /// assert_eq!(store.incr_by_float("total", "2.0e2")?, "5200");
    /// assert!(matches!(store.incr_by_float("price", "inf"), Err(keyp::Error::NanOrInfinity)));
    /// # Ok(()) }
    /// ```
    write fn incr_by_float(key: impl AsRef<[u8]>, increment: impl AsRef<[u8]>) -> Bytes;
}
