//! A simulated client: random pipelined operations over simulated TCP, with faults drawn per
//! batch (vanishing mid-request or after sending, possibly while blocked; slow reads; server
//! clock jumps). Every operation it can account for goes into the shared history.

use crate::history::{Op, Output, Record};
use crate::rng::SimRng;
use crate::Plan;
use bytes::{Buf, BytesMut};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use turmoil::net::TcpStream;

pub(crate) struct Conn {
    pub(crate) stream: TcpStream,
    buf: BytesMut,
}

impl Conn {
    pub(crate) async fn open() -> Option<Conn> {
        let stream = TcpStream::connect(("server", crate::server_host::PORT))
            .await
            .ok()?;
        Some(Conn {
            stream,
            buf: BytesMut::new(),
        })
    }

    /// The next reply, or `None` if the connection broke.
    pub(crate) async fn read_frame(&mut self) -> Option<resp::Frame> {
        loop {
            match resp::parse_frame(&self.buf) {
                Ok(Some((frame, used))) => {
                    self.buf.advance(used);
                    return Some(frame);
                }
                Ok(None) => {}
                Err(_) => return None,
            }
            match self.stream.read_buf(&mut self.buf).await {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    }
}

fn now_ns() -> i64 {
    turmoil::sim_elapsed().map_or(0, |d| d.as_nanos() as i64)
}

fn encode(op: &Op, out: &mut Vec<u8>) {
    for argv in op.commands() {
        out.extend_from_slice(format!("*{}\r\n", argv.len()).as_bytes());
        for a in argv {
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(&a);
            out.extend_from_slice(b"\r\n");
        }
    }
}

fn random_op(r: &mut SimRng, groups: u32) -> Op {
    let g = r.below(u64::from(groups)) as u32;
    let small = |r: &mut SimRng| format!("v{}", r.below(6)).into_bytes();
    match r.below(16) {
        15 => Op::Publish(g, Vec::new()),
        0 => Op::Set(g, small(r)),
        1 => Op::Get(g),
        2 => Op::Append(g, small(r)),
        3 => Op::Del(g),
        4 => Op::Incr(g),
        5 | 6 => Op::Transfer(g, 1 + r.below(9) as i64),
        7 => Op::ReadBoth(g),
        8 => Op::LPush(g, small(r)),
        9 => Op::RPop(g),
        10 => Op::LLen(g),
        11 => Op::BLPop(g, 10 + r.below(300)),
        12 => Op::SAdd(g, small(r)),
        13 => Op::SRem(g, small(r)),
        _ => {
            if r.below(2) == 0 {
                Op::SCard(g)
            } else {
                Op::SIsMember(g, small(r))
            }
        }
    }
}

/// Runs client `id`'s workload to the end.
pub async fn run(
    id: u32,
    seed: u64,
    plan: &Plan,
    records: Rc<RefCell<Vec<Record>>>,
    jump: Arc<AtomicI64>,
) {
    let mut r = SimRng::new(seed.wrapping_mul(0x2545_f491_4f6c_dd1d) ^ u64::from(id + 1));
    let record = |call: i64, ret: i64, op: Op, out: Output| {
        records.borrow_mut().push(Record {
            client: id,
            call,
            ret,
            op,
            out,
        })
    };
    let mut conn: Option<Conn> = None;
    let mut done = 0;
    let mut published = 0u64;
    // Messages keep their order per connection only: the publisher id names both.
    let mut connections = 0u32;
    while done < plan.ops_per_client {
        let Some(c) = conn.as_mut() else {
            conn = Conn::open().await;
            connections += 1;
            if conn.is_none() {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            continue;
        };
        if r.chance(plan.p_cas) {
            let g = r.below(u64::from(plan.groups)) as u32;
            let broken = cas(c, g, &record).await;
            done += 1;
            if broken {
                conn = None;
            }
            continue;
        }
        let depth = 1 + r.below(plan.max_pipeline as u64) as usize;
        let batch: Vec<Op> = (0..depth)
            .map(|_| match random_op(&mut r, plan.groups) {
                Op::Publish(g, _) => {
                    published += 1;
                    let publisher = id * 100_000 + connections;
                    Op::Publish(g, format!("{publisher}:{published}").into_bytes())
                }
                op => op,
            })
            .collect();
        done += depth;
        let mut bytes = Vec::new();
        for op in &batch {
            encode(op, &mut bytes);
        }
        if r.chance(plan.p_clock_jump) {
            jump.fetch_add(r.below(3000) as i64, Ordering::Relaxed);
        }
        let call = now_ns();
        if r.chance(plan.p_vanish) {
            if r.below(2) == 0 {
                // Gone mid-request: the server must run none of the incomplete command.
                let cut = 1 + r.below(bytes.len() as u64 - 1) as usize;
                let _ = c.stream.write_all(&bytes[..cut]).await;
                // Whole commands before the cut may have run: their outcome is unknown.
                let mut whole = Vec::new();
                for op in &batch {
                    encode(op, &mut whole);
                    if whole.len() > cut {
                        break;
                    }
                    record(call, i64::MAX, op.clone(), Output::Unknown);
                }
            } else {
                // Gone after sending, perhaps while blocked: outcomes unknown.
                let _ = c.stream.write_all(&bytes).await;
                tokio::time::sleep(Duration::from_millis(r.below(20))).await;
                for op in batch {
                    record(call, i64::MAX, op, Output::Unknown);
                }
            }
            conn = None;
            continue;
        }
        // A network stall: the link to the server holds every segment (both ways) for a
        // while, then delivers them all at once.
        let stall = r
            .chance(plan.p_stall)
            .then(|| Duration::from_millis(1 + r.below(200)));
        let me = format!("client{id}");
        if stall.is_some() {
            turmoil::hold(me.as_str(), "server");
        }
        // Sometimes the batch goes out in pieces, split anywhere (inside a number, a bulk,
        // a CRLF), with pauses: the server must reassemble commands across reads.
        let sent = if r.chance(plan.p_split_write) {
            let mut ok = true;
            let mut rest = &bytes[..];
            while ok && !rest.is_empty() {
                let n = 1 + r.below(rest.len() as u64) as usize;
                ok = c.stream.write_all(&rest[..n]).await.is_ok();
                rest = &rest[n..];
                tokio::time::sleep(Duration::from_millis(r.below(3))).await;
            }
            ok
        } else {
            c.stream.write_all(&bytes).await.is_ok()
        };
        if !sent {
            if stall.is_some() {
                turmoil::release(me.as_str(), "server");
            }
            for op in batch {
                record(call, i64::MAX, op, Output::Unknown);
            }
            conn = None;
            continue;
        }
        if let Some(pause) = stall {
            tokio::time::sleep(pause).await;
            turmoil::release(me.as_str(), "server");
        }
        if r.chance(plan.p_slow_read) {
            tokio::time::sleep(Duration::from_millis(r.below(50))).await;
        }
        let mut broken = false;
        for op in batch {
            if broken {
                record(call, i64::MAX, op, Output::Unknown);
                continue;
            }
            let mut last = None;
            for _ in 0..op.commands().len() {
                match c.read_frame().await {
                    Some(f) => last = Some(f),
                    None => {
                        broken = true;
                        break;
                    }
                }
            }
            match (broken, last) {
                (false, Some(f)) => record(call, now_ns(), op, Output::from_frame(&f)),
                _ => record(call, i64::MAX, op, Output::Unknown),
            }
        }
        if broken {
            conn = None;
        }
    }
}

/// One optimistic increment (Op::Cas), interactively; true if the connection broke.
async fn cas(c: &mut Conn, g: u32, record: &impl Fn(i64, i64, Op, Output)) -> bool {
    let call = now_ns();
    let key = format!("{{{g}}}a");
    let mut watch = Vec::new();
    for argv in [vec!["WATCH", key.as_str()], vec!["GET", key.as_str()]] {
        watch.extend_from_slice(format!("*{}\r\n", argv.len()).as_bytes());
        for a in argv {
            watch.extend_from_slice(format!("${}\r\n{a}\r\n", a.len()).as_bytes());
        }
    }
    if c.stream.write_all(&watch).await.is_err() {
        return true;
    }
    let (Some(_), Some(got)) = (c.read_frame().await, c.read_frame().await) else {
        return true;
    };
    let seen = match got {
        resp::Frame::Bulk(b) => std::str::from_utf8(&b).ok().and_then(|s| s.parse().ok()),
        _ => None,
    };
    let op = Op::Cas(g, seen);
    let mut bytes = Vec::new();
    encode(&op, &mut bytes);
    if c.stream.write_all(&bytes).await.is_err() {
        record(call, i64::MAX, op, Output::Unknown);
        return true;
    }
    let mut last = None;
    for _ in 0..3 {
        last = c.read_frame().await;
        if last.is_none() {
            record(call, i64::MAX, op, Output::Unknown);
            return true;
        }
    }
    let out = last.map_or(Output::Unknown, |f| Output::from_frame(&f));
    record(call, now_ns(), op, out);
    false
}
