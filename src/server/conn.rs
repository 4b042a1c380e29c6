//! A connection in a thread of its own, for the cases the event loop does not run inline
//! (blocking commands, pub/sub): read, parse every complete request, execute, queue the replies
//! for the connection's writer thread. Pushes (PUBLISH's messages) join the same queue and never
//! wait for the socket; a subscriber whose queue passes Redis's pub/sub output limit is closed.

use std::cell::RefCell;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use super::{LogLevel, State};
use crate::resp::{lookup, parse_request, Handler, Parsed, PushSink, Session};

/// Bytes asked for per read; the buffer grows past it for big requests.
pub(super) const READ_CHUNK: usize = 16 * 1024;
/// The most bytes one read takes.
pub(super) const MAX_READ: usize = 256 * 1024;
/// A buffer grown past this for one big request is given back once emptied.
pub(super) const KEEP_BUFFER: usize = 1024 * 1024;
/// The most bytes one [`read_into`] takes. Reads go into the thread's scratch buffer, zeroed
/// once, and are copied to the connection's input: cheaper than zeroing spare room of the
/// input before every read (a 50-byte request would pay for 16 KiB of zeroes).
pub(super) const SCRATCH: usize = 64 * 1024;

thread_local! {
    static SCRATCH_BUFFER: RefCell<Vec<u8>> = RefCell::new(vec![0; SCRATCH]);
}

/// One read of at most `max` bytes (and [`SCRATCH`]) from `reader`, appended to `input`: the
/// count read, 0 at the end of the stream.
pub(super) fn read_into(
    reader: &mut impl Read,
    input: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<usize> {
    SCRATCH_BUFFER.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        let room = scratch.len().min(max);
        let read = reader.read(&mut scratch[..room])?;
        input.extend_from_slice(&scratch[..read]);
        Ok(read)
    })
}

/// The complete requests at the start of a connection's input.
pub(super) struct Requests {
    /// The requests, in order.
    pub(super) requests: Vec<Vec<bytes::Bytes>>,
    /// The bytes they took (all of the input after a protocol error).
    pub(super) consumed: usize,
    /// The reply text of a malformed frame after them: the connection is then closed.
    pub(super) protocol_error: Option<String>,
}

/// Parses every complete request at the start of `input`; the ones before a malformed frame
/// still run.
pub(super) fn parse_all(input: &[u8]) -> Requests {
    let mut parsed = Requests {
        requests: Vec::new(),
        consumed: 0,
        protocol_error: None,
    };
    while let Some(rest) = input.get(parsed.consumed..) {
        match parse_request(rest) {
            Ok(Parsed::Incomplete) => break,
            Ok(Parsed::Empty { consumed }) => parsed.consumed += consumed,
            Ok(Parsed::Command { args, consumed }) => {
                parsed.consumed += consumed;
                parsed.requests.push(args);
            }
            Err(error) => {
                parsed.protocol_error = Some(error.reply_text());
                parsed.consumed = input.len();
                break;
            }
        }
    }
    parsed
}

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

/// Redis's `client-output-buffer-limit pubsub 32mb 8mb 60`: a subscribed connection with this
/// much output waiting (its client not reading) is closed at once...
pub(super) const PUBSUB_HARD_LIMIT: usize = 32 * 1024 * 1024;
/// ... and one with more than this waiting for [`PUBSUB_SOFT_SECONDS`] on end.
pub(super) const PUBSUB_SOFT_LIMIT: usize = 8 * 1024 * 1024;
/// See [`PUBSUB_SOFT_LIMIT`].
pub(super) const PUBSUB_SOFT_SECONDS: Duration = Duration::from_secs(60);
/// A connection whose unsent output passes this is not read from until it drains (its own
/// replies would otherwise pile up without end), as in the event loop.
const REPLY_BACKLOG: usize = 1024 * 1024;
/// How long the output still unsent when a connection ends may take to go.
const FINAL_WRITE: Duration = Duration::from_secs(1);
/// How often a reader waiting for its output to drain looks at shutdown and CLIENT KILL.
const BACKLOG_POLL: Duration = Duration::from_millis(100);

/// Where a session's pushes go: while its connection is in the event loop, a buffer the loop
/// sends; once the connection has a thread of its own, that thread's outbox.
#[derive(Default)]
pub(super) struct PushRoute {
    pub(super) buffer: Vec<u8>,
    outbox: Option<Arc<Outbox>>,
}

/// A push sink writing through `route`. It never waits for the client's socket: a push only
/// joins a queue (PUBLISH from the event loop must not stall the loop on a subscriber that
/// does not read).
pub(super) fn push_sink(route: &Arc<Mutex<PushRoute>>) -> PushSink {
    let route = Arc::clone(route);
    Arc::new(move |bytes: &[u8]| {
        let mut route = route.lock();
        match &route.outbox {
            // Pushes go to subscribers only: the pub/sub limits apply.
            Some(outbox) => outbox.queue(bytes, true),
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
    pub(super) peer: String,
    pub(super) input: Vec<u8>,
    pub(super) output: Vec<u8>,
}

/// Where replies and pushes go, in order, for a writer thread of the connection to send: its
/// callers (the connection's own thread, and any publisher, the event loop included) only
/// append under a short lock and never wait for the socket. While the connection works through
/// a batch of requests its replies collect and go out in one write at the end; a push arriving
/// then is queued with them.
struct Outbox {
    queue: Mutex<Queue>,
    /// Wakes the writer: output to send, or the connection ended.
    work: Condvar,
    /// Wakes the reader: output sent, or the writer ended.
    drained: Condvar,
    /// A handle on the socket, to close it when the output passes its limit.
    socket: TcpStream,
}

#[derive(Default)]
struct Queue {
    pending: Vec<u8>,
    /// Bytes the writer has taken and is writing.
    writing: usize,
    batching: bool,
    /// No more output is taken: the connection ends (or its output passed its limit, or a
    /// write failed).
    closed: bool,
    /// The output passed its limit.
    overflowed: bool,
    /// Since when the output has been over [`PUBSUB_SOFT_LIMIT`].
    over_soft_since: Option<Instant>,
    writer_done: bool,
}

impl Queue {
    fn unsent(&self) -> usize {
        self.pending.len() + self.writing
    }
}

impl Outbox {
    /// Queues `bytes` and, unless a batch is running, wakes the writer. With `limited` (a
    /// subscribed client's output) the pub/sub output limits apply: past them the connection
    /// is closed, as Redis closes it.
    fn queue(&self, bytes: &[u8], limited: bool) {
        let mut queue = self.queue.lock();
        if queue.closed {
            return;
        }
        queue.pending.extend_from_slice(bytes);
        if limited && self.over_limit(&mut queue) {
            queue.overflowed = true;
            queue.closed = true;
            queue.pending = Vec::new();
            drop(queue);
            // Ends the reader's read and the writer's write.
            let _ = self.socket.shutdown(Shutdown::Both);
            self.work.notify_all();
            self.drained.notify_all();
            return;
        }
        if !queue.batching {
            self.work.notify_one();
        }
    }

    /// Whether the output passed the hard limit, or has been over the soft one long enough.
    fn over_limit(&self, queue: &mut Queue) -> bool {
        let unsent = queue.unsent();
        if unsent >= PUBSUB_HARD_LIMIT {
            return true;
        }
        if unsent < PUBSUB_SOFT_LIMIT {
            queue.over_soft_since = None;
            return false;
        }
        let since = *queue.over_soft_since.get_or_insert_with(Instant::now);
        since.elapsed() >= PUBSUB_SOFT_SECONDS
    }

    /// Holds the output back until [`Outbox::send`]: a batch's replies go out together.
    fn hold(&self) {
        self.queue.lock().batching = true;
    }

    /// Lets the writer send what is queued.
    fn send(&self) {
        let mut queue = self.queue.lock();
        queue.batching = false;
        if !queue.pending.is_empty() {
            self.work.notify_one();
        }
    }

    /// Whether the connection must end: its output passed its limit or a write failed.
    fn is_closed(&self) -> bool {
        self.queue.lock().closed
    }

    /// Waits while more than [`REPLY_BACKLOG`] is unsent, until `stop` says to give up.
    fn wait_for_room(&self, stop: impl Fn() -> bool) {
        let mut queue = self.queue.lock();
        while queue.unsent() > REPLY_BACKLOG && !queue.closed && !stop() {
            self.drained.wait_for(&mut queue, BACKLOG_POLL);
        }
    }

    /// The writer thread: sends what is queued until the connection ends.
    fn write_out(&self, mut socket: &TcpStream) {
        let mut chunk = Vec::new();
        loop {
            {
                let mut queue = self.queue.lock();
                queue.writing = 0;
                self.drained.notify_all();
                while !queue.closed && (queue.pending.is_empty() || queue.batching) {
                    self.work.wait(&mut queue);
                }
                // Once closed: what is left goes out, unless the limit or a failure closed it.
                if queue.pending.is_empty() || queue.overflowed {
                    queue.writer_done = true;
                    self.drained.notify_all();
                    return;
                }
                chunk.clear();
                std::mem::swap(&mut chunk, &mut queue.pending);
                queue.writing = chunk.len();
            }
            if socket.write_all(&chunk).is_err() {
                let mut queue = self.queue.lock();
                queue.closed = true;
                queue.writing = 0;
                queue.pending = Vec::new();
                queue.writer_done = true;
                drop(queue);
                let _ = self.socket.shutdown(Shutdown::Both);
                self.drained.notify_all();
                return;
            }
            if chunk.capacity() > KEEP_BUFFER {
                chunk = Vec::new();
            }
        }
    }

    /// Ends the output: lets the writer send what is left (for up to [`FINAL_WRITE`]), then
    /// closes the socket, which ends a write still waiting. Returns whether the output had
    /// passed its limit.
    fn close(&self) -> bool {
        let mut queue = self.queue.lock();
        queue.closed = true;
        queue.batching = false;
        self.work.notify_all();
        let deadline = Instant::now() + FINAL_WRITE;
        while !queue.writer_done {
            if self.drained.wait_until(&mut queue, deadline).timed_out() {
                break;
            }
        }
        let overflowed = queue.overflowed;
        drop(queue);
        let _ = self.socket.shutdown(Shutdown::Both);
        overflowed
    }
}

/// Serves a connection the event loop handed over until the client leaves, QUIT, a protocol
/// error, the idle timeout, shutdown or its output passing its limit: first the requests
/// already read, then what comes. Its output goes through an [`Outbox`] sent by a writer
/// thread of its own, which ends with it.
pub(super) fn serve(state: &State, handoff: Handoff, client: &Client) {
    let Handoff {
        socket,
        mut session,
        route,
        peer,
        input,
        output,
    } = handoff;
    let (Ok(write_half), Ok(close_half)) = (socket.try_clone(), socket.try_clone()) else {
        let _ = socket.shutdown(Shutdown::Both);
        return;
    };
    let outbox = Arc::new(Outbox {
        queue: Mutex::new(Queue {
            pending: output,
            batching: true,
            ..Queue::default()
        }),
        work: Condvar::new(),
        drained: Condvar::new(),
        socket: close_half,
    });
    {
        // From now on pushes go to the outbox, after the ones the loop had not sent.
        let mut route = route.lock();
        let pushed = std::mem::take(&mut route.buffer);
        outbox.queue(&pushed, false);
        route.outbox = Some(Arc::clone(&outbox));
    }
    let writer = {
        let outbox = Arc::clone(&outbox);
        std::thread::Builder::new()
            .name("keyp-client-out".to_owned())
            .spawn(move || outbox.write_out(&write_half))
    };
    let writer = match writer {
        Ok(writer) => writer,
        Err(e) => {
            state.log(
                LogLevel::Warning,
                &format!("cannot start a client writer thread: {e}"),
            );
            route.lock().outbox = None;
            let _ = socket.shutdown(Shutdown::Both);
            return;
        }
    };
    read_and_run(state, &socket, &mut session, &outbox, client, input);
    if outbox.close() {
        state.log(
            LogLevel::Notice,
            &format!(
                "closing client {peer}: its output passed the pub/sub limit \
                 (client-output-buffer-limit pubsub 32mb 8mb 60)"
            ),
        );
    }
    let _ = writer.join();
    // The session's pushes (its subscriptions end with it) no longer reach this outbox.
    route.lock().outbox = None;
}

/// The connection's reading side: reads, runs every complete request, queues the replies,
/// until the connection must end.
fn read_and_run(
    state: &State,
    socket: &TcpStream,
    session: &mut Session,
    outbox: &Outbox,
    client: &Client,
    input: Vec<u8>,
) {
    let _ = socket.set_read_timeout(state.config.idle_timeout());
    let mut reader = socket;
    let mut buf = input;
    let mut fresh = false;
    loop {
        if fresh {
            // Read whatever has arrived (at least one byte).
            match read_into(&mut reader, &mut buf, MAX_READ) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    state.log(LogLevel::Verbose, "closing idle client");
                    break;
                }
                Err(_) => break,
            }
        }
        fresh = true;

        outbox.hold();
        let (consumed, close) = run_requests(session, &buf, outbox, client, state);
        buf.drain(..consumed);
        if buf.is_empty() && buf.capacity() > KEEP_BUFFER {
            buf = Vec::with_capacity(READ_CHUNK);
        }
        outbox.send();
        if session.shared().shutdown_requested() {
            // SHUTDOWN: stop the event loop now rather than at the watcher's next look.
            state.request_stop();
        }
        if close || outbox.is_closed() || session.killed() {
            break;
        }
        outbox.wait_for_room(|| {
            state.stop.load(Ordering::SeqCst) || session.killed() || client.is_killed()
        });
    }
}

/// Runs every complete request at the start of `buf`, queueing the replies in `outbox`.
/// Returns the bytes consumed and whether the connection must close.
fn run_requests(
    session: &mut Session,
    buf: &[u8],
    outbox: &Outbox,
    client: &Client,
    state: &State,
) -> (usize, bool) {
    // Parse every complete request first: the ones before a malformed frame still run.
    let Requests {
        requests,
        consumed,
        protocol_error,
    } = parse_all(buf);
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
        // With the write-ahead log, replies wait until the log is on disk as far as it went
        // when they were made (see `event_loop`).
        let store = session.shared().store().clone();
        if plain > 0 {
            // Not under the outbox's lock: a command's pushes (PUBLISH to a channel this
            // client listens to, in RESP3) go through it, ahead of the reply.
            next += session.run_pipeline(&requests[next..next + plain], &mut reply);
            store.wait_for_log_end();
            outbox.queue(&reply, session.subscribed());
        } else {
            // The replies before it go out now, as Redis sends them before the client
            // blocks; pushes go straight out while it waits.
            outbox.send();
            client.blocked.store(true, Ordering::SeqCst);
            session.run(&requests[next], &mut reply);
            client.blocked.store(false, Ordering::SeqCst);
            outbox.hold();
            store.wait_for_log_end();
            outbox.queue(&reply, session.subscribed());
            next += 1;
        }
        if session.should_close() || session.killed() {
            return (consumed, true);
        }
    }
    if let Some(text) = protocol_error {
        state.log(LogLevel::Debug, &format!("protocol error: {text}"));
        outbox.queue(format!("-{text}\r\n").as_bytes(), false);
        return (consumed, true);
    }
    (consumed, false)
}
