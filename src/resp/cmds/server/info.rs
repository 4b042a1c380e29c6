//! INFO: Redis's sections and field names, filled with keyp's figures.

use std::fmt::Write as _;
use std::sync::atomic::Ordering;
use std::time::SystemTime;

use bytes::Bytes;

use super::REDIS_VERSION;
use crate::resp::command::Call;
use crate::resp::reply::Reply;
use crate::resp::session::{Session, Shared};
use crate::Result;

/// The sections, in Redis's order, that `INFO` / `INFO default` / `INFO all` give.
const SECTIONS: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "keyspace",
];

pub(super) fn info(session: &mut Session, call: &Call<'_>) -> Result<Reply> {
    let mut wanted: Vec<&str> = Vec::new();
    if call.len() == 1 {
        wanted.extend(SECTIONS);
    }
    for arg in call.rest(1) {
        let lower = String::from_utf8_lossy(arg).to_ascii_lowercase();
        match lower.as_str() {
            "default" | "all" | "everything" => wanted.extend(SECTIONS),
            other => {
                if let Some(section) = SECTIONS.iter().find(|s| **s == other) {
                    wanted.push(section);
                }
            }
        }
    }
    let shared = session.shared();
    let mut sections = Vec::new();
    for section in SECTIONS {
        if !wanted.contains(section) {
            continue;
        }
        let text = match *section {
            "server" => server(shared),
            "clients" => clients(shared),
            "memory" => memory(shared),
            "persistence" => persistence(shared),
            "stats" => stats(shared),
            "replication" => replication(),
            _ => keyspace(shared)?,
        };
        sections.push(text);
    }
    Ok(Reply::Verbatim("txt", Bytes::from(sections.join("\r\n"))))
}

/// Appends `name:value\r\n`.
fn field(out: &mut String, name: &str, value: impl std::fmt::Display) {
    let _ = write!(out, "{name}:{value}\r\n");
}

/// A 40-hex-digit id for this process (Redis's run_id / master_replid).
fn run_id(shared: &Shared) -> String {
    let started = shared
        .started
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let seed = started ^ (u128::from(std::process::id()) << 64);
    let a = crate::storage::hash::murmur64a(&seed.to_le_bytes(), 0x5eed);
    let b = crate::storage::hash::murmur64a(&seed.to_be_bytes(), a);
    let c = crate::storage::hash::murmur64a(&a.to_le_bytes(), b);
    format!("{a:016x}{b:016x}{:08x}", c >> 32)
}

fn server(shared: &Shared) -> String {
    let info = shared.server.read().clone();
    let uptime = shared.started_at.elapsed().as_secs();
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let mut out = String::from("# Server\r\n");
    field(&mut out, "redis_version", REDIS_VERSION);
    field(&mut out, "keyp_version", env!("CARGO_PKG_VERSION"));
    field(&mut out, "redis_git_sha1", "00000000");
    field(&mut out, "redis_git_dirty", 0);
    field(&mut out, "redis_build_id", "0");
    field(&mut out, "redis_mode", "standalone");
    field(
        &mut out,
        "os",
        format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
    );
    field(&mut out, "arch_bits", usize::BITS);
    field(&mut out, "multiplexing_api", "threads");
    field(&mut out, "process_id", std::process::id());
    field(&mut out, "process_supervised", "no");
    field(&mut out, "run_id", run_id(shared));
    field(&mut out, "tcp_port", info.port);
    field(&mut out, "server_time_usec", now.as_micros());
    field(&mut out, "uptime_in_seconds", uptime);
    field(&mut out, "uptime_in_days", uptime / 86_400);
    field(&mut out, "hz", 10);
    field(&mut out, "configured_hz", 10);
    field(&mut out, "executable", info.executable);
    field(&mut out, "config_file", "");
    field(&mut out, "io_threads_active", 0);
    out
}

fn clients(shared: &Shared) -> String {
    let mut out = String::from("# Clients\r\n");
    field(&mut out, "connected_clients", shared.client_count());
    field(&mut out, "cluster_connections", 0);
    field(
        &mut out,
        "maxclients",
        shared.config("maxclients").unwrap_or_default(),
    );
    field(&mut out, "client_recent_max_input_buffer", 0);
    field(&mut out, "client_recent_max_output_buffer", 0);
    field(&mut out, "blocked_clients", 0);
    field(&mut out, "tracking_clients", 0);
    field(&mut out, "clients_in_timeout_table", 0);
    out
}

/// Bytes as Redis's `*_human` fields print them (`1.68M`).
fn human(bytes: u64) -> String {
    const UNITS: &[&str] = &["K", "M", "G", "T", "P"];
    if bytes < 1024 {
        return format!("{bytes}B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.2}{}", UNITS.get(unit).copied().unwrap_or("P"))
}

fn memory(shared: &Shared) -> String {
    let core = shared.store().core();
    let env = &core.storage.env;
    let page = env.stat().map_or(4096, |s| u64::from(s.page_size()));
    let (used, map) = env.info().map_or((0, 0), |i| {
        ((i.last_pgno() as u64 + 1) * page, i.map_size() as u64)
    });
    let mut out = String::from("# Memory\r\n");
    field(&mut out, "used_memory", used);
    field(&mut out, "used_memory_human", human(used));
    field(&mut out, "used_memory_rss", used);
    field(&mut out, "used_memory_rss_human", human(used));
    field(&mut out, "used_memory_peak", used);
    field(&mut out, "used_memory_peak_human", human(used));
    field(&mut out, "maxmemory", 0);
    field(&mut out, "maxmemory_human", "0B");
    field(&mut out, "maxmemory_policy", "noeviction");
    field(&mut out, "mem_allocator", "lmdb");
    field(&mut out, "lmdb_map_size", map);
    field(&mut out, "lmdb_map_size_human", human(map));
    out
}

fn persistence(shared: &Shared) -> String {
    let mut out = String::from("# Persistence\r\n");
    field(&mut out, "loading", 0);
    field(&mut out, "async_loading", 0);
    field(&mut out, "rdb_changes_since_last_save", 0);
    field(
        &mut out,
        "rdb_bgsave_in_progress",
        u8::from(shared.saving.load(Ordering::SeqCst)),
    );
    field(
        &mut out,
        "rdb_last_save_time",
        shared.last_save.load(Ordering::SeqCst),
    );
    let ok = shared.last_save_ok.load(Ordering::SeqCst);
    field(
        &mut out,
        "rdb_last_bgsave_status",
        if ok { "ok" } else { "err" },
    );
    field(&mut out, "aof_enabled", 0);
    field(&mut out, "aof_rewrite_in_progress", 0);
    field(&mut out, "aof_last_bgrewrite_status", "ok");
    field(&mut out, "aof_last_write_status", "ok");
    field(
        &mut out,
        "appendfsync",
        shared.config("appendfsync").unwrap_or_default(),
    );
    out
}

fn stats(shared: &Shared) -> String {
    let stats = &shared.stats;
    let mut out = String::from("# Stats\r\n");
    field(
        &mut out,
        "total_connections_received",
        stats.connections.load(Ordering::Relaxed),
    );
    field(
        &mut out,
        "total_commands_processed",
        stats.commands.load(Ordering::Relaxed),
    );
    field(&mut out, "instantaneous_ops_per_sec", 0);
    field(
        &mut out,
        "rejected_connections",
        stats.rejected_connections.load(Ordering::Relaxed),
    );
    field(&mut out, "expired_keys", 0);
    field(&mut out, "evicted_keys", 0);
    field(&mut out, "keyspace_hits", 0);
    field(&mut out, "keyspace_misses", 0);
    field(
        &mut out,
        "pubsub_channels",
        shared.broker.channels(None).len(),
    );
    field(&mut out, "pubsub_patterns", shared.broker.numpat());
    field(
        &mut out,
        "total_error_replies",
        stats.rejected.load(Ordering::Relaxed),
    );
    out
}

fn replication() -> String {
    let mut out = String::from("# Replication\r\n");
    field(&mut out, "role", "master");
    field(&mut out, "connected_slaves", 0);
    field(&mut out, "master_failover_state", "no-failover");
    field(&mut out, "master_repl_offset", 0);
    field(&mut out, "second_repl_offset", -1);
    field(&mut out, "repl_backlog_active", 0);
    out
}

fn keyspace(shared: &Shared) -> Result<String> {
    let core = shared.store().core();
    let mut out = String::from("# Keyspace\r\n");
    for db in 0..core.databases {
        let db = core.check_db(db)?;
        let (keys, expires, ttl_sum) = core.read(db, |r| {
            let now = r.now_ms();
            let (mut keys, mut expires, mut ttl_sum) = (0u64, 0u64, 0u128);
            r.for_each_key(db, 0, |_, _, meta| {
                keys += 1;
                if meta.expire_at_ms != 0 {
                    expires += 1;
                    ttl_sum += u128::from(meta.expire_at_ms.saturating_sub(now));
                }
                Ok(true)
            })?;
            Ok((keys, expires, ttl_sum))
        })?;
        if keys > 0 {
            let avg_ttl = if expires > 0 {
                ttl_sum / u128::from(expires)
            } else {
                0
            };
            let _ = write!(
                out,
                "db{db}:keys={keys},expires={expires},avg_ttl={avg_ttl}\r\n"
            );
        }
    }
    Ok(out)
}
