//! Connection commands: HELLO, AUTH, SELECT, QUIT, RESET, CLIENT.

use crate::cmd;
use crate::cmd::{Command, flags::*};
use crate::net::client::{Args, Client, flags as cf};
use crate::net::reply::Reply;
use crate::server::Server;

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
        ALLOW_BUSY | NO_AUTH | FAST | LOADING | STALE,
        0,
        0,
        0,
        "connection",
        "Closes the connection.",
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
