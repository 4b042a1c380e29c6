//! LINDEX, LSET, LRANGE, LTRIM; snapshot reads while a writer changes the list.

use keyp::{Error, Result};

use super::{all, error_text, items, open, some};

#[test]
fn lindex_counts_from_both_ends() -> Result<()> {
    let (_dir, store, _) = open()?;
    assert_eq!(store.lindex("l", 0)?, None);
    store.rpush("l", &["a", "b", "c"])?;
    assert_eq!(store.lindex("l", 0)?, some("a"));
    assert_eq!(store.lindex("l", 2)?, some("c"));
    assert_eq!(store.lindex("l", 3)?, None);
    assert_eq!(store.lindex("l", -1)?, some("c"));
    assert_eq!(store.lindex("l", -3)?, some("a"));
    assert_eq!(store.lindex("l", -4)?, None);
    assert_eq!(store.lindex("l", i64::MAX)?, None);
    assert_eq!(store.lindex("l", i64::MIN)?, None);
    Ok(())
}

#[test]
fn lset_replaces_in_place() -> Result<()> {
    let (_dir, store, _) = open()?;
    assert_eq!(error_text(store.lset("l", 0, "x")), "ERR no such key");
    assert!(matches!(store.lset("l", 0, "x"), Err(Error::NoSuchKey)));
    assert_eq!(store.exists(&["l"])?, 0);
    store.rpush("l", &["a", "b", "c"])?;
    store.lset("l", 0, "first")?;
    store.lset("l", -1, "last")?;
    store.lset("l", 1, "")?;
    assert_eq!(all(&store, "l")?, items(&["first", "", "last"]));
    for index in [3, -4, i64::MAX, i64::MIN] {
        assert_eq!(
            error_text(store.lset("l", index, "x")),
            "ERR index out of range"
        );
    }
    assert_eq!(all(&store, "l")?, items(&["first", "", "last"]));
    Ok(())
}

#[test]
fn lrange_clamps_like_redis() -> Result<()> {
    let (_dir, store, _) = open()?;
    assert!(store.lrange("l", 0, -1)?.is_empty());
    store.rpush("l", &["a", "b", "c", "d", "e"])?;
    assert_eq!(store.lrange("l", 0, 0)?, items(&["a"]));
    assert_eq!(store.lrange("l", 1, 3)?, items(&["b", "c", "d"]));
    assert_eq!(store.lrange("l", -2, -1)?, items(&["d", "e"]));
    assert_eq!(store.lrange("l", -100, 1)?, items(&["a", "b"]));
    assert_eq!(store.lrange("l", 3, 100)?, items(&["d", "e"]));
    assert_eq!(
        store.lrange("l", i64::MIN, i64::MAX)?,
        items(&["a", "b", "c", "d", "e"])
    );
    assert!(store.lrange("l", 3, 2)?.is_empty());
    assert!(store.lrange("l", 5, 10)?.is_empty());
    assert!(store.lrange("l", 0, -6)?.is_empty());
    assert!(store.lrange("l", -1, -2)?.is_empty());
    Ok(())
}

#[test]
fn ltrim_keeps_a_range_and_deletes_an_emptied_list() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.ltrim("missing", 0, 1)?;
    assert_eq!(store.exists(&["missing"])?, 0);
    store.rpush("l", &["1", "2", "3", "4", "5", "6", "7", "8", "9"])?;
    store.ltrim("l", 2, -3)?;
    assert_eq!(all(&store, "l")?, items(&["3", "4", "5", "6", "7"]));
    store.ltrim("l", -100, 100)?;
    assert_eq!(all(&store, "l")?, items(&["3", "4", "5", "6", "7"]));
    store.ltrim("l", 0, 0)?;
    assert_eq!(all(&store, "l")?, items(&["3"]));
    // The trimmed list keeps working at both ends.
    store.lpush("l", &["2"])?;
    store.rpush("l", &["4"])?;
    assert_eq!(all(&store, "l")?, items(&["2", "3", "4"]));
    store.ltrim("l", -1, -1)?;
    assert_eq!(all(&store, "l")?, items(&["4"]));
    // An empty range removes the list.
    store.ltrim("l", 1, 0)?;
    assert_eq!(store.exists(&["l"])?, 0);
    store.rpush("l", &["a", "b"])?;
    store.ltrim("l", 5, 10)?;
    assert_eq!(store.exists(&["l"])?, 0);
    store.rpush("l", &["a", "b"])?;
    store.ltrim("l", 0, -3)?;
    assert_eq!(store.exists(&["l"])?, 0);
    Ok(())
}

#[test]
fn a_snapshot_keeps_its_view_while_a_writer_changes_the_list() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.rpush("l", &["a", "b", "c"])?;
    let writer = store.clone();
    let (before, after_in_snapshot) = store.read(|r| {
        let before = r.lrange("l", 0, -1)?;
        // Another thread rewrites the list while this snapshot is open.
        std::thread::scope(|scope| {
            scope
                .spawn(|| -> Result<()> {
                    writer.lpop("l")?;
                    writer.rpush("l", &["d", "e"])?;
                    writer.lset("l", 0, "B")?;
                    writer.linsert("l", keyp::InsertPosition::Before, "c", "x")?;
                    Ok(())
                })
                .join()
                .map_err(|_| Error::Syntax)?
        })?;
        Ok((
            before,
            (r.lrange("l", 0, -1)?, r.llen("l")?, r.lindex("l", 0)?),
        ))
    })?;
    assert_eq!(before, items(&["a", "b", "c"]));
    assert_eq!(after_in_snapshot, (items(&["a", "b", "c"]), 3, some("a")));
    assert_eq!(all(&store, "l")?, items(&["B", "x", "c", "d", "e"]));
    // Even a deleted list stays whole in an older snapshot.
    store.read(|r| {
        store.del(&["l"])?;
        assert_eq!(r.llen("l")?, 5);
        assert_eq!(r.lrange("l", 0, -1)?, items(&["B", "x", "c", "d", "e"]));
        Ok(())
    })?;
    assert_eq!(store.exists(&["l"])?, 0);
    Ok(())
}
