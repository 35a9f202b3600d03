//! Formats ferrodis reads but never writes: the ziplist (Redis < 7.0's
//! compact encoding of small lists, hashes and sorted sets, and the node
//! type of quicklist v1) and the zipmap (Redis < 2.6 small hashes).
//! Both are walked with every read bounds-checked and converted to owned
//! elements; a malformed blob is an `Err` with the reason.

use crate::ds::sds::{LL_STR_MAX, ll2string};

/// Field/value pairs decoded from a compact encoding.
pub type Pairs = Vec<(Vec<u8>, Vec<u8>)>;

const ZIP_END: u8 = 0xFF;
const ZIP_BIG_PREVLEN: u8 = 0xFE;
const ZL_HEADER: usize = 10;

fn le_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The elements of a ziplist, integers formatted as strings.
/// Checks the header (total bytes, tail offset, count unless saturated),
/// every entry's bounds and `prevlen` chain, and the terminator.
pub fn ziplist_entries(zl: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let bad = |why: &str| Err(format!("Ziplist integrity check failed: {why}"));
    if zl.len() < ZL_HEADER + 1 {
        return bad("too short");
    }
    let total = le_u32(zl, 0).unwrap_or(0) as usize;
    let tail = le_u32(zl, 4).unwrap_or(0) as usize;
    let count = u16::from_le_bytes([zl[8], zl[9]]) as usize;
    if total != zl.len() || zl[total - 1] != ZIP_END {
        return bad("header size or terminator");
    }
    let end = total - 1;
    let mut out = Vec::with_capacity(count.min(end / 2));
    let mut p = ZL_HEADER;
    let mut prev_len = 0usize;
    let mut last_start = ZL_HEADER;
    while p < end {
        let start = p;
        // prevlen: 1 byte, or 0xFE and 4 bytes.
        let plen = if zl[p] < ZIP_BIG_PREVLEN {
            p += 1;
            zl[start] as usize
        } else if zl[p] == ZIP_BIG_PREVLEN {
            let v = le_u32(zl, p + 1).ok_or("prevlen out of range")?;
            p += 5;
            v as usize
        } else {
            return bad("entry starts with the end marker");
        };
        if plen != prev_len {
            return bad("prevlen mismatch");
        }
        let enc = *zl.get(p).ok_or("truncated entry")?;
        let (hdr, val): (usize, Vec<u8>) = match enc >> 6 {
            0 => {
                let n = (enc & 0x3F) as usize;
                (1, take(zl, p + 1, n, end)?.to_vec())
            }
            1 => {
                let b2 = *zl.get(p + 1).ok_or("truncated entry")? as usize;
                let n = ((enc & 0x3F) as usize) << 8 | b2;
                (2, take(zl, p + 2, n, end)?.to_vec())
            }
            2 => {
                if enc != 0x80 {
                    return bad("unknown string encoding");
                }
                let n = u32::from_be_bytes(take(zl, p + 1, 4, end)?.try_into().unwrap()) as usize;
                (5, take(zl, p + 5, n, end)?.to_vec())
            }
            _ => {
                let (n, v): (usize, i64) = match enc {
                    0xC0 => (2, i16::from_le_bytes(arr(take(zl, p + 1, 2, end)?)) as i64),
                    0xD0 => (4, i32::from_le_bytes(arr(take(zl, p + 1, 4, end)?)) as i64),
                    0xE0 => (8, i64::from_le_bytes(arr(take(zl, p + 1, 8, end)?))),
                    0xF0 => {
                        let b = take(zl, p + 1, 3, end)?;
                        (3, (i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8) as i64)
                    }
                    0xFE => (1, take(zl, p + 1, 1, end)?[0] as i8 as i64),
                    0xF1..=0xFD => (0, (enc & 0x0F) as i64 - 1),
                    _ => return bad("unknown integer encoding"),
                };
                let mut buf = [0u8; LL_STR_MAX];
                (1 + n, ll2string(v, &mut buf).to_vec())
            }
        };
        let body = match enc >> 6 {
            0..=2 => hdr + val.len(),
            _ => hdr,
        };
        p += body;
        if p > end {
            return bad("entry past the end");
        }
        prev_len = p - start;
        last_start = start;
        out.push(val);
    }
    if !out.is_empty() && tail != last_start || out.is_empty() && tail != ZL_HEADER {
        return bad("tail offset");
    }
    if count != u16::MAX as usize && count != out.len() {
        return bad("entry count");
    }
    Ok(out)
}

fn arr<const N: usize>(b: &[u8]) -> [u8; N] {
    b.try_into().expect("take returned the asked length")
}

fn take(b: &[u8], at: usize, n: usize, end: usize) -> Result<&[u8], String> {
    match at.checked_add(n) {
        Some(e) if e <= end => Ok(&b[at..e]),
        _ => Err("Ziplist integrity check failed: entry past the end".into()),
    }
}

/// The field/value pairs of a zipmap (`<zmlen><len>key<len><free>value
/// ... 0xFF`), with the same kind of checks.
pub fn zipmap_pairs(zm: &[u8]) -> Result<Pairs, String> {
    let bad = |why: &str| Err(format!("Zipmap integrity check failed: {why}"));
    if zm.len() < 2 || *zm.last().unwrap() != ZIP_END {
        return bad("too short or no terminator");
    }
    let end = zm.len() - 1;
    let mut p = 1;
    let mut out = Vec::new();
    let read_len = |p: &mut usize| -> Result<Option<usize>, String> {
        let b = *zm
            .get(*p)
            .ok_or("Zipmap integrity check failed: truncated")?;
        match b {
            0..=253 => {
                *p += 1;
                Ok(Some(b as usize))
            }
            254 => {
                let v = le_u32(zm, *p + 1).ok_or("Zipmap integrity check failed: truncated")?;
                *p += 5;
                Ok(Some(v as usize))
            }
            _ => Ok(None),
        }
    };
    let get = |p: usize, n: usize| -> Result<&[u8], String> {
        match p.checked_add(n) {
            Some(e) if e <= end => Ok(&zm[p..e]),
            _ => Err("Zipmap integrity check failed: entry past the end".into()),
        }
    };
    while let Some(klen) = read_len(&mut p)? {
        let key = get(p, klen)?.to_vec();
        p += klen;
        let Some(vlen) = read_len(&mut p)? else {
            return bad("key without a value");
        };
        let free = *get(p, 1)?.first().unwrap() as usize;
        p += 1;
        let val = get(p, vlen)?.to_vec();
        p += vlen;
        get(p, free)?;
        p += free;
        out.push((key, val));
    }
    if p != end {
        return bad("data after the end marker");
    }
    Ok(out)
}

#[cfg(test)]
pub mod build {
    //! Builders for the legacy formats (tests: fixtures for the loader).

    fn prevlen(out: &mut Vec<u8>, n: usize) {
        if n < 254 {
            out.push(n as u8);
        } else {
            out.push(0xFE);
            out.extend_from_slice(&(n as u32).to_le_bytes());
        }
    }

    /// A ziplist of `items` (strings; canonical integers as int16/int64).
    pub fn ziplist(items: &[&[u8]]) -> Vec<u8> {
        let mut body = Vec::new();
        let mut prev = 0;
        let mut tail = 10;
        for it in items {
            let start = body.len();
            tail = 10 + start;
            prevlen(&mut body, prev);
            match crate::ds::sds::string2ll(it) {
                Some(v) if (0..=12).contains(&v) => body.push(0xF1 + v as u8),
                Some(v) if i16::try_from(v).is_ok() => {
                    body.push(0xC0);
                    body.extend_from_slice(&(v as i16).to_le_bytes());
                }
                Some(v) => {
                    body.push(0xE0);
                    body.extend_from_slice(&v.to_le_bytes());
                }
                None if it.len() < 64 => {
                    body.push(it.len() as u8);
                    body.extend_from_slice(it);
                }
                None => {
                    body.push(0x80);
                    body.extend_from_slice(&(it.len() as u32).to_be_bytes());
                    body.extend_from_slice(it);
                }
            }
            prev = body.len() - start;
        }
        let total = 10 + body.len() + 1;
        let mut zl = Vec::with_capacity(total);
        zl.extend_from_slice(&(total as u32).to_le_bytes());
        zl.extend_from_slice(&(tail as u32).to_le_bytes());
        zl.extend_from_slice(&(items.len() as u16).to_le_bytes());
        zl.extend_from_slice(&body);
        zl.push(0xFF);
        zl
    }
}
