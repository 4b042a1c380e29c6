//! XREAD BLOCK and XREADGROUP BLOCK, as [`Store`] methods: they wait between transactions.
//!
//! A call first queues on its keys, then tries the non-blocking read; while that finds
//! nothing, it waits for a commit touching one of the keys and tries again, until its timeout
//! ([`Duration::ZERO`]: forever, as in Redis). `$` is resolved once, when the call starts, to
//! the stream's last ID, so only entries added after the call count, as in Redis.
//!
//! When woken, Redis serves a blocked reader from the one key that received entries; keyp
//! serves it from the first of its keys (in argument order) with something to give. A key that
//! became another type while the call waited is passed over, as Redis does; a group destroyed
//! while XREADGROUP waited ends the call with [`Error::NoGroupBlocked`].

use std::time::{Duration, Instant};

use bytes::Bytes;

use super::args::{GroupReadId, XReadId};
use super::{GroupReadEntry, StreamEntry};
#[cfg(doc)]
use crate::error::Error;
use crate::error::{Error as E, Result};
use crate::store::Store;

impl Store {
    /// XREAD BLOCK: [`xread`](crate::ReadTxn::xread), waiting up to `timeout`
    /// ([`Duration::ZERO`]: forever) for entries when none can be read at once; an empty
    /// result on timeout (Redis's nil reply).
    ///
    /// ```
    /// use std::time::Duration;
    /// use keyp::{StreamId, XAddArgs, XAddId, XReadId};
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// let producer = store.clone();
    /// let waiter = std::thread::spawn(move || {
    ///     producer.xread_block(&[("events", XReadId::Last)], None, Duration::ZERO)
    /// });
    /// while store.blocked_on("events") == 0 {
    ///     std::thread::yield_now();
    /// }
    /// store.xadd("events", XAddArgs::new(XAddId::Explicit(StreamId::new(1, 0))), &[("k", "v")])?;
    /// let read = waiter.join().unwrap()?;
    /// assert_eq!(read[0].1[0].id, StreamId::new(1, 0));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::WrongType`] if a key holds another type at the first attempt.
    pub fn xread_block(
        &self,
        streams: &[(impl AsRef<[u8]>, XReadId)],
        count: Option<u64>,
        timeout: Duration,
    ) -> Result<Vec<(Bytes, Vec<StreamEntry>)>> {
        let keys: Vec<&[u8]> = streams.iter().map(|(k, _)| k.as_ref()).collect();
        let ticket = self.core().notify.block_on(self.db(), &keys);
        let deadline = deadline(timeout);
        // The first attempt resolves `$` to each stream's last ID.
        let resolved = self.read(|r| {
            let found = r.xread(streams, count)?;
            let mut ids = Vec::with_capacity(streams.len());
            for (key, id) in streams {
                ids.push(match id {
                    XReadId::Last => XReadId::After(
                        r.stream_view(key.as_ref())?
                            .map_or(super::StreamId::MIN, |v| v.state.last_id),
                    ),
                    other => *other,
                });
            }
            Ok((found, ids))
        })?;
        let (found, ids) = resolved;
        if !found.is_empty() {
            return Ok(found);
        }
        loop {
            if !ticket.wait(deadline) {
                return Ok(Vec::new());
            }
            let found = self.read(|r| {
                for (key, id) in keys.iter().zip(&ids) {
                    if let Some(entries) = r.read_after(key, *id, count, true)? {
                        return Ok(Some((Bytes::copy_from_slice(key), entries)));
                    }
                }
                Ok(None)
            })?;
            if let Some(found) = found {
                return Ok(vec![found]);
            }
        }
    }

    /// XREADGROUP BLOCK: [`xreadgroup`](crate::WriteTxn::xreadgroup), waiting up to `timeout`
    /// ([`Duration::ZERO`]: forever) for new entries when nothing can be served at once (only
    /// a read of `>` on every stream can wait: a read of a consumer's history always answers
    /// at once); an empty result on timeout.
    ///
    /// # Errors
    /// As [`xreadgroup`](crate::WriteTxn::xreadgroup) at the first attempt;
    /// [`Error::NoGroupBlocked`] if the group is destroyed while the call waits.
    pub fn xreadgroup_block(
        &self,
        group: impl AsRef<[u8]>,
        consumer: impl AsRef<[u8]>,
        streams: &[(impl AsRef<[u8]>, GroupReadId)],
        count: Option<u64>,
        noack: bool,
        timeout: Duration,
    ) -> Result<Vec<(Bytes, Vec<GroupReadEntry>)>> {
        let (group, consumer) = (group.as_ref(), consumer.as_ref());
        let keys: Vec<&[u8]> = streams.iter().map(|(k, _)| k.as_ref()).collect();
        let ticket = self.core().notify.block_on(self.db(), &keys);
        let deadline = deadline(timeout);
        let found = self.transaction(|tx| tx.xreadgroup(group, consumer, streams, count, noack))?;
        if !found.is_empty() {
            return Ok(found);
        }
        loop {
            if !ticket.wait(deadline) {
                return Ok(Vec::new());
            }
            let found = self.transaction(|tx| {
                for (key, id) in streams {
                    let key = key.as_ref();
                    let view = match tx.stream_view(key) {
                        Ok(Some(view)) => view,
                        Ok(None) | Err(E::WrongType) => continue,
                        Err(e) => return Err(e),
                    };
                    if tx.stream_group(view.key_id, group)?.is_none() {
                        return Err(E::NoGroupBlocked);
                    }
                    if let Some(read) = tx.group_read(key, group, consumer, *id, count, noack)? {
                        return Ok(Some((Bytes::copy_from_slice(key), read)));
                    }
                }
                Ok(None)
            })?;
            if let Some(found) = found {
                return Ok(vec![found]);
            }
        }
    }
}

/// The instant a wait of `timeout` ends, `None` for forever.
fn deadline(timeout: Duration) -> Option<Instant> {
    if timeout.is_zero() {
        None
    } else {
        Instant::now().checked_add(timeout)
    }
}
