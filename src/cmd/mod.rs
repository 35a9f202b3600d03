//! The command table and dispatch (server.c's processCommand and call()).
//!
//! Threads: main thread only -- commands are the only code that touches the
//! keyspace, and they run one at a time, so the data set needs no locks.
//!
//! Each family lives in its own file (Redis's t_string.c, t_list.c, ...) and
//! exports `COMMANDS: &[Command]`; [`CommandTable::new`] gathers them into an
//! open-addressed, case-insensitive lookup table built once at start-up.
//! Container commands (CONFIG, CLIENT, OBJECT...) carry their subcommands;
//! each subcommand has its own arity, flags and INFO commandstats entry
//! (`cmdstat_config|get`), as in Redis 7. What COMMAND INFO reports beyond
//! the `cmd!` line (key specs, ACL categories, tips, getkeys procs) is in
//! command_meta.rs, attached to each entry at start-up; getkeys.rs
//! extracts keys from arguments by it.

pub mod bitops;
pub mod command_args;
pub mod command_meta;
pub mod connection;
pub mod flush;
pub mod geo;
pub mod getkeys;
pub mod hash;
pub mod hyperloglog;
pub mod info;
pub mod keys;
pub mod list;
pub mod multi;
pub mod persist;
pub mod server_cmds;
pub mod set;
pub mod sort;
pub mod string;
pub mod zset;

use crate::net::client::{Args, Client, flags as cf};
use crate::net::reply::Reply;
use crate::server::Server;
use crate::stats::CmdStats;

pub type CmdFn = fn(&mut Server, &mut Client, &Args);

/// Command flags (Redis's CMD_*). The names are what COMMAND INFO reports.
pub mod flags {
    pub const WRITE: u32 = 1 << 0;
    pub const READONLY: u32 = 1 << 1;
    pub const DENYOOM: u32 = 1 << 2;
    pub const ADMIN: u32 = 1 << 3;
    pub const PUBSUB: u32 = 1 << 4;
    pub const NOSCRIPT: u32 = 1 << 5;
    pub const BLOCKING: u32 = 1 << 6;
    pub const LOADING: u32 = 1 << 7;
    pub const STALE: u32 = 1 << 8;
    pub const SKIP_MONITOR: u32 = 1 << 9;
    pub const SKIP_SLOWLOG: u32 = 1 << 10;
    pub const FAST: u32 = 1 << 11;
    pub const NO_AUTH: u32 = 1 << 12;
    pub const MAY_REPLICATE: u32 = 1 << 13;
    pub const NO_MULTI: u32 = 1 << 14;
    pub const MOVABLE_KEYS: u32 = 1 << 15;
    pub const ALLOW_BUSY: u32 = 1 << 16;
    pub const PROTECTED: u32 = 1 << 17;
    pub const NO_MANDATORY_KEYS: u32 = 1 << 18;
    pub const NO_ASYNC_LOADING: u32 = 1 << 19;

    pub const NAMES: &[(u32, &str)] = &[
        (WRITE, "write"),
        (READONLY, "readonly"),
        (DENYOOM, "denyoom"),
        (ADMIN, "admin"),
        (PUBSUB, "pubsub"),
        (NOSCRIPT, "noscript"),
        (BLOCKING, "blocking"),
        (LOADING, "loading"),
        (STALE, "stale"),
        (SKIP_MONITOR, "skip_monitor"),
        (SKIP_SLOWLOG, "skip_slowlog"),
        (FAST, "fast"),
        (NO_AUTH, "no_auth"),
        (MAY_REPLICATE, "may_replicate"),
        (NO_ASYNC_LOADING, "no_async_loading"),
        (NO_MULTI, "no_multi"),
        (MOVABLE_KEYS, "movablekeys"),
        (ALLOW_BUSY, "allow_busy"),
        (NO_MANDATORY_KEYS, "no_mandatory_keys"),
    ];
}

pub struct Command {
    /// Lower-case name (for a subcommand: the part after `|`).
    pub name: &'static str,
    pub func: CmdFn,
    /// Redis arity: N exact, -N at least N (counting the name).
    pub arity: i32,
    pub flags: u32,
    pub first_key: i32,
    pub last_key: i32,
    pub step: i32,
    /// COMMAND DOCS group (string, list, generic, server, connection...).
    pub group: &'static str,
    pub summary: &'static str,
    pub since: &'static str,
    pub subcommands: &'static [Command],
}

/// `cmd!(name, func, arity, flags, first, last, step, group, summary, since)`
#[macro_export]
macro_rules! cmd {
    ($name:expr, $f:expr, $arity:expr, $flags:expr, $fk:expr, $lk:expr, $st:expr, $group:expr, $summary:expr, $since:expr) => {
        $crate::cmd::Command {
            name: $name,
            func: $f,
            arity: $arity,
            flags: $flags,
            first_key: $fk,
            last_key: $lk,
            step: $st,
            group: $group,
            summary: $summary,
            since: $since,
            subcommands: &[],
        }
    };
    ($name:expr, $f:expr, $arity:expr, $flags:expr, $fk:expr, $lk:expr, $st:expr, $group:expr, $summary:expr, $since:expr, subs: $subs:expr) => {
        $crate::cmd::Command {
            name: $name,
            func: $f,
            arity: $arity,
            flags: $flags,
            first_key: $fk,
            last_key: $lk,
            step: $st,
            group: $group,
            summary: $summary,
            since: $since,
            subcommands: $subs,
        }
    };
}

/// A container command's own handler when called without a known
/// subcommand is never reached: dispatch answers first.
pub fn container(_: &mut Server, c: &mut Client, _: &Args) {
    c.add_error("ERR unknown subcommand");
}

fn families() -> Vec<&'static [Command]> {
    vec![
        string::COMMANDS,
        bitops::COMMANDS,
        hyperloglog::COMMANDS,
        keys::COMMANDS,
        server_cmds::COMMANDS,
        connection::COMMANDS,
        multi::COMMANDS,
        flush::COMMANDS,
        list::COMMANDS,
        hash::COMMANDS,
        set::COMMANDS,
        zset::COMMANDS,
        geo::COMMANDS,
        sort::COMMANDS,
        persist::COMMANDS,
    ]
}

/// One entry of the flat table: a command or a subcommand.
pub struct Entry {
    pub cmd: &'static Command,
    pub parent: Option<u32>,
    /// `get`, or `config|get`. Leaked once at start-up so clients can keep
    /// a `&'static str` of their last command (CLIENT LIST `cmd=`).
    pub fullname: &'static str,
    /// Flat ids of the subcommands (for containers).
    pub subs: Vec<u32>,
    /// ACL categories, tips and key specs (command_meta.rs).
    pub meta: &'static command_meta::Meta,
}

pub struct CommandTable {
    pub entries: Vec<Entry>,
    pub stats: Vec<CmdStats>,
    slots: Vec<u32>,
    mask: usize,
}

const EMPTY: u32 = u32::MAX;

/// The command-name hash: FNV-1a over ASCII-lowercased bytes. Names are
/// short and the set is fixed, so a keyed hash buys nothing here and a
/// 3-letter name hashes in a dozen instructions (this runs once per
/// command). Unknown names only probe a 25%-full table until an empty slot.
#[inline]
fn name_hash(name: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in name {
        h = (h ^ (b | 0x20) as u64).wrapping_mul(0x100_0000_01b3);
    }
    h ^ (h >> 29)
}

/// Every command has a row in command_meta's table (a unit test there
/// checks it); a missing one is a table edited without its metadata.
fn meta_of(fullname: &str) -> &'static command_meta::Meta {
    command_meta::meta_for(fullname)
        .unwrap_or_else(|| panic!("command {fullname} has no row in command_meta::TABLE"))
}

impl Default for CommandTable {
    fn default() -> Self {
        Self::new()
    }
}

impl CommandTable {
    pub fn new() -> CommandTable {
        let mut entries: Vec<Entry> = Vec::new();
        for fam in families() {
            for cmd in fam {
                let id = entries.len() as u32;
                entries.push(Entry {
                    cmd,
                    parent: None,
                    fullname: cmd.name,
                    subs: Vec::new(),
                    meta: meta_of(cmd.name),
                });
                for sub in cmd.subcommands {
                    let sid = entries.len() as u32;
                    let fullname: &'static str =
                        Box::leak(format!("{}|{}", cmd.name, sub.name).into_boxed_str());
                    entries.push(Entry {
                        cmd: sub,
                        parent: Some(id),
                        fullname,
                        subs: Vec::new(),
                        meta: meta_of(fullname),
                    });
                    entries[id as usize].subs.push(sid);
                }
            }
        }
        let top: Vec<u32> = (0..entries.len() as u32)
            .filter(|&i| entries[i as usize].parent.is_none())
            .collect();
        let size = (top.len() * 4).next_power_of_two();
        let mut slots = vec![EMPTY; size];
        let mask = size - 1;
        for id in top {
            let name = entries[id as usize].cmd.name.as_bytes();
            let mut i = name_hash(name) as usize & mask;
            while slots[i] != EMPTY {
                assert_ne!(
                    entries[slots[i] as usize].cmd.name, entries[id as usize].cmd.name,
                    "command registered twice"
                );
                i = (i + 1) & mask;
            }
            slots[i] = id;
        }
        let n = entries.len();
        CommandTable {
            entries,
            stats: vec![CmdStats::default(); n],
            slots,
            mask,
        }
    }

    /// Case-insensitive lookup of a top-level command.
    #[inline]
    pub fn lookup(&self, name: &[u8]) -> Option<u32> {
        if name.len() > 64 {
            return None;
        }
        let mut i = name_hash(name) as usize & self.mask;
        loop {
            let id = self.slots[i];
            if id == EMPTY {
                return None;
            }
            if self.entries[id as usize]
                .cmd
                .name
                .as_bytes()
                .eq_ignore_ascii_case(name)
            {
                return Some(id);
            }
            i = (i + 1) & self.mask;
        }
    }

    pub fn lookup_sub(&self, parent: u32, name: &[u8]) -> Option<u32> {
        self.entries[parent as usize]
            .subs
            .iter()
            .copied()
            .find(|&s| {
                self.entries[s as usize]
                    .cmd
                    .name
                    .as_bytes()
                    .eq_ignore_ascii_case(name)
            })
    }

    /// Resolves `args` to a flat id (lookupCommand with subcommands).
    pub fn resolve(&self, args: &Args) -> Option<u32> {
        let id = self.lookup(&args[0])?;
        if !self.entries[id as usize].subs.is_empty() && args.len() >= 2 {
            return self.lookup_sub(id, &args[1]).or(Some(id));
        }
        Some(id)
    }

    /// Looks up "name" or "name|sub" (COMMAND INFO, COMMAND DOCS).
    pub fn lookup_fullname(&self, name: &[u8]) -> Option<u32> {
        match name.iter().position(|&b| b == b'|') {
            Some(p) => {
                let id = self.lookup(&name[..p])?;
                self.lookup_sub(id, &name[p + 1..])
            }
            None => self.lookup(name),
        }
    }
}

/// The argument summary of Redis's unknown-command error: `'%.*s' ` per
/// argument while the summary is under 128 bytes, each cut to the room left.
fn args_preview(args: &Args) -> Vec<u8> {
    let mut s = Vec::new();
    for i in 1..args.len() {
        if s.len() >= 128 {
            break;
        }
        let room = 128 - s.len();
        s.push(b'\'');
        s.extend_from_slice(c_prefix(&args[i], room));
        s.extend_from_slice(b"' ");
    }
    s
}

/// What C's `%.<max>s` prints of a client's argument: the bytes before the
/// first NUL (the argument is a C string to printf), at most `max` of them,
/// as they are (no UTF-8 decoding).
pub(crate) fn c_prefix(b: &[u8], max: usize) -> &[u8] {
    let b = b.split(|&c| c == 0).next().unwrap_or_default();
    &b[..b.len().min(max)]
}

impl Server {
    /// processCommand for the command parsed into `c.argv`.
    pub fn process_command(&mut self, c: &mut Client) {
        let qb = std::mem::take(&mut c.querybuf);
        let argv = std::mem::take(&mut c.argv);
        let owned = std::mem::take(&mut c.owned_args);
        {
            let args = Args {
                qb: &qb,
                argv: &argv,
                owned: &owned,
            };
            self.process_args(c, &args);
        }
        // The command never replaces these while it runs (it cannot see
        // them), so restoring is a plain move back.
        c.querybuf = qb;
        c.argv = argv;
        c.owned_args = owned;
    }

    /// Rejects a command before it runs: error reply, and a MULTI in
    /// progress is marked to fail at EXEC (flagTransaction).
    fn reject(&mut self, c: &mut Client, msg: &str) {
        self.reject_bytes(c, msg.as_bytes())
    }

    /// `reject` for a message that quotes client bytes.
    fn reject_bytes(&mut self, c: &mut Client, msg: &[u8]) {
        if c.has(cf::MULTI) {
            c.flags |= cf::DIRTY_EXEC;
        }
        c.add_error_bytes(msg);
        self.account_errors(c);
    }

    pub fn process_args(&mut self, c: &mut Client, args: &Args) {
        let Some(id) = self.commands.resolve(args) else {
            let msg = [
                b"ERR unknown command '".as_slice(),
                c_prefix(&args[0], 128),
                b"', with args beginning with: ",
                &args_preview(args),
            ]
            .concat();
            self.reject_bytes(c, &msg);
            return;
        };
        let e = &self.commands.entries[id as usize];
        let cmd = e.cmd;
        // COMMAND (arity -1) is the one container that also runs bare.
        if !(e.subs.is_empty() || args.len() == 1 && cmd.arity == -1) {
            // A container called without a known subcommand.
            let msg = if args.len() < 2 {
                format!("ERR wrong number of arguments for '{}' command", e.fullname).into_bytes()
            } else {
                [
                    b"ERR unknown subcommand '".as_slice(),
                    c_prefix(&args[1], 128),
                    b"'. Try ",
                    e.fullname.to_uppercase().as_bytes(),
                    b" HELP.",
                ]
                .concat()
            };
            self.commands.stats[id as usize].rejected_calls += 1;
            self.reject_bytes(c, &msg);
            return;
        }
        let argc = args.len() as i32;
        if (cmd.arity > 0 && cmd.arity != argc) || argc < -cmd.arity {
            let msg = format!(
                "ERR wrong number of arguments for '{}' command",
                self.commands.entries[id as usize].fullname
            );
            self.commands.stats[id as usize].rejected_calls += 1;
            self.reject(c, &msg);
            return;
        }
        if !c.authenticated && cmd.flags & flags::NO_AUTH == 0 {
            self.commands.stats[id as usize].rejected_calls += 1;
            self.reject(c, "NOAUTH Authentication required.");
            return;
        }
        if cmd.flags & flags::PROTECTED != 0 && !self.protected_command_allowed(c, cmd) {
            let msg = format!(
                "ERR {} command not allowed. If the enable-{}-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.",
                cmd.name.to_uppercase(),
                cmd.name
            );
            self.commands.stats[id as usize].rejected_calls += 1;
            self.reject(c, &msg);
            return;
        }
        // processCommand's disk-error check: after a failed BGSAVE, writes
        // (EXEC of a transaction holding one) and PING are refused.
        if crate::rdb::bgsave::writes_denied(self)
            && (cmd.flags & flags::WRITE != 0
                || cmd.name == "ping"
                || (cmd.name == "exec" && multi::queues_write(self, c)))
        {
            self.commands.stats[id as usize].rejected_calls += 1;
            self.reject(c, crate::rdb::bgsave::MISCONF);
            return;
        }
        if c.has(cf::MULTI) && !multi::is_transaction_control(cmd.name) {
            multi::queue_command(self, c, id, args);
            return;
        }
        self.call(c, id, args);
        // handleClientsBlockedOnKeys after each command, as Redis does.
        if !self.blocked.ready_keys.is_empty() {
            crate::blocked::process_unblocked(self);
        }
    }

    fn protected_command_allowed(&self, c: &Client, cmd: &Command) -> bool {
        let local = match &c.peer {
            ferrodis_ffi::net::Peer::Unix => true,
            ferrodis_ffi::net::Peer::Tcp(a) => a.ip().is_loopback(),
        };
        match cmd.name {
            "debug" => self.cfg.enable_debug_command.allows(local),
            "module" => self.cfg.enable_module_command.allows(local),
            _ => true,
        }
    }

    /// call(): run the command and account for it.
    pub fn call(&mut self, c: &mut Client, id: u32, args: &Args) {
        let cmd = self.commands.entries[id as usize].cmd;
        self.current_client = (c.raw_fd(), c.id);
        // incrCommandStatsOnError's mark: errors from before this command
        // (another client's protocol error) are not this command's.
        self.stats.error_replies_mark = self.stats.total_error_replies;
        c.obuf_hard_limit = self.normal_obuf_hard_limit();
        let start = ferrodis_ffi::sys::monotonic_us();
        c.flags |= cf::EXECUTING;
        (cmd.func)(self, c, args);
        c.flags &= !cf::EXECUTING;
        let us = ferrodis_ffi::sys::monotonic_us().saturating_sub(start);
        let st = &mut self.commands.stats[id as usize];
        // A command that blocked is counted once, when it is finally
        // served or times out (Redis's updateStatsOnUnblock).
        if !c.has(cf::BLOCKED) {
            st.calls += 1;
            st.usec += us;
        }
        // A re-run of a blocked command was counted when it blocked
        // (Redis serves it without a second call()).
        if !c.has(cf::UNBLOCKED) {
            self.stats.numcommands += 1;
        }
        c.commands_processed += 1;
        c.last_cmd = self.commands.entries[id as usize].fullname;
        self.account_errors(c);
        // Failed when any error reply went out while it ran, its own or one
        // it sent another client (CLIENT UNBLOCK ... ERROR); a nested call
        // (EXEC's queued commands) moves the mark past its own errors, so
        // EXEC is not failed by them (Redis 7.0's incrCommandStatsOnError).
        if self.stats.total_error_replies > self.stats.error_replies_mark {
            self.commands.stats[id as usize].failed_calls += 1;
        }
        self.stats.error_replies_mark = self.stats.total_error_replies;
        if self.current_dirty_cas {
            self.current_dirty_cas = false;
            c.flags |= cf::DIRTY_CAS;
        }
        // CLIENT REPLY SKIP covers exactly the next command.
        if c.has(cf::REPLY_SKIP) {
            c.flags &= !cf::REPLY_SKIP;
        } else if c.has(cf::REPLY_SKIP_NEXT) {
            c.flags &= !cf::REPLY_SKIP_NEXT;
            c.flags |= cf::REPLY_SKIP;
        }
        self.check_output_limits(c);
    }

    /// Counts the error replies `c` got since the last count (INFO stats
    /// total_error_replies and errorstats).
    pub(crate) fn account_errors(&mut self, c: &mut Client) {
        if c.errors > 0 {
            self.stats.total_error_replies += c.errors as u64;
            let code = String::from_utf8_lossy(&c.err_code).into_owned();
            *self.stats.errors_by_code.entry(code).or_insert(0) += c.errors as u64;
            c.errors = 0;
        }
    }
}
