//! XRANGE, XREVRANGE and XREAD (without BLOCK).

use bytes::Bytes;

use super::args::XReadId;
use super::write::last_entry_id;
use super::{StreamEntry, StreamId};
#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;
use crate::store::store_ops;
use crate::txn::ReadTxn;

impl ReadTxn<'_> {
    /// XRANGE: the entries of the stream at `key` from `start` to `end` inclusive, ascending,
    /// at most `count` of them. `None` is Redis's nil reply, which it gives for a COUNT of 0
    /// (or less) on an existing stream; a missing key gives an empty list.
    ///
    /// Parse the bounds with [`StreamId::parse_range_start`] and
    /// [`StreamId::parse_range_end`] (`-`, `+`, `ms`, exclusive `(`).
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// use keyp::{StreamId, XAddArgs, XAddId};
    /// for seq in 1..=3 {
    ///     store.xadd("s", XAddArgs::new(XAddId::Explicit(StreamId::new(1, seq))), &[("n", "v")])?;
    /// }
    /// let start = StreamId::parse_range_start(b"(1-1")?;
    /// let end = StreamId::parse_range_end(b"+")?;
    /// let entries = store.xrange("s", start, end, None)?.unwrap();
    /// let ids: Vec<String> = entries.iter().map(|e| e.id.to_string()).collect();
    /// assert_eq!(ids, ["1-2", "1-3"]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::WrongType`].
    pub fn xrange(
        &self,
        key: impl AsRef<[u8]>,
        start: StreamId,
        end: StreamId,
        count: Option<u64>,
    ) -> Result<Option<Vec<StreamEntry>>> {
        self.range_generic(key.as_ref(), start, end, count, false)
    }

    /// XREVRANGE: as [`xrange`](Self::xrange), descending from `end` to `start` (given in
    /// XREVRANGE's argument order: end first).
    ///
    /// # Errors
    /// [`Error::WrongType`].
    pub fn xrevrange(
        &self,
        key: impl AsRef<[u8]>,
        end: StreamId,
        start: StreamId,
        count: Option<u64>,
    ) -> Result<Option<Vec<StreamEntry>>> {
        self.range_generic(key.as_ref(), start, end, count, true)
    }

    fn range_generic(
        &self,
        key: &[u8],
        start: StreamId,
        end: StreamId,
        count: Option<u64>,
        rev: bool,
    ) -> Result<Option<Vec<StreamEntry>>> {
        let Some(view) = self.stream_view(key)? else {
            return Ok(Some(Vec::new()));
        };
        if count == Some(0) {
            return Ok(None);
        }
        self.stream_range(view.key_id, start, end, count.unwrap_or(0), rev)
            .map(Some)
    }

    /// XREAD (without BLOCK): from each stream, up to `count` entries (`None` or 0: all) with
    /// IDs greater than its ID ([`XReadId::Last`]: nothing, as no entry is above the last
    /// ID). Streams with nothing to give are left out; an empty result is Redis's nil reply.
    ///
    /// # Errors
    /// [`Error::WrongType`] if a key holds another type.
    pub fn xread(
        &self,
        streams: &[(impl AsRef<[u8]>, XReadId)],
        count: Option<u64>,
    ) -> Result<Vec<(Bytes, Vec<StreamEntry>)>> {
        for (key, _) in streams {
            self.stream_view(key.as_ref())?;
        }
        let mut out = Vec::new();
        for (key, id) in streams {
            let key = key.as_ref();
            if let Some(entries) = self.read_after(key, *id, count, false)? {
                out.push((Bytes::copy_from_slice(key), entries));
            }
        }
        Ok(out)
    }

    /// One stream of XREAD: the entries after `id`, `None` if there are none (or no stream;
    /// with `lenient`, a key of another type counts as no stream).
    pub(crate) fn read_after(
        &self,
        key: &[u8],
        id: XReadId,
        count: Option<u64>,
        lenient: bool,
    ) -> Result<Option<Vec<StreamEntry>>> {
        let view = match self.stream_view(key) {
            Ok(Some(view)) => view,
            Ok(None) => return Ok(None),
            Err(crate::Error::WrongType) if lenient => return Ok(None),
            Err(e) => return Err(e),
        };
        let after = match id {
            XReadId::Last => view.state.last_id,
            XReadId::After(id) => id,
        };
        if view.length == 0 || last_entry_id(self, &view)? <= after {
            return Ok(None);
        }
        let Some(start) = after.next() else {
            return Ok(None);
        };
        let entries =
            self.stream_range(view.key_id, start, StreamId::MAX, count.unwrap_or(0), false)?;
        Ok(Some(entries))
    }
}

store_ops! {
    /// XRANGE; see [`ReadTxn::xrange`].
    read fn xrange(key: impl AsRef<[u8]>, start: StreamId, end: StreamId, count: Option<u64>) -> Option<Vec<StreamEntry>>;
    /// XREVRANGE; see [`ReadTxn::xrevrange`].
    read fn xrevrange(key: impl AsRef<[u8]>, end: StreamId, start: StreamId, count: Option<u64>) -> Option<Vec<StreamEntry>>;
    /// XREAD without BLOCK; see [`ReadTxn::xread`] and, to wait, [`Store::xread_block`](crate::Store::xread_block).
    read fn xread(streams: &[(impl AsRef<[u8]>, XReadId)], count: Option<u64>) -> Vec<(Bytes, Vec<StreamEntry>)>;
}
