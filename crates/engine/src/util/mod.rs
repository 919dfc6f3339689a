pub mod bigint;
pub mod glob;
pub mod ldouble;
pub mod num;
