//! String commands.

use super::spec;
use crate::resp::command::{Call, CommandSpec};
use crate::resp::reply::Reply;
use crate::{ReadTxn, Result};

pub(super) const COMMANDS: &[CommandSpec] =
    &[spec!("get", 2, ["readonly", "fast"], 1, 1, 1, Read(get))];

fn get(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::opt_bulk(r.get(call.arg(1))?))
}
