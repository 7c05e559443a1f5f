//! The language's values and calendar arithmetic: what the checker folds
//! constants into, the IR stores and evaluation computes with. Below every
//! stage (syntax → check → ir → eval), so none of them reaches up for them.

#[path = "dates.rs"]
pub mod dates;
#[path = "value.rs"]
pub mod value;
#[path = "workdays.rs"]
pub mod workdays;
