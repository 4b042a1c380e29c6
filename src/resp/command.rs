//! The command table: each command's name, arity, flags and key positions as Redis 7.0's
//! COMMAND reports them, and the handler that runs it.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use bytes::Bytes;

use super::reply::{Protocol, Reply};
use super::session::Session;
use crate::{ReadTxn, Result, WriteTxn};

/// One call of a command: its arguments (the name first, as the client sent it) and the
/// connection's protocol.
#[derive(Clone, Copy, Debug)]
pub struct Call<'a> {
    /// The arguments, the command name first.
    pub args: &'a [Bytes],
    /// The calling connection's protocol version.
    pub protocol: Protocol,
}

impl<'a> Call<'a> {
    /// Argument `i` (0 is the command name); empty if absent (arity is checked before a
    /// handler runs, so handlers only read what the arity guarantees or check the length).
    pub fn arg(&self, i: usize) -> &'a [u8] {
        self.args.get(i).map_or(&[][..], |b| &b[..])
    }

    /// The arguments from `i` on.
    pub fn rest(&self, i: usize) -> &'a [Bytes] {
        self.args.get(i..).unwrap_or(&[])
    }

    /// The number of arguments, the name included.
    pub fn len(&self) -> usize {
        self.args.len()
    }

    /// Whether there are no arguments at all (never, for a dispatched call).
    pub fn is_empty(&self) -> bool {
        self.args.is_empty()
    }
}

/// A command that reads: runs in a read snapshot (or inside a write transaction in EXEC).
pub type ReadFn = fn(&ReadTxn<'_>, &Call<'_>) -> Result<Reply>;
/// A command that writes: runs in a write transaction, batched with other clients' writes
/// (group commit).
pub type WriteFn = fn(&mut WriteTxn<'_>, &Call<'_>) -> Result<Reply>;
/// A command that needs the connection's state (SELECT, MULTI, SUBSCRIBE, CLIENT...) or that
/// blocks (BLPOP...): runs on the connection's own thread.
pub type SessionFn = fn(&mut Session, &Call<'_>) -> Result<Reply>;

/// How a command runs.
#[derive(Clone, Copy)]
pub enum Handler {
    /// See [`ReadFn`].
    Read(ReadFn),
    /// See [`WriteFn`].
    Write(WriteFn),
    /// See [`SessionFn`].
    Session(SessionFn),
    /// A blocking command (BLPOP, XREAD BLOCK...): `wait` runs on the connection's thread and
    /// may block (through the `Store`'s blocking methods); `once` is the same command's single
    /// non-blocking attempt, which is what runs inside MULTI/EXEC (Redis never blocks there:
    /// an empty result replies at once, as a timeout would).
    Blocking {
        /// The blocking form.
        wait: SessionFn,
        /// One non-blocking attempt, in a write transaction.
        once: WriteFn,
    },
}

/// A command of the table.
#[derive(Clone, Copy)]
pub struct CommandSpec {
    /// The name, lower case (`get`, `client`).
    pub name: &'static str,
    /// Redis's arity: `n` = exactly n arguments (name included), `-n` = at least n.
    pub arity: i32,
    /// Redis's command flags (`write`, `readonly`, `denyoom`, `fast`, `noscript`, ...).
    pub flags: &'static [&'static str],
    /// Position of the first key (0 = no keys).
    pub first_key: i32,
    /// Position of the last key (negative counts from the end: -1 = the last argument).
    pub last_key: i32,
    /// Step between keys.
    pub step: i32,
    /// What runs it.
    pub handler: Handler,
}

impl CommandSpec {
    /// Whether `argc` arguments (the name included) satisfy the arity.
    pub fn arity_ok(&self, argc: usize) -> bool {
        arity_allows(self.arity, argc)
    }

    /// Whether the command has `flag`.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.contains(&flag)
    }
}

impl std::fmt::Debug for CommandSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommandSpec")
            .field("name", &self.name)
            .field("arity", &self.arity)
            .finish_non_exhaustive()
    }
}

/// Every command keyp answers.
pub fn commands() -> impl Iterator<Item = &'static CommandSpec> {
    super::cmds::TABLES.iter().flat_map(|table| table.iter())
}

/// The longest command name the table holds fits in this (a longer name is unknown).
const MAX_NAME: usize = 32;

/// FNV-1a: the table's keys are a few short, trusted names, looked up once or more per
/// request, where SipHash's resistance to crafted keys buys nothing (an unknown name does
/// not go into the table).
#[derive(Default)]
struct NameHasher(u64);

impl Hasher for NameHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

type NameIndex = HashMap<&'static [u8], &'static CommandSpec, BuildHasherDefault<NameHasher>>;

/// The command named `name` (any case).
pub fn lookup(name: &[u8]) -> Option<&'static CommandSpec> {
    static INDEX: OnceLock<NameIndex> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        commands()
            .map(|spec| (spec.name.as_bytes(), spec))
            .collect()
    });
    if name.len() > MAX_NAME {
        return None;
    }
    let mut lower = [0u8; MAX_NAME];
    let lower = &mut lower[..name.len()];
    lower.copy_from_slice(name);
    lower.make_ascii_lowercase();
    index.get(&*lower).copied()
}

/// The subcommands of the container commands keyp has, with their arities (Redis's rule:
/// `n` exactly, `-n` at least), as Redis 7.0's command table lists them.
const SUBCOMMANDS: &[(&str, &[(&str, i32)])] = &[
    (
        "client",
        &[
            ("id", 2),
            ("getname", 2),
            ("info", 2),
            ("help", 2),
            ("setname", 3),
            ("reply", 3),
            ("list", -2),
            ("kill", -3),
        ],
    ),
    (
        "command",
        &[
            ("count", 2),
            ("help", 2),
            ("info", -2),
            ("docs", -2),
            ("list", -2),
            ("getkeys", -4),
        ],
    ),
    (
        "config",
        &[
            ("get", -3),
            ("set", -4),
            ("resetstat", 2),
            ("rewrite", 2),
            ("help", 2),
        ],
    ),
    (
        "pubsub",
        &[
            ("channels", -2),
            ("numsub", -2),
            ("shardchannels", -2),
            ("shardnumsub", -2),
            ("numpat", 2),
            ("help", 2),
        ],
    ),
    (
        "object",
        &[
            ("encoding", 3),
            ("freq", 3),
            ("idletime", 3),
            ("refcount", 3),
            ("help", 2),
        ],
    ),
    (
        "xinfo",
        &[("stream", -3), ("groups", 3), ("consumers", 4), ("help", 2)],
    ),
    (
        "xgroup",
        &[
            ("create", -5),
            ("setid", -5),
            ("destroy", 4),
            ("createconsumer", 5),
            ("delconsumer", 5),
            ("help", 2),
        ],
    ),
];

/// Whether `command` is a container command (CLIENT, XINFO...), whose first argument is a
/// subcommand.
pub(crate) fn has_subcommands(command: &str) -> bool {
    SUBCOMMANDS.iter().any(|(name, _)| *name == command)
}

/// Whether `command` is a container command (CLIENT, XINFO...): `Some` with the arity of its
/// subcommand `sub` (lower case), `None` inside if there is no such subcommand.
pub(crate) fn subcommand_arity(command: &str, sub: &str) -> Option<Option<i32>> {
    let (_, subs) = SUBCOMMANDS.iter().find(|(name, _)| *name == command)?;
    Some(
        subs.iter()
            .find(|(name, _)| *name == sub)
            .map(|&(_, arity)| arity),
    )
}

/// Whether `argc` arguments satisfy `arity` (Redis's rule: `n` exactly, `-n` at least).
pub(crate) fn arity_allows(arity: i32, argc: usize) -> bool {
    let argc = argc as i64;
    let arity = i64::from(arity);
    if arity >= 0 {
        argc == arity
    } else {
        argc >= -arity
    }
}

/// Redis's reply to an unknown subcommand of a container command `command` (upper case):
/// the subcommand cut to 128 bytes, newlines as spaces.
pub(crate) fn unknown_subcommand(command: &str, sub: &[u8]) -> Reply {
    let sub = String::from_utf8_lossy(&sub[..sub.len().min(128)]).into_owned();
    Reply::Error(
        format!("ERR unknown subcommand '{sub}'. Try {command} HELP.").replace(['\r', '\n'], " "),
    )
}

/// Redis's reply to an unknown command: the name cut to 128 bytes, then quoted arguments
/// while they total under 128 bytes (the last one cut to fit); newlines become spaces.
pub fn unknown_command(args: &[Bytes]) -> Reply {
    let name = args.first().map_or(&[][..], |b| &b[..b.len().min(128)]);
    let mut quoted: Vec<u8> = Vec::new();
    for arg in args.iter().skip(1) {
        if quoted.len() >= 128 {
            break;
        }
        let room = 128 - quoted.len();
        quoted.push(b'\'');
        quoted.extend_from_slice(&arg[..arg.len().min(room)]);
        quoted.extend_from_slice(b"' ");
    }
    let text = format!(
        "ERR unknown command '{}', with args beginning with: {}",
        String::from_utf8_lossy(name),
        String::from_utf8_lossy(&quoted)
    );
    Reply::Error(text.replace(['\r', '\n'], " "))
}

/// Redis's reply to a wrong number of arguments.
pub fn wrong_arity(name: &str) -> Reply {
    Reply::Error(format!(
        "ERR wrong number of arguments for '{name}' command"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_one_entry_with_a_lowercase_name() {
        let mut names: Vec<&str> = commands().map(|spec| spec.name).collect();
        let total = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), total, "a command is in two tables");
        for name in names {
            assert_eq!(name, name.to_ascii_lowercase());
            assert!(lookup(name.to_ascii_uppercase().as_bytes()).is_some());
        }
    }

    #[test]
    fn lookup_ignores_case_and_refuses_what_no_command_is_named() {
        assert_eq!(lookup(b"gEt").map(|spec| spec.name), Some("get"));
        assert!(lookup(b"").is_none());
        assert!(lookup(b"get\xff").is_none());
        assert!(lookup(&[b'g'; MAX_NAME + 1]).is_none());
        assert!(lookup(b"getx").is_none());
    }

    #[test]
    fn unknown_command_text() {
        let args: Vec<Bytes> = ["FOO", "a", "b\r\nc"]
            .into_iter()
            .map(Bytes::from)
            .collect();
        assert_eq!(
            unknown_command(&args),
            Reply::Error(
                "ERR unknown command 'FOO', with args beginning with: 'a' 'b  c' ".to_owned()
            )
        );
    }
}
