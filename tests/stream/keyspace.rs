//! Streams across restarts, RENAME, COPY, MOVE, DEL and expiry.

use std::time::Duration;

use keyp::{
    GroupReadId, GroupStartId, PendingEntry, Result, Store, StoreOptions, StreamFullInfo, XAddArgs,
    XAddId, XClaimArgs, XGroupCreateOptions, XPendingArgs,
};

use super::*;

/// Everything XINFO STREAM FULL and XPENDING can see of stream `key`.
fn snapshot(store: &Store, key: &str) -> Result<(StreamFullInfo, Vec<PendingEntry>)> {
    let full = store.xinfo_stream_full(key, 0)?;
    let args = XPendingArgs::parse(&words("- + 1000"))?.unwrap();
    let mut pending = Vec::new();
    for group in &full.groups {
        pending.extend(store.xpending(key, &group.name, &args)?);
    }
    Ok((full, pending))
}

fn workload(store: &Store, clock: &ManualClock, round: u64) -> Result<()> {
    for i in 0..20 {
        clock.advance(Duration::from_millis(1));
        let n = round * 100 + i;
        store.xadd("s", XAddArgs::new(XAddId::Auto), &[("n", n.to_string())])?;
    }
    for consumer in ["a", "b", "c"] {
        clock.advance(Duration::from_millis(3));
        store.xreadgroup("g", consumer, &[("s", GroupReadId::New)], Some(4), false)?;
    }
    let pending = store.xpending("s", "g", &XPendingArgs::parse(&words("- + 3"))?.unwrap())?;
    let ids: Vec<StreamId> = pending.iter().map(|p| p.id).collect();
    store.xack("s", "g", &ids[..1])?;
    clock.advance(Duration::from_millis(5));
    store.xclaim(
        "s",
        "g",
        "c",
        &XClaimArgs::parse(&words(&format!("0 {}", ids[2])))?,
    )?;
    store.xdel("s", &ids[1..2])?;
    store.xtrim("s", keyp::Trim::maxlen(30))?;
    Ok(())
}

#[test]
fn a_restart_mid_workload_keeps_everything() -> Result<()> {
    let (dir, store, clock) = open()?;
    store.xgroup_create(
        "s",
        "g",
        GroupStartId::Last,
        XGroupCreateOptions {
            mkstream: true,
            entries_read: None,
        },
    )?;
    store.xgroup_create(
        "s",
        "other",
        GroupStartId::Last,
        XGroupCreateOptions::default(),
    )?;
    workload(&store, &clock, 1)?;
    store.xreadgroup("other", "z", &[("s", GroupReadId::New)], Some(7), false)?;
    let before = snapshot(&store, "s")?;
    assert!(!before.1.is_empty());
    drop(store);
    let store = reopen(&dir, &clock)?;
    assert_eq!(snapshot(&store, "s")?, before);
    assert_eq!(store.xinfo_consumers("s", "g")?.len(), 3);
    // And it goes on working the same: IDs continue, PEL counts follow.
    workload(&store, &clock, 2)?;
    let after = snapshot(&store, "s")?;
    assert_eq!(after.0.entries_added, 40);
    assert!(after.0.last_generated_id > before.0.last_generated_id);
    drop(store);
    let store = reopen(&dir, &clock)?;
    assert_eq!(snapshot(&store, "s")?, after);
    Ok(())
}

#[test]
fn rename_copy_and_move_carry_groups() -> Result<()> {
    let (_dir, store, clock) = open()?;
    store.xgroup_create(
        "s",
        "g",
        GroupStartId::Last,
        XGroupCreateOptions {
            mkstream: true,
            entries_read: None,
        },
    )?;
    workload(&store, &clock, 1)?;
    let before = snapshot(&store, "s")?;
    store.rename("s", "t")?;
    assert_eq!(store.exists(&["s"])?, 0);
    assert_eq!(snapshot(&store, "t")?, before);
    assert!(store.copy("t", "u", None, false)?);
    assert_eq!(snapshot(&store, "u")?, before);
    // The copy is independent of its source.
    store.xgroup_destroy("u", "g")?;
    store.xadd("u", XAddArgs::new(XAddId::Auto), &[("x", "y")])?;
    assert_eq!(snapshot(&store, "t")?, before);
    assert!(store.move_key("t", 1)?);
    let other = store.select(1)?;
    assert_eq!(snapshot(&other, "t")?, before);
    assert_eq!(store.exists(&["t"])?, 0);
    Ok(())
}

#[test]
fn deleting_an_empty_stream_reclaims_its_groups() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = StoreOptions::new()
        .background_reclaim(false)
        .open(dir.path())?;
    let mkstream = XGroupCreateOptions {
        mkstream: true,
        entries_read: None,
    };
    store.xgroup_create("s", "g", GroupStartId::Last, mkstream)?;
    store.xgroup_createconsumer("s", "g", "c")?;
    assert_eq!(store.xlen("s")?, 0);
    assert_eq!(store.del(&["s"])?, 1);
    // The group and consumer records were queued for the reclaimer, and it frees them.
    assert!(store.reclaim_step(1000)?);
    assert!(!store.reclaim_step(1000)?);
    // A new stream of the same name has no groups.
    store.xadd("s", XAddArgs::new(XAddId::Auto), &[("f", "v")])?;
    assert!(store.xinfo_groups("s")?.is_empty());
    Ok(())
}

#[test]
fn an_expired_stream_is_gone() -> Result<()> {
    let (_dir, store, clock) = open()?;
    add(&store, "s", "1", &[("f", "v")])?;
    store.pexpire("s", 100, keyp::ExpireCondition::Always)?;
    // Writes keep the deadline.
    add(&store, "s", "2", &[("f", "v")])?;
    assert!(matches!(store.ttl("s")?, keyp::Ttl::ExpiresIn(_)));
    clock.advance(Duration::from_millis(200));
    assert_eq!(store.xlen("s")?, 0);
    assert_eq!(store.exists(&["s"])?, 0);
    assert_eq!(add(&store, "s", "1", &[("f", "v")])?, id("1-0"));
    Ok(())
}
