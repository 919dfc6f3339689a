//! Command handlers, one file per family as Redis groups them.

pub mod bitmaps;
pub mod client;
pub mod config;
pub mod connection;
pub mod expiry;
pub mod hashes;
mod hashes_random;
pub mod info;
pub mod keys;
mod scan_args;
pub mod server;
pub mod sets;
mod sets_algebra;
pub mod strings;
