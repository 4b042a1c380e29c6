//! A connection's state and the dispatch of its commands; the group-commit writer that all
//! connections' writes go through.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use bytes::Bytes;
use crossbeam_channel::{Receiver, Sender};

use super::command::{lookup, unknown_command, wrong_arity, Call, Handler, WriteFn};
use super::reply::{Protocol, Reply};
use crate::{Error, Result, Store, WriteTxn};

/// Where a connection's out-of-band messages (pub/sub pushes) go: the server writes the bytes
/// to the client's socket, between replies.
pub type PushSink = Arc<dyn Fn(&[u8]) + Send + Sync>;

/// The most write jobs one group-commit transaction takes.
const MAX_BATCH: usize = 1024;

/// What every connection of a server shares: the store, the group-commit writer, the
/// settings.
pub struct Shared {
    store: Store,
    committer: Committer,
    next_client_id: AtomicU64,
    shutdown: AtomicBool,
    /// `requirepass`: `None` lets every connection in without AUTH.
    pub(crate) requirepass: parking_lot::RwLock<Option<Bytes>>,
}

impl Shared {
    /// Shares `store` (any handle: sessions start in database 0) between connections, and
    /// starts the group-commit writer thread.
    ///
    /// # Errors
    /// [`Error::Io`] if the thread cannot be started.
    pub fn new(store: Store) -> Result<Arc<Shared>> {
        let store = store.select(0)?;
        let committer = Committer::start(store.clone())?;
        Ok(Arc::new(Shared {
            store,
            committer,
            next_client_id: AtomicU64::new(1),
            shutdown: AtomicBool::new(false),
            requirepass: parking_lot::RwLock::new(None),
        }))
    }

    /// Sets (or with `None` clears) the password clients must give with AUTH or HELLO.
    pub fn set_requirepass(&self, password: Option<Bytes>) {
        *self.requirepass.write() = password;
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
}

/// One connection's state.
pub struct Session {
    shared: Arc<Shared>,
    /// The selected database.
    pub(crate) db: u8,
    /// The protocol version (HELLO switches it).
    pub(crate) protocol: Protocol,
    /// CLIENT ID.
    pub(crate) id: u64,
    /// CLIENT SETNAME.
    #[allow(dead_code)] // used by the CLIENT commands
    pub(crate) name: Option<Bytes>,
    /// Whether AUTH succeeded (or no password is set).
    pub(crate) authenticated: bool,
    /// Set by QUIT: the server closes the connection after sending the reply.
    pub(crate) closing: bool,
    #[allow(dead_code)] // used by the pub/sub commands
    pub(crate) push: PushSink,
}

impl Session {
    /// A new connection's session, sending pushes to `push`.
    pub fn new(shared: Arc<Shared>, push: PushSink) -> Session {
        let id = shared.next_client_id.fetch_add(1, Ordering::Relaxed);
        let authenticated = shared.requirepass.read().is_none();
        Session {
            shared,
            db: 0,
            protocol: Protocol::Resp2,
            id,
            name: None,
            authenticated,
            closing: false,
            push,
        }
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

    /// Runs one command (`args[0]` is its name) and returns its reply.
    pub fn execute(&mut self, args: &[Bytes]) -> Reply {
        let Some(name) = args.first() else {
            return Reply::Error("ERR empty command".to_owned());
        };
        let Some(spec) = lookup(name) else {
            return unknown_command(args);
        };
        if !spec.arity_ok(args.len()) {
            return wrong_arity(spec.name);
        }
        if !self.authenticated && !matches!(spec.name, "auth" | "hello" | "quit") {
            return Reply::Error("NOAUTH Authentication required.".to_owned());
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

/// A write job: runs in a transaction shared with other jobs (on this job's database), and
/// may run twice (see [`Committer`]), so it must be deterministic given the store's contents.
/// `Err` aborts the whole transaction: keep it for store failures; command errors are replies.
pub(crate) type WriteJob = Box<dyn Fn(&mut WriteTxn<'_>) -> Result<Vec<Reply>> + Send>;

/// Whether `e` means the store itself failed (the transaction must be abandoned) rather than
/// the command being wrong.
pub(crate) fn is_store_failure(e: &Error) -> bool {
    matches!(
        e,
        Error::StoreFull { .. } | Error::Io(_) | Error::Lmdb(_) | Error::Corrupt(_)
    )
}

/// Runs a write handler: a command error becomes its reply, a store failure aborts.
pub(crate) fn run_write(f: WriteFn, tx: &mut WriteTxn<'_>, call: &Call<'_>) -> Result<Reply> {
    match f(tx, call) {
        Ok(reply) => Ok(reply),
        Err(e) if is_store_failure(&e) => Err(e),
        Err(e) => Ok(Reply::from(e)),
    }
}

struct Pending {
    db: u8,
    job: WriteJob,
    done: Sender<Result<Vec<Reply>>>,
}

/// The group-commit writer: one thread takes every write job waiting at the moment, runs them
/// all in one write transaction and commits once (one fsync under `Durability::Immediate`),
/// then answers each. While it commits, new jobs queue up for the next batch.
///
/// A command that fails may have written part of what it meant to before noticing; Redis's
/// commands are all or nothing. So when a job of a batch of several replies an error, the
/// batch is rolled back and each of its jobs runs again in a transaction of its own.
struct Committer {
    jobs: Option<Sender<Pending>>,
    thread: Option<JoinHandle<()>>,
}

impl Committer {
    fn start(store: Store) -> Result<Committer> {
        let (jobs, queue) = crossbeam_channel::unbounded::<Pending>();
        let thread = std::thread::Builder::new()
            .name("keyp-commit".to_owned())
            .spawn(move || commit_loop(&store, &queue))?;
        Ok(Committer {
            jobs: Some(jobs),
            thread: Some(thread),
        })
    }

    fn run(&self, db: u8, job: WriteJob) -> Result<Vec<Reply>> {
        let (done, answer) = crossbeam_channel::bounded(1);
        let gone = || Error::Io(std::io::Error::other("the commit thread has stopped"));
        let jobs = self.jobs.as_ref().ok_or_else(gone)?;
        jobs.send(Pending { db, job, done }).map_err(|_| gone())?;
        answer.recv().map_err(|_| gone())?
    }
}

impl Drop for Committer {
    fn drop(&mut self) {
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn commit_loop(store: &Store, queue: &Receiver<Pending>) {
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        if batch.len() == 1 {
            run_alone(store, batch);
            continue;
        }
        let outcome = store.transaction(|tx| {
            let mut replies = Vec::with_capacity(batch.len());
            for pending in &batch {
                tx.select(u32::from(pending.db))?;
                let job_replies = (pending.job)(tx)?;
                if job_replies.iter().any(Reply::is_error) {
                    // Roll back: the jobs run again one by one.
                    return Err(Error::Syntax);
                }
                replies.push(job_replies);
            }
            Ok(replies)
        });
        match outcome {
            Ok(replies) => {
                for (pending, replies) in batch.into_iter().zip(replies) {
                    let _ = pending.done.send(Ok(replies));
                }
            }
            // A command failed (see above), or the store did: then each job alone gets the
            // store's error, or succeeds if it alone fits (a full map, say).
            Err(_) => run_alone(store, batch),
        }
    }
}

/// Runs each job in a transaction of its own.
fn run_alone(store: &Store, batch: Vec<Pending>) {
    for pending in batch {
        let result = store.transaction(|tx| {
            tx.select(u32::from(pending.db))?;
            (pending.job)(tx)
        });
        let _ = pending.done.send(result);
    }
}
