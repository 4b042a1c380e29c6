//! The event loop's edges: a connection moving to a thread of its own in the middle of a
//! pipeline, a client's pipelined writes seen by its own reads, long pipelines of writes from
//! many clients (handed to the commit thread) answered in order, replies bigger than the socket
//! takes at once, CLIENT KILL of an idle client, clients at both kinds counted.

use std::io::Write;
use std::time::Duration;

use super::{
    assert_closed, eventually, exchange, expect, read_exactly, request, start, TestResult,
};

fn requests(list: &[&[&[u8]]]) -> Vec<u8> {
    list.iter().flat_map(|args| request(args)).collect()
}

#[test]
fn a_connection_moves_to_a_thread_in_the_middle_of_a_pipeline() -> TestResult {
    let server = start(|_| {})?;
    let mut socket = server.raw()?;
    // Writes and a read run in the loop; BLPOP moves the connection (and GET after it).
    socket.write_all(&requests(&[
        &[b"SET", b"a", b"1"],
        &[b"GET", b"a"],
        &[b"BLPOP", b"list", b"5"],
        &[b"GET", b"a"],
    ]))?;
    expect(&mut socket, b"+OK\r\n$1\r\n1\r\n")?;
    // The loop still serves others while that client waits.
    let mut other = server.client()?;
    let pushed: i64 = redis::cmd("RPUSH").arg("list").arg("x").query(&mut other)?;
    assert_eq!(pushed, 1);
    expect(&mut socket, b"*2\r\n$4\r\nlist\r\n$1\r\nx\r\n$1\r\n1\r\n")?;
    // The moved connection keeps its session (database, name) and carries on.
    exchange(
        &mut socket,
        &requests(&[&[b"SELECT", b"1"], &[b"SET", b"b", b"2"], &[b"GET", b"b"]]),
        b"+OK\r\n+OK\r\n$1\r\n2\r\n",
    )?;
    let b: Option<String> = redis::cmd("GET").arg("b").query(&mut other)?;
    assert_eq!(b, None, "b was set in database 1");
    assert_eq!(server.handle.clients(), 2);
    let list: String = redis::cmd("CLIENT").arg("LIST").query(&mut other)?;
    assert_eq!(list.lines().count(), 2, "{list}");
    exchange(&mut socket, &request(&[b"QUIT"]), b"+OK\r\n")?;
    assert_closed(&mut socket);
    assert!(eventually(|| server.handle.clients() == 1));
    Ok(())
}

#[test]
fn a_subscriber_moves_and_gets_messages() -> TestResult {
    let server = start(|_| {})?;
    let mut socket = server.raw()?;
    exchange(
        &mut socket,
        &requests(&[&[b"PING"], &[b"SUBSCRIBE", b"news"]]),
        b"+PONG\r\n*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n",
    )?;
    let mut other = server.client()?;
    let receivers: i64 = redis::cmd("PUBLISH")
        .arg("news")
        .arg("hi")
        .query(&mut other)?;
    assert_eq!(receivers, 1);
    expect(
        &mut socket,
        b"*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n",
    )?;
    Ok(())
}

#[test]
fn pipelined_writes_then_reads_see_the_writes() -> TestResult {
    let server = start(|_| {})?;
    let mut socket = server.raw()?;
    exchange(
        &mut socket,
        &requests(&[
            &[b"SET", b"k", b"v"],
            &[b"INCR", b"n"],
            &[b"INCR", b"n"],
            &[b"RPUSH", b"l", b"a", b"b"],
            &[b"GET", b"k"],
            &[b"GET", b"n"],
            &[b"LRANGE", b"l", b"0", b"-1"],
            &[b"INCR", b"k"],
            &[b"SET", b"k2", b"x"],
            &[b"GET", b"k2"],
        ]),
        b"+OK\r\n:1\r\n:2\r\n:2\r\n$1\r\nv\r\n$1\r\n2\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n\
          -ERR value is not an integer or out of range\r\n+OK\r\n$1\r\nx\r\n",
    )?;
    // Writes only, from several clients at once: each sees its own.
    let mut sockets = (0..8)
        .map(|_| server.raw())
        .collect::<Result<Vec<_>, _>>()?;
    for round in 0..50 {
        for (i, socket) in sockets.iter_mut().enumerate() {
            let key = format!("c{i}");
            let value = format!("{round}");
            socket.write_all(&requests(&[
                &[b"SET", key.as_bytes(), value.as_bytes()],
                &[b"INCR", b"shared"],
            ]))?;
        }
        for socket in &mut sockets {
            let got = read_exactly(socket, 5)?;
            assert_eq!(got, b"+OK\r\n");
            // :N\r\n of any width: read up to the line end.
            let mut line = Vec::new();
            while !line.ends_with(b"\r\n") {
                line.extend(read_exactly(socket, 1)?);
            }
            assert_eq!(line[0], b':');
        }
    }
    let mut client = server.client()?;
    let shared: i64 = redis::cmd("GET").arg("shared").query(&mut client)?;
    assert_eq!(shared, 400);
    let c3: String = redis::cmd("GET").arg("c3").query(&mut client)?;
    assert_eq!(c3, "49");
    Ok(())
}

#[test]
fn long_pipelines_of_writes_from_many_clients_reply_in_order() -> TestResult {
    use std::io::BufRead;
    // Past 128 write commands in a turn the loop hands them to the commit thread while it
    // goes on with the other connections (everysec): each client's replies must still come
    // complete and in order, and every write land once.
    let server = start(|_| {})?;
    let mut clients = (0..8)
        .map(|_| server.raw().map(std::io::BufReader::new))
        .collect::<Result<Vec<_>, _>>()?;
    let (rounds, pushes): (usize, usize) = (10, 30);
    // Client i's list starts with i items, so that its replies are its own.
    for (i, client) in clients.iter_mut().enumerate() {
        let list = format!("list{i}");
        let mut args: Vec<&[u8]> = vec![b"RPUSH", list.as_bytes()];
        args.extend(std::iter::repeat(&b"pre"[..]).take(i + 1));
        exchange(
            client.get_mut(),
            &request(&args),
            format!(":{}\r\n", i + 1).as_bytes(),
        )?;
    }
    for round in 0..rounds {
        for (i, client) in clients.iter_mut().enumerate() {
            let list = format!("list{i}");
            let mut pipeline = Vec::new();
            for j in 0..pushes {
                let item = format!("{round}:{j}");
                pipeline.extend(request(&[b"RPUSH", list.as_bytes(), item.as_bytes()]));
                pipeline.extend(request(&[b"INCR", b"shared"]));
            }
            client.get_mut().write_all(&pipeline)?;
        }
        for (i, client) in clients.iter_mut().enumerate() {
            let mut last_shared = 0;
            for j in 0..pushes {
                let mut line = String::new();
                client.read_line(&mut line)?;
                assert_eq!(line, format!(":{}\r\n", i + 1 + round * pushes + j + 1));
                line.clear();
                client.read_line(&mut line)?;
                let shared: i64 = line.trim_start_matches(':').trim_end().parse()?;
                assert!(
                    shared > last_shared,
                    "INCR replied {shared} after {last_shared}"
                );
                last_shared = shared;
            }
        }
    }
    let mut client = server.client()?;
    let shared: i64 = redis::cmd("GET").arg("shared").query(&mut client)?;
    assert_eq!(usize::try_from(shared)?, 8 * rounds * pushes);
    // Each writer's last command, as CLIENT LIST tells it.
    let list: String = redis::cmd("CLIENT").arg("LIST").query(&mut client)?;
    assert_eq!(list.matches(" cmd=incr ").count(), 8, "{list}");
    let items: Vec<String> = redis::cmd("LRANGE")
        .arg("list5")
        .arg(0)
        .arg(-1)
        .query(&mut client)?;
    let expected: Vec<String> = std::iter::repeat("pre".to_owned())
        .take(6)
        .chain((0..rounds).flat_map(|round| (0..pushes).map(move |j| format!("{round}:{j}"))))
        .collect();
    assert_eq!(items, expected);
    Ok(())
}

#[test]
fn replies_bigger_than_the_socket_takes_wait_for_the_client() -> TestResult {
    let server = start(|_| {})?;
    let mut socket = server.raw()?;
    let value = vec![b'v'; 512 * 1024];
    exchange(&mut socket, &request(&[b"SET", b"big", &value]), b"+OK\r\n")?;
    // 40 replies of 512 KiB: 20 MiB the client reads only after sending everything.
    let gets: Vec<u8> = (0..40).flat_map(|_| request(&[b"GET", b"big"])).collect();
    socket.write_all(&gets)?;
    std::thread::sleep(Duration::from_millis(200));
    let mut header = b"$524288\r\n".to_vec();
    header.extend_from_slice(&value);
    header.extend_from_slice(b"\r\n");
    for _ in 0..40 {
        assert!(read_exactly(&mut socket, header.len())? == header);
    }
    // Another client is served meanwhile and after.
    let mut other = server.client()?;
    let len: i64 = redis::cmd("STRLEN").arg("big").query(&mut other)?;
    assert_eq!(len, 512 * 1024);
    exchange(&mut socket, &request(&[b"PING"]), b"+PONG\r\n")?;
    Ok(())
}

#[test]
fn client_kill_closes_an_idle_loop_connection() -> TestResult {
    let server = start(|_| {})?;
    let mut victim = server.raw()?;
    exchange(
        &mut victim,
        &request(&[b"CLIENT", b"SETNAME", b"victim"]),
        b"+OK\r\n",
    )?;
    let mut admin = server.client()?;
    let list: String = redis::cmd("CLIENT").arg("LIST").query(&mut admin)?;
    let id = list
        .lines()
        .find(|line| line.contains("name=victim"))
        .and_then(|line| line.split(' ').next())
        .and_then(|field| field.strip_prefix("id="))
        .ok_or("no victim in CLIENT LIST")?
        .to_owned();
    let killed: i64 = redis::cmd("CLIENT")
        .arg("KILL")
        .arg("ID")
        .arg(&id)
        .query(&mut admin)?;
    assert_eq!(killed, 1);
    assert_closed(&mut victim);
    assert!(eventually(|| server.handle.clients() == 1));
    Ok(())
}

#[test]
fn xread_without_block_runs_in_the_loop_and_with_block_moves() -> TestResult {
    let server = start(|_| {})?;
    let mut socket = server.raw()?;
    exchange(
        &mut socket,
        &requests(&[
            &[b"XADD", b"s", b"1-1", b"f", b"v"],
            &[b"XREAD", b"STREAMS", b"s", b"0"],
        ]),
        b"$3\r\n1-1\r\n*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n",
    )?;
    socket.write_all(&request(&[
        b"XREAD", b"BLOCK", b"5000", b"STREAMS", b"s", b"$",
    ]))?;
    let mut other = server.client()?;
    // The loop answers others while the XREAD BLOCK waits (on its own thread).
    std::thread::sleep(Duration::from_millis(100));
    let _: String = redis::cmd("XADD")
        .arg("s")
        .arg("2-1")
        .arg("g")
        .arg("w")
        .query(&mut other)?;
    expect(
        &mut socket,
        b"*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\ng\r\n$1\r\nw\r\n",
    )?;
    Ok(())
}
