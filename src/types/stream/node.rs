//! Emulated listpack nodes: Redis keeps stream entries in listpacks of a radix tree, and its
//! approximate trimming and XINFO's radix-tree figures depend on where one node ends and the
//! next begins. keyp keeps one record per node with what decides that: its live and deleted
//! entry counts, the last ID appended, the listpack's size in bytes as Redis would encode it,
//! and its master entry's field names.
//!
//! Redis 7.0 starts a new node for an entry when the tail node holds 100 entries, live or
//! deleted (`stream-node-max-entries`), or when the tail listpack's size plus the entry's field
//! and value bytes reaches 4096 (`stream-node-max-bytes`). The listpack size is computed with
//! listpack's encoding rules (integers in 1 to 9 bytes, strings with a 1, 2 or 5 byte header,
//! a back-length of 1 to 5 bytes per element; the master entry; field names left out of
//! entries whose fields are the master's). Deleting entries only flags them in Redis, so the
//! size never shrinks.

use super::{encode_fields, read_u64, StreamId, NODE_MAX_ENTRIES};
use crate::error::{Error, Result};
use crate::types::string::parse_i64;

/// Redis 7.0's `stream-node-max-bytes`.
const NODE_MAX_BYTES: u64 = 4096;
/// An empty listpack: its 6-byte header and end byte.
const EMPTY_LISTPACK: u64 = 7;
/// The entry flag telling its fields are the master entry's.
const SAME_FIELDS: i64 = 2;

/// An emulated listpack node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Node {
    /// The ID of its first entry (Redis's radix tree key).
    pub(crate) master: StreamId,
    pub(crate) live: u64,
    pub(crate) deleted: u64,
    /// The last ID appended (live or deleted).
    pub(crate) last: StreamId,
    /// The listpack's size as Redis encodes it.
    pub(crate) bytes: u64,
    /// The master entry's field names, encoded as [`encode_fields`] pairs with empty values.
    master_fields: Vec<u8>,
}

impl Node {
    pub(crate) fn decode(master: StreamId, raw: &[u8]) -> Result<Node> {
        Ok(Node {
            master,
            live: read_u64(raw, 0)?,
            deleted: read_u64(raw, 8)?,
            last: StreamId::from_bytes(raw.get(16..32).unwrap_or_default())
                .ok_or(Error::Corrupt("stream node"))?,
            bytes: read_u64(raw, 32)?,
            master_fields: raw.get(40..).unwrap_or_default().to_vec(),
        })
    }

    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(40 + self.master_fields.len());
        out.extend_from_slice(&self.live.to_be_bytes());
        out.extend_from_slice(&self.deleted.to_be_bytes());
        out.extend_from_slice(&self.last.to_bytes());
        out.extend_from_slice(&self.bytes.to_be_bytes());
        out.extend_from_slice(&self.master_fields);
        out
    }

    /// A new node whose first entry is `id` with `fields`.
    pub(crate) fn start(id: StreamId, fields: &[(&[u8], &[u8])]) -> Node {
        let names: Vec<(&[u8], &[u8])> = fields.iter().map(|(f, _)| (*f, &b""[..])).collect();
        let mut bytes = EMPTY_LISTPACK
            + int_element(1)
            + int_element(0)
            + int_element(fields.len() as i64)
            + fields.iter().map(|(f, _)| str_element(f)).sum::<u64>()
            + int_element(0);
        bytes += entry_bytes(0, 0, fields, true);
        Node {
            master: id,
            live: 1,
            deleted: 0,
            last: id,
            bytes,
            master_fields: encode_fields(&names),
        }
    }

    /// Whether Redis would append an entry with `fields` to this (tail) node.
    pub(crate) fn has_room(&self, fields: &[(&[u8], &[u8])]) -> bool {
        let payload: u64 = fields.iter().map(|(f, v)| (f.len() + v.len()) as u64).sum();
        self.bytes + payload < NODE_MAX_BYTES && self.live + self.deleted < NODE_MAX_ENTRIES
    }

    /// Appends entry `id` with `fields`.
    pub(crate) fn append(&mut self, id: StreamId, fields: &[(&[u8], &[u8])]) {
        let same = self.same_fields(fields);
        let ms_diff = id.ms.wrapping_sub(self.master.ms) as i64;
        let seq_diff = id.seq.wrapping_sub(self.master.seq) as i64;
        self.bytes += entry_bytes(ms_diff, seq_diff, fields, same);
        self.live += 1;
        self.last = id;
    }

    /// True when `fields` has exactly the master entry's field names, in order (read in place
    /// from the encoded names).
    fn same_fields(&self, fields: &[(&[u8], &[u8])]) -> bool {
        let raw = &self.master_fields;
        let word = |at: usize| -> Option<usize> {
            Some(u32::from_be_bytes(raw.get(at..at + 4)?.try_into().ok()?) as usize)
        };
        if word(0) != Some(fields.len()) {
            return false;
        }
        let mut at = 4;
        for (field, _) in fields {
            let Some(len) = word(at) else { return false };
            if raw.get(at + 4..at + 4 + len) != Some(*field) {
                return false;
            }
            // Skip the name and its empty value's length.
            at += 4 + len + 4;
        }
        true
    }
}

/// The bytes an entry takes in a listpack: flags, the ID's two deltas, the field count and
/// names unless they are the master's, the values, and the element count at its end.
fn entry_bytes(ms_diff: i64, seq_diff: i64, fields: &[(&[u8], &[u8])], same: bool) -> u64 {
    let n = fields.len() as i64;
    let mut bytes = int_element(if same { SAME_FIELDS } else { 0 })
        + int_element(ms_diff)
        + int_element(seq_diff);
    if !same {
        bytes += int_element(n) + fields.iter().map(|(f, _)| str_element(f)).sum::<u64>();
    }
    bytes += fields.iter().map(|(_, v)| str_element(v)).sum::<u64>();
    let count = n + 3 + if same { 0 } else { n + 1 };
    bytes + int_element(count)
}

/// The size of a listpack element holding integer `v`, back-length included.
fn int_element(v: i64) -> u64 {
    let encoded = match v {
        0..=127 => 1,
        -4096..=4095 => 2,
        -32_768..=32_767 => 3,
        -8_388_608..=8_388_607 => 4,
        -2_147_483_648..=2_147_483_647 => 5,
        _ => 9,
    };
    encoded + backlen(encoded)
}

/// The size of a listpack element holding string `s` (as an integer when it is one).
fn str_element(s: &[u8]) -> u64 {
    if let Some(v) = parse_i64(s) {
        return int_element(v);
    }
    let len = s.len() as u64;
    let encoded = match len {
        0..=63 => 1 + len,
        64..=4095 => 2 + len,
        _ => 5 + len,
    };
    encoded + backlen(encoded)
}

/// The size of a listpack element's back-length for an element of `len` bytes.
fn backlen(len: u64) -> u64 {
    match len {
        0..=127 => 1,
        128..=16_382 => 2,
        16_383..=2_097_150 => 3,
        2_097_151..=268_435_454 => 4,
        _ => 5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_sizes() {
        assert_eq!(int_element(0), 2);
        assert_eq!(int_element(127), 2);
        assert_eq!(int_element(128), 3);
        assert_eq!(int_element(-1), 3);
        assert_eq!(int_element(40_000), 5);
        assert_eq!(int_element(i64::MAX), 10);
        assert_eq!(str_element(b"f"), 3);
        assert_eq!(str_element(b"12"), 2);
        assert_eq!(str_element(&[b'x'; 100]), 103);
        assert_eq!(str_element(&[b'x'; 200]), 204);
        let one: &[(&[u8], &[u8])] = &[(b"f", b"v")];
        let node = Node::start(StreamId::new(1, 0), one);
        // Header 7, master 2+2+2+3+2, entry 2+2+2+3+2.
        assert_eq!(node.bytes, 29);
    }
}
