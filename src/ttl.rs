//! Time to live: the EXPIRE family, TTL queries, PERSIST, and the background expirer.
//!
//! Deadlines are absolute Unix milliseconds, kept in the key's metadata record and in the
//! `expiry` index (`expire_at_ms + encoded key`), so they survive restarts. Reads treat a key as
//! gone once the clock passes its deadline (Redis: expired when now > deadline); the expirer
//! walks the index from its start and deletes what has passed, in bounded batches.

use std::time::Duration;

use lmdb::{Cursor, Transaction};

use crate::error::{Error, Result};
use crate::storage::codec::{self, EncodedKey};
use crate::storage::meta::Meta;
use crate::store::{store_ops, Core};
use crate::txn::{KeyInfo, ReadTxn, WriteTxn};

/// The remaining time to live of a key (TTL, PTTL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ttl {
    /// No such key (Redis replies -2).
    Missing,
    /// The key exists and has no deadline (Redis replies -1).
    Persistent,
    /// The key expires after this long (millisecond precision; zero in its last millisecond).
    ExpiresIn(Duration),
}

impl Ttl {
    /// Redis's TTL reply: -2, -1, or seconds rounded to the nearest.
    pub fn as_secs_reply(self) -> i64 {
        match self {
            Ttl::Missing => -2,
            Ttl::Persistent => -1,
            // In u64: a deadline near i64::MAX must not overflow the rounding.
            Ttl::ExpiresIn(d) => ((d.as_millis() as u64).saturating_add(500) / 1000) as i64,
        }
    }

    /// Redis's PTTL reply: -2, -1, or milliseconds.
    pub fn as_millis_reply(self) -> i64 {
        match self {
            Ttl::Missing => -2,
            Ttl::Persistent => -1,
            Ttl::ExpiresIn(d) => d.as_millis() as i64,
        }
    }
}

/// The absolute deadline of a key (EXPIRETIME, PEXPIRETIME).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpireTime {
    /// No such key (Redis replies -2).
    Missing,
    /// The key exists and has no deadline (Redis replies -1).
    Persistent,
    /// The key expires at this Unix time in milliseconds.
    AtMs(u64),
}

impl ExpireTime {
    /// Redis's EXPIRETIME reply: -2, -1, or Unix seconds rounded to the nearest, as Redis
    /// rounds it (the same code path as TTL).
    pub fn as_secs_reply(self) -> i64 {
        match self {
            ExpireTime::Missing => -2,
            ExpireTime::Persistent => -1,
            ExpireTime::AtMs(ms) => (ms.saturating_add(500) / 1000) as i64,
        }
    }

    /// Redis's PEXPIRETIME reply: -2, -1, or Unix milliseconds.
    pub fn as_millis_reply(self) -> i64 {
        match self {
            ExpireTime::Missing => -2,
            ExpireTime::Persistent => -1,
            ExpireTime::AtMs(ms) => ms as i64,
        }
    }
}

/// The NX / XX / GT / LT options of the EXPIRE family.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExpireCondition {
    /// Always set the deadline.
    #[default]
    Always,
    /// NX: only if the key has no deadline.
    Nx,
    /// XX: only if the key has a deadline.
    Xx,
    /// GT: only if the new deadline is later (a key without one counts as never expiring).
    Gt,
    /// LT: only if the new deadline is earlier (a key without one counts as never expiring).
    Lt,
}

/// Converts an EXPIRE-family argument to an absolute deadline in milliseconds, with Redis's
/// overflow checks. `seconds` scales by 1000; `base_ms` is now for relative forms, 0 for *AT.
pub(crate) fn deadline_ms(
    value: i64,
    seconds: bool,
    base_ms: u64,
    command: &'static str,
) -> Result<i64> {
    let invalid = || Error::InvalidExpireTime(command);
    let ms = if seconds {
        value.checked_mul(1000).ok_or_else(invalid)?
    } else {
        value
    };
    ms.checked_add(base_ms as i64).ok_or_else(invalid)
}

impl ReadTxn<'_> {
    /// The remaining time to live of `key` (TTL / PTTL).
    ///
    /// # Errors
    /// Only storage errors.
    pub fn ttl(&self, key: impl AsRef<[u8]>) -> Result<Ttl> {
        Ok(match self.lookup(key.as_ref())? {
            None => Ttl::Missing,
            Some(meta) if meta.expire_at_ms == 0 => Ttl::Persistent,
            Some(meta) => Ttl::ExpiresIn(Duration::from_millis(
                meta.expire_at_ms.saturating_sub(self.now_ms()),
            )),
        })
    }

    /// The absolute deadline of `key` (EXPIRETIME / PEXPIRETIME).
    ///
    /// # Errors
    /// Only storage errors.
    pub fn expire_time(&self, key: impl AsRef<[u8]>) -> Result<ExpireTime> {
        Ok(match self.lookup(key.as_ref())? {
            None => ExpireTime::Missing,
            Some(meta) if meta.expire_at_ms == 0 => ExpireTime::Persistent,
            Some(meta) => ExpireTime::AtMs(meta.expire_at_ms),
        })
    }
}

impl WriteTxn<'_> {
    /// EXPIRE: `key` expires `seconds` from now. A deadline not in the future deletes the key.
    /// True if the deadline was set (or the key deleted), false if the key does not exist or the
    /// condition failed.
    ///
    /// # Errors
    /// [`Error::InvalidExpireTime`] when the deadline overflows.
    pub fn expire(
        &mut self,
        key: impl AsRef<[u8]>,
        seconds: i64,
        condition: ExpireCondition,
    ) -> Result<bool> {
        let when = deadline_ms(seconds, true, self.now_ms(), "expire")?;
        self.expire_at_deadline(key.as_ref(), when, condition)
    }

    /// PEXPIRE: `key` expires `milliseconds` from now. As [`expire`](Self::expire).
    ///
    /// # Errors
    /// [`Error::InvalidExpireTime`] when the deadline overflows.
    pub fn pexpire(
        &mut self,
        key: impl AsRef<[u8]>,
        milliseconds: i64,
        condition: ExpireCondition,
    ) -> Result<bool> {
        let when = deadline_ms(milliseconds, false, self.now_ms(), "pexpire")?;
        self.expire_at_deadline(key.as_ref(), when, condition)
    }

    /// EXPIREAT: `key` expires at Unix time `unix_seconds`. As [`expire`](Self::expire).
    ///
    /// # Errors
    /// [`Error::InvalidExpireTime`] when the deadline overflows.
    pub fn expire_at(
        &mut self,
        key: impl AsRef<[u8]>,
        unix_seconds: i64,
        condition: ExpireCondition,
    ) -> Result<bool> {
        let when = deadline_ms(unix_seconds, true, 0, "expireat")?;
        self.expire_at_deadline(key.as_ref(), when, condition)
    }

    /// PEXPIREAT: `key` expires at Unix time `unix_ms` milliseconds. As [`expire`](Self::expire).
    ///
    /// # Errors
    /// Only storage errors.
    pub fn pexpire_at(
        &mut self,
        key: impl AsRef<[u8]>,
        unix_ms: i64,
        condition: ExpireCondition,
    ) -> Result<bool> {
        self.expire_at_deadline(key.as_ref(), unix_ms, condition)
    }

    /// PERSIST: removes the deadline of `key`; true if it had one.
    ///
    /// # Errors
    /// Only storage errors.
    pub fn persist(&mut self, key: impl AsRef<[u8]>) -> Result<bool> {
        let key = key.as_ref();
        match self.find(key)? {
            Some((encoded, info)) if info.expire_at_ms != 0 => {
                self.rewrite_expiry(&encoded, key, &info, 0)?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn expire_at_deadline(
        &mut self,
        key: &[u8],
        when: i64,
        condition: ExpireCondition,
    ) -> Result<bool> {
        let Some((encoded, info)) = self.find(key)? else {
            return Ok(false);
        };
        // Redis compares against -1 for "no deadline".
        let current: i64 = if info.expire_at_ms == 0 {
            -1
        } else {
            info.expire_at_ms as i64
        };
        let allowed = match condition {
            ExpireCondition::Always => true,
            ExpireCondition::Nx => current == -1,
            ExpireCondition::Xx => current != -1,
            ExpireCondition::Gt => current != -1 && when > current,
            ExpireCondition::Lt => current == -1 || when < current,
        };
        if !allowed {
            return Ok(false);
        }
        if when <= self.now_ms() as i64 {
            self.remove(&encoded, key, &info)?;
        } else {
            self.rewrite_expiry(&encoded, key, &info, when as u64)?;
        }
        Ok(true)
    }
}

store_ops! {
    /// TTL / PTTL of `key`; see [`ReadTxn::ttl`].
    read fn ttl(key: impl AsRef<[u8]>) -> Ttl;
    /// EXPIRETIME / PEXPIRETIME of `key`; see [`ReadTxn::expire_time`].
    read fn expire_time(key: impl AsRef<[u8]>) -> ExpireTime;
    /// EXPIRE; see [`WriteTxn::expire`].
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// use keyp::ExpireCondition;
    /// store.set("k", "v")?;
    /// assert!(store.expire("k", 100, ExpireCondition::Always)?);
    /// assert!(!store.expire("k", 50, ExpireCondition::Gt)?); // 50 s is not later than 100 s
    /// assert_eq!(store.ttl("k")?.as_secs_reply(), 100);
    /// # Ok(()) }
    /// ```
    write fn expire(key: impl AsRef<[u8]>, seconds: i64, condition: ExpireCondition) -> bool;
    /// PEXPIRE; see [`WriteTxn::pexpire`].
    write fn pexpire(key: impl AsRef<[u8]>, milliseconds: i64, condition: ExpireCondition) -> bool;
    /// EXPIREAT; see [`WriteTxn::expire_at`].
    write fn expire_at(key: impl AsRef<[u8]>, unix_seconds: i64, condition: ExpireCondition) -> bool;
    /// PEXPIREAT; see [`WriteTxn::pexpire_at`].
    write fn pexpire_at(key: impl AsRef<[u8]>, unix_ms: i64, condition: ExpireCondition) -> bool;
    /// PERSIST; see [`WriteTxn::persist`].
    write fn persist(key: impl AsRef<[u8]>) -> bool;
}

/// One expirer pass: deletes up to `limit` keys whose deadline has passed, then purges about
/// `limit` expired hash fields; the larger amount of work done, so the caller runs another pass
/// when it reaches `limit`.
pub(crate) fn expire_batch(core: &Core, limit: usize) -> Result<usize> {
    let keys = expire_keys_batch(core, limit)?;
    let fields = crate::types::hash::expire_fields_batch(core, limit)?;
    Ok(keys.max(fields))
}

/// Deletes up to `limit` keys whose deadline has passed; the number of index entries handled.
/// Checks with a read snapshot first so an idle store takes no write lock.
fn expire_keys_batch(core: &Core, limit: usize) -> Result<usize> {
    let now = core.now_ms();
    let due = core.read(0, |r| {
        let mut cursor = r
            .raw
            .open_ro_cursor(core.storage.expiry)
            .map_err(|e| r.lmdb_err(e))?;
        let first = cursor.iter_start().next();
        Ok(match first {
            Some(Ok((raw, _))) => codec::split_expiry_key(raw).is_some_and(|(at, _)| at < now),
            _ => false,
        })
    })?;
    if !due {
        return Ok(0);
    }
    core.write(0, |tx| {
        let mut batch: Vec<(u64, Vec<u8>)> = Vec::new();
        {
            let mut cursor = tx
                .raw
                .open_ro_cursor(core.storage.expiry)
                .map_err(|e| tx.lmdb_err(e))?;
            for item in cursor.iter_start() {
                let (raw, _) = item.map_err(|e| tx.lmdb_err(e))?;
                let Some((at, encoded)) = codec::split_expiry_key(raw) else {
                    return Err(Error::Corrupt("expiry index entry"));
                };
                if at >= tx.now_ms() || batch.len() >= limit {
                    break;
                }
                batch.push((at, encoded.to_vec()));
            }
        }
        for (at, encoded) in &batch {
            expire_one(tx, *at, encoded)?;
        }
        Ok(batch.len())
    })
}

/// Deletes the key behind one due index entry, if the record still carries that deadline.
fn expire_one(tx: &mut WriteTxn<'_>, at: u64, encoded: &[u8]) -> Result<()> {
    let Some(encoded) = EncodedKey::from_raw(encoded) else {
        return Err(Error::Corrupt("expiry index entry"));
    };
    let found = match tx.record(encoded.as_bytes())? {
        Some(raw) => {
            let meta = Meta::decode(raw)?;
            let key = ReadTxn::user_key_of(encoded.as_bytes(), &meta).map(<[u8]>::to_vec);
            Some((KeyInfo::of(&meta)?, meta.expire_at_ms, key))
        }
        None => None,
    };
    match found {
        Some((info, deadline, Some(key))) if deadline == at && at < tx.now_ms() => {
            tx.remove(&encoded, &key, &info)
        }
        _ => {
            // Stale entry: the key is gone or has another deadline.
            let expiry = tx.core.storage.expiry;
            tx.del_raw(expiry, codec::ExpiryKey::new(at, &encoded).as_bytes())?;
            Ok(())
        }
    }
}
