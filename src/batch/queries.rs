//! Which queries a batch answers: the library's selection
//! ([`crate::api::select`]), the same as `cba eval`'s.

pub use crate::api::select::{DefaultQueries, Query};
