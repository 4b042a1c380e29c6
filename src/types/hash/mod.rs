//! Hashes: HSET, HGET and the other field commands (`fields`), HRANDFIELD and HSCAN
//! (`random`), and Redis 7.4's per-field expiry: the HEXPIRE family, the HTTL family and
//! HPERSIST (`expire`).
//!
//! # Layout
//!
//! A hash is a collection (see `types::collection`): its record holds the key id, the number
//! of stored fields and the state below; every field is an element.
//!
//! ```text
//! elements  key_id + HashField + hash(field) + field        → 0x00 + value
//!                                                            | 0x01 + deadline_ms:u64 + value
//!           key_id + HashFieldExpiry + deadline_ms + field  → empty   (this hash's deadlines)
//!           0 + HashFieldExpiry + deadline_ms + key_id:u64   → encoded key (global index)
//! state     flags:u8 + volatile:u64 + marker_at_ms:u64 + vanish_at_ms:u64
//! ```
//!
//! Fields are ordered by a 64-bit hash of their name, which gives HSCAN its cursor and
//! HRANDFIELD a random seek. `flags` remembers what OBJECT ENCODING reports (Redis never turns
//! a hash table back into a listpack); `volatile` counts the fields that carry a deadline.
//!
//! # Field expiry
//!
//! A field is live while the clock is at or before its deadline, as keys are: visible in the
//! deadline's millisecond, gone one millisecond later. Its deadline leads its payload, so a read
//! of one field (HGET, HEXISTS, HSTRLEN...) decides with the one lookup it makes anyway.
//!
//! - **Exact HLEN in O(1 + pending).** The record's count is the number of *stored* fields.
//!   Every write first purges the hash's expired fields (a walk of its deadline index from the
//!   start, which stops at the first deadline still ahead), so writes only ever see live
//!   fields. A read computes HLEN as the count minus the fields whose deadline has passed but
//!   that no write or expirer has purged yet: the same walk, read-only. It costs one B-tree
//!   seek when nothing is pending, and hashes without deadlines skip it.
//! - **A hash whose last field expires disappears at once.** When every field carries a
//!   deadline, `vanish_at_ms` holds the latest one (otherwise 0): past it the hash is empty.
//!   `ReadTxn::is_expired` consults it, so every key lookup (EXISTS, TYPE, SCAN, KEYS, DBSIZE,
//!   RANDOMKEY, every command) treats the hash as gone without reading an element, and the
//!   write path deletes it like a key past its own deadline.
//! - **Background reclaim.** Key-level deadlines cannot express this: a key deadline deletes
//!   the whole key. Instead, key id 0 (never allocated to a collection) holds a global index
//!   with one entry per hash that has field deadlines, under its earliest field deadline, whose
//!   value is the hash's encoded key. `marker_at_ms` records where the hash is registered, so a
//!   write that changes its earliest deadline moves the entry in O(log n). The background
//!   expirer (`expire_fields_batch`, called from `ttl::expire_batch`) walks this index from the
//!   start; for each due entry it opens that hash, which purges its expired fields (at most a
//!   batch), and registers it again at its new earliest deadline, or drops the entry.
//!   RENAME, MOVE, SWAPDB and COPY repoint the entry (`relocated`); deleting the key drops it
//!   (`forget_marker`, from `WriteTxn::remove`). An entry that no longer matches its hash (the
//!   database was flushed, or the key was overwritten with a string) is dropped when the
//!   expirer meets it.
//!
//! Two deliberate differences from Redis 7.4, which expires fields lazily per field: HLEN
//! never counts an expired field, and HDEL of an expired field returns 0 (it is already gone).

mod expire;
mod expirer;
mod fields;
mod random;
#[cfg(test)]
mod tests;

pub use expire::{
    parse_fields_argument, parse_hexpire_arguments, FieldExpireOutcome, FieldExpireTime,
    FieldPersistOutcome, FieldTtl,
};
pub(crate) use expirer::{expire_fields_batch, forget_marker, relocated};
pub use random::parse_hrandfield_count;

use crate::error::{Error, Result};
use crate::storage::element::{ElementKey, ElementKind};
use crate::storage::meta::Meta;
use crate::txn::{ReadTxn, WriteTxn};
use crate::types::collection::{Collection, CollectionView, Walk};
use crate::types::KeyType;

/// Redis 7.0's built-in `hash-max-listpack-entries` (what a redis-server started without a
/// configuration file uses; the sample redis.conf sets 128): a hash with more fields is a hash
/// table.
pub(crate) const MAX_LISTPACK_ENTRIES: u64 = 512;
/// Redis's `hash-max-listpack-value`: a field or value longer than this makes a hash table.
pub(crate) const MAX_LISTPACK_VALUE: usize = 64;

/// State flag: Redis would have converted this hash to a hash table (never undone).
const HASHTABLE: u8 = 0x01;
/// State flag: a field-expiry command ran on this hash while it was a listpack, which Redis
/// 7.4 converts to its "listpackex" encoding.
const LISTPACK_EX: u8 = 0x02;
/// Bytes of the encoded [`HashState`].
const STATE_LEN: usize = 25;

/// A field without a deadline: payload `0x00 + value`.
const PERSISTENT_FIELD: u8 = 0;
/// A field with a deadline: payload `0x01 + deadline_ms:u64 + value`.
const VOLATILE_FIELD: u8 = 1;

/// The type state of a hash, stored after its key id and count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct HashState {
    pub(crate) flags: u8,
    /// Stored fields that carry a deadline.
    pub(crate) volatile: u64,
    /// The deadline under which the hash is registered in the global index (0 = not).
    pub(crate) marker_at_ms: u64,
    /// When every field carries a deadline, the latest one: past it the hash is empty.
    pub(crate) vanish_at_ms: u64,
}

fn read_u64(bytes: &[u8], at: usize) -> Option<u64> {
    let slice: [u8; 8] = bytes.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_be_bytes(slice))
}

impl HashState {
    pub(crate) fn decode(bytes: &[u8]) -> Result<HashState> {
        let corrupt = || Error::Corrupt("hash state");
        if bytes.len() != STATE_LEN {
            return Err(corrupt());
        }
        Ok(HashState {
            flags: *bytes.first().ok_or_else(corrupt)?,
            volatile: read_u64(bytes, 1).ok_or_else(corrupt)?,
            marker_at_ms: read_u64(bytes, 9).ok_or_else(corrupt)?,
            vanish_at_ms: read_u64(bytes, 17).ok_or_else(corrupt)?,
        })
    }

    pub(crate) fn encode(&self) -> [u8; STATE_LEN] {
        let mut out = [0u8; STATE_LEN];
        out[0] = self.flags;
        out[1..9].copy_from_slice(&self.volatile.to_be_bytes());
        out[9..17].copy_from_slice(&self.marker_at_ms.to_be_bytes());
        out[17..25].copy_from_slice(&self.vanish_at_ms.to_be_bytes());
        out
    }
}

/// What OBJECT ENCODING reports for a hash: "hashtable" once Redis would have converted it
/// (more than 512 fields, or a field or value longer than 64 bytes ever written),
/// "listpackex" for a listpack a field-expiry command ran on (Redis 7.4), else "listpack".
// Wired into OBJECT ENCODING (src/keyspace/object.rs) by the integrator.
pub(crate) fn encoding(view: &CollectionView<'_>) -> &'static str {
    let flags = view.state.first().copied().unwrap_or(0);
    if flags & HASHTABLE != 0 {
        "hashtable"
    } else if flags & LISTPACK_EX != 0 {
        "listpackex"
    } else {
        "listpack"
    }
}

/// True when every field of the hash whose record is `meta` has passed its deadline: the hash
/// is gone for readers. Reads the clock only for a hash that can vanish.
pub(crate) fn all_fields_expired(meta: &Meta<'_>, now_ms: impl FnOnce() -> u64) -> bool {
    let vanish_at = meta
        .collection()
        .ok()
        .and_then(|(_, _, state)| HashState::decode(state).ok())
        .map_or(0, |state| state.vanish_at_ms);
    vanish_at != 0 && now_ms() > vanish_at
}

/// A stored field: its deadline (0 = none) and value.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Field<'a> {
    pub(crate) deadline_ms: u64,
    pub(crate) value: &'a [u8],
}

pub(crate) fn decode_field(payload: &[u8]) -> Result<Field<'_>> {
    let corrupt = || Error::Corrupt("hash field");
    match payload.split_first() {
        Some((&PERSISTENT_FIELD, value)) => Ok(Field {
            deadline_ms: 0,
            value,
        }),
        Some((&VOLATILE_FIELD, rest)) => Ok(Field {
            deadline_ms: read_u64(rest, 0).ok_or_else(corrupt)?,
            value: rest.get(8..).ok_or_else(corrupt)?,
        }),
        _ => Err(corrupt()),
    }
}

fn encode_field(deadline_ms: u64, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(9 + value.len());
    if deadline_ms == 0 {
        out.push(PERSISTENT_FIELD);
    } else {
        out.push(VOLATILE_FIELD);
        out.extend_from_slice(&deadline_ms.to_be_bytes());
    }
    out.extend_from_slice(value);
    out
}

fn field_key(key_id: u64, field: &[u8]) -> ElementKey {
    ElementKey::hashed(key_id, ElementKind::HashField, field)
}

fn deadline_key(key_id: u64, deadline_ms: u64, field: &[u8]) -> ElementKey {
    ElementKey::with_order(
        key_id,
        ElementKind::HashFieldExpiry,
        deadline_ms.to_be_bytes(),
        field,
    )
}

/// A live hash as a read sees it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HashView {
    pub(crate) key_id: u64,
    /// Stored fields, including expired ones not yet purged.
    pub(crate) count: u64,
    pub(crate) state: HashState,
}

/// A hash opened for writing, its expired fields already purged: every stored field is live.
pub(crate) struct HashWrite {
    pub(crate) coll: Collection,
    pub(crate) state: HashState,
    /// True once anything was written: only then is the record saved.
    pub(crate) changed: bool,
}

impl HashWrite {
    fn new(coll: Collection) -> Result<HashWrite> {
        let state = HashState::decode(&coll.state)?;
        Ok(HashWrite {
            coll,
            state,
            changed: false,
        })
    }

    fn set_flag(&mut self, flag: u8) {
        if self.state.flags & flag == 0 {
            self.state.flags |= flag;
            self.changed = true;
        }
    }

    fn is_listpack(&self) -> bool {
        self.state.flags & HASHTABLE == 0
    }
}

impl ReadTxn<'_> {
    /// The live hash at `key`; [`Error::WrongType`] for another type.
    pub(crate) fn hash(&self, key: &[u8]) -> Result<Option<HashView>> {
        let Some(view) = self.collection(key, KeyType::Hash)? else {
            return Ok(None);
        };
        Ok(Some(HashView {
            key_id: view.key_id,
            count: view.count,
            state: HashState::decode(view.state)?,
        }))
    }

    /// True when a field deadline (0 = none) has passed.
    pub(crate) fn field_expired(&self, deadline_ms: u64) -> bool {
        deadline_ms != 0 && self.now_ms() > deadline_ms
    }

    /// The live field `field` of `hash`.
    pub(crate) fn live_field(&self, hash: &HashView, field: &[u8]) -> Result<Option<Field<'_>>> {
        let Some(payload) = self.element(hash.key_id, ElementKind::HashField, field)? else {
            return Ok(None);
        };
        let found = decode_field(payload)?;
        Ok((!self.field_expired(found.deadline_ms)).then_some(found))
    }

    /// HLEN: stored fields minus those past their deadline and not yet purged.
    pub(crate) fn live_len(&self, hash: &HashView) -> Result<u64> {
        if hash.state.volatile == 0 {
            return Ok(hash.count);
        }
        let now = self.now_ms();
        let mut pending = 0u64;
        self.walk(
            hash.key_id,
            ElementKind::HashFieldExpiry,
            Walk::Forward([0; 8]),
            |entry| {
                let expired = u64::from_be_bytes(entry.order) < now;
                pending += u64::from(expired);
                Ok(expired)
            },
        )?;
        Ok(hash.count.saturating_sub(pending))
    }

    /// Visits the fields of `hash` in hash order from ordering hash `from` until `visit`
    /// returns false. `visit` gets the field's ordering hash, name, value, and whether it is
    /// live (expired fields are visited too, for HSCAN's COUNT).
    pub(crate) fn walk_fields(
        &self,
        hash: &HashView,
        from: u64,
        mut visit: impl FnMut(u64, &[u8], &[u8], bool) -> Result<bool>,
    ) -> Result<()> {
        // Read the clock once, and only for a hash that has deadlines.
        let now = if hash.state.volatile > 0 {
            self.now_ms()
        } else {
            0
        };
        self.walk(
            hash.key_id,
            ElementKind::HashField,
            Walk::Forward(from.to_be_bytes()),
            |entry| {
                let field = decode_field(entry.payload)?;
                let live = field.deadline_ms == 0 || now <= field.deadline_ms;
                visit(
                    u64::from_be_bytes(entry.order),
                    entry.element,
                    field.value,
                    live,
                )
            },
        )
    }

    /// The earliest and latest field deadlines of collection `key_id` (0, 0 when none).
    fn deadline_bounds(&self, key_id: u64) -> Result<(u64, u64)> {
        let mut bounds = (0, 0);
        let kind = ElementKind::HashFieldExpiry;
        self.walk(key_id, kind, Walk::Forward([0; 8]), |entry| {
            bounds.0 = u64::from_be_bytes(entry.order);
            Ok(false)
        })?;
        self.walk(key_id, kind, Walk::Backward(None), |entry| {
            bounds.1 = u64::from_be_bytes(entry.order);
            Ok(false)
        })?;
        Ok(bounds)
    }
}

impl WriteTxn<'_> {
    /// Opens the hash at `key` for writing (creating an empty one if `create`), runs `op` on
    /// it, and writes the header back whatever `op` returned, so the purge of expired fields
    /// done on opening is never half-recorded. `None` when the key is missing and not `create`.
    pub(crate) fn update_hash<R>(
        &mut self,
        key: &[u8],
        create: bool,
        op: impl FnOnce(&mut Self, &mut HashWrite) -> Result<R>,
    ) -> Result<Option<R>> {
        let coll = match self.open_collection(key, KeyType::Hash)? {
            Some(coll) => coll,
            None if create => {
                self.open_or_create(key, KeyType::Hash, &HashState::default().encode())?
            }
            None => return Ok(None),
        };
        let mut hash = HashWrite::new(coll)?;
        self.purge_expired_fields(&mut hash, usize::MAX)?;
        let result = op(self, &mut hash);
        self.close_hash(key, hash)?;
        result.map(Some)
    }

    /// The deadline (0 = none) of a stored field, `None` if there is no such field.
    pub(crate) fn stored_deadline(&self, hash: &HashWrite, field: &[u8]) -> Result<Option<u64>> {
        match self.element(hash.coll.key_id, ElementKind::HashField, field)? {
            Some(payload) => Ok(Some(decode_field(payload)?.deadline_ms)),
            None => Ok(None),
        }
    }

    /// Stores `field` with `value` and deadline `deadline_ms` (0 = none); `old_deadline` is
    /// what [`stored_deadline`](Self::stored_deadline) said. Keeps count, the deadline index,
    /// the volatile count and the encoding flags right.
    pub(crate) fn put_field(
        &mut self,
        hash: &mut HashWrite,
        field: &[u8],
        value: &[u8],
        deadline_ms: u64,
        old_deadline: Option<u64>,
    ) -> Result<()> {
        let key_id = hash.coll.key_id;
        self.put_element(
            &field_key(key_id, field),
            field,
            &encode_field(deadline_ms, value),
        )?;
        self.field_written(hash, field, value, deadline_ms, old_deadline)
    }

    /// HSET's write of one field: stores `field` with `value` and no deadline, as
    /// [`put_field`](Self::put_field) would after [`stored_deadline`](Self::stored_deadline),
    /// finding the old field and writing the new one in one descent. True if the field is new.
    pub(crate) fn set_field(
        &mut self,
        hash: &mut HashWrite,
        field: &[u8],
        value: &[u8],
    ) -> Result<bool> {
        let key = field_key(hash.coll.key_id, field);
        let old = self.replace_element(&key, field, &encode_field(0, value))?;
        let old_deadline = match old {
            Some(payload) => Some(decode_field(&payload)?.deadline_ms),
            None => None,
        };
        self.field_written(hash, field, value, 0, old_deadline)?;
        Ok(old_deadline.is_none())
    }

    /// What follows the write of a field (deadline `deadline_ms`, 0 = none) that had
    /// `old_deadline` (`None`: it is new): the count, the deadline index, the volatile count
    /// and the encoding flags.
    fn field_written(
        &mut self,
        hash: &mut HashWrite,
        field: &[u8],
        value: &[u8],
        deadline_ms: u64,
        old_deadline: Option<u64>,
    ) -> Result<()> {
        if old_deadline.is_none() {
            hash.coll.count += 1;
        }
        self.reindex_field(hash, field, old_deadline.unwrap_or(0), deadline_ms)?;
        if field.len() > MAX_LISTPACK_VALUE || value.len() > MAX_LISTPACK_VALUE {
            hash.set_flag(HASHTABLE);
        }
        hash.changed = true;
        Ok(())
    }

    /// Moves a field's deadline index entry from `old` to `new` (0 = none).
    fn reindex_field(
        &mut self,
        hash: &mut HashWrite,
        field: &[u8],
        old: u64,
        new: u64,
    ) -> Result<()> {
        if old == new {
            return Ok(());
        }
        let key_id = hash.coll.key_id;
        if old != 0 {
            self.del_element(&deadline_key(key_id, old, field))?;
            hash.state.volatile = hash.state.volatile.saturating_sub(1);
        }
        if new != 0 {
            self.put_element(&deadline_key(key_id, new, field), field, &[])?;
            hash.state.volatile += 1;
        }
        Ok(())
    }

    /// Deletes a stored field whose deadline is `deadline_ms` (0 = none).
    pub(crate) fn del_field(
        &mut self,
        hash: &mut HashWrite,
        field: &[u8],
        deadline_ms: u64,
    ) -> Result<()> {
        self.del_element(&field_key(hash.coll.key_id, field))?;
        self.reindex_field(hash, field, deadline_ms, 0)?;
        hash.coll.count = hash.coll.count.saturating_sub(1);
        hash.changed = true;
        Ok(())
    }

    /// Deletes up to `limit` fields whose deadline has passed, earliest first; how many.
    pub(crate) fn purge_expired_fields(
        &mut self,
        hash: &mut HashWrite,
        limit: usize,
    ) -> Result<usize> {
        if hash.state.volatile == 0 {
            return Ok(0);
        }
        let now = self.now_ms();
        let mut due: Vec<(u64, Vec<u8>)> = Vec::new();
        self.walk(
            hash.coll.key_id,
            ElementKind::HashFieldExpiry,
            Walk::Forward([0; 8]),
            |entry| {
                let at = u64::from_be_bytes(entry.order);
                if at >= now || due.len() >= limit {
                    return Ok(false);
                }
                due.push((at, entry.element.to_vec()));
                Ok(true)
            },
        )?;
        for (at, field) in &due {
            self.del_field(hash, field, *at)?;
        }
        Ok(due.len())
    }

    /// Writes a hash's header back if anything changed: the encoding flags, the global index
    /// entry at its earliest deadline, the instant it vanishes, the count (0 deletes the key).
    pub(crate) fn close_hash(&mut self, key: &[u8], mut hash: HashWrite) -> Result<()> {
        if !hash.changed {
            return Ok(());
        }
        if hash.coll.count > MAX_LISTPACK_ENTRIES {
            hash.set_flag(HASHTABLE);
        }
        let (earliest, latest) = if hash.state.volatile == 0 || hash.coll.count == 0 {
            (0, 0)
        } else {
            self.deadline_bounds(hash.coll.key_id)?
        };
        expirer::register(self, &mut hash, earliest)?;
        hash.state.vanish_at_ms = if hash.state.volatile >= hash.coll.count {
            latest
        } else {
            0
        };
        hash.coll.state = hash.state.encode().to_vec();
        self.save_collection(key, &hash.coll)
    }
}
