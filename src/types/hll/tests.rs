//! Unit tests of the HyperLogLog format: the sparse encoder and decoder, dense registers, the
//! estimator, and a property test that the sparse and dense paths agree.

use proptest::prelude::*;

use super::format::{self, Encoding, DENSE_LEN, HEADER_LEN, REGISTERS};
use super::{add, raise, sparse};
use crate::error::Error;

/// A sparse value with a stale cache whose registers are the opcodes `ops`.
fn sparse_value(ops: &[u8]) -> Vec<u8> {
    let mut value = b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80".to_vec();
    value.extend_from_slice(ops);
    value
}

/// The registers of a valid value, one per byte.
fn registers_of(value: &[u8]) -> Vec<u8> {
    let mut max = vec![0u8; REGISTERS];
    let encoding = format::encoding(value).unwrap();
    format::merge_into(&mut max, value, encoding).unwrap();
    max
}

/// The opcodes (after the header) of a value.
fn ops(value: &[u8]) -> &[u8] {
    &value[HEADER_LEN..]
}

#[test]
fn zero_runs_use_zero_up_to_64_registers_and_xzero_above() {
    let cases: [(usize, &[u8]); 6] = [
        (1, &[0x00]),
        (64, &[0x3f]),
        (65, &[0x40, 0x40]),
        (1000, &[0x43, 0xe7]),
        (16_384, &[0x7f, 0xff]),
        (16_385, &[0x7f, 0xff, 0x00]),
    ];
    for (run, expected) in cases {
        let mut out = Vec::new();
        sparse::push_zeros(&mut out, run);
        assert_eq!(out, expected, "{run}");
    }
    assert_eq!(format::empty(), b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff");
}

#[test]
fn the_example_of_redis_s_documentation_encodes_as_documented() {
    // Registers 1000 = 2, 1020 = 3, 1021 = 3: XZERO:1000 VAL:2,1 ZERO:19 VAL:3,2 XZERO:15362.
    let mut value = format::empty();
    assert!(sparse::set(&mut value, 1000, 2).unwrap());
    assert!(sparse::set(&mut value, 1020, 3).unwrap());
    assert!(sparse::set(&mut value, 1021, 3).unwrap());
    assert_eq!(ops(&value), [0x43, 0xe7, 0x84, 0x12, 0x89, 0x7c, 0x01]);
    // A change marks the cache stale.
    assert_eq!(format::cached_count(&value), None);
    // Nothing changes for a value not above the register's.
    assert!(!sparse::set(&mut value, 1021, 2).unwrap());
    assert!(!sparse::set(&mut value, 1000, 2).unwrap());
    let registers = registers_of(&value);
    assert_eq!(
        (registers[1000], registers[1020], registers[1021]),
        (2, 3, 3)
    );
    assert_eq!(registers.iter().filter(|&&r| r != 0).count(), 3);
}

#[test]
fn val_opcodes_split_and_merge_as_in_redis() {
    // VAL:2,4 covering registers 0..4, then XZERO for the rest.
    let mut value = sparse_value(&[0x87, 0x7f, 0xfb]);
    // Raising the third splits it into VAL:2,2 VAL:3,1 VAL:2,1.
    assert!(sparse::set(&mut value, 2, 3).unwrap());
    assert_eq!(ops(&value), [0x85, 0x88, 0x84, 0x7f, 0xfb]);
    // Raising the fourth to 3 merges it into its equal neighbour: VAL:2,2 VAL:3,2.
    assert!(sparse::set(&mut value, 3, 3).unwrap());
    assert_eq!(ops(&value), [0x85, 0x89, 0x7f, 0xfb]);
    // A ZERO of one register becomes a VAL in place; VAL runs merge up to 4 registers only.
    let mut value = sparse_value(&[0x83, 0x00, 0x80, 0x7f, 0xf9]);
    assert!(!sparse::set(&mut value, 2, 1).unwrap());
    assert!(sparse::set(&mut value, 4, 1).unwrap());
    assert_eq!(ops(&value), [0x83, 0x81, 0x7f, 0xf9]);
    assert!(sparse::set(&mut value, 6, 1).unwrap());
    assert_eq!(ops(&value), [0x83, 0x82, 0x7f, 0xf8]);
    assert!(sparse::set(&mut value, 7, 1).unwrap());
    assert_eq!(ops(&value), [0x83, 0x83, 0x7f, 0xf7]);
    assert!(sparse::set(&mut value, 8, 1).unwrap());
    assert_eq!(ops(&value), [0x83, 0x83, 0x80, 0x7f, 0xf6]);
    assert_eq!(&registers_of(&value)[..10], [1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
}

#[test]
fn a_register_above_32_or_a_long_sequence_turns_the_value_dense() {
    let mut value = format::empty();
    assert!(sparse::set(&mut value, 7, 5).unwrap());
    assert!(sparse::set(&mut value, 9, 33).unwrap());
    assert_eq!(value.len(), DENSE_LEN);
    assert_eq!(format::encoding(&value).unwrap(), Encoding::Dense);
    let registers = registers_of(&value);
    assert_eq!((registers[7], registers[9]), (5, 33));
    // Every other register set to 1, one by one, until the sparse value would pass 3,000
    // bytes: it turns dense there, with every register kept.
    let mut value = format::empty();
    let mut index = 0;
    while format::encoding(&value).unwrap() == Encoding::Sparse {
        assert!(value.len() <= sparse::SPARSE_MAX_BYTES);
        assert!(raise(&mut value, index, 1).unwrap());
        index += 2;
    }
    let registers = registers_of(&value);
    assert!((0..index).all(|i| registers[i] == u8::from(i % 2 == 0)));
    assert!(registers[index..].iter().all(|&r| r == 0));
}

#[test]
fn sparse_sequences_must_cover_every_register() {
    let visit = |ops: &[u8]| {
        let mut total = 0;
        sparse::for_each_run(ops, |_, run, _| total += run).map(|()| total)
    };
    assert!(matches!(visit(&[0x7f, 0xff]), Ok(16_384)));
    assert!(matches!(visit(&[0x3f, 0x80, 0x7f, 0xbe]), Ok(16_384)));
    for bad in [
        &[][..],
        &[0x7f, 0xfe],
        &[0x7f, 0xff, 0x00],
        &[0x7f, 0xff, 0x7f, 0xff],
    ] {
        assert!(
            matches!(visit(bad), Err(Error::CorruptHyperLogLog)),
            "{bad:?}"
        );
    }
    // An XZERO cut short reads 0 for its second byte, like Redis reading the NUL after it.
    assert!(matches!(visit(&[0x40, 0xfe, 0x7f]), Ok(16_384)));
    // Setting a register where the opcodes end, or inside a cut-short XZERO, is refused.
    let mut short = sparse_value(&[0x40, 0x63]);
    assert!(matches!(
        sparse::set(&mut short, 100, 1),
        Err(Error::CorruptHyperLogLog)
    ));
    assert!(sparse::set(&mut short, 99, 1).unwrap());
    let mut cut = sparse_value(&[0x40, 0xfe, 0x7f]);
    assert!(matches!(
        sparse::set(&mut cut, 300, 1),
        Err(Error::CorruptHyperLogLog)
    ));
    // Turning dense checks the whole sequence.
    let mut over = sparse_value(&[0x7f, 0xff, 0x7f, 0xff]);
    assert!(matches!(
        sparse::set(&mut over, 0, 40),
        Err(Error::CorruptHyperLogLog)
    ));
}

#[test]
fn dense_registers_are_six_bits_each_and_independent() {
    let mut registers = vec![0u8; DENSE_LEN - HEADER_LEN];
    let value_of = |i: usize| ((i * 7 + 3) % 64) as u8;
    for i in 0..REGISTERS {
        format::dense_put(&mut registers, i, value_of(i));
    }
    assert!((0..REGISTERS).all(|i| format::dense_get(&registers, i) == value_of(i)));
    format::dense_put(&mut registers, 5, 0);
    assert_eq!(format::dense_get(&registers, 4), value_of(4));
    assert_eq!(format::dense_get(&registers, 6), value_of(6));
    assert!(!format::dense_raise(&mut registers, 6, value_of(6)));
    assert!(format::dense_raise(&mut registers, 5, 1));
    // The last register sits in the top bits of the last byte.
    format::dense_put(&mut registers, REGISTERS - 1, 63);
    assert_eq!(registers[registers.len() - 1] >> 2, 63);
}

#[test]
fn elements_map_to_registers_as_redis_hashes_them() {
    // Register and value as Redis gives them (checked by where PFADD wrote in Redis 7.0.15).
    assert_eq!(format::pattern(b"x35"), (57, 1));
    assert_eq!(format::pattern(b"x0"), (4316, 14));
    let mut value = format::empty();
    assert!(add(&mut value, b"x35").unwrap());
    assert_eq!(ops(&value), [0x38, 0x80, 0x7f, 0xc5]);
}

#[test]
fn the_estimate_of_nothing_is_zero_and_a_cache_roundtrips() {
    let mut histogram = [0u32; 64];
    histogram[0] = REGISTERS as u32;
    assert_eq!(format::estimate(&histogram), 0);
    let mut value = format::empty();
    assert_eq!(format::cached_count(&value), Some(0));
    format::set_cached_count(&mut value, 0x0102_0304_0506);
    assert_eq!(format::cached_count(&value), Some(0x0102_0304_0506));
    format::invalidate_cache(&mut value);
    assert_eq!(format::cached_count(&value), None);
    assert_eq!(&value[8..16], [6, 5, 4, 3, 2, 1, 0, 0x80]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Adding the same elements through the sparse path and the dense path gives the same
    /// registers, the same change reports and the same count.
    #[test]
    fn sparse_and_dense_paths_agree(
        elements in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..12), 0..400)
    ) {
        let mut via_sparse = format::empty();
        let mut via_dense = format::to_dense(&via_sparse).unwrap();
        for element in &elements {
            let sparse_changed = add(&mut via_sparse, element).unwrap();
            let dense_changed = add(&mut via_dense, element).unwrap();
            prop_assert_eq!(sparse_changed, dense_changed);
        }
        prop_assert_eq!(registers_of(&via_sparse), registers_of(&via_dense));
        let count = |value: &[u8]| {
            let encoding = format::encoding(value).unwrap();
            format::estimate(&format::histogram(value, encoding).unwrap())
        };
        prop_assert_eq!(count(&via_sparse), count(&via_dense));
        // The sparse value turned dense equals the dense one, header aside.
        prop_assert_eq!(
            &format::to_dense(&via_sparse).unwrap()[HEADER_LEN..],
            &via_dense[HEADER_LEN..]
        );
    }

    /// Arbitrary opcodes never make a read or an update panic or overrun.
    #[test]
    fn arbitrary_sparse_bytes_never_panic(
        ops in prop::collection::vec(any::<u8>(), 0..64),
        index in 0..REGISTERS,
        count in 1u8..52,
    ) {
        let mut value = sparse_value(&ops);
        let _ = format::histogram(&value, Encoding::Sparse);
        let _ = format::to_dense(&value);
        let mut max = vec![0u8; REGISTERS];
        let _ = format::merge_into(&mut max, &value, Encoding::Sparse);
        if sparse::set(&mut value, index, count).is_ok() {
            prop_assert!(format::encoding(&value).is_ok());
        }
    }
}
