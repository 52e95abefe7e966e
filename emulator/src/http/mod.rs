//! HTTP surface: the routes, the Management API middleware (stats, rate limit, faults, bearer auth)
//! and the handlers. Handlers hold the tenant lock only while touching state, never across an await.

mod collections;
mod credentials;
mod management;
mod token;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::Value;
use tokio::sync::Notify;

use crate::error::ApiError;
use crate::keys::SigningKey;
use crate::limits::{Bucket, FaultConfig, Faults, RateLimit};
use crate::persist::Persister;
use crate::tenant::Tenant;
use crate::Stats;
use collections::{rotate_secret, CLIENTS, CLIENT_GRANTS, RESOURCE_SERVERS};
use management::management_layer;
use token::{jwks, openid_configuration, token};

/// Closes the connection a request came in on, without an answer (fault injection).
#[derive(Clone, Default)]
pub(crate) struct ConnKill(pub Arc<Notify>);

/// A verified Management API access token.
#[derive(Debug, Clone)]
pub(crate) struct TokenInfo {
    scopes: Vec<String>,
    exp: u64,
}

impl TokenInfo {
    fn has(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    fn require(&self, any_of: &[&str]) -> Result<(), ApiError> {
        if any_of.iter().any(|s| self.has(s)) {
            Ok(())
        } else {
            Err(ApiError::insufficient_scope(any_of))
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    routes: BTreeMap<String, u64>,
    token: u64,
    management_total: u64,
    rate_limited: u64,
}

/// Everything the handlers share.
pub(crate) struct App {
    pub tenant: Mutex<Tenant>,
    pub key: Arc<SigningKey>,
    pub bucket: Mutex<Bucket>,
    pub faults: Mutex<Faults>,
    pub counters: Mutex<Counters>,
    tokens: Mutex<HashMap<String, TokenInfo>>,
    /// The private_key_jwt assertions already used (`client_id\njti`), until they expire.
    spent_assertions: Mutex<HashMap<String, u64>>,
    pub persister: Option<Persister>,
    pub base_url: String,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a lock must not take the whole emulator down.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn epoch_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

impl App {
    pub fn new(
        tenant: Tenant,
        key: Arc<SigningKey>,
        rate_limit: RateLimit,
        faults: FaultConfig,
        persister: Option<Persister>,
        base_url: String,
    ) -> App {
        App {
            tenant: Mutex::new(tenant),
            key,
            bucket: Mutex::new(Bucket::new(rate_limit)),
            faults: Mutex::new(Faults::new(faults)),
            counters: Mutex::new(Counters::default()),
            tokens: Mutex::new(HashMap::new()),
            spent_assertions: Mutex::new(HashMap::new()),
            persister,
            base_url,
        }
    }

    pub fn stats(&self) -> Stats {
        let c = lock(&self.counters);
        Stats {
            routes: c.routes.clone(),
            token: c.token,
            management_total: c.management_total,
            rate_limited: c.rate_limited,
        }
    }

    pub fn reset_stats(&self) {
        *lock(&self.counters) = Counters::default();
    }

    pub fn set_rate_limit(&self, rl: RateLimit) {
        *lock(&self.bucket) = Bucket::new(rl);
    }

    pub fn set_faults(&self, faults: FaultConfig) {
        *lock(&self.faults) = Faults::new(faults);
    }

    /// Read the tenant.
    fn read<T>(&self, f: impl FnOnce(&Tenant) -> Result<T, ApiError>) -> Result<T, ApiError> {
        f(&lock(&self.tenant))
    }

    /// Change the tenant, then persist the new state (when a state file is set) before answering.
    pub async fn write<T>(
        &self,
        f: impl FnOnce(&mut Tenant) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let (out, snapshot) = {
            let mut t = lock(&self.tenant);
            let out = f(&mut t)?;
            let snapshot = self.persister.as_ref().map(|p| p.snapshot(&t, &self.key));
            (out, snapshot)
        };
        if let (Some(p), Some(s)) = (&self.persister, snapshot) {
            p.write(s).await.map_err(|e| {
                tracing::error!(error = %e, "persisting the state file failed");
                ApiError::new(500, "The emulator could not write its state file", None)
            })?;
        }
        Ok(out)
    }

    fn verify_bearer(&self, headers: &HeaderMap) -> Result<TokenInfo, ApiError> {
        let Some(value) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
            return Err(ApiError::unauthorized("Missing authentication"));
        };
        let Some(token) = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
        else {
            return Err(ApiError::unauthorized(
                "Bad HTTP authentication header format",
            ));
        };
        let token = token.trim();
        let now = epoch_now();
        if let Some(info) = lock(&self.tokens).get(token) {
            if info.exp <= now {
                return Err(ApiError::unauthorized(
                    "Expired token received for JSON Web Token validation",
                ));
            }
            return Ok(info.clone());
        }
        let claims = self.key.verify(token).map_err(ApiError::unauthorized)?;
        let audience = lock(&self.tenant).management_audience();
        let aud_ok = match &claims["aud"] {
            Value::String(a) => *a == audience,
            Value::Array(a) => a.iter().any(|x| x.as_str() == Some(audience.as_str())),
            _ => false,
        };
        if !aud_ok {
            return Err(ApiError::unauthorized(format!(
                "Bad audience: {}",
                claims["aud"]
            )));
        }
        let exp = claims["exp"].as_u64().unwrap_or(0);
        if exp <= now {
            return Err(ApiError::unauthorized(
                "Expired token received for JSON Web Token validation",
            ));
        }
        let scopes = claims["scope"]
            .as_str()
            .unwrap_or("")
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let info = TokenInfo { scopes, exp };
        let mut cache = lock(&self.tokens);
        if cache.len() >= 4096 {
            cache.clear();
        }
        cache.insert(token.to_string(), info.clone());
        Ok(info)
    }
}

type Shared = Arc<App>;

/// The emulator's router.
pub(crate) fn router(app: Shared) -> Router {
    let management = [&CLIENTS, &RESOURCE_SERVERS, &CLIENT_GRANTS]
        .into_iter()
        .fold(Router::new(), |r, c| r.merge(collections::routes(c)))
        .route("/api/v2/clients/{id}/rotate-secret", post(rotate_secret))
        .merge(credentials::routes())
        .route_layer(middleware::from_fn_with_state(
            app.clone(),
            management_layer,
        ));

    Router::new()
        .merge(management)
        .route("/oauth/token", post(token))
        .route("/.well-known/jwks.json", get(jwks))
        .route(
            "/.well-known/openid-configuration",
            get(openid_configuration),
        )
        .route("/emulator/stats", get(stats))
        .route("/emulator/stats/reset", post(reset_stats))
        .route("/emulator/rate-limit", put(replace_rate_limit))
        .fallback(not_found)
        .layer(middleware::from_fn(log_request))
        .with_state(app)
}

/// One debug line per request: method, path (no query, no headers, no body, so no secret), status, time.
async fn log_request(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let started = Instant::now();
    let res = next.run(req).await;
    tracing::debug!(
        %method,
        path = %path,
        status = res.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    res
}

async fn not_found(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        404,
        format!("Not Found: {method} {} is not emulated", uri.path()),
        None,
    )
}

// ---------------------------------------------------------------- emulator tools

async fn stats(State(app): State<Shared>) -> Json<Stats> {
    Json(app.stats())
}

async fn reset_stats(State(app): State<Shared>) -> StatusCode {
    app.reset_stats();
    StatusCode::NO_CONTENT
}

/// `PUT /emulator/rate-limit` with `{"rateLimit": "enterprise"}` (a preset or `BURST:PER_SECOND`,
/// as `--rate-limit` takes): a fresh bucket from now on, so a tenant can be filled quickly and
/// then read at a plan's limit.
async fn replace_rate_limit(
    State(app): State<Shared>,
    Json(body): Json<Value>,
) -> Result<StatusCode, ApiError> {
    let wanted = body
        .get("rateLimit")
        .and_then(|v| v.as_str())
        .ok_or_else(|| {
            ApiError::new(
                400,
                "Payload validation error: send {\"rateLimit\": \"<preset or BURST:PER_SECOND>\"}",
                None,
            )
        })?;
    let limit = wanted
        .parse::<RateLimit>()
        .map_err(|message| ApiError::new(400, message, None))?;
    app.set_rate_limit(limit);
    Ok(StatusCode::NO_CONTENT)
}
