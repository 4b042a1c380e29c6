//! Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//!
//! The session queues the commands between MULTI and EXEC (see `Session::dispatch`); EXEC runs
//! them all in ONE write transaction of the store, on the connection's thread, after checking
//! the WATCHed keys inside that transaction (the store counts every commit's changes before
//! the next write transaction can begin, so no change slips between the check and the
//! writes). In EXEC:
//! - read commands read the transaction (they see the writes queued before them);
//! - write commands write it; a command's error is its reply, in place, as in Redis;
//! - blocking commands make their single non-blocking attempt (Redis never blocks in EXEC);
//! - connection commands (SELECT, PING, ECHO, CLIENT ...) run as usual, and a SELECT switches
//!   the database of the commands after it. They must not open a write transaction of their
//!   own (the thread holds one); the ones that would (SAVE, SHUTDOWN) cannot be queued.

use super::spec;
use crate::resp::command::{lookup, Call, CommandSpec, Handler};
use crate::resp::reply::Reply;
use crate::resp::session::{is_store_failure, run_write, MultiState, Session};
use crate::{Result, Watch};

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec!(
        "multi",
        1,
        ["noscript", "loading", "stale", "fast", "allow_busy"],
        0,
        0,
        0,
        Session(multi)
    ),
    spec!(
        "exec",
        1,
        ["noscript", "loading", "stale", "skip_slowlog"],
        0,
        0,
        0,
        Session(exec)
    ),
    spec!(
        "discard",
        1,
        ["noscript", "loading", "stale", "fast", "allow_busy"],
        0,
        0,
        0,
        Session(discard)
    ),
    spec!(
        "watch",
        -2,
        ["noscript", "loading", "stale", "fast", "allow_busy"],
        1,
        -1,
        1,
        Session(watch)
    ),
    spec!(
        "unwatch",
        1,
        ["noscript", "loading", "stale", "fast", "allow_busy"],
        0,
        0,
        0,
        Session(unwatch)
    ),
];

fn error(text: &str) -> Result<Reply> {
    Ok(Reply::Error(text.to_owned()))
}

fn multi(session: &mut Session, _: &Call<'_>) -> Result<Reply> {
    if session.multi.is_some() {
        return error("ERR MULTI calls can not be nested");
    }
    session.multi = Some(MultiState::default());
    Ok(Reply::ok())
}

fn discard(session: &mut Session, _: &Call<'_>) -> Result<Reply> {
    if session.multi.take().is_none() {
        return error("ERR DISCARD without MULTI");
    }
    session.watches.clear();
    Ok(Reply::ok())
}

fn watch(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    if session.multi.is_some() {
        return error("ERR WATCH inside MULTI is not allowed");
    }
    let watch = session.store()?.watch(call.rest(1));
    session.watches.push(watch);
    Ok(Reply::ok())
}

fn unwatch(session: &mut Session, _: &Call<'_>) -> Result<Reply> {
    session.watches.clear();
    Ok(Reply::ok())
}

fn exec(session: &mut Session, _: &Call<'_>) -> Result<Reply> {
    let Some(state) = session.multi.take() else {
        return error("ERR EXEC without MULTI");
    };
    // EXEC unwatches everything, whatever happens.
    let watches: Vec<Watch> = std::mem::take(&mut session.watches);
    if state.aborted {
        return error("EXECABORT Transaction discarded because of previous errors.");
    }
    let store = session.store()?;
    store.transaction(|tx| {
        if watches.iter().any(Watch::changed) {
            return Ok(Reply::NilArray);
        }
        let mut replies = Vec::with_capacity(state.queued.len());
        for args in &state.queued {
            let Some(spec) = args.first().and_then(|name| lookup(name)) else {
                continue; // refused while queueing: EXEC would have aborted
            };
            let call = Call {
                args,
                protocol: session.protocol,
            };
            let reply = match spec.handler {
                Handler::Read(f) => match f(tx, &call) {
                    Ok(reply) => reply,
                    Err(e) if is_store_failure(&e) => return Err(e),
                    Err(e) => Reply::from(e),
                },
                Handler::Write(f) | Handler::Blocking { once: f, .. } => run_write(f, tx, &call)?,
                Handler::Session(f) => {
                    let reply = f(session, &call).unwrap_or_else(Reply::from);
                    tx.select(u32::from(session.db))?;
                    reply
                }
            };
            replies.push(reply);
        }
        Ok(Reply::Array(replies))
    })
}
