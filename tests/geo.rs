//! Geo commands against redis-server 7.0 (tests/common/oracle.rs): every
//! reply compared byte for byte, in RESP2 and RESP3. Points are seeded
//! random over the whole coordinate range plus the limits, the
//! antimeridian, exact cell borders and points sharing a position (to make
//! distance ties); searches cover every option combination on a listpack
//! and on a skiplist set, so the nine-cell scan order, the sort (and its
//! ties) and the COUNT/ANY cuts must all be Redis's.

mod common;

use common::Rng;
use common::oracle::Pair;

/// A seeded double in `lo..hi`.
fn uniform(rng: &mut Rng, lo: f64, hi: f64) -> f64 {
    lo + (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * (hi - lo)
}

const LAT_MAX: f64 = 85.05112878;
const STEP: f64 = (1u64 << 26) as f64;

/// A coordinate pair as text: random, at a limit, on the antimeridian or
/// exactly on / next to a step-26 cell border.
fn point(rng: &mut Rng) -> (String, String) {
    let lon_border = |rng: &mut Rng| -180.0 + rng.below(1 << 26) as f64 * 360.0 / STEP;
    let lat_border = |rng: &mut Rng| -LAT_MAX + rng.below(1 << 26) as f64 * (2.0 * LAT_MAX) / STEP;
    let (lon, lat) = match rng.below(10) {
        0 => (lon_border(rng), lat_border(rng)),
        1 => {
            let eps = [1e-9, -1e-9, 1e-12, -1e-12][rng.below(4) as usize];
            (
                (lon_border(rng) + eps).clamp(-180.0, 180.0),
                (lat_border(rng) - eps).clamp(-LAT_MAX, LAT_MAX),
            )
        }
        2 => {
            let lons = [180.0, -180.0, 179.9999999, -179.9999999, 0.0];
            let lats = [LAT_MAX, -LAT_MAX, 85.0511, -85.0511, 0.0];
            (lons[rng.below(5) as usize], lats[rng.below(5) as usize])
        }
        3 => (
            uniform(rng, 179.0, 180.0) * if rng.below(2) == 0 { 1.0 } else { -1.0 },
            uniform(rng, -LAT_MAX, LAT_MAX),
        ),
        _ => (uniform(rng, -180.0, 180.0), uniform(rng, -LAT_MAX, LAT_MAX)),
    };
    (format!("{lon}"), format!("{lat}"))
}

/// Sends HELLO `proto` to both servers (their greetings differ).
fn hello(p: &mut Pair, proto: &str) {
    p.run(&["HELLO", proto]);
}

/// GEOADDs `n` points in batches and checks the stored scores.
fn fill(p: &mut Pair, rng: &mut Rng, key: &str, n: usize, prefix: &str) -> Vec<(String, String)> {
    let mut pts = Vec::new();
    let mut i = 0;
    while i < n {
        let mut args: Vec<String> = vec!["GEOADD".into(), key.into()];
        for _ in 0..(n - i).min(50) {
            let (lon, lat) = point(rng);
            args.push(lon.clone());
            args.push(lat.clone());
            args.push(format!("{prefix}{i}"));
            pts.push((lon, lat));
            i += 1;
        }
        let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
        p.same(&a);
    }
    p.same(&["ZRANGE", key, "0", "-1", "WITHSCORES"]);
    p.same(&["OBJECT", "ENCODING", key]);
    pts
}

/// Points sharing positions, so searches around them have distance ties.
fn add_ties(p: &mut Pair, key: &str) {
    for (lon, lat, tag) in [("12.5", "41.9", "a"), ("12.5001", "41.9001", "b")] {
        let mut args = vec!["GEOADD".to_string(), key.to_string()];
        for i in 0..15 {
            args.push(lon.into());
            args.push(lat.into());
            args.push(format!("tie{tag}{i}"));
        }
        let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
        p.same(&a);
    }
}

#[test]
fn scores_positions_hashes_and_distances_match_redis() {
    let mut p = Pair::start();
    let mut rng = Rng(0x9e0_5eed);
    let small = fill(&mut p, &mut rng, "small", 100, "s");
    let big = fill(&mut p, &mut rng, "big", 1500, "b");
    assert!(!small.is_empty() && !big.is_empty());
    for proto in ["2", "3"] {
        hello(&mut p, proto);
        for key in ["small", "big"] {
            let n = if key == "small" { 100 } else { 1500 };
            for chunk in (0..n).collect::<Vec<_>>().chunks(40) {
                let prefix = if key == "small" { "s" } else { "b" };
                let mut args = vec!["GEOPOS".to_string(), key.to_string()];
                args.extend(chunk.iter().map(|i| format!("{prefix}{i}")));
                args.push("missing".into());
                let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
                p.same(&a);
                let mut h = a.clone();
                h[0] = "GEOHASH";
                p.same(&h);
            }
            let prefix = if key == "small" { "s" } else { "b" };
            for _ in 0..200 {
                let m1 = format!("{prefix}{}", rng.below(n as u64));
                let m2 = format!("{prefix}{}", rng.below(n as u64));
                let unit = ["m", "km", "FT", "Mi"][rng.below(4) as usize];
                p.same(&["GEODIST", key, &m1, &m2]);
                p.same(&["GEODIST", key, &m1, &m2, unit]);
            }
            p.same(&["GEODIST", key, "s0", "nope"]);
        }
    }
}

#[test]
fn geoadd_options_and_errors_match_redis() {
    let mut p = Pair::start();
    for proto in ["2", "3"] {
        hello(&mut p, proto);
        p.same(&["DEL", "g", "s"]);
        for cmd in [
            &["GEOADD", "g", "13.361389", "38.115556", "Palermo"][..],
            &["GEOADD", "g", "NX", "1", "1", "Palermo", "2", "2", "x"],
            &[
                "GEOADD", "g", "XX", "CH", "1", "1", "Palermo", "2", "2", "y",
            ],
            &["GEOADD", "g", "CH", "1", "1", "Palermo", "3", "3", "x"],
            &["GEOADD", "g", "ch", "xx", "1", "1", "Palermo"],
            &["GEOADD", "g", "NX", "XX", "1", "1", "z"],
            &["GEOADD", "g", "NX", "CH", "XX"],
            &["GEOADD", "g", "1", "2", "m", "3"],
            &["GEOADD", "g", "200", "10", "m"],
            &["GEOADD", "g", "-180.000001", "0", "m"],
            &["GEOADD", "g", "0", "85.05112879", "m"],
            &["GEOADD", "g", "0", "-85.05112879", "m"],
            &["GEOADD", "g", "inf", "0", "m"],
            &["GEOADD", "g", "0", "-inf", "m"],
            &["GEOADD", "g", "1e400", "0", "m"],
            &["GEOADD", "g", "abc", "0", "m"],
            &["GEOADD", "g", "0", "nan", "m"],
            &["GEOADD", "g", " 1", "0", "m"],
            &["GEOADD", "g", "1", "1", "ok", "1", "x", "bad"],
            &["GEOADD", "g", "180", "85.05112878", "corner"],
            &["GEOADD", "g", "-180", "-85.05112878", "corner2"],
            &["GEOADD", "g", "0x10", "1e1", "hexexp"],
            &["GEOADD", "g", "1", "1", "dup", "2", "2", "dup"],
            &["GEOADD", "newkey", "XX", "1", "1", "m"],
            &["EXISTS", "newkey"],
            &["ZRANGE", "g", "0", "-1", "WITHSCORES"],
            &["GEOPOS", "g", "corner", "corner2", "dup", "hexexp"],
            &["GEOHASH", "g", "corner", "corner2"],
            &["GEOPOS", "g"],
            &["GEOHASH", "g"],
            &["GEOPOS", "nokey", "a"],
            &["GEOHASH", "nokey", "a"],
            &["GEODIST", "nokey", "a", "b"],
            &["GEODIST", "g", "corner", "corner2", "km"],
            &["GEODIST", "g", "corner", "corner2", "parsec"],
            &["GEODIST", "g", "a", "b", "km", "extra"],
            &["GEODIST", "nokey", "a", "b", "parsec"],
            // Scores GEOADD never writes still decode as Redis's do.
            &[
                "ZADD", "g", "-1", "neg", "inf", "pinf", "-inf", "ninf", "1e19", "big",
            ],
            &["GEOPOS", "g", "neg", "pinf", "ninf", "big"],
            &["GEOHASH", "g", "neg", "pinf", "ninf", "big"],
            &["GEODIST", "g", "neg", "big"],
            &["SET", "s", "x"],
            &["GEOADD", "s", "1", "1", "m"],
            &["GEOPOS", "s", "m"],
            &["GEOHASH", "s", "m"],
            &["GEODIST", "s", "a", "b"],
            &["GEODIST", "s", "a", "b", "parsec"],
            &["GEORADIUS", "s", "0", "0", "1", "km"],
            &["GEORADIUS", "s", "200", "0", "1", "km"],
            &["GEORADIUSBYMEMBER", "s", "m", "1", "km"],
            &[
                "GEOSEARCH",
                "s",
                "FROMLONLAT",
                "0",
                "0",
                "BYRADIUS",
                "1",
                "km",
            ],
            &[
                "GEOSEARCHSTORE",
                "d",
                "s",
                "FROMLONLAT",
                "0",
                "0",
                "BYRADIUS",
                "1",
                "km",
            ],
            &[
                "GEOSEARCHSTORE",
                "s",
                "g",
                "FROMLONLAT",
                "1",
                "1",
                "BYRADIUS",
                "1",
                "km",
            ],
            &["TYPE", "s"],
            &["GEOADD", "g"],
            &["GEOPOS"],
            &["GEORADIUS", "g", "0", "0", "1"],
            &["GEOSEARCH", "g", "FROMLONLAT", "0", "0"],
            &["GEOSEARCHSTORE", "d", "g", "FROMLONLAT", "0", "0"],
        ] {
            p.same(cmd);
        }
    }
}

#[test]
fn search_errors_match_redis() {
    let mut p = Pair::start();
    p.same(&[
        "GEOADD",
        "g",
        "13.361389",
        "38.115556",
        "Palermo",
        "15.087269",
        "37.502669",
        "Catania",
    ]);
    let cases: &[&[&str]] = &[
        &["GEORADIUS", "g", "15", "37", "200", "km", "COUNT", "0"],
        &["GEORADIUS", "g", "15", "37", "200", "km", "COUNT", "-3"],
        &["GEORADIUS", "g", "15", "37", "200", "km", "COUNT", "x"],
        &["GEORADIUS", "g", "15", "37", "200", "km", "COUNT"],
        &["GEORADIUS", "g", "15", "37", "200", "km", "ANY"],
        &["GEORADIUS", "g", "15", "37", "200", "km", "ANY", "ASC"],
        &[
            "GEORADIUS",
            "g",
            "15",
            "37",
            "200",
            "km",
            "STORE",
            "d",
            "WITHDIST",
        ],
        &[
            "GEORADIUS",
            "g",
            "15",
            "37",
            "200",
            "km",
            "WITHHASH",
            "STOREDIST",
            "d",
        ],
        &["GEORADIUS", "g", "15", "37", "200", "km", "STORE"],
        &["GEORADIUS", "g", "15", "37", "200", "furlong"],
        &["GEORADIUS", "g", "15", "37", "-1", "km"],
        &["GEORADIUS", "g", "15", "37", "x", "km"],
        &["GEORADIUS", "g", "15", "91", "1", "km"],
        &["GEORADIUS", "g", "x", "37", "1", "km"],
        &["GEORADIUS", "g", "15", "37", "1", "km", "BOGUS"],
        &[
            "GEORADIUS",
            "g",
            "15",
            "37",
            "1",
            "km",
            "FROMMEMBER",
            "Palermo",
        ],
        &["GEORADIUS", "nokey", "15", "37", "1", "km"],
        &["GEORADIUS", "nokey", "200", "37", "1", "km"],
        &["GEORADIUS", "nokey", "15", "37", "1", "km", "COUNT", "0"],
        &["GEORADIUS_RO", "g", "15", "37", "200", "km", "STORE", "d"],
        &[
            "GEORADIUS_RO",
            "g",
            "15",
            "37",
            "200",
            "km",
            "STOREDIST",
            "d",
        ],
        &["GEORADIUSBYMEMBER", "g", "nomember", "1", "km"],
        &["GEORADIUSBYMEMBER", "g", "Palermo", "1", "parsec"],
        &["GEORADIUSBYMEMBER", "nokey", "m", "abc", "xyz"],
        &["GEORADIUSBYMEMBER", "nokey", "m", "1", "km", "BOGUS"],
        &["GEORADIUSBYMEMBER", "nokey", "m", "1", "km", "ANY"],
        &[
            "GEORADIUSBYMEMBER_RO",
            "g",
            "Palermo",
            "200",
            "km",
            "STORE",
            "d",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMMEMBER",
            "Palermo",
            "BYRADIUS",
            "1",
            "km",
            "BYBOX",
            "1",
            "1",
            "km",
        ],
        &[
            "GEOSEARCH",
            "g",
            "BYBOX",
            "1",
            "1",
            "km",
            "BYRADIUS",
            "1",
            "km",
            "FROMLONLAT",
            "0",
            "0",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMMEMBER",
            "Palermo",
            "FROMLONLAT",
            "0",
            "0",
            "BYRADIUS",
            "1",
            "km",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "0",
            "0",
            "FROMMEMBER",
            "Palermo",
            "BYRADIUS",
            "1",
            "km",
        ],
        &["GeoSearch", "g", "BYRADIUS", "1", "km", "ASC"],
        &["geosearch", "g", "FROMLONLAT", "0", "0", "ASC", "DESC"],
        &[
            "GEOSEARCH",
            "g",
            "FROMMEMBER",
            "nomember",
            "BYRADIUS",
            "1",
            "km",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMMEMBER",
            "Palermo",
            "FROMMEMBER",
            "Catania",
            "BYRADIUS",
            "1",
            "km",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "0",
            "0",
            "BYRADIUS",
            "1",
            "km",
            "STORE",
            "d",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "0",
            "0",
            "BYRADIUS",
            "1",
            "km",
            "STOREDIST",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "0",
            "0",
            "BYBOX",
            "-1",
            "1",
            "km",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "0",
            "0",
            "BYBOX",
            "1",
            "x",
            "km",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "0",
            "0",
            "BYBOX",
            "x",
            "1",
            "km",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "0",
            "0",
            "BYBOX",
            "1",
            "1",
            "yd",
        ],
        &["GEOSEARCH", "g", "FROMLONLAT", "0", "0", "BYBOX", "1", "1"],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "0",
            "100",
            "BYBOX",
            "1",
            "1",
            "m",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "0",
            "0",
            "BYRADIUS",
            "1",
            "km",
            "ANY",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "0",
            "0",
            "BYRADIUS",
            "1",
            "km",
            "COUNT",
            "1",
            "ANY",
            "WITHDIST",
        ],
        &[
            "GEOSEARCH",
            "nokey",
            "FROMMEMBER",
            "x",
            "BYRADIUS",
            "1",
            "km",
        ],
        &[
            "GEOSEARCH",
            "nokey",
            "FROMMEMBER",
            "x",
            "BYBOX",
            "1",
            "1",
            "km",
            "WITHCOORD",
        ],
        &[
            "GEOSEARCHSTORE",
            "d",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "200",
            "km",
            "WITHDIST",
        ],
        &[
            "GEOSEARCHSTORE",
            "d",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "200",
            "km",
            "STORE",
            "x",
        ],
        &[
            "GEOSEARCHSTORE",
            "d",
            "g",
            "BYRADIUS",
            "200",
            "km",
            "STOREDIST",
        ],
        &[
            "GEOSEARCHSTORE",
            "d",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "STOREDIST",
        ],
        &[
            "GEOSEARCHSTORE",
            "d",
            "nokey",
            "FROMMEMBER",
            "x",
            "BYRADIUS",
            "1",
            "km",
        ],
    ];
    for proto in ["2", "3"] {
        hello(&mut p, proto);
        for cmd in cases {
            p.same(cmd);
        }
    }
}

/// A random search option list (shuffled, Redis accepts any order).
fn options(rng: &mut Rng, out: &mut Vec<String>, store: bool) {
    let mut opts: Vec<Vec<String>> = Vec::new();
    if !store {
        for w in ["WITHDIST", "WITHHASH", "WITHCOORD"] {
            if rng.below(2) == 0 {
                opts.push(vec![w.into()]);
            }
        }
    }
    match rng.below(3) {
        0 => opts.push(vec!["ASC".into()]),
        1 => opts.push(vec!["DESC".into()]),
        _ => {}
    }
    if rng.below(2) == 0 {
        let n = [1, 2, 3, 5, 10, 17, 40, 1000][rng.below(8) as usize];
        let mut c = vec!["COUNT".to_string(), n.to_string()];
        if rng.below(3) == 0 {
            c.push("ANY".into());
        }
        opts.push(c);
    }
    while !opts.is_empty() {
        let i = rng.below(opts.len() as u64) as usize;
        out.extend(opts.swap_remove(i));
    }
}

/// A radius (or box side) across every scale, and its unit.
fn distance(rng: &mut Rng) -> (String, &'static str) {
    let unit = ["m", "km", "ft", "mi", "KM"][rng.below(5) as usize];
    let per_m = match unit {
        "m" => 1.0,
        "ft" => 0.3048,
        "mi" => 1609.34,
        _ => 1000.0,
    };
    let meters = if rng.below(20) == 0 {
        0.0
    } else {
        10f64.powf(uniform(rng, 0.0, 7.4))
    };
    (format!("{}", meters / per_m), unit)
}

/// The centre of a search: a member or a coordinate pair (often near the
/// points, sometimes at the limits or on the antimeridian).
fn centre(rng: &mut Rng, prefix: &str, n: usize) -> Result<String, (String, String)> {
    match rng.below(4) {
        0 => Ok(format!("{prefix}{}", rng.below(n as u64))),
        1 => Err(("12.5".into(), "41.9".into())),
        _ => Err(point(rng)),
    }
}

fn run_search(p: &mut Pair, rng: &mut Rng, key: &str, prefix: &str, n: usize) {
    let store = rng.below(4) == 0;
    let mut args: Vec<String> = Vec::new();
    let c = centre(rng, prefix, n);
    let (r, unit) = distance(rng);
    match rng.below(3) {
        0 => {
            // GEORADIUS / GEORADIUSBYMEMBER (and _RO).
            let ro = !store && rng.below(2) == 0;
            match &c {
                Ok(m) => {
                    args.push(
                        if ro {
                            "GEORADIUSBYMEMBER_RO"
                        } else {
                            "GEORADIUSBYMEMBER"
                        }
                        .into(),
                    );
                    args.extend([key.into(), m.clone()]);
                }
                Err((lon, lat)) => {
                    args.push(if ro { "GEORADIUS_RO" } else { "GEORADIUS" }.into());
                    args.extend([key.into(), lon.clone(), lat.clone()]);
                }
            }
            args.extend([r, unit.into()]);
            options(rng, &mut args, store);
            if store {
                args.push(
                    if rng.below(2) == 0 {
                        "STORE"
                    } else {
                        "STOREDIST"
                    }
                    .into(),
                );
                args.push("dst".into());
            }
        }
        _ => {
            if store {
                args.extend(["GEOSEARCHSTORE".into(), "dst".into(), key.into()]);
            } else {
                args.extend(["GEOSEARCH".into(), key.into()]);
            }
            match &c {
                Ok(m) => args.extend(["FROMMEMBER".into(), m.clone()]),
                Err((lon, lat)) => args.extend(["FROMLONLAT".into(), lon.clone(), lat.clone()]),
            }
            if rng.below(2) == 0 {
                args.extend(["BYRADIUS".into(), r, unit.into()]);
            } else {
                let (h, _) = distance(rng);
                args.extend(["BYBOX".into(), r, h, unit.into()]);
            }
            options(rng, &mut args, store);
            if store && rng.below(2) == 0 {
                args.push("STOREDIST".into());
            }
        }
    }
    let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    p.same(&a);
    if store {
        p.same(&["ZRANGE", "dst", "0", "-1", "WITHSCORES"]);
        p.same(&["OBJECT", "ENCODING", "dst"]);
    }
}

#[test]
fn random_searches_match_redis() {
    let mut p = Pair::start();
    let mut rng = Rng(0x5ea2c4);
    fill(&mut p, &mut rng, "small", 100, "s");
    add_ties(&mut p, "small");
    fill(&mut p, &mut rng, "big", 2000, "b");
    add_ties(&mut p, "big");
    // A dense cluster, so COUNT cuts long candidate lists (pqsort).
    let mut args = vec!["GEOADD".to_string(), "big".into()];
    for i in 0..400 {
        args.push(format!("{}", uniform(&mut rng, 12.0, 13.0)));
        args.push(format!("{}", uniform(&mut rng, 41.5, 42.3)));
        args.push(format!("c{i}"));
    }
    let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    p.same(&a);
    p.same(&["ZRANGE", "big", "0", "-1", "WITHSCORES"]);
    for proto in ["2", "3"] {
        hello(&mut p, proto);
        for _ in 0..250 {
            run_search(&mut p, &mut rng, "small", "s", 100);
            run_search(&mut p, &mut rng, "big", "b", 2000);
        }
    }
}

/// Ties at one position: the full sort (glibc's stable merge sort), the
/// COUNT cut (pqsort) and the unsorted scan order.
#[test]
fn distance_ties_keep_redis_order() {
    let mut p = Pair::start();
    add_ties(&mut p, "small");
    let mut args = vec!["GEOADD".to_string(), "big".into()];
    for i in 0..300 {
        args.push(["12.5", "12.5001", "12.4999"][i % 3].into());
        args.push(["41.9", "41.9001", "41.8999"][i % 3].into());
        args.push(format!("m{}", (i * 7919) % 1000));
    }
    let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    p.same(&a);
    // The candidates come out of the scan already partitioned around the
    // first pivot (no swaps in the first pass): Redis 7.0's pqsort goes on
    // partitioning where NetBSD's would switch to an insertion sort.
    add_ties(&mut p, "mixed");
    p.same(&[
        "GEOADD", "mixed", "12.49", "41.89", "c2", "12.52", "41.92", "c146", "12.51", "41.88",
        "c319", "12.45", "41.91", "c209", "12.46", "41.89", "c258", "12.53", "41.89", "c178",
    ]);
    for k in ["1", "2", "5", "16", "35", "36"] {
        p.same(&[
            "GEOSEARCH",
            "mixed",
            "FROMLONLAT",
            "12.5",
            "41.9",
            "BYRADIUS",
            "5",
            "km",
            "COUNT",
            k,
        ]);
    }
    for key in ["small", "big"] {
        for opts in [
            &[][..],
            &["ASC"],
            &["DESC"],
            &["COUNT", "3"],
            &["COUNT", "7", "DESC"],
            &["COUNT", "50"],
            &["COUNT", "120", "ASC"],
            &["COUNT", "5", "ANY"],
            &["COUNT", "5", "ANY", "DESC"],
        ] {
            let mut a = vec!["GEORADIUS", key, "12.5", "41.9", "100", "km", "WITHDIST"];
            a.extend_from_slice(opts);
            p.same(&a);
            let mut a = vec![
                "GEOSEARCH",
                key,
                "FROMLONLAT",
                "12.50005",
                "41.90005",
                "BYBOX",
                "50",
                "50",
                "km",
            ];
            a.extend_from_slice(opts);
            p.same(&a);
        }
    }
}

/// STORE results are read back from the destination; an empty result
/// deletes it; WATCH sees every geo write.
#[test]
fn stores_replace_or_delete_the_destination_and_touch_watchers() {
    let mut p = Pair::start();
    let mut rng = Rng(77);
    fill(&mut p, &mut rng, "g", 300, "m");
    for cmd in [
        &["GEORADIUS", "g", "0", "0", "20000", "km", "STORE", "dst"][..],
        &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
        &["OBJECT", "ENCODING", "dst"],
        &[
            "GEORADIUS",
            "g",
            "0",
            "0",
            "3000",
            "km",
            "COUNT",
            "5",
            "STOREDIST",
            "dst",
        ],
        &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
        &["OBJECT", "ENCODING", "dst"],
        &["GEORADIUS", "g", "0", "0", "1", "m", "STORE", "dst"],
        &["EXISTS", "dst"],
        &["SET", "dst", "string"],
        &[
            "GEOSEARCHSTORE",
            "dst",
            "g",
            "FROMLONLAT",
            "0",
            "0",
            "BYBOX",
            "9000",
            "9000",
            "km",
        ],
        &["TYPE", "dst"],
        &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
        &[
            "GEOSEARCHSTORE",
            "dst",
            "g",
            "FROMLONLAT",
            "0",
            "0",
            "BYBOX",
            "9000",
            "9000",
            "km",
            "STOREDIST",
            "DESC",
            "COUNT",
            "3",
        ],
        &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
        &[
            "GEOSEARCHSTORE",
            "dst",
            "nokey",
            "FROMLONLAT",
            "0",
            "0",
            "BYBOX",
            "1",
            "1",
            "km",
        ],
        &["EXISTS", "dst"],
        &[
            "GEORADIUSBYMEMBER",
            "g",
            "m1",
            "5000",
            "km",
            "STORE",
            "a",
            "STOREDIST",
            "b",
        ],
        &["EXISTS", "a", "b"],
        &["ZRANGE", "b", "0", "-1", "WITHSCORES"],
        &[
            "GEOSEARCHSTORE",
            "g",
            "g",
            "FROMMEMBER",
            "m2",
            "BYRADIUS",
            "8000",
            "km",
        ],
        &["ZRANGE", "g", "0", "-1", "WITHSCORES"],
    ] {
        p.same(cmd);
    }
    // WATCH: a geo write from another client aborts the transaction.
    for write in [
        &["GEOADD", "w", "1", "1", "x"][..],
        &[
            "GEOSEARCHSTORE",
            "w",
            "g",
            "FROMLONLAT",
            "0",
            "0",
            "BYRADIUS",
            "20000",
            "km",
        ],
        &["GEORADIUS", "g", "0", "0", "20000", "km", "STORE", "w"],
        &[
            "GEOSEARCHSTORE",
            "w",
            "g",
            "FROMLONLAT",
            "0",
            "0",
            "BYRADIUS",
            "1",
            "m",
        ],
    ] {
        p.same(&["ZADD", "w", "1", "seed"]);
        p.same(&["WATCH", "w"]);
        let mut ours = p.ours.conn();
        let mut theirs = p.redis.conn();
        let r1: redis::Value = common::cmd_of(write).query(&mut ours).unwrap();
        let r2: redis::Value = common::cmd_of(write).query(&mut theirs).unwrap();
        assert_eq!(r1, r2, "{write:?}");
        p.same(&["MULTI"]);
        p.same(&["PING"]);
        p.same(&["EXEC"]);
    }
}

/// GEOADD on a missing key creates it, which wakes a client blocked on it
/// in BZPOPMIN (the zset write path's key-ready signal).
#[test]
fn geoadd_wakes_bzpopmin() {
    let s = common::Server::start();
    let mut blocked = s.raw();
    blocked.send(&common::resp(&[b"BZPOPMIN", b"geo", b"0"]));
    let mut c = s.conn();
    // Wait until the client is blocked.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let info: String = common::q(&mut c, &["INFO", "clients"]);
        if info.contains("blocked_clients:1") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "never blocked");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let added: i64 = common::q(
        &mut c,
        &["GEOADD", "geo", "13.361389", "38.115556", "Palermo"],
    );
    assert_eq!(added, 1);
    let got = blocked.read_until(b"\r\n3479099956230698\r\n");
    assert!(String::from_utf8_lossy(&got).contains("Palermo"));
}

/// Redis 7.0.15 prints distances with fixedpoint_d2string (llrint of
/// d * 10^4), which rounds some values differently from `%.4f`, and takes
/// a shortcut for points on one meridian that rounds differently from the
/// haversine; antipodal points stress asin's domain.
#[test]
fn distance_rounding_and_meridian_shortcut_match_redis() {
    let mut p = Pair::start();
    p.same(&["ZADD", "x", "2532516193236454", "m"]);
    let mut meridian = vec!["GEOADD", "y"];
    let lats: Vec<String> = (0..60)
        .map(|i| format!("{}", -84.0 + i as f64 * 2.8))
        .collect();
    let names: Vec<String> = (0..60).map(|i| format!("p{i}")).collect();
    for i in 0..60 {
        meridian.extend(["33.3", lats[i].as_str(), names[i].as_str()]);
    }
    meridian.extend([
        "0", "0", "z0", "180", "0", "z1", "-180", "0", "z2", "10", "30", "a1",
    ]);
    meridian.extend(["-170", "-30", "a2", "45", "60", "b1", "-135", "-60", "b2"]);
    p.same(&meridian);
    for proto in ["2", "3"] {
        hello(&mut p, proto);
        for cmd in [
            &[
                "GEORADIUS",
                "x",
                "74.41216753373811",
                "62.480187260745964",
                "76188997.5195759",
                "ft",
                "WITHDIST",
            ][..],
            &[
                "GEORADIUS",
                "x",
                "74.41216753373811",
                "62.480187260745964",
                "20000",
                "km",
                "STOREDIST",
                "d",
            ],
            &["ZRANGE", "d", "0", "-1", "WITHSCORES"],
            &[
                "GEOSEARCHSTORE",
                "d",
                "y",
                "FROMMEMBER",
                "p1",
                "BYRADIUS",
                "30000",
                "km",
                "STOREDIST",
            ],
            &["ZRANGE", "d", "0", "-1", "WITHSCORES"],
            &[
                "GEOSEARCHSTORE",
                "d",
                "y",
                "FROMLONLAT",
                "33.3",
                "0",
                "BYBOX",
                "100",
                "30000",
                "km",
                "STOREDIST",
            ],
            &["ZRANGE", "d", "0", "-1", "WITHSCORES"],
            &[
                "GEOSEARCH",
                "y",
                "FROMLONLAT",
                "33.3",
                "0",
                "BYBOX",
                "100",
                "30000",
                "km",
                "WITHDIST",
                "ASC",
            ],
            &["GEODIST", "y", "z0", "z1"],
            &["GEODIST", "y", "z1", "z2"],
            &["GEODIST", "y", "a1", "a2", "mi"],
            &["GEODIST", "y", "b1", "b2", "ft"],
            &["GEODIST", "y", "p0", "p59", "km"],
            &[
                "GEORADIUS",
                "y",
                "10",
                "30",
                "21000",
                "km",
                "WITHDIST",
                "DESC",
                "COUNT",
                "4",
            ],
        ] {
            p.same(cmd);
        }
    }
}
