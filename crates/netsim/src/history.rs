//! What the clients did: each operation's command, its invocation and return times, and what
//! the server answered. The trace hash of a run is computed over this history.

use resp::Frame;

/// One operation on the keys of group `g` (`{g}s` string, `{g}a`/`{g}b` counters, `{g}l`
/// list, `{g}t` set; the hash tag keeps a group on one slot).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    Set(u32, Vec<u8>),
    Get(u32),
    Append(u32, Vec<u8>),
    Del(u32),
    Incr(u32),
    /// MULTI, DECRBY a n, INCRBY b n, EXEC.
    Transfer(u32, i64),
    /// MGET a b.
    ReadBoth(u32),
    LPush(u32, Vec<u8>),
    RPop(u32),
    LLen(u32),
    /// BLPOP with a timeout in milliseconds.
    BLPop(u32, u64),
    SAdd(u32, Vec<u8>),
    SRem(u32, Vec<u8>),
    SCard(u32),
    SIsMember(u32, Vec<u8>),
    /// Optimistic increment of `{g}a`: WATCH, GET (the value seen), then MULTI, SET seen+1,
    /// EXEC. Sent interactively (the SET depends on the GET), so never pipelined.
    Cas(u32, Option<i64>),
    /// PUBLISH on channel `ch{g}` of a payload `<client>:<seq>`.
    Publish(u32, Vec<u8>),
}

impl Op {
    pub fn group(&self) -> u32 {
        match self {
            Op::Set(g, _)
            | Op::Get(g)
            | Op::Append(g, _)
            | Op::Del(g)
            | Op::Incr(g)
            | Op::Transfer(g, _)
            | Op::ReadBoth(g)
            | Op::LPush(g, _)
            | Op::RPop(g)
            | Op::LLen(g)
            | Op::BLPop(g, _)
            | Op::SAdd(g, _)
            | Op::SRem(g, _)
            | Op::SCard(g)
            | Op::SIsMember(g, _)
            | Op::Publish(g, _)
            | Op::Cas(g, _) => *g,
        }
    }

    /// The independent part of the keyspace it touches: its group and key (the two counters
    /// count as one key, since transfers and MGET span them). Porcupine checks each part
    /// on its own, which keeps the search small.
    pub fn part(&self) -> (u32, u8) {
        let key = match self {
            Op::Set(..) | Op::Get(_) | Op::Append(..) | Op::Del(_) => b's',
            Op::Incr(_) | Op::Transfer(..) | Op::ReadBoth(_) | Op::Cas(..) => b'a',
            Op::LPush(..) | Op::RPop(_) | Op::LLen(_) | Op::BLPop(..) => b'l',
            Op::SAdd(..) | Op::SRem(..) | Op::SCard(_) | Op::SIsMember(..) => b't',
            Op::Publish(..) => b'p',
        };
        (self.group(), key)
    }

    /// The commands this operation sends; its result is the reply to the last one.
    pub fn commands(&self) -> Vec<Vec<Vec<u8>>> {
        let k = |g: &u32, suffix: &str| format!("{{{g}}}{suffix}").into_bytes();
        let c = |words: &[&[u8]]| words.iter().map(|w| w.to_vec()).collect::<Vec<_>>();
        match self {
            Op::Set(g, v) => vec![c(&[b"SET", &k(g, "s"), v])],
            Op::Get(g) => vec![c(&[b"GET", &k(g, "s")])],
            Op::Append(g, v) => vec![c(&[b"APPEND", &k(g, "s"), v])],
            Op::Del(g) => vec![c(&[b"DEL", &k(g, "s")])],
            Op::Incr(g) => vec![c(&[b"INCR", &k(g, "a")])],
            Op::Transfer(g, n) => {
                let n = n.to_string();
                vec![
                    c(&[b"MULTI"]),
                    c(&[b"DECRBY", &k(g, "a"), n.as_bytes()]),
                    c(&[b"INCRBY", &k(g, "b"), n.as_bytes()]),
                    c(&[b"EXEC"]),
                ]
            }
            Op::ReadBoth(g) => vec![c(&[b"MGET", &k(g, "a"), &k(g, "b")])],
            Op::LPush(g, v) => vec![c(&[b"LPUSH", &k(g, "l"), v])],
            Op::RPop(g) => vec![c(&[b"RPOP", &k(g, "l")])],
            Op::LLen(g) => vec![c(&[b"LLEN", &k(g, "l")])],
            Op::BLPop(g, ms) => {
                let secs = format!("{}.{:03}", ms / 1000, ms % 1000);
                vec![c(&[b"BLPOP", &k(g, "l"), secs.as_bytes()])]
            }
            Op::SAdd(g, m) => vec![c(&[b"SADD", &k(g, "t"), m])],
            Op::SRem(g, m) => vec![c(&[b"SREM", &k(g, "t"), m])],
            Op::SCard(g) => vec![c(&[b"SCARD", &k(g, "t")])],
            Op::SIsMember(g, m) => vec![c(&[b"SISMEMBER", &k(g, "t"), m])],
            Op::Cas(g, seen) => {
                let next = (seen.unwrap_or(0) + 1).to_string();
                vec![
                    c(&[b"MULTI"]),
                    c(&[b"SET", &k(g, "a"), next.as_bytes()]),
                    c(&[b"EXEC"]),
                ]
            }
            Op::Publish(g, payload) => {
                vec![c(&[b"PUBLISH", format!("ch{g}").as_bytes(), payload])]
            }
        }
    }
}

/// A reply, reduced to what the model compares.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Output {
    Ok,
    Nil,
    Int(i64),
    Bulk(Vec<u8>),
    Arr(Vec<Output>),
    Err(String),
    /// The client vanished or the connection broke before the reply: it may or may not have
    /// taken effect.
    Unknown,
}

impl Output {
    pub fn from_frame(f: &Frame) -> Output {
        match f {
            Frame::Simple(s) if s.as_ref() == b"OK" => Output::Ok,
            Frame::Simple(s) => Output::Err(format!("unexpected status {s:?}")),
            Frame::Error(e) => Output::Err(String::from_utf8_lossy(e).into_owned()),
            Frame::Integer(n) => Output::Int(*n),
            Frame::Bulk(b) => Output::Bulk(b.to_vec()),
            Frame::NullBulk | Frame::NullArray => Output::Nil,
            Frame::Array(items) => Output::Arr(items.iter().map(Output::from_frame).collect()),
            other => Output::Err(format!("unexpected frame {other:?}")),
        }
    }
}

/// One operation as a client saw it. Times are simulated nanoseconds; `ret` is `i64::MAX`
/// when the outcome is unknown.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Record {
    pub client: u32,
    pub call: i64,
    pub ret: i64,
    pub op: Op,
    pub out: Output,
}

/// FNV-1a over the history's debug rendering (deterministic for these plain types).
pub fn hash(records: &[Record]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for r in records {
        for b in format!("{r:?}").bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}
