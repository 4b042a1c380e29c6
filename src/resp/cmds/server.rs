//! Server commands: INFO, TIME, COMMAND, CONFIG, SAVE, BGSAVE, LASTSAVE, SHUTDOWN.
//!
//! - INFO reports Redis's sections and field names (`# Keyspace`:
//!   `db0:keys=N,expires=M,avg_ttl=T`); memory figures are the LMDB map's. The keyspace section
//!   counts keys by walking them (O(n), where Redis keeps counters).
//! - COMMAND describes the command table: flags and key positions as in Redis; ACL categories
//!   are derived from the flags; key specs are the simple range form; DOCS gives a minimal
//!   entry per command. GETKEYS uses the first/last/step key positions, so commands whose keys
//!   move (ZUNIONSTORE, XREAD...) are reported by those positions only.
//! - CONFIG: keyp's own parameters (see [`default_config`]) are validated as Redis validates
//!   them; Redis's parameters that mean nothing here are accepted and echoed back.
//! - SAVE / BGSAVE copy the store (one consistent LMDB snapshot) to `<data dir>.save` next to
//!   the data directory, replacing the previous copy.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::connection::REDIS_VERSION;
use super::spec;
use crate::resp::command::{Call, CommandSpec};
use crate::resp::reply::Reply;
use crate::resp::session::{Session, Shared};
use crate::{Error, Result};

mod config;
mod info;
mod introspect;

pub(crate) use config::default_config;

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec!(
        "info",
        -1,
        ["loading", "stale"],
        0,
        0,
        0,
        Session(info::info)
    ),
    spec!(
        "time",
        1,
        ["loading", "stale", "fast"],
        0,
        0,
        0,
        Session(time)
    ),
    spec!(
        "command",
        -1,
        ["loading", "stale"],
        0,
        0,
        0,
        Session(introspect::command)
    ),
    spec!("config", -2, [], 0, 0, 0, Session(config::config)),
    spec!(
        "save",
        1,
        ["admin", "noscript", "no_async_loading", "no_multi"],
        0,
        0,
        0,
        Session(save)
    ),
    spec!(
        "bgsave",
        -1,
        ["admin", "noscript", "no_async_loading"],
        0,
        0,
        0,
        Session(bgsave)
    ),
    spec!(
        "lastsave",
        1,
        ["loading", "stale", "fast"],
        0,
        0,
        0,
        Session(lastsave)
    ),
    spec!(
        "shutdown",
        -1,
        [
            "admin",
            "noscript",
            "loading",
            "stale",
            "no_multi",
            "allow_busy"
        ],
        0,
        0,
        0,
        Session(shutdown)
    ),
];

fn error(text: impl Into<String>) -> Result<Reply> {
    Ok(Reply::Error(text.into()))
}

fn unix_now() -> Duration {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
}

fn time(_: &mut Session, _: &Call<'_>) -> Result<Reply> {
    let now = unix_now();
    Ok(Reply::Array(vec![
        Reply::bulk(now.as_secs().to_string()),
        Reply::bulk(now.subsec_micros().to_string()),
    ]))
}

fn lastsave(session: &mut Session, _: &Call<'_>) -> Result<Reply> {
    Ok(Reply::count(
        session.shared().last_save.load(Ordering::SeqCst),
    ))
}

/// Copies the store to `<data dir>.save` (through a temporary directory, so a failed copy
/// leaves the previous one), and records the time for LASTSAVE.
pub(crate) fn save_copy(shared: &Shared) -> Result<()> {
    let dir = shared.store().core().dir().to_path_buf();
    let name = dir
        .file_name()
        .map_or_else(|| "data".into(), |n| n.to_string_lossy().into_owned());
    let target = dir.with_file_name(format!("{name}.save"));
    let partial = dir.with_file_name(format!("{name}.save.partial"));
    if partial.exists() {
        std::fs::remove_dir_all(&partial)?;
    }
    shared.store().backup(&partial)?;
    if target.exists() {
        std::fs::remove_dir_all(&target)?;
    }
    std::fs::rename(&partial, &target)?;
    shared
        .last_save
        .store(unix_now().as_secs(), Ordering::SeqCst);
    Ok(())
}

fn save(session: &mut Session, _: &Call<'_>) -> Result<Reply> {
    let shared = Arc::clone(session.shared());
    if shared.saving.swap(true, Ordering::SeqCst) {
        return error("ERR Background save already in progress");
    }
    let outcome = save_copy(&shared);
    shared.saving.store(false, Ordering::SeqCst);
    outcome.map(|()| Reply::ok())
}

fn bgsave(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    if call.len() > 2 || (call.len() == 2 && !call.arg(1).eq_ignore_ascii_case(b"schedule")) {
        return Err(Error::Syntax);
    }
    let shared = Arc::clone(session.shared());
    if shared.saving.swap(true, Ordering::SeqCst) {
        return error("ERR Background save already in progress");
    }
    let worker = Arc::clone(&shared);
    let started = std::thread::Builder::new()
        .name("keyp-bgsave".to_owned())
        .spawn(move || {
            // A failure shows as LASTSAVE not moving (and in INFO's rdb_last_bgsave_status).
            let ok = save_copy(&worker).is_ok();
            worker.last_save_ok.store(ok, Ordering::SeqCst);
            worker.saving.store(false, Ordering::SeqCst);
        });
    if let Err(e) = started {
        shared.saving.store(false, Ordering::SeqCst);
        return Err(Error::Io(e));
    }
    Ok(Reply::Simple("Background saving started".to_owned()))
}

fn shutdown(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let (mut save, mut nosave) = (false, false);
    for arg in call.rest(1) {
        if arg.eq_ignore_ascii_case(b"save") {
            save = true;
        } else if arg.eq_ignore_ascii_case(b"nosave") {
            nosave = true;
        } else if arg.eq_ignore_ascii_case(b"now") || arg.eq_ignore_ascii_case(b"force") {
        } else if arg.eq_ignore_ascii_case(b"abort") && call.len() == 2 {
            return error("ERR No shutdown in progress.");
        } else {
            return Err(Error::Syntax);
        }
    }
    if save && nosave {
        return Err(Error::Syntax);
    }
    if save {
        save_copy(session.shared())?;
    }
    session.shared().store().sync()?;
    session.shared().request_shutdown();
    // Redis closes the connection without a reply.
    session.closing = true;
    session.skip_current = true;
    Ok(Reply::ok())
}
