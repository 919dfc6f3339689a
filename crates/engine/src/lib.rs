//! The Lattice engine: keyspace, data types, expiry, the command table and execution.
//! Sans-IO: no sockets, no threads, no clock reads.

pub mod args;
pub mod blocking;
pub mod buggify;
pub mod cmd;
pub mod command;
pub mod config;
pub mod ctx;
pub mod db;
pub mod dict;
pub mod engine;
pub mod errors;
pub mod expire;
pub mod host;
pub mod key;
pub mod notify;
pub mod plan;
pub mod pubsub;
pub mod replica;
pub mod rng;
pub mod script;
pub mod session;
pub mod shard;
pub mod shard_queue;
#[cfg(test)]
mod shard_tests;
pub mod slot;
pub mod stats;
#[cfg(test)]
mod test_support;
pub mod tracking;
pub mod util;
pub mod value;
pub mod watch;

pub use engine::{Action, Effect, Engine, Flow, Host, NullHost};

/// The Redis version we are compatible with, reported by HELLO and INFO.
pub const REDIS_VERSION: &str = "7.0.15";
