//! Debian's redis-server 7.0 as a test oracle: tests that check
//! compatibility run the same commands against ferrodis and a real
//! redis-server started next to it, and compare the raw replies byte for
//! byte. `./test.sh` installs redis-server when it is missing.

use super::{Raw, Server, free_port, resp};
use std::io::Read;
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const REDIS_SERVER: &str = "/usr/bin/redis-server";

/// A real redis-server 7.0 process on a free port, killed on drop.
pub struct Redis {
    pub port: u16,
    child: Child,
    dir: std::path::PathBuf,
}

impl Redis {
    pub fn start() -> Redis {
        Self::start_with(&[])
    }

    /// Starts redis-server with the same defaults the ferrodis harness uses
    /// (no save points, DEBUG enabled), plus `extra` directives.
    pub fn start_with(extra: &[&str]) -> Redis {
        assert!(
            std::path::Path::new(REDIS_SERVER).exists(),
            "{REDIS_SERVER} is missing: run ./test.sh, which installs Debian's redis-server 7.0"
        );
        let port = free_port();
        let dir =
            std::env::temp_dir().join(format!("redis-oracle-{}-{}", std::process::id(), port));
        let _ = std::fs::create_dir_all(&dir);
        let mut args: Vec<String> = vec![
            "--port".into(),
            port.to_string(),
            "--save".into(),
            "".into(),
            "--appendonly".into(),
            "no".into(),
            "--enable-debug-command".into(),
            "yes".into(),
            "--dir".into(),
            dir.to_string_lossy().into_owned(),
            "--logfile".into(),
            dir.join("redis.log").to_string_lossy().into_owned(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let child = Command::new(REDIS_SERVER)
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn redis-server");
        let r = Redis { port, child, dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(s) = TcpStream::connect(("127.0.0.1", port)) {
                let mut raw = Raw { s };
                raw.s
                    .set_read_timeout(Some(Duration::from_secs(2)))
                    .unwrap();
                raw.send(b"PING\r\n");
                let reply = read_reply(&mut raw);
                if reply.starts_with(b"+") || reply.starts_with(b"-") {
                    return r;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("redis-server on port {port} did not start");
    }

    pub fn raw(&self) -> Raw {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to redis-server");
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.set_nodelay(true).unwrap();
        Raw { s }
    }

    pub fn conn(&self) -> redis::Connection {
        redis::Client::open(format!("redis://127.0.0.1:{}/", self.port))
            .expect("client")
            .get_connection()
            .expect("connect to redis-server")
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn byte(r: &mut Raw) -> Option<u8> {
    let mut b = [0u8; 1];
    match r.s.read(&mut b) {
        Ok(1) => Some(b[0]),
        _ => None,
    }
}

fn line(r: &mut Raw, out: &mut Vec<u8>) -> Option<i64> {
    let start = out.len();
    loop {
        let b = byte(r)?;
        out.push(b);
        if out.ends_with(b"\r\n") {
            break;
        }
    }
    // Status and error lines may hold any bytes; only lengths are parsed.
    let text = String::from_utf8_lossy(&out[start..out.len() - 2]);
    Some(text.parse::<i64>().unwrap_or(0))
}

fn frame(r: &mut Raw, out: &mut Vec<u8>) -> Option<()> {
    let t = byte(r)?;
    out.push(t);
    let n = line(r, out)?;
    match t {
        b'$' | b'=' | b'!' if n >= 0 => {
            let mut body = vec![0u8; n as usize + 2];
            r.s.read_exact(&mut body).ok()?;
            out.extend_from_slice(&body);
        }
        b'*' | b'~' | b'>' if n > 0 => {
            for _ in 0..n {
                frame(r, out)?;
            }
        }
        b'%' | b'|' if n > 0 => {
            for _ in 0..2 * n {
                frame(r, out)?;
            }
            if t == b'|' {
                frame(r, out)?;
            }
        }
        _ => {}
    }
    Some(())
}

/// Reads exactly one complete RESP2/RESP3 reply, byte by byte (so nothing
/// of the next reply is consumed). A timeout or EOF returns what came (an
/// empty vector when nothing did: a blocked client's silence).
pub fn read_reply(r: &mut Raw) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = frame(r, &mut out);
    out
}

/// One complete reply, or `None` on a timeout or EOF before its end.
pub fn try_read_reply(r: &mut Raw) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    frame(r, &mut out).map(|()| out)
}

/// One complete reply; a timeout or EOF before its end fails the test.
pub fn expect_reply(r: &mut Raw) -> Vec<u8> {
    let mut out = Vec::new();
    if frame(r, &mut out).is_none() {
        panic!(
            "incomplete reply (timeout or EOF): {:?}",
            String::from_utf8_lossy(&out)
        );
    }
    out
}

/// ferrodis and redis-server side by side, with one raw connection to each.
pub struct Pair {
    pub ours: Server,
    pub redis: Redis,
    pub a: Raw,
    pub b: Raw,
}

impl Pair {
    pub fn start() -> Pair {
        Self::start_with(&[])
    }

    /// Both servers get the same extra directives.
    pub fn start_with(extra: &[&str]) -> Pair {
        let ours = Server::start_with(extra);
        let redis = Redis::start_with(extra);
        let a = ours.raw();
        let b = redis.raw();
        Pair { ours, redis, a, b }
    }

    /// Sends one command to both servers and returns (ferrodis, redis)
    /// raw replies.
    pub fn run_bytes(&mut self, args: &[&[u8]]) -> (Vec<u8>, Vec<u8>) {
        let req = resp(args);
        self.a.send(&req);
        self.b.send(&req);
        (expect_reply(&mut self.a), expect_reply(&mut self.b))
    }

    pub fn run(&mut self, args: &[&str]) -> (Vec<u8>, Vec<u8>) {
        let a: Vec<&[u8]> = args.iter().map(|s| s.as_bytes()).collect();
        self.run_bytes(&a)
    }

    /// Sends one command to both and asserts the raw replies are equal;
    /// returns the reply.
    pub fn same_bytes(&mut self, args: &[&[u8]]) -> Vec<u8> {
        let (ours, theirs) = self.run_bytes(args);
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&theirs),
            "ferrodis (left) and redis-server (right) differ on {:?}",
            args.iter()
                .map(|a| String::from_utf8_lossy(a))
                .collect::<Vec<_>>()
        );
        ours
    }

    pub fn same(&mut self, args: &[&str]) -> Vec<u8> {
        let a: Vec<&[u8]> = args.iter().map(|s| s.as_bytes()).collect();
        self.same_bytes(&a)
    }
}
