//! CONFIG GET / SET / REWRITE / RESETSTAT / HELP, and config-file start-up.
mod common;

use common::{err, q};
use std::collections::HashMap;

fn get(c: &mut redis::Connection, pats: &[&str]) -> HashMap<String, String> {
    let mut args = vec!["CONFIG", "GET"];
    args.extend_from_slice(pats);
    let v: Vec<String> = q(c, &args);
    assert_eq!(v.len() % 2, 0);
    let m: HashMap<String, String> = v.chunks(2).map(|p| (p[0].clone(), p[1].clone())).collect();
    assert_eq!(m.len() * 2, v.len(), "duplicate names in {v:?}");
    m
}

#[test]
fn config_get_globs_and_dedup() {
    let s = common::Server::start_with(&["--hz", "12"]);
    let mut c = s.conn();
    let m = get(&mut c, &["hz"]);
    assert_eq!(m.len(), 1);
    assert_eq!(m["hz"], "12");
    let m = get(&mut c, &["maxmemory*"]);
    assert!(m.contains_key("maxmemory"));
    assert!(m.contains_key("maxmemory-policy"));
    assert!(m.keys().all(|k| k.starts_with("maxmemory")));
    // Several patterns, overlapping: each parameter once.
    let m = get(&mut c, &["port", "PORT", "po*", "hz"]);
    assert_eq!(m["port"], s.port.to_string());
    assert_eq!(m["hz"], "12");
    let m = get(&mut c, &["nosuch*"]);
    assert!(m.is_empty());

    // RESP2 wire shape: a flat name/value array (RESP3 would make it a
    // map; HELLO is not in this branch yet, so only RESP2 is checked).
    let mut r = s.raw();
    r.send(&common::resp(&[b"CONFIG", b"GET", b"hz", b"h?"]));
    let got = r.read_until(b"$2\r\n12\r\n");
    assert_eq!(got, b"*2\r\n$2\r\nhz\r\n$2\r\n12\r\n");
}

#[test]
fn config_set_pairs_and_errors() {
    let s = common::Server::start();
    let mut c = s.conn();
    let ok: String = q(
        &mut c,
        &[
            "CONFIG",
            "SET",
            "hz",
            "33",
            "maxmemory-policy",
            "allkeys-lru",
        ],
    );
    assert_eq!(ok, "OK");
    let m = get(&mut c, &["hz", "maxmemory-policy"]);
    assert_eq!(m["hz"], "33");
    assert_eq!(m["maxmemory-policy"], "allkeys-lru");
    // The server follows: INFO reports the new hz.
    let info: String = q(&mut c, &["INFO", "server"]);
    assert!(info.contains("\r\nconfigured_hz:33\r\n"), "{info}");
    assert!(info.contains("\r\nhz:33\r\n"), "{info}");

    let e = err(&mut c, &["CONFIG", "SET", "nosuch", "1"]);
    assert!(
        e.contains("Unknown option or number of arguments for CONFIG SET - 'nosuch'"),
        "{e}"
    );
    let e = err(&mut c, &["CONFIG", "SET", "databases", "3"]);
    assert!(
        e.contains(
            "CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"
        ),
        "{e}"
    );
    let e = err(&mut c, &["CONFIG", "SET", "dir", "/tmp"]);
    assert!(e.contains("can't set protected config"), "{e}");
    let e = err(&mut c, &["CONFIG", "SET", "hz", "1", "hz", "2"]);
    assert!(e.contains("duplicate parameter"), "{e}");
    let e = err(&mut c, &["CONFIG", "SET", "hz", "5", "maxmemory"]);
    assert!(
        e.contains("wrong number of arguments for 'config|set' command"),
        "{e}"
    );
    // Atomic: a bad value in the second pair leaves the first unchanged.
    let e = err(
        &mut c,
        &["CONFIG", "SET", "hz", "40", "maxmemory-policy", "bogus"],
    );
    assert!(e.contains("argument 'maxmemory-policy'"), "{e}");
    assert_eq!(get(&mut c, &["hz"])["hz"], "33");

    let help: Vec<String> = q(&mut c, &["CONFIG", "HELP"]);
    assert!(help[0].starts_with("CONFIG <subcommand>"));
    assert!(help.iter().any(|l| l.starts_with("REWRITE")));
    let e = err(&mut c, &["CONFIG", "NOSUCH"]);
    assert!(
        e.contains("unknown subcommand 'NOSUCH'. Try CONFIG HELP."),
        "{e}"
    );
    let e = err(&mut c, &["CONFIG", "REWRITE"]);
    assert!(
        e.contains("The server is running without a config file"),
        "{e}"
    );
}

#[test]
fn config_set_protected_allowed_and_loglevel() {
    let s = common::Server::start_with(&["--enable-protected-configs", "yes"]);
    let mut c = s.conn();
    let sub = s.dir.join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    let _: String = q(&mut c, &["CONFIG", "SET", "dir", sub.to_str().unwrap()]);
    let got = get(&mut c, &["dir"])["dir"].clone();
    assert_eq!(
        std::fs::canonicalize(got).unwrap(),
        std::fs::canonicalize(&sub).unwrap()
    );
    let e = err(&mut c, &["CONFIG", "SET", "dir", "/nonexistent/dir/x"]);
    assert!(e.contains("argument 'dir'"), "{e}");
    // loglevel is applied to the logger; here only the stored value is
    // observable.
    let _: String = q(&mut c, &["CONFIG", "SET", "loglevel", "warning"]);
    assert_eq!(get(&mut c, &["loglevel"])["loglevel"], "warning");
}

fn write_conf(dir: &std::path::Path, port: u16, extra: &str) -> std::path::PathBuf {
    let p = dir.join("ferrodis.conf");
    let text = format!(
        "# test config\nport {port}\nsave \"\"\nenable-debug-command yes\nlogfile \"{}\"\n{extra}",
        dir.join("server.log").display()
    );
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn config_rewrite_round_trip() {
    let confdir = std::env::temp_dir().join(format!("ferrodis-conf-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&confdir);
    std::fs::create_dir_all(&confdir).unwrap();
    let port = common::free_port();
    let conf = write_conf(&confdir, port, "hz 10\n");
    let args = vec![conf.to_string_lossy().into_owned()];
    {
        let sdir = confdir.join("run1");
        std::fs::create_dir_all(&sdir).unwrap();
        let s = common::Server::spawn(port, sdir, &args);
        let mut c = s.conn();
        let info: String = q(&mut c, &["INFO", "server"]);
        assert!(info.contains("\r\nconfig_file:"), "{info}");
        assert!(info.contains("ferrodis.conf"), "{info}");
        let _: String = q(
            &mut c,
            &[
                "CONFIG",
                "SET",
                "hz",
                "27",
                "maxmemory-policy",
                "volatile-ttl",
            ],
        );
        let ok: String = q(&mut c, &["CONFIG", "REWRITE"]);
        assert_eq!(ok, "OK");
    }
    let text = std::fs::read_to_string(&conf).unwrap();
    assert!(text.starts_with("# test config\n"), "{text}");
    assert!(text.contains("hz 27"), "{text}");
    {
        let sdir = confdir.join("run2");
        std::fs::create_dir_all(&sdir).unwrap();
        let s = common::Server::spawn(port, sdir, &args);
        let mut c = s.conn();
        let m = get(&mut c, &["hz", "maxmemory-policy"]);
        assert_eq!(m["hz"], "27");
        assert_eq!(m["maxmemory-policy"], "volatile-ttl");
    }
    let _ = std::fs::remove_dir_all(&confdir);
}

#[test]
fn bad_directive_is_fatal() {
    let confdir = std::env::temp_dir().join(format!("ferrodis-badconf-{}", std::process::id()));
    std::fs::create_dir_all(&confdir).unwrap();
    let port = common::free_port();
    let conf = write_conf(&confdir, port, "nosuchdirective yes\n");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ferrodis-server"))
        .arg(&conf)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&confdir);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("*** FATAL CONFIG FILE ERROR"), "{err}");
    assert!(
        err.contains("Reading the configuration file, at line 6"),
        "{err}"
    );
    assert!(err.contains(">>> 'nosuchdirective yes'"), "{err}");
    assert!(
        err.contains("Bad directive or wrong number of arguments"),
        "{err}"
    );
}
