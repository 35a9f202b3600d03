//! Random input on many connections at once must neither crash the server
//! nor touch data it already holds.
mod common;

use common::Rng;
use std::io::Write;
use std::time::Duration;

/// Starts of real-looking requests, so the fuzz reaches past the first
/// byte of the parser (bulk headers, bulk bodies, big counts).
const PREFIXES: &[&[u8]] = &[
    b"*3\r\n$3\r\nSET\r\n$",
    b"*2\r\n$4\r\nECHO\r\n$",
    b"*1\r\n$4\r\nPING\r\n",
    b"*100000\r\n",
    b"*2\r\n$3\r\nGET\r\n$1000000\r\n",
    b"$5\r\n",
    b"PING\r\n",
    b"ECHO \"abc",
    b"*5\r\n$1\r\n",
    b"\r\n",
];

/// Sends ~64 KB of noise. Most noise is a protocol error that makes the
/// server close the connection; then a new connection carries on, so the
/// whole 64 KB goes through the parser (bounded: at most 256 connections).
fn fuzz_connection(port: u16, seed: u64) -> usize {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut sent = 0usize;
    let mut conns = 0;
    while sent < 64 * 1024 && conns < 256 {
        conns += 1;
        let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
            continue;
        };
        s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
        while sent < 64 * 1024 {
            let mut chunk = Vec::new();
            if rng.below(3) == 0 {
                chunk.extend_from_slice(PREFIXES[rng.below(PREFIXES.len() as u64) as usize]);
            }
            let n = 1 + rng.below(4096) as usize;
            for _ in 0..n {
                chunk.push(rng.next() as u8);
            }
            // The server may already have closed us on a protocol error.
            if s.write_all(&chunk).is_err() {
                break;
            }
            sent += chunk.len();
        }
    }
    sent
}

#[test]
fn random_input_on_many_connections() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut p = redis::pipe();
    for i in 0..1000 {
        p.cmd("SET")
            .arg(format!("fz:data:{i}"))
            .arg(format!("value-{i}"))
            .ignore();
    }
    let _: () = p.query(&mut c).unwrap();

    let port = s.port;
    let threads: Vec<_> = (0..100u64)
        .map(|i| std::thread::spawn(move || fuzz_connection(port, i + 1)))
        .collect();
    let total: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert!(total >= 100 * 60 * 1024, "only {total} bytes of noise sent");

    let mut s = s;
    assert!(s.alive(), "server died under fuzzing");
    let mut c = s.conn();
    let pong: String = redis::cmd("PING").query(&mut c).unwrap();
    assert_eq!(pong, "PONG");
    let mut p = redis::pipe();
    for i in 0..1000 {
        p.cmd("GET").arg(format!("fz:data:{i}"));
    }
    let vals: Vec<Option<String>> = p.query(&mut c).unwrap();
    for (i, v) in vals.iter().enumerate() {
        assert_eq!(v.as_deref(), Some(format!("value-{i}").as_str()), "key {i}");
    }
    // The fuzzing connections are gone (or going): the server accepts more.
    let mut r = s.raw();
    assert_eq!(r.roundtrip_line(b"PING\r\n"), "+PONG\r\n");
}
