//! Pushes and pops at the ends, LSET and LTRIM.

use bytes::Bytes;

use super::{item_key, offset_of, range_of, ListEnd};
use crate::error::{Error, Result};
use crate::store::store_ops;
use crate::txn::WriteTxn;

impl WriteTxn<'_> {
    /// LPUSH: adds `items` at the head, one after the other (so the last ends up first),
    /// creating the list if needed; the list's new length. O(log n) per item.
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// assert_eq!(store.lpush("letters", &["a", "b"])?, 2);
    /// assert_eq!(store.lpush("letters", &["c"])?, 3);
    /// assert_eq!(store.lrange("letters", 0, -1)?, vec!["c", "b", "a"]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn lpush(&mut self, key: impl AsRef<[u8]>, items: &[impl AsRef<[u8]>]) -> Result<u64> {
        self.push_items(key.as_ref(), items, ListEnd::Left, false)
    }

    /// RPUSH: adds `items` at the tail, in order, creating the list if needed; the list's new
    /// length. O(log n) per item.
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn rpush(&mut self, key: impl AsRef<[u8]>, items: &[impl AsRef<[u8]>]) -> Result<u64> {
        self.push_items(key.as_ref(), items, ListEnd::Right, false)
    }

    /// LPUSHX: [`lpush`](Self::lpush) only if the list exists; 0 (and nothing written) if not.
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn lpushx(&mut self, key: impl AsRef<[u8]>, items: &[impl AsRef<[u8]>]) -> Result<u64> {
        self.push_items(key.as_ref(), items, ListEnd::Left, true)
    }

    /// RPUSHX: [`rpush`](Self::rpush) only if the list exists; 0 (and nothing written) if not.
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn rpushx(&mut self, key: impl AsRef<[u8]>, items: &[impl AsRef<[u8]>]) -> Result<u64> {
        self.push_items(key.as_ref(), items, ListEnd::Right, true)
    }

    /// LPOP without COUNT: removes and returns the head item, `None` if there is no list. The
    /// list's key is deleted with its last item. O(log n).
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn lpop(&mut self, key: impl AsRef<[u8]>) -> Result<Option<Bytes>> {
        self.pop_one(key.as_ref(), ListEnd::Left)
    }

    /// RPOP without COUNT: removes and returns the tail item, `None` if there is no list.
    /// O(log n).
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn rpop(&mut self, key: impl AsRef<[u8]>) -> Result<Option<Bytes>> {
        self.pop_one(key.as_ref(), ListEnd::Right)
    }

    /// LPOP with COUNT: removes and returns up to `count` items from the head, in pop order.
    /// `None` if there is no list (Redis's null array); `Some` of an empty vector for a count of
    /// 0 on an existing list. A negative COUNT on the wire is rejected by
    /// [`parse_pop_count`](crate::parse_pop_count). O(count · log n).
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn lpop_count(&mut self, key: impl AsRef<[u8]>, count: u64) -> Result<Option<Vec<Bytes>>> {
        self.pop_many(key.as_ref(), ListEnd::Left, count)
    }

    /// RPOP with COUNT: as [`lpop_count`](Self::lpop_count), from the tail.
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn rpop_count(&mut self, key: impl AsRef<[u8]>, count: u64) -> Result<Option<Vec<Bytes>>> {
        self.pop_many(key.as_ref(), ListEnd::Right, count)
    }

    /// LSET: replaces the item at `index` (negative counts from the tail). O(log n).
    ///
    /// Redis looks the key up before it parses the index: on the wire, a missing key answers
    /// "no such key" and a key of another type WRONGTYPE even when the index is not an integer.
    ///
    /// # Errors
    /// [`Error::NoSuchKey`] if there is no list; [`Error::IndexOutOfRange`];
    /// [`Error::WrongType`] if the key holds another type.
    pub fn lset(
        &mut self,
        key: impl AsRef<[u8]>,
        index: i64,
        item: impl AsRef<[u8]>,
    ) -> Result<()> {
        let key = key.as_ref();
        let Some(mut list) = self.open_list(key)? else {
            return Err(Error::NoSuchKey);
        };
        let offset = offset_of(list.len(), index).ok_or(Error::IndexOutOfRange)?;
        let seq = list.seq(offset);
        self.put_element(&item_key(list.key_id(), seq), b"", item.as_ref())?;
        self.save_list(key, &mut list)
    }

    /// LTRIM: keeps only the items from `start` to `stop` (inclusive, negative counting from
    /// the tail, clamped as in LRANGE); an empty range deletes the list. A missing key is fine.
    /// O(items removed · log n); O(1) when the whole list goes (its items are freed in the
    /// background).
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn ltrim(&mut self, key: impl AsRef<[u8]>, start: i64, stop: i64) -> Result<()> {
        let key = key.as_ref();
        let Some(mut list) = self.open_list(key)? else {
            return Ok(());
        };
        let Some((first, last)) = range_of(list.len(), start, stop) else {
            self.delete_key(key)?;
            return Ok(());
        };
        let key_id = list.key_id();
        let (keep_from, keep_to) = (list.seq(first), list.seq(last) + 1);
        for seq in (list.head..keep_from).chain(keep_to..list.tail) {
            self.del_element(&item_key(key_id, seq))?;
        }
        list.head = keep_from;
        list.tail = keep_to;
        self.save_list(key, &mut list)
    }

    fn push_items(
        &mut self,
        key: &[u8],
        items: &[impl AsRef<[u8]>],
        end: ListEnd,
        only_existing: bool,
    ) -> Result<u64> {
        let list = if only_existing || items.is_empty() {
            self.open_list(key)?
        } else {
            Some(self.open_or_create_list(key)?)
        };
        let Some(mut list) = list else {
            return Ok(0);
        };
        if items.is_empty() {
            return Ok(list.len());
        }
        for item in items {
            self.push_item(&mut list, end, item.as_ref())?;
        }
        self.save_list(key, &mut list)?;
        Ok(list.len())
    }

    fn pop_one(&mut self, key: &[u8], end: ListEnd) -> Result<Option<Bytes>> {
        let Some(mut list) = self.open_list(key)? else {
            return Ok(None);
        };
        let item = self.pop_item(&mut list, end)?;
        self.save_list(key, &mut list)?;
        Ok(item)
    }

    /// Pops up to `count` items from `end` of the list at `key`; `None` if there is none.
    pub(crate) fn pop_many(
        &mut self,
        key: &[u8],
        end: ListEnd,
        count: u64,
    ) -> Result<Option<Vec<Bytes>>> {
        let Some(mut list) = self.open_list(key)? else {
            return Ok(None);
        };
        if count == 0 {
            return Ok(Some(Vec::new()));
        }
        let wanted = count.min(list.len());
        let mut items = Vec::with_capacity(usize::try_from(wanted.min(1024)).unwrap_or(0));
        for _ in 0..wanted {
            match self.pop_item(&mut list, end)? {
                Some(item) => items.push(item),
                None => break,
            }
        }
        self.save_list(key, &mut list)?;
        Ok(Some(items))
    }
}

store_ops! {
    /// LPUSH; see [`WriteTxn::lpush`].
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// store.lpush("jobs", &["first", "second"])?;
    /// assert_eq!(store.lrange("jobs", 0, -1)?, vec!["second", "first"]);
    /// assert_eq!(store.rpop("jobs")?.as_deref(), Some(&b"first"[..]));
    /// # Ok(()) }
    /// ```
    write fn lpush(key: impl AsRef<[u8]>, items: &[impl AsRef<[u8]>]) -> u64;
    /// RPUSH; see [`WriteTxn::rpush`].
    write fn rpush(key: impl AsRef<[u8]>, items: &[impl AsRef<[u8]>]) -> u64;
    /// LPUSHX; see [`WriteTxn::lpushx`].
    write fn lpushx(key: impl AsRef<[u8]>, items: &[impl AsRef<[u8]>]) -> u64;
    /// RPUSHX; see [`WriteTxn::rpushx`].
    write fn rpushx(key: impl AsRef<[u8]>, items: &[impl AsRef<[u8]>]) -> u64;
    /// LPOP; see [`WriteTxn::lpop`].
    write fn lpop(key: impl AsRef<[u8]>) -> Option<Bytes>;
    /// RPOP; see [`WriteTxn::rpop`].
    write fn rpop(key: impl AsRef<[u8]>) -> Option<Bytes>;
    /// LPOP with COUNT; see [`WriteTxn::lpop_count`].
    write fn lpop_count(key: impl AsRef<[u8]>, count: u64) -> Option<Vec<Bytes>>;
    /// RPOP with COUNT; see [`WriteTxn::rpop_count`].
    write fn rpop_count(key: impl AsRef<[u8]>, count: u64) -> Option<Vec<Bytes>>;
    /// LSET; see [`WriteTxn::lset`].
    write fn lset(key: impl AsRef<[u8]>, index: i64, item: impl AsRef<[u8]>) -> ();
    /// LTRIM; see [`WriteTxn::ltrim`].
    write fn ltrim(key: impl AsRef<[u8]>, start: i64, stop: i64) -> ();
}
