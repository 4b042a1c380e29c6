//! Streams with consumer groups: XADD, XRANGE, XREAD, XGROUP, XREADGROUP, XACK, XPENDING,
//! XCLAIM, XAUTOCLAIM, XINFO and the rest of Redis 7.0's stream commands, with the blocking
//! forms (XREAD BLOCK, XREADGROUP BLOCK) as [`Store`](crate::Store) methods.
//!
//! # Layout
//! A stream is a collection ([`KeyType::Stream`]) whose `count` is its length and whose state
//! holds the last generated ID, the first entry's ID, the maximal deleted ID, the number of
//! entries ever added, the number of (emulated) nodes and groups, and the next group and
//! consumer ids. Unlike the other collections, a stream stays when its last entry goes, as in
//! Redis. Everything else lives in the `elements` database under the stream's key id:
//!
//! | kind | key after the kind | value |
//! | --- | --- | --- |
//! | `StreamEntry` | `ms:u64 + seq:u64` | the field/value pairs |
//! | `StreamNode` | master `ms + seq` | live and deleted entry counts, last ID appended |
//! | `StreamGroup` | hash of the name + name | group id, last delivered ID, entries read, PEL size, consumer count |
//! | `StreamConsumer` | `group id + name` | consumer id, seen time, PEL size |
//! | `StreamPending` | `group id + entry id` | delivery time, delivery count, consumer id and name |
//! | `StreamConsumerPending` | `consumer id + entry id` | empty |
//!
//! so every command is a few O(log n) B-tree operations per entry it touches. DEL, RENAME,
//! COPY and MOVE handle a stream's elements generically through its key id.
//!
//! # Nodes
//! Redis keeps entries in listpack nodes of a radix tree, and two of its behaviours depend on
//! them: approximate trimming (`~`) removes only whole nodes, and XINFO STREAM reports
//! `radix-tree-keys` and `radix-tree-nodes`. keyp emulates the nodes with one record per node
//! (see [`node`]): an entry starts a new node when the last one holds 100 entries, live or
//! deleted (`stream-node-max-entries`), or when the last listpack's size, computed with
//! listpack's encoding rules, plus the entry's bytes would reach 4096
//! (`stream-node-max-bytes`); Redis 7.0's defaults. Deleting a node's last live entry removes
//! the node, trimming removes whole nodes or flags entries of the first remaining one deleted,
//! as Redis does, so node boundaries and `~` trims match Redis's (checked against
//! redis-server 7.0.15 with entries of 5 to 5000 bytes). `radix-tree-nodes` is computed from
//! the node keys as the node count of a compact radix tree holding them: what Redis's rax has
//! after insertions (after deletions Redis's tree may keep a few more nodes than that).
//!
//! # Argument order
//! The `parse` helpers check arguments before the command runs; Redis checks a few of them
//! after looking the key up (XACK and XDEL ids on a missing key, XCLAIM's options, the ids of
//! XGROUP CREATE on a missing key), so for a call that is wrong in two ways at once keyp may
//! report the argument error where Redis reports the key or group.

mod args;
mod blocking;
mod claim;
mod group;
mod group_args;
mod id;
mod info;
mod node;
mod pel;
mod read;
mod write;

use bytes::Bytes;
use lmdb::{Cursor, Transaction};
use lmdb_sys::{MDB_LAST, MDB_NEXT, MDB_PREV, MDB_SET_RANGE};

pub use args::{
    parse_block_timeout, GroupReadId, Trim, TrimStrategy, XAddArgs, XAddId, XReadArgs, XReadId,
    XSetIdArgs,
};
pub use claim::AutoClaimed;
pub use group_args::{
    parse_xinfo_full_count, GroupStartId, XAutoClaimArgs, XClaimArgs, XClaimOptions,
    XGroupCreateOptions, XPendingArgs,
};
pub use id::StreamId;
pub use info::{ConsumerInfo, FullConsumer, FullGroup, GroupInfo, StreamFullInfo, StreamInfo};
pub use pel::{PendingEntry, PendingSummary};

use crate::error::{Error, Result};
use crate::storage::element::{self, ElementKey, ElementKind};
use crate::txn::{ReadTxn, WriteTxn};
use crate::types::collection::{Collection, CollectionView};
use crate::types::KeyType;

/// A stream entry's field/value pairs.
pub type Fields = Vec<(Bytes, Bytes)>;

/// One stream entry: its ID and field/value pairs, in the order XADD gave them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamEntry {
    /// The entry's ID.
    pub id: StreamId,
    /// The field/value pairs.
    pub fields: Fields,
}

/// What XREADGROUP returns for one entry: its ID and its fields, `None` for an entry of the
/// consumer's history that was deleted from the stream meanwhile (Redis replies a nil there).
pub type GroupReadEntry = (StreamId, Option<Fields>);

/// What Redis 7.0's OBJECT ENCODING reports for a stream: always "stream".
pub(crate) fn encoding(_view: &CollectionView<'_>) -> &'static str {
    "stream"
}

/// Redis 7.0's `stream-node-max-entries`.
const NODE_MAX_ENTRIES: u64 = 100;
/// The `entries_read` of a group whose read counter is unknown (Redis's
/// `SCG_INVALID_ENTRIES_READ`).
const INVALID_ENTRIES_READ: i64 = -1;
const STATE_LEN: usize = 16 * 3 + 8 * 5;

/// The stream-wide counters kept in the collection's state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct StreamState {
    pub(crate) last_id: StreamId,
    /// The first entry's ID (0-0 when empty).
    pub(crate) first_id: StreamId,
    pub(crate) max_deleted: StreamId,
    pub(crate) entries_added: u64,
    pub(crate) nodes: u64,
    pub(crate) groups: u64,
    pub(crate) next_group_id: u64,
    pub(crate) next_consumer_id: u64,
}

impl StreamState {
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(STATE_LEN);
        for id in [self.last_id, self.first_id, self.max_deleted] {
            out.extend_from_slice(&id.to_bytes());
        }
        for n in [
            self.entries_added,
            self.nodes,
            self.groups,
            self.next_group_id,
            self.next_consumer_id,
        ] {
            out.extend_from_slice(&n.to_be_bytes());
        }
        out
    }

    fn decode(raw: &[u8]) -> Result<StreamState> {
        let corrupt = Error::Corrupt("stream state");
        if raw.len() != STATE_LEN {
            return Err(corrupt);
        }
        let id =
            |i: usize| StreamId::from_bytes(&raw[i * 16..]).ok_or(Error::Corrupt("stream state"));
        let n = |i: usize| read_u64(raw, 48 + i * 8);
        Ok(StreamState {
            last_id: id(0)?,
            first_id: id(1)?,
            max_deleted: id(2)?,
            entries_added: n(0)?,
            nodes: n(1)?,
            groups: n(2)?,
            next_group_id: n(3)?,
            next_consumer_id: n(4)?,
        })
    }
}

/// A big-endian u64 at `at`, or a corruption error.
pub(crate) fn read_u64(raw: &[u8], at: usize) -> Result<u64> {
    raw.get(at..at + 8)
        .and_then(|b| b.try_into().ok())
        .map(u64::from_be_bytes)
        .ok_or(Error::Corrupt("stream record"))
}

/// A stream read from a snapshot.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StreamView {
    pub(crate) key_id: u64,
    pub(crate) length: u64,
    pub(crate) state: StreamState,
}

/// A stream opened for writing.
pub(crate) struct Stream {
    pub(crate) collection: Collection,
    pub(crate) state: StreamState,
}

impl Stream {
    pub(crate) fn key_id(&self) -> u64 {
        self.collection.key_id
    }

    pub(crate) fn length(&self) -> u64 {
        self.collection.count
    }

    pub(crate) fn view(&self) -> StreamView {
        StreamView {
            key_id: self.key_id(),
            length: self.length(),
            state: self.state,
        }
    }
}

/// The key of an element ordered by a stream ID (entries, nodes).
pub(crate) fn id_key(key_id: u64, kind: ElementKind, id: StreamId) -> ElementKey {
    ElementKey::with_order(key_id, kind, id.ms.to_be_bytes(), &id.seq.to_be_bytes())
}

/// The key of an element under an 8-byte owner id and a stream ID (PEL entries).
pub(crate) fn owned_id_key(key_id: u64, kind: ElementKind, owner: u64, id: StreamId) -> ElementKey {
    ElementKey::with_order(key_id, kind, owner.to_be_bytes(), &id.to_bytes())
}

/// The 17-byte prefix of the elements of `kind` under `owner` (a group or consumer id).
pub(crate) fn owner_prefix(key_id: u64, kind: ElementKind, owner: u64) -> [u8; 17] {
    element::seek(key_id, kind, owner.to_be_bytes())
}

/// Encodes field/value pairs: a count, then each field and value with its length.
pub(crate) fn encode_fields(fields: &[(impl AsRef<[u8]>, impl AsRef<[u8]>)]) -> Vec<u8> {
    let size: usize = fields
        .iter()
        .map(|(f, v)| 8 + f.as_ref().len() + v.as_ref().len())
        .sum();
    let mut out = Vec::with_capacity(4 + size);
    out.extend_from_slice(&(fields.len() as u32).to_be_bytes());
    for (field, value) in fields {
        for part in [field.as_ref(), value.as_ref()] {
            out.extend_from_slice(&(part.len() as u32).to_be_bytes());
            out.extend_from_slice(part);
        }
    }
    out
}

/// Decodes what [`encode_fields`] wrote.
pub(crate) fn decode_fields(raw: &[u8]) -> Result<Fields> {
    let corrupt = || Error::Corrupt("stream entry");
    let take = |at: &mut usize| -> Result<Bytes> {
        let len = raw
            .get(*at..*at + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_be_bytes)
            .ok_or_else(corrupt)? as usize;
        let part = raw.get(*at + 4..*at + 4 + len).ok_or_else(corrupt)?;
        *at += 4 + len;
        Ok(Bytes::copy_from_slice(part))
    };
    let count = raw
        .get(..4)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_be_bytes)
        .ok_or_else(corrupt)?;
    let mut at = 4;
    let mut fields = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let field = take(&mut at)?;
        let value = take(&mut at)?;
        fields.push((field, value));
    }
    Ok(fields)
}

/// Where a [`ReadTxn::scan_elements`] starts.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Scan<'a> {
    /// Ascending from this full key, inclusive.
    From(&'a [u8]),
    /// Descending from just before this full key, or from the last key under the prefix.
    Before(Option<&'a [u8]>),
}

impl ReadTxn<'_> {
    /// The stream at `key`, if any.
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub(crate) fn stream_view(&self, key: &[u8]) -> Result<Option<StreamView>> {
        let Some(view) = self.collection(key, KeyType::Stream)? else {
            return Ok(None);
        };
        Ok(Some(StreamView {
            key_id: view.key_id,
            length: view.count,
            state: StreamState::decode(view.state)?,
        }))
    }

    /// Visits the `elements` entries whose key starts with `prefix` (fixed-size keys only: no
    /// long-form elements), in the direction and from the place `start` gives, passing each
    /// key's bytes after the prefix and its value, until `visit` returns false.
    pub(crate) fn scan_elements(
        &self,
        prefix: &[u8],
        start: Scan<'_>,
        mut visit: impl FnMut(&[u8], &[u8]) -> Result<bool>,
    ) -> Result<()> {
        let cursor = self
            .raw
            .open_ro_cursor(self.core.storage.elements)
            .map_err(|e| self.lmdb_err(e))?;
        let (mut item, step) = match start {
            Scan::From(from) => (cursor.get(Some(from), None, MDB_SET_RANGE), MDB_NEXT),
            Scan::Before(before) => {
                let end = match before {
                    Some(key) => Some(key.to_vec()),
                    None => successor(prefix),
                };
                let item = match end {
                    Some(end) => match cursor.get(Some(&end), None, MDB_SET_RANGE) {
                        Ok(_) => cursor.get(None, None, MDB_PREV),
                        Err(lmdb::Error::NotFound) => cursor.get(None, None, MDB_LAST),
                        Err(e) => Err(e),
                    },
                    None => cursor.get(None, None, MDB_LAST),
                };
                (item, MDB_PREV)
            }
        };
        loop {
            let (raw_key, value) = match item {
                Ok((Some(k), v)) => (k, v),
                Ok((None, _)) | Err(lmdb::Error::NotFound) => break,
                Err(e) => return Err(self.lmdb_err(e)),
            };
            let Some(rest) = raw_key.strip_prefix(prefix) else {
                break;
            };
            if !visit(rest, value)? {
                break;
            }
            item = cursor.get(None, None, step);
        }
        Ok(())
    }

    /// The fields of entry `id` of stream `key_id`, if it exists.
    pub(crate) fn stream_entry(&self, key_id: u64, id: StreamId) -> Result<Option<Fields>> {
        let key = id_key(key_id, ElementKind::StreamEntry, id);
        self.element_at(&key, &id.seq.to_be_bytes())?
            .map(decode_fields)
            .transpose()
    }

    /// True if entry `id` of stream `key_id` exists.
    pub(crate) fn stream_entry_exists(&self, key_id: u64, id: StreamId) -> Result<bool> {
        let key = id_key(key_id, ElementKind::StreamEntry, id);
        Ok(self.element_at(&key, &id.seq.to_be_bytes())?.is_some())
    }

    /// Up to `count` (0: no limit) entries of stream `key_id` from `start` to `end` inclusive,
    /// ascending, or descending from `end` when `rev`.
    pub(crate) fn stream_range(
        &self,
        key_id: u64,
        start: StreamId,
        end: StreamId,
        count: u64,
        rev: bool,
    ) -> Result<Vec<StreamEntry>> {
        let mut out = Vec::new();
        if start > end {
            return Ok(out);
        }
        let prefix = element::kind_prefix(key_id, ElementKind::StreamEntry);
        let mut visit = |rest: &[u8], value: &[u8]| -> Result<bool> {
            let id = StreamId::from_bytes(rest).ok_or(Error::Corrupt("stream entry key"))?;
            if (!rev && id > end) || (rev && id < start) {
                return Ok(false);
            }
            out.push(StreamEntry {
                id,
                fields: decode_fields(value)?,
            });
            Ok(count == 0 || (out.len() as u64) < count)
        };
        if rev {
            let before = end
                .next()
                .map(|next| id_key(key_id, ElementKind::StreamEntry, next));
            self.scan_elements(
                &prefix,
                Scan::Before(before.as_ref().map(ElementKey::as_bytes)),
                &mut visit,
            )?;
        } else {
            let from = id_key(key_id, ElementKind::StreamEntry, start);
            self.scan_elements(&prefix, Scan::From(from.as_bytes()), &mut visit)?;
        }
        Ok(out)
    }

    /// The ID of the first (or, with `last`, the last) entry of stream `key_id`.
    pub(crate) fn stream_edge(&self, key_id: u64, last: bool) -> Result<Option<StreamId>> {
        let prefix = element::kind_prefix(key_id, ElementKind::StreamEntry);
        let start = if last {
            Scan::Before(None)
        } else {
            Scan::From(&prefix)
        };
        let mut found = None;
        self.scan_elements(&prefix, start, |rest, _| {
            found = StreamId::from_bytes(rest);
            Ok(false)
        })?;
        Ok(found)
    }
}

/// The least key greater than every key starting with `prefix`, `None` if there is none.
fn successor(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut out = prefix.to_vec();
    while let Some(last) = out.pop() {
        if last != u8::MAX {
            out.push(last + 1);
            return Some(out);
        }
    }
    None
}

impl WriteTxn<'_> {
    /// The stream at `key` for modification, if any.
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub(crate) fn open_stream(&mut self, key: &[u8]) -> Result<Option<Stream>> {
        let Some(collection) = self.open_collection(key, KeyType::Stream)? else {
            return Ok(None);
        };
        let state = StreamState::decode(&collection.state)?;
        Ok(Some(Stream { collection, state }))
    }

    /// A new empty stream at `key` (stored by [`save_stream`](Self::save_stream)); the caller
    /// has checked there is no key there.
    pub(crate) fn new_stream(&mut self, key: &[u8]) -> Result<Stream> {
        let state = StreamState::default();
        let collection = self.open_or_create(key, KeyType::Stream, &state.encode())?;
        Ok(Stream { collection, state })
    }

    /// Writes a stream's header back. An empty stream stays, as in Redis.
    pub(crate) fn save_stream(&mut self, key: &[u8], stream: &mut Stream) -> Result<()> {
        let db = stream.collection.encoded.db();
        self.write_stream_header(key, stream)?;
        self.touch(db, key);
        Ok(())
    }

    /// [`save_stream`](Self::save_stream) for the consumer group commands (XGROUP, XREADGROUP,
    /// XCLAIM, XAUTOCLAIM) and XSETID, which Redis 7.0 does not signal as a modification of
    /// the key: a WATCH of it does not see them (unless the command created the stream:
    /// MKSTREAM). Blocked readers are still woken (an XREADGROUP of a destroyed group fails).
    pub(crate) fn save_stream_quietly(&mut self, key: &[u8], stream: &mut Stream) -> Result<()> {
        let db = stream.collection.encoded.db();
        let created = stream.collection.is_new;
        self.write_stream_header(key, stream)?;
        if created {
            self.touch(db, key);
        } else {
            self.wake(db, key);
        }
        Ok(())
    }

    fn write_stream_header(&mut self, key: &[u8], stream: &mut Stream) -> Result<()> {
        let collection = &mut stream.collection;
        let state = stream.state.encode();
        let mut body = Vec::with_capacity(16 + state.len());
        body.extend_from_slice(&collection.key_id.to_be_bytes());
        body.extend_from_slice(&collection.count.to_be_bytes());
        body.extend_from_slice(&state);
        let header = self.header(key, KeyType::Stream, 0, collection.expire_at_ms);
        self.put_record(&collection.encoded, &header, &body)?;
        collection.is_new = false;
        Ok(())
    }
}

/// A key or group name as Redis prints it in an error message (up to a first NUL byte).
pub(crate) fn printable(name: &[u8]) -> String {
    let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    String::from_utf8_lossy(&name[..end]).into_owned()
}
