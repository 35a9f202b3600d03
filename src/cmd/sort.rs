//! SORT and SORT_RO (sort.c).

use crate::cmd::Command;

pub const COMMANDS: &[Command] = &[];
