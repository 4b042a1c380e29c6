//! Sorted-set commands: ZADD ZINCRBY ZREM ZCARD ZCOUNT ZLEXCOUNT ZSCORE ZMSCORE ZRANK ZREVRANK,
//! the ZRANGE family, ZREMRANGEBY*, ZPOPMIN ZPOPMAX ZMPOP ZRANDMEMBER, the ZUNION family,
//! ZINTERCARD ZSCAN, and the blocking BZPOPMIN BZPOPMAX BZMPOP.
//!
//! Scores are doubles: RESP3 double replies, bulk strings as Redis prints scores in RESP2.

use bytes::Bytes;

use super::elements::{
    element_scan_options, int_arg, invalid_cursor, key_must_be, parse_cursor, scan_reply,
};
use super::spec;
use crate::resp::command::{Call, CommandSpec};
use crate::resp::reply::{Protocol, Reply};
use crate::types::zset::{
    format_score, parse_score, parse_zrandmember, LexBound, PoppedMembers, ScoreBound, ScoreEnd,
    ZAddArgs, ZMPopArgs, ZRangeArgs, ZRangeCommand,
};
use crate::types::KeyType;
use crate::{Error, ReadTxn, Result, WriteTxn};
use blocking::{bzmpop, bzmpop_once, bzpopmax, bzpopmax_once, bzpopmin, bzpopmin_once};
use combine::{zdiff, zdiffstore, zinter, zintercard, zinterstore, zunion, zunionstore};

mod blocking;
mod combine;

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec!(
        "zadd",
        -4,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(zadd)
    ),
    spec!(
        "zincrby",
        4,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(zincrby)
    ),
    spec!("zrem", -3, ["write", "fast"], 1, 1, 1, Write(zrem)),
    spec!("zcard", 2, ["readonly", "fast"], 1, 1, 1, Read(zcard)),
    spec!("zcount", 4, ["readonly", "fast"], 1, 1, 1, Read(zcount)),
    spec!(
        "zlexcount",
        4,
        ["readonly", "fast"],
        1,
        1,
        1,
        Read(zlexcount)
    ),
    spec!("zscore", 3, ["readonly", "fast"], 1, 1, 1, Read(zscore)),
    spec!("zmscore", -3, ["readonly", "fast"], 1, 1, 1, Read(zmscore)),
    spec!("zrank", 3, ["readonly", "fast"], 1, 1, 1, Read(zrank)),
    spec!("zrevrank", 3, ["readonly", "fast"], 1, 1, 1, Read(zrevrank)),
    spec!("zrange", -4, ["readonly"], 1, 1, 1, Read(zrange)),
    spec!(
        "zrangestore",
        -5,
        ["write", "denyoom"],
        1,
        2,
        1,
        Write(zrangestore)
    ),
    spec!("zrevrange", -4, ["readonly"], 1, 1, 1, Read(zrevrange)),
    spec!(
        "zrangebyscore",
        -4,
        ["readonly"],
        1,
        1,
        1,
        Read(zrangebyscore)
    ),
    spec!(
        "zrevrangebyscore",
        -4,
        ["readonly"],
        1,
        1,
        1,
        Read(zrevrangebyscore)
    ),
    spec!("zrangebylex", -4, ["readonly"], 1, 1, 1, Read(zrangebylex)),
    spec!(
        "zrevrangebylex",
        -4,
        ["readonly"],
        1,
        1,
        1,
        Read(zrevrangebylex)
    ),
    spec!(
        "zremrangebyrank",
        4,
        ["write"],
        1,
        1,
        1,
        Write(zremrangebyrank)
    ),
    spec!(
        "zremrangebyscore",
        4,
        ["write"],
        1,
        1,
        1,
        Write(zremrangebyscore)
    ),
    spec!(
        "zremrangebylex",
        4,
        ["write"],
        1,
        1,
        1,
        Write(zremrangebylex)
    ),
    spec!("zpopmin", -2, ["write", "fast"], 1, 1, 1, Write(zpopmin)),
    spec!("zpopmax", -2, ["write", "fast"], 1, 1, 1, Write(zpopmax)),
    spec!("zmpop", -4, ["write", "movablekeys"], 0, 0, 0, Write(zmpop)),
    spec!("zrandmember", -2, ["readonly"], 1, 1, 1, Read(zrandmember)),
    spec!(
        "zunion",
        -3,
        ["readonly", "movablekeys"],
        0,
        0,
        0,
        Read(zunion)
    ),
    spec!(
        "zinter",
        -3,
        ["readonly", "movablekeys"],
        0,
        0,
        0,
        Read(zinter)
    ),
    spec!(
        "zdiff",
        -3,
        ["readonly", "movablekeys"],
        0,
        0,
        0,
        Read(zdiff)
    ),
    spec!(
        "zunionstore",
        -4,
        ["write", "denyoom", "movablekeys"],
        1,
        1,
        1,
        Write(zunionstore)
    ),
    spec!(
        "zinterstore",
        -4,
        ["write", "denyoom", "movablekeys"],
        1,
        1,
        1,
        Write(zinterstore)
    ),
    spec!(
        "zdiffstore",
        -4,
        ["write", "denyoom", "movablekeys"],
        1,
        1,
        1,
        Write(zdiffstore)
    ),
    spec!(
        "zintercard",
        -3,
        ["readonly", "movablekeys"],
        0,
        0,
        0,
        Read(zintercard)
    ),
    spec!("zscan", -3, ["readonly"], 1, 1, 1, Read(zscan)),
    spec!(
        "bzpopmin",
        -3,
        ["write", "noscript", "blocking", "fast"],
        1,
        -2,
        1,
        Blocking(bzpopmin, bzpopmin_once)
    ),
    spec!(
        "bzpopmax",
        -3,
        ["write", "noscript", "blocking", "fast"],
        1,
        -2,
        1,
        Blocking(bzpopmax, bzpopmax_once)
    ),
    spec!(
        "bzmpop",
        -5,
        ["write", "blocking", "movablekeys"],
        0,
        0,
        0,
        Blocking(bzmpop, bzmpop_once)
    ),
];

/// Members with their scores: `[member, score]` pairs in RESP3, a flat list in RESP2 (or, with
/// `nested`, pairs in both, as ZMPOP replies).
pub(super) fn scored(items: Vec<(Bytes, f64)>, protocol: Protocol, nested: bool) -> Reply {
    if nested || protocol == Protocol::Resp3 {
        Reply::Array(
            items
                .into_iter()
                .map(|(member, score)| {
                    Reply::Array(vec![Reply::Bulk(member), Reply::Double(score)])
                })
                .collect(),
        )
    } else {
        Reply::Array(
            items
                .into_iter()
                .flat_map(|(member, score)| [Reply::Bulk(member), Reply::Double(score)])
                .collect(),
        )
    }
}

/// Members, with their scores when `withscores`.
pub(super) fn members_reply(
    items: Vec<(Bytes, f64)>,
    withscores: bool,
    protocol: Protocol,
) -> Reply {
    if withscores {
        scored(items, protocol, false)
    } else {
        Reply::Array(
            items
                .into_iter()
                .map(|(member, _)| Reply::Bulk(member))
                .collect(),
        )
    }
}

fn zadd(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let args = ZAddArgs::parse(call.rest(2))?;
    if args.incr {
        let (increment, member) = args.pairs.first().cloned().ok_or(Error::Syntax)?;
        let score = tx.zadd_incr(call.arg(1), args.options, increment, member)?;
        return Ok(score.map_or(Reply::Nil, Reply::Double));
    }
    Ok(Reply::count(tx.zadd(
        call.arg(1),
        args.options,
        &args.pairs,
    )?))
}

fn zincrby(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let increment = parse_score(call.arg(2))?;
    Ok(Reply::Double(tx.zincrby(
        call.arg(1),
        increment,
        call.arg(3),
    )?))
}

fn zrem(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(tx.zrem(call.arg(1), call.rest(2))?))
}

fn zcard(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(r.zcard(call.arg(1))?))
}

fn score_range(call: &Call<'_>) -> Result<(ScoreBound, ScoreBound)> {
    Ok((
        ScoreBound::parse(call.arg(2))?,
        ScoreBound::parse(call.arg(3))?,
    ))
}

fn lex_range(call: &Call<'_>) -> Result<(LexBound, LexBound)> {
    Ok((LexBound::parse(call.arg(2))?, LexBound::parse(call.arg(3))?))
}

fn zcount(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let (min, max) = score_range(call)?;
    Ok(Reply::count(r.zcount(call.arg(1), min, max)?))
}

fn zlexcount(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let (min, max) = lex_range(call)?;
    Ok(Reply::count(r.zlexcount(call.arg(1), min, max)?))
}

fn zscore(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let score = r.zscore(call.arg(1), call.arg(2))?;
    Ok(score.map_or(Reply::Nil, Reply::Double))
}

fn zmscore(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let scores = r.zmscore(call.arg(1), call.rest(2))?;
    Ok(Reply::Array(
        scores
            .into_iter()
            .map(|s| s.map_or(Reply::Nil, Reply::Double))
            .collect(),
    ))
}

fn zrank(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let rank = r.zrank(call.arg(1), call.arg(2))?;
    Ok(rank.map_or(Reply::Nil, Reply::count))
}

fn zrevrank(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let rank = r.zrevrank(call.arg(1), call.arg(2))?;
    Ok(rank.map_or(Reply::Nil, Reply::count))
}

/// ZRANGE and the older range commands: `key first second [options]`.
fn range_generic(r: &ReadTxn<'_>, call: &Call<'_>, command: ZRangeCommand) -> Result<Reply> {
    let args = ZRangeArgs::parse(command, call.arg(2), call.arg(3), call.rest(4))?;
    let items = r.zrange(call.arg(1), &args.range)?;
    Ok(members_reply(items, args.withscores, call.protocol))
}

fn zrange(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    range_generic(r, call, ZRangeCommand::ZRange)
}

fn zrevrange(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    range_generic(r, call, ZRangeCommand::ZRevRange)
}

fn zrangebyscore(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    range_generic(r, call, ZRangeCommand::ZRangeByScore)
}

fn zrevrangebyscore(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    range_generic(r, call, ZRangeCommand::ZRevRangeByScore)
}

fn zrangebylex(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    range_generic(r, call, ZRangeCommand::ZRangeByLex)
}

fn zrevrangebylex(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    range_generic(r, call, ZRangeCommand::ZRevRangeByLex)
}

fn zrangestore(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let args = ZRangeArgs::parse(
        ZRangeCommand::ZRangeStore,
        call.arg(3),
        call.arg(4),
        call.rest(5),
    )?;
    Ok(Reply::count(tx.zrangestore(
        call.arg(1),
        call.arg(2),
        &args.range,
    )?))
}

fn zremrangebyrank(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let (start, stop) = (int_arg(call.arg(2))?, int_arg(call.arg(3))?);
    Ok(Reply::count(tx.zremrangebyrank(
        call.arg(1),
        start,
        stop,
    )?))
}

fn zremrangebyscore(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let (min, max) = score_range(call)?;
    Ok(Reply::count(tx.zremrangebyscore(call.arg(1), min, max)?))
}

fn zremrangebylex(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let (min, max) = lex_range(call)?;
    Ok(Reply::count(tx.zremrangebylex(call.arg(1), min, max)?))
}

/// ZPOPMIN/ZPOPMAX `key [count]`: without a count the reply is one flat `[member, score]`; with
/// one, RESP3 gets pairs.
fn pop_generic(tx: &mut WriteTxn<'_>, call: &Call<'_>, end: ScoreEnd) -> Result<Reply> {
    let count = match call.len() {
        2 => None,
        3 => Some(
            crate::types::string::parse_i64(call.arg(2))
                .and_then(|c| u64::try_from(c).ok())
                .ok_or(Error::NotPositive)?,
        ),
        _ => return Err(Error::Syntax),
    };
    let popped = match end {
        ScoreEnd::Min => tx.zpopmin(call.arg(1), count.unwrap_or(1))?,
        ScoreEnd::Max => tx.zpopmax(call.arg(1), count.unwrap_or(1))?,
    };
    let nested = count.is_some() && call.protocol == Protocol::Resp3;
    Ok(scored(popped, Protocol::Resp2, nested))
}

fn zpopmin(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    pop_generic(tx, call, ScoreEnd::Min)
}

fn zpopmax(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    pop_generic(tx, call, ScoreEnd::Max)
}

/// ZMPOP/BZMPOP's reply: `[key, [[member, score], ...]]` in both protocols, a nil array for
/// nothing.
pub(super) fn mpop_reply(popped: Option<PoppedMembers>) -> Reply {
    match popped {
        Some((key, items)) => {
            Reply::Array(vec![Reply::Bulk(key), scored(items, Protocol::Resp2, true)])
        }
        None => Reply::NilArray,
    }
}

fn zmpop(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let args = ZMPopArgs::parse(call.rest(1))?;
    Ok(mpop_reply(tx.zmpop(&args.keys, args.end, args.count)?))
}

/// ZRANDMEMBER `key [count [WITHSCORES]]`: the count, then the option, then the key.
fn zrandmember(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    if call.len() == 2 {
        return Ok(Reply::opt_bulk(r.zrandmember(call.arg(1))?));
    }
    if call.len() > 4 {
        parse_zrandmember(call.arg(2), None)?;
        return Err(Error::Syntax);
    }
    let option = (call.len() == 4).then(|| call.arg(3));
    let (count, withscores) = parse_zrandmember(call.arg(2), option)?;
    let items = r.zrandmember_count(call.arg(1), count, withscores)?;
    Ok(members_reply(items, withscores, call.protocol))
}

/// ZSCAN: the cursor, then the key, then (for an existing sorted set) the options. Scores are
/// bulk strings in both protocols, as Redis sends them.
fn zscan(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let Some(cursor) = parse_cursor(call.arg(2)) else {
        return Ok(invalid_cursor());
    };
    if !key_must_be(r, call.arg(1), KeyType::ZSet)? {
        return Ok(scan_reply(0, Vec::new()));
    }
    let options = element_scan_options(call.rest(3))?;
    let (next, found) = r.zscan(call.arg(1), cursor, &options)?;
    let elements = found
        .into_iter()
        .flat_map(|(member, score)| [Reply::Bulk(member), Reply::bulk(format_score(score))])
        .collect();
    Ok(scan_reply(next, elements))
}
