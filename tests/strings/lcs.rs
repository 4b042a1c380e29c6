//! LCS: the subsequence, its length, and the matching ranges in Redis's order.

use keyp::{LcsIdx, LcsMatch, Result};

use super::{error_text, open};

fn run(a: u64, a_end: u64, b: u64, b_end: u64) -> LcsMatch {
    LcsMatch {
        a: a..=a_end,
        b: b..=b_end,
        len: a_end - a + 1,
    }
}

#[test]
fn redis_documentation_example() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.mset(&[("key1", "ohmytext"), ("key2", "mynewtext")])?;
    assert_eq!(store.lcs("key1", "key2")?, "mytext");
    assert_eq!(store.lcs_len("key1", "key2")?, 6);
    let all = LcsIdx {
        matches: vec![run(4, 7, 5, 8), run(2, 3, 0, 1)],
        len: 6,
    };
    assert_eq!(store.lcs_idx("key1", "key2", 0)?, all);
    assert_eq!(store.lcs_idx("key1", "key2", 1)?, all);
    assert_eq!(store.lcs_idx("key1", "key2", 2)?, all);
    let long_only = LcsIdx {
        matches: vec![run(4, 7, 5, 8)],
        len: 6,
    };
    assert_eq!(store.lcs_idx("key1", "key2", 4)?, long_only);
    let none = LcsIdx {
        matches: vec![],
        len: 6,
    };
    assert_eq!(store.lcs_idx("key1", "key2", 5)?, none);
    assert_eq!(store.lcs_idx("key1", "key2", u64::MAX)?, none);
    Ok(())
}

#[test]
fn ties_and_orders_match_redis() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.mset(&[
        ("a1", "abcabc"),
        ("b1", "cbacba"),
        ("a2", "aaaa"),
        ("b2", "aa"),
        ("a3", "xaybzc"),
        ("b3", "abc"),
    ])?;
    assert_eq!(store.lcs("a1", "b1")?, "cbc");
    assert_eq!(
        store.lcs_idx("a1", "b1", 0)?,
        LcsIdx {
            matches: vec![run(5, 5, 3, 3), run(4, 4, 1, 1), run(2, 2, 0, 0)],
            len: 3,
        }
    );
    assert_eq!(store.lcs("a2", "b2")?, "aa");
    assert_eq!(
        store.lcs_idx("a2", "b2", 0)?,
        LcsIdx {
            matches: vec![run(2, 3, 0, 1)],
            len: 2,
        }
    );
    assert_eq!(store.lcs("a3", "b3")?, "abc");
    assert_eq!(
        store.lcs_idx("a3", "b3", 0)?,
        LcsIdx {
            matches: vec![run(5, 5, 2, 2), run(3, 3, 1, 1), run(1, 1, 0, 0)],
            len: 3,
        }
    );
    // Swapping the keys swaps the ranges' roles.
    assert_eq!(store.lcs("b3", "a3")?, "abc");
    assert_eq!(store.lcs_len("b3", "a3")?, 3);
    Ok(())
}

#[test]
fn missing_keys_are_empty_strings() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.set("k", "abc")?;
    assert_eq!(store.lcs("k", "missing")?, "");
    assert_eq!(store.lcs("missing", "k")?, "");
    assert_eq!(store.lcs_len("k", "missing")?, 0);
    assert_eq!(store.lcs_idx("missing", "other", 0)?, LcsIdx::default());
    assert_eq!(store.lcs("k", "k")?, "abc");
    assert_eq!(
        store.lcs_idx("k", "k", 0)?,
        LcsIdx {
            matches: vec![run(0, 2, 0, 2)],
            len: 3,
        }
    );
    Ok(())
}

#[test]
fn binary_strings() -> Result<()> {
    let (_dir, store, _) = open()?;
    let a: Vec<u8> = (0..=255u8).collect();
    let b: Vec<u8> = (0..=255u8).rev().chain(0..=255u8).step_by(2).collect();
    store.mset(&[("a", &a), ("b", &b)])?;
    let common = store.lcs("a", "b")?;
    assert_eq!(common.len() as u64, store.lcs_len("a", "b")?);
    // Of the equally long candidates (0 or 1 then the even bytes), Redis picks 1.
    let expected: Vec<u8> = std::iter::once(1).chain((2..=254u8).step_by(2)).collect();
    assert_eq!(&common[..], &expected[..]);
    let idx = store.lcs_idx("a", "b", 0)?;
    assert_eq!(idx.len, 128);
    assert_eq!(idx.matches.len(), 128);
    assert_eq!(idx.matches[0], run(254, 254, 255, 255));
    assert_eq!(idx.matches[1], run(252, 252, 254, 254));
    assert_eq!(idx.matches[126], run(2, 2, 129, 129));
    assert_eq!(idx.matches[127], run(1, 1, 127, 127));
    Ok(())
}

#[test]
fn tables_over_512_mb_are_refused() -> Result<()> {
    let (_dir, store, _) = open()?;
    // (11585 + 1)^2 cells of 4 bytes is just over 512 MB, as redis-server refuses.
    store.mset(&[("a", vec![b'a'; 11_585]), ("b", vec![b'a'; 11_585])])?;
    let text = "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
    assert_eq!(error_text(store.lcs("a", "b")), text);
    assert_eq!(error_text(store.lcs_len("a", "b")), text);
    assert_eq!(error_text(store.lcs_idx("a", "b", 0)), text);
    Ok(())
}
