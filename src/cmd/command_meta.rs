//! What Redis 7.0's command JSON says about each command beyond the `cmd!`
//! line: its ACL categories, its command tips and its key specs (with the
//! getkeys proc Redis keeps for the commands whose keys key specs cannot
//! describe completely).
//!
//! Threads: none of its own; immutable static data, attached to each entry
//! of the command table at start-up and read on the main thread by
//! COMMAND INFO/DOCS/LIST/GETKEYS.
//!
//! Why: cluster-aware clients and proxies route by COMMAND INFO's key specs
//! and by COMMAND GETKEYS (`zunionstore d 2 a b` must give `d a b`), and
//! ACL categories are what `COMMAND LIST FILTERBY ACLCAT` filters by.
//!
//! Form: one `(fullname, Meta)` row per command and subcommand, in the
//! order of the command table. `m(explicit ACL categories, key specs)`; the
//! categories Redis implies from flags (write, read, admin+dangerous, fast
//! or slow, blocking; setImplicitACLCategories) are added where they are
//! reported, so only the ones Redis's JSON lists are written here. Key
//! specs: `key(pos, flags)` is one key at `pos` (begin_search index pos,
//! find_keys range 0/1/0); `range(pos, lastkey, step, limit, flags)`;
//! `numkeys(pos, flags)` is a numkeys count at `pos` followed by that many
//! keys (keynum 0/1/1); `unknown(flags)` is a spec Redis marks unknown
//! (SORT's BY/GET/STORE). `.tips(..)` and `.getkeys(proc)` add the rest.
//!
//! Checked row by row against redis-server 7.0.15's COMMAND INFO
//! (tests/command_keys.rs compares every command ferrodis has). The legacy
//! (first, last, step) triple of each `cmd!` line is Redis's
//! populateCommandLegacyRangeSpec of these specs; a unit test below keeps
//! the two consistent, and the `movablekeys` flag with them.

use crate::cmd::getkeys;
use crate::cmd::getkeys::GetKeysProc;

/// ACL categories (Redis's ACL_CATEGORY_*), in the order COMMAND INFO
/// reports them.
pub mod acl {
    pub const KEYSPACE: u32 = 1 << 0;
    pub const READ: u32 = 1 << 1;
    pub const WRITE: u32 = 1 << 2;
    pub const SET: u32 = 1 << 3;
    pub const SORTEDSET: u32 = 1 << 4;
    pub const LIST: u32 = 1 << 5;
    pub const HASH: u32 = 1 << 6;
    pub const STRING: u32 = 1 << 7;
    pub const BITMAP: u32 = 1 << 8;
    pub const HYPERLOGLOG: u32 = 1 << 9;
    pub const GEO: u32 = 1 << 10;
    pub const STREAM: u32 = 1 << 11;
    pub const PUBSUB: u32 = 1 << 12;
    pub const ADMIN: u32 = 1 << 13;
    pub const FAST: u32 = 1 << 14;
    pub const SLOW: u32 = 1 << 15;
    pub const BLOCKING: u32 = 1 << 16;
    pub const DANGEROUS: u32 = 1 << 17;
    pub const CONNECTION: u32 = 1 << 18;
    pub const TRANSACTION: u32 = 1 << 19;
    pub const SCRIPTING: u32 = 1 << 20;

    pub const NAMES: &[(u32, &str)] = &[
        (KEYSPACE, "keyspace"),
        (READ, "read"),
        (WRITE, "write"),
        (SET, "set"),
        (SORTEDSET, "sortedset"),
        (LIST, "list"),
        (HASH, "hash"),
        (STRING, "string"),
        (BITMAP, "bitmap"),
        (HYPERLOGLOG, "hyperloglog"),
        (GEO, "geo"),
        (STREAM, "stream"),
        (PUBSUB, "pubsub"),
        (ADMIN, "admin"),
        (FAST, "fast"),
        (SLOW, "slow"),
        (BLOCKING, "blocking"),
        (DANGEROUS, "dangerous"),
        (CONNECTION, "connection"),
        (TRANSACTION, "transaction"),
        (SCRIPTING, "scripting"),
    ];

    /// The category of a name as ACL and COMMAND LIST FILTERBY ACLCAT take
    /// it (case-insensitive, no `@`); None for an unknown name.
    pub fn by_name(name: &[u8]) -> Option<u32> {
        NAMES
            .iter()
            .find(|(_, n)| n.as_bytes().eq_ignore_ascii_case(name))
            .map(|&(bit, _)| bit)
    }
}

/// Key spec flags (Redis's CMD_KEY_*), in the order Redis reports them.
pub mod kflags {
    pub const RO: u16 = 1 << 0;
    pub const RW: u16 = 1 << 1;
    pub const OW: u16 = 1 << 2;
    pub const RM: u16 = 1 << 3;
    pub const ACCESS: u16 = 1 << 4;
    pub const UPDATE: u16 = 1 << 5;
    pub const INSERT: u16 = 1 << 6;
    pub const DELETE: u16 = 1 << 7;
    pub const NOT_KEY: u16 = 1 << 8;
    pub const INCOMPLETE: u16 = 1 << 9;
    pub const VARIABLE_FLAGS: u16 = 1 << 10;

    pub const NAMES: &[(u16, &str)] = &[
        (RO, "RO"),
        (RW, "RW"),
        (OW, "OW"),
        (RM, "RM"),
        (ACCESS, "access"),
        (UPDATE, "update"),
        (INSERT, "insert"),
        (DELETE, "delete"),
        (NOT_KEY, "not_key"),
        (INCOMPLETE, "incomplete"),
        (VARIABLE_FLAGS, "variable_flags"),
    ];
}

/// Where the search for a spec's keys starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BeginSearch {
    /// At this argument index.
    Index(i32),
    /// After `keyword`, searched from `startfrom` (negative: backwards
    /// from the end).
    Keyword {
        keyword: &'static str,
        startfrom: i32,
    },
    /// Cannot be described; the getkeys proc knows.
    Unknown,
}

/// How the keys continue from where the search began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindKeys {
    /// `lastkey` relative to the first key (negative: from the end of the
    /// arguments), every `keystep`-th argument; `limit` N with lastkey -1
    /// takes 1/N of the remaining arguments.
    Range {
        lastkey: i32,
        keystep: i32,
        limit: i32,
    },
    /// The argument at `keynumidx` (relative) counts the keys, which start
    /// at `firstkey` (relative) every `keystep`-th argument.
    Keynum {
        keynumidx: i32,
        firstkey: i32,
        keystep: i32,
    },
    Unknown,
}

#[derive(Debug)]
pub struct KeySpec {
    pub notes: Option<&'static str>,
    pub flags: u16,
    pub begin: BeginSearch,
    pub find: FindKeys,
}

impl KeySpec {
    const fn notes(mut self, notes: &'static str) -> KeySpec {
        self.notes = Some(notes);
        self
    }
}

const fn spec(flags: u16, begin: BeginSearch, find: FindKeys) -> KeySpec {
    KeySpec {
        notes: None,
        flags,
        begin,
        find,
    }
}

/// One key at `pos`.
const fn key(pos: i32, flags: u16) -> KeySpec {
    range(pos, 0, 1, 0, flags)
}

const fn range(pos: i32, lastkey: i32, keystep: i32, limit: i32, flags: u16) -> KeySpec {
    spec(
        flags,
        BeginSearch::Index(pos),
        FindKeys::Range {
            lastkey,
            keystep,
            limit,
        },
    )
}

/// A key count at `pos`, then that many keys.
const fn numkeys(pos: i32, flags: u16) -> KeySpec {
    spec(
        flags,
        BeginSearch::Index(pos),
        FindKeys::Keynum {
            keynumidx: 0,
            firstkey: 1,
            keystep: 1,
        },
    )
}

/// One key after `keyword`, searched for from argument `startfrom`.
const fn keyword(keyword: &'static str, startfrom: i32, flags: u16) -> KeySpec {
    spec(
        flags,
        BeginSearch::Keyword { keyword, startfrom },
        FindKeys::Range {
            lastkey: 0,
            keystep: 1,
            limit: 0,
        },
    )
}

const fn unknown(flags: u16) -> KeySpec {
    spec(flags, BeginSearch::Unknown, FindKeys::Unknown)
}

pub struct Meta {
    /// The ACL categories Redis's JSON lists (not those implied by flags).
    pub acl: u32,
    pub tips: &'static [&'static str],
    pub key_specs: &'static [KeySpec],
    /// Redis's getkeys_proc: used where the specs cannot give the keys
    /// (an unknown spec, variable flags, or specs that fail on the input).
    pub getkeys: Option<GetKeysProc>,
}

const fn m(acl: u32, key_specs: &'static [KeySpec]) -> Meta {
    Meta {
        acl,
        tips: &[],
        key_specs,
        getkeys: None,
    }
}

impl Meta {
    const fn tips(mut self, tips: &'static [&'static str]) -> Meta {
        self.tips = tips;
        self
    }
    const fn getkeys(mut self, f: GetKeysProc) -> Meta {
        self.getkeys = Some(f);
        self
    }

    /// doesCommandHaveKeys: a getkeys proc, or a spec that is a real key.
    pub fn has_keys(&self) -> bool {
        self.getkeys.is_some()
            || self
                .key_specs
                .iter()
                .any(|s| s.flags & kflags::NOT_KEY == 0)
    }
}

/// The metadata of a command by full name (`get`, `client|kill`).
pub fn meta_for(fullname: &str) -> Option<&'static Meta> {
    TABLE.iter().find(|(n, _)| *n == fullname).map(|(_, m)| m)
}

use acl::*;
use kflags::*;

// Redis's notes on SORT's key specs, word for word.
const SORT_BY_GET: &str = "For the optional BY/GET keyword. It is marked 'unknown' \
    because the key names derive from the content of the key we sort";
const SORT_STORE: &str = "For the optional STORE keyword. It is marked 'unknown' \
    because the keyword can appear anywhere in the argument array";

pub static TABLE: &[(&str, Meta)] = &[
    ("get", m(STRING, &[key(1, RO | ACCESS)])),
    (
        "set",
        m(
            STRING,
            &[key(1, RW | ACCESS | UPDATE | VARIABLE_FLAGS)
                .notes("RW and ACCESS due to the optional `GET` argument")],
        )
        .getkeys(getkeys::set_keys),
    ),
    ("setnx", m(STRING, &[key(1, OW | INSERT)])),
    ("setex", m(STRING, &[key(1, OW | UPDATE)])),
    ("psetex", m(STRING, &[key(1, OW | UPDATE)])),
    ("getset", m(STRING, &[key(1, RW | ACCESS | UPDATE)])),
    ("getdel", m(STRING, &[key(1, RW | ACCESS | DELETE)])),
    (
        "getex",
        m(
            STRING,
            &[key(1, RW | ACCESS | UPDATE).notes("RW and UPDATE because it changes the TTL")],
        ),
    ),
    (
        "mget",
        m(STRING, &[range(1, -1, 1, 0, RO | ACCESS)]).tips(&["request_policy:multi_shard"]),
    ),
    (
        "mset",
        m(STRING, &[range(1, -1, 2, 0, OW | UPDATE)]).tips(&[
            "request_policy:multi_shard",
            "response_policy:all_succeeded",
        ]),
    ),
    (
        "msetnx",
        m(STRING, &[range(1, -1, 2, 0, OW | INSERT)])
            .tips(&["request_policy:multi_shard", "response_policy:agg_min"]),
    ),
    ("append", m(STRING, &[key(1, RW | INSERT)])),
    ("strlen", m(STRING, &[key(1, RO)])),
    ("incr", m(STRING, &[key(1, RW | ACCESS | UPDATE)])),
    ("decr", m(STRING, &[key(1, RW | ACCESS | UPDATE)])),
    ("incrby", m(STRING, &[key(1, RW | ACCESS | UPDATE)])),
    ("decrby", m(STRING, &[key(1, RW | ACCESS | UPDATE)])),
    ("incrbyfloat", m(STRING, &[key(1, RW | ACCESS | UPDATE)])),
    ("getrange", m(STRING, &[key(1, RO | ACCESS)])),
    ("substr", m(STRING, &[key(1, RO | ACCESS)])),
    ("setrange", m(STRING, &[key(1, RW | UPDATE)])),
    ("lcs", m(STRING, &[range(1, 1, 1, 0, RO | ACCESS)])),
    // --- bitmap (bitops.rs) ---
    ("setbit", m(BITMAP, &[key(1, RW | ACCESS | UPDATE)])),
    ("getbit", m(BITMAP, &[key(1, RO | ACCESS)])),
    ("bitcount", m(BITMAP, &[key(1, RO | ACCESS)])),
    ("bitpos", m(BITMAP, &[key(1, RO | ACCESS)])),
    (
        "bitop",
        m(
            BITMAP,
            &[key(2, OW | UPDATE), range(3, -1, 1, 0, RO | ACCESS)],
        ),
    ),
    (
        "bitfield",
        m(
            BITMAP,
            &[key(1, RW | ACCESS | UPDATE | VARIABLE_FLAGS)
                .notes("This command allows both access and modification of the key")],
        )
        .getkeys(crate::cmd::bitops::bitfield_keys),
    ),
    ("bitfield_ro", m(BITMAP, &[key(1, RO | ACCESS)])),
    // --- hyperloglog (hyperloglog.rs) ---
    ("pfadd", m(HYPERLOGLOG, &[key(1, RW | INSERT)])),
    (
        "pfcount",
        m(
            HYPERLOGLOG,
            &[range(1, -1, 1, 0, RW | ACCESS).notes(
                "RW because it may change the internal representation of the key, and propagate to replicas",
            )],
        ),
    ),
    (
        "pfmerge",
        m(
            HYPERLOGLOG,
            &[key(1, RW | ACCESS | INSERT), range(2, -1, 1, 0, RO | ACCESS)],
        ),
    ),
    ("pfdebug", m(HYPERLOGLOG, &[key(2, RW | ACCESS)])),
    ("pfselftest", m(HYPERLOGLOG, &[])),
    (
        "del",
        m(KEYSPACE, &[range(1, -1, 1, 0, RM | DELETE)])
            .tips(&["request_policy:multi_shard", "response_policy:agg_sum"]),
    ),
    (
        "exists",
        m(KEYSPACE, &[range(1, -1, 1, 0, RO)])
            .tips(&["request_policy:multi_shard", "response_policy:agg_sum"]),
    ),
    ("type", m(KEYSPACE, &[key(1, RO)])),
    (
        "rename",
        m(
            KEYSPACE,
            &[key(1, RW | ACCESS | DELETE), key(2, OW | UPDATE)],
        ),
    ),
    (
        "renamenx",
        m(
            KEYSPACE,
            &[key(1, RW | ACCESS | DELETE), key(2, OW | INSERT)],
        ),
    ),
    (
        "keys",
        m(KEYSPACE | DANGEROUS, &[])
            .tips(&["request_policy:all_shards", "nondeterministic_output_order"]),
    ),
    (
        "scan",
        m(KEYSPACE, &[]).tips(&["nondeterministic_output", "request_policy:special"]),
    ),
    (
        "randomkey",
        m(KEYSPACE, &[]).tips(&["request_policy:all_shards", "nondeterministic_output"]),
    ),
    ("expire", m(KEYSPACE, &[key(1, RW | UPDATE)])),
    ("pexpire", m(KEYSPACE, &[key(1, RW | UPDATE)])),
    ("expireat", m(KEYSPACE, &[key(1, RW | UPDATE)])),
    ("pexpireat", m(KEYSPACE, &[key(1, RW | UPDATE)])),
    (
        "ttl",
        m(KEYSPACE, &[key(1, RO | ACCESS)]).tips(&["nondeterministic_output"]),
    ),
    (
        "pttl",
        m(KEYSPACE, &[key(1, RO | ACCESS)]).tips(&["nondeterministic_output"]),
    ),
    ("expiretime", m(KEYSPACE, &[key(1, RO | ACCESS)])),
    ("pexpiretime", m(KEYSPACE, &[key(1, RO | ACCESS)])),
    ("persist", m(KEYSPACE, &[key(1, RW | UPDATE)])),
    (
        "touch",
        m(KEYSPACE, &[range(1, -1, 1, 0, RO)])
            .tips(&["request_policy:multi_shard", "response_policy:agg_sum"]),
    ),
    (
        "copy",
        m(KEYSPACE, &[key(1, RO | ACCESS), key(2, OW | UPDATE)]),
    ),
    (
        "dbsize",
        m(KEYSPACE, &[]).tips(&["request_policy:all_shards", "response_policy:agg_sum"]),
    ),
    ("move", m(KEYSPACE, &[key(1, RW | ACCESS | UPDATE)])),
    ("swapdb", m(KEYSPACE | DANGEROUS, &[])),
    ("object", m(0, &[])),
    (
        "object|encoding",
        m(KEYSPACE, &[key(2, RO)]).tips(&["nondeterministic_output"]),
    ),
    (
        "object|freq",
        m(KEYSPACE, &[key(2, RO)]).tips(&["nondeterministic_output"]),
    ),
    (
        "object|idletime",
        m(KEYSPACE, &[key(2, RO)]).tips(&["nondeterministic_output"]),
    ),
    (
        "object|refcount",
        m(KEYSPACE, &[key(2, RO)]).tips(&["nondeterministic_output"]),
    ),
    ("object|help", m(KEYSPACE, &[])),
    (
        "ping",
        m(CONNECTION, &[]).tips(&["request_policy:all_shards", "response_policy:all_succeeded"]),
    ),
    ("echo", m(CONNECTION, &[])),
    (
        "info",
        m(DANGEROUS, &[]).tips(&[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ]),
    ),
    ("config", m(0, &[])),
    ("config|get", m(0, &[])),
    (
        "config|set",
        m(0, &[]).tips(&["request_policy:all_nodes", "response_policy:all_succeeded"]),
    ),
    ("config|resetstat", m(0, &[])),
    ("config|rewrite", m(0, &[])),
    ("config|help", m(0, &[])),
    (
        "command",
        m(CONNECTION, &[]).tips(&["nondeterministic_output_order"]),
    ),
    ("command|count", m(CONNECTION, &[])),
    (
        "command|info",
        m(CONNECTION, &[]).tips(&["nondeterministic_output_order"]),
    ),
    (
        "command|docs",
        m(CONNECTION, &[]).tips(&["nondeterministic_output_order"]),
    ),
    (
        "command|list",
        m(CONNECTION, &[]).tips(&["nondeterministic_output_order"]),
    ),
    ("command|getkeys", m(CONNECTION, &[])),
    ("command|getkeysandflags", m(CONNECTION, &[])),
    ("command|help", m(CONNECTION, &[])),
    ("time", m(0, &[]).tips(&["nondeterministic_output"])),
    (
        "lastsave",
        m(ADMIN | DANGEROUS, &[]).tips(&["nondeterministic_output"]),
    ),
    ("debug", m(0, &[])),
    ("save", m(0, &[])),
    ("bgsave", m(0, &[])),
    (
        "dump",
        m(KEYSPACE, &[key(1, RO | ACCESS)]).tips(&["nondeterministic_output"]),
    ),
    ("restore", m(KEYSPACE | DANGEROUS, &[key(1, OW | UPDATE)])),
    ("shutdown", m(0, &[])),
    ("function", m(0, &[])),
    (
        "function|flush",
        m(SCRIPTING, &[]).tips(&["request_policy:all_shards", "response_policy:all_succeeded"]),
    ),
    ("memory", m(0, &[])),
    ("memory|usage", m(0, &[key(2, RO)])),
    ("memory|help", m(0, &[])),
    ("select", m(CONNECTION, &[])),
    ("quit", m(CONNECTION, &[])),
    ("hello", m(CONNECTION, &[])),
    ("auth", m(CONNECTION, &[])),
    ("reset", m(CONNECTION, &[])),
    ("client", m(0, &[])),
    ("client|id", m(CONNECTION, &[])),
    ("client|setname", m(CONNECTION, &[])),
    ("client|getname", m(CONNECTION, &[])),
    (
        "client|list",
        m(CONNECTION, &[]).tips(&["nondeterministic_output"]),
    ),
    (
        "client|info",
        m(CONNECTION, &[]).tips(&["nondeterministic_output"]),
    ),
    ("client|kill", m(CONNECTION, &[])),
    ("client|reply", m(CONNECTION, &[])),
    ("client|unblock", m(CONNECTION, &[])),
    ("client|no-evict", m(CONNECTION, &[])),
    // Not in Redis 7.0 (7.2 / ferrodis additions).
    ("client|setinfo", m(CONNECTION, &[])),
    ("client|help", m(CONNECTION, &[])),
    // Not in Redis 7.0 (7.2 / ferrodis additions).
    ("post", m(CONNECTION, &[])),
    // Not in Redis 7.0 (7.2 / ferrodis additions).
    ("host:", m(CONNECTION, &[])),
    ("multi", m(TRANSACTION, &[])),
    ("exec", m(TRANSACTION, &[])),
    ("discard", m(TRANSACTION, &[])),
    ("watch", m(TRANSACTION, &[range(1, -1, 1, 0, RO)])),
    ("unwatch", m(TRANSACTION, &[])),
    (
        "unlink",
        m(KEYSPACE, &[range(1, -1, 1, 0, RM | DELETE)])
            .tips(&["request_policy:multi_shard", "response_policy:agg_sum"]),
    ),
    (
        "flushdb",
        m(KEYSPACE | DANGEROUS, &[])
            .tips(&["request_policy:all_shards", "response_policy:all_succeeded"]),
    ),
    (
        "flushall",
        m(KEYSPACE | DANGEROUS, &[])
            .tips(&["request_policy:all_shards", "response_policy:all_succeeded"]),
    ),
    ("lpush", m(LIST, &[key(1, RW | INSERT)])),
    ("rpush", m(LIST, &[key(1, RW | INSERT)])),
    ("lpushx", m(LIST, &[key(1, RW | INSERT)])),
    ("rpushx", m(LIST, &[key(1, RW | INSERT)])),
    ("lpop", m(LIST, &[key(1, RW | ACCESS | DELETE)])),
    ("rpop", m(LIST, &[key(1, RW | ACCESS | DELETE)])),
    ("llen", m(LIST, &[key(1, RO)])),
    ("lrange", m(LIST, &[key(1, RO | ACCESS)])),
    ("lindex", m(LIST, &[key(1, RO | ACCESS)])),
    ("lset", m(LIST, &[key(1, RW | UPDATE)])),
    ("linsert", m(LIST, &[key(1, RW | INSERT)])),
    ("lrem", m(LIST, &[key(1, RW | DELETE)])),
    ("ltrim", m(LIST, &[key(1, RW | DELETE)])),
    ("lpos", m(LIST, &[key(1, RO | ACCESS)])),
    (
        "lmove",
        m(LIST, &[key(1, RW | ACCESS | DELETE), key(2, RW | INSERT)]),
    ),
    (
        "rpoplpush",
        m(LIST, &[key(1, RW | ACCESS | DELETE), key(2, RW | INSERT)]),
    ),
    (
        "lmpop",
        m(LIST, &[numkeys(1, RW | ACCESS | DELETE)]).getkeys(getkeys::numkeys_at_1),
    ),
    (
        "blpop",
        m(LIST, &[range(1, -2, 1, 0, RW | ACCESS | DELETE)]),
    ),
    (
        "brpop",
        m(LIST, &[range(1, -2, 1, 0, RW | ACCESS | DELETE)]),
    ),
    (
        "brpoplpush",
        m(LIST, &[key(1, RW | ACCESS | DELETE), key(2, RW | INSERT)]),
    ),
    (
        "blmove",
        m(LIST, &[key(1, RW | ACCESS | DELETE), key(2, RW | INSERT)]),
    ),
    (
        "blmpop",
        m(LIST, &[numkeys(2, RW | ACCESS | DELETE)]).getkeys(getkeys::numkeys_at_2),
    ),
    ("hset", m(HASH, &[key(1, RW | UPDATE)])),
    ("hmset", m(HASH, &[key(1, RW | UPDATE)])),
    ("hsetnx", m(HASH, &[key(1, RW | INSERT)])),
    ("hget", m(HASH, &[key(1, RO | ACCESS)])),
    ("hmget", m(HASH, &[key(1, RO | ACCESS)])),
    ("hdel", m(HASH, &[key(1, RW | DELETE)])),
    ("hlen", m(HASH, &[key(1, RO)])),
    ("hstrlen", m(HASH, &[key(1, RO)])),
    ("hexists", m(HASH, &[key(1, RO)])),
    (
        "hkeys",
        m(HASH, &[key(1, RO | ACCESS)]).tips(&["nondeterministic_output_order"]),
    ),
    (
        "hvals",
        m(HASH, &[key(1, RO | ACCESS)]).tips(&["nondeterministic_output_order"]),
    ),
    (
        "hgetall",
        m(HASH, &[key(1, RO | ACCESS)]).tips(&["nondeterministic_output_order"]),
    ),
    ("hincrby", m(HASH, &[key(1, RW | ACCESS | UPDATE)])),
    ("hincrbyfloat", m(HASH, &[key(1, RW | ACCESS | UPDATE)])),
    (
        "hrandfield",
        m(HASH, &[key(1, RO | ACCESS)]).tips(&["nondeterministic_output"]),
    ),
    (
        "hscan",
        m(HASH, &[key(1, RO | ACCESS)]).tips(&["nondeterministic_output"]),
    ),
    ("sadd", m(SET, &[key(1, RW | INSERT)])),
    ("srem", m(SET, &[key(1, RW | DELETE)])),
    (
        "smembers",
        m(SET, &[key(1, RO | ACCESS)]).tips(&["nondeterministic_output_order"]),
    ),
    ("sismember", m(SET, &[key(1, RO)])),
    ("smismember", m(SET, &[key(1, RO | ACCESS)])),
    ("scard", m(SET, &[key(1, RO)])),
    (
        "spop",
        m(SET, &[key(1, RW | ACCESS | DELETE)]).tips(&["nondeterministic_output"]),
    ),
    (
        "srandmember",
        m(SET, &[key(1, RO | ACCESS)]).tips(&["nondeterministic_output"]),
    ),
    (
        "smove",
        m(SET, &[key(1, RW | ACCESS | DELETE), key(2, RW | INSERT)]),
    ),
    (
        "sinter",
        m(SET, &[range(1, -1, 1, 0, RO | ACCESS)]).tips(&["nondeterministic_output_order"]),
    ),
    (
        "sintercard",
        m(SET, &[numkeys(1, RO | ACCESS)]).getkeys(getkeys::numkeys_at_1),
    ),
    (
        "sinterstore",
        m(SET, &[key(1, RW | UPDATE), range(2, -1, 1, 0, RO | ACCESS)]),
    ),
    (
        "sunion",
        m(SET, &[range(1, -1, 1, 0, RO | ACCESS)]).tips(&["nondeterministic_output_order"]),
    ),
    (
        "sunionstore",
        m(SET, &[key(1, OW | UPDATE), range(2, -1, 1, 0, RO | ACCESS)]),
    ),
    (
        "sdiff",
        m(SET, &[range(1, -1, 1, 0, RO | ACCESS)]).tips(&["nondeterministic_output_order"]),
    ),
    (
        "sdiffstore",
        m(SET, &[key(1, OW | UPDATE), range(2, -1, 1, 0, RO | ACCESS)]),
    ),
    (
        "sscan",
        m(SET, &[key(1, RO | ACCESS)]).tips(&["nondeterministic_output"]),
    ),
    ("zadd", m(SORTEDSET, &[key(1, RW | UPDATE)])),
    ("zincrby", m(SORTEDSET, &[key(1, RW | ACCESS | UPDATE)])),
    ("zrem", m(SORTEDSET, &[key(1, RW | DELETE)])),
    ("zcard", m(SORTEDSET, &[key(1, RO)])),
    ("zcount", m(SORTEDSET, &[key(1, RO | ACCESS)])),
    ("zlexcount", m(SORTEDSET, &[key(1, RO | ACCESS)])),
    ("zscore", m(SORTEDSET, &[key(1, RO | ACCESS)])),
    ("zmscore", m(SORTEDSET, &[key(1, RO | ACCESS)])),
    ("zrank", m(SORTEDSET, &[key(1, RO | ACCESS)])),
    ("zrevrank", m(SORTEDSET, &[key(1, RO | ACCESS)])),
    ("zrange", m(SORTEDSET, &[key(1, RO | ACCESS)])),
    (
        "zrangestore",
        m(SORTEDSET, &[key(1, OW | UPDATE), key(2, RO | ACCESS)]),
    ),
    ("zrevrange", m(SORTEDSET, &[key(1, RO | ACCESS)])),
    ("zrangebyscore", m(SORTEDSET, &[key(1, RO | ACCESS)])),
    ("zrevrangebyscore", m(SORTEDSET, &[key(1, RO | ACCESS)])),
    ("zrangebylex", m(SORTEDSET, &[key(1, RO | ACCESS)])),
    ("zrevrangebylex", m(SORTEDSET, &[key(1, RO | ACCESS)])),
    ("zpopmin", m(SORTEDSET, &[key(1, RW | ACCESS | DELETE)])),
    ("zpopmax", m(SORTEDSET, &[key(1, RW | ACCESS | DELETE)])),
    (
        "bzpopmin",
        m(SORTEDSET, &[range(1, -2, 1, 0, RW | ACCESS | DELETE)]),
    ),
    (
        "bzpopmax",
        m(SORTEDSET, &[range(1, -2, 1, 0, RW | ACCESS | DELETE)]),
    ),
    (
        "zmpop",
        m(SORTEDSET, &[numkeys(1, RW | ACCESS | DELETE)]).getkeys(getkeys::numkeys_at_1),
    ),
    (
        "bzmpop",
        m(SORTEDSET, &[numkeys(2, RW | ACCESS | DELETE)]).getkeys(getkeys::numkeys_at_2),
    ),
    (
        "zrandmember",
        m(SORTEDSET, &[key(1, RO | ACCESS)]).tips(&["nondeterministic_output"]),
    ),
    (
        "zunion",
        m(SORTEDSET, &[numkeys(1, RO | ACCESS)]).getkeys(getkeys::numkeys_at_1),
    ),
    (
        "zinter",
        m(SORTEDSET, &[numkeys(1, RO | ACCESS)]).getkeys(getkeys::numkeys_at_1),
    ),
    (
        "zdiff",
        m(SORTEDSET, &[numkeys(1, RO | ACCESS)]).getkeys(getkeys::numkeys_at_1),
    ),
    (
        "zunionstore",
        m(SORTEDSET, &[key(1, OW | UPDATE), numkeys(2, RO | ACCESS)])
            .getkeys(getkeys::store_numkeys_at_2),
    ),
    (
        "zinterstore",
        m(SORTEDSET, &[key(1, OW | UPDATE), numkeys(2, RO | ACCESS)])
            .getkeys(getkeys::store_numkeys_at_2),
    ),
    (
        "zdiffstore",
        m(SORTEDSET, &[key(1, OW | UPDATE), numkeys(2, RO | ACCESS)])
            .getkeys(getkeys::store_numkeys_at_2),
    ),
    (
        "zintercard",
        m(SORTEDSET, &[numkeys(1, RO | ACCESS)]).getkeys(getkeys::numkeys_at_1),
    ),
    ("zremrangebyrank", m(SORTEDSET, &[key(1, RW | DELETE)])),
    ("zremrangebyscore", m(SORTEDSET, &[key(1, RW | DELETE)])),
    ("zremrangebylex", m(SORTEDSET, &[key(1, RW | DELETE)])),
    (
        "zscan",
        m(SORTEDSET, &[key(1, RO | ACCESS)]).tips(&["nondeterministic_output"]),
    ),
    // Geo (geo.c): sorted sets of geohash scores.
    ("geoadd", m(GEO, &[key(1, RW | UPDATE)])),
    ("geodist", m(GEO, &[key(1, RO | ACCESS)])),
    ("geohash", m(GEO, &[key(1, RO | ACCESS)])),
    ("geopos", m(GEO, &[key(1, RO | ACCESS)])),
    (
        "georadius",
        m(
            GEO,
            &[
                key(1, RO | ACCESS),
                keyword("STORE", 6, OW | UPDATE),
                keyword("STOREDIST", 6, OW | UPDATE),
            ],
        )
        .getkeys(getkeys::georadius_keys),
    ),
    ("georadius_ro", m(GEO, &[key(1, RO | ACCESS)])),
    (
        "georadiusbymember",
        m(
            GEO,
            &[
                key(1, RO | ACCESS),
                keyword("STORE", 5, OW | UPDATE),
                keyword("STOREDIST", 5, OW | UPDATE),
            ],
        )
        .getkeys(getkeys::georadius_keys),
    ),
    ("georadiusbymember_ro", m(GEO, &[key(1, RO | ACCESS)])),
    ("geosearch", m(GEO, &[key(1, RO | ACCESS)])),
    (
        "geosearchstore",
        m(GEO, &[key(1, OW | UPDATE), key(2, RO | ACCESS)]),
    ),
    (
        "sort",
        m(
            SET | SORTEDSET | LIST | DANGEROUS,
            &[
                key(1, RO | ACCESS),
                unknown(RO | ACCESS).notes(SORT_BY_GET),
                unknown(OW | UPDATE).notes(SORT_STORE),
            ],
        )
        .getkeys(getkeys::sort_keys),
    ),
    (
        "sort_ro",
        m(
            SET | SORTEDSET | LIST | DANGEROUS,
            &[key(1, RO | ACCESS), unknown(RO | ACCESS).notes(SORT_BY_GET)],
        )
        .getkeys(getkeys::sort_ro_keys),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::command_args::{self, Arg};
    use crate::cmd::{CommandTable, flags};

    /// Every command and subcommand has exactly one row, and no row names
    /// a command ferrodis does not have.
    #[test]
    fn every_command_has_one_row() {
        let t = CommandTable::new();
        for e in &t.entries {
            assert!(meta_for(e.fullname).is_some(), "no row for {}", e.fullname);
        }
        for (name, _) in TABLE {
            assert!(
                t.lookup_fullname(name.as_bytes()).is_some(),
                "row for unknown command {name}"
            );
        }
        let mut names: Vec<&str> = TABLE.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TABLE.len(), "a command has two rows");
    }

    /// Redis's populateCommandLegacyRangeSpec + populateCommandMovableKeys:
    /// the (first, last, step) COMMAND INFO reports and whether the keys
    /// are movable, derived from the specs.
    fn legacy(meta: &Meta) -> ((i32, i32, i32), bool) {
        let specs = meta.key_specs;
        let plain = |s: &KeySpec| {
            matches!(
                (s.begin, s.find),
                (BeginSearch::Index(_), FindKeys::Range { .. })
            )
        };
        // A getkeys proc alone does not make keys movable in 7.0 (SET has
        // one for its variable flags and is not `movablekeys`).
        let mut movable = specs.iter().any(|s| !plain(s));
        let report = |pos: i32, lastkey: i32, step: i32| {
            (
                pos,
                if lastkey >= 0 { lastkey + pos } else { lastkey },
                step,
            )
        };
        if let [s] = specs
            && let (
                BeginSearch::Index(pos),
                FindKeys::Range {
                    lastkey, keystep, ..
                },
            ) = (s.begin, s.find)
        {
            movable |= s.flags & kflags::INCOMPLETE != 0;
            return (report(pos, lastkey, keystep), movable);
        }
        let (mut first, mut last, mut prev_last) = (i32::MAX, 0i32, 0i32);
        for s in specs {
            let (
                BeginSearch::Index(pos),
                FindKeys::Range {
                    lastkey, keystep, ..
                },
            ) = (s.begin, s.find)
            else {
                continue;
            };
            if keystep != 1 || (prev_last != 0 && prev_last != pos - 1) {
                movable = true;
                continue;
            }
            movable |= s.flags & kflags::INCOMPLETE != 0;
            first = first.min(pos);
            let abs = if lastkey >= 0 { lastkey + pos } else { lastkey };
            // Redis compares as unsigned, so a negative (from the end)
            // lastkey wins over any absolute index.
            if (abs as u32) > (last as u32) {
                last = abs;
            }
            prev_last = last;
        }
        if first == i32::MAX {
            return ((0, 0, 0), movable || !specs.is_empty());
        }
        let rel = if last < 0 { last } else { last - first };
        (report(first, rel, 1), movable)
    }

    /// The `cmd!` lines' (first, last, step) and movablekeys flag are what
    /// Redis derives from these key specs.
    #[test]
    fn legacy_range_and_movablekeys_follow_the_key_specs() {
        let t = CommandTable::new();
        for e in &t.entries {
            let (range, movable) = legacy(e.meta);
            let c = e.cmd;
            assert_eq!(
                (c.first_key, c.last_key, c.step),
                range,
                "{}: legacy key range",
                e.fullname
            );
            assert_eq!(
                c.flags & flags::MOVABLE_KEYS != 0,
                movable,
                "{}: movablekeys",
                e.fullname
            );
        }
    }

    /// COMMAND DOCS's `key_spec_index` of each key argument names one of
    /// the command's key specs.
    #[test]
    fn doc_key_spec_indexes_name_a_key_spec() {
        fn walk(name: &str, n: usize, args: &[Arg]) {
            for a in args {
                if a.key_spec >= 0 {
                    assert!(
                        (a.key_spec as usize) < n,
                        "{name}: argument {} names key spec {} of {n}",
                        a.name,
                        a.key_spec
                    );
                }
                walk(name, n, a.args);
            }
        }
        for (name, args) in command_args::TABLE {
            let meta = meta_for(name).unwrap();
            walk(name, meta.key_specs.len(), args);
        }
    }

    /// A command with keys but no spec that can find them must have a
    /// getkeys proc, or COMMAND GETKEYS could never answer for it.
    #[test]
    fn unknown_or_variable_specs_come_with_a_getkeys_proc() {
        for (name, meta) in TABLE {
            let needs = meta.key_specs.iter().any(|s| {
                s.begin == BeginSearch::Unknown
                    || s.find == FindKeys::Unknown
                    || s.flags & kflags::VARIABLE_FLAGS != 0
            });
            assert!(!needs || meta.getkeys.is_some(), "{name}");
        }
    }
}
