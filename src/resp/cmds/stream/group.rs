//! XGROUP and XINFO: container commands whose subcommands have their own arity (reported as
//! `xgroup|create` and so on, as Redis 7.0 does).

use super::{entries_reply, entry_reply, id_reply, is, raw};
use crate::resp::command::Call;
use crate::resp::reply::Reply;
use crate::types::stream::{
    parse_xinfo_full_count, printable, ConsumerInfo, FullConsumer, FullGroup, GroupInfo,
    GroupStartId, StreamFullInfo, StreamInfo, XGroupCreateOptions,
};
use crate::types::string::parse_i64;
use crate::{Error, ReadTxn, Result, WriteTxn};

const XGROUP_HELP: &[&str] = &[
    "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CREATE <key> <groupname> <id|$> [option]",
    "    Create a new consumer group. Options are:",
    "    * MKSTREAM",
    "      Create the empty stream if it does not exist.",
    "    * ENTRIESREAD entries_read",
    "      Set the group's entries_read counter (internal use).",
    "CREATECONSUMER <key> <groupname> <consumer>",
    "    Create a new consumer in the specified group.",
    "DELCONSUMER <key> <groupname> <consumer>",
    "    Remove the specified consumer.",
    "DESTROY <key> <groupname>",
    "    Remove the specified group.",
    "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
    "    Set the current group ID and entries_read counter.",
    "HELP",
    "    Prints this help.",
];

const XINFO_HELP: &[&str] = &[
    "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CONSUMERS <key> <groupname>",
    "    Show consumers of <groupname>.",
    "GROUPS <key>",
    "    Show the stream consumer groups.",
    "STREAM <key> [FULL [COUNT <count>]",
    "    Show information about the stream.",
    "HELP",
    "    Prints this help.",
];

fn help(lines: &[&str]) -> Reply {
    Reply::Array(
        lines
            .iter()
            .map(|l| Reply::Simple((*l).to_owned()))
            .collect(),
    )
}

/// Redis's reply to an unknown subcommand of a container command.
fn unknown_subcommand(call: &Call<'_>, command: &str) -> Reply {
    let sub = call.arg(1);
    let sub = String::from_utf8_lossy(&sub[..sub.len().min(128)]).into_owned();
    Reply::Error(
        format!("ERR unknown subcommand '{sub}'. Try {command} HELP.").replace(['\r', '\n'], " "),
    )
}

/// The error of a subcommand given wrong options.
fn syntax(call: &Call<'_>, command: &'static str) -> Error {
    Error::UnknownSubcommand {
        sub: printable(call.arg(1)),
        command,
    }
}

/// Which XGROUP subcommand, with its arity check.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sub {
    Create,
    SetId,
    Destroy,
    CreateConsumer,
    DelConsumer,
}

pub(super) fn xgroup(tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let name = call.arg(1);
    let argc = call.len();
    let (sub, arity_ok, full_name) = if is(name, "help") {
        if argc != 2 {
            return Err(Error::WrongArity("xgroup|help"));
        }
        return Ok(help(XGROUP_HELP));
    } else if is(name, "create") {
        (Sub::Create, argc >= 5, "xgroup|create")
    } else if is(name, "setid") {
        (Sub::SetId, argc >= 5, "xgroup|setid")
    } else if is(name, "destroy") {
        (Sub::Destroy, argc == 4, "xgroup|destroy")
    } else if is(name, "createconsumer") {
        (Sub::CreateConsumer, argc == 5, "xgroup|createconsumer")
    } else if is(name, "delconsumer") {
        (Sub::DelConsumer, argc == 5, "xgroup|delconsumer")
    } else {
        return Ok(unknown_subcommand(call, "XGROUP"));
    };
    if !arity_ok {
        return Err(Error::WrongArity(full_name));
    }
    let (key, group) = (call.arg(2), call.arg(3));
    // Redis's order: CREATE's options, the key's type, the key (unless MKSTREAM), the group
    // (for the subcommands that need it), then the subcommand's own arguments.
    let options = if sub == Sub::Create {
        XGroupCreateOptions::parse(name, &raw(call.rest(5)))?
    } else {
        XGroupCreateOptions::default()
    };
    // SETID's options (ENTRIESREAD), also before the key; how many there are is checked
    // after the key and the group, as Redis does.
    let mut entries_read = None;
    if sub == Sub::SetId {
        let options = call.rest(5);
        let mut i = 0;
        while i < options.len() {
            if !is(&options[i], "entriesread") || i + 1 == options.len() {
                return Err(syntax(call, "XGROUP"));
            }
            let n = parse_i64(&options[i + 1]).ok_or(Error::NotInteger)?;
            entries_read = if n == -1 {
                None
            } else {
                Some(u64::try_from(n).map_err(|_| Error::EntriesReadInvalid)?)
            };
            i += 2;
        }
    }
    let view = tx.stream_view(key)?;
    if !options.mkstream {
        let Some(view) = view else {
            return Err(Error::XgroupNoKey);
        };
        if matches!(sub, Sub::SetId | Sub::CreateConsumer | Sub::DelConsumer)
            && tx.stream_group(view.key_id, group)?.is_none()
        {
            return Err(Error::NoGroupForKey(printable(group), printable(key)));
        }
    }
    match sub {
        Sub::Create => {
            if argc > 8 {
                return Err(syntax(call, "XGROUP"));
            }
            let id = GroupStartId::parse(call.arg(4), false)?;
            tx.xgroup_create(key, group, id, options)?;
            Ok(Reply::ok())
        }
        Sub::SetId => {
            if argc != 5 && argc != 7 {
                return Err(syntax(call, "XGROUP"));
            }
            let id = GroupStartId::parse(call.arg(4), true)?;
            tx.xgroup_setid(key, group, id, entries_read)?;
            Ok(Reply::ok())
        }
        Sub::Destroy => Ok(Reply::Int(i64::from(tx.xgroup_destroy(key, group)?))),
        Sub::CreateConsumer => Ok(Reply::Int(i64::from(tx.xgroup_createconsumer(
            key,
            group,
            call.arg(4),
        )?))),
        Sub::DelConsumer => Ok(Reply::count(tx.xgroup_delconsumer(
            key,
            group,
            call.arg(4),
        )?)),
    }
}

pub(super) fn xinfo(r: &ReadTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    let name = call.arg(1);
    let argc = call.len();
    if is(name, "help") {
        if argc != 2 {
            return Err(Error::WrongArity("xinfo|help"));
        }
        return Ok(help(XINFO_HELP));
    }
    let (arity_ok, full_name) = if is(name, "stream") {
        (argc >= 3, "xinfo|stream")
    } else if is(name, "groups") {
        (argc == 3, "xinfo|groups")
    } else if is(name, "consumers") {
        (argc == 4, "xinfo|consumers")
    } else {
        return Ok(unknown_subcommand(call, "XINFO"));
    };
    if !arity_ok {
        return Err(Error::WrongArity(full_name));
    }
    // Redis looks the key up first, for every subcommand.
    let key = call.arg(2);
    if r.stream_view(key)?.is_none() {
        return Err(Error::NoSuchKey);
    }
    if is(name, "consumers") {
        let consumers = r.xinfo_consumers(key, call.arg(3))?;
        return Ok(Reply::Array(consumers.iter().map(consumer_info).collect()));
    }
    if is(name, "groups") {
        let groups = r.xinfo_groups(key)?;
        return Ok(Reply::Array(groups.iter().map(group_info).collect()));
    }
    match parse_xinfo_full_count(name, &raw(call.rest(3)))? {
        None => Ok(stream_info(&r.xinfo_stream(key)?)),
        Some(count) => Ok(stream_full(&r.xinfo_stream_full(key, count)?)),
    }
}

fn field(name: &str, value: Reply) -> (Reply, Reply) {
    (Reply::bulk(name), value)
}

fn opt_int(n: Option<i64>) -> Reply {
    n.map_or(Reply::Nil, Reply::Int)
}

fn consumer_info(c: &ConsumerInfo) -> Reply {
    Reply::Map(vec![
        field("name", Reply::Bulk(c.name.clone())),
        field("pending", Reply::count(c.pending)),
        field("idle", Reply::count(c.idle)),
    ])
}

fn group_info(g: &GroupInfo) -> Reply {
    Reply::Map(vec![
        field("name", Reply::Bulk(g.name.clone())),
        field("consumers", Reply::count(g.consumers)),
        field("pending", Reply::count(g.pending)),
        field("last-delivered-id", id_reply(g.last_delivered_id)),
        field("entries-read", opt_int(g.entries_read)),
        field("lag", opt_int(g.lag)),
    ])
}

fn stream_info(s: &StreamInfo) -> Reply {
    let edge = |e: &Option<_>| e.as_ref().map_or(Reply::Nil, entry_reply);
    Reply::Map(vec![
        field("length", Reply::count(s.length)),
        field("radix-tree-keys", Reply::count(s.radix_tree_keys)),
        field("radix-tree-nodes", Reply::count(s.radix_tree_nodes)),
        field("last-generated-id", id_reply(s.last_generated_id)),
        field("max-deleted-entry-id", id_reply(s.max_deleted_entry_id)),
        field("entries-added", Reply::count(s.entries_added)),
        field(
            "recorded-first-entry-id",
            id_reply(s.recorded_first_entry_id),
        ),
        field("groups", Reply::count(s.groups)),
        field("first-entry", edge(&s.first_entry)),
        field("last-entry", edge(&s.last_entry)),
    ])
}

fn stream_full(s: &StreamFullInfo) -> Reply {
    Reply::Map(vec![
        field("length", Reply::count(s.length)),
        field("radix-tree-keys", Reply::count(s.radix_tree_keys)),
        field("radix-tree-nodes", Reply::count(s.radix_tree_nodes)),
        field("last-generated-id", id_reply(s.last_generated_id)),
        field("max-deleted-entry-id", id_reply(s.max_deleted_entry_id)),
        field("entries-added", Reply::count(s.entries_added)),
        field(
            "recorded-first-entry-id",
            id_reply(s.recorded_first_entry_id),
        ),
        field("entries", entries_reply(&s.entries)),
        field(
            "groups",
            Reply::Array(s.groups.iter().map(full_group).collect()),
        ),
    ])
}

fn full_group(g: &FullGroup) -> Reply {
    let pending = g
        .pending
        .iter()
        .map(|(id, consumer, time, count)| {
            Reply::Array(vec![
                id_reply(*id),
                Reply::Bulk(consumer.clone()),
                Reply::count(*time),
                Reply::count(*count),
            ])
        })
        .collect();
    Reply::Map(vec![
        field("name", Reply::Bulk(g.name.clone())),
        field("last-delivered-id", id_reply(g.last_delivered_id)),
        field("entries-read", opt_int(g.entries_read)),
        field("lag", opt_int(g.lag)),
        field("pel-count", Reply::count(g.pel_count)),
        field("pending", Reply::Array(pending)),
        field(
            "consumers",
            Reply::Array(g.consumers.iter().map(full_consumer).collect()),
        ),
    ])
}

fn full_consumer(c: &FullConsumer) -> Reply {
    let pending = c
        .pending
        .iter()
        .map(|(id, time, count)| {
            Reply::Array(vec![
                id_reply(*id),
                Reply::count(*time),
                Reply::count(*count),
            ])
        })
        .collect();
    Reply::Map(vec![
        field("name", Reply::Bulk(c.name.clone())),
        field("seen-time", Reply::count(c.seen_time)),
        field("pel-count", Reply::count(c.pel_count)),
        field("pending", Reply::Array(pending)),
    ])
}
