//! Change notification: which keys a commit touched, delivered to watchers (the per-key change
//! counters WATCH is built on) and, later, to readers blocked on keys.
//!
//! Counters live in memory and count commits made through this process's stores; writes by
//! another process sharing the directory are not seen here.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;

use crate::store::Core;

/// Per-key change counters of the keys someone watches.
#[derive(Default)]
pub(crate) struct Notifier {
    /// How many watches are registered; commits skip the map while it is zero.
    interest: AtomicUsize,
    watched: Mutex<HashMap<(u8, Vec<u8>), Counter>>,
}

struct Counter {
    version: u64,
    watchers: usize,
}

/// Iterates the `db:u8 + len:u32 + key` records of a packed touched-keys buffer.
pub(crate) fn unpack_touched(mut buf: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    std::iter::from_fn(move || {
        let (&db, rest) = buf.split_first()?;
        let len = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let key = rest.get(4..4 + len)?;
        buf = &rest[4 + len..];
        Some((db, key))
    })
}

impl Notifier {
    /// Called after a commit with the keys and whole databases it changed.
    pub(crate) fn committed(&self, touched: &[u8], touched_dbs: &[u8]) {
        if self.interest.load(Ordering::Acquire) == 0 {
            return;
        }
        let mut watched = self.watched.lock();
        if !touched_dbs.is_empty() {
            for ((db, _), counter) in watched.iter_mut() {
                if touched_dbs.contains(db) {
                    counter.version += 1;
                }
            }
        }
        for (db, key) in unpack_touched(touched) {
            // The map is keyed by owned keys; look up without allocating via a probe entry.
            if let Some(counter) = watched.get_mut(&(db, key.to_vec())) {
                counter.version += 1;
            }
        }
    }

    fn register(&self, db: u8, key: &[u8]) -> u64 {
        let mut watched = self.watched.lock();
        self.interest.fetch_add(1, Ordering::AcqRel);
        let counter = watched.entry((db, key.to_vec())).or_insert(Counter {
            version: 0,
            watchers: 0,
        });
        counter.watchers += 1;
        counter.version
    }

    fn version(&self, db: u8, key: &[u8]) -> Option<u64> {
        self.watched
            .lock()
            .get(&(db, key.to_vec()))
            .map(|c| c.version)
    }

    fn unregister(&self, db: u8, key: &[u8]) {
        let mut watched = self.watched.lock();
        let id = (db, key.to_vec());
        if let Some(counter) = watched.get_mut(&id) {
            counter.watchers -= 1;
            if counter.watchers == 0 {
                watched.remove(&id);
            }
            self.interest.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// A set of watched keys: [`changed`](Watch::changed) tells whether any was written (by any
/// transaction of any clone of the store, including expiry and FLUSHDB) since the watch began,
/// or reached its deadline. This is what Redis's WATCH is built on. Dropping it stops watching.
pub struct Watch {
    core: Arc<Core>,
    keys: Vec<WatchedKey>,
}

struct WatchedKey {
    db: u8,
    key: Vec<u8>,
    /// The key's change counter when the watch began.
    version: u64,
    /// The key's deadline when the watch began (0: none, or the key did not exist).
    expire_at_ms: u64,
}

impl Watch {
    pub(crate) fn new(core: Arc<Core>) -> Watch {
        Watch {
            core,
            keys: Vec::new(),
        }
    }

    /// Adds `key` of logical database `db` to the watched set.
    pub(crate) fn add(&mut self, db: u8, key: &[u8]) {
        let version = self.core.notify.register(db, key);
        self.keys.push(WatchedKey {
            db,
            key: key.to_vec(),
            version,
            expire_at_ms: 0,
        });
    }

    /// Records the deadlines the watched keys had (in the order they were added), read after
    /// they were registered: a later change of deadline is a write, which the counters see.
    pub(crate) fn set_deadlines(&mut self, deadlines: &[u64]) {
        for (watched, deadline) in self.keys.iter_mut().zip(deadlines) {
            watched.expire_at_ms = *deadline;
        }
    }

    /// True if any watched key was written since it was added, or has reached its deadline
    /// since (as in Redis 7, where EXEC fails once a watched key expired, whether or not it was
    /// deleted yet).
    pub fn changed(&self) -> bool {
        let now_ms = self.core.now_ms();
        self.keys.iter().any(|w| {
            self.core.notify.version(w.db, &w.key) != Some(w.version)
                || (w.expire_at_ms != 0 && now_ms > w.expire_at_ms)
        })
    }

    /// The number of keys watched.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True if no key is watched.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        for watched in &self.keys {
            self.core.notify.unregister(watched.db, &watched.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::unpack_touched;

    #[test]
    fn touched_buffer_round_trips() {
        let mut buf = Vec::new();
        for (db, key) in [(0u8, &b"a"[..]), (3, b""), (255, b"long key")] {
            buf.push(db);
            buf.extend_from_slice(&(key.len() as u32).to_be_bytes());
            buf.extend_from_slice(key);
        }
        let got: Vec<(u8, &[u8])> = unpack_touched(&buf).collect();
        assert_eq!(got, vec![(0, &b"a"[..]), (3, b""), (255, b"long key")]);
    }
}
