//! Shared harness for the black-box tests: each test starts a real
//! `ferrodis-server` process on a free port and talks to it over real
//! sockets (through the `redis` crate, or raw TCP for protocol edge cases).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

static NEXT_PORT: AtomicU16 = AtomicU16::new(0);

/// A port no other test of this process uses, unlikely to clash with other
/// test binaries running at the same time (each picks a base from its pid).
pub fn free_port() -> u16 {
    let base = 20000 + (std::process::id() % 2000) as u16 * 10;
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
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
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
