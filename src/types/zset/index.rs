//! The score index: a sorted set's members in (score, member) order, walked with an LMDB
//! cursor in either direction from any position.
//!
//! Index keys are `key_id + ZsetScore + encode_score(score) + member`, so LMDB's byte order is
//! Redis's order (score, then member bytes) — with one exception. A member longer than
//! [`LONG_ELEMENT`] bytes is keyed by its first [`LONG_ELEMENT`] bytes and a hash, so long
//! members that share a score *and* those first bytes (a "tie group") sit together in hash
//! order. Every long member of a tie group has the same key up to the hash, and no other key
//! sorts between them, so the cursor reads each group whole and hands its members out sorted by
//! their full bytes: every walk, rank and range sees Redis's exact order. Comparisons of a long
//! member with anything outside its group are already right in key order: a short member
//! either differs from it within the first [`LONG_ELEMENT`] bytes or is a prefix of it.
//!
//! An index entry's value is empty, except for a score of -0.0 (kept by sorted sets Redis
//! would hold as a skiplist), which `encode_score` orders as 0.0: its value is [`NEG_ZERO`]
//! so that ranges report the score as stored.

use lmdb::{Cursor, RoCursor, Transaction};
use lmdb_sys::{MDB_LAST, MDB_NEXT, MDB_PREV, MDB_SET_RANGE};

use crate::error::{Error, Result};
use crate::storage::element::{self, decode_score, encode_score, ElementKind, LONG_ELEMENT};
use crate::txn::{ReadTxn, WriteTxn};
use crate::types::collection::CollectionView;

/// The value of an index entry whose score is -0.0.
pub(super) const NEG_ZERO: &[u8] = &[1];

/// Length of a key up to the hash of a long member: what a tie group shares.
const GROUP_PREFIX: usize = 17 + LONG_ELEMENT;

/// A member met by a walk, borrowed from the snapshot.
#[derive(Clone, Copy, Debug)]
pub(super) struct Item<'t> {
    pub(super) score: f64,
    pub(super) member: &'t [u8],
}

/// Where a walk starts.
pub(super) enum Start {
    /// Forward from the lowest entry.
    First,
    /// Backward from the highest entry.
    Last,
    /// Forward from the first key at or after these bytes.
    From(Vec<u8>),
    /// Backward from the last key before these bytes.
    Before(Vec<u8>),
}

/// The 9-byte prefix of every index key of a sorted set.
fn prefix(key_id: u64) -> [u8; 9] {
    element::kind_prefix(key_id, ElementKind::ZsetScore)
}

/// A key at or below the first entry with a score of at least `score`.
pub(super) fn at_score(key_id: u64, score: f64) -> Vec<u8> {
    let mut key = prefix(key_id).to_vec();
    key.extend_from_slice(&encode_score(score));
    key
}

/// A key above every entry with a score of at most `score` and at or below every entry with
/// a higher score.
pub(super) fn past_score(key_id: u64, score: f64) -> Vec<u8> {
    let next = u64::from_be_bytes(encode_score(score)).saturating_add(1);
    let mut key = prefix(key_id).to_vec();
    key.extend_from_slice(&next.to_be_bytes());
    key
}

/// A key at or below every entry at or after (`score`, `member`); entries before it that sort
/// at or above it are only `member`'s near twins, which callers skip by comparing.
pub(super) fn at_entry(key_id: u64, score: f64, member: &[u8]) -> Vec<u8> {
    let mut key = at_score(key_id, score);
    key.extend_from_slice(member.get(..LONG_ELEMENT).unwrap_or(member));
    key
}

/// A key above every entry at or before (`score`, `member`); entries after it that sort below
/// it are only `member`'s near twins, which callers skip by comparing.
pub(super) fn past_entry(key_id: u64, score: f64, member: &[u8]) -> Vec<u8> {
    let mut key = at_entry(key_id, score, member);
    if member.len() > LONG_ELEMENT {
        // Past every hash of the long form.
        key.extend_from_slice(&[0xff; 8]);
    }
    key.push(0);
    key
}

/// A cursor over the score index yielding members in Redis order.
pub(super) struct IndexCursor<'t> {
    cursor: RoCursor<'t>,
    prefix: [u8; 9],
    forward: bool,
    start: Option<Start>,
    exhausted: bool,
    /// An entry read ahead while collecting a tie group.
    peeked: Option<(&'t [u8], &'t [u8])>,
    /// The rest of the current tie group, last to be handed out first.
    group: Vec<Item<'t>>,
    map_size: usize,
}

impl ReadTxn<'_> {
    /// A cursor over the score index of sorted set `key_id`.
    pub(super) fn index_cursor(&self, key_id: u64, start: Start) -> Result<IndexCursor<'_>> {
        let cursor = self
            .raw
            .open_ro_cursor(self.core.storage.elements)
            .map_err(|e| self.lmdb_err(e))?;
        Ok(IndexCursor {
            cursor,
            prefix: prefix(key_id),
            forward: matches!(start, Start::First | Start::From(_)),
            start: Some(start),
            exhausted: false,
            peeked: None,
            group: Vec::new(),
            map_size: self.core.storage.map_size,
        })
    }

    /// The number of members sorting below index key `bound` (a key of this sorted set's
    /// score index, or a seek key built by the functions above that does not split a tie
    /// group, such as [`at_score`] and [`past_score`]).
    pub(super) fn entries_below(&self, key_id: u64, levels: u8, bound: &[u8]) -> Result<u64> {
        let target = bound.get(prefix(key_id).len()..).unwrap_or_default();
        self.rank_walk(key_id, levels, target, false, None)
    }

    /// The number of members before (`score`, `member`) in Redis's order, counting `member`
    /// itself too with `inclusive` if it is there with that score. O(log n) with the rank
    /// index; a long member also reads its tie group.
    pub(super) fn members_before(
        &self,
        key_id: u64,
        levels: u8,
        score: f64,
        member: &[u8],
        inclusive: bool,
    ) -> Result<u64> {
        let at = at_entry(key_id, score, member);
        let mut below = self.entries_below(key_id, levels, &at)?;
        // Every entry below `at` sorts before the member; of those at or after it, only the
        // ones whose keys start with `at` may: for a short member, itself; for a long one,
        // the short member equal to its first bytes and its tie group.
        let elements = self.core.storage.elements;
        if member.len() <= LONG_ELEMENT {
            if inclusive {
                match self.raw.get(elements, &at) {
                    Ok(_) => below += 1,
                    Err(lmdb::Error::NotFound) => {}
                    Err(e) => return Err(self.lmdb_err(e)),
                }
            }
            return Ok(below);
        }
        let cursor = self
            .raw
            .open_ro_cursor(elements)
            .map_err(|e| self.lmdb_err(e))?;
        let mut item = cursor.get(Some(&at), None, MDB_SET_RANGE);
        loop {
            match item {
                Ok((Some(key), value)) if key.starts_with(&at) => {
                    let other = decode(key, value)?.member;
                    if other < member || (inclusive && other == member) {
                        below += 1;
                    }
                }
                Ok(_) | Err(lmdb::Error::NotFound) => break,
                Err(e) => return Err(self.lmdb_err(e)),
            }
            item = cursor.get(None, None, MDB_NEXT);
        }
        Ok(below)
    }

    /// The 0-based position of `member` (whose score is `score`) in ascending order: O(log n)
    /// with the rank index; without one (a sorted set never asked for one, or too small for a
    /// level), a walk from both ends at once, O(min(rank, count - rank)).
    pub(super) fn rank_of(
        &self,
        view: &CollectionView<'_>,
        score: f64,
        member: &[u8],
    ) -> Result<u64> {
        let levels = self.rank_levels(view);
        if levels > 0 {
            return self.members_before(view.key_id, levels, score, member, false);
        }
        let mut ascending = self.index_cursor(view.key_id, Start::First)?;
        let mut descending = self.index_cursor(view.key_id, Start::Last)?;
        let is_target = |item: &Item<'_>| item.score == score && item.member == member;
        let missing = || Error::Corrupt("zset member missing from the score index");
        for steps in 0..view.count {
            let up = ascending.next()?.ok_or_else(missing)?;
            if is_target(&up) {
                return Ok(steps);
            }
            let down = descending.next()?.ok_or_else(missing)?;
            if is_target(&down) {
                // steps < count.
                return Ok(view.count - 1 - steps);
            }
        }
        Err(missing())
    }

    /// A cursor whose first member is the one at 0-based position `rank` in Redis's order,
    /// walking on upward (`forward`) or downward; `None` past the last member. O(log n) with
    /// the rank index, O(rank) without.
    pub(super) fn cursor_at_rank(
        &self,
        key_id: u64,
        levels: u8,
        rank: u64,
        forward: bool,
    ) -> Result<Option<IndexCursor<'_>>> {
        let Some(suffix) = self.rank_select(key_id, levels, rank)? else {
            return Ok(None);
        };
        let mut key = prefix(key_id).to_vec();
        key.extend_from_slice(&suffix);
        if !element::is_long(&key) {
            // Outside any tie group, key order is Redis's order.
            let start = if forward {
                Start::From(key)
            } else {
                key.push(0);
                Start::Before(key)
            };
            return self.index_cursor(key_id, start).map(Some);
        }
        // Inside a tie group: start at the group's edge and step to the member in its order.
        let mut group = key.get(..GROUP_PREFIX).unwrap_or_default().to_vec();
        let (start, skip) = if forward {
            let first = self.entries_below(key_id, levels, &group)?;
            (Start::From(group), rank.checked_sub(first))
        } else {
            group.extend_from_slice(&[0xff; 9]);
            let past = self.entries_below(key_id, levels, &group)?;
            (Start::Before(group), past.checked_sub(rank + 1))
        };
        let skip = skip.ok_or(Error::Corrupt("zset rank index"))?;
        let mut cursor = self.index_cursor(key_id, start)?;
        for _ in 0..skip {
            cursor.next()?;
        }
        Ok(Some(cursor))
    }
}

impl WriteTxn<'_> {
    /// Deletes the lowest entry of sorted set `key_id`'s score index (the highest with `max`)
    /// where the cursor that finds it stands, one descent for the look and the delete, and
    /// returns its score, member and key past the key id and kind. `None`, deleting nothing,
    /// when the index is empty or that entry is a long member's: its tie group's order is not
    /// key order, so the caller walks instead.
    pub(super) fn take_index_end(
        &mut self,
        key_id: u64,
        max: bool,
    ) -> Result<Option<(f64, bytes::Bytes, Vec<u8>)>> {
        let map_size = self.core.storage.map_size;
        let err = |e| Error::from_lmdb(e, map_size);
        let start = prefix(key_id);
        let mut cursor = self.elements_writer(0)?;
        let found = if max {
            seek_before(&*cursor, &past_prefix(start))
        } else {
            cursor.get(Some(&start), None, MDB_SET_RANGE)
        };
        let (key, value) = match found {
            Ok((Some(key), value)) if key.starts_with(&start) => (key, value),
            Ok(_) | Err(lmdb::Error::NotFound) => return Ok(None),
            Err(e) => return Err(err(e)),
        };
        if element::is_long(key) {
            return Ok(None);
        }
        let item = decode(key, value)?;
        let member = bytes::Bytes::copy_from_slice(item.member);
        let key = key.to_vec();
        cursor.del_current(&key).map_err(err)?;
        let suffix = key.get(start.len()..).unwrap_or_default().to_vec();
        Ok(Some((item.score, member, suffix)))
    }
}

impl<'t> IndexCursor<'t> {
    /// The next member in the walk's direction, `None` past the last.
    pub(super) fn next(&mut self) -> Result<Option<Item<'t>>> {
        if let Some(item) = self.group.pop() {
            return Ok(Some(item));
        }
        let Some((key, value)) = self.next_raw()? else {
            return Ok(None);
        };
        let first = decode(key, value)?;
        if !element::is_long(key) {
            return Ok(Some(first));
        }
        let group_key = key.get(..GROUP_PREFIX).unwrap_or(key);
        let mut group = vec![first];
        while let Some((next_key, next_value)) = self.next_raw()? {
            if element::is_long(next_key) && next_key.get(..GROUP_PREFIX) == Some(group_key) {
                group.push(decode(next_key, next_value)?);
            } else {
                self.peeked = Some((next_key, next_value));
                break;
            }
        }
        if group.len() > 1 {
            // Handed out from the end: descending order for a forward walk.
            group.sort_unstable_by(|a, b| b.member.cmp(a.member));
            if !self.forward {
                group.reverse();
            }
        }
        let next = group.pop();
        self.group = group;
        Ok(next)
    }

    /// The next raw entry of this sorted set's index.
    fn next_raw(&mut self) -> Result<Option<(&'t [u8], &'t [u8])>> {
        if let Some(entry) = self.peeked.take() {
            return Ok(Some(entry));
        }
        if self.exhausted {
            return Ok(None);
        }
        let item = match self.start.take() {
            Some(start) => self.position(&start),
            None => {
                let step = if self.forward { MDB_NEXT } else { MDB_PREV };
                self.cursor.get(None, None, step)
            }
        };
        match item {
            Ok((Some(key), value)) if key.starts_with(&self.prefix) => Ok(Some((key, value))),
            Ok(_) | Err(lmdb::Error::NotFound) => {
                self.exhausted = true;
                Ok(None)
            }
            Err(e) => Err(Error::from_lmdb(e, self.map_size)),
        }
    }

    fn position(&self, start: &Start) -> lmdb::Result<(Option<&'t [u8]>, &'t [u8])> {
        match start {
            Start::First => self.cursor.get(Some(&self.prefix), None, MDB_SET_RANGE),
            Start::From(key) => self.cursor.get(Some(key), None, MDB_SET_RANGE),
            Start::Last => seek_before(&self.cursor, &past_prefix(self.prefix)),
            Start::Before(key) => seek_before(&self.cursor, key),
        }
    }
}

/// A key above every index key of the sorted set whose index keys start with `prefix`.
fn past_prefix(prefix: [u8; 9]) -> [u8; 9] {
    let mut end = prefix;
    end[8] += 1;
    end
}

/// Puts `cursor` on the last entry before `key` (of the whole database, which the caller
/// checks against its prefix).
fn seek_before<'t>(
    cursor: &impl Cursor<'t>,
    key: &[u8],
) -> lmdb::Result<(Option<&'t [u8]>, &'t [u8])> {
    match cursor.get(Some(key), None, MDB_SET_RANGE) {
        Ok(_) => cursor.get(None, None, MDB_PREV),
        Err(lmdb::Error::NotFound) => cursor.get(None, None, MDB_LAST),
        Err(e) => Err(e),
    }
}

/// The score and member of an index entry.
fn decode<'t>(key: &'t [u8], value: &'t [u8]) -> Result<Item<'t>> {
    let order = element::order_of(key).ok_or(Error::Corrupt("zset index key"))?;
    let (member, payload) =
        element::split_entry(key, value).ok_or(Error::Corrupt("zset index entry"))?;
    let score = if payload == NEG_ZERO {
        -0.0
    } else {
        decode_score(order)
    };
    Ok(Item { score, member })
}
