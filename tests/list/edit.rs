//! LREM, LINSERT, LPOS.

use keyp::{Error, InsertPosition, LposOptions, Result};

use super::{all, error_text, items, open};

#[test]
fn lrem_by_count_and_direction() -> Result<()> {
    let (_dir, store, _) = open()?;
    assert_eq!(store.lrem("l", 0, "a")?, 0);
    store.rpush("l", &["a", "b", "a", "c", "a", "d", "a"])?;
    assert_eq!(store.lrem("l", 2, "a")?, 2);
    assert_eq!(all(&store, "l")?, items(&["b", "c", "a", "d", "a"]));
    assert_eq!(store.lrem("l", -1, "a")?, 1);
    assert_eq!(all(&store, "l")?, items(&["b", "c", "a", "d"]));
    assert_eq!(store.lrem("l", 0, "a")?, 1);
    assert_eq!(all(&store, "l")?, items(&["b", "c", "d"]));
    assert_eq!(store.lrem("l", 0, "zz")?, 0);
    assert_eq!(store.lrem("l", 5, "b")?, 1);
    assert_eq!(store.lrem("l", -5, "d")?, 1);
    assert_eq!(store.lrem("l", 0, "c")?, 1);
    assert_eq!(store.exists(&["l"])?, 0);

    store.rpush("l", &["x", "x", "y", "x", "x"])?;
    assert_eq!(store.lrem("l", -3, "x")?, 3);
    assert_eq!(all(&store, "l")?, items(&["x", "y"]));
    assert_eq!(store.lrem("l", i64::MIN, "x")?, 1);
    assert_eq!(all(&store, "l")?, items(&["y"]));
    // Removing every item drops the key.
    store.rpush("l", &["y", "y"])?;
    assert_eq!(store.lrem("l", 0, "y")?, 3);
    assert_eq!(store.exists(&["l"])?, 0);
    Ok(())
}

#[test]
fn lrem_in_the_middle_of_a_long_list_keeps_every_other_item() -> Result<()> {
    let (_dir, store, _) = open()?;
    let values: Vec<String> = (0..50).map(|i| (i % 7).to_string()).collect();
    store.rpush("l", &values)?;
    let mut model = values.clone();
    for (count, item) in [(3i64, "3"), (-2, "5"), (0, "0"), (1, "6"), (-100, "1")] {
        let mut removed = 0;
        let limit = if count == 0 {
            usize::MAX
        } else {
            count.unsigned_abs() as usize
        };
        let positions: Vec<usize> = if count >= 0 {
            (0..model.len())
                .filter(|&i| model[i] == item)
                .take(limit)
                .collect()
        } else {
            (0..model.len())
                .rev()
                .filter(|&i| model[i] == item)
                .take(limit)
                .collect()
        };
        let mut sorted = positions.clone();
        sorted.sort_unstable();
        for i in sorted.into_iter().rev() {
            model.remove(i);
            removed += 1;
        }
        assert_eq!(store.lrem("l", count, item)?, removed);
        let expected: Vec<&str> = model.iter().map(String::as_str).collect();
        assert_eq!(all(&store, "l")?, items(&expected));
    }
    // Both ends still work after the renumbering.
    store.lpush("l", &["head"])?;
    store.rpush("l", &["tail"])?;
    assert_eq!(store.lindex("l", 0)?.as_deref(), Some(&b"head"[..]));
    assert_eq!(store.lindex("l", -1)?.as_deref(), Some(&b"tail"[..]));
    assert_eq!(store.llen("l")?, model.len() as u64 + 2);
    Ok(())
}

#[test]
fn linsert_before_and_after_the_first_pivot() -> Result<()> {
    let (_dir, store, _) = open()?;
    assert_eq!(store.linsert("l", InsertPosition::Before, "a", "x")?, 0);
    assert_eq!(store.exists(&["l"])?, 0);
    store.rpush("l", &["a", "b", "c", "b", "a"])?;
    assert_eq!(store.linsert("l", InsertPosition::Before, "b", "X")?, 6);
    assert_eq!(store.linsert("l", InsertPosition::After, "a", "Y")?, 7);
    assert_eq!(store.linsert("l", InsertPosition::After, "a", "Y")?, 8);
    assert_eq!(
        all(&store, "l")?,
        items(&["a", "Y", "Y", "X", "b", "c", "b", "a"])
    );
    assert_eq!(store.linsert("l", InsertPosition::Before, "zz", "Q")?, -1);
    assert_eq!(store.linsert("l", InsertPosition::Before, "a", "")?, 9);
    assert_eq!(store.linsert("l", InsertPosition::After, "c", "C")?, 10);
    assert_eq!(
        all(&store, "l")?,
        items(&["", "a", "Y", "Y", "X", "b", "c", "C", "b", "a"])
    );
    // At the tail end.
    store.rpush("t", &["1", "2", "3"])?;
    assert_eq!(store.linsert("t", InsertPosition::After, "3", "4")?, 4);
    assert_eq!(store.linsert("t", InsertPosition::Before, "3", "2.5")?, 5);
    assert_eq!(all(&store, "t")?, items(&["1", "2", "2.5", "3", "4"]));
    assert_eq!(store.lpop("t")?.as_deref(), Some(&b"1"[..]));
    assert_eq!(store.rpop("t")?.as_deref(), Some(&b"4"[..]));
    Ok(())
}

#[test]
fn lpos_rank_count_and_maxlen() -> Result<()> {
    let (_dir, store, _) = open()?;
    let opts = |rank: i64, maxlen: u64| LposOptions { rank, maxlen };
    let first = LposOptions::default();
    assert_eq!(store.lpos("l", "a", first)?, None);
    assert_eq!(store.lpos_count("l", "a", 1, first)?, Vec::<u64>::new());
    store.rpush("l", &["a", "b", "c", "a", "b", "c", "a"])?;
    assert_eq!(store.lpos("l", "a", first)?, Some(0));
    assert_eq!(store.lpos("l", "a", opts(2, 0))?, Some(3));
    assert_eq!(store.lpos("l", "a", opts(-1, 0))?, Some(6));
    assert_eq!(store.lpos("l", "a", opts(5, 0))?, None);
    assert_eq!(store.lpos("l", "z", first)?, None);
    assert_eq!(store.lpos_count("l", "a", 0, opts(-2, 0))?, vec![3, 0]);
    assert_eq!(store.lpos_count("l", "a", 0, first)?, vec![0, 3, 6]);
    assert_eq!(store.lpos_count("l", "a", 2, opts(2, 0))?, vec![3, 6]);
    assert_eq!(store.lpos_count("l", "a", 1, opts(2, 0))?, vec![3]);
    assert_eq!(store.lpos_count("l", "a", 0, opts(3, 0))?, vec![6]);
    assert_eq!(store.lpos_count("l", "a", 0, opts(-3, 0))?, vec![0]);
    assert_eq!(
        store.lpos_count("l", "a", 0, opts(5, 0))?,
        Vec::<u64>::new()
    );
    assert_eq!(store.lpos_count("l", "z", 0, first)?, Vec::<u64>::new());
    assert_eq!(
        store.lpos_count("l", "a", i64::MAX as u64, first)?,
        vec![0, 3, 6]
    );
    // MAXLEN limits the items compared.
    assert_eq!(store.lpos_count("l", "a", 0, opts(1, 3))?, vec![0]);
    assert_eq!(store.lpos_count("l", "a", 0, opts(-1, 2))?, vec![6]);
    assert_eq!(store.lpos("l", "a", opts(-1, 1))?, Some(6));
    assert_eq!(store.lpos("l", "b", opts(1, 1))?, None);
    assert_eq!(store.lpos_count("l", "a", 1, opts(1, 0))?, vec![0]);
    // Redis 7.0's quirk: RANK i64::MIN searches from the tail and ignores COUNT.
    assert_eq!(store.lpos("l", "a", opts(i64::MIN, 0))?, Some(6));
    assert_eq!(
        store.lpos_count("l", "a", 1, opts(i64::MIN, 0))?,
        vec![6, 3, 0]
    );
    assert_eq!(store.lpos("l", "a", opts(-i64::MAX, 0))?, None);
    assert_eq!(store.lpos("l", "a", opts(i64::MAX, 0))?, None);
    // RANK 0 is an error, before the key is looked at.
    let rank_zero = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the \
                     second ... or use negative to start from the end of the list";
    assert_eq!(error_text(store.lpos("l", "a", opts(0, 0))), rank_zero);
    assert_eq!(
        error_text(store.lpos_count("missing", "a", 0, opts(0, 0))),
        rank_zero
    );
    store.set("s", "v")?;
    assert!(matches!(
        store.lpos("s", "a", opts(0, 0)),
        Err(Error::RankZero)
    ));
    Ok(())
}

#[test]
fn lpos_options_parse_from_wire_arguments() -> Result<()> {
    let (options, count) = LposOptions::parse(&["RANK", "-1", "COUNT", "2", "MAXLEN", "10"])?;
    assert_eq!(
        (options, count),
        (
            LposOptions {
                rank: -1,
                maxlen: 10
            },
            Some(2)
        )
    );
    assert_eq!(
        error_text(LposOptions::parse(&["COUNT", "-1"])),
        "ERR COUNT can't be negative"
    );
    assert_eq!(
        error_text(LposOptions::parse(&["MAXLEN", "-1"])),
        "ERR MAXLEN can't be negative"
    );
    assert_eq!(error_text(LposOptions::parse(&["FOO"])), "ERR syntax error");
    Ok(())
}
