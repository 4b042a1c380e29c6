//! LMOVE, RPOPLPUSH, LMPOP.

use keyp::{Bytes, ListEnd, LmpopArgs, Result};

use super::{all, error_text, items, open, some, WRONGTYPE};

use ListEnd::{Left, Right};

#[test]
fn lmove_rotates_a_list_onto_itself() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.rpush("l", &["a", "b", "c"])?;
    assert_eq!(store.lmove("l", "l", Left, Right)?, some("a"));
    assert_eq!(all(&store, "l")?, items(&["b", "c", "a"]));
    assert_eq!(store.lmove("l", "l", Right, Left)?, some("a"));
    assert_eq!(all(&store, "l")?, items(&["a", "b", "c"]));
    assert_eq!(store.lmove("l", "l", Left, Left)?, some("a"));
    assert_eq!(store.lmove("l", "l", Right, Right)?, some("c"));
    assert_eq!(all(&store, "l")?, items(&["a", "b", "c"]));
    // A one-item list rotated onto itself stays.
    store.rpush("one", &["x"])?;
    assert_eq!(store.lmove("one", "one", Left, Right)?, some("x"));
    assert_eq!(all(&store, "one")?, items(&["x"]));
    Ok(())
}

#[test]
fn lmove_between_lists_in_all_directions() -> Result<()> {
    let (_dir, store, _) = open()?;
    assert_eq!(store.lmove("missing", "d", Left, Right)?, None);
    assert_eq!(store.exists(&["d"])?, 0);
    store.rpush("l", &["a", "b", "c"])?;
    assert_eq!(store.lmove("l", "d", Right, Left)?, some("c"));
    assert_eq!(store.lmove("l", "d", Left, Right)?, some("a"));
    assert_eq!(store.lmove("l", "d", Left, Left)?, some("b"));
    assert_eq!(store.lmove("l", "d", Right, Right)?, None);
    assert_eq!(all(&store, "d")?, items(&["b", "c", "a"]));
    assert_eq!(store.exists(&["l"])?, 0);
    Ok(())
}

#[test]
fn lmove_checks_the_destination_type_before_popping() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.set("s", "v")?;
    store.rpush("l", &["a"])?;
    assert_eq!(error_text(store.lmove("l", "s", Left, Right)), WRONGTYPE);
    assert_eq!(error_text(store.rpoplpush("l", "s")), WRONGTYPE);
    assert_eq!(all(&store, "l")?, items(&["a"]));
    assert_eq!(error_text(store.lmove("s", "l", Left, Right)), WRONGTYPE);
    assert_eq!(error_text(store.lmove("s", "s", Left, Right)), WRONGTYPE);
    // A missing source is not an error, whatever the destination holds.
    assert_eq!(store.lmove("missing", "s", Left, Right)?, None);
    assert_eq!(store.rpoplpush("missing", "s")?, None);
    Ok(())
}

#[test]
fn rpoplpush_moves_tail_to_head() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.rpush("l", &["a", "b", "c"])?;
    assert_eq!(store.rpoplpush("l", "r")?, some("c"));
    assert_eq!(store.rpoplpush("l", "r")?, some("b"));
    assert_eq!(all(&store, "r")?, items(&["b", "c"]));
    assert_eq!(store.rpoplpush("r", "r")?, some("c"));
    assert_eq!(all(&store, "r")?, items(&["c", "b"]));
    assert_eq!(store.rpoplpush("l", "r")?, some("a"));
    assert_eq!(store.rpoplpush("l", "r")?, None);
    assert_eq!(store.exists(&["l"])?, 0);
    assert_eq!(all(&store, "r")?, items(&["a", "c", "b"]));
    Ok(())
}

fn popped(key: &str, values: &[&str]) -> Option<(Bytes, Vec<Bytes>)> {
    Some((Bytes::copy_from_slice(key.as_bytes()), items(values)))
}

#[test]
fn lmpop_pops_from_the_first_list() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.rpush("m", &["1", "2"])?;
    store.rpush("l", &["a", "b", "c"])?;
    assert_eq!(
        store.lmpop(&["nokey", "m", "l"], Left, 10)?,
        popped("m", &["1", "2"])
    );
    assert_eq!(store.exists(&["m"])?, 0);
    assert_eq!(store.lmpop(&["l", "m"], Right, 1)?, popped("l", &["c"]));
    assert_eq!(store.lmpop(&["nokey", "m"], Left, 1)?, None);
    assert_eq!(store.lmpop(&["l"], Right, 2)?, popped("l", &["b", "a"]));
    assert_eq!(store.exists(&["l"])?, 0);
    // Errors: no keys, count 0, a string before the first list.
    assert_eq!(
        error_text(store.lmpop(&[] as &[&str], Left, 1)),
        "ERR numkeys should be greater than 0"
    );
    assert_eq!(
        error_text(store.lmpop(&["l"], Left, 0)),
        "ERR count should be greater than 0"
    );
    store.set("s", "v")?;
    store.rpush("l", &["a"])?;
    assert_eq!(error_text(store.lmpop(&["s", "l"], Left, 1)), WRONGTYPE);
    assert_eq!(store.lmpop(&["l", "s"], Left, 1)?, popped("l", &["a"]));
    Ok(())
}

#[test]
fn lmpop_arguments_parse_from_the_wire() -> Result<()> {
    let args = LmpopArgs::parse(&["2", "a", "b", "RIGHT", "count", "3"])?;
    assert_eq!(args.keys, vec![&b"a"[..], b"b"]);
    assert_eq!((args.end, args.count), (Right, 3));
    assert_eq!(
        error_text(LmpopArgs::parse(&["0", "a", "LEFT"])),
        "ERR numkeys should be greater than 0"
    );
    assert_eq!(
        error_text(LmpopArgs::parse(&["2", "a", "LEFT"])),
        "ERR syntax error"
    );
    assert_eq!(
        error_text(LmpopArgs::parse(&["1", "a", "LEFT", "COUNT", "0"])),
        "ERR count should be greater than 0"
    );
    assert_eq!(error_text(ListEnd::parse(b"up")), "ERR syntax error");
    Ok(())
}
