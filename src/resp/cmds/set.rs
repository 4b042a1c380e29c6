//! Set commands: SADD SREM SISMEMBER SMISMEMBER SCARD SMEMBERS SPOP SRANDMEMBER SMOVE SINTER
//! SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE SSCAN.

use bytes::Bytes;

use super::elements::{
    element_scan_options, int_arg, invalid_cursor, key_must_be, parse_cursor, scan_reply,
};
use super::spec;
use crate::resp::command::{Call, CommandSpec};
use crate::resp::reply::Reply;
use crate::types::set::SinterCardArgs;
use crate::types::string::parse_i64;
use crate::types::KeyType;
use crate::{Error, ReadTxn, Result, WriteTxn};

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec!(
        "sadd",
        -3,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(sadd)
    ),
    spec!("srem", -3, ["write", "fast"], 1, 1, 1, Write(srem)),
    spec!(
        "sismember",
        3,
        ["readonly", "fast"],
        1,
        1,
        1,
        Read(sismember)
    ),
    spec!(
        "smismember",
        -3,
        ["readonly", "fast"],
        1,
        1,
        1,
        Read(smismember)
    ),
    spec!("scard", 2, ["readonly", "fast"], 1, 1, 1, Read(scard)),
    spec!("smembers", 2, ["readonly"], 1, 1, 1, Read(smembers)),
    spec!("spop", -2, ["write", "fast"], 1, 1, 1, Write(spop)),
    spec!("srandmember", -2, ["readonly"], 1, 1, 1, Read(srandmember)),
    spec!("smove", 4, ["write", "fast"], 1, 2, 1, Write(smove)),
    spec!("sinter", -2, ["readonly"], 1, -1, 1, Read(sinter)),
    spec!(
        "sintercard",
        -3,
        ["readonly", "movablekeys"],
        0,
        0,
        0,
        Read(sintercard)
    ),
    spec!(
        "sinterstore",
        -3,
        ["write", "denyoom"],
        1,
        -1,
        1,
        Write(sinterstore)
    ),
    spec!("sunion", -2, ["readonly"], 1, -1, 1, Read(sunion)),
    spec!(
        "sunionstore",
        -3,
        ["write", "denyoom"],
        1,
        -1,
        1,
        Write(sunionstore)
    ),
    spec!("sdiff", -2, ["readonly"], 1, -1, 1, Read(sdiff)),
    spec!(
        "sdiffstore",
        -3,
        ["write", "denyoom"],
        1,
        -1,
        1,
        Write(sdiffstore)
    ),
    spec!("sscan", -3, ["readonly"], 1, 1, 1, Read(sscan)),
];

/// A RESP3 set (an array in RESP2) of members.
fn members(items: Vec<Bytes>) -> Reply {
    Reply::Set(items.into_iter().map(Reply::Bulk).collect())
}

fn sadd(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(tx.sadd(call.arg(1), call.rest(2))?))
}

fn srem(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(tx.srem(call.arg(1), call.rest(2))?))
}

fn sismember(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let found = r.sismember(call.arg(1), call.arg(2))?;
    Ok(Reply::Int(i64::from(found)))
}

fn smismember(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let found = r.smismember(call.arg(1), call.rest(2))?;
    Ok(Reply::Array(
        found
            .into_iter()
            .map(|f| Reply::Int(i64::from(f)))
            .collect(),
    ))
}

fn scard(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(r.scard(call.arg(1))?))
}

fn smembers(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(members(r.smembers(call.arg(1))?))
}

/// SPOP `key [count]`: the count (any unreadable or negative one is "must be positive") before
/// the key; with a count the reply is a set.
fn spop(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    match call.len() {
        2 => Ok(Reply::opt_bulk(tx.spop(call.arg(1))?)),
        3 => {
            let count = parse_i64(call.arg(2))
                .filter(|&c| c >= 0)
                .ok_or(Error::NotPositive)?;
            Ok(members(tx.spop_count(call.arg(1), count)?))
        }
        _ => Err(Error::Syntax),
    }
}

fn srandmember(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    match call.len() {
        2 => Ok(Reply::opt_bulk(r.srandmember(call.arg(1))?)),
        3 => {
            let count = int_arg(call.arg(2))?;
            Ok(Reply::owned_bulks(r.srandmember_count(call.arg(1), count)?))
        }
        _ => Err(Error::Syntax),
    }
}

fn smove(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let moved = tx.smove(call.arg(1), call.arg(2), call.arg(3))?;
    Ok(Reply::Int(i64::from(moved)))
}

fn sinter(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(members(r.sinter(call.rest(1))?))
}

fn sunion(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(members(r.sunion(call.rest(1))?))
}

fn sdiff(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(members(r.sdiff(call.rest(1))?))
}

fn sintercard(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let args = SinterCardArgs::parse(call.rest(1))?;
    let keys = call.rest(2).get(..args.numkeys).unwrap_or(&[]);
    Ok(Reply::count(r.sintercard(keys, args.limit)?))
}

fn sinterstore(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(tx.sinterstore(call.arg(1), call.rest(2))?))
}

fn sunionstore(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(tx.sunionstore(call.arg(1), call.rest(2))?))
}

fn sdiffstore(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(tx.sdiffstore(call.arg(1), call.rest(2))?))
}

/// SSCAN: the cursor, then the key, then (for an existing set) the options.
fn sscan(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let Some(cursor) = parse_cursor(call.arg(2)) else {
        return Ok(invalid_cursor());
    };
    if !key_must_be(r, call.arg(1), KeyType::Set)? {
        return Ok(scan_reply(0, Vec::new()));
    }
    let options = element_scan_options(call.rest(3))?;
    let (next, found) = r.sscan(call.arg(1), cursor, &options)?;
    Ok(scan_reply(
        next,
        found.into_iter().map(Reply::Bulk).collect(),
    ))
}
