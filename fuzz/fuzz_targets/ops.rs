//! Replays a byte string as a sequence of string and keyspace operations against a `Store` and
//! against a `BTreeMap` model, comparing every result. Keys come from a small alphabet so
//! operations collide; some keys are long (stored in keyp's prefix + hash form).
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;

fn key_of(byte: u8) -> Vec<u8> {
    match byte % 8 {
        7 => vec![b'L'; 450 + (byte as usize % 3)],
        n => vec![b'k', n],
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    let Ok(store) = keyp::StoreOptions::new().map_size(64 << 20).open(dir.path()) else { return };
    let mut model: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
    for op in data.chunks(3) {
        let [code, a, b] = match op {
            [c, a, b] => [*c, *a, *b],
            _ => break,
        };
        let key = key_of(a);
        match code % 6 {
            0 => {
                let value = vec![b; (a as usize) % 5];
                store.set(&key, &value).unwrap();
                model.insert(key, value);
            }
            1 => {
                let got = store.get(&key).unwrap();
                assert_eq!(got.as_deref(), model.get(&key).map(Vec::as_slice));
            }
            2 => {
                let deleted = store.del(&[&key]).unwrap();
                assert_eq!(deleted, u64::from(model.remove(&key).is_some()));
            }
            3 => {
                let got = store.incr_by(&key, i64::from(b) - 128);
                let expected = match model.get(&key) {
                    None => Ok(i64::from(b) - 128),
                    Some(v) => std::str::from_utf8(v)
                        .ok()
                        .filter(|s| !s.starts_with('+') && !(s.starts_with('0') && s.len() > 1))
                        .and_then(|s| s.parse::<i64>().ok())
                        .filter(|_| !v.starts_with(b"-0"))
                        .ok_or(())
                        .map(|n| n + i64::from(b) - 128),
                };
                match (got, expected) {
                    (Ok(n), Ok(m)) => {
                        assert_eq!(n, m);
                        model.insert(key, n.to_string().into_bytes());
                    }
                    (Err(keyp::Error::NotInteger), Err(())) => {}
                    (got, expected) => panic!("incr mismatch: {got:?} vs {expected:?}"),
                }
            }
            4 => {
                let got = store.exists(&[&key, &key_of(b)]).unwrap();
                let expected = u64::from(model.contains_key(&key)) + u64::from(model.contains_key(&key_of(b)));
                assert_eq!(got, expected);
            }
            _ => assert_eq!(store.dbsize().unwrap(), model.len() as u64),
        }
    }
});
