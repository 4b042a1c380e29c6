//! The HyperLogLog value, byte for byte Redis's: a 16-byte header, then the registers in one of
//! two encodings.
//!
//! ```text
//! [0..4)   "HYLL"
//! [4]      encoding: 0 = dense, 1 = sparse
//! [5..8)   unused (kept as found)
//! [8..16)  cached cardinality, u64 little-endian; the top bit of byte 15 set = stale
//! [16..)   dense: 16,384 six-bit registers packed from the low bits of each byte up
//!          (12,288 bytes, so a dense value is exactly 12,304 bytes long);
//!          sparse: run-length opcodes (see `sparse.rs`)
//! ```
//!
//! An element's register is the low 14 bits of its MurmurHash64A (seed `0xadc83b19`); its
//! value is the position of the lowest set bit in the remaining 50 bits, counted from 1 (51
//! when they are all zero). A register keeps the largest value seen. The cardinality is
//! estimated from the histogram of register values with Ertl's improved estimator, computed
//! in the same floating point steps as Redis 7.0 so the counts are identical.

use super::sparse;
use crate::error::{Error, Result};
use crate::storage::hash::murmur64a;

/// Bits of the hash that pick the register.
const P: u32 = 14;
/// Bits of the hash left to count the run of zeros in.
const Q: usize = 64 - P as usize;
/// Number of registers.
pub(crate) const REGISTERS: usize = 1 << P;
/// Length of the header before the registers.
pub(crate) const HEADER_LEN: usize = 16;
/// Bytes of dense register data: 16,384 registers of 6 bits.
const DENSE_BYTES: usize = REGISTERS * 6 / 8;
/// Exact length of a dense value.
pub(crate) const DENSE_LEN: usize = HEADER_LEN + DENSE_BYTES;
const MAGIC: &[u8; 4] = b"HYLL";
/// Offset of the encoding byte.
const ENCODING_AT: usize = 4;
/// Offset of the cached cardinality.
const CARD_AT: usize = 8;
/// The byte holding the cache's "stale" bit (its top bit).
const CARD_TOP: usize = CARD_AT + 7;
const DENSE: u8 = 0;
const SPARSE: u8 = 1;
/// The MurmurHash64A seed Redis hashes elements with.
const SEED: u64 = 0xadc8_3b19;
/// The largest value a 6-bit register holds.
const REGISTER_MAX: u8 = 63;
/// 0.5 / ln(2), the estimator's bias constant for an infinite number of registers.
const ALPHA_INF: f64 = 0.721_347_520_444_481_7;

/// How the registers of a valid HyperLogLog are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// 16,384 packed six-bit registers.
    Dense,
    /// Run-length opcodes.
    Sparse,
}

/// Counts of registers per value (index = register value).
pub(crate) type Histogram = [u32; 64];

/// Checks that `value` is a HyperLogLog as Redis checks it before every command: long enough
/// for the header, the magic, a known encoding, and the exact length when dense. The sparse
/// opcodes are checked only when they are read.
///
/// # Errors
/// [`Error::NotHyperLogLog`] otherwise.
pub(crate) fn encoding(value: &[u8]) -> Result<Encoding> {
    if value.len() < HEADER_LEN || !value.starts_with(MAGIC) {
        return Err(Error::NotHyperLogLog);
    }
    match value.get(ENCODING_AT) {
        Some(&DENSE) if value.len() == DENSE_LEN => Ok(Encoding::Dense),
        Some(&SPARSE) => Ok(Encoding::Sparse),
        _ => Err(Error::NotHyperLogLog),
    }
}

/// A new, empty HyperLogLog as Redis creates it: sparse, one opcode covering every register,
/// and a valid cached cardinality of 0.
pub(crate) fn empty() -> Vec<u8> {
    let mut value = Vec::with_capacity(HEADER_LEN + 2);
    value.extend_from_slice(MAGIC);
    value.push(SPARSE);
    value.resize(HEADER_LEN, 0);
    sparse::push_zeros(&mut value, REGISTERS);
    value
}

/// Sets the encoding byte (to dense, when promoting).
pub(crate) fn set_dense(value: &mut [u8]) {
    if let Some(byte) = value.get_mut(ENCODING_AT) {
        *byte = DENSE;
    }
}

/// The cached cardinality, if it is valid.
pub(crate) fn cached_count(value: &[u8]) -> Option<u64> {
    let card: [u8; 8] = value.get(CARD_AT..HEADER_LEN)?.try_into().ok()?;
    (card[7] & 0x80 == 0).then(|| u64::from_le_bytes(card))
}

/// Stores `count` as the cached cardinality. A count with its top bit set (only a crafted
/// register set gives one) leaves the cache stale, as it does in Redis.
pub(crate) fn set_cached_count(value: &mut [u8], count: u64) {
    if let Some(card) = value.get_mut(CARD_AT..HEADER_LEN) {
        card.copy_from_slice(&count.to_le_bytes());
    }
}

/// Marks the cached cardinality stale, keeping its other bits.
pub(crate) fn invalidate_cache(value: &mut [u8]) {
    if let Some(byte) = value.get_mut(CARD_TOP) {
        *byte |= 0x80;
    }
}

/// The register an element maps to and the value it offers that register.
pub(crate) fn pattern(element: &[u8]) -> (usize, u8) {
    let hash = murmur64a(element, SEED);
    let index = (hash & (REGISTERS as u64 - 1)) as usize;
    // The extra top bit ends the run: at most Q zeros, so the value is at most Q + 1.
    let rest = (hash >> P) | (1u64 << Q);
    (index, rest.trailing_zeros() as u8 + 1)
}

/// The register bytes after the header (empty if the value is shorter).
pub(crate) fn registers(value: &[u8]) -> &[u8] {
    value.get(HEADER_LEN..).unwrap_or_default()
}

/// The dense register at `index`.
pub(crate) fn dense_get(registers: &[u8], index: usize) -> u8 {
    let byte = index * 6 / 8;
    let shift = (index * 6) & 7;
    let low = u16::from(registers.get(byte).copied().unwrap_or(0));
    let high = u16::from(registers.get(byte + 1).copied().unwrap_or(0));
    (((low >> shift) | (high << (8 - shift))) & u16::from(REGISTER_MAX)) as u8
}

/// Sets the dense register at `index` to `value` (at most 63).
pub(crate) fn dense_put(registers: &mut [u8], index: usize, value: u8) {
    let byte = index * 6 / 8;
    let shift = (index * 6) & 7;
    let value = value & REGISTER_MAX;
    if let Some(low) = registers.get_mut(byte) {
        *low &= !(REGISTER_MAX << shift);
        *low |= value << shift;
    }
    // Registers starting at bit 0 or 2 of their byte fit in it.
    if shift > 2 {
        if let Some(high) = registers.get_mut(byte + 1) {
            *high &= !(REGISTER_MAX >> (8 - shift));
            *high |= value >> (8 - shift);
        }
    }
}

/// Raises the dense register at `index` to `count` if it is lower; true if it changed.
pub(crate) fn dense_raise(registers: &mut [u8], index: usize, count: u8) -> bool {
    if count > dense_get(registers, index) {
        dense_put(registers, index, count);
        true
    } else {
        false
    }
}

/// Every dense register in order: each 3 bytes hold 4 registers.
fn dense_values(registers: &[u8]) -> impl Iterator<Item = u8> + '_ {
    registers.chunks_exact(3).flat_map(|chunk| match *chunk {
        [b0, b1, b2] => [
            b0 & 63,
            ((b0 >> 6) | (b1 << 2)) & 63,
            ((b1 >> 4) | (b2 << 4)) & 63,
            b2 >> 2,
        ],
        _ => [0; 4],
    })
}

/// Adds `run` registers of value `value` to a histogram.
fn count_run(histogram: &mut Histogram, value: u8, run: usize) {
    if let Some(slot) = histogram.get_mut(usize::from(value)) {
        *slot += run as u32;
    }
}

/// The register histogram of a valid HyperLogLog.
///
/// # Errors
/// [`Error::CorruptHyperLogLog`] if sparse opcodes do not cover exactly every register.
pub(crate) fn histogram(value: &[u8], encoding: Encoding) -> Result<Histogram> {
    let mut histogram = [0u32; 64];
    match encoding {
        Encoding::Dense => {
            for register in dense_values(registers(value)) {
                count_run(&mut histogram, register, 1);
            }
        }
        Encoding::Sparse => sparse::for_each_run(registers(value), |_, run, register| {
            count_run(&mut histogram, register, run)
        })?,
    }
    Ok(histogram)
}

/// The histogram of registers held one per byte (the union PFCOUNT builds).
pub(crate) fn byte_histogram(registers: &[u8]) -> Histogram {
    let mut histogram = [0u32; 64];
    for &register in registers {
        count_run(&mut histogram, register, 1);
    }
    histogram
}

/// Raises each of `max`'s registers (one per byte) to the HyperLogLog's.
///
/// # Errors
/// [`Error::CorruptHyperLogLog`] if sparse opcodes do not cover exactly every register.
pub(crate) fn merge_into(max: &mut [u8], value: &[u8], encoding: Encoding) -> Result<()> {
    match encoding {
        Encoding::Dense => {
            for (slot, register) in max.iter_mut().zip(dense_values(registers(value))) {
                *slot = (*slot).max(register);
            }
            Ok(())
        }
        Encoding::Sparse => sparse::for_each_run(registers(value), |first, run, register| {
            if register == 0 {
                return;
            }
            let end = first.saturating_add(run).min(max.len());
            for slot in max.get_mut(first..end).unwrap_or_default() {
                *slot = (*slot).max(register);
            }
        }),
    }
}

/// The dense form of a valid HyperLogLog: the header copied (cache and unused bytes
/// included) with the encoding byte set to dense.
///
/// # Errors
/// [`Error::CorruptHyperLogLog`] if sparse opcodes do not cover exactly every register.
pub(crate) fn to_dense(value: &[u8]) -> Result<Vec<u8>> {
    if encoding(value)? == Encoding::Dense {
        return Ok(value.to_vec());
    }
    let mut dense = vec![0u8; DENSE_LEN];
    let (header, registers_out) = dense.split_at_mut(HEADER_LEN);
    header.copy_from_slice(value.get(..HEADER_LEN).unwrap_or(&[0; HEADER_LEN]));
    sparse::for_each_run(registers(value), |first, run, register| {
        if register != 0 {
            for index in first..first.saturating_add(run) {
                dense_put(registers_out, index, register);
            }
        }
    })?;
    set_dense(&mut dense);
    Ok(dense)
}

/// Ertl's sigma function (arXiv:1702.01284), iterated to a fixed point as Redis does.
fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let mut y = 1.0;
    let mut z = x;
    loop {
        x *= x;
        let previous = z;
        z += x * y;
        y += y;
        if previous == z {
            return z;
        }
    }
}

/// Ertl's tau function (arXiv:1702.01284), iterated to a fixed point as Redis does.
fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let mut y = 1.0;
    let mut z = 1.0 - x;
    loop {
        x = x.sqrt();
        let previous = z;
        y *= 0.5;
        // Redis writes pow(1 - x, 2), which C compilers turn into this exact product.
        let gap = 1.0 - x;
        z -= gap * gap * y;
        if previous == z {
            return z / 3.0;
        }
    }
}

/// C's `llroundl` of a double on x86-64, as Redis converts the estimate: half away from zero;
/// beyond the i64 range (only crafted registers get there) the "integer indefinite"
/// 0x8000000000000000.
fn round_to_u64(estimate: f64) -> u64 {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    let rounded = estimate.round();
    if rounded.is_finite() && rounded.abs() < LIMIT {
        rounded as i64 as u64
    } else {
        i64::MIN as u64
    }
}

/// The cardinality estimate from a register histogram: Ertl's improved estimator, in Redis
/// 7.0's order of floating point operations. Registers above Q + 1 (only crafted dense data
/// holds them) are ignored, as in Redis.
pub(crate) fn estimate(histogram: &Histogram) -> u64 {
    let m = REGISTERS as f64;
    let at = |value: usize| f64::from(histogram.get(value).copied().unwrap_or(0));
    let mut z = m * tau((m - at(Q + 1)) / m);
    for value in (1..=Q).rev() {
        z += at(value);
        z *= 0.5;
    }
    z += m * sigma(at(0) / m);
    round_to_u64(ALPHA_INF * m * m / z)
}
