//! Command handlers, one file per family as Redis groups them.

pub mod bitfield;
pub mod bitmaps;
pub mod connection;
pub mod expiry;
pub mod keys;
pub mod lcs;
pub mod server;
pub mod strings;
pub mod strings_float;
pub mod strings_ops;
pub mod strings_set;
#[cfg(test)]
mod strings_tests;
