//! Random command sequences from a table of templates.
//!
//! A template is a command line whose words are literals or placeholders (`{k}` a key of the
//! pool, `{v}` a value, `{n}` an integer-ish argument, `{tn}` a time argument...), with how its replies are compared.
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
    // lists (RPUSH always: it makes the keys of another type; see `Keyp::call`)
    t("RPUSH {k} {v} {v}"),
    t("LPUSH {k} {v}"),
    t("LRANGE {k} 0 -1"),
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

const KEYS: &[&str] = &["k0", "k1", "k2", "k3", "k4", "hll", "{tag}x"];
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
}

impl Gen {
    /// The value of placeholder `name`: one or more words.
    fn fill(&mut self, name: &str) -> Vec<Vec<u8>> {
        let rng = &mut self.rng;
        match name {
            "k" => one(rng.pick::<&str>(KEYS)),
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
