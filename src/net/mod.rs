//! networking.c: accepting connections, reading and parsing queries,
//! running them, and writing replies.
//!
//! Threads: main thread. With I/O threads active, `read_into_querybuf` and
//! `write_to_client` also run on I/O threads, on clients lent to them; both
//! touch only the client and the per-thread counters they are passed.
//!
//! Write path (as Redis): a command's reply goes to the client's buffers and
//! the client is queued on `pending_write` (once). beforeSleep writes every
//! queued client directly; only when a reply could not be written whole is a
//! write handler installed, and it is removed when the output drains.
//! At most NET_MAX_WRITES_PER_EVENT bytes are written per client per event so
//! one big reader cannot starve the others.
//!
//! Clients are freed in beforeSleep from `close_queue` (freeClientAsync);
//! a client being run is never freed under its own feet.

pub mod client;
pub mod listen;
pub mod reply;
pub mod resp;

use crate::event;
use crate::net::client::{Client, flags};
use crate::net::reply::Reply;
use crate::net::resp::{Limits, Parse};
use crate::server::{Server, TOKEN_CLIENT};
use crate::stats::NetCounters;
use ferrodis_ffi::net::{self as fnet, Peer};
use std::io::{ErrorKind, IoSlice};
use std::os::fd::{AsFd, RawFd};

/// PROTO_IOBUF_LEN: bytes asked of one read.
pub const IOBUF_LEN: usize = 16 * 1024;
/// NET_MAX_WRITES_PER_EVENT.
pub const MAX_WRITES_PER_EVENT: usize = 64 * 1024;
/// MAX_ACCEPTS_PER_CALL.
const MAX_ACCEPTS_PER_CALL: usize = 1000;
/// Before AUTH a client's query buffer may hold at most this much
/// (CVE-2021-32675).
pub const UNAUTH_QUERYBUF_MAX: usize = 1024 * 1024;
use client::UNAUTH_OUTPUT_MAX;
/// PROTO_RESIZE_THRESHOLD: query buffers smaller than this are never trimmed.
const QUERYBUF_RESIZE_THRESHOLD: usize = 32 * 1024;
/// The fixed reply buffer's peak is reset this often, so an idle client's
/// buffer shrinks (reply-buffer-peak-reset-time's default).
const REPLY_PEAK_RESET_MS: i64 = 5000;
/// CLIENTS_CRON_MIN_ITERATIONS.
const CLIENTS_CRON_MIN_ITERATIONS: usize = 5;

/// Result of an I/O attempt on a client.
#[derive(Debug, PartialEq, Eq)]
pub enum Io {
    Ok,
    /// Peer closed or a hard error: free the client.
    Closed,
}

/// Reads once into the query buffer (readQueryFromClient's I/O part). Runs on
/// the main thread or on an I/O thread holding the client.
pub fn read_into_querybuf(c: &mut Client, counters: &NetCounters) -> Io {
    let mut readlen = IOBUF_LEN;
    let big = c.reqtype == client::ReqType::Multibulk
        && c.multibulklen > 0
        && c.bulklen >= resp::MBULK_BIG_ARG;
    if big {
        // Read exactly the rest of the big argument, so the buffer ends up
        // holding it alone and can be moved out whole.
        let have = c.querybuf.len() - c.parse_pos;
        let need = c.bulklen as usize + 2;
        if need > have {
            readlen = need - have;
        }
        c.querybuf.make_room_for_non_greedy(readlen);
    } else {
        c.querybuf.make_room_for(readlen);
    }
    match c.querybuf.read_from(c.fd.as_fd(), readlen) {
        Ok(0) => {
            log::debug!("Client closed connection id={} addr={:?}", c.id, c.peer);
            Io::Closed
        }
        Ok(n) => {
            counters.add_input(n as u64);
            c.net_input_bytes += n as u64;
            if c.querybuf.len() > c.querybuf_peak {
                c.querybuf_peak = c.querybuf.len();
            }
            Io::Ok
        }
        Err(e) if e.kind() == ErrorKind::WouldBlock => Io::Ok,
        Err(e) => {
            log::debug!("Reading from client: {e}");
            Io::Closed
        }
    }
}

/// Writes as much pending output as the socket takes, up to
/// MAX_WRITES_PER_EVENT unless `unlimited` (writeToClient's I/O part).
pub fn write_to_client(c: &mut Client, counters: &NetCounters, unlimited: bool) -> Io {
    let mut total = 0usize;
    while c.has_pending_replies() {
        let res = if c.reply.is_empty() {
            fnet::write(c.fd.as_fd(), &c.buf[c.sentlen..])
        } else {
            let mut iov: [IoSlice<'_>; 16] = [IoSlice::new(&[]); 16];
            let mut n = 0;
            if c.sentlen < c.buf.len() {
                iov[0] = IoSlice::new(&c.buf[c.sentlen..]);
                n = 1;
            }
            for (i, b) in c.reply.iter().enumerate() {
                if n == iov.len() {
                    break;
                }
                // The head block's sent prefix is tracked in block_sent.
                let s = if i == 0 && c.sentlen >= c.buf.len() {
                    &b[c.block_sent..]
                } else {
                    &b[..]
                };
                iov[n] = IoSlice::new(s);
                n += 1;
            }
            fnet::writev(c.fd.as_fd(), &iov[..n])
        };
        match res {
            Ok(0) => break,
            Ok(mut n) => {
                total += n;
                // Account the bytes: fixed buffer first, then blocks.
                let in_buf = (c.buf.len() - c.sentlen).min(n);
                c.sentlen += in_buf;
                n -= in_buf;
                if c.sentlen == c.buf.len() {
                    c.buf.clear();
                    c.sentlen = 0;
                }
                while n > 0 {
                    let Some(head) = c.reply.front() else { break };
                    let left = head.len() - c.block_sent;
                    if n >= left {
                        n -= left;
                        c.reply_bytes -= head.len();
                        c.reply.pop_front();
                        c.block_sent = 0;
                    } else {
                        c.block_sent += n;
                        n = 0;
                    }
                }
                if total > MAX_WRITES_PER_EVENT && !unlimited {
                    break;
                }
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) => {
                log::debug!("Error writing to client: {e}");
                return Io::Closed;
            }
        }
    }
    if total > 0 {
        counters.add_output(total as u64);
        c.net_output_bytes += total as u64;
    }
    Io::Ok
}

impl Server {
    pub fn accept_handler(&mut self, idx: usize) {
        for _ in 0..MAX_ACCEPTS_PER_CALL {
            let Some(l) = self.listeners.get(idx) else {
                return;
            };
            match fnet::accept(l.fd.as_fd()) {
                Ok(Some((fd, peer))) => self.create_client(fd, peer),
                Ok(None) => return,
                Err(e) => {
                    // EMFILE, ENFILE, ECONNABORTED...: log and keep
                    // listening; the backlog keeps the connection until fds
                    // free up (the listener stays registered).
                    log::warn!("Accepting client connection: {e}");
                    return;
                }
            }
        }
    }

    fn create_client(&mut self, fd: std::os::fd::OwnedFd, peer: Peer) {
        self.stats.numconnections += 1;
        if let Peer::Tcp(_) = peer {
            fnet::tune_tcp(fd.as_fd(), self.cfg.tcp_keepalive);
        }
        if self.nclients >= self.cfg.maxclients as usize {
            // Best effort, like Redis: the client may not read it.
            let _ = fnet::write(fd.as_fd(), b"-ERR max number of clients reached\r\n");
            self.stats.rejected_conn += 1;
            return;
        }
        if self.cfg.protected_mode
            && self.cfg.requirepass.is_empty()
            && let Peer::Tcp(a) = &peer
            && !a.ip().is_loopback()
            && !is_v4_mapped_loopback(a.ip())
        {
            let _ = fnet::write(fd.as_fd(), DENIED_MSG.as_bytes());
            self.stats.rejected_conn += 1;
            return;
        }
        let raw = std::os::fd::AsRawFd::as_raw_fd(&fd);
        if let Err(e) = self.el.add(fd.as_fd(), event::READABLE, TOKEN_CLIENT) {
            log::warn!("Error registering fd event for the new client: {e} (fd={raw})");
            return;
        }
        let id = self.next_client_id;
        self.next_client_id += 1;
        let mut c = Client::new(id, fd, peer, self.now_ms);
        c.authenticated = self.cfg.requirepass.is_empty();
        c.obuf_hard_limit = self.normal_obuf_hard_limit();
        if raw as usize >= self.clients.len() {
            self.clients.resize_with(raw as usize + 1, || None);
        }
        self.clients[raw as usize] = Some(Box::new(c));
        self.client_ring.push_back((raw, id));
        self.nclients += 1;
    }

    /// Takes the client out of its slot (to run it with `&mut self`).
    #[inline]
    pub fn take_client(&mut self, fd: RawFd) -> Option<Box<Client>> {
        self.clients.get_mut(fd as usize)?.take()
    }

    /// Puts a client back after it ran: queue its output, or free it.
    #[inline]
    pub fn put_client(&mut self, mut c: Box<Client>) {
        // Replies added outside a command (rejections, protocol errors) may
        // have crossed a limit too.
        if c.has(flags::OBUF_LIMIT) || !c.authenticated {
            self.check_output_limits(&mut c);
        }
        if c.has(flags::CLOSE_ASAP) {
            self.free_client(c);
            return;
        }
        self.queue_write(&mut c);
        let fd = c.raw_fd() as usize;
        self.clients[fd] = Some(c);
    }

    /// Queues a client with output for beforeSleep (clientInstallWriteHandler
    /// without the handler: that comes only if the write is partial).
    #[inline]
    pub fn queue_write(&mut self, c: &mut Client) {
        if c.flags & flags::PENDING_WRITE == 0 && c.has_pending_replies() {
            c.flags |= flags::PENDING_WRITE;
            self.pending_write.push((c.raw_fd(), c.id));
        }
    }

    /// readQueryFromClient: the readable handler of a client.
    pub fn read_query_from_client(&mut self, fd: RawFd) {
        let Some(mut c) = self.take_client(fd) else {
            return;
        };
        if crate::io_threads::postpone_read(self, &mut c) {
            let fd = c.raw_fd() as usize;
            self.clients[fd] = Some(c);
            return;
        }
        let counters = &self.net[0];
        if read_into_querybuf(&mut c, counters) == Io::Closed {
            self.free_client(c);
            return;
        }
        c.last_interaction_ms = self.now_ms;
        if self.query_buffer_over_limit(&c) {
            self.free_client(c);
            return;
        }
        self.process_input_buffer(&mut c);
        self.put_client(c);
    }

    /// client-query-buffer-limit, and the pre-AUTH 1 MB cap.
    pub fn query_buffer_over_limit(&mut self, c: &Client) -> bool {
        let len = c.querybuf.len();
        let limit = self.cfg.client_query_buffer_limit as usize;
        if len > limit || (!c.authenticated && len > UNAUTH_QUERYBUF_MAX) {
            log::warn!(
                "Closing client that reached max query buffer length: id={} addr={} qbuf={} (qbuf initial bytes: {:?})",
                c.id,
                c.addr_string(&self.cfg.unixsocket),
                len,
                String::from_utf8_lossy(&c.querybuf[..len.min(64)])
            );
            self.stats.client_qbuf_limit_disconnections += 1;
            return true;
        }
        false
    }

    pub fn parse_limits(&self, c: &Client) -> Limits {
        Limits {
            max_bulk: self.cfg.proto_max_bulk_len as i64,
            auth_required: !c.authenticated,
        }
    }

    /// processInputBuffer: parse and run every whole command in the buffer.
    pub fn process_input_buffer(&mut self, c: &mut Client) {
        // A command parsed by an I/O thread runs first.
        if c.has(flags::PENDING_COMMAND) {
            c.flags &= !flags::PENDING_COMMAND;
            self.run_parsed(c);
        }
        loop {
            if c.flags & (flags::CLOSE_AFTER_REPLY | flags::CLOSE_ASAP | flags::BLOCKED) != 0 {
                break;
            }
            if c.parse_pos >= c.querybuf.len() && c.multibulklen == 0 {
                break;
            }
            let lim = self.parse_limits(c);
            match resp::parse(c, &lim) {
                Parse::Incomplete => break,
                Parse::Error => {
                    self.protocol_error(c);
                    break;
                }
                Parse::Complete => self.run_parsed(c),
            }
        }
        resp::compact(c);
    }

    /// Runs (or skips, when empty) the command just parsed, then consumes it.
    pub fn run_parsed(&mut self, c: &mut Client) {
        if !c.argv.is_empty() {
            self.process_command(c);
        }
        c.qb_pos = c.parse_pos;
        c.reset_args();
    }

    /// setProtocolError: reply, discard the rest of the input, close after
    /// the reply is written.
    pub fn protocol_error(&mut self, c: &mut Client) {
        let msg = c.proto_error.take().unwrap_or(b"Protocol error");
        log::debug!(
            "Protocol error ({}) from client: id={} addr={}",
            String::from_utf8_lossy(msg),
            c.id,
            c.addr_string(&self.cfg.unixsocket)
        );
        c.add_error_parts(&[b"ERR ", msg]);
        self.stats.total_error_replies += 1;
        c.flags |= flags::CLOSE_AFTER_REPLY;
        c.querybuf.clear();
        c.qb_pos = 0;
        c.parse_pos = 0;
        c.reset_args();
    }

    /// sendReplyToClient: the writable handler.
    pub fn send_reply_to_client(&mut self, fd: RawFd) {
        let Some(mut c) = self.take_client(fd) else {
            return;
        };
        if self.write_client_and_finish(&mut c, true) {
            self.free_client(c);
        } else {
            let fd = c.raw_fd() as usize;
            self.clients[fd] = Some(c);
        }
    }

    /// Writes, then removes or installs the write handler. Returns true when
    /// the client must be freed.
    pub fn write_client_and_finish(&mut self, c: &mut Client, handler_installed: bool) -> bool {
        let unlimited = self.cfg.maxmemory == 0;
        if write_to_client(c, &self.net[0], unlimited) == Io::Closed {
            return true;
        }
        self.after_write(c, handler_installed)
    }

    /// After a write by any thread: drop or install the write handler, close
    /// after the last reply. Returns true when the client must be freed.
    pub fn after_write(&mut self, c: &mut Client, handler_installed: bool) -> bool {
        if c.has_pending_replies() {
            if !handler_installed {
                let mask = event::WRITABLE;
                if let Err(e) = self.el.add(c.fd.as_fd(), mask, TOKEN_CLIENT) {
                    log::warn!(
                        "Cannot install the write handler of client id={}: {e}",
                        c.id
                    );
                    return true;
                }
            }
            false
        } else {
            if handler_installed {
                // Never leave a stale write handler: epoll would spin.
                if let Err(e) = self.el.remove(c.fd.as_fd(), event::WRITABLE) {
                    log::warn!("Cannot remove the write handler of client id={}: {e}", c.id);
                    return true;
                }
            }
            c.has(flags::CLOSE_AFTER_REPLY)
        }
    }

    /// handleClientsWithPendingWrites (the single-threaded path).
    pub fn handle_clients_with_pending_writes(&mut self) -> usize {
        let list = std::mem::take(&mut self.pending_write);
        let n = list.len();
        for &(fd, id) in &list {
            // The cron runs between event-loop passes, when no client is
            // taken out of its slot: an empty slot is a freed client.
            let Some(mut c) = self.take_client(fd) else {
                continue;
            };
            if c.id != id {
                self.clients[fd as usize] = Some(c);
                continue;
            }
            c.flags &= !flags::PENDING_WRITE;
            if c.has(flags::CLOSE_ASAP) {
                self.clients[fd as usize] = Some(c);
                continue;
            }
            let installed = self.el.mask(fd) & event::WRITABLE != 0;
            if self.write_client_and_finish(&mut c, installed) {
                self.free_client(c);
            } else {
                self.clients[fd as usize] = Some(c);
            }
        }
        // Reuse the allocation for the next pass.
        let mut list = list;
        list.clear();
        if self.pending_write.is_empty() {
            self.pending_write = list;
        }
        n
    }

    /// freeClient: unregister, forget its state everywhere, close the fd.
    pub fn free_client(&mut self, mut c: Box<Client>) {
        let fd = c.raw_fd();
        self.el.forget(c.fd.as_fd());
        crate::cmd::multi::unwatch_all(self, &mut c);
        crate::blocked::forget_client(self, &mut c);
        if let Some(slot) = self.clients.get_mut(fd as usize) {
            // The slot may hold the client itself (freed from the queue).
            if slot.as_ref().is_some_and(|s| s.id == c.id) {
                *slot = None;
            }
        }
        self.nclients -= 1;
        crate::bio::lazyfree::free_client_buffers(self, c);
    }

    /// freeClientAsync: mark and queue; freed in beforeSleep.
    pub fn free_client_async(&mut self, c: &mut Client) {
        if c.has(flags::CLOSE_ASAP) {
            return;
        }
        c.flags |= flags::CLOSE_ASAP;
        self.close_queue.push((c.raw_fd(), c.id));
    }

    pub fn free_clients_in_close_queue(&mut self) {
        if self.close_queue.is_empty() {
            return;
        }
        for (fd, id) in std::mem::take(&mut self.close_queue) {
            if let Some(c) = self.take_client(fd) {
                if c.id == id {
                    self.free_client(c);
                } else {
                    self.clients[fd as usize] = Some(c);
                }
            }
        }
    }

    /// clientsCron: idle timeouts, query and reply buffer resizing. Visits
    /// `nclients / hz` clients per call (at least
    /// CLIENTS_CRON_MIN_ITERATIONS), so every client is seen about once a
    /// second however many there are. It walks `client_ring`, the connected
    /// clients in rotation (Redis rotates server.clients), not the fd table,
    /// whose length is the highest fd ever used: a freed client's entry is
    /// dropped when it comes round, without counting as a visit.
    pub fn clients_cron(&mut self) {
        let live = self.nclients;
        if live == 0 {
            // Only entries of freed clients are left.
            self.client_ring.clear();
            return;
        }
        let mut iterations = (live / self.hz.max(1) as usize)
            .max(CLIENTS_CRON_MIN_ITERATIONS)
            .min(live);
        while iterations > 0 {
            let Some((fd, id)) = self.client_ring.pop_front() else {
                break;
            };
            // The cron runs between event-loop passes, when no client is
            // taken out of its slot: an empty slot is a freed client.
            let Some(mut c) = self.take_client(fd) else {
                continue;
            };
            if c.id != id {
                self.clients[fd as usize] = Some(c);
                continue;
            }
            iterations -= 1;
            self.client_cron_visit(&mut c);
            self.clients[fd as usize] = Some(c);
            self.client_ring.push_back((fd, id));
        }
    }

    /// One client's turn in the client cron.
    fn client_cron_visit(&mut self, c: &mut Client) {
        let timeout_ms = self.cfg.timeout as i64 * 1000;
        if timeout_ms > 0
            && !c.has(flags::BLOCKED)
            && self.now_ms - c.last_interaction_ms > timeout_ms
        {
            log::debug!("Closing idle client");
            self.free_client_async(c);
            return;
        }
        if c.has(flags::OBUF_LIMIT) {
            self.check_output_limits(c);
            return;
        }
        resize_query_buffer(c, self.now_ms);
        resize_reply_buffer(c, self.now_ms);
    }

    /// client-output-buffer-limit's hard limit for normal clients.
    pub fn normal_obuf_hard_limit(&self) -> usize {
        let l = self.cfg.obuf_limit(crate::config::ObufClass::Normal);
        usize::try_from(l.hard_limit_bytes).unwrap_or(usize::MAX)
    }

    /// Whether the client's output is past its limits
    /// (checkClientOutputBufferLimits): the hard limit, the soft limit held
    /// for longer than its seconds, or, before AUTH, more than
    /// UNAUTH_OUTPUT_MAX bytes in the reply list, i.e. beyond the fixed
    /// buffer the peer is not reading (CVE-2025-21605).
    fn output_over_limits(&mut self, c: &mut Client) -> bool {
        if c.has(flags::OBUF_LIMIT) {
            return true;
        }
        if !c.authenticated && c.reply_bytes > UNAUTH_OUTPUT_MAX {
            return true;
        }
        let l = self.cfg.obuf_limit(crate::config::ObufClass::Normal);
        let (hard, soft, soft_secs) =
            (l.hard_limit_bytes, l.soft_limit_bytes, l.soft_limit_seconds);
        let used = c.reply_bytes as u64;
        if hard > 0 && used >= hard {
            return true;
        }
        if soft > 0 && used >= soft {
            if c.obuf_soft_limit_since == 0 {
                c.obuf_soft_limit_since = self.now_ms;
            } else if (self.now_ms - c.obuf_soft_limit_since) / 1000 > soft_secs as i64 {
                return true;
            }
        } else {
            c.obuf_soft_limit_since = 0;
        }
        false
    }

    /// closeClientOnOutputBufferLimitReached(c, async): when the client's
    /// output is past its limits, log it as Redis does and close it
    /// asynchronously. Returns true when the client is (being) closed.
    #[inline]
    pub fn check_output_limits(&mut self, c: &mut Client) -> bool {
        // The common case after a command (the reply fit the fixed buffer)
        // stays inline in call(): no reply list, nothing to check.
        if c.reply_bytes == 0
            && c.authenticated
            && c.flags & (flags::CLOSE_ASAP | flags::OBUF_LIMIT) == 0
        {
            c.obuf_soft_limit_since = 0;
            return false;
        }
        self.check_output_limits_slow(c)
    }

    #[cold]
    #[inline(never)]
    fn check_output_limits_slow(&mut self, c: &mut Client) -> bool {
        if c.has(flags::CLOSE_ASAP) {
            return true;
        }
        if !self.output_over_limits(c) {
            return false;
        }
        c.flags |= flags::OBUF_LIMIT;
        let info = crate::cmd::connection::client_info_line(self, c, None);
        log::warn!(
            "Client {info} scheduled to be closed ASAP for overcoming of output buffer limits."
        );
        self.stats.client_outbuf_limit_disconnections += 1;
        self.free_client_async(c);
        true
    }
}

/// clientsCronResizeQueryBuffer: give back a query buffer that wastes more
/// than a few KB, whole when the client is idle, else down to its recent
/// peak; then restart the peak.
fn resize_query_buffer(c: &mut Client, now_ms: i64) {
    let alloc = c.querybuf.capacity();
    if c.querybuf.avail() > 4 * 1024 {
        let idle = (now_ms - c.last_interaction_ms) / 1000 > 2;
        let pending_bulk = if c.bulklen >= 0 {
            c.bulklen as usize + 2
        } else {
            0
        };
        if idle {
            c.querybuf.remove_free_space();
        } else if alloc > QUERYBUF_RESIZE_THRESHOLD && alloc / 2 > c.querybuf_peak {
            let keep = c.querybuf.len().max(c.querybuf_peak).max(pending_bulk);
            c.querybuf.shrink_to(keep);
        }
    }
    c.querybuf_peak = c.querybuf.len();
    if c.bulklen >= 0 && c.bulklen as usize + 2 > c.querybuf_peak {
        c.querybuf_peak = c.bulklen as usize + 2;
    }
}

/// clientsCronResizeOutputBuffer: halve-or-more the fixed reply buffer when
/// its recent peak used less than half (down to REPLY_MIN), grow it back
/// towards REPLY_CHUNK when the peak filled it; the peak restarts every
/// REPLY_PEAK_RESET_MS so an idle client's buffer ends up small.
fn resize_reply_buffer(c: &mut Client, now_ms: i64) {
    let size = c.buf.capacity();
    let new_size = if size / 2 >= client::REPLY_MIN && c.buf_peak < size / 2 {
        (c.buf_peak + 1).max(client::REPLY_MIN)
    } else if size * 2 < client::REPLY_CHUNK * 2 && c.buf_peak == size {
        (size * 2).min(client::REPLY_CHUNK)
    } else {
        0
    };
    if now_ms - c.buf_peak_reset_ms >= REPLY_PEAK_RESET_MS {
        c.buf_peak = c.buf.len();
        c.buf_peak_reset_ms = now_ms;
    }
    // Unsent bytes move along (`sentlen` indexes the same contents).
    if new_size > 0 && new_size >= c.buf.len() {
        let mut nb = Vec::with_capacity(new_size);
        nb.extend_from_slice(&c.buf);
        c.buf = nb;
    }
}

fn is_v4_mapped_loopback(ip: std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V6(v6) => v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
        _ => false,
    }
}

/// Redis's protected-mode refusal, as one line.
pub const DENIED_MSG: &str = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";
