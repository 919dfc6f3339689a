//! Command handlers, one file per family as Redis groups them.

pub mod bitmaps;
pub mod client;
pub mod config;
pub mod connection;
pub mod expiry;
pub mod info;
pub mod keys;
pub mod server;
pub mod strings;
pub mod zsets;
