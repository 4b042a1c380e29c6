//! The commands that change the middle of a list: LREM and LINSERT.
//!
//! Items must stay on consecutive sequence numbers, so removing or inserting in the middle
//! renumbers the items on one side of the change: always the side with fewer items to move, so
//! a change near either end is cheap. Like Redis, these commands are O(n).

use super::{item_key, InsertPosition, List};
use crate::error::{Error, Result};
use crate::storage::element::ElementKind;
use crate::store::store_ops;
use crate::txn::WriteTxn;
use crate::types::collection::Walk;

impl WriteTxn<'_> {
    /// LREM: removes items equal to `element`: the first `count` from the head for a positive
    /// count, the first `-count` from the tail for a negative one, all of them for 0; the number
    /// removed. The list's key is deleted with its last item. O(n).
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn lrem(
        &mut self,
        key: impl AsRef<[u8]>,
        count: i64,
        element: impl AsRef<[u8]>,
    ) -> Result<u64> {
        let (key, element) = (key.as_ref(), element.as_ref());
        let Some(mut list) = self.open_list(key)? else {
            return Ok(0);
        };
        let limit = count.unsigned_abs();
        let direction = if count < 0 {
            Walk::Backward(Some(list.tail.to_be_bytes()))
        } else {
            Walk::Forward(list.head.to_be_bytes())
        };
        let mut removed = Vec::new();
        self.walk(list.key_id(), ElementKind::ListItem, direction, |entry| {
            if entry.payload == element {
                removed.push(u64::from_be_bytes(entry.order));
            }
            Ok(limit == 0 || (removed.len() as u64) < limit)
        })?;
        let removed_count = removed.len() as u64;
        if removed_count == 0 {
            return Ok(0);
        }
        if removed_count == list.len() {
            // Everything goes: drop the key, its items are freed in the background.
            self.delete_key(key)?;
            return Ok(removed_count);
        }
        removed.sort_unstable();
        self.remove_seqs(&mut list, &removed)?;
        self.save_list(key, &mut list)?;
        Ok(removed_count)
    }

    /// LINSERT: inserts `item` just before or after the first item (from the head) equal to
    /// `pivot`; the list's new length, -1 if there is no such item, 0 if there is no list. O(n).
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn linsert(
        &mut self,
        key: impl AsRef<[u8]>,
        position: InsertPosition,
        pivot: impl AsRef<[u8]>,
        item: impl AsRef<[u8]>,
    ) -> Result<i64> {
        let (key, pivot) = (key.as_ref(), pivot.as_ref());
        let Some(mut list) = self.open_list(key)? else {
            return Ok(0);
        };
        let mut found = None;
        let from = Walk::Forward(list.head.to_be_bytes());
        self.walk(list.key_id(), ElementKind::ListItem, from, |entry| {
            if entry.payload == pivot {
                found = Some(u64::from_be_bytes(entry.order));
                return Ok(false);
            }
            Ok(true)
        })?;
        let Some(pivot_seq) = found else {
            return Ok(-1);
        };
        let at = match position {
            InsertPosition::Before => pivot_seq,
            InsertPosition::After => pivot_seq + 1,
        };
        self.insert_at(&mut list, at, item.as_ref())?;
        self.save_list(key, &mut list)?;
        Ok(i64::try_from(list.len()).unwrap_or(i64::MAX))
    }

    /// Puts `item` so that it lands between the items at sequences `at - 1` and `at`, moving the
    /// shorter side outward by one.
    fn insert_at(&mut self, list: &mut List, at: u64, item: &[u8]) -> Result<()> {
        let key_id = list.key_id();
        let before = at - list.head;
        let after = list.tail - at;
        let slot = if before <= after {
            let new_head = list
                .head
                .checked_sub(1)
                .ok_or(Error::Corrupt("list sequence exhausted"))?;
            for seq in list.head..at {
                self.copy_item(key_id, seq, seq - 1)?;
            }
            list.head = new_head;
            at - 1
        } else {
            let new_tail = list
                .tail
                .checked_add(1)
                .ok_or(Error::Corrupt("list sequence exhausted"))?;
            for seq in (at..list.tail).rev() {
                self.copy_item(key_id, seq, seq + 1)?;
            }
            list.tail = new_tail;
            at
        };
        self.put_element(&item_key(key_id, slot), b"", item)
    }

    /// Deletes the items at the sorted sequences `removed` and closes the gaps, moving the
    /// survivors after the first removed item left or those before the last one right,
    /// whichever are fewer.
    fn remove_seqs(&mut self, list: &mut List, removed: &[u64]) -> Result<()> {
        let (Some(&first), Some(&last)) = (removed.first(), removed.last()) else {
            return Ok(());
        };
        let key_id = list.key_id();
        let gone = removed.len() as u64;
        let survivors_after = list.tail - first - gone;
        let survivors_before = last + 1 - list.head - gone;
        if survivors_after <= survivors_before {
            let mut removed = removed.iter().copied().peekable();
            let mut next = first;
            for seq in first..list.tail {
                if removed.next_if_eq(&seq).is_some() {
                    continue;
                }
                if seq != next {
                    self.copy_item(key_id, seq, next)?;
                }
                next += 1;
            }
            for seq in next..list.tail {
                self.del_element(&item_key(key_id, seq))?;
            }
            list.tail = next;
        } else {
            let mut removed = removed.iter().rev().copied().peekable();
            // One past the slot the next survivor (walking down) takes.
            let mut next = last + 1;
            for seq in (list.head..=last).rev() {
                if removed.next_if_eq(&seq).is_some() {
                    continue;
                }
                next -= 1;
                if seq != next {
                    self.copy_item(key_id, seq, next)?;
                }
            }
            for seq in list.head..next {
                self.del_element(&item_key(key_id, seq))?;
            }
            list.head = next;
        }
        Ok(())
    }
}

store_ops! {
    /// LREM; see [`WriteTxn::lrem`].
    write fn lrem(key: impl AsRef<[u8]>, count: i64, element: impl AsRef<[u8]>) -> u64;
    /// LINSERT; see [`WriteTxn::linsert`].
    write fn linsert(key: impl AsRef<[u8]>, position: InsertPosition, pivot: impl AsRef<[u8]>, item: impl AsRef<[u8]>) -> i64;
}
