//! What every collection type shares: its metadata header (key id, element count, type state),
//! creating it on first write, deleting it when its last element goes, and reading, writing and
//! walking its entries in the `elements` database.
//!
//! Invariant: a collection's record exists exactly while it has at least one element, and its
//! `count` is the number of its primary elements (hash fields, set members, zset members, list
//! items); secondary index entries (zset scores, field deadlines) are not counted.

use lmdb::{Cursor, Transaction, WriteFlags};
use lmdb_sys::{MDB_LAST, MDB_NEXT, MDB_PREV, MDB_SET_KEY, MDB_SET_RANGE};

use crate::error::{Error, Result};
use crate::storage::codec::EncodedKey;
use crate::storage::element::{self, ElementKey, ElementKind};
use crate::storage::meta;
use crate::txn::{ReadTxn, WriteTxn};
use crate::types::KeyType;

/// A collection's header, owned so the record can be rewritten after its elements change.
#[derive(Clone)]
pub(crate) struct Collection {
    pub(crate) encoded: EncodedKey,
    pub(crate) kind: KeyType,
    pub(crate) key_id: u64,
    pub(crate) count: u64,
    pub(crate) expire_at_ms: u64,
    /// Type state stored after key id and count (list head and tail, ...).
    pub(crate) state: Vec<u8>,
    /// True until the record is first written.
    pub(crate) is_new: bool,
}

/// A live collection's header borrowed from the snapshot.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CollectionView<'a> {
    pub(crate) key_id: u64,
    pub(crate) count: u64,
    pub(crate) state: &'a [u8],
}

/// One entry met by a walk: its 8-byte order (hash, sequence or encoded score), the full
/// element, and the payload.
pub(crate) struct Entry<'a> {
    pub(crate) order: [u8; 8],
    pub(crate) element: &'a [u8],
    pub(crate) payload: &'a [u8],
}

impl ReadTxn<'_> {
    /// The live collection at `key` if it has type `kind`; [`Error::WrongType`] for another type.
    pub(crate) fn collection(
        &self,
        key: &[u8],
        kind: KeyType,
    ) -> Result<Option<CollectionView<'_>>> {
        let Some(meta) = self.lookup_typed(key, kind)? else {
            return Ok(None);
        };
        let (key_id, count, state) = meta.collection()?;
        Ok(Some(CollectionView {
            key_id,
            count,
            state,
        }))
    }

    /// The payload stored for `element` of a hashed kind, if present.
    pub(crate) fn element(
        &self,
        key_id: u64,
        kind: ElementKind,
        element: &[u8],
    ) -> Result<Option<&[u8]>> {
        let key = ElementKey::hashed(key_id, kind, element);
        self.element_at(&key, element)
    }

    /// The payload stored under an element key, verifying the full element of the long form.
    pub(crate) fn element_at<'t>(
        &'t self,
        key: &ElementKey,
        element: &[u8],
    ) -> Result<Option<&'t [u8]>> {
        let raw = match self.raw.get(self.core.storage.elements, &key.as_bytes()) {
            Ok(raw) => raw,
            Err(lmdb::Error::NotFound) => return Ok(None),
            Err(e) => return Err(self.lmdb_err(e)),
        };
        entry_payload(key.as_bytes(), element, raw).map(Some)
    }

    /// Walks the entries of kind `kind` of collection `key_id`, forward from order `from`
    /// (inclusive) or backward from just before order `before` (exclusive; `None` = from the
    /// last), until `visit` returns false.
    pub(crate) fn walk(
        &self,
        key_id: u64,
        kind: ElementKind,
        direction: Walk,
        mut visit: impl FnMut(Entry<'_>) -> Result<bool>,
    ) -> Result<()> {
        let prefix = element::kind_prefix(key_id, kind);
        let cursor = self
            .raw
            .open_ro_cursor(self.core.storage.elements)
            .map_err(|e| self.lmdb_err(e))?;
        let (mut item, step) = match direction {
            Walk::Forward(from) => {
                let start = element::seek(key_id, kind, from);
                (cursor.get(Some(&start), None, MDB_SET_RANGE), MDB_NEXT)
            }
            Walk::Backward(before) => {
                // Position on the first key past the range, then step back.
                let end = match before {
                    Some(order) => element::seek(key_id, kind, order).to_vec(),
                    None => end_of_kind(key_id, kind),
                };
                let item = match cursor.get(Some(&end), None, MDB_SET_RANGE) {
                    Ok(_) => cursor.get(None, None, MDB_PREV),
                    Err(lmdb::Error::NotFound) => cursor.get(None, None, MDB_LAST),
                    Err(e) => Err(e),
                };
                (item, MDB_PREV)
            }
        };
        loop {
            let (raw_key, value) = match item {
                Ok((Some(k), v)) => (k, v),
                Ok((None, _)) | Err(lmdb::Error::NotFound) => break,
                Err(e) => return Err(self.lmdb_err(e)),
            };
            if !raw_key.starts_with(&prefix) {
                break;
            }
            let order = element::order_of(raw_key).ok_or(Error::Corrupt("element key"))?;
            let (element, payload) =
                element::split_entry(raw_key, value).ok_or(Error::Corrupt("element entry"))?;
            if !visit(Entry {
                order,
                element,
                payload,
            })? {
                break;
            }
            item = cursor.get(None, None, step);
        }
        Ok(())
    }
}

/// The argument checks LMPOP, BLMPOP, ZMPOP and BZMPOP share, in Redis's order: at least one
/// key ([`Error::NumkeysNotPositive`]), then a COUNT of at least 1 ([`Error::CountNotPositive`]).
pub(crate) fn check_mpop_args(keys: usize, count: u64) -> Result<()> {
    if keys == 0 {
        return Err(Error::NumkeysNotPositive);
    }
    if count == 0 {
        return Err(Error::CountNotPositive);
    }
    Ok(())
}

/// The direction and start of a [`ReadTxn::walk`].
#[derive(Clone, Copy, Debug)]
pub(crate) enum Walk {
    /// Ascending from this order, inclusive.
    Forward([u8; 8]),
    /// Descending from just before this order (exclusive), or from the last entry.
    Backward(Option<[u8; 8]>),
}

/// The first possible key after every entry of `kind` of collection `key_id`.
fn end_of_kind(key_id: u64, kind: ElementKind) -> Vec<u8> {
    let mut end = element::kind_prefix(key_id, kind).to_vec();
    end[8] = end[8].wrapping_add(1);
    if end[8] == 0 {
        // Kind 255 has no successor byte; move to the next key id.
        end = (key_id.wrapping_add(1)).to_be_bytes().to_vec();
    }
    end
}

/// The payload in `raw`, the stored value of element key `key` built for `element`,
/// verifying the full element of the long form.
fn entry_payload<'a>(key: &[u8], element: &[u8], raw: &'a [u8]) -> Result<&'a [u8]> {
    let (stored, payload) = if element::is_long(key) {
        element::split_long_value(raw).ok_or(Error::Corrupt("element entry"))?
    } else {
        (element, raw)
    };
    if stored != element {
        return Err(Error::Corrupt("long element hash collision"));
    }
    Ok(payload)
}

impl WriteTxn<'_> {
    /// The live collection at `key` of type `kind`, for modification.
    pub(crate) fn open_collection(
        &mut self,
        key: &[u8],
        kind: KeyType,
    ) -> Result<Option<Collection>> {
        // The state read in the same search.
        let found = self.find_typed_with(key, kind, |body| {
            meta::collection_parts(body).map(|(_, _, state)| state.to_vec())
        })?;
        let Some((encoded, info, state)) = found else {
            return Ok(None);
        };
        let state = state?;
        Ok(Some(Collection {
            encoded,
            kind,
            key_id: info.key_id,
            count: info.count,
            expire_at_ms: info.expire_at_ms,
            state,
            is_new: false,
        }))
    }

    /// The collection at `key`, or a new empty one with `initial_state` and a fresh key id (not
    /// stored until [`save_collection`](Self::save_collection) with a non-zero count).
    pub(crate) fn open_or_create(
        &mut self,
        key: &[u8],
        kind: KeyType,
        initial_state: &[u8],
    ) -> Result<Collection> {
        if let Some(found) = self.open_collection(key, kind)? {
            return Ok(found);
        }
        let key_id = self.allocate_key_id()?;
        Ok(Collection {
            encoded: EncodedKey::new(self.db, key),
            kind,
            key_id,
            count: 0,
            expire_at_ms: 0,
            state: initial_state.to_vec(),
            is_new: true,
        })
    }

    /// Writes a collection's header back: its record with the new count and state, or, when
    /// the count is zero, deletes the key (an emptied collection disappears, as in Redis).
    pub(crate) fn save_collection(&mut self, key: &[u8], collection: &Collection) -> Result<()> {
        if collection.count == 0 {
            if !collection.is_new {
                let info = crate::txn::KeyInfo {
                    kind: collection.kind,
                    flags: 0,
                    expire_at_ms: collection.expire_at_ms,
                    key_id: collection.key_id,
                    // Its elements are already gone: nothing to reclaim.
                    count: 0,
                };
                self.remove(&collection.encoded, key, &info)?;
            }
            return Ok(());
        }
        let header = self.header(key, collection.kind, 0, collection.expire_at_ms);
        let header_len = header.len();
        // Sized once: the header, the key id, the count and the state.
        let mut record = Vec::with_capacity(header_len + 16 + collection.state.len());
        record.resize(header_len, 0);
        header.write(&mut record);
        record.extend_from_slice(&collection.key_id.to_be_bytes());
        record.extend_from_slice(&collection.count.to_be_bytes());
        record.extend_from_slice(&collection.state);
        // A write that changed only elements (an update in place) within the second of the
        // last one leaves the record as it is: rewriting equal bytes would still copy its page
        // (and the pages above it) in the transaction.
        let unchanged = !collection.is_new
            && self.record_here(collection.encoded.as_bytes())? == Some(&record[..]);
        if !unchanged {
            self.put_record_here(collection.encoded.as_bytes(), &record)?;
        }
        self.touch(collection.encoded.db(), key);
        Ok(())
    }

    /// Stores `payload` for `element` under `key` (an element key built for it).
    pub(crate) fn put_element(
        &mut self,
        key: &ElementKey,
        element: &[u8],
        payload: &[u8],
    ) -> Result<()> {
        let mut value = Vec::new();
        element::entry_value(element, payload, &mut value);
        let elements = self.core.storage.elements;
        self.put_raw(elements, key.as_bytes(), &value)
    }

    /// Writes `payload` for `element` under `key`, as [`put_element`](Self::put_element), and
    /// returns the payload it replaced, if any, in one descent of the B-tree (see
    /// [`update_element`](Self::update_element)).
    pub(crate) fn replace_element(
        &mut self,
        key: &ElementKey,
        element: &[u8],
        payload: &[u8],
    ) -> Result<Option<Vec<u8>>> {
        self.update_element(key, element, payload.len(), |old| {
            Ok((Some(payload.to_vec()), old.map(<[u8]>::to_vec)))
        })
    }

    /// A cursor that writes on the `elements` database, once `bytes` of writes through it are
    /// counted towards the transaction's growth (it cannot be counted while the cursor holds
    /// the transaction).
    pub(crate) fn elements_writer(&mut self, bytes: usize) -> Result<ElementsWriter<'_>> {
        self.note_growth(bytes)?;
        let storage = &self.core.storage;
        let (elements, map_size) = (storage.elements, storage.map_size);
        let index = storage.database_index(elements);
        let (raw, logged) = self.raw_and_log()?;
        let cursor = raw
            .open_rw_cursor(elements)
            .map_err(|e| Error::from_lmdb(e, map_size))?;
        Ok(ElementsWriter {
            cursor,
            logged,
            index,
        })
    }

    /// Deletes the entry of `element` under `key` and returns its payload (`None` if absent),
    /// in one descent: the cursor that finds the entry deletes it where it stands.
    pub(crate) fn take_element(
        &mut self,
        key: &ElementKey,
        element: &[u8],
    ) -> Result<Option<bytes::Bytes>> {
        let key = key.as_bytes();
        let map_size = self.core.storage.map_size;
        let err = |e| Error::from_lmdb(e, map_size);
        let mut cursor = self.elements_writer(0)?;
        let payload = match cursor.get(Some(key), None, MDB_SET_KEY) {
            Ok((_, raw)) => bytes::Bytes::copy_from_slice(entry_payload(key, element, raw)?),
            Err(lmdb::Error::NotFound) => return Ok(None),
            Err(e) => return Err(err(e)),
        };
        cursor.del_current(key).map_err(err)?;
        Ok(Some(payload))
    }

    /// Reads the payload of `element` under `key` (`None` if absent) and hands it to `decide`,
    /// which returns the payload to write instead (`None`: write nothing; at most
    /// `max_payload` bytes) and what to return; in one descent of the B-tree: the cursor that
    /// finds the old entry writes the new one where it stands (LMDB then searches only the
    /// leaf page the cursor is on).
    pub(crate) fn update_element<R>(
        &mut self,
        key: &ElementKey,
        element: &[u8],
        max_payload: usize,
        decide: impl FnOnce(Option<&[u8]>) -> Result<(Option<Vec<u8>>, R)>,
    ) -> Result<R> {
        let key = key.as_bytes();
        let map_size = self.core.storage.map_size;
        let err = |e| Error::from_lmdb(e, map_size);
        // Counted for the largest write `decide` may ask for.
        let mut cursor = self.elements_writer(key.len() + element.len() + max_payload)?;
        let (payload, out, existed) = match cursor.get(Some(key), None, MDB_SET_RANGE) {
            Ok((Some(found), raw)) if found == key => {
                let (payload, out) = decide(Some(entry_payload(key, element, raw)?))?;
                (payload, out, true)
            }
            Ok(_) | Err(lmdb::Error::NotFound) => {
                let (payload, out) = decide(None)?;
                (payload, out, false)
            }
            Err(e) => return Err(err(e)),
        };
        if let Some(payload) = payload {
            let mut value = Vec::new();
            element::entry_value(element, &payload, &mut value);
            let flags = if existed {
                WriteFlags::CURRENT
            } else {
                WriteFlags::empty()
            };
            cursor.put(key, &value, flags).map_err(err)?;
        }
        Ok(out)
    }

    /// Moves `element` of an ordered kind from `old` to `new` (both keys built for it, sharing
    /// their first `prefix` bytes, the key id and kind), storing `payload` under `new`: the
    /// delete, the put and the look at the neighbour between them in one descent of the
    /// B-tree (the put searches only the leaf page the cursor is on when `new` falls in it,
    /// as a small move does). True when another entry with that prefix lies between the two
    /// places, false when none does or `old` was missing.
    pub(crate) fn move_element(
        &mut self,
        old: &ElementKey,
        new: &ElementKey,
        prefix: usize,
        element: &[u8],
        payload: &[u8],
    ) -> Result<bool> {
        let (old, new) = (old.as_bytes(), new.as_bytes());
        let map_size = self.core.storage.map_size;
        let err = |e| Error::from_lmdb(e, map_size);
        let mut value = Vec::new();
        element::entry_value(element, payload, &mut value);
        let mut cursor = self.elements_writer(new.len() + value.len())?;
        let mut apart = false;
        match cursor.get(Some(old), None, MDB_SET_KEY) {
            Ok(_) => {
                let (step, back) = if new > old {
                    (MDB_NEXT, MDB_PREV)
                } else {
                    (MDB_PREV, MDB_NEXT)
                };
                let neighbour = match cursor.get(None, None, step) {
                    Ok((Some(key), _)) if key.get(..prefix) == old.get(..prefix) => Some(key),
                    Ok(_) | Err(lmdb::Error::NotFound) => None,
                    Err(e) => return Err(err(e)),
                };
                apart = neighbour.is_some_and(|key| (key < new) == (new > old));
                // Back onto `old` (at the end of the database the step did not move).
                if neighbour.is_some() {
                    cursor.get(None, None, back).map_err(err)?;
                } else {
                    cursor.get(Some(old), None, MDB_SET_KEY).map_err(err)?;
                }
                cursor.del_current(old).map_err(err)?;
            }
            Err(lmdb::Error::NotFound) => {}
            Err(e) => return Err(err(e)),
        }
        cursor.put(new, &value, WriteFlags::empty()).map_err(err)?;
        Ok(apart)
    }

    /// Deletes the entry under `key`; true if it existed.
    pub(crate) fn del_element(&mut self, key: &ElementKey) -> Result<bool> {
        let elements = self.core.storage.elements;
        self.del_raw(elements, key.as_bytes())
    }
}

/// A cursor writing on the `elements` database (see [`WriteTxn::elements_writer`]): reads
/// through it as through an [`lmdb::RwCursor`]; its writes go to the write-ahead log's record.
pub(crate) struct ElementsWriter<'t> {
    cursor: lmdb::RwCursor<'t>,
    logged: Option<&'t mut Vec<u8>>,
    index: u8,
}

impl ElementsWriter<'_> {
    /// Writes `key` → `value` (see [`lmdb::RwCursor::put`]).
    pub(crate) fn put(&mut self, key: &[u8], value: &[u8], flags: WriteFlags) -> lmdb::Result<()> {
        if let Some(logged) = self.logged.as_deref_mut() {
            crate::storage::wal::encode_put(logged, self.index, key, value);
        }
        self.cursor.put(&key, &value, flags)
    }

    /// Deletes the entry the cursor is on, whose key is `key` (see [`lmdb::RwCursor::del`]).
    pub(crate) fn del_current(&mut self, key: &[u8]) -> lmdb::Result<()> {
        if let Some(logged) = self.logged.as_deref_mut() {
            crate::storage::wal::encode_del(logged, self.index, key);
        }
        self.cursor.del(WriteFlags::empty())
    }
}

impl<'t> std::ops::Deref for ElementsWriter<'t> {
    type Target = lmdb::RwCursor<'t>;

    fn deref(&self) -> &lmdb::RwCursor<'t> {
        &self.cursor
    }
}
