//! The reference model: Redis 7.0 semantics over a `BTreeMap`, written from Redis's documented
//! and observed behaviour (checked against `redis-server` 7.0), independently of keyp's code.
//! Deliberately naive: expired keys are dropped before every command, values are `Vec`s.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use keyp::{ExpireCondition, Expiry, GetExAction, SetCondition, SetOptions, SetTtl};

use crate::cmd::{Cmd, Reply, K, V};

const NOT_INTEGER: &str = "ERR value is not an integer or out of range";
const OVERFLOW: &str = "ERR increment or decrement would overflow";
const DECREMENT_OVERFLOW: &str = "ERR decrement would overflow";
const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

fn wrongtype() -> Reply {
    Reply::Err(WRONGTYPE.into())
}

fn invalid_expire(command: &str) -> Reply {
    Reply::Err(format!("ERR invalid expire time in '{command}' command"))
}

/// A stored value. Sorted-set scores are whole numbers (the generator's), so `i64` holds them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Str(Vec<u8>),
    List(VecDeque<Vec<u8>>),
    Hash(BTreeMap<Vec<u8>, Vec<u8>>),
    Set(BTreeSet<Vec<u8>>),
    ZSet(BTreeMap<Vec<u8>, i64>),
}

impl Value {
    /// TYPE's name for the value.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Hash(_) => "hash",
            Value::Set(_) => "set",
            Value::ZSet(_) => "zset",
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Value::Str(_) => false,
            Value::List(l) => l.is_empty(),
            Value::Hash(h) => h.is_empty(),
            Value::Set(s) => s.is_empty(),
            Value::ZSet(z) => z.is_empty(),
        }
    }

    /// The reply of the type's read-everything command (LRANGE 0 -1, HGETALL and SMEMBERS
    /// sorted, ZRANGE 0 -1 WITHSCORES); `None` for a string.
    pub fn contents(&self) -> Option<Reply> {
        let bulk = |b: &Vec<u8>| Reply::Bulk(b.clone());
        Some(match self {
            Value::Str(_) => return None,
            Value::List(l) => Reply::Array(l.iter().map(bulk).collect()),
            Value::Hash(h) => Reply::Array(
                h.iter()
                    .map(|(f, v)| Reply::Array(vec![bulk(f), bulk(v)]))
                    .collect(),
            )
            .sorted(),
            Value::Set(s) => Reply::Array(s.iter().map(bulk).collect()).sorted(),
            Value::ZSet(z) => {
                let mut pairs: Vec<(i64, &Vec<u8>)> = z.iter().map(|(m, s)| (*s, m)).collect();
                pairs.sort();
                Reply::Array(
                    pairs
                        .into_iter()
                        .map(|(s, m)| {
                            Reply::Array(vec![bulk(m), Reply::Score((s as f64).to_string())])
                        })
                        .collect(),
                )
            }
        })
    }
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

    /// The string at `key`; WRONGTYPE for another type.
    fn string(&self, key: K) -> Result<Option<&Vec<u8>>, Reply> {
        match self.data.get(key.bytes()).map(|e| &e.value) {
            None => Ok(None),
            Some(Value::Str(s)) => Ok(Some(s)),
            Some(_) => Err(wrongtype()),
        }
    }

    /// The collection at `key` for a command of `empty`'s type, created (empty, without a
    /// deadline) if missing; WRONGTYPE for another type.
    fn collection(&mut self, key: K, empty: Value) -> Result<&mut Value, Reply> {
        let entry = self.data.entry(key.bytes().to_vec()).or_insert(Entry {
            value: empty.clone(),
            deadline: None,
        });
        if std::mem::discriminant(&entry.value) != std::mem::discriminant(&empty) {
            return Err(wrongtype());
        }
        Ok(&mut entry.value)
    }

    /// Read-only access for a command of `empty`'s type: `None` for a missing key.
    fn peek(&self, key: K, empty: &Value) -> Result<Option<&Value>, Reply> {
        match self.data.get(key.bytes()) {
            None => Ok(None),
            Some(e) if std::mem::discriminant(&e.value) == std::mem::discriminant(empty) => {
                Ok(Some(&e.value))
            }
            Some(_) => Err(wrongtype()),
        }
    }

    /// Runs a write on the collection at `key` (created if missing); the key goes if the
    /// collection ends empty.
    fn write_collection(
        &mut self,
        key: K,
        empty: Value,
        write: impl FnOnce(&mut Value) -> Reply,
    ) -> Result<Reply, Reply> {
        let reply = write(self.collection(key, empty)?);
        if self
            .data
            .get(key.bytes())
            .is_some_and(|e| e.value.is_empty())
        {
            self.data.remove(key.bytes());
        }
        Ok(reply)
    }

    /// Runs a removing write on the collection at `key`: a missing key gives `missing`
    /// without creating anything.
    fn remove_from(
        &mut self,
        key: K,
        empty: Value,
        missing: Reply,
        write: impl FnOnce(&mut Value) -> Reply,
    ) -> Result<Reply, Reply> {
        if self.peek(key, &empty)?.is_none() {
            return Ok(missing);
        }
        self.write_collection(key, empty, write)
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
            Cmd::Type(k) => Reply::Status(
                self.data
                    .get(k.bytes())
                    .map_or("none", |e| e.value.type_name()),
            ),
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
                // Redis rounds EXPIRETIME to the nearest second, as it does TTL (without
                // overflowing for a deadline near i64::MAX).
                Reply::Int(if matches!(cmd, Cmd::ExpireTime(_)) {
                    ((i128::from(ms) + 500) / 1000) as i64
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
            Cmd::Rename(a, b) => {
                let entry = self
                    .data
                    .remove(a.bytes())
                    .ok_or_else(|| Reply::Err("ERR no such key".into()))?;
                self.data.insert(b.bytes().to_vec(), entry);
                Reply::Ok
            }
            Cmd::Copy(a, b, replace) => {
                if a == b {
                    return Err(Reply::Err(
                        "ERR source and destination objects are the same".into(),
                    ));
                }
                let Some(entry) = self.data.get(a.bytes()).cloned() else {
                    return Ok(Reply::Bool(false));
                };
                if self.exists(*b) && !replace {
                    return Ok(Reply::Bool(false));
                }
                self.data.insert(b.bytes().to_vec(), entry);
                Reply::Bool(true)
            }
            Cmd::RPush(k, vs) => self.write_collection(*k, Value::List(VecDeque::new()), |v| {
                let Value::List(list) = v else { unreachable!() };
                list.extend(vs.iter().map(|e| e.0.clone()));
                Reply::Int(list.len() as i64)
            })?,
            Cmd::LPop(k) => {
                self.remove_from(*k, Value::List(VecDeque::new()), Reply::Nil, |v| {
                    let Value::List(list) = v else { unreachable!() };
                    Reply::bulk(list.pop_front().as_deref())
                })?
            }
            Cmd::HSet(k, fvs) => self.write_collection(*k, Value::Hash(BTreeMap::new()), |v| {
                let Value::Hash(hash) = v else { unreachable!() };
                let added = fvs
                    .iter()
                    .filter(|(f, value)| hash.insert(f.0.clone(), value.0.clone()).is_none())
                    .count();
                Reply::Int(added as i64)
            })?,
            Cmd::HDel(k, fs) => {
                self.remove_from(*k, Value::Hash(BTreeMap::new()), Reply::Int(0), |v| {
                    let Value::Hash(hash) = v else { unreachable!() };
                    Reply::Int(fs.iter().filter(|f| hash.remove(&f.0).is_some()).count() as i64)
                })?
            }
            Cmd::SAdd(k, ms) => self.write_collection(*k, Value::Set(BTreeSet::new()), |v| {
                let Value::Set(set) = v else { unreachable!() };
                Reply::Int(ms.iter().filter(|m| set.insert(m.0.clone())).count() as i64)
            })?,
            Cmd::SRem(k, ms) => {
                self.remove_from(*k, Value::Set(BTreeSet::new()), Reply::Int(0), |v| {
                    let Value::Set(set) = v else { unreachable!() };
                    Reply::Int(ms.iter().filter(|m| set.remove(&m.0)).count() as i64)
                })?
            }
            Cmd::ZAdd(k, pairs) => {
                self.write_collection(*k, Value::ZSet(BTreeMap::new()), |v| {
                    let Value::ZSet(zset) = v else { unreachable!() };
                    let added = pairs
                        .iter()
                        .filter(|(score, m)| zset.insert(m.0.clone(), *score).is_none())
                        .count();
                    Reply::Int(added as i64)
                })?
            }
            Cmd::ZRem(k, ms) => {
                self.remove_from(*k, Value::ZSet(BTreeMap::new()), Reply::Int(0), |v| {
                    let Value::ZSet(zset) = v else { unreachable!() };
                    Reply::Int(ms.iter().filter(|m| zset.remove(&m.0).is_some()).count() as i64)
                })?
            }
            Cmd::LRange(k) => self.read_all(*k, Value::List(VecDeque::new()))?,
            Cmd::HGetAll(k) => self.read_all(*k, Value::Hash(BTreeMap::new()))?,
            Cmd::SMembers(k) => self.read_all(*k, Value::Set(BTreeSet::new()))?,
            Cmd::ZRange(k) => self.read_all(*k, Value::ZSet(BTreeMap::new()))?,
        })
    }

    /// A read-everything command of `empty`'s type: an empty array for a missing key.
    fn read_all(&self, k: K, empty: Value) -> Result<Reply, Reply> {
        let value = self.peek(k, &empty)?.unwrap_or(&empty);
        Ok(value.contents().unwrap_or(Reply::Array(Vec::new())))
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
