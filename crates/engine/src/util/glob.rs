//! Temporary glob (replaced by the full stringmatchlen port).
pub fn glob_match(pattern: &[u8], s: &[u8], nocase: bool) -> bool {
    match (pattern.first(), s.first()) {
        (None, None) => true,
        (Some(b'*'), _) => {
            glob_match(&pattern[1..], s, nocase)
                || (!s.is_empty() && glob_match(pattern, &s[1..], nocase))
        }
        (Some(b'?'), Some(_)) => glob_match(&pattern[1..], &s[1..], nocase),
        (Some(p), Some(c)) => {
            (p == c || (nocase && p.eq_ignore_ascii_case(c)))
                && glob_match(&pattern[1..], &s[1..], nocase)
        }
        _ => false,
    }
}
