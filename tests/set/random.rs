//! SPOP and SRANDMEMBER.

use std::collections::BTreeSet;

use keyp::{Bytes, Error};

use super::{is_wrongtype, open, sorted};

fn numbered(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("m{i}")).collect()
}

fn distinct(members: &[Bytes]) -> bool {
    members.iter().collect::<BTreeSet<_>>().len() == members.len()
}

fn all_in(members: &[Bytes], set: &[Bytes]) -> bool {
    members.iter().all(|m| set.contains(m))
}

#[test]
fn spop_without_count_removes_one_member() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    assert_eq!(store.spop("missing")?, None);
    store.sadd("s", &["a", "b", "c"])?;
    let mut popped = Vec::new();
    for left in [2, 1, 0] {
        let member = store.spop("s")?.unwrap();
        assert!(!store.sismember("s", &member)?);
        assert_eq!(store.scard("s")?, left);
        popped.push(member);
    }
    assert_eq!(sorted(popped), ["a", "b", "c"]);
    assert_eq!(store.exists(&["s"])?, 0);
    assert_eq!(store.spop("s")?, None);
    Ok(())
}

#[test]
fn spop_with_count_removes_distinct_members() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    assert!(store.spop_count("missing", 3)?.is_empty());
    let members = numbered(100);
    // Both strategies: a few members popped from a big set, and most of a set popped.
    for count in [1usize, 7, 33, 80, 99] {
        store.del(&["s"])?;
        store.sadd("s", &members)?;
        let before = store.smembers("s")?;
        let popped = store.spop_count("s", count as i64)?;
        assert_eq!(popped.len(), count);
        assert!(distinct(&popped) && all_in(&popped, &before));
        let left = store.smembers("s")?;
        assert_eq!(left.len(), 100 - count);
        assert!(popped.iter().all(|m| !left.contains(m)));
        assert_eq!(store.scard("s")?, (100 - count) as u64);
    }
    // Zero pops nothing; a count of at least the size pops everything and deletes the key.
    assert!(store.spop_count("s", 0)?.is_empty());
    assert_eq!(store.scard("s")?, 1);
    store.sadd("s", &["x", "y"])?;
    assert_eq!(store.spop_count("s", 3)?.len(), 3);
    assert_eq!(store.exists(&["s"])?, 0);
    store.sadd("s", &["x", "y"])?;
    assert_eq!(sorted(store.spop_count("s", i64::MAX)?), ["x", "y"]);
    assert_eq!(store.exists(&["s"])?, 0);
    Ok(())
}

#[test]
fn spop_negative_count_is_an_error_before_the_key_is_looked_at() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.set("str", "x")?;
    store.sadd("s", &["a"])?;
    for key in ["s", "str", "missing"] {
        let err = store.spop_count(key, -1).unwrap_err();
        assert!(matches!(err, Error::NotPositive));
        assert_eq!(
            err.to_string(),
            "ERR value is out of range, must be positive"
        );
    }
    assert!(matches!(
        store.spop_count("s", i64::MIN),
        Err(Error::NotPositive)
    ));
    assert_eq!(store.smembers("s")?, ["a"]);
    Ok(())
}

#[test]
fn srandmember_without_count_returns_a_member_and_removes_nothing() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    assert_eq!(store.srandmember("missing")?, None);
    store.sadd("s", &["a", "b", "c"])?;
    let members = store.smembers("s")?;
    let mut seen = BTreeSet::new();
    for _ in 0..200 {
        let member = store.srandmember("s")?.unwrap();
        assert!(members.contains(&member));
        seen.insert(member);
    }
    // Not always the same member. (Picks are spread by hash, not exactly uniform: a member
    // right after another in hash order is picked less often, so no stronger claim holds.)
    assert!(seen.len() >= 2);
    assert_eq!(store.scard("s")?, 3);
    Ok(())
}

#[test]
fn srandmember_positive_count_returns_distinct_members() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    assert!(store.srandmember_count("missing", 5)?.is_empty());
    store.sadd("s", &numbered(90))?;
    let members = store.smembers("s")?;
    // Random seeks (count * 3 <= size) and the shuffle (count * 3 > size).
    for count in [1usize, 10, 30, 31, 60, 89] {
        let picked = store.srandmember_count("s", count as i64)?;
        assert_eq!(picked.len(), count);
        assert!(distinct(&picked) && all_in(&picked, &members));
    }
    assert!(store.srandmember_count("s", 0)?.is_empty());
    assert_eq!(
        sorted(store.srandmember_count("s", 90)?),
        sorted(members.clone())
    );
    assert_eq!(
        sorted(store.srandmember_count("s", i64::MAX)?),
        sorted(members)
    );
    assert_eq!(store.scard("s")?, 90);
    Ok(())
}

#[test]
fn srandmember_negative_count_may_repeat_members() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    assert!(store.srandmember_count("missing", -5)?.is_empty());
    store.sadd("s", &["a", "b"])?;
    let picked = store.srandmember_count("s", -50)?;
    assert_eq!(picked.len(), 50);
    assert!(all_in(&picked, &store.smembers("s")?));
    assert!(!distinct(&picked));
    store.sadd("one", &["x"])?;
    assert_eq!(store.srandmember_count("one", -3)?, ["x", "x", "x"]);
    assert_eq!(store.scard("s")?, 2);
    Ok(())
}

#[test]
fn srandmember_count_of_i64_min_is_out_of_range_before_the_key() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.set("str", "x")?;
    for key in ["str", "missing"] {
        let err = store.srandmember_count(key, i64::MIN).unwrap_err();
        assert_eq!(
            err.to_string(),
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
        );
    }
    Ok(())
}

#[test]
fn random_samples_differ_between_calls() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.sadd("s", &numbered(20))?;
    let mut seen = BTreeSet::new();
    for _ in 0..40 {
        seen.extend(store.srandmember_count("s", 3)?);
    }
    assert!(seen.len() > 3);
    store.set("str", "x")?;
    assert!(is_wrongtype(store.srandmember("str")));
    Ok(())
}
