//! Combining sorted sets: ZUNION, ZINTER, ZDIFF, their STORE forms, and ZINTERCARD.
//!
//! Inputs may be sorted sets or plain sets (whose members count as score 1); a missing key is
//! an empty input. As in Redis, ZUNION and ZINTER take the inputs smallest first (a stable sort
//! by size, weights following their keys), which decides the order in which scores are
//! added; `weight * score` that is NaN (0 × ±inf) counts as 0 for ZUNION and for ZINTER's
//! smallest input, and a SUM that is NaN (inf + -inf) becomes 0. Results come in (score,
//! member) order.

use std::collections::HashMap;

use bytes::Bytes;

use super::score::{compare_entries, parse_weight};
use super::{decode_member_score, index::Start, owned};
use crate::error::{Error, Result};
use crate::storage::element::ElementKind;
use crate::store::store_ops;
use crate::txn::{ReadTxn, WriteTxn};
use crate::types::collection::Walk;
use crate::types::string::parse_i64;
use crate::types::KeyType;

/// How ZUNION and ZINTER combine the scores a member has in several inputs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Aggregate {
    /// SUM (the default).
    #[default]
    Sum,
    /// MIN.
    Min,
    /// MAX.
    Max,
}

impl Aggregate {
    /// Parses `SUM`, `MIN` or `MAX` (case-insensitive).
    ///
    /// # Errors
    /// [`Error::Syntax`] for anything else.
    pub fn parse(arg: &[u8]) -> Result<Aggregate> {
        [
            (&b"sum"[..], Aggregate::Sum),
            (b"min", Aggregate::Min),
            (b"max", Aggregate::Max),
        ]
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(arg))
        .map(|(_, aggregate)| aggregate)
        .ok_or(Error::Syntax)
    }

    /// Redis's `zunionInterAggregate`.
    fn combine(self, target: f64, value: f64) -> f64 {
        match self {
            Aggregate::Sum => {
                let sum = target + value;
                if sum.is_nan() {
                    0.0
                } else {
                    sum
                }
            }
            Aggregate::Min if value < target => value,
            Aggregate::Max if value > target => value,
            Aggregate::Min | Aggregate::Max => target,
        }
    }
}

/// ZUNION's and ZINTER's options: WEIGHTS (empty: all 1) and AGGREGATE.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ZCombine {
    /// One weight per input key, multiplying its scores; empty for none.
    pub weights: Vec<f64>,
    /// How scores of a member found in several inputs combine.
    pub aggregate: Aggregate,
}

/// The command whose arguments [`ZCombineArgs::parse`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ZCombineCommand {
    /// ZUNION: WEIGHTS, AGGREGATE, WITHSCORES.
    ZUnion,
    /// ZINTER: WEIGHTS, AGGREGATE, WITHSCORES.
    ZInter,
    /// ZDIFF: WITHSCORES.
    ZDiff,
    /// ZUNIONSTORE: WEIGHTS, AGGREGATE.
    ZUnionStore,
    /// ZINTERSTORE: WEIGHTS, AGGREGATE.
    ZInterStore,
    /// ZDIFFSTORE: no options.
    ZDiffStore,
}

impl ZCombineCommand {
    fn name(self) -> &'static str {
        match self {
            ZCombineCommand::ZUnion => "zunion",
            ZCombineCommand::ZInter => "zinter",
            ZCombineCommand::ZDiff => "zdiff",
            ZCombineCommand::ZUnionStore => "zunionstore",
            ZCombineCommand::ZInterStore => "zinterstore",
            ZCombineCommand::ZDiffStore => "zdiffstore",
        }
    }
}

/// The parsed arguments of ZUNION, ZINTER, ZDIFF and their STORE forms.
#[derive(Clone, Debug, PartialEq)]
pub struct ZCombineArgs {
    /// The input keys.
    pub keys: Vec<Bytes>,
    /// WEIGHTS and AGGREGATE.
    pub combine: ZCombine,
    /// WITHSCORES.
    pub withscores: bool,
}

/// `numkeys key [key ...]`: the keys and the arguments after them.
fn split_keys<'a, A: AsRef<[u8]>>(
    args: &'a [A],
    name: &'static str,
) -> Result<(Vec<Bytes>, &'a [A])> {
    let numkeys = args
        .first()
        .and_then(|arg| parse_i64(arg.as_ref()))
        .ok_or(Error::NotInteger)?;
    if numkeys < 1 {
        return Err(Error::NoInputKeys(name));
    }
    let numkeys = usize::try_from(numkeys).map_err(|_| Error::Syntax)?;
    let rest = args.get(1..).unwrap_or_default();
    if numkeys > rest.len() {
        return Err(Error::Syntax);
    }
    let keys = rest[..numkeys]
        .iter()
        .map(|k| Bytes::copy_from_slice(k.as_ref()))
        .collect();
    Ok((keys, &rest[numkeys..]))
}

impl ZCombineArgs {
    /// Parses `numkeys key [key ...]` and the options `command` takes, with Redis's checks.
    ///
    /// Redis checks the input keys' types before it reads the options, so when a key holds
    /// another type *and* an option is bad, Redis replies WRONGTYPE where this reports the
    /// option.
    ///
    /// # Errors
    /// [`Error::NotInteger`] for a numkeys that is not an integer; [`Error::NoInputKeys`] for
    /// one below 1; [`Error::Syntax`] for too few keys or an unknown option;
    /// [`Error::WeightNotFloat`].
    pub fn parse(command: ZCombineCommand, args: &[impl AsRef<[u8]>]) -> Result<ZCombineArgs> {
        use ZCombineCommand as C;
        let (keys, mut rest) = split_keys(args, command.name())?;
        let weighted = !matches!(command, C::ZDiff | C::ZDiffStore);
        let replies = matches!(command, C::ZUnion | C::ZInter | C::ZDiff);
        let mut combine = ZCombine::default();
        let mut withscores = false;
        while let Some((option, after)) = rest.split_first() {
            let option = option.as_ref();
            if weighted && after.len() >= keys.len() && option.eq_ignore_ascii_case(b"weights") {
                let (weights, after) = after.split_at(keys.len());
                combine.weights = weights
                    .iter()
                    .map(|w| parse_weight(w.as_ref()))
                    .collect::<Result<_>>()?;
                rest = after;
            } else if weighted && !after.is_empty() && option.eq_ignore_ascii_case(b"aggregate") {
                combine.aggregate = Aggregate::parse(after[0].as_ref())?;
                rest = &after[1..];
            } else if replies && option.eq_ignore_ascii_case(b"withscores") {
                withscores = true;
                rest = after;
            } else {
                return Err(Error::Syntax);
            }
        }
        Ok(ZCombineArgs {
            keys,
            combine,
            withscores,
        })
    }
}

/// Parses ZINTERCARD's `numkeys key [key ...] [LIMIT limit]`: the keys and the limit (0 for
/// none).
///
/// # Errors
/// [`Error::NotInteger`] or [`Error::NoInputKeys`] for numkeys; [`Error::Syntax`];
/// [`Error::NegativeLimit`] for a LIMIT below 0 or not an integer.
pub fn parse_zintercard(args: &[impl AsRef<[u8]>]) -> Result<(Vec<Bytes>, u64)> {
    let (keys, mut rest) = split_keys(args, "zintercard")?;
    let mut limit = 0;
    while let Some((option, after)) = rest.split_first() {
        match after.first() {
            Some(value) if option.as_ref().eq_ignore_ascii_case(b"limit") => {
                limit = parse_i64(value.as_ref())
                    .and_then(|n| u64::try_from(n).ok())
                    .ok_or(Error::NegativeLimit)?;
                rest = &after[1..];
            }
            _ => return Err(Error::Syntax),
        }
    }
    Ok((keys, limit))
}

/// One input: a sorted set, a set, or nothing.
#[derive(Clone, Copy)]
struct Input {
    key_id: u64,
    count: u64,
    kind: KeyType,
    weight: f64,
}

impl ReadTxn<'_> {
    /// The inputs of `keys` with their weights; [`Error::WrongType`] for a key that is neither
    /// a sorted set nor a set.
    fn inputs(
        &self,
        keys: &[impl AsRef<[u8]>],
        weights: &[f64],
        name: &'static str,
    ) -> Result<Vec<Input>> {
        if keys.is_empty() {
            return Err(Error::NoInputKeys(name));
        }
        if !weights.is_empty() && weights.len() != keys.len() {
            return Err(Error::Syntax);
        }
        if weights.iter().any(|w| w.is_nan()) {
            return Err(Error::WeightNotFloat);
        }
        keys.iter()
            .enumerate()
            .map(|(i, key)| {
                let weight = weights.get(i).copied().unwrap_or(1.0);
                let Some(meta) = self.lookup(key.as_ref())? else {
                    return Ok(Input {
                        key_id: 0,
                        count: 0,
                        kind: KeyType::ZSet,
                        weight,
                    });
                };
                if !matches!(meta.kind, KeyType::ZSet | KeyType::Set) {
                    return Err(Error::WrongType);
                }
                let (key_id, count, _) = meta.collection()?;
                Ok(Input {
                    key_id,
                    count,
                    kind: meta.kind,
                    weight,
                })
            })
            .collect()
    }

    /// Visits every (member, score) of an input until `visit` returns false.
    fn each_member(
        &self,
        input: &Input,
        mut visit: impl FnMut(&[u8], f64) -> Result<bool>,
    ) -> Result<()> {
        if input.count == 0 {
            return Ok(());
        }
        if input.kind == KeyType::ZSet {
            let mut cursor = self.index_cursor(input.key_id, Start::First)?;
            while let Some(item) = cursor.next()? {
                if !visit(item.member, item.score)? {
                    break;
                }
            }
            return Ok(());
        }
        let from = Walk::Forward([0; 8]);
        self.walk(input.key_id, ElementKind::SetMember, from, |entry| {
            visit(entry.element, 1.0)
        })
    }

    /// The score of `member` in an input, if it is there (1 in a set).
    fn score_in(&self, input: &Input, member: &[u8]) -> Result<Option<f64>> {
        if input.count == 0 {
            return Ok(None);
        }
        let kind = if input.kind == KeyType::ZSet {
            ElementKind::ZsetMember
        } else {
            ElementKind::SetMember
        };
        match self.element(input.key_id, kind, member)? {
            Some(payload) if input.kind == KeyType::ZSet => decode_member_score(payload).map(Some),
            Some(_) => Ok(Some(1.0)),
            None => Ok(None),
        }
    }

    /// ZUNION: every member of any input, with its combined weighted score, in order.
    ///
    /// # Errors
    /// [`Error::NoInputKeys`] for no keys; [`Error::Syntax`] for a number of weights other
    /// than the number of keys; [`Error::WeightNotFloat`] for a NaN weight;
    /// [`Error::WrongType`] for an input that is neither a sorted set nor a set.
    pub fn zunion(
        &self,
        keys: &[impl AsRef<[u8]>],
        combine: &ZCombine,
    ) -> Result<Vec<(Bytes, f64)>> {
        self.union(keys, combine, "zunion")
    }

    fn union(
        &self,
        keys: &[impl AsRef<[u8]>],
        combine: &ZCombine,
        name: &'static str,
    ) -> Result<Vec<(Bytes, f64)>> {
        let mut inputs = self.inputs(keys, &combine.weights, name)?;
        inputs.sort_by_key(|input| input.count);
        let mut scores: HashMap<Bytes, f64> = HashMap::new();
        for input in &inputs {
            self.each_member(input, |member, score| {
                let mut value = input.weight * score;
                if value.is_nan() {
                    value = 0.0;
                }
                match scores.get_mut(member) {
                    Some(total) => *total = combine.aggregate.combine(*total, value),
                    None => {
                        scores.insert(Bytes::copy_from_slice(member), value);
                    }
                }
                Ok(true)
            })?;
        }
        Ok(sorted(scores.into_iter().collect()))
    }

    /// ZINTER: the members found in every input, with their combined weighted scores, in
    /// order.
    ///
    /// # Errors
    /// As [`zunion`](Self::zunion).
    pub fn zinter(
        &self,
        keys: &[impl AsRef<[u8]>],
        combine: &ZCombine,
    ) -> Result<Vec<(Bytes, f64)>> {
        self.inter(keys, combine, "zinter")
    }

    fn inter(
        &self,
        keys: &[impl AsRef<[u8]>],
        combine: &ZCombine,
        name: &'static str,
    ) -> Result<Vec<(Bytes, f64)>> {
        let mut inputs = self.inputs(keys, &combine.weights, name)?;
        inputs.sort_by_key(|input| input.count);
        let Some((smallest, others)) = inputs.split_first() else {
            return Ok(Vec::new());
        };
        let mut found = Vec::new();
        self.each_member(smallest, |member, score| {
            let mut total = smallest.weight * score;
            if total.is_nan() {
                total = 0.0;
            }
            for other in others {
                let Some(score) = self.score_in(other, member)? else {
                    return Ok(true);
                };
                total = combine.aggregate.combine(total, score * other.weight);
            }
            found.push(owned(member, total));
            Ok(true)
        })?;
        Ok(sorted(found))
    }

    /// ZDIFF: the members of the first input found in no other, with their scores there, in
    /// order.
    ///
    /// # Errors
    /// [`Error::NoInputKeys`] for no keys; [`Error::WrongType`].
    pub fn zdiff(&self, keys: &[impl AsRef<[u8]>]) -> Result<Vec<(Bytes, f64)>> {
        self.diff(keys, "zdiff")
    }

    fn diff(&self, keys: &[impl AsRef<[u8]>], name: &'static str) -> Result<Vec<(Bytes, f64)>> {
        let inputs = self.inputs(keys, &[], name)?;
        let Some((first, others)) = inputs.split_first() else {
            return Ok(Vec::new());
        };
        let mut found = Vec::new();
        self.each_member(first, |member, score| {
            for other in others {
                if self.score_in(other, member)?.is_some() {
                    return Ok(true);
                }
            }
            found.push(owned(member, score));
            Ok(true)
        })?;
        Ok(sorted(found))
    }

    /// ZINTERCARD: the number of members found in every input, counting stopping at `limit`
    /// (0 for no limit).
    ///
    /// # Errors
    /// [`Error::NoInputKeys`] for no keys; [`Error::WrongType`].
    pub fn zintercard(&self, keys: &[impl AsRef<[u8]>], limit: u64) -> Result<u64> {
        let mut inputs = self.inputs(keys, &[], "zintercard")?;
        inputs.sort_by_key(|input| input.count);
        let Some((smallest, others)) = inputs.split_first() else {
            return Ok(0);
        };
        let mut count = 0;
        self.each_member(smallest, |member, _| {
            for other in others {
                if self.score_in(other, member)?.is_none() {
                    return Ok(true);
                }
            }
            count += 1;
            Ok(limit == 0 || count < limit)
        })?;
        Ok(count)
    }
}

/// Sorts results in (score, member) order.
fn sorted(mut members: Vec<(Bytes, f64)>) -> Vec<(Bytes, f64)> {
    members.sort_unstable_by(|a, b| compare_entries((a.1, &a.0), (b.1, &b.0)));
    members
}

impl WriteTxn<'_> {
    /// ZUNIONSTORE: stores [`zunion`](ReadTxn::zunion)'s result as `dst` (replacing whatever it
    /// held; deleting it if the result is empty); the number of members stored.
    ///
    /// # Errors
    /// As [`zunion`](ReadTxn::zunion).
    pub fn zunionstore(
        &mut self,
        dst: impl AsRef<[u8]>,
        keys: &[impl AsRef<[u8]>],
        combine: &ZCombine,
    ) -> Result<u64> {
        let members = self.union(keys, combine, "zunionstore")?;
        self.zset_replace(dst.as_ref(), &members, false)
    }

    /// ZINTERSTORE: stores [`zinter`](ReadTxn::zinter)'s result as `dst`; the number stored.
    ///
    /// # Errors
    /// As [`zunion`](ReadTxn::zunion).
    pub fn zinterstore(
        &mut self,
        dst: impl AsRef<[u8]>,
        keys: &[impl AsRef<[u8]>],
        combine: &ZCombine,
    ) -> Result<u64> {
        let members = self.inter(keys, combine, "zinterstore")?;
        self.zset_replace(dst.as_ref(), &members, false)
    }

    /// ZDIFFSTORE: stores [`zdiff`](ReadTxn::zdiff)'s result as `dst`; the number stored.
    ///
    /// # Errors
    /// As [`zdiff`](ReadTxn::zdiff).
    pub fn zdiffstore(&mut self, dst: impl AsRef<[u8]>, keys: &[impl AsRef<[u8]>]) -> Result<u64> {
        let members = self.diff(keys, "zdiffstore")?;
        self.zset_replace(dst.as_ref(), &members, false)
    }
}

store_ops! {
    /// ZUNION; see [`ReadTxn::zunion`].
    read fn zunion(keys: &[impl AsRef<[u8]>], combine: &ZCombine) -> Vec<(Bytes, f64)>;
    /// ZINTER; see [`ReadTxn::zinter`].
    read fn zinter(keys: &[impl AsRef<[u8]>], combine: &ZCombine) -> Vec<(Bytes, f64)>;
    /// ZDIFF; see [`ReadTxn::zdiff`].
    read fn zdiff(keys: &[impl AsRef<[u8]>]) -> Vec<(Bytes, f64)>;
    /// ZINTERCARD; see [`ReadTxn::zintercard`].
    read fn zintercard(keys: &[impl AsRef<[u8]>], limit: u64) -> u64;
    /// ZUNIONSTORE; see [`WriteTxn::zunionstore`].
    write fn zunionstore(dst: impl AsRef<[u8]>, keys: &[impl AsRef<[u8]>], combine: &ZCombine) -> u64;
    /// ZINTERSTORE; see [`WriteTxn::zinterstore`].
    write fn zinterstore(dst: impl AsRef<[u8]>, keys: &[impl AsRef<[u8]>], combine: &ZCombine) -> u64;
    /// ZDIFFSTORE; see [`WriteTxn::zdiffstore`].
    write fn zdiffstore(dst: impl AsRef<[u8]>, keys: &[impl AsRef<[u8]>]) -> u64;
}
