//! Taking members from either end (ZPOPMIN, ZPOPMAX, ZMPOP), at random (ZRANDMEMBER), and
//! scanning (ZSCAN).

use std::collections::HashSet;

use bytes::Bytes;

use super::index::Start;
use super::{decode_member_score, is_skiplist, member_key, owned, rank, PoppedMembers};
use crate::error::{Error, Result};
use crate::keyspace::glob::glob_match;
use crate::keyspace::rng::next_u64;
use crate::keyspace::{ScanOptions, ScanPager};
use crate::storage::element::ElementKind;
use crate::store::store_ops;
use crate::txn::{ReadTxn, WriteTxn};
use crate::types::collection::{Collection, CollectionView, Walk};
use crate::types::string::parse_i64;

/// Which end of a sorted set to take from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScoreEnd {
    /// MIN: lowest scores first.
    Min,
    /// MAX: highest scores first.
    Max,
}

impl ScoreEnd {
    /// Parses `MIN` or `MAX` (case-insensitive).
    ///
    /// # Errors
    /// [`Error::Syntax`] for anything else.
    pub fn parse(arg: &[u8]) -> Result<ScoreEnd> {
        if arg.eq_ignore_ascii_case(b"min") {
            Ok(ScoreEnd::Min)
        } else if arg.eq_ignore_ascii_case(b"max") {
            Ok(ScoreEnd::Max)
        } else {
            Err(Error::Syntax)
        }
    }
}

/// Parses ZRANDMEMBER's `count [WITHSCORES]` with Redis's checks in Redis's order; the count
/// and whether WITHSCORES was given.
///
/// # Errors
/// [`Error::NotInteger`]; [`Error::OutOfRangeBetween`] for -9223372036854775808;
/// [`Error::Syntax`] for anything but WITHSCORES after the count; [`Error::OutOfRange`] for a
/// count beyond ±4611686018427387903 with WITHSCORES.
pub fn parse_zrandmember(count: &[u8], withscores: Option<&[u8]>) -> Result<(i64, bool)> {
    let count = parse_i64(count).ok_or(Error::NotInteger)?;
    check_random_count(count, false)?;
    let withscores = match withscores {
        None => false,
        Some(arg) if arg.eq_ignore_ascii_case(b"withscores") => true,
        Some(_) => return Err(Error::Syntax),
    };
    check_random_count(count, withscores)?;
    Ok((count, withscores))
}

fn check_random_count(count: i64, withscores: bool) -> Result<()> {
    if count == i64::MIN {
        return Err(Error::OutOfRangeBetween {
            min: -i64::MAX,
            max: i64::MAX,
        });
    }
    if withscores && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&count) {
        return Err(Error::OutOfRange);
    }
    Ok(())
}

/// ZMPOP's (and BZMPOP's, after the timeout) parsed arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZMPopArgs {
    /// The keys, tried in order.
    pub keys: Vec<Bytes>,
    /// MIN or MAX.
    pub end: ScoreEnd,
    /// COUNT (1 if not given).
    pub count: u64,
}

impl ZMPopArgs {
    /// Parses `numkeys key [key ...] MIN|MAX [COUNT count]`.
    ///
    /// # Errors
    /// [`Error::NumkeysNotPositive`] for a numkeys below 1 or not an integer;
    /// [`Error::Syntax`] for too few keys, a bad MIN/MAX or an unknown or repeated option;
    /// [`Error::CountNotPositive`] for a COUNT below 1 or not an integer.
    pub fn parse(args: &[impl AsRef<[u8]>]) -> Result<ZMPopArgs> {
        let numkeys = args
            .first()
            .and_then(|arg| parse_i64(arg.as_ref()))
            .and_then(|n| usize::try_from(n).ok())
            .filter(|&n| n >= 1)
            .ok_or(Error::NumkeysNotPositive)?;
        let keys = args.get(1..).and_then(|rest| rest.get(..numkeys));
        let (Some(keys), Some(end)) = (keys, args.get(numkeys + 1)) else {
            return Err(Error::Syntax);
        };
        let end = ScoreEnd::parse(end.as_ref())?;
        let mut count = None;
        let mut options = args.get(numkeys + 2..).unwrap_or_default().iter();
        while let Some(option) = options.next() {
            let value = options.as_slice().first();
            match value {
                Some(value)
                    if count.is_none() && option.as_ref().eq_ignore_ascii_case(b"count") =>
                {
                    let n = parse_i64(value.as_ref())
                        .and_then(|n| u64::try_from(n).ok())
                        .filter(|&n| n >= 1)
                        .ok_or(Error::CountNotPositive)?;
                    count = Some(n);
                    options.next();
                }
                _ => return Err(Error::Syntax),
            }
        }
        Ok(ZMPopArgs {
            keys: keys
                .iter()
                .map(|k| Bytes::copy_from_slice(k.as_ref()))
                .collect(),
            end,
            count: count.unwrap_or(1),
        })
    }
}

impl WriteTxn<'_> {
    /// ZPOPMIN: removes and returns up to `count` members with the lowest scores, lowest
    /// first. The key goes with its last member.
    ///
    /// # Errors
    /// [`Error::WrongType`] (also for a count of 0).
    pub fn zpopmin(&mut self, key: impl AsRef<[u8]>, count: u64) -> Result<Vec<(Bytes, f64)>> {
        self.zpop(key.as_ref(), ScoreEnd::Min, count)
    }

    /// ZPOPMAX: removes and returns up to `count` members with the highest scores, highest
    /// first.
    ///
    /// # Errors
    /// [`Error::WrongType`] (also for a count of 0).
    pub fn zpopmax(&mut self, key: impl AsRef<[u8]>, count: u64) -> Result<Vec<(Bytes, f64)>> {
        self.zpop(key.as_ref(), ScoreEnd::Max, count)
    }

    /// ZMPOP: pops up to `count` members from `end` of the first of `keys` that exists; that
    /// key and the members, `None` if none exists.
    ///
    /// # Errors
    /// [`Error::NumkeysNotPositive`] for no keys; [`Error::CountNotPositive`] for a count of
    /// 0; [`Error::WrongType`] for a key of another type met before a sorted set.
    pub fn zmpop(
        &mut self,
        keys: &[impl AsRef<[u8]>],
        end: ScoreEnd,
        count: u64,
    ) -> Result<Option<PoppedMembers>> {
        crate::types::collection::check_mpop_args(keys.len(), count)?;
        self.zset_pop_first(keys, end, count, true)
    }

    /// Pops from the first existing sorted set of `keys`. With `strict`, a key of another type
    /// is an error (the first attempt of a command); without, it is passed over (a blocked
    /// pop retrying, which Redis does not serve from a key of another type).
    pub(super) fn zset_pop_first(
        &mut self,
        keys: &[impl AsRef<[u8]>],
        end: ScoreEnd,
        count: u64,
        strict: bool,
    ) -> Result<Option<PoppedMembers>> {
        for key in keys {
            let key = key.as_ref();
            match self.zset_view(key) {
                Ok(Some(_)) => {
                    let popped = self.zpop(key, end, count)?;
                    return Ok(Some((Bytes::copy_from_slice(key), popped)));
                }
                Ok(None) => {}
                Err(Error::WrongType) if !strict => {}
                Err(e) => return Err(e),
            }
        }
        Ok(None)
    }

    fn zpop(&mut self, key: &[u8], end: ScoreEnd, count: u64) -> Result<Vec<(Bytes, f64)>> {
        let Some(mut zset) = self.zset_open(key)? else {
            return Ok(Vec::new());
        };
        if count == 0 {
            return Ok(Vec::new());
        }
        let view = CollectionView {
            key_id: zset.key_id,
            count: zset.count,
            state: &[],
        };
        if count == 1 {
            if let Some(popped) = self.zpop_one(key, &mut zset, end)? {
                return Ok(vec![popped]);
            }
        }
        let last = count.min(zset.count).saturating_sub(1);
        let popped: Vec<(Bytes, f64)> = self
            .rank_slice(&view, 0, last, end == ScoreEnd::Max)?
            .into_iter()
            .map(|item| owned(item.member, item.score))
            .collect();
        self.rank_prepare(&mut zset, popped.len() as u64)?;
        for (member, score) in &popped {
            self.zset_delete(&mut zset, member, *score)?;
        }
        if !popped.is_empty() {
            self.zset_save(key, &mut zset)?;
        }
        Ok(popped)
    }

    /// ZPOPMIN or ZPOPMAX of one member from `zset` (not empty), read and deleted from the score
    /// index through one cursor; `None`, having changed nothing, when the member at that end
    /// is long (see [`take_index_end`](WriteTxn::take_index_end)).
    fn zpop_one(
        &mut self,
        key: &[u8],
        zset: &mut Collection,
        end: ScoreEnd,
    ) -> Result<Option<(Bytes, f64)>> {
        let Some((score, member, suffix)) =
            self.take_index_end(zset.key_id, end == ScoreEnd::Max)?
        else {
            return Ok(None);
        };
        self.rank_prepare(zset, 1)?;
        self.del_element(&member_key(zset.key_id, &member))?;
        self.rank_remove(zset.key_id, rank::levels_of(&zset.state), &suffix)?;
        zset.count = zset.count.saturating_sub(1);
        self.zset_save(key, zset)?;
        Ok(Some((member, score)))
    }
}

impl ReadTxn<'_> {
    /// ZRANDMEMBER without a count: a random member, `None` for a missing key.
    ///
    /// Members are drawn by a seek to a random point of the member hash order, O(log n); a
    /// member's chance follows the hash gap before it, so it is even only on average.
    ///
    /// # Errors
    /// [`Error::WrongType`].
    pub fn zrandmember(&self, key: impl AsRef<[u8]>) -> Result<Option<Bytes>> {
        let Some(view) = self.zset_view(key.as_ref())? else {
            return Ok(None);
        };
        Ok(self.random_member(&view)?.map(|(member, _)| member))
    }

    /// ZRANDMEMBER with a count: `count` distinct members (all of them, in order, if there
    /// are no more than that), or, for a negative count, `-count` members drawn independently
    /// (repeats possible). `withscores` only matters for Redis's range check.
    ///
    /// # Errors
    /// [`Error::OutOfRangeBetween`] for `i64::MIN`; [`Error::OutOfRange`] for a count beyond
    /// ±4611686018427387903 with `withscores`; [`Error::WrongType`].
    pub fn zrandmember_count(
        &self,
        key: impl AsRef<[u8]>,
        count: i64,
        withscores: bool,
    ) -> Result<Vec<(Bytes, f64)>> {
        check_random_count(count, withscores)?;
        let Some(view) = self.zset_view(key.as_ref())? else {
            return Ok(Vec::new());
        };
        if count < 0 {
            return (0..count.unsigned_abs())
                .map(|_| self.random_member(&view))
                .filter_map(Result::transpose)
                .collect();
        }
        let wanted = count.unsigned_abs();
        if wanted >= view.count {
            return self.zrange_all(&view);
        }
        if wanted.saturating_mul(3) > view.count {
            // Most of the set: choose which members to keep.
            let mut all = self.zrange_all(&view)?;
            let mut keep = Vec::with_capacity(all.len());
            let mut left = all.len() as u64;
            let mut needed = wanted;
            for entry in all.drain(..) {
                // Selection sampling: keeps exactly `wanted`, each subset equally likely.
                if next_u64() % left < needed {
                    keep.push(entry);
                    needed -= 1;
                }
                left -= 1;
            }
            return Ok(keep);
        }
        let mut seen = HashSet::new();
        let mut picked = Vec::new();
        while (picked.len() as u64) < wanted {
            let Some((member, score)) = self.random_member(&view)? else {
                break;
            };
            if seen.insert(member.clone()) {
                picked.push((member, score));
            }
        }
        Ok(picked)
    }

    fn zrange_all(&self, view: &CollectionView<'_>) -> Result<Vec<(Bytes, f64)>> {
        let mut cursor = self.index_cursor(view.key_id, Start::First)?;
        let mut out = Vec::new();
        while let Some(item) = cursor.next()? {
            out.push(owned(item.member, item.score));
        }
        Ok(out)
    }

    fn random_member(&self, view: &CollectionView<'_>) -> Result<Option<(Bytes, f64)>> {
        let mut found = None;
        for from in [next_u64(), 0] {
            self.walk(
                view.key_id,
                ElementKind::ZsetMember,
                Walk::Forward(from.to_be_bytes()),
                |e| {
                    found = Some(owned(e.element, decode_member_score(e.payload)?));
                    Ok(false)
                },
            )?;
            if found.is_some() {
                break;
            }
        }
        Ok(found)
    }

    /// ZSCAN: about `options.count` members (default 10) from `cursor` on, with their scores,
    /// and the cursor to continue from (0 when done). MATCH filters members.
    ///
    /// As in Redis, a sorted set small enough for a listpack (see OBJECT ENCODING) is returned
    /// whole, in order, with cursor 0, whatever the cursor and COUNT. Otherwise the cursor is
    /// the member hash to resume at: every member present for the whole scan is returned
    /// exactly once.
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type; then, as Redis checks the options only
    /// for an existing sorted set, [`Error::Syntax`] for a COUNT of 0 or a TYPE filter.
    pub fn zscan(
        &self,
        key: impl AsRef<[u8]>,
        cursor: u64,
        options: &ScanOptions,
    ) -> Result<(u64, Vec<(Bytes, f64)>)> {
        // As Redis, and as HSCAN and SSCAN: the options are checked only for an existing key.
        let Some(view) = self.zset_view(key.as_ref())? else {
            return Ok((0, Vec::new()));
        };
        let (count, pattern) = options.element_scan()?;
        let accepts = |member: &[u8]| pattern.map_or(true, |p| glob_match(p, member));
        if !is_skiplist(view.state) {
            let mut all = self.zrange_all(&view)?;
            all.retain(|(member, _)| accepts(member));
            return Ok((0, all));
        }
        let mut found = Vec::new();
        let mut pager = ScanPager::new(count);
        let from = Walk::Forward(cursor.to_be_bytes());
        self.walk(view.key_id, ElementKind::ZsetMember, from, |entry| {
            if !pager.admit(u64::from_be_bytes(entry.order)) {
                return Ok(false);
            }
            if accepts(entry.element) {
                found.push(owned(entry.element, decode_member_score(entry.payload)?));
            }
            Ok(true)
        })?;
        Ok((pager.cursor(), found))
    }
}

store_ops! {
    /// ZPOPMIN; see [`WriteTxn::zpopmin`].
    write fn zpopmin(key: impl AsRef<[u8]>, count: u64) -> Vec<(Bytes, f64)>;
    /// ZPOPMAX; see [`WriteTxn::zpopmax`].
    write fn zpopmax(key: impl AsRef<[u8]>, count: u64) -> Vec<(Bytes, f64)>;
    /// ZMPOP; see [`WriteTxn::zmpop`].
    write fn zmpop(keys: &[impl AsRef<[u8]>], end: ScoreEnd, count: u64) -> Option<PoppedMembers>;
    /// ZRANDMEMBER; see [`ReadTxn::zrandmember`].
    read fn zrandmember(key: impl AsRef<[u8]>) -> Option<Bytes>;
    /// ZRANDMEMBER with a count; see [`ReadTxn::zrandmember_count`].
    read fn zrandmember_count(key: impl AsRef<[u8]>, count: i64, withscores: bool) -> Vec<(Bytes, f64)>;
    /// ZSCAN; see [`ReadTxn::zscan`].
    read fn zscan(key: impl AsRef<[u8]>, cursor: u64, options: &ScanOptions) -> (u64, Vec<(Bytes, f64)>);
}
