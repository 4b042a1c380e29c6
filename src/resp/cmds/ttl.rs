//! Time-to-live commands: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (NX XX GT LT), TTL, PTTL,
//! EXPIRETIME, PEXPIRETIME, PERSIST.

use super::spec;
use super::string::int_arg;
use crate::resp::command::{Call, CommandSpec};
use crate::resp::reply::Reply;
use crate::ttl::deadline_ms;
use crate::{Error, ExpireCondition, ReadTxn, Result, Ttl, WriteTxn};

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec!("expire", -3, ["write", "fast"], 1, 1, 1, Write(expire)),
    spec!("pexpire", -3, ["write", "fast"], 1, 1, 1, Write(pexpire)),
    spec!("expireat", -3, ["write", "fast"], 1, 1, 1, Write(expireat)),
    spec!(
        "pexpireat",
        -3,
        ["write", "fast"],
        1,
        1,
        1,
        Write(pexpireat)
    ),
    spec!("ttl", 2, ["readonly", "fast"], 1, 1, 1, Read(ttl)),
    spec!("pttl", 2, ["readonly", "fast"], 1, 1, 1, Read(pttl)),
    spec!(
        "expiretime",
        2,
        ["readonly", "fast"],
        1,
        1,
        1,
        Read(expiretime)
    ),
    spec!(
        "pexpiretime",
        2,
        ["readonly", "fast"],
        1,
        1,
        1,
        Read(pexpiretime)
    ),
    spec!("persist", 2, ["write", "fast"], 1, 1, 1, Write(persist)),
];

/// The NX / XX / GT / LT options, as Redis checks them (unknown option first, then the
/// incompatible combinations). Besides the condition, whether XX came with LT: "only if the
/// key has a deadline, and the new one is earlier", which no single condition says. (XX with
/// GT is GT: a key without a deadline never passes GT.)
fn parse_condition(call: &Call<'_>) -> Result<(ExpireCondition, bool)> {
    let (mut nx, mut xx, mut gt, mut lt) = (false, false, false, false);
    for opt in call.rest(3) {
        if opt.eq_ignore_ascii_case(b"nx") {
            nx = true;
        } else if opt.eq_ignore_ascii_case(b"xx") {
            xx = true;
        } else if opt.eq_ignore_ascii_case(b"gt") {
            gt = true;
        } else if opt.eq_ignore_ascii_case(b"lt") {
            lt = true;
        } else {
            return Err(Error::UnsupportedOption(
                String::from_utf8_lossy(opt).into_owned(),
            ));
        }
    }
    if nx && (xx || gt || lt) {
        return Err(Error::ExpireNxAndOthers);
    }
    if gt && lt {
        return Err(Error::ExpireGtAndLt);
    }
    let condition = if nx {
        ExpireCondition::Nx
    } else if gt {
        ExpireCondition::Gt
    } else if lt {
        ExpireCondition::Lt
    } else if xx {
        ExpireCondition::Xx
    } else {
        ExpireCondition::Always
    };
    Ok((condition, xx && lt))
}

/// EXPIRE and friends: `seconds` scales the argument by 1000, `relative` adds the clock.
fn expire_generic(
    tx: &mut WriteTxn<'_>,
    call: &Call<'_>,
    name: &'static str,
    seconds: bool,
    relative: bool,
) -> Result<Reply> {
    let (condition, xx_lt) = parse_condition(call)?;
    let value = int_arg(call.arg(2))?;
    let base = if relative { tx.now_ms() } else { 0 };
    let when = deadline_ms(value, seconds, base, name)?;
    let key = call.arg(1);
    if xx_lt && tx.ttl(key)? == Ttl::Persistent {
        return Ok(Reply::Int(0));
    }
    Ok(Reply::Int(tx.pexpire_at(key, when, condition)?.into()))
}

fn expire(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    expire_generic(tx, call, "expire", true, true)
}

fn pexpire(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    expire_generic(tx, call, "pexpire", false, true)
}

fn expireat(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    expire_generic(tx, call, "expireat", true, false)
}

fn pexpireat(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    expire_generic(tx, call, "pexpireat", false, false)
}

fn ttl(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::Int(r.ttl(call.arg(1))?.as_secs_reply()))
}

fn pttl(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::Int(r.ttl(call.arg(1))?.as_millis_reply()))
}

fn expiretime(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::Int(r.expire_time(call.arg(1))?.as_secs_reply()))
}

fn pexpiretime(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::Int(r.expire_time(call.arg(1))?.as_millis_reply()))
}

fn persist(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::Int(tx.persist(call.arg(1))?.into()))
}
