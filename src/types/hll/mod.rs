//! HyperLogLog: PFADD, PFCOUNT and PFMERGE.
//!
//! A HyperLogLog is a string holding Redis's own format (`format.rs`, `sparse.rs`): TYPE says
//! "string", GET returns the exact bytes Redis would hold, and bytes taken from Redis with GET
//! and written here with SET count the same. Every change rewrites the string in place,
//! keeping its deadline, and marks it "raw" for OBJECT ENCODING as Redis does.
//!
//! One difference from Redis: a command that fails half-way (a corrupt value found after some
//! elements were added) changes nothing here, where Redis keeps the part it did.

mod format;
mod sparse;
#[cfg(test)]
mod tests;

#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;
use crate::storage::codec::EncodedKey;
use crate::storage::meta::RAW;
use crate::store::store_ops;
use crate::txn::{KeyInfo, ReadTxn, WriteTxn};
use crate::types::string::string_encoding;
use crate::types::KeyType;
use crate::Store;

use format::{Encoding, REGISTERS};

/// Raises register `index` of the HyperLogLog `hll` to `count` if it is lower; true if it
/// changed. A sparse value may turn dense.
fn raise(hll: &mut Vec<u8>, index: usize, count: u8) -> Result<bool> {
    match format::encoding(hll)? {
        Encoding::Dense => Ok(format::dense_raise(
            hll.get_mut(format::HEADER_LEN..).unwrap_or_default(),
            index,
            count,
        )),
        Encoding::Sparse => sparse::set(hll, index, count),
    }
}

/// Adds `element` to the HyperLogLog `hll`; true if a register changed.
fn add(hll: &mut Vec<u8>, element: &[u8]) -> Result<bool> {
    let (index, count) = format::pattern(element);
    raise(hll, index, count)
}

/// The cardinality of one valid HyperLogLog computed from its registers (ignoring the cache).
fn count_registers(value: &[u8], encoding: Encoding) -> Result<u64> {
    Ok(format::estimate(&format::histogram(value, encoding)?))
}

/// True when Redis would copy the value into a fresh "raw" string before using it
/// (`dbUnshareStringValue`): PFADD and single-key PFCOUNT do, even when they change nothing,
/// so OBJECT ENCODING turns from "embstr" to "raw".
fn needs_unshare(body: &[u8], flags: u8) -> bool {
    string_encoding(body, flags) != "raw"
}

impl ReadTxn<'_> {
    /// The HyperLogLog at `key`: `None` if missing; its bytes and encoding if it is one.
    fn hll_value(&self, key: &[u8]) -> Result<Option<(&[u8], Encoding)>> {
        let Some(value) = self.string_bytes(key)? else {
            return Ok(None);
        };
        Ok(Some((value, format::encoding(value)?)))
    }

    /// PFCOUNT: the estimated number of distinct elements added to the HyperLogLog at `key`
    /// when `keys` is one key (0 if missing), or in the union of the HyperLogLogs at `keys`
    /// when there are several (missing keys count as empty; none gives 0).
    ///
    /// For one key, a valid cached cardinality is returned as is; otherwise the registers are
    /// counted. A read transaction cannot store the refreshed cache back as Redis does:
    /// [`WriteTxn::pfcount`] and [`Store::pfcount`] do. The union is counted in a temporary
    /// and never written.
    ///
    /// The result is the 64-bit pattern of Redis's reply, which Redis sends as a signed
    /// integer: only crafted registers give a value of 2^63 or more (Redis replies
    /// -9223372036854775808 for them).
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// store.pfadd("visitors:mon", &["ann", "bob", "cy"])?;
    /// store.pfadd("visitors:tue", &["bob", "dee"])?;
    /// let (mon, both) = store.read(|r| {
    ///     Ok((r.pfcount(&["visitors:mon"])?, r.pfcount(&["visitors:mon", "visitors:tue"])?))
    /// })?;
    /// assert_eq!((mon, both), (3, 4));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::WrongType`] if a key holds another type; [`Error::NotHyperLogLog`] if a
    /// string is not a HyperLogLog; [`Error::CorruptHyperLogLog`] if its registers are
    /// damaged. Keys are checked in order; the first failure is reported.
    pub fn pfcount(&self, keys: &[impl AsRef<[u8]>]) -> Result<u64> {
        if let [key] = keys {
            return match self.hll_value(key.as_ref())? {
                None => Ok(0),
                Some((value, encoding)) => match format::cached_count(value) {
                    Some(count) => Ok(count),
                    None => count_registers(value, encoding),
                },
            };
        }
        let mut max = vec![0u8; REGISTERS];
        for key in keys {
            if let Some((value, encoding)) = self.hll_value(key.as_ref())? {
                format::merge_into(&mut max, value, encoding)?;
            }
        }
        Ok(format::estimate(&format::byte_histogram(&max)))
    }

    /// Single-key PFCOUNT when it needs no write: `Some(count)` for a missing key or a valid
    /// cache on a "raw" value, `None` when Redis would rewrite the value.
    fn pfcount_unwritten(&self, key: &[u8]) -> Result<Option<u64>> {
        let Some(meta) = self.lookup_typed(key, KeyType::String)? else {
            return Ok(Some(0));
        };
        format::encoding(meta.body)?;
        if needs_unshare(meta.body, meta.flags) {
            return Ok(None);
        }
        Ok(format::cached_count(meta.body))
    }
}

impl WriteTxn<'_> {
    /// Rewrites a live string's record with the "raw" flag, same bytes and deadline, without
    /// signalling a change (Redis's unsharing is invisible to WATCH).
    fn unshare(
        &mut self,
        encoded: &EncodedKey,
        key: &[u8],
        info: &KeyInfo,
        body: &[u8],
    ) -> Result<()> {
        let header = self.header(key, KeyType::String, info.flags | RAW, info.expire_at_ms);
        self.put_record(encoded, &header, body)
    }

    /// Stores a changed HyperLogLog back under `key`, keeping the deadline.
    fn store_hll(
        &mut self,
        encoded: &EncodedKey,
        key: &[u8],
        old: Option<&KeyInfo>,
        value: &[u8],
    ) -> Result<()> {
        let deadline = old.map_or(0, |info| info.expire_at_ms);
        self.write_string(encoded, key, old, value, deadline, RAW)
    }

    /// The bytes of the live string found at `encoded` (empty if gone).
    fn hll_body(&self, encoded: &EncodedKey, key: &[u8]) -> Result<Vec<u8>> {
        Ok(self
            .meta_any(encoded, key)?
            .map(|meta| meta.body.to_vec())
            .unwrap_or_default())
    }

    /// True if the live string at `encoded` is a dense HyperLogLog none of whose registers
    /// `elements` would raise: PFADD's common case, answered without copying the value.
    fn dense_raises_nothing(
        &self,
        encoded: &EncodedKey,
        key: &[u8],
        elements: &[impl AsRef<[u8]>],
    ) -> Result<bool> {
        let Some(meta) = self.meta_any(encoded, key)? else {
            return Ok(false);
        };
        if !matches!(format::encoding(meta.body), Ok(Encoding::Dense)) {
            return Ok(false);
        }
        let registers = format::registers(meta.body);
        Ok(elements.iter().all(|element| {
            let (index, count) = format::pattern(element.as_ref());
            count <= format::dense_get(registers, index)
        }))
    }

    /// PFADD: adds `elements` to the HyperLogLog at `key`, creating an empty one first if the
    /// key is missing. True if a register changed, or if the key was created (even with no
    /// elements), as Redis replies 1; a change marks the cached cardinality stale.
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// assert!(store.pfadd("hll", &["a", "b", "c"])?);
    /// assert!(!store.pfadd("hll", &["a", "b"])?); // nothing new
    /// assert_eq!(store.pfcount(&["hll"])?, 3);
    /// // It is a string, in Redis's own format.
    /// assert!(store.get("hll")?.unwrap().starts_with(b"HYLL"));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::WrongType`] if the key holds another type; [`Error::NotHyperLogLog`] if it
    /// holds a string that is not a HyperLogLog; [`Error::CorruptHyperLogLog`] if its sparse
    /// registers are damaged where an element lands. On error nothing is changed.
    pub fn pfadd(&mut self, key: impl AsRef<[u8]>, elements: &[impl AsRef<[u8]>]) -> Result<bool> {
        let key = key.as_ref();
        let (encoded, old) = self.find_string(key)?;
        if old.is_some() && self.dense_raises_nothing(&encoded, key, elements)? {
            // A dense value is never unshared (it is too long for "embstr").
            return Ok(false);
        }
        let (mut value, mut updated) = match &old {
            None => (format::empty(), true),
            Some(_) => {
                let body = self.hll_body(&encoded, key)?;
                format::encoding(&body)?;
                (body, false)
            }
        };
        for element in elements {
            updated |= add(&mut value, element.as_ref())?;
        }
        match old {
            _ if updated => {
                format::invalidate_cache(&mut value);
                self.store_hll(&encoded, key, old.as_ref(), &value)?;
            }
            Some(info) if needs_unshare(&value, info.flags) => {
                self.unshare(&encoded, key, &info, &value)?;
            }
            _ => {}
        }
        Ok(updated)
    }

    /// PFCOUNT, as [`ReadTxn::pfcount`], storing the refreshed cache as Redis does: for one
    /// key whose cached cardinality is stale, the count is written back into the value (GET
    /// then shows it; WATCH sees a change). The union of several keys writes nothing.
    ///
    /// # Errors
    /// As [`ReadTxn::pfcount`].
    pub fn pfcount(&mut self, keys: &[impl AsRef<[u8]>]) -> Result<u64> {
        let [key] = keys else {
            return ReadTxn::pfcount(self, keys);
        };
        let key = key.as_ref();
        let Some((encoded, info)) = self.find_typed(key, KeyType::String)? else {
            return Ok(0);
        };
        let mut value = self.hll_body(&encoded, key)?;
        let encoding = format::encoding(&value)?;
        if let Some(count) = format::cached_count(&value) {
            if needs_unshare(&value, info.flags) {
                self.unshare(&encoded, key, &info, &value)?;
            }
            return Ok(count);
        }
        let count = count_registers(&value, encoding)?;
        format::set_cached_count(&mut value, count);
        self.store_hll(&encoded, key, Some(&info), &value)?;
        Ok(count)
    }

    /// PFMERGE: merges the HyperLogLogs at `sources` into the one at `dest` (created empty if
    /// missing; its own registers are part of the union), keeping `dest`'s deadline. Missing
    /// sources count as empty.
    ///
    /// As in Redis 7.0, `dest` ends dense if any input (itself included) is dense; otherwise
    /// the merged registers are written into its sparse form one by one, which turns it dense
    /// only when the sparse form outgrows its limit. Its cached cardinality is marked stale.
    ///
    /// # Errors
    /// [`Error::WrongType`] if `dest` or a source holds another type;
    /// [`Error::NotHyperLogLog`] if one is a string that is not a HyperLogLog;
    /// [`Error::CorruptHyperLogLog`] if one's registers are damaged. Keys are checked in
    /// order, `dest` first; on error nothing is changed.
    pub fn pfmerge(&mut self, dest: impl AsRef<[u8]>, sources: &[impl AsRef<[u8]>]) -> Result<()> {
        let dest = dest.as_ref();
        let mut max = vec![0u8; REGISTERS];
        let mut dense = false;
        let inputs = std::iter::once(dest).chain(sources.iter().map(AsRef::as_ref));
        for key in inputs {
            if let Some((value, encoding)) = self.hll_value(key)? {
                dense |= encoding == Encoding::Dense;
                format::merge_into(&mut max, value, encoding)?;
            }
        }
        let (encoded, old) = self.find_string(dest)?;
        let mut value = match old {
            None => format::empty(),
            Some(_) => self.hll_body(&encoded, dest)?,
        };
        if dense {
            value = format::to_dense(&value)?;
        }
        for (index, &register) in max.iter().enumerate() {
            if register != 0 {
                raise(&mut value, index, register)?;
            }
        }
        format::invalidate_cache(&mut value);
        self.store_hll(&encoded, dest, old.as_ref(), &value)
    }
}

impl Store {
    /// PFCOUNT; see [`ReadTxn::pfcount`]. One key is counted in a read transaction when its
    /// cached cardinality is valid; when it is stale, a write transaction counts it and
    /// stores the refreshed cache, as Redis does ([`WriteTxn::pfcount`]). Several keys are
    /// always counted in a read transaction.
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// let elements: Vec<String> = (0..1000).map(|i| format!("user:{i}")).collect();
    /// store.pfadd("users", &elements)?;
    /// store.pfadd("admins", &["user:1", "root"])?;
    /// assert_eq!(store.pfcount(&["users"])?, 1007); // Redis 7.0 says 1007 too
    /// assert_eq!(store.pfcount(&["users", "admins"])?, 1008);
    /// assert_eq!(store.pfcount(&["nobody"])?, 0);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`ReadTxn::pfcount`].
    pub fn pfcount(&self, keys: &[impl AsRef<[u8]>]) -> Result<u64> {
        if let [key] = keys {
            if let Some(count) = self.read(|r| r.pfcount_unwritten(key.as_ref()))? {
                return Ok(count);
            }
            return self.transaction(|tx| tx.pfcount(keys));
        }
        self.read(|r| r.pfcount(keys))
    }
}

store_ops! {
    /// PFADD; see [`WriteTxn::pfadd`].
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// assert!(store.pfadd("pages", &["/", "/about", "/"])?);
    /// assert!(!store.pfadd("pages", &["/about"])?);
    /// assert_eq!(store.pfcount(&["pages"])?, 2);
    /// # Ok(()) }
    /// ```
    write fn pfadd(key: impl AsRef<[u8]>, elements: &[impl AsRef<[u8]>]) -> bool;
    /// PFMERGE; see [`WriteTxn::pfmerge`].
    write fn pfmerge(dest: impl AsRef<[u8]>, sources: &[impl AsRef<[u8]>]) -> ();
}
