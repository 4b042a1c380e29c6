//! keyp as a Redis server: `cargo run --release --example server -- --port 6379 --dir ./data`.
//! `--help` lists every flag. Stops cleanly on SIGINT, SIGTERM or SHUTDOWN (exit status 0).

use std::process::ExitCode;

use keyp::server::{log_line, LogLevel, Server, ServerConfig, HELP};

/// Redis ships with jemalloc; the server's many small, short-lived request buffers are cheaper
/// with a modern allocator than with glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let config = match ServerConfig::from_args(std::env::args().skip(1)) {
        Ok(Some(config)) => config,
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("server: {message}");
            return ExitCode::from(2);
        }
    };
    match run(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            log_line(LogLevel::Warning, &format!("fatal: {e}"));
            ExitCode::FAILURE
        }
    }
}

fn run(config: ServerConfig) -> keyp::Result<()> {
    let dir = config.dir.clone();
    let appendfsync = config.appendfsync;
    let server = Server::bind(config)?;
    server.handle_signals()?;
    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
    log_line(
        LogLevel::Notice,
        &format!(
            "keyp {} ready on {}, data in {}, appendfsync {}, pid {}",
            env!("CARGO_PKG_VERSION"),
            server.local_addr(),
            dir.display(),
            appendfsync.name(),
            std::process::id()
        ),
    );
    server.run()
}
