//! WRONGTYPE behaviour of the bitmap commands. No other type than strings can be written through
//! the public API yet, so these tests store a (empty) list record by hand.

use crate::storage::codec::EncodedKey;
use crate::types::bitmap::bitfield::{BitfieldOffset, BitfieldOp, BitfieldType};
use crate::types::bitmap::{BitOp, BitPosRange, BitRange};
use crate::types::KeyType;
use crate::{Error, Result, Store};

fn store_with_list(key: &[u8]) -> Result<(tempfile::TempDir, Store)> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    store.transaction(|tx| {
        let encoded = EncodedKey::new(tx.db, key);
        let header = tx.header(key, KeyType::List, 0, 0);
        // key_id 1, no elements.
        let mut body = [0u8; 16];
        body[7] = 1;
        tx.put_record(&encoded, &header, &body)
    })?;
    Ok((dir, store))
}

fn wrong_type<T: std::fmt::Debug>(result: Result<T>) -> bool {
    matches!(result, Err(Error::WrongType))
}

#[test]
fn bit_commands_refuse_other_types() -> Result<()> {
    let (_dir, store) = store_with_list(b"l")?;
    let u8 = BitfieldType::new(false, 8)?;
    let get = BitfieldOp::Get {
        ty: u8,
        offset: BitfieldOffset::Bits(0),
    };
    let set = BitfieldOp::Set {
        ty: u8,
        offset: BitfieldOffset::Bits(0),
        value: 1,
    };
    assert!(wrong_type(store.getbit("l", 0)));
    assert!(wrong_type(store.setbit("l", 0, true)));
    assert!(wrong_type(store.bitcount("l", None)));
    assert!(wrong_type(
        store.bitcount("l", Some(BitRange::bytes(0, -1)))
    ));
    assert!(wrong_type(store.bitpos("l", true, None)));
    assert!(wrong_type(store.bitpos(
        "l",
        false,
        Some(BitPosRange::bits(0, 7))
    )));
    assert!(wrong_type(store.bitfield("l", &[])));
    assert!(wrong_type(store.bitfield("l", &[get])));
    assert!(wrong_type(store.bitfield("l", &[set])));
    assert!(wrong_type(store.bitfield_ro("l", &[])));
    assert!(wrong_type(store.bitfield_ro("l", &[get])));
    // The read-only check comes first, as in Redis.
    assert!(matches!(
        store.bitfield_ro("l", &[set]),
        Err(Error::BitfieldReadOnly)
    ));
    // An offset error comes before the type check too.
    assert!(matches!(store.getbit("l", 1 << 32), Err(Error::BitOffset)));
    assert!(matches!(
        store.setbit("l", 1 << 32, true),
        Err(Error::BitOffset)
    ));
    store.set("s", "foobar")?;
    assert!(wrong_type(store.bitop(BitOp::Or, "d", &["s", "l"])));
    assert!(wrong_type(store.bitop(BitOp::Not, "d", &["l"])));
    assert_eq!(store.exists(&["d"])?, 0);
    assert_eq!(store.key_type("l")?, Some(KeyType::List));
    Ok(())
}

#[test]
fn bitop_replaces_a_destination_of_another_type() -> Result<()> {
    let (_dir, store) = store_with_list(b"l")?;
    store.set("s", "foobar")?;
    assert_eq!(store.bitop(BitOp::Or, "l", &["s"])?, 6);
    assert_eq!(store.key_type("l")?, Some(KeyType::String));
    assert_eq!(store.get("l")?.as_deref(), Some(&b"foobar"[..]));

    let (_dir, store) = store_with_list(b"l")?;
    assert_eq!(store.bitop(BitOp::And, "l", &["missing"])?, 0);
    assert_eq!(store.exists(&["l"])?, 0);
    Ok(())
}
