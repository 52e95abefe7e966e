//! One request as resources describe it, and the answer they get back.

use std::time::Instant;

use reqwest::Method;

/// One Management API (or `/oauth/token`) request.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiRequest {
    pub method: Method,
    /// Starts with `/`, e.g. `/api/v2/clients/abc`; ids in it must already be encoded
    /// (see [`encode_path_segment`]).
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<serde_json::Value>,
    /// No attempt, wait or retry goes past this.
    pub deadline: Option<Instant>,
}

impl ApiRequest {
    pub fn new(method: Method, path: impl Into<String>) -> ApiRequest {
        ApiRequest {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            deadline: None,
        }
    }

    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> ApiRequest {
        self.query.push((name.into(), value.into()));
        self
    }

    pub fn body(mut self, body: serde_json::Value) -> ApiRequest {
        self.body = Some(body);
        self
    }

    pub fn deadline(mut self, deadline: Option<Instant>) -> ApiRequest {
        self.deadline = deadline;
        self
    }

    /// Whether sending this twice does no harm when the first answer was lost.
    pub(super) fn is_replay_safe(&self) -> bool {
        matches!(
            self.method,
            Method::GET | Method::HEAD | Method::PATCH | Method::PUT | Method::DELETE
        )
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ApiResponse {
    pub status: u16,
    /// The JSON body; `Null` when empty (204), a string when not JSON.
    pub body: serde_json::Value,
}

/// Percent-encodes one path segment, e.g. a resource server identifier used as its id.
pub fn encode_path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(
            encode_path_segment("https://api.example.com/"),
            "https%3A%2F%2Fapi.example.com%2F"
        );
        assert_eq!(encode_path_segment("abc-DEF_1.2~"), "abc-DEF_1.2~");
    }

    #[test]
    fn only_idempotent_methods_are_replay_safe() {
        for method in [Method::GET, Method::PATCH, Method::DELETE] {
            assert!(ApiRequest::new(method, "/").is_replay_safe());
        }
        assert!(!ApiRequest::new(Method::POST, "/").is_replay_safe());
    }
}
