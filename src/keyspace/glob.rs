//! Redis's glob-style pattern matching (`stringmatchlen` in Redis's `util.c`), as KEYS, SCAN's
//! MATCH and, later, the other pattern-taking commands use it.
//!
//! The semantics are Redis's to the byte, including the corners:
//! - `*` matches any run of bytes, `?` any one byte, `\x` the byte `x`;
//! - `[abc]`, `[^abc]`, `[a-z]`; a reversed range `[z-a]` is the same as `[a-z]`; `\` escapes
//!   inside a class too;
//! - range ends compare as C `char`s, which are signed on the platforms Redis runs on: a byte
//!   of 0x80 or more sorts *below* 0, so `[a-\xff]` is the range -1..=97;
//! - an unterminated class (`[abc` at the end of the pattern) matches as if it were closed
//!   there; `[` alone matches nothing and `[^` any one byte;
//! - a pattern never matches the empty string unless it is itself empty (KEYS and SCAN treat
//!   the pattern `*` as "everything" before matching, which is how the empty key shows up);
//! - more than 1000 nested `*` make a pattern match nothing (Redis's guard against abusive
//!   patterns, which here also bounds the recursion depth).

/// Nesting depth of `*` recursion beyond which a pattern matches nothing, as in Redis.
const MAX_NESTING: u32 = 1000;

/// True when `string` matches the glob `pattern`, case-sensitively.
pub(crate) fn glob_match(pattern: &[u8], string: &[u8]) -> bool {
    let mut skip_longer = false;
    match_from(pattern, string, false, &mut skip_longer, 0)
}

/// True when `string` matches the glob `pattern`, ignoring ASCII case (Redis's `nocase`).
#[allow(dead_code)] // For the case-insensitive users of Redis's matcher (CONFIG GET, ...).
pub(crate) fn glob_match_nocase(pattern: &[u8], string: &[u8]) -> bool {
    let mut skip_longer = false;
    match_from(pattern, string, true, &mut skip_longer, 0)
}

/// A byte as a C `char` on x86 and ARM Linux builds of Redis compares in a range: signed.
fn as_c_char(byte: u8, nocase: bool) -> i32 {
    let byte = if nocase {
        byte.to_ascii_lowercase()
    } else {
        byte
    };
    i32::from(byte as i8)
}

fn same_byte(a: u8, b: u8, nocase: bool) -> bool {
    if nocase {
        a.eq_ignore_ascii_case(&b)
    } else {
        a == b
    }
}

/// The matcher. `skip_longer` is set once the rest of a pattern after a `*` matched nowhere in
/// the remaining string: then no earlier `*` can help by matching more, which keeps patterns
/// like `*a*a*a*b` from taking exponential time.
fn match_from(
    pattern: &[u8],
    string: &[u8],
    nocase: bool,
    skip_longer: &mut bool,
    nesting: u32,
) -> bool {
    if nesting > MAX_NESTING {
        return false;
    }
    let (mut p, mut s) = (0usize, 0usize);
    while let (Some(&token), Some(&byte)) = (pattern.get(p), string.get(s)) {
        match token {
            b'*' => {
                while pattern.get(p + 1) == Some(&b'*') {
                    p += 1;
                }
                if p + 1 == pattern.len() {
                    return true;
                }
                let rest = pattern.get(p + 1..).unwrap_or_default();
                while let Some(tail) = string.get(s..).filter(|t| !t.is_empty()) {
                    if match_from(rest, tail, nocase, skip_longer, nesting + 1) {
                        return true;
                    }
                    if *skip_longer {
                        return false;
                    }
                    s += 1;
                }
                *skip_longer = true;
                return false;
            }
            b'?' => s += 1,
            b'[' => {
                let (matched, end) = match_class(pattern, p + 1, byte, nocase);
                if !matched {
                    return false;
                }
                p = end;
                s += 1;
            }
            b'\\' => {
                if pattern.len() - p >= 2 {
                    p += 1;
                }
                if !pattern.get(p).is_some_and(|&c| same_byte(c, byte, nocase)) {
                    return false;
                }
                s += 1;
            }
            literal => {
                if !same_byte(literal, byte, nocase) {
                    return false;
                }
                s += 1;
            }
        }
        p += 1;
        if s == string.len() {
            while pattern.get(p) == Some(&b'*') {
                p += 1;
            }
            break;
        }
    }
    p == pattern.len() && s == string.len()
}

/// Matches `byte` against the class whose body starts at `pattern[start]` (just after `[`).
/// Returns whether it matched and the index of the class's last pattern byte: its `]`, or for
/// an unterminated class the pattern's last byte.
fn match_class(pattern: &[u8], start: usize, byte: u8, nocase: bool) -> (bool, usize) {
    let mut p = start;
    let negated = pattern.get(p) == Some(&b'^');
    if negated {
        p += 1;
    }
    let mut matched = false;
    loop {
        let left = pattern.len().saturating_sub(p);
        let Some(&token) = pattern.get(p) else {
            // Ran off the end: the class ends with the pattern. Step back so the caller's
            // advance past "the closing byte" lands exactly on the end.
            p = p.saturating_sub(1);
            break;
        };
        if token == b'\\' && left >= 2 {
            p += 1;
            if pattern.get(p) == Some(&byte) {
                matched = true;
            }
        } else if token == b']' {
            break;
        } else if left >= 3 && pattern.get(p + 1) == Some(&b'-') {
            let mut low = as_c_char(token, nocase);
            let mut high = as_c_char(pattern.get(p + 2).copied().unwrap_or(0), nocase);
            if low > high {
                std::mem::swap(&mut low, &mut high);
            }
            let c = as_c_char(byte, nocase);
            if low <= c && c <= high {
                matched = true;
            }
            p += 2;
        } else if same_byte(token, byte, nocase) {
            matched = true;
        }
        p += 1;
    }
    (matched != negated, p)
}

#[cfg(test)]
mod tests {
    use super::{glob_match, glob_match_nocase};

    fn matches(pattern: &[u8], string: &[u8]) -> bool {
        glob_match(pattern, string)
    }

    #[test]
    fn literals_and_wildcards() {
        assert!(matches(b"", b""));
        assert!(!matches(b"", b"a"));
        assert!(matches(b"abc", b"abc"));
        assert!(!matches(b"abc", b"abd"));
        assert!(!matches(b"abc", b"ab"));
        assert!(!matches(b"ab", b"abc"));
        assert!(matches(b"a?c", b"abc"));
        assert!(!matches(b"a?c", b"ac"));
        assert!(matches(b"???", b"\x00\xff\x80"));
        assert!(matches(b"*", b"anything"));
        assert!(matches(b"a*", b"a"));
        assert!(matches(b"a*", b"abc"));
        assert!(matches(b"*c", b"abc"));
        assert!(matches(b"a*c", b"ac"));
        assert!(matches(b"a*c", b"abbbc"));
        assert!(!matches(b"a*c", b"abbb"));
        assert!(matches(b"a**c", b"abc"));
        assert!(matches(b"*a*b*", b"xxaxxbxx"));
        assert!(!matches(b"*a*b*", b"xxbxxaxx"));
        assert!(matches(b"user:*:name", b"user:42:name"));
        assert!(matches(b"a*b*c", b"abcbc"));
        assert!(matches(b"h?llo*", b"hello world"));
    }

    #[test]
    fn the_empty_string_only_matches_the_empty_pattern() {
        // Redis's loop never runs on an empty string, so even "*" fails; KEYS and SCAN special
        // case the pattern "*" before calling the matcher.
        assert!(!matches(b"*", b""));
        assert!(!matches(b"**", b""));
        assert!(!matches(b"?", b""));
        assert!(!matches(b"[a]", b""));
        assert!(matches(b"", b""));
    }

    #[test]
    fn stars_after_the_last_byte_are_free() {
        assert!(matches(b"abc*", b"abc"));
        assert!(matches(b"abc***", b"abc"));
        assert!(!matches(b"abc*d", b"abc"));
        assert!(!matches(b"abc*?", b"abc"));
    }

    #[test]
    fn escapes() {
        assert!(matches(b"\\*", b"*"));
        assert!(!matches(b"\\*", b"a"));
        assert!(matches(b"\\?", b"?"));
        assert!(!matches(b"\\?", b"x"));
        assert!(matches(b"a\\[b", b"a[b"));
        assert!(matches(b"\\\\", b"\\"));
        assert!(matches(b"\\a", b"a"));
        // A trailing backslash is a literal backslash.
        assert!(matches(b"\\", b"\\"));
        assert!(matches(b"a\\", b"a\\"));
        assert!(!matches(b"a\\", b"a"));
    }

    #[test]
    fn classes() {
        assert!(matches(b"[abc]", b"b"));
        assert!(!matches(b"[abc]", b"d"));
        assert!(matches(b"[^abc]", b"d"));
        assert!(!matches(b"[^abc]", b"a"));
        assert!(matches(b"h[ae]llo", b"hallo"));
        assert!(!matches(b"h[ae]llo", b"hillo"));
        assert!(matches(b"[a-c]", b"b"));
        assert!(matches(b"[a-c]", b"c"));
        assert!(!matches(b"[a-c]", b"d"));
        assert!(matches(b"[^a-c]", b"d"));
        // Reversed ranges are normalised.
        assert!(matches(b"[z-a]", b"m"));
        assert!(!matches(b"[z-a]", b"A"));
        // Several ranges and literals in one class.
        assert!(matches(b"[0-9a-fx]", b"e"));
        assert!(matches(b"[0-9a-fx]", b"x"));
        assert!(!matches(b"[0-9a-fx]", b"g"));
        // Escapes inside a class.
        assert!(matches(b"[\\]]", b"]"));
        assert!(matches(b"[\\-]", b"-"));
        assert!(!matches(b"[\\-]", b"\\"));
        assert!(matches(b"[\\^a]", b"^"));
        // A '-' that cannot start a range is literal.
        assert!(matches(b"[-a]", b"-"));
        assert!(matches(b"[-a]", b"a"));
        // "[]" is an empty class: it matches nothing; "[]]" needs a byte then a ']'.
        assert!(!matches(b"[]", b"]"));
        assert!(!matches(b"[]]", b"]"));
        assert!(!matches(b"[]]", b"]]"));
        assert!(matches(b"[^]", b"x"));
        assert!(matches(b"[^]", b"]"));
    }

    #[test]
    fn a_range_ending_at_the_closing_bracket_swallows_it() {
        // "[a-]": 'a', '-', ']' look like a range from 'a' to ']' (93..=97 once reversed); the
        // class is then unterminated.
        for byte in 0u8..=255 {
            assert_eq!(
                matches(b"[a-]", &[byte]),
                (93..=97).contains(&byte),
                "{byte}"
            );
        }
    }

    #[test]
    fn unterminated_classes() {
        assert!(matches(b"[abc", b"a"));
        assert!(matches(b"[abc", b"c"));
        assert!(!matches(b"[abc", b"d"));
        assert!(!matches(b"[abc", b"ab"));
        assert!(matches(b"x[ab", b"xb"));
        assert!(!matches(b"[", b"["));
        assert!(!matches(b"[", b"a"));
        for byte in 0u8..=255 {
            assert!(matches(b"[^", &[byte]));
            assert_eq!(matches(b"[\\", &[byte]), byte == b'\\');
        }
        assert!(!matches(b"[^", b"ab"));
        assert!(!matches(b"[^", b""));
    }

    #[test]
    fn range_ends_compare_as_signed_c_chars() {
        // 0xff is -1 as a C char: [a-\xff] is the range -1..=97, i.e. bytes 0..=97 and 0xff.
        let in_range: Vec<u8> = (0u8..=255)
            .filter(|&b| matches(b"[a-\xff]", &[b]))
            .collect();
        let mut expected: Vec<u8> = (0u8..=97).collect();
        expected.push(0xff);
        assert_eq!(in_range, expected);
        let reversed: Vec<u8> = (0u8..=255)
            .filter(|&b| matches(b"[\xff-a]", &[b]))
            .collect();
        assert_eq!(reversed, expected);
        // Within the high half order is preserved: 0x80 (-128) ..= 0xff (-1).
        for byte in 0u8..=255 {
            assert_eq!(matches(b"[\x80-\xff]", &[byte]), byte >= 0x80, "{byte}");
            assert_eq!(matches(b"[^\x80-\xff]", &[byte]), byte < 0x80, "{byte}");
            assert_eq!(matches(b"[\x00-\x10]", &[byte]), byte <= 0x10, "{byte}");
        }
    }

    #[test]
    fn binary_bytes_are_ordinary() {
        assert!(matches(b"\x00*\xff", b"\x00abc\xff"));
        assert!(matches(b"?\x00?", b"a\x00b"));
        assert!(!matches(b"\x00", b"0"));
        assert!(matches(b"[\x00]", b"\x00"));
        assert!(matches(b"\xfe\xff", b"\xfe\xff"));
    }

    #[test]
    fn case_insensitive_matching() {
        assert!(glob_match_nocase(b"HeLLo", b"hello"));
        assert!(glob_match_nocase(b"h[A-C]llo", b"hbllo"));
        assert!(glob_match_nocase(b"h[a-c]llo", b"hBllo"));
        assert!(glob_match_nocase(b"[^A]", b"b"));
        assert!(!glob_match_nocase(b"[^A]", b"a"));
        assert!(!glob_match(b"HeLLo", b"hello"));
    }

    #[test]
    fn nesting_is_bounded_as_in_redis() {
        // Checked against redis-server 7.0.15: 1000 nested '*' still match, 1001 do not.
        let key = vec![b'a'; 1100];
        assert!(matches(&b"*a".repeat(1000), &key));
        assert!(!matches(&b"*a".repeat(1001), &key));
        // A final '*' matches without recursing.
        assert!(matches(&b"a*".repeat(1001), &key));
        assert!(!matches(&b"a*".repeat(1002), &key));
    }

    #[test]
    fn pathological_patterns_finish_quickly() {
        let string = vec![b'a'; 5000];
        let mut pattern = b"*a".repeat(30);
        pattern.extend_from_slice(b"*b");
        assert!(!matches(&pattern, &string));
        let long_pattern = b"*?".repeat(500);
        assert!(matches(&long_pattern, &string));
    }
}
