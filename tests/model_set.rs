//! Model test: random sequences of set commands run against keyp and against a simple
//! in-memory model (a `BTreeSet` per key), every result compared, with the store reopened at
//! random points of the sequence. A key may also hold a string, so WRONGTYPE paths and STORE
//! commands overwriting another type are exercised too.
//!
//! `PROPTEST_CASES` sets the number of sequences (default 48).

use std::collections::{BTreeMap, BTreeSet};

use keyp::{Bytes, Error, ScanOptions, Store};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

type Member = Vec<u8>;

#[derive(Clone, Debug)]
enum Value {
    Str,
    Set(BTreeSet<Member>),
}

#[derive(Clone, Copy, Debug)]
enum Algebra {
    Inter,
    Union,
    Diff,
}

#[derive(Clone, Debug)]
enum Op {
    Sadd(&'static str, Vec<Member>),
    Srem(&'static str, Vec<Member>),
    Sismember(&'static str, Member),
    Smismember(&'static str, Vec<Member>),
    Scard(&'static str),
    Smembers(&'static str),
    Spop(&'static str),
    SpopCount(&'static str, i64),
    Srandmember(&'static str, Option<i64>),
    Smove(&'static str, &'static str, Member),
    Compute(Algebra, Vec<&'static str>),
    Sintercard(Vec<&'static str>, u64),
    Store(Algebra, &'static str, Vec<&'static str>),
    Sscan(&'static str, usize),
    Del(&'static str),
    SetString(&'static str),
    Reopen,
}

fn key() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        6 => prop::sample::select(vec!["a", "b", "c"]),
        1 => Just("str"),
    ]
}

fn member() -> impl Strategy<Value = Member> {
    let long_a = vec![b'L'; 600];
    let mut long_b = long_a.clone();
    long_b[599] = b'M';
    prop::sample::select(vec![
        b"1".to_vec(),
        b"2".to_vec(),
        b"10".to_vec(),
        b"-3".to_vec(),
        b"01".to_vec(),
        b"a".to_vec(),
        b"b".to_vec(),
        b"xyz".to_vec(),
        Vec::new(),
        long_a,
        long_b,
    ])
}

fn members() -> impl Strategy<Value = Vec<Member>> {
    prop::collection::vec(member(), 1..5)
}

fn keys() -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(key(), 1..4)
}

fn algebra() -> impl Strategy<Value = Algebra> {
    prop::sample::select(vec![Algebra::Inter, Algebra::Union, Algebra::Diff])
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (key(), members()).prop_map(|(k, m)| Op::Sadd(k, m)),
        4 => (key(), members()).prop_map(|(k, m)| Op::Srem(k, m)),
        2 => (key(), member()).prop_map(|(k, m)| Op::Sismember(k, m)),
        2 => (key(), members()).prop_map(|(k, m)| Op::Smismember(k, m)),
        2 => key().prop_map(Op::Scard),
        2 => key().prop_map(Op::Smembers),
        2 => key().prop_map(Op::Spop),
        2 => (key(), -1i64..6).prop_map(|(k, n)| Op::SpopCount(k, n)),
        2 => (key(), prop::option::of(-6i64..8)).prop_map(|(k, n)| Op::Srandmember(k, n)),
        3 => (key(), key(), member()).prop_map(|(s, d, m)| Op::Smove(s, d, m)),
        3 => (algebra(), keys()).prop_map(|(a, k)| Op::Compute(a, k)),
        2 => (keys(), 0u64..4).prop_map(|(k, l)| Op::Sintercard(k, l)),
        3 => (algebra(), key(), keys()).prop_map(|(a, d, k)| Op::Store(a, d, k)),
        2 => (key(), 1usize..5).prop_map(|(k, c)| Op::Sscan(k, c)),
        1 => key().prop_map(Op::Del),
        1 => key().prop_map(Op::SetString),
        1 => Just(Op::Reopen),
    ]
}

struct Model(BTreeMap<&'static str, Value>);

impl Model {
    /// The set at `key` (empty if missing), or `Err` for a string.
    fn set(&self, key: &str) -> Result<BTreeSet<Member>, ()> {
        match self.0.get(key) {
            None => Ok(BTreeSet::new()),
            Some(Value::Set(set)) => Ok(set.clone()),
            Some(Value::Str) => Err(()),
        }
    }

    fn put(&mut self, key: &'static str, set: BTreeSet<Member>) {
        if set.is_empty() {
            self.0.remove(key);
        } else {
            self.0.insert(key, Value::Set(set));
        }
    }

    fn compute(&self, algebra: Algebra, keys: &[&str]) -> Result<BTreeSet<Member>, ()> {
        let sets = keys
            .iter()
            .map(|k| self.set(k))
            .collect::<Result<Vec<_>, ()>>()?;
        let mut sets = sets.into_iter();
        let first = sets.next().unwrap_or_default();
        Ok(sets.fold(first, |acc, set| match algebra {
            Algebra::Inter => acc.intersection(&set).cloned().collect(),
            Algebra::Union => acc.union(&set).cloned().collect(),
            Algebra::Diff => acc.difference(&set).cloned().collect(),
        }))
    }
}

fn as_set(members: &[Bytes]) -> BTreeSet<Member> {
    members.iter().map(|m| m.to_vec()).collect()
}

/// Compares a keyp result with the model's: `Err(())` in the model means WRONGTYPE.
fn check<T: PartialEq + std::fmt::Debug>(
    got: keyp::Result<T>,
    want: Result<T, ()>,
    op: &Op,
) -> Result<(), TestCaseError> {
    match (got, want) {
        (Ok(got), Ok(want)) => prop_assert_eq!(got, want, "{:?}", op),
        (Err(Error::WrongType), Err(())) => {}
        (got, want) => prop_assert!(false, "{:?}: keyp {:?}, model {:?}", op, got, want),
    }
    Ok(())
}

fn run(dir: &std::path::Path, ops: &[Op]) -> Result<(), TestCaseError> {
    let open = || Store::open(dir).map_err(|e| TestCaseError::fail(e.to_string()));
    let mut store = open()?;
    let mut model = Model(BTreeMap::new());
    for op in ops {
        if let Op::Reopen = op {
            // The old handle (and its background threads) must be gone before reopening.
            drop(store);
            store = open()?;
        }
        apply(&store, &mut model, op)?;
    }
    // Whatever happened, the store holds exactly the model.
    for key in ["a", "b", "c", "str"] {
        let got = store.smembers(key).map(|m| as_set(&m));
        check(got, model.set(key), &Op::Smembers(key))?;
    }
    Ok(())
}

fn apply(store: &Store, model: &mut Model, op: &Op) -> Result<(), TestCaseError> {
    match op {
        Op::Sadd(k, ms) => {
            let want = model.set(k).map(|mut set| {
                let before = set.len();
                set.extend(ms.iter().cloned());
                let added = (set.len() - before) as u64;
                model.put(k, set);
                added
            });
            check(store.sadd(k, ms), want, op)?;
        }
        Op::Srem(k, ms) => {
            let want = model.set(k).map(|mut set| {
                let removed = ms.iter().filter(|m| set.remove(*m)).count() as u64;
                model.put(k, set);
                removed
            });
            check(store.srem(k, ms), want, op)?;
        }
        Op::Sismember(k, m) => {
            check(
                store.sismember(k, m),
                model.set(k).map(|s| s.contains(m)),
                op,
            )?;
        }
        Op::Smismember(k, ms) => {
            let want = model
                .set(k)
                .map(|s| ms.iter().map(|m| s.contains(m)).collect());
            check(store.smismember(k, ms), want, op)?;
        }
        Op::Scard(k) => check(store.scard(k), model.set(k).map(|s| s.len() as u64), op)?,
        Op::Smembers(k) => {
            // Same length as the distinct members: no member repeated.
            let got = store.smembers(k).map(|m| (m.len(), as_set(&m)));
            check(got, model.set(k).map(|s| (s.len(), s)), op)?;
        }
        Op::Spop(k) => {
            let Ok(mut set) = model.set(k) else {
                return check(store.spop(k).map(|_| ()), Err(()), op);
            };
            let got = store
                .spop(k)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            match got {
                None => prop_assert!(set.is_empty(), "{:?}", op),
                Some(m) => prop_assert!(set.remove(&m[..]), "{:?}: popped {:?}", op, m),
            }
            model.put(k, set);
        }
        Op::SpopCount(k, n) => {
            if *n < 0 {
                prop_assert!(matches!(store.spop_count(k, *n), Err(Error::NotPositive)));
                return Ok(());
            }
            let Ok(mut set) = model.set(k) else {
                return check(store.spop_count(k, *n).map(|_| ()), Err(()), op);
            };
            let popped = store
                .spop_count(k, *n)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(popped.len(), set.len().min(*n as usize), "{:?}", op);
            for m in &popped {
                prop_assert!(set.remove(&m[..]), "{:?}: popped {:?}", op, m);
            }
            model.put(k, set);
        }
        Op::Srandmember(k, count) => {
            let Ok(set) = model.set(k) else {
                let got = match count {
                    None => store.srandmember(k).map(|_| ()),
                    Some(n) => store.srandmember_count(k, *n).map(|_| ()),
                };
                return check(got, Err(()), op);
            };
            let picked: Vec<Bytes> = match count {
                None => store.srandmember(k).map(|m| m.into_iter().collect()),
                Some(n) => store.srandmember_count(k, *n),
            }
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let expected_len = match count {
                None => set.len().min(1),
                Some(n) if *n < 0 && !set.is_empty() => n.unsigned_abs() as usize,
                Some(n) => set.len().min(n.max(&0).unsigned_abs() as usize),
            };
            prop_assert_eq!(picked.len(), expected_len, "{:?}", op);
            prop_assert!(picked.iter().all(|m| set.contains(&m[..])), "{:?}", op);
            if count.is_some_and(|n| n > 0) {
                prop_assert_eq!(as_set(&picked).len(), picked.len(), "{:?}", op);
            }
        }
        Op::Smove(src, dst, m) => {
            let want = match (model.0.get(src), model.set(dst)) {
                (None, _) => Ok(false),
                (Some(Value::Str), _) | (_, Err(())) => Err(()),
                (Some(Value::Set(source)), Ok(_)) if src == dst => Ok(source.contains(m)),
                (Some(Value::Set(source)), Ok(mut target)) => {
                    let mut source = source.clone();
                    let moved = source.remove(m);
                    if moved {
                        target.insert(m.clone());
                        model.put(src, source);
                        model.put(dst, target);
                    }
                    Ok(moved)
                }
            };
            check(store.smove(src, dst, m), want, op)?;
        }
        Op::Compute(algebra, keys) => {
            let got = match algebra {
                Algebra::Inter => store.sinter(keys),
                Algebra::Union => store.sunion(keys),
                Algebra::Diff => store.sdiff(keys),
            };
            let got = got.map(|m| (m.len(), as_set(&m)));
            let want = model.compute(*algebra, keys).map(|s| (s.len(), s));
            check(got, want, op)?;
        }
        Op::Sintercard(keys, limit) => {
            let want = model.compute(Algebra::Inter, keys).map(|s| {
                let n = s.len() as u64;
                if *limit == 0 {
                    n
                } else {
                    n.min(*limit)
                }
            });
            check(store.sintercard(keys, *limit), want, op)?;
        }
        Op::Store(algebra, dst, keys) => {
            let want = model.compute(*algebra, keys).map(|set| {
                let n = set.len() as u64;
                model.0.remove(dst);
                model.put(dst, set);
                n
            });
            let got = match algebra {
                Algebra::Inter => store.sinterstore(dst, keys),
                Algebra::Union => store.sunionstore(dst, keys),
                Algebra::Diff => store.sdiffstore(dst, keys),
            };
            check(got, want, op)?;
        }
        Op::Sscan(k, count) => {
            let options = ScanOptions::new().count(*count);
            let mut cursor = 0;
            let mut found = Vec::new();
            let got = loop {
                match store.sscan(k, cursor, &options) {
                    Err(e) => break Err(e),
                    Ok((next, batch)) => {
                        found.extend(batch);
                        if next == 0 {
                            break Ok((found.len(), as_set(&found)));
                        }
                        cursor = next;
                    }
                }
            };
            check(got, model.set(k).map(|s| (s.len(), s)), op)?;
        }
        Op::Del(k) => {
            let existed = model.0.remove(k).is_some();
            check(store.del(&[k]), Ok(u64::from(existed)), op)?;
        }
        Op::SetString(k) => {
            model.0.insert(k, Value::Str);
            check(store.set(k, "v"), Ok(()), op)?;
        }
        // Handled by `run`, which owns the store.
        Op::Reopen => {}
    }
    Ok(())
}

#[test]
fn sets_behave_like_the_model() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&prop::collection::vec(op(), 1..60), |ops| {
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut ops = ops;
        // Start every sequence with a string key, so WRONGTYPE paths are reachable at once.
        ops.insert(0, Op::SetString("str"));
        run(dir.path(), &ops)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
