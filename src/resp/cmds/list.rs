//! List commands: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LINDEX LSET LRANGE LTRIM LREM LINSERT
//! LPOS LMOVE RPOPLPUSH LMPOP, and the blocking BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP.

use bytes::Bytes;

use super::elements::{int_arg, key_must_be};
use super::spec;
use crate::resp::command::{Call, CommandSpec};
use crate::resp::reply::Reply;
use crate::resp::session::Session;
use crate::types::list::{
    parse_pop_count, parse_timeout, InsertPosition, ListEnd, LmpopArgs, LposOptions,
};
use crate::types::KeyType;
use crate::{Error, ReadTxn, Result, WriteTxn};

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec!(
        "lpush",
        -3,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(lpush)
    ),
    spec!(
        "rpush",
        -3,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(rpush)
    ),
    spec!(
        "lpushx",
        -3,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(lpushx)
    ),
    spec!(
        "rpushx",
        -3,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(rpushx)
    ),
    spec!("lpop", -2, ["write", "fast"], 1, 1, 1, Write(lpop)),
    spec!("rpop", -2, ["write", "fast"], 1, 1, 1, Write(rpop)),
    spec!("llen", 2, ["readonly", "fast"], 1, 1, 1, Read(llen)),
    spec!("lindex", 3, ["readonly"], 1, 1, 1, Read(lindex)),
    spec!("lset", 4, ["write", "denyoom"], 1, 1, 1, Write(lset)),
    spec!("lrange", 4, ["readonly"], 1, 1, 1, Read(lrange)),
    spec!("ltrim", 4, ["write"], 1, 1, 1, Write(ltrim)),
    spec!("lrem", 4, ["write"], 1, 1, 1, Write(lrem)),
    spec!("linsert", 5, ["write", "denyoom"], 1, 1, 1, Write(linsert)),
    spec!("lpos", -3, ["readonly"], 1, 1, 1, Read(lpos)),
    spec!("lmove", 5, ["write", "denyoom"], 1, 2, 1, Write(lmove)),
    spec!(
        "rpoplpush",
        3,
        ["write", "denyoom"],
        1,
        2,
        1,
        Write(rpoplpush)
    ),
    spec!("lmpop", -4, ["write", "movablekeys"], 0, 0, 0, Write(lmpop)),
    spec!(
        "blpop",
        -3,
        ["write", "noscript", "blocking"],
        1,
        -2,
        1,
        Blocking(blpop, blpop_once)
    ),
    spec!(
        "brpop",
        -3,
        ["write", "noscript", "blocking"],
        1,
        -2,
        1,
        Blocking(brpop, brpop_once)
    ),
    spec!(
        "blmove",
        6,
        ["write", "denyoom", "noscript", "blocking"],
        1,
        2,
        1,
        Blocking(blmove, blmove_once)
    ),
    spec!(
        "brpoplpush",
        4,
        ["write", "denyoom", "noscript", "blocking"],
        1,
        2,
        1,
        Blocking(brpoplpush, brpoplpush_once)
    ),
    spec!(
        "blmpop",
        -5,
        ["write", "blocking", "movablekeys"],
        0,
        0,
        0,
        Blocking(blmpop, blmpop_once)
    ),
];

fn lpush(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(tx.lpush(call.arg(1), call.rest(2))?))
}

fn rpush(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(tx.rpush(call.arg(1), call.rest(2))?))
}

fn lpushx(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(tx.lpushx(call.arg(1), call.rest(2))?))
}

fn rpushx(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(tx.rpushx(call.arg(1), call.rest(2))?))
}

fn lpop(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    pop(tx, call, ListEnd::Left)
}

fn rpop(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    pop(tx, call, ListEnd::Right)
}

/// LPOP/RPOP: `key [count]`; the count is checked before the key, and with a count the reply is
/// an array (a nil array for no list).
fn pop(tx: &mut WriteTxn<'_>, call: &Call<'_>, end: ListEnd) -> Result<Reply> {
    match call.len() {
        2 => {
            let item = match end {
                ListEnd::Left => tx.lpop(call.arg(1))?,
                ListEnd::Right => tx.rpop(call.arg(1))?,
            };
            Ok(Reply::opt_bulk(item))
        }
        3 => {
            let count = parse_pop_count(call.arg(2))?;
            let items = match end {
                ListEnd::Left => tx.lpop_count(call.arg(1), count)?,
                ListEnd::Right => tx.rpop_count(call.arg(1), count)?,
            };
            Ok(items.map_or(Reply::NilArray, Reply::bulks))
        }
        _ => Err(Error::WrongArity(match end {
            ListEnd::Left => "lpop",
            ListEnd::Right => "rpop",
        })),
    }
}

fn llen(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(r.llen(call.arg(1))?))
}

/// LINDEX looks the key up before it reads the index.
fn lindex(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    if !key_must_be(r, call.arg(1), KeyType::List)? {
        return Ok(Reply::Nil);
    }
    let index = int_arg(call.arg(2))?;
    Ok(Reply::opt_bulk(r.lindex(call.arg(1), index)?))
}

/// LSET looks the key up before it reads the index.
fn lset(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    if !key_must_be(tx, call.arg(1), KeyType::List)? {
        return Err(Error::NoSuchKey);
    }
    let index = int_arg(call.arg(2))?;
    tx.lset(call.arg(1), index, call.arg(3))?;
    Ok(Reply::ok())
}

fn lrange(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let (start, stop) = (int_arg(call.arg(2))?, int_arg(call.arg(3))?);
    Ok(Reply::owned_bulks(r.lrange(call.arg(1), start, stop)?))
}

fn ltrim(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let (start, stop) = (int_arg(call.arg(2))?, int_arg(call.arg(3))?);
    tx.ltrim(call.arg(1), start, stop)?;
    Ok(Reply::ok())
}

fn lrem(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let count = int_arg(call.arg(2))?;
    Ok(Reply::count(tx.lrem(call.arg(1), count, call.arg(3))?))
}

fn linsert(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let position = InsertPosition::parse(call.arg(2))?;
    Ok(Reply::Int(tx.linsert(
        call.arg(1),
        position,
        call.arg(3),
        call.arg(4),
    )?))
}

fn lpos(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let (options, count) = LposOptions::parse(call.rest(3))?;
    let (key, element) = (call.arg(1), call.arg(2));
    Ok(match count {
        None => r
            .lpos(key, element, options)?
            .map_or(Reply::Nil, Reply::count),
        Some(count) => Reply::Array(
            r.lpos_count(key, element, count, options)?
                .into_iter()
                .map(Reply::count)
                .collect(),
        ),
    })
}

fn lmove(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let (from, to) = (ListEnd::parse(call.arg(3))?, ListEnd::parse(call.arg(4))?);
    Ok(Reply::opt_bulk(tx.lmove(
        call.arg(1),
        call.arg(2),
        from,
        to,
    )?))
}

fn rpoplpush(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::opt_bulk(tx.rpoplpush(call.arg(1), call.arg(2))?))
}

/// The reply of LMPOP and BLMPOP: `[key, [items...]]`, a nil array for nothing.
fn mpop_reply(popped: Option<(Bytes, Vec<Bytes>)>) -> Reply {
    match popped {
        Some((key, items)) => Reply::Array(vec![Reply::Bulk(key), Reply::owned_bulks(items)]),
        None => Reply::NilArray,
    }
}

fn lmpop(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let args = LmpopArgs::parse(call.rest(1))?;
    Ok(mpop_reply(tx.lmpop(&args.keys, args.end, args.count)?))
}

/// The reply of BLPOP and BRPOP: `[key, item]`, a nil array on timeout.
fn pair_reply(popped: Option<(Bytes, Bytes)>) -> Reply {
    match popped {
        Some((key, item)) => Reply::Array(vec![Reply::Bulk(key), Reply::Bulk(item)]),
        None => Reply::NilArray,
    }
}

/// BLPOP/BRPOP: `key [key ...] timeout`.
fn bpop_args<'a>(call: &Call<'a>) -> Result<(&'a [Bytes], std::time::Duration)> {
    let keys = call.args.get(1..call.len() - 1).unwrap_or(&[]);
    let timeout = parse_timeout(call.arg(call.len() - 1))?;
    Ok((keys, timeout))
}

fn blpop(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let (keys, timeout) = bpop_args(call)?;
    Ok(pair_reply(session.store()?.blpop(keys, timeout)?))
}

fn brpop(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let (keys, timeout) = bpop_args(call)?;
    Ok(pair_reply(session.store()?.brpop(keys, timeout)?))
}

/// BLPOP/BRPOP inside MULTI: one pop from the first list, as LMPOP with a count of 1.
fn bpop_once(tx: &mut WriteTxn<'_>, call: &Call<'_>, end: ListEnd) -> Result<Reply> {
    let (keys, _) = bpop_args(call)?;
    let popped = tx.lmpop(keys, end, 1)?;
    Ok(pair_reply(popped.and_then(|(key, items)| {
        items.into_iter().next().map(|item| (key, item))
    })))
}

fn blpop_once(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    bpop_once(tx, call, ListEnd::Left)
}

fn brpop_once(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    bpop_once(tx, call, ListEnd::Right)
}

/// The moved item, or (RESP2) a nil array on timeout, as Redis replies for BLMOVE.
fn moved_reply(item: Option<Bytes>) -> Reply {
    item.map_or(Reply::NilArray, Reply::Bulk)
}

/// BLMOVE: `source destination LEFT|RIGHT LEFT|RIGHT timeout`, directions checked first.
fn blmove_args(call: &Call<'_>) -> Result<(ListEnd, ListEnd, std::time::Duration)> {
    let from = ListEnd::parse(call.arg(3))?;
    let to = ListEnd::parse(call.arg(4))?;
    Ok((from, to, parse_timeout(call.arg(5))?))
}

fn blmove(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let (from, to, timeout) = blmove_args(call)?;
    let store = session.store()?;
    Ok(moved_reply(store.blmove(
        call.arg(1),
        call.arg(2),
        from,
        to,
        timeout,
    )?))
}

/// BLMOVE in MULTI/EXEC. An empty source replies a nil bulk string here, not the nil array
/// of a timeout: Redis 7.0's `addReplyNull` when it may not block.
fn blmove_once(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let (from, to, _) = blmove_args(call)?;
    Ok(tx
        .lmove(call.arg(1), call.arg(2), from, to)?
        .map_or(Reply::Nil, Reply::Bulk))
}

fn brpoplpush(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let timeout = parse_timeout(call.arg(3))?;
    let store = session.store()?;
    Ok(moved_reply(store.brpoplpush(
        call.arg(1),
        call.arg(2),
        timeout,
    )?))
}

/// BRPOPLPUSH in MULTI/EXEC: a nil bulk string on an empty source, as [`blmove_once`].
fn brpoplpush_once(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    parse_timeout(call.arg(3))?;
    Ok(tx
        .rpoplpush(call.arg(1), call.arg(2))?
        .map_or(Reply::Nil, Reply::Bulk))
}

/// BLMPOP: `timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]`; Redis checks the rest
/// before the timeout.
fn blmpop_args<'a>(call: &Call<'a>) -> Result<(LmpopArgs<'a>, std::time::Duration)> {
    let args = LmpopArgs::parse(call.rest(2))?;
    Ok((args, parse_timeout(call.arg(1))?))
}

fn blmpop(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let (args, timeout) = blmpop_args(call)?;
    let store = session.store()?;
    Ok(mpop_reply(
        store.blmpop(&args.keys, args.end, args.count, timeout)?,
    ))
}

fn blmpop_once(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let (args, _) = blmpop_args(call)?;
    Ok(mpop_reply(tx.lmpop(&args.keys, args.end, args.count)?))
}
