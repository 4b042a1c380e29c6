//! Bytes on a raw socket: inline commands, requests split across writes, protocol errors (the
//! connection closes, other clients carry on), QUIT, NOAUTH. Replies as redis-server 7.0.15
//! sends them.

use std::io::Write;

use super::{assert_closed, exchange, read_exactly, start, TestResult};

#[test]
fn inline_commands() -> TestResult {
    let server = start(|_| {})?;
    let mut socket = server.raw()?;
    exchange(&mut socket, b"PING\r\n", b"+PONG\r\n")?;
    exchange(&mut socket, b"ping\n", b"+PONG\r\n")?;
    exchange(&mut socket, b"ECHO \"a b\"\r\n", b"$3\r\na b\r\n")?;
    exchange(&mut socket, b"echo 'it\\'s'\r\n", b"$4\r\nit's\r\n")?;
    Ok(())
}

#[test]
fn inline_quoting_and_empty_requests() -> TestResult {
    let server = start(|_| {})?;
    let mut socket = server.raw()?;
    // Empty lines, `*0` and `*-1` are skipped without a reply, as Redis does.
    exchange(
        &mut socket,
        b"\r\n\nPING\nECHO \"a b\"\r\n*0\r\n*-1\r\nPING\r\n",
        b"+PONG\r\n$3\r\na b\r\n+PONG\r\n",
    )?;
    exchange(&mut socket, b"ECHO \"\\x41\\n\" \r\n", b"$2\r\nA\n\r\n")?;
    exchange(&mut socket, b"GET nokey\r\n", b"$-1\r\n")?;
    Ok(())
}

#[test]
fn requests_split_across_writes_and_many_per_write() -> TestResult {
    let server = start(|_| {})?;
    let mut socket = server.raw()?;
    socket.set_nodelay(true)?;
    let request = b"*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n";
    for byte in request {
        socket.write_all(std::slice::from_ref(byte))?;
        socket.flush()?;
    }
    assert_eq!(read_exactly(&mut socket, 11)?, b"$5\r\nhello\r\n");

    // 10,000 inline PINGs in one write: 10,000 replies.
    let many = b"PING\r\n".repeat(10_000);
    exchange(&mut socket, &many, &b"+PONG\r\n".repeat(10_000))?;
    // A pipeline ending in half a request: the whole ones are answered, the rest waits.
    socket.write_all(b"PING\r\n*1\r\n$4\r\nPI")?;
    assert_eq!(read_exactly(&mut socket, 7)?, b"+PONG\r\n");
    exchange(&mut socket, b"NG\r\n", b"+PONG\r\n")?;
    Ok(())
}

/// Each malformed request gets Redis's error and its connection is closed; the replies to the
/// requests before it in the same write are sent first.
#[test]
fn protocol_errors_close_only_that_connection() -> TestResult {
    let server = start(|_| {})?;
    let mut bystander = server.client()?;
    let cases: &[(&[u8], &[u8])] = &[
        (
            b"*1\r\n$x\r\n",
            b"-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"*1\r\nPING\r\n",
            b"-ERR Protocol error: expected '$', got 'P'\r\n",
        ),
        (
            b"*1\r\n$4\r\nPING\r\n*x\r\n",
            b"+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"ECHO \"a\r\n",
            b"-ERR Protocol error: unbalanced quotes in request\r\n",
        ),
        // Over the limits: a bulk string over 512 MB, more than 1,048,576 arguments.
        (
            b"*1\r\n$536870913\r\n",
            b"-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"*1048577\r\n",
            b"-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"*-2x\r\n",
            b"-ERR Protocol error: invalid multibulk length\r\n",
        ),
    ];
    for (request, reply) in cases {
        let mut socket = server.raw()?;
        exchange(&mut socket, request, reply)?;
        assert_closed(&mut socket);
        let pong: String = redis::cmd("PING").query(&mut bystander)?;
        assert_eq!(pong, "PONG", "after {:?}", String::from_utf8_lossy(request));
    }
    // An inline request over 64 KiB without a newline.
    let mut socket = server.raw()?;
    exchange(
        &mut socket,
        &vec![b'a'; 64 * 1024 + 1],
        b"-ERR Protocol error: too big inline request\r\n",
    )?;
    assert_closed(&mut socket);
    let pong: String = redis::cmd("PING").query(&mut bystander)?;
    assert_eq!(pong, "PONG");
    Ok(())
}

/// A 512 MB bulk header is accepted (the limit is inclusive): the server waits for the data.
#[test]
fn a_bulk_of_exactly_512_mb_is_not_an_error() -> TestResult {
    let server = start(|_| {})?;
    let mut socket = server.raw()?;
    socket.write_all(b"*2\r\n$4\r\nECHO\r\n$536870912\r\n")?;
    socket.set_read_timeout(Some(std::time::Duration::from_millis(200)))?;
    let mut byte = [0u8; 1];
    let waited = std::io::Read::read(&mut socket, &mut byte);
    assert!(
        matches!(&waited, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut),
        "the server should wait for the bulk, got {waited:?}"
    );
    Ok(())
}

#[test]
fn quit_replies_then_closes() -> TestResult {
    let server = start(|_| {})?;
    let mut socket = server.raw()?;
    // The PING after QUIT in the same write is not run.
    exchange(
        &mut socket,
        b"PING\r\nQUIT\r\nPING\r\n",
        b"+PONG\r\n+OK\r\n",
    )?;
    assert_closed(&mut socket);

    let mut con = server.client()?;
    let ok: String = redis::cmd("QUIT").query(&mut con)?;
    assert_eq!(ok, "OK");
    Ok(())
}

#[test]
fn requirepass_answers_noauth() -> TestResult {
    let server = start(|config| config.requirepass = Some("secret".to_owned()))?;
    let mut socket = server.raw()?;
    let noauth: &[u8] = b"-NOAUTH Authentication required.\r\n";
    exchange(&mut socket, b"PING\r\n", noauth)?;
    exchange(&mut socket, b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", noauth)?;
    exchange(&mut socket, b"DEL k\r\n", noauth)?;
    // Arity and unknown commands are checked first, as Redis does.
    exchange(
        &mut socket,
        b"GET\r\n",
        b"-ERR wrong number of arguments for 'get' command\r\n",
    )?;
    exchange(&mut socket, b"QUIT\r\n", b"+OK\r\n")?;
    assert_closed(&mut socket);
    Ok(())
}
