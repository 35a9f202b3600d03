//! Process lifecycle: signals, pid file, unix socket, systemd notification,
//! start-up logging.
mod common;

use std::io::{Read, Write};
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn wait_exit(child: &mut std::process::Child, secs: u64) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            return st;
        }
        assert!(Instant::now() < deadline, "server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigterm_shuts_down_gracefully_and_removes_pidfile() {
    let port = common::free_port();
    let dir = std::env::temp_dir().join(format!("ferrodis-life-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pidfile = dir.join("f.pid");
    let log = dir.join("f.log");
    let args: Vec<String> = [
        "--port",
        &port.to_string(),
        "--save",
        "",
        "--pidfile",
        pidfile.to_str().unwrap(),
        "--logfile",
        log.to_str().unwrap(),
        "--dir",
        dir.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut s = common::Server::spawn(port, dir.clone(), &args);
    let pid = std::fs::read_to_string(&pidfile).unwrap();
    assert_eq!(pid.trim(), s.child.id().to_string());
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("Server initialized"), "{text}");
    assert!(text.contains("Ready to accept connections tcp"), "{text}");
    // Redis's line format: "<pid>:M <dd> <Mon> <yyyy> <hh:mm:ss.mmm> <mark> msg"
    let line = text
        .lines()
        .find(|l| l.contains("Server initialized"))
        .unwrap();
    let mut parts = line.split(' ');
    assert_eq!(parts.next().unwrap(), format!("{}:M", s.child.id()));
    nix_kill(s.child.id(), "TERM");
    let st = wait_exit(&mut s.child, 10);
    assert!(st.success(), "exit status {st:?}");
    assert!(!pidfile.exists(), "pid file left behind");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("Received SIGTERM scheduling shutdown"),
        "{text}"
    );
}

fn nix_kill(pid: u32, sig: &str) {
    let ok = Command::new("kill")
        .arg(format!("-{sig}"))
        .arg(pid.to_string())
        .status()
        .unwrap();
    assert!(ok.success());
}

#[test]
fn unix_socket_serves_commands() {
    let port = common::free_port();
    let dir = std::env::temp_dir().join(format!("ferrodis-unix-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sock = dir.join("f.sock");
    let args: Vec<String> = [
        "--port",
        &port.to_string(),
        "--save",
        "",
        "--unixsocket",
        sock.to_str().unwrap(),
        "--unixsocketperm",
        "700",
        "--dir",
        dir.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let _s = common::Server::spawn(port, dir.clone(), &args);
    let mut u = UnixStream::connect(&sock).unwrap();
    u.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    u.write_all(b"SET k v\r\nGET k\r\n").unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    while !got.ends_with(b"$1\r\nv\r\n") {
        let n = u.read(&mut buf).unwrap();
        assert!(n > 0);
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, b"+OK\r\n$1\r\nv\r\n");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&sock).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
}

#[test]
fn supervised_systemd_sends_ready() {
    let port = common::free_port();
    let dir = std::env::temp_dir().join(format!("ferrodis-sd-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let notify = dir.join("notify.sock");
    let rx = UnixDatagram::bind(&notify).unwrap();
    rx.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ferrodis-server"))
        .args([
            "--port",
            &port.to_string(),
            "--save",
            "",
            "--supervised",
            "systemd",
        ])
        .arg("--dir")
        .arg(&dir)
        .env("NOTIFY_SOCKET", &notify)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut buf = [0u8; 512];
    let n = rx.recv(&mut buf).expect("no sd_notify message");
    let msg = String::from_utf8_lossy(&buf[..n]).into_owned();
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(msg.contains("READY=1"), "{msg}");
    assert!(
        msg.contains(&format!(
            "STATUS=Ready to accept connections on port {port}"
        )),
        "{msg}"
    );
}

#[test]
fn bad_config_line_is_fatal() {
    let out = Command::new(env!("CARGO_BIN_EXE_ferrodis-server"))
        .args(["--port", "notaport"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("FATAL CONFIG FILE ERROR"), "{err}");
    assert!(err.contains("port"), "{err}");
}

/// Polls the server log until `pred` holds (start-up lines are written
/// before the server answers, but the file is read while it grows).
fn log_until(s: &common::Server, pred: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let log = s.log();
        if pred(&log) || Instant::now() > deadline {
            return log;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn always_show_logo_prints_the_banner_with_pid_and_port() {
    let s = common::Server::start_with(&["--always-show-logo", "yes"]);
    let pid = s.child.id();
    let log = log_until(&s, |l| l.contains("Ready to accept connections"));
    // The lines tools wait for, as Redis's banner has them.
    assert!(log.contains(&format!("PID: {pid}\n")), "{log}");
    assert!(log.contains(&format!("Port: {}\n", s.port)), "{log}");
    assert!(log.contains("Running in standalone mode"), "{log}");
    assert!(!log.contains("Running mode=standalone"), "{log}");
    let banner = log.find("PID: ").unwrap();
    assert!(banner < log.find("Ready to accept connections").unwrap());
}

#[test]
fn without_logo_the_running_mode_line_is_logged() {
    // Logging to a file, not a terminal: Redis's one-line notice.
    let s = common::Server::start();
    let log = log_until(&s, |l| l.contains("Ready to accept connections"));
    assert!(
        log.contains(&format!("* Running mode=standalone, port={}.\n", s.port)),
        "{log}"
    );
    assert!(!log.contains("PID: "), "{log}");
}

#[test]
fn directives_without_effect_are_named_in_one_startup_warning() {
    let s = common::Server::start_with(&[
        "--notify-keyspace-events",
        "KEA",
        "--slave-serve-stale-data",
        "no",
        "--repl-diskless-sync-delay",
        "7",
        "--hz",
        "20",
    ]);
    let log = log_until(&s, |l| l.contains("Ready to accept connections"));
    let warnings: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("no effect yet"))
        .collect();
    assert_eq!(warnings.len(), 1, "{log}");
    let w = warnings[0];
    assert!(w.contains(" # "), "logged as a warning: {w}");
    for name in [
        "notify-keyspace-events",
        "replica-serve-stale-data",
        "repl-diskless-sync-delay",
    ] {
        assert!(w.contains(name), "{name} missing: {w}");
    }
    // Implemented ones, defaults, and `save ""` (no snapshots is what
    // happens) are not named.
    for name in ["hz", "save", "appendonly"] {
        assert!(
            !w.contains(&format!(" {name},")) && !w.ends_with(&format!(" {name}")),
            "{w}"
        );
    }
    // And CONFIG GET shows the stored values.
    let mut c = s.conn();
    let v: Vec<String> = common::q(&mut c, &["CONFIG", "GET", "notify-keyspace-events"]);
    assert_eq!(v, ["notify-keyspace-events", "AKE"]);
}
