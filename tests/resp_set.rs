//! RESP tests of the set commands: every command, its errors, WRONGTYPE and arity, in RESP2
//! and RESP3, against replies taken from redis-server 7.0.15.

mod resp_coll;

use keyp::{Bytes, Result};
use resp_coll::{arr, bulk, int, Client, SAME};

#[test]
fn set_commands_match_redis() -> Result<()> {
    Client::script(SCRIPT)
}

/// Sets are RESP3 sets (SMEMBERS, SINTER, SUNION, SDIFF, SPOP with a count) and arrays in
/// RESP2; SRANDMEMBER with a count is an array in both. keyp's member order is its own, so
/// these compare against the order the store reports.
#[test]
fn multi_member_replies() -> Result<()> {
    let mut c = Client::new()?;
    c.run("SADD s a b c");
    let members: Vec<String> = c
        .store
        .smembers("s")?
        .iter()
        .map(|m| bulk(&String::from_utf8_lossy(m)))
        .collect();
    assert_eq!(c.run("SMEMBERS s"), arr(&members));
    assert_eq!(c.run3("SMEMBERS s"), format!("~3\r\n{}", members.concat()));
    assert_eq!(
        c.run3("SUNION s nokey"),
        format!("~3\r\n{}", members.concat())
    );
    assert_eq!(c.run3("SINTER s"), format!("~3\r\n{}", members.concat()));
    assert_eq!(
        c.run3("SDIFF s nokey"),
        format!("~3\r\n{}", members.concat())
    );
    assert!(c.run3("SRANDMEMBER s 2").starts_with("*2\r\n"));
    assert!(c.run3("SRANDMEMBER s -5").starts_with("*5\r\n"));
    assert!(c.run3("SPOP s 2").starts_with("~2\r\n"));
    assert!(c.run("SPOP s 2").starts_with("*1\r\n"));
    assert_eq!(c.run("EXISTS s"), int(0));
    Ok(())
}

/// Members of 600 bytes and 1 MiB.
#[test]
fn large_members() -> Result<()> {
    let mut c = Client::new()?;
    for size in [600, 1 << 20] {
        let big = Bytes::from(vec![b'm'; size]);
        let add = [Bytes::from("SADD"), Bytes::from("s"), big.clone()];
        assert_eq!(c.args(&add), int(1));
        let is = [Bytes::from("SISMEMBER"), Bytes::from("s"), big.clone()];
        assert_eq!(c.args(&is), int(1));
        let rem = [Bytes::from("SREM"), Bytes::from("s"), big];
        assert_eq!(c.args(&rem), int(1));
    }
    Ok(())
}

const SCRIPT: &[(&str, &str, &str)] = &[
    ("set str x", "+OK\r\n", SAME),
    ("sadd s a", ":1\r\n", SAME),
    ("sadd s a b c", ":2\r\n", SAME),
    ("sadd str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("srem s b c nomember", ":2\r\n", SAME),
    ("srem nokey a", ":0\r\n", SAME),
    ("srem str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("sismember s a", ":1\r\n", SAME),
    ("sismember s z", ":0\r\n", SAME),
    ("sismember nokey a", ":0\r\n", SAME),
    ("sismember str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("smismember s a z", "*2\r\n:1\r\n:0\r\n", SAME),
    ("smismember nokey a", "*1\r\n:0\r\n", SAME),
    ("smismember str a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("scard s", ":1\r\n", SAME),
    ("scard nokey", ":0\r\n", SAME),
    ("scard str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("smembers s", "*1\r\n$1\r\na\r\n", "~1\r\n$1\r\na\r\n"),
    ("smembers nokey", "*0\r\n", "~0\r\n"),
    ("smembers str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("srandmember s", "$1\r\na\r\n", SAME),
    ("srandmember s 3", "*1\r\n$1\r\na\r\n", SAME),
    ("srandmember s -3", "*3\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n", SAME),
    ("srandmember s 0", "*0\r\n", SAME),
    ("srandmember s x", "-ERR value is not an integer or out of range\r\n", SAME),
    ("srandmember s 1 2", "-ERR syntax error\r\n", SAME),
    ("srandmember s -9223372036854775808", "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n", SAME),
    ("srandmember nokey", "$-1\r\n", "_\r\n"),
    ("srandmember nokey 2", "*0\r\n", SAME),
    ("srandmember str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("srandmember str 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("sadd p a", ":1\r\n", SAME),
    ("spop p", "$1\r\na\r\n", SAME),
    ("spop p", "$-1\r\n", "_\r\n"),
    ("sadd p a", ":1\r\n", SAME),
    ("spop p 5", "*1\r\n$1\r\na\r\n", "~1\r\n$1\r\na\r\n"),
    ("sadd p a", ":1\r\n", SAME),
    ("spop p 0", "*0\r\n", "~0\r\n"),
    ("spop p -1", "-ERR value is out of range, must be positive\r\n", SAME),
    ("spop p x", "-ERR value is out of range, must be positive\r\n", SAME),
    ("spop p 1 2", "-ERR syntax error\r\n", SAME),
    ("spop nokey", "$-1\r\n", "_\r\n"),
    ("spop nokey 2", "*0\r\n", "~0\r\n"),
    ("spop str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("spop str 1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("sadd m1 a b", ":2\r\n", SAME),
    ("smove m1 m2 a", ":1\r\n", SAME),
    ("smove m1 m2 a", ":0\r\n", SAME),
    ("smove nokey m2 a", ":0\r\n", SAME),
    ("smove m1 str b", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("smove str m2 a", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("smove m1 m1 b", ":1\r\n", SAME),
    ("smembers m2", "*1\r\n$1\r\na\r\n", "~1\r\n$1\r\na\r\n"),
    ("sadd i1 a b c", ":3\r\n", SAME),
    ("sadd i2 b c d", ":3\r\n", SAME),
    ("sadd i3 c x", ":2\r\n", SAME),
    ("sinter i1 i2 i3", "*1\r\n$1\r\nc\r\n", "~1\r\n$1\r\nc\r\n"),
    ("sinter i1 nokey", "*0\r\n", "~0\r\n"),
    ("sinter str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("sinter i1 str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("sinter nokey str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("sunion str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("sdiff i3 i1", "*1\r\n$1\r\nx\r\n", "~1\r\n$1\r\nx\r\n"),
    ("sdiff i3 i2 i1 nokey", "*1\r\n$1\r\nx\r\n", "~1\r\n$1\r\nx\r\n"),
    ("sdiff str i1", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("sdiff i3 str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("sintercard 3 i1 i2 i3", ":1\r\n", SAME),
    ("sintercard 2 i1 i2", ":2\r\n", SAME),
    ("sintercard 2 i1 i2 limit 1", ":1\r\n", SAME),
    ("sintercard 2 i1 i2 limit 0", ":2\r\n", SAME),
    ("sintercard 2 i1 i2 limit -1", "-ERR LIMIT can't be negative\r\n", SAME),
    ("sintercard 2 i1 i2 limit x", "-ERR LIMIT can't be negative\r\n", SAME),
    ("sintercard 2 i1 i2 bogus 1", "-ERR syntax error\r\n", SAME),
    ("sintercard 2 i1 i2 limit", "-ERR syntax error\r\n", SAME),
    ("sintercard 0 i1", "-ERR numkeys should be greater than 0\r\n", SAME),
    ("sintercard x i1", "-ERR numkeys should be greater than 0\r\n", SAME),
    ("sintercard 3 i1 i2", "-ERR Number of keys can't be greater than number of args\r\n", SAME),
    ("sintercard 1 str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("sintercard 2 i1 nokey", ":0\r\n", SAME),
    ("sinterstore d i1 i2 i3", ":1\r\n", SAME),
    ("smembers d", "*1\r\n$1\r\nc\r\n", "~1\r\n$1\r\nc\r\n"),
    ("sinterstore d i1 nokey", ":0\r\n", SAME),
    ("exists d", ":0\r\n", SAME),
    ("sinterstore d str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("sinterstore str i3", ":2\r\n", SAME),
    ("scard str", ":2\r\n", SAME),
    ("set str x", "+OK\r\n", SAME),
    ("sunionstore d i3 nokey", ":2\r\n", SAME),
    ("scard d", ":2\r\n", SAME),
    ("sunionstore d str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("sdiffstore d i3 i1", ":1\r\n", SAME),
    ("smembers d", "*1\r\n$1\r\nx\r\n", "~1\r\n$1\r\nx\r\n"),
    ("sdiffstore d nokey", ":0\r\n", SAME),
    ("exists d", ":0\r\n", SAME),
    ("sdiffstore d i3 str", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("sadd sc a", ":1\r\n", SAME),
    ("sscan sc 0", "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n", SAME),
    ("sscan sc 0 match a*", "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n", SAME),
    ("sscan sc 0 match b*", "*2\r\n$1\r\n0\r\n*0\r\n", SAME),
    ("sscan sc 0 count 0", "-ERR syntax error\r\n", SAME),
    ("sscan sc 0 count x", "-ERR value is not an integer or out of range\r\n", SAME),
    ("sscan sc 0 bogus", "-ERR syntax error\r\n", SAME),
    ("sscan sc x", "-ERR invalid cursor\r\n", SAME),
    ("sscan nokey 0 count 0", "*2\r\n$1\r\n0\r\n*0\r\n", SAME),
    ("sscan str 0", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", SAME),
    ("sscan str x", "-ERR invalid cursor\r\n", SAME),
    ("sadd e ''", ":1\r\n", SAME),
    ("smembers e", "*1\r\n$0\r\n\r\n", "~1\r\n$0\r\n\r\n"),
    ("sismember e ''", ":1\r\n", SAME),
    ("sadd", "-ERR wrong number of arguments for 'sadd' command\r\n", SAME),
    ("sadd s", "-ERR wrong number of arguments for 'sadd' command\r\n", SAME),
    ("srem s", "-ERR wrong number of arguments for 'srem' command\r\n", SAME),
    ("sismember s", "-ERR wrong number of arguments for 'sismember' command\r\n", SAME),
    ("smismember s", "-ERR wrong number of arguments for 'smismember' command\r\n", SAME),
    ("scard", "-ERR wrong number of arguments for 'scard' command\r\n", SAME),
    ("smembers", "-ERR wrong number of arguments for 'smembers' command\r\n", SAME),
    ("spop", "-ERR wrong number of arguments for 'spop' command\r\n", SAME),
    ("srandmember", "-ERR wrong number of arguments for 'srandmember' command\r\n", SAME),
    ("smove a b", "-ERR wrong number of arguments for 'smove' command\r\n", SAME),
    ("sinter", "-ERR wrong number of arguments for 'sinter' command\r\n", SAME),
    ("sintercard 1", "-ERR wrong number of arguments for 'sintercard' command\r\n", SAME),
    ("sinterstore d", "-ERR wrong number of arguments for 'sinterstore' command\r\n", SAME),
    ("sunion", "-ERR wrong number of arguments for 'sunion' command\r\n", SAME),
    ("sunionstore d", "-ERR wrong number of arguments for 'sunionstore' command\r\n", SAME),
    ("sdiff", "-ERR wrong number of arguments for 'sdiff' command\r\n", SAME),
    ("sdiffstore d", "-ERR wrong number of arguments for 'sdiffstore' command\r\n", SAME),
    ("sscan s", "-ERR wrong number of arguments for 'sscan' command\r\n", SAME),
];
