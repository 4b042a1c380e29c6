//! The reference model: Redis 7.0 semantics over a `BTreeMap`, written from Redis's documented
//! and observed behaviour (checked against `redis-server` 7.0), independently of keyp's code.
//! Deliberately naive: expired keys are dropped before every command, values are `Vec`s.

use std::collections::BTreeMap;

use keyp::{ExpireCondition, Expiry, GetExAction, SetCondition, SetOptions, SetTtl};

use crate::cmd::{Cmd, Reply, K, V};

const NOT_INTEGER: &str = "ERR value is not an integer or out of range";
const OVERFLOW: &str = "ERR increment or decrement would overflow";
const DECREMENT_OVERFLOW: &str = "ERR decrement would overflow";

fn invalid_expire(command: &str) -> Reply {
    Reply::Err(format!("ERR invalid expire time in '{command}' command"))
}

/// A stored value. Only strings exist so far; other types become variants here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Str(Vec<u8>),
}

/// A key's value and deadline (absolute ms; alive while `now <= deadline`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub value: Value,
    pub deadline: Option<u64>,
}

/// One logical database and the clock.
#[derive(Clone, Debug)]
pub struct Model {
    pub now: u64,
    pub data: BTreeMap<Vec<u8>, Entry>,
}

/// Redis's strict integer syntax: `0`, or an optional `-` then a digit 1-9 then digits; at
/// most 20 characters; within i64.
fn parse_int(bytes: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(bytes).ok()?;
    if text == "0" {
        return Some(0);
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    let well_formed = text.len() <= 20
        && !digits.is_empty()
        && !digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit());
    if well_formed {
        text.parse().ok()
    } else {
        None
    }
}

/// SET / GETEX / SETEX expiry argument to an absolute deadline (Redis: the argument must be
/// positive and the resulting milliseconds must fit an i64).
fn set_deadline(expiry: Expiry, now: u64, command: &str) -> Result<u64, Reply> {
    let (arg, unit, base) = match expiry {
        Expiry::Ex(s) => (s, 1000i128, now as i128),
        Expiry::Px(ms) => (ms, 1, now as i128),
        Expiry::ExAt(s) => (s, 1000, 0),
        Expiry::PxAt(ms) => (ms, 1, 0),
    };
    let ms = i128::from(arg) * unit + base;
    if arg <= 0 || ms > i128::from(i64::MAX) {
        return Err(invalid_expire(command));
    }
    Ok(ms as u64)
}

/// EXPIRE-family argument to an absolute deadline (may be negative: the key then goes).
fn expire_deadline(arg: i64, unit: i128, base: u64, command: &str) -> Result<i128, Reply> {
    let scaled = i128::from(arg) * unit;
    let when = scaled + i128::from(base);
    if scaled > i128::from(i64::MAX) || scaled < i128::from(i64::MIN) || when > i128::from(i64::MAX)
    {
        return Err(invalid_expire(command));
    }
    Ok(when)
}

impl Model {
    pub fn new(now: u64) -> Model {
        Model {
            now,
            data: BTreeMap::new(),
        }
    }

    /// Drops the keys whose deadline has passed: they no longer exist for any command.
    pub fn purge(&mut self) {
        let now = self.now;
        self.data
            .retain(|_, e| e.deadline.map_or(true, |d| now <= d));
    }

    /// The string at `key` (the place a WRONGTYPE error will come from once other types exist).
    fn string(&self, key: K) -> Result<Option<&Vec<u8>>, Reply> {
        Ok(self.data.get(key.bytes()).map(|e| match &e.value {
            Value::Str(s) => s,
        }))
    }

    fn deadline(&self, key: K) -> Option<u64> {
        self.data.get(key.bytes()).and_then(|e| e.deadline)
    }

    fn put(&mut self, key: K, value: Vec<u8>, deadline: Option<u64>) {
        let entry = Entry {
            value: Value::Str(value),
            deadline,
        };
        self.data.insert(key.bytes().to_vec(), entry);
        self.purge(); // a SET with a deadline in the past leaves no key behind
    }

    fn exists(&self, key: K) -> bool {
        self.data.contains_key(key.bytes())
    }

    /// Applies `cmd`, returning Redis's reply.
    pub fn apply(&mut self, cmd: &Cmd) -> Reply {
        self.purge();
        match self.apply_inner(cmd) {
            Ok(reply) | Err(reply) => reply,
        }
    }

    fn apply_inner(&mut self, cmd: &Cmd) -> Result<Reply, Reply> {
        Ok(match cmd {
            Cmd::Get(k) | Cmd::GetWith(k) => Reply::bulk(self.string(*k)?.map(|v| &v[..])),
            Cmd::MGet(ks) => Reply::Array(
                ks.iter()
                    .map(|k| Reply::bulk(self.string(*k).ok().flatten().map(|v| &v[..])))
                    .collect(),
            ),
            Cmd::StrLen(k) => Reply::Int(self.string(*k)?.map_or(0, |v| v.len() as i64)),
            Cmd::Set(k, v, options) => self.set(*k, v, *options, "set")?,
            Cmd::SetNx(k, v) => {
                let options = SetOptions {
                    condition: SetCondition::IfMissing,
                    ..SetOptions::default()
                };
                let Reply::Array(outcome) = self.set(*k, v, options, "set")? else {
                    unreachable!()
                };
                outcome[0].clone()
            }
            Cmd::SetEx(k, seconds, v) => {
                let deadline = set_deadline(Expiry::Ex(*seconds), self.now, "setex")?;
                self.put(*k, v.0.clone(), Some(deadline));
                Reply::Ok
            }
            Cmd::PSetEx(k, ms, v) => {
                let deadline = set_deadline(Expiry::Px(*ms), self.now, "psetex")?;
                self.put(*k, v.0.clone(), Some(deadline));
                Reply::Ok
            }
            Cmd::MSet(kvs) => {
                for (k, v) in kvs {
                    self.put(*k, v.0.clone(), None);
                }
                Reply::Ok
            }
            Cmd::MSetNx(kvs) => {
                if kvs.iter().any(|(k, _)| self.exists(*k)) {
                    return Ok(Reply::Bool(false));
                }
                for (k, v) in kvs {
                    self.put(*k, v.0.clone(), None);
                }
                Reply::Bool(true)
            }
            Cmd::GetSet(k, v) => {
                let old = self.string(*k)?.cloned();
                self.put(*k, v.0.clone(), None);
                Reply::bulk(old.as_deref())
            }
            Cmd::GetDel(k) => {
                let old = self.string(*k)?.cloned();
                self.data.remove(k.bytes());
                Reply::bulk(old.as_deref())
            }
            Cmd::GetEx(k, action) => self.getex(*k, *action)?,
            Cmd::Incr(k) => self.incr_by(*k, 1)?,
            Cmd::Decr(k) => self.incr_by(*k, -1)?,
            Cmd::IncrBy(k, delta) => self.incr_by(*k, *delta)?,
            Cmd::DecrBy(k, delta) => {
                let negated = delta
                    .checked_neg()
                    .ok_or_else(|| Reply::Err(DECREMENT_OVERFLOW.into()))?;
                self.incr_by(*k, negated)?
            }
            Cmd::Del(ks) => {
                let deleted = ks
                    .iter()
                    .filter(|k| self.data.remove(k.bytes()).is_some())
                    .count();
                Reply::Int(deleted as i64)
            }
            Cmd::Exists(ks) => Reply::Int(ks.iter().filter(|k| self.exists(**k)).count() as i64),
            Cmd::Type(k) => Reply::Status(match self.data.get(k.bytes()).map(|e| &e.value) {
                None => "none",
                Some(Value::Str(_)) => "string",
            }),
            Cmd::DbSize => Reply::Int(self.data.len() as i64),
            Cmd::FlushDb => {
                self.data.clear();
                Reply::Ok
            }
            Cmd::Expire(k, n, c) => self.expire(*k, *n, 1000, true, *c, "expire")?,
            Cmd::PExpire(k, n, c) => self.expire(*k, *n, 1, true, *c, "pexpire")?,
            Cmd::ExpireAt(k, n, c) => self.expire(*k, *n, 1000, false, *c, "expireat")?,
            Cmd::PExpireAt(k, n, c) => self.expire(*k, *n, 1, false, *c, "pexpireat")?,
            Cmd::Ttl(k) | Cmd::PTtl(k) => {
                let ms = match (self.exists(*k), self.deadline(*k)) {
                    (false, _) => return Ok(Reply::Int(-2)),
                    (true, None) => return Ok(Reply::Int(-1)),
                    (true, Some(d)) => (d - self.now) as i64,
                };
                Reply::Int(if matches!(cmd, Cmd::Ttl(_)) {
                    (ms + 500) / 1000
                } else {
                    ms
                })
            }
            Cmd::ExpireTime(k) | Cmd::PExpireTime(k) => {
                let ms = match (self.exists(*k), self.deadline(*k)) {
                    (false, _) => return Ok(Reply::Int(-2)),
                    (true, None) => return Ok(Reply::Int(-1)),
                    (true, Some(d)) => d as i64,
                };
                // Redis rounds EXPIRETIME to the nearest second, as it does TTL.
                Reply::Int(if matches!(cmd, Cmd::ExpireTime(_)) {
                    (ms + 500) / 1000
                } else {
                    ms
                })
            }
            Cmd::Persist(k) => match self.data.get_mut(k.bytes()) {
                Some(entry) if entry.deadline.is_some() => {
                    entry.deadline = None;
                    Reply::Bool(true)
                }
                _ => Reply::Bool(false),
            },
        })
    }

    /// SET with options; the reply is `[written, previous]` as keyp's `SetOutcome`.
    fn set(&mut self, k: K, v: &V, options: SetOptions, command: &str) -> Result<Reply, Reply> {
        let new_deadline = match options.ttl {
            SetTtl::Expire(expiry) => Some(set_deadline(expiry, self.now, command)?),
            _ => None,
        };
        // Only SET ... GET looks at the old value (and so only it can fail on another type).
        let previous = if options.get {
            self.string(k)?.cloned()
        } else {
            None
        };
        let exists = self.exists(k);
        let allowed = match options.condition {
            SetCondition::Always => true,
            SetCondition::IfMissing => !exists,
            SetCondition::IfExists => exists,
        };
        if allowed {
            let deadline = match options.ttl {
                SetTtl::Keep => self.deadline(k),
                _ => new_deadline,
            };
            self.put(k, v.0.clone(), deadline);
        }
        Ok(Reply::Array(vec![
            Reply::Bool(allowed),
            Reply::bulk(previous.as_deref()),
        ]))
    }

    /// GETEX: a missing key replies nil before the expiry argument is even looked at.
    fn getex(&mut self, k: K, action: GetExAction) -> Result<Reply, Reply> {
        let Some(value) = self.string(k)?.cloned() else {
            return Ok(Reply::Nil);
        };
        match action {
            GetExAction::Keep => {}
            GetExAction::Persist => self.data.get_mut(k.bytes()).unwrap().deadline = None,
            GetExAction::Expire(expiry) => {
                let deadline = set_deadline(expiry, self.now, "getex")?;
                self.data.get_mut(k.bytes()).unwrap().deadline = Some(deadline);
                if deadline <= self.now {
                    self.data.remove(k.bytes());
                }
            }
        }
        Ok(Reply::Bulk(value))
    }

    fn incr_by(&mut self, k: K, delta: i64) -> Result<Reply, Reply> {
        let current = match self.string(k)? {
            None => 0,
            Some(v) => parse_int(v).ok_or_else(|| Reply::Err(NOT_INTEGER.into()))?,
        };
        let new = current
            .checked_add(delta)
            .ok_or_else(|| Reply::Err(OVERFLOW.into()))?;
        let deadline = self.deadline(k);
        self.put(k, new.to_string().into_bytes(), deadline);
        Ok(Reply::Int(new))
    }

    fn expire(
        &mut self,
        k: K,
        arg: i64,
        unit: i128,
        relative: bool,
        condition: ExpireCondition,
        command: &str,
    ) -> Result<Reply, Reply> {
        let base = if relative { self.now } else { 0 };
        let when = expire_deadline(arg, unit, base, command)?;
        if !self.exists(k) {
            return Ok(Reply::Bool(false));
        }
        let current = self.deadline(k).map(i128::from);
        let allowed = match (condition, current) {
            (ExpireCondition::Always, _) => true,
            (ExpireCondition::Nx, current) => current.is_none(),
            (ExpireCondition::Xx, current) => current.is_some(),
            (ExpireCondition::Gt, None) => false,
            (ExpireCondition::Gt, Some(current)) => when > current,
            (ExpireCondition::Lt, None) => true,
            (ExpireCondition::Lt, Some(current)) => when < current,
        };
        if !allowed {
            return Ok(Reply::Bool(false));
        }
        if when <= i128::from(self.now) {
            self.data.remove(k.bytes());
        } else {
            self.data.get_mut(k.bytes()).unwrap().deadline = Some(when as u64);
        }
        Ok(Reply::Bool(true))
    }
}
