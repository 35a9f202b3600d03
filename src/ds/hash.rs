//! Keyed 64-bit hash for byte strings: the hash behind every `Dict` lookup
//! (so behind every GET/SET), plus an ASCII case-insensitive twin for the
//! command table.
//!
//! Design
//! - Multiply-fold mixing in the wyhash/foldhash family, written from
//!   scratch: the core step multiplies two 64-bit words into 128 bits and
//!   XORs the halves together. Inputs of 0..=16 bytes (almost every Redis
//!   key) are read as at most two overlapping words and finished with two
//!   such multiplies, so no loop runs on the hot path. Longer inputs go
//!   through two independent 32-byte lanes so the multiplies pipeline.
//! - Keying: four 64-bit secrets derived once per process from 16 bytes of
//!   `/dev/urandom` (falling back to time, pid, an ASLR'd address and std's
//!   `RandomState` if that fails). Every data word is XORed with a secret
//!   before it is multiplied; with public constants an attacker could zero
//!   one operand and make the rest of the key irrelevant (wyhash's known
//!   weakness), which would hand them unlimited collisions (hash flooding).
//!   The length is mixed in a separate final multiply rather than XORed
//!   into data, so keys of different lengths cannot collide independently of
//!   the seed.
//! - Ownership/threads: the secrets live in a `OnceLock`, set on first use
//!   and read-only afterwards, so any thread may hash.
//! - `hash_bytes_nocase(b) == hash_bytes(&b.to_ascii_lowercase())`: the
//!   same function, with ASCII upper case folded word-at-a-time (SWAR) as
//!   words are loaded. Bytes >= 0x80 are left as they are.
//!
//! Not done: a way to fix the seed (tests only need within-process
//! determinism), and any stability across processes: values must never be
//! persisted.

use std::sync::OnceLock;

static SECRETS: OnceLock<[u64; 4]> = OnceLock::new();

/// Hash of `b` under this process's random key.
#[inline]
pub fn hash_bytes(b: &[u8]) -> u64 {
    hash_impl::<false>(b)
}

/// Like `hash_bytes`, but ASCII letters hash the same in either case.
#[inline]
pub fn hash_bytes_nocase(b: &[u8]) -> u64 {
    hash_impl::<true>(b)
}

#[inline(always)]
fn secrets() -> &'static [u64; 4] {
    SECRETS.get_or_init(make_secrets)
}

fn make_secrets() -> [u64; 4] {
    let (a, b) = os_seed().unwrap_or_else(fallback_seed);
    // splitmix64's finaliser is a bijection, so the 128 bits of entropy in
    // (a, b) survive into k0/k1; k2/k3 only need to differ from them.
    let k0 = splitmix(a);
    let k1 = splitmix(b ^ 0x9e37_79b9_7f4a_7c15);
    let k2 = splitmix(k0 ^ b.rotate_left(17));
    let k3 = splitmix(k1 ^ a.rotate_left(41));
    [k0, k1, k2, k3]
}

fn os_seed() -> Option<(u64, u64)> {
    use std::io::Read;
    let mut raw = [0u8; 16];
    let mut f = std::fs::File::open("/dev/urandom").ok()?;
    f.read_exact(&mut raw).ok()?;
    let (lo, hi) = raw.split_at(8);
    Some((
        u64::from_le_bytes(lo.try_into().ok()?),
        u64::from_le_bytes(hi.try_into().ok()?),
    ))
}

fn fallback_seed() -> (u64, u64) {
    use std::hash::{BuildHasher, Hasher};
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let pid = u64::from(std::process::id());
    let local = 0u8;
    // Stack and heap addresses are randomised by ASLR on most systems.
    let stack = std::ptr::addr_of!(local) as usize as u64;
    let heap = Box::new(0u8);
    let heap = std::ptr::addr_of!(*heap) as usize as u64;
    // std's RandomState draws its own keys from the OS through other
    // interfaces (getrandom(2) and friends), so it may still work here.
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(nanos ^ pid.rotate_left(32));
    let rs = h.finish();
    (
        splitmix(nanos ^ stack.rotate_left(13) ^ rs),
        splitmix(pid ^ heap.rotate_left(29) ^ rs.rotate_left(31)),
    )
}

#[inline]
fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// 64x64 -> 128 multiply, halves folded: every output bit depends on many
/// input bits of both operands, which is what makes two rounds enough.
#[inline(always)]
fn fold_mul(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// ASCII upper case -> lower case in all eight bytes at once. Per byte: the
/// two additions set bit 7 iff the low 7 bits are >= 'A' / > 'Z'; neither
/// can carry into the next byte because the high bit was masked off first.
#[inline(always)]
fn ascii_lower_word(w: u64) -> u64 {
    const LSB: u64 = 0x0101_0101_0101_0101;
    let low7 = w & (0x7f * LSB);
    let ge_a = low7.wrapping_add((0x80 - b'A' as u64) * LSB);
    let gt_z = low7.wrapping_add((0x7f - b'Z' as u64) * LSB);
    let upper = ge_a & !gt_z & !w & (0x80 * LSB);
    w | (upper >> 2)
}

#[inline(always)]
fn word<const NOCASE: bool>(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    let w = u64::from_le_bytes(a);
    if NOCASE { ascii_lower_word(w) } else { w }
}

#[inline(always)]
fn half_word<const NOCASE: bool>(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[at..at + 4]);
    let w = u64::from(u32::from_le_bytes(a));
    if NOCASE { ascii_lower_word(w) } else { w }
}

#[inline(always)]
fn byte<const NOCASE: bool>(x: u8) -> u64 {
    u64::from(if NOCASE { x.to_ascii_lowercase() } else { x })
}

#[inline(always)]
fn hash_impl<const NOCASE: bool>(b: &[u8]) -> u64 {
    let k = secrets();
    let len = b.len();
    let (lo, hi, acc);
    if len <= 16 {
        // The two reads overlap for lengths that are not 8 or 16; together
        // they still cover every byte, so distinct same-length inputs give
        // distinct (lo, hi) pairs.
        if len >= 8 {
            lo = word::<NOCASE>(b, 0);
            hi = word::<NOCASE>(b, len - 8);
        } else if len >= 4 {
            lo = half_word::<NOCASE>(b, 0);
            hi = half_word::<NOCASE>(b, len - 4);
        } else if len > 0 {
            lo = (byte::<NOCASE>(b[0]) << 16)
                | (byte::<NOCASE>(b[len / 2]) << 8)
                | byte::<NOCASE>(b[len - 1]);
            hi = 0;
        } else {
            lo = 0;
            hi = 0;
        }
        acc = k[1];
    } else {
        let mut s0 = k[1];
        let mut s1 = k[0];
        let mut i = 0;
        while len - i > 32 {
            s0 = fold_mul(word::<NOCASE>(b, i) ^ k[2], word::<NOCASE>(b, i + 8) ^ s0);
            s1 = fold_mul(
                word::<NOCASE>(b, i + 16) ^ k[3],
                word::<NOCASE>(b, i + 24) ^ s1,
            );
            i += 32;
        }
        let mut s = s0 ^ s1;
        // 1..=32 bytes remain; the last 16 are read below, the 16 before
        // them (if any are left) here.
        if len - i > 16 {
            s = fold_mul(word::<NOCASE>(b, i) ^ k[2], word::<NOCASE>(b, i + 8) ^ s);
        }
        lo = word::<NOCASE>(b, len - 16);
        hi = word::<NOCASE>(b, len - 8);
        acc = s;
    }
    let x = fold_mul(lo ^ k[0], hi ^ acc);
    fold_mul(x ^ k[2], (len as u64) ^ k[3])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_within_process() {
        for len in 0..200usize {
            let v: Vec<u8> = (0..len).map(|i| (i * 31 + 7) as u8).collect();
            assert_eq!(hash_bytes(&v), hash_bytes(&v.clone()));
            assert_eq!(hash_bytes_nocase(&v), hash_bytes_nocase(&v.clone()));
        }
        let t = std::thread::spawn(|| hash_bytes(b"key:12345"));
        assert_eq!(t.join().unwrap(), hash_bytes(b"key:12345"));
    }

    #[test]
    fn distinguishes_lengths_and_bytes() {
        let mut seen = std::collections::HashSet::new();
        // Every prefix of a run of zero bytes, and every single-byte change,
        // must hash differently (a weak length mix would collide here).
        let zeros = [0u8; 100];
        for len in 0..=100 {
            assert!(seen.insert(hash_bytes(&zeros[..len])), "len {len}");
        }
        for len in 1..=40 {
            for pos in 0..len {
                for bit in 0..8 {
                    let mut v = vec![0u8; len];
                    v[pos] ^= 1 << bit;
                    assert!(seen.insert(hash_bytes(&v)), "len {len} pos {pos} bit {bit}");
                }
            }
        }
    }

    #[test]
    fn bucket_distribution() {
        let n = 100_000usize;
        let mut low = vec![0u32; 1024];
        let mut high = vec![0u32; 1024];
        for i in 0..n {
            let h = hash_bytes(format!("key:{i}").as_bytes());
            low[(h & 1023) as usize] += 1;
            high[(h >> 54) as usize] += 1;
        }
        let mean = n as f64 / 1024.0;
        for b in [&low, &high] {
            let max = *b.iter().max().unwrap() as f64;
            let min = *b.iter().min().unwrap() as f64;
            assert!(max < 3.0 * mean, "max bucket {max} vs mean {mean}");
            assert!(min > mean / 3.0, "min bucket {min} vs mean {mean}");
        }
        // Sequential 8-byte integers: the case where a weak mix shows up.
        let mut buckets = vec![0u32; 1024];
        for i in 0..n as u64 {
            buckets[(hash_bytes(&i.to_le_bytes()) & 1023) as usize] += 1;
        }
        assert!((*buckets.iter().max().unwrap() as f64) < 3.0 * mean);
    }

    #[test]
    fn avalanche() {
        // Flipping one input bit should flip about half of the output bits.
        let mut total = 0u64;
        let mut trials = 0u64;
        for len in [3usize, 5, 8, 11, 16, 17, 31, 40, 64, 100] {
            for seed in 0..20u64 {
                let v: Vec<u8> = (0..len as u64)
                    .map(|i| splitmix(seed * 1000 + i) as u8)
                    .collect();
                let h = hash_bytes(&v);
                for bit in 0..len * 8 {
                    let mut w = v.clone();
                    w[bit / 8] ^= 1 << (bit % 8);
                    total += u64::from((h ^ hash_bytes(&w)).count_ones());
                    trials += 1;
                }
            }
        }
        let avg = total as f64 / trials as f64;
        assert!((30.0..34.0).contains(&avg), "average flipped bits {avg}");
    }

    #[test]
    fn nocase() {
        assert_eq!(hash_bytes_nocase(b"GeT"), hash_bytes_nocase(b"get"));
        assert_eq!(
            hash_bytes_nocase(b"CLIENT|SETNAME"),
            hash_bytes_nocase(b"client|setname")
        );
        assert_eq!(hash_bytes_nocase(b"get"), hash_bytes(b"get"));
        assert_ne!(hash_bytes_nocase(b"get"), hash_bytes_nocase(b"set"));
        // Every byte value at every length, against the scalar definition.
        let mut x = 0x1234_5678_9abc_def1u64;
        for len in 0..80usize {
            for _ in 0..50 {
                let v: Vec<u8> = (0..len)
                    .map(|_| {
                        x = splitmix(x);
                        x as u8
                    })
                    .collect();
                assert_eq!(hash_bytes_nocase(&v), hash_bytes(&v.to_ascii_lowercase()));
                assert_eq!(
                    hash_bytes_nocase(&v),
                    hash_bytes_nocase(&v.to_ascii_uppercase())
                );
            }
        }
        for c in 0..=255u8 {
            let w = u64::from_le_bytes([c; 8]);
            assert_eq!(
                ascii_lower_word(w),
                u64::from_le_bytes([c.to_ascii_lowercase(); 8])
            );
        }
    }
}
