//! BITFIELD and BITFIELD_RO: signed and unsigned integers of 1 to 64 bits at arbitrary bit
//! offsets of a string, read, written and incremented with a choice of overflow behaviour.
//!
//! Fields are big-endian at the bit level, with the same bit numbering as SETBIT: a `u5` at
//! offset 7 spans the last bit of byte 0 and the first four bits of byte 1.

use std::fmt;

use crate::error::{Error, Result};
use crate::store::store_ops;
use crate::txn::{ReadTxn, WriteTxn};
use crate::types::string::{parse_i64, MAX_STRING_LEN};
use crate::types::KeyType;

use super::check_bit_offset;

/// The integer type of a BITFIELD field: `i1`..`i64` or `u1`..`u63` (u64 is not supported, as
/// its values would not all fit Redis's signed 64-bit integer replies).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BitfieldType {
    signed: bool,
    bits: u8,
}

impl BitfieldType {
    /// The type of `bits`-bit integers, signed or not.
    ///
    /// # Errors
    /// [`Error::BitfieldType`] unless `bits` is 1..=64 for signed or 1..=63 for unsigned types.
    pub fn new(signed: bool, bits: u8) -> Result<BitfieldType> {
        let widest = if signed { 64 } else { 63 };
        if (1..=widest).contains(&bits) {
            Ok(BitfieldType { signed, bits })
        } else {
            Err(Error::BitfieldType)
        }
    }

    /// Parses a type name as Redis writes it: `i` or `u` (lowercase) and a width, e.g. `i16`.
    ///
    /// # Errors
    /// [`Error::BitfieldType`] for anything else, including `u64`.
    pub fn parse(name: &[u8]) -> Result<BitfieldType> {
        let (signed, width) = match name.split_first() {
            Some((b'i', width)) => (true, width),
            Some((b'u', width)) => (false, width),
            _ => return Err(Error::BitfieldType),
        };
        let bits = parse_i64(width)
            .and_then(|bits| u8::try_from(bits).ok())
            .ok_or(Error::BitfieldType)?;
        BitfieldType::new(signed, bits)
    }

    /// True for the `i` types.
    pub fn is_signed(self) -> bool {
        self.signed
    }

    /// The width in bits.
    pub fn bits(self) -> u8 {
        self.bits
    }

    /// The mask of the field's `bits` low bits.
    fn mask(self) -> u64 {
        u64::MAX >> (64 - u32::from(self.bits))
    }

    /// The smallest and largest values of the type.
    fn limits(self) -> (i128, i128) {
        let bits = u32::from(self.bits);
        if self.signed {
            (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
        } else {
            (0, (1i128 << bits) - 1)
        }
    }

    /// The value of a field's raw bits.
    fn decode(self, raw: u64) -> i64 {
        let unused = 64 - u32::from(self.bits);
        if self.signed {
            // Move the field's sign bit to bit 63, then shift back arithmetically.
            ((raw << unused) as i64) >> unused
        } else {
            // At most 63 bits: always a non-negative i64.
            (raw & self.mask()) as i64
        }
    }

    /// The raw bits storing `value`, which is within the type's limits.
    fn encode(self, value: i64) -> u64 {
        (value as u64) & self.mask()
    }
}

impl fmt::Display for BitfieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", if self.signed { 'i' } else { 'u' }, self.bits)
    }
}

/// Where a field starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BitfieldOffset {
    /// A bit offset, as in `GET u8 12`.
    Bits(u64),
    /// `#N`: the N-th field of the operation's type, i.e. bit N × width, as in `GET u8 #2`
    /// (bit 16).
    Index(u64),
}

impl BitfieldOffset {
    /// Parses an offset argument for a field of type `ty`: a non-negative integer, or `#` and
    /// one, resolving to a bit below 2^32.
    ///
    /// # Errors
    /// [`Error::BitOffset`] for anything else.
    pub fn parse(arg: &[u8], ty: BitfieldType) -> Result<BitfieldOffset> {
        let (indexed, digits) = match arg.split_first() {
            Some((b'#', rest)) => (true, rest),
            _ => (false, arg),
        };
        let value = parse_i64(digits)
            .and_then(|value| u64::try_from(value).ok())
            .ok_or(Error::BitOffset)?;
        let offset = if indexed {
            BitfieldOffset::Index(value)
        } else {
            BitfieldOffset::Bits(value)
        };
        offset.resolve(ty)?;
        Ok(offset)
    }

    /// The bit offset for a field of type `ty`.
    ///
    /// # Errors
    /// [`Error::BitOffset`] if it is 2^32 or more.
    pub fn resolve(self, ty: BitfieldType) -> Result<u64> {
        let offset = match self {
            BitfieldOffset::Bits(offset) => offset,
            BitfieldOffset::Index(index) => index
                .checked_mul(u64::from(ty.bits))
                .ok_or(Error::BitOffset)?,
        };
        check_bit_offset(offset)?;
        Ok(offset)
    }
}

/// What SET and INCRBY do when the result does not fit the field's type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum BitfieldOverflow {
    /// WRAP (the default): wrap around, modulo 2^width (two's complement for signed types).
    #[default]
    Wrap,
    /// SAT: saturate at the type's minimum or maximum.
    Sat,
    /// FAIL: write nothing and answer `None` for that operation.
    Fail,
}

impl BitfieldOverflow {
    /// Parses `WRAP`, `SAT` or `FAIL` (case-insensitive).
    ///
    /// # Errors
    /// [`Error::BitfieldOverflowType`] for anything else.
    pub fn parse(arg: &[u8]) -> Result<BitfieldOverflow> {
        [
            (&b"wrap"[..], BitfieldOverflow::Wrap),
            (b"sat", BitfieldOverflow::Sat),
            (b"fail", BitfieldOverflow::Fail),
        ]
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(arg))
        .map(|(_, overflow)| overflow)
        .ok_or(Error::BitfieldOverflowType)
    }
}

/// One subcommand of BITFIELD.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BitfieldOp {
    /// GET: the field's value.
    Get {
        /// The field's type.
        ty: BitfieldType,
        /// Where it starts.
        offset: BitfieldOffset,
    },
    /// SET: writes `value` and answers the previous value.
    Set {
        /// The field's type.
        ty: BitfieldType,
        /// Where it starts.
        offset: BitfieldOffset,
        /// The value to write, subject to the overflow behaviour if it does not fit.
        value: i64,
    },
    /// INCRBY: adds `increment` and answers the new value.
    IncrBy {
        /// The field's type.
        ty: BitfieldType,
        /// Where it starts.
        offset: BitfieldOffset,
        /// The amount to add (may be negative).
        increment: i64,
    },
    /// OVERFLOW: the overflow behaviour of the SET and INCRBY operations that follow it.
    Overflow(BitfieldOverflow),
}

/// An operation with its offset resolved and its overflow behaviour attached.
#[derive(Clone, Copy, Debug)]
struct Step {
    ty: BitfieldType,
    offset: u64,
    action: Action,
}

#[derive(Clone, Copy, Debug)]
enum Action {
    Get,
    Set(i64, BitfieldOverflow),
    IncrBy(i64, BitfieldOverflow),
}

/// Resolves `ops` into steps (one per answer), checking every offset.
fn plan(ops: &[BitfieldOp]) -> Result<Vec<Step>> {
    let mut overflow = BitfieldOverflow::default();
    let mut steps = Vec::with_capacity(ops.len());
    for op in ops {
        let (ty, offset, action) = match *op {
            BitfieldOp::Overflow(mode) => {
                overflow = mode;
                continue;
            }
            BitfieldOp::Get { ty, offset } => (ty, offset, Action::Get),
            BitfieldOp::Set { ty, offset, value } => (ty, offset, Action::Set(value, overflow)),
            BitfieldOp::IncrBy {
                ty,
                offset,
                increment,
            } => (ty, offset, Action::IncrBy(increment, overflow)),
        };
        steps.push(Step {
            ty,
            offset: offset.resolve(ty)?,
            action,
        });
    }
    Ok(steps)
}

/// The last bit any SET or INCRBY step writes, `None` if all steps are reads.
fn highest_written_bit(steps: &[Step]) -> Option<u64> {
    steps
        .iter()
        .filter(|step| !matches!(step.action, Action::Get))
        .map(|step| step.offset + u64::from(step.ty.bits) - 1)
        .max()
}

/// The index of the byte holding bit `offset` (offsets are below 2^32, so it always fits).
fn byte_index(offset: u64) -> usize {
    usize::try_from(offset / 8).unwrap_or(usize::MAX)
}

/// The up to 9 bytes that a field of at most 64 bits starting at `offset` touches, read into
/// the top of a u128 (missing bytes read as 0), and the shift that brings the field down.
fn window(bytes: &[u8], offset: u64, bits: u8) -> (u128, u32) {
    let first = byte_index(offset);
    let mut buffer = [0u8; 16];
    for (i, slot) in buffer.iter_mut().take(9).enumerate() {
        *slot = bytes
            .get(first.saturating_add(i))
            .copied()
            .unwrap_or_default();
    }
    let shift = 128 - (offset % 8) as u32 - u32::from(bits);
    (u128::from_be_bytes(buffer), shift)
}

/// The raw bits of the field of type `ty` at `offset`; bits past the end read as 0.
fn read_field(bytes: &[u8], offset: u64, ty: BitfieldType) -> u64 {
    let (window, shift) = window(bytes, offset, ty.bits);
    (window >> shift) as u64 & ty.mask()
}

/// Writes the raw bits `raw` into the field of type `ty` at `offset`, which lies within `bytes`.
fn write_field(bytes: &mut [u8], offset: u64, ty: BitfieldType, raw: u64) {
    let (window, shift) = window(bytes, offset, ty.bits);
    let field = u128::from(ty.mask()) << shift;
    let updated = (window & !field) | (u128::from(raw & ty.mask()) << shift);
    let first = byte_index(offset);
    for (i, byte) in updated.to_be_bytes().into_iter().take(9).enumerate() {
        if let Some(slot) = bytes.get_mut(first.saturating_add(i)) {
            *slot = byte;
        }
    }
}

/// The value a SET or INCRBY stores, given the field's current value: `None` when it overflows
/// under FAIL.
fn new_value(ty: BitfieldType, old: i64, action: Action) -> Option<i64> {
    let (target, overflow, set) = match action {
        Action::Get => return Some(old),
        // An unsigned SET takes the value's 64-bit two's complement pattern, as Redis does:
        // SET u8 with -1 saturates at 255.
        Action::Set(value, overflow) if !ty.signed => (i128::from(value as u64), overflow, true),
        Action::Set(value, overflow) => (i128::from(value), overflow, true),
        Action::IncrBy(increment, overflow) => {
            (i128::from(old) + i128::from(increment), overflow, false)
        }
    };
    let (min, max) = ty.limits();
    if (min..=max).contains(&target) {
        return i64::try_from(target).ok();
    }
    // Redis decides the direction of a signed SET's overflow with `max - value` computed in 64
    // bits, which wraps for values within `max` of i64::MIN: SAT then saturates those at max.
    let wrapped_check = set && ty.signed && max - target > i128::from(i64::MAX);
    let value = match overflow {
        BitfieldOverflow::Wrap => (target - min).rem_euclid(1i128 << ty.bits) + min,
        BitfieldOverflow::Sat if target > max || wrapped_check => max,
        BitfieldOverflow::Sat => min,
        BitfieldOverflow::Fail => return None,
    };
    // Within the type's limits, so within i64.
    i64::try_from(value).ok()
}

/// Runs the steps on `bytes`, already long enough for every write; the answers, and whether any
/// write changed a bit.
fn execute(bytes: &mut [u8], steps: &[Step]) -> (Vec<Option<i64>>, bool) {
    let mut changed = false;
    let answers = steps
        .iter()
        .map(|step| {
            let raw = read_field(bytes, step.offset, step.ty);
            let old = step.ty.decode(raw);
            if let Action::Get = step.action {
                return Some(old);
            }
            let new = new_value(step.ty, old, step.action)?;
            let new_raw = step.ty.encode(new);
            changed |= new_raw != raw;
            write_field(bytes, step.offset, step.ty, new_raw);
            match step.action {
                Action::Set(..) => Some(old),
                _ => Some(new),
            }
        })
        .collect();
    (answers, changed)
}

impl ReadTxn<'_> {
    /// BITFIELD_RO: the values of the GET operations in `ops` (OVERFLOW is accepted and has no
    /// effect); 0 for fields past the end of the string or of a missing key.
    ///
    /// # Errors
    /// [`Error::BitOffset`] for an offset at or beyond 2^32; [`Error::BitfieldReadOnly`] if
    /// `ops` holds a SET or INCRBY; [`Error::WrongType`] if the key holds another type.
    pub fn bitfield_ro(&self, key: impl AsRef<[u8]>, ops: &[BitfieldOp]) -> Result<Vec<i64>> {
        let steps = plan(ops)?;
        if highest_written_bit(&steps).is_some() {
            return Err(Error::BitfieldReadOnly);
        }
        let bytes = self.string_bytes(key.as_ref())?.unwrap_or_default();
        Ok(steps
            .iter()
            .map(|step| step.ty.decode(read_field(bytes, step.offset, step.ty)))
            .collect())
    }
}

impl WriteTxn<'_> {
    /// BITFIELD: runs `ops` in order on the string at `key`; one answer per GET, SET and
    /// INCRBY: GET answers the value, SET the previous value, INCRBY the new value, and an
    /// operation that overflows under [`BitfieldOverflow::Fail`] answers `None` and writes
    /// nothing.
    ///
    /// With any SET or INCRBY the key is created, or its string grown with zero bytes, to hold
    /// the farthest field written (even if every write then fails), and keeps its deadline.
    /// With only GETs nothing is written and a missing key reads as zeros.
    ///
    /// # Errors
    /// [`Error::BitOffset`] for an offset at or beyond 2^32; [`Error::WrongType`] if the key
    /// holds another type; [`Error::StringTooLong`] if a field written at the very end of the
    /// bit range would take the string past 512 MB.
    pub fn bitfield(
        &mut self,
        key: impl AsRef<[u8]>,
        ops: &[BitfieldOp],
    ) -> Result<Vec<Option<i64>>> {
        let key = key.as_ref();
        let steps = plan(ops)?;
        let Some(highest) = highest_written_bit(&steps) else {
            let bytes = self.string_bytes(key)?.unwrap_or_default();
            let answers = steps
                .iter()
                .map(|step| Some(step.ty.decode(read_field(bytes, step.offset, step.ty))))
                .collect();
            return Ok(answers);
        };
        let found = self.find_typed(key, KeyType::String)?;
        let needed = byte_index(highest).saturating_add(1);
        if needed > MAX_STRING_LEN {
            return Err(Error::StringTooLong);
        }
        let mut bytes = self.string_bytes(key)?.unwrap_or_default().to_vec();
        let grown = bytes.len() < needed;
        if grown {
            bytes.resize(needed, 0);
        }
        let (answers, changed) = execute(&mut bytes, &steps);
        self.store_edited(key, found, &bytes, grown || changed)?;
        Ok(answers)
    }
}

store_ops! {
    /// BITFIELD; see [`WriteTxn::bitfield`].
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// use keyp::{BitfieldOffset, BitfieldOp, BitfieldOverflow, BitfieldType};
    /// let u2 = BitfieldType::parse(b"u2")?;
    /// let ops = [
    ///     BitfieldOp::IncrBy { ty: u2, offset: BitfieldOffset::Bits(100), increment: 1 },
    ///     BitfieldOp::Overflow(BitfieldOverflow::Sat),
    ///     BitfieldOp::IncrBy { ty: u2, offset: BitfieldOffset::Bits(102), increment: 1 },
    /// ];
    /// assert_eq!(store.bitfield("mykey", &ops)?, vec![Some(1), Some(1)]);
    /// assert_eq!(store.bitfield("mykey", &ops)?, vec![Some(2), Some(2)]);
    /// assert_eq!(store.bitfield("mykey", &ops)?, vec![Some(3), Some(3)]);
    /// assert_eq!(store.bitfield("mykey", &ops)?, vec![Some(0), Some(3)]);
    /// # Ok(()) }
    /// ```
    write fn bitfield(key: impl AsRef<[u8]>, ops: &[BitfieldOp]) -> Vec<Option<i64>>;
    /// BITFIELD_RO; see [`ReadTxn::bitfield_ro`].
    read fn bitfield_ro(key: impl AsRef<[u8]>, ops: &[BitfieldOp]) -> Vec<i64>;
}
