//! A connected client: its socket, query buffer and parse state, argument
//! vector, and output buffers (networking.c's `client`).
//!
//! Threads: owned by the main thread. During an I/O-thread phase a client is
//! *lent* whole (moved, as a `Box<Client>`) to one I/O thread, which may read
//! and parse into it or write from it, and is moved back before the main
//! thread touches it again; so `Client` is `Send` and holds nothing shared.
//!
//! Input: `querybuf` (our SDS) holds unread protocol from `qb_pos` on. A
//! parsed command's arguments are *ranges* into `querybuf` (no copy, no
//! allocation per argument); arguments of 32 KB and more are read straight
//! into a buffer of their own and moved (not copied) out of the query buffer
//! (Redis's PROTO_MBULK_BIG_ARG path), which is also how SET stores them.
//!
//! Output: a fixed buffer first (16 KB, shrunk for idle clients by the
//! client cron), then a list of reply blocks, as Redis's `buf` + `reply`
//! list. `reply_bytes` tracks the list for client-output-buffer-limit, and
//! every append to the list checks the hard limit (and the pre-AUTH cap), as
//! Redis's `_addReplyProtoToList` does: past it the client is marked
//! `OBUF_LIMIT`, nothing more is buffered, and commands producing long
//! replies stop early ([`Client::reply_discarded`]); the server logs and
//! closes it after the command (`Server::check_output_limits`).

use crate::ds::sds::Sds;
use crate::net::reply::Reply;
use ferrodis_ffi::net::Peer;
use std::collections::VecDeque;
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};

/// PROTO_REPLY_CHUNK_BYTES: the fixed reply buffer and the block size.
pub const REPLY_CHUNK: usize = 16 * 1024;

pub mod flags {
    pub const CLOSE_AFTER_REPLY: u32 = 1 << 0;
    pub const CLOSE_ASAP: u32 = 1 << 1;
    pub const MULTI: u32 = 1 << 2;
    pub const DIRTY_CAS: u32 = 1 << 3;
    pub const DIRTY_EXEC: u32 = 1 << 4;
    pub const PENDING_WRITE: u32 = 1 << 5;
    pub const UNIX_SOCKET: u32 = 1 << 6;
    /// A parsed command waits to run (set by I/O threads; never run there).
    pub const PENDING_COMMAND: u32 = 1 << 7;
    pub const REPLY_OFF: u32 = 1 << 8;
    pub const REPLY_SKIP_NEXT: u32 = 1 << 9;
    pub const REPLY_SKIP: u32 = 1 << 10;
    pub const NO_EVICT: u32 = 1 << 11;
    pub const BLOCKED: u32 = 1 << 12;
    pub const PROTECTED: u32 = 1 << 13;
    pub const PENDING_READ: u32 = 1 << 14;
    pub const UNBLOCKED: u32 = 1 << 15;
    pub const EXECUTING: u32 = 1 << 16;
    pub const NO_TOUCH: u32 = 1 << 17;
    /// The output buffer went past its hard limit (or the pre-AUTH cap)
    /// while a reply was being produced: buffer nothing more; the server
    /// logs it and closes the client.
    pub const OBUF_LIMIT: u32 = 1 << 18;
}

/// Before AUTH a client's pending output may hold at most this much: one
/// that never reads its NOAUTH replies is dropped (CVE-2025-21605).
pub const UNAUTH_OUTPUT_MAX: usize = 1024;

/// PROTO_REPLY_MIN_BYTES: the smallest the fixed reply buffer shrinks to.
pub const REPLY_MIN: usize = 1024;

/// Flags under which replies are not buffered at all.
const NO_OUTPUT: u32 = flags::REPLY_OFF | flags::REPLY_SKIP | flags::CLOSE_ASAP | flags::OBUF_LIMIT;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ReqType {
    Unknown,
    Inline,
    Multibulk,
}

/// One argument: a range of the query buffer, or an owned buffer.
#[derive(Clone, Copy, Debug)]
pub enum Arg {
    Range(u32, u32),
    Owned(u32),
}

/// The arguments of the command being run, borrowed for its duration.
pub struct Args<'a> {
    pub qb: &'a [u8],
    pub argv: &'a [Arg],
    pub owned: &'a [Vec<u8>],
}

impl<'a> Args<'a> {
    #[inline]
    pub fn len(&self) -> usize {
        self.argv.len()
    }
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.argv.is_empty()
    }
    #[inline]
    pub fn get(&self, i: usize) -> &'a [u8] {
        match self.argv[i] {
            Arg::Range(s, l) => &self.qb[s as usize..(s + l) as usize],
            Arg::Owned(k) => &self.owned[k as usize],
        }
    }
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }
    /// Owned copies (for MULTI queues and blocked clients).
    pub fn to_vecs(&self) -> Vec<Vec<u8>> {
        self.iter().map(|a| a.to_vec()).collect()
    }
}

impl std::ops::Index<usize> for Args<'_> {
    type Output = [u8];
    #[inline]
    fn index(&self, i: usize) -> &[u8] {
        self.get(i)
    }
}

/// Argument vectors up to this many slots are kept between commands.
const ARGV_KEEP: usize = 1024;

/// A command queued by MULTI.
pub struct QueuedCmd {
    pub cmd: usize,
    pub argv: Vec<Vec<u8>>,
}

pub struct Client {
    pub id: u64,
    pub fd: OwnedFd,
    pub peer: Peer,
    pub name: Option<Vec<u8>>,
    pub lib_name: Option<Vec<u8>>,
    pub lib_ver: Option<Vec<u8>>,
    pub db: usize,
    pub flags: u32,
    pub resp: u8,
    pub authenticated: bool,
    pub user: &'static str,

    // --- input ---
    pub querybuf: Sds,
    pub qb_pos: usize,
    pub querybuf_peak: usize,
    pub reqtype: ReqType,
    /// Bulks still to read of the current multibulk (0 = none started).
    pub multibulklen: i64,
    /// Length of the bulk being read, -1 = header not read yet.
    pub bulklen: i64,
    pub argv: Vec<Arg>,
    pub owned_args: Vec<Vec<u8>>,
    pub argv_len_sum: usize,
    /// Where parsing resumes (>= qb_pos); `[qb_pos, parse_pos)` is the
    /// command being parsed or run, consumed only after it ran so that the
    /// `argv` ranges stay valid while it runs.
    pub parse_pos: usize,
    /// Set by the parser: reply with this protocol error and close.
    pub proto_error: Option<&'static [u8]>,

    // --- output ---
    /// The fixed reply buffer: its capacity is its size (REPLY_CHUNK, or
    /// less after the cron shrank it for an idle client).
    pub buf: Vec<u8>,
    /// Most bytes `buf` held since the last peak reset (buf_peak).
    pub buf_peak: usize,
    pub buf_peak_reset_ms: i64,
    pub sentlen: usize,
    /// Bytes of the head reply block already written.
    pub block_sent: usize,
    pub reply: VecDeque<Vec<u8>>,
    pub reply_bytes: usize,
    /// client-output-buffer-limit's hard limit for this client's class
    /// (0 = none), refreshed by the server before each command.
    pub obuf_hard_limit: usize,
    pub obuf_soft_limit_since: i64,
    pub net_output_bytes: u64,
    pub net_input_bytes: u64,

    // --- time and accounting ---
    pub ctime_ms: i64,
    pub last_interaction_ms: i64,
    pub last_cmd: &'static str,
    pub commands_processed: u64,
    pub errors: u32,
    /// Code of the last error reply ("ERR", "WRONGTYPE"...), for errorstats.
    pub err_code: Vec<u8>,

    // --- transactions ---
    pub mstate: Vec<QueuedCmd>,
    pub watched: Vec<(usize, Vec<u8>)>,

    // --- blocking (lists/zsets) ---
    pub bstate: Option<Box<crate::blocked::BlockState>>,
}

impl Client {
    pub fn new(id: u64, fd: OwnedFd, peer: Peer, now_ms: i64) -> Client {
        let unix = matches!(peer, Peer::Unix);
        Client {
            id,
            fd,
            peer,
            name: None,
            lib_name: None,
            lib_ver: None,
            db: 0,
            flags: if unix { flags::UNIX_SOCKET } else { 0 },
            resp: 2,
            authenticated: false,
            user: "default",
            querybuf: Sds::new(),
            qb_pos: 0,
            querybuf_peak: 0,
            reqtype: ReqType::Unknown,
            multibulklen: 0,
            bulklen: -1,
            argv: Vec::new(),
            owned_args: Vec::new(),
            argv_len_sum: 0,
            parse_pos: 0,
            proto_error: None,
            buf: Vec::with_capacity(REPLY_CHUNK),
            buf_peak: 0,
            buf_peak_reset_ms: now_ms,
            sentlen: 0,
            block_sent: 0,
            reply: VecDeque::new(),
            reply_bytes: 0,
            obuf_hard_limit: 0,
            obuf_soft_limit_since: 0,
            net_output_bytes: 0,
            net_input_bytes: 0,
            ctime_ms: now_ms,
            last_interaction_ms: now_ms,
            last_cmd: "NULL",
            commands_processed: 0,
            errors: 0,
            err_code: Vec::new(),
            mstate: Vec::new(),
            watched: Vec::new(),
            bstate: None,
        }
    }

    #[inline]
    pub fn raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    #[inline]
    pub fn has(&self, f: u32) -> bool {
        self.flags & f != 0
    }

    /// True if there is output not yet written (clientHasPendingReplies).
    #[inline]
    pub fn has_pending_replies(&self) -> bool {
        self.sentlen < self.buf.len() || !self.reply.is_empty()
    }

    /// Output not yet written, in bytes.
    pub fn pending_output(&self) -> usize {
        self.buf.len() - self.sentlen + self.reply_bytes - self.block_sent
    }

    /// True when nothing more this command produces would reach the peer
    /// (the client is being closed, is over its output limit, or has replies
    /// switched off): a command producing a long reply stops there, as
    /// Redis's do once the client is CLOSE_ASAP.
    #[inline]
    pub fn reply_discarded(&self) -> bool {
        self.flags & NO_OUTPUT != 0
    }

    /// For a reply built aside before it is appended (KEYS, whose length
    /// is known only at the end): whether `extra` more bytes would take the
    /// client past its hard output limit; if so it is marked as past it,
    /// so the command can stop building.
    pub fn output_would_exceed(&mut self, extra: usize) -> bool {
        let over = self.obuf_hard_limit > 0 && self.reply_bytes + extra >= self.obuf_hard_limit;
        if over {
            self.flags |= flags::OBUF_LIMIT;
        }
        over
    }

    /// Output memory as CLIENT LIST's `omem` and the limits count it
    /// (getClientOutputBufferMemoryUsage): the reply blocks' allocations.
    pub fn output_memory(&self) -> usize {
        self.reply.iter().map(|b| b.capacity()).sum()
    }

    /// Clears the argument vector after a command ran (resetClient). A
    /// vector grown for a huge command is given back rather than kept for
    /// the connection's lifetime (Redis frees `argv` after each command).
    #[inline]
    pub fn reset_args(&mut self) {
        if self.argv.capacity() > ARGV_KEEP || self.owned_args.capacity() > ARGV_KEEP {
            self.release_big_args();
        }
        self.argv.clear();
        self.owned_args.clear();
        self.argv_len_sum = 0;
        self.reqtype = ReqType::Unknown;
        self.multibulklen = 0;
        self.bulklen = -1;
    }

    #[cold]
    #[inline(never)]
    fn release_big_args(&mut self) {
        if self.argv.capacity() > ARGV_KEEP {
            self.argv = Vec::new();
        }
        if self.owned_args.capacity() > ARGV_KEEP {
            self.owned_args = Vec::new();
        }
    }

    /// The TCP peer as Redis prints it (`ip:port`), or the unix socket path.
    pub fn addr_string(&self, unixsocket: &str) -> String {
        match &self.peer {
            Peer::Tcp(a) => a.to_string(),
            Peer::Unix => format!("{unixsocket}:0"),
        }
    }

    pub fn local_addr_string(&self, unixsocket: &str) -> String {
        match &self.peer {
            Peer::Tcp(_) => ferrodis_ffi::net::local_addr(self.fd.as_fd())
                .map(|a| a.to_string())
                .unwrap_or_default(),
            Peer::Unix => format!("{unixsocket}:0"),
        }
    }

    /// Appends to the reply list (the part past the fixed buffer).
    fn push_to_list(&mut self, mut bytes: &[u8]) {
        if let Some(tail) = self.reply.back_mut() {
            let room = tail.capacity() - tail.len();
            let n = room.min(bytes.len());
            tail.extend_from_slice(&bytes[..n]);
            self.reply_bytes += n;
            bytes = &bytes[n..];
        }
        if !bytes.is_empty() {
            let mut block = Vec::with_capacity(bytes.len().max(REPLY_CHUNK));
            block.extend_from_slice(bytes);
            self.reply_bytes += bytes.len();
            self.reply.push_back(block);
        }
        // closeClientOnOutputBufferLimitReached on each append, so one
        // command cannot buffer past the limit.
        if (self.obuf_hard_limit > 0 && self.reply_bytes >= self.obuf_hard_limit)
            || (!self.authenticated && self.reply_bytes > UNAUTH_OUTPUT_MAX)
        {
            self.flags |= flags::OBUF_LIMIT;
        }
    }
}

impl Reply for Client {
    /// _addReplyToBufferOrList: the fixed buffer while the list is empty and
    /// there is room, else the list. Whether the client must be queued for
    /// writing is decided by the caller of the command (one check per
    /// command, not per frame).
    #[inline]
    fn push(&mut self, bytes: &[u8]) {
        if self.flags & NO_OUTPUT != 0 {
            return;
        }
        if self.reply.is_empty() {
            let room = self.buf.capacity() - self.buf.len();
            if bytes.len() <= room {
                self.buf.extend_from_slice(bytes);
                self.buf_peak = self.buf_peak.max(self.buf.len());
                return;
            }
            let (a, b) = bytes.split_at(room);
            self.buf.extend_from_slice(a);
            self.buf_peak = self.buf.len();
            self.push_to_list(b);
        } else {
            self.push_to_list(bytes);
        }
    }

    #[inline]
    fn resp(&self) -> u8 {
        self.resp
    }

    /// The hot reply of GET: header, payload and CRLF written into the fixed
    /// buffer in one go when they fit (one capacity check instead of three
    /// trips through `push`).
    #[inline]
    fn add_bulk(&mut self, s: &[u8]) {
        if self.flags & NO_OUTPUT == 0
            && self.reply.is_empty()
            && self.buf.len() + s.len() + 24 <= self.buf.capacity()
        {
            let mut f = itoa::Buffer::new();
            self.buf.push(b'$');
            self.buf.extend_from_slice(f.format(s.len()).as_bytes());
            self.buf.extend_from_slice(b"\r\n");
            self.buf.extend_from_slice(s);
            self.buf.extend_from_slice(b"\r\n");
            self.buf_peak = self.buf_peak.max(self.buf.len());
            return;
        }
        self.add_prefixed_len(b'$', s.len() as i64);
        self.push(s);
        self.push(b"\r\n");
    }

    fn note_error(&mut self, code: &[u8]) {
        self.errors += 1;
        self.err_code.clear();
        self.err_code.extend_from_slice(code);
    }
}
