//! PFMERGE: into a missing or an existing destination, sparse and dense inputs, Redis 7.0's
//! result encoding (dense as soon as one input is dense; otherwise sparse until it outgrows
//! 3,000 bytes). Bytes from redis-server 7.0.15.

use super::{elements, get_hex, hex, letters, open, unhex, DENSE_5000, EMPTY_STALE};
use keyp::Result;

/// PFMERGE m letters num100: sparse, cache stale.
const LETTERS_NUM100: &str = "48594c4c01000000000000000000008041768c407684409a9040c98040ee8c10801c8c40418840e688405f803f80298040898840b28040419840708408804120804059842080078040f48042108840c594406f8040e2800a801484409a8c378817840e800a804076804040840480408580405f803380404d8840549040da80415b802280406b944075804058804094803780248041718040658440c68041499440aa80406b800c9040db8040ac904147881a84413e84028015841d80408f800f8440d28c40c780404c844081940b8c40b380318c28802d803c80404780446e80409280278041bd881588408d80410a803f800784412484405a8440a580406d84404c8440f084298040da80038c028c1b80405880068042f4801a843d801d8840aa8c40ed80404880404a942c80388c21880d8040b2881c8040d48c40b880158418883a80407080406794408a80407b80405e80407e8408";

/// PFMERGE m letters d5000 (d:0 .. d:4999), after PFCOUNT m: dense, count 4979 cached.
const MERGED_DENSE: &str = include_str!("../data/hll/merge_letters_dense_5000.hex");

#[test]
fn sparse_sources_merge_into_a_missing_destination_as_sparse() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    store.pfadd("letters", &letters())?;
    store.pfadd("num100", &elements("", 100))?;
    store.pfmerge("m", &["letters", "num100"])?;
    assert_eq!(get_hex(&store, "m")?, LETTERS_NUM100);
    assert_eq!(store.pfcount(&["m"])?, 125);
    // Sources are untouched.
    assert_eq!(get_hex(&store, "letters")?, super::LETTERS);
    Ok(())
}

#[test]
fn a_dense_source_makes_the_destination_dense() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    store.pfadd("letters", &letters())?;
    store.pfadd("d5000", &elements("d:", 5000))?;
    store.pfmerge("m", &["letters", "d5000"])?;
    let merged = get_hex(&store, "m")?;
    assert_eq!(&merged[..32], "48594c4c000000000000000000000080");
    // The pinned bytes were taken after PFCOUNT cached the count, 4979 = 0x1373.
    assert_eq!(store.pfcount(&["m"])?, 4979);
    assert_eq!(get_hex(&store, "m")?, MERGED_DENSE);
    assert_eq!(&merged[32..], &MERGED_DENSE[32..]);
    // An existing sparse destination whose cache was valid (count 1) turns dense, its
    // header (cached count included) copied and marked stale.
    store.pfadd("ex", &["ann"])?;
    assert_eq!(store.pfcount(&["ex"])?, 1);
    store.pfmerge("ex", &["d5000"])?;
    assert_eq!(
        &get_hex(&store, "ex")?[..32],
        "48594c4c000000000100000000000080"
    );
    assert_eq!(store.pfcount(&["ex"])?, 4955);
    // An existing dense destination takes sparse sources.
    store.pfadd("d", &elements("d:", 5000))?;
    store.pfmerge("d", &["letters"])?;
    assert_eq!(store.pfcount(&["d"])?, 4979);
    Ok(())
}

#[test]
fn an_existing_sparse_destination_keeps_its_registers() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    store.pfadd("mon", &["ann", "bob", "cy"])?;
    store.pfadd("tue", &["bob", "dee"])?;
    assert_eq!(store.pfcount(&["mon"])?, 3);
    assert_eq!(
        get_hex(&store, "mon")?,
        "48594c4c01000000030000000000000065248044de8044b38c5144"
    );
    store.pfmerge("mon", &["tue", "nokey"])?;
    assert_eq!(
        get_hex(&store, "mon")?,
        "48594c4c01000000030000000000008040a98064798044de8044b38c5144"
    );
    assert_eq!(store.pfcount(&["mon"])?, 4);
    Ok(())
}

#[test]
fn merging_a_destination_alone_or_nothing() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    // The destination alone: registers rewritten in place (same opcodes), cache stale.
    store.pfadd("ed", &["ann", "d:1"])?;
    store.pfmerge("ed", &[] as &[&str])?;
    assert_eq!(
        get_hex(&store, "ed")?,
        "48594c4c01000000000000000000008042198067e98055f9"
    );
    // A missing destination with no sources: an empty HyperLogLog.
    store.pfmerge("new", &["nokey"])?;
    assert_eq!(get_hex(&store, "new")?, EMPTY_STALE);
    assert_eq!(store.pfcount(&["new"])?, 0);
    Ok(())
}

#[test]
fn a_sparse_merge_turns_dense_when_it_outgrows_the_sparse_limit() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    store.pfadd("a", &elements("user:", 1500))?;
    store.pfadd("b", &elements("g:", 1000))?;
    assert_eq!(store.strlen("a")?, 2742);
    assert_eq!(store.strlen("b")?, 1899);
    store.pfmerge("m", &["a", "b"])?;
    assert_eq!(
        &get_hex(&store, "m")?[..32],
        "48594c4c000000000000000000000080"
    );
    // Pinned after PFCOUNT cached the count, 2517 = 0x09d5.
    assert_eq!(store.pfcount(&["m"])?, 2517);
    assert_eq!(
        get_hex(&store, "m")?,
        include_str!("../data/hll/merge_promoted.hex")
    );
    assert_eq!(store.pfcount(&["a", "b"])?, 2517);
    // Merging under the limit stays sparse.
    store.pfadd("c", &elements("", 100))?;
    store.pfadd("d", &elements("user:", 1000))?;
    store.pfmerge("small", &["c", "d"])?;
    assert_eq!(store.strlen("small")?, 2079);
    assert_eq!(store.pfcount(&["small"])?, 1107);
    Ok(())
}

#[test]
fn merged_bytes_taken_from_redis_merge_again() -> Result<()> {
    let (_dir, store, _clock) = open()?;
    store.set("d", unhex(DENSE_5000))?;
    store.set("l", unhex(super::LETTERS))?;
    store.pfmerge("m", &["l", "d"])?;
    assert_eq!(store.pfcount(&["m"])?, 4979);
    assert_eq!(hex(&store.get("m")?.unwrap()), MERGED_DENSE);
    // And so do they when SET back.
    store.set("again", unhex(MERGED_DENSE))?;
    assert_eq!(store.pfcount(&["again", "l"])?, 4979);
    Ok(())
}
