//! The pub/sub broker: which connections listen to which channels and patterns, and the
//! delivery of PUBLISH's messages to their push sinks.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use parking_lot::Mutex;

use super::reply::{Protocol, Reply};
use super::session::PushSink;
use crate::keyspace::glob::glob_match;

/// One connection's subscriptions (kept in its session; the broker holds the reverse index).
#[derive(Default)]
pub(crate) struct Subscriptions {
    pub(crate) channels: BTreeSet<Bytes>,
    pub(crate) patterns: BTreeSet<Bytes>,
    /// Whether the connection speaks RESP3 (HELLO may switch it while subscribed): messages
    /// are encoded for it.
    pub(crate) resp3: Arc<AtomicBool>,
}

impl Subscriptions {
    /// Whether the connection listens to nothing.
    pub(crate) fn is_empty(&self) -> bool {
        self.channels.is_empty() && self.patterns.is_empty()
    }

    /// Channels plus patterns: the count Redis's (un)subscribe confirmations carry.
    pub(crate) fn count(&self) -> usize {
        self.channels.len() + self.patterns.len()
    }
}

/// A listening connection.
#[derive(Clone)]
struct Listener {
    sink: PushSink,
    resp3: Arc<AtomicBool>,
}

/// Channel and pattern subscribers of a server.
#[derive(Default)]
pub(crate) struct Broker {
    inner: Mutex<Index>,
}

#[derive(Default)]
struct Index {
    channels: HashMap<Bytes, HashMap<u64, Listener>>,
    patterns: HashMap<Bytes, HashMap<u64, Listener>>,
}

/// Which of the two kinds of subscription.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Channel,
    Pattern,
}

impl Broker {
    /// Adds client `id` as a listener of `name`.
    pub(crate) fn add(
        &self,
        kind: Kind,
        name: &Bytes,
        id: u64,
        sink: &PushSink,
        subs: &Subscriptions,
    ) {
        let mut index = self.inner.lock();
        let map = match kind {
            Kind::Channel => &mut index.channels,
            Kind::Pattern => &mut index.patterns,
        };
        map.entry(name.clone()).or_default().insert(
            id,
            Listener {
                sink: Arc::clone(sink),
                resp3: Arc::clone(&subs.resp3),
            },
        );
    }

    /// Removes client `id` from the listeners of `name`.
    pub(crate) fn remove(&self, kind: Kind, name: &[u8], id: u64) {
        let mut index = self.inner.lock();
        let map = match kind {
            Kind::Channel => &mut index.channels,
            Kind::Pattern => &mut index.patterns,
        };
        if let Some(listeners) = map.get_mut(name) {
            listeners.remove(&id);
            if listeners.is_empty() {
                map.remove(name);
            }
        }
    }

    /// Removes client `id` from everything it listens to (the connection closed).
    pub(crate) fn forget(&self, id: u64, subs: &Subscriptions) {
        for channel in &subs.channels {
            self.remove(Kind::Channel, channel, id);
        }
        for pattern in &subs.patterns {
            self.remove(Kind::Pattern, pattern, id);
        }
    }

    /// Delivers `message` to the listeners of `channel` and of the patterns matching it;
    /// returns how many deliveries were made (PUBLISH's reply).
    pub(crate) fn publish(&self, channel: &[u8], message: &[u8]) -> usize {
        let mut deliveries: Vec<(Listener, Option<Bytes>)> = Vec::new();
        {
            let index = self.inner.lock();
            if let Some(listeners) = index.channels.get(channel) {
                deliveries.extend(listeners.values().map(|l| (l.clone(), None)));
            }
            for (pattern, listeners) in &index.patterns {
                if glob_match(pattern, channel) {
                    deliveries.extend(
                        listeners
                            .values()
                            .map(|l| (l.clone(), Some(pattern.clone()))),
                    );
                }
            }
        }
        for (listener, pattern) in &deliveries {
            let mut items = Vec::with_capacity(4);
            match pattern {
                None => items.push(Reply::bulk("message")),
                Some(pattern) => {
                    items.push(Reply::bulk("pmessage"));
                    items.push(Reply::Bulk(pattern.clone()));
                }
            }
            items.push(Reply::bulk(channel));
            items.push(Reply::bulk(message));
            let protocol = if listener.resp3.load(Ordering::Relaxed) {
                Protocol::Resp3
            } else {
                Protocol::Resp2
            };
            (listener.sink)(&Reply::Push(items).to_bytes(protocol));
        }
        deliveries.len()
    }

    /// The channels with at least one listener, matching `pattern` if given.
    pub(crate) fn channels(&self, pattern: Option<&[u8]>) -> Vec<Bytes> {
        let index = self.inner.lock();
        index
            .channels
            .keys()
            .filter(|c| pattern.map_or(true, |p| glob_match(p, c)))
            .cloned()
            .collect()
    }

    /// The number of listeners of `channel`.
    pub(crate) fn numsub(&self, channel: &[u8]) -> usize {
        self.inner
            .lock()
            .channels
            .get(channel)
            .map_or(0, HashMap::len)
    }

    /// The number of patterns listened to (by anyone).
    pub(crate) fn numpat(&self) -> usize {
        self.inner.lock().patterns.len()
    }
}
