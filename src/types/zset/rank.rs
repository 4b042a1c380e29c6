//! The rank index: an indexable skip list over the score index, kept in the `elements`
//! database, so that a member's position and the member at a position are found in
//! O(log n) (ZRANK, ZCOUNT, ZRANGE by rank, LIMIT offsets...).
//!
//! Positions here are counted in the score index's key order (see [`super::index`] for how
//! that differs from Redis's order inside a tie group of long members). An index key is
//! `key_id + ZsetScore + suffix`; the suffix (score order + member part) identifies the entry.
//!
//! Each member has a height: the number of trailing groups of [`RANK_BITS`] zero bits of a
//! hash of its member part, so one member in [`FANOUT`] reaches level 1, one in
//! [`FANOUT`]² level 2, and so on, whatever its score (a score change keeps the height). For
//! each level `k` from 1 to the number of levels in use (the second byte of the zset's state;
//! missing = 0), the `elements` database holds, under `key_id + ZsetRank + k`:
//! - the level's head, with the empty suffix (sorting first): the number of entries before
//!   the level's first fence;
//! - a fence for each member of height ≥ `k`, under its index suffix: the number of entries
//!   from it (inclusive) to the next fence of the level (exclusive).
//!
//! Counts are 8 big-endian bytes, and every level's counts add up to the member count. A
//! fence of level `k` is a fence of every level below it, so a walk goes down a level at the
//! fence it stopped at, and reads about [`FANOUT`] entries per level.
//!
//! A sorted set has no index until a read needs positions on it ([`ReadTxn::rank_levels`]):
//! most sorted sets (queues, time series, ranges by score) never ask for one, and keeping it
//! costs every ZADD a seek and a write per level. Until then positions are found by walking,
//! and a read that would have used the index asks the store's background thread to build it
//! ([`WriteTxn::zset_build_ranks`], in one pass per level, without touching the key for WATCH
//! or its idle time). From then on the set is *indexed* (its state has the levels byte, even
//! at 0 levels): levels are added as it grows (see [`wanted_levels`]), each built from the
//! level below in one pass when the sorted set is saved, and never removed while it lives.

use lmdb::{Cursor, RoCursor, Transaction, WriteFlags};
use lmdb_sys::{MDB_LAST, MDB_NEXT, MDB_PREV, MDB_SET_KEY, MDB_SET_RANGE};

use crate::error::{Error, Result};
use crate::storage::element::{self, ElementKind};
use crate::storage::hash::murmur64a;
use crate::txn::{ReadTxn, WriteTxn};
use crate::types::collection::{Collection, CollectionView, ElementsWriter};

use super::INDEX_PREFIX;

/// Zero bits per level of a member's height hash.
const RANK_BITS: u32 = 5;
/// About how many entries of a level lie between two fences of the level above.
pub(super) const FANOUT: u64 = 1 << RANK_BITS;
/// The most levels a sorted set gets (FANOUT^8 is far beyond any member count).
const MAX_LEVELS: u8 = 8;
const HEIGHT_SEED: u64 = 0x6b65_7970_7a72_6e6b;
/// Length of a rank key before the suffix: key id, kind, level.
const LEVEL_PREFIX: usize = 10;

/// Whether the sorted set with these state bytes keeps a rank index (has asked for one).
pub(super) fn indexed(state: &[u8]) -> bool {
    state.len() >= 2
}

/// The number of levels in use, from the zset's state bytes.
pub(super) fn levels_of(state: &[u8]) -> u8 {
    state.get(1).copied().unwrap_or(0)
}

fn set_levels(state: &mut Vec<u8>, levels: u8) {
    if state.len() < 2 {
        state.resize(2, 0);
    }
    if let Some(slot) = state.get_mut(1) {
        *slot = levels;
    }
}

/// The height of the index entry with this suffix: depends on the member alone.
pub(super) fn height(suffix: &[u8]) -> u8 {
    let member_part = suffix.get(8..).unwrap_or_default();
    let zeros = murmur64a(member_part, HEIGHT_SEED).trailing_zeros() / RANK_BITS;
    u8::try_from(zeros).unwrap_or(MAX_LEVELS).min(MAX_LEVELS)
}

/// The levels a sorted set of `count` members should have: one per power of [`FANOUT`] it
/// has reached, so the top level has fewer than about [`FANOUT`] fences.
pub(super) fn wanted_levels(count: u64) -> u8 {
    let mut levels = 0;
    let mut reach = FANOUT;
    while levels < MAX_LEVELS && count >= reach {
        levels += 1;
        reach = reach.saturating_mul(FANOUT);
    }
    levels
}

fn level_prefix(key_id: u64, level: u8) -> [u8; LEVEL_PREFIX] {
    let mut out = [0u8; LEVEL_PREFIX];
    out[..9].copy_from_slice(&element::kind_prefix(key_id, ElementKind::ZsetRank));
    out[9] = level;
    out
}

fn level_key(key_id: u64, level: u8, suffix: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(LEVEL_PREFIX + suffix.len());
    key.extend_from_slice(&level_prefix(key_id, level));
    key.extend_from_slice(suffix);
    key
}

/// Puts `cursor`, on the level whose keys begin with `prefix`, on the entry whose range holds
/// `suffix`, a place that is no fence of the level: the last fence before it, or the level's
/// head. Returns that entry's key and count.
fn seek_range(
    cursor: &ElementsWriter<'_>,
    prefix: &[u8],
    suffix: &[u8],
    map_size: usize,
) -> Result<(Vec<u8>, u64)> {
    let mut place = Vec::with_capacity(prefix.len() + suffix.len());
    place.extend_from_slice(prefix);
    place.extend_from_slice(suffix);
    let found = match cursor.get(Some(&place), None, MDB_SET_RANGE) {
        // A fence at the place itself: the caller's member is a fence after all.
        Ok((Some(key), _)) if key == &place[..] => return Err(corrupt()),
        Ok(_) => cursor.get(None, None, MDB_PREV),
        Err(lmdb::Error::NotFound) => cursor.get(None, None, MDB_LAST),
        Err(e) => return Err(Error::from_lmdb(e, map_size)),
    };
    match found {
        Ok((Some(key), value)) if key.starts_with(prefix) && key < &place[..] => {
            Ok((key.to_vec(), decode_count(value)?))
        }
        Ok(_) | Err(lmdb::Error::NotFound) => Err(corrupt()),
        Err(e) => Err(Error::from_lmdb(e, map_size)),
    }
}

/// Overwrites the count of the entry `cursor` is on, whose key is `key`, without a search.
fn put_here(
    cursor: &mut ElementsWriter<'_>,
    key: &[u8],
    count: u64,
    map_size: usize,
) -> Result<()> {
    cursor
        .put(key, &count.to_be_bytes(), WriteFlags::CURRENT)
        .map_err(|e| Error::from_lmdb(e, map_size))
}

fn decode_count(value: &[u8]) -> Result<u64> {
    let bytes: [u8; 8] = value.try_into().map_err(|_| corrupt())?;
    Ok(u64::from_be_bytes(bytes))
}

fn corrupt() -> Error {
    Error::Corrupt("zset rank index")
}

/// Where a walk stood on one level: the fence at or before its target.
#[derive(Clone, Debug, Default)]
pub(super) struct Step {
    /// The fence's suffix; empty for the level's head.
    pub(super) fence: Vec<u8>,
    /// The number of entries before the fence.
    pub(super) before: u64,
    /// The fence's count.
    pub(super) count: u64,
}

impl ReadTxn<'_> {
    /// The levels of `view`'s rank index, for a read about to use them if there are any. A
    /// set large enough for a level that has never been indexed is noted, so that the command
    /// asks for an index when it is done ([`ask_for_ranks`](Self::ask_for_ranks)).
    pub(super) fn rank_levels(&self, view: &CollectionView<'_>) -> u8 {
        if !indexed(view.state) && view.count >= FANOUT {
            self.rank_wanted.set(true);
        }
        levels_of(view.state)
    }

    /// After a read of sorted set `key`: if it walked where a rank index would have served
    /// ([`rank_levels`](Self::rank_levels)), asks the store to build one.
    pub(super) fn ask_for_ranks(&self, key: &[u8]) {
        if self.rank_wanted.replace(false) {
            self.core.want_ranks(self.db, key);
        }
    }

    fn elements_cursor(&self) -> Result<RoCursor<'_>> {
        self.raw
            .open_ro_cursor(self.core.storage.elements)
            .map_err(|e| self.lmdb_err(e))
    }

    /// Positions `cursor` on the entry of `fence` (empty = head) on a level; its count.
    fn enter_level(&self, cursor: &RoCursor<'_>, prefix: &[u8], fence: &[u8]) -> Result<u64> {
        let mut key = prefix.to_vec();
        key.extend_from_slice(fence);
        match cursor.get(Some(&key), None, MDB_SET_KEY) {
            Ok((_, value)) => decode_count(value),
            Err(lmdb::Error::NotFound) => Err(corrupt()),
            Err(e) => Err(self.lmdb_err(e)),
        }
    }

    /// The number of score index entries of `key_id` whose suffix sorts below `target`,
    /// walking down `levels` levels. With `onto_equal`, a fence equal to `target` is stepped
    /// onto (so the trail tells whether `target` is a fence). `trail`, if given, receives the
    /// step of each level, level 1 first.
    pub(super) fn rank_walk(
        &self,
        key_id: u64,
        levels: u8,
        target: &[u8],
        onto_equal: bool,
        mut trail: Option<&mut Vec<Step>>,
    ) -> Result<u64> {
        let cursor = self.elements_cursor()?;
        let map_size = self.core.storage.map_size;
        let lmdb_err = |e| Error::from_lmdb(e, map_size);
        let mut fence: &[u8] = &[];
        let mut before = 0u64;
        if let Some(trail) = trail.as_deref_mut() {
            trail.clear();
            trail.resize(usize::from(levels), Step::default());
        }
        for level in (1..=levels).rev() {
            let prefix = level_prefix(key_id, level);
            let mut count = self.enter_level(&cursor, &prefix, fence)?;
            loop {
                match cursor.get(None, None, MDB_NEXT) {
                    Ok((Some(key), value)) if key.starts_with(&prefix) => {
                        let suffix = key.get(LEVEL_PREFIX..).unwrap_or_default();
                        if suffix < target || (onto_equal && suffix == target) {
                            before += count;
                            fence = suffix;
                            count = decode_count(value)?;
                        } else {
                            break;
                        }
                    }
                    Ok(_) | Err(lmdb::Error::NotFound) => break,
                    Err(e) => return Err(lmdb_err(e)),
                }
            }
            if let Some(step) = trail
                .as_deref_mut()
                .and_then(|t| t.get_mut(usize::from(level - 1)))
            {
                *step = Step {
                    fence: fence.to_vec(),
                    before,
                    count,
                };
            }
        }
        let prefix = element::kind_prefix(key_id, ElementKind::ZsetScore);
        let mut start = prefix.to_vec();
        start.extend_from_slice(fence);
        let mut rank = before;
        let mut item = cursor.get(Some(&start), None, MDB_SET_RANGE);
        loop {
            match item {
                Ok((Some(key), _)) if key.starts_with(&prefix) => {
                    if key.get(INDEX_PREFIX..).unwrap_or_default() >= target {
                        break;
                    }
                    rank += 1;
                }
                Ok(_) | Err(lmdb::Error::NotFound) => break,
                Err(e) => return Err(lmdb_err(e)),
            }
            item = cursor.get(None, None, MDB_NEXT);
        }
        Ok(rank)
    }

    /// The suffix of the score index entry at 0-based key-order position `position`, `None`
    /// past the last.
    pub(super) fn rank_select(
        &self,
        key_id: u64,
        levels: u8,
        position: u64,
    ) -> Result<Option<Vec<u8>>> {
        let cursor = self.elements_cursor()?;
        let map_size = self.core.storage.map_size;
        let lmdb_err = |e| Error::from_lmdb(e, map_size);
        let mut fence: &[u8] = &[];
        let mut before = 0u64;
        for level in (1..=levels).rev() {
            let prefix = level_prefix(key_id, level);
            let mut count = self.enter_level(&cursor, &prefix, fence)?;
            while before + count <= position {
                match cursor.get(None, None, MDB_NEXT) {
                    Ok((Some(key), value)) if key.starts_with(&prefix) => {
                        before += count;
                        fence = key.get(LEVEL_PREFIX..).unwrap_or_default();
                        count = decode_count(value)?;
                    }
                    Ok(_) | Err(lmdb::Error::NotFound) => return Ok(None),
                    Err(e) => return Err(lmdb_err(e)),
                }
            }
        }
        let prefix = element::kind_prefix(key_id, ElementKind::ZsetScore);
        let mut start = prefix.to_vec();
        start.extend_from_slice(fence);
        let mut left = position - before;
        let mut item = cursor.get(Some(&start), None, MDB_SET_RANGE);
        loop {
            match item {
                Ok((Some(key), _)) if key.starts_with(&prefix) => {
                    if left == 0 {
                        return Ok(Some(key.get(INDEX_PREFIX..).unwrap_or_default().to_vec()));
                    }
                    left -= 1;
                }
                Ok(_) | Err(lmdb::Error::NotFound) => return Ok(None),
                Err(e) => return Err(lmdb_err(e)),
            }
            item = cursor.get(None, None, MDB_NEXT);
        }
    }

    /// The entry before fence `suffix` on `level` (another fence or the head): its suffix
    /// and count.
    fn fence_before(&self, key_id: u64, level: u8, suffix: &[u8]) -> Result<(Vec<u8>, u64)> {
        let cursor = self.elements_cursor()?;
        let prefix = level_prefix(key_id, level);
        self.enter_level(&cursor, &prefix, suffix)?;
        match cursor.get(None, None, MDB_PREV) {
            Ok((Some(key), value)) if key.starts_with(&prefix) => Ok((
                key.get(LEVEL_PREFIX..).unwrap_or_default().to_vec(),
                decode_count(value)?,
            )),
            Ok(_) | Err(lmdb::Error::NotFound) => Err(corrupt()),
            Err(e) => Err(self.lmdb_err(e)),
        }
    }
}

impl WriteTxn<'_> {
    fn put_count(&mut self, key_id: u64, level: u8, suffix: &[u8], count: u64) -> Result<()> {
        let elements = self.core.storage.elements;
        self.put_raw(
            elements,
            &level_key(key_id, level, suffix),
            &count.to_be_bytes(),
        )
    }

    /// Counts the new score index entry `suffix` on every level (whether or not the entry
    /// itself is written yet).
    pub(super) fn rank_insert(&mut self, key_id: u64, levels: u8, suffix: &[u8]) -> Result<()> {
        if levels == 0 {
            return Ok(());
        }
        if height(suffix) == 0 {
            return self.rank_bump(key_id, levels, suffix, true);
        }
        let mut trail = Vec::new();
        let rank = self.rank_walk(key_id, levels, suffix, false, Some(&mut trail))?;
        let height = height(suffix);
        for (level, step) in (1..=levels).zip(&trail) {
            if level > height {
                self.put_count(key_id, level, &step.fence, step.count + 1)?;
                continue;
            }
            // The fence keeps the entries before the new one; the new fence takes the rest.
            let kept = rank
                .checked_sub(step.before)
                .filter(|kept| *kept <= step.count)
                .ok_or_else(corrupt)?;
            self.put_count(key_id, level, &step.fence, kept)?;
            self.put_count(key_id, level, suffix, step.count - kept + 1)?;
        }
        Ok(())
    }

    /// Uncounts the score index entry `suffix` (whether or not the entry itself is deleted
    /// yet) on every level, removing its fences.
    pub(super) fn rank_remove(&mut self, key_id: u64, levels: u8, suffix: &[u8]) -> Result<()> {
        if levels == 0 {
            return Ok(());
        }
        if height(suffix) == 0 {
            return self.rank_bump(key_id, levels, suffix, false);
        }
        let mut trail = Vec::new();
        self.rank_walk(key_id, levels, suffix, true, Some(&mut trail))?;
        let elements = self.core.storage.elements;
        for (level, step) in (1..=levels).zip(&trail) {
            if step.fence == suffix {
                // Its entries (but itself) go to the fence before it.
                let (previous, count) = self.fence_before(key_id, level, suffix)?;
                let merged = (count + step.count).checked_sub(1).ok_or_else(corrupt)?;
                self.put_count(key_id, level, &previous, merged)?;
                self.del_raw(elements, &level_key(key_id, level, suffix))?;
            } else {
                let count = step.count.checked_sub(1).ok_or_else(corrupt)?;
                self.put_count(key_id, level, &step.fence, count)?;
            }
        }
        Ok(())
    }

    /// A cursor on the `elements` database for `writes` count updates.
    fn rank_cursor(&mut self, writes: usize) -> Result<ElementsWriter<'_>> {
        self.elements_writer(writes * (LEVEL_PREFIX + 8 + 64))
    }

    /// Adds one to (`up`) or takes one from the count of the range holding `suffix` on every
    /// level: all a member of height 0 (a fence nowhere) changes when it comes or goes. No
    /// position is needed, only the ranges: one seek and an in-place write per level.
    fn rank_bump(&mut self, key_id: u64, levels: u8, suffix: &[u8], up: bool) -> Result<()> {
        let map_size = self.core.storage.map_size;
        let mut cursor = self.rank_cursor(usize::from(levels))?;
        for level in 1..=levels {
            let (entry, count) =
                seek_range(&cursor, &level_prefix(key_id, level), suffix, map_size)?;
            let count = if up {
                count + 1
            } else {
                count.checked_sub(1).ok_or_else(corrupt)?
            };
            put_here(&mut cursor, &entry, count, map_size)?;
        }
        Ok(())
    }

    /// Moves the count of a member of height 0 (a fence nowhere) from the ranges holding `old`
    /// to those holding `new`, level by level up to the first level where they are the same
    /// range (ranges nest, so they share every range above it too). Needed only when another
    /// member lies between the two places: else they are in the same range on every level.
    pub(super) fn rank_shift(
        &mut self,
        key_id: u64,
        levels: u8,
        old: &[u8],
        new: &[u8],
    ) -> Result<()> {
        let map_size = self.core.storage.map_size;
        let mut cursor = self.rank_cursor(2 * usize::from(levels))?;
        for level in 1..=levels {
            let prefix = level_prefix(key_id, level);
            let (to, to_count) = seek_range(&cursor, &prefix, new, map_size)?;
            let (from, from_count) = seek_range(&cursor, &prefix, old, map_size)?;
            if from == to {
                break;
            }
            put_here(
                &mut cursor,
                &from,
                from_count.checked_sub(1).ok_or_else(corrupt)?,
                map_size,
            )?;
            match cursor.get(Some(&to), None, MDB_SET_KEY) {
                Ok(_) => {}
                Err(lmdb::Error::NotFound) => return Err(corrupt()),
                Err(e) => return Err(Error::from_lmdb(e, map_size)),
            }
            put_here(&mut cursor, &to, to_count + 1, map_size)?;
        }
        Ok(())
    }

    /// Before a command changes `changes` members (at most) of `zset`: when that is more than
    /// an eighth of them, drops its rank index, to be rebuilt in one pass when it is saved,
    /// which costs less than keeping it up to date member by member. The number of levels
    /// dropped, for [`rank_restore`](Self::rank_restore) if the command ends up changing
    /// nothing (and so saves nothing).
    pub(super) fn rank_prepare(&mut self, zset: &mut Collection, changes: u64) -> Result<u8> {
        let levels = levels_of(&zset.state);
        if levels == 0 || changes.saturating_mul(8) <= zset.count {
            return Ok(0);
        }
        self.rank_clear(zset.key_id)?;
        set_levels(&mut zset.state, 0);
        Ok(levels)
    }

    /// Rebuilds the `levels` levels [`rank_prepare`](Self::rank_prepare) dropped, leaving the
    /// state as stored, for a command that changed nothing after all.
    pub(super) fn rank_restore(&mut self, zset: &mut Collection, levels: u8) -> Result<()> {
        for level in 1..=levels {
            self.rank_build_level(zset.key_id, level)?;
            set_levels(&mut zset.state, level);
        }
        Ok(())
    }

    /// Before a sorted set's header is saved: adds the levels its count now calls for, or,
    /// when it is empty, deletes what is left of its index (the heads).
    pub(super) fn rank_finish(&mut self, zset: &mut Collection) -> Result<()> {
        if !indexed(&zset.state) {
            return Ok(());
        }
        if zset.count == 0 {
            return self.rank_clear(zset.key_id);
        }
        let wanted = wanted_levels(zset.count);
        let mut levels = levels_of(&zset.state);
        while levels < wanted {
            levels += 1;
            self.rank_build_level(zset.key_id, levels)?;
            set_levels(&mut zset.state, levels);
        }
        Ok(())
    }

    /// Gives sorted set `key` a rank index if it has none (and is large enough for a level):
    /// what a read asked for with [`ReadTxn::ask_for_ranks`]. Only the index and the state's
    /// levels byte change: the record keeps its header (modification time included) and the
    /// key is not touched for WATCH, as the set itself does not change. Anything else at
    /// `key` (nothing, another type) is left alone.
    pub(crate) fn zset_build_ranks(&mut self, key: &[u8]) -> Result<()> {
        let mut zset = match self.zset_open(key) {
            Ok(Some(zset)) => zset,
            Ok(None) | Err(Error::WrongType) => return Ok(()),
            Err(e) => return Err(e),
        };
        if indexed(&zset.state) || zset.count < FANOUT {
            return Ok(());
        }
        let Some(record) = self.record_here(zset.encoded.as_bytes())? else {
            return Ok(());
        };
        let kept = record
            .len()
            .checked_sub(zset.state.len())
            .ok_or_else(corrupt)?;
        let mut record = record[..kept].to_vec();
        set_levels(&mut zset.state, 0);
        self.rank_finish(&mut zset)?;
        record.extend_from_slice(&zset.state);
        self.put_record_here(zset.encoded.as_bytes(), &record)
    }

    /// Builds `level` from the one below it, in one pass.
    fn rank_build_level(&mut self, key_id: u64, level: u8) -> Result<()> {
        let below = level - 1;
        let (prefix, skip) = if below == 0 {
            (
                element::kind_prefix(key_id, ElementKind::ZsetScore).to_vec(),
                INDEX_PREFIX,
            )
        } else {
            (level_prefix(key_id, below).to_vec(), LEVEL_PREFIX)
        };
        let mut head = 0u64;
        let mut fences: Vec<(Vec<u8>, u64)> = Vec::new();
        {
            let cursor = self.elements_cursor()?;
            let mut item = cursor.get(Some(&prefix), None, MDB_SET_RANGE);
            loop {
                let (key, value) = match item {
                    Ok((Some(key), value)) if key.starts_with(&prefix) => (key, value),
                    Ok(_) | Err(lmdb::Error::NotFound) => break,
                    Err(e) => return Err(self.lmdb_err(e)),
                };
                let suffix = key.get(skip..).unwrap_or_default();
                let count = if below == 0 { 1 } else { decode_count(value)? };
                if !suffix.is_empty() && height(suffix) >= level {
                    fences.push((suffix.to_vec(), count));
                } else if let Some((_, last)) = fences.last_mut() {
                    *last += count;
                } else {
                    head += count;
                }
                item = cursor.get(None, None, MDB_NEXT);
            }
        }
        self.put_count(key_id, level, &[], head)?;
        for (suffix, count) in &fences {
            self.put_count(key_id, level, suffix, *count)?;
        }
        Ok(())
    }

    /// Deletes every rank entry of sorted set `key_id`.
    fn rank_clear(&mut self, key_id: u64) -> Result<()> {
        let prefix = element::kind_prefix(key_id, ElementKind::ZsetRank);
        let mut keys = Vec::new();
        {
            let cursor = self.elements_cursor()?;
            let mut item = cursor.get(Some(&prefix), None, MDB_SET_RANGE);
            while let Ok((Some(key), _)) = item {
                if !key.starts_with(&prefix) {
                    break;
                }
                keys.push(key.to_vec());
                item = cursor.get(None, None, MDB_NEXT);
            }
            if let Err(e) = item {
                if e != lmdb::Error::NotFound {
                    return Err(self.lmdb_err(e));
                }
            }
        }
        let elements = self.core.storage.elements;
        for key in keys {
            self.del_raw(elements, &key)?;
        }
        Ok(())
    }
}

impl crate::Store {
    /// Gives sorted set `key` a rank index now, as the background thread does when a read
    /// asks for one (nothing for a set that has one, is too small for a level, or is not
    /// there). For tests; not part of the stable API.
    ///
    /// # Errors
    /// Only storage errors.
    #[doc(hidden)]
    pub fn zset_index_ranks(&self, key: impl AsRef<[u8]>) -> Result<()> {
        self.transaction(|tx| tx.zset_build_ranks(key.as_ref()))
    }
}

/// Checks every count of sorted set `key`'s rank index against its score index: the levels
/// in use and no others, every head, every fence where (and only where) a member's height
/// calls for one, every count exact. Test support.
#[cfg(test)]
pub(super) fn check_rank_index(txn: &ReadTxn<'_>, key: &[u8]) -> Result<()> {
    use crate::types::KeyType;
    let fail = |what: String| -> Result<()> { panic!("rank index of {key:?}: {what}") };
    let Some(view) = txn.collection(key, KeyType::ZSet)? else {
        return Ok(());
    };
    let levels = levels_of(view.state);
    let read_all = |prefix: &[u8], skip: usize| -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let cursor = txn.elements_cursor()?;
        let mut out = Vec::new();
        let mut item = cursor.get(Some(prefix), None, MDB_SET_RANGE);
        while let Ok((Some(k), v)) = item {
            if !k.starts_with(prefix) {
                break;
            }
            out.push((k[skip..].to_vec(), v.to_vec()));
            item = cursor.get(None, None, MDB_NEXT);
        }
        Ok(out)
    };
    let index = read_all(
        &element::kind_prefix(view.key_id, ElementKind::ZsetScore),
        INDEX_PREFIX,
    )?;
    if index.len() as u64 != view.count {
        fail(format!(
            "{} index entries, count {}",
            index.len(),
            view.count
        ))?;
    }
    if indexed(view.state) && levels < wanted_levels(view.count) {
        fail(format!("{levels} levels for {} members", view.count))?;
    }
    let all = read_all(
        &element::kind_prefix(view.key_id, ElementKind::ZsetRank),
        INDEX_PREFIX,
    )?;
    let mut seen = 0;
    for level in 1..=levels {
        // The expected level: head, then each member of enough height, with its run.
        let mut expected: Vec<(Vec<u8>, u64)> = vec![(Vec::new(), 0)];
        for (suffix, _) in &index {
            if height(suffix) >= level {
                expected.push((suffix.clone(), 0));
            }
            if let Some(last) = expected.last_mut() {
                last.1 += 1;
            }
        }
        let stored: Vec<(Vec<u8>, u64)> = all
            .iter()
            .filter(|(k, _)| k.first() == Some(&level))
            .map(|(k, v)| (k[1..].to_vec(), decode_count(v).unwrap()))
            .collect();
        seen += stored.len();
        if stored != expected {
            fail(format!("level {level} differs"))?;
        }
    }
    if seen != all.len() {
        fail(format!(
            "{} entries beyond {levels} levels",
            all.len() - seen
        ))?;
    }
    Ok(())
}
