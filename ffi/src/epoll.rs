//! The poller: a thin, level-triggered wrapper over `epoll(7)` (nix's `Epoll`).
//!
//! Its interface is what ae's `ae_epoll.c` offers: create, add, modify,
//! delete, wait. The loop's rules (readable before writable, the barrier
//! inversion, hooks, time events) live above it in `src/event`.
//! Level-triggered, like ae_epoll: a handler that leaves data unread is woken
//! again on the next pass, which is what the I/O-thread hand-off relies on.

use nix::errno::Errno;
use nix::sys::epoll::{Epoll, EpollCreateFlags, EpollEvent, EpollFlags, EpollTimeout};
use std::io;
use std::os::fd::{AsFd, BorrowedFd};

pub const READABLE: u32 = 1;
pub const WRITABLE: u32 = 2;

/// One readiness report: the `data` the fd was registered with and the
/// ae-style mask (errors and hang-ups are reported as both readable and
/// writable, as ae_epoll does, so the handler's read or write sees them).
#[derive(Clone, Copy, Debug, Default)]
pub struct Ready {
    pub data: u64,
    pub mask: u32,
}

pub struct Poller {
    ep: Epoll,
    buf: Vec<EpollEvent>,
}

fn flags_for(mask: u32) -> EpollFlags {
    let mut f = EpollFlags::empty();
    if mask & READABLE != 0 {
        f |= EpollFlags::EPOLLIN;
    }
    if mask & WRITABLE != 0 {
        f |= EpollFlags::EPOLLOUT;
    }
    f
}

fn to_io(e: Errno) -> io::Error {
    io::Error::from_raw_os_error(e as i32)
}

impl Poller {
    /// `epoll_create1(EPOLL_CLOEXEC)`; `setsize` bounds one wait's batch.
    pub fn new(setsize: usize) -> io::Result<Poller> {
        let ep = Epoll::new(EpollCreateFlags::EPOLL_CLOEXEC).map_err(to_io)?;
        Ok(Poller {
            ep,
            buf: vec![EpollEvent::empty(); setsize.clamp(64, 4096)],
        })
    }

    pub fn add(&self, fd: BorrowedFd<'_>, mask: u32, data: u64) -> io::Result<()> {
        self.ep
            .add(fd, EpollEvent::new(flags_for(mask), data))
            .map_err(to_io)
    }

    pub fn modify(&self, fd: BorrowedFd<'_>, mask: u32, data: u64) -> io::Result<()> {
        let mut ev = EpollEvent::new(flags_for(mask), data);
        self.ep.modify(fd, &mut ev).map_err(to_io)
    }

    pub fn delete(&self, fd: BorrowedFd<'_>) -> io::Result<()> {
        self.ep.delete(fd).map_err(to_io)
    }

    /// Waits up to `timeout_ms` (-1 = forever) and appends readiness reports to
    /// `out`. EINTR is not an error: it returns with nothing fired, and the
    /// loop goes round (signals arrive through a signalfd registered here).
    pub fn wait(&mut self, timeout_ms: i32, out: &mut Vec<Ready>) -> io::Result<usize> {
        let timeout = if timeout_ms < 0 {
            EpollTimeout::NONE
        } else {
            EpollTimeout::try_from(timeout_ms).unwrap_or(EpollTimeout::NONE)
        };
        let n = match self.ep.wait(&mut self.buf, timeout) {
            Ok(n) => n,
            Err(Errno::EINTR) => 0,
            Err(e) => return Err(to_io(e)),
        };
        for ev in &self.buf[..n] {
            let f = ev.events();
            let mut mask = 0;
            if f.contains(EpollFlags::EPOLLIN) {
                mask |= READABLE;
            }
            if f.contains(EpollFlags::EPOLLOUT) {
                mask |= WRITABLE;
            }
            if f.intersects(EpollFlags::EPOLLERR | EpollFlags::EPOLLHUP) {
                mask |= READABLE | WRITABLE;
            }
            out.push(Ready {
                data: ev.data(),
                mask,
            });
        }
        // A full batch means more may be waiting: grow for the next pass.
        if n == self.buf.len() && n < 65536 {
            self.buf.resize(n * 2, EpollEvent::empty());
        }
        Ok(n)
    }
}

impl AsFd for Poller {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.ep.0.as_fd()
    }
}
