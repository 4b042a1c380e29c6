//! Server commands: INFO, TIME, COMMAND, CONFIG, SAVE, BGSAVE, LASTSAVE, SHUTDOWN.
//!
//! - INFO reports Redis's sections and field names (`# Keyspace`:
//!   `db0:keys=N,expires=M,avg_ttl=T`); memory figures are the LMDB map's. The keyspace section
//!   counts keys by walking them (O(n), where Redis keeps counters).
//! - COMMAND describes the command table: flags and key positions as in Redis; ACL categories
//!   are derived from the flags; key specs are the simple range form; DOCS gives a minimal
//!   entry per command. GETKEYS uses the first/last/step key positions, so commands whose keys
//!   move (ZUNIONSTORE, XREAD...) are reported by those positions only.
//! - CONFIG: keyp's own parameters (see [`default_config`]) are validated as Redis validates
//!   them; Redis's parameters that mean nothing here are accepted and echoed back.
//! - SAVE / BGSAVE copy the store (one consistent LMDB snapshot) to `<data dir>.save` next to
//!   the data directory, replacing the previous copy.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;

use super::connection::{sub_arity, unknown_subcommand, REDIS_VERSION};
use super::spec;
use crate::keyspace::glob::{glob_match, glob_match_nocase};
use crate::resp::command::{commands, lookup, Call, CommandSpec};
use crate::resp::reply::Reply;
use crate::resp::session::{Session, Shared};
use crate::types::string::parse_i64;
use crate::{Error, Result};

mod info;

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec!(
        "info",
        -1,
        ["loading", "stale"],
        0,
        0,
        0,
        Session(info::info)
    ),
    spec!(
        "time",
        1,
        ["loading", "stale", "fast"],
        0,
        0,
        0,
        Session(time)
    ),
    spec!(
        "command",
        -1,
        ["loading", "stale"],
        0,
        0,
        0,
        Session(command)
    ),
    spec!("config", -2, [], 0, 0, 0, Session(config)),
    spec!(
        "save",
        1,
        ["admin", "noscript", "no_async_loading", "no_multi"],
        0,
        0,
        0,
        Session(save)
    ),
    spec!(
        "bgsave",
        -1,
        ["admin", "noscript", "no_async_loading"],
        0,
        0,
        0,
        Session(bgsave)
    ),
    spec!(
        "lastsave",
        1,
        ["loading", "stale", "fast"],
        0,
        0,
        0,
        Session(lastsave)
    ),
    spec!(
        "shutdown",
        -1,
        [
            "admin",
            "noscript",
            "loading",
            "stale",
            "no_multi",
            "allow_busy"
        ],
        0,
        0,
        0,
        Session(shutdown)
    ),
];

/// keyp's own CONFIG parameters and their values when the server sets nothing, then Redis's
/// parameters that mean nothing here (accepted, stored, echoed; values as Redis 7.0's
/// defaults). `requirepass` is kept apart (see `Shared::config`).
pub(crate) fn default_config(databases: u32) -> BTreeMap<String, String> {
    let databases = databases.to_string();
    let mut config = BTreeMap::new();
    for (name, value) in OWN.iter().chain(ECHOED) {
        config.insert((*name).to_owned(), (*value).to_owned());
    }
    config.insert("databases".to_owned(), databases);
    config
}

/// keyp's parameters: (name, default).
const OWN: &[(&str, &str)] = &[
    ("databases", "16"),
    ("maxclients", "10000"),
    ("appendfsync", "everysec"),
    ("timeout", "0"),
    ("dir", ""),
    ("port", "6379"),
    ("bind", "127.0.0.1"),
    ("loglevel", "notice"),
];

/// Redis's parameters that change nothing in keyp: (name, Redis 7.0's default).
const ECHOED: &[(&str, &str)] = &[
    ("save", ""),
    ("appendonly", "no"),
    ("appendfilename", "appendonly.aof"),
    ("dbfilename", "dump.rdb"),
    ("maxmemory", "0"),
    ("maxmemory-policy", "noeviction"),
    ("maxmemory-samples", "5"),
    ("maxmemory-clients", "0"),
    ("hash-max-listpack-entries", "512"),
    ("hash-max-listpack-value", "64"),
    ("hash-max-ziplist-entries", "512"),
    ("hash-max-ziplist-value", "64"),
    ("set-max-intset-entries", "512"),
    ("zset-max-listpack-entries", "128"),
    ("zset-max-listpack-value", "64"),
    ("zset-max-ziplist-entries", "128"),
    ("zset-max-ziplist-value", "64"),
    ("list-max-listpack-size", "-2"),
    ("list-max-ziplist-size", "-2"),
    ("list-compress-depth", "0"),
    ("stream-node-max-bytes", "4096"),
    ("stream-node-max-entries", "100"),
    ("hll-sparse-max-bytes", "3000"),
    ("activerehashing", "yes"),
    ("activedefrag", "no"),
    ("hz", "10"),
    ("lazyfree-lazy-eviction", "no"),
    ("lazyfree-lazy-expire", "no"),
    ("lazyfree-lazy-server-del", "no"),
    ("lazyfree-lazy-user-del", "no"),
    ("lazyfree-lazy-user-flush", "no"),
    ("notify-keyspace-events", ""),
    ("slowlog-log-slower-than", "10000"),
    ("slowlog-max-len", "128"),
    ("latency-monitor-threshold", "0"),
    ("tcp-keepalive", "300"),
    ("tcp-backlog", "511"),
    ("protected-mode", "yes"),
    ("daemonize", "no"),
    ("io-threads", "1"),
    ("replica-read-only", "yes"),
    ("cluster-enabled", "no"),
    ("lua-time-limit", "5000"),
    ("busy-reply-threshold", "5000"),
    (
        "client-output-buffer-limit",
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
    ),
    ("proto-max-bulk-len", "536870912"),
    ("rdbcompression", "yes"),
    ("rdbchecksum", "yes"),
    ("stop-writes-on-bgsave-error", "yes"),
    ("auto-aof-rewrite-percentage", "100"),
    ("auto-aof-rewrite-min-size", "67108864"),
    ("aof-use-rdb-preamble", "yes"),
    ("logfile", ""),
    ("pidfile", ""),
    ("unixsocket", ""),
];

fn error(text: impl Into<String>) -> Result<Reply> {
    Ok(Reply::Error(text.into()))
}

fn unix_now() -> Duration {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
}

fn time(_: &mut Session, _: &Call<'_>) -> Result<Reply> {
    let now = unix_now();
    Ok(Reply::Array(vec![
        Reply::bulk(now.as_secs().to_string()),
        Reply::bulk(now.subsec_micros().to_string()),
    ]))
}

fn lastsave(session: &mut Session, _: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(
        session.shared().last_save.load(Ordering::SeqCst),
    ))
}

/// Copies the store to `<data dir>.save` (through a temporary directory, so a failed copy
/// leaves the previous one), and records the time for LASTSAVE.
pub(crate) fn save_copy(shared: &Shared) -> Result<()> {
    let dir = shared.store().core().dir().to_path_buf();
    let name = dir
        .file_name()
        .map_or_else(|| "data".into(), |n| n.to_string_lossy().into_owned());
    let target = dir.with_file_name(format!("{name}.save"));
    let partial = dir.with_file_name(format!("{name}.save.partial"));
    if partial.exists() {
        std::fs::remove_dir_all(&partial)?;
    }
    shared.store().backup(&partial)?;
    if target.exists() {
        std::fs::remove_dir_all(&target)?;
    }
    std::fs::rename(&partial, &target)?;
    shared
        .last_save
        .store(unix_now().as_secs(), Ordering::SeqCst);
    Ok(())
}

fn save(session: &mut Session, _: &Call<'_>) -> Result<Reply> {
    let shared = Arc::clone(session.shared());
    if shared.saving.swap(true, Ordering::SeqCst) {
        return error("ERR Background save already in progress");
    }
    let outcome = save_copy(&shared);
    shared.saving.store(false, Ordering::SeqCst);
    outcome.map(|()| Reply::ok())
}

fn bgsave(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    if call.len() > 2 || (call.len() == 2 && !call.arg(1).eq_ignore_ascii_case(b"schedule")) {
        return Err(Error::Syntax);
    }
    let shared = Arc::clone(session.shared());
    if shared.saving.swap(true, Ordering::SeqCst) {
        return error("ERR Background save already in progress");
    }
    let worker = Arc::clone(&shared);
    let started = std::thread::Builder::new()
        .name("keyp-bgsave".to_owned())
        .spawn(move || {
            // A failure shows as LASTSAVE not moving (and in INFO's rdb_last_bgsave_status).
            let ok = save_copy(&worker).is_ok();
            worker.last_save_ok.store(ok, Ordering::SeqCst);
            worker.saving.store(false, Ordering::SeqCst);
        });
    if let Err(e) = started {
        shared.saving.store(false, Ordering::SeqCst);
        return Err(Error::Io(e));
    }
    Ok(Reply::Simple("Background saving started".to_owned()))
}

fn shutdown(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let (mut save, mut nosave) = (false, false);
    for arg in call.rest(1) {
        if arg.eq_ignore_ascii_case(b"save") {
            save = true;
        } else if arg.eq_ignore_ascii_case(b"nosave") {
            nosave = true;
        } else if arg.eq_ignore_ascii_case(b"now") || arg.eq_ignore_ascii_case(b"force") {
        } else if arg.eq_ignore_ascii_case(b"abort") && call.len() == 2 {
            return error("ERR No shutdown in progress.");
        } else {
            return Err(Error::Syntax);
        }
    }
    if save && nosave {
        return Err(Error::Syntax);
    }
    if save {
        save_copy(session.shared())?;
    }
    session.shared().store().sync()?;
    session.shared().request_shutdown();
    // Redis closes the connection without a reply.
    session.closing = true;
    session.skip_current = true;
    Ok(Reply::ok())
}

// ---------------------------------------------------------------------------------------
// CONFIG

/// Why CONFIG SET refused a value.
fn set_failed(name: &str, why: &str) -> Reply {
    Reply::Error(format!(
        "ERR CONFIG SET failed (possibly related to argument '{name}') - {why}"
    ))
}

/// Checks a value for one of keyp's parameters; `Err` is Redis's refusal text.
fn validate(name: &str, value: &str) -> std::result::Result<(), &'static str> {
    let integer = |min: i64, max: i64, range: &'static str| match parse_i64(value.as_bytes()) {
        None => Err("argument couldn't be parsed into an integer"),
        Some(n) if n < min || n > max => Err(range),
        Some(_) => Ok(()),
    };
    match name {
        "maxclients" => integer(
            1,
            4_294_967_295,
            "argument must be between 1 and 4294967295 inclusive",
        ),
        "timeout" => integer(
            0,
            2_147_483_647,
            "argument must be between 0 and 2147483647 inclusive",
        ),
        "loglevel" => match value.to_ascii_lowercase().as_str() {
            "debug" | "verbose" | "notice" | "warning" => Ok(()),
            _ => Err("argument(s) must be one of the following: debug, verbose, notice, warning"),
        },
        // Fixed when the store and the listener were set up.
        "databases" | "port" | "bind" | "appendfsync" => Err("can't set immutable config"),
        "dir" => Err("can't set protected config"),
        _ => Ok(()),
    }
}

fn config(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let sub = call.arg(1);
    let lower = String::from_utf8_lossy(sub).to_ascii_lowercase();
    let arity = match lower.as_str() {
        "get" => -3,
        "set" => -4,
        "resetstat" | "rewrite" | "help" => 2,
        _ => return unknown_subcommand("CONFIG", sub),
    };
    if let Some(refusal) = sub_arity(call, &format!("config|{lower}"), arity) {
        return Ok(refusal);
    }
    let shared = Arc::clone(session.shared());
    match lower.as_str() {
        "get" => Ok(config_get(&shared, call.rest(2))),
        "set" => config_set(&shared, call.rest(2)),
        "resetstat" => {
            let stats = &shared.stats;
            for counter in [
                &stats.commands,
                &stats.connections,
                &stats.rejected,
                &stats.rejected_connections,
            ] {
                counter.store(0, Ordering::Relaxed);
            }
            Ok(Reply::ok())
        }
        "rewrite" => error("ERR The server is running without a config file"),
        _ => Ok(Reply::Array(
            [
                "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "GET <pattern>",
                "    Return parameters matching the glob-like <pattern> and their values.",
                "SET <directive> <value>",
                "    Set the configuration <directive> to <value>.",
                "RESETSTAT",
                "    Reset statistics reported by the INFO command.",
                "REWRITE",
                "    Rewrite the configuration file.",
                "HELP",
                "    Prints this help.",
            ]
            .iter()
            .map(|line| Reply::Simple((*line).to_owned()))
            .collect(),
        )),
    }
}

fn config_get(shared: &Shared, patterns: &[Bytes]) -> Reply {
    let mut names: Vec<String> = shared.config.read().keys().cloned().collect();
    names.push("requirepass".to_owned());
    names.sort();
    let mut found: Vec<(String, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for pattern in patterns {
        let has_glob = pattern.iter().any(|b| matches!(b, b'*' | b'?' | b'['));
        if !has_glob {
            // An exact name is echoed as given.
            let lower = String::from_utf8_lossy(pattern).to_ascii_lowercase();
            if let Some(value) = shared.config(&lower) {
                if seen.insert(lower) {
                    found.push((String::from_utf8_lossy(pattern).into_owned(), value));
                }
            }
            continue;
        }
        for name in &names {
            if glob_match_nocase(pattern, name.as_bytes()) && seen.insert(name.clone()) {
                if let Some(value) = shared.config(name) {
                    found.push((name.clone(), value));
                }
            }
        }
    }
    Reply::Map(
        found
            .into_iter()
            .map(|(name, value)| (Reply::bulk(name), Reply::bulk(value)))
            .collect(),
    )
}

fn config_set(shared: &Shared, pairs: &[Bytes]) -> Result<Reply> {
    if pairs.len() % 2 != 0 {
        return Err(Error::Syntax);
    }
    let mut checked: Vec<(String, String)> = Vec::new();
    for pair in pairs.chunks(2) {
        let (Some(name), Some(value)) = (pair.first(), pair.get(1)) else {
            return Err(Error::Syntax);
        };
        let name = String::from_utf8_lossy(name).to_ascii_lowercase();
        let value = String::from_utf8_lossy(value).into_owned();
        if shared.config(&name).is_none() {
            return error(format!(
                "ERR Unknown option or number of arguments for CONFIG SET - '{name}'"
            ));
        }
        if checked.iter().any(|(n, _)| *n == name) {
            return Ok(set_failed(&name, "duplicate parameter"));
        }
        if let Err(why) = validate(&name, &value) {
            return Ok(set_failed(&name, why));
        }
        checked.push((name, value));
    }
    for (name, value) in checked {
        let value = if name == "loglevel" {
            value.to_ascii_lowercase()
        } else {
            value
        };
        shared.set_config(&name, &value);
    }
    Ok(Reply::ok())
}

// ---------------------------------------------------------------------------------------
// COMMAND

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

fn command(_: &mut Session, call: &Call<'_>) -> Result<Reply> {
    if call.len() == 1 {
        return Ok(Reply::Array(commands().map(command_info).collect()));
    }
    let sub = call.arg(1);
    let lower = String::from_utf8_lossy(sub).to_ascii_lowercase();
    let arity = match lower.as_str() {
        "count" | "help" => 2,
        "info" | "docs" | "list" => -2,
        "getkeys" => -4,
        _ => return unknown_subcommand("COMMAND", sub),
    };
    if let Some(refusal) = sub_arity(call, &format!("command|{lower}"), arity) {
        return Ok(refusal);
    }
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
