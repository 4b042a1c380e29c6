//! A connection in a thread of its own, for the cases the event loop does not run inline
//! (blocking commands, pub/sub): read, parse every complete request, execute, write the replies
//! once.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;

use super::{LogLevel, State};
use crate::resp::{lookup, parse_request, Handler, Parsed, PushSink, Session};

/// Bytes asked for per read; the buffer grows past it for big requests.
pub(super) const READ_CHUNK: usize = 16 * 1024;
/// The most bytes one read takes.
pub(super) const MAX_READ: usize = 256 * 1024;
/// A buffer grown past this for one big request is given back once emptied.
pub(super) const KEEP_BUFFER: usize = 1024 * 1024;

/// A connected client, as the server's registry sees it.
pub(super) struct Client {
    /// A handle on the socket, to end the connection's reads at shutdown.
    pub(super) socket: TcpStream,
    /// Set while the connection waits in a blocking command (BLPOP...): shutdown does not wait
    /// for it, as Redis does not.
    pub(super) blocked: AtomicBool,
    /// Whether CLIENT KILL marked the connection (set once its session exists): the stop
    /// watcher closes the socket of a killed client waiting for input.
    pub(super) killed: Mutex<Option<KillCheck>>,
}

/// See [`Client::killed`].
pub(super) type KillCheck = Box<dyn Fn() -> bool + Send + Sync>;

impl Client {
    /// Whether CLIENT KILL marked this connection.
    pub(super) fn is_killed(&self) -> bool {
        self.killed.lock().as_ref().is_some_and(|check| check())
    }
}

/// Where a session's pushes go: while its connection is in the event loop, a buffer the loop
/// sends; once the connection has a thread of its own, that thread's outbox.
#[derive(Default)]
pub(super) struct PushRoute {
    pub(super) buffer: Vec<u8>,
    outbox: Option<Arc<Mutex<Outbox>>>,
}

/// A push sink writing through `route`.
pub(super) fn push_sink(route: &Arc<Mutex<PushRoute>>) -> PushSink {
    let route = Arc::clone(route);
    Arc::new(move |bytes: &[u8]| {
        let mut route = route.lock();
        match &route.outbox {
            Some(outbox) => {
                let mut out = outbox.lock();
                out.pending.extend_from_slice(bytes);
                if !out.batching {
                    out.flush();
                }
            }
            None => route.buffer.extend_from_slice(bytes),
        }
    })
}

/// A connection the event loop hands to a thread of its own: its socket (blocking), its
/// session, the bytes read but not run yet and the replies not sent yet.
pub(super) struct Handoff {
    pub(super) socket: TcpStream,
    pub(super) session: Session,
    pub(super) route: Arc<Mutex<PushRoute>>,
    pub(super) input: Vec<u8>,
    pub(super) output: Vec<u8>,
}

/// Where replies and pushes go, in order. While the connection works through a batch of
/// requests, replies collect in `pending` and go out in one write at the end; a push (pub/sub)
/// arriving then is queued behind them, otherwise it is written at once.
struct Outbox {
    socket: TcpStream,
    pending: Vec<u8>,
    batching: bool,
}

impl Outbox {
    /// Writes what is pending. `false` if the socket failed.
    fn flush(&mut self) -> bool {
        let ok = self.socket.write_all(&self.pending).is_ok();
        self.pending.clear();
        ok
    }
}

/// Serves a connection the event loop handed over until the client leaves, QUIT, a protocol
/// error, the idle timeout or shutdown: first the requests already read, then what comes.
pub(super) fn serve(state: &State, handoff: Handoff, client: &Client) {
    let Handoff {
        socket,
        mut session,
        route,
        input,
        output,
    } = handoff;
    let Ok(write_half) = socket.try_clone() else {
        return;
    };
    let outbox = Arc::new(Mutex::new(Outbox {
        socket: write_half,
        pending: output,
        batching: true,
    }));
    {
        // From now on pushes go to the outbox, after the ones the loop had not sent.
        let mut route = route.lock();
        let pushed = std::mem::take(&mut route.buffer);
        outbox.lock().pending.extend_from_slice(&pushed);
        route.outbox = Some(Arc::clone(&outbox));
    }
    let _ = socket.set_read_timeout(state.config.idle_timeout());
    let mut reader = &socket;
    let mut buf = input;
    let mut fresh = false;
    loop {
        if fresh {
            // Read whatever has arrived (at least one byte).
            let len = buf.len();
            buf.reserve(READ_CHUNK);
            // Zero (and so read into) a bounded part of the spare room: zeroing all of a
            // buffer grown for a 512 MB argument on every read would be quadratic.
            let room = (buf.capacity() - len).min(MAX_READ);
            buf.resize(len + room, 0);
            let read = match reader.read(&mut buf[len..]) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == ErrorKind::Interrupted => 0,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    state.log(LogLevel::Verbose, "closing idle client");
                    break;
                }
                Err(_) => break,
            };
            buf.truncate(len + read);
        }
        fresh = true;

        outbox.lock().batching = true;
        let (consumed, close) = run_requests(&mut session, &buf, &outbox, client, state);
        buf.drain(..consumed);
        if buf.is_empty() && buf.capacity() > KEEP_BUFFER {
            buf = Vec::with_capacity(READ_CHUNK);
        }
        let written = {
            let mut out = outbox.lock();
            out.batching = false;
            out.flush()
        };
        if session.shared().shutdown_requested() {
            // SHUTDOWN: stop the event loop now rather than at the watcher's next look.
            state.request_stop();
        }
        if close || !written || session.killed() {
            break;
        }
    }
    let _ = socket.shutdown(Shutdown::Both);
}

/// Runs every complete request at the start of `buf`, queueing the replies in `outbox`.
/// Returns the bytes consumed and whether the connection must close.
fn run_requests(
    session: &mut Session,
    buf: &[u8],
    outbox: &Mutex<Outbox>,
    client: &Client,
    state: &State,
) -> (usize, bool) {
    // Parse every complete request first: the ones before a malformed frame still run.
    let mut requests = Vec::new();
    let mut consumed = 0;
    let mut protocol_error = None;
    while let Some(rest) = buf.get(consumed..) {
        match parse_request(rest) {
            Ok(Parsed::Incomplete) => break,
            Ok(Parsed::Empty { consumed: n }) => consumed += n,
            Ok(Parsed::Command { args, consumed: n }) => {
                consumed += n;
                requests.push(args);
            }
            Err(error) => {
                protocol_error = Some(error.reply_text());
                consumed = buf.len();
                break;
            }
        }
    }
    let mut next = 0;
    while next < requests.len() {
        let is_blocking = |args: &Vec<bytes::Bytes>| {
            args.first()
                .and_then(|name| lookup(name))
                .is_some_and(|spec| matches!(spec.handler, Handler::Blocking { .. }))
        };
        let plain = requests[next..]
            .iter()
            .take_while(|args| !is_blocking(args))
            .count();
        let mut reply = Vec::new();
        if plain > 0 {
            // Not under the outbox's lock: a command's pushes (PUBLISH to a channel this
            // client listens to, in RESP3) go through it, ahead of the reply.
            next += session.run_pipeline(&requests[next..next + plain], &mut reply);
            outbox.lock().pending.extend_from_slice(&reply);
        } else {
            // The replies before it go out now, as Redis sends them before the client
            // blocks; pushes go straight out while it waits.
            {
                let mut out = outbox.lock();
                out.flush();
                out.batching = false;
            }
            client.blocked.store(true, Ordering::SeqCst);
            session.run(&requests[next], &mut reply);
            client.blocked.store(false, Ordering::SeqCst);
            let mut out = outbox.lock();
            out.batching = true;
            out.pending.extend_from_slice(&reply);
            next += 1;
        }
        if session.should_close() || session.killed() {
            return (consumed, true);
        }
    }
    if let Some(text) = protocol_error {
        state.log(LogLevel::Debug, &format!("protocol error: {text}"));
        let mut out = outbox.lock();
        out.pending.push(b'-');
        out.pending.extend_from_slice(text.as_bytes());
        out.pending.extend_from_slice(b"\r\n");
        return (consumed, true);
    }
    (consumed, false)
}
