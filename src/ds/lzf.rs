//! LZF compression (the format of Marc Lehmann's liblzf, which Redis uses
//! for quicklist nodes and RDB strings).
//!
//! Format: a stream of items, each starting with a control byte `c`.
//! - `c < 32`: a literal run of `c + 1` bytes follows.
//! - otherwise a back-reference: `len = c >> 5` (7 means "read one more
//!   byte and add it"), offset `((c & 31) << 8) + next byte + 1` back from
//!   the current output position, copying `len + 2` bytes (which may
//!   overlap the bytes being produced, giving run-length behaviour).
//!   So matches are 3..=264 bytes long within an 8 KiB window.
//!
//! Design: the compressor is greedy with a hash table of the last position
//! of each 3-byte prefix (like liblzf's fast mode; the output is valid LZF
//! but not byte-identical to liblzf's). The decompressor checks every read
//! and write against the buffers and returns `Err` on any corrupt or
//! truncated input; it never panics. Single-threaded, no shared state.

const MAX_LIT: usize = 32;
const MAX_OFF: usize = 1 << 13;
const MAX_REF: usize = (1 << 8) + (1 << 3);
const HASH_LOG: u32 = 14;
/// Smallest table: inputs this short still get a few hundred slots.
const MIN_HASH_LOG: u32 = 8;

#[derive(Debug, PartialEq, Eq)]
pub struct LzfError;

fn hash3(b: &[u8], log: u32) -> usize {
    let v = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
    (v.wrapping_mul(2_654_435_761) >> (32 - log)) as usize
}

fn flush_literals(out: &mut Vec<u8>, lit: &[u8]) {
    for chunk in lit.chunks(MAX_LIT) {
        out.push((chunk.len() - 1) as u8);
        out.extend_from_slice(chunk);
    }
}

/// Compresses `input`; `None` when the output would exceed `max_out`
/// bytes (like `lzf_compress` returning 0) or the input is empty.
pub fn compress(input: &[u8], max_out: usize) -> Option<Vec<u8>> {
    let n = input.len();
    if n == 0 {
        return None;
    }
    let mut out = Vec::with_capacity(max_out.min(n + n / MAX_LIT + 1));
    // Position + 1 of the last occurrence of each hashed 3-byte prefix.
    // Sized to the input (at most 2^14 slots): an input of n bytes has at
    // most n prefixes, and zeroing a fixed 64 KiB table per call dominated
    // the cost of compressing the many short strings an RDB save writes.
    let log = n
        .next_power_of_two()
        .trailing_zeros()
        .clamp(MIN_HASH_LOG, HASH_LOG);
    let mut htab = vec![0u32; 1 << log];
    let mut ip = 0;
    let mut lit_start = 0;
    while ip + 2 < n {
        let h = hash3(&input[ip..], log);
        let cand = htab[h] as usize;
        htab[h] = (ip + 1) as u32;
        if cand > 0 {
            let r = cand - 1;
            let off = ip - r - 1;
            if off < MAX_OFF && input[r..r + 3] == input[ip..ip + 3] {
                let max_len = MAX_REF.min(n - ip);
                let mut len = 3;
                while len < max_len && input[r + len] == input[ip + len] {
                    len += 1;
                }
                flush_literals(&mut out, &input[lit_start..ip]);
                let l = len - 2;
                if l < 7 {
                    out.push(((l as u8) << 5) | (off >> 8) as u8);
                } else {
                    out.push((7 << 5) | (off >> 8) as u8);
                    out.push((l - 7) as u8);
                }
                out.push(off as u8);
                // Index a couple of positions inside the match so the next
                // repeats are found (liblzf does the same in its fast mode).
                for k in (ip + 1..ip + len).take(2) {
                    if k + 2 < n {
                        htab[hash3(&input[k..], log)] = (k + 1) as u32;
                    }
                }
                ip += len;
                lit_start = ip;
                if out.len() > max_out {
                    return None;
                }
                continue;
            }
        }
        ip += 1;
    }
    flush_literals(&mut out, &input[lit_start..]);
    (out.len() <= max_out).then_some(out)
}

/// Decompresses `input`, which must expand to at most `max_out` bytes.
pub fn decompress(input: &[u8], max_out: usize) -> Result<Vec<u8>, LzfError> {
    let mut out: Vec<u8> = Vec::with_capacity(max_out);
    let mut ip = 0;
    while ip < input.len() {
        let c = input[ip] as usize;
        ip += 1;
        if c < 32 {
            let run = c + 1;
            let lit = input.get(ip..ip + run).ok_or(LzfError)?;
            if out.len() + run > max_out {
                return Err(LzfError);
            }
            out.extend_from_slice(lit);
            ip += run;
        } else {
            let mut len = c >> 5;
            if len == 7 {
                len += *input.get(ip).ok_or(LzfError)? as usize;
                ip += 1;
            }
            len += 2;
            let off = ((c & 31) << 8) + *input.get(ip).ok_or(LzfError)? as usize + 1;
            ip += 1;
            if off > out.len() || out.len() + len > max_out {
                return Err(LzfError);
            }
            let from = out.len() - off;
            if off >= len {
                out.extend_from_within(from..from + len);
            } else {
                for k in 0..len {
                    let b = out[from + k];
                    out.push(b);
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::util::test_rng::Rng;

    fn roundtrip(data: &[u8]) -> usize {
        let bound = data.len() + data.len() / 32 + 1;
        match compress(data, bound) {
            None => {
                assert!(data.is_empty());
                0
            }
            Some(z) => {
                assert_eq!(decompress(&z, data.len()).unwrap(), data);
                // One byte short of the real size must be refused.
                if !data.is_empty() {
                    assert_eq!(decompress(&z, data.len() - 1), Err(LzfError));
                }
                z.len()
            }
        }
    }

    #[test]
    fn known_stream_decodes() {
        // literal "abc", then a back-reference of 6 bytes at offset 3.
        let z = [2, b'a', b'b', b'c', (4 << 5), 2];
        assert_eq!(decompress(&z, 100).unwrap(), b"abcabcabc");
        assert_eq!(decompress(&[], 10).unwrap(), b"");
    }

    #[test]
    fn roundtrip_random_and_repetitive() {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        let mut sizes: Vec<usize> = vec![0, 1, 2, 3, 4, 31, 32, 33, 264, 265, 8191, 8192, 8193];
        sizes.extend((0..40).map(|_| rng.below(64 * 1024 + 1)));
        sizes.push(64 * 1024);
        for &sz in &sizes {
            let random: Vec<u8> = (0..sz).map(|_| rng.next_u64() as u8).collect();
            roundtrip(&random);
            let zeros = vec![0u8; sz];
            let zl = roundtrip(&zeros);
            assert!(sz < 64 || zl * 10 < sz, "{sz} zeros -> {zl}");
            let text: Vec<u8> = (0..sz)
                .map(|i| b"member:0000012345|"[(i * 7 / 5) % 18])
                .collect();
            roundtrip(&text);
            let mut mixed = Vec::with_capacity(sz);
            while mixed.len() < sz {
                mixed.extend_from_slice(format!("{:016}", rng.below(100_000)).as_bytes());
            }
            mixed.truncate(sz);
            let ml = roundtrip(&mixed);
            assert!(sz < 1024 || ml < sz * 3 / 4, "{sz} -> {ml}");
        }
    }

    #[test]
    fn max_out_is_respected() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 131 % 251) as u8).collect();
        assert!(compress(&data, 10).is_none());
        let z = compress(&[7u8; 1000], 1000).unwrap();
        assert!(z.len() < 30);
    }

    #[test]
    fn fuzz_corrupt_and_truncated() {
        let mut rng = Rng(42);
        for round in 0..3000 {
            // Random garbage of random length.
            let n = rng.below(300);
            let junk: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
            let cap = rng.below(2000);
            if let Ok(v) = decompress(&junk, cap) {
                assert!(v.len() <= cap);
            }
            // A valid stream, truncated or with a flipped byte.
            let mut data = Vec::new();
            for _ in 0..rng.below(50) + 1 {
                data.extend_from_slice(format!("v{}-", rng.below(20)).as_bytes());
            }
            let z = compress(&data, data.len() * 2 + 8).unwrap();
            let cut = rng.below(z.len());
            if let Ok(v) = decompress(&z[..cut], data.len()) {
                assert!(v.len() <= data.len());
            }
            let mut bad = z.clone();
            let i = rng.below(bad.len());
            bad[i] ^= 1 << (round % 8);
            if let Ok(v) = decompress(&bad, data.len()) {
                assert!(v.len() <= data.len());
            }
        }
    }
}
