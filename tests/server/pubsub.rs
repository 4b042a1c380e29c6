//! Pub/sub over the server: delivering a message never waits for the subscriber's socket. A
//! subscriber that stops reading neither stalls the publisher nor the event loop's other
//! clients, and is closed once its queued output passes Redis's pub/sub limit (32 MiB); one
//! that reads gets every message, in order with its replies.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{eventually, exchange, read_exactly, request, start, TestResult, TestServer};

/// A RESP2 `message` push.
fn message(channel: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = b"*3\r\n$7\r\nmessage\r\n".to_vec();
    for part in [channel, payload] {
        out.extend_from_slice(format!("${}\r\n", part.len()).as_bytes());
        out.extend_from_slice(part);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// PUBLISH over a raw socket; returns the receivers count (one digit, as in these tests).
fn publish(socket: &mut TcpStream, channel: &[u8], payload: &[u8]) -> std::io::Result<u8> {
    socket.write_all(&request(&[b"PUBLISH", channel, payload]))?;
    let reply = read_exactly(socket, 4)?;
    assert!(
        reply[0] == b':' && reply[2..] == *b"\r\n",
        "PUBLISH replied {:?}",
        String::from_utf8_lossy(&reply)
    );
    Ok(reply[1] - b'0')
}

fn expect(socket: &mut TcpStream, expected: &[u8]) -> TestResult {
    let got = read_exactly(socket, expected.len())?;
    assert!(
        got == expected,
        "expected {:?}, got {:?}",
        String::from_utf8_lossy(&expected[..expected.len().min(200)]),
        String::from_utf8_lossy(&got[..got.len().min(200)])
    );
    Ok(())
}

/// A connection subscribed to channel `flood` (and not reading what comes).
fn flood_subscriber(server: &TestServer) -> Result<TcpStream, Box<dyn std::error::Error>> {
    let mut subscriber = server.raw()?;
    exchange(
        &mut subscriber,
        &request(&[b"SUBSCRIBE", b"flood"]),
        b"*3\r\n$9\r\nsubscribe\r\n$5\r\nflood\r\n:1\r\n",
    )?;
    Ok(subscriber)
}

#[test]
fn a_subscriber_that_does_not_read_stalls_no_one_and_is_dropped() -> TestResult {
    let server = start(|_| {})?;
    let mut subscriber = flood_subscriber(&server)?;
    // Served by the event loop: a stalled loop makes their reads time out (and the test fail).
    let mut publisher = server.raw()?;
    publisher.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut other = server.raw()?;
    other.set_read_timeout(Some(Duration::from_secs(5)))?;

    let payload = vec![b'x'; 64 * 1024];
    let mut published = 0usize;
    let mut dropped = false;
    for round in 0..1600 {
        let started = Instant::now();
        let receivers = publish(&mut publisher, b"flood", &payload)?;
        let took = started.elapsed();
        assert!(took < Duration::from_secs(2), "PUBLISH took {took:?}");
        if receivers == 0 {
            dropped = true;
            break;
        }
        published += payload.len();
        if round % 50 == 0 {
            exchange(&mut other, &request(&[b"PING"]), b"+PONG\r\n")?;
            let value = format!("{round}");
            exchange(
                &mut other,
                &request(&[b"SET", b"k", value.as_bytes()]),
                b"+OK\r\n",
            )?;
            let reply = format!("${}\r\n{value}\r\n", value.len());
            exchange(&mut other, &request(&[b"GET", b"k"]), reply.as_bytes())?;
        }
    }
    assert!(
        dropped,
        "the subscriber was still subscribed after {published} bytes"
    );
    // Past the 32 MiB limit, give or take the sockets' buffers.
    assert!(published >= 32 * 1024 * 1024, "dropped after {published}");
    exchange(&mut other, &request(&[b"PING"]), b"+PONG\r\n")?;
    exchange(&mut publisher, &request(&[b"PING"]), b"+PONG\r\n")?;
    // The subscriber gets what the sockets held, then the end of the connection.
    subscriber.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut sink = vec![0u8; 256 * 1024];
    let mut received = 0usize;
    loop {
        match subscriber.read(&mut sink) {
            Ok(0) => break,
            Ok(n) => received += n,
            Err(e) if matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::BrokenPipe) => {
                break
            }
            Err(e) => return Err(format!("subscriber not closed: {e}").into()),
        }
    }
    assert!(received < published, "got {received} of {published} bytes");
    assert!(eventually(|| server.handle.clients() == 2));
    Ok(())
}

#[test]
fn a_reading_subscriber_gets_every_message_in_order_with_its_replies() -> TestResult {
    let server = start(|_| {})?;
    let mut subscriber = server.raw()?;
    // SUBSCRIBE then PING in one write: in RESP2 subscribed mode PING answers [pong, ""].
    exchange(
        &mut subscriber,
        &[request(&[b"SUBSCRIBE", b"news"]), request(&[b"PING"])].concat(),
        b"*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n",
    )?;
    let mut publisher = server.raw()?;
    let payload = |i: usize| -> Vec<u8> {
        // Sizes from a few bytes to 40 KiB: some messages fill the socket's buffer.
        let mut p = format!("m{i}:").into_bytes();
        p.resize(p.len() + (i * 7919) % (40 * 1024), b'a' + (i % 26) as u8);
        p
    };
    for round in 0..2 {
        let first = round * 300;
        // Published (and so queued) before the subscriber's PING: they come before its reply.
        for i in first..first + 300 {
            assert_eq!(publish(&mut publisher, b"news", &payload(i))?, 1);
        }
        subscriber.write_all(&request(&[b"PING", b"mark"]))?;
        for i in first..first + 300 {
            expect(&mut subscriber, &message(b"news", &payload(i)))?;
        }
        expect(&mut subscriber, b"*2\r\n$4\r\npong\r\n$4\r\nmark\r\n")?;
    }
    // A pipeline mixing commands: the replies keep their order.
    subscriber.write_all(
        &[
            request(&[b"SUBSCRIBE", b"more"]),
            request(&[b"PING"]),
            request(&[b"UNSUBSCRIBE", b"more"]),
        ]
        .concat(),
    )?;
    expect(
        &mut subscriber,
        b"*3\r\n$9\r\nsubscribe\r\n$4\r\nmore\r\n:2\r\n*2\r\n$4\r\npong\r\n$0\r\n\r\n\
          *3\r\n$11\r\nunsubscribe\r\n$4\r\nmore\r\n:1\r\n",
    )?;
    assert_eq!(publish(&mut publisher, b"news", b"last")?, 1);
    expect(&mut subscriber, &message(b"news", b"last"))?;
    Ok(())
}

#[test]
fn shutdown_does_not_wait_for_a_subscriber_that_does_not_read() -> TestResult {
    let server = start(|_| {})?;
    let subscriber = flood_subscriber(&server)?;
    let mut publisher = server.raw()?;
    publisher.set_read_timeout(Some(Duration::from_secs(5)))?;
    // 16 MiB: more than the sockets hold, under the limit.
    let payload = vec![b'y'; 64 * 1024];
    for _ in 0..256 {
        assert_eq!(publish(&mut publisher, b"flood", &payload)?, 1);
    }
    let (done, stopped) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(server.stop().is_ok());
    });
    let stopped = stopped
        .recv_timeout(Duration::from_secs(20))
        .map_err(|_| "the server did not stop")?;
    assert!(stopped);
    drop(subscriber);
    Ok(())
}
