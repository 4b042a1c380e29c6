//! Change notification: which keys a commit touched, delivered to watchers (the per-key change
//! counters WATCH is built on) and to readers blocked on keys (BLPOP, BZPOPMIN, ...).
//!
//! Blocked readers queue per key in arrival order. A commit that touches a key wakes the first
//! queued reader only; that reader retries its operation and, if it takes something, its own
//! commit touches the key again and wakes the next one. A reader keeps its place in the queue
//! across retries, so waiters are served in the order they arrived.
//!
//! Counters live in memory and count commits made through this process's stores; writes by
//! another process sharing the directory are not seen here.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use parking_lot::{Condvar, Mutex};

use crate::store::Core;

/// A key of one logical database.
type DbKey = (u8, Vec<u8>);

/// Per-key change counters of the keys someone watches.
#[derive(Default)]
pub(crate) struct Notifier {
    /// How many watches are registered; commits skip the map while it is zero.
    interest: AtomicUsize,
    watched: Mutex<HashMap<(u8, Vec<u8>), Counter>>,
    /// Blocked readers per key, oldest first.
    blocked: Mutex<BlockedQueues>,
    /// Held by each write transaction of this process from its start until its commit has
    /// counted its changes (see [`Notifier::write_gate`]).
    gate: Mutex<()>,
}

/// Blocked readers per `(db, key)`, oldest first.
type BlockedQueues = HashMap<DbKey, VecDeque<Arc<Slot>>>;

/// One blocked reader's wake-up flag.
#[derive(Default)]
pub(crate) struct Slot {
    woken: Mutex<bool>,
    signal: Condvar,
    /// Set when the reader first waits: it is queued from before its first attempt (so that
    /// no commit is missed), but blocked only once that attempt found nothing.
    parked: std::sync::atomic::AtomicBool,
}

impl Slot {
    fn wake(&self) {
        *self.woken.lock() = true;
        self.signal.notify_one();
    }
}

struct Counter {
    /// Writes to the key (and whole-database changes such as SWAPDB).
    version: u64,
    /// Flushes of the key's database.
    flushes: u64,
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
    /// Taken by a write transaction before it begins and released once its commit is counted
    /// ([`Notifier::count_changes`]): so a write transaction that checks a [`Watch`] (EXEC)
    /// sees the counters of every commit before it, not only its data. (LMDB's own writer lock
    /// is released at the commit, before the counters move.) Blocked readers are woken after
    /// the gate is released.
    pub(crate) fn write_gate(&self) -> parking_lot::MutexGuard<'_, ()> {
        self.gate.lock()
    }

    /// Both halves of a commit's notification, for the unit tests.
    #[cfg(test)]
    pub(crate) fn committed(&self, touched: &[u8], touched_dbs: &[u8], flushed_dbs: &[u8]) {
        self.count_changes(touched, touched_dbs, &[], flushed_dbs);
        self.wake_blocked(touched, touched_dbs);
    }

    /// Bumps the change counters of the watched keys a commit changed: `touched` keys, the
    /// databases it changed as a whole (SWAPDB: every watched key of theirs counts as changed
    /// but those listed in `swap_unchanged`, packed as `touched`, which existed in neither
    /// database) and the databases it emptied (FLUSHDB, FLUSHALL: only watched keys that
    /// existed count, as in Redis). Call it before releasing the write gate.
    pub(crate) fn count_changes(
        &self,
        touched: &[u8],
        touched_dbs: &[u8],
        swap_unchanged: &[u8],
        flushed_dbs: &[u8],
    ) {
        if self.interest.load(Ordering::Acquire) == 0 {
            return;
        }
        let mut watched = self.watched.lock();
        if !touched_dbs.is_empty() || !flushed_dbs.is_empty() {
            for ((db, key), counter) in watched.iter_mut() {
                if touched_dbs.contains(db)
                    && !unpack_touched(swap_unchanged).any(|(d, k)| d == *db && k == key)
                {
                    counter.version += 1;
                }
                if flushed_dbs.contains(db) {
                    counter.flushes += 1;
                }
            }
        }
        for (db, key) in unpack_touched(touched) {
            if let Some(counter) = watched.get_mut(&(db, key.to_vec())) {
                counter.version += 1;
            }
        }
    }

    /// Wakes the oldest blocked reader of each touched key (of every key of a touched database).
    pub(crate) fn wake_blocked(&self, touched: &[u8], touched_dbs: &[u8]) {
        if self.interest.load(Ordering::Acquire) == 0 {
            return;
        }
        let blocked = self.blocked.lock();
        if blocked.is_empty() {
            return;
        }
        for ((db, _), queue) in blocked.iter() {
            if touched_dbs.contains(db) {
                if let Some(first) = queue.front() {
                    first.wake();
                }
            }
        }
        for (db, key) in unpack_touched(touched) {
            if let Some(first) = blocked.get(&(db, key.to_vec())).and_then(VecDeque::front) {
                first.wake();
            }
        }
    }

    /// Queues a blocked reader on `keys` of database `db`. Register *before* the first attempt
    /// so that a commit landing between the attempt and the wait still wakes it.
    pub(crate) fn block_on(self: &Arc<Self>, db: u8, keys: &[&[u8]]) -> Ticket {
        let slot = Arc::new(Slot::default());
        let mut blocked = self.blocked.lock();
        self.interest.fetch_add(1, Ordering::AcqRel);
        let mut ids = Vec::with_capacity(keys.len());
        for key in keys {
            let id = (db, key.to_vec());
            if ids.contains(&id) {
                continue;
            }
            blocked
                .entry(id.clone())
                .or_default()
                .push_back(Arc::clone(&slot));
            ids.push(id);
        }
        Ticket {
            notifier: Arc::clone(self),
            slot,
            keys: ids,
        }
    }

    /// Readers blocked on `key` of database `db`: queued and past their first attempt (one
    /// still making it would take what a commit brings before those ahead of it).
    pub(crate) fn blocked_count(&self, db: u8, key: &[u8]) -> usize {
        self.blocked
            .lock()
            .get(&(db, key.to_vec()))
            .map_or(0, |queue| {
                queue
                    .iter()
                    .filter(|slot| slot.parked.load(Ordering::Acquire))
                    .count()
            })
    }

    /// The watched keys of databases `dbs`.
    pub(crate) fn watched_in(&self, dbs: &[u8]) -> Vec<(u8, Vec<u8>)> {
        self.watched
            .lock()
            .keys()
            .filter(|(db, _)| dbs.contains(db))
            .cloned()
            .collect()
    }

    /// Registers a watcher of `key`; its current (version, flushes).
    fn register(&self, db: u8, key: &[u8]) -> (u64, u64) {
        let mut watched = self.watched.lock();
        self.interest.fetch_add(1, Ordering::AcqRel);
        let counter = watched.entry((db, key.to_vec())).or_insert(Counter {
            version: 0,
            flushes: 0,
            watchers: 0,
        });
        counter.watchers += 1;
        (counter.version, counter.flushes)
    }

    fn counters(&self, db: u8, key: &[u8]) -> Option<(u64, u64)> {
        self.watched
            .lock()
            .get(&(db, key.to_vec()))
            .map(|c| (c.version, c.flushes))
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

/// A blocked reader's place in the queues of the keys it waits on. Dropping it leaves them.
pub(crate) struct Ticket {
    notifier: Arc<Notifier>,
    slot: Arc<Slot>,
    keys: Vec<(u8, Vec<u8>)>,
}

impl Ticket {
    /// Waits until a commit touches one of the keys (true) or `deadline` passes (false); `None`
    /// waits forever. Returns at once if such a commit happened since the last wait.
    pub(crate) fn wait(&self, deadline: Option<Instant>) -> bool {
        let mut woken = self.slot.woken.lock();
        self.slot.parked.store(true, Ordering::Release);
        while !*woken {
            match deadline {
                Some(deadline) => {
                    if self
                        .slot
                        .signal
                        .wait_until(&mut woken, deadline)
                        .timed_out()
                    {
                        break;
                    }
                }
                None => self.slot.signal.wait(&mut woken),
            }
        }
        std::mem::replace(&mut *woken, false)
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut blocked = self.notifier.blocked.lock();
        // A wake this reader did not use passes to the next in line.
        let pass_on = std::mem::replace(&mut *self.slot.woken.lock(), false);
        for id in &self.keys {
            if let Some(queue) = blocked.get_mut(id) {
                queue.retain(|slot| !Arc::ptr_eq(slot, &self.slot));
                if pass_on {
                    if let Some(next) = queue.front() {
                        next.wake();
                    }
                }
                if queue.is_empty() {
                    blocked.remove(id);
                }
            }
        }
        self.notifier.interest.fetch_sub(1, Ordering::AcqRel);
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
    /// Its database's flush counter when the watch began.
    flushes: u64,
    /// Whether the key existed when the watch began: a flush changes only keys that existed
    /// (one created since was already counted as a write).
    existed: bool,
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
        let (version, flushes) = self.core.notify.register(db, key);
        self.keys.push(WatchedKey {
            db,
            key: key.to_vec(),
            version,
            flushes,
            // Until the state is read, assume it existed: a flush then counts as a change.
            existed: true,
            expire_at_ms: 0,
        });
    }

    /// Records whether the watched keys existed and their deadlines (in the order they were
    /// added), read after they were registered: a later change of either is a write, which the
    /// counters see.
    pub(crate) fn set_initial_state(&mut self, states: &[(bool, u64)]) {
        for (watched, (existed, deadline)) in self.keys.iter_mut().zip(states) {
            watched.existed = *existed;
            watched.expire_at_ms = *deadline;
        }
    }

    /// True if any watched key was written since it was added, or has reached its deadline
    /// since (as in Redis 7, where EXEC fails once a watched key expired, whether or not it was
    /// deleted yet).
    pub fn changed(&self) -> bool {
        let now_ms = self.core.now_ms();
        self.keys.iter().any(|w| {
            let written_or_flushed = match self.core.notify.counters(w.db, &w.key) {
                Some((version, flushes)) => {
                    version != w.version || (w.existed && flushes != w.flushes)
                }
                None => true,
            };
            written_or_flushed || (w.expire_at_ms != 0 && now_ms > w.expire_at_ms)
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
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use super::{unpack_touched, Notifier};

    fn touched(db: u8, key: &[u8]) -> Vec<u8> {
        let mut buf = vec![db];
        buf.extend_from_slice(&(key.len() as u32).to_be_bytes());
        buf.extend_from_slice(key);
        buf
    }

    #[test]
    fn a_commit_wakes_the_oldest_blocked_reader_only() {
        let notifier = Arc::new(Notifier::default());
        let first = notifier.block_on(0, &[b"k"]);
        let second = notifier.block_on(0, &[b"k", b"other"]);
        notifier.committed(&touched(0, b"k"), &[], &[]);
        let soon = Some(Instant::now() + Duration::from_millis(20));
        assert!(first.wait(soon));
        assert!(!second.wait(soon));
        // The first reader leaves; the next commit wakes the second.
        drop(first);
        notifier.committed(&touched(0, b"k"), &[], &[]);
        assert!(second.wait(soon));
        // Another database's key of the same name wakes nobody.
        notifier.committed(&touched(1, b"k"), &[], &[]);
        assert!(!second.wait(soon));
        // A flushed database wakes its blocked readers.
        notifier.committed(&[], &[0], &[]);
        assert!(second.wait(soon));
    }

    #[test]
    fn an_unused_wake_passes_to_the_next_reader() {
        let notifier = Arc::new(Notifier::default());
        let first = notifier.block_on(0, &[b"k"]);
        let second = notifier.block_on(0, &[b"k"]);
        notifier.committed(&touched(0, b"k"), &[], &[]);
        drop(first); // woken, but gave up without taking anything
        assert!(second.wait(Some(Instant::now() + Duration::from_millis(20))));
    }

    #[test]
    fn a_wake_from_another_thread_ends_the_wait() {
        let notifier = Arc::new(Notifier::default());
        let ticket = notifier.block_on(0, &[b"k"]);
        let pusher = {
            let notifier = Arc::clone(&notifier);
            std::thread::spawn(move || notifier.committed(&touched(0, b"k"), &[], &[]))
        };
        assert!(ticket.wait(None));
        pusher.join().unwrap();
    }

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
