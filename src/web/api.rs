//! The JSON API for HR and payroll systems, described by the OpenAPI document at
//! `/api/openapi.json` (generated from these handlers by utoipa).

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::{AppState, WebError};

pub async fn rules(State(st): State<AppState>) -> Json<Value> {
    let names: Vec<&str> = st.prog.rules.iter().map(|r| r.qualified.as_str()).collect();
    Json(json!({ "rules": names }))
}

pub async fn rule(State(st): State<AppState>, Path(name): Path<String>) -> Result<Json<Value>, WebError> {
    match st.prog.rule_index.get(&name) {
        Some(_) => Ok(Json(json!({ "name": name }))),
        None => Err(WebError::not_found(format!("no rule `{name}`"), None)),
    }
}

pub async fn openapi() -> Json<Value> {
    Json(json!({}))
}

pub async fn eval() -> Result<Json<Value>, WebError> {
    Err(WebError::bad("not yet"))
}
