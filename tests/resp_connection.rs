//! Connection commands over the protocol layer, in-process: PING, ECHO, SELECT, QUIT, HELLO,
//! AUTH, RESET, CLIENT (ID, SETNAME, GETNAME, LIST, INFO, KILL, REPLY).

use std::sync::Arc;

use keyp::resp::{Protocol, PushSink, ServerInfo, Session, Shared};
use keyp::{Bytes, Store};

fn shared() -> keyp::Result<(tempfile::TempDir, Arc<Shared>)> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    Ok((dir, Shared::new(store)?))
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

/// Runs a command (arguments split on spaces) and returns its RESP encoding as text.
fn cmd(session: &mut Session, line: &str) -> String {
    let reply = session.execute(&args(line));
    String::from_utf8(reply.to_bytes(session.protocol())).unwrap()
}

/// Runs a command through `Session::run`, which honours CLIENT REPLY.
fn run(session: &mut Session, line: &str) -> String {
    let mut out = Vec::new();
    session.run(&args(line), &mut out);
    String::from_utf8(out).unwrap()
}

fn hello_reply(proto: u8, id: u64) -> String {
    let fields = format!(
        "$6\r\nserver\r\n$4\r\nkeyp\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:{proto}\r\n\
         $2\r\nid\r\n:{id}\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n\
         $7\r\nmodules\r\n*0\r\n"
    );
    if proto == 3 {
        format!("%7\r\n{fields}")
    } else {
        format!("*14\r\n{fields}")
    }
}

#[test]
fn ping_echo_select_quit() -> keyp::Result<()> {
    let (_dir, shared) = shared()?;
    let mut s = session(&shared);
    assert_eq!(cmd(&mut s, "PING"), "+PONG\r\n");
    assert_eq!(cmd(&mut s, "PING hi"), "$2\r\nhi\r\n");
    assert_eq!(
        cmd(&mut s, "PING a b"),
        "-ERR wrong number of arguments for 'ping' command\r\n"
    );
    assert_eq!(cmd(&mut s, "ECHO x"), "$1\r\nx\r\n");
    assert_eq!(cmd(&mut s, "SELECT 1"), "+OK\r\n");
    assert_eq!(
        cmd(&mut s, "SELECT 16"),
        "-ERR DB index is out of range\r\n"
    );
    assert_eq!(
        cmd(&mut s, "SELECT -1"),
        "-ERR DB index is out of range\r\n"
    );
    assert_eq!(
        cmd(&mut s, "SELECT x"),
        "-ERR value is not an integer or out of range\r\n"
    );
    assert!(!s.should_close());
    assert_eq!(cmd(&mut s, "QUIT"), "+OK\r\n");
    assert!(s.should_close());
    Ok(())
}

#[test]
fn hello_switches_protocol_and_checks_options() -> keyp::Result<()> {
    let (_dir, shared) = shared()?;
    let mut s = session(&shared);
    let id = s.id();
    assert_eq!(cmd(&mut s, "HELLO"), hello_reply(2, id));
    assert_eq!(cmd(&mut s, "HELLO 3"), hello_reply(3, id));
    assert_eq!(s.protocol(), Protocol::Resp3);
    assert_eq!(cmd(&mut s, "CLIENT GETNAME"), "_\r\n");
    assert_eq!(cmd(&mut s, "HELLO 2 SETNAME conn1"), hello_reply(2, id));
    assert_eq!(s.protocol(), Protocol::Resp2);
    assert_eq!(cmd(&mut s, "CLIENT GETNAME"), "$5\r\nconn1\r\n");
    assert_eq!(
        cmd(&mut s, "HELLO 4"),
        "-NOPROTO unsupported protocol version\r\n"
    );
    assert_eq!(
        cmd(&mut s, "HELLO 1"),
        "-NOPROTO unsupported protocol version\r\n"
    );
    assert_eq!(
        cmd(&mut s, "HELLO x"),
        "-ERR Protocol version is not an integer or out of range\r\n"
    );
    assert_eq!(
        cmd(&mut s, "HELLO 3 AUTH a"),
        "-ERR Syntax error in HELLO option 'AUTH'\r\n"
    );
    assert_eq!(
        cmd(&mut s, "HELLO 3 SETNAME"),
        "-ERR Syntax error in HELLO option 'SETNAME'\r\n"
    );
    assert_eq!(
        cmd(&mut s, "HELLO 3 foo"),
        "-ERR Syntax error in HELLO option 'foo'\r\n"
    );
    assert_eq!(
        cmd(&mut s, "HELLO 3 SETNAME a\nb"),
        "-ERR Client names cannot contain spaces, newlines or special characters.\r\n"
    );
    // Refused HELLOs left the protocol alone.
    assert_eq!(s.protocol(), Protocol::Resp2);
    // Without a password, any password of the default user is accepted (Redis's nopass).
    assert_eq!(cmd(&mut s, "HELLO 3 AUTH default x"), hello_reply(3, id));
    assert_eq!(
        cmd(&mut s, "HELLO 3 AUTH bob x"),
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n"
    );
    Ok(())
}

#[test]
fn auth_with_and_without_a_password() -> keyp::Result<()> {
    let (_dir, shared) = shared()?;
    let mut s = session(&shared);
    assert_eq!(
        cmd(&mut s, "AUTH x"),
        "-ERR AUTH <password> called without any password configured for the default user. \
         Are you sure your configuration is correct?\r\n"
    );
    assert_eq!(cmd(&mut s, "AUTH default x"), "+OK\r\n");
    assert_eq!(
        cmd(&mut s, "AUTH bob x"),
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n"
    );
    assert_eq!(cmd(&mut s, "AUTH a b c"), "-ERR syntax error\r\n");
    assert_eq!(
        cmd(&mut s, "AUTH"),
        "-ERR wrong number of arguments for 'auth' command\r\n"
    );

    shared.set_config("requirepass", "sec");
    let mut s = session(&shared);
    let id = s.id();
    let noauth = "-NOAUTH Authentication required.\r\n";
    assert_eq!(cmd(&mut s, "PING"), noauth);
    assert_eq!(cmd(&mut s, "CLIENT ID"), noauth);
    assert_eq!(
        cmd(&mut s, "HELLO 3"),
        "-NOAUTH HELLO must be called with the client already authenticated, otherwise the \
         HELLO AUTH <user> <pass> option can be used to authenticate the client and select the \
         RESP protocol version at the same time\r\n"
    );
    let wrongpass = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";
    assert_eq!(cmd(&mut s, "AUTH wrong"), wrongpass);
    assert_eq!(cmd(&mut s, "AUTH default wrong"), wrongpass);
    assert_eq!(cmd(&mut s, "HELLO 3 AUTH default wrong"), wrongpass);
    assert_eq!(cmd(&mut s, "AUTH x y z"), "-ERR syntax error\r\n");
    assert_eq!(cmd(&mut s, "AUTH sec"), "+OK\r\n");
    assert_eq!(cmd(&mut s, "PING"), "+PONG\r\n");
    // RESET forgets the authentication.
    assert_eq!(cmd(&mut s, "RESET"), "+RESET\r\n");
    assert_eq!(cmd(&mut s, "PING"), noauth);
    assert_eq!(
        cmd(&mut s, "HELLO 2 AUTH default sec SETNAME nm"),
        hello_reply(2, id)
    );
    assert_eq!(cmd(&mut s, "CLIENT GETNAME"), "$2\r\nnm\r\n");
    assert_eq!(shared.config("requirepass").as_deref(), Some("sec"));
    Ok(())
}

#[test]
fn reset_restores_the_connection_defaults() -> keyp::Result<()> {
    let (_dir, shared) = shared()?;
    shared.store().set("k", "v")?;
    let mut s = session(&shared);
    assert_eq!(cmd(&mut s, "SELECT 3"), "+OK\r\n");
    assert_eq!(cmd(&mut s, "CLIENT SETNAME n"), "+OK\r\n");
    cmd(&mut s, "HELLO 3");
    assert_eq!(cmd(&mut s, "WATCH k"), "+OK\r\n");
    assert_eq!(cmd(&mut s, "MULTI"), "+OK\r\n");
    assert_eq!(cmd(&mut s, "RESET"), "+RESET\r\n");
    assert_eq!(s.protocol(), Protocol::Resp2);
    assert_eq!(cmd(&mut s, "CLIENT GETNAME"), "$-1\r\n");
    assert_eq!(cmd(&mut s, "GET k"), "$1\r\nv\r\n");
    assert_eq!(cmd(&mut s, "EXEC"), "-ERR EXEC without MULTI\r\n");
    // The watch is gone.
    shared.store().set("k", "w")?;
    assert_eq!(cmd(&mut s, "MULTI"), "+OK\r\n");
    assert_eq!(cmd(&mut s, "EXEC"), "*0\r\n");
    assert_eq!(
        cmd(&mut s, "RESET x"),
        "-ERR wrong number of arguments for 'reset' command\r\n"
    );
    Ok(())
}

#[test]
fn client_id_names_and_errors() -> keyp::Result<()> {
    let (_dir, shared) = shared()?;
    let mut s = session(&shared);
    let other = session(&shared);
    assert_eq!(cmd(&mut s, "CLIENT ID"), format!(":{}\r\n", s.id()));
    assert_eq!(other.id(), s.id() + 1);
    assert_eq!(cmd(&mut s, "CLIENT GETNAME"), "$-1\r\n");
    assert_eq!(cmd(&mut s, "CLIENT SETNAME a-b!~"), "+OK\r\n");
    assert_eq!(cmd(&mut s, "client getname"), "$5\r\na-b!~\r\n");
    let bad = "-ERR Client names cannot contain spaces, newlines or special characters.\r\n";
    assert_eq!(cmd(&mut s, "CLIENT SETNAME a\nb"), bad);
    assert_eq!(cmd(&mut s, "CLIENT SETNAME é"), bad);
    assert_eq!(cmd(&mut s, "CLIENT SETNAME "), "+OK\r\n");
    assert_eq!(cmd(&mut s, "CLIENT GETNAME"), "$-1\r\n");
    assert_eq!(
        cmd(&mut s, "CLIENT Setname"),
        "-ERR wrong number of arguments for 'client|setname' command\r\n"
    );
    assert_eq!(
        cmd(&mut s, "CLIENT ID x"),
        "-ERR wrong number of arguments for 'client|id' command\r\n"
    );
    assert_eq!(
        cmd(&mut s, "CLIENT Foo"),
        "-ERR unknown subcommand 'Foo'. Try CLIENT HELP.\r\n"
    );
    assert_eq!(
        cmd(&mut s, "CLIENT"),
        "-ERR wrong number of arguments for 'client' command\r\n"
    );
    assert!(cmd(&mut s, "CLIENT HELP").starts_with("*19\r\n+CLIENT <subcommand>"));
    Ok(())
}

#[test]
fn client_list_and_info() -> keyp::Result<()> {
    let (_dir, shared) = shared()?;
    shared.set_server_info(ServerInfo {
        port: 6380,
        bind: "127.0.0.1".to_owned(),
        ..ServerInfo::default()
    });
    let mut s = session(&shared);
    s.set_peer("127.0.0.1:5000", "127.0.0.1:6380");
    let mut other = session(&shared);
    other.set_peer("127.0.0.1:5001", "127.0.0.1:6380");
    cmd(&mut other, "CLIENT SETNAME two");
    cmd(&mut other, "SELECT 2");
    cmd(&mut other, "MULTI");
    cmd(&mut other, "PING");
    let line =
        |id: u64, addr: &str, name: &str, flags: &str, db: u8, multi: i64, cmd: &str, resp: u8| {
            format!(
            "id={id} addr={addr} laddr=127.0.0.1:6380 fd=0 name={name} age=0 idle=0 flags={flags} \
             db={db} sub=0 psub=0 ssub=0 multi={multi} qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 \
             rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd={cmd} user=default redir=-1 \
             resp={resp}\n"
        )
        };
    let mine = line(s.id(), "127.0.0.1:5000", "", "N", 0, -1, "client|list", 2);
    let theirs = line(other.id(), "127.0.0.1:5001", "two", "x", 2, 1, "ping", 2);
    let bulk = |text: &str| format!("${}\r\n{text}\r\n", text.len());
    assert_eq!(cmd(&mut s, "CLIENT LIST"), bulk(&format!("{mine}{theirs}")));
    let info = mine.replace("client|list", "client|info");
    assert_eq!(cmd(&mut s, "CLIENT INFO"), bulk(&info));
    assert_eq!(
        cmd(&mut s, &format!("CLIENT LIST ID {} 999", other.id())),
        bulk(&theirs)
    );
    assert_eq!(cmd(&mut s, "CLIENT LIST ID 0"), "$0\r\n\r\n");
    assert_eq!(cmd(&mut s, "CLIENT LIST TYPE pubsub"), "$0\r\n\r\n");
    assert_eq!(cmd(&mut s, "CLIENT LIST TYPE master"), "$0\r\n\r\n");
    assert_eq!(
        cmd(&mut s, "CLIENT LIST TYPE normal"),
        bulk(&format!("{mine}{theirs}"))
    );
    assert_eq!(
        cmd(&mut s, "CLIENT LIST TYPE foo"),
        "-ERR Unknown client type 'foo'\r\n"
    );
    assert_eq!(
        cmd(&mut s, "CLIENT LIST ID x"),
        "-ERR Invalid client ID\r\n"
    );
    assert_eq!(cmd(&mut s, "CLIENT LIST foo"), "-ERR syntax error\r\n");
    // RESP3: a verbatim string.
    cmd(&mut s, "HELLO 3");
    let mine3 = line(s.id(), "127.0.0.1:5000", "", "N", 0, -1, "client|info", 3);
    assert_eq!(
        cmd(&mut s, "CLIENT INFO"),
        format!("={}\r\ntxt:{mine3}\r\n", mine3.len() + 4)
    );
    // A closed connection leaves the list.
    let other_id = other.id();
    drop(other);
    assert_eq!(shared.client_count(), 1);
    assert_eq!(
        cmd(&mut s, &format!("CLIENT LIST ID {other_id}")),
        "=4\r\ntxt:\r\n"
    );
    Ok(())
}

#[test]
fn client_kill_forms() -> keyp::Result<()> {
    let (_dir, shared) = shared()?;
    let mut s = session(&shared);
    s.set_peer("127.0.0.1:5000", "127.0.0.1:6379");
    let a = session(&shared);
    a.set_peer("127.0.0.1:5001", "127.0.0.1:6379");
    let b = session(&shared);
    b.set_peer("127.0.0.1:5002", "127.0.0.1:6380");
    // The old form.
    assert_eq!(
        cmd(&mut s, "CLIENT KILL 1.2.3.4:5"),
        "-ERR No such client\r\n"
    );
    assert_eq!(cmd(&mut s, "CLIENT KILL 127.0.0.1:5001"), "+OK\r\n");
    assert!(a.killed());
    assert!(!b.killed() && !s.killed());
    // The new form: filters combine; SKIPME yes by default.
    assert_eq!(cmd(&mut s, "CLIENT KILL ID 9999"), ":0\r\n");
    assert_eq!(cmd(&mut s, "CLIENT KILL LADDR 127.0.0.1:6379"), ":1\r\n"); // a again
    assert_eq!(
        cmd(&mut s, "CLIENT KILL LADDR 127.0.0.1:6379 SKIPME no"),
        ":2\r\n"
    );
    assert!(s.killed());
    assert_eq!(
        cmd(
            &mut s,
            &format!("CLIENT KILL ID {} ADDR 127.0.0.1:5002", b.id())
        ),
        ":1\r\n"
    );
    assert!(b.killed());
    assert_eq!(cmd(&mut s, "CLIENT KILL TYPE pubsub"), ":0\r\n");
    assert_eq!(
        cmd(&mut s, "CLIENT KILL USER default TYPE master"),
        ":0\r\n"
    );
    assert_eq!(
        cmd(&mut s, "CLIENT KILL ID 0"),
        "-ERR client-id should be greater than 0\r\n"
    );
    assert_eq!(
        cmd(&mut s, "CLIENT KILL ID x"),
        "-ERR client-id should be greater than 0\r\n"
    );
    assert_eq!(
        cmd(&mut s, "CLIENT KILL TYPE foo"),
        "-ERR Unknown client type 'foo'\r\n"
    );
    assert_eq!(
        cmd(&mut s, "CLIENT KILL USER bob"),
        "-ERR No such user 'bob'\r\n"
    );
    assert_eq!(cmd(&mut s, "CLIENT KILL SKIPME x"), "-ERR syntax error\r\n");
    assert_eq!(
        cmd(&mut s, "CLIENT KILL SKIPME yes ID"),
        "-ERR syntax error\r\n"
    );
    assert_eq!(cmd(&mut s, "CLIENT KILL MAXAGE 1"), "-ERR syntax error\r\n");
    assert_eq!(
        cmd(&mut s, "CLIENT KILL"),
        "-ERR wrong number of arguments for 'client|kill' command\r\n"
    );
    Ok(())
}

#[test]
fn client_reply_on_off_skip() -> keyp::Result<()> {
    let (_dir, shared) = shared()?;
    let mut s = session(&shared);
    assert_eq!(run(&mut s, "CLIENT REPLY SKIP"), "");
    assert_eq!(run(&mut s, "PING"), "");
    assert_eq!(run(&mut s, "PING"), "+PONG\r\n");
    assert_eq!(run(&mut s, "CLIENT REPLY OFF"), "");
    assert_eq!(run(&mut s, "PING"), "");
    assert_eq!(run(&mut s, "CLIENT REPLY ON"), "+OK\r\n");
    assert_eq!(run(&mut s, "PING"), "+PONG\r\n");
    assert_eq!(run(&mut s, "CLIENT REPLY foo"), "-ERR syntax error\r\n");
    assert_eq!(
        run(&mut s, "CLIENT REPLY"),
        "-ERR wrong number of arguments for 'client|reply' command\r\n"
    );
    Ok(())
}
