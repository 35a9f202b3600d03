//! Redis-compatible glob matching (`KEYS`, `SCAN MATCH`, `PSUBSCRIBE`,
//! `CONFIG GET`, ...).
//!
//! # Semantics
//! The accepted language is exactly the one of Redis's `stringmatchlen()`:
//!
//! * `*` matches any sequence of bytes (runs of `*` behave like one);
//! * `?` matches exactly one byte;
//! * `[...]` matches one byte from a class: members are literal bytes,
//!   ranges `a-z` (a reversed range `z-a` is accepted and means the same),
//!   and `\x` (the byte `x` itself, compared case-sensitively even when
//!   `nocase` is set, as Redis does). A leading `^` negates the class. `[]`
//!   is an empty class (never matches) and `[^]` matches any byte;
//! * an unterminated class (`[abc` with no `]`) is *not* a literal `[` in
//!   Redis: the class simply extends to the end of the pattern, so `a[bc`
//!   matches `ab` and `ac`. We reproduce that;
//! * `\x` outside a class matches `x` literally; a trailing lone `\`
//!   matches a backslash;
//! * every other byte matches itself (ASCII case-folded when `nocase`).
//!
//! One Redis quirk is kept on purpose: the empty subject string is only
//! matched by the empty pattern (`stringmatchlen` never enters its loop when
//! the string is empty), so `*` does **not** match `""`. Redis's own callers
//! special-case the lone `*` pattern (KEYS/SCAN "all keys"); ours should do
//! the same, which is also a worthwhile fast path.
//!
//! # Algorithm
//! Redis matches recursively: each `*` recurses on every suffix, which is
//! exponential for patterns such as `*?*?*?...` without Redis's pruning
//! flag, and the recursion depth grows with the number of stars
//! (CVE-2022-36021 was a DoS through `KEYS`/`SCAN` patterns). Every
//! token other than `*` consumes exactly one byte, so the classic
//! single-backtrack-point algorithm is exact here: on a mismatch we only
//! ever need to retry from the most recent `*`, letting it swallow one more
//! byte. Each retry advances that star's start by one byte, and between
//! retries the pattern cursor moves forward only, so the worst case is
//! O(len(pattern) * len(string)) time, O(1) space and no recursion.

/// Returns true if `s` matches the glob `pattern` (Redis semantics, see the
/// module docs). `nocase` folds ASCII case like Redis's `tolower()` in the
/// C locale.
pub fn glob_match(pattern: &[u8], s: &[u8], nocase: bool) -> bool {
    // Redis: `while (patternLen && stringLen)` is never entered for an
    // empty string, so only an empty pattern matches it.
    if s.is_empty() {
        return pattern.is_empty();
    }

    let plen = pattern.len();
    let mut p = 0usize; // pattern cursor
    let mut i = 0usize; // string cursor
    // Backtrack point: pattern index just after the last `*`, and the
    // string index the star's match currently ends at.
    let mut star: Option<(usize, usize)> = None;

    while i < s.len() {
        if p < plen && pattern[p] == b'*' {
            // Collapse a run of stars; a trailing star matches everything
            // left (Redis returns early in exactly this case).
            while p < plen && pattern[p] == b'*' {
                p += 1;
            }
            if p == plen {
                return true;
            }
            star = Some((p, i));
            continue;
        }
        if p < plen {
            let (ok, next) = match_one(pattern, p, s[i], nocase);
            if ok {
                p = next;
                i += 1;
                continue;
            }
        }
        // Mismatch (or pattern exhausted with string left): let the last
        // star absorb one more byte and retry the rest of the pattern.
        match star {
            Some((sp, si)) => {
                p = sp;
                i = si + 1;
                star = Some((sp, si + 1));
            }
            None => return false,
        }
    }
    // String consumed: only stars may remain in the pattern.
    while p < plen && pattern[p] == b'*' {
        p += 1;
    }
    p == plen
}

/// True if `pattern` contains no glob metacharacters, i.e. it matches
/// exactly one string (itself, case-sensitively). KEYS/SCAN can then use a
/// direct dictionary lookup instead of a full scan. Conservative: any `\`
/// makes the pattern non-plain even though `a\*b` also has a single match.
pub fn is_plain(pattern: &[u8]) -> bool {
    !pattern
        .iter()
        .any(|&b| matches!(b, b'*' | b'?' | b'[' | b'\\'))
}

#[inline]
fn fold(b: u8, nocase: bool) -> u8 {
    if nocase { b.to_ascii_lowercase() } else { b }
}

/// Matches the single non-`*` token starting at `pattern[p]` against byte
/// `c`. Returns whether it matched and the index of the next token.
fn match_one(pattern: &[u8], p: usize, c: u8, nocase: bool) -> (bool, usize) {
    let plen = pattern.len();
    match pattern[p] {
        b'?' => (true, p + 1),
        b'[' => match_class(pattern, p + 1, c, nocase),
        b'\\' if p + 1 < plen => (fold(pattern[p + 1], nocase) == fold(c, nocase), p + 2),
        lit => (fold(lit, nocase) == fold(c, nocase), p + 1),
    }
}

/// Class body starting at `pattern[start]` (just after `[`). Mirrors the
/// member scanning order of Redis so odd inputs (`[a-]`, `[\`, unterminated
/// classes) behave identically.
fn match_class(pattern: &[u8], start: usize, c: u8, nocase: bool) -> (bool, usize) {
    let plen = pattern.len();
    let mut j = start;
    let negate = j < plen && pattern[j] == b'^';
    if negate {
        j += 1;
    }
    let mut matched = false;
    loop {
        if j >= plen {
            // Unterminated: the class ran to the end of the pattern. Redis
            // steps back one byte here and then forward again, which leaves
            // the cursor at the end of the pattern.
            j = plen.saturating_sub(1);
            break;
        }
        let rem = plen - j;
        let b = pattern[j];
        if b == b'\\' && rem >= 2 {
            // Escaped member: exact byte comparison (Redis ignores nocase
            // for escaped class members).
            j += 1;
            if pattern[j] == c {
                matched = true;
            }
        } else if b == b']' {
            break;
        } else if rem >= 3 && pattern[j + 1] == b'-' {
            let (mut lo, mut hi) = (b, pattern[j + 2]);
            if lo > hi {
                std::mem::swap(&mut lo, &mut hi);
            }
            // Redis swaps first, then folds case: keep that order.
            let (lo, hi, cc) = (fold(lo, nocase), fold(hi, nocase), fold(c, nocase));
            if cc >= lo && cc <= hi {
                matched = true;
            }
            j += 2;
        } else if fold(b, nocase) == fold(c, nocase) {
            matched = true;
        }
        j += 1;
    }
    (matched != negate, j + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    /// Independent recursive model of Redis's matcher control flow (a
    /// NUL-terminated C string walk), used as an oracle on small inputs. It
    /// is exponential, which is exactly why production code does not use it.
    fn oracle(p: &[u8], s: &[u8], nocase: bool) -> bool {
        // Byte at `i`, or NUL past the end (C string semantics).
        fn at(p: &[u8], i: usize) -> u8 {
            p.get(i).copied().unwrap_or(0)
        }
        fn rec(p: &[u8], mut pi: usize, s: &[u8], mut si: usize, nc: bool) -> bool {
            let low = |b: u8| if nc { b.to_ascii_lowercase() } else { b };
            while pi < p.len() && si < s.len() {
                match p[pi] {
                    b'*' => {
                        while pi < p.len() && at(p, pi + 1) == b'*' {
                            pi += 1;
                        }
                        if p.len() - pi == 1 {
                            return true;
                        }
                        while si < s.len() {
                            if rec(p, pi + 1, s, si, nc) {
                                return true;
                            }
                            si += 1;
                        }
                        return false;
                    }
                    b'?' => si += 1,
                    b'[' => {
                        pi += 1;
                        let not = at(p, pi) == b'^';
                        if not {
                            pi += 1;
                        }
                        let mut hit = false;
                        loop {
                            let rem = p.len() - pi;
                            if at(p, pi) == b'\\' && rem >= 2 {
                                pi += 1;
                                if p[pi] == s[si] {
                                    hit = true;
                                }
                            } else if at(p, pi) == b']' {
                                break;
                            } else if rem == 0 {
                                pi -= 1;
                                break;
                            } else if rem >= 3 && p[pi + 1] == b'-' {
                                let (mut a, mut b) = (p[pi], p[pi + 2]);
                                if a > b {
                                    std::mem::swap(&mut a, &mut b);
                                }
                                let c = low(s[si]);
                                if c >= low(a) && c <= low(b) {
                                    hit = true;
                                }
                                pi += 2;
                            } else if low(p[pi]) == low(s[si]) {
                                hit = true;
                            }
                            pi += 1;
                        }
                        if hit == not {
                            return false;
                        }
                        si += 1;
                    }
                    b'\\' => {
                        if p.len() - pi >= 2 {
                            pi += 1;
                        }
                        if low(p[pi]) != low(s[si]) {
                            return false;
                        }
                        si += 1;
                    }
                    c => {
                        if low(c) != low(s[si]) {
                            return false;
                        }
                        si += 1;
                    }
                }
                pi += 1;
                if si == s.len() {
                    while at(p, pi) == b'*' {
                        pi += 1;
                    }
                    break;
                }
            }
            pi == p.len() && si == s.len()
        }
        rec(p, 0, s, 0, nocase)
    }

    fn m(p: &str, s: &str) -> bool {
        glob_match(p.as_bytes(), s.as_bytes(), false)
    }

    #[test]
    fn basics() {
        assert!(m("*", "foo"));
        assert!(m("f*", "foo"));
        assert!(m("*o", "foo"));
        assert!(m("f?o", "foo"));
        assert!(!m("f?o", "fo"));
        assert!(m("h*llo", "heeeello"));
        assert!(m("h*llo", "hllo"));
        assert!(!m("h*llo", "hllox"));
        assert!(m("a*b*c", "aXXbYYc"));
        assert!(!m("a*b*c", "aXXbYY"));
        assert!(m("", ""));
        assert!(!m("", "a"));
        assert!(m("abc", "abc"));
        assert!(!m("abc", "abd"));
    }

    #[test]
    fn empty_string_quirk() {
        // Redis's matcher never matches an empty subject unless the
        // pattern is empty too.
        assert!(!m("*", ""));
        assert!(!m("**", ""));
        assert!(!m("?", ""));
        // But a trailing star may match nothing once bytes were consumed.
        assert!(m("a*", "a"));
        assert!(m("a**", "a"));
        assert!(!m("a*?", "a"));
    }

    #[test]
    fn classes() {
        assert!(m("h[ae]llo", "hello"));
        assert!(m("h[ae]llo", "hallo"));
        assert!(!m("h[ae]llo", "hillo"));
        assert!(m("h[^e]llo", "hallo"));
        assert!(!m("h[^e]llo", "hello"));
        assert!(m("h[a-b]llo", "hbllo"));
        assert!(!m("h[a-b]llo", "hcllo"));
        // Reversed range.
        assert!(m("h[b-a]llo", "hallo"));
        assert!(m("[z-a]", "q"));
        // Escaped members, including `]`.
        assert!(m("[\\]]", "]"));
        assert!(!m("[\\]]", "\\"));
        assert!(m("[\\-]", "-"));
        assert!(m("x[\\]a]y", "xay"));
        // Empty and negated-empty classes.
        assert!(!m("[]", "a"));
        assert!(m("[^]", "a"));
        // `]` right after `[` closes an empty class (unlike POSIX), so the
        // pattern can never match.
        assert!(!m("[]a]", "a]"));
        assert!(!m("[]a]", "]"));
        // `a-]`: `]` is consumed as the range end, so the class runs to
        // the end of the pattern (Redis scanning order).
        assert!(m("[a-]", "^"));
        assert!(!m("[a-]", "b"));
    }

    #[test]
    fn unterminated_class_runs_to_end() {
        // Redis treats an unterminated class as extending to the end of
        // the pattern rather than as a literal `[`.
        assert!(m("a[bc", "ab"));
        assert!(m("a[bc", "ac"));
        assert!(!m("a[bc", "a[bc"));
        assert!(!m("[", "["));
        assert!(m("[^", "x"));
        assert!(m("[\\", "\\"));
        assert!(m("[a-", "-"));
        assert!(m("[a-", "a"));
    }

    #[test]
    fn escapes() {
        assert!(m("a\\*b", "a*b"));
        assert!(!m("a\\*b", "axb"));
        assert!(m("a\\?", "a?"));
        assert!(!m("a\\?", "ab"));
        assert!(m("\\[x]", "[x]"));
        // Trailing lone backslash is a literal backslash.
        assert!(m("a\\", "a\\"));
        assert!(!m("a\\", "a"));
    }

    #[test]
    fn nocase() {
        assert!(glob_match(b"HeLLo", b"hello", true));
        assert!(glob_match(b"h[A-Z]llo", b"hello", true));
        assert!(glob_match(b"h[E]llo", b"hello", true));
        assert!(!glob_match(b"h[E]llo", b"hello", false));
        // Escaped class members ignore nocase (Redis behaviour).
        assert!(!glob_match(b"h[\\E]llo", b"hello", true));
        assert!(glob_match(b"MAXMEMORY*", b"maxmemory-policy", true));
        // Escaped literal outside a class does fold.
        assert!(glob_match(b"\\A", b"a", true));
    }

    #[test]
    fn plain() {
        assert!(is_plain(b"foo:bar"));
        assert!(is_plain(b""));
        assert!(!is_plain(b"foo*"));
        assert!(!is_plain(b"f?o"));
        assert!(!is_plain(b"f[o]"));
        assert!(!is_plain(b"a\\*b"));
    }

    #[test]
    fn pathological_patterns_are_fast() {
        let pat: Vec<u8> = b"*?".repeat(50_000);
        let long_key = vec![b'a'; 200_000];
        let short_key = vec![b'a'; 30_000];
        let t = Instant::now();
        assert!(glob_match(&pat, &long_key, false));
        assert!(!glob_match(&pat, &short_key, false));
        // A pattern that forces backtracking on every byte.
        let mut pat2 = b"*a".repeat(1000);
        pat2.extend_from_slice(b"b");
        let key2 = vec![b'a'; 5_000];
        assert!(!glob_match(&pat2, &key2, false));
        // Long runs of stars.
        let mut pat3 = vec![b'*'; 100_000];
        pat3.push(b'x');
        assert!(!glob_match(&pat3, &long_key, true));
        let el = t.elapsed();
        assert!(el < Duration::from_millis(100), "took {el:?}");
    }

    #[test]
    fn fuzz_against_oracle() {
        // Tiny deterministic PRNG (xorshift) so the test needs no crates.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let pat_alpha = b"ab*?[]^-\\A";
        let str_alpha = b"abAB-]^\\";
        for _ in 0..60_000 {
            let pl = (next() % 8) as usize;
            let sl = (next() % 7) as usize;
            let p: Vec<u8> = (0..pl)
                .map(|_| pat_alpha[(next() % pat_alpha.len() as u64) as usize])
                .collect();
            let s: Vec<u8> = (0..sl)
                .map(|_| str_alpha[(next() % str_alpha.len() as u64) as usize])
                .collect();
            let nocase = next() % 2 == 0;
            assert_eq!(
                glob_match(&p, &s, nocase),
                oracle(&p, &s, nocase),
                "pattern {:?} string {:?} nocase {}",
                String::from_utf8_lossy(&p),
                String::from_utf8_lossy(&s),
                nocase
            );
        }
    }
}
