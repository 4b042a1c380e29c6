//! Cases whose replies depend on the clock (`*` IDs, idle and delivery times, with the manual
//! clock), the blocking forms, and the one-shot forms EXEC runs.

use std::time::Duration;

use keyp::resp::{lookup, Call, Handler, Protocol, Reply};
use keyp::Result;

use super::{env, new_session, run, words, Env, T0};
#[test]
fn xinfo_stream_full() -> Result<()> {
    let mut env = env()?;
    for line in [
        "xadd s 1-1 a 1",
        "xadd s 2-1 b 2",
        "xadd s 3-1 c 3",
        "xgroup create s g 0",
        "xgroup create s g2 $",
        "xreadgroup group g alice count 2 streams s >",
    ] {
        env.cmd(Protocol::Resp2, line);
    }
    // Delivery and seen times are the manual clock's T0 (redis-server's own times replaced).
    env.check(
        "xinfo stream s full",
        b"*18\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n$6\r\ngroups\r\n*2\r\n*14\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:1\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalice\r\n:1000000\r\n:1\r\n*4\r\n$3\r\n2-1\r\n$5\r\nalice\r\n:1000000\r\n:1\r\n$9\r\nconsumers\r\n*1\r\n*8\r\n$4\r\nname\r\n$5\r\nalice\r\n$9\r\nseen-time\r\n:1000000\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*3\r\n$3\r\n1-1\r\n:1000000\r\n:1\r\n*3\r\n$3\r\n2-1\r\n:1000000\r\n:1\r\n*14\r\n$4\r\nname\r\n$2\r\ng2\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n",
        Some(b"%9\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*3\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$3\r\n3-1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n$6\r\ngroups\r\n*2\r\n%7\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:1\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalice\r\n:1000000\r\n:1\r\n*4\r\n$3\r\n2-1\r\n$5\r\nalice\r\n:1000000\r\n:1\r\n$9\r\nconsumers\r\n*1\r\n%4\r\n$4\r\nname\r\n$5\r\nalice\r\n$9\r\nseen-time\r\n:1000000\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*2\r\n*3\r\n$3\r\n1-1\r\n:1000000\r\n:1\r\n*3\r\n$3\r\n2-1\r\n:1000000\r\n:1\r\n%7\r\n$4\r\nname\r\n$2\r\ng2\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n"),
    );
    env.check(
        "xinfo stream s full count 1",
        b"*18\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$6\r\ngroups\r\n*2\r\n*14\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:1\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*1\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalice\r\n:1000000\r\n:1\r\n$9\r\nconsumers\r\n*1\r\n*8\r\n$4\r\nname\r\n$5\r\nalice\r\n$9\r\nseen-time\r\n:1000000\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*1\r\n*3\r\n$3\r\n1-1\r\n:1000000\r\n:1\r\n*14\r\n$4\r\nname\r\n$2\r\ng2\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n$-1\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n",
        Some(b"%9\r\n$6\r\nlength\r\n:3\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n3-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:3\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$7\r\nentries\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n$6\r\ngroups\r\n*2\r\n%7\r\n$4\r\nname\r\n$1\r\ng\r\n$17\r\nlast-delivered-id\r\n$3\r\n2-1\r\n$12\r\nentries-read\r\n:2\r\n$3\r\nlag\r\n:1\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*1\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalice\r\n:1000000\r\n:1\r\n$9\r\nconsumers\r\n*1\r\n%4\r\n$4\r\nname\r\n$5\r\nalice\r\n$9\r\nseen-time\r\n:1000000\r\n$9\r\npel-count\r\n:2\r\n$7\r\npending\r\n*1\r\n*3\r\n$3\r\n1-1\r\n:1000000\r\n:1\r\n%7\r\n$4\r\nname\r\n$2\r\ng2\r\n$17\r\nlast-delivered-id\r\n$3\r\n3-1\r\n$12\r\nentries-read\r\n_\r\n$3\r\nlag\r\n:0\r\n$9\r\npel-count\r\n:0\r\n$7\r\npending\r\n*0\r\n$9\r\nconsumers\r\n*0\r\n"),
    );
    Ok(())
}

impl Env {
    /// Runs a command that changes the store once, in `protocol`, and checks its reply.
    fn once(&mut self, protocol: Protocol, line: &str, expected: &[u8]) {
        let got = self.cmd(protocol, line);
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(expected),
            "{line} ({protocol:?})"
        );
    }
}

#[test]
fn xadd_auto_ids_follow_the_clock() -> Result<()> {
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let mut env = env()?;
        env.once(protocol, "xadd s * a 1", b"$9\r\n1000000-0\r\n");
        env.once(protocol, "xadd s * a 2", b"$9\r\n1000000-1\r\n");
        // A clock behind the last ID: the last millisecond, next sequence.
        env.clock.set(T0 - 5);
        env.once(protocol, "xadd s * a 3", b"$9\r\n1000000-2\r\n");
        env.clock.set(T0 + 10);
        env.once(protocol, "xadd s * a 4", b"$9\r\n1000010-0\r\n");
        env.once(protocol, "xadd s 1000010-* a 5", b"$9\r\n1000010-1\r\n");
        env.once(protocol, "xadd s maxlen 2 * a 6", b"$9\r\n1000010-2\r\n");
        env.check("xlen s", b":2\r\n", None);
    }
    Ok(())
}

#[test]
fn xpending_extended_xclaim_and_consumers_idle_times() -> Result<()> {
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let mut env = env()?;
        env.cmd(protocol, "xadd s 1-1 a 1");
        env.cmd(protocol, "xadd s 2-1 b 2");
        env.cmd(protocol, "xgroup create s g 0");
        env.cmd(protocol, "xreadgroup group g alice count 1 streams s >");
        env.clock.advance(Duration::from_millis(100));
        env.cmd(protocol, "xreadgroup group g bob streams s >");
        env.clock.advance(Duration::from_millis(50));
        env.check(
            "xpending s g - + 10",
            b"*2\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalice\r\n:150\r\n:1\r\n*4\r\n$3\r\n2-1\r\n$3\r\nbob\r\n:50\r\n:1\r\n",
            None,
        );
        env.check(
            "xpending s g idle 100 - + 10",
            b"*1\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalice\r\n:150\r\n:1\r\n",
            None,
        );
        env.check(
            "xpending s g - + 10 bob",
            b"*1\r\n*4\r\n$3\r\n2-1\r\n$3\r\nbob\r\n:50\r\n:1\r\n",
            None,
        );
        env.check(
            "xpending s g - + 1",
            b"*1\r\n*4\r\n$3\r\n1-1\r\n$5\r\nalice\r\n:150\r\n:1\r\n",
            None,
        );
        env.check("xpending s g - + 0", b"*0\r\n", None);
        env.check("xpending s g - + 10 nobody", b"*0\r\n", None);
        env.check(
            "xinfo consumers s g",
            b"*2\r\n*6\r\n$4\r\nname\r\n$5\r\nalice\r\n$7\r\npending\r\n:1\r\n$4\r\nidle\r\n:150\r\n*6\r\n$4\r\nname\r\n$3\r\nbob\r\n$7\r\npending\r\n:1\r\n$4\r\nidle\r\n:50\r\n",
            Some(b"*2\r\n%3\r\n$4\r\nname\r\n$5\r\nalice\r\n$7\r\npending\r\n:1\r\n$4\r\nidle\r\n:150\r\n%3\r\n$4\r\nname\r\n$3\r\nbob\r\n$7\r\npending\r\n:1\r\n$4\r\nidle\r\n:50\r\n"),
        );
        // Only 1-1 has been idle 100 ms.
        env.once(
            protocol,
            "xclaim s g carol 100 1-1 2-1",
            b"*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n",
        );
        env.once(
            protocol,
            "xclaim s g dave 0 2-1 idle 500 justid",
            b"*1\r\n$3\r\n2-1\r\n",
        );
        env.check(
            "xpending s g - + 10",
            b"*2\r\n*4\r\n$3\r\n1-1\r\n$5\r\ncarol\r\n:0\r\n:2\r\n*4\r\n$3\r\n2-1\r\n$4\r\ndave\r\n:500\r\n:1\r\n",
            None,
        );
        env.once(
            protocol,
            "xclaim s g erin 0 2-1 time 1000000 retrycount 7 justid",
            b"*1\r\n$3\r\n2-1\r\n",
        );
        env.check(
            "xpending s g - + 10 erin",
            b"*1\r\n*4\r\n$3\r\n2-1\r\n$4\r\nerin\r\n:150\r\n:7\r\n",
            None,
        );
        env.clock.advance(Duration::from_millis(1000));
        env.once(
            protocol,
            "xautoclaim s g frank 1000 0 count 1",
            b"*3\r\n$3\r\n2-1\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*0\r\n",
        );
        env.once(
            protocol,
            "xautoclaim s g frank 1000 2-1 justid",
            b"*3\r\n$3\r\n0-0\r\n*1\r\n$3\r\n2-1\r\n*0\r\n",
        );
        env.check(
            "xpending s g",
            b"*4\r\n:2\r\n$3\r\n1-1\r\n$3\r\n2-1\r\n*1\r\n*2\r\n$5\r\nfrank\r\n$1\r\n2\r\n",
            None,
        );
    }
    Ok(())
}

/// The RESP2 and RESP3 forms of an XREAD / XREADGROUP reply of `s` → `[1-1, [a, b]]`.
fn one_entry(protocol: Protocol) -> &'static [u8] {
    match protocol {
        Protocol::Resp2 => {
            b"*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n"
        }
        Protocol::Resp3 => {
            b"%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n"
        }
    }
}

fn nil_array(protocol: Protocol) -> &'static [u8] {
    match protocol {
        Protocol::Resp2 => b"*-1\r\n",
        Protocol::Resp3 => b"_\r\n",
    }
}

/// Runs `line` on a new session of `env` in a thread, waits until it is blocked on `key`,
/// runs `wake` on the env's own session, and returns the blocked command's reply.
fn blocked(env: &mut Env, protocol: Protocol, line: &str, key: &str, wake: &str) -> Vec<u8> {
    let shared = env.shared.clone();
    let args = words(line);
    let waiter = std::thread::spawn(move || {
        let mut session = new_session(&shared);
        run(&mut session, &shared, protocol, &args)
    });
    while env.shared.store().blocked_on(key) == 0 {
        std::thread::yield_now();
    }
    env.cmd(protocol, wake);
    waiter.join().unwrap()
}

#[test]
fn xread_block_is_woken_by_xadd_from_another_session() -> Result<()> {
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let mut env = env()?;
        let got = blocked(
            &mut env,
            protocol,
            "xread block 0 streams s $",
            "s",
            "xadd s 1-1 a b",
        );
        assert_eq!(got, one_entry(protocol));
        // `$` means after the last ID when the call starts: an existing entry does not count.
        let got = blocked(
            &mut env,
            protocol,
            "xread count 5 block 0 streams other s $ $",
            "s",
            "xadd s 2-1 c d",
        );
        let expected: &[u8] = match protocol {
            Protocol::Resp2 => {
                b"*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nc\r\n$1\r\nd\r\n"
            }
            Protocol::Resp3 => {
                b"%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nc\r\n$1\r\nd\r\n"
            }
        };
        assert_eq!(got, expected);
        // Something to read at once: no wait.
        env.check(
            "xread block 0 streams s 0-0",
            b"*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nc\r\n$1\r\nd\r\n",
            Some(b"%1\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nc\r\n$1\r\nd\r\n"),
        );
        // A timeout replies nil.
        env.once(protocol, "xread block 5 streams s $", nil_array(protocol));
        env.once(protocol, "xread block 5 streams s 2-1", nil_array(protocol));
    }
    Ok(())
}

#[test]
fn xreadgroup_block_is_woken_by_xadd_from_another_session() -> Result<()> {
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let mut env = env()?;
        env.cmd(protocol, "xgroup create s g $ mkstream");
        let got = blocked(
            &mut env,
            protocol,
            "xreadgroup group g alice block 0 streams s >",
            "s",
            "xadd s 1-1 a b",
        );
        assert_eq!(got, one_entry(protocol));
        env.check(
            "xpending s g",
            b"*4\r\n:1\r\n$3\r\n1-1\r\n$3\r\n1-1\r\n*1\r\n*2\r\n$5\r\nalice\r\n$1\r\n1\r\n",
            None,
        );
        // The consumer's history answers at once, even with BLOCK.
        env.once(
            protocol,
            "xreadgroup group g alice block 0 streams s 0",
            one_entry(protocol),
        );
        env.once(
            protocol,
            "xreadgroup group g alice block 5 streams s >",
            nil_array(protocol),
        );
        // The group destroyed while the call waits.
        let got = blocked(
            &mut env,
            protocol,
            "xreadgroup group g alice block 0 streams s >",
            "s",
            "xgroup destroy s g",
        );
        assert_eq!(
            got,
            b"-NOGROUP the consumer group this client was blocked on no longer exists\r\n"
        );
    }
    Ok(())
}

/// Runs `line`'s one-shot form (what EXEC runs inside MULTI) in a write transaction.
fn in_multi(env: &Env, protocol: Protocol, line: &str) -> Result<Vec<u8>> {
    let args = words(line);
    let spec = lookup(&args[0]).unwrap();
    let Handler::Blocking { once, .. } = spec.handler else {
        panic!("{line}: not a blocking command");
    };
    let call = Call {
        args: &args,
        protocol,
    };
    let reply = env
        .shared
        .store()
        .transaction(|tx| once(tx, &call))
        .unwrap_or_else(Reply::from);
    Ok(reply.to_bytes(protocol))
}

#[test]
fn blocking_reads_do_not_block_inside_multi() -> Result<()> {
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let mut env = env()?;
        env.cmd(protocol, "xgroup create s g $ mkstream");
        let nil = nil_array(protocol);
        assert_eq!(in_multi(&env, protocol, "xread block 0 streams s $")?, nil);
        assert_eq!(
            in_multi(&env, protocol, "xreadgroup group g c block 0 streams s >")?,
            nil
        );
        env.cmd(protocol, "xadd s 1-1 a b");
        assert_eq!(
            in_multi(&env, protocol, "xread block 0 streams s 0")?,
            one_entry(protocol)
        );
        assert_eq!(
            in_multi(&env, protocol, "xreadgroup group g c block 0 streams s >")?,
            one_entry(protocol)
        );
        assert_eq!(
            in_multi(&env, protocol, "xreadgroup group nog c block 0 streams s >")?,
            b"-NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option\r\n"
                .to_vec()
        );
    }
    Ok(())
}

#[test]
fn command_table_entries() {
    for (name, arity, first, last, step) in [
        ("xadd", -5, 1, 1, 1),
        ("xlen", 2, 1, 1, 1),
        ("xrange", -4, 1, 1, 1),
        ("xrevrange", -4, 1, 1, 1),
        ("xdel", -3, 1, 1, 1),
        ("xtrim", -4, 1, 1, 1),
        ("xsetid", -3, 1, 1, 1),
        ("xread", -4, 0, 0, 0),
        ("xreadgroup", -7, 0, 0, 0),
        ("xgroup", -2, 0, 0, 0),
        ("xack", -4, 1, 1, 1),
        ("xpending", -3, 1, 1, 1),
        ("xclaim", -6, 1, 1, 1),
        ("xautoclaim", -6, 1, 1, 1),
        ("xinfo", -2, 0, 0, 0),
    ] {
        let spec = lookup(name.as_bytes()).unwrap();
        assert_eq!(
            (spec.arity, spec.first_key, spec.last_key, spec.step),
            (arity, first, last, step),
            "{name}"
        );
    }
    assert!(lookup(b"XREAD").unwrap().has_flag("blocking"));
    assert!(lookup(b"xreadgroup").unwrap().has_flag("write"));
    assert!(lookup(b"xrange").unwrap().has_flag("readonly"));
}
