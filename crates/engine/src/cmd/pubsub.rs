//! Pub/Sub: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE SSUBSCRIBE SUNSUBSCRIBE PUBLISH
//! SPUBLISH and the PUBSUB introspection container. The registry and delivery live in
//! `crate::pubsub`; here are the commands and their replies.
//!
//! (Un)subscribe commands answer once per channel with a push (`>` in RESP3, an array in
//! RESP2), so their reply is a `Reply::Seq` of pushes.

use crate::args::help_reply;
use crate::command::{flags, ks, Command, KeySpec, BASE};
use crate::ctx::Ctx;
use crate::pubsub::Space;
use bytes::Bytes;
use resp::Reply;

const SUB_FLAGS: u32 = flags::PUBSUB | flags::NOSCRIPT | flags::LOADING | flags::STALE;
const PUB_FLAGS: u32 = flags::PUBSUB | flags::LOADING | flags::STALE | flags::FAST;
const INTROSPECT_FLAGS: u32 = flags::PUBSUB | flags::LOADING | flags::STALE;

/// Shard channels are declared as keys (for cluster slot routing) that are not keys.
const NOT_KEY: &[&str] = &["not_key"];
const SHARD_CHANNELS: &[KeySpec] = &[ks::range(1, -1, 1, NOT_KEY)];
const SHARD_CHANNEL: &[KeySpec] = &[ks::one(1, NOT_KEY)];

const fn sub(
    name: &'static str,
    arity: i32,
    since: &'static str,
    summary: &'static str,
    handler: fn(&mut Ctx, &[Bytes]) -> Reply,
) -> Command {
    Command {
        name,
        arity,
        flags: SUB_FLAGS,
        group: "pubsub",
        since,
        summary,
        complexity: "O(N) where N is the number of channels or patterns given",
        handler: Some(handler),
        ..BASE
    }
}

const fn introspect(
    name: &'static str,
    arity: i32,
    summary: &'static str,
    handler: fn(&mut Ctx, &[Bytes]) -> Reply,
) -> Command {
    Command {
        name,
        arity,
        flags: INTROSPECT_FLAGS,
        group: "pubsub",
        since: "2.8.0",
        summary,
        complexity: "O(N) for the active channels or the channels given",
        handler: Some(handler),
        ..BASE
    }
}

pub const COMMANDS: &[Command] = &[
    sub(
        "subscribe",
        -2,
        "2.0.0",
        "Listens for messages published to channels.",
        subscribe,
    ),
    sub(
        "unsubscribe",
        -1,
        "2.0.0",
        "Stops listening to channels.",
        unsubscribe,
    ),
    sub(
        "psubscribe",
        -2,
        "2.0.0",
        "Listens for messages published to channels matching patterns.",
        psubscribe,
    ),
    sub(
        "punsubscribe",
        -1,
        "2.0.0",
        "Stops listening to channel patterns.",
        punsubscribe,
    ),
    Command {
        first_key: 1,
        last_key: -1,
        key_step: 1,
        key_specs: SHARD_CHANNELS,
        ..sub(
            "ssubscribe",
            -2,
            "7.0.0",
            "Listens for messages published to shard channels.",
            ssubscribe,
        )
    },
    Command {
        first_key: 1,
        last_key: -1,
        key_step: 1,
        key_specs: SHARD_CHANNELS,
        ..sub(
            "sunsubscribe",
            -1,
            "7.0.0",
            "Stops listening to shard channels.",
            sunsubscribe,
        )
    },
    Command {
        name: "publish",
        arity: 3,
        flags: PUB_FLAGS,
        group: "pubsub",
        since: "2.0.0",
        summary: "Posts a message to a channel.",
        complexity: "O(N+M) for N subscribers and M patterns",
        handler: Some(publish),
        ..BASE
    },
    Command {
        name: "spublish",
        arity: 3,
        flags: PUB_FLAGS,
        first_key: 1,
        last_key: 1,
        key_step: 1,
        key_specs: SHARD_CHANNEL,
        group: "pubsub",
        since: "7.0.0",
        summary: "Posts a message to a shard channel.",
        complexity: "O(N) for N subscribers of the shard channel",
        handler: Some(spublish),
        ..BASE
    },
    Command {
        name: "pubsub",
        arity: -2,
        group: "pubsub",
        since: "2.8.0",
        summary: "A container for Pub/Sub commands.",
        complexity: "Depends on subcommand.",
        subcommands: &[
            introspect(
                "pubsub|channels",
                -2,
                "Returns the active channels.",
                channels,
            ),
            introspect(
                "pubsub|numsub",
                -2,
                "Returns subscriber counts of channels.",
                numsub,
            ),
            introspect(
                "pubsub|numpat",
                2,
                "Returns the number of pattern subscriptions.",
                numpat,
            ),
            introspect(
                "pubsub|shardchannels",
                -2,
                "Returns the active shard channels.",
                shardchannels,
            ),
            introspect(
                "pubsub|shardnumsub",
                -2,
                "Returns subscriber counts of shard channels.",
                shardnumsub,
            ),
            Command {
                name: "pubsub|help",
                arity: 2,
                flags: flags::LOADING | flags::STALE,
                group: "pubsub",
                since: "6.2.0",
                summary: "Returns helpful text about the different subcommands.",
                complexity: "O(1)",
                handler: Some(help),
                ..BASE
            },
        ],
        ..BASE
    },
];

/// One `(kind, name, count)` push; `name` None is the nil of unsubscribing from nothing.
fn notice(kind: &'static str, name: Option<Bytes>, count: usize) -> Reply {
    Reply::Push(vec![
        Reply::bulk(Bytes::from_static(kind.as_bytes())),
        name.map_or(Reply::Nil, Reply::Bulk),
        Reply::Int(count as i64),
    ])
}

/// The count a (un)subscribe reply shows: channels and patterns together, shard apart.
fn count(ctx: &Ctx, space: Space) -> usize {
    let (c, p, s) = ctx.eng.pubsub.counts(ctx.client_id);
    if space == Space::Shard {
        s
    } else {
        c + p
    }
}

fn subscribe_to(ctx: &mut Ctx, a: &[Bytes], space: Space, kind: &'static str) -> Reply {
    let mut replies = Vec::with_capacity(a.len() - 1);
    for name in &a[1..] {
        ctx.eng.pubsub.subscribe(ctx.client_id, space, name);
        replies.push(notice(kind, Some(name.clone()), count(ctx, space)));
    }
    Reply::Seq(replies)
}

fn unsubscribe_from(ctx: &mut Ctx, a: &[Bytes], space: Space, kind: &'static str) -> Reply {
    let names = if a.len() > 1 {
        a[1..].to_vec()
    } else {
        ctx.eng.pubsub.names(ctx.client_id, space)
    };
    if names.is_empty() {
        return notice(kind, None, count(ctx, space));
    }
    let mut replies = Vec::with_capacity(names.len());
    for name in names {
        ctx.eng.pubsub.unsubscribe(ctx.client_id, space, &name);
        replies.push(notice(kind, Some(name), count(ctx, space)));
    }
    Reply::Seq(replies)
}

fn subscribe(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    subscribe_to(ctx, a, Space::Channel, "subscribe")
}

fn psubscribe(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    subscribe_to(ctx, a, Space::Pattern, "psubscribe")
}

fn ssubscribe(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    subscribe_to(ctx, a, Space::Shard, "ssubscribe")
}

fn unsubscribe(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    unsubscribe_from(ctx, a, Space::Channel, "unsubscribe")
}

fn punsubscribe(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    unsubscribe_from(ctx, a, Space::Pattern, "punsubscribe")
}

fn sunsubscribe(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    unsubscribe_from(ctx, a, Space::Shard, "sunsubscribe")
}

fn publish(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    Reply::Int(ctx.eng.publish(false, &a[1], &a[2], ctx.now_ms))
}

fn spublish(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    Reply::Int(ctx.eng.publish(true, &a[1], &a[2], ctx.now_ms))
}

/// PUBSUB CHANNELS / SHARDCHANNELS take at most one pattern.
fn list_active(ctx: &mut Ctx, a: &[Bytes], shard: bool) -> Reply {
    if a.len() > 3 {
        let mut msg = b"ERR unknown subcommand or wrong number of arguments for '".to_vec();
        msg.extend_from_slice(crate::errors::c_str_prefix(&a[1], 128));
        msg.extend_from_slice(b"'. Try PUBSUB HELP.");
        return Reply::error(msg);
    }
    let pattern = a.get(2).map(|p| p.as_ref());
    let names = ctx.eng.pubsub.active(shard, pattern);
    Reply::Array(names.into_iter().map(Reply::Bulk).collect())
}

fn count_each(ctx: &mut Ctx, a: &[Bytes], shard: bool) -> Reply {
    let mut out = Vec::with_capacity((a.len() - 2) * 2);
    for channel in &a[2..] {
        out.push(Reply::Bulk(channel.clone()));
        out.push(Reply::Int(ctx.eng.pubsub.subscribers(shard, channel) as i64));
    }
    Reply::Array(out)
}

fn channels(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    list_active(ctx, a, false)
}

fn shardchannels(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    list_active(ctx, a, true)
}

fn numsub(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    count_each(ctx, a, false)
}

fn shardnumsub(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    count_each(ctx, a, true)
}

fn numpat(ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    Reply::Int(ctx.eng.pubsub.totals().1 as i64)
}

fn help(_ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    // Our own wording (not Redis's text); the syntax lines follow Redis's.
    help_reply(
        "PUBSUB",
        &[
            "CHANNELS [<pattern>]",
            "    List the channels that have subscribers, optionally only those matching",
            "    a glob-style <pattern>.",
            "NUMPAT",
            "    Count the distinct patterns clients are subscribed to.",
            "NUMSUB [<channel> ...]",
            "    Each channel with its number of subscribers (pattern subscribers not",
            "    counted).",
            "SHARDCHANNELS [<pattern>]",
            "    Like CHANNELS, for shard channels.",
            "SHARDNUMSUB [<shardchannel> ...]",
            "    Like NUMSUB, for shard channels.",
        ],
    )
}
