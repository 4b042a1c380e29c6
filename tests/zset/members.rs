//! Members of every size (0 bytes, past the 400-byte key limit, 1 MiB), the order of long
//! members that share a prefix, and persistence across a reopen.

use keyp::{Bytes, LexBound, Result, ScoreBound, Store, ZAddOptions, ZRange};

use super::open;

fn member(prefix: u8, len: usize, tail: &[u8]) -> Vec<u8> {
    let mut m = vec![prefix; len];
    m.extend_from_slice(tail);
    m
}

#[test]
fn members_of_every_size() -> Result<()> {
    let (_dir, store) = open()?;
    let empty = Vec::new();
    let mid = member(b'm', 600, b"");
    let huge = member(b'h', 1 << 20, b"");
    let pairs = [(3.0, &huge), (1.0, &empty), (2.0, &mid)];
    assert_eq!(store.zadd("z", ZAddOptions::default(), &pairs)?, 3);
    assert_eq!(store.zscore("z", &empty)?, Some(1.0));
    assert_eq!(store.zscore("z", &mid)?, Some(2.0));
    assert_eq!(store.zscore("z", &huge)?, Some(3.0));
    assert_eq!(store.zrank("z", &huge)?, Some(2));
    let all = store.zrange("z", &ZRange::rank(0, -1))?;
    let members: Vec<&[u8]> = all.iter().map(|(m, _)| &m[..]).collect();
    assert_eq!(members, [&empty[..], &mid[..], &huge[..]]);
    assert_eq!(store.zincrby("z", 10.0, &mid)?, 12.0);
    assert_eq!(store.zrevrank("z", &mid)?, Some(0));
    let lex = ZRange::by_lex(LexBound::Inclusive(Bytes::new()), LexBound::Plus);
    assert_eq!(store.zrange("z", &lex)?.len(), 3);
    assert_eq!(store.zrem("z", &[&huge, &empty])?, 2);
    assert_eq!(store.zpopmax("z", 1)?, vec![(Bytes::from(mid), 12.0)]);
    assert_eq!(store.exists(&["z"])?, 0);
    Ok(())
}

/// Long members sharing a score and their first 400 bytes are stored in hash order; every
/// read must still see them in byte order.
#[test]
fn long_members_sharing_a_prefix_keep_byte_order() -> Result<()> {
    let (_dir, store) = open()?;
    // Short and long members around one shared 400-byte prefix, all of score 1, plus
    // neighbours on both sides.
    let mut members: Vec<Vec<u8>> = (0u8..12)
        .map(|i| member(b'p', 400, &[b'a' + i, b'z']))
        .collect();
    members.push(member(b'p', 400, b""));
    members.push(member(b'p', 399, b""));
    members.push(member(b'p', 450, b""));
    members.push(member(b'p', 401, b"\0"));
    members.push(member(b'o', 500, b""));
    members.push(member(b'q', 500, b""));
    members.push(b"p".to_vec());
    let pairs: Vec<(f64, &Vec<u8>)> = members.iter().map(|m| (1.0, m)).collect();
    store.zadd("z", ZAddOptions::default(), &pairs)?;
    store.zadd(
        "z",
        ZAddOptions::default(),
        &[(0.0, &b"low"[..]), (2.0, b"high")],
    )?;
    let mut sorted = members.clone();
    sorted.sort();
    let mut expect: Vec<Vec<u8>> = vec![b"low".to_vec()];
    expect.extend(sorted.iter().cloned());
    expect.push(b"high".to_vec());
    let got = |range: &ZRange| -> Result<Vec<Vec<u8>>> {
        Ok(store
            .zrange("z", range)?
            .into_iter()
            .map(|(m, _)| m.to_vec())
            .collect())
    };
    assert_eq!(got(&ZRange::rank(0, -1))?, expect);
    let mut reversed = expect.clone();
    reversed.reverse();
    assert_eq!(got(&ZRange::rank(0, -1).rev())?, reversed);
    for (rank, m) in expect.iter().enumerate() {
        assert_eq!(store.zrank("z", m)?, Some(rank as u64));
        assert_eq!(
            got(&ZRange::rank(rank as i64, rank as i64))?,
            std::slice::from_ref(m)
        );
        assert_eq!(
            got(&ZRange::rank(rank as i64, rank as i64).rev())?,
            [reversed[rank].clone()]
        );
    }
    let by_score = ZRange::by_score(ScoreBound::Inclusive(1.0), ScoreBound::Inclusive(1.0));
    assert_eq!(got(&by_score)?, sorted);
    assert_eq!(got(&by_score.clone().limit(3, 4))?, sorted[3..7].to_vec());
    // Lex ranges starting and ending inside the group (scores made equal first).
    store.zremrangebyscore("z", ScoreBound::Inclusive(0.0), ScoreBound::Exclusive(1.0))?;
    store.zremrangebyscore("z", ScoreBound::Exclusive(1.0), ScoreBound::MAX)?;
    for (i, low) in sorted.iter().enumerate() {
        for (j, high) in sorted.iter().enumerate().skip(i) {
            let inclusive = ZRange::by_lex(
                LexBound::Inclusive(Bytes::from(low.clone())),
                LexBound::Inclusive(Bytes::from(high.clone())),
            );
            assert_eq!(got(&inclusive)?, sorted[i..=j].to_vec(), "[{i} [{j}");
            assert_eq!(
                got(&inclusive.rev())?,
                sorted[i..=j].iter().rev().cloned().collect::<Vec<_>>()
            );
            let exclusive = ZRange::by_lex(
                LexBound::Exclusive(Bytes::from(low.clone())),
                LexBound::Exclusive(Bytes::from(high.clone())),
            );
            let inner = if j > i {
                sorted[i + 1..j].to_vec()
            } else {
                Vec::new()
            };
            assert_eq!(got(&exclusive)?, inner, "({i} ({j}");
        }
    }
    Ok(())
}

#[test]
fn sorted_sets_survive_a_reopen() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let long = member(b'l', 700, b"");
    {
        let store = Store::open(dir.path())?;
        let pairs = [(2.5, &b"b"[..]), (-1.0, b"a"), (f64::INFINITY, &long[..])];
        store.zadd("z", ZAddOptions::default(), &pairs)?;
    }
    let store = Store::open(dir.path())?;
    let all = store.zrange("z", &ZRange::rank(0, -1))?;
    assert_eq!(
        all,
        vec![
            (Bytes::from("a"), -1.0),
            (Bytes::from("b"), 2.5),
            (Bytes::from(long.clone()), f64::INFINITY)
        ]
    );
    assert_eq!(store.zcard("z")?, 3);
    assert_eq!(store.zrank("z", &long)?, Some(2));
    Ok(())
}

#[test]
fn keys_of_any_length_and_other_databases() -> Result<()> {
    let (_dir, store) = open()?;
    let long_key = vec![b'k'; 5000];
    store.zadd(&long_key, ZAddOptions::default(), &[(1.0, "a")])?;
    assert_eq!(store.zscore(&long_key, "a")?, Some(1.0));
    let other = store.select(3)?;
    assert_eq!(other.zcard(&long_key)?, 0);
    other.zadd("z", ZAddOptions::default(), &[(1.0, "x")])?;
    assert_eq!(store.zcard("z")?, 0);
    assert_eq!(other.zpopmin("z", 1)?, vec![(Bytes::from("x"), 1.0)]);
    // A deleted sorted set leaves nothing behind for a new one of the same name.
    store.del(&[&long_key])?;
    store.zadd(&long_key, ZAddOptions::default(), &[(2.0, "b")])?;
    assert_eq!(
        store.zrange(&long_key, &ZRange::rank(0, -1))?,
        vec![(Bytes::from("b"), 2.0)]
    );
    Ok(())
}
