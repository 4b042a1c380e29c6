//! RESP tests of the hash commands: every command, its errors, WRONGTYPE and arity, in RESP2
//! and RESP3, against replies taken from redis-server 7.0.15; field expiry (Redis 7.4) per the
//! 7.4 command docs.

mod resp_coll;

use std::time::Duration;

use keyp::{Bytes, Result};
use resp_coll::{arr, bulk, bulks, int, Client, NOW_MS, SAME, WRONGTYPE};

#[test]
fn hash_commands_match_redis() -> Result<()> {
    Client::script(SCRIPT)
}

fn ints(values: &[i64]) -> String {
    arr(&values.iter().map(|&v| int(v)).collect::<Vec<_>>())
}

/// HGETALL is a map in RESP3 and a flat array in RESP2; HKEYS and HVALS arrays in both.
#[test]
fn multi_field_replies() -> Result<()> {
    let mut c = Client::new()?;
    c.run("HSET h a 1 b 2");
    let pairs = c.store.hgetall("h")?;
    let flat: Vec<String> = pairs
        .iter()
        .flat_map(|(f, v)| {
            [
                bulk(&String::from_utf8_lossy(f)),
                bulk(&String::from_utf8_lossy(v)),
            ]
        })
        .collect();
    assert_eq!(c.run("HGETALL h"), arr(&flat));
    assert_eq!(c.run3("HGETALL h"), format!("%2\r\n{}", flat.concat()));
    let mut keys: Vec<_> = pairs.iter().map(|(f, _)| f.clone()).collect();
    let reply = c.run3("HKEYS h");
    assert!(reply.starts_with("*2\r\n"), "{reply}");
    keys.sort();
    assert_eq!(keys, [Bytes::from("a"), Bytes::from("b")]);
    // WITHVALUES in RESP3: [field, value] pairs.
    assert_eq!(
        c.run3("HRANDFIELD h 2 WITHVALUES").len(),
        arr(&[bulks(&["a", "1"]), bulks(&["b", "2"])]).len()
    );
    assert!(c
        .run3("HRANDFIELD h 2 WITHVALUES")
        .starts_with("*2\r\n*2\r\n"));
    assert!(c
        .run("HRANDFIELD h 2 WITHVALUES")
        .starts_with("*4\r\n$1\r\n"));
    Ok(())
}

/// HSCAN pages with its cursor through a bigger hash; every field comes back once.
#[test]
fn hscan_pages() -> Result<()> {
    let mut c = Client::new()?;
    let mut hset = vec![Bytes::from("HSET"), Bytes::from("big")];
    for i in 0..50 {
        hset.push(Bytes::from(format!("f{i}")));
        hset.push(Bytes::from(format!("{i}")));
    }
    assert_eq!(c.args(&hset), int(50));
    let (mut cursor, mut seen) = ("0".to_owned(), 0);
    loop {
        let reply = c.run(&format!("HSCAN big {cursor} COUNT 7"));
        let mut lines = reply.split("\r\n");
        assert_eq!(lines.next(), Some("*2"));
        lines.next();
        cursor = lines.next().unwrap_or_default().to_owned();
        let n: usize = lines.next().unwrap_or_default()[1..].parse().unwrap();
        seen += n / 2;
        if cursor == "0" {
            break;
        }
    }
    assert_eq!(seen, 50);
    Ok(())
}

/// HEXPIRE and friends, with Redis 7.4's replies: per-field codes.
#[test]
fn field_expiry() -> Result<()> {
    let mut c = Client::new()?;
    c.run("SET str x");
    c.run("HSET h a 1 b 2 c 3");
    assert_eq!(c.run("HEXPIRE h 100 FIELDS 2 a nofield"), ints(&[1, -2]));
    assert_eq!(c.run("HEXPIRE h 50 NX FIELDS 2 a b"), ints(&[0, 1]));
    assert_eq!(c.run("HEXPIRE h 200 XX FIELDS 2 a c"), ints(&[1, 0]));
    assert_eq!(c.run("HEXPIRE h 10 GT FIELDS 1 a"), ints(&[0]));
    assert_eq!(c.run("HEXPIRE h 10 LT FIELDS 1 a"), ints(&[1]));
    assert_eq!(
        c.run("HTTL h FIELDS 4 a b c nofield"),
        ints(&[10, 50, -1, -2])
    );
    assert_eq!(c.run("HPTTL h FIELDS 2 a c"), ints(&[10_000, -1]));
    let at = NOW_MS / 1000 + 10;
    assert_eq!(
        c.run("HEXPIRETIME h FIELDS 3 a c nofield"),
        ints(&[at as i64, -1, -2])
    );
    assert_eq!(
        c.run("HPEXPIRETIME h FIELDS 1 a"),
        ints(&[(NOW_MS + 10_000) as i64])
    );
    assert_eq!(c.run("HPEXPIRE h 1500 FIELDS 1 c"), ints(&[1]));
    assert_eq!(c.run("HPTTL h FIELDS 1 c"), ints(&[1500]));
    assert_eq!(c.run("HTTL h FIELDS 1 c"), ints(&[2]));
    let at_s = NOW_MS / 1000 + 1000;
    assert_eq!(c.run(&format!("HEXPIREAT h {at_s} FIELDS 1 b")), ints(&[1]));
    assert_eq!(c.run("HTTL h FIELDS 1 b"), ints(&[1000]));
    let at_ms = NOW_MS + 5000;
    assert_eq!(
        c.run(&format!("HPEXPIREAT h {at_ms} FIELDS 1 b")),
        ints(&[1])
    );
    assert_eq!(c.run("HPTTL h FIELDS 1 b"), ints(&[5000]));
    // A deadline not in the future deletes the field (2).
    assert_eq!(c.run("HEXPIREAT h 1 FIELDS 1 b"), ints(&[2]));
    assert_eq!(c.run("HEXISTS h b"), int(0));
    assert_eq!(c.run("HPERSIST h FIELDS 3 a b c"), ints(&[1, -2, 1]));
    assert_eq!(c.run("HPERSIST h FIELDS 1 a"), ints(&[-1]));
    // The deadline passes: the field is gone, and with its last field the hash.
    assert_eq!(c.run("HPEXPIRE h 100 FIELDS 2 a c"), ints(&[1, 1]));
    c.clock.advance(Duration::from_millis(101));
    assert_eq!(c.run("HGET h a"), "$-1\r\n");
    assert_eq!(c.run("HLEN h"), int(0));
    // A missing key: -2 for every field.
    assert_eq!(c.run("HEXPIRE nokey 10 FIELDS 2 a b"), ints(&[-2, -2]));
    assert_eq!(c.run("HTTL nokey FIELDS 1 a"), ints(&[-2]));
    assert_eq!(c.run("HPERSIST nokey FIELDS 1 a"), ints(&[-2]));
    // RESP3: the same arrays of integers.
    c.run("HSET h2 a 1");
    assert_eq!(c.run3("HEXPIRE h2 10 FIELDS 1 a"), ints(&[1]));
    assert_eq!(c.run3("HTTL h2 FIELDS 1 a"), ints(&[10]));
    Ok(())
}

/// The field-expiry commands' errors, in Redis 7.4's order: the key's type, the time, then the
/// condition and FIELDS.
#[test]
fn field_expiry_errors() -> Result<()> {
    let mut c = Client::new()?;
    c.run("SET str x");
    c.run("HSET h a 1");
    let missing = "-ERR Mandatory argument FIELDS is missing or not at the right position\r\n";
    let numfields = "-ERR Parameter `numFields` should be greater than 0\r\n";
    let mismatch = "-ERR The `numfields` parameter must match the number of arguments\r\n";
    assert_eq!(c.run("HEXPIRE str 10 FIELDS 1 a"), WRONGTYPE);
    assert_eq!(c.run("HEXPIRE str x FIELDS 1 a"), WRONGTYPE);
    assert_eq!(
        c.run("HEXPIRE h x FIELDS 1 a"),
        "-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(
        c.run("HEXPIRE h -1 FIELDS 1 a"),
        "-ERR invalid expire time, must be >= 0\r\n"
    );
    assert_eq!(
        c.run("HEXPIRE h -1 BOGUS 1 a"),
        "-ERR invalid expire time, must be >= 0\r\n"
    );
    assert_eq!(
        c.run("HEXPIRE h 9223372036854775807 FIELDS 1 a"),
        "-ERR invalid expire time in 'hexpire' command\r\n"
    );
    assert_eq!(
        c.run("HPEXPIREAT h 9223372036854775807 BOGUS 1 a"),
        "-ERR invalid expire time in 'hpexpireat' command\r\n"
    );
    assert_eq!(c.run("HEXPIRE h 10 BOGUS 1 a"), missing);
    assert_eq!(c.run("HEXPIRE h 10 NX XX FIELDS 1 a"), missing);
    assert_eq!(c.run("HEXPIRE h 10 FIELDS 0 a"), numfields);
    assert_eq!(c.run("HEXPIRE h 10 FIELDS x a"), numfields);
    assert_eq!(c.run("HEXPIRE h 10 FIELDS 2 a"), mismatch);
    assert_eq!(c.run("HTTL str FIELDS 1 a"), WRONGTYPE);
    assert_eq!(c.run("HTTL str BOGUS 1 a"), WRONGTYPE);
    assert_eq!(c.run("HTTL h BOGUS 1 a"), missing);
    assert_eq!(c.run("HPTTL h FIELDS 2 a"), mismatch);
    assert_eq!(c.run("HEXPIRETIME h FIELDS 0 a"), numfields);
    assert_eq!(c.run("HPEXPIRETIME str FIELDS 1 a"), WRONGTYPE);
    assert_eq!(c.run("HPERSIST h FIELD 1 a"), missing);
    assert_eq!(c.run("HPERSIST str FIELDS 1 a"), WRONGTYPE);
    // Nothing was changed by the failed calls.
    assert_eq!(c.run("HTTL h FIELDS 1 a"), ints(&[-1]));
    for (name, line) in [
        ("hexpire", "HEXPIRE h 10 FIELDS 1"),
        ("hpexpire", "HPEXPIRE h 10 FIELDS 1"),
        ("hexpireat", "HEXPIREAT h 10 FIELDS 1"),
        ("hpexpireat", "HPEXPIREAT h 10 FIELDS 1"),
        ("httl", "HTTL h FIELDS 1"),
        ("hpttl", "HPTTL h FIELDS 1"),
        ("hexpiretime", "HEXPIRETIME h FIELDS 1"),
        ("hpexpiretime", "HPEXPIRETIME h FIELDS 1"),
        ("hpersist", "HPERSIST h FIELDS 1"),
    ] {
        assert_eq!(c.run(line), resp_coll::arity(name), "{line}");
    }
    Ok(())
}

/// Fields and values of 600 bytes and 1 MiB.
#[test]
fn large_fields() -> Result<()> {
    let mut c = Client::new()?;
    for size in [600, 1 << 20] {
        let big = Bytes::from(vec![b'f'; size]);
        let set = [
            Bytes::from("HSET"),
            Bytes::from("h"),
            big.clone(),
            big.clone(),
        ];
        assert_eq!(c.args(&set), int(1));
        let get = [Bytes::from("HGET"), Bytes::from("h"), big.clone()];
        assert_eq!(c.args(&get), format!("${size}\r\n{}\r\n", "f".repeat(size)));
        let strlen = [Bytes::from("HSTRLEN"), Bytes::from("h"), big];
        assert_eq!(c.args(&strlen), int(size as i64));
    }
    Ok(())
}

const SCRIPT: &[(&str, &str, &str)] = &[
    ("set str x", "+OK\r\n", SAME),
    ("hset h f v", ":1\r\n", SAME),
    ("hset h f v2 g w", ":1\r\n", SAME),
    ("hset h a", "-ERR wrong number of arguments for 'hset' command\r\n", SAME),
    ("hset h a b c", "-ERR wrong number of arguments for 'hset' command\r\n", SAME),
    ("hset str f v", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("hmset h f v3", "+OK\r\n", SAME),
    ("hmset h a b c", "-ERR wrong number of arguments for 'hmset' command\r\n", SAME),
    ("hmset str f v", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("hsetnx h f x", ":0\r\n", SAME),
    ("hsetnx h n 1", ":1\r\n", SAME),
    ("hsetnx str f x", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("hget h f", "$2\r\nv3\r\n", SAME),
    ("hget h nofield", "$-1\r\n", "_\r\n"),
    ("hget nokey f", "$-1\r\n", "_\r\n"),
    ("hget str f", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("hmget h f nofield g", "*3\r\n$2\r\nv3\r\n$-1\r\n$1\r\nw\r\n", "*3\r\n$2\r\nv3\r\n_\r\n$1\r\nw\r\n"),
    ("hmget nokey a b", "*2\r\n$-1\r\n$-1\r\n", "*2\r\n_\r\n_\r\n"),
    ("hmget str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("hdel h g nofield", ":1\r\n", SAME),
    ("hdel nokey a", ":0\r\n", SAME),
    ("hdel str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("hlen h", ":2\r\n", SAME),
    ("hlen nokey", ":0\r\n", SAME),
    ("hlen str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("hstrlen h f", ":2\r\n", SAME),
    ("hstrlen h nofield", ":0\r\n", SAME),
    ("hstrlen nokey f", ":0\r\n", SAME),
    ("hstrlen str f", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("hexists h f", ":1\r\n", SAME),
    ("hexists h nofield", ":0\r\n", SAME),
    ("hexists nokey f", ":0\r\n", SAME),
    ("hexists str f", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("hdel h n", ":1\r\n", SAME),
    ("hkeys h", "*1\r\n$1\r\nf\r\n", SAME),
    ("hvals h", "*1\r\n$2\r\nv3\r\n", SAME),
    ("hgetall h", "*2\r\n$1\r\nf\r\n$2\r\nv3\r\n", "%1\r\n$1\r\nf\r\n$2\r\nv3\r\n"),
    ("hkeys nokey", "*0\r\n", SAME),
    ("hvals nokey", "*0\r\n", SAME),
    ("hgetall nokey", "*0\r\n", "%0\r\n"),
    ("hkeys str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("hvals str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("hgetall str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("hincrby h n 5", ":5\r\n", SAME),
    ("hincrby h n -7", ":-2\r\n", SAME),
    ("hincrby h n x", "-ERR value is not an integer or out of range\r\n", SAME),
    ("hincrby h f 1", "-ERR hash value is not an integer\r\n", SAME),
    ("hincrby nokey x 1", ":1\r\n", SAME),
    ("hincrby str n 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("hincrby h n 9223372036854775807", ":9223372036854775805\r\n", SAME),
    ("hincrbyfloat h fl 1.5", "$3\r\n1.5\r\n", SAME),
    ("hincrbyfloat h fl 0.1", "$3\r\n1.6\r\n", SAME),
    ("hincrbyfloat h fl x", "-ERR value is not a valid float\r\n", SAME),
    ("hincrbyfloat h f 1", "-ERR hash value is not a float\r\n", SAME),
    ("hincrbyfloat h fl inf", "-ERR value is NaN or Infinity\r\n", SAME),
    ("hincrbyfloat str fl 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("hincrbyfloat h fl 5.0e3", "$22\r\n5001.60000000000000009\r\n", SAME),
    ("hdel h n fl", ":2\r\n", SAME),
    ("hrandfield h", "$1\r\nf\r\n", SAME),
    ("hrandfield h 1", "*1\r\n$1\r\nf\r\n", SAME),
    ("hrandfield h -3", "*3\r\n$1\r\nf\r\n$1\r\nf\r\n$1\r\nf\r\n", SAME),
    ("hrandfield h 5 withvalues", "*2\r\n$1\r\nf\r\n$2\r\nv3\r\n", "*1\r\n*2\r\n$1\r\nf\r\n$2\r\nv3\r\n"),
    ("hrandfield h -2 withvalues", "*4\r\n$1\r\nf\r\n$2\r\nv3\r\n$1\r\nf\r\n$2\r\nv3\r\n", "*2\r\n*2\r\n$1\r\nf\r\n$2\r\nv3\r\n*2\r\n$1\r\nf\r\n$2\r\nv3\r\n"),
    ("hrandfield h 0", "*0\r\n", SAME),
    ("hrandfield h 0 withvalues", "*0\r\n", SAME),
    ("hrandfield h x", "-ERR value is not an integer or out of range\r\n", SAME),
    ("hrandfield h 1 bogus", "-ERR syntax error\r\n", SAME),
    ("hrandfield h 1 withvalues x", "-ERR syntax error\r\n", SAME),
    ("hrandfield h x withvalues", "-ERR value is not an integer or out of range\r\n", SAME),
    ("hrandfield h -9223372036854775808", "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n", SAME),
    ("hrandfield h -9223372036854775807 withvalues", "-ERR value is out of range\r\n", SAME),
    ("hrandfield h 4611686018427387904 withvalues", "-ERR value is out of range\r\n", SAME),
    ("hrandfield nokey", "$1\r\nx\r\n", SAME),
    ("hrandfield nokey 3", "*1\r\n$1\r\nx\r\n", SAME),
    ("hrandfield nokey 3 withvalues", "*2\r\n$1\r\nx\r\n$1\r\n1\r\n", "*1\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n"),
    ("hrandfield str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("hrandfield str 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("hscan h 0", "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nf\r\n$2\r\nv3\r\n", SAME),
    ("hscan h 0 match f*", "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nf\r\n$2\r\nv3\r\n", SAME),
    ("hscan h 0 match z*", "*2\r\n$1\r\n0\r\n*0\r\n", SAME),
    ("hscan h 0 count 5", "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nf\r\n$2\r\nv3\r\n", SAME),
    ("hscan h 0 count 0", "-ERR syntax error\r\n", SAME),
    ("hscan h 0 count x", "-ERR value is not an integer or out of range\r\n", SAME),
    ("hscan h 0 count", "-ERR syntax error\r\n", SAME),
    ("hscan h 0 type string", "-ERR syntax error\r\n", SAME),
    ("hscan h x", "-ERR invalid cursor\r\n", SAME),
    ("hscan nokey 0 count 0", "-ERR syntax error\r\n", SAME),
    ("hscan nokey x", "-ERR invalid cursor\r\n", SAME),
    ("hscan str 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("hscan str 0 count 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("hscan str x", "-ERR invalid cursor\r\n", SAME),
    ("hdel h f", ":1\r\n", SAME),
    ("exists h", ":0\r\n", SAME),
    ("hset e '' ''", ":1\r\n", SAME),
    ("hget e ''", "$0\r\n\r\n", SAME),
    ("hgetall e", "*2\r\n$0\r\n\r\n$0\r\n\r\n", "%1\r\n$0\r\n\r\n$0\r\n\r\n"),
    ("hset", "-ERR wrong number of arguments for 'hset' command\r\n", SAME),
    ("hset h", "-ERR wrong number of arguments for 'hset' command\r\n", SAME),
    ("hset h f", "-ERR wrong number of arguments for 'hset' command\r\n", SAME),
    ("hsetnx h f", "-ERR wrong number of arguments for 'hsetnx' command\r\n", SAME),
    ("hget h", "-ERR wrong number of arguments for 'hget' command\r\n", SAME),
    ("hmget h", "-ERR wrong number of arguments for 'hmget' command\r\n", SAME),
    ("hmset h f", "-ERR wrong number of arguments for 'hmset' command\r\n", SAME),
    ("hdel h", "-ERR wrong number of arguments for 'hdel' command\r\n", SAME),
    ("hlen", "-ERR wrong number of arguments for 'hlen' command\r\n", SAME),
    ("hstrlen h", "-ERR wrong number of arguments for 'hstrlen' command\r\n", SAME),
    ("hexists h", "-ERR wrong number of arguments for 'hexists' command\r\n", SAME),
    ("hkeys", "-ERR wrong number of arguments for 'hkeys' command\r\n", SAME),
    ("hvals", "-ERR wrong number of arguments for 'hvals' command\r\n", SAME),
    ("hgetall", "-ERR wrong number of arguments for 'hgetall' command\r\n", SAME),
    ("hincrby h f", "-ERR wrong number of arguments for 'hincrby' command\r\n", SAME),
    ("hincrbyfloat h f", "-ERR wrong number of arguments for 'hincrbyfloat' command\r\n", SAME),
    ("hrandfield", "-ERR wrong number of arguments for 'hrandfield' command\r\n", SAME),
    ("hscan h", "-ERR wrong number of arguments for 'hscan' command\r\n", SAME),
];
