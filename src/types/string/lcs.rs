//! LCS: the longest common subsequence of two strings, its length, or the matching ranges.
//!
//! The classic dynamic programming table, as Redis computes it, walked back from its end to
//! rebuild the subsequence and its runs of contiguous matches; so ranges come out in the order
//! Redis reports them (last match first), and ties resolve as in Redis.

use std::ops::RangeInclusive;

use bytes::Bytes;

use super::MAX_STRING_LEN;
use crate::error::{Error, Result};
use crate::storage::meta::Meta;
use crate::store::store_ops;
use crate::txn::ReadTxn;
use crate::types::KeyType;

/// One run of contiguous matching bytes in the result of [`ReadTxn::lcs_idx`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LcsMatch {
    /// The byte positions of the run in the first string (both ends inclusive, as Redis
    /// reports them).
    pub a: RangeInclusive<u64>,
    /// The byte positions of the run in the second string (both ends inclusive).
    pub b: RangeInclusive<u64>,
    /// The run's length in bytes (what Redis's WITHMATCHLEN adds).
    pub len: u64,
}

/// The result of LCS ... IDX: the runs making up the longest common subsequence, and its length.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LcsIdx {
    /// The runs of at least the requested length, from the end of the strings backwards (the
    /// order Redis reports them in).
    pub matches: Vec<LcsMatch>,
    /// The length of the whole longest common subsequence (whatever the minimum run length).
    pub len: u64,
}

/// The LCS table: `(a.len() + 1) * (b.len() + 1)` cells, cell `(i, j)` holding the LCS length of
/// `a[..i]` and `b[..j]`.
struct Table<'a> {
    a: &'a [u8],
    b: &'a [u8],
    cells: Vec<u32>,
}

impl<'a> Table<'a> {
    /// Builds the table, refusing (as Redis does) one whose memory would exceed the 512 MB
    /// proto-max-bulk-len.
    fn build(a: &'a [u8], b: &'a [u8]) -> Result<Table<'a>> {
        let width = b.len() + 1;
        let count = check_table_size(a.len(), b.len())?;
        let mut cells = Vec::new();
        cells
            .try_reserve_exact(count)
            .map_err(|_| Error::LcsAllocFailed)?;
        cells.resize(count, 0u32);
        for (i, &byte_a) in a.iter().enumerate() {
            // Row i + 1 is computed from row i.
            let (done, rest) = cells.split_at_mut((i + 1) * width);
            let previous = done.get(i * width..).unwrap_or_default();
            let Some(row) = rest.get_mut(..width) else {
                break;
            };
            for (j, &byte_b) in b.iter().enumerate() {
                let value = if byte_a == byte_b {
                    previous.get(j).map_or(0, |v| v + 1)
                } else {
                    let up = previous.get(j + 1).copied().unwrap_or(0);
                    let left = row.get(j).copied().unwrap_or(0);
                    up.max(left)
                };
                if let Some(cell) = row.get_mut(j + 1) {
                    *cell = value;
                }
            }
        }
        Ok(Table { a, b, cells })
    }

    fn cell(&self, i: usize, j: usize) -> u32 {
        let width = self.b.len() + 1;
        self.cells.get(i * width + j).copied().unwrap_or(0)
    }

    /// Walks back from the table's end: the subsequence, and the runs of at least
    /// `min_match_len` bytes (all of them for 0) if `matches` is given.
    fn walk(&self, min_match_len: u64, mut matches: Option<&mut Vec<LcsMatch>>) -> Vec<u8> {
        let (a, b) = (self.a, self.b);
        let total = self.cell(a.len(), b.len()) as usize;
        let mut sequence = vec![0u8; total];
        let mut filled = total;
        // The run being extended backwards: (start in a, end in a, start in b, end in b).
        let mut run: Option<(usize, usize, usize, usize)> = None;
        let (mut i, mut j) = (a.len(), b.len());
        while i > 0 && j > 0 {
            let byte_a = a.get(i - 1).copied();
            let emit = if byte_a.is_some() && byte_a == b.get(j - 1).copied() {
                filled -= 1;
                if let (Some(slot), Some(byte)) = (sequence.get_mut(filled), byte_a) {
                    *slot = byte;
                }
                // A run in progress always ends at (i, j): the step before was the diagonal
                // match just after this one, so the run simply grows backwards.
                let (a_start, _, b_start, _) = run.get_or_insert((i, i - 1, j, j - 1));
                *a_start = i - 1;
                *b_start = j - 1;
                i -= 1;
                j -= 1;
                // Reaching the first byte of either string ends the walk: emit now.
                i == 0 || j == 0
            } else {
                if self.cell(i - 1, j) > self.cell(i, j - 1) {
                    i -= 1;
                } else {
                    j -= 1;
                }
                run.is_some()
            };
            if !emit {
                continue;
            }
            if let (Some((a_start, a_end, b_start, b_end)), Some(out)) =
                (run.take(), matches.as_mut())
            {
                let len = (a_end - a_start + 1) as u64;
                if len >= min_match_len {
                    out.push(LcsMatch {
                        a: a_start as u64..=a_end as u64,
                        b: b_start as u64..=b_end as u64,
                        len,
                    });
                }
            }
        }
        sequence
    }
}

/// The number of table cells for strings of `a_len` and `b_len` bytes, or Redis's error when
/// the table would take more than proto-max-bulk-len (512 MB) of memory.
fn check_table_size(a_len: usize, b_len: usize) -> Result<usize> {
    let count = (a_len as u128 + 1) * (b_len as u128 + 1);
    if count * 4 > MAX_STRING_LEN as u128 {
        return Err(Error::LcsTooLarge);
    }
    Ok(count as usize)
}

/// The length of the LCS, with two rows of the table instead of all of it (after the same size
/// check as the full table, so the same inputs are refused as in Redis).
fn lcs_length(a: &[u8], b: &[u8]) -> Result<u64> {
    check_table_size(a.len(), b.len())?;
    let mut previous = vec![0u32; b.len() + 1];
    let mut row = vec![0u32; b.len() + 1];
    for &byte_a in a {
        for (j, &byte_b) in b.iter().enumerate() {
            let value = if byte_a == byte_b {
                previous.get(j).map_or(0, |v| v + 1)
            } else {
                let up = previous.get(j + 1).copied().unwrap_or(0);
                let left = row.get(j).copied().unwrap_or(0);
                up.max(left)
            };
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = value;
            }
        }
        std::mem::swap(&mut previous, &mut row);
    }
    Ok(u64::from(previous.last().copied().unwrap_or(0)))
}

/// The body of a string record, empty for a missing key, [`Error::LcsNotString`] otherwise.
fn string_or_empty(meta: Option<Meta<'_>>) -> Result<&[u8]> {
    match meta {
        None => Ok(&[]),
        Some(meta) if meta.kind == KeyType::String => Ok(meta.body),
        Some(_) => Err(Error::LcsNotString),
    }
}

impl ReadTxn<'_> {
    /// The two strings LCS compares: missing keys are empty strings.
    fn lcs_inputs(&self, key_a: &[u8], key_b: &[u8]) -> Result<(&[u8], &[u8])> {
        // Redis looks both keys up before complaining, with one error for either.
        let a = string_or_empty(self.lookup(key_a)?);
        let b = string_or_empty(self.lookup(key_b)?);
        Ok((a?, b?))
    }

    /// LCS: the longest common subsequence of the strings at `key_a` and `key_b` (missing keys
    /// are empty strings). Among equally long ones, the one Redis returns.
    ///
    /// Time and memory are proportional to the product of the two lengths.
    ///
    /// # Errors
    /// [`Error::LcsNotString`] if either key holds another type; [`Error::LcsTooLarge`] when the
    /// table would exceed 512 MB (the product of the lengths above about 134 million);
    /// [`Error::LcsAllocFailed`] if its memory cannot be had.
    pub fn lcs(&self, key_a: impl AsRef<[u8]>, key_b: impl AsRef<[u8]>) -> Result<Bytes> {
        let (a, b) = self.lcs_inputs(key_a.as_ref(), key_b.as_ref())?;
        let table = Table::build(a, b)?;
        Ok(Bytes::from(table.walk(0, None)))
    }

    /// LCS ... LEN: the length of the longest common subsequence.
    ///
    /// # Errors
    /// As [`lcs`](Self::lcs).
    pub fn lcs_len(&self, key_a: impl AsRef<[u8]>, key_b: impl AsRef<[u8]>) -> Result<u64> {
        let (a, b) = self.lcs_inputs(key_a.as_ref(), key_b.as_ref())?;
        lcs_length(a, b)
    }

    /// LCS ... IDX MINMATCHLEN `min_match_len`: the runs of contiguous matches making up the
    /// longest common subsequence, keeping those at least `min_match_len` long (0 keeps all),
    /// from the end of the strings backwards as Redis reports them, and the subsequence's length.
    ///
    /// # Errors
    /// As [`lcs`](Self::lcs).
    pub fn lcs_idx(
        &self,
        key_a: impl AsRef<[u8]>,
        key_b: impl AsRef<[u8]>,
        min_match_len: u64,
    ) -> Result<LcsIdx> {
        let (a, b) = self.lcs_inputs(key_a.as_ref(), key_b.as_ref())?;
        let table = Table::build(a, b)?;
        let mut matches = Vec::new();
        let sequence = table.walk(min_match_len, Some(&mut matches));
        Ok(LcsIdx {
            matches,
            len: sequence.len() as u64,
        })
    }
}

store_ops! {
    /// LCS; see [`ReadTxn::lcs`].
    ///
    /// ```
    /// # fn main() -> keyp::Result<()> {
    /// # let dir = tempfile::tempdir()?;
    /// # let store = keyp::Store::open(dir.path())?;
    /// store.mset(&[("key1", "ohmytext"), ("key2", "mynewtext")])?;
    /// assert_eq!(store.lcs("key1", "key2")?, "mytext");
    /// assert_eq!(store.lcs_len("key1", "key2")?, 6);
    /// let idx = store.lcs_idx("key1", "key2", 4)?;
    /// assert_eq!(idx.len, 6);
    /// assert_eq!(idx.matches.len(), 1);
    /// assert_eq!((idx.matches[0].a.clone(), idx.matches[0].b.clone()), (4..=7, 5..=8));
    /// # Ok(()) }
    /// ```
    read fn lcs(key_a: impl AsRef<[u8]>, key_b: impl AsRef<[u8]>) -> Bytes;
    /// LCS ... LEN; see [`ReadTxn::lcs_len`].
    read fn lcs_len(key_a: impl AsRef<[u8]>, key_b: impl AsRef<[u8]>) -> u64;
    /// LCS ... IDX; see [`ReadTxn::lcs_idx`].
    read fn lcs_idx(key_a: impl AsRef<[u8]>, key_b: impl AsRef<[u8]>, min_match_len: u64) -> LcsIdx;
}
