//! `cba serve` under its limits: a slow evaluation is stopped at the time limit
//! (and its worker serves again), and `/api/batch` answers each line of a
//! streamed body as it arrives and holds the body limit on a streamed body.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

use cba::api::{Engine, Source};
use cba::web::{AppState, Limits, Population, State, router};

const GRIEVANCE: &str = include_str!("../examples/facts/grievance.json");

/// The Agreement with `tests/fixtures/slow` added (a rule that counts to a
/// billion, a list step at a time) and a time limit of 100 ms.
fn slow_state() -> AppState {
    static STATE: OnceLock<AppState> = OnceLock::new();
    STATE
        .get_or_init(|| {
            let engine = Engine::load(&Source::Overlay {
                base: Box::new(Source::Builtin),
                over: vec!["tests/fixtures/slow".into()],
            })
            .expect("the slow module loads");
            let base = cba::diff::Version::read("embedded", None).expect("the Agreement's files");
            let limits = Limits {
                timeout: Duration::from_millis(100),
                ..Limits::default()
            };
            Arc::new(State::new(engine, base, Population::Tests, limits))
        })
        .clone()
}

fn eval_body(query: &str) -> String {
    let facts: serde_json::Value = serde_json::from_str(GRIEVANCE).expect("the example parses");
    serde_json::json!({ "facts": facts, "queries": [query] }).to_string()
}

/// Starts `cba serve` on a free port in a thread of its own (its runtime has
/// one worker a core, as in production).
fn start(st: AppState) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let addr: SocketAddr = "127.0.0.1:0".parse().expect("an address");
        cba::web::serve(st, addr, |a| {
            let _ = tx.send(a);
        })
        .expect("the server runs");
    });
    rx.recv_timeout(Duration::from_secs(60)).expect("the server starts")
}

/// One HTTP/1.1 POST on its own connection: the status and the body.
async fn http_post(addr: SocketAddr, path: &str, body: &str) -> (u16, String) {
    exchange(addr, &post_request(addr, path, body)).await
}

/// The text of a POST of JSON that closes its connection.
fn post_request(addr: SocketAddr, path: &str, body: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// The text of a GET that closes its connection.
fn get_request(addr: SocketAddr, path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
}

/// Sends a whole request on a connection of its own; the status and the body.
async fn exchange(addr: SocketAddr, req: &str) -> (u16, String) {
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(req.as_bytes()).await.expect("the request is sent");
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.expect("the response");
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Sends `send` more times at once than the server has workers (were the
/// slow requests not stopped, none would end for minutes, nor would the next
/// request); their answers, once an ordinary request has been answered after
/// them (the workers are free again).
async fn stopped_then_free(addr: SocketAddr, send: &str) -> Vec<(u16, String)> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let tasks: Vec<_> = (0..workers + 1)
        .map(|_| {
            let req = send.to_string();
            tokio::spawn(async move { exchange(addr, &req).await })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        let answer = tokio::time::timeout(Duration::from_secs(120), t)
            .await
            .expect("the slow request was stopped")
            .expect("a client task");
        answers.push(answer);
    }
    let (status, body) = tokio::time::timeout(
        Duration::from_secs(120),
        http_post(addr, "/api/eval", &eval_body("grievance.step2_deadline")),
    )
    .await
    .expect("the workers are free again");
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON answers");
    assert_eq!(v["grievance.step2_deadline"], "2025-01-13");
    answers
}

/// Runs `f` against a server over the slow module, on a client runtime.
fn against_slow_server<F: std::future::Future<Output = ()>>(f: impl FnOnce(SocketAddr) -> F) {
    let addr = start(slow_state());
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a client runtime")
        .block_on(f(addr));
}

#[test]
fn a_slow_evaluation_is_stopped_at_the_time_limit_and_its_worker_serves_again() {
    against_slow_server(|addr| async move {
        for (status, body) in stopped_then_free(addr, &post_request(addr, "/api/eval", &eval_body("slow.spin"))).await {
            assert_eq!(status, 503, "{body}");
            let v: serde_json::Value = serde_json::from_str(&body).expect("a JSON error");
            assert_eq!(v["error"], "the request took longer than the limit of 100 ms", "{body}");
            assert!(v["help"].as_str().is_some_and(|h| !h.is_empty()), "{body}");
        }
    });
}

#[test]
fn a_slow_whatif_page_is_stopped_at_the_time_limit_too() {
    against_slow_server(|addr| async move {
        let page = get_request(addr, "/whatif?query=slow.spin&f.slow.width=1000");
        for (status, body) in stopped_then_free(addr, &page).await {
            assert_eq!(status, 503, "{body}");
            assert!(
                body.contains("the request took longer than the limit of 100 ms"),
                "{body}"
            );
        }
    });
}

/// The response's next line, read frame by frame.
async fn next_line(body: &mut Body, pending: &mut String) -> Option<serde_json::Value> {
    loop {
        if let Some(i) = pending.find('\n') {
            let line: String = pending.drain(..=i).collect();
            return Some(serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")));
        }
        let frame = tokio::time::timeout(Duration::from_secs(120), body.frame())
            .await
            .expect("a line comes without the rest of the body")?
            .expect("a frame");
        if let Ok(data) = frame.into_data() {
            pending.push_str(&String::from_utf8_lossy(&data));
        }
    }
}

/// A batch request whose body is what the test sends on `tx`, chunked.
async fn streamed_batch(
    st: AppState,
) -> (
    tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    axum::response::Response,
) {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(1);
    let req = Request::post("/api/batch?query=grievance.step2_deadline")
        .header(header::CONTENT_TYPE, "application/x-ndjson")
        .body(Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(rx)))
        .expect("a request");
    let res = router(st).oneshot(req).await.expect("a response");
    (tx, res)
}

#[tokio::test]
async fn api_batch_answers_each_line_of_a_chunked_body_as_it_arrives() {
    let (tx, res) = streamed_batch(slow_state()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut body = res.into_body();
    let mut pending = String::new();
    let case = GRIEVANCE.replace('\n', " ");
    // The first case in two chunks; its answer comes before anything else is sent.
    let (a, b) = case.split_at(case.len() / 2);
    tx.send(Ok(Bytes::from(a.to_string()))).await.expect("sent");
    tx.send(Ok(Bytes::from(format!("{b}\n")))).await.expect("sent");
    let first = next_line(&mut body, &mut pending).await.expect("the first answer");
    assert_eq!(first["grievance.step2_deadline"], "2025-01-13");
    // A bad case and a blank line, then a good case: one answer each, in order.
    tx.send(Ok(Bytes::from("{\"grievance\": {\"knew_on\": \"bad\"}}\n\n")))
        .await
        .expect("sent");
    let second = next_line(&mut body, &mut pending).await.expect("the second answer");
    assert_eq!(second["record"], 2, "{second}");
    assert!(second["error"].is_string() || second["errors"].is_object(), "{second}");
    tx.send(Ok(Bytes::from(format!("{case}\n")))).await.expect("sent");
    let third = next_line(&mut body, &mut pending).await.expect("the third answer");
    assert_eq!(third["grievance.step2_deadline"], "2025-01-13");
    drop(tx);
    assert!(
        next_line(&mut body, &mut pending).await.is_none(),
        "no more lines: {pending}"
    );
}

#[tokio::test]
async fn api_batch_holds_the_body_limit_on_a_streamed_body() {
    let mut st = State::builtin().expect("the Agreement loads");
    st.limits.body_bytes = 1000;
    let (tx, res) = streamed_batch(Arc::new(st)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut body = res.into_body();
    let mut pending = String::new();
    // 400 bytes a line: two lines are within the limit, the third passes it.
    let line = format!("{{\"id\": \"{}\"}}\n", "x".repeat(400 - 11));
    assert_eq!(line.len(), 400);
    for i in 1..=2 {
        tx.send(Ok(Bytes::from(line.clone()))).await.expect("sent");
        let answer = next_line(&mut body, &mut pending).await.expect("an answer");
        assert_eq!(answer["record"], i, "{answer}");
    }
    tx.send(Ok(Bytes::from(line.clone()))).await.expect("sent");
    let last = next_line(&mut body, &mut pending).await.expect("the error line");
    assert_eq!(
        last["error"], "cannot read the input: the request body is over the limit of 1000 bytes",
        "{last}"
    );
    assert!(
        next_line(&mut body, &mut pending).await.is_none(),
        "the answers end there"
    );
}
