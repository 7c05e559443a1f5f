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
            let prog = cba::load::load(&cba::load::Contracts::Embedded)
                .expect("the Agreement loads")
                .program
                .expect("the Agreement checks");
            Arc::new(State::for_tests(prog))
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
    send(state(), Request::get(path).body(Body::empty()).expect("a request")).await
}

async fn post(path: &str, content_type: &str, body: impl Into<Body>) -> Reply {
    send(
        state(),
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
