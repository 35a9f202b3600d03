//! Shared harness for the black-box tests: each test starts a real
//! `ferrodis-server` process on a free port and talks to it over real
//! sockets (through the `redis` crate, or raw TCP for protocol edge cases).
#![allow(dead_code)]

pub mod oracle;

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

static NEXT_PORT: AtomicU16 = AtomicU16::new(0);

/// A port no other test of this process uses, unlikely to clash with other
/// test binaries running at the same time (each picks a base from its pid).
/// All bases lie below Linux's ephemeral range (32768-60999): a port in it
/// can be picked as the *source* port of a connect to itself, and a TCP
/// self-connect "succeeds" before the server listens (a flaky
/// connection-reset seen once in the suite, with a base of 35150).
pub fn free_port() -> u16 {
    let base = 12000 + (std::process::id() % 1000) as u16 * 20;
    let _ = NEXT_PORT.compare_exchange(0, base, Ordering::SeqCst, Ordering::SeqCst);
    loop {
        let p = NEXT_PORT.fetch_add(1, Ordering::SeqCst);
        if std::net::TcpListener::bind(("127.0.0.1", p)).is_ok() {
            return p;
        }
    }
}

pub struct Server {
    pub port: u16,
    pub child: Child,
    pub dir: std::path::PathBuf,
}

impl Server {
    pub fn start() -> Server {
        Self::start_with(&[])
    }

    /// Starts a server with extra `--directive value` arguments. The debug
    /// command is enabled (tests use DEBUG SLEEP, SET-ACTIVE-EXPIRE...).
    pub fn start_with(extra: &[&str]) -> Server {
        let port = free_port();
        let dir =
            std::env::temp_dir().join(format!("ferrodis-test-{}-{}", std::process::id(), port));
        let _ = std::fs::create_dir_all(&dir);
        let mut args: Vec<String> = vec![
            "--port".into(),
            port.to_string(),
            "--save".into(),
            "".into(),
            "--enable-debug-command".into(),
            "yes".into(),
            "--dir".into(),
            dir.to_string_lossy().into_owned(),
            "--logfile".into(),
            dir.join("server.log").to_string_lossy().into_owned(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        Self::spawn(port, dir, &args)
    }

    /// Starts a server with exactly these arguments (the caller picks the
    /// port and passes `--port`).
    pub fn spawn(port: u16, dir: std::path::PathBuf, args: &[String]) -> Server {
        let child = Command::new(env!("CARGO_BIN_EXE_ferrodis-server"))
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn ferrodis-server");
        let s = Server { port, child, dir };
        s.wait_ready();
        s
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            // Ready means a PING gets a RESP status or error reply (+PONG,
            // or -NOAUTH under requirepass), not just a connect, which a
            // TCP self-connect would also satisfy (it echoes "PING").
            if let Ok(mut t) = TcpStream::connect(("127.0.0.1", self.port)) {
                let _ = t.set_read_timeout(Some(Duration::from_secs(2)));
                let mut buf = [0u8; 64];
                if t.write_all(b"PING\r\n").is_ok()
                    && matches!(t.read(&mut buf), Ok(n) if n > 0 && matches!(buf[0], b'+' | b'-'))
                {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("server on port {} did not start", self.port);
    }

    pub fn client(&self) -> redis::Client {
        redis::Client::open(format!("redis://127.0.0.1:{}/", self.port)).expect("client")
    }

    pub fn conn(&self) -> redis::Connection {
        self.client().get_connection().expect("connect")
    }

    /// A raw TCP connection with a read timeout.
    pub fn raw(&self) -> Raw {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.set_nodelay(true).unwrap();
        Raw { s }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// True while the process runs.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A raw protocol connection.
pub struct Raw {
    pub s: TcpStream,
}

impl Raw {
    pub fn send(&mut self, b: &[u8]) {
        self.s.write_all(b).expect("write");
    }

    /// Reads until `n` bytes arrived (or timeout/EOF); returns what came.
    pub fn read_n(&mut self, n: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = [0u8; 65536];
        while out.len() < n {
            match self.s.read(&mut buf) {
                Ok(0) => break,
                Ok(k) => out.extend_from_slice(&buf[..k]),
                Err(_) => break,
            }
        }
        out
    }

    /// Reads until the accumulated bytes end with `suffix`.
    pub fn read_until(&mut self, suffix: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = [0u8; 65536];
        while !out.ends_with(suffix) {
            match self.s.read(&mut buf) {
                Ok(0) => break,
                Ok(k) => out.extend_from_slice(&buf[..k]),
                Err(_) => break,
            }
        }
        out
    }

    /// Sends a request and reads one line-terminated reply line.
    pub fn roundtrip_line(&mut self, req: &[u8]) -> String {
        self.send(req);
        String::from_utf8_lossy(&self.read_until(b"\r\n")).into_owned()
    }

    /// True if the server closed the connection (read returns EOF).
    pub fn closed(&mut self) -> bool {
        let mut b = [0u8; 1024];
        loop {
            match self.s.read(&mut b) {
                Ok(0) => return true,
                Ok(_) => continue,
                Err(_) => return false,
            }
        }
    }
}

/// Encodes a command as a RESP multibulk.
pub fn resp(args: &[&[u8]]) -> Vec<u8> {
    let mut v = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        v.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        v.extend_from_slice(a);
        v.extend_from_slice(b"\r\n");
    }
    v
}

// ------------------------------------------------------------------------
// Command helpers shared by the per-family test files. Every one of them
// fails the test (panics) when the server answers otherwise than expected:
// an error where a reply was wanted, or a reply where an error was wanted.

/// A redis-crate command built from its words.
pub fn cmd_of(args: &[&str]) -> redis::Cmd {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    cmd
}

/// Runs a command and converts its reply to `T`; an error reply (or a
/// reply of another shape) fails the test.
pub fn q<T: redis::FromRedisValue>(c: &mut redis::Connection, args: &[&str]) -> T {
    cmd_of(args)
        .query(c)
        .unwrap_or_else(|e| panic!("{args:?} failed: {e}"))
}

/// The error reply as "CODE text" (redis-rs splits the code from the
/// text); a successful reply fails the test.
pub fn err_of(r: redis::RedisResult<redis::Value>) -> String {
    let e = r.expect_err("expected an error reply");
    match (e.code(), e.detail()) {
        (Some(code), Some(d)) => format!("{code} {d}"),
        (Some(code), None) => code.to_string(),
        _ => e.to_string(),
    }
}

/// Runs a command that must fail and returns its error as "CODE text".
pub fn err(c: &mut redis::Connection, args: &[&str]) -> String {
    err_of(cmd_of(args).query(c))
}

/// First reply line of a raw round trip, without the CRLF (one read up to
/// a CRLF: fine for the short replies checked this way, and it shows the
/// exact error text).
pub fn line(r: &mut Raw, args: &[&str]) -> String {
    let a: Vec<&[u8]> = args.iter().map(|s| s.as_bytes()).collect();
    r.roundtrip_line(&resp(&a)).trim_end().to_string()
}

pub fn sv(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

pub fn set_of(xs: &[&str]) -> HashSet<String> {
    xs.iter().map(|s| s.to_string()).collect()
}

/// The members a command replies with, as a set; a repeated member fails
/// the test.
pub fn members(c: &mut redis::Connection, args: &[&str]) -> HashSet<String> {
    let v: Vec<String> = q(c, args);
    let n = v.len();
    let s: HashSet<String> = v.into_iter().collect();
    assert_eq!(s.len(), n, "{args:?} repeated a member");
    s
}

pub fn get(c: &mut redis::Connection, k: &str) -> Option<String> {
    q(c, &["GET", k])
}

pub fn set(c: &mut redis::Connection, k: &str, v: &str) {
    let _: () = q(c, &["SET", k, v]);
}

/// OBJECT ENCODING of `key`, None for a missing key; an error reply fails
/// the test.
pub fn encoding(c: &mut redis::Connection, key: &str) -> Option<String> {
    q(c, &["OBJECT", "ENCODING", key])
}

pub fn assert_enc(c: &mut redis::Connection, key: &str, want: &str) {
    assert_eq!(encoding(c, key).as_deref(), Some(want), "encoding of {key}");
}

/// Iterates a SCAN-family command to the end: `prefix` is the words before
/// the cursor (`["HSCAN", key]`, `["SCAN"]`), `extra` those after it.
/// Returns every item and the number of calls; more than 10,000 calls
/// fails the test.
pub fn scan_all(
    c: &mut redis::Connection,
    prefix: &[&str],
    extra: &[&str],
) -> (Vec<String>, usize) {
    let mut cursor = "0".to_string();
    let mut out = Vec::new();
    let mut calls = 0;
    loop {
        let mut args = prefix.to_vec();
        args.push(cursor.as_str());
        args.extend_from_slice(extra);
        let (next, items): (String, Vec<String>) = q(c, &args);
        out.extend(items);
        calls += 1;
        assert!(calls < 10_000, "{prefix:?} does not terminate");
        if next == "0" {
            return (out, calls);
        }
        cursor = next;
    }
}

/// xorshift64*: deterministic, seeded test randomness with no dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
}

/// Redis's WRONGTYPE error as a raw reply line (see `line`).
pub const WRONGTYPE: &str = "-WRONGTYPE Operation against a key holding the wrong kind of value";

/// Every command in `cmds` answers WRONGTYPE (sent raw, so the exact text is
/// checked).
pub fn assert_wrongtype(r: &mut Raw, cmds: &[&[&str]]) {
    for cmd in cmds {
        assert_eq!(line(r, cmd), WRONGTYPE, "{cmd:?}");
    }
}

/// The argument errors every SCAN-family command shares (Redis parses them
/// in one place): `prefix` is the words before the cursor, for a key that
/// exists.
pub fn assert_scan_arg_errors(r: &mut Raw, prefix: &[&str]) {
    let with = |rest: &[&'static str]| -> Vec<&str> {
        let mut v = prefix.to_vec();
        v.extend_from_slice(rest);
        v
    };
    for bad in ["abc", "12x"] {
        assert_eq!(line(r, &with(&[bad])), "-ERR invalid cursor", "{bad}");
    }
    for (rest, want) in [
        (&["0", "COUNT", "0"][..], "-ERR syntax error"),
        (
            &["0", "COUNT", "x"],
            "-ERR value is not an integer or out of range",
        ),
        (&["0", "BOGUS", "1"], "-ERR syntax error"),
        (&["0", "MATCH"], "-ERR syntax error"),
    ] {
        assert_eq!(line(r, &with(rest)), want, "{prefix:?} {rest:?}");
    }
}
