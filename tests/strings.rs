//! Integration tests of the string commands, one submodule per command group. Expected values
//! and error texts were checked against redis-server 7.0.15.
//!
//! Commands on keys of another type (WRONGTYPE, LCS's error) are tested inside the crate
//! (`src/types/string/wrongtype_tests.rs`) until a public collection type exists to make them.

use std::sync::Arc;

use keyp::{Bytes, Error, ManualClock, Result, Store, StoreOptions};

#[path = "strings/counters.rs"]
mod counters;
#[path = "strings/expiry.rs"]
mod expiry;
#[path = "strings/float.rs"]
mod float;
#[path = "strings/get_set.rs"]
mod get_set;
#[path = "strings/lcs.rs"]
mod lcs;
#[path = "strings/range.rs"]
mod range;

/// The clock reading every test starts at (Unix ms, November 2023).
pub const NOW_MS: u64 = 1_700_000_000_000;

/// A fresh store on a manual clock; keep the tempdir alive as long as the store.
pub fn open() -> Result<(tempfile::TempDir, Store, Arc<ManualClock>)> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(NOW_MS));
    let store = StoreOptions::new().clock(clock.clone()).open(dir.path())?;
    Ok((dir, store, clock))
}

/// `Some(value)` as GET returns it.
pub fn some(value: impl AsRef<[u8]>) -> Option<Bytes> {
    Some(Bytes::copy_from_slice(value.as_ref()))
}

/// The Redis error text of a result that must be an error.
pub fn error_text<T: std::fmt::Debug>(result: Result<T>) -> String {
    match result {
        Err(error) => error.to_string(),
        Ok(value) => panic!("expected an error, got {value:?}"),
    }
}

#[test]
fn error_texts_are_redis_replies() {
    let cases: [(Error, &str); 12] = [
        (
            Error::WrongType,
            "WRONGTYPE Operation against a key holding the wrong kind of value",
        ),
        (
            Error::NotInteger,
            "ERR value is not an integer or out of range",
        ),
        (Error::NotFloat, "ERR value is not a valid float"),
        (Error::Overflow, "ERR increment or decrement would overflow"),
        (Error::DecrementOverflow, "ERR decrement would overflow"),
        (
            Error::NanOrInfinity,
            "ERR increment would produce NaN or Infinity",
        ),
        (
            Error::InvalidExpireTime("set"),
            "ERR invalid expire time in 'set' command",
        ),
        (
            Error::StringTooLong,
            "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
        ),
        (Error::OffsetOutOfRange, "ERR offset is out of range"),
        (
            Error::LcsNotString,
            "ERR The specified keys must contain string values",
        ),
        (
            Error::LcsTooLarge,
            "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
        ),
        (
            Error::LcsAllocFailed,
            "ERR Insufficient memory, failed allocating transient memory for LCS",
        ),
    ];
    for (error, text) in cases {
        assert_eq!(error.to_string(), text);
    }
}
