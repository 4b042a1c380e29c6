//! Time to live: the EXPIRE family with NX/XX/GT/LT, TTL/PTTL/EXPIRETIME/PEXPIRETIME, PERSIST,
//! the background expirer, deadlines across restarts, and how SET, GETEX, RENAME, MOVE and COPY
//! treat deadlines.
//!
//! Expected replies were checked against redis-server 7.0.15.

use std::sync::Arc;
use std::time::{Duration, Instant};

use keyp::{
    Error, ExpireCondition, ExpireTime, Expiry, GetExAction, ManualClock, SetOptions, SetTtl,
    Store, StoreOptions, Ttl,
};
use tempfile::TempDir;

const NOW_MS: u64 = 1_700_000_000_000;

fn open_with_clock() -> keyp::Result<(TempDir, Store, Arc<ManualClock>)> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(NOW_MS));
    let store = StoreOptions::new().clock(clock.clone()).open(dir.path())?;
    Ok((dir, store, clock))
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// The four commands, each setting a deadline `delta_ms` from now.
#[derive(Clone, Copy, Debug)]
enum Command {
    Expire,
    Pexpire,
    ExpireAt,
    PexpireAt,
}

const COMMANDS: [Command; 4] = [
    Command::Expire,
    Command::Pexpire,
    Command::ExpireAt,
    Command::PexpireAt,
];

impl Command {
    /// Runs the command with a deadline `delta_s` seconds from now (NOW_MS is whole seconds).
    fn run(
        self,
        store: &Store,
        key: &str,
        delta_s: i64,
        when: ExpireCondition,
    ) -> keyp::Result<bool> {
        let now_s = (NOW_MS / 1000) as i64;
        match self {
            Command::Expire => store.expire(key, delta_s, when),
            Command::Pexpire => store.pexpire(key, delta_s * 1000, when),
            Command::ExpireAt => store.expire_at(key, now_s + delta_s, when),
            Command::PexpireAt => store.pexpire_at(key, (now_s + delta_s) * 1000, when),
        }
    }
}

#[test]
fn every_command_sets_a_deadline_on_an_existing_key_only() -> keyp::Result<()> {
    let (_dir, store, _clock) = open_with_clock()?;
    for command in COMMANDS {
        store.set("k", "v")?;
        assert!(
            command.run(&store, "k", 100, ExpireCondition::Always)?,
            "{command:?}"
        );
        assert_eq!(store.ttl("k")?, Ttl::ExpiresIn(Duration::from_secs(100)));
        assert_eq!(store.expire_time("k")?, ExpireTime::AtMs(NOW_MS + 100_000));
        assert!(!command.run(&store, "nokey", 100, ExpireCondition::Always)?);
        assert_eq!(store.exists(&["nokey"])?, 0);
    }
    assert_eq!(store.pending_expiries()?, 1);
    Ok(())
}

#[test]
fn conditions_on_every_branch() -> keyp::Result<()> {
    use ExpireCondition::{Always, Gt, Lt, Nx, Xx};
    // (condition, current deadline in s from now or None, new deadline in s, applied)
    let cases = [
        (Always, None, 50, true),
        (Always, Some(100), 50, true),
        (Nx, None, 50, true),
        (Nx, Some(100), 50, false),
        (Xx, None, 50, false),
        (Xx, Some(100), 50, true),
        // A key without a deadline never expires: nothing is later, everything is earlier.
        (Gt, None, 50, false),
        (Gt, Some(100), 150, true),
        (Gt, Some(100), 100, false),
        (Gt, Some(100), 50, false),
        (Lt, None, 50, true),
        (Lt, Some(100), 50, true),
        (Lt, Some(100), 100, false),
        (Lt, Some(100), 150, false),
    ];
    let (_dir, store, _clock) = open_with_clock()?;
    for command in COMMANDS {
        for (condition, current, new, applied) in cases {
            store.set("k", "v")?;
            if let Some(current) = current {
                store.expire("k", current, Always)?;
            }
            let what = format!("{command:?} {condition:?} {current:?} -> {new}");
            assert_eq!(command.run(&store, "k", new, condition)?, applied, "{what}");
            let expected = match (applied, current) {
                (true, _) => Ttl::ExpiresIn(Duration::from_secs(new as u64)),
                (false, Some(current)) => Ttl::ExpiresIn(Duration::from_secs(current as u64)),
                (false, None) => Ttl::Persistent,
            };
            assert_eq!(store.ttl("k")?, expected, "{what}");
            // The condition is checked on missing keys too, and they stay missing.
            assert!(!command.run(&store, "nokey", new, condition)?);
        }
    }
    Ok(())
}

#[test]
fn deadlines_not_in_the_future_delete_the_key() -> keyp::Result<()> {
    let (_dir, store, _clock) = open_with_clock()?;
    for command in COMMANDS {
        for delta in [0, -1, -1_000_000] {
            store.set("k", "v")?;
            assert!(command.run(&store, "k", delta, ExpireCondition::Always)?);
            assert_eq!(store.exists(&["k"])?, 0, "{command:?} {delta}");
            assert_eq!(store.ttl("k")?, Ttl::Missing);
        }
    }
    // The smallest deadlines the arithmetic allows, and the deadline "now" exactly.
    store.set("k", "v")?;
    assert!(store.expire("k", -9_223_372_036_854_775, ExpireCondition::Always)?);
    store.set("k", "v")?;
    assert!(store.pexpire_at("k", i64::MIN, ExpireCondition::Always)?);
    store.set("k", "v")?;
    assert!(store.pexpire_at("k", NOW_MS as i64, ExpireCondition::Always)?);
    assert_eq!(store.exists(&["k"])?, 0);
    store.set("k", "v")?;
    assert!(store.pexpire_at("k", NOW_MS as i64 + 1, ExpireCondition::Always)?);
    assert_eq!(store.ttl("k")?, Ttl::ExpiresIn(ms(1)));
    // Conditions still apply: a past deadline is "earlier" (LT on a persistent key deletes),
    // never "later" (GT leaves the key).
    store.set("p", "v")?;
    assert!(!store.expire("p", -1, ExpireCondition::Gt)?);
    assert_eq!(store.exists(&["p"])?, 1);
    assert!(!store.expire("p", -1, ExpireCondition::Xx)?);
    assert!(store.expire("p", -1, ExpireCondition::Lt)?);
    assert_eq!(store.exists(&["p"])?, 0);
    store.set("p", "v")?;
    store.expire("p", 10, ExpireCondition::Always)?;
    assert!(!store.expire("p", -1, ExpireCondition::Nx)?);
    assert!(store.expire("p", -1, ExpireCondition::Xx)?);
    assert_eq!(store.exists(&["p"])?, 0);
    assert!(!store.expire("nokey", -1, ExpireCondition::Always)?);
    assert_eq!(store.pending_expiries()?, 1);
    Ok(())
}

#[test]
fn overflowing_deadlines_are_errors_with_redis_text() -> keyp::Result<()> {
    let (_dir, store, _clock) = open_with_clock()?;
    store.set("k", "v")?;
    let always = ExpireCondition::Always;
    let failures: [(keyp::Result<bool>, &str); 8] = [
        // seconds * 1000 overflows
        (store.expire("k", 9_223_372_036_854_776, always), "expire"),
        (store.expire("k", -9_223_372_036_854_776, always), "expire"),
        // fits once scaled, overflows once now is added
        (store.expire("k", 9_223_372_036_854_775, always), "expire"),
        (store.pexpire("k", i64::MAX, always), "pexpire"),
        (
            store.expire_at("k", 9_223_372_036_854_776, always),
            "expireat",
        ),
        (
            store.expire_at("k", -9_223_372_036_854_776, always),
            "expireat",
        ),
        // checked before the key is looked up, and whatever the condition
        (store.expire("nokey", i64::MAX, always), "expire"),
        (store.pexpire("k", i64::MAX, ExpireCondition::Nx), "pexpire"),
    ];
    for (result, command) in failures {
        let err = result.unwrap_err();
        assert!(matches!(err, Error::InvalidExpireTime(c) if c == command));
        assert_eq!(
            err.to_string(),
            format!("ERR invalid expire time in '{command}' command")
        );
    }
    assert_eq!(store.ttl("k")?, Ttl::Persistent);
    // PEXPIREAT adds nothing: every i64 is a valid deadline.
    assert!(store.pexpire_at("k", i64::MAX, always)?);
    assert_eq!(store.expire_time("k")?, ExpireTime::AtMs(i64::MAX as u64));
    assert_eq!(store.expire_time("k")?.as_millis_reply(), i64::MAX);
    // Redis rounds (in unsigned arithmetic): 9223372036854776.
    assert_eq!(
        store.expire_time("k")?.as_secs_reply(),
        9_223_372_036_854_776
    );
    let ttl = store.ttl("k")?;
    assert_eq!(ttl.as_millis_reply(), i64::MAX - NOW_MS as i64);
    assert_eq!(ttl.as_secs_reply(), (i64::MAX - NOW_MS as i64 + 500) / 1000);
    Ok(())
}

#[test]
fn ttl_replies_and_rounding() -> keyp::Result<()> {
    let (_dir, store, _clock) = open_with_clock()?;
    assert_eq!(store.ttl("nokey")?, Ttl::Missing);
    assert_eq!(store.ttl("nokey")?.as_secs_reply(), -2);
    assert_eq!(store.ttl("nokey")?.as_millis_reply(), -2);
    assert_eq!(store.expire_time("nokey")?, ExpireTime::Missing);
    assert_eq!(store.expire_time("nokey")?.as_secs_reply(), -2);
    assert_eq!(store.expire_time("nokey")?.as_millis_reply(), -2);
    store.set("k", "v")?;
    assert_eq!(store.ttl("k")?, Ttl::Persistent);
    assert_eq!(store.ttl("k")?.as_secs_reply(), -1);
    assert_eq!(store.ttl("k")?.as_millis_reply(), -1);
    assert_eq!(store.expire_time("k")?, ExpireTime::Persistent);
    assert_eq!(store.expire_time("k")?.as_secs_reply(), -1);
    assert_eq!(store.expire_time("k")?.as_millis_reply(), -1);
    // TTL rounds to the nearest second, half up.
    for (remaining_ms, secs) in [
        (1, 0),
        (499, 0),
        (500, 1),
        (1_499, 1),
        (1_500, 2),
        (100_000, 100),
    ] {
        store.pexpire("k", remaining_ms, ExpireCondition::Always)?;
        let ttl = store.ttl("k")?;
        assert_eq!(ttl.as_millis_reply(), remaining_ms);
        assert_eq!(ttl.as_secs_reply(), secs, "{remaining_ms} ms");
    }
    // EXPIRETIME rounds too (checked: PEXPIREAT k 1999999999999 gives EXPIRETIME 2000000000).
    for (at_ms, secs) in [
        (1_999_999_999_999, 2_000_000_000),
        (1_999_999_999_500, 2_000_000_000),
        (1_999_999_999_499, 1_999_999_999),
    ] {
        store.pexpire_at("k", at_ms, ExpireCondition::Always)?;
        assert_eq!(store.expire_time("k")?.as_millis_reply(), at_ms);
        assert_eq!(store.expire_time("k")?.as_secs_reply(), secs);
    }
    Ok(())
}

#[test]
fn a_key_lives_through_its_deadline_millisecond() -> keyp::Result<()> {
    let (_dir, store, clock) = open_with_clock()?;
    store.set("k", "v")?;
    store.pexpire("k", 100, ExpireCondition::Always)?;
    clock.advance(ms(99));
    assert_eq!(store.ttl("k")?, Ttl::ExpiresIn(ms(1)));
    clock.advance(ms(1));
    // At the deadline itself: still there, with nothing left.
    assert_eq!(store.get("k")?.as_deref(), Some(&b"v"[..]));
    assert_eq!(store.ttl("k")?, Ttl::ExpiresIn(Duration::ZERO));
    assert_eq!(store.ttl("k")?.as_secs_reply(), 0);
    assert_eq!(store.exists(&["k"])?, 1);
    clock.advance(ms(1));
    assert_eq!(store.get("k")?, None);
    assert_eq!(store.ttl("k")?, Ttl::Missing);
    assert_eq!(store.exists(&["k"])?, 0);
    assert_eq!(store.dbsize()?, 0);
    // Write commands see it gone too.
    assert!(!store.expire("k", 10, ExpireCondition::Always)?);
    assert!(!store.persist("k")?);
    assert!(
        store
            .set_with(
                "k",
                "new",
                SetOptions {
                    condition: keyp::SetCondition::IfMissing,
                    ..SetOptions::default()
                }
            )?
            .written
    );
    Ok(())
}

#[test]
fn persist_removes_a_deadline() -> keyp::Result<()> {
    let (_dir, store, _clock) = open_with_clock()?;
    assert!(!store.persist("nokey")?);
    store.set("k", "v")?;
    assert!(!store.persist("k")?);
    store.expire("k", 10, ExpireCondition::Always)?;
    assert_eq!(store.pending_expiries()?, 1);
    assert!(store.persist("k")?);
    assert_eq!(store.ttl("k")?, Ttl::Persistent);
    assert_eq!(store.get("k")?.as_deref(), Some(&b"v"[..]));
    assert_eq!(store.pending_expiries()?, 0);
    assert!(!store.persist("k")?);
    Ok(())
}

#[test]
fn deadlines_survive_a_reopen() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(NOW_MS));
    let options = StoreOptions::new().clock(clock.clone());
    {
        let store = options.clone().open(dir.path())?;
        store.set("short", "v")?;
        store.pexpire("short", 1_000, ExpireCondition::Always)?;
        store.set("long", "v")?;
        store.expire("long", 3_600, ExpireCondition::Always)?;
        store.select(3)?.set("other-db", "v")?;
        store
            .select(3)?
            .pexpire_at("other-db", NOW_MS as i64 + 2_000, ExpireCondition::Always)?;
    }
    let store = options.open(dir.path())?;
    assert_eq!(store.ttl("short")?, Ttl::ExpiresIn(ms(1_000)));
    assert_eq!(
        store.ttl("long")?,
        Ttl::ExpiresIn(Duration::from_secs(3_600))
    );
    assert_eq!(
        store.select(3)?.expire_time("other-db")?,
        ExpireTime::AtMs(NOW_MS + 2_000)
    );
    assert_eq!(store.pending_expiries()?, 3);
    clock.advance(ms(1_001));
    assert_eq!(store.exists(&["short", "long"])?, 1);
    Ok(())
}

/// Polls until `done` holds, for conditions only a background thread can bring about.
fn eventually(mut done: impl FnMut() -> keyp::Result<bool>) -> keyp::Result<bool> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if done()? {
            return Ok(true);
        }
        std::thread::sleep(ms(2));
    }
    Ok(false)
}

#[test]
fn the_background_expirer_deletes_expired_keys_from_storage() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(NOW_MS));
    let store = StoreOptions::new()
        .clock(clock.clone())
        .expire_interval(ms(2))
        .open(dir.path())?;
    // More than one expirer batch (1000), across databases, plus keys that must survive.
    store.transaction(|tx| {
        for i in 0..1500u32 {
            tx.select(i % 3)?;
            tx.set(format!("k{i}"), "v")?;
            tx.pexpire(format!("k{i}"), 50, ExpireCondition::Always)?;
        }
        tx.select(0)
    })?;
    store.set("later", "v")?;
    store.pexpire("later", 10_000, ExpireCondition::Always)?;
    store.set("persistent", "v")?;
    assert_eq!(store.pending_expiries()?, 1501);
    // Nothing is due yet: the expirer must leave everything alone.
    clock.advance(ms(50));
    std::thread::sleep(ms(50));
    assert_eq!(store.pending_expiries()?, 1501);
    clock.advance(ms(1));
    assert!(eventually(|| Ok(store.pending_expiries()? == 1))?);
    // The records are gone, not merely hidden: with the clock turned back before their
    // deadline, a key the expirer had only skipped would be visible again.
    clock.set(NOW_MS);
    for db in 0..3 {
        let keys = store.select(db)?.keys("k*")?;
        assert!(keys.is_empty(), "db {db}: {} keys left", keys.len());
    }
    assert_eq!(store.exists(&["later", "persistent"])?, 2);
    assert_eq!(store.ttl("later")?, Ttl::ExpiresIn(ms(10_000)));
    Ok(())
}

#[test]
fn set_and_getex_and_deadlines() -> keyp::Result<()> {
    let (_dir, store, _clock) = open_with_clock()?;
    let keep = SetOptions {
        ttl: SetTtl::Keep,
        ..SetOptions::default()
    };
    let ex = |expiry| SetOptions {
        ttl: SetTtl::Expire(expiry),
        ..SetOptions::default()
    };
    store.set_with("k", "v", ex(Expiry::Ex(100)))?;
    assert_eq!(store.ttl("k")?, Ttl::ExpiresIn(Duration::from_secs(100)));
    store.set_with("k", "w", keep)?;
    assert_eq!(store.ttl("k")?, Ttl::ExpiresIn(Duration::from_secs(100)));
    store.incr_by("n", 1)?;
    store.expire("n", 100, ExpireCondition::Always)?;
    store.incr_by("n", 1)?;
    assert_eq!(store.ttl("n")?, Ttl::ExpiresIn(Duration::from_secs(100)));
    // A plain SET clears the deadline and its index entry.
    store.set("k", "x")?;
    assert_eq!(store.ttl("k")?, Ttl::Persistent);
    store.set_with("k", "v", ex(Expiry::PxAt(NOW_MS as i64 + 1_234)))?;
    assert_eq!(store.ttl("k")?, Ttl::ExpiresIn(ms(1_234)));
    store.set_with("k", "v", ex(Expiry::ExAt((NOW_MS / 1000) as i64 + 7)))?;
    assert_eq!(store.ttl("k")?, Ttl::ExpiresIn(Duration::from_secs(7)));
    store.setex("k", 9, "v")?;
    assert_eq!(store.ttl("k")?, Ttl::ExpiresIn(Duration::from_secs(9)));
    store.psetex("k", 900, "v")?;
    assert_eq!(store.ttl("k")?, Ttl::ExpiresIn(ms(900)));
    for (result, command) in [
        (
            store.set_with("k", "v", ex(Expiry::Ex(0))).map(|_| ()),
            "set",
        ),
        (
            store.set_with("k", "v", ex(Expiry::Px(-1))).map(|_| ()),
            "set",
        ),
        (store.setex("k", 0, "v"), "setex"),
        (store.psetex("k", 0, "v"), "psetex"),
        (
            store
                .getex("k", GetExAction::Expire(Expiry::Ex(0)))
                .map(|_| ()),
            "getex",
        ),
    ] {
        assert_eq!(
            result.unwrap_err().to_string(),
            format!("ERR invalid expire time in '{command}' command")
        );
    }
    assert_eq!(store.ttl("k")?, Ttl::ExpiresIn(ms(900)));
    // GETEX: keep, set, persist, and a past absolute deadline deletes.
    assert_eq!(
        store.getex("k", GetExAction::Keep)?.as_deref(),
        Some(&b"v"[..])
    );
    assert_eq!(store.ttl("k")?, Ttl::ExpiresIn(ms(900)));
    store.getex("k", GetExAction::Expire(Expiry::Px(5_000)))?;
    assert_eq!(store.ttl("k")?, Ttl::ExpiresIn(ms(5_000)));
    store.getex("k", GetExAction::Persist)?;
    assert_eq!(store.ttl("k")?, Ttl::Persistent);
    assert_eq!(
        store
            .getex("k", GetExAction::Expire(Expiry::PxAt(1_000)))?
            .as_deref(),
        Some(&b"v"[..])
    );
    assert_eq!(store.exists(&["k"])?, 0);
    store.set("k", "v")?;
    assert_eq!(
        store
            .getex("k", GetExAction::Expire(Expiry::ExAt(1)))?
            .as_deref(),
        Some(&b"v"[..])
    );
    assert_eq!(store.exists(&["k"])?, 0);
    // GETDEL takes the index entry with the key.
    store.setex("g", 10, "v")?;
    store.getdel("g")?;
    assert_eq!(store.pending_expiries()?, 1); // "n" only
    Ok(())
}

#[test]
fn getex_checks_the_key_before_the_expiry() -> keyp::Result<()> {
    let (_dir, store, _clock) = open_with_clock()?;
    assert_eq!(
        store.getex("nokey", GetExAction::Expire(Expiry::Ex(0)))?,
        None
    );
    Ok(())
}

#[test]
fn rename_move_and_copy_carry_deadlines() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(NOW_MS));
    let store = StoreOptions::new()
        .clock(clock.clone())
        .expire_interval(ms(2))
        .open(dir.path())?;
    let db1 = store.select(1)?;
    store.set("a", "v")?;
    store.pexpire("a", 100, ExpireCondition::Always)?;
    store.rename("a", "b")?;
    assert_eq!(store.pending_expiries()?, 1);
    assert!(store.copy("b", "c", Some(1), false)?);
    assert!(store.copy("b", "d", None, false)?);
    assert!(store.move_key("d", 2)?);
    assert_eq!(store.pending_expiries()?, 3);
    let ttl = Ttl::ExpiresIn(ms(100));
    assert_eq!(
        (store.ttl("b")?, db1.ttl("c")?, store.select(2)?.ttl("d")?),
        (ttl, ttl, ttl)
    );
    // RENAMENX into a free name carries the deadline; the old name is gone.
    assert!(db1.renamenx("c", "e")?);
    assert_eq!(db1.ttl("c")?, Ttl::Missing);
    // Persistent keys stay persistent wherever they go, and a deadline does not leak onto
    // the key they replace.
    store.set("p", "v")?;
    store.rename("p", "b")?;
    assert_eq!(store.ttl("b")?, Ttl::Persistent);
    assert_eq!(store.pending_expiries()?, 2);
    // The expirer finds the moved deadlines under the new names.
    clock.advance(ms(101));
    assert!(eventually(|| Ok(store.pending_expiries()? == 0))?);
    clock.set(NOW_MS);
    assert_eq!(db1.exists(&["e"])?, 0);
    assert_eq!(store.select(2)?.exists(&["d"])?, 0);
    assert_eq!(store.get("b")?.as_deref(), Some(&b"v"[..]));
    Ok(())
}

#[test]
fn expiry_changes_roll_back_with_their_transaction() -> keyp::Result<()> {
    let (_dir, store, _clock) = open_with_clock()?;
    store.set("k", "v")?;
    store.expire("k", 100, ExpireCondition::Always)?;
    let failed: keyp::Result<()> = store.transaction(|tx| {
        tx.persist("k")?;
        tx.set("other", "v")?;
        tx.expire("other", -1, ExpireCondition::Always)?;
        tx.pexpire("k", 5, ExpireCondition::Always)?;
        assert_eq!(tx.ttl("k")?, Ttl::ExpiresIn(ms(5)));
        Err(Error::Syntax)
    });
    assert!(failed.is_err());
    assert_eq!(store.ttl("k")?, Ttl::ExpiresIn(Duration::from_secs(100)));
    assert_eq!(store.pending_expiries()?, 1);
    Ok(())
}
