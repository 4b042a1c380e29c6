//! Pending entries lists: XREADGROUP, XACK, XPENDING, XCLAIM and XAUTOCLAIM.

use bytes::Bytes;

use super::args::GroupReadId;
use super::group::{estimate_entries_read, has_tombstones_from, Consumer, Group};
use super::group_args::XPendingArgs;
use super::{
    owned_id_key, owner_prefix, read_u64, GroupReadEntry, Scan, StreamId, INVALID_ENTRIES_READ,
};
#[cfg(doc)]
use crate::error::Error;
use crate::error::{Error as E, Result};
use crate::storage::element::ElementKind;
use crate::store::store_ops;
use crate::txn::{ReadTxn, WriteTxn};

/// XPENDING's summary form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PendingSummary {
    /// The number of pending entries of the group.
    pub count: u64,
    /// The least pending ID (`None` when nothing is pending).
    pub first: Option<StreamId>,
    /// The greatest pending ID.
    pub last: Option<StreamId>,
    /// Each consumer with pending entries, by name, with how many it has.
    pub consumers: Vec<(Bytes, u64)>,
}

/// One entry of XPENDING's extended form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingEntry {
    /// The entry's ID.
    pub id: StreamId,
    /// The consumer it is pending for.
    pub consumer: Bytes,
    /// Milliseconds since its last delivery.
    pub idle: u64,
    /// How many times it was delivered.
    pub deliveries: u64,
}

/// A pending entry's record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Nack {
    pub(crate) id: StreamId,
    pub(crate) delivery_time: u64,
    pub(crate) delivery_count: u64,
    pub(crate) consumer_id: u64,
    pub(crate) consumer: Bytes,
}

impl Nack {
    fn decode(id: StreamId, raw: &[u8]) -> Result<Nack> {
        Ok(Nack {
            id,
            delivery_time: read_u64(raw, 0)?,
            delivery_count: read_u64(raw, 8)?,
            consumer_id: read_u64(raw, 16)?,
            consumer: Bytes::copy_from_slice(raw.get(24..).unwrap_or_default()),
        })
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(24 + self.consumer.len());
        out.extend_from_slice(&self.delivery_time.to_be_bytes());
        out.extend_from_slice(&self.delivery_count.to_be_bytes());
        out.extend_from_slice(&self.consumer_id.to_be_bytes());
        out.extend_from_slice(&self.consumer);
        out
    }

    /// Milliseconds since the last delivery (negative if the clock went back).
    pub(crate) fn idle(&self, now: u64) -> i64 {
        (i128::from(now) - i128::from(self.delivery_time)) as i64
    }
}

impl ReadTxn<'_> {
    /// The pending entry `id` of group `group_id`.
    pub(crate) fn stream_nack(
        &self,
        key_id: u64,
        group_id: u64,
        id: StreamId,
    ) -> Result<Option<Nack>> {
        let key = owned_id_key(key_id, ElementKind::StreamPending, group_id, id);
        self.element_at(&key, &id.to_bytes())?
            .map(|raw| Nack::decode(id, raw))
            .transpose()
    }

    /// Visits the pending entries of group `group_id` from `from` (or from the last one,
    /// descending, with `from` `None`) until `visit` returns false.
    pub(crate) fn group_pel(
        &self,
        key_id: u64,
        group_id: u64,
        from: Option<StreamId>,
        mut visit: impl FnMut(Nack) -> Result<bool>,
    ) -> Result<()> {
        let prefix = owner_prefix(key_id, ElementKind::StreamPending, group_id);
        let start = from.map(|id| owned_id_key(key_id, ElementKind::StreamPending, group_id, id));
        let scan = match &start {
            Some(key) => Scan::From(key.as_bytes()),
            None => Scan::Before(None),
        };
        self.scan_elements(&prefix, scan, |rest, value| {
            let id = StreamId::from_bytes(rest).ok_or(E::Corrupt("stream PEL key"))?;
            visit(Nack::decode(id, value)?)
        })
    }

    /// Visits the IDs a consumer has pending, ascending from `from`.
    pub(crate) fn consumer_pel(
        &self,
        key_id: u64,
        consumer_id: u64,
        from: StreamId,
        mut visit: impl FnMut(StreamId) -> Result<bool>,
    ) -> Result<()> {
        let prefix = owner_prefix(key_id, ElementKind::StreamConsumerPending, consumer_id);
        let start = owned_id_key(
            key_id,
            ElementKind::StreamConsumerPending,
            consumer_id,
            from,
        );
        self.scan_elements(&prefix, Scan::From(start.as_bytes()), |rest, _| {
            visit(StreamId::from_bytes(rest).ok_or(E::Corrupt("stream PEL key"))?)
        })
    }

    /// The first pending entry of group `group_id` at or after `from`.
    pub(super) fn first_nack_from(
        &self,
        key_id: u64,
        group_id: u64,
        from: StreamId,
    ) -> Result<Option<Nack>> {
        let mut found = None;
        self.group_pel(key_id, group_id, Some(from), |nack| {
            found = Some(nack);
            Ok(false)
        })?;
        Ok(found)
    }

    /// XPENDING (summary form) of group `group` of the stream at `key`.
    ///
    /// # Errors
    /// [`Error::WrongType`]; [`Error::NoGroupOrKey`] for a missing key or group.
    pub fn xpending_summary(
        &self,
        key: impl AsRef<[u8]>,
        group: impl AsRef<[u8]>,
    ) -> Result<PendingSummary> {
        let (view, group) = self.require_group(key.as_ref(), group.as_ref(), E::NoGroupOrKey)?;
        if group.pel_count == 0 {
            return Ok(PendingSummary::default());
        }
        let mut edges = [None, None];
        for (slot, from) in edges.iter_mut().zip([Some(StreamId::MIN), None]) {
            self.group_pel(view.key_id, group.id, from, |nack| {
                *slot = Some(nack.id);
                Ok(false)
            })?;
        }
        let consumers = self
            .stream_consumers(view.key_id, group.id)?
            .into_iter()
            .filter(|c| c.pel_count > 0)
            .map(|c| (c.name, c.pel_count))
            .collect();
        Ok(PendingSummary {
            count: group.pel_count,
            first: edges[0],
            last: edges[1],
            consumers,
        })
    }

    /// XPENDING (extended form): the pending entries of group `group` in `args`' range.
    ///
    /// # Errors
    /// [`Error::WrongType`]; [`Error::NoGroupOrKey`] for a missing key or group.
    pub fn xpending(
        &self,
        key: impl AsRef<[u8]>,
        group: impl AsRef<[u8]>,
        args: &XPendingArgs,
    ) -> Result<Vec<PendingEntry>> {
        let (view, group) = self.require_group(key.as_ref(), group.as_ref(), E::NoGroupOrKey)?;
        let now = self.now_ms();
        let mut out = Vec::new();
        let mut left = args.count;
        if left == 0 {
            return Ok(out);
        }
        let mut take = |nack: Nack| -> bool {
            if nack.id > args.end {
                return false;
            }
            if args.min_idle.is_some_and(|min| nack.idle(now) < min) {
                return true;
            }
            let idle = nack.idle(now).max(0) as u64;
            out.push(PendingEntry {
                id: nack.id,
                consumer: nack.consumer,
                idle,
                deliveries: nack.delivery_count,
            });
            left -= 1;
            left > 0
        };
        match &args.consumer {
            Some(name) => {
                let Some(consumer) = self.stream_consumer(view.key_id, group.id, name)? else {
                    return Ok(out);
                };
                let mut ids = Vec::new();
                self.consumer_pel(view.key_id, consumer.id, args.start, |id| {
                    ids.push(id);
                    Ok(id <= args.end)
                })?;
                for id in ids {
                    let nack = self
                        .stream_nack(view.key_id, group.id, id)?
                        .ok_or(E::Corrupt("consumer PEL entry without group PEL entry"))?;
                    if !take(nack) {
                        break;
                    }
                }
            }
            None => self.group_pel(view.key_id, group.id, Some(args.start), |nack| {
                Ok(take(nack))
            })?,
        }
        Ok(out)
    }
}

impl WriteTxn<'_> {
    fn put_nack(&mut self, key_id: u64, group_id: u64, nack: &Nack) -> Result<()> {
        let key = owned_id_key(key_id, ElementKind::StreamPending, group_id, nack.id);
        self.put_element(&key, &nack.id.to_bytes(), &nack.encode())
    }

    /// Moves the owner's count and index entry of `nack` (if it had an owner) to `consumer`.
    fn pel_own(
        &mut self,
        key_id: u64,
        group: &mut Group,
        consumer: &mut Consumer,
        previous: Option<&Nack>,
        id: StreamId,
    ) -> Result<()> {
        match previous {
            Some(old) if old.consumer_id == consumer.id => return Ok(()),
            Some(old) => self.pel_disown(key_id, group.id, old)?,
            None => group.pel_count += 1,
        }
        consumer.pel_count += 1;
        self.put_consumer(key_id, group.id, consumer)?;
        let key = owned_id_key(key_id, ElementKind::StreamConsumerPending, consumer.id, id);
        self.put_element(&key, &id.to_bytes(), b"")
    }

    /// Takes `nack` off its consumer's count and index.
    fn pel_disown(&mut self, key_id: u64, group_id: u64, nack: &Nack) -> Result<()> {
        let key = owned_id_key(
            key_id,
            ElementKind::StreamConsumerPending,
            nack.consumer_id,
            nack.id,
        );
        self.del_element(&key)?;
        if let Some(mut owner) = self.stream_consumer(key_id, group_id, &nack.consumer)? {
            owner.pel_count = owner.pel_count.saturating_sub(1);
            self.put_consumer(key_id, group_id, &owner)?;
        }
        Ok(())
    }

    /// Removes `nack` from the group's PEL (the group record is not saved).
    pub(super) fn pel_remove(&mut self, key_id: u64, group: &mut Group, nack: &Nack) -> Result<()> {
        let key = owned_id_key(key_id, ElementKind::StreamPending, group.id, nack.id);
        self.del_element(&key)?;
        self.pel_disown(key_id, group.id, nack)?;
        group.pel_count = group.pel_count.saturating_sub(1);
        Ok(())
    }

    /// Writes `nack` owned by `consumer` with the given delivery facts.
    pub(super) fn pel_assign(
        &mut self,
        key_id: u64,
        group: &mut Group,
        consumer: &mut Consumer,
        previous: Option<&Nack>,
        id: StreamId,
        delivery: (u64, u64),
    ) -> Result<()> {
        self.pel_own(key_id, group, consumer, previous, id)?;
        let nack = Nack {
            id,
            delivery_time: delivery.0,
            delivery_count: delivery.1,
            consumer_id: consumer.id,
            consumer: consumer.name.clone(),
        };
        self.put_nack(key_id, group.id, &nack)
    }

    /// XREADGROUP: reads for consumer `consumer` of group `group` from each stream: with
    /// [`GroupReadId::New`], entries never delivered to the group (they join the consumer's
    /// pending entries unless `noack`); with [`GroupReadId::Pending`], the consumer's pending
    /// entries after that ID (a deleted entry has `None` fields). Streams with nothing to give
    /// are left out; an empty result is Redis's nil reply.
    ///
    /// # Errors
    /// [`Error::WrongType`]; [`Error::NoGroupXreadgroup`] for a missing key or group.
    pub fn xreadgroup(
        &mut self,
        group: impl AsRef<[u8]>,
        consumer: impl AsRef<[u8]>,
        streams: &[(impl AsRef<[u8]>, GroupReadId)],
        count: Option<u64>,
        noack: bool,
    ) -> Result<Vec<(Bytes, Vec<GroupReadEntry>)>> {
        let (group, consumer) = (group.as_ref(), consumer.as_ref());
        for (key, _) in streams {
            self.require_group(key.as_ref(), group, E::NoGroupXreadgroup)?;
        }
        let mut out = Vec::new();
        for (key, id) in streams {
            let key = key.as_ref();
            if let Some(read) = self.group_read(key, group, consumer, *id, count, noack)? {
                out.push((Bytes::copy_from_slice(key), read));
            }
        }
        Ok(out)
    }

    /// One stream of XREADGROUP; `None` when there is nothing to serve from it (or no such
    /// stream or group).
    pub(crate) fn group_read(
        &mut self,
        key: &[u8],
        group: &[u8],
        consumer: &[u8],
        id: GroupReadId,
        count: Option<u64>,
        noack: bool,
    ) -> Result<Option<Vec<GroupReadEntry>>> {
        let Some(mut stream) = self.open_stream(key)? else {
            return Ok(None);
        };
        let key_id = stream.key_id();
        let Some(mut group) = self.stream_group(key_id, group)? else {
            return Ok(None);
        };
        let count = count.unwrap_or(0);
        let now = self.now_ms();
        let read = match id {
            GroupReadId::Pending(after) => {
                let consumer = self.consumer_for(&mut stream, &mut group, consumer, true)?;
                let mut ids = Vec::new();
                if let Some(start) = after.next() {
                    self.consumer_pel(key_id, consumer.id, start, |id| {
                        ids.push(id);
                        Ok(count == 0 || (ids.len() as u64) < count)
                    })?;
                }
                let mut read = Vec::with_capacity(ids.len());
                for id in ids {
                    let fields = self.stream_entry(key_id, id)?;
                    if fields.is_some() {
                        if let Some(mut nack) = self.stream_nack(key_id, group.id, id)? {
                            nack.delivery_time = now;
                            nack.delivery_count += 1;
                            self.put_nack(key_id, group.id, &nack)?;
                        }
                    }
                    read.push((id, fields));
                }
                read
            }
            GroupReadId::New => {
                let last = super::write::last_entry_id(self, &stream.view())?;
                if stream.length() == 0 || last <= group.last_id {
                    return Ok(None);
                }
                let Some(start) = group.last_id.next() else {
                    return Ok(None);
                };
                let mut consumer = self.consumer_for(&mut stream, &mut group, consumer, true)?;
                let entries = self.stream_range(key_id, start, StreamId::MAX, count, false)?;
                let view = stream.view();
                let mut read = Vec::with_capacity(entries.len());
                for entry in entries {
                    if entry.id > group.last_id {
                        if group.entries_read != INVALID_ENTRIES_READ
                            && !has_tombstones_from(&view, entry.id)
                        {
                            group.entries_read += 1;
                        } else if view.state.entries_added != 0 {
                            group.entries_read = estimate_entries_read(&view, entry.id);
                        }
                        group.last_id = entry.id;
                    }
                    if !noack {
                        let previous = self.stream_nack(key_id, group.id, entry.id)?;
                        self.pel_assign(
                            key_id,
                            &mut group,
                            &mut consumer,
                            previous.as_ref(),
                            entry.id,
                            (now, 1),
                        )?;
                    }
                    read.push((entry.id, Some(entry.fields)));
                }
                read
            }
        };
        self.put_group(key_id, &group)?;
        self.save_stream_quietly(key, &mut stream)?;
        Ok(Some(read))
    }

    /// XACK: removes these IDs from group `group`'s pending entries; how many were pending
    /// (0 for a missing key or group).
    ///
    /// # Errors
    /// [`Error::WrongType`].
    pub fn xack(
        &mut self,
        key: impl AsRef<[u8]>,
        group: impl AsRef<[u8]>,
        ids: &[StreamId],
    ) -> Result<u64> {
        let Some(view) = self.stream_view(key.as_ref())? else {
            return Ok(0);
        };
        let Some(mut group) = self.stream_group(view.key_id, group.as_ref())? else {
            return Ok(0);
        };
        let mut acked = 0;
        for &id in ids {
            if let Some(nack) = self.stream_nack(view.key_id, group.id, id)? {
                self.pel_remove(view.key_id, &mut group, &nack)?;
                acked += 1;
            }
        }
        if acked > 0 {
            self.put_group(view.key_id, &group)?;
        }
        Ok(acked)
    }
}

store_ops! {
    /// XREADGROUP without BLOCK; see [`WriteTxn::xreadgroup`].
    write fn xreadgroup(group: impl AsRef<[u8]>, consumer: impl AsRef<[u8]>, streams: &[(impl AsRef<[u8]>, GroupReadId)], count: Option<u64>, noack: bool) -> Vec<(Bytes, Vec<GroupReadEntry>)>;
    /// XACK; see [`WriteTxn::xack`].
    write fn xack(key: impl AsRef<[u8]>, group: impl AsRef<[u8]>, ids: &[StreamId]) -> u64;
    /// XPENDING (summary); see [`ReadTxn::xpending_summary`].
    read fn xpending_summary(key: impl AsRef<[u8]>, group: impl AsRef<[u8]>) -> PendingSummary;
    /// XPENDING (extended); see [`ReadTxn::xpending`].
    read fn xpending(key: impl AsRef<[u8]>, group: impl AsRef<[u8]>, args: &XPendingArgs) -> Vec<PendingEntry>;
}
