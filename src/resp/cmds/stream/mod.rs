//! Stream commands: XADD XLEN XRANGE XREVRANGE XDEL XTRIM XSETID here; XREAD and XREADGROUP
//! (blocking) in [`read`]; XGROUP and XINFO in [`group`]; XACK XPENDING XCLAIM XAUTOCLAIM in
//! [`pending`].
//!
//! Where Redis looks a key (or group) up before it parses the rest of the arguments (XDEL,
//! XACK, XCLAIM, XREAD's per-stream checks, XGROUP, XINFO), the handlers do the same lookup
//! first, so that a call wrong in two ways gets Redis's error.

mod group;
mod pending;
mod read;

use bytes::Bytes;

use super::spec;
use crate::resp::command::{Call, CommandSpec};
use crate::resp::reply::{Protocol, Reply};
use crate::types::stream::{Fields, StreamEntry, StreamId, Trim, XAddArgs, XSetIdArgs};
use crate::{Error, ReadTxn, Result, WriteTxn};

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec!(
        "xadd",
        -5,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(xadd)
    ),
    spec!("xlen", 2, ["readonly", "fast"], 1, 1, 1, Read(xlen)),
    spec!("xrange", -4, ["readonly"], 1, 1, 1, Read(xrange)),
    spec!("xrevrange", -4, ["readonly"], 1, 1, 1, Read(xrevrange)),
    spec!("xdel", -3, ["write", "fast"], 1, 1, 1, Write(xdel)),
    spec!("xtrim", -4, ["write"], 1, 1, 1, Write(xtrim)),
    spec!(
        "xsetid",
        -3,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(xsetid)
    ),
    spec!(
        "xread",
        -4,
        ["readonly", "blocking", "movablekeys"],
        0,
        0,
        0,
        Blocking(read::xread_wait, read::xread_once)
    ),
    spec!(
        "xreadgroup",
        -7,
        ["write", "blocking", "movablekeys"],
        0,
        0,
        0,
        Blocking(read::xreadgroup_wait, read::xreadgroup_once)
    ),
    spec!("xgroup", -2, [], 0, 0, 0, Write(group::xgroup)),
    spec!("xinfo", -2, [], 0, 0, 0, Read(group::xinfo)),
    spec!("xack", -4, ["write", "fast"], 1, 1, 1, Write(pending::xack)),
    spec!(
        "xpending",
        -3,
        ["readonly"],
        1,
        1,
        1,
        Read(pending::xpending)
    ),
    spec!(
        "xclaim",
        -6,
        ["write", "fast"],
        1,
        1,
        1,
        Write(pending::xclaim)
    ),
    spec!(
        "xautoclaim",
        -6,
        ["write", "fast"],
        1,
        1,
        1,
        Write(pending::xautoclaim)
    ),
];

/// The arguments as byte slices, as the typed API's `parse` helpers take them.
fn raw(args: &[Bytes]) -> Vec<&[u8]> {
    args.iter().map(|a| &a[..]).collect()
}

/// A stream ID as a bulk string (`ms-seq`).
fn id_reply(id: StreamId) -> Reply {
    Reply::bulk(id.to_string())
}

/// Field/value pairs as a flat array.
fn fields_reply(fields: &Fields) -> Reply {
    let mut out = Vec::with_capacity(fields.len() * 2);
    for (field, value) in fields {
        out.push(Reply::Bulk(field.clone()));
        out.push(Reply::Bulk(value.clone()));
    }
    Reply::Array(out)
}

/// One entry: `[id, [field, value, ...]]`.
fn entry_reply(entry: &StreamEntry) -> Reply {
    Reply::Array(vec![id_reply(entry.id), fields_reply(&entry.fields)])
}

/// A list of entries.
fn entries_reply(entries: &[StreamEntry]) -> Reply {
    Reply::Array(entries.iter().map(entry_reply).collect())
}

/// XREAD's and XREADGROUP's reply: nothing read is a nil array; in RESP3 a map of key to
/// entries, in RESP2 an array of `[key, entries]` pairs.
fn streams_reply(protocol: Protocol, streams: Vec<(Bytes, Reply)>) -> Reply {
    if streams.is_empty() {
        return Reply::NilArray;
    }
    match protocol {
        Protocol::Resp3 => Reply::Map(
            streams
                .into_iter()
                .map(|(key, entries)| (Reply::Bulk(key), entries))
                .collect(),
        ),
        Protocol::Resp2 => Reply::Array(
            streams
                .into_iter()
                .map(|(key, entries)| Reply::Array(vec![Reply::Bulk(key), entries]))
                .collect(),
        ),
    }
}

/// Whether `arg` is `name`, ignoring ASCII case.
fn is(arg: &[u8], name: &str) -> bool {
    arg.eq_ignore_ascii_case(name.as_bytes())
}

fn xadd(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let args = raw(call.rest(2));
    let (options, consumed) = XAddArgs::parse(&args)?;
    let pairs: Vec<(&[u8], &[u8])> = args
        .get(consumed..)
        .unwrap_or_default()
        .chunks_exact(2)
        .map(|pair| (pair[0], pair[1]))
        .collect();
    Ok(tx
        .xadd(call.arg(1), options, &pairs)?
        .map_or(Reply::Nil, id_reply))
}

fn xlen(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(r.xlen(call.arg(1))?))
}

fn xrange(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    range(r, call, false)
}

fn xrevrange(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    range(r, call, true)
}

/// XRANGE and XREVRANGE: the bounds (XREVRANGE's start, its second bound, first), COUNT,
/// then the key.
fn range(r: &ReadTxn<'_>, call: &Call<'_>, rev: bool) -> Result<Reply> {
    let (start_arg, end_arg) = if rev {
        (call.arg(3), call.arg(2))
    } else {
        (call.arg(2), call.arg(3))
    };
    let start = StreamId::parse_range_start(start_arg)?;
    let end = StreamId::parse_range_end(end_arg)?;
    let mut count = None;
    let options = raw(call.rest(4));
    let mut i = 0;
    while i < options.len() {
        if is(options[i], "count") && i + 1 < options.len() {
            let n = crate::types::string::parse_i64(options[i + 1]).ok_or(Error::NotInteger)?;
            count = Some(u64::try_from(n).unwrap_or(0));
            i += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    let key = call.arg(1);
    let entries = if rev {
        r.xrevrange(key, end, start, count)?
    } else {
        r.xrange(key, start, end, count)?
    };
    Ok(entries.map_or(Reply::NilArray, |e| entries_reply(&e)))
}

fn xdel(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let key = call.arg(1);
    // Redis looks the key up before it parses the IDs.
    if tx.stream_view(key)?.is_none() {
        return Ok(Reply::Int(0));
    }
    let ids = call
        .rest(2)
        .iter()
        .map(|id| StreamId::parse(id))
        .collect::<Result<Vec<_>>>()?;
    Ok(Reply::count(tx.xdel(key, &ids)?))
}

fn xtrim(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let trim = Trim::parse(&raw(call.rest(2)))?;
    Ok(Reply::count(tx.xtrim(call.arg(1), trim)?))
}

fn xsetid(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let args = XSetIdArgs::parse(&raw(call.rest(2)))?;
    tx.xsetid(call.arg(1), args)?;
    Ok(Reply::ok())
}
