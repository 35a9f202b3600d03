//! Sorted-set commands (t_zset.c).

use crate::cmd::Command;

pub const COMMANDS: &[Command] = &[];
