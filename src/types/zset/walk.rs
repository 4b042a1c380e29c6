//! Range walks: the members of a range by rank, score or lexicographic order, in either
//! direction, with LIMIT, exactly as Redis selects them.
//!
//! A score or lex range starts at the first member in range (found by a B-tree seek), then,
//! as Redis does, skips `offset` members without looking at them and hands out members while
//! they are within the far bound, at most `count` of them. A negative offset selects nothing
//! (Redis counts it down without ever reaching zero); a negative count means no limit. An
//! offset of more than a few members is skipped by rank (see [`super::rank`]): the members
//! before the range are counted, and the walk starts at that count plus the offset, which
//! selects the same members, as the range is contiguous. Ranges by rank start the same way.
//!
//! Lexicographic ranges assume, as Redis documents, that all members have the same score; then
//! the start is a seek. When scores differ Redis's answer depends on its encoding; keyp answers
//! what Redis's listpack (every sorted set of up to 128 short members) answers: a scan in
//! (score, member) order from the first member at or past the near bound.

use super::index::{self, IndexCursor, Item, Start};
use super::range::{Limit, ZRangeBy};
use super::rank::{levels_of, FANOUT};
use super::score::{lex_range_is_empty, LexBound, ScoreBound};
use crate::error::Result;
use crate::txn::ReadTxn;
use crate::types::collection::CollectionView;

/// Receives the members of a walk in order; returns false to stop.
pub(super) type Visit<'v, 't> = &'v mut dyn FnMut(Item<'t>) -> Result<bool>;

/// Positions `start..=stop` (negative from the end) of `count` members, clamped as Redis
/// does; `None` when empty.
pub(super) fn rank_bounds(count: u64, start: i64, stop: i64) -> Option<(u64, u64)> {
    let n = i128::from(count);
    let from_end = |i: i64| {
        let i = i128::from(i);
        if i < 0 {
            n + i
        } else {
            i
        }
    };
    let start = from_end(start).max(0);
    let stop = from_end(stop);
    if start > stop || start >= n {
        return None;
    }
    let stop = stop.min(n - 1);
    Some((u64::try_from(start).ok()?, u64::try_from(stop).ok()?))
}

impl ReadTxn<'_> {
    /// Walks the members `by` selects, in order (descending with `rev`).
    pub(super) fn walk_range<'t>(
        &'t self,
        view: &CollectionView<'_>,
        by: &ZRangeBy,
        rev: bool,
        visit: Visit<'_, 't>,
    ) -> Result<()> {
        match by {
            ZRangeBy::Rank { start, stop } => {
                let Some((start, stop)) = rank_bounds(view.count, *start, *stop) else {
                    return Ok(());
                };
                for item in self.rank_slice(view, start, stop, rev)? {
                    if !visit(item)? {
                        break;
                    }
                }
                Ok(())
            }
            ZRangeBy::Score { min, max, limit } => {
                self.walk_scores(view, *min, *max, rev, *limit, visit)
            }
            ZRangeBy::Lex { min, max, limit } => self.walk_lex(view, min, max, rev, *limit, visit),
        }
    }

    /// The members at positions `start..=stop` of the given order (ascending, or descending
    /// with `rev`): read from the nearer end of the index when it is close, else from the
    /// first one, found by rank.
    pub(super) fn rank_slice(
        &self,
        view: &CollectionView<'_>,
        start: u64,
        stop: u64,
        rev: bool,
    ) -> Result<Vec<Item<'_>>> {
        let last = view.count.saturating_sub(1);
        // The same members as ascending positions low..=high.
        let (low, high) = if rev {
            (last.saturating_sub(stop), last.saturating_sub(start))
        } else {
            (start, stop)
        };
        let wanted = high - low + 1;
        let mut from_front = low <= last - high;
        let far = low.min(last - high) > FANOUT;
        let levels = if far { self.rank_levels(view) } else { 0 };
        let (mut cursor, skip) = if levels > 0 {
            from_front = true;
            match self.cursor_at_rank(view.key_id, levels, low, true)? {
                Some(cursor) => (cursor, 0),
                None => return Ok(Vec::new()),
            }
        } else if from_front {
            (self.index_cursor(view.key_id, Start::First)?, low)
        } else {
            (self.index_cursor(view.key_id, Start::Last)?, last - high)
        };
        for _ in 0..skip {
            if cursor.next()?.is_none() {
                return Ok(Vec::new());
            }
        }
        let mut items = Vec::with_capacity(usize::try_from(wanted).unwrap_or(0).min(1 << 16));
        while (items.len() as u64) < wanted {
            match cursor.next()? {
                Some(item) => items.push(item),
                None => break,
            }
        }
        // `items` is ascending if read from the front; flip it to the order asked for.
        if from_front == rev {
            items.reverse();
        }
        Ok(items)
    }

    /// Walks the members with scores between `min` and `max`. A LIMIT offset beyond a few
    /// members is skipped by rank.
    pub(super) fn walk_scores<'t>(
        &'t self,
        view: &CollectionView<'_>,
        min: ScoreBound,
        max: ScoreBound,
        rev: bool,
        limit: Option<Limit>,
        visit: Visit<'_, 't>,
    ) -> Result<()> {
        let (min, max) = (min.check()?, max.check()?);
        let key_id = view.key_id;
        let (low, high) = score_keys(key_id, min, max);
        let near_key = if rev { high } else { low };
        let far = |item: &Item<'_>| {
            if rev {
                min.admits_above(item.score)
            } else {
                max.admits_below(item.score)
            }
        };
        if let Some(offset) = self.jump_offset(view, limit) {
            let near_below = self.entries_below(key_id, levels_of(view.state), &near_key)?;
            return match self.jump_by_rank(view, near_below, rev, offset)? {
                Some(cursor) => stream(cursor, &|_| true, &far, rest_of(limit), visit),
                None => Ok(()),
            };
        }
        let (start, near): (Start, &dyn Fn(&Item<'_>) -> bool) = if rev {
            (Start::Before(near_key), &|item| {
                max.admits_below(item.score)
            })
        } else {
            (Start::From(near_key), &|item| min.admits_above(item.score))
        };
        let cursor = self.index_cursor(key_id, start)?;
        stream(cursor, near, &far, limit, visit)
    }

    /// The offset of a LIMIT worth skipping by rank rather than by walking: beyond a few
    /// members, on a sorted set with a rank index.
    fn jump_offset(&self, view: &CollectionView<'_>, limit: Option<Limit>) -> Option<u64> {
        let offset = u64::try_from(limit?.offset).ok()?;
        (offset > FANOUT && self.rank_levels(view) > 0).then_some(offset)
    }

    /// The cursor at the first member a LIMIT with `offset` hands out, found by rank (see
    /// [`jump_offset`]); `near_below` is the number of members before the range (ascending)
    /// or up to its end (with `rev`). `None` when the offset skips every member.
    fn jump_by_rank(
        &self,
        view: &CollectionView<'_>,
        near_below: u64,
        rev: bool,
        offset: u64,
    ) -> Result<Option<IndexCursor<'_>>> {
        let start = if rev {
            near_below.checked_sub(offset.saturating_add(1))
        } else {
            near_below.checked_add(offset)
        };
        match start {
            Some(start) => self.cursor_at_rank(view.key_id, levels_of(view.state), start, !rev),
            None => Ok(None),
        }
    }

    /// Walks the members between `min` and `max` in byte order (see the module notes for
    /// sorted sets whose scores differ). A LIMIT offset beyond a few members is skipped by
    /// rank when all scores are equal.
    pub(super) fn walk_lex<'t>(
        &'t self,
        view: &CollectionView<'_>,
        min: &LexBound,
        max: &LexBound,
        rev: bool,
        limit: Option<Limit>,
        visit: Visit<'_, 't>,
    ) -> Result<()> {
        let Some(uniform) = self.lex_precheck(view, min, max)? else {
            return Ok(());
        };
        let key_id = view.key_id;
        let above_min = |item: &Item<'_>| min.admits_above(item.member);
        let below_max = |item: &Item<'_>| max.admits_below(item.member);
        let far: &dyn Fn(&Item<'_>) -> bool = if rev { &above_min } else { &below_max };
        let jump = uniform.and_then(|score| Some((score, self.jump_offset(view, limit)?)));
        if let Some((score, offset)) = jump {
            let (below, upto) = self.lex_ranks(view, score, min, max)?;
            let near_below = if rev { upto } else { below };
            return match self.jump_by_rank(view, near_below, rev, offset)? {
                Some(cursor) => stream(cursor, &|_| true, far, rest_of(limit), visit),
                None => Ok(()),
            };
        }
        let start = match (rev, uniform) {
            (false, Some(score)) => match min.member() {
                Some(m) => Start::From(index::at_entry(key_id, score, m)),
                None => Start::First,
            },
            (true, Some(score)) => match max.member() {
                Some(m) => Start::Before(index::past_entry(key_id, score, m)),
                None => Start::Last,
            },
            (false, None) => Start::First,
            (true, None) => Start::Last,
        };
        let cursor = self.index_cursor(key_id, start)?;
        if rev {
            stream(cursor, &below_max, &above_min, limit, visit)
        } else {
            stream(cursor, &above_min, &below_max, limit, visit)
        }
    }

    /// Redis's early tests of a lex range: `None` when it selects nothing at once, else
    /// `Some(Some(score))` when every member has that score (the first and last do), or
    /// `Some(None)`.
    fn lex_precheck(
        &self,
        view: &CollectionView<'_>,
        min: &LexBound,
        max: &LexBound,
    ) -> Result<Option<Option<f64>>> {
        if lex_range_is_empty(min, max) {
            return Ok(None);
        }
        let first = self.index_cursor(view.key_id, Start::First)?.next()?;
        let last = self.index_cursor(view.key_id, Start::Last)?.next()?;
        let (Some(first), Some(last)) = (first, last) else {
            return Ok(None);
        };
        if !min.admits_above(last.member) || !max.admits_below(first.member) {
            return Ok(None);
        }
        Ok(Some((first.score == last.score).then_some(first.score)))
    }

    /// For a sorted set whose members all have score `score`: the number of members below
    /// `min` and the number up to `max`, by rank.
    fn lex_ranks(
        &self,
        view: &CollectionView<'_>,
        score: f64,
        min: &LexBound,
        max: &LexBound,
    ) -> Result<(u64, u64)> {
        let levels = levels_of(view.state);
        let before = |m: &[u8], inclusive: bool| {
            self.members_before(view.key_id, levels, score, m, inclusive)
        };
        let below = match min {
            LexBound::Minus => 0,
            LexBound::Plus => view.count,
            LexBound::Inclusive(m) => before(m, false)?,
            LexBound::Exclusive(m) => before(m, true)?,
        };
        let upto = match max {
            LexBound::Minus => 0,
            LexBound::Plus => view.count,
            LexBound::Inclusive(m) => before(m, true)?,
            LexBound::Exclusive(m) => before(m, false)?,
        };
        Ok((below, upto))
    }

    /// ZCOUNT: the number of members with scores between `min` and `max`, as the difference
    /// of two ranks (a walk of the range without a rank index).
    pub(super) fn count_scores(
        &self,
        view: &CollectionView<'_>,
        min: ScoreBound,
        max: ScoreBound,
    ) -> Result<u64> {
        let (min, max) = (min.check()?, max.check()?);
        let levels = self.rank_levels(view);
        if levels == 0 {
            let mut count = 0;
            self.walk_scores(view, min, max, false, None, &mut |_| {
                count += 1;
                Ok(true)
            })?;
            return Ok(count);
        }
        let (low, high) = score_keys(view.key_id, min, max);
        let below = self.entries_below(view.key_id, levels, &low)?;
        let upto = self.entries_below(view.key_id, levels, &high)?;
        Ok(upto.saturating_sub(below))
    }

    /// ZLEXCOUNT: the number of members between `min` and `max` in byte order; by rank when
    /// all scores are equal and the set has a rank index, else by a walk.
    pub(super) fn count_lex(
        &self,
        view: &CollectionView<'_>,
        min: &LexBound,
        max: &LexBound,
    ) -> Result<u64> {
        let Some(uniform) = self.lex_precheck(view, min, max)? else {
            return Ok(0);
        };
        if let Some(score) = uniform.filter(|_| self.rank_levels(view) > 0) {
            let (below, upto) = self.lex_ranks(view, score, min, max)?;
            return Ok(upto.saturating_sub(below));
        }
        let mut count = 0;
        self.walk_lex(view, min, max, false, None, &mut |_| {
            count += 1;
            Ok(true)
        })?;
        Ok(count)
    }
}

/// What is left of a LIMIT once its offset has been skipped.
fn rest_of(limit: Option<Limit>) -> Option<Limit> {
    limit.map(|limit| Limit {
        offset: 0,
        count: limit.count,
    })
}

/// The score index keys bounding a score range: the range starts at the first, and ends
/// before the second.
fn score_keys(key_id: u64, min: ScoreBound, max: ScoreBound) -> (Vec<u8>, Vec<u8>) {
    let low = match min {
        ScoreBound::Inclusive(v) => index::at_score(key_id, v),
        ScoreBound::Exclusive(v) => index::past_score(key_id, v),
    };
    let high = match max {
        ScoreBound::Inclusive(v) => index::past_score(key_id, v),
        ScoreBound::Exclusive(v) => index::at_score(key_id, v),
    };
    (low, high)
}

/// Redis's range loop: the first member within the `near` bound starts the range (and ends it
/// at once if it is beyond the `far` one); then `offset` members are skipped unseen and
/// members are handed out while within `far`, at most `count`.
fn stream<'t>(
    mut cursor: IndexCursor<'t>,
    near: &dyn Fn(&Item<'_>) -> bool,
    far: &dyn Fn(&Item<'_>) -> bool,
    limit: Option<Limit>,
    visit: Visit<'_, 't>,
) -> Result<()> {
    let first = loop {
        match cursor.next()? {
            None => return Ok(()),
            Some(item) if near(&item) => break item,
            Some(_) => {}
        }
    };
    if !far(&first) {
        return Ok(());
    }
    let (offset, count) = match limit {
        Some(limit) => (limit.offset, limit.count),
        None => (0, -1),
    };
    let Ok(offset) = u64::try_from(offset) else {
        return Ok(());
    };
    let mut next = Some(first);
    for _ in 0..offset {
        if next.is_none() {
            return Ok(());
        }
        next = cursor.next()?;
    }
    let mut left = count;
    while let Some(item) = next {
        if left == 0 || !far(&item) {
            break;
        }
        left = left.saturating_sub(1).max(-1);
        if !visit(item)? {
            break;
        }
        next = cursor.next()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::rank_bounds;

    #[test]
    fn ranks_clamp_like_redis() {
        assert_eq!(rank_bounds(5, 0, -1), Some((0, 4)));
        assert_eq!(rank_bounds(5, -100, 100), Some((0, 4)));
        assert_eq!(rank_bounds(5, 5, 6), None);
        assert_eq!(rank_bounds(5, 3, 1), None);
        assert_eq!(rank_bounds(5, -2, -1), Some((3, 4)));
        assert_eq!(rank_bounds(5, i64::MIN, i64::MAX), Some((0, 4)));
        assert_eq!(rank_bounds(0, 0, -1), None);
    }
}
