//! Server-level deterministic simulation. The production `server::connection` code serves
//! simulated TCP connections from turmoil (one thread, simulated time and network), driving
//! the real engine; simulated clients issue random commands, inject faults (vanishing
//! mid-request or while blocked, slow reads, pipelining, clock jumps, network latency), and
//! record every operation's invocation and return. The histories are then checked for
//! linearizability with porcupine-rs against a small model of the commands used.
//!
//! One seed decides everything: the configuration (swarm testing), turmoil's network rng,
//! the engine's seed, and every client choice. The trace hash of a run is the hash of its
//! recorded history, so rerunning a seed reproduces it.

mod client;
mod history;
mod model;
mod pubsub;
mod rng;
mod server_host;

pub use history::{Op, Output, Record};
pub use rng::SimRng;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

/// What one seed runs: drawn from the seed unless set.
#[derive(Clone, Debug)]
pub struct Plan {
    pub clients: usize,
    pub ops_per_client: usize,
    pub groups: u32,
    pub max_pipeline: usize,
    /// Per-operation fault probabilities, in 1/1000.
    pub p_vanish: u32,
    pub p_slow_read: u32,
    pub p_split_write: u32,
    pub p_clock_jump: u32,
    pub p_stall: u32,
    /// Share of turns that run an optimistic WATCH/MULTI/EXEC increment.
    pub p_cas: u32,
    pub max_latency_ms: u64,
    /// Server configuration drawn per seed: `list-max-listpack-size` and `hz`.
    pub list_max_listpack_size: i64,
    pub hz: u32,
    /// Whether a subscriber listens to the PUBLISH operations.
    pub subscriber: bool,
    /// Keyspace shards (1-4): single-shard commands run under their shard's lock, the rest on
    /// the main engine holding every shard.
    pub shards: usize,
}

impl Plan {
    /// Swarm testing: every seed draws its own mix, so rare combinations get explored.
    pub fn draw(seed: u64) -> Plan {
        let mut r = SimRng::new(seed ^ 0x5eed_5eed);
        Plan {
            clients: 2 + r.below(5) as usize,
            ops_per_client: 40 + r.below(80) as usize,
            groups: 1 + r.below(3) as u32,
            max_pipeline: 1 + r.below(6) as usize,
            p_vanish: [0, 5, 30][r.below(3) as usize],
            p_slow_read: [0, 20, 100][r.below(3) as usize],
            p_split_write: [0, 50, 300][r.below(3) as usize],
            p_clock_jump: [0, 10][r.below(2) as usize],
            p_stall: [0, 10, 50][r.below(3) as usize],
            p_cas: [0, 50, 200][r.below(3) as usize],
            max_latency_ms: [1, 5, 20][r.below(3) as usize],
            subscriber: r.below(4) != 0,
            list_max_listpack_size: [-2, 1, 2, 4][r.below(4) as usize],
            hz: [1, 10, 100][r.below(3) as usize],
            // Drawn last, so the draws above stay what they were for every seed.
            shards: 1 + r.below(4) as usize,
        }
    }
}

/// The outcome of one seed.
#[derive(Debug)]
pub struct Report {
    pub seed: u64,
    pub plan: Plan,
    /// FNV-1a of the recorded history: equal runs, equal hashes.
    pub trace_hash: u64,
    pub operations: usize,
    /// Operations whose outcome the client could not learn (it vanished, or the link broke).
    pub unknown: usize,
    /// BLPOPs that got an element (served at once or woken), rather than timing out.
    pub blpop_served: usize,
    /// Messages the subscriber received.
    pub delivered: usize,
    pub simulated: Duration,
    /// `None` when linearizable and every client finished.
    pub failure: Option<String>,
}

/// Runs one seed under its drawn plan.
pub fn run_seed(seed: u64) -> Report {
    run_plan(seed, Plan::draw(seed))
}

/// Runs one seed under `plan`.
pub fn run_plan(seed: u64, plan: Plan) -> Report {
    let records: Rc<RefCell<Vec<Record>>> = Rc::default();
    let mut sim = turmoil::Builder::new()
        .rng_seed(seed)
        .simulation_duration(Duration::from_secs(600))
        .tick_duration(Duration::from_millis(1))
        .min_message_latency(Duration::from_micros(100))
        .max_message_latency(Duration::from_millis(plan.max_latency_ms))
        .build();
    let jump = server_host::install(&mut sim, seed, &plan);
    let finished = Rc::new(Cell::new(0));
    let received: Rc<RefCell<pubsub::Received>> = Rc::default();
    for c in 0..plan.clients {
        let records = records.clone();
        let plan = plan.clone();
        let jump = jump.clone();
        let finished = finished.clone();
        sim.client(format!("client{c}"), async move {
            client::run(c as u32, seed, &plan, records, jump).await;
            finished.set(finished.get() + 1);
            Ok(())
        });
    }
    if plan.subscriber {
        let (groups, clients) = (plan.groups, plan.clients);
        let received = received.clone();
        sim.client("subscriber", async move {
            pubsub::subscriber(groups, clients, finished, received).await;
            Ok(())
        });
    }
    let outcome = sim.run();
    let simulated = sim.elapsed();
    let records = records.take();
    let trace_hash = history::hash(&records);
    if let Ok(path) = std::env::var("NETSIM_TRACE") {
        // Debugging aid: the history, one operation per line, to diff two runs of a seed.
        let lines: Vec<String> = records.iter().map(|r| format!("{r:?}")).collect();
        let _ = std::fs::write(format!("{path}.{seed}.{trace_hash:016x}"), lines.join("\n"));
    }
    let delivered = received.borrow().messages.len();
    let failure = match outcome {
        Err(e) => Some(format!("simulation error: {e}")),
        Ok(()) => model::check(&records)
            .and_then(|()| match plan.subscriber {
                true => pubsub::check(&received.borrow(), &records),
                false => Ok(()),
            })
            .err(),
    };
    Report {
        seed,
        plan,
        trace_hash,
        operations: records.len(),
        unknown: records.iter().filter(|r| r.out == Output::Unknown).count(),
        blpop_served: records
            .iter()
            .filter(|r| matches!(r.op, Op::BLPop(..)) && matches!(r.out, Output::Arr(_)))
            .count(),
        delivered,
        simulated,
        failure,
    }
}
