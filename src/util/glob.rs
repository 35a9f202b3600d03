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
//! # Search order, pruning and the nesting limit
//! Redis matches recursively: at each group of stars it tries the rest of
//! the pattern at every later string position, one recursion level deeper.
//! Two rules of Redis 7.0.15's `stringmatchlen_impl` decide results and are
//! reproduced exactly, because they make some patterns *not* match that a
//! plain regular-language matcher would match:
//!
//! * `skipLongerMatches`: once a star has tried every position and the rest
//!   of the pattern matched at none, the whole match fails at once (the
//!   outer stars do not retry longer spans). Without the limit below this
//!   pruning is sound and only saves time;
//! * the nesting limit (CVE-2022-36021's fix): a recursion deeper than 1000
//!   star groups answers "no match", and since the star that recursed then
//!   exhausts its positions, the prune above fails the whole match. So any
//!   attempt that reaches the 1001st non-trailing star group fails, even
//!   where a shallower reading of the same pattern would have matched (a
//!   2000-byte key against `*?` repeated 1500 times does not match).
//!
//! # Algorithm
//! The recursion is unrolled. The tokens between two star groups (a
//! "segment") each consume exactly one byte, so a segment tried at one
//! position either fails inside itself (Redis returns 0 *without* setting
//! the prune flag, and the star moves on to the next position), ends the
//! subject or the pattern (the final answer for this position, checked the
//! same way), or reaches the next star group. In the last case Redis's
//! answer is final: the deeper star either matches, or it exhausts its
//! positions and sets the prune flag, which fails every enclosing star. So
//! the matcher commits to the deeper star and never comes back: one
//! forward pass over the star groups, each trying its positions with one
//! segment match per position. Time is O(len(pattern) * len(string)),
//! space O(1), and no recursion.

/// Redis's recursion limit in `stringmatchlen_impl` (`nesting > 1000`
/// answers "no match"); each group of stars is one level.
const MAX_NESTING: usize = 1000;

/// Returns true if `s` matches the glob `pattern` (Redis semantics, see the
/// module docs). `nocase` folds ASCII case like Redis's `tolower()` in the
/// C locale.
pub fn glob_match(pattern: &[u8], s: &[u8], nocase: bool) -> bool {
    match_nested(pattern, s, nocase, MAX_NESTING)
}

/// `glob_match` with the nesting limit as a parameter (unit tests use small
/// limits to cover the limit on small inputs).
fn match_nested(pattern: &[u8], s: &[u8], nocase: bool, max_nesting: usize) -> bool {
    let plen = pattern.len();
    // Level 0: the pattern's head, before any star.
    let (mut p, mut from) = match segment(pattern, 0, s, 0, nocase) {
        Segment::Done(matched) => return matched,
        Segment::Star(p, i) => (p, i),
    };
    let mut nesting = 0usize;
    loop {
        // `pattern[p]` is a star and `s[from..]` is not empty. Collapse the
        // group; a trailing group matches everything left.
        while p + 1 < plen && pattern[p + 1] == b'*' {
            p += 1;
        }
        if p + 1 == plen {
            return true;
        }
        nesting += 1;
        if nesting > max_nesting {
            // Every deeper call answers no; the star exhausts its positions
            // and the prune flag fails the whole match.
            return false;
        }
        let mut next = None;
        for i in from..s.len() {
            match segment(pattern, p + 1, s, i, nocase) {
                Segment::Done(true) => return true,
                Segment::Done(false) => {}
                Segment::Star(np, ni) => {
                    next = Some((np, ni));
                    break;
                }
            }
        }
        match next {
            Some((np, ni)) => (p, from) = (np, ni),
            // No position matched: Redis sets skipLongerMatches and every
            // enclosing star gives up too.
            None => return false,
        }
    }
}

/// How matching the star-free tokens from one position ended.
enum Segment {
    /// The answer for this position: the subject or the pattern ran out
    /// (or a token failed) before another star.
    Done(bool),
    /// A star was reached at pattern index `.0` with `s[.1..]` not empty.
    Star(usize, usize),
}

/// One pass of the body of Redis's `while (patternLen && stringLen)` loop
/// from pattern index `p` and string index `i`, up to the next star.
fn segment(pattern: &[u8], mut p: usize, s: &[u8], mut i: usize, nocase: bool) -> Segment {
    let plen = pattern.len();
    while p < plen && i < s.len() {
        if pattern[p] == b'*' {
            return Segment::Star(p, i);
        }
        let (ok, next) = match_one(pattern, p, s[i], nocase);
        if !ok {
            return Segment::Done(false);
        }
        p = next;
        i += 1;
        if i == s.len() {
            // Subject consumed: only stars may remain in the pattern.
            while p < plen && pattern[p] == b'*' {
                p += 1;
            }
            break;
        }
    }
    Segment::Done(p == plen && i == s.len())
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

    /// Independent recursive model of Redis 7.0.15's `stringmatchlen_impl`
    /// control flow (a NUL-terminated C string walk, the `skipLongerMatches`
    /// flag and the nesting limit), used as an oracle. `limit` is the
    /// nesting limit, so small inputs can exercise it too.
    fn oracle_limit(p: &[u8], s: &[u8], nocase: bool, limit: usize) -> bool {
        // Byte at `i`, or NUL past the end (C string semantics).
        fn at(p: &[u8], i: usize) -> u8 {
            p.get(i).copied().unwrap_or(0)
        }
        struct Ctx {
            nc: bool,
            skip: bool,
            limit: usize,
        }
        fn rec(
            p: &[u8],
            mut pi: usize,
            s: &[u8],
            mut si: usize,
            cx: &mut Ctx,
            depth: usize,
        ) -> bool {
            if depth > cx.limit {
                return false;
            }
            let nc = cx.nc;
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
                            if rec(p, pi + 1, s, si, cx, depth + 1) {
                                return true;
                            }
                            if cx.skip {
                                return false;
                            }
                            si += 1;
                        }
                        cx.skip = true;
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
        let mut cx = Ctx {
            nc: nocase,
            skip: false,
            limit,
        };
        rec(p, 0, s, 0, &mut cx, 0)
    }

    fn oracle(p: &[u8], s: &[u8], nocase: bool) -> bool {
        oracle_limit(p, s, nocase, MAX_NESTING)
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
        // Both reach the 1001st star group: no match, as in Redis.
        assert!(!glob_match(&pat, &long_key, false));
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
        // The worst case for the unrolled search: every position runs a
        // long segment that fails at its last token.
        let mut pat4 = vec![b'*'];
        pat4.extend_from_slice(&[b'a'; 1000]);
        pat4.push(b'b');
        assert!(!glob_match(&pat4, &vec![b'a'; 20_000], false));
        let el = t.elapsed();
        assert!(el < Duration::from_millis(500), "took {el:?}");
    }

    #[test]
    fn nesting_limit_like_redis() {
        // CVE-2022-36021's limit: 1000 star groups deep still matches, the
        // 1001st (unless it ends the pattern) fails the whole match.
        let key = vec![b'a'; 2000];
        assert!(!glob_match(&b"*?".repeat(1500), &key, false));
        assert!(glob_match(&b"*?".repeat(1000), &key, false));
        assert!(!glob_match(&b"*?".repeat(1001), &key, false));
        let mut trailing = b"*?".repeat(1000);
        trailing.push(b'*');
        assert!(glob_match(&trailing, &key, false));
        // Runs of stars are one level.
        assert!(glob_match(&b"**?".repeat(1000), &key, false));
        // Every star group is followed by a byte-consuming token, so no
        // subject can match before the search passes group 1001.
        assert!(!glob_match(
            &b"a*"
                .repeat(1500)
                .iter()
                .chain(b"a")
                .copied()
                .collect::<Vec<u8>>(),
            &key,
            false
        ));
        assert!(oracle(&b"*?".repeat(1000), &key, false));
        assert!(!oracle(&b"*?".repeat(1001), &key, false));
    }

    #[test]
    fn skip_longer_matches_like_redis() {
        // `*a*b` against a subject with no `b` after the last `a`: the
        // inner star exhausts its positions and the outer one gives up.
        assert!(!m("*a*b", "aaaa"));
        assert!(m("*a*b", "xaxxb"));
        // With a nesting limit of 1, a match needing the second star group
        // fails even though a regular-expression reading matches.
        assert!(!match_nested(b"*a*b", b"xab", false, 1));
        assert!(match_nested(b"*a*", b"xab", false, 1));
        assert!(match_nested(b"*a*b", b"xab", false, 2));
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
            let limit = (next() % 5) as usize;
            assert_eq!(
                glob_match(&p, &s, nocase),
                oracle(&p, &s, nocase),
                "pattern {:?} string {:?} nocase {}",
                String::from_utf8_lossy(&p),
                String::from_utf8_lossy(&s),
                nocase
            );
            assert_eq!(
                match_nested(&p, &s, nocase, limit),
                oracle_limit(&p, &s, nocase, limit),
                "pattern {:?} string {:?} nocase {} limit {}",
                String::from_utf8_lossy(&p),
                String::from_utf8_lossy(&s),
                nocase,
                limit
            );
        }
    }
}
