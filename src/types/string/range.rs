//! In-place string edits and slices: APPEND, SETRANGE, GETRANGE and its old name SUBSTR.
//!
//! Redis edits the stored string in place for APPEND and SETRANGE, which leaves it "raw"
//! encoded; the [`RAW`](crate::storage::meta::RAW) flag records that for OBJECT ENCODING. Both
//! keep the key's deadline.

use std::ops::Range;

use bytes::Bytes;

use super::MAX_STRING_LEN;
use crate::error::{Error, Result};
use crate::storage::meta::RAW;
use crate::store::store_ops;
use crate::txn::{ReadTxn, WriteTxn};

/// The byte range GETRANGE returns for `start..=end` of a `len`-byte string, with Redis 7.0's
/// rules: negative indexes count from the end, the range is clamped to the string, and an empty
/// or inverted range (or two negative indexes with `start > end`) selects nothing.
fn getrange_bounds(len: usize, start: i64, end: i64) -> Option<Range<usize>> {
    if start < 0 && end < 0 && start > end {
        return None;
    }
    // A stored string is at most a few GB, far inside i64.
    let len = i64::try_from(len).ok()?;
    // `len + index` for a negative index cannot overflow: len >= 0.
    let from_end = |index: i64| if index < 0 { len + index } else { index };
    let start = from_end(start).max(0);
    let end = from_end(end).max(0).min(len - 1);
    if len == 0 || start > end {
        return None;
    }
    let start = usize::try_from(start).ok()?;
    let end = usize::try_from(end).ok()?;
    Some(start..end + 1)
}

impl ReadTxn<'_> {
    /// GETRANGE: the bytes of the string at `key` from `start` to `end`, both inclusive;
    /// negative indexes count from the end (-1 is the last byte). Out-of-range indexes are
    /// clamped; a missing key or an empty range gives an empty value.
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn getrange(&self, key: impl AsRef<[u8]>, start: i64, end: i64) -> Result<Bytes> {
        let Some(value) = self.string_bytes(key.as_ref())? else {
            return Ok(Bytes::new());
        };
        let slice = getrange_bounds(value.len(), start, end)
            .and_then(|range| value.get(range))
            .unwrap_or_default();
        Ok(Bytes::copy_from_slice(slice))
    }

    /// SUBSTR: the old name of [`getrange`](Self::getrange), with the same behaviour.
    ///
    /// # Errors
    /// As [`getrange`](Self::getrange).
    pub fn substr(&self, key: impl AsRef<[u8]>, start: i64, end: i64) -> Result<Bytes> {
        self.getrange(key, start, end)
    }
}

impl WriteTxn<'_> {
    /// APPEND: appends `value` to the string at `key` (creating it if missing), keeping its
    /// deadline; the new length.
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type; [`Error::StringTooLong`] if the result
    /// would exceed 512 MB.
    pub fn append(&mut self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Result<u64> {
        let (key, value) = (key.as_ref(), value.as_ref());
        let (encoded, old) = self.find_string(key)?;
        let Some(info) = old else {
            // A new key is stored as SET would store it (Redis encodes it the same way).
            self.write_string(&encoded, key, None, value, 0, 0)?;
            return Ok(value.len() as u64);
        };
        let current = self.string_bytes(key)?.unwrap_or_default();
        let total = current.len().saturating_add(value.len());
        if total > MAX_STRING_LEN {
            return Err(Error::StringTooLong);
        }
        let mut joined = Vec::with_capacity(total);
        joined.extend_from_slice(current);
        joined.extend_from_slice(value);
        self.write_string(&encoded, key, Some(&info), &joined, info.expire_at_ms, RAW)?;
        Ok(total as u64)
    }

    /// SETRANGE: overwrites the string at `key` from byte `offset` with `value`, padding with
    /// zero bytes if the string is shorter than `offset` (a missing key is an empty string),
    /// keeping its deadline; the new length.
    ///
    /// An empty `value` changes nothing: it returns the current length (0 for a missing key,
    /// which is not created).
    ///
    /// # Errors
    /// [`Error::OffsetOutOfRange`] for a negative `offset` (checked first);
    /// [`Error::WrongType`] if the key holds another type; [`Error::StringTooLong`] if
    /// `offset + value.len()` exceeds 512 MB.
    pub fn setrange(
        &mut self,
        key: impl AsRef<[u8]>,
        offset: i64,
        value: impl AsRef<[u8]>,
    ) -> Result<u64> {
        let (key, value) = (key.as_ref(), value.as_ref());
        let offset = usize::try_from(offset).map_err(|_| Error::OffsetOutOfRange)?;
        let (encoded, old) = self.find_string(key)?;
        let current = match old {
            Some(_) => self.string_bytes(key)?.unwrap_or_default(),
            None => &[],
        };
        if value.is_empty() {
            return Ok(current.len() as u64);
        }
        let end = offset
            .checked_add(value.len())
            .filter(|&end| end <= MAX_STRING_LEN)
            .ok_or(Error::StringTooLong)?;
        let mut edited = Vec::with_capacity(end.max(current.len()));
        edited.extend_from_slice(current);
        if edited.len() < end {
            edited.resize(end, 0);
        }
        if let Some(target) = edited.get_mut(offset..end) {
            target.copy_from_slice(value);
        }
        let deadline = old.map_or(0, |info| info.expire_at_ms);
        self.write_string(&encoded, key, old.as_ref(), &edited, deadline, RAW)?;
        Ok(edited.len() as u64)
    }
}

store_ops! {
    /// GETRANGE; see [`ReadTxn::getrange`].
    read fn getrange(key: impl AsRef<[u8]>, start: i64, end: i64) -> Bytes;
    /// SUBSTR; see [`ReadTxn::substr`].
    read fn substr(key: impl AsRef<[u8]>, start: i64, end: i64) -> Bytes;
    /// APPEND; see [`WriteTxn::append`].
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// assert_eq!(store.append("log", "Hello")?, 5);
    /// assert_eq!(store.append("log", " World")?, 11);
    /// assert_eq!(store.get("log")?.as_deref(), Some(&b"Hello World"[..]));
    /// # Ok(()) }
    /// ```
    write fn append(key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> u64;
    /// SETRANGE; see [`WriteTxn::setrange`].
    write fn setrange(key: impl AsRef<[u8]>, offset: i64, value: impl AsRef<[u8]>) -> u64;
}

#[cfg(test)]
mod tests {
    use super::getrange_bounds;

    #[test]
    fn getrange_bounds_follow_redis() {
        assert_eq!(getrange_bounds(16, 0, 3), Some(0..4));
        assert_eq!(getrange_bounds(16, -3, -1), Some(13..16));
        assert_eq!(getrange_bounds(16, 10, 100), Some(10..16));
        assert_eq!(getrange_bounds(16, -100, -50), Some(0..1));
        assert_eq!(getrange_bounds(16, -1, -5), None);
        assert_eq!(getrange_bounds(16, 5, 3), None);
        assert_eq!(getrange_bounds(16, 16, 20), None);
        assert_eq!(getrange_bounds(16, 3, -100), None);
        assert_eq!(getrange_bounds(16, i64::MIN, i64::MAX), Some(0..16));
        assert_eq!(getrange_bounds(0, 0, -1), None);
        assert_eq!(getrange_bounds(0, -1, 0), None);
    }
}
