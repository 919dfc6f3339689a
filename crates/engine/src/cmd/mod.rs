//! Command handlers, one file per family as Redis groups them.

pub mod bitfield;
pub mod bitmaps;
pub mod client;
mod client_describe;
pub mod cluster;
pub mod config;
pub mod connection;
pub mod expiry;
pub mod functions;
pub mod hashes;
mod hashes_random;
pub mod info;
pub mod keys;
pub mod lcs;
pub mod lists;
pub mod lists_blocking;
mod lists_move;
pub mod memory;
pub mod pubsub;
mod scan_args;
pub mod scripting;
pub mod server;
pub mod sets;
mod sets_algebra;
pub mod sort;
pub mod strings;
pub mod strings_float;
pub mod strings_ops;
pub mod strings_set;
#[cfg(test)]
mod strings_tests;
pub mod tracking;
pub mod transactions;
pub mod zsets;
