//! Reply encoding (the `addReply*` family of networking.c) as a trait, so
//! the same calls write into a client's output buffers or into a scratch
//! [`ReplyBuf`] (used where the element count is known only afterwards, in
//! place of Redis's deferred-length nodes).
//!
//! RESP2 and RESP3 differ only in a few frames (null, map, set, double,
//! boolean, verbatim, push); `resp()` picks the frame.

use crate::ds::skiplist::format_score;

pub trait Reply {
    /// Appends raw protocol bytes.
    fn push(&mut self, bytes: &[u8]);
    /// Protocol version of the peer (2 or 3).
    fn resp(&self) -> u8;
    /// Called once per error reply (for INFO's error counters).
    fn note_error(&mut self, _code: &[u8]) {}

    fn add_raw(&mut self, bytes: &[u8]) {
        self.push(bytes)
    }

    fn add_ok(&mut self) {
        self.push(b"+OK\r\n")
    }

    /// A status reply: `+<s>\r\n`.
    fn add_status(&mut self, s: &[u8]) {
        let mut b = [0u8; 128];
        if s.len() + 3 <= b.len() {
            b[0] = b'+';
            b[1..1 + s.len()].copy_from_slice(s);
            b[1 + s.len()..3 + s.len()].copy_from_slice(b"\r\n");
            self.push(&b[..3 + s.len()]);
        } else {
            self.push(b"+");
            self.push(s);
            self.push(b"\r\n");
        }
    }

    /// An error reply. `msg` is the full text after the `-`, starting with its
    /// code ("ERR ...", "WRONGTYPE ...").
    fn add_error(&mut self, msg: &str) {
        self.add_error_bytes(msg.as_bytes())
    }

    /// An error reply from bytes: client bytes quoted in an error go back
    /// exactly as sent (Redis formats them with `%s`, not as UTF-8), except
    /// that CR and LF would break the protocol, so they become spaces, as
    /// Redis's addReplyErrorLength does.
    fn add_error_bytes(&mut self, msg: &[u8]) {
        let code_end = msg.iter().position(|&b| b == b' ').unwrap_or(msg.len());
        self.note_error(&msg[..code_end]);
        self.push(b"-");
        if msg.iter().any(|&b| b == b'\r' || b == b'\n') {
            let clean: Vec<u8> = msg
                .iter()
                .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b })
                .collect();
            self.push(&clean);
        } else {
            self.push(msg);
        }
        self.push(b"\r\n");
    }

    /// An error reply made of byte pieces, e.g. a fixed text and a client's
    /// argument: `add_error_parts(&[b"ERR Unsupported option ", opt])`.
    fn add_error_parts(&mut self, parts: &[&[u8]]) {
        self.add_error_bytes(&parts.concat())
    }

    fn add_int(&mut self, v: i64) {
        self.add_prefixed_len(b':', v)
    }

    /// `<prefix><n>\r\n`, the header of every length-prefixed frame.
    fn add_prefixed_len(&mut self, prefix: u8, n: i64) {
        let mut b = [0u8; 24];
        b[0] = prefix;
        let mut f = itoa::Buffer::new();
        let s = f.format(n).as_bytes();
        b[1..1 + s.len()].copy_from_slice(s);
        b[1 + s.len()] = b'\r';
        b[2 + s.len()] = b'\n';
        self.push(&b[..3 + s.len()]);
    }

    fn add_bulk(&mut self, s: &[u8]) {
        self.add_prefixed_len(b'$', s.len() as i64);
        self.push(s);
        self.push(b"\r\n");
    }

    fn add_bulk_int(&mut self, v: i64) {
        let mut f = itoa::Buffer::new();
        self.add_bulk(f.format(v).as_bytes());
    }

    fn add_null(&mut self) {
        if self.resp() >= 3 {
            self.push(b"_\r\n")
        } else {
            self.push(b"$-1\r\n")
        }
    }

    /// The null of an array-typed reply (`*-1` in RESP2).
    fn add_null_array(&mut self) {
        if self.resp() >= 3 {
            self.push(b"_\r\n")
        } else {
            self.push(b"*-1\r\n")
        }
    }

    fn add_array_len(&mut self, n: usize) {
        self.add_prefixed_len(b'*', n as i64)
    }

    /// A map of `n` pairs: `%n` in RESP3, a flat array of 2n in RESP2.
    fn add_map_len(&mut self, n: usize) {
        if self.resp() >= 3 {
            self.add_prefixed_len(b'%', n as i64)
        } else {
            self.add_prefixed_len(b'*', 2 * n as i64)
        }
    }

    fn add_set_len(&mut self, n: usize) {
        if self.resp() >= 3 {
            self.add_prefixed_len(b'~', n as i64)
        } else {
            self.add_prefixed_len(b'*', n as i64)
        }
    }

    fn add_push_len(&mut self, n: usize) {
        if self.resp() >= 3 {
            self.add_prefixed_len(b'>', n as i64)
        } else {
            self.add_prefixed_len(b'*', n as i64)
        }
    }

    /// A double: `,` frame in RESP3, a bulk string of Redis's `%.17g` text
    /// in RESP2.
    fn add_double(&mut self, v: f64) {
        let mut s = Vec::with_capacity(32);
        format_score(v, &mut s);
        if self.resp() >= 3 {
            self.push(b",");
            self.push(&s);
            self.push(b"\r\n");
        } else {
            self.add_bulk(&s);
        }
    }

    fn add_bool(&mut self, v: bool) {
        if self.resp() >= 3 {
            self.push(if v { b"#t\r\n" } else { b"#f\r\n" })
        } else {
            self.push(if v { b":1\r\n" } else { b":0\r\n" })
        }
    }

    /// Verbatim text (INFO, CLIENT LIST...): `=len\r\ntxt:...` in RESP3.
    fn add_verbatim(&mut self, s: &[u8]) {
        if self.resp() >= 3 {
            self.add_prefixed_len(b'=', s.len() as i64 + 4);
            self.push(b"txt:");
            self.push(s);
            self.push(b"\r\n");
        } else {
            self.add_bulk(s);
        }
    }

    fn add_bulks<'a, I: IntoIterator<Item = &'a [u8]>>(&mut self, items: I)
    where
        I::IntoIter: ExactSizeIterator,
    {
        let it = items.into_iter();
        self.add_array_len(it.len());
        for s in it {
            self.add_bulk(s);
        }
    }
}

/// A scratch reply: collect elements, count them, then emit header + body.
pub struct ReplyBuf {
    pub buf: Vec<u8>,
    pub resp: u8,
    pub errors: u32,
}

impl ReplyBuf {
    pub fn new(resp: u8) -> ReplyBuf {
        ReplyBuf {
            buf: Vec::new(),
            resp,
            errors: 0,
        }
    }
}

impl Reply for ReplyBuf {
    fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes)
    }
    fn resp(&self) -> u8 {
        self.resp
    }
    fn note_error(&mut self, _code: &[u8]) {
        self.errors += 1;
    }
}
