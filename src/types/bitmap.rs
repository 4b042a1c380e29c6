//! Bitmaps: bit-level operations on strings (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP; BITFIELD in
//! [`bitfield`]).
//!
//! A bitmap is an ordinary string. Bit 0 is the most significant bit of the first byte, bit 8 the
//! most significant bit of the second, and so on; bits past the end of the string read as 0.
//! Writes grow the string with zero bytes as needed, up to Redis's 512 MB limit (bit offsets
//! below 2^32), keep the key's deadline, and mark the string as modified in place ("raw").
//!
//! Each command's arguments arrive already typed; the `parse_*` helpers and the `parse` methods
//! of the argument types turn wire arguments into them with Redis's exact errors.

pub(crate) mod bitfield;

use crate::error::{Error, Result};
use crate::storage::codec::EncodedKey;
use crate::storage::meta::RAW;
use crate::store::store_ops;
use crate::txn::{KeyInfo, ReadTxn, WriteTxn};
use crate::types::string::{parse_i64, MAX_STRING_LEN};
use crate::types::KeyType;

/// The number of addressable bits: offsets must be below this (512 MB of bits, 2^32).
pub(crate) const BIT_LIMIT: u64 = (MAX_STRING_LEN as u64) * 8;

/// The unit of a BITCOUNT or BITPOS range.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum BitUnit {
    /// BYTE (the default): indices count bytes.
    #[default]
    Byte,
    /// BIT: indices count bits.
    Bit,
}

impl BitUnit {
    /// Parses `BYTE` or `BIT` (case-insensitive).
    ///
    /// # Errors
    /// [`Error::Syntax`] for anything else.
    pub fn parse(arg: &[u8]) -> Result<BitUnit> {
        if arg.eq_ignore_ascii_case(b"byte") {
            Ok(BitUnit::Byte)
        } else if arg.eq_ignore_ascii_case(b"bit") {
            Ok(BitUnit::Bit)
        } else {
            Err(Error::Syntax)
        }
    }
}

/// The range of BITCOUNT: `start` and `end` inclusive, negative values counting from the end
/// (-1 is the last byte or bit).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct BitRange {
    /// First index.
    pub start: i64,
    /// Last index, inclusive.
    pub end: i64,
    /// Whether the indices count bytes or bits.
    pub unit: BitUnit,
}

impl BitRange {
    /// A range of bytes (`start end` or `start end BYTE`).
    pub fn bytes(start: i64, end: i64) -> BitRange {
        BitRange {
            start,
            end,
            unit: BitUnit::Byte,
        }
    }

    /// A range of bits (`start end BIT`).
    pub fn bits(start: i64, end: i64) -> BitRange {
        BitRange {
            start,
            end,
            unit: BitUnit::Bit,
        }
    }
}

/// The range of BITPOS: a start, an optional end, a unit.
///
/// Without an end the range runs to the end of the string, and a search for a 0 bit that finds
/// none answers the first bit after the string (the string is taken as zero-padded); with an
/// end, such a search answers -1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct BitPosRange {
    /// First index; negative counts from the end.
    pub start: i64,
    /// Last index, inclusive; negative counts from the end. `None`: the end of the string.
    pub end: Option<i64>,
    /// Whether the indices count bytes or bits. Redis's syntax only takes a unit after an end.
    pub unit: BitUnit,
}

impl BitPosRange {
    /// From byte `start` to the end of the string (`BITPOS key bit start`).
    pub fn from_start(start: i64) -> BitPosRange {
        BitPosRange {
            start,
            end: None,
            unit: BitUnit::Byte,
        }
    }

    /// Bytes `start..=end` (`BITPOS key bit start end [BYTE]`).
    pub fn bytes(start: i64, end: i64) -> BitPosRange {
        BitPosRange {
            start,
            end: Some(end),
            unit: BitUnit::Byte,
        }
    }

    /// Bits `start..=end` (`BITPOS key bit start end BIT`).
    pub fn bits(start: i64, end: i64) -> BitPosRange {
        BitPosRange {
            start,
            end: Some(end),
            unit: BitUnit::Bit,
        }
    }
}

/// The operation of BITOP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BitOp {
    /// AND of all sources.
    And,
    /// OR of all sources.
    Or,
    /// XOR of all sources.
    Xor,
    /// NOT of exactly one source.
    Not,
}

impl BitOp {
    /// Parses `AND`, `OR`, `XOR` or `NOT` (case-insensitive).
    ///
    /// # Errors
    /// [`Error::Syntax`] for anything else.
    pub fn parse(arg: &[u8]) -> Result<BitOp> {
        [
            (&b"and"[..], BitOp::And),
            (b"or", BitOp::Or),
            (b"xor", BitOp::Xor),
            (b"not", BitOp::Not),
        ]
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(arg))
        .map(|(_, op)| op)
        .ok_or(Error::Syntax)
    }
}

/// Parses the bit offset of SETBIT and GETBIT: an integer from 0 to 2^32 - 1.
///
/// # Errors
/// [`Error::BitOffset`] for anything else.
pub fn parse_bit_offset(arg: &[u8]) -> Result<u64> {
    let offset = parse_i64(arg).ok_or(Error::BitOffset)?;
    let offset = u64::try_from(offset).map_err(|_| Error::BitOffset)?;
    check_bit_offset(offset)?;
    Ok(offset)
}

/// Parses the value argument of SETBIT: `0` or `1`.
///
/// # Errors
/// [`Error::BitValue`] for anything else.
pub fn parse_bit_value(arg: &[u8]) -> Result<bool> {
    match parse_i64(arg) {
        Some(0) => Ok(false),
        Some(1) => Ok(true),
        _ => Err(Error::BitValue),
    }
}

/// Parses the bit argument of BITPOS: `0` or `1`.
///
/// # Errors
/// [`Error::NotInteger`] if it is not an integer; [`Error::BitposBit`] for another integer.
pub fn parse_bitpos_bit(arg: &[u8]) -> Result<bool> {
    match parse_i64(arg) {
        Some(0) => Ok(false),
        Some(1) => Ok(true),
        Some(_) => Err(Error::BitposBit),
        None => Err(Error::NotInteger),
    }
}

/// [`Error::BitOffset`] unless `offset` addresses a bit of a string within the 512 MB limit.
pub(crate) fn check_bit_offset(offset: u64) -> Result<()> {
    if offset < BIT_LIMIT {
        Ok(())
    } else {
        Err(Error::BitOffset)
    }
}

/// The mask selecting bit `offset % 8` of its byte (bit 0 is the most significant).
fn bit_mask(offset: u64) -> u8 {
    0x80 >> (offset & 7)
}

/// Resolves `start..=end` against a length of `total` units the way Redis's BITCOUNT and BITPOS
/// do: negative indices count from the end, then both are clamped into the string. `None` when
/// the range is empty.
fn clamp_range(start: i64, end: i64, total: i64) -> Option<(u64, u64)> {
    let start = if start < 0 { start + total } else { start }.max(0);
    let end = if end < 0 { end + total } else { end }.max(0);
    let end = end.min(total - 1);
    if start > end {
        return None;
    }
    Some((u64::try_from(start).ok()?, u64::try_from(end).ok()?))
}

/// A range's bounds converted to inclusive bit positions.
fn bit_bounds(first: u64, last: u64, unit: BitUnit) -> (u64, u64) {
    match unit {
        BitUnit::Byte => (first * 8, last * 8 + 7),
        BitUnit::Bit => (first, last),
    }
}

/// The length of `bytes` in `unit`s.
fn total_units(bytes: &[u8], unit: BitUnit) -> i64 {
    let len = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    match unit {
        BitUnit::Byte => len,
        BitUnit::Bit => len.saturating_mul(8),
    }
}

/// The bytes holding bits `first..=last` and the masks of the bits outside the range in the
/// first and last of them. The bits must lie within `bytes`.
fn span(bytes: &[u8], first: u64, last: u64) -> (&[u8], u8, u8) {
    let from = usize::try_from(first / 8).unwrap_or(usize::MAX);
    let to = usize::try_from(last / 8).unwrap_or(usize::MAX);
    let slice = bytes.get(from..=to).unwrap_or_default();
    let before = !(0xFFu8 >> (first & 7));
    let after = (0xFFu16 >> ((last & 7) + 1)) as u8;
    (slice, before, after)
}

/// The number of 1 bits in `bytes`.
fn popcount(bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(8);
    let mut count: u64 = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        count += u64::from(u64::from_ne_bytes(word).count_ones());
    }
    count
        + chunks
            .remainder()
            .iter()
            .map(|b| u64::from(b.count_ones()))
            .sum::<u64>()
}

/// The number of 1 bits among bits `first..=last` of `bytes` (which must hold them).
fn count_ones(bytes: &[u8], first: u64, last: u64) -> u64 {
    let (slice, before, after) = span(bytes, first, last);
    let (Some(head), Some(tail)) = (slice.first(), slice.last()) else {
        return 0;
    };
    let outside = (head & before).count_ones() + (tail & after).count_ones();
    popcount(slice) - u64::from(outside)
}

/// The position of the first bit equal to `bit` among bits `first..=last` of `bytes` (which
/// must hold them).
fn find_bit(bytes: &[u8], bit: bool, first: u64, last: u64) -> Option<u64> {
    let (slice, before, after) = span(bytes, first, last);
    let end = slice.len().checked_sub(1)?;
    // Turn the search into one for a 1 bit: flip the bytes when looking for 0.
    let flip = if bit { 0x00 } else { 0xFF };
    let masked = |index: usize, byte: u8| {
        let mut candidates = byte ^ flip;
        if index == 0 {
            candidates &= !before;
        }
        if index == end {
            candidates &= !after;
        }
        candidates
    };
    let index = slice
        .iter()
        .enumerate()
        .position(|(index, &byte)| masked(index, byte) != 0)?;
    let byte = slice.get(index).copied().unwrap_or_default();
    let within = masked(index, byte).leading_zeros();
    Some((first / 8 + index as u64) * 8 + u64::from(within))
}

impl ReadTxn<'_> {
    /// GETBIT: the bit at `offset` of the string at `key`; false past its end or if the key is
    /// missing.
    ///
    /// # Errors
    /// [`Error::BitOffset`] if `offset` is 2^32 or more; [`Error::WrongType`] if the key holds
    /// another type.
    pub fn getbit(&self, key: impl AsRef<[u8]>, offset: u64) -> Result<bool> {
        check_bit_offset(offset)?;
        let Some(bytes) = self.string_bytes(key.as_ref())? else {
            return Ok(false);
        };
        let index = usize::try_from(offset / 8).unwrap_or(usize::MAX);
        Ok(bytes
            .get(index)
            .is_some_and(|byte| byte & bit_mask(offset) != 0))
    }

    /// BITCOUNT: the number of 1 bits in the string at `key` (0 if missing), in the whole string
    /// or in `range`.
    ///
    /// The range follows Redis 7.0: negative indices count from the end, both ends are clamped
    /// into the string, and a range whose start and end are both negative with start > end is
    /// empty.
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn bitcount(&self, key: impl AsRef<[u8]>, range: Option<BitRange>) -> Result<u64> {
        let Some(bytes) = self.string_bytes(key.as_ref())? else {
            return Ok(0);
        };
        let Some(range) = range else {
            return Ok(popcount(bytes));
        };
        if range.start < 0 && range.end < 0 && range.start > range.end {
            return Ok(0);
        }
        let total = total_units(bytes, range.unit);
        let Some((start, end)) = clamp_range(range.start, range.end, total) else {
            return Ok(0);
        };
        let (first, last) = bit_bounds(start, end, range.unit);
        Ok(count_ones(bytes, first, last))
    }

    /// BITPOS: the position of the first bit equal to `bit` in the string at `key`, in the
    /// whole string or in `range`; positions are absolute whatever the range.
    ///
    /// A missing key is an endless run of 0 bits: the answer is 0 when looking for 0 and -1
    /// when looking for 1. Otherwise -1 means no such bit in the range, except that a search for
    /// 0 without an explicit end that finds none answers the first bit after the string. An
    /// existing empty string always answers -1.
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn bitpos(
        &self,
        key: impl AsRef<[u8]>,
        bit: bool,
        range: Option<BitPosRange>,
    ) -> Result<i64> {
        let Some(bytes) = self.string_bytes(key.as_ref())? else {
            return Ok(if bit { -1 } else { 0 });
        };
        let range = range.unwrap_or_default();
        let total = total_units(bytes, range.unit);
        let end = range.end.unwrap_or(total - 1);
        let Some((start, end)) = clamp_range(range.start, end, total) else {
            return Ok(-1);
        };
        let (first, last) = bit_bounds(start, end, range.unit);
        let found = match find_bit(bytes, bit, first, last) {
            Some(position) => position,
            None if !bit && range.end.is_none() => last + 1,
            None => return Ok(-1),
        };
        Ok(i64::try_from(found).unwrap_or(i64::MAX))
    }
}

impl WriteTxn<'_> {
    /// SETBIT: sets or clears the bit at `offset` of the string at `key`, creating the key or
    /// growing the string with zero bytes as needed; the previous bit. The key keeps its
    /// deadline.
    ///
    /// # Errors
    /// [`Error::BitOffset`] if `offset` is 2^32 or more; [`Error::WrongType`] if the key holds
    /// another type.
    pub fn setbit(&mut self, key: impl AsRef<[u8]>, offset: u64, value: bool) -> Result<bool> {
        check_bit_offset(offset)?;
        let key = key.as_ref();
        let found = self.find_typed(key, KeyType::String)?;
        let index = usize::try_from(offset / 8).map_err(|_| Error::BitOffset)?;
        let mut bytes = self.string_bytes(key)?.unwrap_or_default().to_vec();
        let grown = index >= bytes.len();
        if grown {
            bytes.resize(index + 1, 0);
        }
        let mask = bit_mask(offset);
        let mut previous = false;
        if let Some(byte) = bytes.get_mut(index) {
            previous = *byte & mask != 0;
            if value {
                *byte |= mask;
            } else {
                *byte &= !mask;
            }
        }
        self.store_edited(key, found, &bytes, grown || previous != value)?;
        Ok(previous)
    }

    /// BITOP: stores at `dest` the AND, OR or XOR of the strings at `sources`, or the NOT of the
    /// single source; the length of the result. Shorter and missing sources count as zero bytes
    /// up to the longest source. An empty result deletes `dest`; otherwise `dest` is replaced
    /// whatever it held, without a deadline.
    ///
    /// # Errors
    /// [`Error::BitopNotSingleSource`] for NOT with other than one source; [`Error::WrongType`]
    /// if a source holds another type (nothing is written).
    pub fn bitop(
        &mut self,
        op: BitOp,
        dest: impl AsRef<[u8]>,
        sources: &[impl AsRef<[u8]>],
    ) -> Result<u64> {
        if op == BitOp::Not && sources.len() != 1 {
            return Err(Error::BitopNotSingleSource);
        }
        let mut longest = 0;
        for source in sources {
            if let Some(bytes) = self.string_bytes(source.as_ref())? {
                longest = longest.max(bytes.len());
            }
        }
        let mut result = vec![0u8; longest];
        for (index, source) in sources.iter().enumerate() {
            let bytes = self.string_bytes(source.as_ref())?.unwrap_or_default();
            combine(&mut result, bytes, if index == 0 { None } else { Some(op) });
        }
        if op == BitOp::Not {
            result.iter_mut().for_each(|byte| *byte = !*byte);
        }
        let dest = dest.as_ref();
        if result.is_empty() {
            self.delete_key(dest)?;
            return Ok(0);
        }
        let found = self.find(dest)?;
        let encoded = match &found {
            Some((encoded, _)) => encoded.clone(),
            None => EncodedKey::new(self.db, dest),
        };
        let old = found.as_ref().map(|(_, info)| info);
        self.write_string(&encoded, dest, old, &result, 0, RAW)?;
        Ok(result.len() as u64)
    }

    /// Stores the result of an in-place edit of the string at `key` (`found`, as `find_typed`
    /// returned it), keeping its deadline and marking it raw. Like Redis, an edit that changed
    /// nothing still turns the string raw but is not a modification (watchers are not told).
    pub(crate) fn store_edited(
        &mut self,
        key: &[u8],
        found: Option<(EncodedKey, KeyInfo)>,
        value: &[u8],
        changed: bool,
    ) -> Result<()> {
        match found {
            None => {
                let encoded = EncodedKey::new(self.db, key);
                self.write_string(&encoded, key, None, value, 0, RAW)
            }
            Some((encoded, info)) if changed => {
                self.write_string(&encoded, key, Some(&info), value, info.expire_at_ms, RAW)
            }
            Some((encoded, info)) if info.flags & RAW == 0 => {
                let header = self.header(key, KeyType::String, RAW, info.expire_at_ms);
                self.put_record(&encoded, &header, value)
            }
            Some(_) => Ok(()),
        }
    }
}

/// Folds `source` into `result` (as long as the longest source): copies it for the first
/// source (`op` = `None`), else applies `op`, with the bytes past `source`'s end taken as 0.
fn combine(result: &mut [u8], source: &[u8], op: Option<BitOp>) {
    let pairs = result.iter_mut().zip(source);
    match op {
        None | Some(BitOp::Not) => pairs.for_each(|(r, s)| *r = *s),
        Some(BitOp::Or) => pairs.for_each(|(r, s)| *r |= *s),
        Some(BitOp::Xor) => pairs.for_each(|(r, s)| *r ^= *s),
        Some(BitOp::And) => {
            pairs.for_each(|(r, s)| *r &= *s);
            let tail = result.get_mut(source.len()..).unwrap_or_default();
            tail.iter_mut().for_each(|r| *r = 0);
        }
    }
}

store_ops! {
    /// GETBIT; see [`ReadTxn::getbit`].
    read fn getbit(key: impl AsRef<[u8]>, offset: u64) -> bool;
    /// BITCOUNT; see [`ReadTxn::bitcount`].
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// use keyp::BitRange;
    /// store.set("mykey", "foobar")?;
    /// assert_eq!(store.bitcount("mykey", None)?, 26);
    /// assert_eq!(store.bitcount("mykey", Some(BitRange::bytes(1, 1)))?, 6);
    /// assert_eq!(store.bitcount("mykey", Some(BitRange::bits(5, 30)))?, 17);
    /// # Ok(()) }
    /// ```
    read fn bitcount(key: impl AsRef<[u8]>, range: Option<BitRange>) -> u64;
    /// BITPOS; see [`ReadTxn::bitpos`].
    read fn bitpos(key: impl AsRef<[u8]>, bit: bool, range: Option<BitPosRange>) -> i64;
    /// SETBIT; see [`WriteTxn::setbit`].
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// assert!(!store.setbit("mykey", 7, true)?);
    /// assert!(store.setbit("mykey", 7, false)?);
    /// assert_eq!(store.get("mykey")?.as_deref(), Some(&b"\x00"[..]));
    /// # Ok(()) }
    /// ```
    write fn setbit(key: impl AsRef<[u8]>, offset: u64, value: bool) -> bool;
    /// BITOP; see [`WriteTxn::bitop`].
    write fn bitop(op: BitOp, dest: impl AsRef<[u8]>, sources: &[impl AsRef<[u8]>]) -> u64;
}

#[cfg(test)]
mod tests;
