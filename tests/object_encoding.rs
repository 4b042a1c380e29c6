//! OBJECT ENCODING of every collection type, as redis-server 7.0.15 started without a
//! configuration file reports it (values checked against that server).

use keyp::Result;

#[test]
fn collection_encodings_follow_redis_defaults() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = keyp::Store::open(dir.path())?;

    store.hset("h", &[("a", "1")])?;
    assert_eq!(store.object_encoding("h")?, Some("listpack"));
    let fields: Vec<(String, &str)> = (1..=512).map(|i| (format!("f{i}"), "v")).collect();
    store.hset("big", &fields)?;
    assert_eq!(store.object_encoding("big")?, Some("listpack"));
    store.hset("big", &[("f513", "v")])?;
    assert_eq!(store.object_encoding("big")?, Some("hashtable"));

    store.zadd("z", keyp::ZAddOptions::default(), &[(1.0, "a")])?;
    assert_eq!(store.object_encoding("z")?, Some("listpack"));
    let long = "x".repeat(65);
    store.zadd("z", keyp::ZAddOptions::default(), &[(2.0, long.as_str())])?;
    assert_eq!(store.object_encoding("z")?, Some("skiplist"));

    store.rpush("l", &["a"])?;
    assert_eq!(store.object_encoding("l")?, Some("quicklist"));
    assert_eq!(store.object_encoding("missing")?, None);
    Ok(())
}
