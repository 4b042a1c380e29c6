//! SINTER, SINTERCARD, SUNION, SDIFF and the STORE variants.
//!
//! As in Redis 7.0, every key named is type-checked before anything is computed (a missing key
//! is an empty set, a key of another type is [`Error::WrongType`] even after a missing one),
//! and the STORE variants compute the whole result before replacing the destination, so the
//! destination may also be one of the inputs.
//!
//! Results come in ascending order of the members' 64-bit hash, the order SMEMBERS and SSCAN
//! use (Redis leaves the order unspecified).

use bytes::Bytes;

use super::{member_key, state_for, store_ops, INTSET};
use crate::error::{Error, Result};
use crate::txn::{ReadTxn, WriteTxn};
use crate::types::collection::CollectionView;
use crate::types::string::parse_i64;
use crate::types::KeyType;

/// The arguments of SINTERCARD after the command name, `numkeys key [key ...] [LIMIT limit]`,
/// parsed with Redis's checks and errors. The keys are `args[1..=numkeys]`.
///
/// ```
/// use keyp::SinterCardArgs;
///
/// let parsed = SinterCardArgs::parse(&["2", "a", "b", "LIMIT", "5"])?;
/// assert_eq!(parsed, SinterCardArgs { numkeys: 2, limit: 5 });
/// assert!(SinterCardArgs::parse(&["1", "a", "LIMIT", "-1"]).is_err());
/// # Ok::<(), keyp::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SinterCardArgs {
    /// How many keys follow.
    pub numkeys: usize,
    /// LIMIT: stop counting at this many members; 0 (the default) means no limit.
    pub limit: u64,
}

impl SinterCardArgs {
    /// Parses SINTERCARD's arguments (everything after the command name). The last LIMIT
    /// given wins.
    ///
    /// # Errors
    /// [`Error::NumkeysNotPositive`] when `numkeys` is not an integer above 0;
    /// [`Error::NumkeysTooMany`] when fewer keys follow; [`Error::NegativeLimit`] when the
    /// LIMIT value is not an integer of at least 0; [`Error::Syntax`] for anything else after
    /// the keys.
    pub fn parse(args: &[impl AsRef<[u8]>]) -> Result<SinterCardArgs> {
        let Some((numkeys, rest)) = args.split_first() else {
            return Err(Error::NumkeysNotPositive);
        };
        let numkeys = match parse_i64(numkeys.as_ref()) {
            Some(n) if n > 0 => n.unsigned_abs(),
            _ => return Err(Error::NumkeysNotPositive),
        };
        let numkeys = match usize::try_from(numkeys) {
            Ok(n) if n <= rest.len() => n,
            _ => return Err(Error::NumkeysTooMany),
        };
        let mut limit = 0;
        let mut options = rest.get(numkeys..).unwrap_or_default().iter();
        while let Some(option) = options.next() {
            if !option.as_ref().eq_ignore_ascii_case(b"limit") {
                return Err(Error::Syntax);
            }
            let Some(value) = options.next() else {
                return Err(Error::Syntax);
            };
            limit = match parse_i64(value.as_ref()) {
                Some(n) if n >= 0 => n.unsigned_abs(),
                _ => return Err(Error::NegativeLimit),
            };
        }
        Ok(SinterCardArgs { numkeys, limit })
    }
}

impl ReadTxn<'_> {
    /// The sets at `keys` (`None` for a missing key), after checking every key's type.
    fn sets_at(&self, keys: &[impl AsRef<[u8]>]) -> Result<Vec<Option<CollectionView<'_>>>> {
        keys.iter().map(|key| self.set(key.as_ref())).collect()
    }

    /// Walks the intersection of the sets at `keys`, handing each member to `emit`, stopping
    /// after `limit` members (0 = no limit). Walks the smallest set and looks each of its
    /// members up in the others: O(n log m) for n members of the smallest.
    fn intersect(
        &self,
        keys: &[impl AsRef<[u8]>],
        limit: u64,
        mut emit: impl FnMut(&[u8]),
    ) -> Result<()> {
        let sets = self.sets_at(keys)?;
        let Some(mut sets) = sets.into_iter().collect::<Option<Vec<_>>>() else {
            return Ok(());
        };
        sets.sort_by_key(|set| set.count);
        let Some((smallest, rest)) = sets.split_first() else {
            return Ok(());
        };
        let others: Vec<u64> = rest
            .iter()
            .map(|set| set.key_id)
            .filter(|id| *id != smallest.key_id)
            .collect();
        let mut found = 0u64;
        self.each_set_member(smallest.key_id, |_, member| {
            for other in &others {
                if !self.has_member(*other, member)? {
                    return Ok(true);
                }
            }
            emit(member);
            found += 1;
            Ok(limit == 0 || found < limit)
        })
    }

    fn union_members(&self, keys: &[impl AsRef<[u8]>]) -> Result<Vec<Bytes>> {
        let sets: Vec<_> = self.sets_at(keys)?.into_iter().flatten().collect();
        if let [only] = sets.as_slice() {
            return self.all_members(only.key_id);
        }
        let mut members: Vec<(u64, Bytes)> = Vec::new();
        for set in &sets {
            self.each_set_member(set.key_id, |hash, member| {
                members.push((hash, Bytes::copy_from_slice(member)));
                Ok(true)
            })?;
        }
        members.sort_unstable();
        members.dedup();
        Ok(members.into_iter().map(|(_, member)| member).collect())
    }

    fn diff_members(&self, keys: &[impl AsRef<[u8]>]) -> Result<Vec<Bytes>> {
        let sets = self.sets_at(keys)?;
        let Some((Some(first), rest)) = sets.split_first() else {
            return Ok(Vec::new());
        };
        let others: Vec<u64> = rest.iter().flatten().map(|set| set.key_id).collect();
        if others.contains(&first.key_id) {
            return Ok(Vec::new());
        }
        let mut members = Vec::new();
        self.each_set_member(first.key_id, |_, member| {
            for other in &others {
                if self.has_member(*other, member)? {
                    return Ok(true);
                }
            }
            members.push(Bytes::copy_from_slice(member));
            Ok(true)
        })?;
        Ok(members)
    }

    /// SINTER: the members present in every set at `keys` (none if any key is missing).
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// store.sadd("likes:ann", &["jazz", "chess", "tea"])?;
    /// store.sadd("likes:bob", &["chess", "tea", "golf"])?;
    /// let mut both = store.sinter(&["likes:ann", "likes:bob"])?;
    /// both.sort();
    /// assert_eq!(both, ["chess", "tea"]);
    /// assert_eq!(store.sintercard(&["likes:ann", "likes:bob"], 1)?, 1);
    /// assert_eq!(store.sinterstore("common", &["likes:ann", "likes:bob"])?, 2);
    /// assert!(store.sinter(&["likes:ann", "nobody"])?.is_empty());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::WrongType`] if any key holds another type.
    pub fn sinter(&self, keys: &[impl AsRef<[u8]>]) -> Result<Vec<Bytes>> {
        let mut members = Vec::new();
        self.intersect(keys, 0, |member| {
            members.push(Bytes::copy_from_slice(member))
        })?;
        Ok(members)
    }

    /// SINTERCARD: the size of the intersection of the sets at `keys`, counting stops at
    /// `limit` (0 = no limit). See [`SinterCardArgs`] for parsing the command's arguments.
    ///
    /// # Errors
    /// [`Error::WrongType`] if any key holds another type.
    pub fn sintercard(&self, keys: &[impl AsRef<[u8]>], limit: u64) -> Result<u64> {
        let mut count = 0;
        self.intersect(keys, limit, |_| count += 1)?;
        Ok(count)
    }

    /// SUNION: the members present in at least one set at `keys`.
    ///
    /// # Errors
    /// [`Error::WrongType`] if any key holds another type.
    pub fn sunion(&self, keys: &[impl AsRef<[u8]>]) -> Result<Vec<Bytes>> {
        self.union_members(keys)
    }

    /// SDIFF: the members of the first set at `keys` present in none of the others (none if
    /// the first key is missing).
    ///
    /// # Errors
    /// [`Error::WrongType`] if any key holds another type.
    pub fn sdiff(&self, keys: &[impl AsRef<[u8]>]) -> Result<Vec<Bytes>> {
        self.diff_members(keys)
    }
}

impl WriteTxn<'_> {
    /// Replaces whatever `dst` holds with a new set of `members` (distinct), without a
    /// deadline; an empty result deletes `dst`. Returns the new set's size.
    fn store_members(&mut self, dst: &[u8], members: &[Bytes]) -> Result<u64> {
        self.delete_key(dst)?;
        if members.is_empty() {
            return Ok(0);
        }
        let state = state_for(members.iter().map(|m| &m[..]));
        let mut set = self.open_or_create(dst, KeyType::Set, &[INTSET])?;
        for member in members {
            self.put_element(&member_key(set.key_id, member), member, &[])?;
        }
        set.count = members.len() as u64;
        set.state = vec![state];
        self.save_collection(dst, &set)?;
        Ok(set.count)
    }

    /// SINTERSTORE: stores the intersection of the sets at `keys` as a set at `dst`, replacing
    /// whatever `dst` held (of any type, deadline included); an empty intersection deletes
    /// `dst`. Returns the size of the result.
    ///
    /// # Errors
    /// [`Error::WrongType`] if any of `keys` holds another type (`dst` may hold any type).
    pub fn sinterstore(&mut self, dst: impl AsRef<[u8]>, keys: &[impl AsRef<[u8]>]) -> Result<u64> {
        let members = self.sinter(keys)?;
        self.store_members(dst.as_ref(), &members)
    }

    /// SUNIONSTORE: as [`sinterstore`](Self::sinterstore) with the union.
    ///
    /// # Errors
    /// [`Error::WrongType`] if any of `keys` holds another type (`dst` may hold any type).
    pub fn sunionstore(&mut self, dst: impl AsRef<[u8]>, keys: &[impl AsRef<[u8]>]) -> Result<u64> {
        let members = self.sunion(keys)?;
        self.store_members(dst.as_ref(), &members)
    }

    /// SDIFFSTORE: as [`sinterstore`](Self::sinterstore) with the difference.
    ///
    /// # Errors
    /// [`Error::WrongType`] if any of `keys` holds another type (`dst` may hold any type).
    pub fn sdiffstore(&mut self, dst: impl AsRef<[u8]>, keys: &[impl AsRef<[u8]>]) -> Result<u64> {
        let members = self.sdiff(keys)?;
        self.store_members(dst.as_ref(), &members)
    }
}

store_ops! {
    /// SINTER; see [`ReadTxn::sinter`].
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// store.sadd("a", &["1", "2", "3"])?;
    /// store.sadd("b", &["2", "3", "4"])?;
    /// let mut common = store.sinter(&["a", "b"])?;
    /// common.sort();
    /// assert_eq!(common, ["2", "3"]);
    /// # Ok(()) }
    /// ```
    read fn sinter(keys: &[impl AsRef<[u8]>]) -> Vec<Bytes>;
    /// SINTERCARD; see [`ReadTxn::sintercard`].
    read fn sintercard(keys: &[impl AsRef<[u8]>], limit: u64) -> u64;
    /// SUNION; see [`ReadTxn::sunion`].
    read fn sunion(keys: &[impl AsRef<[u8]>]) -> Vec<Bytes>;
    /// SDIFF; see [`ReadTxn::sdiff`].
    read fn sdiff(keys: &[impl AsRef<[u8]>]) -> Vec<Bytes>;
    /// SINTERSTORE; see [`WriteTxn::sinterstore`].
    write fn sinterstore(dst: impl AsRef<[u8]>, keys: &[impl AsRef<[u8]>]) -> u64;
    /// SUNIONSTORE; see [`WriteTxn::sunionstore`].
    write fn sunionstore(dst: impl AsRef<[u8]>, keys: &[impl AsRef<[u8]>]) -> u64;
    /// SDIFFSTORE; see [`WriteTxn::sdiffstore`].
    write fn sdiffstore(dst: impl AsRef<[u8]>, keys: &[impl AsRef<[u8]>]) -> u64;
}
