//! String commands over RESP (in-process): every command, option and error, RESP2 and RESP3
//! bytes.

#[path = "resp_util/mod.rs"]
mod resp_util;

use resp_util::{arity, bulk, Client, NOT_INT, START_MS, SYNTAX, WRONGTYPE};

const NIL2: &str = "$-1\r\n";
const NIL3: &str = "_\r\n";

#[test]
fn get_and_set_with_every_option() -> keyp::Result<()> {
    let mut c = Client::new()?;
    assert_eq!(c.both("GET k"), (NIL2.into(), NIL3.into()));
    c.expect_all(&[
        ("SET k v", "+OK\r\n"),
        ("GET k", &bulk("v")),
        ("SET k v2 XX GET", &bulk("v")),
        ("SET k v3 NX GET", &bulk("v2")),
        ("GET k", &bulk("v2")),
        ("SET k v EX 100", "+OK\r\n"),
        ("TTL k", ":100\r\n"),
        ("SET k v KEEPTTL", "+OK\r\n"),
        ("TTL k", ":100\r\n"),
        ("SET k v", "+OK\r\n"),
        ("TTL k", ":-1\r\n"),
        ("SET k v PX 1500", "+OK\r\n"),
        ("PTTL k", ":1500\r\n"),
        ("SET k v EXAT 1700000100", "+OK\r\n"),
        ("TTL k", ":100\r\n"),
        ("SET k v PXAT 1700000000500", "+OK\r\n"),
        ("PTTL k", ":500\r\n"),
        ("SET k v EX 1 EX 2", "+OK\r\n"),
        ("TTL k", ":2\r\n"),
        ("set k v2 nx get", &bulk("v")),
    ]);
    assert_eq!(c.both("SET k v NX"), (NIL2.into(), NIL3.into()));
    assert_eq!(c.both("SET other v XX"), (NIL2.into(), NIL3.into()));
    assert_eq!(c.both("SET other v XX GET"), (NIL2.into(), NIL3.into()));
    assert_eq!(c.run("EXISTS other"), ":0\r\n");
    c.expect_all(&[
        ("SET k v NX XX", SYNTAX),
        ("SET k v XX NX", SYNTAX),
        ("SET k v EX 1 PX 1", SYNTAX),
        ("SET k v EX 1 KEEPTTL", SYNTAX),
        ("SET k v KEEPTTL PXAT 1", SYNTAX),
        ("SET k v EX", SYNTAX),
        ("SET k v PERSIST", SYNTAX),
        ("SET k v foo", SYNTAX),
        ("SET k v EX x", NOT_INT),
        (
            "SET k v EX 0",
            "-ERR invalid expire time in 'set' command\r\n",
        ),
        (
            "SET k v PX -5",
            "-ERR invalid expire time in 'set' command\r\n",
        ),
        (
            "SET k v EX 9223372036854775807",
            "-ERR invalid expire time in 'set' command\r\n",
        ),
        ("SET k", &arity("set")),
        ("GET", &arity("get")),
        ("GET a b", &arity("get")),
    ]);
    c.make_list("l")?;
    c.expect_all(&[
        ("GET l", WRONGTYPE),
        ("SET l v GET", WRONGTYPE),
        ("TYPE l", "+list\r\n"),
        ("SET l v", "+OK\r\n"),
        ("TYPE l", "+string\r\n"),
    ]);
    // A deadline already past: the key is gone.
    c.expect_all(&[("SET gone v PXAT 5", "+OK\r\n"), ("EXISTS gone", ":0\r\n")]);
    Ok(())
}

#[test]
fn setnx_setex_psetex_getset_getdel() -> keyp::Result<()> {
    let mut c = Client::new()?;
    c.make_list("l")?;
    c.expect_all(&[
        ("SETNX k 1", ":1\r\n"),
        ("SETNX k 2", ":0\r\n"),
        ("GET k", &bulk("1")),
        ("SETNX", &arity("setnx")),
        ("SETEX k 10 v", "+OK\r\n"),
        ("TTL k", ":10\r\n"),
        (
            "SETEX k 0 v",
            "-ERR invalid expire time in 'setex' command\r\n",
        ),
        ("SETEX k x v", NOT_INT),
        ("PSETEX k 2500 v", "+OK\r\n"),
        ("PTTL k", ":2500\r\n"),
        (
            "PSETEX k -1 v",
            "-ERR invalid expire time in 'psetex' command\r\n",
        ),
        ("PSETEX k", &arity("psetex")),
        ("GETSET k new", &bulk("v")),
        ("TTL k", ":-1\r\n"),
        ("GETSET l new", WRONGTYPE),
        ("GETDEL k", &bulk("new")),
        ("GETDEL l", WRONGTYPE),
        ("GETDEL l x", &arity("getdel")),
    ]);
    assert_eq!(c.both("GETDEL k"), (NIL2.into(), NIL3.into()));
    assert_eq!(c.both("GETSET k a"), (NIL2.into(), NIL3.into()));
    Ok(())
}

#[test]
fn mget_mset_msetnx() -> keyp::Result<()> {
    let mut c = Client::new()?;
    c.make_list("l")?;
    c.expect_all(&[
        ("MSET a 1 b 2", "+OK\r\n"),
        ("MSET a 1 b", &arity("mset")),
        ("MSETNX a 5 c 3", ":0\r\n"),
        ("MSETNX c 3 d 4", ":1\r\n"),
        ("MSETNX c", &arity("msetnx")),
        ("MSETNX c 3 d", &arity("msetnx")),
        ("MGET", &arity("mget")),
    ]);
    assert_eq!(
        c.both("MGET a missing l d"),
        (
            "*4\r\n$1\r\n1\r\n$-1\r\n$-1\r\n$1\r\n4\r\n".into(),
            "*4\r\n$1\r\n1\r\n_\r\n_\r\n$1\r\n4\r\n".into()
        )
    );
    Ok(())
}

#[test]
fn getex_options_and_their_order() -> keyp::Result<()> {
    let mut c = Client::new()?;
    c.make_list("l")?;
    c.run("SET k v");
    c.expect_all(&[
        ("GETEX k", &bulk("v")),
        ("GETEX k EX 100", &bulk("v")),
        ("TTL k", ":100\r\n"),
        ("GETEX k PX 5000", &bulk("v")),
        ("PTTL k", ":5000\r\n"),
        ("GETEX k EXAT 1700000200", &bulk("v")),
        ("TTL k", ":200\r\n"),
        ("GETEX k PXAT 1700000300000", &bulk("v")),
        ("TTL k", ":300\r\n"),
        ("GETEX k PERSIST", &bulk("v")),
        ("TTL k", ":-1\r\n"),
        ("GETEX k EX 1 PERSIST", SYNTAX),
        ("GETEX k PERSIST EX 1", SYNTAX),
        ("GETEX k KEEPTTL", SYNTAX),
        ("GETEX k NX", SYNTAX),
        ("GETEX k EX", SYNTAX),
        ("GETEX k EX x", NOT_INT),
        (
            "GETEX k EX 0",
            "-ERR invalid expire time in 'getex' command\r\n",
        ),
        ("GETEX l", WRONGTYPE),
        ("GETEX l EX x", WRONGTYPE),
        ("GETEX", &arity("getex")),
        // A past deadline deletes the key after reading it.
        ("GETEX k EXAT 1", &bulk("v")),
        ("EXISTS k", ":0\r\n"),
    ]);
    // A missing key is looked up before the expiry is parsed.
    assert_eq!(c.both("GETEX missing EX x"), (NIL2.into(), NIL3.into()));
    assert_eq!(c.both("GETEX missing EX 0"), (NIL2.into(), NIL3.into()));
    Ok(())
}

#[test]
fn append_strlen_ranges() -> keyp::Result<()> {
    let mut c = Client::new()?;
    c.make_list("l")?;
    c.expect_all(&[
        ("APPEND s hello", ":5\r\n"),
        ("APPEND s _world", ":11\r\n"),
        ("STRLEN s", ":11\r\n"),
        ("STRLEN missing", ":0\r\n"),
        ("GETRANGE s 0 4", &bulk("hello")),
        ("GETRANGE s -5 -1", &bulk("world")),
        ("GETRANGE s 5 1", &bulk("")),
        ("GETRANGE missing 0 -1", &bulk("")),
        ("GETRANGE s x 1", NOT_INT),
        ("GETRANGE s 0 x", NOT_INT),
        ("SUBSTR s 0 0", &bulk("h")),
        ("SETRANGE s 6 W", ":11\r\n"),
        ("GET s", &bulk("hello_World")),
        ("SETRANGE s 13 !", ":14\r\n"),
        ("GET s", "$14\r\nhello_World\0\0!\r\n"),
        ("SETRANGE s -1 x", "-ERR offset is out of range\r\n"),
        ("SETRANGE s x x", NOT_INT),
        ("SETRANGE new 0 ''", ":0\r\n"),
        ("EXISTS new", ":0\r\n"),
        ("APPEND l x", WRONGTYPE),
        ("STRLEN l", WRONGTYPE),
        ("GETRANGE l 0 1", WRONGTYPE),
        ("SETRANGE l 0 x", WRONGTYPE),
        ("APPEND s", &arity("append")),
        ("SUBSTR s 0", &arity("substr")),
        ("SETRANGE s 0", &arity("setrange")),
        ("GETRANGE s 0", &arity("getrange")),
        (
            "SETRANGE s 536870912 x",
            "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
        ),
    ]);
    Ok(())
}

#[test]
fn counters() -> keyp::Result<()> {
    let mut c = Client::new()?;
    c.make_list("l")?;
    c.raw(&[b"SET", b"sp", b" 1"]);
    c.expect_all(&[
        ("INCR sp", NOT_INT),
        ("INCR n", ":1\r\n"),
        ("INCRBY n 10", ":11\r\n"),
        ("DECR n", ":10\r\n"),
        ("DECRBY n 20", ":-10\r\n"),
        ("INCRBY n x", NOT_INT),
        ("DECRBY n 1.5", NOT_INT),
        (
            "DECRBY n -9223372036854775808",
            "-ERR decrement would overflow\r\n",
        ),
        ("SET n 9223372036854775807", "+OK\r\n"),
        ("INCR n", "-ERR increment or decrement would overflow\r\n"),
        ("SET s 01", "+OK\r\n"),
        ("INCR s", NOT_INT),
        ("INCR l", WRONGTYPE),
        ("INCR", &arity("incr")),
        ("DECR", &arity("decr")),
        ("INCRBY n", &arity("incrby")),
        ("DECRBY n", &arity("decrby")),
        ("INCRBYFLOAT f 10.5", &bulk("10.5")),
        ("INCRBYFLOAT f 0.1", &bulk("10.6")),
        // As Redis computes it, in long double.
        ("INCRBYFLOAT f -5.0e3", &bulk("-4989.39999999999999991")),
        ("INCRBYFLOAT f x", "-ERR value is not a valid float\r\n"),
        (
            "INCRBYFLOAT f inf",
            "-ERR increment would produce NaN or Infinity\r\n",
        ),
        ("INCRBYFLOAT l 1", WRONGTYPE),
        ("INCRBYFLOAT f", &arity("incrbyfloat")),
        ("SET i 3", "+OK\r\n"),
        ("INCRBYFLOAT i 1", &bulk("4")),
        ("OBJECT ENCODING i", &bulk("embstr")),
    ]);
    Ok(())
}

#[test]
fn lcs_every_form() -> keyp::Result<()> {
    let mut c = Client::new()?;
    c.make_list("l")?;
    c.run("MSET a ohmytext b mynewtext");
    c.expect_all(&[
        ("LCS a b", &bulk("mytext")),
        ("LCS a b LEN", ":6\r\n"),
        ("LCS a missing", &bulk("")),
        (
            "LCS a b LEN IDX",
            "-ERR If you want both the length and indexes, please just use IDX.\r\n",
        ),
        ("LCS a b foo", SYNTAX),
        ("LCS a b MINMATCHLEN x", NOT_INT),
        ("LCS a b MINMATCHLEN", SYNTAX),
        (
            "LCS a l",
            "-ERR The specified keys must contain string values\r\n",
        ),
        (
            "LCS l a foo",
            "-ERR The specified keys must contain string values\r\n",
        ),
        ("LCS a", &arity("lcs")),
    ]);
    let (resp2, resp3) = c.both("LCS a b IDX MINMATCHLEN 4 WITHMATCHLEN");
    let body = "*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n";
    assert_eq!(resp2, format!("*4\r\n$7\r\nmatches\r\n{body}"));
    assert_eq!(resp3, format!("%2\r\n$7\r\nmatches\r\n{body}"));
    let (resp2, _) = c.both("LCS a b IDX");
    assert_eq!(
        resp2,
        "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n\
         *2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n"
    );
    Ok(())
}

#[test]
fn expiry_follows_the_clock() -> keyp::Result<()> {
    let mut c = Client::new()?;
    c.run("SET k v EX 10");
    c.clock.set(START_MS + 10_000);
    assert_eq!(c.run("GET k"), bulk("v"));
    c.clock.set(START_MS + 10_001);
    assert_eq!(c.run("GET k"), NIL2);
    Ok(())
}
