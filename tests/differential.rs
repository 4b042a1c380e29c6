//! The differential test: the same command sequences sent to a real `redis-server` (started
//! here on a free 127.0.0.1 port) and to keyp in-process (`Session::execute`, replies encoded
//! in RESP2), replies compared frame by frame.
//!
//! Without `redis-server` the test prints a notice and passes, except under CI (`CI` set),
//! where it fails. `REDIS_SERVER` names another binary; `DIFF_SEED` runs that random seed instead of the fixed ones;
//! `DIFF_COMMANDS` sets the length of each random run.
//!
//! What is not compared exactly, and why, is listed on `TEMPLATES` (tests/differential/generator.rs).

#[path = "differential/mod.rs"]
mod harness;

use harness::generator::{pool_keys, Gen, Template, TEMPLATES};
use harness::{available, words, Compare, Frame, Pair};

/// Runs a script: one command per line, `#` comments. A first character picks how the line
/// is compared: `~` as a multiset (KEYS...), `?` by shape only, `%` as field-value pairs
/// (HGETALL), `=` by count (SRANDMEMBER with a count...), `^` as a SCAN reply, `&` as an
/// HSCAN/ZSCAN reply, `@` all but idle times (XPENDING, XINFO CONSUMERS); else exactly.
fn script(pair: &mut Pair, text: &str) {
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (how, line) = match line.split_at(1) {
            ("~", rest) => (Compare::Unordered, rest),
            ("?", rest) => (Compare::Shape, rest),
            ("%", rest) => (Compare::Pairs, rest),
            ("=", rest) => (Compare::Count, rest),
            ("^", rest) => (Compare::Scan, rest),
            ("&", rest) => (Compare::ScanPairs, rest),
            ("@", rest) => (Compare::Idle, rest),
            _ => (Compare::Exact, line),
        };
        pair.check(how, &words(line));
    }
}

/// The prefixes of [`script`].
const PREFIXES: [char; 7] = ['~', '?', '%', '=', '^', '&', '@'];

const STRINGS: &str = "
GET missing
SET k v
GET k
SET k v2 NX
SET k v3 XX GET
SET k2 v XX
SET k2 v NX GET
SET k2 v NX XX
SET k2 v XX NX
SET k v EX 100 PX 100
SET k v EX 100 KEEPTTL
SET k v KEEPTTL EX 100
SET k v EX 100 EX 200
SET k v EX
SET k v EX x
SET k v EX 0
SET k v PX -1
SET k v EX 9223372036854775807
SET k v EXAT 4102444800 GET
EXPIRETIME k
SET k v KEEPTTL
EXPIRETIME k
SET k v PXAT 1
EXISTS k
SET k v foo
set k v get get
RPUSH l a
SET l v GET
SET l v
TYPE l
SETNX k 1
SETNX k 2
GET k
SETEX k 0 v
SETEX k x v
SETEX k 100 v
TTL k
PSETEX k 100000 v
PSETEX k -5 v
MSET a 1 b 2 c
MSET a 1 b 2
MGET a b missing
MSETNX a 1 z 2
MSETNX y 1 z 2
MGET a y z
GETSET a 10
GETSET nope 1
GETDEL a
GETDEL a
GETEX b
GETEX b EX 100
TTL b
GETEX b PERSIST
TTL b
GETEX b EX 100 PERSIST
GETEX b PX
GETEX b EX x
GETEX missing EX x
GETEX b EX 0
GETEX b EXAT 1
EXISTS b
GETEX b KEEPTTL
APPEND s hello
APPEND s ' world'
STRLEN s
STRLEN missing
GETRANGE s 0 4
GETRANGE s -5 -1
GETRANGE s 5 1
GETRANGE s x 1
GETRANGE missing 0 -1
SUBSTR s 1 3
SETRANGE s 6 W
SETRANGE s -1 x
SETRANGE s 20 x
GET s
SETRANGE new 0 ''
EXISTS new
SETRANGE new 3 ''
INCR n
INCRBY n 10
DECR n
DECRBY n -5
DECRBY n -9223372036854775808
INCRBY n 9223372036854775807
INCRBY n x
INCR s
SET big 9223372036854775807
INCR big
SET sp ' 1'
INCR sp
INCRBYFLOAT f 1.5
INCRBYFLOAT f 0.1
INCRBYFLOAT f -1.6
INCRBYFLOAT f 1e3
INCRBYFLOAT f x
INCRBYFLOAT f inf
INCRBYFLOAT n 1
GET n
OBJECT ENCODING n
INCRBYFLOAT l 1
INCR l
APPEND l x
STRLEN l
GETRANGE l 0 1
SET key1 ohmytext
SET key2 mynewtext
LCS key1 key2
LCS key1 key2 LEN
LCS key1 key2 IDX
LCS key1 key2 IDX MINMATCHLEN 4 WITHMATCHLEN
LCS key1 key2 IDX LEN
LCS key1 key2 foo
LCS key1 key2 MINMATCHLEN x
LCS key1 l
LCS key1 missing
";

const KEYSPACE: &str = "
MSET a 1 b 2 c 3 long-key-ab-cd 4
RPUSH l x
DEL a missing b
UNLINK c
EXISTS a long-key-ab-cd long-key-ab-cd
TYPE long-key-ab-cd
TYPE missing
TYPE l
TOUCH long-key-ab-cd missing
DBSIZE
~KEYS *
~KEYS long*
~KEYS [a-c]
KEYS nomatch*
?RANDOMKEY
RENAME long-key-ab-cd d
RENAME missing e
RENAME d d
RENAMENX d d
RENAMENX missing e
SET e 5
RENAMENX d e
RENAME d e
GET e
COPY e f
COPY e f
COPY e f REPLACE
COPY e e
COPY e f DB 1
COPY e f DB x
COPY e f DB 99
COPY e f DB 99999999999
COPY e f DB
COPY e f foo
COPY l l2
LRANGE l2 0 -1
MOVE f 1
MOVE f 1
MOVE e 0
MOVE e 99
MOVE e x
MOVE e -1
MOVE missing 1
SELECT 1
~KEYS *
SELECT 0
SWAPDB 0 1
~KEYS *
SWAPDB 0 1
SWAPDB x 1
SWAPDB 0 x
SWAPDB 0 16
SWAPDB 0 0
SET i 12
SET s hello
SET r aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
OBJECT ENCODING i
OBJECT ENCODING s
OBJECT ENCODING r
OBJECT ENCODING missing
OBJECT ENCODING l
OBJECT REFCOUNT i
OBJECT REFCOUNT s
OBJECT REFCOUNT missing
?OBJECT IDLETIME s
OBJECT IDLETIME missing
OBJECT FREQ s
OBJECT FREQ missing
OBJECT HELP
OBJECT help x
OBJECT foo
OBJECT encoding
OBJECT encoding a b
OBJECT
SCAN x
SCAN 0 COUNT 0
SCAN 0 COUNT x
SCAN 0 COUNT
SCAN 0 foo bar
SCAN 0 MATCH nomatch* COUNT 1000
SCAN 0 TYPE nosuchtype COUNT 1000
FLUSHDB x
FLUSHDB SYNC x
FLUSHALL foo
DBSIZE
FLUSHDB ASYNC
DBSIZE
SELECT 1
DBSIZE
FLUSHALL SYNC
DBSIZE
SELECT 0
";

const TTL: &str = "
SET k v
TTL k
PTTL k
EXPIRETIME k
PEXPIRETIME k
TTL missing
PTTL missing
EXPIRETIME missing
EXPIRE k 100
TTL k
EXPIRE k 50 GT
EXPIRE k 200 GT
TTL k
EXPIRE k 300 LT
EXPIRE k 50 LT
TTL k
EXPIRE k 50 NX
EXPIRE k 70 XX
TTL k
PERSIST k
PERSIST k
PERSIST missing
EXPIRE k 50 XX
EXPIRE k 50 GT
EXPIRE k 50 LT XX
EXPIRE k 50 GT XX
EXPIRE k 50 LT
TTL k
EXPIRE k 50 NX XX
EXPIRE k 50 NX GT
EXPIRE k 50 GT LT
EXPIRE k 50 foo
EXPIRE k x foo
EXPIRE k x
EXPIRE k 1.5
EXPIRE missing 10
EXPIRE k 9223372036854775807
EXPIRE missing 9223372036854775807
PEXPIRE k 9223372036854775807
EXPIREAT k 4102444800
EXPIRETIME k
PEXPIRETIME k
PEXPIREAT k 4102444800123
EXPIRETIME k
PEXPIRETIME k
EXPIREAT k 4102444800 GT
EXPIREAT k 4102444801 GT
PEXPIREAT k 9223372036854775807
PEXPIRETIME k
EXPIREAT k 9223372036854775807
EXPIRE k -1
EXISTS k
SET k v
PEXPIRE k 0
EXISTS k
SET k v
EXPIREAT k 1
EXISTS k
SET k v
PEXPIREAT k -5
EXISTS k
";

const BITMAPS: &str = "
SETBIT b 7 1
SETBIT b 7 0
SETBIT b 100 1
GETBIT b 100
GETBIT b 101
GETBIT b 99999
GETBIT missing 3
SETBIT b -1 1
SETBIT b 4294967296 1
SETBIT b x 1
SETBIT b 1 2
SETBIT b 1 x
GETBIT b -1
GET b
BITCOUNT b
BITCOUNT b 0 -1
BITCOUNT b 0 -1 BIT
BITCOUNT b 96 103 BIT
BITCOUNT b 1 0
BITCOUNT b 0
BITCOUNT b 0 1 foo
BITCOUNT b x 1
BITCOUNT missing
BITCOUNT missing x y
BITCOUNT missing 0
SET s foobar
BITCOUNT s 1 1
BITCOUNT s 5 30 BIT
BITPOS s 1
BITPOS s 0
BITPOS s 1 2
BITPOS s 1 2 -1
BITPOS s 1 7 15 BIT
BITPOS s 0 0 -1 BYTE
BITPOS s 2
BITPOS s x
BITPOS s 1 x
BITPOS s 1 0 x
BITPOS s 1 0 1 foo
BITPOS s 1 0 1 BIT 5
BITPOS missing 1
BITPOS missing 0
BITPOS missing 1 x
BITPOS missing 2
SET z ''
BITPOS z 0

BITOP AND dest s b
GET dest
BITOP OR dest s b missing
BITOP XOR dest s b
BITOP NOT dest s
GET dest
BITOP NOT dest s b
BITOP FOO dest s
BITOP AND dest missing
EXISTS dest
RPUSH l x
BITOP AND dest s l
BITCOUNT l
BITPOS l 1
GETBIT l 0
SETBIT l 0 1
BITFIELD bf SET i8 0 100 GET u4 0 INCRBY i5 100 1
BITFIELD bf OVERFLOW SAT INCRBY i8 0 100 OVERFLOW FAIL INCRBY u2 #3 5 GET i8 0
BITFIELD bf OVERFLOW WRAP INCRBY u8 #0 200
BITFIELD bf GET u64 0
BITFIELD bf GET i64 0
BITFIELD bf GET u63 0
BITFIELD bf GET x8 0
BITFIELD bf GET u8 -1
BITFIELD bf GET u8 x
BITFIELD bf SET u8 0 x
BITFIELD bf OVERFLOW MAYBE
BITFIELD bf FOO
BITFIELD bf GET u8
BITFIELD bf
BITFIELD missing GET u8 0
EXISTS missing
BITFIELD l GET u8 0
BITFIELD l
BITFIELD_RO bf GET u8 0 GET i4 #1
BITFIELD_RO bf SET u8 0 1
BITFIELD_RO bf OVERFLOW SAT GET u8 0
BITFIELD_RO l GET u8 0
BITFIELD_RO missing GET u8 0
";

const HLL: &str = "
PFADD h a b c d e f g
PFADD h a
PFADD h
PFADD new
PFCOUNT h
PFCOUNT new
PFCOUNT missing
PFADD h2 x y z a
PFCOUNT h h2
PFMERGE h3 h h2
PFCOUNT h3
PFMERGE h3
PFMERGE h4 missing
EXISTS h4
SET s notanhll
PFADD s a
PFCOUNT s
PFMERGE h3 s
RPUSH l x
PFADD l a
PFCOUNT h l
PFMERGE l h
GET h4
";

const LISTS: &str = "
RPUSH l a b c a b c a
LPOS l a
LPOS l a RANK 2
LPOS l a RANK -1
LPOS l a RANK -3
LPOS l a RANK 5
LPOS l a COUNT 0
LPOS l a COUNT 2
LPOS l a RANK -1 COUNT 0
LPOS l a RANK 2 COUNT 0 MAXLEN 4
LPOS l a RANK -2 COUNT 5 MAXLEN 3
LPOS l a MAXLEN 1
LPOS l a MAXLEN 0
LPOS l a RANK 0
LPOS l a RANK -9223372036854775808
LPOS l a RANK 9223372036854775807
LPOS l a COUNT -1
LPOS l a MAXLEN -1
LPOS l a RANK x
LPOS l a FOO 1
LPOS l a RANK
LPOS l z
LPOS l z COUNT 0
LPOS missing a
LPOS missing a COUNT 0
LLEN l
LINDEX l 0
LINDEX l -1
LINDEX l 7
LINDEX l -8
LINDEX l x
LSET l 0 A
LSET l -1 Z
LSET l 7 x
LSET missing 0 x
LSET l x y
LRANGE l 0 -1
LRANGE l -100 100
LRANGE l 5 2
LRANGE l -2 -1
LRANGE l x 1
LRANGE missing 0 -1
LINSERT l BEFORE b X
LINSERT l AFTER c Y
LINSERT l AFTER nope Y
LINSERT l MIDDLE c Y
LINSERT missing BEFORE a b
LREM l 2 a
LREM l -1 b
LREM l 0 c
LREM l 0 nope
LREM l x a
LRANGE l 0 -1
LTRIM l 1 -2
LRANGE l 0 -1
LTRIM l x 1
LTRIM l 5 1
EXISTS l
RPUSH l 1 2 3 4 5
LPOP l 0
LPOP l 2
RPOP l 2
LPOP l -1
LPOP l x
RPOP l 10
EXISTS l
LPOP missing
LPOP missing 2
LPOP missing 0
RPOP missing 0
LPUSHX missing a
RPUSHX missing a
EXISTS missing
RPUSH l a
LPUSHX l b c
RPUSHX l d
LRANGE l 0 -1
RPUSH l2 x y
LMOVE l l2 LEFT RIGHT
LMOVE l l2 RIGHT LEFT
LMOVE l l LEFT RIGHT
LRANGE l 0 -1
LRANGE l2 0 -1
LMOVE l l2 UP LEFT
LMOVE missing l2 LEFT LEFT
EXISTS missing
RPOPLPUSH l2 l2
RPOPLPUSH l2 new
LRANGE new 0 -1
SET s str
LMOVE l s LEFT LEFT
LMOVE s l LEFT LEFT
LMOVE missing s LEFT LEFT
RPOPLPUSH l s
LRANGE l 0 -1
LMPOP 2 missing l LEFT
LMPOP 2 missing l RIGHT COUNT 10
LMPOP 2 missing l2 LEFT COUNT 0
LMPOP 2 missing l2 LEFT COUNT -1
LMPOP 0 l LEFT
LMPOP -1 l LEFT
LMPOP x l LEFT
LMPOP 3 l l2 LEFT
LMPOP 1 l2 l LEFT
LMPOP 1 l2 LEFT COUNT 1 COUNT 2
LMPOP 1 l2 LEFT FOO 1
LMPOP 1 missing LEFT
LMPOP 1 s LEFT
LMPOP 2 missing s LEFT
RPUSH b1 1 2 3
BLPOP missing b1 0.01
BRPOP b1 0.01
BLPOP missing 0.01
BLPOP missing -1
BLPOP missing x
BLPOP s 0.01
BLPOP missing s 0.01
BLMOVE b1 b2 LEFT RIGHT 0.01
BLMOVE missing b2 LEFT RIGHT 0.01
BLMOVE b1 b2 LEFT UP 0.01
BRPOPLPUSH b2 b1 0.01
BRPOPLPUSH missing b1 0.01
BLMPOP 0.01 2 missing b1 LEFT COUNT 5
BLMPOP 0.01 1 missing LEFT
BLMPOP 0.01 0 missing LEFT
BLMPOP x 1 missing LEFT
BLMPOP -1 1 missing LEFT
BZPOPMIN b1 0.01
EXISTS b1 b2
LPUSH s a
LLEN s
LINDEX s 0
LRANGE s 0 -1
LPOS s a
OBJECT ENCODING b2
RPUSH big aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
OBJECT ENCODING big
";

const HASHES: &str = "
HSET h f1 v1 f2 v2
HSET h f1 v1b f3 v3
HSET h f1
HSET h f1 v f2
HSETNX h f1 x
HSETNX h f4 x
HGET h f1
HGET h nope
HGET missing f
HMGET h f1 nope f2
HMGET missing a b
HMSET h f5 v5
HMSET h f5
HLEN h
HLEN missing
HSTRLEN h f1
HSTRLEN h nope
HSTRLEN missing f
HEXISTS h f1
HEXISTS h nope
HEXISTS missing f
~HKEYS h
~HVALS h
%HGETALL h
HGETALL missing
HKEYS missing
HVALS missing
HDEL h f1 f1 nope
HDEL missing f
HINCRBY h n 5
HINCRBY h n -10
HINCRBY h n x
HINCRBY h f2 1
HINCRBY h n 9223372036854775807
HINCRBY h n -9223372036854775808
HSET h big 9223372036854775807
HINCRBY h big 1
HINCRBYFLOAT h fl 0.1
HINCRBYFLOAT h fl 0.2
HGET h fl
HINCRBYFLOAT h fl 1e3
HINCRBYFLOAT h fl inf
HINCRBYFLOAT h fl nan
HINCRBYFLOAT h fl x
HINCRBYFLOAT h f2 1
HSET h sp ' 1'
HINCRBY h sp 1
HINCRBYFLOAT h sp 1
HSET h e 1e5
HINCRBYFLOAT h e 1
HINCRBY h e 1
HINCRBYFLOAT h int 10.50
HGET h int
HINCRBYFLOAT h n 1.5
HGET h n
HRANDFIELD missing
HRANDFIELD missing 5
HRANDFIELD missing 5 WITHVALUES
HRANDFIELD h 0
HRANDFIELD h 0 WITHVALUES
=HRANDFIELD h 3
=HRANDFIELD h -20
=HRANDFIELD h 100 WITHVALUES
=HRANDFIELD h -5 WITHVALUES
HRANDFIELD h x
HRANDFIELD h 1 FOO
HRANDFIELD h -9223372036854775808
HRANDFIELD h -9223372036854775807 WITHVALUES
?HRANDFIELD h
&HSCAN h 0 COUNT 1000
&HSCAN h 0 MATCH f* COUNT 1000
HSCAN h x
HSCAN h 0 COUNT 0
HSCAN h 0 MATCH
HSCAN h 0 FOO bar
HSCAN missing 0
HSCAN missing 0 NOVALUES
SET s str
HSET s f v
HSETNX s f v
HGET s f
HMGET s f
HGETALL s
HLEN s
HKEYS s
HINCRBY s f 1
HRANDFIELD s
HSCAN s 0
OBJECT ENCODING h
HSET long f aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
OBJECT ENCODING long
HDEL h f2 f3 f4 f5 n big fl sp e int
EXISTS h
";

const SETS: &str = "
SADD s 1 2 3
OBJECT ENCODING s
SADD s 2 a
OBJECT ENCODING s
SADD s
SREM s a nope
SREM missing a
SISMEMBER s 1
SISMEMBER s nope
SISMEMBER missing a
SMISMEMBER s 1 nope 3
SMISMEMBER missing a
SCARD s
SCARD missing
~SMEMBERS s
SMEMBERS missing
SADD t 3 4 5
SADD u 5 6
~SINTER s t
SINTER s missing
SINTER missing s
~SUNION s t u missing
~SDIFF s t
SDIFF missing s
~SDIFF s missing
SINTERCARD 2 s t
SINTERCARD 2 s t LIMIT 0
SINTERCARD 3 s t u LIMIT 1
SINTERCARD 1 s LIMIT 2
SINTERCARD 0 s
SINTERCARD 3 s t
SINTERCARD 2 s t LIMIT -1
SINTERCARD 2 s t LIMIT x
SINTERCARD 2 s t FOO 1
SINTERCARD x s
SINTERSTORE d s t
~SMEMBERS d
SINTERSTORE d s missing
EXISTS d
SUNIONSTORE d s t
~SMEMBERS d
SDIFFSTORE d s t
SDIFFSTORE d s s
EXISTS d
SMOVE s t 1
SMOVE s t nope
SMOVE missing t 1
SMOVE s s 2
SMOVE s s nope
SET str x
SMOVE s str 2
SMOVE str s 2
SMOVE s missing 3
~SMEMBERS missing
SADD str a
SINTER s str
SINTER missing str
SUNIONSTORE d s str
SDIFFSTORE str s t
TYPE str
SINTERCARD 2 s str
SPOP missing
SPOP missing 3
SPOP s 0
SPOP s -1
SPOP s x
SPOP s 1 2
SRANDMEMBER missing
SRANDMEMBER missing 5
SRANDMEMBER s 0
=SRANDMEMBER s 10
=SRANDMEMBER s -10
SRANDMEMBER s x
SRANDMEMBER s -9223372036854775808
SRANDMEMBER s 1 2
~SPOP t 100
EXISTS t
SADD one x
SPOP one
EXISTS one
SADD one x
SRANDMEMBER one
SRANDMEMBER one -3
SSCAN s x
SSCAN missing 0
^SSCAN s 0 COUNT 1000
^SSCAN s 0 MATCH 1* COUNT 1000
SSCAN s 0 COUNT 0
SADD big 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30
OBJECT ENCODING big
SADD big 9999999999999999999
OBJECT ENCODING big
SADD neg -5 -1 0
OBJECT ENCODING neg
SISMEMBER neg -5
SISMEMBER neg -05
";

const ZSETS: &str = "
ZADD z 1 a 2 b 3 c
ZADD z 1e308 big -1e308 small
ZADD z inf pinf -inf ninf
ZADD z -0 zero
ZSCORE z zero
ZSCORE z big
ZSCORE z pinf
ZRANGE z 0 -1 WITHSCORES
ZADD z nan x
ZADD z x a
ZADD z '' a
ZADD z 1
ZADD z 1 a 2
ZADD z NX XX 1 a
ZADD z GT LT 1 a
ZADD z NX GT 1 a
ZADD z INCR 1 a 2 b
ZADD z INCR 5 a
ZADD z XX INCR 1 nope
ZADD z NX INCR 1 a
ZADD z GT INCR -1 a
ZADD z LT INCR -1 a
ZADD z GT CH 10 a 0 b 5 new
ZADD z LT CH 0 a
ZADD z XX CH 7 a 8 nope
ZADD z CH CH 7 a
ZADD z FOO 1 a
ZADD z INCR inf pinf
ZADD z INCR -inf pinf
ZCARD z
ZCARD missing
ZINCRBY f 0.1 m
ZINCRBY f 0.2 m
ZSCORE f m
ZINCRBY f 1e308 m
ZINCRBY f 1e308 m
ZSCORE f m
ZINCRBY f -inf m
ZSCORE f m
ZINCRBY f x m
ZINCRBY f nan m
ZINCRBY f 1
ZADD g 1.5 a 0.30000000000000004 b 123456789012345678 c 1e-7 d 3.0 e 0.1 f -2.5e-300 g 1e21 h 100 i
ZRANGE g 0 -1 WITHSCORES
ZMSCORE g a nope e
ZMSCORE missing a
ZSCORE missing a
ZSCORE g nope
ZRANK z a
ZREVRANK z a
ZRANK z nope
ZRANK z a WITHSCORE
ZREVRANK z a WITHSCORE
ZRANK missing a
ZCOUNT z -inf +inf
ZCOUNT z (1 3
ZCOUNT z (1 (1
ZCOUNT z x 1
ZCOUNT z [1 2
ZCOUNT z 3 1
ZCOUNT z (-inf (inf
ZCOUNT missing 0 1
ZADD lex 0 a 0 b 0 c 0 d 0 e
ZLEXCOUNT lex - +
ZLEXCOUNT lex [b (d
ZLEXCOUNT lex b d
ZLEXCOUNT lex + -
ZLEXCOUNT lex [a [a
ZLEXCOUNT missing - +
ZRANGE lex [b [d BYLEX
ZRANGE lex (b + BYLEX LIMIT 1 2
ZRANGE lex + - BYLEX REV
ZRANGE lex [d [b BYLEX REV LIMIT 0 -1
ZRANGE lex [d [b BYLEX WITHSCORES
ZRANGE z 0 -1 BYSCORE LIMIT 1 -1 WITHSCORES
ZRANGE z -inf +inf BYSCORE LIMIT 1 -5
ZRANGE z -inf +inf BYSCORE LIMIT -1 5
ZRANGE z -inf +inf BYSCORE LIMIT 0 0
ZRANGE z +inf -inf BYSCORE REV LIMIT 0 2 WITHSCORES
ZRANGE z (1 (3 BYSCORE
ZRANGE z (1 (3 BYSCORE LIMIT 0
ZRANGE z 0 1 LIMIT 0 1
ZRANGE z 0 1 BYSCORE BYLEX
ZRANGE z 0 1 WITHSCORES BYLEX
ZRANGE z a b
ZRANGE z 0 -1 REV
ZRANGE z -100 100
ZRANGE z 5 2
ZRANGE missing 0 -1
ZRANGE z 0 -1 FOO
ZRANGESTORE dst z 0 1
ZRANGE dst 0 -1 WITHSCORES
ZRANGESTORE dst z 5 2
EXISTS dst
ZRANGESTORE dst lex [a [c BYLEX LIMIT 1 1
ZRANGE dst 0 -1 WITHSCORES
ZRANGESTORE dst z 0 1 WITHSCORES
ZRANGESTORE dst missing 0 -1
EXISTS dst
ZREVRANGE z 0 2 WITHSCORES
ZREVRANGE z 0 2 FOO
ZRANGEBYSCORE z -inf +inf WITHSCORES LIMIT 2 3
ZRANGEBYSCORE z (2 +inf
ZRANGEBYSCORE z 1 2 LIMIT 0
ZRANGEBYSCORE z 1 2 LIMIT x 1
ZREVRANGEBYSCORE z +inf -inf LIMIT 0 2
ZREVRANGEBYSCORE z 1 2
ZREVRANGEBYSCORE z (3 (1 WITHSCORES
ZRANGEBYLEX lex - + LIMIT 1 2
ZRANGEBYLEX lex a +
ZRANGEBYLEX lex - + WITHSCORES
ZREVRANGEBYLEX lex + - LIMIT 0 2
ZREVRANGEBYLEX lex (d [a
ZREMRANGEBYRANK z 0 0
ZREMRANGEBYRANK z x 0
ZREMRANGEBYSCORE z (1e308 +inf
ZREMRANGEBYSCORE z x 1
ZREMRANGEBYLEX lex (c +
ZREMRANGEBYLEX lex a +
ZRANGE lex 0 -1
ZREMRANGEBYRANK missing 0 -1
ZPOPMIN z
ZPOPMAX z 2
ZPOPMIN z 0
ZPOPMIN z -1
ZPOPMIN z x
ZPOPMIN missing
ZPOPMIN missing 2
ZMPOP 2 missing z MIN COUNT 2
ZMPOP 1 z MAX
ZMPOP 1 missing MAX
ZMPOP 0 z MAX
ZMPOP 1 z MAX COUNT 0
ZMPOP 1 z MID
ZMPOP 1 z MIN COUNT 1 COUNT 1
BZPOPMIN missing z 0.01
BZPOPMAX missing 0.01
BZPOPMIN missing x
BZPOPMIN missing -1
BZMPOP 0.01 2 missing z MAX COUNT 10
BZMPOP 0.01 1 missing MIN
BZMPOP x 1 missing MIN
EXISTS z
ZADD a 1 x 2 y 3 z
ZADD b 10 y 20 z 30 w
SADD set y w q
ZUNION 2 a b WITHSCORES
ZUNION 2 a b WEIGHTS 2 0.5 AGGREGATE MAX WITHSCORES
ZUNION 3 a b set WITHSCORES
ZINTER 2 a b AGGREGATE MIN WITHSCORES
ZINTER 3 a b set WITHSCORES
ZINTER 2 a missing
ZDIFF 2 a b WITHSCORES
ZDIFF 2 b set
ZDIFF 1 missing
ZUNION 2 a b WEIGHTS 1
ZUNION 2 a b WEIGHTS 1 x
ZUNION 2 a b AGGREGATE AVG
ZUNION 0 a
ZUNION -1 a
ZUNION 3 a b
ZUNION 2 a b WITHSCORES WITHSCORES
ZUNION 1 a WEIGHTS inf WITHSCORES
ZADD n -inf m 1 x
ZUNION 2 a n WEIGHTS inf 1 WITHSCORES
ZUNION 2 a n WITHSCORES
ZINTER 2 a n WEIGHTS 0 1 WITHSCORES
ZUNIONSTORE d 2 a b
ZRANGE d 0 -1 WITHSCORES
ZINTERSTORE d 2 a b WEIGHTS 1 -1
ZRANGE d 0 -1 WITHSCORES
ZDIFFSTORE d 2 a b
ZRANGE d 0 -1 WITHSCORES
ZDIFFSTORE d 2 a a
EXISTS d
ZUNIONSTORE d 2 a b WITHSCORES
ZINTERCARD 2 a b
ZINTERCARD 2 a b LIMIT 1
ZINTERCARD 2 a b LIMIT -1
ZINTERCARD 0 a
ZINTERCARD 2 a set
SET str x
ZUNIONSTORE d 2 a str
ZUNION 2 a str
ZDIFF 2 missing str
ZINTER 2 missing str
ZINTERCARD 2 missing str
ZADD str 1 a
ZSCORE str a
ZRANGE str 0 -1
ZRANDMEMBER missing
ZRANDMEMBER missing 3
=ZRANDMEMBER a 5
=ZRANDMEMBER a -5 WITHSCORES
ZRANDMEMBER a 0
ZRANDMEMBER a x
ZRANDMEMBER a 1 FOO
ZRANDMEMBER a -9223372036854775808
ZSCAN a 0 COUNT 0
ZSCAN a x
&ZSCAN a 0 COUNT 1000
&ZSCAN a 0 MATCH [xy] COUNT 1000
OBJECT ENCODING a
ZADD longm 1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
OBJECT ENCODING longm
";

const STREAMS: &str = "
SET str x
XADD s 1-1 f v
XADD s 1-1 f v
XADD s 1-0 f v
XADD s 0-0 f v
XADD new 0-0 f v
XADD s 1-* f v
XADD s 2 f v
XADD s 2-* a 1 b 2
XADD s x f v
XADD s 3-x f v
XADD s -1 f v
XADD s 5-0 f
XADD s 5-0 f v g
XADD new NOMKSTREAM 1-1 f v
EXISTS new
XADD new 0-* f v
XRANGE new - +
XADD t MAXLEN 2 1-1 a 1
XADD t MAXLEN 2 2-1 a 1
XADD t MAXLEN 2 3-1 a 1
XRANGE t - +
XADD t MAXLEN ~ 1 4-1 a 1
XLEN t
XADD t MAXLEN = 1 LIMIT 10 5-1 a 1
XADD t MAXLEN ~ 1 LIMIT 10 5-1 a 1
XADD t MAXLEN 1 LIMIT 10 5-1 a 1
XADD t MAXLEN x 6-1 a 1
XADD t MAXLEN -1 6-1 a 1
XADD t MINID 3-1 6-1 a 1
XRANGE t - +
XADD t MINID ~ 100 7-1 a 1
XLEN t
XADD t MINID x 7-2 a 1
XADD t MAXLEN 1 MINID 1 8-1 a 1
XADD t FOO 8-1 a 1
XADD t NOMKSTREAM MAXLEN 0 9-1 a 1
XLEN t
EXISTS t
XINFO STREAM t
XLEN missing
XRANGE s - +
XRANGE s 1 1
XRANGE s (1-1 +
XRANGE s - (2
XRANGE s (- +
XRANGE s - (+
XRANGE s - + COUNT 0
XRANGE s - + COUNT -1
XRANGE s - + COUNT 1
XRANGE s - + COUNT x
XRANGE s - + FOO 1
XRANGE s x +
XRANGE s 2 1
XRANGE s (18446744073709551615-18446744073709551615 +
XRANGE s - (0-0
XRANGE missing - +
XREVRANGE s + - COUNT 2
XREVRANGE s - +
XREVRANGE s (2-1 (1-0
XREVRANGE s + (0
XDEL s 1-0 1-0 9-9
XDEL s x
XDEL missing 1-1
XLEN s
XINFO STREAM s
XTRIM s MAXLEN 3
XTRIM s MINID 2-0
XTRIM s MAXLEN ~ 0
XTRIM s MAXLEN = 0 LIMIT 1
XTRIM s MAXLEN ~ 0 LIMIT x
XTRIM s FOO 1
XTRIM s MAXLEN
XTRIM s MAXLEN -1
XTRIM missing MAXLEN 0
XINFO STREAM s
XSETID s 1-1
XSETID s 99-0
XSETID s 99-0 ENTRIESADDED 1
XSETID s 100-0 ENTRIESADDED 100 MAXDELETEDID 50-0
XSETID s 101-0 ENTRIESADDED 100 MAXDELETEDID 200-0
XSETID s 101-0 ENTRIESADDED -1
XSETID s 101-0 FOO 1
XSETID s x
XSETID missing 1-1
XINFO STREAM s
XADD m 5-0 f v
XADD m 6-0 f v
XDEL m 6-0
XSETID m 4-0
XSETID m 5-5
XINFO STREAM m
XSETID m 5-6 MAXDELETEDID 1-0
XINFO STREAM m
XDEL m 5-0
XSETID m 1-0
XINFO STREAM m
XADD s 99-5 f v
XADD s 100-* f v
XADD t2 18446744073709551615-18446744073709551615 f v
XADD t2 18446744073709551615-* f v
XADD t2 * f v
XSETID t2 1-1
XINFO STREAM t2
XADD r 1-1 a 1
XADD r 2-1 b 2
XADD r 3-1 c 3
XREAD STREAMS r 0
XREAD COUNT 1 STREAMS r 0
XREAD COUNT 0 STREAMS r 0
XREAD STREAMS r missing 0 0
XREAD STREAMS r 2-1
XREAD STREAMS r $
XREAD BLOCK 10 STREAMS r $
XREAD BLOCK 10 STREAMS missing $
XREAD BLOCK 10 STREAMS r 0
XREAD STREAMS r
XREAD FOO STREAMS r 0
XREAD COUNT x STREAMS r 0
XREAD BLOCK -1 STREAMS r 0
XREAD BLOCK x STREAMS r 0
XREAD STREAMS r x
XREAD STREAMS r +
XREAD STREAMS r >
XREAD COUNT 1
XGROUP CREATE r g 0
XGROUP CREATE r g 0
XGROUP CREATE missing g 0
XGROUP CREATE mk g $ MKSTREAM
XINFO STREAM mk
XGROUP CREATE r g2 x
XGROUP CREATE r g3 $ ENTRIESREAD 1
XGROUP CREATE r g4 0 ENTRIESREAD -5
XGROUP CREATE r g4 0 ENTRIESREAD x
XGROUP CREATE r g4 0 FOO
XGROUP CREATE r g4
XINFO GROUPS r
XREADGROUP GROUP g c1 COUNT 1 STREAMS r >
XREADGROUP GROUP g c2 STREAMS r >
XREADGROUP GROUP g c2 STREAMS r >
XREADGROUP GROUP g c1 STREAMS r 0
XREADGROUP GROUP g c2 STREAMS r 0-0
XREADGROUP GROUP g c1 STREAMS r $
XREADGROUP GROUP nog c1 STREAMS r >
XREADGROUP GROUP g c1 STREAMS missing >
XREADGROUP GROUP g c1 STREAMS missing 0
XREADGROUP GROUP g c1 BLOCK 10 STREAMS r >
XREADGROUP GROUP g c1 NOACK STREAMS r 0
XREADGROUP STREAMS r >
XREADGROUP GROUP g STREAMS r >
XREADGROUP GROUP g c1 STREAMS r
XREADGROUP GROUP g c1 COUNT -1 STREAMS r >
XINFO GROUPS r
XPENDING r g
@XPENDING r g - + 10
@XPENDING r g - + 10 c1
@XPENDING r g IDLE 0 - + 10
@XPENDING r g (1-1 + 10
XPENDING r g IDLE 100000000 - + 10
XPENDING r g - + 0
XPENDING r g - + -1
XPENDING r g - + x
XPENDING r g - +
XPENDING r g IDLE x - + 10
XPENDING r nog
XPENDING missing g
@XINFO CONSUMERS r g
XINFO CONSUMERS r nog
XINFO CONSUMERS missing g
XACK r g 1-1 9-9
XACK r nog 1-1
XACK r g x
XACK missing g 1-1
XPENDING r g
XCLAIM r g c3 0 2-1 JUSTID
XCLAIM r g c3 0 2-1
XCLAIM r g c3 100000000 2-1
XCLAIM r g c3 0 1-1 FORCE JUSTID
XCLAIM r g c3 0 99-0 FORCE
XCLAIM r g c3 0 x
XCLAIM r g c3 x 2-1
XCLAIM r g c3 -1 2-1
XCLAIM r g c3 0 2-1 IDLE x
XCLAIM r g c3 0 2-1 RETRYCOUNT 5 JUSTID
XCLAIM r g c3 0 2-1 LASTID 50-0 JUSTID
XCLAIM r g c3 0 2-1 FOO
XCLAIM r nog c3 0 2-1
XCLAIM missing g c3 0 2-1
XPENDING r g
XINFO GROUPS r
XAUTOCLAIM r g c1 0 0
XAUTOCLAIM r g c1 0 0 COUNT 1 JUSTID
XAUTOCLAIM r g c1 0 0 COUNT 0
XAUTOCLAIM r g c1 0 x
XAUTOCLAIM r g c1 x 0
XAUTOCLAIM r g c1 0 0 FOO
XAUTOCLAIM r nog c1 0 0
XAUTOCLAIM missing g c1 0 0
XDEL r 2-1
XAUTOCLAIM r g c2 0 0
XCLAIM r g c2 0 3-1
XPENDING r g
XINFO GROUPS r
XINFO STREAM r
XGROUP SETID r g 0
XINFO GROUPS r
XGROUP SETID r g $ ENTRIESREAD 3
XGROUP SETID r g 1-1 ENTRIESREAD x
XGROUP SETID r nog 0
XGROUP SETID missing g 0
XGROUP SETID r g $ ENTRIESREAD x extra
XGROUP SETID r g $ ENTRIESREAD 5 extra
XGROUP SETID r g $ ENTRIESREAD -5 extra
XGROUP SETID r g $ FOO 1
XGROUP SETID r g $ MKSTREAM
XGROUP SETID r g x ENTRIESREAD 1 ENTRIESREAD 2
XGROUP SETID missing g $ ENTRIESREAD 1 ENTRIESREAD 2
XGROUP SETID r nog $ ENTRIESREAD 1 ENTRIESREAD 2
XGROUP SETID str g 0 ENTRIESREAD 1 ENTRIESREAD 2
XGROUP CREATE str g 0 ENTRIESREAD 1 ENTRIESREAD 2
XGROUP CREATE missing g 0 ENTRIESREAD 1 ENTRIESREAD 2
XGROUP CREATE r g 0 ENTRIESREAD 1 ENTRIESREAD 2
XGROUP CREATE missing g 0 MKSTREAM MKSTREAM MKSTREAM MKSTREAM
EXISTS missing
XGROUP CREATE r g5 0 MKSTREAM MKSTREAM MKSTREAM
XGROUP CREATE r g6 0 ENTRIESREAD 1 MKSTREAM x
XINFO GROUPS r
XGROUP CREATECONSUMER r g c9
XGROUP CREATECONSUMER r g c9
XGROUP CREATECONSUMER r nog c9
XGROUP DELCONSUMER r g c1
XGROUP DELCONSUMER r g nobody
XGROUP DELCONSUMER r nog c1
@XINFO CONSUMERS r g
XGROUP DESTROY r g
XGROUP DESTROY r g
XGROUP DESTROY missing g
XGROUP FOO r g
XGROUP CREATE
XINFO FOO r
XINFO STREAM missing
XINFO GROUPS missing
XINFO STREAM r FOO
?XINFO STREAM r FULL
XINFO STREAM r FULL COUNT x
SET str x
XADD str 1-1 f v
XRANGE str - +
XLEN str
XREAD STREAMS str 0
XGROUP CREATE str g 0
XINFO STREAM str
XTRIM str MAXLEN 0
XDEL str 1-1
XSETID str 1-1
";

const TRANSACTIONS: &str = "
MULTI
SET a 1
INCR a
LPUSH a x
GET a
EXEC
MULTI
MULTI
SET b 2
EXEC
MULTI
SET c 1
NOSUCHCMD
EXEC
EXISTS c
MULTI
SET c
EXEC
EXISTS c
MULTI
SET c 1
DISCARD
EXISTS c
DISCARD
EXEC
MULTI x
MULTI
SET a 1
EXEC x
EXEC
GET a
MULTI
XINFO FOO k
OBJECT ENCODING
XGROUP CREATE k g
EXEC
WATCH a
SET a 2
EXEC x
MULTI
GET a
EXEC
WATCH a
SET a 5
MULTI
GET a
EXEC
WATCH a
MULTI
GET a
EXEC
WATCH a b
UNWATCH
SET a 6
MULTI
GET a
EXEC
MULTI
WATCH a
EXEC
WATCH missing
SET missing 1
MULTI
PING
EXEC
WATCH missing2
MULTI
EXEC
WATCH
UNWATCH x
MULTI
BLPOP emptylist 0
BLMOVE emptylist l LEFT LEFT 0
BRPOPLPUSH emptylist l 0
BLMPOP 0 1 emptylist LEFT
BZPOPMIN emptyzset 0
BZMPOP 0 1 emptyzset MIN
XREADGROUP GROUP g c BLOCK 0 STREAMS emptystream >
XREAD BLOCK 0 STREAMS emptystream $
SELECT 1
SET x 1
EXEC
SELECT 0
SADD s x
WATCH s
SADD s x
MULTI
PING
EXEC
WATCH s
SADD s y
MULTI
PING
EXEC
WATCH s
SREM s nope
MULTI
PING
EXEC
WATCH a
EXPIRE a 100
MULTI
PING
EXEC
WATCH a
GET a
MULTI
PING
EXEC
WATCH a
DEL nope
MULTI
PING
EXEC
WATCH a
FLUSHDB
MULTI
PING
EXEC
WATCH nope
FLUSHDB
MULTI
PING
EXEC
SET k v
WATCH k
SELECT 1
SET k v2
SELECT 0
MULTI
PING
EXEC
WATCH k
SWAPDB 0 1
MULTI
PING
EXEC
SWAPDB 0 1
WATCH nope
SWAPDB 0 1
MULTI
PING
EXEC
SELECT 1
WATCH nope
SWAPDB 2 1
MULTI
PING
EXEC
SELECT 0
WATCH nope
SELECT 1
SET nope 1
SELECT 0
SWAPDB 0 1
MULTI
PING
EXEC
SWAPDB 0 1
SELECT 1
DEL nope
SELECT 0
XADD st 1-1 f v
XADD st 2-1 f v
XGROUP CREATE st g 0
WATCH st
XGROUP CREATE st g2 0
XREADGROUP GROUP g c STREAMS st >
XACK st g 1-1
XCLAIM st g c2 0 2-1
XAUTOCLAIM st g c3 0 0
XGROUP SETID st g 0
XGROUP CREATECONSUMER st g c9
XGROUP DELCONSUMER st g c9
XGROUP DESTROY st g2
XSETID st 5-5
XTRIM st MAXLEN 5
XDEL st 9-9
MULTI
PING
EXEC
WATCH st
XTRIM st MAXLEN 1
MULTI
PING
EXEC
WATCH st2
XGROUP CREATE st2 g 0 MKSTREAM
MULTI
PING
EXEC
WATCH k
MULTI
LPUSH k x
INCR k
SET k 5
EXEC
";

fn run_script(name: &str, text: &str) {
    let Some(mut pair) = Pair::start() else {
        return;
    };
    pair.reset();
    // Lines whose command keyp does not have are left out.
    let text: String = text
        .lines()
        .filter(|l| {
            let command = l.trim().trim_start_matches(PREFIXES);
            command.is_empty()
                || command.starts_with('#')
                || available(command.split(' ').next().unwrap_or_default().as_bytes())
        })
        .map(|l| format!("{l}\n"))
        .collect();
    eprintln!("script {name}");
    script(&mut pair, &text);
}

#[test]
fn strings_match_redis() {
    run_script("strings", STRINGS);
}

#[test]
fn keyspace_matches_redis() {
    run_script("keyspace", KEYSPACE);
}

#[test]
fn ttl_matches_redis() {
    run_script("ttl", TTL);
}

#[test]
fn bitmaps_match_redis() {
    run_script("bitmaps", BITMAPS);
}

#[test]
fn hyperloglog_matches_redis() {
    run_script("hll", HLL);
}

#[test]
fn lists_match_redis() {
    run_script("lists", LISTS);
}

#[test]
fn hashes_match_redis() {
    run_script("hashes", HASHES);
}

#[test]
fn sets_match_redis() {
    run_script("sets", SETS);
}

#[test]
fn sorted_sets_match_redis() {
    run_script("zsets", ZSETS);
}

#[test]
fn streams_match_redis() {
    run_script("streams", STREAMS);
}

#[test]
fn transactions_match_redis() {
    run_script("transactions", TRANSACTIONS);
}

/// Arity errors of every command of the templates, with no and with too many arguments.
#[test]
fn arity_errors_match_redis() {
    let Some(mut pair) = Pair::start() else {
        return;
    };
    pair.reset();
    let mut names: Vec<&str> = TEMPLATES
        .iter()
        .filter_map(|t| t.line.split(' ').next())
        .collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        if keyp::resp::lookup(name.as_bytes()).is_none() {
            continue;
        }
        // RANDOMKEY's reply is random: by shape.
        let how = if name == "RANDOMKEY" {
            Compare::Shape
        } else {
            Compare::Exact
        };
        pair.check(how, &words(name));
        if name == "MULTI" {
            pair.exact("DISCARD");
        }
        let many = format!("{name} a b c d e f g h i j k l m n o p q r s t u v w x y z");
        pair.check(how, &words(&many));
    }
}

/// The command name of a template.
fn name(template: &Template) -> &'static str {
    template.line.split(' ').next().unwrap_or_default()
}

/// A transaction: sometimes WATCH (and a command that may touch the watched keys), MULTI, a
/// few commands queued (now and then with a wrong arity, which aborts it), then EXEC or
/// DISCARD. Only commands compared exactly are queued: EXEC's reply holds theirs.
fn transaction(pair: &mut Pair, gen: &mut Gen, queueable: &[&Template]) {
    if gen.rng.below(2) == 0 {
        let watch = Template {
            line: "WATCH {ak} {ak} {ak}",
            compare: Compare::Exact,
        };
        let args = gen.command(&watch);
        pair.check(Compare::Exact, &args);
        if gen.rng.below(2) == 0 {
            let template = *gen.rng.pick(queueable);
            let args = gen.command(template);
            pair.check(Compare::Exact, &args);
        }
    }
    pair.exact("MULTI");
    for _ in 0..gen.rng.below(6) {
        let template = *gen.rng.pick(queueable);
        let mut args = gen.command(template);
        if gen.rng.below(20) == 0 {
            args = gen.wrong_arity(args);
        }
        pair.check(Compare::Exact, &args);
    }
    if gen.rng.below(6) == 0 {
        pair.exact("DISCARD");
    } else {
        pair.exact("EXEC");
    }
}

/// After SPOP, which pops random members, makes keyp's set the same as Redis's (adding and
/// removing members through SADD and SREM, so its TTL stays), so later commands compare.
fn sync_set(pair: &mut Pair, key: &[u8]) {
    let smembers = [b"SMEMBERS".to_vec(), key.to_vec()];
    let (Frame::Array(Some(theirs)), Frame::Array(Some(ours))) =
        (pair.redis.call(&smembers), pair.keyp.call(&smembers))
    else {
        return;
    };
    let member = |f: &Frame| match f {
        Frame::Bulk(Some(b)) => b.clone(),
        other => panic!("SMEMBERS item {other}"),
    };
    let theirs: Vec<Vec<u8>> = theirs.iter().map(member).collect();
    let ours: Vec<Vec<u8>> = ours.iter().map(member).collect();
    let add: Vec<Vec<u8>> = theirs
        .iter()
        .filter(|m| !ours.contains(m))
        .cloned()
        .collect();
    let remove: Vec<Vec<u8>> = ours
        .iter()
        .filter(|m| !theirs.contains(m))
        .cloned()
        .collect();
    for (command, members) in [(&b"SADD"[..], add), (&b"SREM"[..], remove)] {
        if members.is_empty() {
            continue;
        }
        let mut args = vec![command.to_vec(), key.to_vec()];
        args.extend(members);
        pair.log
            .push(format!("# keyp only: {}", harness::show(&args)));
        let reply = pair.keyp.call(&args);
        assert!(matches!(reply, Frame::Int(_)), "sync {reply}");
    }
}

/// The sorted set a lex-range command reads (ZRANGEBYLEX, ZREVRANGEBYLEX, ZLEXCOUNT,
/// ZREMRANGEBYLEX, ZRANGE and ZRANGESTORE with BYLEX), if `args` is one.
fn lex_range_key(args: &[Vec<u8>]) -> Option<&[u8]> {
    let name = String::from_utf8_lossy(args.first()?).to_ascii_uppercase();
    let bylex = args.iter().any(|a| a.eq_ignore_ascii_case(b"BYLEX"));
    match name.as_str() {
        "ZRANGEBYLEX" | "ZREVRANGEBYLEX" | "ZLEXCOUNT" | "ZREMRANGEBYLEX" => {
            args.get(1).map(|k| &k[..])
        }
        "ZRANGE" if bylex => args.get(1).map(|k| &k[..]),
        "ZRANGESTORE" if bylex => args.get(2).map(|k| &k[..]),
        _ => None,
    }
}

/// Whether Redis's answer to a lex range over `key` is unspecified: a skiplist-encoded sorted
/// set whose scores differ. Its search then depends on the skiplist's random node levels
/// (keyp walks from the lowest member, as Redis's listpack does). Asks Redis only.
fn lex_range_unspecified(pair: &mut Pair, key: &[u8]) -> bool {
    let ask = |pair: &mut Pair, line: &[&[u8]]| {
        pair.redis
            .call(&line.iter().map(|w| w.to_vec()).collect::<Vec<_>>())
    };
    if ask(pair, &[b"OBJECT", b"ENCODING", key]) != Frame::Bulk(Some(b"skiplist".to_vec())) {
        return false;
    }
    let first = ask(pair, &[b"ZRANGE", key, b"0", b"0", b"WITHSCORES"]);
    let last = ask(pair, &[b"ZRANGE", key, b"-1", b"-1", b"WITHSCORES"]);
    let score = |f: &Frame| match f {
        Frame::Array(Some(items)) => items.get(1).cloned(),
        _ => None,
    };
    score(&first) != score(&last)
}

fn random_run(pair: &mut Pair, seed: u64, commands: usize) {
    pair.reset();
    let mut gen = Gen::new(seed);
    let usable: Vec<&Template> = TEMPLATES
        .iter()
        .filter(|t| available(name(t).as_bytes()))
        .collect();
    let queueable: Vec<&Template> = usable
        .iter()
        .copied()
        .filter(|t| {
            t.compare == Compare::Exact
                && !matches!(name(t), "MULTI" | "EXEC" | "DISCARD" | "WATCH" | "UNWATCH")
                // (No lex range: whether Redis's answer is specified is asked before each.)
                && lex_range_key(&harness::words(t.line)).is_none()
        })
        .collect();
    pair.log.push(format!("# seed {seed}"));
    // DIFF_STATS: print how often each command gave a value, nil, an empty array or which
    // error (to see what a run really exercises).
    let mut stats = std::env::var_os("DIFF_STATS")
        .map(|_| std::collections::BTreeMap::<(&str, String), usize>::new());
    // DIFF_PROBE: a command compared after every command of the run (outside transactions),
    // to find where the two first drift apart (`DIFF_PROBE='XINFO STREAM x1'`).
    let probe = std::env::var("DIFF_PROBE").ok().map(|line| words(&line));
    for _ in 0..commands {
        let template = *gen.rng.pick(&usable);
        if name(template) == "MULTI" {
            transaction(pair, &mut gen, &queueable);
            continue;
        }
        let mut args = gen.command(template);
        let mut how = template.compare;
        if let Some(key) = lex_range_key(&args) {
            if lex_range_unspecified(pair, key) {
                pair.log
                    .push(format!("# skipped: {}", harness::show(&args)));
                continue;
            }
        }
        if gen.rng.below(20) == 0 {
            args = gen.wrong_arity(args);
            how = Compare::Shape;
        }
        let reply = pair.check(how, &args);
        if let Some(stats) = &mut stats {
            let kind = match &reply {
                Frame::Error(e) => e.split(' ').next().unwrap_or_default().to_owned(),
                Frame::Bulk(None) | Frame::Array(None) => "nil".to_owned(),
                Frame::Array(Some(items)) if items.is_empty() => "empty".to_owned(),
                _ => "value".to_owned(),
            };
            *stats.entry((name(template), kind)).or_insert(0usize) += 1;
        }
        if args[0] == b"SPOP" && args.len() > 1 {
            sync_set(pair, &args[1]);
        }
        if let Some(probe) = &probe {
            pair.check(Compare::Exact, probe);
        }
    }
    if let Some(stats) = stats {
        for ((command, kind), n) in stats {
            eprintln!("{command:>18} {kind:<12} {n}");
        }
    }
    // The final contents of the key pool, in every database the run used.
    for db in 0..3 {
        pair.exact(&format!("SELECT {db}"));
        pair.check(Compare::Unordered, &words("KEYS *"));
        pair.exact("XLEN xauto");
        for key in pool_keys() {
            let Frame::Simple(kind) = pair.exact(&format!("TYPE {key}")) else {
                continue;
            };
            match kind.as_str() {
                "string" => {
                    pair.exact(&format!("GET {key}"));
                }
                "list" => {
                    pair.exact(&format!("LRANGE {key} 0 -1"));
                }
                "hash" => {
                    pair.check(Compare::Pairs, &words(&format!("HGETALL {key}")));
                }
                "set" => {
                    pair.check(Compare::Unordered, &words(&format!("SMEMBERS {key}")));
                }
                "zset" => {
                    pair.exact(&format!("ZRANGE {key} 0 -1 WITHSCORES"));
                }
                "stream" => {
                    pair.exact(&format!("XRANGE {key} - +"));
                    pair.exact(&format!("XINFO STREAM {key}"));
                    pair.exact(&format!("XINFO GROUPS {key}"));
                }
                _ => {}
            }
        }
    }
}

#[test]
fn random_sequences_match_redis() {
    let Some(mut pair) = Pair::start() else {
        return;
    };
    let commands = std::env::var("DIFF_COMMANDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    // DIFF_SEED runs that seed alone.
    let seeds: Vec<u64> = match std::env::var("DIFF_SEED").ok().and_then(|s| s.parse().ok()) {
        Some(seed) => vec![seed],
        None => (1..=8).collect(),
    };
    for seed in seeds {
        random_run(&mut pair, seed, commands);
    }
}
