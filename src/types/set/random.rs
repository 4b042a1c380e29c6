//! SPOP and SRANDMEMBER: members picked at random.
//!
//! A random member is found by seeking a random 64-bit hash and taking the first member at or
//! after it, wrapping around to the first member: one O(log n) cursor seek, whatever the size
//! of the set. A member's chance is the share of the hash space between its predecessor's hash
//! and its own, so choices are spread over every member but not exactly uniform (as with
//! RANDOMKEY). Distinct samples of more than a third of a set shuffle the whole set instead,
//! as Redis does.

use std::collections::HashSet;

use bytes::Bytes;

use super::{state_for, store_ops};
use crate::error::{Error, Result};
use crate::keyspace::rng;
use crate::txn::{ReadTxn, WriteTxn};
use crate::types::KeyType;

/// A distinct sample of more than 1/3 of a set is drawn by shuffling all of it (Redis's
/// `SRANDMEMBER_SUB_STRATEGY_MUL`).
const SHUFFLE_FACTOR: u64 = 3;
/// SPOP keeps the remaining members and rebuilds the set's encoding when at most 1/5 of the
/// popped count remain (Redis's `SPOP_MOVE_STRATEGY_MUL`). The encoding Redis 7.0 reports
/// afterwards depends on this choice, so keyp makes the same one.
const SPOP_REBUILD_FACTOR: u64 = 5;

/// A uniform index below `len` (`len` > 0).
fn random_index(len: usize) -> usize {
    (rng::next_u64() % len as u64) as usize
}

/// Moves a uniform random selection of `count` items to the front of `items` (a partial
/// Fisher-Yates shuffle).
fn shuffle_front(items: &mut [Bytes], count: usize) {
    let len = items.len();
    for i in 0..count.min(len) {
        let j = i + random_index(len - i);
        items.swap(i, j);
    }
}

impl ReadTxn<'_> {
    /// The first member of set `key_id` at or after hash `from` not in `chosen`.
    fn first_unchosen(
        &self,
        key_id: u64,
        from: u64,
        chosen: &HashSet<Bytes>,
    ) -> Result<Option<Bytes>> {
        let mut found = None;
        self.walk(
            key_id,
            crate::storage::element::ElementKind::SetMember,
            crate::types::collection::Walk::Forward(from.to_be_bytes()),
            |entry| {
                if chosen.contains(entry.element) {
                    return Ok(true);
                }
                found = Some(Bytes::copy_from_slice(entry.element));
                Ok(false)
            },
        )?;
        Ok(found)
    }

    /// A random member of set `key_id` not in `chosen`: a random seek, then the next member
    /// not yet chosen, wrapping around once. `None` only when every member is chosen.
    fn random_unchosen(&self, key_id: u64, chosen: &HashSet<Bytes>) -> Result<Option<Bytes>> {
        match self.first_unchosen(key_id, rng::next_u64(), chosen)? {
            Some(member) => Ok(Some(member)),
            None => self.first_unchosen(key_id, 0, chosen),
        }
    }

    /// A random member of set `key_id`.
    fn random_set_member(&self, key_id: u64) -> Result<Bytes> {
        self.random_unchosen(key_id, &HashSet::new())?
            .ok_or(Error::Corrupt("set without members"))
    }

    /// `count` distinct random members of set `key_id`, which has `size` > `count` members.
    fn sample_distinct(&self, key_id: u64, size: u64, count: u64) -> Result<Vec<Bytes>> {
        let count = usize::try_from(count).map_err(|_| Error::Corrupt("set size"))?;
        if (count as u64).saturating_mul(SHUFFLE_FACTOR) > size {
            let mut all = self.all_members(key_id)?;
            shuffle_front(&mut all, count);
            all.truncate(count);
            return Ok(all);
        }
        let mut chosen = HashSet::with_capacity(count);
        let mut picks = Vec::with_capacity(count);
        while picks.len() < count {
            let Some(member) = self.random_unchosen(key_id, &chosen)? else {
                break;
            };
            chosen.insert(member.clone());
            picks.push(member);
        }
        Ok(picks)
    }

    /// SRANDMEMBER without a count: a random member of the set at `key`, `None` for a missing
    /// key. O(log n); see the module notes on how random it is.
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn srandmember(&self, key: impl AsRef<[u8]>) -> Result<Option<Bytes>> {
        match self.set(key.as_ref())? {
            Some(set) => self.random_set_member(set.key_id).map(Some),
            None => Ok(None),
        }
    }

    /// SRANDMEMBER with a count. A positive `count` returns that many distinct members (the
    /// whole set if it has no more); a negative one returns exactly `-count` members, each
    /// picked independently, so repeats are possible (the reply holds all of them: memory grows
    /// with `-count`). 0 or a missing key returns nothing. The order is random.
    ///
    /// # Errors
    /// [`Error::OutOfRangeBetween`] for `i64::MIN` (Redis accepts -(2^63 - 1) to 2^63 - 1),
    /// checked before the key; [`Error::WrongType`] if `key` holds another type.
    pub fn srandmember_count(&self, key: impl AsRef<[u8]>, count: i64) -> Result<Vec<Bytes>> {
        if count == i64::MIN {
            return Err(Error::OutOfRangeBetween {
                min: -i64::MAX,
                max: i64::MAX,
            });
        }
        let Some(set) = self.set(key.as_ref())? else {
            return Ok(Vec::new());
        };
        if count < 0 {
            let wanted = count.unsigned_abs();
            let mut picks = Vec::with_capacity(wanted.min(1024) as usize);
            for _ in 0..wanted {
                picks.push(self.random_set_member(set.key_id)?);
            }
            return Ok(picks);
        }
        let count = count.unsigned_abs();
        if count >= set.count {
            return self.all_members(set.key_id);
        }
        self.sample_distinct(set.key_id, set.count, count)
    }
}

impl WriteTxn<'_> {
    /// SPOP without a count: removes and returns a random member of the set at `key`, `None`
    /// for a missing key. A set left empty is deleted. O(log n).
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn spop(&mut self, key: impl AsRef<[u8]>) -> Result<Option<Bytes>> {
        let key = key.as_ref();
        let Some(mut set) = self.open_collection(key, KeyType::Set)? else {
            return Ok(None);
        };
        let member = self.random_set_member(set.key_id)?;
        self.remove_member(&mut set, &member)?;
        self.save_collection(key, &set)?;
        Ok(Some(member))
    }

    /// SPOP with a count: removes and returns up to `count` distinct random members of the set
    /// at `key` (all of them, deleting the key, when it has no more than `count`). 0 or a
    /// missing key returns nothing. The order is random.
    ///
    /// # Errors
    /// [`Error::NotPositive`] for a negative `count`, checked before the key;
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn spop_count(&mut self, key: impl AsRef<[u8]>, count: i64) -> Result<Vec<Bytes>> {
        let key = key.as_ref();
        if count < 0 {
            return Err(Error::NotPositive);
        }
        let Some(mut set) = self.open_collection(key, KeyType::Set)? else {
            return Ok(Vec::new());
        };
        let count = count.unsigned_abs();
        if count == 0 {
            return Ok(Vec::new());
        }
        if count >= set.count {
            let all = self.all_members(set.key_id)?;
            // O(1): the elements go to the background reclaimer with the key.
            self.delete_key(key)?;
            return Ok(all);
        }
        let remaining = set.count - count;
        let popped = if remaining.saturating_mul(SPOP_REBUILD_FACTOR) <= count {
            // Few members stay: choose those, as Redis does, and give the set the encoding
            // Redis's rebuilt set of them would have.
            let mut all = self.all_members(set.key_id)?;
            let keep = usize::try_from(remaining).map_err(|_| Error::Corrupt("set size"))?;
            shuffle_front(&mut all, keep);
            let popped = all.split_off(keep.min(all.len()));
            set.state = vec![state_for(all.iter().map(|m| &m[..]))];
            popped
        } else {
            self.sample_distinct(set.key_id, set.count, count)?
        };
        for member in &popped {
            self.remove_member(&mut set, member)?;
        }
        self.save_collection(key, &set)?;
        Ok(popped)
    }
}

store_ops! {
    /// SRANDMEMBER; see [`ReadTxn::srandmember`].
    read fn srandmember(key: impl AsRef<[u8]>) -> Option<Bytes>;
    /// SRANDMEMBER with a count; see [`ReadTxn::srandmember_count`].
    read fn srandmember_count(key: impl AsRef<[u8]>, count: i64) -> Vec<Bytes>;
    /// SPOP; see [`WriteTxn::spop`].
    write fn spop(key: impl AsRef<[u8]>) -> Option<Bytes>;
    /// SPOP with a count; see [`WriteTxn::spop_count`].
    write fn spop_count(key: impl AsRef<[u8]>, count: i64) -> Vec<Bytes>;
}
