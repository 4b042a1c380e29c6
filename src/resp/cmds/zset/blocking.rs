//! The blocking pops BZPOPMIN, BZPOPMAX, BZMPOP and their one-shot forms (what EXEC runs).

use std::time::Duration;

use bytes::Bytes;

use super::mpop_reply;
use crate::resp::command::Call;
use crate::resp::reply::Reply;
use crate::resp::session::Session;
use crate::types::list::parse_timeout;
use crate::types::zset::{ScoreEnd, ZMPopArgs};
use crate::{Result, WriteTxn};

/// BZPOPMIN/BZPOPMAX's reply: `[key, member, score]`, a nil array on timeout.
pub(super) fn bzpop_reply(popped: Option<(Bytes, Bytes, f64)>) -> Reply {
    match popped {
        Some((key, member, score)) => Reply::Array(vec![
            Reply::Bulk(key),
            Reply::Bulk(member),
            Reply::Double(score),
        ]),
        None => Reply::NilArray,
    }
}

/// BZPOPMIN/BZPOPMAX: `key [key ...] timeout`.
fn bzpop_args<'a>(call: &Call<'a>) -> Result<(&'a [Bytes], Duration)> {
    let keys = call.args.get(1..call.len() - 1).unwrap_or(&[]);
    Ok((keys, parse_timeout(call.arg(call.len() - 1))?))
}

pub(super) fn bzpopmin(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let (keys, timeout) = bzpop_args(call)?;
    Ok(bzpop_reply(session.store()?.bzpopmin(keys, timeout)?))
}

pub(super) fn bzpopmax(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let (keys, timeout) = bzpop_args(call)?;
    Ok(bzpop_reply(session.store()?.bzpopmax(keys, timeout)?))
}

/// BZPOPMIN/BZPOPMAX inside MULTI: one pop from the first sorted set, as ZMPOP with a count of 1.
pub(super) fn bzpop_once(tx: &mut WriteTxn<'_>, call: &Call<'_>, end: ScoreEnd) -> Result<Reply> {
    let (keys, _) = bzpop_args(call)?;
    let popped = tx.zmpop(keys, end, 1)?;
    Ok(bzpop_reply(popped.and_then(|(key, items)| {
        items
            .into_iter()
            .next()
            .map(|(member, score)| (key, member, score))
    })))
}

pub(super) fn bzpopmin_once(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    bzpop_once(tx, call, ScoreEnd::Min)
}

pub(super) fn bzpopmax_once(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    bzpop_once(tx, call, ScoreEnd::Max)
}

/// BZMPOP: `timeout numkeys key [key ...] MIN|MAX [COUNT count]`; Redis checks the rest before
/// the timeout.
pub(super) fn bzmpop_args(call: &Call<'_>) -> Result<(ZMPopArgs, Duration)> {
    let args = ZMPopArgs::parse(call.rest(2))?;
    Ok((args, parse_timeout(call.arg(1))?))
}

pub(super) fn bzmpop(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let (args, timeout) = bzmpop_args(call)?;
    let store = session.store()?;
    Ok(mpop_reply(
        store.bzmpop(timeout, &args.keys, args.end, args.count)?,
    ))
}

pub(super) fn bzmpop_once(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let (args, _) = bzmpop_args(call)?;
    Ok(mpop_reply(tx.zmpop(&args.keys, args.end, args.count)?))
}
