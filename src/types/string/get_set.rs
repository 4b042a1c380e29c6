//! GET, SET and its options, SETNX/SETEX/PSETEX, MGET/MSET/MSETNX, GETSET, GETDEL, GETEX, STRLEN.

use bytes::Bytes;

use super::{Expiry, GetExAction, SetCondition, SetOptions, SetOutcome, SetTtl};
use crate::error::{Error, Result};
use crate::store::store_ops;
use crate::txn::{ReadTxn, WriteTxn};
use crate::types::KeyType;

impl ReadTxn<'_> {
    /// GET: the value at `key`, or `None`.
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn get(&self, key: impl AsRef<[u8]>) -> Result<Option<Bytes>> {
        Ok(self.string_bytes(key.as_ref())?.map(Bytes::copy_from_slice))
    }

    /// GET without copying: calls `f` with the stored bytes (borrowed from LMDB's memory map)
    /// or `None`, and returns what `f` returns.
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn get_with<R>(
        &self,
        key: impl AsRef<[u8]>,
        f: impl FnOnce(Option<&[u8]>) -> R,
    ) -> Result<R> {
        Ok(f(self.string_bytes(key.as_ref())?))
    }

    /// MGET: the values at `keys`; `None` for a missing key or one that holds another type.
    ///
    /// # Errors
    /// Only storage errors.
    pub fn mget(&self, keys: &[impl AsRef<[u8]>]) -> Result<Vec<Option<Bytes>>> {
        keys.iter()
            .map(|key| match self.lookup(key.as_ref())? {
                Some(meta) if meta.kind == KeyType::String => {
                    Ok(Some(Bytes::copy_from_slice(meta.body)))
                }
                _ => Ok(None),
            })
            .collect()
    }

    /// STRLEN: the length of the value at `key`, 0 if missing.
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn strlen(&self, key: impl AsRef<[u8]>) -> Result<u64> {
        Ok(self
            .string_bytes(key.as_ref())?
            .map_or(0, |v| v.len() as u64))
    }
}

impl WriteTxn<'_> {
    /// SET: stores `value` at `key`, replacing any value of any type and clearing its deadline.
    ///
    /// # Errors
    /// [`Error::StringTooLong`] beyond 512 MB; [`Error::StoreFull`].
    pub fn set(&mut self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Result<()> {
        self.set_with(key, value, SetOptions::default()).map(|_| ())
    }

    /// SET with options: NX/XX, EX/PX/EXAT/PXAT/KEEPTTL, GET.
    ///
    /// # Errors
    /// [`Error::InvalidExpireTime`] for a non-positive or overflowing expiry;
    /// [`Error::WrongType`] with `get` when the key holds another type (nothing is written).
    pub fn set_with(
        &mut self,
        key: impl AsRef<[u8]>,
        value: impl AsRef<[u8]>,
        options: SetOptions,
    ) -> Result<SetOutcome> {
        let (key, value) = (key.as_ref(), value.as_ref());
        let new_deadline = match options.ttl {
            SetTtl::Expire(expiry) => Some(expiry.deadline_ms(self.now_ms(), "set")?),
            _ => None,
        };
        let found = self.find(key)?;
        let mut outcome = SetOutcome::default();
        if options.get {
            if let Some((_, info)) = &found {
                if info.kind != KeyType::String {
                    return Err(Error::WrongType);
                }
                outcome.previous = self.get(key)?;
            }
        }
        let allowed = match options.condition {
            SetCondition::Always => true,
            SetCondition::IfMissing => found.is_none(),
            SetCondition::IfExists => found.is_some(),
        };
        if !allowed {
            return Ok(outcome);
        }
        let deadline = match (options.ttl, &found) {
            (SetTtl::Keep, Some((_, info))) => info.expire_at_ms,
            _ => new_deadline.unwrap_or(0),
        };
        let encoded = match &found {
            Some((encoded, _)) => encoded.clone(),
            None => crate::storage::codec::EncodedKey::new(self.db, key),
        };
        self.write_string(
            &encoded,
            key,
            found.as_ref().map(|(_, i)| i),
            value,
            deadline,
            0,
        )?;
        outcome.written = true;
        Ok(outcome)
    }

    /// SETNX: sets `key` only if it does not exist; true if it was set.
    ///
    /// # Errors
    /// As [`set`](Self::set).
    pub fn setnx(&mut self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Result<bool> {
        let options = SetOptions {
            condition: SetCondition::IfMissing,
            ..SetOptions::default()
        };
        Ok(self.set_with(key, value, options)?.written)
    }

    /// SETEX: sets `key` to expire `seconds` from now.
    ///
    /// # Errors
    /// [`Error::InvalidExpireTime`] unless `seconds` is positive and in range.
    pub fn setex(
        &mut self,
        key: impl AsRef<[u8]>,
        seconds: i64,
        value: impl AsRef<[u8]>,
    ) -> Result<()> {
        self.set_expiring(key.as_ref(), Expiry::Ex(seconds), value.as_ref(), "setex")
    }

    /// PSETEX: sets `key` to expire `milliseconds` from now.
    ///
    /// # Errors
    /// [`Error::InvalidExpireTime`] unless `milliseconds` is positive and in range.
    pub fn psetex(
        &mut self,
        key: impl AsRef<[u8]>,
        milliseconds: i64,
        value: impl AsRef<[u8]>,
    ) -> Result<()> {
        self.set_expiring(
            key.as_ref(),
            Expiry::Px(milliseconds),
            value.as_ref(),
            "psetex",
        )
    }

    fn set_expiring(
        &mut self,
        key: &[u8],
        expiry: Expiry,
        value: &[u8],
        command: &'static str,
    ) -> Result<()> {
        let deadline = expiry.deadline_ms(self.now_ms(), command)?;
        let found = self.find(key)?;
        let encoded = crate::storage::codec::EncodedKey::new(self.db, key);
        self.write_string(
            &encoded,
            key,
            found.as_ref().map(|(_, i)| i),
            value,
            deadline,
            0,
        )
    }

    /// MSET: sets every pair, atomically.
    ///
    /// # Errors
    /// As [`set`](Self::set).
    pub fn mset(&mut self, pairs: &[(impl AsRef<[u8]>, impl AsRef<[u8]>)]) -> Result<()> {
        for (key, value) in pairs {
            self.set(key, value)?;
        }
        Ok(())
    }

    /// MSETNX: sets every pair only if none of the keys exists; true if they were set.
    ///
    /// # Errors
    /// As [`set`](Self::set).
    pub fn msetnx(&mut self, pairs: &[(impl AsRef<[u8]>, impl AsRef<[u8]>)]) -> Result<bool> {
        for (key, _) in pairs {
            if self.find(key.as_ref())?.is_some() {
                return Ok(false);
            }
        }
        self.mset(pairs)?;
        Ok(true)
    }

    /// GETSET: sets `key` and returns its previous value.
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn getset(
        &mut self,
        key: impl AsRef<[u8]>,
        value: impl AsRef<[u8]>,
    ) -> Result<Option<Bytes>> {
        let options = SetOptions {
            get: true,
            ..SetOptions::default()
        };
        Ok(self.set_with(key, value, options)?.previous)
    }

    /// GETDEL: returns the value at `key` and deletes the key.
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn getdel(&mut self, key: impl AsRef<[u8]>) -> Result<Option<Bytes>> {
        let key = key.as_ref();
        let value = self.get(key)?;
        if value.is_some() {
            self.delete_key(key)?;
        }
        Ok(value)
    }

    /// GETEX: returns the value at `key` and changes its deadline as `action` says. A deadline
    /// already past (EXAT/PXAT) deletes the key after reading it.
    ///
    /// As in Redis 7.0, the key is looked up before the expiry is validated: a missing key gives
    /// `None` and a key of another type [`Error::WrongType`] whatever the expiry.
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type; [`Error::InvalidExpireTime`] for a
    /// non-positive or overflowing expiry on an existing key.
    pub fn getex(&mut self, key: impl AsRef<[u8]>, action: GetExAction) -> Result<Option<Bytes>> {
        let key = key.as_ref();
        let Some((encoded, info)) = self.find_typed(key, KeyType::String)? else {
            return Ok(None);
        };
        let value = self.get(key)?;
        match action {
            GetExAction::Keep => {}
            GetExAction::Persist => {
                if info.expire_at_ms != 0 {
                    self.rewrite_expiry(&encoded, key, &info, 0)?;
                }
            }
            GetExAction::Expire(expiry) => {
                let when = expiry.deadline_ms(self.now_ms(), "getex")?;
                if when <= self.now_ms() {
                    self.remove(&encoded, key, &info)?;
                } else {
                    self.rewrite_expiry(&encoded, key, &info, when)?;
                }
            }
        }
        Ok(value)
    }
}

impl crate::Store {
    /// GET without copying; see [`ReadTxn::get_with`].
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// store.set("k", "hello")?;
    /// let len = store.get_with("k", |v| v.map(|bytes| bytes.len()))?;
    /// assert_eq!(len, Some(5));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn get_with<R>(
        &self,
        key: impl AsRef<[u8]>,
        f: impl FnOnce(Option<&[u8]>) -> R,
    ) -> Result<R> {
        self.read(|txn| txn.get_with(key, f))
    }
}

store_ops! {
    /// GET; see [`ReadTxn::get`].
    read fn get(key: impl AsRef<[u8]>) -> Option<Bytes>;
    /// MGET; see [`ReadTxn::mget`].
    read fn mget(keys: &[impl AsRef<[u8]>]) -> Vec<Option<Bytes>>;
    /// STRLEN; see [`ReadTxn::strlen`].
    read fn strlen(key: impl AsRef<[u8]>) -> u64;
    /// SET; see [`WriteTxn::set`].
    write fn set(key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> ();
    /// SET with options; see [`WriteTxn::set_with`].
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// use keyp::{Expiry, SetCondition, SetOptions, SetTtl};
    /// let nx = SetOptions { condition: SetCondition::IfMissing, ttl: SetTtl::Expire(Expiry::Ex(60)), get: false };
    /// assert!(store.set_with("lock", "me", nx)?.written);
    /// assert!(!store.set_with("lock", "you", nx)?.written);
    /// # Ok(()) }
    /// ```
    write fn set_with(key: impl AsRef<[u8]>, value: impl AsRef<[u8]>, options: SetOptions) -> SetOutcome;
    /// SETNX; see [`WriteTxn::setnx`].
    write fn setnx(key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> bool;
    /// SETEX; see [`WriteTxn::setex`].
    write fn setex(key: impl AsRef<[u8]>, seconds: i64, value: impl AsRef<[u8]>) -> ();
    /// PSETEX; see [`WriteTxn::psetex`].
    write fn psetex(key: impl AsRef<[u8]>, milliseconds: i64, value: impl AsRef<[u8]>) -> ();
    /// MSET; see [`WriteTxn::mset`].
    write fn mset(pairs: &[(impl AsRef<[u8]>, impl AsRef<[u8]>)]) -> ();
    /// MSETNX; see [`WriteTxn::msetnx`].
    write fn msetnx(pairs: &[(impl AsRef<[u8]>, impl AsRef<[u8]>)]) -> bool;
    /// GETSET; see [`WriteTxn::getset`].
    write fn getset(key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Option<Bytes>;
    /// GETDEL; see [`WriteTxn::getdel`].
    write fn getdel(key: impl AsRef<[u8]>) -> Option<Bytes>;
    /// GETEX; see [`WriteTxn::getex`].
    write fn getex(key: impl AsRef<[u8]>, action: GetExAction) -> Option<Bytes>;
}

impl crate::Store {
    /// SET with a relative deadline, for convenience: EX/PX from a [`Duration`](std::time::Duration)
    /// (millisecond precision).
    ///
    /// # Errors
    /// [`Error::InvalidExpireTime`] for a zero duration.
    pub fn set_ex(
        &self,
        key: impl AsRef<[u8]>,
        value: impl AsRef<[u8]>,
        ttl: std::time::Duration,
    ) -> Result<()> {
        let ms = i64::try_from(ttl.as_millis()).map_err(|_| Error::InvalidExpireTime("set"))?;
        let options = SetOptions {
            ttl: SetTtl::Expire(Expiry::Px(ms)),
            ..SetOptions::default()
        };
        self.set_with(key, value, options).map(|_| ())
    }
}
