//! The metadata record: the value stored under each key in the `keys` database.
//!
//! ```text
//! [0]      type            u8  (KeyType)
//! [1]      flags           u8  (HAS_EXPIRE, LONG_KEY, RAW, NOT_INT)
//! [2..6]   modified_s      u32 seconds since the Unix epoch of the last write (OBJECT IDLETIME)
//! [6..14]  expire_at_ms    u64, only with HAS_EXPIRE
//! [..]     key_len u32 + the full user key, only with LONG_KEY
//! [..]     body: a string's bytes; for collections key_id u64 + count u64 + type state
//! ```
//! Integers are big-endian. Decoding borrows from LMDB's memory and allocates nothing.

use crate::error::{Error, Result};
use crate::types::KeyType;

pub(crate) const HAS_EXPIRE: u8 = 0x01;
pub(crate) const LONG_KEY: u8 = 0x02;
/// A string that was modified in place (APPEND, SETRANGE...), which Redis reports as "raw".
pub(crate) const RAW: u8 = 0x04;
/// A string Redis would never have int-encoded (an INCRBYFLOAT result such as "3"), which
/// OBJECT ENCODING reports as "embstr" even when it reads as an integer.
pub(crate) const NOT_INT: u8 = 0x08;
/// The flags a caller chooses; the others are derived from the header's fields when written.
const CALLER_FLAGS: u8 = RAW | NOT_INT;

/// A decoded metadata record, borrowing the stored bytes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Meta<'a> {
    pub(crate) kind: KeyType,
    pub(crate) flags: u8,
    pub(crate) modified_s: u32,
    /// Absolute deadline in milliseconds, 0 for none.
    pub(crate) expire_at_ms: u64,
    /// The full user key, for keys stored in the long form.
    pub(crate) full_key: Option<&'a [u8]>,
    pub(crate) body: &'a [u8],
}

impl<'a> Meta<'a> {
    pub(crate) fn decode(raw: &'a [u8]) -> Result<Meta<'a>> {
        let corrupt = || Error::Corrupt("metadata record");
        if raw.len() < 6 {
            return Err(corrupt());
        }
        let kind = KeyType::from_u8(raw[0]).ok_or_else(corrupt)?;
        let flags = raw[1];
        let modified_s = u32::from_be_bytes([raw[2], raw[3], raw[4], raw[5]]);
        let mut pos = 6;
        let mut expire_at_ms = 0;
        if flags & HAS_EXPIRE != 0 {
            let bytes = raw.get(pos..pos + 8).ok_or_else(corrupt)?;
            expire_at_ms = super::codec::read_u64(bytes);
            pos += 8;
        }
        let mut full_key = None;
        if flags & LONG_KEY != 0 {
            let len_bytes = raw.get(pos..pos + 4).ok_or_else(corrupt)?;
            let len = u32::from_be_bytes([len_bytes[0], len_bytes[1], len_bytes[2], len_bytes[3]]);
            pos += 4;
            let end = pos.checked_add(len as usize).ok_or_else(corrupt)?;
            full_key = Some(raw.get(pos..end).ok_or_else(corrupt)?);
            pos = end;
        }
        Ok(Meta {
            kind,
            flags,
            modified_s,
            expire_at_ms,
            full_key,
            body: &raw[pos..],
        })
    }

    /// True when the deadline has passed at `now_ms` (Redis: expired once now > deadline).
    pub(crate) fn is_expired(&self, now_ms: u64) -> bool {
        self.expire_at_ms != 0 && now_ms > self.expire_at_ms
    }

    /// For a collection: its key id, element count and the type state that follows them.
    pub(crate) fn collection(&self) -> Result<(u64, u64, &'a [u8])> {
        collection_parts(self.body)
    }
}

/// The key id, count and state in the body of a collection's record.
pub(crate) fn collection_parts(body: &[u8]) -> Result<(u64, u64, &[u8])> {
    if body.len() < 16 {
        return Err(Error::Corrupt("collection header"));
    }
    Ok((
        super::codec::read_u64(&body[..8]),
        super::codec::read_u64(&body[8..16]),
        &body[16..],
    ))
}

/// The header fields of a record about to be written.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Header<'k> {
    pub(crate) kind: KeyType,
    pub(crate) flags: u8,
    pub(crate) modified_s: u32,
    pub(crate) expire_at_ms: u64,
    /// The user key; stored only when it is in the long form.
    pub(crate) long_key: Option<&'k [u8]>,
}

impl Header<'_> {
    /// Length of the encoded header.
    pub(crate) fn len(&self) -> usize {
        6 + if self.expire_at_ms != 0 { 8 } else { 0 } + self.long_key.map_or(0, |k| 4 + k.len())
    }

    /// Writes the header into `out`, which must be exactly `self.len()` bytes.
    pub(crate) fn write(&self, out: &mut [u8]) {
        let mut flags = self.flags & CALLER_FLAGS;
        if self.expire_at_ms != 0 {
            flags |= HAS_EXPIRE;
        }
        if self.long_key.is_some() {
            flags |= LONG_KEY;
        }
        out[0] = self.kind as u8;
        out[1] = flags;
        out[2..6].copy_from_slice(&self.modified_s.to_be_bytes());
        let mut pos = 6;
        if self.expire_at_ms != 0 {
            out[pos..pos + 8].copy_from_slice(&self.expire_at_ms.to_be_bytes());
            pos += 8;
        }
        if let Some(key) = self.long_key {
            out[pos..pos + 4].copy_from_slice(&(key.len() as u32).to_be_bytes());
            pos += 4;
            out[pos..pos + key.len()].copy_from_slice(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_every_optional_part() {
        let key = vec![7u8; 900];
        let header = Header {
            kind: KeyType::String,
            flags: RAW | NOT_INT,
            modified_s: 1234,
            expire_at_ms: 99,
            long_key: Some(&key),
        };
        let mut raw = vec![0u8; header.len()];
        header.write(&mut raw);
        raw.extend_from_slice(b"value");
        let meta = Meta::decode(&raw).unwrap();
        assert_eq!(meta.kind, KeyType::String);
        assert_eq!(meta.flags, RAW | NOT_INT | HAS_EXPIRE | LONG_KEY);
        assert_eq!(meta.modified_s, 1234);
        assert_eq!(meta.expire_at_ms, 99);
        assert_eq!(meta.full_key, Some(&key[..]));
        assert_eq!(meta.body, b"value");
        assert!(meta.is_expired(100));
        assert!(!meta.is_expired(99));
    }

    #[test]
    fn derived_flags_follow_the_fields_not_the_caller() {
        let header = Header {
            kind: KeyType::String,
            flags: NOT_INT | HAS_EXPIRE | LONG_KEY,
            modified_s: 0,
            expire_at_ms: 0,
            long_key: None,
        };
        let mut raw = vec![0u8; header.len()];
        header.write(&mut raw);
        assert_eq!(Meta::decode(&raw).unwrap().flags, NOT_INT);
    }

    #[test]
    fn truncated_records_are_errors_not_panics() {
        for raw in [
            &[][..],
            &[0, 1, 0, 0, 0, 0][..],
            &[9, 0, 0, 0, 0, 0][..],
            &[0, 2, 0, 0, 0, 0, 0, 0, 1, 0][..],
        ] {
            assert!(Meta::decode(raw).is_err());
        }
    }
}
