//! The JSON API for HR and payroll systems, described by the OpenAPI document at
//! `/api/openapi.json`, generated from these handlers by utoipa. Bad input is a
//! 4xx with `{"error": …, "help": …}` carrying the message the CLI gives.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{OpenApi, ToSchema};

use super::{AppState, WebError};
use crate::api::ExplainMode;

/// A JSON body already serialized.
pub fn json_text(text: impl Into<Body>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], text.into()).into_response()
}

/// The body, or the error a body too large or unreadable is.
fn body(b: Result<Bytes, BytesRejection>) -> Result<Bytes, WebError> {
    b.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::TooLarge { limit: 0 }
        } else {
            WebError::bad(format!(
                "cannot read the request body: {}",
                r.body_text().to_lowercase()
            ))
        }
    })
}

fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8], what: &str, help: &str) -> Result<T, WebError> {
    serde_json::from_slice(bytes).map_err(|e| WebError::bad_help(format!("{what}: {e}"), help))
}

/// `explain`: `false` (default), `true`, or `"why_not"`.
#[derive(Debug, Clone, Deserialize, ToSchema, Default)]
#[serde(untagged)]
pub enum ExplainArg {
    #[default]
    #[schema(title = "off")]
    Off,
    Flag(bool),
    Mode(String),
}

/// `POST /api/eval`: one case's facts and the queries to answer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvalRequest {
    /// The case's facts, as a fact file writes them.
    #[schema(value_type = Object)]
    pub facts: Value,
    /// Query names (`grievance.step2_deadline`) or `module.*`; none: every query the facts allow.
    #[serde(default)]
    pub queries: Vec<String>,
    /// Explain each answer: `true`, or `"why_not"` to add the branches that did not fire.
    #[serde(default)]
    #[schema(value_type = Option<Value>)]
    pub explain: Option<Value>,
}

/// An error: the message the CLI gives, and what to do.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    pub error: String,
    pub help: Option<String>,
    /// Where in the facts the trouble is (for 422).
    #[schema(value_type = Option<Object>)]
    pub details: Option<Value>,
}

/// The answers, as `cba eval --format json` prints them: one member a query
/// (its value), then `errors` (query → message) and `explain` when asked.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct EvalResponse {
    #[schema(value_type = Option<Object>)]
    pub errors: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub explain: Option<Value>,
}

/// A rule described (`GET /api/rules/{name}`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RuleDocSchema {
    pub name: String,
    pub module: String,
    #[schema(rename = "type")]
    pub r#type: String,
    pub doc: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub citation: Option<Value>,
    pub facts_read: Vec<String>,
    pub uses: Vec<String>,
    pub used_by: Vec<String>,
    #[schema(value_type = Vec<Object>)]
    pub tests: Vec<Value>,
}

/// One fact of the schema (`GET /api/facts`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FactDocSchema {
    pub path: String,
    #[schema(rename = "type")]
    pub r#type: String,
    #[schema(value_type = Option<Value>)]
    pub default: Option<Value>,
    pub doc: Option<String>,
    pub enum_values: Option<Vec<String>>,
    pub optional: bool,
}

/// `POST /api/diff`: a proposal (by name, or its modules inline) and optionally the cases.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiffRequest {
    /// A proposal the server was started with (`--proposal NAME=DIR`).
    pub proposal: Option<String>,
    /// Or the proposal's modules inline: file name → text; each replaces the
    /// Agreement's module of the same name.
    #[serde(default)]
    pub modules: std::collections::BTreeMap<String, String>,
    /// The cases to compare over (fact objects); default: the server's population.
    pub cases: Option<Vec<Value>>,
}

/// What a proposal changes, as `cba diff --format json` prints it, plus `impact`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DiffResponse {
    #[schema(value_type = Vec<Object>)]
    pub rules: Vec<Value>,
    #[schema(value_type = Object)]
    pub outcomes: Value,
    #[schema(value_type = Vec<Object>)]
    pub impact: Vec<Value>,
    pub changed: bool,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "cba",
        description = "The AALJ–ODAR National Agreement as rules you can run: answers, explanations, the rules and the fact schema, and what a proposal changes."
    ),
    paths(eval, batch, rules, rule, facts, diff),
    components(schemas(
        EvalRequest,
        EvalResponse,
        ErrorBody,
        RuleDocSchema,
        FactDocSchema,
        DiffRequest,
        DiffResponse
    ))
)]
pub struct ApiDoc;

/// The OpenAPI document.
pub async fn openapi() -> Response {
    json_text(ApiDoc::openapi().to_pretty_json().unwrap_or_default())
}

/// Answers queries for one case: exactly what `cba eval --format json` prints.
#[utoipa::path(post, path = "/api/eval", request_body = EvalRequest,
    responses(
        (status = 200, description = "the answers (a query that failed is under `errors`)", body = EvalResponse),
        (status = 400, description = "not JSON, or an unknown module", body = ErrorBody),
        (status = 413, description = "the body is over the limit", body = ErrorBody),
        (status = 422, description = "the facts are not an object of facts", body = ErrorBody),
        (status = 503, description = "the evaluation ran past the time limit and was stopped", body = ErrorBody),
    ))]
pub async fn eval(State(st): State<AppState>, b: Result<Bytes, BytesRejection>) -> Result<Response, WebError> {
    let b = body(b).map_err(|e| limit(e, &st))?;
    let req: EvalRequest = parse_json(
        &b,
        "the request is not an eval request",
        "send {\"facts\": {…}, \"queries\": [\"grievance.*\"], \"explain\": false}",
    )?;
    let mode = match &req.explain {
        None | Some(Value::Bool(false)) | Some(Value::Null) => ExplainMode::Off,
        Some(Value::Bool(true)) => ExplainMode::On,
        Some(Value::String(s)) if s == "why_not" => ExplainMode::WhyNot,
        Some(other) => {
            return Err(WebError::bad_help(
                format!("`explain` is `{other}`"),
                "write `true`, `false` or `\"why_not\"`",
            ));
        }
    };
    let facts = st
        .engine
        .facts_from_json(&req.facts)
        .map_err(|e| WebError::Unprocessable {
            message: e.message.clone(),
            details: match (e.line, e.column) {
                (Some(l), Some(c)) => json!({ "line": l, "column": c }),
                _ => Value::Null,
            },
        })?;
    let queries = st
        .engine
        .select(&req.queries, &facts)
        .map_err(|e| WebError::BadRequest {
            message: e.message.clone(),
            help: e.suggestion.as_ref().map(|s| format!("did you mean `{s}`?")),
        })?;
    // Evaluated here, on the worker: an evaluation is short, and one that is
    // not is stopped at the time limit by its flag (see `super::deadline`).
    let cancel = st.timer.start(st.limits.timeout);
    let ev = st
        .engine
        .evaluate_until(&facts, &queries, mode, Some(Arc::clone(&cancel)));
    if cancel.load(Ordering::Relaxed) {
        return Err(WebError::Timeout {
            limit: st.limits.timeout,
        });
    }
    Ok(json_text(ev.to_json()))
}

fn limit(e: WebError, st: &super::State) -> WebError {
    match e {
        WebError::TooLarge { .. } => WebError::TooLarge {
            limit: st.limits.body_bytes,
        },
        e => e,
    }
}

/// Answers queries for many cases: JSON Lines in (one fact object a line),
/// JSON Lines out, one line a case in input order — what `cba batch` writes.
/// Both ways streamed: each line is answered as soon as it has arrived, while
/// the rest of the body is still on its way. `?query=NAME` (repeatable;
/// default each case's own queries). The body limit is on the body's total
/// bytes, as for every route: a `Content-Length` over it is a 413 before any
/// answer; a streamed body that passes it ends the answers with an error line.
#[utoipa::path(post, path = "/api/batch", request_body(content = String, content_type = "application/x-ndjson"),
    params(("query" = Option<Vec<String>>, Query, description = "query names or `module.*`")),
    responses(
        (status = 200, description = "one JSON line a case, then `{\"error\": …}` if the input could not be read to its end", content_type = "application/x-ndjson", body = String),
        (status = 400, description = "an unknown query", body = ErrorBody),
        (status = 413, description = "the body is over the limit", body = ErrorBody),
    ))]
pub async fn batch(State(st): State<AppState>, RawQuery(raw): RawQuery, body: Body) -> Result<Response, WebError> {
    let limit = st.limits.body_bytes;
    // A body of known length (`Content-Length`) is at least that long.
    if axum::body::HttpBody::size_hint(&body).lower() > limit as u64 {
        return Err(WebError::TooLarge { limit });
    }
    let queries: Vec<String> = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .filter(|(k, _)| k == "query")
        .map(|(_, v)| v.into_owned())
        .collect();
    if !queries.is_empty() {
        crate::api::select::select(&st.prog, &queries, None).map_err(|e| WebError::bad(e.message))?;
    }
    // The body's chunks, counted against the limit, to the reader below.
    let (in_tx, in_rx) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(8);
    tokio::spawn(async move {
        use tokio_stream::StreamExt;
        let mut chunks = body.into_data_stream();
        let mut total = 0usize;
        while let Some(chunk) = chunks.next().await {
            let item = match chunk {
                Ok(b) => {
                    total += b.len();
                    if total > limit {
                        Err(std::io::Error::other(WebError::TooLarge { limit }.message()))
                    } else {
                        Ok(b)
                    }
                }
                Err(e) => Err(std::io::Error::other(format!(
                    "cannot read the request body: {}",
                    e.to_string().to_lowercase()
                ))),
            };
            let stop = item.is_err();
            if in_tx.send(item).await.is_err() || stop {
                break;
            }
        }
    });
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(16);
    let st2 = st.clone();
    tokio::task::spawn_blocking(move || {
        let input = crate::batch::input::Input::Jsonl {
            reader: Box::new(BodyReader {
                rx: in_rx,
                chunk: Bytes::new(),
            }),
            name: "<request>".into(),
        };
        let opts = crate::batch::Options {
            queries,
            input_name: "<request>".into(),
            // One record a chunk: each line answered as soon as it is read.
            chunk_records: 1,
            ..Default::default()
        };
        let mut out = ChannelWriter { tx: tx.clone() };
        if let Err(e) = crate::batch::run(&st2.prog, input, &mut out, &opts, &mut |_, _| {}) {
            let line = json!({ "error": e }).to_string() + "\n";
            let _ = tx.blocking_send(Ok(Bytes::from(line)));
        }
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(rx);
    Ok((
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(stream),
    )
        .into_response())
}

/// The request body as a blocking reader, for the batch on the blocking pool.
struct BodyReader {
    rx: tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>,
    /// What is left of the chunk being read.
    chunk: Bytes,
}

impl std::io::Read for BodyReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let have = std::io::BufRead::fill_buf(self)?;
            let n = have.len().min(out.len());
            out[..n].copy_from_slice(&have[..n]);
            n
        };
        std::io::BufRead::consume(self, n);
        Ok(n)
    }
}

impl std::io::BufRead for BodyReader {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        while self.chunk.is_empty() {
            match self.rx.blocking_recv() {
                Some(Ok(b)) => self.chunk = b,
                Some(Err(e)) => return Err(e),
                None => break,
            }
        }
        Ok(&self.chunk)
    }

    fn consume(&mut self, n: usize) {
        let _ = self.chunk.split_to(n.min(self.chunk.len()));
    }
}

/// A `Write` that sends what is written to the response as it is written (the
/// batch writes one chunk of records, here one record, at a time).
struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
}

impl std::io::Write for ChannelWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        if b.is_empty() {
            return Ok(0);
        }
        self.tx
            .blocking_send(Ok(Bytes::copy_from_slice(b)))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away"))?;
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every rule and function: name, type, doc, citation, facts read, uses, used by, tests.
#[utoipa::path(get, path = "/api/rules", responses((status = 200, description = "every rule", body = Vec<RuleDocSchema>)))]
pub async fn rules(State(st): State<AppState>) -> Response {
    json_text(st.rules_json.clone())
}

/// One rule by its qualified name.
#[utoipa::path(get, path = "/api/rules/{name}",
    params(("name" = String, Path, description = "`module.rule`")),
    responses(
        (status = 200, description = "the rule", body = RuleDocSchema),
        (status = 404, description = "no such rule", body = ErrorBody),
    ))]
pub async fn rule(State(st): State<AppState>, Path(name): Path<String>) -> Result<Response, WebError> {
    match st.doc_index.get(&name) {
        Some(&i) => Ok(json_text(serde_json::to_string_pretty(&st.docs[i]).unwrap_or_default())),
        None => Err(st.rule_not_found(&name)),
    }
}

/// The fact schema: every fact a case can give, with its type, default and doc.
#[utoipa::path(get, path = "/api/facts", responses((status = 200, description = "the fact schema", body = Vec<FactDocSchema>)))]
pub async fn facts(State(st): State<AppState>) -> Response {
    json_text(st.facts_json.clone())
}

/// What a proposal changes: the rules (with the redline and constants said
/// plainly) and the outcomes over the cases, with the impact per query.
#[utoipa::path(post, path = "/api/diff", request_body = DiffRequest,
    responses(
        (status = 200, description = "the changes", body = DiffResponse),
        (status = 400, description = "no proposal named, or not JSON", body = ErrorBody),
        (status = 404, description = "no such proposal", body = ErrorBody),
        (status = 413, description = "the body is over the limit", body = ErrorBody),
        (status = 422, description = "the proposal's rules have errors", body = ErrorBody),
    ))]
pub async fn diff(State(st): State<AppState>, b: Result<Bytes, BytesRejection>) -> Result<Response, WebError> {
    let b = body(b).map_err(|e| limit(e, &st))?;
    let req: DiffRequest = parse_json(
        &b,
        "the request is not a diff request",
        "send {\"proposal\": \"NAME\"} or {\"modules\": {\"grievance.cba\": \"…\"}}",
    )?;
    let st2 = st.clone();
    let v = tokio::task::spawn_blocking(move || super::proposals::diff_request(&st2, req))
        .await
        .map_err(|e| WebError::bad(format!("the comparison failed: {e}")))??;
    Ok(json_text(serde_json::to_string_pretty(&v).unwrap_or_default()))
}
