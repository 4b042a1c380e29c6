//! Range walks: the members of a range by rank, score or lexicographic order, in either
//! direction, with LIMIT, exactly as Redis selects them.
//!
//! A score or lex range starts at the first member in range (found by a B-tree seek), then,
//! as Redis does, skips `offset` members without looking at them and hands out members while
//! they are within the far bound, at most `count` of them. A negative offset selects nothing
//! (Redis counts it down without ever reaching zero); a negative count means no limit.
//!
//! Lexicographic ranges assume, as Redis documents, that all members have the same score; then
//! the start is a seek. When scores differ Redis's answer depends on its encoding; keyp answers
//! what Redis's listpack (every sorted set of up to 128 short members) answers: a scan in
//! (score, member) order from the first member at or past the near bound.

use super::index::{self, IndexCursor, Item, Start};
use super::range::{Limit, ZRangeBy};
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
                self.walk_scores(view.key_id, *min, *max, rev, *limit, visit)
            }
            ZRangeBy::Lex { min, max, limit } => {
                self.walk_lex(view.key_id, min, max, rev, *limit, visit)
            }
        }
    }

    /// The members at positions `start..=stop` of the given order (ascending, or descending
    /// with `rev`), read from whichever end of the index is nearer.
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
        let from_front = low <= last - high;
        let (mut cursor, skip) = if from_front {
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

    /// Walks the members with scores between `min` and `max`.
    pub(super) fn walk_scores<'t>(
        &'t self,
        key_id: u64,
        min: ScoreBound,
        max: ScoreBound,
        rev: bool,
        limit: Option<Limit>,
        visit: Visit<'_, 't>,
    ) -> Result<()> {
        let (min, max) = (min.check()?, max.check()?);
        if rev {
            let before = match max {
                ScoreBound::Inclusive(v) => index::past_score(key_id, v),
                ScoreBound::Exclusive(v) => index::at_score(key_id, v),
            };
            let cursor = self.index_cursor(key_id, Start::Before(before))?;
            let near = |item: &Item<'_>| max.admits_below(item.score);
            let far = |item: &Item<'_>| min.admits_above(item.score);
            stream(cursor, &near, &far, limit, visit)
        } else {
            let from = match min {
                ScoreBound::Inclusive(v) => index::at_score(key_id, v),
                ScoreBound::Exclusive(v) => index::past_score(key_id, v),
            };
            let cursor = self.index_cursor(key_id, Start::From(from))?;
            let near = |item: &Item<'_>| min.admits_above(item.score);
            let far = |item: &Item<'_>| max.admits_below(item.score);
            stream(cursor, &near, &far, limit, visit)
        }
    }

    /// Walks the members between `min` and `max` in byte order (see the module notes for
    /// sorted sets whose scores differ).
    pub(super) fn walk_lex<'t>(
        &'t self,
        key_id: u64,
        min: &LexBound,
        max: &LexBound,
        rev: bool,
        limit: Option<Limit>,
        visit: Visit<'_, 't>,
    ) -> Result<()> {
        if lex_range_is_empty(min, max) {
            return Ok(());
        }
        let first = self.index_cursor(key_id, Start::First)?.next()?;
        let last = self.index_cursor(key_id, Start::Last)?.next()?;
        let (Some(first), Some(last)) = (first, last) else {
            return Ok(());
        };
        // Redis's early test, on the first and last members.
        if !min.admits_above(last.member) || !max.admits_below(first.member) {
            return Ok(());
        }
        let uniform = first.score == last.score;
        let start = match (rev, uniform) {
            (false, true) => match min.member() {
                Some(m) => Start::From(index::at_entry(key_id, first.score, m)),
                None => Start::First,
            },
            (true, true) => match max.member() {
                Some(m) => Start::Before(index::past_entry(key_id, first.score, m)),
                None => Start::Last,
            },
            (false, false) => Start::First,
            (true, false) => Start::Last,
        };
        let cursor = self.index_cursor(key_id, start)?;
        let above_min = |item: &Item<'_>| min.admits_above(item.member);
        let below_max = |item: &Item<'_>| max.admits_below(item.member);
        if rev {
            stream(cursor, &below_max, &above_min, limit, visit)
        } else {
            stream(cursor, &above_min, &below_max, limit, visit)
        }
    }
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
