//! Directives that ferrodis accepts but whose feature it does not have yet
//! (replication, cluster, TLS, ACL files, keyspace notifications, active
//! defrag, ...): a `redis.conf` written for Redis 7.0 must load, CONFIG GET
//! must show what was configured, and CONFIG SET must validate exactly as
//! Redis does. Nothing else reads these values.
//!
//! Design: each such directive is a table entry of kind `Kind::Stored` with
//! its Redis 7.0 type, range and default. The value is kept in
//! `Config::stored` as its CONFIG GET rendering (absent = the default), so
//! one parser per Redis type both validates and canonicalises (e.g.
//! `notify-keyspace-events KEA` reads back as `AKE`, as in Redis). Start-up
//! logs one warning naming each of these directives that was given a
//! non-default value (see `Config::without_effect`).

use super::parse::{memtoull, string2ll, strtoll};

/// A directive's Redis 7.0 type, with the validation Redis applies.
pub(crate) enum Stored {
    Bool,
    /// `activedefrag`: a bool that cannot be turned on (see
    /// [`ACTIVEDEFRAG_ERR`]).
    ActiveDefrag,
    /// `string2ll` then a signed range check.
    Int {
        min: i64,
        max: i64,
    },
    /// `memtoull` then an unsigned range check.
    Memory {
        min: u64,
        max: u64,
    },
    Enum(&'static [&'static str]),
    /// Enum of bit flags, one or more words (`shutdown-on-sigterm`).
    ShutdownFlags,
    /// Any bytes, with an optional extra check (Redis `is_valid_fn`).
    Str(Option<super::table::StrCheck>),
    /// `notify-keyspace-events`.
    KeyspaceEvents,
    /// `oom-score-adj-values`: three integers in -2000..=2000.
    OomScoreAdjValues,
    /// `latency-tracking-info-percentiles`: doubles in 0..=100.
    Percentiles,
    /// `replicaof <host> <port>` / `replicaof no one`.
    ReplicaOf,
    /// `maxmemory-clients`: bytes, or a percentage of maxmemory.
    MemoryOrPercent,
}

impl Stored {
    /// Takes several words (Redis `MULTI_ARG_CONFIG`).
    pub fn is_multi_arg(&self) -> bool {
        matches!(
            self,
            Stored::ShutdownFlags
                | Stored::OomScoreAdjValues
                | Stored::Percentiles
                | Stored::ReplicaOf
        )
    }

    /// Validates `args` as Redis 7.0 does and returns the CONFIG GET
    /// rendering of the new value, or Redis's error text.
    pub fn parse(&self, args: &[Vec<u8>]) -> Result<Vec<u8>, String> {
        let one = args.first().map(Vec::as_slice).unwrap_or(b"");
        match self {
            Stored::Bool => {
                if one.eq_ignore_ascii_case(b"yes") {
                    Ok(b"yes".to_vec())
                } else if one.eq_ignore_ascii_case(b"no") {
                    Ok(b"no".to_vec())
                } else {
                    Err("argument must be 'yes' or 'no'".into())
                }
            }
            Stored::ActiveDefrag => match Stored::Bool.parse(args)?.as_slice() {
                b"yes" => Err(ACTIVEDEFRAG_ERR.into()),
                no => Ok(no.to_vec()),
            },
            Stored::Int { min, max } => {
                let v = string2ll(one).ok_or("argument couldn't be parsed into an integer")?;
                if v < *min || v > *max {
                    return Err(format!(
                        "argument must be between {min} and {max} inclusive"
                    ));
                }
                Ok(v.to_string().into_bytes())
            }
            Stored::Memory { min, max } => {
                let v = memtoull(one).ok_or("argument must be a memory value")?;
                if v < *min || v > *max {
                    return Err(format!(
                        "argument must be between {min} and {max} inclusive"
                    ));
                }
                Ok(v.to_string().into_bytes())
            }
            Stored::Enum(names) => names
                .iter()
                .find(|n| n.as_bytes().eq_ignore_ascii_case(one))
                .map(|n| n.as_bytes().to_vec())
                .ok_or_else(|| enum_error(names)),
            Stored::ShutdownFlags => parse_shutdown_flags(args),
            Stored::Str(check) => {
                if let Some(check) = check {
                    check(one)?;
                }
                Ok(one.to_vec())
            }
            Stored::KeyspaceEvents => parse_keyspace_events(one),
            Stored::OomScoreAdjValues => {
                if args.len() != 3 {
                    return Err("wrong number of arguments".into());
                }
                let mut out = Vec::new();
                for a in args {
                    let r = strtoll(a, 10);
                    if !r.consumed_all || r.overflow || !(-2000..=2000).contains(&r.value) {
                        return Err("Invalid oom-score-adj-values, elements must be between -2000 and 2000.".into());
                    }
                    out.push(r.value.to_string());
                }
                Ok(out.join(" ").into_bytes())
            }
            Stored::Percentiles => {
                // A single empty argument means "no percentiles".
                let args = if args.len() == 1 && args[0].is_empty() {
                    &[][..]
                } else {
                    args
                };
                let mut out = Vec::new();
                for a in args {
                    let p = string2d(a)
                        .ok_or("Invalid latency-tracking-info-percentiles parameters")?;
                    if !(0.0..=100.0).contains(&p) {
                        return Err("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]".into());
                    }
                    out.push(format_percentile(p));
                }
                Ok(out.join(" ").into_bytes())
            }
            Stored::ReplicaOf => {
                if args.len() != 2 {
                    return Err("wrong number of arguments".into());
                }
                if args[0].eq_ignore_ascii_case(b"no") && args[1].eq_ignore_ascii_case(b"one") {
                    return Ok(Vec::new());
                }
                // Redis reads the port with strtol and checks the range.
                let port = strtoll(&args[1], 10);
                if !port.consumed_all || port.overflow || !(0..=65535).contains(&port.value) {
                    return Err("Invalid master port".into());
                }
                let mut out = args[0].clone();
                out.extend_from_slice(format!(" {}", port.value).as_bytes());
                Ok(out)
            }
            Stored::MemoryOrPercent => parse_memory_or_percent(one),
        }
    }
}

/// Redis 7.0's enum error (the same text for every enum directive).
pub(crate) fn enum_error(names: &[&str]) -> String {
    format!(
        "argument(s) must be one of the following: {}",
        names.join(", ")
    )
}

/// `shutdown-on-sigint` / `shutdown-on-sigterm`: `default` (0) or any mix
/// of `save`, `nosave`, `now`, `force`, rendered in that order.
fn parse_shutdown_flags(args: &[Vec<u8>]) -> Result<Vec<u8>, String> {
    const NAMES: [&str; 5] = ["default", "save", "nosave", "now", "force"];
    if args.is_empty() {
        return Err(enum_error(&NAMES));
    }
    let mut bits = 0u8;
    for a in args {
        let i = NAMES
            .iter()
            .position(|n| n.as_bytes().eq_ignore_ascii_case(a))
            .ok_or_else(|| enum_error(&NAMES))?;
        if i > 0 {
            bits |= 1 << (i - 1);
        }
    }
    if bits & 0b11 == 0b11 {
        return Err("shutdown options SAVE and NOSAVE can't be used simultaneously".into());
    }
    if bits == 0 {
        return Ok(b"default".to_vec());
    }
    let words: Vec<&str> = (1..NAMES.len())
        .filter(|i| bits & (1 << (i - 1)) != 0)
        .map(|i| NAMES[i])
        .collect();
    Ok(words.join(" ").into_bytes())
}

/// Event classes in Redis's rendering order (notify.c), with the bits
/// that `A` stands for.
const EVENT_CLASSES: &[u8] = b"g$lshzxetdn";
const EVENT_ALL: &[u8] = b"g$lshzxetd";

/// Redis `keyspaceEventsStringToFlags` + `keyspaceEventsFlagsToString`.
fn parse_keyspace_events(s: &[u8]) -> Result<Vec<u8>, String> {
    let mut set = [false; 256];
    for &c in s {
        match c {
            b'A' => EVENT_ALL.iter().for_each(|&e| set[e as usize] = true),
            b'g' | b'$' | b'l' | b's' | b'h' | b'z' | b'x' | b'e' | b'K' | b'E' | b't' | b'm'
            | b'd' | b'n' => set[c as usize] = true,
            _ => return Err("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".into()),
        }
    }
    let mut out = Vec::new();
    if EVENT_ALL.iter().all(|&e| set[e as usize]) {
        // As in Redis, `n` is not shown next to `A` (it is not part of it).
        out.push(b'A');
    } else {
        out.extend(EVENT_CLASSES.iter().filter(|&&e| set[e as usize]));
    }
    out.extend(b"KEm".iter().filter(|&&e| set[e as usize]));
    Ok(out)
}

/// Redis `string2d`: the whole input is a number (strtod syntax), no
/// leading space, not NaN.
fn string2d(s: &[u8]) -> Option<f64> {
    let t = std::str::from_utf8(s).ok()?;
    if t.is_empty() || t.starts_with(|c: char| c.is_ascii_whitespace()) {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| !v.is_nan())
}

/// `%f`, then trailing zeros (and a trailing dot) removed, as Redis's
/// `trimDoubleString`.
fn format_percentile(p: f64) -> String {
    let s = format!("{p:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `maxmemory-clients` (Redis `MEMORY_CONFIG | PERCENT_CONFIG`, ssize_t,
/// -100..=SSIZE_MAX, percentages stored negated).
fn parse_memory_or_percent(s: &[u8]) -> Result<Vec<u8>, String> {
    const ERR: &str = "argument must be a memory or percent value";
    let v: i64 = if let Some(m) = memtoull(s) {
        m as i64
    } else if s.len() > 1 && s.ends_with(b"%") {
        match string2ll(&s[..s.len() - 1]) {
            Some(p) if p >= 0 => -p,
            _ => return Err(ERR.into()),
        }
    } else {
        return Err(ERR.into());
    };
    if v < -100 {
        return Err("percentage argument must be less or equal to 100".into());
    }
    Ok(if v < 0 {
        format!("{}%", -v)
    } else {
        v.to_string()
    }
    .into_bytes())
}

/// Redis `isValidProcTitleTemplate`: balanced braces naming known
/// variables, and not empty once expanded.
pub(crate) fn check_proc_title_template(s: &[u8]) -> Result<(), &'static str> {
    const ERR: &str = "template format is invalid or contains unknown variables";
    const VARS: [&[u8]; 7] = [
        b"title",
        b"listen-addr",
        b"server-mode",
        b"port",
        b"tls-port",
        b"unixsocket",
        b"config-file",
    ];
    // Validated by expanding with an empty title (sdstemplate: `{{` and
    // `}}` are literal braces), then refused if that leaves only spaces.
    let mut rest = s;
    let mut nonempty = false;
    while let Some(&c) = rest.first() {
        if rest.starts_with(b"{{") || rest.starts_with(b"}}") {
            nonempty = true;
            rest = &rest[2..];
            continue;
        }
        match c {
            b'{' => {
                let end = rest.iter().position(|&b| b == b'}').ok_or(ERR)?;
                let var = &rest[1..end];
                if !VARS.contains(&var) {
                    return Err(ERR);
                }
                nonempty |= var != b"title";
                rest = &rest[end + 1..];
            }
            b'}' => return Err(ERR),
            _ => {
                nonempty |= c != b' ';
                rest = &rest[1..];
            }
        }
    }
    if nonempty { Ok(()) } else { Err(ERR) }
}

/// Redis `isValidAnnouncedHostname`.
pub(crate) fn check_hostname(s: &[u8]) -> Result<(), &'static str> {
    if s.iter()
        .all(|&c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
    {
        Ok(())
    } else {
        Err("Hostnames may only contain alphanumeric characters, hyphens or dots")
    }
}

/// `activedefrag yes` needs an allocator that can move allocations; Redis
/// built without its bundled jemalloc (as Debian's is) refuses it with this
/// message, and so does ferrodis (mimalloc).
const ACTIVEDEFRAG_ERR: &str = "Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution";

#[cfg(test)]
mod tests {
    use super::*;

    fn p(ty: &Stored, words: &[&str]) -> Result<String, String> {
        let args: Vec<Vec<u8>> = words.iter().map(|w| w.as_bytes().to_vec()).collect();
        ty.parse(&args).map(|v| String::from_utf8(v).unwrap())
    }

    #[test]
    fn keyspace_events_render_like_redis() {
        let k = Stored::KeyspaceEvents;
        assert_eq!(p(&k, &["KEA"]).unwrap(), "AKE");
        assert_eq!(p(&k, &["Ex$lgmn"]).unwrap(), "g$lxnEm");
        assert_eq!(p(&k, &["AKEmnd"]).unwrap(), "AKEm");
        assert_eq!(p(&k, &["dtehzslnx$g"]).unwrap(), "A");
        assert_eq!(p(&k, &[""]).unwrap(), "");
        assert!(
            p(&k, &["q"])
                .unwrap_err()
                .starts_with("Invalid event class")
        );
    }

    #[test]
    fn multi_word_specials() {
        let f = Stored::ShutdownFlags;
        assert_eq!(
            p(&f, &["now", "nosave", "force"]).unwrap(),
            "nosave now force"
        );
        assert_eq!(p(&f, &["default", "now"]).unwrap(), "now");
        assert_eq!(p(&f, &["default"]).unwrap(), "default");
        assert!(p(&f, &["save", "nosave"]).is_err());
        let pc = Stored::Percentiles;
        assert_eq!(p(&pc, &["50", "99.90", "100"]).unwrap(), "50 99.9 100");
        assert_eq!(p(&pc, &["1e1", "0.5"]).unwrap(), "10 0.5");
        assert_eq!(p(&pc, &[""]).unwrap(), "");
        let m = Stored::MemoryOrPercent;
        assert_eq!(p(&m, &["10%"]).unwrap(), "10%");
        assert_eq!(p(&m, &["0%"]).unwrap(), "0");
        assert_eq!(p(&m, &["1gb"]).unwrap(), "1073741824");
        assert!(p(&m, &["101%"]).unwrap_err().starts_with("percentage"));
        let r = Stored::ReplicaOf;
        assert_eq!(p(&r, &["NO", "one"]).unwrap(), "");
        assert_eq!(p(&r, &["h", "+7"]).unwrap(), "h 7");
        assert_eq!(p(&r, &["h", "x"]).unwrap_err(), "Invalid master port");
    }

    #[test]
    fn proc_title_template() {
        assert!(check_proc_title_template(b"{title} {listen-addr} {server-mode}").is_ok());
        assert!(check_proc_title_template(b"{bad}").is_err());
        assert!(check_proc_title_template(b"").is_err());
        assert!(check_proc_title_template(b"{title}").is_err());
        assert!(check_proc_title_template(b"{{x").is_ok());
        assert!(check_proc_title_template(b"{title").is_err());
    }
}
