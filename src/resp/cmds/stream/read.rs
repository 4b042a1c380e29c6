//! XREAD and XREADGROUP, with BLOCK.
//!
//! Each stream is checked as Redis checks it, in argument order: the key's type, then (for
//! XREADGROUP) that the group exists, then the ID. The blocking form waits through the
//! `Store`'s blocking methods on the connection's thread; inside MULTI (the `once` forms)
//! nothing blocks and an empty read replies nil at once, as Redis does.

use std::time::Duration;

use bytes::Bytes;

use super::{entries_reply, fields_reply, id_reply, raw, streams_reply};
use crate::resp::command::Call;
use crate::resp::reply::{Protocol, Reply};
use crate::resp::session::{run_write, Session, WriteJob};
use crate::types::stream::{
    printable, GroupReadEntry, GroupReadId, StreamEntry, XReadArgs, XReadId,
};
use crate::{Error, ReadTxn, Result, WriteTxn};

/// XREAD's arguments, checked.
struct XRead {
    count: Option<u64>,
    block: Option<Duration>,
    streams: Vec<(Bytes, XReadId)>,
}

/// XREADGROUP's arguments, checked.
struct XReadGroup {
    group: Bytes,
    consumer: Bytes,
    count: Option<u64>,
    block: Option<Duration>,
    noack: bool,
    streams: Vec<(Bytes, GroupReadId)>,
}

fn parse_xread(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<XRead> {
    let args = XReadArgs::parse(&raw(call.rest(1)), false)?;
    let mut streams = Vec::with_capacity(args.keys.len());
    for (key, id) in args.keys.iter().zip(&args.ids) {
        r.stream_view(key)?;
        streams.push((key.clone(), XReadId::parse(id)?));
    }
    Ok(XRead {
        count: args.count,
        block: args.block,
        streams,
    })
}

fn parse_xreadgroup(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<XReadGroup> {
    let args = XReadArgs::parse(&raw(call.rest(1)), true)?;
    let (group, consumer) = args.group.clone().ok_or(Error::XreadgroupMissingGroup)?;
    let mut streams = Vec::with_capacity(args.keys.len());
    for (key, id) in args.keys.iter().zip(&args.ids) {
        let view = r.stream_view(key)?;
        let found = match view {
            Some(view) => r.stream_group(view.key_id, &group)?.is_some(),
            None => false,
        };
        if !found {
            return Err(Error::NoGroupXreadgroup(printable(key), printable(&group)));
        }
        streams.push((key.clone(), GroupReadId::parse(id)?));
    }
    Ok(XReadGroup {
        group,
        consumer,
        count: args.count,
        block: args.block,
        noack: args.noack,
        streams,
    })
}

fn xread_reply(protocol: Protocol, read: Vec<(Bytes, Vec<StreamEntry>)>) -> Reply {
    let streams = read
        .into_iter()
        .map(|(key, entries)| (key, entries_reply(&entries)))
        .collect();
    streams_reply(protocol, streams)
}

fn xreadgroup_reply(protocol: Protocol, read: Vec<(Bytes, Vec<GroupReadEntry>)>) -> Reply {
    let streams = read
        .into_iter()
        .map(|(key, entries)| {
            let entries = entries
                .iter()
                .map(|(id, fields)| {
                    // An entry of the consumer's history deleted meanwhile: a nil array.
                    let fields = fields.as_ref().map_or(Reply::NilArray, fields_reply);
                    Reply::Array(vec![id_reply(*id), fields])
                })
                .collect();
            (key, Reply::Array(entries))
        })
        .collect();
    streams_reply(protocol, streams)
}

/// XREAD, blocking when BLOCK is given and nothing can be read at once.
pub(super) fn xread_wait(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let store = session.store()?;
    let parsed = store.read(|r| parse_xread(r, call))?;
    let read = match parsed.block {
        Some(timeout) => store.xread_block(&parsed.streams, parsed.count, timeout)?,
        None => store.read(|r| r.xread(&parsed.streams, parsed.count))?,
    };
    Ok(xread_reply(call.protocol, read))
}

/// XREAD once, never blocking (inside MULTI).
pub(super) fn xread_once(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let parsed = parse_xread(tx, call)?;
    let read = tx.xread(&parsed.streams, parsed.count)?;
    Ok(xread_reply(call.protocol, read))
}

/// XREADGROUP, blocking when BLOCK is given and nothing can be served at once.
pub(super) fn xreadgroup_wait(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let store = session.store()?;
    let parsed = store.read(|r| parse_xreadgroup(r, call))?;
    let Some(timeout) = parsed.block else {
        // No BLOCK: one attempt, through group commit like any write.
        let args = call.args.to_vec();
        let protocol = call.protocol;
        let job: WriteJob = Box::new(move |tx| {
            let call = Call {
                args: &args,
                protocol,
            };
            Ok(vec![run_write(xreadgroup_once, tx, &call)?])
        });
        let mut replies = session.shared().write(session.db, job)?;
        return Ok(replies.pop().unwrap_or(Reply::NilArray));
    };
    let read = store.xreadgroup_block(
        &parsed.group,
        &parsed.consumer,
        &parsed.streams,
        parsed.count,
        parsed.noack,
        timeout,
    )?;
    Ok(xreadgroup_reply(call.protocol, read))
}

/// XREADGROUP once, never blocking (inside MULTI, or without BLOCK).
pub(super) fn xreadgroup_once(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let parsed = parse_xreadgroup(tx, call)?;
    let read = tx.xreadgroup(
        &parsed.group,
        &parsed.consumer,
        &parsed.streams,
        parsed.count,
        parsed.noack,
    )?;
    Ok(xreadgroup_reply(call.protocol, read))
}
