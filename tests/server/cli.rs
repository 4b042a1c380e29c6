//! Debian's `redis-cli` against the server (`.ci/run` installs redis-tools; the test fails
//! when `redis-cli` is missing).

use std::process::Command;

use super::{start, TestResult};

fn redis_cli(port: u16, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
    let output = Command::new("redis-cli")
        .arg("-p")
        .arg(port.to_string())
        .args(args)
        .output()
        .map_err(|e| format!("redis-cli (install redis-tools): {e}"))?;
    assert!(output.status.success(), "redis-cli {args:?}: {output:?}");
    Ok(String::from_utf8(output.stdout)?)
}

#[test]
fn redis_cli_talks_to_the_server() -> TestResult {
    let server = start(|_| {})?;
    let port = server.handle.local_addr().port();
    server.handle.store().set("k", "value")?;
    assert_eq!(redis_cli(port, &["ping"])?, "PONG\n");
    assert_eq!(redis_cli(port, &["echo", "a b"])?, "a b\n");
    assert_eq!(redis_cli(port, &["get", "k"])?, "value\n");
    assert_eq!(redis_cli(port, &["del", "k", "x"])?, "1\n");
    assert_eq!(redis_cli(port, &["get", "k"])?, "\n");
    assert_eq!(
        redis_cli(port, &["nosuch"])?,
        "ERR unknown command 'nosuch', with args beginning with: \n\n"
    );
    // Mass insertion mode: raw protocol on stdin, a summary at the end.
    let mut child = Command::new("redis-cli")
        .args(["-p", &port.to_string(), "--pipe"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    let commands = "*2\r\n$3\r\nDEL\r\n$1\r\nx\r\n".repeat(1000);
    std::io::Write::write_all(child.stdin.as_mut().ok_or("stdin")?, commands.as_bytes())?;
    drop(child.stdin.take());
    let output = child.wait_with_output()?;
    let summary = String::from_utf8(output.stdout)?;
    assert!(
        summary.contains("errors: 0, replies: 1000"),
        "redis-cli --pipe: {summary}"
    );
    Ok(())
}

/// `redis-benchmark` runs its standard tests against the server without an error, and the
/// data it wrote is there afterwards.
#[test]
fn redis_benchmark_runs_against_the_server() -> TestResult {
    let server = start(|_| {})?;
    let port = server.handle.local_addr().port();
    let output = Command::new("redis-benchmark")
        .args(["-p", &port.to_string(), "-n", "10000", "-c", "20", "-q"])
        .args(["-t", "set,get,lpush,lpop,sadd,hset,zadd"])
        .output()
        .map_err(|e| format!("redis-benchmark (install redis-tools): {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "redis-benchmark: {stdout} {stderr}"
    );
    assert!(
        !stderr.contains("ERR") && !stdout.contains("ERR"),
        "{stdout} {stderr}"
    );
    for test in ["SET", "GET", "LPUSH", "LPOP", "SADD", "HSET", "ZADD"] {
        let line = stdout
            .split(['\n', '\r'])
            .rev()
            .find(|l| l.starts_with(&format!("{test}: ")) && l.contains("requests per second"));
        assert!(line.is_some(), "no {test} result in {stdout}");
    }
    let store = server.handle.store();
    assert_eq!(store.exists(&["key:__rand_int__"])?, 1);
    assert!(store.hlen("myhash")? > 0);
    assert!(store.scard("myset")? > 0);
    assert!(store.zcard("myzset")? > 0);
    Ok(())
}
