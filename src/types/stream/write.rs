//! XADD, XDEL, XTRIM and XSETID, and the upkeep of the emulated listpack nodes.

use super::args::{Trim, TrimStrategy, XAddArgs, XAddId, XSetIdArgs};
use super::node::Node;
use super::{encode_fields, id_key, Scan, Stream, StreamId, StreamView};
#[cfg(doc)]
use crate::error::Error;
use crate::error::{Error as E, Result};
use crate::storage::element::{self, ElementKind};
use crate::store::store_ops;
use crate::txn::{ReadTxn, WriteTxn};

/// The most bytes of fields and values one entry may hold (Redis's listpack safety limit).
const MAX_ENTRY_BYTES: usize = 1 << 30;

impl ReadTxn<'_> {
    /// The nodes of stream `key_id`: the first one from `from` on (ascending), or the last
    /// one at or before `at_or_before` (descending), per `start`; up to `limit` of them.
    pub(crate) fn stream_nodes(
        &self,
        key_id: u64,
        start: NodeSeek,
        limit: usize,
    ) -> Result<Vec<Node>> {
        let prefix = element::kind_prefix(key_id, ElementKind::StreamNode);
        let mut out = Vec::new();
        let mut visit = |rest: &[u8], value: &[u8]| -> Result<bool> {
            let master = StreamId::from_bytes(rest).ok_or(E::Corrupt("stream node key"))?;
            out.push(Node::decode(master, value)?);
            Ok(out.len() < limit)
        };
        match start {
            NodeSeek::First => self.scan_elements(&prefix, Scan::From(&prefix), &mut visit)?,
            NodeSeek::Last => self.scan_elements(&prefix, Scan::Before(None), &mut visit)?,
            NodeSeek::Holding(id) => {
                let before = id
                    .next()
                    .map(|next| id_key(key_id, ElementKind::StreamNode, next));
                let before = before.as_ref().map(|k| k.as_bytes());
                self.scan_elements(&prefix, Scan::Before(before), &mut visit)?
            }
        }
        Ok(out)
    }

    /// XLEN: the number of entries of the stream at `key` (0 if there is none).
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn xlen(&self, key: impl AsRef<[u8]>) -> Result<u64> {
        Ok(self.stream_view(key.as_ref())?.map_or(0, |s| s.length))
    }
}

/// Which node [`ReadTxn::stream_nodes`] starts from.
#[derive(Clone, Copy, Debug)]
pub(crate) enum NodeSeek {
    First,
    Last,
    /// The node an entry with this ID belongs to (the last one whose master is not above it).
    Holding(StreamId),
}

impl WriteTxn<'_> {
    fn put_node(&mut self, key_id: u64, node: &Node) -> Result<()> {
        let key = id_key(key_id, ElementKind::StreamNode, node.master);
        self.put_element(&key, &node.master.seq.to_be_bytes(), &node.encode())
    }

    fn del_node(&mut self, stream: &mut Stream, node: &Node) -> Result<()> {
        let key = id_key(stream.key_id(), ElementKind::StreamNode, node.master);
        self.del_element(&key)?;
        stream.state.nodes = stream.state.nodes.saturating_sub(1);
        Ok(())
    }

    /// Appends an entry with ID `id` (greater than every ID in the stream) and its fields.
    pub(crate) fn stream_append(
        &mut self,
        stream: &mut Stream,
        id: StreamId,
        field_list: &[(&[u8], &[u8])],
    ) -> Result<()> {
        let key_id = stream.key_id();
        let tail = self.stream_nodes(key_id, NodeSeek::Last, 1)?.pop();
        let node = match tail {
            Some(mut node) if node.has_room(field_list) => {
                node.append(id, field_list);
                node
            }
            _ => {
                stream.state.nodes += 1;
                Node::start(id, field_list)
            }
        };
        self.put_node(key_id, &node)?;
        let key = id_key(key_id, ElementKind::StreamEntry, id);
        self.put_element(&key, &id.seq.to_be_bytes(), &encode_fields(field_list))?;
        stream.collection.count += 1;
        if stream.collection.count == 1 {
            stream.state.first_id = id;
        }
        stream.state.last_id = id;
        stream.state.entries_added += 1;
        Ok(())
    }

    /// XADD: appends an entry with `fields` to the stream at `key` (created unless
    /// `args.nomkstream`), then trims it as `args.trim` says; the new entry's ID, `None` when
    /// NOMKSTREAM found no stream.
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// use keyp::{StreamId, XAddArgs, XAddId};
    /// let id = store.xadd("events", XAddArgs::new(XAddId::Explicit(StreamId::new(5, 1))), &[("kind", "click")])?;
    /// assert_eq!(id, Some(StreamId::new(5, 1)));
    /// let next = store.xadd("events", XAddArgs::new(XAddId::AutoSeq(5)), &[("kind", "view")])?;
    /// assert_eq!(next.unwrap().to_string(), "5-2");
    /// assert_eq!(store.xlen("events")?, 2);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::WrongArity`] for no fields; [`Error::StreamLimitWithoutApprox`];
    /// [`Error::StreamIdZero`] for the explicit ID 0-0; [`Error::WrongType`];
    /// [`Error::StreamExhausted`] when the last ID is the greatest possible one;
    /// [`Error::StreamIdTooSmall`] for an ID not above the last one;
    /// [`Error::StreamElementsTooLarge`] for more than 1 GB of fields and values.
    pub fn xadd(
        &mut self,
        key: impl AsRef<[u8]>,
        args: XAddArgs,
        fields: &[(impl AsRef<[u8]>, impl AsRef<[u8]>)],
    ) -> Result<Option<StreamId>> {
        let key = key.as_ref();
        if fields.is_empty() {
            return Err(E::WrongArity("xadd"));
        }
        if let Some(trim) = &args.trim {
            trim.check()?;
        }
        if args.id == XAddId::Explicit(StreamId::MIN) {
            return Err(E::StreamIdZero);
        }
        let mut stream = match self.open_stream(key)? {
            Some(stream) => stream,
            None if args.nomkstream => return Ok(None),
            None => self.new_stream(key)?,
        };
        let last = stream.state.last_id;
        if last == StreamId::MAX {
            return Err(E::StreamExhausted);
        }
        let id = match args.id {
            XAddId::Auto => {
                let now = self.now_ms();
                if now > last.ms {
                    StreamId::new(now, 0)
                } else {
                    last.next().ok_or(E::StreamExhausted)?
                }
            }
            XAddId::Explicit(id) => id,
            XAddId::AutoSeq(ms) if ms == last.ms => last
                .next()
                .filter(|n| n.ms == ms)
                .ok_or(E::StreamIdTooSmall)?,
            XAddId::AutoSeq(ms) => StreamId::new(ms, 0),
        };
        if id <= last {
            return Err(E::StreamIdTooSmall);
        }
        let total: usize = fields
            .iter()
            .map(|(f, v)| f.as_ref().len() + v.as_ref().len())
            .sum();
        if total > MAX_ENTRY_BYTES {
            return Err(E::StreamElementsTooLarge);
        }
        let field_list: Vec<(&[u8], &[u8])> = fields
            .iter()
            .map(|(f, v)| (f.as_ref(), v.as_ref()))
            .collect();
        self.stream_append(&mut stream, id, &field_list)?;
        if let Some(trim) = &args.trim {
            self.stream_trim(&mut stream, trim)?;
        }
        self.save_stream(key, &mut stream)?;
        Ok(Some(id))
    }

    /// Trims `stream` as Redis 7.0 does; the number of entries removed.
    pub(crate) fn stream_trim(&mut self, stream: &mut Stream, trim: &Trim) -> Result<u64> {
        let limit = trim.effective_limit();
        let key_id = stream.key_id();
        let mut removed = 0;
        while let Some(mut node) = self.stream_nodes(key_id, NodeSeek::First, 1)?.pop() {
            if let TrimStrategy::MaxLen(max) = trim.strategy {
                if stream.length() <= max {
                    break;
                }
            }
            if limit != 0 && removed + node.live > limit {
                break;
            }
            let whole = match trim.strategy {
                TrimStrategy::MaxLen(max) => stream.length() - node.live >= max,
                TrimStrategy::MinId(min) => node.last < min,
            };
            if whole {
                let ids = self.entry_ids(key_id, node.master, node.last)?;
                for id in &ids {
                    self.del_element(&id_key(key_id, ElementKind::StreamEntry, *id))?;
                }
                self.del_node(stream, &node)?;
                stream.collection.count -= node.live;
                removed += node.live;
                continue;
            }
            if trim.approx {
                break;
            }
            // Mark the node's first entries deleted until the condition holds.
            let ids = self.entry_ids(key_id, node.master, node.last)?;
            for id in ids {
                let done = match trim.strategy {
                    TrimStrategy::MaxLen(max) => stream.length() <= max,
                    TrimStrategy::MinId(min) => id >= min,
                };
                if done {
                    break;
                }
                self.del_element(&id_key(key_id, ElementKind::StreamEntry, id))?;
                stream.collection.count -= 1;
                node.live -= 1;
                node.deleted += 1;
                removed += 1;
            }
            self.put_node(key_id, &node)?;
            break;
        }
        stream.state.first_id = if stream.length() == 0 {
            StreamId::MIN
        } else {
            self.stream_edge(key_id, false)?.unwrap_or_default()
        };
        Ok(removed)
    }

    /// The IDs of the live entries of stream `key_id` from `from` to `to`.
    fn entry_ids(&self, key_id: u64, from: StreamId, to: StreamId) -> Result<Vec<StreamId>> {
        let prefix = element::kind_prefix(key_id, ElementKind::StreamEntry);
        let start = id_key(key_id, ElementKind::StreamEntry, from);
        let mut ids = Vec::new();
        self.scan_elements(&prefix, Scan::From(start.as_bytes()), |rest, _| {
            let id = StreamId::from_bytes(rest).ok_or(E::Corrupt("stream entry key"))?;
            if id > to {
                return Ok(false);
            }
            ids.push(id);
            Ok(true)
        })?;
        Ok(ids)
    }

    /// XTRIM: trims the stream at `key`; the number of entries removed (0 if there is no
    /// stream).
    ///
    /// # Errors
    /// [`Error::StreamLimitWithoutApprox`], [`Error::WrongType`].
    pub fn xtrim(&mut self, key: impl AsRef<[u8]>, trim: Trim) -> Result<u64> {
        let key = key.as_ref();
        trim.check()?;
        let Some(mut stream) = self.open_stream(key)? else {
            return Ok(0);
        };
        let removed = self.stream_trim(&mut stream, &trim)?;
        if removed > 0 {
            self.save_stream(key, &mut stream)?;
        }
        Ok(removed)
    }

    /// Deletes entry `id` from `stream` if it exists; true if it did.
    pub(crate) fn stream_delete(&mut self, stream: &mut Stream, id: StreamId) -> Result<bool> {
        let key_id = stream.key_id();
        if !self.del_element(&id_key(key_id, ElementKind::StreamEntry, id))? {
            return Ok(false);
        }
        let mut node = self
            .stream_nodes(key_id, NodeSeek::Holding(id), 1)?
            .pop()
            .ok_or(E::Corrupt("stream entry outside every node"))?;
        if node.live <= 1 {
            self.del_node(stream, &node)?;
        } else {
            node.live -= 1;
            node.deleted += 1;
            self.put_node(key_id, &node)?;
        }
        stream.collection.count -= 1;
        Ok(true)
    }

    /// XDEL: deletes the entries with these IDs from the stream at `key`; how many existed.
    ///
    /// # Errors
    /// [`Error::WrongType`].
    pub fn xdel(&mut self, key: impl AsRef<[u8]>, ids: &[StreamId]) -> Result<u64> {
        let key = key.as_ref();
        let Some(mut stream) = self.open_stream(key)? else {
            return Ok(0);
        };
        let mut deleted = 0;
        let mut first_deleted = false;
        for &id in ids {
            if self.stream_delete(&mut stream, id)? {
                first_deleted |= id == stream.state.first_id;
                stream.state.max_deleted = stream.state.max_deleted.max(id);
                deleted += 1;
            }
        }
        if deleted > 0 {
            if stream.length() == 0 {
                stream.state.first_id = StreamId::MIN;
            } else if first_deleted {
                stream.state.first_id = self
                    .stream_edge(stream.key_id(), false)?
                    .unwrap_or_default();
            }
            self.save_stream(key, &mut stream)?;
        }
        Ok(deleted)
    }

    /// XSETID: sets the stream's last ID (and optionally its entries-added counter and
    /// maximal deleted ID).
    ///
    /// # Errors
    /// [`Error::NoSuchKey`], [`Error::WrongType`], [`Error::XsetidBelowGivenMaxDeleted`],
    /// [`Error::XsetidBelowTopItem`],
    /// [`Error::XsetidEntriesAddedBelowLength`].
    pub fn xsetid(&mut self, key: impl AsRef<[u8]>, args: XSetIdArgs) -> Result<()> {
        let key = key.as_ref();
        if args.max_deleted_id.is_some_and(|max| args.id < max) {
            return Err(E::XsetidBelowGivenMaxDeleted);
        }
        let Some(mut stream) = self.open_stream(key)? else {
            return Err(E::NoSuchKey);
        };
        // Redis 7.0 does not compare the ID with the recorded maximal deleted ID (later
        // versions refuse one below it).
        if stream.length() > 0 {
            let top = self.stream_edge(stream.key_id(), true)?.unwrap_or_default();
            if args.id < top {
                return Err(E::XsetidBelowTopItem);
            }
            if args.entries_added.is_some_and(|n| n < stream.length()) {
                return Err(E::XsetidEntriesAddedBelowLength);
            }
        }
        stream.state.last_id = args.id;
        if let Some(n) = args.entries_added {
            stream.state.entries_added = n;
        }
        if let Some(max) = args.max_deleted_id.filter(|m| !m.is_zero()) {
            stream.state.max_deleted = max;
        }
        self.save_stream_quietly(key, &mut stream)
    }
}

/// The ID of the last entry of a stream (0-0 when it has none).
pub(crate) fn last_entry_id(txn: &ReadTxn<'_>, view: &StreamView) -> Result<StreamId> {
    if view.length == 0 {
        return Ok(StreamId::MIN);
    }
    Ok(txn.stream_edge(view.key_id, true)?.unwrap_or_default())
}

store_ops! {
    /// XADD; see [`WriteTxn::xadd`].
    write fn xadd(key: impl AsRef<[u8]>, args: XAddArgs, fields: &[(impl AsRef<[u8]>, impl AsRef<[u8]>)]) -> Option<StreamId>;
    /// XLEN; see [`ReadTxn::xlen`].
    read fn xlen(key: impl AsRef<[u8]>) -> u64;
    /// XTRIM; see [`WriteTxn::xtrim`].
    write fn xtrim(key: impl AsRef<[u8]>, trim: Trim) -> u64;
    /// XDEL; see [`WriteTxn::xdel`].
    write fn xdel(key: impl AsRef<[u8]>, ids: &[StreamId]) -> u64;
    /// XSETID; see [`WriteTxn::xsetid`].
    write fn xsetid(key: impl AsRef<[u8]>, args: XSetIdArgs) -> ();
}
