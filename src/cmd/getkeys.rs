//! Key extraction from a command's arguments (db.c's
//! getKeysFromCommandWithSpecs and the getkeys procs), used by COMMAND
//! GETKEYS and GETKEYSANDFLAGS.
//!
//! Threads: pure functions over the arguments; called on the main thread.
//!
//! Order of preference, as in Redis 7.0: the command's key specs, unless
//! one of them has variable flags (SET, whose key is read only with GET);
//! when a spec cannot be applied (an unknown spec, a numkeys that is not a
//! count, a range past the end) the getkeys proc decides, and a command
//! without one has no keys for that input.

use crate::cmd::command_meta::{BeginSearch, FindKeys, KeySpec, Meta, kflags};

/// One key found: its argument index (0 = the command name) and the flags
/// of the spec (or proc) that found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyRef {
    pub pos: usize,
    pub flags: u16,
}

/// Redis's getkeys_proc: the keys of `argv` (argv[0] is the command).
pub type GetKeysProc = fn(argv: &[&[u8]]) -> Vec<KeyRef>;

/// The keys of a command call whose arity was already checked. Empty when
/// the command has no keys for these arguments.
pub fn keys(meta: &Meta, argv: &[&[u8]]) -> Vec<KeyRef> {
    let variable = meta
        .key_specs
        .iter()
        .any(|s| s.flags & kflags::VARIABLE_FLAGS != 0);
    let real = meta
        .key_specs
        .iter()
        .any(|s| s.flags & kflags::NOT_KEY == 0);
    if real
        && !variable
        && let Some(keys) = keys_from_specs(meta.key_specs, argv)
    {
        return keys;
    }
    meta.getkeys.map(|f| f(argv)).unwrap_or_default()
}

/// getKeysUsingKeySpecs: the keys of every spec in order; None when a spec
/// does not apply to these arguments (an unknown spec, a bad key count, a
/// range out of bounds). A keyword that is absent just skips its spec.
pub fn keys_from_specs(specs: &[KeySpec], argv: &[&[u8]]) -> Option<Vec<KeyRef>> {
    let argc = argv.len() as i64;
    let mut out = Vec::new();
    for spec in specs {
        if spec.flags & kflags::NOT_KEY != 0 {
            continue;
        }
        let mut first = match spec.begin {
            BeginSearch::Index(pos) => pos as i64,
            BeginSearch::Keyword { keyword, startfrom } => {
                match find_keyword(argv, keyword, startfrom) {
                    Some(i) => i as i64 + 1,
                    None => continue,
                }
            }
            BeginSearch::Unknown => return None,
        };
        let (last, step) = match spec.find {
            FindKeys::Range {
                lastkey,
                keystep,
                limit,
            } => {
                let lastkey = lastkey as i64;
                let last = if lastkey >= 0 {
                    first + lastkey
                } else if limit == 0 {
                    argc + lastkey
                } else {
                    first + ((argc - first) / limit as i64 + lastkey)
                };
                (last, keystep as i64)
            }
            FindKeys::Keynum {
                keynumidx,
                firstkey,
                keystep,
            } => {
                let at = first + keynumidx as i64;
                if at >= argc {
                    return None;
                }
                let n = crate::ds::sds::string2ll(argv[at as usize]).filter(|&n| n >= 0)?;
                first += firstkey as i64;
                // Redis adds the count as a C int.
                (first + (n as i32) as i64 - 1, keystep as i64)
            }
            FindKeys::Unknown => return None,
        };
        if last >= argc || last < first || first >= argc || step <= 0 {
            return None;
        }
        let mut i = first;
        while i <= last {
            out.push(KeyRef {
                pos: i as usize,
                flags: spec.flags,
            });
            i += step;
        }
    }
    Some(out)
}

/// The index of `keyword` (case-insensitive) searched from `startfrom`:
/// forwards when positive, up to but not including the last argument
/// (a keyword there has no key after it); backwards from `argc +
/// startfrom` when negative, down to but not including argument 1.
fn find_keyword(argv: &[&[u8]], keyword: &str, startfrom: i32) -> Option<usize> {
    let argc = argv.len() as i64;
    let matches = |i: &i64| argv[*i as usize].eq_ignore_ascii_case(keyword.as_bytes());
    let found = if startfrom > 0 {
        (startfrom as i64..argc - 1).find(matches)
    } else {
        (2..=argc + startfrom as i64).rev().find(matches)
    };
    found.map(|i| i as usize)
}

/// C's atoi as glibc has it ((int)strtol): leading blanks, a sign, digits
/// up to the first non-digit; 0 when there are none. The numkeys procs
/// below parse with it, so `2abc` counts 2 as in Redis.
fn atoi(s: &[u8]) -> i32 {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') {
        i += 1;
    }
    let neg = i < s.len() && s[i] == b'-';
    if i < s.len() && (s[i] == b'-' || s[i] == b'+') {
        i += 1;
    }
    let mut v: i64 = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        v = v.saturating_mul(10).saturating_add((s[i] - b'0') as i64);
        i += 1;
    }
    (if neg { v.saturating_neg() } else { v }) as i32
}

/// genericGetKeys: `argv[count_at]` keys from `first` every `step`,
/// then the store key (when `store_at` is not 0); none when the count is
/// below 1 or more than the arguments hold. Flags are not known here (0).
fn numkeys_generic(
    store_at: usize,
    count_at: usize,
    first: usize,
    step: usize,
    argv: &[&[u8]],
) -> Vec<KeyRef> {
    let num = atoi(argv[count_at]) as i64;
    let room = (argv.len() as i64 - first as i64) / step as i64;
    if num < 1 || num > room {
        return Vec::new();
    }
    let mut out: Vec<KeyRef> = (0..num as usize)
        .map(|i| KeyRef {
            pos: first + i * step,
            flags: 0,
        })
        .collect();
    if store_at != 0 {
        out.push(KeyRef {
            pos: store_at,
            flags: 0,
        });
    }
    out
}

/// ZUNION/ZINTER/ZDIFF, LMPOP, ZMPOP, SINTERCARD, ZINTERCARD: `numkeys key...`.
pub fn numkeys_at_1(argv: &[&[u8]]) -> Vec<KeyRef> {
    numkeys_generic(0, 1, 2, 1, argv)
}

/// BLMPOP, BZMPOP: `timeout numkeys key...`.
pub fn numkeys_at_2(argv: &[&[u8]]) -> Vec<KeyRef> {
    numkeys_generic(0, 2, 3, 1, argv)
}

/// ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE: `destination numkeys key...`.
pub fn store_numkeys_at_2(argv: &[&[u8]]) -> Vec<KeyRef> {
    numkeys_generic(1, 2, 3, 1, argv)
}

/// SET: the key is read (RW access update) only when GET is given,
/// otherwise overwritten (OW update).
pub fn set_keys(argv: &[&[u8]]) -> Vec<KeyRef> {
    use kflags::*;
    let get = argv.iter().skip(3).any(|a| a.eq_ignore_ascii_case(b"get"));
    let flags = if get {
        RW | ACCESS | UPDATE
    } else {
        OW | UPDATE
    };
    vec![KeyRef { pos: 1, flags }]
}

/// SORT: the sorted key, and the destination of the last STORE. Options
/// are skipped with their arguments (LIMIT 2, GET 1, BY 1) so a STORE
/// that is an option's argument is not taken for the keyword; the BY/GET
/// patterns are not keys of this call.
pub fn sort_keys(argv: &[&[u8]]) -> Vec<KeyRef> {
    use kflags::*;
    let mut out = vec![KeyRef {
        pos: 1,
        flags: RO | ACCESS,
    }];
    let mut store = None;
    let mut i = 2;
    while i < argv.len() {
        let a = argv[i];
        if a.eq_ignore_ascii_case(b"limit") {
            i += 2;
        } else if a.eq_ignore_ascii_case(b"get") || a.eq_ignore_ascii_case(b"by") {
            i += 1;
        } else if a.eq_ignore_ascii_case(b"store") && i + 1 < argv.len() {
            store = Some(i + 1);
        }
        i += 1;
    }
    if let Some(pos) = store {
        out.push(KeyRef {
            pos,
            flags: OW | UPDATE,
        });
    }
    out
}

/// georadiusGetKeys (GEORADIUS, GEORADIUSBYMEMBER): the source and the
/// last STORE/STOREDIST key, which is the one the command writes.
pub fn georadius_keys(argv: &[&[u8]]) -> Vec<KeyRef> {
    use kflags::*;
    let mut out = vec![KeyRef {
        pos: 1,
        flags: RO | ACCESS,
    }];
    let mut stored = None;
    let mut i = 5;
    while i < argv.len() {
        let a = argv[i];
        if (a.eq_ignore_ascii_case(b"store") || a.eq_ignore_ascii_case(b"storedist"))
            && i + 1 < argv.len()
        {
            stored = Some(i + 1);
            i += 1;
        }
        i += 1;
    }
    if let Some(pos) = stored {
        out.push(KeyRef {
            pos,
            flags: OW | UPDATE,
        });
    }
    out
}

/// SORT_RO: only the sorted key.
pub fn sort_ro_keys(_argv: &[&[u8]]) -> Vec<KeyRef> {
    vec![KeyRef {
        pos: 1,
        flags: kflags::RO | kflags::ACCESS,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &str) -> Vec<&[u8]> {
        s.split(' ').map(str::as_bytes).collect()
    }

    #[test]
    fn atoi_stops_at_the_first_non_digit() {
        assert_eq!(atoi(b"2abc"), 2);
        assert_eq!(atoi(b"  -3"), -3);
        assert_eq!(atoi(b"+7"), 7);
        assert_eq!(atoi(b"x"), 0);
        assert_eq!(atoi(b""), 0);
    }

    #[test]
    fn sort_takes_the_last_store_and_skips_option_arguments() {
        let a = argv("sort k store a limit 0 1 store b");
        let pos: Vec<usize> = sort_keys(&a).iter().map(|k| k.pos).collect();
        assert_eq!(pos, [1, 8]);
        // STORE as GET's pattern is not the keyword.
        let a = argv("sort k get store x");
        assert_eq!(sort_keys(&a).len(), 1);
    }

    #[test]
    fn keyword_search_runs_backwards_for_negative_startfrom() {
        let a = argv("cmd a KW b KW c");
        assert_eq!(find_keyword(&a, "kw", 1), Some(2));
        assert_eq!(find_keyword(&a, "kw", -1), Some(4));
        assert_eq!(find_keyword(&a, "kw", -3), Some(2));
        assert_eq!(find_keyword(&a, "zz", -1), None);
    }
}
