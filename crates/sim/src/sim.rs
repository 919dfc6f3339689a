//! One simulated run: a seed draws the swarm configuration, then many clients (real engine
//! client ids) take turns sending command batches to the real `Engine` under a simulated
//! clock. Every reply is checked against the reference model, invariants after every step,
//! and at the end the live keyspace against the model and the effects replay.

use crate::clock::SimClock;
use crate::expect::Expect;
use crate::gen::Gen;
use crate::invariants;
use crate::model::Model;
use crate::replay::{self, Replica};
use crate::rng::SimRng;
use crate::swarm::Swarm;
use crate::trace::Trace;
use bytes::Bytes;
use engine::config::Config;
use engine::{Action, Effect, Engine, Flow, NullHost};
use resp::Frame;
use std::collections::{BTreeMap, BTreeSet};

/// The simulated clock starts here (unix ms), far from any edge.
pub const START_MS: i64 = 1_700_000_000_000;

/// Steps per seed unless told otherwise (`lattice-sim --steps`).
pub const DEFAULT_STEPS: usize = 2000;

/// Family indexes with special handling (see `swarm::FAMILIES`).
const MULTI: usize = 6;

#[derive(Clone, Debug)]
pub struct Options {
    pub seed: u64,
    /// Scheduling steps (one client batch each).
    pub steps: usize,
    pub workload: String,
    /// BUGGIFY point name prefixes allowed to fire; None: all; empty: faults off.
    pub faults: Option<Vec<String>>,
    /// Events shown in a failure report.
    pub keep_events: usize,
    /// Overrides the drawn Zipf skew of key popularity (0 = uniform).
    pub skew: Option<f64>,
}

impl Options {
    /// The `lattice-sim` command line that replays this run (planted bugs, if any, are the
    /// caller's to add).
    pub fn rerun_command(&self) -> String {
        let mut cmd = format!(
            "lattice-sim --seed {} --workload {}",
            self.seed, self.workload
        );
        if self.steps != DEFAULT_STEPS {
            cmd.push_str(&format!(" --steps {}", self.steps));
        }
        match &self.faults {
            None => {}
            Some(f) if f.is_empty() => cmd.push_str(" --faults none"),
            Some(f) => cmd.push_str(&format!(" --faults {}", f.join(","))),
        }
        if let Some(skew) = self.skew {
            cmd.push_str(&format!(" --skew {skew}"));
        }
        cmd
    }

    pub fn new(seed: u64, steps: usize) -> Options {
        Options {
            seed,
            steps,
            workload: "swarm".into(),
            faults: None,
            keep_events: crate::trace::KEEP,
            skew: None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Report {
    pub seed: u64,
    pub trace_hash: u64,
    pub events: u64,
    /// Replies checked against the model (wake-ups included).
    pub ops_checked: u64,
    pub sim_ms: i64,
    pub effects: usize,
    /// Complete SCAN iterations whose guarantee was checked.
    pub scans: u64,
    pub swarm: String,
    /// BUGGIFY points that fired: (name, times).
    pub faults_fired: Vec<(&'static str, u64)>,
    pub failure: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Plan {
    Normal,
    Watching,
    InMulti(usize),
    /// A SCAN iteration in progress (state in `Sim::scans`).
    Scanning,
}

/// One client's SCAN iteration: the keys it must report (with their removal counts when
/// the scan began), what it reported so far, and where it is.
struct ScanState {
    db: usize,
    must: BTreeMap<Vec<u8>, u64>,
    seen: BTreeSet<Vec<u8>>,
    cursor: Bytes,
    count: u32,
    calls: u32,
}

/// Steps between two whole-keyspace comparisons (replica vs engine, engine vs model).
const REPLICA_CHECK_EVERY: usize = 100;

/// More SCAN calls than this for a small keyspace means the cursor never ends.
const MAX_SCAN_CALLS: u32 = 10_000;

struct Sim {
    eng: Engine,
    model: Model,
    gen: Gen,
    rng: SimRng,
    trace: Trace,
    swarm: Swarm,
    clock: SimClock,
    clients: Vec<(u64, Plan)>,
    /// Effects recorded so far (each applied to the replica as it comes).
    effects: usize,
    replica: Replica,
    ops: u64,
    scans: BTreeMap<u64, ScanState>,
    scans_done: u64,
}

/// Runs one seed to completion (or to its first failure).
pub fn run(opts: &Options) -> Report {
    let mut rng = SimRng::new(opts.seed);
    let mut swarm = Swarm::draw(&mut rng, &opts.workload);
    if let Some(skew) = opts.skew {
        swarm.skew = skew;
    }
    let faults_on = swarm.faults && opts.faults.as_ref().is_none_or(|f| !f.is_empty());
    if faults_on {
        engine::buggify::configure(opts.seed, swarm.fire_pct, opts.faults.clone());
    } else {
        engine::buggify::disable();
    }
    let mut sim = Sim::new(opts.seed, rng, swarm, opts.keep_events);
    let result = sim.setup().and_then(|()| {
        for step in 0..opts.steps {
            sim.step()
                .and_then(|()| sim.collect_effects())
                .map_err(|e| format!("step {step}: {e}"))?;
            if step % REPLICA_CHECK_EVERY == 0 {
                let now = sim.clock.now();
                sim.replica
                    .matches(&sim.eng)
                    .and_then(|()| {
                        let live = sim.model.live(now);
                        replay::model_matches(&sim.eng, &live, now)
                    })
                    .map_err(|e| format!("step {step}: {e}"))?;
            }
        }
        sim.finish()
    });
    let faults_fired = engine::buggify::report()
        .into_iter()
        .filter(|p| p.2 > 0)
        .map(|p| (p.0, p.2))
        .collect();
    engine::buggify::disable();
    let failure = result.err().map(|e| {
        format!(
            "seed {} (rerun: {}): {e}\n  swarm: {}\n  last events:\n{}",
            opts.seed,
            opts.rerun_command(),
            sim.swarm.describe(),
            sim.trace.recent()
        )
    });
    Report {
        seed: opts.seed,
        trace_hash: sim.trace.hash(),
        events: sim.trace.events(),
        ops_checked: sim.ops,
        sim_ms: sim.clock.now() - START_MS,
        effects: sim.effects,
        scans: sim.scans_done,
        swarm: sim.swarm.describe(),
        faults_fired,
        failure,
    }
}

/// Parses exactly one reply frame from `bytes`.
fn one_frame(bytes: &[u8]) -> Result<Frame, String> {
    match resp::parse_frame(bytes) {
        Ok(Some((f, n))) if n == bytes.len() => Ok(f),
        other => Err(format!(
            "reply is not one frame: {:?} ({other:?})",
            crate::trace::show(bytes)
        )),
    }
}

impl Sim {
    fn new(seed: u64, mut rng: SimRng, swarm: Swarm, keep: usize) -> Sim {
        let config = swarm.config.clone();
        let gen = Gen::new(rng.fork(), &swarm);
        let mut trace = Trace::with_keep(keep);
        trace.event(
            "start",
            0,
            &[&seed.to_le_bytes(), swarm.describe().as_bytes()],
        );
        let mut eng = Engine::new(Config::default(), seed, START_MS, Box::new(NullHost));
        // Some seeds split every db into parts by hash slot, as a sharded server's main
        // engine sees them (SCAN, RANDOMKEY, the expire cycle across parts). Derived from the
        // seed without drawing, so other draws stay as they were.
        let parts = 1 + (seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 62) as usize;
        if parts > 1 {
            eng.partition(parts);
        }
        Sim {
            eng,
            model: Model::default(),
            gen,
            rng,
            trace,
            swarm,
            clock: SimClock::starting_at(START_MS),
            clients: Vec::new(),
            effects: 0,
            replica: Replica::new(&config, START_MS),
            ops: 0,
            scans: BTreeMap::new(),
            scans_done: 0,
        }
    }

    fn setup(&mut self) -> Result<(), String> {
        let admin = self
            .eng
            .connect("sim:admin".into(), "sim:0".into(), -1, self.clock.now());
        for (name, value) in &self.swarm.config {
            let argv: Vec<Bytes> = ["CONFIG", "SET", name, value]
                .iter()
                .map(|s| Bytes::from(s.to_string()))
                .collect();
            let mut out = Vec::new();
            self.eng.execute(admin, &argv, self.clock.now(), &mut out);
            if out != b"+OK\r\n" {
                return Err(format!(
                    "CONFIG SET {name} {value}: {:?}",
                    crate::trace::show(&out)
                ));
            }
        }
        self.eng.disconnect(admin);
        for i in 0..self.swarm.clients {
            let id = self.eng.connect(
                format!("sim:{i}"),
                "sim:0".into(),
                i as i64,
                self.clock.now(),
            );
            self.model.connect(id);
            self.clients.push((id, Plan::Normal));
            if self.rng.pct(self.swarm.resp3_pct) {
                let mut out = Vec::new();
                let hello = [Bytes::from_static(b"HELLO"), Bytes::from_static(b"3")];
                self.eng.execute(id, &hello, self.clock.now(), &mut out);
                self.trace.event("hello3", id, &[&out]);
                if !matches!(one_frame(&out)?, Frame::Map(_)) {
                    return Err(format!("HELLO 3: {:?}", crate::trace::show(&out)));
                }
                self.model.set_resp3(id);
            }
        }
        self.eng.effects = Some(Vec::new());
        Ok(())
    }

    fn step(&mut self) -> Result<(), String> {
        if self.rng.pct(self.swarm.advance_pct) {
            let jump = self.rng.range(1, self.swarm.max_jump_ms);
            self.clock.advance(jump);
            self.trace
                .event("clock", 0, &[self.clock.now().to_string().as_bytes()]);
        }
        self.timeouts()?;
        if self.rng.pct(self.swarm.cron_pct) {
            self.trace.event("cron", 0, &[]);
            self.eng.cron(self.clock.now());
            self.check_wakes(Vec::new())?;
        }
        let runnable: Vec<usize> = (0..self.clients.len())
            .filter(|&i| !self.model.is_blocked(self.clients[i].0))
            .collect();
        if runnable.is_empty() {
            // Everyone is parked: time passes until the first deadline.
            let deadline = self
                .model
                .next_deadline()
                .ok_or("all clients parked forever")?;
            self.clock.advance_to(deadline);
            self.trace
                .event("clock", 0, &[self.clock.now().to_string().as_bytes()]);
            return self.timeouts();
        }
        let ci = *self.rng.pick(&runnable);
        for _ in 0..self.rng.range(1, self.swarm.batch_depth as i64) {
            self.gen.now_ms = self.clock.now();
            let argv = self.next_command(ci);
            if self.exec(ci, argv)? == Flow::Blocked {
                break;
            }
        }
        self.collect_effects()?;
        invariants::check(&self.eng)?;
        for &(id, _) in &self.clients {
            if self.eng.is_blocked(id) != self.model.is_blocked(id) {
                return Err(format!(
                    "client {id}: engine blocked={}",
                    self.eng.is_blocked(id)
                ));
            }
        }
        Ok(())
    }

    /// Moves the effects recorded since the last call into the run's log, applying each to
    /// the replica at the time it was recorded.
    fn collect_effects(&mut self) -> Result<(), String> {
        let now = self.clock.now();
        let new: Vec<Effect> = match self.eng.effects.as_mut() {
            Some(effs) => std::mem::take(effs),
            None => Vec::new(),
        };
        for e in new {
            self.replica.apply(now, &e)?;
            self.effects += 1;
        }
        Ok(())
    }

    /// The next command of client `ci`, following its transaction plan.
    fn next_command(&mut self, ci: usize) -> Vec<Bytes> {
        let plan = self.clients[ci].1;
        let data_family = |s: &mut Self| loop {
            let f = s.gen.family();
            if f != MULTI {
                return f;
            }
        };
        let (argv, next) = match plan {
            Plan::Normal => match self.gen.family() {
                MULTI if self.rng.pct(50) => {
                    let fam = self.rng.below(6) as usize;
                    let k = self.gen.key(fam);
                    (
                        vec![Bytes::from_static(b"WATCH"), Bytes::from(k)],
                        Plan::Watching,
                    )
                }
                MULTI => {
                    let n = self.rng.range(1, 4) as usize;
                    (vec![Bytes::from_static(b"MULTI")], Plan::InMulti(n))
                }
                0 | 1 if self.rng.pct(5) => {
                    let id = self.clients[ci].0;
                    let db = self.model.client_db(id);
                    let st = ScanState {
                        db,
                        must: self.model.scan_snapshot(db, self.clock.now()),
                        seen: BTreeSet::new(),
                        cursor: Bytes::from_static(b"0"),
                        count: *self.rng.pick(&[1, 2, 10]),
                        calls: 0,
                    };
                    self.scans.insert(id, st);
                    (self.scan_argv(id), Plan::Scanning)
                }
                fam => (self.gen.command(fam), Plan::Normal),
            },
            Plan::Scanning => {
                let id = self.clients[ci].0;
                (self.scan_argv(id), Plan::Scanning)
            }
            Plan::Watching => match self.rng.below(10) {
                0..=6 => {
                    let n = self.rng.range(1, 4) as usize;
                    (vec![Bytes::from_static(b"MULTI")], Plan::InMulti(n))
                }
                7 => (vec![Bytes::from_static(b"UNWATCH")], Plan::Normal),
                _ => {
                    let fam = data_family(self);
                    (self.gen.command(fam), Plan::Watching)
                }
            },
            Plan::InMulti(0) => {
                let word: &'static [u8] = if self.rng.pct(90) {
                    b"EXEC"
                } else {
                    b"DISCARD"
                };
                (vec![Bytes::from_static(word)], Plan::Normal)
            }
            Plan::InMulti(n) => {
                let fam = data_family(self);
                (self.gen.command(fam), Plan::InMulti(n - 1))
            }
        };
        self.clients[ci].1 = next;
        argv
    }

    fn scan_argv(&self, id: u64) -> Vec<Bytes> {
        let st = &self.scans[&id];
        vec![
            Bytes::from_static(b"SCAN"),
            st.cursor.clone(),
            Bytes::from_static(b"COUNT"),
            Bytes::from(st.count.to_string()),
        ]
    }

    /// Takes in one SCAN reply; at cursor 0, checks Redis's guarantee: every key present for
    /// the whole iteration was reported.
    fn scan_reply(&mut self, ci: usize, got: &Frame) -> Result<(), String> {
        let id = self.clients[ci].0;
        let Frame::Array(parts) = got else {
            return Err(format!("SCAN reply {got:?}"));
        };
        let (Some(Frame::Bulk(cursor)), Some(Frame::Array(keys))) = (parts.first(), parts.get(1))
        else {
            return Err(format!("SCAN reply {got:?}"));
        };
        let st = self.scans.get_mut(&id).ok_or("SCAN without a scan")?;
        st.calls += 1;
        for k in keys {
            if let Frame::Bulk(k) = k {
                st.seen.insert(k.to_vec());
            }
        }
        st.cursor = cursor.clone();
        if st.calls > MAX_SCAN_CALLS {
            return Err(format!("SCAN did not finish after {MAX_SCAN_CALLS} calls"));
        }
        if &cursor[..] != b"0" {
            return Ok(());
        }
        let st = self.scans.remove(&id).expect("present");
        self.clients[ci].1 = Plan::Normal;
        self.scans_done += 1;
        for (k, removals) in &st.must {
            if !st.seen.contains(k) && self.model.stayed(st.db, k, *removals, self.clock.now()) {
                return Err(format!(
                    "client {id}: SCAN (COUNT {}, {} calls) never reported {:?}, present throughout",
                    st.count,
                    st.calls,
                    crate::trace::show(k)
                ));
            }
        }
        Ok(())
    }

    /// Runs one command on the engine and checks its reply and any wake-ups it caused.
    fn exec(&mut self, ci: usize, argv: Vec<Bytes>) -> Result<Flow, String> {
        let id = self.clients[ci].0;
        let fields: Vec<&[u8]> = argv.iter().map(|a| &a[..]).collect();
        self.trace.event("cmd", id, &fields);
        let mut out = Vec::new();
        let flow = self.eng.execute(id, &argv, self.clock.now(), &mut out);
        self.trace.event("reply", id, &[&out]);
        // The engine's reply, parsed (a parked client has none yet).
        let got = if flow == Flow::Blocked && out.is_empty() {
            None
        } else {
            Some(one_frame(&out).map_err(|e| format!("client {id}: {e}"))?)
        };
        let want = self.model.command(
            id,
            &argv,
            self.clock.now(),
            got.as_ref().unwrap_or(&Frame::Null),
        );
        self.ops += 1;
        let show_cmd = || {
            argv.iter()
                .map(|a| crate::trace::show(a))
                .collect::<Vec<_>>()
                .join(" ")
        };
        if want == Expect::Blocked {
            if flow != Flow::Blocked || !out.is_empty() {
                return Err(format!(
                    "client {id}: {} should block, engine replied {:?}",
                    show_cmd(),
                    crate::trace::show(&out)
                ));
            }
        } else {
            let got = got.ok_or_else(|| format!("client {id}: {} parked", show_cmd()))?;
            if !want.matches(&got) {
                return Err(format!(
                    "client {id}: {}: engine replied {got:?}, model expects {want:?}",
                    show_cmd()
                ));
            }
            if self.clients[ci].1 == Plan::Scanning && argv[0][..] == b"SCAN"[..] {
                self.scan_reply(ci, &got)?;
            }
        }
        let served = self.model.serve_ready(self.clock.now());
        self.check_wakes(served)?;
        Ok(flow)
    }

    /// Compares the clients the engine woke (and their replies) with the model's.
    fn check_wakes(&mut self, mut want: Vec<(u64, Expect)>) -> Result<(), String> {
        let mut woken = BTreeSet::new();
        for a in self.eng.actions.drain(..) {
            if let Action::Wake(ids) = a {
                woken.extend(ids);
            }
        }
        want.sort_by_key(|w| w.0);
        let want_ids: BTreeSet<u64> = want.iter().map(|w| w.0).collect();
        if woken != want_ids {
            return Err(format!("engine woke {woken:?}, model expects {want_ids:?}"));
        }
        for (id, exp) in want {
            let bytes = self.eng.take_outbox(id).unwrap_or_default();
            self.trace.event("wake", id, &[&bytes]);
            let got = one_frame(&bytes).map_err(|e| format!("wake of client {id}: {e}"))?;
            self.ops += 1;
            if !exp.matches(&got) {
                return Err(format!(
                    "wake of client {id}: engine replied {got:?}, model expects {exp:?}"
                ));
            }
        }
        Ok(())
    }

    /// Times out parked clients whose deadline has passed, as the I/O shell's timer would.
    fn timeouts(&mut self) -> Result<(), String> {
        self.eng.expire_blocked(self.clock.now());
        let want = self.model.expire_blocked(self.clock.now());
        self.check_wakes(want)
    }

    /// Lets every parked client time out, then the whole-keyspace checks.
    fn finish(&mut self) -> Result<(), String> {
        while let Some(d) = self.model.next_deadline() {
            self.clock.advance_to(d);
            self.timeouts()?;
        }
        self.collect_effects()?;
        let live = self.model.live(self.clock.now());
        replay::model_matches(&self.eng, &live, self.clock.now())?;
        self.replica.matches(&self.eng)?;
        self.trace
            .event("end", 0, &[self.clock.now().to_string().as_bytes()]);
        Ok(())
    }
}
