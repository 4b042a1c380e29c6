//! COMMAND: the command table described as Redis 7.0 describes its own.

use bytes::Bytes;

use crate::keyspace::glob::glob_match;
use crate::resp::command::{commands, lookup, Call, CommandSpec};
use crate::resp::reply::Reply;
use crate::resp::session::Session;
use crate::{Error, Result};

/// ACL categories derived from a command's flags (keyp does not tag commands by data type).
fn categories(spec: &CommandSpec) -> Vec<Reply> {
    let mut out = Vec::new();
    let mut add = |c: &str| out.push(Reply::Simple(c.to_owned()));
    if spec.has_flag("write") {
        add("@write");
    }
    if spec.has_flag("readonly") {
        add("@read");
    }
    if spec.has_flag("admin") {
        add("@admin");
    }
    if spec.has_flag("pubsub") {
        add("@pubsub");
    }
    add(if spec.has_flag("fast") {
        "@fast"
    } else {
        "@slow"
    });
    if spec.has_flag("blocking") {
        add("@blocking");
    }
    if spec.has_flag("admin") {
        add("@dangerous");
    }
    out
}

fn category_names(spec: &CommandSpec) -> Vec<String> {
    categories(spec)
        .into_iter()
        .filter_map(|r| match r {
            Reply::Simple(s) => Some(s.trim_start_matches('@').to_owned()),
            _ => None,
        })
        .collect()
}

fn map(pairs: Vec<(&str, Reply)>) -> Reply {
    Reply::Map(
        pairs
            .into_iter()
            .map(|(k, v)| (Reply::bulk(k), v))
            .collect(),
    )
}

/// COMMAND INFO's ten fields for one command.
fn command_info(spec: &CommandSpec) -> Reply {
    let key_specs = if spec.first_key > 0 {
        let lastkey = if spec.last_key < 0 {
            spec.last_key
        } else {
            spec.last_key - spec.first_key
        };
        let flag = if spec.has_flag("write") { "RW" } else { "RO" };
        vec![map(vec![
            ("flags", Reply::Set(vec![Reply::Simple(flag.to_owned())])),
            (
                "begin_search",
                map(vec![
                    ("type", Reply::bulk("index")),
                    (
                        "spec",
                        map(vec![("index", Reply::Int(spec.first_key.into()))]),
                    ),
                ]),
            ),
            (
                "find_keys",
                map(vec![
                    ("type", Reply::bulk("range")),
                    (
                        "spec",
                        map(vec![
                            ("lastkey", Reply::Int(lastkey.into())),
                            ("keystep", Reply::Int(spec.step.into())),
                            ("limit", Reply::Int(0)),
                        ]),
                    ),
                ]),
            ),
        ])]
    } else {
        Vec::new()
    };
    Reply::Array(vec![
        Reply::bulk(spec.name),
        Reply::Int(spec.arity.into()),
        Reply::Set(
            spec.flags
                .iter()
                .map(|f| Reply::Simple((*f).to_owned()))
                .collect(),
        ),
        Reply::Int(spec.first_key.into()),
        Reply::Int(spec.last_key.into()),
        Reply::Int(spec.step.into()),
        Reply::Set(categories(spec)),
        Reply::Array(Vec::new()),
        Reply::Array(key_specs),
        Reply::Array(Vec::new()),
    ])
}

/// COMMAND DOCS's minimal entry.
fn command_docs(spec: &CommandSpec) -> Reply {
    map(vec![
        ("summary", Reply::bulk(spec.name.to_ascii_uppercase())),
        ("since", Reply::bulk("1.0.0")),
        ("group", Reply::bulk("generic")),
        ("complexity", Reply::bulk("")),
    ])
}

pub(super) fn command(_: &mut Session, call: &Call<'_>) -> Result<Reply> {
    if call.len() == 1 {
        return Ok(Reply::Array(commands().map(command_info).collect()));
    }
    let sub = call.arg(1);
    let lower = String::from_utf8_lossy(sub).to_ascii_lowercase();
    // The subcommand and its arity were checked before the call (`Session::check`).
    match lower.as_str() {
        "count" => Ok(Reply::count(commands().count() as u64)),
        "info" => {
            if call.len() == 2 {
                return Ok(Reply::Array(commands().map(command_info).collect()));
            }
            Ok(Reply::Array(
                call.rest(2)
                    .iter()
                    .map(|name| lookup(name).map_or(Reply::Nil, command_info))
                    .collect(),
            ))
        }
        "docs" => {
            let specs: Vec<&CommandSpec> = if call.len() == 2 {
                commands().collect()
            } else {
                call.rest(2).iter().filter_map(|n| lookup(n)).collect()
            };
            Ok(Reply::Map(
                specs
                    .into_iter()
                    .map(|spec| (Reply::bulk(spec.name), command_docs(spec)))
                    .collect(),
            ))
        }
        "list" => command_list(call),
        "getkeys" => Ok(command_getkeys(call.rest(2))),
        _ => Ok(Reply::Array(
            [
                "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "(no subcommand)",
                "    Return details about all Redis commands.",
                "COUNT",
                "    Return the total number of commands in this Redis server.",
                "LIST",
                "    Return a list of all commands in this Redis server.",
                "INFO [<command-name> ...]",
                "    Return details about multiple Redis commands.",
                "DOCS [<command-name> ...]",
                "    Return documentation details about multiple Redis commands.",
                "GETKEYS <full-command>",
                "    Return the keys from a full Redis command.",
                "HELP",
                "    Prints this help.",
            ]
            .iter()
            .map(|line| Reply::Simple((*line).to_owned()))
            .collect(),
        )),
    }
}

fn command_list(call: &Call<'_>) -> Result<Reply> {
    let names = commands().map(|spec| spec.name);
    match call.len() {
        2 => Ok(Reply::bulks(names)),
        5 if call.arg(2).eq_ignore_ascii_case(b"filterby") => {
            let (kind, value) = (call.arg(3), call.arg(4));
            if kind.eq_ignore_ascii_case(b"module") {
                Ok(Reply::Array(Vec::new()))
            } else if kind.eq_ignore_ascii_case(b"aclcat") {
                let wanted = String::from_utf8_lossy(value).to_ascii_lowercase();
                Ok(Reply::bulks(
                    commands()
                        .filter(|spec| category_names(spec).contains(&wanted))
                        .map(|spec| spec.name),
                ))
            } else if kind.eq_ignore_ascii_case(b"pattern") {
                Ok(Reply::bulks(
                    commands()
                        .filter(|spec| glob_match(value, spec.name.as_bytes()))
                        .map(|spec| spec.name),
                ))
            } else {
                Err(Error::Syntax)
            }
        }
        _ => Err(Error::Syntax),
    }
}

fn command_getkeys(args: &[Bytes]) -> Reply {
    let Some(spec) = args.first().and_then(|name| lookup(name)) else {
        return Reply::Error("ERR Invalid command specified".to_owned());
    };
    if !spec.arity_ok(args.len()) {
        return Reply::Error("ERR Invalid number of arguments specified for command".to_owned());
    }
    if spec.first_key <= 0 {
        return Reply::Error("ERR The command has no key arguments".to_owned());
    }
    let argc = args.len() as i64;
    let first = i64::from(spec.first_key);
    let last = if spec.last_key < 0 {
        argc + i64::from(spec.last_key)
    } else {
        i64::from(spec.last_key)
    };
    let step = i64::from(spec.step.max(1));
    let mut keys = Vec::new();
    let mut i = first;
    while i <= last && i < argc {
        if let Some(key) = usize::try_from(i).ok().and_then(|i| args.get(i)) {
            keys.push(Reply::Bulk(key.clone()));
        }
        i += step;
    }
    Reply::Array(keys)
}
