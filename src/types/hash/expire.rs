//! Per-field expiry, as Redis 7.4 has it: HEXPIRE, HPEXPIRE, HEXPIREAT, HPEXPIREAT, HTTL,
//! HPTTL, HEXPIRETIME, HPEXPIRETIME and HPERSIST, with the parsers of their arguments. The design
//! is in the parent module's docs.

use std::time::Duration;

use super::{HashWrite, LISTPACK_EX};
use crate::error::{Error, Result};
use crate::storage::element::ElementKind;
use crate::store::store_ops;
use crate::ttl::ExpireCondition;
use crate::txn::{ReadTxn, WriteTxn};

/// The latest field deadline Redis 7.4 accepts, in Unix milliseconds: 2^46 - 1
/// (`HFE_MAX_ABS_TIME_MSEC`, a quarter of its 48-bit expiry range), in the year 4199.
pub(crate) const MAX_FIELD_DEADLINE_MS: i64 = (1 << 46) - 1;

/// What HEXPIRE and its siblings did to one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldExpireOutcome {
    /// No such field, or no such key (Redis replies -2).
    NoSuchField,
    /// The NX / XX / GT / LT condition was not met (0).
    ConditionNotMet,
    /// The deadline was set or updated (1).
    Set,
    /// The deadline was not in the future, so the field was deleted (2).
    Deleted,
}

impl FieldExpireOutcome {
    /// Redis's integer reply for this outcome.
    pub fn as_reply(self) -> i64 {
        match self {
            FieldExpireOutcome::NoSuchField => -2,
            FieldExpireOutcome::ConditionNotMet => 0,
            FieldExpireOutcome::Set => 1,
            FieldExpireOutcome::Deleted => 2,
        }
    }
}

/// What HPERSIST did to one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldPersistOutcome {
    /// No such field, or no such key (Redis replies -2).
    NoSuchField,
    /// The field has no deadline (-1).
    NoDeadline,
    /// The field's deadline was removed (1).
    Persisted,
}

impl FieldPersistOutcome {
    /// Redis's integer reply for this outcome.
    pub fn as_reply(self) -> i64 {
        match self {
            FieldPersistOutcome::NoSuchField => -2,
            FieldPersistOutcome::NoDeadline => -1,
            FieldPersistOutcome::Persisted => 1,
        }
    }
}

/// The remaining time to live of a hash field (HTTL, HPTTL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldTtl {
    /// No such field, or no such key (Redis replies -2).
    Missing,
    /// The field has no deadline (-1).
    Persistent,
    /// The field expires after this long (millisecond precision; zero in its last millisecond).
    ExpiresIn(Duration),
}

impl FieldTtl {
    /// Redis's HTTL reply: -2, -1, or seconds rounded *up* (unlike TTL's rounding to nearest).
    pub fn as_secs_reply(self) -> i64 {
        match self {
            FieldTtl::Missing => -2,
            FieldTtl::Persistent => -1,
            FieldTtl::ExpiresIn(d) => ((d.as_millis() as u64).saturating_add(999) / 1000) as i64,
        }
    }

    /// Redis's HPTTL reply: -2, -1, or milliseconds.
    pub fn as_millis_reply(self) -> i64 {
        match self {
            FieldTtl::Missing => -2,
            FieldTtl::Persistent => -1,
            FieldTtl::ExpiresIn(d) => d.as_millis() as i64,
        }
    }
}

/// The absolute deadline of a hash field (HEXPIRETIME, HPEXPIRETIME).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldExpireTime {
    /// No such field, or no such key (Redis replies -2).
    Missing,
    /// The field has no deadline (-1).
    Persistent,
    /// The field expires at this Unix time in milliseconds.
    AtMs(u64),
}

impl FieldExpireTime {
    /// Redis's HEXPIRETIME reply: -2, -1, or Unix seconds rounded up.
    pub fn as_secs_reply(self) -> i64 {
        match self {
            FieldExpireTime::Missing => -2,
            FieldExpireTime::Persistent => -1,
            FieldExpireTime::AtMs(ms) => (ms.saturating_add(999) / 1000) as i64,
        }
    }

    /// Redis's HPEXPIRETIME reply: -2, -1, or Unix milliseconds.
    pub fn as_millis_reply(self) -> i64 {
        match self {
            FieldExpireTime::Missing => -2,
            FieldExpireTime::Persistent => -1,
            FieldExpireTime::AtMs(ms) => ms as i64,
        }
    }
}

/// Parses the `FIELDS numfields field [field ...]` block that ends every field-expiry
/// command; `args` starts at the FIELDS keyword. Returns the fields.
///
/// ```
/// use keyp::{parse_fields_argument, Error};
///
/// let args = ["FIELDS", "2", "a", "b"];
/// assert_eq!(parse_fields_argument(&args).unwrap(), ["a", "b"]);
/// assert!(matches!(parse_fields_argument(&["FIELDS", "3", "a"]), Err(Error::NumFieldsMismatch)));
/// assert!(matches!(parse_fields_argument(&["FIELDS", "0", "a"]), Err(Error::NumFieldsNotPositive)));
/// assert!(matches!(parse_fields_argument(&["FIELD", "1", "a"]), Err(Error::FieldsArgumentMissing)));
/// ```
///
/// # Errors
/// [`Error::FieldsArgumentMissing`] if `args` does not start with FIELDS (any case);
/// [`Error::NumFieldsNotPositive`] if `numfields` is missing, not an integer or below 1;
/// [`Error::NumFieldsMismatch`] if it differs from the number of fields that follow.
pub fn parse_fields_argument<B: AsRef<[u8]>>(args: &[B]) -> Result<&[B]> {
    match args.first() {
        Some(word) if word.as_ref().eq_ignore_ascii_case(b"FIELDS") => {}
        _ => return Err(Error::FieldsArgumentMissing),
    }
    let count = args
        .get(1)
        .and_then(|arg| crate::types::string::parse_i64(arg.as_ref()))
        .filter(|count| *count >= 1)
        .ok_or(Error::NumFieldsNotPositive)?;
    let fields = args.get(2..).unwrap_or_default();
    if u64::try_from(fields.len()).ok() != Some(count as u64) {
        return Err(Error::NumFieldsMismatch);
    }
    Ok(fields)
}

/// Parses what follows the time argument of HEXPIRE, HPEXPIRE, HEXPIREAT and HPEXPIREAT:
/// `[NX | XX | GT | LT] FIELDS numfields field [field ...]`. Returns the condition and the
/// fields.
///
/// ```
/// use keyp::{parse_hexpire_arguments, Error, ExpireCondition};
///
/// let (condition, fields) = parse_hexpire_arguments(&["gt", "FIELDS", "1", "f"]).unwrap();
/// assert_eq!((condition, fields), (ExpireCondition::Gt, &["f"][..]));
/// assert!(matches!(
///     parse_hexpire_arguments(&["NX", "XX", "FIELDS", "1", "f"]),
///     Err(Error::FieldsArgumentMissing)
/// ));
/// ```
///
/// # Errors
/// As [`parse_fields_argument`]; a second condition is where FIELDS should be, so it gives
/// [`Error::FieldsArgumentMissing`].
pub fn parse_hexpire_arguments<B: AsRef<[u8]>>(args: &[B]) -> Result<(ExpireCondition, &[B])> {
    let condition = args.first().and_then(|word| {
        let word = word.as_ref();
        [
            (&b"NX"[..], ExpireCondition::Nx),
            (b"XX", ExpireCondition::Xx),
            (b"GT", ExpireCondition::Gt),
            (b"LT", ExpireCondition::Lt),
        ]
        .into_iter()
        .find(|(name, _)| word.eq_ignore_ascii_case(name))
        .map(|(_, condition)| condition)
    });
    match condition {
        Some(condition) => Ok((
            condition,
            parse_fields_argument(args.get(1..).unwrap_or_default())?,
        )),
        None => Ok((ExpireCondition::Always, parse_fields_argument(args)?)),
    }
}

/// Converts a field-expiry time argument to an absolute deadline in milliseconds with Redis
/// 7.4's checks. `seconds` scales by 1000; `base_ms` is now for the relative forms, 0 for *AT.
fn field_deadline(value: i64, seconds: bool, base_ms: u64, command: &'static str) -> Result<u64> {
    if value < 0 {
        return Err(Error::NegativeExpireTime);
    }
    let invalid = Error::InvalidExpireTime(command);
    let ms = if seconds {
        if value > MAX_FIELD_DEADLINE_MS / 1000 {
            return Err(invalid);
        }
        value * 1000
    } else {
        value
    };
    let base = i64::try_from(base_ms).unwrap_or(i64::MAX);
    if ms > MAX_FIELD_DEADLINE_MS.saturating_sub(base) {
        return Err(invalid);
    }
    Ok((ms + base) as u64)
}

impl ReadTxn<'_> {
    /// HTTL / HPTTL: the remaining time to live of each of `fields` of the hash at `key`.
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type; [`Error::NumFieldsNotPositive`] if
    /// `fields` is empty.
    pub fn httl(
        &self,
        key: impl AsRef<[u8]>,
        fields: &[impl AsRef<[u8]>],
    ) -> Result<Vec<FieldTtl>> {
        let now = self.now_ms();
        self.field_deadlines(key.as_ref(), fields, |deadline| match deadline {
            None => FieldTtl::Missing,
            Some(0) => FieldTtl::Persistent,
            Some(at) => FieldTtl::ExpiresIn(Duration::from_millis(at.saturating_sub(now))),
        })
    }

    /// HEXPIRETIME / HPEXPIRETIME: the absolute deadline of each of `fields`.
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type; [`Error::NumFieldsNotPositive`] if
    /// `fields` is empty.
    pub fn hexpire_time(
        &self,
        key: impl AsRef<[u8]>,
        fields: &[impl AsRef<[u8]>],
    ) -> Result<Vec<FieldExpireTime>> {
        self.field_deadlines(key.as_ref(), fields, |deadline| match deadline {
            None => FieldExpireTime::Missing,
            Some(0) => FieldExpireTime::Persistent,
            Some(at) => FieldExpireTime::AtMs(at),
        })
    }

    /// Maps the deadline of each live field (`None` if missing, `Some(0)` if none).
    fn field_deadlines<T>(
        &self,
        key: &[u8],
        fields: &[impl AsRef<[u8]>],
        map: impl Fn(Option<u64>) -> T,
    ) -> Result<Vec<T>> {
        let hash = self.hash(key)?;
        if fields.is_empty() {
            return Err(Error::NumFieldsNotPositive);
        }
        let Some(hash) = hash else {
            return Ok(fields.iter().map(|_| map(None)).collect());
        };
        fields
            .iter()
            .map(|field| {
                let found = self.live_field(&hash, field.as_ref())?;
                Ok(map(found.map(|f| f.deadline_ms)))
            })
            .collect()
    }
}

impl WriteTxn<'_> {
    /// HEXPIRE: each of `fields` of the hash at `key` expires `seconds` from now, if
    /// `condition` allows (a field without a deadline counts as never expiring for GT and LT).
    /// A deadline not in the future deletes the field (and the key with its last field).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::time::Duration;
    /// use keyp::{ExpireCondition, FieldExpireOutcome, FieldTtl, ManualClock, StoreOptions};
    ///
    /// # fn main() -> keyp::Result<()> {
    /// let dir = tempfile::tempdir()?;
    /// let clock = Arc::new(ManualClock::new(1_700_000_000_000));
    /// let store = StoreOptions::new().clock(clock.clone()).open(dir.path())?;
    /// store.hset("session", &[("token", "abc"), ("user", "ada")])?;
    /// let outcome = store.hexpire("session", 60, ExpireCondition::Always, &["token", "nope"])?;
    /// assert_eq!(outcome, [FieldExpireOutcome::Set, FieldExpireOutcome::NoSuchField]);
    /// assert_eq!(store.httl("session", &["token", "user"])?,
    ///            [FieldTtl::ExpiresIn(Duration::from_secs(60)), FieldTtl::Persistent]);
    /// clock.advance(Duration::from_millis(60_001));
    /// assert_eq!(store.hget("session", "token")?, None);
    /// assert_eq!(store.hlen("session")?, 1);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// In Redis's order: [`Error::WrongType`]; [`Error::NegativeExpireTime`] for a negative
    /// time; [`Error::InvalidExpireTime`] for a deadline past 2^46 - 1 ms (Redis 7.4's limit);
    /// [`Error::NumFieldsNotPositive`] if `fields` is empty.
    pub fn hexpire(
        &mut self,
        key: impl AsRef<[u8]>,
        seconds: i64,
        condition: ExpireCondition,
        fields: &[impl AsRef<[u8]>],
    ) -> Result<Vec<FieldExpireOutcome>> {
        let now = self.now_ms();
        self.expire_fields(key.as_ref(), fields, condition, || {
            field_deadline(seconds, true, now, "hexpire")
        })
    }

    /// HPEXPIRE: as [`hexpire`](Self::hexpire), in milliseconds.
    ///
    /// # Errors
    /// As [`hexpire`](Self::hexpire).
    pub fn hpexpire(
        &mut self,
        key: impl AsRef<[u8]>,
        milliseconds: i64,
        condition: ExpireCondition,
        fields: &[impl AsRef<[u8]>],
    ) -> Result<Vec<FieldExpireOutcome>> {
        let now = self.now_ms();
        self.expire_fields(key.as_ref(), fields, condition, || {
            field_deadline(milliseconds, false, now, "hpexpire")
        })
    }

    /// HEXPIREAT: as [`hexpire`](Self::hexpire), at Unix time `unix_seconds`.
    ///
    /// # Errors
    /// As [`hexpire`](Self::hexpire).
    pub fn hexpire_at(
        &mut self,
        key: impl AsRef<[u8]>,
        unix_seconds: i64,
        condition: ExpireCondition,
        fields: &[impl AsRef<[u8]>],
    ) -> Result<Vec<FieldExpireOutcome>> {
        self.expire_fields(key.as_ref(), fields, condition, || {
            field_deadline(unix_seconds, true, 0, "hexpireat")
        })
    }

    /// HPEXPIREAT: as [`hexpire`](Self::hexpire), at Unix time `unix_ms` milliseconds.
    ///
    /// # Errors
    /// As [`hexpire`](Self::hexpire).
    pub fn hpexpire_at(
        &mut self,
        key: impl AsRef<[u8]>,
        unix_ms: i64,
        condition: ExpireCondition,
        fields: &[impl AsRef<[u8]>],
    ) -> Result<Vec<FieldExpireOutcome>> {
        self.expire_fields(key.as_ref(), fields, condition, || {
            field_deadline(unix_ms, false, 0, "hpexpireat")
        })
    }

    /// HPERSIST: removes the deadline of each of `fields`.
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type; [`Error::NumFieldsNotPositive`] if
    /// `fields` is empty.
    pub fn hpersist(
        &mut self,
        key: impl AsRef<[u8]>,
        fields: &[impl AsRef<[u8]>],
    ) -> Result<Vec<FieldPersistOutcome>> {
        let outcome = self.update_hash(key.as_ref(), false, |tx, hash| {
            if fields.is_empty() {
                return Err(Error::NumFieldsNotPositive);
            }
            let mut out = Vec::with_capacity(fields.len());
            for field in fields {
                let field = field.as_ref();
                out.push(match tx.stored_deadline(hash, field)? {
                    None => FieldPersistOutcome::NoSuchField,
                    Some(0) => FieldPersistOutcome::NoDeadline,
                    Some(at) => {
                        tx.rewrite_deadline(hash, field, at, 0)?;
                        FieldPersistOutcome::Persisted
                    }
                });
            }
            Ok(out)
        })?;
        match outcome {
            Some(out) => Ok(out),
            None if fields.is_empty() => Err(Error::NumFieldsNotPositive),
            None => Ok(vec![FieldPersistOutcome::NoSuchField; fields.len()]),
        }
    }

    /// The HEXPIRE family: `deadline` validates the time argument (after the type check, as
    /// Redis orders its errors) and gives the absolute deadline.
    fn expire_fields(
        &mut self,
        key: &[u8],
        fields: &[impl AsRef<[u8]>],
        condition: ExpireCondition,
        deadline: impl Fn() -> Result<u64>,
    ) -> Result<Vec<FieldExpireOutcome>> {
        let now = self.now_ms();
        let outcome = self.update_hash(key, false, |tx, hash| {
            let when = deadline()?;
            if fields.is_empty() {
                return Err(Error::NumFieldsNotPositive);
            }
            if hash.is_listpack() {
                hash.set_flag(LISTPACK_EX);
            }
            let mut out = Vec::with_capacity(fields.len());
            for field in fields {
                out.push(tx.expire_field(hash, field.as_ref(), condition, when, now)?);
            }
            Ok(out)
        })?;
        match outcome {
            Some(out) => Ok(out),
            None => {
                deadline()?;
                if fields.is_empty() {
                    return Err(Error::NumFieldsNotPositive);
                }
                Ok(vec![FieldExpireOutcome::NoSuchField; fields.len()])
            }
        }
    }

    fn expire_field(
        &mut self,
        hash: &mut HashWrite,
        field: &[u8],
        condition: ExpireCondition,
        when: u64,
        now: u64,
    ) -> Result<FieldExpireOutcome> {
        let Some(current) = self.stored_deadline(hash, field)? else {
            return Ok(FieldExpireOutcome::NoSuchField);
        };
        let allowed = match condition {
            ExpireCondition::Always => true,
            ExpireCondition::Nx => current == 0,
            ExpireCondition::Xx => current != 0,
            ExpireCondition::Gt => current != 0 && when > current,
            ExpireCondition::Lt => current == 0 || when < current,
        };
        if !allowed {
            return Ok(FieldExpireOutcome::ConditionNotMet);
        }
        if when <= now {
            self.del_field(hash, field, current)?;
            return Ok(FieldExpireOutcome::Deleted);
        }
        self.rewrite_deadline(hash, field, current, when)?;
        Ok(FieldExpireOutcome::Set)
    }

    /// Gives a stored field (deadline `old`) the deadline `new`, keeping its value.
    fn rewrite_deadline(
        &mut self,
        hash: &mut HashWrite,
        field: &[u8],
        old: u64,
        new: u64,
    ) -> Result<()> {
        if old == new {
            return Ok(());
        }
        let value = match self.element(hash.coll.key_id, ElementKind::HashField, field)? {
            Some(payload) => super::decode_field(payload)?.value.to_vec(),
            None => return Err(Error::Corrupt("hash field vanished")),
        };
        self.put_field(hash, field, &value, new, Some(old))
    }
}

store_ops! {
    /// HTTL / HPTTL; see [`ReadTxn::httl`].
    read fn httl(key: impl AsRef<[u8]>, fields: &[impl AsRef<[u8]>]) -> Vec<FieldTtl>;
    /// HEXPIRETIME / HPEXPIRETIME; see [`ReadTxn::hexpire_time`].
    read fn hexpire_time(key: impl AsRef<[u8]>, fields: &[impl AsRef<[u8]>]) -> Vec<FieldExpireTime>;
    /// HEXPIRE; see [`WriteTxn::hexpire`].
    write fn hexpire(key: impl AsRef<[u8]>, seconds: i64, condition: ExpireCondition, fields: &[impl AsRef<[u8]>]) -> Vec<FieldExpireOutcome>;
    /// HPEXPIRE; see [`WriteTxn::hpexpire`].
    write fn hpexpire(key: impl AsRef<[u8]>, milliseconds: i64, condition: ExpireCondition, fields: &[impl AsRef<[u8]>]) -> Vec<FieldExpireOutcome>;
    /// HEXPIREAT; see [`WriteTxn::hexpire_at`].
    write fn hexpire_at(key: impl AsRef<[u8]>, unix_seconds: i64, condition: ExpireCondition, fields: &[impl AsRef<[u8]>]) -> Vec<FieldExpireOutcome>;
    /// HPEXPIREAT; see [`WriteTxn::hpexpire_at`].
    write fn hpexpire_at(key: impl AsRef<[u8]>, unix_ms: i64, condition: ExpireCondition, fields: &[impl AsRef<[u8]>]) -> Vec<FieldExpireOutcome>;
    /// HPERSIST; see [`WriteTxn::hpersist`].
    write fn hpersist(key: impl AsRef<[u8]>, fields: &[impl AsRef<[u8]>]) -> Vec<FieldPersistOutcome>;
}
