//! The server's settings and their command-line form (`--port 6379 --dir ./data ...`).

use std::path::PathBuf;
use std::time::Duration;

use crate::Durability;

/// `--appendfsync`: when a write reaches the disk, named as Redis names its AOF policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppendFsync {
    /// Every commit is on disk before the reply goes out ([`Durability::WriteAheadLog`]: one
    /// sync of the log per commit); group commit shares one commit and one sync between the
    /// clients writing at the same moment.
    Always,
    /// A background sync every second ([`Durability::Periodic`]); the default.
    Everysec,
    /// No explicit sync ([`Durability::Off`]).
    No,
}

impl AppendFsync {
    /// The store durability this policy maps to.
    pub fn durability(self) -> Durability {
        match self {
            AppendFsync::Always => Durability::WriteAheadLog,
            AppendFsync::Everysec => Durability::Periodic(Duration::from_secs(1)),
            AppendFsync::No => Durability::Off,
        }
    }

    /// Parses `always`, `everysec` or `no` (any case, as Redis).
    pub fn parse(text: &str) -> Option<AppendFsync> {
        match text.to_ascii_lowercase().as_str() {
            "always" => Some(AppendFsync::Always),
            "everysec" => Some(AppendFsync::Everysec),
            "no" => Some(AppendFsync::No),
            _ => None,
        }
    }

    /// The policy's name.
    pub fn name(self) -> &'static str {
        match self {
            AppendFsync::Always => "always",
            AppendFsync::Everysec => "everysec",
            AppendFsync::No => "no",
        }
    }
}

/// `--loglevel`: how much the server writes to stderr, least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// Everything `verbose` logs, and each protocol error.
    Debug,
    /// Also each connection accepted, refused or closed.
    Verbose,
    /// The start line, the stop lines and warnings; the default.
    Notice,
    /// Warnings only (and the start line, which is always written).
    Warning,
}

impl LogLevel {
    /// Parses `debug`, `verbose`, `notice` or `warning` (any case).
    pub fn parse(text: &str) -> Option<LogLevel> {
        match text.to_ascii_lowercase().as_str() {
            "debug" => Some(LogLevel::Debug),
            "verbose" => Some(LogLevel::Verbose),
            "notice" => Some(LogLevel::Notice),
            "warning" => Some(LogLevel::Warning),
            _ => None,
        }
    }

    /// The name `parse` takes (and CONFIG GET loglevel shows).
    pub fn name(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Verbose => "verbose",
            LogLevel::Notice => "notice",
            LogLevel::Warning => "warning",
        }
    }
}

/// The server's settings. [`Default`] gives Redis's defaults where they apply: 127.0.0.1:6379,
/// data in `./data`, 16 databases, 10,000 clients, `everysec`, no idle timeout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerConfig {
    /// TCP port; 0 picks a free one (see [`ServerHandle::local_addr`](super::ServerHandle::local_addr)).
    pub port: u16,
    /// Address to listen on.
    pub bind: String,
    /// The store's directory, created if missing.
    pub dir: PathBuf,
    /// The password clients must give with AUTH or HELLO; `None`: no password.
    pub requirepass: Option<String>,
    /// Number of logical databases (SELECT 0 to N-1).
    pub databases: u32,
    /// The most clients connected at once; more are refused with Redis's error.
    pub maxclients: usize,
    /// When writes reach the disk.
    pub appendfsync: AppendFsync,
    /// Seconds a client may stay idle before the server closes it; 0: never.
    pub timeout: u64,
    /// How much is logged to stderr.
    pub loglevel: LogLevel,
    /// Open the store with [`StoreOptions::write_map`](crate::StoreOptions::write_map):
    /// writes go straight into LMDB's memory map (about 1.5× the write throughput), and
    /// `data.mdb` becomes a sparse file whose apparent size is the whole map. `None` (no
    /// `--writemap` given): see [`ServerConfig::write_map`].
    pub writemap: Option<bool>,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            port: 6379,
            bind: "127.0.0.1".to_owned(),
            dir: PathBuf::from("./data"),
            requirepass: None,
            databases: 16,
            maxclients: 10_000,
            appendfsync: AppendFsync::Everysec,
            timeout: 0,
            loglevel: LogLevel::Notice,
            writemap: None,
        }
    }
}

/// `--help`'s text.
pub const HELP: &str = "\
keyp server: the Redis protocol over a keyp store (LMDB).

Usage: server [OPTIONS]

Options:
  --port N                 TCP port to listen on; 0 picks a free port [default: 6379]
  --bind ADDR              address to listen on [default: 127.0.0.1]
  --dir PATH               data directory, created if missing [default: ./data]
  --requirepass PASSWORD   clients must AUTH with this password before any other command
  --databases N            number of databases, SELECT 0 to N-1 (1 to 256) [default: 16]
  --maxclients N           most clients connected at once; more get
                           \"ERR max number of clients reached\" [default: 10000]
  --appendfsync POLICY     always: every write is on disk before its reply (group commit);
                           everysec: synced every second; no: never synced explicitly
                           [default: everysec]
  --timeout SECONDS        close a client idle this long; 0 never does [default: 0]
  --loglevel LEVEL         debug, verbose, notice or warning [default: notice]
  --writemap yes|no        write straight into LMDB's memory map: faster writes, and data.mdb
                           is a sparse file as big as the map (1.25 TiB apparent size, only
                           the data on disk) [default: yes, but no with --appendfsync always]
  -h, --help               print this help

SIGINT, SIGTERM or the SHUTDOWN command stop the server: it stops accepting clients, lets the
commands in flight finish, syncs the store and exits with status 0.
";

impl ServerConfig {
    /// Parses command-line arguments (without the program name). `Ok(None)` for `--help` / `-h`.
    /// Flags take their value as the next argument or after `=` (`--port=7000`).
    ///
    /// # Errors
    /// A message naming the bad flag or value.
    pub fn from_args<I, S>(args: I) -> Result<Option<ServerConfig>, String>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut config = ServerConfig::default();
        let mut args = args.into_iter().map(Into::into);
        while let Some(arg) = args.next() {
            if arg == "--help" || arg == "-h" {
                return Ok(None);
            }
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => {
                    (flag.to_owned(), Some(value.to_owned()))
                }
                _ => (arg.clone(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            match flag.as_str() {
                "--port" => config.port = number(&flag, &value()?)?,
                "--bind" => config.bind = value()?,
                "--dir" => config.dir = PathBuf::from(value()?),
                "--requirepass" => {
                    let password = value()?;
                    config.requirepass = (!password.is_empty()).then_some(password);
                }
                "--databases" => {
                    config.databases = number(&flag, &value()?)?;
                    if !(1..=256).contains(&config.databases) {
                        return Err("--databases must be between 1 and 256".to_owned());
                    }
                }
                "--maxclients" => {
                    config.maxclients = number(&flag, &value()?)?;
                    if config.maxclients == 0 {
                        return Err("--maxclients must be at least 1".to_owned());
                    }
                }
                "--appendfsync" => {
                    let text = value()?;
                    config.appendfsync = AppendFsync::parse(&text).ok_or_else(|| {
                        format!("--appendfsync must be always, everysec or no, not {text:?}")
                    })?;
                }
                "--timeout" => config.timeout = number(&flag, &value()?)?,
                "--loglevel" => {
                    let text = value()?;
                    config.loglevel = LogLevel::parse(&text).ok_or_else(|| {
                        format!(
                            "--loglevel must be debug, verbose, notice or warning, not {text:?}"
                        )
                    })?;
                }
                "--writemap" => {
                    let text = value()?;
                    config.writemap = match text.to_ascii_lowercase().as_str() {
                        "yes" => Some(true),
                        "no" => Some(false),
                        _ => return Err(format!("--writemap must be yes or no, not {text:?}")),
                    };
                }
                _ => return Err(format!("unknown option {arg:?} (see --help)")),
            }
        }
        Ok(Some(config))
    }

    /// Whether the store writes through LMDB's memory map: as `--writemap` says, and by
    /// default on but with `--appendfsync always`. There the write-ahead log's checkpoints
    /// write the data file back every second or so, and with the map each page written after
    /// that faults again to be marked dirty: SET at 16 commands a pipeline, 105,000 requests/s
    /// with the map against 214,000 without (`redis-benchmark -c 50 -P 16 -t set`).
    pub fn write_map(&self) -> bool {
        self.writemap
            .unwrap_or(self.appendfsync != AppendFsync::Always)
    }

    /// The idle timeout, `None` when disabled.
    pub(crate) fn idle_timeout(&self) -> Option<Duration> {
        (self.timeout > 0).then(|| Duration::from_secs(self.timeout))
    }
}

fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{flag} takes a number, not {text:?}"))
}
