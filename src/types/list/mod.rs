//! Lists: LPUSH, RPUSH, LPOP, RPOP and the rest of Redis 7.0's list commands, with the blocking
//! forms (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP) as [`Store`](crate::Store) methods.
//!
//! Layout: a list's items live in the `elements` database under their sequence number
//! (`ElementKind::ListItem`, order = `seq:u64` big-endian, empty element, the item as payload).
//! The list's type state is `head:u64 + tail:u64`: its items occupy exactly the sequence numbers
//! `[head, tail)`, with no gaps, so item `i` (from the left) is at `head + i`. Both start at 2^63,
//! so pushes at either end never wrap.
//!
//! Consequences: LPUSH, RPUSH, LPOP, RPOP, LINDEX and LSET are one B-tree lookup each
//! (O(log n)); LRANGE is a seek and a walk of the range; LLEN is the header's count. The commands
//! that insert or remove in the middle (LINSERT, LREM) keep the sequence gap-free by renumbering
//! the shorter side, O(n) like Redis. LTRIM deletes what it trims; when it empties the list the
//! whole key is dropped in O(1) and its items are freed by the background reclaimer.
//!
//! Each command's arguments arrive typed; the `parse` helpers in [`args`] turn wire arguments into
//! them with Redis's exact errors.

pub(crate) mod args;
mod blocking;
mod edit;
mod moves;
mod read;
#[cfg(test)]
mod tests;
mod write;

use bytes::Bytes;

pub use args::{parse_pop_count, parse_timeout, InsertPosition, ListEnd, LmpopArgs, LposOptions};

use crate::error::{Error, Result};
use crate::storage::element::{ElementKey, ElementKind};
use crate::txn::{ReadTxn, WriteTxn};
use crate::types::collection::{Collection, CollectionView};
use crate::types::KeyType;

/// The sequence number the first item of a new list gets, at both ends: the middle of the u64
/// range, so 2^63 pushes fit on either side.
const START_SEQ: u64 = 1 << 63;

/// What Redis 7.0's OBJECT ENCODING reports for a list: always "quicklist" (Redis 7.0 has no
/// listpack-encoded lists; 7.2 added them).
pub(crate) fn encoding(_view: &CollectionView<'_>) -> &'static str {
    "quicklist"
}

/// The `elements` key of the item at sequence number `seq` of list `key_id`.
pub(crate) fn item_key(key_id: u64, seq: u64) -> ElementKey {
    ElementKey::with_order(key_id, ElementKind::ListItem, seq.to_be_bytes(), b"")
}

fn encode_state(head: u64, tail: u64) -> [u8; 16] {
    let mut state = [0u8; 16];
    state[..8].copy_from_slice(&head.to_be_bytes());
    state[8..].copy_from_slice(&tail.to_be_bytes());
    state
}

/// Decodes `head` and `tail`, checking them against the header's item count.
fn decode_state(state: &[u8], count: u64) -> Result<(u64, u64)> {
    let corrupt = Error::Corrupt("list state");
    let head = state
        .get(..8)
        .and_then(|b| b.try_into().ok())
        .map(u64::from_be_bytes);
    let tail = state
        .get(8..16)
        .and_then(|b| b.try_into().ok())
        .map(u64::from_be_bytes);
    match (head, tail) {
        (Some(head), Some(tail)) if tail.checked_sub(head) == Some(count) => Ok((head, tail)),
        _ => Err(corrupt),
    }
}

/// The offset of Redis index `index` (negative counts from the end) in a list of `len` items,
/// `None` when it is outside the list.
pub(crate) fn offset_of(len: u64, index: i64) -> Option<u64> {
    let index = i128::from(index);
    let index = if index < 0 {
        index + i128::from(len)
    } else {
        index
    };
    u64::try_from(index).ok().filter(|&offset| offset < len)
}

/// The inclusive offset range LRANGE and LTRIM select from `start` and `stop` (negative counting
/// from the end, clamped to the list), `None` when it is empty.
pub(crate) fn range_of(len: u64, start: i64, stop: i64) -> Option<(u64, u64)> {
    let len_i = i128::from(len);
    let normalize = |i: i64| {
        let i = i128::from(i);
        if i < 0 {
            i + len_i
        } else {
            i
        }
    };
    let start = normalize(start).max(0);
    let stop = normalize(stop);
    if start > stop || start >= len_i {
        return None;
    }
    let stop = stop.min(len_i - 1);
    Some((u64::try_from(start).ok()?, u64::try_from(stop).ok()?))
}

/// A list's position in the `elements` database, borrowed from a snapshot.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ListView {
    pub(crate) key_id: u64,
    pub(crate) head: u64,
    pub(crate) tail: u64,
}

impl ListView {
    pub(crate) fn len(&self) -> u64 {
        self.tail - self.head
    }
}

/// A list opened for writing: its header, and the sequence range its items occupy.
pub(crate) struct List {
    collection: Collection,
    head: u64,
    tail: u64,
}

impl List {
    pub(crate) fn len(&self) -> u64 {
        self.tail - self.head
    }

    pub(crate) fn key_id(&self) -> u64 {
        self.collection.key_id
    }

    /// The sequence number of the item at `offset` from the left.
    fn seq(&self, offset: u64) -> u64 {
        self.head + offset
    }
}

impl ReadTxn<'_> {
    /// The list at `key`, if any.
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub(crate) fn list_view(&self, key: &[u8]) -> Result<Option<ListView>> {
        let Some(view) = self.collection(key, KeyType::List)? else {
            return Ok(None);
        };
        let (head, tail) = decode_state(view.state, view.count)?;
        Ok(Some(ListView {
            key_id: view.key_id,
            head,
            tail,
        }))
    }

    /// The item at sequence number `seq` of list `key_id`, borrowed from the snapshot.
    pub(crate) fn item_at(&self, key_id: u64, seq: u64) -> Result<&[u8]> {
        self.element_at(&item_key(key_id, seq), b"")?
            .ok_or(Error::Corrupt("list item missing"))
    }
}

impl WriteTxn<'_> {
    /// The list at `key` for modification, if any.
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub(crate) fn open_list(&mut self, key: &[u8]) -> Result<Option<List>> {
        let Some(collection) = self.open_collection(key, KeyType::List)? else {
            return Ok(None);
        };
        let (head, tail) = decode_state(&collection.state, collection.count)?;
        Ok(Some(List {
            collection,
            head,
            tail,
        }))
    }

    /// The list at `key`, or a new empty one (stored only once it has items).
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub(crate) fn open_or_create_list(&mut self, key: &[u8]) -> Result<List> {
        if let Some(list) = self.open_list(key)? {
            return Ok(list);
        }
        let state = encode_state(START_SEQ, START_SEQ);
        let collection = self.open_or_create(key, KeyType::List, &state)?;
        Ok(List {
            collection,
            head: START_SEQ,
            tail: START_SEQ,
        })
    }

    /// Writes a list's header back; an emptied list's key is deleted.
    pub(crate) fn save_list(&mut self, key: &[u8], list: &mut List) -> Result<()> {
        list.collection.count = list.len();
        list.collection.state = encode_state(list.head, list.tail).to_vec();
        self.save_collection(key, &list.collection)
    }

    /// Adds `item` at `end` of `list` (header not yet saved).
    pub(crate) fn push_item(&mut self, list: &mut List, end: ListEnd, item: &[u8]) -> Result<()> {
        let seq = match end {
            ListEnd::Left => {
                list.head = list
                    .head
                    .checked_sub(1)
                    .ok_or(Error::Corrupt("list sequence exhausted"))?;
                list.head
            }
            ListEnd::Right => {
                let seq = list.tail;
                list.tail = seq
                    .checked_add(1)
                    .ok_or(Error::Corrupt("list sequence exhausted"))?;
                seq
            }
        };
        self.put_element(&item_key(list.key_id(), seq), b"", item)
    }

    /// Removes and returns the item at `end` of `list`, `None` if it is empty (header not yet
    /// saved).
    pub(crate) fn pop_item(&mut self, list: &mut List, end: ListEnd) -> Result<Option<Bytes>> {
        if list.len() == 0 {
            return Ok(None);
        }
        let seq = match end {
            ListEnd::Left => list.head,
            ListEnd::Right => list.tail - 1,
        };
        let item = self
            .take_element(&item_key(list.key_id(), seq), b"")?
            .ok_or(Error::Corrupt("list item missing"))?;
        match end {
            ListEnd::Left => list.head += 1,
            ListEnd::Right => list.tail -= 1,
        }
        Ok(Some(item))
    }

    /// Copies the item at sequence `from` to sequence `to` of list `key_id` (the old entry
    /// stays; callers delete or overwrite it).
    pub(crate) fn copy_item(&mut self, key_id: u64, from: u64, to: u64) -> Result<()> {
        let item = self.item_at(key_id, from)?.to_vec();
        self.put_element(&item_key(key_id, to), b"", &item)
    }
}
