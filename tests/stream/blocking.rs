//! XREAD BLOCK and XREADGROUP BLOCK.

use std::thread;
use std::time::Duration;

use keyp::{GroupReadId, GroupStartId, Result, Store, XGroupCreateOptions, XReadId};

use super::*;

fn wait_until_blocked(store: &Store, key: &str, n: usize) {
    while store.blocked_on(key) < n {
        thread::yield_now();
    }
}

#[test]
fn xread_block_is_woken_by_another_thread() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    fill(&store, "s", 2)?;
    // Something to read: answers at once.
    let now = store.xread_block(&[("s", XReadId::After(id("1")))], None, Duration::ZERO)?;
    assert_eq!(ids(&now[0].1), ["2-0"]);
    // `$` means after the last ID at the time of the call; forever until an XADD lands.
    let reader = store.clone();
    let waiter = thread::spawn(move || {
        reader.xread_block(
            &[("other", XReadId::Last), ("s", XReadId::Last)],
            Some(10),
            Duration::ZERO,
        )
    });
    wait_until_blocked(&store, "s", 1);
    add(&store, "unrelated", "1", &[("f", "v")])?;
    add(&store, "s", "3", &[("f", "v")])?;
    let read = waiter.join().unwrap()?;
    assert_eq!(read.len(), 1);
    assert_eq!(&read[0].0[..], b"s");
    assert_eq!(ids(&read[0].1), ["3-0"]);
    // A missing stream is waited on too.
    let reader = store.clone();
    let waiter = thread::spawn(move || {
        reader.xread_block(&[("new", XReadId::Last)], None, Duration::from_secs(60))
    });
    wait_until_blocked(&store, "new", 1);
    add(&store, "new", "5", &[("f", "v")])?;
    assert_eq!(ids(&waiter.join().unwrap()?[0].1), ["5-0"]);
    Ok(())
}

#[test]
fn xread_block_times_out_and_checks_types() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    fill(&store, "s", 1)?;
    let read = store.xread_block(&[("s", XReadId::Last)], None, Duration::from_millis(20))?;
    assert!(read.is_empty());
    store.set("str", "x")?;
    assert_eq!(
        error_text(store.xread_block(&[("str", XReadId::Last)], None, Duration::from_millis(20))),
        WRONGTYPE
    );
    assert_eq!(store.blocked_on("s"), 0);
    Ok(())
}

#[test]
fn xreadgroup_block_is_woken_by_another_thread() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    let mkstream = XGroupCreateOptions {
        mkstream: true,
        entries_read: None,
    };
    store.xgroup_create("s", "g", GroupStartId::Last, mkstream)?;
    let reader = store.clone();
    let waiter = thread::spawn(move || {
        reader.xreadgroup_block(
            "g",
            "alice",
            &[("s", GroupReadId::New)],
            Some(1),
            false,
            Duration::ZERO,
        )
    });
    wait_until_blocked(&store, "s", 1);
    add(&store, "s", "1", &[("f", "v")])?;
    let read = waiter.join().unwrap()?;
    assert_eq!(read[0].1, [(id("1-0"), Some(fields(&[("f", "v")])))]);
    let summary = store.xpending_summary("s", "g")?;
    assert_eq!(summary.consumers, [("alice".into(), 1)]);
    // A history read never blocks.
    let history = store.xreadgroup_block(
        "g",
        "bob",
        &[("s", GroupReadId::Pending(id("0")))],
        None,
        false,
        Duration::ZERO,
    )?;
    assert_eq!(history.len(), 1);
    assert!(history[0].1.is_empty());
    // Timeout: nothing new.
    let read = store.xreadgroup_block(
        "g",
        "alice",
        &[("s", GroupReadId::New)],
        None,
        false,
        Duration::from_millis(20),
    )?;
    assert!(read.is_empty());
    assert_eq!(
        error_text(store.xreadgroup_block(
            "nog",
            "alice",
            &[("s", GroupReadId::New)],
            None,
            false,
            Duration::from_millis(20)
        )),
        "NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option"
    );
    Ok(())
}

#[test]
fn xreadgroup_block_ends_when_its_group_goes() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    let mkstream = XGroupCreateOptions {
        mkstream: true,
        entries_read: None,
    };
    store.xgroup_create("s", "g", GroupStartId::Last, mkstream)?;
    let reader = store.clone();
    let waiter = thread::spawn(move || {
        reader.xreadgroup_block(
            "g",
            "alice",
            &[("s", GroupReadId::New)],
            None,
            false,
            Duration::ZERO,
        )
    });
    wait_until_blocked(&store, "s", 1);
    assert!(store.xgroup_destroy("s", "g")?);
    assert_eq!(
        error_text(waiter.join().unwrap()),
        "NOGROUP the consumer group this client was blocked on no longer exists"
    );
    Ok(())
}
