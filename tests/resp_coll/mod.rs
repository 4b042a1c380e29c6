//! What the RESP tests of the collection families share: a session over a fresh store (with a
//! manual clock) and helpers that run a command and give its encoded reply as text.

#![allow(dead_code)]

use std::sync::Arc;

use keyp::resp::{lookup, Call, Handler, Protocol, PushSink, Session, Shared};
use keyp::{Bytes, ManualClock, Result, Store, StoreOptions};

/// The manual clock's start: 2023-11-14T22:13:20Z.
pub const NOW_MS: u64 = 1_700_000_000_000;

/// A session over a fresh store.
pub struct Client {
    pub session: Session,
    pub shared: Arc<Shared>,
    pub store: Store,
    pub clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

/// Splits a command line on spaces; `''` stands for an empty argument.
pub fn split(line: &str) -> Vec<Bytes> {
    line.split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w == "''" {
                Bytes::new()
            } else {
                Bytes::copy_from_slice(w.as_bytes())
            }
        })
        .collect()
}

/// A reply's bytes as text (lossy, for comparisons).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl Client {
    pub fn new() -> Result<Client> {
        let dir = tempfile::tempdir()?;
        let clock = Arc::new(ManualClock::new(NOW_MS));
        let store = StoreOptions::new().clock(clock.clone()).open(dir.path())?;
        let shared = Shared::new(store.clone())?;
        let push: PushSink = Arc::new(|_: &[u8]| {});
        let session = Session::new(shared.clone(), push);
        Ok(Client {
            session,
            shared,
            store,
            clock,
            _dir: dir,
        })
    }

    /// Runs `args` through the session (RESP2) and returns the encoded reply.
    pub fn args(&mut self, args: &[Bytes]) -> String {
        if let Some(reply) = self.fallback(args) {
            return reply;
        }
        text(&self.session.execute(args).to_bytes(Protocol::Resp2))
    }

    /// SET and EXISTS through the typed API while their families are not in the table (the
    /// scripts use them to make keys of another type and to check deletions).
    fn fallback(&mut self, args: &[Bytes]) -> Option<String> {
        let name = args.first()?;
        if lookup(name).is_some() {
            return None;
        }
        match (name.to_ascii_lowercase().as_slice(), args.get(1..)?) {
            (b"set", [key, value]) => {
                self.store.set(key, value).ok()?;
                Some("+OK\r\n".to_owned())
            }
            (b"exists", keys) => Some(int(self.store.exists(keys).ok()? as i64)),
            _ => None,
        }
    }

    /// Runs a space-separated command line (RESP2).
    pub fn run(&mut self, line: &str) -> String {
        self.args(&split(line))
    }

    /// Runs `args` as a RESP3 connection would: the command's handler called with the RESP3
    /// protocol, the reply encoded in RESP3.
    pub fn args3(&mut self, args: &[Bytes]) -> String {
        if let Some(reply) = self.fallback(args) {
            return reply;
        }
        let Some(spec) = args.first().and_then(|name| lookup(name)) else {
            return "(unknown command)".to_owned();
        };
        if !spec.arity_ok(args.len()) {
            return arity(spec.name);
        }
        let call = Call {
            args,
            protocol: Protocol::Resp3,
        };
        let result = match spec.handler {
            Handler::Read(f) => self.store.read(|r| f(r, &call)),
            Handler::Write(f) => self.store.transaction(|tx| f(tx, &call)),
            Handler::Session(f) | Handler::Blocking { wait: f, .. } => f(&mut self.session, &call),
        };
        let reply = result.unwrap_or_else(keyp::resp::Reply::from);
        text(&reply.to_bytes(Protocol::Resp3))
    }

    /// Runs a space-separated command line as RESP3.
    pub fn run3(&mut self, line: &str) -> String {
        self.args3(&split(line))
    }

    /// Runs a blocking command's one-shot form (what EXEC runs), RESP2.
    pub fn once(&mut self, line: &str) -> String {
        let args = split(line);
        let Some(Handler::Blocking { once, .. }) = lookup(&args[0]).map(|spec| spec.handler) else {
            return "(not blocking)".to_owned();
        };
        let call = Call {
            args: &args,
            protocol: Protocol::Resp2,
        };
        let reply = self
            .store
            .transaction(|tx| once(tx, &call))
            .unwrap_or_else(keyp::resp::Reply::from);
        text(&reply.to_bytes(Protocol::Resp2))
    }

    /// Runs a script of `(command, RESP2 reply, RESP3 reply)` taken from redis-server 7.0.15:
    /// the whole script on this client in RESP2, then on a fresh client in RESP3.
    pub fn script(script: &[(&str, &str, &str)]) -> Result<()> {
        let mut resp2 = Client::new()?;
        for (line, expected, _) in script {
            assert_eq!(resp2.run(line), *expected, "RESP2: {line}");
        }
        let mut resp3 = Client::new()?;
        for (line, expected2, expected3) in script {
            let expected = if *expected3 == SAME {
                expected2
            } else {
                expected3
            };
            assert_eq!(resp3.run3(line), *expected, "RESP3: {line}");
        }
        Ok(())
    }

    /// A second session on the same server.
    pub fn other_session(&self) -> Session {
        let push: PushSink = Arc::new(|_: &[u8]| {});
        Session::new(self.shared.clone(), push)
    }
}

/// In a script: the RESP3 reply is the same bytes as the RESP2 one.
pub const SAME: &str = "=";

/// The RESP2 reply to a key of the wrong type.
pub const WRONGTYPE: &str =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

/// The RESP2 reply to a wrong number of arguments for `name`.
pub fn arity(name: &str) -> String {
    format!("-ERR wrong number of arguments for '{name}' command\r\n")
}

/// A RESP bulk string.
pub fn bulk(s: &str) -> String {
    format!("${}\r\n{s}\r\n", s.len())
}

/// A RESP array header and items.
pub fn arr(items: &[String]) -> String {
    format!("*{}\r\n{}", items.len(), items.concat())
}

/// An array of bulk strings.
pub fn bulks(items: &[&str]) -> String {
    arr(&items.iter().map(|s| bulk(s)).collect::<Vec<_>>())
}

/// An integer reply.
pub fn int(n: i64) -> String {
    format!(":{n}\r\n")
}
