//! Server commands over the protocol layer, in-process: INFO, TIME, COMMAND, CONFIG, SAVE,
//! BGSAVE, LASTSAVE, SHUTDOWN.

use std::sync::Arc;
use std::time::Duration;

use keyp::resp::{PushSink, ServerInfo, Session, Shared};
use keyp::{Bytes, ManualClock, Store, StoreOptions};

const T0: u64 = 1_700_000_000_000;

struct Fixture {
    dir: tempfile::TempDir,
    shared: Arc<Shared>,
}

fn fixture() -> keyp::Result<Fixture> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(T0));
    let store = StoreOptions::new()
        .clock(clock)
        .databases(4)
        .open(dir.path().join("data"))?;
    Ok(Fixture {
        shared: Shared::new(store)?,
        dir,
    })
}

fn session(shared: &Arc<Shared>) -> Session {
    let push: PushSink = Arc::new(|_: &[u8]| {});
    Session::new(Arc::clone(shared), push)
}

fn args(line: &str) -> Vec<Bytes> {
    line.split(' ')
        .map(|a| Bytes::copy_from_slice(a.as_bytes()))
        .collect()
}

fn cmd(session: &mut Session, line: &str) -> String {
    let reply = session.execute(&args(line));
    String::from_utf8(reply.to_bytes(session.protocol())).unwrap()
}

fn bulk(s: &str) -> String {
    format!("${}\r\n{s}\r\n", s.len())
}

/// The text of a bulk-string reply.
fn bulk_text(reply: &str) -> String {
    let (_, text) = reply.split_once("\r\n").unwrap();
    text.strip_suffix("\r\n").unwrap().to_owned()
}

#[test]
fn info_sections() -> keyp::Result<()> {
    let f = fixture()?;
    f.shared.set_server_info(ServerInfo {
        port: 7777,
        bind: "127.0.0.1".to_owned(),
        dir: f.dir.path().join("data"),
        executable: "/usr/bin/keyp".to_owned(),
    });
    let store = f.shared.store();
    store.set("a", "1")?;
    store.set("b", "2")?;
    store.psetex("c", 10_000, "3")?;
    store.psetex("d", 20_000, "4")?;
    store.select(2)?.set("x", "y")?;
    let mut s = session(&f.shared);
    let _other = session(&f.shared);
    let keyspace = bulk_text(&cmd(&mut s, "INFO keyspace"));
    assert_eq!(
        keyspace,
        "# Keyspace\r\ndb0:keys=4,expires=2,avg_ttl=15000\r\ndb2:keys=1,expires=0,avg_ttl=0\r\n"
    );
    let all = bulk_text(&cmd(&mut s, "INFO"));
    let headers: Vec<&str> = all.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(
        headers,
        [
            "# Server",
            "# Clients",
            "# Memory",
            "# Persistence",
            "# Stats",
            "# Replication",
            "# Keyspace"
        ]
    );
    // Sections are separated by an empty line and every line ends in CRLF.
    assert!(all.contains("\r\n\r\n# Clients\r\n"));
    assert!(all.ends_with("avg_ttl=0\r\n"));
    for line in [
        "redis_version:7.0.15",
        "redis_mode:standalone",
        "tcp_port:7777",
        "executable:/usr/bin/keyp",
        "connected_clients:2",
        "maxclients:10000",
        "role:master",
        "maxmemory_policy:noeviction",
        "rdb_bgsave_in_progress:0",
    ] {
        assert!(all.contains(&format!("\r\n{line}\r\n")), "{line}");
    }
    let everything = bulk_text(&cmd(&mut s, "INFO ALL"));
    let everything: Vec<&str> = everything.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(everything, headers);
    let two = bulk_text(&cmd(&mut s, "INFO clients Replication"));
    assert!(two.starts_with("# Clients\r\n"));
    assert!(two.contains("\r\n\r\n# Replication\r\n"));
    assert_eq!(cmd(&mut s, "INFO foo"), "$0\r\n\r\n");
    // RESP3: a verbatim string.
    cmd(&mut s, "HELLO 3");
    let keyspace3 = cmd(&mut s, "INFO keyspace");
    assert!(keyspace3.starts_with(&format!("={}\r\ntxt:# Keyspace\r\n", keyspace.len() + 4)));
    Ok(())
}

#[test]
fn time_and_lastsave() -> keyp::Result<()> {
    let f = fixture()?;
    let mut s = session(&f.shared);
    let time = cmd(&mut s, "TIME");
    let parts: Vec<&str> = time.split("\r\n").collect();
    assert_eq!(parts[0], "*2");
    let secs: u64 = parts[2].parse().unwrap();
    let micros: u64 = parts[4].parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(secs.abs_diff(now) <= 2 && micros < 1_000_000, "{time}");
    assert_eq!(
        cmd(&mut s, "TIME x"),
        "-ERR wrong number of arguments for 'time' command\r\n"
    );
    let lastsave: u64 = cmd(&mut s, "LASTSAVE")[1..].trim().parse().unwrap();
    assert!(lastsave.abs_diff(now) <= 2);
    assert_eq!(
        cmd(&mut s, "LASTSAVE x"),
        "-ERR wrong number of arguments for 'lastsave' command\r\n"
    );
    Ok(())
}

#[test]
fn save_and_bgsave_copy_the_store() -> keyp::Result<()> {
    let f = fixture()?;
    f.shared.store().set("k", "v1")?;
    let mut s = session(&f.shared);
    assert_eq!(cmd(&mut s, "SAVE"), "+OK\r\n");
    let copy = f.dir.path().join("data.save");
    {
        let saved = Store::open(&copy)?;
        assert_eq!(saved.get("k")?.as_deref(), Some(&b"v1"[..]));
    }
    // A second SAVE replaces the copy.
    f.shared.store().set("k", "v2")?;
    assert_eq!(cmd(&mut s, "SAVE"), "+OK\r\n");
    {
        let saved = Store::open(&copy)?;
        assert_eq!(saved.get("k")?.as_deref(), Some(&b"v2"[..]));
    }
    f.shared.store().set("k", "v3")?;
    assert_eq!(cmd(&mut s, "BGSAVE"), "+Background saving started\r\n");
    // Wait for the background copy (bounded).
    for _ in 0..500 {
        if bulk_text(&cmd(&mut s, "INFO persistence")).contains("rdb_bgsave_in_progress:0") {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    {
        let saved = Store::open(&copy)?;
        assert_eq!(saved.get("k")?.as_deref(), Some(&b"v3"[..]));
    }
    assert_eq!(cmd(&mut s, "BGSAVE foo"), "-ERR syntax error\r\n");
    assert_eq!(
        cmd(&mut s, "SAVE x"),
        "-ERR wrong number of arguments for 'save' command\r\n"
    );
    // SAVE is refused inside MULTI, and that aborts the transaction.
    assert_eq!(cmd(&mut s, "MULTI"), "+OK\r\n");
    assert_eq!(
        cmd(&mut s, "SAVE"),
        "-ERR Command not allowed inside a transaction\r\n"
    );
    assert_eq!(
        cmd(&mut s, "EXEC"),
        "-EXECABORT Transaction discarded because of previous errors.\r\n"
    );
    Ok(())
}

#[test]
fn shutdown_asks_the_server_to_stop() -> keyp::Result<()> {
    let f = fixture()?;
    let mut s = session(&f.shared);
    assert_eq!(cmd(&mut s, "SHUTDOWN foo"), "-ERR syntax error\r\n");
    assert_eq!(cmd(&mut s, "SHUTDOWN NOSAVE SAVE"), "-ERR syntax error\r\n");
    assert_eq!(
        cmd(&mut s, "SHUTDOWN ABORT"),
        "-ERR No shutdown in progress.\r\n"
    );
    assert!(!f.shared.shutdown_requested());
    // No reply: the connection closes.
    let mut out = Vec::new();
    s.run(&args("SHUTDOWN NOSAVE"), &mut out);
    assert!(out.is_empty());
    assert!(s.should_close());
    assert!(f.shared.shutdown_requested());
    Ok(())
}

#[test]
fn config_get_and_set() -> keyp::Result<()> {
    let f = fixture()?;
    let mut s = session(&f.shared);
    assert_eq!(
        cmd(&mut s, "CONFIG GET maxclients"),
        format!("*2\r\n{}{}", bulk("maxclients"), bulk("10000"))
    );
    // An exact name is echoed as given; patterns match case-insensitively.
    assert_eq!(
        cmd(&mut s, "CONFIG GET DataBases"),
        format!("*2\r\n{}{}", bulk("DataBases"), bulk("4"))
    );
    assert_eq!(
        cmd(&mut s, "CONFIG GET *max-*-entries*"),
        format!(
            "*10\r\n{}{}{}{}{}{}{}{}{}{}",
            bulk("hash-max-listpack-entries"),
            bulk("512"),
            bulk("hash-max-ziplist-entries"),
            bulk("512"),
            bulk("set-max-intset-entries"),
            bulk("512"),
            bulk("zset-max-listpack-entries"),
            bulk("128"),
            bulk("zset-max-ziplist-entries"),
            bulk("128"),
        )
    );
    assert_eq!(cmd(&mut s, "CONFIG GET nosuch"), "*0\r\n");
    assert_eq!(
        cmd(&mut s, "CONFIG GET save appendonly"),
        format!(
            "*4\r\n{}{}{}{}",
            bulk("save"),
            bulk(""),
            bulk("appendonly"),
            bulk("no")
        )
    );
    // Redis's meaningless parameters are accepted and echoed.
    assert_eq!(
        cmd(&mut s, "CONFIG SET save 900 1"),
        "-ERR syntax error\r\n"
    );
    assert_eq!(cmd(&mut s, "CONFIG SET appendonly yes hz 50"), "+OK\r\n");
    assert_eq!(
        cmd(&mut s, "CONFIG GET appendonly"),
        format!("*2\r\n{}{}", bulk("appendonly"), bulk("yes"))
    );
    // keyp's own parameters are checked.
    assert_eq!(
        cmd(&mut s, "CONFIG SET maxclients 100 timeout 5"),
        "+OK\r\n"
    );
    assert_eq!(f.shared.config("maxclients").as_deref(), Some("100"));
    assert_eq!(f.shared.config("timeout").as_deref(), Some("5"));
    let failed = |name: &str, why: &str| {
        format!("-ERR CONFIG SET failed (possibly related to argument '{name}') - {why}\r\n")
    };
    assert_eq!(
        cmd(&mut s, "CONFIG SET maxclients x"),
        failed("maxclients", "argument couldn't be parsed into an integer")
    );
    assert_eq!(
        cmd(&mut s, "CONFIG SET maxclients 0"),
        failed(
            "maxclients",
            "argument must be between 1 and 4294967295 inclusive"
        )
    );
    assert_eq!(
        cmd(&mut s, "CONFIG SET timeout -1"),
        failed(
            "timeout",
            "argument must be between 0 and 2147483647 inclusive"
        )
    );
    assert_eq!(
        cmd(&mut s, "CONFIG SET loglevel foo"),
        failed(
            "loglevel",
            "argument(s) must be one of the following: debug, verbose, notice, warning"
        )
    );
    assert_eq!(
        cmd(&mut s, "CONFIG SET databases 3"),
        failed("databases", "can't set immutable config")
    );
    assert_eq!(
        cmd(&mut s, "CONFIG SET dir /tmp"),
        failed("dir", "can't set protected config")
    );
    assert_eq!(
        cmd(&mut s, "CONFIG SET maxclients 100 maxclients 5"),
        failed("maxclients", "duplicate parameter")
    );
    // A refused CONFIG SET changes nothing.
    assert_eq!(
        cmd(&mut s, "CONFIG SET timeout 7 maxclients 0"),
        failed(
            "maxclients",
            "argument must be between 1 and 4294967295 inclusive"
        )
    );
    assert_eq!(f.shared.config("timeout").as_deref(), Some("5"));
    assert_eq!(
        cmd(&mut s, "CONFIG SET nosuch 1"),
        "-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n"
    );
    assert_eq!(
        cmd(&mut s, "CONFIG SET maxclients"),
        "-ERR wrong number of arguments for 'config|set' command\r\n"
    );
    assert_eq!(
        cmd(&mut s, "CONFIG GET"),
        "-ERR wrong number of arguments for 'config|get' command\r\n"
    );
    assert_eq!(
        cmd(&mut s, "CONFIG foo"),
        "-ERR unknown subcommand 'foo'. Try CONFIG HELP.\r\n"
    );
    assert_eq!(
        cmd(&mut s, "CONFIG REWRITE"),
        "-ERR The server is running without a config file\r\n"
    );
    assert_eq!(cmd(&mut s, "CONFIG RESETSTAT"), "+OK\r\n");
    // requirepass through CONFIG SET takes effect for new connections at once.
    assert_eq!(cmd(&mut s, "CONFIG SET requirepass sec"), "+OK\r\n");
    assert_eq!(
        cmd(&mut s, "CONFIG GET requirepass"),
        format!("*2\r\n{}{}", bulk("requirepass"), bulk("sec"))
    );
    let mut late = session(&f.shared);
    assert_eq!(
        cmd(&mut late, "PING"),
        "-NOAUTH Authentication required.\r\n"
    );
    // RESP3: a map.
    cmd(&mut s, "HELLO 3");
    assert_eq!(
        cmd(&mut s, "CONFIG GET maxclients"),
        format!("%1\r\n{}{}", bulk("maxclients"), bulk("100"))
    );
    Ok(())
}

#[test]
fn command_introspection() -> keyp::Result<()> {
    let f = fixture()?;
    let mut s = session(&f.shared);
    let count = keyp::resp::commands().count();
    assert_eq!(cmd(&mut s, "COMMAND COUNT"), format!(":{count}\r\n"));
    assert!(cmd(&mut s, "COMMAND").starts_with(&format!("*{count}\r\n*10\r\n")));
    assert_eq!(
        cmd(&mut s, "COMMAND INFO get nosuch"),
        "*2\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n\
         *2\r\n+@read\r\n+@fast\r\n*0\r\n\
         *1\r\n*6\r\n$5\r\nflags\r\n*1\r\n+RO\r\n\
         $12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n\
         $9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n\
         *6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n\
         *0\r\n$-1\r\n"
    );
    assert_eq!(
        cmd(&mut s, "COMMAND INFO ping"),
        "*1\r\n*10\r\n$4\r\nping\r\n:-1\r\n*2\r\n+fast\r\n+sentinel\r\n:0\r\n:0\r\n:0\r\n\
         *1\r\n+@fast\r\n*0\r\n*0\r\n*0\r\n"
    );
    assert!(cmd(&mut s, "COMMAND INFO").starts_with(&format!("*{count}\r\n")));
    assert_eq!(
        cmd(&mut s, "COMMAND DOCS get nosuch"),
        format!(
            "*2\r\n{}*8\r\n{}{}{}{}{}{}{}{}",
            bulk("get"),
            bulk("summary"),
            bulk("GET"),
            bulk("since"),
            bulk("1.0.0"),
            bulk("group"),
            bulk("generic"),
            bulk("complexity"),
            bulk("")
        )
    );
    assert_eq!(
        cmd(&mut s, "COMMAND LIST FILTERBY PATTERN ge?"),
        format!("*1\r\n{}", bulk("get"))
    );
    assert_eq!(cmd(&mut s, "COMMAND LIST FILTERBY MODULE x"), "*0\r\n");
    let pubsub = cmd(&mut s, "COMMAND LIST FILTERBY ACLCAT pubsub");
    assert!(
        pubsub.starts_with("*5\r\n") && pubsub.contains(&bulk("publish")),
        "{pubsub}"
    );
    assert!(cmd(&mut s, "COMMAND LIST").starts_with(&format!("*{count}\r\n")));
    assert_eq!(cmd(&mut s, "COMMAND LIST foo"), "-ERR syntax error\r\n");
    assert_eq!(
        cmd(&mut s, "COMMAND LIST FILTERBY foo x"),
        "-ERR syntax error\r\n"
    );
    assert_eq!(
        cmd(&mut s, "COMMAND GETKEYS get a"),
        format!("*1\r\n{}", bulk("a"))
    );
    assert_eq!(
        cmd(&mut s, "COMMAND GETKEYS del a b c"),
        format!("*3\r\n{}{}{}", bulk("a"), bulk("b"), bulk("c"))
    );
    assert_eq!(
        cmd(&mut s, "COMMAND GETKEYS watch a b"),
        format!("*2\r\n{}{}", bulk("a"), bulk("b"))
    );
    assert_eq!(
        cmd(&mut s, "COMMAND GETKEYS ping x"),
        "-ERR The command has no key arguments\r\n"
    );
    assert_eq!(
        cmd(&mut s, "COMMAND GETKEYS get a b"),
        "-ERR Invalid number of arguments specified for command\r\n"
    );
    assert_eq!(
        cmd(&mut s, "COMMAND GETKEYS nosuch a"),
        "-ERR Invalid command specified\r\n"
    );
    assert_eq!(
        cmd(&mut s, "COMMAND GETKEYS get"),
        "-ERR wrong number of arguments for 'command|getkeys' command\r\n"
    );
    assert_eq!(
        cmd(&mut s, "COMMAND COUNT x"),
        "-ERR wrong number of arguments for 'command|count' command\r\n"
    );
    assert_eq!(
        cmd(&mut s, "COMMAND foo"),
        "-ERR unknown subcommand 'foo'. Try COMMAND HELP.\r\n"
    );
    // RESP3: flags and categories are sets, key specs maps.
    cmd(&mut s, "HELLO 3");
    let get3 = cmd(&mut s, "COMMAND INFO get");
    assert!(get3.starts_with("*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n"));
    assert!(get3.contains("%3\r\n$5\r\nflags\r\n~1\r\n+RO\r\n"));
    Ok(())
}
