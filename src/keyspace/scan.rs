//! Walking the keyspace: SCAN, KEYS and RANDOMKEY.
//!
//! The `keys` LMDB database is ordered by `db + hash(key) + key`, with a fixed 64-bit hash (see
//! `storage::codec`). That order is SCAN's cursor: a cursor is the hash of the next key to visit,
//! and a call resumes with the first key whose hash is at least the cursor. Inserting or
//! deleting keys never moves another key in that order, so every key present for the whole of
//! a scan is returned, exactly once unless the scan is restarted; the cursor stays valid
//! across transactions, processes and restarts. RANDOMKEY seeks a random hash.

use bytes::Bytes;
use lmdb::{Cursor, Transaction};

use super::glob::glob_match;
use super::rng;
use crate::error::{Error, Result};
use crate::storage::codec;
use crate::storage::meta::Meta;
use crate::txn::ReadTxn;
use crate::types::KeyType;

/// The default COUNT of SCAN, HSCAN, SSCAN and ZSCAN, as in Redis.
const DEFAULT_COUNT: usize = 10;

/// Splits a walk in hash order into the pages of a SCAN-family call (SCAN, HSCAN, SSCAN,
/// ZSCAN): the cursor is the hash of the first entry a call did not visit.
pub(crate) struct ScanPager {
    count: usize,
    visited: usize,
    last_hash: Option<u64>,
    next: u64,
}

impl ScanPager {
    pub(crate) fn new(count: usize) -> ScanPager {
        ScanPager {
            count,
            visited: 0,
            last_hash: None,
            next: 0,
        }
    }

    /// Whether the entry with ordering hash `hash`, met next in the walk, belongs to this page;
    /// false ends the page with `hash` as the next cursor. A page ends once COUNT entries are
    /// visited, but never inside a run of equal hashes, since the cursor could not point between
    /// them; so the next hash is above every hash visited and never 0, which would read as
    /// "done".
    pub(crate) fn admit(&mut self, hash: u64) -> bool {
        if self.visited >= self.count && self.last_hash != Some(hash) {
            self.next = hash;
            return false;
        }
        self.visited += 1;
        self.last_hash = Some(hash);
        true
    }

    /// The cursor to reply with: where the page ended, 0 if the walk ran out first.
    pub(crate) fn cursor(&self) -> u64 {
        self.next
    }
}

/// The options of SCAN: MATCH, COUNT and TYPE.
///
/// ```
/// use keyp::{KeyType, ScanOptions};
///
/// let options = ScanOptions::new().pattern("user:*").count(100).key_type(KeyType::String);
/// assert_eq!(options.count, Some(100));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScanOptions {
    /// MATCH: return only keys matching this glob pattern (Redis's syntax; see
    /// [`ReadTxn::keys`]). Filtering happens after the entries are visited, so a call may
    /// return few or no keys and still have a cursor to continue with.
    pub pattern: Option<Bytes>,
    /// COUNT: about how many entries to visit in this call (default 10). Must be at least 1.
    pub count: Option<usize>,
    /// TYPE: return only keys holding this type.
    pub key_type: Option<KeyType>,
}

impl ScanOptions {
    /// The COUNT and MATCH of an element scan (HSCAN, SSCAN, ZSCAN), checked as Redis checks
    /// them once the key is found: a COUNT of 0, or a TYPE filter (which those commands do not
    /// have), is a syntax error. MATCH `*` filters nothing, which is how Redis still returns an
    /// empty element.
    pub(crate) fn element_scan(&self) -> Result<(usize, Option<&[u8]>)> {
        let count = self.count.unwrap_or(DEFAULT_COUNT);
        if count == 0 || self.key_type.is_some() {
            return Err(Error::Syntax);
        }
        Ok((count, self.pattern.as_deref().filter(|p| *p != b"*")))
    }

    /// No MATCH, COUNT or TYPE.
    pub fn new() -> ScanOptions {
        ScanOptions::default()
    }

    /// Sets MATCH.
    pub fn pattern(mut self, pattern: impl AsRef<[u8]>) -> ScanOptions {
        self.pattern = Some(Bytes::copy_from_slice(pattern.as_ref()));
        self
    }

    /// Sets COUNT.
    pub fn count(mut self, count: usize) -> ScanOptions {
        self.count = Some(count);
        self
    }

    /// Sets TYPE.
    pub fn key_type(mut self, key_type: KeyType) -> ScanOptions {
        self.key_type = Some(key_type);
        self
    }
}

/// A compiled MATCH pattern. Redis skips matching for the pattern `*` (which is also how the
/// empty key, which no pattern but the empty one matches, is still returned).
struct Filter<'p> {
    pattern: Option<&'p [u8]>,
    key_type: Option<KeyType>,
}

impl<'p> Filter<'p> {
    fn new(pattern: Option<&'p [u8]>, key_type: Option<KeyType>) -> Filter<'p> {
        Filter {
            pattern: pattern.filter(|p| *p != b"*"),
            key_type,
        }
    }

    fn accepts(&self, key: &[u8], kind: KeyType) -> bool {
        self.key_type.map_or(true, |wanted| wanted == kind)
            && self
                .pattern
                .map_or(true, |pattern| glob_match(pattern, key))
    }
}

impl ReadTxn<'_> {
    /// SCAN: visits about `options.count` entries (default 10) of the current database from
    /// `cursor` on and returns the next cursor (0 when the scan is complete) and the live keys
    /// visited that pass the MATCH and TYPE filters. Start with cursor 0.
    ///
    /// Guarantees, as in Redis: a key present from the start to the end of a full scan is
    /// returned; a key added or deleted meanwhile may or may not be. Unlike Redis, a key is
    /// never returned twice by one full scan (keyp never rehashes), and the cursor is a 64-bit
    /// hash that stays valid across restarts. Expired keys are never returned. Keys whose
    /// hashes are equal are always returned by the same call, so a call may visit a few more
    /// entries than COUNT.
    ///
    /// The cursor is the hash of the next key to visit; keys are visited in hash order.
    ///
    /// ```
    /// use keyp::{ScanOptions, Store};
    ///
    /// # fn main() -> keyp::Result<()> {
    /// let dir = tempfile::tempdir()?;
    /// let store = Store::open(dir.path())?;
    /// for i in 0..100 {
    ///     store.set(format!("user:{i}"), "x")?;
    /// }
    /// store.set("config", "x")?;
    /// let options = ScanOptions::new().pattern("user:*").count(25);
    /// let mut cursor = 0;
    /// let mut seen = Vec::new();
    /// loop {
    ///     let (next, keys) = store.scan(cursor, &options)?;
    ///     seen.extend(keys);
    ///     if next == 0 {
    ///         break;
    ///     }
    ///     cursor = next;
    /// }
    /// assert_eq!(seen.len(), 100);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Syntax`] for a COUNT of 0 (Redis's reply to COUNT below 1).
    pub fn scan(&self, cursor: u64, options: &ScanOptions) -> Result<(u64, Vec<Bytes>)> {
        let count = options.count.unwrap_or(DEFAULT_COUNT);
        if count == 0 {
            return Err(Error::Syntax);
        }
        let filter = Filter::new(options.pattern.as_deref(), options.key_type);
        let db = self.db;
        let mut found = Vec::new();
        let mut pager = ScanPager::new(count);
        let mut lmdb_cursor = self
            .raw
            .open_ro_cursor(self.core.storage.keys)
            .map_err(|e| self.lmdb_err(e))?;
        for item in lmdb_cursor.iter_from(codec::db_seek_key(db, cursor)) {
            let (encoded, raw) = item.map_err(|e| self.lmdb_err(e))?;
            if encoded.first() != Some(&db) {
                break;
            }
            if !pager.admit(codec::encoded_hash(encoded)) {
                break;
            }
            let meta = Meta::decode(raw)?;
            if self.is_expired(&meta) {
                continue;
            }
            let key = ReadTxn::user_key_of(encoded, &meta).ok_or(Error::Corrupt("key record"))?;
            if filter.accepts(key, meta.kind) {
                found.push(Bytes::copy_from_slice(key));
            }
        }
        Ok((pager.cursor(), found))
    }

    /// KEYS: every live key of the current database matching the glob `pattern`, in storage
    /// (hash) order. O(n) in the number of keys: prefer [`scan`](Self::scan) on big databases.
    ///
    /// The pattern syntax is Redis's: `*` any run of bytes, `?` one byte, `[abc]` one of,
    /// `[^abc]` none of, `[a-z]` a range (reversed ranges work; range ends compare as signed C
    /// chars, so bytes of 0x80 and above sort below 0), `\` escapes the next byte. An
    /// unterminated `[` class ends with the pattern. Only the empty pattern matches the empty
    /// key, except `*`, which returns every key.
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// store.mset(&[("hello", "1"), ("hallo", "2"), ("hxllo", "3"), ("world", "4")])?;
    /// let mut keys = store.keys("h[ae]llo")?;
    /// keys.sort();
    /// assert_eq!(keys, ["hallo", "hello"]);
    /// assert_eq!(store.keys("*")?.len(), 4);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Only storage errors.
    pub fn keys(&self, pattern: impl AsRef<[u8]>) -> Result<Vec<Bytes>> {
        let filter = Filter::new(Some(pattern.as_ref()), None);
        let mut found = Vec::new();
        self.for_each_key(self.db, 0, |_, key, meta| {
            if filter.accepts(key, meta.kind) {
                found.push(Bytes::copy_from_slice(key));
            }
            Ok(true)
        })?;
        Ok(found)
    }

    /// RANDOMKEY: a random live key of the current database, `None` if it has none.
    ///
    /// Seeks a random 64-bit hash and takes the first live key from there, wrapping around to
    /// the database's first key: O(log n) unless many expired keys are still waiting for the
    /// expirer. A key's chance is the share of the hash space between its predecessor and it,
    /// so choices are spread over every key but not exactly uniform.
    ///
    /// # Errors
    /// Only storage errors.
    pub fn randomkey(&self) -> Result<Option<Bytes>> {
        let start = rng::next_u64();
        let mut chosen = None;
        self.for_each_key(self.db, start, |_, key, _| {
            chosen = Some(Bytes::copy_from_slice(key));
            Ok(false)
        })?;
        if chosen.is_none() {
            self.for_each_key(self.db, 0, |hash, key, _| {
                if hash < start {
                    chosen = Some(Bytes::copy_from_slice(key));
                }
                Ok(false)
            })?;
        }
        Ok(chosen)
    }
}

#[cfg(test)]
mod tests {
    use super::ScanOptions;
    use crate::storage::codec::EncodedKey;
    use crate::types::KeyType;
    use crate::Store;

    #[test]
    fn keys_sharing_a_hash_are_returned_by_one_call() -> crate::Result<()> {
        let dir = tempfile::tempdir()?;
        let store = Store::open(dir.path())?;
        // 64-bit hash collisions cannot be found on purpose, so write records under chosen
        // hashes directly: five keys at hash 1000, one before and one after.
        store.transaction(|tx| {
            let mut put = |hash: u64, key: &[u8]| -> crate::Result<()> {
                let mut raw = vec![0u8];
                raw.extend_from_slice(&hash.to_be_bytes());
                raw.extend_from_slice(key);
                let encoded = EncodedKey::from_raw(&raw).ok_or(crate::Error::Syntax)?;
                let header = tx.header(key, KeyType::String, 0, 0);
                tx.put_record(&encoded, &header, b"v")
            };
            put(500, b"z")?;
            for key in [&b"x1"[..], b"x2", b"x3", b"x4", b"x5"] {
                put(1000, key)?;
            }
            put(2000, b"y")
        })?;
        let one = ScanOptions::new().count(1);
        assert_eq!(store.scan(0, &one)?, (1000, vec!["z".into()]));
        let (next, keys) = store.scan(1000, &one)?;
        assert_eq!(next, 2000);
        assert_eq!(keys, ["x1", "x2", "x3", "x4", "x5"]);
        assert_eq!(store.scan(1001, &one)?, (0, vec!["y".into()]));
        assert_eq!(store.scan(2001, &one)?, (0, vec![]));
        Ok(())
    }
}
