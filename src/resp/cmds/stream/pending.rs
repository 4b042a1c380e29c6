//! XACK, XPENDING, XCLAIM and XAUTOCLAIM.

use super::{entries_reply, id_reply, raw};
use crate::resp::command::Call;
use crate::resp::reply::Reply;
use crate::types::stream::{
    printable, StreamEntry, StreamId, XAutoClaimArgs, XClaimArgs, XPendingArgs,
};
use crate::{Error, ReadTxn, Result, WriteTxn};

pub(super) fn xack(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let (key, group) = (call.arg(1), call.arg(2));
    // Redis looks the key and group up before it parses the IDs: nothing to ack is 0.
    let Some(view) = tx.stream_view(key)? else {
        return Ok(Reply::Int(0));
    };
    if tx.stream_group(view.key_id, group)?.is_none() {
        return Ok(Reply::Int(0));
    }
    let ids = call
        .rest(3)
        .iter()
        .map(|id| StreamId::parse(id))
        .collect::<Result<Vec<_>>>()?;
    Ok(Reply::count(tx.xack(key, group, &ids)?))
}

pub(super) fn xpending(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let (key, group) = (call.arg(1), call.arg(2));
    let Some(args) = XPendingArgs::parse(&raw(call.rest(3)))? else {
        let summary = r.xpending_summary(key, group)?;
        if summary.count == 0 {
            return Ok(Reply::Array(vec![
                Reply::Int(0),
                Reply::Nil,
                Reply::Nil,
                Reply::NilArray,
            ]));
        }
        let consumers = summary
            .consumers
            .iter()
            .map(|(name, count)| {
                Reply::Array(vec![
                    Reply::Bulk(name.clone()),
                    Reply::bulk(count.to_string()),
                ])
            })
            .collect();
        return Ok(Reply::Array(vec![
            Reply::count(summary.count),
            summary.first.map_or(Reply::Nil, id_reply),
            summary.last.map_or(Reply::Nil, id_reply),
            Reply::Array(consumers),
        ]));
    };
    let entries = r.xpending(key, group, &args)?;
    Ok(Reply::Array(
        entries
            .iter()
            .map(|e| {
                Reply::Array(vec![
                    id_reply(e.id),
                    Reply::Bulk(e.consumer.clone()),
                    Reply::count(e.idle),
                    Reply::count(e.deliveries),
                ])
            })
            .collect(),
    ))
}

/// Claimed entries, or with JUSTID only their IDs.
fn claimed_reply(claimed: &[StreamEntry], justid: bool) -> Reply {
    if justid {
        Reply::Array(claimed.iter().map(|e| id_reply(e.id)).collect())
    } else {
        entries_reply(claimed)
    }
}

pub(super) fn xclaim(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let (key, group) = (call.arg(1), call.arg(2));
    // Redis looks the key and group up before it parses the rest.
    let found = match tx.stream_view(key)? {
        Some(view) => tx.stream_group(view.key_id, group)?.is_some(),
        None => false,
    };
    if !found {
        return Err(Error::NoGroupOrKey(printable(key), printable(group)));
    }
    let args = XClaimArgs::parse(&raw(call.rest(4)))?;
    let claimed = tx.xclaim(key, group, call.arg(3), &args)?;
    Ok(claimed_reply(&claimed, args.options.justid))
}

pub(super) fn xautoclaim(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let args = XAutoClaimArgs::parse(&raw(call.rest(4)))?;
    let result = tx.xautoclaim(call.arg(1), call.arg(2), call.arg(3), &args)?;
    Ok(Reply::Array(vec![
        id_reply(result.next),
        claimed_reply(&result.claimed, args.justid),
        Reply::Array(result.deleted.iter().map(|id| id_reply(*id)).collect()),
    ]))
}
