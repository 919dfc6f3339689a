//! A connection's state and the work it does with the engine: parse what was read, run it
//! on the key's shard when it may (engine::shard) or else under the main engine lock, take
//! wake-ups. While another connection's script holds the engine, it never waits on it: past
//! `busy-reply-threshold` it answers by itself (crate::busy), before that it retries shortly. A batch that may run a script runs on tokio's blocking
//! pool, so the I/O thread stays free for the other connections (and their SCRIPT KILL).

use crate::arrival::ArrivalGuard;
use crate::buffers::BufferStats;
use crate::busy::{BusySession, Deferred};
use crate::output::Output;
use crate::shared::Shared;
use bytes::{Bytes, BytesMut};
use engine::plan::{self, ClientPlan, Step};
use engine::shard::FastSession;
use engine::{Action, Flow};
use resp::request::{Limits, ProtocolError, RequestParser};
use std::collections::VecDeque;
use std::sync::Arc;

pub(crate) struct Conn {
    pub shared: Arc<Shared>,
    pub id: u64,
    pub buf: BytesMut,
    pub out: Output,
    /// This connection's buffer sizes as CLIENT LIST shows them.
    stats: Arc<BufferStats>,
    /// Subscribed to something: the pubsub class of `client-output-buffer-limit` applies.
    subscriber: bool,
    /// Housekeeping rounds since input last arrived (crate::connection).
    idle_rounds: u32,
    /// CLIENT LIST was last told of pending replies (so an empty buffer must be told too).
    output_shown: bool,
    pub parser: RequestParser,
    pub pending: VecDeque<Vec<Bytes>>,
    pub blocked: bool,
    pub close: bool,
    /// A script held the engine: run `pending` again shortly.
    pub retry: bool,
    /// Likewise for a wake-up (`attend`) that could not take the engine.
    pub retry_attend: bool,
    /// `pending` may run a script: the serve loop runs it off the I/O thread (`offload`).
    pub offload: bool,
    /// A protocol error found after commands that are still to run: sent after them.
    protocol_error: Option<ProtocolError>,
    /// `proto-max-bulk-len`, remembered for parsing while the engine is busy.
    max_bulk: u64,
    /// What this connection knows of its session while a script holds the engine, and the
    /// session work it answered then and owes the engine (crate::busy).
    busy: BusySession,
    /// Held while the connection lives (dropped before its socket closes): its place in
    /// the arrival order of blocking commands.
    _arrival: Option<ArrivalGuard>,
    /// Where its commands run (engine::plan): whether they may use shards, and whether EXEC
    /// may run a script.
    plan: ClientPlan,
    /// Bytes read and written since the engine last counted them.
    pub io_in: u64,
    pub io_out: u64,
}

/// A connection's query buffer allocation (as Redis's, about 20 KiB), and the room below
/// which a drained one is given its whole allocation back.
pub const QUERY_BUFFER: usize = 20 * 1024;
const QUERY_BUFFER_MIN: usize = 16 * 1024;

/// Runs the first pending command, whose keys span `shards`, on the main engine holding
/// just those shards. False, running nothing, when it needs the whole keyspace after all
/// (a client parked somewhere might be woken into a command on other shards).
fn run_on_some_shards(
    shared: &Shared,
    id: u64,
    pending: &mut VecDeque<Vec<Bytes>>,
    shards: &[usize],
    now: i64,
    out: &mut Vec<u8>,
    io: &mut (u64, u64),
) -> bool {
    let Some(mut eng) = shared.lock_shards_unless_script(shards) else {
        return false;
    };
    if !eng.blocking.is_idle() {
        return false;
    }
    let Some(args) = pending.pop_front() else {
        return false;
    };
    let (input, output) = std::mem::take(io);
    eng.account_io(id, input, output);
    let flow = eng.execute(id, &args, now, out);
    debug_assert_eq!(
        flow,
        Flow::Continue,
        "keyed commands neither block nor close"
    );
    let actions = std::mem::take(&mut eng.actions);
    drop(eng);
    shared.perform(actions);
    true
}

/// What running a batch under the engine lock led to.
struct Ran {
    retry: bool,
    close: bool,
    blocked: bool,
    proto: Option<resp::Proto>,
    in_multi: Option<bool>,
    fast: Option<FastSession>,
    subscriber: Option<bool>,
    actions: Vec<Action>,
}

/// Runs `pending` under one engine lock until it empties, a command blocks or closes;
/// first what was answered for this client while a script held the engine (`deferred`).
fn run_batch(
    shared: &Shared,
    id: u64,
    deferred: &mut Vec<Deferred>,
    pending: &mut VecDeque<Vec<Bytes>>,
    out: &mut Vec<u8>,
    io: &mut (u64, u64),
) -> Ran {
    let mut ran = Ran {
        retry: false,
        close: false,
        blocked: false,
        proto: None,
        in_multi: None,
        fast: None,
        subscriber: None,
        actions: Vec::new(),
    };
    // Just the shards the batch touches (a transaction's keys, say): single-shard
    // commands on the others go on meanwhile.
    let count = shared.shards.len();
    let Some(mut eng) =
        shared.lock_scoped_unless_script(|eng| eng.batch_shards(id, pending.iter(), count))
    else {
        ran.retry = true;
        return ran;
    };
    let (input, output) = std::mem::take(io);
    eng.account_io(id, input, output);
    let now = shared.now_ms();
    if !deferred.is_empty() {
        crate::busy::settle(&mut eng, id, std::mem::take(deferred), now);
    }
    while let Some(args) = pending.pop_front() {
        match eng.execute(id, &args, now, out) {
            Flow::Continue => {}
            Flow::Close => {
                ran.close = true;
                pending.clear();
                break;
            }
            Flow::Blocked => {
                ran.blocked = true;
                break;
            }
        }
    }
    if let Some(s) = eng.clients.get(&id) {
        ran.proto = Some(s.proto);
        ran.in_multi = Some(s.multi.is_some());
    }
    ran.subscriber = Some(eng.pubsub.is_subscriber(id));
    ran.fast = eng.fast_session(id);
    ran.actions = std::mem::take(&mut eng.actions);
    ran
}

impl Conn {
    pub fn new(
        shared: Arc<Shared>,
        busy: BusySession,
        buf: BytesMut,
        parser: RequestParser,
        arrival: Option<ArrivalGuard>,
    ) -> Conn {
        let id = busy.id;
        let stats = shared.buffers.register(id);
        stats.set_query(buf.len(), buf.capacity());
        Conn {
            shared,
            id,
            buf,
            out: Output::default(),
            stats,
            subscriber: false,
            idle_rounds: 0,
            output_shown: false,
            parser,
            pending: VecDeque::new(),
            blocked: false,
            close: false,
            retry: false,
            retry_attend: false,
            offload: false,
            protocol_error: None,
            max_bulk: 512 * 1024 * 1024,
            busy,
            _arrival: arrival,
            plan: ClientPlan::default(),
            io_in: 0,
            io_out: 0,
        }
    }

    /// Parses what is buffered and runs it, unless a command blocks.
    pub fn parse_and_run(&mut self) {
        self.max_bulk = self.shared.settings.max_bulk();
        let limits = Limits {
            proto_max_bulk_len: self.max_bulk,
            ..Limits::default()
        };
        // While the batch runs, its commands count as query buffer (CLIENT LIST's qbuf), as
        // in Redis, which trims its buffer after the batch.
        let batch = self.buf.len();
        self.stats.set_query(batch, self.buf.capacity());
        loop {
            match self.parser.next(&mut self.buf, &limits) {
                Ok(Some(args)) => self.pending.push_back(args),
                Ok(None) => break,
                Err(e) => {
                    self.protocol_error = Some(e);
                    break;
                }
            }
        }
        self.run_pending();
        self.finish_protocol_error();
        self.fit_query_buffer(batch);
    }

    /// After a batch: a drained buffer that grew for a big argument shrinks back to what the
    /// batch needed (Redis's peak rule); a drained one whose room the parsed commands used
    /// up past `QUERY_BUFFER_MIN` takes it back (so a read always has a full chunk, and this
    /// costs one comparison on most batches).
    fn fit_query_buffer(&mut self, peak: usize) {
        const RESIZE_THRESHOLD: usize = 32 * 1024;
        if self.buf.is_empty() {
            let capacity = self.buf.capacity();
            if capacity > RESIZE_THRESHOLD && peak < capacity / 2 {
                self.buf = BytesMut::with_capacity(peak.max(QUERY_BUFFER));
            } else if capacity < QUERY_BUFFER_MIN {
                self.buf.reserve(QUERY_BUFFER);
            }
        }
        self.stats.set_query(self.buf.len(), self.buf.capacity());
    }

    /// Input arrived: the connection is not idle.
    pub fn note_input(&mut self) {
        self.idle_rounds = 0;
    }

    /// `n` reply bytes reached the socket.
    pub fn wrote(&mut self, n: usize) {
        self.io_out += n as u64;
        self.out.written(n);
    }

    /// Publishes the output buffer's sizes; true when they pass the client's
    /// `client-output-buffer-limit` class (pubsub for subscribers, else normal): the
    /// connection must close, its replies dropped, as Redis does.
    pub fn over_output_limit(&mut self) -> bool {
        let pending = self.out.pending_len();
        // The common case costs one comparison: all written, and already shown as such.
        if pending == 0 && !self.output_shown {
            return false;
        }
        self.out.note_peak();
        self.stats
            .set_output(pending, self.out.capacity(), self.out.peak());
        self.output_shown = pending > 0;
        let limit = self.shared.settings.output_limit(self.subscriber);
        let shared = &self.shared;
        if !self.out.over_limit(limit, || shared.now_ms()) {
            return false;
        }
        tracing::warn!(
            "Client id={} scheduled to be closed ASAP for overcoming of output buffer limits.",
            self.id
        );
        self.out.discard();
        true
    }

    /// About once a second, when the cron asks (crate::buffers, like Redis's clients cron):
    /// a query buffer with nothing in it for `IDLE_ROUNDS` rounds (two seconds or more) is
    /// freed, so an idle connection holds no read buffer, and the reply peak starts over.
    pub fn housekeeping(&mut self) {
        const IDLE_ROUNDS: u32 = 3;
        self.idle_rounds = self.idle_rounds.saturating_add(1);
        if self.idle_rounds >= IDLE_ROUNDS && self.buf.is_empty() && self.buf.capacity() > 0 {
            self.buf = BytesMut::new();
            self.stats.set_query(0, 0);
        }
        self.out.reset_peak();
        self.stats
            .set_output(self.out.pending_len(), self.out.capacity(), self.out.peak());
    }

    /// The commands before a bad frame ran; then the error, and the connection ends.
    fn finish_protocol_error(&mut self) {
        if self.offload || self.retry || !self.pending.is_empty() && !self.blocked {
            return;
        }
        if let Some(e) = self.protocol_error.take() {
            if !self.blocked {
                self.out.buf.extend_from_slice(&e.to_reply());
            }
            self.close = true;
        }
    }

    /// Carries out the execution plan (engine::plan) for the pending commands: the leading
    /// ones that may run on shards there, the rest on the main engine, on this thread or off
    /// it, until the queue empties or a command blocks.
    pub fn run_pending(&mut self) {
        if self.pending.is_empty() || self.blocked {
            return;
        }
        if self.shared.gate.running() {
            self.answer_while_busy();
            if self.pending.is_empty() || self.close {
                return;
            }
        }
        // Session work from a busy script comes first, on the main engine.
        if self.busy.deferred.is_empty() && self.run_on_shards() {
            return;
        }
        if let Step::Offload = self.plan.main_step(&self.pending) {
            self.offload = true;
            return;
        }
        // Blocking commands queue in arrival order: earlier input on other threads first.
        if let Some(arrivals) = &self.shared.arrivals {
            if plan::may_block(&self.pending) {
                arrivals.wait_for_earlier();
            }
        }
        let mut io = (self.io_in, self.io_out);
        let ran = run_batch(
            &self.shared,
            self.id,
            &mut self.busy.deferred,
            &mut self.pending,
            &mut self.out.buf,
            &mut io,
        );
        (self.io_in, self.io_out) = io;
        self.apply(ran);
    }

    /// Runs the leading commands the plan sends to shards: a single-shard one under its
    /// shard's lock alone (consecutive ones on the same shard under one acquisition), one
    /// spanning shards on the main engine holding just those. True when nothing is left
    /// for the main engine.
    /// It borrows `shared` from its field rather than cloning the `Arc`: a clone per batch is
    /// a locked increment and decrement on one cache line that every I/O thread shares.
    fn run_on_shards(&mut self) -> bool {
        let Some(session) = self.plan.fast else {
            return false;
        };
        let now = self.shared.now_ms();
        let shared: &Shared = &self.shared;
        let count = shared.shards.len();
        let mut held: Option<(usize, std::sync::MutexGuard<'_, engine::Engine>)> = None;
        let mut all_ran = false;
        while let Some(args) = self.pending.front() {
            match self.plan.shard_step(args, count) {
                Some(Step::Shard(cmd, shard)) => {
                    if held.as_ref().is_none_or(|(s, _)| *s != shard) {
                        // One shard lock at a time: holding one while waiting for another
                        // could deadlock with the main engine taking them all in order.
                        drop(held.take());
                        let Some(mut eng) = shared.lock_shard_unless_script(shard) else {
                            break;
                        };
                        eng.account_io(self.id, self.io_in, self.io_out);
                        (self.io_in, self.io_out) = (0, 0);
                        held = Some((shard, eng));
                    }
                    let Some((_, eng)) = held.as_mut() else {
                        break;
                    };
                    if !eng.execute_fast(self.id, session, cmd, args, now, &mut self.out.buf) {
                        break;
                    }
                    if let Some(args) = self.pending.pop_front() {
                        self.parser.recycle(args);
                    }
                }
                Some(Step::Shards(list)) => {
                    drop(held.take());
                    let mut io = (self.io_in, self.io_out);
                    let ran = run_on_some_shards(
                        shared,
                        self.id,
                        &mut self.pending,
                        &list,
                        now,
                        &mut self.out.buf,
                        &mut io,
                    );
                    (self.io_in, self.io_out) = io;
                    if !ran {
                        break;
                    }
                }
                _ => break,
            }
            all_ran = self.pending.is_empty();
        }
        drop(held);
        // Events and invalidations the commands raised go out before this reply.
        self.shared.settle_shard_queue();
        all_ran || self.pending.is_empty()
    }

    /// Runs `pending` on tokio's blocking pool: a script may hold the engine for long.
    pub async fn run_offloaded(&mut self) {
        self.offload = false;
        let shared = self.shared.clone();
        let id = self.id;
        let mut pending = std::mem::take(&mut self.pending);
        // Put back below: nothing writes the buffer while the batch runs elsewhere.
        let mut out = std::mem::take(&mut self.out.buf);
        let mut io = (self.io_in, self.io_out);
        let mut deferred = std::mem::take(&mut self.busy.deferred);
        let joined = tokio::task::spawn_blocking(move || {
            let ran = run_batch(&shared, id, &mut deferred, &mut pending, &mut out, &mut io);
            (ran, pending, out, io)
        })
        .await;
        match joined {
            Ok((ran, pending, out, io)) => {
                self.pending = pending;
                self.out.buf = out;
                (self.io_in, self.io_out) = io;
                self.apply(ran);
                if !self.blocked && !self.close && !self.retry {
                    // Commands read meanwhile, or a protocol error after the batch.
                    self.parse_and_run();
                }
            }
            Err(_) => self.close = true,
        }
    }

    fn apply(&mut self, ran: Ran) {
        self.retry |= ran.retry;
        self.close |= ran.close;
        self.blocked |= ran.blocked;
        if let Some(p) = ran.proto {
            self.busy.proto = p;
        }
        if let Some(in_multi) = ran.in_multi {
            self.busy.in_multi = in_multi;
        }
        if !ran.retry {
            self.plan.fast = ran.fast;
        }
        if let Some(subscriber) = ran.subscriber {
            self.subscriber = subscriber;
        }
        if ran.actions.contains(&Action::Shutdown) || self.shared.gate.shutdown_requested() {
            // Redis closes the connection of a successful SHUTDOWN without a reply.
            self.out.discard();
            self.close = true;
        }
        self.shared.perform(ran.actions);
    }

    /// While another connection's script runs: past the threshold, answer by ourselves;
    /// before it, try again shortly.
    fn answer_while_busy(&mut self) {
        while self.shared.gate.busy() {
            let Some(args) = self.pending.pop_front() else {
                return;
            };
            match crate::busy::answer(&self.shared, &args, &mut self.busy, &mut self.out.buf) {
                crate::busy::BusyAnswer::Continue => {}
                crate::busy::BusyAnswer::Quit => {
                    self.pending.clear();
                    self.close = true;
                    return;
                }
                crate::busy::BusyAnswer::Shutdown => {
                    self.out.discard();
                    self.pending.clear();
                    self.close = true;
                    return;
                }
            }
        }
    }

    /// The engine signalled this client: it was killed, or woken with a reply.
    pub fn attend(&mut self) {
        let (killed, reply, still_blocked) = {
            let Some(mut eng) = self.shared.lock_unless_script() else {
                self.retry_attend = true;
                return;
            };
            let killed = eng.clients.get(&self.id).is_none_or(|s| s.killed);
            self.plan.fast = eng.fast_session(self.id);
            self.subscriber = eng.pubsub.is_subscriber(self.id);
            (killed, eng.take_outbox(self.id), eng.is_blocked(self.id))
        };
        if killed {
            // Killed clients get nothing more, as in Redis (CLIENT KILL, output limits).
            self.out.discard();
            self.close = true;
            return;
        }
        if let Some(bytes) = reply {
            self.out.buf.extend_from_slice(&bytes);
        }
        if self.blocked && !still_blocked {
            self.blocked = false;
            self.run_pending();
            if !self.blocked && !self.close && !self.offload {
                self.parse_and_run();
            }
        }
    }
}
