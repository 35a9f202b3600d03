//! Connection commands: HELLO, AUTH, SELECT, QUIT, RESET, CLIENT, and the
//! cross-protocol guard (`POST` / `Host:`).
//!
//! Threads: main thread only, like every command.
//!
//! Ownership: the client running a command is taken out of
//! `Server::clients` for the duration (see networking), so CLIENT LIST /
//! KILL look at `srv.clients` *and* the running client explicitly. Other
//! clients are killed asynchronously (freeClientAsync); the running client
//! kills itself by closing after its reply, as Redis does.
//!
//! Authentication: only the `default` user exists, with the password
//! `requirepass` (no password = Redis's `nopass`, any password accepted for
//! an explicit `default` user). There is no ACL file and no other users.
//!
//! Not done: CLIENT PAUSE/UNPAUSE, TRACKING, CACHING, GETREDIR,
//! TRACKINGINFO, UNBLOCK, NO-TOUCH (7.2). `cmd=` in CLIENT LIST shows the
//! full `container|sub` name only for the running client; other clients show
//! the name call() recorded (the subcommand's own name for subcommands).

use crate::cmd;
use crate::cmd::{Command, flags::*};
use crate::net::client::{Args, Client, flags as cf};
use crate::net::reply::Reply;
use crate::server::Server;

const SYNTAX_ERR: &str = "ERR syntax error";
const WRONGPASS: &str = "WRONGPASS invalid username-password pair or user is disabled.";

const CLIENT_SUBS: &[Command] = &[
    cmd!(
        "id",
        client_id_command,
        2,
        NOSCRIPT | LOADING | STALE,
        0,
        0,
        0,
        "connection",
        "Returns the unique client ID of the connection.",
        "5.0.0"
    ),
    cmd!(
        "setname",
        client_setname_command,
        3,
        NOSCRIPT | LOADING | STALE,
        0,
        0,
        0,
        "connection",
        "Sets the connection name.",
        "2.6.9"
    ),
    cmd!(
        "getname",
        client_getname_command,
        2,
        NOSCRIPT | LOADING | STALE,
        0,
        0,
        0,
        "connection",
        "Returns the name of the connection.",
        "2.6.9"
    ),
    cmd!(
        "list",
        client_list_command,
        -2,
        ADMIN | NOSCRIPT | LOADING | STALE,
        0,
        0,
        0,
        "connection",
        "Lists open connections.",
        "2.4.0"
    ),
    cmd!(
        "info",
        client_info_command,
        2,
        NOSCRIPT | LOADING | STALE,
        0,
        0,
        0,
        "connection",
        "Returns information about the connection.",
        "6.2.0"
    ),
    cmd!(
        "kill",
        client_kill_command,
        -3,
        ADMIN | NOSCRIPT | LOADING | STALE,
        0,
        0,
        0,
        "connection",
        "Terminates open connections.",
        "2.4.0"
    ),
    cmd!(
        "reply",
        client_reply_command,
        3,
        NOSCRIPT | LOADING | STALE,
        0,
        0,
        0,
        "connection",
        "Instructs the server whether to reply to commands.",
        "3.2.0"
    ),
    cmd!(
        "unblock",
        client_unblock_command,
        -3,
        ADMIN | NOSCRIPT | LOADING | STALE,
        0,
        0,
        0,
        "connection",
        "Unblocks a client blocked by a blocking command from a different connection.",
        "5.0.0"
    ),
    cmd!(
        "no-evict",
        client_no_evict_command,
        3,
        ADMIN | NOSCRIPT | LOADING | STALE,
        0,
        0,
        0,
        "connection",
        "Sets the client eviction mode of the connection.",
        "7.0.0"
    ),
    cmd!(
        "setinfo",
        client_setinfo_command,
        4,
        NOSCRIPT | LOADING | STALE,
        0,
        0,
        0,
        "connection",
        "Sets information specific to the client or connection.",
        "7.2.0"
    ),
    cmd!(
        "help",
        client_help_command,
        2,
        LOADING | STALE,
        0,
        0,
        0,
        "connection",
        "Returns helpful text about the different subcommands.",
        "5.0.0"
    ),
];

pub const COMMANDS: &[Command] = &[
    cmd!(
        "select",
        select_command,
        2,
        LOADING | STALE | FAST,
        0,
        0,
        0,
        "connection",
        "Changes the selected database.",
        "1.0.0"
    ),
    cmd!(
        "quit",
        quit_command,
        -1,
        NOSCRIPT | ALLOW_BUSY | NO_AUTH | FAST | LOADING | STALE,
        0,
        0,
        0,
        "connection",
        "Closes the connection.",
        "1.0.0"
    ),
    cmd!(
        "hello",
        hello_command,
        -1,
        NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
        0,
        0,
        0,
        "connection",
        "Handshakes with the Redis server.",
        "6.0.0"
    ),
    cmd!(
        "auth",
        auth_command,
        -2,
        NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
        0,
        0,
        0,
        "connection",
        "Authenticates the connection.",
        "1.0.0"
    ),
    cmd!(
        "reset",
        reset_command,
        1,
        NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
        0,
        0,
        0,
        "connection",
        "Resets the connection.",
        "6.2.0"
    ),
    cmd!(
        "client",
        cmd::container,
        -2,
        0,
        0,
        0,
        0,
        "connection",
        "A container for client connection commands.",
        "2.4.0",
        subs: CLIENT_SUBS
    ),
    cmd!(
        "post",
        security_warning_command,
        -1,
        NO_AUTH | LOADING | STALE,
        0,
        0,
        0,
        "server",
        "An internal command used to detect cross-protocol attacks.",
        "1.0.0"
    ),
    cmd!(
        "host:",
        security_warning_command,
        -1,
        NO_AUTH | LOADING | STALE,
        0,
        0,
        0,
        "server",
        "An internal command used to detect cross-protocol attacks.",
        "1.0.0"
    ),
];

pub fn select_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Some(id) = crate::ds::sds::string2ll(&a[1]) else {
        c.add_error("ERR value is not an integer or out of range");
        return;
    };
    if id < 0 || id as usize >= srv.dbs.len() {
        c.add_error("ERR DB index is out of range");
        return;
    }
    c.db = id as usize;
    c.add_ok();
}

pub fn quit_command(_srv: &mut Server, c: &mut Client, _a: &Args) {
    c.add_ok();
    c.flags |= cf::CLOSE_AFTER_REPLY;
}

/// Compares without an early exit, so the time taken does not tell how
/// many leading bytes of a guess were right (Redis's time-independent
/// password check).
fn const_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= (x ^ y) as usize;
    }
    diff == 0
}

/// ACLAuthenticateUser for the single `default` user. On success the
/// client is authenticated; on failure its state is left as it was.
fn authenticate(srv: &Server, c: &mut Client, user: &[u8], pass: &[u8]) -> bool {
    if user != b"default" {
        return false;
    }
    let ok = srv.cfg.requirepass.is_empty() || const_time_eq(&srv.cfg.requirepass, pass);
    if ok {
        c.authenticated = true;
        c.user = "default";
    }
    ok
}

pub fn auth_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if a.len() > 3 {
        c.add_error(SYNTAX_ERR);
        return;
    }
    let (user, pass): (&[u8], &[u8]) = if a.len() == 2 {
        if srv.cfg.requirepass.is_empty() {
            c.add_error(
                "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
            );
            return;
        }
        (b"default", &a[1])
    } else {
        (&a[1], &a[2])
    };
    if authenticate(srv, c, user, pass) {
        c.add_ok();
    } else {
        c.add_error(WRONGPASS);
    }
}

pub fn hello_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let mut ver = 0i64;
    let mut j = 1;
    if a.len() >= 2 {
        match crate::ds::sds::string2ll(&a[1]) {
            Some(v) => ver = v,
            None => {
                c.add_error("ERR Protocol version is not an integer or out of range");
                return;
            }
        }
        if !(2..=3).contains(&ver) {
            c.add_error("NOPROTO unsupported protocol version");
            return;
        }
        j = 2;
    }
    while j < a.len() {
        let more = a.len() - 1 - j;
        let opt = &a[j];
        if opt.eq_ignore_ascii_case(b"AUTH") && more >= 2 {
            if !authenticate(srv, c, &a[j + 1], &a[j + 2]) {
                c.add_error(WRONGPASS);
                return;
            }
            j += 3;
        } else if opt.eq_ignore_ascii_case(b"SETNAME") && more >= 1 {
            if !set_name_or_reply(c, &a[j + 1]) {
                return;
            }
            j += 2;
        } else {
            c.add_error_parts(&[b"ERR Syntax error in HELLO option '", opt, b"'"]);
            return;
        }
    }
    if !c.authenticated {
        c.add_error(
            "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time",
        );
        return;
    }
    if ver != 0 {
        c.resp = ver as u8;
    }
    c.add_map_len(7);
    c.add_bulk(b"server");
    c.add_bulk(b"redis");
    c.add_bulk(b"version");
    c.add_bulk(crate::config::REDIS_VERSION.as_bytes());
    c.add_bulk(b"proto");
    c.add_int(c.resp as i64);
    c.add_bulk(b"id");
    c.add_int(c.id as i64);
    c.add_bulk(b"mode");
    c.add_bulk(b"standalone");
    c.add_bulk(b"role");
    c.add_bulk(b"master");
    c.add_bulk(b"modules");
    c.add_array_len(0);
}

/// RESET (clearClientConnectionState): back to a fresh connection's state.
pub fn reset_command(srv: &mut Server, c: &mut Client, _a: &Args) {
    // discardTransaction runs whether or not a MULTI is open: it also
    // drops WATCHed keys and a pending DIRTY_CAS.
    c.mstate.clear();
    c.flags &= !(cf::MULTI | cf::DIRTY_CAS | cf::DIRTY_EXEC);
    crate::cmd::multi::unwatch_all(srv, c);
    // Redis 7.0 keeps NO-EVICT across RESET (7.2 clears it).
    c.flags &= !(cf::REPLY_OFF | cf::REPLY_SKIP_NEXT);
    c.db = 0;
    c.resp = 2;
    c.name = None;
    c.user = "default";
    c.authenticated = srv.cfg.requirepass.is_empty();
    c.add_status(b"RESET");
}

/// `POST` and `Host:` are the first words of an HTTP request: somebody is
/// making a browser (or an SSRF) talk to us. Log (at most once a minute) and
/// drop the connection without replying, as Redis does.
pub fn security_warning_command(srv: &mut Server, c: &mut Client, _a: &Args) {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LOGGED_AT: AtomicI64 = AtomicI64::new(0);
    let now = srv.now_ms / 1000;
    if now - LOGGED_AT.load(Ordering::Relaxed) > 60 {
        log::warn!(
            "Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis. This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your Redis instance. Connection aborted."
        );
        LOGGED_AT.store(now, Ordering::Relaxed);
    }
    srv.free_client_async(c);
}

// ---------------------------------------------------------------- CLIENT

pub fn client_id_command(_srv: &mut Server, c: &mut Client, _a: &Args) {
    c.add_int(c.id as i64);
}

/// Redis accepts only printable non-space ASCII in names (and lib names),
/// because CLIENT LIST output is space- and newline-separated.
fn valid_name(name: &[u8]) -> bool {
    name.iter().all(|&b| (b'!'..=b'~').contains(&b))
}

/// clientSetNameOrReply: an empty name clears it. Replies only on error.
fn set_name_or_reply(c: &mut Client, name: &[u8]) -> bool {
    if name.is_empty() {
        c.name = None;
        return true;
    }
    if !valid_name(name) {
        c.add_error("ERR Client names cannot contain spaces, newlines or special characters.");
        return false;
    }
    c.name = Some(name.to_vec());
    true
}

pub fn client_setname_command(_srv: &mut Server, c: &mut Client, a: &Args) {
    if set_name_or_reply(c, &a[2]) {
        c.add_ok();
    }
}

pub fn client_getname_command(_srv: &mut Server, c: &mut Client, _a: &Args) {
    match c.name.clone() {
        Some(n) => c.add_bulk(&n),
        None => c.add_null(),
    }
}

/// Client classes of CLIENT LIST TYPE / CLIENT KILL TYPE. There is no
/// replication or pub/sub here, so every client is `Normal`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ClientType {
    Normal,
    Replica,
    PubSub,
    Master,
}

fn client_type_by_name(name: &[u8]) -> Option<ClientType> {
    let n = name.to_ascii_lowercase();
    match n.as_slice() {
        b"normal" => Some(ClientType::Normal),
        b"slave" | b"replica" => Some(ClientType::Replica),
        b"pubsub" => Some(ClientType::PubSub),
        b"master" => Some(ClientType::Master),
        _ => None,
    }
}

fn client_type(_c: &Client) -> ClientType {
    ClientType::Normal
}

fn flags_string(c: &Client) -> String {
    let mut s = String::new();
    for (f, ch) in [
        (cf::MULTI, 'x'),
        (cf::BLOCKED, 'b'),
        (cf::DIRTY_CAS, 'd'),
        (cf::CLOSE_AFTER_REPLY, 'c'),
        (cf::UNBLOCKED, 'u'),
        (cf::CLOSE_ASAP, 'A'),
        (cf::UNIX_SOCKET, 'U'),
        (cf::NO_EVICT, 'e'),
    ] {
        if c.has(f) {
            s.push(ch);
        }
    }
    if s.is_empty() {
        s.push('N');
    }
    s
}

/// One CLIENT LIST line (catClientInfoString, Redis 7.0 field set), without
/// the trailing newline. `cur_cmd` is the running command's full name when
/// `c` is the client running it. The memory fields are what the client
/// holds now: `qbuf`/`qbuf-free` the query buffer's use and slack, `rbs`/
/// `rbp` the fixed reply buffer's size and recent peak, `obl` its used
/// bytes, `oll`/`omem` the reply blocks and their allocation, and `tot-mem`
/// all of it plus the argument vector and the client itself
/// (getClientMemoryUsage).
pub(crate) fn client_info_line(srv: &Server, c: &Client, cur_cmd: Option<&str>) -> String {
    let us = &srv.cfg.unixsocket;
    let fd = c.raw_fd();
    let mask = srv.el.mask(fd);
    let mut events = String::new();
    if mask & crate::event::READABLE != 0 || cur_cmd.is_some() {
        events.push('r');
    }
    if mask & crate::event::WRITABLE != 0 {
        events.push('w');
    }
    let multi = if c.has(cf::MULTI) {
        c.mstate.len() as i64
    } else {
        -1
    };
    let multi_mem: usize = c
        .mstate
        .iter()
        .map(|q| q.argv.iter().map(|a| a.len()).sum::<usize>() + q.argv.len() * 24)
        .sum();
    let qbuf = c.querybuf.len();
    let qbuf_free = c.querybuf.avail();
    let obl = c.buf.len();
    let oll = c.reply.len();
    let omem = c.output_memory() + oll * std::mem::size_of::<Vec<u8>>();
    let rbs = c.buf.capacity();
    let argv_mem = c.argv_len_sum;
    let argv_vec = c.argv.capacity() * std::mem::size_of::<crate::net::client::Arg>()
        + c.owned_args.capacity() * std::mem::size_of::<Vec<u8>>();
    let tot = std::mem::size_of::<Client>()
        + c.querybuf.capacity()
        + argv_mem
        + argv_vec
        + multi_mem
        + rbs
        + omem;
    let name = c
        .name
        .as_deref()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default();
    format!(
        "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub=0 psub=0 ssub=0 multi={} qbuf={} qbuf-free={} argv-mem={} multi-mem={} rbs={} rbp={} obl={} oll={} omem={} tot-mem={} events={} cmd={} user={} redir=-1 resp={}",
        c.id,
        c.addr_string(us),
        c.local_addr_string(us),
        fd,
        name,
        (srv.now_ms - c.ctime_ms).max(0) / 1000,
        (srv.now_ms - c.last_interaction_ms).max(0) / 1000,
        flags_string(c),
        c.db,
        multi,
        qbuf,
        qbuf_free,
        argv_mem,
        multi_mem,
        rbs,
        c.buf_peak,
        obl,
        oll,
        omem,
        tot,
        events,
        cur_cmd.unwrap_or(c.last_cmd),
        c.user,
        c.resp
    )
}

/// Every client including the running one, in creation (id) order.
fn all_clients<'a>(srv: &'a Server, me: &'a Client) -> Vec<&'a Client> {
    let mut v: Vec<&Client> = srv.clients.iter().flatten().map(|b| &**b).collect();
    v.push(me);
    v.sort_by_key(|c| c.id);
    v
}

pub fn client_list_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let mut type_filter = None;
    let mut ids: Option<Vec<u64>> = None;
    if a.len() == 4 && a[2].eq_ignore_ascii_case(b"type") {
        match client_type_by_name(&a[3]) {
            Some(t) => type_filter = Some(t),
            None => {
                c.add_error_parts(&[b"ERR Unknown client type '", &a[3], b"'"]);
                return;
            }
        }
    } else if a.len() > 3 && a[2].eq_ignore_ascii_case(b"id") {
        let mut v = Vec::new();
        for j in 3..a.len() {
            match crate::ds::sds::string2ll(&a[j]) {
                Some(id) => v.push(id as u64),
                None => {
                    c.add_error("ERR Invalid client ID");
                    return;
                }
            }
        }
        ids = Some(v);
    } else if a.len() != 2 {
        c.add_error(SYNTAX_ERR);
        return;
    }
    let mut out = String::new();
    {
        let clients = all_clients(srv, c);
        let line = |cl: &Client| {
            let cur = (cl.id == c.id).then_some("client|list");
            client_info_line(srv, cl, cur)
        };
        match &ids {
            // With IDs, Redis lists in the order the IDs were given.
            Some(ids) => {
                for id in ids {
                    if let Some(cl) = clients.iter().find(|cl| cl.id == *id) {
                        out.push_str(&line(cl));
                        out.push('\n');
                    }
                }
            }
            None => {
                for cl in clients {
                    if type_filter.is_some_and(|t| t != client_type(cl)) {
                        continue;
                    }
                    out.push_str(&line(cl));
                    out.push('\n');
                }
            }
        }
    }
    c.add_verbatim(out.as_bytes());
}

pub fn client_info_command(srv: &mut Server, c: &mut Client, _a: &Args) {
    let mut line = client_info_line(srv, c, Some("client|info"));
    line.push('\n');
    c.add_verbatim(line.as_bytes());
}

/// The filters of CLIENT KILL (new form); all given ones must match.
#[derive(Default)]
struct KillFilter {
    id: Option<u64>,
    addr: Option<Vec<u8>>,
    laddr: Option<Vec<u8>>,
    user: Option<Vec<u8>>,
    ctype: Option<ClientType>,
    skipme: bool,
}

impl KillFilter {
    fn matches(&self, srv: &Server, cl: &Client) -> bool {
        let us = &srv.cfg.unixsocket;
        self.id.is_none_or(|id| cl.id == id)
            && self
                .addr
                .as_ref()
                .is_none_or(|a| cl.addr_string(us).as_bytes() == a.as_slice())
            && self
                .laddr
                .as_ref()
                .is_none_or(|a| cl.local_addr_string(us).as_bytes() == a.as_slice())
            && self
                .user
                .as_ref()
                .is_none_or(|u| cl.user.as_bytes() == u.as_slice())
            && self.ctype.is_none_or(|t| client_type(cl) == t)
    }
}

pub fn client_kill_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let old_form = a.len() == 3;
    let mut f = KillFilter::default();
    if old_form {
        // CLIENT KILL ip:port: may kill the caller itself.
        f.addr = Some(a[2].to_vec());
        f.skipme = false;
    } else {
        f.skipme = true;
        let mut i = 2;
        while i < a.len() {
            if i + 1 >= a.len() {
                c.add_error(SYNTAX_ERR);
                return;
            }
            let opt = &a[i];
            let val = &a[i + 1];
            if opt.eq_ignore_ascii_case(b"id") {
                match crate::ds::sds::string2ll(val) {
                    Some(id) if id >= 1 => f.id = Some(id as u64),
                    _ => {
                        c.add_error("ERR client-id should be greater than 0");
                        return;
                    }
                }
            } else if opt.eq_ignore_ascii_case(b"type") {
                match client_type_by_name(val) {
                    Some(t) => f.ctype = Some(t),
                    None => {
                        c.add_error_parts(&[b"ERR Unknown client type '", val, b"'"]);
                        return;
                    }
                }
            } else if opt.eq_ignore_ascii_case(b"addr") {
                f.addr = Some(val.to_vec());
            } else if opt.eq_ignore_ascii_case(b"laddr") {
                f.laddr = Some(val.to_vec());
            } else if opt.eq_ignore_ascii_case(b"user") {
                if val != b"default" {
                    c.add_error_parts(&[b"ERR No such user '", val, b"'"]);
                    return;
                }
                f.user = Some(val.to_vec());
            } else if opt.eq_ignore_ascii_case(b"skipme") {
                if val.eq_ignore_ascii_case(b"yes") {
                    f.skipme = true;
                } else if val.eq_ignore_ascii_case(b"no") {
                    f.skipme = false;
                } else {
                    c.add_error(SYNTAX_ERR);
                    return;
                }
            } else {
                c.add_error(SYNTAX_ERR);
                return;
            }
            i += 2;
        }
    }

    let victims: Vec<usize> = srv
        .clients
        .iter()
        .enumerate()
        .filter_map(|(fd, slot)| {
            let cl = slot.as_deref()?;
            (!cl.has(cf::CLOSE_ASAP) && f.matches(srv, cl)).then_some(fd)
        })
        .collect();
    let mut killed = victims.len();
    for fd in victims {
        if let Some(mut cl) = srv.clients[fd].take() {
            srv.free_client_async(&mut cl);
            srv.clients[fd] = Some(cl);
        }
    }
    let kill_self = !f.skipme && f.matches(srv, c);
    if kill_self {
        killed += 1;
    }

    if old_form {
        if killed == 0 {
            c.add_error("ERR No such client");
        } else {
            c.add_ok();
        }
    } else {
        c.add_int(killed as i64);
    }
    // Set after replying so the reply still goes out.
    if kill_self {
        c.flags |= cf::CLOSE_AFTER_REPLY;
    }
}

pub fn client_reply_command(_srv: &mut Server, c: &mut Client, a: &Args) {
    let mode = &a[2];
    if mode.eq_ignore_ascii_case(b"on") {
        c.flags &= !(cf::REPLY_SKIP | cf::REPLY_OFF | cf::REPLY_SKIP_NEXT);
        c.add_ok();
    } else if mode.eq_ignore_ascii_case(b"off") {
        c.flags |= cf::REPLY_OFF;
    } else if mode.eq_ignore_ascii_case(b"skip") {
        // call() turns SKIP_NEXT into SKIP after this command, so the
        // command after this one is the one silenced.
        if !c.has(cf::REPLY_OFF) {
            c.flags |= cf::REPLY_SKIP_NEXT;
        }
    } else {
        c.add_error(SYNTAX_ERR);
    }
}

pub fn client_no_evict_command(_srv: &mut Server, c: &mut Client, a: &Args) {
    if a[2].eq_ignore_ascii_case(b"on") {
        c.flags |= cf::NO_EVICT;
        c.add_ok();
    } else if a[2].eq_ignore_ascii_case(b"off") {
        c.flags &= !cf::NO_EVICT;
        c.add_ok();
    } else {
        c.add_error(SYNTAX_ERR);
    }
}

pub fn client_setinfo_command(_srv: &mut Server, c: &mut Client, a: &Args) {
    let attr = &a[2];
    let val = &a[3];
    let is_name = attr.eq_ignore_ascii_case(b"lib-name");
    if !is_name && !attr.eq_ignore_ascii_case(b"lib-ver") {
        c.add_error_parts(&[b"ERR Unrecognized option '", attr, b"'"]);
        return;
    }
    if !valid_name(val) {
        c.add_error_parts(&[
            b"ERR ",
            attr,
            b" cannot contain spaces, newlines or special characters.",
        ]);
        return;
    }
    let v = (!val.is_empty()).then(|| val.to_vec());
    if is_name {
        c.lib_name = v;
    } else {
        c.lib_ver = v;
    }
    c.add_ok();
}

pub fn client_help_command(_srv: &mut Server, c: &mut Client, _a: &Args) {
    const HELP: &[&str] = &[
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GETNAME",
        "    Return the name of this connection.",
        "ID",
        "    Return the id of this connection.",
        "INFO",
        "    Return information about this connection.",
        "KILL <ip:port>",
        "    Kill the connection at <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill the connections matching all the filters: ID <client-id>,",
        "    TYPE (NORMAL|MASTER|REPLICA|PUBSUB), USER <username>, ADDR <ip:port>,",
        "    LADDR <ip:port>, SKIPME (YES|NO) (default YES: the caller is spared).",
        "LIST [options ...]",
        "    List the connections. Options: TYPE (NORMAL|MASTER|REPLICA|PUBSUB),",
        "    ID <client-id> [<client-id> ...].",
        "NO-EVICT (ON|OFF)",
        "    Exclude (or not) this connection from client eviction.",
        "REPLY (ON|OFF|SKIP)",
        "    Reply to commands, stop replying, or skip the reply of the next command.",
        "SETINFO <LIB-NAME|LIB-VER> <value>",
        "    Record the name or version of the client library.",
        "SETNAME <name>",
        "    Name this connection.",
        "HELP",
        "    Print this help.",
    ];
    c.add_array_len(HELP.len());
    for l in HELP {
        c.add_status(l.as_bytes());
    }
}

/// CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 if a client blocked on keys was
/// unblocked, else 0.
pub fn client_unblock_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Some(id) = crate::ds::sds::string2ll(&a[2]) else {
        c.add_error("ERR value is not an integer or out of range");
        return;
    };
    let error = if a.len() == 4 {
        if a[3].eq_ignore_ascii_case(b"timeout") {
            false
        } else if a[3].eq_ignore_ascii_case(b"error") {
            true
        } else {
            c.add_error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            return;
        }
    } else if a.len() > 4 {
        c.add_error("ERR syntax error");
        return;
    } else {
        false
    };
    let done = id > 0 && crate::blocked::client_unblock(srv, id as u64, error);
    c.add_int(done as i64);
}
