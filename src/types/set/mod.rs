//! Sets: SADD, SREM, SISMEMBER, SMISMEMBER, SCARD, SMEMBERS and SMOVE here; SPOP and
//! SRANDMEMBER in `random`; SINTER, SINTERCARD, SUNION, SDIFF and their STORE variants in
//! `algebra`; SSCAN in `scan`.
//!
//! A set is a collection record (key id, member count, one byte of state) plus one entry per
//! member in the `elements` database under `ElementKey::hashed(key_id, SetMember, member)`,
//! with an empty payload. Members are therefore kept in the order of their 64-bit hash: that
//! is the order every command here returns members in (SMEMBERS, SINTER, SUNION, SDIFF and
//! SSCAN alike), it gives SSCAN a cursor that stays valid across writes and restarts, and it
//! lets SPOP and SRANDMEMBER pick a member with one random seek.
//!
//! The state byte records which encoding Redis 7.0 would have chosen ("intset" or
//! "hashtable"), since that depends on the set's history: a set is created as an intset,
//! becomes a hashtable once a member that is not an integer is added or it grows past 512
//! members, and never goes back.

mod algebra;
mod random;
mod scan;
#[cfg(test)]
mod tests;

use bytes::Bytes;
use lmdb::WriteFlags;

use crate::error::{Error, Result};
use crate::storage::element::{self, ElementKey, ElementKind};
use crate::store::store_ops;
use crate::txn::{ReadTxn, WriteTxn};
use crate::types::collection::{Collection, CollectionView, Walk};
use crate::types::string::parse_i64;
use crate::types::KeyType;

pub use algebra::SinterCardArgs;

/// State byte: every member is an integer and there are at most [`MAX_INTSET_ENTRIES`].
const INTSET: u8 = 0;
/// State byte: the set was converted to a hash table (for good, as in Redis).
const HASHTABLE: u8 = 1;
/// Redis's default `set-max-intset-entries`.
const MAX_INTSET_ENTRIES: u64 = 512;

/// The encoding Redis 7.0's OBJECT ENCODING reports for the set `view`: "intset" or
/// "hashtable".
pub(crate) fn encoding(view: &CollectionView<'_>) -> &'static str {
    if is_intset(view.state) && view.count <= MAX_INTSET_ENTRIES {
        "intset"
    } else {
        "hashtable"
    }
}

fn is_intset(state: &[u8]) -> bool {
    state.first() != Some(&HASHTABLE)
}

/// Whether Redis holds `member` in an intset: it parses as a 64-bit integer by Redis's strict
/// rules (`string2ll`: no `+`, no leading zeros, no spaces, no `-0`).
fn is_int_member(member: &[u8]) -> bool {
    parse_i64(member).is_some()
}

/// The state a set built from scratch from `members` has: what Redis's STORE commands and
/// SPOP's rebuild produce.
fn state_for<'a>(members: impl IntoIterator<Item = &'a [u8]>) -> u8 {
    let mut count = 0u64;
    for member in members {
        count += 1;
        if count > MAX_INTSET_ENTRIES || !is_int_member(member) {
            return HASHTABLE;
        }
    }
    INTSET
}

fn member_key(key_id: u64, member: &[u8]) -> ElementKey {
    ElementKey::hashed(key_id, ElementKind::SetMember, member)
}

impl ReadTxn<'_> {
    /// The set at `key`, if any; [`Error::WrongType`] for another type.
    fn set(&self, key: &[u8]) -> Result<Option<CollectionView<'_>>> {
        self.collection(key, KeyType::Set)
    }

    /// Whether the set with key id `key_id` has `member`. O(log n).
    fn has_member(&self, key_id: u64, member: &[u8]) -> Result<bool> {
        Ok(self
            .element(key_id, ElementKind::SetMember, member)?
            .is_some())
    }

    /// Visits the members of set `key_id` in hash order until `visit` returns false.
    fn each_set_member(
        &self,
        key_id: u64,
        mut visit: impl FnMut(u64, &[u8]) -> Result<bool>,
    ) -> Result<()> {
        self.walk(
            key_id,
            ElementKind::SetMember,
            Walk::Forward([0; 8]),
            |entry| visit(u64::from_be_bytes(entry.order), entry.element),
        )
    }

    /// Every member of set `key_id`, in hash order.
    fn all_members(&self, key_id: u64) -> Result<Vec<Bytes>> {
        let mut members = Vec::new();
        self.each_set_member(key_id, |_, member| {
            members.push(Bytes::copy_from_slice(member));
            Ok(true)
        })?;
        Ok(members)
    }

    /// SISMEMBER: whether `member` is in the set at `key`. O(log n).
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn sismember(&self, key: impl AsRef<[u8]>, member: impl AsRef<[u8]>) -> Result<bool> {
        match self.set(key.as_ref())? {
            Some(set) => self.has_member(set.key_id, member.as_ref()),
            None => Ok(false),
        }
    }

    /// SMISMEMBER: for each of `members`, whether it is in the set at `key` (all false for a
    /// missing key).
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn smismember(
        &self,
        key: impl AsRef<[u8]>,
        members: &[impl AsRef<[u8]>],
    ) -> Result<Vec<bool>> {
        let Some(set) = self.set(key.as_ref())? else {
            return Ok(vec![false; members.len()]);
        };
        members
            .iter()
            .map(|member| self.has_member(set.key_id, member.as_ref()))
            .collect()
    }

    /// SCARD: the number of members of the set at `key` (0 for a missing key). O(1).
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn scard(&self, key: impl AsRef<[u8]>) -> Result<u64> {
        Ok(self.set(key.as_ref())?.map_or(0, |set| set.count))
    }

    /// SMEMBERS: every member of the set at `key` (none for a missing key).
    ///
    /// Redis leaves the order unspecified; keyp returns members in ascending order of their
    /// 64-bit hash, the order SSCAN visits them in, which is the same on every call and across
    /// restarts.
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn smembers(&self, key: impl AsRef<[u8]>) -> Result<Vec<Bytes>> {
        match self.set(key.as_ref())? {
            Some(set) => self.all_members(set.key_id),
            None => Ok(Vec::new()),
        }
    }
}

impl WriteTxn<'_> {
    /// Adds `member` to `set`, keeping its count and encoding state; true if it was new.
    fn add_member(&mut self, set: &mut Collection, member: &[u8]) -> Result<bool> {
        let key = member_key(set.key_id, member);
        if !self.insert_new(&key, member)? {
            return Ok(false);
        }
        set.count += 1;
        if is_intset(&set.state) && (set.count > MAX_INTSET_ENTRIES || !is_int_member(member)) {
            set.state = vec![HASHTABLE];
        }
        Ok(true)
    }

    /// Writes the entry of `member` unless it exists; true if written. One B-tree descent for
    /// a short member (the key holds all of it, so an existing key is the same member).
    fn insert_new(&mut self, key: &ElementKey, member: &[u8]) -> Result<bool> {
        if element::is_long(key.as_bytes()) {
            // The key holds a prefix and a hash: compare the full member before trusting it.
            if self.element_at(key, member)?.is_some() {
                return Ok(false);
            }
            self.put_element(key, member, &[])?;
            return Ok(true);
        }
        let elements = self.core.storage.elements;
        let map_size = self.core.storage.map_size;
        let key = key.as_bytes();
        self.note_growth(key.len())?;
        match self
            .rw()?
            .put(elements, &key, b"", WriteFlags::NO_OVERWRITE)
        {
            Ok(()) => {
                self.log_put(elements, key, b"");
                Ok(true)
            }
            Err(lmdb::Error::KeyExist) => Ok(false),
            Err(e) => Err(Error::from_lmdb(e, map_size)),
        }
    }

    /// Removes `member` from `set`, keeping its count; true if it was there. The encoding
    /// state never changes on removal (Redis never converts a set back to an intset).
    fn remove_member(&mut self, set: &mut Collection, member: &[u8]) -> Result<bool> {
        let key = member_key(set.key_id, member);
        if element::is_long(key.as_bytes()) && self.element_at(&key, member)?.is_none() {
            return Ok(false);
        }
        if !self.del_element(&key)? {
            return Ok(false);
        }
        set.count = set.count.saturating_sub(1);
        Ok(true)
    }

    /// SADD: adds `members` to the set at `key`, creating it if needed; the number of members
    /// that were not already in it. O(log n) per member. An existing deadline is kept.
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// assert_eq!(store.sadd("tags", &["rust", "lmdb", "rust"])?, 2);
    /// assert_eq!(store.sadd("tags", &["redis", "lmdb"])?, 1);
    /// assert_eq!(store.scard("tags")?, 3);
    /// assert!(store.sismember("tags", "redis")?);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn sadd(&mut self, key: impl AsRef<[u8]>, members: &[impl AsRef<[u8]>]) -> Result<u64> {
        let key = key.as_ref();
        let mut set = self.open_or_create(key, KeyType::Set, &[INTSET])?;
        let mut added = 0;
        for member in members {
            if self.add_member(&mut set, member.as_ref())? {
                added += 1;
            }
        }
        // Like Redis, a SADD that adds nothing is not a write: watchers are not disturbed.
        if added > 0 {
            self.save_collection(key, &set)?;
        }
        Ok(added)
    }

    /// SREM: removes `members` from the set at `key`; the number that were in it. A set left
    /// empty is deleted.
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn srem(&mut self, key: impl AsRef<[u8]>, members: &[impl AsRef<[u8]>]) -> Result<u64> {
        let key = key.as_ref();
        let Some(mut set) = self.open_collection(key, KeyType::Set)? else {
            return Ok(0);
        };
        let mut removed = 0;
        for member in members {
            if self.remove_member(&mut set, member.as_ref())? {
                removed += 1;
            }
        }
        if removed > 0 {
            self.save_collection(key, &set)?;
        }
        Ok(removed)
    }

    /// SMOVE: moves `member` from the set at `src` to the set at `dst` (created if missing);
    /// true if `member` was in `src`. When `src` and `dst` are the same key, nothing changes and
    /// the reply says whether `member` is in it. A source left empty is deleted.
    ///
    /// Checks in Redis's order: a missing `src` returns false whatever `dst` holds; then
    /// `src`, then `dst`, must be sets.
    ///
    /// # Errors
    /// [`Error::WrongType`] if `src` exists and is not a set, or `dst` exists and is not a set.
    pub fn smove(
        &mut self,
        src: impl AsRef<[u8]>,
        dst: impl AsRef<[u8]>,
        member: impl AsRef<[u8]>,
    ) -> Result<bool> {
        let (src, dst, member) = (src.as_ref(), dst.as_ref(), member.as_ref());
        let Some(mut source) = self.open_collection(src, KeyType::Set)? else {
            return Ok(false);
        };
        self.find_typed(dst, KeyType::Set)?;
        if src == dst {
            return self.has_member(source.key_id, member);
        }
        if !self.remove_member(&mut source, member)? {
            return Ok(false);
        }
        self.save_collection(src, &source)?;
        let mut target = self.open_or_create(dst, KeyType::Set, &[INTSET])?;
        // Like Redis, the destination counts as written even if it already had the member.
        self.add_member(&mut target, member)?;
        self.save_collection(dst, &target)?;
        Ok(true)
    }
}

store_ops! {
    /// SISMEMBER; see [`ReadTxn::sismember`].
    read fn sismember(key: impl AsRef<[u8]>, member: impl AsRef<[u8]>) -> bool;
    /// SMISMEMBER; see [`ReadTxn::smismember`].
    read fn smismember(key: impl AsRef<[u8]>, members: &[impl AsRef<[u8]>]) -> Vec<bool>;
    /// SCARD; see [`ReadTxn::scard`].
    read fn scard(key: impl AsRef<[u8]>) -> u64;
    /// SMEMBERS; see [`ReadTxn::smembers`].
    read fn smembers(key: impl AsRef<[u8]>) -> Vec<Bytes>;
    /// SADD; see [`WriteTxn::sadd`].
    write fn sadd(key: impl AsRef<[u8]>, members: &[impl AsRef<[u8]>]) -> u64;
    /// SREM; see [`WriteTxn::srem`].
    write fn srem(key: impl AsRef<[u8]>, members: &[impl AsRef<[u8]>]) -> u64;
    /// SMOVE; see [`WriteTxn::smove`].
    write fn smove(src: impl AsRef<[u8]>, dst: impl AsRef<[u8]>, member: impl AsRef<[u8]>) -> bool;
}
