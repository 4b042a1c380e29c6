//! # keyp
//!
//! The Redis data model in-process, persisted in LMDB: strings (with counters and bitmaps),
//! lists, hashes, sets, sorted sets, HyperLogLog and streams, with TTL and ACID transactions,
//! behind a typed [`Store`] API. Semantics follow Redis 7: the same results, the same errors,
//! the same edge cases.
//!
//! ```
//! use keyp::{ExpireCondition, Store};
//!
//! # fn main() -> keyp::Result<()> {
//! let dir = tempfile::tempdir()?;
//! let store = Store::open(dir.path())?;
//! store.set("user:1:name", "Ada")?;
//! store.incr_by("user:1:visits", 3)?;
//! store.expire("user:1:name", 3600, ExpireCondition::Always)?;
//! let (name, visits) = store.read(|r| Ok((r.get("user:1:name")?, r.get("user:1:visits")?)))?;
//! assert_eq!(name.as_deref(), Some(&b"Ada"[..]));
//! assert_eq!(visits.as_deref(), Some(&b"3"[..]));
//! # Ok(()) }
//! ```
//!
//! Every operation is a method on [`ReadTxn`] (reads) or [`WriteTxn`] (writes); the same-named
//! methods on [`Store`] run one operation in a transaction of its own. Use
//! [`Store::transaction`] to make many operations one atomic unit, and [`Store::read`] for a
//! consistent snapshot across many reads.
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod error;
mod keyspace;
mod notify;
#[cfg(feature = "resp")]
pub mod resp;
#[cfg(feature = "server")]
pub mod server;
mod storage;
mod store;
mod ttl;
mod txn;
mod types;

pub use bytes::Bytes;
pub use error::{Error, Result};
pub use keyspace::ScanOptions;
pub use notify::Watch;
pub use store::{
    Clock, Durability, ManualClock, Store, StoreOptions, SystemClock, DEFAULT_MAP_SIZE,
};
pub use ttl::{ExpireCondition, ExpireTime, Ttl};
pub use txn::{ReadTxn, WriteTxn};
pub use types::bitmap::bitfield::{BitfieldOffset, BitfieldOp, BitfieldOverflow, BitfieldType};
pub use types::bitmap::{
    parse_bit_offset, parse_bit_value, parse_bitpos_bit, BitOp, BitPosRange, BitRange, BitUnit,
};
pub use types::hash::{
    parse_fields_argument, parse_hexpire_arguments, parse_hrandfield_count, FieldExpireOutcome,
    FieldExpireTime, FieldPersistOutcome, FieldTtl,
};
pub use types::list::{
    parse_pop_count, parse_timeout, InsertPosition, ListEnd, LmpopArgs, LposOptions,
};
pub use types::set::SinterCardArgs;
pub use types::stream::{
    parse_block_timeout, parse_xinfo_full_count, AutoClaimed, ConsumerInfo, Fields, FullConsumer,
    FullGroup, GroupInfo, GroupReadEntry, GroupReadId, GroupStartId, PendingEntry, PendingSummary,
    StreamEntry, StreamFullInfo, StreamId, StreamInfo, Trim, TrimStrategy, XAddArgs, XAddId,
    XAutoClaimArgs, XClaimArgs, XClaimOptions, XGroupCreateOptions, XPendingArgs, XReadArgs,
    XReadId, XSetIdArgs,
};
pub use types::string::{
    Expiry, GetExAction, SetCondition, SetOptions, SetOutcome, SetTtl, MAX_STRING_LEN,
};
pub use types::string::{LcsIdx, LcsMatch};
pub use types::zset::{
    format_score, parse_score, parse_weight, parse_zintercard, parse_zrandmember, Aggregate,
    LexBound, Limit, PoppedMembers, ScoreBound, ScoreEnd, ScoredMember, ZAddArgs, ZAddOptions,
    ZCombine, ZCombineArgs, ZCombineCommand, ZMPopArgs, ZRange, ZRangeArgs, ZRangeBy,
    ZRangeCommand,
};
pub use types::KeyType;
