//! Pub/Sub: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, PUBSUB.
//!
//! Each (un)subscription is confirmed by a push frame `[kind, name, count]` (an array in RESP2,
//! a `>` push in RESP3); a command naming several channels answers one frame per channel: all
//! but the last go before its reply (see `Session::run`). Messages go to each subscriber's push
//! sink, encoded in its protocol. In RESP2, a subscribed connection may only run
//! (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PING, QUIT and RESET (the session enforces it).

use bytes::Bytes;

use super::spec;
use crate::resp::command::{Call, CommandSpec};
use crate::resp::pubsub::Kind;
use crate::resp::reply::Reply;
use crate::resp::session::Session;
use crate::Result;

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec!(
        "subscribe",
        -2,
        ["pubsub", "noscript", "loading", "stale"],
        0,
        0,
        0,
        Session(subscribe)
    ),
    spec!(
        "unsubscribe",
        -1,
        ["pubsub", "noscript", "loading", "stale"],
        0,
        0,
        0,
        Session(unsubscribe)
    ),
    spec!(
        "psubscribe",
        -2,
        ["pubsub", "noscript", "loading", "stale"],
        0,
        0,
        0,
        Session(psubscribe)
    ),
    spec!(
        "punsubscribe",
        -1,
        ["pubsub", "noscript", "loading", "stale"],
        0,
        0,
        0,
        Session(punsubscribe)
    ),
    spec!(
        "publish",
        3,
        ["pubsub", "loading", "stale", "fast"],
        0,
        0,
        0,
        Session(publish)
    ),
    spec!("pubsub", -2, [], 0, 0, 0, Session(pubsub)),
];

/// Queues all frames but the last as extra frames, and returns the last as the reply.
fn frames(session: &mut Session, mut frames: Vec<Reply>) -> Reply {
    let last = frames.pop().unwrap_or(Reply::Nil);
    session.extra.extend(frames);
    last
}

fn confirmation(kind: &str, name: Option<&Bytes>, count: usize) -> Reply {
    Reply::Push(vec![
        Reply::bulk(kind),
        name.map_or(Reply::Nil, |n| Reply::Bulk(n.clone())),
        Reply::count(count as u64),
    ])
}

fn add(session: &mut Session, call: &Call<'_>, kind: Kind) -> Reply {
    let mut out = Vec::with_capacity(call.len() - 1);
    for name in call.rest(1) {
        let set = match kind {
            Kind::Channel => &mut session.subs.channels,
            Kind::Pattern => &mut session.subs.patterns,
        };
        if set.insert(name.clone()) {
            let shared = session.shared();
            shared
                .broker
                .add(kind, name, session.id, &session.push, &session.subs);
        }
        let label = match kind {
            Kind::Channel => "subscribe",
            Kind::Pattern => "psubscribe",
        };
        out.push(confirmation(label, Some(name), session.subs.count()));
    }
    frames(session, out)
}

fn remove(session: &mut Session, call: &Call<'_>, kind: Kind) -> Reply {
    let label = match kind {
        Kind::Channel => "unsubscribe",
        Kind::Pattern => "punsubscribe",
    };
    let names: Vec<Bytes> = if call.len() > 1 {
        call.rest(1).to_vec()
    } else {
        match kind {
            Kind::Channel => session.subs.channels.iter().cloned().collect(),
            Kind::Pattern => session.subs.patterns.iter().cloned().collect(),
        }
    };
    if names.is_empty() {
        return confirmation(label, None, session.subs.count());
    }
    let mut out = Vec::with_capacity(names.len());
    for name in &names {
        let set = match kind {
            Kind::Channel => &mut session.subs.channels,
            Kind::Pattern => &mut session.subs.patterns,
        };
        if set.remove(name) {
            session.shared().broker.remove(kind, name, session.id);
        }
        out.push(confirmation(label, Some(name), session.subs.count()));
    }
    frames(session, out)
}

fn subscribe(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    Ok(add(session, call, Kind::Channel))
}

fn psubscribe(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    Ok(add(session, call, Kind::Pattern))
}

fn unsubscribe(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    Ok(remove(session, call, Kind::Channel))
}

fn punsubscribe(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    Ok(remove(session, call, Kind::Pattern))
}

fn publish(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let receivers = session.shared().broker.publish(call.arg(1), call.arg(2));
    Ok(Reply::count(receivers as u64))
}

fn pubsub(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let sub = call.arg(1);
    let lower = String::from_utf8_lossy(sub).to_ascii_lowercase();
    // The subcommand and its arity were checked before the call (`Session::check`).
    let broker = &session.shared().broker;
    match lower.as_str() {
        "channels" | "shardchannels" => {
            if call.len() > 3 {
                return Ok(Reply::Error(format!(
                    "ERR unknown subcommand or wrong number of arguments for '{}'. Try PUBSUB HELP.",
                    String::from_utf8_lossy(sub)
                )));
            }
            if lower == "shardchannels" {
                return Ok(Reply::Array(Vec::new()));
            }
            let pattern = (call.len() == 3).then(|| call.arg(2));
            Ok(Reply::Array(
                broker
                    .channels(pattern)
                    .into_iter()
                    .map(Reply::Bulk)
                    .collect(),
            ))
        }
        "numsub" | "shardnumsub" => {
            let mut out = Vec::with_capacity(2 * (call.len() - 2));
            for channel in call.rest(2) {
                let n = if lower == "numsub" {
                    broker.numsub(channel)
                } else {
                    0
                };
                out.push(Reply::Bulk(channel.clone()));
                out.push(Reply::count(n as u64));
            }
            Ok(Reply::Array(out))
        }
        "numpat" => Ok(Reply::count(broker.numpat() as u64)),
        _ => Ok(Reply::Array(
            [
                "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "CHANNELS [<pattern>]",
                "    Return the currently active channels matching a <pattern> (default: '*').",
                "NUMPAT",
                "    Return number of subscriptions to patterns.",
                "NUMSUB [<channel> ...]",
                "    Return the number of subscribers for the specified channels, excluding",
                "    pattern subscriptions(default: no channels).",
                "SHARDCHANNELS [<pattern>]",
                "    Return the currently active shard level channels matching a <pattern> (default: '*').",
                "SHARDNUMSUB [<shardchannel> ...]",
                "    Return the number of subscribers for the specified shard level channel(s)",
                "HELP",
                "    Prints this help.",
            ]
            .iter()
            .map(|line| Reply::Simple((*line).to_owned()))
            .collect(),
        )),
    }
}
