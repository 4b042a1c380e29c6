//! Typed arguments of the stream commands, each with a `parse` helper taking the raw wire
//! arguments and giving Redis 7.0's exact error.

use std::time::Duration;

use bytes::Bytes;

use super::id::{parse_generic, StreamId};
use crate::error::{Error, Result};
use crate::types::string::parse_i64;

fn is(arg: &[u8], word: &str) -> bool {
    arg.eq_ignore_ascii_case(word.as_bytes())
}

fn integer(arg: &[u8]) -> Result<i64> {
    parse_i64(arg).ok_or(Error::NotInteger)
}

/// The ID XADD gives the new entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XAddId {
    /// `*`: the current time in milliseconds (or the last ID's, with the next sequence, if the
    /// clock is behind it).
    Auto,
    /// `ms-seq` (or `ms`, meaning `ms-0`).
    Explicit(StreamId),
    /// `ms-*`: this millisecond time with the next free sequence number.
    AutoSeq(u64),
}

impl XAddId {
    /// Parses XADD's ID argument.
    ///
    /// # Errors
    /// [`Error::StreamIdInvalid`].
    pub fn parse(arg: &[u8]) -> Result<XAddId> {
        if arg == b"*" {
            return Ok(XAddId::Auto);
        }
        let (id, seq_given) = parse_generic(arg, 0, true, true)?;
        Ok(if seq_given {
            XAddId::Explicit(id)
        } else {
            XAddId::AutoSeq(id.ms)
        })
    }
}

/// What a trim keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrimStrategy {
    /// MAXLEN: at most this many entries.
    MaxLen(u64),
    /// MINID: no entry below this ID.
    MinId(StreamId),
}

/// XADD's and XTRIM's trimming: the strategy, `~` (approximate: only whole nodes go, see the
/// [module documentation](crate::StreamId)) and LIMIT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trim {
    /// MAXLEN or MINID.
    pub strategy: TrimStrategy,
    /// `~`: approximate trimming.
    pub approx: bool,
    /// LIMIT: at most this many entries removed by an approximate trim (0: no limit);
    /// `None`: Redis's default of 10,000 for `~`, no limit for an exact trim. Only allowed
    /// with `approx`.
    pub limit: Option<u64>,
}

impl Trim {
    /// An exact MAXLEN trim.
    pub fn maxlen(len: u64) -> Trim {
        Trim {
            strategy: TrimStrategy::MaxLen(len),
            approx: false,
            limit: None,
        }
    }

    /// An exact MINID trim.
    pub fn minid(id: StreamId) -> Trim {
        Trim {
            strategy: TrimStrategy::MinId(id),
            approx: false,
            limit: None,
        }
    }

    /// Parses XTRIM's arguments after the key.
    ///
    /// # Errors
    /// As Redis: [`Error::Syntax`], [`Error::NotInteger`], [`Error::StreamMaxlenNegative`],
    /// [`Error::StreamLimitNegative`], [`Error::StreamMaxlenAndMinid`],
    /// [`Error::StreamLimitWithoutStrategy`], [`Error::StreamXtrimWithoutStrategy`],
    /// [`Error::StreamLimitWithoutApprox`], [`Error::StreamIdInvalid`].
    pub fn parse(args: &[&[u8]]) -> Result<Trim> {
        let parsed = parse_add_or_trim(args, false)?;
        parsed.trim.ok_or(Error::StreamXtrimWithoutStrategy)
    }

    /// Refuses LIMIT with an exact trim, as Redis does.
    pub(crate) fn check(&self) -> Result<()> {
        if self.limit.is_some() && !self.approx {
            return Err(Error::StreamLimitWithoutApprox);
        }
        Ok(())
    }

    /// The most entries this trim may remove, 0 for no limit.
    pub(crate) fn effective_limit(&self) -> u64 {
        if self.approx {
            self.limit.unwrap_or(100 * super::NODE_MAX_ENTRIES)
        } else {
            0
        }
    }
}

/// XADD's arguments before the field/value pairs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct XAddArgs {
    /// The new entry's ID.
    pub id: XAddId,
    /// NOMKSTREAM: do not create a missing stream (XADD then returns `None`).
    pub nomkstream: bool,
    /// MAXLEN or MINID trimming after the add.
    pub trim: Option<Trim>,
}

impl XAddArgs {
    /// XADD with this ID and no options.
    pub fn new(id: XAddId) -> XAddArgs {
        XAddArgs {
            id,
            nomkstream: false,
            trim: None,
        }
    }

    /// Parses XADD's arguments after the key; returns them and how many arguments they took
    /// (the field/value pairs follow).
    ///
    /// # Errors
    /// As [`Trim::parse`], and [`Error::WrongArity`] when the arguments end before the ID, or
    /// are not followed by at least one field/value pair, an even number of arguments in all.
    pub fn parse(args: &[&[u8]]) -> Result<(XAddArgs, usize)> {
        let parsed = parse_add_or_trim(args, true)?;
        let Some(id) = parsed.id else {
            return Err(Error::WrongArity("xadd"));
        };
        let fields = args.len() - parsed.consumed;
        if fields < 2 || fields % 2 == 1 {
            return Err(Error::WrongArity("xadd"));
        }
        Ok((
            XAddArgs {
                id,
                nomkstream: parsed.nomkstream,
                trim: parsed.trim,
            },
            parsed.consumed,
        ))
    }
}

struct AddOrTrim {
    trim: Option<Trim>,
    nomkstream: bool,
    id: Option<XAddId>,
    consumed: usize,
}

/// The option loop XADD and XTRIM share, in Redis's order of checks.
fn parse_add_or_trim(args: &[&[u8]], xadd: bool) -> Result<AddOrTrim> {
    let mut strategy = None;
    let mut approx = false;
    let mut limit: Option<u64> = None;
    let mut nomkstream = false;
    let mut id = None;
    let mut i = 0;
    while i < args.len() {
        let more = args.len() - 1 - i;
        let opt = args[i];
        if xadd && opt == b"*" {
            id = Some(XAddId::Auto);
            i += 1;
            break;
        } else if (is(opt, "maxlen") || is(opt, "minid")) && more > 0 {
            if strategy.is_some() {
                return Err(Error::StreamMaxlenAndMinid);
            }
            approx = false;
            let next = args[i + 1];
            if more >= 2 && next == b"~" {
                approx = true;
                i += 1;
            } else if more >= 2 && next == b"=" {
                i += 1;
            }
            let value = args[i + 1];
            strategy = Some(if is(opt, "maxlen") {
                let len = integer(value)?;
                TrimStrategy::MaxLen(u64::try_from(len).map_err(|_| Error::StreamMaxlenNegative)?)
            } else {
                TrimStrategy::MinId(StreamId::parse(value)?)
            });
            i += 2;
        } else if is(opt, "limit") && more > 0 {
            let n = integer(args[i + 1])?;
            limit = Some(u64::try_from(n).map_err(|_| Error::StreamLimitNegative)?);
            i += 2;
        } else if xadd && is(opt, "nomkstream") {
            nomkstream = true;
            i += 1;
        } else if xadd {
            id = Some(XAddId::parse(opt)?);
            i += 1;
            break;
        } else {
            return Err(Error::Syntax);
        }
    }
    if limit.is_some_and(|l| l != 0) && strategy.is_none() {
        return Err(Error::StreamLimitWithoutStrategy);
    }
    if !xadd && strategy.is_none() {
        return Err(Error::StreamXtrimWithoutStrategy);
    }
    if limit.is_some() && !approx {
        return Err(Error::StreamLimitWithoutApprox);
    }
    Ok(AddOrTrim {
        trim: strategy.map(|strategy| Trim {
            strategy,
            approx,
            limit,
        }),
        nomkstream,
        id,
        consumed: i,
    })
}

/// XSETID's arguments after the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct XSetIdArgs {
    /// The new last ID.
    pub id: StreamId,
    /// ENTRIESADDED: the new count of entries ever added.
    pub entries_added: Option<u64>,
    /// MAXDELETEDID: the new maximal deleted ID (0-0 leaves it unchanged, as in Redis).
    pub max_deleted_id: Option<StreamId>,
}

impl XSetIdArgs {
    /// Parses XSETID's arguments after the key.
    ///
    /// # Errors
    /// [`Error::StreamIdInvalid`], [`Error::NotInteger`], [`Error::XsetidEntriesAddedNegative`],
    /// [`Error::XsetidBelowGivenMaxDeleted`], [`Error::Syntax`]; [`Error::WrongArity`] with no ID.
    pub fn parse(args: &[&[u8]]) -> Result<XSetIdArgs> {
        let Some((first, rest)) = args.split_first() else {
            return Err(Error::WrongArity("xsetid"));
        };
        let mut out = XSetIdArgs {
            id: StreamId::parse(first)?,
            entries_added: None,
            max_deleted_id: None,
        };
        let mut i = 0;
        while i < rest.len() {
            let more = rest.len() - 1 - i;
            if is(rest[i], "entriesadded") && more > 0 {
                let n = integer(rest[i + 1])?;
                out.entries_added =
                    Some(u64::try_from(n).map_err(|_| Error::XsetidEntriesAddedNegative)?);
            } else if is(rest[i], "maxdeletedid") && more > 0 {
                let max = StreamId::parse(rest[i + 1])?;
                if out.id < max {
                    return Err(Error::XsetidBelowGivenMaxDeleted);
                }
                out.max_deleted_id = Some(max);
            } else {
                return Err(Error::Syntax);
            }
            i += 2;
        }
        Ok(out)
    }
}

/// Parses XREAD's BLOCK argument: milliseconds, 0 meaning forever.
///
/// # Errors
/// [`Error::TimeoutNotInteger`], [`Error::TimeoutNegative`].
pub fn parse_block_timeout(arg: &[u8]) -> Result<Duration> {
    let ms = parse_i64(arg).ok_or(Error::TimeoutNotInteger)?;
    let ms = u64::try_from(ms).map_err(|_| Error::TimeoutNegative)?;
    Ok(Duration::from_millis(ms))
}

/// Where XREAD reads a stream from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XReadId {
    /// `$`: only entries added after the call (the stream's last ID when the call starts).
    Last,
    /// Entries with IDs greater than this one.
    After(StreamId),
}

impl XReadId {
    /// Parses an XREAD ID argument.
    ///
    /// # Errors
    /// [`Error::XreadGreaterThan`] for `>`, [`Error::StreamIdInvalid`].
    pub fn parse(arg: &[u8]) -> Result<XReadId> {
        match arg {
            b"$" => Ok(XReadId::Last),
            b">" => Err(Error::XreadGreaterThan),
            _ => Ok(XReadId::After(StreamId::parse(arg)?)),
        }
    }
}

/// Where XREADGROUP reads a stream from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupReadId {
    /// `>`: entries never delivered to the group.
    New,
    /// The consumer's own pending entries with IDs greater than this one.
    Pending(StreamId),
}

impl GroupReadId {
    /// Parses an XREADGROUP ID argument.
    ///
    /// # Errors
    /// [`Error::XreadgroupDollar`] for `$`, [`Error::StreamIdInvalid`].
    pub fn parse(arg: &[u8]) -> Result<GroupReadId> {
        match arg {
            b">" => Ok(GroupReadId::New),
            b"$" => Err(Error::XreadgroupDollar),
            _ => Ok(GroupReadId::Pending(StreamId::parse(arg)?)),
        }
    }
}

/// XREAD's and XREADGROUP's arguments, with the stream IDs still raw (see
/// [`xread_ids`](Self::xread_ids) and [`group_ids`](Self::group_ids)).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct XReadArgs {
    /// COUNT: at most this many entries per stream (`None` or 0: no limit).
    pub count: Option<u64>,
    /// BLOCK: wait up to this long (0: forever) when nothing can be served.
    pub block: Option<Duration>,
    /// GROUP: the group and consumer names (XREADGROUP).
    pub group: Option<(Bytes, Bytes)>,
    /// NOACK (XREADGROUP): do not add delivered entries to the PEL.
    pub noack: bool,
    /// The stream keys.
    pub keys: Vec<Bytes>,
    /// Their ID arguments, as given.
    pub ids: Vec<Bytes>,
}

impl XReadArgs {
    /// Parses the arguments of XREAD (`group_command` false) or XREADGROUP.
    ///
    /// # Errors
    /// As Redis: [`Error::TimeoutNotInteger`], [`Error::TimeoutNegative`],
    /// [`Error::NotInteger`], [`Error::StreamsUnbalanced`], [`Error::XreadGroupOption`],
    /// [`Error::XreadNoackOption`], [`Error::Syntax`], [`Error::XreadgroupMissingGroup`].
    pub fn parse(args: &[&[u8]], group_command: bool) -> Result<XReadArgs> {
        let mut out = XReadArgs::default();
        let mut streams = None;
        let mut i = 0;
        while i < args.len() {
            let more = args.len() - 1 - i;
            let opt = args[i];
            if is(opt, "block") && more > 0 {
                out.block = Some(parse_block_timeout(args[i + 1])?);
                i += 1;
            } else if is(opt, "count") && more > 0 {
                out.count = Some(u64::try_from(integer(args[i + 1])?).unwrap_or(0));
                i += 1;
            } else if is(opt, "streams") && more > 0 {
                let rest = &args[i + 1..];
                if rest.len() % 2 != 0 {
                    return Err(Error::StreamsUnbalanced);
                }
                streams = Some(rest);
                break;
            } else if is(opt, "group") && more >= 2 {
                if !group_command {
                    return Err(Error::XreadGroupOption);
                }
                out.group = Some((
                    Bytes::copy_from_slice(args[i + 1]),
                    Bytes::copy_from_slice(args[i + 2]),
                ));
                i += 2;
            } else if is(opt, "noack") {
                if !group_command {
                    return Err(Error::XreadNoackOption);
                }
                out.noack = true;
            } else {
                return Err(Error::Syntax);
            }
            i += 1;
        }
        let Some(streams) = streams else {
            return Err(Error::Syntax);
        };
        if group_command && out.group.is_none() {
            return Err(Error::XreadgroupMissingGroup);
        }
        let half = streams.len() / 2;
        out.keys = streams[..half]
            .iter()
            .map(|k| Bytes::copy_from_slice(k))
            .collect();
        out.ids = streams[half..]
            .iter()
            .map(|k| Bytes::copy_from_slice(k))
            .collect();
        Ok(out)
    }

    /// The IDs parsed for XREAD.
    ///
    /// # Errors
    /// As [`XReadId::parse`].
    pub fn xread_ids(&self) -> Result<Vec<XReadId>> {
        self.ids.iter().map(|id| XReadId::parse(id)).collect()
    }

    /// The IDs parsed for XREADGROUP.
    ///
    /// # Errors
    /// As [`GroupReadId::parse`].
    pub fn group_ids(&self) -> Result<Vec<GroupReadId>> {
        self.ids.iter().map(|id| GroupReadId::parse(id)).collect()
    }
}

/// The ID XGROUP CREATE and SETID set a group's last delivered ID to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupStartId {
    /// `$`: the stream's last ID (0-0 for a stream MKSTREAM creates).
    Last,
    /// This ID.
    Id(StreamId),
}

impl GroupStartId {
    /// Parses XGROUP CREATE's ID (`-` and `+` refused) or, with `setid`, XGROUP SETID's
    /// (`-` and `+` accepted).
    ///
    /// # Errors
    /// [`Error::StreamIdInvalid`].
    pub fn parse(arg: &[u8], setid: bool) -> Result<GroupStartId> {
        if arg == b"$" {
            return Ok(GroupStartId::Last);
        }
        Ok(GroupStartId::Id(if setid {
            StreamId::parse_lenient(arg)?
        } else {
            StreamId::parse(arg)?
        }))
    }
}

/// XGROUP CREATE's options.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct XGroupCreateOptions {
    /// MKSTREAM: create the stream if it does not exist.
    pub mkstream: bool,
    /// ENTRIESREAD: the group's read counter (`None` or -1 given: unknown).
    pub entries_read: Option<u64>,
}

impl XGroupCreateOptions {
    /// Parses XGROUP CREATE's options after the ID; `subcommand` is the subcommand as the
    /// caller spelled it (for the error text).
    ///
    /// # Errors
    /// [`Error::UnknownSubcommand`], [`Error::NotInteger`], [`Error::EntriesReadInvalid`].
    pub fn parse(subcommand: &[u8], args: &[&[u8]]) -> Result<XGroupCreateOptions> {
        let mut out = XGroupCreateOptions::default();
        let unknown = || Error::UnknownSubcommand {
            sub: super::printable(subcommand),
            command: "XGROUP",
        };
        if args.len() > 3 {
            return Err(unknown());
        }
        let mut i = 0;
        while i < args.len() {
            if is(args[i], "mkstream") {
                out.mkstream = true;
            } else if is(args[i], "entriesread") && i + 1 < args.len() {
                out.entries_read = parse_entries_read(args[i + 1])?;
                i += 1;
            } else {
                return Err(unknown());
            }
            i += 1;
        }
        Ok(out)
    }
}

/// Parses an ENTRIESREAD value: a count, or -1 for unknown (`None`).
///
/// # Errors
/// [`Error::NotInteger`], [`Error::EntriesReadInvalid`].
pub(crate) fn parse_entries_read(arg: &[u8]) -> Result<Option<u64>> {
    let n = integer(arg)?;
    if n == -1 {
        return Ok(None);
    }
    u64::try_from(n)
        .map(Some)
        .map_err(|_| Error::EntriesReadInvalid)
}

/// XPENDING's extended form: the range and filters after the key and group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XPendingArgs {
    /// IDLE: only entries idle at least this many milliseconds.
    pub min_idle: Option<i64>,
    /// First ID included.
    pub start: StreamId,
    /// Last ID included.
    pub end: StreamId,
    /// At most this many entries.
    pub count: u64,
    /// Only this consumer's entries.
    pub consumer: Option<Bytes>,
}

impl XPendingArgs {
    /// Parses XPENDING's arguments after the key and group: `None` for the summary form (no
    /// arguments).
    ///
    /// # Errors
    /// [`Error::Syntax`], [`Error::NotInteger`], [`Error::StreamIdInvalid`],
    /// [`Error::StreamStartInterval`], [`Error::StreamEndInterval`].
    pub fn parse(args: &[&[u8]]) -> Result<Option<XPendingArgs>> {
        if args.is_empty() {
            return Ok(None);
        }
        if args.len() < 3 || args.len() > 6 {
            return Err(Error::Syntax);
        }
        let mut at = 0;
        let mut min_idle = None;
        if is(args[0], "idle") {
            min_idle = Some(integer(args[1])?);
            if args.len() < 5 {
                return Err(Error::Syntax);
            }
            at = 2;
        }
        let count = u64::try_from(integer(args[at + 2])?).unwrap_or(0);
        let start = StreamId::parse_range_start(args[at])?;
        let end = StreamId::parse_range_end(args[at + 1])?;
        // Redis ignores anything after the consumer.
        let consumer = args.get(at + 3).map(|c| Bytes::copy_from_slice(c));
        Ok(Some(XPendingArgs {
            min_idle: min_idle.filter(|&idle| idle != 0),
            start,
            end,
            count,
            consumer,
        }))
    }
}

/// XCLAIM's options.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct XClaimOptions {
    /// IDLE: set the entries' idle time to this many milliseconds.
    pub idle: Option<i64>,
    /// TIME: set the entries' last delivery to this Unix time in milliseconds (wins over
    /// `idle` when both are set; `parse` keeps only the last one given).
    pub time: Option<i64>,
    /// RETRYCOUNT: set the delivery count (a negative value is ignored, as in Redis).
    pub retry_count: Option<i64>,
    /// FORCE: create PEL entries for IDs that exist in the stream but are not pending.
    pub force: bool,
    /// JUSTID: return only IDs, and do not count a delivery.
    pub justid: bool,
    /// LASTID: raise the group's last delivered ID to this one.
    pub last_id: Option<StreamId>,
}

/// XCLAIM's arguments after the key, group and consumer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XClaimArgs {
    /// min-idle-time: claim only entries idle at least this long (negative counts as 0).
    pub min_idle: i64,
    /// The IDs to claim.
    pub ids: Vec<StreamId>,
    /// The options.
    pub options: XClaimOptions,
}

impl XClaimArgs {
    /// Parses XCLAIM's arguments after the key, group and consumer: min-idle-time, the IDs
    /// (up to the first argument that is not one), then the options.
    ///
    /// # Errors
    /// [`Error::WrongArity`] without an ID; [`Error::XclaimMinIdle`], [`Error::XclaimIdle`],
    /// [`Error::XclaimTime`], [`Error::XclaimRetryCount`], [`Error::StreamIdInvalid`] (LASTID),
    /// [`Error::XclaimUnknownOption`].
    pub fn parse(args: &[&[u8]]) -> Result<XClaimArgs> {
        if args.len() < 2 {
            return Err(Error::WrongArity("xclaim"));
        }
        let min_idle = parse_i64(args[0]).ok_or(Error::XclaimMinIdle)?.max(0);
        let mut i = 1;
        let mut ids = Vec::new();
        while let Some(id) = args.get(i).and_then(|a| StreamId::parse(a).ok()) {
            ids.push(id);
            i += 1;
        }
        let mut options = XClaimOptions::default();
        while i < args.len() {
            let more = args.len() - 1 - i;
            let opt = args[i];
            if is(opt, "force") {
                options.force = true;
            } else if is(opt, "justid") {
                options.justid = true;
            } else if is(opt, "idle") && more > 0 {
                i += 1;
                options.idle = Some(parse_i64(args[i]).ok_or(Error::XclaimIdle)?);
                options.time = None;
            } else if is(opt, "time") && more > 0 {
                i += 1;
                options.time = Some(parse_i64(args[i]).ok_or(Error::XclaimTime)?);
                options.idle = None;
            } else if is(opt, "retrycount") && more > 0 {
                i += 1;
                options.retry_count = Some(parse_i64(args[i]).ok_or(Error::XclaimRetryCount)?);
            } else if is(opt, "lastid") && more > 0 {
                i += 1;
                options.last_id = Some(StreamId::parse(args[i])?);
            } else {
                return Err(Error::XclaimUnknownOption(super::printable(opt)));
            }
            i += 1;
        }
        Ok(XClaimArgs {
            min_idle,
            ids,
            options,
        })
    }
}

/// XAUTOCLAIM's arguments after the key, group and consumer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct XAutoClaimArgs {
    /// min-idle-time: claim only entries idle at least this long (negative counts as 0).
    pub min_idle: i64,
    /// Scan the PEL from this ID (inclusive).
    pub start: StreamId,
    /// COUNT: claim at most this many entries (default 100), examining at most ten times as
    /// many PEL entries.
    pub count: u64,
    /// JUSTID: return only IDs, and do not count a delivery.
    pub justid: bool,
}

/// The most XAUTOCLAIM's COUNT may be: 2^63 - 1 divided by 16 (Redis's bound, against
/// overflow of its attempts counter and reply buffer).
const XAUTOCLAIM_MAX_COUNT: i64 = i64::MAX / 16;

impl XAutoClaimArgs {
    /// Parses XAUTOCLAIM's arguments after the key, group and consumer.
    ///
    /// # Errors
    /// [`Error::WrongArity`] without a start; [`Error::XautoclaimMinIdle`],
    /// [`Error::StreamIdInvalid`], [`Error::StreamStartInterval`], [`Error::XautoclaimCount`],
    /// [`Error::Syntax`].
    pub fn parse(args: &[&[u8]]) -> Result<XAutoClaimArgs> {
        if args.len() < 2 {
            return Err(Error::WrongArity("xautoclaim"));
        }
        let min_idle = parse_i64(args[0]).ok_or(Error::XautoclaimMinIdle)?.max(0);
        let start = StreamId::parse_range_start(args[1])?;
        let mut out = XAutoClaimArgs {
            min_idle,
            start,
            count: 100,
            justid: false,
        };
        let mut i = 2;
        while i < args.len() {
            let more = args.len() - 1 - i;
            if is(args[i], "count") && more > 0 {
                let n = parse_i64(args[i + 1])
                    .filter(|n| (1..=XAUTOCLAIM_MAX_COUNT).contains(n))
                    .ok_or(Error::XautoclaimCount)?;
                out.count = n as u64;
                i += 1;
            } else if is(args[i], "justid") {
                out.justid = true;
            } else {
                return Err(Error::Syntax);
            }
            i += 1;
        }
        Ok(out)
    }
}

/// Parses XINFO STREAM's arguments after the key: none (`None`: the basic form), `FULL`
/// (`Some(10)`), or `FULL COUNT n` (`Some(n)`; 0 or negative: everything).
///
/// # Errors
/// [`Error::UnknownSubcommand`] for other arguments, [`Error::NotInteger`].
pub fn parse_xinfo_full_count(subcommand: &[u8], args: &[&[u8]]) -> Result<Option<u64>> {
    let unknown = || Error::UnknownSubcommand {
        sub: super::printable(subcommand),
        command: "XINFO",
    };
    match args {
        [] => Ok(None),
        [full] if is(full, "full") => Ok(Some(10)),
        [full, count, n] if is(full, "full") && is(count, "count") => {
            Ok(Some(u64::try_from(integer(n)?).unwrap_or(0)))
        }
        _ => Err(unknown()),
    }
}
