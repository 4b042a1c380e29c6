//! The stream commands over RESP: XADD XLEN XRANGE XREVRANGE XDEL XTRIM XSETID XREAD
//! XREADGROUP XGROUP XACK XPENDING XCLAIM XAUTOCLAIM XINFO, driven through `Session::execute`
//! (RESP2) and the command table's handlers called with a RESP3 `Call`; every reply compared
//! byte for byte. The scenarios' expected bytes are redis-server 7.0.15's replies to the same
//! commands (RESP2, and RESP3 after HELLO 3); the tests whose replies depend on the clock
//! (`*` IDs, idle and delivery times) use a manual clock and are written by hand.
#![cfg(feature = "resp")]

#[path = "resp_stream/clocked.rs"]
mod clocked;
#[path = "resp_stream/scenarios.rs"]
mod scenarios;

use std::sync::Arc;

use keyp::resp::{lookup, Call, Handler, Protocol, PushSink, Reply, Session, Shared};
use keyp::{Bytes, ManualClock, Result, StoreOptions};

/// The manual clock's start (Unix ms).
const T0: u64 = 1_000_000;

struct Env {
    _dir: tempfile::TempDir,
    shared: Arc<Shared>,
    session: Session,
    clock: Arc<ManualClock>,
}

fn env() -> Result<Env> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(T0));
    let store = StoreOptions::new().clock(clock.clone()).open(dir.path())?;
    let shared = Shared::new(store)?;
    let session = new_session(&shared);
    Ok(Env {
        _dir: dir,
        shared,
        session,
        clock,
    })
}

fn new_session(shared: &Arc<Shared>) -> Session {
    let push: PushSink = Arc::new(|_bytes: &[u8]| {});
    Session::new(shared.clone(), push)
}

fn words(line: &str) -> Vec<Bytes> {
    line.split_whitespace()
        .map(|w| Bytes::copy_from_slice(w.as_bytes()))
        .collect()
}

/// Runs one command in `protocol`: RESP2 through `Session::execute`; RESP3 by calling the
/// table's handler with a RESP3 call (errors before dispatch, the same in both protocols,
/// through `execute`).
fn run(session: &mut Session, shared: &Shared, protocol: Protocol, args: &[Bytes]) -> Vec<u8> {
    let spec = lookup(&args[0]).filter(|spec| spec.arity_ok(args.len()));
    let reply = match (protocol, spec) {
        (Protocol::Resp3, Some(spec)) => {
            let call = Call { args, protocol };
            let result = match spec.handler {
                Handler::Read(f) => shared.store().read(|r| f(r, &call)),
                Handler::Write(f) => shared.store().transaction(|tx| f(tx, &call)),
                Handler::Session(f) | Handler::Blocking { wait: f, .. } => f(session, &call),
            };
            result.unwrap_or_else(Reply::from)
        }
        _ => session.execute(args),
    };
    reply.to_bytes(protocol)
}

impl Env {
    fn cmd(&mut self, protocol: Protocol, line: &str) -> Vec<u8> {
        run(&mut self.session, &self.shared, protocol, &words(line))
    }

    /// Checks `line`'s reply in RESP2 and RESP3 (`resp3` `None`: the same bytes).
    fn check(&mut self, line: &str, resp2: &[u8], resp3: Option<&[u8]>) {
        for (protocol, expected) in [
            (Protocol::Resp2, resp2),
            (Protocol::Resp3, resp3.unwrap_or(resp2)),
        ] {
            let got = self.cmd(protocol, line);
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(expected),
                "{line} ({protocol:?})"
            );
        }
    }
}

/// A command, its RESP2 reply, and its RESP3 reply when it differs.
type Step<'a> = (&'a str, &'a [u8], Option<&'a [u8]>);

/// Runs the commands on a fresh store in RESP2, then on another in RESP3, comparing each
/// reply. `set` and `exists` (other families' commands) go through the typed API.
fn scenario(steps: &[Step<'_>]) -> Result<()> {
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let mut env = env()?;
        for &(line, resp2, resp3) in steps {
            let args = words(line);
            let got = match line.split_whitespace().next() {
                Some("set") => {
                    env.shared.store().set(&args[1], &args[2])?;
                    b"+OK\r\n".to_vec()
                }
                Some("exists") => {
                    let n = env.shared.store().exists(&args[1..])?;
                    format!(":{n}\r\n").into_bytes()
                }
                _ => env.cmd(protocol, line),
            };
            let expected = match protocol {
                Protocol::Resp2 => resp2,
                Protocol::Resp3 => resp3.unwrap_or(resp2),
            };
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(expected),
                "{line} ({protocol:?})"
            );
        }
    }
    Ok(())
}
