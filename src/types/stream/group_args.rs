//! Typed arguments of the consumer group commands (XGROUP CREATE/SETID, XPENDING, XCLAIM,
//! XAUTOCLAIM) and of XINFO STREAM FULL, each with a `parse` helper giving Redis 7.0's exact
//! error.

use bytes::Bytes;

use super::args::{integer, is};
use super::id::StreamId;
use crate::error::{Error, Result};
use crate::types::string::parse_i64;

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
    /// caller spelled it (for the error text). Redis limits CREATE to three words of options
    /// but checks that after the key: the caller does.
    ///
    /// # Errors
    /// [`Error::UnknownSubcommand`], [`Error::NotInteger`], [`Error::EntriesReadInvalid`].
    pub fn parse(subcommand: &[u8], args: &[&[u8]]) -> Result<XGroupCreateOptions> {
        let mut out = XGroupCreateOptions::default();
        let unknown = || Error::UnknownSubcommand {
            sub: super::printable(subcommand),
            command: "XGROUP",
        };
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
