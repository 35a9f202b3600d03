//! Redis's geohash (geohash.c + geohash_helper.c): the 52-bit interleaved
//! cell a longitude/latitude falls in, its decoding to the cell centre, the
//! eight neighbours, the choice of the nine cells a radius or box search
//! examines, and the haversine distance.
//!
//! Every result must be bit-for-bit Redis's, because it is stored (the
//! GEOADD score), printed (GEOPOS, WITHDIST) or decides which members a
//! search sees (the cells). So the arithmetic keeps Redis's operation order
//! and constants, including the quirks: latitudes are limited to
//! +-85.05112878 (the Web Mercator square), a coordinate at the upper
//! limit encodes one past the last cell (offset 1.0 * 2^26, which the
//! interleave lets spill into bit 52), and a score is turned back into
//! bits with C's double -> uint64 conversion as x86-64 performs it.
//! The trigonometry calls the C library's sin/cos/asin, as Redis does.
//!
//! Threads: pure functions.

/// Redis's GEO_STEP_MAX: 26 bits per coordinate, 52 in a score.
pub const STEP_MAX: u8 = 26;
pub const LAT_MIN: f64 = -85.05112878;
pub const LAT_MAX: f64 = 85.05112878;
pub const LONG_MIN: f64 = -180.0;
pub const LONG_MAX: f64 = 180.0;
/// The Earth's quadratic mean radius for WGS-84, as Redis uses it.
pub const EARTH_RADIUS_IN_METERS: f64 = 6372797.560856;
const MERCATOR_MAX: f64 = 20037726.37;
const D_R: f64 = std::f64::consts::PI / 180.0;

#[inline]
fn deg_rad(ang: f64) -> f64 {
    ang * D_R
}
#[inline]
fn rad_deg(ang: f64) -> f64 {
    ang / D_R
}

/// A cell: `step` bits per coordinate, interleaved (longitude in the odd
/// bits, latitude in the even ones).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HashBits {
    pub bits: u64,
    pub step: u8,
}

impl HashBits {
    /// HASHISZERO: a neighbour the search excluded.
    pub fn is_zero(&self) -> bool {
        self.bits == 0 && self.step == 0
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Range {
    pub min: f64,
    pub max: f64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Area {
    pub longitude: Range,
    pub latitude: Range,
}

/// The coordinate ranges of Redis's scores (geohashGetCoordRange).
pub const WGS84_LONG: Range = Range {
    min: LONG_MIN,
    max: LONG_MAX,
};
pub const WGS84_LAT: Range = Range {
    min: LAT_MIN,
    max: LAT_MAX,
};
/// The standard geohash latitude range GEOHASH re-encodes with.
pub const STANDARD_LAT: Range = Range {
    min: -90.0,
    max: 90.0,
};

/// Spreads the low 32 bits of `x` to the even bits and of `y` to the odd.
fn interleave64(xlo: u32, ylo: u32) -> u64 {
    const B: [u64; 5] = [
        0x5555555555555555,
        0x3333333333333333,
        0x0F0F0F0F0F0F0F0F,
        0x00FF00FF00FF00FF,
        0x0000FFFF0000FFFF,
    ];
    const S: [u32; 5] = [1, 2, 4, 8, 16];
    let (mut x, mut y) = (xlo as u64, ylo as u64);
    for k in (0..5).rev() {
        x = (x | (x << S[k])) & B[k];
        y = (y | (y << S[k])) & B[k];
    }
    x | (y << 1)
}

/// The inverse: even bits to the low word, odd bits to the high word.
fn deinterleave64(interleaved: u64) -> u64 {
    const B: [u64; 6] = [
        0x5555555555555555,
        0x3333333333333333,
        0x0F0F0F0F0F0F0F0F,
        0x00FF00FF00FF00FF,
        0x0000FFFF0000FFFF,
        0x00000000FFFFFFFF,
    ];
    const S: [u32; 6] = [0, 1, 2, 4, 8, 16];
    let (mut x, mut y) = (interleaved, interleaved >> 1);
    for k in 0..6 {
        x = (x | (x >> S[k])) & B[k];
        y = (y | (y >> S[k])) & B[k];
    }
    x | (y << 32)
}

/// geohashEncode: None outside the WGS84 limits or the given ranges.
pub fn encode(
    long_range: Range,
    lat_range: Range,
    lon: f64,
    lat: f64,
    step: u8,
) -> Option<HashBits> {
    if step > 32 || step == 0 {
        return None;
    }
    if !(LONG_MIN..=LONG_MAX).contains(&lon) || !(LAT_MIN..=LAT_MAX).contains(&lat) {
        return None;
    }
    if lat < lat_range.min || lat > lat_range.max || lon < long_range.min || lon > long_range.max {
        return None;
    }
    let mut lat_offset = (lat - lat_range.min) / (lat_range.max - lat_range.min);
    let mut long_offset = (lon - long_range.min) / (long_range.max - long_range.min);
    lat_offset *= (1u64 << step) as f64;
    long_offset *= (1u64 << step) as f64;
    // C's double -> uint32_t truncation; both offsets are in 0..=2^step.
    Some(HashBits {
        bits: interleave64(lat_offset as u32, long_offset as u32),
        step,
    })
}

/// geohashEncodeWGS84.
pub fn encode_wgs84(lon: f64, lat: f64, step: u8) -> Option<HashBits> {
    encode(WGS84_LONG, WGS84_LAT, lon, lat, step)
}

/// geohashAlign52Bits: the cell's lowest 52-bit score.
pub fn align52(h: HashBits) -> u64 {
    h.bits << (52 - h.step as u32 * 2)
}

/// geohashDecode: the cell's bounds.
pub fn decode(long_range: Range, lat_range: Range, h: HashBits) -> Option<Area> {
    if h.is_zero() {
        return None;
    }
    let sep = deinterleave64(h.bits);
    let lat_scale = lat_range.max - lat_range.min;
    let long_scale = long_range.max - long_range.min;
    let ilato = sep as u32;
    let ilono = (sep >> 32) as u32;
    let div = (1u64 << h.step) as f64;
    Some(Area {
        latitude: Range {
            min: lat_range.min + (ilato as f64 / div) * lat_scale,
            max: lat_range.min + (ilato.wrapping_add(1) as f64 / div) * lat_scale,
        },
        longitude: Range {
            min: long_range.min + (ilono as f64 / div) * long_scale,
            max: long_range.min + (ilono.wrapping_add(1) as f64 / div) * long_scale,
        },
    })
}

/// geohashDecodeAreaToLongLat: the cell centre, clamped to the limits.
fn area_center(a: &Area) -> [f64; 2] {
    let lon = ((a.longitude.min + a.longitude.max) / 2.0).clamp(LONG_MIN, LONG_MAX);
    let lat = ((a.latitude.min + a.latitude.max) / 2.0).clamp(LAT_MIN, LAT_MAX);
    [lon, lat]
}

/// C's `(uint64_t)score` as gcc compiles it for x86-64: below 2^63 a
/// signed truncation (cvttsd2si, whose out-of-range result is
/// 0x8000000000000000), else the same on score - 2^63 with the top bit
/// flipped. Only scores that were not written by GEOADD reach the odd
/// cases.
pub fn score_to_bits(score: f64) -> u64 {
    const TWO63: f64 = 9223372036854775808.0;
    fn cvttsd2si(x: f64) -> i64 {
        if x.is_nan() || !(-TWO63..TWO63).contains(&x) {
            i64::MIN
        } else {
            x as i64
        }
    }
    if score < TWO63 {
        cvttsd2si(score) as u64
    } else {
        (cvttsd2si(score - TWO63) as u64) ^ (1u64 << 63)
    }
}

/// decodeGeohash: a zset score to the centre of its step-26 cell.
pub fn decode_score(score: f64) -> [f64; 2] {
    let h = HashBits {
        bits: score_to_bits(score),
        step: STEP_MAX,
    };
    // A step-26 hash is never "zero" (step != 0), so decoding succeeds.
    let area = decode(WGS84_LONG, WGS84_LAT, h).expect("step 26 cell");
    area_center(&area)
}

/// The score GEOADD stores for a valid coordinate pair.
pub fn score_of(lon: f64, lat: f64) -> Option<u64> {
    encode_wgs84(lon, lat, STEP_MAX).map(align52)
}

fn move_x(h: &mut HashBits, d: i8) {
    if d == 0 {
        return;
    }
    let mut x = h.bits & 0xaaaaaaaaaaaaaaaa;
    let y = h.bits & 0x5555555555555555;
    let zz = 0x5555555555555555u64 >> (64 - h.step as u32 * 2);
    if d > 0 {
        x = x.wrapping_add(zz + 1);
    } else {
        x |= zz;
        x = x.wrapping_sub(zz + 1);
    }
    x &= 0xaaaaaaaaaaaaaaaau64 >> (64 - h.step as u32 * 2);
    h.bits = x | y;
}

fn move_y(h: &mut HashBits, d: i8) {
    if d == 0 {
        return;
    }
    let x = h.bits & 0xaaaaaaaaaaaaaaaa;
    let mut y = h.bits & 0x5555555555555555;
    let zz = 0xaaaaaaaaaaaaaaaau64 >> (64 - h.step as u32 * 2);
    if d > 0 {
        y = y.wrapping_add(zz + 1);
    } else {
        y |= zz;
        y = y.wrapping_sub(zz + 1);
    }
    y &= 0x5555555555555555u64 >> (64 - h.step as u32 * 2);
    h.bits = x | y;
}

/// The eight neighbours, in Redis's search order after the centre:
/// north, south, east, west, north-east, north-west, south-east,
/// south-west.
pub fn neighbors(h: HashBits) -> [HashBits; 8] {
    let at = |dx: i8, dy: i8| {
        let mut n = h;
        move_x(&mut n, dx);
        move_y(&mut n, dy);
        n
    };
    [
        at(0, 1),
        at(0, -1),
        at(1, 0),
        at(-1, 0),
        at(1, 1),
        at(-1, 1),
        at(1, -1),
        at(-1, -1),
    ]
}

/// A search area: a circle of `radius` or a `width` x `height` box (in
/// the request's unit; `conversion` turns it into meters) around `xy`.
#[derive(Clone, Copy, Debug)]
pub enum ShapeKind {
    Circle { radius: f64 },
    Box { width: f64, height: f64 },
}

#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub xy: [f64; 2],
    pub conversion: f64,
    pub kind: ShapeKind,
}

/// geohashEstimateStepsByRadius.
pub fn estimate_steps_by_radius(mut range_meters: f64, lat: f64) -> u8 {
    if range_meters == 0.0 {
        return 26;
    }
    let mut step: i32 = 1;
    while range_meters < MERCATOR_MAX {
        range_meters *= 2.0;
        step += 1;
    }
    step -= 2;
    if !(-66.0..=66.0).contains(&lat) {
        step -= 1;
        if !(-80.0..=80.0).contains(&lat) {
            step -= 1;
        }
    }
    step.clamp(1, 26) as u8
}

/// geohashBoundingBox: [min lon, min lat, max lon, max lat].
pub fn bounding_box(s: &Shape) -> [f64; 4] {
    let [longitude, latitude] = s.xy;
    let (height, width) = match s.kind {
        ShapeKind::Circle { radius } => (s.conversion * radius, s.conversion * radius),
        ShapeKind::Box { width, height } => {
            (s.conversion * (height / 2.0), s.conversion * (width / 2.0))
        }
    };
    let lat_delta = rad_deg(height / EARTH_RADIUS_IN_METERS);
    let long_delta_top =
        rad_deg(width / EARTH_RADIUS_IN_METERS / deg_rad(latitude + lat_delta).cos());
    let long_delta_bottom =
        rad_deg(width / EARTH_RADIUS_IN_METERS / deg_rad(latitude - lat_delta).cos());
    let southern = latitude < 0.0;
    let long_delta = if southern {
        long_delta_bottom
    } else {
        long_delta_top
    };
    [
        longitude - long_delta,
        latitude - lat_delta,
        longitude + long_delta,
        latitude + lat_delta,
    ]
}

/// The cells a search examines: the centre cell first, then the eight
/// neighbours in [`neighbors`] order, excluded ones zeroed.
pub struct SearchCells {
    pub cells: [HashBits; 9],
}

/// geohashCalculateAreasByShapeWGS84.
pub fn areas_by_shape(s: &Shape) -> SearchCells {
    let [min_lon, min_lat, max_lon, max_lat] = bounding_box(s);
    let [longitude, latitude] = s.xy;
    let mut radius_meters = match s.kind {
        ShapeKind::Circle { radius } => radius,
        ShapeKind::Box { width, height } => {
            ((width / 2.0) * (width / 2.0) + (height / 2.0) * (height / 2.0)).sqrt()
        }
    };
    radius_meters *= s.conversion;
    let mut steps = estimate_steps_by_radius(radius_meters, latitude);
    // The centre was validated or decoded from a score, so it encodes.
    let cell = |steps: u8| {
        let h = encode(WGS84_LONG, WGS84_LAT, longitude, latitude, steps).unwrap_or_default();
        let area = decode(WGS84_LONG, WGS84_LAT, h).unwrap_or_default();
        (h, neighbors(h), area)
    };
    let (mut hash, mut nb, mut area) = cell(steps);
    let dec = |h: HashBits| decode(WGS84_LONG, WGS84_LAT, h).unwrap_or_default();
    let (north, south, east, west) = (dec(nb[0]), dec(nb[1]), dec(nb[2]), dec(nb[3]));
    // The estimate may leave the box poking out of the nine cells.
    let decrease_step = north.latitude.max < max_lat
        || south.latitude.min > min_lat
        || east.longitude.max < max_lon
        || west.longitude.min > min_lon;
    if steps > 1 && decrease_step {
        steps -= 1;
        (hash, nb, area) = cell(steps);
    }
    const N: usize = 0;
    const S: usize = 1;
    const E: usize = 2;
    const W: usize = 3;
    const NE: usize = 4;
    const NW: usize = 5;
    const SE: usize = 6;
    const SW: usize = 7;
    if steps >= 2 {
        let zero = HashBits::default();
        if area.latitude.min < min_lat {
            nb[S] = zero;
            nb[SW] = zero;
            nb[SE] = zero;
        }
        if area.latitude.max > max_lat {
            nb[N] = zero;
            nb[NE] = zero;
            nb[NW] = zero;
        }
        if area.longitude.min < min_lon {
            nb[W] = zero;
            nb[SW] = zero;
            nb[NW] = zero;
        }
        if area.longitude.max > max_lon {
            nb[E] = zero;
            nb[SE] = zero;
            nb[NE] = zero;
        }
    }
    let mut cells = [hash; 9];
    cells[1..].copy_from_slice(&nb);
    SearchCells { cells }
}

/// The score range [min, max) of every step-26 point inside cell `h`
/// (scoresOfGeoHashBox).
pub fn score_range(h: HashBits) -> (u64, u64) {
    let min = align52(h);
    let max = align52(HashBits {
        bits: h.bits.wrapping_add(1),
        step: h.step,
    });
    (min, max)
}

/// geohashGetLatDistance: the distance along a meridian, in meters (the
/// haversine reduces to this when the longitudes are equal).
pub fn lat_distance(lat1d: f64, lat2d: f64) -> f64 {
    EARTH_RADIUS_IN_METERS * (deg_rad(lat2d) - deg_rad(lat1d)).abs()
}

/// geohashGetDistance: haversine on Redis's sphere, in meters. Redis 7.0.15
/// takes the meridian shortcut when the longitude term is exactly zero,
/// which rounds differently from the full formula.
pub fn distance(lon1d: f64, lat1d: f64, lon2d: f64, lat2d: f64) -> f64 {
    let lon1r = deg_rad(lon1d);
    let lon2r = deg_rad(lon2d);
    let v = ((lon2r - lon1r) / 2.0).sin();
    if v == 0.0 {
        return lat_distance(lat1d, lat2d);
    }
    let lat1r = deg_rad(lat1d);
    let lat2r = deg_rad(lat2d);
    let u = ((lat2r - lat1r) / 2.0).sin();
    let a = u * u + lat1r.cos() * lat2r.cos() * v * v;
    2.0 * EARTH_RADIUS_IN_METERS * a.sqrt().asin()
}

/// The distance from the shape's centre to (lon, lat) when the point is
/// inside the shape (geoAppendIfWithinShape's test).
pub fn distance_if_within(s: &Shape, lon: f64, lat: f64) -> Option<f64> {
    let [x1, y1] = s.xy;
    match s.kind {
        ShapeKind::Circle { radius } => {
            let r = radius * s.conversion;
            // A cheap rejection before the haversine (not in Redis; the
            // result is the same): the central angle is never smaller than
            // the latitude difference, so a meridian distance beyond the
            // radius (with a margin far above the formulas' rounding) is
            // out. Only where the haversine cannot be NaN (which Redis
            // keeps): with the longitudes less than 90 degrees apart the
            // points are at most ~173 degrees apart, never antipodal.
            if (lon - x1).abs() < 90.0 && lat_distance(lat, y1) > r * (1.0 + 1e-6) + 1e-3 {
                return None;
            }
            let d = distance(x1, y1, lon, lat);
            // Written as Redis's `if (d > radius) reject`, so a NaN
            // distance is kept as it is there.
            if d > r { None } else { Some(d) }
        }
        ShapeKind::Box { width, height } => {
            let (width_m, height_m) = (width * s.conversion, height * s.conversion);
            // Latitude first, as Redis checks it (cheaper).
            if lat_distance(lat, y1) > height_m / 2.0 {
                return None;
            }
            if distance(lon, lat, x1, lat) > width_m / 2.0 {
                return None;
            }
            Some(distance(x1, y1, lon, lat))
        }
    }
}

/// GEOHASH's 11-character standard geohash of a score: the cell centre
/// re-encoded on the [-90, 90] latitude range; the 11th character stands
/// for bits Redis does not have and is always '0'.
pub fn standard_geohash(score: f64) -> [u8; 11] {
    const ALPHABET: &[u8; 32] = b"0123456789bcdefghjkmnpqrstuvwxyz";
    let [lon, lat] = decode_score(score);
    let bits = encode(WGS84_LONG, STANDARD_LAT, lon, lat, 26)
        .map(|h| h.bits)
        .unwrap_or(0);
    let mut out = [b'0'; 11];
    for (i, c) in out.iter_mut().enumerate().take(10) {
        *c = ALPHABET[((bits >> (52 - (i + 1) * 5)) & 0x1f) as usize];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interleave_round_trips() {
        for (x, y) in [
            (0u32, 0u32),
            (1, 0),
            (0, 1),
            (0x3ffffff, 0x1234567),
            (u32::MAX, 7),
        ] {
            let d = deinterleave64(interleave64(x, y));
            assert_eq!((d as u32, (d >> 32) as u32), (x, y));
        }
    }

    /// Values redis-server 7.0.15 replies for `GEOADD k 13.361389
    /// 38.115556 Palermo` (ZSCORE 3479099956230698), its GEOPOS and
    /// GEOHASH, and GEODIST Palermo-Catania.
    #[test]
    fn palermo_matches_redis() {
        assert_eq!(score_of(13.361389, 38.115556), Some(3479099956230698));
        let [lon, lat] = decode_score(3479099956230698.0);
        assert_eq!(format!("{lon:.17}"), "13.36138933897018433");
        assert_eq!(format!("{lat:.17}"), "38.11555639549629859");
        assert_eq!(&standard_geohash(3479099956230698.0), b"sqc8b49rny0");
        let c = decode_score(score_of(15.087269, 37.502669).unwrap() as f64);
        assert_eq!(
            format!("{:.4}", distance(lon, lat, c[0], c[1])),
            "166274.1516"
        );
    }

    #[test]
    fn the_upper_limits_spill_into_bit_52() {
        let s = score_of(180.0, LAT_MAX).unwrap();
        assert!(s >= 1 << 52);
        assert_eq!(score_of(180.000001, 0.0), None);
        assert_eq!(score_of(0.0, 85.05112879), None);
    }

    #[test]
    fn neighbors_step_one_cell() {
        let h = encode_wgs84(10.0, 10.0, 10).unwrap();
        let a = decode(WGS84_LONG, WGS84_LAT, h).unwrap();
        let n = decode(WGS84_LONG, WGS84_LAT, neighbors(h)[0]).unwrap();
        assert_eq!(n.latitude.min, a.latitude.max);
        let e = decode(WGS84_LONG, WGS84_LAT, neighbors(h)[2]).unwrap();
        assert_eq!(e.longitude.min, a.longitude.max);
    }

    #[test]
    fn c_double_to_u64_conversion() {
        assert_eq!(score_to_bits(5.9), 5);
        assert_eq!(score_to_bits(-1.0), u64::MAX);
        assert_eq!(score_to_bits(f64::NEG_INFINITY), 1 << 63);
        assert_eq!(score_to_bits(1e19), 10000000000000000000);
    }
}
