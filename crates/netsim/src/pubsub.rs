//! Pub/sub under simulation: one subscriber listens on every group's channel while the
//! clients publish `<client>:<seq>` payloads among their other operations. Checked: each
//! publisher's messages arrive in order, none is invented, and every PUBLISH made after the
//! subscription was confirmed reached the subscriber (and counted it). Order is promised per
//! connection, so a publisher is a (client, connection) pair.

use crate::client::Conn;
use crate::history::{Op, Output, Record};
use resp::Frame;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

#[derive(Debug, Default)]
pub struct Received {
    /// When the last subscription confirmation arrived (simulated ns).
    pub subscribed_at: Option<i64>,
    /// (group, publisher, seq) in arrival order.
    pub messages: Vec<(u32, u32, u64)>,
    pub error: Option<String>,
}

fn now_ns() -> i64 {
    turmoil::sim_elapsed().map_or(0, |d| d.as_nanos() as i64)
}

/// Subscribes to `ch0..ch{groups}` and collects messages until all `clients` are done.
pub async fn subscriber(
    groups: u32,
    clients: usize,
    finished: Rc<Cell<usize>>,
    got: Rc<RefCell<Received>>,
) {
    let mut conn = loop {
        if let Some(c) = Conn::open().await {
            break c;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let fail = |e: String| got.borrow_mut().error = Some(e);
    let mut cmd = format!("*{}\r\n$9\r\nSUBSCRIBE\r\n", groups + 1);
    for g in 0..groups {
        let ch = format!("ch{g}");
        cmd.push_str(&format!("${}\r\n{ch}\r\n", ch.len()));
    }
    if conn.stream.write_all(cmd.as_bytes()).await.is_err() {
        return fail("subscriber could not send SUBSCRIBE".into());
    }
    for _ in 0..groups {
        match conn.read_frame().await {
            Some(Frame::Array(items))
                if items.first() == Some(&Frame::Bulk("subscribe".into())) => {}
            other => return fail(format!("bad SUBSCRIBE confirmation {other:?}")),
        }
    }
    got.borrow_mut().subscribed_at = Some(now_ns());
    // Once every client is done, messages still in flight get a generous grace period
    // (well past the largest simulated latency and stall) before the subscriber stops.
    let mut all_done_at = None;
    loop {
        let frame = tokio::time::timeout(Duration::from_millis(50), conn.read_frame()).await;
        match frame {
            Err(_) => {
                if finished.get() == clients {
                    let since = *all_done_at.get_or_insert_with(now_ns);
                    if now_ns() - since > 1_000_000_000 {
                        return;
                    }
                }
            }
            Ok(Some(f)) => match parse_message(&f) {
                Some(m) => got.borrow_mut().messages.push(m),
                None => return fail(format!("unexpected frame for a subscriber: {f:?}")),
            },
            Ok(None) => return fail("subscriber connection closed".into()),
        }
    }
}

/// `["message", "ch<g>", "<client>:<seq>"]` as (g, client, seq).
fn parse_message(f: &Frame) -> Option<(u32, u32, u64)> {
    let Frame::Array(items) = f else { return None };
    let [Frame::Bulk(kind), Frame::Bulk(ch), Frame::Bulk(payload)] = items.as_slice() else {
        return None;
    };
    if kind.as_ref() != b"message" {
        return None;
    }
    let g = std::str::from_utf8(ch)
        .ok()?
        .strip_prefix("ch")?
        .parse()
        .ok()?;
    let (c, s) = std::str::from_utf8(payload).ok()?.split_once(':')?;
    Some((g, c.parse().ok()?, s.parse().ok()?))
}

/// Checks what the subscriber got against the PUBLISH operations in `records`.
pub fn check(got: &Received, records: &[Record]) -> Result<(), String> {
    if let Some(e) = &got.error {
        return Err(e.clone());
    }
    let Some(t0) = got.subscribed_at else {
        return Err("the subscriber never subscribed".into());
    };
    let mut last: BTreeMap<(u32, u32), u64> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for &(g, c, s) in &got.messages {
        if last.get(&(g, c)).is_some_and(|&p| p >= s) {
            return Err(format!(
                "client {c}'s messages on ch{g} out of order at seq {s}"
            ));
        }
        last.insert((g, c), s);
        seen.insert((g, c, s));
    }
    let mut published = BTreeSet::new();
    for r in records {
        let Op::Publish(g, payload) = &r.op else {
            continue;
        };
        let key = parse_message(&Frame::Array(vec![
            Frame::Bulk("message".into()),
            Frame::Bulk(format!("ch{g}").into()),
            Frame::Bulk(payload.clone().into()),
        ]))
        .ok_or("unparsable payload")?;
        published.insert(key);
        match &r.out {
            Output::Unknown => {}
            Output::Int(n) if r.call >= t0 => {
                if *n != 1 {
                    return Err(format!("{r:?} counted {n} receivers, expected 1"));
                }
                if !seen.contains(&key) {
                    return Err(format!("{r:?} was never delivered"));
                }
            }
            Output::Int(n) if *n == 1 || *n == 0 => {}
            other => return Err(format!("PUBLISH answered {other:?}")),
        }
    }
    if let Some(m) = seen.iter().find(|m| !published.contains(m)) {
        return Err(format!("message {m:?} was delivered but never published"));
    }
    Ok(())
}
