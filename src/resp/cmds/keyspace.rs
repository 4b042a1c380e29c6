//! Key-space commands.

use super::spec;
use crate::resp::command::{Call, CommandSpec};
use crate::resp::reply::Reply;
use crate::{Result, WriteTxn};

pub(super) const COMMANDS: &[CommandSpec] = &[spec!("del", -2, ["write"], 1, -1, 1, Write(del))];

fn del(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(tx.del(call.rest(1))?))
}
