//! Shared by the resp_* tests: a session over a store in a temporary directory, with a manual
//! clock, and commands given as text.

use std::sync::Arc;

use keyp::resp::{Protocol, PushSink, Session, Shared};
use keyp::{Bytes, Durability, ManualClock, StoreOptions};

/// A session on a fresh store.
pub struct Client {
    /// The session.
    pub session: Session,
    /// The store's clock.
    pub clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

/// The clock's start: 2023-11-14T22:13:20Z.
pub const START_MS: u64 = 1_700_000_000_000;

impl Client {
    /// A fresh store and session.
    pub fn new() -> keyp::Result<Client> {
        let dir = tempfile::tempdir()?;
        let clock = Arc::new(ManualClock::new(START_MS));
        let store = StoreOptions::new()
            .durability(Durability::Off)
            .clock(clock.clone())
            .open(dir.path())?;
        let shared = Shared::new(store)?;
        let push: PushSink = Arc::new(|_: &[u8]| {});
        Ok(Client {
            session: Session::new(shared, push),
            clock,
            _dir: dir,
        })
    }

    /// Runs `args`; the reply in RESP2 and in RESP3.
    pub fn raw(&mut self, args: &[&[u8]]) -> (String, String) {
        let args: Vec<Bytes> = args.iter().map(|a| Bytes::copy_from_slice(a)).collect();
        let reply = self.session.execute(&args);
        let text = |p| String::from_utf8_lossy(&reply.to_bytes(p)).into_owned();
        (text(Protocol::Resp2), text(Protocol::Resp3))
    }

    /// Runs a command given as text (split on spaces, `''` an empty argument); its RESP2
    /// reply.
    pub fn run(&mut self, line: &str) -> String {
        self.both(line).0
    }

    /// As [`run`](Self::run), the RESP2 and the RESP3 reply.
    pub fn both(&mut self, line: &str) -> (String, String) {
        let words: Vec<Vec<u8>> = line
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| {
                if w == "''" {
                    Vec::new()
                } else {
                    w.as_bytes().to_vec()
                }
            })
            .collect();
        let args: Vec<&[u8]> = words.iter().map(Vec::as_slice).collect();
        self.raw(&args)
    }

    /// Checks each `(command, RESP2 reply)` in order; the RESP3 reply must be the same.
    #[track_caller]
    pub fn expect_all(&mut self, cases: &[(&str, &str)]) {
        for (line, expected) in cases {
            let (resp2, resp3) = self.both(line);
            assert_eq!(resp2, *expected, "RESP2 reply to `{line}`");
            assert_eq!(resp3, *expected, "RESP3 reply to `{line}`");
        }
    }
}

/// Redis's error replies.
pub const WRONGTYPE: &str =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
pub const NOT_INT: &str = "-ERR value is not an integer or out of range\r\n";
pub const SYNTAX: &str = "-ERR syntax error\r\n";

/// The arity error of `name`.
pub fn arity(name: &str) -> String {
    format!("-ERR wrong number of arguments for '{name}' command\r\n")
}

/// A bulk string reply.
pub fn bulk(s: &str) -> String {
    format!("${}\r\n{s}\r\n", s.len())
}

impl Client {
    /// Makes `key` a list (through the typed API: a key of another type than string).
    pub fn make_list(&mut self, key: &str) -> keyp::Result<()> {
        self.session.store()?.rpush(key, &["x"])?;
        Ok(())
    }
}
