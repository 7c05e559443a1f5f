//! `cba serve`: the Agreement on the web. Server-rendered pages (the literate
//! Agreement, a page per rule, what-if, proposals) and a JSON API, thin over the
//! library ([`crate::api`]): one checked program shared by every request,
//! nothing re-parsed; what never changes (the rules' and facts' descriptions,
//! the proposals' comparisons) is computed once at start-up. The server never
//! writes a file.

pub mod api;
pub mod cites;
pub mod deadline;
pub mod error;
pub mod form;
pub mod html;
pub mod impact;
pub mod pages;
pub mod proposals;
pub mod text;

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};

use crate::api::{Engine, FactDoc, RuleDoc};
use crate::diff::Version;
use crate::ir::Program;
pub use error::WebError;
pub use proposals::{Population, Proposal};

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

/// Everything the handlers share, built once at start-up.
pub struct State {
    pub engine: Engine,
    /// The engine's program (the same `Arc`).
    pub prog: Arc<Program>,
    /// The base's files, for proposals given inline to `POST /api/diff`.
    pub base_files: Version,
    pub agreement: text::Agreement,
    pub cites: cites::Cites,
    /// Every rule described, indexed by rule id; by name in `doc_index`.
    pub docs: Vec<RuleDoc>,
    pub doc_index: HashMap<String, usize>,
    pub schema: Vec<FactDoc>,
    pub fact_paths: BTreeSet<String>,
    /// `GET /api/rules` and `GET /api/facts`, serialized once.
    pub rules_json: Bytes,
    pub facts_json: Bytes,
    pub proposals: Vec<Proposal>,
    pub population: Population,
    pub limits: Limits,
    /// Sets the flags that stop evaluations past the time limit.
    pub timer: deadline::Timer,
}

pub type AppState = Arc<State>;

impl State {
    pub fn new(engine: Engine, base_files: Version, population: Population, limits: Limits) -> State {
        let prog = Arc::clone(engine.program_arc());
        let agreement = text::Agreement::parse(text::EMBEDDED);
        let cites = cites::Cites::new(&prog, &agreement);
        let docs = engine.rules();
        let doc_index = docs.iter().enumerate().map(|(i, d)| (d.name.clone(), i)).collect();
        let schema = engine.facts_schema();
        // Worked out now rather than by the first request that asks for `module.*`.
        let _ = engine.default_queries();
        let fact_paths = schema.iter().map(|f| f.path.clone()).collect();
        let rules_json = Bytes::from(serde_json::to_string_pretty(&docs).unwrap_or_default());
        let facts_json = Bytes::from(serde_json::to_string_pretty(&schema).unwrap_or_default());
        State {
            engine,
            prog,
            base_files,
            agreement,
            cites,
            docs,
            doc_index,
            schema,
            fact_paths,
            rules_json,
            facts_json,
            proposals: Vec::new(),
            population,
            limits,
            timer: deadline::Timer::new(),
        }
    }

    /// The built-in Agreement with no proposals, compared over its tests, the default limits.
    pub fn builtin() -> Result<State, String> {
        let engine = Engine::load(&crate::api::Source::Builtin).map_err(|e| e.render_text())?;
        let base = Version::read("embedded", None)?;
        Ok(State::new(engine, base, Population::Tests, Limits::default()))
    }

    /// Adds a proposal (its modules' files, read), compared with the base now.
    pub fn add_proposal(&mut self, name: &str, files: Vec<(String, String)>) -> Result<(), String> {
        let p = proposals::compare(name, &self.engine, &self.base_files, files, &self.population)?;
        self.proposals.push(p);
        Ok(())
    }

    /// The 404 for a rule name, with the nearest name.
    pub fn rule_not_found(&self, name: &str) -> WebError {
        let hint = crate::diag::did_you_mean(name, self.docs.iter().map(|d| d.name.as_str()))
            .map(|s| format!("did you mean `{s}`?"));
        WebError::not_found(format!("no rule `{name}`"), hint)
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
        .route("/whatif", get(pages::whatif::page))
        .route("/whatif/case.json", get(pages::whatif::download))
        .route("/proposals", get(pages::proposals::page))
        .route("/assets/style.css", get(style))
        .route("/assets/whatif.js", get(script))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/eval", post(api::eval))
        .route("/api/batch", post(api::batch))
        .route("/api/rules", get(api::rules))
        .route("/api/rules/{name}", get(api::rule))
        .route("/api/facts", get(api::facts))
        .route("/api/diff", post(api::diff))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(axum::middleware::from_fn_with_state(limits, time_limit))
        .with_state(state)
}

/// Ends a request that runs past the time limit with a 503 (JSON, like every
/// error). Work on the blocking pool (a comparison) is abandoned; an
/// evaluation is stopped by its own flag ([`deadline`]), which this timeout
/// cannot do while the evaluation holds the thread.
async fn time_limit(
    axum::extract::State(limits): axum::extract::State<Limits>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    match tokio::time::timeout(limits.timeout, next.run(req)).await {
        Ok(res) => res,
        Err(_) => WebError::Timeout { limit: limits.timeout }.into_response(),
    }
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
/// threads get the same large stack the batch workers run on.
pub fn serve(state: AppState, addr: SocketAddr, ready: impl FnOnce(SocketAddr)) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(crate::batch::WORKER_STACK_BYTES)
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        ready(listener.local_addr()?);
        // Answers go out as soon as they are written (no waiting to coalesce).
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
    })
}
