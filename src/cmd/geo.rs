//! Geo commands (geo.c): points stored as members of a sorted set whose
//! score is the 52-bit interleaved geohash of their cell
//! (util/geohash.rs), so a geo key is an ordinary zset to every other
//! command and to the encodings of types/zset.rs.
//!
//! Threads: main thread, like every command.
//!
//! Writes go through the sorted-set code: GEOADD is ZADD with computed
//! scores (cmd::zset::zadd_apply, the same NX/XX/CH handling, conversion
//! thresholds and modified-key signal); GEORADIUS STORE/STOREDIST and
//! GEOSEARCHSTORE build the destination with `ZSet::from_pairs` (encoding
//! chosen by the final size, zsetConvertToListpackIfNeeded) and `set_key`,
//! or delete it when nothing matched, as ZRANGESTORE does.
//!
//! Searches reproduce georadiusGeneric step by step, because the reply
//! order shows it: the nine cells chosen by geohash::areas_by_shape are
//! scanned centre first, each as a score range walked in (score, member)
//! order, keeping points inside the shape (stopping early for ANY); then
//! the candidates are sorted by distance with glibc's qsort (stable merge
//! sort) or, when COUNT cuts the list, Redis's pqsort (util/qsort.rs), so
//! ties and unsorted replies come out in Redis's order.
//!
//! Not done: keyspace notifications (not implemented server-wide).

use std::cmp::Ordering;

use crate::cmd;
use crate::cmd::string::{SYNTAX, WRONGTYPE};
use crate::cmd::zset::{AddFlags, zadd_apply};
use crate::cmd::{Command, flags::*};
use crate::db::Value;
use crate::ds::sds::string2ll;
use crate::ds::skiplist::{ScoreRange, parse_score};
use crate::net::client::{Args, Client};
use crate::net::reply::Reply;
use crate::server::Server;
use crate::types::zset::ZSet;
use crate::util::geohash::{self, Shape, ShapeKind};
use crate::util::qsort;

pub const COMMANDS: &[Command] = &[
    cmd!(
        "geoadd",
        geoadd_command,
        -5,
        WRITE | DENYOOM,
        1,
        1,
        1,
        "geo",
        "Add one or more geospatial items in the geospatial index represented using a sorted set",
        "3.2.0"
    ),
    cmd!(
        "geodist",
        geodist_command,
        -4,
        READONLY,
        1,
        1,
        1,
        "geo",
        "Returns the distance between two members of a geospatial index",
        "3.2.0"
    ),
    cmd!(
        "geohash",
        geohash_command,
        -2,
        READONLY,
        1,
        1,
        1,
        "geo",
        "Returns members of a geospatial index as standard geohash strings",
        "3.2.0"
    ),
    cmd!(
        "geopos",
        geopos_command,
        -2,
        READONLY,
        1,
        1,
        1,
        "geo",
        "Returns longitude and latitude of members of a geospatial index",
        "3.2.0"
    ),
    cmd!(
        "georadius",
        georadius_command,
        -6,
        WRITE | DENYOOM | MOVABLE_KEYS,
        1,
        1,
        1,
        "geo",
        "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point",
        "3.2.0"
    ),
    cmd!(
        "georadius_ro",
        georadius_ro_command,
        -6,
        READONLY,
        1,
        1,
        1,
        "geo",
        "A read-only variant for GEORADIUS",
        "3.2.10"
    ),
    cmd!(
        "georadiusbymember",
        georadiusbymember_command,
        -5,
        WRITE | DENYOOM | MOVABLE_KEYS,
        1,
        1,
        1,
        "geo",
        "Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member",
        "3.2.0"
    ),
    cmd!(
        "georadiusbymember_ro",
        georadiusbymember_ro_command,
        -5,
        READONLY,
        1,
        1,
        1,
        "geo",
        "A read-only variant for GEORADIUSBYMEMBER",
        "3.2.10"
    ),
    cmd!(
        "geosearch",
        geosearch_command,
        -7,
        READONLY,
        1,
        1,
        1,
        "geo",
        "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.",
        "6.2.0"
    ),
    cmd!(
        "geosearchstore",
        geosearchstore_command,
        -8,
        WRITE | DENYOOM,
        1,
        2,
        1,
        "geo",
        "Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.",
        "6.2.0"
    ),
];

const NOT_FLOAT: &str = "ERR value is not a valid float";
const NOT_INT: &str = "ERR value is not an integer or out of range";
const UNIT_ERR: &str = "ERR unsupported unit provided. please use M, KM, FT, MI";
const NO_MEMBER: &str = "ERR could not decode requested zset member";

fn eq(a: &[u8], s: &str) -> bool {
    a.eq_ignore_ascii_case(s.as_bytes())
}

/// C's `%f` (six decimals; `inf` spelled as glibc does).
fn fmt_f(v: f64) -> String {
    if v.is_infinite() {
        if v > 0.0 { "inf" } else { "-inf" }.to_string()
    } else {
        format!("{v:.6}")
    }
}

/// The sorted set at `key` for reading: Ok(None) when missing, Err after
/// replying WRONGTYPE.
fn lookup<'a>(srv: &'a mut Server, c: &mut Client, key: &[u8]) -> Result<Option<&'a ZSet>, ()> {
    match srv.lookup_read(c.db, key) {
        None => Ok(None),
        Some(Value::ZSet(z)) => Ok(Some(&**z)),
        Some(_) => {
            c.add_error(WRONGTYPE);
            Err(())
        }
    }
}

/// getDoubleFromObjectOrReply with Redis's message (`msg` None: the
/// generic one).
fn double_or_reply(c: &mut Client, arg: &[u8], msg: Option<&str>) -> Option<f64> {
    let v = parse_score(arg);
    if v.is_none() {
        c.add_error(msg.unwrap_or(NOT_FLOAT));
    }
    v
}

/// extractLongLatOrReply: two numbers within the geohash limits.
fn long_lat_or_reply(c: &mut Client, lon: &[u8], lat: &[u8]) -> Option<[f64; 2]> {
    let lon = double_or_reply(c, lon, None)?;
    let lat = double_or_reply(c, lat, None)?;
    if !(geohash::LONG_MIN..=geohash::LONG_MAX).contains(&lon)
        || !(geohash::LAT_MIN..=geohash::LAT_MAX).contains(&lat)
    {
        c.add_error(&format!(
            "ERR invalid longitude,latitude pair {},{}",
            fmt_f(lon),
            fmt_f(lat)
        ));
        return None;
    }
    Some([lon, lat])
}

/// extractUnitOrReply: meters per unit.
fn unit_or_reply(c: &mut Client, u: &[u8]) -> Option<f64> {
    let f = if eq(u, "m") {
        1.0
    } else if eq(u, "km") {
        1000.0
    } else if eq(u, "ft") {
        0.3048
    } else if eq(u, "mi") {
        1609.34
    } else {
        c.add_error(UNIT_ERR);
        return None;
    };
    Some(f)
}

/// extractDistanceOrReply: (radius, meters per unit).
fn distance_or_reply(c: &mut Client, r: &[u8], unit: &[u8]) -> Option<(f64, f64)> {
    let d = double_or_reply(c, r, Some("ERR need numeric radius"))?;
    if d < 0.0 {
        c.add_error("ERR radius cannot be negative");
        return None;
    }
    Some((d, unit_or_reply(c, unit)?))
}

/// extractBoxOrReply: (width, height, meters per unit).
fn box_or_reply(c: &mut Client, w: &[u8], h: &[u8], unit: &[u8]) -> Option<(f64, f64, f64)> {
    let w = double_or_reply(c, w, Some("ERR need numeric width"))?;
    let h = double_or_reply(c, h, Some("ERR need numeric height"))?;
    if h < 0.0 || w < 0.0 {
        c.add_error("ERR height or width cannot be negative");
        return None;
    }
    Some((w, h, unit_or_reply(c, unit)?))
}

/// A coordinate as addReplyHumanLongDouble prints it: `%.17Lf` of the
/// (exactly widened) double, trailing zeros and a bare point dropped; a
/// RESP3 double frame, a bulk string in RESP2.
fn add_coord(c: &mut Client, v: f64) {
    let mut s = format!("{v:.17}");
    if s.contains('.') {
        let t = s.trim_end_matches('0').trim_end_matches('.').len();
        s.truncate(t);
    }
    if s == "-0" {
        s = "0".to_string();
    }
    if c.resp() >= 3 {
        c.add_raw(b",");
        c.add_raw(s.as_bytes());
        c.add_raw(b"\r\n");
    } else {
        c.add_bulk(s.as_bytes());
    }
}

/// addReplyDoubleDistance: Redis 7.0.15 prints distances with
/// fixedpoint_d2string(d, 4), not printf: `llrint(d * 10000)` (ties to
/// even on the *scaled* double, so 38726154.7565499991 ft prints
/// ...7566 where `%.4f` gives ...7565), then the integer and four
/// fractional digits. A NaN or an overflow is llrint's LLONG_MIN. Bulk
/// string in both protocols.
fn add_distance(c: &mut Client, d: f64) {
    let s = if d == 0.0 {
        "0.0000".to_string()
    } else {
        let scaled = d * 10000.0;
        // x86-64's cvtsd2si: out of range or NaN gives LLONG_MIN.
        let sv = if scaled.is_nan()
            || !(-9.223372036854776e18..9.223372036854776e18).contains(&scaled)
        {
            i64::MIN
        } else {
            scaled.round_ties_even() as i64
        };
        let v = sv.unsigned_abs();
        format!(
            "{}{}.{:04}",
            if sv < 0 { "-" } else { "" },
            v / 10000,
            v % 10000
        )
    };
    c.add_bulk(s.as_bytes());
}

// ---------------------------------------------------------------- GEOADD

/// GEOADD key [NX|XX] [CH] lon lat member ...: ZADD with the cell scores.
pub fn geoadd_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let mut f = AddFlags::default();
    let mut i = 2;
    while i < a.len() {
        let o = &a[i];
        if eq(o, "nx") {
            f.nx = true;
        } else if eq(o, "xx") {
            f.xx = true;
        } else if eq(o, "ch") {
            f.ch = true;
        } else {
            break;
        }
        i += 1;
    }
    // ZADD's own check: at least one element.
    if !(a.len() - i).is_multiple_of(3) || (f.xx && f.nx) || a.len() == i {
        return c.add_error(SYNTAX);
    }
    let mut items: Vec<(f64, &[u8])> = Vec::with_capacity((a.len() - i) / 3);
    for j in (i..a.len()).step_by(3) {
        let Some([lon, lat]) = long_lat_or_reply(c, &a[j], &a[j + 1]) else {
            return;
        };
        let score = geohash::score_of(lon, lat).expect("validated coordinates encode");
        items.push((score as f64, a.get(j + 2)));
    }
    zadd_apply(srv, c, a.get(1), items, &f);
}

// ---------------------------------------------------------------- GEOPOS ...

/// GEOPOS key member ...: each member's cell centre, or a null array.
pub fn geopos_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Ok(z) = lookup(srv, c, &a[1]) else {
        return;
    };
    c.add_array_len(a.len() - 2);
    for j in 2..a.len() {
        match z.and_then(|z| z.score(&a[j])) {
            None => c.add_null_array(),
            Some(score) => {
                let [lon, lat] = geohash::decode_score(score);
                c.add_array_len(2);
                add_coord(c, lon);
                add_coord(c, lat);
            }
        }
    }
}

/// GEOHASH key member ...: 11-character standard geohashes, or nulls.
pub fn geohash_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Ok(z) = lookup(srv, c, &a[1]) else {
        return;
    };
    c.add_array_len(a.len() - 2);
    for j in 2..a.len() {
        match z.and_then(|z| z.score(&a[j])) {
            None => c.add_null(),
            Some(score) => c.add_bulk(&geohash::standard_geohash(score)),
        }
    }
}

/// GEODIST key m1 m2 [unit].
pub fn geodist_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let mut to_meter = 1.0;
    if a.len() == 5 {
        match unit_or_reply(c, &a[4]) {
            Some(u) => to_meter = u,
            None => return,
        }
    } else if a.len() > 5 {
        return c.add_error(SYNTAX);
    }
    let z = match lookup(srv, c, &a[1]) {
        Err(()) => return,
        Ok(None) => return c.add_null(),
        Ok(Some(z)) => z,
    };
    let (Some(s1), Some(s2)) = (z.score(&a[2]), z.score(&a[3])) else {
        return c.add_null();
    };
    let [x1, y1] = geohash::decode_score(s1);
    let [x2, y2] = geohash::decode_score(s2);
    add_distance(c, geohash::distance(x1, y1, x2, y2) / to_meter);
}

// ---------------------------------------------------------------- searches

/// Which command form georadiusGeneric serves (Redis's RADIUS_* flags).
mod form {
    pub const COORDS: u8 = 1 << 0;
    pub const MEMBER: u8 = 1 << 1;
    pub const NOSTORE: u8 = 1 << 2;
    pub const SEARCH: u8 = 1 << 3;
    pub const SEARCHSTORE: u8 = 1 << 4;
}

#[derive(Clone, Copy, PartialEq)]
enum Sort {
    None,
    Asc,
    Desc,
}

/// A search candidate (geo.c's geoPoint).
struct GeoPoint {
    lon: f64,
    lat: f64,
    dist: f64,
    score: f64,
    member: Vec<u8>,
}

/// sort_gp_asc: a C comparator over distances (a NaN compares "less"
/// both ways, as in Redis).
fn cmp_asc(a: &GeoPoint, b: &GeoPoint) -> Ordering {
    if a.dist > b.dist {
        Ordering::Greater
    } else if a.dist == b.dist {
        Ordering::Equal
    } else {
        Ordering::Less
    }
}

fn cmp_desc(a: &GeoPoint, b: &GeoPoint) -> Ordering {
    cmp_asc(a, b).reverse()
}

/// membersOfAllNeighbors: the points of the nine cells inside `shape`,
/// in Redis's scan order; stops once `limit` (ANY's COUNT, 0: none) are
/// found.
fn search(z: &ZSet, shape: &Shape, limit: usize) -> Vec<GeoPoint> {
    let cells = geohash::areas_by_shape(shape).cells;
    let mut out: Vec<GeoPoint> = Vec::new();
    let mut last_processed = 0usize;
    for (i, cell) in cells.iter().enumerate() {
        if cell.is_zero() {
            continue;
        }
        // Redis skips a cell equal to the last one scanned, except when
        // that was the centre (its index 0 reads as "none yet").
        if last_processed != 0 && *cell == cells[last_processed] {
            continue;
        }
        if !out.is_empty() && limit != 0 && out.len() >= limit {
            break;
        }
        let (min, max) = geohash::score_range(*cell);
        let range = ScoreRange {
            min: min as f64,
            max: max as f64,
            minex: false,
            maxex: true,
        };
        z.scan_score_range(&range, |score, member| {
            let [lon, lat] = geohash::decode_score(score);
            if let Some(dist) = geohash::distance_if_within(shape, lon, lat) {
                out.push(GeoPoint {
                    lon,
                    lat,
                    dist,
                    score,
                    member: member(),
                });
            }
            !(!out.is_empty() && limit != 0 && out.len() >= limit)
        });
        last_processed = i;
    }
    out
}

/// georadiusGeneric: GEORADIUS[_RO], GEORADIUSBYMEMBER[_RO], GEOSEARCH
/// and GEOSEARCHSTORE. `src` is the index of the source key.
fn georadius_generic(srv: &mut Server, c: &mut Client, a: &Args, src: usize, flags: u8) {
    let db = c.db;
    let mut storekey: Option<&[u8]> = None;
    let mut storedist = false;
    // Redis looks the source up (and type-checks it) before parsing.
    let Ok(zobj) = lookup(srv, c, &a[src]) else {
        return;
    };
    let mut xy = [0.0f64; 2];
    let mut kind = ShapeKind::Circle { radius: 0.0 };
    let mut conversion = 1.0;
    let base: usize;
    if flags & form::COORDS != 0 {
        base = 6;
        let Some(p) = long_lat_or_reply(c, &a[2], &a[3]) else {
            return;
        };
        xy = p;
        let Some((r, conv)) = distance_or_reply(c, &a[4], &a[5]) else {
            return;
        };
        kind = ShapeKind::Circle { radius: r };
        conversion = conv;
    } else if flags & form::MEMBER != 0 {
        base = 5;
        // Without a source key Redis parses only the options, to pick the
        // reply for a STORE.
        if let Some(z) = zobj {
            let Some(score) = z.score(&a[2]) else {
                return c.add_error(NO_MEMBER);
            };
            xy = geohash::decode_score(score);
            let Some((r, conv)) = distance_or_reply(c, &a[3], &a[4]) else {
                return;
            };
            kind = ShapeKind::Circle { radius: r };
            conversion = conv;
        }
    } else {
        base = if flags & form::SEARCHSTORE != 0 {
            storekey = Some(a.get(1));
            3
        } else {
            2
        };
    }

    let search_form = flags & form::SEARCH != 0;
    let may_store = flags & (form::NOSTORE | form::SEARCH) == 0;
    let (mut withdist, mut withhash, mut withcoords) = (false, false, false);
    let (mut frommember, mut fromloc, mut byradius, mut bybox) = (false, false, false, false);
    let mut sort = Sort::None;
    let mut any = false;
    let mut count: i64 = 0;
    let remaining = a.len().saturating_sub(base);
    let mut i = 0;
    while i < remaining {
        let arg = &a[base + i];
        let at = |k: usize| a.get(base + i + k);
        if eq(arg, "withdist") {
            withdist = true;
        } else if eq(arg, "withhash") {
            withhash = true;
        } else if eq(arg, "withcoord") {
            withcoords = true;
        } else if eq(arg, "any") {
            any = true;
        } else if eq(arg, "asc") {
            sort = Sort::Asc;
        } else if eq(arg, "desc") {
            sort = Sort::Desc;
        } else if eq(arg, "count") && i + 1 < remaining {
            let Some(n) = string2ll(at(1)) else {
                return c.add_error(NOT_INT);
            };
            if n <= 0 {
                return c.add_error("ERR COUNT must be > 0");
            }
            count = n;
            i += 1;
        } else if (eq(arg, "store") || eq(arg, "storedist")) && i + 1 < remaining && may_store {
            storekey = Some(at(1));
            storedist = eq(arg, "storedist");
            i += 1;
        } else if eq(arg, "storedist") && search_form && flags & form::SEARCHSTORE != 0 {
            storedist = true;
        } else if eq(arg, "frommember") && i + 1 < remaining && search_form && !fromloc {
            if let Some(z) = zobj {
                let Some(score) = z.score(at(1)) else {
                    return c.add_error(NO_MEMBER);
                };
                xy = geohash::decode_score(score);
            }
            frommember = true;
            i += 1;
        } else if eq(arg, "fromlonlat") && i + 2 < remaining && search_form && !frommember {
            let Some(p) = long_lat_or_reply(c, at(1), at(2)) else {
                return;
            };
            xy = p;
            fromloc = true;
            i += 2;
        } else if eq(arg, "byradius") && i + 2 < remaining && search_form && !bybox {
            let Some((r, conv)) = distance_or_reply(c, at(1), at(2)) else {
                return;
            };
            kind = ShapeKind::Circle { radius: r };
            conversion = conv;
            byradius = true;
            i += 2;
        } else if eq(arg, "bybox") && i + 3 < remaining && search_form && !byradius {
            let Some((w, h, conv)) = box_or_reply(c, at(1), at(2), at(3)) else {
                return;
            };
            kind = ShapeKind::Box {
                width: w,
                height: h,
            };
            conversion = conv;
            bybox = true;
            i += 3;
        } else {
            return c.add_error(SYNTAX);
        }
        i += 1;
    }

    if storekey.is_some() && (withdist || withhash || withcoords) {
        let what = if flags & form::SEARCHSTORE != 0 {
            "GEOSEARCHSTORE"
        } else {
            "STORE option in GEORADIUS"
        };
        return c.add_error(&format!(
            "ERR {what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
        ));
    }
    let name = String::from_utf8_lossy(&a[0]).into_owned();
    if search_form && !(frommember || fromloc) {
        return c.add_error(&format!(
            "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {name}"
        ));
    }
    if search_form && !(byradius || bybox) {
        return c.add_error(&format!(
            "ERR exactly one of BYRADIUS and BYBOX can be specified for {name}"
        ));
    }
    if any && count == 0 {
        return c.add_error("ERR the ANY argument requires COUNT argument");
    }

    let Some(z) = zobj else {
        match storekey {
            Some(dst) => {
                if srv.db_delete(db, dst) {
                    srv.signal_modified_key(db, dst);
                    srv.dirty += 1;
                }
                c.add_int(0);
            }
            None => c.add_array_len(0),
        }
        return;
    };

    if count != 0 && sort == Sort::None && !any {
        sort = Sort::Asc;
    }
    let shape = Shape {
        xy,
        conversion,
        kind,
    };
    let limit = if any { count as usize } else { 0 };
    let mut ga = search(z, &shape, limit);

    if ga.is_empty() && storekey.is_none() {
        return c.add_array_len(0);
    }
    let result_length = ga.len();
    let returned = if count == 0 || (result_length as i64) < count {
        result_length
    } else {
        count as usize
    };
    if sort != Sort::None {
        let cmp = if sort == Sort::Asc { cmp_asc } else { cmp_desc };
        if returned == result_length {
            // glibc sorts pointers to elements this big; sort indexes.
            let mut order: Vec<u32> = (0..result_length as u32).collect();
            qsort::qsort(&mut order, &|&x, &y| cmp(&ga[x as usize], &ga[y as usize]));
            let mut slots: Vec<Option<GeoPoint>> = ga.into_iter().map(Some).collect();
            ga = order
                .iter()
                .map(|&i| slots[i as usize].take().expect("a permutation"))
                .collect();
        } else {
            qsort::pqsort(&mut ga, 0, returned - 1, &cmp);
        }
    }
    ga.truncate(returned);

    let Some(dst) = storekey else {
        let options = usize::from(withdist) + usize::from(withhash) + usize::from(withcoords);
        c.add_array_len(returned);
        for gp in &ga {
            if options > 0 {
                c.add_array_len(options + 1);
            }
            c.add_bulk(&gp.member);
            if withdist {
                add_distance(c, gp.dist / conversion);
            }
            if withhash {
                c.add_int(gp.score as i64);
            }
            if withcoords {
                c.add_array_len(2);
                add_coord(c, gp.lon);
                add_coord(c, gp.lat);
            }
        }
        return;
    };

    if returned == 0 {
        if srv.db_delete(db, dst) {
            srv.signal_modified_key(db, dst);
            srv.dirty += 1;
        }
        return c.add_int(0);
    }
    // A member is in the candidates once unless Redis's cell scan visited
    // a cell twice (a neighbour equal to the centre); Redis would assert
    // there, a set keeps the first.
    let mut seen = std::collections::HashSet::with_capacity(ga.len());
    let pairs: Vec<(Vec<u8>, f64)> = ga
        .into_iter()
        .filter(|gp| seen.insert(gp.member.clone()))
        .map(|gp| {
            let s = if storedist {
                gp.dist / conversion
            } else {
                gp.score
            };
            (gp.member, s)
        })
        .collect();
    let (me, mv) = (
        srv.cfg.zset_max_listpack_entries,
        srv.cfg.zset_max_listpack_value,
    );
    let z = ZSet::from_pairs(pairs, me, mv);
    srv.set_key(db, dst, Value::ZSet(Box::new(z)), false);
    srv.dirty += returned as u64;
    c.add_int(returned as i64);
}

pub fn georadius_command(srv: &mut Server, c: &mut Client, a: &Args) {
    georadius_generic(srv, c, a, 1, form::COORDS)
}

pub fn georadiusbymember_command(srv: &mut Server, c: &mut Client, a: &Args) {
    georadius_generic(srv, c, a, 1, form::MEMBER)
}

pub fn georadius_ro_command(srv: &mut Server, c: &mut Client, a: &Args) {
    georadius_generic(srv, c, a, 1, form::COORDS | form::NOSTORE)
}

pub fn georadiusbymember_ro_command(srv: &mut Server, c: &mut Client, a: &Args) {
    georadius_generic(srv, c, a, 1, form::MEMBER | form::NOSTORE)
}

pub fn geosearch_command(srv: &mut Server, c: &mut Client, a: &Args) {
    georadius_generic(srv, c, a, 1, form::SEARCH)
}

pub fn geosearchstore_command(srv: &mut Server, c: &mut Client, a: &Args) {
    georadius_generic(srv, c, a, 2, form::SEARCH | form::SEARCHSTORE)
}
