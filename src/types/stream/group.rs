//! Consumer groups and consumers: their records, XGROUP, and the read counters behind
//! XINFO's `entries-read` and `lag`.

use bytes::Bytes;

use super::group_args::{GroupStartId, XGroupCreateOptions};
use super::{
    owned_id_key, owner_prefix, printable, read_u64, Scan, Stream, StreamId, StreamView,
    INVALID_ENTRIES_READ,
};
#[cfg(doc)]
use crate::error::Error;
use crate::error::{Error as E, Result};
use crate::storage::element::{ElementKey, ElementKind};
use crate::store::store_ops;
use crate::txn::{ReadTxn, WriteTxn};
use crate::types::collection::Walk;

/// A consumer group's record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Group {
    pub(crate) name: Bytes,
    pub(crate) id: u64,
    pub(crate) last_id: StreamId,
    /// -1: unknown.
    pub(crate) entries_read: i64,
    pub(crate) pel_count: u64,
    pub(crate) consumers: u64,
}

impl Group {
    fn decode(name: &[u8], raw: &[u8]) -> Result<Group> {
        Ok(Group {
            name: Bytes::copy_from_slice(name),
            id: read_u64(raw, 0)?,
            last_id: StreamId::from_bytes(raw.get(8..24).unwrap_or_default())
                .ok_or(E::Corrupt("stream group"))?,
            entries_read: read_u64(raw, 24)? as i64,
            pel_count: read_u64(raw, 32)?,
            consumers: read_u64(raw, 40)?,
        })
    }

    fn encode(&self) -> [u8; 48] {
        let mut out = [0u8; 48];
        out[..8].copy_from_slice(&self.id.to_be_bytes());
        out[8..24].copy_from_slice(&self.last_id.to_bytes());
        out[24..32].copy_from_slice(&self.entries_read.to_be_bytes());
        out[32..40].copy_from_slice(&self.pel_count.to_be_bytes());
        out[40..48].copy_from_slice(&self.consumers.to_be_bytes());
        out
    }
}

/// A consumer's record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Consumer {
    pub(crate) name: Bytes,
    pub(crate) id: u64,
    pub(crate) seen_time: u64,
    pub(crate) pel_count: u64,
}

impl Consumer {
    fn decode(name: &[u8], raw: &[u8]) -> Result<Consumer> {
        Ok(Consumer {
            name: Bytes::copy_from_slice(name),
            id: read_u64(raw, 0)?,
            seen_time: read_u64(raw, 8)?,
            pel_count: read_u64(raw, 16)?,
        })
    }

    fn encode(&self) -> [u8; 24] {
        let mut out = [0u8; 24];
        out[..8].copy_from_slice(&self.id.to_be_bytes());
        out[8..16].copy_from_slice(&self.seen_time.to_be_bytes());
        out[16..].copy_from_slice(&self.pel_count.to_be_bytes());
        out
    }
}

fn group_key(key_id: u64, name: &[u8]) -> ElementKey {
    ElementKey::hashed(key_id, ElementKind::StreamGroup, name)
}

fn consumer_key(key_id: u64, group_id: u64, name: &[u8]) -> ElementKey {
    ElementKey::with_order(
        key_id,
        ElementKind::StreamConsumer,
        group_id.to_be_bytes(),
        name,
    )
}

impl ReadTxn<'_> {
    /// The group `name` of stream `key_id`, if any.
    pub(crate) fn stream_group(&self, key_id: u64, name: &[u8]) -> Result<Option<Group>> {
        self.element_at(&group_key(key_id, name), name)?
            .map(|raw| Group::decode(name, raw))
            .transpose()
    }

    /// Every group of stream `key_id`, by name (as Redis lists them).
    pub(crate) fn stream_groups(&self, key_id: u64) -> Result<Vec<Group>> {
        let mut groups = Vec::new();
        self.walk(
            key_id,
            ElementKind::StreamGroup,
            Walk::Forward([0; 8]),
            |entry| {
                groups.push(Group::decode(entry.element, entry.payload)?);
                Ok(true)
            },
        )?;
        groups.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(groups)
    }

    /// The consumer `name` of group `group_id`, if any.
    pub(crate) fn stream_consumer(
        &self,
        key_id: u64,
        group_id: u64,
        name: &[u8],
    ) -> Result<Option<Consumer>> {
        self.element_at(&consumer_key(key_id, group_id, name), name)?
            .map(|raw| Consumer::decode(name, raw))
            .transpose()
    }

    /// Every consumer of group `group_id`, by name.
    pub(crate) fn stream_consumers(&self, key_id: u64, group_id: u64) -> Result<Vec<Consumer>> {
        let mut consumers = Vec::new();
        self.walk(
            key_id,
            ElementKind::StreamConsumer,
            Walk::Forward(group_id.to_be_bytes()),
            |entry| {
                if entry.order != group_id.to_be_bytes() {
                    return Ok(false);
                }
                consumers.push(Consumer::decode(entry.element, entry.payload)?);
                Ok(true)
            },
        )?;
        consumers.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(consumers)
    }

    /// The group `name` of the stream at `key`, or the NOGROUP error `missing` builds.
    pub(crate) fn require_group(
        &self,
        key: &[u8],
        name: &[u8],
        missing: fn(String, String) -> E,
    ) -> Result<(StreamView, Group)> {
        let view = self.stream_view(key)?;
        let found = match &view {
            Some(view) => self.stream_group(view.key_id, name)?,
            None => None,
        };
        match (view, found) {
            (Some(view), Some(group)) => Ok((view, group)),
            _ => Err(missing(printable(key), printable(name))),
        }
    }
}

/// Whether the stream may hold deleted entries at or after `start` (Redis's
/// `streamRangeHasTombstones` for an open end).
pub(crate) fn has_tombstones_from(view: &StreamView, start: StreamId) -> bool {
    let state = &view.state;
    if view.length == 0 || state.max_deleted.is_zero() {
        return false;
    }
    if state.first_id > state.max_deleted {
        return false;
    }
    start <= state.max_deleted
}

/// Redis's `streamEstimateDistanceFromFirstEverEntry`: the logical read counter of `id`, -1
/// when it cannot be known.
pub(crate) fn estimate_entries_read(view: &StreamView, id: StreamId) -> i64 {
    let state = &view.state;
    let added = state.entries_added as i64;
    if state.entries_added == 0 {
        return 0;
    }
    if view.length == 0 && id <= state.last_id {
        return added;
    }
    if id == state.last_id {
        return added;
    }
    if id > state.last_id {
        return INVALID_ENTRIES_READ;
    }
    if state.max_deleted.is_zero() || state.max_deleted < state.first_id {
        if id < state.first_id {
            return added - view.length as i64;
        }
        if id == state.first_id {
            return added - view.length as i64 + 1;
        }
    }
    INVALID_ENTRIES_READ
}

/// A group's lag as XINFO reports it, `None` when it cannot be known.
pub(crate) fn group_lag(view: &StreamView, group: &Group) -> Option<i64> {
    let added = view.state.entries_added as i64;
    if view.state.entries_added == 0 {
        return Some(0);
    }
    if group.entries_read != INVALID_ENTRIES_READ && !has_tombstones_from(view, group.last_id) {
        return Some(added - group.entries_read);
    }
    match estimate_entries_read(view, group.last_id) {
        INVALID_ENTRIES_READ => None,
        read => Some(added - read),
    }
}

impl WriteTxn<'_> {
    pub(crate) fn put_group(&mut self, key_id: u64, group: &Group) -> Result<()> {
        self.put_element(
            &group_key(key_id, &group.name),
            &group.name,
            &group.encode(),
        )
    }

    pub(crate) fn put_consumer(
        &mut self,
        key_id: u64,
        group_id: u64,
        consumer: &Consumer,
    ) -> Result<()> {
        let key = consumer_key(key_id, group_id, &consumer.name);
        self.put_element(&key, &consumer.name, &consumer.encode())
    }

    /// The consumer `name` of `group`, created (seen now) if missing; with `refresh`, an
    /// existing one's seen time becomes now. The group record is not saved.
    pub(crate) fn consumer_for(
        &mut self,
        stream: &mut Stream,
        group: &mut Group,
        name: &[u8],
        refresh: bool,
    ) -> Result<Consumer> {
        let now = self.now_ms();
        let key_id = stream.key_id();
        match self.stream_consumer(key_id, group.id, name)? {
            Some(mut consumer) => {
                if refresh {
                    consumer.seen_time = now;
                    self.put_consumer(key_id, group.id, &consumer)?;
                }
                Ok(consumer)
            }
            None => {
                let consumer = Consumer {
                    name: Bytes::copy_from_slice(name),
                    id: stream.state.next_consumer_id,
                    seen_time: now,
                    pel_count: 0,
                };
                stream.state.next_consumer_id += 1;
                group.consumers += 1;
                self.put_consumer(key_id, group.id, &consumer)?;
                Ok(consumer)
            }
        }
    }

    /// Opens the stream at `key` and its group `name` for an XGROUP subcommand: the key must
    /// exist ([`Error::XgroupNoKey`]) and the group too ([`Error::NoGroupForKey`]).
    fn xgroup_open(&mut self, key: &[u8], name: &[u8]) -> Result<(Stream, Group)> {
        let stream = self.open_stream(key)?.ok_or(E::XgroupNoKey)?;
        let group = self
            .stream_group(stream.key_id(), name)?
            .ok_or_else(|| E::NoGroupForKey(printable(name), printable(key)))?;
        Ok((stream, group))
    }

    /// XGROUP CREATE: creates group `group` on the stream at `key` (created empty with
    /// MKSTREAM), delivering from after `id`.
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// use keyp::{GroupStartId, XGroupCreateOptions};
    /// let mkstream = XGroupCreateOptions { mkstream: true, ..Default::default() };
    /// store.xgroup_create("jobs", "workers", GroupStartId::Last, mkstream)?;
    /// let again = store.xgroup_create("jobs", "workers", GroupStartId::Last, mkstream);
    /// assert_eq!(again.unwrap_err().to_string(), "BUSYGROUP Consumer Group name already exists");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::WrongType`]; [`Error::XgroupNoKey`] for a missing key without MKSTREAM;
    /// [`Error::BusyGroup`] if the group exists.
    pub fn xgroup_create(
        &mut self,
        key: impl AsRef<[u8]>,
        group: impl AsRef<[u8]>,
        id: GroupStartId,
        options: XGroupCreateOptions,
    ) -> Result<()> {
        let (key, name) = (key.as_ref(), group.as_ref());
        let mut stream = match self.open_stream(key)? {
            Some(stream) => stream,
            None if options.mkstream => self.new_stream(key)?,
            None => return Err(E::XgroupNoKey),
        };
        let last_id = match id {
            GroupStartId::Last => stream.state.last_id,
            GroupStartId::Id(id) => id,
        };
        if self.stream_group(stream.key_id(), name)?.is_some() {
            return Err(E::BusyGroup);
        }
        let group = Group {
            name: Bytes::copy_from_slice(name),
            id: stream.state.next_group_id,
            last_id,
            entries_read: options
                .entries_read
                .map_or(INVALID_ENTRIES_READ, |n| n as i64),
            pel_count: 0,
            consumers: 0,
        };
        stream.state.next_group_id += 1;
        stream.state.groups += 1;
        self.put_group(stream.key_id(), &group)?;
        self.save_stream_quietly(key, &mut stream)
    }

    /// XGROUP SETID: sets group `group`'s last delivered ID and read counter (`None`:
    /// unknown, as Redis sets it without ENTRIESREAD).
    ///
    /// # Errors
    /// [`Error::WrongType`], [`Error::XgroupNoKey`], [`Error::NoGroupForKey`].
    pub fn xgroup_setid(
        &mut self,
        key: impl AsRef<[u8]>,
        group: impl AsRef<[u8]>,
        id: GroupStartId,
        entries_read: Option<u64>,
    ) -> Result<()> {
        let key = key.as_ref();
        let (mut stream, mut group) = self.xgroup_open(key, group.as_ref())?;
        group.last_id = match id {
            GroupStartId::Last => stream.state.last_id,
            GroupStartId::Id(id) => id,
        };
        group.entries_read = entries_read.map_or(INVALID_ENTRIES_READ, |n| n as i64);
        self.put_group(stream.key_id(), &group)?;
        self.save_stream_quietly(key, &mut stream)
    }

    /// XGROUP DESTROY: deletes group `group` with its consumers and pending entries; true if
    /// it existed.
    ///
    /// # Errors
    /// [`Error::WrongType`], [`Error::XgroupNoKey`].
    pub fn xgroup_destroy(
        &mut self,
        key: impl AsRef<[u8]>,
        group: impl AsRef<[u8]>,
    ) -> Result<bool> {
        let (key, name) = (key.as_ref(), group.as_ref());
        let mut stream = self.open_stream(key)?.ok_or(E::XgroupNoKey)?;
        let key_id = stream.key_id();
        let Some(group) = self.stream_group(key_id, name)? else {
            return Ok(false);
        };
        for consumer in self.stream_consumers(key_id, group.id)? {
            self.delete_consumer_pel(key_id, consumer.id)?;
            self.del_element(&consumer_key(key_id, group.id, &consumer.name))?;
        }
        let pending = self.owned_ids(key_id, ElementKind::StreamPending, group.id)?;
        for id in pending {
            self.del_element(&owned_id_key(
                key_id,
                ElementKind::StreamPending,
                group.id,
                id,
            ))?;
        }
        self.del_element(&group_key(key_id, name))?;
        stream.state.groups = stream.state.groups.saturating_sub(1);
        self.save_stream_quietly(key, &mut stream)?;
        Ok(true)
    }

    /// The entry IDs under `owner` (a group's or consumer's PEL).
    pub(crate) fn owned_ids(
        &self,
        key_id: u64,
        kind: ElementKind,
        owner: u64,
    ) -> Result<Vec<StreamId>> {
        let prefix = owner_prefix(key_id, kind, owner);
        let mut ids = Vec::new();
        self.scan_elements(&prefix, Scan::From(&prefix), |rest, _| {
            ids.push(StreamId::from_bytes(rest).ok_or(E::Corrupt("stream PEL key"))?);
            Ok(true)
        })?;
        Ok(ids)
    }

    /// Deletes a consumer's PEL index entries (not the group PEL's); the IDs they held.
    fn delete_consumer_pel(&mut self, key_id: u64, consumer_id: u64) -> Result<Vec<StreamId>> {
        let ids = self.owned_ids(key_id, ElementKind::StreamConsumerPending, consumer_id)?;
        for &id in &ids {
            self.del_element(&owned_id_key(
                key_id,
                ElementKind::StreamConsumerPending,
                consumer_id,
                id,
            ))?;
        }
        Ok(ids)
    }

    /// XGROUP CREATECONSUMER: creates consumer `consumer` in group `group`; true if it did
    /// not exist.
    ///
    /// # Errors
    /// [`Error::WrongType`], [`Error::XgroupNoKey`], [`Error::NoGroupForKey`].
    pub fn xgroup_createconsumer(
        &mut self,
        key: impl AsRef<[u8]>,
        group: impl AsRef<[u8]>,
        consumer: impl AsRef<[u8]>,
    ) -> Result<bool> {
        let key = key.as_ref();
        let (mut stream, mut group) = self.xgroup_open(key, group.as_ref())?;
        let before = group.consumers;
        self.consumer_for(&mut stream, &mut group, consumer.as_ref(), false)?;
        if group.consumers == before {
            return Ok(false);
        }
        self.put_group(stream.key_id(), &group)?;
        self.save_stream_quietly(key, &mut stream)?;
        Ok(true)
    }

    /// XGROUP DELCONSUMER: deletes consumer `consumer` of group `group` and its pending
    /// entries; how many it had pending (0 if it did not exist).
    ///
    /// # Errors
    /// [`Error::WrongType`], [`Error::XgroupNoKey`], [`Error::NoGroupForKey`].
    pub fn xgroup_delconsumer(
        &mut self,
        key: impl AsRef<[u8]>,
        group: impl AsRef<[u8]>,
        consumer: impl AsRef<[u8]>,
    ) -> Result<u64> {
        let (key, name) = (key.as_ref(), consumer.as_ref());
        let (mut stream, mut group) = self.xgroup_open(key, group.as_ref())?;
        let key_id = stream.key_id();
        let Some(consumer) = self.stream_consumer(key_id, group.id, name)? else {
            return Ok(0);
        };
        let ids = self.delete_consumer_pel(key_id, consumer.id)?;
        for &id in &ids {
            self.del_element(&owned_id_key(
                key_id,
                ElementKind::StreamPending,
                group.id,
                id,
            ))?;
        }
        self.del_element(&consumer_key(key_id, group.id, name))?;
        group.pel_count = group.pel_count.saturating_sub(ids.len() as u64);
        group.consumers = group.consumers.saturating_sub(1);
        self.put_group(key_id, &group)?;
        self.save_stream_quietly(key, &mut stream)?;
        Ok(ids.len() as u64)
    }
}

store_ops! {
    /// XGROUP CREATE; see [`WriteTxn::xgroup_create`].
    write fn xgroup_create(key: impl AsRef<[u8]>, group: impl AsRef<[u8]>, id: GroupStartId, options: XGroupCreateOptions) -> ();
    /// XGROUP SETID; see [`WriteTxn::xgroup_setid`].
    write fn xgroup_setid(key: impl AsRef<[u8]>, group: impl AsRef<[u8]>, id: GroupStartId, entries_read: Option<u64>) -> ();
    /// XGROUP DESTROY; see [`WriteTxn::xgroup_destroy`].
    write fn xgroup_destroy(key: impl AsRef<[u8]>, group: impl AsRef<[u8]>) -> bool;
    /// XGROUP CREATECONSUMER; see [`WriteTxn::xgroup_createconsumer`].
    write fn xgroup_createconsumer(key: impl AsRef<[u8]>, group: impl AsRef<[u8]>, consumer: impl AsRef<[u8]>) -> bool;
    /// XGROUP DELCONSUMER; see [`WriteTxn::xgroup_delconsumer`].
    write fn xgroup_delconsumer(key: impl AsRef<[u8]>, group: impl AsRef<[u8]>, consumer: impl AsRef<[u8]>) -> u64;
}
