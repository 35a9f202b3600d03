//! Argument specs for COMMAND DOCS (Redis's per-command `arguments`).
//!
//! Threads: none of its own; the table is immutable static data read by
//! COMMAND DOCS on the main thread.
//!
//! Why: redis-cli 7 builds its interactive hints (`set k ` -> `value [NX|XX]
//! ...`) and its HELP text from the `arguments` array of COMMAND DOCS; a
//! server that omits it gets no hints at all. The names, types, tokens and
//! flags below are the interface Redis documents for each command (7.0,
//! plus the later additions ferrodis implements, such as CLIENT SETINFO and
//! ZRANK WITHSCORE).
//!
//! Form: a small const-fn DSL. `k("key")` is a key argument, `s`/`i`/`d`/`p`
//! /`t` are string/integer/double/pattern/unix-time, `pt("nx", "NX")` a pure
//! token, `one`/`blk` a oneof/block over nested arguments. Modifiers:
//! `.opt()`, `.multi()`, `.mtok()` (multiple_token), `.tok("EX")`, `.ks(n)`
//! (key_spec_index, Redis's numbering: the n-th key spec of the command),
//! `.v("6.2.0")` (since), `.dep("2.8.12")` (deprecated_since).
//!
//! Checked field by field (name, type, token, flags, since,
//! deprecated_since, key_spec_index, nesting) against redis-server 7.0.15's
//! COMMAND DOCS; the deliberate differences are later additions ferrodis
//! implements: ZRANK/ZREVRANK WITHSCORE, CLIENT SETINFO, and COMMAND
//! GETKEYS/GETKEYSANDFLAGS's `command arg [arg ...]` (7.0 documents no
//! arguments for them).
//!
//! A `key_spec_index` is the index of the key spec in the command's
//! COMMAND INFO key specs (command_meta.rs); a unit test keeps them in
//! range.
//!
//! Not done: argument `summary` and `display_text` (Redis 7.0 sends
//! neither for these commands).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Double,
    Key,
    Pattern,
    UnixTime,
    PureToken,
    OneOf,
    Block,
}

impl Kind {
    /// The `type` string of COMMAND DOCS.
    pub fn name(self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Integer => "integer",
            Kind::Double => "double",
            Kind::Key => "key",
            Kind::Pattern => "pattern",
            Kind::UnixTime => "unix-time",
            Kind::PureToken => "pure-token",
            Kind::OneOf => "oneof",
            Kind::Block => "block",
        }
    }
}

pub const OPTIONAL: u8 = 1;
pub const MULTIPLE: u8 = 2;
pub const MULTIPLE_TOKEN: u8 = 4;

/// Flag names in the order Redis emits them.
pub const FLAG_NAMES: &[(u8, &str)] = &[
    (OPTIONAL, "optional"),
    (MULTIPLE, "multiple"),
    (MULTIPLE_TOKEN, "multiple_token"),
];

#[derive(Debug)]
pub struct Arg {
    pub name: &'static str,
    pub kind: Kind,
    pub token: Option<&'static str>,
    pub flags: u8,
    /// -1: not a key (Redis omits `key_spec_index`).
    pub key_spec: i8,
    pub since: Option<&'static str>,
    pub deprecated_since: Option<&'static str>,
    /// Nested arguments of a oneof/block.
    pub args: &'static [Arg],
}

const fn arg(name: &'static str, kind: Kind) -> Arg {
    Arg {
        name,
        kind,
        token: None,
        flags: 0,
        key_spec: -1,
        since: None,
        deprecated_since: None,
        args: &[],
    }
}

const fn k(name: &'static str) -> Arg {
    let mut a = arg(name, Kind::Key);
    a.key_spec = 0;
    a
}
const fn s(name: &'static str) -> Arg {
    arg(name, Kind::String)
}
const fn i(name: &'static str) -> Arg {
    arg(name, Kind::Integer)
}
const fn d(name: &'static str) -> Arg {
    arg(name, Kind::Double)
}
const fn p(name: &'static str) -> Arg {
    arg(name, Kind::Pattern)
}
const fn t(name: &'static str) -> Arg {
    arg(name, Kind::UnixTime)
}
const fn pt(name: &'static str, token: &'static str) -> Arg {
    arg(name, Kind::PureToken).tok(token)
}
const fn one(name: &'static str, args: &'static [Arg]) -> Arg {
    let mut a = arg(name, Kind::OneOf);
    a.args = args;
    a
}
const fn blk(name: &'static str, args: &'static [Arg]) -> Arg {
    let mut a = arg(name, Kind::Block);
    a.args = args;
    a
}

impl Arg {
    const fn opt(mut self) -> Arg {
        self.flags |= OPTIONAL;
        self
    }
    const fn multi(mut self) -> Arg {
        self.flags |= MULTIPLE;
        self
    }
    const fn mtok(mut self) -> Arg {
        self.flags |= MULTIPLE_TOKEN;
        self
    }
    const fn tok(mut self, token: &'static str) -> Arg {
        self.token = Some(token);
        self
    }
    const fn ks(mut self, n: i8) -> Arg {
        self.key_spec = n;
        self
    }
    const fn v(mut self, since: &'static str) -> Arg {
        self.since = Some(since);
        self
    }
    const fn dep(mut self, since: &'static str) -> Arg {
        self.deprecated_since = Some(since);
        self
    }
}

// Pieces shared by several commands.
const KEY: Arg = k("key");
const KEYS: Arg = k("key").multi();
const NUMKEYS: Arg = i("numkeys");
const MEMBER: Arg = s("member");
const MEMBERS: Arg = s("member").multi();
const FIELD: Arg = s("field");
const CURSOR: Arg = i("cursor");
const MATCH: Arg = p("pattern").tok("MATCH").opt();
const COUNT_OPT: Arg = i("count").tok("COUNT").opt();
const TIMEOUT: Arg = d("timeout");
const WITHSCORES: Arg = pt("withscores", "WITHSCORES").opt();
const LEFT_RIGHT: &[Arg] = &[pt("left", "LEFT"), pt("right", "RIGHT")];
const MIN_MAX: &[Arg] = &[pt("min", "MIN"), pt("max", "MAX")];
const LIMIT: Arg = blk("offset_count", &[i("offset"), i("count")])
    .tok("LIMIT")
    .opt();
const EXPIRE_COND: Arg = one(
    "condition",
    &[
        pt("nx", "NX"),
        pt("xx", "XX"),
        pt("gt", "GT"),
        pt("lt", "LT"),
    ],
)
.opt()
.v("7.0.0");
const FLUSH_MODE: Arg = one(
    "async",
    &[
        pt("async", "ASYNC").v("4.0.0"),
        pt("sync", "SYNC").v("6.2.0"),
    ],
)
.opt();
const SORT_BY: Arg = p("pattern").tok("BY").ks(1).opt();
const SORT_GET: Arg = p("pattern").tok("GET").ks(1).opt().multi().mtok();
const SORT_ORDER: Arg = one("order", &[pt("asc", "ASC"), pt("desc", "DESC")]).opt();
const SORT_ALPHA: Arg = pt("sorting", "ALPHA").opt();
// ZRANGE got these in 6.2.0 (its docs say so); ZRANGESTORE, new in
// 6.2.0, had them from the start and carries no per-argument since.
const ZSORTBY: Arg = one("sortby", &[pt("byscore", "BYSCORE"), pt("bylex", "BYLEX")]).opt();
const ZREV: Arg = pt("rev", "REV").opt();
const ZLIMIT: Arg = LIMIT;
const WEIGHTS: Arg = i("weight").tok("WEIGHTS").opt().multi();
const AGGREGATE: Arg = one(
    "aggregate",
    &[pt("sum", "SUM"), pt("min", "MIN"), pt("max", "MAX")],
)
.tok("AGGREGATE")
.opt();
// BITCOUNT and BITPOS's BYTE|BIT, new in 7.0.0.
const INDEX_UNIT: Arg = one("index_unit", &[pt("byte", "BYTE"), pt("bit", "BIT")])
    .opt()
    .v("7.0.0");
const ON_OFF: &[Arg] = &[pt("on", "ON"), pt("off", "OFF")];

/// Every command and subcommand of the command table, by full name
/// (`get`, `client|kill`). An empty list: the command takes no arguments.
/// Container commands (CLIENT, CONFIG...) have none of their own, as in
/// Redis: their subcommands carry them.
pub static TABLE: &[(&str, &[Arg])] = &[
    // --- string ---
    ("get", &[KEY]),
    (
        "set",
        &[
            KEY,
            s("value"),
            one("condition", &[pt("nx", "NX"), pt("xx", "XX")])
                .opt()
                .v("2.6.12"),
            pt("get", "GET").opt().v("6.2.0"),
            one(
                "expiration",
                &[
                    i("seconds").tok("EX").v("2.6.12"),
                    i("milliseconds").tok("PX").v("2.6.12"),
                    t("unix-time-seconds").tok("EXAT").v("6.2.0"),
                    t("unix-time-milliseconds").tok("PXAT").v("6.2.0"),
                    pt("keepttl", "KEEPTTL").v("6.0.0"),
                ],
            )
            .opt(),
        ],
    ),
    ("setnx", &[KEY, s("value")]),
    ("setex", &[KEY, i("seconds"), s("value")]),
    ("psetex", &[KEY, i("milliseconds"), s("value")]),
    ("getset", &[KEY, s("value")]),
    ("getdel", &[KEY]),
    (
        "getex",
        &[
            KEY,
            one(
                "expiration",
                &[
                    i("seconds").tok("EX"),
                    i("milliseconds").tok("PX"),
                    t("unix-time-seconds").tok("EXAT"),
                    t("unix-time-milliseconds").tok("PXAT"),
                    pt("persist", "PERSIST"),
                ],
            )
            .opt(),
        ],
    ),
    ("mget", &[KEYS]),
    ("mset", &[blk("key_value", &[KEY, s("value")]).multi()]),
    ("msetnx", &[blk("key_value", &[KEY, s("value")]).multi()]),
    ("append", &[KEY, s("value")]),
    ("strlen", &[KEY]),
    ("incr", &[KEY]),
    ("decr", &[KEY]),
    ("incrby", &[KEY, i("increment")]),
    ("decrby", &[KEY, i("decrement")]),
    ("incrbyfloat", &[KEY, d("increment")]),
    ("getrange", &[KEY, i("start"), i("end")]),
    ("substr", &[KEY, i("start"), i("end")]),
    ("setrange", &[KEY, i("offset"), s("value")]),
    (
        "lcs",
        &[
            k("key1"),
            k("key2"),
            pt("len", "LEN").opt(),
            pt("idx", "IDX").opt(),
            i("len").tok("MINMATCHLEN").opt(),
            pt("withmatchlen", "WITHMATCHLEN").opt(),
        ],
    ),
    // --- bitmap ---
    ("setbit", &[KEY, i("offset"), i("value")]),
    ("getbit", &[KEY, i("offset")]),
    (
        "bitcount",
        &[KEY, blk("index", &[i("start"), i("end"), INDEX_UNIT]).opt()],
    ),
    (
        "bitpos",
        &[
            KEY,
            i("bit"),
            blk(
                "index",
                &[i("start"), blk("end_index", &[i("end"), INDEX_UNIT]).opt()],
            )
            .opt(),
        ],
    ),
    (
        "bitop",
        &[s("operation"), k("destkey"), k("key").ks(1).multi()],
    ),
    (
        "bitfield",
        &[
            KEY,
            one(
                "operation",
                &[
                    blk("encoding_offset", &[s("encoding"), i("offset")]).tok("GET"),
                    blk(
                        "write",
                        &[
                            one(
                                "wrap_sat_fail",
                                &[pt("wrap", "WRAP"), pt("sat", "SAT"), pt("fail", "FAIL")],
                            )
                            .tok("OVERFLOW")
                            .opt(),
                            one(
                                "write_operation",
                                &[
                                    blk(
                                        "encoding_offset_value",
                                        &[s("encoding"), i("offset"), i("value")],
                                    )
                                    .tok("SET"),
                                    blk(
                                        "encoding_offset_increment",
                                        &[s("encoding"), i("offset"), i("increment")],
                                    )
                                    .tok("INCRBY"),
                                ],
                            ),
                        ],
                    ),
                ],
            )
            .opt()
            .multi(),
        ],
    ),
    (
        "bitfield_ro",
        &[
            KEY,
            blk("encoding_offset", &[s("encoding"), i("offset")])
                .tok("GET")
                .opt()
                .multi()
                .mtok(),
        ],
    ),
    // --- hyperloglog ---
    ("pfadd", &[KEY, s("element").opt().multi()]),
    ("pfcount", &[KEYS]),
    ("pfmerge", &[k("destkey"), k("sourcekey").ks(1).multi()]),
    ("pfdebug", &[s("subcommand"), KEY]),
    ("pfselftest", &[]),
    // --- generic ---
    ("del", &[KEYS]),
    ("exists", &[KEYS]),
    ("type", &[KEY]),
    ("rename", &[KEY, k("newkey").ks(1)]),
    ("renamenx", &[KEY, k("newkey").ks(1)]),
    ("keys", &[p("pattern")]),
    (
        "scan",
        &[
            CURSOR,
            MATCH,
            COUNT_OPT,
            s("type").tok("TYPE").opt().v("6.0.0"),
        ],
    ),
    ("randomkey", &[]),
    ("expire", &[KEY, i("seconds"), EXPIRE_COND]),
    ("pexpire", &[KEY, i("milliseconds"), EXPIRE_COND]),
    ("expireat", &[KEY, t("unix-time-seconds"), EXPIRE_COND]),
    (
        "pexpireat",
        &[KEY, t("unix-time-milliseconds"), EXPIRE_COND],
    ),
    ("ttl", &[KEY]),
    ("pttl", &[KEY]),
    ("expiretime", &[KEY]),
    ("pexpiretime", &[KEY]),
    ("persist", &[KEY]),
    ("touch", &[KEYS]),
    (
        "copy",
        &[
            k("source"),
            k("destination").ks(1),
            i("destination-db").tok("DB").opt(),
            pt("replace", "REPLACE").opt(),
        ],
    ),
    ("dbsize", &[]),
    ("move", &[KEY, i("db")]),
    ("swapdb", &[i("index1"), i("index2")]),
    ("object", &[]),
    ("object|encoding", &[KEY]),
    ("object|freq", &[KEY]),
    ("object|idletime", &[KEY]),
    ("object|refcount", &[KEY]),
    ("object|help", &[]),
    // --- connection ---
    ("client", &[]),
    ("client|id", &[]),
    ("client|setname", &[s("connection-name")]),
    ("client|getname", &[]),
    (
        "client|list",
        &[
            one(
                "normal_master_replica_pubsub",
                &[
                    pt("normal", "NORMAL"),
                    pt("master", "MASTER"),
                    pt("replica", "REPLICA"),
                    pt("pubsub", "PUBSUB"),
                ],
            )
            .tok("TYPE")
            .opt()
            .v("5.0.0"),
            blk("id", &[i("client-id").multi()])
                .tok("ID")
                .opt()
                .v("6.2.0"),
        ],
    ),
    ("client|info", &[]),
    (
        "client|kill",
        &[one(
            "filter",
            &[
                s("ip:port").dep("2.8.12"),
                one(
                    "new-format",
                    &[
                        i("client-id").tok("ID").opt().v("2.8.12"),
                        one(
                            "normal_master_slave_pubsub",
                            &[
                                pt("normal", "NORMAL"),
                                pt("master", "MASTER").v("3.2.0"),
                                pt("slave", "SLAVE"),
                                pt("replica", "REPLICA").v("5.0.0"),
                                pt("pubsub", "PUBSUB"),
                            ],
                        )
                        .tok("TYPE")
                        .opt()
                        .v("2.8.12"),
                        s("username").tok("USER").opt(),
                        s("ip:port").tok("ADDR").opt(),
                        s("ip:port").tok("LADDR").opt().v("6.2.0"),
                        s("yes/no").tok("SKIPME").opt(),
                    ],
                )
                .multi(),
            ],
        )],
    ),
    (
        "client|reply",
        &[one(
            "on_off_skip",
            &[pt("on", "ON"), pt("off", "OFF"), pt("skip", "SKIP")],
        )],
    ),
    (
        "client|unblock",
        &[
            i("client-id"),
            one(
                "timeout_error",
                &[pt("timeout", "TIMEOUT"), pt("error", "ERROR")],
            )
            .opt(),
        ],
    ),
    ("client|no-evict", &[one("enabled", ON_OFF)]),
    (
        "client|setinfo",
        &[one(
            "attr",
            &[s("libname").tok("LIB-NAME"), s("libver").tok("LIB-VER")],
        )],
    ),
    ("client|help", &[]),
    ("select", &[i("index")]),
    ("quit", &[]),
    (
        "hello",
        &[blk(
            "arguments",
            &[
                i("protover"),
                blk("username_password", &[s("username"), s("password")])
                    .tok("AUTH")
                    .opt(),
                s("clientname").tok("SETNAME").opt(),
            ],
        )
        .opt()],
    ),
    ("auth", &[s("username").opt().v("6.0.0"), s("password")]),
    ("reset", &[]),
    ("post", &[]),
    ("host:", &[]),
    ("ping", &[s("message").opt()]),
    ("echo", &[s("message")]),
    // --- keyspace flushing ---
    ("unlink", &[KEYS]),
    ("flushdb", &[FLUSH_MODE]),
    ("flushall", &[FLUSH_MODE]),
    // --- hash ---
    (
        "hset",
        &[KEY, blk("field_value", &[FIELD, s("value")]).multi()],
    ),
    (
        "hmset",
        &[KEY, blk("field_value", &[FIELD, s("value")]).multi()],
    ),
    ("hsetnx", &[KEY, FIELD, s("value")]),
    ("hget", &[KEY, FIELD]),
    ("hmget", &[KEY, FIELD.multi()]),
    ("hdel", &[KEY, FIELD.multi()]),
    ("hlen", &[KEY]),
    ("hstrlen", &[KEY, FIELD]),
    ("hexists", &[KEY, FIELD]),
    ("hkeys", &[KEY]),
    ("hvals", &[KEY]),
    ("hgetall", &[KEY]),
    ("hincrby", &[KEY, FIELD, i("increment")]),
    ("hincrbyfloat", &[KEY, FIELD, d("increment")]),
    (
        "hrandfield",
        &[
            KEY,
            blk(
                "options",
                &[i("count"), pt("withvalues", "WITHVALUES").opt()],
            )
            .opt(),
        ],
    ),
    ("hscan", &[KEY, CURSOR, MATCH, COUNT_OPT]),
    // --- list ---
    ("lpush", &[KEY, s("element").multi()]),
    ("rpush", &[KEY, s("element").multi()]),
    ("lpushx", &[KEY, s("element").multi()]),
    ("rpushx", &[KEY, s("element").multi()]),
    ("lpop", &[KEY, i("count").opt().v("6.2.0")]),
    ("rpop", &[KEY, i("count").opt().v("6.2.0")]),
    ("llen", &[KEY]),
    ("lrange", &[KEY, i("start"), i("stop")]),
    ("lindex", &[KEY, i("index")]),
    ("lset", &[KEY, i("index"), s("element")]),
    (
        "linsert",
        &[
            KEY,
            one("where", &[pt("before", "BEFORE"), pt("after", "AFTER")]),
            s("pivot"),
            s("element"),
        ],
    ),
    ("lrem", &[KEY, i("count"), s("element")]),
    ("ltrim", &[KEY, i("start"), i("stop")]),
    (
        "lpos",
        &[
            KEY,
            s("element"),
            i("rank").tok("RANK").opt(),
            i("num-matches").tok("COUNT").opt(),
            i("len").tok("MAXLEN").opt(),
        ],
    ),
    (
        "lmove",
        &[
            k("source"),
            k("destination").ks(1),
            one("wherefrom", LEFT_RIGHT),
            one("whereto", LEFT_RIGHT),
        ],
    ),
    ("rpoplpush", &[k("source"), k("destination").ks(1)]),
    (
        "lmpop",
        &[NUMKEYS, KEYS, one("where", LEFT_RIGHT), COUNT_OPT],
    ),
    ("blpop", &[KEYS, TIMEOUT]),
    ("brpop", &[KEYS, TIMEOUT]),
    (
        "brpoplpush",
        &[k("source"), k("destination").ks(1), TIMEOUT],
    ),
    (
        "blmove",
        &[
            k("source"),
            k("destination").ks(1),
            one("wherefrom", LEFT_RIGHT),
            one("whereto", LEFT_RIGHT),
            TIMEOUT,
        ],
    ),
    (
        "blmpop",
        &[TIMEOUT, NUMKEYS, KEYS, one("where", LEFT_RIGHT), COUNT_OPT],
    ),
    // --- transactions ---
    ("multi", &[]),
    ("exec", &[]),
    ("discard", &[]),
    ("watch", &[KEYS]),
    ("unwatch", &[]),
    // --- server ---
    ("config", &[]),
    ("config|get", &[blk("parameter", &[s("parameter")]).multi()]),
    (
        "config|set",
        &[blk("parameter_value", &[s("parameter"), s("value")]).multi()],
    ),
    ("config|resetstat", &[]),
    ("config|rewrite", &[]),
    ("config|help", &[]),
    ("command", &[]),
    ("command|count", &[]),
    ("command|info", &[s("command-name").opt().multi()]),
    ("command|docs", &[s("command-name").opt().multi()]),
    (
        "command|list",
        &[one(
            "filterby",
            &[
                s("module-name").tok("MODULE"),
                s("category").tok("ACLCAT"),
                p("pattern").tok("PATTERN"),
            ],
        )
        .tok("FILTERBY")
        .opt()],
    ),
    // 7.0 documents no arguments for these two; ferrodis names them the
    // way the arity (-4: a command and at least one argument) requires.
    ("command|getkeys", &[s("command"), s("arg").multi()]),
    ("command|getkeysandflags", &[s("command"), s("arg").multi()]),
    ("command|help", &[]),
    ("function", &[]),
    (
        "function|flush",
        &[one("async", &[pt("async", "ASYNC"), pt("sync", "SYNC")]).opt()],
    ),
    ("memory", &[]),
    ("memory|usage", &[KEY, i("count").tok("SAMPLES").opt()]),
    ("memory|help", &[]),
    ("info", &[s("section").opt().multi()]),
    ("time", &[]),
    ("lastsave", &[]),
    ("save", &[]),
    ("bgsave", &[pt("schedule", "SCHEDULE").opt().v("3.2.2")]),
    ("dump", &[KEY]),
    (
        "restore",
        &[
            KEY,
            i("ttl"),
            s("serialized-value"),
            pt("replace", "REPLACE").opt().v("3.0.0"),
            pt("absttl", "ABSTTL").opt().v("5.0.0"),
            i("seconds").tok("IDLETIME").opt().v("5.0.0"),
            i("frequency").tok("FREQ").opt().v("5.0.0"),
        ],
    ),
    // Redis documents DEBUG without arguments (its subcommands are
    // internal); COMMAND DOCS omits the field.
    ("debug", &[]),
    (
        "shutdown",
        &[
            one("nosave_save", &[pt("nosave", "NOSAVE"), pt("save", "SAVE")]).opt(),
            pt("now", "NOW").opt().v("7.0.0"),
            pt("force", "FORCE").opt().v("7.0.0"),
            pt("abort", "ABORT").opt().v("7.0.0"),
        ],
    ),
    // --- set ---
    ("sadd", &[KEY, MEMBERS]),
    ("srem", &[KEY, MEMBERS]),
    ("smembers", &[KEY]),
    ("sismember", &[KEY, MEMBER]),
    ("smismember", &[KEY, MEMBERS]),
    ("scard", &[KEY]),
    ("spop", &[KEY, i("count").opt().v("3.2.0")]),
    ("srandmember", &[KEY, i("count").opt().v("2.6.0")]),
    ("smove", &[k("source"), k("destination").ks(1), MEMBER]),
    ("sinter", &[KEYS]),
    (
        "sintercard",
        &[NUMKEYS, KEYS, i("limit").tok("LIMIT").opt()],
    ),
    ("sinterstore", &[k("destination"), KEYS.ks(1)]),
    ("sunion", &[KEYS]),
    ("sunionstore", &[k("destination"), KEYS.ks(1)]),
    ("sdiff", &[KEYS]),
    ("sdiffstore", &[k("destination"), KEYS.ks(1)]),
    ("sscan", &[KEY, CURSOR, MATCH, COUNT_OPT]),
    // --- sort ---
    (
        "sort",
        &[
            KEY,
            SORT_BY,
            LIMIT,
            SORT_GET,
            SORT_ORDER,
            SORT_ALPHA,
            k("destination").tok("STORE").ks(2).opt(),
        ],
    ),
    (
        "sort_ro",
        &[KEY, SORT_BY, LIMIT, SORT_GET, SORT_ORDER, SORT_ALPHA],
    ),
    // --- sorted set ---
    (
        "zadd",
        &[
            KEY,
            one("condition", &[pt("nx", "NX"), pt("xx", "XX")])
                .opt()
                .v("3.0.2"),
            one("comparison", &[pt("gt", "GT"), pt("lt", "LT")])
                .opt()
                .v("6.2.0"),
            pt("change", "CH").opt().v("3.0.2"),
            pt("increment", "INCR").opt().v("3.0.2"),
            blk("score_member", &[d("score"), MEMBER]).multi(),
        ],
    ),
    ("zincrby", &[KEY, i("increment"), MEMBER]),
    ("zrem", &[KEY, MEMBERS]),
    ("zcard", &[KEY]),
    ("zcount", &[KEY, d("min"), d("max")]),
    ("zlexcount", &[KEY, s("min"), s("max")]),
    ("zscore", &[KEY, MEMBER]),
    ("zmscore", &[KEY, MEMBERS]),
    (
        "zrank",
        &[KEY, MEMBER, pt("withscore", "WITHSCORE").opt().v("7.2.0")],
    ),
    (
        "zrevrank",
        &[KEY, MEMBER, pt("withscore", "WITHSCORE").opt().v("7.2.0")],
    ),
    (
        "zrange",
        &[
            KEY,
            s("start"),
            s("stop"),
            ZSORTBY.v("6.2.0"),
            ZREV.v("6.2.0"),
            ZLIMIT.v("6.2.0"),
            WITHSCORES,
        ],
    ),
    (
        "zrangestore",
        &[
            k("dst"),
            k("src").ks(1),
            s("min"),
            s("max"),
            ZSORTBY,
            ZREV,
            ZLIMIT,
        ],
    ),
    ("zrevrange", &[KEY, i("start"), i("stop"), WITHSCORES]),
    (
        "zrangebyscore",
        &[KEY, d("min"), d("max"), WITHSCORES.v("2.0.0"), LIMIT],
    ),
    (
        "zrevrangebyscore",
        &[KEY, d("max"), d("min"), WITHSCORES, LIMIT],
    ),
    ("zrangebylex", &[KEY, s("min"), s("max"), LIMIT]),
    ("zrevrangebylex", &[KEY, s("max"), s("min"), LIMIT]),
    ("zpopmin", &[KEY, i("count").opt()]),
    ("zpopmax", &[KEY, i("count").opt()]),
    ("bzpopmin", &[KEYS, TIMEOUT]),
    ("bzpopmax", &[KEYS, TIMEOUT]),
    ("zmpop", &[NUMKEYS, KEYS, one("where", MIN_MAX), COUNT_OPT]),
    (
        "bzmpop",
        &[TIMEOUT, NUMKEYS, KEYS, one("where", MIN_MAX), COUNT_OPT],
    ),
    (
        "zrandmember",
        &[KEY, blk("options", &[i("count"), WITHSCORES]).opt()],
    ),
    ("zunion", &[NUMKEYS, KEYS, WEIGHTS, AGGREGATE, WITHSCORES]),
    ("zinter", &[NUMKEYS, KEYS, WEIGHTS, AGGREGATE, WITHSCORES]),
    ("zdiff", &[NUMKEYS, KEYS, WITHSCORES]),
    (
        "zunionstore",
        &[k("destination"), NUMKEYS, KEYS.ks(1), WEIGHTS, AGGREGATE],
    ),
    (
        "zinterstore",
        &[k("destination"), NUMKEYS, KEYS.ks(1), WEIGHTS, AGGREGATE],
    ),
    ("zdiffstore", &[k("destination"), NUMKEYS, KEYS.ks(1)]),
    (
        "zintercard",
        &[NUMKEYS, KEYS, i("limit").tok("LIMIT").opt()],
    ),
    ("zremrangebyrank", &[KEY, i("start"), i("stop")]),
    ("zremrangebyscore", &[KEY, d("min"), d("max")]),
    ("zremrangebylex", &[KEY, s("min"), s("max")]),
    ("zscan", &[KEY, CURSOR, MATCH, COUNT_OPT]),
    // Geo (geo.c); the shared pieces are the GEO_* constants below.
    (
        "geoadd",
        &[
            KEY,
            one("condition", &[pt("nx", "NX"), pt("xx", "XX")])
                .opt()
                .v("6.2.0"),
            pt("change", "CH").opt().v("6.2.0"),
            blk(
                "longitude_latitude_member",
                &[d("longitude"), d("latitude"), MEMBER],
            )
            .multi(),
        ],
    ),
    (
        "geodist",
        &[KEY, s("member1"), s("member2"), one("unit", GEO_UNIT).opt()],
    ),
    ("geohash", &[KEY, MEMBERS]),
    ("geopos", &[KEY, MEMBERS]),
    (
        "georadius",
        &[
            KEY,
            d("longitude"),
            d("latitude"),
            d("radius"),
            one("unit", GEO_UNIT),
            GEO_WITHCOORD,
            GEO_WITHDIST,
            GEO_WITHHASH,
            GEO_COUNT_SINCE,
            GEO_ORDER,
            GEO_STORE,
            GEO_STOREDIST,
        ],
    ),
    (
        "georadius_ro",
        &[
            KEY,
            d("longitude"),
            d("latitude"),
            d("radius"),
            one("unit", GEO_UNIT),
            GEO_WITHCOORD,
            GEO_WITHDIST,
            GEO_WITHHASH,
            GEO_COUNT_SINCE,
            GEO_ORDER,
        ],
    ),
    (
        "georadiusbymember",
        &[
            KEY,
            MEMBER,
            d("radius"),
            one("unit", GEO_UNIT),
            GEO_WITHCOORD,
            GEO_WITHDIST,
            GEO_WITHHASH,
            GEO_COUNT,
            GEO_ORDER,
            GEO_STORE,
            GEO_STOREDIST,
        ],
    ),
    (
        "georadiusbymember_ro",
        &[
            KEY,
            MEMBER,
            d("radius"),
            one("unit", GEO_UNIT),
            GEO_WITHCOORD,
            GEO_WITHDIST,
            GEO_WITHHASH,
            GEO_COUNT,
            GEO_ORDER,
        ],
    ),
    (
        "geosearch",
        &[
            KEY,
            GEO_FROM,
            GEO_BY,
            GEO_ORDER,
            GEO_COUNT,
            GEO_WITHCOORD,
            GEO_WITHDIST,
            GEO_WITHHASH,
        ],
    ),
    (
        "geosearchstore",
        &[
            k("destination"),
            k("source").ks(1),
            GEO_FROM,
            GEO_BY,
            GEO_ORDER,
            GEO_COUNT,
            pt("storedist", "STOREDIST").opt(),
        ],
    ),
];

// Geo (geo.c).
const GEO_UNIT: &[Arg] = &[pt("m", "M"), pt("km", "KM"), pt("ft", "FT"), pt("mi", "MI")];
const GEO_ORDER: Arg = one("order", &[pt("asc", "ASC"), pt("desc", "DESC")]).opt();
const GEO_COUNT: Arg = blk("count", &[i("count").tok("COUNT"), pt("any", "ANY").opt()]).opt();
const GEO_COUNT_SINCE: Arg = blk(
    "count",
    &[i("count").tok("COUNT"), pt("any", "ANY").opt().v("6.2.0")],
)
.opt();
const GEO_WITHCOORD: Arg = pt("withcoord", "WITHCOORD").opt();
const GEO_WITHDIST: Arg = pt("withdist", "WITHDIST").opt();
const GEO_WITHHASH: Arg = pt("withhash", "WITHHASH").opt();
const GEO_FROM: Arg = one(
    "from",
    &[
        s("member").tok("FROMMEMBER"),
        blk("longitude_latitude", &[d("longitude"), d("latitude")]).tok("FROMLONLAT"),
    ],
);
const GEO_BY: Arg = one(
    "by",
    &[
        blk(
            "circle",
            &[d("radius").tok("BYRADIUS"), one("unit", GEO_UNIT)],
        ),
        blk(
            "box",
            &[d("width").tok("BYBOX"), d("height"), one("unit", GEO_UNIT)],
        ),
    ],
);
const GEO_STORE: Arg = k("key").ks(1).tok("STORE").opt();
const GEO_STOREDIST: Arg = k("key").ks(2).tok("STOREDIST").opt();

/// The argument spec of a command by full name (`get`, `client|kill`);
/// None for a name the table does not know.
pub fn args_for(fullname: &str) -> Option<&'static [Arg]> {
    TABLE.iter().find(|(n, _)| *n == fullname).map(|&(_, a)| a)
}

/// The fewest words an argument list can be satisfied with (token words
/// included): checked against each command's arity in the tests.
pub fn min_words(args: &[Arg]) -> usize {
    args.iter().map(arg_min_words).sum()
}

fn arg_min_words(a: &Arg) -> usize {
    if a.flags & OPTIONAL != 0 {
        return 0;
    }
    chosen_min_words(a)
}

/// Words of an argument that is given. A oneof takes exactly one of its
/// alternatives, even where Redis marks them optional (CLIENT KILL's
/// new-format filters: each optional, yet at least one is required).
fn chosen_min_words(a: &Arg) -> usize {
    let tok = usize::from(a.token.is_some() && a.kind != Kind::PureToken);
    tok + match a.kind {
        Kind::OneOf => a.args.iter().map(chosen_min_words).min().unwrap_or(0),
        Kind::Block => min_words(a.args),
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::CommandTable;

    /// No command is left without a spec, and no spec names a command
    /// ferrodis does not have.
    #[test]
    fn every_command_has_an_argument_spec() {
        let t = CommandTable::new();
        let mut missing = Vec::new();
        for e in &t.entries {
            if args_for(e.fullname).is_none() {
                missing.push(e.fullname);
            }
        }
        assert!(missing.is_empty(), "no argument spec for {missing:?}");
        for (name, _) in TABLE {
            assert!(
                t.lookup_fullname(name.as_bytes()).is_some(),
                "spec for unknown command {name}"
            );
        }
        let mut names: Vec<&str> = TABLE.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TABLE.len(), "a command is listed twice");
    }

    /// The required words of each spec agree with the command's arity: an
    /// empty spec only for commands that take no required argument, and
    /// the minimum argument count equals what arity demands.
    #[test]
    fn specs_agree_with_arity() {
        let t = CommandTable::new();
        for e in &t.entries {
            let args = args_for(e.fullname).unwrap();
            // Containers carry no arguments of their own; Redis documents
            // DEBUG without any although its arity is -2.
            if !e.subs.is_empty() || e.fullname == "debug" {
                assert!(args.is_empty(), "{}", e.fullname);
                continue;
            }
            let base = if e.parent.is_some() { 2 } else { 1 };
            let arity = e.cmd.arity;
            let mut need = arity.unsigned_abs() as usize - base;
            // Redis 7.0 documents GEOHASH's and GEOPOS's members and
            // PFMERGE's sourcekey as required (`multiple`, not `optional`)
            // while their arity -2 accepts none.
            if matches!(e.fullname, "geohash" | "geopos" | "pfmerge") {
                need += 1;
            }
            assert_eq!(
                min_words(args),
                need,
                "{}: spec needs {} words, arity {arity}",
                e.fullname,
                min_words(args)
            );
        }
    }

    #[test]
    fn nested_args_only_in_oneof_and_block() {
        fn walk(args: &[Arg]) {
            for a in args {
                let container = matches!(a.kind, Kind::OneOf | Kind::Block);
                assert_eq!(container, !a.args.is_empty(), "{}", a.name);
                if a.kind == Kind::PureToken {
                    assert!(a.token.is_some(), "{}", a.name);
                }
                if a.kind == Kind::Key {
                    assert!(a.key_spec >= 0, "{}", a.name);
                }
                walk(a.args);
            }
        }
        for (_, args) in TABLE {
            walk(args);
        }
    }
}
