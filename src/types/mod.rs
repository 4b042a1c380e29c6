//! The data types. Each file holds one type's operations, written once on the transaction types
//! ([`ReadTxn`](crate::ReadTxn) for reads, [`WriteTxn`](crate::WriteTxn) for writes), and the
//! [`Store`](crate::Store) methods that wrap each in a transaction of its own.

pub(crate) mod bitmap;
pub(crate) mod collection;
pub(crate) mod hash;
pub(crate) mod hll;
pub(crate) mod list;
pub(crate) mod set;
pub(crate) mod stream;
pub(crate) mod string;
pub(crate) mod zset;

/// The type of the value a key holds, as Redis's TYPE names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum KeyType {
    /// A string (also counters, bitmaps and HyperLogLogs).
    String = 0,
    /// A list.
    List = 1,
    /// A hash.
    Hash = 2,
    /// A set.
    Set = 3,
    /// A sorted set.
    ZSet = 4,
    /// A stream.
    Stream = 5,
}

impl KeyType {
    /// The name Redis's TYPE command replies with.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::String => "string",
            KeyType::List => "list",
            KeyType::Hash => "hash",
            KeyType::Set => "set",
            KeyType::ZSet => "zset",
            KeyType::Stream => "stream",
        }
    }

    /// Parses a TYPE name (case-insensitive), as SCAN's TYPE option takes it.
    pub fn parse(name: &[u8]) -> Option<KeyType> {
        let all = [
            KeyType::String,
            KeyType::List,
            KeyType::Hash,
            KeyType::Set,
            KeyType::ZSet,
            KeyType::Stream,
        ];
        all.into_iter()
            .find(|t| t.as_str().as_bytes().eq_ignore_ascii_case(name))
    }

    pub(crate) fn from_u8(byte: u8) -> Option<KeyType> {
        Some(match byte {
            0 => KeyType::String,
            1 => KeyType::List,
            2 => KeyType::Hash,
            3 => KeyType::Set,
            4 => KeyType::ZSet,
            5 => KeyType::Stream,
            _ => return None,
        })
    }
}

impl std::fmt::Display for KeyType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
