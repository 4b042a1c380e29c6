//! [`Store`], its options, and the background threads that keep it tidy: the expirer (deletes
//! keys whose deadline passed), the reclaimer (frees the elements of dropped collections) and,
//! with [`Durability::Periodic`], the syncer.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use crate::error::{Error, Result};
use crate::notify::{Notifier, Watch};
use crate::storage::{OpenParams, Storage};
use crate::txn::{Raw, ReadTxn, WriteTxn};

/// When commits reach the disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// Every commit is synced (fsync) before it returns: an acknowledged write survives an OS
    /// crash or power loss. The default. LMDB's durable commit: two syncs per commit (the
    /// pages written, scattered over the file, then the meta page); any number of processes
    /// may have the store open.
    Immediate,
    /// As [`Immediate`](Durability::Immediate), every commit is on disk before it returns,
    /// through a write-ahead log: one sequential append and one `fdatasync` of it per commit,
    /// with the data file synced in the background at checkpoints (every second at most, or
    /// once it has grown by 16 MiB). Much faster for small commits. The server uses it for
    /// `--appendfsync always`.
    ///
    /// A reader on another thread may see a commit as soon as it is logged, before the log's
    /// sync and so before the writer's call returns (the server holds such replies until the
    /// sync). The directory is then this process's alone: opening it while another process
    /// has it open fails with [`Error::InUse`], in this mode or any other. The data file may grow
    /// by what the writes between two checkpoints copy (freed pages wait for the next
    /// checkpoint). After a crash, the next open (in any mode) applies the log.
    WriteAheadLog,
    /// Commits return without syncing; a background thread syncs every interval. A process crash
    /// loses nothing; an OS crash loses at most the last interval.
    Periodic(Duration),
    /// Never sync explicitly; the OS writes pages back when it chooses. A process crash loses
    /// nothing.
    Off,
}

/// A source of the current time in Unix milliseconds. Expiry is decided against it.
///
/// The default is the system clock; tests can pass a [`ManualClock`].
pub trait Clock: Send + Sync + 'static {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
}

/// The system's wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0)
    }
}

/// A clock that moves only when told to, for deterministic tests of expiry.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use keyp::{ManualClock, StoreOptions, Ttl};
///
/// # fn main() -> keyp::Result<()> {
/// let dir = tempfile::tempdir()?;
/// let clock = Arc::new(ManualClock::new(1_000_000));
/// let store = StoreOptions::new().clock(clock.clone()).open(dir.path())?;
/// store.set_ex("session", "data", Duration::from_secs(10))?;
/// clock.advance(Duration::from_secs(10));
/// assert_eq!(store.ttl("session")?, Ttl::ExpiresIn(Duration::ZERO));
/// clock.advance(Duration::from_millis(1));
/// assert_eq!(store.get("session")?, None);
/// # Ok(()) }
/// ```
#[derive(Debug, Default)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    /// A clock reading `now_ms`.
    pub fn new(now_ms: u64) -> ManualClock {
        ManualClock(AtomicU64::new(now_ms))
    }

    /// Sets the reading.
    pub fn set(&self, now_ms: u64) {
        self.0.store(now_ms, Ordering::SeqCst);
    }

    /// Moves the reading forward.
    pub fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_millis() as u64, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// The default map size: 1 TiB on 64-bit targets. It only reserves address space; the file
/// grows with the data.
pub const DEFAULT_MAP_SIZE: usize = if cfg!(target_pointer_width = "64") {
    1 << 40
} else {
    1 << 30
};

/// How to open a [`Store`].
///
/// ```
/// use std::time::Duration;
/// use keyp::{Durability, StoreOptions};
///
/// # fn main() -> keyp::Result<()> {
/// let dir = tempfile::tempdir()?;
/// let store = StoreOptions::new()
///     .map_size(1 << 30)
///     .databases(4)
///     .durability(Durability::Periodic(Duration::from_secs(1)))
///     .open(dir.path())?;
/// store.set("k", "v")?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct StoreOptions {
    map_size: usize,
    databases: u32,
    durability: Durability,
    clock: Arc<dyn Clock>,
    max_readers: u32,
    expire_interval: Duration,
    write_map: bool,
    background_reclaim: bool,
    disk_limit: Option<u64>,
    auto_checkpoint: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions::new()
    }
}

impl std::fmt::Debug for StoreOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreOptions")
            .field("map_size", &self.map_size)
            .field("databases", &self.databases)
            .field("durability", &self.durability)
            .field("max_readers", &self.max_readers)
            .field("expire_interval", &self.expire_interval)
            .field("write_map", &self.write_map)
            .finish_non_exhaustive()
    }
}

impl StoreOptions {
    /// The defaults: [`DEFAULT_MAP_SIZE`], 16 databases, [`Durability::Immediate`], the system
    /// clock.
    pub fn new() -> StoreOptions {
        StoreOptions {
            map_size: DEFAULT_MAP_SIZE,
            databases: 16,
            durability: Durability::Immediate,
            clock: Arc::new(SystemClock),
            max_readers: 1024,
            expire_interval: Duration::from_millis(100),
            write_map: false,
            background_reclaim: true,
            disk_limit: None,
            auto_checkpoint: true,
        }
    }

    /// The most bytes the data may take. When it is used up, writes that would grow the data fail
    /// with [`Error::StoreFull`] while reads keep working, and deleting data (DEL, FLUSHDB,
    /// expiry) makes room again: LMDB's map is opened somewhat larger than this (a quarter more,
    /// at least 1 MiB) so that deletes, which need fresh pages too, find some.
    ///
    /// Space is counted in LMDB pages (4 KiB): deleting small values frees a page only once the
    /// values sharing it are gone, so after deleting scattered small keys fewer new ones may fit.
    /// A single transaction that deletes a large share of a full store at once (touching more
    /// pages than the headroom holds) can still fail; delete in smaller batches then.
    pub fn map_size(mut self, bytes: usize) -> StoreOptions {
        self.map_size = bytes;
        self
    }

    /// The number of logical databases, 1 to 256 (Redis's `databases`, default 16).
    pub fn databases(mut self, count: u32) -> StoreOptions {
        self.databases = count;
        self
    }

    /// When commits reach the disk; see [`Durability`].
    pub fn durability(mut self, durability: Durability) -> StoreOptions {
        self.durability = durability;
        self
    }

    /// The clock expiry is decided against.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> StoreOptions {
        self.clock = clock;
        self
    }

    /// The most concurrent read transactions (LMDB's reader table size), default 1024.
    pub fn max_readers(mut self, count: u32) -> StoreOptions {
        self.max_readers = count;
        self
    }

    /// How often the background expirer looks for keys past their deadline (default 100 ms).
    /// Expired keys are invisible from their deadline on whatever this is; it only decides how
    /// soon their space is freed.
    pub fn expire_interval(mut self, interval: Duration) -> StoreOptions {
        self.expire_interval = interval;
        self
    }

    /// Writes go straight into LMDB's memory map (`MDB_WRITEMAP`) instead of through `pwrite`:
    /// several times faster for write-heavy loads (see the README's benchmarks). Off by
    /// default because LMDB then sizes `data.mdb` to the whole map: a sparse file whose
    /// apparent size is [`map_size`](Self::map_size) plus headroom (1.25 TiB by default), which
    /// backup tools that do not preserve holes would copy in full. Pair it with a map size that
    /// fits the disk. Every process opening the directory should use the same setting.
    ///
    /// A full disk: a store into a page of the map with no disk block behind it would raise
    /// `SIGBUS` and kill the process, so (in either mode, on Linux) the store holds disk blocks
    /// at least 16 MiB past its data with `fallocate`, more while a transaction writes more,
    /// and a write the disk has no room for gets [`Error::DiskFull`] instead. One
    /// transaction that grows the data much beyond what its key and value bytes suggest can
    /// still outrun that estimate.
    pub fn write_map(mut self, on: bool) -> StoreOptions {
        self.write_map = on;
        self
    }

    /// Whether the background reclaimer runs (default true). With false, the elements of
    /// deleted collections stay queued until the store is opened with it on again, or
    /// [`Store::reclaim_step`] frees them, and rank indexes that reads ask for are built only
    /// by [`Store::zset_index_ranks`]. For tests; not part of the stable API.
    #[doc(hidden)]
    pub fn background_reclaim(mut self, on: bool) -> StoreOptions {
        self.background_reclaim = on;
        self
    }

    /// Makes the store behave as if its data file sat on a disk of `bytes`: past that, holding
    /// disk blocks ahead of the data fails as on a full disk, and writes get
    /// [`Error::DiskFull`]. For tests of a full disk; not part of the stable API.
    #[doc(hidden)]
    pub fn disk_limit(mut self, bytes: u64) -> StoreOptions {
        self.disk_limit = Some(bytes);
        self
    }

    /// With `false`, [`Durability::WriteAheadLog`] takes checkpoints of the write-ahead log only
    /// on [`Store::sync`] and when the store opens or closes, never in the background: for
    /// tests that build a crash's disk from a known checkpoint; not part of the stable API.
    #[doc(hidden)]
    pub fn auto_checkpoint(mut self, on: bool) -> StoreOptions {
        self.auto_checkpoint = on;
        self
    }

    /// Opens (creating if needed) the store in directory `path`.
    ///
    /// # Errors
    /// [`Error::IncompatibleFormat`] for a directory written by a keyp with another on-disk
    /// format; [`Error::Io`] and [`Error::Lmdb`] when the directory cannot be opened;
    /// [`Error::Syntax`] for a database count outside 1..=256.
    pub fn open(self, path: impl AsRef<Path>) -> Result<Store> {
        if !(1..=256).contains(&self.databases) {
            return Err(Error::Syntax);
        }
        std::fs::create_dir_all(path.as_ref())?;
        let open_guard = OpenGuard::claim(path.as_ref())?;
        let storage = Storage::open(
            path.as_ref(),
            &OpenParams {
                map_size: self.map_size,
                sync_at_commit: matches!(
                    self.durability,
                    Durability::Immediate | Durability::WriteAheadLog
                ),
                wal: self.durability == Durability::WriteAheadLog,
                max_readers: self.max_readers,
                write_map: self.write_map,
                disk_limit: self.disk_limit,
            },
        )?;
        let (reclaim_wake, reclaim_signal) = crossbeam_channel::bounded(1);
        let core = Arc::new(Core {
            read_pool: ReadPool::default(),
            storage,
            databases: self.databases,
            clock: Arc::clone(&self.clock),
            notify: Arc::new(Notifier::default()),
            reclaim_wake,
            rank_requests: parking_lot::Mutex::new(Vec::new()),
            _open_guard: open_guard,
        });
        let background = Background::start(&core, &self, reclaim_signal)?;
        Ok(Store {
            inner: Arc::new(StoreInner { core, background }),
            db: 0,
        })
    }
}

/// State shared by every clone of a store and its background threads.
pub(crate) struct Core {
    // Declared (so dropped) before `storage`: pooled transactions must end before the
    // environment closes.
    read_pool: ReadPool,
    pub(crate) storage: Storage,
    pub(crate) databases: u32,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) notify: Arc<Notifier>,
    reclaim_wake: Sender<()>,
    /// Sorted sets (database, key) whose reads asked for a rank index, for the background
    /// thread (see `types::zset::rank`).
    rank_requests: parking_lot::Mutex<Vec<(u8, Vec<u8>)>>,
    // Declared last, so released only after the environment has closed.
    _open_guard: OpenGuard,
}

/// The directories open in this process.
static OPEN_DIRS: parking_lot::Mutex<Vec<std::path::PathBuf>> = parking_lot::Mutex::new(Vec::new());

/// This process's claim on a data directory, released on drop.
struct OpenGuard(std::path::PathBuf);

impl OpenGuard {
    fn claim(path: &Path) -> Result<OpenGuard> {
        let path = std::fs::canonicalize(path)?;
        let mut open = OPEN_DIRS.lock();
        if open.contains(&path) {
            return Err(Error::AlreadyOpen(path.display().to_string()));
        }
        open.push(path.clone());
        Ok(OpenGuard(path))
    }
}

impl Drop for OpenGuard {
    fn drop(&mut self) {
        OPEN_DIRS.lock().retain(|p| p != &self.0);
    }
}

impl Core {
    pub(crate) fn now_ms(&self) -> u64 {
        self.clock.now_ms()
    }

    /// The data directory (canonical path).
    pub(crate) fn dir(&self) -> &Path {
        &self._open_guard.0
    }

    /// Validates a logical database index.
    pub(crate) fn check_db(&self, db: u32) -> Result<u8> {
        if db < self.databases {
            Ok(db as u8)
        } else {
            Err(Error::DbIndexOutOfRange)
        }
    }

    pub(crate) fn read<R>(&self, db: u8, f: impl FnOnce(&ReadTxn<'_>) -> Result<R>) -> Result<R> {
        let raw = match self.read_pool.take_current(|| self.storage.last_txnid()) {
            Some(current) => current,
            None => match self.read_pool.take() {
                Some(inactive) => inactive.renew(),
                None => self.storage.env.begin_ro_txn(),
            }
            .map_err(|e| self.storage.lmdb_err(e))?,
        };
        let txn = ReadTxn::new(self, Raw::Ro(raw), db);
        let out = f(&txn);
        if let Raw::Ro(raw) = txn.raw {
            self.read_pool.keep_current(raw);
        }
        out
    }

    pub(crate) fn write<R>(
        &self,
        db: u8,
        f: impl FnOnce(&mut WriteTxn<'_>) -> Result<R>,
    ) -> Result<R> {
        let (out, lsn) = self.write_logged(db, f)?;
        if let Some(lsn) = lsn {
            self.wait_logged(lsn)?;
        }
        Ok(out)
    }

    /// As [`Core::write`], but with the write-ahead log the commit does not wait for the
    /// log's sync: it returns the commit's log position (`None` without the log) for
    /// [`Core::wait_logged`], so the caller can go on while the disk works.
    pub(crate) fn write_logged<R>(
        &self,
        db: u8,
        f: impl FnOnce(&mut WriteTxn<'_>) -> Result<R>,
    ) -> Result<(R, Option<u64>)> {
        // A second write transaction on a thread that holds one would wait for itself forever.
        let _nested = NestedWriteGuard::enter()?;
        // Taken before LMDB's writer lock, released once the watch counters count this commit.
        let gate = self.notify.write_gate();
        if let Some(wal) = &self.storage.wal {
            wal.check()?;
        }
        let raw = self
            .storage
            .env
            .begin_rw_txn()
            .map_err(|e| self.storage.lmdb_err(e))?;
        // On a full disk, dropping `raw` aborts the transaction before it wrote anything.
        let reserved = self.storage.reserve_for_txn()?;
        let mut txn = WriteTxn::new(self, raw, db, reserved);
        let out = f(&mut txn)?;
        let touched = std::mem::take(&mut txn.touched);
        let woken = std::mem::take(&mut txn.woken);
        let touched_dbs = std::mem::take(&mut txn.touched_dbs);
        let swap_unchanged = std::mem::take(&mut txn.swap_unchanged);
        let flushed_dbs = std::mem::take(&mut txn.flushed_dbs);
        let reclaim = txn.reclaim_queued;
        let record = txn.log_record();
        let mut logged = None;
        if let Some(raw) = txn.into_raw() {
            // Dropping `raw` on these errors aborts the transaction.
            self.storage.check_growth(&raw)?;
            // Logged before the commit (and under the gate, so in commit order): a reader
            // that sees the commit finds its record within the log's end (`Store::log_end`).
            // A failed append leaves the log refusing writes until a checkpoint.
            if let (Some(wal), Some(record)) = (&self.storage.wal, &record) {
                logged = Some(wal.append(record)?);
            }
            if let Err(e) = lmdb::Transaction::commit(raw) {
                if let Some(wal) = &self.storage.wal {
                    // The record must not outlive the transaction that failed.
                    wal.cancel_last();
                }
                return Err(self.storage.lmdb_err(e));
            }
            // The kept read snapshot is no longer the latest: not worth pinning.
            self.read_pool.end_current();
        }
        // A transaction that wrote nothing waits all the same for what it may have read to be
        // on disk: the log's end so far.
        if let (Some(wal), None) = (&self.storage.wal, logged) {
            logged = Some(wal.appended());
        }
        self.notify
            .count_changes(&touched, &touched_dbs, &swap_unchanged, &flushed_dbs);
        drop(gate);
        self.notify.wake_blocked(&touched, &touched_dbs);
        if !woken.is_empty() {
            self.notify.wake_blocked(&woken, &[]);
        }
        if reclaim {
            // A full channel means the reclaimer is already due to run.
            let _ = self.reclaim_wake.try_send(());
        }
        Ok((out, logged))
    }

    /// Asks the background thread to give sorted set `key` of database `db` a rank index
    /// (see `types::zset::rank`); a request already waiting is not repeated, and past
    /// [`RANK_REQUESTS`] waiting the ask is dropped (the next read that walks asks again).
    pub(crate) fn want_ranks(&self, db: u8, key: &[u8]) {
        {
            let mut requests = self.rank_requests.lock();
            if requests.len() >= RANK_REQUESTS
                || requests
                    .iter()
                    .any(|(d, k)| *d == db && k.as_slice() == key)
            {
                return;
            }
            requests.push((db, key.to_vec()));
        }
        let _ = self.reclaim_wake.try_send(());
    }

    /// The rank index requests waiting (see [`Core::want_ranks`]).
    #[cfg(test)]
    pub(crate) fn rank_requests(&self) -> Vec<(u8, Vec<u8>)> {
        self.rank_requests.lock().clone()
    }

    /// Builds the rank indexes reads have asked for, one write transaction each. One that
    /// fails (a full store, say) is dropped: a read that walks asks again.
    fn build_wanted_ranks(&self) {
        loop {
            let Some((db, key)) = self.rank_requests.lock().pop() else {
                return;
            };
            let _ = self.write(db, |tx| tx.zset_build_ranks(&key));
        }
    }

    /// Waits until the write-ahead log is on disk up to position `lsn` (from
    /// [`Core::write_logged`]).
    pub(crate) fn wait_logged(&self, lsn: u64) -> Result<()> {
        match &self.storage.wal {
            Some(wal) => wal.sync_to(lsn),
            None => Ok(()),
        }
    }

    /// Makes the data file durable up to the last commit (a checkpoint with the write-ahead
    /// log).
    pub(crate) fn checkpoint(&self) -> Result<()> {
        if IN_WRITE.with(std::cell::Cell::get) {
            // The gate is this thread's own: waiting for it would never end.
            return Err(Error::Io(std::io::Error::other(
                "cannot sync inside a write transaction",
            )));
        }
        self.storage.checkpoint(|| self.notify.write_gate())
    }
}

thread_local! {
    /// Whether this thread is inside a write transaction.
    static IN_WRITE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Marks the thread as writing; refuses a nested write transaction (which would deadlock)
/// with an error instead.
struct NestedWriteGuard;

impl NestedWriteGuard {
    fn enter() -> Result<NestedWriteGuard> {
        if IN_WRITE.with(|w| w.replace(true)) {
            return Err(Error::Io(std::io::Error::other(
                "a write transaction is already open on this thread",
            )));
        }
        Ok(NestedWriteGuard)
    }
}

impl Drop for NestedWriteGuard {
    fn drop(&mut self) {
        IN_WRITE.with(|w| w.set(false));
    }
}

/// Read transactions kept for reuse: `mdb_txn_reset` + `mdb_txn_renew` keep the transaction's
/// memory and its slot in LMDB's reader table, where beginning a new one allocates and takes
/// the reader-table lock.
///
/// The last one used is kept active: a read that finds no commit (by any process) after its
/// snapshot reads that snapshot as it is, without a renew (which would also make LMDB look
/// each named database up again at its first use). Each commit of this process ends it
/// ([`ReadPool::end_current`]), as does the expirer's every tick, so it does not hold back
/// LMDB's reuse of freed pages.
#[derive(Default)]
struct ReadPool {
    idle: parking_lot::Mutex<Vec<PooledTxn>>,
    current: parking_lot::Mutex<Option<ActiveTxn>>,
}

/// An idle read transaction of the store's environment.
struct PooledTxn(lmdb::InactiveTransaction<'static>);

/// An active read transaction of the store's environment, kept between reads.
struct ActiveTxn(lmdb::RoTransaction<'static>);

// SAFETY: the environment is opened with MDB_NOTLS, so LMDB lets a read transaction be used
// from any thread, one thread at a time; the pool hands each out to one caller at a time.
unsafe impl Send for PooledTxn {}
// SAFETY: as for `PooledTxn`.
unsafe impl Send for ActiveTxn {}

/// More idle transactions than this are not worth their reader slots.
const READ_POOL_MAX: usize = 64;

impl ReadPool {
    /// The kept active transaction if its snapshot is that of the last committed transaction
    /// (`latest` says which, asked only when one is kept); a stale one is reset into the idle
    /// pool.
    fn take_current(&self, latest: impl FnOnce() -> usize) -> Option<lmdb::RoTransaction<'static>> {
        let ActiveTxn(txn) = self.current.lock().take()?;
        // SAFETY: `txn` is an active read transaction owned here.
        if unsafe { lmdb_sys::mdb_txn_id(lmdb::Transaction::txn(&txn)) } == latest() {
            return Some(txn);
        }
        self.give_back(txn.reset());
        None
    }

    /// Keeps `txn` active for the next read (or, if another is kept already, resets it into
    /// the idle pool).
    fn keep_current(&self, txn: lmdb::RoTransaction<'_>) {
        // SAFETY: as in `give_back`.
        let txn: lmdb::RoTransaction<'static> = unsafe { std::mem::transmute(txn) };
        let mut current = self.current.lock();
        if current.is_none() {
            *current = Some(ActiveTxn(txn));
            return;
        }
        drop(current);
        self.give_back(txn.reset());
    }

    /// Resets the kept transaction, if any, into the idle pool.
    fn end_current(&self) {
        let taken = self.current.lock().take();
        if let Some(ActiveTxn(txn)) = taken {
            self.give_back(txn.reset());
        }
    }

    fn take(&self) -> Option<lmdb::InactiveTransaction<'static>> {
        self.idle.lock().pop().map(|pooled| pooled.0)
    }

    fn give_back(&self, txn: lmdb::InactiveTransaction<'_>) {
        // SAFETY: the transaction belongs to the environment of the `Core` that owns this pool,
        // and `Core` drops the pool before its `Storage`, so no pooled transaction outlives the
        // environment whatever lifetime its type claims.
        let txn: lmdb::InactiveTransaction<'static> = unsafe { std::mem::transmute(txn) };
        let mut idle = self.idle.lock();
        if idle.len() < READ_POOL_MAX {
            idle.push(PooledTxn(txn));
        }
    }
}
/// The most rank index requests waiting for the background thread (see [`Core::want_ranks`]).
const RANK_REQUESTS: usize = 256;
/// How often the checkpointer looks whether a checkpoint is due (see `storage::wal`).
const CHECKPOINT_POLL: Duration = Duration::from_millis(20);
/// How many elements the reclaimer frees per write transaction: bounds how long it holds the
/// write lock at a time.
const RECLAIM_BATCH: usize = 1_000;
/// How long the reclaimer waits after a commit wakes it.
const RECLAIM_DELAY: Duration = Duration::from_millis(2);
/// How long the reclaimer pauses between batches, leaving the write lock to other writers.
const RECLAIM_PAUSE: Duration = Duration::from_micros(200);

/// The background threads; stopping and joining them when the last store handle drops.
struct Background {
    shutdown: Option<Sender<()>>,
    threads: Vec<JoinHandle<()>>,
}

impl Background {
    fn start(
        core: &Arc<Core>,
        options: &StoreOptions,
        reclaim: Receiver<()>,
    ) -> Result<Background> {
        let (shutdown, stop) = crossbeam_channel::bounded::<()>(0);
        let mut background = Background {
            shutdown: Some(shutdown),
            threads: Vec::new(),
        };
        let interval = options.expire_interval;
        background.spawn("keyp-expirer", core, &stop, move |core, stop| {
            while let Err(RecvTimeoutError::Timeout) = stop.recv_timeout(interval) {
                // Errors (a full map, say) are retried next tick; reads never see expired keys
                // whatever the expirer manages.
                while let Ok(n) = crate::ttl::expire_batch(core, 1000) {
                    if n < 1000 {
                        break;
                    }
                }
                // The read snapshot kept by the last read, the expirer's own included: only
                // this process's commits end it otherwise, and an idle store should hold none.
                core.read_pool.end_current();
            }
        })?;
        if options.background_reclaim {
            // Frees the elements of deleted collections, and builds the rank indexes reads
            // ask for.
            background.spawn("keyp-reclaim", core, &stop, move |core, stop| loop {
                // Between batches: a pause, so that writers waiting for the write lock get it
                // (LMDB's writer mutex is not fair: a thread that releases and at once retakes
                // it starves the waiters for the whole reclaim), and a check for shutdown, so
                // that dropping a store does not wait until a big collection is freed (the
                // queue is on disk; the next open carries on).
                while let Ok(true) = crate::keyspace::reclaim_batch(core, RECLAIM_BATCH) {
                    if let Err(RecvTimeoutError::Disconnected) = stop.recv_timeout(RECLAIM_PAUSE) {
                        return;
                    }
                }
                core.build_wanted_ranks();
                crossbeam_channel::select! {
                    recv(stop) -> _ => return,
                    recv(reclaim) -> _ => {
                        // Woken by a commit: let the committing thread return before taking
                        // CPU and the write lock from it (on a busy machine a woken thread can
                        // preempt its waker for a whole batch).
                        if let Err(RecvTimeoutError::Disconnected) =
                            stop.recv_timeout(RECLAIM_DELAY)
                        {
                            return;
                        }
                    }
                    default(Duration::from_secs(1)) => {}
                }
            })?;
        }
        if core.storage.wal.is_some() {
            let auto = options.auto_checkpoint;
            background.spawn("keyp-checkpoint", core, &stop, move |core, stop| {
                while let Err(RecvTimeoutError::Timeout) = stop.recv_timeout(CHECKPOINT_POLL) {
                    if auto && core.storage.checkpoint_due() {
                        // A failure is retried at the next poll (the log refuses writes
                        // meanwhile if it is the log that failed).
                        let _ = core.checkpoint();
                    }
                }
            })?;
        }
        if let Durability::Periodic(every) = options.durability {
            background.spawn("keyp-sync", core, &stop, move |core, stop| {
                while let Err(RecvTimeoutError::Timeout) = stop.recv_timeout(every) {
                    let _ = core.storage.env.sync(true);
                }
                let _ = core.storage.env.sync(true);
            })?;
        }
        Ok(background)
    }

    fn spawn(
        &mut self,
        name: &str,
        core: &Arc<Core>,
        stop: &Receiver<()>,
        body: impl FnOnce(&Core, &Receiver<()>) + Send + 'static,
    ) -> Result<()> {
        let core = Arc::clone(core);
        let stop = stop.clone();
        let handle = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || body(&core, &stop))?;
        self.threads.push(handle);
        Ok(())
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        drop(self.shutdown.take());
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

struct StoreInner {
    core: Arc<Core>,
    // Dropped after `core`'s last user handle goes: joins the threads, which hold their own
    // `Arc<Core>`, so the environment closes only once they have stopped.
    #[allow(dead_code)]
    background: Background,
}

/// An open keyp store: the Redis data model over one LMDB directory.
///
/// `Store` is cheap to clone (clones share everything) and is `Send + Sync`: any number of
/// threads may read and write at once. Readers never block writers; writers take turns. Each
/// method is one transaction; [`Store::transaction`] groups many operations into one.
///
/// A handle acts on one logical database (0 unless [`Store::select`]ed), like a Redis
/// connection.
///
/// ```
/// # fn main() -> keyp::Result<()> {
/// let dir = tempfile::tempdir()?;
/// let store = keyp::Store::open(dir.path())?;
/// store.set("greeting", "hello")?;
/// assert_eq!(store.get("greeting")?.as_deref(), Some(&b"hello"[..]));
/// assert_eq!(store.incr("visits")?, 1);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Store {
    inner: Arc<StoreInner>,
    db: u8,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("db", &self.db)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the store in directory `path` with the default
    /// [`StoreOptions`].
    ///
    /// # Errors
    /// As [`StoreOptions::open`].
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        StoreOptions::new().open(path)
    }

    /// A handle on logical database `db` sharing this store.
    ///
    /// # Errors
    /// [`Error::DbIndexOutOfRange`] when `db` is not below the number of databases.
    pub fn select(&self, db: u32) -> Result<Store> {
        Ok(Store {
            inner: Arc::clone(&self.inner),
            db: self.core().check_db(db)?,
        })
    }

    /// The logical database this handle acts on.
    pub fn db(&self) -> u8 {
        self.db
    }

    /// The number of logical databases.
    pub fn databases(&self) -> u32 {
        self.core().databases
    }

    /// The configured map size ([`StoreOptions::map_size`]), in bytes: the limit on the data.
    pub fn map_size(&self) -> usize {
        self.core().storage.map_size
    }

    pub(crate) fn core(&self) -> &Core {
        &self.inner.core
    }

    /// Whether each commit waits for the disk ([`Durability::Immediate`]).
    pub(crate) fn syncs_at_commit(&self) -> bool {
        self.inner.core.storage.sync_at_commit
    }

    /// With the write-ahead log, its end: taken after a read, the log holds the record of every
    /// commit the read may have seen (records are appended before their commit), so waiting for
    /// [`Store::log_synced`] to reach it before showing what was read shows nothing a power
    /// loss could undo. `None` without the log.
    #[cfg_attr(not(feature = "server"), allow(dead_code))]
    pub(crate) fn log_end(&self) -> Option<u64> {
        self.inner
            .core
            .storage
            .wal
            .as_ref()
            .map(|wal| wal.appended())
    }

    /// The write-ahead log's position known to be on disk (0 without the log). While the log
    /// is broken (an append or sync failed) nothing is held back for it: `u64::MAX`, so reads
    /// are answered as Redis answers them when its AOF cannot be written.
    #[cfg_attr(not(feature = "server"), allow(dead_code))]
    pub(crate) fn log_synced(&self) -> u64 {
        match &self.inner.core.storage.wal {
            Some(wal) if wal.is_broken() => u64::MAX,
            Some(wal) => wal.synced(),
            None => 0,
        }
    }

    /// Waits until the write-ahead log is on disk up to `lsn` (see [`Store::log_end`]).
    #[cfg_attr(not(feature = "server"), allow(dead_code))]
    pub(crate) fn wait_logged(&self, lsn: u64) -> Result<()> {
        self.inner.core.wait_logged(lsn)
    }

    /// Waits until everything logged so far is on disk (at once without the log): before a
    /// reply shows what a read saw (see [`Store::log_end`]). A failed sync is not an error
    /// here: the reply goes out all the same, as Redis's do when its AOF cannot be written.
    #[cfg_attr(not(feature = "server"), allow(dead_code))]
    pub(crate) fn wait_for_log_end(&self) {
        if let Some(lsn) = self.log_end() {
            let _ = self.wait_logged(lsn);
        }
    }

    /// Calls `listener` after each sync of the write-ahead log (never without the log).
    #[cfg_attr(not(feature = "server"), allow(dead_code))]
    pub(crate) fn on_log_sync(&self, listener: crate::storage::wal::SyncListener) {
        if let Some(wal) = &self.inner.core.storage.wal {
            wal.on_sync(listener);
        }
    }

    /// For tests of what waits for the write-ahead log: while `hold` is set, the log is not
    /// synced (checkpoints, which sync it too, are not held: open the store without
    /// [`StoreOptions::auto_checkpoint`]), so every commit and reply waiting for it waits.
    /// Nothing without the log. Not part of the stable API.
    #[doc(hidden)]
    pub fn hold_log_syncs(&self, hold: bool) {
        if let Some(wal) = &self.inner.core.storage.wal {
            wal.hold_syncs(hold);
        }
    }

    /// Whether commits go through the write-ahead log ([`Durability::WriteAheadLog`]).
    #[cfg_attr(not(feature = "resp"), allow(dead_code))]
    pub(crate) fn uses_log(&self) -> bool {
        self.inner.core.storage.wal.is_some()
    }

    /// Runs `f` on one consistent snapshot: everything it reads is as of one instant, whatever
    /// writers do meanwhile.
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// store.mset(&[("a", "1"), ("b", "2")])?;
    /// let (a, b) = store.read(|r| Ok((r.get("a")?, r.get("b")?)))?;
    /// assert_eq!((a.as_deref(), b.as_deref()), (Some(&b"1"[..]), Some(&b"2"[..])));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Whatever `f` returns, and [`Error::Lmdb`] if no snapshot can be had.
    pub fn read<R>(&self, f: impl FnOnce(&ReadTxn<'_>) -> Result<R>) -> Result<R> {
        self.core().read(self.db, f)
    }

    /// Runs `f` in one write transaction: all of its writes become visible together when it
    /// returns `Ok`, and none of them happen if it returns `Err` (or panics).
    ///
    /// Do not open another write transaction from inside `f`: LMDB has one writer at a time,
    /// so that would wait for itself; it fails with [`Error::Io`] instead.
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// store.set("balance:alice", "100")?;
    /// store.transaction(|tx| {
    ///     tx.decr_by("balance:alice", 30)?;
    ///     tx.incr_by("balance:bob", 30)?;
    ///     Ok(())
    /// })?;
    /// let failed: keyp::Result<()> = store.transaction(|tx| {
    ///     tx.decr_by("balance:alice", 30)?;
    ///     Err(keyp::Error::Syntax) // rolls the decrement back
    /// });
    /// assert!(failed.is_err());
    /// assert_eq!(store.get("balance:alice")?.as_deref(), Some(&b"70"[..]));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Whatever `f` returns; [`Error::StoreFull`] when the map is used up.
    pub fn transaction<R>(&self, f: impl FnOnce(&mut WriteTxn<'_>) -> Result<R>) -> Result<R> {
        self.core().write(self.db, f)
    }

    /// Starts watching `keys` of this handle's database: the returned [`Watch`] reports whether
    /// any was written since, or reached its deadline. The building block of Redis's WATCH.
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// let watch = store.watch(&["stock"]);
    /// assert!(!watch.changed());
    /// store.set("stock", "0")?;
    /// assert!(watch.changed());
    /// # Ok(()) }
    /// ```
    pub fn watch(&self, keys: &[impl AsRef<[u8]>]) -> Watch {
        let mut watch = Watch::new(Arc::clone(&self.inner.core));
        for key in keys {
            watch.add(self.db, key.as_ref());
        }
        // Read after registering, so a write in between shows as a change. Should the read
        // fail, only reaching a deadline goes unnoticed; writes are still seen.
        let states = self.read(|r| {
            keys.iter()
                .map(|key| match r.expire_time(key)? {
                    crate::ExpireTime::AtMs(ms) => Ok((true, ms)),
                    crate::ExpireTime::Persistent => Ok((true, 0)),
                    crate::ExpireTime::Missing => Ok((false, 0)),
                })
                .collect::<Result<Vec<(bool, u64)>>>()
        });
        if let Ok(states) = states {
            watch.set_initial_state(&states);
        }
        watch
    }

    /// Writes a consistent copy of the whole store (every logical database, as of one
    /// snapshot) into directory `path`, creating it; writers carry on meanwhile. The copy is a
    /// data directory [`Store::open`] can open. This is what the server's SAVE does.
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path().join("data"))?;
    /// store.set("k", "v")?;
    /// store.backup(dir.path().join("copy"))?;
    /// let copy = keyp::Store::open(dir.path().join("copy"))?;
    /// assert_eq!(copy.get("k")?.as_deref(), Some(&b"v"[..]));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Io`] if the directory cannot be created or already holds a data file;
    /// [`Error::Lmdb`] if the copy fails.
    pub fn backup(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        std::fs::create_dir_all(path)?;
        if path.join("data.mdb").exists() {
            return Err(Error::Io(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!("{} already holds a data file", path.display()),
            )));
        }
        let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes())
            .map_err(|_| Error::Io(std::io::Error::other("path contains a NUL byte")))?;
        let core = self.core();
        // SAFETY: the environment pointer is valid while `core` (borrowed from `self`) lives,
        // and `c_path` is a NUL-terminated string that outlives the call; mdb_env_copy only
        // reads the environment through a read transaction of its own.
        let code = unsafe { lmdb_sys::mdb_env_copy(core.storage.env.env(), c_path.as_ptr()) };
        if code != 0 {
            return Err(core.storage.lmdb_err(lmdb::Error::from_err_code(code)));
        }
        Ok(())
    }

    /// Forces everything committed so far to disk (useful with [`Durability::Periodic`] or
    /// [`Durability::Off`]).
    ///
    /// # Errors
    /// [`Error::Lmdb`] if the sync fails.
    pub fn sync(&self) -> Result<()> {
        self.core().checkpoint()
    }
}

/// Generates `Store` methods that run one [`ReadTxn`] or [`WriteTxn`] operation in a
/// transaction of its own, with the operation's documentation.
macro_rules! store_ops {
    ($(
        $(#[$doc:meta])*
        $kind:ident fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty;
    )*) => {
        impl $crate::Store {
            $(
                $(#[$doc])*
                pub fn $name(&self, $($arg: $ty),*) -> $crate::Result<$ret> {
                    store_ops!(@$kind self, $name, $($arg),*)
                }
            )*
        }
    };
    (@read $self:ident, $name:ident, $($arg:ident),*) => {
        $self.read(|txn| txn.$name($($arg),*))
    };
    (@write $self:ident, $name:ident, $($arg:ident),*) => {
        $self.transaction(|txn| txn.$name($($arg),*))
    };
}
pub(crate) use store_ops;

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(store: &Store) -> bool {
        store.core().read_pool.current.lock().is_some()
    }

    #[test]
    fn a_kept_read_snapshot_ends_at_a_commit_and_when_the_store_idles() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let hour = Duration::from_secs(3600);
        let store = StoreOptions::new().expire_interval(hour).open(dir.path())?;
        store.set("k", "1")?;
        assert_eq!(store.get("k")?.as_deref(), Some(&b"1"[..]));
        assert!(kept(&store));
        // Read again from the kept snapshot, then a commit ends it and the next read sees it.
        assert_eq!(store.get("k")?.as_deref(), Some(&b"1"[..]));
        store.set("k", "2")?;
        assert!(!kept(&store));
        assert_eq!(store.get("k")?.as_deref(), Some(&b"2"[..]));
        drop(store);
        // The expirer's tick ends it (after its own reads), so an idle store pins nothing.
        let store = StoreOptions::new()
            .expire_interval(Duration::from_millis(5))
            .open(dir.path())?;
        assert_eq!(store.get("k")?.as_deref(), Some(&b"2"[..]));
        std::thread::sleep(Duration::from_millis(50));
        // Sampled while the expirer ticks: kept only for an instant at each tick.
        let mut seen = 0;
        for _ in 0..200 {
            seen += usize::from(kept(&store));
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(seen < 100, "a snapshot kept in {seen} of 200 samples");
        Ok(())
    }
}
