//! Pipelined side-by-side runs against ferrodis and redis-server for the
//! bitmap and HyperLogLog tests: many commands are written at once and the
//! replies read back through a buffer, so a test can send a million
//! elements in a few seconds (the shared `oracle::read_reply` reads a byte
//! per system call).

#![allow(dead_code)]

use crate::common::oracle::Pair;
use crate::common::resp;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// One buffered connection.
pub struct Conn {
    s: TcpStream,
    buf: Vec<u8>,
    pos: usize,
}

/// End of the reply frame starting at `b[pos]`, or None while incomplete.
fn frame_end(b: &[u8], pos: usize) -> Option<usize> {
    let nl = b[pos..].windows(2).position(|w| w == b"\r\n")? + pos;
    let t = *b.get(pos)?;
    let n: i64 = std::str::from_utf8(&b[pos + 1..nl])
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut end = nl + 2;
    match t {
        b'$' | b'=' | b'!' if n >= 0 => {
            end += n as usize + 2;
            (end <= b.len()).then_some(end)
        }
        b'*' | b'~' | b'>' | b'%' if n > 0 => {
            let items = if t == b'%' { 2 * n } else { n };
            for _ in 0..items {
                end = frame_end(b, end)?;
            }
            Some(end)
        }
        _ => Some(end),
    }
}

impl Conn {
    pub fn new(s: TcpStream) -> Conn {
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        Conn {
            s,
            buf: Vec::new(),
            pos: 0,
        }
    }

    pub fn send(&mut self, req: &[u8]) {
        self.s.write_all(req).expect("write");
    }

    /// One whole reply, raw.
    pub fn reply(&mut self) -> Vec<u8> {
        let mut chunk = vec![0u8; 1 << 16];
        loop {
            if self.pos < self.buf.len()
                && let Some(end) = frame_end(&self.buf, self.pos)
            {
                let r = self.buf[self.pos..end].to_vec();
                self.pos = end;
                if self.pos == self.buf.len() {
                    self.buf.clear();
                    self.pos = 0;
                }
                return r;
            }
            let k = self.s.read(&mut chunk).expect("read reply (timed out?)");
            assert!(k > 0, "connection closed (server crashed?)");
            self.buf.extend_from_slice(&chunk[..k]);
        }
    }
}

/// ferrodis and redis-server with a buffered connection to each.
pub struct Both {
    pub pair: Pair,
    pub a: Conn,
    pub b: Conn,
}

impl Both {
    pub fn start() -> Both {
        Both::start_with(&[])
    }

    pub fn start_with(extra: &[&str]) -> Both {
        let pair = Pair::start_with(extra);
        let a = Conn::new(pair.ours.raw().s);
        let b = Conn::new(pair.redis.raw().s);
        Both { pair, a, b }
    }

    /// Sends each command to both servers (pipelined) and returns both
    /// servers' replies in order.
    pub fn run_all(&mut self, cmds: &[Vec<Vec<u8>>]) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut req = Vec::new();
        for c in cmds {
            let args: Vec<&[u8]> = c.iter().map(|a| a.as_slice()).collect();
            req.extend_from_slice(&resp(&args));
        }
        self.a.send(&req);
        self.b.send(&req);
        let ours: Vec<Vec<u8>> = cmds.iter().map(|_| self.a.reply()).collect();
        let theirs: Vec<Vec<u8>> = cmds.iter().map(|_| self.b.reply()).collect();
        ours.into_iter().zip(theirs).collect()
    }

    /// Pipelined; asserts every reply is byte-identical.
    pub fn same_all(&mut self, cmds: &[Vec<Vec<u8>>]) -> Vec<Vec<u8>> {
        let replies = self.run_all(cmds);
        for (c, (x, y)) in cmds.iter().zip(&replies) {
            assert!(
                x == y,
                "ferrodis (left) and redis-server (right) differ on {}:\n{}\n{}",
                show(c),
                String::from_utf8_lossy(&x[..x.len().min(2000)]),
                String::from_utf8_lossy(&y[..y.len().min(2000)])
            );
        }
        replies.into_iter().map(|(x, _)| x).collect()
    }

    pub fn same_bytes(&mut self, args: &[&[u8]]) -> Vec<u8> {
        let cmd: Vec<Vec<u8>> = args.iter().map(|a| a.to_vec()).collect();
        self.same_all(&[cmd]).pop().unwrap()
    }

    pub fn same(&mut self, args: &[&str]) -> Vec<u8> {
        let a: Vec<&[u8]> = args.iter().map(|s| s.as_bytes()).collect();
        self.same_bytes(&a)
    }

    /// Asserts the stored bytes of each key (GET) are identical.
    pub fn same_values(&mut self, keys: &[&str]) {
        let cmds: Vec<Vec<Vec<u8>>> = keys
            .iter()
            .map(|k| vec![b"GET".to_vec(), k.as_bytes().to_vec()])
            .collect();
        self.same_all(&cmds);
    }
}

/// A command as text for failure messages.
pub fn show(c: &[Vec<u8>]) -> String {
    c.iter()
        .map(|a| {
            let s = String::from_utf8_lossy(&a[..a.len().min(64)]).into_owned();
            if a.len() > 64 {
                format!("{s}...({} bytes)", a.len())
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Builds a command from string-ish parts.
pub fn cmd(parts: &[&[u8]]) -> Vec<Vec<u8>> {
    parts.iter().map(|p| p.to_vec()).collect()
}
