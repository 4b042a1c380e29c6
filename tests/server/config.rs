//! The command-line flags of `examples/server.rs`.

use std::path::PathBuf;
use std::time::Duration;

use keyp::server::{AppendFsync, LogLevel, ServerConfig, HELP};
use keyp::Durability;

#[test]
fn defaults() {
    let config = ServerConfig::from_args(Vec::<String>::new())
        .unwrap()
        .unwrap();
    assert_eq!(config, ServerConfig::default());
    assert_eq!(config.port, 6379);
    assert_eq!(config.bind, "127.0.0.1");
    assert_eq!(config.dir, PathBuf::from("./data"));
    assert_eq!(config.requirepass, None);
    assert_eq!(config.databases, 16);
    assert_eq!(config.maxclients, 10_000);
    assert_eq!(config.appendfsync, AppendFsync::Everysec);
    assert_eq!(config.timeout, 0);
    assert_eq!(config.loglevel, LogLevel::Notice);
    assert_eq!(config.writemap, None);
    assert!(config.write_map());
    let always = ServerConfig::from_args(["--appendfsync", "always"])
        .unwrap()
        .unwrap();
    assert!(
        !always.write_map(),
        "the log's checkpoints and the map do not mix well"
    );
    let forced = ServerConfig::from_args(["--appendfsync", "always", "--writemap", "yes"])
        .unwrap()
        .unwrap();
    assert!(forced.write_map());
}

#[test]
fn every_flag() {
    let args = [
        "--port",
        "7001",
        "--bind",
        "0.0.0.0",
        "--dir",
        "/tmp/x",
        "--requirepass",
        "pw",
        "--databases",
        "4",
        "--maxclients",
        "50",
        "--appendfsync",
        "always",
        "--timeout",
        "30",
        "--loglevel",
        "debug",
        "--writemap",
        "no",
    ];
    let config = ServerConfig::from_args(args).unwrap().unwrap();
    let want = ServerConfig {
        port: 7001,
        bind: "0.0.0.0".to_owned(),
        dir: PathBuf::from("/tmp/x"),
        requirepass: Some("pw".to_owned()),
        databases: 4,
        maxclients: 50,
        appendfsync: AppendFsync::Always,
        timeout: 30,
        loglevel: LogLevel::Debug,
        writemap: Some(false),
    };
    assert_eq!(config, want);
    // `--flag=value` works too.
    let config = ServerConfig::from_args(["--port=7002", "--appendfsync=NO", "--loglevel=warning"])
        .unwrap()
        .unwrap();
    assert_eq!(config.port, 7002);
    assert_eq!(config.appendfsync, AppendFsync::No);
    assert_eq!(config.loglevel, LogLevel::Warning);
}

#[test]
fn help() {
    assert_eq!(ServerConfig::from_args(["--help"]).unwrap(), None);
    assert_eq!(
        ServerConfig::from_args(["--port", "1", "-h"]).unwrap(),
        None
    );
    for flag in [
        "--port",
        "--bind",
        "--dir",
        "--requirepass",
        "--databases",
        "--maxclients",
        "--appendfsync",
        "--timeout",
        "--loglevel",
        "--writemap",
        "--help",
    ] {
        assert!(HELP.contains(flag), "--help documents {flag}");
    }
}

#[test]
fn bad_flags() {
    let error = |args: &[&str]| ServerConfig::from_args(args.iter().copied()).unwrap_err();
    assert_eq!(error(&["--port"]), "--port needs a value");
    assert_eq!(error(&["--port", "x"]), "--port takes a number, not \"x\"");
    assert_eq!(
        error(&["--port", "65536"]),
        "--port takes a number, not \"65536\""
    );
    assert_eq!(error(&["--nope"]), "unknown option \"--nope\" (see --help)");
    assert_eq!(
        error(&["--appendfsync", "sometimes"]),
        "--appendfsync must be always, everysec or no, not \"sometimes\""
    );
    assert_eq!(
        error(&["--loglevel", "loud"]),
        "--loglevel must be debug, verbose, notice or warning, not \"loud\""
    );
    assert_eq!(
        error(&["--writemap", "maybe"]),
        "--writemap must be yes or no, not \"maybe\""
    );
    assert_eq!(
        error(&["--databases", "0"]),
        "--databases must be between 1 and 256"
    );
    assert_eq!(
        error(&["--maxclients", "0"]),
        "--maxclients must be at least 1"
    );
    assert_eq!(
        error(&["--timeout", "-1"]),
        "--timeout takes a number, not \"-1\""
    );
}

#[test]
fn appendfsync_maps_to_durability() {
    assert_eq!(AppendFsync::Always.durability(), Durability::WriteAheadLog);
    assert_eq!(
        AppendFsync::Everysec.durability(),
        Durability::Periodic(Duration::from_secs(1))
    );
    assert_eq!(AppendFsync::No.durability(), Durability::Off);
    // An empty --requirepass means no password, as Redis's `requirepass ""`.
    let config = ServerConfig::from_args(["--requirepass", ""])
        .unwrap()
        .unwrap();
    assert_eq!(config.requirepass, None);
}
