//! The stream commands over RESP: XADD XLEN XRANGE XREVRANGE XDEL XTRIM XSETID XREAD
//! XREADGROUP XGROUP XACK XPENDING XCLAIM XAUTOCLAIM XINFO, driven through `Session::execute`
//! (RESP2) and the command table's handlers called with a RESP3 `Call`; every reply compared
//! byte for byte. The scenarios' expected bytes are redis-server 7.0.15's replies to the same
//! commands (RESP2, and RESP3 after HELLO 3); the tests whose replies depend on the clock
//! (`*` IDs, idle and delivery times) use a manual clock and are written by hand.
#![cfg(feature = "resp")]

use std::sync::Arc;
use std::time::Duration;

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
// Generated from replies of redis-server 7.0.15 (RESP2, then RESP3 after HELLO 3).

#[test]
fn xadd_and_xlen() -> Result<()> {
    scenario(&[
        ("xadd s 1-1 a 1", b"$3\r\n1-1\r\n", None),
        ("xadd s 1-* b 2 c 3", b"$3\r\n1-2\r\n", None),
        ("xadd s 5 d 4", b"$3\r\n5-0\r\n", None),
        ("xadd s 5-0 e 5", b"-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n", None),
        ("xadd s 0-0 a b", b"-ERR The ID specified in XADD must be greater than 0-0\r\n", None),
        ("xadd s 2-1 a b", b"-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n", None),
        ("xadd s bad a b", b"-ERR Invalid stream ID specified as stream command argument\r\n", None),
        ("xadd s * a", b"-ERR wrong number of arguments for 'xadd' command\r\n", None),
        ("xadd s nomkstream", b"-ERR wrong number of arguments for 'xadd' command\r\n", None),
        ("xlen s", b":3\r\n", None),
        ("xlen nokey", b":0\r\n", None),
        ("xadd nokey nomkstream 1-1 a b", b"$-1\r\n", Some(b"_\r\n")),
        ("exists nokey", b":0\r\n", None),
        ("xadd s nomkstream maxlen 2 6-1 f 6", b"$3\r\n6-1\r\n", None),
        ("xlen s", b":2\r\n", None),
        ("xadd s maxlen ~ 1 limit 5 7-1 g 7", b"$3\r\n7-1\r\n", None),
        ("xadd s maxlen 1 limit 5 8-1 g 7", b"-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n", None),
        ("xadd s maxlen -1 8-1 g 7", b"-ERR The MAXLEN argument must be >= 0.\r\n", None),
        ("xadd s maxlen x 8-1 g 7", b"-ERR value is not an integer or out of range\r\n", None),
        ("xadd s maxlen 1 minid 3 8-1 g 7", b"-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n", None),
        ("xadd s limit 5 8-1 g 7", b"-ERR syntax error, LIMIT cannot be used without specifying a trimming strategy\r\n", None),
        ("xadd s limit -5 8-1 g 7", b"-ERR The LIMIT argument must be >= 0.\r\n", None),
        ("xadd s minid 6 8-1 h 8", b"$3\r\n8-1\r\n", None),
        ("xrange s - +", b"*3\r\n*2\r\n$3\r\n6-1\r\n*2\r\n$1\r\nf\r\n$1\r\n6\r\n*2\r\n$3\r\n7-1\r\n*2\r\n$1\r\ng\r\n$1\r\n7\r\n*2\r\n$3\r\n8-1\r\n*2\r\n$1\r\nh\r\n$1\r\n8\r\n", None),
        ("xadd s maxlen = 0 9-1 h 8", b"$3\r\n9-1\r\n", None),
        ("xlen s", b":0\r\n", None),
        ("xadd s 18446744073709551615-18446744073709551615 a b", b"$41\r\n18446744073709551615-18446744073709551615\r\n", None),
        ("xadd s 18446744073709551615-* a b", b"-ERR The stream has exhausted the last possible ID, unable to add more items\r\n", None),
        ("xadd s * a b", b"-ERR The stream has exhausted the last possible ID, unable to add more items\r\n", None),
        ("set str x", b"+OK\r\n", None),
        ("xadd str 1-1 a b", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xadd str nomkstream 1-1 a b", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xlen str", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
    ])
}

#[test]
fn xrange_and_xrevrange() -> Result<()> {
    scenario(&[
        ("xadd s 1-1 a 1", b"$3\r\n1-1\r\n", None),
        ("xadd s 1-2 b 2", b"$3\r\n1-2\r\n", None),
        ("xadd s 2-0 c 3", b"$3\r\n2-0\r\n", None),
        ("xadd s 3-5 d 4 e 5", b"$3\r\n3-5\r\n", None),
        ("xrange s - +", b"*4\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$3\r\n3-5\r\n*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n", None),
        ("xrevrange s + -", b"*4\r\n*2\r\n$3\r\n3-5\r\n*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", None),
        ("xrange s 1 1", b"*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", None),
        ("xrange s (1-1 +", b"*3\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$3\r\n3-5\r\n*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n", None),
        ("xrange s - (2-0", b"*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", None),
        ("xrevrange s (3-5 (1-1", b"*2\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", None),
        ("xrange s - + count 2", b"*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", None),
        ("xrevrange s + - count 1", b"*1\r\n*2\r\n$3\r\n3-5\r\n*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n", None),
        ("xrange s - + count 0", b"*-1\r\n", Some(b"_\r\n")),
        ("xrange s - + count -3", b"*-1\r\n", Some(b"_\r\n")),
        ("xrange s - + count 5 count 1", b"*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", None),
        ("xrange s 3 1", b"*0\r\n", None),
        ("xrange nokey - +", b"*0\r\n", None),
        ("xrange nokey - + count 0", b"*0\r\n", None),
        ("xrange s x +", b"-ERR Invalid stream ID specified as stream command argument\r\n", None),
        ("xrange s - x", b"-ERR Invalid stream ID specified as stream command argument\r\n", None),
        ("xrange s (18446744073709551615-18446744073709551615 +", b"-ERR invalid start ID for the interval\r\n", None),
        ("xrange s - (0-0", b"-ERR invalid end ID for the interval\r\n", None),
        ("xrevrange s (0-0 (0-0", b"-ERR invalid end ID for the interval\r\n", None),
        ("xrange s - + count", b"-ERR syntax error\r\n", None),
        ("xrange s - + count x", b"-ERR value is not an integer or out of range\r\n", None),
        ("xrange s - + foo 1", b"-ERR syntax error\r\n", None),
        ("xrange s ( +", b"-ERR Invalid stream ID specified as stream command argument\r\n", None),
        ("set str x", b"+OK\r\n", None),
        ("xrange str - +", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xrevrange str + -", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xrange str - + count 0", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xrange s -", b"-ERR wrong number of arguments for 'xrange' command\r\n", None),
        ("xrevrange s +", b"-ERR wrong number of arguments for 'xrevrange' command\r\n", None),
    ])
}

#[test]
fn xdel_and_xtrim() -> Result<()> {
    scenario(&[
        ("xadd s 1-1 a 1", b"$3\r\n1-1\r\n", None),
        ("xadd s 2-1 b 2", b"$3\r\n2-1\r\n", None),
        ("xadd s 3-1 c 3", b"$3\r\n3-1\r\n", None),
        ("xadd s 4-1 d 4", b"$3\r\n4-1\r\n", None),
        ("xadd s 5-1 e 5", b"$3\r\n5-1\r\n", None),
        ("xdel s 2-1 9-9 2-1", b":1\r\n", None),
        ("xdel s bad", b"-ERR Invalid stream ID specified as stream command argument\r\n", None),
        ("xdel nokey bad", b":0\r\n", None),
        ("xdel s 1", b":0\r\n", None),
        ("xlen s", b":4\r\n", None),
        ("xtrim s maxlen 2", b":2\r\n", None),
        ("xrange s - +", b"*2\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n", None),
        ("xtrim s minid 5", b":1\r\n", None),
        ("xrange s - +", b"*1\r\n*2\r\n$3\r\n5-1\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n", None),
        ("xtrim s maxlen ~ 0", b":1\r\n", None),
        ("xtrim s maxlen 0 limit 1", b"-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n", None),
        ("xtrim s maxlen ~ 0 limit 1", b":0\r\n", None),
        ("xtrim s foo 1", b"-ERR syntax error\r\n", None),
        ("xtrim s maxlen -1", b"-ERR The MAXLEN argument must be >= 0.\r\n", None),
        ("xtrim s limit 1 maxlen 0", b"-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n", None),
        ("xtrim nokey maxlen 0", b":0\r\n", None),
        ("xtrim nokey maxlen x", b"-ERR value is not an integer or out of range\r\n", None),
        ("xtrim s maxlen 1 minid 1", b"-ERR syntax error, MAXLEN and MINID options at the same time are not compatible\r\n", None),
        ("xtrim s minid bad", b"-ERR Invalid stream ID specified as stream command argument\r\n", None),
        ("xtrim s maxlen = 0", b":0\r\n", None),
        ("xlen s", b":0\r\n", None),
        ("exists s", b":1\r\n", None),
        ("set str x", b"+OK\r\n", None),
        ("xdel str 1-1", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xdel str bad", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xtrim str maxlen 0", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xtrim s maxlen", b"-ERR wrong number of arguments for 'xtrim' command\r\n", None),
    ])
}

#[test]
fn xsetid() -> Result<()> {
    scenario(&[
        ("xadd s 5-5 a 1", b"$3\r\n5-5\r\n", None),
        ("xsetid s 10-0", b"+OK\r\n", None),
        ("xinfo stream s", b"*20\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$4\r\n10-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:1\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n5-5\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", Some(b"%10\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$4\r\n10-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:1\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n5-5\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n")),
        ("xsetid s 1-0", b"-ERR The ID specified in XSETID is smaller than the target stream top item\r\n", None),
        ("xsetid s 20-0 entriesadded 0", b"-ERR The entries_added specified in XSETID is smaller than the target stream length\r\n", None),
        ("xsetid s 20-0 entriesadded -1", b"-ERR entries_added must be positive\r\n", None),
        ("xsetid s 20-0 maxdeletedid 30-0", b"-ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id\r\n", None),
        ("xsetid s 20-0 entriesadded 7 maxdeletedid 6-0", b"+OK\r\n", None),
        ("xinfo stream s", b"*20\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$4\r\n20-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n6-0\r\n$13\r\nentries-added\r\n:7\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n5-5\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", Some(b"%10\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$4\r\n20-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n6-0\r\n$13\r\nentries-added\r\n:7\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n5-5\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n5-5\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n")),
        ("xsetid s 5-9 maxdeletedid 6-0", b"-ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id\r\n", None),
        ("xsetid nokey 1-1", b"-ERR no such key\r\n", None),
        ("xsetid s bad", b"-ERR Invalid stream ID specified as stream command argument\r\n", None),
        ("xsetid s 30-0 foo 1", b"-ERR syntax error\r\n", None),
        ("xsetid s 30-0 entriesadded x", b"-ERR value is not an integer or out of range\r\n", None),
        ("set str x", b"+OK\r\n", None),
        ("xsetid str 1-1", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xsetid str bad", b"-ERR Invalid stream ID specified as stream command argument\r\n", None),
    ])
}

#[test]
fn xread_basic() -> Result<()> {
    scenario(&[
        ("xadd a 1-1 f 1", b"$3\r\n1-1\r\n", None),
        ("xadd a 1-2 f 2", b"$3\r\n1-2\r\n", None),
        ("xadd b 2-1 g 1", b"$3\r\n2-1\r\n", None),
        ("xread streams a 0", b"*1\r\n*2\r\n$1\r\na\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\nf\r\n$1\r\n2\r\n", Some(b"%1\r\n$1\r\na\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\nf\r\n$1\r\n2\r\n")),
        ("xread count 1 streams a b 0 0", b"*2\r\n*2\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\ng\r\n$1\r\n1\r\n", Some(b"%2\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\ng\r\n$1\r\n1\r\n")),
        ("xread streams a b 1-1 $", b"*1\r\n*2\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\nf\r\n$1\r\n2\r\n", Some(b"%1\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\nf\r\n$1\r\n2\r\n")),
        ("xread streams a b 1-2 0", b"*1\r\n*2\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\ng\r\n$1\r\n1\r\n", Some(b"%1\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\ng\r\n$1\r\n1\r\n")),
        ("xread streams a 1-2", b"*-1\r\n", Some(b"_\r\n")),
        ("xread streams nokey 0", b"*-1\r\n", Some(b"_\r\n")),
        ("xread count 0 streams a 0", b"*1\r\n*2\r\n$1\r\na\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\nf\r\n$1\r\n2\r\n", Some(b"%1\r\n$1\r\na\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\nf\r\n$1\r\n2\r\n")),
        ("xread count -1 streams a 1-1", b"*1\r\n*2\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\nf\r\n$1\r\n2\r\n", Some(b"%1\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\nf\r\n$1\r\n2\r\n")),
        ("xread streams a $", b"*-1\r\n", Some(b"_\r\n")),
        ("xread block 10 streams a 1-2", b"*-1\r\n", Some(b"_\r\n")),
        ("xread streams a", b"-ERR wrong number of arguments for 'xread' command\r\n", None),
        ("xread streams a b 0", b"-ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.\r\n", None),
        ("xread count x streams a 0", b"-ERR value is not an integer or out of range\r\n", None),
        ("xread block x streams a 0", b"-ERR timeout is not an integer or out of range\r\n", None),
        ("xread block -1 streams a 0", b"-ERR timeout is negative\r\n", None),
        ("xread foo streams a 0", b"-ERR syntax error\r\n", None),
        ("xread count 1 a 0", b"-ERR syntax error\r\n", None),
        ("xread group g c streams a 0", b"-ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.\r\n", None),
        ("xread noack streams a 0", b"-ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.\r\n", None),
        ("xread streams a >", b"-ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.\r\n", None),
        ("xread streams a bad", b"-ERR Invalid stream ID specified as stream command argument\r\n", None),
        ("set str x", b"+OK\r\n", None),
        ("xread streams str 0", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xread streams nokey str bad 0", b"-ERR Invalid stream ID specified as stream command argument\r\n", None),
        ("xread streams nokey str 0 bad", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xread streams a str 0 0", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
    ])
}

#[test]
fn xgroup_and_xreadgroup() -> Result<()> {
    scenario(&[
        ("xadd s 1-1 a 1", b"$3\r\n1-1\r\n", None),
        ("xadd s 2-1 b 2", b"$3\r\n2-1\r\n", None),
        ("xadd s 3-1 c 3", b"$3\r\n3-1\r\n", None),
        ("xgroup create s g 0", b"+OK\r\n", None),
        ("xgroup create s g 0", b"-BUSYGROUP Consumer Group name already exists\r\n", None),
        ("xgroup create s g2 $", b"+OK\r\n", None),
        ("xgroup create s g3 1-1 entriesread 1", b"+OK\r\n", None),
        ("xgroup create nokey g $", b"-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n", None),
        ("xgroup create nokey g bad", b"-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n", None),
        ("xgroup create nokey g bad mkstream", b"-ERR Invalid stream ID specified as stream command argument\r\n", None),
        ("xgroup create nokey g $ mkstream", b"+OK\r\n", None),
        ("xlen nokey", b":0\r\n", None),
        ("xgroup create s g4 bad", b"-ERR Invalid stream ID specified as stream command argument\r\n", None),
        ("xgroup create s g4 -", b"-ERR Invalid stream ID specified as stream command argument\r\n", None),
        ("xgroup create s g4 0 entriesread -2", b"-ERR value for ENTRIESREAD must be positive or -1\r\n", None),
        ("xgroup create s g4 0 entriesread x", b"-ERR value is not an integer or out of range\r\n", None),
        ("xgroup create s g4 0 foo", b"-ERR unknown subcommand or wrong number of arguments for 'create'. Try XGROUP HELP.\r\n", None),
        ("xgroup create s g4 0 mkstream entriesread 1 foo", b"-ERR unknown subcommand or wrong number of arguments for 'create'. Try XGROUP HELP.\r\n", None),
        ("xgroup create s", b"-ERR wrong number of arguments for 'xgroup|create' command\r\n", None),
        ("xreadgroup group g c1 count 1 streams s >", b"*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", Some(b"%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n")),
        ("xreadgroup group g c1 streams s >", b"*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n", Some(b"%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n")),
        ("xreadgroup group g c1 streams s >", b"*-1\r\n", Some(b"_\r\n")),
        ("xreadgroup group g c1 streams s 0", b"*1\r\n*2\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n", Some(b"%1\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n")),
        ("xreadgroup group g c1 count 1 streams s 1-1", b"*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", Some(b"%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n")),
        ("xreadgroup group g c2 streams s 0", b"*1\r\n*2\r\n$1\r\ns\r\n*0\r\n", Some(b"%1\r\n$1\r\ns\r\n*0\r\n")),
        ("xdel s 2-1", b":1\r\n", None),
        ("xreadgroup group g c1 streams s 0", b"*1\r\n*2\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*-1\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n", Some(b"%1\r\n$1\r\ns\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n_\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n")),
        ("xreadgroup group g c1 noack streams s >", b"*-1\r\n", Some(b"_\r\n")),
        ("xadd s 4-1 d 4", b"$3\r\n4-1\r\n", None),
        ("xreadgroup group g c2 noack streams s >", b"*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n", Some(b"%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n")),
        ("xreadgroup group g c2 streams s 0", b"*1\r\n*2\r\n$1\r\ns\r\n*0\r\n", Some(b"%1\r\n$1\r\ns\r\n*0\r\n")),
        ("xreadgroup group g c1 block 10 streams s >", b"*-1\r\n", Some(b"_\r\n")),
        ("xreadgroup group nog c1 streams s >", b"-NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option\r\n", None),
        ("xreadgroup group g c1 streams nokey >", b"*-1\r\n", Some(b"_\r\n")),
        ("xreadgroup group g c1 streams s $", b"-ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.\r\n", None),
        ("xreadgroup group g c1 streams s bad", b"-ERR Invalid stream ID specified as stream command argument\r\n", None),
        ("xreadgroup streams s >", b"-ERR wrong number of arguments for 'xreadgroup' command\r\n", None),
        ("xreadgroup group g c1 streams s", b"-ERR wrong number of arguments for 'xreadgroup' command\r\n", None),
        ("xreadgroup group g c1 count x streams s >", b"-ERR value is not an integer or out of range\r\n", None),
        ("xreadgroup group g c1 block -1 streams s >", b"-ERR timeout is negative\r\n", None),
        ("set str x", b"+OK\r\n", None),
        ("xreadgroup group g c1 streams str >", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xreadgroup group g c1 streams s str > >", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xinfo groups s", b"*3\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:2\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-1\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:0\r\n*12\r\n$4\r\nname\r\n$2\r\ng2\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$2\r\ng3\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n$-1\r\n", Some(b"*3\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:2\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$3\r\n4-1\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:0\r\n%6\r\n$4\r\nname\r\n$2\r\ng2\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n_\r\n%6\r\n$4\r\nname\r\n$2\r\ng3\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n_\r\n")),
        ("xgroup setid s g 1-1", b"+OK\r\n", None),
        ("xgroup setid s g $ entriesread 3", b"+OK\r\n", None),
        ("xgroup setid s g - entriesread -1", b"+OK\r\n", None),
        ("xgroup setid s g +", b"+OK\r\n", None),
        ("xgroup setid s g bad", b"-ERR Invalid stream ID specified as stream command argument\r\n", None),
        ("xgroup setid s g 0 entriesread -2", b"-ERR value for ENTRIESREAD must be positive or -1\r\n", None),
        ("xgroup setid s g 0 entriesread x", b"-ERR value is not an integer or out of range\r\n", None),
        ("xgroup setid s g 0 foo 1", b"-ERR unknown subcommand or wrong number of arguments for 'setid'. Try XGROUP HELP.\r\n", None),
        ("xgroup setid s g 0 entriesread", b"-ERR unknown subcommand or wrong number of arguments for 'setid'. Try XGROUP HELP.\r\n", None),
        ("xgroup setid s nog 0", b"-NOGROUP No such consumer group 'nog' for key name 's'\r\n", None),
        ("xgroup setid nokey2 g 0", b"-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n", None),
        ("xinfo groups s", b"*3\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:2\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$41\r\n18446744073709551615-18446744073709551615\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$2\r\ng2\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$2\r\ng3\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n$-1\r\n", Some(b"*3\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:2\r\n$7\r\npending\r\n:3\r\n$17\r\nlast-delivered-id\r\n$41\r\n18446744073709551615-18446744073709551615\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n_\r\n%6\r\n$4\r\nname\r\n$2\r\ng2\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n_\r\n%6\r\n$4\r\nname\r\n$2\r\ng3\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n_\r\n")),
        ("xgroup createconsumer s g c9", b":1\r\n", None),
        ("xgroup createconsumer s g c9", b":0\r\n", None),
        ("xgroup createconsumer s nog c9", b"-NOGROUP No such consumer group 'nog' for key name 's'\r\n", None),
        ("xgroup delconsumer s g c1", b":3\r\n", None),
        ("xgroup delconsumer s g c1", b":0\r\n", None),
        ("xgroup delconsumer s nog c1", b"-NOGROUP No such consumer group 'nog' for key name 's'\r\n", None),
        ("xgroup destroy s g2", b":1\r\n", None),
        ("xgroup destroy s g2", b":0\r\n", None),
        ("xgroup destroy nokey2 g", b"-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.\r\n", None),
        ("xgroup destroy s", b"-ERR wrong number of arguments for 'xgroup|destroy' command\r\n", None),
        ("xgroup createconsumer s g", b"-ERR wrong number of arguments for 'xgroup|createconsumer' command\r\n", None),
        ("xgroup delconsumer s g c1 x", b"-ERR wrong number of arguments for 'xgroup|delconsumer' command\r\n", None),
        ("xgroup create str g $", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xgroup destroy str g", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xgroup foo s g", b"-ERR unknown subcommand 'foo'. Try XGROUP HELP.\r\n", None),
        ("xgroup foo", b"-ERR unknown subcommand 'foo'. Try XGROUP HELP.\r\n", None),
        ("xgroup", b"-ERR wrong number of arguments for 'xgroup' command\r\n", None),
        ("xgroup help", b"*17\r\n+XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CREATE <key> <groupname> <id|$> [option]\r\n+    Create a new consumer group. Options are:\r\n+    * MKSTREAM\r\n+      Create the empty stream if it does not exist.\r\n+    * ENTRIESREAD entries_read\r\n+      Set the group's entries_read counter (internal use).\r\n+CREATECONSUMER <key> <groupname> <consumer>\r\n+    Create a new consumer in the specified group.\r\n+DELCONSUMER <key> <groupname> <consumer>\r\n+    Remove the specified consumer.\r\n+DESTROY <key> <groupname>\r\n+    Remove the specified group.\r\n+SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]\r\n+    Set the current group ID and entries_read counter.\r\n+HELP\r\n+    Prints this help.\r\n", None),
        ("xgroup HELP x", b"-ERR wrong number of arguments for 'xgroup|help' command\r\n", None),
        ("xinfo groups s", b"*2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:2\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$41\r\n18446744073709551615-18446744073709551615\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$2\r\ng3\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n$-1\r\n", Some(b"*2\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:2\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$41\r\n18446744073709551615-18446744073709551615\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n_\r\n%6\r\n$4\r\nname\r\n$2\r\ng3\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n_\r\n")),
    ])
}

#[test]
fn xack_and_xpending_summary() -> Result<()> {
    scenario(&[
        ("xadd s 1-1 a 1", b"$3\r\n1-1\r\n", None),
        ("xadd s 2-1 b 2", b"$3\r\n2-1\r\n", None),
        ("xadd s 3-1 c 3", b"$3\r\n3-1\r\n", None),
        ("xgroup create s g 0", b"+OK\r\n", None),
        ("xpending s g", b"*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n", Some(b"*4\r\n:0\r\n_\r\n_\r\n_\r\n")),
        ("xreadgroup group g alice count 2 streams s >", b"*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", Some(b"%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n")),
        ("xreadgroup group g bob streams s >", b"*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n", Some(b"%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n")),
        ("xpending s g", b"*4\r\n:3\r\n$3\r\n1-1\r\n$3\r\n3-1\r\n*2\r\n*2\r\n$5\r\nalice\r\n$1\r\n2\r\n*2\r\n$3\r\nbob\r\n$1\r\n1\r\n", None),
        ("xack s g 1-1 9-9 1-1", b":1\r\n", None),
        ("xack s g bad", b"-ERR Invalid stream ID specified as stream command argument\r\n", None),
        ("xack s nog bad", b":0\r\n", None),
        ("xack nokey g bad", b":0\r\n", None),
        ("xpending s g", b"*4\r\n:2\r\n$3\r\n2-1\r\n$3\r\n3-1\r\n*2\r\n*2\r\n$5\r\nalice\r\n$1\r\n1\r\n*2\r\n$3\r\nbob\r\n$1\r\n1\r\n", None),
        ("xack s g 2-1 3-1", b":2\r\n", None),
        ("xpending s g", b"*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n", Some(b"*4\r\n:0\r\n_\r\n_\r\n_\r\n")),
        ("xpending s nog", b"-NOGROUP No such key 's' or consumer group 'nog'\r\n", None),
        ("xpending nokey g", b"-NOGROUP No such key 'nokey' or consumer group 'g'\r\n", None),
        ("xpending s g - +", b"-ERR syntax error\r\n", None),
        ("xpending s g - + 10 c 1 2", b"*0\r\n", None),
        ("xpending s g idle 1 - +", b"-ERR syntax error\r\n", None),
        ("xpending s g - + x", b"-ERR value is not an integer or out of range\r\n", None),
        ("xpending s g bad + 10", b"-ERR Invalid stream ID specified as stream command argument\r\n", None),
        ("xpending s g idle x - + 10", b"-ERR value is not an integer or out of range\r\n", None),
        ("xpending s g (18446744073709551615-18446744073709551615 + 10", b"-ERR invalid start ID for the interval\r\n", None),
        ("xpending s g - + -5", b"*0\r\n", None),
        ("xpending s g - + 10", b"*0\r\n", None),
        ("set str x", b"+OK\r\n", None),
        ("xack str g 1-1", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xack str g bad", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xpending str g", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xpending str g - + 10", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
    ])
}

#[test]
fn xclaim_and_xautoclaim() -> Result<()> {
    scenario(&[
        ("xadd s 1-1 a 1", b"$3\r\n1-1\r\n", None),
        ("xadd s 2-1 b 2", b"$3\r\n2-1\r\n", None),
        ("xadd s 3-1 c 3", b"$3\r\n3-1\r\n", None),
        ("xadd s 4-1 d 4", b"$3\r\n4-1\r\n", None),
        ("xgroup create s g 0", b"+OK\r\n", None),
        ("xreadgroup group g alice streams s >", b"*1\r\n*2\r\n$1\r\ns\r\n*4\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n", Some(b"%1\r\n$1\r\ns\r\n*4\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$3\r\n4-1\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n")),
        ("xclaim s g bob 0 1-1 2-1 justid", b"*2\r\n$3\r\n1-1\r\n$3\r\n2-1\r\n", None),
        ("xclaim s g bob 0 3-1", b"*1\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n", None),
        ("xclaim s g bob 0 9-9", b"*0\r\n", None),
        ("xclaim s g bob 0 1-1 force justid", b"*1\r\n$3\r\n1-1\r\n", None),
        ("xclaim s g carol 3600000 1-1 2-1", b"*0\r\n", None),
        ("xclaim s g carol 0 1-1 retrycount 5 justid", b"*1\r\n$3\r\n1-1\r\n", None),
        ("xclaim s g carol 0 1-1 lastid 9-9 justid", b"*1\r\n$3\r\n1-1\r\n", None),
        ("xinfo groups s", b"*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:3\r\n$7\r\npending\r\n:4\r\n$17\r\nlast-delivered-id\r\n$3\r\n9-9\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:0\r\n", Some(b"*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:3\r\n$7\r\npending\r\n:4\r\n$17\r\nlast-delivered-id\r\n$3\r\n9-9\r\n$12\r\nentries-read\r\n:4\r\n$3\r\nlag\r\n:0\r\n")),
        ("xclaim s g carol x 1-1", b"-ERR Invalid min-idle-time argument for XCLAIM\r\n", None),
        ("xclaim s g carol 0 1-1 idle x", b"-ERR Invalid IDLE option argument for XCLAIM\r\n", None),
        ("xclaim s g carol 0 1-1 time x", b"-ERR Invalid TIME option argument for XCLAIM\r\n", None),
        ("xclaim s g carol 0 1-1 retrycount x", b"-ERR Invalid RETRYCOUNT option argument for XCLAIM\r\n", None),
        ("xclaim s g carol 0 1-1 lastid bad", b"-ERR Invalid stream ID specified as stream command argument\r\n", None),
        ("xclaim s g carol 0 1-1 foo", b"-ERR Unrecognized XCLAIM option 'foo'\r\n", None),
        ("xclaim s g carol 0 bad", b"-ERR Unrecognized XCLAIM option 'bad'\r\n", None),
        ("xclaim s nog carol 0 1-1", b"-NOGROUP No such key 's' or consumer group 'nog'\r\n", None),
        ("xclaim nokey g carol 0 1-1", b"-NOGROUP No such key 'nokey' or consumer group 'g'\r\n", None),
        ("xclaim nokey g carol x 1-1", b"-NOGROUP No such key 'nokey' or consumer group 'g'\r\n", None),
        ("xdel s 4-1", b":1\r\n", None),
        ("xautoclaim s g dave 0 0 count 2", b"*3\r\n$3\r\n3-1\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*0\r\n", None),
        ("xautoclaim s g dave 0 0 justid", b"*3\r\n$3\r\n0-0\r\n*3\r\n$3\r\n1-1\r\n$3\r\n2-1\r\n$3\r\n3-1\r\n*1\r\n$3\r\n4-1\r\n", None),
        ("xautoclaim s g erin 0 (1-1 count 1", b"*3\r\n$3\r\n3-1\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*0\r\n", None),
        ("xautoclaim s g erin 3600000 0", b"*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n", None),
        ("xautoclaim s g erin x 0", b"-ERR Invalid min-idle-time argument for XAUTOCLAIM\r\n", None),
        ("xautoclaim s g erin 0 bad", b"-ERR Invalid stream ID specified as stream command argument\r\n", None),
        ("xautoclaim s g erin 0 (18446744073709551615-18446744073709551615", b"-ERR invalid start ID for the interval\r\n", None),
        ("xautoclaim s g erin 0 0 count 0", b"-ERR COUNT must be > 0\r\n", None),
        ("xautoclaim s g erin 0 0 count x", b"-ERR COUNT must be > 0\r\n", None),
        ("xautoclaim s g erin 0 0 count 1152921504606846976", b"-ERR COUNT must be > 0\r\n", None),
        ("xautoclaim s g erin 0 0 foo", b"-ERR syntax error\r\n", None),
        ("xautoclaim s nog erin 0 0", b"-NOGROUP No such key 's' or consumer group 'nog'\r\n", None),
        ("xautoclaim nokey g erin 0 0", b"-NOGROUP No such key 'nokey' or consumer group 'g'\r\n", None),
        ("xpending s g", b"*4\r\n:3\r\n$3\r\n1-1\r\n$3\r\n3-1\r\n*2\r\n*2\r\n$4\r\ndave\r\n$1\r\n2\r\n*2\r\n$4\r\nerin\r\n$1\r\n1\r\n", None),
        ("set str x", b"+OK\r\n", None),
        ("xclaim str g c 0 1-1", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xclaim str g c x 1-1", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xautoclaim str g c 0 0", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xautoclaim str g c x 0", b"-ERR Invalid min-idle-time argument for XAUTOCLAIM\r\n", None),
    ])
}

#[test]
fn xinfo_stream_and_groups() -> Result<()> {
    scenario(&[
        ("xadd s 1-1 a 1", b"$3\r\n1-1\r\n", None),
        ("xadd s 2-1 b 2 c 3", b"$3\r\n2-1\r\n", None),
        ("xadd s 3-1 d 4", b"$3\r\n3-1\r\n", None),
        ("xdel s 3-1", b":1\r\n", None),
        ("xgroup create s g 0", b"+OK\r\n", None),
        ("xgroup create s g2 $", b"+OK\r\n", None),
        ("xreadgroup group g c1 count 1 streams s >", b"*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", Some(b"%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n")),
        ("xinfo stream s", b"*20\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n3-1\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:2\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n2-1\r\n*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n", Some(b"%10\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n3-1\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:2\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n2-1\r\n*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n")),
        ("xinfo groups s", b"*2\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n$-1\r\n*12\r\n$4\r\nname\r\n$2\r\ng2\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n", Some(b"*2\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n_\r\n%6\r\n$4\r\nname\r\n$2\r\ng2\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n")),
        ("xinfo stream s foo", b"-ERR unknown subcommand or wrong number of arguments for 'stream'. Try XINFO HELP.\r\n", None),
        ("xinfo stream s full count", b"-ERR unknown subcommand or wrong number of arguments for 'stream'. Try XINFO HELP.\r\n", None),
        ("xinfo stream s full foo 1", b"-ERR unknown subcommand or wrong number of arguments for 'stream'. Try XINFO HELP.\r\n", None),
        ("xinfo stream s full count x", b"-ERR value is not an integer or out of range\r\n", None),
        ("xinfo stream nokey", b"-ERR no such key\r\n", None),
        ("xinfo groups nokey", b"-ERR no such key\r\n", None),
        ("xinfo consumers nokey g", b"-ERR no such key\r\n", None),
        ("xinfo consumers s nog", b"-NOGROUP No such consumer group 'nog' for key name 's'\r\n", None),
        ("xinfo stream", b"-ERR wrong number of arguments for 'xinfo|stream' command\r\n", None),
        ("xinfo groups", b"-ERR wrong number of arguments for 'xinfo|groups' command\r\n", None),
        ("xinfo consumers s", b"-ERR wrong number of arguments for 'xinfo|consumers' command\r\n", None),
        ("xinfo groups s x", b"-ERR wrong number of arguments for 'xinfo|groups' command\r\n", None),
        ("xinfo foo s", b"-ERR unknown subcommand 'foo'. Try XINFO HELP.\r\n", None),
        ("xinfo foo", b"-ERR unknown subcommand 'foo'. Try XINFO HELP.\r\n", None),
        ("xinfo", b"-ERR wrong number of arguments for 'xinfo' command\r\n", None),
        ("xinfo help", b"*9\r\n+XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CONSUMERS <key> <groupname>\r\n+    Show consumers of <groupname>.\r\n+GROUPS <key>\r\n+    Show the stream consumer groups.\r\n+STREAM <key> [FULL [COUNT <count>]\r\n+    Show information about the stream.\r\n+HELP\r\n+    Prints this help.\r\n", None),
        ("xinfo help x", b"-ERR wrong number of arguments for 'xinfo|help' command\r\n", None),
        ("xgroup create e g $ mkstream", b"+OK\r\n", None),
        ("xinfo stream e", b"*20\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n0-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:0\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:1\r\n$11\r\nfirst-entry\r\n$-1\r\n$10\r\nlast-entry\r\n$-1\r\n", Some(b"%10\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n0-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:0\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$6\r\ngroups\r\n:1\r\n$11\r\nfirst-entry\r\n_\r\n$10\r\nlast-entry\r\n_\r\n")),
        ("xinfo stream e full", b"*18\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n0-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:0\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$7\r\nentries\r\n*0\r\n$6\r\ngroups\r\n*1\r\n*14\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n", Some(b"%9\r\n$6\r\nlength\r\n:0\r\n$15\r\nradix-tree-keys\r\n:0\r\n$16\r\nradix-tree-nodes\r\n:1\r\n$17\r\nlast-generated-id\r\n$3\r\n0-0\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:0\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n0-0\r\n$7\r\nentries\r\n*0\r\n$6\r\ngroups\r\n*1\r\n%7\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n")),
        ("set str x", b"+OK\r\n", None),
        ("xinfo stream str", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xinfo groups str", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xinfo consumers str g", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
        ("xinfo stream str foo", b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", None),
    ])
}

#[test]
fn xinfo_stream_full() -> Result<()> {
    let mut env = env()?;
    for line in [
        "xadd s 1-1 a 1",
        "xadd s 2-1 b 2",
        "xadd s 3-1 c 3",
        "xgroup create s g 0",
        "xgroup create s g2 $",
        "xreadgroup group g alice count 2 streams s >",
    ] {
        env.cmd(Protocol::Resp2, line);
    }
    // Delivery and seen times are the manual clock's T0 (redis-server's own times replaced).
    env.check(
        "xinfo stream s full",
        b"*18\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n$6\r\ngroups\r\n*2\r\n*14\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:1\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalice\r\n:1000000\r\n:1\r\n*4\r\n$3\r\n2-1\r\n$5\r\nalice\r\n:1000000\r\n:1\r\n$9\r\nconsumers\r\n*1\r\n*8\r\n$4\r\nname\r\n$5\r\nalice\r\n$9\r\nseen-time\r\n:1000000\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*3\r\n$3\r\n1-1\r\n:1000000\r\n:1\r\n*3\r\n$3\r\n2-1\r\n:1000000\r\n:1\r\n*14\r\n$4\r\nname\r\n$2\r\ng2\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n",
        Some(b"%9\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n$6\r\ngroups\r\n*2\r\n%7\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:1\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalice\r\n:1000000\r\n:1\r\n*4\r\n$3\r\n2-1\r\n$5\r\nalice\r\n:1000000\r\n:1\r\n$9\r\nconsumers\r\n*1\r\n%4\r\n$4\r\nname\r\n$5\r\nalice\r\n$9\r\nseen-time\r\n:1000000\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*3\r\n$3\r\n1-1\r\n:1000000\r\n:1\r\n*3\r\n$3\r\n2-1\r\n:1000000\r\n:1\r\n%7\r\n$4\r\nname\r\n$2\r\ng2\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n"),
    );
    env.check(
        "xinfo stream s full count 1",
        b"*18\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$6\r\ngroups\r\n*2\r\n*14\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:1\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*1\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalice\r\n:1000000\r\n:1\r\n$9\r\nconsumers\r\n*1\r\n*8\r\n$4\r\nname\r\n$5\r\nalice\r\n$9\r\nseen-time\r\n:1000000\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*1\r\n*3\r\n$3\r\n1-1\r\n:1000000\r\n:1\r\n*14\r\n$4\r\nname\r\n$2\r\ng2\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n",
        Some(b"%9\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$6\r\ngroups\r\n*2\r\n%7\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:1\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*1\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalice\r\n:1000000\r\n:1\r\n$9\r\nconsumers\r\n*1\r\n%4\r\n$4\r\nname\r\n$5\r\nalice\r\n$9\r\nseen-time\r\n:1000000\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*1\r\n*3\r\n$3\r\n1-1\r\n:1000000\r\n:1\r\n%7\r\n$4\r\nname\r\n$2\r\ng2\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n"),
    );
    Ok(())
}

impl Env {
    /// Runs a command that changes the store once, in `protocol`, and checks its reply.
    fn once(&mut self, protocol: Protocol, line: &str, expected: &[u8]) {
        let got = self.cmd(protocol, line);
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(expected),
            "{line} ({protocol:?})"
        );
    }
}

#[test]
fn xadd_auto_ids_follow_the_clock() -> Result<()> {
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let mut env = env()?;
        env.once(protocol, "xadd s * a 1", b"$9\r\n1000000-0\r\n");
        env.once(protocol, "xadd s * a 2", b"$9\r\n1000000-1\r\n");
        // A clock behind the last ID: the last millisecond, next sequence.
        env.clock.set(T0 - 5);
        env.once(protocol, "xadd s * a 3", b"$9\r\n1000000-2\r\n");
        env.clock.set(T0 + 10);
        env.once(protocol, "xadd s * a 4", b"$9\r\n1000010-0\r\n");
        env.once(protocol, "xadd s 1000010-* a 5", b"$9\r\n1000010-1\r\n");
        env.once(protocol, "xadd s maxlen 2 * a 6", b"$9\r\n1000010-2\r\n");
        env.check("xlen s", b":2\r\n", None);
    }
    Ok(())
}

#[test]
fn xpending_extended_xclaim_and_consumers_idle_times() -> Result<()> {
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let mut env = env()?;
        env.cmd(protocol, "xadd s 1-1 a 1");
        env.cmd(protocol, "xadd s 2-1 b 2");
        env.cmd(protocol, "xgroup create s g 0");
        env.cmd(protocol, "xreadgroup group g alice count 1 streams s >");
        env.clock.advance(Duration::from_millis(100));
        env.cmd(protocol, "xreadgroup group g bob streams s >");
        env.clock.advance(Duration::from_millis(50));
        env.check(
            "xpending s g - + 10",
            b"*2\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalice\r\n:150\r\n:1\r\n*4\r\n$3\r\n2-1\r\n$3\r\nbob\r\n:50\r\n:1\r\n",
            None,
        );
        env.check(
            "xpending s g idle 100 - + 10",
            b"*1\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalice\r\n:150\r\n:1\r\n",
            None,
        );
        env.check(
            "xpending s g - + 10 bob",
            b"*1\r\n*4\r\n$3\r\n2-1\r\n$3\r\nbob\r\n:50\r\n:1\r\n",
            None,
        );
        env.check(
            "xpending s g - + 1",
            b"*1\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalice\r\n:150\r\n:1\r\n",
            None,
        );
        env.check("xpending s g - + 0", b"*0\r\n", None);
        env.check("xpending s g - + 10 nobody", b"*0\r\n", None);
        env.check(
            "xinfo consumers s g",
            b"*2\r\n*6\r\n$4\r\nname\r\n$5\r\nalice\r\n$7\r\npending\r\n:1\r\n$4\r\nidle\r\n:150\r\n*6\r\n$4\r\nname\r\n$3\r\nbob\r\n$7\r\npending\r\n:1\r\n$4\r\nidle\r\n:50\r\n",
            Some(b"*2\r\n%3\r\n$4\r\nname\r\n$5\r\nalice\r\n$7\r\npending\r\n:1\r\n$4\r\nidle\r\n:150\r\n%3\r\n$4\r\nname\r\n$3\r\nbob\r\n$7\r\npending\r\n:1\r\n$4\r\nidle\r\n:50\r\n"),
        );
        // Only 1-1 has been idle 100 ms.
        env.once(
            protocol,
            "xclaim s g carol 100 1-1 2-1",
            b"*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n",
        );
        env.once(
            protocol,
            "xclaim s g dave 0 2-1 idle 500 justid",
            b"*1\r\n$3\r\n2-1\r\n",
        );
        env.check(
            "xpending s g - + 10",
            b"*2\r\n*4\r\n$3\r\n1-1\r\n$5\r\ncarol\r\n:0\r\n:2\r\n*4\r\n$3\r\n2-1\r\n$4\r\ndave\r\n:500\r\n:1\r\n",
            None,
        );
        env.once(
            protocol,
            "xclaim s g erin 0 2-1 time 1000000 retrycount 7 justid",
            b"*1\r\n$3\r\n2-1\r\n",
        );
        env.check(
            "xpending s g - + 10 erin",
            b"*1\r\n*4\r\n$3\r\n2-1\r\n$4\r\nerin\r\n:150\r\n:7\r\n",
            None,
        );
        env.clock.advance(Duration::from_millis(1000));
        env.once(
            protocol,
            "xautoclaim s g frank 1000 0 count 1",
            b"*3\r\n$3\r\n2-1\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*0\r\n",
        );
        env.once(
            protocol,
            "xautoclaim s g frank 1000 2-1 justid",
            b"*3\r\n$3\r\n0-0\r\n*1\r\n$3\r\n2-1\r\n*0\r\n",
        );
        env.check(
            "xpending s g",
            b"*4\r\n:2\r\n$3\r\n1-1\r\n$3\r\n2-1\r\n*1\r\n*2\r\n$5\r\nfrank\r\n$1\r\n2\r\n",
            None,
        );
    }
    Ok(())
}

/// The RESP2 and RESP3 forms of an XREAD / XREADGROUP reply of `s` → `[1-1, [a, b]]`.
fn one_entry(protocol: Protocol) -> &'static [u8] {
    match protocol {
        Protocol::Resp2 => {
            b"*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n"
        }
        Protocol::Resp3 => {
            b"%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n"
        }
    }
}

fn nil_array(protocol: Protocol) -> &'static [u8] {
    match protocol {
        Protocol::Resp2 => b"*-1\r\n",
        Protocol::Resp3 => b"_\r\n",
    }
}

/// Runs `line` on a new session of `env` in a thread, waits until it is blocked on `key`,
/// runs `wake` on the env's own session, and returns the blocked command's reply.
fn blocked(env: &mut Env, protocol: Protocol, line: &str, key: &str, wake: &str) -> Vec<u8> {
    let shared = env.shared.clone();
    let args = words(line);
    let waiter = std::thread::spawn(move || {
        let mut session = new_session(&shared);
        run(&mut session, &shared, protocol, &args)
    });
    while env.shared.store().blocked_on(key) == 0 {
        std::thread::yield_now();
    }
    env.cmd(protocol, wake);
    waiter.join().unwrap()
}

#[test]
fn xread_block_is_woken_by_xadd_from_another_session() -> Result<()> {
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let mut env = env()?;
        let got = blocked(
            &mut env,
            protocol,
            "xread block 0 streams s $",
            "s",
            "xadd s 1-1 a b",
        );
        assert_eq!(got, one_entry(protocol));
        // `$` means after the last ID when the call starts: an existing entry does not count.
        let got = blocked(
            &mut env,
            protocol,
            "xread count 5 block 0 streams other s $ $",
            "s",
            "xadd s 2-1 c d",
        );
        let expected: &[u8] = match protocol {
            Protocol::Resp2 => {
                b"*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nc\r\n$1\r\nd\r\n"
            }
            Protocol::Resp3 => {
                b"%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nc\r\n$1\r\nd\r\n"
            }
        };
        assert_eq!(got, expected);
        // Something to read at once: no wait.
        env.check(
            "xread block 0 streams s 0-0",
            b"*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nc\r\n$1\r\nd\r\n",
            Some(b"%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nc\r\n$1\r\nd\r\n"),
        );
        // A timeout replies nil.
        env.once(protocol, "xread block 5 streams s $", nil_array(protocol));
        env.once(protocol, "xread block 5 streams s 2-1", nil_array(protocol));
    }
    Ok(())
}

#[test]
fn xreadgroup_block_is_woken_by_xadd_from_another_session() -> Result<()> {
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let mut env = env()?;
        env.cmd(protocol, "xgroup create s g $ mkstream");
        let got = blocked(
            &mut env,
            protocol,
            "xreadgroup group g alice block 0 streams s >",
            "s",
            "xadd s 1-1 a b",
        );
        assert_eq!(got, one_entry(protocol));
        env.check(
            "xpending s g",
            b"*4\r\n:1\r\n$3\r\n1-1\r\n$3\r\n1-1\r\n*1\r\n*2\r\n$5\r\nalice\r\n$1\r\n1\r\n",
            None,
        );
        // The consumer's history answers at once, even with BLOCK.
        env.once(
            protocol,
            "xreadgroup group g alice block 0 streams s 0",
            one_entry(protocol),
        );
        env.once(
            protocol,
            "xreadgroup group g alice block 5 streams s >",
            nil_array(protocol),
        );
        // The group destroyed while the call waits.
        let got = blocked(
            &mut env,
            protocol,
            "xreadgroup group g alice block 0 streams s >",
            "s",
            "xgroup destroy s g",
        );
        assert_eq!(
            got,
            b"-NOGROUP the consumer group this client was blocked on no longer exists\r\n"
        );
    }
    Ok(())
}

/// Runs `line`'s one-shot form (what EXEC runs inside MULTI) in a write transaction.
fn in_multi(env: &Env, protocol: Protocol, line: &str) -> Result<Vec<u8>> {
    let args = words(line);
    let spec = lookup(&args[0]).unwrap();
    let Handler::Blocking { once, .. } = spec.handler else {
        panic!("{line}: not a blocking command");
    };
    let call = Call {
        args: &args,
        protocol,
    };
    let reply = env
        .shared
        .store()
        .transaction(|tx| once(tx, &call))
        .unwrap_or_else(Reply::from);
    Ok(reply.to_bytes(protocol))
}

#[test]
fn blocking_reads_do_not_block_inside_multi() -> Result<()> {
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let mut env = env()?;
        env.cmd(protocol, "xgroup create s g $ mkstream");
        let nil = nil_array(protocol);
        assert_eq!(in_multi(&env, protocol, "xread block 0 streams s $")?, nil);
        assert_eq!(
            in_multi(&env, protocol, "xreadgroup group g c block 0 streams s >")?,
            nil
        );
        env.cmd(protocol, "xadd s 1-1 a b");
        assert_eq!(
            in_multi(&env, protocol, "xread block 0 streams s 0")?,
            one_entry(protocol)
        );
        assert_eq!(
            in_multi(&env, protocol, "xreadgroup group g c block 0 streams s >")?,
            one_entry(protocol)
        );
        assert_eq!(
            in_multi(&env, protocol, "xreadgroup group nog c block 0 streams s >")?,
            b"-NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option\r\n"
                .to_vec()
        );
    }
    Ok(())
}

#[test]
fn command_table_entries() {
    for (name, arity, first, last, step) in [
        ("xadd", -5, 1, 1, 1),
        ("xlen", 2, 1, 1, 1),
        ("xrange", -4, 1, 1, 1),
        ("xrevrange", -4, 1, 1, 1),
        ("xdel", -3, 1, 1, 1),
        ("xtrim", -4, 1, 1, 1),
        ("xsetid", -3, 1, 1, 1),
        ("xread", -4, 0, 0, 0),
        ("xreadgroup", -7, 0, 0, 0),
        ("xgroup", -2, 0, 0, 0),
        ("xack", -4, 1, 1, 1),
        ("xpending", -3, 1, 1, 1),
        ("xclaim", -6, 1, 1, 1),
        ("xautoclaim", -6, 1, 1, 1),
        ("xinfo", -2, 0, 0, 0),
    ] {
        let spec = lookup(name.as_bytes()).unwrap();
        assert_eq!(
            (spec.arity, spec.first_key, spec.last_key, spec.step),
            (arity, first, last, step),
            "{name}"
        );
    }
    assert!(lookup(b"XREAD").unwrap().has_flag("blocking"));
    assert!(lookup(b"xreadgroup").unwrap().has_flag("write"));
    assert!(lookup(b"xrange").unwrap().has_flag("readonly"));
}

// Redis's delivery and seen times replaced by the manual clock's T0.
#[test]
fn more_reads_and_groups() -> Result<()> {
    scenario(&[
        ("xadd a 1-1 f 1", b"$3\r\n1-1\r\n", None),
        ("xadd b 1-1 g 1", b"$3\r\n1-1\r\n", None),
        ("xadd b 1-2 g 2", b"$3\r\n1-2\r\n", None),
        ("xread COUNT 1 STREAMS a b 0 1-1", b"*2\r\n*2\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\ng\r\n$1\r\n2\r\n", Some(b"%2\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\ng\r\n$1\r\n2\r\n")),
        ("xread streams a a 0 0", b"*2\r\n*2\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n", Some(b"%2\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n")),
        ("xread count 1 count 5 streams b 0", b"*1\r\n*2\r\n$1\r\nb\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\ng\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\ng\r\n$1\r\n2\r\n", Some(b"%1\r\n$1\r\nb\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\ng\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\ng\r\n$1\r\n2\r\n")),
        ("xread streams a b 5 0", b"*1\r\n*2\r\n$1\r\nb\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\ng\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\ng\r\n$1\r\n2\r\n", Some(b"%1\r\n$1\r\nb\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\ng\r\n$1\r\n1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\ng\r\n$1\r\n2\r\n")),
        ("xgroup CREATE a g 0", b"+OK\r\n", None),
        ("xgroup create b g 1-1", b"+OK\r\n", None),
        ("xreadgroup GROUP g c STREAMS a b > >", b"*2\r\n*2\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\ng\r\n$1\r\n2\r\n", Some(b"%2\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\ng\r\n$1\r\n2\r\n")),
        ("xreadgroup group g c streams a b > >", b"*-1\r\n", Some(b"_\r\n")),
        ("xreadgroup group g c count 0 streams a b 0 0", b"*2\r\n*2\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\ng\r\n$1\r\n2\r\n", Some(b"%2\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n$1\r\nb\r\n*1\r\n*2\r\n$3\r\n1-2\r\n*2\r\n$1\r\ng\r\n$1\r\n2\r\n")),
        ("xreadgroup group g c noack count 1 streams a 0", b"*1\r\n*2\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n", Some(b"%1\r\n$1\r\na\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n")),
        ("xinfo GROUPS b", b"*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-2\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:0\r\n", Some(b"*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-2\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:0\r\n")),
        ("xinfo STREAM a FULL COUNT 0", b"*18\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n1-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:1\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n$6\r\ngroups\r\n*1\r\n*14\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:1\r\n$7\r\npending\r\n*1\r\n*4\r\n$3\r\n1-1\r\n$1\r\nc\r\n:1000000\r\n:3\r\n$9\r\nconsumers\r\n*1\r\n*8\r\n$4\r\nname\r\n$1\r\nc\r\n$9\r\nseen-time\r\n:1000000\r\n$9\r\npel-count\r\n:1\r\n$7\r\npending\r\n*1\r\n*3\r\n$3\r\n1-1\r\n:1000000\r\n:3\r\n", Some(b"%9\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n1-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:1\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\n1\r\n$6\r\ngroups\r\n*1\r\n%7\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n1-1\r\n$12\r\nentries-read\r\n:1\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:1\r\n$7\r\npending\r\n*1\r\n*4\r\n$3\r\n1-1\r\n$1\r\nc\r\n:1000000\r\n:3\r\n$9\r\nconsumers\r\n*1\r\n%4\r\n$4\r\nname\r\n$1\r\nc\r\n$9\r\nseen-time\r\n:1000000\r\n$9\r\npel-count\r\n:1\r\n$7\r\npending\r\n*1\r\n*3\r\n$3\r\n1-1\r\n:1000000\r\n:3\r\n")),
        ("xadd b nomkstream minid ~ 1-2 limit 0 2-1 x y", b"$3\r\n2-1\r\n", None),
        ("xtrim b minid = 1-2", b":1\r\n", None),
        ("xtrim b maxlen ~ 0 limit 0", b":2\r\n", None),
        ("xlen b", b":0\r\n", None),
        ("xgroup setid b g 0 ENTRIESREAD 0", b"+OK\r\n", None),
        ("xinfo groups b", b"*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n:3\r\n", Some(b"*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:1\r\n$7\r\npending\r\n:1\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:0\r\n$3\r\nlag\r\n:3\r\n")),
        ("xgroup create c g $ MKSTREAM ENTRIESREAD 5", b"+OK\r\n", None),
        ("xinfo groups c", b"*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:5\r\n$3\r\nlag\r\n:0\r\n", Some(b"*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n:5\r\n$3\r\nlag\r\n:0\r\n")),
        ("xgroup create d g $ entriesread 5 mkstream", b"+OK\r\n", None),
        ("xgroup create e g 0 entriesread -1 mkstream", b"+OK\r\n", None),
        ("xinfo groups e", b"*1\r\n*12\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n", Some(b"*1\r\n%6\r\n$4\r\nname\r\n$1\r\ng\r\n$9\r\nconsumers\r\n:0\r\n$7\r\npending\r\n:0\r\n$17\r\nlast-delivered-id\r\n$3\r\n0-0\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n")),
    ])
}
