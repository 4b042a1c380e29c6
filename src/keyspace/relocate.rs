//! RENAME, RENAMENX, COPY, MOVE and SWAPDB: commands that put a key's value under another name
//! or in another logical database.
//!
//! A key's record (type, flags, deadline, a string's bytes or a collection's key id) is moved
//! or copied as a whole. A collection's elements are keyed by its key id, not by its name or
//! database, so RENAME, MOVE and SWAPDB never touch them; COPY gives the copy a fresh key id and
//! duplicates the elements under it, which works for every collection type alike.

use lmdb::{Cursor, Transaction};

use crate::error::{Error, Result};
use crate::storage::codec::{EncodedKey, ExpiryKey};
use crate::storage::meta::Meta;
use crate::txn::{KeyInfo, WriteTxn};
use crate::types::KeyType;

/// How many elements COPY reads before writing them, bounding its memory.
const COPY_BATCH: usize = 1024;

impl WriteTxn<'_> {
    /// RENAME: gives the value at `src` the name `dst`, with its deadline, replacing whatever
    /// `dst` held (of any type). Renaming a key to itself succeeds if it exists.
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// store.set("draft", "text")?;
    /// store.rename("draft", "final")?;
    /// assert_eq!(store.get("final")?.as_deref(), Some(&b"text"[..]));
    /// assert!(matches!(store.rename("draft", "x"), Err(keyp::Error::NoSuchKey)));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::NoSuchKey`] when `src` does not exist.
    pub fn rename(&mut self, src: impl AsRef<[u8]>, dst: impl AsRef<[u8]>) -> Result<()> {
        self.rename_key(src.as_ref(), dst.as_ref(), false)
            .map(|_| ())
    }

    /// RENAMENX: as [`rename`](Self::rename), but only if `dst` does not exist; true if the key
    /// was renamed. Renaming an existing key to itself returns false, as in Redis.
    ///
    /// # Errors
    /// [`Error::NoSuchKey`] when `src` does not exist.
    pub fn renamenx(&mut self, src: impl AsRef<[u8]>, dst: impl AsRef<[u8]>) -> Result<bool> {
        self.rename_key(src.as_ref(), dst.as_ref(), true)
    }

    /// COPY: copies the value at `src` to `dst` in database `db` (the current one if `None`),
    /// with its deadline; true if copied. Without `replace`, an existing `dst` makes it return
    /// false; with it, `dst` is overwritten whatever its type. A missing `src` returns false.
    ///
    /// # Errors
    /// [`Error::DbIndexOutOfRange`] for a database index not below the configured number;
    /// [`Error::SameObject`] when `src` and `dst` are the same key in the same database
    /// (whether or not it exists).
    pub fn copy(
        &mut self,
        src: impl AsRef<[u8]>,
        dst: impl AsRef<[u8]>,
        db: Option<u32>,
        replace: bool,
    ) -> Result<bool> {
        let (src, dst) = (src.as_ref(), dst.as_ref());
        let target = match db {
            Some(db) => self.core.check_db(db)?,
            None => self.db,
        };
        if target == self.db && src == dst {
            return Err(Error::SameObject);
        }
        let Some((src_encoded, info)) = self.find(src)? else {
            return Ok(false);
        };
        let body = self.body_of(&src_encoded, src)?;
        if let Some((dst_encoded, dst_info)) = self.in_db(target, |tx| tx.find(dst))? {
            if !replace {
                return Ok(false);
            }
            self.remove(&dst_encoded, dst, &dst_info)?;
        }
        let body = self.duplicate_elements(&info, body)?;
        self.place_record(&EncodedKey::new(target, dst), dst, &info, &body)?;
        Ok(true)
    }

    /// MOVE: moves `key` with its deadline to database `db`; true if moved, false if `key` does
    /// not exist here or already exists there.
    ///
    /// # Errors
    /// [`Error::DbIndexOutOfRange`] for a database index not below the configured number;
    /// [`Error::SameObject`] when `db` is the current database.
    pub fn move_key(&mut self, key: impl AsRef<[u8]>, db: u32) -> Result<bool> {
        let key = key.as_ref();
        let target = self.core.check_db(db)?;
        if target == self.db {
            return Err(Error::SameObject);
        }
        let Some((encoded, info)) = self.find(key)? else {
            return Ok(false);
        };
        if self.in_db(target, |tx| tx.find(key))?.is_some() {
            return Ok(false);
        }
        let body = self.body_of(&encoded, key)?;
        self.unlink_record(&encoded, key, &info)?;
        self.place_record(&encoded.with_db(target), key, &info, &body)?;
        Ok(true)
    }

    /// SWAPDB: exchanges the contents of databases `a` and `b`; swapping a database with itself
    /// does nothing.
    ///
    /// Redis swaps two pointers, O(1). keyp rewrites the records: O(n) in the number of keys of
    /// the two databases (each key's metadata record and expiry index entry, with a string's
    /// bytes, which live in its record). A collection's elements are keyed by its key id, not
    /// its database, so they are not touched. Memory use stays at one record at a time.
    ///
    /// # Errors
    /// [`Error::DbIndexOutOfRange`] when either index is not below the configured number.
    pub fn swapdb(&mut self, a: u32, b: u32) -> Result<()> {
        let (a, b) = (self.core.check_db(a)?, self.core.check_db(b)?);
        if a == b {
            return Ok(());
        }
        // Redis marks a watched key of either database changed only if it exists in one of
        // them (the others read the same before and after). A watch that begins while this
        // runs is not listed, so it counts the swap as a change: on the safe side.
        for (db, key) in self.core.notify.watched_in(&[a, b]) {
            if self.in_db(a, |tx| tx.find(&key))?.is_none()
                && self.in_db(b, |tx| tx.find(&key))?.is_none()
            {
                self.swap_leaves(db, &key);
            }
        }
        // Walk the union of both databases' slots (everything after the db byte) in order.
        // Each slot is swapped once; slots not yet reached are untouched, so "the next slot
        // after the last one swapped" is always well defined.
        let mut next_a = self.next_slot(a, None)?;
        let mut next_b = self.next_slot(b, None)?;
        loop {
            let slot = match (&next_a, &next_b) {
                (None, None) => break,
                (Some(x), None) | (None, Some(x)) => x.clone(),
                (Some(x), Some(y)) => x.min(y).clone(),
            };
            self.swap_slot(a, b, &slot)?;
            if next_a.as_ref() == Some(&slot) {
                next_a = self.next_slot(a, Some(&slot))?;
            }
            if next_b.as_ref() == Some(&slot) {
                next_b = self.next_slot(b, Some(&slot))?;
            }
        }
        self.touch_db(a);
        self.touch_db(b);
        Ok(())
    }

    fn rename_key(&mut self, src: &[u8], dst: &[u8], nx: bool) -> Result<bool> {
        let Some((src_encoded, info)) = self.find(src)? else {
            return Err(Error::NoSuchKey);
        };
        if src == dst {
            return Ok(!nx);
        }
        if let Some((dst_encoded, dst_info)) = self.find(dst)? {
            if nx {
                return Ok(false);
            }
            self.remove(&dst_encoded, dst, &dst_info)?;
        }
        let body = self.body_of(&src_encoded, src)?;
        self.unlink_record(&src_encoded, src, &info)?;
        self.place_record(&EncodedKey::new(self.db, dst), dst, &info, &body)?;
        Ok(true)
    }

    /// Runs `f` with database `db` selected, then selects the current one again.
    fn in_db<R>(&mut self, db: u8, f: impl FnOnce(&mut Self) -> Result<R>) -> Result<R> {
        let home = self.db;
        self.select(u32::from(db))?;
        let out = f(self);
        self.select(u32::from(home))?;
        out
    }

    /// A copy of the body of an existing key's record.
    fn body_of(&self, encoded: &EncodedKey, key: &[u8]) -> Result<Vec<u8>> {
        match self.meta_any(encoded, key)? {
            Some(meta) => Ok(meta.body.to_vec()),
            None => Err(Error::Corrupt("record of a key just found")),
        }
    }

    /// Deletes a key's record and expiry index entry, leaving a collection's elements alone
    /// (they go with the record to its new place).
    fn unlink_record(&mut self, encoded: &EncodedKey, key: &[u8], info: &KeyInfo) -> Result<()> {
        let keys = self.core.storage.keys;
        self.del_raw(keys, encoded.as_bytes())?;
        self.reindex_expiry(encoded, info.expire_at_ms, 0)?;
        self.touch(encoded.db(), key);
        Ok(())
    }

    /// Writes a record with `info`'s type, flags and deadline and `body` at a free slot.
    fn place_record(
        &mut self,
        encoded: &EncodedKey,
        key: &[u8],
        info: &KeyInfo,
        body: &[u8],
    ) -> Result<()> {
        let header = self.header(key, info.kind, info.flags, info.expire_at_ms);
        self.put_record(encoded, &header, body)?;
        self.reindex_expiry(encoded, 0, info.expire_at_ms)?;
        if info.kind == KeyType::Hash {
            // The index of hashes with field deadlines names the record's place.
            crate::types::hash::relocated(self, encoded, body)?;
        }
        self.touch(encoded.db(), key);
        Ok(())
    }

    /// For a collection: copies its elements under a fresh key id and returns `body` pointing
    /// at them. A string's body is its value and is returned as is.
    fn duplicate_elements(&mut self, info: &KeyInfo, mut body: Vec<u8>) -> Result<Vec<u8>> {
        if info.kind == KeyType::String {
            return Ok(body);
        }
        let Some(id_bytes) = body.get_mut(..8) else {
            return Err(Error::Corrupt("collection header"));
        };
        let new_id = self.allocate_key_id()?;
        id_bytes.copy_from_slice(&new_id.to_be_bytes());
        let old_prefix = info.key_id.to_be_bytes();
        let new_prefix = new_id.to_be_bytes();
        let elements = self.core.storage.elements;
        let mut after: Option<Vec<u8>> = None;
        loop {
            let batch = self.element_batch(&old_prefix, after.as_deref())?;
            let mut new_key = Vec::new();
            for (old_key, value) in &batch {
                new_key.clear();
                new_key.extend_from_slice(&new_prefix);
                new_key.extend_from_slice(old_key.get(8..).unwrap_or_default());
                self.put_raw(elements, &new_key, value)?;
            }
            if batch.len() < COPY_BATCH {
                return Ok(body);
            }
            after = batch.into_iter().last().map(|(key, _)| key);
        }
    }

    /// Up to [`COPY_BATCH`] element entries under `prefix`, after the entry `after` if given.
    fn element_batch(
        &self,
        prefix: &[u8],
        after: Option<&[u8]>,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let mut cursor = self
            .raw
            .open_ro_cursor(self.core.storage.elements)
            .map_err(|e| self.lmdb_err(e))?;
        let mut batch = Vec::new();
        for item in cursor.iter_from(after.unwrap_or(prefix)) {
            let (key, value) = item.map_err(|e| self.lmdb_err(e))?;
            if !key.starts_with(prefix) || batch.len() >= COPY_BATCH {
                break;
            }
            if Some(key) == after {
                continue;
            }
            batch.push((key.to_vec(), value.to_vec()));
        }
        Ok(batch)
    }

    /// The first slot (encoded key without its db byte) of database `db` after `after`, or
    /// its first slot.
    fn next_slot(&self, db: u8, after: Option<&[u8]>) -> Result<Option<Vec<u8>>> {
        let mut seek = vec![db];
        seek.extend_from_slice(after.unwrap_or_default());
        let mut cursor = self
            .raw
            .open_ro_cursor(self.core.storage.keys)
            .map_err(|e| self.lmdb_err(e))?;
        for item in cursor.iter_from(&seek) {
            let (encoded, _) = item.map_err(|e| self.lmdb_err(e))?;
            if encoded.first() != Some(&db) {
                break;
            }
            if after.is_some() && encoded == seek.as_slice() {
                continue;
            }
            return Ok(encoded.get(1..).map(<[u8]>::to_vec));
        }
        Ok(None)
    }

    /// Exchanges whatever databases `a` and `b` hold at `slot`, with expiry index entries.
    fn swap_slot(&mut self, a: u8, b: u8, slot: &[u8]) -> Result<()> {
        let encode = |db: u8| {
            let mut raw = vec![db];
            raw.extend_from_slice(slot);
            EncodedKey::from_raw(&raw).ok_or(Error::Corrupt("key record"))
        };
        let (key_a, key_b) = (encode(a)?, encode(b)?);
        let record_a = self.owned_record(&key_a)?;
        let record_b = self.owned_record(&key_b)?;
        let (keys, expiry) = (self.core.storage.keys, self.core.storage.expiry);
        for (record, from) in [(&record_a, &key_a), (&record_b, &key_b)] {
            if let Some((_, deadline)) = record.as_ref().filter(|(_, d)| *d != 0) {
                self.del_raw(expiry, ExpiryKey::new(*deadline, from).as_bytes())?;
            }
        }
        for (record, to) in [(&record_a, &key_b), (&record_b, &key_a)] {
            match record {
                Some((raw, deadline)) => {
                    self.put_raw(keys, to.as_bytes(), raw)?;
                    let meta = Meta::decode(raw)?;
                    if meta.kind == KeyType::Hash {
                        crate::types::hash::relocated(self, to, meta.body)?;
                    }
                    if *deadline != 0 {
                        self.put_raw(expiry, ExpiryKey::new(*deadline, to).as_bytes(), &[])?;
                    }
                }
                None => {
                    self.del_raw(keys, to.as_bytes())?;
                }
            }
        }
        Ok(())
    }

    /// A copy of the raw record at `encoded` and its deadline.
    fn owned_record(&self, encoded: &EncodedKey) -> Result<Option<(Vec<u8>, u64)>> {
        match self.record(encoded.as_bytes())? {
            Some(raw) => Ok(Some((raw.to_vec(), Meta::decode(raw)?.expire_at_ms))),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::storage::meta::Header;
    use crate::txn::WriteTxn;
    use crate::types::KeyType;
    use crate::Store;

    /// Writes a fake list record with `count` elements, as a collection type will store it.
    fn fake_collection(tx: &mut WriteTxn<'_>, key: &[u8], count: u64) -> crate::Result<u64> {
        let id = tx.allocate_key_id()?;
        let mut body = id.to_be_bytes().to_vec();
        body.extend_from_slice(&count.to_be_bytes());
        body.extend_from_slice(b"state");
        let header: Header<'_> = tx.header(key, KeyType::List, 0, 0);
        tx.put_record(&super::EncodedKey::new(tx.db, key), &header, &body)?;
        for i in 0..count {
            let mut element = id.to_be_bytes().to_vec();
            element.push(7);
            element.extend_from_slice(&i.to_be_bytes());
            tx.put_raw(
                tx.core.storage.elements,
                &element,
                format!("v{i}").as_bytes(),
            )?;
        }
        Ok(id)
    }

    fn elements_of(tx: &WriteTxn<'_>, id: u64) -> crate::Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let mut out = Vec::new();
        let mut after: Option<Vec<u8>> = None;
        loop {
            let batch = tx.element_batch(&id.to_be_bytes(), after.as_deref())?;
            let done = batch.len() < super::COPY_BATCH;
            after = batch.last().map(|(k, _)| k.clone());
            out.extend(batch.into_iter().map(|(k, v)| (k[8..].to_vec(), v)));
            if done {
                return Ok(out);
            }
        }
    }

    #[test]
    fn copy_duplicates_a_collections_elements_under_a_new_key_id() -> crate::Result<()> {
        let dir = tempfile::tempdir()?;
        let store = Store::open(dir.path())?;
        store.transaction(|tx| {
            let count = 2 * super::COPY_BATCH as u64 + 5;
            let old_id = fake_collection(tx, b"list", count)?;
            assert!(tx.copy("list", "copy", Some(3), false)?);
            tx.select(3)?;
            let (_, info) = tx.find(b"copy")?.ok_or(crate::Error::NoSuchKey)?;
            assert_eq!(info.kind, KeyType::List);
            assert_eq!(info.count, count);
            assert_ne!(info.key_id, old_id);
            let old = elements_of(tx, old_id)?;
            assert_eq!(old.len() as u64, count);
            assert_eq!(elements_of(tx, info.key_id)?, old);
            let meta = tx.lookup(b"copy")?.ok_or(crate::Error::NoSuchKey)?;
            assert_eq!(meta.collection()?.2, b"state");
            Ok(())
        })
    }

    #[test]
    fn rename_and_move_keep_a_collections_key_id() -> crate::Result<()> {
        let dir = tempfile::tempdir()?;
        let store = Store::open(dir.path())?;
        store.transaction(|tx| {
            let id = fake_collection(tx, b"list", 3)?;
            tx.rename("list", "renamed")?;
            assert!(tx.move_key("renamed", 2)?);
            tx.swapdb(2, 5)?;
            tx.select(5)?;
            let (_, info) = tx.find(b"renamed")?.ok_or(crate::Error::NoSuchKey)?;
            assert_eq!((info.kind, info.key_id, info.count), (KeyType::List, id, 3));
            assert_eq!(elements_of(tx, id)?.len(), 3);
            Ok(())
        })
    }
}
