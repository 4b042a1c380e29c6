//! String commands: GET, SET and its variants, MGET/MSET, GETEX/GETDEL/GETSET, the range
//! commands, the counters and LCS.

use bytes::Bytes;

use super::spec;
use crate::resp::command::{Call, CommandSpec};
use crate::resp::reply::Reply;
use crate::types::string::parse_i64;
use crate::{
    Error, Expiry, GetExAction, LcsIdx, ReadTxn, Result, SetCondition, SetOptions, SetTtl, WriteTxn,
};

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec!("get", 2, ["readonly", "fast"], 1, 1, 1, Read(get)),
    spec!("set", -3, ["write", "denyoom"], 1, 1, 1, Write(set)),
    spec!(
        "setnx",
        3,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(setnx)
    ),
    spec!("setex", 4, ["write", "denyoom"], 1, 1, 1, Write(setex)),
    spec!("psetex", 4, ["write", "denyoom"], 1, 1, 1, Write(psetex)),
    spec!("mget", -2, ["readonly", "fast"], 1, -1, 1, Read(mget)),
    spec!("mset", -3, ["write", "denyoom"], 1, -1, 2, Write(mset)),
    spec!("msetnx", -3, ["write", "denyoom"], 1, -1, 2, Write(msetnx)),
    spec!(
        "getset",
        3,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(getset)
    ),
    spec!("getdel", 2, ["write", "fast"], 1, 1, 1, Write(getdel)),
    spec!("getex", -2, ["write", "fast"], 1, 1, 1, Write(getex)),
    spec!(
        "append",
        3,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(append)
    ),
    spec!("strlen", 2, ["readonly", "fast"], 1, 1, 1, Read(strlen)),
    spec!(
        "setrange",
        4,
        ["write", "denyoom"],
        1,
        1,
        1,
        Write(setrange)
    ),
    spec!("getrange", 4, ["readonly"], 1, 1, 1, Read(getrange)),
    spec!("substr", 4, ["readonly"], 1, 1, 1, Read(getrange)),
    spec!(
        "incr",
        2,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(incr)
    ),
    spec!(
        "decr",
        2,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(decr)
    ),
    spec!(
        "incrby",
        3,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(incrby)
    ),
    spec!(
        "decrby",
        3,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(decrby)
    ),
    spec!(
        "incrbyfloat",
        3,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(incrbyfloat)
    ),
    spec!("lcs", -3, ["readonly"], 1, 2, 1, Read(lcs)),
];

/// An integer argument, or Redis's "value is not an integer" error.
pub(super) fn int_arg(arg: &[u8]) -> Result<i64> {
    parse_i64(arg).ok_or(Error::NotInteger)
}

fn get(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::opt_bulk(r.get(call.arg(1))?))
}

/// The expiry options SET and GETEX share, as Redis parses them: which ones may follow which,
/// the value argument each takes (parsed as an integer later, as Redis does).
#[derive(Default)]
struct ExpiryArgs<'a> {
    nx: bool,
    xx: bool,
    get: bool,
    keepttl: bool,
    persist: bool,
    /// EX / PX / EXAT / PXAT and its (still unparsed) argument.
    expire: Option<(ExpiryUnit, &'a [u8])>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ExpiryUnit {
    Ex,
    Px,
    ExAt,
    PxAt,
}

impl ExpiryUnit {
    fn with(self, value: i64) -> Expiry {
        match self {
            ExpiryUnit::Ex => Expiry::Ex(value),
            ExpiryUnit::Px => Expiry::Px(value),
            ExpiryUnit::ExAt => Expiry::ExAt(value),
            ExpiryUnit::PxAt => Expiry::PxAt(value),
        }
    }
}

/// Parses SET's (`for_set`) or GETEX's options from `args`: Redis's rules, where an option
/// conflicting with one already given is a syntax error.
fn parse_expiry_args(args: &[Bytes], for_set: bool) -> Result<ExpiryArgs<'_>> {
    let mut out = ExpiryArgs::default();
    let mut i = 0;
    while let Some(opt) = args.get(i) {
        let next = args.get(i + 1);
        let is = |name: &[u8]| opt.eq_ignore_ascii_case(name);
        let unit_other = |unit: ExpiryUnit| matches!(out.expire, Some((u, _)) if u != unit);
        let timed = |unit| !out.keepttl && !out.persist && !unit_other(unit);
        if is(b"nx") && !out.xx && for_set {
            out.nx = true;
        } else if is(b"xx") && !out.nx && for_set {
            out.xx = true;
        } else if is(b"get") && for_set {
            out.get = true;
        } else if is(b"keepttl") && !out.persist && out.expire.is_none() && for_set {
            out.keepttl = true;
        } else if is(b"persist") && !for_set && out.expire.is_none() && !out.keepttl {
            out.persist = true;
        } else {
            let unit = [
                (&b"ex"[..], ExpiryUnit::Ex),
                (b"px", ExpiryUnit::Px),
                (b"exat", ExpiryUnit::ExAt),
                (b"pxat", ExpiryUnit::PxAt),
            ]
            .into_iter()
            .find(|(name, _)| is(name))
            .map(|(_, unit)| unit);
            match (unit, next) {
                (Some(unit), Some(value)) if timed(unit) => {
                    out.expire = Some((unit, &value[..]));
                    i += 1;
                }
                _ => return Err(Error::Syntax),
            }
        }
        i += 1;
    }
    Ok(out)
}

fn set(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let args = parse_expiry_args(call.rest(3), true)?;
    let ttl = match args.expire {
        Some((unit, value)) => SetTtl::Expire(unit.with(int_arg(value)?)),
        None if args.keepttl => SetTtl::Keep,
        None => SetTtl::Clear,
    };
    let condition = if args.nx {
        SetCondition::IfMissing
    } else if args.xx {
        SetCondition::IfExists
    } else {
        SetCondition::Always
    };
    let options = SetOptions {
        condition,
        ttl,
        get: args.get,
    };
    let outcome = tx.set_with(call.arg(1), call.arg(2), options)?;
    Ok(if args.get {
        Reply::opt_bulk(outcome.previous)
    } else if outcome.written {
        Reply::ok()
    } else {
        Reply::Nil
    })
}

fn setnx(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::Int(tx.setnx(call.arg(1), call.arg(2))?.into()))
}

fn setex(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    tx.setex(call.arg(1), int_arg(call.arg(2))?, call.arg(3))?;
    Ok(Reply::ok())
}

fn psetex(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    tx.psetex(call.arg(1), int_arg(call.arg(2))?, call.arg(3))?;
    Ok(Reply::ok())
}

fn mget(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    // MGET never fails on a key of another type: it answers nil for it.
    let values = call
        .rest(1)
        .iter()
        .map(|key| match r.get(key) {
            Ok(value) => Ok(Reply::opt_bulk(value)),
            Err(Error::WrongType) => Ok(Reply::Nil),
            Err(e) => Err(e),
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Reply::Array(values))
}

/// The key/value pairs of MSET and MSETNX (an odd count is a wrong number of arguments).
fn pairs<'a>(call: &Call<'a>, name: &'static str) -> Result<Vec<(&'a [u8], &'a [u8])>> {
    let rest = call.rest(1);
    if rest.len() % 2 != 0 {
        return Err(Error::WrongArity(name));
    }
    Ok(rest
        .chunks_exact(2)
        .filter_map(|pair| match pair {
            [k, v] => Some((&k[..], &v[..])),
            _ => None,
        })
        .collect())
}

fn mset(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    tx.mset(&pairs(call, "mset")?)?;
    Ok(Reply::ok())
}

fn msetnx(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::Int(tx.msetnx(&pairs(call, "msetnx")?)?.into()))
}

fn getset(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::opt_bulk(tx.getset(call.arg(1), call.arg(2))?))
}

fn getdel(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::opt_bulk(tx.getdel(call.arg(1))?))
}

fn getex(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let args = parse_expiry_args(call.rest(2), false)?;
    let key = call.arg(1);
    let action = match args.expire {
        Some((unit, value)) => match parse_i64(value) {
            Some(value) => GetExAction::Expire(unit.with(value)),
            // Redis looks the key up before parsing the expiry: a missing key answers nil.
            None => {
                return match tx.get(key)? {
                    None => Ok(Reply::Nil),
                    Some(_) => Err(Error::NotInteger),
                }
            }
        },
        None if args.persist => GetExAction::Persist,
        None => GetExAction::Keep,
    };
    Ok(Reply::opt_bulk(tx.getex(key, action)?))
}

fn append(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(tx.append(call.arg(1), call.arg(2))?))
}

fn strlen(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(r.strlen(call.arg(1))?))
}

fn setrange(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let offset = int_arg(call.arg(2))?;
    Ok(Reply::count(tx.setrange(
        call.arg(1),
        offset,
        call.arg(3),
    )?))
}

fn getrange(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let start = int_arg(call.arg(2))?;
    let end = int_arg(call.arg(3))?;
    Ok(Reply::Bulk(r.getrange(call.arg(1), start, end)?))
}

fn incr(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::Int(tx.incr(call.arg(1))?))
}

fn decr(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::Int(tx.decr(call.arg(1))?))
}

fn incrby(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let delta = int_arg(call.arg(2))?;
    Ok(Reply::Int(tx.incr_by(call.arg(1), delta)?))
}

fn decrby(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let delta = int_arg(call.arg(2))?;
    Ok(Reply::Int(tx.decr_by(call.arg(1), delta)?))
}

fn incrbyfloat(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::Bulk(tx.incr_by_float(call.arg(1), call.arg(2))?))
}

fn lcs(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let (a, b) = (call.arg(1), call.arg(2));
    // Redis checks the keys' types before the options.
    for key in [a, b] {
        if r.key_type(key)?
            .is_some_and(|t| t != crate::KeyType::String)
        {
            return Err(Error::LcsNotString);
        }
    }
    let (mut idx, mut len, mut withmatchlen, mut min_len) = (false, false, false, 0u64);
    let opts = call.rest(3);
    let mut i = 0;
    while let Some(opt) = opts.get(i) {
        if opt.eq_ignore_ascii_case(b"idx") {
            idx = true;
        } else if opt.eq_ignore_ascii_case(b"len") {
            len = true;
        } else if opt.eq_ignore_ascii_case(b"withmatchlen") {
            withmatchlen = true;
        } else if opt.eq_ignore_ascii_case(b"minmatchlen") && i + 1 < opts.len() {
            i += 1;
            let value = int_arg(opts.get(i).map_or(&[][..], |b| &b[..]))?;
            min_len = u64::try_from(value).unwrap_or(0);
        } else {
            return Err(Error::Syntax);
        }
        i += 1;
    }
    if idx && len {
        return Err(Error::LcsLenAndIdx);
    }
    if idx {
        return Ok(lcs_idx_reply(r.lcs_idx(a, b, min_len)?, withmatchlen));
    }
    if len {
        return Ok(Reply::count(r.lcs_len(a, b)?));
    }
    Ok(Reply::Bulk(r.lcs(a, b)?))
}

fn lcs_idx_reply(idx: LcsIdx, withmatchlen: bool) -> Reply {
    let range = |r: &std::ops::RangeInclusive<u64>| {
        Reply::Array(vec![Reply::count(*r.start()), Reply::count(*r.end())])
    };
    let matches = idx
        .matches
        .iter()
        .map(|m| {
            let mut item = vec![range(&m.a), range(&m.b)];
            if withmatchlen {
                item.push(Reply::count(m.len));
            }
            Reply::Array(item)
        })
        .collect();
    Reply::Map(vec![
        (Reply::bulk("matches"), Reply::Array(matches)),
        (Reply::bulk("len"), Reply::count(idx.len)),
    ])
}
