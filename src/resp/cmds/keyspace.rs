//! Key-space commands: DEL, UNLINK, EXISTS, TYPE, TOUCH, KEYS, SCAN, RANDOMKEY, RENAME,
//! RENAMENX, COPY, MOVE, SWAPDB, OBJECT, DBSIZE, FLUSHDB, FLUSHALL.

use super::spec;
use super::string::int_arg;
use crate::resp::command::{Call, CommandSpec};
use crate::resp::reply::Reply;
use crate::{Error, KeyType, ReadTxn, Result, ScanOptions, WriteTxn};

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec!("del", -2, ["write"], 1, -1, 1, Write(del)),
    spec!("unlink", -2, ["write", "fast"], 1, -1, 1, Write(unlink)),
    spec!("exists", -2, ["readonly", "fast"], 1, -1, 1, Read(exists)),
    spec!("type", 2, ["readonly", "fast"], 1, 1, 1, Read(key_type)),
    spec!("touch", -2, ["readonly", "fast"], 1, -1, 1, Read(touch)),
    spec!("dbsize", 1, ["readonly", "fast"], 0, 0, 0, Read(dbsize)),
    spec!("keys", 2, ["readonly"], 0, 0, 0, Read(keys)),
    spec!("scan", -2, ["readonly"], 0, 0, 0, Read(scan)),
    spec!("randomkey", 1, ["readonly"], 0, 0, 0, Read(randomkey)),
    spec!("rename", 3, ["write"], 1, 2, 1, Write(rename)),
    spec!("renamenx", 3, ["write", "fast"], 1, 2, 1, Write(renamenx)),
    spec!("copy", -3, ["write", "denyoom"], 1, 2, 1, Write(copy)),
    spec!("move", 3, ["write", "fast"], 1, 1, 1, Write(move_key)),
    spec!("swapdb", 3, ["write", "fast"], 0, 0, 0, Write(swapdb)),
    spec!("object", -2, [], 0, 0, 0, Read(object)),
    spec!("flushdb", -1, ["write"], 0, 0, 0, Write(flushdb)),
    spec!("flushall", -1, ["write"], 0, 0, 0, Write(flushall)),
];

fn del(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(tx.del(call.rest(1))?))
}

fn unlink(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(tx.unlink(call.rest(1))?))
}

fn exists(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(r.exists(call.rest(1))?))
}

fn key_type(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let name = r.key_type(call.arg(1))?.map_or("none", KeyType::as_str);
    Ok(Reply::Simple(name.to_owned()))
}

fn touch(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(r.touch(call.rest(1))?))
}

fn dbsize(r: &ReadTxn<'_>, _: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(r.dbsize()?))
}

fn keys(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::owned_bulks(r.keys(call.arg(1))?))
}

/// A SCAN cursor as Redis reads it (`strtoull`): optional sign (a negative one wraps), decimal
/// digits; the empty string is cursor 0.
pub(super) fn parse_cursor(arg: &[u8]) -> Result<u64> {
    let (negative, digits) = match arg.split_first() {
        None => return Ok(0),
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        Some(_) => (false, arg),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(Error::InvalidCursor);
    }
    let mut value: u64 = 0;
    for d in digits {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .ok_or(Error::InvalidCursor)?;
    }
    Ok(if negative {
        value.wrapping_neg()
    } else {
        value
    })
}

fn scan(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let cursor = parse_cursor(call.arg(1))?;
    let mut options = ScanOptions::new();
    // A TYPE that names no type matches no key (Redis 7.0 compares the names).
    let mut unknown_type = false;
    let opts = call.rest(2);
    let mut i = 0;
    while let Some(opt) = opts.get(i) {
        let value = opts.get(i + 1).ok_or(Error::Syntax)?;
        if opt.eq_ignore_ascii_case(b"count") {
            let count = int_arg(value)?;
            if count < 1 {
                return Err(Error::Syntax);
            }
            options.count = Some(usize::try_from(count).unwrap_or(usize::MAX));
        } else if opt.eq_ignore_ascii_case(b"match") {
            options.pattern = Some(value.clone());
        } else if opt.eq_ignore_ascii_case(b"type") {
            match KeyType::parse(value) {
                Some(t) => {
                    options.key_type = Some(t);
                    unknown_type = false;
                }
                None => {
                    options.key_type = Some(KeyType::String);
                    unknown_type = true;
                }
            }
        } else {
            return Err(Error::Syntax);
        }
        i += 2;
    }
    let (next, mut keys) = r.scan(cursor, &options)?;
    if unknown_type {
        keys.clear();
    }
    Ok(Reply::Array(vec![
        Reply::bulk(next.to_string()),
        Reply::owned_bulks(keys),
    ]))
}

fn randomkey(r: &ReadTxn<'_>, _: &Call<'_>) -> Result<Reply> {
    Ok(Reply::opt_bulk(r.randomkey()?))
}

fn rename(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    tx.rename(call.arg(1), call.arg(2))?;
    Ok(Reply::ok())
}

fn renamenx(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::Int(tx.renamenx(call.arg(1), call.arg(2))?.into()))
}

/// A database index argument: an integer in the C `int` range (Redis's `getIntFromObject`);
/// a negative one is out of range.
fn db_index(arg: &[u8]) -> Result<u32> {
    let value = int_arg(arg)?;
    let value = i32::try_from(value).map_err(|_| Error::OutOfRangeBetween {
        min: i64::from(i32::MIN),
        max: i64::from(i32::MAX),
    })?;
    u32::try_from(value).map_err(|_| Error::DbIndexOutOfRange)
}

fn copy(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let (mut db, mut replace) = (None, false);
    let opts = call.rest(3);
    let mut i = 0;
    while let Some(opt) = opts.get(i) {
        if opt.eq_ignore_ascii_case(b"replace") {
            replace = true;
        } else if opt.eq_ignore_ascii_case(b"db") && i + 1 < opts.len() {
            i += 1;
            let index = db_index(opts.get(i).map_or(&[][..], |b| &b[..]))?;
            // Redis checks the index at once, before the options after it.
            tx.core.check_db(index)?;
            db = Some(index);
        } else {
            return Err(Error::Syntax);
        }
        i += 1;
    }
    Ok(Reply::Int(
        tx.copy(call.arg(1), call.arg(2), db, replace)?.into(),
    ))
}

fn move_key(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let db = db_index(call.arg(2))?;
    Ok(Reply::Int(tx.move_key(call.arg(1), db)?.into()))
}

fn swapdb(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    // Both indexes are parsed before either is range-checked.
    let index = |arg: &[u8], which| {
        crate::types::string::parse_i64(arg)
            .and_then(|v| i32::try_from(v).ok())
            .ok_or(Error::InvalidDbIndex(which))
    };
    let a = index(call.arg(1), "first")?;
    let b = index(call.arg(2), "second")?;
    let in_range = |v: i32| u32::try_from(v).map_err(|_| Error::DbIndexOutOfRange);
    tx.swapdb(in_range(a)?, in_range(b)?)?;
    Ok(Reply::ok())
}

/// OBJECT HELP's lines, as Redis 7.0 prints them.
const OBJECT_HELP: &[&str] = &[
    "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
    "HELP",
    "    Prints this help.",
];

fn object(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let sub = call.arg(1);
    let is = |name: &[u8]| sub.eq_ignore_ascii_case(name);
    let (name, arity) = if is(b"help") {
        ("object|help", 2)
    } else if is(b"encoding") {
        ("object|encoding", 3)
    } else if is(b"freq") {
        ("object|freq", 3)
    } else if is(b"idletime") {
        ("object|idletime", 3)
    } else if is(b"refcount") {
        ("object|refcount", 3)
    } else {
        let shown = String::from_utf8_lossy(&sub[..sub.len().min(128)]).replace(['\r', '\n'], " ");
        return Err(Error::UnknownSubcommandHelp {
            sub: shown,
            command: "OBJECT",
        });
    };
    if call.len() != arity {
        return Err(Error::WrongArity(name));
    }
    let key = call.arg(2);
    let count = |n: Option<u64>| n.map_or(Reply::Nil, Reply::count);
    Ok(match name {
        "object|help" => Reply::Array(
            OBJECT_HELP
                .iter()
                .map(|line| Reply::Simple((*line).to_owned()))
                .collect(),
        ),
        "object|encoding" => Reply::opt_bulk(r.object_encoding(key)?.map(bytes::Bytes::from)),
        "object|freq" => count(r.object_freq(key)?),
        "object|idletime" => count(r.object_idletime(key)?),
        _ => count(r.object_refcount(key)?),
    })
}

/// The ASYNC / SYNC argument of FLUSHDB and FLUSHALL (keyp's flush is the same either way).
fn flush_mode(call: &Call<'_>) -> Result<()> {
    match call.len() {
        1 => Ok(()),
        2 if call.arg(1).eq_ignore_ascii_case(b"async")
            || call.arg(1).eq_ignore_ascii_case(b"sync") =>
        {
            Ok(())
        }
        _ => Err(Error::Syntax),
    }
}

fn flushdb(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    flush_mode(call)?;
    tx.flushdb()?;
    Ok(Reply::ok())
}

fn flushall(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    flush_mode(call)?;
    tx.flushall()?;
    Ok(Reply::ok())
}
