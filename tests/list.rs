//! Integration tests of the list commands, one submodule per command group. Expected values and
//! error texts were checked against redis-server 7.0.15.

use std::sync::Arc;

use keyp::{Bytes, Error, ManualClock, Result, Store, StoreOptions};

#[path = "list/access.rs"]
mod access;
#[path = "list/blocking.rs"]
mod blocking;
#[path = "list/edit.rs"]
mod edit;
#[path = "list/moves.rs"]
mod moves;
#[path = "list/push_pop.rs"]
mod push_pop;

/// The clock reading every test starts at (Unix ms, November 2023).
pub const NOW_MS: u64 = 1_700_000_000_000;

/// A fresh store on a manual clock; keep the tempdir alive as long as the store.
pub fn open() -> Result<(tempfile::TempDir, Store, Arc<ManualClock>)> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(NOW_MS));
    let store = StoreOptions::new().clock(clock.clone()).open(dir.path())?;
    Ok((dir, store, clock))
}

/// `Some(item)` as a single pop or LINDEX returns it.
pub fn some(item: impl AsRef<[u8]>) -> Option<Bytes> {
    Some(Bytes::copy_from_slice(item.as_ref()))
}

/// The items as owned `Bytes`.
pub fn items(items: &[&str]) -> Vec<Bytes> {
    items
        .iter()
        .map(|i| Bytes::copy_from_slice(i.as_bytes()))
        .collect()
}

/// The whole list at `key`.
pub fn all(store: &Store, key: &str) -> Result<Vec<Bytes>> {
    store.lrange(key, 0, -1)
}

/// The Redis error text of a result that must be an error.
pub fn error_text<T: std::fmt::Debug>(result: Result<T>) -> String {
    match result {
        Err(error) => error.to_string(),
        Ok(value) => panic!("expected an error, got {value:?}"),
    }
}

pub const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";

#[test]
fn error_texts_are_redis_replies() {
    let cases: [(Error, &str); 10] = [
        (
            Error::NotPositive,
            "ERR value is out of range, must be positive",
        ),
        (
            Error::RankZero,
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... \
             or use negative to start from the end of the list",
        ),
        (Error::CountNegative, "ERR COUNT can't be negative"),
        (Error::MaxlenNegative, "ERR MAXLEN can't be negative"),
        (
            Error::NumkeysNotPositive,
            "ERR numkeys should be greater than 0",
        ),
        (
            Error::CountNotPositive,
            "ERR count should be greater than 0",
        ),
        (
            Error::TimeoutNotFloat,
            "ERR timeout is not a float or out of range",
        ),
        (Error::TimeoutNegative, "ERR timeout is negative"),
        (Error::NoSuchKey, "ERR no such key"),
        (Error::IndexOutOfRange, "ERR index out of range"),
    ];
    for (error, text) in cases {
        assert_eq!(error.to_string(), text);
    }
}

#[test]
fn every_list_command_reports_wrongtype_on_a_string() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.set("s", "v")?;
    let none: [&str; 0] = [];
    assert_eq!(error_text(store.lpush("s", &["a"])), WRONGTYPE);
    assert_eq!(error_text(store.rpush("s", &["a"])), WRONGTYPE);
    assert_eq!(error_text(store.lpush("s", &none)), WRONGTYPE);
    assert_eq!(error_text(store.lpushx("s", &["a"])), WRONGTYPE);
    assert_eq!(error_text(store.rpushx("s", &["a"])), WRONGTYPE);
    assert_eq!(error_text(store.lpop("s")), WRONGTYPE);
    assert_eq!(error_text(store.rpop("s")), WRONGTYPE);
    assert_eq!(error_text(store.lpop_count("s", 0)), WRONGTYPE);
    assert_eq!(error_text(store.rpop_count("s", 2)), WRONGTYPE);
    assert_eq!(error_text(store.llen("s")), WRONGTYPE);
    assert_eq!(error_text(store.lindex("s", 0)), WRONGTYPE);
    assert_eq!(error_text(store.lset("s", 0, "x")), WRONGTYPE);
    assert_eq!(error_text(store.lrange("s", 0, -1)), WRONGTYPE);
    assert_eq!(error_text(store.ltrim("s", 0, 1)), WRONGTYPE);
    assert_eq!(error_text(store.lrem("s", 0, "a")), WRONGTYPE);
    let before = keyp::InsertPosition::Before;
    assert_eq!(error_text(store.linsert("s", before, "a", "x")), WRONGTYPE);
    let options = keyp::LposOptions::default();
    assert_eq!(error_text(store.lpos("s", "a", options)), WRONGTYPE);
    assert_eq!(
        error_text(store.lpos_count("s", "a", 0, options)),
        WRONGTYPE
    );
    let (left, right) = (keyp::ListEnd::Left, keyp::ListEnd::Right);
    assert_eq!(error_text(store.lmove("s", "d", left, right)), WRONGTYPE);
    assert_eq!(error_text(store.rpoplpush("s", "d")), WRONGTYPE);
    assert_eq!(error_text(store.lmpop(&["s"], left, 1)), WRONGTYPE);
    // Nothing was created or changed by the failed calls.
    assert_eq!(store.exists(&["d"])?, 0);
    assert_eq!(store.get("s")?, some("v"));
    Ok(())
}
