//! The provider's one Auth0 HTTP client. Every Management API call goes through
//! [`Auth0Client::send`], which adds the token, the client-side rate limit, 429 waits and
//! safe retries, so resources only describe the request.

pub mod error;
mod exchange;
pub mod limiter;
pub mod listing;
pub mod pacer;
mod refusal;
mod request;
mod retry;
pub mod settings;
mod slots;
mod token;

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use tokio_util::sync::CancellationToken;

pub use error::{ApiError, ConfigError};
pub use limiter::RateLimiter;
pub use request::{encode_path_segment, ApiRequest, ApiResponse};
pub use settings::{Credentials, Settings};

use exchange::{is_write, parse_body, AttemptError};
use retry::{backoff_delay, rate_limit_delay, NOT_PROCESSED_STATUS, RETRYABLE_STATUSES};
use token::{parse_token_response, AccessToken, TokenCache, TokenSource};

/// Retries after 5xx or connection failures, on top of the first attempt. Five retries wait
/// about 3 to 6 s in all, so a tenant answering one request in four with a 503 still fails
/// fewer than one request in a thousand.
const MAX_RETRIES: u32 = 5;
/// The longest one attempt may take when the caller set no deadline.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(120);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The Auth0 client. Cheap to clone; clones share the token, the rate limiter and cancellation.
#[derive(Clone)]
pub struct Auth0Client {
    inner: Arc<Inner>,
}

struct Inner {
    settings: Settings,
    http: reqwest::Client,
    source: TokenSource,
    tokens: TokenCache,
    limiter: Option<RateLimiter>,
    /// The tenant's own pace, learned from its 429s (see [`pacer`]).
    pacer: pacer::Pacer,
    cancel: CancellationToken,
}

/// How one logical request is run.
struct Call<'a> {
    req: &'a ApiRequest,
    /// Send a Management API token (false only for `/oauth/token` itself).
    authorized: bool,
    replay_safe: bool,
    /// The bodies hold credentials: never log them, even with debug on.
    sensitive: bool,
    /// Builds the body anew for each attempt, in place of `req.body` (a client assertion
    /// must carry a fresh `jti` every time it is sent).
    fresh_body: Option<&'a BodyMaker<'a>>,
}

type BodyMaker<'a> = dyn Fn() -> Result<serde_json::Value, ApiError> + Send + Sync + 'a;

impl std::fmt::Debug for Auth0Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth0Client")
            .field("settings", &self.inner.settings)
            .finish()
    }
}

impl Auth0Client {
    /// Builds the client; `SSL_CERT_FILE`, if set, adds its PEM certificates as trusted roots.
    pub fn new(settings: Settings) -> Result<Self, ConfigError> {
        Self::with_env(settings, &|name| std::env::var(name).ok())
    }

    /// Like [`Auth0Client::new`], reading environment variables through `env`.
    pub fn with_env(
        settings: Settings,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let base = reqwest::Url::parse(&settings.base_url).map_err(|_| {
            ConfigError(format!(
                "auth0:domain resolves to {:?}, which is not a URL; set it to <tenant>.auth0.com",
                settings.base_url
            ))
        })?;
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("pulumi-resource-auth0/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(CONNECT_TIMEOUT);
        if let Some(path) = env("SSL_CERT_FILE").filter(|p| !p.trim().is_empty()) {
            for cert in extra_roots(&path)? {
                builder = builder.add_root_certificate(cert);
            }
        }
        let host = base.host_str().unwrap_or_default().trim_matches(['[', ']']);
        let loopback = host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        if loopback {
            // A local emulator is never behind the user's HTTP proxy.
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| {
            ConfigError(format!("could not set up the HTTPS client for Auth0: {e}"))
        })?;
        let source = TokenSource::from_credentials(&settings.credentials, &settings.base_url)?;
        let limiter = settings.max_requests_per_second.map(RateLimiter::new);
        Ok(Auth0Client {
            inner: Arc::new(Inner {
                settings,
                http,
                source,
                tokens: TokenCache::default(),
                limiter,
                pacer: pacer::Pacer::default(),
                cancel: CancellationToken::new(),
            }),
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// Stops every wait and read in flight; this and every later send fails with
    /// [`ApiError::Cancelled`]. A write already on its way gets [`exchange::CANCEL_GRACE`] to
    /// be answered; unanswered, it fails with [`ApiError::OutcomeUnknown`].
    pub fn cancel(&self) {
        self.inner.cancel.cancel();
    }

    /// True once [`Auth0Client::cancel`] was called: no request will be sent any more.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancel.is_cancelled()
    }

    /// Sends one Management API request with token, rate limiting and retries.
    /// Any status outside 2xx is an error.
    pub async fn send(&self, req: ApiRequest) -> Result<ApiResponse, ApiError> {
        let call = Call {
            req: &req,
            authorized: true,
            replay_safe: req.is_replay_safe(),
            sensitive: false,
            fresh_body: None,
        };
        self.run(call).await
    }

    pub async fn get(
        &self,
        path: &str,
        deadline: Option<Instant>,
    ) -> Result<ApiResponse, ApiError> {
        self.send(ApiRequest::new(Method::GET, path).deadline(deadline))
            .await
    }

    pub async fn post(
        &self,
        path: &str,
        body: serde_json::Value,
        deadline: Option<Instant>,
    ) -> Result<ApiResponse, ApiError> {
        self.send(
            ApiRequest::new(Method::POST, path)
                .body(body)
                .deadline(deadline),
        )
        .await
    }

    pub async fn patch(
        &self,
        path: &str,
        body: serde_json::Value,
        deadline: Option<Instant>,
    ) -> Result<ApiResponse, ApiError> {
        self.send(
            ApiRequest::new(Method::PATCH, path)
                .body(body)
                .deadline(deadline),
        )
        .await
    }

    pub async fn delete(
        &self,
        path: &str,
        deadline: Option<Instant>,
    ) -> Result<ApiResponse, ApiError> {
        self.send(ApiRequest::new(Method::DELETE, path).deadline(deadline))
            .await
    }

    async fn run(&self, call: Call<'_>) -> Result<ApiResponse, ApiError> {
        let mut maybe_applied = None;
        match self.attempts(&call, &mut maybe_applied).await {
            // A cancel stops a retry, but not what an earlier attempt may have done.
            Err(ApiError::Cancelled) => Err(match maybe_applied {
                Some(before) => ApiError::OutcomeUnknown(format!(
                    "{} {} was cancelled while waiting to be sent again after {}",
                    call.req.method,
                    call.req.path,
                    before.trim_end_matches('.')
                )),
                None => ApiError::Cancelled,
            }),
            other => other,
        }
    }

    /// Sends `call` until it succeeds or fails for good. `maybe_applied` is set to what went
    /// wrong when a write is sent again after an attempt that Auth0 may have applied.
    async fn attempts(
        &self,
        call: &Call<'_>,
        maybe_applied: &mut Option<String>,
    ) -> Result<ApiResponse, ApiError> {
        let settings = &self.inner.settings;
        let req = call.req;
        let started = tokio::time::Instant::now();
        let deadline = req.deadline.map(tokio::time::Instant::from_std);
        let rate_limit_until = deadline.unwrap_or(started + settings.rate_limit_wait);
        let mut attempt = 0u32;
        let mut retries = 0u32;
        let mut refreshed = false;
        let mut rate_limited = Duration::ZERO;
        let mut rate_limit_round = 0u32;
        // What the attempt before a retry got, to explain a deadline that passes in the retry.
        let mut retried_after: Option<String> = None;

        loop {
            if self.inner.cancel.is_cancelled() {
                return Err(ApiError::Cancelled);
            }
            attempt += 1;
            // The token first, then the slot: a slot taken before waiting for a token would
            // pass while waiting, and every such request would then fire at once. The token
            // request itself is not limited; the Authentication API has its own limits.
            let (token, generation) = if call.authorized {
                let token = self.access_token(deadline).await?;
                self.take_rate_limit_slot(req, deadline).await?;
                let generation = self
                    .take_paced_slot(req, deadline, rate_limit_until, &mut rate_limited)
                    .await?;
                (Some(token), Some(generation))
            } else {
                (None, None)
            };

            let fresh_body = call.fresh_body.map(|make| make()).transpose()?;
            let body = fresh_body.as_ref().or(req.body.as_ref());
            let exchange = match self
                .exchange(call, body, token.as_ref(), deadline, attempt)
                .await
            {
                Ok(exchange) => exchange,
                Err(AttemptError::Cancelled) => return Err(ApiError::Cancelled),
                Err(AttemptError::CancelledUnanswered(message)) => {
                    return Err(ApiError::OutcomeUnknown(message))
                }
                Err(AttemptError::Timeout(message)) => {
                    return Err(ApiError::Timeout(match retried_after {
                        Some(before) => format!(
                            "{message}; the attempt before got: {}",
                            before.trim_end_matches('.')
                        ),
                        None => message,
                    }))
                }
                Err(AttemptError::Transport {
                    message,
                    unsent,
                    permanent,
                }) => {
                    if (unsent || call.replay_safe) && !permanent && retries < MAX_RETRIES {
                        let delay = backoff_delay(retries);
                        if fits(delay, deadline) {
                            retries += 1;
                            tracing::info!(
                                method = %req.method, path = %req.path, attempt, wait_ms = delay.as_millis() as u64,
                                "Auth0 could not be reached; retrying: {message}"
                            );
                            if !unsent && is_write(&req.method) {
                                *maybe_applied = Some(message.clone());
                            }
                            retried_after = Some(message);
                            self.pause(delay).await?;
                            continue;
                        }
                    }
                    // A connection that failed after the request left may have carried it to
                    // Auth0: only the caller can tell whether a POST took effect.
                    if !unsent && !call.replay_safe {
                        return Err(ApiError::OutcomeUnknown(message));
                    }
                    return Err(ApiError::Transport(message));
                }
            };

            let status = exchange.status;
            let paced = generation.is_some_and(|generation| {
                self.inner.pacer.observe(
                    generation,
                    status,
                    pacer::RateHeaders::from_headers(&exchange.headers),
                    retry::unix_now_f64(),
                )
            });
            if (200..300).contains(&status) {
                return Ok(ApiResponse {
                    status,
                    body: parse_body(&exchange.body),
                });
            }

            if status == 401 && call.authorized {
                let error = ApiError::from_response(status, &exchange.body);
                if self.inner.source.static_token().is_some() {
                    return Err(error.with_hint(
                        "the configured auth0:apiToken is invalid or expired, so set a fresh one (AUTH0_API_TOKEN) or use auth0:clientId and auth0:clientSecret instead",
                    ));
                }
                if !refreshed {
                    refreshed = true;
                    if let Some(token) = &token {
                        self.inner.tokens.invalidate(token).await;
                    }
                    tracing::info!(method = %req.method, path = %req.path, attempt, "Auth0 rejected the access token; fetching a new one");
                    continue;
                }
                return Err(error.with_hint(
                    "Auth0 rejected a freshly issued token too, so check that the application auth0:clientId is authorized for the Management API",
                ));
            }

            if status == 429 && paced {
                // The tenant's pace is known: the next paced slot is this request's wait.
                rate_limit_round += 1;
                tracing::info!(
                    method = %req.method, path = %req.path, attempt,
                    rate = self.inner.pacer.rate().unwrap_or_default(),
                    "Auth0 rate limit reached; sending at the tenant's pace"
                );
                continue;
            }
            if status == 429 {
                // Jitter keeps requests that waited for the same reset second from colliding again.
                let wait =
                    rate_limit_delay(&exchange.headers, retry::unix_now_f64(), rate_limit_round)
                        + retry::rate_limit_jitter();
                rate_limit_round += 1;
                let message = match ApiError::from_response(status, &exchange.body) {
                    ApiError::Status { message, .. } if !message.is_empty() => message,
                    _ => "Too Many Requests".to_string(),
                };
                if tokio::time::Instant::now() + wait > rate_limit_until {
                    tracing::warn!(
                        method = %req.method, path = %req.path, attempt, waited_ms = rate_limited.as_millis() as u64,
                        needed_ms = wait.as_millis() as u64, "Auth0 rate limit outlasts what this request may wait"
                    );
                    return Err(ApiError::RateLimited {
                        waited: rate_limited,
                        message,
                    });
                }
                tracing::info!(
                    method = %req.method, path = %req.path, attempt, wait_ms = wait.as_millis() as u64,
                    "Auth0 rate limit reached; waiting for it to reset"
                );
                self.pause(wait).await?;
                rate_limited += wait;
                continue;
            }

            let resendable = call.replay_safe || status == NOT_PROCESSED_STATUS;
            if RETRYABLE_STATUSES.contains(&status) && resendable && retries < MAX_RETRIES {
                let delay = backoff_delay(retries);
                if fits(delay, deadline) {
                    retries += 1;
                    tracing::info!(
                        method = %req.method, path = %req.path, status, attempt, wait_ms = delay.as_millis() as u64,
                        "Auth0 answered with a server error; retrying"
                    );
                    let sentence = ApiError::from_response(status, &exchange.body).sentence();
                    if status != NOT_PROCESSED_STATUS && is_write(&req.method) {
                        *maybe_applied = Some(sentence.clone());
                    }
                    retried_after = Some(sentence);
                    self.pause(delay).await?;
                    continue;
                }
            }
            if RETRYABLE_STATUSES.contains(&status) && !resendable {
                return Err(ApiError::OutcomeUnknown(format!(
                    "{} {} got {}",
                    req.method,
                    req.path,
                    ApiError::from_response(status, &exchange.body)
                        .sentence()
                        .trim_end_matches('.')
                )));
            }
            let error = ApiError::from_response(status, &exchange.body);
            if status == 403 && call.authorized {
                return Err(refusal::missing_scope(error, &self.inner.source));
            }
            return Err(error);
        }
    }

    /// The current Management API token, fetching one if none is fresh.
    async fn access_token(
        &self,
        deadline: Option<tokio::time::Instant>,
    ) -> Result<AccessToken, ApiError> {
        if let Some(token) = self.inner.source.static_token() {
            return Ok(token.clone());
        }
        let fetch = self.inner.tokens.get(|| self.fetch_token(deadline));
        let cancel = self.inner.cancel.cancelled();
        let expired = async {
            match deadline {
                Some(deadline) => tokio::time::sleep_until(deadline).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            token = fetch => token,
            _ = cancel => Err(ApiError::Cancelled),
            _ = expired => Err(ApiError::Timeout(
                "the deadline passed while waiting for an Auth0 access token".to_string(),
            )),
        }
    }

    /// Exchanges the client credentials for a Management API token at `/oauth/token`.
    async fn fetch_token(
        &self,
        deadline: Option<tokio::time::Instant>,
    ) -> Result<(AccessToken, Duration), ApiError> {
        let source = &self.inner.source;
        let audience = &self.inner.settings.audience;
        let req = ApiRequest {
            method: Method::POST,
            path: "/oauth/token".to_string(),
            query: Vec::new(),
            body: None,
            deadline: deadline.map(tokio::time::Instant::into_std),
        };
        let body = || source.token_request_body(audience);
        // Asking for a token twice only yields two tokens, so it is always safe to retry.
        let call = Call {
            req: &req,
            authorized: false,
            replay_safe: true,
            sensitive: true,
            fresh_body: Some(&body),
        };
        let response = Box::pin(self.run(call))
            .await
            .map_err(|err| match err.status() {
                Some(400..=403) => refusal::token_refused(err, source, audience),
                _ => err,
            })?;
        tracing::debug!(audience = %self.inner.settings.audience, "fetched a Management API access token");
        parse_token_response(&response.body)
    }

    /// Sleeps, unless cancelled first.
    async fn pause(&self, wait: Duration) -> Result<(), ApiError> {
        tokio::select! {
            _ = tokio::time::sleep(wait) => Ok(()),
            _ = self.inner.cancel.cancelled() => Err(ApiError::Cancelled),
        }
    }
}

/// True if a wait of `delay` still ends before the deadline.
fn fits(delay: Duration, deadline: Option<tokio::time::Instant>) -> bool {
    deadline.is_none_or(|d| tokio::time::Instant::now() + delay < d)
}

/// Reads the PEM bundle named by SSL_CERT_FILE.
fn extra_roots(path: &str) -> Result<Vec<reqwest::Certificate>, ConfigError> {
    let pem = std::fs::read(path).map_err(|e| {
        ConfigError(format!(
            "SSL_CERT_FILE names {path:?}, which could not be read ({}); point it at a PEM certificate bundle or unset it",
            e.kind()
        ))
    })?;
    match reqwest::Certificate::from_pem_bundle(&pem) {
        Ok(certs) if !certs.is_empty() => Ok(certs),
        _ => Err(ConfigError(format!(
            "SSL_CERT_FILE names {path:?}, which holds no PEM certificates; point it at a PEM certificate bundle or unset it"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings {
            base_url: "http://127.0.0.1:9".into(),
            audience: "https://127.0.0.1:9/api/v2/".into(),
            credentials: Credentials::ApiToken("t".into()),
            custom_domain_header: None,
            debug: false,
            max_requests_per_second: None,
            rate_limit_wait: Duration::from_secs(1),
        }
    }

    #[test]
    fn an_unreadable_ssl_cert_file_is_a_config_error_naming_it() {
        let env = |name: &str| (name == "SSL_CERT_FILE").then(|| "/nonexistent/ca.pem".to_string());
        let err = Auth0Client::with_env(settings(), &env).unwrap_err();
        assert!(
            matches!(&err, ConfigError(m) if m.contains("SSL_CERT_FILE") && m.contains("/nonexistent/ca.pem")),
            "{err}"
        );
    }

    #[test]
    fn an_ssl_cert_file_without_certificates_is_a_config_error() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/auth0/testdata/README.md");
        let env = |name: &str| (name == "SSL_CERT_FILE").then(|| path.to_string());
        let err = Auth0Client::with_env(settings(), &env).unwrap_err();
        assert!(
            err.to_string().contains("holds no PEM certificates"),
            "{err}"
        );
    }

    #[test]
    fn an_ssl_cert_file_with_a_certificate_is_accepted() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/auth0/testdata/test-ca.pem"
        );
        let env = |name: &str| (name == "SSL_CERT_FILE").then(|| path.to_string());
        assert!(Auth0Client::with_env(settings(), &env).is_ok());
    }

    #[tokio::test]
    async fn a_cancelled_client_refuses_to_send() {
        let client = Auth0Client::with_env(settings(), &|_| None).unwrap();
        client.cancel();
        assert_eq!(
            client.get("/api/v2/clients", None).await,
            Err(ApiError::Cancelled)
        );
    }
}
