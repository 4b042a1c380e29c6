//! Read and write transactions.
//!
//! A [`ReadTxn`] is one consistent LMDB snapshot; a [`WriteTxn`] is LMDB's single write
//! transaction and dereferences to a `ReadTxn`, so every read operation is written once and works
//! on both. Every typed operation of the crate is a method on one of the two; the
//! [`Store`](crate::Store) methods wrap one operation in a transaction of its own.
//!
//! Expiry is checked against the clock reading taken when the transaction began, so a
//! transaction sees one instant: a key is either alive for all of it or gone for all of it.

use std::cell::Cell;
use std::ops::Deref;

use lmdb::{Cursor, RoTransaction, RwTransaction, Transaction, WriteFlags};
use lmdb_sys::MDB_SET_RANGE;

use crate::error::{Error, Result};
use crate::storage::codec::{self, EncodedKey, ExpiryKey};
use crate::storage::meta::{Header, Meta};
use crate::storage::{self, reserve, wal};
use crate::store::Core;
use crate::types::KeyType;

/// The LMDB transaction under a [`ReadTxn`]: read-only, or the write transaction.
pub(crate) enum Raw<'s> {
    Ro(RoTransaction<'s>),
    Rw(RwTransaction<'s>),
}

impl Transaction for Raw<'_> {
    fn txn(&self) -> *mut lmdb_sys::MDB_txn {
        match self {
            Raw::Ro(txn) => txn.txn(),
            Raw::Rw(txn) => txn.txn(),
        }
    }
}

/// A consistent read-only view of the store, as given to [`Store::read`](crate::Store::read).
///
/// Operations act on the transaction's current logical database (see [`ReadTxn::db`]).
pub struct ReadTxn<'s> {
    pub(crate) core: &'s Core,
    pub(crate) raw: Raw<'s>,
    pub(crate) db: u8,
    /// The clock reading for this transaction, taken at first need (0 = not yet): most reads
    /// touch only keys without a deadline and never need it.
    now_ms: Cell<u64>,
    /// Set by a sorted set read that would have used a rank index the set does not have yet;
    /// the command then asks for one (see `types::zset::rank`).
    pub(crate) rank_wanted: Cell<bool>,
}

/// The owned header fields of a stored key, copied out so the record may be rewritten.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KeyInfo {
    pub(crate) kind: KeyType,
    pub(crate) flags: u8,
    pub(crate) expire_at_ms: u64,
    /// Collections only: the id prefixing their elements, and their element count.
    pub(crate) key_id: u64,
    pub(crate) count: u64,
}

impl KeyInfo {
    /// True when the key has entries in the `elements` database to reclaim: any non-empty
    /// collection, and any stream (an empty stream still holds its groups and consumers).
    pub(crate) fn has_elements(&self) -> bool {
        self.kind != KeyType::String && (self.count > 0 || self.kind == KeyType::Stream)
    }

    pub(crate) fn of(meta: &Meta<'_>) -> Result<KeyInfo> {
        let (key_id, count) = if meta.kind == KeyType::String {
            (0, 0)
        } else {
            let (id, count, _) = meta.collection()?;
            (id, count)
        };
        Ok(KeyInfo {
            kind: meta.kind,
            flags: meta.flags,
            expire_at_ms: meta.expire_at_ms,
            key_id,
            count,
        })
    }
}

impl<'s> ReadTxn<'s> {
    pub(crate) fn new(core: &'s Core, raw: Raw<'s>, db: u8) -> ReadTxn<'s> {
        ReadTxn {
            core,
            raw,
            db,
            now_ms: Cell::new(0),
            rank_wanted: Cell::new(false),
        }
    }

    /// The logical database this transaction's operations act on.
    pub fn db(&self) -> u8 {
        self.db
    }

    /// Switches the logical database for the operations that follow, like Redis's SELECT.
    ///
    /// # Errors
    /// [`Error::DbIndexOutOfRange`] when `db` is not below the configured number of databases.
    pub fn select(&mut self, db: u32) -> Result<()> {
        self.db = self.core.check_db(db)?;
        Ok(())
    }

    /// The clock reading, in Unix milliseconds, that this transaction's expiry checks use: read
    /// once, at its first use, so the whole transaction sees one instant.
    pub fn now_ms(&self) -> u64 {
        match self.now_ms.get() {
            0 => {
                let now = self.core.now_ms().max(1);
                self.now_ms.set(now);
                now
            }
            now => now,
        }
    }

    /// True when `meta`'s deadline has passed, or when it is a hash whose fields have all
    /// passed theirs; reads the clock only for keys that have a deadline.
    pub(crate) fn is_expired(&self, meta: &Meta<'_>) -> bool {
        (meta.expire_at_ms != 0 && meta.is_expired(self.now_ms()))
            || (meta.kind == KeyType::Hash
                && crate::types::hash::all_fields_expired(meta, || self.now_ms()))
    }

    pub(crate) fn lmdb_err(&self, error: lmdb::Error) -> Error {
        self.core.storage.lmdb_err(error)
    }

    /// The raw record stored under an encoded key, if any.
    pub(crate) fn record(&self, encoded: &[u8]) -> Result<Option<&[u8]>> {
        match self.raw.get(self.core.storage.keys, &encoded) {
            Ok(raw) => Ok(Some(raw)),
            Err(lmdb::Error::NotFound) => Ok(None),
            Err(e) => Err(self.lmdb_err(e)),
        }
    }

    /// Decodes the record of `key`, verifying the full key of the long form. Expired keys are
    /// returned too; callers decide.
    pub(crate) fn meta_any(&self, encoded: &EncodedKey, key: &[u8]) -> Result<Option<Meta<'_>>> {
        let Some(raw) = self.record(encoded.as_bytes())? else {
            return Ok(None);
        };
        decode_record(raw, key).map(Some)
    }

    /// The live (not expired) record of `key` in the current database.
    pub(crate) fn lookup(&self, key: &[u8]) -> Result<Option<Meta<'_>>> {
        let encoded = EncodedKey::new(self.db, key);
        self.lookup_encoded(&encoded, key)
    }

    pub(crate) fn lookup_encoded(
        &self,
        encoded: &EncodedKey,
        key: &[u8],
    ) -> Result<Option<Meta<'_>>> {
        Ok(self
            .meta_any(encoded, key)?
            .filter(|meta| !self.is_expired(meta)))
    }

    /// The live record of `key` if it has type `kind`; [`Error::WrongType`] if another type.
    pub(crate) fn lookup_typed(&self, key: &[u8], kind: KeyType) -> Result<Option<Meta<'_>>> {
        match self.lookup(key)? {
            Some(meta) if meta.kind != kind => Err(Error::WrongType),
            found => Ok(found),
        }
    }

    /// The bytes of the string at `key`, borrowed from the snapshot.
    pub(crate) fn string_bytes(&self, key: &[u8]) -> Result<Option<&[u8]>> {
        Ok(self.lookup_typed(key, KeyType::String)?.map(|m| m.body))
    }

    /// The user key of a `keys` database entry.
    pub(crate) fn user_key_of<'a>(encoded: &'a [u8], meta: &Meta<'a>) -> Option<&'a [u8]> {
        meta.full_key.or_else(|| codec::short_user_key(encoded))
    }

    /// Visits the live keys of database `db` in storage order, starting at ordering hash
    /// `from_hash`, until `visit` returns false. `visit` gets the key's hash, user key and record.
    pub(crate) fn for_each_key(
        &self,
        db: u8,
        from_hash: u64,
        mut visit: impl FnMut(u64, &[u8], &Meta<'_>) -> Result<bool>,
    ) -> Result<()> {
        let start = codec::db_seek_key(db, from_hash);
        let mut cursor = self
            .raw
            .open_ro_cursor(self.core.storage.keys)
            .map_err(|e| self.lmdb_err(e))?;
        for item in cursor.iter_from(start) {
            let (encoded, raw) = item.map_err(|e| self.lmdb_err(e))?;
            if encoded.first() != Some(&db) {
                break;
            }
            let meta = Meta::decode(raw)?;
            if self.is_expired(&meta) {
                continue;
            }
            let Some(key) = Self::user_key_of(encoded, &meta) else {
                return Err(Error::Corrupt("key record"));
            };
            if !visit(codec::encoded_hash(encoded), key, &meta)? {
                break;
            }
        }
        Ok(())
    }
}

/// The store's single write transaction, as given to
/// [`Store::transaction`](crate::Store::transaction). Dereferences to [`ReadTxn`], so every
/// read operation is available too, and sees this transaction's own writes.
///
/// Dropping it without committing (the closure returned `Err`, or panicked) rolls everything
/// back.
pub struct WriteTxn<'s> {
    /// Declared before `read`, so closed before the transaction in it ends.
    keys_cursor: KeysCursor,
    read: ReadTxn<'s>,
    /// Keys written, for watchers and blocked readers, packed as `db:u8 + len:u32 + key` in one
    /// buffer. Always recorded: a watch registered while this transaction runs must still see
    /// its writes when it commits.
    pub(crate) touched: Vec<u8>,
    /// Keys whose blocked readers are woken though the key does not count as written for
    /// watchers (see `save_stream_quietly`), packed as `touched`.
    pub(crate) woken: Vec<u8>,
    /// Databases changed as a whole (SWAPDB).
    pub(crate) touched_dbs: Vec<u8>,
    /// Watched keys of the `touched_dbs` that SWAPDB leaves as they were (absent from both
    /// databases), packed as `touched`: their watchers see no change, as in Redis.
    pub(crate) swap_unchanged: Vec<u8>,
    /// Databases emptied (FLUSHDB, FLUSHALL).
    pub(crate) flushed_dbs: Vec<u8>,
    pub(crate) reclaim_queued: bool,
    /// How far the data file may have grown, for the disk reservation.
    growth: Growth,
    /// With the write-ahead log: the LMDB writes so far, in order, encoded as the commit's log
    /// record (see `wal::encode_put`).
    logged: Option<Vec<u8>>,
}

/// A cursor on the `keys` database, open for a write transaction's life (from its first use),
/// through which the transaction reads and writes key records. Writing the record it has just
/// read then finds the cursor on the right leaf page, and LMDB (`mdb_cursor_set` looks at the
/// cursor's page first) skips the descent from the root: a command that opens a key, changes
/// it and saves its record descends the `keys` tree once instead of two or three times.
struct KeysCursor(Cell<*mut lmdb_sys::MDB_cursor>);

impl KeysCursor {
    fn close(&self) {
        let cursor = self.0.replace(std::ptr::null_mut());
        if !cursor.is_null() {
            // SAFETY: `cursor` was opened in the write transaction of the `WriteTxn` holding
            // this, which is still open: `WriteTxn` declares this field before the transaction
            // (so it drops first) and `into_raw` closes it before handing the transaction out.
            // The pointer was swapped out above, so it is closed once.
            unsafe { lmdb_sys::mdb_cursor_close(cursor) };
        }
    }
}

impl Drop for KeysCursor {
    fn drop(&mut self) {
        self.close();
    }
}

/// Decodes the record `raw` of `key`, verifying the full key of the long form.
fn decode_record<'a>(raw: &'a [u8], key: &[u8]) -> Result<Meta<'a>> {
    let meta = Meta::decode(raw)?;
    if codec::is_long_key(key) && meta.full_key != Some(key) {
        // Two long keys sharing a 400-byte prefix and both 64-bit hashes.
        return Err(Error::Corrupt("long key hash collision"));
    }
    Ok(meta)
}

/// An `MDB_val` over `bytes`, which must outlive its use.
fn mdb_val(bytes: &[u8]) -> lmdb_sys::MDB_val {
    lmdb_sys::MDB_val {
        mv_size: bytes.len(),
        mv_data: bytes.as_ptr() as *mut std::ffi::c_void,
    }
}

/// A write transaction's estimate of how far it may have grown the data file, against the
/// disk blocks held for it (see `storage::reserve`).
struct Growth {
    /// Where the data ended when the transaction began, in bytes.
    from: u64,
    /// What its writes may have added since.
    grown: u64,
    /// How far disk blocks are held.
    held: u64,
}

impl<'s> Deref for WriteTxn<'s> {
    type Target = ReadTxn<'s>;

    fn deref(&self) -> &ReadTxn<'s> {
        &self.read
    }
}

impl<'s> WriteTxn<'s> {
    /// A write transaction over `raw`, begun when the data ended at `end` bytes with disk
    /// blocks held up to `held`.
    pub(crate) fn new(
        core: &'s Core,
        raw: RwTransaction<'s>,
        db: u8,
        (end, held): (u64, u64),
    ) -> WriteTxn<'s> {
        WriteTxn {
            keys_cursor: KeysCursor(Cell::new(std::ptr::null_mut())),
            read: ReadTxn::new(core, Raw::Rw(raw), db),
            touched: Vec::new(),
            woken: Vec::new(),
            touched_dbs: Vec::new(),
            swap_unchanged: Vec::new(),
            flushed_dbs: Vec::new(),
            reclaim_queued: false,
            growth: Growth {
                from: end,
                grown: 0,
                held,
            },
            logged: core.storage.wal.is_some().then(Vec::new),
        }
    }

    /// Notes, for the write-ahead log, a put of `key` → `value` in `db`.
    pub(crate) fn log_put(&mut self, db: lmdb::Database, key: &[u8], value: &[u8]) {
        self.log_put_with(db, key, value.len(), |v| v.copy_from_slice(value));
    }

    /// As [`log_put`](Self::log_put) for a value of `len` bytes that `fill` writes.
    fn log_put_with(
        &mut self,
        db: lmdb::Database,
        key: &[u8],
        len: usize,
        fill: impl FnOnce(&mut [u8]),
    ) {
        if let Some(logged) = &mut self.logged {
            let db = self.read.core.storage.database_index(db);
            wal::encode_put_with(logged, db, key, len, fill);
        }
    }

    /// Notes, for the write-ahead log, a delete of `key` in `db`.
    fn log_del(&mut self, db: lmdb::Database, key: &[u8]) {
        if let Some(logged) = &mut self.logged {
            let db = self.read.core.storage.database_index(db);
            wal::encode_del(logged, db, key);
        }
    }

    /// Notes, for the write-ahead log, the deletion of every entry of `db`.
    fn log_clear(&mut self, db: lmdb::Database) {
        if let Some(logged) = &mut self.logged {
            let db = self.read.core.storage.database_index(db);
            wal::encode_clear(logged, db);
        }
    }

    /// The write-ahead log record of this transaction: its writes, in order. `None` without
    /// the log or when nothing was written.
    pub(crate) fn log_record(&mut self) -> Option<Vec<u8>> {
        self.logged.take().filter(|record| !record.is_empty())
    }

    /// Takes the next collection key id (see `Storage::allocate_key_id`).
    pub(crate) fn allocate_key_id(&mut self) -> Result<u64> {
        let storage = &self.read.core.storage;
        let id = storage.allocate_key_id(self.rw()?)?;
        self.log_put(
            storage.system,
            storage::NEXT_KEY_ID,
            &(id + 1).to_be_bytes(),
        );
        Ok(id)
    }

    /// Counts a write of `bytes` of key and value towards the growth of the data file, holding
    /// more disk blocks once the estimate nears those held.
    pub(crate) fn note_growth(&mut self, bytes: usize) -> Result<()> {
        let g = &mut self.growth;
        g.grown = g
            .grown
            .saturating_add((bytes as u64).saturating_mul(2))
            .saturating_add(reserve::GROWTH_PER_WRITE);
        let end = g.from.saturating_add(g.grown);
        if end.saturating_add(reserve::AHEAD / 2) > g.held {
            g.held = self.read.core.storage.reserve_more(end)?;
        }
        Ok(())
    }

    /// Switches the logical database for the operations that follow, like Redis's SELECT.
    ///
    /// # Errors
    /// [`Error::DbIndexOutOfRange`] when `db` is not below the configured number of databases.
    pub fn select(&mut self, db: u32) -> Result<()> {
        self.read.select(db)
    }

    pub(crate) fn into_raw(self) -> Option<RwTransaction<'s>> {
        self.keys_cursor.close();
        match self.read.raw {
            Raw::Rw(txn) => Some(txn),
            Raw::Ro(_) => None,
        }
    }

    /// The raw write transaction and the write-ahead log's list of written entries, borrowed
    /// together (for a cursor that notes its writes).
    pub(crate) fn raw_and_log(&mut self) -> Result<(&mut RwTransaction<'s>, Option<&mut Vec<u8>>)> {
        match &mut self.read.raw {
            Raw::Rw(txn) => Ok((txn, self.logged.as_mut())),
            Raw::Ro(_) => Err(Error::Corrupt("write through a read-only transaction")),
        }
    }

    pub(crate) fn rw(&mut self) -> Result<&mut RwTransaction<'s>> {
        self.raw_and_log().map(|(txn, _)| txn)
    }

    /// The keys cursor, opened on first use.
    fn keys_cursor(&self) -> Result<*mut lmdb_sys::MDB_cursor> {
        let open = self.keys_cursor.0.get();
        if !open.is_null() {
            return Ok(open);
        }
        let Raw::Rw(txn) = &self.read.raw else {
            return Err(Error::Corrupt("write through a read-only transaction"));
        };
        let mut cursor = std::ptr::null_mut();
        // SAFETY: `txn.txn()` is this WriteTxn's open write transaction and the dbi one of its
        // environment's databases; LMDB writes the new cursor's address into `cursor`.
        let rc = unsafe {
            lmdb_sys::mdb_cursor_open(txn.txn(), self.core.storage.keys.dbi(), &mut cursor)
        };
        if rc != 0 {
            return Err(self.lmdb_err(lmdb::Error::from_err_code(rc)));
        }
        self.keys_cursor.0.set(cursor);
        Ok(cursor)
    }

    /// The record stored under `encoded` in the `keys` database, read through the keys cursor
    /// (which stays on its page for the write that usually follows).
    pub(crate) fn record_here(&self, encoded: &[u8]) -> Result<Option<&[u8]>> {
        let cursor = self.keys_cursor()?;
        let mut key = mdb_val(encoded);
        let mut data = mdb_val(&[]);
        // SAFETY: the cursor is open in this transaction; `key` points into `encoded`, alive
        // for the call; LMDB points `key` and `data` at the entry found, in the transaction's
        // pages.
        let rc = unsafe { lmdb_sys::mdb_cursor_get(cursor, &mut key, &mut data, MDB_SET_RANGE) };
        match rc {
            0 => {}
            lmdb_sys::MDB_NOTFOUND => return Ok(None),
            code => return Err(self.lmdb_err(lmdb::Error::from_err_code(code))),
        }
        // SAFETY: LMDB pointed `key` and `data` at the found entry's bytes, which stay valid
        // and unchanged until this transaction writes, and writing takes `&mut self`, which
        // the returned borrow of `self` rules out while it lives.
        let (found, value) = unsafe {
            (
                std::slice::from_raw_parts(key.mv_data as *const u8, key.mv_size),
                std::slice::from_raw_parts(data.mv_data as *const u8, data.mv_size),
            )
        };
        Ok((found == encoded).then_some(value))
    }

    /// Room for a record of `len` bytes under `encoded` in the `keys` database, written through
    /// the keys cursor; the caller fills it.
    /// Not logged: the callers log what they fill it with.
    fn reserve_here(&mut self, encoded: &[u8], len: usize) -> Result<&mut [u8]> {
        self.note_growth(encoded.len() + len)?;
        let cursor = self.keys_cursor()?;
        let mut key = mdb_val(encoded);
        let mut data = lmdb_sys::MDB_val {
            mv_size: len,
            mv_data: std::ptr::null_mut(),
        };
        // SAFETY: the cursor is open in this write transaction; `key` points into `encoded`,
        // alive for the call. With MDB_RESERVE LMDB copies the key, makes room for `len`
        // bytes and points `data` at it.
        let rc =
            unsafe { lmdb_sys::mdb_cursor_put(cursor, &mut key, &mut data, lmdb_sys::MDB_RESERVE) };
        if rc != 0 {
            return Err(self.lmdb_err(lmdb::Error::from_err_code(rc)));
        }
        // SAFETY: LMDB reserved `len` writable bytes at `data.mv_data` in a page this
        // transaction owns; they stay valid until its next write, which needs `&mut self`,
        // held by the returned borrow.
        Ok(unsafe { std::slice::from_raw_parts_mut(data.mv_data.cast::<u8>(), len) })
    }

    /// Writes `value` as the record of `encoded` in the `keys` database, through the keys
    /// cursor.
    pub(crate) fn put_record_here(&mut self, encoded: &[u8], value: &[u8]) -> Result<()> {
        self.log_put(self.read.core.storage.keys, encoded, value);
        self.reserve_here(encoded, value.len())?
            .copy_from_slice(value);
        Ok(())
    }

    pub(crate) fn put_raw(&mut self, db: lmdb::Database, key: &[u8], value: &[u8]) -> Result<()> {
        self.note_growth(key.len() + value.len())?;
        self.log_put(db, key, value);
        let map_size = self.core.storage.map_size;
        self.rw()?
            .put(db, &key, &value, WriteFlags::empty())
            .map_err(|e| Error::from_lmdb(e, map_size))
    }

    /// Deletes an LMDB entry; true if it existed.
    pub(crate) fn del_raw(&mut self, db: lmdb::Database, key: &[u8]) -> Result<bool> {
        self.note_growth(0)?;
        self.log_del(db, key);
        let map_size = self.core.storage.map_size;
        match self.rw()?.del(db, &key, None) {
            Ok(()) => Ok(true),
            Err(lmdb::Error::NotFound) => Ok(false),
            Err(e) => Err(Error::from_lmdb(e, map_size)),
        }
    }

    /// Deletes every entry of an LMDB database at once: its pages are freed without visiting
    /// its entries (the transaction's cursors on it are unset; the keys cursor seeks again).
    pub(crate) fn clear_raw(&mut self, db: lmdb::Database) -> Result<()> {
        self.note_growth(0)?;
        self.log_clear(db);
        let map_size = self.core.storage.map_size;
        self.rw()?
            .clear_db(db)
            .map_err(|e| Error::from_lmdb(e, map_size))
    }

    /// Records that `key` of database `db` changed, for watchers and blocked readers.
    pub(crate) fn touch(&mut self, db: u8, key: &[u8]) {
        self.touched.push(db);
        self.touched
            .extend_from_slice(&(key.len() as u32).to_be_bytes());
        self.touched.extend_from_slice(key);
    }

    /// Records that the blocked readers of `key` of database `db` are to be woken, without
    /// counting it as written for watchers.
    pub(crate) fn wake(&mut self, db: u8, key: &[u8]) {
        self.woken.push(db);
        self.woken
            .extend_from_slice(&(key.len() as u32).to_be_bytes());
        self.woken.extend_from_slice(key);
    }

    /// Records that SWAPDB leaves watched `key` of database `db` as it was (see
    /// `swap_unchanged`).
    pub(crate) fn swap_leaves(&mut self, db: u8, key: &[u8]) {
        self.swap_unchanged.push(db);
        self.swap_unchanged
            .extend_from_slice(&(key.len() as u32).to_be_bytes());
        self.swap_unchanged.extend_from_slice(key);
    }

    /// Records that a whole database changed (SWAPDB).
    pub(crate) fn touch_db(&mut self, db: u8) {
        if !self.touched_dbs.contains(&db) {
            self.touched_dbs.push(db);
        }
    }

    /// Records that a database was emptied (FLUSHDB, FLUSHALL).
    pub(crate) fn flushed_db(&mut self, db: u8) {
        if !self.flushed_dbs.contains(&db) {
            self.flushed_dbs.push(db);
        }
    }

    /// Write-path lookup: the live key's header, after deleting it if its deadline has passed
    /// (so a write never builds on an expired value and the expiry index stays exact).
    pub(crate) fn find(&mut self, key: &[u8]) -> Result<Option<(EncodedKey, KeyInfo)>> {
        Ok(self
            .find_with(key, |_| ())?
            .map(|(encoded, info, ())| (encoded, info)))
    }

    /// [`find`](Self::find), also handing the live record's body to `read`: one B-tree search
    /// where `find` and then reading the value would make two.
    fn find_with<R>(
        &mut self,
        key: &[u8],
        read: impl FnOnce(&[u8]) -> R,
    ) -> Result<Option<(EncodedKey, KeyInfo, R)>> {
        let encoded = EncodedKey::new(self.db, key);
        let meta = match self.record_here(encoded.as_bytes())? {
            Some(raw) => Some(decode_record(raw, key)?),
            None => None,
        };
        let found = match meta {
            None => return Ok(None),
            Some(meta) => {
                let info = KeyInfo::of(&meta)?;
                if self.is_expired(&meta) {
                    (info, None)
                } else {
                    (info, Some(read(meta.body)))
                }
            }
        };
        match found {
            (info, None) => {
                self.remove(&encoded, key, &info)?;
                Ok(None)
            }
            (info, Some(value)) => Ok(Some((encoded, info, value))),
        }
    }

    /// [`find_with`](Self::find_with), with [`Error::WrongType`] for a key of another type.
    pub(crate) fn find_typed_with<R>(
        &mut self,
        key: &[u8],
        kind: KeyType,
        read: impl FnOnce(&[u8]) -> R,
    ) -> Result<Option<(EncodedKey, KeyInfo, R)>> {
        match self.find_with(key, read)? {
            Some((_, info, _)) if info.kind != kind => Err(Error::WrongType),
            found => Ok(found),
        }
    }

    /// [`find`](Self::find), with [`Error::WrongType`] for a key of another type.
    pub(crate) fn find_typed(
        &mut self,
        key: &[u8],
        kind: KeyType,
    ) -> Result<Option<(EncodedKey, KeyInfo)>> {
        match self.find(key)? {
            Some((_, info)) if info.kind != kind => Err(Error::WrongType),
            found => Ok(found),
        }
    }

    /// Removes a key: its record, its expiry index entry, and (in the background) its elements.
    pub(crate) fn remove(
        &mut self,
        encoded: &EncodedKey,
        key: &[u8],
        info: &KeyInfo,
    ) -> Result<()> {
        if info.kind == KeyType::Hash {
            crate::types::hash::forget_marker(self, encoded, key)?;
        }
        let keys = self.core.storage.keys;
        self.del_raw(keys, encoded.as_bytes())?;
        self.forget_elements(info)?;
        if info.expire_at_ms != 0 {
            let expiry = self.core.storage.expiry;
            self.del_raw(
                expiry,
                ExpiryKey::new(info.expire_at_ms, encoded).as_bytes(),
            )?;
        }
        self.touch(encoded.db(), key);
        Ok(())
    }

    /// Queues a dropped collection's elements for the background reclaimer: O(1) whatever the
    /// collection's size. Its key id is never reused, so nothing can see the old elements.
    pub(crate) fn forget_elements(&mut self, info: &KeyInfo) -> Result<()> {
        if !info.has_elements() {
            return Ok(());
        }
        let mut record = [0u8; 9];
        record[0] = info.kind as u8;
        record[1..].copy_from_slice(&info.count.to_be_bytes());
        let reclaim = self.core.storage.reclaim;
        self.put_raw(reclaim, &info.key_id.to_be_bytes(), &record)?;
        self.reclaim_queued = true;
        Ok(())
    }

    /// Deletes `key` if it exists (expired or not); true if a live key was deleted.
    pub(crate) fn delete_key(&mut self, key: &[u8]) -> Result<bool> {
        match self.find(key)? {
            Some((encoded, info)) => {
                self.remove(&encoded, key, &info)?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Writes a record: `header` then `body`, straight into LMDB's page (no intermediate copy).
    pub(crate) fn put_record(
        &mut self,
        encoded: &EncodedKey,
        header: &Header<'_>,
        body: &[u8],
    ) -> Result<()> {
        let header_len = header.len();
        let len = header_len + body.len();
        let fill = |v: &mut [u8]| {
            header.write(&mut v[..header_len]);
            v[header_len..].copy_from_slice(body);
        };
        self.log_put_with(self.read.core.storage.keys, encoded.as_bytes(), len, fill);
        fill(self.reserve_here(encoded.as_bytes(), len)?);
        Ok(())
    }

    /// Moves a key's expiry index entry from `old` to `new` deadline (0 = none).
    pub(crate) fn reindex_expiry(
        &mut self,
        encoded: &EncodedKey,
        old: u64,
        new: u64,
    ) -> Result<()> {
        if old == new {
            return Ok(());
        }
        let expiry = self.core.storage.expiry;
        if old != 0 {
            self.del_raw(expiry, ExpiryKey::new(old, encoded).as_bytes())?;
        }
        if new != 0 {
            self.put_raw(expiry, ExpiryKey::new(new, encoded).as_bytes(), &[])?;
        }
        Ok(())
    }

    /// The header for a record of `key` written now.
    pub(crate) fn header<'k>(
        &self,
        key: &'k [u8],
        kind: KeyType,
        flags: u8,
        expire_at_ms: u64,
    ) -> Header<'k> {
        Header {
            kind,
            flags,
            modified_s: (self.now_ms() / 1000).min(u64::from(u32::MAX)) as u32,
            expire_at_ms,
            long_key: codec::is_long_key(key).then_some(key),
        }
    }

    /// Stores a string at `key`, replacing whatever was there (`old`, as `find` returned it).
    /// `flags` are the string's encoding flags: `RAW` for a string modified in place,
    /// `NOT_INT` for one Redis never int-encodes (OBJECT ENCODING reports them).
    pub(crate) fn write_string(
        &mut self,
        encoded: &EncodedKey,
        key: &[u8],
        old: Option<&KeyInfo>,
        value: &[u8],
        expire_at_ms: u64,
        flags: u8,
    ) -> Result<()> {
        if value.len() > crate::types::string::MAX_STRING_LEN {
            return Err(Error::StringTooLong);
        }
        let old_expire = match old {
            Some(info) => {
                self.forget_elements(info)?;
                info.expire_at_ms
            }
            None => 0,
        };
        let header = self.header(key, KeyType::String, flags, expire_at_ms);
        self.put_record(encoded, &header, value)?;
        self.reindex_expiry(encoded, old_expire, expire_at_ms)?;
        self.touch(encoded.db(), key);
        Ok(())
    }

    /// Rewrites the header of an existing live key with a new deadline (0 = persistent), keeping
    /// its body. The key must exist.
    pub(crate) fn rewrite_expiry(
        &mut self,
        encoded: &EncodedKey,
        key: &[u8],
        info: &KeyInfo,
        expire_at_ms: u64,
    ) -> Result<()> {
        let body = match self.meta_any(encoded, key)? {
            Some(meta) => meta.body.to_vec(),
            None => return Err(Error::Corrupt("rewrite of a missing key")),
        };
        let header = self.header(key, info.kind, info.flags, expire_at_ms);
        self.put_record(encoded, &header, &body)?;
        self.reindex_expiry(encoded, info.expire_at_ms, expire_at_ms)?;
        self.touch(encoded.db(), key);
        Ok(())
    }

    /// Deletes every entry of LMDB database `db` whose key starts with `prefix`; the number
    /// deleted. Used by FLUSHDB and the reclaimer, in bounded batches.
    pub(crate) fn delete_prefix(
        &mut self,
        db: lmdb::Database,
        prefix: &[u8],
        limit: usize,
    ) -> Result<usize> {
        let mut batch: Vec<Vec<u8>> = Vec::new();
        {
            let mut cursor = self.raw.open_ro_cursor(db).map_err(|e| self.lmdb_err(e))?;
            for item in cursor.iter_from(prefix) {
                let (key, _) = item.map_err(|e| self.lmdb_err(e))?;
                if !key.starts_with(prefix) || batch.len() >= limit {
                    break;
                }
                batch.push(key.to_vec());
            }
        }
        for key in &batch {
            self.del_raw(db, key)?;
        }
        Ok(batch.len())
    }
}
