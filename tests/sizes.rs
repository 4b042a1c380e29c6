//! Keys and values of every size class: empty, past LMDB's key limit (600 bytes), and 1 MiB;
//! binary keys with every byte value; long keys that share their first 400 bytes (the part of a
//! long key stored verbatim in the LMDB key). Everything is checked again after a reopen.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use keyp::{
    Durability, ExpireCondition, ExpireTime, KeyType, ManualClock, Store, StoreOptions, Ttl,
};

const T0: u64 = 1_700_000_000_000;
const SIZES: [usize; 3] = [0, 600, 1 << 20];

fn open(dir: &Path, clock: &Arc<ManualClock>) -> keyp::Result<Store> {
    StoreOptions::new()
        .clock(clock.clone())
        .durability(Durability::Off)
        .open(dir)
}

/// `len` bytes of a pattern seeded by `seed`, covering all byte values for long inputs.
fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// Every command of the string and key API on one key/value pair, with exact results.
fn exercise(store: &Store, key: &[u8], value: &[u8]) -> keyp::Result<()> {
    let other = pattern(value.len() + 1, 99);
    let what = format!("key {} bytes, value {} bytes", key.len(), value.len());
    store.set(key, value)?;
    assert_eq!(store.get(key)?.as_deref(), Some(value), "{what}");
    let same = store.get_with(key, |v| v == Some(value))?;
    assert!(same, "get_with {what}");
    assert_eq!(store.strlen(key)?, value.len() as u64, "{what}");
    assert_eq!(store.exists(&[key])?, 1, "{what}");
    assert_eq!(store.key_type(key)?, Some(KeyType::String), "{what}");
    assert_eq!(
        store.mget(&[key])?,
        vec![Some(value.to_vec().into())],
        "{what}"
    );
    assert_eq!(store.ttl(key)?, Ttl::Persistent, "{what}");

    assert!(store.expire(key, 100, ExpireCondition::Always)?, "{what}");
    assert_eq!(
        store.ttl(key)?,
        Ttl::ExpiresIn(Duration::from_secs(100)),
        "{what}"
    );
    assert_eq!(
        store.expire_time(key)?,
        ExpireTime::AtMs(T0 + 100_000),
        "{what}"
    );
    // Keeps the deadline while rewriting the header in front of the value.
    assert_eq!(store.get(key)?.as_deref(), Some(value), "{what}");
    assert!(store.persist(key)?, "{what}");
    assert_eq!(store.ttl(key)?, Ttl::Persistent, "{what}");

    assert_eq!(store.getset(key, &other)?.as_deref(), Some(value), "{what}");
    assert_eq!(store.getdel(key)?.as_deref(), Some(&other[..]), "{what}");
    assert_eq!(store.get(key)?, None, "{what}");
    store.set(key, value)?;
    assert_eq!(store.del(&[key])?, 1, "{what}");
    assert_eq!(store.exists(&[key])?, 0, "{what}");
    assert_eq!(store.del(&[key])?, 0, "{what}");
    Ok(())
}

#[test]
fn every_key_size_with_every_value_size() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(T0));
    let store = open(dir.path(), &clock)?;
    for key_len in SIZES {
        for value_len in SIZES {
            exercise(&store, &pattern(key_len, 1), &pattern(value_len, 2))?;
        }
    }
    assert_eq!(store.dbsize()?, 0);
    Ok(())
}

/// All nine combinations stored at once (one database per value size), surviving a reopen,
/// then expiring by the clock.
#[test]
fn every_size_combination_survives_a_reopen() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(T0));
    let check = |store: &Store| -> keyp::Result<()> {
        for (db, value_len) in SIZES.into_iter().enumerate() {
            let db = store.select(db as u32)?;
            assert_eq!(db.dbsize()?, 3);
            for key_len in SIZES {
                let key = pattern(key_len, 1);
                let value = pattern(value_len, key_len as u8);
                assert_eq!(db.get(&key)?.as_deref(), Some(&value[..]));
                let deadline = T0 + 1000 * (1 + key_len as u64 % 7);
                assert_eq!(db.expire_time(&key)?, ExpireTime::AtMs(deadline));
            }
        }
        Ok(())
    };
    {
        let store = open(dir.path(), &clock)?;
        for (db, value_len) in SIZES.into_iter().enumerate() {
            let db = store.select(db as u32)?;
            for key_len in SIZES {
                let key = pattern(key_len, 1);
                db.set(&key, pattern(value_len, key_len as u8))?;
                db.expire(&key, 1 + key_len as i64 % 7, ExpireCondition::Always)?;
            }
        }
        check(&store)?;
    }
    let store = open(dir.path(), &clock)?;
    check(&store)?;
    clock.advance(Duration::from_secs(8));
    for db in 0..SIZES.len() as u32 {
        assert_eq!(store.select(db)?.dbsize()?, 0);
    }
    Ok(())
}

/// The 256 one-byte keys, the empty key and a key holding every byte value are all distinct.
#[test]
fn binary_keys_with_every_byte_value() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(T0));
    let all_bytes: Vec<u8> = (0..=255).collect();
    let mut reversed = all_bytes.clone();
    reversed.reverse();
    let check = |store: &Store| -> keyp::Result<()> {
        for b in 0..=255u8 {
            assert_eq!(
                store.get([b])?.as_deref(),
                Some(&[b, b, b][..]),
                "key {b:#04x}"
            );
        }
        assert_eq!(store.get(b"")?.as_deref(), Some(&b"empty"[..]));
        assert_eq!(store.get(&all_bytes)?.as_deref(), Some(&b"ascending"[..]));
        assert_eq!(store.get(&reversed)?.as_deref(), Some(&b"descending"[..]));
        assert_eq!(store.get([0u8, 0])?, None);
        assert_eq!(store.dbsize()?, 256 + 3);
        Ok(())
    };
    {
        let store = open(dir.path(), &clock)?;
        for b in 0..=255u8 {
            store.set([b], [b, b, b])?;
        }
        store.set(b"", "empty")?;
        store.set(&all_bytes, "ascending")?;
        store.set(&reversed, "descending")?;
        check(&store)?;
    }
    let store = open(dir.path(), &clock)?;
    check(&store)?;
    let odd: Vec<[u8; 1]> = (0..=255u8).filter(|b| b % 2 == 1).map(|b| [b]).collect();
    assert_eq!(store.del(&odd)?, 128);
    for b in 0..=255u8 {
        let want = (b % 2 == 0).then_some(vec![b, b, b]);
        assert_eq!(store.get([b])?.map(|v| v.to_vec()), want, "key {b:#04x}");
    }
    Ok(())
}

/// Long keys are stored as their first 400 bytes plus a hash: keys equal in those 400 bytes
/// must still be distinct, whatever follows, and distinct from the 400-byte key itself.
#[test]
fn long_keys_sharing_a_400_byte_prefix_are_distinct() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(T0));
    let prefix = pattern(400, 7);
    let with = |tail: &[u8]| [&prefix[..], tail].concat();
    let mut keys: Vec<Vec<u8>> = vec![prefix.clone()];
    keys.extend((0..=255u8).map(|b| with(&[b])));
    keys.push(with(&[0, 0]));
    keys.push(with(&[0; 600]));
    let mut big = with(&[1; 600]);
    keys.push(big.clone());
    big.push(0); // differs from the previous only by its length
    keys.push(big);
    let value = |i: usize| format!("value {i}").into_bytes();
    let check = |store: &Store, gone: &[usize]| -> keyp::Result<()> {
        for (i, key) in keys.iter().enumerate() {
            let want = (!gone.contains(&i)).then(|| value(i));
            assert_eq!(store.get(key)?.map(|v| v.to_vec()), want, "key {i}");
        }
        assert_eq!(store.dbsize()?, (keys.len() - gone.len()) as u64);
        Ok(())
    };
    {
        let store = open(dir.path(), &clock)?;
        for (i, key) in keys.iter().enumerate() {
            store.set(key, value(i))?;
        }
        check(&store, &[])?;
        // Writes, deadlines and deletes touch only their own key.
        assert!(store.expire(&keys[1], 5, ExpireCondition::Always)?);
        assert_eq!(store.ttl(&keys[2])?, Ttl::Persistent);
        assert_eq!(store.del(&[&keys[3]])?, 1);
        check(&store, &[3])?;
    }
    let store = open(dir.path(), &clock)?;
    check(&store, &[3])?;
    assert_eq!(store.ttl(&keys[1])?, Ttl::ExpiresIn(Duration::from_secs(5)));
    clock.advance(Duration::from_millis(5001));
    check(&store, &[1, 3])?;
    Ok(())
}
