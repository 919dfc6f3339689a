//! `lattice-sim`: runs seeds of the deterministic engine simulation and reports.
//!
//! ```text
//! lattice-sim [--seed S] [--seeds N] [--minutes M] [--steps K] [--workload NAME]
//!             [--faults all|none|PREFIX,...] [--planted NAME,...] [--keep EVENTS] [--skew S] [--quiet]
//! ```
//! `--seed S` runs S (with `--seeds N`: S, S+1, ...); without it the first seed comes from the
//! system clock (printed). `--minutes M` keeps going until M minutes of real time have passed.
//! A failing seed prints its rerun command; rerunning it prints the same trace hash.

use sim::{run, Options};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

struct Args {
    seed: Option<u64>,
    seeds: Option<u64>,
    minutes: Option<f64>,
    steps: usize,
    workload: String,
    faults: Option<Vec<String>>,
    planted: Vec<String>,
    keep: usize,
    skew: Option<f64>,
    quiet: bool,
}

const USAGE: &str = "usage: lattice-sim [--seed S] [--seeds N] [--minutes M] [--steps K] \
[--workload swarm|mixed|lists|tx|expiry|server] [--faults all|none|PREFIX,...] [--planted NAME,...] [--keep EVENTS] [--skew S] [--quiet]";

fn parse() -> Result<Args, String> {
    let mut a = Args {
        seed: None,
        seeds: None,
        minutes: None,
        steps: sim::sim::DEFAULT_STEPS,
        workload: "swarm".into(),
        faults: None,
        planted: Vec::new(),
        keep: sim::trace::KEEP,
        skew: None,
        quiet: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().ok_or(format!("{flag} needs a value\n{USAGE}"));
        let num = |v: String| v.parse::<u64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--seed" => a.seed = Some(num(val()?)?),
            "--seeds" => a.seeds = Some(num(val()?)?),
            "--steps" => a.steps = num(val()?)? as usize,
            "--minutes" => a.minutes = Some(val()?.parse().map_err(|e| format!("{flag}: {e}"))?),
            "--workload" => {
                a.workload = val()?;
                if a.workload != "server" && !sim::swarm::WORKLOADS.contains(&a.workload.as_str()) {
                    return Err(format!("unknown workload {}\n{USAGE}", a.workload));
                }
            }
            "--faults" => {
                a.faults = match val()?.as_str() {
                    "all" => None,
                    "none" => Some(Vec::new()),
                    list => Some(list.split(',').map(String::from).collect()),
                }
            }
            "--planted" => a.planted = val()?.split(',').map(String::from).collect(),
            "--keep" => a.keep = num(val()?)? as usize,
            "--skew" => a.skew = Some(val()?.parse().map_err(|e| format!("{flag}: {e}"))?),
            "--quiet" => a.quiet = true,
            "-h" | "--help" => return Err(USAGE.into()),
            _ => return Err(format!("unknown argument {flag}\n{USAGE}")),
        }
    }
    Ok(a)
}

#[cfg(feature = "planted-bugs")]
fn plant(names: &[String]) -> Result<(), String> {
    for n in names {
        if !engine::buggify::PLANTED_BUGS.contains(&n.as_str()) {
            return Err(format!(
                "unknown planted bug {n}; known: {:?}",
                engine::buggify::PLANTED_BUGS
            ));
        }
    }
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    engine::buggify::set_planted(&names);
    Ok(())
}

#[cfg(not(feature = "planted-bugs"))]
fn plant(names: &[String]) -> Result<(), String> {
    if names.is_empty() {
        Ok(())
    } else {
        Err("--planted needs a build with `--features planted-bugs`".into())
    }
}

fn main() {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = plant(&args.planted) {
        eprintln!("{e}");
        std::process::exit(2);
    }
    let first = args.seed.unwrap_or_else(|| {
        // The only clock read: a fresh seed, printed so it can be replayed.
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let s = sim::rng::splitmix(&mut { t });
        eprintln!("fresh seed: {s}");
        s
    });
    let count = match (args.seeds, args.minutes) {
        (Some(n), _) => n,
        (None, Some(_)) => u64::MAX,
        (None, None) => 1,
    };
    let deadline = args
        .minutes
        .map(|m| Instant::now() + Duration::from_secs_f64(m * 60.0));
    let started = Instant::now();
    let tty = std::io::stderr().is_terminal();
    let (mut runs, mut ops, mut sim_ms, mut failures) = (0u64, 0u64, 0i64, Vec::new());
    for i in 0..count {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        let seed = first.wrapping_add(i);
        let r = if args.workload == "server" {
            server_seed(seed)
        } else {
            let mut opts = Options::new(seed, args.steps);
            opts.workload = args.workload.clone();
            opts.faults = args.faults.clone();
            opts.keep_events = args.keep;
            opts.skew = args.skew;
            engine_seed(&opts)
        };
        runs += 1;
        ops += r.ops;
        sim_ms += r.sim_ms;
        if count == 1 || !args.quiet {
            eprintln!(
                "seed {seed}: trace {:016x} ops {} sim {:.1}s {} {}",
                r.trace_hash,
                r.ops,
                r.sim_ms as f64 / 1000.0,
                r.detail,
                if r.failure.is_some() { "FAILED" } else { "ok" }
            );
        } else if runs % 10 == 0 && (tty || runs % 1000 == 0) {
            // One rewritten line on a terminal; a line per 1000 seeds into a file.
            let el = started.elapsed().as_secs_f64();
            eprint!(
                "{}{runs} seeds ({:.1}/s), {ops} ops, {} failures, {el:.0}s   {}",
                if tty { "\r" } else { "" },
                runs as f64 / el.max(1e-9),
                failures.len(),
                if tty { "" } else { "\n" },
            );
        }
        if let Some(f) = r.failure {
            // On its own lines, after any progress line; the hash a rerun must print again.
            eprintln!("\ntrace {:016x}: {f}", r.trace_hash);
            if !args.planted.is_empty() {
                eprintln!(
                    "  (planted bugs on: add --planted {})",
                    args.planted.join(",")
                );
            }
            failures.push(seed);
        }
    }
    let real = started.elapsed().as_secs_f64().max(1e-9);
    eprintln!();
    println!("seeds run:        {runs}");
    println!("simulated time:   {:.1} s", sim_ms as f64 / 1000.0);
    println!(
        "real time:        {real:.2} s (simulated/real = {:.1}x)",
        sim_ms as f64 / 1000.0 / real
    );
    println!(
        "operations:       {ops} checked ({:.0}/s)",
        ops as f64 / real
    );
    println!("seeds/minute:     {:.0}", runs as f64 * 60.0 / real);
    if failures.is_empty() {
        println!("failures:         none");
    } else {
        println!("failures:         {} seeds: {failures:?}", failures.len());
        std::process::exit(1);
    }
}

/// One seed's outcome, whichever simulator ran it.
struct Outcome {
    trace_hash: u64,
    ops: u64,
    sim_ms: i64,
    detail: String,
    failure: Option<String>,
}

/// The engine simulation (crate `sim`).
fn engine_seed(opts: &Options) -> Outcome {
    let r = run(opts);
    let fired: Vec<String> = r
        .faults_fired
        .iter()
        .map(|(n, c)| format!("{n}:{c}"))
        .collect();
    Outcome {
        trace_hash: r.trace_hash,
        ops: r.ops_checked,
        sim_ms: r.sim_ms,
        detail: format!(
            "effects {} scans {} faults [{}]",
            r.effects,
            r.scans,
            fired.join(" ")
        ),
        failure: r.failure,
    }
}

/// The server simulation (crate `netsim`): real connections over turmoil, histories checked
/// for linearizability. Its rerun is `lattice-sim --workload server --seed S`.
fn server_seed(seed: u64) -> Outcome {
    let r = netsim::run_seed(seed);
    Outcome {
        trace_hash: r.trace_hash,
        ops: r.operations as u64,
        sim_ms: r.simulated.as_millis() as i64,
        detail: format!(
            "unknown {} blpop-served {} delivered {} plan {:?}",
            r.unknown, r.blpop_served, r.delivered, r.plan
        ),
        failure: r.failure.map(|f| {
            format!("seed {seed} (rerun: lattice-sim --workload server --seed {seed}): {f}")
        }),
    }
}
