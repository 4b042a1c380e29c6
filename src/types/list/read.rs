//! The list reads: LLEN, LINDEX, LRANGE, LPOS.

use bytes::Bytes;

use super::{offset_of, range_of, LposOptions};
use crate::error::{Error, Result};
use crate::storage::element::ElementKind;
use crate::store::store_ops;
use crate::txn::ReadTxn;
use crate::types::collection::Walk;

impl ReadTxn<'_> {
    /// LLEN: the number of items of the list at `key`, 0 if there is none. O(1).
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn llen(&self, key: impl AsRef<[u8]>) -> Result<u64> {
        Ok(self.list_view(key.as_ref())?.map_or(0, |list| list.len()))
    }

    /// LINDEX: the item at `index` (0 is the head, -1 the tail), `None` if the index is outside
    /// the list or there is no list. O(log n).
    ///
    /// Redis looks the key up before it parses the index: on the wire, a missing key answers
    /// nil and a key of another type WRONGTYPE even when the index is not an integer (check
    /// with [`llen`](Self::llen) before reporting [`Error::NotInteger`]).
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn lindex(&self, key: impl AsRef<[u8]>, index: i64) -> Result<Option<Bytes>> {
        let Some(list) = self.list_view(key.as_ref())? else {
            return Ok(None);
        };
        let Some(offset) = offset_of(list.len(), index) else {
            return Ok(None);
        };
        let item = self.item_at(list.key_id, list.head + offset)?;
        Ok(Some(Bytes::copy_from_slice(item)))
    }

    /// LRANGE: the items from `start` to `stop`, both inclusive; negative indexes count from the
    /// tail (-1 is the last item). Out-of-range indexes are clamped, as in Redis; an empty range
    /// or a missing key gives an empty vector. O(log n + items returned).
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// store.rpush("queue", &["a", "b", "c"])?;
    /// store.lpush("queue", &["z"])?;
    /// assert_eq!(store.lrange("queue", 0, -1)?, vec!["z", "a", "b", "c"]);
    /// assert_eq!(store.lrange("queue", -2, 100)?, vec!["b", "c"]);
    /// assert!(store.lrange("queue", 3, 1)?.is_empty());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn lrange(&self, key: impl AsRef<[u8]>, start: i64, stop: i64) -> Result<Vec<Bytes>> {
        let Some(list) = self.list_view(key.as_ref())? else {
            return Ok(Vec::new());
        };
        let Some((first, last)) = range_of(list.len(), start, stop) else {
            return Ok(Vec::new());
        };
        let wanted = usize::try_from(last - first + 1).map_err(|_| Error::Corrupt("list range"))?;
        let mut items = Vec::with_capacity(wanted.min(1024));
        let from = (list.head + first).to_be_bytes();
        self.walk(
            list.key_id,
            ElementKind::ListItem,
            Walk::Forward(from),
            |entry| {
                items.push(Bytes::copy_from_slice(entry.payload));
                Ok(items.len() < wanted)
            },
        )?;
        if items.len() != wanted {
            return Err(Error::Corrupt("list item missing"));
        }
        Ok(items)
    }

    /// LPOS without COUNT: the index of the match of `element` that `options.rank` selects
    /// (the first from the head by default), comparing at most `options.maxlen` items; `None`
    /// when there is no such match or no list. O(n).
    ///
    /// # Errors
    /// [`Error::RankZero`] for a rank of 0 (checked before the key);
    /// [`Error::WrongType`] if the key holds another type.
    pub fn lpos(
        &self,
        key: impl AsRef<[u8]>,
        element: impl AsRef<[u8]>,
        options: LposOptions,
    ) -> Result<Option<u64>> {
        let found = self.lpos_matches(key.as_ref(), element.as_ref(), options, Some(1))?;
        Ok(found.first().copied())
    }

    /// LPOS with COUNT: the indexes of up to `count` matches of `element` (0: all of them),
    /// starting at the match `options.rank` selects, in search order (from the tail for a
    /// negative rank), comparing at most `options.maxlen` items. Empty when there is no match or
    /// no list. O(n).
    ///
    /// # Errors
    /// [`Error::RankZero`] for a rank of 0 (checked before the key);
    /// [`Error::WrongType`] if the key holds another type.
    pub fn lpos_count(
        &self,
        key: impl AsRef<[u8]>,
        element: impl AsRef<[u8]>,
        count: u64,
        options: LposOptions,
    ) -> Result<Vec<u64>> {
        let limit = if count == 0 { None } else { Some(count) };
        self.lpos_matches(key.as_ref(), element.as_ref(), options, limit)
    }

    /// The indexes LPOS reports: up to `limit` matches (`None`: all) from the ranked one on.
    fn lpos_matches(
        &self,
        key: &[u8],
        element: &[u8],
        options: LposOptions,
        limit: Option<u64>,
    ) -> Result<Vec<u64>> {
        if options.rank == 0 {
            return Err(Error::RankZero);
        }
        let Some(list) = self.list_view(key)? else {
            return Ok(Vec::new());
        };
        let backward = options.rank < 0;
        // Redis 7.0 negates the rank in a C `long`: -i64::MIN stays negative, so every match
        // qualifies and COUNT never stops the search.
        let (skip, limit) = match options.rank {
            i64::MIN => (0, None),
            rank => (rank.unsigned_abs() - 1, limit),
        };
        let direction = if backward {
            Walk::Backward(Some(list.tail.to_be_bytes()))
        } else {
            Walk::Forward(list.head.to_be_bytes())
        };
        let mut found = Vec::new();
        let (mut scanned, mut matches) = (0u64, 0u64);
        self.walk(list.key_id, ElementKind::ListItem, direction, |entry| {
            if options.maxlen != 0 && scanned >= options.maxlen {
                return Ok(false);
            }
            scanned += 1;
            if entry.payload != element {
                return Ok(true);
            }
            matches += 1;
            if matches <= skip {
                return Ok(true);
            }
            let seq = u64::from_be_bytes(entry.order);
            found.push(
                seq.checked_sub(list.head)
                    .ok_or(Error::Corrupt("list seq"))?,
            );
            Ok(limit.map_or(true, |limit| (found.len() as u64) < limit))
        })?;
        Ok(found)
    }
}

store_ops! {
    /// LLEN; see [`ReadTxn::llen`].
    read fn llen(key: impl AsRef<[u8]>) -> u64;
    /// LINDEX; see [`ReadTxn::lindex`].
    read fn lindex(key: impl AsRef<[u8]>, index: i64) -> Option<Bytes>;
    /// LRANGE; see [`ReadTxn::lrange`].
    read fn lrange(key: impl AsRef<[u8]>, start: i64, stop: i64) -> Vec<Bytes>;
    /// LPOS without COUNT; see [`ReadTxn::lpos`].
    read fn lpos(key: impl AsRef<[u8]>, element: impl AsRef<[u8]>, options: LposOptions) -> Option<u64>;
    /// LPOS with COUNT; see [`ReadTxn::lpos_count`].
    read fn lpos_count(key: impl AsRef<[u8]>, element: impl AsRef<[u8]>, count: u64, options: LposOptions) -> Vec<u64>;
}
