//! Set commands (t_set.c).

use crate::cmd::Command;

pub const COMMANDS: &[Command] = &[];
