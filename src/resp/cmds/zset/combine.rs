//! ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD.

use bytes::Bytes;

use super::members_reply;
use crate::resp::command::Call;
use crate::resp::reply::Reply;
use crate::types::zset::{parse_zintercard, ZCombineArgs, ZCombineCommand};
use crate::types::KeyType;
use crate::{Error, ReadTxn, Result, WriteTxn};

/// Redis looks the input keys of ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD up
/// (WRONGTYPE for anything but a sorted set or a set) before it reads the options: so when the
/// options are bad, a key of another type answers first. `args` starts at numkeys.
fn keys_first(r: &ReadTxn<'_>, args: &[Bytes], parsed: Error) -> Error {
    let Some((numkeys, rest)) = args.split_first() else {
        return parsed;
    };
    let numkeys = crate::types::string::parse_i64(numkeys)
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n >= 1);
    let Some(keys) = numkeys.and_then(|n| rest.get(..n)) else {
        return parsed;
    };
    for key in keys {
        match r.key_type(key) {
            Ok(None | Some(KeyType::ZSet | KeyType::Set)) => {}
            Ok(Some(_)) => return Error::WrongType,
            Err(e) => return e,
        }
    }
    parsed
}

fn combine_read(r: &ReadTxn<'_>, call: &Call<'_>, command: ZCombineCommand) -> Result<Reply> {
    let args =
        ZCombineArgs::parse(command, call.rest(1)).map_err(|e| keys_first(r, call.rest(1), e))?;
    let items = match command {
        ZCombineCommand::ZInter => r.zinter(&args.keys, &args.combine)?,
        ZCombineCommand::ZDiff => r.zdiff(&args.keys)?,
        _ => r.zunion(&args.keys, &args.combine)?,
    };
    Ok(members_reply(items, args.withscores, call.protocol))
}

pub(super) fn zunion(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    combine_read(r, call, ZCombineCommand::ZUnion)
}

pub(super) fn zinter(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    combine_read(r, call, ZCombineCommand::ZInter)
}

pub(super) fn zdiff(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    combine_read(r, call, ZCombineCommand::ZDiff)
}

fn combine_store(
    tx: &mut WriteTxn<'_>,
    call: &Call<'_>,
    command: ZCombineCommand,
) -> Result<Reply> {
    let args =
        ZCombineArgs::parse(command, call.rest(2)).map_err(|e| keys_first(tx, call.rest(2), e))?;
    let dst = call.arg(1);
    let stored = match command {
        ZCombineCommand::ZInterStore => tx.zinterstore(dst, &args.keys, &args.combine)?,
        ZCombineCommand::ZDiffStore => tx.zdiffstore(dst, &args.keys)?,
        _ => tx.zunionstore(dst, &args.keys, &args.combine)?,
    };
    Ok(Reply::count(stored))
}

pub(super) fn zunionstore(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    combine_store(tx, call, ZCombineCommand::ZUnionStore)
}

pub(super) fn zinterstore(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    combine_store(tx, call, ZCombineCommand::ZInterStore)
}

pub(super) fn zdiffstore(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    combine_store(tx, call, ZCombineCommand::ZDiffStore)
}

pub(super) fn zintercard(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let (keys, limit) =
        parse_zintercard(call.rest(1)).map_err(|e| keys_first(r, call.rest(1), e))?;
    Ok(Reply::count(r.zintercard(&keys, limit)?))
}
