//! Model test: random sequences of commands (strings, TTLs, the key space, and a few commands
//! of each collection type sharing the key space), clock moves, transactions (committed and rolled
//! back) and restarts, applied both to a [`Store`] on a [`ManualClock`] and to a plain
//! `BTreeMap` model of Redis's semantics (tests/model/redis.rs). Every reply is compared — values
//! and error texts — and after every restart, and at the end, the store's whole contents
//! (type, value or elements, and deadline of every key of the key space, and DBSIZE) must equal
//! the model's.
//!
//! 64 cases of up to 60 steps by default; `PROPTEST_CASES=5000 cargo test --test model` for a
//! longer run. To add a command: see tests/model/cmd.rs.

#[path = "model/cmd.rs"]
mod cmd;
#[path = "model/redis.rs"]
mod redis;

use std::path::Path;
use std::sync::Arc;

use keyp::{
    Durability, Error, ExpireCondition, ExpireTime, Expiry, GetExAction, KeyType, ManualClock,
    SetOptions, SetTtl, Store, StoreOptions, ZRange,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use cmd::{key_count, run_cmd, Cmd, IntoReply, Reply, K, T0};
use redis::{Model, Value};

/// One step of a test case.
#[derive(Clone, Debug)]
enum Step {
    /// One command in a transaction of its own (the `Store` method).
    Run(Cmd),
    /// Several commands in one `Store::transaction`, committed or rolled back at the end.
    /// A command's error does not stop the others (like Redis's EXEC).
    Transaction { cmds: Vec<Cmd>, commit: bool },
    /// The clock moves forward by this many milliseconds.
    Advance(u64),
    /// Close the store and open the directory again.
    Reopen,
    /// A command aimed at an edge of the current state (see [`Probe`]).
    Probe(K, Probe),
}

/// Commands whose arguments are computed from the model's state when the step runs, to hit the
/// off-by-one edges random arguments rarely meet: a deadline equal to the key's current one or
/// to the clock, and the clock reaching a deadline exactly.
#[derive(Clone, Copy, Debug)]
enum Probe {
    /// PEXPIREAT the key's current deadline (or now + 1 s) + `delta`.
    PExpireAtCurrent(i64, ExpireCondition),
    /// GETEX PXAT now + `delta`.
    GetExAtNow(i64),
    /// SET PXAT now + `delta`.
    SetAtNow(i64),
    /// Move the clock to the key's deadline + `delta` (nothing if it has none).
    AdvanceToDeadline(u64),
}

fn probe() -> impl Strategy<Value = Probe> {
    let condition = proptest::sample::select(vec![
        ExpireCondition::Always,
        ExpireCondition::Nx,
        ExpireCondition::Xx,
        ExpireCondition::Gt,
        ExpireCondition::Lt,
    ]);
    prop_oneof![
        4 => (prop_oneof![Just(0i64), -1i64..=1], condition)
            .prop_map(|(d, c)| Probe::PExpireAtCurrent(d, c)),
        1 => (-1i64..=1).prop_map(Probe::GetExAtNow),
        1 => (-1i64..=1).prop_map(Probe::SetAtNow),
        2 => (0u64..=1).prop_map(Probe::AdvanceToDeadline),
    ]
}

/// The command a probe stands for now, or the clock move it makes.
fn resolve(probe: Probe, key: K, model: &Model) -> Result<Cmd, u64> {
    let now = model.now as i64;
    let deadline = model
        .data
        .get(key.bytes())
        .and_then(|e| e.deadline)
        .filter(|d| *d >= model.now);
    let at_now = |delta: i64| Expiry::PxAt(now + delta);
    match probe {
        Probe::PExpireAtCurrent(delta, condition) => {
            let base = deadline.map_or(now + 1000, |d| d as i64);
            Ok(Cmd::PExpireAt(key, base.saturating_add(delta), condition))
        }
        Probe::GetExAtNow(delta) => Ok(Cmd::GetEx(key, GetExAction::Expire(at_now(delta)))),
        Probe::SetAtNow(delta) => {
            let options = SetOptions {
                ttl: SetTtl::Expire(at_now(delta)),
                ..SetOptions::default()
            };
            Ok(Cmd::Set(key, cmd::V(b"probe".to_vec()), options))
        }
        // Only near deadlines: the clock stays in a realistic range (far below i64::MAX ms).
        Probe::AdvanceToDeadline(delta) => Err(deadline
            .map(|d| d - model.now + delta)
            .filter(|ms| *ms <= 3_600_000)
            .unwrap_or(0)),
    }
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        30 => cmd::cmd().prop_map(Step::Run),
        3 => (vec(cmd::cmd(), 1..6), prop::bool::weighted(0.6))
            .prop_map(|(cmds, commit)| Step::Transaction { cmds, commit }),
        // Mostly whole grid steps, so the clock meets generated deadlines exactly.
        2 => (0u64..3).prop_map(Step::Advance),
        4 => (1u64..8).prop_map(|n| Step::Advance(n * cmd::GRID_MS as u64)),
        2 => (1u64..6).prop_map(|s| Step::Advance(s * 1000)),
        1 => Just(Step::Reopen),
        6 => (cmd::key(), probe()).prop_map(|(k, p)| Step::Probe(k, p)),
    ]
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        // A failure prints its shrunk step list; saved seeds would go stale as commands are
        // added to the generator.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Durability is not under test here (process restarts keep committed data in every mode),
/// and skipping fsync keeps the test fast.
fn open(dir: &Path, clock: &Arc<ManualClock>) -> keyp::Result<Store> {
    StoreOptions::new()
        .clock(clock.clone())
        .durability(Durability::Off)
        .open(dir)
}

fn store_err(e: Error) -> TestCaseError {
    TestCaseError::fail(format!("store error: {e}"))
}

/// The whole contents of `key` as a reply: a string's value, a collection's elements (as
/// `Value::contents` gives them), or nil.
fn read_contents(r: &keyp::ReadTxn<'_>, key: &[u8]) -> keyp::Result<Reply> {
    Ok(match r.key_type(key)? {
        None => Reply::Nil,
        Some(KeyType::String) => Reply::bulk(r.get(key)?.as_deref()),
        Some(KeyType::List) => r.lrange(key, 0, -1).into_reply(),
        Some(KeyType::Hash) => r.hgetall(key).into_reply().sorted(),
        Some(KeyType::Set) => r.smembers(key).into_reply().sorted(),
        Some(KeyType::ZSet) => r.zrange(key, &ZRange::rank(0, -1)).into_reply(),
        Some(other) => Reply::Err(format!("unexpected type {other}")),
    })
}

/// The store's contents equal the model's: every key of the key space has the same type,
/// value and deadline, and DBSIZE matches (so there is no other key).
fn check_contents(store: &Store, model: &mut Model, when: &str) -> Result<(), TestCaseError> {
    model.purge();
    let (found, dbsize) = store
        .read(|r| {
            let mut found = Vec::new();
            for i in 0..key_count() {
                let key = K(i).bytes();
                let type_name = r.key_type(key)?.map_or("none", KeyType::as_str);
                found.push((K(i), type_name, read_contents(r, key)?, r.expire_time(key)?));
            }
            Ok((found, r.dbsize()?))
        })
        .map_err(store_err)?;
    for (k, type_name, contents, expire_time) in found {
        let entry = model.data.get(k.bytes());
        let want_type = entry.map_or("none", |e| e.value.type_name());
        let want_contents = entry.map_or(Reply::Nil, |e| match &e.value {
            Value::Str(s) => Reply::Bulk(s.clone()),
            other => other.contents().unwrap_or(Reply::Nil),
        });
        let want_time = match entry {
            None => ExpireTime::Missing,
            Some(e) => e.deadline.map_or(ExpireTime::Persistent, ExpireTime::AtMs),
        };
        prop_assert_eq!(type_name, want_type, "{} {:?} type", when, k);
        prop_assert_eq!(contents, want_contents, "{} {:?} contents", when, k);
        prop_assert_eq!(expire_time, want_time, "{} {:?} deadline", when, k);
    }
    prop_assert_eq!(dbsize, model.data.len() as u64, "{} dbsize", when);
    Ok(())
}

fn run_case(steps: &[Step]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
    let clock = Arc::new(ManualClock::new(T0));
    let mut store = open(dir.path(), &clock).map_err(store_err)?;
    let mut model = Model::new(T0);
    for (i, step) in steps.iter().enumerate() {
        let resolved;
        let step = match step {
            Step::Probe(key, probe) => {
                resolved = match resolve(*probe, *key, &model) {
                    Ok(cmd) => Step::Run(cmd),
                    Err(ms) => Step::Advance(ms),
                };
                &resolved
            }
            other => other,
        };
        match step {
            Step::Run(cmd) => {
                let got = run_cmd!(&store, cmd);
                let want = model.apply(cmd);
                prop_assert_eq!(got, want, "step {}: {:?}", i, cmd);
            }
            Step::Transaction { cmds, commit } => {
                let mut got = Vec::new();
                let result = store.transaction(|tx| {
                    for cmd in cmds {
                        got.push(run_cmd!(&mut *tx, cmd));
                    }
                    if *commit {
                        Ok(())
                    } else {
                        Err(Error::Syntax)
                    }
                });
                let mut scratch = model.clone();
                let want: Vec<Reply> = cmds.iter().map(|cmd| scratch.apply(cmd)).collect();
                prop_assert_eq!(got, want, "step {}: transaction {:?}", i, cmds);
                match result {
                    Ok(()) if *commit => model = scratch,
                    Err(Error::Syntax) if !*commit => {}
                    other => prop_assert!(false, "step {}: transaction ended {:?}", i, other),
                }
            }
            Step::Advance(ms) => {
                clock.advance(std::time::Duration::from_millis(*ms));
                model.now += ms;
            }
            Step::Reopen => {
                drop(store);
                store = open(dir.path(), &clock).map_err(store_err)?;
                check_contents(&store, &mut model, &format!("step {i}: after reopen"))?;
            }
            Step::Probe(..) => unreachable!("resolved above"),
        }
    }
    check_contents(&store, &mut model, "at the end")?;
    drop(store);
    let store = open(dir.path(), &clock).map_err(store_err)?;
    check_contents(&store, &mut model, "at the end, after reopen")
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn store_behaves_like_the_model(steps in vec(step(), 1..60)) {
        run_case(&steps)?;
    }
}
