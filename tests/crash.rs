//! Crash safety over the wire: a server process (this test binary run again with `--exact
//! crash_server_child`, told its directory by an environment variable) runs with
//! `--appendfsync always` while several clients write; it is killed with SIGKILL at a random
//! moment, restarted on the same directory, and every write it acknowledged must be there.
//! Several rounds; the last server is stopped with SIGTERM and must exit with status 0.
//!
//! The writes are SETs: without SET in the command table the test fails (no round may end
//! with nothing acknowledged).

#![cfg(feature = "server")]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use keyp::server::{AppendFsync, Server, ServerConfig};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Set in the child's environment: the data directory. Its presence selects the server role.
const CHILD_DIR: &str = "KEYP_TEST_CRASH_DIR";
const ROUNDS: usize = 3;
const WRITERS: usize = 4;

/// The server's side; does nothing in a normal test run (no directory given).
#[test]
fn crash_server_child() -> keyp::Result<()> {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return Ok(());
    };
    // The flags as `examples/server.rs` would get them.
    let dir = dir.to_str().ok_or(keyp::Error::Syntax)?.to_owned();
    let args = [
        "--port",
        "0",
        "--appendfsync",
        "always",
        "--loglevel",
        "warning",
        "--dir",
        &dir,
    ];
    let config = ServerConfig::from_args(args)
        .ok()
        .flatten()
        .ok_or(keyp::Error::Syntax)?;
    assert_eq!(config.appendfsync, AppendFsync::Always);
    let server = Server::bind(config)?;
    server.handle_signals()?;
    println!("PORT {}", server.local_addr().port());
    server.run()
}

/// A server process, killed if the test ends (a failed check included) while it runs: left
/// behind, it would keep the test harness's output open and the test run would never end.
struct ServerProcess(Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a server process on `dir` and returns it with its address.
fn spawn_server(dir: &Path) -> Result<(ServerProcess, SocketAddr), Box<dyn std::error::Error>> {
    let mut child = Command::new(std::env::current_exe()?)
        .args([
            "--exact",
            "crash_server_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DIR, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let port = loop {
        let Some(line) = lines.next() else {
            let _ = child.kill();
            return Err("the server exited before printing its port".into());
        };
        // The harness may have printed the test's name before it on the same line.
        if let Some((_, port)) = line?.split_once("PORT ") {
            break port.trim().parse::<u16>()?;
        }
    };
    // Keep draining the child's stdout (the test harness prints its result there).
    std::thread::spawn(move || lines.for_each(drop));
    Ok((
        ServerProcess(child),
        SocketAddr::from(([127, 0, 0, 1], port)),
    ))
}

fn connect(addr: SocketAddr) -> redis::RedisResult<redis::Connection> {
    redis::Client::open(format!("redis://{addr}/"))?.get_connection()
}

/// Asserts every (key, value) is stored.
fn verify(addr: SocketAddr, acknowledged: &[(String, String)]) -> TestResult {
    let mut con = connect(addr)?;
    for chunk in acknowledged.chunks(1000) {
        let mut pipe = redis::pipe();
        for (key, _) in chunk {
            pipe.cmd("GET").arg(key);
        }
        let values: Vec<Option<String>> = pipe.query(&mut con)?;
        for ((key, want), got) in chunk.iter().zip(values) {
            assert_eq!(
                got.as_deref(),
                Some(want.as_str()),
                "acknowledged {key} lost"
            );
        }
    }
    Ok(())
}

/// Writes `round:writer:i` keys until the connection fails; returns what was acknowledged.
fn writer(addr: SocketAddr, round: usize, id: usize, go: &AtomicBool) -> Vec<(String, String)> {
    let mut acknowledged = Vec::new();
    let Ok(mut con) = connect(addr) else {
        return acknowledged;
    };
    let mut i = 0u64;
    while go.load(Ordering::Relaxed) {
        let key = format!("r{round}:w{id}:{i}");
        let value = format!("value {i} of writer {id} in round {round}");
        match redis::cmd("SET")
            .arg(&key)
            .arg(&value)
            .query::<String>(&mut con)
        {
            Ok(ok) => {
                assert_eq!(ok, "OK");
                acknowledged.push((key, value));
            }
            // The kill: the connection drops. Any other failure is the server's answer.
            Err(e)
                if e.is_io_error() || e.is_connection_dropped() || e.is_unrecoverable_error() =>
            {
                break
            }
            Err(e) => panic!("SET failed: {e}"),
        }
        i += 1;
    }
    acknowledged
}

/// A pseudo-random number from the clock (printed, to replay a failure by hand).
fn seed() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1
}

fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn acknowledged_writes_survive_sigkill() -> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let mut rng = seed();
    eprintln!("crash test seed {rng}");
    let mut acknowledged: Vec<(String, String)> = Vec::new();
    for round in 0..ROUNDS {
        let (mut child, addr) = spawn_server(&data)?;
        verify(addr, &acknowledged)?;
        let go = Arc::new(AtomicBool::new(true));
        let writers: Vec<_> = (0..WRITERS)
            .map(|id| {
                let go = Arc::clone(&go);
                std::thread::spawn(move || writer(addr, round, id, &go))
            })
            .collect();
        let delay = Duration::from_millis(100 + xorshift(&mut rng) % 400);
        std::thread::sleep(delay);
        child.0.kill()?; // SIGKILL
        child.0.wait()?;
        go.store(false, Ordering::Relaxed);
        let mut this_round = 0;
        for writer in writers {
            let acked = writer.join().map_err(|_| "a writer panicked")?;
            this_round += acked.len();
            acknowledged.extend(acked);
        }
        eprintln!("round {round}: killed after {delay:?}, {this_round} writes acknowledged");
        assert!(this_round > 0, "round {round}: no write was acknowledged");
    }

    // The last restart: everything is there, and SIGTERM stops the server cleanly.
    let (mut child, addr) = spawn_server(&data)?;
    verify(addr, &acknowledged)?;
    let status = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()?;
    assert!(status.success(), "kill -TERM");
    let exit = child.0.wait()?;
    assert!(
        exit.success(),
        "the server exits with status 0 on SIGTERM: {exit}"
    );
    Ok(())
}
