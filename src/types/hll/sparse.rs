//! The sparse encoding: the registers as a run-length sequence of three opcodes.
//!
//! ```text
//! ZERO   00xxxxxx            xxxxxx + 1 (1..=64) registers at 0
//! XZERO  01xxxxxx yyyyyyyy   the 14-bit xxxxxxyyyyyyyy + 1 (1..=16384) registers at 0
//! VAL    1vvvvvxx            xx + 1 (1..=4) registers at vvvvv + 1 (1..=32)
//! ```
//!
//! A valid sequence covers exactly the 16,384 registers. Updates edit the sequence in place
//! exactly as Redis does (split the opcode covering the register, then merge equal neighbouring
//! VAL opcodes in a short window), because the bytes are visible: GET of a HyperLogLog must
//! return what Redis would hold. A register above 32, or a sequence that would grow past
//! [`SPARSE_MAX_BYTES`] (header included), turns the value dense.

use super::format::{dense_raise, invalidate_cache, to_dense, HEADER_LEN, REGISTERS};
use crate::error::{Error, Result};

/// Redis's default `hll-sparse-max-bytes`: the longest sparse value, header included.
pub(crate) const SPARSE_MAX_BYTES: usize = 3000;
/// Longest run a ZERO opcode holds.
const ZERO_MAX_RUN: usize = 64;
/// Longest run an XZERO opcode holds.
const XZERO_MAX_RUN: usize = REGISTERS;
/// Largest register value a VAL opcode holds.
const VAL_MAX_VALUE: u8 = 32;
/// Longest run a VAL opcode holds.
const VAL_MAX_RUN: usize = 4;

/// One decoded opcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Zero(usize),
    XZero(usize),
    /// Value, run.
    Val(u8, usize),
}

impl Op {
    /// Registers covered.
    fn span(self) -> usize {
        match self {
            Op::Zero(run) | Op::XZero(run) | Op::Val(_, run) => run,
        }
    }

    /// Bytes taken.
    fn len(self) -> usize {
        match self {
            Op::XZero(_) => 2,
            Op::Zero(_) | Op::Val(..) => 1,
        }
    }

    /// Register value.
    fn value(self) -> u8 {
        match self {
            Op::Val(value, _) => value,
            Op::Zero(_) | Op::XZero(_) => 0,
        }
    }
}

/// Decodes the opcode starting at `at`, `None` past the end. An XZERO cut short by the end of
/// the value reads 0 for its missing second byte, as Redis reads the string's terminating NUL
/// there.
fn op_at(data: &[u8], at: usize) -> Option<Op> {
    let byte = *data.get(at)?;
    Some(if byte & 0x80 != 0 {
        decode_val(byte)
    } else if byte & 0x40 != 0 {
        let low = data.get(at + 1).copied().unwrap_or(0);
        Op::XZero(((usize::from(byte & 0x3f) << 8) | usize::from(low)) + 1)
    } else {
        Op::Zero(usize::from(byte & 0x3f) + 1)
    })
}

/// Decodes a byte known to be a VAL opcode.
fn decode_val(byte: u8) -> Op {
    Op::Val(((byte >> 2) & 0x1f) + 1, usize::from(byte & 0x03) + 1)
}

/// The VAL opcode for `run` (1..=4) registers at `value` (1..=32).
fn val_byte(value: u8, run: usize) -> u8 {
    0x80 | ((value.saturating_sub(1) & 0x1f) << 2) | ((run.saturating_sub(1) & 0x03) as u8)
}

/// Appends opcodes for `run` registers at zero: ZERO up to 64 registers, XZERO above, as
/// Redis writes them.
pub(crate) fn push_zeros(out: &mut Vec<u8>, mut run: usize) {
    while run > 0 {
        let part = run.min(XZERO_MAX_RUN);
        let code = part - 1;
        if part > ZERO_MAX_RUN {
            out.push(0x40 | ((code >> 8) as u8 & 0x3f));
            out.push((code & 0xff) as u8);
        } else {
            out.push(code as u8);
        }
        run -= part;
    }
}

/// Visits the runs of a sparse register sequence in order, as `(first register, run,
/// value)`.
///
/// # Errors
/// [`Error::CorruptHyperLogLog`] unless the runs cover exactly the 16,384 registers.
pub(crate) fn for_each_run(data: &[u8], mut visit: impl FnMut(usize, usize, u8)) -> Result<()> {
    let mut at = 0;
    let mut first = 0;
    while let Some(op) = op_at(data, at) {
        let span = op.span();
        if first + span > REGISTERS {
            return Err(Error::CorruptHyperLogLog);
        }
        visit(first, span, op.value());
        first += span;
        at += op.len();
    }
    if first == REGISTERS {
        Ok(())
    } else {
        Err(Error::CorruptHyperLogLog)
    }
}

/// Raises register `index` of the sparse HyperLogLog `hll` to `count` if it is lower, editing
/// the opcodes as Redis's `hllSparseSet` does, or turning `hll` dense when the register or
/// the length no longer fit the sparse encoding. True if the register changed; a change
/// marks the cached cardinality stale.
///
/// Like Redis, only the opcodes up to the one covering `index` are read: a sequence that
/// covers more than 16,384 registers is still updated (PFCOUNT reports it corrupt later).
///
/// # Errors
/// [`Error::CorruptHyperLogLog`] if the opcodes end before `index`, if the sequence is
/// invalid when it must turn dense, or if the covering opcode is an XZERO cut short by the end
/// of the value (Redis would write past the string there).
pub(crate) fn set(hll: &mut Vec<u8>, index: usize, count: u8) -> Result<bool> {
    if count > VAL_MAX_VALUE {
        return promote(hll, index, count);
    }
    // Step 1: find the opcode covering `index`, its first register and the opcode before it.
    let mut at = HEADER_LEN;
    let mut first = 0usize;
    let mut prev = None;
    let op = loop {
        let Some(op) = op_at(hll, at) else {
            return Err(Error::CorruptHyperLogLog);
        };
        if index < first.saturating_add(op.span()) {
            break op;
        }
        prev = Some(at);
        at += op.len();
        first = first.saturating_add(op.span());
    };
    if at + op.len() > hll.len() {
        return Err(Error::CorruptHyperLogLog);
    }
    // Step 2: the trivial in-place updates, or the sequence replacing the opcode.
    let last = first + op.span() - 1;
    let mut sequence = Vec::with_capacity(5);
    match op {
        Op::Val(old, _) if old >= count => return Ok(false),
        Op::Val(_, 1) | Op::Zero(1) => {
            if let Some(byte) = hll.get_mut(at) {
                *byte = val_byte(count, 1);
            }
            return Ok(updated(hll, prev));
        }
        Op::Val(old, _) => {
            if index != first {
                sequence.push(val_byte(old, index - first));
            }
            sequence.push(val_byte(count, 1));
            if index != last {
                sequence.push(val_byte(old, last - index));
            }
        }
        Op::Zero(_) | Op::XZero(_) => {
            push_zeros(&mut sequence, index - first);
            sequence.push(val_byte(count, 1));
            push_zeros(&mut sequence, last - index);
        }
    }
    // Step 3: splice it in, unless the value would grow past the sparse limit.
    if sequence.len() > op.len() && hll.len() + sequence.len() - op.len() > SPARSE_MAX_BYTES {
        return promote(hll, index, count);
    }
    hll.splice(at..at + op.len(), sequence);
    Ok(updated(hll, prev))
}

/// After an update: merges equal neighbouring VAL opcodes, scanning at most five opcodes from
/// the one before the edit (Redis's window), and marks the cache stale. Always true.
fn updated(hll: &mut Vec<u8>, prev: Option<usize>) -> bool {
    let mut at = prev.unwrap_or(HEADER_LEN);
    let mut window = 5;
    while window > 0 {
        let Some(op) = op_at(hll, at) else { break };
        window -= 1;
        let Op::Val(value, run) = op else {
            at += op.len();
            continue;
        };
        if let Some(next) = hll.get_mut(at + 1).filter(|next| **next & 0x80 != 0) {
            if let Op::Val(next_value, next_run) = decode_val(*next) {
                if next_value == value && run + next_run <= VAL_MAX_RUN {
                    // The merged opcode takes the second one's place; retry from there, to
                    // merge it with the next one too.
                    *next = val_byte(value, run + next_run);
                    hll.remove(at);
                    continue;
                }
            }
        }
        at += 1;
    }
    invalidate_cache(hll);
    true
}

/// Turns `hll` dense and raises register `index` to `count` there.
fn promote(hll: &mut Vec<u8>, index: usize, count: u8) -> Result<bool> {
    let mut dense = to_dense(hll)?;
    let changed = dense_raise(
        dense.get_mut(HEADER_LEN..).unwrap_or_default(),
        index,
        count,
    );
    *hll = dense;
    Ok(changed)
}
