//! The hooks between the server and the protocol layer: CONFIG GET of the server's settings,
//! CONFIG SET maxclients taking effect, CLIENT KILL closing another connection, CLIENT LIST
//! showing peers, and a full session over the wire (MULTI/EXEC, pub/sub, RESP3).

use std::io::Write;

use super::{assert_closed, eventually, exchange, start, TestResult};

#[test]
fn config_get_reports_the_servers_settings() -> TestResult {
    let server = start(|c| c.maxclients = 77)?;
    let mut con = server.client()?;
    let port = server.handle.local_addr().port().to_string();
    let got: Vec<String> = redis::cmd("CONFIG")
        .arg("GET")
        .arg("port")
        .query(&mut con)?;
    assert_eq!(got, ["port".to_owned(), port]);
    let got: Vec<String> = redis::cmd("CONFIG")
        .arg("GET")
        .arg("maxclients")
        .query(&mut con)?;
    assert_eq!(got, ["maxclients", "77"]);
    Ok(())
}

#[test]
fn config_set_maxclients_takes_effect() -> TestResult {
    let server = start(|_| {})?;
    let mut first = server.raw()?;
    exchange(&mut first, b"CONFIG SET maxclients 1\r\n", b"+OK\r\n")?;
    let mut second = server.raw()?;
    let mut reply = [0u8; 40];
    let n = std::io::Read::read(&mut second, &mut reply)?;
    assert_eq!(&reply[..n], b"-ERR max number of clients reached\r\n");
    exchange(&mut first, b"PING\r\n", b"+PONG\r\n")?;
    Ok(())
}

#[test]
fn client_kill_closes_the_other_connection() -> TestResult {
    let server = start(|_| {})?;
    let mut victim = server.raw()?;
    exchange(&mut victim, b"CLIENT SETNAME victim\r\n", b"+OK\r\n")?;
    let mut killer = server.client()?;
    let list: String = redis::cmd("CLIENT").arg("LIST").query(&mut killer)?;
    let line = list
        .lines()
        .find(|l| l.contains("name=victim"))
        .ok_or("victim not listed")?;
    assert!(line.contains("addr=127.0.0.1:"), "{line}");
    let id = line
        .split(' ')
        .find_map(|f| f.strip_prefix("id="))
        .ok_or("no id")?;
    let killed: i64 = redis::cmd("CLIENT")
        .arg("KILL")
        .arg("ID")
        .arg(id)
        .query(&mut killer)?;
    assert_eq!(killed, 1);
    // The victim is waiting for input: the server closes its socket.
    assert_closed(&mut victim);
    assert!(eventually(|| server.handle.clients() == 1));
    Ok(())
}

#[test]
fn multi_exec_pubsub_and_resp3_over_the_wire() -> TestResult {
    let server = start(|_| {})?;
    let mut con = server.raw()?;
    exchange(
        &mut con,
        b"MULTI\r\nSET k v\r\nINCR n\r\nEXEC\r\n",
        b"+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n:1\r\n",
    )?;
    let mut listener = server.raw()?;
    exchange(
        &mut listener,
        b"SUBSCRIBE news\r\n",
        b"*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n",
    )?;
    exchange(&mut con, b"PUBLISH news hello\r\n", b":1\r\n")?;
    let expected = b"*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n";
    let got = super::read_exactly(&mut listener, expected.len())?;
    assert_eq!(got, expected);
    con.write_all(b"HELLO 3\r\n")?;
    // RESP3: HELLO's reply is a map.
    assert_eq!(super::read_exactly(&mut con, 1)?, b"%");
    Ok(())
}

#[test]
fn a_pipeline_of_writes_is_one_transaction_and_replies_in_order() -> TestResult {
    let server = start(|_| {})?;
    let mut con = server.raw()?;
    exchange(&mut con, b"PING\r\n", b"+PONG\r\n")?;
    let before = server.handle.last_transaction_id();
    let mut request = Vec::new();
    let mut expected = Vec::new();
    for i in 1..=200 {
        request.extend_from_slice(b"INCR n\r\n");
        expected.extend_from_slice(format!(":{i}\r\n").as_bytes());
    }
    // A command error in the middle is answered in place; the writes around it stay.
    request.extend_from_slice(b"LPUSH n x\r\nINCR n\r\nGET n\r\n");
    expected.extend_from_slice(
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n:201\r\n$3\r\n201\r\n",
    );
    con.write_all(&request)?;
    assert_eq!(super::read_exactly(&mut con, expected.len())?, expected);
    let commits = server.handle.last_transaction_id() - before;
    assert!(commits <= 10, "{commits} transactions for one pipeline");
    Ok(())
}
