//! list-compress-depth: replies with compressed inner nodes equal those of
//! an uncompressed list; MEMORY USAGE reflects the compression.
mod common;

use common::q;

use redis::Value;

fn run_ops(c: &mut redis::Connection, key: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut q = |cmd: redis::Cmd| out.push(cmd.query::<Value>(c).unwrap());
    // 4000 compressible 16-byte members: many 8 KiB nodes.
    for chunk in 0..40 {
        let vals: Vec<String> = (0..100)
            .map(|i| format!("{:016}", chunk * 100 + i))
            .collect();
        q(redis::cmd("RPUSH").arg(key).arg(&vals).clone());
    }
    q(redis::cmd("LPUSH").arg(key).arg("head").clone());
    q(redis::cmd("LRANGE").arg(key).arg(0).arg(-1).clone());
    q(redis::cmd("LRANGE").arg(key).arg(1500).arg(1600).clone());
    q(redis::cmd("LINDEX").arg(key).arg(2000).clone());
    q(redis::cmd("LINDEX").arg(key).arg(-1777).clone());
    q(redis::cmd("LSET").arg(key).arg(2222).arg("changed").clone());
    q(redis::cmd("LINSERT")
        .arg(key)
        .arg("BEFORE")
        .arg(format!("{:016}", 1234))
        .arg("ins")
        .clone());
    q(redis::cmd("LINSERT")
        .arg(key)
        .arg("AFTER")
        .arg(format!("{:016}", 3000))
        .arg("ins")
        .clone());
    q(redis::cmd("LPOS")
        .arg(key)
        .arg("ins")
        .arg("COUNT")
        .arg(0)
        .clone());
    q(redis::cmd("LPOS")
        .arg(key)
        .arg(format!("{:016}", 3500))
        .clone());
    q(redis::cmd("LREM").arg(key).arg(1).arg("ins").clone());
    q(redis::cmd("LREM")
        .arg(key)
        .arg(0)
        .arg(format!("{:016}", 100))
        .clone());
    q(redis::cmd("LTRIM").arg(key).arg(5).arg(-6).clone());
    q(redis::cmd("LMOVE")
        .arg(key)
        .arg(key)
        .arg("LEFT")
        .arg("RIGHT")
        .clone());
    q(redis::cmd("RPOP").arg(key).arg(3).clone());
    q(redis::cmd("LPOP").arg(key).arg(3).clone());
    q(redis::cmd("LLEN").arg(key).clone());
    q(redis::cmd("OBJECT").arg("ENCODING").arg(key).clone());
    q(redis::cmd("LRANGE").arg(key).arg(0).arg(-1).clone());
    out
}

fn mem(c: &mut redis::Connection, key: &str) -> i64 {
    q(c, &["MEMORY", "USAGE", key, "SAMPLES", "0"])
}

fn fill(c: &mut redis::Connection, key: &str) {
    for chunk in 0..40 {
        let vals: Vec<String> = (0..100)
            .map(|i| format!("{:016}", chunk * 100 + i))
            .collect();
        let mut args = vec!["RPUSH", key];
        args.extend(vals.iter().map(|v| v.as_str()));
        q::<i64>(c, &args);
    }
}

#[test]
fn compressed_list_replies_match_uncompressed() {
    let s = common::Server::start_with(&["--list-compress-depth", "1"]);
    let mut c = s.conn();
    let depth: Vec<String> = q(&mut c, &["CONFIG", "GET", "list-compress-depth"]);
    assert_eq!(depth, ["list-compress-depth", "1"]);
    let compressed = run_ops(&mut c, "z");
    let _: () = q(&mut c, &["CONFIG", "SET", "list-compress-depth", "0"]);
    let plain = run_ops(&mut c, "p");
    assert_eq!(compressed.len(), plain.len());
    for (i, (a, b)) in compressed.iter().zip(&plain).enumerate() {
        assert_eq!(a, b, "reply {i}");
    }
    assert_eq!(compressed.last(), plain.last());
    let enc: String = q(&mut c, &["OBJECT", "ENCODING", "z"]);
    assert_eq!(enc, "quicklist");
}

#[test]
fn memory_usage_reflects_compression_and_config_set() {
    let s = common::Server::start_with(&["--list-compress-depth", "1"]);
    let mut c = s.conn();
    fill(&mut c, "z");
    let _: () = q(&mut c, &["CONFIG", "SET", "list-compress-depth", "0"]);
    fill(&mut c, "p");
    // The depth is fixed per list at creation: "z" stays compressed.
    let (mz, mp) = (mem(&mut c, "z"), mem(&mut c, "p"));
    assert!(mz * 2 < mp, "compressed {mz} vs plain {mp}");
    let _: () = q(&mut c, &["CONFIG", "SET", "list-compress-depth", "2"]);
    fill(&mut c, "z2");
    let mz2 = mem(&mut c, "z2");
    // Only ~9 nodes: 4 stay raw at depth 2.
    assert!(mz2 * 4 < mp * 3, "depth 2: {mz2} vs plain {mp}");
    let a: Vec<Vec<u8>> = q(&mut c, &["LRANGE", "z2", "0", "-1"]);
    let b: Vec<Vec<u8>> = q(&mut c, &["LRANGE", "p", "0", "-1"]);
    assert_eq!(a.len(), 4000);
    assert_eq!(a, b);
}
