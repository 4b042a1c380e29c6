//! CONFIG GET / SET / RESETSTAT / REWRITE.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use bytes::Bytes;

use super::error;
use crate::keyspace::glob::glob_match_nocase;
use crate::resp::command::Call;
use crate::resp::reply::Reply;
use crate::resp::session::{Session, Shared};
use crate::types::string::parse_i64;
use crate::{Error, Result};

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

pub(super) fn config(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let sub = call.arg(1);
    let lower = String::from_utf8_lossy(sub).to_ascii_lowercase();
    // The subcommand and its arity were checked before the call (`Session::check`).
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
