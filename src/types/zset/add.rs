//! Members one at a time: ZADD (and its options), ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK,
//! ZREVRANK.

use bytes::Bytes;

use super::score::parse_score;
use super::{decode_member_score, member_key, zset_prepare};
use crate::error::{Error, Result};
use crate::store::store_ops;
use crate::txn::{ReadTxn, WriteTxn};
use crate::types::collection::Collection;

/// ZADD's conditions. Redis refuses XX with NX, and any two of GT, LT and NX; XX goes with GT
/// or LT.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ZAddOptions {
    /// NX: only add new members, never update existing ones.
    pub nx: bool,
    /// XX: only update existing members, never add.
    pub xx: bool,
    /// GT: update an existing member only if the new score is greater.
    pub gt: bool,
    /// LT: update an existing member only if the new score is less.
    pub lt: bool,
    /// CH: count updated members too in the reply, not just added ones.
    pub ch: bool,
}

impl ZAddOptions {
    /// Redis's checks of the combination.
    fn check(self) -> Result<()> {
        if self.nx && self.xx {
            return Err(Error::ZaddXxAndNx);
        }
        if (self.nx && (self.gt || self.lt)) || (self.gt && self.lt) {
            return Err(Error::ZaddGtLtNx);
        }
        Ok(())
    }
}

/// ZADD's arguments after the key, parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct ZAddArgs {
    /// The conditions.
    pub options: ZAddOptions,
    /// INCR: add the score to the member's (see [`WriteTxn::zadd_incr`]).
    pub incr: bool,
    /// The (score, member) pairs, in order; exactly one with INCR.
    pub pairs: Vec<(f64, Bytes)>,
}

impl ZAddArgs {
    /// Parses `[NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]` (options in any
    /// order, case-insensitive) with Redis's checks in Redis's order.
    ///
    /// # Errors
    /// [`Error::Syntax`] for a missing or unpaired score and member; [`Error::ZaddXxAndNx`],
    /// [`Error::ZaddGtLtNx`] and [`Error::ZaddIncrPair`] for conflicting options;
    /// [`Error::NotFloat`] for a score that [`parse_score`] rejects.
    pub fn parse(args: &[impl AsRef<[u8]>]) -> Result<ZAddArgs> {
        let mut options = ZAddOptions::default();
        let mut incr = false;
        let mut first_pair = args.len();
        for (i, arg) in args.iter().enumerate() {
            let arg = arg.as_ref();
            let flag = [
                (&b"nx"[..], &mut options.nx),
                (b"xx", &mut options.xx),
                (b"gt", &mut options.gt),
                (b"lt", &mut options.lt),
                (b"ch", &mut options.ch),
                (b"incr", &mut incr),
            ]
            .into_iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(arg));
            match flag {
                Some((_, set)) => *set = true,
                None => {
                    first_pair = i;
                    break;
                }
            }
        }
        let rest = &args[first_pair..];
        if rest.is_empty() || rest.len() % 2 != 0 {
            return Err(Error::Syntax);
        }
        options.check()?;
        if incr && rest.len() > 2 {
            return Err(Error::ZaddIncrPair);
        }
        let pairs = rest
            .chunks_exact(2)
            .map(|pair| {
                let score = parse_score(pair[0].as_ref())?;
                Ok((score, Bytes::copy_from_slice(pair[1].as_ref())))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(ZAddArgs {
            options,
            incr,
            pairs,
        })
    }
}

/// What ZADD did to one member.
enum Added {
    /// A new member, with this score.
    New(f64),
    /// An existing member; true if its score changed. The score it has now.
    Existing(f64, bool),
    /// Nothing: a condition (NX, XX, GT, LT) held it back.
    Skipped,
}

/// What ZADD decided for one member, on its current score.
enum Decided {
    /// Held back by NX, XX, GT or LT.
    Skip,
    /// Already at this score.
    Same(f64),
    /// Its entry now holds `stored` (`score` as stored); `old` is the score it had, if any.
    Put {
        score: f64,
        stored: f64,
        old: Option<f64>,
    },
}

impl WriteTxn<'_> {
    /// ZADD: sets the score of each member (in order, so a member named twice ends with its
    /// last score), creating the sorted set if needed; the number of members added (with
    /// `options.ch`, added or whose score changed).
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// use keyp::{ZAddOptions, ZRange};
    /// let added = store.zadd("board", ZAddOptions::default(), &[(30.0, "carol"), (10.0, "alice")])?;
    /// assert_eq!(added, 2);
    /// // GT: only raise scores; CH: count changes too.
    /// let options = ZAddOptions { gt: true, ch: true, ..Default::default() };
    /// assert_eq!(store.zadd("board", options, &[(5.0, "alice"), (40.0, "carol")])?, 1);
    /// let top = store.zrange("board", &ZRange::rank(0, -1).rev())?;
    /// assert_eq!(top, [("carol".into(), 40.0), ("alice".into(), 10.0)]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::ZaddXxAndNx`] or [`Error::ZaddGtLtNx`] for conflicting options;
    /// [`Error::Syntax`] for no pairs; [`Error::NotFloat`] for a NaN score;
    /// [`Error::WrongType`].
    pub fn zadd(
        &mut self,
        key: impl AsRef<[u8]>,
        options: ZAddOptions,
        pairs: &[(f64, impl AsRef<[u8]>)],
    ) -> Result<u64> {
        options.check()?;
        if pairs.is_empty() {
            return Err(Error::Syntax);
        }
        if pairs.iter().any(|(score, _)| score.is_nan()) {
            return Err(Error::NotFloat);
        }
        let key = key.as_ref();
        let Some(mut zset) = self.zadd_target(key, options)? else {
            return Ok(0);
        };
        let dropped = self.rank_prepare(&mut zset, pairs.len() as u64)?;
        let (mut added, mut changed) = (0, 0);
        for (score, member) in pairs {
            match self.zadd_one(&mut zset, member.as_ref(), *score, false, options)? {
                Added::New(_) => added += 1,
                Added::Existing(_, true) => changed += 1,
                Added::Existing(_, false) | Added::Skipped => {}
            }
        }
        if added + changed > 0 {
            self.zset_save(key, &mut zset)?;
        } else {
            self.rank_restore(&mut zset, dropped)?;
        }
        Ok(if options.ch { added + changed } else { added })
    }

    /// ZADD INCR: adds `increment` to `member`'s score (a missing member counts as 0); its new
    /// score, or `None` when a condition (NX, XX, GT, LT) held the change back.
    ///
    /// # Errors
    /// As [`zadd`](Self::zadd); [`Error::ScoreNan`] when the sum is NaN (`inf` plus `-inf`).
    pub fn zadd_incr(
        &mut self,
        key: impl AsRef<[u8]>,
        options: ZAddOptions,
        increment: f64,
        member: impl AsRef<[u8]>,
    ) -> Result<Option<f64>> {
        options.check()?;
        if increment.is_nan() {
            return Err(Error::NotFloat);
        }
        let key = key.as_ref();
        let Some(mut zset) = self.zadd_target(key, options)? else {
            return Ok(None);
        };
        let (score, changed) =
            match self.zadd_one(&mut zset, member.as_ref(), increment, true, options)? {
                Added::New(score) => (score, true),
                Added::Existing(score, changed) => (score, changed),
                Added::Skipped => return Ok(None),
            };
        if changed {
            self.zset_save(key, &mut zset)?;
        }
        Ok(Some(score))
    }

    /// ZINCRBY: adds `increment` to `member`'s score (a missing member or key counts as 0);
    /// the new score.
    ///
    /// # Errors
    /// [`Error::NotFloat`] for a NaN increment; [`Error::ScoreNan`] when the sum is NaN;
    /// [`Error::WrongType`].
    pub fn zincrby(
        &mut self,
        key: impl AsRef<[u8]>,
        increment: f64,
        member: impl AsRef<[u8]>,
    ) -> Result<f64> {
        self.zadd_incr(key, ZAddOptions::default(), increment, member)?
            .ok_or(Error::Corrupt("unconditional increment skipped"))
    }

    /// The sorted set ZADD writes to: the existing one, none under XX if missing, else new.
    fn zadd_target(&mut self, key: &[u8], options: ZAddOptions) -> Result<Option<Collection>> {
        if let Some(zset) = self.zset_open(key)? {
            return Ok(Some(zset));
        }
        if options.xx {
            return Ok(None);
        }
        self.open_or_create(key, crate::types::KeyType::ZSet, &[0])
            .map(Some)
    }

    /// One member of ZADD, as Redis's `zsetAdd` decides it.
    fn zadd_one(
        &mut self,
        zset: &mut Collection,
        member: &[u8],
        score: f64,
        incr: bool,
        options: ZAddOptions,
    ) -> Result<Added> {
        // Decided on the current score, read in the same descent that writes the new one.
        let key = member_key(zset.key_id, member);
        let decided = self.update_element(&key, member, 8, |old| {
            let current = old.map(decode_member_score).transpose()?;
            let (score, old) = match current {
                None if options.xx => return Ok((None, Decided::Skip)),
                None => (score, None),
                Some(_) if options.nx => return Ok((None, Decided::Skip)),
                Some(current) => {
                    let score = if incr { score + current } else { score };
                    if score.is_nan() {
                        return Err(Error::ScoreNan);
                    }
                    if (options.lt && score >= current) || (options.gt && score <= current) {
                        return Ok((None, Decided::Skip));
                    }
                    // Redis replies with the score it computed, even where it stores -0 as 0.
                    if score == current {
                        return Ok((None, Decided::Same(score)));
                    }
                    (score, Some(current))
                }
            };
            let stored = zset_prepare(zset, member, old.is_none(), score);
            let bits = stored.to_bits().to_be_bytes().to_vec();
            Ok((Some(bits), Decided::Put { score, stored, old }))
        })?;
        match decided {
            Decided::Skip => Ok(Added::Skipped),
            Decided::Same(score) => Ok(Added::Existing(score, false)),
            Decided::Put { score, stored, old } => {
                self.zset_index(zset, member, old, stored)?;
                Ok(match old {
                    None => Added::New(score),
                    Some(_) => Added::Existing(score, true),
                })
            }
        }
    }

    /// ZREM: removes `members`; the number that were there. The key goes with its last member.
    ///
    /// # Errors
    /// [`Error::WrongType`].
    pub fn zrem(&mut self, key: impl AsRef<[u8]>, members: &[impl AsRef<[u8]>]) -> Result<u64> {
        let key = key.as_ref();
        let Some(mut zset) = self.zset_open(key)? else {
            return Ok(0);
        };
        let dropped = self.rank_prepare(&mut zset, members.len() as u64)?;
        let mut removed = 0;
        for member in members {
            let member = member.as_ref();
            if let Some(score) = self.zset_score_of(zset.key_id, member)? {
                self.zset_delete(&mut zset, member, score)?;
                removed += 1;
            }
        }
        if removed > 0 {
            self.zset_save(key, &mut zset)?;
        } else {
            self.rank_restore(&mut zset, dropped)?;
        }
        Ok(removed)
    }
}

impl ReadTxn<'_> {
    /// ZCARD: the number of members (0 for a missing key). O(1).
    ///
    /// # Errors
    /// [`Error::WrongType`].
    pub fn zcard(&self, key: impl AsRef<[u8]>) -> Result<u64> {
        Ok(self.zset_view(key.as_ref())?.map_or(0, |view| view.count))
    }

    /// ZSCORE: the score of `member`, `None` if it or the key is missing.
    ///
    /// # Errors
    /// [`Error::WrongType`].
    pub fn zscore(&self, key: impl AsRef<[u8]>, member: impl AsRef<[u8]>) -> Result<Option<f64>> {
        match self.zset_view(key.as_ref())? {
            Some(view) => self.zset_score_of(view.key_id, member.as_ref()),
            None => Ok(None),
        }
    }

    /// ZMSCORE: the score of each member, `None` for the missing ones.
    ///
    /// # Errors
    /// [`Error::WrongType`].
    pub fn zmscore(
        &self,
        key: impl AsRef<[u8]>,
        members: &[impl AsRef<[u8]>],
    ) -> Result<Vec<Option<f64>>> {
        let Some(view) = self.zset_view(key.as_ref())? else {
            return Ok(vec![None; members.len()]);
        };
        members
            .iter()
            .map(|member| self.zset_score_of(view.key_id, member.as_ref()))
            .collect()
    }

    /// ZRANK: the 0-based position of `member` in ascending order, `None` if missing.
    /// O(log n), read from the sorted set's rank index; the first on a set without one walks
    /// from both ends and has the index built in the background (see `ARCHITECTURE.md`).
    ///
    /// # Errors
    /// [`Error::WrongType`].
    pub fn zrank(&self, key: impl AsRef<[u8]>, member: impl AsRef<[u8]>) -> Result<Option<u64>> {
        self.rank(key.as_ref(), member.as_ref(), false)
    }

    /// ZREVRANK: the 0-based position of `member` in descending order, `None` if missing. Cost
    /// as [`zrank`](Self::zrank).
    ///
    /// # Errors
    /// [`Error::WrongType`].
    pub fn zrevrank(&self, key: impl AsRef<[u8]>, member: impl AsRef<[u8]>) -> Result<Option<u64>> {
        self.rank(key.as_ref(), member.as_ref(), true)
    }

    fn rank(&self, key: &[u8], member: &[u8], reverse: bool) -> Result<Option<u64>> {
        let Some(view) = self.zset_view(key)? else {
            return Ok(None);
        };
        let Some(score) = self.zset_score_of(view.key_id, member)? else {
            return Ok(None);
        };
        let rank = self.rank_of(&view, score, member)?;
        self.ask_for_ranks(key);
        Ok(Some(if reverse {
            view.count.saturating_sub(rank + 1)
        } else {
            rank
        }))
    }
}

store_ops! {
    /// ZADD; see [`WriteTxn::zadd`].
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// use keyp::ZAddOptions;
    /// assert_eq!(store.zadd("z", ZAddOptions::default(), &[(1.0, "a"), (2.0, "b")])?, 2);
    /// let nx = ZAddOptions { nx: true, ..Default::default() };
    /// assert_eq!(store.zadd("z", nx, &[(9.0, "a"), (3.0, "c")])?, 1);
    /// assert_eq!(store.zscore("z", "a")?, Some(1.0));
    /// # Ok(()) }
    /// ```
    write fn zadd(key: impl AsRef<[u8]>, options: ZAddOptions, pairs: &[(f64, impl AsRef<[u8]>)]) -> u64;
    /// ZADD INCR; see [`WriteTxn::zadd_incr`].
    write fn zadd_incr(key: impl AsRef<[u8]>, options: ZAddOptions, increment: f64, member: impl AsRef<[u8]>) -> Option<f64>;
    /// ZINCRBY; see [`WriteTxn::zincrby`].
    write fn zincrby(key: impl AsRef<[u8]>, increment: f64, member: impl AsRef<[u8]>) -> f64;
    /// ZREM; see [`WriteTxn::zrem`].
    write fn zrem(key: impl AsRef<[u8]>, members: &[impl AsRef<[u8]>]) -> u64;
    /// ZCARD; see [`ReadTxn::zcard`].
    read fn zcard(key: impl AsRef<[u8]>) -> u64;
    /// ZSCORE; see [`ReadTxn::zscore`].
    read fn zscore(key: impl AsRef<[u8]>, member: impl AsRef<[u8]>) -> Option<f64>;
    /// ZMSCORE; see [`ReadTxn::zmscore`].
    read fn zmscore(key: impl AsRef<[u8]>, members: &[impl AsRef<[u8]>]) -> Vec<Option<f64>>;
    /// ZRANK; see [`ReadTxn::zrank`].
    read fn zrank(key: impl AsRef<[u8]>, member: impl AsRef<[u8]>) -> Option<u64>;
    /// ZREVRANK; see [`ReadTxn::zrevrank`].
    read fn zrevrank(key: impl AsRef<[u8]>, member: impl AsRef<[u8]>) -> Option<u64>;
}
