//! A store whose disk fills up: writes get `Error::DiskFull` (Redis's MISCONF text) instead of
//! the process dying of SIGBUS in LMDB's write map, nothing acknowledged is lost, reads keep
//! working, and writes work again once the disk has room.
//!
//! `StoreOptions::disk_limit` stands for a small disk on any machine; the last test uses a real
//! one, a 24 MiB tmpfs, which needs root (it is required when `CI=true`).

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use keyp::{Durability, Error, Store, StoreOptions};

const LIMIT: u64 = 40 << 20;

fn open(dir: &Path, write_map: bool, limit: Option<u64>) -> keyp::Result<Store> {
    let options = StoreOptions::new()
        .map_size(1 << 30)
        .durability(Durability::Off)
        .write_map(write_map);
    match limit {
        Some(limit) => options.disk_limit(limit),
        None => options,
    }
    .open(dir)
}

fn value(i: usize, len: usize) -> Vec<u8> {
    let mut v = format!("{i}:").into_bytes();
    v.resize(len, b'v');
    v
}

/// Bytes of disk the data file holds.
fn allocated(dir: &Path) -> u64 {
    std::fs::metadata(dir.join("data.mdb")).map_or(0, |m| m.blocks() * 512)
}

/// SETs 100 kB values until one fails; returns how many succeeded and the error.
fn fill(store: &Store, dir: &Path, limit: u64) -> (usize, Error) {
    for i in 0.. {
        if let Err(e) = store.set(format!("k{i}"), value(i, 100_000)) {
            return (i, e);
        }
        assert!(
            allocated(dir) <= limit,
            "the data file took {} bytes of a {limit}-byte disk",
            allocated(dir)
        );
    }
    unreachable!()
}

#[test]
fn writes_get_disk_full_and_work_again_when_there_is_room() -> keyp::Result<()> {
    for write_map in [true, false] {
        let dir = tempfile::tempdir()?;
        let store = open(dir.path(), write_map, Some(LIMIT))?;
        let (n, error) = fill(&store, dir.path(), LIMIT);
        assert!(matches!(error, Error::DiskFull), "got {error:?}");
        assert_eq!(
            error.to_string(),
            "MISCONF Errors writing to the data directory: No space left on device"
        );
        // Most of the disk holds data; 16 MiB stay held for the next transactions.
        assert!(n > 150, "only {n} values of 100 kB fitted in {LIMIT} bytes");
        // Every write refused, small ones and deletes too (as Redis does when it cannot
        // write its AOF); reads work; nothing acknowledged is lost.
        assert!(matches!(store.set("small", "v"), Err(Error::DiskFull)));
        assert!(matches!(store.del(&["k0"]), Err(Error::DiskFull)));
        assert_eq!(store.dbsize()?, n as u64);
        for i in 0..n {
            assert_eq!(store.get(format!("k{i}"))?, Some(value(i, 100_000).into()));
        }
        drop(store);

        // A bigger disk: the same data, and writes again.
        let store = open(dir.path(), write_map, Some(4 * LIMIT))?;
        assert_eq!(store.dbsize()?, n as u64);
        store.set("small", "v")?;
        assert_eq!(store.del(&["k0"])?, 1);
        assert_eq!(
            store.get(format!("k{}", n - 1))?,
            Some(value(n - 1, 100_000).into())
        );
    }
    Ok(())
}

#[test]
fn one_big_value_is_refused_before_it_outgrows_the_disk() -> keyp::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = open(dir.path(), true, Some(LIMIT))?;
    store.set("before", "v")?;
    // Bigger than the 16 MiB held ahead of every transaction: the write itself asks for more.
    let big = vec![b'x'; 30 << 20];
    assert!(matches!(store.set("big", &big), Err(Error::DiskFull)));
    assert!(allocated(dir.path()) <= LIMIT);
    // Nothing of it remains; what fits still goes in.
    assert_eq!(store.get("big")?, None);
    let fits = vec![b'y'; 10 << 20];
    store.set("fits", &fits)?;
    assert_eq!(store.get("fits")?.as_deref(), Some(&fits[..]));
    assert_eq!(store.get("before")?.as_deref(), Some(&b"v"[..]));
    Ok(())
}

/// A tmpfs mounted on a temporary directory, unmounted on drop.
struct Tmpfs(tempfile::TempDir);

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().ok()?;
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        status.success().then_some(Tmpfs(dir))
    }

    /// Writes a file that takes every block left on the disk; returns its path.
    fn take_the_rest(&self) -> std::io::Result<std::path::PathBuf> {
        use std::io::Write;
        let path = self.0.path().join("filler");
        let mut file = std::fs::File::create(&path)?;
        for chunk in [1 << 20, 4096, 512] {
            while file.write_all(&vec![1u8; chunk]).is_ok() {}
        }
        Ok(path)
    }

    /// [`Tmpfs::mount`], or `None` after saying the test is skipped: mounting needs root, and
    /// under `CI=true` a test must not skip, so there it fails instead.
    fn mount_or_skip(size: &str) -> Option<Tmpfs> {
        let disk = Tmpfs::mount(size);
        if disk.is_none() {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but a tmpfs could not be mounted (the test needs root)"
            );
            eprintln!("skipped: mounting a tmpfs needs root");
        }
        disk
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.0.path())
            .status();
    }
}

#[test]
fn a_really_full_disk_is_an_error_not_a_crash() -> keyp::Result<()> {
    let Some(disk) = Tmpfs::mount_or_skip("24m") else {
        return Ok(());
    };
    for write_map in [true, false] {
        let dir = disk.0.path().join(format!("data-{write_map}"));
        let store = open(&dir, write_map, None)?;
        // Without the reservation this process would die here of SIGBUS (write map) or get
        // LMDB's bare I/O error.
        let (n, error) = fill(&store, &dir, u64::MAX);
        assert!(matches!(error, Error::DiskFull), "got {error:?}");
        assert!(n > 0);
        for i in 0..n {
            assert_eq!(store.get(format!("k{i}"))?, Some(value(i, 100_000).into()));
        }
        drop(store);
        std::fs::remove_dir_all(&dir)?;
    }
    Ok(())
}

/// A real full disk under the write-ahead log, the log being what runs out (another file
/// takes the disk's last blocks while the data file still holds its reservation): the write
/// gets `DiskFull`, nothing acknowledged is lost, writes work again once there is room, and
/// the store closes and opens again with everything in it.
#[test]
fn a_full_disk_stops_the_log_cleanly() -> keyp::Result<()> {
    // Big enough that the data file's reservation is taken 64 MiB at a time and outlasts the
    // filler below.
    let Some(disk) = Tmpfs::mount_or_skip("256m") else {
        return Ok(());
    };
    let log = |dir: &Path| {
        StoreOptions::new()
            .map_size(1 << 30)
            .durability(Durability::WriteAheadLog)
            .open(dir)
    };
    let dir = disk.0.path().join("data");
    let store = log(&dir)?;
    let mut acknowledged = 0;
    for i in 0..10 {
        store.set(format!("k{i}"), value(i, 100_000))?;
        acknowledged += 1;
    }
    let filler = disk.take_the_rest()?;
    let error = loop {
        match store.set(format!("k{acknowledged}"), value(acknowledged, 100_000)) {
            Ok(()) => acknowledged += 1,
            Err(e) => break e,
        }
        assert!(acknowledged < 1000, "the disk never filled");
    };
    assert!(matches!(error, Error::DiskFull), "got {error:?}");
    for i in 0..acknowledged {
        assert_eq!(store.get(format!("k{i}"))?, Some(value(i, 100_000).into()));
    }
    // Room again: writes resume (after the background checkpoint that takes the log back).
    std::fs::remove_file(&filler)?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while store.set("after", "room").is_err() {
        assert!(std::time::Instant::now() < deadline, "writes never resumed");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    drop(store);
    let store = log(&dir)?;
    for i in 0..acknowledged {
        assert_eq!(store.get(format!("k{i}"))?, Some(value(i, 100_000).into()));
    }
    assert_eq!(store.get("after")?.as_deref(), Some(&b"room"[..]));
    Ok(())
}

/// The server under `--appendfsync always` on a disk that fills up (the log runs out, as in
/// `a_full_disk_stops_the_log_cleanly`): a write gets Redis's `MISCONF` error, the
/// connection and the reads go on, and writes work again once there is room.
#[cfg(feature = "server")]
#[test]
fn the_server_answers_misconf_when_the_log_fills_the_disk() -> Result<(), Box<dyn std::error::Error>>
{
    use keyp::server::{AppendFsync, LogLevel, Server, ServerConfig};
    let Some(disk) = Tmpfs::mount_or_skip("256m") else {
        return Ok(());
    };
    let server = Server::bind(ServerConfig {
        port: 0,
        dir: disk.0.path().join("data"),
        appendfsync: AppendFsync::Always,
        loglevel: LogLevel::Warning,
        ..ServerConfig::default()
    })?;
    let handle = server.handle();
    let thread = std::thread::spawn(move || server.run());
    let mut con =
        redis::Client::open(format!("redis://{}/", handle.local_addr()))?.get_connection()?;
    con.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let set = |con: &mut redis::Connection, i: usize| {
        redis::cmd("SET")
            .arg(format!("k{i}"))
            .arg(value(i, 100_000))
            .query::<()>(con)
    };
    let mut acknowledged = 0;
    while acknowledged < 10 {
        set(&mut con, acknowledged)?;
        acknowledged += 1;
    }
    let filler = disk.take_the_rest()?;
    let error = loop {
        match set(&mut con, acknowledged) {
            Ok(()) => acknowledged += 1,
            Err(e) => break e,
        }
        assert!(acknowledged < 1000, "the disk never filled");
    };
    assert_eq!(error.code(), Some("MISCONF"), "{error}");
    for i in 0..acknowledged {
        let got: Vec<u8> = redis::cmd("GET").arg(format!("k{i}")).query(&mut con)?;
        assert_eq!(got, value(i, 100_000));
    }
    std::fs::remove_file(&filler)?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while set(&mut con, acknowledged).is_err() {
        assert!(std::time::Instant::now() < deadline, "writes never resumed");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    handle.stop();
    thread.join().expect("the server thread")?;
    Ok(())
}
