//! HyperLogLog commands: PFADD, PFCOUNT, PFMERGE.

use super::spec;
use crate::resp::command::{Call, CommandSpec};
use crate::resp::reply::Reply;
use crate::{Result, WriteTxn};

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec!(
        "pfadd",
        -2,
        ["write", "denyoom", "fast"],
        1,
        1,
        1,
        Write(pfadd)
    ),
    // Redis flags PFCOUNT read-only, but it stores a refreshed cardinality cache in the value
    // (GET shows it): a write here, as there.
    spec!("pfcount", -2, ["readonly"], 1, -1, 1, Write(pfcount)),
    spec!(
        "pfmerge",
        -2,
        ["write", "denyoom"],
        1,
        -1,
        1,
        Write(pfmerge)
    ),
];

fn pfadd(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::Int(tx.pfadd(call.arg(1), call.rest(2))?.into()))
}

fn pfcount(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(tx.pfcount(call.rest(1))?))
}

fn pfmerge(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    tx.pfmerge(call.arg(1), call.rest(2))?;
    Ok(Reply::ok())
}
