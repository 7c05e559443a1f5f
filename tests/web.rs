//! `cba serve` over HTTP, without a socket: each test calls the router with
//! `tower::ServiceExt::oneshot`. Every route, the error statuses, escaping and
//! the body limit.

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use cba::web::{AppState, State, router};

/// The built-in Agreement, checked once for all tests.
fn state() -> AppState {
    static STATE: OnceLock<AppState> = OnceLock::new();
    STATE
        .get_or_init(|| {
            // A debug build on a busy machine compares proposals slowly: no time
            // limit to speak of here (a_request_past_the_time_limit_is_a_503 and
            // tests/web_limits.rs test it).
            let mut st = State::builtin().expect("the Agreement loads");
            st.limits.timeout = std::time::Duration::from_secs(3600);
            Arc::new(st)
        })
        .clone()
}

/// The Agreement with `tests/fixtures/slow` added (a rule that counts to a
/// billion) and a time limit of 100 ms.
fn slow_state() -> AppState {
    static STATE: OnceLock<AppState> = OnceLock::new();
    STATE
        .get_or_init(|| {
            let engine = cba::api::Engine::load(&cba::api::Source::Overlay {
                base: Box::new(cba::api::Source::Builtin),
                over: vec!["tests/fixtures/slow".into()],
            })
            .expect("the slow module loads");
            let base = cba::diff::Version::read("embedded", None).expect("the Agreement's files");
            let limits = cba::web::Limits {
                timeout: std::time::Duration::from_millis(100),
                ..cba::web::Limits::default()
            };
            Arc::new(State::new(engine, base, cba::web::Population::Tests, limits))
        })
        .clone()
}

struct Reply {
    status: StatusCode,
    content_type: String,
    body: String,
}

impl Reply {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

async fn send(st: AppState, req: Request<Body>) -> Reply {
    let res = router(st).oneshot(req).await.expect("a response");
    let status = res.status();
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = res.into_body().collect().await.expect("the body").to_bytes();
    Reply {
        status,
        content_type,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(path: &str) -> Reply {
    get_from(state(), path).await
}

async fn get_from(st: AppState, path: &str) -> Reply {
    send(st, Request::get(path).body(Body::empty()).expect("a request")).await
}

async fn post(path: &str, content_type: &str, body: impl Into<Body>) -> Reply {
    post_to(state(), path, content_type, body).await
}

async fn post_to(st: AppState, path: &str, content_type: &str, body: impl Into<Body>) -> Reply {
    send(
        st,
        Request::post(path)
            .header(header::CONTENT_TYPE, content_type)
            .body(body.into())
            .expect("a request"),
    )
    .await
}

#[tokio::test]
async fn the_home_page_links_the_four_pages() {
    let r = get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type.starts_with("text/html"), "{}", r.content_type);
    for href in ["/agreement", "/rules", "/whatif", "/proposals", "/api/openapi.json"] {
        assert!(r.body.contains(&format!("href=\"{href}")), "{href}");
    }
}

#[tokio::test]
async fn the_agreement_has_anchors_and_the_rules_beside_each_section() {
    let r = get("/agreement").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"art10-6.A\""));
    assert!(r.body.contains("href=\"/rules/grievance.step2_deadline\""));
    assert!(r.body.contains("href=\"#art10\""), "table of contents");
    // No highlight unless a rule asks for one.
    assert!(!r.body.contains("<mark>"));
    let r = get("/agreement?rule=grievance.step2_deadline").await;
    assert!(
        r.body
            .contains("<mark>within twenty-five (25) working days of the issuance of the Step One answer</mark>")
    );
}

#[tokio::test]
async fn search_finds_rules_facts_and_words() {
    let r = get("/search?q=step2_deadline").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("/rules/grievance.step2_deadline"));
    let r = get("/search?q=knew_on").await;
    assert!(r.body.contains("grievance.knew_on"));
    let r = get("/search?q=Regional%20Chief").await;
    assert!(
        r.body.contains("<mark>Regional Chief</mark>"),
        "words of the text are found and marked"
    );
    // What is searched for is shown escaped.
    let r = get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("<script>alert"));
    assert!(r.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[tokio::test]
async fn a_rule_page_cites_and_quotes_its_section() {
    let r = get("/rules/grievance.step2_deadline").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("href=\"/agreement?rule=grievance.step2_deadline#art10-6.A\"")
    );
    assert!(
        r.body
            .contains("<mark>received by the Regional Chief Administrative Law Judge</mark>")
    );
    let r = get("/rules").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("/rules/grievance.step2_deadline"));
}

#[tokio::test]
async fn an_unknown_rule_is_a_404_with_a_suggestion() {
    let r = get("/rules/grievance.step2_dedline").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("grievance.step2_deadline"), "did you mean");
    let r = get("/api/rules/grievance.step2_dedline").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let j = r.json();
    assert_eq!(j["error"], "no rule `grievance.step2_dedline`");
}

#[tokio::test]
async fn an_unknown_path_is_a_json_404() {
    let r = get("/no/such/page").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"], "no page at `/no/such/page`");
}

#[tokio::test]
async fn assets_are_served_with_their_types() {
    let r = get("/assets/style.css").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type.starts_with("text/css"));
    assert!(r.body.contains("@media print"));
    let r = get("/assets/whatif.js").await;
    assert!(r.content_type.starts_with("text/javascript"));
}

const GRIEVANCE: &str = include_str!("../examples/facts/grievance.json");

fn eval_body(queries: &[&str], explain: serde_json::Value) -> String {
    let facts: serde_json::Value = serde_json::from_str(GRIEVANCE).expect("the example parses");
    serde_json::json!({ "facts": facts, "queries": queries, "explain": explain }).to_string()
}

#[tokio::test]
async fn api_eval_refuses_an_unknown_query_as_cba_eval_does() {
    // A usage error for the whole request (400, with the nearest name), as
    // `cba eval` exits 2 before any answer.
    let r = post(
        "/api/eval",
        "application/json",
        eval_body(
            &["grievance.step2_deadline", "grievance.step2_deadlin"],
            serde_json::json!(false),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let v: serde_json::Value = serde_json::from_str(&r.body).expect("a JSON error");
    assert!(
        v["error"].as_str().unwrap_or("").contains("grievance.step2_deadlin"),
        "{v}"
    );
    assert_eq!(v["help"], "did you mean `grievance.step2_deadline`?", "{v}");
}

#[tokio::test]
async fn api_eval_answers_exactly_what_cba_eval_prints() {
    let queries = ["grievance.step2_deadline", "grievance.step2_timely"];
    let r = post(
        "/api/eval",
        "application/json",
        eval_body(&queries, serde_json::json!(false)),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type.starts_with("application/json"));
    let mut cmd = assert_cmd::Command::cargo_bin("cba").expect("the binary");
    cmd.args(["eval", "--facts", "examples/facts/grievance.json", "--format", "json"]);
    for q in queries {
        cmd.args(["--query", q]);
    }
    let out = cmd.output().expect("cba eval runs");
    assert_eq!(r.body.trim_end(), String::from_utf8_lossy(&out.stdout).trim_end());
    assert_eq!(r.json()["grievance.step2_deadline"], "2025-01-13");
    // With explanations, as `--explain --format json`.
    let r = post(
        "/api/eval",
        "application/json",
        eval_body(&queries[..1], serde_json::json!(true)),
    )
    .await;
    assert_eq!(
        r.json()["explain"]["grievance.step2_deadline"]["citation"],
        "Art. 10 §6.A"
    );
    let r = post(
        "/api/eval",
        "application/json",
        eval_body(&queries[..1], serde_json::json!("why_not")),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn api_eval_bad_input_is_a_4xx_with_the_message() {
    let r = post("/api/eval", "application/json", "{not json").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.json()["error"]
            .as_str()
            .expect("a message")
            .starts_with("the request is not an eval request")
    );
    assert!(r.json()["help"].is_string());
    let r = post("/api/eval", "application/json", r#"{"facts": 3}"#).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json()["error"],
        "a fact file must be an object of facts, but this is a number"
    );
    let r = post(
        "/api/eval",
        "application/json",
        r#"{"facts": {}, "queries": ["grievanse.*"]}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.json()["error"].as_str().expect("a message").contains("`grievanse`"),
        "{}",
        r.body
    );
    let r = post("/api/eval", "application/json", r#"{"facts": {}, "explain": "always"}"#).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = post("/api/eval", "application/json", r#"{"facts": {}, "extra": 1}"#).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "unknown fields are refused");
    // A fact of the wrong type fails only the queries that read it, as in the CLI.
    let r = post(
        "/api/eval",
        "application/json",
        r#"{"facts": {"grievance": {"knew_on": "soon"}}, "queries": ["grievance.step1_deadline"]}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.json()["errors"]["grievance.step1_deadline"].is_string(), "{}", r.body);
    let r = get("/api/eval").await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_with_413() {
    let big = format!(r#"{{"facts": {{"pad": "{}"}}}}"#, "x".repeat(3 * 1024 * 1024));
    for path in ["/api/eval", "/api/batch", "/api/diff"] {
        let r = post(path, "application/json", big.clone()).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        assert_eq!(
            r.json()["error"],
            "the request body is over the limit of 2097152 bytes",
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_request_past_the_time_limit_is_a_503() {
    let mut st = State::builtin().expect("the Agreement loads");
    st.limits.timeout = std::time::Duration::ZERO;
    let r = post_to(Arc::new(st), "/api/diff", "application/json", diff_body()).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.json()["error"], "the request took longer than the limit of 0 ms");
}

#[tokio::test]
async fn api_batch_streams_one_line_a_case() {
    let case = GRIEVANCE.replace('\n', " ");
    let input = format!("{case}\n{{\"grievance\": {{\"knew_on\": \"bad\"}}}}\n\n{case}\n");
    let r = post(
        "/api/batch?query=grievance.step2_deadline",
        "application/x-ndjson",
        input.clone(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type.starts_with("application/x-ndjson"));
    let lines: Vec<serde_json::Value> = r
        .body
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 3, "{}", r.body);
    assert_eq!(lines[0]["grievance.step2_deadline"], "2025-01-13");
    assert_eq!(lines[2]["grievance.step2_deadline"], "2025-01-13");
    // Same lines as `cba batch`.
    let out = assert_cmd::Command::cargo_bin("cba")
        .expect("the binary")
        .args(["batch", "--query", "grievance.step2_deadline", "--input", "-"])
        .write_stdin(input)
        .output()
        .expect("cba batch runs");
    assert_eq!(r.body, String::from_utf8_lossy(&out.stdout));
    let r = post("/api/batch?query=grievance.nope", "application/x-ndjson", "{}\n").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.json()["error"]
            .as_str()
            .expect("a message")
            .contains("grievance.nope")
    );
}

#[tokio::test]
async fn api_rules_and_facts_describe_the_program() {
    let r = get("/api/rules").await;
    assert_eq!(r.status, StatusCode::OK);
    let rules = r.json();
    let step2 = rules
        .as_array()
        .expect("a list")
        .iter()
        .find(|d| d["name"] == "grievance.step2_deadline")
        .expect("the rule");
    assert_eq!(step2["type"], "date");
    let r = get("/api/rules/grievance.step2_deadline").await;
    assert_eq!(r.status, StatusCode::OK);
    let d = r.json();
    assert_eq!(&d, step2);
    assert_eq!(d["citation"]["text"], "Art. 10 §6.A");
    assert!(
        d["facts_read"]
            .as_array()
            .expect("a list")
            .iter()
            .any(|f| f == "grievance.step1.answered_on")
    );
    assert!(
        d["used_by"]
            .as_array()
            .expect("a list")
            .iter()
            .any(|f| f == "grievance.step2_timely")
    );
    let r = get("/api/facts").await;
    assert_eq!(r.status, StatusCode::OK);
    let facts = r.json();
    let method = facts
        .as_array()
        .expect("a list")
        .iter()
        .find(|f| f["path"] == "grievance.step2.method")
        .expect("the fact");
    assert!(
        method["enum_values"]
            .as_array()
            .expect("values")
            .iter()
            .any(|v| v == "mail")
    );
}

fn escaping_proposal() -> String {
    let text = cba::source::CONTRACTS
        .iter()
        .find(|(n, _)| n.ends_with("/grievance.cba"))
        .expect("the grievance module")
        .1;
    let evil = text
        .replace(
            "/// Step Two must be received",
            "/// <script>alert('doc')</script> Step Two must be received",
        )
        .replacen("    + 25 workdays\n", "    + 30 workdays\n", 1);
    assert_ne!(evil, text, "the proposal changes the module");
    evil
}

/// A diff request: the escaping proposal inline, compared over the example grievance
/// alone (the whole population takes long in a debug build).
fn diff_body() -> String {
    let facts: serde_json::Value = serde_json::from_str(GRIEVANCE).expect("the example parses");
    serde_json::json!({ "modules": { "grievance.cba": escaping_proposal() }, "cases": [facts] }).to_string()
}

fn with_proposal() -> AppState {
    static STATE: OnceLock<AppState> = OnceLock::new();
    STATE
        .get_or_init(|| {
            let mut st = State::builtin().expect("the Agreement loads");
            st.add_proposal("evil<b>", vec![("evil/grievance.cba".into(), escaping_proposal())])
                .expect("the proposal checks");
            Arc::new(st)
        })
        .clone()
}

#[tokio::test]
async fn the_proposals_page_escapes_everything_a_proposal_says() {
    let r = get_from(with_proposal(), "/proposals").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("<script>alert"), "a doc comment's markup is text");
    assert!(
        r.body.contains("&lt;script&gt;alert(&#39;doc&#39;)&lt;/script&gt;")
            || r.body.contains("&lt;script&gt;alert('doc')&lt;/script&gt;"),
        "{}",
        &r.body[..2000.min(r.body.len())]
    );
    assert!(!r.body.contains("evil<b>"), "a proposal's name is text");
    assert!(r.body.contains("evil&lt;b&gt;"));
    assert!(r.body.contains("grievance.step2_deadline"));
    assert!(r.body.contains("<del>") && r.body.contains("<ins>"), "a redline");
    assert!(r.body.contains("@media print") || r.body.contains("/assets/style.css"));
}

#[tokio::test]
async fn the_proposals_page_counts_changes_and_their_impact() {
    let r = get_from(with_proposal(), "/proposals").await;
    let count = r
        .body
        .split("class=\"changed-count\">")
        .nth(1)
        .and_then(|s| s.split('<').next());
    assert_eq!(count, Some("1"), "one rule changed");
    assert!(r.body.contains("data-query=\"grievance.step2_deadline\""), "its impact");
    assert!(
        r.body.contains("+7 days") || r.body.contains("days"),
        "a mean change in days"
    );
    let r = get("/proposals").await;
    assert!(r.body.contains("--proposal NAME=DIR"), "how to add one");
}

#[tokio::test]
async fn api_diff_compares_a_proposal() {
    let r = post("/api/diff", "application/json", diff_body()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    assert_eq!(v["changed"], true);
    assert_eq!(v["rules"][0]["name"], "grievance.step2_deadline");
    let impact = v["impact"].as_array().expect("impact");
    assert!(
        impact
            .iter()
            .any(|q| q["query"] == "grievance.step2_deadline" && q["unit"] == "days")
    );
    let r = post_to(
        with_proposal(),
        "/api/diff",
        "application/json",
        r#"{"proposal": "evil<b>"}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = post("/api/diff", "application/json", r#"{"proposal": "nope"}"#).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = post("/api/diff", "application/json", r#"{}"#).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = post(
        "/api/diff",
        "application/json",
        r#"{"modules": {"grievance.cba": "module grievance\nrule x: int = \"no\"\n"}}"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
}

#[tokio::test]
async fn the_whatif_form_asks_for_the_facts_and_answers_in_place() {
    let r = get("/whatif").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<option value=\"grievance\">"));
    let r = get("/whatif?module=grievance").await;
    assert!(r.body.contains("name=\"f.grievance.knew_on\""));
    assert!(r.body.contains("type=\"date\""));
    assert!(r.body.contains("<option value=\"mail\">"), "an enum is a select");
    assert!(
        !r.body.contains("name=\"f.credit.balance\""),
        "only facts the queries read"
    );
    assert!(!r.body.contains("class=\"answers\""), "nothing asked yet");
    // The example's case, answered, with citations linked to the text.
    let r = get("/whatif?module=grievance&example=grievance").await;
    assert!(r.body.contains("data-query=\"grievance.step2_deadline\""));
    assert!(r.body.contains("<strong class=\"value\">2025-01-13</strong>"));
    assert!(
        r.body
            .contains("href=\"/agreement?rule=grievance.step2_deadline#art10-6.A\"")
    );
    assert!(r.body.contains("<details class=\"tree\">"));
    // The submitted form: a bad date is an error at its field; a missing fact is named there.
    let r = get("/whatif?module=grievance&f.grievance.knew_on=last%20week&f.grievance.step1.answered_on=2024-11-25&f.grievance.step2.method=mail").await;
    assert!(r.body.contains("`last week` is not a date (YYYY-MM-DD)"), "in place");
    assert!(
        r.body.contains("<strong class=\"value\">2025-01-03</strong>") || r.body.contains("2025-01-0"),
        "Step Two still answers"
    );
    // An unknown module: a 400 with the nearest.
    let r = get("/whatif?module=grievanse").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = get("/whatif?module=grievance&example=nope").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A shared case in the URL is escaped where it is shown.
    let r = get("/whatif?module=grievance&f.grievance.subject=%3Cscript%3Ex%3C/script%3E").await;
    assert!(!r.body.contains("<script>x"));
}

#[tokio::test]
async fn a_case_downloads_as_a_fact_file_and_uploads_back() {
    let r = get("/whatif/case.json?module=grievance&f.grievance.knew_on=2024-10-01&f.calendar.closures=2024-12-24&f.calendar.closures=2025-01-09").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert_eq!(v["grievance"]["knew_on"], "2024-10-01");
    assert_eq!(
        v["calendar"]["closures"],
        serde_json::json!(["2024-12-24", "2025-01-09"])
    );
    let case = cba::web::html::url_encode(&r.body);
    let r = get(&format!("/whatif?module=grievance&case={case}")).await;
    assert!(
        r.body.contains("value=\"2024-10-01\""),
        "the uploaded case fills the form"
    );
    let r = get("/whatif?module=grievance&case=%7Bnope").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

/// Text as maud writes it into a page.
fn escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The part of a what-if page that holds one answer's counterfactuals.
fn flips_of<'a>(page: &'a str, query: &str) -> &'a str {
    let start = page
        .find(&format!("<div class=\"flips\" id=\"flips-{query}\""))
        .unwrap_or_else(|| panic!("no flips of `{query}` on the page"));
    let rest = &page[start..];
    let end = rest[1..]
        .find("<details class=\"tree answer\"")
        .map_or(rest.len(), |i| i + 1);
    &rest[..end]
}

#[tokio::test]
async fn the_whatif_page_shows_what_would_change_each_answer() {
    let page = "/whatif?module=grievance&example=grievance";
    // Not asked: a button beside each answer, nothing searched.
    let r = get(page).await;
    assert!(
        r.body.contains("name=\"flip\" value=\"grievance.step2_timely\""),
        "a button per answer"
    );
    assert!(r.body.contains("formaction=\"/whatif#flips-grievance.step2_timely\""));
    assert!(!r.body.contains("class=\"flip-answer"), "nothing searched unasked");
    // Asked for one answer: Step Two, timely on 2025-01-08, would not have been on
    // 2025-01-14, three workdays past the deadline of 2025-01-13; each flip explained.
    let r = get(&format!("{page}&flip=grievance.step2_timely")).await;
    assert_eq!(r.status, StatusCode::OK);
    let part = flips_of(&r.body, "grievance.step2_timely");
    assert!(
        part.contains("<tr data-fact=\"grievance.step2.received_on\">"),
        "{part}"
    );
    assert!(
        part.contains("<code class=\"flip-value\">2025-01-14</code> <span class=\"muted\">(3 workdays, 6 days later)</span> → <strong class=\"flip-answer\">false</strong>"),
        "{part}"
    );
    assert!(part.contains("<details class=\"tree flip-why\">"), "explained");
    assert!(part.contains("search bound"), "a search stopped at its bound says so");
    assert!(
        r.body
            .contains("type=\"hidden\" name=\"flip\" value=\"grievance.step2_timely\""),
        "kept on Answer"
    );
    assert!(
        !r.body.contains("id=\"flips-grievance.step1_timely\"><p"),
        "only the answer asked"
    );
    // Everything the page shows is what the library finds (Engine::flips, as `cba eval --flip`).
    let st = state();
    let text = cba::web::pages::whatif::example("grievance").expect("the example");
    let facts = st
        .engine
        .facts_from_text("grievance", text, cba::api::FactFormat::Json)
        .expect("facts");
    let q = st.engine.query("grievance.step2_timely").expect("a query");
    let opts = cba::api::FlipOptions {
        explain: true,
        why_not: false,
        pairs: true,
    };
    let report = st.engine.flips(&facts, &[q.id], opts).remove(0);
    assert!(report.facts.iter().map(|f| f.flips.len()).sum::<usize>() >= 3);
    for f in &report.facts {
        assert!(part.contains(&format!("<code class=\"case-value\">{}</code>", escaped(&f.value.text))));
        for x in &f.flips {
            let shown = format!("<code class=\"flip-value\">{}</code>", escaped(&x.what()));
            assert!(part.contains(&shown), "{shown} in {part}");
            assert!(
                part.contains(&format!("{}</strong>", escaped(&x.answer.text))),
                "{}",
                x.answer.text
            );
        }
        for n in &f.notes {
            assert!(part.contains(&escaped(n)), "{n}");
        }
    }
    // Every answer at once, without explanations; each can then be asked alone.
    let r = get(&format!("{page}&flip=all")).await;
    assert!(flips_of(&r.body, "grievance.step1_timely").contains("class=\"flip-answer"));
    assert!(flips_of(&r.body, "grievance.step2_deadline").contains("<tr data-fact=\"grievance.step1.answered_on\">"));
    assert!(!r.body.contains("flip-why"), "no explanations for all");
    assert!(r.body.contains("With the explanations (and pairs of facts)"));
    assert!(
        !r.body.contains("class=\"bound\""),
        "within the page's bound: {}",
        r.body
            .split("class=\"bound\"")
            .nth(1)
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect::<String>()
    );
}

#[tokio::test]
async fn the_whatif_flips_escape_the_case_and_say_when_the_page_bound_is_hit() {
    let r = get("/whatif?module=grievance&f.grievance.knew_on=2024-10-01&f.grievance.subject=%3Cscript%3Ex%3C/script%3E&flip=grievance.grievable").await;
    assert_eq!(r.status, StatusCode::OK);
    let part = flips_of(&r.body, "grievance.grievable");
    assert!(part.contains("<tr data-fact=\"grievance.subject\">"), "{part}");
    assert!(part.contains("&lt;script&gt;x&lt;/script&gt;"), "{part}");
    assert!(!r.body.contains("<script>x"), "escaped");
    // A budget spent: the answers past it are not searched, and each says so.
    let st = state();
    let text = cba::web::pages::whatif::example("grievance").expect("the example");
    let facts = st
        .engine
        .facts_from_text("grievance", text, cba::api::FactFormat::Json)
        .expect("facts");
    let queries = st.engine.select(&["grievance.*".to_string()], &facts).expect("queries");
    let answers = st.engine.evaluate(&facts, &queries, cba::api::ExplainMode::Off).answers;
    use cba::web::pages::flips;
    let f = flips::search(&st, &facts, &answers, &[flips::ALL.to_string()], 100);
    assert!(!f.reports.is_empty() && !f.skipped.is_empty(), "{:?}", f.skipped);
    assert_eq!(f.reports.len() + f.skipped.len(), answers.len());
    let html = flips::section(&st, &f.skipped[0], &f).into_string();
    assert!(
        html.contains("Not searched: this page's bound of 100 evaluations was spent"),
        "{html}"
    );
    // The page's own bound is far above a module's answers.
    let all = flips::search(
        &st,
        &facts,
        &answers,
        &[flips::ALL.to_string()],
        flips::MAX_PAGE_EVALUATIONS,
    );
    assert!(all.skipped.is_empty());
    let spent: u64 = all.reports.values().map(|r| r.evaluations).sum();
    assert!(spent * 4 < flips::MAX_PAGE_EVALUATIONS, "{spent}");
}

#[tokio::test]
async fn the_whatif_form_asks_for_the_static_lineage_of_its_queries() {
    let st = state();
    for patterns in [
        vec!["grievance.*"],
        vec!["official_time.*"],
        vec!["grievance.step2_deadline"],
    ] {
        let url = format!(
            "/whatif?{}",
            patterns
                .iter()
                .map(|p| format!("query={p}"))
                .collect::<Vec<_>>()
                .join("&")
        );
        let r = get(&url).await;
        assert_eq!(r.status, StatusCode::OK, "{url}");
        let asked: std::collections::BTreeSet<String> = r
            .body
            .split("name=\"f.")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .map(str::to_string)
            .collect();
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        let ids: Vec<_> = st
            .engine
            .select_static(&patterns)
            .expect("queries")
            .iter()
            .map(|q| q.id)
            .collect();
        let lineage: std::collections::BTreeSet<String> =
            st.engine.inputs(&ids, None).facts.into_iter().map(|f| f.fact).collect();
        assert_eq!(asked, lineage, "{url}: the form's facts are `cba inputs`'s");
    }
    // Step Two's deadline counts workdays (the closures), and reads neither the date of
    // the case nor the subject.
    let r = get("/whatif?query=grievance.step2_deadline").await;
    assert!(r.body.contains("name=\"f.calendar.closures\""));
    assert!(!r.body.contains("name=\"f.as_of\""));
    assert!(!r.body.contains("name=\"f.grievance.subject\""));
}

/// The schema a documented response declares, resolved, for JSON responses.
fn response_schema<'a>(doc: &'a serde_json::Value, response: &'a serde_json::Value) -> Option<&'a serde_json::Value> {
    let schema = response.get("content")?.get("application/json")?.get("schema")?;
    let resolve = |s: &'a serde_json::Value| -> &'a serde_json::Value {
        match s.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => doc
                .pointer(&r.replacen('#', "", 1))
                .unwrap_or_else(|| panic!("`{r}` resolves")),
            None => s,
        }
    };
    Some(resolve(schema))
}

/// Every field the schema requires is in the value (for an array, in each item).
fn check_shape(doc: &serde_json::Value, schema: &serde_json::Value, v: &serde_json::Value, at: &str) {
    if schema.get("type").and_then(|t| t.as_str()) == Some("array") {
        let items = schema.get("items").expect("an array schema has items");
        let items = match items.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => doc.pointer(&r.replacen('#', "", 1)).expect("the items resolve"),
            None => items,
        };
        let xs = v.as_array().unwrap_or_else(|| panic!("{at}: an array, not {v}"));
        assert!(!xs.is_empty(), "{at}: some items");
        for x in xs {
            check_shape(doc, items, x, at);
        }
        return;
    }
    for field in schema.get("required").and_then(|r| r.as_array()).into_iter().flatten() {
        let f = field.as_str().expect("a field name");
        assert!(
            v.get(f).is_some(),
            "{at}: `{f}` is documented as required but missing from {v}"
        );
    }
}

#[tokio::test]
async fn every_documented_response_is_what_the_route_answers() {
    let r = get("/api/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert!(doc["openapi"].as_str().expect("a version").starts_with("3."));
    let big = format!(r#"{{"facts": {{"pad": "{}"}}}}"#, "x".repeat(3 * 1024 * 1024));
    let case = GRIEVANCE.replace('\n', " ");
    let diff_ok = diff_body();
    // A request for every (method, path, status) the document declares.
    let requests: Vec<(&str, &str, u16, &str, String)> = vec![
        (
            "post",
            "/api/eval",
            200,
            "/api/eval",
            eval_body(&["grievance.step2_deadline"], serde_json::json!(true)),
        ),
        ("post", "/api/eval", 400, "/api/eval", "{not json".into()),
        ("post", "/api/eval", 413, "/api/eval", big.clone()),
        ("post", "/api/eval", 422, "/api/eval", r#"{"facts": 3}"#.into()),
        // On a server whose Agreement has a rule made slow on purpose (`slow_state`).
        (
            "post",
            "/api/eval",
            503,
            "/api/eval",
            serde_json::json!({ "facts": {}, "queries": ["slow.spin"] }).to_string(),
        ),
        (
            "post",
            "/api/batch",
            200,
            "/api/batch?query=grievance.step2_deadline",
            case,
        ),
        (
            "post",
            "/api/batch",
            400,
            "/api/batch?query=grievance.nope",
            "{}".into(),
        ),
        ("post", "/api/batch", 413, "/api/batch", big.clone()),
        ("get", "/api/rules", 200, "/api/rules", String::new()),
        (
            "get",
            "/api/rules/{name}",
            200,
            "/api/rules/grievance.step2_deadline",
            String::new(),
        ),
        (
            "get",
            "/api/rules/{name}",
            404,
            "/api/rules/grievance.nope",
            String::new(),
        ),
        ("get", "/api/facts", 200, "/api/facts", String::new()),
        ("post", "/api/diff", 200, "/api/diff", diff_ok),
        ("post", "/api/diff", 400, "/api/diff", "{}".into()),
        ("post", "/api/diff", 404, "/api/diff", r#"{"proposal": "nope"}"#.into()),
        ("post", "/api/diff", 413, "/api/diff", big),
        (
            "post",
            "/api/diff",
            422,
            "/api/diff",
            r#"{"modules": {"grievance.cba": "module grievance\nrule x: int = \"no\"\n"}}"#.into(),
        ),
    ];
    let mut documented = std::collections::BTreeSet::new();
    for (path, methods) in doc["paths"].as_object().expect("paths") {
        for (method, op) in methods.as_object().expect("methods") {
            for status in op["responses"].as_object().expect("responses").keys() {
                documented.insert((method.clone(), path.clone(), status.parse::<u16>().expect("a status")));
            }
        }
    }
    let tried: std::collections::BTreeSet<(String, String, u16)> = requests
        .iter()
        .map(|(m, p, s, _, _)| (m.to_string(), p.to_string(), *s))
        .collect();
    assert_eq!(
        documented, tried,
        "every documented response has a request here, and no other"
    );
    for (method, path, status, uri, body) in &requests {
        let r = if *method == "get" {
            get(uri).await
        } else if *status == 503 {
            post_to(slow_state(), uri, "application/json", body.clone()).await
        } else {
            post(uri, "application/json", body.clone()).await
        };
        let at = format!("{method} {uri} → {status}");
        assert_eq!(r.status.as_u16(), *status, "{at}: {}", r.body);
        let response = &doc["paths"][path][method]["responses"][status.to_string()];
        if let Some(schema) = response_schema(&doc, response) {
            check_shape(&doc, schema, &r.json(), &at);
        } else {
            assert!(r.content_type.starts_with("application/x-ndjson"), "{at}");
        }
    }
}
