//! Unit tests of the format pieces; interop with redis-server is in
//! tests/rdb.rs.

use super::encode::{put_len, put_string};
use super::legacy;

#[test]
fn crc64_matches_redis_check_value() {
    assert_eq!(super::CRC64.checksum(b"123456789"), 0xe9c6d914c4b8d9ca);
}

#[test]
fn length_encodings_use_6_14_32_64_bits() {
    let enc = |n: u64| {
        let mut v = Vec::new();
        put_len(&mut v, n);
        v
    };
    assert_eq!(enc(63), [63]);
    assert_eq!(enc(64), [0x40, 64]);
    assert_eq!(enc(16383), [0x7F, 0xFF]);
    assert_eq!(enc(16384), [0x80, 0, 0, 0x40, 0]);
    assert_eq!(enc(1 << 32), [0x81, 0, 0, 0, 1, 0, 0, 0, 0]);
}

#[test]
fn strings_use_integer_and_lzf_encodings_only_when_they_apply() {
    let enc = |s: &[u8], z: bool| {
        let mut v = Vec::new();
        put_string(&mut v, s, z);
        v
    };
    assert_eq!(enc(b"-5", true), [0xC0, 0xFB]);
    assert_eq!(enc(b"1000", true), [0xC1, 0xE8, 0x03]);
    assert_eq!(enc(b"100000", true), [0xC2, 0xA0, 0x86, 0x01, 0x00]);
    // Not canonical, or beyond 32 bits: plain strings.
    assert_eq!(enc(b"007", true), [3, b'0', b'0', b'7']);
    assert_eq!(enc(b"4294967296", true)[0], 10);
    let long = vec![b'a'; 100];
    assert_eq!(enc(&long, true)[0], 0xC3);
    assert_eq!(enc(&long, false)[0], 0x40);
    // 20 bytes is not compressed even when it would shrink.
    assert_eq!(enc(&long[..20], true)[0], 20);
}

#[test]
fn ziplist_walker_reads_every_encoding_and_refuses_damage() {
    let big = vec![b'x'; 300];
    let items: Vec<&[u8]> = vec![b"a", b"7", b"-300", b"123456789012", &big, b"hello"];
    let zl = legacy::build::ziplist(&items);
    let got = legacy::ziplist_entries(&zl).unwrap();
    assert_eq!(got, items.iter().map(|s| s.to_vec()).collect::<Vec<_>>());
    for cut in [1, 5, zl.len() / 2] {
        assert!(legacy::ziplist_entries(&zl[..zl.len() - cut]).is_err());
    }
    let mut bad = zl.clone();
    bad[11] ^= 0x40;
    assert!(legacy::ziplist_entries(&bad).is_err());
}

#[test]
fn zipmap_walker_reads_pairs_and_free_bytes() {
    // zmlen, "f" -> "vv" with one free byte, then the end marker.
    let zm = [1, 1, b'f', 2, 1, b'v', b'v', 0, 0xFF];
    assert_eq!(
        legacy::zipmap_pairs(&zm).unwrap(),
        vec![(b"f".to_vec(), b"vv".to_vec())]
    );
    assert!(legacy::zipmap_pairs(&zm[..6]).is_err());
}
