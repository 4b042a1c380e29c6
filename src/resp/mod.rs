//! The Redis protocol over a [`Store`](crate::Store): request parsing (RESP multibulk and
//! inline), replies in RESP2 or RESP3, the command table, and the dispatch of each command to
//! the typed API. No I/O: a server (see `examples/server.rs`) reads bytes from a socket, feeds
//! them to [`parse_request`], runs each request with [`Session::execute`] and writes the
//! encoded [`Reply`] back.
//!
//! ```
//! use keyp::resp::{Protocol, PushSink, Session, Shared};
//! use keyp::{Bytes, Store};
//! use std::sync::Arc;
//!
//! # fn main() -> keyp::Result<()> {
//! # let dir = tempfile::tempdir()?;
//! let shared = Shared::new(Store::open(dir.path())?)?;
//! let push: PushSink = Arc::new(|_bytes: &[u8]| {});
//! let mut session = Session::new(shared, push);
//! let reply = session.execute(&[Bytes::from("PING")]);
//! assert_eq!(reply.to_bytes(Protocol::Resp2), b"+PONG\r\n");
//! # Ok(()) }
//! ```

mod cmds;
mod command;
mod frame;
mod pubsub;
mod reply;
mod session;

pub use command::{commands, lookup, Call, CommandSpec, Handler, ReadFn, SessionFn, WriteFn};
pub use frame::{
    parse_request, Parsed, ProtocolError, MAX_BULK_LEN, MAX_INLINE_LEN, MAX_MULTIBULK_LEN,
};
pub use reply::{Protocol, Reply};
pub use session::{PushSink, ServerInfo, Session, Shared};
#[cfg(feature = "server")]
pub(crate) use session::{Wake, WriteAnswer, WriteJob, Written};
