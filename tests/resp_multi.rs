//! MULTI / EXEC / DISCARD / WATCH / UNWATCH over the protocol layer, in-process: queueing,
//! EXECABORT, errors in place, WATCH failing EXEC on a change by another client, by expiry
//! and by FLUSHDB, and the store's watch counters racing a commit.

use std::sync::Arc;
use std::time::Duration;

use keyp::resp::{Protocol, PushSink, Session, Shared};
use keyp::{Bytes, Durability, ManualClock, StoreOptions};

const T0: u64 = 1_700_000_000_000;

struct Fixture {
    _dir: tempfile::TempDir,
    shared: Arc<Shared>,
    clock: Arc<ManualClock>,
}

fn fixture() -> keyp::Result<Fixture> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(T0));
    let store = StoreOptions::new()
        .clock(clock.clone())
        .databases(4)
        .durability(Durability::Off)
        .open(dir.path())?;
    Ok(Fixture {
        _dir: dir,
        shared: Shared::new(store)?,
        clock,
    })
}

fn session(shared: &Arc<Shared>) -> Session {
    let push: PushSink = Arc::new(|_: &[u8]| {});
    Session::new(Arc::clone(shared), push)
}

/// Runs a command (arguments split on spaces) and returns its RESP encoding as text.
fn cmd(session: &mut Session, line: &str) -> String {
    let args: Vec<Bytes> = line
        .split(' ')
        .map(|a| Bytes::copy_from_slice(a.as_bytes()))
        .collect();
    let reply = session.execute(&args);
    String::from_utf8(reply.to_bytes(session.protocol())).unwrap()
}

const OK: &str = "+OK\r\n";
const QUEUED: &str = "+QUEUED\r\n";

#[test]
fn exec_runs_the_queue_with_errors_in_place() -> keyp::Result<()> {
    let f = fixture()?;
    let store = f.shared.store();
    store.set("a", "1")?;
    store.lpush("list", &["x"])?;
    let mut s = session(&f.shared);
    assert_eq!(cmd(&mut s, "MULTI"), OK);
    assert_eq!(cmd(&mut s, "GET a"), QUEUED);
    assert_eq!(cmd(&mut s, "GET list"), QUEUED);
    assert_eq!(cmd(&mut s, "DEL a"), QUEUED);
    assert_eq!(cmd(&mut s, "GET a"), QUEUED);
    assert_eq!(cmd(&mut s, "PING"), QUEUED);
    assert_eq!(cmd(&mut s, "ECHO hi"), QUEUED);
    // Nothing ran yet.
    assert_eq!(store.get("a")?.as_deref(), Some(&b"1"[..]));
    assert_eq!(
        cmd(&mut s, "EXEC"),
        "*6\r\n$1\r\n1\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n\
         :1\r\n$-1\r\n+PONG\r\n$2\r\nhi\r\n"
    );
    assert_eq!(store.get("a")?, None);
    // An empty transaction.
    assert_eq!(cmd(&mut s, "MULTI"), OK);
    assert_eq!(cmd(&mut s, "EXEC"), "*0\r\n");
    Ok(())
}

#[test]
fn state_errors() -> keyp::Result<()> {
    let f = fixture()?;
    let mut s = session(&f.shared);
    assert_eq!(cmd(&mut s, "EXEC"), "-ERR EXEC without MULTI\r\n");
    assert_eq!(cmd(&mut s, "DISCARD"), "-ERR DISCARD without MULTI\r\n");
    assert_eq!(cmd(&mut s, "MULTI"), OK);
    assert_eq!(
        cmd(&mut s, "MULTI"),
        "-ERR MULTI calls can not be nested\r\n"
    );
    assert_eq!(
        cmd(&mut s, "WATCH a"),
        "-ERR WATCH inside MULTI is not allowed\r\n"
    );
    // Neither error aborts the transaction.
    assert_eq!(cmd(&mut s, "GET a"), QUEUED);
    assert_eq!(cmd(&mut s, "EXEC"), "*1\r\n$-1\r\n");
    assert_eq!(
        cmd(&mut s, "MULTI x"),
        "-ERR wrong number of arguments for 'multi' command\r\n"
    );
    // Redis answers a refused EXEC with EXECABORT, and discards the transaction and the
    // watches, in MULTI or not.
    let exec_refused = "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n";
    assert_eq!(cmd(&mut s, "EXEC x"), exec_refused);
    assert_eq!(cmd(&mut s, "MULTI"), OK);
    assert_eq!(cmd(&mut s, "SET a 1"), QUEUED);
    assert_eq!(cmd(&mut s, "EXEC x"), exec_refused);
    assert_eq!(cmd(&mut s, "EXEC"), "-ERR EXEC without MULTI\r\n");
    assert_eq!(cmd(&mut s, "WATCH a"), OK);
    assert_eq!(cmd(&mut s, "SET a 2"), OK);
    assert_eq!(cmd(&mut s, "EXEC x"), exec_refused);
    assert_eq!(cmd(&mut s, "MULTI"), OK);
    assert_eq!(cmd(&mut s, "GET a"), QUEUED);
    assert_eq!(cmd(&mut s, "EXEC"), "*1\r\n$1\r\n2\r\n");
    // An unknown subcommand, or a subcommand's wrong arity, is refused before queueing.
    assert_eq!(cmd(&mut s, "MULTI"), OK);
    assert_eq!(
        cmd(&mut s, "XINFO FOO k"),
        "-ERR unknown subcommand 'FOO'. Try XINFO HELP.\r\n"
    );
    assert_eq!(
        cmd(&mut s, "OBJECT ENCODING"),
        "-ERR wrong number of arguments for 'object|encoding' command\r\n"
    );
    assert_eq!(
        cmd(&mut s, "EXEC"),
        "-EXECABORT Transaction discarded because of previous errors.\r\n"
    );
    assert_eq!(
        cmd(&mut s, "WATCH"),
        "-ERR wrong number of arguments for 'watch' command\r\n"
    );
    Ok(())
}

#[test]
fn a_queueing_error_aborts_exec() -> keyp::Result<()> {
    let f = fixture()?;
    f.shared.store().set("a", "1")?;
    let mut s = session(&f.shared);
    for bad in ["GET", "NOSUCHCMD x"] {
        assert_eq!(cmd(&mut s, "MULTI"), OK);
        assert_eq!(cmd(&mut s, "DEL a"), QUEUED);
        let refusal = cmd(&mut s, bad);
        assert!(refusal.starts_with("-ERR "), "{refusal}");
        assert_eq!(cmd(&mut s, "GET a"), QUEUED);
        assert_eq!(
            cmd(&mut s, "EXEC"),
            "-EXECABORT Transaction discarded because of previous errors.\r\n"
        );
        // Nothing ran, and the session left MULTI.
        assert_eq!(f.shared.store().get("a")?.as_deref(), Some(&b"1"[..]));
        assert_eq!(cmd(&mut s, "EXEC"), "-ERR EXEC without MULTI\r\n");
    }
    Ok(())
}

#[test]
fn discard_drops_the_queue_and_the_watches() -> keyp::Result<()> {
    let f = fixture()?;
    f.shared.store().set("a", "1")?;
    let mut s = session(&f.shared);
    assert_eq!(cmd(&mut s, "WATCH a"), OK);
    assert_eq!(cmd(&mut s, "MULTI"), OK);
    assert_eq!(cmd(&mut s, "DEL a"), QUEUED);
    assert_eq!(cmd(&mut s, "DISCARD"), OK);
    assert_eq!(f.shared.store().get("a")?.as_deref(), Some(&b"1"[..]));
    // The watch went with it: a change no longer fails the next EXEC.
    f.shared.store().set("a", "2")?;
    assert_eq!(cmd(&mut s, "MULTI"), OK);
    assert_eq!(cmd(&mut s, "GET a"), QUEUED);
    assert_eq!(cmd(&mut s, "EXEC"), "*1\r\n$1\r\n2\r\n");
    Ok(())
}

#[test]
fn watch_fails_exec_when_another_client_writes() -> keyp::Result<()> {
    let f = fixture()?;
    let mut s = session(&f.shared);
    let mut other = session(&f.shared);
    f.shared.store().set("a", "1")?;
    assert_eq!(cmd(&mut s, "WATCH a b"), OK);
    assert_eq!(cmd(&mut other, "DEL a"), ":1\r\n");
    assert_eq!(cmd(&mut s, "MULTI"), OK);
    assert_eq!(cmd(&mut s, "GET b"), QUEUED);
    assert_eq!(cmd(&mut s, "EXEC"), "*-1\r\n");
    // EXEC unwatched: the next transaction runs.
    f.shared.store().set("b", "2")?;
    assert_eq!(cmd(&mut s, "MULTI"), OK);
    assert_eq!(cmd(&mut s, "GET b"), QUEUED);
    assert_eq!(cmd(&mut s, "EXEC"), "*1\r\n$1\r\n2\r\n");
    // A write by the watching client itself counts too (as in Redis).
    assert_eq!(cmd(&mut s, "WATCH b"), OK);
    assert_eq!(cmd(&mut s, "DEL b"), ":1\r\n");
    assert_eq!(cmd(&mut s, "MULTI"), OK);
    assert_eq!(cmd(&mut s, "EXEC"), "*-1\r\n");
    // Untouched watched keys let EXEC run; so does UNWATCH.
    assert_eq!(cmd(&mut s, "WATCH x"), OK);
    assert_eq!(cmd(&mut s, "WATCH y"), OK);
    f.shared.store().set("z", "1")?;
    assert_eq!(cmd(&mut s, "MULTI"), OK);
    assert_eq!(cmd(&mut s, "EXEC"), "*0\r\n");
    assert_eq!(cmd(&mut s, "WATCH x"), OK);
    assert_eq!(cmd(&mut s, "UNWATCH"), OK);
    f.shared.store().set("x", "1")?;
    assert_eq!(cmd(&mut s, "MULTI"), OK);
    assert_eq!(cmd(&mut s, "EXEC"), "*0\r\n");
    // A key of the same name in another database is another key.
    assert_eq!(cmd(&mut s, "WATCH x"), OK);
    f.shared.store().select(1)?.set("x", "other")?;
    assert_eq!(cmd(&mut s, "MULTI"), OK);
    assert_eq!(cmd(&mut s, "EXEC"), "*0\r\n");
    Ok(())
}

#[test]
fn watch_fails_exec_on_expiry_and_flushdb() -> keyp::Result<()> {
    let f = fixture()?;
    let store = f.shared.store();
    let mut s = session(&f.shared);
    store.psetex("soon", 100, "v")?;
    assert_eq!(cmd(&mut s, "WATCH soon"), OK);
    f.clock.advance(Duration::from_millis(200));
    assert_eq!(cmd(&mut s, "MULTI"), OK);
    assert_eq!(cmd(&mut s, "GET soon"), QUEUED);
    assert_eq!(cmd(&mut s, "EXEC"), "*-1\r\n");

    // FLUSHDB changes the watched keys that existed, not the missing ones (Redis 7.0).
    store.set("k", "v")?;
    assert_eq!(cmd(&mut s, "WATCH k"), OK);
    store.flushdb()?;
    assert_eq!(cmd(&mut s, "MULTI"), OK);
    assert_eq!(cmd(&mut s, "EXEC"), "*-1\r\n");
    assert_eq!(cmd(&mut s, "WATCH missing"), OK);
    store.flushdb()?;
    assert_eq!(cmd(&mut s, "MULTI"), OK);
    assert_eq!(cmd(&mut s, "EXEC"), "*0\r\n");
    Ok(())
}

#[test]
fn select_inside_multi_switches_the_following_commands() -> keyp::Result<()> {
    let f = fixture()?;
    f.shared.store().set("k", "db0")?;
    f.shared.store().select(2)?.set("k", "db2")?;
    let mut s = session(&f.shared);
    assert_eq!(cmd(&mut s, "MULTI"), OK);
    assert_eq!(cmd(&mut s, "GET k"), QUEUED);
    assert_eq!(cmd(&mut s, "SELECT 2"), QUEUED);
    assert_eq!(cmd(&mut s, "GET k"), QUEUED);
    assert_eq!(cmd(&mut s, "SELECT 9"), QUEUED);
    assert_eq!(cmd(&mut s, "DEL k"), QUEUED);
    assert_eq!(
        cmd(&mut s, "EXEC"),
        "*5\r\n$3\r\ndb0\r\n+OK\r\n$3\r\ndb2\r\n-ERR DB index is out of range\r\n:1\r\n"
    );
    // The session stays in the database selected last.
    assert_eq!(cmd(&mut s, "GET k"), "$-1\r\n");
    assert_eq!(f.shared.store().get("k")?.as_deref(), Some(&b"db0"[..]));
    Ok(())
}

#[test]
fn exec_is_one_transaction() -> keyp::Result<()> {
    let f = fixture()?;
    let store = f.shared.store();
    for i in 0..50 {
        store.set(format!("k{i}"), "v")?;
    }
    let mut s = session(&f.shared);
    assert_eq!(cmd(&mut s, "MULTI"), OK);
    for i in 0..50 {
        assert_eq!(cmd(&mut s, &format!("DEL k{i}")), QUEUED);
    }
    // A reader racing the EXEC sees all 50 keys or none.
    let reader = {
        let store = store.clone();
        std::thread::spawn(move || -> keyp::Result<()> {
            for _ in 0..50 {
                let n = store.read(|r| {
                    let mut n = 0;
                    for i in 0..50 {
                        n += usize::from(r.get(format!("k{i}"))?.is_some());
                    }
                    Ok(n)
                })?;
                assert!(n == 0 || n == 50, "saw {n} keys");
            }
            Ok(())
        })
    };
    let reply = cmd(&mut s, "EXEC");
    assert_eq!(reply, format!("*50\r\n{}", ":1\r\n".repeat(50)));
    reader.join().unwrap()?;
    Ok(())
}

/// WATCH + read + EXEC as optimistic locking, against concurrent increments: every EXEC that
/// succeeded must have seen the counter unchanged, so no increment is lost. This checks the
/// store counts a commit's changes before the next write transaction can look at them.
#[test]
fn watched_increments_lose_nothing_under_a_race() -> keyp::Result<()> {
    let f = fixture()?;
    let store = f.shared.store().clone();
    store.set("counter", "0")?;
    const ROUNDS: i64 = 300;
    let incrementer = {
        let store = store.clone();
        std::thread::spawn(move || -> keyp::Result<()> {
            for _ in 0..ROUNDS {
                store.incr("counter")?;
            }
            Ok(())
        })
    };
    let mut won = 0;
    for _ in 0..ROUNDS {
        let watch = store.watch(&["counter"]);
        let seen: i64 = std::str::from_utf8(&store.get("counter")?.unwrap())
            .unwrap()
            .parse()
            .unwrap();
        let committed = store.transaction(|tx| {
            if watch.changed() {
                return Ok(false);
            }
            tx.set("counter", (seen + 1).to_string())?;
            Ok(true)
        })?;
        won += i64::from(committed);
    }
    incrementer.join().unwrap()?;
    let last: i64 = std::str::from_utf8(&store.get("counter")?.unwrap())
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(last, ROUNDS + won);
    Ok(())
}

#[test]
fn resp3_nil_for_a_failed_exec() -> keyp::Result<()> {
    let f = fixture()?;
    let mut s = session(&f.shared);
    let hello = cmd(&mut s, "HELLO 3");
    assert!(hello.starts_with('%'), "{hello}");
    assert_eq!(s.protocol(), Protocol::Resp3);
    assert_eq!(cmd(&mut s, "WATCH a"), OK);
    f.shared.store().set("a", "1")?;
    assert_eq!(cmd(&mut s, "MULTI"), OK);
    assert_eq!(cmd(&mut s, "EXEC"), "_\r\n");
    Ok(())
}

/// A write transaction opened on a thread that already holds one fails instead of waiting
/// for itself (what a connection command writing inside EXEC would do).
#[test]
fn a_nested_write_transaction_fails_instead_of_hanging() -> keyp::Result<()> {
    let f = fixture()?;
    let store = f.shared.store().clone();
    let nested = store.transaction(|tx| {
        tx.set("outer", "1")?;
        Ok(store.set("inner", "2"))
    })?;
    assert!(matches!(nested, Err(keyp::Error::Io(_))), "{nested:?}");
    // The outer transaction committed; the thread can write again.
    assert_eq!(store.get("outer")?.as_deref(), Some(&b"1"[..]));
    store.set("after", "3")?;
    assert_eq!(store.get("inner")?, None);
    Ok(())
}

/// Connection and server commands queued in MULTI run in EXEC's place (they may read the
/// store through snapshots of their own while EXEC holds the write transaction).
#[test]
fn connection_and_server_commands_inside_exec() -> keyp::Result<()> {
    let f = fixture()?;
    f.shared.store().set("k", "v")?;
    let mut s = session(&f.shared);
    assert_eq!(cmd(&mut s, "MULTI"), OK);
    for line in [
        "INFO keyspace",
        "CLIENT SETNAME inexec",
        "CLIENT GETNAME",
        "CONFIG GET timeout",
        "PUBLISH ch msg",
        "DEL k",
        "LASTSAVE",
    ] {
        assert_eq!(cmd(&mut s, line), QUEUED, "{line}");
    }
    let reply = cmd(&mut s, "EXEC");
    let keyspace = "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n";
    let expected_head = format!(
        "*7\r\n${}\r\n{keyspace}\r\n+OK\r\n$6\r\ninexec\r\n\
         *2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n:0\r\n:1\r\n:",
        keyspace.len()
    );
    assert!(reply.starts_with(&expected_head), "{reply}");
    assert_eq!(f.shared.store().get("k")?, None);
    Ok(())
}
