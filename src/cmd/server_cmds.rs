//! Server commands (server.c, config.c, debug.c): PING, ECHO, INFO, CONFIG,
//! COMMAND, TIME, LASTSAVE, DEBUG, SHUTDOWN, FUNCTION FLUSH, MEMORY USAGE.
//!
//! Threads: all of these run on the main thread like every command; DEBUG
//! SLEEP blocks the whole server on purpose (that is what Redis's does).
//!
//! Design notes:
//! * CONFIG SET goes through `Config::set_with` (atomic multi-pair, with
//!   rollback). Hooks that only need the `Config` (dir) run inside it so a
//!   failure rolls back; reactions that need the rest of the server (hz,
//!   log level/file) run after it returned the changed names.
//! * COMMAND INFO / DOCS are derived from the command table: flags, key
//!   range, group, summary, since, plus command_meta.rs's ACL categories
//!   (with those implied by flags, as Redis's setImplicitACLCategories),
//!   tips and key specs. GETKEYS/GETKEYSANDFLAGS extract keys by those key
//!   specs and the getkeys procs (getkeys.rs). COMMAND DOCS `arguments`
//!   come from the static table in command_args.rs (redis-cli builds its
//!   hints from them). Not done: complexity/history in DOCS.
//! * SHUTDOWN saves an RDB snapshot when SAVE is given or save points are
//!   configured (not with NOSAVE), and stays up if that save fails (unless
//!   FORCE), as Redis 7.0 does. NOW is accepted (there are no replicas to
//!   wait for).

use crate::cmd;
use crate::cmd::command_args;
use crate::cmd::command_meta::{BeginSearch, FindKeys, KeySpec, acl, kflags};
use crate::cmd::getkeys;
use crate::cmd::info;
use crate::cmd::{Command, CommandTable, Entry, container, flags::*};
use crate::config::ConfigEnum;
use crate::db::{Access, Value};
use crate::net::client::{Args, Client};
use crate::net::reply::Reply;
use crate::server::{Server, ShutdownSave};

const SYNTAX: &str = "ERR syntax error";
const NOT_INT: &str = "ERR value is not an integer or out of range";

const CONFIG_SUBS: &[Command] = &[
    cmd!(
        "get",
        config_get_command,
        -3,
        ADMIN | NOSCRIPT | LOADING | STALE,
        0,
        0,
        0,
        "server",
        "Returns the effective values of configuration parameters.",
        "2.0.0"
    ),
    cmd!(
        "set",
        config_set_command,
        -4,
        ADMIN | NOSCRIPT | LOADING | STALE,
        0,
        0,
        0,
        "server",
        "Sets configuration parameters in-flight.",
        "2.0.0"
    ),
    cmd!(
        "resetstat",
        config_resetstat_command,
        2,
        ADMIN | NOSCRIPT | LOADING | STALE,
        0,
        0,
        0,
        "server",
        "Resets the server's statistics.",
        "2.0.0"
    ),
    cmd!(
        "rewrite",
        config_rewrite_command,
        2,
        ADMIN | NOSCRIPT | LOADING | STALE,
        0,
        0,
        0,
        "server",
        "Persists the effective configuration to file.",
        "2.8.0"
    ),
    cmd!(
        "help",
        config_help_command,
        2,
        LOADING | STALE,
        0,
        0,
        0,
        "server",
        "Returns helpful text about the different subcommands.",
        "5.0.0"
    ),
];

const COMMAND_SUBS: &[Command] = &[
    cmd!(
        "count",
        command_count_command,
        2,
        LOADING | STALE,
        0,
        0,
        0,
        "server",
        "Returns a count of commands.",
        "2.8.13"
    ),
    cmd!(
        "info",
        command_info_command,
        -2,
        LOADING | STALE,
        0,
        0,
        0,
        "server",
        "Returns information about one, multiple or all commands.",
        "2.8.13"
    ),
    cmd!(
        "docs",
        command_docs_command,
        -2,
        LOADING | STALE,
        0,
        0,
        0,
        "server",
        "Returns documentary information about one, multiple or all commands.",
        "7.0.0"
    ),
    cmd!(
        "list",
        command_list_command,
        -2,
        LOADING | STALE,
        0,
        0,
        0,
        "server",
        "Returns a list of command names.",
        "7.0.0"
    ),
    // Arity -4 as in 7.0 (7.2 relaxed it to -3): `COMMAND GETKEYS get` is
    // an arity error, not "no key arguments".
    cmd!(
        "getkeys",
        command_getkeys_command,
        -4,
        LOADING | STALE,
        0,
        0,
        0,
        "server",
        "Extracts the key names from an arbitrary command.",
        "2.8.13"
    ),
    cmd!(
        "getkeysandflags",
        command_getkeysandflags_command,
        -4,
        LOADING | STALE,
        0,
        0,
        0,
        "server",
        "Extracts the key names and access flags for an arbitrary command.",
        "7.0.0"
    ),
    cmd!(
        "help",
        command_help_command,
        2,
        LOADING | STALE,
        0,
        0,
        0,
        "server",
        "Returns helpful text about the different subcommands.",
        "5.0.0"
    ),
];

const FUNCTION_SUBS: &[Command] = &[cmd!(
    "flush",
    function_flush_command,
    -2,
    WRITE | NOSCRIPT,
    0,
    0,
    0,
    "scripting",
    "Deletes all libraries and functions.",
    "7.0.0"
)];

const MEMORY_SUBS: &[Command] = &[
    cmd!(
        "usage",
        memory_usage_command,
        -3,
        READONLY,
        2,
        2,
        1,
        "server",
        "Estimates the memory usage of a key.",
        "4.0.0"
    ),
    cmd!(
        "help",
        memory_help_command,
        2,
        LOADING | STALE,
        0,
        0,
        0,
        "server",
        "Returns helpful text about the different subcommands.",
        "4.0.0"
    ),
];

pub const COMMANDS: &[Command] = &[
    cmd!(
        "ping",
        ping_command,
        -1,
        FAST,
        0,
        0,
        0,
        "connection",
        "Returns the server's liveliness response.",
        "1.0.0"
    ),
    cmd!(
        "echo",
        echo_command,
        2,
        LOADING | STALE | FAST,
        0,
        0,
        0,
        "connection",
        "Returns the given string.",
        "1.0.0"
    ),
    cmd!(
        "info",
        info_command,
        -1,
        LOADING | STALE,
        0,
        0,
        0,
        "server",
        "Returns information and statistics about the server.",
        "1.0.0"
    ),
    cmd!(
        "config",
        container,
        -2,
        0,
        0,
        0,
        0,
        "server",
        "A container for server configuration commands.",
        "2.0.0",
        subs: CONFIG_SUBS
    ),
    cmd!(
        "command",
        command_command,
        -1,
        LOADING | STALE,
        0,
        0,
        0,
        "server",
        "Returns detailed information about all commands.",
        "2.8.13",
        subs: COMMAND_SUBS
    ),
    cmd!(
        "time",
        time_command,
        1,
        LOADING | STALE | FAST,
        0,
        0,
        0,
        "server",
        "Returns the server time.",
        "2.6.0"
    ),
    cmd!(
        "lastsave",
        lastsave_command,
        1,
        LOADING | STALE | FAST,
        0,
        0,
        0,
        "server",
        "Returns the Unix timestamp of the last successful save to disk.",
        "1.0.0"
    ),
    cmd!(
        "debug",
        debug_command,
        -2,
        ADMIN | NOSCRIPT | LOADING | STALE | PROTECTED,
        0,
        0,
        0,
        "server",
        "A container for debugging commands.",
        "1.0.0"
    ),
    cmd!(
        "shutdown",
        shutdown_command,
        -1,
        ADMIN | NOSCRIPT | LOADING | STALE | NO_MULTI | ALLOW_BUSY,
        0,
        0,
        0,
        "server",
        "Synchronously saves the database(s) to disk and shuts down the Redis server.",
        "1.0.0"
    ),
    cmd!(
        "function",
        container,
        -2,
        0,
        0,
        0,
        0,
        "scripting",
        "A container for function commands.",
        "7.0.0",
        subs: FUNCTION_SUBS
    ),
    cmd!(
        "memory",
        container,
        -2,
        0,
        0,
        0,
        0,
        "server",
        "A container for memory diagnostics commands.",
        "4.0.0",
        subs: MEMORY_SUBS
    ),
];

pub fn ping_command(_srv: &mut Server, c: &mut Client, a: &Args) {
    if a.len() > 2 {
        c.add_error("ERR wrong number of arguments for 'ping' command");
        return;
    }
    if a.len() == 1 {
        c.add_raw(b"+PONG\r\n");
    } else {
        c.add_bulk(&a[1]);
    }
}

pub fn echo_command(_srv: &mut Server, c: &mut Client, a: &Args) {
    c.add_bulk(&a[1]);
}

/// addReplyHelp: a usage line, the given lines, and the HELP entry, each as
/// a status reply.
fn reply_help(c: &mut Client, name: &str, lines: &[&str]) {
    c.add_array_len(lines.len() + 3);
    c.add_status(
        format!("{name} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:").as_bytes(),
    );
    for l in lines {
        c.add_status(l.as_bytes());
    }
    c.add_status(b"HELP");
    c.add_status(b"    Print this help.");
}

/// The reply Redis gives for an unknown subcommand of a command that
/// parses its own subcommands (addReplySubcommandSyntaxError).
fn subcommand_error(c: &mut Client, cmd: &str, sub: &[u8]) {
    c.add_error_parts(&[
        b"ERR unknown subcommand or wrong number of arguments for '",
        crate::cmd::c_prefix(sub, 128),
        b"'. Try ",
        cmd.as_bytes(),
        b" HELP.",
    ]);
}

// --------------------------------------------------------------------------
// INFO
// --------------------------------------------------------------------------

pub fn info_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let secs: Vec<&[u8]> = (1..a.len()).map(|i| a.get(i)).collect();
    let text = info::gen_info(srv, &secs);
    c.add_verbatim(text.as_bytes());
}

// --------------------------------------------------------------------------
// CONFIG
// --------------------------------------------------------------------------

fn client_is_local(c: &Client) -> bool {
    match &c.peer {
        ferrodis_ffi::net::Peer::Unix => true,
        ferrodis_ffi::net::Peer::Tcp(a) => a.ip().is_loopback(),
    }
}

pub fn config_get_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let mut pairs: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 2..a.len() {
        for (k, v) in srv.cfg.get(&a[i]) {
            // Several patterns may match one parameter: report it once.
            if !pairs.iter().any(|(n, _)| *n == k) {
                pairs.push((k, v));
            }
        }
    }
    c.add_map_len(pairs.len());
    for (k, v) in &pairs {
        c.add_bulk(k.as_bytes());
        c.add_bulk(v);
    }
}

pub fn config_set_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if !a.len().is_multiple_of(2) {
        c.add_error("ERR wrong number of arguments for 'config|set' command");
        return;
    }
    let pairs: Vec<(&[u8], &[u8])> = (2..a.len())
        .step_by(2)
        .map(|i| (a.get(i), a.get(i + 1)))
        .collect();
    let local = client_is_local(c);
    let (el, listeners) = (&mut srv.el, &mut srv.listeners);
    let mut apply = |name: &'static str, cfg: &mut crate::config::Config| -> Result<(), String> {
        match name {
            "dir" => cfg.apply_dir(),
            // Redis updatePort / applyBind: listen on the new addresses and
            // close the old ones.
            "port" => crate::net::listen::rebind_tcp(
                el,
                listeners,
                cfg,
                "Unable to listen on this port. Check server logs.",
            ),
            "bind" => crate::net::listen::rebind_tcp(
                el,
                listeners,
                cfg,
                "Failed to bind to specified addresses.",
            ),
            // There is no TLS in ferrodis: turning it on fails the way
            // Redis's applyTlsCfg fails without usable certificates.
            "tls-port" | "tls-replication" | "tls-cluster"
                if ["tls-port", "tls-replication", "tls-cluster"]
                    .iter()
                    .any(|n| {
                        !matches!(cfg.get_value(n.as_bytes()).as_deref(), Some("0" | "no"))
                    }) =>
            {
                log::warn!("Failed to configure TLS: ferrodis has no TLS support yet.");
                Err("Unable to update TLS configuration. Check server logs.".into())
            }
            "maxclients" => {
                // Redis raises the fd limit to fit the new maxclients and
                // refuses the value when the OS will not allow it. Lowering
                // below the number of connected clients is allowed: only new
                // connections are refused.
                let want = cfg.maxclients as u64 + crate::server::RESERVED_FDS;
                let got = ferrodis_ffi::sys::raise_nofile(want);
                if got < want {
                    return Err(format!(
                        "The operating system is not able to handle the specified number of clients, try with {}",
                        got.saturating_sub(crate::server::RESERVED_FDS)
                    ));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    };
    match srv.cfg.set_with(&pairs, local, &mut apply) {
        Ok(changed) => {
            for name in changed {
                match name {
                    "hz" => srv.hz = srv.cfg.hz,
                    "loglevel" => crate::log::set_level(srv.cfg.loglevel.name()),
                    "logfile" => crate::log::set_file(&srv.cfg.logfile),
                    _ => {}
                }
            }
            c.add_ok();
        }
        Err(e) => c.add_error_bytes(&e),
    }
}

pub fn config_resetstat_command(srv: &mut Server, c: &mut Client, _a: &Args) {
    reset_stats(srv);
    c.add_ok();
}

/// resetServerStats + resetCommandTableStats + resetErrorTableStats.
pub fn reset_stats(srv: &mut Server) {
    let now = srv.now_ms;
    srv.stats = crate::stats::Stats::default();
    for st in srv.commands.stats.iter_mut() {
        *st = Default::default();
    }
    // The network counters are shared atomics written by I/O threads too;
    // zeroing them is a relaxed store, a racing add just lands after it.
    for n in srv.net.iter() {
        use std::sync::atomic::Ordering::Relaxed;
        n.input_bytes.store(0, Relaxed);
        n.output_bytes.store(0, Relaxed);
        n.reads_processed.store(0, Relaxed);
        n.writes_processed.store(0, Relaxed);
    }
    srv.stats.inst_ops.track(now, 0);
    srv.stats.inst_net_input.track(now, 0);
    srv.stats.inst_net_output.track(now, 0);
}

pub fn config_rewrite_command(srv: &mut Server, c: &mut Client, _a: &Args) {
    let Some(path) = srv.config_file.clone() else {
        c.add_error("ERR The server is running without a config file");
        return;
    };
    match srv.cfg.rewrite(&path) {
        Ok(()) => {
            log::info!("CONFIG REWRITE executed with success.");
            c.add_ok();
        }
        Err(e) => {
            log::warn!("CONFIG REWRITE failed: {e}");
            c.add_error(&e);
        }
    }
}

pub fn config_help_command(_srv: &mut Server, c: &mut Client, _a: &Args) {
    reply_help(
        c,
        "CONFIG",
        &[
            "GET <pattern>",
            "    Return parameters matching the glob-like <pattern> and their values.",
            "SET <directive> <value>",
            "    Set the configuration <directive> to <value>.",
            "RESETSTAT",
            "    Reset statistics reported by the INFO command.",
            "REWRITE",
            "    Rewrite the configuration file.",
        ],
    );
}

// --------------------------------------------------------------------------
// COMMAND
// --------------------------------------------------------------------------

/// The command's ACL categories: the ones its metadata lists plus those
/// its flags imply (setImplicitACLCategories), as a category bit set.
fn acl_categories(e: &Entry) -> u32 {
    let f = e.cmd.flags;
    let mut cats = e.meta.acl;
    if f & WRITE != 0 {
        cats |= acl::WRITE;
    }
    if f & READONLY != 0 && cats & acl::SCRIPTING == 0 {
        cats |= acl::READ;
    }
    if f & ADMIN != 0 {
        cats |= acl::ADMIN | acl::DANGEROUS;
    }
    if f & PUBSUB != 0 {
        cats |= acl::PUBSUB;
    }
    if f & FAST != 0 {
        cats |= acl::FAST;
    }
    if f & BLOCKING != 0 {
        cats |= acl::BLOCKING;
    }
    if cats & acl::FAST == 0 {
        cats |= acl::SLOW;
    }
    cats
}

fn reply_flags(c: &mut Client, cmd: &Command) {
    let names: Vec<&str> = NAMES
        .iter()
        .filter(|(bit, _)| cmd.flags & bit != 0)
        .map(|(_, n)| *n)
        .collect();
    c.add_set_len(names.len());
    for n in names {
        c.add_status(n.as_bytes());
    }
}

/// A set of key spec flags (addReplyFlagsForKeyArgs).
fn reply_key_flags(c: &mut Client, flags: u16) {
    let names: Vec<&str> = kflags::NAMES
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|&(_, n)| n)
        .collect();
    c.add_set_len(names.len());
    for n in names {
        c.add_status(n.as_bytes());
    }
}

/// The `key specs` field of COMMAND INFO (addReplyCommandKeySpecs): a set
/// of maps, `notes` first when there are any.
fn reply_key_specs(c: &mut Client, specs: &[KeySpec]) {
    c.add_set_len(specs.len());
    for spec in specs {
        c.add_map_len(3 + usize::from(spec.notes.is_some()));
        if let Some(notes) = spec.notes {
            c.add_bulk(b"notes");
            c.add_bulk(notes.as_bytes());
        }
        c.add_bulk(b"flags");
        reply_key_flags(c, spec.flags);
        c.add_bulk(b"begin_search");
        c.add_map_len(2);
        c.add_bulk(b"type");
        match spec.begin {
            BeginSearch::Index(pos) => {
                c.add_bulk(b"index");
                c.add_bulk(b"spec");
                c.add_map_len(1);
                c.add_bulk(b"index");
                c.add_int(pos as i64);
            }
            BeginSearch::Keyword { keyword, startfrom } => {
                c.add_bulk(b"keyword");
                c.add_bulk(b"spec");
                c.add_map_len(2);
                c.add_bulk(b"keyword");
                c.add_bulk(keyword.as_bytes());
                c.add_bulk(b"startfrom");
                c.add_int(startfrom as i64);
            }
            BeginSearch::Unknown => {
                c.add_bulk(b"unknown");
                c.add_bulk(b"spec");
                c.add_map_len(0);
            }
        }
        c.add_bulk(b"find_keys");
        c.add_map_len(2);
        c.add_bulk(b"type");
        match spec.find {
            FindKeys::Range {
                lastkey,
                keystep,
                limit,
            } => {
                c.add_bulk(b"range");
                c.add_bulk(b"spec");
                c.add_map_len(3);
                c.add_bulk(b"lastkey");
                c.add_int(lastkey as i64);
                c.add_bulk(b"keystep");
                c.add_int(keystep as i64);
                c.add_bulk(b"limit");
                c.add_int(limit as i64);
            }
            FindKeys::Keynum {
                keynumidx,
                firstkey,
                keystep,
            } => {
                c.add_bulk(b"keynum");
                c.add_bulk(b"spec");
                c.add_map_len(3);
                c.add_bulk(b"keynumidx");
                c.add_int(keynumidx as i64);
                c.add_bulk(b"firstkey");
                c.add_int(firstkey as i64);
                c.add_bulk(b"keystep");
                c.add_int(keystep as i64);
            }
            FindKeys::Unknown => {
                c.add_bulk(b"unknown");
                c.add_bulk(b"spec");
                c.add_map_len(0);
            }
        }
    }
}

/// One COMMAND INFO entry (Redis 7: ten fields, subcommands nested).
fn reply_command_info(c: &mut Client, t: &CommandTable, id: u32) {
    let e = &t.entries[id as usize];
    let cmd = e.cmd;
    c.add_array_len(10);
    c.add_bulk(e.fullname.as_bytes());
    c.add_int(cmd.arity as i64);
    reply_flags(c, cmd);
    c.add_int(cmd.first_key as i64);
    c.add_int(cmd.last_key as i64);
    c.add_int(cmd.step as i64);
    let cats = acl_categories(e);
    let names: Vec<&str> = acl::NAMES
        .iter()
        .filter(|(bit, _)| cats & bit != 0)
        .map(|&(_, n)| n)
        .collect();
    c.add_set_len(names.len());
    for n in names {
        c.add_status(format!("@{n}").as_bytes());
    }
    // Tips are bulk strings (addReplyCommandTips), unlike the flags.
    c.add_set_len(e.meta.tips.len());
    for tip in e.meta.tips {
        c.add_bulk(tip.as_bytes());
    }
    reply_key_specs(c, e.meta.key_specs);
    // addReplyCommandSubCommands: an empty *set* for a command without
    // subcommands, an array otherwise (RESP3 tells them apart).
    if e.subs.is_empty() {
        c.add_set_len(0);
        return;
    }
    c.add_array_len(e.subs.len());
    for &s in &e.subs {
        reply_command_info(c, t, s);
    }
}

/// One COMMAND DOCS value: summary, since, group, subcommands (keyed by
/// their `parent|sub` full name, which redis-cli splits on '|').
fn reply_command_docs(c: &mut Client, t: &CommandTable, id: u32) {
    let e = &t.entries[id as usize];
    let cmd = e.cmd;
    // Redis leaves `arguments` out for commands that take none.
    let args = command_args::args_for(e.fullname).unwrap_or(&[]);
    c.add_map_len(3 + usize::from(!args.is_empty()) + usize::from(!e.subs.is_empty()));
    c.add_bulk(b"summary");
    c.add_bulk(cmd.summary.as_bytes());
    c.add_bulk(b"since");
    c.add_bulk(cmd.since.as_bytes());
    c.add_bulk(b"group");
    c.add_bulk(cmd.group.as_bytes());
    if !args.is_empty() {
        c.add_bulk(b"arguments");
        reply_doc_args(c, args);
    }
    if !e.subs.is_empty() {
        c.add_bulk(b"subcommands");
        c.add_map_len(e.subs.len());
        for &s in &e.subs {
            c.add_bulk(t.entries[s as usize].fullname.as_bytes());
            reply_command_docs(c, t, s);
        }
    }
}

/// An `arguments` array: one map per argument, fields in Redis's order
/// (name, type, key_spec_index, token, since, deprecated_since, flags,
/// arguments), absent fields left out. redis-cli 7 reads `flags` as a set
/// of status replies and recurses into `arguments` of oneof/block.
fn reply_doc_args(c: &mut Client, args: &[command_args::Arg]) {
    c.add_array_len(args.len());
    for a in args {
        let nested = !a.args.is_empty();
        let len = 2
            + usize::from(a.key_spec >= 0)
            + usize::from(a.token.is_some())
            + usize::from(a.since.is_some())
            + usize::from(a.deprecated_since.is_some())
            + usize::from(a.flags != 0)
            + usize::from(nested);
        c.add_map_len(len);
        c.add_bulk(b"name");
        c.add_bulk(a.name.as_bytes());
        c.add_bulk(b"type");
        c.add_bulk(a.kind.name().as_bytes());
        if a.key_spec >= 0 {
            c.add_bulk(b"key_spec_index");
            c.add_int(a.key_spec as i64);
        }
        if let Some(tok) = a.token {
            c.add_bulk(b"token");
            c.add_bulk(tok.as_bytes());
        }
        if let Some(v) = a.since {
            c.add_bulk(b"since");
            c.add_bulk(v.as_bytes());
        }
        if let Some(v) = a.deprecated_since {
            c.add_bulk(b"deprecated_since");
            c.add_bulk(v.as_bytes());
        }
        if a.flags != 0 {
            c.add_bulk(b"flags");
            let names: Vec<&str> = command_args::FLAG_NAMES
                .iter()
                .filter(|(f, _)| a.flags & f != 0)
                .map(|&(_, n)| n)
                .collect();
            c.add_set_len(names.len());
            for n in names {
                c.add_status(n.as_bytes());
            }
        }
        if nested {
            c.add_bulk(b"arguments");
            reply_doc_args(c, a.args);
        }
    }
}

fn top_level(t: &CommandTable) -> Vec<u32> {
    (0..t.entries.len() as u32)
        .filter(|&i| t.entries[i as usize].parent.is_none())
        .collect()
}

/// COMMAND with no arguments: every command's info.
pub fn command_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if a.len() > 1 {
        // Dispatch resolves known subcommands first; anything else lands
        // in the container's error path. Keep the Redis reply regardless.
        subcommand_error(c, "COMMAND", &a[1]);
        return;
    }
    let t = &srv.commands;
    let ids = top_level(t);
    c.add_array_len(ids.len());
    for id in ids {
        reply_command_info(c, t, id);
    }
}

pub fn command_count_command(srv: &mut Server, c: &mut Client, _a: &Args) {
    c.add_int(top_level(&srv.commands).len() as i64);
}

pub fn command_info_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let t = &srv.commands;
    if a.len() == 2 {
        let ids = top_level(t);
        c.add_array_len(ids.len());
        for id in ids {
            reply_command_info(c, t, id);
        }
        return;
    }
    c.add_array_len(a.len() - 2);
    for i in 2..a.len() {
        match t.lookup_fullname(&a[i]) {
            Some(id) => reply_command_info(c, t, id),
            // addReplyNull: `$-1` in RESP2, not a null array.
            None => c.add_null(),
        }
    }
}

pub fn command_docs_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let t = &srv.commands;
    let ids: Vec<u32> = if a.len() == 2 {
        top_level(t)
    } else {
        // Unknown names are left out of the map, as in Redis.
        (2..a.len())
            .filter_map(|i| t.lookup_fullname(&a[i]))
            .collect()
    };
    c.add_map_len(ids.len());
    for id in ids {
        c.add_bulk(t.entries[id as usize].fullname.as_bytes());
        reply_command_docs(c, t, id);
    }
}

/// COMMAND LIST [FILTERBY MODULE name | ACLCAT cat | PATTERN pattern].
pub fn command_list_command(srv: &mut Server, c: &mut Client, a: &Args) {
    enum Filter<'a> {
        None,
        Module,
        /// None: a category that does not exist (matches nothing).
        AclCat(Option<u32>),
        Pattern(&'a [u8]),
    }
    let filter = match a.len() {
        2 => Filter::None,
        5 if a[2].eq_ignore_ascii_case(b"filterby") => {
            let kind = &a[3];
            if kind.eq_ignore_ascii_case(b"module") {
                Filter::Module
            } else if kind.eq_ignore_ascii_case(b"aclcat") {
                Filter::AclCat(acl::by_name(&a[4]))
            } else if kind.eq_ignore_ascii_case(b"pattern") {
                Filter::Pattern(a.get(4))
            } else {
                c.add_error(SYNTAX);
                return;
            }
        }
        _ => {
            c.add_error(SYNTAX);
            return;
        }
    };
    let t = &srv.commands;
    let names: Vec<&str> = t
        .entries
        .iter()
        // Subcommands are listed too (`config|get`), filtered or not, as
        // commandListWithoutFilter/commandListWithFilter recurse into them.
        .filter(|e| match &filter {
            Filter::None => true,
            Filter::Module => false,
            Filter::AclCat(cat) => cat.is_some_and(|cat| acl_categories(e) & cat != 0),
            Filter::Pattern(p) => crate::util::glob::glob_match(p, e.fullname.as_bytes(), true),
        })
        .map(|e| e.fullname)
        .collect();
    c.add_array_len(names.len());
    for n in names {
        c.add_bulk(n.as_bytes());
    }
}

/// COMMAND GETKEYS cmd args...: the keys the command's key specs (or its
/// getkeys proc) find in the arguments.
pub fn command_getkeys_command(srv: &mut Server, c: &mut Client, a: &Args) {
    getkeys_reply(srv, c, a, false);
}

/// COMMAND GETKEYSANDFLAGS cmd args...: each key with its key spec flags.
pub fn command_getkeysandflags_command(srv: &mut Server, c: &mut Client, a: &Args) {
    getkeys_reply(srv, c, a, true);
}

/// getKeysSubcommandImpl: the checks in Redis's order (command, keys,
/// arity), then the keys.
fn getkeys_reply(srv: &mut Server, c: &mut Client, a: &Args, with_flags: bool) {
    let t = &srv.commands;
    let argv: Vec<&[u8]> = (2..a.len()).map(|i| a.get(i)).collect();
    // lookupCommand: a container with a further argument must name one of
    // its subcommands; alone it is the container itself.
    let id = t.lookup(argv[0]).and_then(|id| {
        if argv.len() == 1 || t.entries[id as usize].subs.is_empty() {
            Some(id)
        } else {
            t.lookup_sub(id, argv[1])
        }
    });
    let Some(id) = id else {
        c.add_error("ERR Invalid command specified");
        return;
    };
    let e = &t.entries[id as usize];
    if !e.meta.has_keys() {
        c.add_error("ERR The command has no key arguments");
        return;
    }
    let argc = argv.len() as i32;
    if (e.cmd.arity > 0 && e.cmd.arity != argc) || argc < -e.cmd.arity {
        c.add_error("ERR Invalid number of arguments specified for command");
        return;
    }
    let keys = getkeys::keys(e.meta, &argv);
    if keys.is_empty() {
        if e.cmd.flags & NO_MANDATORY_KEYS != 0 {
            c.add_array_len(0);
        } else {
            c.add_error("ERR Invalid arguments specified for command");
        }
        return;
    }
    c.add_array_len(keys.len());
    for k in keys {
        if with_flags {
            c.add_array_len(2);
            c.add_bulk(argv[k.pos]);
            reply_key_flags(c, k.flags);
        } else {
            c.add_bulk(argv[k.pos]);
        }
    }
}

pub fn command_help_command(_srv: &mut Server, c: &mut Client, _a: &Args) {
    reply_help(
        c,
        "COMMAND",
        // Redis 7.0's text, word for word.
        &[
            "(no subcommand)",
            "    Return details about all Redis commands.",
            "COUNT",
            "    Return the total number of commands in this Redis server.",
            "LIST",
            "    Return a list of all commands in this Redis server.",
            "INFO [<command-name> ...]",
            "    Return details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "DOCS [<command-name> ...]",
            "    Return documentation details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "GETKEYS <full-command>",
            "    Return the keys from a full Redis command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Return the keys and the access flags from a full Redis command.",
        ],
    );
}

// --------------------------------------------------------------------------
// TIME, LASTSAVE
// --------------------------------------------------------------------------

pub fn time_command(_srv: &mut Server, c: &mut Client, _a: &Args) {
    // TIME reads the real clock, not the cached one (Redis calls gettimeofday).
    let us = crate::server::unix_us();
    c.add_array_len(2);
    c.add_bulk_int(us / 1_000_000);
    c.add_bulk_int(us % 1_000_000);
}

pub fn lastsave_command(srv: &mut Server, c: &mut Client, _a: &Args) {
    c.add_int(srv.lastsave);
}

// --------------------------------------------------------------------------
// DEBUG
// --------------------------------------------------------------------------

/// How long DEBUG SLEEP sleeps. Redis: `dtime = strtod(arg)`, `long long
/// utime = dtime*1000000`, then nanosleep. A product outside long long's
/// range (1e308, 18446744073709551616, inf) or NaN converts to LLONG_MIN on
/// x86-64, a negative time nanosleep refuses at once, as it does negative
/// ones: Redis answers OK without sleeping, and so do we.
fn debug_sleep_time(arg: &[u8]) -> Option<std::time::Duration> {
    let micros = crate::ds::skiplist::atof(arg) * 1e6;
    // `i64::MAX as f64` is 2^63, the first value past long long's range.
    (micros >= 1.0 && micros < i64::MAX as f64)
        .then(|| std::time::Duration::from_micros(micros as u64))
}

/// getPositiveLongFromObjectOrReply's parse for DEBUG POPULATE's numbers:
/// a non-integer gets the same "must be positive" error as a negative one
/// (Redis passes that message to the integer parse too).
fn positive_long(c: &mut Client, arg: &[u8]) -> Option<u64> {
    match crate::ds::sds::string2ll(arg) {
        Some(n) if n >= 0 => Some(n as u64),
        _ => {
            c.add_error("ERR value is out of range, must be positive");
            None
        }
    }
}

/// DEBUG POPULATE count [prefix] [size] (debug.c): string keys
/// `<prefix>:<n>` for n in 0..count (prefix "key"), each holding
/// `value:<n>`, or with a size that text cut or zero-padded to exactly
/// `size` bytes. Keys that already exist are left alone.
fn debug_populate(srv: &mut Server, c: &mut Client, a: &Args) {
    let Some(count) = positive_long(c, &a[2]) else {
        return;
    };
    let size = match (a.len() == 5).then(|| &a[4]) {
        Some(arg) => match positive_long(c, arg) {
            Some(n) => n as usize,
            None => return,
        },
        None => 0,
    };
    // Redis formats the name with `%s` into a 128-byte buffer: the prefix
    // ends at its first NUL and the whole name at 127 bytes.
    let prefix: &[u8] = match (a.len() >= 4).then(|| &a[3]) {
        Some(p) => p.split(|&b| b == 0).next().unwrap_or(&[]),
        None => b"key",
    };
    let dbid = c.db;
    let mut name = Vec::with_capacity(prefix.len() + 21);
    for n in 0..count {
        name.clear();
        name.extend_from_slice(prefix);
        name.push(b':');
        name.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
        name.truncate(127);
        if srv.lookup_write(dbid, &name).is_some() {
            continue;
        }
        let text = format!("value:{n}");
        let val = if size == 0 {
            text.into_bytes()
        } else {
            let mut v = vec![0u8; size];
            let k = size.min(text.len());
            v[..k].copy_from_slice(&text.as_bytes()[..k]);
            v
        };
        // createStringObject: no integer encoding ("value:" never parses).
        srv.db_add(dbid, &name, Value::Str(crate::db::Str::from_vec(val)));
    }
    c.add_ok();
}

pub fn debug_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let sub = String::from_utf8_lossy(&a[1]).to_ascii_lowercase();
    match (sub.as_str(), a.len()) {
        ("help", 2) => reply_help(
            c,
            "DEBUG",
            &[
                "DIGEST",
                "    Output a hex signature representing the current DB content.",
                "DIGEST-VALUE <key> [<key> ...]",
                "    Output a hex signature of the values of all the specified keys.",
                "OBJECT <key>",
                "    Show low level info about the value stored at <key>.",
                "POPULATE <count> [<prefix>] [<size>]",
                "    Create <count> string keys named key:<num>. If <prefix> is specified then",
                "    it is used instead of the 'key' prefix. These are not propagated to",
                "    replicas. Cluster slots are not respected so keys not belonging to the",
                "    current node can be created in cluster mode.",
                "RELOAD [option ...]",
                "    Save the RDB on disk and reload it back to memory. Available options:",
                "    * MERGE: Merge the content of the RDB with the existing dataset.",
                "    * NOSAVE: Don't save the RDB on disk (the existing file is loaded).",
                "    * NOFLUSH: Don't flush the existing dataset before loading.",
                "SET-ACTIVE-EXPIRE <0|1>",
                "    Setting it to 0 disables expiring keys in background when they are not",
                "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
                "    default.",
                "SLEEP <seconds>",
                "    Stop the server for <seconds>. Decimals allowed.",
            ],
        ),
        ("sleep", 3) => {
            if let Some(d) = debug_sleep_time(&a[2]) {
                std::thread::sleep(d);
            }
            c.add_ok();
        }
        ("set-active-expire", 3) => {
            // atoi semantics: any non-zero number enables.
            let v = std::str::from_utf8(&a[2])
                .ok()
                .and_then(|s| s.trim().parse::<i64>().ok())
                .unwrap_or(0);
            srv.active_expire_enabled = v != 0;
            c.add_ok();
        }
        ("reload", _) => crate::cmd::persist::debug_reload(srv, c, a),
        ("digest", 2) => {
            let d = crate::db::digest::dataset(&srv.dbs);
            c.add_status(crate::util::sha1::to_hex(&d).as_bytes());
        }
        ("digest-value", _) => {
            // No lookup: a debug command sees logically expired keys too.
            c.add_array_len(a.len() - 2);
            for j in 2..a.len() {
                let d = crate::db::digest::key(&srv.dbs[c.db], &a[j]);
                c.add_status(crate::util::sha1::to_hex(&d).as_bytes());
            }
        }
        ("populate", 3..=5) => debug_populate(srv, c, a),
        ("object", 3) => {
            let lru = srv.lruclock;
            let compress = srv.cfg.rdbcompression;
            let Some(e) = srv.lookup(c.db, &a[2], Access::NoTouch) else {
                c.add_error("ERR no such key");
                return;
            };
            // estimateObjectIdleTime: the 24-bit LRU clock wraps.
            let idle = if lru >= e.lru {
                lru - e.lru
            } else {
                lru + (crate::server::LRU_CLOCK_MAX - e.lru)
            };
            let line = format!(
                "Value at:{:p} refcount:1 encoding:{} serializedlength:{} lru:{} lru_seconds_idle:{}",
                &e.val as *const Value,
                e.val.encoding(),
                crate::rdb::serialized_len(&e.val, compress),
                e.lru,
                idle
            );
            c.add_status(line.as_bytes());
        }
        _ => subcommand_error(c, "DEBUG", &a[1]),
    }
}

// --------------------------------------------------------------------------
// SHUTDOWN, FUNCTION FLUSH, MEMORY
// --------------------------------------------------------------------------

pub fn shutdown_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let (mut save, mut nosave, mut abort, mut force) = (false, false, false, false);
    for i in 1..a.len() {
        let o = &a[i];
        if o.eq_ignore_ascii_case(b"nosave") {
            nosave = true;
        } else if o.eq_ignore_ascii_case(b"save") {
            save = true;
        } else if o.eq_ignore_ascii_case(b"now") {
            // No replicas to wait for: accepted as-is.
        } else if o.eq_ignore_ascii_case(b"force") {
            force = true;
        } else if o.eq_ignore_ascii_case(b"abort") {
            abort = true;
        } else {
            c.add_error(SYNTAX);
            return;
        }
    }
    if (abort && a.len() != 2) || (save && nosave) {
        c.add_error(SYNTAX);
        return;
    }
    if abort {
        // A shutdown is never left pending here (no replicas to wait for).
        c.add_error("ERR No shutdown in progress.");
        return;
    }
    // Like Redis, no reply on success: the connection just closes when the
    // process exits after this pass of the loop.
    let mode = if save {
        ShutdownSave::Save
    } else if nosave {
        ShutdownSave::NoSave
    } else {
        ShutdownSave::Default
    };
    if !srv.prepare_for_shutdown(mode, force) {
        c.add_error("ERR Errors trying to SHUTDOWN. Check logs.");
        return;
    }
    srv.shutdown_asap = true;
    srv.el.stop();
}

pub fn function_flush_command(_srv: &mut Server, c: &mut Client, a: &Args) {
    if a.len() > 3 {
        subcommand_error(c, "FUNCTION", &a[1]);
        return;
    }
    if a.len() == 3 && !a[2].eq_ignore_ascii_case(b"async") && !a[2].eq_ignore_ascii_case(b"sync") {
        c.add_error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
        return;
    }
    // No function libraries exist (no scripting engine): nothing to flush.
    c.add_ok();
}

/// Bytes a keyspace entry costs beyond key and value: the dict slot and
/// entry header (hash, next link, key box, value enum, LRU clock).
const ENTRY_OVERHEAD: usize = 8 + std::mem::size_of::<crate::db::Entry>() + 16 + 8;

pub fn memory_usage_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let mut i = 3;
    while i < a.len() {
        if a[i].eq_ignore_ascii_case(b"samples") && i + 1 < a.len() {
            match crate::ds::sds::string2ll(&a[i + 1]) {
                None => return c.add_error(NOT_INT),
                Some(n) if n < 0 => return c.add_error(SYNTAX),
                Some(_) => {}
            }
            // Our estimates walk the whole value; SAMPLES only bounds
            // Redis's sampling, so it is validated and otherwise unused.
            i += 2;
        } else {
            c.add_error(SYNTAX);
            return;
        }
    }
    let key = a.get(2);
    let Some(e) = srv.lookup(c.db, key, Access::NoTouch) else {
        c.add_null();
        return;
    };
    let n = e.val.mem_usage() + key.len() + ENTRY_OVERHEAD;
    c.add_int(n as i64);
}

pub fn memory_help_command(_srv: &mut Server, c: &mut Client, _a: &Args) {
    reply_help(
        c,
        "MEMORY",
        &[
            "USAGE <key> [SAMPLES <count>]",
            "    Return memory in bytes used by <key> and its value. Nested values are",
            "    sampled up to <count> times (default: 5, 0 means sample all).",
        ],
    );
}
