//! RESP tests of the sorted-set commands: every command, its errors, WRONGTYPE and arity, in
//! RESP2 and RESP3 (scores as doubles, WITHSCORES as pairs), against replies taken from
//! redis-server 7.0.15; the blocking pops woken by another session.

mod resp_coll;

use std::time::Duration;

use keyp::resp::Protocol;
use keyp::{Bytes, Result};
use resp_coll::{arr, bulk, int, Client, SAME};

#[test]
fn zset_commands_match_redis() -> Result<()> {
    Client::script(SCRIPT)
}

/// ZUNION and its kin look their input keys up (WRONGTYPE) before reading the options, and
/// take plain sets with a score of 1.
#[test]
fn combine_checks_keys_before_options() -> Result<()> {
    Client::script(KEYS_BEFORE_OPTIONS)
}

/// A BZPOPMIN blocked in one session's thread is woken by a ZADD from another session.
#[test]
fn bzpopmin_is_woken_by_another_sessions_zadd() -> Result<()> {
    let client = Client::new()?;
    let mut waiter = client.other_session();
    let mut adder = client.other_session();
    let blocked = std::thread::spawn(move || {
        let args: Vec<Bytes> = ["BZPOPMIN", "none", "z", "0"]
            .iter()
            .map(|s| Bytes::from(*s))
            .collect();
        waiter.execute(&args).to_bytes(Protocol::Resp2)
    });
    while client.store.blocked_on("z") == 0 {
        std::thread::sleep(Duration::from_millis(1));
    }
    let added = adder.execute(&[
        Bytes::from("ZADD"),
        Bytes::from("z"),
        Bytes::from("2.5"),
        Bytes::from("m"),
    ]);
    assert_eq!(added.to_bytes(Protocol::Resp2), b":1\r\n");
    let reply = blocked.join().expect("the blocked thread");
    assert_eq!(
        String::from_utf8_lossy(&reply),
        arr(&[bulk("z"), bulk("m"), bulk("2.5")])
    );
    Ok(())
}

/// The one-shot forms (what EXEC runs) never wait.
#[test]
fn blocking_zset_commands_once() -> Result<()> {
    let mut c = Client::new()?;
    c.run("ZADD z 1 a 2 b 3 c");
    c.run("SET str x");
    assert_eq!(
        c.once("BZPOPMIN none z 0"),
        arr(&[bulk("z"), bulk("a"), bulk("1")])
    );
    assert_eq!(
        c.once("BZPOPMAX none z 0"),
        arr(&[bulk("z"), bulk("c"), bulk("3")])
    );
    assert_eq!(c.once("BZPOPMIN none 0"), "*-1\r\n");
    assert_eq!(c.once("BZPOPMIN str 0"), resp_coll::WRONGTYPE);
    assert_eq!(c.once("BZPOPMIN z -1"), "-ERR timeout is negative\r\n");
    assert_eq!(
        c.once("BZMPOP 0 1 z MIN COUNT 3"),
        arr(&[bulk("z"), arr(&[arr(&[bulk("b"), bulk("2")])])])
    );
    assert_eq!(c.once("BZMPOP 0 1 z MIN"), "*-1\r\n");
    assert_eq!(
        c.once("BZMPOP x 1 z MIN"),
        "-ERR timeout is not a float or out of range\r\n"
    );
    assert_eq!(c.run("EXISTS z"), int(0));
    Ok(())
}

/// Members of 600 bytes and 1 MiB.
#[test]
fn large_members() -> Result<()> {
    let mut c = Client::new()?;
    for size in [600, 1 << 20] {
        let big = Bytes::from(vec![b'z'; size]);
        let add = [
            Bytes::from("ZADD"),
            Bytes::from("z"),
            Bytes::from("1.5"),
            big.clone(),
        ];
        assert_eq!(c.args(&add), int(1));
        let score = [Bytes::from("ZSCORE"), Bytes::from("z"), big.clone()];
        assert_eq!(c.args(&score), bulk("1.5"));
        let rem = [Bytes::from("ZREM"), Bytes::from("z"), big];
        assert_eq!(c.args(&rem), int(1));
    }
    Ok(())
}

const SCRIPT: &[(&str, &str, &str)] = &[
    ("set str x", "+OK\r\n", SAME),
    ("zadd z 1 a 2 b 3 c", ":3\r\n", SAME),
    ("zadd z 1.5 a", ":0\r\n", SAME),
    ("zadd z nx 9 a 4 d", ":1\r\n", SAME),
    ("zadd z xx ch 2 a 5 nomember", ":1\r\n", SAME),
    ("zadd z gt ch 1 a 3 b", ":1\r\n", SAME),
    ("zadd z lt 0.5 c", ":0\r\n", SAME),
    ("zadd z incr 10 a", "$2\r\n12\r\n", ",12\r\n"),
    ("zadd z nx incr 1 a", "$-1\r\n", "_\r\n"),
    ("zadd z xx incr 1 nomember", "$-1\r\n", "_\r\n"),
    ("zadd z nx xx 1 a", "-ERR XX and NX options at the same time are not compatible\r\n", SAME),
    ("zadd z gt lt 1 a", "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n", SAME),
    ("zadd z gt nx 1 a", "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n", SAME),
    ("zadd z incr 1 a 2 b", "-ERR INCR option supports a single increment-element pair\r\n", SAME),
    ("zadd z 1 a 2", "-ERR syntax error\r\n", SAME),
    ("zadd z x a", "-ERR value is not a valid float\r\n", SAME),
    ("zadd z nan a", "-ERR value is not a valid float\r\n", SAME),
    ("zadd z bogus 1 a", "-ERR syntax error\r\n", SAME),
    ("zadd str 1 a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zadd z incr inf a", "$3\r\ninf\r\n", ",inf\r\n"),
    ("zadd z incr -inf a", "-ERR resulting score is not a number (NaN)\r\n", SAME),
    ("zadd z 12 a", ":0\r\n", SAME),
    ("zadd z +inf inf -inf ninf", ":2\r\n", SAME),
    ("zrange z 0 -1 withscores", "*12\r\n$4\r\nninf\r\n$4\r\n-inf\r\n$1\r\nc\r\n$3\r\n0.5\r\n$1\r\nb\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\na\r\n$2\r\n12\r\n$3\r\ninf\r\n$3\r\ninf\r\n", "*6\r\n*2\r\n$4\r\nninf\r\n,-inf\r\n*2\r\n$1\r\nc\r\n,0.5\r\n*2\r\n$1\r\nb\r\n,3\r\n*2\r\n$1\r\nd\r\n,4\r\n*2\r\n$1\r\na\r\n,12\r\n*2\r\n$3\r\ninf\r\n,inf\r\n"),
    ("zincrby z 2.5 b", "$3\r\n5.5\r\n", ",5.5\r\n"),
    ("zincrby z x b", "-ERR value is not a valid float\r\n", SAME),
    ("zincrby z 1 newm", "$1\r\n1\r\n", ",1\r\n"),
    ("zincrby str 1 a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zincrby z 1 nothere", "$1\r\n1\r\n", ",1\r\n"),
    ("zincrby z inf inf", "$3\r\ninf\r\n", ",inf\r\n"),
    ("zincrby z -inf inf", "-ERR resulting score is not a number (NaN)\r\n", SAME),
    ("zrem z nothere newm", ":2\r\n", SAME),
    ("zrem nokey a", ":0\r\n", SAME),
    ("zrem str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zcard z", ":6\r\n", SAME),
    ("zcard nokey", ":0\r\n", SAME),
    ("zcard str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zcount z -inf +inf", ":6\r\n", SAME),
    ("zcount z (1 3", ":0\r\n", SAME),
    ("zcount z 0.5 (4", ":1\r\n", SAME),
    ("zcount z x 1", "-ERR min or max is not a float\r\n", SAME),
    ("zcount z 1 x", "-ERR min or max is not a float\r\n", SAME),
    ("zcount nokey 0 1", ":0\r\n", SAME),
    ("zcount str 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zcount str x 1", "-ERR min or max is not a float\r\n", SAME),
    ("zlexcount z - +", ":6\r\n", SAME),
    ("zlexcount z [a (c", ":0\r\n", SAME),
    ("zlexcount z a c", "-ERR min or max not valid string range item\r\n", SAME),
    ("zlexcount nokey - +", ":0\r\n", SAME),
    ("zlexcount str - +", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zscore z b", "$3\r\n5.5\r\n", ",5.5\r\n"),
    ("zscore z inf", "$3\r\ninf\r\n", ",inf\r\n"),
    ("zscore z ninf", "$4\r\n-inf\r\n", ",-inf\r\n"),
    ("zscore z nothere", "$-1\r\n", "_\r\n"),
    ("zscore nokey a", "$-1\r\n", "_\r\n"),
    ("zscore str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zmscore z b nothere c", "*3\r\n$3\r\n5.5\r\n$-1\r\n$3\r\n0.5\r\n", "*3\r\n,5.5\r\n_\r\n,0.5\r\n"),
    ("zmscore nokey a b", "*2\r\n$-1\r\n$-1\r\n", "*2\r\n_\r\n_\r\n"),
    ("zmscore str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zrank z c", ":1\r\n", SAME),
    ("zrank z nothere", "$-1\r\n", "_\r\n"),
    ("zrevrank z c", ":4\r\n", SAME),
    ("zrank nokey a", "$-1\r\n", "_\r\n"),
    ("zrank str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zrevrank str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zadd r 0.1 a 0.2 b 1e20 c 3 d 1.5e-5 e -0 f 123456789012345678 g", ":7\r\n", SAME),
    ("zrange r 0 -1 withscores", "*14\r\n$1\r\nf\r\n$1\r\n0\r\n$1\r\ne\r\n$7\r\n1.5e-05\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n$1\r\nb\r\n$19\r\n0.20000000000000001\r\n$1\r\nd\r\n$1\r\n3\r\n$1\r\ng\r\n$22\r\n1.2345678901234568e+17\r\n$1\r\nc\r\n$5\r\n1e+20\r\n", "*7\r\n*2\r\n$1\r\nf\r\n,0\r\n*2\r\n$1\r\ne\r\n,1.5e-05\r\n*2\r\n$1\r\na\r\n,0.10000000000000001\r\n*2\r\n$1\r\nb\r\n,0.20000000000000001\r\n*2\r\n$1\r\nd\r\n,3\r\n*2\r\n$1\r\ng\r\n,1.2345678901234568e+17\r\n*2\r\n$1\r\nc\r\n,1e+20\r\n"),
    ("zrange r 0 -1", "*7\r\n$1\r\nf\r\n$1\r\ne\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nd\r\n$1\r\ng\r\n$1\r\nc\r\n", SAME),
    ("zrange r 2 3", "*2\r\n$1\r\na\r\n$1\r\nb\r\n", SAME),
    ("zrange r -2 -1 withscores", "*4\r\n$1\r\ng\r\n$22\r\n1.2345678901234568e+17\r\n$1\r\nc\r\n$5\r\n1e+20\r\n", "*2\r\n*2\r\n$1\r\ng\r\n,1.2345678901234568e+17\r\n*2\r\n$1\r\nc\r\n,1e+20\r\n"),
    ("zrange r 0 -1 rev withscores", "*14\r\n$1\r\nc\r\n$5\r\n1e+20\r\n$1\r\ng\r\n$22\r\n1.2345678901234568e+17\r\n$1\r\nd\r\n$1\r\n3\r\n$1\r\nb\r\n$19\r\n0.20000000000000001\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n$1\r\ne\r\n$7\r\n1.5e-05\r\n$1\r\nf\r\n$1\r\n0\r\n", "*7\r\n*2\r\n$1\r\nc\r\n,1e+20\r\n*2\r\n$1\r\ng\r\n,1.2345678901234568e+17\r\n*2\r\n$1\r\nd\r\n,3\r\n*2\r\n$1\r\nb\r\n,0.20000000000000001\r\n*2\r\n$1\r\na\r\n,0.10000000000000001\r\n*2\r\n$1\r\ne\r\n,1.5e-05\r\n*2\r\n$1\r\nf\r\n,0\r\n"),
    ("zrange r (0.1 3 byscore withscores", "*4\r\n$1\r\nb\r\n$19\r\n0.20000000000000001\r\n$1\r\nd\r\n$1\r\n3\r\n", "*2\r\n*2\r\n$1\r\nb\r\n,0.20000000000000001\r\n*2\r\n$1\r\nd\r\n,3\r\n"),
    ("zrange r 3 (0.1 byscore rev", "*2\r\n$1\r\nd\r\n$1\r\nb\r\n", SAME),
    ("zrange r -inf +inf byscore limit 1 2", "*2\r\n$1\r\ne\r\n$1\r\na\r\n", SAME),
    ("zrange r -inf +inf byscore limit 1 -1 withscores", "*12\r\n$1\r\ne\r\n$7\r\n1.5e-05\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n$1\r\nb\r\n$19\r\n0.20000000000000001\r\n$1\r\nd\r\n$1\r\n3\r\n$1\r\ng\r\n$22\r\n1.2345678901234568e+17\r\n$1\r\nc\r\n$5\r\n1e+20\r\n", "*6\r\n*2\r\n$1\r\ne\r\n,1.5e-05\r\n*2\r\n$1\r\na\r\n,0.10000000000000001\r\n*2\r\n$1\r\nb\r\n,0.20000000000000001\r\n*2\r\n$1\r\nd\r\n,3\r\n*2\r\n$1\r\ng\r\n,1.2345678901234568e+17\r\n*2\r\n$1\r\nc\r\n,1e+20\r\n"),
    ("zrange r [a (d bylex", "*0\r\n", SAME),
    ("zrange r (d [a bylex rev", "*0\r\n", SAME),
    ("zrange r - + bylex limit 2 2", "*2\r\n$1\r\na\r\n$1\r\nb\r\n", SAME),
    ("zrange r x 1", "-ERR value is not an integer or out of range\r\n", SAME),
    ("zrange r 0 1 byscore bylex", "-ERR syntax error\r\n", SAME),
    ("zrange r 0 1 limit 0 1", "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n", SAME),
    ("zrange r - + bylex withscores", "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n", SAME),
    ("zrange r x 1 byscore", "-ERR min or max is not a float\r\n", SAME),
    ("zrange r a b bylex", "-ERR min or max not valid string range item\r\n", SAME),
    ("zrange r 0 1 bogus", "-ERR syntax error\r\n", SAME),
    ("zrange r 0 1 byscore limit 0", "-ERR syntax error\r\n", SAME),
    ("zrange r 0 1 byscore limit x 1", "-ERR value is not an integer or out of range\r\n", SAME),
    ("zrange nokey 0 -1", "*0\r\n", SAME),
    ("zrange str 0 -1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zrevrange r 0 2 withscores", "*6\r\n$1\r\nc\r\n$5\r\n1e+20\r\n$1\r\ng\r\n$22\r\n1.2345678901234568e+17\r\n$1\r\nd\r\n$1\r\n3\r\n", "*3\r\n*2\r\n$1\r\nc\r\n,1e+20\r\n*2\r\n$1\r\ng\r\n,1.2345678901234568e+17\r\n*2\r\n$1\r\nd\r\n,3\r\n"),
    ("zrevrange r 0 2", "*3\r\n$1\r\nc\r\n$1\r\ng\r\n$1\r\nd\r\n", SAME),
    ("zrevrange r x 2", "-ERR value is not an integer or out of range\r\n", SAME),
    ("zrevrange str 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zrangebyscore r 0.1 3 withscores", "*6\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n$1\r\nb\r\n$19\r\n0.20000000000000001\r\n$1\r\nd\r\n$1\r\n3\r\n", "*3\r\n*2\r\n$1\r\na\r\n,0.10000000000000001\r\n*2\r\n$1\r\nb\r\n,0.20000000000000001\r\n*2\r\n$1\r\nd\r\n,3\r\n"),
    ("zrangebyscore r (0.1 3 limit 0 2", "*2\r\n$1\r\nb\r\n$1\r\nd\r\n", SAME),
    ("zrangebyscore r x 3", "-ERR min or max is not a float\r\n", SAME),
    ("zrangebyscore r 0 1 bogus", "-ERR syntax error\r\n", SAME),
    ("zrangebyscore str 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zrevrangebyscore r 3 0.1 withscores", "*6\r\n$1\r\nd\r\n$1\r\n3\r\n$1\r\nb\r\n$19\r\n0.20000000000000001\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n", "*3\r\n*2\r\n$1\r\nd\r\n,3\r\n*2\r\n$1\r\nb\r\n,0.20000000000000001\r\n*2\r\n$1\r\na\r\n,0.10000000000000001\r\n"),
    ("zrevrangebyscore r +inf -inf limit 1 1", "*1\r\n$1\r\ng\r\n", SAME),
    ("zrevrangebyscore r 1 x", "-ERR min or max is not a float\r\n", SAME),
    ("zrangebylex r - +", "*7\r\n$1\r\nf\r\n$1\r\ne\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nd\r\n$1\r\ng\r\n$1\r\nc\r\n", SAME),
    ("zrangebylex r [b [d limit 1 5", "*0\r\n", SAME),
    ("zrangebylex r b d", "-ERR min or max not valid string range item\r\n", SAME),
    ("zrangebylex r - + withscores", "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n", SAME),
    ("zrevrangebylex r + - limit 0 2", "*2\r\n$1\r\nc\r\n$1\r\ng\r\n", SAME),
    ("zrevrangebylex r [d (b", "*0\r\n", SAME),
    ("zrevrangebylex str + -", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zrangestore dst r 0 2", ":3\r\n", SAME),
    ("zrange dst 0 -1 withscores", "*6\r\n$1\r\nf\r\n$1\r\n0\r\n$1\r\ne\r\n$7\r\n1.5e-05\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n", "*3\r\n*2\r\n$1\r\nf\r\n,0\r\n*2\r\n$1\r\ne\r\n,1.5e-05\r\n*2\r\n$1\r\na\r\n,0.10000000000000001\r\n"),
    ("zrangestore dst r (0.1 3 byscore limit 0 1", ":1\r\n", SAME),
    ("zrange dst 0 -1 withscores", "*2\r\n$1\r\nb\r\n$19\r\n0.20000000000000001\r\n", "*1\r\n*2\r\n$1\r\nb\r\n,0.20000000000000001\r\n"),
    ("zrangestore dst r 5 10", ":2\r\n", SAME),
    ("exists dst", ":1\r\n", SAME),
    ("zrangestore dst nokey 0 -1", ":0\r\n", SAME),
    ("zrangestore dst r 0 1 withscores", "-ERR syntax error\r\n", SAME),
    ("zrangestore dst str 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zrangestore str r 0 0", ":1\r\n", SAME),
    ("zrange str 0 -1 withscores", "*2\r\n$1\r\nf\r\n$1\r\n0\r\n", "*1\r\n*2\r\n$1\r\nf\r\n,0\r\n"),
    ("set str x", "+OK\r\n", SAME),
    ("zadd rm 1 a 2 b 3 c 4 d 5 e", ":5\r\n", SAME),
    ("zremrangebyrank rm 0 0", ":1\r\n", SAME),
    ("zremrangebyrank rm -1 -1", ":1\r\n", SAME),
    ("zremrangebyrank rm x 1", "-ERR value is not an integer or out of range\r\n", SAME),
    ("zremrangebyrank nokey 0 1", ":0\r\n", SAME),
    ("zremrangebyrank str 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zremrangebyscore rm (2 3", ":1\r\n", SAME),
    ("zremrangebyscore rm x 1", "-ERR min or max is not a float\r\n", SAME),
    ("zremrangebyscore str 0 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zremrangebylex rm [b [b", ":1\r\n", SAME),
    ("zremrangebylex rm b c", "-ERR min or max not valid string range item\r\n", SAME),
    ("zremrangebylex str - +", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zrange rm 0 -1 withscores", "*2\r\n$1\r\nd\r\n$1\r\n4\r\n", "*1\r\n*2\r\n$1\r\nd\r\n,4\r\n"),
    ("zremrangebyscore rm -inf +inf", ":1\r\n", SAME),
    ("exists rm", ":0\r\n", SAME),
    ("zadd p 1 a 2 b 3 c 4 d", ":4\r\n", SAME),
    ("zpopmin p", "*2\r\n$1\r\na\r\n$1\r\n1\r\n", "*2\r\n$1\r\na\r\n,1\r\n"),
    ("zpopmax p", "*2\r\n$1\r\nd\r\n$1\r\n4\r\n", "*2\r\n$1\r\nd\r\n,4\r\n"),
    ("zpopmin p 1", "*2\r\n$1\r\nb\r\n$1\r\n2\r\n", "*1\r\n*2\r\n$1\r\nb\r\n,2\r\n"),
    ("zpopmax p 5", "*2\r\n$1\r\nc\r\n$1\r\n3\r\n", "*1\r\n*2\r\n$1\r\nc\r\n,3\r\n"),
    ("zadd p 1 a", ":1\r\n", SAME),
    ("zpopmin p 0", "*0\r\n", SAME),
    ("zpopmin p -1", "-ERR value is out of range, must be positive\r\n", SAME),
    ("zpopmin p x", "-ERR value is out of range, must be positive\r\n", SAME),
    ("zpopmin p 1 2", "-ERR syntax error\r\n", SAME),
    ("zpopmin nokey", "*0\r\n", SAME),
    ("zpopmin nokey 2", "*0\r\n", SAME),
    ("zpopmin str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zpopmin str 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zpopmax str 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zadd mp 1 a 2 b 3 c", ":3\r\n", SAME),
    ("zmpop 2 nokey mp min", "*2\r\n$2\r\nmp\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", "*2\r\n$2\r\nmp\r\n*1\r\n*2\r\n$1\r\na\r\n,1\r\n"),
    ("zmpop 1 mp max count 5", "*2\r\n$2\r\nmp\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", "*2\r\n$2\r\nmp\r\n*2\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nb\r\n,2\r\n"),
    ("zmpop 1 mp min", "*-1\r\n", "_\r\n"),
    ("zmpop 0 mp min", "-ERR numkeys should be greater than 0\r\n", SAME),
    ("zmpop x mp min", "-ERR numkeys should be greater than 0\r\n", SAME),
    ("zmpop 1 mp bogus", "-ERR syntax error\r\n", SAME),
    ("zmpop 1 mp min count 0", "-ERR count should be greater than 0\r\n", SAME),
    ("zmpop 1 mp min count", "-ERR syntax error\r\n", SAME),
    ("zmpop 1 mp min count 1 count 1", "-ERR syntax error\r\n", SAME),
    ("zmpop 5 mp min", "-ERR syntax error\r\n", SAME),
    ("zmpop 1 str min", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zadd rnd 2.5 only", ":1\r\n", SAME),
    ("zrandmember rnd", "$4\r\nonly\r\n", SAME),
    ("zrandmember rnd 3", "*1\r\n$4\r\nonly\r\n", SAME),
    ("zrandmember rnd -2", "*2\r\n$4\r\nonly\r\n$4\r\nonly\r\n", SAME),
    ("zrandmember rnd 2 withscores", "*2\r\n$4\r\nonly\r\n$3\r\n2.5\r\n", "*1\r\n*2\r\n$4\r\nonly\r\n,2.5\r\n"),
    ("zrandmember rnd -2 withscores", "*4\r\n$4\r\nonly\r\n$3\r\n2.5\r\n$4\r\nonly\r\n$3\r\n2.5\r\n", "*2\r\n*2\r\n$4\r\nonly\r\n,2.5\r\n*2\r\n$4\r\nonly\r\n,2.5\r\n"),
    ("zrandmember rnd 0", "*0\r\n", SAME),
    ("zrandmember rnd 0 withscores", "*0\r\n", SAME),
    ("zrandmember rnd x", "-ERR value is not an integer or out of range\r\n", SAME),
    ("zrandmember rnd 1 bogus", "-ERR syntax error\r\n", SAME),
    ("zrandmember rnd 1 withscores x", "-ERR syntax error\r\n", SAME),
    ("zrandmember rnd x withscores", "-ERR value is not an integer or out of range\r\n", SAME),
    ("zrandmember rnd -9223372036854775808", "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n", SAME),
    ("zrandmember rnd 4611686018427387904 withscores", "-ERR value is out of range\r\n", SAME),
    ("zrandmember rnd -4611686018427387904 withscores", "-ERR value is out of range\r\n", SAME),
    ("zrandmember nokey", "$-1\r\n", "_\r\n"),
    ("zrandmember nokey 2", "*0\r\n", SAME),
    ("zrandmember nokey 2 withscores", "*0\r\n", SAME),
    ("zrandmember str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zrandmember str 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zadd u1 1 a 2 b 3 c", ":3\r\n", SAME),
    ("zadd u2 10 b 20 c 30 d", ":3\r\n", SAME),
    ("sadd us c d", ":2\r\n", SAME),
    ("zunion 2 u1 u2", "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n", SAME),
    ("zunion 2 u1 u2 withscores", "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n$1\r\nd\r\n$2\r\n30\r\n", "*4\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,12\r\n*2\r\n$1\r\nc\r\n,23\r\n*2\r\n$1\r\nd\r\n,30\r\n"),
    ("zunion 2 u1 u2 weights 2 0.5 withscores", "*8\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n9\r\n$1\r\nd\r\n$2\r\n15\r\n$1\r\nc\r\n$2\r\n16\r\n", "*4\r\n*2\r\n$1\r\na\r\n,2\r\n*2\r\n$1\r\nb\r\n,9\r\n*2\r\n$1\r\nd\r\n,15\r\n*2\r\n$1\r\nc\r\n,16\r\n"),
    ("zunion 2 u1 u2 aggregate min withscores", "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$2\r\n30\r\n", "*4\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nd\r\n,30\r\n"),
    ("zunion 2 u1 u2 aggregate max withscores", "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n10\r\n$1\r\nc\r\n$2\r\n20\r\n$1\r\nd\r\n$2\r\n30\r\n", "*4\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,10\r\n*2\r\n$1\r\nc\r\n,20\r\n*2\r\n$1\r\nd\r\n,30\r\n"),
    ("zunion 3 u1 u2 us withscores", "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n24\r\n$1\r\nd\r\n$2\r\n31\r\n", "*4\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,12\r\n*2\r\n$1\r\nc\r\n,24\r\n*2\r\n$1\r\nd\r\n,31\r\n"),
    ("zunion 2 u1 nokey withscores", "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n", "*3\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\nc\r\n,3\r\n"),
    ("zunion 0 u1", "-ERR at least 1 input key is needed for 'zunion' command\r\n", SAME),
    ("zunion x u1", "-ERR value is not an integer or out of range\r\n", SAME),
    ("zunion 3 u1 u2", "-ERR syntax error\r\n", SAME),
    ("zunion 2 u1 u2 weights 1", "-ERR syntax error\r\n", SAME),
    ("zunion 2 u1 u2 weights 1 x", "-ERR weight value is not a float\r\n", SAME),
    ("zunion 2 u1 u2 aggregate avg", "-ERR syntax error\r\n", SAME),
    ("zunion 2 u1 u2 bogus", "-ERR syntax error\r\n", SAME),
    ("zunion 1 str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zinter 2 u1 u2 withscores", "*4\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n", "*2\r\n*2\r\n$1\r\nb\r\n,12\r\n*2\r\n$1\r\nc\r\n,23\r\n"),
    ("zinter 2 u1 u2", "*2\r\n$1\r\nb\r\n$1\r\nc\r\n", SAME),
    ("zinter 3 u1 u2 us withscores", "*2\r\n$1\r\nc\r\n$2\r\n24\r\n", "*1\r\n*2\r\n$1\r\nc\r\n,24\r\n"),
    ("zinter 2 u1 nokey", "*0\r\n", SAME),
    ("zinter 2 u1 u2 weights 1 2 aggregate max withscores", "*4\r\n$1\r\nb\r\n$2\r\n20\r\n$1\r\nc\r\n$2\r\n40\r\n", "*2\r\n*2\r\n$1\r\nb\r\n,20\r\n*2\r\n$1\r\nc\r\n,40\r\n"),
    ("zinter 1 str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zdiff 2 u1 u2 withscores", "*2\r\n$1\r\na\r\n$1\r\n1\r\n", "*1\r\n*2\r\n$1\r\na\r\n,1\r\n"),
    ("zdiff 2 u1 u2", "*1\r\n$1\r\na\r\n", SAME),
    ("zdiff 2 u1 us", "*2\r\n$1\r\na\r\n$1\r\nb\r\n", SAME),
    ("zdiff 1 nokey", "*0\r\n", SAME),
    ("zdiff 2 u1 u2 weights 1 1", "-ERR syntax error\r\n", SAME),
    ("zdiff 2 u1 u2 aggregate sum", "-ERR syntax error\r\n", SAME),
    ("zdiff 1 str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zunionstore ds 2 u1 u2", ":4\r\n", SAME),
    ("zrange ds 0 -1 withscores", "*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n$1\r\nd\r\n$2\r\n30\r\n", "*4\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,12\r\n*2\r\n$1\r\nc\r\n,23\r\n*2\r\n$1\r\nd\r\n,30\r\n"),
    ("zunionstore ds 2 u1 u2 weights 1 -1 aggregate min", ":4\r\n", SAME),
    ("zrange ds 0 -1 withscores", "*8\r\n$1\r\nd\r\n$3\r\n-30\r\n$1\r\nc\r\n$3\r\n-20\r\n$1\r\nb\r\n$3\r\n-10\r\n$1\r\na\r\n$1\r\n1\r\n", "*4\r\n*2\r\n$1\r\nd\r\n,-30\r\n*2\r\n$1\r\nc\r\n,-20\r\n*2\r\n$1\r\nb\r\n,-10\r\n*2\r\n$1\r\na\r\n,1\r\n"),
    ("zunionstore ds 2 u1 u2 withscores", "-ERR syntax error\r\n", SAME),
    ("zunionstore ds 1 str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zinterstore ds 2 u1 u2", ":2\r\n", SAME),
    ("zrange ds 0 -1 withscores", "*4\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n", "*2\r\n*2\r\n$1\r\nb\r\n,12\r\n*2\r\n$1\r\nc\r\n,23\r\n"),
    ("zinterstore ds 2 u1 nokey", ":0\r\n", SAME),
    ("exists ds", ":0\r\n", SAME),
    ("zinterstore ds 1 str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zdiffstore ds 2 u1 u2", ":1\r\n", SAME),
    ("zrange ds 0 -1 withscores", "*2\r\n$1\r\na\r\n$1\r\n1\r\n", "*1\r\n*2\r\n$1\r\na\r\n,1\r\n"),
    ("zdiffstore ds 1 nokey", ":0\r\n", SAME),
    ("exists ds", ":0\r\n", SAME),
    ("zdiffstore ds 1 str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zintercard 2 u1 u2", ":2\r\n", SAME),
    ("zintercard 2 u1 u2 limit 1", ":1\r\n", SAME),
    ("zintercard 3 u1 u2 us", ":1\r\n", SAME),
    ("zintercard 2 u1 nokey", ":0\r\n", SAME),
    ("zintercard 0 u1", "-ERR at least 1 input key is needed for 'zintercard' command\r\n", SAME),
    ("zintercard x u1", "-ERR value is not an integer or out of range\r\n", SAME),
    ("zintercard 3 u1 u2", "-ERR syntax error\r\n", SAME),
    ("zintercard 2 u1 u2 limit -1", "-ERR LIMIT can't be negative\r\n", SAME),
    ("zintercard 2 u1 u2 limit x", "-ERR LIMIT can't be negative\r\n", SAME),
    ("zintercard 2 u1 u2 bogus 1", "-ERR syntax error\r\n", SAME),
    ("zintercard 1 str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zadd sc 1.5 a", ":1\r\n", SAME),
    ("zscan sc 0", "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$3\r\n1.5\r\n", SAME),
    ("zscan sc 0 match a*", "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$3\r\n1.5\r\n", SAME),
    ("zscan sc 0 match b*", "*2\r\n$1\r\n0\r\n*0\r\n", SAME),
    ("zscan sc 0 count 0", "-ERR syntax error\r\n", SAME),
    ("zscan sc 0 count x", "-ERR value is not an integer or out of range\r\n", SAME),
    ("zscan sc x", "-ERR invalid cursor\r\n", SAME),
    ("zscan nokey 0 count 0", "*2\r\n$1\r\n0\r\n*0\r\n", SAME),
    ("zscan str 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zadd bz 1 a 2 b 3 c", ":3\r\n", SAME),
    ("bzpopmin nokey bz 0", "*3\r\n$2\r\nbz\r\n$1\r\na\r\n$1\r\n1\r\n", "*3\r\n$2\r\nbz\r\n$1\r\na\r\n,1\r\n"),
    ("bzpopmax bz 0", "*3\r\n$2\r\nbz\r\n$1\r\nc\r\n$1\r\n3\r\n", "*3\r\n$2\r\nbz\r\n$1\r\nc\r\n,3\r\n"),
    ("bzpopmin nokey 0.01", "*-1\r\n", "_\r\n"),
    ("bzpopmax nokey 0.01", "*-1\r\n", "_\r\n"),
    ("bzpopmin bz x", "-ERR timeout is not a float or out of range\r\n", SAME),
    ("bzpopmin bz -1", "-ERR timeout is negative\r\n", SAME),
    ("bzpopmin str 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("bzmpop 0 2 nokey bz max count 5", "*2\r\n$2\r\nbz\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", "*2\r\n$2\r\nbz\r\n*1\r\n*2\r\n$1\r\nb\r\n,2\r\n"),
    ("bzmpop 0.01 1 bz min", "*-1\r\n", "_\r\n"),
    ("bzmpop x 1 bz min", "-ERR timeout is not a float or out of range\r\n", SAME),
    ("bzmpop -1 1 bz min", "-ERR timeout is negative\r\n", SAME),
    ("bzmpop 0 0 bz min", "-ERR numkeys should be greater than 0\r\n", SAME),
    ("bzmpop 0 1 bz bogus", "-ERR syntax error\r\n", SAME),
    ("bzmpop 0 1 str min", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zadd e 0 ''", ":1\r\n", SAME),
    ("zscore e ''", "$1\r\n0\r\n", ",0\r\n"),
    ("zrange e 0 -1 withscores", "*2\r\n$0\r\n\r\n$1\r\n0\r\n", "*1\r\n*2\r\n$0\r\n\r\n,0\r\n"),
    ("zadd", "-ERR wrong number of arguments for 'zadd' command\r\n", SAME),
    ("zadd z 1", "-ERR wrong number of arguments for 'zadd' command\r\n", SAME),
    ("zincrby z 1", "-ERR wrong number of arguments for 'zincrby' command\r\n", SAME),
    ("zrem z", "-ERR wrong number of arguments for 'zrem' command\r\n", SAME),
    ("zcard", "-ERR wrong number of arguments for 'zcard' command\r\n", SAME),
    ("zcount z 1", "-ERR wrong number of arguments for 'zcount' command\r\n", SAME),
    ("zlexcount z a", "-ERR wrong number of arguments for 'zlexcount' command\r\n", SAME),
    ("zscore z", "-ERR wrong number of arguments for 'zscore' command\r\n", SAME),
    ("zmscore z", "-ERR wrong number of arguments for 'zmscore' command\r\n", SAME),
    ("zrank z", "-ERR wrong number of arguments for 'zrank' command\r\n", SAME),
    ("zrevrank z", "-ERR wrong number of arguments for 'zrevrank' command\r\n", SAME),
    ("zrange z 0", "-ERR wrong number of arguments for 'zrange' command\r\n", SAME),
    ("zrangestore d z 0", "-ERR wrong number of arguments for 'zrangestore' command\r\n", SAME),
    ("zrevrange z 0", "-ERR wrong number of arguments for 'zrevrange' command\r\n", SAME),
    ("zrangebyscore z 0", "-ERR wrong number of arguments for 'zrangebyscore' command\r\n", SAME),
    ("zrevrangebyscore z 0", "-ERR wrong number of arguments for 'zrevrangebyscore' command\r\n", SAME),
    ("zrangebylex z a", "-ERR wrong number of arguments for 'zrangebylex' command\r\n", SAME),
    ("zrevrangebylex z a", "-ERR wrong number of arguments for 'zrevrangebylex' command\r\n", SAME),
    ("zremrangebyrank z 0", "-ERR wrong number of arguments for 'zremrangebyrank' command\r\n", SAME),
    ("zremrangebyscore z 0", "-ERR wrong number of arguments for 'zremrangebyscore' command\r\n", SAME),
    ("zremrangebylex z a", "-ERR wrong number of arguments for 'zremrangebylex' command\r\n", SAME),
    ("zpopmin", "-ERR wrong number of arguments for 'zpopmin' command\r\n", SAME),
    ("zpopmax", "-ERR wrong number of arguments for 'zpopmax' command\r\n", SAME),
    ("zmpop 1 z", "-ERR wrong number of arguments for 'zmpop' command\r\n", SAME),
    ("zrandmember", "-ERR wrong number of arguments for 'zrandmember' command\r\n", SAME),
    ("zunion 1", "-ERR wrong number of arguments for 'zunion' command\r\n", SAME),
    ("zinter 1", "-ERR wrong number of arguments for 'zinter' command\r\n", SAME),
    ("zdiff 1", "-ERR wrong number of arguments for 'zdiff' command\r\n", SAME),
    ("zunionstore d 1", "-ERR wrong number of arguments for 'zunionstore' command\r\n", SAME),
    ("zinterstore d 1", "-ERR wrong number of arguments for 'zinterstore' command\r\n", SAME),
    ("zdiffstore d 1", "-ERR wrong number of arguments for 'zdiffstore' command\r\n", SAME),
    ("zintercard 1", "-ERR wrong number of arguments for 'zintercard' command\r\n", SAME),
    ("zscan z", "-ERR wrong number of arguments for 'zscan' command\r\n", SAME),
    ("bzpopmin z", "-ERR wrong number of arguments for 'bzpopmin' command\r\n", SAME),
    ("bzpopmax z", "-ERR wrong number of arguments for 'bzpopmax' command\r\n", SAME),
    ("bzmpop 0 1 z", "-ERR wrong number of arguments for 'bzmpop' command\r\n", SAME),
    ("zrevrangebyscore str 1 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("zrangebylex str - +", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("bzpopmax str 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
];

const KEYS_BEFORE_OPTIONS: &[(&str, &str, &str)] = &[
    ("set str x", "+OK\r\n", SAME),
    ("zadd u1 1 a", ":1\r\n", SAME),
    ("sadd s a b", ":2\r\n", SAME),
    (
        "zunion 2 u1 str weights 1 x",
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
        SAME,
    ),
    (
        "zunion 2 str u1 bogus",
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
        SAME,
    ),
    (
        "zinterstore d 2 str u1 weights x",
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
        SAME,
    ),
    (
        "zintercard 2 str u1 limit x",
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
        SAME,
    ),
    (
        "zintercard 2 u1 str limit -1",
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
        SAME,
    ),
    (
        "zdiff 2 u1 str bogus",
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
        SAME,
    ),
    (
        "zdiffstore d 2 u1 str weights 1 2",
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
        SAME,
    ),
    (
        "zunion 0 str",
        "-ERR at least 1 input key is needed for 'zunion' command\r\n",
        SAME,
    ),
    ("zunion 3 str u1", "-ERR syntax error\r\n", SAME),
    (
        "zunion 2 s u1 withscores",
        "*4\r\n$1\r\nb\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n",
        "*2\r\n*2\r\n$1\r\nb\r\n,1\r\n*2\r\n$1\r\na\r\n,2\r\n",
    ),
    (
        "zinter 2 s u1 withscores",
        "*2\r\n$1\r\na\r\n$1\r\n2\r\n",
        "*1\r\n*2\r\n$1\r\na\r\n,2\r\n",
    ),
    ("zunionstore d 2 s u1 aggregate max", ":2\r\n", SAME),
    (
        "zrange d 0 -1 withscores",
        "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n1\r\n",
        "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,1\r\n",
    ),
    (
        "zdiff 2 s u1 withscores",
        "*2\r\n$1\r\nb\r\n$1\r\n1\r\n",
        "*1\r\n*2\r\n$1\r\nb\r\n,1\r\n",
    ),
    ("zintercard 2 s u1", ":1\r\n", SAME),
];
