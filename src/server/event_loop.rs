//! The event loop: one thread polls the listener and every connection's nonblocking socket,
//! runs the requests that have arrived, and sends all the writes found in one turn to the group
//! commit together (one transaction, one fsync for many clients; a turn's few writes it commits
//! itself, see [`HAND_OFF`]). It does not wait for the commit thread:
//! a connection with writes in flight is left aside until the commit thread answers (and wakes
//! the loop), while the loop serves the others and the next writes queue for the next commit.
//! A connection whose requests may block (BLPOP...) or that subscribes moves to a thread of its
//! own ([`conn::serve`]).
//!
//! With the write-ahead log (`--appendfsync always`) a commit is visible before its log is on
//! disk; so the replies of requests run inline wait, set aside as writes are, until the log is
//! synced as far as it went when they ended: no client sees a write a power loss could undo.
//! The same holds the replies of writes the loop committed itself, until the syncer thread has
//! synced the log past them.

use std::io::{ErrorKind, Write};
use std::net::Shutdown;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use parking_lot::Mutex;

use super::conn::{self, Client, Handoff, PushRoute, KEEP_BUFFER, MAX_READ, READ_CHUNK};
use super::{LogLevel, ServerHandle, State};
use crate::resp::{lookup, Handler, Session, Wake, WriteAnswer, WriteFn, WriteJob, Written};

pub(super) const LISTENER: Token = Token(0);
pub(super) const WAKER: Token = Token(1);
/// Connection `i` of the slab has token `FIRST_CONN + i`.
const FIRST_CONN: usize = 2;
/// The longest the loop sleeps: it looks at the idle timeout, CLIENT KILL and pushes this often.
const TICK: Duration = Duration::from_millis(100);
/// A connection whose unsent replies pass this is not read from until they drain.
const OUTPUT_LIMIT: usize = 1024 * 1024;
/// Write commands in one turn past which the loop hands them to the commit thread (in groups
/// of this many, the first as soon as it is prepared) instead of committing them itself: the
/// commit thread runs their transaction while the loop reads, parses and answers the other
/// connections. Below it (few clients, short pipelines) a commit on the loop's thread is
/// quicker than two thread switches. While the commit thread has writes to commit, the turn's
/// go the same way (the loop would otherwise wait for LMDB's write lock).
const HAND_OFF: usize = 128;
/// How long the replies still unsent at shutdown may take to go.
const FINAL_WRITE: Duration = Duration::from_secs(1);

/// A connection served by the loop.
struct Conn {
    socket: TcpStream,
    session: Session,
    route: Arc<Mutex<PushRoute>>,
    /// The key of its [`Client`] in the server's registry.
    id: u64,
    client: Arc<Client>,
    peer: String,
    input: Vec<u8>,
    output: Vec<u8>,
    /// When bytes last arrived (for the idle timeout).
    last_active: Instant,
    /// Whether the socket may have more to read (edge-triggered readiness).
    readable: bool,
    /// Whether the client closed its side (or the socket failed).
    eof: bool,
    /// Close once the output is sent (QUIT, CLIENT KILL, a protocol error).
    closing: bool,
    /// Whether WRITABLE interest is registered.
    wants_write: bool,
    /// Whether it is in this turn's list.
    listed: bool,
    /// Writes submitted to the group commit, not answered yet, or replies waiting for the
    /// log: nothing more of the connection's input runs until they are sent.
    in_flight: Option<InFlight>,
}

/// A connection's requests whose replies wait.
struct InFlight {
    wait: Wait,
    batch: Batch,
}

/// What they wait for.
enum Wait {
    /// Writes in the group commit, answered by `answer`.
    Writes {
        answer: WriteAnswer,
        written: Written,
    },
    /// Requests that ran: their `reply`, held until the log is on disk up to `lsn`.
    Log { lsn: u64, reply: Vec<u8> },
}

impl InFlight {
    /// Whether the replies can go out now ([`land`] then takes them without waiting).
    fn ready(&mut self, store: &crate::Store) -> bool {
        match &mut self.wait {
            Wait::Writes { answer, .. } => {
                answer.is_ready()
                    && answer
                        .log_position()
                        .map_or(true, |lsn| store.log_synced() >= lsn)
            }
            Wait::Log { lsn, .. } => store.log_synced() >= *lsn,
        }
    }
}

/// What the loop does with a connection's parsed requests.
enum Plan {
    /// Nothing complete yet.
    Wait,
    /// All plain writes (their handlers): one job in this turn's group commit.
    Commit(Vec<WriteFn>),
    /// Run now, one after the other.
    Inline,
    /// To a thread of its own.
    Migrate,
}

/// A connection's requests parsed this turn.
struct Batch {
    slot: usize,
    requests: Vec<Vec<Bytes>>,
    consumed: usize,
    protocol_error: Option<String>,
}

/// The loop's connections, by slot.
#[derive(Default)]
struct Slab {
    conns: Vec<Option<Conn>>,
    free: Vec<usize>,
}

impl Slab {
    fn insert(&mut self, conn: Conn) -> usize {
        if let Some(slot) = self.free.pop() {
            self.conns[slot] = Some(conn);
            slot
        } else {
            self.conns.push(Some(conn));
            self.conns.len() - 1
        }
    }

    fn get(&mut self, slot: usize) -> Option<&mut Conn> {
        self.conns.get_mut(slot).and_then(Option::as_mut)
    }

    fn remove(&mut self, slot: usize) -> Option<Conn> {
        let conn = self.conns.get_mut(slot)?.take()?;
        self.free.push(slot);
        Some(conn)
    }

    fn slots(&self) -> Vec<usize> {
        (0..self.conns.len())
            .filter(|&slot| self.conns[slot].is_some())
            .collect()
    }
}

/// Serves clients until stopped; then closes the loop's connections (their replies sent).
pub(super) fn run(
    handle: &ServerHandle,
    poll: &mut Poll,
    listener: std::net::TcpListener,
) -> std::io::Result<()> {
    let state = &handle.state;
    listener.set_nonblocking(true)?;
    let mut listener = TcpListener::from_std(listener);
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let mut slab = Slab::default();
    let mut events = Events::with_capacity(1024);
    let wake: Option<Wake> = state.waker.lock().clone().map(|waker| {
        let wake: Wake = Arc::new(move || {
            let _ = waker.wake();
        });
        wake
    });
    if let Some(wake) = &wake {
        // Replies held for the log go out when it is synced, whoever's write it waited for.
        handle.shared.store().on_log_sync(Arc::clone(wake));
    }
    // Connections with writes in flight.
    let mut flying: Vec<usize> = Vec::new();
    // Connections to look at next turn without waiting for an event.
    let mut carry: Vec<usize> = Vec::new();
    let mut accept_again = false;
    let mut last_tick = Instant::now();
    loop {
        if state.stop.load(Ordering::SeqCst) || handle.shared.shutdown_requested() {
            state.stop.store(true, Ordering::SeqCst);
            break;
        }
        let timeout = if carry.is_empty() {
            TICK
        } else {
            Duration::ZERO
        };
        if let Err(e) = poll.poll(&mut events, Some(timeout)) {
            if e.kind() == ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        let mut turn: Vec<usize> = Vec::new();
        for slot in carry.drain(..) {
            list(&mut slab, slot, &mut turn);
        }
        // Writes answered: their replies, then the connection's next requests, this turn.
        flying.retain(|&slot| {
            let Some(conn) = slab.get(slot) else {
                return false;
            };
            let store = handle.shared.store();
            if !conn.in_flight.as_mut().is_some_and(|f| f.ready(store)) {
                return conn.in_flight.is_some();
            }
            land(state, conn);
            list(&mut slab, slot, &mut turn);
            false
        });
        let mut accept = std::mem::take(&mut accept_again);
        for event in &events {
            match event.token() {
                LISTENER => accept = true,
                WAKER => {}
                Token(token) => {
                    let slot = token - FIRST_CONN;
                    if let Some(conn) = slab.get(slot) {
                        if event.is_readable() || event.is_read_closed() || event.is_error() {
                            conn.readable = true;
                        }
                        list(&mut slab, slot, &mut turn);
                    }
                }
            }
        }
        if accept {
            accept_again = accept_all(handle, poll, &listener, &mut slab, &mut turn);
        }
        serve_turn(handle, poll, &mut slab, &turn, wake.as_ref(), &mut flying);
        for &slot in &turn {
            let Some(conn) = slab.get(slot) else { continue };
            conn.listed = false;
            if conn.in_flight.is_some() {
                // Closed, or looked at again, once the writes are answered.
            } else if conn.eof || (conn.closing && conn.output.is_empty()) {
                close(state, poll, &mut slab, slot);
            } else if conn.readable && !conn.closing && conn.output.len() < OUTPUT_LIMIT {
                carry.push(slot);
            }
        }
        if last_tick.elapsed() >= TICK {
            last_tick = Instant::now();
            tick(handle, poll, &mut slab);
        }
    }
    drop(listener);
    state.log(
        LogLevel::Notice,
        "shutting down: no longer accepting clients",
    );
    for slot in slab.slots() {
        if let Some(mut conn) = slab.remove(slot) {
            finish_at_stop(state, &mut conn);
            close_at_stop(state, poll, conn);
        }
    }
    Ok(())
}

/// At shutdown: waits for a connection's writes in flight, then runs the complete requests it
/// has read (but not a blocking command, nor after a subscription), as a connection of a
/// thread of its own does.
fn finish_at_stop(state: &State, conn: &mut Conn) {
    let store = conn.session.shared().store().clone();
    if let Some(in_flight) = &mut conn.in_flight {
        let lsn = match &mut in_flight.wait {
            Wait::Log { lsn, .. } => Some(*lsn),
            // Writes run on this thread, answered, their log not synced yet.
            Wait::Writes { answer, .. } => {
                answer.is_ready();
                answer.log_position()
            }
        };
        if let Some(lsn) = lsn {
            // A failed sync leaves the reply to go out all the same: nothing better to do.
            let _ = store.wait_logged(lsn);
        }
    }
    // (Writes in flight: `land` waits for their answer.)
    land(state, conn);
    if conn.closing || conn.eof {
        return;
    }
    let batch = parse(0, &conn.input);
    if matches!(plan(&conn.session, &batch), Plan::Migrate | Plan::Wait) {
        return;
    }
    let reply = run_inline(conn, &batch);
    store.wait_for_log_end();
    finish(state, conn, &batch, reply);
}

/// Takes the replies of a connection's requests that waited (waiting for writes whose answer
/// has not come): they go to its output.
fn land(state: &State, conn: &mut Conn) {
    let Some(InFlight { wait, batch }) = conn.in_flight.take() else {
        return;
    };
    let reply = match wait {
        Wait::Writes { answer, written } => {
            let mut reply = Vec::new();
            conn.session
                .finish_writes(written, answer.wait(), &mut reply);
            reply
        }
        Wait::Log { reply, .. } => reply,
    };
    finish(state, conn, &batch, reply);
}

/// Runs a connection's parsed requests now, one after the other; returns the replies.
fn run_inline(conn: &mut Conn, batch: &Batch) -> Vec<u8> {
    let mut reply = Vec::new();
    let mut done = 0;
    while done < batch.requests.len() {
        done += conn
            .session
            .run_pipeline(&batch.requests[done..], &mut reply);
        if conn.session.should_close() || conn.session.killed() {
            conn.closing = true;
            break;
        }
    }
    reply
}

/// At shutdown: sends a connection's remaining replies (waiting up to [`FINAL_WRITE`]) and
/// closes it.
fn close_at_stop(state: &State, poll: &Poll, mut conn: Conn) {
    let _ = poll.registry().deregister(&mut conn.socket);
    move_pushes(&mut conn);
    let Conn {
        socket, output, id, ..
    } = conn;
    let socket = std::net::TcpStream::from(socket);
    if !output.is_empty() && socket.set_nonblocking(false).is_ok() {
        let _ = socket.set_write_timeout(Some(FINAL_WRITE));
        let _ = (&socket).write_all(&output);
    }
    let _ = socket.shutdown(Shutdown::Both);
    state.clients.lock().remove(&id);
}

/// Adds a connection to this turn's list (once).
fn list(slab: &mut Slab, slot: usize, turn: &mut Vec<usize>) {
    if let Some(conn) = slab.get(slot) {
        if !conn.listed {
            conn.listed = true;
            turn.push(slot);
        }
    }
}

/// Accepts every pending connection. Returns whether to try again next turn (accept failed:
/// out of file descriptors, say).
fn accept_all(
    handle: &ServerHandle,
    poll: &Poll,
    listener: &TcpListener,
    slab: &mut Slab,
    turn: &mut Vec<usize>,
) -> bool {
    let state = &handle.state;
    loop {
        let socket = match listener.accept() {
            Ok((socket, _)) => socket,
            Err(e) if e.kind() == ErrorKind::WouldBlock => return false,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => {
                state.log(LogLevel::Warning, &format!("accept failed: {e}"));
                return true;
            }
        };
        let socket = std::net::TcpStream::from(socket);
        let Some((id, client)) = super::admit(handle, &socket) else {
            continue;
        };
        let _ = socket.set_nodelay(true);
        let peer = socket
            .peer_addr()
            .map_or_else(|_| String::new(), |a| a.to_string());
        let local = socket
            .local_addr()
            .map_or_else(|_| String::new(), |a| a.to_string());
        let route = Arc::new(Mutex::new(PushRoute::default()));
        let session = Session::new(Arc::clone(&handle.shared), conn::push_sink(&route));
        session.set_peer(&peer, &local);
        *client.killed.lock() = Some(Box::new(session.kill_check()));
        state.log(LogLevel::Verbose, &format!("accepted {peer}"));
        let conn = Conn {
            socket: TcpStream::from_std(socket),
            session,
            route,
            id,
            client,
            peer,
            input: Vec::new(),
            output: Vec::new(),
            last_active: Instant::now(),
            // Requests may have come with the connection.
            readable: true,
            eof: false,
            closing: false,
            wants_write: false,
            listed: false,
            in_flight: None,
        };
        let slot = slab.insert(conn);
        let Some(conn) = slab.get(slot) else { continue };
        if let Err(e) = poll.registry().register(
            &mut conn.socket,
            Token(FIRST_CONN + slot),
            Interest::READABLE,
        ) {
            state.log(LogLevel::Warning, &format!("cannot poll a client: {e}"));
            close(state, poll, slab, slot);
            continue;
        }
        list(slab, slot, turn);
    }
}

/// One turn over the listed connections: read, parse, run (the writes of all of them in one
/// group commit), migrate, send.
fn serve_turn(
    handle: &ServerHandle,
    poll: &Poll,
    slab: &mut Slab,
    turn: &[usize],
    wake: Option<&Wake>,
    flying: &mut Vec<usize>,
) {
    let state = &handle.state;
    // Each connection's batch and what its job runs, and the job, in the same order.
    let mut commits: Vec<(Batch, Written)> = Vec::new();
    let mut jobs = Vec::new();
    // Write commands prepared and not yet submitted.
    let mut queued = 0;
    // Whether this turn's writes go to the commit thread (see `HAND_OFF`).
    let mut hand_off = !handle.shared.commit_idle();
    let mut migrations: Vec<usize> = Vec::new();
    for &slot in turn {
        let Some(conn) = slab.get(slot) else { continue };
        if !conn.output.is_empty() {
            send(conn);
        }
        if conn.closing || conn.in_flight.is_some() {
            continue;
        }
        if conn.readable && conn.output.len() < OUTPUT_LIMIT {
            receive(conn);
        }
        let mut batch = parse(slot, &conn.input);
        match plan(&conn.session, &batch) {
            Plan::Wait => {}
            Plan::Commit(handlers) => {
                let requests = std::mem::take(&mut batch.requests);
                let (db, job, written) = conn.session.prepare_writes(requests, handlers);
                queued += written.count;
                jobs.push((db, job));
                commits.push((batch, written));
                if queued >= HAND_OFF {
                    hand_off = true;
                    let (commits, jobs) = (std::mem::take(&mut commits), std::mem::take(&mut jobs));
                    submit(handle, slab, commits, jobs, wake, flying, true);
                    queued = 0;
                }
            }
            Plan::Migrate => migrations.push(slot),
            Plan::Inline => {
                let store = handle.shared.store();
                let reply = run_inline(conn, &batch);
                match store.log_end() {
                    Some(lsn) if store.log_synced() < lsn => {
                        conn.in_flight = Some(InFlight {
                            wait: Wait::Log { lsn, reply },
                            batch,
                        });
                        flying.push(slot);
                    }
                    _ => finish(state, conn, &batch, reply),
                }
            }
        }
    }
    if !commits.is_empty() {
        submit(handle, slab, commits, jobs, wake, flying, hand_off);
    }
    for slot in migrations {
        migrate(handle, poll, slab, slot);
    }
    for &slot in turn {
        let Some(conn) = slab.get(slot) else { continue };
        if !conn.output.is_empty() {
            send(conn);
        }
        update_interest(state, poll, conn, slot);
    }
    if handle.shared.shutdown_requested() {
        // SHUTDOWN: stop at the top of the next turn.
        state.stop.store(true, Ordering::SeqCst);
    }
}

/// Gives connections' write jobs to the group commit (run on this thread unless `hand_off`
/// or commits sync, see `Committer::submit_or_run`); a connection whose writes were answered
/// at once has its replies queued.
fn submit(
    handle: &ServerHandle,
    slab: &mut Slab,
    commits: Vec<(Batch, Written)>,
    jobs: Vec<(u8, WriteJob)>,
    wake: Option<&Wake>,
    flying: &mut Vec<usize>,
    hand_off: bool,
) {
    let answers = handle.shared.submit_writes(jobs, wake.cloned(), hand_off);
    for ((batch, written), answer) in commits.into_iter().zip(answers) {
        let slot = batch.slot;
        let Some(conn) = slab.get(slot) else {
            continue;
        };
        conn.in_flight = Some(InFlight {
            wait: Wait::Writes { answer, written },
            batch,
        });
        let store = handle.shared.store();
        if conn.in_flight.as_mut().is_some_and(|f| f.ready(store)) {
            land(&handle.state, conn);
        } else {
            flying.push(slot);
        }
    }
}

/// Queues the replies of a batch that ran (after the pushes made meanwhile), drops its bytes
/// from the input, and answers a protocol error.
fn finish(state: &State, conn: &mut Conn, batch: &Batch, reply: Vec<u8>) {
    move_pushes(conn);
    conn.output.extend_from_slice(&reply);
    conn.input.drain(..batch.consumed);
    if conn.input.is_empty() && conn.input.capacity() > KEEP_BUFFER {
        conn.input = Vec::with_capacity(READ_CHUNK);
    }
    if conn.session.should_close() || conn.session.killed() {
        conn.closing = true;
    } else if let Some(text) = &batch.protocol_error {
        state.log(LogLevel::Debug, &format!("protocol error: {text}"));
        conn.output.push(b'-');
        conn.output.extend_from_slice(text.as_bytes());
        conn.output.extend_from_slice(b"\r\n");
        conn.closing = true;
    }
}

/// Moves the pushes queued for the connection to its output.
fn move_pushes(conn: &mut Conn) {
    let mut route = conn.route.lock();
    if !route.buffer.is_empty() {
        conn.output.append(&mut route.buffer);
    }
}

/// Reads what has arrived, up to [`MAX_READ`] bytes this turn (the rest next turn).
fn receive(conn: &mut Conn) {
    let mut taken = 0;
    while taken < MAX_READ {
        let want = MAX_READ - taken;
        let read = match conn::read_into(&mut conn.socket, &mut conn.input, want) {
            Ok(0) => {
                conn.eof = true;
                conn.readable = false;
                0
            }
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                conn.readable = false;
                0
            }
            Err(_) => {
                conn.eof = true;
                conn.readable = false;
                0
            }
        };
        if read == 0 {
            return;
        }
        conn.last_active = Instant::now();
        taken += read;
        if read < want.min(conn::SCRATCH) {
            // A short read from a stream socket empties its receive buffer: new data raises
            // a new readiness event (epoll(7)).
            conn.readable = false;
            return;
        }
    }
}

/// Parses every complete request at the start of `input`.
fn parse(slot: usize, input: &[u8]) -> Batch {
    let conn::Requests {
        requests,
        consumed,
        protocol_error,
    } = conn::parse_all(input);
    Batch {
        slot,
        requests,
        consumed,
        protocol_error,
    }
}

/// Decides where a connection's requests run.
fn plan(session: &Session, batch: &Batch) -> Plan {
    if batch.requests.is_empty() {
        return if batch.protocol_error.is_some() {
            Plan::Inline
        } else {
            Plan::Wait
        };
    }
    let may_block = |args: &Vec<Bytes>| {
        let Some(spec) = args.first().and_then(|name| lookup(name)) else {
            return false;
        };
        match spec.handler {
            // XREAD and XREADGROUP block only with a BLOCK argument (a key or an ID spelled so
            // moves the connection too, which is merely slower).
            Handler::Blocking { .. } if matches!(spec.name, "xread" | "xreadgroup") => args
                .iter()
                .skip(1)
                .any(|arg| arg.eq_ignore_ascii_case(b"block")),
            Handler::Blocking { .. } => true,
            _ => matches!(spec.name, "subscribe" | "psubscribe" | "ssubscribe"),
        }
    };
    if session.subscribed() || batch.requests.iter().any(may_block) {
        Plan::Migrate
    } else if let Some(handlers) = session.plain_writes(&batch.requests) {
        Plan::Commit(handlers)
    } else {
        Plan::Inline
    }
}

/// Writes as much of the output as the socket takes now.
fn send(conn: &mut Conn) {
    let mut sent = 0;
    while sent < conn.output.len() {
        match conn.socket.write(&conn.output[sent..]) {
            Ok(0) => {
                conn.eof = true;
                break;
            }
            Ok(n) => sent += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(_) => {
                conn.eof = true;
                break;
            }
        }
    }
    if conn.eof {
        conn.output.clear();
    } else {
        conn.output.drain(..sent);
    }
    if conn.output.is_empty() && conn.output.capacity() > KEEP_BUFFER {
        conn.output = Vec::new();
    }
}

/// Asks for WRITABLE events while replies wait to be sent, and only then.
fn update_interest(state: &State, poll: &Poll, conn: &mut Conn, slot: usize) {
    let wants_write = !conn.output.is_empty() && !conn.eof;
    if wants_write == conn.wants_write {
        return;
    }
    let interest = if wants_write {
        Interest::READABLE | Interest::WRITABLE
    } else {
        Interest::READABLE
    };
    match poll
        .registry()
        .reregister(&mut conn.socket, Token(FIRST_CONN + slot), interest)
    {
        Ok(()) => conn.wants_write = wants_write,
        Err(e) => {
            state.log(LogLevel::Warning, &format!("cannot poll a client: {e}"));
            conn.eof = true;
        }
    }
}

/// Moves a connection to a thread of its own, running [`conn::serve`] on its socket (made
/// blocking) from where the loop left it.
fn migrate(handle: &ServerHandle, poll: &Poll, slab: &mut Slab, slot: usize) {
    let state = &handle.state;
    let Some(mut conn) = slab.remove(slot) else {
        return;
    };
    let _ = poll.registry().deregister(&mut conn.socket);
    move_pushes(&mut conn);
    let Conn {
        socket,
        session,
        route,
        id,
        client,
        peer,
        input,
        output,
        ..
    } = conn;
    let socket = std::net::TcpStream::from(socket);
    if socket.set_nonblocking(false).is_err() {
        let _ = socket.shutdown(Shutdown::Both);
        state.clients.lock().remove(&id);
        return;
    }
    let handoff = Handoff {
        socket,
        session,
        route,
        peer: peer.clone(),
        input,
        output,
    };
    let state_for_thread = Arc::clone(state);
    let spawned = std::thread::Builder::new()
        .name("keyp-client".to_owned())
        .spawn(move || {
            conn::serve(&state_for_thread, handoff, &client);
            state_for_thread.clients.lock().remove(&id);
            state_for_thread.log(LogLevel::Verbose, &format!("client {peer} closed"));
        });
    if let Err(e) = spawned {
        // The closure (and with it the socket and the session) is dropped: the connection
        // closes.
        state.clients.lock().remove(&id);
        state.log(
            LogLevel::Warning,
            &format!("cannot start a client thread: {e}"),
        );
    }
}

/// Closes a connection of the loop, sending what is left of its output first if it can.
fn close(state: &State, poll: &Poll, slab: &mut Slab, slot: usize) {
    let Some(mut conn) = slab.remove(slot) else {
        return;
    };
    let _ = poll.registry().deregister(&mut conn.socket);
    move_pushes(&mut conn);
    if !conn.output.is_empty() && !conn.eof {
        send(&mut conn);
    }
    let _ = conn.socket.shutdown(Shutdown::Both);
    state.clients.lock().remove(&conn.id);
    state.log(LogLevel::Verbose, &format!("client {} closed", conn.peer));
}

/// The loop's periodic look at every connection: CLIENT KILL, the idle timeout, pushes.
fn tick(handle: &ServerHandle, poll: &Poll, slab: &mut Slab) {
    let state = &handle.state;
    // CONFIG SET timeout changes it at run time.
    let timeout = handle
        .shared
        .config("timeout")
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(state.config.timeout);
    let idle = (timeout > 0).then(|| Duration::from_secs(timeout));
    for slot in slab.slots() {
        let Some(conn) = slab.get(slot) else { continue };
        if conn.session.killed() || conn.client.is_killed() {
            close(state, poll, slab, slot);
            continue;
        }
        if idle.is_some_and(|idle| conn.last_active.elapsed() >= idle) && conn.output.is_empty() {
            state.log(LogLevel::Verbose, "closing idle client");
            close(state, poll, slab, slot);
            continue;
        }
        move_pushes(conn);
        if !conn.output.is_empty() {
            send(conn);
            update_interest(state, poll, conn, slot);
        }
        if conn.eof {
            close(state, poll, slab, slot);
        }
    }
}
