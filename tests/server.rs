//! The network server, started in-process on 127.0.0.1 with an ephemeral port and a temporary
//! directory, driven over real sockets: with the `redis` client crate here, byte by byte over a
//! raw `TcpStream` in `server/raw.rs` (inline commands, protocol errors, QUIT, limits),
//! lifecycle in `server/lifecycle.rs` (maxclients, idle timeout, shutdown, group commit),
//! `redis-cli` in `server/cli.rs`, the command-line flags in `server/config.rs`, the event
//! loop's edges (connections moving to threads, big replies) in `server/event_loop.rs`, and
//! pub/sub delivery (slow subscribers, the output limit) in `server/pubsub.rs`.

#![cfg(feature = "server")]

#[path = "server/admin.rs"]
mod admin;
#[path = "server/cli.rs"]
mod cli;
#[path = "server/config.rs"]
mod config;
#[path = "server/event_loop.rs"]
mod event_loop;
#[path = "server/lifecycle.rs"]
mod lifecycle;
#[path = "server/pubsub.rs"]
mod pubsub;
#[path = "server/raw.rs"]
mod raw;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use keyp::server::{AppendFsync, LogLevel, Server, ServerConfig, ServerHandle};
use tempfile::TempDir;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A server running on its own thread; stopped (and its thread joined) on drop.
pub struct TestServer {
    pub handle: ServerHandle,
    thread: Option<JoinHandle<keyp::Result<()>>>,
    _dir: TempDir,
}

/// Starts a server on 127.0.0.1:0 in a fresh directory, with `tweak` applied to the config.
pub fn start(
    tweak: impl FnOnce(&mut ServerConfig),
) -> Result<TestServer, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let mut config = ServerConfig {
        port: 0,
        dir: dir.path().join("data"),
        appendfsync: AppendFsync::No,
        loglevel: LogLevel::Warning,
        ..ServerConfig::default()
    };
    tweak(&mut config);
    let server = Server::bind(config)?;
    let handle = server.handle();
    let thread = std::thread::spawn(move || server.run());
    Ok(TestServer {
        handle,
        thread: Some(thread),
        _dir: dir,
    })
}

impl TestServer {
    /// A `redis` crate connection.
    pub fn client(&self) -> redis::RedisResult<redis::Connection> {
        let addr = self.handle.local_addr();
        redis::Client::open(format!("redis://{addr}/"))?.get_connection()
    }

    /// A raw socket, with a read timeout so a missing reply fails the test instead of hanging.
    pub fn raw(&self) -> std::io::Result<TcpStream> {
        let socket = TcpStream::connect(self.handle.local_addr())?;
        socket.set_read_timeout(Some(Duration::from_secs(10)))?;
        Ok(socket)
    }

    /// Stops the server and returns what `run` returned.
    pub fn stop(mut self) -> keyp::Result<()> {
        self.handle.stop();
        self.join()
    }

    fn join(&mut self) -> keyp::Result<()> {
        match self.thread.take() {
            Some(thread) => thread.join().expect("the server thread panicked"),
            None => Ok(()),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.handle.stop();
        let _ = self.join();
    }
}

/// Sends `request` and reads exactly `expected.len()` bytes, which must equal `expected`.
pub fn exchange(socket: &mut TcpStream, request: &[u8], expected: &[u8]) -> TestResult {
    socket.write_all(request)?;
    expect(socket, expected)
}

/// Reads as many bytes as `expected` has, which must equal it.
pub fn expect(socket: &mut TcpStream, expected: &[u8]) -> TestResult {
    let got = read_exactly(socket, expected.len())?;
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(expected)
    );
    Ok(())
}

/// A request as RESP multibulk.
pub fn request(args: &[&[u8]]) -> Vec<u8> {
    keyp::resp::Reply::bulks(args).to_bytes(keyp::resp::Protocol::Resp2)
}

pub fn read_exactly(socket: &mut TcpStream, len: usize) -> std::io::Result<Vec<u8>> {
    let mut got = vec![0; len];
    socket.read_exact(&mut got)?;
    Ok(got)
}

/// Asserts the server closed `socket`: the next read gets end of file (or a reset).
pub fn assert_closed(socket: &mut TcpStream) {
    let mut byte = [0u8; 1];
    match socket.read(&mut byte) {
        Ok(0) => {}
        Ok(_) => panic!(
            "unexpected byte {:?} on a closed connection",
            byte[0] as char
        ),
        Err(e) => assert!(
            matches!(
                e.kind(),
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe
            ),
            "expected the connection closed, got {e}"
        ),
    }
}

/// Polls `condition` every 5 ms for up to 10 s: for states only the server's threads reach
/// (a connection closed on its side), which the test cannot be told of otherwise.
pub fn eventually(mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    condition()
}

#[test]
fn ping_echo_get_del_and_unknown_commands() -> TestResult {
    let server = start(|_| {})?;
    let mut con = server.client()?;
    let pong: String = redis::cmd("PING").query(&mut con)?;
    assert_eq!(pong, "PONG");
    let hello: Vec<u8> = redis::cmd("PING").arg("hello").query(&mut con)?;
    assert_eq!(hello, b"hello");
    let binary = b"a\r\nb\0c\xff".to_vec();
    let echoed: Vec<u8> = redis::cmd("ECHO").arg(&binary).query(&mut con)?;
    assert_eq!(echoed, binary);
    let missing: Option<Vec<u8>> = redis::cmd("GET").arg("nokey").query(&mut con)?;
    assert_eq!(missing, None);
    let deleted: i64 = redis::cmd("DEL").arg("a").arg("b").query(&mut con)?;
    assert_eq!(deleted, 0);

    server.handle.store().set("k", "v")?;
    let value: Option<Vec<u8>> = redis::cmd("GET").arg("k").query(&mut con)?;
    assert_eq!(value.as_deref(), Some(&b"v"[..]));
    let deleted: i64 = redis::cmd("DEL").arg("k").arg("a").query(&mut con)?;
    assert_eq!(deleted, 1);
    assert_eq!(server.handle.store().get("k")?, None);

    let err = redis::cmd("NOSUCH")
        .arg("x")
        .query::<String>(&mut con)
        .expect_err("unknown command");
    assert_eq!(err.code(), Some("ERR"));
    assert_eq!(
        err.detail(),
        Some("unknown command 'NOSUCH', with args beginning with: 'x' ")
    );
    let err = redis::cmd("GET")
        .query::<String>(&mut con)
        .expect_err("arity");
    assert_eq!(
        err.detail(),
        Some("wrong number of arguments for 'get' command")
    );
    // The connection still works after error replies.
    let pong: String = redis::cmd("PING").query(&mut con)?;
    assert_eq!(pong, "PONG");
    Ok(())
}

#[test]
fn a_pipeline_of_10000_commands_gets_10000_replies_in_order() -> TestResult {
    let server = start(|_| {})?;
    for i in 0..100 {
        server
            .handle
            .store()
            .set(format!("key:{i}"), format!("value {i}"))?;
    }
    let mut con = server.client()?;
    let mut pipe = redis::pipe();
    for i in 0..10_000 {
        match i % 3 {
            0 => pipe.cmd("ECHO").arg(format!("echo {i}")),
            1 => pipe.cmd("GET").arg(format!("key:{}", i % 200)),
            _ => pipe.cmd("PING"),
        };
    }
    let replies: Vec<redis::Value> = pipe.query(&mut con)?;
    assert_eq!(replies.len(), 10_000);
    for (i, reply) in replies.iter().enumerate() {
        let want = match i % 3 {
            0 => redis::Value::BulkString(format!("echo {i}").into_bytes()),
            1 if i % 200 < 100 => {
                redis::Value::BulkString(format!("value {}", i % 200).into_bytes())
            }
            1 => redis::Value::Nil,
            _ => redis::Value::SimpleString("PONG".to_owned()),
        };
        assert_eq!(reply, &want, "reply {i}");
    }
    Ok(())
}

#[test]
fn big_bulk_strings_cross_many_reads() -> TestResult {
    let server = start(|_| {})?;
    let mut con = server.client()?;
    let big: Vec<u8> = (0..8 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let echoed: Vec<u8> = redis::cmd("ECHO").arg(&big).query(&mut con)?;
    assert!(echoed == big, "8 MiB echoed intact");
    let pong: String = redis::cmd("PING").query(&mut con)?;
    assert_eq!(pong, "PONG");
    Ok(())
}

#[test]
fn databases_flag_limits_select() -> TestResult {
    let server = start(|config| config.databases = 4)?;
    let mut socket = server.raw()?;
    exchange(&mut socket, b"SELECT 3\r\n", b"+OK\r\n")?;
    exchange(
        &mut socket,
        b"SELECT 4\r\n",
        b"-ERR DB index is out of range\r\n",
    )?;
    // Each connection starts in database 0; SELECT is per connection.
    server.handle.store().select(3)?.set("k", "in db 3")?;
    exchange(&mut socket, b"GET k\r\n", b"$7\r\nin db 3\r\n")?;
    let mut other = server.raw()?;
    exchange(&mut other, b"GET k\r\n", b"$-1\r\n")?;
    Ok(())
}

#[test]
fn with_store_serves_an_open_store() -> TestResult {
    let dir = tempfile::tempdir()?;
    let store = keyp::Store::open(dir.path())?;
    store.set("greeting", "hello")?;
    let config = ServerConfig {
        port: 0,
        ..ServerConfig::default()
    };
    let server = Server::with_store(config, store.clone())?;
    let handle = server.handle();
    assert_eq!(handle.local_addr().ip().to_string(), "127.0.0.1");
    assert_ne!(handle.local_addr().port(), 0);
    let thread = std::thread::spawn(move || server.run());
    let mut socket = TcpStream::connect(handle.local_addr())?;
    socket.set_read_timeout(Some(Duration::from_secs(10)))?;
    exchange(&mut socket, b"GET greeting\r\n", b"$5\r\nhello\r\n")?;
    exchange(&mut socket, b"DEL greeting\r\n", b":1\r\n")?;
    assert_eq!(store.get("greeting")?, None);
    handle.stop();
    thread.join().expect("server thread")?;
    assert!(handle.stopped());
    Ok(())
}

#[test]
fn two_hundred_clients_at_once() -> TestResult {
    let server = start(|_| {})?;
    let mut sockets = (0..200)
        .map(|_| server.raw())
        .collect::<std::io::Result<Vec<_>>>()?;
    for (i, socket) in sockets.iter_mut().enumerate() {
        let text = format!("client {i}");
        let request = format!("ECHO \"{text}\"\r\n");
        let reply = format!("${}\r\n{text}\r\n", text.len());
        exchange(socket, request.as_bytes(), reply.as_bytes())?;
    }
    assert_eq!(server.handle.clients(), 200);
    drop(sockets);
    assert!(eventually(|| server.handle.clients() == 0));
    Ok(())
}
