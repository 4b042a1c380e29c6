//! BITFIELD and BITFIELD_RO: field types, offsets, GET/SET/INCRBY and the WRAP/SAT/FAIL
//! overflow behaviours. Expected values were checked against redis-server 7.0.

use std::sync::Arc;
use std::time::Duration;

use keyp::{
    BitfieldOffset, BitfieldOp, BitfieldOverflow, BitfieldType, Error, ExpireCondition,
    ManualClock, Store, StoreOptions, Ttl,
};
use tempfile::TempDir;

/// 2^32: the first bit offset beyond the 512 MB limit.
const BIT_LIMIT: u64 = 1 << 32;

fn open() -> keyp::Result<(TempDir, Store)> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    Ok((dir, store))
}

fn open_with_clock() -> keyp::Result<(TempDir, Store, Arc<ManualClock>)> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(ManualClock::new(1_000_000));
    let store = StoreOptions::new().clock(clock.clone()).open(dir.path())?;
    Ok((dir, store, clock))
}

fn ty(name: &str) -> BitfieldType {
    BitfieldType::parse(name.as_bytes()).unwrap()
}

fn get(name: &str, offset: u64) -> BitfieldOp {
    BitfieldOp::Get {
        ty: ty(name),
        offset: BitfieldOffset::Bits(offset),
    }
}

fn set(name: &str, offset: u64, value: i64) -> BitfieldOp {
    BitfieldOp::Set {
        ty: ty(name),
        offset: BitfieldOffset::Bits(offset),
        value,
    }
}

fn incrby(name: &str, offset: u64, increment: i64) -> BitfieldOp {
    BitfieldOp::IncrBy {
        ty: ty(name),
        offset: BitfieldOffset::Bits(offset),
        increment,
    }
}

fn overflow(mode: BitfieldOverflow) -> BitfieldOp {
    BitfieldOp::Overflow(mode)
}

fn value(store: &Store, key: &str) -> keyp::Result<Option<Vec<u8>>> {
    Ok(store.get(key)?.map(|bytes| bytes.to_vec()))
}

#[test]
fn bitfield_docs_examples() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    let answers = store.bitfield("mykey", &[incrby("i5", 100, 1), get("u4", 0)])?;
    assert_eq!(answers, vec![Some(1), Some(0)]);

    let ops = [
        incrby("u2", 100, 1),
        overflow(BitfieldOverflow::Sat),
        incrby("u2", 102, 1),
    ];
    assert_eq!(store.bitfield("counters", &ops)?, vec![Some(1), Some(1)]);
    assert_eq!(store.bitfield("counters", &ops)?, vec![Some(2), Some(2)]);
    assert_eq!(store.bitfield("counters", &ops)?, vec![Some(3), Some(3)]);
    assert_eq!(store.bitfield("counters", &ops)?, vec![Some(0), Some(3)]);
    let fail = [overflow(BitfieldOverflow::Fail), incrby("u2", 102, 1)];
    assert_eq!(store.bitfield("counters", &fail)?, vec![None]);

    let i8 = ty("i8");
    let indexed = [
        BitfieldOp::Set {
            ty: i8,
            offset: BitfieldOffset::Index(0),
            value: 100,
        },
        BitfieldOp::Set {
            ty: i8,
            offset: BitfieldOffset::Index(1),
            value: 200,
        },
    ];
    assert_eq!(store.bitfield("bf", &indexed)?, vec![Some(0), Some(0)]);
    let reads = [
        BitfieldOp::Get {
            ty: i8,
            offset: BitfieldOffset::Index(1),
        },
        get("u8", 8),
        get("i8", 0),
    ];
    assert_eq!(
        store.bitfield("bf", &reads)?,
        vec![Some(-56), Some(200), Some(100)]
    );

    store.set("hello", "hello")?;
    assert_eq!(store.bitfield_ro("hello", &[get("i8", 16)])?, vec![108]);
    Ok(())
}

#[test]
fn bitfield_get_reads_zero_padded_fields() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.set("hello", "hello")?;
    let u16 = ty("u16");
    let ops = [
        get("u4", 0),
        get("i4", 0),
        BitfieldOp::Get {
            ty: u16,
            offset: BitfieldOffset::Index(1),
        },
        BitfieldOp::Get {
            ty: ty("i3"),
            offset: BitfieldOffset::Index(100),
        },
    ];
    assert_eq!(
        store.bitfield("hello", &ops)?,
        vec![Some(6), Some(6), Some(27756), Some(0)]
    );
    // A field straddling the end reads zeros past it: "o" = 0x6f, then 0x00.
    assert_eq!(
        store.bitfield("hello", &[get("u16", 32)])?,
        vec![Some(0x6f00)]
    );
    Ok(())
}

#[test]
fn bitfield_wrap_is_the_default() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    let ops = [
        overflow(BitfieldOverflow::Wrap),
        incrby("u8", 0, 257),
        incrby("u8", 0, -2),
        incrby("i8", 8, 128),
        incrby("i8", 8, -258),
        set("u8", 16, 300),
        set("i8", 24, 200),
    ];
    let expected = vec![Some(1), Some(255), Some(-128), Some(126), Some(0), Some(0)];
    assert_eq!(store.bitfield("w", &ops)?, expected);
    assert_eq!(value(&store, "w")?, Some(vec![0xff, 0x7e, 0x2c, 0xc8]));
    assert_eq!(store.bitfield("w2", &ops[1..])?, expected);
    assert_eq!(value(&store, "w2")?, value(&store, "w")?);
    Ok(())
}

#[test]
fn bitfield_sat_clamps_signed_and_unsigned() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    let ops = [
        overflow(BitfieldOverflow::Sat),
        incrby("u8", 0, 257),
        incrby("u8", 0, -300),
        incrby("i8", 8, 128),
        incrby("i8", 8, -300),
        set("u8", 16, 300),
        set("i8", 24, 200),
        set("i8", 24, -200),
        set("u8", 16, -1),
    ];
    let answers = store.bitfield("s", &ops)?;
    let expected = [255, 0, 127, -128, 0, 0, 127, 255];
    assert_eq!(answers, expected.map(Some).to_vec());
    assert_eq!(value(&store, "s")?, Some(vec![0x00, 0x80, 0xff, 0x80]));
    // Redis quirks: an unsigned SET takes -1 as 2^64 - 1 (so saturates high), and a signed
    // SET of a value near i64::MIN saturates high too.
    let quirks = [
        overflow(BitfieldOverflow::Sat),
        set("u8", 0, -1),
        get("u8", 0),
        set("i8", 8, i64::MIN),
        get("i8", 8),
        set("i9", 66, i64::MIN),
        get("i9", 66),
        set("i9", 66, i64::MIN + 300),
        get("i9", 66),
    ];
    let expected = [0, 255, 0, 127, 0, 255, 255, -256];
    assert_eq!(store.bitfield("q", &quirks)?, expected.map(Some).to_vec());
    Ok(())
}

#[test]
fn bitfield_fail_skips_overflowing_writes() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    let ops = [
        overflow(BitfieldOverflow::Fail),
        incrby("u8", 0, 255),
        incrby("u8", 0, 1),
        incrby("u8", 0, -256),
        incrby("i8", 8, 127),
        incrby("i8", 8, 1),
        incrby("i8", 8, -256),
        set("u8", 16, 256),
        set("i8", 24, -129),
        get("u32", 0),
    ];
    let answers = store.bitfield("f", &ops)?;
    let expected = [
        Some(255),
        None,
        None,
        Some(127),
        None,
        None,
        None,
        None,
        Some(4286513152),
    ];
    assert_eq!(answers, expected.to_vec());
    assert_eq!(value(&store, "f")?, Some(vec![0xff, 0x7f, 0x00, 0x00]));
    Ok(())
}

#[test]
fn bitfield_i64_and_u63_extremes() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    let signed = [
        set("i64", 0, i64::MIN),
        incrby("i64", 0, -1),
        overflow(BitfieldOverflow::Sat),
        incrby("i64", 0, -1),
        incrby("i64", 0, 1),
        overflow(BitfieldOverflow::Fail),
        incrby("i64", 0, 1),
        incrby("i64", 0, -2),
        get("i64", 0),
    ];
    let expected = [
        Some(0),
        Some(i64::MAX),
        Some(i64::MAX - 1),
        Some(i64::MAX),
        None,
        Some(i64::MAX - 2),
        Some(i64::MAX - 2),
    ];
    assert_eq!(store.bitfield("i", &signed)?, expected.to_vec());
    let wrap = [set("i64", 0, i64::MAX), incrby("i64", 0, 1), get("i64", 0)];
    let expected = [Some(i64::MAX - 2), Some(i64::MIN), Some(i64::MIN)];
    assert_eq!(store.bitfield("i", &wrap)?, expected.to_vec());

    let unsigned = [
        set("u63", 0, i64::MAX),
        incrby("u63", 0, 1),
        overflow(BitfieldOverflow::Sat),
        incrby("u63", 0, -1),
        incrby("u63", 0, 1),
        overflow(BitfieldOverflow::Fail),
        incrby("u63", 0, 1),
        incrby("u63", 0, i64::MAX),
        get("u63", 0),
    ];
    let expected = [Some(0), Some(0), Some(0), Some(1), Some(2), None, Some(2)];
    assert_eq!(store.bitfield("u", &unsigned)?, expected.to_vec());
    let top = [set("u63", 1, i64::MAX), get("u63", 1), get("i64", 0)];
    assert_eq!(
        store.bitfield("top", &top)?,
        vec![Some(0), Some(i64::MAX), Some(i64::MAX)]
    );
    Ok(())
}

#[test]
fn bitfield_one_bit_types() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    let ops = [
        set("u1", 0, 1),
        set("i1", 1, -1),
        get("i1", 0),
        get("u1", 1),
        incrby("i1", 0, 1),
        incrby("u1", 1, 1),
    ];
    let expected = [0, 0, -1, 1, 0, 0];
    assert_eq!(store.bitfield("x", &ops)?, expected.map(Some).to_vec());
    Ok(())
}

#[test]
fn bitfield_writes_create_and_grow_the_key_but_gets_do_not() -> keyp::Result<()> {
    let (_dir, store, _clock) = open_with_clock()?;
    assert_eq!(store.bitfield("nk2", &[get("u8", 0)])?, vec![Some(0)]);
    assert_eq!(store.bitfield("nk2", &[])?, vec![]);
    assert_eq!(
        store.bitfield("far", &[get("u8", BIT_LIMIT - 1)])?,
        vec![Some(0)]
    );
    assert_eq!(store.exists(&["nk2", "far"])?, 0);

    // Even a write that fails creates the key, long enough for the field.
    let ops = [overflow(BitfieldOverflow::Fail), incrby("u2", 100, 10)];
    assert_eq!(store.bitfield("nk", &ops)?, vec![None]);
    assert_eq!(store.strlen("nk")?, 13);

    store.set("f", "abc")?;
    store.expire("f", 100, ExpireCondition::Always)?;
    assert_eq!(store.bitfield("f", &[set("u8", 0, 1)])?, vec![Some(97)]);
    assert_eq!(store.ttl("f")?, Ttl::ExpiresIn(Duration::from_secs(100)));
    assert_eq!(value(&store, "f")?, Some(b"\x01bc".to_vec()));
    assert_eq!(
        store.bitfield("f", &[set("u16", 24, 0x4142)])?,
        vec![Some(0)]
    );
    assert_eq!(value(&store, "f")?, Some(b"\x01bcAB".to_vec()));
    Ok(())
}

#[test]
fn bitfield_ro_reads_and_refuses_writes() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    store.set("k", b"\xff\x00")?;
    let reads = [
        overflow(BitfieldOverflow::Sat),
        get("i8", 0),
        get("u4", 4),
        get("u8", 100),
    ];
    assert_eq!(store.bitfield_ro("k", &reads)?, vec![-1, 15, 0]);
    assert_eq!(store.bitfield_ro("missing", &reads)?, vec![0, 0, 0]);
    assert_eq!(
        store.bitfield_ro("k", &[overflow(BitfieldOverflow::Fail)])?,
        vec![]
    );
    for write in [set("u8", 0, 1), incrby("u8", 0, 1)] {
        let result = store.bitfield_ro("k", &[get("u8", 0), write]);
        assert!(matches!(result, Err(Error::BitfieldReadOnly)));
    }
    assert_eq!(value(&store, "k")?, Some(vec![0xff, 0x00]));
    assert_eq!(
        Error::BitfieldReadOnly.to_string(),
        "ERR BITFIELD_RO only supports the GET subcommand"
    );
    Ok(())
}

#[test]
fn bitfield_types_parse_as_redis_parses_them() -> keyp::Result<()> {
    for (name, signed, bits) in [
        ("i1", true, 1),
        ("i64", true, 64),
        ("u1", false, 1),
        ("u63", false, 63),
    ] {
        let parsed = ty(name);
        assert_eq!((parsed.is_signed(), parsed.bits()), (signed, bits));
        assert_eq!(parsed.to_string(), name);
        assert_eq!(BitfieldType::new(signed, bits)?, parsed);
    }
    for bad in [
        "u64", "i65", "i0", "u0", "I8", "U8", "i08", "i+8", "i-8", "", "i", "x8", "i8 ",
    ] {
        let result = BitfieldType::parse(bad.as_bytes());
        assert!(matches!(result, Err(Error::BitfieldType)), "{bad:?}");
    }
    assert!(matches!(
        BitfieldType::new(false, 64),
        Err(Error::BitfieldType)
    ));
    assert!(matches!(
        BitfieldType::new(true, 0),
        Err(Error::BitfieldType)
    ));
    assert_eq!(
        Error::BitfieldType.to_string(),
        "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."
    );
    Ok(())
}

#[test]
fn bitfield_offsets_parse_absolute_and_indexed() -> keyp::Result<()> {
    let u8 = ty("u8");
    assert_eq!(BitfieldOffset::parse(b"12", u8)?, BitfieldOffset::Bits(12));
    assert_eq!(BitfieldOffset::parse(b"#2", u8)?, BitfieldOffset::Index(2));
    assert_eq!(BitfieldOffset::Index(2).resolve(u8)?, 16);
    assert_eq!(BitfieldOffset::Index(3).resolve(ty("i5"))?, 15);
    assert_eq!(
        BitfieldOffset::parse(b"4294967295", u8)?.resolve(u8)?,
        BIT_LIMIT - 1
    );
    assert_eq!(
        BitfieldOffset::parse(b"#536870911", u8)?.resolve(u8)?,
        BIT_LIMIT - 8
    );
    for bad in [
        "4294967296",
        "#536870912",
        "-1",
        "#-1",
        "#",
        "#+1",
        "+1",
        "x",
        "",
        "##1",
    ] {
        let result = BitfieldOffset::parse(bad.as_bytes(), u8);
        assert!(matches!(result, Err(Error::BitOffset)), "{bad:?}");
    }
    assert!(matches!(
        BitfieldOffset::Bits(BIT_LIMIT).resolve(u8),
        Err(Error::BitOffset)
    ));
    let huge = BitfieldOffset::Index(u64::MAX);
    assert!(matches!(huge.resolve(u8), Err(Error::BitOffset)));

    // An out-of-range offset built directly fails the whole command before anything runs.
    let (_dir, store) = open()?;
    let ops = [
        set("u8", 0, 1),
        BitfieldOp::Get {
            ty: u8,
            offset: BitfieldOffset::Bits(BIT_LIMIT),
        },
    ];
    assert!(matches!(store.bitfield("k", &ops), Err(Error::BitOffset)));
    assert!(matches!(
        store.bitfield_ro("k", &ops[1..]),
        Err(Error::BitOffset)
    ));
    assert_eq!(store.exists(&["k"])?, 0);
    Ok(())
}

#[test]
fn bitfield_overflow_modes_parse_case_insensitively() -> keyp::Result<()> {
    assert_eq!(BitfieldOverflow::parse(b"wrap")?, BitfieldOverflow::Wrap);
    assert_eq!(BitfieldOverflow::parse(b"SAT")?, BitfieldOverflow::Sat);
    assert_eq!(BitfieldOverflow::parse(b"Fail")?, BitfieldOverflow::Fail);
    assert_eq!(BitfieldOverflow::default(), BitfieldOverflow::Wrap);
    let result = BitfieldOverflow::parse(b"foo");
    assert!(matches!(result, Err(Error::BitfieldOverflowType)));
    assert_eq!(
        Error::BitfieldOverflowType.to_string(),
        "ERR Invalid OVERFLOW type specified"
    );
    Ok(())
}

#[test]
fn bitmap_commands_compose_in_one_transaction() -> keyp::Result<()> {
    let (_dir, store) = open()?;
    let (old, count, pos, fields) = store.transaction(|tx| {
        let old = tx.setbit("t", 9, true)?;
        let count = tx.bitcount("t", None)?;
        let pos = tx.bitpos("t", true, None)?;
        let fields = tx.bitfield("t", &[incrby("u8", 8, 1)])?;
        Ok((old, count, pos, fields))
    })?;
    assert_eq!((old, count, pos, fields), (false, 1, 9, vec![Some(65)]));
    assert!(store.read(|r| r.getbit("t", 15))?);
    Ok(())
}
