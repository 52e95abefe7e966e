//! `POST /oauth/token` (client credentials), the JWKS and the OpenID configuration.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};

use super::{epoch_now, lock, App, Shared};
use crate::error::OAuthError;
use crate::tenant::{Object, Tenant};

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

pub(super) async fn token(State(app): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
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

pub(super) async fn jwks(State(app): State<Shared>) -> Json<Value> {
    Json(json!({"keys": [app.key.jwk()]}))
}

pub(super) async fn openid_configuration(State(app): State<Shared>) -> Json<Value> {
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
