//! Command handlers, one file per family as Redis groups them.

pub mod bitmaps;
pub mod connection;
pub mod expiry;
pub mod keys;
pub mod server;
pub mod strings;
