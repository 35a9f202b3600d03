//! Signals for the event loop: SIGTERM/SIGINT are blocked in every thread and
//! read from a signalfd the loop polls, so shutdown runs on the main thread at
//! a clean point of a pass; SIGPIPE is ignored (a write to a closed socket
//! returns EPIPE instead of killing the server).
//!
//! `block_handled()` must run before any thread is spawned: threads inherit
//! the mask, so no worker ever takes a SIGTERM meant for the main loop.

use nix::sys::signal::{SigHandler, SigSet, SigmaskHow, Signal, pthread_sigmask, signal};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use std::io;
use std::os::fd::{AsFd, BorrowedFd};

pub struct Signals {
    sfd: SignalFd,
}

fn handled() -> SigSet {
    let mut s = SigSet::empty();
    s.add(Signal::SIGTERM);
    s.add(Signal::SIGINT);
    s
}

/// Blocks SIGTERM/SIGINT in the calling thread (and so in threads it spawns
/// afterwards) and ignores SIGPIPE process-wide.
pub fn block_handled() -> io::Result<()> {
    pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&handled()), None)
        .map_err(|e| io::Error::from_raw_os_error(e as i32))?;
    // SAFETY: SIG_IGN installs no Rust code as a handler, so there is no
    // async-signal-safety concern.
    unsafe { signal(Signal::SIGPIPE, SigHandler::SigIgn) }
        .map_err(|e| io::Error::from_raw_os_error(e as i32))?;
    Ok(())
}

impl Signals {
    pub fn new() -> io::Result<Signals> {
        let sfd = SignalFd::with_flags(&handled(), SfdFlags::SFD_NONBLOCK | SfdFlags::SFD_CLOEXEC)
            .map_err(|e| io::Error::from_raw_os_error(e as i32))?;
        Ok(Signals { sfd })
    }

    /// Returns the next pending signal number, if any.
    pub fn next_signal(&mut self) -> Option<i32> {
        match self.sfd.read_signal() {
            Ok(Some(info)) => Some(info.ssi_signo as i32),
            _ => None,
        }
    }
}

impl AsFd for Signals {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.sfd.as_fd()
    }
}

pub const SIGTERM: i32 = libc::SIGTERM;
pub const SIGINT: i32 = libc::SIGINT;
