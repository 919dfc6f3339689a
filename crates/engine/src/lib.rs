pub mod dict;
pub mod util;
