//! Connection commands: PING, ECHO, SELECT, QUIT, HELLO, AUTH, RESET, CLIENT.
//!
//! HELLO answers `server: keyp` and `version: 7.0.15`, the Redis version whose behaviour keyp
//! reproduces (client libraries decide what they may send from it).

use std::sync::atomic::Ordering;

use bytes::Bytes;

use super::spec;
use crate::resp::command::{Call, CommandSpec};
use crate::resp::reply::{Protocol, Reply};
use crate::resp::session::{ClientEntry, ReplyMode, Session};
use crate::types::string::parse_i64;
use crate::{Error, Result};

/// The Redis version keyp answers as (HELLO, INFO).
pub(crate) const REDIS_VERSION: &str = "7.0.15";

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
    spec!(
        "hello",
        -1,
        [
            "noscript",
            "loading",
            "stale",
            "fast",
            "no_auth",
            "allow_busy"
        ],
        0,
        0,
        0,
        Session(hello)
    ),
    spec!(
        "auth",
        -2,
        [
            "noscript",
            "loading",
            "stale",
            "fast",
            "no_auth",
            "allow_busy"
        ],
        0,
        0,
        0,
        Session(auth)
    ),
    spec!(
        "reset",
        1,
        [
            "noscript",
            "loading",
            "stale",
            "fast",
            "no_auth",
            "allow_busy"
        ],
        0,
        0,
        0,
        Session(reset)
    ),
    spec!("client", -2, [], 0, 0, 0, Session(client)),
];

fn error(text: impl Into<String>) -> Result<Reply> {
    Ok(Reply::Error(text.into()))
}

fn ping(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    if call.len() > 2 {
        return Err(Error::WrongArity("ping"));
    }
    if session.protocol == Protocol::Resp2 && !session.subs.is_empty() {
        return Ok(Reply::Array(vec![
            Reply::bulk("pong"),
            Reply::bulk(call.arg(1)),
        ]));
    }
    match call.len() {
        1 => Ok(Reply::Simple("PONG".to_owned())),
        _ => Ok(Reply::bulk(call.arg(1))),
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

const WRONGPASS: &str = "WRONGPASS invalid username-password pair or user is disabled.";

/// Compares without stopping at the first difference.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether `user` / `password` are the default user's credentials (any password when no
/// `requirepass` is set, as Redis's `nopass` default user).
fn credentials_ok(session: &Session, user: &[u8], password: &[u8]) -> bool {
    if user != b"default" {
        return false;
    }
    match session.shared().requirepass.read().as_deref() {
        None => true,
        Some(expected) => same_secret(expected, password),
    }
}

fn auth(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let (user, password) = match call.len() {
        2 => {
            if session.shared().requirepass.read().is_none() {
                return error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
            }
            (&b"default"[..], call.arg(1))
        }
        3 => (call.arg(1), call.arg(2)),
        _ => return Err(Error::Syntax),
    };
    if !credentials_ok(session, user, password) {
        return error(WRONGPASS);
    }
    session.authenticated = true;
    Ok(Reply::ok())
}

/// Whether `name` is a valid client name: printable ASCII without spaces.
fn valid_name(name: &[u8]) -> bool {
    name.iter().all(|&b| (b'!'..=b'~').contains(&b))
}

const BAD_NAME: &str = "ERR Client names cannot contain spaces, newlines or special characters.";

fn hello(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let mut protocol = session.protocol;
    if call.len() >= 2 {
        let version = parse_i64(call.arg(1));
        protocol = match version {
            None => return error("ERR Protocol version is not an integer or out of range"),
            Some(2) => Protocol::Resp2,
            Some(3) => Protocol::Resp3,
            Some(_) => return error("NOPROTO unsupported protocol version"),
        };
    }
    let mut credentials = None;
    let mut name = None;
    let mut i = 2;
    while i < call.len() {
        let option = call.arg(i);
        let more = call.len() - i - 1;
        if option.eq_ignore_ascii_case(b"auth") && more >= 2 {
            credentials = Some((call.arg(i + 1), call.arg(i + 2)));
            i += 3;
        } else if option.eq_ignore_ascii_case(b"setname") && more >= 1 {
            name = Some(call.arg(i + 1));
            i += 2;
        } else {
            return error(format!(
                "ERR Syntax error in HELLO option '{}'",
                String::from_utf8_lossy(option)
            ));
        }
    }
    if let Some((user, password)) = credentials {
        if !credentials_ok(session, user, password) {
            return error(WRONGPASS);
        }
        session.authenticated = true;
    }
    if !session.authenticated {
        return error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
    }
    if let Some(name) = name {
        if !valid_name(name) {
            return error(BAD_NAME);
        }
        session.name = (!name.is_empty()).then(|| Bytes::copy_from_slice(name));
    }
    session.set_protocol(protocol);
    let field = |name: &str, value: Reply| (Reply::bulk(name), value);
    Ok(Reply::Map(vec![
        field("server", Reply::bulk("keyp")),
        field("version", Reply::bulk(REDIS_VERSION)),
        field(
            "proto",
            Reply::Int(if protocol == Protocol::Resp3 { 3 } else { 2 }),
        ),
        field("id", Reply::count(session.id)),
        field("mode", Reply::bulk("standalone")),
        field("role", Reply::bulk("master")),
        field("modules", Reply::Array(Vec::new())),
    ]))
}

fn reset(session: &mut Session, _: &Call<'_>) -> Result<Reply> {
    session.reset();
    Ok(Reply::Simple("RESET".to_owned()))
}

fn client(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let sub = call.arg(1);
    let lower = String::from_utf8_lossy(sub).to_ascii_lowercase();
    // The subcommand and its arity were checked before the call (`Session::check`).
    match lower.as_str() {
        "id" => Ok(Reply::count(session.id)),
        "getname" => Ok(session.name.clone().map_or(Reply::Nil, Reply::Bulk)),
        "setname" => {
            let name = call.arg(2);
            if !valid_name(name) {
                return error(BAD_NAME);
            }
            session.name = (!name.is_empty()).then(|| Bytes::copy_from_slice(name));
            Ok(Reply::ok())
        }
        "reply" => client_reply(session, call.arg(2)),
        "info" => {
            session.sync_entry();
            let mut text = client_line(&session.entry);
            text.push('\n');
            Ok(Reply::Verbatim("txt", Bytes::from(text)))
        }
        "list" => client_list(session, call),
        "kill" => client_kill(session, call),
        _ => Ok(Reply::Array(
            [
                "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "GETNAME",
                "    Return the name of the current connection.",
                "ID",
                "    Return the ID of the current connection.",
                "INFO",
                "    Return information about the current client connection.",
                "KILL <ip:port>",
                "    Kill connection made from <ip:port>.",
                "KILL <option> <value> [<option> <value> [...]]",
                "    Kill connections. Options are: ID, ADDR, LADDR, TYPE, USER, SKIPME.",
                "LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID <id> ...]",
                "    Return information about client connections.",
                "REPLY (ON|OFF|SKIP)",
                "    Control the replies sent to the current connection.",
                "SETNAME <name>",
                "    Assign the name <name> to the current connection.",
                "HELP",
                "    Prints this help.",
            ]
            .iter()
            .map(|line| Reply::Simple((*line).to_owned()))
            .collect(),
        )),
    }
}

fn client_reply(session: &mut Session, mode: &[u8]) -> Result<Reply> {
    if mode.eq_ignore_ascii_case(b"on") {
        session.reply_mode = ReplyMode::On;
        session.skip_current = false;
        session.skip_next = false;
        Ok(Reply::ok())
    } else if mode.eq_ignore_ascii_case(b"off") {
        session.reply_mode = ReplyMode::Off;
        Ok(Reply::ok())
    } else if mode.eq_ignore_ascii_case(b"skip") {
        session.skip_current = true;
        session.skip_next = true;
        Ok(Reply::ok())
    } else {
        Err(Error::Syntax)
    }
}

/// One line of CLIENT LIST (without the newline), in Redis's field order.
fn client_line(entry: &ClientEntry) -> String {
    let state = entry.state.lock().clone();
    let mut flags = String::new();
    if state.multi >= 0 {
        flags.push('x');
    }
    if state.sub + state.psub > 0 {
        flags.push('P');
    }
    if flags.is_empty() {
        flags.push('N');
    }
    let now = std::time::Instant::now();
    let idle = state
        .last
        .map_or(0, |last| now.duration_since(last).as_secs());
    format!(
        "id={} addr={} laddr={} fd=0 name={} age={} idle={} flags={} db={} sub={} psub={} ssub=0 \
         multi={} qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 \
         tot-mem=0 events=r cmd={} user=default redir=-1 resp={}",
        entry.id,
        state.addr,
        state.laddr,
        state
            .name
            .as_deref()
            .map_or_else(String::new, |n| String::from_utf8_lossy(n).into_owned()),
        now.duration_since(entry.created).as_secs(),
        idle,
        flags,
        state.db,
        state.sub,
        state.psub,
        state.multi,
        state.last_cmd,
        state.resp,
    )
}

/// A CLIENT LIST / KILL TYPE argument: Some(wants pub/sub clients), None for types that
/// never match here (master, replica).
fn client_type(name: &[u8]) -> std::result::Result<Option<bool>, Reply> {
    let lower = String::from_utf8_lossy(name).to_ascii_lowercase();
    match lower.as_str() {
        "normal" => Ok(Some(false)),
        "pubsub" => Ok(Some(true)),
        "master" | "replica" | "slave" => Ok(None),
        _ => Err(Reply::Error(format!(
            "ERR Unknown client type '{}'",
            String::from_utf8_lossy(name)
        ))),
    }
}

fn is_pubsub(entry: &ClientEntry) -> bool {
    let state = entry.state.lock();
    state.sub + state.psub > 0
}

fn client_list(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let mut kind: Option<Option<bool>> = None;
    let mut ids: Option<Vec<u64>> = None;
    if call.len() == 4 && call.arg(2).eq_ignore_ascii_case(b"type") {
        match client_type(call.arg(3)) {
            Ok(k) => kind = Some(k),
            Err(refusal) => return Ok(refusal),
        }
    } else if call.len() >= 4 && call.arg(2).eq_ignore_ascii_case(b"id") {
        let mut wanted = Vec::new();
        for id in call.rest(3) {
            match parse_i64(id) {
                Some(id) => wanted.push(u64::try_from(id).unwrap_or(0)),
                None => return error("ERR Invalid client ID"),
            }
        }
        ids = Some(wanted);
    } else if call.len() != 2 {
        return Err(Error::Syntax);
    }
    session.sync_entry();
    let entries: Vec<_> = session.shared().clients.lock().values().cloned().collect();
    let mut text = String::new();
    for entry in entries {
        if let Some(kind) = kind {
            if kind != Some(is_pubsub(&entry)) {
                continue;
            }
        }
        if let Some(ids) = &ids {
            if !ids.contains(&entry.id) {
                continue;
            }
        }
        text.push_str(&client_line(&entry));
        text.push('\n');
    }
    Ok(Reply::Verbatim("txt", Bytes::from(text)))
}

fn client_kill(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let entries: Vec<_> = session.shared().clients.lock().values().cloned().collect();
    if call.len() == 3 {
        // The old form: CLIENT KILL addr.
        let addr = String::from_utf8_lossy(call.arg(2)).into_owned();
        let target = entries.iter().find(|e| e.state.lock().addr == addr);
        return match target {
            Some(entry) => {
                entry.killed.store(true, Ordering::SeqCst);
                Ok(Reply::ok())
            }
            None => error("ERR No such client"),
        };
    }
    let mut id = None;
    let mut addr = None;
    let mut laddr = None;
    let mut kind: Option<Option<bool>> = None;
    let mut skipme = true;
    let mut i = 2;
    while i < call.len() {
        if i + 1 >= call.len() {
            return Err(Error::Syntax);
        }
        let (option, value) = (call.arg(i), call.arg(i + 1));
        let text = || String::from_utf8_lossy(value).into_owned();
        if option.eq_ignore_ascii_case(b"id") {
            match parse_i64(value) {
                Some(n) if n > 0 => id = Some(n as u64),
                _ => return error("ERR client-id should be greater than 0"),
            }
        } else if option.eq_ignore_ascii_case(b"addr") {
            addr = Some(text());
        } else if option.eq_ignore_ascii_case(b"laddr") {
            laddr = Some(text());
        } else if option.eq_ignore_ascii_case(b"type") {
            match client_type(value) {
                Ok(k) => kind = Some(k),
                Err(refusal) => return Ok(refusal),
            }
        } else if option.eq_ignore_ascii_case(b"user") {
            if value != b"default" {
                return error(format!("ERR No such user '{}'", text()));
            }
        } else if option.eq_ignore_ascii_case(b"skipme") {
            if value.eq_ignore_ascii_case(b"yes") {
                skipme = true;
            } else if value.eq_ignore_ascii_case(b"no") {
                skipme = false;
            } else {
                return Err(Error::Syntax);
            }
        } else {
            return Err(Error::Syntax);
        }
        i += 2;
    }
    let mut killed = 0u64;
    for entry in entries {
        if skipme && entry.id == session.id {
            continue;
        }
        if id.is_some_and(|id| id != entry.id) {
            continue;
        }
        if let Some(kind) = kind {
            if kind != Some(is_pubsub(&entry)) {
                continue;
            }
        }
        {
            let state = entry.state.lock();
            if addr.as_ref().is_some_and(|a| *a != state.addr)
                || laddr.as_ref().is_some_and(|a| *a != state.laddr)
            {
                continue;
            }
        }
        entry.killed.store(true, Ordering::SeqCst);
        killed += 1;
    }
    Ok(Reply::count(killed))
}
