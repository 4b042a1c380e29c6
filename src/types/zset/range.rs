//! Ranges: ZRANGE (by rank, score or lex, REV, LIMIT) and its older forms ZREVRANGE,
//! ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX, ZRANGESTORE, ZCOUNT,
//! ZLEXCOUNT and the ZREMRANGEBY commands.

use bytes::Bytes;

use super::index::Item;
use super::owned;
use super::score::{LexBound, ScoreBound};
use crate::error::{Error, Result};
use crate::store::store_ops;
use crate::txn::{ReadTxn, WriteTxn};
use crate::types::string::parse_i64;

/// LIMIT of a score or lex range: skip `offset` members, then return at most `count`. As in
/// Redis, a negative offset selects nothing and a negative count means no limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limit {
    /// Members to skip.
    pub offset: i64,
    /// Most members to return; negative for all.
    pub count: i64,
}

/// What a range selects.
#[derive(Clone, Debug, PartialEq)]
pub enum ZRangeBy {
    /// Positions `start..=stop` (0-based, negative counting from the end: -1 is the last).
    Rank {
        /// First position.
        start: i64,
        /// Last position, inclusive.
        stop: i64,
    },
    /// BYSCORE: members with scores from `min` to `max`.
    Score {
        /// Lowest score.
        min: ScoreBound,
        /// Highest score.
        max: ScoreBound,
        /// LIMIT, if any.
        limit: Option<Limit>,
    },
    /// BYLEX: members from `min` to `max` in byte order (meant for members of equal scores).
    Lex {
        /// Lowest member.
        min: LexBound,
        /// Highest member.
        max: LexBound,
        /// LIMIT, if any.
        limit: Option<Limit>,
    },
}

/// A range of ZRANGE: what it selects and in which direction. `min` and `max` are always the
/// low and high ends, REV or not (the argument order swap of the REV forms is
/// [`ZRangeArgs::parse`]'s business).
#[derive(Clone, Debug, PartialEq)]
pub struct ZRange {
    /// What is selected.
    pub by: ZRangeBy,
    /// REV: highest first (positions then count from the highest).
    pub rev: bool,
}

impl ZRange {
    /// Positions `start..=stop`, ascending.
    pub fn rank(start: i64, stop: i64) -> ZRange {
        ZRange {
            by: ZRangeBy::Rank { start, stop },
            rev: false,
        }
    }

    /// Scores from `min` to `max`, ascending.
    pub fn by_score(min: ScoreBound, max: ScoreBound) -> ZRange {
        ZRange {
            by: ZRangeBy::Score {
                min,
                max,
                limit: None,
            },
            rev: false,
        }
    }

    /// Members from `min` to `max`, ascending.
    pub fn by_lex(min: LexBound, max: LexBound) -> ZRange {
        ZRange {
            by: ZRangeBy::Lex {
                min,
                max,
                limit: None,
            },
            rev: false,
        }
    }

    /// The same range, highest first.
    pub fn rev(mut self) -> ZRange {
        self.rev = true;
        self
    }

    /// The same range with LIMIT `offset count`. A range by rank takes no LIMIT and is left
    /// as it is.
    pub fn limit(mut self, offset: i64, count: i64) -> ZRange {
        if let ZRangeBy::Score { limit, .. } | ZRangeBy::Lex { limit, .. } = &mut self.by {
            *limit = Some(Limit { offset, count });
        }
        self
    }
}

/// The command whose arguments [`ZRangeArgs::parse`] reads: they differ in the options they
/// take and in what is preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ZRangeCommand {
    /// ZRANGE: BYSCORE, BYLEX, REV, LIMIT, WITHSCORES.
    ZRange,
    /// ZRANGESTORE: as ZRANGE without WITHSCORES.
    ZRangeStore,
    /// ZREVRANGE: by rank, reversed; WITHSCORES.
    ZRevRange,
    /// ZRANGEBYSCORE: LIMIT, WITHSCORES.
    ZRangeByScore,
    /// ZREVRANGEBYSCORE: `max min`, LIMIT, WITHSCORES.
    ZRevRangeByScore,
    /// ZRANGEBYLEX: LIMIT.
    ZRangeByLex,
    /// ZREVRANGEBYLEX: `max min`, LIMIT.
    ZRevRangeByLex,
}

/// The parsed arguments of a ZRANGE-family command.
#[derive(Clone, Debug, PartialEq)]
pub struct ZRangeArgs {
    /// The range.
    pub range: ZRange,
    /// WITHSCORES: the reply carries the scores.
    pub withscores: bool,
}

/// How a range is selected while its options are read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Auto,
    Rank,
    Score,
    Lex,
}

impl ZRangeArgs {
    /// Parses a ZRANGE-family command's arguments after the key (after the destination and
    /// source for ZRANGESTORE): the two range arguments as given (`max min` order for the REV
    /// forms), then the options, with Redis's checks in Redis's order (options, conflicts,
    /// then the range itself).
    ///
    /// ```
    /// use keyp::{ScoreBound, ZRange, ZRangeArgs, ZRangeCommand};
    /// let args = ZRangeArgs::parse(ZRangeCommand::ZRange, b"(5", b"1", &["BYSCORE", "REV", "LIMIT", "0", "2"])?;
    /// assert_eq!(args.range, ZRange::by_score(ScoreBound::Inclusive(1.0), ScoreBound::Exclusive(5.0)).rev().limit(0, 2));
    /// # Ok::<(), keyp::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Syntax`] for an unknown or repeated option (or WITHSCORES on ZRANGESTORE);
    /// [`Error::NotInteger`] for a LIMIT or rank that is not an integer;
    /// [`Error::LimitNeedsByScoreOrByLex`]; [`Error::WithScoresByLex`];
    /// [`Error::MinMaxNotFloat`]; [`Error::MinMaxNotStringRange`].
    pub fn parse(
        command: ZRangeCommand,
        first: &[u8],
        second: &[u8],
        options: &[impl AsRef<[u8]>],
    ) -> Result<ZRangeArgs> {
        use ZRangeCommand as C;
        let (mut kind, mut rev) = match command {
            C::ZRange | C::ZRangeStore => (Kind::Auto, None),
            C::ZRevRange => (Kind::Rank, Some(true)),
            C::ZRangeByScore => (Kind::Score, Some(false)),
            C::ZRevRangeByScore => (Kind::Score, Some(true)),
            C::ZRangeByLex => (Kind::Lex, Some(false)),
            C::ZRevRangeByLex => (Kind::Lex, Some(true)),
        };
        let mut withscores = false;
        let mut limit = None;
        let mut i = 0;
        while let Some(option) = options.get(i) {
            let option = option.as_ref();
            let is = |name: &str| option.eq_ignore_ascii_case(name.as_bytes());
            let left = options.len() - i - 1;
            if is("withscores") && command != C::ZRangeStore {
                withscores = true;
            } else if is("limit") && left >= 2 {
                let number = |j: usize| {
                    options
                        .get(j)
                        .and_then(|arg| parse_i64(arg.as_ref()))
                        .ok_or(Error::NotInteger)
                };
                limit = Some(Limit {
                    offset: number(i + 1)?,
                    count: number(i + 2)?,
                });
                i += 2;
            } else if rev.is_none() && is("rev") {
                rev = Some(true);
            } else if kind == Kind::Auto && is("bylex") {
                kind = Kind::Lex;
            } else if kind == Kind::Auto && is("byscore") {
                kind = Kind::Score;
            } else {
                return Err(Error::Syntax);
            }
            i += 1;
        }
        let rev = rev.unwrap_or(false);
        if kind == Kind::Auto {
            kind = Kind::Rank;
        }
        // Redis tells a LIMIT apart by its count: `LIMIT n -1` passes as no LIMIT.
        if kind == Kind::Rank && limit.is_some_and(|l| l.count != -1) {
            return Err(Error::LimitNeedsByScoreOrByLex);
        }
        if withscores && kind == Kind::Lex {
            return Err(Error::WithScoresByLex);
        }
        let (low, high) = if rev && kind != Kind::Rank {
            (second, first)
        } else {
            (first, second)
        };
        let by = match kind {
            Kind::Score => ZRangeBy::Score {
                min: ScoreBound::parse(low)?,
                max: ScoreBound::parse(high)?,
                limit,
            },
            Kind::Lex => ZRangeBy::Lex {
                min: LexBound::parse(low)?,
                max: LexBound::parse(high)?,
                limit,
            },
            Kind::Rank | Kind::Auto => ZRangeBy::Rank {
                start: parse_i64(low).ok_or(Error::NotInteger)?,
                stop: parse_i64(high).ok_or(Error::NotInteger)?,
            },
        };
        Ok(ZRangeArgs {
            range: ZRange { by, rev },
            withscores,
        })
    }
}

impl ReadTxn<'_> {
    /// ZRANGE: the members `range` selects with their scores, in its order. Scores are always
    /// returned; a caller that did not ask for WITHSCORES drops them.
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// use keyp::{LexBound, ScoreBound, ZAddOptions, ZRange};
    /// store.zadd("z", ZAddOptions::default(), &[(1.0, "a"), (2.0, "b"), (3.0, "c"), (4.0, "d")])?;
    /// let top2 = store.zrange("z", &ZRange::rank(0, 1).rev())?;
    /// assert_eq!(top2, [("d".into(), 4.0), ("c".into(), 3.0)]);
    /// let mid = store.zrange("z", &ZRange::by_score(ScoreBound::Exclusive(1.0), ScoreBound::Inclusive(3.0)))?;
    /// assert_eq!(mid, [("b".into(), 2.0), ("c".into(), 3.0)]);
    /// let page = store.zrange("z", &ZRange::by_score(ScoreBound::MIN, ScoreBound::MAX).limit(1, 2))?;
    /// assert_eq!(page.len(), 2);
    /// let lex = store.zrange("z", &ZRange::by_lex(LexBound::Minus, LexBound::Exclusive("c".into())))?;
    /// assert_eq!(lex.len(), 2);
    /// # Ok(()) }
    /// ```
    ///
    /// Cost: O(log n + m) for m members returned, the start of a range by rank and a LIMIT
    /// offset being found by rank (a lex range whose members' scores differ is walked from
    /// the lowest member, as Redis's listpack does).
    ///
    /// # Errors
    /// [`Error::MinMaxNotFloat`] for a NaN score bound; [`Error::WrongType`].
    pub fn zrange(&self, key: impl AsRef<[u8]>, range: &ZRange) -> Result<Vec<(Bytes, f64)>> {
        let Some(view) = self.zset_view(key.as_ref())? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        self.walk_range(&view, &range.by, range.rev, &mut |item: Item<'_>| {
            out.push(owned(item.member, item.score));
            Ok(true)
        })?;
        self.ask_for_ranks(key.as_ref());
        Ok(out)
    }

    /// ZREVRANGE: positions `start..=stop` counted from the highest.
    ///
    /// # Errors
    /// [`Error::WrongType`].
    pub fn zrevrange(
        &self,
        key: impl AsRef<[u8]>,
        start: i64,
        stop: i64,
    ) -> Result<Vec<(Bytes, f64)>> {
        self.zrange(key, &ZRange::rank(start, stop).rev())
    }

    /// ZRANGEBYSCORE: members with scores from `min` to `max`, ascending, with an optional
    /// LIMIT.
    ///
    /// # Errors
    /// [`Error::MinMaxNotFloat`] for a NaN bound; [`Error::WrongType`].
    pub fn zrangebyscore(
        &self,
        key: impl AsRef<[u8]>,
        min: ScoreBound,
        max: ScoreBound,
        limit: Option<Limit>,
    ) -> Result<Vec<(Bytes, f64)>> {
        let by = ZRangeBy::Score { min, max, limit };
        self.zrange(key, &ZRange { by, rev: false })
    }

    /// ZREVRANGEBYSCORE: members with scores from `max` down to `min` (Redis's argument
    /// order), with an optional LIMIT.
    ///
    /// # Errors
    /// [`Error::MinMaxNotFloat`] for a NaN bound; [`Error::WrongType`].
    pub fn zrevrangebyscore(
        &self,
        key: impl AsRef<[u8]>,
        max: ScoreBound,
        min: ScoreBound,
        limit: Option<Limit>,
    ) -> Result<Vec<(Bytes, f64)>> {
        let by = ZRangeBy::Score { min, max, limit };
        self.zrange(key, &ZRange { by, rev: true })
    }

    /// ZRANGEBYLEX: members from `min` to `max` in byte order, with an optional LIMIT.
    ///
    /// # Errors
    /// [`Error::WrongType`].
    pub fn zrangebylex(
        &self,
        key: impl AsRef<[u8]>,
        min: LexBound,
        max: LexBound,
        limit: Option<Limit>,
    ) -> Result<Vec<Bytes>> {
        let by = ZRangeBy::Lex { min, max, limit };
        let found = self.zrange(key, &ZRange { by, rev: false })?;
        Ok(found.into_iter().map(|(member, _)| member).collect())
    }

    /// ZREVRANGEBYLEX: members from `max` down to `min` (Redis's argument order), with an
    /// optional LIMIT.
    ///
    /// # Errors
    /// [`Error::WrongType`].
    pub fn zrevrangebylex(
        &self,
        key: impl AsRef<[u8]>,
        max: LexBound,
        min: LexBound,
        limit: Option<Limit>,
    ) -> Result<Vec<Bytes>> {
        let by = ZRangeBy::Lex { min, max, limit };
        let found = self.zrange(key, &ZRange { by, rev: true })?;
        Ok(found.into_iter().map(|(member, _)| member).collect())
    }

    /// ZCOUNT: the number of members with scores from `min` to `max`. O(log n): the
    /// difference of two ranks (the first on a sorted set without a rank index walks the
    /// range, and has the index built in the background).
    ///
    /// # Errors
    /// [`Error::MinMaxNotFloat`] for a NaN bound; [`Error::WrongType`].
    pub fn zcount(&self, key: impl AsRef<[u8]>, min: ScoreBound, max: ScoreBound) -> Result<u64> {
        let Some(view) = self.zset_view(key.as_ref())? else {
            return Ok(0);
        };
        let count = self.count_scores(&view, min, max)?;
        self.ask_for_ranks(key.as_ref());
        Ok(count)
    }

    /// ZLEXCOUNT: the number of members from `min` to `max` in byte order. O(log n) when all
    /// members have the same score (as Redis documents lex ranges for); otherwise the
    /// members are walked in score order, as Redis's listpack does, O(n).
    ///
    /// # Errors
    /// [`Error::WrongType`].
    pub fn zlexcount(&self, key: impl AsRef<[u8]>, min: LexBound, max: LexBound) -> Result<u64> {
        let Some(view) = self.zset_view(key.as_ref())? else {
            return Ok(0);
        };
        let count = self.count_lex(&view, &min, &max)?;
        self.ask_for_ranks(key.as_ref());
        Ok(count)
    }
}

impl WriteTxn<'_> {
    /// ZRANGESTORE: stores the members `range` selects from `src` as the sorted set `dst`,
    /// replacing whatever `dst` held (deleting it if nothing is selected); the number stored.
    ///
    /// # Errors
    /// [`Error::MinMaxNotFloat`] for a NaN bound; [`Error::WrongType`] if `src` is not a
    /// sorted set (`dst` may hold anything).
    pub fn zrangestore(
        &mut self,
        dst: impl AsRef<[u8]>,
        src: impl AsRef<[u8]>,
        range: &ZRange,
    ) -> Result<u64> {
        let members = self.zrange(src, range)?;
        // Redis sizes the destination up front for a range by rank only.
        let known_large = matches!(range.by, ZRangeBy::Rank { .. })
            && members.len() as u64 > super::LISTPACK_MAX_ENTRIES;
        self.zset_replace(dst.as_ref(), &members, !known_large)
    }

    /// ZREMRANGEBYRANK: removes the members at positions `start..=stop` (negative from the
    /// end); the number removed.
    ///
    /// # Errors
    /// [`Error::WrongType`].
    pub fn zremrangebyrank(&mut self, key: impl AsRef<[u8]>, start: i64, stop: i64) -> Result<u64> {
        self.remove_range(key.as_ref(), &ZRangeBy::Rank { start, stop })
    }

    /// ZREMRANGEBYSCORE: removes the members with scores from `min` to `max`; the number
    /// removed.
    ///
    /// # Errors
    /// [`Error::MinMaxNotFloat`] for a NaN bound; [`Error::WrongType`].
    pub fn zremrangebyscore(
        &mut self,
        key: impl AsRef<[u8]>,
        min: ScoreBound,
        max: ScoreBound,
    ) -> Result<u64> {
        let by = ZRangeBy::Score {
            min,
            max,
            limit: None,
        };
        self.remove_range(key.as_ref(), &by)
    }

    /// ZREMRANGEBYLEX: removes the members from `min` to `max` in byte order; the number
    /// removed.
    ///
    /// # Errors
    /// [`Error::WrongType`].
    pub fn zremrangebylex(
        &mut self,
        key: impl AsRef<[u8]>,
        min: LexBound,
        max: LexBound,
    ) -> Result<u64> {
        let by = ZRangeBy::Lex {
            min,
            max,
            limit: None,
        };
        self.remove_range(key.as_ref(), &by)
    }

    fn remove_range(&mut self, key: &[u8], by: &ZRangeBy) -> Result<u64> {
        let Some(mut zset) = self.zset_open(key)? else {
            return Ok(0);
        };
        let members = self.zrange(
            key,
            &ZRange {
                by: by.clone(),
                rev: false,
            },
        )?;
        self.rank_prepare(&mut zset, members.len() as u64)?;
        for (member, score) in &members {
            self.zset_delete(&mut zset, member, *score)?;
        }
        if !members.is_empty() {
            self.zset_save(key, &mut zset)?;
        }
        Ok(members.len() as u64)
    }
}

store_ops! {
    /// ZRANGE; see [`ReadTxn::zrange`].
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// use keyp::{ZAddOptions, ZRange, ZRangeArgs, ZRangeCommand};
    /// store.zadd("z", ZAddOptions::default(), &[(1.0, "a"), (2.0, "b"), (3.0, "c")])?;
    /// // ZRANGE z 3 2 BYSCORE REV WITHSCORES, parsed from the wire arguments.
    /// let args = ZRangeArgs::parse(ZRangeCommand::ZRange, b"3", b"2", &["BYSCORE", "REV", "WITHSCORES"])?;
    /// assert_eq!(store.zrange("z", &args.range)?, [("c".into(), 3.0), ("b".into(), 2.0)]);
    /// # Ok(()) }
    /// ```
    read fn zrange(key: impl AsRef<[u8]>, range: &ZRange) -> Vec<(Bytes, f64)>;
    /// ZREVRANGE; see [`ReadTxn::zrevrange`].
    read fn zrevrange(key: impl AsRef<[u8]>, start: i64, stop: i64) -> Vec<(Bytes, f64)>;
    /// ZRANGEBYSCORE; see [`ReadTxn::zrangebyscore`].
    read fn zrangebyscore(key: impl AsRef<[u8]>, min: ScoreBound, max: ScoreBound, limit: Option<Limit>) -> Vec<(Bytes, f64)>;
    /// ZREVRANGEBYSCORE; see [`ReadTxn::zrevrangebyscore`].
    read fn zrevrangebyscore(key: impl AsRef<[u8]>, max: ScoreBound, min: ScoreBound, limit: Option<Limit>) -> Vec<(Bytes, f64)>;
    /// ZRANGEBYLEX; see [`ReadTxn::zrangebylex`].
    read fn zrangebylex(key: impl AsRef<[u8]>, min: LexBound, max: LexBound, limit: Option<Limit>) -> Vec<Bytes>;
    /// ZREVRANGEBYLEX; see [`ReadTxn::zrevrangebylex`].
    read fn zrevrangebylex(key: impl AsRef<[u8]>, max: LexBound, min: LexBound, limit: Option<Limit>) -> Vec<Bytes>;
    /// ZCOUNT; see [`ReadTxn::zcount`].
    read fn zcount(key: impl AsRef<[u8]>, min: ScoreBound, max: ScoreBound) -> u64;
    /// ZLEXCOUNT; see [`ReadTxn::zlexcount`].
    read fn zlexcount(key: impl AsRef<[u8]>, min: LexBound, max: LexBound) -> u64;
    /// ZRANGESTORE; see [`WriteTxn::zrangestore`].
    write fn zrangestore(dst: impl AsRef<[u8]>, src: impl AsRef<[u8]>, range: &ZRange) -> u64;
    /// ZREMRANGEBYRANK; see [`WriteTxn::zremrangebyrank`].
    write fn zremrangebyrank(key: impl AsRef<[u8]>, start: i64, stop: i64) -> u64;
    /// ZREMRANGEBYSCORE; see [`WriteTxn::zremrangebyscore`].
    write fn zremrangebyscore(key: impl AsRef<[u8]>, min: ScoreBound, max: ScoreBound) -> u64;
    /// ZREMRANGEBYLEX; see [`WriteTxn::zremrangebylex`].
    write fn zremrangebylex(key: impl AsRef<[u8]>, min: LexBound, max: LexBound) -> u64;
}
