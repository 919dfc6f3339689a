//! CLIENT TRACKING, CACHING, GETREDIR, TRACKINGINFO: the commands of client-side caching,
//! with Redis 7.0's option checks in its order. The machinery is in crate::tracking.

use crate::args;
use crate::command::{acl, flags, Command, BASE};
use crate::ctx::Ctx;
use crate::errors;
use crate::tracking::ClientTracking;
use bytes::Bytes;
use resp::Reply;

const CONN: u32 = flags::NOSCRIPT | flags::LOADING | flags::STALE;

const fn sub(
    name: &'static str,
    arity: i32,
    since: &'static str,
    summary: &'static str,
    complexity: &'static str,
    handler: crate::command::Handler,
) -> Command {
    Command {
        name,
        arity,
        flags: CONN,
        acl: acl::CONNECTION,
        group: "connection",
        since,
        summary,
        complexity,
        traits: crate::command::traits::KEEPS_CACHING,
        handler: Some(handler),
        ..BASE
    }
}

pub const TRACKING: Command = sub(
    "client|tracking",
    -3,
    "6.0.0",
    "Controls server-assisted client-side caching for the connection.",
    "O(1). Some options may introduce additional complexity.",
    tracking,
);
pub const CACHING: Command = sub(
    "client|caching",
    3,
    "6.0.0",
    "Instructs the server whether to track the keys in the next request.",
    "O(1)",
    caching,
);
pub const GETREDIR: Command = sub(
    "client|getredir",
    2,
    "6.0.0",
    "Returns the client ID to which the connection's tracking notifications are redirected.",
    "O(1)",
    getredir,
);
pub const TRACKINGINFO: Command = sub(
    "client|trackinginfo",
    2,
    "6.2.0",
    "Returns information about server-assisted client-side caching for the connection.",
    "O(1)",
    trackinginfo,
);

fn tracking(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let mut redirect: i64 = 0;
    let mut mode = ClientTracking::default();
    let mut prefixes: Vec<Bytes> = Vec::new();
    let mut j = 3;
    while j < a.len() {
        let more = j + 1 < a.len();
        let opt = &a[j];
        if args::is(opt, "redirect") && more {
            j += 1;
            if redirect != 0 {
                return Reply::err("ERR A client can only redirect to a single other client");
            }
            redirect = match args::int(&a[j]) {
                Ok(n) => n,
                Err(e) => return e,
            };
            // The target must exist now (it may still go away later).
            if redirect <= 0 || !ctx.eng.clients.contains_key(&(redirect as u64)) {
                return Reply::err("ERR The client ID you want redirect to does not exist");
            }
        } else if args::is(opt, "bcast") {
            mode.bcast = true;
        } else if args::is(opt, "optin") {
            mode.optin = true;
        } else if args::is(opt, "optout") {
            mode.optout = true;
        } else if args::is(opt, "noloop") {
            mode.noloop = true;
        } else if args::is(opt, "prefix") && more {
            j += 1;
            prefixes.push(a[j].clone());
        } else {
            return errors::syntax();
        }
        j += 1;
    }
    let id = ctx.client_id;
    if args::is(&a[2], "off") {
        ctx.eng.tracking.disable(id);
        return Reply::ok();
    }
    if !args::is(&a[2], "on") {
        return errors::syntax();
    }
    if !mode.bcast && !prefixes.is_empty() {
        return Reply::err("ERR PREFIX option requires BCAST mode to be enabled");
    }
    let current = ctx.eng.tracking.get(id).cloned();
    if current.as_ref().is_some_and(|c| c.bcast != mode.bcast) {
        return Reply::err(
            "ERR You can't switch BCAST mode on/off before disabling tracking for this client, \
             and then re-enabling it with a different mode.",
        );
    }
    if mode.bcast && (mode.optin || mode.optout) {
        return Reply::err("ERR OPTIN and OPTOUT are not compatible with BCAST");
    }
    if mode.optin && mode.optout {
        return Reply::err("ERR You can't specify both OPTIN mode and OPTOUT mode");
    }
    if current
        .as_ref()
        .is_some_and(|c| (mode.optin && c.optout) || (mode.optout && c.optin))
    {
        return Reply::err(
            "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, \
             and then re-enabling it with a different mode.",
        );
    }
    if mode.bcast {
        let existing = current.map(|c| c.prefixes).unwrap_or_default();
        match check_prefixes(&existing, &prefixes) {
            Collision::None => {}
            Collision::Refused(e) => return e,
            Collision::ReportedAnyway(e) => {
                // Redis 7.0 reports an overlap among the new prefixes after the first one, yet
                // goes on to enable tracking and answers OK as well: two replies. The error
                // goes out first, through the client's own outbox.
                ctx.eng.stats.error_replies += 1;
                let proto = ctx.session().proto;
                let now = ctx.now_ms;
                ctx.eng.push_bytes(id, &e.to_bytes(proto), now);
            }
        }
    }
    ctx.eng
        .tracking
        .enable(id, redirect as u64, mode, &prefixes);
    Reply::ok()
}

enum Collision {
    None,
    Refused(Reply),
    ReportedAnyway(Reply),
}

/// Redis's prefix checks: a new prefix must not overlap (one a prefix of the other) an
/// existing prefix of the client nor a later new prefix.
fn check_prefixes(existing: &std::collections::BTreeSet<Bytes>, new: &[Bytes]) -> Collision {
    let overlap = |x: &[u8], y: &[u8]| {
        let n = x.len().min(y.len());
        x[..n] == y[..n]
    };
    for (i, p) in new.iter().enumerate() {
        if let Some(old) = existing.iter().find(|old| overlap(old, p)) {
            return Collision::Refused(prefix_error(p, "an existing", old));
        }
        if let Some(later) = new[i + 1..].iter().find(|q| overlap(p, q)) {
            let e = prefix_error(p, "another provided", later);
            return if i == 0 {
                Collision::Refused(e)
            } else {
                Collision::ReportedAnyway(e)
            };
        }
    }
    Collision::None
}

/// The overlap error, with prefixes shown as C strings (cut at a NUL) and line breaks
/// turned into spaces, as Redis formats error text.
fn prefix_error(p: &[u8], which: &str, other: &[u8]) -> Reply {
    let c_str = |b: &[u8]| -> Vec<u8> {
        b.iter()
            .take_while(|&&c| c != 0)
            .map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c })
            .collect()
    };
    let mut msg = b"ERR Prefix '".to_vec();
    msg.extend(c_str(p));
    msg.extend_from_slice(format!("' overlaps with {which} prefix '").as_bytes());
    msg.extend(c_str(other));
    msg.extend_from_slice(b"'. Prefixes for a single client must not overlap.");
    Reply::error(msg)
}

fn caching(ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let id = ctx.client_id;
    let Some(t) = ctx.eng.tracking.clients.get_mut(&id) else {
        return Reply::err(
            "ERR CLIENT CACHING can be called only when the client is in tracking mode with \
             OPTIN or OPTOUT mode enabled",
        );
    };
    if args::is(&a[2], "yes") {
        if !t.optin {
            return Reply::err(
                "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.",
            );
        }
    } else if args::is(&a[2], "no") {
        if !t.optout {
            return Reply::err(
                "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.",
            );
        }
    } else {
        return errors::syntax();
    }
    t.caching = true;
    Reply::ok()
}

/// The redirect target: -1 when tracking is off, 0 when not redirecting.
pub fn redirect_of(ctx: &Ctx, id: u64) -> i64 {
    ctx.eng.tracking.get(id).map_or(-1, |t| t.redirect as i64)
}

fn getredir(ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    Reply::Int(redirect_of(ctx, ctx.client_id))
}

fn trackinginfo(ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    let t = ctx.eng.tracking.get(ctx.client_id);
    let flag = |s: &'static str| Reply::bulk(Bytes::from_static(s.as_bytes()));
    let mut flags = Vec::new();
    let mut prefixes = Vec::new();
    match t {
        None => flags.push(flag("off")),
        Some(t) => {
            flags.push(flag("on"));
            for (set, name) in [
                (t.bcast, "bcast"),
                (t.optin, "optin"),
                (t.optout, "optout"),
                (t.caching && t.optin, "caching-yes"),
                (t.caching && t.optout, "caching-no"),
                (t.noloop, "noloop"),
                (t.broken, "broken_redirect"),
            ] {
                if set {
                    flags.push(flag(name));
                }
            }
            prefixes = t.prefixes.iter().cloned().map(Reply::Bulk).collect();
        }
    }
    Reply::Map(vec![
        (flag("flags"), Reply::Set(flags)),
        (
            flag("redirect"),
            Reply::Int(redirect_of(ctx, ctx.client_id)),
        ),
        (flag("prefixes"), Reply::Array(prefixes)),
    ])
}
