//! The commands the model test generates, how to generate them, and how to run one against the
//! store (a [`Store`](keyp::Store) or a [`WriteTxn`](keyp::WriteTxn): the same arm serves both).
//!
//! Adding a command: one [`Cmd`] variant, one arm in [`cmd()`], one arm in [`run_cmd!`], one arm
//! in `Model::apply` (redis.rs).
//!
//! Besides strings, TTLs and the key space, a few commands of each collection type (list, hash,
//! set, sorted set) put collections in the same key space, so that every key-space, TTL and
//! string command also meets them (WRONGTYPE, RENAME and COPY of a collection, a deadline on a
//! collection, a collection emptied or overwritten and then recreated). Each type's own model
//! test (tests/model_<type>.rs) covers its commands in depth.

use std::fmt;
use std::sync::OnceLock;

use keyp::{
    Bytes, ExpireCondition, ExpireTime, Expiry, GetExAction, KeyType, SetCondition, SetOptions,
    SetOutcome, SetTtl,
};
use proptest::collection::vec;
use proptest::prelude::*;

/// The clock reading every case starts at (ms); generated absolute deadlines sit around it.
pub const T0: u64 = 1_700_000_000_000;

/// The key space: small so that commands collide; binary keys, the empty key, and long keys
/// (stored as a 400-byte prefix plus a hash) that share their first 400 bytes.
fn key_pool() -> &'static [(Vec<u8>, &'static str)] {
    static POOL: OnceLock<Vec<(Vec<u8>, &'static str)>> = OnceLock::new();
    POOL.get_or_init(|| {
        let long = |tail: &[u8]| [vec![b'L'; 400], tail.to_vec()].concat();
        vec![
            (b"a".to_vec(), "a"),
            (b"b".to_vec(), "b"),
            (b"counter".to_vec(), "counter"),
            (Vec::new(), "<empty>"),
            (vec![0, 0xff, b'\n', 0x80], "<00 ff 0a 80>"),
            (b"a\0".to_vec(), "a<00>"),
            (long(&[b'x'; 50]), "L*400+x*50"),
            (long(&[b'y'; 50]), "L*400+y*50"),
            (long(b""), "L*400"),
            (long(b"x"), "L*401"),
        ]
    })
}

/// The number of keys in the key space.
pub fn key_count() -> usize {
    key_pool().len()
}

/// A key of the key space, by index (short `Debug` output for long keys).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct K(pub usize);

impl K {
    /// The key's bytes.
    pub fn bytes(self) -> &'static [u8] {
        &key_pool()[self.0].0
    }
}

impl fmt::Debug for K {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(key_pool()[self.0].1)
    }
}

/// A value (short `Debug` output for long values).
#[derive(Clone, PartialEq, Eq)]
pub struct V(pub Vec<u8>);

impl fmt::Debug for V {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.len() > 32 {
            write!(f, "<{} bytes of {:#04x}..>", self.0.len(), self.0[0])
        } else {
            write!(f, "{:?}", String::from_utf8_lossy(&self.0))
        }
    }
}

/// One command, as a Redis client would send it (typed).
#[derive(Clone, Debug)]
pub enum Cmd {
    Get(K),
    GetWith(K),
    MGet(Vec<K>),
    StrLen(K),
    Set(K, V, SetOptions),
    SetNx(K, V),
    SetEx(K, i64, V),
    PSetEx(K, i64, V),
    MSet(Vec<(K, V)>),
    MSetNx(Vec<(K, V)>),
    GetSet(K, V),
    GetDel(K),
    GetEx(K, GetExAction),
    Incr(K),
    Decr(K),
    IncrBy(K, i64),
    DecrBy(K, i64),
    Del(Vec<K>),
    Exists(Vec<K>),
    Type(K),
    DbSize,
    FlushDb,
    Expire(K, i64, ExpireCondition),
    PExpire(K, i64, ExpireCondition),
    ExpireAt(K, i64, ExpireCondition),
    PExpireAt(K, i64, ExpireCondition),
    Ttl(K),
    PTtl(K),
    ExpireTime(K),
    PExpireTime(K),
    Persist(K),
    Rename(K, K),
    Copy(K, K, bool),
    RPush(K, Vec<V>),
    LPop(K),
    LRange(K),
    HSet(K, Vec<(V, V)>),
    HDel(K, Vec<V>),
    HGetAll(K),
    SAdd(K, Vec<V>),
    SRem(K, Vec<V>),
    SMembers(K),
    ZAdd(K, Vec<(i64, V)>),
    ZRem(K, Vec<V>),
    ZRange(K),
}

/// A command's result in a form both the store and the model produce: values, or an error's
/// text (keyp's `Display`, Redis's error reply).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    Ok,
    Nil,
    Bool(bool),
    Int(i64),
    Bulk(Vec<u8>),
    Status(&'static str),
    Array(Vec<Reply>),
    /// A score, as Rust prints the f64.
    Score(String),
    Err(String),
}

impl Reply {
    /// `Nil` or `Bulk`.
    pub fn bulk(value: Option<&[u8]>) -> Reply {
        value.map_or(Reply::Nil, |v| Reply::Bulk(v.to_vec()))
    }

    /// The same reply with an array's items sorted (for replies in no defined order).
    pub fn sorted(self) -> Reply {
        match self {
            Reply::Array(mut items) => {
                items.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
                Reply::Array(items)
            }
            other => other,
        }
    }
}

/// The elements of a multi-element command.
pub fn elements(vs: &[V]) -> Vec<&[u8]> {
    vs.iter().map(|v| &v.0[..]).collect()
}

/// Conversion of the store's typed results into [`Reply`].
pub trait IntoReply {
    fn into_reply(self) -> Reply;
}

impl IntoReply for () {
    fn into_reply(self) -> Reply {
        Reply::Ok
    }
}

impl IntoReply for bool {
    fn into_reply(self) -> Reply {
        Reply::Bool(self)
    }
}

impl IntoReply for i64 {
    fn into_reply(self) -> Reply {
        Reply::Int(self)
    }
}

impl IntoReply for u64 {
    fn into_reply(self) -> Reply {
        Reply::Int(i64::try_from(self).unwrap_or(i64::MAX))
    }
}

impl IntoReply for Option<Bytes> {
    fn into_reply(self) -> Reply {
        Reply::bulk(self.as_deref())
    }
}

impl IntoReply for Option<Vec<u8>> {
    fn into_reply(self) -> Reply {
        Reply::bulk(self.as_deref())
    }
}

impl IntoReply for Vec<Option<Bytes>> {
    fn into_reply(self) -> Reply {
        Reply::Array(self.into_iter().map(IntoReply::into_reply).collect())
    }
}

impl IntoReply for SetOutcome {
    fn into_reply(self) -> Reply {
        Reply::Array(vec![Reply::Bool(self.written), self.previous.into_reply()])
    }
}

impl IntoReply for Option<KeyType> {
    fn into_reply(self) -> Reply {
        Reply::Status(self.map_or("none", KeyType::as_str))
    }
}

impl IntoReply for ExpireTime {
    fn into_reply(self) -> Reply {
        Reply::Int(self.as_millis_reply())
    }
}

impl IntoReply for Vec<Bytes> {
    fn into_reply(self) -> Reply {
        Reply::Array(self.iter().map(|b| Reply::Bulk(b.to_vec())).collect())
    }
}

/// Hash fields and their values (the caller sorts: HGETALL's order is the store's own).
impl IntoReply for Vec<(Bytes, Bytes)> {
    fn into_reply(self) -> Reply {
        let pairs = self.into_iter().map(|(field, value)| {
            Reply::Array(vec![
                Reply::Bulk(field.to_vec()),
                Reply::Bulk(value.to_vec()),
            ])
        });
        Reply::Array(pairs.collect())
    }
}

/// Members and scores in the reply's order (scores of the model are whole numbers).
impl IntoReply for Vec<(Bytes, f64)> {
    fn into_reply(self) -> Reply {
        let pairs = self.into_iter().map(|(member, score)| {
            Reply::Array(vec![
                Reply::Bulk(member.to_vec()),
                Reply::Score(score.to_string()),
            ])
        });
        Reply::Array(pairs.collect())
    }
}

impl<T: IntoReply> IntoReply for keyp::Result<T> {
    fn into_reply(self) -> Reply {
        match self {
            Ok(value) => value.into_reply(),
            Err(e) => Reply::Err(e.to_string()),
        }
    }
}

/// The keys of a multi-key command.
pub fn keys(ks: &[K]) -> Vec<&'static [u8]> {
    ks.iter().map(|k| k.bytes()).collect()
}

/// The pairs of MSET / MSETNX.
pub fn pairs(kvs: &[(K, V)]) -> Vec<(&'static [u8], &[u8])> {
    kvs.iter().map(|(k, v)| (k.bytes(), &v.0[..])).collect()
}

/// Runs one [`Cmd`] on `$target` — a `&Store` or a `&mut WriteTxn` (the methods have the same
/// names and signatures) — and converts the result into a [`Reply`].
macro_rules! run_cmd {
    ($target:expr, $cmd:expr) => {{
        use $crate::cmd::{elements, keys, pairs, Cmd, IntoReply};
        let t = $target;
        match $cmd {
            Cmd::Get(k) => t.get(k.bytes()).into_reply(),
            Cmd::GetWith(k) => t
                .get_with(k.bytes(), |v| v.map(<[u8]>::to_vec))
                .into_reply(),
            Cmd::MGet(ks) => t.mget(&keys(ks)).into_reply(),
            Cmd::StrLen(k) => t.strlen(k.bytes()).into_reply(),
            Cmd::Set(k, v, options) => t.set_with(k.bytes(), &v.0, *options).into_reply(),
            Cmd::SetNx(k, v) => t.setnx(k.bytes(), &v.0).into_reply(),
            Cmd::SetEx(k, seconds, v) => t.setex(k.bytes(), *seconds, &v.0).into_reply(),
            Cmd::PSetEx(k, ms, v) => t.psetex(k.bytes(), *ms, &v.0).into_reply(),
            Cmd::MSet(kvs) => t.mset(&pairs(kvs)).into_reply(),
            Cmd::MSetNx(kvs) => t.msetnx(&pairs(kvs)).into_reply(),
            Cmd::GetSet(k, v) => t.getset(k.bytes(), &v.0).into_reply(),
            Cmd::GetDel(k) => t.getdel(k.bytes()).into_reply(),
            Cmd::GetEx(k, action) => t.getex(k.bytes(), *action).into_reply(),
            Cmd::Incr(k) => t.incr(k.bytes()).into_reply(),
            Cmd::Decr(k) => t.decr(k.bytes()).into_reply(),
            Cmd::IncrBy(k, delta) => t.incr_by(k.bytes(), *delta).into_reply(),
            Cmd::DecrBy(k, delta) => t.decr_by(k.bytes(), *delta).into_reply(),
            Cmd::Del(ks) => t.del(&keys(ks)).into_reply(),
            Cmd::Exists(ks) => t.exists(&keys(ks)).into_reply(),
            Cmd::Type(k) => t.key_type(k.bytes()).into_reply(),
            Cmd::DbSize => t.dbsize().into_reply(),
            Cmd::FlushDb => t.flushdb().into_reply(),
            Cmd::Expire(k, n, c) => t.expire(k.bytes(), *n, *c).into_reply(),
            Cmd::PExpire(k, n, c) => t.pexpire(k.bytes(), *n, *c).into_reply(),
            Cmd::ExpireAt(k, n, c) => t.expire_at(k.bytes(), *n, *c).into_reply(),
            Cmd::PExpireAt(k, n, c) => t.pexpire_at(k.bytes(), *n, *c).into_reply(),
            Cmd::Ttl(k) => t.ttl(k.bytes()).map(|ttl| ttl.as_secs_reply()).into_reply(),
            Cmd::PTtl(k) => t
                .ttl(k.bytes())
                .map(|ttl| ttl.as_millis_reply())
                .into_reply(),
            Cmd::ExpireTime(k) => t
                .expire_time(k.bytes())
                .map(|at| at.as_secs_reply())
                .into_reply(),
            Cmd::PExpireTime(k) => t.expire_time(k.bytes()).into_reply(),
            Cmd::Persist(k) => t.persist(k.bytes()).into_reply(),
            Cmd::Rename(a, b) => t.rename(a.bytes(), b.bytes()).into_reply(),
            Cmd::Copy(a, b, replace) => t.copy(a.bytes(), b.bytes(), None, *replace).into_reply(),
            Cmd::RPush(k, vs) => t.rpush(k.bytes(), &elements(vs)).into_reply(),
            Cmd::LPop(k) => t.lpop(k.bytes()).into_reply(),
            Cmd::LRange(k) => t.lrange(k.bytes(), 0, -1).into_reply(),
            Cmd::HSet(k, fvs) => {
                let fvs: Vec<(&[u8], &[u8])> =
                    fvs.iter().map(|(f, v)| (&f.0[..], &v.0[..])).collect();
                t.hset(k.bytes(), &fvs).into_reply()
            }
            Cmd::HDel(k, fs) => t.hdel(k.bytes(), &elements(fs)).into_reply(),
            Cmd::HGetAll(k) => t.hgetall(k.bytes()).into_reply().sorted(),
            Cmd::SAdd(k, ms) => t.sadd(k.bytes(), &elements(ms)).into_reply(),
            Cmd::SRem(k, ms) => t.srem(k.bytes(), &elements(ms)).into_reply(),
            Cmd::SMembers(k) => t.smembers(k.bytes()).into_reply().sorted(),
            Cmd::ZAdd(k, pairs) => {
                let pairs: Vec<(f64, &[u8])> =
                    pairs.iter().map(|(s, m)| (*s as f64, &m.0[..])).collect();
                t.zadd(k.bytes(), keyp::ZAddOptions::default(), &pairs)
                    .into_reply()
            }
            Cmd::ZRem(k, ms) => t.zrem(k.bytes(), &elements(ms)).into_reply(),
            Cmd::ZRange(k) => t.zrange(k.bytes(), &keyp::ZRange::rank(0, -1)).into_reply(),
        }
    }};
}
pub(crate) use run_cmd;

// ---- generation -------------------------------------------------------------------------

/// Any key, with the first three more often so that commands meet on the same key.
pub fn key() -> impl Strategy<Value = K> {
    prop_oneof![3 => (0..3usize).prop_map(K), 2 => (0..key_count()).prop_map(K)]
}

fn key_list() -> impl Strategy<Value = Vec<K>> {
    vec(key(), 1..4)
}

fn value() -> impl Strategy<Value = V> {
    let tricky: Vec<&'static [u8]> = vec![
        b"",
        b"0",
        b"1",
        b"-1",
        b"10",
        b"abc",
        b"01",
        b"+1",
        b"-0",
        b" 1",
        b"1 ",
        b"1.5",
        b"9223372036854775807",
        b"-9223372036854775808",
        b"9223372036854775808",
        b"-9223372036854775809",
        b"000000000000000000001",
    ];
    prop_oneof![
        4 => proptest::sample::select(tricky).prop_map(|v| V(v.to_vec())),
        3 => (-100i64..100).prop_map(|n| V(n.to_string().into_bytes())),
        1 => any::<i64>().prop_map(|n| V(n.to_string().into_bytes())),
        2 => vec(any::<u8>(), 0..16).prop_map(V),
        1 => (any::<u8>(), 401usize..600).prop_map(|(b, n)| V(vec![b; n])),
    ]
}

fn pair_list() -> impl Strategy<Value = Vec<(K, V)>> {
    vec((key(), value()), 1..4)
}

fn delta() -> impl Strategy<Value = i64> {
    prop_oneof![
        4 => -5i64..5,
        1 => any::<i64>(),
        1 => Just(i64::MIN),
        1 => Just(i64::MAX),
    ]
}

/// The grid the clock moves on (see `Step::Advance` in model.rs): absolute deadlines taken
/// from it meet the clock reading exactly now and then, which is where off-by-one bugs live.
pub const GRID_MS: i64 = 250;

/// An offset from [`T0`] on (or 1 ms off) the grid.
fn grid_offset() -> impl Strategy<Value = i64> {
    (-4i64..80, 0i64..2).prop_map(|(steps, off)| steps * GRID_MS + off)
}

/// SET / GETEX expiry arguments: valid and invalid, relative and absolute around [`T0`], and
/// the values at the edges of Redis's overflow checks.
fn expiry() -> impl Strategy<Value = Expiry> {
    let t0_s = (T0 / 1000) as i64;
    let t0_ms = T0 as i64;
    prop_oneof![
        3 => (-1i64..5).prop_map(Expiry::Ex),
        3 => (-1i64..5000).prop_map(Expiry::Px),
        2 => (-3i64..60).prop_map(move |d| Expiry::ExAt(t0_s + d)),
        2 => grid_offset().prop_map(move |d| Expiry::PxAt(t0_ms + d)),
        1 => proptest::sample::select(vec![
            Expiry::Ex(i64::MAX),
            Expiry::Ex(i64::MAX / 1000),
            Expiry::Ex(i64::MIN),
            Expiry::Px(i64::MAX),
            Expiry::Px(i64::MAX - t0_ms),
            Expiry::ExAt(i64::MAX / 1000),
            Expiry::ExAt(i64::MAX / 1000 + 1),
            Expiry::PxAt(i64::MAX),
            Expiry::PxAt(1),
            Expiry::PxAt(0),
        ]),
    ]
}

fn set_options() -> impl Strategy<Value = SetOptions> {
    let condition = proptest::sample::select(vec![
        SetCondition::Always,
        SetCondition::IfMissing,
        SetCondition::IfExists,
    ]);
    let ttl = prop_oneof![
        Just(SetTtl::Clear),
        Just(SetTtl::Keep),
        expiry().prop_map(SetTtl::Expire),
    ];
    (condition, ttl, any::<bool>()).prop_map(|(condition, ttl, get)| SetOptions {
        condition,
        ttl,
        get,
    })
}

fn getex_action() -> impl Strategy<Value = GetExAction> {
    prop_oneof![
        Just(GetExAction::Keep),
        Just(GetExAction::Persist),
        expiry().prop_map(GetExAction::Expire),
    ]
}

fn condition() -> impl Strategy<Value = ExpireCondition> {
    proptest::sample::select(vec![
        ExpireCondition::Always,
        ExpireCondition::Nx,
        ExpireCondition::Xx,
        ExpireCondition::Gt,
        ExpireCondition::Lt,
    ])
}

/// Arguments of the EXPIRE family: `(relative, absolute)` ranges around [`T0`] plus extremes.
fn expire_arg(seconds: bool, absolute: bool) -> impl Strategy<Value = i64> {
    let (unit, near) = if seconds {
        (1000, -2i64..6)
    } else {
        (1, -2000i64..6000)
    };
    let base = if absolute { T0 as i64 / unit } else { 0 };
    let grid = if seconds {
        (0i64..60).boxed()
    } else if absolute {
        grid_offset().boxed()
    } else {
        (-4i64..24).prop_map(|steps| steps * GRID_MS).boxed()
    };
    prop_oneof![
        4 => near.prop_map(move |d| base + d),
        4 => grid.prop_map(move |d| base + d),
        1 => proptest::sample::select(vec![
            i64::MAX,
            i64::MIN,
            i64::MAX / 1000,
            i64::MAX / 1000 + 1,
            i64::MIN / 1000,
            i64::MIN / 1000 - 1,
            0,
        ]),
    ]
}

/// A collection element: few distinct ones, so commands meet on the same members; the empty
/// one and long ones (stored as a 400-byte prefix plus a hash) sharing their first 400 bytes.
fn element() -> impl Strategy<Value = V> {
    prop_oneof![
        6 => proptest::sample::select(vec!["", "a", "b", "c", "1", "-2"])
            .prop_map(|e| V(e.as_bytes().to_vec())),
        1 => (0u8..2).prop_map(|tail| V([vec![b'E'; 600], vec![tail]].concat())),
    ]
}

fn element_list() -> impl Strategy<Value = Vec<V>> {
    vec(element(), 1..4)
}

/// A command of one of the collection types, or RENAME / COPY (which move any type).
fn collection_cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        2 => (key(), key()).prop_map(|(a, b)| Cmd::Rename(a, b)),
        2 => (key(), key(), any::<bool>()).prop_map(|(a, b, r)| Cmd::Copy(a, b, r)),
        3 => (key(), element_list()).prop_map(|(k, vs)| Cmd::RPush(k, vs)),
        2 => key().prop_map(Cmd::LPop),
        1 => key().prop_map(Cmd::LRange),
        3 => (key(), vec((element(), value()), 1..3)).prop_map(|(k, fvs)| Cmd::HSet(k, fvs)),
        2 => (key(), element_list()).prop_map(|(k, fs)| Cmd::HDel(k, fs)),
        1 => key().prop_map(Cmd::HGetAll),
        3 => (key(), element_list()).prop_map(|(k, ms)| Cmd::SAdd(k, ms)),
        2 => (key(), element_list()).prop_map(|(k, ms)| Cmd::SRem(k, ms)),
        1 => key().prop_map(Cmd::SMembers),
        3 => (key(), vec((-2i64..3, element()), 1..4)).prop_map(|(k, ps)| Cmd::ZAdd(k, ps)),
        2 => (key(), element_list()).prop_map(|(k, ms)| Cmd::ZRem(k, ms)),
        1 => key().prop_map(Cmd::ZRange),
    ]
}

/// Any command.
pub fn cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        3 => string_cmd(),
        1 => collection_cmd(),
    ]
}

/// A string, TTL or key-space command.
fn string_cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        4 => key().prop_map(Cmd::Get),
        1 => key().prop_map(Cmd::GetWith),
        1 => key_list().prop_map(Cmd::MGet),
        1 => key().prop_map(Cmd::StrLen),
        10 => (key(), value(), set_options()).prop_map(|(k, v, o)| Cmd::Set(k, v, o)),
        1 => (key(), value()).prop_map(|(k, v)| Cmd::SetNx(k, v)),
        1 => (key(), -1i64..4, value()).prop_map(|(k, s, v)| Cmd::SetEx(k, s, v)),
        1 => (key(), -1i64..4000, value()).prop_map(|(k, ms, v)| Cmd::PSetEx(k, ms, v)),
        2 => pair_list().prop_map(Cmd::MSet),
        1 => pair_list().prop_map(Cmd::MSetNx),
        1 => (key(), value()).prop_map(|(k, v)| Cmd::GetSet(k, v)),
        1 => key().prop_map(Cmd::GetDel),
        2 => (key(), getex_action()).prop_map(|(k, a)| Cmd::GetEx(k, a)),
        2 => key().prop_map(Cmd::Incr),
        1 => key().prop_map(Cmd::Decr),
        2 => (key(), delta()).prop_map(|(k, d)| Cmd::IncrBy(k, d)),
        1 => (key(), delta()).prop_map(|(k, d)| Cmd::DecrBy(k, d)),
        2 => key_list().prop_map(Cmd::Del),
        1 => key_list().prop_map(Cmd::Exists),
        1 => key().prop_map(Cmd::Type),
        1 => Just(Cmd::DbSize),
        1 => Just(Cmd::FlushDb),
        2 => (key(), expire_arg(true, false), condition())
            .prop_map(|(k, n, c)| Cmd::Expire(k, n, c)),
        2 => (key(), expire_arg(false, false), condition())
            .prop_map(|(k, n, c)| Cmd::PExpire(k, n, c)),
        1 => (key(), expire_arg(true, true), condition())
            .prop_map(|(k, n, c)| Cmd::ExpireAt(k, n, c)),
        1 => (key(), expire_arg(false, true), condition())
            .prop_map(|(k, n, c)| Cmd::PExpireAt(k, n, c)),
        2 => key().prop_map(Cmd::Ttl),
        2 => key().prop_map(Cmd::PTtl),
        1 => key().prop_map(Cmd::ExpireTime),
        1 => key().prop_map(Cmd::PExpireTime),
        1 => key().prop_map(Cmd::Persist),
    ]
}
