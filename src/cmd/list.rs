//! List commands (t_list.c), including the blocking ones.

use crate::cmd::Command;

pub const COMMANDS: &[Command] = &[];
