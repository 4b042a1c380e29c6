//! Helpers of the differential test: a `redis-server` child process, a RESP2 reply parser,
//! keyp in-process, and the comparison of their replies.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use keyp::resp::{Protocol, PushSink, Session, Shared};
use keyp::{Bytes, Durability, StoreOptions};

pub mod generator;

/// One RESP2 reply, parsed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Frame {
    /// `+...`
    Simple(String),
    /// `-...`
    Error(String),
    /// `:n`
    Int(i64),
    /// `$n` (None: `$-1`)
    Bulk(Option<Vec<u8>>),
    /// `*n` (None: `*-1`)
    Array(Option<Vec<Frame>>),
}

impl std::fmt::Display for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Frame::Simple(s) => write!(f, "+{s}"),
            Frame::Error(s) => write!(f, "-{s}"),
            Frame::Int(n) => write!(f, ":{n}"),
            Frame::Bulk(None) => write!(f, "(nil)"),
            Frame::Bulk(Some(b)) => write!(f, "{:?}", String::from_utf8_lossy(b)),
            Frame::Array(None) => write!(f, "(nil array)"),
            Frame::Array(Some(items)) => {
                write!(f, "[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{item}")?;
                }
                write!(f, "]")
            }
        }
    }
}

/// Parses one frame from the start of `buf`: the frame and the bytes it took, or `None` if
/// `buf` holds only part of one. Panics on bytes that are not RESP2 (a test failure).
pub fn parse_frame(buf: &[u8]) -> Option<(Frame, usize)> {
    let end = buf.windows(2).position(|w| w == b"\r\n")?;
    let line = std::str::from_utf8(&buf[1..end]).expect("utf-8 header line");
    let after = end + 2;
    match buf.first()? {
        b'+' => Some((Frame::Simple(line.to_owned()), after)),
        b'-' => Some((Frame::Error(line.to_owned()), after)),
        b':' => Some((Frame::Int(line.parse().expect("integer")), after)),
        b'$' => {
            let len: i64 = line.parse().expect("bulk length");
            if len < 0 {
                return Some((Frame::Bulk(None), after));
            }
            let len = len as usize;
            if buf.len() < after + len + 2 {
                return None;
            }
            let body = buf[after..after + len].to_vec();
            Some((Frame::Bulk(Some(body)), after + len + 2))
        }
        b'*' => {
            let n: i64 = line.parse().expect("array length");
            if n < 0 {
                return Some((Frame::Array(None), after));
            }
            let mut items = Vec::new();
            let mut at = after;
            for _ in 0..n {
                let (item, used) = parse_frame(&buf[at..])?;
                items.push(item);
                at += used;
            }
            Some((Frame::Array(Some(items)), at))
        }
        other => panic!("not a RESP2 reply: {:?}", *other as char),
    }
}

/// Encodes a command as a RESP2 multibulk request.
pub fn encode_command(args: &[Vec<u8>]) -> Vec<u8> {
    keyp::resp::Reply::bulks(args).to_bytes(keyp::resp::Protocol::Resp2)
}

/// A `redis-server` started for the test on a free 127.0.0.1 port; killed (by its PID) on
/// drop.
pub struct RedisServer {
    child: Child,
    conn: TcpStream,
    buf: Vec<u8>,
    /// Its working directory, so nothing it writes lands in the source tree.
    _dir: tempfile::TempDir,
}

impl RedisServer {
    /// Starts `redis-server`, or returns `None` (with a printed notice) when it is not
    /// installed. Under CI (`CI` set) a missing binary is a failure, never a silent pass.
    pub fn start() -> Option<RedisServer> {
        let binary = std::env::var("REDIS_SERVER").unwrap_or_else(|_| "redis-server".to_owned());
        let found = Command::new(&binary)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !found {
            if std::env::var_os("CI").is_some() {
                panic!("differential test: `{binary}` not found, and CI is set");
            }
            eprintln!("NOTICE: differential test skipped: `{binary}` is not installed");
            return None;
        }
        // A few tries: another process (another test's server, say) may take the port
        // between probe and start, and then answer, or close, on it.
        'tries: for _ in 0..10 {
            let dir = tempfile::tempdir().expect("temporary directory");
            let port = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port();
            let mut child = Command::new(&binary)
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
                .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
                .arg("--dir")
                .arg(dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn redis-server");
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    break; // exited: port taken, try another
                }
                if let Ok(conn) = TcpStream::connect(("127.0.0.1", port)) {
                    conn.set_nodelay(true).ok();
                    let mut server = RedisServer {
                        child,
                        conn,
                        buf: Vec::new(),
                        _dir: dir,
                    };
                    // Check it is our server answering; if not (or the connection fails),
                    // ours is stopped (by the drop) and another port tried.
                    let pid = format!("process_id:{}", server.child.id());
                    match server.try_call(&[b"INFO".to_vec(), b"server".to_vec()]) {
                        Ok(Frame::Bulk(Some(text)))
                            if String::from_utf8_lossy(&text).contains(&pid) =>
                        {
                            return Some(server);
                        }
                        _ => continue 'tries,
                    }
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("could not start redis-server");
    }

    /// Sends one command and reads its reply.
    pub fn call(&mut self, args: &[Vec<u8>]) -> Frame {
        self.try_call(args).expect("a reply from redis-server")
    }

    /// Sends one command and reads its reply, or the I/O error.
    fn try_call(&mut self, args: &[Vec<u8>]) -> std::io::Result<Frame> {
        self.conn.write_all(&encode_command(args))?;
        loop {
            if let Some((frame, used)) = parse_frame(&self.buf) {
                self.buf.drain(..used);
                return Ok(frame);
            }
            let mut chunk = [0u8; 65536];
            let n = self.conn.read(&mut chunk)?;
            if n == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "redis-server closed the connection",
                ));
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// keyp in-process: a store in a temporary directory and one session on it.
pub struct Keyp {
    session: Session,
    _shared: Arc<Shared>,
    _dir: tempfile::TempDir,
}

impl Keyp {
    /// A fresh store (16 databases, as Redis) and session.
    pub fn new() -> Keyp {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = StoreOptions::new()
            .durability(Durability::Off)
            .open(dir.path())
            .expect("open store");
        let shared = Shared::new(store).expect("shared");
        let push: PushSink = Arc::new(|_: &[u8]| {});
        let session = Session::new(shared.clone(), push);
        Keyp {
            session,
            _shared: shared,
            _dir: dir,
        }
    }

    /// Runs one command; its reply encoded in RESP2 and parsed back.
    pub fn call(&mut self, args: &[Vec<u8>]) -> Frame {
        let args: Vec<Bytes> = args.iter().map(|a| Bytes::copy_from_slice(a)).collect();
        let bytes = self.session.execute(&args).to_bytes(Protocol::Resp2);
        let (frame, used) = parse_frame(&bytes).expect("a whole reply");
        assert_eq!(used, bytes.len(), "trailing bytes after the reply");
        frame
    }
}

/// How two replies are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compare {
    /// Frame for frame.
    Exact,
    /// Arrays compared as multisets (hash-table order differs: KEYS, SMEMBERS...).
    Unordered,
    /// Only the kind of reply (a random or time-dependent value: RANDOMKEY, OBJECT IDLETIME).
    Shape,
    /// Integers within this distance (PTTL, TTL: the two servers' clocks run apart by the
    /// time between the two calls).
    Near(i64),
    /// A SCAN reply `[cursor, keys]`: both cursors 0 or both not, keys as a multiset.
    Scan,
    /// An array of field-value pairs (HGETALL) compared as a multiset of pairs.
    Pairs,
    /// An HSCAN or ZSCAN reply: as [`Compare::Scan`], the elements as a multiset of pairs.
    ScanPairs,
    /// Arrays by length only, anything else by [`Compare::Shape`] (random elements with a
    /// count: SRANDMEMBER, HRANDFIELD, ZRANDMEMBER, SPOP).
    Count,
    /// Exact but for idle times, which follow the clock: an integer after a bulk `idle` in a
    /// field list (XINFO CONSUMERS), and the third item of XPENDING's extended entries
    /// `[id, consumer, idle, deliveries]`.
    Idle,
}

fn shape(frame: &Frame) -> &'static str {
    match frame {
        Frame::Simple(_) => "simple",
        Frame::Error(_) => "error",
        Frame::Int(_) => "int",
        Frame::Bulk(None) => "nil",
        Frame::Bulk(Some(_)) => "bulk",
        Frame::Array(None) => "nil array",
        Frame::Array(Some(_)) => "array",
    }
}

fn sorted(frame: &Frame) -> Frame {
    match frame {
        Frame::Array(Some(items)) => {
            let mut items = items.clone();
            items.sort();
            Frame::Array(Some(items))
        }
        other => other.clone(),
    }
}

/// The items of a flat field-value array as sorted pairs (None: not such an array).
fn pairs(frame: &Frame) -> Option<Vec<(Frame, Frame)>> {
    let Frame::Array(Some(items)) = frame else {
        return None;
    };
    if items.len() % 2 != 0 {
        return None;
    }
    let mut pairs: Vec<(Frame, Frame)> = items
        .chunks(2)
        .map(|p| (p[0].clone(), p[1].clone()))
        .collect();
    pairs.sort();
    Some(pairs)
}

/// `frame` with its idle times zeroed (see [`Compare::Idle`]).
fn without_idle(frame: &Frame) -> Frame {
    let Frame::Array(Some(items)) = frame else {
        return frame.clone();
    };
    let mut items: Vec<Frame> = items.iter().map(without_idle).collect();
    for i in 1..items.len() {
        if items[i - 1] == Frame::Bulk(Some(b"idle".to_vec())) {
            if let Frame::Int(_) = items[i] {
                items[i] = Frame::Int(0);
            }
        }
    }
    if let [Frame::Bulk(Some(_)), Frame::Bulk(Some(_)), idle @ Frame::Int(_), Frame::Int(_)] =
        items.as_mut_slice()
    {
        *idle = Frame::Int(0);
    }
    Frame::Array(Some(items))
}

/// Whether keyp can run `name`.
pub fn available(name: &[u8]) -> bool {
    keyp::resp::lookup(name).is_some()
}

/// Whether `keyp` and `redis` agree under `how`.
pub fn agree(how: Compare, keyp: &Frame, redis: &Frame) -> bool {
    match how {
        Compare::Exact => keyp == redis,
        Compare::Unordered => sorted(keyp) == sorted(redis),
        Compare::Shape => match (keyp, redis) {
            (Frame::Error(a), Frame::Error(b)) => a == b,
            _ => shape(keyp) == shape(redis),
        },
        Compare::Scan => match (keyp, redis) {
            (Frame::Array(Some(a)), Frame::Array(Some(b))) if a.len() == 2 && b.len() == 2 => {
                let done = |f: &Frame| *f == Frame::Bulk(Some(b"0".to_vec()));
                done(&a[0]) == done(&b[0]) && sorted(&a[1]) == sorted(&b[1])
            }
            _ => keyp == redis,
        },
        Compare::Pairs => match (pairs(keyp), pairs(redis)) {
            (Some(a), Some(b)) => a == b,
            _ => keyp == redis,
        },
        Compare::ScanPairs => match (keyp, redis) {
            (Frame::Array(Some(a)), Frame::Array(Some(b))) if a.len() == 2 && b.len() == 2 => {
                let done = |f: &Frame| *f == Frame::Bulk(Some(b"0".to_vec()));
                done(&a[0]) == done(&b[0]) && pairs(&a[1]) == pairs(&b[1])
            }
            _ => keyp == redis,
        },
        Compare::Count => match (keyp, redis) {
            (Frame::Array(Some(a)), Frame::Array(Some(b))) => a.len() == b.len(),
            _ => agree(Compare::Shape, keyp, redis),
        },
        Compare::Idle => without_idle(keyp) == without_idle(redis),
        Compare::Near(tolerance) => match (keyp, redis) {
            (Frame::Int(a), Frame::Int(b)) => (a - b).abs() <= tolerance && (*a < 0) == (*b < 0),
            _ => keyp == redis,
        },
    }
}

/// Both sides, fed the same commands.
pub struct Pair {
    /// The real server.
    pub redis: RedisServer,
    /// keyp.
    pub keyp: Keyp,
    /// Every command sent so far, for the failure message.
    pub log: Vec<String>,
}

/// A command as text, for messages.
pub fn show(args: &[Vec<u8>]) -> String {
    args.iter()
        .map(|a| {
            let s = String::from_utf8_lossy(a);
            if a.is_empty() || s.contains(' ') || a.len() > 40 {
                format!(
                    "{:?}",
                    if a.len() > 40 {
                        format!("<{} bytes>", a.len())
                    } else {
                        s.into_owned()
                    }
                )
            } else {
                s.into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Pair {
    /// Starts both, or `None` when redis-server is not installed (outside CI).
    pub fn start() -> Option<Pair> {
        Some(Pair {
            redis: RedisServer::start()?,
            keyp: Keyp::new(),
            log: Vec::new(),
        })
    }

    /// Sends `args` to both and compares the replies under `how`; panics with the history
    /// on a difference.
    pub fn check(&mut self, how: Compare, args: &[Vec<u8>]) -> Frame {
        self.log.push(show(args));
        let theirs = self.redis.call(args);
        let ours = self.keyp.call(args);
        if !agree(how, &ours, &theirs) {
            // DIFF_HISTORY: how many earlier commands to show (60).
            let shown = std::env::var("DIFF_HISTORY")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(60);
            let history: Vec<&String> = self.log.iter().rev().take(shown).collect();
            panic!(
                "replies differ ({how:?}) for `{}`\n  redis: {theirs}\n  keyp:  {ours}\nlast commands (newest first):\n  {}",
                show(args),
                history
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("\n  ")
            );
        }
        theirs
    }

    /// [`check`](Self::check) with [`Compare::Exact`] of a command given as text (split on
    /// spaces).
    pub fn exact(&mut self, line: &str) -> Frame {
        self.check(Compare::Exact, &words(line))
    }

    /// Empties every database of both.
    pub fn reset(&mut self) {
        self.exact("FLUSHALL");
        self.exact("SELECT 0");
    }
}

/// Splits a command line on spaces; `''` is an empty argument.
pub fn words(line: &str) -> Vec<Vec<u8>> {
    line.split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w == "''" {
                Vec::new()
            } else {
                w.as_bytes().to_vec()
            }
        })
        .collect()
}
