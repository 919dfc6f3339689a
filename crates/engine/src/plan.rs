//! The execution plan: where the I/O shell runs a client's parsed commands. Sans-IO and
//! derived from the command table alone (flags, traits, key specs) and from what the shell
//! knows of the client (`ClientPlan`), so the shell only carries it out.
//!
//! A command whose keys all live in one shard and that touches nothing but them runs on that
//! shard's engine under its lock alone (`Step::Shard`, `Engine::execute_fast`); one whose
//! keys span shards runs on the main engine holding just those (`Step::Shards`); everything
//! else runs on the main engine holding the shards the batch needs (`Engine::batch_shards`:
//! a transaction's queue, WATCH's keys; every shard when anything is uncertain), on the I/O
//! thread (`Step::Main`) or, when it may run a script, off it (`Step::Offload`).

use crate::command::lookup::{lookup, resolve};
use crate::command::{flags, introspect, traits, Cmd, Command};
use crate::engine::Engine;
use crate::shard::FastSession;
use crate::slot;
use bytes::Bytes;

/// What the shell does next.
pub enum Step {
    /// The first command runs on this shard engine alone. It may still refuse there (a key
    /// someone watches or waits on): then the rest goes to `ClientPlan::main_step`.
    Shard(Cmd, usize),
    /// The first command runs on the main engine holding just these shards (ascending).
    Shards(Vec<usize>),
    /// The rest of the batch runs on the main engine, on the I/O thread.
    Main,
    /// The rest of the batch runs on the main engine off the I/O thread: it may run a
    /// script, which may hold the engine for long.
    Offload,
}

/// What the plan knows of one client between batches.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientPlan {
    /// Set while the client's session lets its commands run on shards: its db and
    /// protocol (`Engine::fast_session`, asked after every main-engine batch).
    pub fast: Option<FastSession>,
    /// A script command was queued inside MULTI since the last EXEC: that EXEC may run it.
    script_queued: bool,
}

impl ClientPlan {
    /// Where `args`, the first pending command, runs when the client may use shards: on one
    /// shard, or on the main engine with just the shards of its keys. None: the rest of the
    /// batch goes to the main engine (`main_step`). Inlined into the shell's hot path.
    #[inline(always)]
    pub fn shard_step(&self, args: &[Bytes], shards: usize) -> Option<Step> {
        self.fast?;
        match route(args, shards) {
            Route::Shard(cmd, s) => Some(Step::Shard(cmd, s)),
            Route::Shards(list) => Some(Step::Shards(list)),
            Route::Main => None,
        }
    }

    /// How the rest of the batch runs on the main engine: off the I/O thread when it may
    /// run a script (a script command, or EXEC after one was queued since the last EXEC).
    pub fn main_step<'a>(&mut self, pending: impl IntoIterator<Item = &'a Vec<Bytes>>) -> Step {
        let mut script = false;
        for args in pending {
            let Some(cmd) = resolve(args) else { continue };
            if cmd.is(traits::TX_RUN) {
                script |= std::mem::take(&mut self.script_queued);
            } else if cmd.is(traits::SCRIPT) {
                self.script_queued = true;
                script = true;
            }
        }
        if script {
            Step::Offload
        } else {
            Step::Main
        }
    }
}

/// Whether any of `pending` is a blocking command (they queue in arrival order across
/// I/O threads: the shell's arrival barrier).
pub fn may_block<'a>(pending: impl IntoIterator<Item = &'a Vec<Bytes>>) -> bool {
    pending
        .into_iter()
        .any(|a| lookup(a).is_ok_and(|c| c.has(flags::BLOCKING)))
}

/// Where a command may run, by its keys alone.
pub enum Route {
    /// Every key is in this shard: run it there alone (`Engine::execute_fast`).
    Shard(Cmd, usize),
    /// Its keys span these shards (ascending): run it on the main engine holding just them.
    Shards(Vec<usize>),
    /// The main engine holding every shard.
    Main,
}

/// Where `args` may run with the keyspace in `shards` shards. Inlined into both callers: on
/// the connection's hot path a call of its own cost ~30 instructions per command.
#[inline(always)]
pub fn route(args: &[Bytes], shards: usize) -> Route {
    let Ok(cmd) = lookup(args) else {
        return Route::Main;
    };
    if !shard_local(cmd.def) {
        return Route::Main;
    }
    if shards <= 1 {
        return Route::Shard(cmd, 0);
    }
    // The first key's shard, and every shard only once a second one shows up (so the
    // common case allocates nothing).
    let mut first = None;
    let mut all: Vec<usize> = Vec::new();
    let found = for_each_key(cmd.def, args, |key| {
        let s = slot::shard_of(key, shards);
        match first {
            None => first = Some(s),
            Some(f) if f == s && all.is_empty() => {}
            Some(f) => {
                if all.is_empty() {
                    all.push(f);
                }
                all.push(s);
            }
        }
    });
    if !found {
        return Route::Main;
    }
    match first {
        None => Route::Main,
        Some(s) if all.is_empty() => Route::Shard(cmd, s),
        Some(_) => {
            all.sort_unstable();
            all.dedup();
            Route::Shards(all)
        }
    }
}

/// Calls `f` with each key `args` names; false when they cannot be told (arguments missing).
/// Key positions come from the legacy range unless they move with the arguments (SET's
/// `getkeys` only varies flags); that path allocates, the common one does not.
pub(crate) fn for_each_key(cmd: &Command, args: &[Bytes], mut f: impl FnMut(&[u8])) -> bool {
    if cmd.has(flags::MOVABLE_KEYS) {
        let Some(keys) = introspect::keys_of(cmd, args) else {
            return false;
        };
        for k in keys {
            match args.get(k.0) {
                Some(a) => f(a),
                None => return false,
            }
        }
    } else {
        let argc = args.len() as i32;
        let last = if cmd.last_key < 0 {
            argc + cmd.last_key
        } else {
            cmd.last_key
        };
        for i in (cmd.first_key..=last).step_by(cmd.key_step.max(1) as usize) {
            match args.get(i as usize) {
                Some(a) => f(a),
                None => return false,
            }
        }
    }
    true
}

/// Commands that can run on a shard engine: they name keys, and touch nothing beyond them
/// and the shard's own counters (OBJECT ENCODING and friends included). Not: blocking
/// commands (parking needs the session), scripts and WATCH (noscript), pub/sub, container
/// commands, and SORT, whose BY/GET patterns read keys it does not name.
fn shard_local(cmd: &Command) -> bool {
    cmd.first_key > 0
        && cmd.subcommands.is_empty()
        && cmd.flags & (flags::BLOCKING | flags::NOSCRIPT | flags::PUBSUB | flags::ADMIN) == 0
        && !cmd.is(traits::READS_UNNAMED_KEYS)
}

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
            let cmd = crate::command::lookup::resolve(args)?;
            match queued.as_mut() {
                Some(q) if cmd.is(traits::TX_RUN) => {
                    // EXEC with arguments aborts, running nothing.
                    if args.len() == 1 {
                        need.append(q);
                    }
                    queued = None;
                }
                Some(_) if cmd.is(traits::TX_DROP) => queued = None,
                // Not queued (MULTI, WATCH refused; QUIT, RESET end it).
                Some(_) if cmd.is(traits::TX_DIRECT) => return None,
                Some(q) => add_shards(args, shards, q)?,
                None if cmd.is(traits::TX_BEGIN) && args.len() == 1 => queued = Some(Vec::new()),
                // WATCH reads whether its keys have expired (it is refused by scripts, so
                // `route` sends it here).
                None if cmd.is(traits::TX_DIRECT) && cmd.first_key > 0 => {
                    if !for_each_key(cmd.def, args, |k| need.push(slot::shard_of(k, shards))) {
                        return None;
                    }
                }
                None if cmd.is(traits::SESSION_ONLY) => {}
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
