//! Unit tests of the hash internals: state and payload codecs, the encoding Redis would
//! report (checked against redis-server 7.0.15 with its built-in `hash-max-listpack-entries 512`), and the
//! bookkeeping behind field expiry.

use super::*;
use crate::{ExpireCondition, Store};

#[test]
fn state_round_trips_and_rejects_bad_lengths() {
    let state = HashState {
        flags: HASHTABLE | LISTPACK_EX,
        volatile: 3,
        marker_at_ms: 1_700_000_000_123,
        vanish_at_ms: u64::MAX,
    };
    assert_eq!(HashState::decode(&state.encode()).unwrap(), state);
    assert!(HashState::decode(&state.encode()[..24]).is_err());
    assert!(HashState::decode(&[]).is_err());
}

#[test]
fn field_payloads_round_trip_and_reject_garbage() {
    let plain = encode_field(0, b"v");
    assert_eq!(plain, b"\x00v");
    let field = decode_field(&plain).unwrap();
    assert_eq!((field.deadline_ms, field.value), (0, &b"v"[..]));
    let volatile = encode_field(42, b"");
    let field = decode_field(&volatile).unwrap();
    assert_eq!((field.deadline_ms, field.value), (42, &b""[..]));
    for bad in [&b""[..], b"\x01\x00\x00", b"\x07v"] {
        assert!(decode_field(bad).is_err());
    }
}

fn encoding_of(store: &Store, key: &str) -> crate::Result<Option<&'static str>> {
    store.read(|r| {
        Ok(r.collection(key.as_bytes(), KeyType::Hash)?
            .map(|view| encoding(&view)))
    })
}

fn state_of(store: &Store, key: &str) -> crate::Result<Option<(u64, HashState)>> {
    store.read(|r| Ok(r.hash(key.as_bytes())?.map(|hash| (hash.count, hash.state))))
}

#[test]
fn encoding_follows_redis_conversions() -> crate::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let l64 = "x".repeat(64);
    let l65 = "x".repeat(65);
    store.hset("e1", &[(&l64, &l64)])?;
    assert_eq!(encoding_of(&store, "e1")?, Some("listpack"));
    store.hset("e2", &[("a", &l65)])?;
    assert_eq!(encoding_of(&store, "e2")?, Some("hashtable"));
    // HSETNX converts only when it writes.
    store.hset("e3", &[("a", "1")])?;
    assert!(!store.hsetnx("e3", "a", &l65)?);
    assert_eq!(encoding_of(&store, "e3")?, Some("listpack"));
    assert!(store.hsetnx("e3", &l65, "1")?);
    assert_eq!(encoding_of(&store, "e3")?, Some("hashtable"));
    // The counters convert for a long field name or a long result.
    store.hset("e4", &[("a", "1")])?;
    store.hincr_by_float("e4", &l65, "1")?;
    assert_eq!(encoding_of(&store, "e4")?, Some("hashtable"));
    store.hset("e5", &[("a", "1")])?;
    assert_eq!(store.hincr_by_float("e5", "a", "1e70")?.len(), 71);
    assert_eq!(encoding_of(&store, "e5")?, Some("hashtable"));
    store.hset("e6", &[("a", "1")])?;
    store.hincr_by("e6", &l65, 1)?;
    assert_eq!(encoding_of(&store, "e6")?, Some("hashtable"));
    // 512 fields stay a listpack, the 513th converts, and deleting never converts back.
    let fields: Vec<(String, &str)> = (1..=512).map(|i| (format!("f{i}"), "v")).collect();
    store.hset("e7", &fields)?;
    assert_eq!(encoding_of(&store, "e7")?, Some("listpack"));
    store.hset("e7", &[("f513", "v")])?;
    assert_eq!(encoding_of(&store, "e7")?, Some("hashtable"));
    store.hdel("e7", &["f513", "f1", "f2"])?;
    assert_eq!(encoding_of(&store, "e7")?, Some("hashtable"));
    // A field named twice counts once.
    let mut twice = fields.clone();
    twice.push(("f1".to_string(), "again"));
    store.hset("e8", &twice)?;
    assert_eq!(encoding_of(&store, "e8")?, Some("listpack"));
    // Redis 7.4: a field-expiry command turns a listpack into a "listpackex", for good.
    store.hexpire("e8", 100, ExpireCondition::Always, &["nope"])?;
    assert_eq!(encoding_of(&store, "e8")?, Some("listpackex"));
    store.hpersist("e8", &["f1"])?;
    assert_eq!(encoding_of(&store, "e8")?, Some("listpackex"));
    store.hexpire("e7", 100, ExpireCondition::Always, &["f3"])?;
    assert_eq!(encoding_of(&store, "e7")?, Some("hashtable"));
    assert_eq!(encoding_of(&store, "missing")?, None);
    Ok(())
}

#[test]
fn volatile_count_index_and_vanish_time_stay_exact() -> crate::Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = std::sync::Arc::new(crate::ManualClock::new(1_000_000));
    let store = crate::StoreOptions::new()
        .clock(clock.clone())
        .open(dir.path())?;
    store.hset("h", &[("a", "1"), ("b", "2"), ("c", "3")])?;
    assert_eq!(state_of(&store, "h")?.map(|(_, s)| s.volatile), Some(0));
    store.hpexpire("h", 500, ExpireCondition::Always, &["a", "b"])?;
    let (count, state) = state_of(&store, "h")?.ok_or(Error::NoSuchKey)?;
    assert_eq!(
        (
            count,
            state.volatile,
            state.marker_at_ms,
            state.vanish_at_ms
        ),
        (3, 2, 1_000_500, 0)
    );
    assert_eq!(store.pending_field_expiries()?, 1);
    // Every field volatile: the hash vanishes with the latest deadline.
    store.hpexpire("h", 900, ExpireCondition::Always, &["c"])?;
    let (_, state) = state_of(&store, "h")?.ok_or(Error::NoSuchKey)?;
    assert_eq!(
        (state.volatile, state.marker_at_ms, state.vanish_at_ms),
        (3, 1_000_500, 1_000_900)
    );
    // HSET clears a deadline; HINCRBY keeps it.
    store.hset("h", &[("a", "10")])?;
    store.hincr_by("h", "b", 1)?;
    let (_, state) = state_of(&store, "h")?.ok_or(Error::NoSuchKey)?;
    assert_eq!(
        (state.volatile, state.marker_at_ms, state.vanish_at_ms),
        (2, 1_000_500, 0)
    );
    // A write after the first deadline purges the expired field and moves the index entry.
    clock.advance(std::time::Duration::from_millis(501));
    store.hset("h", &[("d", "4")])?;
    let (count, state) = state_of(&store, "h")?.ok_or(Error::NoSuchKey)?;
    assert_eq!(
        (count, state.volatile, state.marker_at_ms),
        (3, 1, 1_000_900)
    );
    store.hpersist("h", &["c"])?;
    let (_, state) = state_of(&store, "h")?.ok_or(Error::NoSuchKey)?;
    assert_eq!(
        (state.volatile, state.marker_at_ms, state.vanish_at_ms),
        (0, 0, 0)
    );
    assert_eq!(store.pending_field_expiries()?, 0);
    store.hpexpire("h", 100, ExpireCondition::Always, &["a"])?;
    assert_eq!(store.pending_field_expiries()?, 1);
    store.del(&["h"])?;
    assert_eq!(store.pending_field_expiries()?, 0);
    Ok(())
}
