//! Blocking pops: BZPOPMIN, BZPOPMAX and BZMPOP.
//!
//! These are [`Store`] methods, not transaction methods: they wait between transactions. The
//! caller is queued on its keys before the first attempt, so a write landing between an
//! attempt and the wait still wakes it; each commit touching a key wakes the oldest waiter,
//! which retries, so waiters are served in arrival order, as in Redis.

use std::time::{Duration, Instant};

use bytes::Bytes;

use super::pop::ScoreEnd;
use super::PoppedMembers;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::txn::WriteTxn;

impl Store {
    /// BZPOPMIN: pops the lowest-scored member of the first of `keys` that is a non-empty
    /// sorted set, waiting until one is (or `timeout` passes: `None`). A `timeout` of zero waits
    /// forever, as in Redis. Returns the key, the member and its score.
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// use std::time::Duration;
    /// use keyp::ZAddOptions;
    /// let producer = store.clone();
    /// let worker = std::thread::spawn(move || producer.bzpopmin(&["jobs"], Duration::ZERO));
    /// store.zadd("jobs", ZAddOptions::default(), &[(1.0, "job-1")])?;
    /// assert_eq!(worker.join().unwrap()?, Some(("jobs".into(), "job-1".into(), 1.0)));
    /// // Nothing left: gives up after the timeout.
    /// assert_eq!(store.bzpopmin(&["jobs"], Duration::from_millis(10))?, None);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::WrongType`] if, on the first attempt, a key holding another type comes before
    /// any non-empty sorted set (later attempts pass such keys over, as Redis does);
    /// [`Error::Syntax`] for no keys.
    pub fn bzpopmin(
        &self,
        keys: &[impl AsRef<[u8]>],
        timeout: Duration,
    ) -> Result<Option<(Bytes, Bytes, f64)>> {
        self.bzpop(keys, ScoreEnd::Min, timeout)
    }

    /// BZPOPMAX: as [`bzpopmin`](Self::bzpopmin), popping the highest-scored member.
    ///
    /// # Errors
    /// As [`bzpopmin`](Self::bzpopmin).
    pub fn bzpopmax(
        &self,
        keys: &[impl AsRef<[u8]>],
        timeout: Duration,
    ) -> Result<Option<(Bytes, Bytes, f64)>> {
        self.bzpop(keys, ScoreEnd::Max, timeout)
    }

    /// BZMPOP: [`zmpop`](crate::WriteTxn::zmpop), waiting as [`bzpopmin`](Self::bzpopmin)
    /// does until one of `keys` is a non-empty sorted set. Returns the key and the members.
    ///
    /// # Errors
    /// [`Error::NumkeysNotPositive`] for no keys; [`Error::CountNotPositive`] for a count of
    /// 0; [`Error::WrongType`] as for [`bzpopmin`](Self::bzpopmin).
    pub fn bzmpop(
        &self,
        timeout: Duration,
        keys: &[impl AsRef<[u8]>],
        end: ScoreEnd,
        count: u64,
    ) -> Result<Option<PoppedMembers>> {
        crate::types::collection::check_mpop_args(keys.len(), count)?;
        self.block_on_zsets(keys, timeout, |tx, strict| {
            tx.zset_pop_first(keys, end, count, strict)
        })
    }

    fn bzpop(
        &self,
        keys: &[impl AsRef<[u8]>],
        end: ScoreEnd,
        timeout: Duration,
    ) -> Result<Option<(Bytes, Bytes, f64)>> {
        if keys.is_empty() {
            // Redis's arity check refuses this; here it would wait on nothing.
            return Err(Error::Syntax);
        }
        let popped = self.block_on_zsets(keys, timeout, |tx, strict| {
            tx.zset_pop_first(keys, end, 1, strict)
        })?;
        Ok(popped.and_then(|(key, mut members)| {
            members.pop().map(|(member, score)| (key, member, score))
        }))
    }

    /// Runs `attempt` (told whether it is the first) in a transaction of its own until it
    /// returns something or `timeout` (zero: none) passes.
    fn block_on_zsets<R>(
        &self,
        keys: &[impl AsRef<[u8]>],
        timeout: Duration,
        mut attempt: impl FnMut(&mut WriteTxn<'_>, bool) -> Result<Option<R>>,
    ) -> Result<Option<R>> {
        let names: Vec<&[u8]> = keys.iter().map(AsRef::as_ref).collect();
        let ticket = self.core().notify.block_on(self.db(), &names);
        let deadline = if timeout.is_zero() {
            None
        } else {
            // A deadline past what the clock can represent is no deadline.
            Instant::now().checked_add(timeout)
        };
        let mut first = true;
        loop {
            if let Some(found) = self.transaction(|tx| attempt(tx, first))? {
                return Ok(Some(found));
            }
            first = false;
            if !ticket.wait(deadline) {
                return Ok(None);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use crate::{Store, ZAddOptions};

    /// Waits (without sleeping) until `n` readers are blocked on `key` of database 0.
    fn until_blocked(store: &Store, key: &[u8], n: usize) {
        while store.core().notify.blocked_count(0, key) < n {
            std::thread::yield_now();
        }
    }

    #[test]
    fn blocked_pops_are_served_in_arrival_order() -> crate::Result<()> {
        let dir = tempfile::tempdir()?;
        let store = Store::open(dir.path())?;
        let (sender, results) = mpsc::channel();
        let mut waiters = Vec::new();
        for name in ["first", "second", "third"] {
            let (waiting, sender) = (store.clone(), sender.clone());
            waiters.push(std::thread::spawn(move || {
                let popped = waiting.bzpopmin(&["z"], Duration::ZERO);
                sender
                    .send((name, popped.map(|p| p.map(|(_, m, s)| (m, s)))))
                    .unwrap();
            }));
            until_blocked(&store, b"z", waiters.len());
        }
        // One write with three members: each pop's commit wakes the next waiter in line.
        let pairs = [(3.0, "c"), (1.0, "a"), (2.0, "b")];
        store.zadd("z", ZAddOptions::default(), &pairs)?;
        for waiter in waiters {
            waiter.join().unwrap();
        }
        let mut got: Vec<_> = results.try_iter().collect();
        got.sort_by_key(|(name, _)| *name);
        let expect = |m: &str, s: f64| Some((bytes::Bytes::copy_from_slice(m.as_bytes()), s));
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].0, "first");
        assert_eq!(got[0].1.as_ref().ok().cloned(), Some(expect("a", 1.0)));
        assert_eq!(got[1].0, "second");
        assert_eq!(got[1].1.as_ref().ok().cloned(), Some(expect("b", 2.0)));
        assert_eq!(got[2].0, "third");
        assert_eq!(got[2].1.as_ref().ok().cloned(), Some(expect("c", 3.0)));
        Ok(())
    }

    #[test]
    fn a_waiter_on_several_keys_takes_from_the_one_written() -> crate::Result<()> {
        let dir = tempfile::tempdir()?;
        let store = Store::open(dir.path())?;
        let waiter = {
            let store = store.clone();
            std::thread::spawn(move || {
                store.bzmpop(Duration::ZERO, &["a", "b"], super::ScoreEnd::Max, 5)
            })
        };
        until_blocked(&store, b"b", 1);
        // A write to another key does not serve it; a string on a waited key is passed over.
        store.set("a", "not a zset")?;
        store.zadd("other", ZAddOptions::default(), &[(1.0, "x")])?;
        store.zadd("b", ZAddOptions::default(), &[(1.0, "x"), (2.0, "y")])?;
        let got = waiter.join().unwrap()?;
        let members = vec![("y".into(), 2.0), ("x".into(), 1.0)];
        assert_eq!(got, Some(("b".into(), members)));
        assert_eq!(store.exists(&["b"])?, 0);
        Ok(())
    }

    #[test]
    fn a_pop_that_finds_nothing_left_waits_again() -> crate::Result<()> {
        let dir = tempfile::tempdir()?;
        let store = Store::open(dir.path())?;
        let waiter = {
            let store = store.clone();
            std::thread::spawn(move || store.bzpopmax(&["z"], Duration::ZERO))
        };
        until_blocked(&store, b"z", 1);
        // Added and removed in one transaction: the waiter wakes, finds nothing, waits on.
        store.transaction(|tx| {
            tx.zadd("z", ZAddOptions::default(), &[(1.0, "gone")])?;
            tx.zrem("z", &["gone"])?;
            Ok(())
        })?;
        store.zadd("z", ZAddOptions::default(), &[(5.0, "kept")])?;
        assert_eq!(
            waiter.join().unwrap()?,
            Some(("z".into(), "kept".into(), 5.0))
        );
        Ok(())
    }
}
