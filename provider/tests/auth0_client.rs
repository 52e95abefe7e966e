//! The Auth0 client against small local HTTP stubs (and the emulator): tokens, retries,
//! rate limits, cancellation, headers, error sentences and what reaches the logs.

use std::future::Future;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use pulumi_auth0_provider::auth0::{ApiError, ApiRequest, Auth0Client, Credentials, Settings};
use pulumi_auth0_provider::config::settings_from_config;
use pulumi_auth0_provider::value::{PropertyMap, Value};
use reqwest::Method;
use serde_json::{json, Value as Json};

const SECRET: &str = "cl13nt-s3cret-never-logged";
const CLIENT_ID: &str = "test-client";
/// Every test finishes well within this, or fails.
const TEST_LIMIT: Duration = Duration::from_secs(30);

async fn bounded<T>(test: impl Future<Output = T>) -> T {
    listen_everywhere();
    tokio::time::timeout(TEST_LIMIT, test)
        .await
        .expect("test exceeded its time limit")
}

// ---------------------------------------------------------------- stub server

/// One request as the stub saw it.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    path: String,
    query: String,
    headers: HeaderMap,
    body: Json,
    at: Instant,
}

impl Seen {
    fn bearer(&self) -> Option<&str> {
        self.headers
            .get("authorization")?
            .to_str()
            .ok()?
            .strip_prefix("Bearer ")
    }
}

/// What the stub answers.
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Option<Json>,
    delay: Duration,
}

impl Reply {
    fn json(status: u16, body: Json) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Some(body),
            delay: Duration::ZERO,
        }
    }
    fn empty(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: None,
            delay: Duration::ZERO,
        }
    }
    fn header(mut self, name: &'static str, value: impl ToString) -> Reply {
        self.headers.push((name, value.to_string()));
        self
    }
    fn after(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

/// `answer(request, n)` where n counts earlier requests to the same path.
type Answer = dyn Fn(&Seen, usize) -> Reply + Send + Sync;

struct Stub {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Stub {
    async fn start(answer: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Stub {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        Stub::serve_on(listener, Arc::new(answer)).await
    }

    async fn serve_on(listener: tokio::net::TcpListener, answer: Arc<Answer>) -> Stub {
        let base = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::<Seen>::new()));
        let log = seen.clone();
        let app = Router::new().fallback(move |req: Request| {
            let (log, answer) = (log.clone(), answer.clone());
            async move {
                let (parts, body) = req.into_parts();
                let bytes = axum::body::to_bytes(body, 1 << 20)
                    .await
                    .unwrap_or_default();
                let seen = Seen {
                    method: parts.method.to_string(),
                    path: parts.uri.path().to_string(),
                    query: parts.uri.query().unwrap_or_default().to_string(),
                    headers: parts.headers.clone(),
                    body: serde_json::from_slice(&bytes).unwrap_or(Json::Null),
                    at: Instant::now(),
                };
                let reply = {
                    let mut log = log.lock().unwrap();
                    let n = log.iter().filter(|s| s.path == seen.path).count();
                    log.push(seen.clone());
                    answer(&seen, n)
                };
                tokio::time::sleep(reply.delay).await;
                let mut response = match reply.body {
                    Some(body) => axum::Json(body).into_response(),
                    None => Response::new(Body::empty()),
                };
                *response.status_mut() = StatusCode::from_u16(reply.status).unwrap();
                for (name, value) in reply.headers {
                    response.headers_mut().insert(name, value.parse().unwrap());
                }
                response
            }
        });
        tokio::spawn(async move { axum::serve(listener, app).await.ok() });
        Stub { base, seen }
    }

    fn requests(&self, path: &str) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.path == path)
            .cloned()
            .collect()
    }

    fn count(&self, path: &str) -> usize {
        self.requests(path).len()
    }
}

/// A token endpoint handing out `tok-1`, `tok-2`, … and an API accepting `accepted` tokens.
fn token_then(
    api: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static,
) -> impl Fn(&Seen, usize) -> Reply {
    move |seen, n| {
        if seen.path == "/oauth/token" {
            Reply::json(
                200,
                json!({"access_token": format!("tok-{}", n + 1), "token_type": "Bearer", "expires_in": 86400}),
            )
        } else {
            api(seen, n)
        }
    }
}

fn settings(base: &str, credentials: Credentials) -> Settings {
    Settings {
        base_url: base.to_string(),
        audience: "https://tenant.example/api/v2/".to_string(),
        credentials,
        custom_domain_header: None,
        debug: false,
        max_requests_per_second: None,
        rate_limit_wait: Duration::from_secs(10),
    }
}

fn client_secret() -> Credentials {
    Credentials::ClientSecret {
        client_id: CLIENT_ID.into(),
        client_secret: SECRET.into(),
    }
}

fn client(settings: Settings) -> Auth0Client {
    Auth0Client::with_env(settings, &|_| None).unwrap()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn conflict() -> Json {
    json!({"statusCode": 409, "error": "Conflict", "message": "A resource server with the same identifier already exists.", "errorCode": "operation_not_supported"})
}

// ---------------------------------------------------------------- log capture

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// tracing caches per call site, for the whole process, whether anyone listens. A test
/// thread without a subscriber that reaches a call site first caches "nobody", and the
/// log-capturing tests then never see that event. A global subscriber that listens to
/// everything and keeps nothing closes that race; each capture still gets its own thread's
/// events.
fn listen_everywhere() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry());
    });
}

/// Captures every event at every level on this thread (tests run on a current-thread runtime).
fn capture_logs() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

// ---------------------------------------------------------------- tokens

#[tokio::test]
async fn one_token_is_fetched_for_many_concurrent_requests_and_reused() {
    bounded(async {
        let stub = Stub::start(token_then(|seen, _| match seen.bearer() {
            Some("tok-1") => Reply::json(200, json!([])),
            _ => Reply::json(401, json!({"statusCode": 401, "error": "Unauthorized", "message": "Invalid token"})),
        }))
        .await;
        let client = client(settings(&stub.base, client_secret()));
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.get("/api/v2/clients", None).await })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap().body, json!([]));
        }
        for _ in 0..5 {
            client.get("/api/v2/clients", None).await.unwrap();
        }
        assert_eq!(stub.count("/oauth/token"), 1);
        assert_eq!(stub.count("/api/v2/clients"), 25);
        let token_request = &stub.requests("/oauth/token")[0];
        assert_eq!(
            token_request.body,
            json!({"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET, "audience": "https://tenant.example/api/v2/"})
        );
    })
    .await;
}

#[tokio::test]
async fn a_401_triggers_exactly_one_token_refresh_and_retry() {
    bounded(async {
        let stub = Stub::start(token_then(|seen, _| match seen.bearer() {
            Some("tok-2") => Reply::json(200, json!({"client_id": "abc"})),
            _ => Reply::json(401, json!({"statusCode": 401, "error": "Unauthorized", "message": "Expired token received for JSON Web Token validation"})),
        }))
        .await;
        let client = client(settings(&stub.base, client_secret()));
        let response = client.get("/api/v2/clients/abc", None).await.unwrap();
        assert_eq!(response.body["client_id"], "abc");
        assert_eq!(stub.count("/oauth/token"), 2);
        let bearers: Vec<_> = stub.requests("/api/v2/clients/abc").iter().map(|s| s.bearer().unwrap().to_string()).collect();
        assert_eq!(bearers, ["tok-1", "tok-2"]);
    })
    .await;
}

#[tokio::test]
async fn a_401_that_persists_after_the_refresh_fails_without_further_retries() {
    bounded(async {
        let stub = Stub::start(token_then(|_, _| {
            Reply::json(
                401,
                json!({"statusCode": 401, "error": "Unauthorized", "message": "Invalid token"}),
            )
        }))
        .await;
        let client = client(settings(&stub.base, client_secret()));
        let err = client.get("/api/v2/clients", None).await.unwrap_err();
        assert_eq!(err.status(), Some(401));
        assert!(
            err.sentence()
                .starts_with("Auth0 answered 401 Unauthorized: Invalid token;"),
            "{}",
            err.sentence()
        );
        assert_eq!(stub.count("/oauth/token"), 2);
        assert_eq!(stub.count("/api/v2/clients"), 2);
    })
    .await;
}

#[tokio::test]
async fn a_401_with_a_static_api_token_says_the_token_is_invalid_or_expired() {
    bounded(async {
        let stub = Stub::start(|_, _| {
            Reply::json(401, json!({"statusCode": 401, "error": "Unauthorized", "message": "Expired token received for JSON Web Token validation"}))
        })
        .await;
        let client = client(settings(&stub.base, Credentials::ApiToken("static-token-value".into())));
        let err = client.get("/api/v2/clients", None).await.unwrap_err();
        let sentence = err.sentence();
        assert!(sentence.contains("apiToken is invalid or expired"), "{sentence}");
        assert!(!sentence.contains("static-token-value"));
        assert_eq!(stub.count("/api/v2/clients"), 1);
        assert_eq!(stub.count("/oauth/token"), 0);
        assert_eq!(stub.requests("/api/v2/clients")[0].bearer(), Some("static-token-value"));
    })
    .await;
}

#[tokio::test]
async fn a_refused_token_request_names_the_client_id_but_never_the_secret() {
    bounded(async {
        let stub = Stub::start(|_, _| {
            Reply::json(
                401,
                json!({"error": "access_denied", "error_description": "Unauthorized"}),
            )
        })
        .await;
        let client = client(settings(&stub.base, client_secret()));
        let err = client.get("/api/v2/clients", None).await.unwrap_err();
        let sentence = err.sentence();
        assert!(
            sentence.contains("401") && sentence.contains("\"test-client\""),
            "{sentence}"
        );
        assert!(sentence.contains("auth0:clientSecret"), "{sentence}");
        assert!(!sentence.contains(SECRET));
        assert_eq!(
            stub.count("/oauth/token"),
            1,
            "a 4xx from /oauth/token is not retried"
        );
        assert_eq!(stub.count("/api/v2/clients"), 0);
    })
    .await;
}

#[tokio::test]
async fn a_token_with_an_absurd_expires_in_is_used_and_kept_instead_of_crashing() {
    bounded(async {
        let stub = Stub::start(|seen, _| {
            if seen.path == "/oauth/token" {
                Reply::json(200, json!({"access_token": "tok", "expires_in": 1e300}))
            } else {
                Reply::json(200, json!([]))
            }
        })
        .await;
        let client = client(settings(&stub.base, client_secret()));
        client.get("/api/v2/clients", None).await.unwrap();
        client.get("/api/v2/clients", None).await.unwrap();
        assert_eq!(stub.count("/oauth/token"), 1);
        assert_eq!(stub.requests("/api/v2/clients")[1].bearer(), Some("tok"));
    })
    .await;
}

#[tokio::test]
async fn a_private_key_jwt_client_sends_a_signed_assertion_instead_of_a_secret() {
    bounded(async {
        let stub = Stub::start(token_then(|_, _| Reply::json(200, json!([])))).await;
        let pem = include_str!("../src/auth0/testdata/assertion-key.pem");
        let creds = Credentials::PrivateKeyJwt {
            client_id: CLIENT_ID.into(),
            private_key_pem: pem.into(),
            alg: "RS384".into(),
        };
        let client = client(settings(&stub.base, creds));
        client.get("/api/v2/clients", None).await.unwrap();
        let body = stub.requests("/oauth/token")[0].body.clone();
        assert_eq!(
            body["client_assertion_type"],
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        );
        assert!(body.get("client_secret").is_none());
        let public = include_str!("../src/auth0/testdata/assertion-key.pub.pem");
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS384);
        validation.set_audience(&[format!("{}/", stub.base)]);
        validation.set_issuer(&[CLIENT_ID]);
        let claims = jsonwebtoken::decode::<Json>(
            body["client_assertion"].as_str().unwrap(),
            &jsonwebtoken::DecodingKey::from_rsa_pem(public.as_bytes()).unwrap(),
            &validation,
        )
        .unwrap()
        .claims;
        assert_eq!(claims["sub"], CLIENT_ID);
    })
    .await;
}

#[tokio::test]
async fn a_retried_private_key_jwt_token_request_signs_a_fresh_assertion_each_attempt() {
    bounded(async {
        let stub = Stub::start(|seen, n| match (seen.path.as_str(), n) {
            ("/oauth/token", 0) => Reply::json(503, unavailable()),
            ("/oauth/token", _) => {
                Reply::json(200, json!({"access_token": "tok", "expires_in": 86400}))
            }
            _ => Reply::json(200, json!([])),
        })
        .await;
        let creds = Credentials::PrivateKeyJwt {
            client_id: CLIENT_ID.into(),
            private_key_pem: include_str!("../src/auth0/testdata/assertion-key.pem").into(),
            alg: "RS256".into(),
        };
        let client = client(settings(&stub.base, creds));
        client.get("/api/v2/clients", None).await.unwrap();
        let public = include_str!("../src/auth0/testdata/assertion-key.pub.pem");
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        validation.set_audience(&[format!("{}/", stub.base)]);
        let jtis: Vec<String> = stub
            .requests("/oauth/token")
            .iter()
            .map(|seen| {
                let claims = jsonwebtoken::decode::<Json>(
                    seen.body["client_assertion"].as_str().unwrap(),
                    &jsonwebtoken::DecodingKey::from_rsa_pem(public.as_bytes()).unwrap(),
                    &validation,
                )
                .unwrap()
                .claims;
                claims["jti"].as_str().unwrap().to_string()
            })
            .collect();
        assert_eq!(jtis.len(), 2, "the 503 is retried once");
        assert_ne!(jtis[0], jtis[1], "a replayed jti may be refused by Auth0");
    })
    .await;
}

// ---------------------------------------------------------------- 429

fn rate_limited() -> Json {
    json!({"statusCode": 429, "error": "Too Many Requests", "message": "Global limit has been reached", "errorCode": "too_many_requests"})
}

#[tokio::test]
async fn a_429_with_x_ratelimit_reset_waits_for_the_reset_then_succeeds() {
    bounded(async {
        let stub = Stub::start(|_, n| match n {
            0 => Reply::json(429, rate_limited()).header("x-ratelimit-reset", unix_now() + 1),
            _ => Reply::json(201, json!({"client_id": "new"})),
        })
        .await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let started = Instant::now();
        // 429 means nothing was processed, so even a POST is sent again.
        let response = client
            .post("/api/v2/clients", json!({"name": "app"}), None)
            .await
            .unwrap();
        assert_eq!(response.status, 201);
        let seen = stub.requests("/api/v2/clients");
        assert_eq!(seen.len(), 2);
        let gap = seen[1].at - seen[0].at;
        assert!(
            gap >= Duration::from_millis(90),
            "retried after only {gap:?}"
        );
        // The reset is at most 2 s away; anything like the 32 s backoff cap would show.
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{:?}",
            started.elapsed()
        );
    })
    .await;
}

#[tokio::test]
async fn a_429_resetting_after_the_deadline_fails_fast_with_a_clear_sentence() {
    bounded(async {
        let stub = Stub::start(|_, _| {
            Reply::json(429, rate_limited()).header("x-ratelimit-reset", unix_now() + 60)
        })
        .await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let started = Instant::now();
        let err = client
            .get(
                "/api/v2/clients",
                Some(Instant::now() + Duration::from_secs(20)),
            )
            .await
            .unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "waited {:?} for a hopeless 429",
            started.elapsed()
        );
        assert!(matches!(err, ApiError::RateLimited { .. }), "{err:?}");
        let sentence = err.sentence();
        assert!(
            sentence.contains("429")
                && sentence.contains("Global limit has been reached")
                && sentence.contains("after waiting 0s"),
            "{sentence}"
        );
        assert_eq!(stub.count("/api/v2/clients"), 1);
    })
    .await;
}

#[tokio::test]
async fn without_a_deadline_429s_are_waited_out_only_for_rate_limit_wait() {
    bounded(async {
        let stub = Stub::start(|_, _| Reply::json(429, rate_limited())).await;
        let mut s = settings(&stub.base, Credentials::ApiToken("t".into()));
        s.rate_limit_wait = Duration::from_millis(1500);
        let client = client(s);
        let err = client.get("/api/v2/clients", None).await.unwrap_err();
        // No reset header: wait 1 s (plus up to 0.25 s jitter), then the next wait (2 s)
        // would pass the 1.5 s budget.
        assert_eq!(stub.count("/api/v2/clients"), 2);
        match &err {
            ApiError::RateLimited { waited, .. } => assert!(
                *waited >= Duration::from_secs(1) && *waited <= Duration::from_millis(1250),
                "{waited:?}"
            ),
            other => panic!("expected RateLimited, got {other:?}"),
        }
        assert!(
            err.sentence().contains("after waiting 1"),
            "{}",
            err.sentence()
        );
        assert_eq!(err.status(), Some(429));
    })
    .await;
}

#[tokio::test]
async fn a_429_with_an_absurd_reset_time_gives_up_as_rate_limited_instead_of_crashing() {
    bounded(async {
        let stub = Stub::start(|_, _| {
            Reply::json(429, rate_limited()).header("x-ratelimit-reset", "1e300")
        })
        .await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let err = client.get("/api/v2/clients", None).await.unwrap_err();
        assert!(matches!(err, ApiError::RateLimited { .. }), "{err:?}");
        assert_eq!(stub.count("/api/v2/clients"), 1);
    })
    .await;
}

// ---------------------------------------------------------------- 5xx and connection failures

fn unavailable() -> Json {
    json!({"statusCode": 503, "error": "Service Unavailable", "message": "Service temporarily unavailable"})
}

#[tokio::test]
async fn a_503_on_get_is_retried_until_it_succeeds() {
    bounded(async {
        let stub = Stub::start(|_, n| {
            if n < 2 {
                Reply::json(503, unavailable())
            } else {
                Reply::json(200, json!({"ok": true}))
            }
        })
        .await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        assert_eq!(
            client.get("/api/v2/clients/x", None).await.unwrap().body,
            json!({"ok": true})
        );
        assert_eq!(stub.count("/api/v2/clients/x"), 3);
    })
    .await;
}

#[tokio::test]
async fn a_503_that_persists_gives_up_after_five_retries() {
    bounded(async {
        let stub = Stub::start(|_, _| Reply::json(503, unavailable())).await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let err = client.delete("/api/v2/clients/x", None).await.unwrap_err();
        assert_eq!(
            err.sentence(),
            "Auth0 answered 503 Service Unavailable: Service temporarily unavailable."
        );
        assert_eq!(stub.count("/api/v2/clients/x"), 6);
    })
    .await;
}

#[tokio::test]
async fn a_503_on_post_is_retried_because_auth0_did_not_process_it() {
    bounded(async {
        let stub = Stub::start(|_, n| {
            if n < 2 {
                Reply::json(503, unavailable())
            } else {
                Reply::json(201, json!({"client_id": "c"}))
            }
        })
        .await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let response = client
            .post("/api/v2/clients", json!({"name": "x"}), None)
            .await
            .unwrap();
        assert_eq!(response.status, 201);
        assert_eq!(stub.count("/api/v2/clients"), 3);
    })
    .await;
}

#[tokio::test]
async fn a_500_502_or_504_on_post_is_not_retried_and_its_outcome_is_unknown() {
    for status in [500u16, 502, 504] {
        bounded(async {
            let stub = Stub::start(move |_, _| Reply::json(status, json!({}))).await;
            let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
            let err = client
                .post("/api/v2/clients", json!({"name": "x"}), None)
                .await
                .unwrap_err();
            assert!(err.outcome_unknown(), "{status}: {err:?}");
            assert!(
                err.sentence().contains(&status.to_string())
                    && err.sentence().contains("may or may not have applied it"),
                "{}",
                err.sentence()
            );
            assert_eq!(stub.count("/api/v2/clients"), 1);
        })
        .await;
    }
}

#[tokio::test]
async fn retries_never_go_past_the_deadline() {
    bounded(async {
        let stub = Stub::start(|_, _| Reply::json(502, json!({}))).await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let started = Instant::now();
        let err = client
            .get(
                "/api/v2/clients",
                Some(Instant::now() + Duration::from_millis(150)),
            )
            .await
            .unwrap_err();
        // Either the last 502, or the deadline passing during the one retry that fit.
        match &err {
            ApiError::Timeout(text) => assert!(text.contains("502 Bad Gateway"), "{text}"),
            other => assert_eq!(other.status(), Some(502), "{other:?}"),
        }
        // The attempt count is the real check; this only catches a wait far past the deadline.
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
        assert!(
            stub.count("/api/v2/clients") <= 2,
            "{} attempts in 150 ms",
            stub.count("/api/v2/clients")
        );
    })
    .await;
}

#[tokio::test]
async fn other_4xx_answers_are_never_retried() {
    bounded(async {
        let stub = Stub::start(|_, _| Reply::json(409, conflict())).await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let err = client.patch("/api/v2/resource-servers/x", json!({"name": "n"}), None).await.unwrap_err();
        assert_eq!(stub.count("/api/v2/resource-servers/x"), 1);
        assert_eq!(err.sentence(), "Auth0 answered 409 Conflict: A resource server with the same identifier already exists.");
        assert_eq!(err.error_code(), Some("operation_not_supported"));
    })
    .await;
}

#[tokio::test]
async fn connection_refused_on_post_is_retried_because_nothing_was_sent() {
    bounded(async {
        let (logs, _guard) = capture_logs();
        // A bound socket that is not listening yet: connections are refused, and no other
        // test can take the port meanwhile.
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let port = socket.local_addr().unwrap().port();
        let client = client(settings(
            &format!("http://127.0.0.1:{port}"),
            Credentials::ApiToken("t".into()),
        ));
        let pending = tokio::spawn({
            let client = client.clone();
            async move {
                client
                    .post("/api/v2/clients", json!({"name": "x"}), None)
                    .await
            }
        });
        let waited = Instant::now();
        while !logs.text().contains("could not be reached; retrying") {
            assert!(
                waited.elapsed() < Duration::from_secs(5),
                "the first attempt never failed: {}",
                logs.text()
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let listener = socket.listen(64).unwrap();
        let stub = Stub::serve_on(
            listener,
            Arc::new(|_: &Seen, _| Reply::json(201, json!({"client_id": "c"}))),
        )
        .await;
        let response = pending.await.unwrap().unwrap();
        assert_eq!(response.status, 201);
        assert_eq!(stub.count("/api/v2/clients"), 1);
    })
    .await;
}

/// Accepts connections, reads the request, and hangs up without answering.
async fn hang_up_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = tokio::time::timeout(
                Duration::from_secs(1),
                tokio::io::AsyncReadExt::read(&mut socket, &mut buf),
            )
            .await;
            drop(socket);
        }
    });
    (base, accepted)
}

#[tokio::test]
async fn a_post_whose_connection_drops_after_sending_is_not_retried() {
    bounded(async {
        let (base, accepted) = hang_up_server().await;
        let client = client(settings(&base, Credentials::ApiToken("t".into())));
        let err = client
            .post("/api/v2/clients", json!({"name": "x"}), None)
            .await
            .unwrap_err();
        assert!(err.outcome_unknown(), "{err:?}");
        assert_eq!(accepted.load(Ordering::SeqCst), 1);
    })
    .await;
}

#[tokio::test]
async fn a_get_whose_connection_drops_is_retried() {
    bounded(async {
        let (base, accepted) = hang_up_server().await;
        let client = client(settings(&base, Credentials::ApiToken("t".into())));
        let err = client.get("/api/v2/clients", None).await.unwrap_err();
        assert!(err.sentence().contains(&base), "{}", err.sentence());
        assert!(matches!(err, ApiError::Transport(_)), "{err:?}");
        assert_eq!(accepted.load(Ordering::SeqCst), 6);
    })
    .await;
}

// ---------------------------------------------------------------- deadlines and cancellation

#[tokio::test]
async fn a_deadline_bounds_a_slow_answer() {
    bounded(async {
        let stub =
            Stub::start(|_, _| Reply::json(200, json!([])).after(Duration::from_secs(20))).await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let started = Instant::now();
        let err = client
            .get(
                "/api/v2/clients",
                Some(Instant::now() + Duration::from_millis(300)),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, ApiError::Timeout(_)), "{err:?}");
        // The answer would take 20 s.
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(stub.count("/api/v2/clients"), 1);
    })
    .await;
}

#[tokio::test]
async fn cancel_stops_a_request_in_flight_and_every_later_one() {
    bounded(async {
        let stub =
            Stub::start(|_, _| Reply::json(200, json!([])).after(Duration::from_secs(20))).await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let pending = tokio::spawn({
            let client = client.clone();
            async move { client.get("/api/v2/clients", None).await }
        });
        while stub.count("/api/v2/clients") == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let cancelled_at = Instant::now();
        client.cancel();
        assert_eq!(pending.await.unwrap(), Err(ApiError::Cancelled));
        assert!(
            cancelled_at.elapsed() < Duration::from_secs(10),
            "the wait left was 20 s; cancel took {:?}",
            cancelled_at.elapsed()
        );
        assert_eq!(
            client.get("/api/v2/clients", None).await,
            Err(ApiError::Cancelled)
        );
        assert_eq!(stub.count("/api/v2/clients"), 1);
    })
    .await;
}

#[tokio::test]
async fn cancel_interrupts_a_rate_limit_wait() {
    bounded(async {
        let stub = Stub::start(|_, _| {
            Reply::json(429, rate_limited()).header("x-ratelimit-reset", unix_now() + 20)
        })
        .await;
        let mut s = settings(&stub.base, Credentials::ApiToken("t".into()));
        s.rate_limit_wait = Duration::from_secs(60);
        let client = client(s);
        let pending = tokio::spawn({
            let client = client.clone();
            async move { client.get("/api/v2/clients", None).await }
        });
        while stub.count("/api/v2/clients") == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let cancelled_at = Instant::now();
        client.cancel();
        assert_eq!(pending.await.unwrap(), Err(ApiError::Cancelled));
        assert!(
            cancelled_at.elapsed() < Duration::from_secs(10),
            "the wait left was 20 s; cancel took {:?}",
            cancelled_at.elapsed()
        );
    })
    .await;
}

// ---------------------------------------------------------------- client-side rate limit

/// Sends `n` concurrent GETs at `rate` requests per second; returns when each reached Auth0.
async fn concurrent_get_arrivals(rate: f64, n: usize) -> Vec<Instant> {
    let stub = Stub::start(|_, _| Reply::json(200, json!([]))).await;
    let mut s = settings(&stub.base, Credentials::ApiToken("t".into()));
    s.max_requests_per_second = Some(rate);
    let client = client(s);
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get("/api/v2/clients", None).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    stub.requests("/api/v2/clients")
        .iter()
        .map(|s| s.at)
        .collect()
}

#[tokio::test]
async fn the_client_side_limiter_spaces_concurrent_requests() {
    bounded(async {
        // 15 requests at 5 per second with a burst of 5: the last leaves 2 s after the first.
        let arrivals = concurrent_get_arrivals(5.0, 15).await;
        assert_eq!(arrivals.len(), 15);
        let first = *arrivals.iter().min().unwrap();
        let last = *arrivals.iter().max().unwrap();
        assert!(
            last - first >= Duration::from_millis(1700),
            "15 requests at 5/s spread over only {:?}",
            last - first
        );
        // A bucket of 5 at 5/s lets at most 5 + 5 through in any second; 2 more for a busy
        // machine waking sleepers late.
        let most = most_in_any_window(&arrivals, Duration::from_secs(1));
        assert!(most <= 12, "{most} requests within one second at 5/s");
    })
    .await;
}

/// The most arrivals within any `window` that starts at an arrival.
fn most_in_any_window(arrivals: &[Instant], window: Duration) -> usize {
    arrivals
        .iter()
        .map(|start| {
            arrivals
                .iter()
                .filter(|at| **at >= *start && **at - *start < window)
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_first_requests_waiting_for_a_slow_token_still_keep_the_client_side_limit() {
    bounded(async {
        // While the first token is on its way, slots must not be handed out and run down:
        // those requests would all fire together the moment the token arrives.
        let stub = Stub::start(|seen, _| {
            if seen.path == "/oauth/token" {
                Reply::json(200, json!({"access_token": "tok", "expires_in": 86400}))
                    .after(Duration::from_millis(1500))
            } else {
                Reply::json(200, json!([]))
            }
        })
        .await;
        let mut s = settings(&stub.base, client_secret());
        s.max_requests_per_second = Some(4.0);
        let client = client(s);
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.get("/api/v2/clients", None).await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(stub.count("/oauth/token"), 1);
        let arrivals: Vec<Instant> = stub
            .requests("/api/v2/clients")
            .iter()
            .map(|s| s.at)
            .collect();
        assert_eq!(arrivals.len(), 12);
        // A bucket of 4 at 4/s lets at most 4 + 2 through in any half second; 2 more for a
        // busy machine waking sleepers late.
        let window = Duration::from_millis(500);
        let most = most_in_any_window(&arrivals, window);
        assert!(
            most <= 8,
            "{most} requests reached Auth0 within {window:?} at maxRequestsPerSecond 4"
        );
    })
    .await;
}

// ---------------------------------------------------------------- headers, bodies, sentences

#[tokio::test]
async fn the_custom_domain_header_is_sent_with_every_request() {
    bounded(async {
        let stub = Stub::start(token_then(|_, _| Reply::json(200, json!([])))).await;
        let mut s = settings(&stub.base, client_secret());
        s.custom_domain_header = Some("login.example.com".into());
        let client = client(s);
        client.get("/api/v2/clients", None).await.unwrap();
        let seen = &stub.requests("/api/v2/clients")[0];
        assert_eq!(
            seen.headers.get("auth0-custom-domain").unwrap(),
            "login.example.com"
        );
    })
    .await;
}

#[tokio::test]
async fn without_a_custom_domain_no_such_header_is_sent() {
    bounded(async {
        let stub = Stub::start(|_, _| Reply::json(200, json!([]))).await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        client.get("/api/v2/clients", None).await.unwrap();
        assert!(stub.requests("/api/v2/clients")[0]
            .headers
            .get("auth0-custom-domain")
            .is_none());
    })
    .await;
}

#[tokio::test]
async fn query_parameters_and_json_bodies_reach_auth0_and_an_empty_answer_is_null() {
    bounded(async {
        let stub = Stub::start(|seen, _| match seen.method.as_str() {
            "DELETE" => Reply::empty(204),
            _ => Reply::json(200, seen.body.clone()),
        })
        .await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let req = ApiRequest::new(Method::GET, "/api/v2/client-grants")
            .query("audience", "https://api.example.com/")
            .query("client_id", "abc");
        client.send(req).await.unwrap();
        assert_eq!(
            stub.requests("/api/v2/client-grants")[0].query,
            "audience=https%3A%2F%2Fapi.example.com%2F&client_id=abc"
        );
        let echoed = client
            .patch(
                "/api/v2/clients/a",
                json!({"name": "n", "grant_types": ["client_credentials"]}),
                None,
            )
            .await
            .unwrap();
        assert_eq!(
            echoed.body,
            json!({"name": "n", "grant_types": ["client_credentials"]})
        );
        let deleted = client.delete("/api/v2/clients/a", None).await.unwrap();
        assert_eq!((deleted.status, deleted.body), (204, Json::Null));
    })
    .await;
}

#[tokio::test]
async fn a_404_is_recognised_as_not_found() {
    bounded(async {
        let stub = Stub::start(|_, _| {
            Reply::json(404, json!({"statusCode": 404, "error": "Not Found", "message": "The client does not exist", "errorCode": "inexistent_client"}))
        })
        .await;
        let client = client(settings(&stub.base, Credentials::ApiToken("t".into())));
        let err = client.get("/api/v2/clients/gone", None).await.unwrap_err();
        assert!(err.is_not_found());
        assert_eq!(err.sentence(), "Auth0 answered 404 Not Found: The client does not exist.");
    })
    .await;
}

// ---------------------------------------------------------------- logs

#[tokio::test]
async fn logs_never_contain_the_client_secret_or_tokens_even_with_debug_on() {
    bounded(async {
        let (logs, _guard) = capture_logs();
        let stub = Stub::start(token_then(|seen, n| match (seen.bearer(), n) {
            (Some("tok-1"), _) => Reply::json(
                401,
                json!({"statusCode": 401, "error": "Unauthorized", "message": "Invalid token"}),
            ),
            (_, _) if seen.method == "POST" => Reply::json(
                201,
                json!({"client_id": "new", "client_secret": "returned-secret-value", "signing_secret": "returned-signing-secret"}),
            ),
            _ => Reply::json(200, json!([])),
        }))
        .await;
        let mut s = settings(&stub.base, client_secret());
        s.debug = true;
        let client = client(s);
        client.get("/api/v2/clients", None).await.unwrap();
        client
            .post(
                "/api/v2/clients",
                json!({"name": "app", "client_secret": "sent-secret-value", "addons": {"wams": {"masterkey": "sent-masterkey-value"}}}),
                None,
            )
            .await
            .unwrap();
        let text = logs.text();
        assert!(
            text.contains("Auth0 request") && text.contains("/api/v2/clients"),
            "nothing captured: {text}"
        );
        assert!(
            text.contains("[redacted]"),
            "debug bodies should be logged redacted: {text}"
        );
        for secret in [
            SECRET,
            "tok-1",
            "tok-2",
            "sent-secret-value",
            "returned-secret-value",
            "sent-masterkey-value",
            "returned-signing-secret",
            "Bearer",
        ] {
            assert!(
                !text.contains(secret),
                "{secret:?} leaked into the logs:\n{text}"
            );
        }
    })
    .await;
}

// ---------------------------------------------------------------- configuration to client

#[tokio::test]
async fn a_url_domain_from_config_reaches_the_local_server() {
    bounded(async {
        let stub = Stub::start(token_then(|_, _| Reply::json(200, json!([])))).await;
        let args: PropertyMap = [
            ("domain".to_string(), Value::from(stub.base.as_str())),
            ("clientId".to_string(), Value::from(CLIENT_ID)),
            (
                "clientSecret".to_string(),
                Value::from(SECRET).into_secret(),
            ),
        ]
        .into_iter()
        .collect();
        let settings = settings_from_config(&args, &|_| None).unwrap();
        let client = client(settings);
        client.get("/api/v2/clients", None).await.unwrap();
        let host = stub.base.trim_start_matches("http://");
        assert_eq!(
            stub.requests("/oauth/token")[0].body["audience"],
            format!("https://{host}/api/v2/")
        );
    })
    .await;
}
