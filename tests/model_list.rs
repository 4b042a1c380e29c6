//! Model test: random sequences of list commands against a `VecDeque` per key, every result
//! compared, the store reopened mid-sequence, and blocking pops served by a push from another
//! thread.

use std::collections::{HashMap, VecDeque};
use std::thread;
use std::time::{Duration, Instant};

use keyp::{Bytes, Durability, InsertPosition, ListEnd, LposOptions, Result, Store, StoreOptions};
use proptest::prelude::*;

const KEYS: [&str; 3] = ["k0", "k1", "k2"];

#[derive(Clone, Debug)]
enum Op {
    Push {
        key: usize,
        end: ListEnd,
        only_existing: bool,
        items: Vec<Vec<u8>>,
    },
    Pop {
        key: usize,
        end: ListEnd,
        count: Option<u64>,
    },
    Index {
        key: usize,
        index: i64,
    },
    Set {
        key: usize,
        index: i64,
        item: Vec<u8>,
    },
    Range {
        key: usize,
        start: i64,
        stop: i64,
    },
    Trim {
        key: usize,
        start: i64,
        stop: i64,
    },
    Rem {
        key: usize,
        count: i64,
        item: Vec<u8>,
    },
    Insert {
        key: usize,
        position: InsertPosition,
        pivot: Vec<u8>,
        item: Vec<u8>,
    },
    Pos {
        key: usize,
        item: Vec<u8>,
        rank: i64,
        count: Option<u64>,
        maxlen: u64,
    },
    Move {
        source: usize,
        destination: usize,
        from: ListEnd,
        to: ListEnd,
    },
    Mpop {
        keys: Vec<usize>,
        end: ListEnd,
        count: u64,
    },
    /// A blocking pop on `key`; if the list is empty it blocks in another thread until this
    /// thread pushes `item`.
    BlockingPop {
        key: usize,
        end: ListEnd,
        item: Vec<u8>,
    },
    Reopen,
}

fn item() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => prop::sample::select(vec![&b"a"[..], b"b", b"c"]).prop_map(<[u8]>::to_vec),
        1 => Just(Vec::new()),
        1 => Just(vec![b'L'; 600]),
    ]
}

fn end() -> impl Strategy<Value = ListEnd> {
    prop_oneof![Just(ListEnd::Left), Just(ListEnd::Right)]
}

fn key() -> impl Strategy<Value = usize> {
    0..KEYS.len()
}

fn op() -> impl Strategy<Value = Op> {
    let index = -6i64..6;
    prop_oneof![
        6 => (key(), end(), prop::bool::weighted(0.2), prop::collection::vec(item(), 1..4))
            .prop_map(|(key, end, only_existing, items)| Op::Push { key, end, only_existing, items }),
        3 => (key(), end(), prop::option::of(0u64..4))
            .prop_map(|(key, end, count)| Op::Pop { key, end, count }),
        2 => (key(), index.clone()).prop_map(|(key, index)| Op::Index { key, index }),
        2 => (key(), index.clone(), item()).prop_map(|(key, index, item)| Op::Set { key, index, item }),
        2 => (key(), index.clone(), index.clone())
            .prop_map(|(key, start, stop)| Op::Range { key, start, stop }),
        1 => (key(), index.clone(), index.clone())
            .prop_map(|(key, start, stop)| Op::Trim { key, start, stop }),
        2 => (key(), -3i64..4, item()).prop_map(|(key, count, item)| Op::Rem { key, count, item }),
        2 => (key(), prop::bool::ANY, item(), item()).prop_map(|(key, before, pivot, item)| {
            let position = if before { InsertPosition::Before } else { InsertPosition::After };
            Op::Insert { key, position, pivot, item }
        }),
        2 => (key(), item(), prop_oneof![-3i64..0, 1i64..4], prop::option::of(0u64..3), 0u64..5)
            .prop_map(|(key, item, rank, count, maxlen)| Op::Pos { key, item, rank, count, maxlen }),
        2 => (key(), key(), end(), end())
            .prop_map(|(source, destination, from, to)| Op::Move { source, destination, from, to }),
        1 => (prop::collection::vec(key(), 1..4), end(), 1u64..4)
            .prop_map(|(keys, end, count)| Op::Mpop { keys, end, count }),
        1 => (key(), end(), item()).prop_map(|(key, end, item)| Op::BlockingPop { key, end, item }),
        1 => Just(Op::Reopen),
    ]
}

type Model = HashMap<usize, VecDeque<Vec<u8>>>;

fn bytes(items: impl IntoIterator<Item = Vec<u8>>) -> Vec<Bytes> {
    items.into_iter().map(Bytes::from).collect()
}

fn offset(len: usize, index: i64) -> Option<usize> {
    let index = if index < 0 { index + len as i64 } else { index };
    usize::try_from(index).ok().filter(|&i| i < len)
}

fn range(len: usize, start: i64, stop: i64) -> Option<(usize, usize)> {
    let len = len as i64;
    let start = if start < 0 {
        (start + len).max(0)
    } else {
        start
    };
    let stop = if stop < 0 { stop + len } else { stop };
    if start > stop || start >= len {
        return None;
    }
    Some((start as usize, stop.min(len - 1) as usize))
}

fn pop(list: &mut VecDeque<Vec<u8>>, end: ListEnd) -> Option<Vec<u8>> {
    match end {
        ListEnd::Left => list.pop_front(),
        ListEnd::Right => list.pop_back(),
    }
}

fn push(list: &mut VecDeque<Vec<u8>>, end: ListEnd, item: Vec<u8>) {
    match end {
        ListEnd::Left => list.push_front(item),
        ListEnd::Right => list.push_back(item),
    }
}

/// Drops emptied lists, as Redis deletes them.
fn tidy(model: &mut Model) {
    model.retain(|_, list| !list.is_empty());
}

fn model_lpos(
    list: &VecDeque<Vec<u8>>,
    item: &[u8],
    rank: i64,
    limit: Option<u64>,
    maxlen: u64,
) -> Vec<u64> {
    let len = list.len();
    let order: Vec<usize> = if rank < 0 {
        (0..len).rev().collect()
    } else {
        (0..len).collect()
    };
    let scanned = if maxlen == 0 {
        len
    } else {
        (maxlen as usize).min(len)
    };
    order
        .into_iter()
        .take(scanned)
        .filter(|&i| list[i] == item)
        .skip(rank.unsigned_abs() as usize - 1)
        .take(limit.map_or(usize::MAX, |l| l as usize))
        .map(|i| i as u64)
        .collect()
}

fn wait_blocked(store: &Store, key: &str) {
    let give_up = Instant::now() + Duration::from_secs(30);
    while store.blocked_on(key) == 0 {
        assert!(Instant::now() < give_up, "the blocking pop never blocked");
        thread::sleep(Duration::from_millis(1));
    }
}

fn apply(store: &mut Store, dir: &std::path::Path, model: &mut Model, op: Op) -> Result<()> {
    match op {
        Op::Push {
            key,
            end,
            only_existing,
            items,
        } => {
            let exists = model.contains_key(&key);
            let got = match (end, only_existing) {
                (ListEnd::Left, false) => store.lpush(KEYS[key], &items)?,
                (ListEnd::Right, false) => store.rpush(KEYS[key], &items)?,
                (ListEnd::Left, true) => store.lpushx(KEYS[key], &items)?,
                (ListEnd::Right, true) => store.rpushx(KEYS[key], &items)?,
            };
            let expected = if only_existing && !exists {
                0
            } else {
                let list = model.entry(key).or_default();
                for item in items {
                    push(list, end, item);
                }
                list.len() as u64
            };
            assert_eq!(got, expected);
        }
        Op::Pop {
            key,
            end,
            count: None,
        } => {
            let got = match end {
                ListEnd::Left => store.lpop(KEYS[key])?,
                ListEnd::Right => store.rpop(KEYS[key])?,
            };
            let expected = model.get_mut(&key).and_then(|list| pop(list, end));
            assert_eq!(got, expected.map(Bytes::from));
        }
        Op::Pop {
            key,
            end,
            count: Some(count),
        } => {
            let got = match end {
                ListEnd::Left => store.lpop_count(KEYS[key], count)?,
                ListEnd::Right => store.rpop_count(KEYS[key], count)?,
            };
            let expected = model.get_mut(&key).map(|list| {
                let popped: Vec<Vec<u8>> = (0..count).map_while(|_| pop(list, end)).collect();
                bytes(popped)
            });
            assert_eq!(got, expected);
        }
        Op::Index { key, index } => {
            let expected = model
                .get(&key)
                .and_then(|list| offset(list.len(), index).map(|i| Bytes::from(list[i].clone())));
            assert_eq!(store.lindex(KEYS[key], index)?, expected);
        }
        Op::Set { key, index, item } => {
            let got = store
                .lset(KEYS[key], index, &item)
                .map_err(|e| e.to_string());
            let expected = match model.get_mut(&key) {
                None => Err("ERR no such key".to_string()),
                Some(list) => match offset(list.len(), index) {
                    None => Err("ERR index out of range".to_string()),
                    Some(i) => {
                        list[i] = item;
                        Ok(())
                    }
                },
            };
            assert_eq!(got, expected);
        }
        Op::Range { key, start, stop } => {
            let expected = model.get(&key).map_or_else(Vec::new, |list| {
                range(list.len(), start, stop)
                    .map_or_else(Vec::new, |(a, b)| bytes(list.range(a..=b).cloned()))
            });
            assert_eq!(store.lrange(KEYS[key], start, stop)?, expected);
        }
        Op::Trim { key, start, stop } => {
            store.ltrim(KEYS[key], start, stop)?;
            if let Some(list) = model.get_mut(&key) {
                *list = match range(list.len(), start, stop) {
                    Some((a, b)) => list.range(a..=b).cloned().collect(),
                    None => VecDeque::new(),
                };
            }
        }
        Op::Rem { key, count, item } => {
            let got = store.lrem(KEYS[key], count, &item)?;
            let mut removed = 0u64;
            if let Some(list) = model.get_mut(&key) {
                let limit = if count == 0 {
                    u64::MAX
                } else {
                    count.unsigned_abs()
                };
                let positions: Vec<usize> = if count < 0 {
                    (0..list.len()).rev().filter(|&i| list[i] == item).collect()
                } else {
                    (0..list.len()).filter(|&i| list[i] == item).collect()
                };
                let mut chosen: Vec<usize> = positions.into_iter().take(limit as usize).collect();
                chosen.sort_unstable();
                for i in chosen.into_iter().rev() {
                    list.remove(i);
                    removed += 1;
                }
            }
            assert_eq!(got, removed);
        }
        Op::Insert {
            key,
            position,
            pivot,
            item,
        } => {
            let got = store.linsert(KEYS[key], position, &pivot, &item)?;
            let expected = match model.get_mut(&key) {
                None => 0,
                Some(list) => match list.iter().position(|x| *x == pivot) {
                    None => -1,
                    Some(i) => {
                        let at = if position == InsertPosition::Before {
                            i
                        } else {
                            i + 1
                        };
                        list.insert(at, item);
                        list.len() as i64
                    }
                },
            };
            assert_eq!(got, expected);
        }
        Op::Pos {
            key,
            item,
            rank,
            count,
            maxlen,
        } => {
            let options = LposOptions { rank, maxlen };
            let empty = VecDeque::new();
            let list = model.get(&key).unwrap_or(&empty);
            match count {
                None => {
                    let expected = model_lpos(list, &item, rank, Some(1), maxlen)
                        .first()
                        .copied();
                    assert_eq!(store.lpos(KEYS[key], &item, options)?, expected);
                }
                Some(count) => {
                    let limit = if count == 0 { None } else { Some(count) };
                    let expected = model_lpos(list, &item, rank, limit, maxlen);
                    assert_eq!(
                        store.lpos_count(KEYS[key], &item, count, options)?,
                        expected
                    );
                }
            }
        }
        Op::Move {
            source,
            destination,
            from,
            to,
        } => {
            let got = store.lmove(KEYS[source], KEYS[destination], from, to)?;
            let moved = model.get_mut(&source).and_then(|list| pop(list, from));
            if let Some(item) = &moved {
                push(model.entry(destination).or_default(), to, item.clone());
            }
            assert_eq!(got, moved.map(Bytes::from));
        }
        Op::Mpop { keys, end, count } => {
            let names: Vec<&str> = keys.iter().map(|&k| KEYS[k]).collect();
            let got = store.lmpop(&names, end, count)?;
            let expected = keys.iter().find(|k| model.contains_key(k)).map(|&k| {
                let list = model
                    .get_mut(&k)
                    .map(|l| (0..count).map_while(|_| pop(l, end)).collect::<Vec<_>>());
                (
                    Bytes::from_static(KEYS[k].as_bytes()),
                    bytes(list.unwrap_or_default()),
                )
            });
            assert_eq!(got, expected);
        }
        Op::BlockingPop { key, end, item } => {
            let waiter = {
                let store = store.clone();
                thread::spawn(move || match end {
                    ListEnd::Left => store.blpop(&[KEYS[key]], Duration::ZERO),
                    ListEnd::Right => store.brpop(&[KEYS[key]], Duration::ZERO),
                })
            };
            let list = model.entry(key).or_default();
            if list.is_empty() {
                // It blocks: serve it with a push from this thread.
                wait_blocked(store, KEYS[key]);
                store.rpush(KEYS[key], &[&item])?;
                list.push_back(item);
            }
            let expected =
                pop(list, end).map(|i| (Bytes::from_static(KEYS[key].as_bytes()), Bytes::from(i)));
            assert_eq!(waiter.join().expect("blocking pop panicked")?, expected);
        }
        Op::Reopen => {
            // LMDB allows one open environment per directory and process: close first.
            drop(std::mem::replace(store, open(&other_dir(dir))?));
            *store = open(dir)?;
        }
    }
    tidy(model);
    // The whole state agrees after every step.
    for (i, name) in KEYS.iter().enumerate() {
        let expected = model
            .get(&i)
            .map_or_else(Vec::new, |l| bytes(l.iter().cloned()));
        assert_eq!(store.lrange(name, 0, -1)?, expected, "{name}");
        assert_eq!(store.llen(name)?, expected.len() as u64);
        assert_eq!(store.exists(&[name])?, u64::from(!expected.is_empty()));
    }
    Ok(())
}

/// Opens the store without fsync: reopening after a clean drop loses nothing, and the test
/// stays fast.
/// Where a placeholder store lives while the real one is closed and reopened.
fn other_dir(dir: &std::path::Path) -> std::path::PathBuf {
    dir.join("parked")
}

fn open(dir: &std::path::Path) -> Result<Store> {
    StoreOptions::new().durability(Durability::Off).open(dir)
}

fn run(ops: Vec<Op>) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let mut store = open(dir.path())?;
    let mut model = Model::new();
    for op in ops {
        apply(&mut store, dir.path(), &mut model, op)?;
    }
    // A last reopen: everything committed is still there.
    drop(store);
    let store = open(dir.path())?;
    for (i, name) in KEYS.iter().enumerate() {
        let expected = model
            .get(&i)
            .map_or_else(Vec::new, |l| bytes(l.iter().cloned()));
        assert_eq!(store.lrange(name, 0, -1)?, expected);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn lists_behave_like_vecdeques(ops in prop::collection::vec(op(), 1..60)) {
        run(ops).map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
}
