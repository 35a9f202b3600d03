//! Hash commands (t_hash.c).

use crate::cmd::Command;

pub const COMMANDS: &[Command] = &[];
