//! Listening sockets (Redis `listenToPort`, `changeListenPort`,
//! `changeBindAddr`): opening the TCP listeners for `bind` x `port`, and
//! replacing them when CONFIG SET changes either.
//!
//! Threads: main thread only. Listeners live in `Server::listeners`; each
//! is registered with the event loop under `TOKEN_LISTENER | index`, so
//! whenever the vector changes every listener is registered again under its
//! new index.
//!
//! Rebinding follows Redis 7.0: the old TCP listeners are closed first,
//! then the new ones opened; on failure nothing TCP is left listening and
//! the caller (CONFIG SET) restores the previous values and rebinds again,
//! which reopens the old sockets (SO_REUSEADDR makes that immediate).

use crate::config::Config;
use crate::event::{self, EventLoop};
use crate::server::{Listener, ListenerKind, TOKEN_LISTENER};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::fd::AsFd;

/// Opens one TCP listener per `bind` address on `cfg.port` (none when the
/// port is 0). An address with a leading `-` is optional: skipped when it
/// cannot be bound because the address or protocol is unavailable, as in
/// Redis 7. On failure the error is the line Redis logs.
pub fn open_tcp(cfg: &Config) -> Result<Vec<Listener>, String> {
    let port = cfg.port;
    let mut out = Vec::new();
    if port == 0 {
        return Ok(out);
    }
    for b in &cfg.bind {
        let (optional, addr) = match b.strip_prefix('-') {
            Some(a) => (true, a),
            None => (false, b.as_str()),
        };
        let ip: IpAddr = match addr {
            "*" => Ipv4Addr::UNSPECIFIED.into(),
            "::*" => Ipv6Addr::UNSPECIFIED.into(),
            a => a
                .parse()
                .map_err(|_| format!("Invalid bind address '{a}'"))?,
        };
        match ferrodis_ffi::net::listen_tcp(ip, port, cfg.tcp_backlog as i32) {
            Ok(fd) => out.push(Listener {
                fd,
                kind: ListenerKind::Tcp(ip, port),
            }),
            Err(e) if optional && ferrodis_ffi::net::is_unavailable_addr(&e) => {
                log::debug!("Skipping optional bind address {addr}: {e}");
            }
            Err(e) => {
                return Err(format!(
                    "Warning: Could not create server TCP listening socket {addr}:{port}: bind: {}",
                    crate::config::io_err_text(&e)
                ));
            }
        }
    }
    Ok(out)
}

/// Registers every listener with the loop under its index.
pub fn register(el: &mut EventLoop, listeners: &[Listener]) -> Result<(), String> {
    for (i, l) in listeners.iter().enumerate() {
        el.add(l.fd.as_fd(), event::READABLE, TOKEN_LISTENER | i as u64)
            .map_err(|e| format!("epoll_ctl on a listener failed: {e}"))?;
    }
    Ok(())
}

/// CONFIG SET `port` / `bind`: closes the TCP listeners and opens new ones
/// for `cfg`. `what` is Redis's error for the directive ("Unable to listen
/// on this port. Check server logs." / "Failed to bind to specified
/// addresses."). The unix socket listener is kept.
pub fn rebind_tcp(
    el: &mut EventLoop,
    listeners: &mut Vec<Listener>,
    cfg: &Config,
    what: &str,
) -> Result<(), String> {
    for l in listeners.iter() {
        el.forget(l.fd.as_fd());
    }
    // Dropping the old TCP listeners closes them before the new bind.
    listeners.retain(|l| matches!(l.kind, ListenerKind::Unix(_)));
    let opened = open_tcp(cfg);
    let result = match opened {
        Ok(mut tcp) => {
            tcp.append(listeners);
            *listeners = tcp;
            Ok(())
        }
        Err(line) => {
            log::warn!("{line}");
            Err(what.to_string())
        }
    };
    register(el, listeners)?;
    result
}
