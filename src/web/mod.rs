//! `cba serve`: the Agreement on the web. Server-rendered pages (the literate
//! Agreement, a page per rule, what-if, proposals) and a JSON API, thin over the
//! library: one checked program shared by every request, nothing re-parsed.
//! The server never writes a file.

pub mod api;
pub mod cites;
pub mod error;
pub mod form;
pub mod html;
pub mod impact;
pub mod pages;
pub mod text;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};

use crate::ir::Program;
pub use error::WebError;

/// The example fact files, embedded: `(path, text)`.
pub const EXAMPLES: &[(&str, &str)] = &include!(concat!(env!("OUT_DIR"), "/example_facts.rs"));

/// How much a request may ask of the server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest request body, in bytes.
    pub body_bytes: usize,
    /// Longest a request may take.
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            body_bytes: 2 * 1024 * 1024,
            timeout: Duration::from_secs(30),
        }
    }
}

/// A proposal served beside the Agreement.
pub struct Proposal {
    pub name: String,
    pub prog: Arc<Program>,
}

/// Everything the handlers share, built once at start-up.
pub struct State {
    pub prog: Arc<Program>,
    pub agreement: text::Agreement,
    pub cites: cites::Cites,
    pub proposals: Vec<Proposal>,
    pub limits: Limits,
}

pub type AppState = Arc<State>;

impl State {
    pub fn new(prog: Arc<Program>, proposals: Vec<Proposal>, limits: Limits) -> State {
        let agreement = text::Agreement::parse(text::EMBEDDED);
        let cites = cites::Cites::new(&prog, &agreement);
        State {
            prog,
            agreement,
            cites,
            proposals,
            limits,
        }
    }
}

impl State {
    /// The built-in Agreement with no proposals and the default limits.
    pub fn for_tests(prog: Program) -> State {
        State::new(Arc::new(prog), Vec::new(), Limits::default())
    }
}

/// The application: every page and API route, with the body limit and time limit.
pub fn router(state: AppState) -> Router {
    let limits = state.limits;
    Router::new()
        .route("/", get(pages::index::page))
        .route("/agreement", get(pages::agreement::page))
        .route("/search", get(pages::agreement::search))
        .route("/rules", get(pages::rule::list))
        .route("/rules/{name}", get(pages::rule::page))
        .route("/assets/style.css", get(style))
        .route("/assets/whatif.js", get(script))
        .route("/api/rules", get(api::rules))
        .route("/api/rules/{name}", get(api::rule))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/eval", post(api::eval))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.timeout,
        ))
        .with_state(state)
}

async fn style() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], html::STYLE)
}

async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        html::WHATIF_JS,
    )
}

async fn not_found(uri: axum::http::Uri) -> WebError {
    WebError::not_found(
        format!("no page at `{}`", uri.path()),
        Some("start at `/` or see `/api/openapi.json`".into()),
    )
}

/// Serves until interrupted. Evaluation recurses through rules, so the worker
/// threads get the same large stack the command line runs on.
pub fn serve(state: AppState, addr: SocketAddr, ready: impl FnOnce(SocketAddr)) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(64 * 1024 * 1024)
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        ready(listener.local_addr()?);
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    })
}
