//! Deadlines: SET's EX/PX/EXAT/PXAT/KEEPTTL, SETEX, PSETEX, GETEX, their invalid values, and
//! which commands keep or clear a key's deadline.

use std::time::Duration;

use keyp::{
    ExpireCondition, ExpireTime, Expiry, GetExAction, Result, SetCondition, SetOptions, SetTtl, Ttl,
};

use super::{error_text, open, some, NOW_MS};

fn with_ttl(ttl: SetTtl) -> SetOptions {
    SetOptions {
        ttl,
        ..SetOptions::default()
    }
}

fn expires_in(ms: u64) -> Ttl {
    Ttl::ExpiresIn(Duration::from_millis(ms))
}

/// Expiries Redis refuses at NOW_MS: non-positive, or overflowing once in absolute milliseconds.
fn invalid_expiries() -> Vec<Expiry> {
    vec![
        Expiry::Ex(0),
        Expiry::Ex(-1),
        Expiry::Ex(i64::MIN),
        Expiry::Ex(i64::MAX),
        Expiry::Ex(9_223_372_036_854_774), // fits in ms, overflows once now is added
        Expiry::Px(0),
        Expiry::Px(-1),
        Expiry::Px(i64::MAX),
        Expiry::Px(9_223_372_036_854_000_000),
        Expiry::ExAt(0),
        Expiry::ExAt(-1),
        Expiry::ExAt(9_223_372_036_854_776),
        Expiry::PxAt(0),
        Expiry::PxAt(-5),
    ]
}

#[test]
fn set_expiry_options() -> Result<()> {
    let (_dir, store, clock) = open()?;
    store.set_with("ex", "v", with_ttl(SetTtl::Expire(Expiry::Ex(10))))?;
    assert_eq!(store.ttl("ex")?, expires_in(10_000));
    store.set_with("px", "v", with_ttl(SetTtl::Expire(Expiry::Px(1500))))?;
    assert_eq!(store.ttl("px")?, expires_in(1500));
    let at_s = (NOW_MS / 1000 + 100) as i64;
    store.set_with("exat", "v", with_ttl(SetTtl::Expire(Expiry::ExAt(at_s))))?;
    assert_eq!(
        store.expire_time("exat")?,
        ExpireTime::AtMs(at_s as u64 * 1000)
    );
    let at_ms = NOW_MS as i64 + 2345;
    store.set_with("pxat", "v", with_ttl(SetTtl::Expire(Expiry::PxAt(at_ms))))?;
    assert_eq!(store.expire_time("pxat")?, ExpireTime::AtMs(at_ms as u64));

    // The largest accepted values.
    store.set_with(
        "far",
        "v",
        with_ttl(SetTtl::Expire(Expiry::ExAt(9_223_372_036_854_775))),
    )?;
    assert_eq!(
        store.expire_time("far")?,
        ExpireTime::AtMs(9_223_372_036_854_775_000)
    );
    store.set_with("far", "v", with_ttl(SetTtl::Expire(Expiry::PxAt(i64::MAX))))?;
    assert_eq!(store.expire_time("far")?, ExpireTime::AtMs(i64::MAX as u64));

    // A key is alive through its deadline's millisecond and gone after it.
    clock.advance(Duration::from_millis(1500));
    assert_eq!(store.get("px")?, some("v"));
    clock.advance(Duration::from_millis(1));
    assert_eq!(store.get("px")?, None);
    assert_eq!(store.ttl("px")?, Ttl::Missing);
    Ok(())
}

#[test]
fn set_with_a_deadline_already_past_leaves_no_key() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.set("k", "old")?;
    let options = SetOptions {
        get: true,
        ..with_ttl(SetTtl::Expire(Expiry::ExAt(1)))
    };
    assert_eq!(store.set_with("k", "new", options)?.previous, some("old"));
    assert_eq!(store.get("k")?, None);
    assert_eq!(store.exists(&["k"])?, 0);
    Ok(())
}

#[test]
fn keepttl_and_plain_set() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.setex("k", 100, "a")?;
    store.set_with("k", "b", with_ttl(SetTtl::Keep))?;
    assert_eq!(store.get("k")?, some("b"));
    assert_eq!(store.ttl("k")?, expires_in(100_000));
    let xx_keep = SetOptions {
        condition: SetCondition::IfExists,
        ttl: SetTtl::Keep,
        get: true,
    };
    assert_eq!(store.set_with("k", "c", xx_keep)?.previous, some("b"));
    assert_eq!(store.ttl("k")?, expires_in(100_000));
    // Without KEEPTTL, SET clears the deadline.
    store.set("k", "d")?;
    assert_eq!(store.ttl("k")?, Ttl::Persistent);
    // KEEPTTL on a persistent or missing key leaves it persistent.
    store.set_with("k", "e", with_ttl(SetTtl::Keep))?;
    assert_eq!(store.ttl("k")?, Ttl::Persistent);
    store.set_with("new", "e", with_ttl(SetTtl::Keep))?;
    assert_eq!(store.ttl("new")?, Ttl::Persistent);
    Ok(())
}

#[test]
fn invalid_expiries_are_refused_with_redis_text() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.set("k", "v")?;
    for expiry in invalid_expiries() {
        let result = store.set_with("k", "changed", with_ttl(SetTtl::Expire(expiry)));
        assert_eq!(
            error_text(result),
            "ERR invalid expire time in 'set' command",
            "{expiry:?}"
        );
        let result = store.set_with("fresh", "v", with_ttl(SetTtl::Expire(expiry)));
        assert_eq!(
            error_text(result),
            "ERR invalid expire time in 'set' command",
            "{expiry:?}"
        );
        let result = store.getex("k", GetExAction::Expire(expiry));
        assert_eq!(
            error_text(result),
            "ERR invalid expire time in 'getex' command",
            "{expiry:?}"
        );
        // Redis 7.0 looks the key up first: a missing key is just nil.
        assert_eq!(store.getex("fresh", GetExAction::Expire(expiry))?, None);
    }
    for seconds in [0, -1, i64::MAX, 9_223_372_036_854_774] {
        let result = store.setex("k", seconds, "changed");
        assert_eq!(
            error_text(result),
            "ERR invalid expire time in 'setex' command"
        );
    }
    for ms in [0, -1, i64::MAX, 9_223_372_036_854_000_000] {
        let result = store.psetex("k", ms, "changed");
        assert_eq!(
            error_text(result),
            "ERR invalid expire time in 'psetex' command"
        );
    }
    // Nothing was written.
    assert_eq!(store.get("k")?, some("v"));
    assert_eq!(store.ttl("k")?, Ttl::Persistent);
    assert_eq!(store.exists(&["fresh"])?, 0);
    Ok(())
}

#[test]
fn setex_and_psetex() -> Result<()> {
    let (_dir, store, clock) = open()?;
    store.setex("s", 10, "a")?;
    assert_eq!(
        (store.get("s")?, store.ttl("s")?),
        (some("a"), expires_in(10_000))
    );
    store.psetex("p", 1500, "b")?;
    assert_eq!(
        (store.get("p")?, store.ttl("p")?),
        (some("b"), expires_in(1500))
    );
    // Overwriting replaces the deadline.
    store.setex("p", 20, "c")?;
    assert_eq!(
        (store.get("p")?, store.ttl("p")?),
        (some("c"), expires_in(20_000))
    );
    clock.advance(Duration::from_millis(10_001));
    assert_eq!(store.get("s")?, None);
    assert_eq!(store.get("p")?, some("c"));
    Ok(())
}

#[test]
fn getex_actions() -> Result<()> {
    let (_dir, store, _) = open()?;
    store.setex("k", 100, "v")?;
    assert_eq!(store.getex("k", GetExAction::Keep)?, some("v"));
    assert_eq!(store.ttl("k")?, expires_in(100_000));
    assert_eq!(
        store.getex("k", GetExAction::Expire(Expiry::Ex(5)))?,
        some("v")
    );
    assert_eq!(store.ttl("k")?, expires_in(5000));
    assert_eq!(
        store.getex("k", GetExAction::Expire(Expiry::Px(700)))?,
        some("v")
    );
    assert_eq!(store.ttl("k")?, expires_in(700));
    let at_s = (NOW_MS / 1000 + 50) as i64;
    assert_eq!(
        store.getex("k", GetExAction::Expire(Expiry::ExAt(at_s)))?,
        some("v")
    );
    assert_eq!(
        store.expire_time("k")?,
        ExpireTime::AtMs(at_s as u64 * 1000)
    );
    let at_ms = NOW_MS as i64 + 1234;
    assert_eq!(
        store.getex("k", GetExAction::Expire(Expiry::PxAt(at_ms)))?,
        some("v")
    );
    assert_eq!(store.expire_time("k")?, ExpireTime::AtMs(at_ms as u64));
    assert_eq!(store.getex("k", GetExAction::Persist)?, some("v"));
    assert_eq!(store.ttl("k")?, Ttl::Persistent);
    assert_eq!(store.getex("k", GetExAction::Persist)?, some("v"));
    assert_eq!(store.ttl("k")?, Ttl::Persistent);
    assert_eq!(store.getex("missing", GetExAction::Persist)?, None);

    // An absolute deadline already reached deletes the key after returning it.
    assert_eq!(
        store.getex("k", GetExAction::Expire(Expiry::PxAt(NOW_MS as i64)))?,
        some("v")
    );
    assert_eq!(store.exists(&["k"])?, 0);
    store.set("k", "w")?;
    assert_eq!(
        store.getex("k", GetExAction::Expire(Expiry::ExAt(1)))?,
        some("w")
    );
    assert_eq!(store.exists(&["k"])?, 0);
    Ok(())
}

#[test]
fn which_writes_keep_the_deadline() -> Result<()> {
    let (_dir, store, _) = open()?;
    let keeps: [(&str, &dyn Fn() -> Result<()>); 7] = [
        ("incr", &|| store.incr("k").map(drop)),
        ("decr", &|| store.decr("k").map(drop)),
        ("incrby", &|| store.incr_by("k", 5).map(drop)),
        ("decrby", &|| store.decr_by("k", 5).map(drop)),
        ("incrbyfloat", &|| store.incr_by_float("k", "1.5").map(drop)),
        ("append", &|| store.append("k", "0").map(drop)),
        ("setrange", &|| store.setrange("k", 0, "1").map(drop)),
    ];
    for (name, write) in keeps {
        store.setex("k", 100, "10")?;
        write()?;
        assert_eq!(store.ttl("k")?, expires_in(100_000), "{name}");
    }
    let clears: [(&str, &dyn Fn() -> Result<()>); 4] = [
        ("set", &|| store.set("k", "1")),
        ("getset", &|| store.getset("k", "1").map(drop)),
        ("mset", &|| store.mset(&[("k", "1")])),
        ("set get", &|| {
            let get = SetOptions {
                get: true,
                ..SetOptions::default()
            };
            store.set_with("k", "1", get).map(drop)
        }),
    ];
    for (name, write) in clears {
        store.setex("k", 100, "10")?;
        write()?;
        assert_eq!(store.ttl("k")?, Ttl::Persistent, "{name}");
    }
    // EXPIRE then a counter: still the same deadline.
    store.set("n", "1")?;
    store.expire("n", 30, ExpireCondition::Always)?;
    assert_eq!(store.incr("n")?, 2);
    assert_eq!(store.ttl("n")?, expires_in(30_000));
    Ok(())
}

#[test]
fn expired_keys_count_as_missing() -> Result<()> {
    let (_dir, store, clock) = open()?;
    let reset = || -> Result<()> {
        store.psetex("k", 10, "12345")?;
        clock.advance(Duration::from_millis(11));
        Ok(())
    };
    reset()?;
    assert_eq!(store.get("k")?, None);
    assert_eq!(store.strlen("k")?, 0);
    assert_eq!(store.getrange("k", 0, -1)?, "");
    assert_eq!(store.mget(&["k"])?, vec![None]);
    reset()?;
    assert_eq!(store.append("k", "ab")?, 2);
    assert_eq!(
        (store.get("k")?, store.ttl("k")?),
        (some("ab"), Ttl::Persistent)
    );
    reset()?;
    assert_eq!(store.incr("k")?, 1);
    assert_eq!(store.ttl("k")?, Ttl::Persistent);
    reset()?;
    assert_eq!(store.incr_by_float("k", "0.5")?, "0.5");
    reset()?;
    assert_eq!(store.setrange("k", 2, "x")?, 3);
    assert_eq!(store.get("k")?, some(b"\0\0x"));
    reset()?;
    assert_eq!(store.setrange("k", 2, "")?, 0);
    assert_eq!(store.exists(&["k"])?, 0);
    reset()?;
    assert!(store.setnx("k", "n")?);
    reset()?;
    assert!(store.msetnx(&[("k", "m")])?);
    reset()?;
    assert_eq!(store.getset("k", "g")?, None);
    reset()?;
    assert_eq!(store.getdel("k")?, None);
    reset()?;
    assert_eq!(store.getex("k", GetExAction::Persist)?, None);
    Ok(())
}
