//! XCLAIM and XAUTOCLAIM.

use super::group::{Consumer, Group};
use super::group_args::{XAutoClaimArgs, XClaimArgs};
use super::{printable, Stream, StreamEntry, StreamId};
#[cfg(doc)]
use crate::error::Error;
use crate::error::{Error as E, Result};
use crate::store::store_ops;
use crate::txn::WriteTxn;

/// XAUTOCLAIM's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AutoClaimed {
    /// Where the next call should start (0-0: the PEL scan is complete).
    pub next: StreamId,
    /// The claimed entries (with JUSTID: their IDs, with no fields).
    pub claimed: Vec<StreamEntry>,
    /// Pending IDs whose entries no longer exist; they were removed from the PEL.
    pub deleted: Vec<StreamId>,
}

impl WriteTxn<'_> {
    /// Opens the stream at `key` and its group for XCLAIM and XAUTOCLAIM.
    fn claim_open(&mut self, key: &[u8], group: &[u8]) -> Result<(Stream, Group)> {
        let missing = || E::NoGroupOrKey(printable(key), printable(group));
        let stream = self.open_stream(key)?.ok_or_else(missing)?;
        let group = self
            .stream_group(stream.key_id(), group)?
            .ok_or_else(missing)?;
        Ok((stream, group))
    }

    /// XCLAIM: gives consumer `consumer` the pending entries among `args.ids` idle at least
    /// `args.min_idle` ms; the claimed entries (with JUSTID, their IDs with no fields).
    /// Pending IDs whose entries were deleted are dropped from the PEL, as Redis 7.0 does.
    ///
    /// # Errors
    /// [`Error::WrongType`]; [`Error::NoGroupOrKey`] for a missing key or group.
    pub fn xclaim(
        &mut self,
        key: impl AsRef<[u8]>,
        group: impl AsRef<[u8]>,
        consumer: impl AsRef<[u8]>,
        args: &XClaimArgs,
    ) -> Result<Vec<StreamEntry>> {
        let key = key.as_ref();
        let (mut stream, mut group) = self.claim_open(key, group.as_ref())?;
        let key_id = stream.key_id();
        let options = &args.options;
        let now = self.now_ms();
        let now_i = i64::try_from(now).unwrap_or(i64::MAX);
        let delivery_time = match (options.time, options.idle) {
            (Some(time), _) => Some(time),
            (None, Some(idle)) => Some(now_i.wrapping_sub(idle)),
            (None, None) => None,
        };
        let delivery_time = match delivery_time {
            Some(t) if (0..=now_i).contains(&t) => t as u64,
            _ => now,
        };
        if let Some(last) = options.last_id {
            if last > group.last_id {
                group.last_id = last;
            }
        }
        let mut owner: Option<Consumer> = None;
        let mut claimed = Vec::new();
        for &id in &args.ids {
            let nack = self.stream_nack(key_id, group.id, id)?;
            let fields = if options.justid {
                self.stream_entry_exists(key_id, id)?.then(Vec::new)
            } else {
                self.stream_entry(key_id, id)?
            };
            let Some(fields) = fields else {
                if let Some(nack) = nack {
                    self.pel_remove(key_id, &mut group, &nack)?;
                }
                continue;
            };
            // A PEL entry FORCE creates starts with one delivery, as in Redis.
            let previous_count = match &nack {
                Some(nack) => {
                    if args.min_idle > 0 && nack.idle(now) < args.min_idle {
                        continue;
                    }
                    nack.delivery_count
                }
                None if options.force => 1,
                None => continue,
            };
            let mut consumer = match owner.take() {
                Some(c) => c,
                None => self.consumer_for(&mut stream, &mut group, consumer.as_ref(), true)?,
            };
            let count = match options.retry_count {
                Some(n) if n >= 0 => n as u64,
                _ if options.justid => previous_count,
                _ => previous_count + 1,
            };
            self.pel_assign(
                key_id,
                &mut group,
                &mut consumer,
                nack.as_ref(),
                id,
                (delivery_time, count),
            )?;
            owner = Some(consumer);
            claimed.push(StreamEntry { id, fields });
        }
        self.put_group(key_id, &group)?;
        self.save_stream_quietly(key, &mut stream)?;
        Ok(claimed)
    }

    /// XAUTOCLAIM: scans group `group`'s PEL from `args.start` and gives consumer `consumer`
    /// up to `args.count` entries idle at least `args.min_idle` ms, examining at most ten
    /// times `count` PEL entries; pending entries whose stream entries were deleted are
    /// removed and reported.
    ///
    /// # Errors
    /// [`Error::WrongType`]; [`Error::NoGroupOrKey`] for a missing key or group.
    pub fn xautoclaim(
        &mut self,
        key: impl AsRef<[u8]>,
        group: impl AsRef<[u8]>,
        consumer: impl AsRef<[u8]>,
        args: &XAutoClaimArgs,
    ) -> Result<AutoClaimed> {
        let key = key.as_ref();
        let (mut stream, mut group) = self.claim_open(key, group.as_ref())?;
        let key_id = stream.key_id();
        let now = self.now_ms();
        let mut attempts = args.count.saturating_mul(10);
        let mut count = args.count;
        let mut cursor = Some(args.start);
        let mut owner: Option<Consumer> = None;
        let mut claimed = Vec::new();
        let mut deleted = Vec::new();
        while attempts > 0 && count > 0 {
            attempts -= 1;
            let Some(from) = cursor else { break };
            let Some(nack) = self.first_nack_from(key_id, group.id, from)? else {
                cursor = None;
                break;
            };
            cursor = nack.id.next();
            let fields = if args.justid {
                self.stream_entry_exists(key_id, nack.id)?.then(Vec::new)
            } else {
                self.stream_entry(key_id, nack.id)?
            };
            let Some(fields) = fields else {
                self.pel_remove(key_id, &mut group, &nack)?;
                deleted.push(nack.id);
                // Redis counts reported deleted IDs against COUNT too.
                count -= 1;
                continue;
            };
            if args.min_idle > 0 && nack.idle(now) < args.min_idle {
                continue;
            }
            let mut consumer = match owner.take() {
                Some(c) => c,
                None => self.consumer_for(&mut stream, &mut group, consumer.as_ref(), true)?,
            };
            let deliveries = nack.delivery_count + u64::from(!args.justid);
            self.pel_assign(
                key_id,
                &mut group,
                &mut consumer,
                Some(&nack),
                nack.id,
                (now, deliveries),
            )?;
            owner = Some(consumer);
            claimed.push(StreamEntry {
                id: nack.id,
                fields,
            });
            count -= 1;
        }
        let next = match cursor {
            Some(from) => self
                .first_nack_from(key_id, group.id, from)?
                .map_or(StreamId::MIN, |n| n.id),
            None => StreamId::MIN,
        };
        self.put_group(key_id, &group)?;
        self.save_stream_quietly(key, &mut stream)?;
        Ok(AutoClaimed {
            next,
            claimed,
            deleted,
        })
    }
}

store_ops! {
    /// XCLAIM; see [`WriteTxn::xclaim`].
    write fn xclaim(key: impl AsRef<[u8]>, group: impl AsRef<[u8]>, consumer: impl AsRef<[u8]>, args: &XClaimArgs) -> Vec<StreamEntry>;
    /// XAUTOCLAIM; see [`WriteTxn::xautoclaim`].
    write fn xautoclaim(key: impl AsRef<[u8]>, group: impl AsRef<[u8]>, consumer: impl AsRef<[u8]>, args: &XAutoClaimArgs) -> AutoClaimed;
}
