//! Byte layout of the `elements` database: the members, fields and items of collections.
//!
//! ```text
//! key:   key_id:u64 + kind:u8 + body
//! value: [full_len:u32 + full element]   only when the element is in the long form
//!        + payload                       (hash value, zset score, list item...)
//! ```
//!
//! The body depends on the kind:
//! - hashed kinds (hash fields, set members, zset member → score): `hash:u64 + element`, ordered
//!   by MurmurHash64A of the element. That order gives HSCAN/SSCAN/ZSCAN a stable integer cursor
//!   and HRANDFIELD/SRANDMEMBER/SPOP a uniform O(log n) random seek.
//! - ordered kinds: `order:[u8; 8] + element`, where `order` is a list sequence number or an
//!   order-preserving encoding of a zset score (so range walks are B-tree walks).
//!
//! An element longer than [`LONG_ELEMENT`] bytes is stored as its first [`LONG_ELEMENT`] bytes
//! plus a second 64-bit hash; the full element leads the value and is compared on lookup. The
//! long form always makes the key exactly [`MAX_ELEMENT_KEY`] bytes, which no short form can
//! be, so the two are told apart by length.

use super::hash::murmur64a;

/// Elements longer than this are stored in the long (prefix + hash) form.
pub(crate) const LONG_ELEMENT: usize = 400;
const ELEMENT_SEED: u64 = 0x6b65_7970_5f65_6c65;
const LONG_ELEMENT_SEED: u64 = 0x6b65_7970_5f65_6c32;
/// Key id, kind, 8-byte order or hash, long prefix, second hash.
pub(crate) const MAX_ELEMENT_KEY: usize = 8 + 1 + 8 + LONG_ELEMENT + 8;

const _: () = assert!(MAX_ELEMENT_KEY <= 511);

/// What an entry of the `elements` database is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum ElementKind {
    /// Hash field → value.
    HashField = 1,
    /// Hash field deadline index: `expire_at_ms` order + field → empty.
    HashFieldExpiry = 2,
    /// Set member → empty.
    SetMember = 3,
    /// Sorted set member → score (8 bytes, f64 big-endian bits).
    ZsetMember = 4,
    /// Sorted set score index: order-preserving score + member → empty.
    ZsetScore = 5,
    /// List item: sequence number → item.
    ListItem = 6,
    /// Sorted set rank index: level + score index key suffix → member count (see
    /// `types::zset::rank`).
    ZsetRank = 7,
    /// Stream entry: `ms` order + `seq:u64` → encoded field/value pairs.
    StreamEntry = 8,
    /// Stream consumer group: hashed by name → group record.
    StreamGroup = 9,
    /// Stream consumer: group id order + name → consumer record.
    StreamConsumer = 10,
    /// Stream pending entry (group PEL): group id order + entry id → delivery record.
    StreamPending = 11,
    /// Stream per-consumer PEL: consumer id order + entry id → empty.
    StreamConsumerPending = 12,
    /// Stream node (Redis's listpack node, emulated): master id → live/deleted counts.
    StreamNode = 13,
}

/// The ordering hash of an element.
pub(crate) fn element_hash(element: &[u8]) -> u64 {
    murmur64a(element, ELEMENT_SEED)
}

/// An `elements` key, built on the stack.
#[derive(Clone)]
pub(crate) struct ElementKey {
    buf: [u8; MAX_ELEMENT_KEY],
    len: usize,
}

impl ElementKey {
    /// The key of `element` of a hashed kind.
    pub(crate) fn hashed(key_id: u64, kind: ElementKind, element: &[u8]) -> ElementKey {
        ElementKey::with_order(key_id, kind, element_hash(element).to_be_bytes(), element)
    }

    /// The key of `element` under an explicit 8-byte order (list sequence, encoded score,
    /// deadline).
    pub(crate) fn with_order(
        key_id: u64,
        kind: ElementKind,
        order: [u8; 8],
        element: &[u8],
    ) -> ElementKey {
        let mut buf = [0u8; MAX_ELEMENT_KEY];
        buf[..8].copy_from_slice(&key_id.to_be_bytes());
        buf[8] = kind as u8;
        buf[9..17].copy_from_slice(&order);
        let len = if element.len() <= LONG_ELEMENT {
            buf[17..17 + element.len()].copy_from_slice(element);
            17 + element.len()
        } else {
            buf[17..17 + LONG_ELEMENT].copy_from_slice(&element[..LONG_ELEMENT]);
            let second = murmur64a(element, LONG_ELEMENT_SEED);
            buf[17 + LONG_ELEMENT..].copy_from_slice(&second.to_be_bytes());
            MAX_ELEMENT_KEY
        };
        ElementKey { buf, len }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// The first key of kind `kind` of collection `key_id` at or after `order`.
pub(crate) fn seek(key_id: u64, kind: ElementKind, order: [u8; 8]) -> [u8; 17] {
    let mut out = [0u8; 17];
    out[..8].copy_from_slice(&key_id.to_be_bytes());
    out[8] = kind as u8;
    out[9..].copy_from_slice(&order);
    out
}

/// The 9-byte prefix shared by every element of kind `kind` of collection `key_id`.
pub(crate) fn kind_prefix(key_id: u64, kind: ElementKind) -> [u8; 9] {
    let mut out = [0u8; 9];
    out[..8].copy_from_slice(&key_id.to_be_bytes());
    out[8] = kind as u8;
    out
}

/// True when a stored element key is in the long form.
pub(crate) fn is_long(raw_key: &[u8]) -> bool {
    raw_key.len() == MAX_ELEMENT_KEY
}

/// The 8-byte order (hash, sequence or encoded score) of a stored element key.
pub(crate) fn order_of(raw_key: &[u8]) -> Option<[u8; 8]> {
    raw_key.get(9..17)?.try_into().ok()
}

/// Splits a stored entry into the full element and the payload. `None` if the bytes are
/// malformed.
pub(crate) fn split_entry<'a>(raw_key: &'a [u8], value: &'a [u8]) -> Option<(&'a [u8], &'a [u8])> {
    if !is_long(raw_key) {
        return Some((raw_key.get(17..)?, value));
    }
    split_long_value(value)
}

/// Splits the value of a long-form entry into the full element and the payload.
pub(crate) fn split_long_value(value: &[u8]) -> Option<(&[u8], &[u8])> {
    let len = u32::from_be_bytes(value.get(..4)?.try_into().ok()?) as usize;
    let element = value.get(4..4 + len)?;
    Some((element, value.get(4 + len..)?))
}

/// Builds the stored value of `element` with `payload`: the payload alone for a short element,
/// the full element first for a long one.
pub(crate) fn entry_value(element: &[u8], payload: &[u8], out: &mut Vec<u8>) {
    out.clear();
    if element.len() > LONG_ELEMENT {
        out.extend_from_slice(&(element.len() as u32).to_be_bytes());
        out.extend_from_slice(element);
    }
    out.extend_from_slice(payload);
}

/// Order-preserving encoding of an f64 score: big-endian bytes that sort as the numbers do
/// (-inf first, +inf last; -0.0 and 0.0 are the same score, as in Redis).
pub(crate) fn encode_score(score: f64) -> [u8; 8] {
    let score = if score == 0.0 { 0.0 } else { score };
    let bits = score.to_bits();
    let ordered = if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    };
    ordered.to_be_bytes()
}

/// Inverse of [`encode_score`].
pub(crate) fn decode_score(bytes: [u8; 8]) -> f64 {
    let ordered = u64::from_be_bytes(bytes);
    let bits = if ordered >> 63 == 1 {
        ordered & !(1 << 63)
    } else {
        !ordered
    };
    f64::from_bits(bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_sort_as_numbers() {
        let scores = [
            f64::NEG_INFINITY,
            -1e300,
            -2.5,
            -0.0,
            0.0,
            1e-300,
            3.0,
            1e300,
            f64::INFINITY,
        ];
        let encoded: Vec<[u8; 8]> = scores.iter().map(|s| encode_score(*s)).collect();
        for pair in encoded.windows(2) {
            assert!(pair[0] <= pair[1]);
        }
        for s in scores {
            assert_eq!(
                decode_score(encode_score(s)),
                if s == 0.0 { 0.0 } else { s }
            );
        }
        assert_eq!(encode_score(-0.0), encode_score(0.0));
    }

    #[test]
    fn long_elements_round_trip() {
        let long = vec![9u8; 5000];
        let key = ElementKey::hashed(7, ElementKind::HashField, &long);
        assert!(is_long(key.as_bytes()));
        let mut value = Vec::new();
        entry_value(&long, b"payload", &mut value);
        assert_eq!(
            split_entry(key.as_bytes(), &value),
            Some((&long[..], &b"payload"[..]))
        );
        let short = ElementKey::hashed(7, ElementKind::HashField, b"f");
        assert!(!is_long(short.as_bytes()));
        assert_eq!(
            split_entry(short.as_bytes(), b"v"),
            Some((&b"f"[..], &b"v"[..]))
        );
        let mut prefix = long.clone();
        prefix[4999] = 1;
        assert_ne!(
            ElementKey::hashed(7, ElementKind::HashField, &prefix).as_bytes(),
            key.as_bytes()
        );
    }
}
