//! Lexical helpers for the config system, each reproducing the behaviour of
//! the Redis routine it stands in for:
//!
//! * [`split_args`]  - `sdssplitargs()`: config lines (and `redis-cli`
//!   style quoting);
//! * [`repr`]        - `sdscatrepr()`: the quoting used when command-line
//!   options are turned into config lines and when CONFIG REWRITE writes
//!   string values;
//! * [`string2ll`]   - strict integer parsing used by numeric directives;
//! * [`strtoll`]     - the lenient libc parse some special directives
//!   (`save`, `client-output-buffer-limit`, octal values) rely on;
//! * [`memtoull`]    - memory sizes with `k/kb/m/mb/g/gb` units;
//! * [`format_memory`] - the inverse used by CONFIG REWRITE;
//! * [`cli_to_config_text`] - Redis's `main()` conversion of `--name value`
//!   arguments into config lines.

/// Splits one config line into arguments with Redis `sdssplitargs` rules.
///
/// Arguments are separated by whitespace. `"..."` supports the escapes
/// `\n \r \t \b \a \\ \" \xHH` (any other `\c` yields `c`); `'...'` only
/// supports `\'`. A closing quote must be followed by whitespace or the end
/// of the line. Quotes may start in the middle of a token (`a"b c"` is the
/// single argument `ab c`), as in Redis. Returns `None` for unbalanced
/// quotes or a closing quote glued to more text. An embedded NUL byte ends
/// the line, since the C implementation works on NUL-terminated strings.
pub(crate) fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    let line = match line.iter().position(|&b| b == 0) {
        Some(n) => &line[..n],
        None => line,
    };
    let at = |i: usize| line.get(i).copied().unwrap_or(0);
    // C isspace(): space, \t, \n, \v, \f, \r.
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let mut out = Vec::new();
    let mut i = 0usize;
    loop {
        while i < line.len() && is_space(line[i]) {
            i += 1;
        }
        if i >= line.len() {
            return Some(out);
        }
        let mut cur = Vec::new();
        let (mut inq, mut insq) = (false, false);
        loop {
            let c = at(i);
            if inq {
                if c == b'\\'
                    && at(i + 1) == b'x'
                    && at(i + 2).is_ascii_hexdigit()
                    && at(i + 3).is_ascii_hexdigit()
                {
                    cur.push(hex_val(at(i + 2)) * 16 + hex_val(at(i + 3)));
                    i += 3;
                } else if c == b'\\' && at(i + 1) != 0 {
                    i += 1;
                    cur.push(match at(i) {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        other => other,
                    });
                } else if c == b'"' {
                    if at(i + 1) != 0 && !is_space(at(i + 1)) {
                        return None;
                    }
                    i += 1;
                    break;
                } else if c == 0 {
                    return None;
                } else {
                    cur.push(c);
                }
            } else if insq {
                if c == b'\\' && at(i + 1) == b'\'' {
                    i += 1;
                    cur.push(b'\'');
                } else if c == b'\'' {
                    if at(i + 1) != 0 && !is_space(at(i + 1)) {
                        return None;
                    }
                    i += 1;
                    break;
                } else if c == 0 {
                    return None;
                } else {
                    cur.push(c);
                }
            } else {
                match c {
                    b' ' | b'\n' | b'\r' | b'\t' | 0 => break,
                    b'"' => inq = true,
                    b'\'' => insq = true,
                    _ => cur.push(c),
                }
            }
            i += 1;
        }
        out.push(cur);
    }
}

fn hex_val(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => b - b'A' + 10,
    }
}

/// Strips spaces, tabs, CR and LF at both ends, as Redis trims each config
/// line (`sdstrim(line, " \t\r\n")`) before looking at it.
pub(crate) fn trim_line(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s
        && matches!(first, b' ' | b'\t' | b'\r' | b'\n')
    {
        s = rest;
    }
    while let [rest @ .., last] = s
        && matches!(last, b' ' | b'\t' | b'\r' | b'\n')
    {
        s = rest;
    }
    s
}

/// Quotes `s` like `sdscatrepr`: always wrapped in double quotes, `\\`,
/// `\"`, `\n`, `\r`, `\t`, `\a`, `\b` escaped, other non-printable bytes as
/// `\xHH`. The result always re-parses with [`split_args`] to `s`.
pub(crate) fn repr(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for &b in s {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

/// Strict integer parse (Redis `string2ll`): optional `-`, no `+`, no
/// spaces, no leading zeros (`0` itself is fine, `-0` is not), no overflow.
pub(crate) fn string2ll(s: &[u8]) -> Option<i64> {
    if s.is_empty() {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (neg, digits) = match s[0] {
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !(b'1'..=b'9').contains(&digits[0]) {
        return None;
    }
    let mut v: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    if neg {
        if v > i64::MAX as u64 + 1 {
            None
        } else {
            Some((v as i128).wrapping_neg() as i64)
        }
    } else {
        i64::try_from(v).ok()
    }
}

/// Result of a libc-style `strtoll` parse.
pub(crate) struct StrtollResult {
    pub value: i64,
    /// True when parsing consumed the whole input (`*endptr == '\0'`).
    /// Note that libc leaves `endptr` at the start when there are no
    /// digits, so the empty string counts as fully consumed (value 0).
    pub consumed_all: bool,
    /// True on ERANGE.
    pub overflow: bool,
}

/// libc `strtoll(s, &end, base)` for base 8 or 10: leading whitespace, an
/// optional sign, then digits. Some Redis directives (`save`, output buffer
/// soft seconds, octal configs) use it rather than the strict parser, and
/// its leniency (`+5`, ` 5`, `007`, empty string) is observable.
pub(crate) fn strtoll(s: &[u8], base: u32) -> StrtollResult {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let start = i;
    let mut v: i128 = 0;
    let mut overflow = false;
    while i < s.len() {
        let d = match s[i] {
            b @ b'0'..=b'9' if u32::from(b - b'0') < base => i128::from(b - b'0'),
            _ => break,
        };
        if !overflow {
            v = v * i128::from(base) + d;
            if v > i128::from(i64::MAX) + 1 {
                overflow = true;
            }
        }
        i += 1;
    }
    if i == start {
        // No digits: endptr = original string.
        return StrtollResult {
            value: 0,
            consumed_all: s.is_empty(),
            overflow: false,
        };
    }
    let v = if neg { -v } else { v };
    let value = if v > i128::from(i64::MAX) {
        overflow = true;
        i64::MAX
    } else if v < i128::from(i64::MIN) {
        overflow = true;
        i64::MIN
    } else {
        v as i64
    };
    StrtollResult {
        value,
        consumed_all: i == s.len(),
        overflow,
    }
}

/// Memory value (Redis `memtoull`): decimal digits followed by an optional
/// case-insensitive unit: `b` (or none) = 1, `k` = 1000, `kb` = 1024,
/// `m` = 1000^2, `mb` = 1024^2, `g` = 1000^3, `gb` = 1024^3. A leading `-`
/// is rejected. As in Redis, a missing number counts as 0 (so `""` and
/// `"kb"` parse as 0).
///
/// Overflow is not an error, exactly as in Redis 7.0: the digits go through
/// `strtoull`, which saturates at 2^64-1 (ERANGE is not checked), and the
/// unit multiplication wraps modulo 2^64. So `99999999999999999999` is
/// 18446744073709551615 and `99999999999999999999kb` is 2^64-1024; the
/// directive's range check then decides (maxmemory takes any u64, the
/// others stop at 2^63-1).
pub(crate) fn memtoull(s: &[u8]) -> Option<u64> {
    if s.first() == Some(&b'-') {
        return None;
    }
    let ndig = s.iter().take_while(|b| b.is_ascii_digit()).count();
    let (digits, unit) = s.split_at(ndig);
    let unit = unit.to_ascii_lowercase();
    let mul: u64 = match unit.as_slice() {
        b"" | b"b" => 1,
        b"k" => 1000,
        b"kb" => 1024,
        b"m" => 1000 * 1000,
        b"mb" => 1024 * 1024,
        b"g" => 1000 * 1000 * 1000,
        b"gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    // Redis copies the digits into a 128-byte buffer first and refuses
    // longer numbers.
    if digits.len() >= 128 {
        return None;
    }
    let v = digits.iter().fold(0u64, |v, &d| {
        v.checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .unwrap_or(u64::MAX)
    });
    Some(v.wrapping_mul(mul))
}

/// Formats a byte count the way CONFIG REWRITE does: the largest of
/// `gb`/`mb`/`kb` that divides it exactly, else plain bytes.
pub(crate) fn format_memory(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    const GB: u64 = 1024 * 1024 * 1024;
    if bytes != 0 && bytes.is_multiple_of(GB) {
        format!("{}gb", bytes / GB)
    } else if bytes != 0 && bytes.is_multiple_of(MB) {
        format!("{}mb", bytes / MB)
    } else if bytes != 0 && bytes.is_multiple_of(KB) {
        format!("{}kb", bytes / KB)
    } else {
        bytes.to_string()
    }
}

/// Converts Redis-style command-line options into config text, as Redis's
/// `main()` does before appending them to the config file contents:
///
/// * `--name` starts a new line `name `; following arguments that do not
///   start with `--` are appended quoted with [`repr`];
/// * right after a bare `--name`, the next argument is taken as its value
///   even if it starts with `--` (so `--requirepass --weird` works);
/// * `--save` immediately followed by another `--option`, or last on the
///   command line, becomes `save ""` (Redis 7.0.1+ compatibility for
///   generated command lines);
/// * a single argument holding both name and value (`"--port 6380"`) is
///   copied verbatim.
pub(crate) fn cli_to_config_text(args: &[String]) -> String {
    let mut options = String::new();
    let mut handled_last_config_arg = true;
    for (j, arg) in args.iter().enumerate() {
        let is_last = j + 1 == args.len();
        if handled_last_config_arg && arg.starts_with("--") {
            if !options.is_empty() {
                options.push('\n');
            }
            options.push_str(&arg[2..]);
            options.push(' ');
            let nwords = split_args(arg.as_bytes()).map_or(0, |v| v.len());
            if nwords == 1 {
                handled_last_config_arg = false;
                let next_is_option = !is_last && args[j + 1].starts_with("--");
                if arg.eq_ignore_ascii_case("--save") && (next_is_option || is_last) {
                    options.push_str("\"\"");
                    handled_last_config_arg = true;
                }
            } else {
                handled_last_config_arg = true;
            }
        } else {
            options.push_str(&repr(arg.as_bytes()));
            options.push(' ');
            handled_last_config_arg = true;
        }
    }
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sa(s: &str) -> Option<Vec<String>> {
        split_args(s.as_bytes()).map(|v| {
            v.into_iter()
                .map(|a| String::from_utf8(a).unwrap())
                .collect()
        })
    }

    #[test]
    fn split_args_rules() {
        assert_eq!(sa("  port   6379  ").unwrap(), ["port", "6379"]);
        assert_eq!(sa("").unwrap(), Vec::<String>::new());
        assert_eq!(sa("   \t ").unwrap(), Vec::<String>::new());
        assert_eq!(sa(r#"a "b c" d"#).unwrap(), ["a", "b c", "d"]);
        assert_eq!(sa(r#""\n\r\t\\\"\x41\q""#).unwrap(), ["\n\r\t\\\"Aq"]);
        assert_eq!(split_args(br#""\b\a""#).unwrap(), vec![vec![8u8, 7u8]]);
        assert_eq!(sa(r#"'it\'s' '\n'"#).unwrap(), ["it's", "\\n"]);
        assert_eq!(sa(r#"x"y z""#).unwrap(), ["xy z"]);
        assert_eq!(sa(r#"save """#).unwrap(), ["save", ""]);
        assert!(sa(r#""abc"#).is_none());
        assert!(sa(r#"'abc"#).is_none());
        assert!(sa(r#""abc"x"#).is_none());
        assert!(sa(r#"'abc'x"#).is_none());
        // An incomplete \x escape is just `x` followed by the rest.
        assert_eq!(sa(r#""\x4""#).unwrap(), ["x4"]);
    }

    #[test]
    fn repr_round_trips() {
        let samples: [&[u8]; 4] = [
            b"plain",
            b"with space",
            b"q\"uote\\",
            &[0, 1, 0x7f, 0xff, b'\n'],
        ];
        for s in samples {
            let r = repr(s);
            let back = split_args(r.as_bytes()).unwrap();
            // NUL bytes are escaped, so they survive too.
            assert_eq!(back, vec![s.to_vec()], "{r}");
        }
        assert_eq!(repr(b"a b"), "\"a b\"");
    }

    #[test]
    fn integers() {
        assert_eq!(string2ll(b"0"), Some(0));
        assert_eq!(string2ll(b"-5"), Some(-5));
        assert_eq!(string2ll(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(string2ll(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(string2ll(b"9223372036854775808"), None);
        for bad in ["", "-", "-0", "007", "+5", " 5", "5 ", "1e3", "abc"] {
            assert_eq!(string2ll(bad.as_bytes()), None, "{bad}");
        }
        let r = strtoll(b" +42", 10);
        assert!(r.consumed_all && r.value == 42);
        let r = strtoll(b"", 10);
        assert!(r.consumed_all && r.value == 0);
        let r = strtoll(b"12x", 10);
        assert!(!r.consumed_all && r.value == 12);
        let r = strtoll(b"777", 8);
        assert!(r.consumed_all && r.value == 0o777);
        assert!(!strtoll(b"8", 8).consumed_all);
        assert!(strtoll(b"99999999999999999999", 10).overflow);
    }

    #[test]
    fn memory_units() {
        assert_eq!(memtoull(b"1"), Some(1));
        assert_eq!(memtoull(b"1b"), Some(1));
        assert_eq!(memtoull(b"1k"), Some(1000));
        assert_eq!(memtoull(b"1kb"), Some(1024));
        assert_eq!(memtoull(b"1KB"), Some(1024));
        assert_eq!(memtoull(b"2m"), Some(2_000_000));
        assert_eq!(memtoull(b"2Mb"), Some(2 * 1024 * 1024));
        assert_eq!(memtoull(b"1g"), Some(1_000_000_000));
        assert_eq!(memtoull(b"1gB"), Some(1 << 30));
        assert_eq!(memtoull(b""), Some(0));
        assert_eq!(memtoull(b"-1"), None);
        assert_eq!(memtoull(b"1tb"), None);
        assert_eq!(memtoull(b"1 kb"), None);
        // Redis 7.0: strtoull saturates, the unit multiplication wraps.
        assert_eq!(memtoull(b"99999999999999999999"), Some(u64::MAX));
        assert_eq!(memtoull(b"99999999999999999999kb"), Some(u64::MAX - 1023));
        assert_eq!(
            memtoull(b"9999999999999999999gb"),
            Some(2_484_298_143_374_508_032)
        );
        assert_eq!(memtoull("9".repeat(128).as_bytes()), None);
        assert_eq!(format_memory(0), "0");
        assert_eq!(format_memory(1 << 30), "1gb");
        assert_eq!(format_memory(512 << 20), "512mb");
        assert_eq!(format_memory(3 << 10), "3kb");
        assert_eq!(format_memory(1000), "1000");
    }

    #[test]
    fn cli_conversion() {
        let a = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            cli_to_config_text(&a(&["--port", "7000", "--bind", "127.0.0.1", "::1"])),
            "port \"7000\" \nbind \"127.0.0.1\" \"::1\" "
        );
        assert_eq!(
            cli_to_config_text(&a(&["--save", "", "--port", "1"])),
            "save \"\" \nport \"1\" "
        );
        assert_eq!(
            cli_to_config_text(&a(&["--save", "--port", "1"])),
            "save \"\"\nport \"1\" "
        );
        assert_eq!(
            cli_to_config_text(&a(&["--port", "1", "--save"])),
            "port \"1\" \nsave \"\""
        );
        // A bare option takes the next argument even if it starts with --.
        assert_eq!(
            cli_to_config_text(&a(&["--requirepass", "--x"])),
            "requirepass \"--x\" "
        );
        assert_eq!(cli_to_config_text(&a(&["--port 6380"])), "port 6380 ");
    }
}
