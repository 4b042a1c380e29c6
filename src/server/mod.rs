//! The network server: the Redis protocol over TCP, served by one event loop.
//!
//! The thread calling [`Server::run`] polls the listener and every client's nonblocking socket
//! (with `mio`), runs the complete requests that have arrived and writes the replies back. When
//! all of a connection's requests are plain writes, they become one group-commit job, and the
//! jobs of every connection of a loop turn go to the group commit of [`Shared`] together: one
//! transaction (one fsync under `appendfsync always`) for many clients. Without fsync at
//! commit the loop runs that transaction itself; with it, the commit thread does while the loop
//! serves the other clients. Reads, MULTI/EXEC and
//! the rest run inline. A connection that sends a blocking command (BLPOP...) or subscribes
//! moves to a thread of its own, with its session and unread bytes, for the rest of its life:
//! it then waits without holding up the loop. Every 100 ms (or at once through a waker, to
//! stop) the loop checks CLIENT KILL and the idle timeout.
//!
//! ```no_run
//! use keyp::server::{Server, ServerConfig};
//!
//! # fn main() -> keyp::Result<()> {
//! let config = ServerConfig { port: 7000, ..ServerConfig::default() };
//! let server = Server::bind(config)?;
//! server.handle_signals()?; // SIGINT / SIGTERM stop it cleanly
//! eprintln!("listening on {}", server.local_addr());
//! server.run()?; // returns after SHUTDOWN or a signal, once the store is synced
//! # Ok(()) }
//! ```

mod config;
mod conn;
mod event_loop;

use std::collections::HashMap;
use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use parking_lot::Mutex;

pub use config::{AppendFsync, LogLevel, ServerConfig, HELP};
use conn::Client;

use crate::resp::{ServerInfo, Shared};
use crate::{Result, Store, StoreOptions};

/// Redis's reply to a connection over `maxclients`, sent before closing it.
const MAX_CLIENTS_REPLY: &[u8] = b"-ERR max number of clients reached\r\n";
/// How often the stop watcher looks at the SHUTDOWN flag and the signal flag.
const STOP_POLL: Duration = Duration::from_millis(50);
/// How long shutdown waits for the commands in flight.
const DRAIN_LIMIT: Duration = Duration::from_secs(30);

/// What the accept loop, the connections and the handles share.
struct State {
    config: ServerConfig,
    addr: SocketAddr,
    /// Set to stop: by a signal, [`ServerHandle::stop`] or the stop watcher (SHUTDOWN).
    stop: Arc<AtomicBool>,
    /// Set once the server has stopped.
    done: AtomicBool,
    clients: Mutex<HashMap<u64, Arc<Client>>>,
    next_client: AtomicU64,
    /// Wakes the event loop (set while it runs).
    waker: Mutex<Option<Arc<mio::Waker>>>,
}

impl State {
    fn log(&self, level: LogLevel, message: &str) {
        if level >= self.config.loglevel {
            log_line(level, message);
        }
    }

    /// Asks the event loop to end, and wakes it.
    fn request_stop(&self) {
        if !self.stop.swap(true, Ordering::SeqCst) {
            self.wake();
        }
    }

    /// Wakes the event loop so that it sees the stop flag now.
    fn wake(&self) {
        if let Some(waker) = self.waker.lock().as_ref() {
            let _ = waker.wake();
        }
    }
}

/// Writes one log line to stderr, marked as Redis marks its levels.
pub fn log_line(level: LogLevel, message: &str) {
    let mark = match level {
        LogLevel::Debug => '.',
        LogLevel::Verbose => '-',
        LogLevel::Notice => '*',
        LogLevel::Warning => '#',
    };
    eprintln!("{}:M {mark} {message}", std::process::id());
}

/// A bound server, ready to [`run`](Server::run).
pub struct Server {
    listener: TcpListener,
    handle: ServerHandle,
}

/// A handle on a server (running or not): its address, its [`Shared`] state, a way to stop it.
#[derive(Clone)]
pub struct ServerHandle {
    shared: Arc<Shared>,
    state: Arc<State>,
}

impl Server {
    /// Opens the store in `config.dir` (created if missing) with the databases and durability
    /// the config asks for, and binds the listening socket.
    ///
    /// # Errors
    /// [`Error::Io`](crate::Error::Io) if the directory cannot be created or the address cannot
    /// be bound; the store's errors from opening it.
    pub fn bind(config: ServerConfig) -> Result<Server> {
        std::fs::create_dir_all(&config.dir)?;
        let store = StoreOptions::new()
            .databases(config.databases)
            .durability(config.appendfsync.durability())
            .write_map(config.write_map())
            .open(&config.dir)?;
        Server::with_store(config, store)
    }

    /// Serves an already open `store` (`config.dir`, `databases` and `appendfsync` are then
    /// not used) and binds the listening socket.
    ///
    /// # Errors
    /// [`Error::Io`](crate::Error::Io) if the address cannot be bound or the group-commit
    /// thread cannot start.
    pub fn with_store(config: ServerConfig, store: Store) -> Result<Server> {
        let listener = TcpListener::bind((config.bind.as_str(), config.port))?;
        let addr = listener.local_addr()?;
        let shared = Shared::new(store)?;
        shared.set_requirepass(config.requirepass.clone().map(Bytes::from));
        shared.set_server_info(ServerInfo {
            port: addr.port(),
            bind: config.bind.clone(),
            dir: config.dir.clone(),
            executable: std::env::current_exe()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
        });
        for (name, value) in [
            ("maxclients", config.maxclients.to_string()),
            ("timeout", config.timeout.to_string()),
            ("appendfsync", config.appendfsync.name().to_owned()),
            ("databases", config.databases.to_string()),
            ("loglevel", config.loglevel.name().to_owned()),
        ] {
            shared.set_config(name, &value);
        }
        let state = Arc::new(State {
            config,
            addr,
            stop: Arc::new(AtomicBool::new(false)),
            done: AtomicBool::new(false),
            clients: Mutex::new(HashMap::new()),
            next_client: AtomicU64::new(1),
            waker: Mutex::new(None),
        });
        Ok(Server {
            listener,
            handle: ServerHandle { shared, state },
        })
    }

    /// The address the server listens on (with the real port when the config said 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.handle.local_addr()
    }

    /// A handle to reach the server once [`run`](Server::run) has taken it.
    pub fn handle(&self) -> ServerHandle {
        self.handle.clone()
    }

    /// Makes SIGINT and SIGTERM stop the server as SHUTDOWN does. A second signal while it is
    /// stopping ends the process at once.
    ///
    /// # Errors
    /// [`Error::Io`](crate::Error::Io) if a handler cannot be installed.
    pub fn handle_signals(&self) -> Result<()> {
        use signal_hook::consts::{SIGINT, SIGTERM};
        for signal in [SIGINT, SIGTERM] {
            let stop = Arc::clone(&self.handle.state.stop);
            signal_hook::flag::register_conditional_shutdown(signal, 1, Arc::clone(&stop))?;
            signal_hook::flag::register(signal, stop)?;
        }
        Ok(())
    }

    /// Serves clients on the calling thread's event loop until stopped (SHUTDOWN, a signal, or
    /// [`ServerHandle::stop`]); then stops accepting, sends the loop's clients their replies
    /// and closes them, lets the commands in flight on the connections of their own threads
    /// finish (clients waiting in a blocking command are not waited for), syncs the store and
    /// returns.
    ///
    /// # Errors
    /// [`Error::Io`](crate::Error::Io) if the poller or the stop watcher cannot start or
    /// polling fails; the store's error if the final sync fails.
    pub fn run(self) -> Result<()> {
        let Server { listener, handle } = self;
        let state = &handle.state;
        let mut poll = mio::Poll::new()?;
        let waker = mio::Waker::new(poll.registry(), event_loop::WAKER)?;
        *state.waker.lock() = Some(Arc::new(waker));
        let watcher = {
            let (shared, state) = (Arc::clone(&handle.shared), Arc::clone(state));
            std::thread::Builder::new()
                .name("keyp-stop-watch".to_owned())
                .spawn(move || watch_for_stop(&shared, &state))?
        };
        let served = event_loop::run(&handle, &mut poll, listener);
        if let Err(e) = &served {
            state.log(LogLevel::Warning, &format!("event loop failed: {e}"));
            state.stop.store(true, Ordering::SeqCst);
        }
        drain(state);
        state.done.store(true, Ordering::SeqCst);
        let _ = watcher.join();
        *state.waker.lock() = None;
        handle.shared.store().sync()?;
        state.log(LogLevel::Notice, "store synced, ready to exit");
        served?;
        Ok(())
    }
}

/// Registers a new connection, or refuses it over `maxclients` (with Redis's error reply).
/// Returns its registry key and entry.
fn admit(handle: &ServerHandle, socket: &TcpStream) -> Option<(u64, Arc<Client>)> {
    let state = &handle.state;
    let registry_socket = socket.try_clone().ok()?;
    let id = state.next_client.fetch_add(1, Ordering::Relaxed);
    let client = Arc::new(Client {
        socket: registry_socket,
        blocked: AtomicBool::new(false),
        killed: Mutex::new(None),
    });
    let mut clients = state.clients.lock();
    // CONFIG SET maxclients changes the limit at run time.
    let maxclients = handle
        .shared
        .config("maxclients")
        .and_then(|v| v.parse().ok())
        .unwrap_or(state.config.maxclients);
    if clients.len() >= maxclients {
        drop(clients);
        handle.shared.connection_rejected();
        state.log(LogLevel::Verbose, "refused a client: maxclients reached");
        // A new socket's send buffer takes these few bytes at once.
        let _ = (&*socket).write_all(MAX_CLIENTS_REPLY);
        let _ = socket.shutdown(std::net::Shutdown::Both);
        return None;
    }
    clients.insert(id, Arc::clone(&client));
    Some((id, client))
}

/// Waits for a stop request (the signal flag or SHUTDOWN), then wakes the event loop.
fn watch_for_stop(shared: &Shared, state: &State) {
    while !state.done.load(Ordering::SeqCst) {
        if state.stop.load(Ordering::SeqCst) || shared.shutdown_requested() {
            state.stop.store(true, Ordering::SeqCst);
            state.wake();
            return;
        }
        // CLIENT KILL of a connection of a thread of its own waiting for input: end its read.
        // (The event loop closes its own killed connections at its next tick; closing the
        // socket here wakes it sooner.)
        for client in state.clients.lock().values() {
            if client.is_killed() {
                let _ = client.socket.shutdown(std::net::Shutdown::Both);
            }
        }
        std::thread::sleep(STOP_POLL);
    }
}

/// Ends every connection's reads and waits until those running commands have finished them.
fn drain(state: &State) {
    for client in state.clients.lock().values() {
        let _ = client.socket.shutdown(std::net::Shutdown::Read);
    }
    let deadline = Instant::now() + DRAIN_LIMIT;
    loop {
        let busy = state
            .clients
            .lock()
            .values()
            .filter(|c| !c.blocked.load(Ordering::SeqCst))
            .count();
        if busy == 0 || Instant::now() >= deadline {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

impl ServerHandle {
    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.state.addr
    }

    /// What the server's connections share (the store, the group commit, the SHUTDOWN flag).
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// The store the server serves (database 0).
    pub fn store(&self) -> &Store {
        self.shared.store()
    }

    /// Stops the server as SHUTDOWN does: [`Server::run`] returns once the commands in flight
    /// have finished and the store is synced.
    pub fn stop(&self) {
        self.state.request_stop();
    }

    /// Clients connected now.
    pub fn clients(&self) -> usize {
        self.state.clients.lock().len()
    }

    /// Whether the server has stopped.
    pub fn stopped(&self) -> bool {
        self.state.done.load(Ordering::SeqCst)
    }

    /// The id of the store's last committed write transaction: the difference between two
    /// readings counts the write transactions committed in between (group commit puts many
    /// clients' writes in one).
    pub fn last_transaction_id(&self) -> u64 {
        let env = self.shared.store().core().storage.env.env();
        let mut info = std::mem::MaybeUninit::<lmdb_sys::MDB_envinfo>::zeroed();
        // SAFETY: `env` is the store's open environment (the store outlives this call) and
        // `info` points to writable memory the size of an MDB_envinfo, which
        // `mdb_env_info` fills in.
        let rc = unsafe { lmdb_sys::mdb_env_info(env, info.as_mut_ptr()) };
        if rc != 0 {
            return 0;
        }
        // SAFETY: `mdb_env_info` returned success, so it initialised the struct (and it was
        // zeroed before: every field, pointers included, is valid as zero).
        let info = unsafe { info.assume_init() };
        info.me_last_txnid as u64
    }
}
