//! One HTTP exchange with Auth0, bounded by the deadline and by cancellation, and what a failed
//! one means for retrying.

use std::time::Duration;

use reqwest::Method;

use super::retry::redact;
use super::token::AccessToken;
use super::{ApiRequest, Auth0Client, Call, ATTEMPT_TIMEOUT};

/// How long a write already on its way to Auth0 may still take after a cancel. Its answer
/// tells what Auth0 did, so a create can report the id of what it made instead of leaving an
/// object nobody knows about; the engine expects a cancelled provider to stop within a few
/// seconds.
pub(super) const CANCEL_GRACE: Duration = Duration::from_secs(1);

/// The raw outcome of one HTTP exchange.
pub(super) struct Exchange {
    pub(super) status: u16,
    pub(super) headers: reqwest::header::HeaderMap,
    pub(super) body: Vec<u8>,
}

pub(super) enum AttemptError {
    /// `unsent`: the connection failed before any byte of the request left, so even a POST
    /// can be sent again. `permanent`: trying again cannot help (an untrusted certificate).
    Transport {
        message: String,
        unsent: bool,
        permanent: bool,
    },
    Timeout(String),
    /// Cancelled before the request could have changed anything: a read, or a write that had
    /// not started.
    Cancelled,
    /// Cancelled while a write was on its way, and its answer did not come within
    /// [`CANCEL_GRACE`]: Auth0 may have applied it.
    CancelledUnanswered(String),
}

impl Auth0Client {
    /// One HTTP exchange, bounded by the deadline and by cancellation.
    pub(super) async fn exchange(
        &self,
        call: &Call<'_>,
        body: Option<&serde_json::Value>,
        token: Option<&AccessToken>,
        deadline: Option<tokio::time::Instant>,
        attempt: u32,
    ) -> Result<Exchange, AttemptError> {
        let settings = &self.inner.settings;
        let req = call.req;
        if self.inner.cancel.is_cancelled() {
            return Err(AttemptError::Cancelled);
        }
        let started = tokio::time::Instant::now();
        let timeout = match deadline {
            Some(deadline) => {
                let left = deadline.saturating_duration_since(started);
                if left.is_zero() {
                    return Err(AttemptError::Timeout(format!(
                        "{} {} was not sent because its deadline had passed",
                        req.method, req.path
                    )));
                }
                left.min(ATTEMPT_TIMEOUT)
            }
            None => ATTEMPT_TIMEOUT,
        };
        let url = format!("{}{}", settings.base_url, req.path);
        let mut builder = self
            .inner
            .http
            .request(req.method.clone(), &url)
            .timeout(timeout);
        if !req.query.is_empty() {
            builder = builder.query(&req.query);
        }
        if let Some(token) = token {
            builder = builder.bearer_auth(token.as_str());
        }
        if let Some(domain) = &settings.custom_domain_header {
            builder = builder.header("Auth0-Custom-Domain", domain);
        }
        if let Some(body) = body {
            builder = builder.json(body);
            if settings.debug && !call.sensitive {
                tracing::debug!(method = %req.method, path = %req.path, body = %redact(body), "Auth0 request body");
            }
        }

        let mut send = std::pin::pin!(async {
            let response = builder.send().await?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = response.bytes().await?.to_vec();
            Ok::<_, reqwest::Error>(Exchange {
                status,
                headers,
                body,
            })
        });
        let outcome = tokio::select! {
            outcome = &mut send => outcome,
            _ = self.inner.cancel.cancelled() => {
                if !call.authorized || !is_write(&req.method) {
                    return Err(AttemptError::Cancelled);
                }
                // A write may already have reached Auth0: its answer is worth a short wait.
                match tokio::time::timeout(CANCEL_GRACE, &mut send).await {
                    Ok(outcome) => {
                        tracing::info!(method = %req.method, path = %req.path, attempt, "an Auth0 write in flight at cancel was answered within the grace period");
                        outcome
                    }
                    Err(_) => {
                        return Err(AttemptError::CancelledUnanswered(format!(
                            "{} {} was cancelled after it was sent, and Auth0 had not answered {} s later",
                            req.method,
                            req.path,
                            CANCEL_GRACE.as_secs()
                        )))
                    }
                }
            }
        };
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match outcome {
            Ok(exchange) => {
                let status = exchange.status;
                if settings.debug {
                    tracing::info!(method = %req.method, path = %req.path, status, attempt, elapsed_ms, "Auth0 request");
                    if !call.sensitive {
                        tracing::debug!(method = %req.method, path = %req.path, status, body = %redact(&parse_body(&exchange.body)), "Auth0 response body");
                    }
                } else {
                    tracing::debug!(method = %req.method, path = %req.path, status, attempt, elapsed_ms, "Auth0 request");
                }
                Ok(exchange)
            }
            Err(err) => {
                let failure = self.describe_failure(req, &err, deadline);
                tracing::debug!(method = %req.method, path = %req.path, attempt, elapsed_ms, "Auth0 request failed: {}", match &failure {
                    AttemptError::Transport { message, .. } | AttemptError::Timeout(message) => message.as_str(),
                    AttemptError::Cancelled | AttemptError::CancelledUnanswered(_) => "cancelled",
                });
                Err(failure)
            }
        }
    }

    fn describe_failure(
        &self,
        req: &ApiRequest,
        err: &reqwest::Error,
        deadline: Option<tokio::time::Instant>,
    ) -> AttemptError {
        let base = &self.inner.settings.base_url;
        let cause = root_cause(err);
        if err.is_timeout() && deadline.is_some_and(|d| tokio::time::Instant::now() >= d) {
            return AttemptError::Timeout(format!(
                "Auth0 did not answer {} {} before the operation's deadline",
                req.method, req.path
            ));
        }
        if err.is_connect() {
            let certificate = cause.to_ascii_lowercase().contains("certificate");
            let hint = if certificate {
                "; if the tenant uses a private CA, point SSL_CERT_FILE at its PEM certificate"
            } else {
                "; check auth0:domain and the network"
            };
            return AttemptError::Transport {
                message: format!("could not connect to Auth0 at {base} ({cause}){hint}"),
                unsent: true,
                permanent: certificate,
            };
        }
        if err.is_timeout() {
            return AttemptError::Transport {
                message: format!(
                    "Auth0 at {base} did not answer {} {} within {}s",
                    req.method,
                    req.path,
                    ATTEMPT_TIMEOUT.as_secs()
                ),
                unsent: false,
                permanent: false,
            };
        }
        AttemptError::Transport {
            message: format!(
                "the connection to Auth0 at {base} failed during {} {} ({cause})",
                req.method, req.path
            ),
            unsent: false,
            permanent: false,
        }
    }
}

/// A request that changes something at Auth0.
pub(super) fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

pub(super) fn parse_body(bytes: &[u8]) -> serde_json::Value {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return serde_json::Value::Null;
    }
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

/// The innermost error's text: "Connection refused (os error 111)" rather than reqwest's
/// "error sending request for url (…)".
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_bodies_are_null_and_non_json_bodies_are_text() {
        assert_eq!(parse_body(b""), serde_json::Value::Null);
        assert_eq!(parse_body(b"  \n"), serde_json::Value::Null);
        assert_eq!(parse_body(br#"{"a":1}"#), serde_json::json!({"a": 1}));
        assert_eq!(parse_body(b"OK"), serde_json::json!("OK"));
    }
}
