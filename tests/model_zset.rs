//! Model test: random sequences of sorted-set commands run against the store and against a
//! plain in-memory model (`BTreeMap` member → score, ordered by a sort on every read), every
//! result compared, the whole content compared after every step, and the store reopened from
//! disk mid-sequence. Members include long ones sharing a 400-byte prefix, whose stored order
//! differs from Redis's order, and scores repeat so ties are common.
//!
//! Some steps add a thousand or more members at once, so the rank index has several levels
//! (one per power of 32 members) while ranks, counts, ranges by rank and LIMIT offsets are
//! checked all along the set.
//!
//! `PROPTEST_CASES` raises the number of cases (default 32).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use keyp::{
    Aggregate, Bytes, LexBound, Limit, Result, ScoreBound, Store, ZAddOptions, ZCombine, ZRange,
    ZRangeBy,
};
use proptest::prelude::*;

const KEYS: [&str; 4] = ["a", "b", "l", "u"];
const SCORES: [f64; 7] = [f64::NEG_INFINITY, -1.0, 0.0, 0.5, 1.0, 2.0, f64::INFINITY];

fn members() -> Vec<Vec<u8>> {
    let mut pool: Vec<Vec<u8>> = ["", "a", "b", "c", "ab", "b\0"]
        .iter()
        .map(|m| m.as_bytes().to_vec())
        .collect();
    let base = vec![b'p'; 400];
    pool.push(base[..399].to_vec());
    pool.push(base.clone());
    for suffix in [&b"a"[..], b"b", b"ab", b"\0", b"z"] {
        let mut m = base.clone();
        m.extend_from_slice(suffix);
        pool.push(m);
    }
    pool.push(vec![b'p'; 450]);
    pool
}

/// Members added in bulk: enough of them for a rank index of two levels.
const BULK: usize = 2500;

/// Bulk member `i`: short, or (one in four) long with a shared 400-byte prefix.
fn bulk_member(i: usize) -> Vec<u8> {
    if i % 4 == 3 {
        let mut m = vec![b'p'; 400];
        m.extend_from_slice(format!("g{i}").as_bytes());
        m
    } else {
        format!("g{i:04}").into_bytes()
    }
}

#[derive(Clone, Debug)]
enum By {
    Rank(i64, i64),
    Score(usize, bool, usize, bool, Option<(i64, i64)>),
    Lex(u8, usize, u8, usize, Option<(i64, i64)>),
}

#[derive(Clone, Debug)]
enum Op {
    Zadd(usize, [bool; 5], Vec<(usize, usize)>),
    Incr(usize, [bool; 5], usize, usize),
    Zrem(usize, Vec<usize>),
    Range(usize, By, bool),
    Rank(usize, usize, bool),
    Score(usize, usize),
    Count(usize, By),
    Pop(usize, bool, u64),
    RemoveRange(usize, By),
    Union(Vec<usize>, Vec<usize>, u8),
    /// ZADD of bulk members `0..count` with scores picked from `SCORES` by `shift`.
    Bulk(usize, usize, usize),
    /// ZRANK or ZREVRANK of a bulk member.
    BulkRank(usize, usize, bool),
    /// A page of a whole-set score (or lex) range at a far LIMIT offset, in either order.
    Page(usize, i64, bool, bool),
    /// BZPOPMIN (or BZPOPMAX when true) in another thread, waiting forever; when the set is
    /// empty it blocks until this thread adds the member at the score.
    BlockingPop(usize, bool, usize, usize),
    Reopen,
}

fn limit() -> impl Strategy<Value = Option<(i64, i64)>> {
    proptest::option::of(prop_oneof![
        1 => (-1i64..4, -1i64..5),
        1 => (0i64..BULK as i64 + 10, -1i64..5),
    ])
}

fn by() -> impl Strategy<Value = By> {
    let n = members().len();
    let far = BULK as i64 + 10;
    prop_oneof![
        (-8i64..8, -8i64..8).prop_map(|(a, b)| By::Rank(a, b)),
        (-far..far, 0i64..12).prop_map(|(a, len)| By::Rank(a, a + len)),
        (
            0..SCORES.len(),
            any::<bool>(),
            0..SCORES.len(),
            any::<bool>(),
            limit()
        )
            .prop_map(|(a, ax, b, bx, l)| By::Score(a, ax, b, bx, l)),
        (0u8..4, 0..n, 0u8..4, 0..n, limit())
            .prop_map(|(a, am, b, bm, l)| By::Lex(a, am, b, bm, l)),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let n = members().len();
    let key = 0..3usize;
    let flags = proptest::array::uniform5(proptest::bool::weighted(0.2));
    prop_oneof![
        6 => (key.clone(), flags, proptest::collection::vec((0..SCORES.len(), 0..n), 1..5))
            .prop_map(|(k, f, p)| Op::Zadd(k, f, p)),
        2 => (key.clone(), flags, 0..SCORES.len(), 0..n).prop_map(|(k, f, s, m)| Op::Incr(k, f, s, m)),
        2 => (key.clone(), proptest::collection::vec(0..n, 1..4)).prop_map(|(k, m)| Op::Zrem(k, m)),
        4 => (0..KEYS.len(), by(), any::<bool>()).prop_map(|(k, b, r)| Op::Range(k, b, r)),
        2 => (0..KEYS.len(), 0..n, any::<bool>()).prop_map(|(k, m, r)| Op::Rank(k, m, r)),
        1 => (0..KEYS.len(), 0..n).prop_map(|(k, m)| Op::Score(k, m)),
        1 => (0..KEYS.len(), by()).prop_map(|(k, b)| Op::Count(k, b)),
        1 => (key.clone(), any::<bool>(), 0u64..4).prop_map(|(k, m, c)| Op::Pop(k, m, c)),
        1 => (key, by()).prop_map(|(k, b)| Op::RemoveRange(k, b)),
        1 => (proptest::collection::vec(0..3usize, 1..4), proptest::collection::vec(0..4usize, 0..4), 0u8..3)
            .prop_map(|(k, w, a)| Op::Union(k, w, a)),
        1 => (0..3usize, 1000..BULK, 0..SCORES.len()).prop_map(|(k, c, s)| Op::Bulk(k, c, s)),
        1 => (0..KEYS.len(), 0..BULK, any::<bool>()).prop_map(|(k, i, r)| Op::BulkRank(k, i, r)),
        2 => (0..KEYS.len(), 0..BULK as i64, any::<bool>(), any::<bool>())
            .prop_map(|(k, o, r, l)| Op::Page(k, o, r, l)),
        1 => (0..3usize, any::<bool>(), 0..SCORES.len(), 0..n)
            .prop_map(|(k, max, s, m)| Op::BlockingPop(k, max, s, m)),
        1 => Just(Op::Reopen),
    ]
}

/// Waits until a blocking pop is registered on `key`.
fn wait_blocked(store: &Store, key: &str) {
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while store.blocked_on(key) == 0 {
        assert!(
            std::time::Instant::now() < give_up,
            "the blocking pop never blocked"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

type Set = BTreeMap<Vec<u8>, f64>;

#[derive(Default)]
struct Model {
    sets: BTreeMap<&'static str, Set>,
}

fn order(a: &(Vec<u8>, f64), b: &(Vec<u8>, f64)) -> Ordering {
    a.1.partial_cmp(&b.1)
        .unwrap_or(Ordering::Equal)
        .then_with(|| a.0.cmp(&b.0))
}

impl Model {
    fn sorted(&self, key: &str) -> Vec<(Vec<u8>, f64)> {
        let mut all: Vec<(Vec<u8>, f64)> = self
            .sets
            .get(key)
            .map(|s| s.iter().map(|(m, v)| (m.clone(), *v)).collect())
            .unwrap_or_default();
        all.sort_by(order);
        all
    }

    fn tidy(&mut self) {
        self.sets.retain(|_, set| !set.is_empty());
    }

    /// ZADD's decision for one member; `None` when skipped, else (new score, added, changed).
    fn add_one(
        set: &mut Set,
        options: ZAddOptions,
        member: &[u8],
        score: f64,
        incr: bool,
    ) -> std::result::Result<Option<(f64, bool, bool)>, String> {
        match set.get(member).copied() {
            None if options.xx => Ok(None),
            None => {
                set.insert(member.to_vec(), score);
                Ok(Some((score, true, false)))
            }
            Some(_) if options.nx => Ok(None),
            Some(current) => {
                let score = if incr { score + current } else { score };
                if score.is_nan() {
                    return Err("ERR resulting score is not a number (NaN)".into());
                }
                if (options.lt && score >= current) || (options.gt && score <= current) {
                    return Ok(None);
                }
                set.insert(member.to_vec(), score);
                Ok(Some((score, false, score != current)))
            }
        }
    }

    fn check(options: ZAddOptions) -> std::result::Result<(), String> {
        if options.nx && options.xx {
            return Err("ERR XX and NX options at the same time are not compatible".into());
        }
        if (options.nx && (options.gt || options.lt)) || (options.gt && options.lt) {
            return Err("ERR GT, LT, and/or NX options at the same time are not compatible".into());
        }
        Ok(())
    }

    /// Redis's range selection over the sorted members, written plainly.
    fn select(&self, key: &str, by: &ZRangeBy, rev: bool) -> Vec<(Vec<u8>, f64)> {
        let mut all = self.sorted(key);
        let n = all.len() as i64;
        match by {
            ZRangeBy::Rank { start, stop } => {
                let fix = |i: i64| if i < 0 { n + i } else { i };
                let (start, stop) = (fix(*start).max(0), fix(*stop).min(n - 1));
                if start > stop || start >= n {
                    return Vec::new();
                }
                if rev {
                    all.reverse();
                }
                all[start as usize..=stop as usize].to_vec()
            }
            ZRangeBy::Score { min, max, limit } => {
                let near = |e: &(Vec<u8>, f64)| {
                    if rev {
                        below(*max, e.1)
                    } else {
                        above(*min, e.1)
                    }
                };
                let far = |e: &(Vec<u8>, f64)| {
                    if rev {
                        above(*min, e.1)
                    } else {
                        below(*max, e.1)
                    }
                };
                if rev {
                    all.reverse();
                }
                walk(&all, &near, &far, *limit)
            }
            ZRangeBy::Lex { min, max, limit } => {
                if lex_empty(min, max) || all.is_empty() {
                    return Vec::new();
                }
                if !lex_above(min, &all[all.len() - 1].0) || !lex_below(max, &all[0].0) {
                    return Vec::new();
                }
                let near = |e: &(Vec<u8>, f64)| {
                    if rev {
                        lex_below(max, &e.0)
                    } else {
                        lex_above(min, &e.0)
                    }
                };
                let far = |e: &(Vec<u8>, f64)| {
                    if rev {
                        lex_above(min, &e.0)
                    } else {
                        lex_below(max, &e.0)
                    }
                };
                if rev {
                    all.reverse();
                }
                walk(&all, &near, &far, *limit)
            }
        }
    }
}

fn above(bound: ScoreBound, score: f64) -> bool {
    match bound {
        ScoreBound::Inclusive(v) => score >= v,
        ScoreBound::Exclusive(v) => score > v,
    }
}

fn below(bound: ScoreBound, score: f64) -> bool {
    match bound {
        ScoreBound::Inclusive(v) => score <= v,
        ScoreBound::Exclusive(v) => score < v,
    }
}

fn lex_rank(b: &LexBound) -> (u8, &[u8], bool) {
    match b {
        LexBound::Minus => (0, &[], true),
        LexBound::Plus => (2, &[], true),
        LexBound::Inclusive(m) => (1, m, false),
        LexBound::Exclusive(m) => (1, m, true),
    }
}

fn lex_empty(min: &LexBound, max: &LexBound) -> bool {
    let (a, b) = (lex_rank(min), lex_rank(max));
    match (a.0, a.1).cmp(&(b.0, b.1)) {
        Ordering::Greater => true,
        Ordering::Equal => a.2 || b.2,
        Ordering::Less => false,
    }
}

fn lex_above(b: &LexBound, m: &[u8]) -> bool {
    match b {
        LexBound::Minus => true,
        LexBound::Plus => false,
        LexBound::Inclusive(v) => m >= &v[..],
        LexBound::Exclusive(v) => m > &v[..],
    }
}

fn lex_below(b: &LexBound, m: &[u8]) -> bool {
    match b {
        LexBound::Minus => false,
        LexBound::Plus => true,
        LexBound::Inclusive(v) => m <= &v[..],
        LexBound::Exclusive(v) => m < &v[..],
    }
}

type Entry = (Vec<u8>, f64);

fn walk(
    all: &[Entry],
    near: &dyn Fn(&Entry) -> bool,
    far: &dyn Fn(&Entry) -> bool,
    limit: Option<Limit>,
) -> Vec<Entry> {
    let Some(first) = all.iter().position(near) else {
        return Vec::new();
    };
    if !far(&all[first]) {
        return Vec::new();
    }
    let (offset, count) = limit.map_or((0, -1), |l| (l.offset, l.count));
    if offset < 0 {
        return Vec::new();
    }
    let take = if count < 0 {
        usize::MAX
    } else {
        count as usize
    };
    all.iter()
        .skip(first + offset as usize)
        .take_while(|e| far(e))
        .take(take)
        .cloned()
        .collect()
}

fn to_range(by: &By, pool: &[Vec<u8>]) -> ZRangeBy {
    let lim = |l: &Option<(i64, i64)>| l.map(|(offset, count)| Limit { offset, count });
    let score = |i: usize, exclusive: bool| {
        if exclusive {
            ScoreBound::Exclusive(SCORES[i])
        } else {
            ScoreBound::Inclusive(SCORES[i])
        }
    };
    let lex = |kind: u8, i: usize| match kind {
        0 => LexBound::Minus,
        1 => LexBound::Plus,
        2 => LexBound::Inclusive(Bytes::from(pool[i].clone())),
        _ => LexBound::Exclusive(Bytes::from(pool[i].clone())),
    };
    match by {
        By::Rank(a, b) => ZRangeBy::Rank {
            start: *a,
            stop: *b,
        },
        By::Score(a, ax, b, bx, l) => ZRangeBy::Score {
            min: score(*a, *ax),
            max: score(*b, *bx),
            limit: lim(l),
        },
        By::Lex(a, am, b, bm, l) => ZRangeBy::Lex {
            min: lex(*a, *am),
            max: lex(*b, *bm),
            limit: lim(l),
        },
    }
}

fn owned(v: Vec<(Bytes, f64)>) -> Vec<Entry> {
    v.into_iter().map(|(m, s)| (m.to_vec(), s)).collect()
}

fn text<T>(r: Result<T>) -> std::result::Result<T, String> {
    r.map_err(|e| e.to_string())
}

fn run(ops: &[Op]) -> Result<()> {
    let pool = members();
    let dir = tempfile::tempdir()?;
    let mut store = Store::open(dir.path())?;
    let mut model = Model::default();
    for op in ops {
        if matches!(op, Op::Reopen) {
            // Close the environment before opening it again.
            drop(store);
            store = Store::open(dir.path())?;
        } else {
            step(&store, &mut model, &pool, op)?;
        }
        model.tidy();
        for key in KEYS {
            let stored = owned(store.zrange(key, &ZRange::rank(0, -1))?);
            assert_eq!(stored, model.sorted(key), "content of {key} after {op:?}");
            assert_eq!(store.zcard(key)?, stored.len() as u64);
        }
    }
    Ok(())
}

fn options(f: [bool; 5]) -> ZAddOptions {
    ZAddOptions {
        nx: f[0],
        xx: f[1],
        gt: f[2],
        lt: f[3],
        ch: f[4],
    }
}

fn step(store: &Store, model: &mut Model, pool: &[Vec<u8>], op: &Op) -> Result<()> {
    match op {
        Op::BlockingPop(k, max, s, m) => {
            let key = KEYS[*k];
            let waiter = {
                let store = store.clone();
                let max = *max;
                std::thread::spawn(move || {
                    let forever = std::time::Duration::ZERO;
                    if max {
                        store.bzpopmax(&[key], forever)
                    } else {
                        store.bzpopmin(&[key], forever)
                    }
                })
            };
            let set = model.sets.entry(key).or_default();
            if set.is_empty() {
                // It blocks: serve it with a ZADD from this thread.
                wait_blocked(store, key);
                store.zadd(key, ZAddOptions::default(), &[(SCORES[*s], &pool[*m])])?;
                set.insert(pool[*m].clone(), SCORES[*s]);
            }
            let mut all: Vec<(Vec<u8>, f64)> = set.iter().map(|(m, v)| (m.clone(), *v)).collect();
            all.sort_by(order);
            let popped = if *max {
                all.pop()
            } else {
                all.into_iter().next()
            };
            let want = popped.map(|(member, score)| {
                set.remove(&member);
                (
                    Bytes::from_static(key.as_bytes()),
                    Bytes::from(member),
                    score,
                )
            });
            let got = waiter.join().expect("blocking pop panicked")?;
            assert_eq!(got, want, "{op:?}");
        }
        Op::Zadd(k, f, pairs) => {
            let key = KEYS[*k];
            // Key "l" only ever holds score 0, so lex ranges there take the seek path.
            let pairs: Vec<(f64, &Vec<u8>)> = pairs
                .iter()
                .map(|(s, m)| (if key == "l" { 0.0 } else { SCORES[*s] }, &pool[*m]))
                .collect();
            let opts = options(*f);
            let got = text(store.zadd(key, opts, &pairs));
            let want = Model::check(opts).map(|()| {
                let set = model.sets.entry(key).or_default();
                let (mut added, mut changed) = (0, 0);
                for (score, member) in &pairs {
                    if let Ok(Some((_, new, ch))) = Model::add_one(set, opts, member, *score, false)
                    {
                        added += u64::from(new);
                        changed += u64::from(ch);
                    }
                }
                if opts.ch {
                    added + changed
                } else {
                    added
                }
            });
            assert_eq!(got, want, "{op:?}");
        }
        Op::Incr(k, f, s, m) => {
            let key = KEYS[*k];
            let increment = if key == "l" { 0.0 } else { SCORES[*s] };
            let opts = options(*f);
            let got = text(store.zadd_incr(key, opts, increment, &pool[*m]));
            let want = Model::check(opts).and_then(|()| {
                let mut set = model.sets.get(key).cloned().unwrap_or_default();
                if opts.xx && set.is_empty() {
                    return Ok(None);
                }
                let result = Model::add_one(&mut set, opts, &pool[*m], increment, true)?;
                model.sets.insert(key, set);
                Ok(result.map(|(score, _, _)| score))
            });
            assert_eq!(got, want, "{op:?}");
        }
        Op::Zrem(k, ms) => {
            let key = KEYS[*k];
            let members: Vec<&Vec<u8>> = ms.iter().map(|m| &pool[*m]).collect();
            let set = model.sets.entry(key).or_default();
            let want = members.iter().filter(|m| set.remove(**m).is_some()).count() as u64;
            assert_eq!(store.zrem(key, &members)?, want, "{op:?}");
        }
        Op::Range(k, by, rev) => {
            let range = ZRange {
                by: to_range(by, pool),
                rev: *rev,
            };
            let got = owned(store.zrange(KEYS[*k], &range)?);
            assert_eq!(got, model.select(KEYS[*k], &range.by, *rev), "{op:?}");
        }
        Op::Rank(k, m, rev) => {
            let key = KEYS[*k];
            let mut all = model.sorted(key);
            if *rev {
                all.reverse();
            }
            let want = all
                .iter()
                .position(|(member, _)| *member == pool[*m])
                .map(|p| p as u64);
            let got = if *rev {
                store.zrevrank(key, &pool[*m])?
            } else {
                store.zrank(key, &pool[*m])?
            };
            assert_eq!(got, want, "{op:?}");
        }
        Op::Score(k, m) => {
            let want = model
                .sets
                .get(KEYS[*k])
                .and_then(|s| s.get(&pool[*m]).copied());
            assert_eq!(store.zscore(KEYS[*k], &pool[*m])?, want, "{op:?}");
        }
        Op::Count(k, by) => {
            let key = KEYS[*k];
            let (got, want) = match to_range(by, pool) {
                ZRangeBy::Score { min, max, .. } => {
                    let by = ZRangeBy::Score {
                        min,
                        max,
                        limit: None,
                    };
                    (
                        store.zcount(key, min, max)?,
                        model.select(key, &by, false).len(),
                    )
                }
                ZRangeBy::Lex { min, max, .. } => {
                    let by = ZRangeBy::Lex {
                        min: min.clone(),
                        max: max.clone(),
                        limit: None,
                    };
                    (
                        store.zlexcount(key, min, max)?,
                        model.select(key, &by, false).len(),
                    )
                }
                ZRangeBy::Rank { .. } => (0, 0),
            };
            assert_eq!(got, want as u64, "{op:?}");
        }
        Op::Pop(k, max, count) => {
            let key = KEYS[*k];
            let by = ZRangeBy::Rank {
                start: 0,
                stop: *count as i64 - 1,
            };
            let want = if *count == 0 {
                Vec::new()
            } else {
                model.select(key, &by, *max)
            };
            if let Some(set) = model.sets.get_mut(key) {
                for (m, _) in &want {
                    set.remove(m);
                }
            }
            let got = if *max {
                store.zpopmax(key, *count)?
            } else {
                store.zpopmin(key, *count)?
            };
            assert_eq!(owned(got), want, "{op:?}");
        }
        Op::RemoveRange(k, by) => {
            let key = KEYS[*k];
            let by = match to_range(by, pool) {
                ZRangeBy::Score { min, max, .. } => ZRangeBy::Score {
                    min,
                    max,
                    limit: None,
                },
                ZRangeBy::Lex { min, max, .. } => ZRangeBy::Lex {
                    min,
                    max,
                    limit: None,
                },
                rank => rank,
            };
            let want = model.select(key, &by, false);
            if let Some(set) = model.sets.get_mut(key) {
                for (m, _) in &want {
                    set.remove(m);
                }
            }
            let got = match by {
                ZRangeBy::Rank { start, stop } => store.zremrangebyrank(key, start, stop)?,
                ZRangeBy::Score { min, max, .. } => store.zremrangebyscore(key, min, max)?,
                ZRangeBy::Lex { min, max, .. } => store.zremrangebylex(key, min, max)?,
            };
            assert_eq!(got, want.len() as u64, "{op:?}");
        }
        Op::Union(ks, ws, a) => {
            let keys: Vec<&str> = ks.iter().map(|k| KEYS[*k]).collect();
            let weights: Vec<f64> = if ws.len() == keys.len() {
                ws.iter().map(|w| [0.0, 1.0, -1.0, 2.5][*w]).collect()
            } else {
                Vec::new()
            };
            let aggregate = [Aggregate::Sum, Aggregate::Min, Aggregate::Max][*a as usize];
            let combine = ZCombine {
                weights: weights.clone(),
                aggregate,
            };
            // Inputs smallest first (stable), weights following their keys.
            let mut inputs: Vec<(&str, f64)> = keys
                .iter()
                .enumerate()
                .map(|(i, k)| (*k, weights.get(i).copied().unwrap_or(1.0)))
                .collect();
            inputs.sort_by_key(|(k, _)| model.sets.get(k).map_or(0, |s| s.len()));
            let mut union: Set = BTreeMap::new();
            for (k, w) in inputs {
                for (m, s) in model.sets.get(k).cloned().unwrap_or_default() {
                    let mut v = w * s;
                    if v.is_nan() {
                        v = 0.0;
                    }
                    let slot = union.entry(m).or_insert(f64::NAN);
                    *slot = if slot.is_nan() {
                        v
                    } else {
                        match aggregate {
                            Aggregate::Sum => {
                                let sum = *slot + v;
                                if sum.is_nan() {
                                    0.0
                                } else {
                                    sum
                                }
                            }
                            Aggregate::Min => {
                                if v < *slot {
                                    v
                                } else {
                                    *slot
                                }
                            }
                            Aggregate::Max => {
                                if v > *slot {
                                    v
                                } else {
                                    *slot
                                }
                            }
                        }
                    };
                }
            }
            let want = union.len() as u64;
            model.sets.insert("u", union);
            assert_eq!(store.zunionstore("u", &keys, &combine)?, want, "{op:?}");
        }
        Op::Bulk(k, count, shift) => {
            let key = KEYS[*k];
            let pairs: Vec<(f64, Vec<u8>)> = (0..*count)
                .map(|i| {
                    let score = if key == "l" {
                        0.0
                    } else {
                        SCORES[(i * 5 + i / 7 + shift) % SCORES.len()]
                    };
                    (score, bulk_member(i))
                })
                .collect();
            let set = model.sets.entry(key).or_default();
            let want = pairs
                .iter()
                .filter(|(score, m)| set.insert(m.clone(), *score).is_none())
                .count() as u64;
            assert_eq!(
                store.zadd(key, ZAddOptions::default(), &pairs)?,
                want,
                "{op:?}"
            );
        }
        Op::BulkRank(k, i, rev) => {
            let key = KEYS[*k];
            let member = bulk_member(*i);
            let mut all = model.sorted(key);
            if *rev {
                all.reverse();
            }
            let want = all.iter().position(|(m, _)| *m == member).map(|p| p as u64);
            let got = if *rev {
                store.zrevrank(key, &member)?
            } else {
                store.zrank(key, &member)?
            };
            assert_eq!(got, want, "{op:?}");
        }
        Op::Page(k, offset, rev, lex) => {
            let limit = Some(Limit {
                offset: *offset,
                count: 3,
            });
            let by = if *lex {
                ZRangeBy::Lex {
                    min: LexBound::Minus,
                    max: LexBound::Plus,
                    limit,
                }
            } else {
                ZRangeBy::Score {
                    min: ScoreBound::MIN,
                    max: ScoreBound::MAX,
                    limit,
                }
            };
            let range = ZRange { by, rev: *rev };
            let got = owned(store.zrange(KEYS[*k], &range)?);
            assert_eq!(got, model.select(KEYS[*k], &range.by, *rev), "{op:?}");
        }
        Op::Reopen => {}
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(32),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn sorted_sets_match_the_model(
        bulk in proptest::collection::vec((0..3usize, 1000..BULK, 0..SCORES.len()), 0..3),
        ops in proptest::collection::vec(op(), 1..40),
    ) {
        // Most cases start with large sets, so ranks go through several index levels.
        let mut all: Vec<Op> = bulk.into_iter().map(|(k, c, s)| Op::Bulk(k, c, s)).collect();
        all.extend(ops);
        run(&all).map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
}
