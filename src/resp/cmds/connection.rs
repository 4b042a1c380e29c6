//! Connection commands: PING, ECHO, SELECT, QUIT.

use super::spec;
use crate::resp::command::{Call, CommandSpec};
use crate::resp::reply::Reply;
use crate::resp::session::Session;
use crate::types::string::parse_i64;
use crate::{Error, Result};

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec!("ping", -1, ["fast", "sentinel"], 0, 0, 0, Session(ping)),
    spec!("echo", 2, ["fast"], 0, 0, 0, Session(echo)),
    spec!(
        "select",
        2,
        ["loading", "stale", "fast"],
        0,
        0,
        0,
        Session(select)
    ),
    spec!(
        "quit",
        -1,
        [
            "allow_busy",
            "noscript",
            "loading",
            "stale",
            "fast",
            "no_auth"
        ],
        0,
        0,
        0,
        Session(quit)
    ),
];

fn ping(_: &mut Session, call: &Call<'_>) -> Result<Reply> {
    match call.len() {
        1 => Ok(Reply::Simple("PONG".to_owned())),
        2 => Ok(Reply::bulk(call.arg(1))),
        _ => Err(Error::WrongArity("ping")),
    }
}

fn echo(_: &mut Session, call: &Call<'_>) -> Result<Reply> {
    Ok(Reply::bulk(call.arg(1)))
}

fn select(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let index = parse_i64(call.arg(1)).ok_or(Error::NotInteger)?;
    let index = u32::try_from(index).map_err(|_| Error::DbIndexOutOfRange)?;
    session.db = session.shared().store().core().check_db(index)?;
    Ok(Reply::ok())
}

fn quit(session: &mut Session, _: &Call<'_>) -> Result<Reply> {
    session.closing = true;
    Ok(Reply::ok())
}
