//! BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP: immediate service, wake-ups by other threads and
//! transactions, arrival order, timeouts, and Redis's type checks.

use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use keyp::{parse_timeout, Bytes, ListEnd, Result, Store};

use super::{all, error_text, items, open, some, WRONGTYPE};

use ListEnd::{Left, Right};

const FOREVER: Duration = Duration::ZERO;

/// Waits until `count` blocking calls are queued on `key`.
fn wait_blocked(store: &Store, key: &str, count: usize) {
    let give_up = Instant::now() + Duration::from_secs(30);
    while store.blocked_on(key) < count {
        assert!(Instant::now() < give_up, "nobody blocked on {key}");
        thread::sleep(Duration::from_millis(1));
    }
}

fn pair(key: &str, item: &str) -> Option<(Bytes, Bytes)> {
    Some((
        Bytes::copy_from_slice(key.as_bytes()),
        Bytes::copy_from_slice(item.as_bytes()),
    ))
}

/// Starts a BLPOP on `keys` (waiting forever) in another thread.
fn spawn_blpop(
    store: &Store,
    keys: &'static [&'static str],
) -> JoinHandle<Result<Option<(Bytes, Bytes)>>> {
    let store = store.clone();
    thread::spawn(move || store.blpop(keys, FOREVER))
}

fn join<T>(handle: JoinHandle<Result<T>>) -> Result<T> {
    handle.join().expect("blocked thread panicked")
}

#[test]
fn items_already_there_are_served_at_once() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.rpush("b", &["x", "y"])?;
    assert_eq!(store.blpop(&["a", "b"], FOREVER)?, pair("b", "x"));
    assert_eq!(store.brpop(&["a", "b"], FOREVER)?, pair("b", "y"));
    assert_eq!(store.exists(&["b"])?, 0);
    store.rpush("b", &["x", "y", "z"])?;
    assert_eq!(
        store.blmpop(&["a", "b"], Right, 2, FOREVER)?,
        Some((Bytes::from_static(b"b"), items(&["z", "y"])))
    );
    assert_eq!(store.blmove("b", "c", Left, Left, FOREVER)?, some("x"));
    assert_eq!(store.brpoplpush("c", "d", FOREVER)?, some("x"));
    assert_eq!(all(&store, "d")?, items(&["x"]));
    assert_eq!(store.blocked_on("b"), 0);
    // No keys: nothing could ever arrive.
    assert_eq!(store.blpop(&[] as &[&str], FOREVER)?, None);
    Ok(())
}

#[test]
fn a_waiter_forever_is_woken_by_a_push_from_another_thread() -> Result<()> {
    let (_dir, store, _) = open()?;
    let waiter = spawn_blpop(&store, &["k"]);
    wait_blocked(&store, "k", 1);
    store.rpush("k", &["v"])?;
    assert_eq!(join(waiter)?, pair("k", "v"));
    assert_eq!(store.exists(&["k"])?, 0);
    assert_eq!(store.blocked_on("k"), 0);
    Ok(())
}

#[test]
fn a_waiter_is_woken_by_a_push_inside_a_transaction() -> Result<()> {
    let (_dir, store, _) = open()?;
    let waiter = spawn_blpop(&store, &["other", "k"]);
    wait_blocked(&store, "k", 1);
    // A transaction that pushes and pops again leaves nothing: the waiter keeps waiting.
    store.transaction(|tx| {
        tx.rpush("k", &["gone"])?;
        tx.lpop("k")?;
        Ok(())
    })?;
    store.transaction(|tx| {
        tx.set("unrelated", "1")?;
        tx.rpush("k", &["a", "b"])?;
        Ok(())
    })?;
    assert_eq!(join(waiter)?, pair("k", "a"));
    assert_eq!(all(&store, "k")?, items(&["b"]));
    Ok(())
}

#[test]
fn waiters_on_one_key_are_served_in_arrival_order() -> Result<()> {
    let (_dir, store, _) = open()?;
    let first = spawn_blpop(&store, &["k"]);
    wait_blocked(&store, "k", 1);
    let second = spawn_blpop(&store, &["elsewhere", "k"]);
    wait_blocked(&store, "k", 2);
    let third = spawn_blpop(&store, &["k"]);
    wait_blocked(&store, "k", 3);
    // One push of three items serves all three, oldest first.
    store.rpush("k", &["1", "2", "3"])?;
    assert_eq!(join(first)?, pair("k", "1"));
    assert_eq!(join(second)?, pair("k", "2"));
    assert_eq!(join(third)?, pair("k", "3"));
    assert_eq!(store.exists(&["k"])?, 0);

    // One item at a time: each goes to the longest waiter.
    let first = spawn_blpop(&store, &["k"]);
    wait_blocked(&store, "k", 1);
    let second = spawn_blpop(&store, &["k"]);
    wait_blocked(&store, "k", 2);
    store.rpush("k", &["a"])?;
    assert_eq!(join(first)?, pair("k", "a"));
    wait_blocked(&store, "k", 1);
    store.rpush("k", &["b"])?;
    assert_eq!(join(second)?, pair("k", "b"));
    Ok(())
}

#[test]
fn a_timeout_gives_none() -> Result<()> {
    let (_dir, store, _) = open()?;
    let started = Instant::now();
    assert_eq!(store.blpop(&["k"], Duration::from_millis(30))?, None);
    assert!(started.elapsed() >= Duration::from_millis(30));
    assert_eq!(store.brpop(&["k", "j"], Duration::from_millis(1))?, None);
    assert_eq!(
        store.blmpop(&["k"], Left, 3, Duration::from_millis(1))?,
        None
    );
    assert_eq!(
        store.blmove("k", "d", Left, Right, Duration::from_millis(1))?,
        None
    );
    assert_eq!(store.brpoplpush("k", "d", Duration::from_millis(1))?, None);
    assert_eq!(store.exists(&["k", "d"])?, 0);
    assert_eq!(store.blocked_on("k"), 0);
    // Redis rounds a sub-millisecond timeout up: it still times out.
    let tiny = parse_timeout(b"0.0001")?;
    assert_eq!(tiny, Duration::from_millis(1));
    assert_eq!(store.blpop(&["k"], tiny)?, None);
    Ok(())
}

#[test]
fn blmove_brpoplpush_and_blmpop_wake_up_too() -> Result<()> {
    let (_dir, store, _) = open()?;
    let mover = {
        let store = store.clone();
        thread::spawn(move || store.blmove("src", "dst", Right, Left, FOREVER))
    };
    wait_blocked(&store, "src", 1);
    store.rpush("src", &["a", "b"])?;
    assert_eq!(join(mover)?, some("b"));
    assert_eq!(all(&store, "dst")?, items(&["b"]));

    let mover = {
        let store = store.clone();
        thread::spawn(move || store.brpoplpush("empty", "dst", FOREVER))
    };
    wait_blocked(&store, "empty", 1);
    store.lpush("empty", &["c"])?;
    assert_eq!(join(mover)?, some("c"));
    assert_eq!(all(&store, "dst")?, items(&["c", "b"]));

    let popper = {
        let store = store.clone();
        thread::spawn(move || store.blmpop(&["x", "y"], Right, 2, FOREVER))
    };
    wait_blocked(&store, "y", 1);
    store.rpush("y", &["1", "2", "3"])?;
    assert_eq!(
        join(popper)?,
        Some((Bytes::from_static(b"y"), items(&["3", "2"])))
    );
    assert_eq!(all(&store, "y")?, items(&["1"]));
    Ok(())
}

#[test]
fn type_errors_follow_redis() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.set("s", "v")?;
    // The first attempt reports a string met before any list.
    assert_eq!(error_text(store.blpop(&["s", "k"], FOREVER)), WRONGTYPE);
    assert_eq!(error_text(store.brpop(&["k", "s"], FOREVER)), WRONGTYPE);
    assert_eq!(
        error_text(store.blmpop(&["s"], Left, 1, FOREVER)),
        WRONGTYPE
    );
    assert_eq!(
        error_text(store.blmove("s", "d", Left, Left, FOREVER)),
        WRONGTYPE
    );
    store.rpush("k", &["a"])?;
    assert_eq!(store.blpop(&["k", "s"], FOREVER)?, pair("k", "a"));
    store.rpush("k", &["a"])?;
    assert_eq!(error_text(store.brpoplpush("k", "s", FOREVER)), WRONGTYPE);
    assert_eq!(all(&store, "k")?, items(&["a"]));
    // A missing source blocks, whatever the destination holds.
    assert_eq!(
        store.blmove("missing", "s", Left, Left, Duration::from_millis(5))?,
        None
    );
    // Argument errors come before any waiting.
    assert_eq!(
        error_text(store.blmpop(&[] as &[&str], Left, 1, FOREVER)),
        "ERR numkeys should be greater than 0"
    );
    assert_eq!(
        error_text(store.blmpop(&["k"], Left, 0, FOREVER)),
        "ERR count should be greater than 0"
    );
    Ok(())
}

#[test]
fn a_waiter_passes_over_a_key_that_became_another_type() -> Result<()> {
    let (_dir, store, _) = open()?;
    let waiter = spawn_blpop(&store, &["a", "b"]);
    wait_blocked(&store, "b", 1);
    store.set("a", "now a string")?;
    store.rpush("b", &["x"])?;
    assert_eq!(join(waiter)?, pair("b", "x"));
    Ok(())
}

#[test]
fn blmove_fails_when_the_destination_became_another_type() -> Result<()> {
    let (_dir, store, _) = open()?;
    let mover = {
        let store = store.clone();
        thread::spawn(move || store.blmove("src", "dst", Left, Right, FOREVER))
    };
    wait_blocked(&store, "src", 1);
    store.set("dst", "string")?;
    store.rpush("src", &["x"])?;
    assert_eq!(error_text(join(mover)), WRONGTYPE);
    // The item stays where it was.
    assert_eq!(all(&store, "src")?, items(&["x"]));
    Ok(())
}

#[test]
fn waiters_see_only_their_own_database() -> Result<()> {
    let (_dir, store, _) = open()?;
    let db1 = store.select(1)?;
    let waiter = spawn_blpop(&db1, &["k"]);
    wait_blocked(&db1, "k", 1);
    assert_eq!(store.blocked_on("k"), 0);
    store.rpush("k", &["db0"])?;
    db1.rpush("k", &["db1"])?;
    assert_eq!(join(waiter)?, pair("k", "db1"));
    assert_eq!(all(&store, "k")?, items(&["db0"]));
    Ok(())
}
