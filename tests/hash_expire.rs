//! Integration tests of hash field expiry (Redis 7.4's HEXPIRE, HPEXPIRE, HEXPIREAT,
//! HPEXPIREAT, HTTL, HPTTL, HEXPIRETIME, HPEXPIRETIME, HPERSIST), following the Redis 7.4 command
//! docs; redis-server 7.0 has no such commands. keyp hides an expired field from every command
//! from the millisecond after its deadline, HLEN included.

use std::sync::Arc;
use std::time::{Duration, Instant};

use keyp::{
    parse_fields_argument, parse_hexpire_arguments, Bytes, Error, ExpireCondition,
    FieldExpireOutcome, FieldExpireTime, FieldPersistOutcome, FieldTtl, KeyType, ManualClock,
    Result, ScanOptions, Store, StoreOptions, Ttl,
};

use ExpireCondition::{Always, Gt, Lt, Nx, Xx};
use FieldExpireOutcome::{ConditionNotMet, Deleted, NoSuchField, Set};

const NOW_MS: u64 = 1_700_000_000_000;
/// Redis 7.4's latest field deadline: 2^46 - 1 ms.
const MAX_MS: i64 = (1 << 46) - 1;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn open() -> Result<(tempfile::TempDir, Store, Arc<ManualClock>)> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(NOW_MS));
    let store = StoreOptions::new().clock(clock.clone()).open(dir.path())?;
    Ok((dir, store, clock))
}

fn b(text: impl AsRef<[u8]>) -> Bytes {
    Bytes::copy_from_slice(text.as_ref())
}

fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items
}

fn error_text<T: std::fmt::Debug>(result: Result<T>) -> String {
    match result {
        Err(error) => error.to_string(),
        Ok(value) => panic!("expected an error, got {value:?}"),
    }
}

/// Polls until `done` holds, for conditions only a background thread can bring about.
fn eventually(mut done: impl FnMut() -> Result<bool>) -> Result<bool> {
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
fn hexpire_sets_deadlines_and_reports_each_field() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    // A missing key: -2 for every field.
    assert_eq!(store.hexpire("nokey", 10, Always, &["a"])?, [NoSuchField]);
    assert_eq!(
        store.hpexpire_at("nokey", 1000, Always, &["a", "b"])?,
        [NoSuchField, NoSuchField]
    );
    assert_eq!(store.exists(&["nokey"])?, 0);
    store.hset("h", &[("a", "1"), ("b", "2"), ("c", "3")])?;
    assert_eq!(
        store.hexpire("h", 10, Always, &["a", "zz", "a"])?,
        [Set, NoSuchField, Set]
    );
    assert_eq!(store.hpexpire("h", 1500, Always, &["b"])?, [Set]);
    assert_eq!(
        store.hexpire_at("h", (NOW_MS / 1000) as i64 + 20, Always, &["c"])?,
        [Set]
    );
    assert_eq!(
        store.hexpire_time("h", &["a", "b", "c", "zz"])?,
        [
            FieldExpireTime::AtMs(NOW_MS + 10_000),
            FieldExpireTime::AtMs(NOW_MS + 1_500),
            FieldExpireTime::AtMs(NOW_MS + 20_000),
            FieldExpireTime::Missing,
        ]
    );
    assert_eq!(
        store.hpexpire_at("h", (NOW_MS + 7) as i64, Always, &["c"])?,
        [Set]
    );
    assert_eq!(
        store.hexpire_time("h", &["c"])?,
        [FieldExpireTime::AtMs(NOW_MS + 7)]
    );
    // Key-level TTL is untouched by field deadlines.
    assert_eq!(store.ttl("h")?, Ttl::Persistent);
    Ok(())
}

#[test]
fn conditions_on_every_branch() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    // (condition, current deadline in ms from now or None, new deadline in ms, outcome)
    let cases = [
        (Always, None, 500, Set),
        (Always, Some(1000), 500, Set),
        (Nx, None, 500, Set),
        (Nx, Some(1000), 500, ConditionNotMet),
        (Xx, None, 500, ConditionNotMet),
        (Xx, Some(1000), 500, Set),
        (Gt, None, 500, ConditionNotMet),
        (Gt, Some(1000), 500, ConditionNotMet),
        (Gt, Some(1000), 1000, ConditionNotMet),
        (Gt, Some(1000), 1500, Set),
        (Lt, None, 500, Set),
        (Lt, Some(1000), 500, Set),
        (Lt, Some(1000), 1000, ConditionNotMet),
        (Lt, Some(1000), 1500, ConditionNotMet),
        // A time not in the future deletes the field, once the condition holds.
        (Nx, None, 0, Deleted),
        (Nx, Some(1000), 0, ConditionNotMet),
        (Lt, Some(1000), 0, Deleted),
        (Gt, Some(1000), 0, ConditionNotMet),
    ];
    for (i, (condition, current, new, expected)) in cases.into_iter().enumerate() {
        store.hset("h", &[("f", "v"), ("keep", "v")])?;
        store.hpersist("h", &["f"])?;
        if let Some(current) = current {
            store.hpexpire("h", current, Always, &["f"])?;
        }
        let outcome = store.hpexpire("h", new, condition, &["f"])?;
        assert_eq!(outcome, [expected], "case {i}");
        let deadline = match (expected, current) {
            (Set, _) => FieldExpireTime::AtMs(NOW_MS + new as u64),
            (Deleted, _) => FieldExpireTime::Missing,
            (_, Some(current)) => FieldExpireTime::AtMs(NOW_MS + current as u64),
            (_, None) => FieldExpireTime::Persistent,
        };
        assert_eq!(store.hexpire_time("h", &["f"])?, [deadline], "case {i}");
    }
    Ok(())
}

#[test]
fn past_deadlines_delete_fields_and_the_emptied_hash() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    store.hset("h", &[("f1", "v1"), ("f2", "v2"), ("f4", "v4")])?;
    store.hexpire("h", 1000, Nx, &["f4"])?;
    let past = (NOW_MS / 1000) as i64 - 1;
    assert_eq!(
        store.hexpire_at("h", past, Nx, &["f1", "f2", "f3", "f4"])?,
        [Deleted, Deleted, NoSuchField, ConditionNotMet]
    );
    assert_eq!(store.hkeys("h")?, [b("f4")]);
    // Zero seconds from now is not in the future either.
    assert_eq!(store.hexpire("h", 0, Always, &["f4"])?, [Deleted]);
    assert_eq!(store.exists(&["h"])?, 0);
    store.hset("h", &[("a", "1")])?;
    assert_eq!(
        store.hpexpire_at("h", NOW_MS as i64, Always, &["a"])?,
        [Deleted]
    );
    assert_eq!(store.exists(&["h"])?, 0);
    store.hset("h", &[("a", "1")])?;
    assert_eq!(store.hpexpire_at("h", 0, Always, &["a"])?, [Deleted]);
    assert_eq!(store.pending_field_expiries()?, 0);
    Ok(())
}

#[test]
fn a_field_is_visible_at_its_deadline_and_gone_one_millisecond_later() -> Result<()> {
    let (_dir, store, clock) = open()?;
    let fields: Vec<(String, String)> = (0..10)
        .map(|i| (format!("f{i}"), format!("v{i}")))
        .collect();
    store.hset("h", &fields)?;
    assert_eq!(
        store.hpexpire("h", 100, Always, &["f0", "f1", "f2"])?,
        [Set, Set, Set]
    );
    assert_eq!(store.hpexpire("h", 200, Always, &["f3"])?, [Set]);
    clock.advance(ms(100));
    assert_eq!(store.hget("h", "f0")?, Some(b("v0")));
    assert_eq!(store.hlen("h")?, 10);
    assert_eq!(
        store.httl("h", &["f0"])?,
        [FieldTtl::ExpiresIn(Duration::ZERO)]
    );
    clock.advance(ms(1));
    let check = |store: &Store| -> Result<()> {
        assert_eq!(store.hget("h", "f0")?, None);
        assert_eq!(
            store.hmget("h", &["f0", "f3", "f1"])?,
            [None, Some(b("v3")), None]
        );
        assert!(!store.hexists("h", "f1")?);
        assert_eq!(store.hstrlen("h", "f2")?, 0);
        assert_eq!(store.hlen("h")?, 7);
        assert_eq!(store.hkeys("h")?.len(), 7);
        assert_eq!(store.hvals("h")?.len(), 7);
        let all = store.hgetall("h")?;
        let expired = [&b"f0"[..], b"f1", b"f2"];
        assert!(all.iter().all(|(f, _)| !expired.contains(&&f[..])));
        assert_eq!(all.len(), 7);
        let (next, scanned) = store.hscan("h", 0, &ScanOptions::new().count(100))?;
        assert_eq!((next, scanned.len()), (0, 7));
        assert_eq!(store.hrandfield_count("h", 100)?.len(), 7);
        for _ in 0..30 {
            let field = store.hrandfield("h")?.ok_or(Error::NoSuchKey)?;
            assert!(!["f0", "f1", "f2"].iter().any(|f| field == f.as_bytes()));
        }
        assert_eq!(store.hrandfield_count("h", -40)?.len(), 40);
        assert_eq!(
            store.httl("h", &["f0", "f3", "f4"])?,
            [
                FieldTtl::Missing,
                FieldTtl::ExpiresIn(ms(99)),
                FieldTtl::Persistent
            ]
        );
        Ok(())
    };
    // Reads see the same whether or not anything purged the expired fields.
    check(&store)?;
    assert_eq!(
        store.hpersist("h", &["f1", "f3", "f4"])?,
        [
            FieldPersistOutcome::NoSuchField,
            FieldPersistOutcome::Persisted,
            FieldPersistOutcome::NoDeadline,
        ]
    );
    store.hpexpire("h", 99, Always, &["f3"])?;
    check(&store)?;
    assert_eq!(store.hexpire("h", 10, Always, &["f0"])?, [NoSuchField]);
    assert_eq!(store.hdel("h", &["f1", "f4"])?, 1);
    assert_eq!(store.hlen("h")?, 6);
    Ok(())
}

#[test]
fn a_hash_whose_last_field_expires_disappears() -> Result<()> {
    let (_dir, store, clock) = open()?;
    store.hset("h", &[("a", "1"), ("b", "2")])?;
    store.hpexpire("h", 50, Always, &["a"])?;
    store.hpexpire("h", 80, Always, &["b"])?;
    store.set("other", "x")?;
    clock.advance(ms(80));
    assert_eq!(store.exists(&["h"])?, 1);
    clock.advance(ms(1));
    assert_eq!(store.exists(&["h"])?, 0);
    assert_eq!(store.key_type("h")?, None);
    assert_eq!(store.ttl("h")?, Ttl::Missing);
    assert_eq!(store.keys("*")?, [b("other")]);
    assert_eq!(store.dbsize()?, 1);
    assert_eq!(store.scan(0, &ScanOptions::new())?.1, [b("other")]);
    for _ in 0..20 {
        assert_eq!(store.randomkey()?, Some(b("other")));
    }
    assert_eq!(store.hlen("h")?, 0);
    assert!(store.hgetall("h")?.is_empty());
    assert_eq!(store.hrandfield("h")?, None);
    assert_eq!(store.httl("h", &["a"])?, [FieldTtl::Missing]);
    // The name is free for any type.
    store.set("h", "string now")?;
    assert_eq!(store.get("h")?, Some(b("string now")));
    // A hash with a persistent field never vanishes.
    store.hset("mixed", &[("a", "1"), ("p", "2")])?;
    store.hpexpire("mixed", 10, Always, &["a"])?;
    clock.advance(ms(11));
    assert_eq!(store.exists(&["mixed"])?, 1);
    assert_eq!(store.hgetall("mixed")?, [(b("p"), b("2"))]);
    // Writing to a vanished hash starts a new one.
    store.hset("v", &[("a", "1")])?;
    store.hpexpire("v", 10, Always, &["a"])?;
    clock.advance(ms(11));
    assert_eq!(store.hset("v", &[("b", "2")])?, 1);
    assert_eq!(store.hgetall("v")?, [(b("b"), b("2"))]);
    assert_eq!(store.hincr_by("v", "a", 5)?, 5);
    Ok(())
}

#[test]
fn writes_discard_or_keep_deadlines_as_redis() -> Result<()> {
    let (_dir, store, clock) = open()?;
    store.hset(
        "h",
        &[
            ("set", "1"),
            ("incr", "10"),
            ("float", "1.5"),
            ("nx", "v"),
            ("gone", "1"),
        ],
    )?;
    store.hpexpire("h", 1000, Always, &["set", "incr", "float", "nx"])?;
    store.hpexpire("h", 10, Always, &["gone"])?;
    // HSET discards the deadline; HINCRBY, HINCRBYFLOAT and a refused HSETNX keep it.
    assert_eq!(store.hset("h", &[("set", "2")])?, 0);
    assert_eq!(store.hincr_by("h", "incr", 2)?, 12);
    assert_eq!(store.hincr_by_float("h", "float", "2.5")?, "4");
    assert!(!store.hsetnx("h", "nx", "other")?);
    assert_eq!(
        store.httl("h", &["set", "incr", "float", "nx"])?,
        [
            FieldTtl::Persistent,
            FieldTtl::ExpiresIn(ms(1000)),
            FieldTtl::ExpiresIn(ms(1000)),
            FieldTtl::ExpiresIn(ms(1000)),
        ]
    );
    // An expired field is a missing one for every write.
    clock.advance(ms(11));
    assert_eq!(store.hincr_by("h", "gone", 1)?, 1);
    assert_eq!(store.httl("h", &["gone"])?, [FieldTtl::Persistent]);
    store.hpexpire("h", 10, Always, &["gone"])?;
    clock.advance(ms(11));
    assert!(store.hsetnx("h", "gone", "new")?);
    store.hpexpire("h", 10, Always, &["gone"])?;
    clock.advance(ms(11));
    assert_eq!(store.hincr_by_float("h", "gone", "0.5")?, "0.5");
    store.hpexpire("h", 10, Always, &["gone"])?;
    clock.advance(ms(11));
    assert_eq!(store.hdel("h", &["gone"])?, 0);
    assert_eq!(store.hset("h", &[("gone", "x")])?, 1);
    Ok(())
}

#[test]
fn httl_and_hexpiretime_round_up_to_seconds() -> Result<()> {
    let (_dir, store, clock) = open()?;
    store.hset("h", &[("a", "1"), ("p", "2")])?;
    store.hpexpire("h", 1500, Always, &["a"])?;
    let ttl = store.httl("h", &["a", "p", "x"])?;
    assert_eq!(
        ttl,
        [
            FieldTtl::ExpiresIn(ms(1500)),
            FieldTtl::Persistent,
            FieldTtl::Missing
        ]
    );
    let secs: Vec<i64> = ttl.iter().map(|t| t.as_secs_reply()).collect();
    let millis: Vec<i64> = ttl.iter().map(|t| t.as_millis_reply()).collect();
    assert_eq!((secs, millis), (vec![2, -1, -2], vec![1500, -1, -2]));
    clock.advance(ms(499));
    assert_eq!(store.httl("h", &["a"])?[0].as_secs_reply(), 2);
    clock.advance(ms(1));
    assert_eq!(store.httl("h", &["a"])?[0].as_secs_reply(), 1);
    clock.advance(ms(1000));
    assert_eq!(
        store.httl("h", &["a"])?,
        [FieldTtl::ExpiresIn(Duration::ZERO)]
    );
    assert_eq!(store.httl("h", &["a"])?[0].as_secs_reply(), 0);
    let time = store.hexpire_time("h", &["a", "p", "x"])?;
    assert_eq!(
        time.iter().map(|t| t.as_secs_reply()).collect::<Vec<_>>(),
        [((NOW_MS + 1500) / 1000 + 1) as i64, -1, -2]
    );
    assert_eq!(
        time.iter().map(|t| t.as_millis_reply()).collect::<Vec<_>>(),
        [(NOW_MS + 1500) as i64, -1, -2]
    );
    assert_eq!(FieldExpireTime::AtMs(5000).as_secs_reply(), 5);
    assert_eq!(FieldExpireTime::AtMs(5001).as_secs_reply(), 6);
    assert_eq!(
        store.httl("nokey", &["a", "b"])?,
        [FieldTtl::Missing, FieldTtl::Missing]
    );
    assert_eq!(
        store.hexpire_time("nokey", &["a"])?,
        [FieldExpireTime::Missing]
    );
    Ok(())
}

#[test]
fn outcome_replies_are_redis_codes() {
    let codes: Vec<i64> = [NoSuchField, ConditionNotMet, Set, Deleted]
        .iter()
        .map(|o| o.as_reply())
        .collect();
    assert_eq!(codes, [-2, 0, 1, 2]);
    let codes: Vec<i64> = [
        FieldPersistOutcome::NoSuchField,
        FieldPersistOutcome::NoDeadline,
        FieldPersistOutcome::Persisted,
    ]
    .iter()
    .map(|o| o.as_reply())
    .collect();
    assert_eq!(codes, [-2, -1, 1]);
}

#[test]
fn time_arguments_are_checked_as_redis_7_4() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    store.hset("h", &[("f1", "v1")])?;
    let f = ["f1"];
    for result in [
        store.hexpire("h", -1, Always, &f),
        store.hexpire("h", i64::MIN, Always, &f),
        store.hpexpire("h", -1, Always, &f),
        store.hexpire_at("h", -1, Always, &f),
        store.hpexpire_at("h", -1, Always, &f),
        store.hexpire("nokey", -1, Always, &f),
    ] {
        assert_eq!(error_text(result), "ERR invalid expire time, must be >= 0");
    }
    let now_s = (NOW_MS / 1000) as i64;
    let cases = [
        (store.hexpire("h", (1 << 48) / 1000, Always, &f), "hexpire"),
        (store.hexpire("h", MAX_MS / 1000 + 1, Always, &f), "hexpire"),
        (
            store.hexpire("h", MAX_MS / 1000 - now_s + 1, Always, &f),
            "hexpire",
        ),
        (
            store.hexpire_at("h", (1 << 48) / 1000 + now_s + 100, Always, &f),
            "hexpireat",
        ),
        (
            store.hexpire_at("h", MAX_MS / 1000 + 1, Always, &f),
            "hexpireat",
        ),
        (store.hpexpire("h", 1 << 48, Always, &f), "hpexpire"),
        (
            store.hpexpire("h", MAX_MS - NOW_MS as i64 + 1, Always, &f),
            "hpexpire",
        ),
        (store.hpexpire("h", i64::MAX, Always, &f), "hpexpire"),
        (store.hpexpire_at("h", MAX_MS + 1, Always, &f), "hpexpireat"),
        (
            store.hpexpire_at("nokey", MAX_MS + 1, Always, &f),
            "hpexpireat",
        ),
    ];
    for (result, command) in cases {
        assert_eq!(
            error_text(result),
            format!("ERR invalid expire time in '{command}' command")
        );
    }
    // The limits themselves are accepted.
    assert_eq!(store.hpexpire_at("h", MAX_MS, Always, &f)?, [Set]);
    assert_eq!(
        store.hpexpire("h", MAX_MS - NOW_MS as i64, Always, &f)?,
        [Set]
    );
    assert_eq!(store.hexpire_at("h", MAX_MS / 1000, Always, &f)?, [Set]);
    assert_eq!(
        store.hexpire_time("h", &f)?,
        [FieldExpireTime::AtMs((MAX_MS / 1000 * 1000) as u64)]
    );
    // Type first, then the time, then the fields.
    store.set("s", "x")?;
    assert!(matches!(
        store.hexpire("s", -1, Always, &f),
        Err(Error::WrongType)
    ));
    assert!(matches!(store.hpersist("s", &f), Err(Error::WrongType)));
    assert!(matches!(store.httl("s", &f), Err(Error::WrongType)));
    assert!(matches!(store.hexpire_time("s", &f), Err(Error::WrongType)));
    let none: [&str; 0] = [];
    assert!(matches!(
        store.hexpire("h", -1, Always, &none),
        Err(Error::NegativeExpireTime)
    ));
    assert_eq!(
        error_text(store.hexpire("h", 10, Always, &none)),
        "ERR Parameter `numFields` should be greater than 0"
    );
    assert!(matches!(
        store.hexpire("nokey", 10, Always, &none),
        Err(Error::NumFieldsNotPositive)
    ));
    assert!(matches!(
        store.hpersist("h", &none),
        Err(Error::NumFieldsNotPositive)
    ));
    assert!(matches!(
        store.hpersist("nokey", &none),
        Err(Error::NumFieldsNotPositive)
    ));
    assert!(matches!(
        store.httl("h", &none),
        Err(Error::NumFieldsNotPositive)
    ));
    assert!(matches!(
        store.hexpire_time("nokey", &none),
        Err(Error::NumFieldsNotPositive)
    ));
    assert_eq!(store.get("s")?, Some(b("x")));
    Ok(())
}

#[test]
fn argument_parsers_give_redis_errors() -> Result<()> {
    assert_eq!(parse_fields_argument(&["fields", "1", "a"])?, ["a"]);
    assert_eq!(
        parse_fields_argument(&["FIELDS", "3", "a", "b", "c"])?,
        ["a", "b", "c"]
    );
    let missing = "ERR Mandatory argument FIELDS is missing or not at the right position";
    let not_positive = "ERR Parameter `numFields` should be greater than 0";
    let mismatch = "ERR The `numfields` parameter must match the number of arguments";
    let cases: [(&[&str], &str); 9] = [
        (&["FIELD", "1", "a"], missing),
        (&[], missing),
        (&["FIELDS"], not_positive),
        (&["FIELDS", "0", "a"], not_positive),
        (&["FIELDS", "-1", "a"], not_positive),
        (&["FIELDS", "abc", "a"], not_positive),
        (&["FIELDS", "9223372036854775808", "a"], not_positive),
        (&["FIELDS", "2", "a"], mismatch),
        (&["FIELDS", "1", "a", "b"], mismatch),
    ];
    for (args, text) in cases {
        assert_eq!(error_text(parse_fields_argument(args)), text, "{args:?}");
    }
    let (condition, fields) = parse_hexpire_arguments(&["FIELDS", "1", "a"])?;
    assert_eq!((condition, fields), (Always, &["a"][..]));
    for (word, expected) in [("nx", Nx), ("XX", Xx), ("Gt", Gt), ("lT", Lt)] {
        assert_eq!(
            parse_hexpire_arguments(&[word, "FIELDS", "1", "f"])?.0,
            expected
        );
    }
    for args in [
        &["NX", "XX", "FIELDS", "1", "f"][..],
        &["BOGUS", "FIELDS", "1", "f"],
        &["GT", "LT", "FIELDS", "1", "f"],
    ] {
        assert_eq!(
            error_text(parse_hexpire_arguments(args)),
            missing,
            "{args:?}"
        );
    }
    assert_eq!(
        error_text(parse_hexpire_arguments(&["NX", "FIELDS", "2", "f"])),
        mismatch
    );
    Ok(())
}

#[test]
fn field_deadlines_survive_a_reopen() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(NOW_MS));
    let options = StoreOptions::new().clock(clock.clone());
    {
        let store = options.clone().open(dir.path())?;
        store.hset("h", &[("a", "1"), ("b", "2"), ("c", "3")])?;
        store.hpexpire("h", 100, Always, &["a"])?;
        store.hpexpire("h", 200, Always, &["b"])?;
        store.hset("all", &[("x", "1")])?;
        store.hpexpire("all", 150, Always, &["x"])?;
    }
    let store = options.open(dir.path())?;
    assert_eq!(store.pending_field_expiries()?, 2);
    assert_eq!(
        store.httl("h", &["a", "b", "c"])?,
        [
            FieldTtl::ExpiresIn(ms(100)),
            FieldTtl::ExpiresIn(ms(200)),
            FieldTtl::Persistent,
        ]
    );
    clock.advance(ms(101));
    assert_eq!(store.hlen("h")?, 2);
    clock.advance(ms(50));
    assert_eq!(store.exists(&["all"])?, 0);
    assert_eq!(store.hkeys("h")?.len(), 2);
    Ok(())
}

#[test]
fn the_background_expirer_frees_expired_fields() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(NOW_MS));
    let store = StoreOptions::new()
        .clock(clock.clone())
        .expire_interval(ms(2))
        .open(dir.path())?;
    // More than one expirer batch (1000 fields), across databases, plus fields that stay.
    store.transaction(|tx| {
        for i in 0..30u32 {
            tx.select(i % 3)?;
            let key = format!("h{i}");
            let fields: Vec<(String, &str)> = (0..60).map(|j| (format!("f{j}"), "v")).collect();
            tx.hset(&key, &fields)?;
            let volatile: Vec<&String> = fields.iter().map(|(f, _)| f).take(50).collect();
            tx.hpexpire(&key, 50, Always, &volatile)?;
            if i % 2 == 0 {
                tx.hpexpire(&key, 10_000, Always, &["f50"])?;
            }
        }
        tx.select(0)?;
        tx.hset("gone", &[("a", "1")])?;
        tx.hpexpire("gone", 50, Always, &["a"])
    })?;
    assert_eq!(store.pending_field_expiries()?, 31);
    // Nothing is due yet: the expirer must leave everything alone.
    clock.advance(ms(50));
    std::thread::sleep(ms(30));
    assert_eq!(store.pending_field_expiries()?, 31);
    clock.advance(ms(1));
    // Hashes with a later deadline stay registered; the others and `gone` are done.
    assert!(eventually(|| Ok(store.pending_field_expiries()? == 15))?);
    // The fields are gone from storage, not merely hidden: with the clock turned back before
    // their deadline, a field the expirer had only skipped would be visible again.
    clock.set(NOW_MS);
    for i in 0..30u32 {
        let db = store.select(i % 3)?;
        assert_eq!(db.hlen(format!("h{i}"))?, 10, "h{i}");
        assert_eq!(db.hget(format!("h{i}"), "f0")?, None);
    }
    assert_eq!(store.exists(&["gone"])?, 0);
    assert_eq!(
        store.httl("h0", &["f50"])?,
        [FieldTtl::ExpiresIn(ms(10_000))]
    );
    Ok(())
}

#[test]
fn renamed_moved_swapped_and_copied_hashes_keep_their_deadlines() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(NOW_MS));
    let store = StoreOptions::new()
        .clock(clock.clone())
        .expire_interval(ms(2))
        .open(dir.path())?;
    for key in ["r", "m", "s", "c"] {
        store.hset(key, &[("tmp", "1"), ("keep", "2")])?;
        store.hpexpire(key, 100, Always, &["tmp"])?;
    }
    store.rename("r", "r2")?;
    assert!(store.move_key("m", 4)?);
    store.swapdb(0, 5)?;
    let db5 = store.select(5)?;
    assert!(db5.copy("c", "c2", Some(6), false)?);
    let db4 = store.select(4)?;
    let db6 = store.select(6)?;
    assert_eq!(db5.httl("r2", &["tmp"])?, [FieldTtl::ExpiresIn(ms(100))]);
    assert_eq!(db4.httl("m", &["tmp"])?, [FieldTtl::ExpiresIn(ms(100))]);
    assert_eq!(
        db6.httl("c2", &["tmp", "keep"])?,
        [FieldTtl::ExpiresIn(ms(100)), FieldTtl::Persistent]
    );
    // r2, s, c in db 5, m in db 4, c2 in db 6.
    assert_eq!(store.pending_field_expiries()?, 5);
    clock.advance(ms(101));
    assert!(eventually(|| Ok(store.pending_field_expiries()? == 0))?);
    clock.set(NOW_MS);
    for (db, key) in [
        (&db5, "r2"),
        (&db4, "m"),
        (&db5, "s"),
        (&db5, "c"),
        (&db6, "c2"),
    ] {
        assert_eq!(db.hgetall(key)?, [(b("keep"), b("2"))], "{key}");
    }
    Ok(())
}

#[test]
fn deleting_a_hash_drops_its_index_entry_and_stale_entries_are_dropped_when_due() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(NOW_MS));
    let store = StoreOptions::new()
        .clock(clock.clone())
        .expire_interval(ms(2))
        .open(dir.path())?;
    store.hset("d", &[("a", "1")])?;
    store.hpexpire("d", 100, Always, &["a"])?;
    assert_eq!(store.pending_field_expiries()?, 1);
    store.del(&["d"])?;
    assert_eq!(store.pending_field_expiries()?, 0);
    // Overwritten by a string, or flushed: the entry stays until its deadline, then goes.
    store.hset("o", &[("a", "1")])?;
    store.hpexpire("o", 100, Always, &["a"])?;
    store.set("o", "string")?;
    store.select(1)?.hset("f", &[("a", "1")])?;
    store.select(1)?.hpexpire("f", 100, Always, &["a"])?;
    store.select(1)?.flushdb()?;
    store.select(1)?.hset("f", &[("a", "new")])?;
    assert_eq!(store.pending_field_expiries()?, 2);
    clock.advance(ms(101));
    assert!(eventually(|| Ok(store.pending_field_expiries()? == 0))?);
    assert_eq!(store.get("o")?, Some(b("string")));
    assert_eq!(store.select(1)?.hget("f", "a")?, Some(b("new")));
    // A key-level deadline removes the hash with its index entry.
    store.hset("k", &[("a", "1")])?;
    store.hpexpire("k", 1000, Always, &["a"])?;
    store.pexpire("k", 10, ExpireCondition::Always)?;
    assert_eq!(store.ttl("k")?, Ttl::ExpiresIn(ms(10)));
    clock.advance(ms(11));
    assert!(eventually(|| Ok(store.pending_field_expiries()? == 0))?);
    assert_eq!(store.key_type("k")?, None::<KeyType>);
    Ok(())
}

#[test]
fn a_reader_keeps_its_snapshot_of_field_deadlines() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    store.hset("h", &[("a", "1"), ("b", "2")])?;
    let writer = store.clone();
    store.read(|r| {
        assert_eq!(r.hlen("h")?, 2);
        std::thread::scope(|scope| {
            scope
                .spawn(|| writer.hexpire("h", 0, Always, &["a", "b"]).map(drop))
                .join()
                .map_err(|_| Error::Corrupt("writer panicked"))?
        })?;
        assert_eq!(r.hlen("h")?, 2);
        assert_eq!(r.httl("h", &["a"])?, [FieldTtl::Persistent]);
        Ok(())
    })?;
    assert_eq!(store.exists(&["h"])?, 0);
    Ok(())
}

#[test]
fn a_transaction_sees_its_own_deadlines() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    store.transaction(|tx| {
        tx.hset("h", &[("a", "1"), ("b", "2")])?;
        assert_eq!(tx.hpexpire("h", 10, Always, &["a"])?, [Set]);
        assert_eq!(tx.httl("h", &["a"])?, [FieldTtl::ExpiresIn(ms(10))]);
        assert_eq!(tx.hexpire("h", 0, Always, &["b"])?, [Deleted]);
        assert_eq!(sorted(tx.hkeys("h")?), [b("a")]);
        Ok(())
    })?;
    let failed: Result<()> = store.transaction(|tx| {
        tx.hpersist("h", &["a"])?;
        Err(Error::Syntax)
    });
    assert!(failed.is_err());
    assert_eq!(store.httl("h", &["a"])?, [FieldTtl::ExpiresIn(ms(10))]);
    Ok(())
}

#[test]
fn hset_over_a_field_with_a_deadline_makes_it_persistent() -> Result<()> {
    let (_dir, store, clock) = open()?;
    store.hset("h", &[("f", "v"), ("g", "v")])?;
    store.hpexpire("h", 1000, Always, &["f", "g"])?;
    // Not a new field; its deadline goes, the other's stays.
    assert_eq!(store.hset("h", &[("f", "w"), ("n", "v")])?, 1);
    assert_eq!(
        store.hexpire_time("h", &["f", "g"])?,
        [
            FieldExpireTime::Persistent,
            FieldExpireTime::AtMs(NOW_MS + 1000)
        ]
    );
    clock.advance(ms(1001));
    assert_eq!(store.hlen("h")?, 2);
    assert_eq!(store.hget("h", "f")?, Some(b("w")));
    assert_eq!(store.hget("h", "g")?, None);
    Ok(())
}
