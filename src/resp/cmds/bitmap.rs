//! Bitmap commands: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO.

use super::spec;
use super::string::int_arg;
use crate::resp::command::{Call, CommandSpec};
use crate::resp::reply::Reply;
use crate::types::bitmap::{parse_bit_offset, parse_bit_value, parse_bitpos_bit};
use crate::{
    BitOp, BitPosRange, BitRange, BitUnit, BitfieldOffset, BitfieldOp, BitfieldOverflow,
    BitfieldType, Error, KeyType, ReadTxn, Result, WriteTxn,
};

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec!("setbit", 4, ["write", "denyoom"], 1, 1, 1, Write(setbit)),
    spec!("getbit", 3, ["readonly", "fast"], 1, 1, 1, Read(getbit)),
    spec!("bitcount", -2, ["readonly"], 1, 1, 1, Read(bitcount)),
    spec!("bitpos", -3, ["readonly"], 1, 1, 1, Read(bitpos)),
    spec!("bitop", -4, ["write", "denyoom"], 2, -1, 1, Write(bitop)),
    spec!(
        "bitfield",
        -2,
        ["write", "denyoom"],
        1,
        1,
        1,
        Write(bitfield)
    ),
    spec!(
        "bitfield_ro",
        -2,
        ["readonly", "fast"],
        1,
        1,
        1,
        Read(bitfield_ro)
    ),
];

fn setbit(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let offset = parse_bit_offset(call.arg(2))?;
    let value = parse_bit_value(call.arg(3))?;
    Ok(Reply::Int(tx.setbit(call.arg(1), offset, value)?.into()))
}

fn getbit(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let offset = parse_bit_offset(call.arg(2))?;
    Ok(Reply::Int(r.getbit(call.arg(1), offset)?.into()))
}

/// Whether `key` holds a string: false if it is missing, WRONGTYPE for another type. BITCOUNT
/// and BITPOS look the key up before parsing their range, as Redis does.
fn string_exists(r: &ReadTxn<'_>, key: &[u8]) -> Result<bool> {
    match r.key_type(key)? {
        None => Ok(false),
        Some(KeyType::String) => Ok(true),
        Some(_) => Err(Error::WrongType),
    }
}

fn bitcount(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let key = call.arg(1);
    if !string_exists(r, key)? {
        return Ok(Reply::Int(0));
    }
    let range = match call.len() {
        2 => None,
        4 | 5 => {
            let start = int_arg(call.arg(2))?;
            let end = int_arg(call.arg(3))?;
            // Redis answers an empty range of negative indexes before reading the unit.
            if start < 0 && end < 0 && start > end {
                return Ok(Reply::Int(0));
            }
            let unit = if call.len() == 5 {
                BitUnit::parse(call.arg(4))?
            } else {
                BitUnit::Byte
            };
            Some(BitRange { start, end, unit })
        }
        _ => return Err(Error::Syntax),
    };
    Ok(Reply::count(r.bitcount(key, range)?))
}

fn bitpos(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let bit = parse_bitpos_bit(call.arg(2))?;
    let key = call.arg(1);
    if !string_exists(r, key)? {
        return Ok(Reply::Int(if bit { -1 } else { 0 }));
    }
    let range = match call.len() {
        3 => None,
        4..=6 => {
            let start = int_arg(call.arg(3))?;
            let unit = if call.len() == 6 {
                BitUnit::parse(call.arg(5))?
            } else {
                BitUnit::Byte
            };
            let end = if call.len() >= 5 {
                Some(int_arg(call.arg(4))?)
            } else {
                None
            };
            Some(BitPosRange { start, end, unit })
        }
        _ => return Err(Error::Syntax),
    };
    Ok(Reply::Int(r.bitpos(key, bit, range)?))
}

fn bitop(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let op = BitOp::parse(call.arg(1))?;
    Ok(Reply::count(tx.bitop(op, call.arg(2), call.rest(3))?))
}

/// Parses BITFIELD's operations, in Redis's order: each operation's name (with enough
/// arguments after it), its type, its offset, its value.
fn parse_ops(call: &Call<'_>) -> Result<Vec<BitfieldOp>> {
    let args = call.rest(2);
    let arg = |i: usize| args.get(i).map_or(&[][..], |b| &b[..]);
    let mut ops = Vec::new();
    let mut j = 0;
    while j < args.len() {
        let name = arg(j);
        let remaining = args.len() - j - 1;
        let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
        if is(b"overflow") && remaining >= 1 {
            ops.push(BitfieldOp::Overflow(BitfieldOverflow::parse(arg(j + 1))?));
            j += 2;
            continue;
        }
        let needs = if is(b"get") && remaining >= 2 {
            2
        } else if (is(b"set") || is(b"incrby")) && remaining >= 3 {
            3
        } else {
            return Err(Error::Syntax);
        };
        let ty = BitfieldType::parse(arg(j + 1))?;
        let offset = BitfieldOffset::parse(arg(j + 2), ty)?;
        ops.push(if needs == 2 {
            BitfieldOp::Get { ty, offset }
        } else {
            let value = int_arg(arg(j + 3))?;
            if is(b"set") {
                BitfieldOp::Set { ty, offset, value }
            } else {
                BitfieldOp::IncrBy {
                    ty,
                    offset,
                    increment: value,
                }
            }
        });
        j += needs + 1;
    }
    Ok(ops)
}

fn bitfield(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let ops = parse_ops(call)?;
    let answers = tx.bitfield(call.arg(1), &ops)?;
    Ok(Reply::Array(
        answers
            .into_iter()
            .map(|a| a.map_or(Reply::Nil, Reply::Int))
            .collect(),
    ))
}

fn bitfield_ro(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let ops = parse_ops(call)?;
    let answers = r.bitfield_ro(call.arg(1), &ops)?;
    Ok(Reply::Array(answers.into_iter().map(Reply::Int).collect()))
}
