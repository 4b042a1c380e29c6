//! Replies before encoding, and their encoding in RESP2 or RESP3.

use bytes::Bytes;

use crate::types::zset::format_score;

/// The protocol version a connection speaks (HELLO switches it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Protocol {
    /// RESP2, every connection's start.
    #[default]
    Resp2,
    /// RESP3.
    Resp3,
}

/// One reply. Types RESP2 lacks are encoded as Redis encodes them for RESP2: a map as a flat
/// array, a set as an array, a double as a bulk string, a boolean as an integer, null as a nil
/// bulk string (or a nil array for [`Reply::NilArray`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// `+OK`-style status.
    Simple(String),
    /// An error reply: the full text, starting with its code (`ERR ...`, `WRONGTYPE ...`).
    Error(String),
    /// An integer.
    Int(i64),
    /// A bulk string.
    Bulk(Bytes),
    /// Null: RESP2's nil bulk string `$-1`.
    Nil,
    /// Null: RESP2's nil array `*-1`.
    NilArray,
    /// An array.
    Array(Vec<Reply>),
    /// A map (RESP3); a flat array of keys and values in RESP2.
    Map(Vec<(Reply, Reply)>),
    /// A set (RESP3); an array in RESP2.
    Set(Vec<Reply>),
    /// A double (RESP3); a bulk string in RESP2, formatted as Redis formats scores.
    Double(f64),
    /// A boolean (RESP3); the integer 1 or 0 in RESP2.
    Bool(bool),
    /// An out-of-band push (RESP3, pub/sub messages); an array in RESP2.
    Push(Vec<Reply>),
    /// A verbatim string with its 3-letter format (RESP3, `txt`); a bulk string in RESP2.
    Verbatim(&'static str, Bytes),
}

impl Reply {
    /// `+OK`.
    pub fn ok() -> Reply {
        Reply::Simple("OK".to_owned())
    }

    /// A bulk string copied from `bytes`.
    pub fn bulk(bytes: impl AsRef<[u8]>) -> Reply {
        Reply::Bulk(Bytes::copy_from_slice(bytes.as_ref()))
    }

    /// A bulk string, or nil for `None`.
    pub fn opt_bulk(value: Option<Bytes>) -> Reply {
        value.map_or(Reply::Nil, Reply::Bulk)
    }

    /// An integer from an unsigned count (saturating at `i64::MAX`).
    pub fn count(n: u64) -> Reply {
        Reply::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }

    /// An array of bulk strings copied from `items`.
    pub fn bulks<B: AsRef<[u8]>>(items: impl IntoIterator<Item = B>) -> Reply {
        Reply::Array(items.into_iter().map(Reply::bulk).collect())
    }

    /// An array of bulk strings that takes `items` as they are (moved, not copied).
    pub fn owned_bulks(items: impl IntoIterator<Item = Bytes>) -> Reply {
        Reply::Array(items.into_iter().map(Reply::Bulk).collect())
    }

    /// Whether this is an error reply.
    pub fn is_error(&self) -> bool {
        matches!(self, Reply::Error(_))
    }

    /// Appends the encoding of this reply in `protocol` to `out`.
    pub fn encode(&self, protocol: Protocol, out: &mut Vec<u8>) {
        let resp3 = protocol == Protocol::Resp3;
        match self {
            Reply::Simple(s) => line(out, b'+', s.as_bytes()),
            Reply::Error(e) => line(out, b'-', e.as_bytes()),
            Reply::Int(n) => int_line(out, b':', *n),
            Reply::Bulk(b) => bulk(out, b),
            Reply::Nil if resp3 => out.extend_from_slice(b"_\r\n"),
            Reply::Nil => out.extend_from_slice(b"$-1\r\n"),
            Reply::NilArray if resp3 => out.extend_from_slice(b"_\r\n"),
            Reply::NilArray => out.extend_from_slice(b"*-1\r\n"),
            Reply::Array(items) => aggregate(out, b'*', items, protocol),
            Reply::Set(items) => aggregate(out, if resp3 { b'~' } else { b'*' }, items, protocol),
            Reply::Push(items) => aggregate(out, if resp3 { b'>' } else { b'*' }, items, protocol),
            Reply::Map(pairs) => {
                if resp3 {
                    len_line(out, b'%', pairs.len());
                } else {
                    len_line(out, b'*', pairs.len() * 2);
                }
                for (k, v) in pairs {
                    k.encode(protocol, out);
                    v.encode(protocol, out);
                }
            }
            Reply::Double(d) => {
                let text = format_double(*d);
                if resp3 {
                    line(out, b',', text.as_bytes());
                } else {
                    bulk(out, text.as_bytes());
                }
            }
            Reply::Bool(b) if resp3 => {
                out.extend_from_slice(if *b { b"#t\r\n" } else { b"#f\r\n" })
            }
            Reply::Bool(b) => line(out, b':', if *b { b"1" } else { b"0" }),
            Reply::Verbatim(format, text) if resp3 => {
                len_line(out, b'=', text.len() + 4);
                out.extend_from_slice(format.as_bytes());
                out.push(b':');
                out.extend_from_slice(text);
                out.extend_from_slice(b"\r\n");
            }
            Reply::Verbatim(_, text) => bulk(out, text),
        }
    }

    /// The encoding of this reply in `protocol`.
    pub fn to_bytes(&self, protocol: Protocol) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(protocol, &mut out);
        out
    }
}

impl From<crate::Error> for Reply {
    fn from(e: crate::Error) -> Reply {
        Reply::Error(e.to_string())
    }
}

/// A double as Redis 7.0 writes one (`inf`, `-inf`, `nan`, else `%.17g`).
fn format_double(d: f64) -> String {
    if d.is_nan() {
        "nan".to_owned()
    } else {
        format_score(d)
    }
}

fn line(out: &mut Vec<u8>, kind: u8, text: &[u8]) {
    out.push(kind);
    out.extend_from_slice(text);
    out.extend_from_slice(b"\r\n");
}

/// `kind`, `n` in decimal and CRLF, formatted on the stack (every bulk string and aggregate
/// has such a length line: no allocation for it).
fn int_line(out: &mut Vec<u8>, kind: u8, n: i64) {
    out.push(kind);
    if n < 0 {
        out.push(b'-');
    }
    push_decimal(out, n.unsigned_abs());
    out.extend_from_slice(b"\r\n");
}

fn len_line(out: &mut Vec<u8>, kind: u8, len: usize) {
    out.push(kind);
    push_decimal(out, len as u64);
    out.extend_from_slice(b"\r\n");
}

fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    // u64::MAX has 20 digits.
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        start -= 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(digits.get(start..).unwrap_or_default());
}

fn bulk(out: &mut Vec<u8>, bytes: &[u8]) {
    len_line(out, b'$', bytes.len());
    out.extend_from_slice(bytes);
    out.extend_from_slice(b"\r\n");
}

fn aggregate(out: &mut Vec<u8>, kind: u8, items: &[Reply], protocol: Protocol) {
    len_line(out, kind, items.len());
    for item in items {
        item.encode(protocol, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(reply: Reply) -> (String, String) {
        let text = |p| String::from_utf8(reply.to_bytes(p)).unwrap();
        (text(Protocol::Resp2), text(Protocol::Resp3))
    }

    #[test]
    fn resp2_and_resp3_encodings() {
        assert_eq!(both(Reply::ok()), ("+OK\r\n".into(), "+OK\r\n".into()));
        assert_eq!(both(Reply::Nil), ("$-1\r\n".into(), "_\r\n".into()));
        assert_eq!(both(Reply::NilArray), ("*-1\r\n".into(), "_\r\n".into()));
        assert_eq!(both(Reply::Int(-3)), (":-3\r\n".into(), ":-3\r\n".into()));
        for n in [0, 7, 10, 99, 1234567890, i64::MAX, i64::MIN, -1, -10] {
            let want = format!(":{n}\r\n");
            assert_eq!(both(Reply::Int(n)), (want.clone(), want));
        }
        let long = Reply::bulk(vec![b'x'; 12345]);
        assert!(long.to_bytes(Protocol::Resp2).starts_with(b"$12345\r\nxx"));
        assert_eq!(
            both(Reply::bulk("")),
            ("$0\r\n\r\n".into(), "$0\r\n\r\n".into())
        );
        let map = Reply::Map(vec![(Reply::bulk("a"), Reply::Int(1))]);
        assert_eq!(
            both(map),
            (
                "*2\r\n$1\r\na\r\n:1\r\n".into(),
                "%1\r\n$1\r\na\r\n:1\r\n".into()
            )
        );
        assert_eq!(
            both(Reply::Double(1.5)),
            ("$3\r\n1.5\r\n".into(), ",1.5\r\n".into())
        );
        assert_eq!(
            both(Reply::Double(f64::INFINITY)),
            ("$3\r\ninf\r\n".into(), ",inf\r\n".into())
        );
        assert_eq!(both(Reply::Bool(true)), (":1\r\n".into(), "#t\r\n".into()));
        let push = Reply::Push(vec![Reply::bulk("message")]);
        assert_eq!(
            both(push),
            (
                "*1\r\n$7\r\nmessage\r\n".into(),
                ">1\r\n$7\r\nmessage\r\n".into()
            )
        );
        let verbatim = Reply::Verbatim("txt", Bytes::from_static(b"hi"));
        assert_eq!(
            both(verbatim),
            ("$2\r\nhi\r\n".into(), "=6\r\ntxt:hi\r\n".into())
        );
    }
}
