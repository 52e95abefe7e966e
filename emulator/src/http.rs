//! HTTP surface: routes, the Management API middleware (stats, rate limit, faults, bearer auth)
//! and the handlers. Handlers hold the tenant lock only while touching state, never across an await.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{MatchedPath, Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Map, Value};
use tokio::sync::Notify;

use crate::error::{ApiError, OAuthError};
use crate::keys::SigningKey;
use crate::limits::{Bucket, FaultConfig, Faults, RateDecision, RateLimit};
use crate::persist::Persister;
use crate::tenant::{ListQuery, Object, Tenant};
use crate::Stats;

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
}

/// Everything the handlers share.
pub(crate) struct App {
    pub tenant: Mutex<Tenant>,
    pub key: Arc<SigningKey>,
    pub bucket: Mutex<Bucket>,
    pub faults: Mutex<Faults>,
    pub counters: Mutex<Counters>,
    tokens: Mutex<HashMap<String, TokenInfo>>,
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
    let management = Router::new()
        .route("/api/v2/clients", get(list_clients).post(create_client))
        .route(
            "/api/v2/clients/{id}",
            get(get_client).patch(update_client).delete(delete_client),
        )
        .route("/api/v2/clients/{id}/rotate-secret", post(rotate_secret))
        .route(
            "/api/v2/resource-servers",
            get(list_resource_servers).post(create_resource_server),
        )
        .route(
            "/api/v2/resource-servers/{id}",
            get(get_resource_server)
                .patch(update_resource_server)
                .delete(delete_resource_server),
        )
        .route(
            "/api/v2/client-grants",
            get(list_client_grants).post(create_client_grant),
        )
        .route(
            "/api/v2/client-grants/{id}",
            get(get_client_grant)
                .patch(update_client_grant)
                .delete(delete_client_grant),
        )
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

fn rate_headers(res: &mut Response, d: &RateDecision) {
    let h = res.headers_mut();
    h.insert("x-ratelimit-limit", HeaderValue::from(d.limit));
    h.insert("x-ratelimit-remaining", HeaderValue::from(d.remaining));
    h.insert("x-ratelimit-reset", HeaderValue::from(d.reset));
}

fn injected_error(status: u16, when: &str) -> Response {
    ApiError::new(
        status,
        format!("Injected fault ({when}); the emulator was asked to fail this request"),
        None,
    )
    .into_response()
}

async fn drop_connection(req_kill: Option<ConnKill>) -> Response {
    if let Some(kill) = req_kill {
        kill.0.notify_one();
        // The connection task drops this request's future; nothing is ever answered.
        std::future::pending::<()>().await;
    }
    // Without a connection handle (never the case when served by the emulator), answer a 5xx.
    injected_error(503, "dropped connection")
}

async fn management_layer(
    State(app): State<Shared>,
    matched: Option<MatchedPath>,
    mut req: Request,
    next: Next,
) -> Response {
    let route = format!(
        "{} {}",
        req.method(),
        matched.as_ref().map(|m| m.as_str()).unwrap_or("?")
    );
    {
        let mut c = lock(&app.counters);
        *c.routes.entry(route).or_insert(0) += 1;
        c.management_total += 1;
    }
    let decision = lock(&app.bucket).take();
    if let Some(d) = decision.filter(|d| !d.allowed) {
        let mut res = ApiError::too_many_requests().into_response();
        rate_headers(&mut res, &d);
        return res;
    }
    let (plan, latency, error_status) = {
        let mut f = lock(&app.faults);
        (f.plan(), f.config.latency, f.config.error_status)
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let kill = req.extensions().get::<ConnKill>().cloned();
    if plan.drop_before {
        return drop_connection(kill).await;
    }
    let mut res = if plan.error_before {
        injected_error(error_status, "before processing")
    } else {
        let query_ok = crate::schema::check_query(
            req.method().as_str(),
            matched.as_ref().map(|m| m.as_str()).unwrap_or(""),
            req.uri().query(),
        );
        match app
            .verify_bearer(req.headers())
            .and_then(|i| query_ok.map(|_| i))
        {
            Err(e) => e.into_response(),
            Ok(info) => {
                req.extensions_mut().insert(info);
                let res = next.run(req).await;
                if plan.drop_after {
                    return drop_connection(kill).await;
                }
                if plan.error_after {
                    injected_error(error_status, "after commit")
                } else {
                    res
                }
            }
        }
    };
    if let Some(d) = decision {
        rate_headers(&mut res, &d);
    }
    res
}

// ---------------------------------------------------------------- bodies and views

/// Parse a Management API request body: JSON, or form-encoded (as the OpenAPI allows).
fn parse_body(headers: &HeaderMap, body: &Bytes) -> Result<Value, ApiError> {
    let form = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if form {
        let map: Map<String, Value> = form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        return Ok(Value::Object(map));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|_| {
        ApiError::new(
            400,
            "Invalid request payload JSON format",
            Some("invalid_body"),
        )
    })
}

/// A client as the caller may see it: `client_secret` only with `read:client_keys`, and the
/// `fields`/`include_fields` selection applied.
fn client_view(c: &Object, info: &TokenInfo, q: &ListQuery) -> Value {
    let mut c = c.clone();
    if !info.has("read:client_keys") {
        c.shift_remove("client_secret");
    }
    let fields: Vec<String> = q.all("fields");
    if !fields.is_empty() {
        let include = q.get("include_fields") != Some("false");
        c.retain(|k, _| fields.iter().any(|f| f == k) == include);
    }
    Value::Object(c)
}

fn map_list(list: Value, key: &str, f: impl Fn(&Object) -> Value) -> Value {
    let apply = |items: &Value| -> Value {
        Value::Array(
            items
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_object).map(&f).collect())
                .unwrap_or_default(),
        )
    };
    match list {
        Value::Array(_) => apply(&list),
        Value::Object(mut m) => {
            if let Some(items) = m.get(key) {
                let mapped = apply(items);
                m.insert(key.to_string(), mapped);
            }
            Value::Object(m)
        }
        other => other,
    }
}

fn created(v: Object) -> Response {
    (StatusCode::CREATED, Json(Value::Object(v))).into_response()
}

// ---------------------------------------------------------------- clients

async fn list_clients(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    info.require(&["read:clients", "read:client_keys"])?;
    let q = ListQuery::parse(raw.as_deref());
    let list = app.read(|t| t.list_clients(&q))?;
    Ok(Json(map_list(list, "clients", |c| {
        client_view(c, &info, &q)
    })))
}

async fn create_client(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    info.require(&["create:clients"])?;
    let body = parse_body(&headers, &body)?;
    let c = app.write(|t| t.create_client(&body)).await?;
    let view = client_view(&c, &info, &ListQuery::default());
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

async fn get_client(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    info.require(&["read:clients", "read:client_keys"])?;
    let q = ListQuery::parse(raw.as_deref());
    app.read(|t| Ok(Json(client_view(t.client(&id)?, &info, &q))))
}

async fn update_client(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body = parse_body(&headers, &body)?;
    if body.get("client_secret").is_some() {
        info.require(&["update:client_keys"])?;
    } else {
        info.require(&["update:clients", "update:client_keys"])?;
    }
    let c = app.write(|t| t.update_client(&id, &body)).await?;
    Ok(Json(client_view(&c, &info, &ListQuery::default())))
}

async fn delete_client(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    info.require(&["delete:clients"])?;
    app.write(|t| t.delete_client(&id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn rotate_secret(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    info.require(&["update:client_keys"])?;
    let c = app.write(|t| t.rotate_secret(&id)).await?;
    Ok(Json(client_view(&c, &info, &ListQuery::default())))
}

// ---------------------------------------------------------------- resource servers

async fn list_resource_servers(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    info.require(&["read:resource_servers"])?;
    let q = ListQuery::parse(raw.as_deref());
    app.read(|t| t.list_resource_servers(&q)).map(Json)
}

async fn create_resource_server(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    info.require(&["create:resource_servers"])?;
    let body = parse_body(&headers, &body)?;
    Ok(created(
        app.write(|t| t.create_resource_server(&body)).await?,
    ))
}

async fn get_resource_server(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    info.require(&["read:resource_servers"])?;
    app.read(|t| Ok(Json(Value::Object(t.resource_server(&id)?.clone()))))
}

async fn update_resource_server(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    info.require(&["update:resource_servers"])?;
    let body = parse_body(&headers, &body)?;
    let rs = app.write(|t| t.update_resource_server(&id, &body)).await?;
    Ok(Json(Value::Object(rs)))
}

async fn delete_resource_server(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    info.require(&["delete:resource_servers"])?;
    app.write(|t| t.delete_resource_server(&id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- client grants

async fn list_client_grants(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    info.require(&["read:client_grants"])?;
    let q = ListQuery::parse(raw.as_deref());
    app.read(|t| t.list_client_grants(&q)).map(Json)
}

async fn create_client_grant(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    info.require(&["create:client_grants"])?;
    let body = parse_body(&headers, &body)?;
    Ok(created(app.write(|t| t.create_client_grant(&body)).await?))
}

async fn get_client_grant(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    info.require(&["read:client_grants"])?;
    app.read(|t| Ok(Json(Value::Object(t.client_grant(&id)?.clone()))))
}

async fn update_client_grant(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    info.require(&["update:client_grants"])?;
    let body = parse_body(&headers, &body)?;
    let g = app.write(|t| t.update_client_grant(&id, &body)).await?;
    Ok(Json(Value::Object(g)))
}

async fn delete_client_grant(
    State(app): State<Shared>,
    Extension(info): Extension<TokenInfo>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    info.require(&["delete:client_grants"])?;
    app.write(|t| t.delete_client_grant(&id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- tokens and keys

/// Token-request parameters from a JSON or form body, with HTTP Basic credentials as
/// `client_id`/`client_secret` exactly as sent.
struct TokenParams {
    params: HashMap<String, String>,
    /// The Basic credentials form-decoded (RFC 6749 section 2.3.1), when that changes them.
    basic_form_decoded: Option<(String, String)>,
}

fn token_params(headers: &HeaderMap, body: &Bytes) -> Result<TokenParams, OAuthError> {
    let is_json = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.contains("json"));
    let mut params = HashMap::new();
    let mut basic_form_decoded = None;
    if is_json {
        let v: Value = serde_json::from_slice(body).map_err(|_| {
            OAuthError::new(400, "invalid_request", "The request body is not valid JSON")
        })?;
        if let Value::Object(m) = v {
            for (k, v) in m {
                let s = match v {
                    Value::String(s) => s,
                    Value::Null => continue,
                    other => other.to_string(),
                };
                params.insert(k, s);
            }
        }
    } else {
        for (k, v) in form_urlencoded::parse(body) {
            params.insert(k.into_owned(), v.into_owned());
        }
    }
    // HTTP Basic client authentication (client_secret_basic).
    if let Some(basic) = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    {
        let decoded = STANDARD
            .decode(basic.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| {
                OAuthError::new(
                    401,
                    "invalid_client",
                    "The Basic authorization header is malformed",
                )
            })?;
        let (id, secret) = decoded.split_once(':').ok_or_else(|| {
            OAuthError::new(
                401,
                "invalid_client",
                "The Basic authorization header is malformed",
            )
        })?;
        // RFC 6749 clients form-encode both before base64; many (Python requests, reqwest) do not.
        // Both readings are tried, the one as sent first.
        let form_decode = |s: &str| -> String {
            form_urlencoded::parse(format!("a={}", s.replace('&', "%26")).as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        let decoded = (form_decode(id), form_decode(secret));
        if decoded.0 != id || decoded.1 != secret {
            basic_form_decoded = Some(decoded);
        }
        params.insert("client_id".into(), id.to_string());
        params.insert("client_secret".into(), secret.to_string());
    }
    Ok(TokenParams {
        params,
        basic_form_decoded,
    })
}

/// The client these credentials authenticate. A client without a secret (it authenticates with
/// credentials) never matches, nor does an empty secret.
fn authenticate<'t, 'a>(
    t: &'t Tenant,
    (id, secret): (&'a str, &'a str),
) -> Option<(&'t Object, &'a str)> {
    let client = t.client_by_credentials(id)?;
    let stored = client.get("client_secret").and_then(Value::as_str)?;
    (!secret.is_empty() && constant_time_eq(stored, secret)).then_some((client, id))
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

async fn token(State(app): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    lock(&app.counters).token += 1;
    let latency = lock(&app.faults).config.latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match issue_token(&app, &headers, &body) {
        Ok(v) => (StatusCode::OK, Json(v)).into_response(),
        Err(e) => e.into_response(),
    }
}

fn issue_token(app: &App, headers: &HeaderMap, body: &Bytes) -> Result<Value, OAuthError> {
    let TokenParams {
        params: p,
        basic_form_decoded,
    } = token_params(headers, body)?;
    let grant_type = p.get("grant_type").map(String::as_str).unwrap_or("");
    if grant_type != "client_credentials" {
        return Err(OAuthError::new(
            400,
            "unsupported_grant_type",
            format!("Unsupported grant type: {grant_type}; the emulator issues client_credentials tokens only"),
        ));
    }
    let as_sent = (
        p.get("client_id").map(String::as_str).unwrap_or(""),
        p.get("client_secret").map(String::as_str).unwrap_or(""),
    );
    let alternative = basic_form_decoded
        .as_ref()
        .map(|(id, secret)| (id.as_str(), secret.as_str()));
    let (domain, audience, scopes, lifetime, client_id) = {
        let t = lock(&app.tenant);
        let (client, client_id) = authenticate(&t, as_sent)
            .or_else(|| alternative.and_then(|a| authenticate(&t, a)))
            .ok_or_else(|| OAuthError::new(401, "access_denied", "Unauthorized"))?;
        let allowed = client
            .get("grant_types")
            .and_then(Value::as_array)
            .is_some_and(|g| g.iter().any(|x| x == "client_credentials"));
        if !allowed {
            return Err(OAuthError::new(
                403,
                "unauthorized_client",
                "Grant type 'client_credentials' not allowed for the client.",
            ));
        }
        let audience = p.get("audience").cloned().unwrap_or_default();
        if audience.is_empty() {
            return Err(OAuthError::new(
                403,
                "access_denied",
                "No audience parameter was provided, and no default audience has been configured",
            ));
        }
        let api = t.resource_server_by_identifier(&audience).ok_or_else(|| {
            OAuthError::new(
                403,
                "access_denied",
                format!("Service not found: {audience}"),
            )
        })?;
        let lifetime = api
            .get("token_lifetime")
            .and_then(Value::as_u64)
            .unwrap_or(86400);
        let scopes = t.granted_scopes(client_id, &audience).ok_or_else(|| {
            OAuthError::new(
                403,
                "access_denied",
                format!("Client is not authorized to access \"{audience}\". You need to create a \"client-grant\" associated to this API."),
            )
        })?;
        (
            t.domain().to_string(),
            audience,
            scopes,
            lifetime,
            client_id.to_string(),
        )
    };
    // A requested scope narrows the granted ones.
    let scopes: Vec<String> = match p.get("scope").filter(|s| !s.trim().is_empty()) {
        Some(requested) => {
            let wanted: Vec<&str> = requested.split(' ').collect();
            scopes
                .into_iter()
                .filter(|s| wanted.contains(&s.as_str()))
                .collect()
        }
        None => scopes,
    };
    let scope = scopes.join(" ");
    let iat = epoch_now();
    let claims = json!({
        "iss": format!("https://{domain}/"),
        "sub": format!("{client_id}@clients"),
        "aud": audience,
        "iat": iat,
        "exp": iat + lifetime,
        "scope": scope,
        "gty": "client-credentials",
        "azp": client_id,
    });
    let access_token = app
        .key
        .sign(&claims)
        .map_err(|e| OAuthError::new(500, "server_error", e))?;
    Ok(json!({
        "access_token": access_token,
        "scope": scope,
        "expires_in": lifetime,
        "token_type": "Bearer",
    }))
}

async fn jwks(State(app): State<Shared>) -> Json<Value> {
    Json(json!({"keys": [app.key.jwk()]}))
}

async fn openid_configuration(State(app): State<Shared>) -> Json<Value> {
    let domain = lock(&app.tenant).domain().to_string();
    // issuer follows Auth0 (https://{domain}/); the endpoints point where the emulator really listens.
    Json(json!({
        "issuer": format!("https://{domain}/"),
        "token_endpoint": format!("{}/oauth/token", app.base_url),
        "jwks_uri": format!("{}/.well-known/jwks.json", app.base_url),
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["token"],
        "subject_types_supported": ["public"],
    }))
}

// ---------------------------------------------------------------- emulator tools

async fn stats(State(app): State<Shared>) -> Json<Stats> {
    Json(app.stats())
}

async fn reset_stats(State(app): State<Shared>) -> StatusCode {
    app.reset_stats();
    StatusCode::NO_CONTENT
}
