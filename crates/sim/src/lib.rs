//! Deterministic simulation of the Lattice engine, in the style of FoundationDB's simulator
//! and TigerBeetle's VOPR: one seed decides everything (configuration, clients, commands,
//! clock, faults), the simulator drives the real `engine` crate (never a copy), a reference
//! model checks every reply, and the run's trace hash identifies it. See docs/SIMULATION.md.

pub mod clock;
pub mod expect;
pub mod gen;
pub mod invariants;
pub mod model;
pub mod replay;
pub mod rng;
pub mod sim;
pub mod swarm;
pub mod trace;
pub mod zipf;

pub use sim::{run, Options, Report};
