//! The field commands: HSET, HSETNX, HMSET, HGET, HMGET, HDEL, HLEN, HSTRLEN, HEXISTS, HKEYS,
//! HVALS, HGETALL, HINCRBY and HINCRBYFLOAT.

use bytes::Bytes;

use super::decode_field;
use crate::error::{Error, Result};
use crate::storage::element::ElementKind;
use crate::store::store_ops;
use crate::txn::{ReadTxn, WriteTxn};
use crate::types::string::{long_double_add, parse_i64, LongDoubleFailure, LONG_DOUBLE_CHARS};
use crate::types::KeyType;

impl ReadTxn<'_> {
    /// HGET: the value of `field` in the hash at `key`; `None` if either is missing (a field
    /// past its deadline is missing).
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn hget(&self, key: impl AsRef<[u8]>, field: impl AsRef<[u8]>) -> Result<Option<Bytes>> {
        let Some(hash) = self.hash(key.as_ref())? else {
            return Ok(None);
        };
        Ok(self
            .live_field(&hash, field.as_ref())?
            .map(|found| Bytes::copy_from_slice(found.value)))
    }

    /// HMGET: the values of `fields`, in order, `None` for each missing one (all `None` for a
    /// missing key).
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn hmget(
        &self,
        key: impl AsRef<[u8]>,
        fields: &[impl AsRef<[u8]>],
    ) -> Result<Vec<Option<Bytes>>> {
        let Some(hash) = self.hash(key.as_ref())? else {
            return Ok(vec![None; fields.len()]);
        };
        fields
            .iter()
            .map(|field| {
                Ok(self
                    .live_field(&hash, field.as_ref())?
                    .map(|found| Bytes::copy_from_slice(found.value)))
            })
            .collect()
    }

    /// HLEN: the number of live fields of the hash at `key` (0 if missing). O(1) plus the
    /// fields past their deadline that nothing has purged yet.
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn hlen(&self, key: impl AsRef<[u8]>) -> Result<u64> {
        match self.hash(key.as_ref())? {
            Some(hash) => self.live_len(&hash),
            None => Ok(0),
        }
    }

    /// HSTRLEN: the length of the value of `field` (0 if the key or field is missing).
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn hstrlen(&self, key: impl AsRef<[u8]>, field: impl AsRef<[u8]>) -> Result<u64> {
        let Some(hash) = self.hash(key.as_ref())? else {
            return Ok(0);
        };
        Ok(self
            .live_field(&hash, field.as_ref())?
            .map_or(0, |found| found.value.len() as u64))
    }

    /// HEXISTS: true if the hash at `key` has `field`.
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn hexists(&self, key: impl AsRef<[u8]>, field: impl AsRef<[u8]>) -> Result<bool> {
        let Some(hash) = self.hash(key.as_ref())? else {
            return Ok(false);
        };
        Ok(self.live_field(&hash, field.as_ref())?.is_some())
    }

    /// HKEYS: the fields of the hash at `key`, in storage (field hash) order; empty if missing.
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn hkeys(&self, key: impl AsRef<[u8]>) -> Result<Vec<Bytes>> {
        let mut out = Vec::new();
        self.for_each_live_field(key.as_ref(), |field, _| {
            out.push(Bytes::copy_from_slice(field));
        })?;
        Ok(out)
    }

    /// HVALS: the values of the hash at `key`, in the order [`hkeys`](Self::hkeys) gives the
    /// fields; empty if missing.
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn hvals(&self, key: impl AsRef<[u8]>) -> Result<Vec<Bytes>> {
        let mut out = Vec::new();
        self.for_each_live_field(key.as_ref(), |_, value| {
            out.push(Bytes::copy_from_slice(value));
        })?;
        Ok(out)
    }

    /// HGETALL: the field-value pairs of the hash at `key`, in storage (field hash) order;
    /// empty if missing. (Redis returns a small hash in insertion order and a large one in
    /// hash-table order; neither order is part of its contract.)
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn hgetall(&self, key: impl AsRef<[u8]>) -> Result<Vec<(Bytes, Bytes)>> {
        let mut out = Vec::new();
        self.for_each_live_field(key.as_ref(), |field, value| {
            out.push((Bytes::copy_from_slice(field), Bytes::copy_from_slice(value)));
        })?;
        Ok(out)
    }

    fn for_each_live_field(&self, key: &[u8], mut visit: impl FnMut(&[u8], &[u8])) -> Result<()> {
        let Some(hash) = self.hash(key)? else {
            return Ok(());
        };
        self.walk_fields(&hash, 0, |_, field, value, live| {
            if live {
                visit(field, value);
            }
            Ok(true)
        })
    }
}

impl WriteTxn<'_> {
    /// HSET: sets each `(field, value)` of `pairs` in the hash at `key` (created if missing),
    /// in order, so a field named twice keeps its last value. Returns the number of fields that
    /// did not exist before. Setting a field discards its deadline.
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// assert_eq!(store.hset("user:1", &[("name", "Ada"), ("lang", "en")])?, 2);
    /// assert_eq!(store.hset("user:1", &[("lang", "fr"), ("born", "1815")])?, 1);
    /// let mut all = store.hgetall("user:1")?;
    /// all.sort();
    /// assert_eq!(all, [("born".into(), "1815".into()), ("lang".into(), "fr".into()),
    ///                  ("name".into(), "Ada".into())]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn hset(
        &mut self,
        key: impl AsRef<[u8]>,
        pairs: &[(impl AsRef<[u8]>, impl AsRef<[u8]>)],
    ) -> Result<u64> {
        let key = key.as_ref();
        if pairs.is_empty() {
            self.find_typed(key, KeyType::Hash)?;
            return Ok(0);
        }
        let added = self.update_hash(key, true, |tx, hash| {
            let mut added = 0;
            for (field, value) in pairs {
                added += u64::from(tx.set_field(hash, field.as_ref(), value.as_ref())?);
            }
            Ok(added)
        })?;
        Ok(added.unwrap_or(0))
    }

    /// HMSET: as [`hset`](Self::hset), without the count (Redis replies OK).
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn hmset(
        &mut self,
        key: impl AsRef<[u8]>,
        pairs: &[(impl AsRef<[u8]>, impl AsRef<[u8]>)],
    ) -> Result<()> {
        self.hset(key, pairs).map(|_| ())
    }

    /// HSETNX: sets `field` to `value` only if the field does not exist (the hash is created
    /// if missing); true if it was set.
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn hsetnx(
        &mut self,
        key: impl AsRef<[u8]>,
        field: impl AsRef<[u8]>,
        value: impl AsRef<[u8]>,
    ) -> Result<bool> {
        let (field, value) = (field.as_ref(), value.as_ref());
        let set = self.update_hash(key.as_ref(), true, |tx, hash| {
            if tx.stored_deadline(hash, field)?.is_some() {
                return Ok(false);
            }
            tx.put_field(hash, field, value, 0, None)?;
            Ok(true)
        })?;
        Ok(set.unwrap_or(false))
    }

    /// HDEL: deletes `fields` from the hash at `key`; the number that existed. The key is
    /// deleted with its last field.
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type.
    pub fn hdel(&mut self, key: impl AsRef<[u8]>, fields: &[impl AsRef<[u8]>]) -> Result<u64> {
        let deleted = self.update_hash(key.as_ref(), false, |tx, hash| {
            let mut deleted = 0;
            for field in fields {
                let field = field.as_ref();
                if let Some(deadline) = tx.stored_deadline(hash, field)? {
                    tx.del_field(hash, field, deadline)?;
                    deleted += 1;
                }
            }
            Ok(deleted)
        })?;
        Ok(deleted.unwrap_or(0))
    }

    /// HINCRBY: adds `delta` to the integer value of `field` (0 if missing; the hash is
    /// created if missing), keeping the field's deadline; the new value.
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type; [`Error::HashValueNotInteger`] if the
    /// value is not an integer (Redis's strict parse); [`Error::Overflow`] if the sum leaves
    /// the signed 64-bit range.
    pub fn hincr_by(
        &mut self,
        key: impl AsRef<[u8]>,
        field: impl AsRef<[u8]>,
        delta: i64,
    ) -> Result<i64> {
        let field = field.as_ref();
        let value = self.update_hash(key.as_ref(), true, |tx, hash| {
            let (current, old) =
                match tx.element(hash.coll.key_id, ElementKind::HashField, field)? {
                    Some(payload) => {
                        let found = decode_field(payload)?;
                        let current = parse_i64(found.value).ok_or(Error::HashValueNotInteger)?;
                        (current, Some(found.deadline_ms))
                    }
                    None => (0, None),
                };
            let value = current.checked_add(delta).ok_or(Error::Overflow)?;
            let digits = value.to_string();
            tx.put_field(hash, field, digits.as_bytes(), old.unwrap_or(0), old)?;
            Ok(value)
        })?;
        value.ok_or(Error::Corrupt("hash vanished during HINCRBY"))
    }

    /// HINCRBYFLOAT: adds the float `increment` to the value of `field` (0 if missing; the
    /// hash is created if missing), keeping the field's deadline; the new value exactly as
    /// Redis formats and stores it. The arithmetic is Redis's C `long double`, as for
    /// [`incr_by_float`](Self::incr_by_float).
    ///
    /// # Errors
    /// In Redis's order: [`Error::NotFloat`] if `increment` is not a float,
    /// [`Error::ValueNanOrInfinity`] if it is an infinity; [`Error::WrongType`];
    /// [`Error::HashValueNotFloat`] if the current value is not a float;
    /// [`Error::NanOrInfinity`] if the sum is not finite.
    pub fn hincr_by_float(
        &mut self,
        key: impl AsRef<[u8]>,
        field: impl AsRef<[u8]>,
        increment: impl AsRef<[u8]>,
    ) -> Result<Bytes> {
        let (field, increment) = (field.as_ref(), increment.as_ref());
        let mut out = vec![0u8; LONG_DOUBLE_CHARS];
        // Redis validates the increment before it looks at the key.
        match long_double_add(None, increment, &mut out) {
            Ok(_) => {}
            Err(LongDoubleFailure::NanOrInfinity) => return Err(Error::ValueNanOrInfinity),
            Err(_) => return Err(Error::NotFloat),
        }
        let value = self.update_hash(key.as_ref(), true, |tx, hash| {
            let found = tx.element(hash.coll.key_id, ElementKind::HashField, field)?;
            let (current, old) = match found {
                Some(payload) => {
                    let found = decode_field(payload)?;
                    (Some(found.value), Some(found.deadline_ms))
                }
                None => (None, None),
            };
            let len =
                long_double_add(current, increment, &mut out).map_err(|failure| match failure {
                    LongDoubleFailure::Current => Error::HashValueNotFloat,
                    LongDoubleFailure::Increment => Error::NotFloat,
                    LongDoubleFailure::NanOrInfinity => Error::NanOrInfinity,
                })?;
            let value = out.get(..len).unwrap_or_default();
            tx.put_field(hash, field, value, old.unwrap_or(0), old)?;
            Ok(Bytes::copy_from_slice(value))
        })?;
        value.ok_or(Error::Corrupt("hash vanished during HINCRBYFLOAT"))
    }
}

store_ops! {
    /// HGET; see [`ReadTxn::hget`].
    read fn hget(key: impl AsRef<[u8]>, field: impl AsRef<[u8]>) -> Option<Bytes>;
    /// HMGET; see [`ReadTxn::hmget`].
    read fn hmget(key: impl AsRef<[u8]>, fields: &[impl AsRef<[u8]>]) -> Vec<Option<Bytes>>;
    /// HLEN; see [`ReadTxn::hlen`].
    read fn hlen(key: impl AsRef<[u8]>) -> u64;
    /// HSTRLEN; see [`ReadTxn::hstrlen`].
    read fn hstrlen(key: impl AsRef<[u8]>, field: impl AsRef<[u8]>) -> u64;
    /// HEXISTS; see [`ReadTxn::hexists`].
    read fn hexists(key: impl AsRef<[u8]>, field: impl AsRef<[u8]>) -> bool;
    /// HKEYS; see [`ReadTxn::hkeys`].
    read fn hkeys(key: impl AsRef<[u8]>) -> Vec<Bytes>;
    /// HVALS; see [`ReadTxn::hvals`].
    read fn hvals(key: impl AsRef<[u8]>) -> Vec<Bytes>;
    /// HGETALL; see [`ReadTxn::hgetall`].
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// store.hset("config", &[("mode", "fast"), ("level", "3")])?;
    /// let mut pairs = store.hgetall("config")?;
    /// pairs.sort();
    /// assert_eq!(pairs, [("level".into(), "3".into()), ("mode".into(), "fast".into())]);
    /// assert!(store.hgetall("missing")?.is_empty());
    /// # Ok(()) }
    /// ```
    read fn hgetall(key: impl AsRef<[u8]>) -> Vec<(Bytes, Bytes)>;
    /// HSET; see [`WriteTxn::hset`].
    write fn hset(key: impl AsRef<[u8]>, pairs: &[(impl AsRef<[u8]>, impl AsRef<[u8]>)]) -> u64;
    /// HMSET; see [`WriteTxn::hmset`].
    write fn hmset(key: impl AsRef<[u8]>, pairs: &[(impl AsRef<[u8]>, impl AsRef<[u8]>)]) -> ();
    /// HSETNX; see [`WriteTxn::hsetnx`].
    write fn hsetnx(key: impl AsRef<[u8]>, field: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> bool;
    /// HDEL; see [`WriteTxn::hdel`].
    write fn hdel(key: impl AsRef<[u8]>, fields: &[impl AsRef<[u8]>]) -> u64;
    /// HINCRBY; see [`WriteTxn::hincr_by`].
    write fn hincr_by(key: impl AsRef<[u8]>, field: impl AsRef<[u8]>, delta: i64) -> i64;
    /// HINCRBYFLOAT; see [`WriteTxn::hincr_by_float`].
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// store.hset("item", &[("price", "10.50")])?;
    /// assert_eq!(store.hincr_by_float("item", "price", "0.1")?, "10.6");
    /// assert!(matches!(store.hincr_by_float("item", "price", "inf"),
    ///                  Err(keyp::Error::ValueNanOrInfinity)));
    /// # Ok(()) }
    /// ```
    write fn hincr_by_float(key: impl AsRef<[u8]>, field: impl AsRef<[u8]>, increment: impl AsRef<[u8]>) -> Bytes;
}
