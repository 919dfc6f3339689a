//! Functions (FUNCTION LOAD / FCALL): libraries of named Lua functions.

/// Every loaded library (filled by FUNCTION LOAD).
#[derive(Default)]
pub struct Functions {}
