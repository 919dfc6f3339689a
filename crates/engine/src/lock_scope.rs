//! Which shards a batch of commands run on the main engine needs (crate::shard). The main
//! engine borrows just those (the server's `MainGuard`), so a transaction, or the commands of
//! a client that cannot use the shard path (tracking, RESP2 subscribed, CLIENT REPLY OFF),
//! leave single-shard commands on other shards running. Commands queued inside MULTI touch
//! no key; EXEC touches the keys of its queue, WATCH those it names. When anything is
//! uncertain the answer is every shard: a keyless or admin command, a script, a blocking
//! command, a command the table does not know, or parked clients, whom any write may serve
//! into keys of any shard.

use crate::cmd::transactions::RUN_DIRECTLY;
use crate::engine::Engine;
use crate::shard::{route, Route};
use crate::slot;
use bytes::Bytes;

impl Engine {
    /// The shards (ascending, possibly none) that running `batch` for `client` on the main
    /// engine touches, or `None` for every shard. `shards` is the shard count. Call it
    /// holding the main engine: it reads the client's transaction and the parked clients.
    pub fn batch_shards<'a>(
        &self,
        client: u64,
        batch: impl IntoIterator<Item = &'a Vec<Bytes>>,
        shards: usize,
    ) -> Option<Vec<usize>> {
        if shards <= 1 || !self.blocking.is_idle() {
            return None;
        }
        let session = self.clients.get(&client)?;
        let mut need = Vec::new();
        // Inside MULTI: the shards of the queue so far, which EXEC will touch.
        let mut queued = match &session.multi {
            Some(m) => {
                let mut q = Vec::new();
                for args in m.queue() {
                    add_shards(args, shards, &mut q)?;
                }
                Some(q)
            }
            None => None,
        };
        for args in batch {
            let name = args.first()?;
            match queued.as_mut() {
                Some(q) => {
                    if name.eq_ignore_ascii_case(b"exec") {
                        // EXEC with arguments aborts, running nothing.
                        if args.len() == 1 {
                            need.append(q);
                        }
                        queued = None;
                    } else if name.eq_ignore_ascii_case(b"discard") {
                        queued = None;
                    } else if RUN_DIRECTLY
                        .iter()
                        .any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
                    {
                        // Not queued (MULTI, WATCH refused; QUIT, RESET end it).
                        return None;
                    } else {
                        add_shards(args, shards, q)?;
                    }
                }
                None if name.eq_ignore_ascii_case(b"multi") && args.len() == 1 => {
                    queued = Some(Vec::new());
                }
                // WATCH reads whether its keys have expired; UNWATCH touches the registry
                // alone. (Both are refused by scripts, so `route` sends them here.)
                None if name.eq_ignore_ascii_case(b"watch") => {
                    need.extend(args[1..].iter().map(|k| slot::shard_of(k, shards)));
                }
                None if name.eq_ignore_ascii_case(b"unwatch") => {}
                None => add_shards(args, shards, &mut need)?,
            }
        }
        need.sort_unstable();
        need.dedup();
        Some(need)
    }
}

/// Adds the shards of `args`'s keys to `to`; `None` unless it is a command whose keys are
/// all it touches (`shard::route`).
fn add_shards(args: &[Bytes], shards: usize, to: &mut Vec<usize>) -> Option<()> {
    match route(args, shards) {
        Route::Shard(_, s) => to.push(s),
        Route::Shards(list) => to.extend(list),
        Route::Main => return None,
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::slot::shard_of;
    use crate::{Engine, NullHost};
    use bytes::Bytes;

    const NOW: i64 = 1_700_000_000_000;

    fn cmds(lines: &[&str]) -> Vec<Vec<Bytes>> {
        lines
            .iter()
            .map(|l| {
                l.split(' ')
                    .map(|a| Bytes::copy_from_slice(a.as_bytes()))
                    .collect()
            })
            .collect()
    }

    fn shards(keys: &[&str]) -> Option<Vec<usize>> {
        let mut v: Vec<usize> = keys.iter().map(|k| shard_of(k.as_bytes(), 4)).collect();
        v.sort_unstable();
        v.dedup();
        Some(v)
    }

    #[test]
    fn a_batch_needs_the_shards_of_its_keys_and_of_what_exec_runs() {
        let mut config = Config::default();
        config.shards = 4;
        let mut eng = Engine::new(config, 1, NOW, Box::new(NullHost));
        let id = eng.connect("a".into(), "b".into(), 5, NOW);
        let scope = |eng: &Engine, lines: &[&str]| eng.batch_shards(id, &cmds(lines), 4);
        assert_eq!(scope(&eng, &["GET a", "SET b 1"]), shards(&["a", "b"]));
        assert_eq!(scope(&eng, &["MSET a 1 c 2"]), shards(&["a", "c"]));
        // Queued commands touch nothing until EXEC; DISCARD drops them.
        assert_eq!(scope(&eng, &["MULTI", "SET a 1", "INCR d"]), Some(vec![]));
        assert_eq!(
            scope(&eng, &["MULTI", "SET a 1", "INCR d", "EXEC", "GET e"]),
            shards(&["a", "d", "e"])
        );
        assert_eq!(scope(&eng, &["MULTI", "SET a 1", "DISCARD"]), Some(vec![]));
        assert_eq!(scope(&eng, &["MULTI", "SET a 1", "EXEC x"]), Some(vec![]));
        // Whatever is not a command on its keys alone takes every shard.
        for line in [
            "DBSIZE",
            "EVAL x 0",
            "BLPOP a 0",
            "KEYS *",
            "NOSUCH a",
            "SORT a",
        ] {
            assert_eq!(scope(&eng, &["GET a", line]), None, "{line}");
        }
        assert_eq!(scope(&eng, &["MULTI", "FLUSHALL", "EXEC"]), None);
        assert_eq!(scope(&eng, &["MULTI", "WATCH a"]), None);
        // Optimistic locking: WATCH's keys, then EXEC's.
        assert_eq!(
            scope(
                &eng,
                &["WATCH a b", "GET a", "MULTI", "SET c 1", "EXEC", "UNWATCH"]
            ),
            shards(&["a", "b", "c"])
        );
        // A transaction begun earlier: its queue counts at EXEC.
        let mut out = Vec::new();
        for args in cmds(&["MULTI", "SET f 1", "SET g 2"]) {
            eng.execute(id, &args, NOW, &mut out);
        }
        assert_eq!(scope(&eng, &["GET h"]), Some(vec![]));
        assert_eq!(scope(&eng, &["EXEC"]), shards(&["f", "g"]));
        // A parked client may be served into keys of any shard by any write.
        let other = eng.connect("c".into(), "d".into(), 6, NOW);
        let blmove = cmds(&["BLMOVE q z LEFT LEFT 0"]).remove(0);
        eng.execute(other, &blmove, NOW, &mut Vec::new());
        assert_eq!(scope(&eng, &["EXEC"]), None);
    }
}
