//! Typed arguments of the stream commands, each with a `parse` helper taking the raw wire
//! arguments and giving Redis 7.0's exact error.

use std::time::Duration;

use bytes::Bytes;

use super::id::{parse_generic, StreamId};
use crate::error::{Error, Result};
use crate::types::string::parse_i64;

pub(super) fn is(arg: &[u8], word: &str) -> bool {
    arg.eq_ignore_ascii_case(word.as_bytes())
}

pub(super) fn integer(arg: &[u8]) -> Result<i64> {
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

/// XADD's and XTRIM's trimming: the strategy, `~` and LIMIT.
///
/// With `~` only whole nodes go, as Redis trims whole listpack nodes. keyp emulates Redis
/// 7.0's nodes exactly for a stream built by appends: a node ends at 100 entries (live or
/// deleted) or when its listpack, sized with listpack's encoding rules, would reach 4096
/// bytes.
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
