//! Model test of hashes: random sequences of hash commands (with field deadlines), string
//! writes over the same keys, clock moves and restarts, applied both to a [`Store`] on a
//! [`ManualClock`] and to a `BTreeMap` model in which an expired field simply does not exist.
//! Every reply is compared (values and error texts), and after every restart and at the end the
//! whole contents, deadlines included, must be equal.
//!
//! 64 cases by default; `PROPTEST_CASES=2000 cargo test --test model_hash` for a longer run.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use keyp::{
    Bytes, Durability, ExpireCondition, FieldExpireOutcome, FieldExpireTime, FieldPersistOutcome,
    KeyType, ManualClock, ScanOptions, Store, StoreOptions,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const T0: u64 = 1_700_000_000_000;
/// Deadlines and clock moves are mostly multiples of this, so they meet exactly.
const GRID_MS: u64 = 50;
const KEYS: [&str; 3] = ["h1", "h2", "s"];

fn long_field() -> Vec<u8> {
    (0..600u32).map(|i| b'a' + (i % 26) as u8).collect()
}

fn field(index: usize) -> Vec<u8> {
    match index {
        0 => Vec::new(),
        1 => b"a".to_vec(),
        2 => b"b".to_vec(),
        3 => b"c".to_vec(),
        4 => b"n".to_vec(),
        _ => long_field(),
    }
}

const FIELD_COUNT: usize = 6;

fn value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"0".to_vec()),
        Just(b"1".to_vec()),
        Just(b"-5".to_vec()),
        Just(b"9223372036854775807".to_vec()),
        Just(b"x".to_vec()),
        Just(Vec::new()),
        Just(b"1.5".to_vec()),
        Just(b"007".to_vec()),
        Just(vec![b'v'; 100]),
    ]
}

#[derive(Clone, Debug)]
enum Op {
    HSet(usize, Vec<(usize, Vec<u8>)>),
    HSetNx(usize, usize, Vec<u8>),
    HDel(usize, Vec<usize>),
    HIncrBy(usize, usize, i64),
    /// HPEXPIRE with a relative time in ms.
    HPExpire(usize, i64, ExpireCondition, Vec<usize>),
    /// HPEXPIREAT now + offset.
    HPExpireAt(usize, i64, ExpireCondition, Vec<usize>),
    HPersist(usize, Vec<usize>),
    Read(usize),
    HRandField(usize, i64),
    HScan(usize, usize),
    SetString(usize),
    Del(usize),
    Advance(u64),
    Reopen,
}

fn condition() -> impl Strategy<Value = ExpireCondition> {
    proptest::sample::select(vec![
        ExpireCondition::Always,
        ExpireCondition::Nx,
        ExpireCondition::Xx,
        ExpireCondition::Gt,
        ExpireCondition::Lt,
    ])
}

fn op() -> impl Strategy<Value = Op> {
    let key = 0..KEYS.len();
    let fld = 0..FIELD_COUNT;
    let fields = vec(0..FIELD_COUNT, 1..4);
    let relative = prop_oneof![
        Just(0i64),
        (1i64..8).prop_map(|n| n * GRID_MS as i64),
        1i64..3
    ];
    let offset = prop_oneof![(-1i64..8).prop_map(|n| n * GRID_MS as i64), -1i64..=1];
    prop_oneof![
        8 => (key.clone(), vec((fld.clone(), value()), 1..4)).prop_map(|(k, p)| Op::HSet(k, p)),
        2 => (key.clone(), fld.clone(), value()).prop_map(|(k, f, v)| Op::HSetNx(k, f, v)),
        3 => (key.clone(), fields.clone()).prop_map(|(k, f)| Op::HDel(k, f)),
        3 => (key.clone(), fld.clone(), prop_oneof![-3i64..4, Just(i64::MAX), Just(i64::MIN)])
            .prop_map(|(k, f, d)| Op::HIncrBy(k, f, d)),
        5 => (key.clone(), relative, condition(), fields.clone())
            .prop_map(|(k, t, c, f)| Op::HPExpire(k, t, c, f)),
        3 => (key.clone(), offset, condition(), fields.clone())
            .prop_map(|(k, t, c, f)| Op::HPExpireAt(k, t, c, f)),
        2 => (key.clone(), fields).prop_map(|(k, f)| Op::HPersist(k, f)),
        6 => key.clone().prop_map(Op::Read),
        2 => (key.clone(), -6i64..7).prop_map(|(k, c)| Op::HRandField(k, c)),
        2 => (key.clone(), 1usize..4).prop_map(|(k, c)| Op::HScan(k, c)),
        1 => key.clone().prop_map(Op::SetString),
        1 => key.prop_map(Op::Del),
        4 => prop_oneof![0u64..2, (1u64..4).prop_map(|n| n * GRID_MS)].prop_map(Op::Advance),
        1 => Just(Op::Reopen),
    ]
}

/// A field: value and deadline (0 = none).
type Fields = BTreeMap<Vec<u8>, (Vec<u8>, u64)>;

#[derive(Clone, Debug)]
enum Value {
    Str(Vec<u8>),
    Hash(Fields),
}

/// Redis's semantics, with expired fields purged eagerly (they are invisible anyway).
struct Model {
    now: u64,
    data: BTreeMap<&'static str, Value>,
}

const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

impl Model {
    fn purge(&mut self) {
        let now = self.now;
        for value in self.data.values_mut() {
            if let Value::Hash(fields) = value {
                fields.retain(|_, (_, deadline)| *deadline == 0 || now <= *deadline);
            }
        }
        self.data
            .retain(|_, value| !matches!(value, Value::Hash(fields) if fields.is_empty()));
    }

    /// The hash at `key` for reading: `Err` for a string.
    fn hash(&self, key: &str) -> Result<Option<&Fields>, String> {
        match self.data.get(key) {
            None => Ok(None),
            Some(Value::Hash(fields)) => Ok(Some(fields)),
            Some(Value::Str(_)) => Err(WRONGTYPE.to_string()),
        }
    }

    /// The hash at `key` for writing, created empty if missing.
    fn hash_mut(&mut self, key: &'static str) -> Result<&mut Fields, String> {
        let value = self
            .data
            .entry(key)
            .or_insert_with(|| Value::Hash(Fields::new()));
        match value {
            Value::Hash(fields) => Ok(fields),
            Value::Str(_) => Err(WRONGTYPE.to_string()),
        }
    }
}

/// Redis's strict integer parse (`string2ll`).
fn strict_i64(bytes: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(bytes).ok()?;
    let digits = text.strip_prefix('-').unwrap_or(text);
    let canonical = text == "0" || (digits.starts_with(|c: char| ('1'..='9').contains(&c)));
    if !canonical || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn expire_outcome(
    fields: &mut Fields,
    field: &[u8],
    condition: ExpireCondition,
    when: u64,
    now: u64,
) -> FieldExpireOutcome {
    let Some((_, current)) = fields.get(field).cloned() else {
        return FieldExpireOutcome::NoSuchField;
    };
    let allowed = match condition {
        ExpireCondition::Always => true,
        ExpireCondition::Nx => current == 0,
        ExpireCondition::Xx => current != 0,
        ExpireCondition::Gt => current != 0 && when > current,
        ExpireCondition::Lt => current == 0 || when < current,
    };
    if !allowed {
        return FieldExpireOutcome::ConditionNotMet;
    }
    if when <= now {
        fields.remove(field);
        return FieldExpireOutcome::Deleted;
    }
    if let Some(entry) = fields.get_mut(field) {
        entry.1 = when;
    }
    FieldExpireOutcome::Set
}

type Outcome<T> = Result<T, String>;

fn text<T>(result: keyp::Result<T>) -> Outcome<T> {
    result.map_err(|e| e.to_string())
}

fn open(dir: &Path, clock: &Arc<ManualClock>) -> keyp::Result<Store> {
    // No fsync: a reopen in the same process sees every commit, and the cases run faster.
    StoreOptions::new()
        .clock(clock.clone())
        .durability(Durability::Off)
        .open(dir)
}

fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items
}

fn model_pairs(fields: Option<&Fields>) -> Vec<(Bytes, Bytes)> {
    fields
        .into_iter()
        .flatten()
        .map(|(f, (v, _))| (Bytes::from(f.clone()), Bytes::from(v.clone())))
        .collect()
}

/// Compares everything the store holds with the model: every key's type and contents,
/// including each field's deadline.
fn compare_all(store: &Store, model: &Model) -> Result<(), TestCaseError> {
    for key in KEYS {
        match model.data.get(key) {
            None => prop_assert_eq!(store.key_type(key)?, None),
            Some(Value::Str(value)) => {
                let got = store.get(key)?;
                prop_assert_eq!(got.as_deref(), Some(&value[..]));
            }
            Some(Value::Hash(fields)) => {
                prop_assert_eq!(store.key_type(key)?, Some(KeyType::Hash));
                prop_assert_eq!(sorted(store.hgetall(key)?), model_pairs(Some(fields)));
                prop_assert_eq!(store.hlen(key)?, fields.len() as u64);
                let names: Vec<&Vec<u8>> = fields.keys().collect();
                let times = store.hexpire_time(key, &names)?;
                let expected: Vec<FieldExpireTime> = fields
                    .values()
                    .map(|(_, d)| match d {
                        0 => FieldExpireTime::Persistent,
                        d => FieldExpireTime::AtMs(*d),
                    })
                    .collect();
                prop_assert_eq!(times, expected);
            }
        }
    }
    prop_assert_eq!(store.dbsize()?, model.data.len() as u64);
    Ok(())
}

fn run_op(
    store: &Store,
    model: &mut Model,
    op: &Op,
    clock: &Arc<ManualClock>,
) -> Result<(), TestCaseError> {
    model.purge();
    let now = model.now;
    match op {
        Op::HSet(k, pairs) => {
            let key = KEYS[*k];
            let pairs: Vec<(Vec<u8>, Vec<u8>)> =
                pairs.iter().map(|(f, v)| (field(*f), v.clone())).collect();
            let expected = model.hash_mut(key).map(|fields| {
                let mut added = 0;
                for (f, v) in &pairs {
                    added += u64::from(fields.insert(f.clone(), (v.clone(), 0)).is_none());
                }
                added
            });
            prop_assert_eq!(text(store.hset(key, &pairs)), expected);
        }
        Op::HSetNx(k, f, v) => {
            let (key, f) = (KEYS[*k], field(*f));
            let expected = model.hash_mut(key).map(|fields| {
                let new = !fields.contains_key(&f);
                if new {
                    fields.insert(f.clone(), (v.clone(), 0));
                }
                new
            });
            prop_assert_eq!(text(store.hsetnx(key, &f, v)), expected);
        }
        Op::HDel(k, names) => {
            let key = KEYS[*k];
            let names: Vec<Vec<u8>> = names.iter().map(|f| field(*f)).collect();
            let expected = match model.hash(key) {
                Err(e) => Err(e),
                Ok(None) => Ok(0),
                Ok(Some(_)) => model.hash_mut(key).map(|fields| {
                    names.iter().filter(|f| fields.remove(*f).is_some()).count() as u64
                }),
            };
            prop_assert_eq!(text(store.hdel(key, &names)), expected);
        }
        Op::HIncrBy(k, f, delta) => {
            let (key, f) = (KEYS[*k], field(*f));
            let expected = model.hash_mut(key).and_then(|fields| {
                let (current, deadline) = match fields.get(&f) {
                    Some((value, deadline)) => (
                        strict_i64(value).ok_or("ERR hash value is not an integer")?,
                        *deadline,
                    ),
                    None => (0, 0),
                };
                let sum = current
                    .checked_add(*delta)
                    .ok_or("ERR increment or decrement would overflow")?;
                fields.insert(f.clone(), (sum.to_string().into_bytes(), deadline));
                Ok(sum)
            });
            prop_assert_eq!(text(store.hincr_by(key, &f, *delta)), expected);
        }
        Op::HPExpire(k, ms, condition, names) | Op::HPExpireAt(k, ms, condition, names) => {
            let key = KEYS[*k];
            let names: Vec<Vec<u8>> = names.iter().map(|f| field(*f)).collect();
            let absolute = matches!(op, Op::HPExpireAt(..));
            let when = now as i64 + ms;
            let expected = match model.hash(key) {
                Err(e) => Err(e),
                Ok(None) => Ok(vec![FieldExpireOutcome::NoSuchField; names.len()]),
                Ok(Some(_)) => model.hash_mut(key).map(|fields| {
                    names
                        .iter()
                        .map(|f| expire_outcome(fields, f, *condition, when as u64, now))
                        .collect()
                }),
            };
            let got = if absolute {
                store.hpexpire_at(key, when, *condition, &names)
            } else {
                store.hpexpire(key, *ms, *condition, &names)
            };
            prop_assert_eq!(text(got), expected);
        }
        Op::HPersist(k, names) => {
            let key = KEYS[*k];
            let names: Vec<Vec<u8>> = names.iter().map(|f| field(*f)).collect();
            let expected = match model.hash(key) {
                Err(e) => Err(e),
                Ok(None) => Ok(vec![FieldPersistOutcome::NoSuchField; names.len()]),
                Ok(Some(_)) => model.hash_mut(key).map(|fields| {
                    names
                        .iter()
                        .map(|f| match fields.get_mut(f) {
                            None => FieldPersistOutcome::NoSuchField,
                            Some((_, 0)) => FieldPersistOutcome::NoDeadline,
                            Some((_, deadline)) => {
                                *deadline = 0;
                                FieldPersistOutcome::Persisted
                            }
                        })
                        .collect()
                }),
            };
            prop_assert_eq!(text(store.hpersist(key, &names)), expected);
        }
        Op::Read(k) => {
            let key = KEYS[*k];
            let fields = model.hash(key);
            let names: Vec<Vec<u8>> = (0..FIELD_COUNT).map(field).collect();
            let expected_values = fields.clone().map(|f| {
                names
                    .iter()
                    .map(|n| {
                        f.and_then(|f| f.get(n))
                            .map(|(v, _)| Bytes::from(v.clone()))
                    })
                    .collect::<Vec<_>>()
            });
            prop_assert_eq!(text(store.hmget(key, &names)), expected_values);
            prop_assert_eq!(
                text(store.hlen(key)),
                fields.clone().map(|f| f.map_or(0, |f| f.len() as u64))
            );
            prop_assert_eq!(
                text(store.hgetall(key)).map(sorted),
                fields.clone().map(model_pairs)
            );
            prop_assert_eq!(
                text(store.hkeys(key)).map(sorted),
                fields
                    .clone()
                    .map(|f| model_pairs(f).into_iter().map(|(f, _)| f).collect())
            );
            prop_assert_eq!(
                text(store.hvals(key)).map(sorted),
                fields
                    .clone()
                    .map(|f| sorted(model_pairs(f).into_iter().map(|(_, v)| v).collect()))
            );
            for name in &names {
                let found = fields.clone().map(|f| f.and_then(|f| f.get(name)).cloned());
                prop_assert_eq!(
                    text(store.hexists(key, name)),
                    found.clone().map(|f| f.is_some())
                );
                prop_assert_eq!(
                    text(store.hstrlen(key, name)),
                    found.clone().map(|f| f.map_or(0, |(v, _)| v.len() as u64))
                );
                let ttl = text(store.httl(key, &[name])).map(|t| t[0].as_millis_reply());
                let expected = found.map(|f| match f {
                    None => -2,
                    Some((_, 0)) => -1,
                    Some((_, deadline)) => (deadline - now) as i64,
                });
                prop_assert_eq!(ttl, expected);
            }
            let exists = u64::from(model.data.contains_key(key));
            prop_assert_eq!(store.exists(&[key])?, exists);
        }
        Op::HRandField(k, count) => {
            let key = KEYS[*k];
            match model.hash(key) {
                Err(e) => prop_assert_eq!(
                    text(store.hrandfield_with_values(key, *count)).err(),
                    Some(e)
                ),
                Ok(fields) => {
                    let all = model_pairs(fields);
                    let got = store.hrandfield_with_values(key, *count)?;
                    let expected_len = match *count {
                        c if c >= 0 => (c as usize).min(all.len()),
                        _ if all.is_empty() => 0,
                        c => c.unsigned_abs() as usize,
                    };
                    prop_assert_eq!(got.len(), expected_len);
                    prop_assert!(got.iter().all(|pair| all.contains(pair)));
                    if *count > 0 {
                        let distinct: HashSet<&Bytes> = got.iter().map(|(f, _)| f).collect();
                        prop_assert_eq!(distinct.len(), got.len());
                    }
                    let one = store.hrandfield(key)?;
                    prop_assert_eq!(one.is_some(), !all.is_empty());
                    prop_assert!(one.map_or(true, |f| all.iter().any(|(g, _)| *g == f)));
                }
            }
        }
        Op::HScan(k, count) => {
            let key = KEYS[*k];
            let options = ScanOptions::new().count(*count);
            let scanned = (|| -> keyp::Result<Vec<(Bytes, Bytes)>> {
                let (mut cursor, mut found) = (0, Vec::new());
                loop {
                    let (next, batch) = store.hscan(key, cursor, &options)?;
                    found.extend(batch);
                    if next == 0 {
                        return Ok(found);
                    }
                    cursor = next;
                }
            })();
            prop_assert_eq!(text(scanned).map(sorted), model.hash(key).map(model_pairs));
        }
        Op::SetString(k) => {
            let key = KEYS[*k];
            store.set(key, "string")?;
            model.data.insert(key, Value::Str(b"string".to_vec()));
        }
        Op::Del(k) => {
            let key = KEYS[*k];
            let existed = u64::from(model.data.remove(key).is_some());
            prop_assert_eq!(store.del(&[key])?, existed);
        }
        Op::Advance(ms) => {
            model.now += ms;
            clock.set(model.now);
        }
        // Handled by the caller, which owns the store.
        Op::Reopen => {}
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn hashes_behave_like_the_model(ops in vec(op(), 1..60)) {
        let dir = tempfile::tempdir()?;
        let clock = Arc::new(ManualClock::new(T0));
        let mut store = open(dir.path(), &clock)?;
        let mut model = Model { now: T0, data: BTreeMap::new() };
        for op in &ops {
            if let Op::Reopen = op {
                drop(store);
                store = open(dir.path(), &clock)?;
                model.purge();
                compare_all(&store, &model)?;
                continue;
            }
            run_op(&store, &mut model, op, &clock)?;
        }
        model.purge();
        compare_all(&store, &model)?;
    }
}
