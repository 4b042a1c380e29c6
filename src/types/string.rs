//! Strings: GET, SET and its options, the counters (INCR...), MGET/MSET and the rest of Redis's
//! string commands. A string's bytes live inline in its metadata record, so a GET is one LMDB
//! lookup.

use bytes::Bytes;

use crate::error::{Error, Result};
use crate::store::store_ops;
use crate::ttl::deadline_ms;
use crate::txn::{ReadTxn, WriteTxn};
use crate::types::KeyType;

/// Redis's limit on a string's length: 512 MB.
pub const MAX_STRING_LEN: usize = 512 * 1024 * 1024;

/// Parses a Redis integer the way Redis does (`string2ll`): optional `-`, no `+`, no leading
/// zeros or spaces, at most 20 characters, within the i64 range.
pub(crate) fn parse_i64(bytes: &[u8]) -> Option<i64> {
    if bytes.is_empty() || bytes.len() > 20 {
        return None;
    }
    if bytes == b"0" {
        return Some(0);
    }
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    match digits.first() {
        Some(b'1'..=b'9') => {}
        _ => return None,
    }
    let mut value: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        let digit = i64::from(d - b'0');
        value = value.checked_mul(10)?;
        value = if negative {
            value.checked_sub(digit)?
        } else {
            value.checked_add(digit)?
        };
    }
    Some(value)
}

/// When SET writes: always, only if the key is missing (NX), only if it exists (XX).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SetCondition {
    /// Write whatever is there.
    #[default]
    Always,
    /// NX: only if the key does not exist.
    IfMissing,
    /// XX: only if the key exists.
    IfExists,
}

/// An expiry argument of SET and GETEX, exactly as Redis takes it. Relative forms must be
/// positive; all are validated as Redis does ([`Error::InvalidExpireTime`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expiry {
    /// EX: seconds from now.
    Ex(i64),
    /// PX: milliseconds from now.
    Px(i64),
    /// EXAT: Unix time in seconds.
    ExAt(i64),
    /// PXAT: Unix time in milliseconds.
    PxAt(i64),
}

impl Expiry {
    /// The absolute deadline in milliseconds, validated as Redis's SET and GETEX do.
    pub(crate) fn deadline_ms(self, now_ms: u64, command: &'static str) -> Result<u64> {
        let (value, seconds, base) = match self {
            Expiry::Ex(v) => (v, true, now_ms),
            Expiry::Px(v) => (v, false, now_ms),
            Expiry::ExAt(v) => (v, true, 0),
            Expiry::PxAt(v) => (v, false, 0),
        };
        if value <= 0 {
            return Err(Error::InvalidExpireTime(command));
        }
        let when = deadline_ms(value, seconds, base, command)?;
        Ok(when as u64)
    }
}

/// What SET does with the key's time to live.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SetTtl {
    /// No option: the new value has no deadline.
    #[default]
    Clear,
    /// KEEPTTL: keep the key's current deadline.
    Keep,
    /// EX / PX / EXAT / PXAT.
    Expire(Expiry),
}

/// The options of SET.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SetOptions {
    /// NX / XX.
    pub condition: SetCondition,
    /// EX / PX / EXAT / PXAT / KEEPTTL.
    pub ttl: SetTtl,
    /// GET: return the previous value.
    pub get: bool,
}

/// What SET did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SetOutcome {
    /// True if the value was written (false when NX/XX prevented it).
    pub written: bool,
    /// With [`SetOptions::get`]: the previous value, `None` if there was none.
    pub previous: Option<Bytes>,
}

/// What GETEX does to the time to live.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GetExAction {
    /// No option: leave it.
    #[default]
    Keep,
    /// PERSIST: remove the deadline.
    Persist,
    /// EX / PX / EXAT / PXAT: set a deadline.
    Expire(Expiry),
}

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
    pub fn get_with<R>(&self, key: impl AsRef<[u8]>, f: impl FnOnce(Option<&[u8]>) -> R) -> Result<R> {
        Ok(f(self.string_bytes(key.as_ref())?))
    }

    /// MGET: the values at `keys`; `None` for a missing key or one that holds another type.
    ///
    /// # Errors
    /// Only storage errors.
    pub fn mget(&self, keys: &[impl AsRef<[u8]>]) -> Result<Vec<Option<Bytes>>> {
        keys.iter()
            .map(|key| match self.lookup(key.as_ref())? {
                Some(meta) if meta.kind == KeyType::String => Ok(Some(Bytes::copy_from_slice(meta.body))),
                _ => Ok(None),
            })
            .collect()
    }

    /// STRLEN: the length of the value at `key`, 0 if missing.
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type.
    pub fn strlen(&self, key: impl AsRef<[u8]>) -> Result<u64> {
        Ok(self.string_bytes(key.as_ref())?.map_or(0, |v| v.len() as u64))
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
            SetTtl::Expire(expiry) => Some(expiry.deadline_ms(self.now_ms, "set")?),
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
        self.write_string(&encoded, key, found.as_ref().map(|(_, i)| i), value, deadline, false)?;
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
    pub fn setex(&mut self, key: impl AsRef<[u8]>, seconds: i64, value: impl AsRef<[u8]>) -> Result<()> {
        self.set_expiring(key.as_ref(), Expiry::Ex(seconds), value.as_ref(), "setex")
    }

    /// PSETEX: sets `key` to expire `milliseconds` from now.
    ///
    /// # Errors
    /// [`Error::InvalidExpireTime`] unless `milliseconds` is positive and in range.
    pub fn psetex(&mut self, key: impl AsRef<[u8]>, milliseconds: i64, value: impl AsRef<[u8]>) -> Result<()> {
        self.set_expiring(key.as_ref(), Expiry::Px(milliseconds), value.as_ref(), "psetex")
    }

    fn set_expiring(&mut self, key: &[u8], expiry: Expiry, value: &[u8], command: &'static str) -> Result<()> {
        let deadline = expiry.deadline_ms(self.now_ms, command)?;
        let found = self.find(key)?;
        let encoded = crate::storage::codec::EncodedKey::new(self.db, key);
        self.write_string(&encoded, key, found.as_ref().map(|(_, i)| i), value, deadline, false)
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
    pub fn getset(&mut self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Result<Option<Bytes>> {
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

    /// GETEX: returns the value at `key` and changes its deadline as `action` says.
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type; [`Error::InvalidExpireTime`] for an
    /// invalid expiry when the key exists (a missing key gives `None` whatever the expiry, as in
    /// Redis).
    pub fn getex(&mut self, key: impl AsRef<[u8]>, action: GetExAction) -> Result<Option<Bytes>> {
        let key = key.as_ref();
        // As Redis: a missing key replies nil and a key of another type WRONGTYPE before the
        // expiry argument is validated.
        let Some((encoded, info)) = self.find_typed(key, KeyType::String)? else {
            return Ok(None);
        };
        let deadline = match action {
            GetExAction::Expire(expiry) => Some(expiry.deadline_ms(self.now_ms, "getex")?),
            _ => None,
        };
        let value = self.get(key)?;
        match (action, deadline) {
            (GetExAction::Persist, _) if info.expire_at_ms != 0 => {
                self.rewrite_expiry(&encoded, key, &info, 0)?;
            }
            (GetExAction::Expire(_), Some(when)) if when <= self.now_ms => {
                self.remove(&encoded, key, &info)?;
            }
            (GetExAction::Expire(_), Some(when)) => {
                self.rewrite_expiry(&encoded, key, &info, when)?;
            }
            _ => {}
        }
        Ok(value)
    }

    /// INCR: adds 1 to the integer at `key` (0 if missing); the new value.
    ///
    /// # Errors
    /// [`Error::NotInteger`] if the value is not an integer; [`Error::Overflow`];
    /// [`Error::WrongType`].
    pub fn incr(&mut self, key: impl AsRef<[u8]>) -> Result<i64> {
        self.incr_by(key, 1)
    }

    /// DECR: subtracts 1; as [`incr`](Self::incr).
    ///
    /// # Errors
    /// As [`incr`](Self::incr).
    pub fn decr(&mut self, key: impl AsRef<[u8]>) -> Result<i64> {
        self.incr_by(key, -1)
    }

    /// DECRBY: subtracts `delta`; as [`incr`](Self::incr).
    ///
    /// # Errors
    /// As [`incr`](Self::incr); [`Error::DecrementOverflow`] for `i64::MIN`.
    pub fn decr_by(&mut self, key: impl AsRef<[u8]>, delta: i64) -> Result<i64> {
        let negated = delta.checked_neg().ok_or(Error::DecrementOverflow)?;
        self.incr_by(key, negated)
    }

    /// INCRBY: adds `delta` to the integer at `key` (0 if missing), keeping its deadline.
    ///
    /// # Errors
    /// As [`incr`](Self::incr).
    pub fn incr_by(&mut self, key: impl AsRef<[u8]>, delta: i64) -> Result<i64> {
        let key = key.as_ref();
        let found = self.find_typed(key, KeyType::String)?;
        let current = match &found {
            Some(_) => {
                let bytes = self.string_bytes(key)?.unwrap_or_default();
                parse_i64(bytes).ok_or(Error::NotInteger)?
            }
            None => 0,
        };
        let value = current.checked_add(delta).ok_or(Error::Overflow)?;
        let digits = itoa_buf(value);
        let (encoded, old) = match found {
            Some((encoded, info)) => (encoded, Some(info)),
            None => (crate::storage::codec::EncodedKey::new(self.db, key), None),
        };
        let deadline = old.map_or(0, |i| i.expire_at_ms);
        self.write_string(&encoded, key, old.as_ref(), digits.as_bytes(), deadline, false)?;
        Ok(value)
    }
}

/// Formats an i64 into a small stack string.
fn itoa_buf(value: i64) -> StackStr {
    use std::io::Write;
    let mut out = StackStr { buf: [0; 24], len: 0 };
    let mut cursor = std::io::Cursor::new(&mut out.buf[..]);
    // 24 bytes always hold an i64 in decimal.
    let _ = write!(cursor, "{value}");
    out.len = cursor.position() as usize;
    out
}

struct StackStr {
    buf: [u8; 24],
    len: usize,
}

impl StackStr {
    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
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
    pub fn get_with<R>(&self, key: impl AsRef<[u8]>, f: impl FnOnce(Option<&[u8]>) -> R) -> Result<R> {
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
    /// INCR; see [`WriteTxn::incr`].
    write fn incr(key: impl AsRef<[u8]>) -> i64;
    /// DECR; see [`WriteTxn::decr`].
    write fn decr(key: impl AsRef<[u8]>) -> i64;
    /// INCRBY; see [`WriteTxn::incr_by`].
    write fn incr_by(key: impl AsRef<[u8]>, delta: i64) -> i64;
    /// DECRBY; see [`WriteTxn::decr_by`].
    write fn decr_by(key: impl AsRef<[u8]>, delta: i64) -> i64;
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

#[cfg(test)]
mod tests {
    use super::parse_i64;

    #[test]
    fn integers_parse_as_redis_parses_them() {
        assert_eq!(parse_i64(b"0"), Some(0));
        assert_eq!(parse_i64(b"-12"), Some(-12));
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [&b""[..], b"-", b"-0", b"01", b"+1", b" 1", b"1 ", b"1.0", b"9223372036854775808", b"abc"] {
            assert_eq!(parse_i64(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }
}
