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

mod cancelled_writes;
mod deadlines;
mod requests;
mod retries;
mod tokens;

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

fn rate_limited() -> Json {
    json!({"statusCode": 429, "error": "Too Many Requests", "message": "Global limit has been reached", "errorCode": "too_many_requests"})
}

fn unavailable() -> Json {
    json!({"statusCode": 503, "error": "Service Unavailable", "message": "Service temporarily unavailable"})
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
