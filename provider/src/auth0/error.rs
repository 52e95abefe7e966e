//! What can go wrong talking to Auth0, and the one sentence a user sees for each.

use std::time::Duration;

/// A failed Auth0 call. Every text in here is safe to show: no tokens, no secrets.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// Auth0 answered with an error status.
    Status {
        status: u16,
        /// The status text, e.g. `Conflict`.
        error: String,
        /// Auth0's message, possibly followed by a hint of ours.
        message: String,
        /// Auth0's machine-readable code, e.g. `inexistent_client`.
        error_code: Option<String>,
    },
    /// Auth0 kept answering 429 for longer than the request could wait.
    RateLimited { waited: Duration, message: String },
    /// Auth0 could not be reached, or the answer could not be read.
    Transport(String),
    /// A request that is not safe to send twice (a POST) was sent, and its answer was lost:
    /// the connection failed after sending, or Auth0 answered 500, 502 or 504. Or a write was
    /// cancelled on its way, or while waiting to be sent again after such an answer. Auth0 may
    /// or may not have applied it; the caller decides how to find out.
    OutcomeUnknown(String),
    /// The request's deadline passed.
    Timeout(String),
    /// The provider was cancelled.
    Cancelled,
}

impl ApiError {
    /// One sentence for the user, e.g.
    /// `Auth0 answered 409 Conflict: A resource server with the same identifier already exists.`
    pub fn sentence(&self) -> String {
        match self {
            ApiError::Status { status, error, message, .. } => {
                if message.is_empty() || message == error {
                    format!("Auth0 answered {status} {error}.")
                } else {
                    format!("Auth0 answered {status} {error}: {}", with_period(message))
                }
            }
            ApiError::RateLimited { waited, message } => format!(
                "Auth0 kept answering 429 Too Many Requests ({}) after waiting {}; lower auth0:maxRequestsPerSecond, or raise auth0:rateLimitWaitSeconds or the operation's timeout.",
                message.trim_end_matches('.'),
                seconds(*waited)
            ),
            ApiError::Transport(text) | ApiError::Timeout(text) => with_period(text),
            ApiError::OutcomeUnknown(text) => format!(
                "{}; Auth0 may or may not have applied it",
                text.trim_end_matches('.')
            ) + ".",
            ApiError::Cancelled => "The Auth0 request was cancelled.".to_string(),
        }
    }

    /// True when a create may have been applied although it failed (see [`ApiError::OutcomeUnknown`]).
    pub fn outcome_unknown(&self) -> bool {
        matches!(self, ApiError::OutcomeUnknown(_))
    }

    /// True for a 404: the thing asked for does not exist (any more).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// The HTTP status Auth0 answered with, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            ApiError::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// Auth0's `errorCode`, e.g. `inexistent_client`.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            ApiError::Status { error_code, .. } => error_code.as_deref(),
            _ => None,
        }
    }

    /// Builds a `Status` error from a response body: Auth0's
    /// `{"statusCode","error","message","errorCode"}`, OAuth's `{"error","error_description"}`,
    /// or anything else (then the status text stands alone).
    pub fn from_response(status: u16, body: &[u8]) -> ApiError {
        let reason = reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Error")
            .to_string();
        let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        let field = |name: &str| {
            json.as_ref()
                .and_then(|j| j.get(name))
                .and_then(|v| v.as_str())
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let (error, message, error_code) = match &json {
            Some(serde_json::Value::Object(_)) => {
                let description = field("error_description");
                let message = field("message").or_else(|| description.clone());
                // OAuth puts its code in `error`; Auth0 puts the status text there.
                let oauth_code = description.as_ref().and(field("error"));
                (
                    reason.clone(),
                    message.unwrap_or_default(),
                    field("errorCode").or(oauth_code),
                )
            }
            _ => (reason.clone(), short_text(body).unwrap_or_default(), None),
        };
        ApiError::Status {
            status,
            error,
            message,
            error_code,
        }
    }

    /// The same error with a hint of ours appended to Auth0's message.
    pub(crate) fn with_hint(self, hint: &str) -> ApiError {
        match self {
            ApiError::Status {
                status,
                error,
                message,
                error_code,
            } => {
                let message = if message.is_empty() || message == error {
                    hint.to_string()
                } else {
                    format!("{}; {hint}", message.trim_end_matches('.'))
                };
                ApiError::Status {
                    status,
                    error,
                    message,
                    error_code,
                }
            }
            other => other,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.sentence())
    }
}

impl std::error::Error for ApiError {}

/// The client cannot be built from its settings (a domain that is no URL, an unreadable key or
/// certificate file): one sentence that names the setting and the fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// A short one-line plain-text body (a proxy's "upstream connect error"), if it is one.
fn short_text(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?.trim();
    let plain =
        !text.is_empty() && text.len() <= 200 && !text.contains('\n') && !text.starts_with('<');
    plain.then(|| text.to_string())
}

fn with_period(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

pub(crate) fn seconds(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 10.0 && d.subsec_millis() != 0 {
        format!("{secs:.1}s")
    } else {
        format!("{}s", d.as_secs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_sentence_holds_the_status_its_text_and_auth0s_message() {
        let err = ApiError::from_response(
            409,
            br#"{"statusCode":409,"error":"Conflict","message":"A resource server with the same identifier already exists.","errorCode":"operation_not_supported"}"#,
        );
        assert_eq!(
            err.sentence(),
            "Auth0 answered 409 Conflict: A resource server with the same identifier already exists."
        );
        assert_eq!(err.error_code(), Some("operation_not_supported"));
        assert_eq!(err.status(), Some(409));
    }

    #[test]
    fn a_message_without_a_period_gets_one() {
        let err = ApiError::from_response(
            404,
            br#"{"statusCode":404,"error":"Not Found","message":"The client does not exist","errorCode":"inexistent_client"}"#,
        );
        assert_eq!(
            err.sentence(),
            "Auth0 answered 404 Not Found: The client does not exist."
        );
        assert!(err.is_not_found());
    }

    #[test]
    fn a_non_json_body_falls_back_to_the_status_text() {
        let html = ApiError::from_response(502, b"<html><body>Bad gateway</body></html>");
        assert_eq!(html.sentence(), "Auth0 answered 502 Bad Gateway.");
        let text = ApiError::from_response(503, b"upstream connect error");
        assert_eq!(
            text.sentence(),
            "Auth0 answered 503 Service Unavailable: upstream connect error."
        );
        let empty = ApiError::from_response(500, b"");
        assert_eq!(
            empty.sentence(),
            "Auth0 answered 500 Internal Server Error."
        );
    }

    #[test]
    fn an_oauth_error_body_uses_its_description() {
        let err = ApiError::from_response(
            401,
            br#"{"error":"access_denied","error_description":"Unauthorized"}"#,
        );
        assert_eq!(err.sentence(), "Auth0 answered 401 Unauthorized.");
        assert_eq!(err.error_code(), Some("access_denied"));
        let err = ApiError::from_response(
            403,
            br#"{"error":"unauthorized_client","error_description":"Grant type 'client_credentials' not allowed for the client."}"#,
        );
        assert_eq!(
            err.sentence(),
            "Auth0 answered 403 Forbidden: Grant type 'client_credentials' not allowed for the client."
        );
    }

    #[test]
    fn a_hint_follows_auth0s_message_in_the_same_sentence() {
        let err = ApiError::from_response(401, br#"{"statusCode":401,"error":"Unauthorized","message":"Expired token received for JSON Web Token validation."}"#)
            .with_hint("set a fresh auth0:apiToken");
        assert_eq!(
            err.sentence(),
            "Auth0 answered 401 Unauthorized: Expired token received for JSON Web Token validation; set a fresh auth0:apiToken."
        );
    }

    #[test]
    fn a_rate_limit_sentence_says_how_long_was_waited() {
        let err = ApiError::RateLimited {
            waited: Duration::from_secs(42),
            message: "Global limit has been reached".into(),
        };
        let s = err.sentence();
        assert!(
            s.contains("429") && s.contains("after waiting 42s") && s.contains("Global limit"),
            "{s}"
        );
        assert_eq!(err.status(), Some(429));
    }
}
