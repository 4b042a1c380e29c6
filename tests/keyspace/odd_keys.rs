//! Long keys (stored as a prefix and a hash past 400 bytes) and binary keys through every
//! keyspace command.

use std::collections::HashSet;
use std::time::Duration;

use keyp::{Bytes, ExpireCondition, ScanOptions, Store, Ttl};

use super::{open, open_with_clock, sorted};

/// Keys around and far past the long-key threshold, several sharing their first 400+ bytes.
fn long_keys() -> Vec<Vec<u8>> {
    let mut keys = Vec::new();
    for len in [399usize, 400, 401, 511, 512, 4096] {
        keys.push(vec![b'L'; len]);
    }
    let base = vec![b'p'; 1000];
    for last in [b'a', b'b', b'c'] {
        let mut key = base.clone();
        key.push(last);
        keys.push(key);
    }
    let mut mib = vec![b'M'; 1 << 20];
    keys.push(mib.clone());
    *mib.last_mut().unwrap() = b'N';
    keys.push(mib);
    keys
}

/// Every byte value alone, and keys made of every byte value.
fn binary_keys() -> Vec<Vec<u8>> {
    let mut keys: Vec<Vec<u8>> = (0u8..=255).map(|b| vec![b]).collect();
    let every: Vec<u8> = (0u8..=255).collect();
    keys.push(every.clone());
    keys.push(every.iter().rev().copied().collect());
    keys.push(every.repeat(3)); // long and binary
    keys.push(b"\x00\x00".to_vec());
    keys.push(b"a\x00b".to_vec());
    keys
}

fn scan_all(store: &Store, count: usize) -> keyp::Result<Vec<Bytes>> {
    let (mut cursor, mut out) = (0, Vec::new());
    loop {
        let (next, keys) = store.scan(cursor, &ScanOptions::new().count(count))?;
        out.extend(keys);
        if next == 0 {
            return Ok(out);
        }
        cursor = next;
    }
}

fn check_keyspace(store: &Store, keys: &[Vec<u8>]) -> keyp::Result<()> {
    let expected: HashSet<Bytes> = keys.iter().map(|k| Bytes::from(k.clone())).collect();
    assert_eq!(store.dbsize()?, keys.len() as u64);
    let listed = store.keys("*")?;
    assert_eq!(listed.len(), keys.len());
    assert_eq!(listed.into_iter().collect::<HashSet<_>>(), expected);
    let scanned = scan_all(store, 7)?;
    assert_eq!(scanned.len(), keys.len());
    assert_eq!(scanned.into_iter().collect::<HashSet<_>>(), expected);
    assert_eq!(store.exists(keys)?, keys.len() as u64);
    Ok(())
}

#[test]
fn long_keys_through_every_command() -> keyp::Result<()> {
    let (_dir, store, _clock) = open_with_clock()?;
    let keys = long_keys();
    for (i, key) in keys.iter().enumerate() {
        store.set(key, i.to_string())?;
    }
    check_keyspace(&store, &keys)?;
    // Patterns over long keys: prefix, suffix, exact.
    let mut p_keys = store.keys("ppp*")?;
    p_keys.sort();
    assert_eq!(p_keys.len(), 3);
    assert_eq!(store.keys("*b")?.len(), 1);
    assert_eq!(store.keys(&keys[2])?, [keys[2].clone()]);
    let m_pattern = [&b"M*"[..], b"N"].concat();
    assert_eq!(store.keys(&m_pattern)?.len(), 1);

    // RENAME, COPY and MOVE of long keys, to long keys sharing a prefix, with deadlines.
    let (a, b, c) = (&keys[6], &keys[7], &keys[8]);
    store.pexpire(a, 60_000, ExpireCondition::Always)?;
    store.rename(a, b)?;
    assert_eq!(store.exists(&[a])?, 0);
    assert_eq!(store.get(b)?.as_deref(), Some(&b"6"[..]));
    assert_eq!(store.ttl(b)?, Ttl::ExpiresIn(Duration::from_secs(60)));
    assert!(store.copy(b, a, None, false)?);
    assert!(store.copy(b, c, None, true)?);
    assert_eq!(store.mget(&[a, b, c])?, vec![Some(Bytes::from("6")); 3]);
    assert!(store.move_key(c, 5)?);
    let db5 = store.select(5)?;
    assert_eq!(db5.get(c)?.as_deref(), Some(&b"6"[..]));
    assert_eq!(db5.ttl(c)?, Ttl::ExpiresIn(Duration::from_secs(60)));
    assert_eq!(db5.keys("*")?, [&c[..]]);
    let (mib_m, mib_n) = (&keys[9], &keys[10]);
    assert!(store.renamenx(mib_m, vec![b'Q'; 2 << 20])?);
    assert!(!store.renamenx(mib_n, vec![b'Q'; 2 << 20])?);
    assert_eq!(store.object_encoding(mib_n)?, Some("int"));
    store.swapdb(0, 5)?;
    assert_eq!(store.keys("*")?, [&c[..]]);
    assert_eq!(store.del(&[c])?, 1);
    assert_eq!(db5.del(&[b, mib_n])?, 2);
    assert_eq!(db5.exists(&[b, mib_n])?, 0);
    Ok(())
}

#[test]
fn binary_keys_through_every_command() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    let keys = binary_keys();
    for key in &keys {
        store.set(key, key)?;
    }
    check_keyspace(&store, &keys)?;
    // Single-byte keys through patterns that treat bytes >= 0x80 as negative chars (as
    // redis-server 7.0 does): [a-\xff] is bytes 0..=97 plus 0xff.
    let mut in_range = store.keys(b"[a-\xff]")?;
    in_range.sort();
    let mut expected: Vec<Vec<u8>> = (0u8..=97).map(|b| vec![b]).collect();
    expected.push(vec![0xff]);
    assert_eq!(in_range, expected);
    assert_eq!(store.keys(b"?")?.len(), 256);
    assert_eq!(store.keys(b"[\x80-\xff]")?.len(), 128);
    let zero_first: [&[u8]; 4] = [b"\x00", b"\x00\x00", &keys[256], &keys[258]];
    assert_eq!(sorted(store.keys(b"\x00*")?), zero_first);
    assert_eq!(store.keys(b"a\x00?")?, [&b"a\x00b"[..]]);
    // RENAME, COPY, MOVE: every single-byte key goes to another binary name and back.
    for byte in 0u8..=255 {
        let (key, renamed) = ([byte], [0xff, byte, 0x00]);
        store.rename(key, renamed)?;
        assert_eq!(store.get(renamed)?.as_deref(), Some(&key[..]));
        assert!(store.copy(renamed, key, None, false)?);
        assert!(store.copy(renamed, key, Some(1), false)?);
        assert!(store.move_key(renamed, 2)?);
    }
    check_keyspace(&store, &keys)?;
    let singles: Vec<Vec<u8>> = (0u8..=255).map(|b| vec![b]).collect();
    check_keyspace(&store.select(1)?, &singles)?;
    let moved: Vec<Vec<u8>> = (0u8..=255).map(|b| vec![0xff, b, 0x00]).collect();
    check_keyspace(&store.select(2)?, &moved)?;
    assert_eq!(
        store.select(2)?.get([0xff, 0x00, 0x00])?.as_deref(),
        Some(&[0u8][..])
    );
    // TYPE and OBJECT on binary names.
    for key in &keys {
        assert_eq!(store.key_type(key)?, Some(keyp::KeyType::String));
        assert!(store.object_encoding(key)?.is_some());
    }
    assert_eq!(store.del(&keys)?, keys.len() as u64);
    assert_eq!(store.dbsize()?, 0);
    Ok(())
}
