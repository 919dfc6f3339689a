//! Reply comparison for `differential_random`: byte-exact, except the loose rules listed in
//! that file's module doc.

use crate::support::gen::Cmd;
use resp::Frame;

pub fn upper(cmd: &Cmd) -> String {
    String::from_utf8_lossy(&cmd[0]).to_ascii_uppercase()
}

fn parse(bytes: &[u8]) -> Option<Frame> {
    match resp::parse_frame(bytes) {
        Ok(Some((f, _))) => Some(f),
        _ => None,
    }
}

/// The command just before, with redis-server's reply to it: context for the loose rules.
pub type Prev = Option<(Cmd, Vec<u8>)>;

/// Whether the two replies agree for this command (see the module doc for the loose ones).
pub fn agree(prev: &Prev, cmd: &Cmd, r: &[u8], l: &[u8]) -> bool {
    if r.starts_with(b"<") || l.starts_with(b"<") {
        // A read error or timeout (see `pipeline`): never an agreement, even on both sides.
        return false;
    }
    if r == l {
        return true;
    }
    let tolerance = match upper(cmd).as_str() {
        "TTL" | "EXPIRETIME" => Some(2),
        "PTTL" | "PEXPIRETIME" => Some(2000),
        "KEYS" | "SINTER" | "SUNION" | "SDIFF" => return same_items(r, l, 1),
        "SMEMBERS" | "HKEYS" | "HVALS" => return !compact(prev, cmd) && same_items(r, l, 1),
        "HGETALL" => return !compact(prev, cmd) && same_items(r, l, 2),
        "SSCAN" => return !compact(prev, cmd) && scan_agree(cmd, r, l, 1),
        "HSCAN" | "ZSCAN" => return !compact(prev, cmd) && scan_agree(cmd, r, l, 2),
        "SPOP" | "SRANDMEMBER" | "HRANDFIELD" | "ZRANDMEMBER" => {
            return random_agree(prev, cmd, r, l)
        }
        "RANDOMKEY" => {
            return matches!(
                (parse(r), parse(l)),
                (Some(Frame::Bulk(_)), Some(Frame::Bulk(_)))
            );
        }
        _ => None,
    };
    match (tolerance, parse(r), parse(l)) {
        (Some(tol), Some(Frame::Integer(a)), Some(Frame::Integer(b))) => {
            a > 0 && b > 0 && (a - b).abs() <= tol
        }
        _ => false,
    }
}

/// Commands compared by one of the loose rules (shown as `!nocompare` in a shrunk snippet).
pub fn loose(cmd: &Cmd) -> bool {
    matches!(
        upper(cmd).as_str(),
        "TTL"
            | "PTTL"
            | "EXPIRETIME"
            | "PEXPIRETIME"
            | "KEYS"
            | "RANDOMKEY"
            | "SINTER"
            | "SUNION"
            | "SDIFF"
            | "SMEMBERS"
            | "HKEYS"
            | "HVALS"
            | "HGETALL"
            | "SSCAN"
            | "HSCAN"
            | "ZSCAN"
            | "ZRANDMEMBER"
            | "SPOP"
            | "SRANDMEMBER"
            | "HRANDFIELD"
    )
}

/// True when `prev` is `OBJECT ENCODING <cmd's key>` answered with a compact encoding.
fn compact(prev: &Prev, cmd: &Cmd) -> bool {
    let Some((pc, pr)) = prev else {
        return false;
    };
    upper(pc) == "OBJECT"
        && pc.len() == 3
        && pc[1].eq_ignore_ascii_case(b"ENCODING")
        && cmd.get(1) == Some(&pc[2])
        && matches!(parse(pr), Some(Frame::Bulk(e)) if &e[..] == b"listpack" || &e[..] == b"intset")
}

/// The items of an aggregate reply, each encoded back to bytes; `width` 2 makes each
/// field/value pair one item (a RESP2 flat array, a RESP3 map, or an array of 2-arrays).
/// Also returns the reply's RESP type. None when the reply is not such an aggregate.
fn items(f: &Frame, width: usize) -> Option<(std::mem::Discriminant<Frame>, Vec<Vec<u8>>)> {
    let kind = std::mem::discriminant(f);
    let pair = |a: &Frame, b: &Frame| [a.to_bytes(), b.to_bytes()].concat();
    let out = match (f, width) {
        (Frame::Array(xs) | Frame::Set(xs), 1) => xs.iter().map(|x| x.to_bytes()).collect(),
        (Frame::Map(ps), 2) => ps.iter().map(|(a, b)| pair(a, b)).collect(),
        (Frame::Array(xs), 2)
            if xs
                .iter()
                .all(|x| matches!(x, Frame::Array(p) if p.len() == 2)) =>
        {
            xs.iter()
                .map(|x| match x {
                    Frame::Array(p) => pair(&p[0], &p[1]),
                    _ => unreachable!(),
                })
                .collect()
        }
        (Frame::Array(xs), 2) if xs.len() % 2 == 0 => {
            xs.chunks(2).map(|p| pair(&p[0], &p[1])).collect()
        }
        _ => return None,
    };
    Some((kind, out))
}

fn sorted(mut v: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    v.sort();
    v
}

/// The same RESP type and the same items in any order.
fn same_items(r: &[u8], l: &[u8], width: usize) -> bool {
    let (Some(a), Some(b)) = (parse(r), parse(l)) else {
        return false;
    };
    match (items(&a, width), items(&b, width)) {
        (Some((ka, a)), Some((kb, b))) => ka == kb && sorted(a) == sorted(b),
        _ => false,
    }
}

/// SSCAN/HSCAN: `[cursor, [items]]` on both; the same items when the scan started at cursor 0
/// and both ended at 0 (a made-up cursor picks hash-dependent buckets).
fn scan_agree(cmd: &Cmd, r: &[u8], l: &[u8], width: usize) -> bool {
    let whole = cmd.get(2).is_some_and(|c| c == b"0");
    let split = |bytes: &[u8]| match parse(bytes)? {
        Frame::Array(mut v) if v.len() == 2 => {
            let elems = v.pop()?;
            let Frame::Bulk(cursor) = v.pop()? else {
                return None;
            };
            Some((cursor, items(&elems, width)?))
        }
        _ => None,
    };
    match (split(r), split(l)) {
        (Some((ca, (ka, a))), Some((cb, (kb, b)))) => {
            ka == kb && (!whole || &ca[..] != b"0" || &cb[..] != b"0" || sorted(a) == sorted(b))
        }
        _ => false,
    }
}

fn distinct(v: &[Vec<u8>]) -> bool {
    let s = sorted(v.to_vec());
    s.windows(2).all(|w| w[0] != w[1])
}

/// SPOP/SRANDMEMBER/HRANDFIELD by guarantee (see the module doc).
fn random_agree(prev: &Prev, cmd: &Cmd, r: &[u8], l: &[u8]) -> bool {
    let (Some(a), Some(b)) = (parse(r), parse(l)) else {
        return false;
    };
    let name = upper(cmd);
    let withvalues = cmd.len() == 4
        && (cmd[3].eq_ignore_ascii_case(b"WITHVALUES")
            || cmd[3].eq_ignore_ascii_case(b"WITHSCORES"));
    let width = if withvalues { 2 } else { 1 };
    // The members (or fields, or field/value or member/score pairs) from the SMEMBERS,
    // HGETALL or `ZRANGE k 0 -1 WITHSCORES` just before.
    let known: Option<Vec<Vec<u8>>> = prev.as_ref().and_then(|(pc, pr)| {
        let (want, argc) = match name.as_str() {
            "HRANDFIELD" => ("HGETALL", 2),
            "ZRANDMEMBER" => ("ZRANGE", 5),
            _ => ("SMEMBERS", 2),
        };
        if upper(pc) != want || pc.len() != argc || cmd.get(1) != Some(&pc[1]) {
            return None;
        }
        let f = parse(pr)?;
        if name == "SPOP" || name == "SRANDMEMBER" {
            return Some(items(&f, 1)?.1);
        }
        if withvalues {
            return Some(items(&f, 2)?.1);
        }
        let firsts: Vec<Frame> = match f {
            Frame::Map(ps) => ps.into_iter().map(|(k, _)| k).collect(),
            Frame::Array(xs) if xs.iter().all(|x| matches!(x, Frame::Array(_))) => xs
                .into_iter()
                .filter_map(|x| match x {
                    Frame::Array(mut p) if !p.is_empty() => Some(p.swap_remove(0)),
                    _ => None,
                })
                .collect(),
            Frame::Array(xs) => xs.into_iter().step_by(2).collect(),
            _ => return None,
        };
        Some(firsts.iter().map(|x| x.to_bytes()).collect())
    });
    let count: Option<i64> = cmd
        .get(2)
        .and_then(|c| std::str::from_utf8(c).ok()?.parse().ok());
    match (&a, &b) {
        (Frame::Bulk(x), Frame::Bulk(y)) => known.as_ref().is_none_or(|k| {
            let (x, y) = (Frame::Bulk(x.clone()), Frame::Bulk(y.clone()));
            k.contains(&x.to_bytes()) && k.contains(&y.to_bytes())
        }),
        _ => {
            let (Some((ka, ia)), Some((kb, ib))) = (items(&a, width), items(&b, width)) else {
                return false;
            };
            let Some(count) = count else {
                return false;
            };
            let positive = count > 0 || name == "SPOP";
            if ka != kb || ia.len() != ib.len() || (positive && !(distinct(&ia) && distinct(&ib))) {
                return false;
            }
            match &known {
                Some(k) => {
                    let all = positive && count as usize >= k.len();
                    ia.iter().chain(&ib).all(|x| k.contains(x))
                        && (!all
                            || (sorted(ia) == sorted(k.clone()) && sorted(ib) == sorted(k.clone())))
                }
                None => !positive || (ia.len() as i64) >= count || sorted(ia) == sorted(ib),
            }
        }
    }
}

/// Compares one reply per command in order; returns the index of the first disagreement.
/// `prev` carries the last command and reply across calls.
pub fn check(cmds: &[Cmd], rr: &[Vec<u8>], lr: &[Vec<u8>], prev: &mut Prev) -> Option<usize> {
    for (i, c) in cmds.iter().enumerate() {
        if !agree(prev, c, &rr[i], &lr[i]) {
            return Some(i);
        }
        *prev = Some((c.clone(), rr[i].clone()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each loose rule accepts what it should and catches a wrong reply (no servers needed).
    #[test]
    fn comparison_rules_can_fail() {
        fn cmd(s: &str) -> Cmd {
            s.split(' ').map(|a| a.as_bytes().to_vec()).collect()
        }
        fn prev(c: &str, reply: &str) -> Prev {
            Some((cmd(c), reply.as_bytes().to_vec()))
        }
        let ok =
            |p: &Prev, c: &str, r: &str, l: &str| agree(p, &cmd(c), r.as_bytes(), l.as_bytes());
        let none: Prev = None;
        let ab = "*2\r\n$1\r\na\r\n$1\r\nb\r\n";
        let ba = "*2\r\n$1\r\nb\r\n$1\r\na\r\n";
        let ac = "*2\r\n$1\r\na\r\n$1\r\nc\r\n";
        // Hash-ordered replies: any order, same items, same RESP type; exact after a compact
        // OBJECT ENCODING.
        assert!(ok(&none, "SMEMBERS s", ab, ba));
        assert!(!ok(&none, "SMEMBERS s", ab, ac));
        assert!(!ok(&none, "SMEMBERS s", ab, "~2\r\n$1\r\nb\r\n$1\r\na\r\n"));
        assert!(ok(
            &none,
            "SUNION s t",
            "~2\r\n$1\r\na\r\n$1\r\nb\r\n",
            "~2\r\n$1\r\nb\r\n$1\r\na\r\n"
        ));
        let lp = prev("OBJECT ENCODING s", "$8\r\nlistpack\r\n");
        let ht = prev("OBJECT ENCODING s", "$9\r\nhashtable\r\n");
        assert!(!ok(&lp, "HKEYS s", ab, ba));
        assert!(ok(&ht, "HKEYS s", ab, ba));
        assert!(!ok(
            &prev("OBJECT ENCODING s", "$6\r\nintset\r\n"),
            "SMEMBERS s",
            ab,
            ba
        ));
        // HGETALL: pairs stay pairs.
        let h1 = "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n";
        let h2 = "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n";
        let h3 = "*4\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n1\r\n";
        assert!(ok(&none, "HGETALL h", h1, h2));
        assert!(!ok(&none, "HGETALL h", h1, h3));
        let m1 = "%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n";
        let m2 = "%2\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n";
        let m3 = "%2\r\n$1\r\nb\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n";
        assert!(ok(&none, "HGETALL h", m1, m2));
        assert!(!ok(&none, "HGETALL h", m1, m3));
        // SCAN: whole scans compare items; other cursors only the shape.
        let s1 = format!("*2\r\n$1\r\n0\r\n{ab}");
        let s2 = format!("*2\r\n$1\r\n0\r\n{ba}");
        let s3 = format!("*2\r\n$1\r\n0\r\n{ac}");
        let s4 = format!("*2\r\n$1\r\n4\r\n{ac}");
        assert!(ok(&none, "SSCAN s 0", &s1, &s2));
        assert!(!ok(&none, "SSCAN s 0", &s1, &s3));
        assert!(ok(&none, "SSCAN s 0", &s1, &s4));
        assert!(ok(&none, "SSCAN s 7", &s1, &s3));
        assert!(!ok(&none, "SSCAN s 0", &s1, "*2\r\n$1\r\n0\r\n$1\r\na\r\n"));
        assert!(!ok(
            &none,
            "HSCAN s 0",
            &s1,
            "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n"
        ));
        // SRANDMEMBER/SPOP: membership, distinctness, length, whole set.
        let members = prev("SMEMBERS s", "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
        assert!(ok(&members, "SRANDMEMBER s", "$1\r\na\r\n", "$1\r\nb\r\n"));
        assert!(!ok(&members, "SRANDMEMBER s", "$1\r\na\r\n", "$1\r\nz\r\n"));
        assert!(ok(&members, "SRANDMEMBER s 2", ab, ac));
        assert!(!ok(
            &members,
            "SRANDMEMBER s 2",
            ab,
            "*2\r\n$1\r\na\r\n$1\r\na\r\n"
        ));
        assert!(ok(
            &members,
            "SRANDMEMBER s -2",
            ab,
            "*2\r\n$1\r\na\r\n$1\r\na\r\n"
        ));
        assert!(!ok(&members, "SRANDMEMBER s -2", ab, "*1\r\n$1\r\na\r\n"));
        assert!(!ok(
            &members,
            "SRANDMEMBER s 2",
            ab,
            "*2\r\n$1\r\na\r\n$1\r\nz\r\n"
        ));
        assert!(!ok(&members, "SPOP s 5", ab, ba)); // count >= size: the whole set
        assert!(!ok(&none, "SPOP s 5", ab, ac)); // shorter than count: the whole set
        assert!(ok(&none, "SPOP s 2", ab, ac));
        assert!(!ok(&none, "SPOP s 2", ab, "~2\r\n$1\r\na\r\n$1\r\nc\r\n"));
        // HRANDFIELD WITHVALUES / ZRANDMEMBER WITHSCORES: pairs from the hash / zset.
        let hash = prev("HGETALL h", h1);
        assert!(ok(
            &hash,
            "HRANDFIELD h 1 WITHVALUES",
            "*2\r\n$1\r\na\r\n$1\r\n1\r\n",
            "*2\r\n$1\r\nb\r\n$1\r\n2\r\n"
        ));
        assert!(!ok(
            &hash,
            "HRANDFIELD h 1 WITHVALUES",
            "*2\r\n$1\r\na\r\n$1\r\n1\r\n",
            "*2\r\n$1\r\nb\r\n$1\r\n1\r\n"
        ));
        assert!(!ok(&hash, "HRANDFIELD h", "$1\r\na\r\n", "$1\r\n1\r\n"));
        let z = prev(
            "ZRANGE z 0 -1 WITHSCORES",
            "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n",
        );
        assert!(ok(
            &z,
            "ZRANDMEMBER z 1 WITHSCORES",
            "*1\r\n*2\r\n$1\r\na\r\n,1\r\n",
            "*1\r\n*2\r\n$1\r\nb\r\n,2\r\n"
        ));
        assert!(!ok(
            &z,
            "ZRANDMEMBER z 1 WITHSCORES",
            "*1\r\n*2\r\n$1\r\na\r\n,1\r\n",
            "*1\r\n*2\r\n$1\r\nb\r\n,3\r\n"
        ));
        assert!(!ok(
            &z,
            "ZRANDMEMBER z -1",
            "*1\r\n$1\r\na\r\n",
            "*1\r\n$1\r\nc\r\n"
        ));
        // Everything else stays byte-exact; harness read errors never agree.
        assert!(!ok(&none, "LRANGE l 0 -1", ab, ba));
        assert!(!ok(&none, "ZRANGE z 0 -1", ab, ba));
        assert!(!ok(&none, "GET k", "<read error>", "<read error>"));
    }
}
