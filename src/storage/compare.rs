//! The key order of keyp's named databases, computed without `memcmp`.
//!
//! LMDB compares the keys of a database with `mdb_cmp_memn` unless told otherwise: `memcmp`
//! over the shorter length, then the shorter key first. Every descent of the B-tree makes about
//! seven such comparisons per page, and most of keyp's keys share their first bytes (a
//! database byte, or a key id and an element kind), so under write-heavy loads `memcmp` and the
//! call into it were 15-20% of the commit thread's time. [`compare`] gives exactly the same
//! order eight bytes at a time, inline; [`install`] makes LMDB use it. Because the order is the
//! same, a process that opens the environment without it (an older keyp, `mdb_dump`, `mdb_stat`)
//! sees the same database, which LMDB's rule that every user of a database use the same
//! comparison asks for.

use std::cmp::Ordering;

use lmdb::{Database, Environment, Transaction};
use lmdb_sys::MDB_val;

use crate::error::{Error, Result};

/// The order of `mdb_cmp_memn`: bytes compared as unsigned numbers, and a key before every
/// longer key it begins.
pub(crate) fn compare(a: &[u8], b: &[u8]) -> Ordering {
    let (mut x, mut y) = (a, b);
    while let (Some((xh, xt)), Some((yh, yt))) =
        (x.split_first_chunk::<8>(), y.split_first_chunk::<8>())
    {
        let (xv, yv) = (u64::from_be_bytes(*xh), u64::from_be_bytes(*yh));
        if xv != yv {
            return xv.cmp(&yv);
        }
        (x, y) = (xt, yt);
    }
    for (xb, yb) in x.iter().zip(y) {
        if xb != yb {
            return xb.cmp(yb);
        }
    }
    x.len().cmp(&y.len())
}

/// The bytes an `MDB_val` describes.
///
/// # Safety
/// `val` points at a valid `MDB_val` whose `mv_data` addresses `mv_size` readable bytes that
/// outlive the returned slice.
unsafe fn bytes<'a>(val: *const MDB_val) -> &'a [u8] {
    // SAFETY: the caller's promise: `val` is valid for reads.
    let val = unsafe { &*val };
    if val.mv_size == 0 || val.mv_data.is_null() {
        return &[];
    }
    // SAFETY: the caller's promise: `mv_size` readable bytes at `mv_data`, not null here.
    unsafe { std::slice::from_raw_parts(val.mv_data.cast::<u8>(), val.mv_size) }
}

/// [`compare`] as LMDB calls it: negative, zero or positive as `a` sorts before, with or after
/// `b`.
unsafe extern "C" fn compare_vals(a: *const MDB_val, b: *const MDB_val) -> std::ffi::c_int {
    // SAFETY: LMDB calls a comparison with two valid values whose data it holds (a key on a
    // page of the map, or the caller's search key) for the length of the call.
    let (a, b) = unsafe { (bytes(a), bytes(b)) };
    match compare(a, b) {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }
}

/// Makes LMDB compare the keys of `databases` with [`compare`]. LMDB keeps a database's
/// comparison in the environment, so once is enough for every later transaction; it must
/// happen before any of them reads or writes those databases.
pub(crate) fn install(env: &Environment, databases: &[Database], map_size: usize) -> Result<()> {
    let txn = env
        .begin_ro_txn()
        .map_err(|e| Error::from_lmdb(e, map_size))?;
    for db in databases {
        // SAFETY: `txn` is a live transaction of `env`, in which `db` (opened in `env`) is
        // valid; `compare_vals` never unwinds and gives the order LMDB's default gives, so the
        // data already stored stays in order.
        let rc = unsafe { lmdb_sys::mdb_set_compare(txn.txn(), db.dbi(), Some(compare_vals)) };
        if rc != 0 {
            return Err(Error::from_lmdb(lmdb::Error::from_err_code(rc), map_size));
        }
    }
    txn.commit().map_err(|e| Error::from_lmdb(e, map_size))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `mdb_cmp_memn`'s order, as LMDB computes it.
    fn lmdb_order(a: &[u8], b: &[u8]) -> Ordering {
        let n = a.len().min(b.len());
        a[..n].cmp(&b[..n]).then(a.len().cmp(&b.len()))
    }

    #[test]
    fn prefixes_sort_first_and_bytes_are_unsigned() {
        assert_eq!(compare(b"", b""), Ordering::Equal);
        assert_eq!(compare(b"", b"a"), Ordering::Less);
        assert_eq!(compare(b"abcdefgh", b"abcdefghi"), Ordering::Less);
        assert_eq!(compare(b"abcdefghi", b"abcdefgh"), Ordering::Greater);
        assert_eq!(compare(&[0x80], &[0x7f]), Ordering::Greater);
        assert_eq!(compare(&[1; 17], &[1; 17]), Ordering::Equal);
        let mut late = [7u8; 20];
        late[19] = 8;
        assert_eq!(compare(&[7; 20], &late), Ordering::Less);
        late[3] = 6;
        assert_eq!(compare(&[7; 20], &late), Ordering::Greater);
    }

    proptest! {
        /// Pairs that share a random prefix, so that the difference falls anywhere.
        #[test]
        fn matches_lmdb_order(
            common in proptest::collection::vec(any::<u8>(), 0..40),
            a in proptest::collection::vec(any::<u8>(), 0..20),
            b in proptest::collection::vec(any::<u8>(), 0..20),
        ) {
            let a = [&common[..], &a[..]].concat();
            let b = [&common[..], &b[..]].concat();
            prop_assert_eq!(compare(&a, &b), lmdb_order(&a, &b));
            prop_assert_eq!(compare(&b, &a), lmdb_order(&b, &a));
        }
    }
}
