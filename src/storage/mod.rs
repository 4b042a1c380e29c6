//! The LMDB environment and its named databases. Private: everything above this layer speaks in
//! user keys and typed values; everything in here speaks in bytes.

pub(crate) mod codec;
mod compare;
pub(crate) mod element;
pub(crate) mod hash;
pub(crate) mod meta;
pub(crate) mod reserve;
pub(crate) mod wal;

use std::path::Path;

use wal::Wal;

use lmdb::{Database, DatabaseFlags, Environment, EnvironmentFlags, Transaction, WriteFlags};

use crate::error::{Error, Result};

/// The on-disk format this build reads and writes. Bump it with any change to a stored layout.
pub(crate) const FORMAT_VERSION: u32 = 1;

const FORMAT_KEY: &[u8] = b"format_version";
pub(crate) const NEXT_KEY_ID: &[u8] = b"next_key_id";

/// The environment and handles of its named databases.
pub(crate) struct Storage {
    /// The write-ahead log (`Durability::WriteAheadLog`). Declared (so dropped) before `env`: it
    /// holds read transactions of the environment.
    pub(crate) wal: Option<Wal>,
    pub(crate) env: Environment,
    /// `db:u8 + hash:u64 + key` → metadata record.
    pub(crate) keys: Database,
    /// `key_id:u64 + kind:u8 + element` → element value.
    pub(crate) elements: Database,
    /// `expire_at_ms:u64 + encoded key` → empty.
    pub(crate) expiry: Database,
    /// name → value: format version, key id counter.
    pub(crate) system: Database,
    /// `key_id:u64` → type and count of an unlinked collection whose elements remain.
    pub(crate) reclaim: Database,
    /// The configured map size: the limit on live data that growing writes respect.
    pub(crate) map_size: usize,
    /// `map_size` in pages.
    limit_pages: u64,
    /// Whether each commit waits for the disk (`Durability::Immediate` and `WriteAheadLog`).
    pub(crate) sync_at_commit: bool,
    /// LMDB's page size, in bytes.
    page_size: u64,
    /// Disk blocks held ahead of the last page (see [`reserve`]).
    reserve: reserve::Reserve,
    /// This process's lock on the directory against others. Declared last: released once the
    /// environment has closed.
    lock: DirLock,
}

impl Drop for Storage {
    fn drop(&mut self) {
        if let Some(wal) = &self.wal {
            // Closing: a last checkpoint holds everything, so the log is not needed and the
            // directory is a plain LMDB environment again (which tools may then change without
            // a stale checkpoint undoing it at the next open).
            if self.checkpoint(|| ()).is_ok() {
                let _ = wal.close();
            }
        }
    }
}

/// A process's `flock` on the directory's `keyp.lock`: shared by the processes that open it
/// without the write-ahead log, exclusive for the one that uses it (or applies one after a
/// crash), which restores meta pages and so must have the data file alone.
struct DirLock(std::fs::File);

impl DirLock {
    fn take(dir: &Path, exclusive: bool) -> Result<DirLock> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(dir.join("keyp.lock"))?;
        let lock = DirLock(file);
        let mode = if exclusive {
            libc::LOCK_EX
        } else {
            libc::LOCK_SH
        };
        match lock.flock(mode) {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                Err(Error::InUse(dir.display().to_string()))
            }
            Err(e) => Err(e.into()),
            Ok(()) => Ok(lock),
        }
    }

    /// Turns an exclusive lock taken for recovery into a shared one.
    fn share(&self) -> Result<()> {
        Ok(self.flock(libc::LOCK_SH)?)
    }

    /// Takes (or converts to) lock `mode` without waiting.
    fn flock(&self, mode: i32) -> std::io::Result<()> {
        use std::os::fd::AsRawFd;
        // SAFETY: flock on a file descriptor this struct owns; no memory is passed.
        if unsafe { libc::flock(self.0.as_raw_fd(), mode | libc::LOCK_NB) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }
}

/// Extra address space LMDB gets beyond the configured map size, for the writes that do not
/// grow the data. LMDB copies pages on write even to delete, so a store filled to the last page
/// could not delete anything; with this headroom DEL, FLUSHDB and the expirer always find room
/// while growing writes stop at the configured size.
fn headroom(map_size: usize) -> usize {
    (map_size / 4).max(1 << 20)
}

/// How the environment is opened.
pub(crate) struct OpenParams {
    pub(crate) map_size: usize,
    pub(crate) sync_at_commit: bool,
    /// Commits go through the write-ahead log (`Durability::WriteAheadLog`).
    pub(crate) wal: bool,
    pub(crate) max_readers: u32,
    pub(crate) write_map: bool,
    /// For tests: the data file may hold no disk blocks past this many bytes.
    pub(crate) disk_limit: Option<u64>,
}

impl Storage {
    pub(crate) fn open(path: &Path, params: &OpenParams) -> Result<Storage> {
        std::fs::create_dir_all(path)?;
        // With the log, or to apply a log left by a crash, this process must have the directory
        // alone; otherwise it shares it with other processes that do not use the log.
        let recovering = Wal::pending(path);
        let lock = DirLock::take(path, params.wal || recovering)?;
        // A store that crashed with the write-ahead log goes back to its last checkpoint, whose
        // log records are applied once the environment is open, whatever the durability now.
        let checkpoint = Wal::restore_meta(path)?;
        // NO_TLS: read transactions are not tied to threads, so one thread may hold several and
        // pooled transactions may move between threads. NO_READAHEAD: access is random, and
        // readahead would fill the page cache with pages nobody asked for. NO_SYNC: commits
        // that wait for the disk wait for the write-ahead log instead (see `wal`).
        let mut flags = EnvironmentFlags::NO_TLS | EnvironmentFlags::NO_READAHEAD;
        if !params.sync_at_commit || params.wal {
            flags |= EnvironmentFlags::NO_SYNC;
        }
        if params.write_map {
            flags |= EnvironmentFlags::WRITE_MAP;
        }
        let env = Environment::new()
            .set_flags(flags)
            .set_max_dbs(8)
            .set_max_readers(params.max_readers)
            .set_map_size(params.map_size.saturating_add(headroom(params.map_size)))
            .open(path)
            .map_err(|e| Error::from_lmdb(e, params.map_size))?;
        let map_size = params.map_size;
        let page_size = env.stat().map(|s| s.page_size()).unwrap_or(4096).max(1);
        let limit_pages = (map_size / page_size as usize) as u64;
        let lmdb_err = |e| Error::from_lmdb(e, map_size);
        let create = |name| {
            env.create_db(Some(name), DatabaseFlags::empty())
                .map_err(lmdb_err)
        };
        let keys = create("keys")?;
        let elements = create("elements")?;
        let expiry = create("expiry")?;
        let system = create("system")?;
        let reclaim = create("reclaim")?;
        compare::install(&env, &[keys, elements, expiry, system, reclaim], map_size)?;
        let reserve = reserve::Reserve::open(path, params.disk_limit)?;
        let mut storage = Storage {
            wal: None,
            env,
            keys,
            elements,
            expiry,
            system,
            reclaim,
            map_size,
            limit_pages,
            sync_at_commit: params.sync_at_commit,
            page_size: u64::from(page_size),
            reserve,
            lock,
        };
        let mut seq = 0;
        if let Some(checkpoint) = &checkpoint {
            seq = storage.replay(path, checkpoint)?;
        }
        storage.check_format()?;
        if params.wal {
            let wal = Wal::open(path, storage.page_size as usize, seq)?;
            storage.wal = Some(wal);
            // The state recovered (or created) becomes the first checkpoint, before the
            // segments that held its records are emptied.
            storage.checkpoint(|| ())?;
            if let Some(wal) = &storage.wal {
                wal.reset_segments()?;
            }
        } else {
            if recovering {
                // Applied (or, with no valid checkpoint slot, never used: the first checkpoint
                // is written before the first record), so no longer needed.
                storage.env.sync(true).map_err(|e| storage.lmdb_err(e))?;
                Wal::remove(path)?;
            }
            storage.lock.share()?;
        }
        Ok(storage)
    }

    /// The named databases, in the order a log record's `db` index counts them.
    pub(crate) fn databases(&self) -> [Database; 5] {
        [
            self.keys,
            self.elements,
            self.expiry,
            self.system,
            self.reclaim,
        ]
    }

    /// The index of `db` in [`Storage::databases`]. Every `Database` there is comes from this
    /// struct's fields, all of which `databases` lists (a new one must be added there too, or
    /// its writes would be logged as writes to `keys`: the debug assertion catches it).
    pub(crate) fn database_index(&self, db: Database) -> u8 {
        let index = self.databases().iter().position(|d| d.dbi() == db.dbi());
        debug_assert!(
            index.is_some(),
            "a database missing from Storage::databases"
        );
        index.unwrap_or(0) as u8
    }

    /// Applies the log records after `checkpoint` in one transaction and makes the result
    /// durable; returns the last sequence number.
    fn replay(&self, path: &Path, checkpoint: &wal::Checkpoint) -> Result<u64> {
        let err = |e| Error::from_lmdb(e, self.map_size);
        let dbs = self.databases();
        let mut txn = self.env.begin_rw_txn().map_err(err)?;
        let last_seq = Wal::replay(path, checkpoint, |payload| {
            wal::decode_ops(payload, |op| {
                let db = match op {
                    wal::Op::Put { db, .. } | wal::Op::Del { db, .. } | wal::Op::Clear { db } => db,
                };
                let db = *dbs
                    .get(usize::from(db))
                    .ok_or(Error::Corrupt("write-ahead log record"))?;
                let done = match op {
                    wal::Op::Put { key, value, .. } => {
                        txn.put(db, &key, &value, WriteFlags::empty())
                    }
                    wal::Op::Del { key, .. } => match txn.del(db, &key, None) {
                        Err(lmdb::Error::NotFound) => Ok(()),
                        other => other,
                    },
                    wal::Op::Clear { .. } => txn.clear_db(db),
                };
                done.map_err(err)
            })
        })?;
        txn.commit().map_err(err)?;
        self.env.sync(true).map_err(err)?;
        Ok(last_seq)
    }

    /// Makes the data file durable up to the last commit: with the write-ahead log, a
    /// checkpoint (see `wal`); `exclusive` returns a guard that keeps writers out (held only
    /// while the checkpoint's snapshot is taken).
    pub(crate) fn checkpoint<G>(&self, exclusive: impl FnOnce() -> G) -> Result<()> {
        let err = |e| Error::from_lmdb(e, self.map_size);
        let Some(wal) = &self.wal else {
            return self.env.sync(true).map_err(err);
        };
        wal.checkpoint(
            exclusive,
            || {
                let last_pgno = self.env.info().map_err(err)?.last_pgno() as u64;
                let txn = self.env.begin_ro_txn().map_err(err)?;
                // SAFETY: the pin lives in `self.wal`, which `Storage` drops before `env`, so
                // the transaction never outlives the environment whatever its type claims.
                let pin = unsafe {
                    std::mem::transmute::<lmdb::RoTransaction<'_>, lmdb::RoTransaction<'static>>(
                        txn,
                    )
                };
                Ok((pin, last_pgno))
            },
            || self.env.sync(true).map_err(err),
        )
    }

    /// The id of the last committed write transaction, by any process (`usize::MAX`, which
    /// no transaction has, if LMDB cannot say).
    pub(crate) fn last_txnid(&self) -> usize {
        self.env.info().map_or(usize::MAX, |info| info.last_txnid())
    }

    /// Whether a checkpoint is due (see [`Wal::checkpoint_due`]); never without the log.
    pub(crate) fn checkpoint_due(&self) -> bool {
        let Some(wal) = &self.wal else {
            return false;
        };
        match self.env.info() {
            Ok(info) => wal.checkpoint_due(info.last_pgno() as u64),
            Err(_) => true,
        }
    }

    /// Records the format version in a new directory; refuses a directory of another version.
    fn check_format(&self) -> Result<()> {
        let err = |e| Error::from_lmdb(e, self.map_size);
        let mut txn = self.env.begin_rw_txn().map_err(err)?;
        match txn.get(self.system, &FORMAT_KEY) {
            Ok(raw) => {
                let found = match <[u8; 4]>::try_from(raw) {
                    Ok(bytes) => u32::from_be_bytes(bytes),
                    Err(_) => return Err(Error::Corrupt("format version record")),
                };
                if found != FORMAT_VERSION {
                    return Err(Error::IncompatibleFormat {
                        found,
                        expected: FORMAT_VERSION,
                    });
                }
                txn.abort();
            }
            Err(lmdb::Error::NotFound) => {
                let stat = txn.stat(self.keys).map_err(err)?;
                if stat.entries() != 0 {
                    return Err(Error::Corrupt("data without a format version"));
                }
                txn.put(
                    self.system,
                    &FORMAT_KEY,
                    &FORMAT_VERSION.to_be_bytes(),
                    WriteFlags::empty(),
                )
                .map_err(err)?;
                txn.commit().map_err(err)?;
            }
            Err(e) => return Err(err(e)),
        }
        Ok(())
    }

    /// Takes the next collection key id inside a write transaction. Ids are never reused, so
    /// elements of a deleted collection can never show under a new key of the same name.
    pub(crate) fn allocate_key_id(&self, txn: &mut lmdb::RwTransaction<'_>) -> Result<u64> {
        let current = match txn.get(self.system, &NEXT_KEY_ID) {
            Ok(raw) => codec::read_u64(raw),
            Err(lmdb::Error::NotFound) => 1,
            Err(e) => return Err(Error::from_lmdb(e, self.map_size)),
        };
        txn.put(
            self.system,
            &NEXT_KEY_ID,
            &(current + 1).to_be_bytes(),
            WriteFlags::empty(),
        )
        .map_err(|e| Error::from_lmdb(e, self.map_size))?;
        Ok(current)
    }

    /// The pages holding live data as `txn` sees it: the trees of every database (the free list
    /// and the catalogue of named databases included) and the two meta pages.
    pub(crate) fn live_pages(&self, txn: &impl Transaction) -> Result<u64> {
        const FREE_DBI: lmdb_sys::MDB_dbi = 0;
        const MAIN_DBI: lmdb_sys::MDB_dbi = 1;
        let named = [
            self.keys,
            self.elements,
            self.expiry,
            self.system,
            self.reclaim,
        ];
        let dbis = [FREE_DBI, MAIN_DBI]
            .into_iter()
            .chain(named.iter().map(|db| db.dbi()));
        let mut pages = 2;
        for dbi in dbis {
            // SAFETY: `txn.txn()` is a live transaction of this environment (borrowed for the
            // call), `dbi` is one of its database handles (0 and 1 always exist), and `stat` is
            // a valid place for LMDB to write an `MDB_stat` to.
            let stat = unsafe {
                let mut stat = std::mem::zeroed::<lmdb_sys::MDB_stat>();
                match lmdb_sys::mdb_stat(txn.txn(), dbi, &mut stat) {
                    0 => stat,
                    code => return Err(self.lmdb_err(lmdb::Error::from_err_code(code))),
                }
            };
            pages += (stat.ms_branch_pages + stat.ms_leaf_pages + stat.ms_overflow_pages) as u64;
        }
        Ok(pages)
    }

    /// Refuses the write transaction `txn`, about to commit, if it grew the live data beyond the
    /// configured map size; transactions that shrink or keep it may use the headroom.
    ///
    /// The size before the transaction matters only once the size after is over the limit, so
    /// it is counted only then, in a read snapshot: while `txn` holds LMDB's single write lock
    /// nothing else can commit, so that snapshot is the state `txn` began from.
    pub(crate) fn check_growth(&self, txn: &impl Transaction) -> Result<()> {
        let pages_after = self.live_pages(txn)?;
        if pages_after <= self.limit_pages {
            return Ok(());
        }
        let before = self.env.begin_ro_txn().map_err(|e| self.lmdb_err(e))?;
        if pages_after > self.live_pages(&before)? {
            return Err(Error::StoreFull {
                map_size: self.map_size,
            });
        }
        Ok(())
    }

    /// Before a write transaction (holding LMDB's write lock): makes sure disk blocks are held
    /// [`reserve::AHEAD`] bytes past the last page. Returns where the data ends and how far
    /// blocks are held.
    ///
    /// # Errors
    /// [`Error::DiskFull`] when the disk has no room for them.
    pub(crate) fn reserve_for_txn(&self) -> Result<(u64, u64)> {
        let info = self.env.info().map_err(|e| self.lmdb_err(e))?;
        let end = (info.last_pgno() as u64 + 1).saturating_mul(self.page_size);
        let held = self.reserve.ensure(end.saturating_add(reserve::AHEAD))?;
        Ok((end, held))
    }

    /// Inside a write transaction whose data may now reach `end` bytes: makes sure blocks are
    /// held that far and [`reserve::AHEAD`] beyond; returns how far they are held.
    pub(crate) fn reserve_more(&self, end: u64) -> Result<u64> {
        self.reserve.ensure(end.saturating_add(reserve::AHEAD))
    }

    pub(crate) fn lmdb_err(&self, error: lmdb::Error) -> Error {
        Error::from_lmdb(error, self.map_size)
    }
}
