//! Model test: random sequences of stream commands (XADD, XDEL, XTRIM, XRANGE, XREVRANGE,
//! XGROUP, XREADGROUP, XACK, XCLAIM, XPENDING, XINFO CONSUMERS) with clock moves, run against
//! the store and against a plain in-memory model of Redis 7.0's semantics; every result
//! (values and error texts) is compared, and the store is reopened from disk mid-sequence.
//!
//! `PROPTEST_CASES` raises the number of cases (default 48).

use std::collections::BTreeMap;
use std::sync::Arc;

use keyp::{
    Bytes, GroupReadId, GroupStartId, ManualClock, Store, StoreOptions, StreamId, Trim, XAddArgs,
    XAddId, XClaimArgs, XClaimOptions, XGroupCreateOptions, XPendingArgs,
};
use proptest::prelude::*;

const KEYS: [&str; 3] = ["a", "b", "str"];
const GROUPS: [&str; 2] = ["g", "h"];
const CONSUMERS: [&str; 3] = ["x", "y", "z"];
const T0: u64 = 1_000_000;

#[derive(Clone, Debug)]
enum Op {
    /// key, id kind (0 auto, 1 explicit, 2 ms-*), ms, seq, value
    Add(usize, u8, u64, u64, u8),
    Del(usize, Vec<(u64, u64)>),
    TrimLen(usize, u64),
    TrimMin(usize, u64),
    Range(usize, (u64, u64), (u64, u64), Option<u64>, bool),
    Len(usize),
    Create(usize, usize, Option<u64>, bool),
    Destroy(usize, usize),
    CreateConsumer(usize, usize, usize),
    DelConsumer(usize, usize, usize),
    SetId(usize, usize, u64),
    ReadNew(usize, usize, usize, Option<u64>, bool),
    ReadPending(usize, usize, usize, u64, Option<u64>),
    Ack(usize, usize, Vec<u64>),
    Claim(usize, usize, usize, i64, Vec<u64>, bool, bool),
    Pending(usize, usize, Option<usize>, u64),
    Summary(usize, usize),
    Consumers(usize, usize),
    Advance(u64),
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    // Mostly one key and one group, so that sequences build up groups and pending entries.
    let key = prop_oneof![6 => Just(0usize), 2 => Just(1), 1 => Just(2)];
    let group = prop_oneof![3 => Just(0usize), 1 => Just(1)];
    let consumer = 0..CONSUMERS.len();
    let count = proptest::option::of(0u64..4);
    prop_oneof![
        8 => (key.clone(), 0u8..3, 0u64..12, 0u64..3, any::<u8>()).prop_map(|(k, t, m, s, v)| Op::Add(k, t, m, s, v)),
        2 => (key.clone(), proptest::collection::vec((0u64..12, 0u64..3), 1..3)).prop_map(|(k, i)| Op::Del(k, i)),
        1 => (key.clone(), 0u64..6).prop_map(|(k, n)| Op::TrimLen(k, n)),
        1 => (key.clone(), 0u64..12).prop_map(|(k, n)| Op::TrimMin(k, n)),
        2 => (key.clone(), (0u64..12, 0u64..3), (0u64..12, 0u64..3), count.clone(), any::<bool>())
            .prop_map(|(k, s, e, c, r)| Op::Range(k, s, e, c, r)),
        1 => key.clone().prop_map(Op::Len),
        3 => (key.clone(), group.clone(), proptest::option::of(0u64..12), any::<bool>()).prop_map(|(k, g, i, m)| Op::Create(k, g, i, m)),
        1 => (key.clone(), group.clone()).prop_map(|(k, g)| Op::Destroy(k, g)),
        1 => (key.clone(), group.clone(), consumer.clone()).prop_map(|(k, g, c)| Op::CreateConsumer(k, g, c)),
        1 => (key.clone(), group.clone(), consumer.clone()).prop_map(|(k, g, c)| Op::DelConsumer(k, g, c)),
        1 => (key.clone(), group.clone(), 0u64..12).prop_map(|(k, g, i)| Op::SetId(k, g, i)),
        5 => (key.clone(), group.clone(), consumer.clone(), count.clone(), proptest::bool::weighted(0.2))
            .prop_map(|(k, g, c, n, a)| Op::ReadNew(k, g, c, n, a)),
        2 => (key.clone(), group.clone(), consumer.clone(), 0u64..12, count)
            .prop_map(|(k, g, c, i, n)| Op::ReadPending(k, g, c, i, n)),
        2 => (key.clone(), group.clone(), proptest::collection::vec(0u64..12, 1..3)).prop_map(|(k, g, i)| Op::Ack(k, g, i)),
        2 => (key.clone(), group.clone(), consumer.clone(), -5i64..30, proptest::collection::vec(0u64..12, 1..3), any::<bool>(), proptest::bool::weighted(0.3))
            .prop_map(|(k, g, c, m, i, j, f)| Op::Claim(k, g, c, m, i, j, f)),
        2 => (key.clone(), group.clone(), proptest::option::of(consumer), 0u64..5).prop_map(|(k, g, c, n)| Op::Pending(k, g, c, n)),
        1 => (key.clone(), group.clone()).prop_map(|(k, g)| Op::Summary(k, g)),
        1 => (key, group).prop_map(|(k, g)| Op::Consumers(k, g)),
        2 => (1u64..20).prop_map(Op::Advance),
        1 => Just(Op::Reopen),
    ]
}

#[path = "model_stream/model.rs"]
mod model;

use model::{sid, text, Group, Model};

struct Harness {
    dir: tempfile::TempDir,
    clock: Arc<ManualClock>,
    store: Option<Store>,
}

impl Harness {
    fn store(&self) -> &Store {
        self.store.as_ref().unwrap()
    }
}

fn run(ops: Vec<Op>) -> std::result::Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(T0));
    let store = StoreOptions::new()
        .clock(clock.clone())
        .open(dir.path())
        .unwrap();
    store.set("str", "x").unwrap();
    let mut h = Harness {
        dir,
        clock,
        store: Some(store),
    };
    let mut m = Model::default();
    let mut now = T0;
    for op in ops {
        let s = h.store();
        match op {
            Op::Add(k, kind, ms, seq, v) => {
                let key = KEYS[k];
                let id = match kind {
                    0 => XAddId::Auto,
                    1 => XAddId::Explicit(StreamId::new(ms, seq)),
                    _ => XAddId::AutoSeq(ms),
                };
                let got = text(s.xadd(key, XAddArgs::new(id), &[(&b"f"[..], &[v][..])]))
                    .map(Option::unwrap);
                prop_assert_eq!(got, m.add(key, kind, ms, seq, v, now));
            }
            Op::Del(k, ids) => {
                let key = KEYS[k];
                let sids: Vec<StreamId> = ids.iter().map(|i| sid(*i)).collect();
                let want = match m.stream(key) {
                    Err(e) => Err(e),
                    Ok(_) => Ok(m.streams.get_mut(key).map_or(0, |st| {
                        ids.iter()
                            .filter(|i| st.entries.remove(i).is_some())
                            .count() as u64
                    })),
                };
                prop_assert_eq!(text(s.xdel(key, &sids)), want);
            }
            Op::TrimLen(k, n) => {
                let want = m.trim(KEYS[k], |i, _, len| len - i <= n as usize);
                prop_assert_eq!(text(s.xtrim(KEYS[k], Trim::maxlen(n))), want);
            }
            Op::TrimMin(k, n) => {
                let want = m.trim(KEYS[k], |_, id, _| id >= (n, 0));
                prop_assert_eq!(
                    text(s.xtrim(KEYS[k], Trim::minid(StreamId::new(n, 0)))),
                    want
                );
            }
            Op::Range(k, a, b, count, rev) => {
                let got = if rev {
                    s.xrevrange(KEYS[k], sid(b), sid(a), count)
                } else {
                    s.xrange(KEYS[k], sid(a), sid(b), count)
                };
                let got = text(got).map(|o| {
                    o.map(|v| v.into_iter().map(|e| (e.id, e.fields)).collect::<Vec<_>>())
                });
                prop_assert_eq!(got, m.range(KEYS[k], a, b, count, rev));
            }
            Op::Len(k) => {
                let want = m
                    .stream(KEYS[k])
                    .map(|st| st.map_or(0, |st| st.entries.len() as u64));
                prop_assert_eq!(text(s.xlen(KEYS[k])), want);
            }
            Op::Create(k, g, at, mkstream) => {
                let (key, group) = (KEYS[k], GROUPS[g]);
                let start = at.map_or(GroupStartId::Last, |ms| {
                    GroupStartId::Id(StreamId::new(ms, 0))
                });
                let got = text(s.xgroup_create(
                    key,
                    group,
                    start,
                    XGroupCreateOptions {
                        mkstream,
                        entries_read: None,
                    },
                ));
                let want = m.stream(key).map(|st| st.is_some()).and_then(|exists| {
                    if !exists && !mkstream {
                        return Err("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.".to_string());
                    }
                    let st = m.streams.entry(key.to_string()).or_default();
                    if st.groups.contains_key(group) {
                        return Err("BUSYGROUP Consumer Group name already exists".into());
                    }
                    let last = at.map_or(st.last, |ms| (ms, 0));
                    st.groups.insert(group.to_string(), Group { last, ..Group::default() });
                    Ok(())
                });
                prop_assert_eq!(got, want);
            }
            Op::Destroy(k, g) => {
                let (key, group) = (KEYS[k], GROUPS[g]);
                let want = m.stream(key).map(|st| st.is_some()).and_then(|exists| {
                    if !exists {
                        return Err("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.".to_string());
                    }
                    Ok(m.streams.get_mut(key).unwrap().groups.remove(group).is_some())
                });
                prop_assert_eq!(text(s.xgroup_destroy(key, group)), want);
            }
            Op::CreateConsumer(k, g, c) | Op::DelConsumer(k, g, c) => {
                let create = matches!(op, Op::CreateConsumer(..));
                let (key, group, consumer) = (KEYS[k], GROUPS[g], CONSUMERS[c]);
                let want = m.stream(key).map(|st| st.is_some()).and_then(|exists| {
                    if !exists {
                        return Err("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.".to_string());
                    }
                    let grp = m.streams.get_mut(key).unwrap().groups.get_mut(group)
                        .ok_or(format!("NOGROUP No such consumer group '{group}' for key name '{key}'"))?;
                    if create {
                        let new = !grp.consumers.contains_key(consumer);
                        grp.consumers.entry(consumer.to_string()).or_insert(now);
                        Ok(u64::from(new))
                    } else {
                        if grp.consumers.remove(consumer).is_none() {
                            return Ok(0);
                        }
                        let before = grp.pel.len();
                        grp.pel.retain(|_, n| n.consumer != consumer);
                        Ok((before - grp.pel.len()) as u64)
                    }
                });
                let got = if create {
                    text(s.xgroup_createconsumer(key, group, consumer)).map(u64::from)
                } else {
                    text(s.xgroup_delconsumer(key, group, consumer))
                };
                prop_assert_eq!(got, want);
            }
            Op::SetId(k, g, ms) => {
                let (key, group) = (KEYS[k], GROUPS[g]);
                let want = m.stream(key).map(|st| st.is_some()).and_then(|exists| {
                    if !exists {
                        return Err("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.".to_string());
                    }
                    let grp = m.streams.get_mut(key).unwrap().groups.get_mut(group)
                        .ok_or(format!("NOGROUP No such consumer group '{group}' for key name '{key}'"))?;
                    grp.last = (ms, 0);
                    Ok(())
                });
                prop_assert_eq!(
                    text(s.xgroup_setid(key, group, GroupStartId::Id(StreamId::new(ms, 0)), None)),
                    want
                );
            }
            Op::ReadNew(k, g, c, count, noack) => {
                let (key, group, consumer) = (KEYS[k], GROUPS[g], CONSUMERS[c]);
                let got =
                    text(s.xreadgroup(group, consumer, &[(key, GroupReadId::New)], count, noack))
                        .map(|r| r.into_iter().flat_map(|(_, e)| e).collect::<Vec<_>>());
                prop_assert_eq!(got, m.read_new(key, group, consumer, count, noack, now));
            }
            Op::ReadPending(k, g, c, after, count) => {
                let (key, group, consumer) = (KEYS[k], GROUPS[g], CONSUMERS[c]);
                let got = text(s.xreadgroup(
                    group,
                    consumer,
                    &[(key, GroupReadId::Pending(StreamId::new(after, 0)))],
                    count,
                    false,
                ))
                .map(|r| r.into_iter().flat_map(|(_, e)| e).collect::<Vec<_>>());
                prop_assert_eq!(got, m.read_pending(key, group, consumer, after, count, now));
            }
            Op::Ack(k, g, ids) => {
                let (key, group) = (KEYS[k], GROUPS[g]);
                let sids: Vec<StreamId> = ids.iter().map(|ms| StreamId::new(*ms, 0)).collect();
                let want = m.stream(key).map(|_| ()).map(|()| {
                    match m
                        .streams
                        .get_mut(key)
                        .and_then(|st| st.groups.get_mut(group))
                    {
                        Some(grp) => ids
                            .iter()
                            .filter(|ms| grp.pel.remove(&(**ms, 0)).is_some())
                            .count() as u64,
                        None => 0,
                    }
                });
                prop_assert_eq!(text(s.xack(key, group, &sids)), want);
            }
            Op::Claim(k, g, c, min_idle, ids, justid, force) => {
                let (key, group, consumer) = (KEYS[k], GROUPS[g], CONSUMERS[c]);
                let args = XClaimArgs {
                    min_idle,
                    ids: ids.iter().map(|ms| StreamId::new(*ms, 0)).collect(),
                    options: XClaimOptions {
                        justid,
                        force,
                        ..XClaimOptions::default()
                    },
                };
                let got = text(s.xclaim(key, group, consumer, &args))
                    .map(|v| v.into_iter().map(|e| e.id).collect::<Vec<_>>());
                prop_assert_eq!(
                    got,
                    m.claim(key, group, consumer, min_idle, &ids, justid, force, now)
                );
            }
            Op::Pending(k, g, c, count) => {
                let (key, group) = (KEYS[k], GROUPS[g]);
                let args = XPendingArgs {
                    min_idle: None,
                    start: StreamId::MIN,
                    end: StreamId::MAX,
                    count,
                    consumer: c.map(|c| Bytes::from_static(CONSUMERS[c].as_bytes())),
                };
                let got = text(s.xpending(key, group, &args)).map(|v| {
                    v.into_iter()
                        .map(|p| (p.id, p.consumer, p.idle, p.deliveries))
                        .collect::<Vec<_>>()
                });
                let nogroup = format!("NOGROUP No such key '{key}' or consumer group '{group}'");
                let want = m.group_mut(key, group, nogroup).map(|(st, g)| {
                    let grp = &st.groups[&g];
                    if c.is_some_and(|c| !grp.consumers.contains_key(CONSUMERS[c])) {
                        return vec![];
                    }
                    grp.pel
                        .iter()
                        .filter(|(_, n)| c.map_or(true, |c| n.consumer == CONSUMERS[c]))
                        .take(count as usize)
                        .map(|(i, n)| {
                            (
                                sid(*i),
                                Bytes::from(n.consumer.clone()),
                                now - n.time,
                                n.count,
                            )
                        })
                        .collect()
                });
                prop_assert_eq!(got, want);
            }
            Op::Summary(k, g) => {
                let (key, group) = (KEYS[k], GROUPS[g]);
                let got = text(s.xpending_summary(key, group))
                    .map(|p| (p.count, p.first, p.last, p.consumers));
                let nogroup = format!("NOGROUP No such key '{key}' or consumer group '{group}'");
                let want = m.group_mut(key, group, nogroup).map(|(st, g)| {
                    let grp = &st.groups[&g];
                    let mut per: BTreeMap<String, u64> = BTreeMap::new();
                    for n in grp.pel.values() {
                        *per.entry(n.consumer.clone()).or_default() += 1;
                    }
                    (
                        grp.pel.len() as u64,
                        grp.pel.keys().next().map(|i| sid(*i)),
                        grp.pel.keys().next_back().map(|i| sid(*i)),
                        per.into_iter()
                            .map(|(c, n)| (Bytes::from(c), n))
                            .collect::<Vec<_>>(),
                    )
                });
                prop_assert_eq!(got, want);
            }
            Op::Consumers(k, g) => {
                let (key, group) = (KEYS[k], GROUPS[g]);
                let got = text(s.xinfo_consumers(key, group)).map(|v| {
                    v.into_iter()
                        .map(|c| (c.name, c.pending, c.idle))
                        .collect::<Vec<_>>()
                });
                let want = match m.stream(key) {
                    Err(e) => Err(e),
                    Ok(None) => Err("ERR no such key".to_string()),
                    Ok(Some(st)) => match st.groups.get(group) {
                        None => Err(format!(
                            "NOGROUP No such consumer group '{group}' for key name '{key}'"
                        )),
                        Some(grp) => Ok(grp
                            .consumers
                            .iter()
                            .map(|(c, seen)| {
                                let pending =
                                    grp.pel.values().filter(|n| &n.consumer == c).count() as u64;
                                (Bytes::from(c.clone()), pending, now - seen)
                            })
                            .collect()),
                    },
                };
                prop_assert_eq!(got, want);
            }
            Op::Advance(ms) => {
                now += ms;
                h.clock.set(now);
            }
            Op::Reopen => {
                drop(h.store.take());
                h.store = Some(
                    StoreOptions::new()
                        .clock(h.clock.clone())
                        .open(h.dir.path())
                        .unwrap(),
                );
            }
        }
    }
    // The whole content at the end: entries, groups and their pending entries.
    for key in ["a", "b"] {
        let got = h
            .store()
            .xrange(key, StreamId::MIN, StreamId::MAX, None)
            .unwrap()
            .unwrap();
        let want = m
            .range(key, (0, 0), (u64::MAX, u64::MAX), None, false)
            .unwrap()
            .unwrap();
        prop_assert_eq!(
            got.into_iter()
                .map(|e| (e.id, e.fields))
                .collect::<Vec<_>>(),
            want
        );
        let Some(st) = m.streams.get(key) else {
            continue;
        };
        let groups = h.store().xinfo_groups(key).unwrap();
        let names: Vec<String> = groups
            .iter()
            .map(|g| String::from_utf8_lossy(&g.name).into_owned())
            .collect();
        prop_assert_eq!(names, st.groups.keys().cloned().collect::<Vec<_>>());
        for (name, grp) in &st.groups {
            let args = XPendingArgs {
                min_idle: None,
                start: StreamId::MIN,
                end: StreamId::MAX,
                count: 1000,
                consumer: None,
            };
            let got: Vec<_> = h
                .store()
                .xpending(key, name, &args)
                .unwrap()
                .into_iter()
                .map(|p| (p.id, p.consumer, p.idle, p.deliveries))
                .collect();
            let want: Vec<_> = grp
                .pel
                .iter()
                .map(|(i, n)| {
                    (
                        sid(*i),
                        Bytes::from(n.consumer.clone()),
                        now - n.time,
                        n.count,
                    )
                })
                .collect();
            prop_assert_eq!(got, want);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn streams_match_the_model(ops in proptest::collection::vec(op(), 1..100)) {
        run(ops)?;
    }
}
