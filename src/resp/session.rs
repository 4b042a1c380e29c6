//! A connection's state and the dispatch of its commands; the group-commit writer that all
//! connections' writes go through.
//!
//! The hooks a network server calls are listed on [`Session`].

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use parking_lot::{Mutex, RwLock};

use super::command::{
    arity_allows, has_subcommands, lookup, subcommand_arity, unknown_command, unknown_subcommand,
    wrong_arity, Call, CommandSpec, Handler, WriteFn,
};
use super::pubsub::{Broker, Subscriptions};
use super::reply::{Protocol, Reply};
use crate::{Result, Store, Watch};

mod commit;

use commit::Committer;
pub(crate) use commit::{is_store_failure, run_write, Wake, WriteAnswer, WriteJob};

/// Where a connection's out-of-band messages (pub/sub pushes) go: the server writes the bytes
/// to the client's socket, between replies.
pub type PushSink = Arc<dyn Fn(&[u8]) + Send + Sync>;

/// Facts about the running server that INFO, CONFIG GET and SAVE report; the server sets them
/// with [`Shared::set_server_info`].
#[derive(Clone, Debug, Default)]
pub struct ServerInfo {
    /// The TCP port listened on.
    pub port: u16,
    /// The address bound (`127.0.0.1`).
    pub bind: String,
    /// The data directory (SAVE copies it to `<dir>.save`).
    pub dir: std::path::PathBuf,
    /// The server's executable path (INFO `executable`).
    pub executable: String,
}

/// Counters INFO's stats section reports (CONFIG RESETSTAT zeroes them).
#[derive(Default)]
pub(crate) struct Stats {
    pub(crate) commands: AtomicU64,
    pub(crate) connections: AtomicU64,
    /// Commands refused before running (unknown, arity, NOAUTH...).
    pub(crate) rejected: AtomicU64,
    /// Connections refused for `maxclients` ([`Shared::connection_rejected`]).
    pub(crate) rejected_connections: AtomicU64,
}

/// What every connection of a server shares: the store, the group-commit writer, the
/// settings, the client registry and the pub/sub broker.
pub struct Shared {
    store: Store,
    committer: Committer,
    next_client_id: AtomicU64,
    shutdown: AtomicBool,
    /// `requirepass`: `None` lets every connection in without AUTH.
    pub(crate) requirepass: RwLock<Option<Bytes>>,
    /// The connections open, by client id.
    pub(crate) clients: Mutex<BTreeMap<u64, Arc<ClientEntry>>>,
    /// Pub/sub channels and patterns.
    pub(crate) broker: Broker,
    pub(crate) server: RwLock<ServerInfo>,
    /// CONFIG parameters by name (`requirepass` lives in its own field).
    pub(crate) config: RwLock<BTreeMap<String, String>>,
    pub(crate) stats: Stats,
    pub(crate) started: SystemTime,
    pub(crate) started_at: Instant,
    /// LASTSAVE: Unix seconds of the last successful SAVE (the start time before any).
    pub(crate) last_save: AtomicU64,
    /// Whether a SAVE or BGSAVE is running.
    pub(crate) saving: AtomicBool,
    /// Whether the last BGSAVE succeeded.
    pub(crate) last_save_ok: AtomicBool,
}

impl Shared {
    /// Shares `store` (any handle: sessions start in database 0) between connections, and
    /// starts the group-commit writer thread.
    ///
    /// # Errors
    /// [`Error::Io`](crate::Error::Io) if the thread cannot be started.
    pub fn new(store: Store) -> Result<Arc<Shared>> {
        let store = store.select(0)?;
        let committer = Committer::start(store.clone())?;
        let started = SystemTime::now();
        let unix = started
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let config = super::cmds::default_config(store.databases());
        Ok(Arc::new(Shared {
            store,
            committer,
            next_client_id: AtomicU64::new(1),
            shutdown: AtomicBool::new(false),
            requirepass: RwLock::new(None),
            clients: Mutex::new(BTreeMap::new()),
            broker: Broker::default(),
            server: RwLock::new(ServerInfo::default()),
            config: RwLock::new(config),
            stats: Stats::default(),
            started,
            started_at: Instant::now(),
            last_save: AtomicU64::new(unix),
            saving: AtomicBool::new(false),
            last_save_ok: AtomicBool::new(true),
        }))
    }

    /// Sets (or with `None` clears) the password clients must give with AUTH or HELLO.
    pub fn set_requirepass(&self, password: Option<Bytes>) {
        *self.requirepass.write() = password;
    }

    /// Records the server's port, address and data directory (also CONFIG GET's `port`,
    /// `bind` and `dir`).
    pub fn set_server_info(&self, info: ServerInfo) {
        let mut config = self.config.write();
        config.insert("port".to_owned(), info.port.to_string());
        config.insert("bind".to_owned(), info.bind.clone());
        config.insert("dir".to_owned(), info.dir.display().to_string());
        drop(config);
        *self.server.write() = info;
    }

    /// Sets a CONFIG parameter as the server was started with it (`maxclients`, `timeout`,
    /// `appendfsync`, `loglevel`, ...; `requirepass` also sets the password). The name is
    /// lower-cased; no validation.
    pub fn set_config(&self, name: &str, value: &str) {
        let name = name.to_ascii_lowercase();
        if name == "requirepass" {
            let password = (!value.is_empty()).then(|| Bytes::copy_from_slice(value.as_bytes()));
            self.set_requirepass(password);
            return;
        }
        self.config.write().insert(name, value.to_owned());
    }

    /// A CONFIG parameter's current value (CONFIG SET may have changed it).
    pub fn config(&self, name: &str) -> Option<String> {
        let name = name.to_ascii_lowercase();
        if name == "requirepass" {
            let password = self.requirepass.read();
            return Some(
                password
                    .as_deref()
                    .map_or_else(String::new, |p| String::from_utf8_lossy(p).into_owned()),
            );
        }
        self.config.read().get(&name).cloned()
    }

    /// Counts a connection refused for `maxclients` (INFO's `rejected_connections`).
    pub fn connection_rejected(&self) {
        self.stats
            .rejected_connections
            .fetch_add(1, Ordering::Relaxed);
    }

    /// The number of connections open (sessions alive).
    pub fn client_count(&self) -> usize {
        self.clients.lock().len()
    }

    /// The store, database 0.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Asks the server to stop (SHUTDOWN); the server polls [`Shared::shutdown_requested`].
    pub fn request_shutdown(&self) {
        self.shutdown.store(true, Ordering::SeqCst);
    }

    /// Whether a stop was asked for.
    pub fn shutdown_requested(&self) -> bool {
        self.shutdown.load(Ordering::SeqCst)
    }

    /// Runs a write job through the group-commit writer and waits for its replies.
    pub(crate) fn write(&self, db: u8, job: WriteJob) -> Result<Vec<Reply>> {
        self.committer.run(db, job)
    }

    /// Hands write jobs (each with its database) to the group-commit writer all at once, so
    /// that they share a transaction, without waiting: one answer per job, in order. `wake` is
    /// called once they are answered. When commits do not sync and the caller does not ask to
    /// `hand_off`, the batch runs on the calling thread instead and the answers are ready on
    /// return (see `Committer::submit_or_run`).
    #[cfg_attr(not(feature = "server"), allow(dead_code))]
    pub(crate) fn submit_writes(
        &self,
        jobs: Vec<(u8, WriteJob)>,
        wake: Option<Wake>,
        hand_off: bool,
    ) -> Vec<WriteAnswer> {
        self.committer.submit_or_run(jobs, wake, hand_off)
    }

    /// Whether the commit thread has nothing left to commit.
    pub(crate) fn commit_idle(&self) -> bool {
        self.committer.idle()
    }
}

/// What [`Session::finish_writes`] needs of a group-commit job's commands once they ran.
pub(crate) struct Written {
    /// How many commands the job runs.
    pub(crate) count: usize,
    /// The last one's name, for CLIENT LIST's `cmd`.
    last_cmd: Option<Cow<'static, str>>,
}

/// A connection as CLIENT LIST shows it.
pub(crate) struct ClientEntry {
    pub(crate) id: u64,
    pub(crate) created: Instant,
    /// Set by CLIENT KILL; the server closes the connection.
    pub(crate) killed: AtomicBool,
    pub(crate) state: Mutex<ClientState>,
}

/// The changing part of a [`ClientEntry`].
#[derive(Clone, Default)]
pub(crate) struct ClientState {
    pub(crate) addr: String,
    pub(crate) laddr: String,
    pub(crate) name: Option<Bytes>,
    pub(crate) db: u8,
    pub(crate) last: Option<Instant>,
    pub(crate) last_cmd: Cow<'static, str>,
    /// Commands queued in MULTI, or -1 outside one.
    pub(crate) multi: i64,
    pub(crate) sub: usize,
    pub(crate) psub: usize,
    pub(crate) resp: u8,
    pub(crate) watching: usize,
}

/// What MULTI collects until EXEC.
#[derive(Default)]
pub(crate) struct MultiState {
    /// The queued commands, each with its arguments.
    pub(crate) queued: Vec<Vec<Bytes>>,
    /// Whether a command was refused while queueing (EXEC then answers EXECABORT).
    pub(crate) aborted: bool,
}

/// CLIENT REPLY's mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum ReplyMode {
    #[default]
    On,
    Off,
}

///
/// One connection's state.
///
/// # Hooks for the network server
///
/// keyp's protocol layer does no I/O; the server that owns the sockets calls these:
/// - [`Shared::new`] once, then [`Shared::set_server_info`] (port, bind address, data
///   directory: INFO, CONFIG GET and SAVE read them) and [`Shared::set_config`] for each
///   setting given on the command line (`requirepass`, `maxclients`, `timeout`,
///   `appendfsync`, `databases`, `loglevel`).
/// - Per connection: [`Session::new`] with a [`PushSink`] that writes bytes to that client's
///   socket, then [`Session::set_peer`] with the client's and the local address (CLIENT LIST,
///   CLIENT KILL ADDR/LADDR).
/// - Per request: [`Session::run`], which encodes the reply (and any extra frames, e.g. one
///   confirmation per channel of SUBSCRIBE) into the output buffer and leaves it empty when
///   CLIENT REPLY OFF/SKIP says so. ([`Session::execute`] returns the reply instead; it sends
///   extra frames through the push sink first.)
/// - After each request: close the connection once [`Session::should_close`] (QUIT) or
///   [`Session::killed`] (CLIENT KILL from another client) is true; poll `killed` also while
///   a connection is idle. [`Shared::shutdown_requested`] tells when SHUTDOWN was asked for;
///   [`Shared::client_count`] gives the connections open (for `maxclients`; count a refused
///   one with [`Shared::connection_rejected`]). Read the current settings back with
///   [`Shared::config`] (CONFIG SET may change `maxclients` or `timeout`).
/// - Dropping the session (connection closed) unregisters the client, drops its WATCHes and
///   its pub/sub subscriptions.
///
/// The push sink must deliver bytes in call order, before the bytes of the reply of the
/// command during which they were pushed. PUBLISH calls the subscribers' sinks from the
/// publishing connection's thread, so a sink must be safe to call while its own connection
/// writes a reply (e.g. queue the bytes to the connection's writer).
pub struct Session {
    shared: Arc<Shared>,
    /// The selected database.
    pub(crate) db: u8,
    /// The protocol version (HELLO switches it).
    pub(crate) protocol: Protocol,
    /// CLIENT ID.
    pub(crate) id: u64,
    /// CLIENT SETNAME.
    pub(crate) name: Option<Bytes>,
    /// Whether AUTH succeeded (or no password is set).
    pub(crate) authenticated: bool,
    /// Set by QUIT: the server closes the connection after sending the reply.
    pub(crate) closing: bool,
    pub(crate) push: PushSink,
    /// Inside MULTI: the queued commands.
    pub(crate) multi: Option<MultiState>,
    /// WATCHed keys (one [`Watch`] per WATCH call).
    pub(crate) watches: Vec<Watch>,
    /// Channels and patterns subscribed to.
    pub(crate) subs: Subscriptions,
    /// Frames to send before the reply of the current command (SUBSCRIBE's confirmations).
    pub(crate) extra: Vec<Reply>,
    pub(crate) reply_mode: ReplyMode,
    /// CLIENT REPLY SKIP: no reply to this command / to the next one.
    pub(crate) skip_current: bool,
    pub(crate) skip_next: bool,
    pub(crate) entry: Arc<ClientEntry>,
}

impl Session {
    /// A new connection's session, sending pushes to `push`.
    pub fn new(shared: Arc<Shared>, push: PushSink) -> Session {
        let id = shared.next_client_id.fetch_add(1, Ordering::Relaxed);
        let authenticated = shared.requirepass.read().is_none();
        let entry = Arc::new(ClientEntry {
            id,
            created: Instant::now(),
            killed: AtomicBool::new(false),
            state: Mutex::new(ClientState {
                multi: -1,
                resp: 2,
                ..ClientState::default()
            }),
        });
        shared.clients.lock().insert(id, Arc::clone(&entry));
        shared.stats.connections.fetch_add(1, Ordering::Relaxed);
        Session {
            shared,
            db: 0,
            protocol: Protocol::Resp2,
            id,
            name: None,
            authenticated,
            closing: false,
            push,
            multi: None,
            watches: Vec::new(),
            subs: Subscriptions::default(),
            extra: Vec::new(),
            reply_mode: ReplyMode::On,
            skip_current: false,
            skip_next: false,
            entry,
        }
    }

    /// Records the client's address and the local address it connected to (`ip:port`), as
    /// CLIENT LIST shows them and CLIENT KILL ADDR / LADDR match them.
    pub fn set_peer(&self, addr: &str, laddr: &str) {
        let mut state = self.entry.state.lock();
        state.addr = addr.to_owned();
        state.laddr = laddr.to_owned();
    }

    /// Whether CLIENT KILL asked to close this connection; the server closes it.
    pub fn killed(&self) -> bool {
        self.entry.killed.load(Ordering::SeqCst)
    }

    /// A check of [`Session::killed`] that another thread can hold (the server's watcher polls
    /// it to close the socket of a client killed while it waits for input).
    pub fn kill_check(&self) -> impl Fn() -> bool + Send + Sync + 'static {
        let entry = Arc::clone(&self.entry);
        move || entry.killed.load(Ordering::SeqCst)
    }

    /// The connection's protocol version, to encode replies with.
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// The client id (CLIENT ID).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Whether the connection must be closed once the last reply is written (QUIT).
    pub fn should_close(&self) -> bool {
        self.closing
    }

    /// What the connections share.
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// The store, on the selected database.
    pub fn store(&self) -> Result<Store> {
        self.shared.store.select(u32::from(self.db))
    }

    /// Runs one command (`args[0]` is its name) and returns its reply. Frames that come
    /// before the reply (SUBSCRIBE's confirmations of all channels but the last) go through
    /// the push sink. CLIENT REPLY OFF/SKIP is not applied: see [`Session::run`].
    pub fn execute(&mut self, args: &[Bytes]) -> Reply {
        let reply = self.dispatch(args);
        for frame in std::mem::take(&mut self.extra) {
            (self.push)(&frame.to_bytes(self.protocol));
        }
        reply
    }

    /// Runs one command and appends its encoded reply (after any frames that precede it) to
    /// `out`, or nothing when CLIENT REPLY OFF or SKIP silences it.
    pub fn run(&mut self, args: &[Bytes], out: &mut Vec<u8>) {
        let reply = self.dispatch(args);
        let extra = std::mem::take(&mut self.extra);
        if self.reply_mode == ReplyMode::Off || self.skip_current {
            return;
        }
        for frame in extra {
            frame.encode(self.protocol, out);
        }
        reply.encode(self.protocol, out);
    }

    /// Runs pipelined requests in order, appending their replies to `out`, as [`Session::run`]
    /// on each would; but consecutive plain write commands go to the group commit as one job,
    /// so a client's pipeline of writes costs one transaction rather than one each. Stops
    /// after a request that closes the connection (QUIT); returns how many requests ran.
    pub fn run_pipeline(&mut self, requests: &[Vec<Bytes>], out: &mut Vec<u8>) -> usize {
        let mut done = 0;
        while done < requests.len() {
            let writes: Vec<WriteFn> = requests[done..]
                .iter()
                .map_while(|args| self.plain_write(args))
                .collect();
            if writes.len() >= 2 {
                let count = writes.len();
                self.run_writes(&requests[done..done + count], writes, out);
                done += count;
            } else {
                self.run(&requests[done], out);
                done += 1;
                if self.closing {
                    break;
                }
            }
        }
        done
    }

    /// The handler of `args` if it is a write command that would simply run now through the
    /// group commit, its reply sent: no MULTI, no refusal, replies on.
    fn plain_write(&self, args: &[Bytes]) -> Option<WriteFn> {
        if self.multi.is_some() || self.reply_mode != ReplyMode::On || self.skip_next {
            return None;
        }
        let spec = lookup(args.first()?)?;
        let Handler::Write(f) = spec.handler else {
            return None;
        };
        self.check(Some(spec), args).ok().map(|_| f)
    }

    /// Runs plain write commands (see [`Session::plain_write`]), with their handlers, as one
    /// group-commit job.
    fn run_writes(&mut self, requests: &[Vec<Bytes>], handlers: Vec<WriteFn>, out: &mut Vec<u8>) {
        let (db, job, written) = self.prepare_writes(requests.to_vec(), handlers);
        let replies = self.shared.write(db, job);
        self.finish_writes(written, replies, out);
    }

    /// The handlers of `requests` if every one (at least one) is a plain write command (see
    /// [`Session::plain_write`]): the server's event loop then runs them with
    /// [`Session::prepare_writes`] and [`Session::finish_writes`] in one group commit with other
    /// connections' writes.
    #[cfg_attr(not(feature = "server"), allow(dead_code))]
    pub(crate) fn plain_writes(&self, requests: &[Vec<Bytes>]) -> Option<Vec<WriteFn>> {
        if requests.is_empty() {
            return None;
        }
        requests.iter().map(|args| self.plain_write(args)).collect()
    }

    /// Whether the connection listens to a channel or pattern (pub/sub).
    #[cfg_attr(not(feature = "server"), allow(dead_code))]
    pub(crate) fn subscribed(&self) -> bool {
        !self.subs.is_empty()
    }

    /// The group-commit job of plain write commands (moved into it) and their `handlers`
    /// (from [`Session::plain_write`]), its database, and what [`Session::finish_writes`] will
    /// need. Nothing runs until the job is given to [`Shared::write`] or
    /// [`Shared::submit_writes`]; [`Session::finish_writes`] then takes the answer.
    pub(crate) fn prepare_writes(
        &self,
        requests: Vec<Vec<Bytes>>,
        handlers: Vec<WriteFn>,
    ) -> (u8, WriteJob, Written) {
        let written = Written {
            count: requests.len(),
            last_cmd: requests.last().and_then(|last| {
                let spec = lookup(last.first()?)?;
                Some(full_name(spec, last))
            }),
        };
        let protocol = self.protocol;
        let job: WriteJob = Box::new(move |tx| {
            let mut replies = Vec::with_capacity(requests.len());
            for (f, args) in handlers.iter().zip(&requests) {
                let call = Call { args, protocol };
                replies.push(run_write(*f, tx, &call)?);
            }
            Ok(replies)
        });
        (self.db, job, written)
    }

    /// Records the commands of a job from [`Session::prepare_writes`] as run and appends their
    /// replies (or the store's error for each) to `out`.
    pub(crate) fn finish_writes(
        &mut self,
        written: Written,
        replies: Result<Vec<Reply>>,
        out: &mut Vec<u8>,
    ) {
        let count = written.count;
        let replies = replies.unwrap_or_else(|e| vec![Reply::from(e); count]);
        self.shared
            .stats
            .commands
            .fetch_add(count as u64, Ordering::Relaxed);
        if let Some(last_cmd) = written.last_cmd {
            let mut state = self.entry.state.lock();
            state.last = Some(Instant::now());
            state.last_cmd = last_cmd;
        }
        for reply in replies {
            reply.encode(self.protocol, out);
        }
    }

    /// The dispatch: lookup, arity, authentication, MULTI queueing, pub/sub context.
    fn dispatch(&mut self, args: &[Bytes]) -> Reply {
        self.skip_current = std::mem::take(&mut self.skip_next);
        let Some(name) = args.first() else {
            return Reply::Error("ERR empty command".to_owned());
        };
        let spec = lookup(name);
        {
            let mut state = self.entry.state.lock();
            state.last = Some(Instant::now());
            state.last_cmd = match spec {
                Some(spec) => full_name(spec, args),
                None => Cow::Borrowed("NULL"),
            };
        }
        let reply = match self.check(spec, args) {
            Ok(spec) => {
                self.shared.stats.commands.fetch_add(1, Ordering::Relaxed);
                self.dispatch_checked(spec, args)
            }
            Err(refusal) => {
                self.shared.stats.rejected.fetch_add(1, Ordering::Relaxed);
                if spec.is_some_and(|s| s.name == "exec") {
                    // Redis answers a refused EXEC (wrong arity, NOAUTH...) with EXECABORT
                    // and discards the transaction and the watches, in MULTI or not.
                    self.multi = None;
                    self.watches.clear();
                    match refusal {
                        Reply::Error(text) => Reply::Error(format!(
                            "EXECABORT Transaction discarded because of: {}",
                            text.strip_prefix("ERR ").unwrap_or(&text)
                        )),
                        other => other,
                    }
                } else {
                    if let Some(multi) = &mut self.multi {
                        multi.aborted = true;
                    }
                    refusal
                }
            }
        };
        self.sync_entry();
        reply
    }

    /// The checks before a command runs or is queued; `Err` is the refusal.
    fn check(
        &self,
        spec: Option<&'static CommandSpec>,
        args: &[Bytes],
    ) -> std::result::Result<&'static CommandSpec, Reply> {
        let Some(spec) = spec else {
            return Err(unknown_command(args));
        };
        if !spec.arity_ok(args.len()) {
            return Err(wrong_arity(spec.name));
        }
        // A container command's subcommand is looked up and its arity checked here too, as
        // Redis does before it runs or queues a command (in MULTI such a refusal aborts EXEC).
        if let Some(sub) = args.get(1).filter(|_| has_subcommands(spec.name)) {
            let lower = String::from_utf8_lossy(sub).to_ascii_lowercase();
            match subcommand_arity(spec.name, &lower) {
                Some(None) => return Err(unknown_subcommand(&spec.name.to_ascii_uppercase(), sub)),
                Some(Some(arity)) if !arity_allows(arity, args.len()) => {
                    return Err(wrong_arity(&format!("{}|{lower}", spec.name)));
                }
                _ => {}
            }
        }
        if !self.authenticated && !matches!(spec.name, "auth" | "hello" | "quit" | "reset") {
            return Err(Reply::Error("NOAUTH Authentication required.".to_owned()));
        }
        if self.multi.is_some() && spec.has_flag("no_multi") {
            return Err(Reply::Error(
                "ERR Command not allowed inside a transaction".to_owned(),
            ));
        }
        if self.protocol == Protocol::Resp2
            && !self.subs.is_empty()
            && !matches!(
                spec.name,
                "ping"
                    | "subscribe"
                    | "unsubscribe"
                    | "psubscribe"
                    | "punsubscribe"
                    | "ssubscribe"
                    | "sunsubscribe"
                    | "quit"
                    | "reset"
            )
        {
            return Err(Reply::Error(format!(
                "ERR Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
                full_name(spec, args)
            )));
        }
        Ok(spec)
    }

    fn dispatch_checked(&mut self, spec: &'static CommandSpec, args: &[Bytes]) -> Reply {
        if let Some(multi) = &mut self.multi {
            if !matches!(
                spec.name,
                "exec" | "discard" | "multi" | "watch" | "quit" | "reset"
            ) {
                multi.queued.push(args.to_vec());
                return Reply::Simple("QUEUED".to_owned());
            }
        }
        let call = Call {
            args,
            protocol: self.protocol,
        };
        let result = match spec.handler {
            Handler::Read(f) => self.shared.store.core().read(self.db, |r| f(r, &call)),
            Handler::Write(f) => self.write_one(f, args),
            Handler::Session(f) | Handler::Blocking { wait: f, .. } => f(self, &call),
        };
        result.unwrap_or_else(Reply::from)
    }

    /// Switches the protocol (HELLO), pub/sub messages included.
    pub(crate) fn set_protocol(&mut self, protocol: Protocol) {
        self.protocol = protocol;
        self.subs
            .resp3
            .store(protocol == Protocol::Resp3, Ordering::Relaxed);
    }

    /// RESET: leaves MULTI, unwatches, unsubscribes from everything, selects database 0,
    /// back to RESP2, no name, replies on, and unauthenticated if a password is set.
    pub(crate) fn reset(&mut self) {
        self.multi = None;
        self.watches.clear();
        self.shared.broker.forget(self.id, &self.subs);
        self.subs.channels.clear();
        self.subs.patterns.clear();
        self.db = 0;
        self.set_protocol(Protocol::Resp2);
        self.name = None;
        self.reply_mode = ReplyMode::On;
        self.skip_current = false;
        self.skip_next = false;
        self.authenticated = self.shared.requirepass.read().is_none();
    }

    /// Copies what CLIENT LIST shows of this session into its registry entry.
    pub(crate) fn sync_entry(&self) {
        let mut state = self.entry.state.lock();
        state.name.clone_from(&self.name);
        state.db = self.db;
        state.multi = self
            .multi
            .as_ref()
            .map_or(-1, |m| i64::try_from(m.queued.len()).unwrap_or(i64::MAX));
        state.sub = self.subs.channels.len();
        state.psub = self.subs.patterns.len();
        state.resp = if self.protocol == Protocol::Resp3 {
            3
        } else {
            2
        };
        state.watching = self.watches.iter().map(Watch::len).sum();
    }

    /// Runs one write command through group commit.
    fn write_one(&self, f: WriteFn, args: &[Bytes]) -> Result<Reply> {
        let args = args.to_vec();
        let protocol = self.protocol;
        let job: WriteJob = Box::new(move |tx| {
            let call = Call {
                args: &args,
                protocol,
            };
            Ok(vec![run_write(f, tx, &call)?])
        });
        let mut replies = self.shared.write(self.db, job)?;
        Ok(replies.pop().unwrap_or(Reply::Nil))
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.shared.broker.forget(self.id, &self.subs);
        self.shared.clients.lock().remove(&self.id);
    }
}

/// A command's name as Redis prints it in errors: `name` or `name|subcommand` for commands
/// with subcommands.
fn full_name(spec: &'static CommandSpec, args: &[Bytes]) -> Cow<'static, str> {
    match args.get(1) {
        Some(sub) if has_subcommands(spec.name) => Cow::Owned(format!(
            "{}|{}",
            spec.name,
            String::from_utf8_lossy(sub).to_ascii_lowercase()
        )),
        _ => Cow::Borrowed(spec.name),
    }
}
