//! Threaded I/O under load: every reply of 200 pipelining clients checked,
//! with threaded reads on and off, clients dropping mid-pipeline and QUIT
//! during load; the I/O threads must have done work (their CPU time in
//! /proc, since INFO is not in this branch).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, PartialEq)]
enum R {
    Status(String),
    Err(String),
    Int(i64),
    Bulk(Option<Vec<u8>>),
}

fn read_reply(r: &mut BufReader<TcpStream>) -> std::io::Result<R> {
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    let body = line.trim_end_matches("\r\n").to_string();
    let (t, rest) = body.split_at(1);
    Ok(match t {
        "+" => R::Status(rest.into()),
        "-" => R::Err(rest.into()),
        ":" => R::Int(rest.parse().expect("int reply")),
        "$" => {
            let n: i64 = rest.parse().expect("bulk len");
            if n < 0 {
                R::Bulk(None)
            } else {
                let mut b = vec![0; n as usize + 2];
                r.read_exact(&mut b)?;
                b.truncate(n as usize);
                R::Bulk(Some(b))
            }
        }
        _ => panic!("unexpected reply line {line:?}"),
    })
}

struct Conn {
    w: TcpStream,
    r: BufReader<TcpStream>,
    cid: usize,
    seq: i64,
}

impl Conn {
    fn open(port: u16, cid: usize) -> Conn {
        let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s.set_nodelay(true).unwrap();
        Conn {
            r: BufReader::new(s.try_clone().unwrap()),
            w: s,
            cid,
            seq: 0,
        }
    }

    /// Sends `groups` x (SET, GET, ECHO of a variable-size payload, EXISTS)
    /// and returns the expected replies. (INCR/APPEND are not in this
    /// branch's command table; the sizes vary the read/write lengths.)
    fn send_round(&mut self, groups: usize) -> Vec<R> {
        let mut buf = Vec::new();
        let mut exp = Vec::new();
        let c = self.cid;
        for _ in 0..groups {
            self.seq += 1;
            let v = format!("v{}-{}", c, self.seq);
            let len = (self.seq as usize * 37 + c) % 3000;
            let e: Vec<u8> = (0..len).map(|i| b'a' + ((i + c) % 26) as u8).collect();
            let key = format!("s:{c}");
            buf.extend(common::resp(&[b"SET", key.as_bytes(), v.as_bytes()]));
            buf.extend(common::resp(&[b"GET", key.as_bytes()]));
            buf.extend(common::resp(&[b"ECHO", &e]));
            buf.extend(common::resp(&[b"EXISTS", key.as_bytes(), b"nokey"]));
            exp.push(R::Status("OK".into()));
            exp.push(R::Bulk(Some(v.into_bytes())));
            exp.push(R::Bulk(Some(e)));
            exp.push(R::Int(1));
        }
        self.w.write_all(&buf).expect("send pipeline");
        exp
    }

    fn check(&mut self, exp: Vec<R>) {
        for (k, e) in exp.into_iter().enumerate() {
            let got = read_reply(&mut self.r)
                .unwrap_or_else(|err| panic!("client {} reply {k}: read failed: {err}", self.cid));
            assert_eq!(got, e, "client {} reply {k}", self.cid);
        }
    }
}

/// utime+stime ticks of the process's threads named io_thd_*.
fn io_thread_ticks(pid: u32) -> (usize, u64) {
    let mut n = 0;
    let mut ticks = 0;
    for e in std::fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .flatten()
    {
        let comm = std::fs::read_to_string(e.path().join("comm")).unwrap_or_default();
        if !comm.trim().starts_with("io_thd_") {
            continue;
        }
        n += 1;
        let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
        // Fields after the ")" of comm: state is field 3; utime 14, stime 15.
        let rest = &stat[stat.rfind(')').unwrap() + 2..];
        let f: Vec<&str> = rest.split_whitespace().collect();
        ticks += f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap();
    }
    (n, ticks)
}

/// 200 clients (20 workers x 10 connections) pipelining for `secs`;
/// worker 0 also opens connections that drop mid-pipeline or QUIT.
fn stress(s: &common::Server, secs: u64) -> u64 {
    let port = s.port;
    let stop = Arc::new(AtomicBool::new(false));
    let rounds = Arc::new(AtomicU64::new(0));
    let mut hs = Vec::new();
    for w in 0..20 {
        let stop = stop.clone();
        let rounds = rounds.clone();
        hs.push(std::thread::spawn(move || {
            let mut conns: Vec<Conn> = (0..10).map(|k| Conn::open(port, w * 10 + k)).collect();
            let deadline = Instant::now() + Duration::from_secs(secs + 30);
            let mut churn = 0usize;
            while !stop.load(Ordering::Relaxed) {
                assert!(Instant::now() < deadline, "worker {w} stuck");
                let exps: Vec<Vec<R>> = conns
                    .iter_mut()
                    .enumerate()
                    .map(|(k, c)| c.send_round(1 + (k % 8)))
                    .collect();
                for (c, e) in conns.iter_mut().zip(exps) {
                    c.check(e);
                }
                rounds.fetch_add(1, Ordering::Relaxed);
                if w == 0 {
                    churn += 1;
                    // Drop mid-pipeline: unread replies and half a command.
                    let mut d = Conn::open(port, 100_000 + churn);
                    let _ = d.send_round(50);
                    let _ = d.w.write_all(b"*3\r\n$3\r\nSET\r\n$1\r\nx");
                    drop(d);
                    // QUIT in the middle of a pipeline: replies up to it,
                    // then the connection closes.
                    let mut q = Conn::open(port, 200_000 + churn);
                    let mut buf = common::resp(&[b"PING"]);
                    buf.extend(common::resp(&[b"QUIT"]));
                    buf.extend(common::resp(&[b"PING"]));
                    q.w.write_all(&buf).unwrap();
                    assert_eq!(read_reply(&mut q.r).unwrap(), R::Status("PONG".into()));
                    assert_eq!(read_reply(&mut q.r).unwrap(), R::Status("OK".into()));
                    let mut rest = Vec::new();
                    let _ = q.r.read_to_end(&mut rest);
                    assert!(rest.is_empty(), "data after QUIT: {rest:?}");
                }
            }
        }));
    }
    std::thread::sleep(Duration::from_secs(secs));
    stop.store(true, Ordering::Relaxed);
    for h in hs {
        h.join().expect("worker failed");
    }
    rounds.load(Ordering::Relaxed)
}

fn check_final_state(s: &common::Server) {
    // The server is still healthy and the per-client keys are consistent.
    let mut c = s.conn();
    let v: String = redis::cmd("GET").arg("s:7").query(&mut c).unwrap();
    assert!(v.starts_with("v7-"), "{v}");
    let seq: i64 = v[3..].parse().unwrap();
    assert!(seq > 0);
    let n: i64 = redis::cmd("EXISTS").arg("s:7").query(&mut c).unwrap();
    assert_eq!(n, 1);
}

#[test]
fn stress_threaded_reads_and_writes() {
    let mut s = common::Server::start_with(&["--io-threads", "4", "--io-threads-do-reads", "yes"]);
    let pid = s.child.id();
    let (_, before) = io_thread_ticks(pid);
    let rounds = stress(&s, 20);
    assert!(rounds > 100, "only {rounds} rounds");
    let (n, after) = io_thread_ticks(pid);
    assert_eq!(n, 3, "io-threads 4 = main + 3 io_thd_*");
    // The I/O threads did real work (INFO io_threaded_*_processed would
    // say so too; INFO is not in this branch).
    assert!(after > before, "I/O threads never ran: {before} -> {after}");
    check_final_state(&s);
    assert!(s.alive());
}

#[test]
fn stress_threaded_writes_only() {
    let mut s = common::Server::start_with(&["--io-threads", "3", "--io-threads-do-reads", "no"]);
    let pid = s.child.id();
    let rounds = stress(&s, 6);
    assert!(rounds > 20, "only {rounds} rounds");
    let (n, ticks) = io_thread_ticks(pid);
    assert_eq!(n, 2);
    assert!(ticks > 0, "I/O threads never ran");
    check_final_state(&s);
    assert!(s.alive());
}

#[test]
fn idle_io_threads_sleep() {
    // After load, idle I/O threads must be asleep (futex), not spinning.
    let s = common::Server::start_with(&["--io-threads", "4", "--io-threads-do-reads", "yes"]);
    let pid = s.child.id();
    stress(&s, 2);
    std::thread::sleep(Duration::from_millis(300));
    let (_, t0) = io_thread_ticks(pid);
    std::thread::sleep(Duration::from_secs(2));
    let (_, t1) = io_thread_ticks(pid);
    // 3 spinning threads would burn ~600 ticks in 2 s (at 100 Hz).
    assert!(
        t1 - t0 <= 5,
        "idle I/O threads used {} ticks in 2 s",
        t1 - t0
    );
}

#[test]

fn info_and_client_kill_under_load() {
    let s = common::Server::start_with(&["--io-threads", "4", "--io-threads-do-reads", "yes"]);
    let port = s.port;
    let h = std::thread::spawn(move || {
        let mut conns: Vec<Conn> = (0..40).map(|k| Conn::open(port, k)).collect();
        for _ in 0..200 {
            let exps: Vec<Vec<R>> = conns.iter_mut().map(|c| c.send_round(8)).collect();
            for (c, e) in conns.iter_mut().zip(exps) {
                c.check(e);
            }
        }
    });
    let mut c = s.conn();
    let mut victim = Conn::open(port, 999);
    victim
        .w
        .write_all(&common::resp(&[b"CLIENT", b"ID"]))
        .unwrap();
    let R::Int(id) = read_reply(&mut victim.r).unwrap() else {
        panic!("CLIENT ID")
    };
    let mut active = false;
    for _ in 0..100 {
        let info: String = redis::cmd("INFO").arg("stats").query(&mut c).unwrap();
        if info.contains("io_threads_active:1") {
            active = true;
            assert!(!info.contains("io_threaded_reads_processed:0\r"));
            assert!(!info.contains("io_threaded_writes_processed:0\r"));
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(active, "threaded I/O never became active under load");
    let killed: i64 = redis::cmd("CLIENT")
        .arg("KILL")
        .arg("ID")
        .arg(id)
        .query(&mut c)
        .unwrap();
    assert_eq!(killed, 1);
    let _ = victim.send_round(1);
    assert!(read_reply(&mut victim.r).is_err());
    h.join().unwrap();
}
