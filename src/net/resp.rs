//! The request parser: networking.c's processInlineBuffer and
//! processMultibulkBuffer, with Redis's exact protocol errors.
//!
//! Runs on the main thread, or on an I/O thread that has been lent the
//! client; it touches only the client. It parses at most one command per
//! call and never executes it.
//!
//! Positions: `qb_pos` is where the current command starts; `parse_pos` is
//! where parsing resumes. A partial command keeps its argument ranges across
//! reads; [`compact`] moves the unread tail to the front of the buffer and
//! shifts those ranges with it.

use crate::ds::sds::{Sds, split_args, string2ll};
use crate::net::client::{Arg, Client, ReqType};

/// PROTO_INLINE_MAX_SIZE: an inline request or a count line longer than this
/// without a newline is an error.
pub const INLINE_MAX: usize = 64 * 1024;
/// PROTO_MBULK_BIG_ARG: bulks at least this big get a buffer of their own.
pub const MBULK_BIG_ARG: i64 = 32 * 1024;
/// Before AUTH, at most this many arguments and this many bytes per bulk
/// (CVE-2021-32675).
pub const UNAUTH_MAX_ARGS: i64 = 10;
pub const UNAUTH_MAX_BULK: i64 = 16 * 1024;

#[derive(Debug, PartialEq, Eq)]
pub enum Parse {
    /// `argv` holds a whole command (possibly empty: skip it).
    Complete,
    /// More bytes are needed.
    Incomplete,
    /// `proto_error` is set; reply with it and close after the reply.
    Error,
}

pub struct Limits {
    pub max_bulk: i64,
    pub auth_required: bool,
}

fn fail(c: &mut Client, msg: &'static str) -> Parse {
    fail_bytes(c, msg.as_bytes())
}

fn fail_bytes(c: &mut Client, msg: &'static [u8]) -> Parse {
    c.proto_error = Some(msg);
    Parse::Error
}

/// Parses one command starting at `c.parse_pos`.
pub fn parse(c: &mut Client, lim: &Limits) -> Parse {
    if c.reqtype == ReqType::Unknown {
        if c.parse_pos >= c.querybuf.len() {
            return Parse::Incomplete;
        }
        c.reqtype = if c.querybuf[c.parse_pos] == b'*' {
            ReqType::Multibulk
        } else {
            ReqType::Inline
        };
    }
    match c.reqtype {
        ReqType::Multibulk => parse_multibulk(c, lim),
        _ => parse_inline(c),
    }
}

fn parse_inline(c: &mut Client) -> Parse {
    let start = c.parse_pos;
    let data = &c.querybuf[start..];
    let Some(nl) = memchr::memchr(b'\n', data) else {
        if data.len() > INLINE_MAX {
            return fail(c, "Protocol error: too big inline request");
        }
        return Parse::Incomplete;
    };
    let mut line = &data[..nl];
    if line.last() == Some(&b'\r') {
        line = &line[..line.len() - 1];
    }
    let Some(args) = split_args(line) else {
        return fail(c, "Protocol error: unbalanced quotes in request");
    };
    c.parse_pos = start + nl + 1;
    c.argv.clear();
    c.owned_args.clear();
    for a in args {
        c.argv_len_sum += a.len();
        c.argv.push(Arg::Owned(c.owned_args.len() as u32));
        c.owned_args.push(a);
    }
    Parse::Complete
}

/// The common case of a count or length line, `<digits>\r\n` with no sign
/// and no leading zero: parsed in one pass over a few bytes, where memchr's
/// set-up and string2ll would cost several times more. Anything else
/// (signs, leading zeros, junk, an incomplete line, 19+ digits) returns None
/// and takes the general path, which applies Redis's exact rules.
#[inline]
fn fast_len(buf: &[u8], from: usize) -> Option<(i64, usize)> {
    let first = *buf.get(from)?;
    if !(b'1'..=b'9').contains(&first) {
        return None;
    }
    let mut v = (first - b'0') as i64;
    let end = buf.len().min(from + 19);
    let mut i = from + 1;
    while i < end {
        let b = buf[i];
        if b == b'\r' {
            return if i + 1 < buf.len() {
                Some((v, i))
            } else {
                None
            };
        }
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (b - b'0') as i64;
        i += 1;
    }
    None
}

/// Finds "\r" from `from`; returns the index of '\r' if "\r\n" fits.
/// Redis looks for the CR of a count line with `strchr`, which stops at a
/// NUL byte: a count line with a NUL before its CR is never complete (it
/// waits for more input until the line is too long), so we stop there too.
#[inline]
fn line_end(buf: &[u8], from: usize) -> Option<usize> {
    let cr = from + memchr::memchr2(b'\r', 0, &buf[from..])?;
    if buf[cr] == b'\r' && cr + 1 < buf.len() {
        Some(cr)
    } else {
        None
    }
}

fn parse_multibulk(c: &mut Client, lim: &Limits) -> Parse {
    if c.multibulklen == 0 {
        let pos = c.parse_pos;
        let (n, cr) = match fast_len(&c.querybuf, pos + 1) {
            Some(x) => x,
            None => {
                let Some(cr) = line_end(&c.querybuf, pos) else {
                    if c.querybuf.len() - pos > INLINE_MAX {
                        return fail(c, "Protocol error: too big mbulk count string");
                    }
                    return Parse::Incomplete;
                };
                match string2ll(&c.querybuf[pos + 1..cr]) {
                    Some(n) => (n, cr),
                    None => return fail(c, "Protocol error: invalid multibulk length"),
                }
            }
        };
        if n > i32::MAX as i64 {
            return fail(c, "Protocol error: invalid multibulk length");
        }
        if n > UNAUTH_MAX_ARGS && lim.auth_required {
            return fail(c, "Protocol error: unauthenticated multibulk length");
        }
        c.parse_pos = cr + 2;
        if n <= 0 {
            // "*0\r\n" or "*-1\r\n": an empty command, skipped.
            return Parse::Complete;
        }
        c.multibulklen = n;
        c.argv.clear();
        c.owned_args.clear();
        // Trust the count only so far: a huge count must not pre-allocate.
        c.argv.reserve(n.min(1024) as usize);
    }

    while c.multibulklen > 0 {
        if c.bulklen == -1 {
            let pos = c.parse_pos;
            let fast = if c.querybuf.get(pos) == Some(&b'$') {
                fast_len(&c.querybuf, pos + 1)
            } else {
                None
            };
            let cr = match fast {
                Some((_, cr)) => cr,
                None => match line_end(&c.querybuf, pos) {
                    Some(cr) => cr,
                    None => {
                        if c.querybuf.len() - pos > INLINE_MAX {
                            return fail(c, "Protocol error: too big bulk count string");
                        }
                        return Parse::Incomplete;
                    }
                },
            };
            if c.querybuf[pos] != b'$' {
                c.proto_error = None;
                let got = c.querybuf[pos];
                // The only dynamic protocol error: keep a small table of
                // static messages per byte so no allocation is needed to
                // carry it.
                return fail_bytes(c, expected_dollar(got));
            }
            let n = match fast
                .map(|(n, _)| n)
                .or_else(|| string2ll(&c.querybuf[pos + 1..cr]))
            {
                Some(n) if n >= 0 && n <= lim.max_bulk => n,
                _ => return fail(c, "Protocol error: invalid bulk length"),
            };
            if n > UNAUTH_MAX_BULK && lim.auth_required {
                return fail(c, "Protocol error: unauthenticated bulk length");
            }
            c.parse_pos = cr + 2;
            c.bulklen = n;
            if n >= MBULK_BIG_ARG && c.querybuf.len() - c.parse_pos < (n + 2) as usize {
                // Big argument: make the query buffer hold exactly this bulk
                // from offset 0, so it can be moved out whole when complete.
                // Earlier arguments of this command are copied out first
                // (they are small), since compaction moves their bytes.
                own_ranges(c);
                let consumed = c.parse_pos;
                c.querybuf.consume_front(consumed);
                c.parse_pos = 0;
                c.qb_pos = 0;
                let want = (n + 2) as usize;
                if c.querybuf.len() < want {
                    c.querybuf.make_room_for_non_greedy(want - c.querybuf.len());
                }
            }
        }
        let n = c.bulklen as usize;
        let pos = c.parse_pos;
        if c.querybuf.len() - pos < n + 2 {
            return Parse::Incomplete;
        }
        if pos == 0 && c.bulklen >= MBULK_BIG_ARG && c.querybuf.len() == n + 2 {
            // Steal the buffer: it is exactly this argument plus CRLF.
            let mut v = std::mem::replace(&mut c.querybuf, Sds::new()).into_vec();
            v.truncate(n);
            c.argv.push(Arg::Owned(c.owned_args.len() as u32));
            c.owned_args.push(v);
            c.parse_pos = 0;
            c.qb_pos = 0;
        } else {
            c.argv.push(Arg::Range(pos as u32, n as u32));
            c.parse_pos = pos + n + 2;
        }
        c.argv_len_sum += n;
        c.bulklen = -1;
        c.multibulklen -= 1;
    }
    Parse::Complete
}

/// Turns range arguments into owned copies (before the buffer is compacted
/// under them).
fn own_ranges(c: &mut Client) {
    for a in c.argv.iter_mut() {
        if let Arg::Range(s, l) = *a {
            let v = c.querybuf[s as usize..(s + l) as usize].to_vec();
            *a = Arg::Owned(c.owned_args.len() as u32);
            c.owned_args.push(v);
        }
    }
}

/// Drops the consumed prefix `[0, qb_pos)` of the query buffer, shifting the
/// ranges of a partially parsed command.
pub fn compact(c: &mut Client) {
    let k = c.qb_pos;
    if k == 0 {
        return;
    }
    if k >= c.querybuf.len() {
        c.querybuf.clear();
    } else {
        c.querybuf.consume_front(k);
    }
    c.parse_pos -= k;
    c.qb_pos = 0;
    for a in c.argv.iter_mut() {
        if let Arg::Range(s, _) = a {
            *s -= k as u32;
        }
    }
}

/// "Protocol error: expected '$', got 'x'" for every byte, built once. The
/// byte goes back raw, as Redis's `%c` writes it (a byte over 0x7F is not
/// a UTF-8 character; CR and LF become spaces when the error is sent; a NUL
/// never gets here, see `line_end`).
fn expected_dollar(got: u8) -> &'static [u8] {
    use std::sync::OnceLock;
    static TABLE: OnceLock<Vec<&'static [u8]>> = OnceLock::new();
    let t = TABLE.get_or_init(|| {
        (0u8..=255)
            .map(|b| {
                let s = [
                    b"Protocol error: expected '$', got '".as_slice(),
                    &[b, b'\''],
                ]
                .concat();
                &*Box::leak(s.into_boxed_slice())
            })
            .collect()
    });
    t[got as usize]
}
