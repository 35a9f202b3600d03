//! UNLINK, FLUSHDB, FLUSHALL (db.c), freeing through lazyfree.

use crate::cmd::Command;

pub const COMMANDS: &[Command] = &[];
