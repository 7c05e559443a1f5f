//! The server-rendered pages, one file each.

pub mod agreement;
pub mod flips;
pub mod index;
pub mod proposals;
pub mod rule;
pub mod tree;
pub mod whatif;

use axum::response::{IntoResponse, Response};

use super::WebError;
use super::html::layout;

/// An error as an HTML page with the error's status (the API answers JSON).
pub fn error_page(e: WebError) -> Response {
    let body = maud::html! {
        h1 { "Not here" }
        p.error { (e.message()) }
        @if let Some(h) = e.help() { p.muted { "help: " (h) } }
    };
    (e.status(), layout("error", body)).into_response()
}
