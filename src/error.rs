//! The one error type of the crate.
//!
//! Every variant that a command can produce maps to exactly one Redis error reply: its `Display`
//! text is what Redis sends after the `-` on the wire, so the `resp` layer forwards it unchanged.

/// Result type used throughout keyp.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in a keyp call.
///
/// The `Display` text of the command errors is Redis's error reply, prefix included
/// (`WRONGTYPE ...`, `ERR ...`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The key holds a value of another type than the command works on.
    #[error("WRONGTYPE Operation against a key holding the wrong kind of value")]
    WrongType,
    /// A value or argument is not an integer, or is outside the range the command accepts.
    #[error("ERR value is not an integer or out of range")]
    NotInteger,
    /// A value or argument is not a valid floating point number.
    #[error("ERR value is not a valid float")]
    NotFloat,
    /// An integer increment or decrement would leave the signed 64-bit range.
    #[error("ERR increment or decrement would overflow")]
    Overflow,
    /// DECRBY by `i64::MIN`, whose negation does not exist.
    #[error("ERR decrement would overflow")]
    DecrementOverflow,
    /// A floating point increment would produce NaN or an infinity.
    #[error("ERR increment would produce NaN or Infinity")]
    NanOrInfinity,
    /// The arguments do not form a valid command.
    #[error("ERR syntax error")]
    Syntax,
    /// An index is outside the collection.
    #[error("ERR index out of range")]
    IndexOutOfRange,
    /// The command needs an existing key and there is none.
    #[error("ERR no such key")]
    NoSuchKey,
    /// A logical database index is not below the configured number of databases.
    #[error("ERR DB index is out of range")]
    DbIndexOutOfRange,
    /// Source and destination of a COPY or MOVE are the same key in the same database.
    #[error("ERR source and destination objects are the same")]
    SameObject,
    /// An expiry is out of range once converted to an absolute time in milliseconds.
    #[error("ERR invalid expire time in '{0}' command")]
    InvalidExpireTime(&'static str),
    /// A string would grow beyond Redis's 512 MB limit.
    #[error("ERR string exceeds maximum allowed size (proto-max-bulk-len)")]
    StringTooLong,
    /// An offset is negative or otherwise out of range (SETRANGE).
    #[error("ERR offset is out of range")]
    OffsetOutOfRange,
    /// A bit offset is negative or beyond the 512 MB string limit.
    #[error("ERR bit offset is not an integer or out of range")]
    BitOffset,
    /// A bit value other than 0 or 1.
    #[error("ERR bit is not an integer or out of range")]
    BitValue,
    /// A BITFIELD type other than `i1`..`i64` or `u1`..`u63`.
    #[error(
        "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."
    )]
    BitfieldType,
    /// BITOP NOT with other than exactly one source key.
    #[error("ERR BITOP NOT must be called with a single source key.")]
    BitopNotSingleSource,
    /// LCS on a key that holds something other than a string.
    #[error("ERR The specified keys must contain string values")]
    LcsNotString,
    /// The LMDB map is full. Reads keep working, and deleting data makes room again; or reopen the
    /// store with a larger [`StoreOptions::map_size`](crate::StoreOptions::map_size).
    #[error(
        "OOM command not allowed when the store is full: the map size of {map_size} bytes is used up (raise the map size setting, StoreOptions::map_size)"
    )]
    StoreFull {
        /// The map size in force, in bytes.
        map_size: usize,
    },
    /// The disk holding the data directory is full: the write was refused before it changed
    /// anything. Reads keep working; writes work again once the disk has room for the
    /// store's reservation (16 MiB past the data, see [`StoreOptions::write_map`](crate::StoreOptions::write_map)).
    /// Deleting keys does not give room back to the disk: LMDB reuses its freed pages itself.
    /// The text is Redis's for a failing AOF, so clients treat it alike.
    #[error("MISCONF Errors writing to the data directory: No space left on device")]
    DiskFull,
    /// The directory was written by a keyp with another on-disk format.
    #[error("ERR incompatible data directory: on-disk format version {found}, this keyp reads version {expected}")]
    IncompatibleFormat {
        /// The version recorded in the directory.
        found: u32,
        /// The version this build reads and writes.
        expected: u32,
    },
    /// Stored data could not be decoded: the directory is damaged or was written by something else.
    #[error("ERR corrupt data in the store: {0}")]
    Corrupt(&'static str),
    /// An operating system I/O error (opening the directory, syncing).
    #[error("ERR I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// An error reported by LMDB other than a full map.
    #[error("ERR LMDB error: {0}")]
    Lmdb(lmdb::Error),
    /// BITPOS's bit argument is an integer other than 0 or 1.
    #[error("ERR The bit argument must be 1 or 0.")]
    BitposBit,
    /// A BITFIELD OVERFLOW argument other than WRAP, SAT or FAIL.
    #[error("ERR Invalid OVERFLOW type specified")]
    BitfieldOverflowType,
    /// BITFIELD_RO given a SET or INCRBY subcommand.
    #[error("ERR BITFIELD_RO only supports the GET subcommand")]
    BitfieldReadOnly,
    /// LCS would need a table of more than 512 MB (Redis's proto-max-bulk-len): the product of
    /// the two strings' lengths (each plus one) is above 134,217,728.
    #[error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")]
    LcsTooLarge,
    /// LCS could not allocate the memory for its table.
    #[error("ERR Insufficient memory, failed allocating transient memory for LCS")]
    LcsAllocFailed,
    /// OBJECT FREQ on an existing key: Redis tracks access frequency only under an LFU
    /// `maxmemory-policy`, and keyp has none.
    #[error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")]
    LfuNotSelected,
    /// LPOP/RPOP's COUNT is negative or not an integer.
    #[error("ERR value is out of range, must be positive")]
    NotPositive,
    /// LPOS's RANK is 0.
    #[error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")]
    RankZero,
    /// LPOS's COUNT is negative or not an integer.
    #[error("ERR COUNT can't be negative")]
    CountNegative,
    /// LPOS's MAXLEN is negative or not an integer.
    #[error("ERR MAXLEN can't be negative")]
    MaxlenNegative,
    /// The numkeys argument of LMPOP or BLMPOP is not an integer of at least 1.
    #[error("ERR numkeys should be greater than 0")]
    NumkeysNotPositive,
    /// The COUNT of LMPOP or BLMPOP is not an integer of at least 1.
    #[error("ERR count should be greater than 0")]
    CountNotPositive,
    /// A blocking command's timeout is not a number.
    #[error("ERR timeout is not a float or out of range")]
    TimeoutNotFloat,
    /// A blocking command's timeout is negative (or too large to count in milliseconds).
    #[error("ERR timeout is negative")]
    TimeoutNegative,
    /// The directory is already open in this process. LMDB forbids opening one environment twice
    /// in a process (closing either would break the other's reader slots): clone the open
    /// [`Store`](crate::Store) instead, or drop it before opening again.
    #[error(
        "ERR the data directory {0} is already open in this process: clone the open Store instead"
    )]
    AlreadyOpen(String),
    /// The data directory is open in another process, and this open or that one uses
    /// [`Durability::WriteAheadLog`](crate::Durability::WriteAheadLog), which needs it alone.
    #[error("ERR the data directory {0} is open in another process")]
    InUse(String),
    /// An integer argument outside the range a command accepts, with the bounds Redis names
    /// (HRANDFIELD's count: -(2^63 - 1) to 2^63 - 1).
    #[error("ERR value is out of range, value must between {min} and {max}")]
    OutOfRangeBetween {
        /// The least value accepted.
        min: i64,
        /// The greatest value accepted.
        max: i64,
    },
    /// HINCRBY on a field whose value is not an integer.
    #[error("ERR hash value is not an integer")]
    HashValueNotInteger,
    /// HINCRBYFLOAT on a field whose value is not a float.
    #[error("ERR hash value is not a float")]
    HashValueNotFloat,
    /// An increment argument that is itself NaN or an infinity (HINCRBYFLOAT).
    #[error("ERR value is NaN or Infinity")]
    ValueNanOrInfinity,
    /// A count whose reply would be too large to count (HRANDFIELD with WITHVALUES and a
    /// negative count below -(2^62 - 1)).
    #[error("ERR value is out of range")]
    OutOfRange,
    /// The hash field expiry commands: the FIELDS keyword is not where the command expects it.
    #[error("ERR Mandatory argument FIELDS is missing or not at the right position")]
    FieldsArgumentMissing,
    /// The hash field expiry commands: `numfields` is not an integer of at least 1.
    #[error("ERR Parameter `numFields` should be greater than 0")]
    NumFieldsNotPositive,
    /// The hash field expiry commands: `numfields` differs from the number of fields given.
    #[error("ERR The `numfields` parameter must match the number of arguments")]
    NumFieldsMismatch,
    /// A negative time given to the hash field expiry commands (HEXPIRE family).
    #[error("ERR invalid expire time, must be >= 0")]
    NegativeExpireTime,
    /// ZADD given both XX and NX.
    #[error("ERR XX and NX options at the same time are not compatible")]
    ZaddXxAndNx,
    /// ZADD given two of GT, LT and NX.
    #[error("ERR GT, LT, and/or NX options at the same time are not compatible")]
    ZaddGtLtNx,
    /// ZADD INCR given more than one score-member pair.
    #[error("ERR INCR option supports a single increment-element pair")]
    ZaddIncrPair,
    /// A sorted-set increment would make a score NaN (`+inf` plus `-inf`).
    #[error("ERR resulting score is not a number (NaN)")]
    ScoreNan,
    /// A score range bound is not a float (ZRANGEBYSCORE, ZCOUNT, ...).
    #[error("ERR min or max is not a float")]
    MinMaxNotFloat,
    /// A lexicographic range bound does not start with `[` or `(` and is not `-` or `+`.
    #[error("ERR min or max not valid string range item")]
    MinMaxNotStringRange,
    /// ZRANGE given LIMIT for a range by rank.
    #[error(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
    )]
    LimitNeedsByScoreOrByLex,
    /// ZRANGE given WITHSCORES for a lexicographic range.
    #[error("ERR syntax error, WITHSCORES not supported in combination with BYLEX")]
    WithScoresByLex,
    /// A WEIGHTS value of ZUNION, ZINTER and their STORE forms is not a float.
    #[error("ERR weight value is not a float")]
    WeightNotFloat,
    /// A command taking a number of input keys was given fewer than one (the command's name).
    #[error("ERR at least 1 input key is needed for '{0}' command")]
    NoInputKeys(&'static str),
    /// ZINTERCARD's LIMIT is negative or not an integer.
    #[error("ERR LIMIT can't be negative")]
    NegativeLimit,
    /// A `numkeys` argument larger than the number of arguments that follow it.
    #[error("ERR Number of keys can't be greater than number of args")]
    NumkeysTooMany,
    /// A HyperLogLog command (PFADD, PFCOUNT, PFMERGE) on a string that is not a HyperLogLog:
    /// shorter than the 16-byte header, without the `HYLL` magic, with an unknown encoding
    /// byte, or dense but not exactly 12,304 bytes long.
    #[error("WRONGTYPE Key is not a valid HyperLogLog string value.")]
    NotHyperLogLog,
    /// A HyperLogLog whose header is valid but whose registers are not: sparse opcodes that do
    /// not cover exactly the 16,384 registers.
    #[error("INVALIDOBJ Corrupted HLL object detected")]
    CorruptHyperLogLog,
    /// A stream ID argument that does not parse (or `-`/`+` where a real ID is needed).
    #[error("ERR Invalid stream ID specified as stream command argument")]
    StreamIdInvalid,
    /// XADD with an ID not greater than the stream's last ID.
    #[error("ERR The ID specified in XADD is equal or smaller than the target stream top item")]
    StreamIdTooSmall,
    /// XADD with the explicit ID 0-0.
    #[error("ERR The ID specified in XADD must be greater than 0-0")]
    StreamIdZero,
    /// XADD on a stream whose last ID is the greatest possible one.
    #[error("ERR The stream has exhausted the last possible ID, unable to add more items")]
    StreamExhausted,
    /// XADD whose fields and values together exceed what one stream entry can hold (1 GB).
    #[error("ERR Elements are too large to be stored")]
    StreamElementsTooLarge,
    /// An exclusive range start `(id` with no ID after it.
    #[error("ERR invalid start ID for the interval")]
    StreamStartInterval,
    /// An exclusive range end `(id` with no ID before it.
    #[error("ERR invalid end ID for the interval")]
    StreamEndInterval,
    /// XADD or XTRIM given both MAXLEN and MINID.
    #[error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible")]
    StreamMaxlenAndMinid,
    /// XADD or XTRIM with a negative MAXLEN.
    #[error("ERR The MAXLEN argument must be >= 0.")]
    StreamMaxlenNegative,
    /// XADD or XTRIM with a negative LIMIT.
    #[error("ERR The LIMIT argument must be >= 0.")]
    StreamLimitNegative,
    /// XADD with LIMIT but neither MAXLEN nor MINID.
    #[error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy")]
    StreamLimitWithoutStrategy,
    /// XTRIM with neither MAXLEN nor MINID.
    #[error("ERR syntax error, XTRIM must be called with a trimming strategy")]
    StreamXtrimWithoutStrategy,
    /// LIMIT with an exact (`=` or no operator) trim.
    #[error("ERR syntax error, LIMIT cannot be used without the special ~ option")]
    StreamLimitWithoutApprox,
    /// XSETID with a negative ENTRIESADDED.
    #[error("ERR entries_added must be positive")]
    XsetidEntriesAddedNegative,
    /// XSETID whose ID is below its own MAXDELETEDID.
    #[error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id")]
    XsetidBelowGivenMaxDeleted,
    /// XSETID whose ID is below the stream's last entry.
    #[error("ERR The ID specified in XSETID is smaller than the target stream top item")]
    XsetidBelowTopItem,
    /// XSETID whose ENTRIESADDED is below the stream's length.
    #[error("ERR The entries_added specified in XSETID is smaller than the target stream length")]
    XsetidEntriesAddedBelowLength,
    /// XREAD or XREADGROUP with an odd number of arguments after STREAMS (Redis 7.0 names
    /// XREAD and `$` for both).
    #[error(
        "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."
    )]
    StreamsUnbalanced,
    /// XREAD given the GROUP option.
    #[error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.")]
    XreadGroupOption,
    /// XREAD given the NOACK option.
    #[error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.")]
    XreadNoackOption,
    /// XREADGROUP without the GROUP option.
    #[error("ERR Missing GROUP option for XREADGROUP")]
    XreadgroupMissingGroup,
    /// XREADGROUP with the `$` ID.
    #[error("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.")]
    XreadgroupDollar,
    /// XREAD with the `>` ID.
    #[error("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.")]
    XreadGreaterThan,
    /// A millisecond timeout (XREAD BLOCK) that is not an integer.
    #[error("ERR timeout is not an integer or out of range")]
    TimeoutNotInteger,
    /// XREADGROUP on a missing key or group (key and group names, as Redis prints them).
    #[error("NOGROUP No such key '{0}' or consumer group '{1}' in XREADGROUP with GROUP option")]
    NoGroupXreadgroup(String, String),
    /// XPENDING, XCLAIM or XAUTOCLAIM on a missing key or group (key and group names).
    #[error("NOGROUP No such key '{0}' or consumer group '{1}'")]
    NoGroupOrKey(String, String),
    /// XGROUP SETID/CREATECONSUMER/DELCONSUMER or XINFO CONSUMERS on a missing group (group
    /// and key names).
    #[error("NOGROUP No such consumer group '{0}' for key name '{1}'")]
    NoGroupForKey(String, String),
    /// A blocked XREADGROUP whose group was destroyed while it waited.
    #[error("NOGROUP the consumer group this client was blocked on no longer exists")]
    NoGroupBlocked,
    /// XGROUP CREATE of a group name the stream already has.
    #[error("BUSYGROUP Consumer Group name already exists")]
    BusyGroup,
    /// XGROUP on a missing key (without MKSTREAM).
    #[error("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.")]
    XgroupNoKey,
    /// XGROUP's ENTRIESREAD below -1.
    #[error("ERR value for ENTRIESREAD must be positive or -1")]
    EntriesReadInvalid,
    /// XCLAIM's min-idle-time is not an integer.
    #[error("ERR Invalid min-idle-time argument for XCLAIM")]
    XclaimMinIdle,
    /// XCLAIM's IDLE is not an integer.
    #[error("ERR Invalid IDLE option argument for XCLAIM")]
    XclaimIdle,
    /// XCLAIM's TIME is not an integer.
    #[error("ERR Invalid TIME option argument for XCLAIM")]
    XclaimTime,
    /// XCLAIM's RETRYCOUNT is not an integer.
    #[error("ERR Invalid RETRYCOUNT option argument for XCLAIM")]
    XclaimRetryCount,
    /// XCLAIM given an argument that is neither an ID (before the options) nor an option.
    #[error("ERR Unrecognized XCLAIM option '{0}'")]
    XclaimUnknownOption(String),
    /// XAUTOCLAIM's min-idle-time is not an integer.
    #[error("ERR Invalid min-idle-time argument for XAUTOCLAIM")]
    XautoclaimMinIdle,
    /// XAUTOCLAIM's COUNT is not an integer from 1 to 2^59 - 1.
    #[error("ERR COUNT must be > 0")]
    XautoclaimCount,
    /// A command given too few arguments, or a number that does not fit its syntax (the
    /// command's name, lowercase, as Redis prints it).
    #[error("ERR wrong number of arguments for '{0}' command")]
    WrongArity(&'static str),
    /// XGROUP or XINFO with an unknown subcommand or wrong arguments for it (the subcommand as
    /// given, and the command's name).
    #[error(
        "ERR unknown subcommand or wrong number of arguments for '{sub}'. Try {command} HELP."
    )]
    UnknownSubcommand {
        /// The subcommand as the caller spelled it.
        sub: String,
        /// The command: XGROUP or XINFO.
        command: &'static str,
    },
    /// A SCAN cursor that is not an unsigned 64-bit integer.
    #[error("ERR invalid cursor")]
    InvalidCursor,
    /// LCS given both LEN and IDX.
    #[error("ERR If you want both the length and indexes, please just use IDX.")]
    LcsLenAndIdx,
    /// SWAPDB with an index that is not an integer (`first` or `second`).
    #[error("ERR invalid {0} DB index")]
    InvalidDbIndex(&'static str),
    /// The EXPIRE family given NX with XX, GT or LT.
    #[error("ERR NX and XX, GT or LT options at the same time are not compatible")]
    ExpireNxAndOthers,
    /// The EXPIRE family given both GT and LT.
    #[error("ERR GT and LT options at the same time are not compatible")]
    ExpireGtAndLt,
    /// The EXPIRE family given an option it does not know (the option as given).
    #[error("ERR Unsupported option {0}")]
    UnsupportedOption(String),
    /// A container command (OBJECT...) given an unknown subcommand: the subcommand as given,
    /// and the command's name in upper case.
    #[error("ERR unknown subcommand '{sub}'. Try {command} HELP.")]
    UnknownSubcommandHelp {
        /// The subcommand as the caller spelled it.
        sub: String,
        /// The command, upper case (OBJECT).
        command: &'static str,
    },
}

impl Error {
    /// Converts an LMDB error, naming the map size when the map is full.
    pub(crate) fn from_lmdb(error: lmdb::Error, map_size: usize) -> Error {
        match error {
            lmdb::Error::MapFull => Error::StoreFull { map_size },
            other => Error::Lmdb(other),
        }
    }
}
