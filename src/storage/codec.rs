//! Byte layouts of everything stored as an LMDB key. All integers are big-endian so that LMDB's
//! byte order is numeric order.
//!
//! `keys` database: `db:u8 + hash:u64 + user key`. The hash (MurmurHash64A with [`KEY_SEED`])
//! orders keys pseudo-randomly, which gives SCAN a stable integer cursor (the next hash to visit,
//! valid across restarts) and RANDOMKEY a uniform O(log n) seek. A user key longer than
//! [`LONG_KEY_PREFIX`] bytes is stored as its first [`LONG_KEY_PREFIX`] bytes plus a second,
//! independent 64-bit hash; the full key is kept in the metadata record and compared on lookup.
//! Encoded keys therefore never exceed [`MAX_ENCODED_KEY`] bytes, well inside LMDB's 511.

use super::hash::murmur64a;

/// Seed of the hash that orders the `keys` database.
pub(crate) const KEY_SEED: u64 = 0x6b65_7970_5f6b_6579;
/// Seed of the second hash that disambiguates long keys sharing a prefix.
pub(crate) const LONG_KEY_SEED: u64 = 0x6b65_7970_5f6c_6f6e;
/// User keys longer than this are stored as prefix + hash.
pub(crate) const LONG_KEY_PREFIX: usize = 400;
/// The longest encoded key: db, hash, prefix, second hash.
pub(crate) const MAX_ENCODED_KEY: usize = 1 + 8 + LONG_KEY_PREFIX + 8;

// An expiry index key (deadline + encoded key) must fit LMDB's 511-byte key limit.
const _: () = assert!(8 + MAX_ENCODED_KEY <= 511);

/// The `keys`-database form of a user key, built on the stack.
#[derive(Clone)]
pub(crate) struct EncodedKey {
    buf: [u8; MAX_ENCODED_KEY],
    len: usize,
}

impl EncodedKey {
    /// Encodes `key` of logical database `db`.
    pub(crate) fn new(db: u8, key: &[u8]) -> EncodedKey {
        let mut buf = [0u8; MAX_ENCODED_KEY];
        buf[0] = db;
        buf[1..9].copy_from_slice(&key_hash(key).to_be_bytes());
        let len = if key.len() <= LONG_KEY_PREFIX {
            buf[9..9 + key.len()].copy_from_slice(key);
            9 + key.len()
        } else {
            buf[9..9 + LONG_KEY_PREFIX].copy_from_slice(&key[..LONG_KEY_PREFIX]);
            let second = murmur64a(key, LONG_KEY_SEED);
            buf[9 + LONG_KEY_PREFIX..MAX_ENCODED_KEY].copy_from_slice(&second.to_be_bytes());
            MAX_ENCODED_KEY
        };
        EncodedKey { buf, len }
    }

    /// Rebuilds an encoded key read back from LMDB.
    pub(crate) fn from_raw(raw: &[u8]) -> Option<EncodedKey> {
        if raw.len() < 9 || raw.len() > MAX_ENCODED_KEY {
            return None;
        }
        let mut buf = [0u8; MAX_ENCODED_KEY];
        buf[..raw.len()].copy_from_slice(raw);
        Some(EncodedKey {
            buf,
            len: raw.len(),
        })
    }

    /// The same key in another logical database.
    pub(crate) fn with_db(&self, db: u8) -> EncodedKey {
        let mut other = self.clone();
        other.buf[0] = db;
        other
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    pub(crate) fn db(&self) -> u8 {
        self.buf[0]
    }
}

/// The ordering hash of a user key.
pub(crate) fn key_hash(key: &[u8]) -> u64 {
    murmur64a(key, KEY_SEED)
}

/// True when a user key is stored in the long (prefix + hash) form.
pub(crate) fn is_long_key(key: &[u8]) -> bool {
    key.len() > LONG_KEY_PREFIX
}

/// The hash inside an encoded `keys` key.
pub(crate) fn encoded_hash(encoded: &[u8]) -> u64 {
    read_u64(encoded.get(1..9).unwrap_or(&[0; 8]))
}

/// The user key inside a short encoded key (None for the long form, whose full key lives in the
/// metadata record).
pub(crate) fn short_user_key(encoded: &[u8]) -> Option<&[u8]> {
    // Short forms are at most 9 + LONG_KEY_PREFIX bytes, the long form always MAX_ENCODED_KEY.
    if encoded.len() == MAX_ENCODED_KEY {
        return None;
    }
    encoded.get(9..)
}

/// The first encoded key of a database at or after `hash`.
pub(crate) fn db_seek_key(db: u8, hash: u64) -> [u8; 9] {
    let mut out = [0u8; 9];
    out[0] = db;
    out[1..9].copy_from_slice(&hash.to_be_bytes());
    out
}

/// `expiry` database key: `expire_at_ms:u64 + encoded key`, on the stack.
pub(crate) struct ExpiryKey {
    buf: [u8; 8 + MAX_ENCODED_KEY],
    len: usize,
}

impl ExpiryKey {
    pub(crate) fn new(expire_at_ms: u64, encoded: &EncodedKey) -> ExpiryKey {
        let mut buf = [0u8; 8 + MAX_ENCODED_KEY];
        buf[..8].copy_from_slice(&expire_at_ms.to_be_bytes());
        let key = encoded.as_bytes();
        buf[8..8 + key.len()].copy_from_slice(key);
        ExpiryKey {
            buf,
            len: 8 + key.len(),
        }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Splits an `expiry` key into its deadline and encoded key.
pub(crate) fn split_expiry_key(raw: &[u8]) -> Option<(u64, &[u8])> {
    if raw.len() < 8 + 9 {
        return None;
    }
    Some((read_u64(&raw[..8]), &raw[8..]))
}

/// Reads a big-endian u64 from the first 8 bytes (zero-padded if shorter).
pub(crate) fn read_u64(bytes: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    let n = bytes.len().min(8);
    word[..n].copy_from_slice(&bytes[..n]);
    u64::from_be_bytes(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_keys_keep_their_bytes() {
        let k = EncodedKey::new(3, b"user:1");
        assert_eq!(k.db(), 3);
        assert_eq!(short_user_key(k.as_bytes()), Some(&b"user:1"[..]));
        assert_eq!(encoded_hash(k.as_bytes()), key_hash(b"user:1"));
    }

    #[test]
    fn long_keys_are_bounded_and_distinct() {
        let a = vec![b'a'; 10_000];
        let mut b = a.clone();
        b[9_999] = b'b';
        let ka = EncodedKey::new(0, &a);
        let kb = EncodedKey::new(0, &b);
        assert_eq!(ka.as_bytes().len(), MAX_ENCODED_KEY);
        assert_ne!(ka.as_bytes(), kb.as_bytes());
    }

    #[test]
    fn expiry_keys_sort_by_deadline() {
        let k = EncodedKey::new(0, b"x");
        let early = ExpiryKey::new(5, &k);
        let late = ExpiryKey::new(256, &k);
        assert!(early.as_bytes() < late.as_bytes());
        assert_eq!(split_expiry_key(late.as_bytes()), Some((256, k.as_bytes())));
    }
}
