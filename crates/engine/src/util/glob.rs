//! Glob matching with Redis 7.0 `stringmatchlen` semantics (KEYS, SCAN MATCH,
//! PSUBSCRIBE, CONFIG GET, ...).
//!
//! Quirks reproduced on purpose (all checked on redis-server 7.0.15):
//! * `*` never matches the empty string as a whole pattern: `glob_match(b"*",
//!   b"")` is false (PSUBSCRIBE `*` does not get PUBLISH to `""`). KEYS and SCAN
//!   special-case the exact pattern `*` as "everything" *before* matching, so
//!   they do return the empty key; callers must keep that shortcut.
//! * Bracket ranges compare bytes as signed C `char`s: `[\x00-\xff]` does not
//!   match `\x80`. Reversed ranges (`[z-a]`) work.
//! * `[a-]` is the range `a`..`]`, and the bracket then runs on to the end of
//!   the pattern; an unterminated bracket is the set read so far; `[^]` matches
//!   any byte; only `^` negates (not `!`).
//! * `\` escapes the next byte inside and outside brackets; a trailing `\` is
//!   literal.
//! * At most 1000 nested stars; deeper patterns fail to match (Redis's guard),
//!   and a failed star tells enclosing stars to stop trying longer matches, so
//!   `*a*a*a...*b` is polynomial.

/// Redis's limit on star nesting.
const MAX_NESTING: u32 = 1000;

/// Returns true when `string` matches the glob `pattern`.
pub fn glob_match(pattern: &[u8], string: &[u8], nocase: bool) -> bool {
    let mut skip_longer = false;
    match_impl(pattern, string, nocase, &mut skip_longer, 0)
}

fn fold(c: u8, nocase: bool) -> u8 {
    if nocase {
        c.to_ascii_lowercase()
    } else {
        c
    }
}

/// Signed view of a byte, as C `char` is signed on Redis's platforms.
fn signed(c: u8) -> i8 {
    i8::from_ne_bytes([c])
}

fn match_impl(
    mut p: &[u8],
    mut s: &[u8],
    nocase: bool,
    skip_longer: &mut bool,
    nesting: u32,
) -> bool {
    if nesting > MAX_NESTING {
        return false;
    }
    while let (Some(&pc), Some(&sc)) = (p.first(), s.first()) {
        match pc {
            b'*' => {
                while p.len() > 1 && p[1] == b'*' {
                    p = &p[1..];
                }
                if p.len() == 1 {
                    return true;
                }
                // Try every non-empty suffix of the string for the rest.
                while !s.is_empty() {
                    if match_impl(&p[1..], s, nocase, skip_longer, nesting + 1) {
                        return true;
                    }
                    if *skip_longer {
                        return false;
                    }
                    s = &s[1..];
                }
                // The rest failed against every suffix: outer stars need not
                // try giving us a shorter string either.
                *skip_longer = true;
                return false;
            }
            b'?' => {}
            b'[' => {
                let (matched, rest) = match_bracket(&p[1..], sc, nocase);
                if !matched {
                    return false;
                }
                p = rest;
                s = &s[1..];
                if s.is_empty() {
                    p = skip_stars(p);
                    break;
                }
                continue;
            }
            b'\\' if p.len() >= 2 => {
                p = &p[1..];
                if fold(p[0], nocase) != fold(sc, nocase) {
                    return false;
                }
            }
            _ => {
                if fold(pc, nocase) != fold(sc, nocase) {
                    return false;
                }
            }
        }
        p = &p[1..];
        s = &s[1..];
        if s.is_empty() {
            p = skip_stars(p);
            break;
        }
    }
    p.is_empty() && s.is_empty()
}

fn skip_stars(mut p: &[u8]) -> &[u8] {
    while p.first() == Some(&b'*') {
        p = &p[1..];
    }
    p
}

/// Matches one byte against the bracket body `p` (just after `[`). Returns
/// whether it matched and the pattern after the closing `]` (or the empty
/// slice when the bracket is unterminated).
fn match_bracket(mut p: &[u8], c: u8, nocase: bool) -> (bool, &[u8]) {
    let negate = p.first() == Some(&b'^');
    if negate {
        p = &p[1..];
    }
    let c_f = fold(c, nocase);
    let mut matched = false;
    loop {
        match p {
            [] => break,
            [b'\\', esc, rest @ ..] => {
                matched |= fold(*esc, nocase) == c_f;
                p = rest;
            }
            [b']', rest @ ..] => {
                p = rest;
                return (matched != negate, p);
            }
            [lo, b'-', hi, rest @ ..] => {
                let (mut a, mut b) = (signed(fold(*lo, nocase)), signed(fold(*hi, nocase)));
                if a > b {
                    std::mem::swap(&mut a, &mut b);
                }
                let x = signed(c_f);
                matched |= a <= x && x <= b;
                p = rest;
            }
            [lit, rest @ ..] => {
                matched |= fold(*lit, nocase) == c_f;
                p = rest;
            }
        }
    }
    (matched != negate, p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// (pattern, string, matched) as observed with KEYS on redis-server 7.0.15
    /// (one key present). `*` vs "" was observed through PSUBSCRIBE/PUBLISH
    /// because KEYS short-circuits the pattern `*`.
    const CASES: &[(&[u8], &[u8], bool)] = &[
        (b"*", b"", false),
        (b"", b"", true),
        (b"*", b"a", true),
        (b"?", b"", false),
        (b"?", b"a", true),
        (b"a*", b"a", true),
        (b"*a", b"ba", true),
        (b"**", b"", false),
        (b"h?llo", b"hello", true),
        (b"h*llo", b"hllo", true),
        (b"h[ae]llo", b"hallo", true),
        (b"h[^e]llo", b"hello", false),
        (b"h[^e]llo", b"hallo", true),
        (b"h[a-b]llo", b"hbllo", true),
        (b"h[b-a]llo", b"hbllo", true),
        (b"[z-a]", b"m", true),
        (b"[a-]", b"-", false),
        (b"[a-]", b"a", true),
        (b"[a-]", b"b", false),
        (b"[a-]", b"]", true),
        (b"[a-]x", b"bx", false),
        (b"[-a]", b"-", true),
        (b"[]a]", b"]", false),
        (b"[]a]", b"a", false),
        (b"[]", b"]", false),
        (b"[]", b"", false),
        (b"[", b"[", false),
        (b"[", b"", false),
        (b"[abc", b"a", true),
        (b"[abc", b"c", true),
        (b"[abc", b"b", true),
        (b"[abc", b"[abc", false),
        (b"a[", b"a", false),
        (b"a[", b"a[", false),
        (b"\\*", b"*", true),
        (b"\\*", b"a", false),
        (b"\\", b"\\", true),
        (b"a\\", b"a\\", true),
        (b"a\\", b"a", false),
        (b"[\\]]", b"]", true),
        (b"[\\-]", b"-", true),
        (b"[\\", b"\\", true),
        (b"[a\\", b"\\", true),
        (b"[a\\", b"a", true),
        (b"[^]", b"a", true),
        (b"[^]", b"^", true),
        (b"[^", b"x", true),
        (b"[^", b"^", true),
        (b"[!a]", b"b", false),
        (b"[!a]", b"!", true),
        (b"*[", b"a", false),
        (b"a*b*c", b"aXbYc", true),
        (b"a*b*c", b"aXbY", false),
        (b"*?", b"", false),
        (b"*?", b"a", true),
        (b"?*?", b"a", false),
        (b"*\\", b"a\\", true),
        (b"[a-c-e]", b"d", false),
        (b"[a-c-e]", b"-", true),
        (b"[a-c-e]", b"e", true),
        (b"[\\a-c]", b"b", false),
        (b"[a-\\c]", b"b", false),
        (b"[a-\\]", b"]", true),
        (b"\\[a]", b"[a]", true),
        (b"[[]", b"[", true),
        (b"[*]", b"*", true),
        (b"[*]", b"a", false),
        (b"[?]", b"?", true),
        (b"x[a-z", b"xq", true),
        (b"x[a-z", b"xz", true),
        (b"x[a-z", b"x-", false),
        (b"x[a-", b"x-", true),
        (b"x[a-", b"xa", true),
        (b"x[a-", b"xb", false),
        (b"*a*", b"\xff\xfea\x00", true),
        (b"[\x00-\xff]", b"\x80", false),
        (b"[\xff-\x00]", b"\x80", false),
        (b"a?c", b"a\x00c", true),
        (b"A", b"a", false),
        (b"[A-Z]", b"a", false),
    ];

    #[test]
    fn matches_redis_table() {
        for &(p, s, want) in CASES {
            assert_eq!(glob_match(p, s, false), want, "{:?} vs {:?}", p, s);
        }
    }

    #[test]
    fn nocase() {
        assert!(glob_match(b"A", b"a", true));
        assert!(glob_match(b"[A-Z]", b"q", true));
        assert!(glob_match(b"h*LLO", b"HeLlo", true));
        assert!(glob_match(b"[^X]", b"y", true));
        assert!(!glob_match(b"[^X]", b"x", true));
        assert!(glob_match(b"\\A", b"a", true));
    }

    #[test]
    fn nesting_limit_matches_redis() {
        // Observed: "a*"x1001 matches "a"x1001 but x1002 does not;
        // "*a"x1000 matches "a"x1000 but x1001 does not.
        let rep = |p: &[u8], n| p.repeat(n);
        assert!(glob_match(&rep(b"a*", 1001), &rep(b"a", 1001), false));
        assert!(!glob_match(&rep(b"a*", 1002), &rep(b"a", 1002), false));
        assert!(glob_match(&rep(b"*a", 1000), &rep(b"a", 1000), false));
        assert!(!glob_match(&rep(b"*a", 1001), &rep(b"a", 1001), false));
    }

    #[test]
    fn many_stars_are_fast() {
        let start = Instant::now();
        let s = vec![b'a'; 5000];
        assert!(!glob_match(b"*a*a*a*a*a*a*a*a*a*a*b", &s, false));
        assert!(!glob_match(&b"*a".repeat(30), &b"b".repeat(200), false));
        let mut p = b"*a".repeat(30);
        p.push(b'b');
        assert!(!glob_match(&p, &s[..200], false));
        assert!(start.elapsed().as_secs() < 5);
    }

    #[test]
    fn arbitrary_input_does_not_panic() {
        let alphabet = b"*?[]^-\\ab\x80";
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let pl = (x % 8) as usize;
            let sl = ((x >> 8) % 6) as usize;
            let pick = |i: usize| alphabet[((x >> (16 + 3 * i)) % alphabet.len() as u64) as usize];
            let p: Vec<u8> = (0..pl).map(pick).collect();
            let s: Vec<u8> = (0..sl).map(|i| pick(i + 8)).collect();
            glob_match(&p, &s, x & 1 == 1);
        }
    }
}
