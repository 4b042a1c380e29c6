//! Key-space, TTL, bitmap and HyperLogLog commands over RESP (in-process): every command,
//! option and error, RESP2 and RESP3 bytes.

#[path = "resp_util/mod.rs"]
mod resp_util;

use resp_util::{arity, bulk, Client, NOT_INT, START_MS, SYNTAX, WRONGTYPE};

#[test]
fn del_exists_type_touch_dbsize() -> keyp::Result<()> {
    let mut c = Client::new()?;
    c.make_list("l")?;
    c.run("MSET a 1 b 2 c 3");
    c.expect_all(&[
        ("EXISTS a a missing", ":2\r\n"),
        ("TYPE a", "+string\r\n"),
        ("TYPE l", "+list\r\n"),
        ("TYPE missing", "+none\r\n"),
        ("TOUCH a l missing", ":2\r\n"),
        ("DBSIZE", ":4\r\n"),
        ("DEL a missing", ":1\r\n"),
        ("UNLINK b c l", ":3\r\n"),
        ("DBSIZE", ":0\r\n"),
        ("DEL", &arity("del")),
        ("UNLINK", &arity("unlink")),
        ("EXISTS", &arity("exists")),
        ("TYPE", &arity("type")),
        ("TOUCH", &arity("touch")),
        ("DBSIZE x", &arity("dbsize")),
    ]);
    Ok(())
}

#[test]
fn keys_scan_randomkey() -> keyp::Result<()> {
    let mut c = Client::new()?;
    assert_eq!(c.both("RANDOMKEY"), ("$-1\r\n".into(), "_\r\n".into()));
    c.expect_all(&[("KEYS *", "*0\r\n"), ("SCAN 0", "*2\r\n$1\r\n0\r\n*0\r\n")]);
    c.run("SET one 1");
    c.make_list("list")?;
    c.expect_all(&[
        ("KEYS o*", "*1\r\n$3\r\none\r\n"),
        ("RANDOMKEY x", &arity("randomkey")),
        ("SCAN 0 TYPE list", "*2\r\n$1\r\n0\r\n*1\r\n$4\r\nlist\r\n"),
        (
            "SCAN 0 MATCH o* COUNT 100",
            "*2\r\n$1\r\n0\r\n*1\r\n$3\r\none\r\n",
        ),
        ("SCAN 0 TYPE nosuchtype", "*2\r\n$1\r\n0\r\n*0\r\n"),
        ("SCAN x", "-ERR invalid cursor\r\n"),
        ("SCAN 18446744073709551616", "-ERR invalid cursor\r\n"),
        ("SCAN 0 COUNT 0", SYNTAX),
        ("SCAN 0 COUNT x", NOT_INT),
        ("SCAN 0 COUNT", SYNTAX),
        ("SCAN 0 FOO bar", SYNTAX),
        ("SCAN", &arity("scan")),
        ("KEYS", &arity("keys")),
    ]);
    let key = c.run("RANDOMKEY");
    assert!(key == bulk("one") || key == bulk("list"), "{key}");
    // Every key once over a walk with COUNT 1.
    for i in 0..20 {
        c.run(&format!("SET k{i} v"));
    }
    let mut cursor = "0".to_owned();
    let mut seen = 0;
    loop {
        let reply = c.run(&format!("SCAN {cursor} COUNT 1"));
        let lines: Vec<&str> = reply.split("\r\n").collect();
        cursor = lines[2].to_owned();
        let n: usize = lines[3][1..].parse().unwrap();
        seen += n;
        if cursor == "0" {
            break;
        }
    }
    assert_eq!(seen, 22);
    Ok(())
}

#[test]
fn rename_copy_move_swapdb() -> keyp::Result<()> {
    let mut c = Client::new()?;
    c.run("SET a 1");
    c.expect_all(&[
        ("RENAME a b", "+OK\r\n"),
        ("RENAME a b", "-ERR no such key\r\n"),
        ("RENAME b b", "+OK\r\n"),
        ("RENAMENX b b", ":0\r\n"),
        ("SET c 3", "+OK\r\n"),
        ("RENAMENX b c", ":0\r\n"),
        ("RENAMENX b d", ":1\r\n"),
        ("RENAMENX missing e", "-ERR no such key\r\n"),
        ("RENAME d", &arity("rename")),
        ("COPY d e", ":1\r\n"),
        ("COPY d e", ":0\r\n"),
        ("COPY c e REPLACE", ":1\r\n"),
        ("GET e", &bulk("3")),
        (
            "COPY e e",
            "-ERR source and destination objects are the same\r\n",
        ),
        ("COPY e e DB 1", ":1\r\n"),
        ("COPY e f DB x", NOT_INT),
        ("COPY e f DB 16", "-ERR DB index is out of range\r\n"),
        ("COPY e f DB 16 foo", "-ERR DB index is out of range\r\n"),
        ("COPY e f DB -1", "-ERR DB index is out of range\r\n"),
        (
            "COPY e f DB 4294967296",
            "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
        ),
        ("COPY e f DB", SYNTAX),
        ("COPY e f foo", SYNTAX),
        ("COPY missing f", ":0\r\n"),
        ("COPY e", &arity("copy")),
        ("MOVE e 1", ":0\r\n"),
        ("MOVE d 1", ":1\r\n"),
        ("MOVE d 1", ":0\r\n"),
        (
            "MOVE c 0",
            "-ERR source and destination objects are the same\r\n",
        ),
        ("MOVE c 16", "-ERR DB index is out of range\r\n"),
        ("MOVE c -1", "-ERR DB index is out of range\r\n"),
        ("MOVE c x", NOT_INT),
        ("MOVE c", &arity("move")),
        ("SWAPDB 0 1", "+OK\r\n"),
        ("KEYS *", "*2\r\n$1\r\ne\r\n$1\r\nd\r\n"),
        ("SWAPDB 0 0", "+OK\r\n"),
        ("SWAPDB x 1", "-ERR invalid first DB index\r\n"),
        ("SWAPDB 0 x", "-ERR invalid second DB index\r\n"),
        ("SWAPDB -1 x", "-ERR invalid second DB index\r\n"),
        ("SWAPDB 0 16", "-ERR DB index is out of range\r\n"),
        ("SWAPDB 0", &arity("swapdb")),
    ]);
    Ok(())
}

#[test]
fn object_subcommands() -> keyp::Result<()> {
    let mut c = Client::new()?;
    c.run("SET i 12");
    c.run("SET s hello");
    c.make_list("l")?;
    c.expect_all(&[
        ("OBJECT ENCODING i", &bulk("int")),
        ("OBJECT ENCODING s", &bulk("embstr")),
        ("OBJECT ENCODING l", &bulk("quicklist")),
        ("OBJECT REFCOUNT i", ":2147483647\r\n"),
        ("OBJECT REFCOUNT s", ":1\r\n"),
        ("OBJECT IDLETIME s", ":0\r\n"),
        ("OBJECT FREQ s", "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n"),
        ("OBJECT foo s", "-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n"),
        ("OBJECT ENCODING", &arity("object|encoding")),
        ("OBJECT ENCODING a b", &arity("object|encoding")),
        ("OBJECT HELP x", &arity("object|help")),
        ("OBJECT", &arity("object")),
    ]);
    for sub in ["ENCODING", "REFCOUNT", "IDLETIME", "FREQ"] {
        assert_eq!(
            c.both(&format!("OBJECT {sub} missing")),
            ("$-1\r\n".into(), "_\r\n".into())
        );
    }
    c.clock.set(START_MS + 5_000);
    assert_eq!(c.run("OBJECT IDLETIME s"), ":5\r\n");
    let help = c.run("object help");
    assert!(help.starts_with(
        "*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+ENCODING <key>\r\n"
    ));
    assert!(help.ends_with("+HELP\r\n+    Prints this help.\r\n"));
    Ok(())
}

#[test]
fn flushdb_and_flushall() -> keyp::Result<()> {
    let mut c = Client::new()?;
    c.run("SET a 1");
    c.run("SELECT 1");
    c.run("SET b 1");
    c.expect_all(&[
        ("FLUSHDB x", SYNTAX),
        ("FLUSHDB SYNC x", SYNTAX),
        ("FLUSHALL x", SYNTAX),
        ("FLUSHDB ASYNC", "+OK\r\n"),
        ("DBSIZE", ":0\r\n"),
        ("SELECT 0", "+OK\r\n"),
        ("DBSIZE", ":1\r\n"),
        ("FLUSHALL sync", "+OK\r\n"),
        ("DBSIZE", ":0\r\n"),
        ("FLUSHDB", "+OK\r\n"),
        ("FLUSHALL", "+OK\r\n"),
    ]);
    Ok(())
}

#[test]
fn expire_family_and_ttl_queries() -> keyp::Result<()> {
    let mut c = Client::new()?;
    c.run("SET k v");
    c.expect_all(&[
        ("TTL k", ":-1\r\n"),
        ("PTTL k", ":-1\r\n"),
        ("EXPIRETIME k", ":-1\r\n"),
        ("PEXPIRETIME k", ":-1\r\n"),
        ("TTL missing", ":-2\r\n"),
        ("PTTL missing", ":-2\r\n"),
        ("EXPIRETIME missing", ":-2\r\n"),
        ("PEXPIRETIME missing", ":-2\r\n"),
        ("EXPIRE missing 10", ":0\r\n"),
        ("EXPIRE k 100", ":1\r\n"),
        ("TTL k", ":100\r\n"),
        ("EXPIRETIME k", ":1700000100\r\n"),
        ("PEXPIRETIME k", ":1700000100000\r\n"),
        ("EXPIRE k 50 GT", ":0\r\n"),
        ("EXPIRE k 200 GT", ":1\r\n"),
        ("EXPIRE k 300 LT", ":0\r\n"),
        ("EXPIRE k 150 LT", ":1\r\n"),
        ("EXPIRE k 10 NX", ":0\r\n"),
        ("EXPIRE k 120 XX", ":1\r\n"),
        ("PEXPIRE k 5000", ":1\r\n"),
        ("PTTL k", ":5000\r\n"),
        ("EXPIREAT k 1700000500", ":1\r\n"),
        ("TTL k", ":500\r\n"),
        ("PEXPIREAT k 1700000000700", ":1\r\n"),
        ("PTTL k", ":700\r\n"),
        ("PERSIST k", ":1\r\n"),
        ("PERSIST k", ":0\r\n"),
        ("PERSIST missing", ":0\r\n"),
        // Without a deadline: XX and GT refuse, LT sets, XX with LT refuses.
        ("EXPIRE k 50 XX", ":0\r\n"),
        ("EXPIRE k 50 GT", ":0\r\n"),
        ("EXPIRE k 50 GT XX", ":0\r\n"),
        ("EXPIRE k 50 LT XX", ":0\r\n"),
        ("TTL k", ":-1\r\n"),
        ("EXPIRE k 50 LT", ":1\r\n"),
        ("EXPIRE k 40 LT XX", ":1\r\n"),
        ("TTL k", ":40\r\n"),
        ("EXPIRE k 50 NX", ":0\r\n"),
        ("PERSIST k", ":1\r\n"),
        ("EXPIRE k 50 NX", ":1\r\n"),
        (
            "EXPIRE k 50 NX XX",
            "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
        ),
        (
            "EXPIRE k 50 LT NX",
            "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
        ),
        (
            "EXPIRE k 50 GT LT",
            "-ERR GT and LT options at the same time are not compatible\r\n",
        ),
        ("EXPIRE k 50 foo", "-ERR Unsupported option foo\r\n"),
        ("EXPIRE k x foo", "-ERR Unsupported option foo\r\n"),
        ("EXPIRE k x", NOT_INT),
        (
            "EXPIRE k 9223372036854775807",
            "-ERR invalid expire time in 'expire' command\r\n",
        ),
        (
            "EXPIRE missing 9223372036854775807",
            "-ERR invalid expire time in 'expire' command\r\n",
        ),
        (
            "PEXPIRE k 9223372036854775807",
            "-ERR invalid expire time in 'pexpire' command\r\n",
        ),
        (
            "EXPIREAT k 9223372036854775807",
            "-ERR invalid expire time in 'expireat' command\r\n",
        ),
        ("EXPIRE k", &arity("expire")),
        ("PEXPIRE k", &arity("pexpire")),
        ("EXPIREAT k", &arity("expireat")),
        ("PEXPIREAT k", &arity("pexpireat")),
        ("TTL", &arity("ttl")),
        ("PTTL", &arity("pttl")),
        ("EXPIRETIME", &arity("expiretime")),
        ("PEXPIRETIME", &arity("pexpiretime")),
        ("PERSIST", &arity("persist")),
        // A deadline not in the future deletes the key.
        ("EXPIRE k -1", ":1\r\n"),
        ("EXISTS k", ":0\r\n"),
        ("SET k v", "+OK\r\n"),
        ("PEXPIREAT k 1", ":1\r\n"),
        ("EXISTS k", ":0\r\n"),
    ]);
    c.run("SET t v EX 2");
    c.clock.set(START_MS + 1_500);
    assert_eq!(c.run("TTL t"), ":1\r\n");
    assert_eq!(c.run("PTTL t"), ":500\r\n");
    c.clock.set(START_MS + 2_001);
    assert_eq!(c.run("TTL t"), ":-2\r\n");
    Ok(())
}

#[test]
fn bitmaps() -> keyp::Result<()> {
    let mut c = Client::new()?;
    c.make_list("l")?;
    c.expect_all(&[
        ("SETBIT b 7 1", ":0\r\n"),
        ("SETBIT b 7 1", ":1\r\n"),
        ("GETBIT b 7", ":1\r\n"),
        ("GETBIT b 100", ":0\r\n"),
        ("GETBIT missing 0", ":0\r\n"),
        (
            "SETBIT b -1 1",
            "-ERR bit offset is not an integer or out of range\r\n",
        ),
        (
            "SETBIT b 4294967296 1",
            "-ERR bit offset is not an integer or out of range\r\n",
        ),
        (
            "SETBIT b 0 2",
            "-ERR bit is not an integer or out of range\r\n",
        ),
        (
            "GETBIT b x",
            "-ERR bit offset is not an integer or out of range\r\n",
        ),
        ("SETBIT l 0 1", WRONGTYPE),
        ("GETBIT l 0", WRONGTYPE),
        ("SETBIT b 0", &arity("setbit")),
        ("GETBIT b", &arity("getbit")),
        ("SET s foobar", "+OK\r\n"),
        ("BITCOUNT s", ":26\r\n"),
        ("BITCOUNT s 1 1", ":6\r\n"),
        ("BITCOUNT s 5 30 BIT", ":17\r\n"),
        ("BITCOUNT s 0 -1 byte", ":26\r\n"),
        ("BITCOUNT s -1 -5 foo", ":0\r\n"),
        ("BITCOUNT s 0 1 foo", SYNTAX),
        ("BITCOUNT s 0", SYNTAX),
        ("BITCOUNT s x 1", NOT_INT),
        ("BITCOUNT missing x", ":0\r\n"),
        ("BITCOUNT l", WRONGTYPE),
        ("BITCOUNT", &arity("bitcount")),
        ("BITPOS s 1", ":1\r\n"),
        ("BITPOS s 0", ":0\r\n"),
        ("BITPOS s 1 2", ":17\r\n"),
        ("BITPOS s 1 2 -1 BYTE", ":17\r\n"),
        ("BITPOS s 1 7 15 BIT", ":9\r\n"),
        ("BITPOS s 2", "-ERR The bit argument must be 1 or 0.\r\n"),
        ("BITPOS s x", NOT_INT),
        ("BITPOS s 1 x", NOT_INT),
        ("BITPOS s 1 0 1 foo", SYNTAX),
        ("BITPOS s 1 0 1 BIT 3", SYNTAX),
        ("BITPOS missing 1 x", ":-1\r\n"),
        ("BITPOS missing 0", ":0\r\n"),
        ("BITPOS l 1", WRONGTYPE),
        ("BITPOS s", &arity("bitpos")),
        ("BITOP AND dest s b", ":6\r\n"),
        ("BITOP OR dest s missing", ":6\r\n"),
        ("GET dest", &bulk("foobar")),
        ("BITOP XOR dest s s", ":6\r\n"),
        ("BITOP NOT dest b", ":1\r\n"),
        ("BITCOUNT dest", ":7\r\n"),
        (
            "BITOP NOT dest s b",
            "-ERR BITOP NOT must be called with a single source key.\r\n",
        ),
        ("BITOP FOO dest s", SYNTAX),
        ("BITOP AND dest s l", WRONGTYPE),
        ("BITOP AND dest missing", ":0\r\n"),
        ("EXISTS dest", ":0\r\n"),
        ("BITOP AND dest", &arity("bitop")),
    ]);
    Ok(())
}

#[test]
fn bitfield_and_bitfield_ro() -> keyp::Result<()> {
    let mut c = Client::new()?;
    c.make_list("l")?;
    c.expect_all(&[
        (
            "BITFIELD bf SET i8 0 100 GET u4 0 INCRBY i5 100 1",
            "*3\r\n:0\r\n:6\r\n:1\r\n",
        ),
        ("BITFIELD bf GET u8 #1", "*1\r\n:0\r\n"),
        ("BITFIELD bf", "*0\r\n"),
        ("BITFIELD missing GET u8 0", "*1\r\n:0\r\n"),
        ("EXISTS missing", ":0\r\n"),
        ("BITFIELD bf GET x8 0", "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"),
        ("BITFIELD bf GET u8 -1", "-ERR bit offset is not an integer or out of range\r\n"),
        ("BITFIELD bf SET u8 0 x", NOT_INT),
        ("BITFIELD bf OVERFLOW MAYBE", "-ERR Invalid OVERFLOW type specified\r\n"),
        ("BITFIELD bf FOO", SYNTAX),
        ("BITFIELD bf GET u8", SYNTAX),
        ("BITFIELD l GET u8 0", WRONGTYPE),
        ("BITFIELD l", WRONGTYPE),
        ("BITFIELD", &arity("bitfield")),
        ("BITFIELD_RO bf GET i8 0 GET u8 #1", "*2\r\n:100\r\n:0\r\n"),
        ("BITFIELD_RO bf OVERFLOW SAT GET u1 0", "*1\r\n:0\r\n"),
        ("BITFIELD_RO bf SET u8 0 1", "-ERR BITFIELD_RO only supports the GET subcommand\r\n"),
        ("BITFIELD_RO l GET u8 0", WRONGTYPE),
        ("BITFIELD_RO", &arity("bitfield_ro")),
    ]);
    // FAIL overflow answers nil.
    assert_eq!(
        c.both("BITFIELD bf OVERFLOW FAIL INCRBY i8 0 100 OVERFLOW SAT INCRBY i8 0 100"),
        ("*2\r\n$-1\r\n:127\r\n".into(), "*2\r\n_\r\n:127\r\n".into())
    );
    Ok(())
}

#[test]
fn hyperloglog() -> keyp::Result<()> {
    let mut c = Client::new()?;
    c.make_list("l")?;
    c.expect_all(&[
        ("PFADD h a b c d e f g", ":1\r\n"),
        ("PFADD h a", ":0\r\n"),
        ("PFADD h", ":0\r\n"),
        ("PFADD new", ":1\r\n"),
        ("PFCOUNT h", ":7\r\n"),
        ("PFCOUNT missing", ":0\r\n"),
        ("PFADD h2 x y z a", ":1\r\n"),
        ("PFCOUNT h h2", ":10\r\n"),
        ("PFMERGE h3 h h2", "+OK\r\n"),
        ("PFCOUNT h3", ":10\r\n"),
        ("PFMERGE h4", "+OK\r\n"),
        ("EXISTS h4", ":1\r\n"),
        ("SET s notanhll", "+OK\r\n"),
        (
            "PFADD s a",
            "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n",
        ),
        (
            "PFCOUNT s",
            "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n",
        ),
        (
            "PFMERGE h3 s",
            "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n",
        ),
        ("PFADD l a", WRONGTYPE),
        ("PFCOUNT h l", WRONGTYPE),
        ("PFMERGE l h", WRONGTYPE),
        ("PFADD", &arity("pfadd")),
        ("PFCOUNT", &arity("pfcount")),
        ("PFMERGE", &arity("pfmerge")),
    ]);
    // PFCOUNT stores the count it computed in the value, as Redis does.
    let value = c
        .session
        .execute(&[keyp::Bytes::from("GET"), keyp::Bytes::from("h")]);
    let keyp::resp::Reply::Bulk(value) = value else {
        panic!("{value:?}")
    };
    assert_eq!(&value[..16], b"HYLL\x01\0\0\0\x07\0\0\0\0\0\0\0");
    Ok(())
}
