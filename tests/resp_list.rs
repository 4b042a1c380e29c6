//! RESP tests of the list commands: every command, its errors, WRONGTYPE and arity, in RESP2
//! and RESP3, against replies taken from redis-server 7.0.15; the blocking pops woken by
//! another session.

mod resp_coll;

use std::time::Duration;

use keyp::resp::Protocol;
use keyp::{Bytes, Result};
use resp_coll::{arr, bulk, bulks, Client, SAME};

#[test]
fn list_commands_match_redis() -> Result<()> {
    Client::script(SCRIPT)
}

/// A BLPOP blocked in one session's thread is woken by an LPUSH from another session.
#[test]
fn blpop_is_woken_by_another_sessions_push() -> Result<()> {
    let client = Client::new()?;
    let mut waiter = client.other_session();
    let mut pusher = client.other_session();
    let blocked = std::thread::spawn(move || {
        let args: Vec<Bytes> = ["BLPOP", "none", "q", "0"]
            .iter()
            .map(|s| Bytes::from(*s))
            .collect();
        waiter.execute(&args).to_bytes(Protocol::Resp2)
    });
    while client.store.blocked_on("q") == 0 {
        std::thread::sleep(Duration::from_millis(1));
    }
    let pushed = pusher.execute(&[Bytes::from("LPUSH"), Bytes::from("q"), Bytes::from("job")]);
    assert_eq!(pushed.to_bytes(Protocol::Resp2), b":1\r\n");
    let reply = blocked.join().expect("the blocked thread");
    assert_eq!(
        String::from_utf8_lossy(&reply),
        arr(&[bulk("q"), bulk("job")])
    );
    assert_eq!(client.store.llen("q")?, 0);
    Ok(())
}

/// The blocking commands' one-shot forms (what EXEC runs) never wait: they reply as a timeout
/// does when there is nothing to pop (but BLMOVE and BRPOPLPUSH, a nil bulk string there, as
/// in Redis 7.0), and check their arguments as the blocking forms do.
#[test]
fn blocking_list_commands_once() -> Result<()> {
    let mut c = Client::new()?;
    c.run("RPUSH l a b c");
    c.run("SET str x");
    assert_eq!(c.once("BLPOP none l 0"), bulks(&["l", "a"]));
    assert_eq!(c.once("BRPOP none l 0"), bulks(&["l", "c"]));
    assert_eq!(c.once("BLPOP none 0"), "*-1\r\n");
    assert_eq!(c.once("BLPOP str 0"), resp_coll::WRONGTYPE);
    assert_eq!(
        c.once("BLPOP l x"),
        "-ERR timeout is not a float or out of range\r\n"
    );
    assert_eq!(c.once("BLMOVE none d left left 0"), "$-1\r\n");
    assert_eq!(c.once("BLMOVE l d left right 0"), bulk("b"));
    assert_eq!(c.once("BLMOVE l d up right 0"), "-ERR syntax error\r\n");
    assert_eq!(c.once("BRPOPLPUSH d e 0"), bulk("b"));
    assert_eq!(c.once("BRPOPLPUSH d e -1"), "-ERR timeout is negative\r\n");
    assert_eq!(c.once("BRPOPLPUSH none e 0"), "$-1\r\n");
    c.run("RPUSH m 1 2 3");
    assert_eq!(
        c.once("BLMPOP 0 2 none m RIGHT COUNT 2"),
        arr(&[bulk("m"), bulks(&["3", "2"])])
    );
    assert_eq!(c.once("BLMPOP 0 1 none LEFT"), "*-1\r\n");
    assert_eq!(
        c.once("BLMPOP 0 0 none LEFT"),
        "-ERR numkeys should be greater than 0\r\n"
    );
    Ok(())
}

/// Timeouts reply a nil array (RESP2) or null (RESP3).
#[test]
fn blocking_list_commands_time_out() -> Result<()> {
    let mut c = Client::new()?;
    assert_eq!(c.run("BLPOP none 0.001"), "*-1\r\n");
    assert_eq!(c.run3("BRPOP none 0.001"), "_\r\n");
    assert_eq!(c.run("BLMOVE none d left left 0.001"), "*-1\r\n");
    assert_eq!(c.run3("BRPOPLPUSH none d 0.001"), "_\r\n");
    assert_eq!(c.run("BLMPOP 0.001 1 none left"), "*-1\r\n");
    Ok(())
}

/// Items of 600 bytes and 1 MiB go through the commands whole.
#[test]
fn large_items() -> Result<()> {
    let mut c = Client::new()?;
    for size in [600, 1 << 20] {
        let item = Bytes::from(vec![b'x'; size]);
        let push = [Bytes::from("RPUSH"), Bytes::from("big"), item.clone()];
        assert_eq!(c.args(&push), ":1\r\n");
        let pop = [Bytes::from("LPOP"), Bytes::from("big")];
        let expected = format!("${size}\r\n{}\r\n", "x".repeat(size));
        assert_eq!(c.args(&pop), expected);
    }
    Ok(())
}

const SCRIPT: &[(&str, &str, &str)] = &[
    ("set str x", "+OK\r\n", SAME),
    ("lpush l a b c", ":3\r\n", SAME),
    ("rpush l d e", ":5\r\n", SAME),
    ("lpushx nol a", ":0\r\n", SAME),
    ("rpushx nol a", ":0\r\n", SAME),
    ("lpushx l z", ":6\r\n", SAME),
    ("rpushx l y z", ":8\r\n", SAME),
    ("lrange l 0 -1", "*8\r\n$1\r\nz\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\ny\r\n$1\r\nz\r\n", SAME),
    ("lrange l 1 2", "*2\r\n$1\r\nc\r\n$1\r\nb\r\n", SAME),
    ("lrange l -100 100", "*8\r\n$1\r\nz\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\ny\r\n$1\r\nz\r\n", SAME),
    ("lrange l 5 1", "*0\r\n", SAME),
    ("lrange nol 0 -1", "*0\r\n", SAME),
    ("lrange l x 1", "-ERR value is not an integer or out of range\r\n", SAME),
    ("lrange l 0 x", "-ERR value is not an integer or out of range\r\n", SAME),
    ("lrange str 0 -1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("lrange str x 1", "-ERR value is not an integer or out of range\r\n", SAME),
    ("llen l", ":8\r\n", SAME),
    ("llen nol", ":0\r\n", SAME),
    ("llen str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("lindex l 0", "$1\r\nz\r\n", SAME),
    ("lindex l -1", "$1\r\nz\r\n", SAME),
    ("lindex l 100", "$-1\r\n", "_\r\n"),
    ("lindex nol 0", "$-1\r\n", "_\r\n"),
    ("lindex nol x", "$-1\r\n", "_\r\n"),
    ("lindex l x", "-ERR value is not an integer or out of range\r\n", SAME),
    ("lindex str 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("lset l 0 A", "+OK\r\n", SAME),
    ("lset l -1 Z", "+OK\r\n", SAME),
    ("lset l 100 x", "-ERR index out of range\r\n", SAME),
    ("lset nol 0 x", "-ERR no such key\r\n", SAME),
    ("lset nol x x", "-ERR no such key\r\n", SAME),
    ("lset l x x", "-ERR value is not an integer or out of range\r\n", SAME),
    ("lset str 0 x", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("lrange l 0 -1", "*8\r\n$1\r\nA\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\ny\r\n$1\r\nZ\r\n", SAME),
    ("lpop l", "$1\r\nA\r\n", SAME),
    ("rpop l", "$1\r\nZ\r\n", SAME),
    ("lpop l 2", "*2\r\n$1\r\nc\r\n$1\r\nb\r\n", SAME),
    ("rpop l 2", "*2\r\n$1\r\ny\r\n$1\r\ne\r\n", SAME),
    ("lpop l 0", "*0\r\n", SAME),
    ("lpop nol", "$-1\r\n", "_\r\n"),
    ("lpop nol 2", "*-1\r\n", "_\r\n"),
    ("lpop nol 0", "*-1\r\n", "_\r\n"),
    ("lpop l -1", "-ERR value is out of range, must be positive\r\n", SAME),
    ("lpop nol x", "-ERR value is out of range, must be positive\r\n", SAME),
    ("lpop l 1 2", "-ERR wrong number of arguments for 'lpop' command\r\n", SAME),
    ("lpop str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("lpop str 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("rpop str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("rpush l2 a b a c a", ":5\r\n", SAME),
    ("lrem l2 2 a", ":2\r\n", SAME),
    ("lrem l2 -1 a", ":1\r\n", SAME),
    ("lrem l2 0 zz", ":0\r\n", SAME),
    ("lrem l2 x a", "-ERR value is not an integer or out of range\r\n", SAME),
    ("lrem nol 1 a", ":0\r\n", SAME),
    ("lrem str 1 a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("lrange l2 0 -1", "*2\r\n$1\r\nb\r\n$1\r\nc\r\n", SAME),
    ("linsert l2 before c X", ":3\r\n", SAME),
    ("linsert l2 after c Y", ":4\r\n", SAME),
    ("linsert l2 before nope X", ":-1\r\n", SAME),
    ("linsert nol before c X", ":0\r\n", SAME),
    ("linsert l2 middle c X", "-ERR syntax error\r\n", SAME),
    ("linsert str before c X", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("lrange l2 0 -1", "*4\r\n$1\r\nb\r\n$1\r\nX\r\n$1\r\nc\r\n$1\r\nY\r\n", SAME),
    ("rpush l3 a b c a b c a", ":7\r\n", SAME),
    ("lpos l3 a", ":0\r\n", SAME),
    ("lpos l3 a rank 2", ":3\r\n", SAME),
    ("lpos l3 a rank -1", ":6\r\n", SAME),
    ("lpos l3 a count 0", "*3\r\n:0\r\n:3\r\n:6\r\n", SAME),
    ("lpos l3 a count 2 rank -1", "*2\r\n:6\r\n:3\r\n", SAME),
    ("lpos l3 a maxlen 3 count 0", "*1\r\n:0\r\n", SAME),
    ("lpos l3 x", "$-1\r\n", "_\r\n"),
    ("lpos l3 x count 3", "*0\r\n", SAME),
    ("lpos l3 a rank 0", "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n", SAME),
    ("lpos l3 a rank x", "-ERR value is not an integer or out of range\r\n", SAME),
    ("lpos l3 a count -1", "-ERR COUNT can't be negative\r\n", SAME),
    ("lpos l3 a maxlen -1", "-ERR MAXLEN can't be negative\r\n", SAME),
    ("lpos l3 a bogus 1", "-ERR syntax error\r\n", SAME),
    ("lpos l3 a rank", "-ERR syntax error\r\n", SAME),
    ("lpos nol a", "$-1\r\n", "_\r\n"),
    ("lpos nol a count 1", "*0\r\n", SAME),
    ("lpos str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("ltrim l3 1 -2", "+OK\r\n", SAME),
    ("lrange l3 0 -1", "*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", SAME),
    ("ltrim l3 x 1", "-ERR value is not an integer or out of range\r\n", SAME),
    ("ltrim nol 0 1", "+OK\r\n", SAME),
    ("ltrim str 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("ltrim l3 5 1", "+OK\r\n", SAME),
    ("exists l3", ":0\r\n", SAME),
    ("rpush m1 a b c", ":3\r\n", SAME),
    ("lmove m1 m2 left right", "$1\r\na\r\n", SAME),
    ("lmove m1 m2 right left", "$1\r\nc\r\n", SAME),
    ("lmove m1 m1 left right", "$1\r\nb\r\n", SAME),
    ("lrange m1 0 -1", "*1\r\n$1\r\nb\r\n", SAME),
    ("lrange m2 0 -1", "*2\r\n$1\r\nc\r\n$1\r\na\r\n", SAME),
    ("lmove nol m2 left left", "$-1\r\n", "_\r\n"),
    ("lmove m1 m2 up left", "-ERR syntax error\r\n", SAME),
    ("lmove m1 str left left", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("lmove str m2 left left", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("lmove nol str left left", "$-1\r\n", "_\r\n"),
    ("rpoplpush m1 m2", "$1\r\nb\r\n", SAME),
    ("rpoplpush m1 m2", "$-1\r\n", "_\r\n"),
    ("rpoplpush nol m2", "$-1\r\n", "_\r\n"),
    ("rpoplpush m2 str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("lrange m2 0 -1", "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n", SAME),
    ("rpush p1 a b c", ":3\r\n", SAME),
    ("lmpop 2 nol p1 left", "*2\r\n$2\r\np1\r\n*1\r\n$1\r\na\r\n", SAME),
    ("lmpop 2 nol p1 right count 5", "*2\r\n$2\r\np1\r\n*2\r\n$1\r\nc\r\n$1\r\nb\r\n", SAME),
    ("lmpop 1 p1 left", "*-1\r\n", "_\r\n"),
    ("lmpop 0 p1 left", "-ERR numkeys should be greater than 0\r\n", SAME),
    ("lmpop x p1 left", "-ERR numkeys should be greater than 0\r\n", SAME),
    ("lmpop 1 p1 middle", "-ERR syntax error\r\n", SAME),
    ("lmpop 1 p1 left count 0", "-ERR count should be greater than 0\r\n", SAME),
    ("lmpop 1 p1 left count", "-ERR syntax error\r\n", SAME),
    ("lmpop 1 p1 left count 1 count 1", "-ERR syntax error\r\n", SAME),
    ("lmpop 5 p1 left", "-ERR syntax error\r\n", SAME),
    ("lmpop 1 str left", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("lmpop 2 nol str left", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("rpush b1 a b c", ":3\r\n", SAME),
    ("blpop nol b1 0", "*2\r\n$2\r\nb1\r\n$1\r\na\r\n", SAME),
    ("brpop b1 0", "*2\r\n$2\r\nb1\r\n$1\r\nc\r\n", SAME),
    ("blpop nol 0.01", "*-1\r\n", "_\r\n"),
    ("brpop nol 0.01", "*-1\r\n", "_\r\n"),
    ("blpop b1 x", "-ERR timeout is not a float or out of range\r\n", SAME),
    ("blpop b1 -1", "-ERR timeout is negative\r\n", SAME),
    ("blpop str 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("blmove b1 b2 left right 0", "$1\r\nb\r\n", SAME),
    ("blmove nol b2 left right 0.01", "*-1\r\n", "_\r\n"),
    ("blmove b1 b2 up right 0", "-ERR syntax error\r\n", SAME),
    ("blmove b1 b2 left right x", "-ERR timeout is not a float or out of range\r\n", SAME),
    ("brpoplpush b2 b3 0", "$1\r\nb\r\n", SAME),
    ("brpoplpush nol b3 0.01", "*-1\r\n", "_\r\n"),
    ("brpoplpush b2 b3 -1", "-ERR timeout is negative\r\n", SAME),
    ("rpush b4 a b c", ":3\r\n", SAME),
    ("blmpop 0 2 nol b4 right count 2", "*2\r\n$2\r\nb4\r\n*2\r\n$1\r\nc\r\n$1\r\nb\r\n", SAME),
    ("blmpop 0.01 1 nol left", "*-1\r\n", "_\r\n"),
    ("blmpop x 1 nol left", "-ERR timeout is not a float or out of range\r\n", SAME),
    ("blmpop -1 1 nol left", "-ERR timeout is negative\r\n", SAME),
    ("blmpop 0 0 nol left", "-ERR numkeys should be greater than 0\r\n", SAME),
    ("blmpop 0 1 str left", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("lpush", "-ERR wrong number of arguments for 'lpush' command\r\n", SAME),
    ("lpush l", "-ERR wrong number of arguments for 'lpush' command\r\n", SAME),
    ("rpush l", "-ERR wrong number of arguments for 'rpush' command\r\n", SAME),
    ("lpushx l", "-ERR wrong number of arguments for 'lpushx' command\r\n", SAME),
    ("rpushx l", "-ERR wrong number of arguments for 'rpushx' command\r\n", SAME),
    ("lpop", "-ERR wrong number of arguments for 'lpop' command\r\n", SAME),
    ("rpop", "-ERR wrong number of arguments for 'rpop' command\r\n", SAME),
    ("llen", "-ERR wrong number of arguments for 'llen' command\r\n", SAME),
    ("llen a b", "-ERR wrong number of arguments for 'llen' command\r\n", SAME),
    ("lindex l", "-ERR wrong number of arguments for 'lindex' command\r\n", SAME),
    ("lset l 0", "-ERR wrong number of arguments for 'lset' command\r\n", SAME),
    ("lrange l 0", "-ERR wrong number of arguments for 'lrange' command\r\n", SAME),
    ("ltrim l 0", "-ERR wrong number of arguments for 'ltrim' command\r\n", SAME),
    ("lrem l 0", "-ERR wrong number of arguments for 'lrem' command\r\n", SAME),
    ("linsert l before a", "-ERR wrong number of arguments for 'linsert' command\r\n", SAME),
    ("lpos l", "-ERR wrong number of arguments for 'lpos' command\r\n", SAME),
    ("lmove a b left", "-ERR wrong number of arguments for 'lmove' command\r\n", SAME),
    ("rpoplpush a", "-ERR wrong number of arguments for 'rpoplpush' command\r\n", SAME),
    ("lmpop 1 a", "-ERR wrong number of arguments for 'lmpop' command\r\n", SAME),
    ("blpop a", "-ERR wrong number of arguments for 'blpop' command\r\n", SAME),
    ("brpop a", "-ERR wrong number of arguments for 'brpop' command\r\n", SAME),
    ("blmove a b left left", "-ERR wrong number of arguments for 'blmove' command\r\n", SAME),
    ("brpoplpush a b", "-ERR wrong number of arguments for 'brpoplpush' command\r\n", SAME),
    ("blmpop 0 1 a", "-ERR wrong number of arguments for 'blmpop' command\r\n", SAME),
    ("lpush e ''", ":1\r\n", SAME),
    ("lrange e 0 -1", "*1\r\n$0\r\n\r\n", SAME),
    ("lpos e ''", ":0\r\n", SAME),
    ("lpush str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("rpush str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("lpushx str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("rpushx str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("brpop str 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("blmove str d left left 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("brpoplpush str d 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("rpush l9 a", ":1\r\n", SAME),
    ("blmove l9 str left left 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("brpoplpush l9 str 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("lrange l9 0 -1", "*1\r\n$1\r\na\r\n", SAME),
];
