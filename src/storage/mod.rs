//! The LMDB environment and its named databases. Private: everything above this layer speaks in
//! user keys and typed values; everything in here speaks in bytes.

pub(crate) mod codec;
pub(crate) mod element;
pub(crate) mod hash;
pub(crate) mod meta;
pub(crate) mod reserve;

use std::path::Path;

use lmdb::{Database, DatabaseFlags, Environment, EnvironmentFlags, Transaction, WriteFlags};

use crate::error::{Error, Result};

/// The on-disk format this build reads and writes. Bump it with any change to a stored layout.
pub(crate) const FORMAT_VERSION: u32 = 1;

const FORMAT_KEY: &[u8] = b"format_version";
const NEXT_KEY_ID: &[u8] = b"next_key_id";

/// The environment and handles of its named databases.
pub(crate) struct Storage {
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
    /// Whether each commit waits for the disk (`Durability::Immediate`).
    pub(crate) sync_at_commit: bool,
    /// LMDB's page size, in bytes.
    page_size: u64,
    /// Disk blocks held ahead of the last page (see [`reserve`]).
    reserve: reserve::Reserve,
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
    pub(crate) max_readers: u32,
    pub(crate) write_map: bool,
    /// For tests: the data file may hold no disk blocks past this many bytes.
    pub(crate) disk_limit: Option<u64>,
}

impl Storage {
    pub(crate) fn open(path: &Path, params: &OpenParams) -> Result<Storage> {
        std::fs::create_dir_all(path)?;
        // NO_TLS: read transactions are not tied to threads, so one thread may hold several and
        // pooled transactions may move between threads. NO_READAHEAD: access is random, and
        // readahead would fill the page cache with pages nobody asked for.
        let mut flags = EnvironmentFlags::NO_TLS | EnvironmentFlags::NO_READAHEAD;
        if !params.sync_at_commit {
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
        let reserve = reserve::Reserve::open(path, params.disk_limit)?;
        let storage = Storage {
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
        };
        storage.check_format()?;
        Ok(storage)
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
