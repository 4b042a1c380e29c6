//! OBJECT ENCODING, OBJECT REFCOUNT, OBJECT IDLETIME and OBJECT FREQ: what Redis reports about
//! the object behind a key, derived from keyp's metadata record.

use crate::error::{Error, Result};
use crate::storage::meta::Meta;
use crate::txn::ReadTxn;
use crate::types::collection::CollectionView;
use crate::types::string::{parse_i64, string_encoding};
use crate::types::KeyType;

/// Redis shares one object for each small integer 0..10000 (`OBJ_SHARED_INTEGERS`) between
/// every key holding it; OBJECT REFCOUNT reports such objects as `INT_MAX`.
const SHARED_INTEGERS: i64 = 10_000;
/// The reference count Redis reports for a shared object.
const SHARED_REFCOUNT: u64 = i32::MAX as u64;
/// OBJECT ENCODING of a stored value.
fn encoding_of(meta: &Meta<'_>) -> Result<&'static str> {
    if meta.kind == KeyType::String {
        return Ok(string_encoding(meta.body, meta.flags));
    }
    let (key_id, count, state) = meta.collection()?;
    let view = CollectionView {
        key_id,
        count,
        state,
    };
    Ok(match meta.kind {
        KeyType::List => crate::types::list::encoding(&view),
        KeyType::Hash => crate::types::hash::encoding(&view),
        KeyType::ZSet => crate::types::zset::encoding(&view),
        KeyType::Set => crate::types::set::encoding(&view),
        KeyType::Stream => crate::types::stream::encoding(&view),
        // Returned above.
        KeyType::String => "raw",
    })
}

impl ReadTxn<'_> {
    /// OBJECT ENCODING: the internal representation Redis would use for the value at `key`
    /// ("int", "embstr" or "raw" for strings), `None` if there is no such key.
    ///
    /// # Errors
    /// Only storage errors.
    pub fn object_encoding(&self, key: impl AsRef<[u8]>) -> Result<Option<&'static str>> {
        self.lookup(key.as_ref())?
            .map(|meta| encoding_of(&meta))
            .transpose()
    }

    /// OBJECT REFCOUNT: 1 for an existing key, `None` if there is none; as in Redis, 2147483647
    /// for a string whose encoding is "int" and whose value is in 0..10000, which Redis holds in
    /// a shared object.
    ///
    /// One difference remains: Redis gives a COPY of such a small integer an unshared object
    /// (refcount 1); keyp does not record how a value was made and still reports 2147483647.
    ///
    /// # Errors
    /// Only storage errors.
    pub fn object_refcount(&self, key: impl AsRef<[u8]>) -> Result<Option<u64>> {
        let Some(meta) = self.lookup(key.as_ref())? else {
            return Ok(None);
        };
        let shared = encoding_of(&meta)? == "int"
            && parse_i64(meta.body).is_some_and(|v| (0..SHARED_INTEGERS).contains(&v));
        Ok(Some(if shared { SHARED_REFCOUNT } else { 1 }))
    }

    /// OBJECT IDLETIME: seconds since the value at `key` was last written, `None` if there is
    /// no such key.
    ///
    /// Redis counts from the last access, reads included; keyp records only writes (a read
    /// never writes to disk), so reads and [`touch`](Self::touch) do not reset it. RENAME,
    /// MOVE and COPY count as writes of the key they create; SWAPDB does not.
    ///
    /// # Errors
    /// Only storage errors.
    pub fn object_idletime(&self, key: impl AsRef<[u8]>) -> Result<Option<u64>> {
        let now_s = self.now_ms() / 1000;
        Ok(self
            .lookup(key.as_ref())?
            .map(|meta| now_s.saturating_sub(u64::from(meta.modified_s))))
    }

    /// OBJECT FREQ: Redis reports an access frequency only under an LFU `maxmemory-policy`,
    /// which keyp does not have: `None` if there is no such key, otherwise the error Redis
    /// gives without LFU.
    ///
    /// # Errors
    /// [`Error::LfuNotSelected`] when the key exists.
    pub fn object_freq(&self, key: impl AsRef<[u8]>) -> Result<Option<u64>> {
        match self.lookup(key.as_ref())? {
            Some(_) => Err(Error::LfuNotSelected),
            None => Ok(None),
        }
    }
}
