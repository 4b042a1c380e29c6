//! Hash commands: HSET HSETNX HGET HMGET HMSET HDEL HLEN HSTRLEN HEXISTS HKEYS HVALS HGETALL
//! HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN, and Redis 7.4's field expiry: HEXPIRE HPEXPIRE
//! HEXPIREAT HPEXPIREAT HTTL HPTTL HEXPIRETIME HPEXPIRETIME HPERSIST.

use super::elements::{
    element_scan_options, int_arg, invalid_cursor, key_must_be, parse_cursor, scan_reply,
};
use super::spec;
use crate::resp::command::{Call, CommandSpec};
use crate::resp::reply::{Protocol, Reply};
use crate::types::hash::{
    parse_fields_argument, parse_hexpire_arguments, parse_hrandfield_count, FieldExpireOutcome,
};
use crate::types::KeyType;
use crate::{Error, ExpireCondition, ReadTxn, Result, WriteTxn};

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec!(
        "hset",
        -4,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(hset)
    ),
    spec!(
        "hsetnx",
        4,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(hsetnx)
    ),
    spec!("hget", 3, ["readonly", "fast"], 1, 1, 1, Read(hget)),
    spec!("hmget", -3, ["readonly", "fast"], 1, 1, 1, Read(hmget)),
    spec!(
        "hmset",
        -4,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(hmset)
    ),
    spec!("hdel", -3, ["write", "fast"], 1, 1, 1, Write(hdel)),
    spec!("hlen", 2, ["readonly", "fast"], 1, 1, 1, Read(hlen)),
    spec!("hstrlen", 3, ["readonly", "fast"], 1, 1, 1, Read(hstrlen)),
    spec!("hexists", 3, ["readonly", "fast"], 1, 1, 1, Read(hexists)),
    spec!("hkeys", 2, ["readonly"], 1, 1, 1, Read(hkeys)),
    spec!("hvals", 2, ["readonly"], 1, 1, 1, Read(hvals)),
    spec!("hgetall", 2, ["readonly"], 1, 1, 1, Read(hgetall)),
    spec!(
        "hincrby",
        4,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(hincrby)
    ),
    spec!(
        "hincrbyfloat",
        4,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(hincrbyfloat)
    ),
    spec!("hrandfield", -2, ["readonly"], 1, 1, 1, Read(hrandfield)),
    spec!("hscan", -3, ["readonly"], 1, 1, 1, Read(hscan)),
    spec!("hexpire", -6, ["write", "fast"], 1, 1, 1, Write(hexpire)),
    spec!("hpexpire", -6, ["write", "fast"], 1, 1, 1, Write(hpexpire)),
    spec!(
        "hexpireat",
        -6,
        ["write", "fast"],
        1,
        1,
        1,
        Write(hexpireat)
    ),
    spec!(
        "hpexpireat",
        -6,
        ["write", "fast"],
        1,
        1,
        1,
        Write(hpexpireat)
    ),
    spec!("httl", -5, ["readonly", "fast"], 1, 1, 1, Read(httl)),
    spec!("hpttl", -5, ["readonly", "fast"], 1, 1, 1, Read(hpttl)),
    spec!(
        "hexpiretime",
        -5,
        ["readonly", "fast"],
        1,
        1,
        1,
        Read(hexpiretime)
    ),
    spec!(
        "hpexpiretime",
        -5,
        ["readonly", "fast"],
        1,
        1,
        1,
        Read(hpexpiretime)
    ),
    spec!("hpersist", -5, ["write", "fast"], 1, 1, 1, Write(hpersist)),
];

/// HSET/HMSET's field-value pairs; an odd count is a wrong number of arguments.
fn pairs<'a>(call: &Call<'a>, name: &'static str) -> Result<Vec<(&'a [u8], &'a [u8])>> {
    let rest = call.rest(2);
    if rest.len() % 2 != 0 {
        return Err(Error::WrongArity(name));
    }
    Ok(rest
        .chunks_exact(2)
        .filter_map(|pair| match pair {
            [field, value] => Some((&field[..], &value[..])),
            _ => None,
        })
        .collect())
}

fn hset(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let pairs = pairs(call, "hset")?;
    Ok(Reply::count(tx.hset(call.arg(1), &pairs)?))
}

fn hmset(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let pairs = pairs(call, "hmset")?;
    tx.hmset(call.arg(1), &pairs)?;
    Ok(Reply::ok())
}

fn hsetnx(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let set = tx.hsetnx(call.arg(1), call.arg(2), call.arg(3))?;
    Ok(Reply::Int(i64::from(set)))
}

fn hget(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::opt_bulk(r.hget(call.arg(1), call.arg(2))?))
}

fn hmget(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let values = r.hmget(call.arg(1), call.rest(2))?;
    Ok(Reply::Array(
        values.into_iter().map(Reply::opt_bulk).collect(),
    ))
}

fn hdel(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(tx.hdel(call.arg(1), call.rest(2))?))
}

fn hlen(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(r.hlen(call.arg(1))?))
}

fn hstrlen(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(r.hstrlen(call.arg(1), call.arg(2))?))
}

fn hexists(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let found = r.hexists(call.arg(1), call.arg(2))?;
    Ok(Reply::Int(i64::from(found)))
}

fn hkeys(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::owned_bulks(r.hkeys(call.arg(1))?))
}

fn hvals(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::owned_bulks(r.hvals(call.arg(1))?))
}

fn hgetall(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let pairs = r.hgetall(call.arg(1))?;
    Ok(Reply::Map(
        pairs
            .into_iter()
            .map(|(field, value)| (Reply::Bulk(field), Reply::Bulk(value)))
            .collect(),
    ))
}

fn hincrby(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let delta = int_arg(call.arg(3))?;
    Ok(Reply::Int(tx.hincr_by(call.arg(1), call.arg(2), delta)?))
}

fn hincrbyfloat(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::Bulk(tx.hincr_by_float(
        call.arg(1),
        call.arg(2),
        call.arg(3),
    )?))
}

/// `[field, value]` pairs in RESP3, a flat list in RESP2 (HRANDFIELD WITHVALUES).
fn pairs_reply(pairs: Vec<(bytes::Bytes, bytes::Bytes)>, protocol: Protocol) -> Reply {
    if protocol == Protocol::Resp3 {
        Reply::Array(
            pairs
                .into_iter()
                .map(|(field, value)| Reply::Array(vec![Reply::Bulk(field), Reply::Bulk(value)]))
                .collect(),
        )
    } else {
        Reply::Array(
            pairs
                .into_iter()
                .flat_map(|(field, value)| [Reply::Bulk(field), Reply::Bulk(value)])
                .collect(),
        )
    }
}

/// HRANDFIELD `key [count [WITHVALUES]]`: the count, then the option, then the range that
/// WITHVALUES allows, then the key.
fn hrandfield(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    if call.len() == 2 {
        return Ok(Reply::opt_bulk(r.hrandfield(call.arg(1))?));
    }
    let count = parse_hrandfield_count(call.arg(2), false)?;
    if call.len() > 4 || (call.len() == 4 && !call.arg(3).eq_ignore_ascii_case(b"withvalues")) {
        return Err(Error::Syntax);
    }
    if call.len() == 4 {
        let count = parse_hrandfield_count(call.arg(2), true)?;
        // Redis bounds WITHVALUES counts on both sides (the library checks the negative one).
        if count > i64::MAX / 2 {
            return Err(Error::OutOfRange);
        }
        let pairs = r.hrandfield_with_values(call.arg(1), count)?;
        return Ok(pairs_reply(pairs, call.protocol));
    }
    Ok(Reply::owned_bulks(r.hrandfield_count(call.arg(1), count)?))
}

/// HSCAN: the cursor, then the key, then (for an existing hash) the options.
fn hscan(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let Some(cursor) = parse_cursor(call.arg(2)) else {
        return Ok(invalid_cursor());
    };
    if !key_must_be(r, call.arg(1), KeyType::Hash)? {
        return Ok(scan_reply(0, Vec::new()));
    }
    let options = element_scan_options(call.rest(3))?;
    let (next, pairs) = r.hscan(call.arg(1), cursor, &options)?;
    let elements = pairs
        .into_iter()
        .flat_map(|(field, value)| [Reply::Bulk(field), Reply::Bulk(value)])
        .collect();
    Ok(scan_reply(next, elements))
}

/// Which HEXPIRE-family command runs.
#[derive(Clone, Copy)]
enum ExpireForm {
    Seconds,
    Millis,
    AtSeconds,
    AtMillis,
}

fn run_expire(
    tx: &mut WriteTxn<'_>,
    form: ExpireForm,
    key: &[u8],
    time: i64,
    condition: ExpireCondition,
    fields: &[bytes::Bytes],
) -> Result<Vec<FieldExpireOutcome>> {
    match form {
        ExpireForm::Seconds => tx.hexpire(key, time, condition, fields),
        ExpireForm::Millis => tx.hpexpire(key, time, condition, fields),
        ExpireForm::AtSeconds => tx.hexpire_at(key, time, condition, fields),
        ExpireForm::AtMillis => tx.hpexpire_at(key, time, condition, fields),
    }
}

/// `key time [NX|XX|GT|LT] FIELDS numfields field...`, checked in Redis 7.4's order: the key's
/// type, the time (an integer, not negative, not overflowing), then the rest.
fn expire_generic(tx: &mut WriteTxn<'_>, call: &Call<'_>, form: ExpireForm) -> Result<Reply> {
    let key = call.arg(1);
    key_must_be(tx, key, KeyType::Hash)?;
    let time = int_arg(call.arg(2))?;
    let (condition, fields) = match parse_hexpire_arguments(call.rest(3)) {
        Ok(parsed) => parsed,
        Err(e) => {
            // The time's own errors come first: the typed call checks it before the fields,
            // and with no fields it writes nothing.
            return match run_expire(tx, form, key, time, ExpireCondition::Always, &[]) {
                Err(time_error) if !matches!(time_error, Error::NumFieldsNotPositive) => {
                    Err(time_error)
                }
                _ => Err(e),
            };
        }
    };
    let outcomes = run_expire(tx, form, key, time, condition, fields)?;
    Ok(Reply::Array(
        outcomes
            .into_iter()
            .map(|o| Reply::Int(o.as_reply()))
            .collect(),
    ))
}

fn hexpire(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    expire_generic(tx, call, ExpireForm::Seconds)
}

fn hpexpire(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    expire_generic(tx, call, ExpireForm::Millis)
}

fn hexpireat(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    expire_generic(tx, call, ExpireForm::AtSeconds)
}

fn hpexpireat(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    expire_generic(tx, call, ExpireForm::AtMillis)
}

/// HTTL-family fields: the key's type first, then `FIELDS numfields field...`.
fn ttl_fields<'a>(r: &ReadTxn<'_>, call: &Call<'a>) -> Result<&'a [bytes::Bytes]> {
    key_must_be(r, call.arg(1), KeyType::Hash)?;
    parse_fields_argument(call.rest(2))
}

fn ints(values: impl IntoIterator<Item = i64>) -> Reply {
    Reply::Array(values.into_iter().map(Reply::Int).collect())
}

fn httl(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let fields = ttl_fields(r, call)?;
    let ttls = r.httl(call.arg(1), fields)?;
    Ok(ints(ttls.into_iter().map(|t| t.as_secs_reply())))
}

fn hpttl(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let fields = ttl_fields(r, call)?;
    let ttls = r.httl(call.arg(1), fields)?;
    Ok(ints(ttls.into_iter().map(|t| t.as_millis_reply())))
}

fn hexpiretime(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let fields = ttl_fields(r, call)?;
    let times = r.hexpire_time(call.arg(1), fields)?;
    Ok(ints(times.into_iter().map(|t| t.as_secs_reply())))
}

fn hpexpiretime(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let fields = ttl_fields(r, call)?;
    let times = r.hexpire_time(call.arg(1), fields)?;
    Ok(ints(times.into_iter().map(|t| t.as_millis_reply())))
}

fn hpersist(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let fields = ttl_fields(tx, call)?;
    let outcomes = tx.hpersist(call.arg(1), fields)?;
    Ok(ints(outcomes.into_iter().map(|o| o.as_reply())))
}
