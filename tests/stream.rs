//! Integration tests of the stream commands, one submodule per command group. Expected values
//! and error texts were checked against redis-server 7.0.15.

use std::sync::Arc;

use keyp::{
    Bytes, ManualClock, Result, Store, StoreOptions, StreamEntry, StreamId, XAddArgs, XAddId,
};

#[path = "stream/blocking.rs"]
mod blocking;
#[path = "stream/claim.rs"]
mod claim;
#[path = "stream/core.rs"]
mod core;
#[path = "stream/groups.rs"]
mod groups;
#[path = "stream/info.rs"]
mod info;
#[path = "stream/keyspace.rs"]
mod keyspace;
#[path = "stream/read.rs"]
mod read;

/// The clock's reading when a test starts.
pub const T0: u64 = 1_000_000;

/// A fresh store with a manual clock at [`T0`]; keep the tempdir alive as long as the store.
pub fn open() -> Result<(tempfile::TempDir, Store, Arc<ManualClock>)> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(T0));
    let store = StoreOptions::new().clock(clock.clone()).open(dir.path())?;
    Ok((dir, store, clock))
}

/// Reopens the store in `dir` with `clock` (the old handle must be dropped first).
pub fn reopen(dir: &tempfile::TempDir, clock: &Arc<ManualClock>) -> Result<Store> {
    StoreOptions::new().clock(clock.clone()).open(dir.path())
}

/// Splits a command line into raw arguments.
pub fn words(line: &str) -> Vec<&[u8]> {
    line.split_whitespace().map(str::as_bytes).collect()
}

/// An ID from its text.
pub fn id(text: &str) -> StreamId {
    StreamId::parse(text.as_bytes()).unwrap()
}

/// XADD of `fields` under an explicit ID (or `*`, `ms-*`).
pub fn add(store: &Store, key: &str, at: &str, fields: &[(&str, &str)]) -> Result<StreamId> {
    let args = XAddArgs::new(XAddId::parse(at.as_bytes())?);
    Ok(store.xadd(key, args, fields)?.unwrap())
}

/// XADD from a whole argument line after the key (`MAXLEN ~ 10 * f v`).
pub fn xadd_line(store: &Store, key: &str, line: &str) -> Result<Option<StreamId>> {
    let args = words(line);
    let (parsed, at) = XAddArgs::parse(&args)?;
    let pairs: Vec<(&[u8], &[u8])> = args[at..].chunks(2).map(|p| (p[0], p[1])).collect();
    store.xadd(key, parsed, &pairs)
}

/// Adds entries `1-0` .. `n-0` with one field each.
pub fn fill(store: &Store, key: &str, n: u64) -> Result<()> {
    store.transaction(|tx| {
        for i in 1..=n {
            let args = XAddArgs::new(XAddId::Explicit(StreamId::new(i, 0)));
            tx.xadd(key, args, &[("f", "v")])?;
        }
        Ok(())
    })
}

/// The IDs of entries, as text.
pub fn ids(entries: &[StreamEntry]) -> Vec<String> {
    entries.iter().map(|e| e.id.to_string()).collect()
}

/// A field list from text pairs.
pub fn fields(pairs: &[(&str, &str)]) -> Vec<(Bytes, Bytes)> {
    pairs
        .iter()
        .map(|(f, v)| (Bytes::from(f.to_string()), Bytes::from(v.to_string())))
        .collect()
}

/// The Redis error text of a result that must be an error.
pub fn error_text<T: std::fmt::Debug>(result: Result<T>) -> String {
    match result {
        Err(error) => error.to_string(),
        Ok(value) => panic!("expected an error, got {value:?}"),
    }
}

/// The WRONGTYPE reply.
pub const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";
