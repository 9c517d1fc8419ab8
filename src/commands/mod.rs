//! The commands, one module each: what a command line asks for, read, computed and written.
//! `load` reads what they all start from. Commands may use every layer below them; nothing
//! below imports a command.

pub mod check;
pub mod demo;
pub(crate) mod incidents;
pub(crate) mod load;
pub(crate) mod report;
pub(crate) mod tables;
