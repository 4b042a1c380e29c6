//! Moving items between lists (LMOVE, RPOPLPUSH) and popping from the first non-empty of many
//! (LMPOP); the attempts the blocking forms repeat.

use bytes::Bytes;

use super::ListEnd;
use crate::error::{Error, Result};
use crate::store::store_ops;
use crate::txn::WriteTxn;

impl WriteTxn<'_> {
    /// LMOVE: pops an item from the `from` end of `source` and pushes it at the `to` end of
    /// `destination` (creating it if needed); the item moved, `None` if there is no source list.
    /// With `source == destination` this rotates the list. O(log n).
    ///
    /// # Errors
    /// [`Error::WrongType`] if `source` holds another type, or if `destination` does (checked
    /// before anything is popped, as in Redis; a missing source is not an error whatever the
    /// destination holds).
    pub fn lmove(
        &mut self,
        source: impl AsRef<[u8]>,
        destination: impl AsRef<[u8]>,
        from: ListEnd,
        to: ListEnd,
    ) -> Result<Option<Bytes>> {
        self.move_between(source.as_ref(), destination.as_ref(), from, to, false)
    }

    /// RPOPLPUSH: [`lmove`](Self::lmove) from the tail of `source` to the head of `destination`.
    ///
    /// # Errors
    /// As [`lmove`](Self::lmove).
    pub fn rpoplpush(
        &mut self,
        source: impl AsRef<[u8]>,
        destination: impl AsRef<[u8]>,
    ) -> Result<Option<Bytes>> {
        self.move_between(
            source.as_ref(),
            destination.as_ref(),
            ListEnd::Right,
            ListEnd::Left,
            false,
        )
    }

    /// LMPOP: pops up to `count` items from the `end` of the first of `keys` that holds a list;
    /// that key and the items (in pop order), `None` if none does. O(count · log n) plus one
    /// lookup per key tried.
    ///
    /// # Errors
    /// [`Error::NumkeysNotPositive`] for no keys; [`Error::CountNotPositive`] for a count of 0;
    /// [`Error::WrongType`] when a key tried before the first list holds another type (keys
    /// after it are not looked at).
    pub fn lmpop(
        &mut self,
        keys: &[impl AsRef<[u8]>],
        end: ListEnd,
        count: u64,
    ) -> Result<Option<(Bytes, Vec<Bytes>)>> {
        crate::types::collection::check_mpop_args(keys.len(), count)?;
        self.pop_first(keys, end, count, false)
    }

    /// Pops up to `count` items from the first of `keys` holding a list. With `lenient`, keys of
    /// another type are passed over (a blocked reader retrying: Redis serves it only from lists).
    pub(crate) fn pop_first(
        &mut self,
        keys: &[impl AsRef<[u8]>],
        end: ListEnd,
        count: u64,
        lenient: bool,
    ) -> Result<Option<(Bytes, Vec<Bytes>)>> {
        for key in keys {
            let key = key.as_ref();
            match self.pop_many(key, end, count) {
                Ok(Some(items)) => return Ok(Some((Bytes::copy_from_slice(key), items))),
                Ok(None) => {}
                Err(Error::WrongType) if lenient => {}
                Err(error) => return Err(error),
            }
        }
        Ok(None)
    }

    /// LMOVE's work. With `lenient`, a source of another type counts as empty (a blocked reader
    /// retrying); a destination of another type is an error either way, as in Redis.
    pub(crate) fn move_between(
        &mut self,
        source: &[u8],
        destination: &[u8],
        from: ListEnd,
        to: ListEnd,
        lenient: bool,
    ) -> Result<Option<Bytes>> {
        let source_list = match self.open_list(source) {
            Err(Error::WrongType) if lenient => return Ok(None),
            found => found?,
        };
        let Some(mut source_list) = source_list else {
            return Ok(None);
        };
        if source == destination {
            let Some(item) = self.pop_item(&mut source_list, from)? else {
                return Ok(None);
            };
            self.push_item(&mut source_list, to, &item)?;
            self.save_list(source, &mut source_list)?;
            return Ok(Some(item));
        }
        let mut destination_list = self.open_or_create_list(destination)?;
        let Some(item) = self.pop_item(&mut source_list, from)? else {
            return Ok(None);
        };
        self.push_item(&mut destination_list, to, &item)?;
        self.save_list(source, &mut source_list)?;
        self.save_list(destination, &mut destination_list)?;
        Ok(Some(item))
    }
}

store_ops! {
    /// LMOVE; see [`WriteTxn::lmove`].
    write fn lmove(source: impl AsRef<[u8]>, destination: impl AsRef<[u8]>, from: ListEnd, to: ListEnd) -> Option<Bytes>;
    /// RPOPLPUSH; see [`WriteTxn::rpoplpush`].
    write fn rpoplpush(source: impl AsRef<[u8]>, destination: impl AsRef<[u8]>) -> Option<Bytes>;
    /// LMPOP; see [`WriteTxn::lmpop`].
    write fn lmpop(keys: &[impl AsRef<[u8]>], end: ListEnd, count: u64) -> Option<(Bytes, Vec<Bytes>)>;
}
