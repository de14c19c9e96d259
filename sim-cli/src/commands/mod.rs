//! One module per subcommand.

pub mod check;
pub mod compare;
pub mod explain;
pub mod import;
pub mod merge;
pub mod report;
pub mod run;
pub mod schema;
pub mod sweep;
pub mod tune;
