//! Random command sequences from a table of templates.
//!
//! A template is a command line whose words are literals or placeholders (`{k}` a key of the
//! pool, `{v}` a value, `{n}` an integer-ish argument, `{tn}` a time argument; `{lk}`, `{hk}`,
//! `{sk}`, `{zk}`, `{xk}` a key of the list, hash, set, sorted set or stream pool, which is
//! now and then a key of another pool, for WRONGTYPE...), with how its replies are compared.
//! To cover another command family, add lines to [`TEMPLATES`] (and, if it needs them, a
//! placeholder to [`Gen::fill`]); templates whose command keyp does not have yet are skipped,
//! so a family can be listed before its handlers exist.

use super::Compare;

/// One template: the command line and how replies are compared.
pub struct Template {
    /// Words separated by spaces; `{...}` are placeholders.
    pub line: &'static str,
    /// How the two replies are compared.
    pub compare: Compare,
}

const fn t(line: &'static str) -> Template {
    Template {
        line,
        compare: Compare::Exact,
    }
}

const fn c(line: &'static str, compare: Compare) -> Template {
    Template { line, compare }
}

/// Every template. Exclusions and non-exact comparisons, and why:
/// - KEYS: hash-table order differs, compared as a multiset.
/// - SCAN: cursor values are implementation details; a COUNT larger than the pool makes both
///   finish in one call, then the keys are compared as a multiset ([`Compare::Scan`]).
/// - RANDOMKEY: random; compared by shape (a key or nil).
/// - TTL / PTTL / EXPIRETIME / PEXPIRETIME: the two servers set relative deadlines a few
///   milliseconds apart; compared within a tolerance.
/// - OBJECT IDLETIME: time-dependent (and Redis counts reads, keyp only writes): by shape.
/// - OBJECT REFCOUNT: keyp reports a COPY of a small integer as shared (Redis does not):
///   by shape.
/// - SET with a deadline already past: Redis 7.0 stores the key and lets it expire lazily,
///   so its DBSIZE still counts it until then, where keyp's does not. The generator never
///   gives SET a past deadline (the other commands delete such a key at once in both).
/// - OBJECT FREQ, DEBUG, INFO, CONFIG, CLIENT...: not generated (server-specific).
/// - HKEYS, HVALS, SMEMBERS, SINTER, SUNION, SDIFF: hash-table order; as multisets.
///   HGETALL: as a multiset of field-value pairs ([`Compare::Pairs`]).
/// - SSCAN, HSCAN, ZSCAN: from cursor 0 with a COUNT above any collection's size, as
///   [`Compare::Scan`] (HSCAN and ZSCAN by pairs: [`Compare::ScanPairs`]). No other non-zero
///   cursor: one that no scan returned is opaque (Redis parses `-1` as a huge cursor and
///   ignores it for small encodings; keyp's cursor is a position); bad cursors (`x`, ` 1`)
///   and `""` (cursor 0 to Redis's `strtoul`) are generated, with COUNT 1000 too: a first
///   page of a big collection holds whatever the implementation visits first.
/// - SRANDMEMBER, HRANDFIELD, ZRANDMEMBER: random; without a count by shape, with one by the
///   number of elements ([`Compare::Count`]). SPOP likewise, and after it keyp's set is made
///   Redis's (SADD/SREM of the difference, logged as `# keyp only`) so later commands compare.
/// - XADD with `*`: IDs follow the clock; only on key `xauto`, by shape, with XLEN. Every
///   other ID is explicit (`{xnew}` mostly grows; `<ms>-*` is deterministic).
/// - XPENDING's extended form and XINFO CONSUMERS: exact but for idle times
///   ([`Compare::Idle`]); XINFO STREAM FULL (delivery and seen times): by shape. XCLAIM and
///   XAUTOCLAIM use min-idle 0 or one far above the run's length, so what they claim is fixed.
/// - Blocking commands (BLPOP... BZMPOP, XREAD/XREADGROUP BLOCK): a timeout of 10-20 ms or
///   an invalid one, never 0; they return at once when there is data, else time out in both.
/// - Lex ranges (ZRANGEBYLEX, ZLEXCOUNT, ZRANGE BYLEX...) over a sorted set whose scores differ
///   are unspecified; Redis's listpack walks from the lowest member, as keyp does, but its
///   skiplist search depends on random node levels. So before each lex-range command the run
///   asks Redis, and leaves the command out (logged `# skipped`) when the set is a skiplist
///   with differing scores; transactions queue no lex range.
/// - MULTI: starts a block (see `transaction` in tests/differential.rs) of WATCH, commands
///   compared exactly, then EXEC or DISCARD; EXEC's reply holds the queued commands' replies.
/// - Newer than Redis 7.0, left out: HEXPIRE and the other hash field TTL commands, ZRANK
///   WITHSCORE, XREAD `+`, CLIENT NO-TOUCH... (those that 7.0 refuses are in the scripts as
///   errors where keyp refuses them too).
pub const TEMPLATES: &[Template] = &[
    // strings
    t("GET {k}"),
    t("SET {k} {v}"),
    t("SET {k} {v}"),
    t("SET {k} {v} {setopt}"),
    t("SET {k} {v} {setopt} {setopt}"),
    t("SET {k} {v} {setopt} {tn}"),
    t("SET {k} {v} EX {ttl} {setopt}"),
    t("SET {k} {v} PXAT {atfuture} GET"),
    t("SET {k} {v} KEEPTTL XX GET"),
    t("SETNX {k} {v}"),
    t("SETEX {k} {tn} {v}"),
    t("SETEX {k} {ttl} {v}"),
    t("PSETEX {k} {pttl} {v}"),
    t("PSETEX {k} {tn} {v}"),
    t("MGET {k} {k} {k}"),
    t("MSET {k} {v} {k} {v}"),
    t("MSETNX {k} {v} {k} {v}"),
    t("GETSET {k} {v}"),
    t("GETDEL {k}"),
    t("GETEX {k}"),
    t("GETEX {k} {getexopt} {tn}"),
    t("GETEX {k} EX {ttl}"),
    t("GETEX {k} PERSIST"),
    t("GETEX {k} EXAT {at}"),
    t("APPEND {k} {v}"),
    t("STRLEN {k}"),
    t("SETRANGE {k} {off} {v}"),
    t("SETRANGE {k} {n} {v}"),
    t("GETRANGE {k} {n} {n}"),
    t("SUBSTR {k} {i} {i}"),
    t("INCR {k}"),
    t("DECR {k}"),
    t("INCRBY {k} {n}"),
    t("DECRBY {k} {n}"),
    t("INCRBYFLOAT {k} {f}"),
    t("LCS {k} {k}"),
    t("LCS {k} {k} LEN"),
    t("LCS {k} {k} IDX MINMATCHLEN {i} WITHMATCHLEN"),
    t("LCS {k} {k} {lcsopt} {lcsopt}"),
    // keyspace
    t("DEL {k} {k}"),
    t("UNLINK {k}"),
    t("EXISTS {k} {k} {k}"),
    t("TYPE {k}"),
    t("TOUCH {k} {k}"),
    t("DBSIZE"),
    c("KEYS {pat}", Compare::Unordered),
    c("SCAN 0 COUNT 1000 MATCH {pat}", Compare::Scan),
    c("SCAN 0 COUNT 1000 TYPE {ty}", Compare::Scan),
    t("SCAN {n} COUNT 0"),
    c("RANDOMKEY", Compare::Shape),
    t("RENAME {k} {k}"),
    t("RENAMENX {k} {k}"),
    t("COPY {k} {k}"),
    t("COPY {k} {k} REPLACE"),
    t("COPY {k} {k} DB {db} {copyopt}"),
    t("MOVE {k} {db}"),
    t("SWAPDB {db} {db}"),
    t("SELECT {db}"),
    t("OBJECT ENCODING {k}"),
    c("OBJECT REFCOUNT {k}", Compare::Shape),
    c("OBJECT IDLETIME {k}", Compare::Shape),
    t("OBJECT {objsub} {k}"),
    t("OBJECT ENCODING {ak}"),
    t("FLUSHDB {flushopt}"),
    // time to live
    t("EXPIRE {k} {ttl} {expopt}"),
    t("EXPIRE {k} {tn} {expopt} {expopt}"),
    t("PEXPIRE {k} {pttl} {expopt}"),
    t("EXPIREAT {k} {at} {expopt}"),
    t("PEXPIREAT {k} {atms}"),
    c("TTL {k}", Compare::Near(1)),
    c("PTTL {k}", Compare::Near(1500)),
    c("EXPIRETIME {k}", Compare::Near(1)),
    c("PEXPIRETIME {k}", Compare::Near(1500)),
    t("PERSIST {k}"),
    // bitmaps
    t("SETBIT {k} {off} {bit}"),
    t("GETBIT {k} {off}"),
    t("BITCOUNT {k}"),
    t("BITCOUNT {k} {n} {n}"),
    t("BITCOUNT {k} {i} {i} {unit}"),
    t("BITPOS {k} {bit}"),
    t("BITPOS {k} {bit} {i}"),
    t("BITPOS {k} {bit} {i} {i} {unit}"),
    t("BITOP {bitop} {k} {k} {k}"),
    t("BITOP NOT {k} {k}"),
    t("BITFIELD {k} GET {bft} {bfoff}"),
    t("BITFIELD {k} SET {bft} {bfoff} {n}"),
    t("BITFIELD {k} OVERFLOW {ovf} INCRBY {bft} {bfoff} {n} GET {bft} {bfoff}"),
    t("BITFIELD_RO {k} GET {bft} {bfoff}"),
    t("BITFIELD_RO {k} SET {bft} {bfoff} {n}"),
    // HyperLogLog
    t("PFADD {k} {el} {el} {el}"),
    t("PFADD {k}"),
    t("PFCOUNT {k}"),
    t("PFCOUNT {k} {k}"),
    t("PFMERGE {k} {k} {k}"),
    // lists
    t("LPUSH {lk} {el}"),
    t("LPUSH {lk} {el} {el} {el}"),
    t("RPUSH {lk} {el} {el}"),
    t("RPUSH {lk} {el} {el} {el} {el}"),
    t("RPUSH {lk} {many}"),
    // (Pushes and adds repeated: the pops, trims and stores would leave the keys mostly
    // empty.)
    t("RPUSH {lk} {el} {el} {el}"),
    t("LPUSH {lk} {el} {el} {el}"),
    t("RPUSH {lk} {el} {el} {el}"),
    t("LPUSHX {lk} {el}"),
    t("RPUSHX {lk} {el} {el}"),
    t("LPOP {lk}"),
    t("LPOP {lk} {cnt}"),
    t("RPOP {lk}"),
    t("RPOP {lk} {cnt}"),
    t("LLEN {lk}"),
    t("LINDEX {lk} {i}"),
    t("LINDEX {lk} {n}"),
    t("LSET {lk} {i} {el}"),
    t("LSET {lk} {n} {el}"),
    t("LRANGE {lk} 0 -1"),
    t("LRANGE {lk} {i} {i}"),
    t("LRANGE {lk} {n} {n}"),
    t("LTRIM {lk} {i} {i}"),
    t("LREM {lk} {i} {el}"),
    t("LREM {lk} {n} {el}"),
    t("LINSERT {lk} {beforeafter} {el} {el}"),
    t("LPOS {lk} {el}"),
    t("LPOS {lk} {el} RANK {rank}"),
    t("LPOS {lk} {el} COUNT {cnt}"),
    t("LPOS {lk} {el} RANK {rank} COUNT {cnt} MAXLEN {cnt}"),
    t("LPOS {lk} {el} {lposopt} {n}"),
    t("LMOVE {lk} {lk} {where} {where}"),
    t("RPOPLPUSH {lk} {lk}"),
    t("LMPOP {numk} {lk} {lk} {where}"),
    t("LMPOP {numk} {lk} {lk} {where} COUNT {cnt}"),
    t("LMPOP 1 {lk} {where} {popopt} {cnt}"),
    t("BLPOP {lk} {lk} {bt}"),
    t("BRPOP {lk} {bt}"),
    t("BLMOVE {lk} {lk} {where} {where} {bt}"),
    t("BRPOPLPUSH {lk} {lk} {bt}"),
    t("BLMPOP {bt} {numk} {lk} {lk} {where} COUNT {cnt}"),
    t("BLMPOP {bt} 1 {lk} {where}"),
    t("BLMPOP {bt} 2 {lk} {lk} {where}"),
    // hashes (HEXPIRE and the other field-TTL commands are newer than Redis 7.0: left out)
    t("HSET {hk} {fld} {v}"),
    t("HSET {hk} {fld} {v} {fld} {v}"),
    t("HSET {hk} {fld}"),
    t("HSET {hk} {manypairs}"),
    t("HSET {hk} {fld} {longv}"),
    t("HSETNX {hk} {fld} {v}"),
    t("HGET {hk} {fld}"),
    t("HMGET {hk} {fld} {fld} {fld}"),
    t("HMSET {hk} {fld} {v} {fld} {v}"),
    t("HDEL {hk} {fld} {fld}"),
    t("HLEN {hk}"),
    t("HSTRLEN {hk} {fld}"),
    t("HEXISTS {hk} {fld}"),
    c("HKEYS {hk}", Compare::Unordered),
    c("HVALS {hk}", Compare::Unordered),
    c("HGETALL {hk}", Compare::Pairs),
    t("HINCRBY {hk} {fld} {n}"),
    t("HINCRBYFLOAT {hk} {fld} {f}"),
    c("HRANDFIELD {hk}", Compare::Shape),
    c("HRANDFIELD {hk} {cnt}", Compare::Count),
    c("HRANDFIELD {hk} {cnt} WITHVALUES", Compare::Count),
    c("HRANDFIELD {hk} {cnt} {bad}", Compare::Count),
    c("HSCAN {hk} 0 COUNT 1000", Compare::ScanPairs),
    c("HSCAN {hk} 0 MATCH {fpat} COUNT 1000", Compare::ScanPairs),
    c("HSCAN {hk} {badcursor} COUNT 1000", Compare::ScanPairs),
    t("HSCAN {hk} 0 COUNT {badcount}"),
    t("HSCAN {hk} 0 {bad} 1"),
    // sets
    t("SADD {sk} {m}"),
    t("SADD {sk} {m} {m} {m}"),
    t("SADD {sk} {many}"),
    t("SADD {sk} {m} {m} {m}"),
    t("SADD {sk} {manyint}"),
    t("SREM {sk} {m} {m}"),
    t("SISMEMBER {sk} {m}"),
    t("SMISMEMBER {sk} {m} {m} {m}"),
    t("SCARD {sk}"),
    c("SMEMBERS {sk}", Compare::Unordered),
    c("SPOP {sk}", Compare::Shape),
    c("SPOP {sk} {cnt}", Compare::Count),
    c("SRANDMEMBER {sk}", Compare::Shape),
    c("SRANDMEMBER {sk} {cnt}", Compare::Count),
    t("SMOVE {sk} {sk} {m}"),
    c("SINTER {sk} {sk}", Compare::Unordered),
    c("SINTER {sk} {sk} {sk}", Compare::Unordered),
    t("SINTERCARD {numk} {sk} {sk}"),
    t("SINTERCARD 2 {sk} {sk} LIMIT {cnt}"),
    t("SINTERSTORE {sd} {sk} {sk}"),
    c("SUNION {sk} {sk}", Compare::Unordered),
    t("SUNIONSTORE {sd} {sk} {sk}"),
    c("SDIFF {sk} {sk} {sk}", Compare::Unordered),
    t("SDIFFSTORE {sd} {sk} {sk}"),
    c("SSCAN {sk} 0 COUNT 1000", Compare::Scan),
    c("SSCAN {sk} 0 MATCH {mpat} COUNT 1000", Compare::Scan),
    c("SSCAN {sk} {badcursor} COUNT 1000", Compare::Scan),
    // sorted sets
    t("ZADD {zk} {sc} {m}"),
    t("ZADD {zk} {sc} {m} {sc} {m}"),
    t("ZADD {zk} {zaddopt} {sc} {m}"),
    t("ZADD {zk} {zaddopt} {zaddopt} {sc} {m} {sc} {m}"),
    t("ZADD {zk} {zaddopt} INCR {sc} {m}"),
    t("ZADD {zk} {sc}"),
    t("ZADD {zk} {manyscored}"),
    t("ZADD {zk} {i} {m} {i} {m} {i} {m}"),
    t("ZADD {zk} {i} {m} {i} {m} {i} {m}"),
    t("ZADD {zk} {i} {m} {i} {m} {i} {m}"),
    t("ZADD {zk} {sc} {longv}"),
    t("ZINCRBY {zk} {sc} {m}"),
    t("ZREM {zk} {m} {m}"),
    t("ZCARD {zk}"),
    t("ZCOUNT {zk} {smin} {smax}"),
    t("ZLEXCOUNT {zk} {lex} {lex}"),
    t("ZSCORE {zk} {m}"),
    t("ZMSCORE {zk} {m} {m} {m}"),
    t("ZRANK {zk} {m}"),
    t("ZREVRANK {zk} {m}"),
    t("ZRANGE {zk} 0 -1 WITHSCORES"),
    t("ZRANGE {zk} {i} {i}"),
    t("ZRANGE {zk} {i} {i} REV WITHSCORES"),
    t("ZRANGE {zk} {smin} {smax} BYSCORE"),
    t("ZRANGE {zk} {smin} {smax} BYSCORE LIMIT {i} {cnt} WITHSCORES"),
    t("ZRANGE {zk} {smax} {smin} BYSCORE REV LIMIT {i} {cnt}"),
    t("ZRANGE {zk} {lex} {lex} BYLEX"),
    t("ZRANGE {zk} {lex} {lex} BYLEX REV LIMIT {i} {cnt}"),
    t("ZRANGE {zk} {i} {i} {zrangeopt} {zrangeopt}"),
    t("ZRANGE {zk} {smin} {smax} {zrangeopt} {zrangeopt} {i} {cnt}"),
    t("ZRANGESTORE {zd} {zk} {i} {i}"),
    t("ZRANGESTORE {zd} {zk} {smin} {smax} BYSCORE LIMIT {i} {cnt}"),
    t("ZRANGESTORE {zd} {zk} {lex} {lex} BYLEX REV"),
    t("ZREVRANGE {zk} {i} {i}"),
    t("ZREVRANGE {zk} {i} {i} WITHSCORES"),
    t("ZRANGEBYSCORE {zk} {smin} {smax}"),
    t("ZRANGEBYSCORE {zk} {smin} {smax} WITHSCORES LIMIT {i} {cnt}"),
    t("ZREVRANGEBYSCORE {zk} {smax} {smin} WITHSCORES"),
    t("ZREVRANGEBYSCORE {zk} {smax} {smin} LIMIT {i} {cnt}"),
    t("ZRANGEBYLEX {zk} {lex} {lex}"),
    t("ZRANGEBYLEX {zk} {lex} {lex} LIMIT {i} {cnt}"),
    t("ZREVRANGEBYLEX {zk} {lex} {lex}"),
    t("ZREVRANGEBYLEX {zk} {lex} {lex} LIMIT {i} {cnt}"),
    t("ZREMRANGEBYRANK {zk} {i} {i}"),
    t("ZREMRANGEBYSCORE {zk} {smin} {smax}"),
    t("ZREMRANGEBYLEX {zk} {lex} {lex}"),
    t("ZPOPMIN {zk}"),
    t("ZPOPMIN {zk} {cnt}"),
    t("ZPOPMAX {zk} {cnt}"),
    t("ZMPOP {numk} {zk} {zk} {minmax}"),
    t("ZMPOP 1 {zk} {minmax} {popopt} {cnt}"),
    c("ZRANDMEMBER {zk}", Compare::Shape),
    c("ZRANDMEMBER {zk} {cnt}", Compare::Count),
    c("ZRANDMEMBER {zk} {cnt} WITHSCORES", Compare::Count),
    t("ZUNION 2 {zs} {zs} WITHSCORES"),
    t("ZUNION {numk} {zs} {zs} WEIGHTS {w} {w} AGGREGATE {agg} WITHSCORES"),
    t("ZINTER 2 {zs} {zs} WITHSCORES"),
    t("ZINTER 2 {zs} {zs} AGGREGATE {agg} WITHSCORES"),
    t("ZDIFF 2 {zs} {zs} WITHSCORES"),
    t("ZDIFF {numk} {zs} {zs}"),
    t("ZUNIONSTORE {zd} 2 {zs} {zs} WEIGHTS {w} {w}"),
    t("ZUNIONSTORE {zd} {numk} {zs} {zs} AGGREGATE {agg}"),
    t("ZINTERSTORE {zd} 2 {zs} {zs} WEIGHTS {w} {w} AGGREGATE {agg}"),
    t("ZDIFFSTORE {zd} 2 {zs} {zs}"),
    t("ZINTERCARD 2 {zs} {zs}"),
    t("ZINTERCARD {numk} {zs} {zs} LIMIT {cnt}"),
    c("ZSCAN {zk} 0 COUNT 1000", Compare::ScanPairs),
    c("ZSCAN {zk} 0 MATCH {mpat} COUNT 1000", Compare::ScanPairs),
    c("ZSCAN {zk} {badcursor} COUNT 1000", Compare::ScanPairs),
    t("BZPOPMIN {zk} {zk} {bt}"),
    t("BZPOPMAX {zk} {bt}"),
    t("BZMPOP {bt} 2 {zk} {zk} {minmax} COUNT {cnt}"),
    t("BZMPOP {bt} 1 {zk} {minmax}"),
    // streams
    t("XADD {xk} {xnew} {fld} {v}"),
    t("XADD {xk} {xnew} {fld} {v} {fld} {v}"),
    t("XADD {xk} {xnew} {fld} {v}"),
    t("XADD {xk} {xid} {fld} {v}"),
    t("XADD {xk} NOMKSTREAM {xnew} {fld} {v}"),
    t("XADD {xk} MAXLEN {trimop} {cnt} {xnew} {fld} {v}"),
    t("XADD {xk} MINID {trimop} {xr} {xnew} {fld} {v}"),
    t("XADD {xk} MAXLEN {trimop} {cnt} LIMIT {cnt} {xnew} {fld} {v}"),
    t("XADD {xk} {xnew} {fld}"),
    t("XADD {xk} {xaddopt} {xnew} {fld} {v}"),
    c("XADD xauto * {fld} {v}", Compare::Shape),
    t("XLEN xauto"),
    t("XLEN {xk}"),
    t("XRANGE {xk} - +"),
    t("XRANGE {xk} {xr} {xr}"),
    t("XRANGE {xk} {xr} {xr} COUNT {cnt}"),
    t("XREVRANGE {xk} + -"),
    t("XREVRANGE {xk} {xr} {xr} COUNT {cnt}"),
    t("XDEL {xk} {xid} {xid}"),
    t("XDEL {xk} {xold}"),
    t("XDEL {xk} {xr}"),
    t("XTRIM {xk} MAXLEN {trimop} {cnt}"),
    t("XTRIM {xk} MINID {trimop} {xr}"),
    t("XTRIM {xk} MAXLEN {trimop} {cnt} LIMIT {cnt}"),
    t("XTRIM {xk} {xaddopt} {cnt}"),
    t("XSETID {xk} {xid}"),
    t("XSETID {xk} {xnew}"),
    t("XSETID {xk} {xid} ENTRIESADDED {cnt} MAXDELETEDID {xid}"),
    t("XREAD STREAMS {xk} {xrid}"),
    t("XREAD COUNT {cnt} STREAMS {xk} {xk} {xrid} {xrid}"),
    t("XREAD BLOCK 10 STREAMS {xk} {xrid}"),
    t("XREAD BLOCK {btms} COUNT 1 STREAMS {xk} {xrid}"),
    t("XREAD STREAMS {xk} {xk} {xrid}"),
    t("XGROUP CREATE {xk} {grp} {xgid}"),
    t("XGROUP CREATE {xk} {grp} 0 MKSTREAM"),
    t("XGROUP CREATE {xk} {grp} 0 MKSTREAM"),
    t("XGROUP CREATE {xk} {grp} 0 MKSTREAM"),
    t("XGROUP CREATE {xk} {grp} 0"),
    t("XGROUP CREATE {xk} g1 0 MKSTREAM"),
    t("XGROUP CREATE {xk} g1 0 MKSTREAM"),
    t("XGROUP CREATE {xk} {grp} {xgid} MKSTREAM"),
    t("XGROUP CREATE {xk} {grp} {xgid} ENTRIESREAD {cnt}"),
    t("XGROUP SETID {xk} {grp} {xgid}"),
    t("XGROUP SETID {xk} {grp} {xgid} ENTRIESREAD {cnt}"),
    t("XGROUP DESTROY {xk} {grp}"),
    t("XGROUP CREATECONSUMER {xk} {grp} {cons}"),
    t("XGROUP DELCONSUMER {xk} {grp} {cons}"),
    t("XGROUP {bad} {xk} {grp}"),
    t("XREADGROUP GROUP {grp} {cons} STREAMS {xk} {xrgid}"),
    t("XREADGROUP GROUP {grp} {cons} COUNT 2 STREAMS {xk} >"),
    t("XREADGROUP GROUP {grp} {cons} COUNT 2 STREAMS {xk} >"),
    t("XREADGROUP GROUP {grp} {cons} COUNT {cnt} STREAMS {xk} {xrgid}"),
    t("XREADGROUP GROUP {grp} {cons} COUNT {cnt} NOACK STREAMS {xk} {xk} {xrgid} {xrgid}"),
    t("XREADGROUP GROUP {grp} {cons} BLOCK 10 STREAMS {xk} {xrgid}"),
    t("XREADGROUP GROUP {grp} {cons} STREAMS {xk}"),
    t("XACK {xk} {grp} {xid} {xid}"),
    t("XACK {xk} {grp} {xold} {xold}"),
    t("XACK {xk} {grp} {xr}"),
    t("XPENDING {xk} {grp}"),
    c("XPENDING {xk} {grp} {xr} {xr} {cnt}", Compare::Idle),
    c("XPENDING {xk} {grp} {xr} {xr} {cnt} {cons}", Compare::Idle),
    c("XPENDING {xk} {grp} IDLE {pidle} - + 10", Compare::Idle),
    t("XCLAIM {xk} {grp} {cons} 0 {xid} {xid}"),
    t("XCLAIM {xk} {grp} {cons} 0 {xold} {xold}"),
    t("XCLAIM {xk} {grp} {cons} 0 {xold} JUSTID"),
    t("XCLAIM {xk} {grp} {cons} 0 {xold} FORCE"),
    t("XCLAIM {xk} g1 {cons} 0 {xold} {xold} {xold}"),
    t("XCLAIM {xk} g1 {cons} 0 {xold} {xold} {xold}"),
    t("XREADGROUP GROUP g1 {cons} COUNT 3 STREAMS {xk} >"),
    t("XCLAIM {xk} {grp} {cons} 0 {xid} {xid} JUSTID"),
    t("XCLAIM {xk} {grp} {cons} {pidle} {xid} {xclaimopt} {cnt}"),
    t("XCLAIM {xk} {grp} {cons} 0 {xid} FORCE RETRYCOUNT {cnt} LASTID {xid}"),
    t("XAUTOCLAIM {xk} {grp} {cons} 0 {xr}"),
    t("XAUTOCLAIM {xk} {grp} {cons} 0 0 COUNT 2"),
    t("XAUTOCLAIM {xk} {grp} {cons} 0 {xr} COUNT {cnt} JUSTID"),
    t("XAUTOCLAIM {xk} {grp} {cons} {pidle} {xr} {xclaimopt}"),
    t("XINFO STREAM {xk}"),
    c("XINFO STREAM {xk} FULL", Compare::Shape),
    t("XINFO GROUPS {xk}"),
    c("XINFO CONSUMERS {xk} {grp}", Compare::Idle),
    t("XINFO {bad} {xk}"),
    // transactions (MULTI starts a block of commands: see `random_run`)
    t("MULTI"),
    t("EXEC"),
    t("DISCARD"),
    t("WATCH {k} {lk}"),
    t("WATCH {ak} {ak}"),
    t("UNWATCH"),
];

/// A small xorshift generator: deterministic from its seed.
pub struct Rng(u64);

impl Rng {
    /// Seeded (a zero seed is replaced).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The keys of most string, keyspace and TTL templates.
const KEYS: &[&str] = &["k0", "k1", "k2", "k3", "k4", "hll", "{tag}x"];
/// The keys of each collection family's templates: several per type, so that commands over
/// two or more keys (SINTER, LMOVE, ZUNIONSTORE...) meet collections of their own type.
const LIST_KEYS: &[&str] = &["l0", "l1", "l2"];
const HASH_KEYS: &[&str] = &["h0", "h1"];
const SET_KEYS: &[&str] = &["s0", "s1", "s2", "sd"];
const ZSET_KEYS: &[&str] = &["z0", "z1", "z2", "zd"];
const STREAM_KEYS: &[&str] = &["x0", "x1"];

/// Every key of the pools, for the dump of the final contents (not `xauto`, whose IDs come
/// from the clock).
pub fn pool_keys() -> Vec<&'static str> {
    [KEYS, LIST_KEYS, HASH_KEYS, SET_KEYS, ZSET_KEYS, STREAM_KEYS].concat()
}
const VALUES: &[&str] = &[
    "",
    "0",
    "1",
    "-1",
    "42",
    "10",
    "hello",
    "world",
    "3.5",
    "0.1",
    "1e3",
    " 1",
    "01",
    "abc def",
    "9223372036854775807",
    "-9223372036854775808",
    "ohmytext",
    "mynewtext",
    "a-much-longer-value-that-takes-it-past-forty-four-bytes",
];
const NUMBERS: &[&str] = &[
    "0",
    "1",
    "-1",
    "2",
    "5",
    "100",
    "-100",
    "7",
    "x",
    "9223372036854775807",
    "-9223372036854775808",
    "99999999999999999999",
    "1.5",
    "",
    " 3",
    "+1",
    "0x10",
];
const FLOATS: &[&str] = &[
    "0",
    "1",
    "-1",
    "0.1",
    "1.5",
    "-2.25",
    "1e3",
    "5.0e-1",
    "inf",
    "nan",
    "x",
    "",
    "3",
    "1.7976931348623157e308",
    "10.50",
];

fn one(s: &str) -> Vec<Vec<u8>> {
    vec![s.as_bytes().to_vec()]
}

/// Fills templates.
pub struct Gen {
    /// The random source.
    pub rng: Rng,
    /// The milliseconds part of the last `{xnew}` stream ID: new IDs mostly grow, so XADD
    /// mostly succeeds.
    stream_ms: u64,
    /// The last few `{xnew}` IDs (with `-*` made `-0`), for `{xold}`: IDs that are likely in a
    /// stream or a pending list.
    recent_ids: Vec<String>,
}

impl Gen {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Gen {
        Gen {
            rng: Rng::new(seed),
            stream_ms: 0,
            recent_ids: Vec::new(),
        }
    }

    /// A key of `family` most of the time; else any key of the pools (so commands meet keys
    /// of other types: WRONGTYPE).
    fn key(&mut self, family: &[&'static str]) -> Vec<Vec<u8>> {
        if self.rng.below(8) == 0 {
            let all = pool_keys();
            one(self.rng.pick::<&str>(&all))
        } else {
            one(self.rng.pick::<&str>(family))
        }
    }

    /// The value of placeholder `name`: one or more words.
    fn fill(&mut self, name: &str) -> Vec<Vec<u8>> {
        let rng = &mut self.rng;
        match name {
            "k" => {
                if rng.below(10) == 0 {
                    let all = pool_keys();
                    one(rng.pick::<&str>(&all))
                } else {
                    one(rng.pick::<&str>(KEYS))
                }
            }
            // Any key of the pools.
            "ak" => {
                let all = pool_keys();
                one(rng.pick::<&str>(&all))
            }
            // Enough elements to pass the small encodings' limits (128 entries; 512 integers
            // for a set), and a value past their 64 bytes.
            "many" => (0..130).map(|i| format!("e{i}").into_bytes()).collect(),
            "manyint" => (0..600).map(|i| (i * 3).to_string().into_bytes()).collect(),
            "manypairs" => (0..130)
                .flat_map(|i| [format!("f{i}").into_bytes(), i.to_string().into_bytes()])
                .collect(),
            "manyscored" => (0..130)
                .flat_map(|i| {
                    [
                        (i % 7).to_string().into_bytes(),
                        format!("e{i}").into_bytes(),
                    ]
                })
                .collect(),
            "longv" => one(&"x".repeat(70)),
            "lk" => self.key(LIST_KEYS),
            "hk" => self.key(HASH_KEYS),
            "sk" => self.key(SET_KEYS),
            "zk" => self.key(ZSET_KEYS),
            // Destinations of the store commands, which often store an empty result (and so
            // delete the key): mostly their own keys, so the others keep their members.
            "zd" => self.key(&["z2", "zd"]),
            "sd" => self.key(&["s2", "sd"]),
            "xk" => self.key(STREAM_KEYS),
            // A sorted set or a set: ZUNION and friends take both.
            "zs" => {
                if rng.below(4) == 0 {
                    self.key(SET_KEYS)
                } else {
                    self.key(ZSET_KEYS)
                }
            }
            // Counts: positive, zero, negative, not a number.
            "cnt" => {
                one(rng.pick::<&str>(&["0", "1", "2", "3", "5", "-1", "-3", "x", "100", "1", "2"]))
            }
            "rank" => {
                one(rng.pick::<&str>(&["1", "2", "-1", "-2", "0", "x", "-9223372036854775808"]))
            }
            "numk" => one(rng.pick::<&str>(&["2", "2", "2", "1", "0", "-1", "x", "3"])),
            "where" => one(rng.pick::<&str>(&["LEFT", "RIGHT", "LEFT", "RIGHT", "left", "UP"])),
            "beforeafter" => one(rng.pick::<&str>(&["BEFORE", "AFTER", "after", "X"])),
            "minmax" => one(rng.pick::<&str>(&["MIN", "MAX", "MIN", "MAX", "max", "MID"])),
            "lposopt" => one(rng.pick::<&str>(&["RANK", "COUNT", "MAXLEN", "rank", "FOO"])),
            "popopt" => one(rng.pick::<&str>(&["COUNT", "count", "LIMIT"])),
            // Blocking timeouts: short or invalid, never 0 (which waits forever).
            "bt" => one(rng.pick::<&str>(&["0.01", "0.01", "0.01", "0.02", "x", "-1", "-0.5", ""])),
            "btms" => one(rng.pick::<&str>(&["10", "20", "x", "-1"])),
            "fld" => one(rng.pick::<&str>(&["f0", "f1", "f2", "f3", "n", "x", ""])),
            "fpat" => one(rng.pick::<&str>(&["f*", "*", "?", "f[0-1]", "nomatch"])),
            "mpat" => one(rng.pick::<&str>(&["*", "?", "1*", "[a-c]", "nomatch"])),
            "badcursor" => one(rng.pick::<&str>(&["x", "", " 1", "1.5", "1x"])),
            "badcount" => one(rng.pick::<&str>(&["0", "x", "-1", ""])),
            "bad" => one(rng.pick::<&str>(&["FOO", "x", "", "HELP-ME"])),
            "m" => one(rng.pick::<&str>(&[
                "a", "b", "c", "d", "e", "1", "2", "3", "10", "-1", "foo", "",
            ])),
            "sc" => one(rng.pick::<&str>(&[
                "0", "1", "-1", "2", "2.5", "-0", "1e308", "-1e308", "inf", "-inf", "+inf", "nan",
                "x", "", "0.1", "1e-10", "3", "17", "1.5e3", "0x10", " 1", "1", "2",
            ])),
            "smin" | "smax" => one(rng.pick::<&str>(&[
                "-inf", "+inf", "0", "(0", "1", "(1", "2.5", "(2.5", "10", "(inf", "x", "(x",
                "nan", "", "1e308", "-1", "(-inf", "inf",
            ])),
            "lex" => one(rng.pick::<&str>(&[
                "-", "+", "[a", "(a", "[b", "(c", "[e", "(", "[", "a", "[1", "(foo", "x", "-", "+",
            ])),
            "zaddopt" => {
                one(rng.pick::<&str>(&["NX", "XX", "GT", "LT", "CH", "CH", "INCR", "nx", "FOO"]))
            }
            "zrangeopt" => {
                one(rng.pick::<&str>(&["BYSCORE", "BYLEX", "REV", "WITHSCORES", "LIMIT", "FOO"]))
            }
            "agg" => one(rng.pick::<&str>(&["SUM", "MIN", "MAX", "max", "AVG"])),
            "w" => one(rng.pick::<&str>(&["1", "2", "0", "-1", "1.5", "inf", "x", "nan"])),
            // Stream IDs: `xnew` mostly above the last one given, `xid` a few fixed ones
            // (often "equal or smaller"), `xr` range bounds.
            "xnew" => {
                self.stream_ms += rng.below(3) as u64;
                let id = match rng.below(6) {
                    0 => format!("{}-*", self.stream_ms),
                    1 => self.stream_ms.to_string(),
                    _ => format!("{}-{}", self.stream_ms, rng.below(3)),
                };
                if self.recent_ids.len() == 8 {
                    self.recent_ids.remove(0);
                }
                self.recent_ids.push(id.replace('*', "0"));
                one(&id)
            }
            "xold" => match rng.below(self.recent_ids.len() + 1) {
                0 => one("1-1"),
                i => one(&self.recent_ids[i - 1]),
            },
            "xid" => one(rng.pick::<&str>(&[
                "1-1", "1-2", "2-0", "2", "3-1", "5-*", "0-1", "0-0", "1", "x", "1-x", "-1",
                "10-0", "4", "20-1", "30",
            ])),
            "xr" => one(rng.pick::<&str>(&[
                "-", "+", "0", "1", "1-1", "(1-1", "2", "(2", "5-0", "(5", "99", "x", "(-", "0-0",
                "15", "(+",
            ])),
            "xrid" => one(rng.pick::<&str>(&["0", "0-0", "$", "1-1", "5", "x", "10", "+"])),
            "xrgid" => one(rng.pick::<&str>(&[">", ">", ">", "0", "0-0", "1-1", "x", "$"])),
            "xgid" => one(rng.pick::<&str>(&["$", "0", "0-0", "1-1", "x", "3", "$"])),
            "trimop" => one(rng.pick::<&str>(&["=", "~", "", ""]))
                .into_iter()
                .filter(|w| !w.is_empty())
                .collect(),
            "xaddopt" => one(rng.pick::<&str>(&["MAXLEN", "MINID", "LIMIT", "NOMKSTREAM", "FOO"])),
            "grp" => one(rng.pick::<&str>(&["g1", "g1", "g1", "g2", "g2", "nog"])),
            "cons" => one(rng.pick::<&str>(&["c1", "c2", "c3"])),
            // Min-idle times: 0 (every entry) or far above the test's length (none).
            "pidle" => one(rng.pick::<&str>(&["0", "100000000", "x", "-1"])),
            "xclaimopt" => one(rng.pick::<&str>(&["IDLE", "RETRYCOUNT", "COUNT", "JUSTID", "FOO"])),
            "v" => one(rng.pick::<&str>(VALUES)),
            "n" => one(rng.pick::<&str>(NUMBERS)),
            "i" => one(&(rng.below(25) as i64 - 10).to_string()),
            // Time arguments: never a deadline a few (milli)seconds away, which would expire
            // between the two servers' calls; zero and negative ones delete at once.
            "tn" => one(rng.pick::<&str>(&[
                "0",
                "-1",
                "-100",
                "x",
                "",
                "1.5",
                "+1",
                "9223372036854775807",
                "99999999999999999999",
                "-9223372036854775808",
            ])),
            "f" => one(rng.pick::<&str>(FLOATS)),
            "off" => one(&rng.below(70).to_string()),
            "bit" => one(rng.pick::<&str>(&["0", "1", "1", "0", "2", "x"])),
            "ttl" => one(&(100 + rng.below(900)).to_string()),
            "pttl" => one(&(100_000 + rng.below(900_000)).to_string()),
            // Past or far future, never near now.
            "at" => one(rng.pick::<&str>(&["1", "1000000000", "4102444800", "4102444801"])),
            "atfuture" => one(rng.pick::<&str>(&["4102444800000", "4102444800500"])),
            "atms" => one(rng.pick::<&str>(&["1", "4102444800000", "4102444800500"])),
            "pat" => one(rng.pick::<&str>(&[
                "*",
                "k*",
                "k[0-2]",
                "?1",
                "*l*",
                "\\{tag\\}*",
                "h?l",
                "[^k]*",
            ])),
            "ty" => one(rng.pick::<&str>(&["string", "list", "hash", "none", "STRING"])),
            "db" => one(rng.pick::<&str>(&["0", "1", "2", "1", "-1", "16", "x"])),
            "setopt" => one(rng.pick::<&str>(&[
                "NX", "XX", "GET", "KEEPTTL", "EX", "PX", "EXAT", "PXAT", "nx", "foo",
            ])),
            "getexopt" => {
                one(rng.pick::<&str>(&["EX", "PX", "EXAT", "PXAT", "PERSIST", "KEEPTTL", "bar"]))
            }
            "lcsopt" => {
                one(rng.pick::<&str>(&["IDX", "LEN", "WITHMATCHLEN", "MINMATCHLEN", "2", "x"]))
            }
            "copyopt" => one(rng.pick::<&str>(&["REPLACE", "", "DB", "x"]))
                .into_iter()
                .filter(|w| !w.is_empty())
                .collect(),
            "objsub" => one(rng.pick::<&str>(&["ENCODING", "help", "FOO", "encoding"])),
            "flushopt" => one(rng.pick::<&str>(&["", "", "SYNC", "ASYNC", "x"]))
                .into_iter()
                .filter(|w| !w.is_empty())
                .collect(),
            "expopt" => one(rng.pick::<&str>(&["", "", "NX", "XX", "GT", "LT", "nx", "zz"]))
                .into_iter()
                .filter(|w| !w.is_empty())
                .collect(),
            "unit" => one(rng.pick::<&str>(&["BIT", "BYTE", "bit", "x"])),
            "bitop" => one(rng.pick::<&str>(&["AND", "OR", "XOR", "NOT", "foo"])),
            "bft" => {
                one(rng.pick::<&str>(&["u8", "i8", "u1", "i5", "u16", "i64", "u63", "u64", "x8"]))
            }
            "bfoff" => one(rng.pick::<&str>(&["0", "3", "#1", "#2", "13", "-1", "x"])),
            "ovf" => one(rng.pick::<&str>(&["WRAP", "SAT", "FAIL", "sat", "nope"])),
            "el" => one(rng.pick::<&str>(&["a", "b", "c", "d", "e", "f", "g", "foo", "bar", ""])),
            other => panic!("unknown placeholder {{{other}}}"),
        }
    }

    /// A command from `template`.
    pub fn command(&mut self, template: &Template) -> Vec<Vec<u8>> {
        let mut args = Vec::new();
        for word in template.line.split(' ') {
            match word.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                Some(name) if !word.starts_with("{tag") => args.extend(self.fill(name)),
                _ => args.push(word.as_bytes().to_vec()),
            }
        }
        args
    }

    /// The same command with a wrong number of arguments, most of the time: cut short or one
    /// argument too many (some commands take any number: those answer normally).
    pub fn wrong_arity(&mut self, mut args: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
        if self.rng.below(2) == 0 && args.len() > 1 {
            let keep = 1 + self.rng.below(args.len() - 1);
            args.truncate(keep);
        } else {
            args.push(b"extra".to_vec());
        }
        args
    }
}
