//! Connections coming and going: maxclients, the idle timeout, shutdown, and many clients
//! writing at once through group commit.

use std::net::TcpStream;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use keyp::server::AppendFsync;

use super::{assert_closed, eventually, exchange, read_exactly, start, TestResult};

#[test]
fn maxclients_refuses_extra_connections() -> TestResult {
    let server = start(|config| config.maxclients = 2)?;
    let mut first = server.raw()?;
    let mut second = server.raw()?;
    exchange(&mut first, b"PING\r\n", b"+PONG\r\n")?;
    exchange(&mut second, b"PING\r\n", b"+PONG\r\n")?;
    let mut third = server.raw()?;
    let refused = b"-ERR max number of clients reached\r\n";
    assert_eq!(read_exactly(&mut third, refused.len())?, refused);
    assert_closed(&mut third);
    // The two admitted clients carry on.
    exchange(&mut first, b"PING\r\n", b"+PONG\r\n")?;
    // Once one leaves, a new client gets in.
    exchange(&mut second, b"QUIT\r\n", b"+OK\r\n")?;
    assert!(eventually(|| server.handle.clients() == 1));
    let mut fourth = server.raw()?;
    exchange(&mut fourth, b"PING\r\n", b"+PONG\r\n")?;
    assert_eq!(server.handle.clients(), 2);
    Ok(())
}

#[test]
fn idle_clients_are_closed_after_the_timeout() -> TestResult {
    let server = start(|config| config.timeout = 1)?;
    let mut idle = server.raw()?;
    exchange(&mut idle, b"PING\r\n", b"+PONG\r\n")?;
    let since = Instant::now();
    assert_closed(&mut idle);
    let waited = since.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(5),
        "closed after {waited:?}"
    );
    assert!(eventually(|| server.handle.clients() == 0));
    Ok(())
}

#[test]
fn no_timeout_by_default() -> TestResult {
    let server = start(|_| {})?;
    let mut socket = server.raw()?;
    socket.set_read_timeout(Some(Duration::from_millis(1500)))?;
    let mut byte = [0u8; 1];
    let waited = std::io::Read::read(&mut socket, &mut byte);
    assert!(
        matches!(&waited, Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)),
        "still open: {waited:?}"
    );
    exchange(&mut socket, b"PING\r\n", b"+PONG\r\n")?;
    Ok(())
}

/// SHUTDOWN sets the flag of `Shared`; the server notices, closes its clients, syncs and stops.
#[test]
fn shutdown_requested_through_shared_stops_the_server() -> TestResult {
    let server = start(|_| {})?;
    let addr = server.handle.local_addr();
    let mut socket = server.raw()?;
    exchange(&mut socket, b"PING\r\n", b"+PONG\r\n")?;
    server.handle.shared().request_shutdown();
    assert!(eventually(|| server.handle.stopped()), "the server stopped");
    assert_closed(&mut socket);
    assert!(TcpStream::connect(addr).is_err(), "no longer accepting");
    server.stop()?;
    Ok(())
}

#[test]
fn stop_keeps_what_was_written_and_the_store_reopens() -> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let server = start(|config| {
        config.dir = data.clone();
        config.appendfsync = AppendFsync::Everysec;
    })?;
    server.handle.store().set("k1", "v1")?;
    server.handle.store().set("k2", "v2")?;
    let mut con = server.client()?;
    let deleted: i64 = redis::cmd("DEL").arg("k1").query(&mut con)?;
    assert_eq!(deleted, 1);
    server.stop()?;
    drop(con);
    let store = keyp::Store::open(&data)?;
    assert_eq!(store.get("k1")?, None);
    assert_eq!(store.get("k2")?.as_deref(), Some(&b"v2"[..]));
    Ok(())
}

/// A client that is mid-pipeline when shutdown comes gets whole replies, then the connection
/// closes.
#[test]
fn shutdown_answers_the_commands_already_read() -> TestResult {
    let server = start(|_| {})?;
    let mut socket = server.raw()?;
    let many = b"PING\r\n".repeat(5_000);
    std::io::Write::write_all(&mut socket, &many)?;
    let first = read_exactly(&mut socket, 7)?;
    assert_eq!(first, b"+PONG\r\n");
    server.handle.stop();
    // Whatever the server had read is answered in full, then the connection closes.
    // (A reset instead of an end of file is fine: requests the server had not read yet are
    // dropped with the connection.)
    let mut rest = Vec::new();
    let mut chunk = [0u8; 4096];
    while let Ok(n @ 1..) = std::io::Read::read(&mut socket, &mut chunk) {
        rest.extend_from_slice(&chunk[..n]);
    }
    assert_eq!(rest.len() % 7, 0, "only whole replies");
    assert!(rest.chunks(7).all(|r| r == b"+PONG\r\n"));
    assert!(eventually(|| server.handle.stopped()));
    Ok(())
}

/// Many clients deleting at once with `appendfsync always`: every DEL answered exactly, and
/// group commit puts several clients' writes in one transaction (fewer commits than DELs).
#[test]
fn concurrent_writers_share_commits() -> TestResult {
    const CLIENTS: usize = 16;
    const PER_CLIENT: usize = 100;
    let server = start(|config| config.appendfsync = AppendFsync::Always)?;
    let store = server.handle.store().clone();
    store.transaction(|tx| {
        for i in 0..CLIENTS * PER_CLIENT {
            tx.set(format!("key:{i}"), "x")?;
        }
        Ok(())
    })?;
    let before = server.handle.last_transaction_id();
    let deleted = Arc::new(AtomicI64::new(0));
    let threads: Vec<_> = (0..CLIENTS)
        .map(|t| {
            let mut con = server.client().expect("connect");
            let deleted = Arc::clone(&deleted);
            std::thread::spawn(move || {
                for i in 0..PER_CLIENT {
                    // Each key is deleted by two clients: exactly one of them gets 1.
                    let own = format!("key:{}", t * PER_CLIENT + i);
                    let other = format!("key:{}", ((t + 1) % CLIENTS) * PER_CLIENT + i);
                    let n: i64 = redis::cmd("DEL").arg(&own).query(&mut con).expect("DEL");
                    let m: i64 = redis::cmd("DEL").arg(&other).query(&mut con).expect("DEL");
                    deleted.fetch_add(n + m, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("client thread");
    }
    let commits = server.handle.last_transaction_id() - before;
    assert_eq!(
        deleted.load(Ordering::SeqCst),
        (CLIENTS * PER_CLIENT) as i64,
        "each key deleted once"
    );
    for i in 0..CLIENTS * PER_CLIENT {
        assert_eq!(store.get(format!("key:{i}"))?, None);
    }
    // 1,600 keys deleted: without group commit that takes 1,600 commits (DELs of a key
    // already gone change nothing and commit nothing).
    assert!(
        commits < (CLIENTS * PER_CLIENT) as u64,
        "{commits} commits for {} deletions",
        CLIENTS * PER_CLIENT
    );
    Ok(())
}

/// With `appendfsync always`, replies to reads wait for the log while writes are being synced
/// (held aside like writes): readers and writers interleaving, plain and pipelined, mixed
/// pipelines included, get every reply, in order, and never see a counter go back.
#[test]
fn reads_between_logged_writes_get_every_reply() -> TestResult {
    const WRITERS: usize = 6;
    const READERS: usize = 4;
    const INCRS: usize = 150;
    let server = start(|config| config.appendfsync = AppendFsync::Always)?;
    let mut writers = Vec::new();
    let mut readers = Vec::new();
    let writing = Arc::new(std::sync::atomic::AtomicBool::new(true));
    // A reply held for good fails the test (a read timeout) instead of hanging it.
    let client = || -> redis::RedisResult<redis::Connection> {
        let con = server.client()?;
        con.set_read_timeout(Some(Duration::from_secs(10)))?;
        Ok(con)
    };
    // Every connection before any write: a connection's handshake then never waits for one.
    let mut connections = (0..WRITERS + READERS)
        .map(|_| client())
        .collect::<redis::RedisResult<Vec<_>>>()?;
    for w in 0..WRITERS {
        let mut con = connections.pop().ok_or("a connection")?;
        writers.push(std::thread::spawn(move || {
            for i in 0..INCRS {
                if i % 3 == 0 {
                    // A mixed pipeline: runs inline, its write through the committer.
                    let (seen, after): (i64, i64) = redis::pipe()
                        .cmd("GET")
                        .arg("counter")
                        .cmd("INCR")
                        .arg("counter")
                        .query(&mut con)
                        .map(|(seen, after): (Option<i64>, i64)| (seen.unwrap_or(0), after))
                        .expect("GET + INCR");
                    assert!(
                        after > seen,
                        "writer {w}: INCR gave {after} after GET {seen}"
                    );
                } else {
                    let _: i64 = redis::cmd("INCR")
                        .arg("counter")
                        .query(&mut con)
                        .expect("INCR");
                }
            }
        }));
    }
    for _ in 0..READERS {
        let mut con = connections.pop().ok_or("a connection")?;
        let writing = Arc::clone(&writing);
        readers.push(std::thread::spawn(move || {
            let mut last = 0;
            // Until the writers are done (whether they finished or failed).
            while writing.load(Ordering::SeqCst) {
                let values: Vec<Option<i64>> = redis::pipe()
                    .cmd("GET")
                    .arg("counter")
                    .cmd("GET")
                    .arg("counter")
                    .query(&mut con)
                    .expect("GET GET");
                for value in values {
                    let value = value.unwrap_or(0);
                    assert!(
                        value >= last,
                        "the counter went back from {last} to {value}"
                    );
                    last = value;
                }
            }
        }));
    }
    let written: Vec<_> = writers.into_iter().map(|w| w.join()).collect();
    writing.store(false, Ordering::SeqCst);
    for reader in readers {
        reader.join().expect("reader");
    }
    for writer in written {
        writer.expect("writer");
    }
    let mut con = server.client()?;
    let total: i64 = redis::cmd("GET").arg("counter").query(&mut con)?;
    assert_eq!(total, (WRITERS * INCRS) as i64);
    Ok(())
}

#[test]
fn with_appendfsync_always_no_reply_goes_out_before_the_log_is_on_disk() -> TestResult {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir()?;
    // No checkpoints: they would sync the log while the test holds its syncs.
    let store = keyp::StoreOptions::new()
        .durability(keyp::Durability::WriteAheadLog)
        .auto_checkpoint(false)
        .open(dir.path())?;
    let config = keyp::server::ServerConfig {
        port: 0,
        dir: dir.path().to_path_buf(),
        appendfsync: AppendFsync::Always,
        loglevel: keyp::server::LogLevel::Warning,
        ..keyp::server::ServerConfig::default()
    };
    let server = keyp::server::Server::with_store(config, store)?;
    let handle = server.handle();
    let thread = std::thread::spawn(move || server.run());
    let connect = || -> std::io::Result<TcpStream> {
        let socket = TcpStream::connect(handle.local_addr())?;
        socket.set_read_timeout(Some(Duration::from_millis(300)))?;
        Ok(socket)
    };
    let (mut one, mut many, mut reader) = (connect()?, connect()?, connect()?);
    exchange(&mut one, b"SET k old\r\n", b"+OK\r\n")?;
    handle.store().hold_log_syncs(true);
    // A single write (committed on the event loop's thread), a pipeline long enough for the
    // commit thread, and a read of what the first wrote: none may answer before the sync.
    one.write_all(b"SET k new\r\n")?;
    // Alone in its turn of the loop.
    std::thread::sleep(Duration::from_millis(100));
    let pipeline: Vec<u8> = (0..300)
        .flat_map(|i| format!("SET p{i} v\r\n").into_bytes())
        .collect();
    many.write_all(&pipeline)?;
    std::thread::sleep(Duration::from_millis(100));
    reader.write_all(b"GET k\r\n")?;
    for socket in [&mut one, &mut many, &mut reader] {
        let mut byte = [0u8; 1];
        match socket.read(&mut byte) {
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            other => panic!(
                "a reply before the log's sync: {other:?} {:?}",
                byte[0] as char
            ),
        }
    }
    handle.store().hold_log_syncs(false);
    for socket in [&mut one, &mut many, &mut reader] {
        socket.set_read_timeout(Some(Duration::from_secs(10)))?;
    }
    super::expect(&mut one, b"+OK\r\n")?;
    super::expect(&mut many, &b"+OK\r\n".repeat(300))?;
    super::expect(&mut reader, b"$3\r\nnew\r\n")?;
    handle.stop();
    thread.join().map_err(|_| "the server thread panicked")??;
    Ok(())
}
