//! The index of hashes with field deadlines and the background expirer's pass over it (the
//! design is in the parent module's docs).
//!
//! ```text
//! elements  0 + HashFieldExpiry + earliest_deadline_ms + key_id:u64  →  encoded key
//! ```

use super::{HashState, HashWrite};
use crate::error::{Error, Result};
use crate::storage::codec::EncodedKey;
use crate::storage::element::{ElementKey, ElementKind};
use crate::storage::meta::Meta;
use crate::store::Core;
use crate::txn::{ReadTxn, WriteTxn};
use crate::types::collection::Walk;
use crate::types::KeyType;

/// The key id of the global index of hashes with field deadlines. Collections get ids from 1
/// (`Storage::allocate_key_id`), so 0 never names one.
const GLOBAL_INDEX: u64 = 0;
/// The global index entry of hash `key_id` registered at `at_ms`.
fn marker_key(at_ms: u64, key_id: u64) -> ElementKey {
    ElementKey::with_order(
        GLOBAL_INDEX,
        ElementKind::HashFieldExpiry,
        at_ms.to_be_bytes(),
        &key_id.to_be_bytes(),
    )
}

/// Moves the hash's global index entry to `earliest` (0 = no entry), recording it in the state.
pub(super) fn register(tx: &mut WriteTxn<'_>, hash: &mut HashWrite, earliest: u64) -> Result<()> {
    let key_id = hash.coll.key_id;
    if hash.state.marker_at_ms == earliest {
        return Ok(());
    }
    if hash.state.marker_at_ms != 0 {
        tx.del_element(&marker_key(hash.state.marker_at_ms, key_id))?;
    }
    if earliest != 0 {
        let id = key_id.to_be_bytes();
        tx.put_element(
            &marker_key(earliest, key_id),
            &id,
            hash.coll.encoded.as_bytes(),
        )?;
    }
    hash.state.marker_at_ms = earliest;
    Ok(())
}

/// After a hash record was written at `encoded` (RENAME, MOVE, SWAPDB; COPY with the copy's
/// new key id in `body`): points its global index entry there.
pub(crate) fn relocated(tx: &mut WriteTxn<'_>, encoded: &EncodedKey, body: &[u8]) -> Result<()> {
    let key_id = super::read_u64(body, 0).ok_or(Error::Corrupt("collection header"))?;
    let state = HashState::decode(body.get(16..).unwrap_or_default())?;
    if state.marker_at_ms != 0 {
        let id = key_id.to_be_bytes();
        tx.put_element(
            &marker_key(state.marker_at_ms, key_id),
            &id,
            encoded.as_bytes(),
        )?;
    }
    Ok(())
}

/// Before the hash record at `encoded` is deleted: drops its global index entry. A record that
/// does not decode is left to the expirer, which drops entries that match nothing.
pub(crate) fn forget_marker(tx: &mut WriteTxn<'_>, encoded: &EncodedKey, key: &[u8]) -> Result<()> {
    let marker = match tx.meta_any(encoded, key)? {
        Some(meta) if meta.kind == KeyType::Hash => meta
            .collection()
            .ok()
            .and_then(|(key_id, _, state)| Some((key_id, HashState::decode(state).ok()?)))
            .map(|(key_id, state)| (key_id, state.marker_at_ms)),
        _ => None,
    };
    if let Some((key_id, at)) = marker.filter(|(_, at)| *at != 0) {
        tx.del_element(&marker_key(at, key_id))?;
    }
    Ok(())
}

/// One pass of the background field expirer: handles due entries of the global index, purging
/// at most about `limit` fields; the work done (entries visited plus fields purged), so the
/// caller runs another pass when it reaches `limit`. Looks with a read snapshot first, so an
/// idle store takes no write lock.
pub(crate) fn expire_fields_batch(core: &Core, limit: usize) -> Result<usize> {
    let now = core.now_ms();
    let due = core.read(0, |r| {
        let mut due = false;
        r.walk(
            GLOBAL_INDEX,
            ElementKind::HashFieldExpiry,
            Walk::Forward([0; 8]),
            |entry| {
                due = u64::from_be_bytes(entry.order) < now;
                Ok(false)
            },
        )?;
        Ok(due)
    })?;
    if !due {
        return Ok(0);
    }
    core.write(0, |tx| {
        let now = tx.now_ms();
        let mut entries: Vec<(u64, u64, Vec<u8>)> = Vec::new();
        tx.walk(
            GLOBAL_INDEX,
            ElementKind::HashFieldExpiry,
            Walk::Forward([0; 8]),
            |entry| {
                let at = u64::from_be_bytes(entry.order);
                if at >= now || entries.len() >= limit {
                    return Ok(false);
                }
                let key_id =
                    super::read_u64(entry.element, 0).ok_or(Error::Corrupt("hash index entry"))?;
                entries.push((at, key_id, entry.payload.to_vec()));
                Ok(true)
            },
        )?;
        let mut work = 0;
        for (at, key_id, encoded) in &entries {
            if work >= limit {
                break;
            }
            work += 1 + expire_one_hash(tx, *at, *key_id, encoded, limit - work)?;
        }
        Ok(work)
    })
}

/// Purges up to `budget` expired fields of the hash behind one due index entry, or just drops
/// the entry if it no longer matches a hash; the number of fields purged.
fn expire_one_hash(
    tx: &mut WriteTxn<'_>,
    at: u64,
    key_id: u64,
    encoded: &[u8],
    budget: usize,
) -> Result<usize> {
    // The entry goes first; the hash registers again under its next deadline when it is
    // written back.
    tx.del_element(&marker_key(at, key_id))?;
    let target = EncodedKey::from_raw(encoded).and_then(|encoded| {
        let raw = tx.record(encoded.as_bytes()).ok()??;
        let meta = Meta::decode(raw).ok()?;
        let (id, _, state) = meta.collection().ok()?;
        let matches = meta.kind == KeyType::Hash
            && id == key_id
            && HashState::decode(state).ok()?.marker_at_ms == at;
        let key = ReadTxn::user_key_of(encoded.as_bytes(), &meta)?.to_vec();
        matches.then_some((encoded, key))
    });
    let Some((encoded, key)) = target else {
        return Ok(0);
    };
    let home = tx.db();
    let purged = tx
        .select(u32::from(encoded.db()))
        .and_then(|()| tx.expire_hash_fields(&key, key_id, budget));
    tx.select(u32::from(home))?;
    purged
}

impl WriteTxn<'_> {
    fn expire_hash_fields(&mut self, key: &[u8], key_id: u64, budget: usize) -> Result<usize> {
        // Opening deletes a key past its own deadline, or a hash whose fields have all expired.
        let Some(coll) = self.open_collection(key, KeyType::Hash)? else {
            return Ok(0);
        };
        if coll.key_id != key_id {
            return Ok(0);
        }
        let mut hash = HashWrite::new(coll)?;
        let purged = self.purge_expired_fields(&mut hash, budget)?;
        // Its index entry is already gone: register it again under its earliest deadline.
        hash.state.marker_at_ms = 0;
        hash.changed = true;
        self.close_hash(key, hash)?;
        Ok(purged)
    }
}

impl crate::Store {
    /// The number of hashes registered in the index of field deadlines, including ones whose
    /// fields the background expirer has not yet purged. For tests of the expirer; not part of
    /// the stable API.
    ///
    /// # Errors
    /// Only storage errors.
    #[doc(hidden)]
    pub fn pending_field_expiries(&self) -> Result<u64> {
        self.read(|r| {
            let mut count = 0;
            r.walk(
                GLOBAL_INDEX,
                ElementKind::HashFieldExpiry,
                Walk::Forward([0; 8]),
                |_| {
                    count += 1;
                    Ok(true)
                },
            )?;
            Ok(count)
        })
    }
}
