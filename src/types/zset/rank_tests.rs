//! The rank index under random commands: after every step, every count of every level is
//! checked against the score index (`check_rank_index`) and ranks, ranges by rank, counts and
//! LIMIT offsets are compared with a plain model, on sets large enough for several levels,
//! with long members in tie groups, across a reopen, and for sorted sets without an index
//! (never asked for one, or written before it existed).

use std::collections::BTreeMap;

use bytes::Bytes;

use super::rank::{check_rank_index, levels_of, wanted_levels};
use crate::types::KeyType;
use crate::{LexBound, Limit, Result, ScoreBound, Store, ZAddOptions, ZRange, ZRangeBy};

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Member `i`: mostly short, one in eight long and sharing a 400-byte prefix with others of
/// its kind (tie groups when scores repeat), some equal to that prefix.
fn member(i: u64) -> Vec<u8> {
    match i % 16 {
        3 => {
            let mut m = vec![b'q'; 400];
            m.extend_from_slice(format!("{i}").as_bytes());
            m
        }
        11 => {
            let mut m = vec![b'q'; 400];
            m.extend_from_slice(format!("{}", i % 5).as_bytes());
            m
        }
        7 if i % 64 == 7 => vec![b'q'; 400],
        _ => format!("m{i:06}").into_bytes(),
    }
}

type Model = BTreeMap<Vec<u8>, f64>;

fn sorted(model: &Model) -> Vec<(Vec<u8>, f64)> {
    let mut all: Vec<(Vec<u8>, f64)> = model.iter().map(|(m, s)| (m.clone(), *s)).collect();
    all.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    all
}

fn owned(v: Vec<(Bytes, f64)>) -> Vec<(Vec<u8>, f64)> {
    v.into_iter().map(|(m, s)| (m.to_vec(), s)).collect()
}

fn levels(store: &Store, key: &str) -> Result<u8> {
    store.read(|r| {
        Ok(r.collection(key.as_bytes(), KeyType::ZSet)?
            .map_or(0, |v| levels_of(v.state)))
    })
}

/// Waits (up to ten seconds) for the background thread to give `key` `want` levels.
fn wait_for_levels(store: &Store, key: &str, want: u8) -> Result<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while levels(store, key)? != want {
        assert!(
            std::time::Instant::now() < deadline,
            "no index built for {key}"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    Ok(())
}

/// Compares ranks, slices by rank, counts and offsets with the model, and checks the index.
fn verify(store: &Store, key: &str, model: &Model, rng: &mut Rng) -> Result<()> {
    store.read(|r| check_rank_index(r, key.as_bytes()))?;
    let all = sorted(model);
    let n = all.len() as u64;
    assert_eq!(store.zcard(key)?, n);
    for _ in 0..12 {
        let i = rng.below(n) as usize;
        if let Some((m, _)) = all.get(i) {
            assert_eq!(store.zrank(key, m)?, Some(i as u64), "zrank {i}");
            assert_eq!(store.zrevrank(key, m)?, Some(n - 1 - i as u64));
        }
        let start = rng.below(n + 3) as i64;
        let len = rng.below(6) as i64;
        let want: Vec<_> = all
            .iter()
            .skip(start as usize)
            .take(len as usize + 1)
            .cloned()
            .collect();
        let got = owned(store.zrange(key, &ZRange::rank(start, start + len))?);
        assert_eq!(got, want, "zrange {start} +{len}");
        let got = owned(store.zrange(key, &ZRange::rank(start, start + len).rev())?);
        let want: Vec<_> = all
            .iter()
            .rev()
            .skip(start as usize)
            .take(len as usize + 1)
            .cloned()
            .collect();
        assert_eq!(got, want, "zrevrange {start} +{len}");
    }
    assert_eq!(store.zrank(key, b"absent")?, None);
    for _ in 0..6 {
        let (a, b) = (rng.below(40) as f64, rng.below(40) as f64);
        let (min, max) = (ScoreBound::Inclusive(a), ScoreBound::Exclusive(b));
        let inside: Vec<_> = all
            .iter()
            .filter(|(_, s)| *s >= a && *s < b)
            .cloned()
            .collect();
        assert_eq!(store.zcount(key, min, max)?, inside.len() as u64);
        let offset = rng.below(n + 2) as i64;
        let limit = Some(Limit { offset, count: 3 });
        let want: Vec<_> = inside
            .iter()
            .skip(offset as usize)
            .take(3)
            .cloned()
            .collect();
        assert_eq!(
            owned(store.zrangebyscore(key, min, max, limit)?),
            want,
            "offset {offset} of [{a}, {b})"
        );
        let want: Vec<_> = inside
            .iter()
            .rev()
            .skip(offset as usize)
            .take(3)
            .cloned()
            .collect();
        assert_eq!(owned(store.zrevrangebyscore(key, max, min, limit)?), want);
    }
    Ok(())
}

#[test]
fn random_commands_keep_every_count() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let mut store = Store::open(dir.path())?;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut model = Model::new();
    let key = "z";
    // The index is built in one pass for a first batch; later writes keep it up to date.
    let first: Vec<(f64, Vec<u8>)> = (0..1500).map(|i| ((i % 37) as f64, member(i))).collect();
    store.zadd(key, ZAddOptions::default(), &first)?;
    for (s, m) in first {
        model.insert(m, s);
    }
    store.zset_index_ranks(key)?;
    assert_eq!(levels(&store, key)?, 2);
    verify(&store, key, &model, &mut rng)?;
    for step in 0..80 {
        let choice = rng.below(12);
        // Shown if a check fails.
        eprintln!("step {step}: command {choice}");
        match choice {
            0 | 1 => {
                let pairs: Vec<(f64, Vec<u8>)> = (0..rng.below(40) + 1)
                    .map(|_| (rng.below(40) as f64, member(rng.below(3000))))
                    .collect();
                store.zadd(key, ZAddOptions::default(), &pairs)?;
                for (s, m) in pairs {
                    model.insert(m, s);
                }
            }
            2 => {
                let m = member(rng.below(3000));
                let by = rng.below(5) as f64 - 2.0;
                let got = store.zincrby(key, by, &m)?;
                let slot = model.entry(m).or_insert(0.0);
                *slot += by;
                assert_eq!(got, *slot);
            }
            3 => {
                let ms: Vec<Vec<u8>> = (0..rng.below(30) + 1)
                    .map(|_| member(rng.below(3000)))
                    .collect();
                store.zrem(key, &ms)?;
                for m in ms {
                    model.remove(&m);
                }
            }
            4 => {
                let count = rng.below(50);
                let max = rng.below(2) == 0;
                let mut want = sorted(&model);
                if max {
                    want.reverse();
                }
                want.truncate(count as usize);
                let got = if max {
                    store.zpopmax(key, count)?
                } else {
                    store.zpopmin(key, count)?
                };
                assert_eq!(owned(got), want);
                for (m, _) in &want {
                    model.remove(m);
                }
            }
            5 => {
                let start = rng.below(model.len() as u64 + 1) as i64;
                let stop = start + rng.below(60) as i64;
                let all = sorted(&model);
                let gone = store.zremrangebyrank(key, start, stop)?;
                let doomed: Vec<_> = all
                    .iter()
                    .skip(start as usize)
                    .take((stop - start + 1) as usize)
                    .collect();
                assert_eq!(gone, doomed.len() as u64);
                for (m, _) in doomed {
                    model.remove(m);
                }
            }
            6 => {
                let s = rng.below(40) as f64;
                let gone = store.zremrangebyscore(
                    key,
                    ScoreBound::Inclusive(s),
                    ScoreBound::Inclusive(s),
                )?;
                let before = model.len();
                model.retain(|_, v| *v != s);
                assert_eq!(gone, (before - model.len()) as u64);
            }
            7 => {
                // Moves that keep members in place and moves across the whole set.
                let pairs: Vec<(f64, Vec<u8>)> = (0..20)
                    .map(|_| {
                        let m = member(rng.below(3000));
                        let s = model.get(&m).copied().unwrap_or(0.0);
                        let s = if rng.below(2) == 0 {
                            s + 0.25
                        } else {
                            rng.below(40) as f64
                        };
                        (s, m)
                    })
                    .collect();
                store.zadd(key, ZAddOptions::default(), &pairs)?;
                for (s, m) in pairs {
                    model.insert(m, s);
                }
            }
            8 => {
                drop(store);
                store = Store::open(dir.path())?;
            }
            9 => {
                // More than an eighth of the set at once: the index is rebuilt.
                let pairs: Vec<(f64, Vec<u8>)> = (0..rng.below(200) + 200)
                    .map(|_| (rng.below(40) as f64, member(rng.below(3000))))
                    .collect();
                store.zadd(key, ZAddOptions::default(), &pairs)?;
                for (s, m) in pairs {
                    model.insert(m, s);
                }
            }
            10 => {
                let ms: Vec<Vec<u8>> = (0..rng.below(200) + 200)
                    .map(|_| member(rng.below(4000)))
                    .collect();
                store.zrem(key, &ms)?;
                for m in ms {
                    model.remove(&m);
                }
            }
            _ => {
                // As many, changing nothing: the index dropped up front is restored as it was.
                let pairs: Vec<(f64, Vec<u8>)> = (0..300)
                    .map(|i| (1.0, format!("absent{i}").into_bytes()))
                    .collect();
                let xx = ZAddOptions {
                    xx: true,
                    ..Default::default()
                };
                let before = levels(&store, key)?;
                assert_eq!(store.zadd(key, xx, &pairs)?, 0);
                store.read(|r| check_rank_index(r, key.as_bytes()))?;
                let absent: Vec<&Vec<u8>> = pairs.iter().map(|(_, m)| m).collect();
                assert_eq!(store.zrem(key, &absent)?, 0);
                assert_eq!(levels(&store, key)?, before);
            }
        }
        verify(&store, key, &model, &mut rng)?;
    }
    // ZRANGESTORE's copy has no index until asked (answers by walks meanwhile); COPY copies
    // the index.
    let all = sorted(&model);
    assert_eq!(
        store.zrangestore("copy", key, &ZRange::rank(0, -1))?,
        all.len() as u64
    );
    verify(&store, "copy", &model, &mut rng)?;
    store.zset_index_ranks("copy")?;
    assert_eq!(levels(&store, "copy")?, wanted_levels(all.len() as u64));
    verify(&store, "copy", &model, &mut rng)?;
    assert!(store.copy(key, "dup", None, false)?);
    verify(&store, "dup", &model, &mut rng)?;
    store.zadd("dup", ZAddOptions::default(), &[(0.5, b"new".to_vec())])?;
    store.read(|r| check_rank_index(r, b"dup"))?;
    // Emptied, a sorted set leaves no rank entries behind (checked by its key id's range).
    let id = store.read(|r| Ok(r.collection(b"copy", KeyType::ZSet)?.map(|v| v.key_id)))?;
    store.zremrangebyrank("copy", 0, -1)?;
    assert_eq!(store.exists(&["copy"])?, 0);
    store.read(|r| {
        let mut left = 0;
        if let Some(id) = id {
            let kind = crate::storage::element::ElementKind::ZsetRank;
            let from = crate::types::collection::Walk::Forward([0; 8]);
            r.walk(id, kind, from, |_| {
                left += 1;
                Ok(true)
            })?;
        }
        assert_eq!(left, 0);
        Ok(())
    })
}

#[test]
fn three_levels_kept_member_by_member() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let mut rng = Rng(11);
    let pairs: Vec<(f64, Vec<u8>)> = (0..38_000)
        .map(|i| (rng.below(1000) as f64, member(i)))
        .collect();
    store.zadd("z", ZAddOptions::default(), &pairs)?;
    let mut model: Model = pairs.into_iter().map(|(s, m)| (m, s)).collect();
    store.zset_index_ranks("z")?;
    assert_eq!(levels(&store, "z")?, 3);
    // One change per transaction, so every level is updated in place: new members, score
    // changes near and far (across ranges of every level, or within one), removals.
    for step in 0..600u64 {
        let n = model.len() as u64;
        match step % 4 {
            0 => {
                let m = member(100_000 + step);
                let score = rng.below(1000) as f64;
                store.zadd("z", ZAddOptions::default(), &[(score, m.clone())])?;
                model.insert(m, score);
            }
            1 | 2 => {
                let i = rng.below(n) as usize;
                let (m, old) = model.iter().nth(i).map(|(m, s)| (m.clone(), *s)).unwrap();
                let score = if step % 4 == 1 {
                    rng.below(1000) as f64
                } else {
                    old + 0.25
                };
                store.zadd("z", ZAddOptions::default(), &[(score, m.clone())])?;
                model.insert(m, score);
            }
            _ => {
                let i = rng.below(n) as usize;
                let m = model.keys().nth(i).cloned().unwrap();
                assert_eq!(store.zrem("z", std::slice::from_ref(&m))?, 1);
                model.remove(&m);
            }
        }
        if step % 150 == 149 {
            verify(&store, "z", &model, &mut rng)?;
        }
    }
    assert_eq!(levels(&store, "z")?, 3);
    Ok(())
}

#[test]
fn three_levels_and_lex_ranks() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let mut rng = Rng(7);
    // All scores equal: lex ranges and counts go by rank.
    let pairs: Vec<(f64, Vec<u8>)> = (0..38_000).map(|i| (1.0, member(i))).collect();
    store.zadd("z", ZAddOptions::default(), &pairs)?;
    let mut model: Model = pairs.into_iter().map(|(s, m)| (m, s)).collect();
    let n = model.len() as u64;
    store.zset_index_ranks("z")?;
    assert_eq!(levels(&store, "z")?, wanted_levels(n));
    assert_eq!(levels(&store, "z")?, 3);
    verify(&store, "z", &model, &mut rng)?;
    let all = sorted(&model);
    for _ in 0..20 {
        let (i, j) = (rng.below(n) as usize, rng.below(n) as usize);
        let (a, b) = (all[i.min(j)].0.clone(), all[i.max(j)].0.clone());
        let min = LexBound::Inclusive(Bytes::from(a.clone()));
        let max = LexBound::Exclusive(Bytes::from(b.clone()));
        let want = all.iter().filter(|(m, _)| *m >= a && *m < b).count() as u64;
        assert_eq!(store.zlexcount("z", min.clone(), max.clone())?, want);
        let offset = rng.below(want + 1) as i64;
        let got = store.zrangebylex(
            "z",
            min.clone(),
            max.clone(),
            Some(Limit { offset, count: 2 }),
        )?;
        let expect: Vec<Bytes> = all
            .iter()
            .filter(|(m, _)| *m >= a && *m < b)
            .skip(offset as usize)
            .take(2)
            .map(|(m, _)| Bytes::from(m.clone()))
            .collect();
        assert_eq!(got, expect);
        let got = store.zrevrangebylex("z", max, min, Some(Limit { offset, count: 2 }))?;
        let expect: Vec<Bytes> = all
            .iter()
            .rev()
            .filter(|(m, _)| *m >= a && *m < b)
            .skip(offset as usize)
            .take(2)
            .map(|(m, _)| Bytes::from(m.clone()))
            .collect();
        assert_eq!(got, expect);
    }
    // A prefix of long members is a bound inside their tie group.
    let prefix = Bytes::from(vec![b'q'; 400]);
    let mut inside = prefix.to_vec();
    inside.push(b'3');
    for (min, max) in [
        (LexBound::Inclusive(prefix.clone()), LexBound::Plus),
        (LexBound::Exclusive(prefix.clone()), LexBound::Plus),
        (
            LexBound::Minus,
            LexBound::Inclusive(Bytes::from(inside.clone())),
        ),
        (
            LexBound::Exclusive(Bytes::from(inside.clone())),
            LexBound::Plus,
        ),
    ] {
        let want = all
            .iter()
            .filter(|(m, _)| min.admits_above(m) && max.admits_below(m))
            .count() as u64;
        assert_eq!(store.zlexcount("z", min, max)?, want);
    }
    // Deleting most of it rebuilds the index for what is left.
    store.zremrangebyrank("z", 100, -100)?;
    model = sorted(&model)
        .into_iter()
        .enumerate()
        .filter(|(i, _)| *i < 100 || *i as u64 >= n - 99)
        .map(|(_, e)| e)
        .collect();
    verify(&store, "z", &model, &mut rng)?;
    assert_eq!(levels(&store, "z")?, 1);
    let by = ZRangeBy::Rank { start: 0, stop: -1 };
    assert_eq!(
        owned(store.zrange("z", &ZRange { by, rev: false })?),
        sorted(&model)
    );
    Ok(())
}

#[test]
fn a_set_gets_an_index_once_a_read_needs_positions() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = std::sync::Arc::new(crate::ManualClock::new(1_000_000_000));
    let store = crate::StoreOptions::new()
        .clock(clock.clone())
        .background_reclaim(false)
        .open(dir.path())?;
    let mut rng = Rng(3);
    let pairs: Vec<(f64, Vec<u8>)> = (0..2000).map(|i| ((i % 11) as f64, member(i))).collect();
    store.zadd("z", ZAddOptions::default(), &pairs)?;
    let mut model: Model = pairs.into_iter().map(|(s, m)| (m, s)).collect();
    let state_len = |store: &Store| -> Result<usize> {
        store.read(|r| {
            Ok(r.collection(b"z", KeyType::ZSet)?
                .map_or(0, |v| v.state.len()))
        })
    };
    let requests = |store: &Store| store.core().rank_requests();
    // Grown by writes alone: no index, no levels byte, no rank entries.
    assert_eq!((state_len(&store)?, levels(&store, "z")?), (1, 0));
    store.read(|r| check_rank_index(r, b"z"))?;
    // Reads that need no positions (or only a few from an end) do not ask for one.
    let all = sorted(&model);
    assert_eq!(store.zscore("z", &all[5].0)?, Some(all[5].1));
    assert_eq!(
        owned(store.zrange("z", &ZRange::rank(0, 4))?),
        all[..5].to_vec()
    );
    assert_eq!(
        owned(store.zrange("z", &ZRange::rank(0, 4).rev())?).len(),
        5
    );
    let (min, max) = (ScoreBound::Inclusive(2.0), ScoreBound::Inclusive(3.0));
    let limit = Some(Limit {
        offset: 3,
        count: 2,
    });
    assert_eq!(store.zrangebyscore("z", min, max, limit)?.len(), 2);
    let n = model.len() as u64;
    assert_eq!(store.zlexcount("z", LexBound::Minus, LexBound::Plus)?, n);
    assert_eq!(requests(&store), Vec::new());
    // Each of these would have used one: answered by walking, they ask (once).
    let offset = Some(Limit {
        offset: 100,
        count: 2,
    });
    assert_eq!(store.zrangebyscore("z", min, max, offset)?.len(), 2);
    assert_eq!(store.zrank("z", &all[999].0)?, Some(999));
    let in_range = all.iter().filter(|(_, s)| (2.0..=3.0).contains(s)).count();
    assert_eq!(store.zcount("z", min, max)?, in_range as u64);
    assert_eq!(
        owned(store.zrange("z", &ZRange::rank(900, 901))?),
        all[900..902].to_vec()
    );
    assert_eq!(requests(&store), vec![(0, b"z".to_vec())]);
    // Building it changes neither the set's idle time nor anything a reader or WATCH sees.
    clock.advance(std::time::Duration::from_secs(100));
    let watch = store.watch(&["z"]);
    store.zset_index_ranks("z")?;
    assert!(!watch.changed());
    assert_eq!(store.object_idletime("z")?, Some(100));
    assert_eq!((state_len(&store)?, levels(&store, "z")?), (2, 2));
    verify(&store, "z", &model, &mut rng)?;
    // From then on writes keep it; emptied and refilled under the same name, the set starts
    // without one.
    let more: Vec<(f64, Vec<u8>)> = (5000..5100).map(|i| (1.5, member(i))).collect();
    store.zadd("z", ZAddOptions::default(), &more)?;
    model.extend(more.into_iter().map(|(s, m)| (m, s)));
    verify(&store, "z", &model, &mut rng)?;
    store.zremrangebyrank("z", 0, -1)?;
    store.zadd("z", ZAddOptions::default(), &[(1.0, b"a".to_vec())])?;
    assert_eq!(state_len(&store)?, 1);
    // An indexed set gets its next level as it grows past 32².
    let small: Vec<(f64, Vec<u8>)> = (0..40)
        .map(|i| (i as f64, format!("s{i}").into_bytes()))
        .collect();
    store.zadd("z", ZAddOptions::default(), &small)?;
    store.zset_index_ranks("z")?;
    assert_eq!(levels(&store, "z")?, 1);
    let grown: Vec<(f64, Vec<u8>)> = (40..1100)
        .map(|i| (i as f64, format!("s{i}").into_bytes()))
        .collect();
    // A few at a time, so that the levels are kept member by member, not rebuilt.
    for batch in grown.chunks(4) {
        store.zadd("z", ZAddOptions::default(), batch)?;
    }
    assert_eq!(levels(&store, "z")?, 2);
    store.read(|r| check_rank_index(r, b"z"))
}

#[test]
fn a_set_without_levels_is_walked_then_indexed() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let mut rng = Rng(99);
    let pairs: Vec<(f64, Vec<u8>)> = (0..2000).map(|i| ((i % 11) as f64, member(i))).collect();
    store.zadd("z", ZAddOptions::default(), &pairs)?;
    let mut model: Model = pairs.into_iter().map(|(s, m)| (m, s)).collect();
    store.zset_index_ranks("z")?;
    // As written before the rank index existed: a one-byte state, no rank entries.
    store.transaction(|tx| {
        let mut zset = tx
            .open_collection(b"z", KeyType::ZSet)?
            .ok_or(crate::Error::NoSuchKey)?;
        let mut keys = Vec::new();
        let kind = crate::storage::element::ElementKind::ZsetRank;
        {
            use lmdb::{Cursor, Transaction};
            let prefix = crate::storage::element::kind_prefix(zset.key_id, kind);
            let mut cursor = tx.raw.open_ro_cursor(tx.core.storage.elements).unwrap();
            for (k, _) in cursor.iter_from(prefix).map(|e| e.unwrap()) {
                if !k.starts_with(&prefix) {
                    break;
                }
                keys.push(k.to_vec());
            }
        }
        assert!(!keys.is_empty());
        let elements = tx.core.storage.elements;
        for k in keys {
            tx.del_raw(elements, &k)?;
        }
        zset.state.truncate(1);
        tx.save_collection(b"z", &zset)
    })?;
    assert_eq!(levels(&store, "z")?, 0);
    let all = sorted(&model);
    let last = all.len() - 1;
    for i in [0, 1, 999, last - 1, last] {
        assert_eq!(store.zrank("z", &all[i].0)?, Some(i as u64));
    }
    assert_eq!(
        store.zcount("z", ScoreBound::Inclusive(3.0), ScoreBound::Inclusive(5.0))?,
        all.iter().filter(|(_, s)| (3.0..=5.0).contains(s)).count() as u64
    );
    assert_eq!(
        owned(store.zrange("z", &ZRange::rank(1000, 1004))?),
        all[1000..=1004].to_vec()
    );
    // Those reads asked for levels: the background thread builds them, and writes keep them.
    wait_for_levels(&store, "z", 2)?;
    store.zadd("z", ZAddOptions::default(), &[(2.5, b"x".to_vec())])?;
    model.insert(b"x".to_vec(), 2.5);
    assert_eq!(levels(&store, "z")?, 2);
    verify(&store, "z", &model, &mut rng)
}

#[test]
fn members_at_the_ends_move_past_them() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let mut rng = Rng(5);
    // Two sorted sets side by side in the elements database: the first one's score index is
    // followed by its own rank entries, the second one's preceded by its member entries.
    for key in ["a", "b"] {
        let pairs: Vec<(f64, Vec<u8>)> = (0..3000).map(|i| (i as f64, member(i))).collect();
        store.zadd(key, ZAddOptions::default(), &pairs)?;
    }
    let mut model: Model = (0..3000).map(|i| (member(i), i as f64)).collect();
    for key in ["a", "b"] {
        store.zset_index_ranks(key)?;
    }
    assert_eq!(levels(&store, "a")?, 2);
    // One member per transaction, the lowest or the highest by score, moved further out
    // (nothing between the places) or into the middle (many members between), so that many
    // members take their turn at the ends.
    for step in 0..80u64 {
        let all = sorted(&model);
        let (m, score) = if step % 2 == 0 {
            all.first().cloned().unwrap()
        } else {
            all.last().cloned().unwrap()
        };
        let outward = if step % 2 == 0 { -1.0 } else { 1.0 };
        let new = match step % 8 {
            0 | 1 => score + outward * (1 + rng.below(3)) as f64,
            _ => all[all.len() / 4 + rng.below(all.len() as u64 / 2) as usize].1 + 0.5,
        };
        store.zadd("a", ZAddOptions::default(), &[(new, m.clone())])?;
        model.insert(m, new);
        if step % 20 == 19 {
            verify(&store, "a", &model, &mut rng)?;
        }
    }
    let untouched: Model = (0..3000).map(|i| (member(i), i as f64)).collect();
    verify(&store, "b", &untouched, &mut rng)
}
