//! ae: the event loop, after Redis's `ae.c` over `ae_epoll.c`.
//!
//! Threads: runs on the main thread only; nothing here is `Send`.
//!
//! Ownership: the loop owns the poller, a table of registered file events
//! indexed by fd (mask + a `token` the owner gives meaning to), and the time
//! events. The *handlers* are not stored here: the owner of the loop (the
//! server) implements [`Handler`] and the loop calls back into it, so a
//! handler gets `&mut Server` without any shared-ownership tricks. The fired
//! list is taken out of the loop while handlers run and put back after.
//!
//! Ordering rules of one pass (`process_events`), as in ae:
//! 1. `before_sleep` (write pending replies, handle I/O-thread phases...);
//! 2. wait on epoll, no longer than the nearest time event (0 when the
//!    `dont_wait` flag was set by before_sleep);
//! 3. `after_sleep` (update the cached clock);
//! 4. for each fired fd: readable first, then writable -- unless the fd was
//!    registered with `BARRIER`, which inverts that (write before read, used
//!    when a reply must reach the socket before more input is processed). A
//!    handler may unregister any fd, so each event re-checks the current mask
//!    before it fires;
//! 5. time events that are due.
//!
//! Not done: ae's `AE_DONT_WAIT`-per-call flags beyond `dont_wait`, and the
//! select/kqueue back ends (Linux only, by design).

use ferrodis_ffi::epoll::{Poller, Ready};
use ferrodis_ffi::sys::monotonic_us;
use std::io;
use std::os::fd::{BorrowedFd, RawFd};
use std::time::Duration;

pub const NONE: u32 = 0;
pub const READABLE: u32 = ferrodis_ffi::epoll::READABLE;
pub const WRITABLE: u32 = ferrodis_ffi::epoll::WRITABLE;
/// With WRITABLE: fire the writable handler before the readable one.
pub const BARRIER: u32 = 4;

#[derive(Clone, Copy, Default)]
struct FileEvent {
    mask: u32,
    token: u64,
}

/// Times are CLOCK_MONOTONIC microseconds: plain integer compares on every
/// pass instead of `Instant` arithmetic.
struct TimeEvent {
    id: u64,
    when_us: u64,
    deleted: bool,
}

/// What the loop calls back into. `readable`/`writable` get the fd and the
/// token it was registered with.
pub trait Handler {
    fn event_loop(&mut self) -> &mut EventLoop;
    fn readable(&mut self, fd: RawFd, token: u64);
    fn writable(&mut self, fd: RawFd, token: u64);
    /// A due time event. Return the delay until it fires again, or `None` to
    /// delete it (ae's AE_NOMORE).
    fn time_event(&mut self, id: u64) -> Option<Duration>;
    fn before_sleep(&mut self);
    fn after_sleep(&mut self);
}

pub struct EventLoop {
    poller: Poller,
    events: Vec<FileEvent>,
    fired: Vec<Ready>,
    time_events: Vec<TimeEvent>,
    next_time_id: u64,
    stop: bool,
    dont_wait: bool,
}

impl EventLoop {
    pub fn new(setsize: usize) -> io::Result<EventLoop> {
        Ok(EventLoop {
            poller: Poller::new(setsize)?,
            events: Vec::new(),
            fired: Vec::with_capacity(1024),
            time_events: Vec::new(),
            next_time_id: 0,
            stop: false,
            dont_wait: false,
        })
    }

    /// Adds `mask` to the events watched on `fd` (aeCreateFileEvent). The
    /// token is replaced. Errors from epoll_ctl are returned, never ignored.
    pub fn add(&mut self, fd: BorrowedFd<'_>, mask: u32, token: u64) -> io::Result<()> {
        let raw = std::os::fd::AsRawFd::as_raw_fd(&fd) as usize;
        if raw >= self.events.len() {
            self.events.resize(raw + 1, FileEvent::default());
        }
        let fe = &mut self.events[raw];
        let old = fe.mask;
        let new = old | mask;
        if old & (READABLE | WRITABLE) == 0 {
            self.poller.add(fd, new, raw as u64)?;
        } else if (old ^ new) & (READABLE | WRITABLE) != 0 || token != fe.token {
            self.poller.modify(fd, new, raw as u64)?;
        }
        fe.mask = new;
        fe.token = token;
        Ok(())
    }

    /// Removes `mask` from `fd` (aeDeleteFileEvent); removing WRITABLE also
    /// drops BARRIER. When nothing is left the fd leaves the epoll set.
    pub fn remove(&mut self, fd: BorrowedFd<'_>, mask: u32) -> io::Result<()> {
        let raw = std::os::fd::AsRawFd::as_raw_fd(&fd) as usize;
        let Some(fe) = self.events.get_mut(raw) else {
            return Ok(());
        };
        if fe.mask == NONE {
            return Ok(());
        }
        let mut mask = mask;
        if mask & WRITABLE != 0 {
            mask |= BARRIER;
        }
        let new = fe.mask & !mask;
        let token = fe.token;
        fe.mask = new;
        if new & (READABLE | WRITABLE) == 0 {
            fe.mask = NONE;
            self.poller.delete(fd)
        } else {
            self.poller.modify(fd, new, raw as u64).map(|_| {
                let _ = token;
            })
        }
    }

    /// Forgets an fd the caller is about to close, without a syscall when
    /// nothing was registered. Closing the fd removes it from epoll anyway;
    /// the explicit delete keeps the table and the kernel in step when the fd
    /// is shared (dup'ed) elsewhere.
    pub fn forget(&mut self, fd: BorrowedFd<'_>) {
        let _ = self.remove(fd, READABLE | WRITABLE);
    }

    pub fn mask(&self, fd: RawFd) -> u32 {
        self.events.get(fd as usize).map_or(NONE, |f| f.mask)
    }

    /// Creates a time event firing after `after` (aeCreateTimeEvent).
    pub fn add_timer(&mut self, after: Duration) -> u64 {
        let id = self.next_time_id;
        self.next_time_id += 1;
        self.time_events.push(TimeEvent {
            id,
            when_us: monotonic_us() + after.as_micros() as u64,
            deleted: false,
        });
        id
    }

    pub fn remove_timer(&mut self, id: u64) {
        for te in &mut self.time_events {
            if te.id == id {
                te.deleted = true;
            }
        }
    }

    pub fn stop(&mut self) {
        self.stop = true;
    }

    pub fn stopped(&self) -> bool {
        self.stop
    }

    /// Makes the next poll return at once (work is pending that needs no I/O
    /// readiness, e.g. parsed commands left by a previous pass).
    pub fn set_dont_wait(&mut self) {
        self.dont_wait = true;
    }

    fn nearest_timeout_ms(&self, now_us: u64) -> i32 {
        let mut best: Option<u64> = None;
        for te in &self.time_events {
            if te.deleted {
                continue;
            }
            let d = te.when_us.saturating_sub(now_us);
            best = Some(best.map_or(d, |b| b.min(d)));
        }
        match best {
            None => -1,
            // Round up so a timer is never polled for 0 ms repeatedly.
            Some(d) => d.div_ceil(1000).min(i32::MAX as u64) as i32,
        }
    }
}

/// Runs the loop until `stop()` is called.
pub fn run<H: Handler>(h: &mut H) {
    while !h.event_loop().stop {
        process_events(h);
    }
}

/// One pass of the loop (aeProcessEvents with AE_ALL_EVENTS and both hooks).
pub fn process_events<H: Handler>(h: &mut H) -> usize {
    h.before_sleep();
    let el = h.event_loop();
    let timeout = if el.dont_wait || el.stop {
        0
    } else {
        el.nearest_timeout_ms(monotonic_us())
    };
    el.dont_wait = false;
    let mut fired = std::mem::take(&mut el.fired);
    fired.clear();
    if let Err(e) = el.poller.wait(timeout, &mut fired) {
        // epoll_wait can only fail for a broken epoll fd: an invariant, not a
        // client's doing.
        panic!("epoll_wait failed on the server's own epoll fd: {e}");
    }
    h.after_sleep();
    let mut processed = 0;
    for ev in &fired {
        let fd = ev.data as RawFd;
        let fe = h.event_loop().events[fd as usize];
        let invert = fe.mask & BARRIER != 0;
        let mut fired_read = false;
        if !invert && fe.mask & ev.mask & READABLE != 0 {
            h.readable(fd, fe.token);
            fired_read = true;
        }
        // Re-read: the read handler may have closed or re-registered the fd.
        let fe = h.event_loop().events[fd as usize];
        if fe.mask & ev.mask & WRITABLE != 0 {
            h.writable(fd, fe.token);
        }
        if invert {
            let fe = h.event_loop().events[fd as usize];
            if fe.mask & ev.mask & READABLE != 0 && !fired_read {
                h.readable(fd, fe.token);
            }
        }
        processed += 1;
    }
    h.event_loop().fired = fired;
    processed + process_time_events(h)
}

fn process_time_events<H: Handler>(h: &mut H) -> usize {
    let now = monotonic_us();
    let el = h.event_loop();
    if !el.time_events.iter().any(|t| t.when_us <= now || t.deleted) {
        return 0;
    }
    el.time_events.retain(|t| !t.deleted);
    // Only events that exist now run in this pass (ae's maxId rule): a timer
    // created by a timer handler waits for the next pass.
    let due: Vec<u64> = el
        .time_events
        .iter()
        .filter(|t| t.when_us <= now)
        .map(|t| t.id)
        .collect();
    for id in &due {
        let next = h.time_event(*id);
        let el = h.event_loop();
        if let Some(te) = el.time_events.iter_mut().find(|t| t.id == *id) {
            match next {
                Some(d) => te.when_us = monotonic_us() + d.as_micros() as u64,
                None => te.deleted = true,
            }
        }
    }
    due.len()
}
