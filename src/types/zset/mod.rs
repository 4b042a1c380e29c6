//! Sorted sets: members with a floating point score, kept in (score, member) order.
//!
//! Each member has two entries in the `elements` database:
//! - `ZsetMember`: hashed by member → the score as 8 big-endian bytes of its f64 bits (ZSCORE,
//!   ZADD's lookup, ZSCAN's cursor, ZRANDMEMBER's random seek);
//! - `ZsetScore`: `encode_score(score) + member` → empty, the order every range, rank and pop
//!   walks (see [`index`] for members longer than the key limit and for -0.0);
//!
//! and, once a read has needed positions on it, the set has a rank index over the second
//! (`ZsetRank` entries, see [`rank`]) that finds positions in O(log n).
//!
//! The collection's `count` is the number of members. Its state is a byte of flags and, once
//! the set has a rank index, a byte with the index's number of levels. Flag bit 0 records that
//! Redis would hold this sorted set as a skiplist rather than a listpack: set once it has had
//! more than 128 members or a member longer than 64 bytes, and kept (Redis never converts back,
//! except for the destination of the STORE commands, which is encoded afresh). A listpack
//! stores a score of -0.0 as 0, a skiplist keeps it, and so does keyp.
//!
//! Commands are grouped in submodules: [`add`] (ZADD, ZINCRBY, ZREM, ZSCORE, ZRANK...),
//! [`range`] (ZRANGE and its forms, ZCOUNT, ZREMRANGEBY...), [`pop`] (ZPOPMIN, ZMPOP,
//! ZRANDMEMBER, ZSCAN), [`aggregate`] (ZUNION, ZINTER, ZDIFF, ZINTERCARD) and [`blocking`]
//! (BZPOPMIN, BZPOPMAX, BZMPOP).

mod add;
mod aggregate;
mod blocking;
mod index;
mod pop;
mod range;
mod rank;
#[cfg(test)]
mod rank_tests;
mod score;
#[cfg(test)]
mod tests;
mod walk;

use bytes::Bytes;

pub use add::{ZAddArgs, ZAddOptions};
pub use aggregate::{parse_zintercard, Aggregate, ZCombine, ZCombineArgs, ZCombineCommand};
pub use pop::{parse_zrandmember, ScoreEnd, ZMPopArgs};
pub use range::{Limit, ZRange, ZRangeArgs, ZRangeBy, ZRangeCommand};
pub use score::{format_score, parse_score, parse_weight, LexBound, ScoreBound};

use crate::error::{Error, Result};
use crate::storage::element::{encode_score, ElementKey, ElementKind};
use crate::txn::{ReadTxn, WriteTxn};
use crate::types::collection::{Collection, CollectionView};
use crate::types::KeyType;

/// A member and its score.
pub type ScoredMember = (Bytes, f64);

/// What ZMPOP and BZMPOP pop: the key popped from and its members with their scores.
pub type PoppedMembers = (Bytes, Vec<ScoredMember>);

/// State flag: Redis would encode this sorted set as a skiplist.
const SKIPLIST: u8 = 1;
/// Redis 7.0's `zset-max-listpack-entries`.
const LISTPACK_MAX_ENTRIES: u64 = 128;
/// Redis 7.0's `zset-max-listpack-value`.
const LISTPACK_MAX_VALUE: usize = 64;

/// What Redis 7.0's OBJECT ENCODING reports for this sorted set: "listpack" while it has never
/// held more than 128 members nor a member longer than 64 bytes, else "skiplist".
pub(crate) fn encoding(view: &CollectionView<'_>) -> &'static str {
    if is_skiplist(view.state) {
        "skiplist"
    } else {
        "listpack"
    }
}

fn is_skiplist(state: &[u8]) -> bool {
    state.first().is_some_and(|flags| flags & SKIPLIST != 0)
}

/// The hashed member → score entry's key.
fn member_key(key_id: u64, member: &[u8]) -> ElementKey {
    ElementKey::hashed(key_id, ElementKind::ZsetMember, member)
}

/// Length of a score index key before its suffix: key id and kind.
const INDEX_PREFIX: usize = 9;

/// The score index entry's key.
fn index_key(key_id: u64, score: f64, member: &[u8]) -> ElementKey {
    ElementKey::with_order(key_id, ElementKind::ZsetScore, encode_score(score), member)
}

/// What identifies a score index entry among its sorted set's: its key past the key id and
/// kind.
fn suffix(key: &ElementKey) -> &[u8] {
    key.as_bytes().get(INDEX_PREFIX..).unwrap_or_default()
}

fn decode_member_score(payload: &[u8]) -> Result<f64> {
    let bits: [u8; 8] = payload
        .try_into()
        .map_err(|_| Error::Corrupt("zset score"))?;
    Ok(f64::from_bits(u64::from_be_bytes(bits)))
}

/// Counts a new member (`is_new`) of `zset` and switches it to the skiplist encoding when it
/// outgrows a listpack; the score to store for `score` (a listpack stores -0 as the integer 0).
fn zset_prepare(zset: &mut Collection, member: &[u8], is_new: bool, score: f64) -> f64 {
    if is_new {
        zset.count += 1;
    }
    if zset.count > LISTPACK_MAX_ENTRIES || member.len() > LISTPACK_MAX_VALUE {
        match zset.state.first_mut() {
            Some(flags) => *flags |= SKIPLIST,
            None => zset.state.push(SKIPLIST),
        }
    }
    if score == 0.0 && !is_skiplist(&zset.state) {
        0.0
    } else {
        score
    }
}

/// Owned copies of borrowed (member, score) pairs.
fn owned(member: &[u8], score: f64) -> (Bytes, f64) {
    (Bytes::copy_from_slice(member), score)
}

impl ReadTxn<'_> {
    /// The sorted set at `key`; [`Error::WrongType`] for another type.
    fn zset_view(&self, key: &[u8]) -> Result<Option<CollectionView<'_>>> {
        self.collection(key, KeyType::ZSet)
    }

    /// The score of `member` in sorted set `key_id`.
    fn zset_score_of(&self, key_id: u64, member: &[u8]) -> Result<Option<f64>> {
        self.element(key_id, ElementKind::ZsetMember, member)?
            .map(decode_member_score)
            .transpose()
    }
}

impl WriteTxn<'_> {
    /// The sorted set at `key` for modification; [`Error::WrongType`] for another type.
    fn zset_open(&mut self, key: &[u8]) -> Result<Option<Collection>> {
        self.open_collection(key, KeyType::ZSet)
    }

    /// Gives `member` the score `score`; `old` is its current score (`None` if new).
    fn zset_put(
        &mut self,
        zset: &mut Collection,
        member: &[u8],
        old: Option<f64>,
        score: f64,
    ) -> Result<()> {
        let score = zset_prepare(zset, member, old.is_none(), score);
        let bits = score.to_bits().to_be_bytes();
        self.put_element(&member_key(zset.key_id, member), member, &bits)?;
        self.zset_index(zset, member, old, score)
    }

    /// The score index and rank index part of [`zset_put`](Self::zset_put), for a member whose
    /// own entry already has its new score `score` (as [`zset_prepare`] gave it).
    pub(super) fn zset_index(
        &mut self,
        zset: &Collection,
        member: &[u8],
        old: Option<f64>,
        score: f64,
    ) -> Result<()> {
        let key_id = zset.key_id;
        let levels = rank::levels_of(&zset.state);
        let new_key = index_key(key_id, score, member);
        let marker = if score == 0.0 && score.is_sign_negative() {
            index::NEG_ZERO
        } else {
            &[]
        };
        let Some(old) = old else {
            self.rank_insert(key_id, levels, suffix(&new_key))?;
            return self.put_element(&new_key, member, marker);
        };
        let old_key = index_key(key_id, old, member);
        if levels > 0 && rank::height(suffix(&old_key)) > 0 {
            // A fence (height above 0) moves by walks that must count the score index
            // without either of its entries: the old one goes first, the new one comes after.
            self.del_element(&old_key)?;
            self.rank_remove(key_id, levels, suffix(&old_key))?;
            self.rank_insert(key_id, levels, suffix(&new_key))?;
            return self.put_element(&new_key, member, marker);
        }
        if self.move_element(&old_key, &new_key, INDEX_PREFIX, member, marker)? && levels > 0 {
            self.rank_shift(key_id, levels, suffix(&old_key), suffix(&new_key))?;
        }
        Ok(())
    }

    /// Removes `member`, whose score is `score`.
    fn zset_delete(&mut self, zset: &mut Collection, member: &[u8], score: f64) -> Result<()> {
        let key_id = zset.key_id;
        self.del_element(&member_key(key_id, member))?;
        let key = index_key(key_id, score, member);
        self.del_element(&key)?;
        self.rank_remove(key_id, rank::levels_of(&zset.state), suffix(&key))?;
        zset.count = zset.count.saturating_sub(1);
        Ok(())
    }

    /// Writes a sorted set's header back after its members changed, first bringing its rank
    /// index to the levels its count calls for (see [`WriteTxn::save_collection`]).
    fn zset_save(&mut self, key: &[u8], zset: &mut Collection) -> Result<()> {
        self.rank_finish(zset)?;
        self.save_collection(key, zset)
    }

    /// Replaces whatever `dst` holds with a sorted set of `members` (distinct), or deletes it
    /// when there are none; the number stored. The STORE commands' destination, encoded as
    /// Redis encodes it: with `filled_in_order`, as ZRANGESTORE builds it (a listpack that
    /// takes the members in order and becomes a skiplist when it outgrows the limits, so a -0
    /// added before that is stored as 0); otherwise as the other STORE commands do (the
    /// finished result, encoded by its size).
    fn zset_replace(
        &mut self,
        dst: &[u8],
        members: &[(Bytes, f64)],
        filled_in_order: bool,
    ) -> Result<u64> {
        self.delete_key(dst)?;
        if members.is_empty() {
            return Ok(0);
        }
        let listpack = filled_in_order
            || (members.len() as u64 <= LISTPACK_MAX_ENTRIES
                && members.iter().all(|(m, _)| m.len() <= LISTPACK_MAX_VALUE));
        let state = [if listpack { 0 } else { SKIPLIST }];
        let mut zset = self.open_or_create(dst, KeyType::ZSet, &state)?;
        for (member, score) in members {
            self.zset_put(&mut zset, member, None, *score)?;
        }
        self.zset_save(dst, &mut zset)?;
        Ok(zset.count)
    }
}
