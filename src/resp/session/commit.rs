//! The group-commit writer: many connections' writes in one LMDB transaction.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};

use crate::resp::command::{Call, WriteFn};
use crate::resp::reply::Reply;
use crate::{Error, Result, Store, WriteTxn};

/// The most write jobs one group-commit transaction takes.
const MAX_BATCH: usize = 1024;

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

/// A job's result, and the job itself: sent back so that what it holds (the requests, parsed
/// and allocated by the submitting thread) is freed by that thread, which is cheaper for the
/// allocator than a free from another thread, on either side.
struct Done {
    result: Result<Vec<Reply>>,
    _job: Option<WriteJob>,
    /// For a batch run on the submitting thread under the write-ahead log: the log position
    /// its replies wait for (see [`Committer::submit_or_run`]).
    log: Option<u64>,
}

/// Where a job submitted with [`Committer::submit`] gets its answer.
pub(crate) struct WriteAnswer {
    answers: Receiver<Done>,
    /// The answer once [`WriteAnswer::is_ready`] has seen it.
    got: Option<Done>,
}

impl WriteAnswer {
    fn new(answers: Receiver<Done>) -> WriteAnswer {
        WriteAnswer { answers, got: None }
    }

    /// The job's replies, waiting for them if they have not come. The job is dropped here.
    pub(crate) fn wait(self) -> Result<Vec<Reply>> {
        match self.got {
            Some(done) => done.result,
            None => self.answers.recv().map_err(|_| gone())?.result,
        }
    }

    /// Whether the job's replies have come ([`WriteAnswer::wait`] then returns at once).
    #[cfg_attr(not(feature = "server"), allow(dead_code))]
    pub(crate) fn is_ready(&mut self) -> bool {
        if self.got.is_none() {
            self.got = match self.answers.try_recv() {
                Ok(done) => Some(done),
                Err(crossbeam_channel::TryRecvError::Empty) => None,
                Err(crossbeam_channel::TryRecvError::Disconnected) => Some(Done {
                    result: Err(gone()),
                    _job: None,
                    log: None,
                }),
            };
        }
        self.got.is_some()
    }

    /// Once answered: the write-ahead log position the replies must wait for before they go
    /// out, if the answer came before the log's sync (a batch run on the submitting thread).
    #[cfg_attr(not(feature = "server"), allow(dead_code))]
    pub(crate) fn log_position(&self) -> Option<u64> {
        self.got.as_ref().and_then(|done| done.log)
    }
}

/// Called by the commit thread once it has answered a batch holding a job submitted with it
/// (the server's event loop wakes up to take the answers).
pub(crate) type Wake = Arc<dyn Fn() + Send + Sync>;

fn gone() -> Error {
    Error::Io(std::io::Error::other("the commit thread has stopped"))
}

struct Pending {
    db: u8,
    job: WriteJob,
    done: Sender<Done>,
    wake: Option<Wake>,
}

/// The group-commit writer: one thread takes every write job waiting at the moment, runs them
/// all in one write transaction and commits once (one fsync under `Durability::Immediate`),
/// then answers each. While it commits, new jobs queue up for the next batch.
///
/// With `Durability::WriteAheadLog` the commit thread hands each committed batch to a second
/// thread, which waits for the log's sync and then answers: the next batch runs while the disk
/// syncs the last (one sync then covers all the batches logged before it). No reply goes out
/// before its write is on disk.
///
/// A command that fails may have written part of what it meant to before noticing; Redis's
/// commands are all or nothing. So when a job of a batch of several replies an error, the
/// batch is rolled back and each of its jobs runs again in a transaction of its own.
pub(crate) struct Committer {
    /// Jobs come in groups: those submitted together always share a batch (unless it is full).
    jobs: Option<Sender<Vec<Pending>>>,
    thread: Option<JoinHandle<()>>,
    /// The thread answering batches once their log is synced (`Durability::WriteAheadLog`);
    /// it stops when the commit thread drops its sender.
    syncer: Option<JoinHandle<()>>,
    /// The store, for batches run on the caller's thread (see [`Committer::submit_or_run`]).
    store: Store,
    /// Jobs given to the commit thread and not committed yet.
    queued: Arc<AtomicUsize>,
    /// To the syncer: the log positions of batches run on the caller's thread.
    logged: Option<Sender<Logged>>,
}

impl Committer {
    pub(crate) fn start(store: Store) -> Result<Committer> {
        let (jobs, queue) = crossbeam_channel::unbounded::<Vec<Pending>>();
        let (logged, syncer) = if store.uses_log() {
            let (logged, synced) = crossbeam_channel::unbounded::<Logged>();
            let sync_store = store.clone();
            let syncer = std::thread::Builder::new()
                .name("keyp-sync".to_owned())
                .spawn(move || sync_loop(&sync_store, &synced))?;
            (Some(logged), Some(syncer))
        } else {
            (None, None)
        };
        let thread_store = store.clone();
        let queued = Arc::new(AtomicUsize::new(0));
        let thread_queued = Arc::clone(&queued);
        let thread_logged = logged.clone();
        let thread = std::thread::Builder::new()
            .name("keyp-commit".to_owned())
            .spawn(move || {
                commit_loop(
                    &thread_store,
                    &queue,
                    thread_logged.as_ref(),
                    &thread_queued,
                )
            })?;
        Ok(Committer {
            jobs: Some(jobs),
            thread: Some(thread),
            syncer,
            queued,
            logged,
            store,
        })
    }

    /// As [`submit`](Self::submit) when each commit syncs (`Durability::Immediate`), or when
    /// the caller asks to `hand_off` (the server's event loop with more writes than a short
    /// commit's worth, or while the commit thread is busy): the caller goes on while the commit
    /// thread commits and syncs. Otherwise the jobs run as one batch on the calling thread and
    /// the answers are ready on return: a commit that does not sync is short, and handing it
    /// to the commit thread and back costs two thread switches. Under the write-ahead log such
    /// a batch commits without waiting for the log: the syncer syncs it, and each answer gives
    /// the log position its replies wait for ([`WriteAnswer::log_position`]).
    #[cfg_attr(not(feature = "server"), allow(dead_code))]
    pub(crate) fn submit_or_run(
        &self,
        jobs: Vec<(u8, WriteJob)>,
        wake: Option<Wake>,
        hand_off: bool,
    ) -> Vec<WriteAnswer> {
        let deferred = self.logged.is_some();
        if hand_off || (self.store.syncs_at_commit() && !deferred) {
            return self.submit(jobs, wake);
        }
        let (batch, answers) = pending(jobs, None);
        if !batch.is_empty() {
            let (results, lsn) = run_batch(&self.store, batch, deferred);
            answer(results, lsn);
            if let (Some(logged), Some(lsn)) = (&self.logged, lsn) {
                let sync = Logged {
                    lsn,
                    results: Vec::new(),
                    wakes: Vec::new(),
                };
                // A stopped syncer: the log is synced at the store's close.
                let _ = logged.send(sync);
            }
        }
        answers
    }

    /// Whether the commit thread has nothing to commit (every job given to it is committed).
    #[cfg_attr(not(feature = "server"), allow(dead_code))]
    pub(crate) fn idle(&self) -> bool {
        self.queued.load(Ordering::Acquire) == 0
    }

    /// Runs one job and waits for its replies.
    pub(crate) fn run(&self, db: u8, job: WriteJob) -> Result<Vec<Reply>> {
        let mut answers = self.submit(vec![(db, job)], None);
        answers.pop().ok_or_else(gone)?.wait()
    }

    /// Queues jobs (each with its database) to run in one batch, without waiting for them;
    /// `wake` is called once they are answered. When the commit thread has stopped, each answer
    /// is that error.
    pub(crate) fn submit(&self, jobs: Vec<(u8, WriteJob)>, wake: Option<Wake>) -> Vec<WriteAnswer> {
        let (group, answers) = pending(jobs, wake);
        self.queued.fetch_add(group.len(), Ordering::AcqRel);
        if let Some(queue) = &self.jobs {
            // If the thread has stopped, the jobs (and their senders) are dropped: each answer
            // is then `gone`.
            let _ = queue.send(group);
        }
        answers
    }
}

/// The jobs as [`Pending`] entries (each told to call `wake`), with where each is answered.
fn pending(jobs: Vec<(u8, WriteJob)>, wake: Option<Wake>) -> (Vec<Pending>, Vec<WriteAnswer>) {
    jobs.into_iter()
        .map(|(db, job)| {
            let (done, answer) = crossbeam_channel::bounded(1);
            let pending = Pending {
                db,
                job,
                done,
                wake: wake.clone(),
            };
            (pending, WriteAnswer::new(answer))
        })
        .unzip()
}

impl Drop for Committer {
    fn drop(&mut self) {
        drop(self.jobs.take());
        // The syncer stops once every sender is gone: the commit thread's and this one.
        drop(self.logged.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        if let Some(syncer) = self.syncer.take() {
            let _ = syncer.join();
        }
    }
}

/// Jobs' results, each with where it is answered and the job.
type Results = Vec<(Sender<Done>, Result<Vec<Reply>>, WriteJob)>;

/// A batch committed to the write-ahead log, answered once the log is synced up to `lsn`.
struct Logged {
    lsn: u64,
    results: Results,
    wakes: Vec<Wake>,
}

/// Answers each job; `log` is the log position the replies wait for, when that sync is not
/// done yet.
fn answer(results: Results, log: Option<u64>) {
    for (done, result, job) in results {
        let _ = done.send(Done {
            result,
            _job: Some(job),
            log,
        });
    }
}

/// The syncer (`Durability::WriteAheadLog`): answers each logged batch once the log is on disk
/// up to it.
fn sync_loop(store: &Store, logged: &Receiver<Logged>) {
    while let Ok(batch) = logged.recv() {
        finish_logged(store, batch);
    }
}

/// Waits for a logged batch's sync, then answers it (each job gets the error if the sync
/// failed) and wakes its event loops.
fn finish_logged(store: &Store, batch: Logged) {
    match store.core().wait_logged(batch.lsn) {
        Ok(()) => answer(batch.results, None),
        Err(e) => {
            let text = e.to_string();
            let failed = batch.results.into_iter().map(|(done, _, job)| {
                let error = Error::Io(std::io::Error::other(text.clone()));
                (done, Err(error), job)
            });
            answer(failed.collect(), None);
        }
    }
    for wake in batch.wakes {
        wake();
    }
}

fn commit_loop(
    store: &Store,
    queue: &Receiver<Vec<Pending>>,
    logged: Option<&Sender<Logged>>,
    queued: &AtomicUsize,
) {
    let mut waiting: std::collections::VecDeque<Pending> = std::collections::VecDeque::new();
    loop {
        if waiting.is_empty() {
            match queue.recv() {
                Ok(group) => waiting.extend(group),
                Err(_) => return,
            }
        }
        while waiting.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(group) => waiting.extend(group),
                Err(_) => break,
            }
        }
        let take = waiting.len().min(MAX_BATCH);
        let batch: Vec<Pending> = waiting.drain(..take).collect();
        if batch.is_empty() {
            continue;
        }
        let mut wakes: Vec<Wake> = Vec::new();
        for pending in &batch {
            if let Some(wake) = &pending.wake {
                if !wakes.iter().any(|w| Arc::ptr_eq(w, wake)) {
                    wakes.push(Arc::clone(wake));
                }
            }
        }
        let jobs = batch.len();
        let (results, lsn) = run_batch(store, batch, logged.is_some());
        queued.fetch_sub(jobs, Ordering::AcqRel);
        match (logged, lsn) {
            (Some(logged), Some(lsn)) => {
                let batch = Logged {
                    lsn,
                    results,
                    wakes,
                };
                if let Err(crossbeam_channel::SendError(batch)) = logged.send(batch) {
                    // The syncer has stopped: wait here.
                    finish_logged(store, batch);
                }
            }
            _ => {
                answer(results, None);
                for wake in wakes {
                    wake();
                }
            }
        }
    }
}

/// Runs a batch in one transaction (or each job alone, see [`Committer`]); returns each job's
/// result and, with `deferred`, the log position the answers must wait for (without it every
/// commit has waited for its sync).
fn run_batch(store: &Store, batch: Vec<Pending>, deferred: bool) -> (Results, Option<u64>) {
    if batch.len() == 1 {
        return run_alone(store, batch, deferred);
    }
    let outcome = write(store, deferred, |tx| {
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
        Ok((replies, lsn)) => {
            let results = batch
                .into_iter()
                .zip(replies)
                .map(|(pending, replies)| (pending.done, Ok(replies), pending.job))
                .collect();
            (results, lsn)
        }
        // A command failed (see above), or the store did: then each job alone gets the
        // store's error, or succeeds if it alone fits (a full map, say).
        Err(_) => run_alone(store, batch, deferred),
    }
}

/// Runs each job in a transaction of its own.
fn run_alone(store: &Store, batch: Vec<Pending>, deferred: bool) -> (Results, Option<u64>) {
    let mut last = None;
    let mut results = Vec::with_capacity(batch.len());
    for pending in batch {
        let result = write(store, deferred, |tx| {
            tx.select(u32::from(pending.db))?;
            (pending.job)(tx)
        });
        let result = result.map(|(replies, lsn)| {
            last = last.max(lsn);
            replies
        });
        results.push((pending.done, result, pending.job));
    }
    (results, last)
}

/// A write transaction; with `deferred`, one that does not wait for the log's sync and returns
/// its log position instead.
fn write<R>(
    store: &Store,
    deferred: bool,
    f: impl FnOnce(&mut WriteTxn<'_>) -> Result<R>,
) -> Result<(R, Option<u64>)> {
    if deferred {
        store.core().write_logged(store.db(), f)
    } else {
        store.transaction(f).map(|out| (out, None))
    }
}
