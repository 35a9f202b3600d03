//! Server commands (server.c, config.c, debug.c): PING, ECHO, INFO, CONFIG,
//! COMMAND, TIME, DEBUG, SHUTDOWN, LASTSAVE...

use crate::cmd;
use crate::cmd::{Command, flags::*};
use crate::net::client::{Args, Client};
use crate::net::reply::Reply;
use crate::server::Server;

pub const COMMANDS: &[Command] = &[
    cmd!(
        "ping",
        ping_command,
        -1,
        FAST | STALE,
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
        FAST,
        0,
        0,
        0,
        "connection",
        "Returns the given string.",
        "1.0.0"
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
