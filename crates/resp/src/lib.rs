//! Sans-IO RESP codec: request parsing (multibulk and inline) with Redis's limits and
//! error texts, reply encoding for RESP2 and RESP3, and a generic frame parser for clients.

pub mod frame;
pub mod reply;
pub mod request;

pub use frame::{parse_frame, Frame, FrameError};
pub use reply::{Proto, Reply};
pub use request::{Limits, ProtocolError, RequestParser};
