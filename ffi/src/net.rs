//! Sockets: listeners (TCP and Unix), accept, and the read/write calls of the
//! client I/O path.
//!
//! Accepted fds are non-blocking and close-on-exec from birth (`accept4`), and
//! become `OwnedFd` at once. `read_spare` reads into a buffer's spare capacity
//! and returns how many bytes the kernel initialised there: the caller (the
//! SDS buffer) is the one place that then extends its length.

use nix::errno::Errno;
use nix::sys::socket::{
    self, AddressFamily, Backlog, SockFlag, SockType, SockaddrIn, SockaddrIn6, SockaddrStorage,
    UnixAddr, sockopt,
};
use std::io::{self, IoSlice};
use std::mem::MaybeUninit;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

fn to_io(e: Errno) -> io::Error {
    io::Error::from_raw_os_error(e as i32)
}

/// Binds and listens on one TCP address. IPv6 listeners are IPV6_V6ONLY so
/// that `bind 127.0.0.1 ::1` can bind both, as Redis does.
pub fn listen_tcp(addr: IpAddr, port: u16, backlog: i32) -> io::Result<OwnedFd> {
    let family = match addr {
        IpAddr::V4(_) => AddressFamily::Inet,
        IpAddr::V6(_) => AddressFamily::Inet6,
    };
    let fd = socket::socket(
        family,
        SockType::Stream,
        SockFlag::SOCK_NONBLOCK | SockFlag::SOCK_CLOEXEC,
        None,
    )
    .map_err(to_io)?;
    socket::setsockopt(&fd, sockopt::ReuseAddr, &true).map_err(to_io)?;
    let sa = SocketAddr::new(addr, port);
    match sa {
        SocketAddr::V4(a) => socket::bind(fd.as_raw_fd(), &SockaddrIn::from(a)),
        SocketAddr::V6(a) => {
            socket::setsockopt(&fd, sockopt::Ipv6V6Only, &true).map_err(to_io)?;
            socket::bind(fd.as_raw_fd(), &SockaddrIn6::from(a))
        }
    }
    .map_err(to_io)?;
    let bl = Backlog::new(backlog.max(1)).unwrap_or(Backlog::MAXCONN);
    socket::listen(&fd, bl).map_err(to_io)?;
    Ok(fd)
}

/// True when a `listen_tcp` failure means the address family, protocol or
/// address is not available on this host (Redis skips such an optional
/// `-addr` bind address instead of failing).
pub fn is_unavailable_addr(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(
            libc::ENOPROTOOPT
                | libc::EPROTONOSUPPORT
                | libc::ESOCKTNOSUPPORT
                | libc::EPFNOSUPPORT
                | libc::EAFNOSUPPORT
                | libc::EADDRNOTAVAIL
        )
    )
}

/// Binds a Unix stream socket at `path` (removing a stale one first, as Redis
/// does) and applies `perm` when non-zero.
pub fn listen_unix(path: &str, perm: u32, backlog: i32) -> io::Result<OwnedFd> {
    let _ = std::fs::remove_file(path);
    let fd = socket::socket(
        AddressFamily::Unix,
        SockType::Stream,
        SockFlag::SOCK_NONBLOCK | SockFlag::SOCK_CLOEXEC,
        None,
    )
    .map_err(to_io)?;
    let ua = UnixAddr::new(path).map_err(to_io)?;
    socket::bind(fd.as_raw_fd(), &ua).map_err(to_io)?;
    if perm != 0 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(perm))?;
    }
    let bl = Backlog::new(backlog.max(1)).unwrap_or(Backlog::MAXCONN);
    socket::listen(&fd, bl).map_err(to_io)?;
    Ok(fd)
}

/// What a peer is: for `protected-mode`, CLIENT LIST `addr=` and logs.
#[derive(Clone, Debug)]
pub enum Peer {
    Tcp(SocketAddr),
    Unix,
}

/// `accept4(2)` with NONBLOCK|CLOEXEC. `Ok(None)` when there is nothing to
/// accept (EAGAIN); EINTR is retried. Other errors (EMFILE, ECONNABORTED...)
/// go to the caller, which logs them and keeps listening.
pub fn accept(listener: BorrowedFd<'_>) -> io::Result<Option<(OwnedFd, Peer)>> {
    loop {
        match socket::accept4(
            listener.as_raw_fd(),
            SockFlag::SOCK_NONBLOCK | SockFlag::SOCK_CLOEXEC,
        ) {
            Ok(raw) => {
                // SAFETY: accept4 just returned this fd; nothing else owns it.
                let fd = unsafe { OwnedFd::from_raw_fd(raw) };
                let peer = match socket::getpeername::<SockaddrStorage>(raw) {
                    Ok(ss) => {
                        if let Some(a) = ss.as_sockaddr_in() {
                            Peer::Tcp(SocketAddr::from(std::net::SocketAddrV4::from(*a)))
                        } else if let Some(a) = ss.as_sockaddr_in6() {
                            Peer::Tcp(SocketAddr::from(std::net::SocketAddrV6::from(*a)))
                        } else {
                            Peer::Unix
                        }
                    }
                    Err(_) => Peer::Unix,
                };
                return Ok(Some((fd, peer)));
            }
            Err(Errno::EINTR) => continue,
            Err(Errno::EAGAIN) => return Ok(None),
            Err(e) => return Err(to_io(e)),
        }
    }
}

/// The local address of a socket (CLIENT LIST `laddr=`).
pub fn local_addr(fd: BorrowedFd<'_>) -> Option<SocketAddr> {
    let ss = socket::getsockname::<SockaddrStorage>(fd.as_raw_fd()).ok()?;
    if let Some(a) = ss.as_sockaddr_in() {
        Some(SocketAddr::from(std::net::SocketAddrV4::from(*a)))
    } else {
        ss.as_sockaddr_in6()
            .map(|a| SocketAddr::from(std::net::SocketAddrV6::from(*a)))
    }
}

/// TCP_NODELAY on, and SO_KEEPALIVE with `interval` seconds of idle before
/// probing (Redis's anetKeepAlive: idle = interval, probes every interval/3).
pub fn tune_tcp(fd: BorrowedFd<'_>, keepalive: u32) {
    // Failures here only cost latency, never correctness: ignore like Redis.
    let _ = socket::setsockopt(&fd, sockopt::TcpNoDelay, &true);
    if keepalive > 0 {
        let _ = socket::setsockopt(&fd, sockopt::KeepAlive, &true);
        let _ = socket::setsockopt(&fd, sockopt::TcpKeepIdle, &keepalive);
        let intvl = (keepalive / 3).max(1);
        let _ = socket::setsockopt(&fd, sockopt::TcpKeepInterval, &intvl);
        let _ = socket::setsockopt(&fd, sockopt::TcpKeepCount, &3);
    }
}

/// `read(2)` into spare capacity. Returns the number of bytes the kernel wrote
/// at the start of `spare` (all of them initialised); 0 means EOF.
/// EINTR is retried; EAGAIN is `ErrorKind::WouldBlock`.
pub fn read_spare(fd: BorrowedFd<'_>, spare: &mut [MaybeUninit<u8>]) -> io::Result<usize> {
    loop {
        // SAFETY: the pointer and length describe `spare`, writable memory we
        // borrow mutably for the call; read(2) writes at most len bytes.
        let n = unsafe {
            libc::read(
                fd.as_raw_fd(),
                spare.as_mut_ptr().cast::<libc::c_void>(),
                spare.len(),
            )
        };
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = io::Error::last_os_error();
        if e.kind() == io::ErrorKind::Interrupted {
            continue;
        }
        return Err(e);
    }
}

/// `write(2)`; EINTR retried, EAGAIN is `WouldBlock`.
pub fn write(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<usize> {
    loop {
        match nix::unistd::write(fd, buf) {
            Ok(n) => return Ok(n),
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(to_io(e)),
        }
    }
}

/// `writev(2)` of up to IOV_MAX slices; EINTR retried.
pub fn writev(fd: BorrowedFd<'_>, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
    let bufs = &bufs[..bufs.len().min(1024)];
    loop {
        match nix::sys::uio::writev(fd, bufs) {
            Ok(n) => return Ok(n),
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(to_io(e)),
        }
    }
}

/// Shuts a socket down both ways (CLIENT KILL of a client another thread may
/// be reading: the fd stays valid until its owner drops it).
pub fn shutdown(fd: BorrowedFd<'_>) {
    let _ = socket::shutdown(fd.as_raw_fd(), socket::Shutdown::Both);
}

/// Keeps the type visible for callers that only need `AsFd`.
pub fn borrow<F: AsFd>(f: &F) -> BorrowedFd<'_> {
    f.as_fd()
}
