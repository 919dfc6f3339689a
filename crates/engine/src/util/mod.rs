pub mod glob;
pub mod num;
