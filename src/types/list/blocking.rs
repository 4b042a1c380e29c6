//! The blocking pops: BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH.
//!
//! They are [`Store`] methods, not transaction methods, because they wait between
//! transactions. A call first queues on its keys (so no push can slip between its first attempt
//! and its wait), then tries the non-blocking operation; while that finds nothing it waits for a
//! commit that touches one of the keys and tries again. Callers blocked on a key are served in
//! the order they arrived: a commit wakes the longest-waiting one, and one that takes an item
//! hands any further wake-up on to the next in line.
//!
//! The first attempt reports a key of another type exactly as the non-blocking command does
//! (WRONGTYPE). Later attempts pass over such keys, as Redis serves a blocked client only from a
//! list; a BLMOVE whose destination has become another type still gets WRONGTYPE, as in Redis.
//!
//! Two differences from Redis remain. A woken caller retries in a transaction of its own, so a
//! non-blocking pop by another thread may take the item first (Redis serves blocked clients
//! before the next command runs); the caller then keeps waiting, still first in line. And when
//! one transaction fills several of the keys a caller waits on, Redis serves it from the key that
//! was filled first, keyp from the first of its keys (in argument order) that holds a list.

use std::time::{Duration, Instant};

use bytes::Bytes;

use super::ListEnd;
#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;
use crate::store::Store;
use crate::txn::WriteTxn;

impl Store {
    /// BLPOP: pops the head item of the first of `keys` that holds a list, waiting up to
    /// `timeout` ([`Duration::ZERO`]: forever, as in Redis) for one to be pushed if none does;
    /// the key and the item, `None` on timeout (or at once when `keys` is empty).
    ///
    /// Waits are woken by commits from any thread (and transaction) of this process on a clone
    /// of this store; callers waiting on the same key are served in arrival order.
    ///
    /// ```
    /// use std::time::Duration;
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// let producer = store.clone();
    /// let worker = std::thread::spawn(move || producer.rpush("jobs", &["build"]));
    /// // Waits (forever: Duration::ZERO) until the other thread's push lands.
    /// let (key, job) = store.blpop(&["urgent", "jobs"], Duration::ZERO)?.unwrap();
    /// assert_eq!((&key[..], &job[..]), (&b"jobs"[..], &b"build"[..]));
    /// worker.join().unwrap()?;
    /// // Nothing left: a short timeout gives None.
    /// assert_eq!(store.blpop(&["jobs"], Duration::from_millis(10))?, None);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::WrongType`] when, at the first attempt, a key tried before the first list holds
    /// another type.
    pub fn blpop(
        &self,
        keys: &[impl AsRef<[u8]>],
        timeout: Duration,
    ) -> Result<Option<(Bytes, Bytes)>> {
        self.blocking_pop(keys, ListEnd::Left, timeout)
    }

    /// BRPOP: [`blpop`](Self::blpop) from the tail.
    ///
    /// # Errors
    /// As [`blpop`](Self::blpop).
    pub fn brpop(
        &self,
        keys: &[impl AsRef<[u8]>],
        timeout: Duration,
    ) -> Result<Option<(Bytes, Bytes)>> {
        self.blocking_pop(keys, ListEnd::Right, timeout)
    }

    /// BLMPOP: [`lmpop`](crate::WriteTxn::lmpop), waiting up to `timeout`
    /// ([`Duration::ZERO`]: forever) for one of `keys` to get items; `None` on timeout.
    ///
    /// # Errors
    /// [`Error::NumkeysNotPositive`] for no keys; [`Error::CountNotPositive`] for a count of 0;
    /// [`Error::WrongType`] as for [`blpop`](Self::blpop).
    pub fn blmpop(
        &self,
        keys: &[impl AsRef<[u8]>],
        end: ListEnd,
        count: u64,
        timeout: Duration,
    ) -> Result<Option<(Bytes, Vec<Bytes>)>> {
        crate::types::collection::check_mpop_args(keys.len(), count)?;
        let waited: Vec<&[u8]> = keys.iter().map(AsRef::as_ref).collect();
        self.block_until(&waited, timeout, |tx, retry| {
            tx.pop_first(keys, end, count, retry)
        })
    }

    /// BLMOVE: [`lmove`](crate::WriteTxn::lmove), waiting up to `timeout`
    /// ([`Duration::ZERO`]: forever) for `source` to get an item; `None` on timeout.
    ///
    /// # Errors
    /// [`Error::WrongType`] if `source` holds another type at the first attempt, or if
    /// `destination` does when an item is there to move (the item then stays in `source`).
    pub fn blmove(
        &self,
        source: impl AsRef<[u8]>,
        destination: impl AsRef<[u8]>,
        from: ListEnd,
        to: ListEnd,
        timeout: Duration,
    ) -> Result<Option<Bytes>> {
        let (source, destination) = (source.as_ref(), destination.as_ref());
        self.block_until(&[source], timeout, |tx, retry| {
            tx.move_between(source, destination, from, to, retry)
        })
    }

    /// BRPOPLPUSH: [`blmove`](Self::blmove) from the tail of `source` to the head of
    /// `destination`.
    ///
    /// # Errors
    /// As [`blmove`](Self::blmove).
    pub fn brpoplpush(
        &self,
        source: impl AsRef<[u8]>,
        destination: impl AsRef<[u8]>,
        timeout: Duration,
    ) -> Result<Option<Bytes>> {
        self.blmove(source, destination, ListEnd::Right, ListEnd::Left, timeout)
    }

    /// The number of blocking calls (of any thread, on any clone of this store) now waiting on
    /// `key` of this handle's database.
    pub fn blocked_on(&self, key: impl AsRef<[u8]>) -> usize {
        self.core().notify.blocked_count(self.db(), key.as_ref())
    }

    fn blocking_pop(
        &self,
        keys: &[impl AsRef<[u8]>],
        end: ListEnd,
        timeout: Duration,
    ) -> Result<Option<(Bytes, Bytes)>> {
        if keys.is_empty() {
            return Ok(None);
        }
        let waited: Vec<&[u8]> = keys.iter().map(AsRef::as_ref).collect();
        let popped = self.block_until(&waited, timeout, |tx, retry| {
            tx.pop_first(keys, end, 1, retry)
        })?;
        Ok(popped.and_then(|(key, items)| Some((key, items.into_iter().next()?))))
    }

    /// Runs `attempt` (told whether it is a retry) in a write transaction until it finds
    /// something, waiting for commits touching `keys` in between, until `timeout` passes
    /// ([`Duration::ZERO`]: never).
    fn block_until<R>(
        &self,
        keys: &[&[u8]],
        timeout: Duration,
        mut attempt: impl FnMut(&mut WriteTxn<'_>, bool) -> Result<Option<R>>,
    ) -> Result<Option<R>> {
        let deadline = if timeout.is_zero() {
            None
        } else {
            // A deadline beyond what `Instant` can hold is as good as forever.
            Instant::now().checked_add(timeout)
        };
        // Queue first, so a commit landing between the attempt and the wait still wakes us.
        let ticket = self.core().notify.block_on(self.db(), keys);
        let mut retry = false;
        loop {
            if let Some(found) = self.transaction(|tx| attempt(tx, retry))? {
                return Ok(Some(found));
            }
            retry = true;
            if !ticket.wait(deadline) {
                return Ok(None);
            }
        }
    }
}
