//! The one error type of the server: every bad request becomes a 4xx with a JSON
//! body `{"error": "...", "help": "...", ...}` carrying the message the CLI gives.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

#[derive(Debug, Clone, PartialEq)]
pub enum WebError {
    /// The request is malformed: not JSON, a missing field, a bad query pattern.
    BadRequest { message: String, help: Option<String> },
    /// The request is well-formed but its content is wrong: a fact file that does
    /// not fit the schema (`details` says where).
    Unprocessable { message: String, details: Value },
    /// No such rule, page or proposal.
    NotFound { message: String, help: Option<String> },
    /// The body is over the limit.
    TooLarge { limit: usize },
    /// The request ran past the time limit (its evaluation was stopped).
    Timeout { limit: std::time::Duration },
}

impl WebError {
    pub fn bad(message: impl Into<String>) -> WebError {
        WebError::BadRequest {
            message: message.into(),
            help: None,
        }
    }

    pub fn bad_help(message: impl Into<String>, help: impl Into<String>) -> WebError {
        WebError::BadRequest {
            message: message.into(),
            help: Some(help.into()),
        }
    }

    pub fn not_found(message: impl Into<String>, help: Option<String>) -> WebError {
        WebError::NotFound {
            message: message.into(),
            help,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            WebError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            WebError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::NotFound { .. } => StatusCode::NOT_FOUND,
            WebError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Timeout { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    pub fn message(&self) -> String {
        match self {
            WebError::BadRequest { message, .. }
            | WebError::Unprocessable { message, .. }
            | WebError::NotFound { message, .. } => message.clone(),
            WebError::TooLarge { limit } => format!("the request body is over the limit of {limit} bytes"),
            WebError::Timeout { limit } => {
                format!("the request took longer than the limit of {}", duration_text(*limit))
            }
        }
    }

    pub fn help(&self) -> Option<String> {
        match self {
            WebError::BadRequest { help, .. } | WebError::NotFound { help, .. } => help.clone(),
            WebError::Unprocessable { .. } => Some("fix what the message names and send it again".into()),
            WebError::TooLarge { .. } => Some("send fewer cases per request, or split the file".into()),
            WebError::Timeout { .. } => Some("ask fewer queries per request, or send fewer cases".into()),
        }
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        let mut v = json!({ "error": self.message() });
        if let Some(h) = self.help() {
            v["help"] = json!(h);
        }
        if let WebError::Unprocessable { details, .. } = self
            && !details.is_null()
        {
            v["details"] = details.clone();
        }
        v
    }
}

/// `30 s`, `1.5 s`, `50 ms`.
fn duration_text(d: std::time::Duration) -> String {
    if d.as_millis() < 1000 {
        format!("{} ms", d.as_millis())
    } else if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        (self.status(), axum::Json(self.body())).into_response()
    }
}

impl std::fmt::Display for WebError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}
