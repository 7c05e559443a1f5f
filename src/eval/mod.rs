pub mod dates;
pub mod workdays;
