//! Small helpers that reproduce Redis's exact string rules: number parsing and
//! formatting (`num`) and glob matching (`glob`). Commands must accept and reject
//! exactly what Redis does, so these live in one audited place.

pub mod bigint;
pub mod fasthash;
pub mod glob;
pub mod ldouble;
pub mod num;

pub use glob::glob_match;
pub use num::{ll2string, parse_f64_strict, parse_long_double_strict, string2l, string2ll};
