//! The write-ahead log behind `Durability::Immediate`: one small sequential write and one
//! `fdatasync` per commit, where LMDB's own durable commit takes two syncs (the dirty pages,
//! scattered over the file, then the meta page).
//!
//! # How it stays correct
//!
//! LMDB runs with `MDB_NOSYNC`: a commit writes its pages and its meta page to the page cache
//! and returns. Just before, the transaction's writes (each put and delete of an LMDB entry,
//! in order) go to the log as one record; the commit then waits for the log's sync.
//! A *checkpoint* makes the data file itself durable up to some transaction: it syncs the file,
//! then records in the `checkpoint` file the sequence number of the last transaction included
//! and a copy of the two meta pages as they were at that transaction.
//!
//! After a power loss the data file may hold any mix of pages written since the last
//! checkpoint, meta pages included. Recovery writes the saved meta pages back, which makes LMDB
//! open the checkpoint's snapshot, and applies the log's records after it, in order. That
//! snapshot is still whole on disk because a read transaction *pins* it from the moment the
//! checkpoint is taken until the next checkpoint is durable: LMDB never reuses a page that a
//! live reader's snapshot (or the snapshot before it) holds, so nothing written after the
//! checkpoint lands on a page of it.
//!
//! The log is two segment files used in turn: a checkpoint switches new records to the other
//! segment, and a segment is overwritten only once a later checkpoint has made its records
//! unneeded. A record is valid when its checksum matches and its sequence number is the next
//! one; the first that is not ends the log (a record torn by the crash was never acknowledged:
//! its commit was still waiting for the sync).
//!
//! The price: pages freed after a checkpoint cannot be reused until the next one, so the data
//! file grows by what the writes between two checkpoints copy; checkpoints come every
//! [`CHECKPOINT_EVERY`] or once the file has grown by [`CHECKPOINT_GROWTH`].

use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;

use crate::error::{Error, Result};

/// The longest time between two checkpoints while there are writes.
pub(crate) const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// A checkpoint is due once the data file has grown by this much since the last: it bounds the
/// file's growth from the pages the pinned snapshot keeps from reuse.
pub(crate) const CHECKPOINT_GROWTH: u64 = 16 << 20;

/// A checkpoint is due once this much log has been written since the last.
pub(crate) const CHECKPOINT_LOG: u64 = 64 << 20;

/// The least a segment is given blocks for ahead of its use (see `Wal::prepare_next`).
const SEGMENT_MIN: u64 = 4 << 20;

const SEGMENTS: [&str; 2] = ["wal.0", "wal.1"];
const CHECKPOINT_FILE: &str = "checkpoint";

const RECORD_MAGIC: u32 = 0x4b57_414c; // "KWAL"
/// magic u32, payload length u64, sequence number u64, checksum u64.
const RECORD_HEADER: usize = 4 + 8 + 8 + 8;

const CHECKPOINT_MAGIC: u32 = 0x4b43_4b50; // "KCKP"
const CHECKPOINT_VERSION: u32 = 1;
/// magic u32, version u32, counter u64, seq u64, segment u32, page size u32, then the two meta
/// pages, then a checksum u64.
const CHECKPOINT_HEADER: usize = 4 + 4 + 8 + 8 + 4 + 4;
/// Where the second slot of the checkpoint file begins: room for meta pages of up to 64 KiB
/// (LMDB's page size is the system's).
const SLOT_STRIDE: usize = CHECKPOINT_HEADER + 2 * (64 << 10) + 8;

/// An operation of a record.
const OP_PUT: u8 = 1;
const OP_DEL: u8 = 2;
/// Every entry of a database deleted (written with an empty key, for the common framing).
const OP_CLEAR: u8 = 3;

/// A change to one LMDB entry, as a record stores it: `db` is the database's index in the
/// store's list of named databases.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Op<'a> {
    Put {
        db: u8,
        key: &'a [u8],
        value: &'a [u8],
    },
    Del {
        db: u8,
        key: &'a [u8],
    },
    /// Every entry of database `db` deleted (FLUSHALL).
    Clear {
        db: u8,
    },
}

/// Appends a put of `key` → `value` in database `db` to a record's payload.
pub(crate) fn encode_put(out: &mut Vec<u8>, db: u8, key: &[u8], value: &[u8]) {
    encode_put_with(out, db, key, value.len(), |v| v.copy_from_slice(value));
}

/// Appends a put of `key` → a value of `len` bytes in database `db` to a record's payload,
/// `fill` writing the value.
pub(crate) fn encode_put_with(
    out: &mut Vec<u8>,
    db: u8,
    key: &[u8],
    len: usize,
    fill: impl FnOnce(&mut [u8]),
) {
    encode_head(out, OP_PUT, db, key);
    out.extend_from_slice(&(len as u64).to_le_bytes());
    let start = out.len();
    out.resize(start + len, 0);
    fill(&mut out[start..]);
}

/// Appends a delete of `key` in database `db` to a record's payload.
pub(crate) fn encode_del(out: &mut Vec<u8>, db: u8, key: &[u8]) {
    encode_head(out, OP_DEL, db, key);
}

/// Appends the deletion of every entry of database `db` to a record's payload.
pub(crate) fn encode_clear(out: &mut Vec<u8>, db: u8) {
    encode_head(out, OP_CLEAR, db, &[]);
}

/// The start every operation has: its code, the database, the key's length and the key.
fn encode_head(out: &mut Vec<u8>, op: u8, db: u8, key: &[u8]) {
    out.push(op);
    out.push(db);
    out.extend_from_slice(&(key.len() as u32).to_le_bytes());
    out.extend_from_slice(key);
}

/// Calls `f` with each operation of a record's payload, in order.
pub(crate) fn decode_ops(
    mut payload: &[u8],
    mut f: impl FnMut(Op<'_>) -> Result<()>,
) -> Result<()> {
    fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Result<&'a [u8]> {
        if bytes.len() < n {
            return Err(Error::Corrupt("write-ahead log record"));
        }
        let (head, tail) = bytes.split_at(n);
        *bytes = tail;
        Ok(head)
    }
    fn len(bytes: &[u8]) -> usize {
        let mut raw = [0u8; 8];
        raw[..bytes.len()].copy_from_slice(bytes);
        usize::try_from(u64::from_le_bytes(raw)).unwrap_or(usize::MAX)
    }
    while !payload.is_empty() {
        let head = take(&mut payload, 6)?;
        let (op, db) = (head[0], head[1]);
        let key_len = len(&head[2..6]);
        let key = take(&mut payload, key_len)?;
        match op {
            OP_PUT => {
                let value_len = len(take(&mut payload, 8)?);
                let value = take(&mut payload, value_len)?;
                f(Op::Put { db, key, value })?;
            }
            OP_DEL => f(Op::Del { db, key })?,
            OP_CLEAR if key.is_empty() => f(Op::Clear { db })?,
            _ => return Err(Error::Corrupt("write-ahead log record")),
        }
    }
    Ok(())
}

/// A 64-bit checksum of `parts`, eight bytes at a time: it tells a whole record from one torn
/// by a crash or left over from an earlier use of the segment (not an adversary's forgery).
fn checksum(parts: &[&[u8]]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h: u64 = 0x243f_6a88_85a3_08d3;
    for part in parts {
        let mut chunks = part.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            h = (h ^ u64::from_le_bytes(word))
                .wrapping_mul(K)
                .rotate_left(29);
        }
        let rest = chunks.remainder();
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(word) ^ ((rest.len() as u64) << 56))
            .wrapping_mul(K)
            .rotate_left(29);
        h ^= part.len() as u64;
    }
    h ^ (h >> 31)
}

fn record_header(seq: u64, payload: &[u8]) -> [u8; RECORD_HEADER] {
    let mut header = [0u8; RECORD_HEADER];
    header[0..4].copy_from_slice(&RECORD_MAGIC.to_le_bytes());
    header[4..12].copy_from_slice(&(payload.len() as u64).to_le_bytes());
    header[12..20].copy_from_slice(&seq.to_le_bytes());
    let sum = checksum(&[&header[0..20], payload]);
    header[20..28].copy_from_slice(&sum.to_le_bytes());
    header
}

/// The record of sequence number `seq` at `offset` of a segment's bytes, if one is there
/// whole: its payload and the offset after it.
fn record_at(bytes: &[u8], offset: usize, seq: u64) -> Option<(&[u8], usize)> {
    let header = bytes.get(offset..offset.checked_add(RECORD_HEADER)?)?;
    let field = |range: std::ops::Range<usize>| {
        let mut raw = [0u8; 8];
        raw[..range.len()].copy_from_slice(&header[range]);
        u64::from_le_bytes(raw)
    };
    if field(0..4) != u64::from(RECORD_MAGIC) || field(12..20) != seq {
        return None;
    }
    let len = usize::try_from(field(4..12)).ok()?;
    let start = offset + RECORD_HEADER;
    let payload = bytes.get(start..start.checked_add(len)?)?;
    if checksum(&[&header[0..20], payload]) != field(20..28) {
        return None;
    }
    Some((payload, start + len))
}

/// A durable checkpoint: the data file held the snapshot after record `seq` when it was
/// taken, and these were its meta pages; the records after it start at the beginning of
/// segment `segment`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Checkpoint {
    pub(crate) seq: u64,
    pub(crate) segment: usize,
    /// LMDB's two meta pages (pages 0 and 1), byte for byte.
    pub(crate) metas: Vec<u8>,
}

/// The `checkpoint` file: two slots written in turn, so that a crash while one is written
/// leaves the other.
struct CheckpointFile {
    file: File,
    /// The counter of the last slot written (the newer slot is the one with the higher).
    counter: u64,
}

impl CheckpointFile {
    /// Reads the newest valid slot of the file in `dir`, if the file exists and has one.
    fn read(dir: &Path) -> Result<Option<(Checkpoint, u64)>> {
        let bytes = match std::fs::read(dir.join(CHECKPOINT_FILE)) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let mut best: Option<(Checkpoint, u64)> = None;
        for offset in [0, SLOT_STRIDE] {
            let Some(header) = bytes.get(offset..offset + CHECKPOINT_HEADER) else {
                break;
            };
            let u32_at = |at: usize| {
                let mut raw = [0u8; 4];
                raw.copy_from_slice(&header[at..at + 4]);
                u32::from_le_bytes(raw)
            };
            let u64_at = |at: usize| {
                let mut raw = [0u8; 8];
                raw.copy_from_slice(&header[at..at + 8]);
                u64::from_le_bytes(raw)
            };
            let page_size = u32_at(28) as usize;
            let len = CHECKPOINT_HEADER + 2 * page_size;
            if len + 8 > SLOT_STRIDE {
                continue;
            }
            let Some(slot) = bytes.get(offset..offset + len + 8) else {
                continue;
            };
            let mut sum = [0u8; 8];
            sum.copy_from_slice(&slot[len..]);
            let valid = u32_at(0) == CHECKPOINT_MAGIC
                && u32_at(4) == CHECKPOINT_VERSION
                && page_size > 0
                && checksum(&[&slot[..len]]) == u64::from_le_bytes(sum)
                && u32_at(24) < 2;
            let counter = u64_at(8);
            if valid && best.as_ref().map_or(true, |(_, c)| counter > *c) {
                best = Some((
                    Checkpoint {
                        seq: u64_at(16),
                        segment: u32_at(24) as usize,
                        metas: slot[CHECKPOINT_HEADER..len].to_vec(),
                    },
                    counter,
                ));
            }
        }
        Ok(best)
    }

    fn open(dir: &Path, counter: u64) -> Result<CheckpointFile> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(dir.join(CHECKPOINT_FILE))?;
        // Both slots get their disk blocks now (zeros where nothing was written: past the end,
        // and a slot never written, a hole), so that no later checkpoint needs room a full disk
        // could refuse.
        let len = file.metadata()?.len();
        let end = 2 * SLOT_STRIDE as u64;
        if len < end {
            file.write_all_at(&vec![0u8; (end - len) as usize], len)?;
        }
        let mut slot = vec![0u8; SLOT_STRIDE];
        for at in [0, SLOT_STRIDE as u64] {
            file.read_exact_at(&mut slot, at)?;
            if slot.iter().all(|&b| b == 0) {
                file.write_all_at(&slot, at)?;
            }
        }
        file.sync_all()?;
        Ok(CheckpointFile { file, counter })
    }

    /// Writes `checkpoint` over the older slot and waits for it to be on disk.
    fn write(&mut self, checkpoint: &Checkpoint) -> Result<()> {
        let counter = self.counter + 1;
        let page_size = checkpoint.metas.len() / 2;
        if CHECKPOINT_HEADER + checkpoint.metas.len() + 8 > SLOT_STRIDE {
            return Err(Error::Io(std::io::Error::other("page size over 64 KiB")));
        }
        let mut slot = Vec::with_capacity(SLOT_STRIDE);
        slot.extend_from_slice(&CHECKPOINT_MAGIC.to_le_bytes());
        slot.extend_from_slice(&CHECKPOINT_VERSION.to_le_bytes());
        slot.extend_from_slice(&counter.to_le_bytes());
        slot.extend_from_slice(&checkpoint.seq.to_le_bytes());
        slot.extend_from_slice(&(checkpoint.segment as u32).to_le_bytes());
        slot.extend_from_slice(&(page_size as u32).to_le_bytes());
        slot.extend_from_slice(&checkpoint.metas);
        let sum = checksum(&[&slot]);
        slot.extend_from_slice(&sum.to_le_bytes());
        self.file
            .write_all_at(&slot, (counter % 2) * SLOT_STRIDE as u64)?;
        self.file.sync_data()?;
        self.counter = counter;
        Ok(())
    }
}

/// Where appends go.
struct Appender {
    segments: [Arc<File>; 2],
    /// The segment appends go to.
    current: usize,
    /// Where the next record goes in it.
    offset: u64,
    /// Where the last record began in it.
    last: u64,
    /// How many bytes from the start of each segment have been written (records or zeros):
    /// appends below that overwrite.
    zeroed: [u64; 2],
    /// Whether [`Wal::reset_segments`] has run (the segments hold nothing from before).
    reset: bool,
    /// Bytes appended since the store opened, over both segments: a position in the log.
    lsn: u64,
    /// The sequence number of the last record.
    seq: u64,
}

/// Writes zeros over bytes `from..to` of `file` and syncs them.
fn zero(file: &File, from: u64, to: u64) -> Result<()> {
    const CHUNK: u64 = 1 << 20;
    let zeros = vec![0u8; CHUNK as usize];
    let mut at = from;
    while at < to {
        let n = CHUNK.min(to - at);
        file.write_all_at(&zeros[..n as usize], at)?;
        at += n;
    }
    file.sync_data()?;
    Ok(())
}

/// A read transaction that keeps a checkpoint's snapshot from being overwritten.
struct Pin(#[allow(dead_code)] lmdb::RoTransaction<'static>);

// SAFETY: the environment is opened with MDB_NOTLS, so a read transaction may be used (here:
// only held, then aborted on drop) from any thread; the mutex around it gives one at a time.
unsafe impl Send for Pin {}

/// A checkpoint taken but not yet durable: its snapshot pinned, its record not yet written.
struct Pending {
    checkpoint: Checkpoint,
    pin: Pin,
}

struct Checkpoints {
    file: CheckpointFile,
    /// The last durable checkpoint's pin (dropped once a newer one is durable).
    pin: Option<Pin>,
    /// A checkpoint whose sync or record failed: retried before any new one (its segment
    /// switch happened; another switch would overwrite records the last durable checkpoint
    /// still needs).
    pending: Option<Pending>,
    /// The data file's last page when the last checkpoint was taken.
    last_pgno: u64,
    taken_at: std::time::Instant,
}

/// The write-ahead log of one store.
pub(crate) struct Wal {
    appender: Mutex<Appender>,
    /// The log position known to be on disk.
    synced: AtomicU64,
    /// The appender's `lsn`, readable without its lock.
    appended: AtomicU64,
    sync_lock: Mutex<()>,
    /// Set when an append or sync failed: the log may miss a committed transaction, so writes
    /// are refused until a checkpoint has made the data file hold everything.
    broken: AtomicBool,
    /// Whether that failure was a full disk (writes then get [`Error::DiskFull`]).
    full: AtomicBool,
    checkpoints: Mutex<Checkpoints>,
    page_size: usize,
    data: File,
    dir: std::path::PathBuf,
    /// Called after each sync that moved [`Wal::synced`] on (the server's event loop, which
    /// holds replies until what they read is on disk).
    listeners: Mutex<Vec<SyncListener>>,
    /// For tests: while set, [`Wal::sync_to`] waits before syncing.
    held: AtomicBool,
}

/// A function called when the log's synced position moves on.
pub(crate) type SyncListener = Arc<dyn Fn() + Send + Sync>;

impl Wal {
    /// Before the environment opens: if `dir` has a durable checkpoint, writes its meta pages
    /// back into the data file (so LMDB opens the checkpoint's snapshot) and returns it.
    pub(crate) fn restore_meta(dir: &Path) -> Result<Option<Checkpoint>> {
        let Some((checkpoint, _)) = CheckpointFile::read(dir)? else {
            return Ok(None);
        };
        let data = OpenOptions::new()
            .read(true)
            .write(true)
            .open(dir.join("data.mdb"))
            .map_err(|_| Error::Corrupt("a checkpoint without its data file"))?;
        data.write_all_at(&checkpoint.metas, 0)?;
        data.sync_data()?;
        Ok(Some(checkpoint))
    }

    /// Calls `apply` with the payload of each record after `checkpoint`, in order, and returns
    /// the last sequence number reached: the checkpoint's, or that of the last record applied.
    pub(crate) fn replay(
        dir: &Path,
        checkpoint: &Checkpoint,
        mut apply: impl FnMut(&[u8]) -> Result<()>,
    ) -> Result<u64> {
        let mut seq = checkpoint.seq;
        // The records run on from the checkpoint's segment into the other when a later
        // checkpoint switched segments but did not become durable.
        for step in 0..2 {
            let name = SEGMENTS[(checkpoint.segment + step) % 2];
            let bytes = match std::fs::read(dir.join(name)) {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => break,
                Err(e) => return Err(e.into()),
            };
            let mut offset = 0;
            while let Some((payload, next)) = record_at(&bytes, offset, seq + 1) {
                apply(payload)?;
                seq += 1;
                offset = next;
            }
        }
        Ok(seq)
    }

    /// Opens the log of `dir` for appending after sequence number `seq`. Take a checkpoint,
    /// then [`Wal::reset_segments`], before the first append.
    pub(crate) fn open(dir: &Path, page_size: usize, seq: u64) -> Result<Wal> {
        let open = |name: &str| -> Result<Arc<File>> {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(dir.join(name))?;
            Ok(Arc::new(file))
        };
        let segments = [open(SEGMENTS[0])?, open(SEGMENTS[1])?];
        let counter = CheckpointFile::read(dir)?.map_or(0, |(_, counter)| counter);
        let file = CheckpointFile::open(dir, counter)?;
        let data = OpenOptions::new().read(true).open(dir.join("data.mdb"))?;
        // The directory entries of new files.
        File::open(dir)?.sync_all()?;
        Ok(Wal {
            appender: Mutex::new(Appender {
                segments,
                current: 0,
                offset: 0,
                last: 0,
                zeroed: [0; 2],
                reset: false,
                lsn: 0,
                seq,
            }),
            synced: AtomicU64::new(0),
            appended: AtomicU64::new(0),
            sync_lock: Mutex::new(()),
            broken: AtomicBool::new(false),
            full: AtomicBool::new(false),
            checkpoints: Mutex::new(Checkpoints {
                file,
                pin: None,
                pending: None,
                last_pgno: 0,
                taken_at: std::time::Instant::now(),
            }),
            page_size,
            data,
            dir: dir.to_path_buf(),
            listeners: Mutex::new(Vec::new()),
            held: AtomicBool::new(false),
        })
    }

    /// Empties both segments, once a checkpoint has made what they held unneeded: left over,
    /// a record beyond a torn one could otherwise come to follow a new record in sequence.
    pub(crate) fn reset_segments(&self) -> Result<()> {
        let mut a = self.appender.lock();
        for file in &a.segments {
            file.set_len(0)?;
        }
        // The segment appends go to first gets its blocks now (see `prepare_next`).
        let current = a.current;
        zero(&a.segments[current], 0, SEGMENT_MIN)?;
        for file in &a.segments {
            file.sync_all()?;
        }
        a.zeroed = [0; 2];
        a.zeroed[current] = SEGMENT_MIN;
        a.offset = 0;
        a.reset = true;
        Ok(())
    }

    /// Whether `dir` holds a log to apply (a checkpoint file: the store crashed with the log).
    pub(crate) fn pending(dir: &Path) -> bool {
        dir.join(CHECKPOINT_FILE).exists()
    }

    /// After the last checkpoint of a store closing: removes the log's files.
    pub(crate) fn close(&self) -> Result<()> {
        let dir = self.dir.clone();
        Wal::remove(&dir)
    }

    /// Removes the log files of `dir` (a store opened without the log, after recovery).
    pub(crate) fn remove(dir: &Path) -> Result<()> {
        // The checkpoint first: without it the segments are never read.
        for name in [CHECKPOINT_FILE, SEGMENTS[0], SEGMENTS[1]] {
            match std::fs::remove_file(dir.join(name)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
        }
        File::open(dir)?.sync_all()?;
        Ok(())
    }

    /// Whether the log is broken (see [`Wal::check`]).
    pub(crate) fn is_broken(&self) -> bool {
        self.broken.load(Ordering::Acquire)
    }

    /// Refuses writes while the log is broken (see [`Wal::broken`]).
    pub(crate) fn check(&self) -> Result<()> {
        if self.is_broken() {
            if self.full.load(Ordering::Acquire) {
                return Err(Error::DiskFull);
            }
            return Err(Error::Io(std::io::Error::other(
                "the write-ahead log could not be written; writes resume after a checkpoint",
            )));
        }
        Ok(())
    }

    fn fail(&self, e: std::io::Error) -> Error {
        let full = e.raw_os_error() == Some(libc::ENOSPC);
        self.full.store(full, Ordering::Release);
        self.broken.store(true, Ordering::Release);
        if full {
            Error::DiskFull
        } else {
            Error::Io(e)
        }
    }

    /// Appends the record of a transaction about to commit (call it in commit order, holding
    /// the write gate); returns its log position for [`Wal::sync_to`]. If the commit then
    /// fails, call [`Wal::cancel_last`].
    pub(crate) fn append(&self, payload: &[u8]) -> Result<u64> {
        self.check()?;
        let mut a = self.appender.lock();
        let seq = a.seq + 1;
        let header = record_header(seq, payload);
        let file = &a.segments[a.current];
        let written = file
            .write_all_at(&header, a.offset)
            .and_then(|()| file.write_all_at(payload, a.offset + RECORD_HEADER as u64));
        // The sequence number is spent either way: a failed record leaves the log broken
        // until a checkpoint covers it.
        a.seq = seq;
        written.map_err(|e| self.fail(e))?;
        let len = (RECORD_HEADER + payload.len()) as u64;
        a.last = a.offset;
        a.offset += len;
        let current = a.current;
        a.zeroed[current] = a.zeroed[current].max(a.offset);
        a.lsn += len;
        self.appended.store(a.lsn, Ordering::Release);
        Ok(a.lsn)
    }

    /// Unwrites the last record (its transaction failed to commit): its header is zeroed and
    /// synced, so the log ends before it even if the record was synced already, and the log
    /// refuses writes until a checkpoint, which covers its spent sequence number. The synced
    /// position then moves past it: replies held for the log's end must not wait for a sync
    /// nobody else will ask for.
    pub(crate) fn cancel_last(&self) {
        let a = self.appender.lock();
        let file = &a.segments[a.current];
        let zeroed = file
            .write_all_at(&[0u8; RECORD_HEADER], a.last)
            .and_then(|()| file.sync_data());
        self.broken.store(true, Ordering::Release);
        if zeroed.is_ok() {
            self.synced_to(a.lsn);
        }
    }

    /// The log position after the last record appended.
    pub(crate) fn appended(&self) -> u64 {
        // Not the appender's lock: a checkpoint's segment switch holds it through a sync, and
        // the server's event loop asks this after every read.
        self.appended.load(Ordering::Acquire)
    }

    /// The log position known to be on disk.
    pub(crate) fn synced(&self) -> u64 {
        self.synced.load(Ordering::Acquire)
    }

    /// Registers `listener` to be called after each sync that moves [`Wal::synced`] on.
    pub(crate) fn on_sync(&self, listener: SyncListener) {
        self.listeners.lock().push(listener);
    }

    fn synced_to(&self, end: u64) {
        if self.synced.fetch_max(end, Ordering::AcqRel) < end {
            for listener in self.listeners.lock().iter() {
                listener();
            }
        }
    }

    /// Waits until the log is on disk up to position `lsn`; one `fdatasync` serves every
    /// writer waiting at the time.
    pub(crate) fn sync_to(&self, lsn: u64) -> Result<()> {
        if self.synced.load(Ordering::Acquire) >= lsn {
            return Ok(());
        }
        while self.held.load(Ordering::Acquire) {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let _one = self.sync_lock.lock();
        if self.synced.load(Ordering::Acquire) >= lsn {
            return Ok(());
        }
        let (file, end) = {
            let a = self.appender.lock();
            (Arc::clone(&a.segments[a.current]), a.lsn)
        };
        // Positions before a segment switch are synced by the switch.
        file.sync_data().map_err(|e| self.fail(e))?;
        self.synced_to(end);
        Ok(())
    }

    /// For tests: holds every sync (of the log alone; checkpoints still sync) until released.
    pub(crate) fn hold_syncs(&self, hold: bool) {
        self.held.store(hold, Ordering::Release);
    }

    /// Bytes logged since the last checkpoint (all in the segment it switched to).
    pub(crate) fn since_checkpoint(&self) -> u64 {
        self.appender.lock().offset
    }

    /// Whether a checkpoint is due: time, growth of the data file (its last page now
    /// `last_pgno`) or log volume since the last, or a broken log.
    pub(crate) fn checkpoint_due(&self, last_pgno: u64) -> bool {
        if self.broken.load(Ordering::Acquire) {
            return true;
        }
        let logged = self.since_checkpoint();
        if logged == 0 {
            return false;
        }
        let c = self.checkpoints.lock();
        c.pending.is_some()
            || c.taken_at.elapsed() >= CHECKPOINT_EVERY
            || logged >= CHECKPOINT_LOG
            || last_pgno.saturating_sub(c.last_pgno) * self.page_size as u64 >= CHECKPOINT_GROWTH
    }

    /// Takes a checkpoint. `exclusive` keeps writers out while its guard lives (the write
    /// gate): under it, `pin` begins the latest snapshot and reads the data file's last page;
    /// the guard goes once the snapshot's meta pages are copied and the log switched. `sync`
    /// makes the data file durable.
    pub(crate) fn checkpoint<G>(
        &self,
        exclusive: impl FnOnce() -> G,
        pin: impl FnOnce() -> Result<(lmdb::RoTransaction<'static>, u64)>,
        sync: impl Fn() -> Result<()>,
    ) -> Result<()> {
        let mut c = self.checkpoints.lock();
        if c.pending.is_none() {
            // Before the gate: writers go on meanwhile in the current segment.
            self.prepare_next()?;
            let guard = exclusive();
            let (pin, last_pgno) = pin()?;
            let pin = Pin(pin);
            let mut metas = vec![0u8; 2 * self.page_size];
            let read = self.data.read_exact_at(&mut metas, 0);
            let switched = read.map_err(Error::from).and_then(|()| self.switch());
            drop(guard);
            let (seq, segment) = switched?;
            c.pending = Some(Pending {
                checkpoint: Checkpoint {
                    seq,
                    segment,
                    metas,
                },
                pin,
            });
            c.last_pgno = last_pgno;
            c.taken_at = std::time::Instant::now();
        }
        sync()?;
        let Some(pending) = c.pending.take() else {
            return Ok(());
        };
        if let Err(e) = c.file.write(&pending.checkpoint) {
            c.pending = Some(pending);
            return Err(e);
        }
        c.pin = Some(pending.pin);
        self.broken.store(false, Ordering::Release);
        Ok(())
    }

    /// Gives the segment the next switch goes to written blocks (zeros) for twice what this
    /// round has logged (at least [`SEGMENT_MIN`], at most [`CHECKPOINT_LOG`]): appends over
    /// written blocks need no change to the file's size or extents, so their `fdatasync` is a
    /// data write and a cache flush, not a journal commit too. Call it holding the checkpoints
    /// lock: only a checkpoint switches segments, so the other is not in use (and what it
    /// holds predates the last durable checkpoint).
    fn prepare_next(&self) -> Result<()> {
        let (file, from, to) = {
            let a = self.appender.lock();
            if !a.reset {
                // Opening: the segments may hold records the last durable checkpoint needs
                // until the first checkpoint of this open is written (`reset_segments`).
                return Ok(());
            }
            let other = 1 - a.current;
            let to = (2 * a.offset).clamp(SEGMENT_MIN, CHECKPOINT_LOG);
            (Arc::clone(&a.segments[other]), a.zeroed[other], to)
        };
        if from >= to {
            return Ok(());
        }
        zero(&file, from, to)?;
        let mut a = self.appender.lock();
        let other = 1 - a.current;
        a.zeroed[other] = a.zeroed[other].max(to);
        Ok(())
    }

    /// Syncs the current segment and sends new records to the other; returns the sequence
    /// number of the last record and the segment the next goes to.
    fn switch(&self) -> Result<(u64, usize)> {
        let mut a = self.appender.lock();
        a.segments[a.current].sync_data()?;
        self.synced_to(a.lsn);
        a.current = 1 - a.current;
        a.offset = 0;
        Ok((a.seq, a.current))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A change as the tests write it: database, key, and the value put (`None`: deleted).
    type Change<'a> = (u8, &'a [u8], Option<&'a [u8]>);

    fn payload(ops: &[Change<'_>]) -> Vec<u8> {
        let mut out = Vec::new();
        for &(db, key, value) in ops {
            match value {
                Some(value) => encode_put(&mut out, db, key, value),
                None => encode_del(&mut out, db, key),
            }
        }
        out
    }

    #[test]
    fn ops_round_trip() {
        let mut bytes = payload(&[(0, b"k", Some(b"v")), (3, b"", None), (1, b"x", Some(b""))]);
        encode_clear(&mut bytes, 4);
        let mut seen = Vec::new();
        decode_ops(&bytes, |op| {
            seen.push(format!("{op:?}"));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen.len(), 4);
        assert!(seen[1].contains("Del { db: 3"));
        assert_eq!(seen[3], "Clear { db: 4 }");
        // A payload cut short anywhere is an error, not a shorter list.
        for cut in 1..bytes.len() {
            let result = decode_ops(&bytes[..cut], |_| Ok(()));
            let whole_ops = [16usize, 22, 37].contains(&cut);
            assert_eq!(result.is_ok(), whole_ops, "cut at {cut}");
        }
        // A clear names no key.
        let mut keyed = Vec::new();
        encode_del(&mut keyed, 0, b"k");
        keyed[0] = OP_CLEAR;
        assert!(decode_ops(&keyed, |_| Ok(())).is_err());
    }

    #[test]
    fn records_chain_by_sequence_and_checksum() {
        let mut log = Vec::new();
        for seq in 1..=3u64 {
            let body = payload(&[(0, &seq.to_le_bytes(), Some(b"value"))]);
            log.extend_from_slice(&record_header(seq, &body));
            log.extend_from_slice(&body);
        }
        let mut offset = 0;
        for seq in 1..=3 {
            let (_, next) = record_at(&log, offset, seq).unwrap();
            offset = next;
        }
        assert_eq!(offset, log.len());
        assert!(record_at(&log, 0, 2).is_none(), "wrong sequence number");
        let mut torn = log.clone();
        torn.truncate(log.len() - 1);
        let (_, second_end) = record_at(&log, record_at(&log, 0, 1).unwrap().1, 2).unwrap();
        assert!(record_at(&torn, second_end, 3).is_none(), "torn tail");
        let mut flipped = log.clone();
        flipped[RECORD_HEADER + 3] ^= 1;
        assert!(record_at(&flipped, 0, 1).is_none(), "changed byte");
    }

    #[test]
    fn a_cancelled_record_ends_the_log_and_counts_as_synced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("data.mdb"), []).unwrap();
        let wal = Wal::open(dir.path(), 4096, 0).unwrap();
        let first = payload(&[(0, b"a", Some(b"1"))]);
        let lsn = wal.append(&first).unwrap();
        wal.sync_to(lsn).unwrap();
        // Appended, then its commit failed: no one will ask for its sync.
        wal.append(&payload(&[(0, b"b", Some(b"2"))])).unwrap();
        wal.cancel_last();
        assert!(wal.synced() >= wal.appended(), "nothing left to wait for");
        assert!(wal.is_broken());
        assert!(wal.append(&first).is_err(), "writes wait for a checkpoint");
        let from = Checkpoint {
            seq: 0,
            segment: 0,
            metas: Vec::new(),
        };
        let mut replayed = Vec::new();
        Wal::replay(dir.path(), &from, |payload| {
            replayed.push(payload.to_vec());
            Ok(())
        })
        .unwrap();
        assert_eq!(replayed, vec![first]);
    }

    #[test]
    fn checkpoint_file_keeps_the_newer_slot() {
        let dir = tempfile::tempdir().unwrap();
        assert!(CheckpointFile::read(dir.path()).unwrap().is_none());
        let mut file = CheckpointFile::open(dir.path(), 0).unwrap();
        for seq in [5, 9, 12] {
            let checkpoint = Checkpoint {
                seq,
                segment: (seq % 2) as usize,
                metas: vec![seq as u8; 128],
            };
            file.write(&checkpoint).unwrap();
            let (read, _) = CheckpointFile::read(dir.path()).unwrap().unwrap();
            assert_eq!(read, checkpoint);
        }
        // Reopening (which gives both slots their blocks) keeps what they hold.
        drop(file);
        let mut file = CheckpointFile::open(dir.path(), 3).unwrap();
        assert_eq!(CheckpointFile::read(dir.path()).unwrap().unwrap().0.seq, 12);
        file.write(&Checkpoint {
            seq: 13,
            segment: 0,
            metas: vec![1; 128],
        })
        .unwrap();
        assert_eq!(CheckpointFile::read(dir.path()).unwrap().unwrap().0.seq, 13);
        file.write(&Checkpoint {
            seq: 12,
            segment: 0,
            metas: vec![12; 128],
        })
        .unwrap();
        // A torn newer slot (the last write went to slot 5 % 2) leaves the older one.
        let path = dir.path().join(CHECKPOINT_FILE);
        let mut bytes = std::fs::read(&path).unwrap();
        let newer = SLOT_STRIDE;
        bytes[newer + CHECKPOINT_HEADER + 7] ^= 0xff;
        std::fs::write(&path, &bytes).unwrap();
        let (read, _) = CheckpointFile::read(dir.path()).unwrap().unwrap();
        assert_eq!(read.seq, 13);
    }
}
