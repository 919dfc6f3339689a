//! Keyspace notifications (`notify-keyspace-events`): the event classes, their config text,
//! and the publishing of `__keyspace@<db>__:<key>` / `__keyevent@<db>__:<event>` messages
//! through the ordinary pub/sub delivery.
//! A shard engine (crate::shard) has no subscribers: it queues its events for the main
//! engine (crate::shard_queue).

use crate::engine::Engine;
use crate::shard_queue::ForMain;
use bytes::Bytes;

/// Deliver on `__keyspace@<db>__:<key>` (the event is the message).
pub const KEYSPACE: u32 = 1 << 0;
/// Deliver on `__keyevent@<db>__:<event>` (the key is the message).
pub const KEYEVENT: u32 = 1 << 1;
pub const GENERIC: u32 = 1 << 2;
pub const STRING: u32 = 1 << 3;
pub const LIST: u32 = 1 << 4;
pub const SET: u32 = 1 << 5;
pub const HASH: u32 = 1 << 6;
pub const ZSET: u32 = 1 << 7;
pub const EXPIRED: u32 = 1 << 8;
pub const EVICTED: u32 = 1 << 9;
pub const STREAM: u32 = 1 << 10;
pub const KEY_MISS: u32 = 1 << 11;
pub const MODULE: u32 = 1 << 12;
pub const NEW: u32 = 1 << 13;
/// What `A` stands for: every class except key misses and new keys.
pub const ALL: u32 =
    GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

/// The letters of the classes that `A` covers, in the order CONFIG GET prints them.
const CLASS_LETTERS: [(u8, u32); 10] = [
    (b'g', GENERIC),
    (b'$', STRING),
    (b'l', LIST),
    (b's', SET),
    (b'h', HASH),
    (b'z', ZSET),
    (b'x', EXPIRED),
    (b'e', EVICTED),
    (b't', STREAM),
    (b'd', MODULE),
];

/// Reads the config letters; `None` on any unknown character.
pub fn parse_flags(text: &str) -> Option<u32> {
    let mut flags = 0;
    for c in text.bytes() {
        flags |= match c {
            b'A' => ALL,
            b'K' => KEYSPACE,
            b'E' => KEYEVENT,
            b'm' => KEY_MISS,
            b'n' => NEW,
            _ => CLASS_LETTERS.iter().find(|(l, _)| *l == c)?.1,
        };
    }
    Some(flags)
}

/// The text CONFIG GET prints. As Redis 7.0 does, `n` is left out when `A` is printed (the
/// flag itself stays set).
pub fn flags_to_string(flags: u32) -> String {
    let mut s = String::new();
    if flags & ALL == ALL {
        s.push('A');
    } else {
        for (letter, bit) in CLASS_LETTERS {
            if flags & bit != 0 {
                s.push(letter as char);
            }
        }
        if flags & NEW != 0 {
            s.push('n');
        }
    }
    for (letter, bit) in [('K', KEYSPACE), ('E', KEYEVENT), ('m', KEY_MISS)] {
        if flags & bit != 0 {
            s.push(letter);
        }
    }
    s
}

impl Engine {
    /// Publishes one keyspace event for `key` of `db` if its class is enabled (on a shard
    /// engine: queues it for the main engine). Cheap when notifications are off: one bit
    /// test, no allocation.
    pub fn notify(&mut self, db: usize, class: u32, event: &'static str, key: &[u8], now_ms: i64) {
        let flags = self.config.notify_keyspace_events;
        if flags & class == 0 || flags & (KEYSPACE | KEYEVENT) == 0 {
            return;
        }
        let event = Bytes::from_static(event.as_bytes());
        let key = Bytes::copy_from_slice(key);
        if flags & KEYSPACE != 0 {
            let mut channel = format!("__keyspace@{db}__:").into_bytes();
            channel.extend_from_slice(&key);
            self.publish_event(Bytes::from(channel), event.clone(), now_ms);
        }
        if flags & KEYEVENT != 0 {
            let mut channel = format!("__keyevent@{db}__:").into_bytes();
            channel.extend_from_slice(&event);
            self.publish_event(Bytes::from(channel), key, now_ms);
        }
    }

    fn publish_event(&mut self, channel: Bytes, message: Bytes, now_ms: i64) {
        match &self.to_main {
            Some(queue) => queue.push(ForMain::Message {
                channel,
                message,
                now_ms,
            }),
            None => {
                self.publish(false, &channel, &message, now_ms);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_round_trip_in_redis_order() {
        for (input, printed) in [
            ("", ""),
            ("AKE", "AKE"),
            ("KEA", "AKE"),
            ("Kx", "xK"),
            ("$lshzxetmdn", "$lshzxetdnm"),
            ("KAn", "AK"),
            ("g$lshzxetd", "A"),
            ("EKmn", "nKEm"),
            ("gn", "gn"),
        ] {
            assert_eq!(flags_to_string(parse_flags(input).unwrap()), printed);
        }
        assert_eq!(parse_flags("KAn").unwrap() & NEW, NEW);
        assert!(parse_flags("KEAq").is_none());
    }
}
