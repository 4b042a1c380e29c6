//! Pub/Sub over the protocol layer, in-process: (P)SUBSCRIBE / (P)UNSUBSCRIBE confirmations,
//! PUBLISH delivery to channel and pattern subscribers in each one's protocol, PUBSUB
//! introspection, the RESP2 subscribed-mode rules, and unsubscription on RESET and on drop.

use std::sync::Arc;

use keyp::resp::{PushSink, Session, Shared};
use keyp::{Bytes, Store};
use parking_lot::Mutex;

fn shared() -> keyp::Result<(tempfile::TempDir, Arc<Shared>)> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    Ok((dir, Shared::new(store)?))
}

/// A session whose pushes are collected in the returned buffer.
fn session(shared: &Arc<Shared>) -> (Session, Arc<Mutex<Vec<u8>>>) {
    let inbox = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&inbox);
    let push: PushSink = Arc::new(move |bytes: &[u8]| sink.lock().extend_from_slice(bytes));
    (Session::new(Arc::clone(shared), push), inbox)
}

fn args(line: &str) -> Vec<Bytes> {
    line.split(' ')
        .map(|a| Bytes::copy_from_slice(a.as_bytes()))
        .collect()
}

/// Runs a command through `Session::run`: every frame it answers, in order.
fn run(session: &mut Session, line: &str) -> String {
    let mut out = Vec::new();
    session.run(&args(line), &mut out);
    String::from_utf8(out).unwrap()
}

fn take(inbox: &Mutex<Vec<u8>>) -> String {
    String::from_utf8(std::mem::take(&mut *inbox.lock())).unwrap()
}

fn frame(kind: &str, name: Option<&str>, count: usize) -> String {
    let name = name.map_or("$-1\r\n".to_owned(), |n| format!("${}\r\n{n}\r\n", n.len()));
    format!("*3\r\n${}\r\n{kind}\r\n{name}:{count}\r\n", kind.len())
}

fn bulk(s: &str) -> String {
    format!("${}\r\n{s}\r\n", s.len())
}

#[test]
fn subscribe_and_unsubscribe_confirmations() -> keyp::Result<()> {
    let (_dir, shared) = shared()?;
    let (mut s, inbox) = session(&shared);
    assert_eq!(run(&mut s, "UNSUBSCRIBE"), frame("unsubscribe", None, 0));
    assert_eq!(run(&mut s, "PUNSUBSCRIBE"), frame("punsubscribe", None, 0));
    assert_eq!(
        run(&mut s, "UNSUBSCRIBE a"),
        frame("unsubscribe", Some("a"), 0)
    );
    assert_eq!(
        run(&mut s, "SUBSCRIBE a b a"),
        frame("subscribe", Some("a"), 1)
            + &frame("subscribe", Some("b"), 2)
            + &frame("subscribe", Some("a"), 2)
    );
    assert_eq!(
        run(&mut s, "PSUBSCRIBE x* y*"),
        frame("psubscribe", Some("x*"), 3) + &frame("psubscribe", Some("y*"), 4)
    );
    assert_eq!(
        run(&mut s, "UNSUBSCRIBE"),
        frame("unsubscribe", Some("a"), 3) + &frame("unsubscribe", Some("b"), 2)
    );
    assert_eq!(
        run(&mut s, "PUNSUBSCRIBE y* z*"),
        frame("punsubscribe", Some("y*"), 1) + &frame("punsubscribe", Some("z*"), 1)
    );
    assert_eq!(
        run(&mut s, "PUNSUBSCRIBE"),
        frame("punsubscribe", Some("x*"), 0)
    );
    // Nothing went out of band.
    assert_eq!(take(&inbox), "");
    // `execute` returns the last frame and sends the others through the push sink.
    let last = s.execute(&args("SUBSCRIBE c d"));
    assert_eq!(
        String::from_utf8(last.to_bytes(s.protocol())).unwrap(),
        frame("subscribe", Some("d"), 2)
    );
    assert_eq!(take(&inbox), frame("subscribe", Some("c"), 1));
    assert_eq!(
        run(&mut s, "SUBSCRIBE"),
        "-ERR wrong number of arguments for 'subscribe' command\r\n"
    );
    Ok(())
}

#[test]
fn publish_reaches_channel_and_pattern_subscribers() -> keyp::Result<()> {
    let (_dir, shared) = shared()?;
    let (mut a, a_inbox) = session(&shared);
    let (mut b, b_inbox) = session(&shared);
    let (mut publisher, _) = session(&shared);
    run(&mut a, "SUBSCRIBE news");
    run(&mut a, "PSUBSCRIBE n*");
    run(&mut b, "HELLO 3");
    run(&mut b, "PSUBSCRIBE n?ws");
    assert_eq!(run(&mut publisher, "PUBLISH news hello"), ":3\r\n");
    assert_eq!(
        take(&a_inbox),
        format!("*3\r\n{}{}{}", bulk("message"), bulk("news"), bulk("hello"))
            + &format!(
                "*4\r\n{}{}{}{}",
                bulk("pmessage"),
                bulk("n*"),
                bulk("news"),
                bulk("hello")
            )
    );
    assert_eq!(
        take(&b_inbox),
        format!(
            ">4\r\n{}{}{}{}",
            bulk("pmessage"),
            bulk("n?ws"),
            bulk("news"),
            bulk("hello")
        )
    );
    assert_eq!(run(&mut publisher, "PUBLISH other x"), ":0\r\n");
    assert_eq!(run(&mut publisher, "PUBLISH nothing x"), ":1\r\n");
    assert_eq!(
        take(&a_inbox),
        format!(
            "*4\r\n{}{}{}{}",
            bulk("pmessage"),
            bulk("n*"),
            bulk("nothing"),
            bulk("x")
        )
    );
    assert_eq!(take(&b_inbox), "");
    // A RESP3 subscriber's confirmations are pushes too.
    assert_eq!(
        run(&mut b, "SUBSCRIBE c"),
        format!(">3\r\n{}{}:2\r\n", bulk("subscribe"), bulk("c"))
    );
    assert_eq!(
        run(&mut publisher, "PUBLISH"),
        "-ERR wrong number of arguments for 'publish' command\r\n"
    );
    Ok(())
}

#[test]
fn pubsub_introspection() -> keyp::Result<()> {
    let (_dir, shared) = shared()?;
    let (mut a, _) = session(&shared);
    let (mut b, _) = session(&shared);
    let (mut s, _) = session(&shared);
    assert_eq!(run(&mut s, "PUBSUB CHANNELS"), "*0\r\n");
    assert_eq!(run(&mut s, "PUBSUB NUMSUB"), "*0\r\n");
    assert_eq!(run(&mut s, "PUBSUB NUMPAT"), ":0\r\n");
    run(&mut a, "SUBSCRIBE ch1 ch2");
    run(&mut b, "SUBSCRIBE ch1 other");
    run(&mut a, "PSUBSCRIBE p*");
    run(&mut b, "PSUBSCRIBE p* q*");
    let mut channels = run(&mut s, "PUBSUB CHANNELS");
    assert!(channels.starts_with("*3\r\n"), "{channels}");
    for c in ["ch1", "ch2", "other"] {
        assert!(channels.contains(&bulk(c)), "{channels}");
        channels = channels.replacen(&bulk(c), "", 1);
    }
    assert_eq!(channels, "*3\r\n");
    let ch = run(&mut s, "PUBSUB CHANNELS ch*");
    assert!(
        ch == format!("*2\r\n{}{}", bulk("ch1"), bulk("ch2"))
            || ch == format!("*2\r\n{}{}", bulk("ch2"), bulk("ch1"))
    );
    assert_eq!(
        run(&mut s, "PUBSUB NUMSUB ch1 ch2 none"),
        format!(
            "*6\r\n{}:2\r\n{}:1\r\n{}:0\r\n",
            bulk("ch1"),
            bulk("ch2"),
            bulk("none")
        )
    );
    assert_eq!(run(&mut s, "PUBSUB NUMPAT"), ":2\r\n");
    assert_eq!(run(&mut s, "PUBSUB SHARDCHANNELS"), "*0\r\n");
    assert_eq!(
        run(&mut s, "PUBSUB SHARDNUMSUB x"),
        format!("*2\r\n{}:0\r\n", bulk("x"))
    );
    assert_eq!(
        run(&mut s, "PUBSUB foo"),
        "-ERR unknown subcommand 'foo'. Try PUBSUB HELP.\r\n"
    );
    assert_eq!(
        run(&mut s, "PUBSUB NUMPAT x"),
        "-ERR wrong number of arguments for 'pubsub|numpat' command\r\n"
    );
    assert_eq!(
        run(&mut s, "PUBSUB CHANNELS a b"),
        "-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\r\n"
    );
    assert_eq!(
        run(&mut s, "PUBSUB"),
        "-ERR wrong number of arguments for 'pubsub' command\r\n"
    );
    assert!(run(&mut s, "PUBSUB HELP").starts_with("*14\r\n+PUBSUB <subcommand>"));
    // Closing a connection unsubscribes it.
    drop(b);
    assert_eq!(
        run(&mut s, "PUBSUB NUMSUB ch1 other"),
        format!("*4\r\n{}:1\r\n{}:0\r\n", bulk("ch1"), bulk("other"))
    );
    assert_eq!(run(&mut s, "PUBSUB NUMPAT"), ":1\r\n");
    // So does RESET.
    assert_eq!(run(&mut a, "RESET"), "+RESET\r\n");
    assert_eq!(run(&mut s, "PUBSUB CHANNELS"), "*0\r\n");
    assert_eq!(run(&mut s, "PUBSUB NUMPAT"), ":0\r\n");
    assert_eq!(run(&mut s, "PUBLISH ch1 x"), ":0\r\n");
    Ok(())
}

#[test]
fn resp2_subscribed_mode_allows_only_pubsub_commands() -> keyp::Result<()> {
    let (_dir, shared) = shared()?;
    let (mut s, _) = session(&shared);
    run(&mut s, "SUBSCRIBE a");
    let refused = |name: &str| {
        format!(
            "-ERR Can't execute '{name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / \
             RESET are allowed in this context\r\n"
        )
    };
    assert_eq!(run(&mut s, "GET x"), refused("get"));
    assert_eq!(run(&mut s, "CLIENT ID"), refused("client|id"));
    assert_eq!(run(&mut s, "MULTI"), refused("multi"));
    assert_eq!(
        run(&mut s, "PING"),
        format!("*2\r\n{}{}", bulk("pong"), bulk(""))
    );
    assert_eq!(
        run(&mut s, "PING x"),
        format!("*2\r\n{}{}", bulk("pong"), bulk("x"))
    );
    assert_eq!(
        run(&mut s, "PSUBSCRIBE p"),
        frame("psubscribe", Some("p"), 2)
    );
    // Leaving every subscription leaves the mode.
    run(&mut s, "UNSUBSCRIBE");
    assert_eq!(run(&mut s, "GET x"), refused("get"));
    run(&mut s, "PUNSUBSCRIBE");
    assert_eq!(run(&mut s, "GET x"), "$-1\r\n");
    assert_eq!(run(&mut s, "PING"), "+PONG\r\n");
    // RESP3 has no such mode.
    run(&mut s, "HELLO 3");
    assert_eq!(
        run(&mut s, "UNSUBSCRIBE"),
        format!(">3\r\n{}_\r\n:0\r\n", bulk("unsubscribe"))
    );
    run(&mut s, "SUBSCRIBE a");
    assert_eq!(run(&mut s, "GET x"), "_\r\n");
    assert_eq!(run(&mut s, "PING"), "+PONG\r\n");
    // QUIT is allowed.
    run(&mut s, "HELLO 2");
    assert_eq!(run(&mut s, "QUIT"), "+OK\r\n");
    Ok(())
}

#[test]
fn sessions_move_between_threads() {
    fn send<T: Send>() {}
    send::<Session>();
    send::<Arc<Shared>>();
}
