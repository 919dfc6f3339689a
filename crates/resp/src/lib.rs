//! Sans-IO RESP codec: request parsing (multibulk and inline) with Redis's limits and
//! error texts, and reply encoding for RESP2 and RESP3.

pub mod reply;

pub use reply::{Proto, Reply};
