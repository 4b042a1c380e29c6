//! Commands on keys whatever their type: DEL, UNLINK, EXISTS, TOUCH, TYPE, DBSIZE, FLUSHDB,
//! FLUSHALL here; RENAME, COPY, MOVE, SWAPDB in `relocate`; SCAN, KEYS, RANDOMKEY in `scan`
//! (with Redis's glob matcher in `glob`); OBJECT in `object`. Also the background reclaimer
//! that frees the elements of dropped collections.

pub(crate) mod glob;
mod object;
mod relocate;
pub(crate) mod rng;
mod scan;

pub use scan::ScanOptions;
pub(crate) use scan::ScanPager;

use bytes::Bytes;
use lmdb::{Cursor, Transaction};

use crate::error::{Error, Result};
use crate::storage::codec;
use crate::store::{store_ops, Core};
use crate::txn::{ReadTxn, WriteTxn};
use crate::types::KeyType;

impl ReadTxn<'_> {
    /// EXISTS: how many of `keys` exist (a key named twice counts twice).
    ///
    /// # Errors
    /// Only storage errors.
    pub fn exists(&self, keys: &[impl AsRef<[u8]>]) -> Result<u64> {
        let mut count = 0;
        for key in keys {
            if self.lookup(key.as_ref())?.is_some() {
                count += 1;
            }
        }
        Ok(count)
    }

    /// TOUCH: how many of `keys` exist (a key named twice counts twice), as EXISTS.
    ///
    /// Redis's TOUCH also resets the keys' idle time. keyp records only writes, not accesses
    /// (see [`object_idletime`](Self::object_idletime)), so TOUCH changes nothing.
    ///
    /// # Errors
    /// Only storage errors.
    pub fn touch(&self, keys: &[impl AsRef<[u8]>]) -> Result<u64> {
        self.exists(keys)
    }

    /// TYPE: the type of the value at `key`, `None` if there is no such key.
    ///
    /// # Errors
    /// Only storage errors.
    pub fn key_type(&self, key: impl AsRef<[u8]>) -> Result<Option<KeyType>> {
        Ok(self.lookup(key.as_ref())?.map(|meta| meta.kind))
    }

    /// DBSIZE: the number of live keys in the current database. O(n): keys past their deadline
    /// that the expirer has not yet deleted are not counted.
    ///
    /// # Errors
    /// Only storage errors.
    pub fn dbsize(&self) -> Result<u64> {
        let mut count = 0;
        self.for_each_key(self.db, 0, |_, _, _| {
            count += 1;
            Ok(true)
        })?;
        Ok(count)
    }
}

impl WriteTxn<'_> {
    /// DEL: deletes `keys`; the number that existed. O(1) per key whatever its size: the
    /// elements of a collection are freed in the background.
    ///
    /// # Errors
    /// Only storage errors.
    pub fn del(&mut self, keys: &[impl AsRef<[u8]>]) -> Result<u64> {
        let mut count = 0;
        for key in keys {
            if self.delete_key(key.as_ref())? {
                count += 1;
            }
        }
        Ok(count)
    }

    /// UNLINK: as [`del`](Self::del); keyp's DEL is already O(1) per key.
    ///
    /// # Errors
    /// Only storage errors.
    pub fn unlink(&mut self, keys: &[impl AsRef<[u8]>]) -> Result<u64> {
        self.del(keys)
    }

    /// FLUSHDB: deletes every key of the current database.
    ///
    /// # Errors
    /// Only storage errors.
    pub fn flushdb(&mut self) -> Result<()> {
        let db = self.db;
        self.flush_db_index(db)
    }

    /// FLUSHALL: deletes every key of every database.
    ///
    /// # Errors
    /// Only storage errors.
    pub fn flushall(&mut self) -> Result<()> {
        self.clear_all()?;
        for db in 0..self.core.databases {
            self.flushed_db(db as u8);
        }
        Ok(())
    }

    /// Empties every database at once: `keys`, `elements`, `expiry` and the reclaim queue
    /// have their pages freed without a visit to each entry (so a flush leaves the reclaimer
    /// nothing to do). Key ids go on from where they were (`system` stays).
    fn clear_all(&mut self) -> Result<()> {
        let storage = &self.core.storage;
        for db in [
            storage.keys,
            storage.elements,
            storage.expiry,
            storage.reclaim,
        ] {
            self.clear_raw(db)?;
        }
        Ok(())
    }

    /// Whether no database but `db` has a key (expired or not).
    fn alone_in_store(&self, db: u8) -> Result<bool> {
        let cursor = self
            .raw
            .open_ro_cursor(self.core.storage.keys)
            .map_err(|e| self.lmdb_err(e))?;
        let end = |op| match cursor.get(None, None, op) {
            Ok((Some(key), _)) => Ok(key.first().copied()),
            Ok((None, _)) | Err(lmdb::Error::NotFound) => Ok(None),
            Err(e) => Err(self.lmdb_err(e)),
        };
        let first = end(lmdb_sys::MDB_FIRST)?;
        let last = end(lmdb_sys::MDB_LAST)?;
        Ok(first.unwrap_or(db) == db && last.unwrap_or(db) == db)
    }

    fn flush_db_index(&mut self, db: u8) -> Result<()> {
        if self.alone_in_store(db)? {
            self.clear_all()?;
            self.flushed_db(db);
            return Ok(());
        }
        let storage = &self.core.storage;
        let (keys, expiry) = (storage.keys, storage.expiry);
        // Collections' elements go to the reclaimer; their records and index entries go now.
        let mut collections = Vec::new();
        let mut deadlines = Vec::new();
        self.for_each_record(db, |encoded, info| {
            if info.has_elements() {
                collections.push(info);
            }
            if info.expire_at_ms != 0 {
                deadlines.push(codec::ExpiryKey::new(info.expire_at_ms, encoded));
            }
        })?;
        for info in &collections {
            self.forget_elements(info)?;
        }
        for deadline in &deadlines {
            self.del_raw(expiry, deadline.as_bytes())?;
        }
        while self.delete_prefix(keys, &[db], 100_000)? > 0 {}
        self.flushed_db(db);
        Ok(())
    }

    /// Visits every record of database `db`, expired or not.
    fn for_each_record(
        &self,
        db: u8,
        mut visit: impl FnMut(&codec::EncodedKey, crate::txn::KeyInfo),
    ) -> Result<()> {
        let mut cursor = self
            .raw
            .open_ro_cursor(self.core.storage.keys)
            .map_err(|e| self.lmdb_err(e))?;
        for item in cursor.iter_from([db]) {
            let (raw_key, raw) = item.map_err(|e| self.lmdb_err(e))?;
            if raw_key.first() != Some(&db) {
                break;
            }
            let encoded = codec::EncodedKey::from_raw(raw_key).ok_or(Error::Corrupt("key"))?;
            let meta = crate::storage::meta::Meta::decode(raw)?;
            visit(&encoded, crate::txn::KeyInfo::of(&meta)?);
        }
        Ok(())
    }
}

impl crate::Store {
    /// The number of entries in the expiry index, over every database: keys with a deadline,
    /// including expired ones the background expirer has not deleted yet. For tests of the
    /// expirer; not part of the stable API.
    ///
    /// # Errors
    /// Only storage errors.
    #[doc(hidden)]
    pub fn pending_expiries(&self) -> Result<u64> {
        self.read(|r| {
            let stat = r
                .raw
                .stat(r.core.storage.expiry)
                .map_err(|e| r.lmdb_err(e))?;
            Ok(stat.entries() as u64)
        })
    }
}

impl crate::Store {
    /// The number of deleted or overwritten collections whose elements the background
    /// reclaimer has not finished freeing yet. For tests of reclaiming; not part of the stable
    /// API.
    ///
    /// # Errors
    /// Only storage errors.
    #[doc(hidden)]
    pub fn pending_reclaim(&self) -> Result<u64> {
        self.read(|r| {
            let stat = r
                .raw
                .stat(r.core.storage.reclaim)
                .map_err(|e| r.lmdb_err(e))?;
            Ok(stat.entries() as u64)
        })
    }

    /// The number of entries in the `elements` database, over every database: members,
    /// fields and items of live collections plus those still waiting for the reclaimer. For
    /// tests of reclaiming; not part of the stable API.
    ///
    /// # Errors
    /// Only storage errors.
    #[doc(hidden)]
    pub fn stored_elements(&self) -> Result<u64> {
        self.read(|r| {
            let stat = r
                .raw
                .stat(r.core.storage.elements)
                .map_err(|e| r.lmdb_err(e))?;
            Ok(stat.entries() as u64)
        })
    }

    /// Runs one reclaimer step in the caller's thread: frees up to `limit` elements of the
    /// oldest queued collection; false once nothing was queued. For tests with
    /// [`StoreOptions::background_reclaim`](crate::StoreOptions::background_reclaim) off; not
    /// part of the stable API.
    ///
    /// # Errors
    /// Only storage errors.
    #[doc(hidden)]
    pub fn reclaim_step(&self, limit: usize) -> Result<bool> {
        reclaim_batch(self.core(), limit)
    }
}

store_ops! {
    /// EXISTS; see [`ReadTxn::exists`].
    read fn exists(keys: &[impl AsRef<[u8]>]) -> u64;
    /// TOUCH; see [`ReadTxn::touch`].
    read fn touch(keys: &[impl AsRef<[u8]>]) -> u64;
    /// TYPE; see [`ReadTxn::key_type`].
    read fn key_type(key: impl AsRef<[u8]>) -> Option<KeyType>;
    /// DBSIZE; see [`ReadTxn::dbsize`].
    read fn dbsize() -> u64;
    /// DEL; see [`WriteTxn::del`].
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// store.set("a", "1")?;
    /// assert_eq!(store.del(&["a", "b"])?, 1);
    /// assert_eq!(store.exists(&["a"])?, 0);
    /// # Ok(()) }
    /// ```
    write fn del(keys: &[impl AsRef<[u8]>]) -> u64;
    /// UNLINK; see [`WriteTxn::unlink`].
    write fn unlink(keys: &[impl AsRef<[u8]>]) -> u64;
    /// FLUSHDB; see [`WriteTxn::flushdb`].
    write fn flushdb() -> ();
    /// FLUSHALL; see [`WriteTxn::flushall`].
    write fn flushall() -> ();
    /// SCAN; see [`ReadTxn::scan`].
    ///
    /// ```
    /// use keyp::{KeyType, ScanOptions};
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// store.mset(&[("a:1", "x"), ("a:2", "y"), ("b:1", "z")])?;
    /// let options = ScanOptions::new().pattern("a:*").key_type(KeyType::String);
    /// let (mut cursor, mut found) = (0, Vec::new());
    /// loop {
    ///     let (next, keys) = store.scan(cursor, &options)?;
    ///     found.extend(keys);
    ///     cursor = next;
    ///     if cursor == 0 {
    ///         break;
    ///     }
    /// }
    /// found.sort();
    /// assert_eq!(found, ["a:1", "a:2"]);
    /// # Ok(()) }
    /// ```
    read fn scan(cursor: u64, options: &ScanOptions) -> (u64, Vec<Bytes>);
    /// KEYS; see [`ReadTxn::keys`].
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// store.mset(&[("user:1", "a"), ("user:2", "b"), ("order:1", "c")])?;
    /// let mut users = store.keys("user:*")?;
    /// users.sort();
    /// assert_eq!(users, ["user:1", "user:2"]);
    /// assert_eq!(store.keys("user:[^1]")?, ["user:2"]);
    /// # Ok(()) }
    /// ```
    read fn keys(pattern: impl AsRef<[u8]>) -> Vec<Bytes>;
    /// RANDOMKEY; see [`ReadTxn::randomkey`].
    read fn randomkey() -> Option<Bytes>;
    /// OBJECT ENCODING; see [`ReadTxn::object_encoding`].
    read fn object_encoding(key: impl AsRef<[u8]>) -> Option<&'static str>;
    /// OBJECT REFCOUNT; see [`ReadTxn::object_refcount`].
    read fn object_refcount(key: impl AsRef<[u8]>) -> Option<u64>;
    /// OBJECT IDLETIME; see [`ReadTxn::object_idletime`].
    read fn object_idletime(key: impl AsRef<[u8]>) -> Option<u64>;
    /// OBJECT FREQ; see [`ReadTxn::object_freq`].
    read fn object_freq(key: impl AsRef<[u8]>) -> Option<u64>;
    /// RENAME; see [`WriteTxn::rename`].
    write fn rename(src: impl AsRef<[u8]>, dst: impl AsRef<[u8]>) -> ();
    /// RENAMENX; see [`WriteTxn::renamenx`].
    write fn renamenx(src: impl AsRef<[u8]>, dst: impl AsRef<[u8]>) -> bool;
    /// COPY; see [`WriteTxn::copy`].
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// store.set("template", "v1")?;
    /// assert!(store.copy("template", "draft", None, false)?);
    /// assert!(store.copy("template", "draft", Some(1), false)?);
    /// assert!(!store.copy("template", "draft", None, false)?); // exists, no REPLACE
    /// assert_eq!(store.select(1)?.get("draft")?.as_deref(), Some(&b"v1"[..]));
    /// # Ok(()) }
    /// ```
    write fn copy(src: impl AsRef<[u8]>, dst: impl AsRef<[u8]>, db: Option<u32>, replace: bool) -> bool;
    /// MOVE; see [`WriteTxn::move_key`].
    write fn move_key(key: impl AsRef<[u8]>, db: u32) -> bool;
    /// SWAPDB; see [`WriteTxn::swapdb`].
    write fn swapdb(a: u32, b: u32) -> ();
}

/// One reclaimer step: frees up to `limit` elements of the oldest dropped collection. True if
/// work remains.
pub(crate) fn reclaim_batch(core: &Core, limit: usize) -> Result<bool> {
    let pending = core.read(0, |r| {
        let mut cursor = r
            .raw
            .open_ro_cursor(core.storage.reclaim)
            .map_err(|e| r.lmdb_err(e))?;
        let first = cursor.iter_start().next();
        Ok(match first {
            Some(Ok((key_id, _))) => Some(key_id.to_vec()),
            _ => None,
        })
    })?;
    let Some(key_id) = pending else {
        return Ok(false);
    };
    core.write(0, |tx| {
        let elements = core.storage.elements;
        let freed = tx.delete_prefix(elements, &key_id, limit)?;
        if freed < limit {
            tx.del_raw(core.storage.reclaim, &key_id)?;
        }
        Ok(true)
    })
}
