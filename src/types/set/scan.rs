//! SSCAN: walking a set a few members at a time.
//!
//! Members are stored in the order of their 64-bit hash, and SSCAN's cursor is the hash of the
//! next member to visit, exactly as SCAN's cursor is over keys: adding or removing members
//! never moves another member, so a member present for the whole scan is returned exactly
//! once, and a cursor stays valid across transactions and restarts.

use bytes::Bytes;

use super::store_ops;
#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;
use crate::keyspace::glob::glob_match;
use crate::keyspace::{ScanOptions, ScanPager};
use crate::txn::ReadTxn;

impl ReadTxn<'_> {
    /// SSCAN: visits about `options.count` members (default 10) of the set at `key` from
    /// `cursor` on; returns the next cursor (0 when the scan is complete) and the members
    /// visited that match `options.pattern` (Redis's glob syntax, see
    /// [`keys`](ReadTxn::keys)). Start with cursor 0. A missing key gives `(0, [])`.
    ///
    /// Members are visited in ascending order of their 64-bit hash, and the cursor is the hash
    /// of the next one: a member present for the whole scan is returned exactly once, and the
    /// cursor stays valid across writes and restarts. Members sharing a hash are returned by
    /// the same call, so a call may visit a few more than COUNT. Unlike Redis, which returns
    /// a small ("intset") set whole in one call, keyp honours COUNT for every set.
    ///
    /// ```
    /// use keyp::ScanOptions;
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// let members: Vec<String> = (0..50).map(|i| format!("m{i}")).collect();
    /// store.sadd("big", &members)?;
    /// let options = ScanOptions::new().pattern("m1*").count(7);
    /// let (mut cursor, mut found) = (0, Vec::new());
    /// loop {
    ///     let (next, batch) = store.sscan("big", cursor, &options)?;
    ///     found.extend(batch);
    ///     cursor = next;
    ///     if cursor == 0 {
    ///         break;
    ///     }
    /// }
    /// assert_eq!(found.len(), 11); // m1, m10..m19
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::WrongType`] if `key` holds another type; then, as Redis checks the options only
    /// for an existing set, [`Error::Syntax`] for a COUNT of 0 or a TYPE filter (SSCAN has no
    /// TYPE option).
    pub fn sscan(
        &self,
        key: impl AsRef<[u8]>,
        cursor: u64,
        options: &ScanOptions,
    ) -> Result<(u64, Vec<Bytes>)> {
        let Some(set) = self.set(key.as_ref())? else {
            return Ok((0, Vec::new()));
        };
        let (count, pattern) = options.element_scan()?;
        let mut found = Vec::new();
        let mut pager = ScanPager::new(count);
        self.walk(
            set.key_id,
            crate::storage::element::ElementKind::SetMember,
            crate::types::collection::Walk::Forward(cursor.to_be_bytes()),
            |entry| {
                if !pager.admit(u64::from_be_bytes(entry.order)) {
                    return Ok(false);
                }
                if pattern.map_or(true, |p| glob_match(p, entry.element)) {
                    found.push(Bytes::copy_from_slice(entry.element));
                }
                Ok(true)
            },
        )?;
        Ok((pager.cursor(), found))
    }
}

store_ops! {
    /// SSCAN; see [`ReadTxn::sscan`].
    read fn sscan(key: impl AsRef<[u8]>, cursor: u64, options: &ScanOptions) -> (u64, Vec<Bytes>);
}
