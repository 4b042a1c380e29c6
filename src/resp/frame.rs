//! Requests as clients send them: RESP multibulk arrays (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) and
//! inline commands (`GET k\r\n`, what `telnet` sends), parsed from a byte buffer with Redis's
//! limits and protocol error texts. No I/O: the caller owns the buffer and the socket.

use bytes::Bytes;

/// The longest bulk string a request may carry (Redis's `proto-max-bulk-len`, 512 MB).
pub const MAX_BULK_LEN: usize = 512 * 1024 * 1024;
/// The most arguments a request may have (Redis's limit for a multibulk length).
pub const MAX_MULTIBULK_LEN: usize = 1024 * 1024;
/// The longest inline request, and the longest header line, Redis accepts (64 KiB).
pub const MAX_INLINE_LEN: usize = 64 * 1024;

/// A malformed request. The connection must reply with [`ProtocolError::reply_text`] and close:
/// there is no telling where the next request starts.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// A multibulk length that is not a number or out of range.
    #[error("ERR Protocol error: invalid multibulk length")]
    InvalidMultibulkLength,
    /// A bulk length that is not a number or out of range.
    #[error("ERR Protocol error: invalid bulk length")]
    InvalidBulkLength,
    /// An argument of a multibulk request that does not start with `$`.
    #[error("ERR Protocol error: expected '$', got '{0}'")]
    ExpectedBulk(char),
    /// A multibulk header line longer than [`MAX_INLINE_LEN`].
    #[error("ERR Protocol error: too big mbulk count string")]
    TooBigMultibulkCount,
    /// A bulk header line longer than [`MAX_INLINE_LEN`].
    #[error("ERR Protocol error: too big bulk count string")]
    TooBigBulkCount,
    /// An inline request longer than [`MAX_INLINE_LEN`].
    #[error("ERR Protocol error: too big inline request")]
    TooBigInline,
    /// An inline request with an unterminated quote.
    #[error("ERR Protocol error: unbalanced quotes in request")]
    UnbalancedQuotes,
}

impl ProtocolError {
    /// The error reply text (Redis's).
    pub fn reply_text(&self) -> String {
        self.to_string()
    }
}

/// What [`parse_request`] found at the start of the buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed {
    /// Not a whole request yet: read more bytes and call again.
    Incomplete,
    /// A request of `consumed` bytes that holds no command (an empty line, `*0`): skip it.
    Empty {
        /// Bytes to drop from the buffer.
        consumed: usize,
    },
    /// A command: its arguments (the name first) and the bytes it took.
    Command {
        /// The arguments, the command name first.
        args: Vec<Bytes>,
        /// Bytes to drop from the buffer.
        consumed: usize,
    },
}

/// Parses the request at the start of `buf`.
///
/// ```
/// use keyp::resp::{parse_request, Parsed};
///
/// let parsed = parse_request(b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\n").unwrap();
/// let Parsed::Command { args, consumed } = parsed else { panic!() };
/// assert_eq!(args, ["GET", "k"]);
/// assert_eq!(consumed, 20);
/// ```
///
/// # Errors
/// A [`ProtocolError`] for a malformed request (Redis's texts).
pub fn parse_request(buf: &[u8]) -> Result<Parsed, ProtocolError> {
    match buf.first() {
        None => Ok(Parsed::Incomplete),
        Some(b'*') => parse_multibulk(buf),
        Some(_) => parse_inline(buf),
    }
}

/// The line starting at `from` (without its `\r\n`) and the offset after it, or `None` if the
/// buffer holds no `\r\n` yet.
fn crlf_line(buf: &[u8], from: usize) -> Option<(&[u8], usize)> {
    let rest = buf.get(from..)?;
    let end = rest.windows(2).position(|w| w == b"\r\n")?;
    Some((&rest[..end], from + end + 2))
}

/// A decimal length as Redis's `string2ll` reads it (optional `-`, digits, no spaces).
fn parse_len(text: &[u8]) -> Option<i64> {
    std::str::from_utf8(text)
        .ok()?
        .parse::<i64>()
        .ok()
        .filter(|_| {
            !text.is_empty()
                && text
                    .iter()
                    .enumerate()
                    .all(|(i, &b)| b.is_ascii_digit() || (i == 0 && b == b'-'))
        })
}

fn parse_multibulk(buf: &[u8]) -> Result<Parsed, ProtocolError> {
    let Some((header, mut pos)) = crlf_line(buf, 1) else {
        if buf.len() > MAX_INLINE_LEN {
            return Err(ProtocolError::TooBigMultibulkCount);
        }
        return Ok(Parsed::Incomplete);
    };
    let count = parse_len(header).ok_or(ProtocolError::InvalidMultibulkLength)?;
    if count > MAX_MULTIBULK_LEN as i64 {
        return Err(ProtocolError::InvalidMultibulkLength);
    }
    if count <= 0 {
        return Ok(Parsed::Empty { consumed: pos });
    }
    let mut args = Vec::with_capacity((count as usize).min(1024));
    for _ in 0..count {
        match buf.get(pos) {
            None => return Ok(Parsed::Incomplete),
            Some(b'$') => {}
            Some(&other) => return Err(ProtocolError::ExpectedBulk(other as char)),
        }
        let Some((header, data)) = crlf_line(buf, pos + 1) else {
            if buf.len() - pos > MAX_INLINE_LEN {
                return Err(ProtocolError::TooBigBulkCount);
            }
            return Ok(Parsed::Incomplete);
        };
        let len = parse_len(header)
            .filter(|len| (0..=MAX_BULK_LEN as i64).contains(len))
            .ok_or(ProtocolError::InvalidBulkLength)? as usize;
        let end = data + len;
        if buf.len() < end + 2 {
            return Ok(Parsed::Incomplete);
        }
        // Redis takes the two bytes after the data as the terminator without checking them.
        args.push(Bytes::copy_from_slice(&buf[data..end]));
        pos = end + 2;
    }
    Ok(Parsed::Command {
        args,
        consumed: pos,
    })
}

fn parse_inline(buf: &[u8]) -> Result<Parsed, ProtocolError> {
    let Some(newline) = buf.iter().position(|&b| b == b'\n') else {
        if buf.len() > MAX_INLINE_LEN {
            return Err(ProtocolError::TooBigInline);
        }
        return Ok(Parsed::Incomplete);
    };
    let mut line = &buf[..newline];
    if let Some(stripped) = line.strip_suffix(b"\r") {
        line = stripped;
    }
    let args = split_args(line).ok_or(ProtocolError::UnbalancedQuotes)?;
    let consumed = newline + 1;
    if args.is_empty() {
        return Ok(Parsed::Empty { consumed });
    }
    Ok(Parsed::Command {
        args: args.into_iter().map(Bytes::from).collect(),
        consumed,
    })
}

fn hex_value(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Splits an inline request into arguments as Redis's `sdssplitargs` does: whitespace
/// separates; `"..."` takes `\n \r \t \b \a \\ \" \xHH` escapes; `'...'` takes `\'`; a closing
/// quote must be followed by whitespace or the end. `None` for unbalanced quotes.
pub(crate) fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut args = Vec::new();
    let mut i = 0;
    loop {
        while line.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        if i >= line.len() {
            return Some(args);
        }
        let mut current = Vec::new();
        let (mut in_double, mut in_single) = (false, false);
        loop {
            let c = line.get(i).copied();
            if in_double {
                match c {
                    None => return None,
                    Some(b'\\') if line.get(i + 1) == Some(&b'x') => {
                        let hex = line.get(i + 2).copied().and_then(hex_value);
                        let lo = line.get(i + 3).copied().and_then(hex_value);
                        if let (Some(h), Some(l)) = (hex, lo) {
                            current.push(h * 16 + l);
                            i += 3;
                        } else {
                            current.push(b'\\');
                        }
                    }
                    Some(b'\\') if i + 1 < line.len() => {
                        i += 1;
                        current.push(match line[i] {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => 8,
                            b'a' => 7,
                            other => other,
                        });
                    }
                    Some(b'"') => {
                        if line.get(i + 1).is_some_and(|b| !b.is_ascii_whitespace()) {
                            return None;
                        }
                        in_double = false;
                        i += 1;
                        break;
                    }
                    Some(other) => current.push(other),
                }
            } else if in_single {
                match c {
                    None => return None,
                    Some(b'\\') if line.get(i + 1) == Some(&b'\'') => {
                        i += 1;
                        current.push(b'\'');
                    }
                    Some(b'\'') => {
                        if line.get(i + 1).is_some_and(|b| !b.is_ascii_whitespace()) {
                            return None;
                        }
                        in_single = false;
                        i += 1;
                        break;
                    }
                    Some(other) => current.push(other),
                }
            } else {
                match c {
                    None => break,
                    Some(b) if b.is_ascii_whitespace() => break,
                    Some(b'"') => in_double = true,
                    Some(b'\'') => in_single = true,
                    Some(other) => current.push(other),
                }
            }
            i += 1;
        }
        debug_assert!(!in_double && !in_single);
        args.push(current);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(buf: &[u8]) -> (Vec<Bytes>, usize) {
        match parse_request(buf).unwrap() {
            Parsed::Command { args, consumed } => (args, consumed),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn multibulk_requests() {
        let (args, used) = command(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\nextra");
        assert_eq!(args, ["SET", "k", ""]);
        assert_eq!(used, 26);
        assert_eq!(parse_request(b"*0\r\n"), Ok(Parsed::Empty { consumed: 4 }));
        assert_eq!(parse_request(b"*-1\r\n"), Ok(Parsed::Empty { consumed: 5 }));
        for partial in [
            &b"*2\r\n$3\r\nGET\r\n"[..],
            b"*2\r\n$3\r\nGE",
            b"*2",
            b"*1\r\n$3\r\nGET\r",
        ] {
            assert_eq!(
                parse_request(partial),
                Ok(Parsed::Incomplete),
                "{partial:?}"
            );
        }
    }

    #[test]
    fn multibulk_errors() {
        assert_eq!(
            parse_request(b"*x\r\n"),
            Err(ProtocolError::InvalidMultibulkLength)
        );
        assert_eq!(
            parse_request(b"*1048577\r\n"),
            Err(ProtocolError::InvalidMultibulkLength)
        );
        assert_eq!(
            parse_request(b"*1\r\n+GET\r\n"),
            Err(ProtocolError::ExpectedBulk('+'))
        );
        assert_eq!(
            parse_request(b"*1\r\n$-1\r\n"),
            Err(ProtocolError::InvalidBulkLength)
        );
        assert_eq!(
            parse_request(b"*1\r\n$536870913\r\n"),
            Err(ProtocolError::InvalidBulkLength)
        );
        assert_eq!(
            ProtocolError::ExpectedBulk('+').to_string(),
            "ERR Protocol error: expected '$', got '+'"
        );
    }

    #[test]
    fn inline_requests() {
        let (args, used) = command(b"SET k \"a b\\x41\\n\" 'it\\'s'\r\nPING\r\n");
        assert_eq!(args, [&b"SET"[..], b"k", b"a bA\n", b"it's"]);
        assert_eq!(used, 27);
        assert_eq!(command(b"PING\n"), (vec![Bytes::from("PING")], 5));
        assert_eq!(parse_request(b"  \r\n"), Ok(Parsed::Empty { consumed: 4 }));
        assert_eq!(parse_request(b"PING"), Ok(Parsed::Incomplete));
        assert_eq!(
            parse_request(b"SET \"a\r\n"),
            Err(ProtocolError::UnbalancedQuotes)
        );
        assert_eq!(
            parse_request(b"SET \"a\"b\r\n"),
            Err(ProtocolError::UnbalancedQuotes)
        );
        assert_eq!(
            parse_request(&vec![b'a'; MAX_INLINE_LEN + 1]),
            Err(ProtocolError::TooBigInline)
        );
    }
}
