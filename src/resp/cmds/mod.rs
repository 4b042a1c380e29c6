//! The command families: each file holds one family's table and handlers. A handler parses
//! its arguments (with the typed API's `parse` helpers, for Redis's error texts), calls the
//! typed API, and builds the reply.

use super::command::CommandSpec;

mod bitmap;
mod connection;
mod elements;
mod hash;
mod hll;
mod keyspace;
mod list;
mod multi;
mod pubsub;
mod server;
mod set;
mod stream;
mod string;
mod zset;

pub(crate) use server::default_config;
mod ttl;

/// Every family's table; [`super::command::lookup`] indexes them.
pub(crate) const TABLES: &[&[CommandSpec]] = &[
    connection::COMMANDS,
    keyspace::COMMANDS,
    string::COMMANDS,
    stream::COMMANDS,
    list::COMMANDS,
    hash::COMMANDS,
    set::COMMANDS,
    zset::COMMANDS,
    multi::COMMANDS,
    pubsub::COMMANDS,
    server::COMMANDS,
    ttl::COMMANDS,
    bitmap::COMMANDS,
    hll::COMMANDS,
];

/// A command of the table: name, arity, flags, first key, last key, key step, handler.
macro_rules! spec {
    ($name:literal, $arity:expr, [$($flag:literal),*], $first:expr, $last:expr, $step:expr, $kind:ident($f:expr)) => {
        $crate::resp::command::CommandSpec {
            name: $name,
            arity: $arity,
            flags: &[$($flag),*],
            first_key: $first,
            last_key: $last,
            step: $step,
            handler: $crate::resp::command::Handler::$kind($f),
        }
    };
    ($name:literal, $arity:expr, [$($flag:literal),*], $first:expr, $last:expr, $step:expr, Blocking($wait:expr, $once:expr)) => {
        $crate::resp::command::CommandSpec {
            name: $name,
            arity: $arity,
            flags: &[$($flag),*],
            first_key: $first,
            last_key: $last,
            step: $step,
            handler: $crate::resp::command::Handler::Blocking { wait: $wait, once: $once },
        }
    };
}
pub(crate) use spec;
