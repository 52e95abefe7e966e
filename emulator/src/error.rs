//! Auth0-shaped error responses.
//!
//! Management API errors have the body
//! `{"statusCode":404,"error":"Not Found","message":"…","errorCode":"…"}`.
//! The Authentication API (`/oauth/token`) uses the OAuth shape `{"error":"…","error_description":"…"}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// An error answered by the Management API, in Auth0's body shape.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub message: String,
    pub error_code: Option<&'static str>,
}

impl ApiError {
    pub fn new(status: u16, message: impl Into<String>, error_code: Option<&'static str>) -> Self {
        ApiError {
            status,
            message: message.into(),
            error_code,
        }
    }

    pub fn client_not_found() -> Self {
        Self::new(404, "The client does not exist", Some("inexistent_client"))
    }

    pub fn resource_server_not_found() -> Self {
        Self::new(
            404,
            "The resource server does not exist",
            Some("inexistent_resource_server"),
        )
    }

    pub fn client_grant_not_found() -> Self {
        Self::new(
            404,
            "The client grant does not exist",
            Some("inexistent_client_grant"),
        )
    }

    /// 400 for a body that does not match the request schema.
    pub fn payload(detail: impl std::fmt::Display) -> Self {
        Self::new(
            400,
            format!("Payload validation error: {detail}"),
            Some("invalid_body"),
        )
    }

    /// 400 for a query string that does not match the operation's parameters.
    pub fn query(detail: impl std::fmt::Display) -> Self {
        Self::new(
            400,
            format!("Query validation error: {detail}"),
            Some("invalid_query_string"),
        )
    }

    pub fn bad_request(message: impl Into<String>, error_code: &'static str) -> Self {
        Self::new(400, message, Some(error_code))
    }

    /// 401 without errorCode, as Auth0 sends for a missing or unusable token.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(401, message, None)
    }

    pub fn insufficient_scope(expected: &[&str]) -> Self {
        Self::new(
            403,
            format!(
                "Insufficient scope, expected any of: {}",
                expected.join(",")
            ),
            Some("insufficient_scope"),
        )
    }

    // Auth0 sends an errorCode with 409s; the exact code is not in our sources, so this one is ours.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(409, message, Some("conflict"))
    }

    pub fn too_many_requests() -> Self {
        Self::new(
            429,
            "Global limit has been reached",
            Some("too_many_requests"),
        )
    }

    pub fn reason(&self) -> &'static str {
        StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Error")
    }

    pub fn body(&self) -> Value {
        let mut body = json!({
            "statusCode": self.status,
            "error": self.reason(),
            "message": self.message,
        });
        if let Some(code) = self.error_code {
            body["errorCode"] = json!(code);
        }
        body
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, axum::Json(self.body())).into_response()
    }
}

/// An error from `/oauth/token`, in the OAuth 2.0 shape Auth0's Authentication API uses.
#[derive(Debug, Clone, PartialEq)]
pub struct OAuthError {
    pub status: u16,
    pub error: &'static str,
    pub description: String,
}

impl OAuthError {
    pub fn new(status: u16, error: &'static str, description: impl Into<String>) -> Self {
        OAuthError {
            status,
            error,
            description: description.into(),
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        (
            status,
            axum::Json(json!({"error": self.error, "error_description": self.description})),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_client_has_auth0s_404_body() {
        assert_eq!(
            ApiError::client_not_found().body(),
            json!({"statusCode":404,"error":"Not Found","message":"The client does not exist","errorCode":"inexistent_client"})
        );
    }

    #[test]
    fn the_rate_limit_error_has_auth0s_429_body() {
        assert_eq!(
            ApiError::too_many_requests().body(),
            json!({"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached","errorCode":"too_many_requests"})
        );
    }

    #[test]
    fn an_unauthorized_error_carries_no_error_code() {
        assert_eq!(
            ApiError::unauthorized("Missing authentication").body(),
            json!({"statusCode":401,"error":"Unauthorized","message":"Missing authentication"})
        );
    }
}
