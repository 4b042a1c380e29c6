//! The in-memory model of Redis 7.0's streams the model test compares the store with.

use std::collections::BTreeMap;

use keyp::{Bytes, Result, StreamId};

pub type Id = (u64, u64);
pub type Fields = Vec<(Bytes, Bytes)>;

#[derive(Clone, Debug, Default)]
pub struct Nack {
    pub consumer: String,
    pub time: u64,
    pub count: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Group {
    pub last: Id,
    pub pel: BTreeMap<Id, Nack>,
    pub consumers: BTreeMap<String, u64>,
}

#[derive(Clone, Debug, Default)]
pub struct MStream {
    pub entries: BTreeMap<Id, Fields>,
    pub last: Id,
    pub groups: BTreeMap<String, Group>,
}

#[derive(Default)]
pub struct Model {
    pub streams: BTreeMap<String, MStream>,
}

pub const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

pub fn sid(id: Id) -> StreamId {
    StreamId::new(id.0, id.1)
}

pub fn text<T>(r: Result<T>) -> std::result::Result<T, String> {
    r.map_err(|e| e.to_string())
}

pub type Out<T> = std::result::Result<T, String>;

impl Model {
    pub fn stream(&self, key: &str) -> Out<Option<&MStream>> {
        if key == "str" {
            return Err(WRONGTYPE.into());
        }
        Ok(self.streams.get(key))
    }

    pub fn group_mut(
        &mut self,
        key: &str,
        group: &str,
        nogroup: String,
    ) -> Out<(&mut MStream, String)> {
        self.stream(key)?;
        match self.streams.get_mut(key) {
            Some(s) if s.groups.contains_key(group) => Ok((s, group.to_string())),
            _ => Err(nogroup),
        }
    }

    pub fn add(
        &mut self,
        key: &str,
        kind: u8,
        ms: u64,
        seq: u64,
        value: u8,
        now: u64,
    ) -> Out<StreamId> {
        if kind == 1 && (ms, seq) == (0, 0) {
            return Err("ERR The ID specified in XADD must be greater than 0-0".into());
        }
        let last = self.stream(key)?.map_or((0, 0), |s| s.last);
        let id = match kind {
            0 if now > last.0 => (now, 0),
            0 => (last.0, last.1 + 1),
            1 => (ms, seq),
            _ if ms == last.0 => (ms, last.1 + 1),
            _ => (ms, 0),
        };
        if id <= last {
            return Err(
                "ERR The ID specified in XADD is equal or smaller than the target stream top item"
                    .into(),
            );
        }
        let stream = self.streams.entry(key.to_string()).or_default();
        stream.entries.insert(
            id,
            vec![(Bytes::from_static(b"f"), Bytes::from(vec![value]))],
        );
        stream.last = id;
        Ok(sid(id))
    }

    pub fn range(
        &self,
        key: &str,
        start: Id,
        end: Id,
        count: Option<u64>,
        rev: bool,
    ) -> Out<Option<Vec<(StreamId, Fields)>>> {
        let Some(s) = self.stream(key)? else {
            return Ok(Some(vec![]));
        };
        if count == Some(0) {
            return Ok(None);
        }
        let limit = count.unwrap_or(u64::MAX) as usize;
        let mut all: Vec<(StreamId, Fields)> = if start > end {
            vec![]
        } else {
            s.entries
                .range(start..=end)
                .map(|(i, f)| (sid(*i), f.clone()))
                .collect()
        };
        if rev {
            all.reverse();
        }
        all.truncate(limit);
        Ok(Some(all))
    }

    pub fn trim(&mut self, key: &str, keep: impl Fn(usize, Id, usize) -> bool) -> Out<u64> {
        self.stream(key)?;
        let Some(s) = self.streams.get_mut(key) else {
            return Ok(0);
        };
        let len = s.entries.len();
        let drop: Vec<Id> = s
            .entries
            .keys()
            .enumerate()
            .filter(|(i, id)| !keep(*i, **id, len))
            .map(|(_, id)| *id)
            .collect();
        for id in &drop {
            s.entries.remove(id);
        }
        Ok(drop.len() as u64)
    }

    pub fn read_new(
        &mut self,
        key: &str,
        group: &str,
        consumer: &str,
        count: Option<u64>,
        noack: bool,
        now: u64,
    ) -> Out<Vec<(StreamId, Option<Fields>)>> {
        let nogroup = format!("NOGROUP No such key '{key}' or consumer group '{group}' in XREADGROUP with GROUP option");
        let (s, g) = self.group_mut(key, group, nogroup)?;
        let grp = s.groups.get_mut(&g).unwrap();
        let Some((&top, _)) = s.entries.iter().next_back() else {
            return Ok(vec![]);
        };
        if top <= grp.last {
            return Ok(vec![]);
        }
        grp.consumers.insert(consumer.to_string(), now);
        let limit = match count {
            Some(0) | None => usize::MAX,
            Some(n) => n as usize,
        };
        let picked: Vec<(Id, Fields)> = s
            .entries
            .range((
                std::ops::Bound::Excluded(grp.last),
                std::ops::Bound::Unbounded,
            ))
            .take(limit)
            .map(|(i, f)| (*i, f.clone()))
            .collect();
        for (id, _) in &picked {
            grp.last = *id;
            if !noack {
                grp.pel.insert(
                    *id,
                    Nack {
                        consumer: consumer.to_string(),
                        time: now,
                        count: 1,
                    },
                );
            }
        }
        Ok(picked.into_iter().map(|(i, f)| (sid(i), Some(f))).collect())
    }

    pub fn read_pending(
        &mut self,
        key: &str,
        group: &str,
        consumer: &str,
        after: u64,
        count: Option<u64>,
        now: u64,
    ) -> Out<Vec<(StreamId, Option<Fields>)>> {
        let nogroup = format!("NOGROUP No such key '{key}' or consumer group '{group}' in XREADGROUP with GROUP option");
        let (s, g) = self.group_mut(key, group, nogroup)?;
        let grp = s.groups.get_mut(&g).unwrap();
        grp.consumers.insert(consumer.to_string(), now);
        let limit = match count {
            Some(0) | None => usize::MAX,
            Some(n) => n as usize,
        };
        let ids: Vec<Id> = grp
            .pel
            .range((after, 1)..)
            .filter(|(_, n)| n.consumer == consumer)
            .map(|(i, _)| *i)
            .take(limit)
            .collect();
        let mut out = Vec::new();
        for id in ids {
            let fields = s.entries.get(&id).cloned();
            if fields.is_some() {
                let nack = grp.pel.get_mut(&id).unwrap();
                nack.time = now;
                nack.count += 1;
            }
            out.push((sid(id), fields));
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn claim(
        &mut self,
        key: &str,
        group: &str,
        consumer: &str,
        min_idle: i64,
        ids: &[u64],
        justid: bool,
        force: bool,
        now: u64,
    ) -> Out<Vec<StreamId>> {
        let nogroup = format!("NOGROUP No such key '{key}' or consumer group '{group}'");
        let (s, g) = self.group_mut(key, group, nogroup)?;
        let grp = s.groups.get_mut(&g).unwrap();
        let mut out = Vec::new();
        for &ms in ids {
            let id = (ms, 0);
            if !s.entries.contains_key(&id) {
                grp.pel.remove(&id);
                continue;
            }
            let previous = match grp.pel.get(&id) {
                Some(n) => {
                    if min_idle > 0 && (now as i64 - n.time as i64) < min_idle {
                        continue;
                    }
                    n.count
                }
                None if force => 1,
                None => continue,
            };
            grp.consumers.insert(consumer.to_string(), now);
            let count = if justid { previous } else { previous + 1 };
            grp.pel.insert(
                id,
                Nack {
                    consumer: consumer.to_string(),
                    time: now,
                    count,
                },
            );
            out.push(sid(id));
        }
        Ok(out)
    }
}
