//! Feeds arbitrary bytes to the RESP request parser and runs every command it yields on a
//! `Session` over a temporary store (emptied at the start of each input), encoding each reply
//! in RESP2 and RESP3. Nothing may panic; error replies must carry an error code.
#![no_main]

use std::sync::{Arc, Mutex, OnceLock};

use keyp::resp::{lookup, parse_request, Handler, Parsed, Protocol, PushSink, Session, Shared};
use keyp::{Bytes, Durability, StoreOptions};
use libfuzzer_sys::fuzz_target;

struct Fixture {
    session: Session,
    _dir: tempfile::TempDir,
}

fn fixture() -> &'static Mutex<Fixture> {
    static FIXTURE: OnceLock<Mutex<Fixture>> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = StoreOptions::new()
            .map_size(256 << 20)
            .durability(Durability::Off)
            .open(dir.path())
            .expect("store");
        let shared = Shared::new(store).expect("shared");
        let push: PushSink = Arc::new(|_: &[u8]| {});
        Mutex::new(Fixture {
            session: Session::new(shared, push),
            _dir: dir,
        })
    })
}

/// Commands left out: those that block (a timeout of 0 waits forever) or stop the server, and
/// writes that would allocate hundreds of megabytes (a far offset), which only slow the fuzzer.
fn skip(args: &[Bytes]) -> bool {
    let Some(spec) = args.first().and_then(|name| lookup(name)) else {
        return false;
    };
    if matches!(spec.handler, Handler::Blocking { .. })
        || matches!(spec.name, "shutdown" | "debug" | "save" | "bgsave" | "quit")
    {
        return true;
    }
    let far = |arg: &Bytes| {
        let digits = arg.strip_prefix(b"#").unwrap_or(arg);
        std::str::from_utf8(digits)
            .ok()
            .and_then(|s| s.parse::<i64>().ok())
            .is_some_and(|n| n > 1 << 20)
    };
    matches!(spec.name, "setrange" | "setbit" | "bitfield") && args.iter().skip(2).any(far)
}

fuzz_target!(|data: &[u8]| {
    let mut guard = fixture().lock().unwrap_or_else(|e| e.into_inner());
    let session = &mut guard.session;
    session.execute(&[Bytes::from("SELECT"), Bytes::from("0")]);
    session.execute(&[Bytes::from("FLUSHALL")]);
    let mut buf = data;
    for _ in 0..64 {
        match parse_request(buf) {
            Ok(Parsed::Incomplete) | Err(_) => break,
            Ok(Parsed::Empty { consumed }) => {
                assert!(consumed > 0 && consumed <= buf.len());
                buf = &buf[consumed..];
            }
            Ok(Parsed::Command { args, consumed }) => {
                assert!(consumed > 0 && consumed <= buf.len());
                buf = &buf[consumed..];
                if skip(&args) {
                    continue;
                }
                let reply = session.execute(&args);
                for protocol in [Protocol::Resp2, Protocol::Resp3] {
                    let bytes = reply.to_bytes(protocol);
                    assert!(bytes.ends_with(b"\r\n"));
                    if bytes.first() == Some(&b'-') {
                        let code = bytes[1..].split(|b| *b == b' ').next().unwrap_or_default();
                        assert!(
                            !code.is_empty() && code.iter().all(u8::is_ascii_uppercase),
                            "error reply without a code: {:?}",
                            String::from_utf8_lossy(&bytes)
                        );
                    }
                }
            }
        }
    }
});
