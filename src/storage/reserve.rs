//! Disk blocks held ahead of LMDB's last page, so that a full disk is an error a write gets
//! instead of a signal that kills the process.
//!
//! With `MDB_WRITEMAP`, LMDB writes pages straight into a shared memory map of a sparse file.
//! The first store into a page that has no disk block behind it makes the kernel allocate one
//! there and then; on a full disk that allocation fails, and a failed page fault is `SIGBUS`:
//! the whole process dies, every client with it. (Without the write map the same shortage
//! comes back from `pwrite` at commit, which LMDB reports as a bare I/O error.)
//!
//! So before a write transaction can grow the file, the blocks it may grow into are allocated
//! with `fallocate(FALLOC_FL_KEEP_SIZE)`: at least [`AHEAD`] bytes past LMDB's last page when
//! the transaction begins, taken [`STEP`] at a time, and more while it runs as its writes add
//! up (see [`GROWTH_PER_WRITE`]). When the disk cannot give them, the write gets
//! [`Error::DiskFull`] and nothing else happens: reads, the store and the other connections
//! carry on, and writes work again once there is room.
//!
//! Pages LMDB has used once keep their blocks (LMDB reuses freed pages but never punches
//! holes), so everything below the last page needs no reservation. On filesystems without
//! `fallocate` (and outside Linux) the reservation is off and LMDB's own behaviour stands.

use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

/// How far past LMDB's last page blocks are held when a write transaction begins: a
/// transaction that grows the file by less never asks for more.
pub(crate) const AHEAD: u64 = 16 << 20;

/// How much is allocated at once when the reservation has to grow, so that it grows rarely.
const STEP: u64 = 64 << 20;

/// What one write inside a transaction may add to the file, beyond its key and value bytes
/// (counted twice: a page split leaves pages half full): a page for the copy-on-write of the
/// page it lands in.
pub(crate) const GROWTH_PER_WRITE: u64 = 4096;

/// The reservation of one environment's data file.
pub(crate) struct Reserve {
    file: File,
    /// Bytes from the start of the file known to have blocks; `u64::MAX` once the filesystem
    /// has said it cannot preallocate.
    reserved: AtomicU64,
    /// For tests: the file may hold no blocks past this many bytes (a disk of that size).
    limit: u64,
}

impl Reserve {
    /// Opens the data file `data.mdb` in `dir` for reserving, `limit` standing for the disk's
    /// size in tests.
    pub(crate) fn open(dir: &Path, limit: Option<u64>) -> Result<Reserve> {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(dir.join("data.mdb"))?;
        Ok(Reserve {
            file,
            reserved: AtomicU64::new(0),
            limit: limit.unwrap_or(u64::MAX),
        })
    }

    /// Makes sure the file has blocks for its first `end` bytes; returns how far it has them
    /// (at least `end`). Called by the writer holding LMDB's write lock, so calls never race.
    ///
    /// # Errors
    /// [`Error::DiskFull`] when the disk has no room for them; [`Error::Io`] when the
    /// filesystem fails otherwise.
    pub(crate) fn ensure(&self, end: u64) -> Result<u64> {
        let have = self.reserved.load(Ordering::Acquire);
        if end <= have {
            return Ok(have);
        }
        // Generously first, then only what is needed.
        let generous = end
            .saturating_add(STEP)
            .checked_next_multiple_of(1 << 20)
            .unwrap_or(u64::MAX);
        for target in [generous, end] {
            match self.allocate(have, target) {
                Ok(()) => {
                    self.reserved.store(target, Ordering::Release);
                    return Ok(target);
                }
                Err(e) if e.raw_os_error() == Some(libc::ENOSPC) => continue,
                Err(e) if unsupported(&e) => {
                    self.reserved.store(u64::MAX, Ordering::Release);
                    return Ok(u64::MAX);
                }
                Err(e) => return Err(Error::Io(e)),
            }
        }
        Err(Error::DiskFull)
    }

    fn allocate(&self, from: u64, to: u64) -> std::io::Result<()> {
        if to > self.limit {
            return Err(std::io::Error::from_raw_os_error(libc::ENOSPC));
        }
        fallocate(&self.file, from, to - from)
    }
}

fn unsupported(e: &std::io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EOPNOTSUPP | libc::ENOSYS | libc::EINVAL)
    )
}

#[cfg(target_os = "linux")]
fn fallocate(file: &File, offset: u64, len: u64) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let (Ok(offset), Ok(len)) = (libc::off_t::try_from(offset), libc::off_t::try_from(len)) else {
        return Err(std::io::Error::from_raw_os_error(libc::EFBIG));
    };
    loop {
        // SAFETY: fallocate only reads its integer arguments; the descriptor is owned by
        // `file`, open for writing, and outlives the call.
        let rc =
            unsafe { libc::fallocate(file.as_raw_fd(), libc::FALLOC_FL_KEEP_SIZE, offset, len) };
        if rc == 0 {
            return Ok(());
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn fallocate(_file: &File, _offset: u64, _len: u64) -> std::io::Result<()> {
    Err(std::io::Error::from_raw_os_error(libc::ENOSYS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    fn file_in(dir: &Path) -> Reserve {
        std::fs::write(dir.join("data.mdb"), b"").unwrap();
        Reserve::open(dir, Some(40 << 20)).unwrap()
    }

    #[test]
    fn allocates_generously_then_only_what_is_needed_then_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let reserve = file_in(dir.path());
        let got = reserve.ensure(1 << 20).unwrap();
        if got == u64::MAX {
            eprintln!("skipped: this filesystem cannot preallocate");
            return;
        }
        // 1 MiB + a step would pass the 40 MiB limit: only what was asked.
        assert_eq!(got, 1 << 20);
        let blocks = std::fs::metadata(dir.path().join("data.mdb"))
            .unwrap()
            .blocks();
        assert!(blocks * 512 >= 1 << 20, "{blocks} blocks");
        // KEEP_SIZE: the file's length is LMDB's business.
        assert_eq!(
            std::fs::metadata(dir.path().join("data.mdb"))
                .unwrap()
                .len(),
            0
        );
        assert_eq!(reserve.ensure(1000).unwrap(), 1 << 20);
        assert!(matches!(reserve.ensure(41 << 20), Err(Error::DiskFull)));
        // A failure changes nothing: what fits still works.
        assert_eq!(reserve.ensure(40 << 20).unwrap(), 40 << 20);
    }

    #[test]
    fn takes_a_step_at_a_time_when_there_is_room() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("data.mdb"), b"").unwrap();
        let reserve = Reserve::open(dir.path(), Some(1 << 30)).unwrap();
        let got = reserve.ensure(3 << 20).unwrap();
        if got != u64::MAX {
            assert_eq!(got, (3 << 20) + STEP);
        }
    }
}
