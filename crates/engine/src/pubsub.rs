//! The pub/sub registry: who listens to which channel, pattern and shard channel, and the
//! delivery of messages into subscribers' outboxes (the same outbox and `Action::Wake` path
//! that blocked clients' replies take), with Redis's output buffer limits for slow readers.
//!
//! Sorted maps keep every listing (PUBSUB CHANNELS, unsubscribe-all order) deterministic;
//! Redis's order there is its dict's hash order, which clients cannot rely on either.

use crate::command::Command;
use crate::config::{OBUF_NORMAL, OBUF_PUBSUB};
use crate::engine::{Action, Engine};
use crate::util::fasthash::IdMap;
use bytes::Bytes;
use resp::Reply;
use std::collections::{BTreeMap, BTreeSet};

/// The three independent subscription spaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Space {
    Channel,
    Pattern,
    Shard,
}

/// One client's subscriptions.
#[derive(Default, Debug)]
pub struct ClientSubs {
    pub channels: BTreeSet<Bytes>,
    pub patterns: BTreeSet<Bytes>,
    pub shard: BTreeSet<Bytes>,
}

impl ClientSubs {
    fn set(&mut self, space: Space) -> &mut BTreeSet<Bytes> {
        match space {
            Space::Channel => &mut self.channels,
            Space::Pattern => &mut self.patterns,
            Space::Shard => &mut self.shard,
        }
    }

    fn is_empty(&self) -> bool {
        self.channels.is_empty() && self.patterns.is_empty() && self.shard.is_empty()
    }
}

#[derive(Default, Debug)]
pub struct PubSub {
    /// Subscribers of each channel / pattern / shard channel, in subscription order.
    channels: BTreeMap<Bytes, Vec<u64>>,
    patterns: BTreeMap<Bytes, Vec<u64>>,
    shard: BTreeMap<Bytes, Vec<u64>>,
    clients: IdMap<ClientSubs>,
    /// When a client's pending output first passed its class's soft limit.
    soft_since_ms: IdMap<i64>,
}

impl PubSub {
    fn map(&mut self, space: Space) -> &mut BTreeMap<Bytes, Vec<u64>> {
        match space {
            Space::Channel => &mut self.channels,
            Space::Pattern => &mut self.patterns,
            Space::Shard => &mut self.shard,
        }
    }

    /// Adds a subscription; false when the client already had it.
    pub fn subscribe(&mut self, client: u64, space: Space, name: &Bytes) -> bool {
        let subs = self.clients.entry(client).or_default();
        if !subs.set(space).insert(name.clone()) {
            return false;
        }
        self.map(space)
            .entry(name.clone())
            .or_default()
            .push(client);
        true
    }

    /// Removes a subscription; false when the client did not have it.
    pub fn unsubscribe(&mut self, client: u64, space: Space, name: &Bytes) -> bool {
        let Some(subs) = self.clients.get_mut(&client) else {
            return false;
        };
        if !subs.set(space).remove(name) {
            return false;
        }
        if subs.is_empty() {
            self.clients.remove(&client);
        }
        let map = self.map(space);
        if let Some(list) = map.get_mut(name) {
            list.retain(|&c| c != client);
            if list.is_empty() {
                map.remove(name);
            }
        }
        true
    }

    /// The client's subscriptions in one space, for unsubscribe-all.
    pub fn names(&self, client: u64, space: Space) -> Vec<Bytes> {
        let Some(subs) = self.clients.get(&client) else {
            return Vec::new();
        };
        let set = match space {
            Space::Channel => &subs.channels,
            Space::Pattern => &subs.patterns,
            Space::Shard => &subs.shard,
        };
        set.iter().cloned().collect()
    }

    /// Drops every subscription of the client (RESET, disconnect, output limit).
    pub fn forget(&mut self, client: u64) {
        for space in [Space::Channel, Space::Pattern, Space::Shard] {
            for name in self.names(client, space) {
                self.unsubscribe(client, space, &name);
            }
        }
        self.soft_since_ms.remove(&client);
    }

    /// (channels, patterns, shard channels) the client is subscribed to.
    pub fn counts(&self, client: u64) -> (usize, usize, usize) {
        self.clients.get(&client).map_or((0, 0, 0), |s| {
            (s.channels.len(), s.patterns.len(), s.shard.len())
        })
    }

    /// True when the client has any subscription (Redis's CLIENT_PUBSUB flag).
    pub fn is_subscriber(&self, client: u64) -> bool {
        self.clients.contains_key(&client)
    }

    /// Distinct channels, patterns and shard channels with subscribers (INFO stats).
    pub fn totals(&self) -> (usize, usize, usize) {
        (self.channels.len(), self.patterns.len(), self.shard.len())
    }

    /// Active channels (or shard channels) whose name matches `pattern` (all when None).
    pub fn active(&self, shard: bool, pattern: Option<&[u8]>) -> Vec<Bytes> {
        let map = if shard { &self.shard } else { &self.channels };
        map.keys()
            .filter(|c| pattern.is_none_or(|p| crate::util::glob_match(p, c, false)))
            .cloned()
            .collect()
    }

    /// Number of subscribers of a channel (or shard channel), patterns excluded.
    pub fn subscribers(&self, shard: bool, channel: &[u8]) -> usize {
        let map = if shard { &self.shard } else { &self.channels };
        map.get(channel).map_or(0, Vec::len)
    }
}

/// Commands a RESP2 client may run while subscribed.
const SUBSCRIBED_ALLOWED: &[&str] = &[
    "subscribe",
    "unsubscribe",
    "psubscribe",
    "punsubscribe",
    "ssubscribe",
    "sunsubscribe",
    "ping",
    "quit",
    "reset",
];

/// Redis's RESP2 subscribed-mode rule: a subscriber may only manage subscriptions, PING,
/// QUIT or RESET (RESP3 multiplexes pushes and replies, so it has no such rule).
pub fn check_context(eng: &Engine, client: u64, cmd: &Command) -> Result<(), Reply> {
    let resp2 = eng
        .clients
        .get(&client)
        .is_some_and(|s| s.proto == resp::Proto::Resp2);
    if !resp2 || !eng.pubsub.is_subscriber(client) || SUBSCRIBED_ALLOWED.contains(&cmd.name) {
        return Ok(());
    }
    Err(Reply::error(format!(
        "ERR Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET \
         are allowed in this context",
        cmd.name
    )))
}

impl Engine {
    /// Publishes to a channel (or shard channel): every subscriber, then every client whose
    /// pattern matches (plain channels only), gets the message in its own protocol. Returns
    /// the number of deliveries, as PUBLISH replies.
    pub fn publish(&mut self, shard: bool, channel: &Bytes, message: &Bytes, now_ms: i64) -> i64 {
        let kind = if shard { "smessage" } else { "message" };
        let mut deliveries: Vec<(u64, Reply)> = Vec::new();
        let direct = if shard {
            self.pubsub.shard.get(channel)
        } else {
            self.pubsub.channels.get(channel)
        };
        if let Some(ids) = direct {
            let msg = Reply::Push(vec![
                Reply::bulk(Bytes::from_static(kind.as_bytes())),
                Reply::Bulk(channel.clone()),
                Reply::Bulk(message.clone()),
            ]);
            deliveries.extend(ids.iter().map(|&id| (id, msg.clone())));
        }
        if !shard {
            for (pattern, ids) in &self.pubsub.patterns {
                if !crate::util::glob_match(pattern, channel, false) {
                    continue;
                }
                let msg = Reply::Push(vec![
                    Reply::bulk(Bytes::from_static(b"pmessage")),
                    Reply::Bulk(pattern.clone()),
                    Reply::Bulk(channel.clone()),
                    Reply::Bulk(message.clone()),
                ]);
                deliveries.extend(ids.iter().map(|&id| (id, msg.clone())));
            }
        }
        let count = deliveries.len() as i64;
        let mut woken = Vec::new();
        for (id, msg) in deliveries {
            if self.push_to(id, &msg, now_ms) && !woken.contains(&id) {
                woken.push(id);
            }
        }
        if !woken.is_empty() {
            self.actions.push(Action::Wake(woken));
        }
        count
    }

    /// Appends an out-of-band reply to a client's outbox; the caller wakes it. Returns false
    /// when nothing was queued (gone, or just disconnected for its output limit).
    fn push_to(&mut self, id: u64, reply: &Reply, now_ms: i64) -> bool {
        let Some(proto) = self.clients.get(&id).map(|s| s.proto) else {
            return false;
        };
        self.push_bytes(id, &reply.to_bytes(proto), now_ms)
    }

    /// Like `push_to` for bytes already encoded in the client's protocol (tracking.rs).
    pub(crate) fn push_bytes(&mut self, id: u64, bytes: &[u8], now_ms: i64) -> bool {
        let Some(session) = self.clients.get(&id) else {
            return false;
        };
        // Pushes go out even under CLIENT REPLY OFF, as in Redis.
        if session.killed {
            return false;
        }
        let out = self.blocking.outbox.entry(id).or_default();
        out.extend_from_slice(bytes);
        let pending = out.len() as u64;
        if self.over_output_limit(id, pending, now_ms) {
            self.kill_for_output_limit(id);
            return false;
        }
        true
    }

    /// Redis's `client-output-buffer-limit` check: past the hard limit, or past the soft
    /// limit for longer than its seconds, the client must go. This counts what waits in the
    /// engine's outbox; the connection applies the same limit to what it has not written
    /// yet (outbox bytes join it on every wake-up), so neither can grow past the limit.
    fn over_output_limit(&mut self, id: u64, pending: u64, now_ms: i64) -> bool {
        let class = if self.pubsub.is_subscriber(id) {
            OBUF_PUBSUB
        } else {
            OBUF_NORMAL
        };
        let limit = self.config.obuf_limits[class];
        if limit.hard > 0 && pending >= limit.hard {
            return true;
        }
        if limit.soft > 0 && pending >= limit.soft {
            let since = *self.pubsub.soft_since_ms.entry(id).or_insert(now_ms);
            return now_ms - since > (limit.soft_secs as i64).saturating_mul(1000);
        }
        self.pubsub.soft_since_ms.remove(&id);
        false
    }

    /// Closes a client that fell too far behind: its pending output is freed at once and it
    /// stops receiving, so a reader that never reads cannot grow the server's memory.
    fn kill_for_output_limit(&mut self, id: u64) {
        self.blocking.outbox.remove(&id);
        self.pubsub.forget(id);
        if let Some(s) = self.clients.get_mut(&id) {
            s.killed = true;
        }
        self.actions.push(Action::Kill(vec![id]));
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::engine::{Action, Engine, Flow, NullHost};
    use bytes::Bytes;

    fn run(eng: &mut Engine, id: u64, line: &str, now: i64) -> Vec<u8> {
        let args: Vec<Bytes> = line
            .split(' ')
            .map(|a| Bytes::copy_from_slice(a.as_bytes()))
            .collect();
        let mut out = Vec::new();
        assert_eq!(eng.execute(id, &args, now, &mut out), Flow::Continue);
        out
    }

    #[test]
    fn publish_fills_the_outbox_and_wakes() {
        let mut eng = Engine::new(Config::default(), 1, 0, Box::new(NullHost));
        let sub = eng.connect("a".into(), "l".into(), 1, 0);
        let publisher = eng.connect("b".into(), "l".into(), 2, 0);
        run(&mut eng, sub, "SUBSCRIBE ch", 0);
        assert_eq!(run(&mut eng, publisher, "PUBLISH ch hi", 0), b":1\r\n");
        assert_eq!(eng.actions.last(), Some(&Action::Wake(vec![sub])));
        assert_eq!(
            eng.take_outbox(sub).unwrap(),
            b"*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n"
        );
        eng.disconnect(sub);
        assert_eq!(run(&mut eng, publisher, "PUBLISH ch hi", 0), b":0\r\n");
        assert_eq!(eng.pubsub.totals(), (0, 0, 0));
    }

    #[test]
    fn hard_and_soft_output_limits_kill_and_free() {
        let mut eng = Engine::new(Config::default(), 1, 0, Box::new(NullHost));
        let sub = eng.connect("a".into(), "l".into(), 1, 0);
        let publisher = eng.connect("b".into(), "l".into(), 2, 0);
        eng.config
            .set("client-output-buffer-limit", "pubsub 1000 40 1", false)
            .unwrap();
        run(&mut eng, sub, "SUBSCRIBE ch", 0);
        // Over the soft limit, but not yet for longer than its second.
        run(
            &mut eng,
            publisher,
            "PUBLISH ch 0123456789012345678901234567890",
            0,
        );
        run(&mut eng, publisher, "PUBLISH ch x", 1000);
        assert!(eng.pubsub.is_subscriber(sub));
        run(&mut eng, publisher, "PUBLISH ch x", 1001);
        assert!(!eng.pubsub.is_subscriber(sub));
        assert!(eng.take_outbox(sub).is_none());
        assert!(eng.clients[&sub].killed);
        assert!(eng.actions.contains(&Action::Kill(vec![sub])));
        // Hard limit: one big message suffices.
        let other = eng.connect("c".into(), "l".into(), 3, 0);
        run(&mut eng, other, "SUBSCRIBE ch", 0);
        let big = format!("PUBLISH ch {}", "y".repeat(1000));
        assert_eq!(run(&mut eng, publisher, &big, 0), b":1\r\n");
        assert!(!eng.pubsub.is_subscriber(other));
    }

    #[test]
    fn buffer_limit_config_merges_classes() {
        let mut c = Config::default();
        c.set("client-output-buffer-limit", "pubsub 1mb 2k 5", false)
            .unwrap();
        assert_eq!(
            c.get("client-output-buffer-limit"),
            Some("normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 2000 5")
        );
        assert_eq!(c.obuf_limits[2].hard, 1048576);
        for bad in [
            "pubsub 1 2",
            "master 1 2 3",
            "pubsub x 1 1",
            " normal 0 0 0",
        ] {
            assert!(
                c.set("client-output-buffer-limit", bad, false).is_err(),
                "{bad}"
            );
        }
    }
}
