//! HRANDFIELD and HSCAN: the commands that visit a hash's fields other than all at once.
//!
//! Fields are stored in the order of a 64-bit hash of their name. HSCAN's cursor is the hash of
//! the next field to visit, as SCAN's is over keys; HRANDFIELD seeks a random hash and takes the
//! first live field from there.

use std::collections::HashSet;

use bytes::Bytes;

use super::HashView;
use crate::error::{Error, Result};
use crate::keyspace::glob::glob_match;
use crate::keyspace::rng;
use crate::keyspace::{ScanOptions, ScanPager};
use crate::store::store_ops;
use crate::txn::ReadTxn;
use crate::types::string::parse_i64;

/// Up to this many live fields, HRANDFIELD picks among all of them exactly uniformly.
const SMALL_HASH: u64 = 128;
/// Redis's HRANDFIELD_SUB_STRATEGY_MUL: when a positive count is more than a third of the
/// hash, it is cheaper to take the whole hash and drop random fields than to draw them.
const SUB_STRATEGY_MUL: u64 = 3;

/// Parses HRANDFIELD's count argument as Redis does, before it looks at the key.
///
/// ```
/// use keyp::{parse_hrandfield_count, Error};
///
/// assert_eq!(parse_hrandfield_count(b"-5", true).unwrap(), -5);
/// assert!(matches!(parse_hrandfield_count(b"x", false), Err(Error::NotInteger)));
/// assert!(matches!(
///     parse_hrandfield_count(b"-9223372036854775808", false),
///     Err(Error::OutOfRangeBetween { .. })
/// ));
/// assert!(matches!(parse_hrandfield_count(b"-4611686018427387904", true), Err(Error::OutOfRange)));
/// ```
///
/// # Errors
/// [`Error::NotInteger`] if `arg` is not an integer; [`Error::OutOfRangeBetween`] for
/// -2^63; [`Error::OutOfRange`] when `with_values` and the count is below -(2^62 - 1) (the
/// reply would have more than 2^63 entries).
pub fn parse_hrandfield_count(arg: &[u8], with_values: bool) -> Result<i64> {
    let count = parse_i64(arg).ok_or(Error::NotInteger)?;
    check_count(count, with_values)?;
    Ok(count)
}

fn check_count(count: i64, with_values: bool) -> Result<()> {
    if count == i64::MIN {
        return Err(Error::OutOfRangeBetween {
            min: -i64::MAX,
            max: i64::MAX,
        });
    }
    if with_values && count < -(i64::MAX / 2) {
        return Err(Error::OutOfRange);
    }
    Ok(())
}

/// A uniform choice in `0..n` (n > 0); the modulo bias is below 2^-50 for any hash size.
fn random_below(n: u64) -> u64 {
    rng::next_u64() % n.max(1)
}

impl ReadTxn<'_> {
    /// HRANDFIELD without a count: a random field of the hash at `key`, `None` if missing.
    ///
    /// Up to 128 fields the choice is exactly uniform; beyond, it seeks a random point of the
    /// field-hash space and takes the next field, so a field's chance is the share of that
    /// space before it: spread over every field, not exactly uniform.
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn hrandfield(&self, key: impl AsRef<[u8]>) -> Result<Option<Bytes>> {
        Ok(self
            .random_fields(key.as_ref(), -1, false)?
            .into_iter()
            .next()
            .map(|(field, _)| field))
    }

    /// HRANDFIELD with a count: a positive `count` gives that many distinct fields (the whole
    /// hash if it has fewer), a negative one gives `|count|` fields that may repeat. Empty for
    /// a missing key or a count of 0.
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// store.hset("h", &[("a", "1"), ("b", "2"), ("c", "3")])?;
    /// let mut distinct = store.hrandfield_count("h", 10)?;
    /// distinct.sort();
    /// assert_eq!(distinct, ["a", "b", "c"]);
    /// assert_eq!(store.hrandfield_count("h", -7)?.len(), 7);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`parse_hrandfield_count`] for -2^63; then [`Error::WrongType`].
    pub fn hrandfield_count(&self, key: impl AsRef<[u8]>, count: i64) -> Result<Vec<Bytes>> {
        check_count(count, false)?;
        Ok(self
            .random_fields(key.as_ref(), count, false)?
            .into_iter()
            .map(|(field, _)| field)
            .collect())
    }

    /// HRANDFIELD with a count and WITHVALUES: as [`hrandfield_count`](Self::hrandfield_count),
    /// with each field's value.
    ///
    /// # Errors
    /// As [`parse_hrandfield_count`] with `with_values`; then [`Error::WrongType`].
    pub fn hrandfield_with_values(
        &self,
        key: impl AsRef<[u8]>,
        count: i64,
    ) -> Result<Vec<(Bytes, Bytes)>> {
        check_count(count, true)?;
        self.random_fields(key.as_ref(), count, true)
    }

    /// HSCAN: visits about `options.count` fields (default 10) of the hash at `key` from
    /// `cursor` on; returns the next cursor (0 when the scan is complete) and the live visited
    /// fields whose name matches `options.pattern` (Redis's glob syntax, see
    /// [`keys`](ReadTxn::keys)), with their values. Start with cursor 0. A missing key gives
    /// `(0, [])`.
    ///
    /// Fields are visited in ascending order of their 64-bit hash and the cursor is the hash of
    /// the next one: a field present for the whole scan is returned exactly once, and a cursor
    /// stays valid across writes and restarts. Fields sharing a hash are returned by the same
    /// call, so a call may visit a few more than COUNT; expired fields count as visited but are
    /// not returned. Unlike Redis, which returns a small (listpack) hash whole in one call,
    /// keyp honours COUNT for every hash.
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type; then, as Redis checks the options only
    /// for an existing hash, [`Error::Syntax`] for a COUNT of 0 or a TYPE filter (HSCAN has no
    /// TYPE option).
    pub fn hscan(
        &self,
        key: impl AsRef<[u8]>,
        cursor: u64,
        options: &ScanOptions,
    ) -> Result<(u64, Vec<(Bytes, Bytes)>)> {
        let Some(hash) = self.hash(key.as_ref())? else {
            return Ok((0, Vec::new()));
        };
        let (count, pattern) = options.element_scan()?;
        let mut found = Vec::new();
        let mut pager = ScanPager::new(count);
        self.walk_fields(&hash, cursor, |order, field, value, live| {
            if !pager.admit(order) {
                return Ok(false);
            }
            if live && pattern.map_or(true, |p| glob_match(p, field)) {
                found.push((Bytes::copy_from_slice(field), Bytes::copy_from_slice(value)));
            }
            Ok(true)
        })?;
        Ok((pager.cursor(), found))
    }

    /// The fields HRANDFIELD returns for `count` (values left empty unless `with_values`).
    fn random_fields(
        &self,
        key: &[u8],
        count: i64,
        with_values: bool,
    ) -> Result<Vec<(Bytes, Bytes)>> {
        let Some(hash) = self.hash(key)? else {
            return Ok(Vec::new());
        };
        let len = self.live_len(&hash)?;
        if count == 0 || len == 0 {
            return Ok(Vec::new());
        }
        let wanted = count.unsigned_abs();
        if count < 0 {
            if len <= SMALL_HASH {
                let all = self.all_fields(&hash, with_values)?;
                let picks = (0..wanted).filter_map(|_| {
                    let index = random_below(all.len() as u64) as usize;
                    all.get(index).cloned()
                });
                return Ok(picks.collect());
            }
            let mut out = Vec::new();
            for _ in 0..wanted {
                out.extend(self.seek_random_field(&hash, with_values)?);
            }
            return Ok(out);
        }
        if wanted >= len {
            return self.all_fields(&hash, with_values);
        }
        if wanted.saturating_mul(SUB_STRATEGY_MUL) > len || len <= SMALL_HASH {
            // Take everything and drop random fields until `wanted` remain.
            let mut all = self.all_fields(&hash, with_values)?;
            while all.len() as u64 > wanted {
                let index = random_below(all.len() as u64) as usize;
                all.swap_remove(index);
            }
            return Ok(all);
        }
        // Draw random fields, skipping repeats. `wanted` is at most a third of the hash.
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        while (out.len() as u64) < wanted {
            let Some((field, value)) = self.seek_random_field(&hash, with_values)? else {
                break;
            };
            if seen.insert(field.clone()) {
                out.push((field, value));
            }
        }
        Ok(out)
    }

    /// Every live field, in storage order.
    fn all_fields(&self, hash: &HashView, with_values: bool) -> Result<Vec<(Bytes, Bytes)>> {
        let mut out = Vec::new();
        self.walk_fields(hash, 0, |_, field, value, live| {
            if live {
                out.push(pair(field, value, with_values));
            }
            Ok(true)
        })?;
        Ok(out)
    }

    /// The first live field at or after a random field hash, wrapping around to the start.
    fn seek_random_field(
        &self,
        hash: &HashView,
        with_values: bool,
    ) -> Result<Option<(Bytes, Bytes)>> {
        let start = rng::next_u64();
        let mut chosen = None;
        self.walk_fields(hash, start, |_, field, value, live| {
            if live {
                chosen = Some(pair(field, value, with_values));
            }
            Ok(!live)
        })?;
        if chosen.is_none() {
            self.walk_fields(hash, 0, |order, field, value, live| {
                if order >= start {
                    return Ok(false);
                }
                if live {
                    chosen = Some(pair(field, value, with_values));
                }
                Ok(!live)
            })?;
        }
        Ok(chosen)
    }
}

fn pair(field: &[u8], value: &[u8], with_value: bool) -> (Bytes, Bytes) {
    let value = if with_value {
        Bytes::copy_from_slice(value)
    } else {
        Bytes::new()
    };
    (Bytes::copy_from_slice(field), value)
}

store_ops! {
    /// HRANDFIELD; see [`ReadTxn::hrandfield`].
    read fn hrandfield(key: impl AsRef<[u8]>) -> Option<Bytes>;
    /// HRANDFIELD with a count; see [`ReadTxn::hrandfield_count`].
    read fn hrandfield_count(key: impl AsRef<[u8]>, count: i64) -> Vec<Bytes>;
    /// HRANDFIELD with a count and WITHVALUES; see [`ReadTxn::hrandfield_with_values`].
    read fn hrandfield_with_values(key: impl AsRef<[u8]>, count: i64) -> Vec<(Bytes, Bytes)>;
    /// HSCAN; see [`ReadTxn::hscan`].
    ///
    /// ```
    /// use keyp::ScanOptions;
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// let pairs: Vec<(String, String)> = (0..50).map(|i| (format!("f{i}"), i.to_string())).collect();
    /// store.hset("big", &pairs)?;
    /// let options = ScanOptions::new().pattern("f1*").count(7);
    /// let (mut cursor, mut found) = (0, Vec::new());
    /// loop {
    ///     let (next, batch) = store.hscan("big", cursor, &options)?;
    ///     found.extend(batch);
    ///     cursor = next;
    ///     if cursor == 0 {
    ///         break;
    ///     }
    /// }
    /// assert_eq!(found.len(), 11); // f1, f10..f19
    /// # Ok(()) }
    /// ```
    read fn hscan(key: impl AsRef<[u8]>, cursor: u64, options: &ScanOptions) -> (u64, Vec<(Bytes, Bytes)>);
}
