//! XINFO STREAM (basic and FULL), XINFO GROUPS and XINFO CONSUMERS, with the emulated radix
//! tree figures.

use std::collections::HashSet;

use bytes::Bytes;

use super::group::group_lag;
use super::node::Node;
use super::write::NodeSeek;
use super::{printable, StreamEntry, StreamId, StreamView, INVALID_ENTRIES_READ};
#[cfg(doc)]
use crate::error::Error;
use crate::error::{Error as E, Result};
use crate::store::store_ops;
use crate::txn::ReadTxn;

/// XINFO STREAM's reply (Redis 7.0's fields, in its order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamInfo {
    /// `length`: the number of entries.
    pub length: u64,
    /// `radix-tree-keys`: the number of (emulated) listpack nodes.
    pub radix_tree_keys: u64,
    /// `radix-tree-nodes`: the nodes of a radix tree keyed by the nodes' first IDs.
    pub radix_tree_nodes: u64,
    /// `last-generated-id`.
    pub last_generated_id: StreamId,
    /// `max-deleted-entry-id`.
    pub max_deleted_entry_id: StreamId,
    /// `entries-added`: entries ever added.
    pub entries_added: u64,
    /// `recorded-first-entry-id` (0-0 when empty).
    pub recorded_first_entry_id: StreamId,
    /// `groups`: the number of consumer groups.
    pub groups: u64,
    /// `first-entry`.
    pub first_entry: Option<StreamEntry>,
    /// `last-entry`.
    pub last_entry: Option<StreamEntry>,
}

/// XINFO STREAM FULL's reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamFullInfo {
    /// `length`.
    pub length: u64,
    /// `radix-tree-keys`.
    pub radix_tree_keys: u64,
    /// `radix-tree-nodes`.
    pub radix_tree_nodes: u64,
    /// `last-generated-id`.
    pub last_generated_id: StreamId,
    /// `max-deleted-entry-id`.
    pub max_deleted_entry_id: StreamId,
    /// `entries-added`.
    pub entries_added: u64,
    /// `recorded-first-entry-id`.
    pub recorded_first_entry_id: StreamId,
    /// `entries`: the first COUNT entries.
    pub entries: Vec<StreamEntry>,
    /// `groups`, by name.
    pub groups: Vec<FullGroup>,
}

/// A group in XINFO STREAM FULL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FullGroup {
    /// `name`.
    pub name: Bytes,
    /// `last-delivered-id`.
    pub last_delivered_id: StreamId,
    /// `entries-read` (`None`: nil, unknown).
    pub entries_read: Option<i64>,
    /// `lag` (`None`: nil, unknown).
    pub lag: Option<i64>,
    /// `pel-count`.
    pub pel_count: u64,
    /// `pending`: the first COUNT pending entries: ID, consumer, last delivery time (Unix
    /// ms), delivery count.
    pub pending: Vec<(StreamId, Bytes, u64, u64)>,
    /// `consumers`, by name.
    pub consumers: Vec<FullConsumer>,
}

/// A consumer in XINFO STREAM FULL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FullConsumer {
    /// `name`.
    pub name: Bytes,
    /// `seen-time`: Unix ms of its last read or claim attempt.
    pub seen_time: u64,
    /// `pel-count`.
    pub pel_count: u64,
    /// `pending`: its first COUNT pending entries: ID, last delivery time, delivery count.
    pub pending: Vec<(StreamId, u64, u64)>,
}

/// One group in XINFO GROUPS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupInfo {
    /// `name`.
    pub name: Bytes,
    /// `consumers`: how many consumers it has.
    pub consumers: u64,
    /// `pending`: how many entries are pending.
    pub pending: u64,
    /// `last-delivered-id`.
    pub last_delivered_id: StreamId,
    /// `entries-read` (`None`: nil).
    pub entries_read: Option<i64>,
    /// `lag` (`None`: nil).
    pub lag: Option<i64>,
}

/// One consumer in XINFO CONSUMERS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerInfo {
    /// `name`.
    pub name: Bytes,
    /// `pending`: how many entries it has pending.
    pub pending: u64,
    /// `idle`: milliseconds since it was last seen.
    pub idle: u64,
}

fn read_counter(n: i64) -> Option<i64> {
    (n != INVALID_ENTRIES_READ).then_some(n)
}

/// The number of nodes of a compact radix tree (Redis's rax) holding these keys, sorted,
/// distinct and all 16 bytes long: the root, every key, every prefix where keys branch, and
/// every child of a branching prefix.
fn radix_nodes(keys: &[[u8; 16]]) -> u64 {
    let mut nodes: HashSet<&[u8]> = HashSet::new();
    nodes.insert(&[]);
    for key in keys {
        nodes.insert(&key[..]);
    }
    for pair in keys.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let common = a.iter().zip(b).take_while(|(x, y)| x == y).count().min(15);
        nodes.insert(&a[..common]);
        nodes.insert(&a[..=common]);
        nodes.insert(&b[..=common]);
    }
    nodes.len() as u64
}

impl ReadTxn<'_> {
    fn info_view(&self, key: &[u8]) -> Result<StreamView> {
        self.stream_view(key)?.ok_or(E::NoSuchKey)
    }

    /// `radix-tree-keys` and `radix-tree-nodes` of a stream.
    fn radix_figures(&self, view: &StreamView) -> Result<(u64, u64)> {
        let nodes: Vec<Node> = self.stream_nodes(view.key_id, NodeSeek::First, usize::MAX)?;
        let keys: Vec<[u8; 16]> = nodes.iter().map(|n| n.master.to_bytes()).collect();
        Ok((keys.len() as u64, radix_nodes(&keys)))
    }

    fn edge_entry(&self, view: &StreamView, last: bool) -> Result<Option<StreamEntry>> {
        let mut entries = self.stream_range(view.key_id, StreamId::MIN, StreamId::MAX, 1, last)?;
        Ok(entries.pop())
    }

    /// XINFO STREAM: the stream's figures and first and last entries.
    ///
    /// # Errors
    /// [`Error::NoSuchKey`], [`Error::WrongType`].
    pub fn xinfo_stream(&self, key: impl AsRef<[u8]>) -> Result<StreamInfo> {
        let view = self.info_view(key.as_ref())?;
        let (radix_tree_keys, radix_tree_nodes) = self.radix_figures(&view)?;
        Ok(StreamInfo {
            length: view.length,
            radix_tree_keys,
            radix_tree_nodes,
            last_generated_id: view.state.last_id,
            max_deleted_entry_id: view.state.max_deleted,
            entries_added: view.state.entries_added,
            recorded_first_entry_id: view.state.first_id,
            groups: view.state.groups,
            first_entry: self.edge_entry(&view, false)?,
            last_entry: self.edge_entry(&view, true)?,
        })
    }

    /// XINFO STREAM FULL: everything, with at most `count` entries, pending entries per group
    /// and per consumer (0: no limit; Redis's default is 10).
    ///
    /// # Errors
    /// [`Error::NoSuchKey`], [`Error::WrongType`].
    pub fn xinfo_stream_full(&self, key: impl AsRef<[u8]>, count: u64) -> Result<StreamFullInfo> {
        let view = self.info_view(key.as_ref())?;
        let (radix_tree_keys, radix_tree_nodes) = self.radix_figures(&view)?;
        let limit = if count == 0 {
            usize::MAX
        } else {
            count as usize
        };
        let mut groups = Vec::new();
        for group in self.stream_groups(view.key_id)? {
            let mut pending = Vec::new();
            if limit > 0 {
                self.group_pel(view.key_id, group.id, Some(StreamId::MIN), |nack| {
                    pending.push((
                        nack.id,
                        nack.consumer,
                        nack.delivery_time,
                        nack.delivery_count,
                    ));
                    Ok(pending.len() < limit)
                })?;
            }
            let mut consumers = Vec::new();
            for consumer in self.stream_consumers(view.key_id, group.id)? {
                let mut ids = Vec::new();
                self.consumer_pel(view.key_id, consumer.id, StreamId::MIN, |id| {
                    ids.push(id);
                    Ok(ids.len() < limit)
                })?;
                let mut pending = Vec::with_capacity(ids.len());
                for id in ids {
                    let nack = self
                        .stream_nack(view.key_id, group.id, id)?
                        .ok_or(E::Corrupt("consumer PEL entry without group PEL entry"))?;
                    pending.push((id, nack.delivery_time, nack.delivery_count));
                }
                consumers.push(FullConsumer {
                    name: consumer.name,
                    seen_time: consumer.seen_time,
                    pel_count: consumer.pel_count,
                    pending,
                });
            }
            groups.push(FullGroup {
                lag: group_lag(&view, &group),
                name: group.name,
                last_delivered_id: group.last_id,
                entries_read: read_counter(group.entries_read),
                pel_count: group.pel_count,
                pending,
                consumers,
            });
        }
        Ok(StreamFullInfo {
            length: view.length,
            radix_tree_keys,
            radix_tree_nodes,
            last_generated_id: view.state.last_id,
            max_deleted_entry_id: view.state.max_deleted,
            entries_added: view.state.entries_added,
            recorded_first_entry_id: view.state.first_id,
            entries: self.stream_range(view.key_id, StreamId::MIN, StreamId::MAX, count, false)?,
            groups,
        })
    }

    /// XINFO GROUPS: the stream's groups, by name.
    ///
    /// # Errors
    /// [`Error::NoSuchKey`], [`Error::WrongType`].
    pub fn xinfo_groups(&self, key: impl AsRef<[u8]>) -> Result<Vec<GroupInfo>> {
        let view = self.info_view(key.as_ref())?;
        Ok(self
            .stream_groups(view.key_id)?
            .into_iter()
            .map(|group| GroupInfo {
                lag: group_lag(&view, &group),
                name: group.name,
                consumers: group.consumers,
                pending: group.pel_count,
                last_delivered_id: group.last_id,
                entries_read: read_counter(group.entries_read),
            })
            .collect())
    }

    /// XINFO CONSUMERS: the consumers of group `group`, by name.
    ///
    /// # Errors
    /// [`Error::NoSuchKey`], [`Error::WrongType`], [`Error::NoGroupForKey`].
    pub fn xinfo_consumers(
        &self,
        key: impl AsRef<[u8]>,
        group: impl AsRef<[u8]>,
    ) -> Result<Vec<ConsumerInfo>> {
        let (key, name) = (key.as_ref(), group.as_ref());
        let view = self.info_view(key)?;
        let group = self
            .stream_group(view.key_id, name)?
            .ok_or_else(|| E::NoGroupForKey(printable(name), printable(key)))?;
        let now = self.now_ms();
        Ok(self
            .stream_consumers(view.key_id, group.id)?
            .into_iter()
            .map(|c| ConsumerInfo {
                idle: now.saturating_sub(c.seen_time),
                name: c.name,
                pending: c.pel_count,
            })
            .collect())
    }
}

store_ops! {
    /// XINFO STREAM; see [`ReadTxn::xinfo_stream`].
    read fn xinfo_stream(key: impl AsRef<[u8]>) -> StreamInfo;
    /// XINFO STREAM FULL; see [`ReadTxn::xinfo_stream_full`].
    read fn xinfo_stream_full(key: impl AsRef<[u8]>, count: u64) -> StreamFullInfo;
    /// XINFO GROUPS; see [`ReadTxn::xinfo_groups`].
    read fn xinfo_groups(key: impl AsRef<[u8]>) -> Vec<GroupInfo>;
    /// XINFO CONSUMERS; see [`ReadTxn::xinfo_consumers`].
    read fn xinfo_consumers(key: impl AsRef<[u8]>, group: impl AsRef<[u8]>) -> Vec<ConsumerInfo>;
}

#[cfg(test)]
mod tests {
    use super::radix_nodes;

    fn key(ms: u64, seq: u64) -> [u8; 16] {
        super::StreamId::new(ms, seq).to_bytes()
    }

    #[test]
    fn radix_node_counts_match_redis() {
        // Figures read from redis-server 7.0.15's XINFO STREAM.
        assert_eq!(radix_nodes(&[]), 1);
        assert_eq!(radix_nodes(&[key(1007, 1)]), 2);
        assert_eq!(radix_nodes(&[key(1007, 1), key(1707, 2)]), 6);
        assert_eq!(radix_nodes(&[key(1007, 1), key(1707, 2), key(2407, 0)]), 8);
        let same_ms: Vec<_> = (0..10).map(|i| key(5, 1 + 100 * i)).collect();
        assert_eq!(radix_nodes(&same_ms), 16);
    }
}
